package web

import (
	"encoding/json"
	"html"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"

	"saima"
)

// seedChangedProject adds project CHG-1, whose latest event is a 变更
// that still waits for its second 论证.
func seedChangedProject(tb testing.TB, env *testEnv) {
	tb.Helper()
	writeWorkflowBatch(tb, env.store, "chg-projects", saima.DatasetProjects, &saima.Batch{Projects: []saima.Project{
		{Code: "CHG-1", Name: "变更待论证项目", Unit: "宁波市海曙区", System: "数字法治", Batch: "启动实施"},
	}})
	writeWorkflowBatch(tb, env.store, "chg-stages", saima.DatasetStages, &saima.Batch{Stages: []saima.StageEvent{
		{ProjectCode: "CHG-1", Stage: "预报", Date: day("2026-01-05")},
		{ProjectCode: "CHG-1", Stage: "论证", Date: day("2026-02-01")},
		{ProjectCode: "CHG-1", Stage: "决策", Date: day("2026-02-15")},
		{ProjectCode: "CHG-1", Stage: "实施", Date: day("2026-03-01")},
		{ProjectCode: "CHG-1", Stage: saima.StageChange, Date: day("2026-06-10"), ChangeItem: "建设周期",
			ChangeReason: "扩大试点范围"},
	}})
}

// stageBarCounts returns the bars of chart id on page body, by stage.
func stageBarCounts(tb testing.TB, body, id string) map[string]int {
	tb.Helper()
	re := regexp.MustCompile(`<script type="application/json" data-chart="` + id + `">([^<]*)</script>`)
	m := re.FindStringSubmatch(body)
	if m == nil {
		tb.Fatalf("page lacks chart %s", id)
	}
	var option struct {
		YAxis []struct {
			Data []string `json:"data"`
		} `json:"yAxis"`
		Series []struct {
			Data []struct {
				Value json.Number `json:"value"`
			} `json:"data"`
		} `json:"series"`
	}
	if err := json.Unmarshal([]byte(html.UnescapeString(m[1])), &option); err != nil {
		tb.Fatalf("decode chart %s: %v", id, err)
	}
	if len(option.YAxis) == 0 || len(option.Series) != 1 {
		tb.Fatalf("chart %s has %d category axes and %d series, want one of each", id, len(option.YAxis), len(option.Series))
	}
	out := map[string]int{}
	for i, item := range option.Series[0].Data {
		n, err := strconv.Atoi(item.Value.String())
		if err != nil {
			tb.Fatalf("chart %s bar %d = %q, want a whole number", id, i, item.Value)
		}
		out[option.YAxis[0].Data[i]] = n
	}
	return out
}

// TestLedgerCountsChangeAsArgue checks that a project waiting for its
// second 论证 after a 变更 counts under 论证, as the reports' stage
// distribution counts it. That holds for the stage bars of the ledger
// and the overview, which then add up to the projects listed, and for
// the ledger's stage filter.
func TestLedgerCountsChangeAsArgue(t *testing.T) {
	env := newSeededEnv(t)
	seedChangedProject(t, env)
	office := env.as(t, "office")

	var all ledgerAPI
	_, body := office.get(t, "/api/ledger")
	if err := json.Unmarshal([]byte(body), &all); err != nil {
		t.Fatalf("decode /api/ledger: %v", err)
	}
	for _, page := range []struct{ path, chart string }{{"/ledger", "chart-stages"}, {"/overview", "chart-overview-stages"}} {
		_, body := office.get(t, page.path)
		bars := stageBarCounts(t, body, page.chart)
		total := 0
		for _, n := range bars {
			total += n
		}
		if total != len(all.Entries) {
			t.Errorf("%s stage bars add up to %d, want the %d projects of the ledger: %v", page.path, total, len(all.Entries), bars)
		}
		if bars["论证"] != 2 {
			t.Errorf("%s bar 论证 = %d, want 2 with CHG-1 after its 变更", page.path, bars["论证"])
		}
	}

	var argue ledgerAPI
	_, body = office.get(t, "/api/ledger?stage="+"%E8%AE%BA%E8%AF%81")
	if err := json.Unmarshal([]byte(body), &argue); err != nil {
		t.Fatalf("decode /api/ledger?stage=论证: %v", err)
	}
	codes := make([]string, len(argue.Entries))
	for i, e := range argue.Entries {
		codes[i] = e.Code
	}
	if !slices.Contains(codes, "CHG-1") || !slices.Contains(codes, "NB-2026-002") {
		t.Errorf("/api/ledger?stage=论证 lists %v, want CHG-1 and NB-2026-002", codes)
	}
}

// TestLedgerUnitFilter checks that the ledger's unit filter reads a
// unit's alias as the unit. On the page, the API, the workbook and the
// PDF alike, it rejects a name that is not on the roster instead of
// showing an empty ledger.
func TestLedgerUnitFilter(t *testing.T) {
	env := newSeededEnv(t)
	office := env.as(t, "office")

	for _, unit := range []string{"宁波市海曙区", "海曙"} {
		var got ledgerAPI
		_, body := office.get(t, "/api/ledger?unit="+url.QueryEscape(unit))
		if err := json.Unmarshal([]byte(body), &got); err != nil {
			t.Fatalf("decode /api/ledger?unit=%s: %v", unit, err)
		}
		if len(got.Entries) != 1 || got.Entries[0].Code != "NB-2026-001" {
			t.Errorf("/api/ledger?unit=%s lists %d projects, want NB-2026-001 only", unit, len(got.Entries))
		}
	}
	for _, path := range []string{"/ledger", "/api/ledger", "/export/ledger.xlsx", "/reports/ledger.pdf"} {
		resp, body := office.get(t, path+"?unit="+url.QueryEscape("杭州市西湖区"))
		if resp.StatusCode != http.StatusBadRequest {
			t.Errorf("%s?unit=杭州市西湖区 = %d, want 400", path, resp.StatusCode)
			continue
		}
		if !strings.Contains(body, "杭州市西湖区") || !strings.Contains(body, "单位名单") {
			t.Errorf("%s?unit=杭州市西湖区 body lacks the value and the roster: %.300s", path, body)
		}
	}
}

// TestUnitFilterReadsAliases checks the unit filter of the pages that
// list a unit's milestones and problems: an alias lists what the roster
// name lists, and a name off the roster gets 400.
func TestUnitFilterReadsAliases(t *testing.T) {
	env := newSeededEnv(t)
	office := env.as(t, "office")
	for _, path := range []string{"/milestones", "/milestones/status", "/problems"} {
		_, byName := office.get(t, path+"?unit="+url.QueryEscape("宁波市海曙区"))
		resp, byAlias := office.get(t, path+"?unit="+url.QueryEscape("海曙"))
		if resp.StatusCode != http.StatusOK {
			t.Errorf("%s?unit=海曙 = %d, want 200", path, resp.StatusCode)
		}
		if got, want := strings.Count(byAlias, "<tr"), strings.Count(byName, "<tr"); got != want {
			t.Errorf("%s?unit=海曙 has %d table rows, want the %d of 宁波市海曙区", path, got, want)
		}
		resp, body := office.get(t, path+"?unit="+url.QueryEscape("杭州市西湖区"))
		if resp.StatusCode != http.StatusBadRequest || !strings.Contains(body, "杭州市西湖区") {
			t.Errorf("%s?unit=杭州市西湖区 = %d, want 400 naming the value", path, resp.StatusCode)
		}
	}
}

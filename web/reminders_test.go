package web

import (
	"html"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/shopspring/decimal"
	"github.com/xuri/excelize/v2"

	"saima"
)

func TestMissingReportsOwedStages(t *testing.T) {
	percent := func(v int64) decimal.NullDecimal { return decimal.NewNullDecimal(decimal.NewFromInt(v)) }
	entry := func(code, stage string, latest decimal.NullDecimal) saima.LedgerEntry {
		return saima.LedgerEntry{Project: saima.Project{Code: code, Unit: "宁波市海曙区"}, Stage: stage, LatestPercent: latest}
	}
	entries := []saima.LedgerEntry{
		entry("PRE", "预报", decimal.NullDecimal{}),
		entry("REVIEW", "初审", decimal.NullDecimal{}),
		entry("DECIDED", "决策", decimal.NullDecimal{}),
		entry("REPORTING-EARLY", "论证", percent(30)),
		entry("NO-STAGE", "", percent(10)),
		entry("NO-STAGE-NO-REPORT", "", decimal.NullDecimal{}),
		entry("WORK", "实施", percent(60)),
		entry("WORK-NEW", "实施", decimal.NullDecimal{}),
		entry("WORK-DONE", "实施", percent(100)),
		entry("EVAL", "评估", percent(95)),
		entry("EVAL-DONE", "评估", percent(100)),
		entry("EXIT", "退出", percent(40)),
		entry("END", "完成", percent(100)),
		entry("REPORTED", "实施", percent(50)),
	}
	reports := []saima.ProgressReport{{Unit: "宁波市海曙区", ProjectCode: "REPORTED"}}

	var got []string
	for _, m := range missingReports(entries, reports) {
		got = append(got, m.ProjectCode)
	}
	if want := []string{"EVAL", "NO-STAGE", "REPORTING-EARLY", "WORK", "WORK-NEW"}; !slices.Equal(got, want) {
		t.Errorf("projects owing a report = %v, want %v", got, want)
	}
}

// In the first days of a quarter the reminders still list the quarter
// that has just ended, whose reports arrive after its end, with the last
// day of its grace period.
func TestRemindersGraceDays(t *testing.T) {
	env := newSeededEnv(t)
	seedWorkflows(t, env.store)
	writeWorkflowBatch(t, env.store, "late-projects", saima.DatasetProjects, &saima.Batch{Projects: []saima.Project{
		{Code: "NB-2026-009", Name: "迟报项目", Unit: "宁波市江北区", System: "整体智治"},
	}})
	writeWorkflowBatch(t, env.store, "late-progress", saima.DatasetProgress, &saima.Batch{Progress: []saima.ProgressReport{
		{Unit: "宁波市江北区", ProjectCode: "NB-2026-009", ProjectName: "迟报项目", Period: saima.Quarter(2026, 2),
			Percent: decimal.NewNullDecimal(decimal.NewFromInt(50))},
	}})
	setClock := func(day int) *client {
		t.Helper()
		env.clock.Advance(time.Date(2026, 10, day, 10, 0, 0, 0, saima.Beijing).Sub(env.clock.Now()))
		return env.signIn(t, "office", testAccounts["office"].password)
	}
	previous := "2026年第三季度未填报进度（补报期至 2026-10-15，1 个单位，1 个项目）"

	t.Run("GraceDays", func(t *testing.T) {
		office := setClock(15)
		_, body := office.get(t, "/reminders")
		text := html.UnescapeString(body)
		for _, want := range []string{previous, "迟报项目", "2026年第四季度未填报进度（3 个单位，3 个项目）"} {
			if !strings.Contains(text, want) {
				t.Errorf("reminders on 2026-10-15 lack %q:\n%s", want, text)
			}
		}
		resp, body := office.get(t, "/reminders.xlsx")
		if resp.StatusCode != http.StatusOK {
			t.Fatalf("GET /reminders.xlsx status = %d", resp.StatusCode)
		}
		f, err := excelize.OpenReader(strings.NewReader(body))
		if err != nil {
			t.Fatal(err)
		}
		defer f.Close()
		rows, err := f.GetRows("未填报进度")
		if err != nil {
			t.Fatal(err)
		}
		var periods []string
		for _, r := range rows[1:] {
			if r[1] == "NB-2026-009" {
				periods = append(periods, r[3])
			}
		}
		want := []string{"2026年第四季度", "2026年第三季度（补报期至 2026-10-15）"}
		if !slices.Equal(periods, want) {
			t.Errorf("未填报进度 periods of NB-2026-009 = %q, want %q", periods, want)
		}

		_, body = office.get(t, "/units/"+url.PathEscape("宁波市江北区"))
		if want := "2026年第三季度（补报期至 2026-10-15）尚有 1 个项目未填报进度"; !strings.Contains(html.UnescapeString(body), want) {
			t.Errorf("unit page on 2026-10-15 lacks %q", want)
		}
	})
	t.Run("AfterGrace", func(t *testing.T) {
		office := setClock(16)
		_, body := office.get(t, "/reminders")
		if text := html.UnescapeString(body); strings.Contains(text, "2026年第三季度未填报进度") {
			t.Errorf("reminders on 2026-10-16 still list 2026Q3:\n%s", text)
		}
	})
}

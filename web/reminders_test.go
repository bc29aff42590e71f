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
		rows := reminderSheet(t, office, "未填报进度")
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

// TestDueLeaderReports checks which half-year reports the reminders list:
// missing ones that are overdue or fall due within the look-ahead, of the
// projects the unit runs as 责任单位 or 牵头单位.
func TestDueLeaderReports(t *testing.T) {
	today := day("2026-07-10")
	h := func(year, half int) saima.HalfYear { return saima.HalfYear{Year: year, Half: half} }
	item := func(code, unit, lead string, halves ...saima.LeaderHalf) saima.LeaderItem {
		return saima.LeaderItem{Project: saima.Project{Code: code, Unit: unit, LeadUnit: lead}, Halves: halves}
	}
	half := func(hy saima.HalfYear, due string, reported bool) saima.LeaderHalf {
		lh := saima.LeaderHalf{Half: hy, Due: day(due)}
		if reported {
			lh.Report = &saima.LeaderReport{ProjectCode: "x", Half: hy}
		}
		return lh
	}
	items := []saima.LeaderItem{
		item("OVERDUE", "宁波市海曙区", "", half(h(2025, 2), "2026-01-15", false), half(h(2026, 1), "2026-07-15", true)),
		item("DUE-LAST-DAY", "宁波市江北区", "宁波市海曙区", half(h(2026, 1), "2026-07-24", false)),
		item("DUE-TODAY", "宁波市江北区", "", half(h(2026, 1), "2026-07-10", false)),
		item("TOO-FAR", "宁波市海曙区", "", half(h(2026, 1), "2026-07-25", false)),
	}
	codes := func(ds []dueLeaderReport) []string {
		var out []string
		for _, d := range ds {
			out = append(out, d.Project.Code+"/"+d.Half.String()+"/"+d.State())
		}
		return out
	}
	all := codes(dueLeaderReports(items, "", today, 14))
	want := []string{"OVERDUE/2025H2/已逾期 176 天", "DUE-TODAY/2026H1/还剩 0 天", "DUE-LAST-DAY/2026H1/还剩 14 天"}
	if !slices.Equal(all, want) {
		t.Errorf("due reports of every unit = %q, want %q", all, want)
	}
	haishu := codes(dueLeaderReports(items, "宁波市海曙区", today, 14))
	want = []string{"OVERDUE/2025H2/已逾期 176 天", "DUE-LAST-DAY/2026H1/还剩 14 天"}
	if !slices.Equal(haishu, want) {
		t.Errorf("due reports of 宁波市海曙区 = %q, want %q (its own and the one it leads)", haishu, want)
	}
}

// TestRemindersLeaderReports checks that a unit learns of its missing
// half-year reports on its own page, and the office on /reminders and in
// its workbook, as /leaders counts them.
func TestRemindersLeaderReports(t *testing.T) {
	env := newSeededEnv(t)
	start := day("2025-09-01")
	writeWorkflowBatch(t, env.store, "ld-projects", saima.DatasetProjects, &saima.Batch{Projects: []saima.Project{
		{Code: "LD-OWN", Name: "海曙领衔项目", Unit: "宁波市海曙区", System: "数字政府", Batch: "继续推进",
			LeaderLed: true, Leader: "王市长", StartDate: &start},
		{Code: "LD-LEAD", Name: "江北领衔项目", Unit: "宁波市江北区", LeadUnit: "宁波市海曙区", System: "数字政府",
			Batch: "继续推进", LeaderLed: true, Leader: "李副市长", StartDate: &start},
	}})
	writeWorkflowBatch(t, env.store, "ld-reports", saima.DatasetLeaderReports, &saima.Batch{LeaderReports: []saima.LeaderReport{
		{ProjectCode: "LD-OWN", Half: saima.HalfYear{Year: 2025, Half: 2}, Leader: "王市长", Unit: "宁波市海曙区",
			Results: "上线", Submitted: day("2026-01-10")},
	}})

	// On 2026-10-20: LD-OWN owes 2026H1 (due 2026-07-15), LD-LEAD owes
	// 2025H2 and 2026H1. 2026H2 falls due on 2027-01-15, beyond 14 days.
	_, body := env.as(t, "haishu").get(t, "/units/"+url.PathEscape("宁波市海曙区"))
	text := html.UnescapeString(body)
	for _, want := range []string{
		"领衔事项“海曙领衔项目”（LD-OWN）2026年上半年的半年报告报送截止日期为 2026-07-15，已逾期 97 天。",
		"领衔事项“江北领衔项目”（LD-LEAD）2025年下半年的半年报告报送截止日期为 2026-01-15，已逾期 278 天。",
	} {
		if !strings.Contains(text, want) {
			t.Errorf("haishu's own page lacks %q", want)
		}
	}
	if strings.Contains(text, "2026年下半年的半年报告") {
		t.Errorf("haishu's page reminds of 2026H2, which falls due beyond 14 days")
	}

	office := env.as(t, "office")
	_, body = office.get(t, "/reminders")
	if want := "逾期或 14 天内到期的领衔事项半年报告（3 份）"; !strings.Contains(html.UnescapeString(body), want) {
		t.Errorf("/reminders lacks %q", want)
	}
	_, body = office.get(t, "/reminders?days=90")
	if want := "逾期或 90 天内到期的领衔事项半年报告（5 份）"; !strings.Contains(html.UnescapeString(body), want) {
		t.Errorf("/reminders?days=90 lacks %q", want)
	}
	rows := reminderSheet(t, office, "领衔事项半年报告")
	if len(rows) != 4 || rows[1][0] != "宁波市江北区、宁波市海曙区" || rows[1][1] != "LD-LEAD" || rows[1][6] != "-278" {
		t.Errorf("领衔事项半年报告 sheet = %q, want 3 rows, LD-LEAD 2025H2 first with -278 days", rows)
	}
}

// reminderSheet downloads /reminders.xlsx as c and returns the rows of
// its sheet named sheet.
func reminderSheet(t *testing.T, c *client, sheet string) [][]string {
	t.Helper()
	resp, body := c.get(t, "/reminders.xlsx")
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("GET /reminders.xlsx status = %d", resp.StatusCode)
	}
	f, err := excelize.OpenReader(strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	rows, err := f.GetRows(sheet)
	if err != nil {
		t.Fatal(err)
	}
	return rows
}

package web

import (
	"context"
	"net/http"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"saima"
	"saima/reports"
)

// TestLeadersLifecycle checks saima.BuildLeaderItems on /leaders. A half
// year that begins after a project was finished owes no report, and a
// project without a start date or report owes nothing. A late report
// shows 逾期报送. The page lists as many items as the quarterly report.
func TestLeadersLifecycle(t *testing.T) {
	env := newSeededEnv(t)
	start := day("2025-09-01")
	writeWorkflowBatch(t, env.store, "ld-projects", saima.DatasetProjects, &saima.Batch{Projects: []saima.Project{
		{Code: "LD-DONE", Name: "已完成领衔项目", Unit: "宁波市海曙区", System: "数字政府", Batch: "继续推进",
			LeaderLed: true, Leader: "王市长", StartDate: &start},
		{Code: "LD-NOSTART", Name: "未开始领衔项目", Unit: "宁波市海曙区", System: "数字政府", Batch: "谋划设计",
			LeaderLed: true, Leader: "王市长"},
	}})
	writeWorkflowBatch(t, env.store, "ld-stages", saima.DatasetStages, &saima.Batch{Stages: []saima.StageEvent{
		{ProjectCode: "LD-DONE", Stage: "预报", Date: day("2025-05-01")},
		{ProjectCode: "LD-DONE", Stage: "完成", Date: day("2026-03-25")},
		{ProjectCode: "LD-NOSTART", Stage: "预报", Date: day("2026-05-01")},
	}})
	writeWorkflowBatch(t, env.store, "ld-reports", saima.DatasetLeaderReports, &saima.Batch{LeaderReports: []saima.LeaderReport{
		{ProjectCode: "LD-DONE", Half: saima.HalfYear{Year: 2025, Half: 2}, Leader: "王市长", Unit: "宁波市海曙区",
			Results: "上线", Submitted: day("2026-01-10")},
		{ProjectCode: "LD-DONE", Half: saima.HalfYear{Year: 2026, Half: 1}, Leader: "王市长", Unit: "宁波市海曙区",
			Results: "验收", Submitted: day("2026-08-01")},
	}})

	_, body := env.as(t, "office").get(t, "/leaders")
	for _, want := range []string{"已完成领衔项目", "<strong>逾期报送</strong>（迟 17 天，截止日 2026-07-15）", "逾期报送 1 份"} {
		if !strings.Contains(body, want) {
			t.Errorf("/leaders lacks %q", want)
		}
	}
	if strings.Contains(body, "未开始领衔项目") {
		t.Errorf("/leaders lists a project without a start date or report")
	}
	// 2025H2 and 2026H1; 2026H2 began after the project was finished.
	if n := strings.Count(body, "<th scope=\"row\">已完成领衔项目</th>"); n != 2 {
		t.Errorf("/leaders shows %d half years of the finished project, want 2", n)
	}

	today := saima.DateOf(testNow)
	w, err := reports.BuildWorkflow(context.Background(), env.store, saima.Quarter(2026, 4).Start(), today, today)
	if err != nil {
		t.Fatal(err)
	}
	m := regexp.MustCompile(`共 (\d+) 个领导领衔事项`).FindStringSubmatch(body)
	if m == nil || m[1] != strconv.Itoa(len(w.Leaders)) {
		t.Errorf("/leaders counts %v items, want %d as in the quarterly report", m, len(w.Leaders))
	}
}

// TestQuarterlyPDFLeadersReadLedgerNow checks that the quarterly PDF of a
// published quarter lists a leader-led project and its half-year report
// uploaded after the publication, as /leaders does, although its ranking
// reads the ledger as of the published version.
func TestQuarterlyPDFLeadersReadLedgerNow(t *testing.T) {
	requirePDFToText(t)
	env := newEvaluationEnv(t)
	if resp, _ := env.publish(t, "office", ""); resp.StatusCode != http.StatusCreated {
		t.Fatalf("publish: status %d, want 201", resp.StatusCode)
	}

	start := day("2026-02-01")
	batch := func(id, dataset string, b *saima.Batch) {
		b.Upload = saima.Upload{ID: id, Dataset: dataset, Uploader: "office", At: testNow,
			FileName: dataset + ".csv", Outcome: saima.OutcomeOK}
		if err := env.store.WriteBatch(context.Background(), b); err != nil {
			t.Fatalf("WriteBatch(%s) = %v", dataset, err)
		}
	}
	batch("ld-later-projects", saima.DatasetProjects, &saima.Batch{Projects: []saima.Project{
		{Code: "LD-LATER", Name: "发布后领衔项目", Unit: "宁波市海曙区", System: "数字政府", Batch: "启动实施",
			LeaderLed: true, Leader: "王市长", StartDate: &start}}})
	batch("ld-later-reports", saima.DatasetLeaderReports, &saima.Batch{LeaderReports: []saima.LeaderReport{
		{ProjectCode: "LD-LATER", Half: saima.HalfYear{Year: 2026, Half: 1}, Leader: "王市长", Unit: "宁波市海曙区",
			Results: "上线", Submitted: day("2026-07-10")}}})

	resp, body := env.get(t, "/reports/quarterly/2026Q2.pdf")
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("GET the 2026Q2 PDF: status %d", resp.StatusCode)
	}
	text := squeeze(pdfText(t, []byte(body)))
	for _, want := range []string{"LD-LATER", "2026年上半年：2026-07-10报送，待确认", "逾期未报半年报告0份"} {
		if !strings.Contains(text, want) {
			t.Errorf("PDF text lacks %q", want)
		}
	}
}

// TestLeadersBackdatedReport checks that /leaders shows the day saima
// received a report whose 报送日期 is earlier, and counts the report late
// by the received day.
func TestLeadersBackdatedReport(t *testing.T) {
	env := newSeededEnv(t)
	start := day("2025-09-01")
	received := day("2026-08-01")
	writeWorkflowBatch(t, env.store, "bd-projects", saima.DatasetProjects, &saima.Batch{Projects: []saima.Project{
		{Code: "LD-BD", Name: "倒填日期项目", Unit: "宁波市海曙区", System: "数字政府", Batch: "继续推进",
			LeaderLed: true, Leader: "王市长", StartDate: &start},
	}})
	writeWorkflowBatch(t, env.store, "bd-reports", saima.DatasetLeaderReports, &saima.Batch{LeaderReports: []saima.LeaderReport{
		{ProjectCode: "LD-BD", Half: saima.HalfYear{Year: 2026, Half: 1}, Leader: "王市长", Unit: "宁波市海曙区",
			Results: "上线", Submitted: day("2026-07-10"), Received: &received},
	}})

	_, body := env.as(t, "office").get(t, "/leaders")
	for _, want := range []string{"2026-07-10（宁波市海曙区）<br>系统收到 2026-08-01，晚于所填报送日期",
		"<strong>逾期报送</strong>（迟 17 天，截止日 2026-07-15）"} {
		if !strings.Contains(body, want) {
			t.Errorf("/leaders lacks %q", want)
		}
	}
}

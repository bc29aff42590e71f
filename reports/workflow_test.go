package reports

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"saima"
)

func workflowFixture() *Workflow {
	closed := date(2026, 8, 20)
	start := date(2025, 10, 1)
	history := []saima.StageEvent{
		{ProjectCode: "A", Stage: "实施", Date: date(2026, 3, 1)},
		{ProjectCode: "B", Stage: "论证", Date: date(2026, 2, 1)},
		{ProjectCode: "B", Stage: saima.StageChange, Date: date(2026, 8, 1), Round: 1},
		{ProjectCode: "C", Stage: "实施", Date: date(2026, 1, 5)},
		{ProjectCode: "C", Stage: "退出", Date: date(2026, 9, 10), DecidedBy: "市委改革委",
			Documents: "甬改委〔2026〕9号", Accountability: "不予问责：政策调整"},
		{ProjectCode: "D", Stage: "预报", Date: date(2026, 10, 2)}, // after the span
		{ProjectCode: "E", Stage: "退出", Date: date(2026, 5, 1)},  // before the span
	}
	problems := []saima.ProblemItem{
		{ID: "P1", Opened: date(2026, 7, 2), Closed: &closed},
		{ID: "P2", Opened: date(2026, 9, 1)},
		{ID: "P0", Opened: date(2026, 6, 30)}, // before the span
	}
	steps := []saima.ProblemStep{{ProblemID: "P1", Step: saima.StepEscalate, Level: 2, Date: date(2026, 7, 10)}}
	projects := []saima.Project{{Code: "A", Name: "城市大脑", LeaderLed: true, Leader: "王建华", StartDate: &start},
		{Code: "B"}, {Code: "C"}, {Code: "D"}, {Code: "E"}}
	reps := []saima.LeaderReport{{ProjectCode: "A", Half: saima.HalfYear{Year: 2025, Half: 2},
		Submitted: date(2026, 1, 8), Confirmed: &closed}}
	return summarizeWorkflow(date(2026, 7, 1), date(2026, 9, 30), date(2026, 10, 1),
		projects, history, problems, steps, reps)
}

func TestSummarizeWorkflow(t *testing.T) {
	w := workflowFixture()
	counts := map[string]int{}
	for _, c := range w.Pipeline {
		counts[c.Stage] = c.Count
	}
	// E exited before the span and D was filed after it, so neither is
	// on the ledger in the span.
	want := map[string]int{"实施": 1, "论证": 1, "退出": 1, "预报": 0}
	for stage, n := range want {
		if counts[stage] != n {
			t.Errorf("pipeline[%s] = %d, want %d", stage, counts[stage], n)
		}
	}
	if len(w.Exits) != 1 || w.Exits[0].ProjectCode != "C" {
		t.Errorf("exits = %v, want only C", w.Exits)
	}
	total := w.Loop[len(w.Loop)-1]
	if total.Problems != 2 || total.Closed != 1 || w.Loop[1].Problems != 1 {
		t.Errorf("loop = %+v, want 2 problems in the span, 1 closed, 1 at 改革办", w.Loop)
	}
	if len(w.Leaders) != 1 || w.Leaders[0].OverdueCount() != 1 {
		t.Errorf("leaders = %+v, want A with 2026H1 overdue", w.Leaders)
	}
}

func TestWriteQuarterlyWorkflow(t *testing.T) {
	q := smallQuarterly()
	q.Workflow = workflowFixture()
	path, logged := renderPDF(t, q)
	if logged != "" {
		t.Errorf("WriteQuarterly logged %q, want nothing", logged)
	}
	text := bodyText(popplerText(t, path), q)
	for _, want := range []string{
		"台账运行情况", "项目阶段分布", "问题闭环", "改革办", "领导领衔事项",
		"逾期未报半年报告1份", "A（2026年上半年）", "2026-01-08报送，已确认",
		"项目退出", "甬改委〔2026〕9号", "不予问责：政策调整",
	} {
		if !strings.Contains(text, want) {
			t.Errorf("quarterly PDF text lacks %q", want)
		}
	}
}

func TestWriteAnnualWorkflow(t *testing.T) {
	a := &Annual{Title: DefaultAnnualTitle, Year: 2026, Rule: DefaultAnnualRule(),
		GeneratedAt: time.Date(2026, 10, 1, 9, 0, 0, 0, saima.Beijing), Workflow: workflowFixture()}
	var buf bytes.Buffer
	if err := WriteAnnual(&buf, a, testFonts(t), nil); err != nil {
		t.Fatalf("WriteAnnual: %v", err)
	}
	path := filepath.Join(t.TempDir(), "annual.pdf")
	if err := os.WriteFile(path, buf.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	text := strings.ReplaceAll(popplerText(t, path), "\n", "")
	for _, want := range []string{"台账运行情况", "问题闭环", "不予问责：政策调整"} {
		if !strings.Contains(text, want) {
			t.Errorf("annual PDF text lacks %q", want)
		}
	}
}

// A past year's report lists the leader-led projects that had started or
// reported by its end, not those that started later.
func TestLeadersOfPastYear(t *testing.T) {
	started, later := date(2025, 3, 1), date(2026, 3, 1)
	projects := []saima.Project{
		{Code: "A", LeaderLed: true, StartDate: &started},
		{Code: "B", LeaderLed: true, StartDate: &later},
		{Code: "C", LeaderLed: true},                 // no start date, no report
		{Code: "D", LeaderLed: true},                 // no start date, reported in 2025
		{Code: "E", LeaderLed: true},                 // no start date, first report in 2026
		{Code: "F", StartDate: &started, Leader: ""}, // not leader-led
	}
	reps := []saima.LeaderReport{
		{ProjectCode: "D", Half: saima.HalfYear{Year: 2025, Half: 1}, Submitted: date(2025, 7, 5)},
		{ProjectCode: "E", Half: saima.HalfYear{Year: 2026, Half: 2}, Submitted: date(2027, 1, 5)},
	}
	var got []string
	for _, it := range saima.BuildLeaderItems(projects, reps, nil, saima.HalfYear{Year: 2025, Half: 2},
		date(2026, 10, 1)) {
		got = append(got, it.Project.Code)
	}
	if want := []string{"A", "D"}; strings.Join(got, ",") != strings.Join(want, ",") {
		t.Errorf("leaders of 2025 = %q, want %q", got, want)
	}
}

// Two events of one project on one day count in lifecycle order, as the
// ledger orders them, whichever of the two the history lists first.
func TestPipelineSameDay(t *testing.T) {
	day := date(2026, 6, 1)
	tests := []struct {
		name   string
		events []saima.StageEvent
		want   string // the stage the project counts in
	}{
		{"change after implementation", []saima.StageEvent{
			{Stage: "实施", Round: 1}, {Stage: saima.StageChange, Round: 1}}, "论证"},
		{"decision after review", []saima.StageEvent{
			{Stage: "论证"}, {Stage: "决策"}}, "决策"},
		{"later round first", []saima.StageEvent{
			{Stage: saima.StageChange, Round: 1}, {Stage: "实施", Round: 2}}, "实施"},
		{"exit after later round", []saima.StageEvent{
			{Stage: saima.StageChange, Round: 2}, {Stage: "退出", Round: 1}}, "退出"},
	}
	for _, tt := range tests {
		for _, order := range []string{"forward", "reversed"} {
			t.Run(tt.name+"/"+order, func(t *testing.T) {
				history := slices.Clone(tt.events)
				if order == "reversed" {
					slices.Reverse(history)
				}
				for i := range history {
					history[i].ProjectCode, history[i].Date = "A", day
				}

				var got []string
				for _, c := range pipeline(history, day, day) {
					for range c.Count {
						got = append(got, c.Stage)
					}
				}
				if len(got) != 1 || got[0] != tt.want {
					t.Errorf("pipeline(%v) counts the project in %q, want [%s]", history, got, tt.want)
				}
			})
		}
	}
}

// The stage distribution counts a project only in spans its lifespan
// overlaps: from its first stage event to its exit or completion.
func TestPipelineLifespan(t *testing.T) {
	history := []saima.StageEvent{
		{ProjectCode: "OLD", Stage: "预报", Date: date(2024, 3, 1)},
		{ProjectCode: "OLD", Stage: "退出", Date: date(2024, 12, 1)},
		{ProjectCode: "RUN", Stage: "预报", Date: date(2025, 3, 1)},
		{ProjectCode: "DONE", Stage: "预报", Date: date(2024, 3, 1)},
		{ProjectCode: "DONE", Stage: "完成", Date: date(2025, 2, 1)},
		{ProjectCode: "NEW", Stage: "预报", Date: date(2026, 2, 1)},
	}
	var got []string
	for _, c := range pipeline(history, date(2025, 1, 1), date(2025, 12, 31)) {
		got = append(got, fmt.Sprintf("%s=%d", c.Stage, c.Count))
	}
	want := "[预报=1 初审=0 审核=0 论证=0 决策=0 实施=0 评估=0 退出=0 完成=1]"
	if fmt.Sprint(got) != want {
		t.Errorf("pipeline of 2025 = %v, want %s", got, want)
	}
}

func ptrDate(d saima.Date) *saima.Date { return &d }

// A report sent after its due day reads 逾期报送 with the days late. A
// report received after its stated day shows both and is late by the
// received day.
func TestLeaderHalfStateLate(t *testing.T) {
	h := saima.HalfYear{Year: 2026, Half: 1}
	tests := []struct {
		name      string
		submitted saima.Date
		received  *saima.Date
		want      string
	}{
		{"OnDueDay", date(2026, 7, 15), nil, "2026-07-15报送，待确认"},
		{"Late", date(2026, 8, 1), nil, "2026-08-01报送，逾期报送（迟17天），待确认"},
		{"ReceivedSameDay", date(2026, 7, 15), ptrDate(date(2026, 7, 15)), "2026-07-15报送，待确认"},
		{"Backdated", date(2026, 7, 10), ptrDate(date(2026, 8, 1)),
			"2026-07-10报送（系统2026-08-01收到），逾期报送（迟17天），待确认"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			lh := saima.LeaderHalf{Half: h, Due: saima.LeaderReportDue(h),
				Report: &saima.LeaderReport{Half: h, Submitted: tt.submitted, Received: tt.received}}
			if got := leaderHalfState(lh); got != tt.want {
				t.Errorf("leaderHalfState(%s) = %q, want %q", tt.submitted, got, tt.want)
			}
		})
	}
}

// TestLoopJudgedOnSpanEnd checks that the loop table counts a problem as
// it stood on the span's last day: closed only when closed by then, and
// at the level its escalations had reached by then.
func TestLoopJudgedOnSpanEnd(t *testing.T) {
	closedLater := date(2026, 11, 1)
	closedInSpan := date(2026, 8, 1)
	problems := []saima.ProblemItem{
		// The list gives LATE the level 市领导 that its escalation of
		// 2026-10-15 reached, after the span.
		{ID: "LATE", Stage: "已办结", Level: 3, Opened: date(2026, 7, 5), Closed: &closedLater},
		{ID: "DONE", Stage: "已办结", Opened: date(2026, 7, 6), Closed: &closedInSpan},
		// No step explains HIGH's level, so the list's level counts.
		{ID: "HIGH", Stage: "分析研判", Level: 3, Opened: date(2026, 7, 7)},
	}
	steps := []saima.ProblemStep{
		{ProblemID: "LATE", Step: "收集", Level: 1, Date: date(2026, 7, 5)},
		{ProblemID: "LATE", Step: saima.StepEscalate, Level: 2, Date: date(2026, 9, 1)},
		{ProblemID: "LATE", Step: saima.StepEscalate, Level: 3, Date: date(2026, 10, 15)},
		{ProblemID: "LATE", Step: "已办结", Level: 1, Date: date(2026, 11, 1)},
	}
	w := summarizeWorkflow(date(2026, 7, 1), date(2026, 9, 30), date(2026, 12, 1), nil, nil, problems, steps, nil)

	byLevel := map[string]saima.LoopLevelStats{}
	for _, s := range w.Loop {
		byLevel[s.Name] = s
	}
	if got := byLevel["合计"]; got.Problems != 3 || got.Closed != 1 {
		t.Errorf("total = %+v, want 3 problems, 1 closed by 2026-09-30", got)
	}
	if got := byLevel["改革办"]; got.Problems != 1 || got.Closed != 0 {
		t.Errorf("改革办 = %+v, want LATE, open on 2026-09-30", got)
	}
	if got := byLevel["市领导"]; got.Problems != 1 {
		t.Errorf("市领导 = %+v, want only HIGH: LATE reached it after the span", got)
	}
}

// TestLoopClosedOnListDate checks a problem whose 已办结 step lies in the
// span but whose 办结日期 on the list comes after it: problems_closed_rate
// counts it open on the span's last day, and so does the report.
func TestLoopClosedOnListDate(t *testing.T) {
	listClosed := date(2025, 7, 11)
	problems := []saima.ProblemItem{
		{ID: "STEP", Stage: "已办结", Level: 2, Opened: date(2025, 5, 26), Closed: &listClosed},
	}
	steps := []saima.ProblemStep{
		{ProblemID: "STEP", Step: "收集", Level: 1, Date: date(2025, 5, 26)},
		{ProblemID: "STEP", Step: saima.StepEscalate, Level: 2, Date: date(2025, 6, 22)},
		{ProblemID: "STEP", Step: "已办结", Level: 1, Date: date(2025, 6, 25)},
	}

	inSpan := summarizeWorkflow(date(2025, 4, 1), date(2025, 6, 30), date(2026, 6, 30), nil, nil, problems, steps, nil)
	total := inSpan.Loop[len(inSpan.Loop)-1]
	if total.Problems != 1 || total.Closed != 0 {
		t.Errorf("2025Q2 total = %+v, want 1 problem, open until its 办结日期 2025-07-11", total)
	}

	year := summarizeWorkflow(date(2025, 1, 1), date(2025, 12, 31), date(2026, 6, 30), nil, nil, problems, steps, nil)
	total = year.Loop[len(year.Loop)-1]
	if total.Closed != 1 || total.MeanDays != 30 {
		t.Errorf("2025 total = %+v, want 1 closed in 30 days, from 收集 to the 已办结 step", total)
	}
}

// ledgerSource is a workflow source with one leader-led project, started
// in 2026, and the given half-year reports.
type ledgerSource struct {
	reports []saima.LeaderReport
}

func (s ledgerSource) ListProjects(context.Context) ([]saima.Project, error) {
	start := date(2026, 1, 10)
	return []saima.Project{{Code: "NB-1", Name: "城市大脑", LeaderLed: true, Leader: "王建华", StartDate: &start}}, nil
}

func (s ledgerSource) ListStageHistory(context.Context, ...string) ([]saima.StageEvent, error) {
	return nil, nil
}

func (s ledgerSource) ListProblems(context.Context) ([]saima.ProblemItem, error) { return nil, nil }

func (s ledgerSource) ListProblemSteps(context.Context) ([]saima.ProblemStep, error) { return nil, nil }

func (s ledgerSource) ListLeaderReports(context.Context) ([]saima.LeaderReport, error) {
	return s.reports, nil
}

// TestQuarterlyWorkflowReadsLedgerNow checks that the workflow chapter of
// a ranking read as of an earlier data version reads the ledger as it is
// when the report is made, the day its leader-led reports are judged on.
// A report sent after the version then shows as sent, not as missing.
func TestQuarterlyWorkflowReadsLedgerNow(t *testing.T) {
	// The ranking's source is the ledger as of its version: no report yet.
	src := struct {
		*fakeSource
		ledgerSource
	}{&fakeSource{scores: []saima.Score{score(saima.KindDistrict, "宁波市海曙区", 80, 1, 0)}}, ledgerSource{}}
	late := ledgerSource{reports: []saima.LeaderReport{
		{ProjectCode: "NB-1", Half: saima.HalfYear{Year: 2026, Half: 1}, Submitted: date(2026, 9, 1)}}}
	made := time.Date(2026, 12, 5, 9, 0, 0, 0, saima.Beijing)

	q, err := BuildQuarterlyRanking(context.Background(), src, saima.Quarter(2026, 3), made,
		QuarterRanking{Scores: src.scores, Ledger: late})
	if err != nil {
		t.Fatalf("BuildQuarterlyRanking: %v", err)
	}
	if q.Workflow == nil || len(q.Workflow.Leaders) != 1 {
		t.Fatalf("workflow = %+v, want NB-1", q.Workflow)
	}
	h := q.Workflow.Leaders[0].Halves[0]
	if h.Report == nil || h.Overdue {
		t.Errorf("2026H1 = %s, want the report sent on 2026-09-01, 48 days late", leaderHalfState(h))
	}
}

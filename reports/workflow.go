package reports

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/samber/lo"

	"saima"
)

// Workflow is the part of a quarterly or annual report about how the
// ledger is run: where projects stand in their lifecycle, how problems
// close, how leader-led projects report, and which projects exited.
type Workflow struct {
	From, To saima.Date             // the report's span; exits and problems opened in it are counted
	AsOf     saima.Date             // the day the report is made, on which Leaders are judged
	Pipeline []StageCount           // projects by their stage on To, in lifecycle order
	Loop     []saima.LoopLevelStats // problems opened in the span, by highest level reached
	Leaders  []saima.LeaderItem     // leader-led projects, their half years up to To judged on AsOf
	Exits    []saima.StageEvent     // 退出 decisions dated in the span, oldest first
}

// WorkflowSource provides what the workflow sections read.
// clickhouse.Store implements it. A report source that lacks it gets no
// workflow sections.
type WorkflowSource interface {
	ListProjects(ctx context.Context) ([]saima.Project, error)
	ListStageHistory(ctx context.Context, codes ...string) ([]saima.StageEvent, error)
	ListProblems(ctx context.Context) ([]saima.ProblemItem, error)
	ListProblemSteps(ctx context.Context) ([]saima.ProblemStep, error)
	ListLeaderReports(ctx context.Context) ([]saima.LeaderReport, error)
}

// BuildWorkflow reads the workflow data from src and sums it up for the
// span from to to, both days included. The leader-led reports are judged
// on asOf, the day the report is made, which is never before to. A report
// still missing whose due day is before asOf is overdue, even when that
// day is after the span.
func BuildWorkflow(ctx context.Context, src WorkflowSource, from, to, asOf saima.Date) (*Workflow, error) {
	projects, err := src.ListProjects(ctx)
	if err != nil {
		return nil, fmt.Errorf("list projects: %w", err)
	}
	history, err := src.ListStageHistory(ctx)
	if err != nil {
		return nil, fmt.Errorf("list stage history: %w", err)
	}
	problems, err := src.ListProblems(ctx)
	if err != nil {
		return nil, fmt.Errorf("list problems: %w", err)
	}
	steps, err := src.ListProblemSteps(ctx)
	if err != nil {
		return nil, fmt.Errorf("list problem steps: %w", err)
	}
	reps, err := src.ListLeaderReports(ctx)
	if err != nil {
		return nil, fmt.Errorf("list leader reports: %w", err)
	}
	return summarizeWorkflow(from, to, asOf, projects, history, problems, steps, reps), nil
}

// summarizeWorkflow sums up the workflow for the span from to to. Only
// the stage events of projects on the ledger count, as on /ledger and
// /management: an event of another code, stored before uploads checked
// the code, is of no project the pages show.
func summarizeWorkflow(from, to, asOf saima.Date, projects []saima.Project, history []saima.StageEvent,
	problems []saima.ProblemItem, steps []saima.ProblemStep, reps []saima.LeaderReport) *Workflow {
	onLedger := lo.SliceToMap(projects, func(p saima.Project) (string, bool) { return p.Code, true })
	history = lo.Filter(history, func(e saima.StageEvent, _ int) bool { return onLedger[e.ProjectCode] })
	w := &Workflow{From: from, To: to, AsOf: asOf, Pipeline: pipeline(history, from, to)}

	var opened []saima.ProblemItem
	for _, p := range problems {
		if !p.Opened.Before(from) && !p.Opened.After(to) {
			opened = append(opened, p)
		}
	}
	w.Loop = saima.LoopStatsByLevel(loopsOn(opened, steps, to))
	w.Leaders = saima.BuildLeaderItems(projects, reps, history, saima.HalfYearOf(to), asOf)
	for _, e := range history {
		if e.Stage == "退出" && !e.Date.Before(from) && !e.Date.After(to) {
			w.Exits = append(w.Exits, e)
		}
	}
	slices.SortStableFunc(w.Exits, func(a, b saima.StageEvent) int { return a.Date.Compare(b.Date) })
	return w
}

// loopsOn returns the loops of problems as they stood on day to, as the
// scoring's problems_closed_rate judges them. Steps dated after to are
// left out, so a later escalation does not raise the level. The list's
// 层级 counts only when no escalation reached it, because the list keeps
// no date for it. A problem closed after to, by its 已办结 step or its
// 办结日期, is open. The 办结日期 is checked even when an earlier 已办结
// step dates the closing, because problems_closed_rate reads only it.
func loopsOn(problems []saima.ProblemItem, steps []saima.ProblemStep, to saima.Date) []saima.ProblemLoop {
	current := saima.BuildProblemLoops(problems, slices.Clone(steps))
	escalated := map[string]int{} // each problem's highest escalation level
	for _, st := range steps {
		if st.Step == saima.StepEscalate {
			escalated[st.ProblemID] = max(escalated[st.ProblemID], st.Level)
		}
	}
	dated := slices.Clone(problems)
	for i, p := range dated {
		if p.Level <= escalated[p.ID] {
			dated[i].Level = 0
		}
	}
	until := lo.Filter(steps, func(st saima.ProblemStep, _ int) bool { return !st.Date.After(to) })
	loops := saima.BuildProblemLoops(dated, until)
	for i := range loops {
		listed := problems[i].Closed
		if closed := current[i].Closed; (closed != nil && closed.After(to)) || (listed != nil && listed.After(to)) {
			loops[i].Done, loops[i].Closed = false, nil
		}
	}
	return loops
}

// pipeline counts the projects on the ledger in the span from from to
// asOf (see [saima.Lifespan.Overlaps]) by the stage of their latest event
// on or before day asOf. It picks that event in the order of
// [saima.CompareStageEvents], as the ledger does, whatever the order of
// history. A 变更 counts as the 论证 it must be followed by. A project
// that ended before from is left out, as /management leaves it out of
// the year.
func pipeline(history []saima.StageEvent, from, asOf saima.Date) []StageCount {
	lives := saima.Lifespans(history)
	current := map[string]saima.StageEvent{}
	for _, e := range history {
		if e.Date.After(asOf) || !lives[e.ProjectCode].Overlaps(from, asOf) {
			continue
		}
		cur, ok := current[e.ProjectCode]
		if !ok || saima.CompareStageEvents(e, cur) > 0 {
			current[e.ProjectCode] = e
		}
	}
	counts := make([]StageCount, len(saima.Stages))
	for i, s := range saima.Stages {
		counts[i].Stage = s
	}
	for _, e := range current {
		if i := slices.Index(saima.Stages, saima.CountedStage(e.Stage)); i >= 0 {
			counts[i].Count++
		}
	}
	return counts
}

// workflowSections draws the workflow chapter from a new page. A nil w
// draws nothing.
func (d *document) workflowSections(w *Workflow) {
	if w == nil {
		return
	}
	d.pdf.AddPage()
	d.mark("台账运行情况", 0)
	d.heading("项目阶段分布", 1, 25)
	d.paragraph(fmt.Sprintf("%s至%s在台账上的项目（自首次登记阶段起，不含此前已退出或完成的）截至%s所处的生命周期阶段如下"+
		"（变更后待重新论证的计入论证）。", w.From, w.To, w.To), "", sizeBody, "L")
	d.table(pipelineTable(w.Pipeline))
	d.pdf.Ln(4)

	d.heading("问题闭环", 1, 25)
	d.paragraph(fmt.Sprintf("%s至%s发现的问题截至%s的办结情况，按届时到达的最高层级统计；此后办结或升级的，计入以后的报告。",
		w.From, w.To, w.To), "", sizeBody, "L")
	d.table(loopTable(w.Loop))
	d.pdf.Ln(4)

	d.heading("领导领衔事项", 1, 25)
	d.leaderSection(w)
	d.pdf.Ln(4)

	d.heading("项目退出", 1, 25)
	if len(w.Exits) == 0 {
		d.paragraph("本期没有项目退出。", "", sizeBody, "L")
		return
	}
	d.table(exitTable(w.Exits))
}

func pipelineTable(counts []StageCount) table {
	tb := table{columns: []column{{"阶段", 87, "L"}, {"项目数", 87, "R"}}}
	total := 0
	for _, c := range counts {
		tb.rows = append(tb.rows, []string{c.Stage, fmt.Sprint(c.Count)})
		total += c.Count
	}
	tb.rows = append(tb.rows, []string{"合计", fmt.Sprint(total)})
	return tb
}

func loopTable(stats []saima.LoopLevelStats) table {
	tb := table{columns: []column{
		{"最高层级", 34, "L"}, {"问题数", 22, "R"}, {"已办结", 22, "R"}, {"办结率", 24, "R"},
		{"平均办结天数", 36, "R"}, {"最长办结天数", 36, "R"},
	}}
	for _, s := range stats {
		rate, mean, longest := "—", "—", "—"
		if s.Problems > 0 {
			rate = formatNumber(s.ClosedRate(), 1) + "%"
		}
		if s.Closed > 0 {
			mean, longest = formatNumber(s.MeanDays, 1), fmt.Sprint(s.MaxDays)
		}
		tb.rows = append(tb.rows, []string{s.Name, fmt.Sprint(s.Problems), fmt.Sprint(s.Closed), rate, mean, longest})
	}
	return tb
}

// leaderSection lists each leader-led project with its reports, and names
// the overdue ones.
func (d *document) leaderSection(w *Workflow) {
	if len(w.Leaders) == 0 {
		d.paragraph("项目台账中没有领导领衔的项目。", "", sizeBody, "L")
		return
	}
	var overdue []string
	tb := table{columns: []column{{"项目", 60, "L"}, {"领衔领导", 26, "L"}, {"半年报告", 88, "L"}}}
	for _, it := range w.Leaders {
		var halves []string
		for _, h := range it.Halves {
			halves = append(halves, h.Half.Label()+"："+leaderHalfState(h))
			if h.Overdue {
				overdue = append(overdue, it.Project.Code+"（"+h.Half.Label()+"）")
			}
		}
		tb.rows = append(tb.rows, []string{it.Project.Code + "\n" + it.Project.Name, it.Project.Leader,
			strings.Join(halves, "\n")})
	}
	late := 0
	for _, it := range w.Leaders {
		late += lo.CountBy(it.Halves, func(h saima.LeaderHalf) bool { return h.DaysLate() > 0 })
	}
	summary := fmt.Sprintf("共%d个领导领衔项目，截至报告生成日%s，逾期未报半年报告%d份，逾期报送%d份。",
		len(w.Leaders), w.AsOf, len(overdue), late)
	if len(overdue) > 0 {
		summary += "逾期：" + strings.Join(overdue, "、") + "。"
	}
	d.paragraph(summary, "", sizeBody, "L")
	d.table(tb)
}

func leaderHalfState(h saima.LeaderHalf) string {
	switch {
	case h.Report == nil && h.Overdue:
		return "逾期未报"
	case h.Report == nil:
		return "未到报送期限（" + h.Due.String() + "）"
	}
	state := h.Report.Submitted.String() + "报送"
	if h.Report.Backdated() {
		state += "（系统" + h.Report.Received.String() + "收到）"
	}
	if days := h.DaysLate(); days > 0 {
		state += fmt.Sprintf("，逾期报送（迟%d天）", days)
	}
	if h.Report.Confirmed != nil {
		return state + "，已确认"
	}
	return state + "，待确认"
}

func exitTable(exits []saima.StageEvent) table {
	tb := table{columns: []column{
		{"项目编号", 30, "L"}, {"日期", 24, "C"}, {"决策主体与文件", 50, "L"}, {"问责情况", 70, "L"},
	}}
	for _, e := range exits {
		tb.rows = append(tb.rows, []string{e.ProjectCode, e.Date.String(),
			joinNonEmpty("\n", e.DecidedBy, e.Documents), e.Accountability})
	}
	return tb
}

// workflowOf builds the workflow part of a report on period, made at now,
// when src is also a [WorkflowSource], and returns nil otherwise. The
// span ends on the period's last day, or on today in Beijing when the
// period has not ended. Leader-led reports are judged on today.
func workflowOf(ctx context.Context, src any, period saima.Period, now time.Time) (*Workflow, error) {
	ws, ok := src.(WorkflowSource)
	if !ok {
		return nil, nil
	}
	today := saima.DateOf(now)
	to := period.End()
	if today.Before(to) {
		to = today
	}
	return BuildWorkflow(ctx, ws, period.Start(), to, today)
}

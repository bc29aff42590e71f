package web

import (
	"fmt"
	"slices"
	"strconv"

	"github.com/gofiber/fiber/v2"
	"github.com/samber/lo"

	"saima"
	"saima/reports"
)

// overviewPage is the data of overview.html, the city overview for
// leaders.
type overviewPage struct {
	AsOf   saima.Date // the day overdue milestones and on-time rates are judged on
	Cards  []card
	Charts []chart // empty when the ledger has no project
}

// card is one headline number of a dashboard, linked to the rows behind
// it.
type card struct {
	Label string
	Value string
	Note  string // a line below the value; optional
	Link  string
}

func (s *Server) handleOverview(c *fiber.Ctx) error {
	ctx := c.UserContext()
	asOf := saima.DateOf(s.now())
	entries, err := s.store.ListLedger(ctx, saima.LedgerFilter{AsOf: asOf})
	if err != nil {
		return fmt.Errorf("list ledger: %w", err)
	}
	milestones, err := s.store.ListMilestones(ctx)
	if err != nil {
		return fmt.Errorf("list milestones: %w", err)
	}
	problems, err := s.store.ListProblems(ctx)
	if err != nil {
		return fmt.Errorf("list problems: %w", err)
	}

	page := overviewPage{AsOf: asOf, Cards: overviewCards(entries, milestones, problems, asOf)}
	if len(entries) > 0 {
		if page.Charts, err = overviewCharts(entries, milestones, problems, asOf); err != nil {
			return err
		}
	}
	return s.render(c, "overview.html", "全市总览", "overview", page)
}

// overviewCards counts projects, projects in 实施, overdue milestones,
// this quarter's on-time rate and open problems.
func overviewCards(entries []saima.LedgerEntry, milestones []saima.Milestone,
	problems []saima.ProblemItem, asOf saima.Date) []card {
	implementing := lo.CountBy(entries, func(e saima.LedgerEntry) bool { return e.Stage == "实施" })
	late, open := 0, 0
	for _, m := range milestones {
		switch stateOf(m, asOf) {
		case overdueOpen:
			late++
			open++
		case doneLate:
			late++
		}
	}
	quarter := saima.Month(asOf.Year, int(asOf.Month)).Quarter()
	rate := onTimeRates(milestones, []saima.Period{quarter}, asOf)[0]

	return []card{
		{Label: "项目总数", Value: strconv.Itoa(len(entries)), Link: "/ledger"},
		{Label: "实施阶段项目", Value: strconv.Itoa(implementing), Link: pageURL("/ledger", "stage", "实施")},
		{Label: "逾期里程碑", Value: strconv.Itoa(late), Note: fmt.Sprintf("其中 %d 个尚未完成", open),
			Link: pageURL("/milestones", "overdue", "1")},
		{Label: quarter.Label() + "按期完成率", Value: formatRate(rate),
			Link: pageURL("/milestones", "period", quarter.String())},
		openProblemsCard(problems),
	}
}

func openProblemsCard(problems []saima.ProblemItem) card {
	open, top := 0, 0
	for _, p := range problems {
		if p.Stage != closedStage {
			open++
			if p.Level == len(saima.EscalationLevels) {
				top++
			}
		}
	}
	return card{
		Label: "未办结问题", Value: strconv.Itoa(open),
		Note: fmt.Sprintf("其中升级至%s %d 个", levelName(len(saima.EscalationLevels)), top),
		Link: pageURL("/problems", "open", "1"),
	}
}

// formatRate formats a percentage with one decimal, or — when there is
// none.
func formatRate(rate *float64) string {
	if rate == nil {
		return "—"
	}
	return saima.FormatComposite(*rate) + "%"
}

// onTimeRates returns, per period, the share in percent of the milestones
// planned in it and due before asOf that were done on or before their
// planned date, or nil when none was due.
func onTimeRates(milestones []saima.Milestone, periods []saima.Period, asOf saima.Date) []*float64 {
	due := make([]int, len(periods))
	kept := make([]int, len(periods))
	for _, m := range milestones {
		if !dueBy(m, asOf) {
			continue
		}
		i := slices.IndexFunc(periods, func(p saima.Period) bool { return p.Contains(m.Planned) })
		if i < 0 {
			continue
		}
		due[i]++
		if stateOf(m, asOf) == onTime {
			kept[i]++
		}
	}

	rates := make([]*float64, len(periods))
	for i := range periods {
		if due[i] > 0 {
			r := 100 * float64(kept[i]) / float64(due[i])
			rates[i] = &r
		}
	}
	return rates
}

// overviewCharts builds the stage bars, the on-time trend, the projects
// per system and the problem list by stage and level.
func overviewCharts(entries []saima.LedgerEntry, milestones []saima.Milestone,
	problems []saima.ProblemItem, asOf saima.Date) ([]chart, error) {
	builders := []func() (chart, error){
		func() (chart, error) {
			return stageBars("chart-overview-stages", entries, func(st string) string { return pageURL("/ledger", "stage", st) })
		},
		func() (chart, error) { return onTimeTrend(milestones, asOf) },
		func() (chart, error) { return systemBars(entries) },
		func() (chart, error) { return problemChart("chart-overview-problems", problems, "", "", false) },
	}
	var charts []chart
	for _, build := range builders {
		ch, err := build()
		if err != nil {
			return nil, err
		}
		charts = append(charts, ch)
	}
	return charts, nil
}

// stageBars counts entries per lifecycle stage, a 变更 under 论证 (see
// saima.CountedStage), and draws one horizontal bar per stage, in
// lifecycle order, each linked to link(stage). Projects
// without a recorded stage are counted as 未登记 at the end, which links
// nowhere because the ledger cannot filter for a missing stage. Bars
// replace a funnel, which drew each layer as wide as the next one, so that
// 8 projects in 决策 looked as many as 84 in 实施.
func stageBars(id string, entries []saima.LedgerEntry, link func(stage string) string) (chart, error) {
	counts := lo.CountValuesBy(entries, func(e saima.LedgerEntry) string { return saima.CountedStage(e.Stage) })
	var bars []reports.Bar
	for _, st := range saima.Stages {
		if counts[st] > 0 {
			bars = append(bars, reports.Bar{Name: st, Value: float64(counts[st]), Link: link(st)})
		}
	}
	if counts[""] > 0 {
		bars = append(bars, reports.Bar{Name: "未登记", Value: float64(counts[""])})
	}

	option, err := reports.BarOption("项目所处阶段", "项目数", bars, 0)
	if err != nil {
		return chart{}, fmt.Errorf("stage bars option: %w", err)
	}
	return newChart(id, option, len(bars))
}

// onTimeTrend draws the city's on-time rate per quarter of the last
// trendQuarters from axisStart on, each point linked to the milestones of
// its quarter.
func onTimeTrend(milestones []saima.Milestone, asOf saima.Date) (chart, error) {
	today := saima.Month(asOf.Year, int(asOf.Month)).Quarter()
	quarters := periodsThrough(axisStart(plannedDays(milestones), today, trendQuarters), asOf)
	rates := onTimeRates(milestones, quarters, asOf)
	names := make([]string, len(quarters))
	links := make([]string, len(quarters))
	for i, q := range quarters {
		names[i] = q.String()
		links[i] = pageURL("/milestones", "period", q.String())
	}

	series := []reports.Series{{Name: "按期完成率（%）", Values: rates}}
	option, err := reports.TrendOption("全市里程碑按期完成率", names, series, 1)
	if err != nil {
		return chart{}, fmt.Errorf("on-time trend option: %w", err)
	}
	if option, err = reports.AddLinks(option, 0, links); err != nil {
		return chart{}, fmt.Errorf("on-time trend option: %w", err)
	}
	return newChart("chart-overview-ontime", option, 0)
}

// systemBars counts projects per "1+5" system, each bar linked to the
// ledger of its system. A system outside saima.Systems gets no link,
// because the ledger rejects it as a filter.
func systemBars(entries []saima.LedgerEntry) (chart, error) {
	counts := map[string]int{}
	var others []string
	for _, e := range entries {
		if _, seen := counts[e.System]; !seen && !slices.Contains(saima.Systems, e.System) {
			others = append(others, e.System)
		}
		counts[e.System]++
	}

	var bars []reports.Bar
	for _, sys := range saima.Systems {
		bars = append(bars, reports.Bar{Name: sys, Value: float64(counts[sys]), Link: pageURL("/ledger", "system", sys)})
	}
	for _, sys := range others {
		name := sys
		if name == "" {
			name = "未填写"
		}
		bars = append(bars, reports.Bar{Name: name, Value: float64(counts[sys])})
	}

	option, err := reports.BarOption("各“1+5”系统项目数", "项目数", bars, 0)
	if err != nil {
		return chart{}, fmt.Errorf("system bars option: %w", err)
	}
	return newChart("chart-overview-systems", option, len(bars))
}

package web

import (
	"cmp"
	"fmt"
	"slices"

	"github.com/gofiber/fiber/v2"
	"github.com/samber/lo"
	"github.com/shopspring/decimal"

	"saima"
	"saima/reports"
)

// The pioneer list (先锋榜) rule. A project qualifies when
//
//   - it is implemented: its current stage is one of implementedStages;
//   - its latest reported completion is at least pioneerMinPercent;
//   - none of its milestones is overdue and still open on the day.
//
// Qualifying projects rank by latest completion, then by on-time rate
// (milestones done on or before their planned date ÷ milestones planned
// before the day), then by milestones done. A project with no milestone
// due yet has no rate and ranks after those with one at the same
// completion. Projects equal on all three share a rank (1, 1, 3) and are
// listed by code. The list shows every project ranked pioneerCount or
// better, so a tie on the last place lists all the tied projects.
var (
	implementedStages = []string{"实施", "评估", "完成"}
	pioneerMinPercent = decimal.NewFromInt(90)
)

const pioneerCount = 10

// pioneersPage is the data of pioneers.html.
type pioneersPage struct {
	Period     saima.Period // the period chosen; zero for today's list
	Ended      bool         // Period has ended, so the list is judged on its last day
	AsOf       saima.Date
	MinPercent string
	Stages     []string
	Count      int
	Qualified  int // projects that meet the rule, listed or not
	Rows       []pioneerRow
	Chart      *chart // nil when no project qualifies
}

// pioneerRow is one listed project.
type pioneerRow struct {
	Rank int
	saima.LedgerEntry
	Due, OnTime int      // milestones planned before the day, and those done on time
	Rate        *float64 // OnTime ÷ Due in percent; nil when Due is 0
	LedgerURL   string
}

// pioneerPeriodWant describes the periods that the pioneer list takes.
const pioneerPeriodWant = "应为季度（如 2026Q3）或年度（如 2026），不填则按今天评选"

func (s *Server) handlePioneers(c *fiber.Ctx) error {
	ctx := c.UserContext()
	today := saima.DateOf(s.now())
	page := pioneersPage{
		AsOf: today, MinPercent: pioneerMinPercent.String(), Stages: implementedStages, Count: pioneerCount,
	}
	period, err := pioneerPeriod(c.Query("period"), today)
	if err != nil {
		return err
	}
	page.Period = period

	// A period that has ended is judged on its last day, on what the
	// uploads sent before it ended reported, so later uploads leave its
	// list as it was. A running period is judged on today's data.
	var ledger LedgerReader = s.store
	if !period.IsZero() && period.End().Before(today) {
		if s.ledgerBefore == nil {
			return fmt.Errorf("pioneer list of %s: no reader of the ledger as of a past moment", period)
		}
		page.Ended, page.AsOf = true, period.End()
		ledger = s.ledgerBefore(period.Next().Start().Time())
	}
	entries, err := ledger.ListLedger(ctx, saima.LedgerFilter{AsOf: page.AsOf})
	if err != nil {
		return fmt.Errorf("list ledger: %w", err)
	}
	milestones, err := ledger.ListMilestones(ctx)
	if err != nil {
		return fmt.Errorf("list milestones: %w", err)
	}

	qualified := pioneers(entries, milestones, page.AsOf)
	page.Qualified = len(qualified)
	page.Rows = listedPioneers(qualified)
	if len(page.Rows) > 0 {
		ch, err := pioneerChart(page.Rows)
		if err != nil {
			return err
		}
		page.Chart = &ch
	}
	title := "先锋榜"
	if !period.IsZero() {
		title = period.Label() + "先锋榜"
	}
	return s.render(c, "pioneers.html", title, "pioneers", page)
}

// pioneerPeriod parses the period of the pioneer list: empty for today's
// list, else a quarter or a year that has begun by today.
func pioneerPeriod(value string, today saima.Date) (saima.Period, error) {
	if value == "" {
		return saima.Period{}, nil
	}
	p, err := periodParamOf("period", value, pioneerPeriodWant)
	if err != nil {
		return p, err
	}
	if p.Kind == saima.PeriodMonth {
		return saima.Period{}, invalidParam("period", value, "先锋榜按季度或年度评选，"+pioneerPeriodWant)
	}
	if p.Start().After(today) {
		return saima.Period{}, invalidParam("period", value,
			fmt.Sprintf("%s 从 %s 开始，今天（%s）尚未开始，请选择已开始的季度或年度", p.Label(), p.Start(), today))
	}
	return p, nil
}

// pioneers returns every project that meets the rule, ranked.
func pioneers(entries []saima.LedgerEntry, milestones []saima.Milestone, asOf saima.Date) []pioneerRow {
	byProject := lo.GroupBy(milestones, func(m saima.Milestone) string { return m.ProjectCode })
	rows := lo.FilterMap(entries, func(e saima.LedgerEntry, _ int) (pioneerRow, bool) {
		return pioneerOf(e, byProject[e.Code], asOf)
	})
	slices.SortStableFunc(rows, func(a, b pioneerRow) int {
		return cmp.Or(comparePioneers(a, b), cmp.Compare(a.Code, b.Code))
	})
	for i := range rows {
		rows[i].Rank = i + 1
		if i > 0 && comparePioneers(rows[i-1], rows[i]) == 0 {
			rows[i].Rank = rows[i-1].Rank
		}
	}
	return rows
}

// listedPioneers returns the ranked rows that the page lists: those
// ranked pioneerCount or better, so that every project tied on the last
// place is listed.
func listedPioneers(rows []pioneerRow) []pioneerRow {
	listed := 0
	for listed < len(rows) && rows[listed].Rank <= pioneerCount {
		listed++
	}
	return rows[:listed]
}

// pioneerOf checks e against the rule and measures its on-time rate.
func pioneerOf(e saima.LedgerEntry, milestones []saima.Milestone, asOf saima.Date) (pioneerRow, bool) {
	if !slices.Contains(implementedStages, e.Stage) || !e.LatestPercent.Valid ||
		e.LatestPercent.Decimal.LessThan(pioneerMinPercent) {
		return pioneerRow{}, false
	}
	row := pioneerRow{LedgerEntry: e, LedgerURL: pageURL("/ledger", "q", e.Code)}
	for _, m := range milestones {
		state := stateOf(m, asOf)
		if state == overdueOpen {
			return pioneerRow{}, false
		}
		if dueBy(m, asOf) {
			row.Due++
			if state == onTime {
				row.OnTime++
			}
		}
	}
	if row.Due > 0 {
		rate := 100 * float64(row.OnTime) / float64(row.Due)
		row.Rate = &rate
	}
	return row, true
}

// RateText formats the on-time rate for the table, or — without one.
func (r pioneerRow) RateText() string { return formatRate(r.Rate) }

// comparePioneers orders two qualifying projects by merit, best first,
// and returns 0 when they share a rank.
func comparePioneers(a, b pioneerRow) int {
	rate := func(r pioneerRow) float64 {
		if r.Rate == nil {
			return -1
		}
		return *r.Rate
	}
	return cmp.Or(
		b.LatestPercent.Decimal.Cmp(a.LatestPercent.Decimal),
		cmp.Compare(rate(b), rate(a)),
		cmp.Compare(b.MilestonesDone, a.MilestonesDone),
	)
}

// pioneerChart draws the listed projects' latest completion, each bar
// linked to the project in the ledger.
func pioneerChart(rows []pioneerRow) (chart, error) {
	bars := make([]reports.Bar, len(rows))
	for i, r := range rows {
		bars[i] = reports.Bar{
			Name:  fmt.Sprintf("%d. %s", r.Rank, r.Name),
			Value: r.LatestPercent.Decimal.InexactFloat64(),
			Link:  r.LedgerURL,
		}
	}
	option, err := reports.BarOption("先锋榜项目最新完成率（%）", "最新完成率", bars, 1)
	if err != nil {
		return chart{}, fmt.Errorf("pioneer chart option: %w", err)
	}
	return newChart("chart-pioneers", option, len(bars))
}

package web

import (
	"fmt"

	"github.com/gofiber/fiber/v2"
	"github.com/samber/lo"

	"saima"
)

// milestonesPage is the data of milestones.html: the milestones behind the
// overview's on-time trend and overdue count and the heatmap's table.
type milestonesPage struct {
	Period      saima.Period // zero for every period
	Unit        string
	OverdueOnly bool
	AsOf        saima.Date
	Units       []string
	Rows        []milestoneRow // the milestones selected, of every page
	Due, OnTime int            // of Rows, those due before AsOf and those done on time
	Rate        *float64       // OnTime ÷ Due in percent; nil when Due is 0
	Pager       pager
	PageRows    []milestoneRow // the rows of the page shown
}

// milestonesPerPage is the most milestones one page of /milestones lists.
const milestonesPerPage = 200

// milestoneRow is one milestone as the table shows it.
type milestoneRow struct {
	saima.Milestone
	ProjectName string
	State       string // 按期完成, 逾期完成, 逾期未完成, 未到期 or 因退出终止
	Late        bool
	Days        int // days late on AsOf or when it was done; 0 unless Late
}

func (s *Server) handleMilestones(c *fiber.Ctx) error {
	page, err := s.milestonesFilter(c)
	if err != nil {
		return err
	}
	if page.Unit, err = s.unitParam(c, page.Unit); err != nil {
		return err
	}
	ctx := c.UserContext()
	milestones, err := s.store.ListMilestones(ctx)
	if err != nil {
		return fmt.Errorf("list milestones: %w", err)
	}
	entries, err := s.store.ListLedger(ctx, saima.LedgerFilter{AsOf: page.AsOf})
	if err != nil {
		return fmt.Errorf("list ledger: %w", err)
	}
	roster, err := s.store.ListUnits(ctx)
	if err != nil {
		return fmt.Errorf("list units: %w", err)
	}

	names := lo.SliceToMap(entries, func(e saima.LedgerEntry) (string, string) {
		return e.Code, e.Name
	})
	for _, m := range milestones {
		page.add(m, names[m.ProjectCode])
	}
	if page.Due > 0 {
		rate := 100 * float64(page.OnTime) / float64(page.Due)
		page.Rate = &rate
	}
	page.Units = heatmapUnits(roster, milestones)
	if page.Pager, err = newPager(c, len(page.Rows), milestonesPerPage); err != nil {
		return err
	}
	page.PageRows = pageOf(page.Rows, page.Pager)
	return s.render(c, "milestones.html", page.title(), "overview", page)
}

// milestonesFilter reads the period, unit and overdue flag of the query.
func (s *Server) milestonesFilter(c *fiber.Ctx) (milestonesPage, error) {
	page := milestonesPage{Unit: c.Query("unit"), AsOf: saima.DateOf(s.now())}
	if param := c.Query("period"); param != "" {
		const want = "应为季度（如 2026Q3）或月份（如 2026-09）"
		p, err := periodParamOf("period", param, want)
		if err != nil {
			return page, err
		}
		if p.Kind == saima.PeriodYear {
			return page, invalidParam("period", param, want)
		}
		page.Period = p
	}
	switch overdue := c.Query("overdue"); overdue {
	case "", "0", "false":
	case "1", "true", "on":
		page.OverdueOnly = true
	default:
		return page, invalidParam("overdue", overdue, "应为 1 或 0")
	}
	return page, nil
}

// add lists m when it passes the filter and counts it towards the rate.
func (p *milestonesPage) add(m saima.Milestone, projectName string) {
	switch {
	case !p.Period.IsZero() && !p.Period.Contains(m.Planned):
		return
	case p.Unit != "" && m.Unit != p.Unit:
		return
	case p.OverdueOnly && !overdue(m, p.AsOf):
		return
	}

	state := stateOf(m, p.AsOf)
	row := milestoneRow{Milestone: m, ProjectName: projectName, Late: overdue(m, p.AsOf)}
	row.State = [...]string{notDue: "未到期", onTime: "按期完成", doneLate: "逾期完成", overdueOpen: "逾期未完成",
		closedByExit: saima.ClosedByExitLabel}[state]
	if row.Late {
		row.Days = m.DaysLate(p.AsOf)
	}
	p.Rows = append(p.Rows, row)
	if dueBy(m, p.AsOf) {
		p.Due++
		if state == onTime {
			p.OnTime++
		}
	}
}

// RateText formats the on-time rate for the summary line, or — without
// one.
func (p milestonesPage) RateText() string { return formatRate(p.Rate) }

// LedgerURL returns the ledger page that finds the row's project.
func (r milestoneRow) LedgerURL() string { return pageURL("/ledger", "q", r.ProjectCode) }

// title names the selection, such as 2026年第三季度逾期里程碑.
func (p milestonesPage) title() string {
	title := "里程碑"
	if p.OverdueOnly {
		title = "逾期里程碑"
	}
	if !p.Period.IsZero() {
		title = p.Period.Label() + title
	}
	if p.Unit != "" {
		title = p.Unit + title
	}
	return title
}

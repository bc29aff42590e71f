package web

import (
	"context"
	"fmt"

	"github.com/gofiber/fiber/v2"
	"github.com/samber/lo"

	"saima"
	"saima/scoring"
)

// statusMonths is the number of months the status page shows, ending with
// the selected month.
const statusMonths = 12

// milestoneHistory is the part of the store that the milestone status page
// uses beyond [Store]. clickhouse.Store implements it. Over a store
// without it the page replies 503.
type milestoneHistory interface {
	// ListMilestonesByMonthEnd returns, for each of months, every
	// milestone as the uploads made by the month's end reported it.
	ListMilestonesByMonthEnd(ctx context.Context, months []saima.Period) (map[saima.Period][]saima.Milestone, error)
}

// milestoneStatusPage is the data of milestone_status.html: each unit's
// monthly colour counts and, for one unit or project, every milestone's
// colour month by month.
type milestoneStatusPage struct {
	Month   saima.Period   // the last month shown
	Months  []saima.Period // the columns, oldest first
	Unit    string         // the selected unit, or empty for all
	Project string         // the selected project code, or empty for all
	Units   []string       // every unit, for the selector
	Rows    []statusRow    // units with a colour in some month shown
	// Unrecorded is the number of months shown, from the first, whose end
	// came before any milestone was uploaded. They have no record of then
	// to compare with, so they are never marked as revised.
	Unrecorded int
	// Timelines are the milestones of the selected unit or project, by
	// project; empty unless one is selected.
	Timelines []projectTimeline
}

// statusRow is one unit's colour counts per month.
type statusRow struct {
	Unit  string
	URL   string // the unit's milestone timelines
	Cells []statusCell
}

// statusCell is the colour counts of one unit and month: from the current
// ledger, and from the ledger as it stood at the month's end.
type statusCell struct {
	Now, Then scoring.ColourCounts
	// Recorded is true when the ledger held any milestone at the month's
	// end, so that Then is what was reported rather than nothing yet.
	Recorded bool
}

// Revised reports whether later uploads changed the cell's counts.
func (c statusCell) Revised() bool { return c.Recorded && c.Now != c.Then }

// projectTimeline is one project's milestones with their colours.
type projectTimeline struct {
	Code, Name string
	Milestones []milestoneTimeline
}

// milestoneTimeline is one milestone and its status in every month shown.
type milestoneTimeline struct {
	saima.Milestone
	Months []scoring.MonthStatus
}

// milestoneKey identifies a milestone across versions.
type milestoneKey struct{ code, name string }

func keyOf(m saima.Milestone) milestoneKey { return milestoneKey{m.ProjectCode, m.Name} }

func (s *Server) handleMilestoneStatus(c *fiber.Ctx) error {
	history, ok := s.store.(milestoneHistory)
	if !ok {
		return saima.Errorf(saima.KindUnavailable, "当前数据库不支持里程碑亮灯历史")
	}
	page, err := s.milestoneStatusFilter(c)
	if err != nil {
		return err
	}
	if page.Unit, err = s.unitParam(c, page.Unit); err != nil {
		return err
	}
	ctx := c.UserContext()
	current, err := s.store.ListMilestones(ctx)
	if err != nil {
		return fmt.Errorf("list milestones: %w", err)
	}
	then, err := history.ListMilestonesByMonthEnd(ctx, page.Months)
	if err != nil {
		return fmt.Errorf("list milestones by month end: %w", err)
	}
	roster, err := s.store.ListUnits(ctx)
	if err != nil {
		return fmt.Errorf("list units: %w", err)
	}

	page.Units = heatmapUnits(roster, current)
	for page.Unrecorded < len(page.Months) && len(then[page.Months[page.Unrecorded]]) == 0 {
		page.Unrecorded++
	}
	page.Rows = statusRows(page, current, then)
	if page.Unit != "" || page.Project != "" {
		if page.Timelines, err = s.timelines(ctx, page, current, then); err != nil {
			return err
		}
	}
	return s.render(c, "milestone_status.html", page.title(), "heatmap", page)
}

// milestoneStatusFilter reads the unit, project and month of the query.
// The month defaults to the last month that has ended, and must have
// ended, because a colour is judged on the month's last day.
func (s *Server) milestoneStatusFilter(c *fiber.Ctx) (milestoneStatusPage, error) {
	page := milestoneStatusPage{Unit: c.Query("unit"), Project: c.Query("project")}
	lastEnded := scoring.MonthOf(saima.DateOf(s.now())).Prev()
	page.Month = lastEnded
	if param := c.Query("month"); param != "" {
		p, err := periodParamOf("month", param, "应为月份，如 2026-09")
		if err != nil {
			return page, err
		}
		if p.Kind != saima.PeriodMonth {
			return page, invalidParam("month", param, "应为月份，如 2026-09")
		}
		if p.Start().After(lastEnded.Start()) {
			return page, invalidParam("month", param, fmt.Sprintf("该月尚未结束，最近一个已结束的月份是 %s", lastEnded))
		}
		page.Month = p
	}
	first := page.Month
	for range statusMonths - 1 {
		first = first.Prev()
	}
	page.Months = scoring.Months(first, page.Month)
	return page, nil
}

// selects reports whether m belongs to the page's unit and project.
func (p *milestoneStatusPage) selects(m saima.Milestone) bool {
	return (p.Unit == "" || m.Unit == p.Unit) && (p.Project == "" || m.ProjectCode == p.Project)
}

// statusRows counts the colours of each unit's milestones per month, now
// and as recorded at each month's end, in the order of page.Units. Both
// counts go to the milestone's current responsible unit, because a record
// of the past may name none: its project may not have been uploaded yet.
// A milestone missing from the current ledger counts for the unit its old
// record names.
func statusRows(
	page milestoneStatusPage, current []saima.Milestone, then map[saima.Period][]saima.Milestone,
) []statusRow {
	unitNow := map[milestoneKey]string{}
	for _, m := range current {
		unitNow[keyOf(m)] = m.Unit
	}
	cells := map[string][]statusCell{}
	cellsOf := func(unit string) []statusCell {
		if cells[unit] == nil {
			cells[unit] = make([]statusCell, len(page.Months))
		}
		return cells[unit]
	}
	for i, month := range page.Months {
		for _, m := range current {
			if c := scoring.MonthColour(m, month); c != scoring.ColourNone && page.selects(m) {
				cellsOf(m.Unit)[i].Now.Add(c)
			}
		}
		for _, m := range then[month] {
			if unit, ok := unitNow[keyOf(m)]; ok {
				m.Unit = unit
			}
			if c := scoring.MonthColour(m, month); c != scoring.ColourNone && page.selects(m) {
				cellsOf(m.Unit)[i].Then.Add(c)
			}
		}
	}

	var rows []statusRow
	for _, unit := range page.Units {
		if cs, ok := cells[unit]; ok {
			for i := range cs {
				cs[i].Recorded = i >= page.Unrecorded
			}
			url := pageURL("/milestones/status", "unit", unit, "month", page.Month.String())
			rows = append(rows, statusRow{Unit: unit, URL: url, Cells: cs})
		}
	}
	return rows
}

// timelines returns the page's selected milestones of the current ledger
// with their colours, grouped by project in the order of current, which
// ListMilestones sorts by project code.
func (s *Server) timelines(
	ctx context.Context, page milestoneStatusPage, current []saima.Milestone, then map[saima.Period][]saima.Milestone,
) ([]projectTimeline, error) {
	entries, err := s.store.ListLedger(ctx, saima.LedgerFilter{AsOf: page.Month.End()})
	if err != nil {
		return nil, fmt.Errorf("list ledger: %w", err)
	}
	names := lo.SliceToMap(entries, func(e saima.LedgerEntry) (string, string) {
		return e.Code, e.Name
	})
	past := pastRecords(then)

	var out []projectTimeline
	for _, m := range current {
		if !page.selects(m) {
			continue
		}
		if len(out) == 0 || out[len(out)-1].Code != m.ProjectCode {
			out = append(out, projectTimeline{Code: m.ProjectCode, Name: names[m.ProjectCode]})
		}
		p := &out[len(out)-1]
		months := scoring.Timeline(m, past[keyOf(m)], page.Months[0], page.Month)
		for i := range page.Unrecorded {
			months[i].Then = months[i].Colour // nothing was reported then to differ from
		}
		p.Milestones = append(p.Milestones, milestoneTimeline{Milestone: m, Months: months})
	}
	return out, nil
}

// pastRecords regroups the month-end records by milestone.
func pastRecords(then map[saima.Period][]saima.Milestone) map[milestoneKey]map[saima.Period]saima.Milestone {
	out := map[milestoneKey]map[saima.Period]saima.Milestone{}
	for month, ms := range then {
		for _, m := range ms {
			k := keyOf(m)
			if out[k] == nil {
				out[k] = map[saima.Period]saima.Milestone{}
			}
			out[k][month] = m
		}
	}
	return out
}

// LastUnrecorded returns the last month shown whose end came before any
// milestone was uploaded. Call it only when Unrecorded is positive.
func (p milestoneStatusPage) LastUnrecorded() saima.Period { return p.Months[p.Unrecorded-1] }

// ProjectURL returns the page of the project's milestone timelines.
func (p milestoneStatusPage) ProjectURL(code string) string {
	return pageURL("/milestones/status", "project", code, "month", p.Month.String())
}

// title names the selection, such as 宁波市海曙区里程碑亮灯（截至2026年9月）.
func (p milestoneStatusPage) title() string {
	title := "里程碑亮灯"
	switch {
	case p.Project != "":
		title = p.Project + title
	case p.Unit != "":
		title = p.Unit + title
	}
	return title + "（截至" + p.Month.Label() + "）"
}

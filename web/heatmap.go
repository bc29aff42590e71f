package web

import (
	"fmt"
	"slices"

	"github.com/gofiber/fiber/v2"
	"github.com/samber/lo"

	"saima"
	"saima/reports"
)

// heatmapPage is the data of heatmap.html.
type heatmapPage struct {
	AsOf    saima.Date
	From    saima.Period // the first month shown
	Chart   *chart       // nil when no milestone is overdue
	Rows    []heatmapRow // units with an overdue milestone, most overdue first
	Earlier int          // overdue milestones planned before From, left out of the chart
}

// heatmapRow is one unit's total for the table below the chart.
type heatmapRow struct {
	Unit       string
	Overdue    int
	Open       int // of Overdue, those still not done
	LedgerURL  string
	DetailsURL string
}

func (s *Server) handleHeatmap(c *fiber.Ctx) error {
	ctx := c.UserContext()
	asOf := saima.DateOf(s.now())
	late, err := s.store.ListOverdueMilestones(ctx, asOf)
	if err != nil {
		return fmt.Errorf("list overdue milestones: %w", err)
	}
	roster, err := s.store.ListUnits(ctx)
	if err != nil {
		return fmt.Errorf("list units: %w", err)
	}

	from := axisStart(plannedDays(late), saima.Month(asOf.Year, int(asOf.Month)), heatmapMonths)
	page := heatmapPage{AsOf: asOf, From: from}
	months := periodsThrough(from, asOf)
	units := heatmapUnits(roster, late)
	grid := countOverdue(late, units, months, asOf)
	page.Earlier = grid.earlier
	page.Rows = heatmapRows(units, grid, months)
	if len(late) > grid.earlier {
		ch, err := overdueHeatmap(units, months, grid)
		if err != nil {
			return err
		}
		page.Chart = &ch
	}
	return s.render(c, "heatmap.html", "逾期里程碑热力图", "heatmap", page)
}

// heatmapUnits lists every unit of the roster, and any other unit that
// has an overdue milestone, in roster order.
func heatmapUnits(roster []saima.Unit, late []saima.Milestone) []string {
	var names []string
	for _, u := range roster {
		names = append(names, u.Name)
	}
	for _, m := range late {
		if !slices.Contains(names, m.Unit) {
			names = append(names, m.Unit)
		}
	}
	return rosterOrder(names, roster)
}

// overdueGrid counts overdue milestones per unit (row) and planned month
// (column).
type overdueGrid struct {
	counts  [][]int
	open    []int // per unit: those not done
	earlier int
}

// countOverdue places each overdue milestone in the month it was planned
// for: the month in which it was due and not done by the month's end, or
// was done late.
func countOverdue(late []saima.Milestone, units []string, months []saima.Period, asOf saima.Date) overdueGrid {
	g := overdueGrid{counts: make([][]int, len(units)), open: make([]int, len(units))}
	for i := range units {
		g.counts[i] = make([]int, len(months))
	}
	for _, m := range late {
		row := slices.Index(units, m.Unit)
		col := slices.Index(months, saima.Month(m.Planned.Year, int(m.Planned.Month)))
		if col < 0 {
			g.earlier++
			continue
		}
		g.counts[row][col]++
		if stateOf(m, asOf) == overdueOpen {
			g.open[row]++
		}
	}
	return g
}

// heatmapRows returns the units with an overdue milestone since From, most
// first, then in roster order.
func heatmapRows(units []string, g overdueGrid, months []saima.Period) []heatmapRow {
	var rows []heatmapRow
	for i, u := range units {
		total := lo.Sum(g.counts[i])
		if total == 0 {
			continue
		}
		rows = append(rows, heatmapRow{
			Unit: u, Overdue: total, Open: g.open[i],
			LedgerURL:  pageURL("/ledger", "unit", u, "overdue", "1"),
			DetailsURL: pageURL("/milestones", "unit", u, "overdue", "1"),
		})
	}
	slices.SortStableFunc(rows, func(a, b heatmapRow) int { return b.Overdue - a.Overdue })
	return rows
}

// overdueHeatmap draws units × months, each non-empty cell linked to the
// unit's ledger of projects with overdue milestones.
func overdueHeatmap(units []string, months []saima.Period, g overdueGrid) (chart, error) {
	columns := make([]string, len(months))
	for i, m := range months {
		columns[i] = m.String()
	}
	// A cell links to the milestones it counts. The ledger of the unit's
	// projects would leave out those the unit is responsible for on
	// another unit's project, and list those of its own projects that
	// another unit is responsible for.
	var cells []reports.Cell
	for row, u := range units {
		for col, n := range g.counts[row] {
			if n > 0 {
				link := pageURL("/milestones", "unit", u, "period", columns[col], "overdue", "1")
				cells = append(cells, reports.Cell{Column: col, Row: row, Value: float64(n), Link: link})
			}
		}
	}

	option, err := reports.HeatmapOption("各单位逾期里程碑（按计划完成月份）", "逾期里程碑", columns, units, cells)
	if err != nil {
		return chart{}, fmt.Errorf("heatmap option: %w", err)
	}
	return newChart("chart-heatmap", option, len(units))
}

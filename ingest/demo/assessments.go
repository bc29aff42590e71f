package demo

import (
	"math"
	"slices"

	"github.com/shopspring/decimal"

	"saima"
)

// fullMarks is the full mark of every demo indicator.
const fullMarks = "100"

// appliedIndicator is the indicator whose rows name the project assessed.
const appliedIndicator = "场景应用成效"

var assessmentHeader = []string{"被考评单位", "指标", "得分", "满分", "考评方式", "考评期间", "考评人", "项目编号"}

// assessmentRows scores every unit on 3 or 4 indicators each quarter, and
// once a year on the year-end indicator after the year has ended. One
// evaluator scores all units on an indicator in a period.
func assessmentRows(g *rng, c *city) [][]string {
	var rows [][]string
	for qi, q := range c.quarters {
		for _, ind := range quarterlyIndicators {
			if ind.quarters != nil && !slices.Contains(ind.quarters, q.Index) {
				continue
			}
			evaluator := pick(g, ind.evaluators)
			for _, u := range c.units {
				project := ""
				if ind.name == appliedIndicator {
					project = leadingProject(c.projects, u, q, c.today)
				}
				rows = append(rows, assessmentRow(u, ind, score(g, ind, u.formIn(qi)), q, evaluator, project))
			}
		}
	}
	return append(rows, yearEndRows(g, c)...)
}

// yearEndRows scores every unit on the year-end indicator for each year that
// ended before Today, by its mean strength over the year.
func yearEndRows(g *rng, c *city) [][]string {
	var rows [][]string
	ind := yearEndIndicator
	for year := origin.Year; saima.Year(year).End().Before(c.today); year++ {
		evaluator := pick(g, ind.evaluators)
		for _, u := range c.units {
			form := 0.0
			for q := 1; q <= 4; q++ {
				form += u.formIn(quarterIndex(saima.Quarter(year, q).Start())) / 4
			}
			rows = append(rows, assessmentRow(u, ind, score(g, ind, form), saima.Year(year), evaluator, ""))
		}
	}
	return rows
}

func assessmentRow(u *unitPlan, ind indicator, points decimal.Decimal, period saima.Period, evaluator, project string) []string {
	return []string{u.Name, ind.name, points.String(), fullMarks, ind.mode, period.String(), evaluator, project}
}

// score returns a unit's points on ind for strength form, rounded to half a
// point and kept within 40 to 100. Rounding makes ties at 100 and elsewhere.
func score(g *rng, ind indicator, form float64) decimal.Decimal {
	x := ind.base + ind.spread*(form-0.5) + g.normal(2.5)
	x = clamp(math.Round(x*2)/2, 40, 100)
	return decimal.NewFromFloat(x)
}

// leadingProject returns the code of u's started project with the highest
// completion rate at the end of quarter q (or Today), or "" when u has none.
func leadingProject(projects []*projectPlan, u *unitPlan, q saima.Period, today saima.Date) string {
	asOf := earliest(q.End(), today)
	best, bestRate := "", -1.0
	for _, p := range activeProjects(projects, u, q, asOf) {
		if rate := progressAt(p, asOf); rate > bestRate {
			best, bestRate = p.Code, rate
		}
	}
	return best
}

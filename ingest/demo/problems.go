package demo

import (
	"fmt"
	"slices"
	"strconv"

	"saima"
)

// problemCount is how many entries the demo problem list holds.
const problemCount = 60

var problemHeader = []string{"问题编号", "单位", "项目编号", "来源", "类别", "环节", "层级", "发现日期", "办结日期", "问题描述"}

// planProblems draws the problem list: weaker units have more problems, each
// on one of the unit's started projects. Old problems are mostly closed, and
// open ones climb the escalation levels as they age. Entries are numbered
// WT-2025-001 and so on in the order they were found, counting per year.
func planProblems(g *rng, c *city) []saima.ProblemItem {
	weights := make([]float64, len(c.units))
	for i, u := range c.units {
		weights[i] = 1.25 - u.base
	}

	var items []saima.ProblemItem
	for len(items) < problemCount {
		u := c.units[pickWeighted(g, weights)]
		started := projectsOf(c.projects, u, c.today)
		if len(started) == 0 {
			continue
		}
		items = append(items, newProblem(g, pick(g, started), c.today))
	}

	slices.SortStableFunc(items, func(a, b saima.ProblemItem) int { return a.Opened.Compare(b.Opened) })
	seq := map[int]int{}
	for i := range items {
		seq[items[i].Opened.Year]++
		items[i].ID = fmt.Sprintf("WT-%d-%03d", items[i].Opened.Year, seq[items[i].Opened.Year])
	}
	return items
}

func newProblem(g *rng, p *projectPlan, today saima.Date) saima.ProblemItem {
	category := pick(g, problemCategories)
	item := saima.ProblemItem{
		Unit:        p.Unit,
		ProjectCode: p.Code,
		Source:      pick(g, category.sources),
		Category:    category.name,
		Opened:      g.day(latest(*p.StartDate, origin.AddDays(20)), today),
		Summary:     fmt.Sprintf(pick(g, category.descriptions), p.Name),
	}

	age := item.Opened.DaysUntil(today)
	if g.chance(min(0.7, float64(age)/200)) {
		closed := item.Opened.AddDays(g.between(min(5, age), min(90, age)))
		item.Closed, item.Stage, item.Level = &closed, "已办结", g.between(1, 2)
		return item
	}
	item.Stage = openStage(g, age)
	item.Level = 1 + min(2, age/g.between(45, 120))
	return item
}

// openStage returns the loop stage of a problem open for age days: the
// longer it is open, the further it has gone, give or take a stage.
func openStage(g *rng, age int) string {
	stage := 0
	for _, threshold := range []int{7, 20, 45} {
		if age >= threshold {
			stage++
		}
	}
	stage = min(max(stage+g.between(-1, 1), 0), 3)
	return saima.LoopStages[stage]
}

func problemRows(items []saima.ProblemItem) [][]string {
	rows := make([][]string, 0, len(items))
	for _, it := range items {
		rows = append(rows, []string{
			it.ID, it.Unit, it.ProjectCode, it.Source, it.Category, it.Stage,
			strconv.Itoa(it.Level), it.Opened.String(), formatDate(it.Closed), it.Summary,
		})
	}
	return rows
}

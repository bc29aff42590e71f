package demo

import (
	"slices"
	"strings"

	"saima"
)

// planMilestones gives every started project 3 to 6 milestones between its
// start and due dates. How late each one is done depends on the unit's
// strength in the quarter it was due. Milestones are done in order: once one
// is open, the later ones are open too.
func planMilestones(g *rng, projects []*projectPlan, today saima.Date) {
	for _, p := range projects {
		if p.StartDate == nil {
			continue
		}
		p.steps = pickSteps(g, g.between(3, 6))
		planned := plannedDates(g, *p.StartDate, *p.DueDate, len(p.steps))
		p.milestones = make([]saima.Milestone, len(p.steps))
		for i, step := range p.steps {
			p.milestones[i] = saima.Milestone{
				ProjectCode: p.Code,
				Name:        pick(g, milestoneSteps[step]),
				Unit:        milestoneUnit(g, p, step),
				Planned:     planned[i],
			}
		}
		settleMilestones(g, p, today)
	}
}

// showPartner gives unit one open milestone on a city department's project
// when it has none on any project it neither runs nor leads, so that the
// demo's unit account is a 协同单位 somewhere and can try uploading a
// partner's milestone. The milestone is the first not yet started on the
// first such project in code order; like showLeaderLed it draws nothing
// from the random source.
func showPartner(projects []*projectPlan, unit string) {
	for _, p := range projects {
		if p.Unit == unit || p.LeadUnit == unit {
			continue
		}
		for _, m := range p.milestones {
			if m.Unit == unit {
				return
			}
		}
	}
	byCode := slices.Clone(projects)
	slices.SortFunc(byCode, func(a, b *projectPlan) int { return strings.Compare(a.Code, b.Code) })
	for _, p := range byCode {
		if p.unit.Kind == saima.KindDistrict || p.LeadUnit == unit || p.stage != "实施" {
			continue
		}
		for i := range p.milestones[:max(len(p.milestones)-1, 0)] {
			if p.milestones[i].Status == "未开始" {
				p.milestones[i].Unit = unit
				return
			}
		}
	}
}

// pickSteps returns n step indexes in order: the first step, n-2 of the
// middle ones, and the last.
func pickSteps(g *rng, n int) []int {
	middle := make([]int, 0, len(milestoneSteps)-2)
	for i := 1; i < len(milestoneSteps)-1; i++ {
		middle = append(middle, i)
	}
	g.shuffle(len(middle), func(i, j int) { middle[i], middle[j] = middle[j], middle[i] })

	steps := append([]int{0}, middle[:n-2]...)
	slices.Sort(steps)
	return append(steps, len(milestoneSteps)-1)
}

// plannedDates spreads n dates evenly after start, the last one on due, with
// the inner ones moved by up to a quarter of the gap.
func plannedDates(g *rng, start, due saima.Date, n int) []saima.Date {
	gap := start.DaysUntil(due) / n
	dates := make([]saima.Date, n)
	for i := range dates {
		dates[i] = start.AddDays(gap*(i+1) + g.between(-gap/4, gap/4))
	}
	dates[n-1] = due
	return dates
}

// milestoneUnit returns the unit responsible for a milestone: the project's
// unit, except that the data bureau owns some data-sharing steps.
func milestoneUnit(g *rng, p *projectPlan, step int) string {
	if step == dataStepIndex && p.Unit != dataBureau && g.chance(0.3) {
		return dataBureau
	}
	return p.Unit
}

// settleMilestones sets the actual dates and statuses of p's milestones as
// of today. A project under evaluation or completed has every milestone done
// by the day it was evaluated. A project still being implemented keeps its
// last milestone (acceptance) open.
func settleMilestones(g *rng, p *projectPlan, today saima.Date) {
	finished := p.evaluated != nil
	limit := today
	if finished {
		limit = *p.evaluated
	}

	previous := *p.StartDate
	open := false
	for i := range p.milestones {
		m := &p.milestones[i]
		if open {
			m.Status = "未开始"
			continue
		}
		actual, done := finishDay(g, p, m.Planned, previous, limit, finished)
		if !done || (!finished && i == len(p.milestones)-1) {
			m.Status = "进行中"
			open = true
			continue
		}
		m.Actual, m.Status = &actual, "已完成"
		previous = actual
	}
}

// finishDay returns the day a milestone planned for planned was done, and
// false when it is still open on limit. The day is never before previous,
// the day the milestone before it was done.
func finishDay(g *rng, p *projectPlan, planned, previous, limit saima.Date, finished bool) (saima.Date, bool) {
	if planned.After(limit) && !finished {
		return saima.Date{}, false
	}
	delay, stuck := slip(g, p.unit.formIn(quarterIndex(planned)))
	day := latest(previous, planned.AddDays(delay))
	if finished {
		return earliest(day, limit), true
	}
	if stuck || day.After(limit) {
		return saima.Date{}, false
	}
	return day, true
}

// slip draws how many days after its planned date a milestone is done, for a
// unit of strength form: most are on time or early, some are days late, some
// weeks late, and some get stuck.
func slip(g *rng, form float64) (days int, stuck bool) {
	if g.chance(0.5 + 0.4*form) {
		return g.between(-10, 0), false
	}
	switch x := g.uniform(0, 1); {
	case x < 0.5:
		return g.between(1, 10), false
	case x < 0.85:
		return g.between(14, 45), false
	}
	return 0, true
}

// quarterIndex returns the index of d's quarter counted from the origin's.
func quarterIndex(d saima.Date) int {
	return (d.Year-origin.Year)*4 + (int(d.Month)-1)/3
}

// progressAt returns p's completion rate in percent points on day: the share
// of milestones done, plus the share of time elapsed towards the next one, at
// most nine tenths of a milestone. It never falls as day moves on.
func progressAt(p *projectPlan, day saima.Date) float64 {
	n := len(p.milestones)
	done := 0
	since := *p.StartDate
	for _, m := range p.milestones {
		if m.Actual == nil || m.Actual.After(day) {
			break
		}
		done++
		since = *m.Actual
	}
	if done == n {
		return 100
	}

	share := 0.9
	if span := since.DaysUntil(p.milestones[done].Planned); span > 0 {
		share = clamp(float64(since.DaysUntil(day))/float64(span), 0, 0.9)
	}
	return (float64(done) + share) / float64(n) * 100
}

// milestoneState returns the last milestone of p done by day (nil when none)
// and the next one still open (nil when all are done).
func milestoneState(p *projectPlan, day saima.Date) (last, next *saima.Milestone) {
	for i := range p.milestones {
		m := &p.milestones[i]
		if m.Actual == nil || m.Actual.After(day) {
			return last, m
		}
		last = m
	}
	return last, nil
}

var milestoneHeader = []string{"项目编号", "里程碑", "计划完成日期", "实际完成日期", "状态", "责任单位"}

func milestoneRows(projects []*projectPlan) [][]string {
	var rows [][]string
	for _, p := range projects {
		for _, m := range p.milestones {
			rows = append(rows, []string{
				m.ProjectCode, m.Name, m.Planned.String(), formatDate(m.Actual), m.Status, m.Unit,
			})
		}
	}
	return rows
}

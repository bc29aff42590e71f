package demo

import (
	"fmt"
	"math"
	"strconv"
	"strings"
	"unicode/utf8"

	"saima"
)

// longNarrative is the length in characters a long progress narrative
// reaches at least.
const longNarrative = 200

var progressHeader = []string{"单位", "项目编号", "项目名称", "填报期间", "完成率", "填报日期", "进展情况", "存在问题"}

// progressRows returns one report per quarter per started project that was
// not yet evaluated before the quarter began. A unit files all its reports
// of a quarter on one day, early in the next quarter, or by Today for the
// current one.
func progressRows(g *rng, c *city) [][]string {
	var rows [][]string
	reported := map[*projectPlan]int{} // latest completion rate per project
	for qi, q := range c.quarters {
		for _, u := range c.units {
			filed := filingDay(g, q, c.today)
			asOf := earliest(q.End(), filed)
			for _, p := range activeProjects(c.projects, u, q, asOf) {
				percent := max(reported[p], reportedPercent(g, p, asOf))
				reported[p] = percent
				rows = append(rows, []string{
					u.Name, p.Code, p.Name, q.String(), strconv.Itoa(percent) + "%", filed.String(),
					progressNarrative(g, p, asOf, percent), issueNarrative(g, p, asOf, u.formIn(qi)),
				})
			}
		}
	}
	return rows
}

// filingDay returns the day a unit files its reports for quarter q: 2 to 12
// days after the quarter ends, or up to 4 days before today, but never
// before the quarter starts.
func filingDay(g *rng, q saima.Period, today saima.Date) saima.Date {
	day := q.End().AddDays(g.between(2, 12))
	if day.After(today) {
		day = latest(q.Start(), today.AddDays(-g.between(0, 4)))
	}
	return day
}

// activeProjects returns u's projects that had started by asOf and were not
// evaluated before quarter q began.
func activeProjects(projects []*projectPlan, u *unitPlan, q saima.Period, asOf saima.Date) []*projectPlan {
	var active []*projectPlan
	for _, p := range projectsOf(projects, u, asOf) {
		if p.evaluated == nil || !p.evaluated.Before(q.Start()) {
			active = append(active, p)
		}
	}
	return active
}

// reportedPercent returns the completion rate a unit reports for p on day
// asOf, in whole percent points: the milestone-based rate with a little
// noise, below 100 until every milestone is done.
func reportedPercent(g *rng, p *projectPlan, asOf saima.Date) int {
	rate := progressAt(p, asOf)
	if rate >= 100 {
		return 100
	}
	return int(clamp(math.Round(rate+g.normal(1.5)), 0, 99))
}

// progressNarrative writes 进展情况: what was done, a figure that grows with
// the completion rate, and the next step. Some narratives run past
// longNarrative characters, as units write when they have much to report.
func progressNarrative(g *rng, p *projectPlan, asOf saima.Date, percent int) string {
	last, next := milestoneState(p, asOf)
	var b strings.Builder
	b.WriteString(pick(g, reportOpenings) + "，")
	switch {
	case next == nil:
		b.WriteString("项目各项建设任务已全部完成，系统运行平稳")
	case last != nil && last.Actual.DaysUntil(asOf) < 92:
		b.WriteString("完成" + last.Name + "，" + pick(g, []string{"正在推进", "启动", "同步开展"}) + next.Name)
	default:
		b.WriteString(pick(g, []string{"持续推进", "全力推进", "有序推进"}) + next.Name)
	}
	b.WriteString("，" + fmt.Sprintf(pick(g, metrics[p.System]), metricCount(g, percent)))
	b.WriteString("，" + nextStep(g, next, asOf) + "。")

	if g.chance(0.06) {
		for utf8.RuneCountInString(b.String()) < longNarrative {
			b.WriteString(fmt.Sprintf(pick(g, elaborations), g.between(3, 30)))
		}
	}
	return b.String()
}

func metricCount(g *rng, percent int) int {
	return max(1, g.between(20, 600)*max(percent, 5)/100)
}

// nextStep writes the plan that closes a narrative: the next milestone's
// month, or catching up when it is already overdue on asOf.
func nextStep(g *rng, next *saima.Milestone, asOf saima.Date) string {
	switch {
	case next == nil:
		return pick(g, []string{"下一步将做好评估验收准备", "下一步将总结经验并在全市推广"})
	case next.Planned.Before(asOf):
		return pick(g, []string{"已制定赶工计划，力争尽快完成", "正倒排工期，加快推进"})
	}
	month := fmt.Sprintf("%d年%d月底前", next.Planned.Year, int(next.Planned.Month))
	return pick(g, []string{"计划" + month + "完成", "力争" + month + "完成", "下一步将按" + month + "节点要求加快推进"})
}

// issueNarrative writes 存在问题: the delay of an overdue milestone with its
// cause, or for some reports one of the usual problems, or 无. Weaker units
// report problems more often.
func issueNarrative(g *rng, p *projectPlan, asOf saima.Date, form float64) string {
	_, next := milestoneState(p, asOf)
	if next != nil {
		if late := next.Planned.DaysUntil(asOf); late > 0 {
			return fmt.Sprintf("%s较计划节点滞后%d天，%s", next.Name, late, pick(g, delayCauses))
		}
	}
	if g.chance(0.6 - 0.45*form) {
		return pick(g, issues)
	}
	return noIssue
}

package demo

import (
	"fmt"
	"slices"
	"strconv"

	"saima"
)

// Streams of the workflow tables, after the ledger's.
const (
	streamLists uint64 = streamChanges + 1 + iota
	streamProblemSteps
	streamLeaderReports
)

var (
	listHeader         = []string{"清单名称", "事项编号", "事项名称", "责任单位", "阶段目标", "完成时限", "领域", "下达日期"}
	listDoneHeader     = []string{"清单名称", "事项编号", "责任单位", "完成日期", "标注人", "完成情况"}
	problemStepHeader  = []string{"问题编号", "环节", "层级", "日期", "办理单位", "说明"}
	leaderReportHeader = []string{"项目编号", "半年度", "领衔领导", "牵头单位", "成果", "问题", "下步计划", "报送日期"}
)

// listGoals are stage goals of list items that come from projects.
var listGoals = []string{"完成场景上线", "实现全市贯通", "形成可复制经验", "完成试点验证", "纳入省级推广"}

// ruleItems are the 制度建设 and 专项清单 items, which no project carries.
var ruleItems = []struct{ list, name, field string }{
	{"制度建设", "公共数据授权运营管理办法", "数字政府"},
	{"制度建设", "应用场景建设评价规范", "整体智治"},
	{"制度建设", "数据安全分级保护细则", "公共数据平台"},
	{"制度建设", "一件事集成改革工作规范", "数字政府"},
	{"专项清单", "政务服务事项颗粒化梳理", "数字政府"},
	{"专项清单", "基层报表减负专项整治", "数字社会"},
	{"专项清单", "涉企数据共享专项行动", "数字经济"},
	{"专项清单", "执法监管数字化专项", "数字法治"},
}

// listPlan is a list item and, when it was done, its mark.
type listPlan struct {
	item saima.ListItem
	done *saima.ListDone
}

// planLists puts every project on the lists its ledger row names, with
// its due date as the deadline and its first lifecycle stage as the day
// it was put on the list. It adds the rule items for random units, put on
// their lists 180 days before the deadline, or today when that is later.
// A project that reached 评估 or 完成 is done; a rule item whose deadline
// has passed is mostly done.
func planLists(g *rng, c *city) []listPlan {
	var out []listPlan
	for _, p := range c.projects {
		for _, l := range p.Lists {
			if p.DueDate == nil {
				continue
			}
			lp := listPlan{item: saima.ListItem{List: l, ID: p.Code, Name: p.Name, Unit: p.Unit,
				Goal: pick(g, listGoals), Deadline: *p.DueDate, Field: p.System, Issued: &p.events[0].Date}}
			if p.evaluated != nil {
				lp.done = &saima.ListDone{List: l, ItemID: p.Code, Unit: p.Unit, Date: *p.evaluated,
					By: "改革办", Note: "已通过评估"}
			}
			out = append(out, lp)
		}
	}
	for i, r := range ruleItems {
		u := pick(g, c.units)
		deadline := g.day(origin.AddDays(180), c.today.AddDays(240))
		issued := earliest(deadline.AddDays(-180), c.today)
		lp := listPlan{item: saima.ListItem{List: r.list, ID: fmt.Sprintf("ZD-%03d", i+1), Name: r.name,
			Unit: u.Name, Goal: "印发实施", Deadline: deadline, Field: r.field, Issued: &issued}}
		if deadline.Before(c.today) && g.chance(0.7) {
			done := earliest(deadline.AddDays(g.between(-40, 20)), c.today)
			lp.done = &saima.ListDone{List: r.list, ItemID: lp.item.ID, Unit: u.Name, Date: done,
				By: "改革办", Note: "已印发"}
		}
		out = append(out, lp)
	}
	return out
}

func listRows(plans []listPlan) [][]string {
	rows := make([][]string, 0, len(plans))
	for _, p := range plans {
		it := p.item
		rows = append(rows, []string{it.List, it.ID, it.Name, it.Unit, it.Goal, it.Deadline.String(), it.Field,
			it.Issued.String()})
	}
	return rows
}

func listDoneRows(plans []listPlan) [][]string {
	var rows [][]string
	for _, p := range plans {
		if d := p.done; d != nil {
			rows = append(rows, []string{d.List, d.ItemID, d.Unit, d.Date.String(), d.By, d.Note})
		}
	}
	return rows
}

// problemStepRows dates each problem's way through the loop: 收集 on the
// day it was found, the later stages spread up to its close or today, and
// an escalation for each level above the lead unit, up to the problem's
// level on the list, before 已办结. 已办结 falls on the list's 办结日期, so
// that /problems and /problems/loop close the problem on the same day.
func problemStepRows(g *rng, items []saima.ProblemItem, today saima.Date) [][]string {
	var rows [][]string
	for _, it := range items {
		end := today
		if it.Closed != nil {
			end = *it.Closed
		}
		last := slices.Index(saima.LoopStages, it.Stage)
		level := min(max(it.Level, 1), len(saima.EscalationLevels))
		days := spreadDays(g, it.Opened, end, last+level-1)
		k := 0
		next := func() saima.Date { d := days[k]; k++; return d }
		// Escalations come before 已办结, which ends the loop.
		done := len(saima.LoopStages) - 1
		rows = append(rows, stepRow(it.ID, saima.LoopStages[0], 1, it.Opened, it.Unit))
		for s := 1; s <= min(last, done-1); s++ {
			rows = append(rows, stepRow(it.ID, saima.LoopStages[s], 1, next(), it.Unit))
		}
		for l := 2; l <= level; l++ {
			rows = append(rows, stepRow(it.ID, saima.StepEscalate, l, next(), saima.EscalationLevels[l-1]))
		}
		if last == done {
			rows = append(rows, stepRow(it.ID, saima.LoopStages[done], 1, end, it.Unit))
		}
	}
	return rows
}

// spreadDays returns n sorted days in (from, to], each at most to.
func spreadDays(g *rng, from, to saima.Date, n int) []saima.Date {
	days := make([]saima.Date, n)
	for i := range days {
		days[i] = g.day(from.AddDays(1), to)
		if to.Before(days[i]) || from.DaysUntil(to) < 1 {
			days[i] = to
		}
	}
	slices.SortFunc(days, func(a, b saima.Date) int { return a.Compare(b) })
	return days
}

func stepRow(id, step string, level int, day saima.Date, handler string) []string {
	return []string{id, step, strconv.Itoa(level), day.String(), handler, ""}
}

// leaderReportRows writes the half-year reports of every leader-led
// project that had started, from its start's half year to the last half
// year that ended before today. Reports arrive within the grace period,
// except that the first leader-led project misses its latest report once
// the grace period is over, so the demo shows an overdue report.
func leaderReportRows(g *rng, c *city) [][]string {
	var rows [][]string
	missed := false
	for _, p := range c.projects {
		if !p.LeaderLed || p.StartDate == nil || p.StartDate.After(c.today) {
			continue
		}
		var halves []saima.HalfYear
		for h := saima.HalfYearOf(*p.StartDate); h.End().Before(c.today); h = h.Next() {
			halves = append(halves, h)
		}
		for i, h := range halves {
			if !missed && i == len(halves)-1 && saima.LeaderReportDue(h).Before(c.today) {
				missed = true
				continue
			}
			sent := earliest(h.End().AddDays(g.between(1, saima.LeaderReportGraceDays)), c.today)
			rows = append(rows, []string{p.Code, h.String(), p.Leader, p.Unit,
				fmt.Sprintf("%s%s完成阶段目标", p.Name, h.Label()), pick(g, leaderProblems),
				pick(g, leaderNextSteps), sent.String()})
		}
	}
	return rows
}

var (
	leaderProblems  = []string{"跨部门数据共享进度偏慢", "基层应用推广不均衡", "无", "资金拨付滞后", "省级接口尚未开放"}
	leaderNextSteps = []string{"扩大试点范围", "推进全市贯通", "完善考核机制", "开展成效评估", "对接省级平台"}
)

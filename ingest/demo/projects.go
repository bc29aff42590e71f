package demo

import (
	"cmp"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/shopspring/decimal"

	"saima"
)

// projectCount is how many projects the demo ledger holds.
const projectCount = 150

// stageQuota is how many projects are at each lifecycle stage on Today.
// Projects not counted here are being implemented (实施).
var stageQuota = map[string]int{
	"预报": 6, "初审": 5, "审核": 5, "论证": 6, "决策": 8, "评估": 16, "完成": 14, "退出": 6,
}

// leadUnits names the unit that leads each "1+5" system.
var leadUnits = map[string]string{
	"整体智治":   cityLevel.name,
	"数字政府":   dataBureau,
	"数字经济":   "市经信局",
	"数字社会":   "市发改委",
	"数字法治":   "市公安局",
	"公共数据平台": dataBureau,
}

// projectPlan is a project with its history up to Today.
type projectPlan struct {
	saima.Project
	unit       *unitPlan
	anchor     bool   // the unit's first project, always started early
	stage      string // latest lifecycle stage on Today
	events     []saima.StageEvent
	evaluated  *saima.Date // day it entered 评估; nil before that
	steps      []int       // index into milestoneSteps of each milestone
	milestones []saima.Milestone
}

// planProjects allocates projects to units, gives each a lifecycle stage and
// a history consistent with it, and numbers them in the order they were
// first reported.
func planProjects(g *rng, units []*unitPlan, today saima.Date) []*projectPlan {
	projects := allocateProjects(g, units)
	showLeaderLed(projects, AccountUnit)
	assignStages(g, projects)
	for _, p := range projects {
		planTimeline(g, p, today)
	}
	numberProjects(projects)
	return projects
}

// AccountUnit is the unit of the demo's unit account, haishu.
const AccountUnit = "宁波市海曙区"

// showLeaderLed makes unit's first project leader-led when none of its
// projects is, so that the demo's unit account has a half-year report to
// file. It draws nothing from the random source, so the rest of the demo
// stays as it was.
func showLeaderLed(projects []*projectPlan, unit string) {
	var first *projectPlan
	for _, p := range projects {
		if p.Unit != unit {
			continue
		}
		if p.LeaderLed {
			return
		}
		if first == nil {
			first = p
		}
	}
	if first != nil {
		first.LeaderLed, first.Leader = true, leaders[0]
	}
}

// allocateProjects gives every unit two projects, then spreads the rest with
// districts weighted four times and the city twice a department.
func allocateProjects(g *rng, units []*unitPlan) []*projectPlan {
	counts := make([]int, len(units))
	for i := range counts {
		counts[i] = 2
	}
	for n := 2 * len(units); n < projectCount; n++ {
		i := pickWeighted(g, projectWeights(units, counts))
		if i < 0 {
			break // every unit has run out of themes
		}
		counts[i]++
	}

	var projects []*projectPlan
	for i, u := range units {
		for j, t := range pickThemes(g, u.themes, counts[i]) {
			projects = append(projects, newProject(g, u, t, j == 0))
		}
	}
	return projects
}

func projectWeights(units []*unitPlan, counts []int) []float64 {
	weights := make([]float64, len(units))
	for i, u := range units {
		if counts[i] >= len(u.themes) {
			continue
		}
		switch u.Kind {
		case saima.KindDistrict:
			weights[i] = 4
		case saima.KindCity:
			weights[i] = 2
		default:
			weights[i] = 1
		}
	}
	return weights
}

// pickThemes returns n distinct themes from pool, in random order.
func pickThemes(g *rng, pool []theme, n int) []theme {
	themes := slices.Clone(pool)
	g.shuffle(len(themes), func(i, j int) { themes[i], themes[j] = themes[j], themes[i] })
	return themes[:min(n, len(themes))]
}

func newProject(g *rng, u *unitPlan, t theme, anchor bool) *projectPlan {
	p := &projectPlan{unit: u, anchor: anchor}
	p.Name = u.prefix + t.name
	p.Unit = u.Name
	p.LeadUnit = leadUnits[t.system]
	p.System = t.system
	p.Scope = pickScope(g, u.Kind)
	p.Type = pick(g, []string{"增量开发", "增量开发", "迭代升级"})
	p.Lists = pickLists(g)
	if g.chance(0.15) {
		p.LeaderLed = true
		p.Leader = pick(g, leaders)
	}
	p.Budget = decimal.NewNullDecimal(pickBudget(g, p.Scope))
	return p
}

func pickScope(g *rng, kind string) string {
	if kind == saima.KindDistrict {
		return pick(g, []string{"区县试点", "区县试点", "区县试点", "区县试点", "全市性", "省定先行示范"})
	}
	return pick(g, []string{"全市性", "全市性", "全市性", "省定先行示范"})
}

func pickLists(g *rng) []string {
	var lists []string
	for _, l := range []struct {
		name   string
		chance float64
	}{{"重大需求", 0.4}, {"场景应用", 0.6}, {"重大改革", 0.2}} {
		if g.chance(l.chance) {
			lists = append(lists, l.name)
		}
	}
	return lists
}

// pickBudget returns a budget in 万元 with at most one decimal place.
func pickBudget(g *rng, scope string) decimal.Decimal {
	lo, hi := 300, 8000 // tenths of 万元
	if scope != "区县试点" {
		lo, hi = 2000, 30000
	}
	return decimal.New(int64(g.between(lo, hi)), -1)
}

// assignStages gives each unit's first project the stage 实施, so every unit
// reports progress, and deals the quota of other stages over the rest.
func assignStages(g *rng, projects []*projectPlan) {
	var deck []string
	for _, s := range saima.Stages {
		for range stageQuota[s] {
			deck = append(deck, s)
		}
	}
	g.shuffle(len(deck), func(i, j int) { deck[i], deck[j] = deck[j], deck[i] })

	for _, p := range projects {
		p.stage = "实施"
		if !p.anchor && len(deck) > 0 {
			p.stage, deck = deck[0], deck[1:]
		}
	}
}

// planTimeline writes p's stage events, start and due dates and batch.
func planTimeline(g *rng, p *projectPlan, today saima.Date) {
	switch p.stage {
	case "实施", "评估", "完成":
		planImplemented(g, p, today)
	case "退出":
		planExited(g, p, today)
	default:
		planPreparing(g, p, today)
	}
}

// planPreparing plans a project that has not started: its stages up to
// p.stage happened in the last weeks, and it is due in the coming year.
func planPreparing(g *rng, p *projectPlan, today saima.Date) {
	window := origin.DaysUntil(today)
	last := today.AddDays(-g.between(0, min(40, window/10)))
	p.events = chainStages(g, p, slices.Index(saima.Stages, p.stage), last)
	p.DueDate = new(today.AddDays(g.between(120, 300)))
	p.Batch = "谋划设计"
	if p.stage == "决策" && g.chance(0.5) {
		p.Batch = "启动实施"
	}
}

// planExited plans a project that left the pipeline before it started.
func planExited(g *rng, p *projectPlan, today saima.Date) {
	exit := today.AddDays(-g.span(origin.DaysUntil(today), 0.03, 0.5))
	reached := g.between(1, slices.Index(saima.Stages, "决策"))
	p.events = chainStages(g, p, reached, exit.AddDays(-g.between(5, 30)))
	p.events = append(p.events, stageEvent(g, p, "退出", exit))
	p.DueDate = new(exit.AddDays(g.between(150, 400)))
	p.Batch = "谋划设计"
}

// planImplemented plans a project that started: the stages before 实施, then
// 实施 on its start date and, when p.stage is later, 评估 and 完成. Dates are
// fractions of the days since the origin, so any Today gives the same shape.
func planImplemented(g *rng, p *projectPlan, today saima.Date) {
	window := origin.DaysUntil(today)
	start, due := implementedDates(g, p, today)
	p.StartDate, p.DueDate = &start, &due
	p.Batch = "启动实施"
	if start.Year < today.Year {
		p.Batch = "继续推进"
	}

	p.events = chainStages(g, p, slices.Index(saima.Stages, "决策"), start.AddDays(-g.between(3, 20)))
	p.events = append(p.events, stageEvent(g, p, "实施", start))
	if p.stage == "实施" {
		return
	}

	evaluated := earliest(today, due.AddDays(max(1, g.span(window, 0.01, 0.04))))
	p.evaluated = &evaluated
	p.events = append(p.events, stageEvent(g, p, "评估", evaluated))
	if p.stage == "完成" {
		done := earliest(today, evaluated.AddDays(max(1, g.span(window, 0.03, 0.08))))
		p.events = append(p.events, stageEvent(g, p, "完成", done))
	}
}

// implementedDates returns the start and due dates of a started project.
// Finished projects start early and are due well before Today. A unit's
// first project starts in the first eighth of the history, so every unit
// reports from early on. A project being implemented is due 6 to 16 months
// after it started, but most plans end with Today's year. A due date more
// than three months before Today has been revised to a day from three months
// before to two months after Today, as a slipped plan would be.
func implementedDates(g *rng, p *projectPlan, today saima.Date) (start, due saima.Date) {
	window := origin.DaysUntil(today)
	switch p.stage {
	case "完成":
		start = origin.AddDays(g.span(window, 0, 0.2))
		return start, start.AddDays(g.span(window, 0.4, 0.55))
	case "评估":
		start = origin.AddDays(g.span(window, 0.15, 0.4))
		return start, start.AddDays(g.span(window, 0.4, 0.55))
	}

	lastStart := 0.95
	if p.anchor {
		lastStart = 0.12
	}
	start = earliest(today.AddDays(-10), origin.AddDays(g.span(window, 0, lastStart)))
	due = start.AddDays(g.between(180, 480))
	yearEnd := saima.NewDate(today.Year, time.December, 31)
	if shortest := start.AddDays(120); due.After(yearEnd) && g.chance(0.75) {
		due = latest(shortest, g.day(today.AddDays(-30), yearEnd))
	}
	if due.Before(today.AddDays(-90)) {
		due = today.AddDays(g.between(-90, 60))
	}
	return start, due
}

// chainStages returns events for the stages up to and including index last,
// the last one on day end and each earlier one 5 to 25 days before the next.
func chainStages(g *rng, p *projectPlan, last int, end saima.Date) []saima.StageEvent {
	events := make([]saima.StageEvent, last+1)
	day := end
	for i := last; i >= 0; i-- {
		events[i] = stageEvent(g, p, saima.Stages[i], day)
		day = day.AddDays(-g.between(5, 25))
	}
	return events
}

func stageEvent(g *rng, p *projectPlan, stage string, day saima.Date) saima.StageEvent {
	d := stageDecisions[stage]
	body := pick(g, d.bodies)
	switch body {
	case "责任单位":
		body = p.Unit
	case "牵头单位":
		body = p.LeadUnit
	}
	e := saima.StageEvent{Stage: stage, Date: day, DecidedBy: body, Opinion: pick(g, d.opinions),
		Round: 1, Documents: stageDocument(stage, day)}
	if stage == "退出" {
		e.Accountability = exitAccountability[day.Day%len(exitAccountability)]
	}
	return e
}

// numberProjects sorts projects by the day they were first reported and
// numbers them NB-2025-001 and so on, counting per year. Projects reported
// before the origin year are numbered in the origin year, as carried over.
func numberProjects(projects []*projectPlan) {
	slices.SortStableFunc(projects, func(a, b *projectPlan) int {
		return a.events[0].Date.Compare(b.events[0].Date)
	})
	seq := map[int]int{}
	for _, p := range projects {
		year := max(origin.Year, p.events[0].Date.Year)
		seq[year]++
		p.Code = fmt.Sprintf("NB-%d-%03d", year, seq[year])
		for i := range p.events {
			p.events[i].ProjectCode = p.Code
		}
	}
}

var projectHeader = []string{
	"项目编号", "项目名称", "责任单位", "牵头单位", "所属系统", "项目层级", "项目类型",
	"批次", "所属清单", "是否领导领衔", "领衔领导", "预算（万元）", "开始日期", "计划完成日期", "协同单位",
}

// partners returns the units other than p's own two that have a milestone
// on p, such as the data bureau's data step, in milestone order.
func partners(p *projectPlan) []string {
	var out []string
	for _, m := range p.milestones {
		if m.Unit != p.Unit && m.Unit != p.LeadUnit && !slices.Contains(out, m.Unit) {
			out = append(out, m.Unit)
		}
	}
	return out
}

func projectRows(projects []*projectPlan) [][]string {
	rows := make([][]string, 0, len(projects))
	for _, p := range projects {
		rows = append(rows, []string{
			p.Code, p.Name, p.Unit, p.LeadUnit, p.System, p.Scope, p.Type,
			p.Batch, strings.Join(p.Lists, "、"), yesNo(p.LeaderLed), p.Leader,
			p.Budget.Decimal.String(), formatDate(p.StartDate), formatDate(p.DueDate),
			strings.Join(partners(p), "、"),
		})
	}
	return rows
}

var stageHeader = []string{"项目编号", "阶段", "日期", "决策主体", "意见", "文件", "轮次", "变更事项", "变更原因", "问责情况"}

func stageRows(projects []*projectPlan) [][]string {
	var rows [][]string
	for _, p := range projects {
		for _, e := range p.events {
			rows = append(rows, []string{e.ProjectCode, e.Stage, e.Date.String(), e.DecidedBy, e.Opinion,
				e.Documents, strconv.Itoa(e.RoundOrOne()), e.ChangeItem, e.ChangeReason, e.Accountability})
		}
	}
	return rows
}

// projectsOf returns u's projects that had started by day, in code order.
func projectsOf(projects []*projectPlan, u *unitPlan, day saima.Date) []*projectPlan {
	var started []*projectPlan
	for _, p := range projects {
		if p.unit == u && p.StartDate != nil && !p.StartDate.After(day) {
			started = append(started, p)
		}
	}
	slices.SortFunc(started, func(a, b *projectPlan) int { return cmp.Compare(a.Code, b.Code) })
	return started
}

func yesNo(b bool) string {
	if b {
		return "是"
	}
	return "否"
}

func formatDate(d *saima.Date) string {
	if d == nil {
		return ""
	}
	return d.String()
}

func earliest(a, b saima.Date) saima.Date {
	if b.Before(a) {
		return b
	}
	return a
}

func latest(a, b saima.Date) saima.Date {
	if b.After(a) {
		return b
	}
	return a
}

package demo

import (
	"cmp"
	"fmt"
	"slices"

	"saima"
)

// exitAccountability are the accountability notes (问责情况) of exits.
var exitAccountability = []string{
	"不予问责：因省级统建应用覆盖而退出",
	"约谈责任单位分管负责人，扣减年度考评分2分",
	"不予问责：建设条件变化，责任单位已按期报告",
	"通报批评，责任单位提交整改报告",
}

// stageDocument returns the document number that a decision cites, or ""
// for a stage without one. Numbers follow the day, so no random draw is
// spent on them.
func stageDocument(stage string, day saima.Date) string {
	n := (int(day.Month)-1)*10 + day.Day/3 + 1
	switch stage {
	case "论证":
		return fmt.Sprintf("甬改办〔%d〕%d号", day.Year, n)
	case "决策", "退出":
		return fmt.Sprintf("甬改委〔%d〕%d号", day.Year, n)
	}
	return ""
}

// changeReasons are reasons for changing a project's period (变更原因).
var changeReasons = []string{
	"省级统建接口延期上线，数据对接顺延",
	"试点范围由一个区扩大到全市，建设内容增加",
	"采购流程重新组织，建设周期相应调整",
}

// maxChanges is how many projects being implemented get a change.
const maxChanges = 2

// planChanges gives up to maxChanges projects that have been implemented
// for at least 90 days a change of their period (变更), then the
// re-argument, the new decision and implementation again, in round 2. The
// events stay on or before today and after the project started.
func planChanges(g *rng, projects []*projectPlan, today saima.Date) {
	candidates := slices.Clone(projects)
	slices.SortFunc(candidates, func(a, b *projectPlan) int { return cmp.Compare(a.Code, b.Code) })
	changed := 0
	for _, p := range candidates {
		if changed == maxChanges || p.stage != "实施" || p.StartDate.DaysUntil(today) < 90 {
			continue
		}
		if !g.chance(0.3) {
			continue
		}
		changed++
		day := today.AddDays(-g.between(25, 60))
		p.events = append(p.events, saima.StageEvent{ProjectCode: p.Code, Stage: saima.StageChange, Date: day,
			DecidedBy: "市委改革办", Round: 1, ChangeItem: "建设周期", ChangeReason: pick(g, changeReasons),
			Opinion: "同意调整，重新论证"})
		for _, stage := range []string{"论证", "决策", "实施"} {
			day = day.AddDays(g.between(3, 7))
			e := stageEvent(g, p, stage, day)
			e.ProjectCode, e.Round = p.Code, 2
			p.events = append(p.events, e)
		}
	}
}

package ingest

import (
	"cmp"
	"slices"

	"saima"
)

// exampleBodies are the deciding bodies that the stages example names, by
// stage. Each passes [bodyAllowed].
var exampleBodies = map[string]string{
	"初审": "市大数据局",
	"审核": "市委改革办",
	"论证": "市委改革办",
	"决策": "市委改革委",
}

// exampleStage returns the stages example: the next stage of a project in
// the ledger, dated a week before today, or on the project's last event
// when that is later. The unit's own projects come first, then the
// others. It returns nil when no project can take a next stage today.
//
// The candidates are the stages of the project's last round and of the
// round after it that the project lacks, in lifecycle order, and the
// first that [CheckLifecycle] accepts is taken. 退出 and 变更 are never
// the example, because they are exceptions to the plan, and neither is
// 完成, because nothing may follow it: a clerk who edits only the opinion
// of the example would close the project for good.
func exampleStage(opts TemplateOptions, unit string) *saima.StageEvent {
	roster := newRoster(opts.Roster)
	projects := sortProjects(opts.Projects, func(p saima.Project) bool {
		name, ok := roster.resolve(p.Unit)
		return ok && name == unit
	})
	history := map[string][]saima.StageEvent{}
	for _, e := range opts.Stages {
		history[e.ProjectCode] = append(history[e.ProjectCode], e)
	}
	for _, p := range projects {
		if e := nextStage(p, history[p.Code], opts.Today); e != nil {
			return e
		}
	}
	return nil
}

// nextStage returns the first candidate stage that CheckLifecycle accepts
// after the events of project p, or nil when there is none or the last
// event is dated after today.
func nextStage(p saima.Project, events []saima.StageEvent, today saima.Date) *saima.StageEvent {
	date, round := today.AddDays(-7), 1
	recorded := map[[2]any]bool{}
	for _, e := range events {
		if e.Date.After(date) {
			date = e.Date
		}
		round = max(round, e.RoundOrOne())
		recorded[[2]any{e.Stage, e.RoundOrOne()}] = true
	}
	if date.After(today) {
		return nil
	}
	leads := map[string]string{p.Code: p.LeadUnit}
	for _, r := range []int{round, round + 1} {
		for _, stage := range saima.Stages {
			if stage == stageExit || stage == stageFinish || recorded[[2]any{stage, r}] {
				continue
			}
			e := saima.StageEvent{ProjectCode: p.Code, Stage: stage, Date: date, Round: r,
				DecidedBy: exampleBodies[stage], Opinion: "同意" + stage}
			if len(CheckLifecycle(events, []saima.StageEvent{e}, leads)) == 0 {
				return &e
			}
		}
	}
	return nil
}

// sortProjects returns a copy of projects sorted by code, those for which
// first is true before the others.
func sortProjects(projects []saima.Project, first func(saima.Project) bool) []saima.Project {
	return sortFirst(projects, first, func(p saima.Project) string { return p.Code })
}

// sortFirst returns a copy of items sorted by id, those for which first
// is true before the others.
func sortFirst[T any](items []T, first func(T) bool, id func(T) string) []T {
	out := slices.Clone(items)
	slices.SortStableFunc(out, func(a, b T) int {
		if fa, fb := first(a), first(b); fa != fb {
			if fa {
				return -1
			}
			return 1
		}
		return cmp.Compare(id(a), id(b))
	})
	return out
}

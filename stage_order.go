package saima

import (
	"cmp"
	"slices"
)

// StageRank returns a stage's place in Stages, with StageChange after
// every stage of its round, and -1 for an unknown stage.
func StageRank(stage string) int {
	if stage == StageChange {
		return len(Stages)
	}
	return slices.Index(Stages, stage)
}

// CompareStageEvents orders two events of one project by date and, on
// the same day, by lifecycle: by round, then by stage, with a change last
// in its round and 退出 or 完成 after everything. The stage name breaks
// the remaining ties, so the order never depends on the order of reading.
func CompareStageEvents(a, b StageEvent) int {
	return cmp.Or(a.Date.Compare(b.Date),
		cmp.Compare(endsProject(a.Stage), endsProject(b.Stage)),
		cmp.Compare(a.RoundOrOne(), b.RoundOrOne()),
		cmp.Compare(StageRank(a.Stage), StageRank(b.Stage)),
		cmp.Compare(a.Stage, b.Stage))
}

// endsProject is 1 for 退出 and 完成, which end a project, and 0 for the
// other stages.
func endsProject(stage string) int {
	if stage == "退出" || stage == "完成" {
		return 1
	}
	return 0
}

// CountedStage returns the stage of [Stages] under which counts of
// projects by stage place a project whose latest event is stage. A
// change (变更) counts as the 论证 that must follow it, so that a
// project waiting for its new 论证 is counted and can be filtered for.
// Any other stage is returned as it is. The ledger's stage filter, the
// stage bars of the pages and the reports' stage distribution all
// count by it.
func CountedStage(stage string) string {
	if stage == StageChange {
		return "论证"
	}
	return stage
}

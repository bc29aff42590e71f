package ingest

import (
	"saima"
)

// orderGaps are what the order checks of a file with errors know of its
// rows with errors: the lifecycle check of stages and the loop's order
// check of problem steps. Those checks still run on the good rows, so that
// one reply lists their issues with the row errors. A row with an error
// is never the stage or step that another row is dated against. A row
// whose record is unknown leaves out what it may touch. So no row is
// blamed for what the clerk will correct in another.
type orderGaps struct {
	// all is set when a row's 项目编号 or 问题编号 has an error, so that
	// it may belong to any project or problem.
	all bool

	// records are the projects or problems with a row whose stage, step,
	// round or level has an error. For stages also those with 退出, 完成
	// or 变更 on a bad date, since the rules compare their dates with
	// every later stage.
	records map[string]bool

	// undated are the stages from 预报 to 评估 whose date alone has an
	// error. The lifecycle check walks them for their place, without a
	// date, and reports nothing on their rows.
	undated []saima.StageEvent

	// steps are the problem steps whose date alone has an error. Each
	// replaces the stored step of its key, which is then left out.
	steps []saima.ProblemStep
}

// mark records that a row with an error may touch the project or problem
// id, or any of them when the key column keyCol has an error.
func (g *orderGaps) mark(r *rowReader, keyCol, id string) {
	if !r.good(keyCol) {
		g.all = true
		return
	}
	g.markRecord(id)
}

// markRecord records that a row with an error touches the project or
// problem id only.
func (g *orderGaps) markRecord(id string) {
	if g.records == nil {
		g.records = map[string]bool{}
	}
	g.records[id] = true
}

// addStage records stage row r, which has an error, as event e.
func (g *orderGaps) addStage(r *rowReader, e saima.StageEvent) {
	if !r.good("项目编号", "阶段", "轮次") || r.good("日期") || isTerminal(e.Stage) || e.Stage == saima.StageChange {
		g.mark(r, "项目编号", e.ProjectCode)
		return
	}
	g.undated = append(g.undated, e)
}

// addStep records problem step row r, which has an error, as step st.
func (g *orderGaps) addStep(r *rowReader, st saima.ProblemStep) {
	if !r.good("问题编号", "环节", "层级") || r.good("日期") {
		g.mark(r, "问题编号", st.ProblemID)
		return
	}
	g.steps = append(g.steps, st)
}

// stepKey is the record key of a problem step.
type stepKey struct {
	id, step string
	level    int
}

// storedSteps returns the stored steps that the order check may date
// the good rows against: those of no problem that a row with an error
// may touch, and none that such a row replaces. Leaving out a stored
// step never adds an issue, because every rule of the loop compares
// steps that are there.
func (g *orderGaps) storedSteps(existing []saima.ProblemStep) []saima.ProblemStep {
	if g.all {
		return nil
	}
	if len(g.records) == 0 && len(g.steps) == 0 {
		return existing
	}
	replaced := make(map[stepKey]bool, len(g.steps))
	for _, st := range g.steps {
		replaced[stepKey{st.ProblemID, st.Step, st.Level}] = true
	}
	var out []saima.ProblemStep
	for _, st := range existing {
		if g.records[st.ProblemID] || replaced[stepKey{st.ProblemID, st.Step, st.Level}] {
			continue
		}
		stale := false
		for _, level := range st.StaleLevels {
			stale = stale || replaced[stepKey{st.ProblemID, st.Step, level}]
		}
		if !stale {
			out = append(out, st)
		}
	}
	return out
}

package clickhouse

import (
	"cmp"
	"context"
	"slices"
	"strings"

	"saima"
)

var problemStepColumns = []string{"problem_id", "step", "level", "date", "handler", "note",
	"upload_id", "version"}

func problemStepRows(steps []saima.ProblemStep, id string, v uint64) [][]any {
	out := make([][]any, len(steps))
	for i, st := range steps {
		out[i] = []any{st.ProblemID, st.Step, uint8(max(st.Level, 1)), st.Date, st.Handler, st.Note, id, v}
	}
	return out
}

// stepReplaceKey is the expression by which a row of problem_steps
// replaces another (see [replaceKey]). An escalation replaces its own
// record key, but a loop stage replaces that stage of the problem at
// every level. saima once stored a stage at two levels for one problem,
// and a correction of either copy must take both out of the current set.
var stepReplaceKey = "if(step = " + quote(saima.StepEscalate) + ", key_hash, cityHash64(problem_id, step))"

// ListProblemSteps returns every dated step of the problem loop, by
// problem and then in [saima.CompareSteps] order: by date, the steps of
// one day in loop order. A loop stage stored at several levels comes
// once, as [keepLatestStage] chooses.
func (s *Store) ListProblemSteps(ctx context.Context) ([]saima.ProblemStep, error) {
	q := "SELECT problem_id, step, toUInt32(level), date, handler, note, version FROM (" +
		latest("problem_steps", "problem_id, step, level, date, handler, note, version") +
		") ORDER BY problem_id, date, level, step"
	rows, err := s.query(ctx, q)
	if err != nil {
		return nil, err
	}
	var out []versionedStep
	err = scanAll(rows, func() error {
		var st versionedStep
		var level uint32
		err := rows.Scan(&st.ProblemID, &st.Step, &level, &st.Date, &st.Handler, &st.Note, &st.version)
		st.Level = int(level)
		out = append(out, st)
		return err
	})
	if err != nil {
		return nil, err
	}
	steps := keepLatestStage(out)
	// The loop order is Go's, so the query sorts only for a stable input.
	slices.SortStableFunc(steps, func(a, b saima.ProblemStep) int {
		return cmp.Or(strings.Compare(a.ProblemID, b.ProblemID), saima.CompareSteps(a, b))
	})
	return steps, nil
}

// versionedStep is a stored problem step with the version of its upload.
type versionedStep struct {
	saima.ProblemStep
	version uint64
}

// keepLatestStage returns steps, in their order, with each loop stage of
// a problem once: the copy of the latest upload, or the higher level when
// one upload wrote several. It lists the levels of the copies it drops in
// the kept one's StaleLevels. Escalations are all kept, one per level.
func keepLatestStage(steps []versionedStep) []saima.ProblemStep {
	type stage struct{ problem, step string }
	kept := map[stage]int{} // index into steps of the copy kept so far
	for i, st := range steps {
		if st.Step == saima.StepEscalate {
			continue
		}
		k := stage{st.ProblemID, st.Step}
		j, ok := kept[k]
		if !ok || cmp.Or(cmp.Compare(st.version, steps[j].version), cmp.Compare(st.Level, steps[j].Level)) > 0 {
			kept[k] = i
		}
	}
	for i, st := range steps {
		if j, ok := kept[stage{st.ProblemID, st.Step}]; ok && i != j {
			steps[j].StaleLevels = append(steps[j].StaleLevels, st.Level)
		}
	}

	out := make([]saima.ProblemStep, 0, len(steps))
	for i, st := range steps {
		if j, ok := kept[stage{st.ProblemID, st.Step}]; ok && i != j {
			continue
		}
		slices.Sort(st.StaleLevels)
		out = append(out, st.ProblemStep)
	}
	return out
}

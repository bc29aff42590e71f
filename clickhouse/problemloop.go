package clickhouse

import (
	"context"

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

// ListProblemSteps returns every dated step of the problem loop, by
// problem, date and level.
func (s *Store) ListProblemSteps(ctx context.Context) ([]saima.ProblemStep, error) {
	q := "SELECT problem_id, step, toUInt32(level), date, handler, note FROM (" +
		latest("problem_steps", "problem_id, step, level, date, handler, note") +
		") ORDER BY problem_id, date, level, step"
	rows, err := s.query(ctx, q)
	if err != nil {
		return nil, err
	}
	var out []saima.ProblemStep
	err = scanAll(rows, func() error {
		var st saima.ProblemStep
		var level uint32
		err := rows.Scan(&st.ProblemID, &st.Step, &level, &st.Date, &st.Handler, &st.Note)
		st.Level = int(level)
		out = append(out, st)
		return err
	})
	return out, err
}

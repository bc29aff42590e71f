package chtest

import (
	"context"
	"testing"
	"time"

	"saima"
	"saima/clickhouse"
)

// WriteLegacySteps writes steps as one successful upload named id, made
// at time at. It writes them as saima did before a loop stage replaced
// its copies at other levels: the rows and the upload record, with no
// entry in the superseded list. Tests use it to build a ledger that
// holds one loop stage at two levels.
//
// It supersedes nothing, so steps must not repeat a stored record key
// (problem, step, level). Their version is at in nanoseconds, so at must
// come before the uploads that are meant to replace them.
func WriteLegacySteps(tb testing.TB, s *clickhouse.Store, id string, at time.Time, steps ...saima.ProblemStep) {
	tb.Helper()
	ctx := context.Background()
	version := uint64(at.UnixNano())
	rows := make([][]any, len(steps))
	for i, st := range steps {
		rows[i] = []any{st.ProblemID, st.Step, uint8(st.Level), st.Date, st.Handler, st.Note, id, version}
	}
	columns := []string{"problem_id", "step", "level", "date", "handler", "note", "upload_id", "version"}
	if err := s.Engine().Insert(ctx, s.Database()+".problem_steps", columns, rows); err != nil {
		tb.Fatalf("insert legacy problem steps: %v", err)
	}

	upload := []any{id, saima.DatasetProblemSteps, "office", at, "steps.csv", uint32(len(steps)), uint32(len(steps)),
		saima.OutcomeOK, version, version}
	columns = []string{"id", "dataset", "uploader", "at", "file_name", "rows", "imported", "outcome", "version", "committed"}
	if err := s.Engine().Insert(ctx, s.Database()+".uploads", columns, [][]any{upload}); err != nil {
		tb.Fatalf("record legacy upload %s: %v", id, err)
	}
}

// ForgetRunUnranked rewrites every row of the score_runs table as saima
// wrote it before runs kept the units they left out of the ranking: the
// same runs, with none of the columns that list those units. Tests use it
// to build a ledger of runs stored before that change. It truncates the
// table, so s must not be on a cluster.
func ForgetRunUnranked(tb testing.TB, s *clickhouse.Store) {
	tb.Helper()
	ctx := context.Background()
	table := s.Database() + ".score_runs"
	runs, err := readScoreRuns(ctx, s.Engine(), table)
	if err != nil {
		tb.Fatalf("read score runs: %v", err)
	}
	if err := s.Engine().Exec(ctx, "TRUNCATE TABLE "+table); err != nil {
		tb.Fatalf("empty score runs: %v", err)
	}
	columns := []string{"period", "run_id", "computed_at", "scores", "recorded"}
	if err := s.Engine().Insert(ctx, table, columns, runs); err != nil {
		tb.Fatalf("write legacy score runs: %v", err)
	}
}

// readScoreRuns returns the rows of table, the score_runs table, with the
// columns that saima wrote before runs kept their unranked units.
func readScoreRuns(ctx context.Context, e clickhouse.Engine, table string) ([][]any, error) {
	rows, err := e.Query(ctx, "SELECT period, run_id, computed_at, scores, recorded FROM "+table)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var runs [][]any
	for rows.Next() {
		var period, runID string
		var at time.Time
		var scores uint32
		var recorded uint64
		if err := rows.Scan(&period, &runID, &at, &scores, &recorded); err != nil {
			return nil, err
		}
		runs = append(runs, []any{period, runID, at, scores, recorded})
	}
	return runs, rows.Err()
}

package clickhouse

import (
	"context"
	"fmt"

	"saima"
)

var scoreColumns = []string{"period", "track", "run_id", "computed_at", "ruleset", "ruleset_version",
	"unit", "value", "rank", "prev_rank", "c_indicator", "c_name", "c_raw", "c_missing", "c_score",
	"c_weight", "c_points"}

// SaveScores stores one scoring run. All scores must share a run ID; the
// run becomes the period's current result as a whole, because readers pick
// the latest run per period.
func (s *Store) SaveScores(ctx context.Context, scores []saima.Score) error {
	rows := make([][]any, len(scores))
	for i, sc := range scores {
		if sc.RunID != scores[0].RunID {
			return fmt.Errorf("save scores: mixed run ids %s and %s", scores[0].RunID, sc.RunID)
		}
		rows[i] = scoreRow(sc)
	}
	if len(rows) == 0 {
		return nil
	}
	return unavailable(s.engine.Insert(ctx, s.table("scores"), scoreColumns, rows))
}

func scoreRow(sc saima.Score) []any {
	n := len(sc.Contributions)
	ids, names := make([]string, n), make([]string, n)
	raw, score, weight, points := make([]float64, n), make([]float64, n), make([]float64, n), make([]float64, n)
	missing := make([]uint8, n)
	for i, c := range sc.Contributions {
		ids[i], names[i] = c.Indicator, c.Name
		raw[i], score[i], weight[i], points[i] = c.Raw, c.Score, c.Weight, c.Points
		if c.Missing {
			missing[i] = 1
		}
	}
	return []any{sc.Period.String(), sc.Track, sc.RunID, sc.ComputedAt, sc.RuleSet, sc.RuleSetVersion,
		sc.Unit, sc.Value, uint32(sc.Rank), uint32(sc.PrevRank), ids, names, raw,
		missing, score, weight, points}
}

const scoreFields = "period, track, run_id, computed_at, ruleset, ruleset_version, unit, value, rank, " +
	"prev_rank, c_indicator, c_name, arrayStringConcat(arrayMap(x -> toString(x), c_raw), ','), " +
	"arrayStringConcat(arrayMap(x -> toString(x), c_missing), ','), " +
	"arrayStringConcat(arrayMap(x -> toString(x), c_score), ','), " +
	"arrayStringConcat(arrayMap(x -> toString(x), c_weight), ','), " +
	"arrayStringConcat(arrayMap(x -> toString(x), c_points), ',')"

// latestRuns selects, per period, the run of its latest published
// evaluation, or the run computed last when none is published, so that the
// PDF and the unit pages show what the leaderboard shows. A published run's
// order key is 10^12 plus its version, so it outranks every draft and a
// later version outranks an earlier one. A draft's key is its time in
// seconds since 1970, far below 10^12.
const latestRuns = "(period, run_id) GLOBAL IN (SELECT period, argMax(run_id, rank_key) FROM (" +
	"SELECT period, run_id, toUInt64(1000000000000) + toUInt64(version) AS rank_key " +
	"FROM {db}.evaluations WHERE status = 'published' " +
	"UNION ALL SELECT period, run_id, toUInt64(computed_at) AS rank_key FROM {db}.scores" +
	") GROUP BY period)"

// ListScores returns the current run of period, all tracks, by track and
// rank.
func (s *Store) ListScores(ctx context.Context, period saima.Period) ([]saima.Score, error) {
	q := "SELECT " + scoreFields + " FROM {db}.scores WHERE period = ? AND " + latestRuns +
		" ORDER BY track, rank, unit"
	return s.listScores(ctx, q, period.String())
}

// ListUnitScores returns unit's score in every scored period, oldest first.
func (s *Store) ListUnitScores(ctx context.Context, unit string) ([]saima.Score, error) {
	q := "SELECT " + scoreFields + " FROM {db}.scores WHERE unit = ? AND " + latestRuns + " ORDER BY period"
	return s.listScores(ctx, q, unit)
}

// ListScorePeriods returns the periods that have scores, newest first.
func (s *Store) ListScorePeriods(ctx context.Context) ([]saima.Period, error) {
	rows, err := s.query(ctx, "SELECT DISTINCT period FROM {db}.scores ORDER BY period DESC")
	if err != nil {
		return nil, err
	}
	var out []saima.Period
	err = scanAll(rows, func() error {
		var p string
		if err := rows.Scan(&p); err != nil {
			return err
		}
		per, err := saima.ParsePeriod(p)
		out = append(out, per)
		return err
	})
	return out, err
}

func (s *Store) listScores(ctx context.Context, q string, args ...any) ([]saima.Score, error) {
	rows, err := s.query(ctx, q, args...)
	if err != nil {
		return nil, err
	}
	var out []saima.Score
	err = scanAll(rows, func() error {
		sc, err := scanScore(rows)
		out = append(out, sc)
		return err
	})
	return out, err
}

func scanScore(rows Rows) (saima.Score, error) {
	var sc saima.Score
	var period string
	var rank, prev uint32
	var ids, names []string
	var raw, missing, score, weight, points string
	err := rows.Scan(&period, &sc.Track, &sc.RunID, &sc.ComputedAt, &sc.RuleSet, &sc.RuleSetVersion,
		&sc.Unit, &sc.Value, &rank, &prev, &ids, &names, &raw, &missing, &score, &weight, &points)
	if err != nil {
		return sc, err
	}
	sc.Rank, sc.PrevRank = int(rank), int(prev)
	if sc.Period, err = saima.ParsePeriod(period); err != nil {
		return sc, err
	}
	cols, err := parseFloatLists(len(ids), raw, missing, score, weight, points)
	if err != nil {
		return sc, fmt.Errorf("score of %s: %w", sc.Unit, err)
	}
	for i := range ids {
		sc.Contributions = append(sc.Contributions, saima.Contribution{
			Indicator: ids[i], Name: names[i], Raw: cols[0][i], Missing: cols[1][i] != 0,
			Score: cols[2][i], Weight: cols[3][i], Points: cols[4][i],
		})
	}
	return sc, nil
}

package clickhouse

import (
	"context"
	"fmt"
	"strings"
	"time"

	"saima"
)

var scoreColumns = []string{"period", "track", "run_id", "computed_at", "ruleset", "ruleset_version",
	"unit", "value", "rank", "prev_rank", "c_indicator", "c_name", "c_raw", "c_missing", "c_score",
	"c_weight", "c_points"}

// SaveScores stores one scoring run: its scores, and unranked, the units
// of the roster it read that it left out of the ranking on purpose. All
// scores must share a run ID. It writes the scores and then one
// score_runs row per period, which contains unranked too. Readers pick
// runs from score_runs, so the run becomes the period's current result as
// a whole, or not at all when a write fails half way.
func (s *Store) SaveScores(ctx context.Context, scores []saima.Score, unranked []saima.Unit) error {
	rows := make([][]any, len(scores))
	type run struct {
		at     time.Time
		scores uint32
	}
	runs := map[string]*run{}
	var periods []string
	for i, sc := range scores {
		if sc.RunID != scores[0].RunID {
			return fmt.Errorf("save scores: mixed run ids %s and %s", scores[0].RunID, sc.RunID)
		}
		rows[i] = scoreRow(sc)
		p := sc.Period.String()
		if runs[p] == nil {
			runs[p] = &run{at: sc.ComputedAt}
			periods = append(periods, p)
		}
		runs[p].scores++
		if sc.ComputedAt.After(runs[p].at) {
			runs[p].at = sc.ComputedAt
		}
	}
	if len(rows) == 0 {
		return nil
	}
	if err := s.engine.Insert(ctx, s.table("scores"), scoreColumns, rows); err != nil {
		return unavailable(err)
	}
	names, kinds, reasons, causes := unrankedColumns(unranked)
	marks := make([][]any, len(periods))
	recorded := s.nextVersion(time.Now())
	for i, p := range periods {
		marks[i] = []any{p, scores[0].RunID, runs[p].at, runs[p].scores, recorded,
			uint8(1), names, kinds, reasons, causes}
	}
	return unavailable(s.engine.Insert(ctx, s.table("score_runs"), scoreRunColumns, marks))
}

var scoreRunColumns = []string{"period", "run_id", "computed_at", "scores", "recorded",
	"unranked_stored", "unranked_units", "unranked_kinds", "unranked_reasons", "unranked_causes"}

// The values of score_runs.unranked_causes: why a run left a unit out.
const (
	causeRoster = "roster"  // the roster keeps it out (赛道 不参与排名)
	causeNoData = "no data" // it had no value for any indicator
)

// legacyNoDataSuffix ends the reason of each no-data unit in a row written
// before unranked_causes. Such a row is read by this text, as before.
//
// NOTE: in those rows a roster reason that ends with these words still
// reads as no data, because the text is all they contain.
const legacyNoDataSuffix = "不按缺失值补分排名"

// unrankedColumns returns the names, kinds, reasons and causes of units
// for the array columns of score_runs, never nil.
func unrankedColumns(units []saima.Unit) (names, kinds, reasons, causes []string) {
	names, kinds, reasons, causes = []string{}, []string{}, []string{}, []string{}
	for _, u := range units {
		names = append(names, u.Name)
		kinds = append(kinds, u.Kind)
		reasons = append(reasons, u.UnrankedReason)
		causes = append(causes, causeRoster)
		if u.UnrankedNoData {
			causes[len(causes)-1] = causeNoData
		}
	}
	return names, kinds, reasons, causes
}

// ListRunUnranked returns the units that the stored run runID of period
// left out of the ranking on purpose, as SaveScores stored them, with
// their Track set to [saima.TrackUnranked]. stored is false, and units
// nil, for a run stored before runs kept that list, and for a period
// without such a run.
func (s *Store) ListRunUnranked(
	ctx context.Context, period saima.Period, runID string,
) (units []saima.Unit, stored bool, err error) {
	// A run has one row per period, and LIMIT 1 only guards against a
	// row that was written twice.
	q := "SELECT unranked_stored, unranked_units, unranked_kinds, unranked_reasons, unranked_causes " +
		"FROM {db}.score_runs " +
		"WHERE period = ? AND run_id = ? ORDER BY unranked_stored DESC LIMIT 1"
	rows, err := s.query(ctx, q, period.String(), runID)
	if err != nil {
		return nil, false, err
	}
	err = scanAll(rows, func() error {
		var flag uint8
		var names, kinds, reasons, causes []string
		if err := rows.Scan(&flag, &names, &kinds, &reasons, &causes); err != nil {
			return err
		}
		if len(kinds) != len(names) || len(reasons) != len(names) ||
			(len(causes) != len(names) && len(causes) != 0) {
			return fmt.Errorf("run %s of %s: %d unranked units with %d kinds, %d reasons and %d causes",
				runID, period, len(names), len(kinds), len(reasons), len(causes))
		}
		stored = flag == 1
		for i, name := range names {
			u := saima.Unit{Name: name, Kind: kinds[i], Track: saima.TrackUnranked, UnrankedReason: reasons[i]}
			if len(causes) == 0 {
				// A run stored before unranked_causes.
				u.UnrankedNoData = strings.HasSuffix(u.UnrankedReason, legacyNoDataSuffix)
			} else {
				u.UnrankedNoData = causes[i] == causeNoData
			}
			units = append(units, u)
		}
		return nil
	})
	if err != nil {
		return nil, false, fmt.Errorf("list unranked units of run %s: %w", runID, err)
	}
	return units, stored, nil
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
// evaluation, or the whole run saved last when none is published, so that
// the PDF and the unit pages show what the leaderboard shows. Runs compare
// by a tuple: a published run's starts with 1 and goes on with its
// version, so it outranks every draft and a later version outranks an
// earlier one. A draft's starts with 0 and goes on with its time in whole
// seconds and then the store version at which it was saved, which orders
// two drafts of one second.
const latestRuns = "(period, run_id) GLOBAL IN (SELECT period, argMax(run_id, (kind, at, seq)) FROM (" +
	"SELECT period, run_id, toUInt8(1) AS kind, toUInt64(version) AS at, toUInt64(0) AS seq " +
	"FROM {db}.evaluations WHERE status = 'published' " +
	"UNION ALL SELECT period, run_id, toUInt8(0) AS kind, toUInt64(computed_at) AS at, recorded AS seq " +
	"FROM {db}.score_runs) GROUP BY period)"

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
	return s.listPeriods(ctx, "SELECT DISTINCT period FROM {db}.score_runs ORDER BY period DESC")
}

// listPeriods runs q, whose one column is a period, and parses its rows.
func (s *Store) listPeriods(ctx context.Context, q string) ([]saima.Period, error) {
	rows, err := s.query(ctx, q)
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

// ensureScoreRuns lists in score_runs every run of the scores table when
// score_runs is empty but the scores are not: the first start after the
// schema file of score_runs was applied to a ledger with scores.
func (s *Store) ensureScoreRuns(ctx context.Context) error {
	needed, err := s.needsBackfill(ctx, "score_runs", "scores")
	if err != nil || !needed {
		return err
	}
	s.log.Info("listing the stored scoring runs", "database", s.database)
	q := "INSERT INTO {db}.score_runs (period, run_id, computed_at, scores) " +
		"SELECT period, run_id, max(computed_at), toUInt32(count()) FROM {db}.scores GROUP BY period, run_id"
	if err := s.engine.Exec(ctx, s.sql(q)); err != nil {
		return fmt.Errorf("list score runs: %w", err)
	}
	return nil
}

package clickhouse

import (
	"context"
	"fmt"
	"time"

	"saima"
	"saima/scoring"
)

// Snapshot returns a reader of the ledger as of version, for
// [scoring.Service]: it is [Store.AsOf] behind the scoring interface.
func (s *Store) Snapshot(version uint64) scoring.Snapshot { return s.AsOf(version) }

// ListRunScores returns the scores of one stored run of period, by track,
// rank and unit.
func (s *Store) ListRunScores(
	ctx context.Context, period saima.Period, runID string,
) ([]saima.Score, error) {
	q := "SELECT " + scoreFields + " FROM {db}.scores WHERE period = ? AND run_id = ? " +
		"ORDER BY track, rank, unit"
	return s.listScores(ctx, q, period.String(), runID)
}

var evaluationColumns = []string{"period", "version", "run_id", "ruleset", "ruleset_version",
	"ruleset_yaml", "data_as_of", "status", "created_at", "created_by", "published_at",
	"published_by", "note", "recorded", "facts_revision"}

// unpublished is the published_at value of a draft, the Unix epoch,
// because DateTime has no empty value and the epoch is its smallest.
var unpublished = time.Unix(0, 0)

// SaveEvaluation stores the unit results of ev's run and then ev itself, so
// that a reader who finds the record also finds its results.
func (s *Store) SaveEvaluation(
	ctx context.Context, ev scoring.Evaluation, results []scoring.UnitResult,
) error {
	if ev.RunID == "" || ev.Period.IsZero() {
		return fmt.Errorf("save evaluation: period and run id are required")
	}
	if err := s.saveUnitResults(ctx, ev, results); err != nil {
		return err
	}
	published := ev.PublishedAt
	if published.IsZero() {
		published = unpublished
	}
	row := []any{ev.Period.String(), uint32(ev.Version), ev.RunID, ev.RuleSet, ev.RuleSetVersion,
		ev.RuleSetText, ev.DataAsOf, ev.Status, ev.CreatedAt, ev.CreatedBy, published, ev.PublishedBy,
		ev.Note, ev.Recorded, uint32(ev.FactsRevision)}
	err := s.engine.Insert(ctx, s.table("evaluations"), evaluationColumns, [][]any{row})
	return s.settleInsert(ctx, err, "evaluations", "period = ? AND run_id = ? AND recorded = ?",
		ev.Period.String(), ev.RunID, ev.Recorded)
}

var unitResultColumns = []string{"period", "run_id", "track", "unit", "base", "bonus", "penalty",
	"failed", "stopped", "vetoes", "grade", "lists", "robust", "rank_nominal", "rank_median",
	"rank_q05", "rank_q95", "rank_mean_shift"}

func (s *Store) saveUnitResults(
	ctx context.Context, ev scoring.Evaluation, results []scoring.UnitResult,
) error {
	if len(results) == 0 {
		return nil
	}
	rows := make([][]any, len(results))
	for i, r := range results {
		robust := r.Robust
		if robust == nil {
			robust = &scoring.RankStats{}
		}
		rows[i] = []any{ev.Period.String(), ev.RunID, r.Track, r.Unit, r.Base, r.Bonus, r.Penalty,
			r.Failed, r.Stopped, nonNil(r.Vetoes), r.Grade, nonNil(r.Lists), r.Robust != nil,
			uint32(robust.Nominal), robust.Median, robust.Q05, robust.Q95, robust.MeanShift}
	}
	err := s.engine.Insert(ctx, s.table("evaluation_units"), unitResultColumns, rows)
	if err != nil {
		return unavailable(fmt.Errorf("insert evaluation_units: %w", err))
	}
	return nil
}

func nonNil(xs []string) []string {
	if xs == nil {
		return []string{}
	}
	return xs
}

const evaluationFields = "period, version, run_id, ruleset, ruleset_version, ruleset_yaml, " +
	"data_as_of, status, created_at, created_by, published_at, published_by, note, recorded, facts_revision"

// ListEvaluations returns period's evaluation records, oldest first.
func (s *Store) ListEvaluations(
	ctx context.Context, period saima.Period,
) ([]scoring.Evaluation, error) {
	q := "SELECT " + evaluationFields + " FROM {db}.evaluations WHERE period = ? " +
		"ORDER BY recorded, run_id"
	rows, err := s.query(ctx, q, period.String())
	if err != nil {
		return nil, err
	}
	var out []scoring.Evaluation
	err = scanAll(rows, func() error {
		ev, err := scanEvaluation(rows)
		out = append(out, ev)
		return err
	})
	return out, err
}

func scanEvaluation(rows Rows) (scoring.Evaluation, error) {
	var ev scoring.Evaluation
	var period string
	var version uint32
	var revision uint32
	err := rows.Scan(&period, &version, &ev.RunID, &ev.RuleSet, &ev.RuleSetVersion, &ev.RuleSetText,
		&ev.DataAsOf, &ev.Status, &ev.CreatedAt, &ev.CreatedBy, &ev.PublishedAt, &ev.PublishedBy,
		&ev.Note, &ev.Recorded, &revision)
	if err != nil {
		return ev, err
	}
	ev.Version, ev.FactsRevision = int(version), int(revision)
	if ev.PublishedAt.Equal(unpublished) {
		ev.PublishedAt = time.Time{}
	}
	ev.Period, err = saima.ParsePeriod(period)
	return ev, err
}

const unitResultFields = "track, unit, base, bonus, penalty, failed, stopped, vetoes, grade, " +
	"lists, robust, rank_nominal, rank_median, rank_q05, rank_q95, rank_mean_shift"

// ListUnitResults returns the stored unit results of one run of period, by
// track and unit.
func (s *Store) ListUnitResults(
	ctx context.Context, period saima.Period, runID string,
) ([]scoring.UnitResult, error) {
	q := "SELECT " + unitResultFields + " FROM {db}.evaluation_units WHERE period = ? AND run_id = ? " +
		"ORDER BY track, unit"
	rows, err := s.query(ctx, q, period.String(), runID)
	if err != nil {
		return nil, err
	}
	var out []scoring.UnitResult
	err = scanAll(rows, func() error {
		r, err := scanUnitResult(rows)
		out = append(out, r)
		return err
	})
	return out, err
}

func scanUnitResult(rows Rows) (scoring.UnitResult, error) {
	var r scoring.UnitResult
	var robust bool
	var nominal uint32
	var st scoring.RankStats
	err := rows.Scan(&r.Track, &r.Unit, &r.Base, &r.Bonus, &r.Penalty, &r.Failed, &r.Stopped, &r.Vetoes,
		&r.Grade, &r.Lists, &robust, &nominal, &st.Median, &st.Q05, &st.Q95, &st.MeanShift)
	if robust {
		st.Unit, st.Track, st.Nominal = r.Unit, r.Track, int(nominal)
		r.Robust = &st
	}
	if len(r.Vetoes) == 0 {
		r.Vetoes = nil
	}
	if len(r.Lists) == 0 {
		r.Lists = nil
	}
	return r, err
}

var overrideColumns = []string{"period", "unit", "indicator", "value", "who", "why", "at", "version", "withdrawn"}

// SaveOverride appends o to the overrides of its period.
func (s *Store) SaveOverride(ctx context.Context, o scoring.Override) error {
	if o.Period.IsZero() || o.Unit == "" || o.Version == 0 {
		return fmt.Errorf("save override: period, unit and version are required")
	}
	row := []any{o.Period.String(), o.Unit, o.Indicator, o.Value, o.By, o.Why, o.At, o.Version, boolByte(o.Withdrawn)}
	return unavailable(s.engine.Insert(ctx, s.table("overrides"), overrideColumns, [][]any{row}))
}

// ListPublishedPeriods returns the periods with at least one published
// evaluation, oldest first.
func (s *Store) ListPublishedPeriods(ctx context.Context) ([]saima.Period, error) {
	return s.listPeriods(ctx, "SELECT DISTINCT period FROM {db}.evaluations WHERE status = 'published' ORDER BY period")
}

// ListOverrides returns every override recorded for period, oldest first,
// withdrawals included.
func (s *Store) ListOverrides(ctx context.Context, period saima.Period) ([]scoring.Override, error) {
	q := "SELECT period, unit, indicator, value, who, why, at, version, withdrawn FROM {db}.overrides " +
		"WHERE period = ? ORDER BY version, unit, indicator"
	rows, err := s.query(ctx, q, period.String())
	if err != nil {
		return nil, err
	}
	var out []scoring.Override
	err = scanAll(rows, func() error {
		var o scoring.Override
		var p string
		var withdrawn uint8
		err := rows.Scan(&p, &o.Unit, &o.Indicator, &o.Value, &o.By, &o.Why, &o.At, &o.Version, &withdrawn)
		o.Withdrawn = withdrawn != 0
		if err == nil {
			o.Period, err = saima.ParsePeriod(p)
		}
		out = append(out, o)
		return err
	})
	return out, err
}

// boolByte is b as a UInt8 column stores it.
func boolByte(b bool) uint8 {
	if b {
		return 1
	}
	return 0
}

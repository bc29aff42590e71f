package scoring

import (
	"cmp"
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"time"

	"github.com/samber/lo"

	"saima"
)

// Store is what a scoring run reads and writes. clickhouse.Store
// implements it.
type Store interface {
	ListUnits(ctx context.Context) ([]saima.Unit, error)
	Facts(ctx context.Context, period saima.Period) ([]UnitFacts, error)
	ListScores(ctx context.Context, period saima.Period) ([]saima.Score, error)
	// SaveScores stores a run's scores with unranked, the units of the
	// roster that it left out of the ranking on purpose.
	SaveScores(ctx context.Context, scores []saima.Score, unranked []saima.Unit) error
}

// Run scores period under rs with the store's current data, stores the
// result as a new run and returns it. The previous period's current run
// supplies the movement. It stores nothing and returns an error when
// period is not a quarter that has begun at now, or when no unit has data
// for period ([ErrNoData]). It also fails, with kind saima.KindInvalid,
// when a unit's track is not in rs, so that no unit drops out of a
// ranking unseen, and when rs reads a declared input, which the store's
// facts never supply. Units of track [saima.TrackUnranked] are left out,
// and so are the units without a value for any indicator of rs (see
// [leaveOutNoData]). The run stores both with its scores.
func Run(ctx context.Context, st Store, rs *RuleSet, period saima.Period, now time.Time) ([]saima.Score, error) {
	if err := CheckRunPeriod(period, now); err != nil {
		return nil, err
	}
	if err := checkLedgerInputs(rs); err != nil {
		return nil, err
	}
	units, err := st.ListUnits(ctx)
	if err != nil {
		return nil, err
	}
	facts, err := st.Facts(ctx, period)
	if err != nil {
		return nil, err
	}
	facts = factsOfRevision(factsOf(units, facts), FactsRevision)
	if !hasData(rs, lo.Map(facts, func(f UnitFacts, _ int) Record { return f.Record() })) {
		return nil, noData(rs, period, facts)
	}
	prev, err := previousRanks(ctx, st, period)
	if err != nil {
		return nil, err
	}

	ranked, _, unranked := rankedUnits(rs, units)
	_, unmeasured := leaveOutNoData(rs, period, ranked, lo.Map(facts, func(f UnitFacts, _ int) Record { return f.Record() }), nil)
	left := lo.SliceToMap(unmeasured, func(u saima.Unit) (string, bool) { return u.Name, true })
	units = lo.Reject(units, func(u saima.Unit, _ int) bool { return left[u.Name] })
	facts = lo.Reject(facts, func(f UnitFacts, _ int) bool { return left[f.Unit] })

	scores, err := Evaluate(rs, period, units, facts, prev)
	if err != nil {
		return nil, err
	}
	id := newRunID(now)
	for i := range scores {
		scores[i].RunID, scores[i].ComputedAt = id, now
	}
	if err := st.SaveScores(ctx, scores, append(unranked, unmeasured...)); err != nil {
		return nil, fmt.Errorf("save scores of %s: %w", period, err)
	}
	return scores, nil
}

// rankedUnits splits units into those whose track rs has, those whose
// track it lacks, and those kept out of the ranking on purpose
// ([saima.Unit.Ranked]).
func rankedUnits(rs *RuleSet, units []saima.Unit) (ranked, unknownTrack, unranked []saima.Unit) {
	for _, u := range units {
		if !u.Ranked() {
			unranked = append(unranked, u)
			continue
		}
		if _, ok := rs.Track(cmp.Or(u.Track, u.Kind)); ok {
			ranked = append(ranked, u)
		} else {
			unknownTrack = append(unknownTrack, u)
		}
	}
	return ranked, unknownTrack, unranked
}

// factsOf drops facts of units that are not ranked, such as data filed
// under a unit that left the roster.
func factsOf(units []saima.Unit, facts []UnitFacts) []UnitFacts {
	known := lo.SliceToMap(units, func(u saima.Unit) (string, bool) { return u.Name, true })
	return lo.Filter(facts, func(f UnitFacts, _ int) bool { return known[f.Unit] })
}

func previousRanks(ctx context.Context, st Store, period saima.Period) (map[string]int, error) {
	prev, err := st.ListScores(ctx, period.Prev())
	if err != nil {
		return nil, err
	}
	return lo.SliceToMap(prev, func(s saima.Score) (string, int) { return s.Unit, s.Rank }), nil
}

func newRunID(now time.Time) string {
	var b [4]byte
	rand.Read(b[:])
	return now.In(saima.Beijing).Format("20060102T150405") + "-" + hex.EncodeToString(b[:])
}

package scoring

import (
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"testing"

	"saima"
)

// mixedRules has a node of every kind: points weights under a varied
// aggregate, entropy weights, TOPSIS with an indicator no unit has, a sum
// node with full marks, AHP weights, an indicator scored by a points rule,
// and every adjustment. Track t2 sets the weight of quality to 2 points,
// down from 30.
var mixedRules = fmt.Sprintf(`name: 混合
tracks: [{name: %s}, {name: t2, weights: {quality: 2}}]
inputs: [a, b, c, d, e, f, g, h, i, j, k, late, extra, fine, capped, stop]
fail_below: 50
bonus:
  above: 40
  cap: 3
  items: [{id: extra, name: 加分, source: extra, points: 1}]
penalties:
  - {id: fine, name: 扣分, source: fine, points: 2, every: 1}
vetoes:
  - {id: capped, name: 限分, source: capped, action: score, score: 35}
  - {id: stop, name: 否决, source: stop, action: fail}
groups:
  - {id: delivery, name: 推进, weight: 40}
  - {id: quality, name: 质量, weight: 30, weighting: entropy}
  - {id: closeness, name: 贴近度, weight: 20, aggregate: topsis}
  - {id: checks, name: 检查, weight: 10, aggregate: sum}
  - id: judged
    name: 判断
    weight: 10
    weighting: ahp
    ahp: {order: [j, i], matrix: [[1, 3], [0.3333333333, 1]]}
indicators:
  - {id: a, name: a, source: a, parent: delivery, weight: 2, normalise: {method: minmax, range: [1, 100]}}
  - {id: b, name: b, source: b, parent: delivery, weight: 1, not_applicable: rescale, normalise: {method: none}}
  - {id: late, name: late, source: late, parent: delivery, weight: 1, direction: lower, normalise: {method: threshold, target: 0, per: 10}}
  - {id: c, name: c, source: c, parent: quality, normalise: {method: zscore, mean: 50, sd: 10}}
  - {id: d, name: d, source: d, parent: quality, normalise: {method: minmax, range: [1, 100]}}
  - {id: e, name: e, source: e, parent: closeness, weight: 1, normalise: {method: minmax, range: [1, 100]}}
  - {id: f, name: f, source: f, parent: closeness, weight: 2, normalise: {method: minmax, range: [1, 100]}}
  - {id: k, name: k, source: k, parent: closeness, weight: 1, normalise: {method: minmax}}
  - {id: g, name: g, source: g, parent: checks, weight: 1, full: 60, normalise: {method: none}}
  - {id: h, name: h, source: h, parent: checks, weight: 1, full: 40, not_applicable: rescale, normalise: {method: none}}
  - {id: i, name: i, source: i, parent: judged, normalise: {method: minmax, range: [1, 100]}}
  - {id: j, name: j, source: j, parent: judged, normalise: {method: minmax, range: [1, 100]}}
robustness:
  draws: 300
  seed: 11
  weight_noise: 0.3
  normalisers: [{method: rank}, {method: minmax, range: [0, 100]}]
  aggregates: [arithmetic, geometric, harmonic]
`, unitTrack)

// mixedRecords returns 14 units for mixedRules, eight in track t and six
// in t2, with values drawn from a fixed seed. Indicator k has no value, b
// and h do not apply to some units in t, b has values at and below 0, and
// some units earn a bonus (some above its cap), a penalty or a veto.
func mixedRecords() ([]saima.Unit, []Record) {
	rng := rand.New(rand.NewPCG(5, 6))
	var units []saima.Unit
	var records []Record
	for i := range 14 {
		track := unitTrack
		if i >= 8 {
			track = "t2"
		}
		r := Record{Unit: fmt.Sprintf("u%02d", i), Values: map[string]float64{}}
		for _, k := range []string{"a", "c", "d", "e", "f", "g", "h", "i", "j"} {
			r.Values[k] = rng.Float64() * 100
		}
		r.Values["b"] = float64(i%5) - 1 // −1 to 3, so geometric and harmonic means meet 0
		r.Values["late"] = float64(i % 3)
		if i%4 == 1 {
			delete(r.Values, "c") // missing: scored at the track mean
		}
		if track == unitTrack && i%3 == 0 {
			r.NotApplicable = []string{"b", "h"}
		}
		r.Values["extra"] = float64(i % 6) // above the cap of 3 for some units
		r.Values["fine"] = float64(i % 3)
		if i == 2 || i == 9 {
			r.Values["capped"] = 1
		}
		if i == 5 {
			r.Values["stop"] = 1
		}
		units = append(units, saima.Unit{Name: r.Unit, Track: track})
		records = append(records, r)
	}
	return units, records
}

// referenceDraw scores one track under v through the general path that
// evaluation uses and returns the aggregation, the rank keys and the
// competition ranks.
func referenceDraw(rs *RuleSet, in *trackInput, v *variant) (*aggregation, []float64, []int) {
	agg := rs.tree.aggregate(in, rs.scoreLeaves(in, v), v, false)
	keys := make([]float64, len(in.units))
	for u := range in.units {
		r := Result{Base: agg.values[0][u]}
		rs.Adjustments.adjust(&r, in.records[u].Values)
		keys[u] = r.rankKey(rs.Adjustments.RankPlaces)
	}
	return agg, keys, ranksOfKeys(keys)
}

// sameFloat reports whether a and b have the same bits, or are both NaN.
func sameFloat(a, b float64) bool {
	return math.Float64bits(a) == math.Float64bits(b) || (math.IsNaN(a) && math.IsNaN(b))
}

// checkDraw compares d's current draw with referenceDraw bit for bit.
func checkDraw(tb testing.TB, d *trackDraws, draw int) {
	tb.Helper()
	ranks := slices.Clone(d.rank())
	agg, keys, want := referenceDraw(d.rs, d.in, &d.v)
	for _, n := range d.rs.tree.order {
		for u := range d.in.units {
			got, ex := d.agg.values[n][u], d.agg.excluded[n][u]
			if !sameFloat(got, agg.values[n][u]) || ex != agg.excluded[n][u] {
				tb.Fatalf("draw %d, node %d, unit %s: value %v excluded %v, want %v excluded %v",
					draw, n, d.in.units[u], got, ex, agg.values[n][u], agg.excluded[n][u])
			}
		}
	}
	for u := range d.in.units {
		if !sameFloat(d.keys[u], keys[u]) {
			tb.Fatalf("draw %d, unit %s: rank key %v, want %v",
				draw, d.in.units[u], d.keys[u], keys[u])
		}
	}
	if !slices.Equal(ranks, want) {
		tb.Fatalf("draw %d: ranks %v, want %v", draw, ranks, want)
	}
}

func TestTrackDrawsMatchAggregate(t *testing.T) {
	benchRules, benchUnits, benchRecords := benchmarkTrack(t)
	meta, asem := asemRecords(t)
	mixedUnits, mixed := mixedRecords()
	mixedRS := mustParse(t, mixedRules)
	asemRules := mustParse(t, treeRules(meta, "{method: minmax, range: [1, 100]}", AggArithmetic))
	tests := []struct {
		name    string
		rs      *RuleSet
		cfg     Robustness
		units   []saima.Unit
		records []Record
	}{
		{"Benchmark", benchRules, *benchRules.Robustness, benchUnits, benchRecords},
		{
			"ASEM", asemRules,
			Robustness{
				Draws: 100, Seed: 4, WeightNoise: 0.25,
				Normalisers: []Normaliser{
					{Method: NormMinMax, Range: []float64{1, 100}}, {Method: NormRank},
				},
				Aggregates: []string{AggArithmetic, AggGeometric, AggHarmonic},
			},
			unitsOf(asem), asem,
		},
		{"Mixed", mixedRS, *mixedRS.Robustness, mixedUnits, mixed},
		{"MixedWithoutChanges", mixedRS, Robustness{Draws: 3}, mixedUnits, mixed},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			inputs, problems := groupTracks(tt.rs, tt.units, tt.records)
			if len(problems) > 0 {
				t.Fatalf("groupTracks: %v", problems)
			}
			cfg := tt.cfg
			cfg.Normalisers = slices.Clone(cfg.Normalisers)
			for i := range cfg.Normalisers {
				cfg.Normalisers[i].setDefaults()
			}
			rng := rand.New(rand.NewPCG(cfg.Seed, 1))
			for _, in := range inputs {
				d := newTrackDraws(tt.rs, in, cfg)
				for draw := range cfg.Draws {
					d.draw(&cfg, rng)
					checkDraw(t, d, draw)
				}
			}
		})
	}
}

func TestUnitAdjustmentRankKey(t *testing.T) {
	for _, rules := range []string{mixedRules, mixedRules + "rank_places: 1\n"} {
		rs := mustParse(t, rules)
		name := "full precision"
		if rs.Adjustments.RankPlaces != nil {
			name = "rank_places 1"
		}
		t.Run(name, func(t *testing.T) { checkUnitAdjustmentRankKey(t, rs) })
	}
}

func checkUnitAdjustmentRankKey(t *testing.T, rs *RuleSet) {
	_, records := mixedRecords()
	prepared := rs.Adjustments.prepare(records)
	bases := []float64{math.Inf(-1), -5, 0, 35, 39.5, 40, 40.001, 49.999, 50, 60, 97.25, 97.34, 100, math.NaN()}
	for u, rec := range records {
		t.Run(rec.Unit, func(t *testing.T) {
			for _, base := range bases {
				r := Result{Base: base}
				rs.Adjustments.adjust(&r, rec.Values)
				if got, want := prepared[u].rankKey(base), r.rankKey(rs.Adjustments.RankPlaces); !sameFloat(got, want) {
					t.Errorf("rankKey(%v) = %v, want %v as adjust gives", base, got, want)
				}
			}
		})
	}
}

// TestAnalyseMixedPinned pins the stats of mixedRules' own robustness
// section. They change when a draw takes other numbers from the seed, or
// takes them in another order.
func TestAnalyseMixedPinned(t *testing.T) {
	rs := mustParse(t, mixedRules)
	units, records := mixedRecords()
	got, err := Analyse(rs, *rs.Robustness, units, records)
	if err != nil {
		t.Fatalf("Analyse: %v", err)
	}
	want := []RankStats{
		{Unit: "u00", Track: "t", Nominal: 1, Median: 2, Q05: 1, Q95: 3, MeanShift: 0.86},
		{Unit: "u06", Track: "t", Nominal: 2, Median: 1, Q05: 1, Q95: 2, MeanShift: 0.5333333333333333},
		{Unit: "u03", Track: "t", Nominal: 3, Median: 3, Q05: 2, Q95: 5, MeanShift: 0.6333333333333333},
		{Unit: "u07", Track: "t", Nominal: 4, Median: 4, Q05: 3.950000000000001, Q95: 5, MeanShift: 0.27},
		{Unit: "u04", Track: "t", Nominal: 5, Median: 4, Q05: 4, Q95: 6, MeanShift: 0.7866666666666666},
		{Unit: "u02", Track: "t", Nominal: 6, Median: 7, Q05: 3, Q95: 7, MeanShift: 1.1866666666666668},
		{Unit: "u01", Track: "t", Nominal: 7, Median: 6, Q05: 4, Q95: 7, MeanShift: 1.39},
		{Unit: "u05", Track: "t", Nominal: 8, Median: 8, Q05: 8, Q95: 8, MeanShift: 0}, // stopped by a veto
		{Unit: "u11", Track: "t2", Nominal: 1, Median: 4, Q05: 2, Q95: 6, MeanShift: 2.79},
		{Unit: "u12", Track: "t2", Nominal: 2, Median: 1, Q05: 1, Q95: 3, MeanShift: 0.81},
		{Unit: "u08", Track: "t2", Nominal: 3, Median: 3, Q05: 1, Q95: 6, MeanShift: 1.21},
		{Unit: "u10", Track: "t2", Nominal: 4, Median: 4, Q05: 4, Q95: 5, MeanShift: 0.43666666666666665},
		{Unit: "u09", Track: "t2", Nominal: 5, Median: 2, Q05: 1, Q95: 6, MeanShift: 2.48},
		{Unit: "u13", Track: "t2", Nominal: 6, Median: 4, Q05: 4, Q95: 6, MeanShift: 1.4033333333333333},
	}
	if len(got) != len(want) {
		t.Fatalf("Analyse returned %d stats, want %d", len(got), len(want))
	}
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("stats[%d] = %+v, want %+v", i, got[i], want[i])
		}
	}
}

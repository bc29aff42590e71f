package scoring

import (
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"testing"

	"saima"
)

func unitsOf(records []Record) []saima.Unit {
	units := make([]saima.Unit, len(records))
	for i, r := range records {
		units[i] = saima.Unit{Name: r.Unit, Track: unitTrack}
	}
	return units
}

func asemRecords(tb testing.TB) ([]metaRow, []Record) {
	tb.Helper()
	meta := readMeta(tb, "coinr_asem_meta.csv")
	var codes []string
	for _, m := range meta {
		if m.level == 1 {
			codes = append(codes, m.code)
		}
	}
	return meta, wideRecords(tb, readTable(tb, "coinr_asem_treated_input.csv"), "uCode", codes)
}

func TestAnalyseWithoutChangesKeepsNominal(t *testing.T) {
	meta, records := asemRecords(t)
	rs := mustParse(t, treeRules(meta, "{method: minmax}", AggArithmetic))
	stats, err := Analyse(rs, Robustness{Draws: 20, Seed: 1}, unitsOf(records), records)
	if err != nil {
		t.Fatalf("Analyse: %v", err)
	}
	if len(stats) != 51 {
		t.Fatalf("Analyse returned %d stats, want 51", len(stats))
	}
	for _, s := range stats {
		n := float64(s.Nominal)
		if s.Median != n || s.Q05 != n || s.Q95 != n || s.MeanShift != 0 {
			t.Errorf("%s: median %v, 5–95 %% [%v, %v], shift %v; want all at rank %d and no shift",
				s.Unit, s.Median, s.Q05, s.Q95, s.MeanShift, s.Nominal)
		}
	}
}

// TestAnalyseGeometricShift checks the published mean rank shift of 2.86
// (largest 18) between arithmetic and geometric aggregation of ASEM.
func TestAnalyseGeometricShift(t *testing.T) {
	meta, records := asemRecords(t)
	rs := mustParse(t, treeRules(meta, "{method: minmax, range: [1, 100]}", AggArithmetic))
	stats, err := Analyse(rs, Robustness{Draws: 1, Aggregates: []string{AggGeometric}}, unitsOf(records), records)
	if err != nil {
		t.Fatalf("Analyse: %v", err)
	}
	total, largest := 0.0, 0.0
	for _, s := range stats {
		total += s.MeanShift
		largest = max(largest, s.MeanShift)
	}
	if mean := total / float64(len(stats)); math.Abs(mean-2.86) > 0.005 {
		t.Errorf("mean rank shift = %.4f, want 2.86", mean)
	}
	if largest != 18 {
		t.Errorf("largest rank shift = %v, want 18", largest)
	}
}

func TestAnalyseSeeded(t *testing.T) {
	meta, records := asemRecords(t)
	rs := mustParse(t, treeRules(meta, "{method: minmax, range: [1, 100]}", AggArithmetic))
	cfg := func(seed uint64) Robustness {
		return Robustness{
			Draws: 200, Seed: seed, WeightNoise: 0.25,
			Normalisers: []Normaliser{{Method: NormMinMax, Range: []float64{1, 100}}, {Method: NormRank}},
			Aggregates:  []string{AggArithmetic, AggGeometric},
		}
	}
	run := func(seed uint64) []RankStats {
		stats, err := Analyse(rs, cfg(seed), unitsOf(records), records)
		if err != nil {
			t.Fatalf("Analyse: %v", err)
		}
		return stats
	}

	a, b, c := run(7), run(7), run(8)
	if !slices.Equal(a, b) {
		t.Errorf("Analyse with seed 7 twice gave different stats")
	}
	if slices.Equal(a, c) {
		t.Errorf("Analyse with seeds 7 and 8 gave the same stats, want them to differ")
	}
	for _, s := range a {
		if s.Q05 > s.Median || s.Median > s.Q95 || s.Q05 < 1 || s.Q95 > 51 {
			t.Errorf("%s: 5 %% %v, median %v, 95 %% %v; want 1 ≤ Q05 ≤ median ≤ Q95 ≤ 51", s.Unit, s.Q05, s.Median, s.Q95)
		}
	}
}

func TestAnalyseDominantUnitStaysFirst(t *testing.T) {
	rules := fmt.Sprintf(`name: 稳健性
tracks: [{name: %s}]
inputs: [a, b, c]
indicators:
  - {id: a, name: 甲, source: a, weight: 50, normalise: {method: minmax, range: [1, 100]}}
  - {id: b, name: 乙, source: b, weight: 30, normalise: {method: minmax, range: [1, 100]}}
  - {id: c, name: 丙, source: c, weight: 20, normalise: {method: minmax, range: [1, 100]}}
robustness:
  draws: 500
  seed: 3
  weight_noise: 0.5
  normalisers: [{method: rank}, {method: zscore, mean: 50, sd: 10}]
  aggregates: [arithmetic, harmonic]
`, unitTrack)
	rs := mustParse(t, rules)
	records := []Record{
		{Unit: "best", Values: map[string]float64{"a": 10, "b": 10, "c": 10}},
		{Unit: "x", Values: map[string]float64{"a": 5, "b": 1, "c": 3}},
		{Unit: "y", Values: map[string]float64{"a": 1, "b": 5, "c": 2}},
		{Unit: "z", Values: map[string]float64{"a": 3, "b": 3, "c": 1}},
	}
	stats, err := Analyse(rs, *rs.Robustness, unitsOf(records), records)
	if err != nil {
		t.Fatalf("Analyse: %v", err)
	}
	if s := stats[0]; s.Unit != "best" || s.Q95 != 1 || s.MeanShift != 0 {
		t.Errorf("stats[0] = %+v, want unit best at rank 1 in every draw", s)
	}
	moved := false
	for _, s := range stats[1:] {
		moved = moved || s.MeanShift > 0
	}
	if !moved {
		t.Errorf("no unit's rank moved under ±50 %% weights and alternative methods, want some to move")
	}
}

func TestQuantile(t *testing.T) {
	xs := []float64{1, 2, 3, 4, 5, 6, 7, 8, 9, 10}
	tests := []struct {
		p, want float64
	}{
		{0, 1}, {0.05, 1.45}, {0.5, 5.5}, {0.95, 9.55}, {1, 10},
	}
	for _, tt := range tests {
		if got := quantile(xs, tt.p); math.Abs(got-tt.want) > 1e-12 {
			t.Errorf("quantile(1..10, %v) = %v, want %v", tt.p, got, tt.want)
		}
	}
}

// benchmarkTrack returns 100 units with six random indicators in two
// groups, and its rule set with a robustness section of 10 000 draws.
func benchmarkTrack(tb testing.TB) (*RuleSet, []saima.Unit, []Record) {
	tb.Helper()
	rules := fmt.Sprintf(`name: 基准
tracks: [{name: %s}]
inputs: [a, b, c, d, e, f]
groups:
  - {id: g1, name: 一组, weight: 60}
  - {id: g2, name: 二组, weight: 40}
indicators:
  - {id: a, name: a, source: a, parent: g1, weight: 3, normalise: {method: minmax, range: [1, 100]}}
  - {id: b, name: b, source: b, parent: g1, weight: 2, normalise: {method: minmax, range: [1, 100]}}
  - {id: c, name: c, source: c, parent: g1, weight: 1, normalise: {method: minmax, range: [1, 100]}}
  - {id: d, name: d, source: d, parent: g2, weight: 1, normalise: {method: minmax, range: [1, 100]}}
  - {id: e, name: e, source: e, parent: g2, weight: 1, normalise: {method: minmax, range: [1, 100]}}
  - {id: f, name: f, source: f, parent: g2, weight: 2, normalise: {method: minmax, range: [1, 100]}}
robustness:
  draws: 10000
  seed: 1
  weight_noise: 0.25
  aggregates: [arithmetic, geometric]
`, unitTrack)
	rs := mustParse(tb, rules)
	rng := rand.New(rand.NewPCG(1, 2))
	var records []Record
	for i := range 100 {
		r := Record{Unit: fmt.Sprintf("u%03d", i), Values: map[string]float64{}}
		for _, k := range []string{"a", "b", "c", "d", "e", "f"} {
			r.Values[k] = rng.Float64() * 100
		}
		records = append(records, r)
	}
	return rs, unitsOf(records), records
}

// BenchmarkAnalyse runs 10 000 draws for 100 units through Analyse.
func BenchmarkAnalyse(b *testing.B) {
	rs, units, records := benchmarkTrack(b)
	for b.Loop() {
		if _, err := Analyse(rs, *rs.Robustness, units, records); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkAnalyseTightLoop does the same arithmetic as BenchmarkAnalyse
// on plain slices: per draw, perturb eight weights, aggregate 100 units by
// arithmetic or geometric means of two groups, and rank them. It allocates
// nothing per draw.
func BenchmarkAnalyseTightLoop(b *testing.B) {
	rs, units, records := benchmarkTrack(b)
	results, err := EvaluateRecords(rs, q3, units, records, nil)
	if err != nil {
		b.Fatal(err)
	}
	scores := make([][6]float64, len(results))
	for i, r := range results {
		for l, c := range r.Contributions {
			scores[i][l] = c.Score
		}
	}
	points := [8]float64{3, 2, 1, 1, 1, 2, 60, 40}
	keys := make([]float64, len(scores))
	order := make([]int, len(scores))
	ranks := make([]int, len(scores))

	for b.Loop() {
		rng := rand.New(rand.NewPCG(1, 2))
		for range 10000 {
			var w [8]float64
			for i := range w {
				w[i] = points[i] * (1 + 0.25*(2*rng.Float64()-1))
			}
			geometric := rng.IntN(2) == 1
			for u, s := range scores {
				g := [2]float64{mean3(s[0:3], w[0:3], geometric), mean3(s[3:6], w[3:6], geometric)}
				keys[u] = tieKey(mean3(g[:], w[6:8], geometric))
			}
			rankInto(keys, order, ranks)
		}
	}
}

func mean3(s, w []float64, geometric bool) float64 {
	var acc, total float64
	for i := range s {
		total += w[i]
		if geometric {
			acc += w[i] * math.Log(s[i])
		} else {
			acc += w[i] * s[i]
		}
	}
	if geometric {
		return math.Exp(acc / total)
	}
	return acc / total
}

func TestSortRanks(t *testing.T) {
	tests := [][]float64{
		{3, 1, 2, 2, 5, 1},
		{1},
		{},
		{2.5, 1, 3}, // not whole numbers: falls back to a comparison sort
	}
	for _, in := range tests {
		got := slices.Clone(in)
		sortRanks(got)
		want := slices.Clone(in)
		slices.Sort(want)
		if !slices.Equal(got, want) {
			t.Errorf("sortRanks(%v) = %v, want %v", in, got, want)
		}
	}
}

// TestAnalyseTargetsSetDirection checks that a draw's min-max scores an
// indicator the way its frontier or efficacy targets do when the rule
// set gives no direction: fewer days to the frontier of 0.5 are better,
// so the draws must keep 甲 first.
func TestAnalyseTargetsSetDirection(t *testing.T) {
	normalisers := []string{
		"{method: frontier, worst: 200, frontier: 0.5}",
		"{method: efficacy, not_allowed: 200, satisfied: 0.5}",
	}
	for _, norm := range normalisers {
		t.Run(norm, func(t *testing.T) {
			rs := mustParse(t, fmt.Sprintf(`name: 天数
tracks: [{name: %s}]
inputs: [days]
indicators:
  - {id: days, name: 办结天数, source: days, weight: 1, normalise: %s}
`, unitTrack, norm))
			records := []Record{
				{Unit: "甲", Values: map[string]float64{"days": 10}},
				{Unit: "乙", Values: map[string]float64{"days": 100}},
				{Unit: "丙", Values: map[string]float64{"days": 190}},
			}
			cfg := Robustness{Draws: 20, Seed: 1, Normalisers: []Normaliser{{Method: NormMinMax}}}
			stats, err := Analyse(rs, cfg, unitsOf(records), records)
			if err != nil {
				t.Fatalf("Analyse: %v", err)
			}
			for _, s := range stats {
				if n := float64(s.Nominal); s.Median != n || s.Q05 != n || s.Q95 != n {
					t.Errorf("%s: nominal %d, median %v, 5–95 %% [%v, %v]; want every draw at the nominal rank",
						s.Unit, s.Nominal, s.Median, s.Q05, s.Q95)
				}
			}
		})
	}
}

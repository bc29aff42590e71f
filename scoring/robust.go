package scoring

import (
	"cmp"
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"slices"

	"saima"
)

// Robustness configures a Monte Carlo robustness analysis: how much the
// ranks move when the rule set's arbitrary choices change.
type Robustness struct {
	Draws int    `yaml:"draws"` // number of draws; 0 means 1000
	Seed  uint64 `yaml:"seed"`  // seeds the PCG generator, so a run can be repeated exactly

	// WeightNoise multiplies every weight in points by a factor drawn
	// uniformly from [1 − WeightNoise, 1 + WeightNoise] in each draw, such
	// as 0.25 for ±25 %. It does not change AHP or entropy weights.
	WeightNoise float64 `yaml:"weight_noise"`
	// Normalisers are alternatives: each draw picks one uniformly and uses
	// it for every indicator that is normalised against data. Indicators
	// scored by a points rule (rank_points, threshold, linear, deduction)
	// keep their own. Empty keeps each indicator's own.
	Normalisers []Normaliser `yaml:"normalisers"`
	// Aggregates are alternatives: each draw picks one uniformly for every
	// inner node except sum and TOPSIS nodes. Empty keeps each node's own.
	Aggregates []string `yaml:"aggregates"`
}

// RankStats summarises one unit's ranks over the draws.
type RankStats struct {
	Unit      string
	Track     string
	Nominal   int     // rank under the rule set as written
	Median    float64 // median rank
	Q05, Q95  float64 // 5th and 95th percentiles, interpolated linearly between order statistics
	MeanShift float64 // mean of |rank − Nominal|
}

func (r *Robustness) validate(idx *pathIndex, path string) []error {
	var out []error
	if r.Draws < 0 {
		out = append(out, idx.problem(path+".draws", "draws 不能为负数"))
	}
	if r.WeightNoise < 0 || r.WeightNoise >= 1 || !finite(r.WeightNoise) {
		out = append(out, idx.problem(path+".weight_noise", "weight_noise 须在 0 到 1 之间（不含 1），例如 0.25 表示 ±25%%"))
	}
	for i := range r.Normalisers {
		out = append(out, r.Normalisers[i].validate(idx, fmt.Sprintf("%s.normalisers[%d]", path, i))...)
	}
	for i, a := range r.Aggregates {
		if !slices.Contains([]string{AggArithmetic, AggGeometric, AggHarmonic}, a) {
			out = append(out, idx.problem(fmt.Sprintf("%s.aggregates[%d]", path, i),
				"未知的合成方法 %q，可选 arithmetic、geometric 或 harmonic", a))
		}
	}
	return out
}

// Analyse runs the robustness analysis cfg on units and records under rs
// and returns one RankStats per unit, in the order EvaluateRecords uses.
// cfg usually comes from the rule set's robustness section. Its
// normalisers must be valid, as ParseRuleSet checks them there.
func Analyse(rs *RuleSet, cfg Robustness, units []saima.Unit, records []Record) ([]RankStats, error) {
	if rs == nil || rs.tree == nil {
		return nil, errors.New("analyse: rule set not built by ParseRuleSet")
	}
	inputs, problems := groupTracks(rs, units, records)
	if len(problems) > 0 {
		return nil, invalidInput(problems)
	}
	cfg.Draws = cmp.Or(cfg.Draws, 1000)
	cfg.Normalisers = slices.Clone(cfg.Normalisers)
	for i := range cfg.Normalisers {
		cfg.Normalisers[i].setDefaults()
	}

	rng := rand.New(rand.NewPCG(cfg.Seed, cfg.Seed^0x9e3779b97f4a7c15))
	var out []RankStats
	for _, in := range inputs {
		out = append(out, rs.analyseTrack(in, cfg, rng)...)
	}
	return out, nil
}

func (rs *RuleSet) analyseTrack(in *trackInput, cfg Robustness, rng *rand.Rand) []RankStats {
	nominal := rs.scoreTrack(in, nil)
	stats := make([]RankStats, len(nominal))
	position := map[string]int{}
	for i, r := range nominal {
		stats[i] = RankStats{Unit: r.Unit, Track: in.track.Name, Nominal: r.Rank}
		position[r.Unit] = i
	}

	// Map each unit of in to its stats slot once, not once per draw.
	slot := make([]int, len(in.units))
	for u, name := range in.units {
		slot[u] = position[name]
	}
	draws := make([][]float64, len(nominal)) // [stat][draw]
	for i := range draws {
		draws[i] = make([]float64, 0, cfg.Draws)
	}
	d := newTrackDraws(rs, in, cfg)
	for range cfg.Draws {
		d.draw(&cfg, rng)
		ranks := d.rank()
		for u, i := range slot {
			draws[i] = append(draws[i], float64(ranks[u]))
		}
	}
	for i := range stats {
		summarise(&stats[i], draws[i])
	}
	return stats
}

func summarise(s *RankStats, ranks []float64) {
	shift := 0.0
	for _, r := range ranks {
		shift += math.Abs(r - float64(s.Nominal))
	}
	s.MeanShift = shift / float64(len(ranks))
	sortRanks(ranks)
	s.Median = quantile(ranks, 0.5)
	s.Q05 = quantile(ranks, 0.05)
	s.Q95 = quantile(ranks, 0.95)
}

// quantile returns the p-quantile of sorted xs, interpolating linearly
// between order statistics (R's default, type 7).
func quantile(xs []float64, p float64) float64 {
	h := float64(len(xs)-1) * p
	lo := int(math.Floor(h))
	hi := min(lo+1, len(xs)-1)
	return xs[lo] + (h-float64(lo))*(xs[hi]-xs[lo])
}

// sortRanks sorts ranks, which are whole numbers from 1 to a few hundred,
// by counting them: linear in the number of draws, where a comparison sort
// of every unit's ten thousand draws cost a fifth of the analysis.
func sortRanks(ranks []float64) {
	top := 0
	for _, r := range ranks {
		if r != math.Trunc(r) || r < 1 || r > 1<<16 {
			slices.Sort(ranks) // not small whole numbers: sort them directly
			return
		}
		top = max(top, int(r))
	}
	counts := make([]int, top+1)
	for _, r := range ranks {
		counts[int(r)]++
	}
	i := 0
	for r, n := range counts {
		for range n {
			ranks[i] = float64(r)
			i++
		}
	}
}

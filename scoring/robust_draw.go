package scoring

import (
	"cmp"
	"math"
	"math/rand/v2"
	"slices"
)

// trackDraws ranks the units of one track under one robustness draw after
// another. It is built once per track and keeps every buffer between
// draws. A draw allocates only to score the indicators under a normaliser
// for the first time, or for a node that weights by entropy or aggregates
// by TOPSIS.
//
// Each draw does the same floating-point operations in the same order as
// scoring the track through [tree.aggregate] and [Adjustments.adjust], so
// its ranks are the same.
type trackDraws struct {
	rs *RuleSet
	in *trackInput
	v  variant // the current draw

	leaves []*leafSet // by normaliser index + 1, so 0 is each indicator's own; scored on first use
	agg    aggregation

	// someExcluded and allExcluded report, per node, whether some or
	// every unit is left out of it in the current draw.
	someExcluded, allExcluded []bool

	base    [][]float64 // per inner node: child weights as written; nil under entropy
	weights [][]float64 // per inner node: the current draw's child weights
	acc     []float64   // per unit: the sum over children of the node being combined
	zero    []bool      // per unit: a geometric or harmonic child at 0 or less

	keys  []float64 // per unit: the rank key of the current draw
	order []int
	ranks []int

	adjust []unitAdjustment
}

// leafSet contains a track's indicator scores under one normaliser, and
// which units each indicator leaves out.
type leafSet struct {
	matrix                    *leafMatrix
	someExcluded, allExcluded []bool // per indicator
}

func newTrackDraws(rs *RuleSet, in *trackInput, cfg Robustness) *trackDraws {
	t, units := rs.tree, len(in.units)
	d := &trackDraws{
		rs: rs, in: in,
		v:      variant{normaliserIndex: -1},
		leaves: make([]*leafSet, len(cfg.Normalisers)+1),
		agg: aggregation{
			values: make([][]float64, len(t.nodes)), excluded: make([][]bool, len(t.nodes)),
		},
		someExcluded: make([]bool, len(t.nodes)), allExcluded: make([]bool, len(t.nodes)),
		base: make([][]float64, len(t.nodes)), weights: make([][]float64, len(t.nodes)),
		acc: make([]float64, units), zero: make([]bool, units),
		keys: make([]float64, units), order: make([]int, units), ranks: make([]int, units),
		adjust: rs.Adjustments.prepare(in.records),
	}
	if cfg.WeightNoise > 0 {
		d.v.factors = make([]float64, len(t.nodes))
	}
	for _, n := range t.order {
		d.agg.values[n], d.agg.excluded[n] = make([]float64, units), make([]bool, units)
		d.weights[n] = make([]float64, len(t.nodes[n].children))
		if t.nodes[n].weighting != WeightEntropy {
			d.base[n] = t.childWeights(n, in.track)
		}
	}
	return d
}

// draw draws the next variant from cfg into d.v. It takes the same numbers
// from rng in the same order on every draw, so a seed repeats a run.
func (d *trackDraws) draw(cfg *Robustness, rng *rand.Rand) {
	d.v.normaliser, d.v.normaliserIndex = nil, -1
	if len(cfg.Normalisers) > 0 {
		d.v.normaliserIndex = rng.IntN(len(cfg.Normalisers))
		d.v.normaliser = &cfg.Normalisers[d.v.normaliserIndex]
	}
	d.v.aggregate = ""
	if len(cfg.Aggregates) > 0 {
		d.v.aggregate = cfg.Aggregates[rng.IntN(len(cfg.Aggregates))]
	}
	for i := range d.v.factors {
		d.v.factors[i] = 1 + cfg.WeightNoise*(2*rng.Float64()-1)
	}
}

// rank returns the competition rank of each unit, in the order of
// d.in.units, under the current draw. The slice is reused by the next
// call.
func (d *trackDraws) rank() []int {
	d.useLeaves(d.leafSet())
	t := d.rs.tree
	for _, n := range t.order {
		d.combine(n, d.nodeWeights(n))
	}
	root := d.agg.values[0]
	for u := range d.keys {
		d.keys[u] = d.adjust[u].rankKey(root[u])
	}
	return d.rankKeys()
}

// leafSet returns the indicator scores under the current draw's
// normaliser, scoring them on first use.
func (d *trackDraws) leafSet() *leafSet {
	i := d.v.normaliserIndex + 1
	if d.leaves[i] == nil {
		m := d.rs.scoreLeaves(d.in, &d.v)
		s := &leafSet{
			matrix:       m,
			someExcluded: make([]bool, len(m.excluded)),
			allExcluded:  make([]bool, len(m.excluded)),
		}
		for l, row := range m.excluded {
			s.someExcluded[l], s.allExcluded[l] = slices.Contains(row, true), allTrue(row)
		}
		d.leaves[i] = s
	}
	return d.leaves[i]
}

func (d *trackDraws) useLeaves(s *leafSet) {
	first := d.rs.tree.first
	for l := range s.matrix.scores {
		d.agg.values[first+l], d.agg.excluded[first+l] = s.matrix.scores[l], s.matrix.excluded[l]
	}
	copy(d.someExcluded[first:], s.someExcluded)
	copy(d.allExcluded[first:], s.allExcluded)
}

// nodeWeights returns node n's child weights under the current draw, as
// [tree.trackWeights] computes them.
func (d *trackDraws) nodeWeights(n int) []float64 {
	t := d.rs.tree
	node := &t.nodes[n]
	if node.weighting == WeightEntropy {
		return t.trackWeights(n, d.in.track, &d.agg, &d.v)
	}

	w := d.weights[n]
	copy(w, d.base[n])
	if d.v.factors != nil && node.weighting == WeightPoints {
		for k, c := range node.children {
			w[k] *= d.v.factors[c]
		}
	}
	for k, c := range node.children {
		if d.allExcluded[c] {
			w[k] = 0
		}
	}
	return w
}

// combine sets node n's value for every unit from its children. When no
// counted child leaves a unit out, every unit shares the same totals, so
// it combines one child at a time over all units. Otherwise it falls back
// to [tree.combine].
func (d *trackDraws) combine(n int, w []float64) {
	t := d.rs.tree
	method := t.nodeAggregate(n, &d.v)
	total, totalFull, ok := d.sharedTotals(n, w, method)
	if !ok {
		t.combine(n, w, &d.agg, &d.v)
		row := d.agg.excluded[n]
		d.someExcluded[n], d.allExcluded[n] = slices.Contains(row, true), allTrue(row)
		return
	}

	d.accumulate(n, w, method)
	d.finish(n, method, total, totalFull)
	d.someExcluded[n], d.allExcluded[n] = false, false
}

// sharedTotals returns node n's sum of counted child weights and of their
// full marks, added in child order as [tree.combine] adds them. ok is
// false when a counted child leaves some unit out, when the node
// aggregates by TOPSIS, or when the totals would leave every unit out.
func (d *trackDraws) sharedTotals(
	n int, w []float64, method string,
) (total, totalFull float64, ok bool) {
	if method == AggTOPSIS {
		return 0, 0, false
	}
	t := d.rs.tree
	sum := method == AggSum
	for k, c := range t.nodes[n].children {
		if w[k] == 0 && !sum {
			continue
		}
		if d.someExcluded[c] {
			return 0, 0, false
		}
		total += w[k]
		totalFull += t.nodes[c].full
	}
	if sum {
		return total, totalFull, totalFull != 0
	}
	return total, totalFull, total != 0
}

// accumulate adds each counted child of node n into d.acc, and marks in
// d.zero the units with a child at 0 or less under geometric and harmonic
// means. Children are added in order, so each unit's sum matches
// [tree.combine] bit for bit.
func (d *trackDraws) accumulate(n int, w []float64, method string) {
	acc, zero := d.acc, d.zero
	clear(acc)
	clear(zero)
	sum := method == AggSum
	for k, c := range d.rs.tree.nodes[n].children {
		if w[k] == 0 && !sum {
			continue
		}
		wk, s := w[k], d.agg.values[c][:len(acc)]
		switch method {
		case AggGeometric:
			for u, x := range s {
				zero[u] = zero[u] || x <= 0
				if x > 0 {
					acc[u] += wk * math.Log(x)
				}
			}
		case AggHarmonic:
			for u, x := range s {
				zero[u] = zero[u] || x <= 0
				if x > 0 {
					acc[u] += wk / x
				}
			}
		default:
			for u, x := range s {
				acc[u] += wk * x
			}
		}
	}
}

// finish turns d.acc into node n's values as the package-level finish does
// when no child is left out, so the full marks counted equal those present.
func (d *trackDraws) finish(n int, method string, total, totalFull float64) {
	out, excluded := d.agg.values[n][:len(d.acc)], d.agg.excluded[n]
	clear(excluded)
	switch method {
	case AggSum:
		for u, a := range d.acc {
			out[u] = a * totalFull / totalFull
		}
	case AggGeometric:
		for u, a := range d.acc {
			out[u] = 0
			if !d.zero[u] {
				out[u] = math.Exp(a / total)
			}
		}
	case AggHarmonic:
		for u, a := range d.acc {
			out[u] = 0
			if !d.zero[u] {
				out[u] = total / a
			}
		}
	default:
		for u, a := range d.acc {
			out[u] = a / total
		}
	}
}

// rankKeys sets and returns d.ranks, the competition rank of each of
// d.keys, highest first, as [ranksOfKeys] does but in reused buffers.
func (d *trackDraws) rankKeys() []int {
	rankInto(d.keys, d.order, d.ranks)
	return d.ranks
}

// rankInto writes the competition rank of each key, highest first, into
// ranks, sorting the indices in order: ranksOfKeys without allocating.
// order and ranks have the length of keys.
func rankInto(keys []float64, order, ranks []int) {
	for i := range order {
		order[i] = i
	}
	slices.SortFunc(order, func(a, b int) int { return cmp.Compare(keys[b], keys[a]) })
	for k, i := range order {
		if k > 0 && keys[i] == keys[order[k-1]] {
			ranks[i] = ranks[order[k-1]]
		} else {
			ranks[i] = k + 1
		}
	}
}

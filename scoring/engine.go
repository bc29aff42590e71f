package scoring

import (
	"math"
	"slices"
)

// pointsRules are the methods that score by a fixed points rule rather
// than against data, which robustness analysis never replaces.
var pointsRules = []string{NormRankPoints, NormThreshold, NormLinear, NormDeduction}

// cellState records whether a unit has a value for an indicator.
type cellState uint8

const (
	cellPresent cellState = iota
	cellMissing
	cellNotApplicable
)

// variant replaces parts of the rule set for one robustness draw. Zero
// fields keep the rule set's choice.
type variant struct {
	normaliser      *Normaliser // for every indicator
	normaliserIndex int         // index of normaliser among the alternatives; -1 for none
	aggregate       string      // for every inner node except sum and topsis nodes
	factors         []float64   // multiplies each node's points, by node index
}

// leafMatrix contains the indicator scores of one track: [indicator][unit].
type leafMatrix struct {
	raw      [][]float64
	state    [][]cellState
	scores   [][]float64
	excluded [][]bool // left out of the unit's composite (not applicable, rescale)
	dropped  []bool   // left out of the whole track: no unit has a value
}

func (rs *RuleSet) scoreLeaves(in *trackInput, v *variant) *leafMatrix {
	n := len(rs.Indicators)
	m := &leafMatrix{
		raw: make([][]float64, n), state: make([][]cellState, n), scores: make([][]float64, n),
		excluded: make([][]bool, n), dropped: make([]bool, n),
	}
	for l := range rs.Indicators {
		rs.scoreLeaf(in, v, m, l)
	}
	return m
}

func (rs *RuleSet) scoreLeaf(in *trackInput, v *variant, m *leafMatrix, l int) {
	ind := &rs.Indicators[l]
	present, values := m.readLeaf(in, ind, l)

	norm := ind.Normalise
	if v != nil && v.normaliser != nil && !slices.Contains(pointsRules, norm.Method) {
		norm = *v.normaliser
	}
	scores := norm.Apply(values, ind.Direction)
	if scores == nil {
		m.dropped[l] = true
		for u := range m.excluded[l] {
			m.excluded[l][u] = true
		}
		return
	}

	for k, u := range present {
		m.scores[l][u] = scores[k]
	}
	m.impute(ind, l, sum(scores)/float64(len(scores)))
}

// readLeaf fills row l of the raw values and states from the records and
// returns the units that have a value and their values.
func (m *leafMatrix) readLeaf(in *trackInput, ind *Indicator, l int) ([]int, []float64) {
	units := len(in.units)
	m.raw[l], m.state[l] = make([]float64, units), make([]cellState, units)
	m.scores[l], m.excluded[l] = make([]float64, units), make([]bool, units)

	var present []int
	var values []float64
	for u, rec := range in.records {
		x, ok := rec.Values[ind.Source]
		switch {
		case slices.Contains(rec.NotApplicable, ind.ID):
			m.state[l][u] = cellNotApplicable
		case !ok || math.IsNaN(x):
			m.state[l][u] = cellMissing
		default:
			m.raw[l][u] = x
			present = append(present, u)
			values = append(values, x)
		}
	}
	return present, values
}

// impute scores the units of row l without a value by the indicator's
// policies, given the mean score of the units with one.
func (m *leafMatrix) impute(ind *Indicator, l int, mean float64) {
	for u, state := range m.state[l] {
		switch {
		case state == cellMissing && ind.Missing == MissingTrackMean:
			m.scores[l][u] = mean
		case state == cellNotApplicable && ind.NotApplicable == MissingRescale:
			m.excluded[l][u] = true
		case state == cellNotApplicable:
			m.scores[l][u] = mean
		}
	}
}

// aggregation contains every node's value and share of the composite for
// each unit of one track: [node][unit].
type aggregation struct {
	values   [][]float64
	share    [][]float64
	excluded [][]bool
}

// aggregate computes the inner nodes from the leaves, children before
// parents. With shares false it skips the shares, which only contributions
// need.
func (t *tree) aggregate(in *trackInput, leaves *leafMatrix, v *variant, shares bool) *aggregation {
	units := len(in.units)
	a := &aggregation{
		values: make([][]float64, len(t.nodes)), excluded: make([][]bool, len(t.nodes)),
	}
	for l := range leaves.scores {
		a.values[t.first+l] = leaves.scores[l]
		a.excluded[t.first+l] = leaves.excluded[l]
	}
	weights := make([][]float64, len(t.nodes))
	for _, n := range t.order {
		a.values[n], a.excluded[n] = make([]float64, units), make([]bool, units)
		weights[n] = t.trackWeights(n, in.track, a, v)
		t.combine(n, weights[n], a, v)
	}
	if shares {
		a.share = t.shares(weights, a, v, units)
	}
	return a
}

// trackWeights returns node n's child weights in the track before any
// child is left out for a unit: points with overrides and robustness
// factors, entropy from the children's values, or AHP.
func (t *tree) trackWeights(n int, tr Track, a *aggregation, v *variant) []float64 {
	node := &t.nodes[n]
	w := t.childWeights(n, tr)
	if node.weighting == WeightEntropy {
		rows := make([][]float64, len(a.values[n]))
		for u := range rows {
			rows[u] = make([]float64, len(node.children))
			for k, c := range node.children {
				if !a.excluded[c][u] {
					rows[u][k] = max(a.values[c][u], 0)
				}
			}
		}
		w = EntropyWeights(rows)
	}
	if v != nil && v.factors != nil && node.weighting == WeightPoints {
		for k, c := range node.children {
			w[k] *= v.factors[c]
		}
	}
	for k, c := range node.children {
		if allTrue(a.excluded[c]) {
			w[k] = 0 // no unit in the track has it
		}
	}
	return w
}

func allTrue(xs []bool) bool {
	return !slices.Contains(xs, false)
}

func (t *tree) nodeAggregate(n int, v *variant) string {
	agg := t.nodes[n].aggregate
	if v != nil && v.aggregate != "" && agg != AggSum && agg != AggTOPSIS {
		return v.aggregate
	}
	return agg
}

// combine sets node n's value for every unit from its children.
func (t *tree) combine(n int, w []float64, a *aggregation, v *variant) {
	node := &t.nodes[n]
	agg := t.nodeAggregate(n, v)
	if agg == AggTOPSIS {
		t.combineTOPSIS(n, w, a)
		return
	}
	// Resolve the method once: comparing its name for every child of every
	// unit was a tenth of a Monte Carlo run.
	geometric, harmonic, sum := agg == AggGeometric, agg == AggHarmonic, agg == AggSum
	for u := range a.values[n] {
		var total, totalFull, inFull, acc float64
		zero := false
		for k, c := range node.children {
			if w[k] == 0 && !sum {
				continue
			}
			totalFull += t.nodes[c].full
			if a.excluded[c][u] {
				continue
			}
			inFull += t.nodes[c].full
			s := a.values[c][u]
			total += w[k]
			switch {
			case geometric:
				zero = zero || s <= 0
				if s > 0 {
					acc += w[k] * math.Log(s)
				}
			case harmonic:
				zero = zero || s <= 0
				if s > 0 {
					acc += w[k] / s
				}
			default:
				acc += w[k] * s
			}
		}
		a.values[n][u], a.excluded[n][u] = finish(agg, acc, total, totalFull, inFull, zero)
	}
}

// finish turns one unit's accumulated children into the node's value,
// and reports whether the node is left out because no child counted.
func finish(agg string, acc, total, totalFull, inFull float64, zero bool) (float64, bool) {
	if agg == AggSum {
		if inFull == 0 {
			return 0, true
		}
		return acc * totalFull / inFull, false
	}
	if total == 0 {
		return 0, true
	}
	switch {
	case zero:
		return 0, false
	case agg == AggGeometric:
		return math.Exp(acc / total), false
	case agg == AggHarmonic:
		return total / acc, false
	}
	return acc / total, false
}

// combineTOPSIS sets node n's value to each unit's closeness × 100 over the
// track. A child left out for a unit counts as that column's worst value.
//
// NOTE: TOPSIS has no notion of a missing cell, so a not-applicable child
// under rescale counts against the unit here, unlike under other methods.
func (t *tree) combineTOPSIS(n int, w []float64, a *aggregation) {
	node := &t.nodes[n]
	var cols []int
	var weights []float64
	for k, c := range node.children {
		if w[k] > 0 {
			cols = append(cols, c)
			weights = append(weights, w[k])
		}
	}
	weights = scaleToOne(weights)
	rows := make([][]float64, len(a.values[n]))
	for u := range rows {
		rows[u] = make([]float64, len(cols))
	}
	for k, c := range cols {
		worst := math.Inf(1)
		for u := range rows {
			if !a.excluded[c][u] {
				worst = min(worst, a.values[c][u])
			}
		}
		for u := range rows {
			rows[u][k] = a.values[c][u]
			if a.excluded[c][u] {
				rows[u][k] = worst
			}
		}
	}
	for u, cl := range TOPSIS(rows, weights) {
		a.values[n][u] = cl * 100
		a.excluded[n][u] = len(cols) == 0
	}
}

// shares returns each node's share of the composite for each unit: the
// product of the scaled weights on its path, with left-out children at 0
// and a sum node's rescaling factor included.
func (t *tree) shares(weights [][]float64, a *aggregation, v *variant, units int) [][]float64 {
	share := make([][]float64, len(t.nodes))
	for i := range share {
		share[i] = make([]float64, units)
	}
	for u := range units {
		share[0][u] = 1
	}
	for k := len(t.order) - 1; k >= 0; k-- {
		n := t.order[k]
		node := &t.nodes[n]
		agg := t.nodeAggregate(n, v)
		for u := range units {
			var total, totalFull, inFull float64
			for j, c := range node.children {
				if weights[n][j] == 0 && agg != AggSum {
					continue
				}
				totalFull += t.nodes[c].full
				if !a.excluded[c][u] {
					total += weights[n][j]
					inFull += t.nodes[c].full
				}
			}
			for j, c := range node.children {
				if a.excluded[c][u] || (weights[n][j] == 0 && agg != AggSum) {
					continue
				}
				switch {
				case agg == AggSum && inFull > 0:
					share[c][u] = share[n][u] * weights[n][j] * totalFull / inFull
				case agg != AggSum && total > 0:
					share[c][u] = share[n][u] * weights[n][j] / total
				}
			}
		}
	}
	return share
}

package scoring

import "math"

// CompositeMax returns the highest composite that rs can give a unit: the
// highest value its indicator tree can reach in any track, plus the most
// bonus points. A manual override of a composite may not exceed it. It is
// +Inf when a counted indicator's normaliser has no upper bound (none,
// zscore, rank, borda, an uncapped efficacy or linear rule, rank points
// counted from the bottom) or when the bonus has no cap.
//
// The bound is safe rather than tight: a sum group whose children may be
// left out is allowed the most that rescaling could give.
func (rs *RuleSet) CompositeMax() float64 {
	best := 0.0
	for _, tr := range rs.Tracks {
		best = max(best, rs.nodeMax(0, tr))
	}
	return best + rs.Adjustments.bonusMax()
}

// nodeMax returns the highest value node n can reach in track tr.
func (rs *RuleSet) nodeMax(n int, tr Track) float64 {
	t := rs.tree
	node := &t.nodes[n]
	if node.leaf >= 0 {
		return rs.Indicators[node.leaf].Normalise.maxScore()
	}
	if node.aggregate == AggTOPSIS {
		return 100
	}

	w := t.childWeights(n, tr)
	if node.aggregate != AggSum || node.weighting != WeightPoints {
		// A weighted mean of any kind, with weights that sum to 1, is at
		// most its largest counted child.
		best := 0.0
		for k, c := range node.children {
			if w[k] > 0 {
				best = max(best, rs.nodeMax(c, tr))
			}
		}
		return best
	}

	// A sum group leaves out children that do not apply and scales the
	// rest by the full marks of all children over those that count. The
	// result is at most the full marks of all children times the largest
	// ratio of points to full marks among them.
	totalFull, ratio := 0.0, 0.0
	for k, c := range node.children {
		full := t.nodes[c].full
		totalFull += full
		if w[k] > 0 && full > 0 {
			ratio = max(ratio, w[k]*rs.nodeMax(c, tr)/full)
		}
	}
	return totalFull * ratio
}

// maxScore returns the highest score n can give, or +Inf when it has no
// upper bound.
func (n Normaliser) maxScore() float64 {
	inf := math.Inf(1)
	switch n.Method {
	case NormGoalposts:
		return n.Cap
	case NormMinMax:
		return max(n.Range[0], n.Range[1])
	case NormPercentile, NormFrontier:
		return 100
	case NormProportional, NormDeduction:
		return n.Full
	case NormThreshold:
		return max(n.Full, *n.Floor)
	case NormVector:
		return 1
	case NormEfficacy:
		if n.Cap > 0 {
			return n.Cap
		}
	case NormLinear:
		switch {
		case n.Up == 0:
			return n.Base
		case n.UpCap > 0:
			return n.Base + n.UpCap
		}
	case NormRankPoints:
		return n.rankPointsMax()
	}
	return inf
}

// rankPointsMax returns the most points a rank_points rule gives: the
// best entry of its table, or the first place's points. Counted from the
// bottom, the first place's points grow with the size of the track.
func (n Normaliser) rankPointsMax() float64 {
	floor := math.Inf(-1)
	if n.Floor != nil {
		floor = *n.Floor
	}
	switch {
	case len(n.Points) > 0:
		best := n.Points[0]
		for _, p := range n.Points {
			best = max(best, p)
		}
		return max(best, floor)
	case n.From == "bottom":
		return math.Inf(1)
	}
	return max(n.First, floor)
}

// bonusMax returns the most bonus points a unit can get: the bonus cap,
// or the sum of the items' caps when the bonus has none. It is +Inf when
// neither caps the bonus.
func (a *Adjustments) bonusMax() float64 {
	if a.Bonus == nil || len(a.Bonus.Items) == 0 {
		return 0
	}
	if a.Bonus.Cap > 0 {
		return a.Bonus.Cap
	}
	total := 0.0
	for _, item := range a.Bonus.Items {
		if item.Cap <= 0 {
			return math.Inf(1)
		}
		total += item.Cap
	}
	return total
}

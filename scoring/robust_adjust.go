package scoring

import (
	"math"
	"slices"
)

// unitAdjustment is the part of [Adjustments.adjust] for one unit that
// does not depend on its base composite: which vetoes apply, its bonus and
// penalty points, and the score caps. A robustness draw changes only the
// base composite, so this is computed once per track.
type unitAdjustment struct {
	stopped    bool      // a VetoFail veto applies
	failBelow  *float64  // Adjustments.FailBelow
	hasBonus   bool      // the rule set has a bonus section
	bonusAbove *float64  // Bonus.Above
	bonus      float64   // bonus points after Bonus.Cap, when granted
	penalty    float64   // penalty points
	caps       []float64 // Veto.Score of each VetoScore veto that applies, in rule order
	places     *int32    // Adjustments.RankPlaces
}

// prepare returns the base-independent part of the adjustments of each
// record, in the order of records.
func (a *Adjustments) prepare(records []Record) []unitAdjustment {
	out := make([]unitAdjustment, len(records))
	for u, rec := range records {
		var r Result
		for _, veto := range a.Vetoes {
			if rec.Values[veto.Source] > 0 {
				r.Vetoes = append(r.Vetoes, veto.ID)
			}
		}
		ua := &out[u]
		ua.stopped = a.vetoed(&r, VetoFail)
		ua.failBelow, ua.places = a.FailBelow, a.RankPlaces
		if a.Bonus != nil {
			ua.hasBonus, ua.bonusAbove = true, a.Bonus.Above
			ua.bonus = itemPoints(a.Bonus.Items, rec.Values)
			if a.Bonus.Cap > 0 {
				ua.bonus = min(ua.bonus, a.Bonus.Cap)
			}
		}
		ua.penalty = itemPoints(a.Penalties, rec.Values)
		for _, veto := range a.Vetoes {
			if veto.Action == VetoScore && slices.Contains(r.Vetoes, veto.ID) {
				ua.caps = append(ua.caps, veto.Score)
			}
		}
	}
	return out
}

// rankKey returns the rank key of a unit with composite base before
// adjustments, the same as [Result.rankKey] after [Adjustments.adjust].
func (ua *unitAdjustment) rankKey(base float64) float64 {
	if ua.stopped {
		return math.Inf(-1)
	}
	key := tieKey(base) // the thresholds' view of base, as in adjust
	failed := ua.failBelow != nil && key < *ua.failBelow
	bonus := 0.0
	if ua.hasBonus && !failed && (ua.bonusAbove == nil || key > *ua.bonusAbove) {
		bonus = ua.bonus
	}
	value := base + bonus - ua.penalty
	for _, c := range ua.caps {
		value = min(value, c)
	}
	return RankValue(value, ua.places)
}

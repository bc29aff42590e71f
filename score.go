package saima

import "time"

// Contribution is one indicator's share of a unit's composite score.
type Contribution struct {
	Indicator string  // indicator id from the rule set
	Name      string  // indicator name for display
	Raw       float64 // the measured value, in the indicator's own unit
	Missing   bool    // no data: Raw is meaningless, and Score was imputed unless LeftOut
	Score     float64 // the normalised score, 0–100
	Weight    float64 // the weight within the composite, summing to 1
	Points    float64 // Score × Weight: the contribution to the composite
}

// LeftOut reports whether the indicator did not count toward the unit's
// composite for want of data: the unit had no value and the indicator has
// no weight for it. That happens when no unit of its track had a value,
// when it does not apply to the unit under the rescale policy, or when its
// weight is 0. Its Score is then not a score, and displays show 不计分
// instead of a number.
func (c Contribution) LeftOut() bool { return c.Missing && c.Weight == 0 }

// Imputed reports whether the unit had no value and the rule set gave it
// a score that counts, such as the track's mean.
func (c Contribution) Imputed() bool { return c.Missing && c.Weight != 0 }

// Score is a unit's computed result for one period under one rule set.
type Score struct {
	Period         Period
	Track          string
	RuleSet        string // rule-set name
	RuleSetVersion string // content hash of the rule-set file
	RunID          string
	ComputedAt     time.Time
	Unit           string
	Value          float64 // composite, 0–100, full precision
	Rank           int     // competition rank within the track (1, 2, 2, 4)
	PrevRank       int     // rank in the previous period; 0 when unranked then
	Contributions  []Contribution
}

// Movement returns how many places u rose since the previous period: positive
// for a rise, negative for a fall, and 0 when there is no previous rank.
func (s Score) Movement() int {
	if s.PrevRank == 0 {
		return 0
	}
	return s.PrevRank - s.Rank
}

// FormatComposite formats a composite score for display: one decimal place,
// rounded half away from zero (half-up for scores, which are never negative).
// Stored values keep full precision.
func FormatComposite(v float64) string { return roundFixed(v, 1) }

// FormatIndicator formats an indicator score for display with two decimal
// places, rounded half-up.
func FormatIndicator(v float64) string { return roundFixed(v, 2) }

// FormatTotal formats the sum of a unit's contributions with four decimal
// places, rounded half-up. Beside contributions of two places it shows
// which way the composite of one place was rounded: 97.1472 reads as
// 97.1, where the two-place 97.15 would suggest 97.2.
func FormatTotal(v float64) string { return roundFixed(v, 4) }

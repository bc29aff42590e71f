package saima

import "time"

// Contribution is one indicator's share of a unit's composite score.
type Contribution struct {
	Indicator string  // indicator id from the rule set
	Name      string  // indicator name for display
	Raw       float64 // the measured value, in the indicator's own unit
	Missing   bool    // no data: Raw is meaningless and Score was imputed
	Score     float64 // the normalised score, 0–100
	Weight    float64 // the weight within the composite, summing to 1
	Points    float64 // Score × Weight: the contribution to the composite
}

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

// Package scoring turns a period's ledger facts into the horse-race
// ranking (赛马排名) under a rule set written as YAML data.
//
// # Rule sets
//
// A [RuleSet] names the tracks (赛道) that units race in and the indicators
// they are scored on. Each indicator reads one source from [UnitFacts],
// normalises the track's values to a 0–100 score with a [Normaliser], and
// adds score × weight to the composite. Weights are written as points and
// scaled to sum to 1; a track may override them. [ParseRuleSet] reports
// every problem in a file at once, each as a [RuleError] with its YAML path
// and line. The rule set's Version is the SHA-256 of the file, which every
// score stores.
//
// # Scores
//
// [Evaluate] returns one saima.Score per unit, ranked within its track by
// competition ranking, with one saima.Contribution per indicator holding the
// raw value, whether it was missing, the score, the weight and the points
// it added. Stored values keep full precision; saima.FormatComposite and
// saima.FormatIndicator round them for display.
//
// docs/scoring.md describes the YAML format with the sample rule set.
package scoring

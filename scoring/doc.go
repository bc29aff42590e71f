// Package scoring turns a period's ledger facts into the horse-race
// ranking (赛马排名) under a rule set written as YAML data.
//
// # Rule sets
//
// A [RuleSet] names the tracks (赛道) that units race in and a tree of
// indicators. Each [Indicator] reads one source, from [UnitFacts] or from
// a caller's [Record], and a [Normaliser] turns the track's values into
// scores. Each [Group] combines its children by a weighted arithmetic,
// geometric or harmonic mean, a sum or TOPSIS, with weights written as
// points or derived by entropy or AHP. [Adjustments] then apply bonus,
// penalties and vetoes, and assign grades and red or black lists.
//
// [ParseRuleSet] reports every problem in a file at once, each as a
// [RuleError] with its YAML path and line. The rule set's Version is the
// SHA-256 of the file, which every score stores.
//
// # Scores
//
// [Evaluate] returns one saima.Score per unit, ranked within its track by
// competition ranking, with one saima.Contribution per indicator holding the
// raw value, whether it was missing, the score, its share of the composite
// and the points it added. [EvaluateRecords] does the same for arbitrary
// inputs and returns each [Result] with its adjustments and grade. Stored
// values keep full precision, and saima.FormatComposite and
// saima.FormatIndicator round them for display.
//
// # Robustness
//
// [Analyse] repeats the scoring with perturbed weights, alternative
// normalisers and aggregation methods, drawn from a seeded generator, and
// reports each unit's median rank and 5–95 % interval.
//
// docs/scoring.md describes the YAML format with examples.
package scoring

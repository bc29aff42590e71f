package scoring

import (
	"math"
	"testing"
)

func TestCompositeMax(t *testing.T) {
	const head = "name: 上限\ntracks:\n  - name: 区县（市）\n"
	goalposts := func(id, weight, extra string) string {
		return "  - {id: " + id + ", name: " + id + ", source: milestone_ontime_rate, weight: " + weight +
			", normalise: {method: goalposts, lower: 0, upper: 100" + extra + "}}\n"
	}
	tests := []struct {
		name  string
		rules string
		want  float64
	}{
		{"Goalposts", head + "indicators:\n" + goalposts("a", "60", "") + goalposts("b", "40", ""), 100},
		{"GoalpostsCap120", head + "indicators:\n" + goalposts("a", "60", ", cap: 120") + goalposts("b", "40", ""), 120},
		{"ZeroWeightUnbounded", head + "indicators:\n" + goalposts("a", "1", "") +
			"  - {id: b, name: b, source: progress_mean, weight: 0, normalise: {method: none}}\n", 100},
		{"Unbounded", head + "indicators:\n" + goalposts("a", "1", "") +
			"  - {id: b, name: b, source: progress_mean, weight: 1, normalise: {method: zscore}}\n", math.Inf(1)},
		{"MinMaxRange", head + "indicators:\n" +
			"  - {id: a, name: a, source: progress_mean, weight: 1, normalise: {method: minmax, range: [1, 90]}}\n", 90},
		{"Deduction", head + "indicators:\n" +
			"  - {id: a, name: a, source: milestone_red_months, weight: 1, direction: lower, " +
			"normalise: {method: deduction, per_case: 5, full: 80}}\n", 80},
		{"SumTimesFull", head + "aggregate: sum\nindicators:\n" +
			"  - {id: a, name: a, source: progress_mean, weight: 0.95, normalise: {method: goalposts, lower: 0, upper: 100}}\n" +
			"  - {id: b, name: b, source: assessment_total, weight: 1, full: 5, " +
			"normalise: {method: goalposts, lower: 0, upper: 5, cap: 5}}\n", 105},
		{"TrackWeights", "name: 上限\ntracks:\n  - name: 区县（市）\n  - name: 市直部门\n    weights: {a: 2}\n" +
			"aggregate: sum\nindicators:\n" + goalposts("a", "1", ""), 200},
		{"BonusCap", head + "inputs: [创新]\nbonus:\n  cap: 5\n  items:\n    - {id: x, name: 创新, source: 创新, points: 1}\n" +
			"indicators:\n" + goalposts("a", "1", ""), 105},
		{"BonusItemCaps", head + "inputs: [创新, 示范]\nbonus:\n  items:\n" +
			"    - {id: x, name: 创新, source: 创新, points: 1, cap: 3}\n" +
			"    - {id: y, name: 示范, source: 示范, points: 1, cap: 2}\n" +
			"indicators:\n" + goalposts("a", "1", ""), 105},
		{"BonusUncapped", head + "inputs: [创新]\nbonus:\n  items:\n    - {id: x, name: 创新, source: 创新, points: 1}\n" +
			"indicators:\n" + goalposts("a", "1", ""), math.Inf(1)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rs, err := ParseRuleSet([]byte(tt.rules))
			if err != nil {
				t.Fatalf("ParseRuleSet: %v\n%s", err, tt.rules)
			}
			if got := rs.CompositeMax(); math.Abs(got-tt.want) > 1e-9 && got != tt.want {
				t.Errorf("CompositeMax() = %g, want %g", got, tt.want)
			}
		})
	}
}

func TestCompositeMaxShippedRuleSets(t *testing.T) {
	for _, path := range []string{"../rulesets/2026.yaml", "../rulesets/example-full.yaml"} {
		rs, err := LoadRuleSet(path)
		if err != nil {
			t.Fatal(err)
		}
		if got := rs.CompositeMax(); math.IsInf(got, 0) || got < 100 {
			t.Errorf("%s: CompositeMax() = %g, want a finite bound of at least 100", path, got)
		}
	}
}

package scoring

import (
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"
	"testing"
)

// TestAnchorChineseRules runs every row of the worked examples of Chinese
// public-sector scoring rules through rule sets written for them.
func TestAnchorChineseRules(t *testing.T) {
	rows := readTable(t, "cn_gov_scoring_worked_examples.csv")
	if len(rows) < 50 {
		t.Fatalf("%d worked examples, want at least 50", len(rows))
	}
	for _, row := range rows {
		t.Run(row["rule_id"]+"/"+row["case"], func(t *testing.T) {
			run, ok := chineseRules[row["rule_id"]]
			if !ok {
				t.Fatalf("no rule set for %s", row["rule_id"])
			}
			got := run(t, row)
			want := row["expected"]
			if g, err := strconv.ParseFloat(got, 64); err == nil {
				w := number(t, want)
				places := decimals(want)
				if math.Abs(g-w) > 0.5*math.Pow(10, -float64(places))+1e-9 {
					t.Errorf("%s(%s) = %s, want %s", row["rule_id"], row["input"], got, want)
				}
				return
			}
			if got != want {
				t.Errorf("%s(%s) = %q, want %q", row["rule_id"], row["input"], got, want)
			}
		})
	}
}

// decimals returns the number of decimal places written in s.
func decimals(s string) int {
	if _, frac, ok := strings.Cut(s, "."); ok {
		return len(frac)
	}
	return 0
}

type ruleRun func(tb testing.TB, row map[string]string) string

var chineseRules = map[string]ruleRun{
	"BZ-1":     rankPointsRun("{method: rank_points, first: 60, step: 3}", "higher"),
	"BZ-2":     rankPointsRun("{method: rank_points, first: 20, step: 1}", "higher"),
	"BZ-3":     proportionalRun,
	"BZ-4":     reverseRankRun,
	"BZ-5":     thresholdRun,
	"BZ-6/7":   linearRun,
	"BZ-8/9":   linearRun,
	"BZ-11":    leafRun("{method: deduction, full: 1.5, per_case: 0.5, escalation: [{cases: 2, score: 0}]}", "higher"),
	"GW-7":     deductionCapRun,
	"GW-8/9":   notApplicableRun,
	"GW-3/4":   bonusGateRun,
	"GW-3":     bonusGateRun,
	"ZQ-1":     vetoScoreRun,
	"EC":       leafRun("{method: efficacy, not_allowed: 6, satisfied: 12}", "higher"),
	"DB-1":     leafRun("{method: frontier, worst: 200, frontier: 0.5}", "lower"),
	"QA-1/2":   annualRollUpRun,
	"MOF-1..3": gradeRun,
	"MY-3":     rankListRun,
	"MY-5":     rankListRun,
	"MY-7":     rankListRun,
	"GY-2":     warningRun,
	"GY-3":     warningRun,
}

func format(v float64) string { return strconv.FormatFloat(v, 'f', -1, 64) }

// oneLeaf is a rule set with a single indicator x read from input x.
func oneLeaf(normalise, direction string, extra string) string {
	return fmt.Sprintf(`name: 单项
tracks: [{name: %s}]
inputs: [x]
indicators:
  - {id: x, name: 指标, source: x, weight: 1, direction: %s, normalise: %s}
%s`, unitTrack, direction, normalise, extra)
}

// scoresOf evaluates values as units u0, u1, … and returns their leaf
// scores and results in input order.
func scoresOf(tb testing.TB, rules string, values []float64) ([]float64, []Result) {
	tb.Helper()
	var records []Record
	for i, v := range values {
		records = append(records, Record{Unit: fmt.Sprintf("u%02d", i), Values: map[string]float64{"x": v}})
	}
	got := evaluateAnchor(tb, rules, records)
	scores := make([]float64, len(values))
	results := make([]Result, len(values))
	for i := range values {
		r := got[fmt.Sprintf("u%02d", i)]
		scores[i], results[i] = r.Contributions[0].Score, r
	}
	return scores, results
}

func leafRun(normalise, direction string) ruleRun {
	return func(tb testing.TB, row map[string]string) string {
		scores, _ := scoresOf(tb, oneLeaf(normalise, direction, ""), []float64{number(tb, row["input"])})
		return format(scores[0])
	}
}

// rankPointsRun places the unit at the input rank among five units.
func rankPointsRun(normalise, direction string) ruleRun {
	return func(tb testing.TB, row map[string]string) string {
		rank := int(number(tb, row["input"]))
		values := []float64{50, 40, 30, 20, 10}
		scores, _ := scoresOf(tb, oneLeaf(normalise, direction, ""), values)
		return format(scores[rank-1])
	}
}

// proportionalRun scores the value against a best of 12 with 6 points.
func proportionalRun(tb testing.TB, row map[string]string) string {
	scores, _ := scoresOf(tb, oneLeaf("{method: proportional, full: 6}", "higher", ""),
		[]float64{number(tb, row["input"]), 12})
	return format(scores[0])
}

// reverseRankRun ranks the department among the six values of the case,
// lower being better: the best gets 2.0 and each place down 0.1 less.
func reverseRankRun(tb testing.TB, row map[string]string) string {
	values := []float64{100, 80, 120, 90, 150, 110}
	scores, _ := scoresOf(tb, oneLeaf("{method: rank_points, from: bottom, last: 1.5, step: 0.1}", "lower", ""), values)
	return format(scores[slices.Index(values, number(tb, row["input"]))])
}

func thresholdRun(tb testing.TB, row map[string]string) string {
	whole := strings.Contains(row["case"], "floor pct-points")
	rules := oneLeaf(fmt.Sprintf("{method: threshold, target: 20, full: 1, per: 0.05, whole: %v}", whole), "higher", "")
	scores, _ := scoresOf(tb, rules, []float64{number(tb, row["input"])})
	return format(scores[0])
}

func linearRun(tb testing.TB, row map[string]string) string {
	rules := oneLeaf("{method: linear, base: 1.5, up: 0.05, up_cap: 0.5, down: 0.1, down_cap: 2}", "higher", "")
	scores, _ := scoresOf(tb, rules, []float64{number(tb, row["input"])})
	return format(scores[0])
}

// deductionCapRun deducts the input's points from an indicator worth 10
// and returns the deduction taken.
func deductionCapRun(tb testing.TB, row map[string]string) string {
	scores, _ := scoresOf(tb, oneLeaf("{method: deduction, full: 10, per_case: 1}", "higher", ""),
		[]float64{number(tb, row["input"])})
	return format(10 - scores[0])
}

// notApplicableRun scores a unit without a service function: its 75-point
// part scored 63, and the sum is scaled up to 100.
func notApplicableRun(tb testing.TB, row map[string]string) string {
	rules := fmt.Sprintf(`name: 网站检查
aggregate: sum
tracks: [{name: %s}]
inputs: [basic, service]
indicators:
  - {id: basic, name: 基本指标, source: basic, weight: 1, full: 75, normalise: {method: none}}
  - {id: service, name: 服务指标, source: service, weight: 1, full: 25, not_applicable: rescale, normalise: {method: none}}
`, unitTrack)
	records := []Record{
		{Unit: "a", Values: map[string]float64{"basic": number(tb, row["input"])}, NotApplicable: []string{"service"}},
		{Unit: "b", Values: map[string]float64{"basic": 70, "service": 20}},
	}
	return format(evaluateAnchor(tb, rules, records)["a"].Value)
}

// bonusGateRun applies a bonus only above 80 and fails below 60.
func bonusGateRun(tb testing.TB, row map[string]string) string {
	rules := oneLeaf("{method: none}", "higher", `inputs: [x, extra]
fail_below: 60
bonus:
  above: 80
  cap: 30
  items: [{id: extra, name: 加分, source: extra, points: 1}]
`)
	rules = strings.Replace(rules, "inputs: [x]\n", "", 1)
	parts := strings.Split(row["input"], ";")
	values := map[string]float64{"x": number(tb, parts[0])}
	if len(parts) > 1 {
		values["extra"] = number(tb, parts[1])
	}
	r := evaluateAnchor(tb, rules, []Record{{Unit: "a", Values: values}})["a"]
	if r.Failed {
		return "fail"
	}
	return format(r.Value)
}

// vetoScoreRun gives a county account that hits a veto item 59 points,
// whatever it scored before.
func vetoScoreRun(tb testing.TB, row map[string]string) string {
	rules := strings.Replace(oneLeaf("{method: none}", "higher", `vetoes:
  - {id: hit, name: 否决项, source: veto, action: score, score: 59}
`), "inputs: [x]", "inputs: [x, veto]", 1)
	r := evaluateAnchor(tb, rules, []Record{{Unit: "a", Values: map[string]float64{"x": 92, "veto": 1}}})["a"]
	return format(r.Value)
}

// annualRollUpRun adds 0.95 × the mean of four quarters and the leadership
// points.
func annualRollUpRun(tb testing.TB, row map[string]string) string {
	rules := fmt.Sprintf(`name: 年度考核
aggregate: sum
tracks: [{name: %s}]
inputs: [q1, q2, q3, q4, lead]
groups:
  - {id: quarters, name: 季度平均, weight: 0.95}
indicators:
  - {id: q1, name: 一季度, source: q1, parent: quarters, weight: 1, normalise: {method: none}}
  - {id: q2, name: 二季度, source: q2, parent: quarters, weight: 1, normalise: {method: none}}
  - {id: q3, name: 三季度, source: q3, parent: quarters, weight: 1, normalise: {method: none}}
  - {id: q4, name: 四季度, source: q4, parent: quarters, weight: 1, normalise: {method: none}}
  - {id: lead, name: 领导评价, source: lead, weight: 1, normalise: {method: none}}
`, unitTrack)
	parts := strings.Split(row["input"], ";")
	values := map[string]float64{}
	for i, key := range []string{"q1", "q2", "q3", "q4", "lead"} {
		values[key] = number(tb, parts[i])
	}
	return format(evaluateAnchor(tb, rules, []Record{{Unit: "a", Values: values}})["a"].Value)
}

var gradeNames = map[string]string{"优秀": "excellent", "良好": "good", "中": "medium", "差": "poor"}

func gradeRun(tb testing.TB, row map[string]string) string {
	rs := mustParse(tb, oneLeaf("{method: none}", "higher", `grades:
  - {name: 优秀, min: 90}
  - {name: 良好, min: 80}
  - {name: 中, min: 60}
  - {name: 差}
`))
	return gradeNames[rs.Grade(number(tb, row["input"]))]
}

// rankListRun puts the unit at the input rank of a track of n units (12
// when the case gives no n) with its target exceeded, met or missed.
func rankListRun(tb testing.TB, row map[string]string) string {
	parts := strings.Split(row["input"], ";")
	rank, n := int(number(tb, parts[0])), 12
	if len(parts) > 2 {
		n = int(number(tb, parts[2]))
	}
	target := map[string]float64{"exceeded": 110, "met": 100, "missed": 90}[parts[1]]
	rules := strings.Replace(oneLeaf("{method: none}", "higher", `lists:
  - {name: red, top: 5, when: {source: target, above: 100}}
  - {name: black, bottom: 4, when: {source: target, below: 100}}
`), "inputs: [x]", "inputs: [x, target]", 1)

	var records []Record
	for i := range n {
		records = append(records, Record{Unit: fmt.Sprintf("u%02d", i+1), Values: map[string]float64{
			"x": float64(100 - i), "target": 100,
		}})
	}
	records[rank-1].Values["target"] = target
	r := evaluateAnchor(tb, rules, records)[fmt.Sprintf("u%02d", rank)]
	if r.Rank != rank {
		tb.Fatalf("unit placed at rank %d, want %d", r.Rank, rank)
	}
	if len(r.Lists) == 0 {
		return "none"
	}
	return strings.Join(r.Lists, ",")
}

// warningRun deducts 1 point for every 2 yellow warnings and 2 points per
// red warning, and returns the change in score.
func warningRun(tb testing.TB, row map[string]string) string {
	rules := strings.Replace(oneLeaf("{method: none}", "higher", `penalties:
  - {id: yellow, name: 黄牌, source: yellow, points: 1, every: 2}
  - {id: red, name: 红牌, source: red, points: 2}
`), "inputs: [x]", "inputs: [x, yellow, red]", 1)
	values := map[string]float64{"x": 90}
	if n, ok := strings.CutSuffix(row["input"], " yellow"); ok {
		values["yellow"] = number(tb, n)
	} else {
		values["red"] = 1
	}
	r := evaluateAnchor(tb, rules, []Record{{Unit: "a", Values: values}})["a"]
	return format(r.Value - r.Base)
}

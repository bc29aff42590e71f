package scoring

import (
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"strconv"
	"strings"
	"testing"

	"saima"
)

// gradedRules has one "none" indicator x, grades, a fail veto, a grade
// veto (一票否优) and a grade cap for the bottom 3.
var gradedRules = fmt.Sprintf(`name: 等次
tracks: [{name: %s}]
inputs: [x, fail, no_excellent]
indicators:
  - {id: x, name: 得分, source: x, weight: 1, normalise: {method: none}}
vetoes:
  - {id: stop, name: 一票否决, source: fail, action: fail}
  - {id: cap, name: 一票否优, source: no_excellent, action: grade, grade: 良好}
grades:
  - {name: 优秀, min: 90}
  - {name: 良好, min: 80}
  - {name: 合格, min: 60}
  - {name: 不合格}
grade_caps:
  - {bottom: 3, grade: 良好}
`, unitTrack)

func TestGradesVetoesAndCaps(t *testing.T) {
	records := []Record{
		{Unit: "a", Values: map[string]float64{"x": 99}},
		{Unit: "b", Values: map[string]float64{"x": 97, "fail": 1}},
		{Unit: "c", Values: map[string]float64{"x": 95, "no_excellent": 1}},
		{Unit: "d", Values: map[string]float64{"x": 94}},
		{Unit: "e", Values: map[string]float64{"x": 93}},
		{Unit: "f", Values: map[string]float64{"x": 0}},
	}
	got := evaluateAnchor(t, gradedRules, records)
	tests := []struct {
		unit   string
		value  float64
		rank   int
		grade  string
		failed bool
	}{
		{"a", 99, 1, "优秀", false},
		{"c", 95, 2, "良好", false}, // 一票否优
		{"d", 94, 3, "优秀", false},
		{"e", 93, 4, "良好", false}, // bottom 3 of 6 cannot be 优秀
		{"f", 0, 5, "不合格", false},
		{"b", 0, 6, "不合格", true}, // vetoed: fails, stops and ranks below f
	}
	for _, tt := range tests {
		t.Run(tt.unit, func(t *testing.T) {
			r := got[tt.unit]
			if r.Value != tt.value || r.Rank != tt.rank || r.Grade != tt.grade || r.Failed != tt.failed {
				t.Errorf("%s = %v rank %d %s failed=%v, want %v rank %d %s failed=%v",
					tt.unit, r.Value, r.Rank, r.Grade, r.Failed, tt.value, tt.rank, tt.grade, tt.failed)
			}
		})
	}
	if v := got["b"].Vetoes; !slices.Equal(v, []string{"stop"}) {
		t.Errorf("Vetoes of b = %v, want [stop]", v)
	}
}

func TestGradePlaces(t *testing.T) {
	tests := []struct {
		extra string
		value float64
		want  string
	}{
		{"", 89.96, "良好"},
		{"grade_places: 1\n", 89.96, "优秀"},
		{"grade_places: 1\n", 89.94, "良好"},
		{"grade_places: 1\n", 79.95, "良好"},
		// 89.94999999999999 is 89.95 after float noise, such as the
		// composite of 91, 94.2 and 84.3 under weights 40, 30 and 30. It
		// shows as 90.0, so it is graded as 90.
		{"grade_places: 1\n", 89.94999999999999, "优秀"},
		{"grade_places: 1\n", 59.949999999999996, "合格"},
		{"", 89.94999999999999, "良好"},
		{"", 60, "合格"},
		{"", 59.999, "不合格"},
	}
	for _, tt := range tests {
		name := fmt.Sprintf("%v/%s", tt.value, strings.TrimSpace(tt.extra))
		t.Run(name, func(t *testing.T) {
			rs := mustParse(t, gradedRules+tt.extra)
			if got := rs.Grade(tt.value); got != tt.want {
				t.Errorf("Grade(%v) = %s, want %s", tt.value, got, tt.want)
			}
		})
	}
}

func TestCompositeKeepsFullPrecision(t *testing.T) {
	rules := oneLeaf("{method: none}", "higher", "")
	_, results := scoresOf(t, rules, []float64{84.45, 84.449999})
	if results[0].Value != 84.45 {
		t.Errorf("Value = %v, want 84.45 unrounded", results[0].Value)
	}
	if got := saima.FormatComposite(results[0].Value); got != "84.5" {
		t.Errorf("FormatComposite(84.45) = %s, want 84.5", got)
	}
	if results[1].Rank != 2 {
		t.Errorf("84.449999 ranks %d, want 2 below 84.45 although both show 84.4 or 84.5", results[1].Rank)
	}
}

func TestRankPlaces(t *testing.T) {
	tests := []struct {
		extra  string
		values []float64
		want   []int
	}{
		{"", []float64{97.34, 97.26, 97.24}, []int{1, 2, 3}},
		{"rank_places: 1\n", []float64{97.34, 97.26, 97.24}, []int{1, 1, 3}},
		// 97.25 shows as 97.3 (half-up), so it ties with 97.3.
		{"rank_places: 1\n", []float64{97.3, 97.25, 97.2499}, []int{1, 1, 3}},
		{"rank_places: 1\n", []float64{84.45, 84.449999}, []int{1, 2}},
		{"rank_places: 0\n", []float64{97.4, 96.6, 96.4}, []int{1, 1, 3}},
		{"rank_places: 2\n", []float64{97.344, 97.336, 97.335, 97.3349}, []int{1, 1, 1, 4}},
	}
	for _, tt := range tests {
		name := fmt.Sprintf("%v/%s", tt.values, strings.TrimSpace(tt.extra))
		t.Run(name, func(t *testing.T) {
			rules := oneLeaf("{method: none}", "higher", tt.extra)
			_, results := scoresOf(t, rules, tt.values)
			got := make([]int, len(results))
			for i, r := range results {
				got[i] = r.Rank
			}
			if !slices.Equal(got, tt.want) {
				t.Errorf("ranks of %v = %v, want %v", tt.values, got, tt.want)
			}
		})
	}
}

// TestRankValueMatchesDisplay checks that two composites tie under
// rank_places 1 exactly when saima.FormatComposite shows them alike,
// including values at and next to a half.
func TestRankValueMatchesDisplay(t *testing.T) {
	onePlace := int32(1)
	rng := rand.New(rand.NewPCG(1, 2))
	values := []float64{0, 0.05, 0.15, 0.25, 84.45, 84.449999, 97.25, 97.35, 99.95, 100, 1.0000000001}
	for range 20_000 {
		// Multiples of 0.005 land on or beside the halves of one place.
		values = append(values, float64(rng.IntN(20_001))*0.005, rng.Float64()*100)
	}
	for _, v := range values {
		displayed, err := strconv.ParseFloat(saima.FormatComposite(v), 64)
		if err != nil {
			t.Fatal(err)
		}
		if got, want := RankValue(v, &onePlace), math.Round(displayed*10); got != want {
			t.Errorf("RankValue(%v, 1) = %v, want %v as %s shows", v, got, want, saima.FormatComposite(v))
		}
	}
}

func TestRankPlacesRange(t *testing.T) {
	for _, extra := range []string{"rank_places: -1\n", "rank_places: 7\n"} {
		_, err := ParseRuleSet([]byte(oneLeaf("{method: none}", "higher", extra)))
		if err == nil || !strings.Contains(err.Error(), "rank_places 须在 0 到 6 之间") {
			t.Errorf("%s: error = %v, want rank_places 须在 0 到 6 之间", strings.TrimSpace(extra), err)
		}
	}
}

func TestConstantIndicatorPolicies(t *testing.T) {
	tests := []struct {
		constant string
		want     float64 // score of every unit on the constant indicator
		weight   float64 // its share of the composite
	}{
		{"mid", 50, 0.5},
		{"max", 100, 0.5},
		{"min", 0, 0.5},
		{"drop", 0, 0},
	}
	for _, tt := range tests {
		t.Run(tt.constant, func(t *testing.T) {
			rules := fmt.Sprintf(`name: 常量
tracks: [{name: %s}]
inputs: [same, diff]
indicators:
  - {id: same, name: 相同, source: same, weight: 1, normalise: {method: minmax, constant: %s}}
  - {id: diff, name: 不同, source: diff, weight: 1, normalise: {method: minmax}}
`, unitTrack, tt.constant)
			got := evaluateAnchor(t, rules, []Record{
				{Unit: "a", Values: map[string]float64{"same": 7, "diff": 1}},
				{Unit: "b", Values: map[string]float64{"same": 7, "diff": 3}},
			})
			c := got["b"].Contributions
			if c[0].Score != tt.want || c[0].Weight != tt.weight {
				t.Errorf("constant indicator score %v weight %v, want %v and %v", c[0].Score, c[0].Weight, tt.want, tt.weight)
			}
			if want := tt.want*tt.weight + 100*(1-tt.weight); got["b"].Value != want {
				t.Errorf("composite of b = %v, want %v", got["b"].Value, want)
			}
		})
	}
}

// treeRules2 has two groups under an arithmetic root. The 市直部门 track
// overrides the group weights.
var treeRules2 = `name: 两级
tracks:
  - name: 区县（市）
  - name: 市直部门
    weights: {delivery: 1, quality: 3}
inputs: [a, b, c]
groups:
  - {id: delivery, name: 推进, weight: 60}
  - {id: quality, name: 质量, weight: 40}
indicators:
  - {id: a, name: 甲, source: a, parent: delivery, weight: 1, normalise: {method: none}}
  - {id: b, name: 乙, source: b, parent: delivery, weight: 3, not_applicable: rescale, normalise: {method: none}}
  - {id: c, name: 丙, source: c, parent: quality, weight: 1, not_applicable: track_mean, normalise: {method: none}}
`

func TestTreeSharesAndOverrides(t *testing.T) {
	rs := mustParse(t, treeRules2)
	units := []saima.Unit{
		{Name: "甲区", Kind: saima.KindDistrict}, {Name: "乙区", Kind: saima.KindDistrict},
		{Name: "甲局", Kind: saima.KindDepartment},
	}
	records := []Record{
		{Unit: "甲区", Values: map[string]float64{"a": 80, "b": 40, "c": 90}},
		{Unit: "乙区", Values: map[string]float64{"a": 60, "b": 100, "c": 70}, NotApplicable: []string{"b"}},
		{Unit: "甲局", Values: map[string]float64{"a": 100, "b": 60, "c": 50}},
	}
	results, err := EvaluateRecords(rs, q3, units, records, nil)
	if err != nil {
		t.Fatalf("EvaluateRecords: %v", err)
	}
	byUnit := map[string]Result{}
	for _, r := range results {
		byUnit[r.Unit] = r
	}

	// 甲区: delivery (80 + 3×40)/4 = 50, quality 90: 0.6×50 + 0.4×90 = 66.
	// 乙区: b does not apply, so delivery is a alone: 0.6×60 + 0.4×70 = 64.
	// 甲局: delivery (100 + 180)/4 = 70, quality 50, weights 1:3: 55.
	tests := []struct {
		unit     string
		value    float64
		delivery float64
		weights  []float64
	}{
		{"甲区", 66, 50, []float64{0.15, 0.45, 0.4}},
		{"乙区", 64, 60, []float64{0.6, 0, 0.4}},
		{"甲局", 55, 70, []float64{0.0625, 0.1875, 0.75}},
	}
	for _, tt := range tests {
		t.Run(tt.unit, func(t *testing.T) {
			r := byUnit[tt.unit]
			if math.Abs(r.Value-tt.value) > 1e-9 || math.Abs(r.Groups["delivery"]-tt.delivery) > 1e-9 {
				t.Errorf("composite %v, delivery %v; want %v and %v", r.Value, r.Groups["delivery"], tt.value, tt.delivery)
			}
			points := 0.0
			for i, c := range r.Contributions {
				points += c.Points
				if math.Abs(c.Weight-tt.weights[i]) > 1e-12 {
					t.Errorf("weight of %s = %v, want %v", c.Indicator, c.Weight, tt.weights[i])
				}
			}
			if math.Abs(points-r.Value) > 1e-9 {
				t.Errorf("points add up to %v, want the composite %v", points, r.Value)
			}
		})
	}
	if c := byUnit["乙区"].Contributions[1]; !c.Missing {
		t.Errorf("not-applicable contribution = %+v, want Missing", c)
	}
	if got, want := rs.Weights("市直部门"), []float64{0.0625, 0.1875, 0.75}; !slices.Equal(got, want) {
		t.Errorf("Weights(市直部门) = %v, want %v", got, want)
	}
}

func TestNotApplicableTrackMean(t *testing.T) {
	rs := mustParse(t, treeRules2)
	units := []saima.Unit{{Name: "甲区", Kind: saima.KindDistrict}, {Name: "乙区", Kind: saima.KindDistrict}, {Name: "丙区", Kind: saima.KindDistrict}}
	records := []Record{
		{Unit: "甲区", Values: map[string]float64{"a": 80, "b": 40, "c": 90}},
		{Unit: "乙区", Values: map[string]float64{"a": 60, "b": 100, "c": 70}},
		{Unit: "丙区", Values: map[string]float64{"a": 70, "b": 70, "c": 10}, NotApplicable: []string{"c"}},
	}
	results, err := EvaluateRecords(rs, q3, units, records, nil)
	if err != nil {
		t.Fatalf("EvaluateRecords: %v", err)
	}
	for _, r := range results {
		if r.Unit != "丙区" {
			continue
		}
		// c does not apply to 丙区 and takes the mean of 90 and 70: 80.
		if c := r.Contributions[2]; c.Score != 80 || !c.Missing || c.Weight != 0.4 {
			t.Errorf("contribution = %+v, want the track mean 80, missing, weight 0.4", c)
		}
	}
}

func TestAHPGroup(t *testing.T) {
	names, matrix := ahpMatrix(t)
	var rows []string
	for _, r := range matrix {
		var cells []string
		for _, v := range r {
			cells = append(cells, fmt.Sprint(v))
		}
		rows = append(rows, "["+strings.Join(cells, ", ")+"]")
	}
	var leaves strings.Builder
	for _, n := range names {
		fmt.Fprintf(&leaves, "  - {id: %s, name: %s, source: x, normalise: {method: none}}\n", n, n)
	}
	rules := func(table string, maxCR float64) string {
		return fmt.Sprintf(`name: 层次分析
tracks: [{name: %s}]
inputs: [x]
weighting: ahp
ahp:
  order: [%s]
  matrix: [%s]
  random_index: %s
  max_cr: %v
indicators:
%s`, unitTrack, strings.Join(names, ", "), strings.Join(rows, ", "), table, maxCR, leaves.String())
	}

	rs := mustParse(t, rules(RISaaty1980, 0.1))
	weights := rs.Weights(unitTrack)
	res, _ := AHPWeights(matrix, RISaaty1980)
	for i := range names {
		if math.Abs(weights[i]-res.Weights[i]) > 1e-15 {
			t.Errorf("weight of %s = %v, want %v", names[i], weights[i], res.Weights[i])
		}
	}

	_, err := ParseRuleSet([]byte(rules(RISaaty1980, 0.02)))
	if msg := fmt.Sprint(err); !strings.Contains(msg, "ahp.matrix：判断矩阵一致性比率 CR = 0.0223，超过上限 0.02，") {
		t.Errorf("ParseRuleSet with max_cr 0.02 = %v, want the consistency ratio rejected", err)
	}
	_, err = ParseRuleSet([]byte(rules(RISaaty1980, 0.00001)))
	if msg := fmt.Sprint(err); !strings.Contains(msg, "超过上限 0.00001，") {
		t.Errorf("ParseRuleSet with max_cr 0.00001 = %v, want the bound written without an exponent", err)
	}
	_, err = ParseRuleSet([]byte(rules("saaty1999", 0.1)))
	if msg := fmt.Sprint(err); !strings.Contains(msg, "判断矩阵无效") {
		t.Errorf("ParseRuleSet with an unknown random-index table = %v, want it rejected", err)
	}
}

func TestAHPWeightsRejectsBadMatrix(t *testing.T) {
	tests := []struct {
		name   string
		matrix [][]float64
	}{
		{"NotReciprocal", [][]float64{{1, 3}, {3, 1}}},
		{"NotSquare", [][]float64{{1, 2, 3}, {0.5, 1, 2}}},
		{"Negative", [][]float64{{1, -2}, {-0.5, 1}}},
		{"Empty", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if _, err := AHPWeights(tt.matrix, RISaaty1980); err == nil {
				t.Errorf("AHPWeights(%v) = nil error, want one", tt.matrix)
			}
		})
	}
}

func TestParseRuleSetStage2Errors(t *testing.T) {
	const head = "name: 测试\ntracks: [{name: t}]\ninputs: [x]\n"
	const leaf = "  - {id: a, name: 甲, source: x, weight: 1, normalise: {method: none}}\n"
	tests := []struct {
		name, yaml, wantPath, wantMsg string
	}{
		{"UnknownAggregate", head + "aggregate: median\nindicators:\n" + leaf, "aggregate", "未知的合成方法 \"median\""},
		{"UnknownWeighting", head + "weighting: equal\nindicators:\n" + leaf, "weighting", "未知的赋权方法 \"equal\""},
		{"UnknownParent", head + "indicators:\n  - {id: a, name: 甲, source: x, parent: g, weight: 1, normalise: {method: none}}\n",
			"indicators[0].parent", "没有 id 为 g 的分组"},
		{"GroupCycle", head + "groups:\n  - {id: g, name: 甲组, parent: h, weight: 1}\n  - {id: h, name: 乙组, parent: g, weight: 1}\nindicators:\n  - {id: a, name: 甲, source: x, parent: g, weight: 1, normalise: {method: none}}\n",
			"groups[0].parent", "形成了循环"},
		{"EmptyGroup", head + "groups:\n  - {id: g, name: 甲组, weight: 1}\nindicators:\n" + leaf, "groups[0]", "没有下级指标或分组"},
		{"GroupIDClash", head + "groups:\n  - {id: a, name: 甲组, weight: 1}\nindicators:\n" + leaf, "groups[0].id", "与其他分组或指标重复"},
		{"AHPWithoutMatrix", head + "weighting: ahp\nindicators:\n" + leaf, "ahp", "需要 ahp 判断矩阵"},
		{"AHPOrderMismatch", head + "weighting: ahp\nahp: {order: [b], matrix: [[1]]}\nindicators:\n" + leaf, "ahp.order", "order 须恰好列出全部下级 id"},
		{"UnknownInputSource", head + "indicators:\n" + leaf + "penalties:\n  - {id: p, name: 扣分, source: y, points: 1}\n", "penalties[0].source", "未知的数据来源 \"y\""},
		{"InputShadowsSource", "name: 测试\ntracks: [{name: t}]\ninputs: [progress_mean]\nindicators:\n" + leaf, "inputs[0]", "不能与内置数据来源同名"},
		{"VetoAction", head + "indicators:\n" + leaf + "vetoes:\n  - {id: v, name: 否决, source: x, action: warn}\n", "vetoes[0].action", "未知的否决方式 \"warn\""},
		{"VetoScoreMissing", head + "indicators:\n" + leaf + "vetoes:\n  - {id: v, name: 否决, source: x, action: score}\n", "vetoes[0].score", "需要 score"},
		{"GradeOrder", head + "indicators:\n" + leaf + "grades:\n  - {name: 良, min: 80}\n  - {name: 优, min: 90}\n", "grades[1].min", "等次须从高到低排列，min（90.00）须小于上一等次的 min（80.00）"},
		{"GradeCatchAllNotLast", head + "indicators:\n" + leaf + "grades:\n  - {name: 差}\n  - {name: 优, min: 90}\n", "grades[0].min", "只有最后一个等次可以不写 min"},
		{"GradeCapUnknownGrade", head + "indicators:\n" + leaf + "grades:\n  - {name: 优, min: 90}\ngrade_caps:\n  - {bottom: 3, grade: 良}\n", "grade_caps[0].grade", "没有名为 \"良\" 的等次"},
		{"ListTopAndBottom", head + "indicators:\n" + leaf + "lists:\n  - {name: 红榜, top: 3, bottom: 3}\n", "lists[0]", "top 和 bottom 须设且只设一个"},
		{"ListNameRepeated", head + "indicators:\n" + leaf + "lists:\n  - {name: 红榜, top: 3}\n  - {name: \" 红榜\", top: 5}\n",
			"lists[1].name", "名单名称 红榜 与 lists[0] 重复"},
		{"RobustnessNoise", head + "indicators:\n" + leaf + "robustness: {weight_noise: 1.5}\n", "robustness.weight_noise", "weight_noise 须在 0 到 1 之间"},
		{"RobustnessNormaliser", head + "indicators:\n" + leaf + "robustness: {normalisers: [{method: softmax}]}\n", "robustness.normalisers[0].method", "未知的标准化方法"},
		{"RankPointsNeedsStep", head + "indicators:\n  - {id: a, name: 甲, source: x, weight: 1, normalise: {method: rank_points, first: 60}}\n", "indicators[0].normalise.step", "需要字段 step"},
		{"EfficacyEqualPosts", head + "indicators:\n  - {id: a, name: 甲, source: x, weight: 1, normalise: {method: efficacy, not_allowed: 6, satisfied: 6}}\n", "indicators[0].normalise.satisfied", "不能相等"},
		{"ConstantPolicy", head + "indicators:\n  - {id: a, name: 甲, source: x, weight: 1, normalise: {method: zscore, constant: skip}}\n", "indicators[0].normalise.constant", "未知的常量指标处理方式"},
		{"NotApplicablePolicy", head + "not_applicable: zero\nindicators:\n" + leaf, "not_applicable", "未知的缺失值处理方式 \"zero\""},
		{"AHPOverride", "name: 测试\ntracks: [{name: t, weights: {a: 2}}]\ninputs: [x]\nweighting: ahp\nahp: {order: [a], matrix: [[1]]}\nindicators:\n" + leaf, "tracks[0].weights.a", "不能覆盖 a 的权重"},
		{"EntropyOverride", "name: 测试\ntracks: [{name: t}, {name: u, weights: {a: 2}}]\ninputs: [x]\nweighting: entropy\nindicators:\n" + leaf,
			"tracks[1].weights.a", "它的权重由熵权法按各单位的数据算出"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := ParseRuleSet([]byte(tt.yaml))
			if err == nil {
				t.Fatalf("ParseRuleSet = nil error, want a problem at %s", tt.wantPath)
			}
			problems := ruleProblems(t, err)
			if !slices.ContainsFunc(problems, func(p *RuleError) bool {
				return p.Path == tt.wantPath && strings.Contains(p.Message, tt.wantMsg)
			}) {
				t.Errorf("ParseRuleSet error = %v, want a problem at %q containing %q", err, tt.wantPath, tt.wantMsg)
			}
		})
	}
}

func TestEvaluateRecordsNonFiniteValues(t *testing.T) {
	rs := mustParse(t, oneLeaf("{method: minmax}", "higher", ""))
	units := []saima.Unit{{Name: "a", Track: unitTrack}, {Name: "b", Track: unitTrack}, {Name: "c", Track: unitTrack}}

	results, err := EvaluateRecords(rs, q3, units, []Record{
		{Unit: "a", Values: map[string]float64{"x": 1}},
		{Unit: "b", Values: map[string]float64{"x": math.NaN()}},
		{Unit: "c", Values: map[string]float64{"x": 3}},
	}, nil)
	if err != nil {
		t.Fatalf("EvaluateRecords: %v", err)
	}
	for _, r := range results {
		if r.Unit == "b" && (!r.Contributions[0].Missing || r.Value != 50) {
			t.Errorf("unit with NaN = %+v, want missing with the track mean 50", r.Contributions[0])
		}
	}

	_, err = EvaluateRecords(rs, q3, units, []Record{{Unit: "a", Values: map[string]float64{"x": math.Inf(1)}}}, nil)
	if msg := saima.ErrorMessage(err); !strings.Contains(msg, "单位 a 的 x 为无穷大") {
		t.Errorf("EvaluateRecords(+Inf) error = %v, want it to name the unit and source", err)
	}
}

// TestThresholdsIgnoreFloatNoise checks fail_below, the bonus gate and a
// list condition on a composite just below its decimal value. The
// composite 0.4 × 57 + 0.3 × 78 + 0.3 × 46 is 60, which float64
// arithmetic computes as 59.99999999999999, shown as 60.0.
func TestThresholdsIgnoreFloatNoise(t *testing.T) {
	rs := mustParse(t, `name: 阈值
tracks: [{name: 区县（市）}]
indicators:
  - {id: a, name: 甲, source: milestone_ontime_rate, weight: 40, normalise: {method: goalposts, lower: 0, upper: 100}}
  - {id: b, name: 乙, source: progress_vs_plan, weight: 30, normalise: {method: goalposts, lower: 0, upper: 100}}
  - {id: c, name: 丙, source: assessment_mean, weight: 30, normalise: {method: goalposts, lower: 0, upper: 100}}
bonus:
  above: 59.99
  items: [{id: closing, name: 闭环加分, source: problems_closed_rate, points: 0.01}]
fail_below: 60
grades: [{name: 合格, min: 60}, {name: 不合格}]
lists:
  - {name: 黑榜, bottom: 1, min_track: 1, when: {source: composite, below: 60}}
  - {name: 达标, top: 1, min_track: 1, when: {source: composite, at_least: 60.5}}
`)
	values := map[string]float64{SourceMilestoneOnTimeRate: 57, SourceProgressVsPlan: 78,
		SourceAssessmentMean: 46, SourceProblemsClosedRate: 50}
	units := []saima.Unit{{Name: "甲区", Kind: saima.KindDistrict}}
	results, err := EvaluateRecords(rs, saima.Quarter(2026, 3), units,
		[]Record{{Unit: "甲区", Values: values}}, nil)
	if err != nil {
		t.Fatal(err)
	}
	r := results[0]
	if got := saima.FormatComposite(r.Base); got != "60.0" {
		t.Fatalf("base composite shows %s, want 60.0", got)
	}
	if r.Failed {
		t.Errorf("Failed = true for a composite of 60 under fail_below: 60")
	}
	if r.Grade != "合格" {
		t.Errorf("Grade = %s, want 合格", r.Grade)
	}
	if r.Bonus != 0.5 {
		t.Errorf("Bonus = %v, want 0.5: a unit at 60 is not failed, so the gate of 59.99 passes", r.Bonus)
	}
	if slices.Contains(r.Lists, "黑榜") {
		t.Errorf("Lists = %v, want no 黑榜 for a composite of 60 under below: 60", r.Lists)
	}
	if !slices.Contains(r.Lists, "达标") {
		t.Errorf("Lists = %v, want 达标: 60 + 0.5 bonus reaches at_least: 60.5", r.Lists)
	}

	// The robustness draws adjust a base composite on their own path.
	ua := rs.Adjustments.prepare([]Record{{Unit: "甲区", Values: values}})[0]
	if got, want := ua.rankKey(r.Base), r.rankKey(nil); got != want {
		t.Errorf("draw rank key = %v, want %v as the run ranks", got, want)
	}
}

// A rule-set text stored before entropy overrides were rejected still
// parses, so its evaluation recomputes as it was published.
func TestStoredEntropyOverrideParses(t *testing.T) {
	text := "name: 测试\ntracks: [{name: t}, {name: u, weights: {a: 2}}]\ninputs: [x]\nweighting: entropy\n" +
		"indicators:\n  - {id: a, name: 甲, source: x, weight: 1, normalise: {method: none}}\n"
	if _, err := parseStored(text); err != nil {
		t.Errorf("parseStored = %v, want nil", err)
	}
}

// A stored rule-set text with two lists of one name still parses.
func TestStoredRepeatedListNameParses(t *testing.T) {
	text := "name: 测试\ntracks: [{name: t}]\ninputs: [x]\n" +
		"indicators:\n  - {id: a, name: 甲, source: x, weight: 1, normalise: {method: none}}\n" +
		"lists:\n  - {name: 红榜, top: 3}\n  - {name: 红榜, top: 5}\n"
	if _, err := parseStored(text); err != nil {
		t.Errorf("parseStored = %v, want nil", err)
	}
}

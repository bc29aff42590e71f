package scoring

import (
	"math"
	"slices"
	"strings"
	"testing"

	"saima"
)

// rules40x30x30 is the sample's three indicators on goalposts 0–100.
const rules40x30x30 = `
name: 测试规则
missing: %s
tracks:
  - name: 区县（市）
  - name: 市直部门
  - name: 市本级
    weights: {assess: 0}
indicators:
  - {id: ontime, name: 里程碑按期完成率, source: milestone_ontime_rate, weight: 40, normalise: {method: goalposts, lower: 0, upper: 100}}
  - {id: plan, name: 计划进度达成率, source: progress_vs_plan, weight: 30, normalise: {method: goalposts, lower: 0, upper: 100}}
  - {id: assess, name: 考评平均得分率, source: assessment_mean, weight: 30, normalise: {method: goalposts, lower: 0, upper: 100}}
`

func rules(tb testing.TB, missing string) *RuleSet {
	tb.Helper()
	return mustParse(tb, strings.Replace(rules40x30x30, "%s", missing, 1))
}

func district(name string) saima.Unit {
	return saima.Unit{Name: name, Kind: saima.KindDistrict}
}

var q3 = saima.Quarter(2026, 3)

// fourDistricts: 甲 75/80/90 → 81; 乙 100/60/70 → 79; 丙 70/80/90 → 79;
// 丁 has no facts.
var fourDistricts = []UnitFacts{
	{Unit: "甲", MilestonesDue: 4, MilestonesOnTime: 3, ProgressReports: 2, PlannedReports: 2, PlanAttainmentSum: 160, Assessments: 2, AssessmentPctSum: 180},
	{Unit: "乙", MilestonesDue: 5, MilestonesOnTime: 5, ProgressReports: 1, PlannedReports: 1, PlanAttainmentSum: 60, Assessments: 1, AssessmentPctSum: 70},
	{Unit: "丙", MilestonesDue: 10, MilestonesOnTime: 7, ProgressReports: 3, PlannedReports: 3, PlanAttainmentSum: 240, Assessments: 3, AssessmentPctSum: 270},
}

func fourUnits() []saima.Unit {
	return []saima.Unit{district("丁"), district("丙"), district("乙"), district("甲")}
}

type rankRow struct {
	unit  string
	value float64
	rank  int
}

func checkRanking(tb testing.TB, got []saima.Score, want []rankRow) {
	tb.Helper()
	if len(got) != len(want) {
		tb.Fatalf("Evaluate returned %d scores, want %d", len(got), len(want))
	}
	for i, w := range want {
		g := got[i]
		if g.Unit != w.unit || g.Rank != w.rank || math.Abs(g.Value-w.value) > 1e-9 {
			tb.Errorf("scores[%d] = %s %.12g rank %d, want %s %.12g rank %d",
				i, g.Unit, g.Value, g.Rank, w.unit, w.value, w.rank)
		}
	}
}

func TestEvaluateTrackMean(t *testing.T) {
	got, err := Evaluate(rules(t, MissingTrackMean), q3, fourUnits(), fourDistricts, map[string]int{"甲": 2, "乙": 1})
	if err != nil {
		t.Fatalf("Evaluate: %v", err)
	}

	// 丁 gets the track means 245/3, 220/3 and 250/3:
	// 0.4×245/3 + 0.3×220/3 + 0.3×250/3 = 239/3.
	checkRanking(t, got, []rankRow{
		{"甲", 81, 1},
		{"丁", 239.0 / 3, 2},
		{"丙", 79, 3},
		{"乙", 79, 3},
	})
	prev := map[string]int{}
	for _, s := range got {
		prev[s.Unit] = s.PrevRank
		if s.Period != q3 || s.Track != saima.KindDistrict || s.RuleSet != "测试规则" || len(s.RuleSetVersion) != 64 {
			t.Errorf("%s: period, track, rule set = %v, %q, %q %q; want 2026Q3, 区县（市）, 测试规则 and a version",
				s.Unit, s.Period, s.Track, s.RuleSet, s.RuleSetVersion)
		}
	}
	if prev["甲"] != 2 || prev["乙"] != 1 || prev["丙"] != 0 {
		t.Errorf("PrevRank = %v, want 甲 2, 乙 1 and 0 for the others", prev)
	}
}

func TestEvaluateContributions(t *testing.T) {
	got, err := Evaluate(rules(t, MissingTrackMean), q3, fourUnits(), fourDistricts, nil)
	if err != nil {
		t.Fatalf("Evaluate: %v", err)
	}
	tests := []struct {
		unit string
		want []saima.Contribution
	}{
		{"甲", []saima.Contribution{
			{Indicator: "ontime", Name: "里程碑按期完成率", Raw: 75, Score: 75, Weight: 0.4, Points: 30},
			{Indicator: "plan", Name: "计划进度达成率", Raw: 80, Score: 80, Weight: 0.3, Points: 24},
			{Indicator: "assess", Name: "考评平均得分率", Raw: 90, Score: 90, Weight: 0.3, Points: 27},
		}},
		{"丁", []saima.Contribution{
			{Indicator: "ontime", Name: "里程碑按期完成率", Missing: true, Score: 245.0 / 3, Weight: 0.4, Points: 0.4 * 245 / 3},
			{Indicator: "plan", Name: "计划进度达成率", Missing: true, Score: 220.0 / 3, Weight: 0.3, Points: 22},
			{Indicator: "assess", Name: "考评平均得分率", Missing: true, Score: 250.0 / 3, Weight: 0.3, Points: 25},
		}},
	}
	for _, tt := range tests {
		t.Run(tt.unit, func(t *testing.T) {
			s := findScore(t, got, tt.unit)
			checkContributions(t, s.Contributions, tt.want)
		})
	}
}

func findScore(tb testing.TB, scores []saima.Score, unit string) saima.Score {
	tb.Helper()
	for _, s := range scores {
		if s.Unit == unit {
			return s
		}
	}
	tb.Fatalf("no score for unit %s", unit)
	return saima.Score{}
}

func checkContributions(tb testing.TB, got, want []saima.Contribution) {
	tb.Helper()
	if len(got) != len(want) {
		tb.Fatalf("%d contributions, want %d", len(got), len(want))
	}
	near := func(a, b float64) bool { return math.Abs(a-b) <= 1e-9 }
	for i, w := range want {
		g := got[i]
		if g.Indicator != w.Indicator || g.Name != w.Name || g.Missing != w.Missing ||
			!near(g.Raw, w.Raw) || !near(g.Score, w.Score) || !near(g.Weight, w.Weight) || !near(g.Points, w.Points) {
			tb.Errorf("contribution %d = %+v, want %+v", i, g, w)
		}
	}
}

func TestEvaluateMissingZero(t *testing.T) {
	got, err := Evaluate(rules(t, MissingZero), q3, fourUnits(), fourDistricts, nil)
	if err != nil {
		t.Fatalf("Evaluate: %v", err)
	}
	checkRanking(t, got, []rankRow{
		{"甲", 81, 1},
		{"丙", 79, 2},
		{"乙", 79, 2},
		{"丁", 0, 4},
	})
}

func TestEvaluatePartlyMissing(t *testing.T) {
	// 乙 has no assessments: under track_mean it gets (90+90)/2 = 90 there,
	// so 40 + 18 + 27 = 85; under zero it gets 40 + 18 + 0 = 58.
	facts := []UnitFacts{
		{Unit: "甲", MilestonesDue: 4, MilestonesOnTime: 3, ProgressReports: 2, PlannedReports: 2, PlanAttainmentSum: 160, Assessments: 2, AssessmentPctSum: 180},
		{Unit: "乙", MilestonesDue: 5, MilestonesOnTime: 5, ProgressReports: 1, PlannedReports: 1, PlanAttainmentSum: 60},
		{Unit: "丙", MilestonesDue: 10, MilestonesOnTime: 7, ProgressReports: 3, PlannedReports: 3, PlanAttainmentSum: 240, Assessments: 3, AssessmentPctSum: 270},
	}
	units := []saima.Unit{district("甲"), district("乙"), district("丙")}
	tests := []struct {
		missing string
		want    []rankRow
	}{
		{MissingTrackMean, []rankRow{{"乙", 85, 1}, {"甲", 81, 2}, {"丙", 79, 3}}},
		{MissingZero, []rankRow{{"甲", 81, 1}, {"丙", 79, 2}, {"乙", 58, 3}}},
	}
	for _, tt := range tests {
		t.Run(tt.missing, func(t *testing.T) {
			got, err := Evaluate(rules(t, tt.missing), q3, units, facts, nil)
			if err != nil {
				t.Fatalf("Evaluate: %v", err)
			}
			checkRanking(t, got, tt.want)
		})
	}
}

func TestEvaluateIndicatorAbsentFromTrack(t *testing.T) {
	// No unit in the track has assessments, so that indicator is left out
	// and 40:30 becomes 4/7 and 3/7: 甲 = (4×75 + 3×80)/7 = 540/7.
	facts := []UnitFacts{
		{Unit: "甲", MilestonesDue: 4, MilestonesOnTime: 3, ProgressReports: 2, PlannedReports: 2, PlanAttainmentSum: 160},
		{Unit: "乙", MilestonesDue: 5, MilestonesOnTime: 5, ProgressReports: 1, PlannedReports: 1, PlanAttainmentSum: 60},
	}
	units := []saima.Unit{district("甲"), district("乙")}
	got, err := Evaluate(rules(t, MissingTrackMean), q3, units, facts, nil)
	if err != nil {
		t.Fatalf("Evaluate: %v", err)
	}
	checkRanking(t, got, []rankRow{{"乙", 580.0 / 7, 1}, {"甲", 540.0 / 7, 2}})
	c := findScore(t, got, "甲").Contributions[2]
	if !c.Missing || c.Weight != 0 || c.Points != 0 || c.Score != 0 {
		t.Errorf("absent indicator = %+v, want missing with score, weight and points 0", c)
	}
}

func TestEvaluateOneUnitTracks(t *testing.T) {
	units := []saima.Unit{
		district("甲"),
		{Name: "市大数据局", Kind: saima.KindDepartment},
		{Name: "市本级", Kind: saima.KindOther, Track: saima.KindCity},
	}
	facts := []UnitFacts{
		{Unit: "甲", MilestonesDue: 4, MilestonesOnTime: 3},
		{Unit: "市大数据局", ProgressReports: 1, PlannedReports: 1, PlanAttainmentSum: 50, Assessments: 1, AssessmentPctSum: 100},
		{Unit: "市本级", MilestonesDue: 2, MilestonesOnTime: 1, ProgressReports: 2, PlannedReports: 2, PlanAttainmentSum: 120, Assessments: 1, AssessmentPctSum: 10},
	}
	got, err := Evaluate(rules(t, MissingTrackMean), q3, units, facts, nil)
	if err != nil {
		t.Fatalf("Evaluate: %v", err)
	}

	// 甲 has only milestones, so they carry all the weight: 75.
	// 市大数据局: (3×50 + 3×100)/6 = 75. 市本级 drops assessments by its
	// override: (4×50 + 3×60)/7 = 380/7.
	want := []struct {
		unit, track string
		value       float64
	}{
		{"甲", saima.KindDistrict, 75},
		{"市大数据局", saima.KindDepartment, 75},
		{"市本级", saima.KindCity, 380.0 / 7},
	}
	if len(got) != len(want) {
		t.Fatalf("Evaluate returned %d scores, want %d", len(got), len(want))
	}
	for i, w := range want {
		g := got[i]
		if g.Unit != w.unit || g.Track != w.track || g.Rank != 1 || math.Abs(g.Value-w.value) > 1e-9 {
			t.Errorf("scores[%d] = %s in %s: %.12g rank %d, want %s in %s: %.12g rank 1",
				i, g.Unit, g.Track, g.Value, g.Rank, w.unit, w.track, w.value)
		}
	}
}

func TestEvaluateMinMax(t *testing.T) {
	rs := mustParse(t, `
name: 极差
tracks: [{name: 区县（市）}]
indicators:
  - {id: ontime, name: 按期率, source: milestone_ontime_rate, weight: 1, normalise: {method: minmax}}
  - {id: assess, name: 考评, source: assessment_mean, weight: 1, direction: lower, normalise: {method: minmax, range: [60, 100]}}
`)
	facts := []UnitFacts{
		{Unit: "甲", MilestonesDue: 4, MilestonesOnTime: 1, Assessments: 1, AssessmentPctSum: 10},
		{Unit: "乙", MilestonesDue: 4, MilestonesOnTime: 2, Assessments: 1, AssessmentPctSum: 20},
		{Unit: "丙", MilestonesDue: 4, MilestonesOnTime: 4, Assessments: 1, AssessmentPctSum: 30},
	}
	units := []saima.Unit{district("甲"), district("乙"), district("丙")}
	got, err := Evaluate(rs, q3, units, facts, nil)
	if err != nil {
		t.Fatalf("Evaluate: %v", err)
	}

	// ontime 25, 50, 100 → 0, 100/3, 100; assess (lower is better) 10, 20,
	// 30 → 100, 80, 60. Composites: 50, (100/3 + 80)/2 = 170/3, 80.
	checkRanking(t, got, []rankRow{{"丙", 80, 1}, {"乙", 170.0 / 3, 2}, {"甲", 50, 3}})
}

func TestEvaluateErrors(t *testing.T) {
	rs := rules(t, MissingTrackMean)
	tests := []struct {
		name   string
		period saima.Period
		units  []saima.Unit
		facts  []UnitFacts
		want   string
	}{
		{"ZeroPeriod", saima.Period{}, []saima.Unit{district("甲")}, nil, "缺少考评期间"},
		{"UnknownTrack", q3, []saima.Unit{{Name: "甲", Kind: saima.KindOther}}, nil, "单位 甲 的赛道“其他”不在规则集"},
		{"DuplicateUnit", q3, []saima.Unit{district("甲"), district("甲")}, nil, "单位 甲 在名单中出现了两次"},
		{"UnnamedUnit", q3, []saima.Unit{district("")}, nil, "名称为空的单位"},
		{"FactsForUnknownUnit", q3, []saima.Unit{district("甲")}, []UnitFacts{{Unit: "乙"}}, "统计数据中的单位 乙 不在单位名单中"},
		{"DuplicateFacts", q3, []saima.Unit{district("甲")}, []UnitFacts{{Unit: "甲"}, {Unit: "甲"}}, "单位 甲 的统计数据出现了两次"},
		{"OnTimeAboveDue", q3, []saima.Unit{district("甲")}, []UnitFacts{{Unit: "甲", MilestonesDue: 1, MilestonesOnTime: 2}}, "大于应完成数"},
		{"NegativeCount", q3, []saima.Unit{district("甲")}, []UnitFacts{{Unit: "甲", Assessments: -1}}, "负数计数"},
		{"InfiniteSum", q3, []saima.Unit{district("甲")}, []UnitFacts{{Unit: "甲", Assessments: 1, AssessmentPctSum: math.Inf(1)}}, "非数值"},
		{"NaNSum", q3, []saima.Unit{district("甲")}, []UnitFacts{{Unit: "甲", ProgressReports: 1, ProgressSum: math.NaN()}}, "非数值"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := Evaluate(rs, tt.period, tt.units, tt.facts, nil)
			if err == nil {
				t.Fatalf("Evaluate = %d scores, nil; want an error containing %q", len(got), tt.want)
			}
			if k := saima.ErrorKind(err); k != saima.KindInvalid {
				t.Errorf("ErrorKind = %v, want %v", k, saima.KindInvalid)
			}
			if msg := saima.ErrorMessage(err); !strings.Contains(msg, tt.want) {
				t.Errorf("ErrorMessage = %q, want it to contain %q", msg, tt.want)
			}
		})
	}
}

func TestEvaluateNoUnits(t *testing.T) {
	got, err := Evaluate(rules(t, MissingTrackMean), q3, nil, nil, nil)
	if err != nil || len(got) != 0 {
		t.Errorf("Evaluate(no units) = %v, %v; want no scores and no error", got, err)
	}
}

func TestRank(t *testing.T) {
	tests := []struct {
		name   string
		values []float64
		want   []int
	}{
		{"Distinct", []float64{3, 1, 2}, []int{1, 3, 2}},
		{"TwoWayTie", []float64{90, 80, 80, 70}, []int{1, 2, 2, 4}},
		{"TieAtTop", []float64{5, 5, 5}, []int{1, 1, 1}},
		{"FloatNoise", []float64{noisyPointThree(), 0.3, 0.2}, []int{1, 1, 3}},
		{"BelowRounding", []float64{50.0000000004, 50, 49.9999999996}, []int{1, 1, 1}},
		{"AboveRounding", []float64{50.000000002, 50}, []int{1, 2}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := competitionRanks(tt.values)
			if !slices.Equal(got, tt.want) {
				t.Errorf("rank(%v) = %v, want %v", tt.values, got, tt.want)
			}
		})
	}
}

// noisyPointThree returns 0.1 + 0.2 computed at run time, which is
// 0.30000000000000004; Go would fold the constant expression to exactly 0.3.
func noisyPointThree() float64 {
	a, b := 0.1, 0.2
	return a + b
}

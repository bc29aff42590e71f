package scoring

import (
	"math"
	"testing"

	"github.com/shopspring/decimal"

	"saima"
)

func TestNormaliserApply(t *testing.T) {
	tests := []struct {
		name      string
		n         Normaliser
		direction string
		values    []float64
		want      []float64
	}{
		{"NoneKeepsValues", Normaliser{Method: NormNone}, HigherIsBetter,
			[]float64{-5, 50, 130}, []float64{-5, 50, 130}},
		{"GoalpostsClamp", Normaliser{Method: NormGoalposts, Lower: 20, Upper: 70, Cap: 100}, HigherIsBetter,
			[]float64{10, 20, 45, 70, 90}, []float64{0, 0, 50, 100, 100}},
		{"GoalpostsCap120", Normaliser{Method: NormGoalposts, Lower: 0, Upper: 50, Cap: 120}, HigherIsBetter,
			[]float64{25, 55, 100}, []float64{50, 110, 120}},
		{"GoalpostsLowerIsBetter", Normaliser{Method: NormGoalposts, Lower: 0, Upper: 200, Cap: 100}, LowerIsBetter,
			[]float64{0, 50, 200, 250}, []float64{100, 75, 0, 0}},
		{"MinMax", Normaliser{Method: NormMinMax, Range: []float64{0, 100}, Constant: ConstantMid}, HigherIsBetter,
			[]float64{2, 4, 10}, []float64{0, 25, 100}},
		{"MinMaxRange", Normaliser{Method: NormMinMax, Range: []float64{1, 100}, Constant: ConstantMid}, HigherIsBetter,
			[]float64{2, 4, 10}, []float64{1, 25.75, 100}},
		{"MinMaxLowerIsBetter", Normaliser{Method: NormMinMax, Range: []float64{0, 100}, Constant: ConstantMid}, LowerIsBetter,
			[]float64{2, 4, 10}, []float64{100, 75, 0}},
		{"ConstantMid", Normaliser{Method: NormMinMax, Range: []float64{0, 100}, Constant: ConstantMid}, HigherIsBetter,
			[]float64{7, 7}, []float64{50, 50}},
		{"ConstantMax", Normaliser{Method: NormMinMax, Range: []float64{60, 100}, Constant: ConstantMax}, HigherIsBetter,
			[]float64{7}, []float64{100}},
		{"ConstantMin", Normaliser{Method: NormMinMax, Range: []float64{60, 100}, Constant: ConstantMin}, LowerIsBetter,
			[]float64{7, 7, 7}, []float64{60, 60, 60}},
		{"ZScoreScaled", Normaliser{Method: NormZScore, Mean: 50, SD: 10, Constant: ConstantMid}, HigherIsBetter,
			[]float64{1, 2, 3}, []float64{40, 50, 60}},
		{"ZScoreConstant", Normaliser{Method: NormZScore, Mean: 50, SD: 10, Constant: ConstantMax}, HigherIsBetter,
			[]float64{4, 4}, []float64{50, 50}},
		{"RankTiesLowerIsBetter", Normaliser{Method: NormRank}, LowerIsBetter,
			[]float64{5, 1, 5, 9}, []float64{2, 4, 2, 1}},
		{"PercentileOneUnit", Normaliser{Method: NormPercentile, Constant: ConstantMax}, HigherIsBetter,
			[]float64{3}, []float64{100}},
		{"FrontierClamp", Normaliser{Method: NormFrontier, Worst: 200, Frontier: 0.5}, HigherIsBetter,
			[]float64{0, 20, 250}, []float64{100, 180 / 1.995, 0}},
		{"EfficacyCap", Normaliser{Method: NormEfficacy, NotAllowed: 6, Satisfied: 12, Base: 60, Span: 40, Cap: 100}, HigherIsBetter,
			[]float64{3, 9, 18}, []float64{40, 80, 100}},
		{"ProportionalLowerIsBetter", Normaliser{Method: NormProportional, Full: 10}, LowerIsBetter,
			[]float64{2, 4, 8}, []float64{10, 5, 2.5}},
		{"ProportionalBestZero", Normaliser{Method: NormProportional, Full: 10}, HigherIsBetter,
			[]float64{0, 0}, []float64{0, 0}},
		{"VectorLowerIsBetter", Normaliser{Method: NormVector}, LowerIsBetter,
			[]float64{3, 4}, []float64{-0.6, -0.8}},
		{"RankPointsTableTies", Normaliser{Method: NormRankPoints, Points: []float64{10, 8, 6}, From: "top"}, HigherIsBetter,
			[]float64{9, 9, 5, 1, 0}, []float64{10, 10, 6, 6, 6}},
		{"RankPointsFloor", Normaliser{Method: NormRankPoints, First: 5, Step: 2, From: "top", Floor: ptr(0.0)}, HigherIsBetter,
			[]float64{4, 3, 2, 1}, []float64{5, 3, 1, 0}},
		{"ThresholdLowerIsBetter", Normaliser{Method: NormThreshold, Target: 40, Full: 2, Per: 0.5, Floor: ptr(0.0)}, LowerIsBetter,
			[]float64{38, 40, 41.5, 50}, []float64{2, 2, 1.25, 0}},
		{"LinearNoCaps", Normaliser{Method: NormLinear, Base: 1, Up: 0.5, Down: 0.25}, HigherIsBetter,
			[]float64{4, 0, -8}, []float64{3, 1, -1}},
		{"DeductionEscalation", Normaliser{Method: NormDeduction, Full: 10, PerCase: 2, Cap: 5, Escalation: []Escalation{{Cases: 4, Score: 1}}}, HigherIsBetter,
			[]float64{0, 1, 3, 4}, []float64{10, 8, 5, 1}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := tt.n.Apply(tt.values, tt.direction)
			if len(got) != len(tt.want) {
				t.Fatalf("Apply(%v) = %v, want %v", tt.values, got, tt.want)
			}
			for i := range got {
				if math.Abs(got[i]-tt.want[i]) > 1e-12 {
					t.Errorf("Apply(%v) = %v, want %v", tt.values, got, tt.want)
					break
				}
			}
		})
	}
}

func ptr(v float64) *float64 { return &v }

func TestUnitFactsValue(t *testing.T) {
	f := UnitFacts{
		Unit: "甲", MilestonesDue: 8, MilestonesOnTime: 6,
		ProgressReports: 4, PlannedReports: 4, ProgressSum: 250, PlanAttainmentSum: 330,
		Assessments: 0, AssessmentPctSum: 0,
	}
	tests := []struct {
		source string
		want   float64
		ok     bool
	}{
		{SourceMilestoneOnTimeRate, 75, true},
		{SourceProgressMean, 62.5, true},
		{SourceProgressVsPlan, 82.5, true},
		{SourceAssessmentMean, 0, false},
		{"unknown", 0, false},
	}
	for _, tt := range tests {
		t.Run(tt.source, func(t *testing.T) {
			got, ok := f.Value(tt.source)
			if got != tt.want || ok != tt.ok {
				t.Errorf("Value(%s) = %v, %v; want %v, %v", tt.source, got, ok, tt.want, tt.ok)
			}
		})
	}
}

// Reports on projects whose plan is unknown count for the mean 完成率 but
// not against a plan: with none planned, progress_vs_plan is missing.
func TestUnitFactsPlanUnknown(t *testing.T) {
	f := UnitFacts{Unit: "甲", ProgressReports: 3, ProgressSum: 90}
	if got, ok := f.Value(SourceProgressMean); !ok || got != 30 {
		t.Errorf("Value(progress_mean) = %v, %v; want 30, true", got, ok)
	}
	if got, ok := f.Value(SourceProgressVsPlan); ok {
		t.Errorf("Value(progress_vs_plan) = %v, true; want missing", got)
	}
	f.PlannedReports, f.PlanAttainmentSum = 1, 80
	if got, ok := f.Value(SourceProgressVsPlan); !ok || got != 80 {
		t.Errorf("Value(progress_vs_plan) with one planned report = %v, %v; want 80, true", got, ok)
	}
	f.PlannedReports = 4
	if err := f.check(); err == nil {
		t.Error("check() of more planned reports than reports = nil, want an error")
	}
}

func TestProgressEvidenceUse(t *testing.T) {
	pct := decimal.NewNullDecimal(decimal.NewFromInt(40))
	tests := []struct {
		ev   ProgressEvidence
		want string
	}{
		{ProgressEvidence{ProgressReport: saima.ProgressReport{Percent: pct}, Counted: true, Planned: true, Attainment: 99.125},
			"计入，计划达成 99.13%"},
		{ProgressEvidence{ProgressReport: saima.ProgressReport{Percent: pct}, Counted: true},
			"只计入平均完成率：项目没有开始日期或计划完成日期，不与计划比较"},
		{ProgressEvidence{}, "不计入：完成率未填报"},
		{ProgressEvidence{ProgressReport: saima.ProgressReport{Percent: pct}}, "不计入：以该项目最近一次填报为准"},
	}
	for _, tt := range tests {
		if got := tt.ev.Use(); got != tt.want {
			t.Errorf("Use() = %q, want %q", got, tt.want)
		}
	}
}

// meanOf returns the mean of xs, computed at run time as the store's
// facts are, so that it carries the floating-point error of the sum.
func meanOf(xs ...float64) float64 {
	s := 0.0
	for _, x := range xs {
		s += x
	}
	return s / float64(len(xs))
}

func TestNormaliserFloatNoiseTies(t *testing.T) {
	// Two units whose mean 完成率 is 49.95: one reported 33.3 % and
	// 66.6 %, the other 49.95 % twice. The first mean is 49.949999999999996.
	noisy, exact := meanOf(33.3, 66.6), meanOf(49.95, 49.95)
	if noisy == exact {
		t.Fatalf("meanOf(33.3, 66.6) = meanOf(49.95, 49.95) = %v; the test needs the float error", noisy)
	}
	methods := []Normaliser{
		{Method: NormMinMax, Range: []float64{0, 100}, Constant: ConstantMid},
		{Method: NormZScore, SD: 1, Constant: ConstantMid},
		{Method: NormRank},
		{Method: NormPercentile, Constant: ConstantMid},
		{Method: NormBorda},
		{Method: NormRankPoints, Points: []float64{100, 95, 90}, From: "top"},
	}
	for _, n := range methods {
		for _, dir := range []string{HigherIsBetter, LowerIsBetter} {
			t.Run(n.Method+"/"+dir, func(t *testing.T) {
				three := n.Apply([]float64{noisy, exact, 80}, dir)
				if math.Abs(three[0]-three[1]) > 1e-9 {
					t.Errorf("Apply(%v, %v, 80) = %v, want the first two equal", noisy, exact, three)
				}
				two := n.Apply([]float64{noisy, exact}, dir)
				same := n.Apply([]float64{exact, exact}, dir)
				for i := range two {
					if math.Abs(two[i]-same[i]) > 1e-9 {
						t.Errorf("Apply(%v, %v) = %v, want %v as for equal values", noisy, exact, two, same)
						break
					}
				}
			})
		}
	}
}

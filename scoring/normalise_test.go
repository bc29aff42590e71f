package scoring

import (
	"math"
	"testing"
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

func TestUnitFactsValue(t *testing.T) {
	f := UnitFacts{
		Unit: "甲", MilestonesDue: 8, MilestonesOnTime: 6,
		ProgressReports: 4, ProgressSum: 250, PlanAttainmentSum: 330,
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

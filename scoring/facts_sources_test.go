package scoring

import "testing"

func TestUnitFactsNewSources(t *testing.T) {
	f := UnitFacts{Unit: "慈溪市", Assessments: 3, AssessmentScoreSum: 100.5,
		ProblemsOpened: 4, ProblemsClosed: 3, ProblemCloseDaysSum: 30,
		ProblemsClosedByLevel: [4]int{0, 2, 1, 0}, ProblemCloseDaysByLevel: [4]float64{0, 10, 20, 0}}
	tests := []struct {
		source string
		want   float64
		ok     bool
	}{
		{SourceAssessmentTotal, 100.5, true},
		{SourceProblemsClosedRate, 75, true},
		{SourceProblemsMeanDays, 10, true},
		{SourceProblemsMeanDaysLevel1, 5, true},
		{SourceProblemsMeanDaysLevel2, 20, true},
		{SourceProblemsMeanDaysLevel3, 0, false},
	}
	for _, tt := range tests {
		got, ok := f.Value(tt.source)
		if got != tt.want || ok != tt.ok {
			t.Errorf("Value(%s) = %v, %v; want %v, %v", tt.source, got, ok, tt.want, tt.ok)
		}
	}

	empty := UnitFacts{Unit: "余姚市"}
	for _, src := range []string{SourceAssessmentTotal, SourceProblemsClosedRate, SourceProblemsMeanDays} {
		if _, ok := empty.Value(src); ok {
			t.Errorf("Value(%s) of a unit without data is present, want missing", src)
		}
	}
	bad := UnitFacts{Unit: "x", ProblemsOpened: 1, ProblemsClosed: 2}
	if err := bad.check(); err == nil {
		t.Error("check accepted more problems closed than opened")
	}
}

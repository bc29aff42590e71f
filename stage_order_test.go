package saima

import (
	"slices"
	"testing"
)

// TestCompareStageEvents checks the order of one project's events: by
// date, and on one day by lifecycle, with a change last in its round and
// 退出 or 完成 after everything.
func TestCompareStageEvents(t *testing.T) {
	day := NewDate(2026, 9, 1)
	events := []StageEvent{
		{Stage: "完成", Date: day},
		{Stage: "论证", Date: day, Round: 2},
		{Stage: StageChange, Date: day, Round: 1},
		{Stage: "实施", Date: day, Round: 1},
		{Stage: "预报", Date: day.AddDays(-30)},
	}
	slices.SortFunc(events, CompareStageEvents)
	var got []string
	for _, e := range events {
		got = append(got, e.Stage)
	}
	want := []string{"预报", "实施", StageChange, "论证", "完成"}
	if !slices.Equal(got, want) {
		t.Errorf("order = %q, want %q", got, want)
	}
}

func TestCountedStage(t *testing.T) {
	tests := []struct{ stage, want string }{
		{StageChange, "论证"},
		{"论证", "论证"},
		{"实施", "实施"},
		{"退出", "退出"},
		{"", ""},
	}
	for _, tt := range tests {
		if got := CountedStage(tt.stage); got != tt.want {
			t.Errorf("CountedStage(%q) = %q, want %q", tt.stage, got, tt.want)
		}
	}
}

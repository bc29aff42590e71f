package saima

import (
	"fmt"
	"testing"
)

func TestBuildLeaderItems(t *testing.T) {
	start := NewDate(2025, 9, 1)
	projects := []Project{
		{Code: "A", LeaderLed: true, Leader: "王市长", StartDate: &start},
		{Code: "B"},
		{Code: "C", Leader: "李副市长"},
	}
	reports := []LeaderReport{
		{ProjectCode: "A", Half: HalfYear{2025, 2}},
		{ProjectCode: "C", Half: HalfYear{2026, 1}},
	}
	tests := []struct {
		name    string
		last    HalfYear
		today   Date
		want    string // per item: code and each half, ! for overdue, + for reported
		overdue bool   // A has an overdue report
	}{
		{"WithinGrace", HalfYear{2026, 2}, NewDate(2026, 7, 15),
			"A 2025H2+ 2026H1 2026H2 | C 2026H1+ 2026H2", false},
		{"AfterGrace", HalfYear{2026, 2}, NewDate(2026, 7, 16),
			"A 2025H2+ 2026H1! 2026H2 | C 2026H1+ 2026H2", true},
		{"EarlierHalfJudgedToday", HalfYear{2026, 1}, NewDate(2026, 7, 16),
			"A 2025H2+ 2026H1! | C 2026H1+", true},
		{"EarlierHalfNotYetDue", HalfYear{2026, 1}, NewDate(2026, 7, 15),
			"A 2025H2+ 2026H1 | C 2026H1+", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			items := BuildLeaderItems(projects, reports, nil, tt.last, tt.today)
			got := ""
			for i, it := range items {
				if i > 0 {
					got += " | "
				}
				got += it.Project.Code
				for _, h := range it.Halves {
					got += " " + h.Half.String()
					if h.Report != nil {
						got += "+"
					}
					if h.Overdue {
						got += "!"
					}
				}
			}
			if got != tt.want {
				t.Errorf("BuildLeaderItems(%s) = %q, want %q", tt.today, got, tt.want)
			}
			if n := items[0].OverdueCount(); (n > 0) != tt.overdue {
				t.Errorf("OverdueCount(A) on %s = %d, want overdue %t", tt.today, n, tt.overdue)
			}
		})
	}
}

// A half year that begins after a project was finished or exited is not
// due, and a project that has neither started nor reported owes nothing.
func TestBuildLeaderItemsLifecycle(t *testing.T) {
	start := NewDate(2025, 9, 1)
	projects := []Project{
		{Code: "DONE", LeaderLed: true, StartDate: &start},
		{Code: "EXIT", LeaderLed: true, StartDate: &start},
		{Code: "NOSTART", LeaderLed: true},
		{Code: "LATER", LeaderLed: true, StartDate: ptrDate(NewDate(2027, 3, 1))},
	}
	history := []StageEvent{
		{ProjectCode: "DONE", Stage: "预报", Date: NewDate(2025, 5, 1)},
		{ProjectCode: "DONE", Stage: "完成", Date: NewDate(2026, 3, 25)},
		{ProjectCode: "EXIT", Stage: "预报", Date: NewDate(2025, 5, 1)},
		{ProjectCode: "EXIT", Stage: "退出", Date: NewDate(2026, 8, 1)},
		{ProjectCode: "NOSTART", Stage: "预报", Date: NewDate(2026, 10, 1)},
	}
	reports := []LeaderReport{
		{ProjectCode: "DONE", Half: HalfYear{2025, 2}, Submitted: NewDate(2026, 1, 10)},
		{ProjectCode: "DONE", Half: HalfYear{2026, 1}, Submitted: NewDate(2026, 8, 1)},
		{ProjectCode: "EXIT", Half: HalfYear{2025, 2}, Submitted: NewDate(2026, 1, 15)},
	}
	items := BuildLeaderItems(projects, reports, history, HalfYear{2027, 1}, NewDate(2027, 1, 20))
	got := ""
	for _, it := range items {
		got += it.Project.Code
		for _, h := range it.Halves {
			got += " " + h.Half.String()
			if h.Overdue {
				got += "!"
			}
			if d := h.DaysLate(); d > 0 {
				got += fmt.Sprintf("+%d", d)
			}
		}
		got += " | "
	}
	// DONE owes nothing after 2026H1; EXIT exited in 2026H2, which is
	// still due and now overdue. Its 2026H1 report is missing.
	want := "DONE 2025H2 2026H1+17 | EXIT 2025H2 2026H1! 2026H2! | "
	if got != want {
		t.Errorf("BuildLeaderItems = %q, want %q", got, want)
	}
}

func ptrDate(d Date) *Date { return &d }

// TestBuildLeaderItemsReportBeforeStart checks that a report on a half
// year before the project's start is shown, but that the half years
// between it and the start owe no report.
func TestBuildLeaderItemsReportBeforeStart(t *testing.T) {
	start := NewDate(2025, 9, 1)
	projects := []Project{{Code: "A", LeaderLed: true, StartDate: &start}}
	reports := []LeaderReport{
		{ProjectCode: "A", Half: HalfYear{2024, 1}, Submitted: NewDate(2024, 7, 1)},
		{ProjectCode: "A", Half: HalfYear{2025, 2}, Submitted: NewDate(2026, 1, 10)},
	}
	items := BuildLeaderItems(projects, reports, nil, HalfYear{2026, 1}, NewDate(2026, 8, 1))
	if len(items) != 1 {
		t.Fatalf("items = %+v, want A", items)
	}

	got := ""
	for _, h := range items[0].Halves {
		got += " " + h.Half.String()
		if h.Report != nil {
			got += "+"
		}
		if h.Overdue {
			got += "!"
		}
	}
	if want := " 2024H1+ 2025H2+ 2026H1!"; got != want {
		t.Errorf("halves =%s, want%s: 2024H2 and 2025H1 precede the start", got, want)
	}
	if n := items[0].OverdueCount(); n != 1 {
		t.Errorf("OverdueCount = %d, want 1 (2026H1)", n)
	}
}

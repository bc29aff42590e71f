package saima

import "testing"

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
			items := BuildLeaderItems(projects, reports, tt.last, tt.today)
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

package web

import (
	"context"
	"html"
	"net/http"
	"strings"
	"testing"
	"time"

	"saima"
)

// writeOldMilestones uploads milestones of 宁波市海曙区 planned from 2023
// on, as a city whose ledger began before 2025 has them: all overdue, one
// of them done late.
func writeOldMilestones(t *testing.T, env *testEnv) {
	t.Helper()
	late := saima.NewDate(2024, 4, 20)
	b := &saima.Batch{Upload: saima.Upload{ID: "old", Dataset: saima.DatasetMilestones, Uploader: "office",
		FileName: "old.csv", At: time.Date(2026, 10, 1, 9, 0, 0, 0, saima.Beijing)},
		Milestones: []saima.Milestone{
			{ProjectCode: "NB-2023-001", Name: "立项", Unit: "宁波市海曙区", Planned: saima.NewDate(2023, 5, 31),
				Status: "进行中"},
			{ProjectCode: "NB-2023-001", Name: "采购", Unit: "宁波市海曙区", Planned: saima.NewDate(2024, 3, 31),
				Actual: &late, Status: "已完成"},
			{ProjectCode: "NB-2023-001", Name: "上线", Unit: "宁波市海曙区", Planned: saima.NewDate(2025, 6, 30),
				Status: "进行中"},
		}}
	if err := env.store.WriteBatch(context.Background(), b); err != nil {
		t.Fatal(err)
	}
}

// TestDashboardAxesShowEarlierYears checks that the heatmap and the
// overview's on-time trend start with a ledger whose milestones begin
// before 2025, keeping the last 24 months and 12 quarters. They started
// in 2025 whatever the ledger held, and would grow a column a month.
func TestDashboardAxesShowEarlierYears(t *testing.T) {
	env := newSeededEnv(t)
	writeOldMilestones(t, env)
	office := env.as(t, "office")

	tests := []struct {
		path   string
		want   []string
		absent []string
	}{
		// The 24 months up to 2026-10 start with 2024-11, and the
		// milestones of 2023-05 and 2024-03 lie before them.
		{"/heatmap", []string{"自 2024年11月 起", `"2024-11"`, "另有 2 个逾期里程碑计划于 2024年11月 之前完成"},
			[]string{`"2024-10"`}},
		// The 12 quarters up to 2026Q4 start with 2024Q1, whose milestone
		// was done late.
		{"/overview", []string{`"2024Q1"`, `"2024Q2"`, `"2026Q4"`}, []string{`"2023Q4"`}},
	}
	for _, tt := range tests {
		t.Run(tt.path, func(t *testing.T) {
			resp, body := office.get(t, tt.path)
			if resp.StatusCode != http.StatusOK {
				t.Fatalf("GET %s: status %d; body:\n%.500s", tt.path, resp.StatusCode, body)
			}
			body = html.UnescapeString(body)
			for _, w := range tt.want {
				if !strings.Contains(body, w) {
					t.Errorf("GET %s lacks %q", tt.path, w)
				}
			}
			for _, a := range tt.absent {
				if strings.Contains(body, a) {
					t.Errorf("GET %s contains %q, want it absent", tt.path, a)
				}
			}
		})
	}
}

func TestAxisStart(t *testing.T) {
	day := func(y, m int) saima.Date { return saima.NewDate(y, time.Month(m), 15) }
	tests := []struct {
		name  string
		days  []saima.Date
		today saima.Period
		span  int
		want  saima.Period
	}{
		{"LaterLedger", []saima.Date{day(2025, 6)}, saima.Month(2026, 10), 24, saima.Month(2025, 1)},
		{"NoMilestones", nil, saima.Month(2026, 10), 24, saima.Month(2025, 1)},
		{"EarlierLedger", []saima.Date{day(2024, 3), day(2025, 6)}, saima.Month(2026, 12), 36, saima.Month(2024, 3)},
		{"EarlierThanSpan", []saima.Date{day(2023, 5)}, saima.Month(2026, 10), 24, saima.Month(2024, 11)},
		{"YearsLater", []saima.Date{day(2025, 6)}, saima.Month(2029, 6), 24, saima.Month(2027, 7)},
		{"Quarters", []saima.Date{day(2024, 5)}, saima.Quarter(2026, 4), 12, saima.Quarter(2024, 2)},
		{"QuartersSpan", []saima.Date{day(2020, 5)}, saima.Quarter(2026, 4), 12, saima.Quarter(2024, 1)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := axisStart(tt.days, tt.today, tt.span); got != tt.want {
				t.Errorf("axisStart(%v, %s, %d) = %s, want %s", tt.days, tt.today, tt.span, got, tt.want)
			}
		})
	}
}

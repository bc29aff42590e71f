package web

import (
	"slices"
	"testing"

	"github.com/shopspring/decimal"

	"saima"
)

func mustDate(s string) saima.Date {
	d, err := saima.ParseDate(s)
	if err != nil {
		panic(err)
	}
	return d
}

func TestStateOf(t *testing.T) {
	asOf := mustDate("2026-10-20")
	done := func(s string) *saima.Date { d := mustDate(s); return &d }
	tests := []struct {
		name    string
		m       saima.Milestone
		want    milestoneState
		overdue bool
		due     bool
	}{
		{"DoneEarly", saima.Milestone{Planned: mustDate("2026-09-30"), Actual: done("2026-09-01")}, onTime, false, true},
		{"DoneOnTheDay", saima.Milestone{Planned: mustDate("2026-09-30"), Actual: done("2026-09-30")}, onTime, false, true},
		{"DoneLate", saima.Milestone{Planned: mustDate("2026-09-30"), Actual: done("2026-10-01")}, doneLate, true, true},
		{"OpenPastDue", saima.Milestone{Planned: mustDate("2026-10-19")}, overdueOpen, true, true},
		{"OpenDueToday", saima.Milestone{Planned: mustDate("2026-10-20")}, notDue, false, false},
		{"OpenFuture", saima.Milestone{Planned: mustDate("2026-12-31")}, notDue, false, false},
		{"DoneEarlyForFuture", saima.Milestone{Planned: mustDate("2026-12-31"), Actual: done("2026-10-01")}, onTime, false, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := stateOf(tt.m, asOf); got != tt.want {
				t.Errorf("stateOf = %v, want %v", got, tt.want)
			}
			if got := overdue(tt.m, asOf); got != tt.overdue {
				t.Errorf("overdue = %v, want %v", got, tt.overdue)
			}
			// The ledger's own rule, which the dashboards must agree with.
			if ledger := tt.m.Planned.Before(asOf) && tt.m.DaysLate(asOf) > 0; ledger != tt.overdue {
				t.Errorf("ledger rule says overdue = %v, dashboards %v", ledger, tt.overdue)
			}
			if got := dueBy(tt.m, asOf); got != tt.due {
				t.Errorf("dueBy = %v, want %v", got, tt.due)
			}
		})
	}
}

func TestPioneers(t *testing.T) {
	asOf := mustDate("2026-10-20")
	entry := func(code, stage, percent string, done int) saima.LedgerEntry {
		e := saima.LedgerEntry{Project: saima.Project{Code: code, Name: "项目" + code}, Stage: stage, MilestonesDone: done}
		if percent != "" {
			e.LatestPercent = decimal.NewNullDecimal(decimal.RequireFromString(percent))
		}
		return e
	}
	milestone := func(code, planned, actual string) saima.Milestone {
		m := saima.Milestone{ProjectCode: code, Name: code + planned, Planned: mustDate(planned)}
		if actual != "" {
			d := mustDate(actual)
			m.Actual = &d
		}
		return m
	}
	entries := []saima.LedgerEntry{
		entry("A", "实施", "95", 1),    // one of two milestones on time: 50 %
		entry("B", "评估", "95", 2),    // both on time: 100 %, ranks above A
		entry("C", "完成", "95", 0),    // nothing due yet: no rate, after A and B
		entry("D", "实施", "99", 0),    // an open overdue milestone: out
		entry("E", "决策", "100", 0),   // not implemented yet: out
		entry("F", "实施", "89.99", 0), // below 90 %: out
		entry("G", "实施", "", 0),      // no percent: out
		entry("H", "退出", "100", 0),   // exited: out
		entry("I", "实施", "90", 0),    // exactly 90 %: in
	}
	milestones := []saima.Milestone{
		milestone("A", "2026-06-30", "2026-06-28"), milestone("A", "2026-07-31", "2026-08-05"),
		milestone("B", "2026-06-30", "2026-06-30"), milestone("B", "2026-08-31", "2026-08-01"),
		milestone("C", "2026-12-31", ""),
		milestone("D", "2026-09-30", ""),
	}
	rows := pioneers(entries, milestones, asOf)
	var codes []string
	for _, r := range rows {
		codes = append(codes, r.Code)
	}
	if want := []string{"B", "A", "C", "I"}; !slices.Equal(codes, want) {
		t.Fatalf("pioneers = %v, want %v", codes, want)
	}
	if r := rows[1]; r.Rank != 2 || r.Due != 2 || r.OnTime != 1 || r.RateText() != "50.0%" {
		t.Errorf("A = rank %d, %d of %d on time (%s), want rank 2, 1 of 2, 50.0%%", r.Rank, r.OnTime, r.Due, r.RateText())
	}
	if r := rows[2]; r.Rate != nil || r.RateText() != "—" {
		t.Errorf("C rate = %v, want none because nothing is due", r.Rate)
	}
}

// TestPioneerTies checks that projects equal on every measure share a
// rank, and that the list takes in every project tied with its last
// place, rather than letting the project code decide who is listed.
func TestPioneerTies(t *testing.T) {
	asOf := mustDate("2026-10-20")
	var entries []saima.LedgerEntry
	var milestones []saima.Milestone
	add := func(code, percent string) {
		entries = append(entries, saima.LedgerEntry{Project: saima.Project{Code: code, Name: "项目" + code},
			Stage: "实施", MilestonesDone: 1, LatestPercent: decimal.NewNullDecimal(decimal.RequireFromString(percent))})
		done := mustDate("2026-06-01")
		milestones = append(milestones, saima.Milestone{ProjectCode: code, Name: code, Planned: mustDate("2026-06-30"), Actual: &done})
	}

	// Eight projects at 100 %, then four equal ones at 95 % on places 9 to 12.
	for _, code := range []string{"A1", "A2", "A3", "A4", "A5", "A6", "A7", "A8"} {
		add(code, "100")
	}
	for _, code := range []string{"B4", "B3", "B2", "B1"} {
		add(code, "95")
	}

	rows := pioneers(entries, milestones, asOf)
	var ranks []int
	var codes []string
	for _, r := range rows {
		ranks = append(ranks, r.Rank)
		codes = append(codes, r.Code)
	}

	if want := []int{1, 1, 1, 1, 1, 1, 1, 1, 9, 9, 9, 9}; !slices.Equal(ranks, want) {
		t.Errorf("ranks = %v, want %v", ranks, want)
	}
	if want := []string{"A1", "A2", "A3", "A4", "A5", "A6", "A7", "A8", "B1", "B2", "B3", "B4"}; !slices.Equal(codes, want) {
		t.Errorf("codes = %v, want %v: ties in code order", codes, want)
	}
	if got := len(listedPioneers(rows)); got != 12 {
		t.Errorf("listed %d projects, want all 12: B1 to B4 share the 9th place", got)
	}

	// Without the tie only the first ten are listed.
	rows[10].Rank, rows[11].Rank = 11, 12
	if got := len(listedPioneers(rows)); got != 10 {
		t.Errorf("listed %d projects, want 10", got)
	}
}

package clickhouse_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"saima"
	"saima/clickhouse"
	"saima/clickhouse/chtest"
)

// TestExitClosesLaterMilestones checks saima.ClosedByExit in the scoring
// facts, the ledger and the list items. A milestone due after a project's
// exit counts nowhere. One due before it and missed stays missed, but its
// late days and red months stop at the exit. Progress of a period that
// begins after the exit does not count.
func TestExitClosesLaterMilestones(t *testing.T) {
	chtest.ForEachEngine(t, testExitClosesLaterMilestones)
}

func testExitClosesLaterMilestones(t *testing.T, s *clickhouse.Store) {
	ctx := context.Background()
	day := saima.NewDate
	done := func(d saima.Date) *saima.Date { return &d }
	writeBatches(t, s, []*saima.Batch{
		{Upload: upload(saima.DatasetProjects), Projects: []saima.Project{
			{Code: "P1", Name: "甲", Unit: "余姚市"},
			{Code: "P2", Name: "乙", Unit: "余姚市"},
		}},
		{Upload: upload(saima.DatasetStages), Stages: []saima.StageEvent{
			{ProjectCode: "P1", Stage: "预报", Date: day(2026, 1, 5)},
			{ProjectCode: "P1", Stage: "退出", Date: day(2026, 11, 10), DecidedBy: "市委改革委",
				Accountability: "通报批评"},
		}},
		{Upload: upload(saima.DatasetMilestones), Milestones: []saima.Milestone{
			{ProjectCode: "P1", Name: "需求确认", Unit: "余姚市", Planned: day(2026, 10, 15), Actual: done(day(2026, 10, 10))},
			{ProjectCode: "P1", Name: "系统联调", Unit: "余姚市", Planned: day(2026, 10, 20)},
			{ProjectCode: "P1", Name: "项目终验", Unit: "余姚市", Planned: day(2026, 11, 18)},
			{ProjectCode: "P2", Name: "项目终验", Unit: "余姚市", Planned: day(2026, 11, 18)},
		}},
		{Upload: upload(saima.DatasetProgress), Progress: []saima.ProgressReport{
			{Unit: "余姚市", ProjectCode: "P1", Period: saima.Quarter(2026, 4), Percent: pct("60")},
			{Unit: "余姚市", ProjectCode: "P1", Period: saima.Quarter(2027, 1), Percent: pct("60")},
		}},
		{Upload: upload(saima.DatasetLists), ListItems: []saima.ListItem{
			{List: "场景应用", ID: "P1", Name: "甲", Unit: "余姚市", Deadline: day(2026, 11, 30)},
			{List: "场景应用", ID: "P2", Name: "乙", Unit: "余姚市", Deadline: day(2026, 11, 30)},
		}},
	})
	at := func(y int, m time.Month, d int) *clickhouse.Store {
		return s.WithClock(func() time.Time { return time.Date(y, m, d, 10, 0, 0, 0, saima.Beijing) })
	}

	// The milestones as reported at a time carry the exits made by then.
	t.Run("ReportedBefore", func(t *testing.T) {
		for _, tc := range []struct {
			at       time.Time
			wantExit bool
		}{
			{time.Date(2026, 11, 9, 12, 0, 0, 0, saima.Beijing), false},
			{time.Date(2026, 11, 30, 23, 0, 0, 0, saima.Beijing), true},
		} {
			ms, err := s.ListMilestonesReportedBefore(ctx, tc.at)
			if err != nil {
				t.Fatal(err)
			}
			seen := 0
			for _, m := range ms {
				if m.ProjectCode != "P1" {
					continue
				}
				seen++
				if got := m.Exit != nil; got != tc.wantExit {
					t.Errorf("as reported at %s, %s has exit %v, want %v", tc.at, m.Name, m.Exit, tc.wantExit)
				}
			}
			if seen != 3 {
				t.Errorf("as reported at %s, P1 has %d milestones, want 3", tc.at, seen)
			}
		}
	})

	t.Run("Facts", func(t *testing.T) {
		// P1's 项目终验 is closed. Its 系统联调 stays late, red in October
		// and November but not after the exit month. P2's 项目终验 is red
		// in November and December.
		tests := []struct {
			store  *clickhouse.Store
			period saima.Period
			want   string
		}{
			{at(2026, 12, 5), saima.Quarter(2026, 4), "due=3 ontime=1 red=3 reports=1"},
			{at(2027, 1, 10), saima.Quarter(2026, 4), "due=3 ontime=1 red=4 reports=1"},
			{at(2027, 4, 10), saima.Quarter(2027, 1), "due=0 ontime=0 red=3 reports=0"},
		}
		for _, tt := range tests {
			facts, err := tt.store.Facts(ctx, tt.period)
			if err != nil {
				t.Fatal(err)
			}
			var got strings.Builder
			for _, f := range facts {
				fmt.Fprintf(&got, "due=%d ontime=%d red=%d reports=%d", f.MilestonesDue, f.MilestonesOnTime,
					f.MilestoneRedMonths, f.ProgressReports)
			}
			if got.String() != tt.want {
				t.Errorf("facts of %s = %q, want %q", tt.period, got.String(), tt.want)
			}
			assertEvidenceMatchesFacts(t, tt.store, tt.period)
			tally, rows, err := tt.store.MilestoneFactsBySource(ctx, tt.period)
			if err != nil {
				t.Fatal(err)
			}
			if fmt.Sprint(tally) != fmt.Sprint(rows) {
				t.Errorf("milestone facts from the tally = %v, from the rows = %v", tally, rows)
			}
		}
	})

	t.Run("Ledger", func(t *testing.T) {
		asOf := day(2026, 12, 5)
		entries, err := s.ListLedger(ctx, saima.LedgerFilter{AsOf: asOf})
		if err != nil {
			t.Fatal(err)
		}
		var got []string
		for _, e := range entries {
			for _, m := range e.Overdue {
				got = append(got, fmt.Sprintf("%s %s %d", m.ProjectCode, m.Name, m.DaysLate(asOf)))
			}
		}
		// 系统联调 is late from 20 October to the day after the exit.
		want := "[P1 系统联调 22 P2 项目终验 17]"
		if fmt.Sprint(got) != want {
			t.Errorf("overdue milestones = %v, want %s", got, want)
		}
		late, err := s.ListOverdueMilestones(ctx, asOf)
		if err != nil {
			t.Fatal(err)
		}
		if len(late) != 2 {
			t.Errorf("ListOverdueMilestones = %d milestones, want 2", len(late))
		}
	})

	t.Run("ListItems", func(t *testing.T) {
		items, err := s.ListListItems(ctx)
		if err != nil {
			t.Fatal(err)
		}
		var got []string
		for _, it := range items {
			got = append(got, fmt.Sprintf("%s %v", it.ID, it.ClosedByExit(nil)))
		}
		if want := "[P1 true P2 false]"; fmt.Sprint(got) != want {
			t.Errorf("list items closed by exit = %v, want %s", got, want)
		}
	})
}

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

// TestMilestonesDueByJudgingDay checks that a milestone counts as due in a
// period only once its planned day is before the judging day: the store's
// day while the period runs, the day after its end once it has ended. The
// ledger and the milestone pages use the same rule.
func TestMilestonesDueByJudgingDay(t *testing.T) {
	chtest.ForEachEngine(t, testMilestonesDueByJudgingDay)
}

func testMilestonesDueByJudgingDay(t *testing.T, s *clickhouse.Store) {
	day := saima.NewDate
	done := func(d saima.Date) *saima.Date { return &d }
	b := &saima.Batch{Upload: upload(saima.DatasetMilestones), Milestones: []saima.Milestone{
		{ProjectCode: "P1", Name: "需求确认", Unit: "余姚市", Planned: day(2026, 10, 15), Actual: done(day(2026, 10, 20))},
		{ProjectCode: "P1", Name: "系统联调", Unit: "余姚市", Planned: day(2026, 11, 30), Actual: done(day(2026, 11, 28))},
		{ProjectCode: "P1", Name: "试运行", Unit: "余姚市", Planned: day(2026, 12, 4)},
		{ProjectCode: "P1", Name: "上线", Unit: "余姚市", Planned: day(2026, 12, 5), Actual: done(day(2026, 12, 3))},
		{ProjectCode: "P1", Name: "验收", Unit: "余姚市", Planned: day(2026, 12, 17)},
		// A unit whose only milestone of the quarter is not due yet.
		{ProjectCode: "P2", Name: "验收", Unit: "慈溪市", Planned: day(2026, 12, 17)},
	}}
	writeBatches(t, s, []*saima.Batch{b})
	q4 := saima.Quarter(2026, 4)
	at := func(y int, m time.Month, d int) *clickhouse.Store {
		return s.WithClock(func() time.Time { return time.Date(y, m, d, 10, 0, 0, 0, saima.Beijing) })
	}
	fifth := at(2026, 12, 5)

	tests := []struct {
		name  string
		store *clickhouse.Store
		want  string
	}{
		// The 4 December milestone is due and late. The 5 December one,
		// done early, and the 17 December ones are not due yet.
		{"RunningQuarter", fifth, "余姚市 due=3 ontime=1\n"},
		{"RunningQuarterAsOf", fifth.AsOf(fifth.Now()), "余姚市 due=3 ontime=1\n"},
		{"FirstDayOfMonth", at(2026, 12, 1), "余姚市 due=2 ontime=1\n"},
		{"DayAfterLastPlanned", at(2026, 12, 18), "余姚市 due=5 ontime=2\n慈溪市 due=1 ontime=0\n"},
		{"EndedQuarter", at(2027, 1, 10), "余姚市 due=5 ontime=2\n慈溪市 due=1 ontime=0\n"},
		{"BeforeTheQuarter", at(2026, 9, 1), ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			facts, err := tt.store.Facts(context.Background(), q4)
			if err != nil {
				t.Fatal(err)
			}
			var got strings.Builder
			for _, f := range facts {
				if f.MilestonesDue > 0 {
					fmt.Fprintf(&got, "%s due=%d ontime=%d\n", f.Unit, f.MilestonesDue, f.MilestonesOnTime)
				}
			}
			if got.String() != tt.want {
				t.Errorf("milestones due in %s =\n%s\nwant\n%s", q4, got.String(), tt.want)
			}
			assertEvidenceMatchesFacts(t, tt.store, q4)

			tally, rows, err := tt.store.MilestoneFactsBySource(context.Background(), q4)
			if err != nil {
				t.Fatal(err)
			}
			if fmt.Sprint(tally) != fmt.Sprint(rows) {
				t.Errorf("milestone facts from the tally = %v, from the rows = %v", tally, rows)
			}
		})
	}
}

// TestMilestonesDueOnShiftedClock checks a clock set weeks after the real
// date, as saima demo --today sets it. An upload made on that clock still
// gets its version from the real clock. Scoring, which reads as of a
// version, judges the milestones on the shifted clock's day, as the store
// does without a version, so only the milestone planned before that day
// is due.
func TestMilestonesDueOnShiftedClock(t *testing.T) {
	chtest.ForEachEngine(t, testMilestonesDueOnShiftedClock)
}

func testMilestonesDueOnShiftedClock(t *testing.T, s *clickhouse.Store) {
	// The day is in the second month of a quarter at least 40 days away,
	// so the planned days below all lie in that quarter.
	q := quarterOf(saima.DateOf(time.Now()).AddDays(40)).Next()
	day := q.Start().AddDays(40)
	offset := day.Time().Sub(saima.DateOf(time.Now()).Time())
	shifted := s.WithClock(func() time.Time { return time.Now().Add(offset) })

	done := func(d saima.Date) *saima.Date { return &d }
	up := upload(saima.DatasetMilestones)
	up.At = time.Now().Add(offset)
	b := &saima.Batch{Upload: up, Milestones: []saima.Milestone{
		{ProjectCode: "P1", Name: "需求确认", Unit: "余姚市", Planned: q.Start().AddDays(5)},
		{ProjectCode: "P1", Name: "上线", Unit: "余姚市", Planned: day, Actual: done(day)},
		{ProjectCode: "P1", Name: "验收", Unit: "余姚市", Planned: day.AddDays(10)},
	}}
	writeBatches(t, shifted, []*saima.Batch{b})

	ctx := context.Background()
	v, err := s.LedgerVersion(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if at := time.Unix(0, int64(v)); at.After(time.Now()) {
		t.Errorf("version of an upload on the shifted clock = %s, want a real commit time", at)
	}

	for name, st := range map[string]*clickhouse.Store{"Current": shifted, "AsOfVersion": shifted.AsOf(shifted.Now())} {
		t.Run(name, func(t *testing.T) {
			facts, err := st.Facts(ctx, q)
			if err != nil {
				t.Fatal(err)
			}
			var got strings.Builder
			for _, f := range facts {
				fmt.Fprintf(&got, "%s due=%d ontime=%d\n", f.Unit, f.MilestonesDue, f.MilestonesOnTime)
			}
			if want := "余姚市 due=1 ontime=0\n"; got.String() != want {
				t.Errorf("milestones due in %s on %s =\n%s\nwant\n%s", q, day, got.String(), want)
			}
			ev, err := st.Evidence(ctx, q, "余姚市")
			if err != nil {
				t.Fatal(err)
			}
			if ev.MilestonesDueBefore != day {
				t.Errorf("MilestonesDueBefore = %s, want the shifted clock's day %s", ev.MilestonesDueBefore, day)
			}
		})
	}
}

// quarterOf returns the quarter that contains d.
func quarterOf(d saima.Date) saima.Period {
	return saima.Quarter(d.Year, (int(d.Month)-1)/3+1)
}

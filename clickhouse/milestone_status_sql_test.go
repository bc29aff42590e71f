package clickhouse_test

import (
	"context"
	"fmt"
	"math/rand/v2"
	"testing"

	"saima"
	"saima/clickhouse"
	"saima/clickhouse/chtest"
	"saima/scoring"
)

// TestMilestoneStatusSQLMatchesGo checks the SQL that counts coloured
// milestone-months against scoring.MonthColour over random milestones.
func TestMilestoneStatusSQLMatchesGo(t *testing.T) {
	chtest.ForEachEngine(t, func(t *testing.T, s *clickhouse.Store) {
		rng := rand.New(rand.NewPCG(7, 11))
		var ms []saima.Milestone
		for i := range 400 {
			planned := saima.NewDate(2025, 11, 1).AddDays(rng.IntN(200))
			m := saima.Milestone{ProjectCode: fmt.Sprintf("P%03d", i), Name: "m",
				Unit: fmt.Sprintf("单位%d", i%5), Planned: planned}
			if rng.IntN(4) > 0 {
				d := planned.AddDays(rng.IntN(120) - 30)
				m.Actual = &d
			}
			ms = append(ms, m)
		}
		b := &saima.Batch{Upload: upload(saima.DatasetMilestones), Milestones: ms}
		if err := s.WriteBatch(context.Background(), b); err != nil {
			t.Fatal(err)
		}

		q := saima.Quarter(2026, 1)
		want := map[string][3]int{}
		for _, m := range ms {
			w := want[m.Unit]
			for _, month := range scoring.Months(scoring.MonthOf(q.Start()), scoring.MonthOf(q.End())) {
				switch scoring.MonthColour(m, month) {
				case scoring.ColourGreen, scoring.ColourRed, scoring.ColourYellow:
					w[0]++
				}
				switch scoring.MonthColour(m, month) {
				case scoring.ColourRed:
					w[1]++
				case scoring.ColourYellow:
					w[2]++
				}
			}
			want[m.Unit] = w
		}

		facts, err := s.Facts(context.Background(), q)
		if err != nil {
			t.Fatal(err)
		}
		got := map[string][3]int{}
		for _, f := range facts {
			got[f.Unit] = [3]int{f.MilestoneMonths, f.MilestoneRedMonths, f.MilestoneYellowMonths}
		}
		for unit, w := range want {
			if got[unit] != w {
				t.Errorf("%s months (all, red, yellow) = %v, want %v", unit, got[unit], w)
			}
		}
	})
}

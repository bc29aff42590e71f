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
	"saima/scoring"
)

// statusBatches returns a ledger of two units' milestones uploaded on 20
// January 2026 and a correction uploaded on 10 April 2026, which reports
// that milestone a was done on 10 February.
//
// In 2026Q1, as corrected, 慈溪市 has a red in January and a yellow in
// February (a), a green in February (b) and a red in March (c): 4
// milestone-months, 2 red, 1 yellow. 余姚市's d, uploaded without a unit,
// is red in all three months, and e was done late before the quarter and
// has no colour in it. Before the correction a is red in every month, so
// 慈溪市 has 5 milestone-months, 4 red and none yellow.
func statusBatches() []*saima.Batch {
	at := func(s string) time.Time {
		t, err := time.ParseInLocation(time.DateTime, s, saima.Beijing)
		if err != nil {
			panic(err)
		}
		return t
	}
	projects := &saima.Batch{
		Upload: saima.Upload{ID: "st-projects", Dataset: saima.DatasetProjects, Uploader: "office",
			At: at("2026-01-05 09:00:00"), FileName: "projects.csv"},
		Projects: []saima.Project{
			{Code: "P1", Name: "城市大脑", Unit: "慈溪市", System: "数字政府"},
			{Code: "P2", Name: "浙里办", Unit: "余姚市", System: "数字社会"},
		},
	}
	milestones := &saima.Batch{
		Upload: saima.Upload{ID: "st-milestones", Dataset: saima.DatasetMilestones, Uploader: "office",
			At: at("2026-01-20 09:00:00"), FileName: "milestones.csv"},
		Milestones: []saima.Milestone{
			{ProjectCode: "P1", Name: "a", Unit: "慈溪市", Planned: *date("2026-01-31")},
			{ProjectCode: "P1", Name: "b", Unit: "慈溪市", Planned: *date("2026-02-15"), Actual: date("2026-02-10")},
			{ProjectCode: "P1", Name: "c", Unit: "慈溪市", Planned: *date("2026-03-31")},
			{ProjectCode: "P2", Name: "d", Planned: *date("2025-12-31")},
			{ProjectCode: "P2", Name: "e", Planned: *date("2025-11-30"), Actual: date("2025-12-05")},
		},
	}
	fix := &saima.Batch{
		Upload: saima.Upload{ID: "st-fix", Dataset: saima.DatasetMilestones, Uploader: "office",
			At: at("2026-04-10 09:00:00"), FileName: "milestones-fix.csv"},
		Milestones: []saima.Milestone{
			{ProjectCode: "P1", Name: "a", Unit: "慈溪市", Planned: *date("2026-01-31"), Actual: date("2026-02-10")},
		},
	}
	return []*saima.Batch{projects, milestones, fix}
}

// describeStatusFacts formats the milestone-month counts of every unit
// that has some, one unit per line.
func describeStatusFacts(facts []scoring.UnitFacts) string {
	var b strings.Builder
	for _, f := range facts {
		if f.MilestoneMonths > 0 {
			fmt.Fprintf(&b, "%s months=%d red=%d yellow=%d\n",
				f.Unit, f.MilestoneMonths, f.MilestoneRedMonths, f.MilestoneYellowMonths)
		}
	}
	return b.String()
}

func TestMilestoneStatusFacts(t *testing.T) {
	chtest.ForEachEngine(t, testMilestoneStatusFacts)
}

func testMilestoneStatusFacts(t *testing.T, s *clickhouse.Store) {
	batches := statusBatches()
	writeBatches(t, s, batches[:2])
	beforeFix := s.AsOf(s.Now())
	writeBatches(t, s, batches[2:])

	q1 := saima.Quarter(2026, 1)
	tests := []struct {
		name  string
		store *clickhouse.Store
		want  string
	}{
		{"Current", s, "余姚市 months=3 red=3 yellow=0\n慈溪市 months=4 red=2 yellow=1\n"},
		{"BeforeCorrection", beforeFix, "余姚市 months=3 red=3 yellow=0\n慈溪市 months=5 red=4 yellow=0\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			facts, err := tt.store.Facts(context.Background(), q1)
			if err != nil {
				t.Fatal(err)
			}
			if got := describeStatusFacts(facts); got != tt.want {
				t.Errorf("milestone-month facts of %s =\n%s\nwant\n%s", q1, got, tt.want)
			}
		})
	}
}

// TestMilestoneStatusClock checks that the store's clock, not the real
// one, decides which months have ended: on 20 February 2026 only January
// has, so each unit of statusBatches has one red month in 2026Q1. An as-of
// version read under that clock, as scoring reads the ledger, judges the
// same months.
func TestMilestoneStatusClock(t *testing.T) {
	chtest.ForEachEngine(t, testMilestoneStatusClock)
}

func testMilestoneStatusClock(t *testing.T, s *clickhouse.Store) {
	writeBatches(t, s, statusBatches())
	february := s.WithClock(func() time.Time { return time.Date(2026, 2, 20, 10, 0, 0, 0, saima.Beijing) })

	q1 := saima.Quarter(2026, 1)
	januaryOnly := "余姚市 months=1 red=1 yellow=0\n慈溪市 months=1 red=1 yellow=0\n"
	tests := []struct {
		name  string
		store *clickhouse.Store
		want  string
	}{
		{"Current", february, januaryOnly},
		{"AsOfVersion", february.AsOf(february.Now()), januaryOnly},
		{"RealClock", s.AsOf(s.Now()), "余姚市 months=3 red=3 yellow=0\n慈溪市 months=4 red=2 yellow=1\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			facts, err := tt.store.Facts(context.Background(), q1)
			if err != nil {
				t.Fatal(err)
			}
			if got := describeStatusFacts(facts); got != tt.want {
				t.Errorf("milestone-month facts of %s =\n%s\nwant\n%s", q1, got, tt.want)
			}
		})
	}
}

// TestMilestoneStatusRunningMonth checks against the real clock that the
// running month gives no colour: a milestone planned on the last day of
// the previous month and still open is red in that month only.
func TestMilestoneStatusRunningMonth(t *testing.T) {
	chtest.ForEachEngine(t, testMilestoneStatusRunningMonth)
}

func testMilestoneStatusRunningMonth(t *testing.T, s *clickhouse.Store) {
	thisMonth := scoring.MonthOf(saima.DateOf(time.Now()))
	b := &saima.Batch{Upload: upload(saima.DatasetMilestones), Milestones: []saima.Milestone{
		{ProjectCode: "P9", Name: "验收", Unit: "宁海县", Planned: thisMonth.Prev().End()},
	}}
	writeBatches(t, s, []*saima.Batch{b})

	tests := []struct {
		month saima.Period
		want  string
	}{
		{thisMonth.Prev(), "宁海县 months=1 red=1 yellow=0\n"},
		{thisMonth, ""},
	}
	for _, tt := range tests {
		t.Run(tt.month.String(), func(t *testing.T) {
			facts, err := s.Facts(context.Background(), tt.month)
			if err != nil {
				t.Fatal(err)
			}
			if got := describeStatusFacts(facts); got != tt.want {
				t.Errorf("milestone-month facts of %s = %q, want %q", tt.month, got, tt.want)
			}
		})
	}
}

func TestListMilestonesByMonthEnd(t *testing.T) {
	chtest.ForEachEngine(t, testListMilestonesByMonthEnd)
}

func testListMilestonesByMonthEnd(t *testing.T, s *clickhouse.Store) {
	writeBatches(t, s, statusBatches())
	ctx := context.Background()
	jan, apr := saima.Month(2026, 1), saima.Month(2026, 4)
	byMonth, err := s.ListMilestonesByMonthEnd(ctx, scoring.Months(saima.Month(2025, 12), apr))
	if err != nil {
		t.Fatal(err)
	}
	if n := len(byMonth[saima.Month(2025, 12)]); n != 0 {
		t.Errorf("milestones at the end of 2025-12 = %d, want 0: nothing was uploaded yet", n)
	}

	current, err := s.ListMilestones(ctx)
	if err != nil {
		t.Fatal(err)
	}
	then := map[saima.Period]saima.Milestone{}
	for month, ms := range byMonth {
		for _, m := range ms {
			if m.ProjectCode == "P1" && m.Name == "a" {
				then[month] = m
			}
		}
	}
	var a saima.Milestone
	for _, m := range current {
		if m.ProjectCode == "P1" && m.Name == "a" {
			a = m
		}
	}

	var cells []string
	for _, st := range scoring.Timeline(a, then, jan, apr) {
		cells = append(cells, fmt.Sprintf("%s:%s/%s", st.Month, st.Colour, st.Then))
	}
	got := strings.Join(cells, " ")
	want := "2026-01:red/red 2026-02:yellow/red 2026-03:none/red 2026-04:none/none"
	if got != want {
		t.Errorf("timeline of milestone a, now/then =\n%s\nwant\n%s", got, want)
	}
}

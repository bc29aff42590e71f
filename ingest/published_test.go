package ingest

import (
	"slices"
	"testing"

	"github.com/shopspring/decimal"

	"saima"
)

// TestBatchQuarters checks which quarters the records of a batch fall in:
// a report's or assessment's period, and both dates of a milestone, but
// no quarter for a whole year.
func TestBatchQuarters(t *testing.T) {
	done := saima.NewDate(2026, 10, 2)
	b := &saima.Batch{
		Progress: []saima.ProgressReport{{Period: saima.Month(2026, 5)}},
		Assessments: []saima.Assessment{
			{Period: saima.Year(2026), Score: decimal.NewFromInt(1)},
			{Period: saima.Quarter(2025, 4), Score: decimal.NewFromInt(1)},
		},
		Milestones: []saima.Milestone{{Planned: saima.NewDate(2026, 9, 30), Actual: &done}},
	}
	set := map[saima.Period]bool{}
	batchQuarters(set, b)
	var got []string
	for p := range set {
		got = append(got, p.String())
	}
	slices.Sort(got)
	want := []string{"2025Q4", "2026Q2", "2026Q3", "2026Q4"}
	if !slices.Equal(got, want) {
		t.Errorf("quarters = %q, want %q", got, want)
	}
}

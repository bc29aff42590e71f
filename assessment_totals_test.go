package saima

import (
	"testing"

	"github.com/shopspring/decimal"
)

func TestAssessmentTotalsTieAndPeriod(t *testing.T) {
	q3, year := Quarter(2026, 3), Year(2026)
	a := func(unit, score string, p Period) Assessment {
		return Assessment{Unit: unit, Score: decimal.RequireFromString(score), Period: p}
	}
	// Two units tie at 100.5, and the year's records stay out of the
	// quarter.
	records := []Assessment{
		a("市大数据局", "100", q3), a("市发改委", "99.5", q3), a("市财政局", "75.57", q3),
		a("市大数据局", "0.5", q3), a("市发改委", "1", q3), a("市财政局", "0", q3),
		a("市大数据局", "100.00", year), a("市发改委", "85.50", year), a("市财政局", "99.50", year),
	}
	got := AssessmentTotals(records, q3)
	want := []struct {
		unit, total string
		records     int
		rank        int
	}{
		{"市发改委", "100.5", 2, 1},
		{"市大数据局", "100.5", 2, 1},
		{"市财政局", "75.57", 2, 3},
	}
	if len(got) != len(want) {
		t.Fatalf("totals = %+v, want %d units", got, len(want))
	}
	for i, w := range want {
		g := got[i]
		if g.Unit != w.unit {
			t.Errorf("row %d unit = %s, want %s", i+1, g.Unit, w.unit)
		}
		if !g.Total.Equal(decimal.RequireFromString(w.total)) {
			t.Errorf("%s total = %s, want %s", g.Unit, g.Total, w.total)
		}
		if g.Records != w.records {
			t.Errorf("%s records = %d, want %d", g.Unit, g.Records, w.records)
		}
		if g.Rank != w.rank {
			t.Errorf("%s rank = %d, want %d", g.Unit, g.Rank, w.rank)
		}
	}

	year2026 := AssessmentTotals(records, year)
	if len(year2026) != 3 || year2026[0].Unit != "市大数据局" || year2026[0].Rank != 1 || year2026[2].Rank != 3 {
		t.Errorf("2026 totals = %+v, want 市大数据局 first and three ranks", year2026)
	}
	if got := AssessmentTotals(records, Quarter(2026, 4)); len(got) != 0 {
		t.Errorf("totals of a quarter without records = %+v, want none", got)
	}
}

// Decimal sums are exact where float64 sums drift: ten times 0.1 is 1,
// so the two units tie.
func TestAssessmentTotalsExact(t *testing.T) {
	q := Quarter(2026, 3)
	var records []Assessment
	for range 10 {
		records = append(records, Assessment{Unit: "甲", Score: decimal.RequireFromString("0.1"), Period: q})
	}
	records = append(records, Assessment{Unit: "乙", Score: decimal.NewFromInt(1), Period: q})
	got := AssessmentTotals(records, q)
	if len(got) != 2 || got[0].Rank != 1 || got[1].Rank != 1 {
		t.Errorf("totals = %+v, want 甲 (ten times 0.1) and 乙 (1) tied at rank 1", got)
	}
}

// TestAssessmentTotalsQuarterMonths checks that a quarter's totals add the
// records of its months, as its scoring does, and a month's totals only
// its own records.
func TestAssessmentTotalsQuarterMonths(t *testing.T) {
	a := func(score string, p Period) Assessment {
		return Assessment{Unit: "宁波市海曙区", Score: decimal.RequireFromString(score), Period: p}
	}
	records := []Assessment{a("80", Quarter(2026, 3)), a("50", Month(2026, 8)), a("7", Month(2026, 10))}

	q3 := AssessmentTotals(records, Quarter(2026, 3))
	if len(q3) != 1 || !q3[0].Total.Equal(decimal.NewFromInt(130)) || q3[0].Records != 2 {
		t.Errorf("2026Q3 totals = %+v, want 130 from the quarter's record and August's", q3)
	}

	august := AssessmentTotals(records, Month(2026, 8))
	if len(august) != 1 || !august[0].Total.Equal(decimal.NewFromInt(50)) {
		t.Errorf("2026-08 totals = %+v, want 50", august)
	}
}

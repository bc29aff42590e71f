package saima

import (
	"testing"
	"time"
)

func TestParsePeriod(t *testing.T) {
	tests := []struct {
		in        string
		want      Period
		label     string
		start     string
		end       string
		quarterOf string
	}{
		{"2026Q3", Quarter(2026, 3), "2026年第三季度", "2026-07-01", "2026-09-30", "2026Q3"},
		{"2026Q4", Quarter(2026, 4), "2026年第四季度", "2026-10-01", "2026-12-31", "2026Q4"},
		{"2026-09", Month(2026, 9), "2026年9月", "2026-09-01", "2026-09-30", "2026Q3"},
		{"2024-02", Month(2024, 2), "2024年2月", "2024-02-01", "2024-02-29", "2024Q1"},
		{"2026", Year(2026), "2026年度", "2026-01-01", "2026-12-31", ""},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			p, err := ParsePeriod(tt.in)
			if err != nil {
				t.Fatalf("ParsePeriod(%q) error: %v", tt.in, err)
			}
			if p != tt.want || p.String() != tt.in {
				t.Errorf("ParsePeriod(%q) = %v (%s), want %v", tt.in, p, p, tt.want)
			}
			if p.Label() != tt.label {
				t.Errorf("%s.Label() = %q, want %q", tt.in, p.Label(), tt.label)
			}
			if p.Start().String() != tt.start || p.End().String() != tt.end {
				t.Errorf("%s spans %s–%s, want %s–%s", tt.in, p.Start(), p.End(), tt.start, tt.end)
			}
			if p.Quarter().String() != tt.quarterOf {
				t.Errorf("%s.Quarter() = %q, want %q", tt.in, p.Quarter(), tt.quarterOf)
			}
		})
	}
}

func TestParsePeriodInvalid(t *testing.T) {
	for _, in := range []string{"", "2026Q5", "2026Q0", "2026-13", "2026-00", "26Q3", "2026年第三季度", "2026-9"} {
		if p, err := ParsePeriod(in); err == nil {
			t.Errorf("ParsePeriod(%q) = %v, want an error", in, p)
		}
	}
}

func TestPeriodPrevNext(t *testing.T) {
	tests := []struct{ p, prev, next Period }{
		{Quarter(2026, 1), Quarter(2025, 4), Quarter(2026, 2)},
		{Quarter(2026, 4), Quarter(2026, 3), Quarter(2027, 1)},
		{Month(2026, 1), Month(2025, 12), Month(2026, 2)},
		{Year(2026), Year(2025), Year(2027)},
	}
	for _, tt := range tests {
		if got := tt.p.Prev(); got != tt.prev {
			t.Errorf("%s.Prev() = %s, want %s", tt.p, got, tt.prev)
		}
		if got := tt.p.Next(); got != tt.next {
			t.Errorf("%s.Next() = %s, want %s", tt.p, got, tt.next)
		}
	}
}

func TestDate(t *testing.T) {
	d := NewDate(2026, 9, 30)
	if !d.Valid() || NewDate(2026, 9, 31).Valid() || NewDate(2025, 2, 29).Valid() || !NewDate(2024, 2, 29).Valid() {
		t.Error("Valid disagrees with the calendar")
	}
	if got := d.DaysUntil(NewDate(2026, 10, 12)); got != 12 {
		t.Errorf("DaysUntil = %d, want 12", got)
	}
	if got := d.AddDays(1).String(); got != "2026-10-01" {
		t.Errorf("AddDays(1) = %s, want 2026-10-01", got)
	}
	if !d.Before(NewDate(2026, 10, 1)) || d.After(NewDate(2026, 10, 1)) || d.Compare(d) != 0 {
		t.Error("Before, After or Compare is wrong")
	}
	// 2026-09-30 16:30 UTC is already 10-01 in Beijing.
	if got := DateOf(time.Date(2026, 9, 30, 16, 30, 0, 0, time.UTC)).String(); got != "2026-10-01" {
		t.Errorf("DateOf = %s, want the Beijing day 2026-10-01", got)
	}
	if p, err := ParseDate("2026-9-30"); err == nil {
		t.Errorf("ParseDate(2026-9-30) = %s, want an error: the ingest package normalises spellings", p)
	}
}

func TestMilestoneDaysLate(t *testing.T) {
	done := NewDate(2026, 10, 12)
	m := Milestone{Planned: NewDate(2026, 9, 30), Actual: &done}
	if got := m.DaysLate(NewDate(2026, 11, 1)); got != 12 {
		t.Errorf("done 12 days late: DaysLate = %d, want 12", got)
	}
	open := Milestone{Planned: NewDate(2026, 9, 30)}
	if got := open.DaysLate(NewDate(2026, 10, 15)); got != 15 {
		t.Errorf("open 15 days after plan: DaysLate = %d, want 15", got)
	}
}

// TestJudgingDay checks the day a quarter's milestones are judged on:
// the day after its end once it has ended, else today.
func TestJudgingDay(t *testing.T) {
	q3 := Quarter(2026, 3)
	tests := []struct {
		now  time.Time
		want Date
	}{
		{time.Date(2026, 9, 15, 10, 0, 0, 0, Beijing), NewDate(2026, 9, 15)},
		{time.Date(2026, 9, 30, 23, 0, 0, 0, Beijing), NewDate(2026, 9, 30)},
		{time.Date(2026, 10, 1, 0, 30, 0, 0, Beijing), NewDate(2026, 10, 1)},
		{time.Date(2027, 3, 1, 9, 0, 0, 0, Beijing), NewDate(2026, 10, 1)},
	}
	for _, tt := range tests {
		if got := q3.JudgingDay(tt.now); got != tt.want {
			t.Errorf("%s.JudgingDay(%s) = %s, want %s", q3, tt.now, got, tt.want)
		}
	}
}

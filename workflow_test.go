package saima

import "testing"

func TestParseHalfYear(t *testing.T) {
	tests := []struct {
		in, want string
	}{
		{"2026H1", "2026H1"},
		{"2026h2", "2026H2"},
		{"2026上半年", "2026H1"},
		{"2026年下半年", "2026H2"},
		{"2026-H2", "2026H2"},
		{"2026-h1", "2026H1"},
		{"0001H1", "0001H1"}, // a typo that the upload rejects as outside the ledger's years
		{"2026--H2", ""},
		{"26H2", ""},
		{"2026H3", ""},
		{"2026Q1", ""},
		{"", ""},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			h, err := ParseHalfYear(tt.in)
			switch {
			case tt.want == "" && err == nil:
				t.Errorf("ParseHalfYear(%q) = %v, want an error", tt.in, h)
			case tt.want != "" && (err != nil || h.String() != tt.want):
				t.Errorf("ParseHalfYear(%q) = %v, %v, want %s", tt.in, h, err, tt.want)
			}
		})
	}
}

func TestHalfYearBounds(t *testing.T) {
	h := HalfYear{2026, 2}
	if got := h.Start().String(); got != "2026-07-01" {
		t.Errorf("%v.Start() = %s, want 2026-07-01", h, got)
	}
	if got := h.End().String(); got != "2026-12-31" {
		t.Errorf("%v.End() = %s, want 2026-12-31", h, got)
	}
	if got := h.Next().String(); got != "2027H1" {
		t.Errorf("%v.Next() = %s, want 2027H1", h, got)
	}
	if got := HalfYearOf(NewDate(2026, 6, 30)).String(); got != "2026H1" {
		t.Errorf("HalfYearOf(2026-06-30) = %s, want 2026H1", got)
	}
}

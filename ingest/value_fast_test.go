package ingest

import "testing"

// TestFastPaths checks that the fast paths for 2026-09-30 and 2026Q3 read
// as the general parsers do, and leave other spellings to them.
func TestFastPaths(t *testing.T) {
	dates := []struct {
		in, want string
		prob     *problem
	}{
		{"2026-09-30", "2026-09-30", nil},
		{"2026-02-29", "", problemNoSuchDate},
		{"2026-13-01", "", problemNoSuchDate},
		{"2026-9-30", "2026-09-30", nil},
		{"2026-09-3x", "", problemNotDate},
		{"2０26-09-30", "", problemNotDate},
	}
	for _, tt := range dates {
		d, prob := parseDate(tt.in)
		if prob != tt.prob || prob == nil && d.String() != tt.want {
			t.Errorf("parseDate(%q) = %s, %v, want %s, %v", tt.in, d, prob, tt.want, tt.prob)
		}
	}

	periods := []struct {
		in, want string
	}{
		{"2026Q3", "2026Q3"},
		{"2026Q5", ""},
		{"2026q3", "2026Q3"},
		{"20x6Q3", ""},
	}
	for _, tt := range periods {
		p, prob := parsePeriod(tt.in)
		if got := p.String(); (prob == nil) != (tt.want != "") || prob == nil && got != tt.want {
			t.Errorf("parsePeriod(%q) = %s, %v, want %q", tt.in, got, prob, tt.want)
		}
	}
}

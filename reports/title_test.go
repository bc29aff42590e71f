package reports

import "testing"

// TestRosterCity checks that a roster's city heads the titles only when
// CheckCity accepts it, and DefaultCity does otherwise.
func TestRosterCity(t *testing.T) {
	tests := []struct{ city, want string }{
		{"杭州市", "杭州市"},
		{"", DefaultCity},
		{"一二三四五六七八九十十一十二市", DefaultCity},
		{"杭州\n市", DefaultCity},
	}
	for _, tt := range tests {
		if got := RosterCity(tt.city); got != tt.want {
			t.Errorf("RosterCity(%q) = %q, want %q", tt.city, got, tt.want)
		}
	}
}

package web

import "testing"

func TestRouteMatches(t *testing.T) {
	tests := []struct {
		pattern, path string
		want          bool
	}{
		{"/api/uploads", "/api/uploads", true},
		{"/api/uploads", "/api/uploads/jobs", false},
		{"/units/:name", "/units/海曙区", true},
		{"/units/:name", "/units/", false},
		{"/units/:name/explain", "/units/海曙区/explain", true},
		{"/reports/quarterly/:period.pdf", "/reports/quarterly/2026Q3.pdf", true},
		{"/reports/quarterly/:period.pdf", "/reports/quarterly/2026Q3.xlsx", false},
		{"/reports/quarterly/:period.pdf", "/reports/quarterly/.pdf", false},
		{"/reports/quarterly/:period/units.zip", "/reports/quarterly/2026Q3/units.zip", true},
		{"/reports/quarterly/:period/units.zip", "/reports/quarterly/2026Q3/other.zip", false},
	}
	for _, tt := range tests {
		if got := routeMatches(tt.pattern, tt.path); got != tt.want {
			t.Errorf("routeMatches(%q, %q) = %v, want %v", tt.pattern, tt.path, got, tt.want)
		}
	}
}

package web

import (
	"net/http"
	"strings"
	"testing"

	"saima"
)

// TestReportTitlesNameCity checks with pdftotext that every PDF report
// of a server configured for 杭州市 names that city in its title, and
// never the demo's 宁波市.
func TestReportTitlesNameCity(t *testing.T) {
	requirePDFToText(t)
	env := newTestEnv(t, func(c *Config) { c.City = "杭州市" })
	seed(t, env.store)

	tests := []struct {
		path, title string
	}{
		{"/reports/quarterly/2026Q3.pdf", "杭州市数字化改革赛马考评季度报告"},
		{"/reports/annual/2026.pdf", "杭州市数字化改革赛马年度考评报告"},
		{"/reports/ledger.pdf", "杭州市数字化改革项目台账"},
	}
	for _, tt := range tests {
		t.Run(tt.path, func(t *testing.T) {
			resp, body := env.get(t, tt.path)
			if resp.StatusCode != http.StatusOK {
				t.Fatalf("GET %s: status %d; body:\n%.500s", tt.path, resp.StatusCode, body)
			}
			text := pdfText(t, []byte(body))
			if !strings.Contains(text, tt.title) {
				t.Errorf("%s lacks the title %q; text begins:\n%.300s", tt.path, tt.title, text)
			}
			if strings.Contains(text, "宁波市数字化改革") {
				t.Errorf("%s still names 宁波市 in a title; text begins:\n%.300s", tt.path, text)
			}
		})
	}
}

// TestReportTitlesRosterCity checks that a server configured with no city
// names the roster's: 宁波市 from the district names of the seed, then
// 杭州市 once the roster has the unit 杭州市（本级）.
func TestReportTitlesRosterCity(t *testing.T) {
	requirePDFToText(t)
	env := newTestEnv(t, nil)
	seed(t, env.store)
	title := func() string {
		t.Helper()
		resp, body := env.get(t, "/reports/ledger.pdf")
		if resp.StatusCode != http.StatusOK {
			t.Fatalf("GET /reports/ledger.pdf: status %d; body:\n%.500s", resp.StatusCode, body)
		}
		return pdfText(t, []byte(body))
	}
	if text := title(); !strings.Contains(text, "宁波市数字化改革项目台账") {
		t.Errorf("ledger PDF over the seed roster lacks 宁波市's title; text begins:\n%.300s", text)
	}
	writeWorkflowBatch(t, env.store, "hz-units", saima.DatasetUnits, &saima.Batch{Units: []saima.Unit{
		{Name: "杭州市（本级）", Kind: saima.KindCity, Track: saima.KindCity},
	}})
	env.server.cache.clear()
	if text := title(); !strings.Contains(text, "杭州市数字化改革项目台账") {
		t.Errorf("ledger PDF over a roster with 杭州市（本级） lacks 杭州市's title; text begins:\n%.300s", text)
	}
}

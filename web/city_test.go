package web

import (
	"net/http"
	"strings"
	"testing"
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

package web

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

// TestPeriodOutsideLedgerYears sends a period or year outside 2000–2099 to
// every page, export, report and API that reads one: each rejects it with
// 400 and a message that names the allowed years, as an upload does.
func TestPeriodOutsideLedgerYears(t *testing.T) {
	env := newSeededEnv(t)
	for _, tt := range []struct {
		method, target, form string
	}{
		{http.MethodGet, "/leaderboard?period=0001Q1", ""},
		{http.MethodGet, "/assessments?period=0001Q1", ""},
		{http.MethodGet, "/api/assessments/totals?period=1999", ""},
		{http.MethodGet, "/milestones?period=2100-01", ""},
		{http.MethodGet, "/milestones/status?month=0001-01", ""},
		{http.MethodGet, "/export/ranking.xlsx?period=9999Q4", ""},
		{http.MethodGet, "/api/scores?period=0001Q1", ""},
		{http.MethodGet, "/api/evaluations/0001Q1", ""},
		{http.MethodGet, "/api/evaluations/0001Q1/diff?a=1&b=2", ""},
		{http.MethodGet, "/api/explain?period=0001Q1&unit=宁波市海曙区", ""},
		{http.MethodGet, "/units/宁波市海曙区/explain?period=0001Q1", ""},
		{http.MethodGet, "/reports/quarterly/0001Q1.pdf", ""},
		{http.MethodGet, "/reports/quarterly/0001Q1/units.zip", ""},
		{http.MethodGet, "/reports/annual/9999.pdf", ""},
		{http.MethodGet, "/reports/annual/1999.pdf", ""},
		{http.MethodGet, "/management?year=2100", ""},
		{http.MethodPost, "/api/evaluations/0001Q1/publish", ""},
		{http.MethodPost, "/evaluations/0001Q1/publish", ""},
		{http.MethodPost, "/leaders/confirm", "project_code=NB-2026-001&half=0001H1"},
	} {
		t.Run(tt.target, func(t *testing.T) {
			req := httptest.NewRequest(tt.method, tt.target, strings.NewReader(tt.form))
			if tt.form != "" {
				req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
			}
			resp, body := env.as(t, "office").do(t, req)
			if resp.StatusCode != http.StatusBadRequest {
				t.Errorf("%s %s status = %d, want 400; body:\n%.300s", tt.method, tt.target, resp.StatusCode, body)
			}
			if !strings.Contains(body, "2000年至2099年") {
				t.Errorf("%s %s body lacks 2000年至2099年:\n%.300s", tt.method, tt.target, body)
			}
		})
	}
}

// TestPeriodChineseNumeralMonths reads months written in Chinese numerals
// in query parameters, and rejects 十三月 and 零月 with the allowed months.
func TestPeriodChineseNumeralMonths(t *testing.T) {
	env := newSeededEnv(t)
	for _, tt := range []struct {
		target string
		status int
		want   string
	}{
		{"/milestones?period=2026年九月", http.StatusOK, "2026年9月"},
		{"/milestones?period=2026年三季度", http.StatusOK, "2026年第三季度"},
		{"/milestones/status?month=2026年九月", http.StatusOK, "2026年9月"},
		{"/assessments?period=2026年十三月", http.StatusBadRequest, "月份应在1至12月之间"},
		{"/milestones/status?month=2026年零月", http.StatusBadRequest, "月份应在1至12月之间"},
	} {
		t.Run(tt.target, func(t *testing.T) {
			resp, body := env.as(t, "office").get(t, tt.target)
			if resp.StatusCode != tt.status {
				t.Errorf("GET %s status = %d, want %d; body:\n%.300s", tt.target, resp.StatusCode, tt.status, body)
			}
			if !strings.Contains(body, tt.want) {
				t.Errorf("GET %s body lacks %q", tt.target, tt.want)
			}
		})
	}
}

package web

import (
	"html"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/shopspring/decimal"

	"saima"
)

// The totals page and API sum each unit's 得分 of the period exactly and
// let equal sums share a rank. Unit names are escaped on the page.
func TestAssessmentTotalsPageAndAPI(t *testing.T) {
	env := newEvaluationEnv(t)
	// 宁波市江北区 has 60 already: 39.9 + 0.1 more ties it with 宁波市海曙区's 90
	// plus 10, at 100.
	writeOfficeBatch(t, env, saima.Batch{
		Upload: saima.Upload{ID: "ev-more", Dataset: saima.DatasetAssessments},
		Assessments: []saima.Assessment{
			{Unit: "宁波市江北区", Indicator: "数据共享", Mode: "线上日常", Period: q2, Score: decimal.RequireFromString("39.9")},
			{Unit: "宁波市江北区", Indicator: "信息报送", Mode: "线上日常", Period: q2, Score: decimal.RequireFromString("0.1")},
			{Unit: "宁波市海曙区", Indicator: "数据共享", Mode: "线上日常", Period: q2, Score: decimal.NewFromInt(10)},
			{Unit: "宁波市海曙区", Indicator: "年终核查", Mode: "线下年终", Period: saima.Year(2026), Score: decimal.NewFromInt(100)},
		},
	}, time.Date(2026, 7, 12, 9, 0, 0, 0, saima.Beijing))

	var reply struct {
		Totals []assessmentTotalJSON `json:"totals"`
	}
	_, body := env.get(t, "/api/assessments/totals?period=2026Q2")
	decodeJSON(t, body, &reply)
	want := []assessmentTotalJSON{
		{Unit: "宁波市江北区", Total: "100", Records: 3, Rank: 1},
		{Unit: "宁波市海曙区", Total: "100", Records: 2, Rank: 1},
		{Unit: scriptName, Total: "50", Records: 1, Rank: 3},
	}
	if len(reply.Totals) != len(want) {
		t.Fatalf("totals = %+v, want %d units", reply.Totals, len(want))
	}
	for i, w := range want {
		if reply.Totals[i] != w {
			t.Errorf("total %d = %+v, want %+v", i+1, reply.Totals[i], w)
		}
	}

	resp, body := env.get(t, "/assessments?period=2026Q2")
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("GET /assessments: status %d", resp.StatusCode)
	}
	text := html.UnescapeString(body)
	for _, w := range []string{"2026年第二季度考评得分汇总", "宁波市江北区", "宁波市海曙区", scriptName} {
		if !strings.Contains(text, w) {
			t.Errorf("totals page lacks %q", w)
		}
	}
	assertNoRawInjection(t, "totals page", body)

	if resp, _ := env.as(t, "haishu").get(t, "/assessments?period=2026Q2"); resp.StatusCode != http.StatusForbidden {
		t.Errorf("unit account's GET /assessments = %d, want 403", resp.StatusCode)
	}
	// Periods are read as upload cells read them, in Chinese too.
	for _, param := range []string{"2026年第二季度", "２０２６Ｑ２"} {
		resp, body := env.get(t, "/assessments?period="+url.QueryEscape(param))
		if resp.StatusCode != http.StatusOK || !strings.Contains(body, "2026年第二季度考评得分汇总") {
			t.Errorf("GET /assessments?period=%s = %d, want the 2026Q2 totals", param, resp.StatusCode)
		}
	}
	if resp, _ := env.get(t, "/leaderboard?period="+url.QueryEscape("2026年第二季度")); resp.StatusCode != http.StatusOK {
		t.Errorf("GET /leaderboard with a Chinese period = %d, want 200", resp.StatusCode)
	}
	if resp, _ := env.get(t, "/api/assessments/totals?period=2026Q9"); resp.StatusCode != http.StatusBadRequest {
		t.Errorf("GET with period 2026Q9 = %d, want 400", resp.StatusCode)
	}
}

// TestAssessmentTotalsQuarterMonths checks that a quarter's totals on the
// API add the records of its months, which the quarter's scoring reads.
func TestAssessmentTotalsQuarterMonths(t *testing.T) {
	env := newEvaluationEnv(t)
	writeOfficeBatch(t, env, saima.Batch{
		Upload: saima.Upload{ID: "ev-month", Dataset: saima.DatasetAssessments},
		Assessments: []saima.Assessment{
			{Unit: "宁波市海曙区", Indicator: "月度考评", Mode: "线上日常", Period: saima.Month(2026, 5), Score: decimal.NewFromInt(7)},
		},
	}, time.Date(2026, 7, 12, 9, 0, 0, 0, saima.Beijing))

	var reply struct {
		Totals []assessmentTotalJSON `json:"totals"`
	}
	_, body := env.get(t, "/api/assessments/totals?period=2026Q2")
	decodeJSON(t, body, &reply)
	found := false
	for _, got := range reply.Totals {
		if got.Unit != "宁波市海曙区" {
			continue
		}
		found = true
		if want := (assessmentTotalJSON{Unit: "宁波市海曙区", Total: "97", Records: 2, Rank: got.Rank}); got != want {
			t.Errorf("宁波市海曙区 = %+v, want 90 for 2026Q2 and 7 for 2026-05 in %+v", got, want)
		}
	}
	if !found {
		t.Errorf("totals = %+v, want 宁波市海曙区", reply.Totals)
	}
}

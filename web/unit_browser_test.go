package web

import (
	"fmt"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"saima"
	"saima/clickhouse"
	"saima/scoring"
)

// seedTrendQuarters adds runs of 2025Q1 to 2026Q1 and of 2026Q4 for
// 宁波市海曙区 and 宁波市江北区 to the seed, and publishes every quarter up
// to 2026Q3. The unit page's trend then has eight quarters with a draft
// at the end, as after the demo.
func seedTrendQuarters(tb testing.TB, s *clickhouse.Store) {
	tb.Helper()
	ctx := tb.Context()
	runs := map[saima.Period]string{saima.Quarter(2026, 2): "run-q2", saima.Quarter(2026, 3): "run-q3"}
	quarters := []saima.Period{saima.Quarter(2025, 1), saima.Quarter(2025, 2), saima.Quarter(2025, 3),
		saima.Quarter(2025, 4), saima.Quarter(2026, 1), saima.Quarter(2026, 4)}
	for i, q := range quarters {
		runs[q] = "run-" + q.String()
		var scores []saima.Score
		for rank, unit := range []string{"宁波市海曙区", "宁波市江北区"} {
			scores = append(scores, saima.Score{Period: q, Track: saima.KindDistrict, RuleSet: "默认规则",
				RuleSetVersion: "v1", RunID: runs[q], ComputedAt: seedAt.Add(time.Duration(i) * time.Minute),
				Unit: unit, Value: 70 + float64(i) - float64(rank), Rank: rank + 1})
		}
		if err := s.SaveScores(ctx, scores, nil); err != nil {
			tb.Fatalf("save scores of %s: %v", q, err)
		}
	}
	for q, run := range runs {
		if q == saima.Quarter(2026, 4) {
			continue
		}
		ev := scoring.Evaluation{Period: q, Version: 1, RunID: run, RuleSet: "默认规则", RuleSetText: evaluationRules,
			Status: scoring.StatusPublished, CreatedAt: seedAt, CreatedBy: "test", PublishedAt: seedAt,
			PublishedBy: "test"}
		if err := s.SaveEvaluation(ctx, ev, nil); err != nil {
			tb.Fatalf("publish %s: %v", q, err)
		}
	}
}

// TestBrowserUnitTrendMarksDraft opens a unit page whose trend ends with
// a draft quarter at a laptop's and a narrow width, and checks in Chromium
// that both trend charts label every quarter and mark the draft point.
func TestBrowserUnitTrendMarksDraft(t *testing.T) {
	requireChromium(t)
	env := newSeededEnv(t)
	seedTrendQuarters(t, env.store)
	b := officeBrowser(t, env)

	quarters := []string{"2025Q1", "2025Q2", "2025Q3", "2025Q4", "2026Q1", "2026Q2", "2026Q3", "2026Q4（草稿）"}
	for _, width := range []int64{1366, 760} {
		for _, chart := range []string{"chart-composite", "chart-rank"} {
			t.Run(fmt.Sprintf("%s at %d", chart, width), func(t *testing.T) {
				b.reset()
				b.open(t, "/units/"+url.PathEscape("宁波市海曙区"), width, 900)
				labels, err := chromedp.Run(b.ctx, chromedp.Evaluate[[]string](drawnLabels+"("+strconv.Quote(chart)+")"))
				if err != nil {
					t.Fatalf("read the labels of %s: %v", chart, err)
				}
				for _, q := range quarters {
					if !slices.Contains(labels, q) {
						t.Errorf("%s at %d px draws no label %s; drawn: %q", chart, width, q, labels)
					}
				}
				if n := countLabel(labels, "草稿"); n != 1 {
					t.Errorf("%s at %d px marks %d points 草稿, want the draft 2026Q4 alone; drawn: %q", chart, width, n, labels)
				}
				for _, problem := range b.problems() {
					t.Error(problem)
				}
			})
		}
	}
}

// countLabel returns how many of labels are text.
func countLabel(labels []string, text string) int {
	n := 0
	for _, l := range labels {
		if strings.TrimSpace(l) == text {
			n++
		}
	}
	return n
}

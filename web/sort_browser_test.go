package web

import (
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// TestBrowserLeaderboardSort sorts a leaderboard table in Chromium by
// clicking its 综合得分 header: ascending first, then descending, with the
// order marked in aria-sort.
func TestBrowserLeaderboardSort(t *testing.T) {
	b, ctx := dashboardBrowser(t, "/leaderboard?period=2026Q3", 60*time.Second)
	const composites = `Array.from(document.querySelector('table.ranking').tBodies[0].rows, r => parseFloat(r.cells[3].textContent))`
	read := func() []float64 {
		t.Helper()
		values, err := chromedp.Run(ctx, chromedp.Evaluate[[]float64](composites))
		if err != nil {
			t.Fatalf("read the composites: %v", err)
		}
		return values
	}
	click := func() string {
		t.Helper()
		sort, err := chromedp.Run(ctx, chromedp.Evaluate[string](
			`(function () { var th = document.querySelector('table.ranking thead th:nth-child(4)');
			th.querySelector('button.sort').click(); return th.getAttribute('aria-sort') || ''; })()`))
		if err != nil {
			t.Fatalf("click 综合得分: %v (browser problems: %q)", err, b.problems())
		}
		return sort
	}

	before := read()
	if len(before) < 2 {
		t.Fatalf("the first table has %d rows, want at least 2", len(before))
	}
	for i, want := range []string{"ascending", "descending"} {
		if got := click(); got != want {
			t.Errorf("click %d: aria-sort = %q, want %q", i+1, got, want)
		}
		values := read()
		for j := 1; j < len(values); j++ {
			if (want == "ascending") != (values[j-1] <= values[j]) && values[j-1] != values[j] {
				t.Errorf("click %d: composites %v are not %s", i+1, values, want)
				break
			}
		}
	}
	for _, problem := range b.problems() {
		t.Error(problem)
	}
}

// TestBrowserLeaderboardSortMovement sorts both tracks of a leaderboard
// by 较上期 in Chromium. An unchanged place (—) sorts between a fall and
// a rise, and a unit new to the ranking (新) stays last in either order.
func TestBrowserLeaderboardSortMovement(t *testing.T) {
	b, ctx := dashboardBrowser(t, "/leaderboard?period=2026Q3", 60*time.Second)
	// The seeded 2026Q3 districts moved ↑1, ↓1 and — and the departments
	// ↑1, ↓1 and 新 (see seedScores).
	tests := []struct {
		table      int
		ascending  []string
		descending []string
	}{
		{0, []string{"↓1", "—", "↑1"}, []string{"↑1", "—", "↓1"}},
		{1, []string{"↓1", "↑1", "新"}, []string{"↑1", "↓1", "新"}},
	}
	for _, tt := range tests {
		table := fmt.Sprintf(`document.querySelectorAll('table.ranking')[%d]`, tt.table)
		for i, want := range [][]string{tt.ascending, tt.descending} {
			got, err := chromedp.Run(ctx, chromedp.Evaluate[[]string](`(function () { var t = `+table+`;
				t.querySelector('thead th:nth-child(5) button.sort').click();
				return Array.from(t.tBodies[0].rows, r => r.cells[4].textContent.trim()); })()`))
			if err != nil {
				t.Fatalf("table %d: click 较上期: %v (browser problems: %q)", tt.table, err, b.problems())
			}
			if !slices.Equal(got, want) {
				t.Errorf("table %d, click %d: movements %q, want %q", tt.table, i+1, got, want)
			}
		}
	}
	for _, problem := range b.problems() {
		t.Error(problem)
	}
}

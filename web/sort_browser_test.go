package web

import (
	"context"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// TestBrowserLeaderboardSort sorts a leaderboard table in Chromium by
// clicking its 综合得分 header: ascending first, then descending, with the
// order marked in aria-sort.
func TestBrowserLeaderboardSort(t *testing.T) {
	requireChromium(t)
	env := newDashboardEnv(t)
	b := newBrowser(t, serve(t, env.server))
	b.login(t, "office", testAccounts["office"].password, "/leaderboard?period=2026Q3")

	ctx, cancel := context.WithTimeout(b.ctx, 60*time.Second)
	defer cancel()
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

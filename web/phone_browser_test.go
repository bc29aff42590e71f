package web

import (
	"net/url"
	"testing"

	"github.com/chromedp/chromedp"
)

// phonePages are the pages of the office's header, the two milestone
// pages and a unit's page.
var phonePages = []string{"/overview", "/leaderboard", "/heatmap", "/ledger", "/management", "/lists", "/problems",
	"/problems/loop", "/leaders", "/reminders", "/pioneers", "/assessments", "/milestones", "/milestones/status",
	"/upload", "/uploads", "/units/" + url.PathEscape("宁波市海曙区")}

// phoneLayout measures, on the page shown, how far the page runs past the
// window, how many lines each header link takes and which elements stick
// out on the right.
const phoneLayout = `(() => {
	const lines = Array.from(document.querySelectorAll('nav a')).map(a => {
		const range = document.createRange();
		range.selectNodeContents(a);
		return {text: a.textContent.trim(), lines: range.getClientRects().length,
			right: Math.round(a.getBoundingClientRect().right)};
	});
	// Only for the failure message: the elements past the window outside
	// a box that scrolls on its own, such as a wide table's .table-wrap.
	const clipped = el => {
		for (let p = el.parentElement; p && p !== document.body; p = p.parentElement) {
			if (getComputedStyle(p).overflowX !== 'visible') {
				return true;
			}
		}
		return false;
	};
	const wide = Array.from(document.querySelectorAll('body *'))
		.filter(el => el.getBoundingClientRect().right > window.innerWidth + 1 && !clipped(el))
		.slice(0, 5).map(el => el.tagName.toLowerCase() + (el.className ? '.' + el.className : ''));
	return {overflow: document.documentElement.scrollWidth - window.innerWidth, links: lines, wide: wide};
})()`

// TestBrowserPhoneLayout opens each of phonePages at a phone's
// 390 px width in Chromium. Each header link must stay on one line within
// the window, and no page may scroll sideways: wide tables scroll in
// their own box.
func TestBrowserPhoneLayout(t *testing.T) {
	requireChromium(t)
	env := newSeededEnv(t)
	seedDashboard(t, env.store)
	b := officeBrowser(t, env)

	type link struct {
		Text  string
		Lines int
		Right int
	}
	type layout struct {
		Overflow int
		Links    []link
		Wide     []string
	}
	for _, path := range phonePages {
		b.reset()
		b.open(t, path, 390, 844)
		got, err := chromedp.Run(b.ctx, chromedp.Evaluate[layout](phoneLayout))
		if err != nil {
			t.Fatalf("measure %s: %v", path, err)
		}
		if len(got.Links) == 0 {
			t.Fatalf("%s has no header links", path)
		}
		for _, l := range got.Links {
			if l.Lines != 1 {
				t.Errorf("%s at 390 px: header link %s takes %d lines, want 1", path, l.Text, l.Lines)
			}
			if l.Right > 390 {
				t.Errorf("%s at 390 px: header link %s ends at %d px, past the window", path, l.Text, l.Right)
			}
		}
		if got.Overflow > 0 {
			t.Errorf("%s at 390 px scrolls sideways by %d px; elements past the window: %v", path, got.Overflow, got.Wide)
		}
		for _, problem := range b.problems() {
			t.Error(problem)
		}
	}
}

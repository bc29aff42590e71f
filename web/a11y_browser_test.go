package web

import (
	"context"
	"encoding/json"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/accessibility"
	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"

	"saima"
	"saima/scoring"
)

// chartAlternatives returns, for each chart drawn on the page, its role,
// its accessible name and the values that ECharts drew but its data table
// lacks, each cell counted once. The values are every number of a series'
// data: the last of a heatmap's [x, y, value] and each of a radar item's.
const chartAlternatives = `(() => {
	const text = v => {
		if (v !== null && typeof v === 'object' && !Array.isArray(v)) v = v.value;
		return v === null || v === undefined || v === '' ? null : String(v);
	};
	return Array.from(document.querySelectorAll('script[type="application/json"][data-chart]'), s => {
		const el = document.getElementById(s.dataset.chart);
		const chart = echarts.getInstanceByDom(el);
		const drawn = [];
		for (const series of chart.getOption().series) {
			for (const item of series.data) {
				const value = (item !== null && typeof item === 'object' && !Array.isArray(item)) ? item.value : item;
				if (series.type === 'heatmap') drawn.push(text(value[2]));
				else if (series.type === 'radar') value.forEach(v => drawn.push(text(v)));
				else drawn.push(text(value));
			}
		}
		const table = document.getElementById(s.dataset.chart + '-data');
		const cells = table ? Array.from(table.querySelectorAll('tbody td'), td => td.textContent.trim()) : [];
		const missing = [];
		for (const v of drawn.filter(v => v !== null)) {
			const at = cells.indexOf(v);
			if (at < 0) missing.push(v); else cells.splice(at, 1);
		}
		return {
			id: s.dataset.chart,
			role: el.getAttribute('role') || '',
			label: el.getAttribute('aria-label') || '',
			title: chart.getOption().title[0].text || '',
			table: table !== null,
			values: drawn.length,
			missing: missing,
		};
	});
})()`

type chartAlternative struct {
	ID      string   `json:"id"`
	Role    string   `json:"role"`
	Label   string   `json:"label"`
	Title   string   `json:"title"`
	Table   bool     `json:"table"`
	Values  int      `json:"values"`
	Missing []string `json:"missing"`
}

// TestBrowserChartTables opens every page with charts in Chromium. It
// checks that each chart is named for a screen reader and that its data
// table contains every value the chart draws, so that a reader who cannot
// see the canvas gets the same numbers.
func TestBrowserChartTables(t *testing.T) {
	requireChromium(t)
	env := newDashboardEnv(t)
	b := newBrowser(t, serve(t, env.server))
	b.login(t, "office", testAccounts["office"].password, "/overview")

	paths := []string{"/overview", "/leaderboard?period=2026Q3", "/units/" + url.PathEscape("宁波市海曙区"),
		"/heatmap", "/problems", "/pioneers", "/ledger"}
	for _, path := range paths {
		b.open(t, path, 1366, 900)
		ctx, cancel := context.WithTimeout(b.ctx, 30*time.Second)
		charts, err := chromedp.Run(ctx, chromedp.Evaluate[[]chartAlternative](chartAlternatives))
		cancel()
		if err != nil {
			t.Fatalf("read the charts of %s: %v", path, err)
		}
		if len(charts) == 0 {
			t.Errorf("%s: no chart drawn", path)
		}
		for _, ch := range charts {
			if ch.Role != "img" {
				t.Errorf("%s %s: role = %q, want img", path, ch.ID, ch.Role)
			}
			if ch.Title == "" || !strings.Contains(ch.Label, ch.Title) {
				t.Errorf("%s %s: aria-label = %q, want the title %q", path, ch.ID, ch.Label, ch.Title)
			}
			if !ch.Table {
				t.Errorf("%s %s: no data table #%s-data", path, ch.ID, ch.ID)
				continue
			}
			if ch.Values == 0 {
				t.Errorf("%s %s: the chart draws no values", path, ch.ID)
			}
			if len(ch.Missing) > 0 {
				t.Errorf("%s %s: data table lacks drawn values %q", path, ch.ID, ch.Missing)
			}
		}
	}
	for _, problem := range b.problems() {
		t.Error(problem)
	}
}

// focused describes the element that has the keyboard focus.
const focused = `(() => {
	const el = document.activeElement;
	const box = el.getBoundingClientRect();
	return {tag: el.tagName.toLowerCase(), id: el.id, href: el.getAttribute('href') || '',
		text: el.textContent.trim(), visible: box.width > 0 && box.height > 0 && box.top >= 0 && box.bottom <= innerHeight};
})()`

type focusState struct {
	Tag     string `json:"tag"`
	ID      string `json:"id"`
	Href    string `json:"href"`
	Text    string `json:"text"`
	Visible bool   `json:"visible"`
}

// TestBrowserSkipLink presses Tab on a signed-in page in Chromium and
// checks that the first stop is a visible link past the header's dozen
// navigation links, and that Enter on it moves the focus to the content.
func TestBrowserSkipLink(t *testing.T) {
	b, ctx := dashboardBrowser(t, "/ledger", 30*time.Second)
	read := func(keys string) focusState {
		t.Helper()
		if err := chromedp.Do(ctx, chromedp.KeyEvent(keys)); err != nil {
			t.Fatalf("press %q: %v", keys, err)
		}
		state, err := chromedp.Run(ctx, chromedp.Evaluate[focusState](focused))
		if err != nil {
			t.Fatalf("press %q: %v", keys, err)
		}
		return state
	}

	first := read(kb.Tab)
	if first.Tag != "a" || first.Href != "#main" {
		t.Fatalf("first Tab stop = %+v, want a link to #main", first)
	}
	if !first.Visible {
		t.Errorf("skip link %q is not visible when focused", first.Text)
	}
	if after := read(kb.Enter); after.ID != "main" {
		t.Errorf("focus after Enter on the skip link = %+v, want main", after)
	}
	for _, problem := range b.problems() {
		t.Error(problem)
	}
}

// lowContrast lists the text on the page whose contrast with what lies
// behind it falls below WCAG 2.1's 4.5:1, or 3:1 for large text (24 px,
// or 18.67 px bold). The background is the nearest one that is set,
// blended over those under it while it is translucent, and the text's
// colour is blended by its alpha and the opacity of its ancestors.
const lowContrast = `(() => {
	const parse = c => { const m = c.match(/[\d.]+/g).map(Number); return {r: m[0], g: m[1], b: m[2], a: m.length > 3 ? m[3] : 1}; };
	const over = (top, under) => ({r: top.r * top.a + under.r * (1 - top.a), g: top.g * top.a + under.g * (1 - top.a),
		b: top.b * top.a + under.b * (1 - top.a), a: 1});
	const luminance = c => {
		const f = v => { v /= 255; return v <= 0.03928 ? v / 12.92 : Math.pow((v + 0.055) / 1.055, 2.4); };
		return 0.2126 * f(c.r) + 0.7152 * f(c.g) + 0.0722 * f(c.b);
	};
	const background = el => {
		const layers = [];
		for (let e = el; e; e = e.parentElement) {
			const c = parse(getComputedStyle(e).backgroundColor);
			if (c.a > 0) layers.push(c);
			if (c.a >= 1) break;
		}
		return layers.reduceRight((under, top) => over(top, under), {r: 255, g: 255, b: 255, a: 1});
	};
	const opacity = el => { let o = 1; for (let e = el; e; e = e.parentElement) o *= parseFloat(getComputedStyle(e).opacity); return o; };
	const found = [];
	for (const el of document.querySelectorAll('body *')) {
		const own = Array.from(el.childNodes).some(n => n.nodeType === 3 && n.textContent.trim() !== '');
		if (!own || el.getClientRects().length === 0 || el.closest('details:not([open])')) continue;
		const style = getComputedStyle(el);
		if (style.visibility === 'hidden') continue;
		const bg = background(el);
		const colour = parse(style.color);
		const fg = over({...colour, a: colour.a * opacity(el)}, bg);
		const a = luminance(fg), b = luminance(bg);
		const ratio = (Math.max(a, b) + 0.05) / (Math.min(a, b) + 0.05);
		const size = parseFloat(style.fontSize), bold = parseInt(style.fontWeight, 10) >= 700;
		const need = size >= 24 || (bold && size >= 18.66) ? 3 : 4.5;
		if (ratio < need) {
			found.push(el.tagName.toLowerCase() + (el.className ? '.' + String(el.className).split(' ').join('.') : '') +
				' "' + el.textContent.trim().slice(0, 20) + '" ' + ratio.toFixed(2) + ':1');
		}
	}
	return Array.from(new Set(found));
})()`

// TestBrowserTextContrast opens pages of every kind in Chromium and checks
// the contrast of all the text they show, the header's included.
func TestBrowserTextContrast(t *testing.T) {
	requireChromium(t)
	env := newDashboardEnv(t)
	seedWorkflows(t, env.store)
	b := newBrowser(t, serve(t, env.server))
	b.login(t, "office", testAccounts["office"].password, "/overview")

	paths := []string{"/overview", "/leaderboard?period=2026Q3", "/units/" + url.PathEscape("宁波市海曙区"),
		"/ledger", "/milestones/status", "/milestones/status?project=NB-2026-001", "/projects/NB-2026-001", "/problems", "/lists", "/leaders", "/upload"}
	for _, path := range paths {
		b.openPlain(t, path)
		ctx, cancel := context.WithTimeout(b.ctx, 30*time.Second)
		low, err := chromedp.Run(ctx, chromedp.Evaluate[[]string](lowContrast))
		cancel()
		if err != nil {
			t.Fatalf("read the contrast of %s: %v", path, err)
		}
		for _, l := range low {
			t.Errorf("%s: low contrast: %s", path, l)
		}
	}
}

// TestBrowserSortByKeyboard checks in Chromium that a leaderboard table
// marks its order on load with aria-sort on 名次, and that its 综合得分
// header sorts by the keyboard: Enter, then Space.
func TestBrowserSortByKeyboard(t *testing.T) {
	_, ctx := dashboardBrowser(t, "/leaderboard?period=2026Q3", 30*time.Second)
	const sorts = `Array.from(document.querySelector('table.ranking').tHead.rows[0].cells, th => th.getAttribute('aria-sort') || '')`
	read := func() []string {
		t.Helper()
		got, err := chromedp.Run(ctx, chromedp.Evaluate[[]string](sorts))
		if err != nil {
			t.Fatalf("read aria-sort: %v", err)
		}
		return got
	}
	if got := read(); len(got) < 4 || got[0] != "ascending" {
		t.Errorf("aria-sort on load = %q, want ascending on 名次", got)
	}

	const focusComposite = `document.querySelector('table.ranking thead th:nth-child(4) button.sort').focus()`
	if _, err := chromedp.Run(ctx, chromedp.Evaluate[chromedp.Void](focusComposite)); err != nil {
		t.Fatalf("focus 综合得分: %v", err)
	}
	for _, step := range []struct{ key, want string }{{kb.Enter, "ascending"}, {" ", "descending"}} {
		if err := chromedp.Do(ctx, chromedp.KeyEvent(step.key)); err != nil {
			t.Fatalf("press %q: %v", step.key, err)
		}
		got := read()
		if got[3] != step.want || got[0] != "" {
			t.Errorf("aria-sort after %q on 综合得分 = %q, want %s on it alone", step.key, got, step.want)
		}
	}
}

// focusRing describes the focus indicator of the element with the focus:
// its outline's style and its contrast with the background behind it.
const focusRing = `(() => {
	const parse = c => { const m = c.match(/[\d.]+/g).map(Number); return {r: m[0], g: m[1], b: m[2], a: m.length > 3 ? m[3] : 1}; };
	const over = (top, under) => ({r: top.r * top.a + under.r * (1 - top.a), g: top.g * top.a + under.g * (1 - top.a),
		b: top.b * top.a + under.b * (1 - top.a), a: 1});
	const luminance = c => {
		const f = v => { v /= 255; return v <= 0.03928 ? v / 12.92 : Math.pow((v + 0.055) / 1.055, 2.4); };
		return 0.2126 * f(c.r) + 0.7152 * f(c.g) + 0.0722 * f(c.b);
	};
	const el = document.activeElement;
	const layers = [];
	for (let e = el; e; e = e.parentElement) {
		const c = parse(getComputedStyle(e).backgroundColor);
		if (c.a > 0) layers.push(c);
		if (c.a >= 1) break;
	}
	const bg = layers.reduceRight((under, top) => over(top, under), {r: 255, g: 255, b: 255, a: 1});
	const style = getComputedStyle(el);
	const a = luminance(over(parse(style.outlineColor), bg)), b = luminance(bg);
	return {text: el.textContent.trim(), style: style.outlineStyle, ratio: (Math.max(a, b) + 0.05) / (Math.min(a, b) + 0.05)};
})()`

type focusRingState struct {
	Text  string  `json:"text"`
	Style string  `json:"style"`
	Ratio float64 `json:"ratio"`
}

// TestBrowserHeaderFocusRing tabs through the header of a page in
// Chromium. Each link and button there must show an outline with a
// contrast of 3:1 or more against the red bar, the current page's link
// included.
func TestBrowserHeaderFocusRing(t *testing.T) {
	_, ctx := dashboardBrowser(t, "/ledger", 60*time.Second)
	for range 20 {
		if err := chromedp.Do(ctx, chromedp.KeyEvent(kb.Tab)); err != nil {
			t.Fatalf("press Tab: %v", err)
		}
		inHeader, err := chromedp.Run(ctx, chromedp.Evaluate[bool](`document.activeElement.closest('header.top') !== null`))
		if err != nil {
			t.Fatalf("read the focus: %v", err)
		}
		if !inHeader {
			continue
		}
		ring, err := chromedp.Run(ctx, chromedp.Evaluate[focusRingState](focusRing))
		if err != nil {
			t.Fatalf("read the focus ring: %v", err)
		}
		if ring.Style == "none" || ring.Ratio < 3 {
			t.Errorf("focus ring of %q: outline %s at %.2f:1, want one of 3:1 or more", ring.Text, ring.Style, ring.Ratio)
		}
	}
}

// axNode is a node of Chromium's accessibility tree, as a screen reader
// reads it: its role and accessible name.
type axNode struct{ role, name string }

// accessibilityTree returns the nodes of the page's accessibility tree
// that Chromium does not ignore.
func accessibilityTree(ctx context.Context, tb testing.TB) []axNode {
	tb.Helper()
	tree, err := chromedp.Call(ctx, accessibility.GetFullAXTree, accessibility.GetFullAXTreeParams{})
	if err != nil {
		tb.Fatalf("read the accessibility tree: %v", err)
	}
	text := func(v *accessibility.Value) string {
		var s string
		if v != nil && len(v.Value) > 0 {
			json.Unmarshal(v.Value, &s)
		}
		return s
	}
	var nodes []axNode
	for _, n := range tree.Nodes {
		if !n.Ignored {
			nodes = append(nodes, axNode{role: text(n.Role), name: text(n.Name)})
		}
	}
	return nodes
}

// TestBrowserPagerLandmarkNames opens the pages with long tables in
// Chromium and checks in its accessibility tree that every navigation
// landmark has a name and that no two on a page share one. A table has
// a pager above and one below it, and /management has three tables.
func TestBrowserPagerLandmarkNames(t *testing.T) {
	requireChromium(t)
	env := newSeededEnv(t)
	seedLongLists(t, env.store)
	b := newBrowser(t, serve(t, env.server))
	b.login(t, "office", testAccounts["office"].password, "/leaders")

	for _, path := range []string{"/leaders", "/problems/loop", "/management?year=2026"} {
		b.openPlain(t, path)
		ctx, cancel := context.WithTimeout(b.ctx, 30*time.Second)
		seen := map[string]int{}
		pagers := 0
		for _, n := range accessibilityTree(ctx, t) {
			if n.role != "navigation" {
				continue
			}
			seen[n.name]++
			if strings.Contains(n.name, "分页") {
				pagers++
			}
		}
		cancel()
		if pagers < 2 {
			t.Errorf("%s: %d pager landmarks, want one above and one below the long table", path, pagers)
		}
		for name, count := range seen {
			if name == "" {
				t.Errorf("%s: %d navigation landmarks without a name", path, count)
			} else if count > 1 {
				t.Errorf("%s: %d navigation landmarks named %q, want distinct names", path, count, name)
			}
		}
	}
}

// shownText reports, for each text, whether an element that shows it is
// on screen: not clipped to a pixel, as visually hidden text is, and not
// inside a closed <details>. A touch user reads only such text.
const shownText = `((texts) => texts.map(text => Array.from(document.querySelectorAll('body *')).some(el => {
	const own = Array.from(el.childNodes).some(n => n.nodeType === 3 && n.textContent.includes(text));
	if (!own || el.closest('details:not([open])')) return false;
	const r = el.getBoundingClientRect();
	return r.width > 2 && r.height > 2 && getComputedStyle(el).clipPath === 'none';
})))`

// titleFacts lists the title attributes on the page, which only a mouse
// shows.
const titleFacts = `Array.from(document.querySelectorAll('[title]'), el => el.getAttribute('title'))`

// TestBrowserFactsOutsideTitles checks in Chromium that the computed value
// behind a † override (of a composite and of an indicator), what 名次区间
// means and an upload's full SHA-256 are on screen, or one key press
// away, and in the accessibility tree. A title attribute shows only
// under a mouse, so keyboard and touch users cannot read it.
func TestBrowserFactsOutsideTitles(t *testing.T) {
	requireChromium(t)
	env := newTestEnv(t, nil)
	writeEvaluationLedger(t, env.store)
	svc := &scoring.Service{Store: env.store, Rules: []byte(listRules(""))}
	if _, err := svc.Draft(context.Background(), q2, "saima score"); err != nil {
		t.Fatal(err)
	}
	if _, err := svc.Override(context.Background(), scoring.Override{Period: q2, Unit: "宁波市江北区", Value: 50,
		By: "王五", Why: "核减"}); err != nil {
		t.Fatal(err)
	}
	if _, err := svc.Override(context.Background(), scoring.Override{Period: q2, Unit: "宁波市江北区",
		Indicator: "assessment_mean", Value: 70, By: "王五", Why: "复核"}); err != nil {
		t.Fatal(err)
	}
	sum := strings.Repeat("0123456789abcdef", 4)
	writeOfficeBatch(t, env, saima.Batch{Upload: saima.Upload{ID: "sha-1", Dataset: saima.DatasetUnits,
		SHA256: sum, Outcome: saima.OutcomeOK}}, seedAt.Add(time.Hour))
	b := newBrowser(t, serve(t, env.server))
	b.login(t, "office", testAccounts["office"].password, "/leaderboard?period=2026Q2")

	check := func(ctx context.Context, path string, facts []string) {
		t.Helper()
		shown, err := chromedp.Run(ctx, chromedp.Evaluate[[]bool](`(`+shownText+`)(`+jsStrings(facts)+`)`))
		if err != nil {
			t.Fatalf("%s: read the shown text: %v", path, err)
		}
		var names []string
		for _, n := range accessibilityTree(ctx, t) {
			names = append(names, n.name)
		}
		all := strings.Join(names, "\n")
		for i, fact := range facts {
			if !shown[i] {
				t.Errorf("%s: %q is not on screen", path, fact)
			}
			if !strings.Contains(all, fact) {
				t.Errorf("%s: %q is not in the accessibility tree", path, fact)
			}
		}
		titles, err := chromedp.Run(ctx, chromedp.Evaluate[[]string](titleFacts))
		if err != nil {
			t.Fatalf("%s: read the titles: %v", path, err)
		}
		for _, title := range titles {
			for _, fact := range facts {
				if strings.Contains(title, fact) {
					t.Errorf("%s: title %q holds %q", path, title, fact)
				}
			}
		}
	}

	b.openPlain(t, "/leaderboard?period=2026Q2")
	ctx, cancel := context.WithTimeout(b.ctx, 30*time.Second)
	defer cancel()
	check(ctx, "/leaderboard", []string{"计算值 84.0", "5%–95% 区间", "不含人工调整，所以本期有人工调整时"})

	explain := "/units/" + url.PathEscape("宁波市江北区") + "/explain?period=2026Q2"
	b.openPlain(t, explain)
	check(ctx, explain, []string{"计算值 60.00"})

	b.openPlain(t, "/uploads")
	// The full sum is one key press away: Enter on the summary opens it.
	if err := chromedp.Do(ctx, chromedp.Focus("details.sha summary"), chromedp.KeyEvent(kb.Enter)); err != nil {
		t.Fatalf("open the SHA-256 by the keyboard: %v", err)
	}
	check(ctx, "/uploads", []string{sum})
	for _, problem := range b.problems() {
		t.Error(problem)
	}
}

// jsStrings writes texts as a JavaScript array literal.
func jsStrings(texts []string) string {
	b, err := json.Marshal(texts)
	if err != nil {
		panic(err)
	}
	return string(b)
}

package web

import (
	"cmp"
	"context"
	"fmt"
	"math"
	"net/url"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/input"
	"github.com/chromedp/chromedp"
	"github.com/shopspring/decimal"

	"saima"
	"saima/clickhouse"
)

// tooltipText returns the tooltip text of the chart with the given id as
// drawn. The page draws tooltips as rich text on the canvas, and ECharts
// 5.6 adds such a tooltip as a text element at the root of the chart's
// zrender scene. The snippet joins the text spans drawn from its markup,
// line by line.
const tooltipText = `((id) => {
	const chart = echarts.getInstanceByDom(document.getElementById(id));
	const tooltip = chart.getZr().storage.getRoots()
		.find(el => el.type === 'text' && !el.ignore && el.style.rich && el.style.text);
	if (!tooltip) {
		return '';
	}
	const spans = tooltip.childrenRef().filter(el => el.type === 'tspan' && el.style.text);
	spans.sort((a, b) => a.style.y - b.style.y || a.style.x - b.style.x);
	const lines = [];
	let y = null;
	spans.forEach(el => {
		if (y === null || Math.abs(el.style.y - y) > 1) {
			lines.push('');
			y = el.style.y;
		}
		lines[lines.length - 1] += el.style.text;
	});
	return lines.join('\n');
})`

// officeBrowser starts a server over env and returns a browser signed in
// to it as the office.
func officeBrowser(t *testing.T, env *testEnv) *browser {
	t.Helper()
	b := newBrowser(t, serve(t, env.server))
	b.login(t, "office", testAccounts["office"].password, "/")
	return b
}

// TestBarTooltipKeepsDecimals checks in Chromium that the tooltip of a bar
// shows its value as the bar's label does, with the trailing zero of 95.0.
func TestBarTooltipKeepsDecimals(t *testing.T) {
	requireChromium(t)
	env := newSeededEnv(t)
	seedDashboard(t, env.store)
	b := officeBrowser(t, env)

	tests := []struct {
		name, path, chart string
		value             string // the value of the bar to hover, or empty for any
	}{
		{"pioneers", "/pioneers", "chart-pioneers", ""},
		// In 2026Q2 the script unit scored 70, drawn as 70.0.
		{"leaderboard", "/leaderboard?period=2026Q2", "chart-track-0", ""},
		{"overview systems", "/overview", "chart-overview-systems", ""},
		// In 2026Q3 宁波市海曙区 scored 95 for project speed, drawn as 95.00.
		{"unit grouped bars", "/units/" + url.PathEscape("宁波市海曙区"), "chart-radar", "95.00"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			b.reset()
			b.open(t, tt.path, 1366, 900)
			value, tooltip := b.hoverBar(t, tt.chart, tt.value)
			label := regexp.MustCompile(`(^|[^0-9.])` + regexp.QuoteMeta(value) + `($|[^0-9.])`)
			if !label.MatchString(tooltip) {
				t.Errorf("tooltip of a bar of %s = %q, want the value %s as written in the label",
					tt.chart, tooltip, value)
			}
			for _, problem := range b.problems() {
				t.Error(problem)
			}
		})
	}
}

// barPoint scrolls a chart into view and returns the viewport position of
// the middle of a bar and the bar's value as the option writes it, or null
// when no bar has the value requested. Without a value requested, it picks
// the first bar whose value ends in a zero decimal, such as 95.0, because
// ECharts' default tooltip drops that zero, and otherwise the first bar.
// It also reports whether a label on the chart shows that value.
const barPoint = `((id, want) => {
	const el = document.getElementById(id);
	el.scrollIntoView({block: 'center'});
	const chart = echarts.getInstanceByDom(el);
	const items = [];
	chart.getOption().series.forEach((s, series) => s.data.forEach((item, index) =>
		items.push({series: series, index: index, value: String(item.value)})));
	const picked = want
		? items.find(it => it.value === want)
		: items.find(it => /[.][0-9]*0$/.test(it.value)) || items[0];
	if (!picked) {
		return null;
	}
	const bar = chart.getModel().getSeriesByIndex(picked.series).getData().getItemLayout(picked.index);
	const labelled = chart.getZr().storage.getDisplayList(true)
		.some(e => e.type === 'tspan' && e.style.text === picked.value);
	const rect = el.getBoundingClientRect();
	return {
		x: rect.left + bar.x + bar.width / 2,
		y: rect.top + bar.y + bar.height / 2,
		value: picked.value,
		labelled: labelled,
	};
})`

// hoverBar moves the mouse over the bar of a drawn bar chart that
// barPoint picks for want, and checks that the bar's label shows its
// value. It returns the bar's value as the option writes it and the
// tooltip text as drawn.
func (b *browser) hoverBar(tb testing.TB, chartID, want string) (value, tooltip string) {
	tb.Helper()
	ctx, cancel := context.WithTimeout(b.ctx, 30*time.Second)
	defer cancel()

	type point struct {
		X        float64 `json:"x"`
		Y        float64 `json:"y"`
		Value    string  `json:"value"`
		Labelled bool    `json:"labelled"`
	}
	script := barPoint + "(" + strconv.Quote(chartID) + ", " + strconv.Quote(want) + ")"
	at, err := chromedp.Run(ctx, chromedp.Evaluate[*point](script))
	if err != nil {
		tb.Fatalf("find a bar of %s: %v", chartID, err)
	}
	if at == nil {
		tb.Fatalf("chart %s has no bar whose option value is %q", chartID, want)
	}
	if !at.Labelled {
		tb.Errorf("chart %s has no label %s", chartID, at.Value)
	}
	return at.Value, b.hoverAt(tb, chartID, script, "the bar of "+at.Value)
}

// longName returns a name of n characters that starts with scriptName and
// goes on with a non-BMP character, so that it tests escaping, characters
// outside the BMP and length at once.
func longName(n int) string {
	runes := []rune(scriptName)
	for len(runes) < n {
		runes = append(runes, []rune("吉𠮷镇数字化改革专班")...)
	}
	return string(runes[:n])
}

// seedLongNames writes a store where a unit, a project and a system each
// have a name of 200 characters: the unit leads the district track of
// 2026Q3, and the project qualifies for the pioneer list.
func seedLongNames(tb testing.TB, s *clickhouse.Store, name string) {
	tb.Helper()
	ctx := context.Background()
	implemented, err := saima.ParseDate("2026-05-01")
	if err != nil {
		tb.Fatal(err)
	}
	q3 := saima.Quarter(2026, 3)
	percent := decimal.NewNullDecimal(decimal.RequireFromString("95"))
	batches := []*saima.Batch{
		{Upload: saima.Upload{Dataset: saima.DatasetUnits}, Units: []saima.Unit{
			{Name: name, Kind: saima.KindDistrict, Track: saima.KindDistrict},
			{Name: "宁波市海曙区", Kind: saima.KindDistrict, Track: saima.KindDistrict},
			{Name: "宁波市江北区", Kind: saima.KindDistrict, Track: saima.KindDistrict},
		}},
		{Upload: saima.Upload{Dataset: saima.DatasetProjects}, Projects: []saima.Project{
			{Code: "NB-2026-101", Name: name, Unit: name, System: name, Batch: "启动实施"},
			{Code: "NB-2026-102", Name: "城市大脑驾驶舱", Unit: "宁波市海曙区", System: "整体智治", Batch: "启动实施"},
		}},
		{Upload: saima.Upload{Dataset: saima.DatasetStages}, Stages: []saima.StageEvent{
			{ProjectCode: "NB-2026-101", Stage: "实施", Date: implemented},
			{ProjectCode: "NB-2026-102", Stage: "实施", Date: implemented},
		}},
		{Upload: saima.Upload{Dataset: saima.DatasetProgress}, Progress: []saima.ProgressReport{
			{Unit: name, ProjectCode: "NB-2026-101", ProjectName: name, Period: q3, Percent: percent},
			{Unit: "宁波市海曙区", ProjectCode: "NB-2026-102", ProjectName: "城市大脑驾驶舱", Period: q3, Percent: percent},
		}},
	}
	for i, b := range batches {
		b.Upload.ID = fmt.Sprintf("long-%d", i)
		b.Upload.Uploader = "office"
		b.Upload.At = seedAt.Add(time.Duration(i) * time.Minute)
		b.Upload.FileName = b.Upload.Dataset + ".csv"
		if err := s.WriteBatch(ctx, b); err != nil {
			tb.Fatalf("write %s: %v", b.Upload.Dataset, err)
		}
	}

	var run []saima.Score
	for i, unit := range []string{name, "宁波市海曙区", "宁波市江北区"} {
		run = append(run, saima.Score{
			Period: q3, Track: saima.KindDistrict, RuleSet: "默认规则", RuleSetVersion: "v1",
			RunID: "run-long", ComputedAt: seedAt, Unit: unit, Value: 90 - 10*float64(i), Rank: i + 1,
		})
	}
	if err := s.SaveScores(ctx, run, nil); err != nil {
		tb.Fatalf("save scores: %v", err)
	}
}

// barLayout returns the drawn width in pixels of each bar of a horizontal
// bar chart's first series, with its category and value, and the widths
// of the plot and of the whole chart.
const barLayout = `((id) => {
	const chart = echarts.getInstanceByDom(document.getElementById(id));
	const option = chart.getOption();
	const data = chart.getModel().getSeriesByIndex(0).getData();
	const bars = option.series[0].data.map((item, i) => ({
		name: String(option.yAxis[0].data[i]),
		value: Number(item.value),
		width: data.getItemLayout(i).width,
	}));
	const plot = chart.getModel().getComponent('grid', 0).coordinateSystem.getRect();
	return {bars: bars, plot: plot.width, chart: chart.getWidth()};
})`

// namedBarPoint scrolls a horizontal bar chart into view and returns the
// viewport position of the middle of the bar of the given category.
const namedBarPoint = `((id, name) => {
	const el = document.getElementById(id);
	el.scrollIntoView({block: 'center'});
	const chart = echarts.getInstanceByDom(el);
	const option = chart.getOption();
	const index = option.yAxis[0].data.indexOf(name);
	if (index < 0) {
		return null;
	}
	const value = Number(option.series[0].data[index].value);
	const point = chart.convertToPixel({seriesIndex: 0}, [value / 2, index]);
	const rect = el.getBoundingClientRect();
	return {x: rect.left + point[0], y: rect.top + point[1]};
})`

// TestBarChartLongName checks in Chromium that a category name of 200
// characters leaves room for the bars of a horizontal bar chart, and that
// the tooltip of its bar still shows the whole name.
func TestBarChartLongName(t *testing.T) {
	requireChromium(t)
	name := longName(200)
	env := newTestEnv(t, nil)
	seedLongNames(t, env.store, name)
	shots := screenshotDir(t)
	b := officeBrowser(t, env)

	tests := []struct {
		name, path, chart string
		category          string // the bar's name on the axis
	}{
		{"leaderboard", "/leaderboard?period=2026Q3", "chart-track-0", name},
		{"pioneers", "/pioneers", "chart-pioneers", "1. " + name},
		{"overview systems", "/overview", "chart-overview-systems", name},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			b.reset()
			got := b.open(t, tt.path, 1366, 900)
			if got.InjectedNodes != 0 {
				t.Errorf("page has %d elements made from injection names", got.InjectedNodes)
			}
			ctx, cancel := context.WithTimeout(b.ctx, 30*time.Second)
			defer cancel()

			type bar struct {
				Name  string  `json:"name"`
				Value float64 `json:"value"`
				Width float64 `json:"width"`
			}
			type layout struct {
				Bars  []bar   `json:"bars"`
				Plot  float64 `json:"plot"`
				Chart float64 `json:"chart"`
			}
			drawn, err := chromedp.Run(ctx, chromedp.Evaluate[layout](barLayout+"("+strconv.Quote(tt.chart)+")"))
			if err != nil {
				t.Fatalf("read the bars of %s: %v", tt.chart, err)
			}
			if drawn.Plot < drawn.Chart/2 {
				t.Errorf("plot of %s is %.0f px of %.0f px, want at least half", tt.chart, drawn.Plot, drawn.Chart)
			}
			for _, item := range drawn.Bars {
				if item.Value > 0 && item.Width < 1 {
					t.Errorf("bar %.20q of %s with value %v is %.1f px wide, want at least 1 px",
						item.Name, tt.chart, item.Value, item.Width)
				}
			}

			tooltip := b.hoverNamedBar(t, tt.chart, tt.category)
			if !strings.Contains(strings.ReplaceAll(tooltip, "\n", ""), tt.category) {
				t.Errorf("tooltip of the bar %.20q… = %q, want the whole name", tt.category, tooltip)
			}
			bounds, err := chromedp.Run(ctx, chromedp.Evaluate[span](tooltipBounds+"("+strconv.Quote(tt.chart)+")"))
			if err != nil {
				t.Fatalf("read the tooltip of %s: %v", tt.chart, err)
			}
			if bounds.Left < -0.5 || bounds.Right > bounds.Width+0.5 {
				t.Errorf("tooltip of the bar %.20q… runs from %.0f px to %.0f px, outside the chart's %.0f px",
					tt.category, bounds.Left, bounds.Right, bounds.Width)
			}
			for _, problem := range b.problems() {
				t.Error(problem)
			}
			shot := "long-name-" + strings.ReplaceAll(tt.name, " ", "-") + ".png"
			writeScreenshot(t, filepath.Join(shots, shot), got.PNG)
		})
	}
}

// hoverNamedBar moves the mouse over the bar of the given category of a
// drawn horizontal bar chart and returns the tooltip text as drawn.
func (b *browser) hoverNamedBar(tb testing.TB, chartID, category string) string {
	tb.Helper()
	script := namedBarPoint + "(" + strconv.Quote(chartID) + ", " + strconv.Quote(category) + ")"
	return b.hoverAt(tb, chartID, script, fmt.Sprintf("the bar %.20q", category))
}

// hoverAt moves the mouse to the viewport point {x, y} that script, run
// in the page, returns for the chart chartID, and returns the chart's
// tooltip text as drawn. The script returns null when
// the chart has no such item, and item names the item in failures.
func (b *browser) hoverAt(tb testing.TB, chartID, script, item string) string {
	tb.Helper()
	ctx, cancel := context.WithTimeout(b.ctx, 30*time.Second)
	defer cancel()

	type point struct {
		X float64 `json:"x"`
		Y float64 `json:"y"`
	}
	at, err := chromedp.Run(ctx, chromedp.Evaluate[*point](script))
	if err != nil {
		tb.Fatalf("find %s on %s: %v", item, chartID, err)
	}
	if at == nil {
		tb.Fatalf("chart %s has no %s", chartID, item)
	}
	if err := chromedp.Do(ctx, chromedp.MouseEvent(input.DispatchMouseEventTypeMouseMoved, at.X, at.Y)); err != nil {
		tb.Fatalf("move the mouse over %s at (%.0f, %.0f): %v", chartID, at.X, at.Y, err)
	}
	text, err := chromedp.Run(ctx, chromedp.Poll[string](tooltipText+"("+strconv.Quote(chartID)+") || null",
		chromedp.WithPollingTimeout(10*time.Second)))
	if err != nil {
		tb.Fatalf("wait for the tooltip of %s: %v (browser problems: %q)", chartID, err, b.problems())
	}
	return text
}

// periodPoint scrolls a trend chart into view and returns the viewport
// position of the given period on the horizontal axis, halfway up the
// plot, where the axis tooltip of that period shows.
const periodPoint = `((id, period) => {
	const el = document.getElementById(id);
	el.scrollIntoView({block: 'center'});
	const chart = echarts.getInstanceByDom(el);
	if (chart.getOption().xAxis[0].data.indexOf(period) < 0) {
		return null;
	}
	const x = chart.convertToPixel({xAxisIndex: 0}, period);
	const plot = chart.getModel().getComponent('grid', 0).coordinateSystem.getRect();
	const rect = el.getBoundingClientRect();
	return {x: rect.left + x, y: rect.top + plot.y + plot.height / 2};
})`

// TestTrendTooltipKeepsDecimals checks in Chromium that the tooltip of a
// trend line shows a value as the page's tables do, and a gap as "-".
func TestTrendTooltipKeepsDecimals(t *testing.T) {
	requireChromium(t)
	env := newSeededEnv(t)
	seedDashboard(t, env.store)
	b := officeBrowser(t, env)

	scriptUnit := "/units/" + url.PathEscape(scriptName)
	tests := []struct {
		name, path, chart, period string
		want                      string // the value text the tooltip must show
	}{
		// In 2026Q2 the script unit scored 70 and ranked third. The seed
		// publishes nothing, so the unit page marks the quarter a draft.
		{"composite", scriptUnit, "chart-composite", "2026Q2（草稿）", "70.0"},
		{"rank", scriptUnit, "chart-rank", "2026Q2（草稿）", "3"},
		// Three of four milestones planned in 2026Q2 were done on time.
		{"on-time rate", "/overview", "chart-overview-ontime", "2026Q2", "75.0"},
		// No milestone planned in 2026Q4 is due on 2026-10-20.
		{"on-time rate gap", "/overview", "chart-overview-ontime", "2026Q4", "-"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			b.reset()
			b.open(t, tt.path, 1366, 900)
			tooltip := b.hoverPeriod(t, tt.chart, tt.period)
			value := regexp.MustCompile(`(^|[^0-9.\-])` + regexp.QuoteMeta(tt.want) + `($|[^0-9.\-])`)
			if !strings.Contains(tooltip, tt.period) || !value.MatchString(tooltip) {
				t.Errorf("tooltip of %s at %s = %q, want the value %s", tt.chart, tt.period, tooltip, tt.want)
			}
			for _, problem := range b.problems() {
				t.Error(problem)
			}
		})
	}
}

// hoverPeriod moves the mouse over a period of a drawn trend chart and
// returns the tooltip text as drawn.
func (b *browser) hoverPeriod(tb testing.TB, chartID, period string) string {
	tb.Helper()
	script := periodPoint + "(" + strconv.Quote(chartID) + ", " + strconv.Quote(period) + ")"
	return b.hoverAt(tb, chartID, script, "the period "+period)
}

// heatmapCellPoint scrolls the heatmap into view and returns the viewport
// position of the middle of its cell on the given row, and the width of
// the plot and of the chart.
const heatmapCellPoint = `((id, row) => {
	const el = document.getElementById(id);
	el.scrollIntoView({block: 'center'});
	const chart = echarts.getInstanceByDom(el);
	const option = chart.getOption();
	const index = option.yAxis[0].data.indexOf(row);
	const item = option.series[0].data.find((d) => d.value[1] === index);
	if (index < 0 || !item) {
		return null;
	}
	const point = chart.convertToPixel({seriesIndex: 0}, [item.value[0], index]);
	const plot = chart.getModel().getComponent('grid', 0).coordinateSystem.getRect();
	const rect = el.getBoundingClientRect();
	return {x: rect.left + point[0], y: rect.top + point[1], plot: plot.width, chart: chart.getWidth()};
})`

// TestHeatmapLongName checks in Chromium that a unit name of 200
// characters leaves the heatmap room for its cells, and that the tooltip
// of the unit's cell names the unit in full.
func TestHeatmapLongName(t *testing.T) {
	requireChromium(t)
	name := longName(200)
	env := newTestEnv(t, nil)
	seedLongNames(t, env.store, name)
	late := &saima.Batch{Upload: saima.Upload{ID: "long-milestone", Dataset: saima.DatasetMilestones, Uploader: "office",
		At: seedAt.Add(time.Hour), FileName: "milestones.csv"}, Milestones: []saima.Milestone{
		{ProjectCode: "NB-2026-101", Name: "上线", Unit: name, Planned: saima.NewDate(2026, 8, 31)},
	}}
	if err := env.store.WriteBatch(context.Background(), late); err != nil {
		t.Fatal(err)
	}
	b := officeBrowser(t, env)
	got := b.open(t, "/heatmap", 1366, 900)
	if got.InjectedNodes != 0 {
		t.Errorf("page has %d elements made from injection names", got.InjectedNodes)
	}

	ctx, cancel := context.WithTimeout(b.ctx, 30*time.Second)
	defer cancel()
	type cell struct {
		X     float64 `json:"x"`
		Y     float64 `json:"y"`
		Plot  float64 `json:"plot"`
		Chart float64 `json:"chart"`
	}
	at, err := chromedp.Run(ctx, chromedp.Evaluate[*cell](heatmapCellPoint+`("chart-heatmap", `+strconv.Quote(name)+`)`))
	if err != nil {
		t.Fatalf("find the cell of the long name: %v", err)
	}
	if at == nil {
		t.Fatal("heatmap has no cell on the row of the long name")
	}
	if at.Plot < at.Chart/2 {
		t.Errorf("heatmap plot is %.0f px of %.0f px, want at least half", at.Plot, at.Chart)
	}
	script := heatmapCellPoint + `("chart-heatmap", ` + strconv.Quote(name) + `)`
	// The tooltip breaks a long name into lines, so the lines join first.
	text := strings.ReplaceAll(b.hoverAt(t, "chart-heatmap", script, "cell of the long name"), "\n", "")
	if !strings.Contains(text, name) || !strings.Contains(text, "2026-08") {
		t.Errorf("tooltip of the long name's cell = %q, want the whole name and the month 2026-08", text)
	}
	bounds, err := chromedp.Run(ctx, chromedp.Evaluate[span](tooltipBounds+`("chart-heatmap")`))
	if err != nil {
		t.Fatalf("read the tooltip of the heatmap: %v", err)
	}
	if bounds.Left < -0.5 || bounds.Right > bounds.Width+0.5 {
		t.Errorf("tooltip of the long name's cell runs from %.0f px to %.0f px, outside the chart's %.0f px",
			bounds.Left, bounds.Right, bounds.Width)
	}
	for _, problem := range b.problems() {
		t.Error(problem)
	}
	writeScreenshot(t, filepath.Join(screenshotDir(t), "long-name-heatmap.png"), got.PNG)
}

// radarVertex scrolls a radar chart into view and returns the viewport
// position of the first vertex of its first series' polygon.
const radarVertex = `((id) => {
	const el = document.getElementById(id);
	el.scrollIntoView({block: 'center'});
	const chart = echarts.getInstanceByDom(el);
	const points = chart.getModel().getSeriesByIndex(0).getData().getItemLayout(0);
	if (!points || points.length === 0) {
		return null;
	}
	const rect = el.getBoundingClientRect();
	return {x: rect.left + points[0][0], y: rect.top + points[0][1]};
})`

// TestRadarTooltipKeepsDecimals checks in Chromium that the tooltip of
// the unit page's radar shows each indicator's score as the table on the
// page writes it, with two decimals.
func TestRadarTooltipKeepsDecimals(t *testing.T) {
	requireChromium(t)
	env := newSeededEnv(t)
	contributions := func(a, b, c float64) []saima.Contribution {
		return []saima.Contribution{
			{Indicator: "ontime", Name: "里程碑按期完成率", Raw: a, Score: a, Weight: 0.4, Points: a * 0.4},
			{Indicator: "plan", Name: "计划进度达成率", Raw: b, Score: b, Weight: 0.3, Points: b * 0.3},
			{Indicator: "assessment", Name: "考评得分", Raw: c, Score: c, Weight: 0.3, Points: c * 0.3},
		}
	}
	run := []saima.Score{
		{Period: saima.Quarter(2026, 4), Track: saima.KindDistrict, RuleSet: "默认规则", RuleSetVersion: "v1",
			RunID: "run-q4", ComputedAt: seedAt.Add(2 * time.Hour), Unit: "宁波市海曙区", Value: 65.55, Rank: 2,
			Contributions: contributions(50, 59, 89.5)},
		{Period: saima.Quarter(2026, 4), Track: saima.KindDistrict, RuleSet: "默认规则", RuleSetVersion: "v1",
			RunID: "run-q4", ComputedAt: seedAt.Add(2 * time.Hour), Unit: "宁波市江北区", Value: 80, Rank: 1,
			Contributions: contributions(80, 80, 80)},
	}
	if err := env.store.SaveScores(context.Background(), run, nil); err != nil {
		t.Fatal(err)
	}
	b := officeBrowser(t, env)
	b.open(t, "/units/"+url.PathEscape("宁波市海曙区"), 1366, 900)

	tooltip := b.hoverAt(t, "chart-radar", radarVertex+`("chart-radar")`, "the first vertex")
	for _, want := range []string{"50.00", "59.00", "89.50"} {
		if !strings.Contains(tooltip, want) {
			t.Errorf("radar tooltip = %q, want %s as the table writes it", tooltip, want)
		}
	}
	for _, problem := range b.problems() {
		t.Error(problem)
	}
}

// stageWidths returns, per stage of a chart, its value and the width of
// the shape drawn for it in pixels, from the top.
const stageWidths = `((id) => {
	const el = document.getElementById(id);
	el.scrollIntoView({block: 'center'});
	const chart = echarts.getInstanceByDom(el);
	const data = chart.getModel().getSeriesByIndex(0).getData();
	const out = [];
	for (let i = 0; i < data.count(); i++) {
		const shape = data.getItemGraphicEl(i);
		out.push({name: data.getName(i), value: Number(chart.getOption().series[0].data[i].value),
			width: shape ? shape.getBoundingRect().width : -1});
	}
	return out;
})`

// TestStageChartWidthsHonest checks in Chromium that each stage of the
// stage charts is drawn as wide as its own count: a funnel widened 决策 (1)
// to the width of 实施 below it.
func TestStageChartWidthsHonest(t *testing.T) {
	requireChromium(t)
	env := newDashboardEnv(t)
	stages := &saima.Batch{Upload: saima.Upload{ID: "stage-widths", Dataset: saima.DatasetStages,
		Uploader: "office", At: seedAt.Add(-30 * time.Minute), FileName: "stages.csv"},
		Stages: []saima.StageEvent{{ProjectCode: "NB-2026-008", Stage: "决策", Date: saima.DateOf(seedAt)}}}
	if err := env.store.WriteBatch(context.Background(), stages); err != nil {
		t.Fatal(err)
	}
	b := officeBrowser(t, env)

	type stage struct {
		Name  string  `json:"name"`
		Value float64 `json:"value"`
		Width float64 `json:"width"`
	}
	for _, tt := range []struct{ path, chart string }{
		{"/overview", "chart-overview-stages"},
		{"/ledger", "chart-stages"},
	} {
		t.Run(tt.chart, func(t *testing.T) {
			b.reset()
			b.open(t, tt.path, 1366, 900)
			ctx, cancel := context.WithTimeout(b.ctx, 30*time.Second)
			defer cancel()
			got, err := chromedp.Run(ctx, chromedp.Evaluate[[]stage](stageWidths+"("+strconv.Quote(tt.chart)+")"))
			if err != nil {
				t.Fatalf("read the stages of %s: %v", tt.chart, err)
			}
			var names []string
			for _, st := range got {
				names = append(names, st.Name)
			}
			if !slices.Contains(names, "决策") || !slices.Contains(names, "实施") {
				t.Fatalf("stages of %s = %v, want 决策 and 实施 among them", tt.chart, names)
			}
			widest := slices.MaxFunc(got, func(a, b stage) int { return cmp.Compare(a.Value, b.Value) })
			for _, st := range got {
				want := widest.Width * st.Value / widest.Value
				if math.Abs(st.Width-want) > 2 {
					t.Errorf("stage %s (%v) of %s is drawn %.0f px wide, want %.0f px as %s (%v) is %.0f px",
						st.Name, st.Value, tt.chart, st.Width, want, widest.Name, widest.Value, widest.Width)
				}
			}
			for _, problem := range b.problems() {
				t.Error(problem)
			}
		})
	}
}

// rankTicks returns the labelled ticks of the rank chart's value axis as
// ECharts drew them, top first.
const rankTicks = `(() => {
	const chart = echarts.getInstanceByDom(document.getElementById('chart-rank'));
	const axis = chart.getModel().getComponent('yAxis', 0).axis;
	const ticks = axis.scale.getTicks().map(t => t.value);
	return axis.inverse ? ticks : ticks.reverse();
})()`

// TestRankChartWholeRanks checks in Chromium that the unit page's rank
// trend labels every whole rank from 1 at the top.
func TestRankChartWholeRanks(t *testing.T) {
	requireChromium(t)
	env := newSeededEnv(t)
	seedDashboard(t, env.store)
	b := officeBrowser(t, env)

	b.open(t, "/units/"+url.PathEscape(scriptName), 1366, 900)
	ticks, err := chromedp.Run(b.ctx, chromedp.Evaluate[[]float64](rankTicks))
	if err != nil {
		t.Fatalf("read the rank axis: %v", err)
	}
	if len(ticks) < 2 {
		t.Fatalf("rank axis ticks = %v, want at least 1 and 2", ticks)
	}
	for i, got := range ticks {
		if got != float64(i+1) {
			t.Errorf("rank axis ticks = %v, want 1, 2, … from the top", ticks)
			break
		}
	}
}

// TestRankChartLabelsLowestRank checks in Chromium that a rank beyond
// the 20 that the axis labels one by one still lies on or above a
// labelled tick. With 21 the axis ended at 21, and ECharts hid that label
// next to 20, so the point read as 20th.
func TestRankChartLabelsLowestRank(t *testing.T) {
	requireChromium(t)
	env := newSeededEnv(t)
	seedDashboard(t, env.store)
	run := []saima.Score{{Period: saima.Quarter(2026, 4), Track: saima.KindDistrict, RuleSet: "默认规则",
		RuleSetVersion: "v1", RunID: "run-rank-21", ComputedAt: seedAt.Add(2 * time.Hour), Unit: scriptName,
		Value: 40, Rank: 21}}
	if err := env.store.SaveScores(context.Background(), run, nil); err != nil {
		t.Fatal(err)
	}
	b := officeBrowser(t, env)
	b.open(t, "/units/"+url.PathEscape(scriptName), 1366, 900)

	ctx, cancel := context.WithTimeout(b.ctx, 30*time.Second)
	defer cancel()
	labels, err := chromedp.Run(ctx, chromedp.Evaluate[[]string](drawnLabels+`("chart-rank")`))
	if err != nil {
		t.Fatalf("read the labels of the rank chart: %v", err)
	}
	lowest := 0
	for _, label := range labels {
		if n, err := strconv.Atoi(label); err == nil {
			lowest = max(lowest, n)
		}
	}
	if lowest < 21 {
		t.Errorf("rank chart labels = %q, want a rank label of 21 or lower down the axis", labels)
	}
}

// span is a text that a chart draws, with its left and right edge in
// pixels from the chart's left edge, and the chart's width.
type span struct {
	Text  string  `json:"text"`
	Left  float64 `json:"left"`
	Right float64 `json:"right"`
	Width float64 `json:"width"`
}

// tooltipBounds returns the tooltip that a chart draws as a span, or a
// span of empty text when it draws none.
const tooltipBounds = `((id) => {
	const chart = echarts.getInstanceByDom(document.getElementById(id));
	const tooltip = chart.getZr().storage.getRoots()
		.find(el => el.type === 'text' && !el.ignore && el.style.rich && el.style.text);
	if (!tooltip) {
		return {text: '', left: 0, right: 0, width: chart.getWidth()};
	}
	const rect = tooltip.getBoundingRect().clone();
	rect.applyTransform(tooltip.getComputedTransform());
	return {text: String(tooltip.style.text), left: rect.x, right: rect.x + rect.width, width: chart.getWidth()};
})`

// drawnTexts returns every text span that a chart draws, with its left
// and right edge in pixels from the chart's left edge.
const drawnTexts = `((id) => {
	const chart = echarts.getInstanceByDom(document.getElementById(id));
	return chart.getZr().storage.getDisplayList(true)
		.filter(el => el.type === 'tspan')
		.map(el => {
			const rect = el.getBoundingRect().clone();
			rect.applyTransform(el.getComputedTransform());
			return {text: String(el.style.text), left: rect.x, right: rect.x + rect.width, width: chart.getWidth()};
		});
})`

// TestUnitChartsFitLongName checks in Chromium that a unit name of 200
// characters leaves every title and legend of the unit page's charts on
// the canvas. The titles still name each chart, and the radar's legend
// still shows 赛道平均 beside the unit.
func TestUnitChartsFitLongName(t *testing.T) {
	requireChromium(t)
	name := longName(200)
	env := newTestEnv(t, nil)
	seedLongNames(t, env.store, name)
	contributions := func(a, b, c float64) []saima.Contribution {
		return []saima.Contribution{
			{Indicator: "ontime", Name: "里程碑按期完成率", Raw: a, Score: a, Weight: 0.4, Points: a * 0.4},
			{Indicator: "plan", Name: "计划进度达成率", Raw: b, Score: b, Weight: 0.3, Points: b * 0.3},
			{Indicator: "assessment", Name: "考评得分", Raw: c, Score: c, Weight: 0.3, Points: c * 0.3},
		}
	}
	run := []saima.Score{
		{Period: saima.Quarter(2026, 4), Track: saima.KindDistrict, RuleSet: "默认规则", RuleSetVersion: "v1",
			RunID: "run-long-q4", ComputedAt: seedAt.Add(2 * time.Hour), Unit: name, Value: 70, Rank: 1,
			Contributions: contributions(70, 60, 80)},
		{Period: saima.Quarter(2026, 4), Track: saima.KindDistrict, RuleSet: "默认规则", RuleSetVersion: "v1",
			RunID: "run-long-q4", ComputedAt: seedAt.Add(2 * time.Hour), Unit: "宁波市江北区", Value: 65, Rank: 2,
			Contributions: contributions(50, 40, 90)},
	}
	if err := env.store.SaveScores(context.Background(), run, nil); err != nil {
		t.Fatal(err)
	}
	b := officeBrowser(t, env)
	got := b.open(t, "/units/"+url.PathEscape(name), 1366, 900)
	writeScreenshot(t, filepath.Join(screenshotDir(t), "unit-long-name.png"), got.PNG)

	for _, tt := range []struct {
		chart string
		want  []string // texts that the chart must draw whole
	}{
		{"chart-composite", []string{"综合得分趋势"}},
		{"chart-rank", []string{"赛道名次趋势"}},
		{"chart-radar", []string{"赛道平均"}},
	} {
		t.Run(tt.chart, func(t *testing.T) {
			ctx, cancel := context.WithTimeout(b.ctx, 30*time.Second)
			defer cancel()
			spans, err := chromedp.Run(ctx, chromedp.Evaluate[[]span](drawnTexts+"("+strconv.Quote(tt.chart)+")"))
			if err != nil {
				t.Fatalf("read the texts of %s: %v", tt.chart, err)
			}
			texts := make([]string, len(spans))
			for i, s := range spans {
				texts[i] = s.Text
				if s.Left < -0.5 || s.Right > s.Width+0.5 {
					t.Errorf("%s draws %.30q from %.0f px to %.0f px, outside its %.0f px", tt.chart,
						s.Text, s.Left, s.Right, s.Width)
				}
			}
			for _, want := range tt.want {
				if !slices.ContainsFunc(texts, func(text string) bool { return strings.HasSuffix(text, want) }) {
					t.Errorf("%s draws %.40q, want a text that ends with %s", tt.chart, texts, want)
				}
			}
		})
	}
	for _, problem := range b.problems() {
		t.Error(problem)
	}
}

package web

import (
	"context"
	"regexp"
	"strconv"
	"testing"
	"time"

	"github.com/chromedp/cdproto/input"
	"github.com/chromedp/chromedp"
)

// barTooltip returns the tooltip text of the chart with the given id. The
// page draws tooltips as rich text on the canvas, so the snippet reads it from the text elements at the root of the
// chart's zrender scene, where ECharts 5.6 adds the rich-text tooltip.
const barTooltip = `((id) => {
	const chart = echarts.getInstanceByDom(document.getElementById(id));
	const texts = chart.getZr().storage.getRoots()
		.filter(el => el.type === 'text' && !el.ignore && el.style.rich && el.style.text)
		.map(el => el.style.text);
	return texts.join('\n');
})`

// TestBarTooltipKeepsDecimals checks in Chromium that the tooltip of a bar
// shows its value as the bar's label does, with the trailing zero of 95.0.
func TestBarTooltipKeepsDecimals(t *testing.T) {
	requireChromium(t)
	env := newSeededEnv(t)
	seedDashboard(t, env.store)
	b := newBrowser(t, serve(t, env.server))
	b.login(t, "office", testAccounts["office"].password, "/")

	tests := []struct {
		name, path, chart string
	}{
		{"pioneers", "/pioneers", "chart-pioneers"},
		// In 2026Q2 the script unit scored 70, drawn as 70.0.
		{"leaderboard", "/leaderboard?period=2026Q2", "chart-track-0"},
		{"overview systems", "/overview", "chart-overview-systems"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			b.reset()
			b.open(t, tt.path, 1366, 900)
			value, tooltip := b.hoverBar(t, tt.chart)
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
// the middle of a bar and the bar's value as the option writes it. It
// picks the first bar whose value ends in a zero decimal, such as 95.0,
// because ECharts' default tooltip drops that zero, and otherwise the
// first bar. It also reports whether a label on the chart shows that
// value.
const barPoint = `((id) => {
	const el = document.getElementById(id);
	el.scrollIntoView({block: 'center'});
	const chart = echarts.getInstanceByDom(el);
	const values = chart.getOption().series[0].data.map(item => String(item.value));
	const index = Math.max(0, values.findIndex(v => /[.][0-9]*0$/.test(v)));
	const point = chart.convertToPixel({seriesIndex: 0}, [Number(values[index]) / 2, index]);
	const labelled = chart.getZr().storage.getDisplayList(true)
		.some(e => e.type === 'tspan' && e.style.text === values[index]);
	const rect = el.getBoundingClientRect();
	return {x: rect.left + point[0], y: rect.top + point[1], value: values[index], labelled: labelled};
})`

// hoverBar moves the mouse over a bar of a drawn horizontal bar chart, as
// barPoint picks it, checks that the bar's label shows its value, and
// returns the bar's value as the option writes it
// and the tooltip text without its rich-text markup.
func (b *browser) hoverBar(tb testing.TB, chartID string) (value, tooltip string) {
	tb.Helper()
	ctx, cancel := context.WithTimeout(b.ctx, 30*time.Second)
	defer cancel()

	type point struct {
		X        float64 `json:"x"`
		Y        float64 `json:"y"`
		Value    string  `json:"value"`
		Labelled bool    `json:"labelled"`
	}
	at, err := chromedp.Run(ctx, chromedp.Evaluate[point](barPoint+"("+strconv.Quote(chartID)+")"))
	if err != nil {
		tb.Fatalf("find a bar of %s: %v", chartID, err)
	}
	if !at.Labelled {
		tb.Errorf("chart %s has no label %s", chartID, at.Value)
	}
	if err := chromedp.Do(ctx, chromedp.MouseEvent(input.DispatchMouseEventTypeMouseMoved, at.X, at.Y)); err != nil {
		tb.Fatalf("move the mouse over %s at (%.0f, %.0f): %v", chartID, at.X, at.Y, err)
	}
	text, err := chromedp.Run(ctx, chromedp.Poll[string](barTooltip+"("+strconv.Quote(chartID)+") || null",
		chromedp.WithPollingTimeout(10*time.Second)))
	if err != nil {
		tb.Fatalf("wait for the tooltip of %s: %v (browser problems: %q)", chartID, err, b.problems())
	}
	markup := regexp.MustCompile(`\{[^{}|]*\|([^{}]*)\}`)
	return at.Value, markup.ReplaceAllString(text, "$1")
}

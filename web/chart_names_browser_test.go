package web

import (
	"cmp"
	"context"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"saima"
	"saima/clickhouse"
)

// markupName is a name with ECharts' rich-text markup {style|text} and
// HTML tags in it. Charts must draw it as written and create no element.
const markupName = "海曙{a|b}区</b><i>"

// seedMarkupNames writes a store where a unit, its project and its system
// are all called name, as seedLongNames does, with an overdue milestone
// of the unit for the heatmap. In 2026Q4 the unit has three indicators, one of them
// called name, for the radar of its page, and 宁波市江北区 has two, for
// the grouped bars of its page.
func seedMarkupNames(tb testing.TB, s *clickhouse.Store, name string) {
	tb.Helper()
	seedLongNames(tb, s, name)
	late := &saima.Batch{Upload: saima.Upload{ID: "markup-milestone", Dataset: saima.DatasetMilestones,
		Uploader: "office", At: seedAt.Add(time.Hour), FileName: "milestones.csv"}, Milestones: []saima.Milestone{
		// On the other project, which it takes off the pioneer list, so
		// that the list keeps the one called name.
		{ProjectCode: "NB-2026-102", Name: "上线", Unit: name, Planned: saima.NewDate(2026, 8, 31)},
	}}
	if err := s.WriteBatch(context.Background(), late); err != nil {
		tb.Fatal(err)
	}

	contributions := []saima.Contribution{
		{Indicator: "markup", Name: name, Raw: 70, Score: 70, Weight: 0.4, Points: 28},
		{Indicator: "plan", Name: "计划进度达成率", Raw: 60, Score: 60, Weight: 0.3, Points: 18},
		{Indicator: "assessment", Name: "考评得分", Raw: 80, Score: 80, Weight: 0.3, Points: 24},
	}
	// Other scores than the unit's, so that the track's mean polygon
	// leaves the unit's vertices free to hover.
	others := []saima.Contribution{
		{Indicator: "markup", Name: name, Raw: 50, Score: 50, Weight: 0.4, Points: 20},
		{Indicator: "plan", Name: "计划进度达成率", Raw: 40, Score: 40, Weight: 0.3, Points: 12},
	}
	q4 := saima.Quarter(2026, 4)
	run := []saima.Score{
		{Period: q4, Track: saima.KindDistrict, RuleSet: "默认规则", RuleSetVersion: "v1", RunID: "run-markup",
			ComputedAt: seedAt.Add(2 * time.Hour), Unit: name, Value: 70, Rank: 1, Contributions: contributions},
		{Period: q4, Track: saima.KindDistrict, RuleSet: "默认规则", RuleSetVersion: "v1", RunID: "run-markup",
			ComputedAt: seedAt.Add(2 * time.Hour), Unit: "宁波市江北区", Value: 65, Rank: 2,
			Contributions: others},
	}
	if err := s.SaveScores(context.Background(), run, nil); err != nil {
		tb.Fatalf("save scores: %v", err)
	}
}

// drawnLabels returns the text of every text span that a chart draws,
// outside its tooltip. A label drawn as rich text splits into several.
const drawnLabels = `((id) => {
	const chart = echarts.getInstanceByDom(document.getElementById(id));
	return chart.getZr().storage.getDisplayList(true)
		.filter(el => el.type === 'tspan')
		.map(el => String(el.style.text));
})`

// columnPoint scrolls a vertical bar chart into view and returns the
// viewport position of the middle of the first series' bar of the given
// category.
const columnPoint = `((id, category) => {
	const el = document.getElementById(id);
	el.scrollIntoView({block: 'center'});
	const chart = echarts.getInstanceByDom(el);
	const index = chart.getOption().xAxis[0].data.indexOf(category);
	if (index < 0) {
		return null;
	}
	const bar = chart.getModel().getSeriesByIndex(0).getData().getItemLayout(index);
	const rect = el.getBoundingClientRect();
	return {x: rect.left + bar.x + bar.width / 2, y: rect.top + bar.y + bar.height / 2};
})`

// renameFirstPeriod renames the first period of a trend chart and its
// first series to name, through setOption as a page would.
const renameFirstPeriod = `((id, name) => {
	const chart = echarts.getInstanceByDom(document.getElementById(id));
	const periods = chart.getOption().xAxis[0].data.slice();
	periods[0] = name;
	chart.setOption({xAxis: [{data: periods}], series: [{name: name}]});
	return true;
})`

// renameFirstCategory renames the first category of a horizontal bar
// chart to name, through setOption as a page would.
const renameFirstCategory = `((id, name) => {
	const chart = echarts.getInstanceByDom(document.getElementById(id));
	const names = chart.getOption().yAxis[0].data.slice();
	names[0] = name;
	chart.setOption({yAxis: [{data: names}]});
	return true;
})`

// createdElements counts the elements that a name's tags would create.
const createdElements = `document.querySelectorAll('b, i').length`

// TestChartNamesVerbatim checks in Chromium that a name with rich-text
// markup and HTML tags shows exactly as written in the axis labels and
// the tooltips of every kind of chart, and creates no element. No stored
// name reaches a trend line or the stage bars, whose names are periods, stages
// and fixed series names, so the test renames one of their items to it.
func TestChartNamesVerbatim(t *testing.T) {
	requireChromium(t)
	env := newTestEnv(t, nil)
	seedMarkupNames(t, env.store, markupName)
	b := officeBrowser(t, env)

	unitPage := "/units/" + url.PathEscape(markupName)
	tests := []struct {
		name, path, chart string
		rename            string // a script that renames an item to markupName first, or ""
		label             string // a label that the chart must draw whole, or "" for none
		point             string // the script that finds the item to hover
		item              string // the name that point takes, or "" for markupName
		want              string // what the tooltip must contain
	}{
		{name: "leaderboard bars", path: "/leaderboard?period=2026Q3", chart: "chart-track-0",
			label: markupName, point: namedBarPoint, want: markupName},
		{name: "pioneer bars", path: "/pioneers", chart: "chart-pioneers",
			label: "1. " + markupName, point: namedBarPoint, item: "1. " + markupName, want: "1. " + markupName},
		{name: "system bars", path: "/overview", chart: "chart-overview-systems",
			label: markupName, point: namedBarPoint, want: markupName},
		{name: "heatmap", path: "/heatmap", chart: "chart-heatmap",
			label: markupName, point: heatmapCellPoint, want: markupName + " · 2026-08"},
		{name: "radar", path: unitPage, chart: "chart-radar",
			label: markupName, point: radarVertex, want: markupName + "\n" + markupName + "  70.00"},
		{name: "grouped bars", path: "/units/" + url.PathEscape("宁波市江北区"), chart: "chart-radar",
			label: markupName, point: columnPoint, want: markupName},
		{name: "trend line", path: unitPage, chart: "chart-composite", rename: renameFirstPeriod,
			label: markupName, point: periodPoint, want: markupName},
		{name: "stage bars", path: "/overview", chart: "chart-overview-stages", rename: renameFirstCategory,
			label: markupName, point: namedBarPoint, want: markupName},
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
			args := "(" + strconv.Quote(tt.chart) + ", " + strconv.Quote(markupName) + ")"
			if tt.rename != "" {
				if _, err := chromedp.Run(ctx, chromedp.Evaluate[bool](tt.rename+args)); err != nil {
					t.Fatalf("rename an item of %s: %v", tt.chart, err)
				}
			}

			labels, err := chromedp.Run(ctx, chromedp.Evaluate[[]string](drawnLabels+"("+strconv.Quote(tt.chart)+")"))
			if err != nil {
				t.Fatalf("read the labels of %s: %v", tt.chart, err)
			}
			if tt.label != "" && !slices.Contains(labels, tt.label) {
				t.Errorf("labels of %s = %q, want %q whole", tt.chart, labels, tt.label)
			}

			// The radar's vertex script takes the chart alone.
			point := tt.point + "(" + strconv.Quote(tt.chart) + ", " + strconv.Quote(cmp.Or(tt.item, markupName)) + ")"
			if tt.point == radarVertex {
				point = tt.point + "(" + strconv.Quote(tt.chart) + ")"
			}
			tooltip := b.hoverAt(t, tt.chart, point, "the item named "+markupName)
			if !strings.Contains(tooltip, tt.want) {
				t.Errorf("tooltip of %s = %q, want %q", tt.chart, tooltip, tt.want)
			}

			created, err := chromedp.Run(ctx, chromedp.Evaluate[int](createdElements))
			if err != nil {
				t.Fatalf("count elements: %v", err)
			}
			if created != 0 {
				t.Errorf("page has %d b or i elements after the tooltip, want none", created)
			}
			for _, problem := range b.problems() {
				t.Error(problem)
			}
		})
	}
}

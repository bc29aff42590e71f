package web

import (
	"context"
	"math"
	"net/url"
	"strconv"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"saima"
)

// rankTickPixels returns the vertical pixel of each labelled tick of the
// rank chart's value axis, top first.
const rankTickPixels = `(() => {
	const chart = echarts.getInstanceByDom(document.getElementById('chart-rank'));
	const axis = chart.getModel().getComponent('yAxis', 0).axis;
	return axis.scale.getTicks().map(t => chart.convertToPixel({yAxisIndex: 0}, t.value)).sort((a, b) => a - b);
})()`

// minLabelGap is the least distance in pixels between two labelled ticks
// of a vertical axis: ECharts draws axis labels at 12 px.
const minLabelGap = 14

// TestBrowserRankChartLabelsApart opens the page of a unit ranked down to
// 76th over twelve quarters, as a department of a city of 76 departments
// can be after three years. It checks in Chromium that the rank axis's
// labels stand apart rather than on top of each other.
func TestBrowserRankChartLabelsApart(t *testing.T) {
	requireChromium(t)
	env := newSeededEnv(t)
	for i, q := 0, saima.Quarter(2024, 1); i < 12; i, q = i+1, q.Next() {
		score := saima.Score{Period: q, Track: saima.KindDistrict, RuleSet: "默认规则",
			RuleSetVersion: "v1", RunID: "run-rank-76-" + q.String(),
			ComputedAt: seedAt.Add(time.Duration(i) * time.Minute), Unit: scriptName,
			Value: 40, Rank: 5 + i*6}
		if err := env.store.SaveScores(context.Background(), []saima.Score{score}, nil); err != nil {
			t.Fatal(err)
		}
	}
	b := officeBrowser(t, env)

	for _, width := range []int64{1366, 1920} {
		b.reset()
		b.open(t, "/units/"+url.PathEscape(scriptName), width, 900)
		ticks, err := chromedp.Run(b.ctx, chromedp.Evaluate[[]float64](rankTickPixels))
		if err != nil {
			t.Fatalf("read the rank axis: %v", err)
		}
		if len(ticks) < 2 {
			t.Fatalf("rank axis at %d px has ticks at %v, want several", width, ticks)
		}
		for i := 1; i < len(ticks); i++ {
			if gap := ticks[i] - ticks[i-1]; gap < minLabelGap {
				t.Errorf("rank axis at %d px draws ticks %.0f px apart at %.0f, want at least %d px; ticks at %v",
					width, gap, ticks[i], minLabelGap, ticks)
				break
			}
		}
		for _, problem := range b.problems() {
			t.Error(problem)
		}
	}
}

// TestBrowserHeatmapMonthsBelow checks in Chromium that the heatmap
// labels its months below the cells as well as above them. With the 90
// units of a real city the chart is over 2,600 px tall, and months
// labelled only at the top were off screen for every row below the first
// twenty.
func TestBrowserHeatmapMonthsBelow(t *testing.T) {
	requireChromium(t)
	env := newSeededEnv(t)
	seedDashboard(t, env.store)
	b := officeBrowser(t, env)
	b.open(t, "/heatmap", 1366, 900)

	labels, err := chromedp.Run(b.ctx, chromedp.Evaluate[[]string](drawnLabels+`("chart-heatmap")`))
	if err != nil {
		t.Fatalf("read the labels of the heatmap: %v", err)
	}
	for _, month := range []string{"2025-01", "2026-08"} {
		if n := countLabel(labels, month); n != 2 {
			t.Errorf("heatmap draws the month %s %d times, want twice, above and below the cells; drawn: %q",
				month, n, labels)
		}
	}
	for _, problem := range b.problems() {
		t.Error(problem)
	}
}

// statusUnitCell returns, for the milestone-status grid's row of unit,
// the number of lines its name takes and how far the cell's left edge
// lies from the table's scroll box once that box is scrolled to its end.
const statusUnitCell = `((unit) => {
	const wrap = document.querySelector('.table-wrap');
	const cell = Array.from(wrap.querySelectorAll('table.status-grid tbody th'))
		.find(th => th.textContent.trim() === unit);
	if (!cell) {
		return null;
	}
	const lines = cell.querySelector('a').getClientRects().length;
	wrap.scrollLeft = wrap.scrollWidth;
	const offset = cell.getBoundingClientRect().left - wrap.getBoundingClientRect().left;
	return {lines: lines, offset: offset, scrolled: wrap.scrollLeft};
})`

// TestBrowserStatusGridUnitColumn checks in Chromium that the milestone
// status grid keeps a department's long name on at most two lines and in
// view while the months scroll. The grid of a city of 90 units is wider than a laptop,
// and the unit column shrank to four characters a line, so that a long
// department name took five lines, and it scrolled away with the months.
func TestBrowserStatusGridUnitColumn(t *testing.T) {
	requireChromium(t)
	const name = "杭州市经济和信息化局（市数字经济局）"
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

	for _, width := range []int64{1366, 900, 700} {
		b.reset()
		b.open(t, "/milestones/status", width, 900)
		type cell struct {
			Lines    int     `json:"lines"`
			Offset   float64 `json:"offset"`
			Scrolled float64 `json:"scrolled"`
		}
		got, err := chromedp.Run(b.ctx, chromedp.Evaluate[*cell](statusUnitCell+"("+strconv.Quote(name)+")"))
		if err != nil {
			t.Fatalf("read the grid's unit cell: %v", err)
		}
		if got == nil {
			t.Fatalf("grid at %d px has no row of %s", width, name)
		}
		if got.Lines > 2 {
			t.Errorf("grid at %d px breaks %s into %d lines, want at most 2", width, name, got.Lines)
		}
		if got.Scrolled > 0 && math.Abs(got.Offset) > 1 {
			t.Errorf("grid at %d px scrolled %.0f px to the right moves the unit cell %.0f px from the edge, want 0",
				width, got.Scrolled, got.Offset)
		}
		for _, problem := range b.problems() {
			t.Error(problem)
		}
	}
}

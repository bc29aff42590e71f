package reports

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math"
	"slices"
	"strings"

	"github.com/go-echarts/go-echarts/v2/charts"
	"github.com/go-echarts/go-echarts/v2/opts"

	"saima"
)

// The chart functions return ECharts option objects as JSON, for the browser
// to read with JSON.parse and pass to setOption. encoding/json escapes <, >
// and &, so a name such as "</script>" cannot end a script element. Every
// name stays a JSON string, because go-echarts turns strings marked with
// __f__ into JavaScript functions only in its HTML renderer, which this
// package never uses. Values appear rounded as the tables show them, and
// animation is off so that screenshots are stable.

// Series is one line of a trend chart. Values holds one entry per period,
// and a nil entry is a gap in the line.
type Series struct {
	Name   string
	Values []*float64

	// Marks contains a short text per period, such as 草稿, for a point to
	// draw apart from the others: a larger orange diamond with the text
	// above it. Nil, or an empty text, draws a plain point.
	Marks []string
}

// StageCount is the number of projects in one lifecycle stage.
type StageCount struct {
	Stage string
	Count int
}

// LeaderboardOption returns a horizontal bar chart of the composite scores
// of a track, with the units on the vertical axis in rank order from the
// top. Scores of other tracks are left out.
func LeaderboardOption(track string, scores []saima.Score) ([]byte, error) {
	var ranked []saima.Score
	for _, s := range scores {
		if s.Track == track {
			ranked = append(ranked, s)
		}
	}
	slices.SortStableFunc(ranked, byRank)

	names := make([]string, len(ranked))
	data := make([]opts.BarData, len(ranked))
	for i, s := range ranked {
		v, err := oneDecimal(s.Value)
		if err != nil {
			return nil, fmt.Errorf("leaderboard score of %q: %w", s.Unit, err)
		}
		names[i] = s.Unit
		// A string keeps the label's trailing zero: ECharts would write
		// the number 73.0 as 73, while the table shows 73.0.
		data[i] = opts.BarData{Value: string(v)}
	}

	bar := charts.NewBar()
	bar.SetGlobalOptions(
		charts.WithAnimation(false),
		charts.WithTitleOpts(opts.Title{Title: trackLabel(track) + "综合得分"}),
		charts.WithTooltipOpts(opts.Tooltip{Show: opts.Bool(true), Trigger: "axis"}),
		charts.WithXAxisOpts(opts.XAxis{Type: "value", Min: 0, Max: 100}),
		charts.WithYAxisOpts(opts.YAxis{Type: "category", Inverse: opts.Bool(true), AxisLabel: categoryLabel()}),
		// Long unit names would run off the left edge without containLabel.
		charts.WithGridOpts(opts.Grid{Left: "2%", Right: "6%", ContainLabel: opts.Bool(true)}),
	)
	bar.SetXAxis(names)
	label := opts.Label{Show: opts.Bool(true), Position: "right"}
	bar.AddSeries("综合得分", data, charts.WithLabelOpts(label))
	bar.XYReversal()
	return marshalOption(bar)
}

// TrendOption returns a line chart with periods on the horizontal axis and
// one line per series. Every series needs one value per period. A nil value
// is drawn as a gap ("-" in ECharts), not as zero. The other values are
// rounded to places decimals and written as strings, so that the tooltip
// shows 73.0 rather than 73.
func TrendOption(title string, periods []string, series []Series, places int32) ([]byte, error) {
	return trendOption(title, periods, series, places, opts.YAxis{Type: "value"})
}

// maxRankLabels is the largest rank up to which the rank axis labels every
// rank. A longer axis gets ECharts' whole steps, so that it keeps at most
// this many labels.
const maxRankLabels = 20

// RankTrendOption returns a line chart of ranks over periods: whole ranks,
// 1 at the top, and every rank labelled down to the lowest one drawn
// (at least 2, so that the axis has a length). Beyond maxRankLabels the
// axis is labelled in steps of the smallest multiple of 5 that keeps at
// most maxRankLabels labels, and ends on the first step at or below the
// lowest rank. An axis that ended on the lowest rank itself, such as 21,
// had its last label hidden by ECharts next to 20, so the point read as
// 20th. The chart needs [RankAxisLabels] rows of height for its labels
// to stand apart.
func RankTrendOption(title string, periods []string, ranks Series) ([]byte, error) {
	axis, _ := rankAxis(ranks)
	return trendOption(title, periods, []Series{ranks}, 0, axis)
}

// RankAxisLabels returns how many labels the value axis of
// RankTrendOption(…, ranks) has. A page gives the chart that many rows
// of height: in a chart of fixed height, 16 labels of a unit ranked down
// to 76th overlapped once twelve turned period labels took their room.
func RankAxisLabels(ranks Series) int {
	_, labels := rankAxis(ranks)
	return labels
}

func rankAxis(ranks Series) (opts.YAxis, int) {
	lowest := 2.0
	for _, v := range ranks.Values {
		if v != nil && *v > lowest {
			lowest = *v
		}
	}
	axis := opts.YAxis{Type: "value", Inverse: opts.Bool(true), Min: 1, Max: lowest, MinInterval: 1}
	if lowest <= maxRankLabels {
		axis.MaxInterval = 1
		return axis, int(math.Ceil(lowest))
	}
	step := 5 * math.Ceil(lowest/(5*maxRankLabels))
	steps := math.Ceil(lowest / step)
	axis.Max = step * steps
	axis.MinInterval, axis.MaxInterval = step, step
	// The labels fall on 1 and on the multiples of step up to Max, one
	// fewer when ECharts leaves out the last.
	return axis, 1 + int(steps)
}

// rotateAfter is the number of periods above which a trend chart turns
// its period labels, so that every label fits beside the others on a
// laptop screen.
const rotateAfter = 4

func trendOption(title string, periods []string, series []Series, places int32, axis opts.YAxis) ([]byte, error) {
	line := charts.NewLine()
	line.SetGlobalOptions(
		charts.WithAnimation(false),
		charts.WithTitleOpts(opts.Title{Title: title}),
		charts.WithTooltipOpts(opts.Tooltip{Show: opts.Bool(true), Trigger: "axis"}),
		charts.WithLegendOpts(opts.Legend{Show: opts.Bool(true), Top: "bottom"}),
		charts.WithXAxisOpts(opts.XAxis{Type: "category"}),
		charts.WithYAxisOpts(axis),
		// The turned labels would run into the legend without containLabel.
		charts.WithGridOpts(opts.Grid{ContainLabel: opts.Bool(true)}),
	)
	line.SetXAxis(periods)

	for _, s := range series {
		data, err := lineData(s, len(periods), places)
		if err != nil {
			return nil, err
		}
		gaps := opts.LineChart{ConnectNulls: opts.Bool(false)}
		line.AddSeries(s.Name, nil, withItems(data), charts.WithLineChartOpts(gaps))
	}
	option, err := marshalOption(line)
	if err != nil {
		return nil, err
	}
	// ECharts hides every other period label when they crowd, and a
	// hidden label may be the one that shows a period is a draft. So every
	// label is drawn, turned when there are many.
	label := map[string]any{"interval": 0}
	if len(periods) > rotateAfter {
		label["rotate"] = 30
	}
	return setAxisLabel(option, "xAxis", label)
}

// linePoint is one point of a trend line. go-echarts' LineData has no
// item style or label, which a marked point needs.
type linePoint struct {
	Value      any             `json:"value"`
	Symbol     string          `json:"symbol,omitempty"`
	SymbolSize int             `json:"symbolSize,omitempty"`
	ItemStyle  *opts.ItemStyle `json:"itemStyle,omitempty"`
	Label      *opts.Label     `json:"label,omitempty"`
}

// markColor is the colour of a marked point and of its text.
const markColor = "#d9480f"

func lineData(s Series, periods int, places int32) ([]linePoint, error) {
	if len(s.Values) != periods {
		return nil, fmt.Errorf("trend series %q has %d values for %d periods",
			s.Name, len(s.Values), periods)
	}
	if s.Marks != nil && len(s.Marks) != periods {
		return nil, fmt.Errorf("trend series %q has %d marks for %d periods", s.Name, len(s.Marks), periods)
	}
	data := make([]linePoint, len(s.Values))
	for i, v := range s.Values {
		if v == nil {
			data[i] = linePoint{Value: "-"}
			continue
		}
		n, err := fixed(*v, places)
		if err != nil {
			return nil, fmt.Errorf("trend series %q, value %d: %w", s.Name, i+1, err)
		}
		data[i] = linePoint{Value: string(n)}
		if s.Marks != nil && s.Marks[i] != "" {
			data[i].Symbol, data[i].SymbolSize = "diamond", 12
			data[i].ItemStyle = &opts.ItemStyle{Color: markColor}
			data[i].Label = &opts.Label{Show: opts.Bool(true), Position: "top", Color: markColor,
				Formatter: markText(s.Marks[i])}
		}
	}
	return data, nil
}

// markText returns text for a label formatter, in which ECharts would read
// braces as templates or rich-text markup.
func markText(text string) string {
	return strings.NewReplacer("{", "（", "}", "）", "|", "｜").Replace(text)
}

// setAxisLabel returns option with label as the axisLabel of the first
// axis named axis ("xAxis" or "yAxis").
func setAxisLabel(option []byte, axis string, label map[string]any) ([]byte, error) {
	dec := json.NewDecoder(bytes.NewReader(option))
	dec.UseNumber() // keeps 80.0 as written
	var decoded map[string]any
	if err := dec.Decode(&decoded); err != nil {
		return nil, fmt.Errorf("set axis label: %w", err)
	}
	axes, _ := decoded[axis].([]any)
	if len(axes) == 0 {
		return nil, fmt.Errorf("set axis label: option has no %s", axis)
	}
	first, ok := axes[0].(map[string]any)
	if !ok {
		return nil, fmt.Errorf("set axis label: %s 0 is not an object", axis)
	}
	first["axisLabel"] = label
	out, err := json.Marshal(decoded)
	if err != nil {
		return nil, fmt.Errorf("set axis label: %w", err)
	}
	return out, nil
}

// FunnelOption returns a funnel chart of projects per lifecycle stage, in
// the order of stages rather than sorted by count.
func FunnelOption(title string, stages []StageCount) ([]byte, error) {
	data := make([]opts.FunnelData, len(stages))
	for i, st := range stages {
		if st.Count < 0 {
			return nil, fmt.Errorf("funnel stage %q has negative count %d", st.Stage, st.Count)
		}
		data[i] = opts.FunnelData{Name: st.Stage, Value: st.Count}
	}

	funnel := newFunnel(title)
	funnel.AddSeries("项目数", data,
		charts.WithSeriesOpts(func(s *charts.SingleSeries) { s.Sort = "none" }),
		charts.WithLabelOpts(opts.Label{Show: opts.Bool(true), Position: "inside"}),
	)
	return marshalOption(funnel)
}

// newFunnel returns a funnel chart with its title, a legend below the
// chart and a tooltip per stage. ECharts puts a legend at the top centre by
// default, where it ran into the title on a 1440 px wide page.
func newFunnel(title string) *charts.Funnel {
	funnel := charts.NewFunnel()
	funnel.SetGlobalOptions(
		charts.WithAnimation(false),
		charts.WithTitleOpts(opts.Title{Title: title}),
		charts.WithLegendOpts(opts.Legend{Show: opts.Bool(true), Top: "bottom"}),
		charts.WithTooltipOpts(opts.Tooltip{Show: opts.Bool(true), Trigger: "item"}),
	)
	return funnel
}

// categoryLabelWidth is the maximum width in pixels of a category name on
// the axis of a horizontal bar chart. ECharts cuts a longer name with an
// ellipsis, and the axis tooltip still shows it whole. Without a bound,
// containLabel gave a name of 200 characters the whole width of the chart
// and left the plot a negative width, so no bar was drawn.
const categoryLabelWidth = 200

// categoryLabel returns the axis label of the category axis of a
// horizontal bar chart, cut at categoryLabelWidth.
func categoryLabel() *opts.AxisLabel {
	return &opts.AxisLabel{Width: categoryLabelWidth, Overflow: "truncate"}
}

// oneDecimal returns v rounded to one decimal place as a JSON number
// literal, so that 80 is written 80.0 as in the ranking table.
func oneDecimal(v float64) (json.Number, error) {
	if math.IsNaN(v) || math.IsInf(v, 0) {
		return "", fmt.Errorf("value %v is not a finite number", v)
	}
	return json.Number(saima.FormatComposite(v)), nil
}

// option is the part of a go-echarts chart that marshalOption uses.
type option interface {
	Validate()
	JSON() map[string]any
}

// marshalOption completes a chart's option and encodes it with
// encoding/json. Validate copies the axis data into the option, so it must
// run before JSON.
func marshalOption(c option) ([]byte, error) {
	c.Validate()
	b, err := json.Marshal(c.JSON())
	if err != nil {
		return nil, fmt.Errorf("marshal chart option: %w", err)
	}
	return b, nil
}

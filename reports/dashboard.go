package reports

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math"

	"github.com/go-echarts/go-echarts/v2/charts"
	"github.com/go-echarts/go-echarts/v2/opts"
	"github.com/shopspring/decimal"
)

// The charts of the leaders' dashboards. Each data item may carry a link:
// the path of the page that lists the rows behind it, which the dashboard
// script opens when the item is clicked. A link is data like a name, a
// JSON string that nothing evaluates.

// Bar is one bar of a bar chart or one level of a funnel.
type Bar struct {
	Name  string
	Value float64
	Link  string // path of the page behind the bar, such as /ledger?system=数字政府; empty for none
}

// Stack is one series of a stacked bar chart, with one value per category.
type Stack struct {
	Name   string
	Values []float64
	Links  []string // one per category, or nil; an empty link opens nothing
}

// Cell is one cell of a heatmap. Cells left out are drawn empty.
type Cell struct {
	Column, Row int // indexes into the chart's column and row names
	Value       float64
	Link        string
}

// RadarAxis is one spoke of a radar chart, from 0 to Max.
type RadarAxis struct {
	Name string
	Max  float64
}

// RadarSeries is one polygon of a radar chart, with one value per axis.
type RadarSeries struct {
	Name   string
	Values []float64
	Link   string
}

// item is an ECharts data item with the page its click opens.
type item struct {
	Name  string `json:"name,omitempty"`
	Value any    `json:"value"`
	Link  string `json:"link,omitempty"`
}

// BarOption returns a horizontal bar chart with the bars from the top in
// the order given and each value written at the end of its bar, rounded
// to places decimals.
func BarOption(title, series string, bars []Bar, places int32) ([]byte, error) {
	names := make([]string, len(bars))
	items := make([]item, len(bars))
	for i, b := range bars {
		v, err := fixed(b.Value, places)
		if err != nil {
			return nil, fmt.Errorf("bar %q: %w", b.Name, err)
		}
		names[i] = b.Name
		// A string keeps the label's trailing zeros: ECharts would write
		// the number 95.0 as 95.
		items[i] = item{Value: string(v), Link: b.Link}
	}

	bar := charts.NewBar()
	bar.SetGlobalOptions(
		charts.WithAnimation(false),
		charts.WithTitleOpts(opts.Title{Title: title}),
		charts.WithTooltipOpts(opts.Tooltip{Show: opts.Bool(true), Trigger: "axis"}),
		charts.WithXAxisOpts(opts.XAxis{Type: "value", MinInterval: minInterval(places)}),
		charts.WithYAxisOpts(opts.YAxis{Type: "category", Inverse: opts.Bool(true), AxisLabel: categoryLabel()}),
		charts.WithGridOpts(opts.Grid{Left: "2%", Right: "8%", ContainLabel: opts.Bool(true)}),
	)
	bar.SetXAxis(names)
	bar.AddSeries(series, nil,
		withItems(items),
		charts.WithLabelOpts(opts.Label{Show: opts.Bool(true), Position: "right"}))
	bar.XYReversal()
	return marshalOption(bar)
}

// FunnelLinkOption returns a funnel chart of levels in the order given,
// each linked to its page.
func FunnelLinkOption(title, series string, levels []Bar) ([]byte, error) {
	items := make([]item, len(levels))
	for i, l := range levels {
		if l.Value < 0 {
			return nil, fmt.Errorf("funnel level %q has negative value %v", l.Name, l.Value)
		}
		v, err := fixed(l.Value, 0)
		if err != nil {
			return nil, fmt.Errorf("funnel level %q: %w", l.Name, err)
		}
		items[i] = item{Name: l.Name, Value: v, Link: l.Link}
	}

	funnel := newFunnel(title)
	funnel.AddSeries(series, nil,
		withItems(items),
		charts.WithSeriesOpts(func(s *charts.SingleSeries) { s.Sort = "none" }),
		charts.WithLabelOpts(opts.Label{Show: opts.Bool(true), Position: "inside"}),
	)
	return marshalOption(funnel)
}

// StackedBarOption returns vertical bars of whole counts, one per
// category, each split into the stacks in the order given, with a legend
// below.
func StackedBarOption(title string, categories []string, stacks []Stack) ([]byte, error) {
	return columnOption(title, categories, stacks, true, 0)
}

// GroupedBarOption returns, per category, one vertical bar of each series
// side by side, and a legend below. Each bar's label is its value rounded
// to places decimals, written as a string as BarOption writes it. It
// suits a comparison of fewer than three indicators, where a radar chart
// collapses to a line.
func GroupedBarOption(title string, categories []string, series []Stack, places int32) ([]byte, error) {
	return columnOption(title, categories, series, false, places)
}

func columnOption(title string, categories []string, stacks []Stack, stacked bool, places int32) ([]byte, error) {
	bar := charts.NewBar()
	bar.SetGlobalOptions(
		charts.WithAnimation(false),
		charts.WithTitleOpts(opts.Title{Title: title}),
		charts.WithTooltipOpts(opts.Tooltip{Show: opts.Bool(true), Trigger: "axis"}),
		charts.WithLegendOpts(opts.Legend{Show: opts.Bool(true), Top: "bottom"}),
		charts.WithXAxisOpts(opts.XAxis{Type: "category", AxisLabel: &opts.AxisLabel{Interval: "0"}}),
		charts.WithYAxisOpts(opts.YAxis{Type: "value", MinInterval: minInterval(places)}),
		charts.WithGridOpts(opts.Grid{Left: "2%", Right: "2%", Bottom: "12%", ContainLabel: opts.Bool(true)}),
	)
	bar.SetXAxis(categories)
	layout := []charts.SeriesOpts{charts.WithBarChartOpts(opts.BarChart{Stack: "total"})}
	if !stacked {
		label := opts.Label{Show: opts.Bool(true), Position: "top"}
		layout = []charts.SeriesOpts{charts.WithLabelOpts(label)}
	}

	for _, s := range stacks {
		if len(s.Values) != len(categories) || (s.Links != nil && len(s.Links) != len(categories)) {
			return nil, fmt.Errorf("stack %q has %d values and %d links for %d categories",
				s.Name, len(s.Values), len(s.Links), len(categories))
		}
		items := make([]item, len(s.Values))
		for i, v := range s.Values {
			n, err := fixed(v, places)
			if err != nil {
				return nil, fmt.Errorf("stack %q, category %q: %w", s.Name, categories[i], err)
			}
			items[i] = item{Value: n}
			if !stacked {
				// A string keeps the label's trailing zeros: ECharts would
				// write the number 70.00 as 70.
				items[i].Value = string(n)
			}
			if s.Links != nil {
				items[i].Link = s.Links[i]
			}
		}
		bar.AddSeries(s.Name, nil, append([]charts.SeriesOpts{withItems(items)}, layout...)...)
	}
	return marshalOption(bar)
}

// HeatmapOption returns a heatmap with columns along the top axis and rows
// from the top down, each cell labelled with its whole value, and a colour
// scale from 0 to the largest value.
func HeatmapOption(title, series string, columns, rows []string, cells []Cell) ([]byte, error) {
	largest := 1.0
	items := make([]item, len(cells))
	for i, c := range cells {
		if c.Column < 0 || c.Column >= len(columns) || c.Row < 0 || c.Row >= len(rows) {
			return nil, fmt.Errorf("heatmap cell (%d, %d) is outside %d columns and %d rows",
				c.Column, c.Row, len(columns), len(rows))
		}
		v, err := fixed(c.Value, 0)
		if err != nil {
			return nil, fmt.Errorf("heatmap cell %s × %s: %w", rows[c.Row], columns[c.Column], err)
		}
		largest = max(largest, c.Value)
		// The name is the row's and the column's, so that the tooltip
		// names the row in full when the axis label is cut, and its column.
		items[i] = item{Name: rows[c.Row] + " · " + columns[c.Column], Value: []any{c.Column, c.Row, v}, Link: c.Link}
	}

	heat := charts.NewHeatMap()
	months := opts.XAxis{
		Type: "category", Data: columns, Position: "top",
		SplitArea: &opts.SplitArea{Show: opts.Bool(true)},
		AxisLabel: &opts.AxisLabel{Interval: "0", Rotate: 40},
	}
	heat.SetGlobalOptions(
		charts.WithAnimation(false),
		charts.WithTitleOpts(opts.Title{Title: title}),
		charts.WithTooltipOpts(opts.Tooltip{Show: opts.Bool(true), Trigger: "item"}),
		charts.WithXAxisOpts(months),
		charts.WithYAxisOpts(opts.YAxis{
			Type: "category", Data: rows, Inverse: opts.Bool(true),
			SplitArea: &opts.SplitArea{Show: opts.Bool(true)}, AxisLabel: categoryLabel(),
		}),
		charts.WithVisualMapOpts(opts.VisualMap{
			Calculable: opts.Bool(true), Max: float32(largest), Orient: "horizontal",
			Left: "center", Bottom: "0",
			InRange: &opts.VisualMapInRange{Color: heatColors},
		}),
		charts.WithGridOpts(opts.Grid{Left: "2%", Right: "2%", Top: "90", Bottom: "60", ContainLabel: opts.Bool(true)}),
	)
	// The columns are labelled below the cells too: with a row per unit
	// of a city of 90 units, the top labels are off screen for most rows.
	// The second axis has no series and only draws the labels.
	below := months
	below.Position, below.SplitArea = "bottom", nil
	heat.ExtendXAxis(below)
	heat.AddSeries(series, nil,
		withItems(items),
		charts.WithLabelOpts(opts.Label{Show: opts.Bool(true)}),
		// The colour scale paints the cells, but the legend draws the
		// series' own colour, which would otherwise be the palette's blue.
		charts.WithItemStyleOpts(opts.ItemStyle{Color: heatColors[1]}))
	return marshalOption(heat)
}

// heatColors are the heatmap's colours from the smallest value to the
// largest.
var heatColors = []string{"#fff5f0", "#fb6a4a", "#a50f15"}

// RadarOption returns a radar chart with one polygon per series and a
// legend below. Values are shown with two decimals, as indicator scores
// are.
func RadarOption(title string, axes []RadarAxis, series []RadarSeries) ([]byte, error) {
	indicators := make([]*opts.Indicator, len(axes))
	for i, a := range axes {
		indicators[i] = &opts.Indicator{Name: a.Name, Max: float32(a.Max)}
	}

	radar := charts.NewRadar()
	radar.SetGlobalOptions(
		charts.WithAnimation(false),
		charts.WithTitleOpts(opts.Title{Title: title}),
		charts.WithTooltipOpts(opts.Tooltip{Show: opts.Bool(true), Trigger: "item"}),
		charts.WithLegendOpts(opts.Legend{Show: opts.Bool(true), Top: "bottom"}),
		// Below the centre, so that the top axis's name clears the title.
		charts.WithRadarComponentOpts(opts.RadarComponent{
			Indicator: indicators, SplitNumber: 5, Center: []string{"50%", "56%"},
		}),
	)
	for _, s := range series {
		if len(s.Values) != len(axes) {
			return nil, fmt.Errorf("radar series %q has %d values for %d axes", s.Name, len(s.Values), len(axes))
		}
		// Strings keep the table's trailing zeros in the tooltip, as in
		// the bar charts: a number 50.00 would show as 50.
		values := make([]string, len(s.Values))
		for i, v := range s.Values {
			n, err := fixed(v, 2)
			if err != nil {
				return nil, fmt.Errorf("radar series %q, axis %q: %w", s.Name, axes[i].Name, err)
			}
			values[i] = string(n)
		}
		radar.AddSeries(s.Name, nil, withItems([]item{{Name: s.Name, Value: values, Link: s.Link}}))
	}
	return marshalOption(radar)
}

// AddLinks returns option with links[i] set as the link of data item i of
// the series at index series, for charts built by the other functions of
// this package. An empty link is left out. It fails when the series does
// not exist or has a different number of items.
func AddLinks(option []byte, series int, links []string) ([]byte, error) {
	dec := json.NewDecoder(bytes.NewReader(option))
	dec.UseNumber() // keeps 80.0 as written
	var decoded map[string]any
	if err := dec.Decode(&decoded); err != nil {
		return nil, fmt.Errorf("add links: %w", err)
	}
	all, _ := decoded["series"].([]any)
	if series < 0 || series >= len(all) {
		return nil, fmt.Errorf("add links: option has %d series, not %d", len(all), series+1)
	}
	s, _ := all[series].(map[string]any)
	data, _ := s["data"].([]any)
	if len(data) != len(links) {
		return nil, fmt.Errorf("add links: series %d has %d items for %d links", series, len(data), len(links))
	}

	for i, link := range links {
		d, ok := data[i].(map[string]any)
		if !ok {
			return nil, fmt.Errorf("add links: item %d of series %d is not an object", i, series)
		}
		if link != "" {
			d["link"] = link
		}
	}
	out, err := json.Marshal(decoded)
	if err != nil {
		return nil, fmt.Errorf("add links: %w", err)
	}
	return out, nil
}

// withItems replaces a series' data with items, which go-echarts' own data
// types cannot carry because they have no link, item style or label field.
func withItems[T any](items []T) charts.SeriesOpts {
	return func(s *charts.SingleSeries) { s.Data = items }
}

// fixed returns v rounded half away from zero to places decimals as a JSON
// number literal. Like saima.FormatComposite and saima.FormatIndicator, it
// rounds to 9 places first, so that arithmetic noise such as
// 73.10499999999999 for 73.105 rounds as the tables round it.
func fixed(v float64, places int32) (json.Number, error) {
	if math.IsNaN(v) || math.IsInf(v, 0) {
		return "", fmt.Errorf("value %v is not a finite number", v)
	}
	return json.Number(decimal.NewFromFloat(v).Round(9).Round(places).StringFixed(places)), nil
}

// minInterval keeps the value axis of whole counts at whole steps.
func minInterval(places int32) float64 {
	if places == 0 {
		return 1
	}
	return 0
}

package web

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strconv"
)

// chartTable is the data of a chart written out as a table. ECharts draws
// on a canvas, which screen readers cannot read, so the page gives each
// chart's numbers as text under it.
type chartTable struct {
	Caption string     // the chart's title
	Columns []string   // one header per column after the row names
	Rows    []chartRow // one row per category, heatmap row or radar axis
}

// chartRow is one row of a chartTable: its header and one cell per column.
type chartRow struct {
	Name  string
	Cells []string
}

// missingValue fills a cell that the chart has no value for, such as a
// quarter without a score.
const missingValue = "—"

// echartsOption is the part of an ECharts option that newChartTable reads.
// ECharts accepts an object or an array of objects for each component, so
// they stay raw until oneOf reads them.
type echartsOption struct {
	Title  json.RawMessage `json:"title"`
	XAxis  json.RawMessage `json:"xAxis"`
	YAxis  json.RawMessage `json:"yAxis"`
	Radar  json.RawMessage `json:"radar"`
	Series json.RawMessage `json:"series"`
}

type echartsAxis struct {
	Type string   `json:"type"`
	Data []string `json:"data"`
}

type echartsSeries struct {
	Name string            `json:"name"`
	Type string            `json:"type"`
	Data []json.RawMessage `json:"data"`
}

// echartsItem is a data item written as an object, such as
// {"value": "95.0", "link": "/units/…"}.
type echartsItem struct {
	Name  string          `json:"name"`
	Value json.RawMessage `json:"value"`
}

// newChartTable reads the categories and values of an ECharts option: bar
// and line charts by their category axis, heatmaps by both axes, and radar
// charts by their indicators. It returns an error for an option it cannot
// read, so that a new kind of chart does not go out without its table.
func newChartTable(option []byte) (chartTable, error) {
	var opt echartsOption
	if err := json.Unmarshal(option, &opt); err != nil {
		return chartTable{}, fmt.Errorf("read chart option: %w", err)
	}
	var title struct {
		Text string `json:"text"`
	}
	if err := oneOf(opt.Title, &title); err != nil {
		return chartTable{}, fmt.Errorf("read chart title: %w", err)
	}
	var series []echartsSeries
	if err := manyOf(opt.Series, &series); err != nil {
		return chartTable{}, fmt.Errorf("read chart series: %w", err)
	}

	var (
		t   chartTable
		err error
	)
	switch {
	case len(opt.Radar) > 0:
		t, err = radarTable(opt.Radar, series)
	case len(series) > 0 && series[0].Type == "heatmap":
		t, err = heatmapTable(opt.XAxis, opt.YAxis, series[0])
	default:
		t, err = categoryTable(opt.XAxis, opt.YAxis, series)
	}
	t.Caption = title.Text
	return t, err
}

// categoryTable gives a row to each category of the category axis and a
// column to each series.
func categoryTable(xAxis, yAxis json.RawMessage, series []echartsSeries) (chartTable, error) {
	var x, y echartsAxis
	if err := oneOf(xAxis, &x); err != nil {
		return chartTable{}, fmt.Errorf("read chart x axis: %w", err)
	}
	if err := oneOf(yAxis, &y); err != nil {
		return chartTable{}, fmt.Errorf("read chart y axis: %w", err)
	}
	categories := x.Data
	if y.Type == "category" {
		categories = y.Data
	} else if x.Type != "category" {
		return chartTable{}, fmt.Errorf("chart has no category axis (x %q, y %q)", x.Type, y.Type)
	}

	var t chartTable
	for _, s := range series {
		t.Columns = append(t.Columns, s.Name)
	}
	for i, category := range categories {
		row := chartRow{Name: category}
		for _, s := range series {
			cell := missingValue
			if i < len(s.Data) {
				cell = valueText(s.Data[i])
			}
			row.Cells = append(row.Cells, cell)
		}
		t.Rows = append(t.Rows, row)
	}
	return t, nil
}

// heatmapTable gives a row to each category of the y axis and a column to
// each of the x axis. A cell without a data item is 0, because a heatmap
// leaves out the cells of nothing.
func heatmapTable(xAxis, yAxis json.RawMessage, s echartsSeries) (chartTable, error) {
	var x, y echartsAxis
	if err := oneOf(xAxis, &x); err != nil {
		return chartTable{}, fmt.Errorf("read heatmap x axis: %w", err)
	}
	if err := oneOf(yAxis, &y); err != nil {
		return chartTable{}, fmt.Errorf("read heatmap y axis: %w", err)
	}

	t := chartTable{Columns: x.Data}
	for _, name := range y.Data {
		row := chartRow{Name: name, Cells: make([]string, len(x.Data))}
		for i := range row.Cells {
			row.Cells[i] = "0"
		}
		t.Rows = append(t.Rows, row)
	}
	for _, raw := range s.Data {
		var cell []json.RawMessage
		if err := json.Unmarshal(itemValue(raw), &cell); err != nil || len(cell) != 3 {
			return chartTable{}, fmt.Errorf("heatmap item %s is not [x, y, value]", raw)
		}
		col, errX := strconv.Atoi(string(cell[0]))
		row, errY := strconv.Atoi(string(cell[1]))
		if errX != nil || errY != nil || col < 0 || col >= len(x.Data) || row < 0 || row >= len(y.Data) {
			return chartTable{}, fmt.Errorf("heatmap item %s lies outside the axes", raw)
		}
		t.Rows[row].Cells[col] = valueText(cell[2])
	}
	return t, nil
}

// radarTable gives a row to each indicator of the radar and a column to
// each data item, such as the unit and its track's average.
func radarTable(radar json.RawMessage, series []echartsSeries) (chartTable, error) {
	var r struct {
		Indicator []struct {
			Name string `json:"name"`
		} `json:"indicator"`
	}
	if err := oneOf(radar, &r); err != nil {
		return chartTable{}, fmt.Errorf("read radar: %w", err)
	}

	var t chartTable
	var columns [][]json.RawMessage
	for _, s := range series {
		for _, raw := range s.Data {
			var item echartsItem
			if err := json.Unmarshal(raw, &item); err != nil {
				return chartTable{}, fmt.Errorf("radar item %s is not an object: %w", raw, err)
			}
			var values []json.RawMessage
			if err := json.Unmarshal(item.Value, &values); err != nil {
				return chartTable{}, fmt.Errorf("radar item %s has no list of values: %w", raw, err)
			}
			t.Columns = append(t.Columns, item.Name)
			columns = append(columns, values)
		}
	}
	for i, ind := range r.Indicator {
		row := chartRow{Name: ind.Name}
		for _, values := range columns {
			cell := missingValue
			if i < len(values) {
				cell = valueText(values[i])
			}
			row.Cells = append(row.Cells, cell)
		}
		t.Rows = append(t.Rows, row)
	}
	return t, nil
}

// itemValue returns the value of a data item: the field value of an
// object, or else the item itself.
func itemValue(raw json.RawMessage) json.RawMessage {
	if trimmed := bytes.TrimSpace(raw); len(trimmed) > 0 && trimmed[0] == '{' {
		var item echartsItem
		if json.Unmarshal(trimmed, &item) == nil {
			return item.Value
		}
	}
	return raw
}

// valueText writes a data item's value as the chart's labels do: a string
// unchanged, such as "95.0", a number in its shortest form, and
// missingValue for null or a missing value.
func valueText(raw json.RawMessage) string {
	var v any
	if err := json.Unmarshal(itemValue(raw), &v); err != nil {
		return missingValue
	}
	switch v := v.(type) {
	case string:
		if v == "" {
			return missingValue
		}
		return v
	case float64:
		return strconv.FormatFloat(v, 'f', -1, 64)
	}
	return missingValue
}

// oneOf decodes the first object of a component that ECharts takes as an
// object or an array of objects. An absent component leaves into as it is.
func oneOf(raw json.RawMessage, into any) error {
	raw = bytes.TrimSpace(raw)
	if len(raw) == 0 || bytes.Equal(raw, []byte("null")) {
		return nil
	}
	if raw[0] != '[' {
		return json.Unmarshal(raw, into)
	}
	var list []json.RawMessage
	if err := json.Unmarshal(raw, &list); err != nil || len(list) == 0 {
		return err
	}
	return json.Unmarshal(list[0], into)
}

// manyOf decodes a component that ECharts takes as an object or an array
// of objects into the slice into points to.
func manyOf[T any](raw json.RawMessage, into *[]T) error {
	raw = bytes.TrimSpace(raw)
	if len(raw) == 0 || bytes.Equal(raw, []byte("null")) {
		return nil
	}
	if raw[0] == '[' {
		return json.Unmarshal(raw, into)
	}
	var one T
	if err := json.Unmarshal(raw, &one); err != nil {
		return err
	}
	*into = []T{one}
	return nil
}

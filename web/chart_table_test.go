package web

import (
	"slices"
	"testing"
)

func TestChartTableBars(t *testing.T) {
	option := `{"title": {"text": "项目所处阶段"},
		"xAxis": [{"type": "value"}],
		"yAxis": [{"type": "category", "data": ["预报", "实施", "完成"]}],
		"series": [{"name": "项目数", "type": "bar", "data": [{"value": "6", "link": "/x"}, 84, null]}]}`
	got, err := newChartTable([]byte(option))
	if err != nil {
		t.Fatal(err)
	}
	if got.Caption != "项目所处阶段" {
		t.Errorf("caption = %q, want 项目所处阶段", got.Caption)
	}
	if !slices.Equal(got.Columns, []string{"项目数"}) {
		t.Errorf("columns = %q, want [项目数]", got.Columns)
	}
	want := []chartRow{{"预报", []string{"6"}}, {"实施", []string{"84"}}, {"完成", []string{"—"}}}
	if !slices.EqualFunc(got.Rows, want, equalRows) {
		t.Errorf("rows = %q, want %q", got.Rows, want)
	}
}

func TestChartTableLinesShortSeries(t *testing.T) {
	option := `{"title": [{"text": "综合得分趋势"}],
		"xAxis": {"type": "category", "data": ["2026Q1", "2026Q2"]},
		"yAxis": {"type": "value"},
		"series": [{"name": "宁波市海曙区", "type": "line", "data": ["91.3", "85.1"]},
			{"name": "赛道平均", "type": "line", "data": ["70.0"]}]}`
	got, err := newChartTable([]byte(option))
	if err != nil {
		t.Fatal(err)
	}
	want := []chartRow{{"2026Q1", []string{"91.3", "70.0"}}, {"2026Q2", []string{"85.1", "—"}}}
	if !slices.EqualFunc(got.Rows, want, equalRows) {
		t.Errorf("rows = %q, want %q", got.Rows, want)
	}
}

func TestChartTableHeatmap(t *testing.T) {
	option := `{"title": {"text": "逾期"},
		"xAxis": [{"type": "category", "data": ["2026-01", "2026-02"]}],
		"yAxis": [{"type": "category", "data": ["余姚市", "象山县"]}],
		"series": [{"name": "逾期里程碑", "type": "heatmap",
			"data": [{"name": "象山县 · 2026-02", "value": [1, 1, 3]}, [0, 0, 2]]}]}`
	got, err := newChartTable([]byte(option))
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(got.Columns, []string{"2026-01", "2026-02"}) {
		t.Errorf("columns = %q, want the months", got.Columns)
	}
	want := []chartRow{{"余姚市", []string{"2", "0"}}, {"象山县", []string{"0", "3"}}}
	if !slices.EqualFunc(got.Rows, want, equalRows) {
		t.Errorf("rows = %q, want %q", got.Rows, want)
	}
}

func TestChartTableHeatmapOutside(t *testing.T) {
	option := `{"xAxis": {"type": "category", "data": ["a"]}, "yAxis": {"type": "category", "data": ["b"]},
		"series": [{"type": "heatmap", "data": [[1, 0, 2]]}]}`
	if _, err := newChartTable([]byte(option)); err == nil {
		t.Error("heatmap item outside the axes: no error")
	}
}

func TestChartTableRadar(t *testing.T) {
	option := `{"title": {"text": "指标得分"},
		"radar": {"indicator": [{"name": "按期完成率", "max": 100}, {"name": "考评得分率", "max": 100}]},
		"series": [{"name": "宁波市海曙区", "type": "radar", "data": [{"name": "宁波市海曙区", "value": ["33.33", "78.33"]}]},
			{"name": "赛道平均", "type": "radar", "data": [{"name": "赛道平均", "value": ["63.70", 83.5]}]}]}`
	got, err := newChartTable([]byte(option))
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(got.Columns, []string{"宁波市海曙区", "赛道平均"}) {
		t.Errorf("columns = %q, want the unit and the average", got.Columns)
	}
	want := []chartRow{{"按期完成率", []string{"33.33", "63.70"}}, {"考评得分率", []string{"78.33", "83.5"}}}
	if !slices.EqualFunc(got.Rows, want, equalRows) {
		t.Errorf("rows = %q, want %q", got.Rows, want)
	}
}

func TestChartTableNoCategoryAxis(t *testing.T) {
	option := `{"xAxis": {"type": "value"}, "yAxis": {"type": "value"},
		"series": [{"type": "scatter", "data": [[1, 2]]}]}`
	if _, err := newChartTable([]byte(option)); err == nil {
		t.Error("chart without a category axis: no error")
	}
}

func equalRows(a, b chartRow) bool {
	return a.Name == b.Name && slices.Equal(a.Cells, b.Cells)
}

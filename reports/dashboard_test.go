package reports

import (
	"bytes"
	"math"
	"slices"
	"strings"
	"testing"

	"saima"
)

func TestBarOption(t *testing.T) {
	bars := []Bar{
		{Name: "整体智治", Value: 12, Link: "/ledger?system=%E6%95%B4%E4%BD%93%E6%99%BA%E6%B2%BB"},
		{Name: scriptName, Value: 0},
		{Name: functionName, Value: 3, Link: "/ledger?q=a&b=<c>"},
	}
	option, err := BarOption("各系统项目数", "项目数", bars, 0)
	if err != nil {
		t.Fatalf("BarOption: %v", err)
	}
	decoded := checkOption(t, option)
	checkGolden(t, "bar.json", option)

	if got := path(t, decoded, "yAxis", 0, "data", 1); got != scriptName {
		t.Errorf("second category = %v, want the name as a string", got)
	}
	if got := path(t, decoded, "series", 0, "data", 0, "link"); got != bars[0].Link {
		t.Errorf("first link = %v, want %q", got, bars[0].Link)
	}
	if item := path(t, decoded, "series", 0, "data", 1).(map[string]any); item["link"] != nil {
		t.Errorf("bar without a link has link %v, want none", item["link"])
	}
	if got := path(t, decoded, "series", 0, "data", 2, "link"); got != "/ledger?q=a&b=<c>" {
		t.Errorf("third link = %v, want it unchanged after decoding", got)
	}
}

func TestBarOptionPlaces(t *testing.T) {
	option, err := BarOption("完成率", "最新完成率", []Bar{{Name: "甲", Value: 95.55}, {Name: "乙", Value: 100}}, 1)
	if err != nil {
		t.Fatalf("BarOption: %v", err)
	}
	for _, want := range []string{`"value":"95.6"`, `"value":"100.0"`} {
		if !bytes.Contains(option, []byte(want)) {
			t.Errorf("option lacks %s: %s", want, option)
		}
	}
}

func TestFunnelLinkOption(t *testing.T) {
	levels := []Bar{{"预报", 3, "/ledger?stage=%E9%A2%84%E6%8A%A5"}, {"实施", 0, ""}, {"未登记", 2, ""}}
	option, err := FunnelLinkOption("项目所处阶段", "项目数", levels)
	if err != nil {
		t.Fatalf("FunnelLinkOption: %v", err)
	}
	decoded := checkOption(t, option)
	checkGolden(t, "funnel_links.json", option)
	if got := path(t, decoded, "series", 0, "sort"); got != "none" {
		t.Errorf("funnel sort = %v, want none", got)
	}
	if got := path(t, decoded, "legend", "top"); got != "bottom" {
		t.Errorf("funnel legend top = %v, want bottom, clear of the title", got)
	}
	if got := path(t, decoded, "series", 0, "data", 1, "value"); got != float64(0) {
		t.Errorf("empty stage value = %v, want 0 kept", got)
	}
	if _, err := FunnelLinkOption("阶段", "项目数", []Bar{{Name: "预报", Value: -1}}); err == nil {
		t.Errorf("FunnelLinkOption(negative) = nil error, want an error")
	}
}

func TestStackedBarOption(t *testing.T) {
	categories := saima.LoopStages
	stacks := []Stack{
		{Name: "一级", Values: []float64{3, 1, 0, 2, 5}, Links: []string{"/problems?level=1&stage=a", "", "", "", ""}},
		{Name: "三级", Values: []float64{0, 0, 1, 0, 0}},
	}
	option, err := StackedBarOption("问题清单闭环", categories, stacks)
	if err != nil {
		t.Fatalf("StackedBarOption: %v", err)
	}
	decoded := checkOption(t, option)
	checkGolden(t, "stacked.json", option)
	for i := range stacks {
		if got := path(t, decoded, "series", i, "stack"); got != "total" {
			t.Errorf("series %d stack = %v, want total", i, got)
		}
	}
	if got := path(t, decoded, "xAxis", 0, "data", 4); got != "已办结" {
		t.Errorf("last category = %v, want 已办结", got)
	}

	_, err = StackedBarOption("问题", categories, []Stack{{Name: "一级", Values: []float64{1}}})
	if err == nil || !strings.Contains(err.Error(), "1 values and 0 links for 5 categories") {
		t.Errorf("StackedBarOption(short stack) error = %v, want a count mismatch", err)
	}
}

func TestHeatmapOption(t *testing.T) {
	columns := []string{"2025-01", "2025-02", "2025-03"}
	rows := []string{"宁波市海曙区", scriptName}
	cells := []Cell{
		{Column: 0, Row: 0, Value: 2, Link: "/ledger?overdue=1&unit=x"},
		{Column: 2, Row: 1, Value: 7, Link: "/ledger?overdue=1&unit=y"},
	}
	option, err := HeatmapOption("逾期里程碑热力图", "逾期里程碑", columns, rows, cells)
	if err != nil {
		t.Fatalf("HeatmapOption: %v", err)
	}
	decoded := checkOption(t, option)
	checkGolden(t, "heatmap.json", option)

	if got := path(t, decoded, "xAxis", 0, "data", 2); got != "2025-03" {
		t.Errorf("third column = %v, want 2025-03", got)
	}
	if got := path(t, decoded, "yAxis", 0, "data", 1); got != scriptName {
		t.Errorf("second row = %v, want the name as a string", got)
	}
	if got := path(t, decoded, "visualMap", 0, "max"); got != float64(7) {
		t.Errorf("colour scale max = %v, want the largest cell, 7", got)
	}
	if got := path(t, decoded, "series", 0, "data", 1, "value", 2); got != float64(7) {
		t.Errorf("second cell value = %v, want 7", got)
	}
	// The legend draws the series' colour, which must be one of the
	// cells' colours rather than the palette's first blue.
	cellColors := path(t, decoded, "visualMap", 0, "inRange", "color").([]any)
	legend := path(t, decoded, "series", 0, "itemStyle", "color")
	if !slices.Contains(cellColors, legend) {
		t.Errorf("series colour, drawn by the legend = %v, want one of the cells' colours %v", legend, cellColors)
	}

	_, err = HeatmapOption("热力图", "逾期", columns, rows, []Cell{{Column: 3, Row: 0, Value: 1}})
	if err == nil {
		t.Errorf("HeatmapOption(cell outside the grid) = nil error, want an error")
	}
}

func TestRadarOption(t *testing.T) {
	axes := []RadarAxis{{"里程碑按期完成率", 100}, {"计划进度达成率", 100}, {functionName, 120}}
	series := []RadarSeries{
		{Name: "宁波市海曙区", Values: []float64{95, 80.456, 110}, Link: "/leaderboard?period=2026Q3"},
		{Name: "赛道平均", Values: []float64{82.5, 70, 60}},
	}
	option, err := RadarOption("指标得分对比", axes, series)
	if err != nil {
		t.Fatalf("RadarOption: %v", err)
	}
	decoded := checkOption(t, option)
	checkGolden(t, "radar.json", option)

	if got := path(t, decoded, "radar", "indicator", 2, "name"); got != functionName {
		t.Errorf("third axis = %v, want the name as a string", got)
	}
	if !bytes.Contains(option, []byte(`"value":["95.00","80.46","110.00"]`)) {
		t.Errorf("option lacks the unit's values with two decimals: %s", option)
	}
	if got := path(t, decoded, "series", 0, "data", 0, "link"); got != series[0].Link {
		t.Errorf("unit link = %v, want %q", got, series[0].Link)
	}

	nan := math.NaN()
	if _, err := RadarOption("雷达", axes, []RadarSeries{{Name: "甲", Values: []float64{1, 2, nan}}}); err == nil {
		t.Errorf("RadarOption(NaN) = nil error, want an error")
	}
	if _, err := RadarOption("雷达", axes, []RadarSeries{{Name: "甲", Values: []float64{1}}}); err == nil {
		t.Errorf("RadarOption(too few values) = nil error, want an error")
	}
}

func TestAddLinks(t *testing.T) {
	option, err := LeaderboardOption(saima.KindDistrict, []saima.Score{
		score(saima.KindDistrict, "宁波市海曙区", 88.45, 1, 0),
		score(saima.KindDistrict, scriptName, 80, 2, 0),
	})
	if err != nil {
		t.Fatal(err)
	}
	linked, err := AddLinks(option, 0, []string{"/units/%E5%AE%81", ""})
	if err != nil {
		t.Fatalf("AddLinks: %v", err)
	}
	decoded := checkOption(t, linked)
	if got := path(t, decoded, "series", 0, "data", 0, "link"); got != "/units/%E5%AE%81" {
		t.Errorf("first link = %v, want /units/%%E5%%AE%%81", got)
	}
	if item := path(t, decoded, "series", 0, "data", 1).(map[string]any); item["link"] != nil {
		t.Errorf("empty link was added as %v", item["link"])
	}
	if !bytes.Contains(linked, []byte(`"value":"88.5"`)) || !bytes.Contains(linked, []byte(`"value":"80.0"`)) {
		t.Errorf("AddLinks changed the values' form: %s", linked)
	}

	errs := []struct {
		name   string
		series int
		links  []string
	}{
		{"NoSuchSeries", 1, []string{"", ""}},
		{"TooFewLinks", 0, []string{""}},
	}
	for _, tt := range errs {
		if _, err := AddLinks(option, tt.series, tt.links); err == nil {
			t.Errorf("AddLinks(%s) = nil error, want an error", tt.name)
		}
	}
}

func TestGroupedBarOption(t *testing.T) {
	series := []Stack{
		{Name: "本单位", Values: []float64{95, 87.456}, Links: []string{"/leaderboard?period=2026Q3", "/leaderboard?period=2026Q3"}},
		{Name: "赛道平均", Values: []float64{78.333, 83.2}},
	}
	option, err := GroupedBarOption("指标得分与赛道平均", []string{"项目推进速度", scriptName}, series, 2)
	if err != nil {
		t.Fatalf("GroupedBarOption: %v", err)
	}
	decoded := checkOption(t, option)
	checkGolden(t, "grouped.json", option)
	for i := range series {
		if s := path(t, decoded, "series", i).(map[string]any); s["stack"] != nil {
			t.Errorf("series %d stack = %v, want none so that bars stand side by side", i, s["stack"])
		}
	}
	for _, want := range []string{`"value":"87.46"`, `"value":"78.33"`, `"value":"95.00"`, `"value":"83.20"`} {
		if !bytes.Contains(option, []byte(want)) {
			t.Errorf("option lacks %s", want)
		}
	}
}

// Chart labels must show the numbers of the tables, also for values with
// arithmetic noise just below a rounding boundary.
func TestFixedMatchesTables(t *testing.T) {
	formats := map[int32]func(float64) string{1: saima.FormatComposite, 2: saima.FormatIndicator}
	for _, v := range []float64{84.45, 51.24999999999999, 73.10499999999999, 70, 0.005, 99.995} {
		for places, format := range formats {
			got, err := fixed(v, places)
			if err != nil {
				t.Fatalf("fixed(%v, %d): %v", v, places, err)
			}
			if want := format(v); string(got) != want {
				t.Errorf("fixed(%v, %d) = %s, want %s as the tables show it", v, places, got, want)
			}
		}
	}
}

package reports

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"saima"
)

const (
	scriptName   = "</script><script>alert(1)</script>"
	functionName = "__f__function(){}__f__"
)

// checkOption checks what every chart option must satisfy and returns it
// decoded.
func checkOption(tb testing.TB, option []byte) map[string]any {
	tb.Helper()
	var decoded map[string]any
	if err := json.Unmarshal(option, &decoded); err != nil {
		tb.Fatalf("option is not valid JSON: %v\n%s", err, option)
	}
	if i := bytes.IndexAny(option, "<>&"); i >= 0 {
		tb.Errorf("option has an unescaped %q at byte %d: %s", option[i], i, option)
	}
	if got := decoded["animation"]; got != false {
		tb.Errorf("option animation = %v, want false", got)
	}
	return decoded
}

// checkGolden compares option, indented, with testdata/name.
func checkGolden(tb testing.TB, name string, option []byte) {
	tb.Helper()
	var buf bytes.Buffer
	if err := json.Indent(&buf, option, "", "  "); err != nil {
		tb.Fatal(err)
	}
	buf.WriteByte('\n')

	path := filepath.Join("testdata", name)
	if *update {
		if err := os.WriteFile(path, buf.Bytes(), 0o644); err != nil {
			tb.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		tb.Fatalf("read golden file (run go test -update to create it): %v", err)
	}
	if !bytes.Equal(buf.Bytes(), want) {
		tb.Errorf("option differs from %s (run go test -update after checking it):\n got: %s\nwant: %s",
			path, buf.Bytes(), want)
	}
}

// path walks decoded JSON by object keys and array indexes.
func path(tb testing.TB, v any, steps ...any) any {
	tb.Helper()
	for _, step := range steps {
		switch s := step.(type) {
		case string:
			m, ok := v.(map[string]any)
			if !ok {
				tb.Fatalf("at %q: %T is not an object", s, v)
			}
			v = m[s]
		case int:
			a, ok := v.([]any)
			if !ok || s >= len(a) {
				tb.Fatalf("at [%d]: %v is not an array that long", s, v)
			}
			v = a[s]
		}
	}
	return v
}

func TestLeaderboardOption(t *testing.T) {
	scores := []saima.Score{
		score(saima.KindDistrict, "宁海县", 80, 2, 0),
		score(saima.KindDistrict, "宁波市海曙区", 88.45, 1, 3),
		score(saima.KindDepartment, "市大数据局", 91.25, 1, 1),
		score(saima.KindDistrict, scriptName, 75.55, 3, 2),
		score(saima.KindDistrict, functionName, 60, 4, 4),
	}
	option, err := LeaderboardOption(saima.KindDistrict, scores)
	if err != nil {
		t.Fatalf("LeaderboardOption: %v", err)
	}
	decoded := checkOption(t, option)
	checkGolden(t, "leaderboard.json", option)

	var names []string
	for _, n := range path(t, decoded, "yAxis", 0, "data").([]any) {
		names = append(names, n.(string))
	}
	wantNames := []string{"宁波市海曙区", "宁海县", scriptName, functionName}
	if !slices.Equal(names, wantNames) {
		t.Errorf("axis names = %q, want %q", names, wantNames)
	}
	if got := path(t, decoded, "yAxis", 0, "inverse"); got != true {
		t.Errorf("yAxis inverse = %v, want true so that rank 1 is on top", got)
	}
	for _, want := range []string{
		`"value":"88.5"`, `"value":"80.0"`, `"value":"75.6"`, `"value":"60.0"`, `\u003c/script\u003e`,
	} {
		if !bytes.Contains(option, []byte(want)) {
			t.Errorf("option lacks %s", want)
		}
	}
	if bytes.Contains(option, []byte("市大数据局")) {
		t.Errorf("option includes a unit of another track")
	}
}

func TestLeaderboardOptionRejectsNaN(t *testing.T) {
	nan := score(saima.KindDistrict, "宁海县", 0, 1, 0)
	nan.Value = nan.Value / nan.Value
	if _, err := LeaderboardOption(saima.KindDistrict, []saima.Score{nan}); err == nil {
		t.Errorf("LeaderboardOption(NaN score) = nil error, want an error")
	}
}

func TestTrendOption(t *testing.T) {
	periods := []string{"2026Q1", "2026Q2", "2026Q3"}
	series := []Series{
		{Name: "宁波市海曙区", Values: []*float64{percent(70), nil, percent(88.45)}},
		{Name: functionName, Values: []*float64{percent(60), percent(65.04), percent(59.96)}},
	}
	option, err := TrendOption("综合得分趋势 "+scriptName, periods, series, 1)
	if err != nil {
		t.Fatalf("TrendOption: %v", err)
	}
	decoded := checkOption(t, option)
	checkGolden(t, "trend.json", option)

	if got := path(t, decoded, "series", 0, "data", 1, "value"); got != "-" {
		t.Errorf("gap value = %v, want \"-\"", got)
	}
	if got := path(t, decoded, "series", 1, "name"); got != functionName {
		t.Errorf("series name = %v, want the string %q", got, functionName)
	}
	if got := path(t, decoded, "series", 0, "connectNulls"); got != false {
		t.Errorf("connectNulls = %v, want false", got)
	}
	for _, want := range []string{`"value":"70.0"`, `"value":"88.5"`, `"value":"65.0"`, `"value":"60.0"`} {
		if !bytes.Contains(option, []byte(want)) {
			t.Errorf("option lacks %s", want)
		}
	}
}

// TestTrendOptionMarks checks that a marked point is drawn apart with its
// text, and that every period is labelled, turned when there are many.
func TestTrendOptionMarks(t *testing.T) {
	periods := []string{"2025Q4", "2026Q1", "2026Q2", "2026Q3", "2026Q4（草稿）"}
	values := []*float64{percent(70), percent(71), nil, percent(80), percent(54)}
	series := []Series{{Name: "综合得分", Values: values, Marks: []string{"", "", "", "", "草稿{a|b}"}}}
	option, err := TrendOption("综合得分趋势", periods, series, 1)
	if err != nil {
		t.Fatalf("TrendOption: %v", err)
	}
	decoded := checkOption(t, option)
	if got := path(t, decoded, "series", 0, "data", 4, "symbol"); got != "diamond" {
		t.Errorf("symbol of the marked point = %v, want diamond", got)
	}
	if got := path(t, decoded, "series", 0, "data", 4, "label", "formatter"); got != "草稿（a｜b）" {
		t.Errorf("label of the marked point = %v, want 草稿（a｜b） without markup", got)
	}
	if got := path(t, decoded, "series", 0, "data", 4, "value"); got != "54.0" {
		t.Errorf("value of the marked point = %v, want 54.0", got)
	}
	for i := range 4 {
		if item := path(t, decoded, "series", 0, "data", i).(map[string]any); item["symbol"] != nil || item["label"] != nil {
			t.Errorf("point %d = %v, want a plain point", i, item)
		}
	}
	if got := path(t, decoded, "xAxis", 0, "axisLabel", "interval"); got != 0.0 {
		t.Errorf("xAxis.axisLabel.interval = %v, want 0 (every period)", got)
	}
	if got := path(t, decoded, "xAxis", 0, "axisLabel", "rotate"); got != 30.0 {
		t.Errorf("xAxis.axisLabel.rotate = %v, want 30 for five periods", got)
	}

	series[0].Marks = []string{"草稿"}
	if _, err := TrendOption("综合得分趋势", periods, series, 1); err == nil {
		t.Errorf("TrendOption with 1 mark for 5 periods = nil error, want an error")
	}
}

func TestTrendOptionWholeValues(t *testing.T) {
	series := []Series{{Name: "名次", Values: []*float64{percent(3), nil, percent(1)}}}
	option, err := TrendOption("名次趋势", []string{"2026Q1", "2026Q2", "2026Q3"}, series, 0)
	if err != nil {
		t.Fatalf("TrendOption: %v", err)
	}
	decoded := checkOption(t, option)
	for i, want := range []string{"3", "-", "1"} {
		if got := path(t, decoded, "series", 0, "data", i, "value"); got != want {
			t.Errorf("value %d = %v, want the string %q", i, got, want)
		}
	}
}

// TestRankTrendOption checks that the rank axis shows every whole rank
// from 1 at the top to the lowest rank drawn, not ECharts' own steps such
// as 1, 2, 4, 6, 8, 10.
func TestRankTrendOption(t *testing.T) {
	ranks := Series{Name: "名次", Values: []*float64{percent(1), nil, percent(10), percent(4)}}
	option, err := RankTrendOption("名次趋势", []string{"2026Q1", "2026Q2", "2026Q3", "2026Q4"}, ranks)
	if err != nil {
		t.Fatalf("RankTrendOption: %v", err)
	}
	decoded := checkOption(t, option)
	for _, tt := range []struct {
		key  string
		want any
	}{
		{"inverse", true}, {"min", 1.0}, {"max", 10.0}, {"minInterval", 1.0}, {"maxInterval", 1.0},
	} {
		if got := path(t, decoded, "yAxis", 0, tt.key); got != tt.want {
			t.Errorf("yAxis.%s = %v, want %v", tt.key, got, tt.want)
		}
	}
	for i, want := range []string{"1", "-", "10", "4"} {
		if got := path(t, decoded, "series", 0, "data", i, "value"); got != want {
			t.Errorf("value %d = %v, want the string %q", i, got, want)
		}
	}
}

// TestRankTrendOptionLongAxis checks that a rank axis beyond 20 ranks
// runs in whole steps to the first step at or below the lowest rank.
func TestRankTrendOptionLongAxis(t *testing.T) {
	tests := []struct {
		lowest, max, step float64
	}{
		{21, 25, 5},
		{100, 100, 5},
		{137, 140, 10},
	}
	for _, tt := range tests {
		ranks := Series{Name: "名次", Values: []*float64{percent(3), percent(tt.lowest)}}
		option, err := RankTrendOption("名次趋势", []string{"2026Q1", "2026Q2"}, ranks)
		if err != nil {
			t.Fatalf("RankTrendOption: %v", err)
		}
		decoded := checkOption(t, option)
		for key, want := range map[string]float64{"max": tt.max, "minInterval": tt.step, "maxInterval": tt.step} {
			if got := path(t, decoded, "yAxis", 0, key); got != want {
				t.Errorf("lowest rank %v: yAxis.%s = %v, want %v", tt.lowest, key, got, want)
			}
		}
	}
}

// TestRankAxisLabels checks the count of labels that a page sizes the
// rank chart by: every rank up to 20, then 1 and each step.
func TestRankAxisLabels(t *testing.T) {
	tests := []struct {
		lowest float64
		want   int
	}{
		{1, 2},
		{7, 7},
		{20, 20},
		{21, 6},   // 1, 5, 10, 15, 20, 25
		{76, 17},  // 1 and 5 to 80 in steps of 5
		{137, 15}, // 1 and 10 to 140 in steps of 10
	}
	for _, tt := range tests {
		ranks := Series{Name: "名次", Values: []*float64{percent(1), nil, percent(tt.lowest)}}
		if got := RankAxisLabels(ranks); got != tt.want {
			t.Errorf("RankAxisLabels(lowest %v) = %d, want %d", tt.lowest, got, tt.want)
		}
	}
}

// TestRankTrendOptionSingleRank checks that a unit always ranked first
// still gets an axis from 1 to 2, since an axis from 1 to 1 has no length.
func TestRankTrendOptionSingleRank(t *testing.T) {
	ranks := Series{Name: "名次", Values: []*float64{percent(1), percent(1)}}
	option, err := RankTrendOption("名次趋势", []string{"2026Q1", "2026Q2"}, ranks)
	if err != nil {
		t.Fatalf("RankTrendOption: %v", err)
	}
	if got := path(t, checkOption(t, option), "yAxis", 0, "max"); got != 2.0 {
		t.Errorf("yAxis.max = %v, want 2", got)
	}
}

func TestTrendOptionErrors(t *testing.T) {
	zero := 0.0
	nan := zero / zero
	tests := []struct {
		name   string
		series Series
		want   string
	}{
		{"TooFewValues", Series{Name: "甲", Values: []*float64{percent(1)}}, "1 values for 2 periods"},
		{"NaN", Series{Name: "乙", Values: []*float64{percent(1), &nan}}, "not a finite number"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := TrendOption("趋势", []string{"2026Q2", "2026Q3"}, []Series{tt.series}, 1)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("TrendOption(%s) error = %v, want one containing %q", tt.name, err, tt.want)
			}
		})
	}
}

func TestFunnelOption(t *testing.T) {
	stages := []StageCount{{"预报", 12}, {"初审", 9}, {"审核", 0}, {"实施", 15}, {scriptName, 1}}
	option, err := FunnelOption("项目生命周期", stages)
	if err != nil {
		t.Fatalf("FunnelOption: %v", err)
	}
	decoded := checkOption(t, option)
	checkGolden(t, "funnel.json", option)

	if got := path(t, decoded, "series", 0, "sort"); got != "none" {
		t.Errorf("funnel sort = %v, want none so that stages keep their order", got)
	}
	if got := path(t, decoded, "legend", "top"); got != "bottom" {
		t.Errorf("funnel legend top = %v, want bottom, clear of the title", got)
	}
	for i, st := range stages {
		item := path(t, decoded, "series", 0, "data", i)
		if name := path(t, item, "name"); name != st.Stage {
			t.Errorf("stage %d name = %v, want %q", i, name, st.Stage)
		}
		if value := path(t, item, "value"); value != float64(st.Count) {
			t.Errorf("stage %q value = %v, want %d", st.Stage, value, st.Count)
		}
	}
}

func TestFunnelOptionRejectsNegativeCount(t *testing.T) {
	if _, err := FunnelOption("项目生命周期", []StageCount{{"预报", -1}}); err == nil {
		t.Errorf("FunnelOption(negative count) = nil error, want an error")
	}
}

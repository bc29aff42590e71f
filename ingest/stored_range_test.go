package ingest

import (
	"slices"
	"strings"
	"testing"
)

// A number that a Decimal(18, 4) column cannot hold is a row error, in
// every column that reads numbers, and a percent with more places is
// rounded with a warning.
func TestParseNumberOutsideColumn(t *testing.T) {
	tests := []struct {
		name, text string
		want       string // the reason of the one error, "" for none
	}{
		{"ID number as score",
			"被考评单位,指标,得分,满分,考评方式,考评期间\n市财政局,现场核查,330203198001011234,,线下年终,2026Q3\n", "数值过大"},
		{"15 digits",
			"被考评单位,指标,得分,满分,考评方式,考评期间\n市财政局,现场核查,100000000000000,,线下年终,2026Q3\n", "数值过大"},
		{"negative 15 digits",
			"被考评单位,指标,得分,满分,考评方式,考评期间\n市财政局,现场核查,-100000000000000,,线下年终,2026Q3\n", "数值过大"},
		{"14 digits fit",
			"被考评单位,指标,得分,满分,考评方式,考评期间\n市财政局,现场核查,99999999999999.9999,,线下年终,2026Q3\n", ""},
		{"fifth place",
			"被考评单位,指标,得分,满分,考评方式,考评期间\n市财政局,现场核查,0.00005,1,线下年终,2026Q3\n", "小数超过4位"},
		{"fifth place of full marks",
			"被考评单位,指标,得分,满分,考评方式,考评期间\n市财政局,现场核查,1,33.33335,线下年终,2026Q3\n", "小数超过4位"},
		{"trailing zeros fit",
			"被考评单位,指标,得分,满分,考评方式,考评期间\n市财政局,现场核查,85.50000,100,线下年终,2026Q3\n", ""},
		{"budget in yuan",
			"项目编号,项目名称,责任单位,所属系统,计划完成日期,预算（万元）\n" +
				"NB-2026-001,数据共享,市大数据局,数字政府,2026-12-31,123456789012345678\n", "数值过大"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res := parseText(t, tt.name+".csv", tt.text, Options{})
			if tt.want == "" {
				requireNoErrors(t, res)
				return
			}
			if len(res.Errors) != 1 {
				t.Fatalf("errors = %q, want one", issueStrings(res.Errors))
			}
			e := res.Errors[0]
			if !strings.Contains(e.Reason, tt.want) {
				t.Errorf("reason = %q, want it to contain %q", e.Reason, tt.want)
			}
			if e.Row != 2 {
				t.Errorf("row = %d, want 2", e.Row)
			}
			if e.Value == "" {
				t.Error("the error names no value")
			}
			if e.Fix == "" {
				t.Error("the error gives no fix")
			}
		})
	}
}

func TestParsePercentRoundedToStoredPlaces(t *testing.T) {
	text := "单位,项目编号,项目名称,填报期间,完成率,填报日期,进展情况,存在问题\n" +
		"余姚市,P-1,项目,2026Q3,40.88555%,2026-09-30,,\n" +
		"宁海县,P-2,项目,2026Q3,40.8855%,2026-09-30,,\n" +
		"宁波市海曙区,P-3,项目,2026Q3,33.333333333333%,2026-09-30,,\n"
	res := parseText(t, "places.csv", text, Options{})
	requireNoErrors(t, res)
	want := []string{"40.8856", "40.8855", "33.3333"}
	for i, p := range res.Batch.Progress {
		if got := percentString(p.Percent); got != want[i] {
			t.Errorf("row %d 完成率 = %s, want %s", i+2, got, want[i])
		}
	}
	var rows []int
	for _, w := range res.Warnings {
		if strings.Contains(w.Reason, "四舍五入") {
			rows = append(rows, w.Row)
		}
	}
	if !slices.Equal(rows, []int{2, 4}) {
		t.Errorf("rounding warnings on rows %v, want [2 4]", rows)
	}
}

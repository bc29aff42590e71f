package ingest

import (
	"fmt"
	"slices"
	"testing"
)

// TestScientificNumbers checks the message for a number in scientific
// notation, which a JSON encoder writes for 1e21 or 1e-7 and Excel for a
// long number in a CSV. It names the notation in a number and a percent
// column, in CSV and JSON. A value too large or too precise to store gets
// that reason instead of 不是数字.
func TestScientificNumbers(t *testing.T) {
	for _, tc := range []struct {
		value  string
		reason *problem
	}{
		{"8.5e1", problemScientific},
		{"1E+2", problemScientific},
		{"1e400", problemTooLarge},
		{"1.5E+17", problemTooLarge},
		{"1e-7", problemTooManyPlaces},
		{"1e-400", problemTooManyPlaces},
	} {
		t.Run(tc.value, func(t *testing.T) {
			csv := fmt.Sprintf("被考评单位,指标,得分,考评方式,考评期间\n余姚市,开工率,%s,线上日常,2026Q3\n", tc.value)
			js := fmt.Sprintf(`[{"被考评单位": "余姚市", "指标": "开工率", "得分": %s, "考评方式": "线上日常", "考评期间": "2026Q3"}]`,
				tc.value)
			for name, text := range map[string]string{"a.csv": csv, "a.json": js} {
				row := 2
				if name == "a.json" {
					row = 1
				}
				want := []string{fmt.Sprintf("%s 第%d行“得分”列的值“%s”%s，%s", name, row, tc.value, tc.reason.reason, tc.reason.fix)}
				res := parseText(t, name, text, Options{})
				if got := issueStrings(res.Errors); !slices.Equal(got, want) {
					t.Errorf("%s errors = %q, want %q", name, got, want)
				}
			}
		})
	}
	// A percent column gives the same reason.
	res := parseText(t, "p.csv", "单位,项目编号,项目名称,填报期间,完成率\n余姚市,NB-1,改造,2026Q3,8.5e1\n", Options{})
	want := []string{"p.csv 第2行“完成率”列的值“8.5e1”" + problemScientific.reason + "，" + problemScientific.fix}
	if got := issueStrings(res.Errors); !slices.Equal(got, want) {
		t.Errorf("percent column errors = %q, want %q", got, want)
	}
}

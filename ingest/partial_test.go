package ingest

import (
	"slices"
	"strings"
	"testing"
)

// A check that needs only good cells runs on a row that has errors in
// other cells, or beside other rows with errors, so that one reply lists
// what the clerk must fix and what the clerk should look at.
func TestChecksBesideErrors(t *testing.T) {
	tests := []struct {
		name, unit, text string
		errors           []string // the columns of the errors, in order
		warnings         []string // the warnings, each as a prefix
	}{
		{name: "milestone status against the done date, beside a bad planned date",
			text:     "项目编号,里程碑,计划完成日期,实际完成日期,状态\nNB-2026-300,上线,2026-13-01,2026-09-01,进行中\n",
			errors:   []string{"计划完成日期"},
			warnings: []string{"f.csv 第2行“状态”列的值“进行中”与实际完成日期不符，实际完成日期已填写为2026-09-01"}},
		{name: "problem stage against the closing date, beside a unit off the roster",
			text:     "问题编号,单位,发现日期,环节\nWT-1,余杭区,2026-09-01,已办结\n",
			errors:   []string{"单位"},
			warnings: []string{"f.csv 第2行“环节”列的值“已办结”与办结日期不符，办结日期为空"}},
		{name: "percent scale counts a bare number of a row with an error",
			text:     "单位,项目编号,填报期间,完成率\n余杭区,NB-2026-300,2026Q3,85\n余姚市,NB-2026-200,2026Q3,0.5\n",
			errors:   []string{"单位"},
			warnings: []string{"f.csv 第3行“完成率”列的值“0.5”没有带%，本列其他数按百分数填写，读作0.5%"}},
		{name: "percent placeholder of a row with an error",
			text:     "单位,项目编号,填报期间,完成率\n余杭区,NB-2026-300,2026Q3,/\n",
			errors:   []string{"单位"},
			warnings: []string{"f.csv 第2行“完成率”列的值“/”表示未填报，按未填报处理"}},
		{name: "office moves a project on a row with a bad budget",
			text:     "项目编号,项目名称,责任单位,预算（万元）\nNB-2026-300,城市大脑,余姚市,-5\n",
			errors:   []string{"预算（万元）"},
			warnings: []string{"f.csv 第2行“项目编号”列的值“NB-2026-300”在项目台账中属于“宁海县”，导入后改属“余姚市”"}},
		{name: "alias of a row with a bad kind clashes with another unit",
			text:   "单位,单位类别,别名\n宁波市海曙区,区县（市）,\n余姚市,乱写,宁波市海曙区\n",
			errors: []string{"单位类别", "别名"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res := parseText(t, "f.csv", tt.text, faultLedger(tt.unit))
			var cols []string
			for _, is := range res.Errors {
				cols = append(cols, is.Column)
			}
			if !slices.Equal(cols, tt.errors) {
				t.Errorf("error columns = %q, want %q\nerrors:\n%s", cols, tt.errors, strings.Join(issueStrings(res.Errors), "\n"))
			}
			got := issueStrings(res.Warnings)
			for _, w := range tt.warnings {
				if !slices.ContainsFunc(got, func(s string) bool { return strings.HasPrefix(s, w) }) {
					t.Errorf("warnings lack %q:\n%s", w, strings.Join(got, "\n"))
				}
			}
		})
	}
}

package ingest

import (
	"fmt"
	"slices"
	"strings"
	"testing"
)

// excelErrorValues is Excel's whole set of error values, as a cell shows
// them and CSV writes them.
var excelErrorValues = []string{"#NULL!", "#DIV/0!", "#VALUE!", "#REF!", "#NAME?", "#NUM!", "#N/A",
	"#GETTING_DATA", "#SPILL!", "#CALC!", "#FIELD!", "#BLOCKED!", "#UNKNOWN!", "#CONNECT!", "#BUSY!",
	"#PYTHON!", "#TIMEOUT!", "#EXTERNAL!"}

// Every error value of Excel, in any letter case or in full-width forms,
// and LibreOffice's Err:NNN, gets the formula-error message, in a text
// column and in a number column, in CSV and JSON.
func TestFormulaErrorValuesFullSet(t *testing.T) {
	values := slices.Clone(excelErrorValues)
	values = append(values, "#timeout!", "#External!", "＃Ｎ／Ａ", "＃ＴＩＭＥＯＵＴ！", "＃ＤＩＶ／０！",
		"Err:502", "Err:508", "ｅｒｒ：５０２")
	for _, v := range values {
		for _, col := range []string{"项目名称", "完成率"} {
			t.Run(v+" in "+col, func(t *testing.T) {
				cells := map[string]string{"项目名称": "改造", "完成率": "85%"}
				cells[col] = v
				text := fmt.Sprintf("单位,项目编号,项目名称,填报期间,完成率\n余姚市,NB-1,\"%s\",2026Q3,\"%s\"\n",
					cells["项目名称"], cells["完成率"])
				want := []string{"p.csv 第2行“" + col + "”列的值“" + v + "”" + formulaErrorReason + "，" + formulaErrorFix}
				res := parseText(t, "p.csv", text, Options{})
				if got := issueStrings(res.Errors); !slices.Equal(got, want) {
					t.Errorf("CSV errors = %q, want %q", got, want)
				}

				js := fmt.Sprintf(`[{"单位": "余姚市", "项目编号": "NB-1", "项目名称": %q, "填报期间": "2026Q3", "完成率": %q}]`,
					cells["项目名称"], cells["完成率"])
				want = []string{"p.json 第1行“" + col + "”列的值“" + v + "”" + formulaErrorReason + "，" + formulaErrorFix}
				res = parseText(t, "p.json", js, Options{})
				if got := issueStrings(res.Errors); !slices.Equal(got, want) {
					t.Errorf("JSON errors = %q, want %q", got, want)
				}
			})
		}
	}
}

// An XLSX stores a formula's error value as an error cell (t="e").
func TestXLSXFormulaErrorCells(t *testing.T) {
	for _, v := range excelErrorValues {
		t.Run(v, func(t *testing.T) {
			errCell := func(ref string) string {
				return fmt.Sprintf(`<c r="%s" t="e"><f>XLOOKUP(A2,X:X,Y:Y)</f><v>%s</v></c>`, ref, v)
			}
			sheet := testSheet{name: "进度", rows: []string{
				row(1, progressHeaderCells...),
				row(2, text("余姚市"), text("NB-1"), errCell, text("2026Q3"), text("50%")),
			}}
			res := parseWorkbook(t, newTestWorkbook(sheet), Options{})
			want := []string{"t.xlsx 工作表“进度”第2行“项目名称”列的值“" + v + "”" + formulaErrorReason + "，" + formulaErrorFix}
			if got := issueStrings(res.Errors); !slices.Equal(got, want) {
				t.Errorf("errors = %q, want %q", got, want)
			}
		})
	}
}

// Text that only starts like an error value is text.
func TestFormulaErrorLookalikes(t *testing.T) {
	for _, v := range []string{"#1号楼已封顶", "＃1号楼", "#TIMEOUT!已处理", "Err:50", "Error"} {
		res := parseText(t, "p.csv", "单位,项目编号,项目名称,填报期间,完成率\n余姚市,NB-1,"+v+",2026Q3,50%\n", Options{})
		requireNoErrors(t, res)
		if got := res.Batch.Progress[0].ProjectName; got != strings.TrimSpace(v) {
			t.Errorf("项目名称 = %q, want %q", got, v)
		}
	}
}

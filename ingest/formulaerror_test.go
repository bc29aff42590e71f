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

// widthMixes returns copies of v with some characters in full-width
// forms. A short v gets every subset. A longer v gets the mixes an input
// method produces, such as punctuation only, and two alternating ones.
func widthMixes(v string) []string {
	runes := []rune(v)
	full := func(keep func(i int, r rune) bool) string {
		out := slices.Clone(runes)
		for i, r := range out {
			if keep(i, r) {
				out[i] = r + 0xFEE0
			}
		}
		return string(out)
	}
	if len(runes) <= 6 {
		var mixes []string
		for mask := range 1 << len(runes) {
			mixes = append(mixes, full(func(i int, _ rune) bool { return mask&(1<<i) != 0 }))
		}
		return mixes
	}
	isWord := func(r rune) bool {
		return r == '_' || 'A' <= r && r <= 'Z' || 'a' <= r && r <= 'z' || '0' <= r && r <= '9'
	}
	return []string{
		v,
		full(func(i int, _ rune) bool { return true }),
		full(func(i int, _ rune) bool { return i == 0 }),
		full(func(i int, _ rune) bool { return i > 0 }),
		full(func(_ int, r rune) bool { return !isWord(r) }),
		full(func(i int, r rune) bool { return i > 0 && !isWord(r) }),
		full(func(_ int, r rune) bool { return isWord(r) }),
		full(func(i int, _ rune) bool { return i%2 == 0 }),
		full(func(i int, _ rune) bool { return i%2 == 1 }),
	}
}

// An error value in any mix of half-width and full-width characters is
// one, as a Chinese input method types it: #VALUE！ or Err：502.
func TestIsFormulaErrorWidthMixes(t *testing.T) {
	values := slices.Clone(excelErrorValues)
	values = append(values, "#timeout!", "Err:502", "err:508")
	for _, v := range values {
		for _, mix := range widthMixes(v) {
			if !isFormulaError(mix) {
				t.Errorf("isFormulaError(%q) = false, want true", mix)
			}
		}
	}
}

// The error values a clerk types with a Chinese input method, a half-width
// # or E with full-width punctuation or letters, get the formula-error
// message in text, number and date columns, in CSV, XLSX and JSON.
func TestFormulaErrorInputMethodValues(t *testing.T) {
	values := []string{"#VALUE！", "#REF！", "#DIV/0！", "#DIV／0！", "#NAME？", "#TIMEOUT！", "#EXTERNAL！",
		"Err：502", "ｅrr:502", "#Ｎ／Ａ", "#N／A", "＃N/A", "#ＶＡＬＵＥ!"}
	cols := []string{"项目名称", "完成率", "填报日期", "进展情况"}
	for _, v := range values {
		for _, col := range cols {
			t.Run(v+" in "+col, func(t *testing.T) {
				cells := map[string]string{"项目名称": "改造", "完成率": "85%", "填报日期": "2026-09-30", "进展情况": "推进"}
				cells[col] = v
				csv := fmt.Sprintf("单位,项目编号,项目名称,填报期间,完成率,填报日期,进展情况\n余姚市,NB-1,%s,2026Q3,%s,%s,%s\n",
					cells["项目名称"], cells["完成率"], cells["填报日期"], cells["进展情况"])
				want := []string{"p.csv 第2行“" + col + "”列的值“" + v + "”" + formulaErrorReason + "，" + formulaErrorFix}
				res := parseText(t, "p.csv", csv, Options{})
				if got := issueStrings(res.Errors); !slices.Equal(got, want) {
					t.Errorf("CSV errors = %q, want %q", got, want)
				}

				js := fmt.Sprintf(`[{"单位": "余姚市", "项目编号": "NB-1", "项目名称": %q, "填报期间": "2026Q3", "完成率": %q, "填报日期": %q, "进展情况": %q}]`,
					cells["项目名称"], cells["完成率"], cells["填报日期"], cells["进展情况"])
				want = []string{"p.json 第1行“" + col + "”列的值“" + v + "”" + formulaErrorReason + "，" + formulaErrorFix}
				res = parseText(t, "p.json", js, Options{})
				if got := issueStrings(res.Errors); !slices.Equal(got, want) {
					t.Errorf("JSON errors = %q, want %q", got, want)
				}

				sheet := testSheet{name: "进度", rows: []string{
					row(1, progressHeaderCells...),
					row(2, text("余姚市"), text("NB-1"), text(cells["项目名称"]), text("2026Q3"),
						text(cells["完成率"]), text(cells["填报日期"]), text(cells["进展情况"])),
				}}
				res = parseWorkbook(t, newTestWorkbook(sheet), Options{})
				want = []string{"t.xlsx 工作表“进度”第2行“" + col + "”列的值“" + v + "”" + formulaErrorReason + "，" + formulaErrorFix}
				if got := issueStrings(res.Errors); !slices.Equal(got, want) {
					t.Errorf("XLSX errors = %q, want %q", got, want)
				}
			})
		}
	}
}

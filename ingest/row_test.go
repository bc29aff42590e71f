package ingest

import (
	"bytes"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"saima"
)

// faultLedger returns options for the account of unit ("" for the office)
// with a small ledger. In it 宁海县 owns the project NB-2026-300, its
// milestone 联调, the problem WT-8 and the list item A2. 余姚市 owns
// NB-2026-200 and the list item A1.
func faultLedger(unit string) Options {
	return Options{
		Unit: unit,
		Projects: []saima.Project{
			{Code: "NB-2026-200", Name: "浙里办接入", Unit: "余姚市", LeaderLed: true},
			{Code: "NB-2026-300", Name: "城市大脑", Unit: "宁海县"},
		},
		Milestones: []saima.Milestone{{ProjectCode: "NB-2026-300", Name: "联调", Unit: "宁海县"}},
		Problems:   []saima.ProblemItem{{ID: "WT-8", Unit: "宁海县"}},
		ListItems: []saima.ListItem{
			{List: "重大需求", ID: "A1", Unit: "余姚市"},
			{List: "重大需求", ID: "A2", Unit: "宁海县"},
		},
	}
}

// A row with a bad cell and an independent fault against the ledger, or
// against another cell, gets both errors in one reply, so that the clerk
// does not find the second one only after fixing the first.
func TestRowTwoIndependentFaults(t *testing.T) {
	tests := []struct {
		name, unit, text string
		want             []string // the columns of the row's errors, in order
		notOwn           int
	}{
		{"progress: future report date and project not in the ledger", "余姚市",
			"单位,项目编号,填报期间,完成率,填报日期\n余姚市,NB-9999-999,2026Q3,50%,2027-01-01\n",
			[]string{"项目编号", "填报日期"}, 0},
		{"progress: bad percent and another unit's project", "余姚市",
			"单位,项目编号,填报期间,完成率\n余姚市,NB-2026-300,2026Q3,135%\n",
			[]string{"项目编号", "完成率"}, 1},
		{"milestones: future done date and project not in the ledger", "余姚市",
			"项目编号,里程碑,计划完成日期,实际完成日期,责任单位\nNB-9999-999,上线,2026-09-01,2027-01-01,余姚市\n",
			[]string{"项目编号", "实际完成日期"}, 0},
		{"milestones: future done date and another unit's project", "余姚市",
			"项目编号,里程碑,计划完成日期,实际完成日期,责任单位\nNB-2026-300,联调,2026-09-01,2027-01-01,余姚市\n",
			[]string{"项目编号", "实际完成日期"}, 1},
		{"done marks: future date and item not in the list", "余姚市",
			"清单名称,事项编号,责任单位,完成日期\n重大需求,A9,余姚市,2027-01-01\n",
			[]string{"事项编号", "完成日期"}, 0},
		{"done marks: bad date and another unit's item", "余姚市",
			"清单名称,事项编号,责任单位,完成日期\n重大需求,A2,余姚市,2026-13-01\n",
			[]string{"事项编号", "完成日期"}, 1},
		{"projects: negative budget and end before start", "",
			"项目编号,项目名称,责任单位,预算（万元）,开始日期,计划完成日期\nNB-2026-300,城市大脑,余姚市,-5,2026-09-01,2026-01-01\n",
			[]string{"计划完成日期", "预算（万元）"}, 0},
		{"problems: future date and another unit's problem", "余姚市",
			"问题编号,单位,发现日期\nWT-8,余姚市,2027-01-01\n",
			[]string{"问题编号", "发现日期"}, 1},
		{"leader reports: future date and project not in the ledger", "余姚市",
			"项目编号,半年度,牵头单位,成果,报送日期\nNB-9999-999,2026上半年,余姚市,上线,2027-01-01\n",
			[]string{"项目编号", "报送日期"}, 0},
		{"assessments: bad period and score above full marks", "",
			"被考评单位,指标,得分,满分,考评方式,考评期间\n余姚市,开工率,12,10,线上日常,2026Q9\n",
			[]string{"得分", "考评期间"}, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res := parseText(t, "f.csv", tt.text, faultLedger(tt.unit))
			var got []string
			for _, is := range res.Errors {
				got = append(got, is.Column)
			}
			slices.Sort(got)
			want := slices.Sorted(slices.Values(tt.want))
			if !slices.Equal(got, want) {
				t.Errorf("error columns = %q, want %q\nerrors:\n%s", got, want, strings.Join(issueStrings(res.Errors), "\n"))
			}
			if res.NotOwn != tt.notOwn {
				t.Errorf("NotOwn = %d, want %d", res.NotOwn, tt.notOwn)
			}
		})
	}
}

// futureDateFixes are the fixes for a future date, by dataset and column.
// Each names what the column records.
var futureDateFixes = map[string]string{
	"milestones/实际完成日期":   "请填写里程碑实际完成的日期；尚未完成的请留空",
	"progress/填报日期":       "请填写实际填报进度的日期，即今天或之前的某一天",
	"stages/日期":           "请填写该阶段实际发生的日期；尚未发生的阶段请在发生后再上传",
	"problems/发现日期":       "请填写实际发现问题的日期",
	"problems/办结日期":       "请填写问题实际办结的日期；尚未办结的请留空",
	"lists/下达日期":          "请填写清单实际下达的日期；尚未下达的事项请在下达后再上传",
	"list_done/完成日期":      "请填写事项实际完成的日期；尚未完成的事项请在完成后再标注",
	"problem_steps/日期":    "请填写该环节实际办理的日期；尚未办理的环节请在办理后再上传",
	"leader_reports/报送日期": "请填写半年报告实际报送的日期，即今天或之前的某一天",
}

// Every date column that rejects a future date gives a fix that fits
// what the column records, and the template's comment on the column
// says that the date may not be after the upload day.
func TestFutureDateFix(t *testing.T) {
	seen := map[string]bool{}
	for _, s := range schemas {
		for _, c := range s.columns {
			if c.kind != kindDate {
				continue
			}
			key := s.dataset + "/" + c.name
			t.Run(key, func(t *testing.T) {
				file := withoutExampleMark(t, writeTemplate(t, s.dataset, testRoster))
				f, err := excelize.OpenReader(bytes.NewReader(file))
				if err != nil {
					t.Fatal(err)
				}
				defer f.Close()
				sheet := f.GetSheetName(0)
				rows, err := f.GetRows(sheet)
				if err != nil {
					t.Fatal(err)
				}
				i := slices.Index(rows[0], c.name)
				if i < 0 {
					t.Fatalf("template header %q has no column %s", rows[0], c.name)
				}
				if err := f.SetCellStr(sheet, columnLetter(i)+"2", "2027-01-01"); err != nil {
					t.Fatal(err)
				}
				comment := templateComment(t, f, sheet, columnLetter(i)+"1")
				var buf bytes.Buffer
				if _, err := f.WriteTo(&buf); err != nil {
					t.Fatal(err)
				}

				res := parseText(t, s.dataset+".xlsx", buf.String(), Options{})
				var fixes []string
				for _, is := range res.Errors {
					if is.Column == c.name && strings.Contains(is.Reason, "不能在将来") {
						fixes = append(fixes, is.Fix)
					}
				}
				want, ok := futureDateFixes[key]
				switch {
				case !ok && len(fixes) > 0:
					t.Errorf("future date rejected with fix %q, but the test lists no fix for %s", fixes, key)
				case ok && !slices.Equal(fixes, []string{want}):
					t.Errorf("fixes = %q, want [%q]", fixes, want)
				}
				if says := strings.Contains(comment, "不能晚于上传当天"); says != ok {
					t.Errorf("comment %q says 不能晚于上传当天 = %t, want %t", comment, says, ok)
				}
				seen[key] = true
			})
		}
	}
	for key := range futureDateFixes {
		if !seen[key] {
			t.Errorf("no date column %s", key)
		}
	}
}

// templateComment returns the text of the comment on cell of sheet.
func templateComment(t *testing.T, f *excelize.File, sheet, cell string) string {
	t.Helper()
	comments, err := f.GetComments(sheet)
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range comments {
		if c.Cell == cell {
			var b strings.Builder
			for _, run := range c.Paragraph {
				b.WriteString(run.Text)
			}
			return b.String() + c.Text
		}
	}
	t.Fatalf("no comment on %s", cell)
	return ""
}

// Each template comment says whether a cell may be left blank as the
// schema and the upload agree: 必填 when a blank cell is an error, 选填
// when the column may be left out, and for a column that must be present
// but whose cells may be blank, such as 完成率, that the cell may be
// left blank.
func TestTemplateCommentRequired(t *testing.T) {
	for _, s := range schemas {
		t.Run(s.dataset, func(t *testing.T) {
			file := withoutExampleMark(t, writeTemplate(t, s.dataset, testRoster))
			for _, c := range s.columns {
				if c.kind == kindIgnored {
					continue
				}
				f, err := excelize.OpenReader(bytes.NewReader(file))
				if err != nil {
					t.Fatal(err)
				}
				sheet := f.GetSheetName(0)
				rows, err := f.GetRows(sheet)
				if err != nil {
					t.Fatal(err)
				}
				i := slices.Index(rows[0], c.name)
				if i < 0 {
					t.Fatalf("template header %q has no column %s", rows[0], c.name)
				}
				comment := templateComment(t, f, sheet, columnLetter(i)+"1")
				if err := f.SetCellStr(sheet, columnLetter(i)+"2", ""); err != nil {
					t.Fatal(err)
				}
				var buf bytes.Buffer
				if _, err := f.WriteTo(&buf); err != nil {
					t.Fatal(err)
				}
				f.Close()

				res := parseText(t, s.dataset+".xlsx", buf.String(), Options{})
				blankIsError := slices.ContainsFunc(res.Errors, func(is Issue) bool {
					return is.Column == c.name && strings.Contains(is.Reason, "为空")
				})
				want := "选填。"
				switch {
				case c.required && c.blankOK:
					want = blankOKNote
				case c.required:
					want = "必填。"
				}
				if !strings.HasPrefix(comment, want) {
					t.Errorf("%s: comment %q, want it to start with %q", c.name, comment, want)
				}
				if wantError := want == "必填。"; blankIsError != wantError {
					t.Errorf("%s: a blank cell is an error = %t, want %t (comment %q); errors %q",
						c.name, blankIsError, wantError, comment, issueStrings(res.Errors))
				}
			}
		})
	}
}

// A free-text cell longer than Options.MaxTextChars is an error with its
// length, the limit and the fix. The listed value is cut short, so that
// the reply does not repeat the whole cell.
func TestRowTextLimit(t *testing.T) {
	header := "单位,项目编号,填报期间,完成率,进展情况,存在问题\n"
	long := strings.Repeat("进展", DefaultMaxTextChars/2) + "好"
	t.Run("default", func(t *testing.T) {
		res := parseText(t, "p.csv", header+"余姚市,NB-1,2026Q3,50%,"+long+",无\n", Options{})
		want := fmt.Sprintf("p.csv 第2行“进展情况”列的值“%s…”共%d个字符，超过每格%d个字符的上限，请精简到%d个字符以内后重新上传",
			strings.Repeat("进展", maxShownValue/2), DefaultMaxTextChars+1, DefaultMaxTextChars, DefaultMaxTextChars)
		if got := issueStrings(res.Errors); !slices.Equal(got, []string{want}) {
			t.Errorf("errors =\n%s\nwant\n%s", strings.Join(got, "\n"), want)
		}
		if n := len([]rune(res.Errors[0].Value)); n > maxShownValue+1 {
			t.Errorf("error value has %d characters, want at most %d", n, maxShownValue+1)
		}
	})
	t.Run("configured", func(t *testing.T) {
		res := parseText(t, "p.csv", header+"余姚市,NB-1,2026Q3,50%,十个字以内,十一个字的存在问题说明\n", Options{MaxTextChars: 10})
		want := "p.csv 第2行“存在问题”列的值“十一个字的存在问题说明”共11个字符，超过每格10个字符的上限，请精简到10个字符以内后重新上传"
		if got := issueStrings(res.Errors); !slices.Equal(got, []string{want}) {
			t.Errorf("errors =\n%s\nwant\n%s", strings.Join(got, "\n"), want)
		}
	})
	t.Run("name column", func(t *testing.T) {
		text := "项目编号,里程碑,计划完成日期\nNB-1,十一个字的里程碑名称啊,2026-12-31\n"
		res := parseText(t, "m.csv", text, Options{MaxTextChars: 10})
		if len(res.Errors) != 1 || res.Errors[0].Column != "里程碑" {
			t.Errorf("errors = %q, want one on 里程碑", issueStrings(res.Errors))
		}
	})
	t.Run("no limit", func(t *testing.T) {
		res := parseText(t, "p.csv", header+"余姚市,NB-1,2026Q3,50%,"+long+long+",无\n", Options{MaxTextChars: -1})
		requireNoErrors(t, res)
		if got := res.Batch.Progress[0].Progress; got != long+long {
			t.Errorf("进展情况 has %d characters, want %d", len([]rune(got)), 2*len([]rune(long)))
		}
	})
}

// A line break inside a name cell is an error on the row and column, in
// every dataset that reads names, while free text keeps its line breaks.
func TestRowNameLineBreak(t *testing.T) {
	cases := []struct {
		name, file, text, column string
	}{
		{"roster unit", "u.csv", "单位,单位类别\n\"换行\n单位\",市直部门\n", "单位"},
		{"roster track", "u.csv", "单位,单位类别,赛道\n余姚市,区县（市）,\"第一\r\n赛道\"\n", "赛道"},
		{"project name", "p.csv", "项目编号,项目名称,责任单位\nNB-1,\"城市\n大脑\",余姚市\n", "项目名称"},
		{"milestone", "m.csv", "项目编号,里程碑,计划完成日期\nNB-1,\"上线\n运行\",2026-12-31\n", "里程碑"},
		{"line separator", "m.csv", "项目编号,里程碑,计划完成日期\nNB-1,上线\u2028运行,2026-12-31\n", "里程碑"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			res := parseText(t, c.file, c.text, Options{})
			if len(res.Errors) != 1 {
				t.Fatalf("errors = %q, want one on %s", issueStrings(res.Errors), c.column)
			}
			is := res.Errors[0]
			if is.Column != c.column || is.Row != 2 {
				t.Errorf("error at row %d column %s, want row 2 column %s", is.Row, is.Column, c.column)
			}
			if !strings.Contains(is.Reason, "换行") || !strings.Contains(is.Fix, "Alt+Enter") {
				t.Errorf("error %q, want the line break named and how to remove it", issueStrings(res.Errors))
			}
		})
	}
	t.Run("free text keeps it", func(t *testing.T) {
		text := "单位,项目编号,填报期间,完成率,进展情况\n余姚市,NB-1,2026Q3,50%,\"第一行\n第二行\"\n"
		res := parseText(t, "p.csv", text, Options{})
		requireNoErrors(t, res)
		if got := res.Batch.Progress[0].Progress; got != "第一行\n第二行" {
			t.Errorf("进展情况 = %q, want both lines", got)
		}
	})
}

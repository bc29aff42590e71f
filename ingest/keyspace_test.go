package ingest

import (
	"slices"
	"strings"
	"testing"

	"saima"
)

// A line break, a space or an invisible character inside a code, or
// inside 考评方式, which is read as one, would make it another record key: NB-2026⏎-034 and NB-2026-034
// would be two projects. Each is an error on its row and column that shows
// the line break as ⏎, in every format and in every dataset with a code.
func TestCodeInnerWhitespace(t *testing.T) {
	const fixBreak = "请删除其中的换行（在Excel中是按Alt+Enter输入的）后重新上传"
	const fixSpace = "请删除其中的空格后重新上传"
	const fixInvisible = "请清空这一格，重新输入后上传"
	tests := []struct {
		name, file, text string
		want             []string
	}{
		{"progress, LF", "p.csv",
			"单位,项目编号,填报期间,完成率\n余姚市,\"NB-2026\n-034\",2026Q3,50%\n",
			[]string{"p.csv 第2行“项目编号”列的值“NB-2026⏎-034”中含有换行，与去掉换行后的同一个值对不上，" + fixBreak}},
		{"progress, CRLF and spaces", "p.csv",
			"单位,项目编号,填报期间,完成率\r\n余姚市,\"NB-2026\r\n-034\",2026Q3,50%\r\n余姚市,NB 2026 003,2026Q3,50%\r\n",
			[]string{"p.csv 第2行“项目编号”列的值“NB-2026⏎-034”中含有换行，与去掉换行后的同一个值对不上，" + fixBreak,
				"p.csv 第3行“项目编号”列的值“NB 2026 003”中含有空格，与去掉空格后的同一个值对不上，" + fixSpace}},
		{"projects, space and full-width space", "j.csv",
			"项目编号,项目名称,责任单位\nNB 2026 098,驾驶舱,余姚市\nNB-2026\u3000099,大脑,余姚市\n",
			[]string{"j.csv 第2行“项目编号”列的值“NB 2026 098”中含有空格，与去掉空格后的同一个值对不上，" + fixSpace,
				"j.csv 第3行“项目编号”列的值“NB-2026\u3000099”中含有空格，与去掉空格后的同一个值对不上，" + fixSpace}},
		{"milestones, U+2028", "m.csv",
			"项目编号,里程碑,计划完成日期\nNB-2026\u2028-003,上线,2026-12-01\n",
			[]string{"m.csv 第2行“项目编号”列的值“NB-2026⏎-003”中含有换行，与去掉换行后的同一个值对不上，" + fixBreak}},
		{"assessments, 考评方式 and 项目编号", "s.csv",
			"被考评单位,指标,得分,考评方式,考评期间,项目编号\n余姚市,开工率,9,\"日\n常\",2026Q3,\"NB-1\r-2\"\n",
			[]string{"s.csv 第2行“考评方式”列的值“日⏎常”中含有换行，与去掉换行后的同一个值对不上，" + fixBreak,
				"s.csv 第2行“项目编号”列的值“NB-1⏎-2”中含有换行，与去掉换行后的同一个值对不上，" + fixBreak}},
		{"progress, soft hyphen and zero-width joiner", "p.csv",
			"单位,项目编号,填报期间,完成率\n余姚市,NB-2026\u00ad-034,2026Q3,50%\n余姚市,NB-2026-0\u200d35,2026Q3,50%\n",
			[]string{"p.csv 第2行“项目编号”列的值“NB-2026\u00ad-034”中含有看不见的字符U+00AD（常见于从网页或Word复制的文字），" +
				"与去掉它后的同一个值对不上，" + fixInvisible,
				"p.csv 第3行“项目编号”列的值“NB-2026-0\u200d35”中含有看不见的字符U+200D（常见于从网页或Word复制的文字），" +
					"与去掉它后的同一个值对不上，" + fixInvisible}},
		{"roster, 单位代码 with a tab", "u.csv",
			"单位,单位类别,单位代码\n余姚市,区县（市）,3302\t81\n",
			[]string{"u.csv 第2行“单位代码”列的值“3302\t81”中含有空格，与去掉空格后的同一个值对不上，" + fixSpace}},
		{"problems, 问题编号", "q.csv",
			"问题编号,单位,发现日期\n\"WT\n8\",余姚市,2026-09-01\n",
			[]string{"q.csv 第2行“问题编号”列的值“WT⏎8”中含有换行，与去掉换行后的同一个值对不上，" + fixBreak}},
		{"lists, 事项编号", "l.csv",
			"清单名称,事项编号,事项名称,责任单位,完成时限\n重大需求,\"A\n1\",接入,余姚市,2026-12-31\n",
			[]string{"l.csv 第2行“事项编号”列的值“A⏎1”中含有换行，与去掉换行后的同一个值对不上，" + fixBreak}},
		{"JSON, U+2029", "p.json",
			`[{"单位": "余姚市", "项目编号": "NB-2026` + "\u2029" + `-034", "填报期间": "2026Q3", "完成率": "50%"}]`,
			[]string{"p.json 第1行“项目编号”列的值“NB-2026⏎-034”中含有换行，与去掉换行后的同一个值对不上，" + fixBreak}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res := parseText(t, tt.file, tt.text, Options{})
			if got := issueStrings(res.Errors); !slices.Equal(got, tt.want) {
				t.Errorf("errors =\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(tt.want, "\n"))
			}
		})
	}
}

// The same in an XLSX cell, where Alt+Enter stores a line feed and Excel
// writes a carriage return as _x000D_.
func TestXLSXCodeLineBreak(t *testing.T) {
	sheet := testSheet{name: "进度", rows: []string{
		row(1, progressHeaderCells...),
		row(2, text("余姚市"), text("NB-2026\n-034"), text("改造"), text("2026Q3"), text("50%")),
		row(3, text("余姚市"), text("NB-2026_x000D_-035"), text("改造"), text("2026Q3"), text("50%")),
	}}
	res := parseWorkbook(t, newTestWorkbook(sheet), Options{})
	want := []string{
		"t.xlsx 工作表“进度”第2行“项目编号”列的值“NB-2026⏎-034”中含有换行，与去掉换行后的同一个值对不上，请删除其中的换行（在Excel中是按Alt+Enter输入的）后重新上传",
		"t.xlsx 工作表“进度”第3行“项目编号”列的值“NB-2026⏎-035”中含有换行，与去掉换行后的同一个值对不上，请删除其中的换行（在Excel中是按Alt+Enter输入的）后重新上传",
	}
	if got := issueStrings(res.Errors); !slices.Equal(got, want) {
		t.Errorf("errors =\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}

// A code with a line break gets its own error, not the warning that the
// code is not in the ledger, which showed the line break as a space.
func TestCodeLineBreakNotLedgerWarning(t *testing.T) {
	res := parseText(t, "p.csv", "单位,项目编号,填报期间,完成率\n余姚市,\"NB-2026-\n200\",2026Q3,50%\n",
		faultLedger(""))
	want := []string{"p.csv 第2行“项目编号”列的值“NB-2026-⏎200”中含有换行，与去掉换行后的同一个值对不上，请删除其中的换行（在Excel中是按Alt+Enter输入的）后重新上传"}
	if got := issueStrings(res.Errors); !slices.Equal(got, want) {
		t.Errorf("errors = %q, want %q", got, want)
	}
	if len(res.Warnings) != 0 {
		t.Errorf("warnings = %q, want none", issueStrings(res.Warnings))
	}
}

// Whitespace inside an enumerated cell, a period or a unit name is folded:
// each reads as the one option, period or roster unit it spells, so it
// cannot make a second record key.
func TestKeyWhitespaceFolded(t *testing.T) {
	res := parseText(t, "p.csv", "单位,项目编号,填报期间,完成率\n\"余姚\n市\",NB-1,\"2026\nQ3\",50%\n", Options{})
	requireNoErrors(t, res)
	if got := progressLines(res.Batch.Progress); len(got) != 1 || !strings.HasPrefix(got[0], "余姚市|NB-1||2026Q3|50|") {
		t.Errorf("records = %q, want 余姚市, NB-1, 2026Q3", got)
	}

	res = parseText(t, "s.csv", "项目编号,阶段,日期\nNB-1,\""+saima.Stages[0][:3]+"\n"+saima.Stages[0][3:]+"\",2026-09-01\n", Options{})
	requireNoErrors(t, res)
	if got := res.Batch.Stages; len(got) != 1 || got[0].Stage != saima.Stages[0] {
		t.Errorf("stages = %+v, want one of stage %s", got, saima.Stages[0])
	}
}

// shortValue shows every kind of line break as ⏎, so that a message never
// shows one as a space.
func TestShortValueLineBreaks(t *testing.T) {
	got := shortValue("a\r\nb\nc\rd\u2028e\u2029f\vg\fh\u0085i")
	if want := "a⏎b⏎c⏎d⏎e⏎f⏎g⏎h⏎i"; got != want {
		t.Errorf("shortValue = %q, want %q", got, want)
	}
}

// A line break between the items of a list cell (Alt+Enter in Excel)
// separates them as 、 does, and blank items are dropped. An alias so
// written resolves a later upload's unit name.
func TestListLineBreakSeparates(t *testing.T) {
	roster := "单位,单位类别,别名\n" +
		"宁波市海曙区,区县（市）,\"海曙区政府\n海曙区人民政府\"\n" +
		"余姚市,区县（市）,\"余姚市政府\r\n\r\n余姚市人民政府\u2028姚江\"\n"
	res := parseText(t, "u.csv", roster, Options{})
	requireNoErrors(t, res)
	var got [][]string
	for _, u := range res.Batch.Units {
		got = append(got, u.Aliases)
	}
	want := [][]string{{"海曙区政府", "海曙区人民政府"}, {"余姚市政府", "余姚市人民政府", "姚江"}}
	if !slices.EqualFunc(got, want, slices.Equal) {
		t.Fatalf("aliases = %q, want %q", got, want)
	}

	res = parseText(t, "p.csv", "单位,项目编号,填报期间,完成率\n海曙区人民政府,NB-1,2026Q3,50%\n姚江,NB-2,2026Q3,60%\n",
		Options{Roster: res.Batch.Units})
	requireNoErrors(t, res)
	if got := progressLines(res.Batch.Progress); len(got) != 2 ||
		!strings.HasPrefix(got[0], "宁波市海曙区|NB-1|") || !strings.HasPrefix(got[1], "余姚市|NB-2|") {
		t.Errorf("records = %q, want 宁波市海曙区 and 余姚市 by their aliases", got)
	}

	res = parseText(t, "j.csv", "项目编号,项目名称,责任单位,所属清单\nNB-1,驾驶舱,余姚市,\"重大需求\n场景应用\"\n", Options{})
	requireNoErrors(t, res)
	if got := res.Batch.Projects[0].Lists; !slices.Equal(got, []string{"重大需求", "场景应用"}) {
		t.Errorf("所属清单 = %q, want 重大需求 and 场景应用", got)
	}
}

// The same in an XLSX cell and in a JSON string.
func TestListLineBreakXLSXAndJSON(t *testing.T) {
	sheet := testSheet{name: "项目台账", rows: []string{
		row(1, text("项目编号"), text("项目名称"), text("责任单位"), text("所属清单")),
		row(2, text("NB-1"), text("驾驶舱"), text("余姚市"), text("重大需求\n场景应用")),
		row(3, text("NB-2"), text("大脑"), text("余姚市"), text("重大改革_x000D_\n专项清单")),
	}}
	res := parseWorkbook(t, newTestWorkbook(sheet), Options{})
	requireNoErrors(t, res)
	want := [][]string{{"重大需求", "场景应用"}, {"重大改革", "专项清单"}}
	var got [][]string
	for _, p := range res.Batch.Projects {
		got = append(got, p.Lists)
	}
	if !slices.EqualFunc(got, want, slices.Equal) {
		t.Errorf("XLSX 所属清单 = %q, want %q", got, want)
	}

	res = parseText(t, "u.json", `[{"单位": "余姚市", "单位类别": "区县（市）", "别名": "余姚市政府\n余姚市人民政府"}]`, Options{})
	requireNoErrors(t, res)
	if got := res.Batch.Units[0].Aliases; !slices.Equal(got, []string{"余姚市政府", "余姚市人民政府"}) {
		t.Errorf("JSON 别名 = %q, want two aliases", got)
	}
}

// 项目名称 is a name in 进度填报 too, as in the ledger: a line break in it
// is an error that shows where it is, in CSV, XLSX and JSON.
func TestProgressProjectNameLineBreak(t *testing.T) {
	const tail = "名称中含有换行，请删除单元格中的换行（在Excel中是按Alt+Enter输入的）后重新上传"
	res := parseText(t, "p.csv", "单位,项目编号,项目名称,填报期间,完成率\n"+
		"余姚市,NB-1,\"江北区智慧停车\n平台建设\",2026Q3,50%\n"+
		"余姚市,NB-2,\"鄞州区\r\n改造\",2026Q3,50%\n"+
		"余姚市,NB-3,北仑区港区\u2028数字孪生平台,2026Q3,50%\n", Options{})
	want := []string{
		"p.csv 第2行“项目名称”列的值“江北区智慧停车⏎平台建设”" + tail,
		"p.csv 第3行“项目名称”列的值“鄞州区⏎改造”" + tail,
		"p.csv 第4行“项目名称”列的值“北仑区港区⏎数字孪生平台”" + tail,
	}
	if got := issueStrings(res.Errors); !slices.Equal(got, want) {
		t.Errorf("CSV errors =\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}

	sheet := testSheet{name: "进度", rows: []string{
		row(1, progressHeaderCells...),
		row(2, text("余姚市"), text("NB-1"), text("鄞州区_x000D_\n改造"), text("2026Q3"), text("50%")),
	}}
	res = parseWorkbook(t, newTestWorkbook(sheet), Options{})
	want = []string{"t.xlsx 工作表“进度”第2行“项目名称”列的值“鄞州区⏎改造”" + tail}
	if got := issueStrings(res.Errors); !slices.Equal(got, want) {
		t.Errorf("XLSX errors = %q, want %q", got, want)
	}

	res = parseText(t, "p.json", `[{"单位": "余姚市", "项目编号": "NB-1", "项目名称": "智慧\n停车", "填报期间": "2026Q3", "完成率": "50%"}]`, Options{})
	want = []string{"p.json 第1行“项目名称”列的值“智慧⏎停车”" + tail}
	if got := issueStrings(res.Errors); !slices.Equal(got, want) {
		t.Errorf("JSON errors = %q, want %q", got, want)
	}
}

// A placeholder in 进度填报's optional 项目名称 reads as blank with a
// warning, as in the ledger's other optional names.
func TestProgressProjectNamePlaceholder(t *testing.T) {
	res := parseText(t, "p.csv", "单位,项目编号,项目名称,填报期间,完成率\n余姚市,NB-1,/,2026Q3,50%\n", Options{})
	requireNoErrors(t, res)
	want := []string{"p.csv 第2行“项目名称”列的值“/”表示未填写，按空白处理，如果已有项目名称，请填写；没有请留空"}
	if got := issueStrings(res.Warnings); !slices.Equal(got, want) {
		t.Errorf("warnings = %q, want %q", got, want)
	}
	if got := res.Batch.Progress[0].ProjectName; got != "" {
		t.Errorf("项目名称 = %q, want blank", got)
	}
}

// A two-digit year reads as 20yy. When the date it gives is after the
// upload day, the error gives the year as read and asks for four
// digits, since the clerk may have meant 1999.
func TestTwoDigitYearInFuture(t *testing.T) {
	res := parseText(t, "p.csv", "单位,项目编号,填报期间,完成率,填报日期\n余姚市,NB-1,2026Q3,50%,99年9月30日\n余姚市,NB-2,2026Q3,50%,26年9月30日\n", Options{})
	want := []string{"p.csv 第2行“填报日期”列的值“99年9月30日”的年份只有两位，按2099年读作2099-09-30，晚于上传当天（2026-10-15），实际发生的日期不能在将来，" +
		"请写出四位年份，并填写实际填报进度的日期，即今天或之前的某一天"}
	if got := issueStrings(res.Errors); !slices.Equal(got, want) {
		t.Errorf("errors = %q, want %q", got, want)
	}

	res = parseText(t, "m.csv", "项目编号,里程碑,计划完成日期,实际完成日期\nNB-1,上线,2026-09-01,\"２７年 1月 2日 08:00\"\n", Options{})
	want = []string{"m.csv 第2行“实际完成日期”列的值“２７年 1月 2日 08:00”的年份只有两位，按2027年读作2027-01-02，晚于上传当天（2026-10-15），实际发生的日期不能在将来，" +
		"请写出四位年份，并填写里程碑实际完成的日期；尚未完成的请留空"}
	if got := issueStrings(res.Errors); !slices.Equal(got, want) {
		t.Errorf("errors = %q, want %q", got, want)
	}
}

// TestTwoDigitYearFarAhead checks the warning for a two-digit year in a
// column that may lie in the future, read as 20yy more than ten years
// after the upload day: the row imports, and the warning gives the date
// as read.
func TestTwoDigitYearFarAhead(t *testing.T) {
	res := parseText(t, "m.csv", "项目编号,里程碑,计划完成日期,实际完成日期\nNB-1,上线,99年9月30日,\nNB-2,验收,27年6月30日,\n", Options{})
	requireNoErrors(t, res)
	want := []string{"m.csv 第2行“计划完成日期”列的值“99年9月30日”的年份只有两位，按2099年读作2099-09-30，比上传当天（2026-10-15）晚十年以上，" +
		"如果不是这一年，请写出四位年份后重新上传"}
	if got := issueStrings(res.Warnings); !slices.Equal(got, want) {
		t.Errorf("warnings = %q, want %q", got, want)
	}
}

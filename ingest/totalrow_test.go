package ingest

import (
	"slices"
	"strings"
	"testing"
)

// A total row under the data (合计, 总计, 小计) is no record. It is left
// out with one warning that names it, instead of an error for each of its
// blank required cells, in progress and in score files.
func TestTotalRowSkipped(t *testing.T) {
	res := parseText(t, "p.csv", "单位,项目编号,项目名称,填报期间,完成率\n"+
		"余姚市,NB-1,改造,2026Q3,60%\n余姚市,NB-2,大脑,2026Q3,80%\n合计,,,,70%\n\"总 计\",,,,\n", Options{})
	requireNoErrors(t, res)
	want := []string{
		"p.csv 第4行是“合计”行，不是一条记录，未导入，如果这一行其实是一条记录，请填写单位、项目编号、填报期间后重新上传",
		"p.csv 第5行是“总 计”行，不是一条记录，未导入，如果这一行其实是一条记录，请填写单位、项目编号、填报期间后重新上传",
	}
	if got := issueStrings(res.Warnings); !slices.Equal(got, want) {
		t.Errorf("warnings =\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	if got := progressLines(res.Batch.Progress); len(got) != 2 {
		t.Errorf("records = %q, want the 2 rows above the totals", got)
	}

	res = parseText(t, "s.csv", "被考评单位,指标,得分,考评方式,考评期间\n余姚市,开工率,9,日常,2026Q3\n小计：,,9,,\n", Options{})
	requireNoErrors(t, res)
	want = []string{"s.csv 第3行是“小计：”行，不是一条记录，未导入，如果这一行其实是一条记录，请填写被考评单位、指标、考评方式、考评期间后重新上传"}
	if got := issueStrings(res.Warnings); !slices.Equal(got, want) {
		t.Errorf("warnings = %q, want %q", got, want)
	}
}

// In an XLSX the label is often in the 序号 column, which no dataset
// reads, and the total is a formula, whose cached value may be an error
// such as #DIV/0!. The row is still left out with the one warning.
func TestXLSXTotalRowSkipped(t *testing.T) {
	header := append([]func(string) string{text("序号")}, progressHeaderCells...)
	sheet := testSheet{name: "进度填报", rows: []string{
		row(1, header...),
		row(2, number("1", 0), text("余姚市"), text("NB-1"), text("改造"), text("2026Q3"), text("60%")),
		row(4, text("合计"), text(""), text(""), text(""), text(""), formula("AVERAGE(F2:F3)", "0.6", stylePercent0)),
		row(5, text("小计"), nil, nil, nil, nil, func(ref string) string {
			return `<c r="` + ref + `" t="e"><f>F2/0</f><v>#DIV/0!</v></c>`
		}),
	}}
	res := parseWorkbook(t, newTestWorkbook(sheet), Options{})
	requireNoErrors(t, res)
	want := []string{
		"t.xlsx 工作表“进度填报”第4行是“合计”行，不是一条记录，未导入，如果这一行其实是一条记录，请填写单位、项目编号、填报期间后重新上传",
		"t.xlsx 工作表“进度填报”第5行是“小计”行，不是一条记录，未导入，如果这一行其实是一条记录，请填写单位、项目编号、填报期间后重新上传",
	}
	if got := issueStrings(res.Warnings); !slices.Equal(got, want) {
		t.Errorf("warnings =\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	if len(res.Batch.Progress) != 1 {
		t.Errorf("records = %q, want the one row above the totals", progressLines(res.Batch.Progress))
	}
}

// A record whose 进展情况 is 合计, with every required cell filled, is
// read as a record, with no warning.
func TestTotalWordInRecord(t *testing.T) {
	res := parseText(t, "p.csv", "单位,项目编号,项目名称,填报期间,完成率,进展情况\n余姚市,NB-1,改造,2026Q3,60%,合计\n", Options{})
	requireNoErrors(t, res)
	if len(res.Warnings) != 0 || len(res.Batch.Progress) != 1 {
		t.Errorf("warnings = %q, records = %d, want none and 1", issueStrings(res.Warnings), len(res.Batch.Progress))
	}
}

// The signature and note lines under a report form's table (填表人,
// 联系电话, 注) are no records. Each is left out with one warning, and a
// record whose unit cell merely starts with such a word still gets its
// errors.
func TestFooterRowSkipped(t *testing.T) {
	res := parseText(t, "p.csv", "单位,项目编号,项目名称,填报期间,完成率\n"+
		"余姚市,NB-1,改造,2026Q3,60%\n"+
		"填表人：张三,,审核人：李四,,联系电话：87654321\n"+
		"\"注：完成率按累计填写\",,,,\n", Options{})
	requireNoErrors(t, res)
	want := []string{
		"p.csv 第3行是表尾的“填表人：张三”，不是一条记录，未导入，如果这一行其实是一条记录，请按表头各列填写后重新上传",
		"p.csv 第4行是表尾的“注：完成率按累计填写”，不是一条记录，未导入，如果这一行其实是一条记录，请按表头各列填写后重新上传",
	}
	if got := issueStrings(res.Warnings); !slices.Equal(got, want) {
		t.Errorf("warnings =\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	if got := progressLines(res.Batch.Progress); len(got) != 1 {
		t.Errorf("records = %q, want the 1 row above the footer", got)
	}

	res = parseText(t, "p.csv", "单位,项目编号,项目名称,填报期间,完成率\n"+
		"填表人：张三,NB-1,改造,2026Q3,60%\n", Options{})
	if len(res.Errors) == 0 {
		t.Errorf("errors = none, want an unknown-unit error for a row with every required cell")
	}
}

// Report forms also label the row with its scope, with a note in
// brackets, or as the average of the percents, and it is still no record.
func TestTotalRowLabelVariants(t *testing.T) {
	labels := []string{"全区合计", "全市总计：", "合计（2个项目）", "平均", "平均值", "全区平均", "均值"}
	text := "单位,项目编号,项目名称,填报期间,完成率\n余姚市,NB-1,改造,2026Q3,60%\n余姚市,NB-2,大脑,2026Q3,80%\n"
	for _, l := range labels {
		text += l + ",,,2026Q3,70%\n"
	}
	res := parseText(t, "p.csv", text, Options{})
	requireNoErrors(t, res)
	if len(res.Warnings) != len(labels) {
		t.Errorf("warnings = %q, want one per label", issueStrings(res.Warnings))
	}
	for i, w := range res.Warnings {
		if want := "是“" + labels[i] + "”行"; !strings.Contains(w.Reason, want) {
			t.Errorf("warning %q, want reason %s", w.String(), want)
		}
	}
	if got := progressLines(res.Batch.Progress); len(got) != 2 {
		t.Errorf("records = %q, want the 2 rows above the totals", got)
	}

	// A unit whose name ends in such a word is not a label.
	res = parseText(t, "p.csv", "单位,项目编号,项目名称,填报期间,完成率\n宁波市平均区,,改造,2026Q3,60%\n", Options{})
	if len(res.Warnings) != 0 || len(res.Errors) != 2 {
		t.Errorf("errors %q, warnings %q; want the unknown unit and the blank code", issueStrings(res.Errors), issueStrings(res.Warnings))
	}
}

// A county's own form may have a row of fill-in hints under its header.
// It is no record and is left out with one warning. A row with one hint
// among values is still read and checked.
func TestHintRowSkipped(t *testing.T) {
	const header = "单位,项目编号,项目名称,填报期间,完成率\n"
	res := parseText(t, "p.csv", header+"必填,必填,（选填）,必填,\"必填，填百分数\"\n余姚市,NB-1,改造,2026Q3,60%\n", Options{})
	requireNoErrors(t, res)
	want := []string{"p.csv 第2行是各列的填写说明（如“必填”），不是一条记录，未导入，如果这一行其实是一条记录，请按表头各列填写后重新上传"}
	if got := issueStrings(res.Warnings); !slices.Equal(got, want) {
		t.Errorf("warnings = %q, want %q", got, want)
	}
	if got := progressLines(res.Batch.Progress); len(got) != 1 {
		t.Errorf("records = %q, want the one row under the hints", got)
	}

	res = parseText(t, "p.csv", header+"余姚市,NB-1,必填,2026Q3,必填\n", Options{})
	if len(res.Warnings) != 0 || len(res.Errors) != 1 || res.Errors[0].Column != "完成率" {
		t.Errorf("errors %q, warnings %q; want one error on 完成率", issueStrings(res.Errors), issueStrings(res.Warnings))
	}
}

package ingest

import (
	"bytes"
	"maps"
	"slices"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"saima"
)

func writeTemplate(tb testing.TB, dataset string, roster []saima.Unit) []byte {
	tb.Helper()
	var buf bytes.Buffer
	if err := WriteTemplate(&buf, dataset, roster, uploadDay); err != nil {
		tb.Fatalf("WriteTemplate(%s) error: %v", dataset, err)
	}
	return buf.Bytes()
}

func TestTemplateImportsBack(t *testing.T) {
	for _, s := range schemas {
		dataset := s.dataset
		t.Run(dataset, func(t *testing.T) {
			file := writeTemplate(t, dataset, testRoster)
			res := parseText(t, dataset+".xlsx", string(file), Options{})
			requireNoErrors(t, res)
			if res.Dataset != dataset || res.Rows != 1 || res.Batch.Len() != 1 {
				t.Errorf("dataset, rows, records = %s, %d, %d, want %s, 1, 1", res.Dataset, res.Rows, res.Batch.Len(), dataset)
			}
			if len(res.Warnings) != 0 {
				t.Errorf("warnings = %q, want none", issueStrings(res.Warnings))
			}
		})
	}
}

// TestTemplateFilledIn fills the example row of the progress template as
// a unit would in Excel, typing a fraction into the percent cell and a
// date serial into the date cell, and adds a second row.
func TestTemplateFilledIn(t *testing.T) {
	f, err := excelize.OpenReader(bytes.NewReader(writeTemplate(t, saima.DatasetProgress, testRoster)))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	header, err := f.GetRows("进度填报")
	if err != nil {
		t.Fatal(err)
	}
	col := func(name string) string {
		i := slices.Index(header[0], name)
		if i < 0 {
			t.Fatalf("template has no column %s: %q", name, header[0])
		}
		return columnLetter(i)
	}
	set := func(cell string, v any) {
		if err := f.SetCellValue("进度填报", cell, v); err != nil {
			t.Fatal(err)
		}
	}
	set(col("单位")+"2", "宁海县")
	set(col("项目编号")+"2", "NB-2026-777")
	set(col("完成率")+"2", 0.6)
	set(col("填报日期")+"2", excelSerial(saima.NewDate(2026, 9, 30)))
	set(col("单位")+"3", "余姚")
	set(col("项目编号")+"3", "NB-2026-778")
	set(col("填报期间")+"3", "2026年第三季度")
	set(col("完成率")+"3", "75%")
	var buf bytes.Buffer
	if _, err := f.WriteTo(&buf); err != nil {
		t.Fatal(err)
	}

	res := parseText(t, "filled.xlsx", buf.String(), Options{})
	requireNoErrors(t, res)
	got := progressLines(res.Batch.Progress)
	want := []string{
		"宁海县|NB-2026-777|城市大脑驾驶舱|2026Q4|60|2026-09-30|完成需求调研，进入开发阶段|无",
		"余姚市|NB-2026-778||2026Q3|75|nil||",
	}
	if !slices.Equal(got, want) {
		t.Errorf("records =\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}

func TestTemplateLayout(t *testing.T) {
	f, err := excelize.OpenReader(bytes.NewReader(writeTemplate(t, saima.DatasetProjects, testRoster)))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()

	if got := f.GetSheetList(); !slices.Equal(got, []string{"项目台账", optionsSheet}) {
		t.Errorf("sheets = %q, want the data sheet and the options sheet", got)
	}
	if visible, _ := f.GetSheetVisible(optionsSheet); visible {
		t.Errorf("options sheet is visible, want it hidden")
	}

	comments, err := f.GetComments("项目台账")
	if err != nil {
		t.Fatal(err)
	}
	schema := schemaFor(saima.DatasetProjects)
	if len(comments) != len(schema.columns)-1 {
		t.Errorf("header comments = %d, want one per column but 序号 (%d)", len(comments), len(schema.columns)-1)
	}
	for _, c := range comments {
		text := c.Text
		for _, run := range c.Paragraph {
			text += run.Text
		}
		if c.Cell == "A1" && (!strings.Contains(text, "必填") || !strings.Contains(text, "code")) {
			t.Errorf("comment on 项目编号 = %q, want it required with its field name", text)
		}
	}

	header, err := f.GetRows("项目台账")
	if err != nil {
		t.Fatal(err)
	}
	validations, err := f.GetDataValidations("项目台账")
	if err != nil {
		t.Fatal(err)
	}
	// Unit columns list the roster; 牵头单位 takes other bodies too and has
	// no list.
	wantLists := map[string]int{"责任单位": len(testRoster), "所属系统": len(saima.Systems), "项目层级": 3,
		"项目类型": 2, "批次": 3, "是否领导领衔": 2}
	got := map[string]int{}
	for _, dv := range validations {
		from, _, _ := strings.Cut(dv.Sqref, ":")
		name := header[0][cellColumn(from, 0)-1]
		if dv.Type != "list" || !strings.HasPrefix(dv.Formula1, "'选项'!") || !strings.HasSuffix(dv.Sqref, "10001") {
			t.Errorf("drop-down on %s = %+v, want a list from the options sheet down to row 10001", name, dv)
		}
		got[name] = cellRow(dv.Formula1[strings.LastIndex(dv.Formula1, "$")+1:]) - 1
	}
	if !maps.Equal(got, wantLists) {
		t.Errorf("drop-down lengths = %v, want %v", got, wantLists)
	}

	styleOf := func(cell string) *excelize.Style {
		id, err := f.GetCellStyle("项目台账", cell)
		if err != nil {
			t.Fatal(err)
		}
		st, err := f.GetStyle(id)
		if err != nil {
			t.Fatal(err)
		}
		return st
	}
	if st := styleOf("N5"); st.CustomNumFmt == nil || *st.CustomNumFmt != "yyyy-mm-dd" {
		t.Errorf("计划完成日期 cell format = %+v, want yyyy-mm-dd", st)
	}
}

func TestTemplatePercentFormat(t *testing.T) {
	f, err := excelize.OpenReader(bytes.NewReader(writeTemplate(t, saima.DatasetProgress, nil)))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	for _, cell := range []string{"E2", "E500"} {
		id, err := f.GetCellStyle("进度填报", cell)
		if err != nil {
			t.Fatal(err)
		}
		st, _ := f.GetStyle(id)
		if st.NumFmt != 10 {
			t.Errorf("完成率 %s number format = %d, want 10 (0.00%%)", cell, st.NumFmt)
		}
	}
	// Without a roster there is no unit drop-down and no example unit.
	validations, _ := f.GetDataValidations("进度填报")
	if len(validations) != 0 {
		t.Errorf("drop-downs = %+v, want none for a template without a roster", validations)
	}
	if v, _ := f.GetCellValue("进度填报", "A2"); v != "" {
		t.Errorf("example unit = %q, want empty without a roster", v)
	}
}

func TestTemplateUnknownDataset(t *testing.T) {
	err := WriteTemplate(&bytes.Buffer{}, "budgets", nil, uploadDay)
	if saima.ErrorKind(err) != saima.KindInvalid || !strings.HasPrefix(saima.ErrorMessage(err), "不支持的数据类型“budgets”") {
		t.Errorf("WriteTemplate(budgets) error = %v, want kind invalid", err)
	}
}

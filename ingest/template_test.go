package ingest

import (
	"bytes"
	"cmp"
	"encoding/csv"
	"fmt"
	"maps"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

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

// withoutExampleMark returns the template file with the defined name and
// the cell that mark its example row deleted, so the example reads as
// data.
func withoutExampleMark(tb testing.TB, file []byte) []byte {
	tb.Helper()
	f, err := excelize.OpenReader(bytes.NewReader(file))
	if err != nil {
		tb.Fatal(err)
	}
	defer f.Close()
	clearExampleCell(tb, f)
	deleted := 0
	for _, n := range f.GetDefinedName() {
		if strings.HasPrefix(n.Name, exampleNamePrefix) {
			if err := f.DeleteDefinedName(&excelize.DefinedName{Name: n.Name, Scope: n.Scope}); err != nil {
				tb.Fatal(err)
			}
			deleted++
		}
	}
	if deleted != 1 {
		tb.Fatalf("template has %d example marks, want 1", deleted)
	}
	var buf bytes.Buffer
	if _, err := f.WriteTo(&buf); err != nil {
		tb.Fatal(err)
	}
	return buf.Bytes()
}

// clearExampleCell empties the cell right of the example row of the
// first sheet of f, which holds exampleCellText.
func clearExampleCell(tb testing.TB, f *excelize.File) {
	tb.Helper()
	sheet := f.GetSheetName(0)
	rows, err := f.GetRows(sheet)
	if err != nil {
		tb.Fatal(err)
	}
	last := len(rows[1]) - 1
	if !strings.HasPrefix(rows[1][last], exampleCellText) {
		tb.Fatalf("last cell of row 2 = %q, want the example mark %q", rows[1][last], exampleCellText)
	}
	if err := f.SetCellStr(sheet, columnLetter(last)+"2", ""); err != nil {
		tb.Fatal(err)
	}
}

// TestTemplateExampleSkipped uploads each template as downloaded: its
// example row is left out with a warning, and the file, with nothing else
// in it, is rejected for having no data.
func TestTemplateExampleSkipped(t *testing.T) {
	for _, s := range schemas {
		dataset := s.dataset
		t.Run(dataset, func(t *testing.T) {
			res := parseText(t, dataset+".xlsx", string(writeTemplate(t, dataset, testRoster)), Options{})
			if res.Batch.Len() != 0 {
				t.Errorf("records = %d, want 0", res.Batch.Len())
			}
			errs, warns := issueStrings(res.Errors), issueStrings(res.Warnings)
			if len(errs) != 1 || !strings.Contains(errs[0], "第1行之后只有下载模板中的示例行（第2行，内容没有改动），没有实际数据") {
				t.Errorf("errors = %q, want one naming the unedited example row", errs)
			}
			if len(warns) != 0 {
				t.Errorf("warnings = %q, want none besides the error", warns)
			}
		})
	}
}

// saveAsCSV returns the first sheet of an XLSX file as a spreadsheet
// program saves it as CSV: each cell's displayed text, with every row
// padded to the width of the used range, and no defined names.
func saveAsCSV(tb testing.TB, file []byte) string {
	tb.Helper()
	f, err := excelize.OpenReader(bytes.NewReader(file))
	if err != nil {
		tb.Fatal(err)
	}
	defer f.Close()
	rows, err := f.GetRows(f.GetSheetName(0))
	if err != nil {
		tb.Fatal(err)
	}
	width := 0
	for _, row := range rows {
		width = max(width, len(row))
	}
	var b strings.Builder
	w := csv.NewWriter(&b)
	for _, row := range rows {
		if err := w.Write(append(row, make([]string, width-len(row))...)); err != nil {
			tb.Fatal(err)
		}
	}
	w.Flush()
	return b.String()
}

// TestTemplateSavedAsCSV uploads each template saved as CSV, which drops
// the defined name that marks the example row: the example row is still
// recognised, by the check code of its values in its mark cell.
func TestTemplateSavedAsCSV(t *testing.T) {
	for _, s := range schemas {
		dataset := s.dataset
		t.Run(dataset, func(t *testing.T) {
			text := saveAsCSV(t, writeTemplate(t, dataset, testRoster))
			res := parseText(t, dataset+".csv", text, Options{})
			if res.Batch.Len() != 0 {
				t.Errorf("records = %d, want 0", res.Batch.Len())
			}
			errs, warns := issueStrings(res.Errors), issueStrings(res.Warnings)
			if len(errs) != 1 || !strings.Contains(errs[0], "之后只有下载模板中的示例行（第2行，内容没有改动），没有实际数据") {
				t.Errorf("errors = %q, want one naming the unchanged example row 2 and the lack of data", errs)
			}
			if len(warns) != 0 {
				t.Errorf("warnings = %q, want none besides the error", warns)
			}
		})
	}

	// A clerk types real data over the example row and adds a row below,
	// but leaves the mark: the values differ from the example's, so both
	// rows import, with a warning that names the mark cell.
	t.Run("edited example with its mark", func(t *testing.T) {
		file := editTemplate(t, func(f *excelize.File, sheet string) {
			setRow(t, f, sheet, "A2", "宁海县", "NB-2026-900", "", "2026Q3", "40%")
			setRow(t, f, sheet, "A3", "宁海县", "NB-2026-901", "", "2026Q3", "10%")
		})
		res := parseText(t, "edited.csv", saveAsCSV(t, file), Options{})
		requireNoErrors(t, res)
		if got := reportCodes(res.Batch.Progress); got != "NB-2026-900,NB-2026-901" {
			t.Errorf("records = %s, want NB-2026-900 and NB-2026-901", got)
		}
		warns := issueStrings(res.Warnings)
		if len(warns) != 1 || !strings.Contains(warns[0], "第2行") || !strings.Contains(warns[0], "I2") ||
			!strings.Contains(warns[0], "已作为实际数据导入") {
			t.Errorf("warnings = %q, want one that row 2 imported and that names the mark cell I2", warns)
		}
	})

	// A spreadsheet program rewrites the example's date and percent when
	// it saves. The values stay those of the example, so it is skipped.
	t.Run("example reformatted", func(t *testing.T) {
		text := saveAsCSV(t, writeTemplate(t, saima.DatasetProgress, testRoster))
		text = strings.Replace(text, ",85.00%,2026-10-15,", ",0.85,2026/10/15,", 1)
		if !strings.Contains(text, ",0.85,2026/10/15,") {
			t.Fatalf("example row has no 85%% of 2026-10-15 to rewrite:\n%s", text)
		}
		text += "宁海县,NB-2026-900,,2026Q3,40%,,,,\n"
		res := parseText(t, "reformatted.csv", text, Options{})
		requireNoErrors(t, res)
		if got := reportCodes(res.Batch.Progress); got != "NB-2026-900" {
			t.Errorf("records = %s, want NB-2026-900 alone", got)
		}
		warns := issueStrings(res.Warnings)
		if len(warns) != 1 || !strings.Contains(warns[0], "第2行是下载模板中的示例行，内容没有改动") {
			t.Errorf("warnings = %q, want one for the example row 2", warns)
		}
	})

	// A template downloaded before the mark carried the example's check
	// code: the mark alone decides, as it did then.
	t.Run("mark without check code", func(t *testing.T) {
		text := "单位,项目编号,项目名称,填报期间,完成率,填报日期,进展情况,存在问题,\n宁海县,NB-2026-900,,2026Q3,40%,,,," + exampleCellText + "\n" +
			"宁海县,NB-2026-901,,2026Q3,10%,,,,\n"
		res := parseText(t, "old.csv", text, Options{})
		requireNoErrors(t, res)
		if got := reportCodes(res.Batch.Progress); got != "NB-2026-901" {
			t.Errorf("records = %s, want NB-2026-901 alone", got)
		}
	})

	t.Run("with a data row", func(t *testing.T) {
		file := editTemplate(t, func(f *excelize.File, sheet string) {
			setRow(t, f, sheet, "A3", "宁海县", "NB-2026-900", "", "2026Q3", "40%")
		})
		res := parseText(t, "filled.csv", saveAsCSV(t, file), Options{})
		requireNoErrors(t, res)
		if len(res.Batch.Progress) != 1 || res.Batch.Progress[0].ProjectCode != "NB-2026-900" {
			t.Errorf("records = %+v, want NB-2026-900 of row 3 alone", res.Batch.Progress)
		}
		warns := issueStrings(res.Warnings)
		if len(warns) != 1 || !strings.Contains(warns[0], "第2行是下载模板中的示例行，内容没有改动") {
			t.Errorf("warnings = %q, want one for the example row 2", warns)
		}
	})
}

// TestTemplateImportsBack checks that each template's example row is
// valid data: with its mark removed it imports without errors.
func TestTemplateImportsBack(t *testing.T) {
	for _, s := range schemas {
		dataset := s.dataset
		t.Run(dataset, func(t *testing.T) {
			file := withoutExampleMark(t, writeTemplate(t, dataset, testRoster))
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

// editTemplate opens the progress template, lets edit change it as a
// clerk would in a spreadsheet program, and returns the saved file.
func editTemplate(t *testing.T, edit func(f *excelize.File, sheet string)) []byte {
	t.Helper()
	f, err := excelize.OpenReader(bytes.NewReader(writeTemplate(t, saima.DatasetProgress, testRoster)))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	edit(f, "进度填报")
	var buf bytes.Buffer
	if _, err := f.WriteTo(&buf); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func TestTemplateExampleWithData(t *testing.T) {
	tests := []struct {
		name        string
		edit        func(t *testing.T, f *excelize.File, sheet string)
		dataRow     int // row of NB-2026-900
		exampleRow  int // row of the skipped example; 0 when it imports
		wantRecords int
	}{
		{"row below the example", func(t *testing.T, f *excelize.File, sheet string) {
			setRow(t, f, sheet, "A3", "宁海县", "NB-2026-900", "", "2026Q3", 0.4)
		}, 3, 2, 1},
		{"title row inserted above", func(t *testing.T, f *excelize.File, sheet string) {
			setRow(t, f, sheet, "A3", "宁海县", "NB-2026-900", "", "2026Q3", 0.4)
			if err := f.InsertRows(sheet, 1, 1); err != nil {
				t.Fatal(err)
			}
			if err := f.SetCellStr(sheet, "A1", "2026年第三季度进度填报"); err != nil {
				t.Fatal(err)
			}
		}, 4, 3, 1},
		{"example row deleted", func(t *testing.T, f *excelize.File, sheet string) {
			setRow(t, f, sheet, "A3", "宁海县", "NB-2026-900", "", "2026Q3", 0.4)
			if err := f.RemoveRow(sheet, 2); err != nil {
				t.Fatal(err)
			}
		}, 2, 0, 1},
		{"example row edited", func(t *testing.T, f *excelize.File, sheet string) {
			setRow(t, f, sheet, "A2", "宁海县", "NB-2026-900")
		}, 2, 0, 1},
		{"example row edited and mark cleared", func(t *testing.T, f *excelize.File, sheet string) {
			setRow(t, f, sheet, "A2", "宁海县", "NB-2026-900")
			setRow(t, f, sheet, "I2", "")
		}, 2, 0, 1},
		{"sheet sorted so the example moves down", func(t *testing.T, f *excelize.File, sheet string) {
			// What a sort does: row 3 now holds the example and row 2 the
			// data, while the defined name still points at row 2.
			moveRow(t, f, sheet, 2, 3)
			setRow(t, f, sheet, "A2", "宁海县", "NB-2026-900", "", "2026Q3", 0.4)
		}, 2, 3, 1},
		{"spaces added around an example cell", func(t *testing.T, f *excelize.File, sheet string) {
			v, err := f.GetCellValue(sheet, "B2")
			if err != nil {
				t.Fatal(err)
			}
			setRow(t, f, sheet, "B2", " "+v+" ")
			setRow(t, f, sheet, "A3", "宁海县", "NB-2026-900", "", "2026Q3", 0.4)
		}, 3, 2, 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			file := editTemplate(t, func(f *excelize.File, sheet string) { tt.edit(t, f, sheet) })
			res := parseText(t, "filled.xlsx", string(file), Options{})
			requireNoErrors(t, res)
			if got := res.Batch.Len(); got != tt.wantRecords {
				t.Errorf("records = %d, want %d", got, tt.wantRecords)
			}
			if len(res.Batch.Progress) > 0 && res.Batch.Progress[0].ProjectCode != "NB-2026-900" {
				t.Errorf("first record = %s, want NB-2026-900 of row %d", res.Batch.Progress[0].ProjectCode, tt.dataRow)
			}
			warns := issueStrings(res.Warnings)
			markLeft := tt.exampleRow == 0 && strings.Contains(tt.name, "edited") && !strings.Contains(tt.name, "cleared")
			if markLeft && (len(warns) != 1 || !strings.Contains(warns[0], "I2")) {
				t.Errorf("warnings = %q, want one that names the mark cell I2", warns)
			}
			if tt.exampleRow == 0 && !markLeft && len(warns) != 0 {
				t.Errorf("warnings = %q, want none", warns)
			}
			want := fmt.Sprintf("第%d行是下载模板中的示例行", tt.exampleRow)
			if tt.exampleRow > 0 && (len(warns) != 1 || !strings.Contains(warns[0], want)) {
				t.Errorf("warnings = %q, want one containing %s", warns, want)
			}
		})
	}
}

// reportCodes returns the project codes of reports, joined by commas.
func reportCodes(reports []saima.ProgressReport) string {
	codes := make([]string, len(reports))
	for i, r := range reports {
		codes[i] = r.ProjectCode
	}
	return strings.Join(codes, ",")
}

func setRow(t *testing.T, f *excelize.File, sheet, cell string, values ...any) {
	t.Helper()
	if err := f.SetSheetRow(sheet, cell, &values); err != nil {
		t.Fatal(err)
	}
}

func TestFindExample(t *testing.T) {
	names := []definedName{
		{name: "Print_Area", refersTo: "'进度填报'!$A$1:$H$9"},
		{name: exampleNamePrefix + "00ff", refersTo: "'其他'!$A$2:$H$2"},
		{name: exampleNamePrefix + "AB12", refersTo: "'王''s 表'!$A$5:$H$5"},
		{name: exampleNamePrefix + "cd34", refersTo: "进度填报!A7:H7"},
		{name: exampleNamePrefix + "ef56", refersTo: "#REF!"},
	}
	tests := []struct {
		sheet string
		row   int
		mark  string
	}{
		{"王's 表", 5, "ab12"},
		{"进度填报", 7, "cd34"},
		{"其他", 2, "00ff"},
		{"没有", 0, ""},
	}
	for _, tt := range tests {
		row, mark := findExample(names, tt.sheet)
		if row != tt.row || mark != tt.mark {
			t.Errorf("findExample(%s) = %d, %q; want %d, %q", tt.sheet, row, mark, tt.row, tt.mark)
		}
	}
}

// templateLedger has projects of two units; NB-2026-310 is leader-led.
var templateLedger = []saima.Project{
	{Code: "NB-2026-320", Name: "一网通办", Unit: "宁海县"},
	{Code: "NB-2026-310", Name: "基层治理驾驶舱", Unit: "宁海县", LeaderLed: true, Leader: "张市长"},
	{Code: "NB-2026-200", Name: "浙里办接入", Unit: "余姚市"},
}

// TestTemplateExampleFollowsLedger checks that the example row of a
// dataset that names a project uses the example unit's own project, and
// imports against the ledger without errors or warnings, for the office
// and for a unit's account.
func TestTemplateExampleFollowsLedger(t *testing.T) {
	tests := []struct {
		dataset, unit         string
		wantUnit, wantProject string
	}{
		{saima.DatasetProgress, "", "余姚市", "NB-2026-200"},
		{saima.DatasetMilestones, "", "余姚市", "NB-2026-200"},
		{saima.DatasetProblems, "", "余姚市", "NB-2026-200"},
		{saima.DatasetProgress, "宁海县", "宁海县", "NB-2026-310"},
		{saima.DatasetProblems, "宁海", "宁海县", "NB-2026-310"},
		{saima.DatasetLeaderReports, "宁海县", "宁海县", "NB-2026-310"},
		{saima.DatasetLeaderReports, "", "宁海县", "NB-2026-310"},
		// A unit without projects leaves the optional project empty.
		{saima.DatasetProblems, "市财政局", "市财政局", ""},
	}
	for _, tt := range tests {
		t.Run(tt.dataset+"/"+cmp.Or(tt.unit, "office"), func(t *testing.T) {
			unit := tt.unit
			if name, ok := newRoster(testRoster).resolve(unit); ok {
				unit = name
			}
			var buf bytes.Buffer
			err := WriteTemplateWith(&buf, tt.dataset, TemplateOptions{Roster: testRoster, Projects: templateLedger,
				Unit: unit, Today: uploadDay})
			if err != nil {
				t.Fatal(err)
			}
			res := parseText(t, tt.dataset+".xlsx", string(withoutExampleMark(t, buf.Bytes())),
				Options{Projects: templateLedger, Unit: unit})
			requireNoErrors(t, res)
			if len(res.Warnings) != 0 {
				t.Errorf("warnings = %q, want none", issueStrings(res.Warnings))
			}
			gotUnit, gotProject := exampleOf(t, &res.Batch)
			if gotUnit != tt.wantUnit || gotProject != tt.wantProject {
				t.Errorf("example = %s %s, want %s %s", gotUnit, gotProject, tt.wantUnit, tt.wantProject)
			}
		})
	}
}

// exampleOf returns the unit and project code of the one record in b.
func exampleOf(t *testing.T, b *saima.Batch) (unit, project string) {
	t.Helper()
	switch {
	case len(b.Progress) == 1:
		return b.Progress[0].Unit, b.Progress[0].ProjectCode
	case len(b.Milestones) == 1:
		return b.Milestones[0].Unit, b.Milestones[0].ProjectCode
	case len(b.Problems) == 1:
		return b.Problems[0].Unit, b.Problems[0].ProjectCode
	case len(b.LeaderReports) == 1:
		return b.LeaderReports[0].Unit, b.LeaderReports[0].ProjectCode
	}
	t.Fatalf("batch has %d records, want one progress, milestone, problem or leader report", b.Len())
	return "", ""
}

// TestTemplateDoneMarkExample checks that the done mark's example names
// one of the example unit's work list items, and imports against the lists.
// The item was recorded today, so the example is not dated before it.
func TestTemplateDoneMarkExample(t *testing.T) {
	items := []saima.ListItem{
		{List: "重大需求", ID: "ZD-9", Name: "企业开办", Unit: "余姚市"},
		{List: "场景应用", ID: "CJ-3", Name: "浙里办接入", Unit: "宁海县"},
		{List: "场景应用", ID: "CJ-1", Name: "掌上办事", Unit: "宁海县", Recorded: uploadDay},
	}
	var buf bytes.Buffer
	err := WriteTemplateWith(&buf, saima.DatasetListDone, TemplateOptions{Roster: testRoster, Unit: "宁海县",
		ListItems: items, Today: uploadDay})
	if err != nil {
		t.Fatal(err)
	}
	res := parseText(t, "done.xlsx", string(withoutExampleMark(t, buf.Bytes())), Options{ListItems: items, Unit: "宁海县"})
	requireNoErrors(t, res)
	if len(res.Warnings) != 0 {
		t.Errorf("warnings = %q, want none", issueStrings(res.Warnings))
	}
	if len(res.Batch.ListDone) != 1 {
		t.Fatalf("done marks = %d, want 1", len(res.Batch.ListDone))
	}
	if d := res.Batch.ListDone[0]; d.List != "场景应用" || d.ItemID != "CJ-1" || d.Unit != "宁海县" {
		t.Errorf("example = %s %s %s, want 场景应用 CJ-1 宁海县", d.List, d.ItemID, d.Unit)
	}
}

// moveRow copies the cells of row from, raw values and styles, to row to
// and clears row from.
func moveRow(t *testing.T, f *excelize.File, sheet string, from, to int) {
	t.Helper()
	cols, err := f.GetCols(sheet)
	if err != nil {
		t.Fatal(err)
	}
	for i := range cols {
		src, _ := excelize.CoordinatesToCellName(i+1, from)
		dst, _ := excelize.CoordinatesToCellName(i+1, to)
		v, err := f.GetCellValue(sheet, src, excelize.Options{RawCellValue: true})
		if err != nil {
			t.Fatal(err)
		}
		style, err := f.GetCellStyle(sheet, src)
		if err != nil {
			t.Fatal(err)
		}
		if n, err := strconv.ParseFloat(v, 64); err == nil {
			err = f.SetCellFloat(sheet, dst, n, -1, 64)
		} else {
			err = f.SetCellStr(sheet, dst, v)
		}
		if err != nil {
			t.Fatal(err)
		}
		if err := f.SetCellStyle(sheet, dst, dst, style); err != nil {
			t.Fatal(err)
		}
		if err := f.SetCellValue(sheet, src, nil); err != nil {
			t.Fatal(err)
		}
	}
}

// TestTemplateModeNote checks that the header note of 考评方式 describes
// a mode, not a code.
func TestTemplateModeNote(t *testing.T) {
	f, err := excelize.OpenReader(bytes.NewReader(writeTemplate(t, saima.DatasetAssessments, testRoster)))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()

	sheet := f.GetSheetList()[0]
	header, err := f.GetRows(sheet)
	if err != nil {
		t.Fatal(err)
	}
	col := slices.Index(header[0], "考评方式")
	if col < 0 {
		t.Fatalf("header %q has no 考评方式", header[0])
	}
	cell, err := excelize.CoordinatesToCellName(col+1, 1)
	if err != nil {
		t.Fatal(err)
	}

	comments, err := f.GetComments(sheet)
	if err != nil {
		t.Fatal(err)
	}
	var text string
	for _, c := range comments {
		if c.Cell == cell {
			text = c.Text
			for _, run := range c.Paragraph {
				text += run.Text
			}
		}
	}
	if !strings.Contains(text, "考评的方式") || !strings.Contains(text, "线下年终") || strings.Contains(text, "编号或代码") {
		t.Errorf("note on 考评方式 = %q, want it to describe a mode such as 线下年终, not a code", text)
	}
}

// TestTemplateUnitDropDown checks the unit drop-down: the office's offers
// the whole roster, a unit account's only its own unit, because a file
// with any other unit is rejected.
func TestTemplateUnitDropDown(t *testing.T) {
	roster := make([]string, len(testRoster))
	for i, u := range testRoster {
		roster[i] = u.Name
	}
	tests := []struct {
		name, dataset, unit, column string
		want                        []string
	}{
		{"office progress", saima.DatasetProgress, "", "单位", roster},
		{"unit progress", saima.DatasetProgress, "余姚市", "单位", []string{"余姚市"}},
		{"unit milestones", saima.DatasetMilestones, "余姚市", "责任单位", []string{"余姚市"}},
		{"unit projects", saima.DatasetProjects, "余姚市", "责任单位", []string{"余姚市"}},
		{"unit problems", saima.DatasetProblems, "余姚市", "单位", []string{"余姚市"}},
		{"unit done marks", saima.DatasetListDone, "余姚市", "责任单位", []string{"余姚市"}},
		{"unit leader reports", saima.DatasetLeaderReports, "余姚市", "牵头单位", []string{"余姚市"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			file := writeTemplateWith(t, tt.dataset, TemplateOptions{Unit: tt.unit})
			f, err := excelize.OpenReader(bytes.NewReader(file))
			if err != nil {
				t.Fatal(err)
			}
			defer f.Close()
			cols, err := f.GetCols(optionsSheet)
			if err != nil {
				t.Fatal(err)
			}
			i := slices.IndexFunc(cols, func(c []string) bool { return len(c) > 0 && c[0] == tt.column })
			if i < 0 {
				t.Fatalf("options sheet has no list for %s: %q", tt.column, cols)
			}
			got := cols[i][1:]
			for len(got) > 0 && got[len(got)-1] == "" {
				got = got[:len(got)-1] // GetCols pads each column to the longest
			}
			if !slices.Equal(got, tt.want) {
				t.Errorf("drop-down of %s = %q, want %q", tt.column, got, tt.want)
			}
		})
	}
}

// TestTemplateDocProps checks that a template carries the day it was made
// as its creation date, not the date of excelize's built-in workbook.
func TestTemplateDocProps(t *testing.T) {
	f, err := excelize.OpenReader(bytes.NewReader(writeTemplate(t, saima.DatasetProgress, nil)))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	props, err := f.GetDocProps()
	if err != nil {
		t.Fatal(err)
	}
	want := uploadDay.Time().UTC().Format(time.RFC3339)
	if props.Created != want || props.Modified != want {
		t.Errorf("template created %q, modified %q; want both %q", props.Created, props.Modified, want)
	}
	if props.Title == "" || props.Creator != "saima" {
		t.Errorf("template title %q, creator %q; want a title and saima", props.Title, props.Creator)
	}
}

// TestTemplateUsedRange checks that each template declares the range its
// header and example use, so readers that trust the declaration see them.
func TestTemplateUsedRange(t *testing.T) {
	for _, s := range schemas {
		t.Run(s.dataset, func(t *testing.T) {
			f, err := excelize.OpenReader(bytes.NewReader(writeTemplate(t, s.dataset, testRoster)))
			if err != nil {
				t.Fatal(err)
			}
			defer f.Close()
			rows, err := f.GetRows(s.title)
			if err != nil {
				t.Fatal(err)
			}
			cols := 0
			for _, r := range rows {
				cols = max(cols, len(r))
			}
			last, err := excelize.CoordinatesToCellName(cols, len(rows))
			if err != nil {
				t.Fatal(err)
			}
			if got, _ := f.GetSheetDimension(s.title); got != "A1:"+last {
				t.Errorf("sheet %s declares %q, want A1:%s", s.title, got, last)
			}
		})
	}
}

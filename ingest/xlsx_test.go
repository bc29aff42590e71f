package ingest

import (
	"archive/zip"
	"bytes"
	"fmt"
	"html"
	"slices"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"saima"
)

// testWorkbook describes a small XLSX file written by hand, so that tests
// control the XML that real spreadsheet programs write: cell types, style
// indexes, cached formula values, merged ranges and hidden sheets.
type testWorkbook struct {
	date1904 bool
	formats  map[int]string // custom number formats by id (164 and up)
	styles   []int          // number format id of each cell style; style 0 is General
	sheets   []testSheet
}

type testSheet struct {
	name   string
	hidden bool
	rows   []string // <row> elements
	merges []string // ranges such as A1:H1
}

// row returns a <row> element whose cells fill columns A, B, ... in order;
// a nil cell leaves its column empty.
func row(n int, cells ...func(ref string) string) string {
	var b strings.Builder
	fmt.Fprintf(&b, `<row r="%d">`, n)
	for i, c := range cells {
		if c == nil {
			continue
		}
		ref, _ := excelize.CoordinatesToCellName(i+1, n)
		b.WriteString(c(ref))
	}
	b.WriteString("</row>")
	return b.String()
}

// text is an inline string cell.
func text(s string) func(string) string {
	return func(ref string) string {
		return fmt.Sprintf(`<c r="%s" t="inlineStr"><is><t>%s</t></is></c>`, ref, html.EscapeString(s))
	}
}

// number is a numeric cell with no type attribute, as excelize writes it.
func number(v string, style int) func(string) string {
	return func(ref string) string { return fmt.Sprintf(`<c r="%s" s="%d"><v>%s</v></c>`, ref, style, v) }
}

// typedNumber is a numeric cell with t="n", as LibreOffice writes it.
func typedNumber(v string, style int) func(string) string {
	return func(ref string) string { return fmt.Sprintf(`<c r="%s" s="%d" t="n"><v>%s</v></c>`, ref, style, v) }
}

// formula is a formula cell with its cached numeric result.
func formula(f, cached string, style int) func(string) string {
	return func(ref string) string {
		return fmt.Sprintf(`<c r="%s" s="%d"><f>%s</f><v>%s</v></c>`, ref, style, html.EscapeString(f), cached)
	}
}

// stringFormula is a formula cell with its cached text result.
func stringFormula(f, cached string) func(string) string {
	return func(ref string) string {
		return fmt.Sprintf(`<c r="%s" t="str"><f>%s</f><v>%s</v></c>`, ref, html.EscapeString(f), html.EscapeString(cached))
	}
}

func boolean(v bool) func(string) string {
	b := 0
	if v {
		b = 1
	}
	return func(ref string) string { return fmt.Sprintf(`<c r="%s" t="b"><v>%d</v></c>`, ref, b) }
}

// bytes writes the workbook as an XLSX file.
func (w testWorkbook) bytes(tb testing.TB) []byte {
	tb.Helper()
	var buf bytes.Buffer
	z := zip.NewWriter(&buf)
	put := func(name, body string) {
		f, err := z.Create(name)
		if err != nil {
			tb.Fatal(err)
		}
		if _, err := f.Write([]byte(`<?xml version="1.0" encoding="UTF-8" standalone="yes"?>` + body)); err != nil {
			tb.Fatal(err)
		}
	}

	const ns = `xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"`
	const rel = `http://schemas.openxmlformats.org/officeDocument/2006/relationships`
	var types, sheets, rels strings.Builder
	for i, s := range w.sheets {
		n := i + 1
		fmt.Fprintf(&types, `<Override PartName="/xl/worksheets/sheet%d.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>`, n)
		state := "visible"
		if s.hidden {
			state = "hidden"
		}
		fmt.Fprintf(&sheets, `<sheet name="%s" sheetId="%d" state="%s" r:id="rId%d"/>`, html.EscapeString(s.name), n, state, n)
		fmt.Fprintf(&rels, `<Relationship Id="rId%d" Type="%s/worksheet" Target="worksheets/sheet%d.xml"/>`, n, rel, n)
		merges := ""
		if len(s.merges) > 0 {
			merges = fmt.Sprintf(`<mergeCells count="%d">`, len(s.merges))
			for _, m := range s.merges {
				merges += fmt.Sprintf(`<mergeCell ref="%s"/>`, m)
			}
			merges += "</mergeCells>"
		}
		put(fmt.Sprintf("xl/worksheets/sheet%d.xml", n),
			`<worksheet `+ns+`><sheetData>`+strings.Join(s.rows, "")+`</sheetData>`+merges+`</worksheet>`)
	}
	put("[Content_Types].xml", `<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">`+
		`<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>`+
		`<Default Extension="xml" ContentType="application/xml"/>`+
		`<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>`+
		`<Override PartName="/xl/styles.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/>`+
		types.String()+`</Types>`)
	put("_rels/.rels", `<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">`+
		`<Relationship Id="rId1" Type="`+rel+`/officeDocument" Target="xl/workbook.xml"/></Relationships>`)
	put("xl/workbook.xml", fmt.Sprintf(`<workbook %s xmlns:r="%s"><workbookPr date1904="%v"/><sheets>%s</sheets></workbook>`,
		ns, rel, w.date1904, sheets.String()))
	put("xl/_rels/workbook.xml.rels", `<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">`+
		rels.String()+fmt.Sprintf(`<Relationship Id="rIdStyles" Type="%s/styles" Target="styles.xml"/>`, rel)+`</Relationships>`)
	put("xl/styles.xml", w.stylesXML())
	if err := z.Close(); err != nil {
		tb.Fatal(err)
	}
	return buf.Bytes()
}

func (w testWorkbook) stylesXML() string {
	var fmts, xfs strings.Builder
	for id, code := range w.formats {
		fmt.Fprintf(&fmts, `<numFmt numFmtId="%d" formatCode="%s"/>`, id, html.EscapeString(code))
	}
	styles := append([]int{0}, w.styles...)
	for _, id := range styles {
		fmt.Fprintf(&xfs, `<xf numFmtId="%d" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>`, id)
	}
	return `<styleSheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">` +
		fmt.Sprintf(`<numFmts count="%d">%s</numFmts>`, len(w.formats), fmts.String()) +
		`<fonts count="1"><font><sz val="11"/><name val="Calibri"/></font></fonts>` +
		`<fills count="1"><fill><patternFill patternType="none"/></fill></fills>` +
		`<borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>` +
		`<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>` +
		fmt.Sprintf(`<cellXfs count="%d">%s</cellXfs>`, len(styles), xfs.String()) +
		`</styleSheet>`
}

// Styles of the test workbooks, by index into testWorkbook.styles plus 1.
const (
	stylePercent2  = 1 // built-in 10, 0.00%
	stylePercent0  = 2 // built-in 9, 0%
	styleDateCN    = 3 // custom yyyy"年"m"月"d"日"
	styleDateShort = 4 // built-in 14, m/d/yyyy
	styleMonth     = 5 // custom yyyy"年"m"月"
	styleText      = 6 // built-in 49, @
	stylePercentLO = 7 // custom 0.0%;[Red]-0.0%
)

func newTestWorkbook(sheets ...testSheet) testWorkbook {
	return testWorkbook{
		formats: map[int]string{164: `yyyy"年"m"月"d"日"`, 165: `yyyy"年"m"月"`, 166: `0.0%;[Red]-0.0%`},
		styles:  []int{10, 9, 164, 14, 165, 49, 166},
		sheets:  sheets,
	}
}

var progressHeaderCells = []func(string) string{
	text("单位"), text("项目编号"), text("项目名称"), text("填报期间"),
	text("完成率"), text("填报日期"), text("进展情况"), text("存在问题"),
}

func parseWorkbook(tb testing.TB, w testWorkbook, opts Options) *Result {
	tb.Helper()
	return parseText(tb, "t.xlsx", string(w.bytes(tb)), opts)
}

func TestXLSXTitleRowsFormulasAndFormats(t *testing.T) {
	sheet := testSheet{name: "进度", merges: []string{"A1:H1"}, rows: []string{
		row(1, text("2026年第三季度数字化改革项目进度填报表")),
		row(3, progressHeaderCells...),
		row(4, text("宁波市海曙区"), text("NB-1"), text("改造"), text("2026Q3"),
			formula("B9/C9", "0.85", stylePercent0), typedNumber("46295", styleDateCN),
			stringFormula(`"完成"&"一期"`, "完成一期"), text("无")),
		row(5, text("宁波市江北区"), text("NB-2"), text("停车"), number("46266", styleMonth),
			number("0.86699999999999999", stylePercent2), number("46293.75", styleDateShort),
			text("上线"), nil),
		row(6, text("宁海县"), text("NB-3"), text("供水"), text("2026Q3"),
			number("0.123", stylePercentLO), number("46295", styleText), text("铺设"), nil),
		row(7, text("余姚市"), text("NB-4"), text("园区"), text("2026Q3"),
			number("80", 0), text("2026年9月30日"), boolean(true), nil),
	}}
	res := parseWorkbook(t, newTestWorkbook(sheet), Options{})
	want := []string{
		"宁波市海曙区|NB-1|改造|2026Q3|85|2026-09-30|完成一期|无",
		"宁波市江北区|NB-2|停车|2026-09|86.7|2026-09-28|上线|",
		"宁海县|NB-3|供水|2026Q3|12.3|nil|铺设|",
		"余姚市|NB-4|园区|2026Q3|80|2026-09-30|TRUE|",
	}
	// 46295 in a text-formatted cell is a number, not a date: an error.
	wantErrors := []string{"t.xlsx 工作表“进度”第6行“填报日期”列的值“46295”不是可识别的日期，" +
		"请按2026-09-30、2026/9/30或2026年9月30日的格式填写"}
	if got := issueStrings(res.Errors); !slices.Equal(got, wantErrors) {
		t.Errorf("errors = %q, want %q", got, wantErrors)
	}
	res = parseWorkbook(t, newTestWorkbook(fixTextDate(sheet)), Options{})
	requireNoErrors(t, res)
	if got := progressLines(res.Batch.Progress); !slices.Equal(got, want) {
		t.Errorf("records =\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	if res.Rows != 4 {
		t.Errorf("Rows = %d, want 4 (title rows are not data)", res.Rows)
	}
}

// fixTextDate replaces the text-formatted serial of row 6 with a blank.
func fixTextDate(s testSheet) testSheet {
	s.rows = slices.Clone(s.rows)
	s.rows[4] = row(6, text("宁海县"), text("NB-3"), text("供水"), text("2026Q3"),
		number("0.123", stylePercentLO), nil, text("铺设"), nil)
	return s
}

func TestXLSXPercentOutOfRange(t *testing.T) {
	// A unit typed 85 into a percent-formatted cell, which shows 8500%.
	sheet := testSheet{name: "s", rows: []string{
		row(1, text("单位"), text("项目编号"), text("填报期间"), text("完成率")),
		row(2, text("余姚市"), text("NB-1"), text("2026Q3"), number("85", stylePercent0)),
	}}
	res := parseWorkbook(t, newTestWorkbook(sheet), Options{})
	want := []string{"t.xlsx 工作表“s”第2行“完成率”列的值“8500%”超出0–100%范围，请改为0–100之间的数后重新上传"}
	if got := issueStrings(res.Errors); !slices.Equal(got, want) {
		t.Errorf("errors = %q, want %q", got, want)
	}
}

func TestXLSXSheetSelection(t *testing.T) {
	hidden := testSheet{name: "填表说明", hidden: true, rows: []string{row(1, text("请按模板填写"))}}
	data := testSheet{name: "进度填报", rows: []string{
		row(1, text("单位"), text("项目编号"), text("填报期间"), text("完成率")),
		row(2, text("余姚市"), text("NB-1"), text("2026Q3"), text("50%")),
	}}
	w := newTestWorkbook(hidden, data)

	res := parseWorkbook(t, w, Options{})
	requireNoErrors(t, res)
	if res.Sheet != "进度填报" || len(res.Batch.Progress) != 1 {
		t.Errorf("default sheet = %q with %d records, want the first visible sheet 进度填报", res.Sheet, len(res.Batch.Progress))
	}

	res = parseWorkbook(t, w, Options{Sheet: " 填表说明 "})
	if res.Sheet != "填表说明" || res.OK() {
		t.Errorf("named sheet = %q, OK %v, want 填表说明 with an unknown-header error", res.Sheet, res.OK())
	}

	_, err := Parse(bytes.NewReader(w.bytes(t)), Options{Sheet: "汇总"})
	want := "文件中没有名为“汇总”的工作表，现有的工作表为：填表说明、进度填报；请填写其中之一，或留空读取第一个可见的工作表，然后重新上传"
	if saima.ErrorKind(err) != saima.KindInvalid || saima.ErrorMessage(err) != want {
		t.Errorf("Parse(sheet 汇总) error = %v, want %q", err, want)
	}
}

// A workbook cell with full-width commas is one cell, so its error must not
// give the CSV advice to use ASCII commas or to upload an xlsx instead.
func TestXLSXFullWidthCommaCell(t *testing.T) {
	notes := testSheet{name: "说明", rows: []string{row(1, text("单位，项目编号，填报期间，完成率"))}}
	res := parseWorkbook(t, newTestWorkbook(notes), Options{})
	if res.OK() {
		t.Fatal("a sheet of one note cell imported without an error")
	}
	for _, got := range issueStrings(res.Errors) {
		if strings.Contains(got, "xlsx文件") || strings.Contains(got, "英文逗号") {
			t.Errorf("error %q gives advice for a CSV file", got)
		}
	}
}

func TestXLSXMergedDataCells(t *testing.T) {
	sheet := testSheet{name: "s", merges: []string{"A2:A3"}, rows: []string{
		row(1, text("单位"), text("项目编号"), text("填报期间"), text("完成率")),
		row(2, text("宁波市江北区"), text("NB-1"), text("2026Q3"), text("50%")),
		row(3, nil, text("NB-2"), text("2026Q3"), text("60%")),
	}}
	res := parseWorkbook(t, newTestWorkbook(sheet), Options{})
	requireNoErrors(t, res)
	if len(res.Batch.Progress) != 2 || res.Batch.Progress[1].Unit != "宁波市江北区" {
		t.Errorf("records = %q, want both rows under the merged unit", progressLines(res.Batch.Progress))
	}
}

func TestXLSXUnnamedColumn(t *testing.T) {
	sheet := testSheet{name: "s", rows: []string{
		row(1, text("单位"), text("项目编号"), text("填报期间"), text("完成率")),
		row(2, text("余姚市"), text("NB-1"), text("2026Q3"), text("50%"), nil, text("备注一")),
		row(3, text("余姚市"), text("NB-2"), text("2026Q3"), text("50%"), nil, text("备注二")),
	}}
	res := parseWorkbook(t, newTestWorkbook(sheet), Options{})
	requireNoErrors(t, res)
	want := []string{"t.xlsx 工作表“s”第2行第F列有内容，但这一列没有列名，其中的内容没有导入，如果这列需要导入，请在表头补上列名"}
	if got := issueStrings(res.Warnings); !slices.Equal(got, want) {
		t.Errorf("warnings = %q, want %q", got, want)
	}
}

func TestXLSXDate1904(t *testing.T) {
	sheet := testSheet{name: "s", rows: []string{
		row(1, text("单位"), text("项目编号"), text("填报期间"), text("完成率"), text("填报日期")),
		row(2, text("余姚市"), text("NB-1"), text("2026Q3"), text("50%"), number("44833", styleDateCN)),
	}}
	w := newTestWorkbook(sheet)
	w.date1904 = true
	res := parseWorkbook(t, w, Options{})
	requireNoErrors(t, res)
	if got := dateString(res.Batch.Progress[0].ReportDate); got != "2026-09-30" {
		t.Errorf("1904 serial 44833 = %s, want 2026-09-30", got)
	}
}

// TestDatesOutOfRange checks that a date outside 2000–2099 is an error
// naming its cell, in a CSV and in a date-formatted XLSX cell, so that
// ClickHouse never clamps it into its Date range.
func TestDatesOutOfRange(t *testing.T) {
	csvText := "项目编号,里程碑,计划完成日期,实际完成日期\nNB-1,上线,2150-01-01,\nNB-1,验收,2026-09-30,1900-01-01\nNB-1,联调,2026-09-30,2026-09-01\n"
	res := parseText(t, "m.csv", csvText, Options{})
	want := []string{
		"m.csv 第2行“计划完成日期”列的值“2150-01-01”不在2000-01-01至2099-12-31之间，可能是笔误，请核对年份后重新填写",
		"m.csv 第3行“实际完成日期”列的值“1900-01-01”不在2000-01-01至2099-12-31之间，可能是笔误，请核对年份后重新填写",
	}
	if got := issueStrings(res.Errors); !slices.Equal(got, want) {
		t.Errorf("CSV errors = %q, want %q", got, want)
	}

	// Serial 1 is 1900-01-01, what an Excel date cell holding 1 shows.
	sheet := testSheet{name: "s", rows: []string{
		row(1, text("单位"), text("项目编号"), text("填报期间"), text("完成率"), text("填报日期")),
		row(2, text("余姚市"), text("NB-1"), text("2026Q3"), text("50%"), number("1", styleDateCN)),
	}}
	res = parseWorkbook(t, newTestWorkbook(sheet), Options{})
	if got := issueStrings(res.Errors); len(got) != 1 || !strings.Contains(got[0], "第2行“填报日期”列的值“1900-01-01”不在2000-01-01至2099-12-31之间") {
		t.Errorf("XLSX errors = %q, want one for 填报日期 1900-01-01", got)
	}
	// Serial 10 000 000 is a day in the year 29279.
	sheet.rows[1] = row(2, text("余姚市"), text("NB-1"), text("2026Q3"), text("50%"), number("10000000", styleDateCN))
	res = parseWorkbook(t, newTestWorkbook(sheet), Options{})
	if got := issueStrings(res.Errors); len(got) != 1 || !strings.Contains(got[0], "不在2000-01-01至2099-12-31之间") {
		t.Errorf("XLSX errors = %q, want one that the date is out of range", got)
	}
}

func TestXLSXDamaged(t *testing.T) {
	_, err := Parse(strings.NewReader("PK\x03\x04 this is not a zip file"), Options{})
	if saima.ErrorKind(err) != saima.KindInvalid || !strings.Contains(saima.ErrorMessage(err), "无法打开xlsx文件") {
		t.Errorf("Parse(damaged xlsx) error = %v, want the cannot-open message", err)
	}
}

func TestSerialDate(t *testing.T) {
	tests := []struct {
		serial   float64
		date1904 bool
		want     string // "" when there is no such day
	}{
		{1, false, "1900-01-01"},
		{59, false, "1900-02-28"},
		{60, false, ""}, // the 1900-02-29 that never was
		{61, false, "1900-03-01"},
		{46295, false, "2026-09-30"},
		{46295.999, false, "2026-09-30"},
		{0, false, ""},
		{-3, false, ""},
		{0, true, "1904-01-01"},
		{44833, true, "2026-09-30"},
		{-1, true, ""},
	}
	for _, tt := range tests {
		d, ok := serialDate(tt.serial, tt.date1904)
		if ok != (tt.want != "") || ok && d.String() != tt.want {
			t.Errorf("serialDate(%v, 1904=%v) = %s, %v, want %q", tt.serial, tt.date1904, d, ok, tt.want)
		}
	}
}

func TestSerialText(t *testing.T) {
	tests := []struct {
		serial float64
		day    bool
		want   string
	}{
		{46295, true, "2026-09-30"},
		{46295, false, "2026-09"},
		{60, true, "1900-02-29"},
		{0, true, "1900-01-00"},
		{0.5, true, "1900-01-00"},
		{-2, true, "-2"},
	}
	for _, tt := range tests {
		if got := serialText(tt.serial, false, tt.day); got != tt.want {
			t.Errorf("serialText(%v, day=%v) = %q, want %q", tt.serial, tt.day, got, tt.want)
		}
	}
	for _, serial := range []float64{60, 0} {
		if _, prob := parseDate(serialText(serial, false, true)); prob != problemNoSuchDate {
			t.Errorf("serial %v reads as %v, want the no-such-date problem", serial, prob)
		}
	}
}

func TestNumberFormats(t *testing.T) {
	tests := []struct {
		code string
		want numberFormat
	}{
		{"General", numberFormat{}},
		{"0.00", numberFormat{}},
		{"#,##0.00", numberFormat{}},
		{"@", numberFormat{}},
		{"0.00E+00", numberFormat{}},
		{"0%", numberFormat{percent: true}},
		{"0.00%", numberFormat{percent: true}},
		{"0.0%;[Red]-0.0%", numberFormat{percent: true}},
		{`"完成"0%`, numberFormat{percent: true}},
		{`0"%"`, numberFormat{literalPercent: true, code: `0"%"`, otherLiteral: true}},
		{`0\%`, numberFormat{literalPercent: true, code: `0\%`, otherLiteral: true}},
		{"yyyy-mm-dd", numberFormat{date: true, day: true}},
		{`yy\年m\月d\日`, numberFormat{date: true, day: true}},
		{`yyyy"年"m"月"d"日"`, numberFormat{date: true, day: true}},
		{`yyyy"年"m"月"`, numberFormat{date: true}},
		{"[$-804]yyyy/m/d", numberFormat{date: true, day: true}},
		{"[Red]0.00", numberFormat{}},
		{"h:mm:ss", numberFormat{}},
		{`[$¥-804]#,##0.00`, numberFormat{code: `[$¥-804]#,##0.00`, otherLiteral: true}},
		{"00000", numberFormat{digits: 5, code: "00000"}},
		{"000000;-000000", numberFormat{digits: 6, code: "000000;-000000"}},
		{`"NB-2026-"000`, numberFormat{digits: 3, code: `"NB-2026-"000`, prefix: "NB-2026-"}},
		{`\N\B\-000`, numberFormat{digits: 3, code: `\N\B\-000`, prefix: "NB-"}},
		{`[Blue]"第"00"号"`, numberFormat{digits: 2, code: `[Blue]"第"00"号"`, prefix: "第", suffix: "号"}},
		{`0"分"`, numberFormat{digits: 1, code: `0"分"`, suffix: "分"}},
		{`0"-"0`, numberFormat{code: `0"-"0`, otherLiteral: true}},
		{`000-00`, numberFormat{code: `000-00`, otherLiteral: true}},
		{`00 00 00`, numberFormat{code: `00 00 00`, otherLiteral: true}},
		{"#,##0", numberFormat{}},
		{`"NB-"#000`, numberFormat{code: `"NB-"#000`, otherLiteral: true}},
		{`000-`, numberFormat{digits: 3, code: `000-`, suffix: "-"}},
		{`[$NB-804]000`, numberFormat{code: `[$NB-804]000`, otherLiteral: true}},
		{`000;"负"000`, numberFormat{digits: 3, code: `000;"负"000`}},
		{`0.0;"未填"`, numberFormat{}},
		{"0", numberFormat{}},
		// 5 shows as 05.0, so a code column must not read 5.
		{"00.0", numberFormat{code: "00.0", otherLiteral: true}},
		{"00000_ ", numberFormat{digits: 5, code: "00000_ ", suffix: " "}},
		// A literal percent sign shows the number itself with %.
		{`0.00"%"`, numberFormat{literalPercent: true, code: `0.00"%"`, otherLiteral: true}},
		{`0.00\%`, numberFormat{literalPercent: true, code: `0.00\%`, otherLiteral: true}},
		{`#,##0.0" ％";[Red]-0.0"%"`, numberFormat{literalPercent: true, code: `#,##0.0" ％";[Red]-0.0"%"`, otherLiteral: true}},
		{`[Color10]0.0\%_)`, numberFormat{literalPercent: true, code: `[Color10]0.0\%_)`, otherLiteral: true}},
		{`0.00"%完成"`, numberFormat{code: `0.00"%完成"`, otherLiteral: true}},
	}
	for _, tt := range tests {
		if got := parseFormatCode(tt.code); got != tt.want {
			t.Errorf("parseFormatCode(%q) = %+v, want %+v", tt.code, got, tt.want)
		}
	}

	builtins := []struct {
		id   int
		want numberFormat
	}{
		{0, numberFormat{}},
		{2, numberFormat{}},
		{9, numberFormat{percent: true}},
		{10, numberFormat{percent: true}},
		{14, numberFormat{date: true, day: true}},
		{17, numberFormat{date: true}},
		{20, numberFormat{}},
		{22, numberFormat{date: true, day: true}},
		{31, numberFormat{date: true, day: true}},
		{57, numberFormat{date: true}},
		{49, numberFormat{}},
	}
	for _, tt := range builtins {
		if got := builtinFormat(tt.id); got != tt.want {
			t.Errorf("builtinFormat(%d) = %+v, want %+v", tt.id, got, tt.want)
		}
	}
}

func TestXLSXMergedTitleAboveHeader(t *testing.T) {
	// The merged title fills A1:D1, right above the header; it must not
	// read as the upper half of a two-row header.
	sheet := testSheet{name: "s", merges: []string{"A1:D1"}, rows: []string{
		row(1, text("2026年第三季度进度填报表")),
		row(2, text("单位"), text("项目编号"), text("填报期间"), text("完成率")),
		row(3, text("余姚市"), text("NB-1"), text("2026Q3"), text("50%")),
	}}
	res := parseWorkbook(t, newTestWorkbook(sheet), Options{})
	requireNoErrors(t, res)
	if want := []string{"单位", "项目编号", "填报期间", "完成率"}; !slices.Equal(res.Columns, want) {
		t.Errorf("Columns = %q, want %q", res.Columns, want)
	}
	if len(res.Batch.Progress) != 1 || res.Rows != 1 {
		t.Errorf("records, rows = %d, %d, want 1, 1", len(res.Batch.Progress), res.Rows)
	}
}

// uncomputed is a formula cell saved without its result, as programs that
// do not calculate write it. shared formulas leave the formula empty.
func uncomputed(f string) func(string) string {
	return func(ref string) string {
		if f == "" {
			return fmt.Sprintf(`<c r="%s"><f t="shared" si="0"/></c>`, ref)
		}
		return fmt.Sprintf(`<c r="%s"><f>%s</f></c>`, ref, html.EscapeString(f))
	}
}

func TestXLSXFormulaWithoutResult(t *testing.T) {
	sheet := testSheet{name: "s", rows: []string{
		row(1, text("单位"), text("项目编号"), text("填报期间"), text("完成率"), text("备注")),
		row(2, text("余姚市"), text("NB-1"), text("2026Q3"), uncomputed("0.5+0.25")),
		row(3, text("余姚市"), text("NB-2"), text("2026Q3"), uncomputed("")),
		// A formula in a column that the dataset does not read is no error.
		row(4, text("余姚市"), text("NB-3"), text("2026Q3"), text("50%"), nil, uncomputed("A1")),
		row(5, nil, nil, nil, uncomputed("1/2")),
	}}
	res := parseWorkbook(t, newTestWorkbook(sheet), Options{})
	const reason = "是公式，但文件中没有保存公式的计算结果（文件可能不是用Excel或WPS保存的），请用Excel或WPS打开文件、保存后重新上传，或把这一格的公式改为直接填写的内容"
	want := []string{
		"t.xlsx 工作表“s”第2行“完成率”列的值“=0.5+0.25”" + reason,
		"t.xlsx 工作表“s”第3行“完成率”列的值“（共享公式）”" + reason,
		"t.xlsx 工作表“s”第5行“完成率”列的值“=1/2”" + reason,
	}
	if got := issueStrings(res.Errors); !slices.Equal(got, want) {
		t.Errorf("errors = %q, want %q", got, want)
	}
}

// excelize writes a formula without its result unless asked to calculate;
// such a workbook gets the same error.
func TestXLSXExcelizeFormulaWithoutResult(t *testing.T) {
	f := excelize.NewFile()
	defer f.Close()
	rows := [][]any{{"单位", "项目编号", "填报期间", "完成率"}, {"余姚市", "NB-1", "2026Q3", nil}}
	for i, r := range rows {
		cell, _ := excelize.CoordinatesToCellName(1, i+1)
		if err := f.SetSheetRow("Sheet1", cell, &r); err != nil {
			t.Fatal(err)
		}
	}
	if err := f.SetCellFormula("Sheet1", "D2", "0.5+0.25"); err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	if err := f.Write(&buf); err != nil {
		t.Fatal(err)
	}
	res, err := Parse(&buf, Options{FileName: "e.xlsx", Roster: testRoster, Today: uploadDay})
	if err != nil {
		t.Fatal(err)
	}
	if got := issueStrings(res.Errors); len(got) != 1 || !strings.Contains(got[0], "第2行“完成率”列的值“=0.5+0.25”是公式") {
		t.Errorf("errors = %q, want one on row 2's 完成率 formula", got)
	}
}

// A workbook that opens with a sheet of instructions: read without a
// sheet name, the error names the other sheets and the 工作表 field, and
// read with the data sheet's name, it imports.
func TestXLSXDataAfterCoverSheet(t *testing.T) {
	cover := testSheet{name: "填报说明", rows: []string{
		row(1, text("填报说明")),
		row(2, text("1. 完成率填写百分数")),
	}}
	data := testSheet{name: "进度填报", rows: []string{
		row(1, progressHeaderCells...),
		row(2, text("余姚市"), text("NB-1"), text("改造"), text("2026Q3"), text("85%"),
			text("2026-09-30"), text("按计划推进"), text("无")),
	}}
	w := newTestWorkbook(cover, data)

	res := parseWorkbook(t, w, Options{})
	var hint *Issue
	for i, e := range res.Errors {
		if strings.Contains(e.Reason, "还有工作表：进度填报") {
			hint = &res.Errors[i]
		}
	}
	if hint == nil {
		t.Fatalf("errors = %q, want one that names the sheet 进度填报", issueStrings(res.Errors))
	}
	if !strings.Contains(hint.Fix, "“工作表”一栏") {
		t.Errorf("fix = %q, want it to point to the 工作表 field", hint.Fix)
	}
	if want := "t.xlsx 工作表“填报说明”是文件中第一个可见的工作表"; !strings.HasPrefix(hint.String(), want) {
		t.Errorf("hint = %q, want it to start %q", hint.String(), want)
	}

	res = parseWorkbook(t, w, Options{Sheet: "进度填报"})
	requireNoErrors(t, res)
	if len(res.Batch.Progress) != 1 {
		t.Errorf("records = %d, want 1", len(res.Batch.Progress))
	}

	// A workbook of one sheet gets no hint.
	res = parseWorkbook(t, newTestWorkbook(cover), Options{})
	for _, e := range res.Errors {
		if strings.Contains(e.Reason, "还有工作表") {
			t.Errorf("one-sheet workbook got the hint %q", e)
		}
	}
}

// A workbook that keeps each month on a sheet of its own, read without a
// sheet name, imports its first visible sheet. A warning names the other
// sheets with the same dataset's header, which the clerk may have meant.
// A sheet of instructions or a hidden sheet is not named.
func TestXLSXOtherSheetsOfSameDataset(t *testing.T) {
	month := func(name, period string) testSheet {
		return testSheet{name: name, rows: []string{
			row(1, text("2026年进度填报表")),
			row(2, progressHeaderCells...),
			row(3, text("余姚市"), text("NB-1"), text("改造"), text(period), text("85%"),
				text("2026-09-30"), text("按计划推进"), text("无")),
		}}
	}
	notes := testSheet{name: "填报说明", rows: []string{row(1, text("完成率填写百分数"))}}
	old := month("旧表", "2026-08")
	old.hidden = true

	res := parseWorkbook(t, newTestWorkbook(month("9月", "2026-09"), notes, old, month("10月", "2026-10")), Options{})
	requireNoErrors(t, res)
	var hints []string
	for _, w := range res.Warnings {
		if strings.Contains(w.Reason, "没有指定工作表") {
			hints = append(hints, w.String())
		}
	}
	if len(hints) != 1 || !strings.Contains(hints[0], "“10月”") {
		t.Fatalf("warnings = %q, want one that names the sheet 10月", issueStrings(res.Warnings))
	}
	if strings.Contains(hints[0], "填报说明") || strings.Contains(hints[0], "旧表") {
		t.Errorf("hint = %q, want neither the instructions nor the hidden sheet named", hints[0])
	}

	for _, opts := range []Options{{Sheet: "9月"}, {}} {
		w := newTestWorkbook(month("9月", "2026-09"), notes)
		if opts.Sheet != "" {
			w = newTestWorkbook(month("9月", "2026-09"), month("10月", "2026-10"))
		}
		res := parseWorkbook(t, w, opts)
		requireNoErrors(t, res)
		if len(res.Warnings) != 0 {
			t.Errorf("sheet %q: warnings = %q, want none", opts.Sheet, issueStrings(res.Warnings))
		}
	}
}

// Numeric cells read at Excel's 15 significant digits: a formula's binary
// noise is what the clerk saw in Excel, and a percent formula's noise
// gives no warning about decimal places. An ID number stored as a number
// is still too large for a score.
func TestXLSXNumbersAtExcelPrecision(t *testing.T) {
	header := row(1, text("被考评单位"), text("指标"), text("得分"), text("考评方式"), text("考评期间"))
	scores := func(cells ...func(string) string) *Result {
		t.Helper()
		rows := []string{header}
		for i, c := range cells {
			rows = append(rows, row(i+2, text("市财政局"), text(fmt.Sprintf("指标%d", i)), c, text("线上日常"), text("2026Q3")))
		}
		return parseWorkbook(t, newTestWorkbook(testSheet{name: "考评", rows: rows}), Options{})
	}

	res := scores(formula("H2+I2", "80.800000000000011", 0), formula("H3+I3", "61.099999999999994", 0),
		number("0.86699999999999999", 0))
	requireNoErrors(t, res)
	for i, want := range []string{"80.8", "61.1", "0.867"} {
		if got := res.Batch.Assessments[i].Score; !got.Equal(dec(want)) {
			t.Errorf("row %d 得分 = %s, want %s", i+2, got, want)
		}
	}

	res = scores(number("330203198001011234", 0))
	if len(res.Errors) != 1 {
		t.Fatalf("errors = %q, want one", issueStrings(res.Errors))
	}
	if !strings.Contains(res.Errors[0].Reason, "数值过大") {
		t.Errorf("reason = %q, want that the number is too large (数值过大)", res.Errors[0].Reason)
	}

	progress := newTestWorkbook(testSheet{name: "进度", rows: []string{
		row(1, progressHeaderCells...),
		row(2, text("余姚市"), text("NB-1"), text("改造"), text("2026Q3"), formula("B9/C9", "0.79999999999999993", stylePercent0),
			text("2026-09-30"), text("按计划推进"), text("无")),
	}})
	res = parseWorkbook(t, progress, Options{})
	requireNoErrors(t, res)
	if got := percentString(res.Batch.Progress[0].Percent); got != "80" {
		t.Errorf("完成率 = %s, want 80", got)
	}
	if len(res.Warnings) != 0 {
		t.Errorf("warnings = %q, want none for a percent formula's binary noise", issueStrings(res.Warnings))
	}
}

// A code typed as a number into a cell formatted as literal text plus
// zeros reads as the spreadsheet shows it. A number such a format would
// show changed, negative or with a fraction, is an error whose fix is a
// text column.
func TestXLSXCodeFormats(t *testing.T) {
	const (
		stylePrefix    = 8  // "NB-2026-"000
		styleEscaped   = 9  // \N\B\-000
		styleSuffix    = 10 // 000"号"
		styleBoth      = 11 // "NB-"00"-A";"NB-"-00"-A"
		styleZeros     = 12 // 000
		stylePrefixOne = 13 // "NB-"0
		styleHash      = 14 // "NB-"#000, which saima does not render
		styleSplit     = 15 // 000-00, two groups of zeros, which saima does not render
	)
	w := newTestWorkbook(testSheet{name: "进度", rows: []string{
		row(1, progressHeaderCells...),
		row(2, text("宁波市海曙区"), number("17", stylePrefix), text("a"), text("2026Q3"), text("50%")),
		row(3, text("宁波市海曙区"), number("5", styleEscaped), text("b"), text("2026Q3"), text("50%")),
		row(4, text("宁波市海曙区"), typedNumber("7", styleSuffix), text("c"), text("2026Q3"), text("50%")),
		row(5, text("宁波市海曙区"), number("3", styleBoth), text("d"), text("2026Q3"), text("50%")),
		row(6, text("宁波市海曙区"), number("17", stylePrefixOne), text("e"), text("2026Q3"), text("50%")),
		row(7, text("宁波市海曙区"), number("123", styleZeros), text("f"), text("2026Q3"), number("85", stylePrefix)),
		// A code merged over two rows reads as shown in both.
		row(8, text("宁波市海曙区"), number("42", stylePrefix), text("g"), text("2026Q2"), text("50%")),
		row(9, text("宁波市海曙区"), nil, text("g"), text("2026Q3"), text("60%")),
	}, merges: []string{"B8:B9"}})
	w.formats[167] = `"NB-2026-"000`
	w.formats[168] = `\N\B\-000`
	w.formats[169] = `000"号"`
	w.formats[170] = `"NB-"00"-A";"NB-"-00"-A"`
	w.formats[171] = `000`
	w.formats[172] = `"NB-"0`
	w.formats[173] = `"NB-"#000`
	w.formats[174] = `000-00`
	w.styles = append(w.styles, 167, 168, 169, 170, 171, 172, 173, 174)

	res := parseWorkbook(t, w, Options{})
	if len(res.Errors) > 0 {
		t.Fatalf("errors = %q, want none", issueStrings(res.Errors))
	}
	var codes []string
	for _, r := range res.Batch.Progress {
		codes = append(codes, r.ProjectCode)
	}
	want := []string{"NB-2026-017", "NB-005", "007号", "NB-03-A", "NB-17", "123", "NB-2026-042", "NB-2026-042"}
	if !slices.Equal(codes, want) {
		t.Errorf("project codes = %q, want %q as the cells show them", codes, want)
	}
	// A percent column keeps reading the number, whatever its format.
	if p := res.Batch.Progress[5].Percent; !p.Valid || p.Decimal.String() != "85" {
		t.Errorf("完成率 under a code format = %v, want 85", p)
	}

	bad := []struct {
		name  string
		cell  func(string) string
		value string
	}{
		{"negative under zeros", number("-17", styleZeros), "-17"},
		{"fraction under zeros", number("12.5", styleZeros), "12.5"},
		{"fraction under a prefix", number("12.5", stylePrefix), "12.5"},
		{"negative under a prefix", typedNumber("-3", stylePrefixOne), "-3"},
		{"text and a digit placeholder", number("17", styleHash), "17"},
		{"two groups of zeros", number("12345", styleSplit), "12345"},
	}
	formats := map[int]string{styleZeros: `000`, stylePrefix: `"NB-2026-"000`, stylePrefixOne: `"NB-"0`,
		styleHash: `"NB-"#000`, styleSplit: `000-00`}
	styleOf := map[string]int{"negative under zeros": styleZeros, "fraction under zeros": styleZeros,
		"fraction under a prefix": stylePrefix, "negative under a prefix": stylePrefixOne,
		"text and a digit placeholder": styleHash, "two groups of zeros": styleSplit}
	for _, tt := range bad {
		t.Run(tt.name, func(t *testing.T) {
			w.sheets[0].merges = nil
			w.sheets[0].rows = []string{
				row(1, progressHeaderCells...),
				row(2, text("宁波市海曙区"), tt.cell, text("a"), text("2026Q3"), text("50%")),
			}
			res := parseText(t, "进度表.xlsx", string(w.bytes(t)), Options{})
			got := issueStrings(res.Errors)
			if len(got) != 1 {
				t.Fatalf("errors = %q, want one for the code", got)
			}
			for _, part := range []string{"进度表.xlsx", "工作表“进度”", "第2行", "“项目编号”列", "“" + tt.value + "”",
				"“" + formats[styleOf[tt.name]] + "”", "文本"} {
				if !strings.Contains(got[0], part) {
					t.Errorf("error = %q, want it to contain %q", got[0], part)
				}
			}
		})
	}
}

// A code under a format with _x padding, several sections or a locale
// reads as the sheet shows it, trimmed as every code is. A format whose
// shown text saima cannot render, where the number would show with its
// leading zeros, is an error, never the bare number.
func TestXLSXCodePaddingFormats(t *testing.T) {
	tests := []struct {
		name, format, value string
		want                string // the stored code, or "" for an error
	}{
		{"padding after zeros", `00000_ `, "17", "00017"},
		{"padding before a negative section", `000000_);(000000)`, "18", "000018"},
		{"padding on both sides", `_(00000_)`, "17", "00017"},
		{"padding after a prefix", `"NB-2026-"000_ `, "17", "NB-2026-017"},
		{"red negative section", `00000;[Red]-00000`, "17", "00017"},
		{"locale", `[$-804]00000`, "17", "00017"},
		{"three sections, not zero", `00000;-00000;"无"`, "17", "00017"},
		{"three sections, zero", `00000;-00000;"无"`, "0", ""},
		{"negative under padding", `000000_);(000000)`, "-18", ""},
		{"fill", `* 00000`, "17", ""},
		{"fill after zeros", `00000* `, "17", ""},
		{"condition", `[>99999]000000;00000`, "17", ""},
		{"decimals", `00000.00`, "17", ""},
		{"thousands", `#,#00000`, "17", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			w := newTestWorkbook(testSheet{name: "进度", rows: []string{
				row(1, progressHeaderCells...),
				row(2, text("宁波市海曙区"), number(tt.value, 8), text("a"), text("2026Q3"), text("50%")),
			}})
			w.formats[167] = tt.format
			w.styles = append(w.styles, 167)
			res := parseWorkbook(t, w, Options{})
			if tt.want != "" {
				requireNoErrors(t, res)
				if got := res.Batch.Progress[0].ProjectCode; got != tt.want {
					t.Errorf("项目编号 = %q, want %q", got, tt.want)
				}
				return
			}
			got := issueStrings(res.Errors)
			if len(got) != 1 {
				t.Fatalf("errors = %q, want one for the code", got)
			}
			for _, part := range []string{"第2行“项目编号”列的值“" + tt.value + "”", "“" + tt.format + "”", "文本格式"} {
				if !strings.Contains(got[0], part) {
					t.Errorf("error = %q, want it to contain %q", got[0], part)
				}
			}
		})
	}
}

// A number under a format with a literal percent sign, such as 0.00"%"
// or 0.00\%, is shown as 0.85% for 0.85, so it reads as 0.85 percent,
// with no warning. Under the real 0% format the same 0.85 reads as 85.
func TestXLSXLiteralPercentFormats(t *testing.T) {
	w := newTestWorkbook(testSheet{name: "进度", rows: []string{
		row(1, progressHeaderCells...),
		row(2, text("宁波市海曙区"), text("NB-1"), text("a"), text("2026Q3"), number("0.85", 8)),
		row(3, text("宁波市海曙区"), text("NB-2"), text("b"), text("2026Q3"), typedNumber("0.6", 9)),
		row(4, text("宁波市海曙区"), text("NB-3"), text("c"), text("2026Q3"), number("0.85", stylePercent0)),
		row(5, text("宁波市海曙区"), text("NB-4"), text("d"), text("2026Q3"), number("0.5", stylePercent2)),
		row(6, text("宁波市海曙区"), text("NB-5"), text("e"), text("2026Q3"), number("17", 10)),
		row(7, text("宁波市海曙区"), text("NB-6"), text("f"), text("2026Q3"), number("1", 11)),
	}})
	w.formats[167] = `0.00"%"`
	w.formats[168] = `0.00\%`
	w.formats[169] = `0"%"`
	w.formats[170] = `0.0" ％"`
	w.styles = append(w.styles, 167, 168, 169, 170)

	res := parseWorkbook(t, w, Options{})
	requireNoErrors(t, res)
	var got []string
	for _, r := range res.Batch.Progress {
		got = append(got, percentString(r.Percent))
	}
	want := []string{"0.85", "0.6", "85", "50", "17", "1"}
	if !slices.Equal(got, want) {
		t.Errorf("完成率 = %q, want %q", got, want)
	}
	if len(res.Warnings) != 0 {
		t.Errorf("warnings = %q, want none for values shown with %%", issueStrings(res.Warnings))
	}
}

// Alone in its column, a literal-percent cell still reads as the percent
// it shows: no bare number makes the column a fraction column.
func TestXLSXLiteralPercentAlone(t *testing.T) {
	w := newTestWorkbook(testSheet{name: "进度", rows: []string{
		row(1, progressHeaderCells...),
		row(2, text("宁波市海曙区"), text("NB-1"), text("a"), text("2026Q3"), number("0.85", 8)),
		row(3, text("宁波市海曙区"), text("NB-2"), text("b"), text("2026Q3"), number("0.5", 8)),
	}})
	w.formats[167] = `0.00"%"`
	w.styles = append(w.styles, 167)
	res := parseWorkbook(t, w, Options{})
	requireNoErrors(t, res)
	for i, want := range []string{"0.85", "0.5"} {
		if got := percentString(res.Batch.Progress[i].Percent); got != want {
			t.Errorf("row %d 完成率 = %s, want %s", i+2, got, want)
		}
	}
}

// Rows that a sheet hides, by hand or by a filter, are data in the file
// and are imported, with one warning that names them, since the clerk
// could not see them.
func TestXLSXHiddenRows(t *testing.T) {
	rows := []string{row(1, progressHeaderCells...)}
	for n := 2; n <= 14; n++ {
		r := row(n, text("余姚市"), text(fmt.Sprintf("NB-%d", n)), text("项目"), text("2026Q3"), number("0.5", stylePercent0))
		if n >= 3 {
			r = strings.Replace(r, fmt.Sprintf(`<row r="%d">`, n), fmt.Sprintf(`<row r="%d" hidden="1">`, n), 1)
		}
		rows = append(rows, r)
	}
	rows = append(rows, `<row r="15" hidden="true"></row>`)
	res := parseWorkbook(t, newTestWorkbook(testSheet{name: "进度", rows: rows}), Options{})
	requireNoErrors(t, res)
	if got := len(res.Batch.Progress); got != 13 {
		t.Errorf("records = %d, want 13, the hidden rows included", got)
	}
	want := []string{"t.xlsx 工作表“进度”第3行在表格中是隐藏的（隐藏或筛选掉的行），仍作为数据导入；" +
		"本工作表共有12个隐藏的数据行：第3、4、5、6、7、8、9、10、11、12等行，" +
		"如果这些行不应上传，请删除这些行后重新上传；筛选只改变显示，不会去掉文件中的行"}
	if got := issueStrings(res.Warnings); !slices.Equal(got, want) {
		t.Errorf("warnings = %q, want %q", got, want)
	}
}

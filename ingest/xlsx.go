package ingest

import (
	"archive/zip"
	"bytes"
	"errors"
	"fmt"
	"io"
	"math"
	"regexp"
	"strconv"
	"strings"
	"time"

	"saima"
)

// DefaultMaxXLSXBytes is the largest XLSX workbook read when
// Options.MaxXLSXBytes is 0: 200 MiB, both compressed and unpacked. A
// workbook of 100 000 progress rows unpacks to about 40 MB.
const DefaultMaxXLSXBytes = 200 << 20

// xlsxSource reads the rows of one worksheet as a stream, with every cell
// as text. A numeric cell formatted as a percent reads as its value times
// 100 with a % sign, so 0.85 reads as 85%. A numeric cell formatted as a
// date reads as the ISO date of its serial number, never as its displayed
// text. A formula cell reads as its cached result, a boolean as TRUE or
// FALSE, and a merged range gives its value to every cell it covers.
type xlsxSource struct {
	name    string // worksheet name
	rows    *sheetRows
	merges  *mergeFill
	pos     int       // number of the row returned last
	pending *sheetRow // the row read ahead, when rows before it are missing
	ended   bool

	// otherSheets names the other visible worksheets when this one was
	// chosen as the first visible one, for otherSheetsIssue, and book
	// opens them for sameDatasetIssue.
	otherSheets []string
	book        *xlsxBook

	// exampleMark is the mark of a template's example row as the template
	// wrote it, or "" when the sheet has none. A row anywhere with that
	// mark is the example.
	exampleMark string
}

// sheetRow is one <row> element of a worksheet.
type sheetRow struct {
	n        int
	hidden   bool // the row is hidden, by hand or by a filter
	cells    []string
	formulas []uncomputedFormula // cells whose formula has no stored result

	longNumbers    []int           // 0-based columns of number cells of 16 or more integer digits
	formattedCodes []formattedCode // number cells under a code format
}

// uncomputedFormula is a formula cell that a file keeps without its
// result. Excel stores the result of every formula when it saves, but
// files that other programs write may leave it out, and saima does not
// compute formulas.
type uncomputedFormula struct {
	column  int // 0-based
	formula string
}

// newXLSXSource opens the workbook in r and worksheet sheet, or the first
// visible worksheet when sheet is "". A workbook above limit bytes, or
// whose parts unpack to more than limit bytes by its zip directory, is
// rejected before anything is unpacked.
func newXLSXSource(r io.Reader, sheet string, limit int64) (*xlsxSource, error) {
	data, err := io.ReadAll(io.LimitReader(r, limit+1))
	if err != nil {
		return nil, fmt.Errorf("read upload: %w", err)
	}
	if int64(len(data)) > limit {
		return nil, saima.Errorf(saima.KindInvalid,
			"xlsx文件超过%s的上限；请删除不需要的工作表、图片和空白行列，或拆分后分批上传", formatSize(limit))
	}
	zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		return nil, errDamagedXLSX(err)
	}
	if err := checkUnpackedSize(zr, limit); err != nil {
		return nil, err
	}
	if err := zipError(zr); err != nil {
		return nil, err
	}

	book, err := openBook(zr)
	if err != nil {
		return nil, errDamagedXLSX(err)
	}
	ws, err := pickSheet(book.sheets, sheet)
	if err != nil {
		return nil, err
	}
	src, err := openSheet(book, ws)
	if err != nil {
		return nil, err
	}
	if sheet == "" {
		for _, s := range book.sheets {
			if s.visible && s.name != ws.name {
				src.otherSheets = append(src.otherSheets, s.name)
			}
		}
		src.book = book
	}
	return src, nil
}

// sameDatasetIssue returns a warning that names the other visible
// worksheets whose header names every required column of s, when the
// first visible one was read because the upload named none. A clerk who
// keeps each month on a sheet of its own may have meant another one,
// and the first sheet would import in its place without a word.
func (x *xlsxSource) sameDatasetIssue(s *schema) (Issue, bool) {
	var same []string
	for _, name := range x.otherSheets {
		if x.sheetFits(name, s) {
			same = append(same, "“"+name+"”")
		}
	}
	if len(same) == 0 {
		return Issue{}, false
	}
	return Issue{
		Severity: SeverityWarning,
		// Issue.String puts 工作表“…” before the reason.
		Reason: fmt.Sprintf("已导入：上传时没有指定工作表，所以读取了文件中第一个可见的工作表，而工作表%s也有%s的表头",
			strings.Join(same, "、"), s.title),
		Fix: "如果要上传的是其他工作表，请在上传时的“工作表”一栏填写它的名称（命令行用 --sheet）后重新上传",
	}, true
}

// sheetFits reports whether the top rows of the visible worksheet name
// hold a header that names every required column of s. A sheet that
// cannot be read does not fit.
func (x *xlsxSource) sheetFits(name string, s *schema) bool {
	recs, ok := x.topRows(name)
	return ok && headerFits(recs, s) >= 0
}

// topRows returns the first headerSearchRows rows of the visible
// worksheet name, and false when it cannot be read.
//
// NOTE: openSheet reads the whole part once to find its merged ranges,
// which a two-row header needs, so each other sheet costs one pass over
// its XML even though only its top rows are read.
func (x *xlsxSource) topRows(name string) ([]record, bool) {
	ws, err := pickSheet(x.book.sheets, name)
	if err != nil {
		return nil, false
	}
	src, err := openSheet(x.book, ws)
	if err != nil {
		return nil, false
	}
	defer func() {
		if !src.ended {
			src.rows.close()
		}
	}()
	var recs []record
	for len(recs) < headerSearchRows {
		rec, err := src.next()
		if err != nil {
			break
		}
		recs = append(recs, rec)
	}
	return recs, true
}

// headerFits returns how many columns of s the header in recs names
// when it names every required one, and -1 otherwise.
func headerFits(recs []record, s *schema) int {
	c, ok := chooseHeader(recs, s)
	if !ok {
		return -1
	}
	required, total := c.match(s)
	if required != len(s.required()) {
		return -1
	}
	return total
}

// sheetDataset is a worksheet and the dataset whose header it holds.
type sheetDataset struct {
	sheet string
	title string // the dataset's Chinese name, such as 进度填报
}

// unitSheets returns the other visible worksheets whose header is one of
// a dataset that a unit's account may upload, each with the dataset whose
// columns it names most, when the first visible one was read because the
// upload named none.
func (x *xlsxSource) unitSheets() []sheetDataset {
	var out []sheetDataset
	for _, name := range x.otherSheets {
		recs, ok := x.topRows(name)
		if !ok {
			continue
		}
		var best *schema
		bestTotal := -1
		for _, s := range schemas {
			if officeOnly[s.dataset] {
				continue
			}
			if total := headerFits(recs, s); total > bestTotal {
				best, bestTotal = s, total
			}
		}
		if best != nil {
			out = append(out, sheetDataset{sheet: name, title: best.title})
		}
	}
	return out
}

// otherSheetsIssue returns the issue that points the uploader to the
// other visible worksheets, when the first one was read because the upload
// named none and its header could not be read. A workbook often opens
// with a sheet of instructions (填报说明) before the data.
func (x *xlsxSource) otherSheetsIssue() (Issue, bool) {
	if len(x.otherSheets) == 0 {
		return Issue{}, false
	}
	return Issue{
		// Issue.String puts 工作表“…” before the reason.
		Reason: fmt.Sprintf("是文件中第一个可见的工作表：上传时没有指定工作表，所以读取了它，而文件中还有工作表：%s",
			strings.Join(x.otherSheets, "、")),
		Fix: "如果数据在其他工作表，请在上传时的“工作表”一栏填写它的名称（命令行用 --sheet），然后重新上传",
	}, true
}

func errDamagedXLSX(err error) error {
	return saima.Wrap(saima.KindInvalid,
		"无法打开xlsx文件，文件可能已损坏或设有密码；请用Excel或WPS打开后另存为xlsx再上传", err)
}

// checkUnpackedSize rejects a workbook whose parts add up to more than
// limit bytes unpacked, as the zip directory states their sizes. Reading
// a part stops at its stated size, so the statement cannot lie.
func checkUnpackedSize(zr *zip.Reader, limit int64) error {
	var total uint64
	for _, f := range zr.File {
		total += f.UncompressedSize64
		if total > uint64(limit) {
			return saima.Errorf(saima.KindInvalid,
				"xlsx文件解压后超过%s的上限，可能含有大量空白行列、图片或异常内容；请删除后另存为xlsx，或拆分后分批上传",
				formatSize(limit))
		}
	}
	return nil
}

// formatSize writes a byte count for messages, in MB when it is whole.
func formatSize(n int64) string {
	if n >= 1<<20 && n%(1<<20) == 0 {
		return strconv.FormatInt(n>>20, 10) + " MB"
	}
	return strconv.FormatInt(n, 10) + " 字节"
}

// openSheet finds the merged ranges of ws and starts reading its rows.
func openSheet(book *xlsxBook, ws xlsxSheet) (*xlsxSource, error) {
	unreadable := func(err error) error {
		return saima.Wrap(saima.KindInvalid, fmt.Sprintf("无法读取工作表“%s”，请检查文件是否完整", ws.name), err)
	}
	rc, err := book.open(ws.part)
	if err != nil {
		return nil, unreadable(err)
	}
	merges, err := scanMerges(rc)
	rc.Close()
	if err != nil {
		return nil, unreadable(err)
	}
	rows, err := book.openRows(ws.part)
	if err != nil {
		return nil, unreadable(err)
	}
	src := &xlsxSource{name: ws.name, rows: rows, merges: newMergeFill(merges)}
	_, src.exampleMark = findExample(book.names, ws.name)
	return src, nil
}

// pickSheet returns the worksheet called want (compared in compact form),
// or the first visible one when want is "".
func pickSheet(sheets []xlsxSheet, want string) (xlsxSheet, error) {
	if want != "" {
		names := make([]string, len(sheets))
		for i, s := range sheets {
			if compact(s.name) == compact(want) {
				return s, nil
			}
			names[i] = s.name
		}
		return xlsxSheet{}, saima.Errorf(saima.KindInvalid,
			"文件中没有名为“%s”的工作表，现有的工作表为：%s；请填写其中之一，或留空读取第一个可见的工作表，然后重新上传",
			want, strings.Join(names, "、"))
	}
	for _, s := range sheets {
		if s.visible {
			return s, nil
		}
	}
	return xlsxSheet{}, saima.Errorf(saima.KindInvalid, "文件中没有可见的工作表，请取消隐藏要上传的工作表后重新上传")
}

// next returns the next row. Rows that the sheet leaves out come back as
// empty records, so row numbers match what a spreadsheet shows. Reading
// ends with the last row the sheet has.
func (s *xlsxSource) next() (record, error) {
	if s.pending == nil && !s.ended {
		row, err := s.rows.next()
		switch {
		case err == io.EOF:
			s.ended = true
			s.rows.close()
		case errors.As(err, new(*columnLimitError)):
			s.rows.close()
			ref := err.(*columnLimitError).ref
			return record{}, saima.Wrap(saima.KindInvalid, fmt.Sprintf("工作表“%s”第%d行的单元格“%s”超出了Excel的最后一列XFD（第%d列），"+
				"Excel和WPS不会写出这样的单元格，文件可能已损坏或由其他程序生成；请用Excel或WPS打开后另存为xlsx再上传",
				s.name, s.rows.last, shortValue(ref), maxXLSXColumns), err)
		case err != nil:
			s.rows.close()
			return record{}, saima.Wrap(saima.KindInvalid,
				fmt.Sprintf("无法读取工作表“%s”，请检查文件是否完整", s.name), err)
		default:
			s.pending = &row
		}
	}
	if s.pending == nil {
		return record{}, io.EOF
	}

	s.pos++
	var cells []string
	var formulas []uncomputedFormula
	var longNumbers []int
	var codes []formattedCode
	hidden := false
	if s.pending.n <= s.pos {
		cells, formulas = s.pending.cells, s.pending.formulas
		longNumbers, codes = s.pending.longNumbers, s.pending.formattedCodes
		hidden = s.pending.hidden
		s.pending = nil
	}
	cells, codes = s.merges.fill(s.pos, cells, codes)
	rec := record{row: s.pos, cells: cells, fields: -1, formulas: formulas,
		longNumbers: longNumbers, formattedCodes: codes, hidden: hidden}
	// The example is looked for on every row, because sorting the sheet
	// moves it without moving the name that marks it.
	rec.example = s.exampleMark != "" && s.pos > 1 && exampleMark(rec.cells) == s.exampleMark
	return rec, nil
}

func (s *xlsxSource) sheet() string { return s.name }

// separator returns 0, because worksheet cells are not split from text.
func (s *xlsxSource) separator() rune { return 0 }

// hasReplacement returns false, because XLSX text is always Unicode.
func (s *xlsxSource) hasReplacement() bool { return false }

// numberText formats a numeric cell at Excel's precision: the stored
// double rounded to 15 significant digits, the most that Excel takes as
// typed and shows. A writer stores 0.867 as 0.86699999999999999, and Excel
// stores the formula 20.1+60.7 as 80.800000000000011, which it shows as
// 80.8. Both read as what the clerk saw, and no binary noise reaches the
// checks of decimal places.
func numberText(raw string, nf numberFormat, date1904 bool) string {
	v, err := strconv.ParseFloat(strings.TrimSpace(raw), 64)
	if err != nil || math.IsInf(v, 0) || math.IsNaN(v) {
		return raw
	}
	if nf.date {
		return serialText(v, date1904, nf.day)
	}
	d := saima.ExcelDecimal(v)
	switch {
	case nf.percent:
		return d.Shift(2).String() + "%"
	case nf.literalPercent:
		return d.String() + "%"
	}
	if text := d.String(); nf.digits > len(text) && d.IsInteger() && !d.IsNegative() {
		// As the format shows it: 123 under 00000 is 00123.
		return strings.Repeat("0", nf.digits-len(text)) + text
	}
	return d.String()
}

// serialText turns a date serial into 2026-09-30, or 2026-09 when the
// format shows no day. The serial's fraction is a time of day, which is
// Beijing time already and is dropped. Serial 60 of the 1900 date system
// is 1900-02-29, which Excel counts although 1900 was not a leap year. It
// comes back as that text, which the date parser rejects as no such day.
// So does serial 0, which Excel shows as 1900-01-00.
func serialText(serial float64, date1904, day bool) string {
	d, ok := serialDate(serial, date1904)
	switch {
	case !ok && !date1904 && math.Floor(serial) == 60:
		return "1900-02-29"
	case !ok && !date1904 && math.Floor(serial) == 0:
		return "1900-01-00" // as Excel shows serial 0, so the message names what the clerk sees
	case !ok:
		return strconv.FormatFloat(serial, 'f', -1, 64)
	case !day:
		return fmt.Sprintf("%04d-%02d", d.Year, int(d.Month))
	}
	return d.String()
}

// serialDate converts a date serial to a day. In the 1900 system, serial 1
// is 1900-01-01 and serials from 61 on count from 1899-12-30, because
// Excel treats 1900 as a leap year. In the 1904 system, serial 0 is
// 1904-01-01.
func serialDate(serial float64, date1904 bool) (saima.Date, bool) {
	days := int(math.Floor(serial))
	var base time.Time
	switch {
	case date1904 && days >= 0:
		base = time.Date(1904, 1, 1, 0, 0, 0, 0, time.UTC)
	case date1904, days < 1, days == 60:
		return saima.Date{}, false
	case days < 60:
		base = time.Date(1899, 12, 31, 0, 0, 0, 0, time.UTC)
	default:
		base = time.Date(1899, 12, 30, 0, 0, 0, 0, time.UTC)
	}
	t := base.AddDate(0, 0, days)
	return saima.NewDate(t.Year(), t.Month(), t.Day()), true
}

// numberFormat is what matters about a cell's number format here.
type numberFormat struct {
	percent bool // the value is a fraction shown as a percent

	// literalPercent is set for a format that shows the number itself
	// followed by a literal percent sign, such as 0.00"%" or 0.00\%:
	// 0.85 shows as 0.85%.
	literalPercent bool

	date bool // the value is a date serial
	day  bool // the format shows the day, not just the year and month

	// digits is the number of zeros of a code format (see codeformat.go),
	// such as 5 for 00000, which shows 123 as 00123. It is 0 for other
	// formats. Clerks format code columns so to keep leading zeros.
	digits int

	// code is the format code of a code format, and prefix and suffix
	// are its literal text around the zeros: NB-2026- for "NB-2026-"000.
	code, prefix, suffix string

	// otherLiteral is set, with code, for a number format that shows
	// literal text or leading zeros but is no code format, such as
	// "NB-"#000 or 00000.00. A code column cannot read such a cell as
	// shown.
	otherLiteral bool
}

// builtinFormat classifies the built-in number formats that are percents
// or dates, as excelize v2.11.1 lists them in its built-in and zh-cn
// tables (numfmt.go). Of the East Asian ids 27–36 and 50–58, ids 27, 36,
// 50, 52 and 57 show only the year and month. Time-only formats stay plain
// numbers.
func builtinFormat(id int) numberFormat {
	switch {
	case id == 9 || id == 10:
		return numberFormat{percent: true}
	case id == 17 || id == 27 || id == 36 || id == 50 || id == 52 || id == 57:
		return numberFormat{date: true}
	case id >= 14 && id <= 16, id == 22, id >= 28 && id <= 31, id == 51, id >= 53 && id <= 54, id == 58:
		return numberFormat{date: true, day: true}
	}
	return numberFormat{}
}

// formatLiterals matches the parts of a format code that are shown as they
// are rather than read as format tokens: quoted text, escaped characters
// and bracketed colours, locales and conditions.
var formatLiterals = regexp.MustCompile(`"[^"]*"|\\.|\[[^\]]*\]|_.|\*.`)

// splitZeros matches zeros split by a character shown as it is, as in
// 000-00 or 00 00 00: a code format of two groups, whose shown text
// saima does not render. Read as a plain number, 12345 would be stored
// where the sheet shows 123-45.
var splitZeros = regexp.MustCompile(`0[$\-+/():!^&'~{}<>= ]+0`)

// literalPercent matches a number format section, colours and padding
// removed, that shows a number and then a percent sign as literal text,
// quoted or escaped: 0.00"%", 0.00\% or #,##0.0" ％". Unlike 0.00%, it
// does not multiply by 100, so 0.85 shows as 0.85%.
var literalPercent = regexp.MustCompile(`^[#0?,.]*[#0?][#0?,.]*(?:"\s*[%％]"|\\[%％])$`)

// formatPadding matches the parts of a format section that change
// neither the number nor its text: bracketed colours and locales, and
// _x padding.
var formatPadding = regexp.MustCompile(`\[(?:[A-Za-z]+[0-9]*|\$-[0-9A-Fa-f]+)\]|_.`)

// leadingZeros matches a format code, literals removed, whose integer part
// has two zeros or more, such as 00000.00 or #,#00000: it shows a small
// whole number with leading zeros. When such a format is no code format
// that saima renders, a code column must not read the bare number.
var leadingZeros = regexp.MustCompile(`^[^.e]*0[^.e]*0`)

// parseFormatCode classifies a custom format code such as 0.00%, 00000,
// "NB-"000, yyyy"年"m"月"d"日" or yy\年m\月d\日. Only the first section
// (for positive numbers) counts.
func parseFormatCode(code string) numberFormat {
	if literalPercent.MatchString(formatPadding.ReplaceAllString(firstSection(code), "")) {
		// Before the code formats, because 0"%" is zeros and literal text too.
		return numberFormat{literalPercent: true, code: code, otherLiteral: true}
	}
	if prefix, suffix, zeros, ok := parseCodeFormat(code); ok {
		return numberFormat{digits: zeros, code: code, prefix: prefix, suffix: suffix}
	}
	raw := code
	code = formatLiterals.ReplaceAllString(code, "")
	code, _, _ = strings.Cut(code, ";")
	code = strings.ToLower(code)
	switch {
	case code == "general":
		return numberFormat{}
	case strings.Contains(code, "%"):
		return numberFormat{percent: true}
	case strings.ContainsAny(code, "yd"):
		return numberFormat{date: true, day: strings.Contains(code, "d")}
	case literalText.MatchString(firstSection(raw)), splitZeros.MatchString(code), leadingZeros.MatchString(code):
		return numberFormat{code: raw, otherLiteral: true}
	}
	return numberFormat{}
}

// firstSection returns the part of a format code before its first
// semicolon outside quotes, the section for positive numbers.
func firstSection(code string) string {
	return formatSections(code)[0]
}

// formatSections splits a format code at its semicolons outside quotes.
// Without conditions, the sections are for positive numbers, negative
// numbers, zero and text, and a missing one falls back to the first.
func formatSections(code string) []string {
	var sections []string
	quoted, start := false, 0
	for i := 0; i < len(code); i++ {
		switch {
		case code[i] == '"':
			quoted = !quoted
		case code[i] == '\\' && !quoted:
			i++
		case code[i] == ';' && !quoted:
			sections = append(sections, code[start:i])
			start = i + 1
		}
	}
	return append(sections, code[start:])
}

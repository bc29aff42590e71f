package ingest

import (
	"fmt"
	"io"
	"math"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/shopspring/decimal"
	"github.com/xuri/excelize/v2"

	"saima"
)

// xlsxUnzipLimit caps the unpacked size of a workbook at 256 MiB, so that
// a small zip bomb cannot fill memory.
const xlsxUnzipLimit = 256 << 20

// xlsxSource reads the rows of one worksheet, with every cell as text. A
// numeric cell formatted as a percent reads as its value times 100 with a
// % sign, so 0.85 reads as 85%. A numeric cell formatted as a date reads
// as the ISO date of its serial number, never as its displayed text. A
// formula cell reads as its cached result, and a merged range gives its
// value to every cell it covers.
type xlsxSource struct {
	name string     // worksheet name
	rows [][]string // cells as text, merged ranges filled in
	pos  int        // index in rows of the next row to return
}

// newXLSXSource opens the workbook in r and reads worksheet sheet, or the
// first visible worksheet when sheet is "".
func newXLSXSource(r io.Reader, sheet string) (*xlsxSource, error) {
	f, err := excelize.OpenReader(r, excelize.Options{RawCellValue: true, UnzipSizeLimit: xlsxUnzipLimit})
	if err != nil {
		return nil, saima.Wrap(saima.KindInvalid,
			"无法打开xlsx文件，文件可能已损坏或设有密码；请用Excel或WPS打开后另存为xlsx再上传", err)
	}
	defer f.Close()

	name, err := pickSheet(f, sheet)
	if err != nil {
		return nil, err
	}
	x := &xlsxReader{f: f, sheet: name, formats: map[int]numberFormat{}}
	rows, err := x.readRows()
	if err != nil {
		return nil, saima.Wrap(saima.KindInvalid, fmt.Sprintf("无法读取工作表“%s”，请检查文件是否完整", name), err)
	}
	return &xlsxSource{name: name, rows: rows}, nil
}

// pickSheet returns the worksheet called want (compared in compact form),
// or the first visible one when want is "".
func pickSheet(f *excelize.File, want string) (string, error) {
	sheets := f.GetSheetList()
	if want != "" {
		for _, s := range sheets {
			if compact(s) == compact(want) {
				return s, nil
			}
		}
		return "", saima.Errorf(saima.KindInvalid,
			"文件中没有名为“%s”的工作表，现有的工作表为：%s", want, strings.Join(sheets, "、"))
	}
	for _, s := range sheets {
		if visible, err := f.GetSheetVisible(s); err == nil && visible {
			return s, nil
		}
	}
	return "", saima.Errorf(saima.KindInvalid, "文件中没有可见的工作表，请取消隐藏要上传的工作表后重新上传")
}

// next returns the next row. Rows that the sheet leaves out come back as
// empty records, so row numbers match what a spreadsheet shows.
func (s *xlsxSource) next() (record, error) {
	if s.pos >= len(s.rows) {
		return record{}, io.EOF
	}
	s.pos++
	return record{row: s.pos, cells: s.rows[s.pos-1], fields: -1}, nil
}

func (s *xlsxSource) sheet() string { return s.name }

// separator returns 0, because worksheet cells are not split from text.
func (s *xlsxSource) separator() rune { return 0 }

// hasReplacement returns false, because XLSX text is always Unicode.
func (s *xlsxSource) hasReplacement() bool { return false }

// xlsxReader turns the raw cells of one worksheet into text.
type xlsxReader struct {
	f        *excelize.File
	sheet    string
	date1904 bool
	formats  map[int]numberFormat // style index -> its number format
}

func (x *xlsxReader) readRows() ([][]string, error) {
	props, err := x.f.GetWorkbookProps()
	if err != nil {
		return nil, fmt.Errorf("read workbook properties: %w", err)
	}
	x.date1904 = props.Date1904 != nil && *props.Date1904

	rows, err := x.f.GetRows(x.sheet, excelize.Options{RawCellValue: true})
	if err != nil {
		return nil, fmt.Errorf("read rows: %w", err)
	}
	for i, row := range rows {
		for j, raw := range row {
			if raw == "" {
				continue
			}
			if row[j], err = x.cellText(j+1, i+1, raw); err != nil {
				return nil, err
			}
		}
	}
	return x.fillMerged(rows)
}

// cellText converts the raw value of the cell at col, row into text.
func (x *xlsxReader) cellText(col, row int, raw string) (string, error) {
	ref, err := excelize.CoordinatesToCellName(col, row)
	if err != nil {
		return "", err
	}
	typ, err := x.f.GetCellType(x.sheet, ref)
	if err != nil {
		return "", fmt.Errorf("cell %s type: %w", ref, err)
	}
	switch typ {
	case excelize.CellTypeBool:
		if raw == "1" {
			return "TRUE", nil
		}
		return "FALSE", nil
	case excelize.CellTypeDate:
		// An ISO 8601 date cell; its time of day is Beijing time and dropped.
		day, _, _ := strings.Cut(raw, "T")
		return day, nil
	case excelize.CellTypeNumber, excelize.CellTypeUnset:
		format, err := x.format(ref)
		if err != nil {
			return "", err
		}
		return x.numberText(raw, format), nil
	}
	return raw, nil
}

// format returns the number format of the cell at ref.
func (x *xlsxReader) format(ref string) (numberFormat, error) {
	idx, err := x.f.GetCellStyle(x.sheet, ref)
	if err != nil {
		return numberFormat{}, fmt.Errorf("cell %s style: %w", ref, err)
	}
	if nf, ok := x.formats[idx]; ok {
		return nf, nil
	}
	style, err := x.f.GetStyle(idx)
	if err != nil {
		return numberFormat{}, fmt.Errorf("style %d: %w", idx, err)
	}
	nf := builtinFormat(style.NumFmt)
	if style.CustomNumFmt != nil {
		nf = parseFormatCode(*style.CustomNumFmt)
	}
	x.formats[idx] = nf
	return nf, nil
}

// numberText formats a numeric cell. The raw value is the shortest decimal
// that reads back as the stored double, so 0.867 stays 0.867 even where a
// writer stored 0.86699999999999999.
func (x *xlsxReader) numberText(raw string, nf numberFormat) string {
	v, err := strconv.ParseFloat(raw, 64)
	if err != nil || math.IsInf(v, 0) || math.IsNaN(v) {
		return raw
	}
	switch {
	case nf.percent:
		return decimal.NewFromFloat(v).Shift(2).String() + "%"
	case nf.date:
		return serialText(v, x.date1904, nf.day)
	}
	return strconv.FormatFloat(v, 'f', -1, 64)
}

// serialText turns a date serial into 2026-09-30, or 2026-09 when the
// format shows no day. The serial's fraction is a time of day, which is
// Beijing time already and is dropped. Serial 60 of the 1900 date system
// is 1900-02-29, which Excel counts although 1900 was not a leap year. It
// comes back as that text, which the date parser rejects as no such day.
func serialText(serial float64, date1904, day bool) string {
	d, ok := serialDate(serial, date1904)
	switch {
	case !ok && !date1904 && math.Floor(serial) == 60:
		return "1900-02-29"
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

// fillMerged copies the text of each merged range's top-left cell into
// every cell the range covers, so that a two-row header and a unit name
// merged over several rows read the same in each row.
func (x *xlsxReader) fillMerged(rows [][]string) ([][]string, error) {
	merges, err := x.f.GetMergeCells(x.sheet, true)
	if err != nil {
		return nil, fmt.Errorf("read merged cells: %w", err)
	}
	for _, m := range merges {
		c1, r1, err1 := excelize.CellNameToCoordinates(m.GetStartAxis())
		c2, r2, err2 := excelize.CellNameToCoordinates(m.GetEndAxis())
		if err1 != nil || err2 != nil || r1 > len(rows) || c1 > len(rows[r1-1]) {
			continue
		}
		value := rows[r1-1][c1-1]
		for r := r1; r <= r2; r++ {
			for len(rows) < r {
				rows = append(rows, nil)
			}
			for len(rows[r-1]) < c2 {
				rows[r-1] = append(rows[r-1], "")
			}
			for c := c1; c <= c2; c++ {
				rows[r-1][c-1] = value
			}
		}
	}
	return rows, nil
}

// numberFormat is what matters about a cell's number format here.
type numberFormat struct {
	percent bool // the value is a fraction shown as a percent
	date    bool // the value is a date serial
	day     bool // the format shows the day, not just the year and month
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

// parseFormatCode classifies a custom format code such as 0.00%,
// yyyy"年"m"月"d"日" or yy\年m\月d\日. Only the first section (for
// positive numbers) counts.
func parseFormatCode(code string) numberFormat {
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
	}
	return numberFormat{}
}

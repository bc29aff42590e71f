package ingest

import (
	"crypto/sha256"
	"encoding/hex"
	"regexp"
	"slices"
	"strconv"
	"strings"
)

// exampleNamePrefix starts the defined name with which a template marks
// its example row. The rest of the name is the mark of the row's cells,
// so the name itself carries it. Excel keeps defined names when it saves
// and moves them with the row when rows are inserted above it.
const exampleNamePrefix = "saima_example_"

// exampleCellText starts the text of the cell right of a template's
// example row. Saving the workbook as CSV drops the defined name but
// keeps this text, so a file without the name finds its example row by
// the text and the check code after it (see splitExampleMark). A template whose example cannot import for the account adds
// why after it.
const exampleCellText = "示例行：原样上传时不导入；填写实际数据时请清空这一格"

// hasExampleCell reports whether the last filled cell of a row starts
// with exampleCellText.
func hasExampleCell(cells []string) bool {
	return exampleCell(cells) >= 0
}

// exampleCell returns the index of a row's last filled cell when it starts
// with exampleCellText, and -1 otherwise.
func exampleCell(cells []string) int {
	for i := len(cells) - 1; i >= 0; i-- {
		if c := trimText(cells[i]); c != "" {
			if strings.HasPrefix(c, exampleCellText) {
				return i
			}
			return -1
		}
	}
	return -1
}

// exampleCodeRE matches the check code that a template writes into the
// example's mark cell right after exampleCellText, such as （核对码 1a2b3c4d）.
var exampleCodeRE = regexp.MustCompile(`^（核对码 ([0-9a-f]{8})）`)

// exampleCodeText returns the text that carries code in a mark cell.
func exampleCodeText(code string) string { return "（核对码 " + code + "）" }

// splitExampleMark returns the check code and the note that the mark cell
// text adds to exampleCellText. The code is "" in the mark of a template
// written before marks carried one.
func splitExampleMark(text string) (code, note string) {
	rest := strings.TrimPrefix(trimText(text), exampleCellText)
	if m := exampleCodeRE.FindStringSubmatch(rest); m != nil {
		code, rest = m[1], rest[len(m[0]):]
	}
	return code, strings.TrimPrefix(rest, "。")
}

// exampleValuesCode returns the check code of a row's values: the first 4
// bytes of the SHA-256 of each column's value, read as its kind reads it,
// in hex. cols[i] is the column of cells[i], or nil. Blank values are left
// out and the columns are taken by name, so the code does not change when
// a spreadsheet program saves a date, a percent or a number in another
// form, or when columns are moved.
func exampleValuesCode(cols []*column, cells []string) string {
	type field struct{ name, value string }
	var fields []field
	for i, c := range cols {
		if c == nil || c.kind == kindIgnored || i >= len(cells) {
			continue
		}
		if v := exampleValue(c, cells[i]); v != "" {
			fields = append(fields, field{c.name, v})
		}
	}
	slices.SortFunc(fields, func(a, b field) int { return strings.Compare(a.name, b.name) })
	h := sha256.New()
	for _, f := range fields {
		h.Write([]byte(f.name))
		h.Write([]byte{0x1f})
		h.Write([]byte(f.value))
		h.Write([]byte{0x1e})
	}
	return hex.EncodeToString(h.Sum(nil)[:4])
}

// exampleValue returns a cell as the kind of column c reads it, such as
// 2026-10-15 for 2026/10/15 and 85 for 85.00% or 0.85, or the cell
// normalised when it does not read as that kind.
func exampleValue(c *column, raw string) string {
	s := normalize(raw)
	switch c.kind {
	case kindDate:
		if d, prob := parseAnyDate(s); prob == nil {
			return d.String()
		}
	case kindPeriod:
		if p, prob := parsePeriod(s); prob == nil {
			return p.String()
		}
	case kindPercent:
		// The template's percent column is in fraction form, so a bare
		// 0.85 reads as 85%.
		if pc, prob := readPercent(s); prob == nil {
			if v := pc.percent(true); v.Valid {
				return v.Decimal.String()
			}
			return ""
		}
	case kindNumber:
		if d, ok := parseDecimal(s); ok {
			return d.String()
		}
	case kindChoice:
		if v, ok := choose(s, c.choices); ok {
			return v
		}
	}
	return s
}

// exampleMark returns the mark of a row's cells: the first 8 bytes of
// the SHA-256 of the cells, trailing spaces and empty cells left out, in
// hex. A row whose mark is the one its template recorded was not edited.
func exampleMark(cells []string) string {
	end := len(cells)
	for end > 0 && strings.TrimSpace(cells[end-1]) == "" {
		end--
	}
	h := sha256.New()
	for _, c := range cells[:end] {
		h.Write([]byte(strings.TrimSpace(c)))
		h.Write([]byte{0x1f})
	}
	return hex.EncodeToString(h.Sum(nil)[:8])
}

// sheetRowRef matches the start of a reference such as '进度填报'!$A$2:$H$2
// or 进度填报!A2:H2: the sheet name, quoted or not, and the first row.
var sheetRowRef = regexp.MustCompile(`^(?:'((?:[^']|'')+)'|([^'!]+))!\$?[A-Za-z]{1,3}\$?([0-9]+)`)

// findExample returns the row and mark of the example row that a defined
// name marks on sheet, or 0 and "" when none does. A name whose reference
// a program replaced with #REF!, because the row was deleted, marks none.
func findExample(names []definedName, sheet string) (int, string) {
	for _, n := range names {
		mark, ok := strings.CutPrefix(n.name, exampleNamePrefix)
		if !ok {
			continue
		}
		m := sheetRowRef.FindStringSubmatch(n.refersTo)
		if m == nil {
			continue
		}
		name := m[2]
		if m[1] != "" {
			name = strings.ReplaceAll(m[1], "''", "'")
		}
		row, err := strconv.Atoi(m[3])
		if name != sheet || err != nil || row <= 0 {
			continue
		}
		return row, strings.ToLower(mark)
	}
	return 0, ""
}

// skipUnchangedExample leaves out the example row at row, whose values
// are those the template wrote.
func (p *parser) skipUnchangedExample(row int) {
	p.exampleUnchanged = true
	p.skipExample(Issue{Row: row, Reason: "是下载模板中的示例行，内容没有改动，未导入",
		Fix: "如果这一行是实际数据，请改成实际内容后重新上传；如果只是示例，可以删除这一行", Severity: SeverityWarning})
}

// skipMarkedExample leaves out rec, whose cell at index mark is the
// example mark, when it is still the example, and reports whether it did.
// A workbook with the defined name found its example by the cells
// already, so there the row is data. Otherwise the mark's check code
// decides: the row is the example while its values give that code. A mark
// without a code, from a template written before marks carried one,
// cannot show whether the row was edited, so it alone decides.
func (p *parser) skipMarkedExample(rec record, h *header, mark int) bool {
	if p.xlsx != nil && p.xlsx.exampleMark != "" {
		return false
	}
	code, _ := splitExampleMark(rec.cells[mark])
	switch {
	case code == "":
		// NOTE: a row typed over the example of such an older template
		// is still left out. The warning asks the clerk to clear the mark.
		p.exampleByCell = true
		p.skipExample(Issue{Row: rec.row, Severity: SeverityWarning,
			Reason: "带有下载模板中示例行的标记“" + exampleCellText + "”，未导入",
			Fix:    "如果这一行是实际数据，请清空这一格后重新上传；如果只是示例，可以删除这一行"})
		return true
	case code == exampleValuesCode(h.columns, rec.cells):
		p.skipUnchangedExample(rec.row)
		return true
	}
	return false
}

// exampleMarkLeft returns the warning about a row that imports although
// its cell at index mark still carries the example mark.
func exampleMarkLeft(row, mark int) *Issue {
	cell := columnLetter(mark) + strconv.Itoa(row)
	return &Issue{Row: row, Severity: SeverityWarning,
		Reason: "与下载模板中的示例不同，已作为实际数据导入，但" + cell + "单元格仍留有示例行的标记",
		Fix:    "请清空" + cell + "单元格，以免查看文件的人把这一行当作示例"}
}

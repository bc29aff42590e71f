package ingest

import (
	"fmt"
	"strings"

	"github.com/xuri/excelize/v2"
)

// checkShape reports rows whose fields do not line up with the header and
// returns whether the row can be read. Text rows are checked against the
// header's width, counted up to its last named column:
//
//   - one field containing full-width commas is a row split with "，": error;
//   - more non-empty fields than the header has columns is usually a
//     comma inside unquoted text: error, naming the likely text. A row
//     with exactly as many fields as the header line, which has blank
//     cells after its named columns, is Excel's padding to a cell filled
//     under a blank header instead: the data under unnamed columns is
//     reported as below;
//   - fewer fields than the header is a row that Excel cut short after
//     its last filled cell: warning, and the missing fields read as empty;
//   - empty fields beyond the header are ignored.
//
// XLSX rows have no shape of their own; only data under unnamed columns is
// reported, for both formats.
func (p *parser) checkShape(rec record, h *header) bool {
	if rec.fields >= 0 {
		if text, ok := fullWidthRow(rec.cells); ok && h.width > 1 {
			p.issue(Issue{Row: rec.row, Value: text,
				Reason: "只有1个字段，字段之间用的是中文逗号“，”",
				Fix:    "请改用英文逗号“,”分隔各列，或改为上传xlsx文件"})
			return false
		}
		padded := len(h.names) > h.width && rec.fields == len(h.names)
		if used := usedFields(rec.cells); used > h.width && !padded {
			p.tooManyFields(rec, h, used)
			return false
		}
		if rec.fields < h.width {
			p.issue(Issue{Row: rec.row, Severity: SeverityWarning,
				Reason: fmt.Sprintf("只有%d个字段，少于表头的%d列，缺少的字段按空白读取", rec.fields, h.width),
				Fix:    "如有漏填的内容，请补齐后重新上传"})
		}
	}
	p.checkUnnamed(rec, h)
	return true
}

// fullWidthRow reports whether cells is a single field that full-width
// commas would split into several, and returns that field.
func fullWidthRow(cells []string) (string, bool) {
	if len(cells) != 1 || !strings.Contains(cells[0], "，") {
		return "", false
	}
	return cells[0], true
}

// semicolonRow reports whether cells is a single field that semicolons
// split into several, as spreadsheet programs set to some European
// locales save CSV, and returns that field.
func semicolonRow(cells []string) (string, bool) {
	if usedFields(cells) != 1 || strings.Count(cells[0], ";") < 1 {
		return "", false
	}
	return cells[0], true
}

// usedFields returns the number of fields up to the last non-empty one.
func usedFields(cells []string) int {
	n := len(cells)
	for n > 0 && trimText(cells[n-1]) == "" {
		n--
	}
	return n
}

// tooManyFields reports a text row with more fields than the header and
// names the text that most likely contains the unquoted separator.
func (p *parser) tooManyFields(rec record, h *header, used int) {
	sep, sepName := ",", "逗号"
	if p.src.separator() == '\t' {
		sep, sepName = "\t", "制表符"
	}
	i := Issue{Row: rec.row,
		Reason: fmt.Sprintf("有%d个字段，多于表头的%d列，可能有内容中的%s没有加引号", used, h.width, sepName),
		Fix:    "请把含有" + sepName + "的内容放在一对英文双引号中，或改用中文逗号“，”，也可以改为上传xlsx文件"}
	if text, ok := p.guessUnquoted(rec.cells[:used], h, sep); ok {
		i.Value = text
		i.Reason = fmt.Sprintf("有%d个字段，多于表头的%d列，可能是“%s”中的%s没有加引号", used, h.width, shortValue(text), sepName)
		i.Fix = "请把这段文字放在一对英文双引号中，或把其中的" + sepName + "改成中文逗号“，”，也可以改为上传xlsx文件"
	}
	p.issue(i)
}

// guessUnquoted finds the free-text column whose text, rejoined from
// several fields, makes the rest of the row line up best with the header:
// the most typed columns (units, codes, dates, periods, numbers) then read
// as valid values. Among equally good candidates the leftmost wins.
func (p *parser) guessUnquoted(cells []string, h *header, sep string) (string, bool) {
	extra := len(cells) - h.width
	best, bestFit := "", -1
	for i := range h.width {
		if c := h.columns[i]; c == nil || c.kind != kindText {
			continue
		}
		text := strings.Join(cells[i:i+extra+1], sep)
		joined := append(append(append([]string{}, cells[:i]...), text), cells[i+extra+1:]...)
		if fit := p.fit(joined, h); fit > bestFit {
			best, bestFit = text, fit
		}
	}
	return best, bestFit >= 0
}

// fit counts the typed columns of h whose cells read as valid values.
func (p *parser) fit(cells []string, h *header) int {
	n := 0
	for i, c := range h.columns {
		if c != nil && i < len(cells) && p.accepts(c, cells[i]) {
			n++
		}
	}
	return n
}

// accepts reports whether v is a valid value for a typed column c. Free
// text is not counted, because it accepts anything.
func (p *parser) accepts(c *column, v string) bool {
	switch c.kind {
	case kindCode:
		return normalize(v) != ""
	case kindUnit:
		_, ok := p.roster.resolve(v)
		return ok
	case kindDate:
		_, prob := parseDate(normalize(v))
		return prob == nil
	case kindPeriod:
		_, prob := parsePeriod(v)
		return prob == nil
	case kindPercent:
		_, prob := readPercent(v)
		return prob == nil
	case kindNumber:
		_, ok := parseDecimal(v)
		return ok
	case kindChoice:
		_, ok := choose(v, c.choices)
		return ok
	}
	return false
}

// checkUnnamed warns once per column about data under a column that has
// no name in the header.
func (p *parser) checkUnnamed(rec record, h *header) {
	for i, cell := range rec.cells {
		if i < len(h.names) && h.names[i] != "" || p.unnamed[i] || trimText(cell) == "" {
			continue
		}
		if strings.HasPrefix(trimText(cell), exampleCellText) {
			continue // the mark of a template's example row, warned about on its own
		}
		p.unnamed[i] = true
		letter, _ := excelize.ColumnNumberToName(i + 1)
		p.issue(Issue{Row: rec.row, Value: cell, Severity: SeverityWarning,
			Reason: "第" + letter + "列有内容，但这一列没有列名，其中的内容没有导入",
			Fix:    "如果这列需要导入，请在表头补上列名"})
	}
}

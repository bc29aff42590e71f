package ingest

import (
	"math"
	"regexp"
	"strconv"
	"strings"
	"unicode/utf8"

	"saima"
)

// A code format is a custom number format made of zeros and literal text,
// such as 00000 or "NB-2026-"000. Clerks format a code column so, to type
// only the number of each code: 17 shows as 00017 or NB-2026-017. Such a
// cell is read as shown when it sits in a code column.

// formattedCode is a number cell under a code format.
type formattedCode struct {
	column int    // 0-based
	number string // the number the cell stores, at Excel's precision
	shown  string // the text the format shows, when exact
	format string // the format code, for the error message

	// exact is set for a whole number from 0 up, which the format shows
	// unchanged. A fraction shows rounded, and where a negative number's
	// sign goes depends on the format's other sections, which saima does
	// not render.
	exact bool

	reason string // the reason the shown text is unknown, set when not exact
}

// bareLiterals are the characters that a format code shows as they are
// without quotes or a backslash. Microsoft's page "Formats for text and
// spacing" lists $ - + / ( ) : and space, and Excel's dialog escapes the
// rest when a clerk types them, but other programs may write them bare.
const bareLiterals = "$-+/():!^&'~{}<>= "

// currencySymbol matches a bracketed currency such as [$¥-804], which
// shows its symbol.
var currencySymbol = regexp.MustCompile(`^\[\$[^-\]]+`)

// literalText matches text that a format code shows as it is: quoted,
// escaped with a backslash, or a bracketed currency symbol.
var literalText = regexp.MustCompile(`"[^"]+"|\\.|\[\$[^-\]]+`)

// parseCodeFormat returns the literal text before and after the zeros of
// the first section of a code format, and how many zeros there are. It
// reports false for any other format, and for a lone 0 without literal
// text, which shows a whole number as General does. Colours and locales
// are skipped, and _x padding is a space. A fill (*x) repeats x across
// the cell's width, which saima does not know, so it is no code format.
func parseCodeFormat(code string) (prefix, suffix string, zeros int, ok bool) {
	var lit strings.Builder
	for i := 0; i < len(code); i++ {
		c := code[i]
		switch {
		case c == ';':
			i = len(code)
			continue
		case c == '0' && (zeros == 0 || lit.Len() == 0):
			if zeros == 0 {
				prefix = lit.String()
				lit.Reset()
			}
			zeros++
			continue
		case c == '"':
			end := strings.IndexByte(code[i+1:], '"')
			if end < 0 {
				return "", "", 0, false
			}
			lit.WriteString(code[i+1 : i+1+end])
			i += end + 1
		case c == '\\' && i+1 < len(code):
			_, size := utf8.DecodeRuneInString(code[i+1:])
			lit.WriteString(code[i+1 : i+1+size])
			i += size
		case c == '_' && i+1 < len(code):
			// _x pads with a space as wide as x, so that positive and
			// negative numbers line up. A code's spaces at its ends are
			// trimmed, and one inside is an error on the code.
			_, size := utf8.DecodeRuneInString(code[i+1:])
			lit.WriteByte(' ')
			i += size
		case strings.IndexByte(bareLiterals, c) >= 0:
			lit.WriteByte(c)
		case c == '[':
			// A condition such as [>99999] picks the section by value, so
			// the first one may not be the one shown.
			end := strings.IndexByte(code[i:], ']')
			if end < 0 || currencySymbol.MatchString(code[i:i+end+1]) || strings.ContainsAny(code[i+1:i+2], "<>=") {
				return "", "", 0, false
			}
			i += end
		default:
			return "", "", 0, false
		}
	}
	if zeros == 0 {
		return "", "", 0, false
	}
	suffix = lit.String()
	if zeros == 1 && prefix == "" && suffix == "" {
		return "", "", 0, false
	}
	return prefix, suffix, zeros, true
}

// formatCode returns the number raw under nf as a code, with its column
// left for the caller to set. It returns false when nf is neither a code
// format nor one with literal text, or raw is no number. A number of 16
// or more integer digits is left to the long-number check.
func formatCode(raw string, nf numberFormat) (formattedCode, bool) {
	if nf.code == "" {
		return formattedCode{}, false
	}
	v, err := strconv.ParseFloat(strings.TrimSpace(raw), 64)
	if err != nil || math.IsInf(v, 0) || math.IsNaN(v) || math.Abs(v) >= 1e15 {
		return formattedCode{}, false
	}
	d := saima.ExcelDecimal(v)
	fc := formattedCode{format: nf.code, number: d.String()}
	switch {
	case nf.otherLiteral:
		fc.reason = "系统无法按这种格式还原表格中显示的编号"
		return fc, true
	case !d.IsInteger() || d.IsNegative():
		fc.reason = "负数或带小数的数字按这种格式显示时会改变，系统无法确定表格中显示的编号"
		return fc, true
	case d.IsZero() && len(formatSections(nf.code)) >= 3:
		fc.reason = "0按这种格式的第三段显示，系统无法确定表格中显示的编号"
		return fc, true
	}
	text := d.String()
	if len(text) < nf.digits {
		text = strings.Repeat("0", nf.digits-len(text)) + text
	}
	fc.shown, fc.exact = nf.prefix+text+nf.suffix, true
	return fc, true
}

// formattedCodes sets each code cell of rec that holds a number under a
// code format to the text the format shows. It records an error for such
// a cell whose number the format would show changed, and reports whether
// there was one. Cells in other columns keep the number.
func (p *parser) formattedCodes(rec record, h *header) bool {
	found := false
	for _, fc := range rec.formattedCodes {
		i := fc.column
		if i >= len(h.columns) || h.columns[i] == nil || h.columns[i].kind != kindCode || i >= len(rec.cells) {
			continue
		}
		if fc.exact {
			rec.cells[i] = fc.shown
			continue
		}
		found = true
		p.issue(Issue{Row: rec.row, Column: h.names[i], Value: fc.number,
			Reason: "是以数字保存的编号，单元格的数字格式为“" + fc.format + "”，" + fc.reason,
			Fix:    "请先把这一列的单元格设为文本格式，再重新输入完整的编号，然后重新上传"})
	}
	return found
}

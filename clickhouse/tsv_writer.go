package clickhouse

import (
	"bufio"
	"strconv"

	"github.com/shopspring/decimal"

	"saima"
)

// tsvWriter encodes rows as TabSeparated text straight from the record
// types, without the [][]any of [Engine.Insert]. Every value comes out as
// writeTSVField writes the same value, so both paths give the engine the
// same bytes. Errors stick in the bufio.Writer and come back from Flush.
type tsvWriter struct {
	w *bufio.Writer

	// suffix ends every row: the upload ID, a tab, the version and a
	// newline, since every data table ends with upload_id and version.
	// Each value before it is written with its tab.
	suffix []byte
	num    []byte // scratch space for numbers
}

func newTSVWriter(w *bufio.Writer, uploadID string, version uint64) *tsvWriter {
	t := &tsvWriter{w: w}
	b := appendEscapedTSV(nil, uploadID)
	b = append(b, '\t')
	b = strconv.AppendUint(b, version, 10)
	t.suffix = append(b, '\n')
	return t
}

// str writes s escaped, followed by a tab.
func (t *tsvWriter) str(s string) {
	t.escaped(s)
	t.w.WriteByte('\t')
}

// escaped writes s with the TabSeparated escapes of escapeTSV, copying
// the runs between escaped bytes whole.
func (t *tsvWriter) escaped(s string) {
	start := 0
	for i := 0; i < len(s); i++ {
		esc := tsvEscape(s[i])
		if esc == 0 {
			continue
		}
		t.w.WriteString(s[start:i])
		t.w.WriteByte('\\')
		t.w.WriteByte(esc)
		start = i + 1
	}
	t.w.WriteString(s[start:])
}

// tsvEscape returns the letter that follows the backslash in the escaped
// form of c, or 0 when c is written as it is.
func tsvEscape(c byte) byte {
	switch c {
	case '\\':
		return '\\'
	case '\t':
		return 't'
	case '\n':
		return 'n'
	case '\r':
		return 'r'
	case 0:
		return '0'
	}
	return 0
}

func appendEscapedTSV(b []byte, s string) []byte {
	for i := 0; i < len(s); i++ {
		if esc := tsvEscape(s[i]); esc != 0 {
			b = append(b, '\\', esc)
		} else {
			b = append(b, s[i])
		}
	}
	return b
}

func (t *tsvWriter) null() { t.w.WriteString("\\N\t") }

func (t *tsvWriter) uint(v uint64) {
	t.num = strconv.AppendUint(t.num[:0], v, 10)
	t.num = append(t.num, '\t')
	t.w.Write(t.num)
}

func (t *tsvWriter) bool(v bool) {
	if v {
		t.w.WriteString("1\t")
	} else {
		t.w.WriteString("0\t")
	}
}

func (t *tsvWriter) date(d saima.Date) {
	t.num = appendDate(t.num[:0], d)
	t.num = append(t.num, '\t')
	t.w.Write(t.num)
}

func (t *tsvWriter) nullDate(d *saima.Date) {
	if d == nil {
		t.null()
		return
	}
	t.date(*d)
}

func (t *tsvWriter) decimal(d decimal.Decimal) {
	t.w.WriteString(d.String())
	t.w.WriteByte('\t')
}

func (t *tsvWriter) nullDecimal(d decimal.NullDecimal) {
	if !d.Valid {
		t.null()
		return
	}
	t.decimal(d.Decimal)
}

// strs writes an Array(String) value the way writeTSVField does.
func (t *tsvWriter) strs(v []string) {
	writeTSVArray(t.w, v)
	t.w.WriteByte('\t')
}

// period writes p as Period.String does.
func (t *tsvWriter) period(p saima.Period) {
	t.num = appendPeriod(t.num[:0], p)
	t.num = append(t.num, '\t')
	t.w.Write(t.num)
}

// end writes the upload ID and version that end the row.
func (t *tsvWriter) end() { t.w.Write(t.suffix) }

// appendDate appends d as Date.String formats it, without fmt for the
// years 0 to 9999.
func appendDate(b []byte, d saima.Date) []byte {
	if d.Year < 0 || d.Year > 9999 || d.Month < 0 || d.Month > 99 || d.Day < 0 || d.Day > 99 {
		return append(b, d.String()...)
	}
	b = appendDigits(b, d.Year, 4)
	b = append(b, '-')
	b = appendDigits(b, int(d.Month), 2)
	b = append(b, '-')
	return appendDigits(b, d.Day, 2)
}

// appendPeriod appends p as Period.String formats it, without fmt for the
// years 0 to 9999.
func appendPeriod(b []byte, p saima.Period) []byte {
	if p.Year < 0 || p.Year > 9999 || p.Index < 0 || p.Index > 99 {
		return append(b, p.String()...)
	}
	switch p.Kind {
	case saima.PeriodQuarter:
		b = appendDigits(b, p.Year, 4)
		b = append(b, 'Q')
		return strconv.AppendInt(b, int64(p.Index), 10)
	case saima.PeriodMonth:
		b = appendDigits(b, p.Year, 4)
		b = append(b, '-')
		return appendDigits(b, p.Index, 2)
	case saima.PeriodYear:
		return appendDigits(b, p.Year, 4)
	}
	return append(b, p.String()...)
}

// appendDigits appends n, which is not negative, zero-padded to width
// digits.
func appendDigits(b []byte, n, width int) []byte {
	start := len(b)
	b = strconv.AppendInt(b, int64(n), 10)
	for len(b)-start < width {
		b = append(b, 0)
		copy(b[start+1:], b[start:])
		b[start] = '0'
	}
	return b
}

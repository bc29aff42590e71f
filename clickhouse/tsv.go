package clickhouse

import (
	"bytes"
	"errors"
	"fmt"
	"reflect"
	"strconv"
	"strings"
	"time"

	"github.com/shopspring/decimal"

	"saima"
)

// insertTSV returns an INSERT statement whose rows travel as TabSeparated
// data after the FORMAT clause. The data is parsed by the format reader, not
// the SQL parser, so no value can change the statement.
func insertTSV(table string, columns []string, rows [][]any) (string, error) {
	var b bytes.Buffer
	fmt.Fprintf(&b, "INSERT INTO %s (%s) FORMAT TabSeparated\n", table, strings.Join(columns, ", "))
	if err := writeTSVRows(&b, table, columns, rows); err != nil {
		return "", err
	}
	return b.String(), nil
}

// writeTSVRows writes rows as TabSeparated text, one line per row.
func writeTSVRows(b tsvSink, table string, columns []string, rows [][]any) error {
	for i, row := range rows {
		if len(row) != len(columns) {
			return fmt.Errorf("insert into %s: row %d has %d values for %d columns", table, i+1, len(row), len(columns))
		}
		for j, v := range row {
			if j > 0 {
				b.WriteByte('\t')
			}
			if err := writeTSVField(b, v); err != nil {
				return fmt.Errorf("insert into %s: row %d column %s: %w", table, i+1, columns[j], err)
			}
		}
		b.WriteByte('\n')
	}
	return nil
}

// tsvSink is the destination of TabSeparated text: a *bytes.Buffer for an
// inline INSERT or a *bufio.Writer for a staging file.
type tsvSink interface {
	WriteString(s string) (int, error)
	WriteByte(c byte) error
}

func writeTSVField(b tsvSink, v any) error {
	switch x := v.(type) {
	case nil:
		b.WriteString(`\N`)
	case string:
		escapeTSV(b, x)
	case saima.Date:
		b.WriteString(x.String())
	case *saima.Date:
		if x == nil {
			b.WriteString(`\N`)
		} else {
			b.WriteString(x.String())
		}
	case time.Time:
		b.WriteString(x.In(saima.Beijing).Format(time.DateTime))
	case []string:
		writeTSVArray(b, x)
	default:
		lit, err := literal(v)
		if err != nil {
			return err
		}
		if lit == "NULL" {
			lit = `\N`
		}
		b.WriteString(lit)
	}
	return nil
}

// writeTSVArray writes an Array(String) field as ClickHouse reads it in
// TabSeparated: ['a','b'], each element quoted and escaped once, with the
// TabSeparated escapes and \' for a quote. The field is not escaped again.
func writeTSVArray(b tsvSink, elems []string) {
	b.WriteByte('[')
	for i, e := range elems {
		if i > 0 {
			b.WriteByte(',')
		}
		b.WriteByte('\'')
		for j := 0; j < len(e); j++ {
			if e[j] == '\'' {
				b.WriteString(`\'`)
				continue
			}
			escapeTSV(b, e[j:j+1])
		}
		b.WriteByte('\'')
	}
	b.WriteByte(']')
}

func escapeTSV(b tsvSink, s string) {
	for i := 0; i < len(s); i++ {
		switch c := s[i]; c {
		case '\\':
			b.WriteString(`\\`)
		case '\t':
			b.WriteString(`\t`)
		case '\n':
			b.WriteString(`\n`)
		case '\r':
			b.WriteString(`\r`)
		case 0:
			b.WriteString(`\0`)
		default:
			b.WriteByte(c)
		}
	}
}

// tsvRows reads TabSeparatedWithNamesAndTypes output.
type tsvRows struct {
	names  []string
	types  []string
	arrays []bool // which columns are arrays
	lines  [][]byte
	cur    []string
	null   []bool
	i      int
	err    error
}

func newTSVRows(out []byte) (*tsvRows, error) {
	lines := bytes.Split(out, []byte{'\n'})
	if n := len(lines); n > 0 && len(lines[n-1]) == 0 {
		lines = lines[:n-1]
	}
	if len(lines) < 2 {
		return nil, errors.New("result has no header lines")
	}
	r := &tsvRows{lines: lines[2:], i: -1}
	r.names, _ = splitTSV(lines[0], nil)
	r.types, _ = splitTSV(lines[1], nil)
	r.arrays = make([]bool, len(r.types))
	for i, t := range r.types {
		r.arrays[i] = strings.HasPrefix(t, "Array(")
	}
	return r, nil
}

func (r *tsvRows) Columns() []string { return r.names }

func (r *tsvRows) Next() bool {
	if r.err != nil {
		return false
	}
	r.i++
	if r.i >= len(r.lines) {
		return false
	}
	r.cur, r.null = splitTSV(r.lines[r.i], r.arrays)
	if len(r.cur) != len(r.names) {
		r.err = fmt.Errorf("result row %d has %d fields for %d columns", r.i+1, len(r.cur), len(r.names))
		return false
	}
	return true
}

func (r *tsvRows) Err() error   { return r.err }
func (r *tsvRows) Close() error { return nil }

func (r *tsvRows) Scan(dest ...any) error {
	if r.cur == nil {
		return errors.New("scan called without a current row")
	}
	if len(dest) != len(r.cur) {
		return fmt.Errorf("scan: %d destinations for %d columns", len(dest), len(r.cur))
	}
	for i, d := range dest {
		if err := scanValue(d, r.cur[i], r.null[i], r.types[i]); err != nil {
			return fmt.Errorf("scan column %s (%s): %w", r.names[i], r.types[i], err)
		}
	}
	return nil
}

// splitTSV splits one line into fields and reports which were \N. It
// unescapes each field except those that arrays marks: an array's
// elements are escaped once, inside their quotes, and parseArray
// unescapes them.
func splitTSV(line []byte, arrays []bool) ([]string, []bool) {
	parts := bytes.Split(line, []byte{'\t'})
	fields := make([]string, len(parts))
	nulls := make([]bool, len(parts))
	for i, p := range parts {
		switch {
		case string(p) == `\N`:
			nulls[i] = true
		case i < len(arrays) && arrays[i]:
			fields[i] = string(p)
		default:
			fields[i] = unescapeTSV(p)
		}
	}
	return fields, nulls
}

func unescapeTSV(p []byte) string {
	if bytes.IndexByte(p, '\\') < 0 {
		return string(p)
	}
	var b strings.Builder
	b.Grow(len(p))
	for i := 0; i < len(p); i++ {
		c := p[i]
		if c != '\\' || i+1 == len(p) {
			b.WriteByte(c)
			continue
		}
		i++
		b.WriteByte(unescapeByte(p[i]))
	}
	return b.String()
}

func unescapeByte(c byte) byte {
	switch c {
	case 'n':
		return '\n'
	case 't':
		return '\t'
	case 'r':
		return '\r'
	case '0':
		return 0
	case 'b':
		return '\b'
	case 'f':
		return '\f'
	}
	return c
}

func scanValue(dest any, s string, null bool, typ string) error {
	if rv := reflect.ValueOf(dest); rv.Kind() == reflect.Pointer && rv.Elem().Kind() == reflect.Pointer {
		// **T: a Nullable column read into an optional value.
		if null {
			rv.Elem().Set(reflect.Zero(rv.Elem().Type()))
			return nil
		}
		v := reflect.New(rv.Elem().Type().Elem())
		if err := scanValue(v.Interface(), s, false, typ); err != nil {
			return err
		}
		rv.Elem().Set(v)
		return nil
	}
	if nd, ok := dest.(*decimal.NullDecimal); ok {
		if null {
			*nd = decimal.NullDecimal{}
			return nil
		}
		d, err := decimal.NewFromString(s)
		*nd = decimal.NullDecimal{Decimal: d, Valid: err == nil}
		return err
	}
	if null {
		return fmt.Errorf("NULL read into %T; scan into a pointer to a pointer instead", dest)
	}
	return scanText(dest, s, typ)
}

func scanText(dest any, s, typ string) error {
	var err error
	switch d := dest.(type) {
	case *string:
		*d = s
	case *bool:
		*d = s == "1" || s == "true"
	case *int:
		*d, err = strconv.Atoi(s)
	case *int64:
		*d, err = strconv.ParseInt(s, 10, 64)
	case *uint8:
		var v uint64
		v, err = strconv.ParseUint(s, 10, 8)
		*d = uint8(v)
	case *uint32:
		var v uint64
		v, err = strconv.ParseUint(s, 10, 32)
		*d = uint32(v)
	case *uint64:
		*d, err = strconv.ParseUint(s, 10, 64)
	case *float64:
		*d, err = parseFloat(s)
	case *decimal.Decimal:
		*d, err = decimal.NewFromString(s)
	case *saima.Date:
		*d, err = saima.ParseDate(s)
	case *time.Time:
		*d, err = time.ParseInLocation(time.DateTime, s, zoneOf(typ))
	case *[]string:
		*d, err = parseArray(s)
	default:
		return fmt.Errorf("unsupported scan destination %T", dest)
	}
	return err
}

func parseFloat(s string) (float64, error) {
	switch s {
	case "nan", "-nan":
		s = "NaN"
	case "inf", "+inf":
		s = "+Inf"
	case "-inf":
		s = "-Inf"
	}
	return strconv.ParseFloat(s, 64)
}

// zoneOf returns the zone named in a DateTime('Zone') type, or Beijing.
func zoneOf(typ string) *time.Location {
	i := strings.Index(typ, "'")
	j := strings.LastIndex(typ, "'")
	if i < 0 || j <= i {
		return saima.Beijing
	}
	loc, err := time.LoadLocation(typ[i+1 : j])
	if err != nil {
		return saima.Beijing
	}
	return loc
}

// parseArray reads an Array(String) value in the quoted form ['a','b'].
func parseArray(s string) ([]string, error) {
	if len(s) < 2 || s[0] != '[' || s[len(s)-1] != ']' {
		return nil, fmt.Errorf("invalid array %q", s)
	}
	body := s[1 : len(s)-1]
	out := []string{}
	for i := 0; i < len(body); {
		switch body[i] {
		case ',', ' ':
			i++
			continue
		case '\'':
		default:
			return nil, fmt.Errorf("invalid array element at %d in %q", i, s)
		}
		end := skipQuoted(body, i)
		out = append(out, unquote(body[i+1:end-1]))
		i = end
	}
	return out, nil
}

func unquote(s string) string {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if s[i] == '\\' && i+1 < len(s) {
			i++
			b.WriteByte(unescapeByte(s[i]))
			continue
		}
		b.WriteByte(s[i])
	}
	return b.String()
}

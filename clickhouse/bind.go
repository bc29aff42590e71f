package clickhouse

import (
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"

	"github.com/shopspring/decimal"

	"saima"
)

// Bind replaces each `?` placeholder in query with the SQL literal of the
// matching argument, the way clickhouse-go binds on the client. Placeholders
// inside quoted strings, quoted identifiers and comments are left alone.
//
// Supported argument types: string, bool, the integer types, float64,
// decimal.Decimal, decimal.NullDecimal, saima.Date, *saima.Date,
// saima.Period (as its string), time.Time (as a Beijing DateTime), []string
// (as an Array(String) literal, for has()), []float64, []uint8, []uint32
// and nil (NULL).
func Bind(query string, args ...any) (string, error) {
	var b strings.Builder
	b.Grow(len(query) + 16*len(args))
	n := 0

	for i := 0; i < len(query); i++ {
		c := query[i]
		switch {
		case c == '\'' || c == '"' || c == '`':
			end := skipQuoted(query, i)
			b.WriteString(query[i:end])
			i = end - 1
		case c == '-' && strings.HasPrefix(query[i:], "--"):
			end := strings.IndexByte(query[i:], '\n')
			if end < 0 {
				end = len(query) - i
			}
			b.WriteString(query[i : i+end])
			i += end - 1
		case c == '?':
			if n >= len(args) {
				return "", fmt.Errorf("bind: query has more placeholders than the %d arguments", len(args))
			}
			lit, err := bindLiteral(args[n])
			if err != nil {
				return "", fmt.Errorf("bind argument %d: %w", n+1, err)
			}
			b.WriteString(lit)
			n++
		default:
			b.WriteByte(c)
		}
	}
	if n != len(args) {
		return "", fmt.Errorf("bind: query has %d placeholders but %d arguments", n, len(args))
	}
	return b.String(), nil
}

// skipQuoted returns the index just past the quoted token that starts at i,
// honouring backslash escapes and doubled quotes.
func skipQuoted(s string, i int) int {
	q := s[i]
	for j := i + 1; j < len(s); j++ {
		switch s[j] {
		case '\\':
			j++
		case q:
			if j+1 < len(s) && s[j+1] == q {
				j++
				continue
			}
			return j + 1
		}
	}
	return len(s)
}

// bindLiteral returns v as it appears in a statement. Decimals become
// toDecimal64 calls: ClickHouse 18.16 refuses to compare a Decimal column
// with a bare number, which it reads as a float. Every Decimal column of
// the schema has scale 4.
func bindLiteral(v any) (string, error) {
	switch x := v.(type) {
	case decimal.Decimal:
		return "toDecimal64('" + x.StringFixed(4) + "', 4)", nil
	case decimal.NullDecimal:
		if x.Valid {
			return bindLiteral(x.Decimal)
		}
	}
	return literal(v)
}

// literal returns v as a plain value, as the TabSeparated writer needs it.
func literal(v any) (string, error) {
	switch x := v.(type) {
	case nil:
		return "NULL", nil
	case string:
		return quote(x), nil
	case bool:
		if x {
			return "1", nil
		}
		return "0", nil
	case int:
		return strconv.Itoa(x), nil
	case int32:
		return strconv.FormatInt(int64(x), 10), nil
	case int64:
		return strconv.FormatInt(x, 10), nil
	case uint8:
		return strconv.FormatUint(uint64(x), 10), nil
	case uint32:
		return strconv.FormatUint(uint64(x), 10), nil
	case uint64:
		return strconv.FormatUint(x, 10), nil
	case float64:
		return floatLiteral(x), nil
	case decimal.Decimal:
		return x.String(), nil
	case decimal.NullDecimal:
		if !x.Valid {
			return "NULL", nil
		}
		return x.Decimal.String(), nil
	case saima.Date:
		return "toDate('" + x.String() + "')", nil
	case *saima.Date:
		if x == nil {
			return "NULL", nil
		}
		return "toDate('" + x.String() + "')", nil
	case saima.Period:
		return quote(x.String()), nil
	case time.Time:
		return "toDateTime('" + x.In(saima.Beijing).Format(time.DateTime) + "', 'Asia/Shanghai')", nil
	case []float64:
		parts := make([]string, len(x))
		for i, f := range x {
			parts[i] = floatLiteral(f)
		}
		return "[" + strings.Join(parts, ",") + "]", nil
	case []uint8:
		parts := make([]string, len(x))
		for i, v := range x {
			parts[i] = strconv.Itoa(int(v))
		}
		return "[" + strings.Join(parts, ",") + "]", nil
	case []uint32:
		parts := make([]string, len(x))
		for i, v := range x {
			parts[i] = strconv.FormatUint(uint64(v), 10)
		}
		return "[" + strings.Join(parts, ",") + "]", nil
	case []string:
		parts := make([]string, len(x))
		for i, s := range x {
			parts[i] = quote(s)
		}
		return "[" + strings.Join(parts, ", ") + "]", nil
	}
	return "", fmt.Errorf("unsupported type %T", v)
}

func floatLiteral(f float64) string {
	switch {
	case math.IsNaN(f):
		return "nan"
	case math.IsInf(f, 1):
		return "inf"
	case math.IsInf(f, -1):
		return "-inf"
	}
	return strconv.FormatFloat(f, 'g', -1, 64)
}

// quote returns s as a ClickHouse string literal. Backslash and quote are
// escaped; NUL is written as \0 because a literal cannot hold it raw.
func quote(s string) string {
	var b strings.Builder
	b.Grow(len(s) + 2)
	b.WriteByte('\'')
	for i := 0; i < len(s); i++ {
		switch c := s[i]; c {
		case '\\':
			b.WriteString(`\\`)
		case '\'':
			b.WriteString(`\'`)
		case 0:
			b.WriteString(`\0`)
		default:
			b.WriteByte(c)
		}
	}
	b.WriteByte('\'')
	return b.String()
}

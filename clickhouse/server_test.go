package clickhouse_test

import (
	"bytes"
	"context"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"math"
	"net"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/shopspring/decimal"

	"saima"
	"saima/clickhouse"
	"saima/clickhouse/chtest"
)

// These tests run the server engine against a real clickhouse-server (18.16
// on CI) that chtest starts. They use only the Engine interface, so they do
// not depend on the store.

// serverTestEngine returns an engine on a fresh database of the shared test
// server, and the database name.
func serverTestEngine(tb testing.TB) (clickhouse.Engine, *chtest.Server, string) {
	tb.Helper()
	srv := chtest.StartServer(tb)
	db := srv.NewDatabase(tb)
	return srv.Open(tb, db), srv, db
}

func serverExec(tb testing.TB, e clickhouse.Engine, query string, args ...any) {
	tb.Helper()
	if err := e.Exec(tb.Context(), query, args...); err != nil {
		tb.Fatalf("Exec(%q) = %v", query, err)
	}
}

// serverHTTP runs query over the server's HTTP interface, bypassing the
// engine under test, and returns its TabSeparated output without the final
// newline.
func serverHTTP(tb testing.TB, srv *chtest.Server, query string) string {
	tb.Helper()
	out, err := srv.HTTPQuery(tb.Context(), query)
	if err != nil {
		tb.Fatalf("HTTP query %q: %v", query, err)
	}
	return strings.TrimSuffix(out, "\n")
}

// serverQueryRow runs query and scans its only row into dest.
func serverQueryRow(tb testing.TB, e clickhouse.Engine, query string, args []any, dest ...any) error {
	tb.Helper()
	rows, err := e.Query(tb.Context(), query, args...)
	if err != nil {
		return err
	}
	defer rows.Close()
	if !rows.Next() {
		if err := rows.Err(); err != nil {
			return err
		}
		return errors.New("no row")
	}
	if err := rows.Scan(dest...); err != nil {
		return err
	}
	if rows.Next() {
		return errors.New("more than one row")
	}
	return rows.Err()
}

// serverShow formats a scan destination for comparison: NULL for a nil
// pointer or invalid NullDecimal, decimals and dates by their String method,
// times in RFC 3339 with their zone offset.
func serverShow(dest any) string {
	switch d := dest.(type) {
	case *decimal.Decimal:
		return d.String()
	case *decimal.NullDecimal:
		if !d.Valid {
			return "NULL"
		}
		return d.Decimal.String()
	case *saima.Date:
		return d.String()
	case *time.Time:
		return d.Format(time.RFC3339)
	case *[]string:
		return fmt.Sprintf("%q", *d)
	case **string:
		if *d == nil {
			return "NULL"
		}
		return **d
	case **int64:
		if *d == nil {
			return "NULL"
		}
		return fmt.Sprint(**d)
	case **decimal.Decimal:
		if *d == nil {
			return "NULL"
		}
		return (*d).String()
	case **saima.Date:
		if *d == nil {
			return "NULL"
		}
		return (*d).String()
	case **time.Time:
		if *d == nil {
			return "NULL"
		}
		return (*d).Format(time.RFC3339)
	}
	return fmt.Sprint(serverDeref(dest))
}

func serverDeref(p any) any {
	switch d := p.(type) {
	case *string:
		return *d
	case *bool:
		return *d
	case *int:
		return *d
	case *int64:
		return *d
	case *uint8:
		return *d
	case *uint32:
		return *d
	case *uint64:
		return *d
	case *float64:
		return *d
	}
	return p
}

func TestServerScan(t *testing.T) {
	e, _, _ := serverTestEngine(t)
	tests := []struct {
		name string
		expr string
		dest any
		want string
	}{
		{"String", "'甲'", new(string), "甲"},
		{"DecimalAsText", "toDecimal64('75.57', 4)", new(string), "75.57"},
		{"DecimalHundredAsText", "toDecimal64('100', 4)", new(string), "100"},
		{"DateAsText", "toDate('2026-09-30')", new(string), "2026-09-30"},
		{"DateTimeAsText", "toDateTime('2026-09-30 23:30:00', 'Asia/Shanghai')", new(string), "2026-09-30 23:30:00"},
		{"IntegerAsText", "toInt32(-5)", new(string), "-5"},
		{"BoolTrue", "toUInt8(1)", new(bool), "true"},
		{"BoolFalse", "toUInt8(0)", new(bool), "false"},
		{"Int", "toInt32(-2147483648)", new(int), "-2147483648"},
		{"Int64FromUInt32", "toUInt32(4294967295)", new(int64), "4294967295"},
		{"Int64Min", "toInt64(-9223372036854775808)", new(int64), "-9223372036854775808"},
		{"UInt8", "toUInt8(255)", new(uint8), "255"},
		{"UInt32", "toUInt32(4294967295)", new(uint32), "4294967295"},
		{"UInt64Max", "toUInt64(18446744073709551615)", new(uint64), "18446744073709551615"},
		{"Float64", "toFloat64(0.1)", new(float64), "0.1"},
		{"Float64FromDecimal", "toDecimal64('75.57', 4)", new(float64), "75.57"},
		{"Decimal", "toDecimal64('75.57', 4)", new(decimal.Decimal), "75.57"},
		{"DecimalHundred", "toDecimal64('100', 4)", new(decimal.Decimal), "100"},
		{"DecimalNegative", "toDecimal64('-0.0001', 4)", new(decimal.Decimal), "-0.0001"},
		{"DecimalFromInteger", "toInt64(3)", new(decimal.Decimal), "3"},
		{"NullDecimalValue", "CAST(toDecimal64('1.5', 4) AS Nullable(Decimal(18, 4)))", new(decimal.NullDecimal), "1.5"},
		{"NullDecimalNull", "CAST(NULL AS Nullable(Decimal(18, 4)))", new(decimal.NullDecimal), "NULL"},
		{"NullDecimalFromPlain", "toDecimal64('2', 4)", new(decimal.NullDecimal), "2"},
		{"Date", "toDate('2026-09-30')", new(saima.Date), "2026-09-30"},
		{"DateLeapDay", "toDate('2000-02-29')", new(saima.Date), "2000-02-29"},
		{"DateFromDateTimeBeijing", "toDateTime('2026-09-30 23:30:00', 'Asia/Shanghai')", new(saima.Date), "2026-09-30"},
		{"DateFromDateTimeUTC", "toDateTime('2026-09-30 20:00:00', 'UTC')", new(saima.Date), "2026-10-01"},
		{"DateFromString", "'2026-09-30'", new(saima.Date), "2026-09-30"},
		{"Time", "toDateTime('2026-09-30 23:30:00', 'Asia/Shanghai')", new(time.Time), "2026-09-30T23:30:00+08:00"},
		{"Array", "['a', '𠮷', '']", new([]string), `["a" "𠮷" ""]`},
		{"EmptyArray", "emptyArrayString()", new([]string), `[]`},
		{"NullableStringNull", "CAST(NULL AS Nullable(String))", new(*string), "NULL"},
		{"NullableStringValue", "CAST('x' AS Nullable(String))", new(*string), "x"},
		{"NullableInt64", "CAST(7 AS Nullable(Int64))", new(*int64), "7"},
		{"NullableDecimal", "CAST(toDecimal64('75.57', 4) AS Nullable(Decimal(18, 4)))", new(*decimal.Decimal), "75.57"},
		{"NullableDateNull", "CAST(NULL AS Nullable(Date))", new(*saima.Date), "NULL"},
		{"NullableDate", "CAST(toDate('2026-09-30') AS Nullable(Date))", new(*saima.Date), "2026-09-30"},
		{"PointerToPlainColumn", "toDate('2026-01-02')", new(*saima.Date), "2026-01-02"},
		{"NullLiteral", "NULL", new(*time.Time), "NULL"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if err := serverQueryRow(t, e, "SELECT "+tt.expr, nil, tt.dest); err != nil {
				t.Fatalf("SELECT %s into %T: %v", tt.expr, tt.dest, err)
			}
			if got := serverShow(tt.dest); got != tt.want {
				t.Errorf("SELECT %s into %T = %s, want %s", tt.expr, tt.dest, got, tt.want)
			}
		})
	}
}

func TestServerScanErrors(t *testing.T) {
	e, _, _ := serverTestEngine(t)
	tests := []struct {
		name    string
		expr    string
		dest    []any
		wantErr string
	}{
		{"NullIntoPlain", "CAST(NULL AS Nullable(String))", []any{new(string)}, "NULL read into *string"},
		{"OutOfRangeUInt8", "toUInt16(300)", []any{new(uint8)}, "out of range"},
		{"NegativeIntoUnsigned", "toInt8(-1)", []any{new(uint64)}, "out of range"},
		{"BoolFromTwo", "toUInt8(2)", []any{new(bool)}, "out of range"},
		{"ArrayIntoString", "['a']", []any{new(string)}, "cannot read"},
		{"StringIntoInt", "'5'", []any{new(int)}, "not an integer"},
		{"UnsupportedDestination", "toInt16(1)", []any{new(int16)}, "unsupported scan destination *int16"},
		{"TooFewDestinations", "1, 2", []any{new(int)}, "1 destinations for 2 columns"},
		{"NotAPointer", "1", []any{5}, "not a non-nil pointer"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := serverQueryRow(t, e, "SELECT "+tt.expr, nil, tt.dest...)
			if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
				t.Errorf("SELECT %s into %T = %v, want an error containing %q", tt.expr, tt.dest[0], err, tt.wantErr)
			}
		})
	}
}

// serverAllTypesDDL has a column for each type the schema uses.
const serverAllTypesDDL = `CREATE TABLE %s.all_types (
	id UInt32,
	s String,
	flag UInt8,
	i64 Int64,
	i32 Int32,
	u8 UInt8,
	u32 UInt32,
	u64 UInt64,
	f Float64,
	dec Decimal(18, 4),
	ndec Nullable(Decimal(18, 4)),
	day Date,
	nday Nullable(Date),
	ts DateTime('Asia/Shanghai'),
	arr Array(String),
	ns Nullable(String),
	ni Nullable(Int64),
	period String
) ENGINE = MergeTree() ORDER BY id`

type serverAllTypesRow struct {
	id     uint32
	s      string
	flag   bool
	i64    int64
	i32    int
	u8     uint8
	u32    uint32
	u64    uint64
	f      float64
	dec    decimal.Decimal
	ndec   decimal.NullDecimal
	day    saima.Date
	nday   *saima.Date
	ts     time.Time
	arr    []string
	ns     *string
	ni     *int64
	period string
}

func (r *serverAllTypesRow) dests() []any {
	return []any{&r.id, &r.s, &r.flag, &r.i64, &r.i32, &r.u8, &r.u32, &r.u64, &r.f, &r.dec, &r.ndec,
		&r.day, &r.nday, &r.ts, &r.arr, &r.ns, &r.ni, &r.period}
}

// show formats every field, so two rows compare as strings.
func (r *serverAllTypesRow) show() string {
	parts := make([]string, 0, 18)
	for _, d := range r.dests() {
		parts = append(parts, serverShow(d))
	}
	return strings.Join(parts, " | ")
}

func TestServerInsertRoundTrip(t *testing.T) {
	e, srv, db := serverTestEngine(t)
	serverExec(t, e, fmt.Sprintf(serverAllTypesDDL, db))

	due := saima.NewDate(2026, time.December, 31)
	text, seven := "值", int64(7)
	full := []any{uint32(1), "甲", true, int64(math.MinInt64), -5, uint8(255), uint32(math.MaxUint32),
		uint64(math.MaxUint64), 0.1, decimal.RequireFromString("75.57"),
		decimal.NullDecimal{Decimal: decimal.NewFromInt(100), Valid: true},
		saima.NewDate(2026, time.September, 30), &due,
		time.Date(2026, time.September, 30, 23, 30, 0, 0, saima.Beijing), []string{"x", "y 𠮷"},
		text, seven, saima.Quarter(2026, 3)}
	nulls := []any{2, "", false, 0, 0, 0, 0, 0, 0.0, decimal.NewFromInt(100),
		decimal.NullDecimal{}, saima.NewDate(2000, time.February, 29), (*saima.Date)(nil),
		time.Date(2026, time.January, 1, 0, 0, 0, 0, time.UTC), []string{}, nil, nil, saima.Month(2026, 9)}
	columns := []string{"id", "s", "flag", "i64", "i32", "u8", "u32", "u64", "f", "dec", "ndec",
		"day", "nday", "ts", "arr", "ns", "ni", "period"}
	if err := e.Insert(t.Context(), db+".all_types", columns, [][]any{full, nulls}); err != nil {
		t.Fatalf("Insert = %v", err)
	}

	rows, err := e.Query(t.Context(), "SELECT "+strings.Join(columns, ", ")+" FROM "+db+".all_types ORDER BY id")
	if err != nil {
		t.Fatalf("Query = %v", err)
	}
	defer rows.Close()
	want := []string{
		"1 | 甲 | true | -9223372036854775808 | -5 | 255 | 4294967295 | 18446744073709551615 | 0.1 | 75.57 | 100 | " +
			`2026-09-30 | 2026-12-31 | 2026-09-30T23:30:00+08:00 | ["x" "y 𠮷"] | 值 | 7 | 2026Q3`,
		"2 |  | false | 0 | 0 | 0 | 0 | 0 | 0 | 100 | NULL | " +
			"2000-02-29 | NULL | 2026-01-01T08:00:00+08:00 | [] | NULL | NULL | 2026-09",
	}
	for i := 0; rows.Next(); i++ {
		var r serverAllTypesRow
		if err := rows.Scan(r.dests()...); err != nil {
			t.Fatalf("Scan row %d = %v", i+1, err)
		}
		if i >= len(want) {
			t.Fatalf("got more than %d rows", len(want))
		}
		if got := r.show(); got != want[i] {
			t.Errorf("row %d =\n  %s\nwant\n  %s", i+1, got, want[i])
		}
	}
	if err := rows.Err(); err != nil {
		t.Fatalf("rows.Err() = %v", err)
	}
	if got, want := rows.Columns(), columns; strings.Join(got, ",") != strings.Join(want, ",") {
		t.Errorf("Columns() = %v, want %v", got, want)
	}

	// What the server stored, read without the engine under test.
	stored := serverHTTP(t, srv, "SELECT toString(dec), toString(ndec), toString(day), toString(nday), "+
		"toString(ts), isNull(ns), isNull(ni) FROM "+db+".all_types ORDER BY id")
	wantStored := "75.5700\t100.0000\t2026-09-30\t2026-12-31\t2026-09-30 23:30:00\t0\t0\n" +
		"100.0000\t\\N\t2000-02-29\t\\N\t2026-01-01 08:00:00\t1\t1"
	if stored != wantStored {
		t.Errorf("stored values =\n%s\nwant\n%s", stored, wantStored)
	}
}

func TestServerDecimalExact(t *testing.T) {
	e, srv, db := serverTestEngine(t)
	serverExec(t, e, "CREATE TABLE "+db+".money (id UInt8, amount Decimal(18, 4), "+
		"budget Nullable(Decimal(18, 4))) ENGINE = MergeTree() ORDER BY id")
	values := []string{"100", "75.57", "0.0001", "-12.5", "99999999999999.9999"}
	var rows [][]any
	for i, v := range values {
		d := decimal.RequireFromString(v)
		rows = append(rows, []any{uint8(i), d, decimal.NullDecimal{Decimal: d, Valid: true}})
	}
	if err := e.Insert(t.Context(), db+".money", []string{"id", "amount", "budget"}, rows); err != nil {
		t.Fatalf("Insert = %v", err)
	}

	for i, v := range values {
		t.Run(v, func(t *testing.T) {
			var amount decimal.Decimal
			var budget decimal.NullDecimal
			var text string
			err := serverQueryRow(t, e, "SELECT amount, budget, toString(amount) FROM "+db+".money WHERE id = ?",
				[]any{i}, &amount, &budget, &text)
			if err != nil {
				t.Fatal(err)
			}
			if amount.String() != v || !budget.Valid || budget.Decimal.String() != v {
				t.Errorf("amount, budget = %s, %v; want %s twice", amount, budget, v)
			}
			want := decimal.RequireFromString(v).StringFixed(4)
			if text != want {
				t.Errorf("toString(amount) = %s, want %s", text, want)
			}
		})
	}

	sum := serverHTTP(t, srv, "SELECT toString(sum(amount)) FROM "+db+".money")
	if want := "100000000000163.0700"; sum != want {
		t.Errorf("sum(amount) = %s, want %s", sum, want)
	}
}

// serverTrickyStrings must come back byte for byte from every path.
var serverTrickyStrings = []struct{ name, s string }{
	{"Quotes", `it's "quoted" and ` + "`backticked`"},
	{"Backslashes", `C:\path\to \\ \' \N \t`},
	{"TabNewline", "a\tb\nc\r\nd"},
	{"ScriptTag", "</script><script>alert(1)</script>"},
	{"SupplementaryPlane", "𠮷野家 🀄"},
	{"Chinese", "宁波市海曙区：完成率100%"},
	{"NUL", "a\x00b"},
	{"Placeholders", `? $1 @name \? -- not a comment /* nor this */ #`},
	{"Empty", ""},
	{"InvalidUTF8", "\xff\xfe"},
}

func TestServerStringsRoundTrip(t *testing.T) {
	e, srv, db := serverTestEngine(t)
	serverExec(t, e, "CREATE TABLE "+db+".texts (id UInt8, s String, arr Array(String)) ENGINE = MergeTree() ORDER BY id")
	var rows [][]any
	for i, tt := range serverTrickyStrings {
		rows = append(rows, []any{uint8(i), tt.s, []string{tt.s, "x"}})
	}
	if err := e.Insert(t.Context(), db+".texts", []string{"id", "s", "arr"}, rows); err != nil {
		t.Fatalf("Insert = %v", err)
	}

	for i, tt := range serverTrickyStrings {
		t.Run(tt.name, func(t *testing.T) {
			wantHex := strings.ToUpper(hex.EncodeToString([]byte(tt.s)))
			if got := serverHTTP(t, srv, fmt.Sprintf("SELECT hex(s) FROM %s.texts WHERE id = %d", db, i)); got != wantHex {
				t.Errorf("stored hex(s) = %s, want %s", got, wantHex)
			}

			var s string
			var arr []string
			if err := serverQueryRow(t, e, "SELECT s, arr FROM "+db+".texts WHERE id = ?", []any{i}, &s, &arr); err != nil {
				t.Fatal(err)
			}
			if s != tt.s {
				t.Errorf("Insert then SELECT s = %q, want %q", s, tt.s)
			}
			if len(arr) != 2 || arr[0] != tt.s {
				t.Errorf("Insert then SELECT arr = %q, want [%q \"x\"]", arr, tt.s)
			}

			var param string
			var n, length uint64
			err := serverQueryRow(t, e, "SELECT ?, length(?), (SELECT count() FROM "+db+".texts WHERE s = ? AND has(arr, ?))",
				[]any{tt.s, tt.s, tt.s, tt.s}, &param, &length, &n)
			if err != nil {
				t.Fatal(err)
			}
			if param != tt.s {
				t.Errorf("SELECT ? = %q, want %q", param, tt.s)
			}
			if length != uint64(len(tt.s)) {
				t.Errorf("length(?) = %d, want %d bytes", length, len(tt.s))
			}
			if n != 1 {
				t.Errorf("rows WHERE s = ? AND has(arr, ?) = %d, want 1", n)
			}

			var arrParam []string
			if err := serverQueryRow(t, e, "SELECT ?", []any{[]string{tt.s}}, &arrParam); err != nil {
				t.Fatal(err)
			}
			if len(arrParam) != 1 || arrParam[0] != tt.s {
				t.Errorf("SELECT ? with []string = %q, want [%q]", arrParam, tt.s)
			}
		})
	}
}

// TestServerParameters binds each argument type that [clickhouse.Bind]
// supports and filters on it, as the store's queries do.
func TestServerParameters(t *testing.T) {
	e, _, db := serverTestEngine(t)
	serverExec(t, e, "CREATE TABLE "+db+".facts (unit String, day Date, ts DateTime('Asia/Shanghai'), "+
		"score Decimal(18, 4), pct Nullable(Decimal(18, 4)), n UInt32, ok UInt8, f Float64, tags Array(String), period String) "+
		"ENGINE = MergeTree() PARTITION BY toYYYYMM(day) ORDER BY (unit, day)")
	serverExec(t, e, "INSERT INTO "+db+".facts SELECT '甲', toDate('2026-09-30'), "+
		"toDateTime('2026-09-30 23:30:00', 'Asia/Shanghai'), toDecimal64('75.57', 4), NULL, 7, 1, 0.5, ['a'], '2026Q3'")

	tests := []struct {
		name  string
		where string
		arg   any
	}{
		{"String", "unit = ?", "甲"},
		{"Date", "day = ?", saima.NewDate(2026, time.September, 30)},
		{"DatePointer", "day = ?", func() *saima.Date { d := saima.NewDate(2026, time.September, 30); return &d }()},
		{"Time", "ts = ?", time.Date(2026, time.September, 30, 15, 30, 0, 0, time.UTC)},
		{"Int", "n = ?", 7},
		{"Int64", "n = ?", int64(7)},
		{"UInt32", "n = ?", uint32(7)},
		{"UInt64", "n = ?", uint64(7)},
		{"UInt8", "ok = ?", uint8(1)},
		{"Bool", "ok = ?", true},
		{"Float64", "f = ?", 0.5},
		{"Period", "period = ?", saima.Quarter(2026, 3)},
		{"Strings", "has(?, unit)", []string{"乙", "甲"}},
		{"Null", "isNull(pct) AND ? IS NULL", nil},
		{"NullDecimal", "isNull(pct) AND ? IS NULL", decimal.NullDecimal{}},
		{"Decimal", "score = ?", decimal.RequireFromString("75.57")},
		{"DecimalInteger", "score > ?", decimal.NewFromInt(75)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var n uint64
			q := "SELECT count() FROM " + db + ".facts WHERE " + tt.where
			if err := serverQueryRow(t, e, q, []any{tt.arg}, &n); err != nil {
				t.Fatalf("WHERE %s with %#v: %v", tt.where, tt.arg, err)
			}
			if n != 1 {
				t.Errorf("WHERE %s with %#v matched %d rows, want 1", tt.where, tt.arg, n)
			}
		})
	}
}

func TestServerInsertConversions(t *testing.T) {
	e, srv, db := serverTestEngine(t)
	serverExec(t, e, "CREATE TABLE "+db+".conv (id UInt8, c_date Date, c_datetime DateTime('Asia/Shanghai'), "+
		"c_dec Decimal(18, 4), c_u8 UInt8, c_i32 Int32, c_u64 UInt64, c_f64 Float64, c_str String, "+
		"c_nstr Nullable(String), c_floats Array(Float64), c_flags Array(UInt8)) ENGINE = MergeTree() ORDER BY id")
	late := time.Date(2026, time.September, 30, 20, 0, 0, 0, time.UTC) // 2026-10-01 04:00 in Beijing
	tests := []struct {
		name    string
		column  string
		value   any
		want    string // toString(column) as stored
		wantErr string
	}{
		{"DateFromDate", "c_date", saima.NewDate(2026, time.September, 30), "2026-09-30", ""},
		{"DateFromTimeIsBeijingDay", "c_date", late, "2026-10-01", ""},
		{"DateFromString", "c_date", "2026-09-30", "2026-09-30", ""},
		{"DateTimeFromDate", "c_datetime", saima.NewDate(2026, time.September, 30), "2026-09-30 00:00:00", ""},
		{"DateTimeFromTime", "c_datetime", late, "2026-10-01 04:00:00", ""},
		{"DecimalFromFloat", "c_dec", 75.57, "75.5700", ""},
		{"DecimalFromInt", "c_dec", 100, "100.0000", ""},
		{"DecimalFromString", "c_dec", "0.0001", "0.0001", ""},
		{"UInt8FromBool", "c_u8", true, "1", ""},
		{"UInt8FromInt", "c_u8", 255, "255", ""},
		{"UInt8Overflow", "c_u8", 256, "", "256 is out of range for UInt8"},
		{"UInt8Negative", "c_u8", -1, "", "-1 is out of range for UInt8"},
		{"Int32FromInt", "c_i32", -5, "-5", ""},
		{"Int32Overflow", "c_i32", int64(math.MaxInt32) + 1, "", "out of range for Int32"},
		{"UInt64Max", "c_u64", uint64(math.MaxUint64), "18446744073709551615", ""},
		{"Float64FromInt", "c_f64", 3, "3", ""},
		{"StringFromPeriod", "c_str", saima.Year(2026), "2026", ""},
		{"NullableStringNil", "c_nstr", nil, "\\N", ""},
		{"Float64Array", "c_floats", []float64{0.1, -2.5, 1e21}, "[0.1,-2.5,1e21]", ""},
		{"UInt8Array", "c_flags", []uint8{0, 1, 255}, "[0,1,255]", ""},
		{"Int32FromInt32", "c_i32", int32(-7), "-7", ""},
		{"StringFromInt", "c_str", 5, "", "c_str"},
		{"UnsupportedType", "c_str", struct{}{}, "", "unsupported value type struct {}"},
	}
	for i, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := e.Insert(t.Context(), db+".conv", []string{"id", tt.column}, [][]any{{uint8(i), tt.value}})
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("Insert %s = %#v: error %v, want one containing %q", tt.column, tt.value, err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatalf("Insert %s = %#v: %v", tt.column, tt.value, err)
			}
			got := serverHTTP(t, srv, fmt.Sprintf("SELECT toString(%s) FROM %s.conv WHERE id = %d", tt.column, db, i))
			if got != tt.want {
				t.Errorf("Insert %s = %#v stored %s, want %s", tt.column, tt.value, got, tt.want)
			}
		})
	}

	// A failed insert leaves nothing behind, and the engine stays usable.
	stored := serverHTTP(t, srv, "SELECT count() FROM "+db+".conv")
	if want := fmt.Sprint(len(tests) - 5); stored != want {
		t.Errorf("rows stored = %s, want %s (one per case without an error)", stored, want)
	}
}

func TestServerErrors(t *testing.T) {
	e, _, db := serverTestEngine(t)
	serverExec(t, e, "CREATE TABLE "+db+".t (id UInt8, name String) ENGINE = MergeTree() ORDER BY id")
	tests := []struct {
		name      string
		run       func(ctx context.Context) error
		wantQuery bool   // want a *clickhouse.QueryError
		want      string // in the error text
	}{
		{"Syntax", func(ctx context.Context) error { return e.Exec(ctx, "SELEC 1") }, true, "Syntax error"},
		{"MissingTable", func(ctx context.Context) error {
			_, err := e.Query(ctx, "SELECT * FROM "+db+".no_such_table")
			return err
		}, true, "no_such_table doesn't exist"},
		{"UnknownColumn", func(ctx context.Context) error {
			_, err := e.Query(ctx, "SELECT no_such_column FROM "+db+".t")
			return err
		}, true, "no_such_column"},
		{"DecimalAgainstFloat", func(ctx context.Context) error {
			_, err := e.Query(ctx, "SELECT toDecimal64('1', 4) = 1.5")
			return err
		}, true, "Decimal(18, 4) and Float64"},
		{"InsertMissingTable", func(ctx context.Context) error {
			return e.Insert(ctx, db+".no_such_table", []string{"id"}, [][]any{{1}})
		}, true, "no_such_table"},
		{"InsertUnknownColumn", func(ctx context.Context) error {
			return e.Insert(ctx, db+".t", []string{"id", "no_such_column"}, [][]any{{1, "x"}})
		}, true, "No such column no_such_column"},
		{"ExecInsertValues", func(ctx context.Context) error {
			return e.Exec(ctx, "INSERT INTO "+db+".t (id, name) VALUES (?, ?)", 1, "a")
		}, false, "use Engine.Insert"},
		{"QueryInsertFormat", func(ctx context.Context) error {
			_, err := e.Query(ctx, "  insert into "+db+".t FORMAT TabSeparated\n1\ta")
			return err
		}, false, "use Engine.Insert"},
		{"InsertShortRow", func(ctx context.Context) error {
			return e.Insert(ctx, db+".t", []string{"id", "name"}, [][]any{{1, "a"}, {2}})
		}, false, "row 2 has 1 values for 2 columns"},
		{"TooFewArguments", func(ctx context.Context) error { return e.Exec(ctx, "SELECT ?, ?", 1) }, false, "placeholders"},
		{"UnsupportedArgument", func(ctx context.Context) error { return e.Exec(ctx, "SELECT ?", struct{}{}) }, false, "unsupported type"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := tt.run(t.Context())
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("error = %v, want one containing %q", err, tt.want)
			}
			qe, isQuery := errors.AsType[*clickhouse.QueryError](err)
			if isQuery != tt.wantQuery {
				t.Errorf("error is a *QueryError = %t, want %t (%v)", isQuery, tt.wantQuery, err)
			}
			if isQuery && (qe.Engine != "server" || qe.Query == "") {
				t.Errorf("QueryError = {Engine: %q, Query: %q}, want engine server and the query", qe.Engine, qe.Query)
			}
			if err := e.Ping(t.Context()); err != nil {
				t.Errorf("Ping after the error = %v", err)
			}
		})
	}
}

// serverLogBuffer collects log lines from several goroutines.
type serverLogBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *serverLogBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *serverLogBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

func TestServerPingAfterStop(t *testing.T) {
	srv := chtest.StartPrivateServer(t)
	var logs serverLogBuffer
	log := slog.New(slog.NewJSONHandler(&logs, nil))
	e, err := clickhouse.OpenServer(t.Context(), srv.Config("default"), log)
	if err != nil {
		t.Fatalf("OpenServer = %v", err)
	}
	defer e.Close()
	if err := e.Ping(t.Context()); err != nil {
		t.Fatalf("Ping before stop = %v", err)
	}

	if err := srv.Stop(); err != nil {
		t.Fatalf("Stop = %v", err)
	}
	err = e.Ping(t.Context())
	if err == nil {
		t.Fatal("Ping after stop = nil, want an error")
	}
	t.Logf("Ping after stop: %v", err)
	if kind := saima.ErrorKind(err); kind != saima.KindUnavailable {
		t.Errorf("ErrorKind(Ping after stop) = %v, want %v (%v)", kind, saima.KindUnavailable, err)
	}
	if msg := err.Error(); !strings.Contains(msg, srv.Addr) || !strings.Contains(msg, "ping") {
		t.Errorf("Ping after stop = %q, want the operation and address %s in it", msg, srv.Addr)
	}
	if msg := saima.ErrorMessage(err); !strings.Contains(msg, "无法连接") {
		t.Errorf("ErrorMessage(Ping after stop) = %q, want the Chinese unavailable message", msg)
	}
	if _, err := e.Query(t.Context(), "SELECT 1"); saima.ErrorKind(err) != saima.KindUnavailable {
		t.Errorf("Query after stop = %v, want an unavailable error", err)
	}

	out := logs.String()
	if strings.Count(out, "clickhouse server unreachable") != 1 {
		t.Errorf("log has %d unreachable lines for two failures, want 1 (rate limited):\n%s",
			strings.Count(out, "clickhouse server unreachable"), out)
	}
	if strings.Contains(out, chtest.ServerPassword) {
		t.Errorf("log contains the password:\n%s", out)
	}
}

func TestOpenServerErrors(t *testing.T) {
	srv := chtest.StartServer(t)
	closed := serverClosedAddr(t)
	tests := []struct {
		name     string
		change   func(*clickhouse.ServerConfig)
		wantKind saima.Kind
		want     string
	}{
		{"Unreachable", func(c *clickhouse.ServerConfig) { c.Addrs = []string{closed} }, saima.KindUnavailable, "connection refused"},
		{"WrongPassword", func(c *clickhouse.ServerConfig) { c.Password = "wrong-password" }, saima.KindInternal, "password"},
		{"UnknownUser", func(c *clickhouse.ServerConfig) { c.User = "nobody" }, saima.KindInternal, "nobody"},
		{"InvalidConfig", func(c *clickhouse.ServerConfig) { c.Addrs = []string{"no-port"} }, saima.KindInternal, "no-port"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cfg := srv.Config("default")
			tt.change(&cfg)
			var logs serverLogBuffer
			e, err := clickhouse.OpenServer(t.Context(), cfg, slog.New(slog.NewJSONHandler(&logs, nil)))
			if err == nil {
				e.Close()
				t.Fatal("OpenServer = nil error, want one")
			}
			t.Logf("OpenServer: %v", err)
			if !strings.Contains(err.Error(), tt.want) {
				t.Errorf("OpenServer error = %v, want one containing %q", err, tt.want)
			}
			if kind := saima.ErrorKind(err); kind != tt.wantKind {
				t.Errorf("ErrorKind(OpenServer error) = %v, want %v", kind, tt.wantKind)
			}
			for _, text := range []string{err.Error(), logs.String()} {
				if cfg.Password != "" && strings.Contains(text, cfg.Password) {
					t.Errorf("error or log contains the password %q: %s", cfg.Password, text)
				}
			}
		})
	}
}

func TestOpenServerCreatesDatabase(t *testing.T) {
	srv := chtest.StartServer(t)
	db := srv.NewDatabase(t) + "_new" // dropped below, as NewDatabase drops only its own
	t.Cleanup(func() { srv.HTTPQuery(context.Background(), "DROP DATABASE IF EXISTS "+db) })

	for i := range 2 {
		e, err := clickhouse.OpenServer(t.Context(), srv.Config(db), nil)
		if err != nil {
			t.Fatalf("OpenServer #%d on missing database %s = %v", i+1, db, err)
		}
		serverExec(t, e, "CREATE TABLE IF NOT EXISTS t (id UInt8) ENGINE = MergeTree() ORDER BY id")
		e.Close()
	}
	if got := serverHTTP(t, srv, "EXISTS TABLE "+db+".t"); got != "1" {
		t.Errorf("EXISTS TABLE %s.t = %s, want 1: the unqualified name must land in the new database", db, got)
	}
}

// serverClosedAddr returns a 127.0.0.1 address that nothing listens on.
func serverClosedAddr(tb testing.TB) string {
	tb.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		tb.Fatal(err)
	}
	addr := l.Addr().String()
	l.Close()
	return addr
}

func TestServerFailover(t *testing.T) {
	srv := chtest.StartServer(t)
	cfg := srv.Config("default")
	cfg.Addrs = []string{serverClosedAddr(t), srv.Addr}
	e, err := clickhouse.OpenServer(t.Context(), cfg, nil)
	if err != nil {
		t.Fatalf("OpenServer with a dead first address = %v", err)
	}
	defer e.Close()
	var v string
	if err := serverQueryRow(t, e, "SELECT version()", nil, &v); err != nil || v != srv.Version {
		t.Errorf("SELECT version() = %q, %v; want %q", v, err, srv.Version)
	}
}

func TestServerConcurrentQueries(t *testing.T) {
	e, _, _ := serverTestEngine(t)
	var wg sync.WaitGroup
	errs := make(chan error, 40)
	for i := range 40 {
		wg.Go(func() {
			var n uint64
			if err := serverQueryRow(t, e, "SELECT ? + 1", []any{i}, &n); err != nil {
				errs <- err
			} else if n != uint64(i+1) {
				errs <- fmt.Errorf("SELECT %d + 1 = %d", i, n)
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
}

func TestServerTLS(t *testing.T) {
	srv := chtest.StartTLSServer(t)
	tests := []struct {
		name    string
		skip    bool
		wantErr string
	}{
		{"InsecureSkipVerify", true, ""},
		{"VerifyRejectsSelfSigned", false, "certificate"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cfg := srv.Config("default")
			cfg.Addrs = []string{srv.TLSAddr}
			cfg.TLS, cfg.InsecureSkipVerify = true, tt.skip
			e, err := clickhouse.OpenServer(t.Context(), cfg, nil)
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Errorf("OpenServer over TLS = %v, want an error containing %q", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatalf("OpenServer over TLS = %v", err)
			}
			defer e.Close()
			var s string
			if err := serverQueryRow(t, e, "SELECT ?", []any{"𠮷"}, &s); err != nil || s != "𠮷" {
				t.Errorf("SELECT ? over TLS = %q, %v; want 𠮷", s, err)
			}
		})
	}
}

func TestServerCluster(t *testing.T) {
	c := chtest.StartCluster(t)
	db := c.NewDatabase(t)
	for i, srv := range c.Servers {
		e := srv.Open(t, db)
		serverExec(t, e, "CREATE TABLE "+db+".scores_local (unit String, score Decimal(18, 4)) ENGINE = MergeTree() ORDER BY unit")
		serverExec(t, e, fmt.Sprintf("CREATE TABLE %s.scores AS %s.scores_local ENGINE = Distributed(%s, %s, scores_local)",
			db, db, c.Name, db))
		row := []any{fmt.Sprintf("unit-%d", i), decimal.RequireFromString("75.57")}
		if err := e.Insert(t.Context(), db+".scores_local", []string{"unit", "score"}, [][]any{row}); err != nil {
			t.Fatalf("Insert on shard %d = %v", i+1, err)
		}
	}

	e := c.Servers[0].Open(t, db)
	var n uint64
	var total decimal.Decimal
	if err := serverQueryRow(t, e, "SELECT count(), sum(score) FROM "+db+".scores", nil, &n, &total); err != nil {
		t.Fatal(err)
	}
	if n != 2 || total.String() != "151.14" {
		t.Errorf("count(), sum(score) over the cluster = %d, %s; want 2, 151.14", n, total)
	}
}

func TestServerConfigValidate(t *testing.T) {
	valid := clickhouse.DefaultServerConfig()
	tests := []struct {
		name   string
		change func(*clickhouse.ServerConfig)
		want   []string // each in the error; none means valid
	}{
		{"Default", func(*clickhouse.ServerConfig) {}, nil},
		{"ZeroOptionalFields", func(c *clickhouse.ServerConfig) {
			*c = clickhouse.ServerConfig{Addrs: []string{"db.example:9000"}}
		}, nil},
		{"IPv6", func(c *clickhouse.ServerConfig) { c.Addrs = []string{"[::1]:9440"} }, nil},
		{"NoAddress", func(c *clickhouse.ServerConfig) { c.Addrs = nil }, []string{"no server address"}},
		{"NoPort", func(c *clickhouse.ServerConfig) { c.Addrs = []string{"db.example"} }, []string{`"db.example"`}},
		{"BadPort", func(c *clickhouse.ServerConfig) { c.Addrs = []string{"db:0", "db:x"} }, []string{`"db:0"`, `"db:x"`}},
		{"DatabaseNotIdentifier", func(c *clickhouse.ServerConfig) { c.Database = "saima; DROP" }, []string{`"saima; DROP"`}},
		{"InsecureWithoutTLS", func(c *clickhouse.ServerConfig) { c.InsecureSkipVerify = true }, []string{"TLS is off"}},
		{"Negatives", func(c *clickhouse.ServerConfig) {
			c.MaxOpenConns, c.DialTimeout, c.ReadTimeout = -1, -time.Second, -time.Second
		}, []string{"MaxOpenConns", "DialTimeout", "ReadTimeout"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cfg := valid
			cfg.Addrs = append([]string(nil), valid.Addrs...)
			tt.change(&cfg)
			err := cfg.Validate()
			if len(tt.want) == 0 {
				if err != nil {
					t.Errorf("Validate() = %v, want nil", err)
				}
				return
			}
			if err == nil {
				t.Fatalf("Validate() = nil, want an error containing %q", tt.want)
			}
			for _, w := range tt.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("Validate() = %v, want it to contain %q", err, w)
				}
			}
		})
	}
}

func TestServerConfigRedactsPassword(t *testing.T) {
	cfg := clickhouse.DefaultServerConfig()
	cfg.Password = "hunter2-secret"
	var logs bytes.Buffer
	slog.New(slog.NewJSONHandler(&logs, nil)).Info("config", "config", cfg)
	slog.New(slog.NewTextHandler(&logs, nil)).Info("config", "config", cfg)
	outputs := map[string]string{
		"%v":   fmt.Sprintf("%v", cfg),
		"%+v":  fmt.Sprintf("%+v", cfg),
		"%#v":  fmt.Sprintf("%#v", cfg),
		"%s":   fmt.Sprintf("%s", cfg),
		"slog": logs.String(),
	}
	for how, out := range outputs {
		if strings.Contains(out, cfg.Password) {
			t.Errorf("%s of the config shows the password: %s", how, out)
		}
	}
	if !strings.Contains(logs.String(), `"password_set":true`) {
		t.Errorf("JSON log = %s, want password_set true", logs.String())
	}
}

func TestServerContext(t *testing.T) {
	e, _, _ := serverTestEngine(t)
	canceled, cancel := context.WithCancel(t.Context())
	cancel()
	short, stop := context.WithTimeout(t.Context(), 200*time.Millisecond)
	defer stop()
	tests := []struct {
		name string
		ctx  context.Context
		want error
	}{
		{"Canceled", canceled, context.Canceled},
		{"DeadlineDuringQuery", short, context.DeadlineExceeded},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := e.Exec(tt.ctx, "SELECT sleep(2)")
			if !errors.Is(err, tt.want) {
				t.Errorf("Exec(SELECT sleep(2)) = %v, want %v", err, tt.want)
			}
			if kind := saima.ErrorKind(err); kind == saima.KindUnavailable {
				t.Errorf("ErrorKind = %v; the caller's context ending is not an unavailable server", kind)
			}
			if err := e.Ping(t.Context()); err != nil {
				t.Errorf("Ping after the context ended = %v", err)
			}
		})
	}
}

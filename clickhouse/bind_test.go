package clickhouse

import (
	"strings"
	"testing"
	"time"

	"github.com/shopspring/decimal"

	"saima"
)

func TestBind(t *testing.T) {
	day := saima.NewDate(2026, 9, 30)
	tests := []struct {
		name  string
		query string
		args  []any
		want  string
	}{
		{"string escapes", "SELECT ?", []any{`a'b\c` + "\x00"}, `SELECT 'a\'b\\c\0'`},
		{"injection stays a literal", "SELECT * FROM t WHERE unit = ?", []any{"x' OR 1=1 --"},
			`SELECT * FROM t WHERE unit = 'x\' OR 1=1 --'`},
		{"placeholder in string kept", "SELECT '?', ?", []any{1}, "SELECT '?', 1"},
		{"placeholder in identifier kept", "SELECT `a?b`, ?", []any{int64(2)}, "SELECT `a?b`, 2"},
		{"placeholder in comment kept", "SELECT ? -- why?\n", []any{true}, "SELECT 1 -- why?\n"},
		{"doubled quote", "SELECT 'it''s ?', ?", []any{false}, "SELECT 'it''s ?', 0"},
		{"date", "SELECT ?", []any{day}, "SELECT toDate('2026-09-30')"},
		{"nil date pointer", "SELECT ?", []any{(*saima.Date)(nil)}, "SELECT NULL"},
		{"decimal", "SELECT ?", []any{decimal.RequireFromString("75.57")}, "SELECT toDecimal64('75.5700', 4)"},
		{"null decimal", "SELECT ?", []any{decimal.NullDecimal{}}, "SELECT NULL"},
		{"period", "SELECT ?", []any{saima.Quarter(2026, 3)}, "SELECT '2026Q3'"},
		{"time in Beijing", "SELECT ?", []any{time.Date(2026, 9, 30, 9, 45, 0, 0, time.UTC)},
			"SELECT toDateTime('2026-09-30 17:45:00', 'Asia/Shanghai')"},
		{"string array", "SELECT has(?, unit)", []any{[]string{"a", "b'"}}, `SELECT has(['a', 'b\''], unit)`},
		{"float array", "SELECT ?", []any{[]float64{0.1, 2}}, "SELECT [0.1,2]"},
		{"nil", "SELECT ?", []any{nil}, "SELECT NULL"},
		{"rare characters", "SELECT ?", []any{"𠮷👍"}, "SELECT '𠮷👍'"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := Bind(tt.query, tt.args...)
			if err != nil {
				t.Fatalf("Bind(%q) error: %v", tt.query, err)
			}
			if got != tt.want {
				t.Errorf("Bind(%q) = %q, want %q", tt.query, got, tt.want)
			}
		})
	}
}

func TestBindErrors(t *testing.T) {
	tests := []struct {
		name  string
		query string
		args  []any
	}{
		{"too few arguments", "SELECT ?, ?", []any{1}},
		{"too many arguments", "SELECT ?", []any{1, 2}},
		{"unsupported type", "SELECT ?", []any{struct{}{}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got, err := Bind(tt.query, tt.args...); err == nil {
				t.Errorf("Bind(%q) = %q, want an error", tt.query, got)
			}
		})
	}
}

func TestTSVFieldRoundTrip(t *testing.T) {
	texts := []string{"", "plain", "tab\there", "line\nbreak", `back\slash`, "cr\rlf", "nul\x00", `\N`, "𠮷"}
	for _, s := range texts {
		line, err := insertTSV("t", []string{"s"}, [][]any{{s}})
		if err != nil {
			t.Fatal(err)
		}
		field := line[len("INSERT INTO t (s) FORMAT TabSeparated\n") : len(line)-1]
		fields, nulls := splitTSV([]byte(field), nil)
		if len(fields) != 1 || nulls[0] || fields[0] != s {
			t.Errorf("TSV round trip of %q = %q (null %v)", s, fields, nulls)
		}
	}
}

func TestParseArray(t *testing.T) {
	got, err := parseArray(`['a','b\'c','d\\e','']`)
	want := []string{"a", "b'c", `d\e`, ""}
	if err != nil || len(got) != len(want) {
		t.Fatalf("parseArray = %q, %v; want %q", got, err, want)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("element %d = %q, want %q", i, got[i], want[i])
		}
	}
}

func TestBindLibraryMissing(t *testing.T) {
	_, err := bindLibrary(t.TempDir() + "/libchdb.so")
	if err == nil || !strings.Contains(err.Error(), "npm ci") {
		t.Errorf("bindLibrary of a missing file = %v, want an error that says how to install it", err)
	}
}

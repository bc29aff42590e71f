package clickhouse_test

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/shopspring/decimal"

	"saima"
	"saima/clickhouse"

	"saima/clickhouse/chtest"
)

func TestMain(m *testing.M) { chtest.Main(m) }

func TestEmbeddedRoundTripThroughParameter(t *testing.T) {
	e := chtest.Embedded(t)
	text := "a'b\\c\t</script>\n𠮷"
	rows, err := e.Query(context.Background(), "SELECT ?, toDate('2026-09-30'), toDecimal64('100', 4)", text)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	if !rows.Next() {
		t.Fatalf("no row: %v", rows.Err())
	}
	var s string
	var d saima.Date
	var dec decimal.Decimal
	if err := rows.Scan(&s, &d, &dec); err != nil {
		t.Fatal(err)
	}
	if s != text || d.String() != "2026-09-30" || dec.String() != "100" {
		t.Errorf("round trip = %q, %s, %s; want %q, 2026-09-30, 100", s, d, dec, text)
	}
}

func TestEmbeddedQueryError(t *testing.T) {
	e := chtest.Embedded(t)
	err := e.Exec(context.Background(), "SELECT * FROM no_such_database.no_such_table")
	var qe *clickhouse.QueryError
	if !errors.As(err, &qe) || !strings.Contains(qe.Message, "no_such") {
		t.Errorf("Exec of a missing table = %v, want a QueryError naming it", err)
	}
}

func TestOpenEmbeddedMissingLibrary(t *testing.T) {
	// The library is loaded once per process, so a second path is rejected
	// whether or not it exists. A missing file must be an error, not a panic.
	chtest.Embedded(t)
	_, err := clickhouse.OpenEmbedded(clickhouse.EmbeddedConfig{Library: "/nonexistent/libchdb.so", DataDir: t.TempDir()}, nil)
	if err == nil {
		t.Fatal("OpenEmbedded with another library and folder succeeded, want an error")
	}
}

func TestEmbeddedKeepsGoSignalHandlers(t *testing.T) {
	chtest.Embedded(t)
	// With chDB's handlers in place a nil dereference kills the process
	// instead of panicking, so this test either passes or crashes.
	defer func() {
		if r := recover(); r == nil {
			t.Error("nil dereference did not panic")
		}
	}()
	var p *int
	_ = *p
}

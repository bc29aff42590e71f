package clickhouse

import (
	"bufio"
	"context"
)

// Engine runs SQL on one ClickHouse engine: the embedded chDB library or a
// server reached over the native protocol. Everything above the engine is
// unaware of which one runs.
//
// Queries take `?` placeholders, which the engine replaces with quoted
// literals (see [Bind]). Identifiers never come from user input.
type Engine interface {
	// Name returns "embedded" or "server", for logs and /healthz.
	Name() string

	// Exec runs a statement that returns no rows.
	Exec(ctx context.Context, query string, args ...any) error

	// Query runs a statement and returns its rows. The caller must close them.
	Query(ctx context.Context, query string, args ...any) (Rows, error)

	// Insert writes rows into table, naming columns explicitly. Each row has
	// one value per column, of a type listed at [Bind]. It is one INSERT
	// statement, so on both engines it lands as a whole unless it exceeds the
	// engine's block size.
	Insert(ctx context.Context, table string, columns []string, rows [][]any) error

	// tsvInserter returns the engine's faster path for bulk rows, or nil
	// when rows go through Insert. The method is unexported, so only this
	// package's engines, and types that embed one, implement Engine.
	tsvInserter() tsvInserter

	// fileCopier returns the engine's own way to write and read the Native
	// files of a backup, or nil when a server sends them over its HTTP
	// interface instead (see [BackupOptions]).
	fileCopier() nativeCopier

	// Ping checks that the engine responds.
	Ping(ctx context.Context) error

	// Close releases the engine.
	Close() error
}

// Rows is a result set read row by row, in the style of database/sql.
//
// Scan accepts pointers to string, bool, int, int64, uint8, uint32, uint64,
// float64, decimal.Decimal, decimal.NullDecimal, saima.Date, time.Time and
// []string, and a pointer to a pointer of any of these for a Nullable column
// (set to nil for NULL).
type Rows interface {
	Next() bool
	Scan(dest ...any) error
	Columns() []string
	Err() error
	Close() error
}

// tsvInserter writes rows that travel as TabSeparated text.
type tsvInserter interface {
	// insertTSV writes rows into table, naming columns explicitly, as one
	// INSERT statement. write encodes the rows with one value per column
	// in that order. rows is how many it writes, for choosing how the
	// text travels.
	insertTSV(ctx context.Context, table string, columns []string, rows int, write func(w *bufio.Writer) error) error
}

package clickhouse

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"
)

// stagingMinRows is the least number of rows that the embedded engine
// passes through a staging file; fewer travel inline in the INSERT
// statement. chDB 26.5 parses the rows that the file table function reads
// in parallel: 100 000 progress rows took 0.10 to 0.12 s that way and 0.43
// to 0.63 s inline, on the two CPUs of the benchmark machine. A file
// costs a system.columns query and a few system calls per INSERT, which
// small inserts need not pay.
const stagingMinRows = 1000

// stagingFolder is the folder, under the data folder, that holds the
// staging files of INSERT statements while they run.
const stagingFolder = "staging"

// prepareStaging empties the staging folder under dir, which may hold the
// files of a process that crashed, and returns its path.
func prepareStaging(dir string) (string, error) {
	path := filepath.Join(dir, stagingFolder)
	if err := os.RemoveAll(path); err != nil {
		return "", fmt.Errorf("clear staging folder: %w", err)
	}
	if err := os.MkdirAll(path, 0o750); err != nil {
		return "", fmt.Errorf("create staging folder: %w", err)
	}
	return path, nil
}

// tsvInserter implements Engine.
func (s *sharedEmbedded) tsvInserter() tsvInserter { return s }

// insertTSV implements tsvInserter. Fewer than stagingMinRows rows travel
// in the statement. More are written to a staging file, which the statement
// reads with the file table function and which is removed when the
// statement returns.
func (s *sharedEmbedded) insertTSV(ctx context.Context, table string, columns []string, rows int,
	write func(w *bufio.Writer) error) error {
	switch {
	case rows == 0:
		return nil
	case rows < stagingMinRows:
		return s.insertInline(ctx, table, columns, write)
	}
	return s.insertStaged(ctx, table, columns, write)
}

func (s *sharedEmbedded) insertInline(ctx context.Context, table string, columns []string,
	write func(w *bufio.Writer) error) error {
	var b bytes.Buffer
	fmt.Fprintf(&b, "INSERT INTO %s (%s) FORMAT TabSeparated\n", table, strings.Join(columns, ", "))
	w := bufio.NewWriter(&b)
	if err := write(w); err != nil {
		return fmt.Errorf("insert into %s: %w", table, err)
	}
	if err := w.Flush(); err != nil {
		return fmt.Errorf("insert into %s: %w", table, err)
	}
	_, err := s.query(ctx, b.String(), "TabSeparated")
	return err
}

func (s *sharedEmbedded) insertStaged(ctx context.Context, table string, columns []string,
	write func(w *bufio.Writer) error) error {
	structure, err := s.structure(ctx, table, columns)
	if err != nil {
		return err
	}
	path, err := s.writeStaging(write)
	if err != nil {
		return fmt.Errorf("insert into %s: %w", table, err)
	}
	defer os.Remove(path)

	q := "INSERT INTO " + table + " (" + strings.Join(columns, ", ") + ") " +
		"SELECT * FROM file(?, 'TabSeparated', ?)"
	if err := s.Exec(ctx, q, path, structure); err != nil {
		return err
	}
	s.purgeFreedMemory(ctx)
	return nil
}

// purgeStatement makes chDB's allocator return its freed pages.
const purgeStatement = "SYSTEM JEMALLOC PURGE"

// purgeFreedMemory returns to the system the pages that chDB's allocator
// (jemalloc) holds freed, at most once per purgeInterval. chDB 26.5
// configures jemalloc to keep freed pages for up to 5 s
// (dirty_decay_ms:5000) and runs no background thread to purge them, so
// during a long import they pile up between INSERT statements and merges.
// Purging after each staged INSERT lowered the anonymous memory at the
// peak of a 1 GB import by 16 to 35 MB in two runs each, but cost 3 to 8 %
// of the import's speed, because chDB faults the pages in again. Purging
// at most once a second gave a peak of 569 and 586 MB against 563 and 572
// per INSERT, at a 4 to 7 % higher rate (docs/benchmarks.md). A failed
// purge is logged and fails nothing else.
func (s *sharedEmbedded) purgeFreedMemory(ctx context.Context) {
	// Imports of different units insert side by side, so the claim on the
	// interval is a compare-and-swap: of two that see the same last purge,
	// one purges.
	now := time.Now()
	last := s.lastPurge.Load()
	if last != 0 && now.Sub(time.Unix(0, last)) < purgeInterval {
		return
	}
	if !s.lastPurge.CompareAndSwap(last, now.UnixNano()) {
		return
	}
	if err := s.Exec(context.WithoutCancel(ctx), purgeStatement); err != nil {
		s.log.Warn("purge freed chDB memory", "err", err)
	}
}

// purgeInterval is the least time between two purges of freed memory.
const purgeInterval = time.Second

// writeStaging writes the rows into a new staging file and returns its
// path.
func (s *sharedEmbedded) writeStaging(write func(w *bufio.Writer) error) (string, error) {
	f, err := os.CreateTemp(s.staging, "insert-*.tsv")
	if err != nil {
		return "", fmt.Errorf("create staging file: %w", err)
	}
	w := bufio.NewWriterSize(f, 256<<10)
	err = write(w)
	if err == nil {
		err = w.Flush()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		os.Remove(f.Name())
		return "", fmt.Errorf("write staging file: %w", err)
	}
	return f.Name(), nil
}

// structure returns the structure argument of the file table function
// for columns of table, which is "database.table" or a table of the
// current database. It lists each column's name and type as the table
// declares them, so that the file is read as the same rows inline would
// be, without guessing types from the data.
func (s *sharedEmbedded) structure(ctx context.Context, table string, columns []string) (string, error) {
	q := "SELECT name, type FROM system.columns WHERE database = currentDatabase() AND table = ?"
	args := []any{table}
	if db, name, ok := strings.Cut(table, "."); ok {
		q = "SELECT name, type FROM system.columns WHERE database = ? AND table = ?"
		args = []any{db, name}
	}
	rows, err := s.Query(ctx, q, args...)
	if err != nil {
		return "", fmt.Errorf("read columns of %s: %w", table, err)
	}
	types := map[string]string{}
	err = scanAll(rows, func() error {
		var name, typ string
		err := rows.Scan(&name, &typ)
		types[name] = typ
		return err
	})
	if err != nil {
		return "", fmt.Errorf("read columns of %s: %w", table, err)
	}

	parts := make([]string, len(columns))
	for i, c := range columns {
		typ, ok := types[c]
		if !ok {
			return "", fmt.Errorf("insert into %s: the table has no column %s", table, c)
		}
		parts[i] = "`" + c + "` " + typ
	}
	return strings.Join(parts, ", "), nil
}

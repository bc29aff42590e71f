// Package clickhouse stores the ledger in ClickHouse. Two engines run the
// same SQL: the embedded chDB library, bound with purego, and a ClickHouse
// server reached with clickhouse-go over the native protocol. [Store] sits
// on top of either and implements the store interfaces of ingest, scoring,
// reports and web.
package clickhouse

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"sync"
	"time"

	"saima"
)

// Store reads and writes the ledger in one database of an engine.
type Store struct {
	engine   Engine
	database string
	log      *slog.Logger

	versionMu   sync.Mutex
	lastVersion uint64
}

// NewStore returns a store over database on e, after applying the schema.
func NewStore(ctx context.Context, e Engine, database string, log *slog.Logger) (*Store, error) {
	if err := Migrate(ctx, e, database); err != nil {
		return nil, unavailable(err)
	}
	return &Store{engine: e, database: database, log: log}, nil
}

// Engine returns the engine the store runs on.
func (s *Store) Engine() Engine { return s.engine }

// Ping checks that the engine answers.
func (s *Store) Ping(ctx context.Context) error { return unavailable(s.engine.Ping(ctx)) }

// Close closes the engine.
func (s *Store) Close() error { return s.engine.Close() }

// sql replaces {db} in query with the store's database name, which
// NewStore's migration step has checked to be a plain identifier.
func (s *Store) sql(query string) string { return strings.ReplaceAll(query, "{db}", s.database) }

func (s *Store) table(name string) string { return s.database + "." + name }

func (s *Store) query(ctx context.Context, query string, args ...any) (Rows, error) {
	rows, err := s.engine.Query(ctx, s.sql(query), args...)
	return rows, unavailable(err)
}

// nextVersion returns a version that is later than every version this
// store handed out before, and normally the current time in nanoseconds, so
// that versions from several saima instances also order by time.
func (s *Store) nextVersion(at time.Time) uint64 {
	s.versionMu.Lock()
	defer s.versionMu.Unlock()
	v := uint64(at.UnixNano())
	if v <= s.lastVersion {
		v = s.lastVersion + 1
	}
	s.lastVersion = v
	return v
}

// unavailable marks engine failures as KindUnavailable unless they already
// carry a kind. A rejected statement stays internal: it is a bug, not an
// outage.
func unavailable(err error) error {
	if err == nil {
		return nil
	}
	if _, ok := errors.AsType[*saima.Error](err); ok {
		return err
	}
	if _, ok := errors.AsType[*QueryError](err); ok {
		return err
	}
	if errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
		return err
	}
	return saima.Wrap(saima.KindUnavailable, "数据库暂时无法访问，请稍后重试", err)
}

// visible is the condition that limits a data table to rows of successful
// uploads.
const visible = "upload_id IN (SELECT id FROM {db}.uploads WHERE outcome = 'ok')"

func scanAll(rows Rows, scan func() error) error {
	defer rows.Close()
	for rows.Next() {
		if err := scan(); err != nil {
			return err
		}
	}
	return rows.Err()
}

func sprintf(format string, args ...any) string { return fmt.Sprintf(format, args...) }

// Database returns the name of the store's database.
func (s *Store) Database() string { return s.database }

// EngineName returns the name of the engine the store runs on.
func (s *Store) EngineName() string { return s.engine.Name() }

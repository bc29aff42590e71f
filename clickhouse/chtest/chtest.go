// Package chtest gives tests a real ClickHouse engine: the embedded chDB
// library, shared by every test in a test binary, with a fresh database per
// test, and (in server.go) a throwaway clickhouse-server process.
package chtest

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"sync"
	"testing"

	"saima/clickhouse"
)

var (
	embeddedOnce sync.Once
	embedded     clickhouse.Engine
	embeddedErr  error
	embeddedDir  string
)

// Main runs the tests of a package that uses the embedded engine and then
// removes the engine's data folder. Call it from TestMain.
func Main(m *testing.M) {
	// Keep the shared clickhouse-server up between tests: each test would
	// otherwise start and stop its own.
	release := holdSharedServer()
	code := m.Run()
	release()
	if embedded != nil {
		embedded.Close()
		os.RemoveAll(embeddedDir)
	}
	Exit(code)
}

// FindRepoFile returns the path of rel (such as node_modules/echarts) in the
// nearest folder at or above the working directory that contains it.
func FindRepoFile(rel string) (string, error) {
	dir, err := os.Getwd()
	if err != nil {
		return "", err
	}
	for {
		p := filepath.Join(dir, rel)
		if _, err := os.Stat(p); err == nil {
			return p, nil
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", fmt.Errorf("%s not found in any folder above the working directory", rel)
		}
		dir = parent
	}
}

// Embedded returns the process's embedded engine, starting it on first use
// in a temporary data folder. It fails the test when libchdb.so is missing,
// because every test run must exercise the real engine.
func Embedded(tb testing.TB) clickhouse.Engine {
	tb.Helper()
	embeddedOnce.Do(func() {
		lib := os.Getenv("SAIMA_CHDB_LIB")
		if lib == "" {
			lib, embeddedErr = FindRepoFile(clickhouse.DefaultLibraryPath)
			if embeddedErr != nil {
				embeddedErr = fmt.Errorf("%w: %s", embeddedErr, clickhouse.LibraryInstallHint)
				return
			}
		}
		embeddedDir, embeddedErr = os.MkdirTemp("", "saima-chdb-")
		if embeddedErr != nil {
			return
		}
		log := slog.New(slog.NewTextHandler(io.Discard, nil))
		embedded, embeddedErr = clickhouse.OpenEmbedded(clickhouse.EmbeddedConfig{Library: lib, DataDir: embeddedDir}, log)
	})
	if embeddedErr != nil {
		tb.Fatalf("start embedded ClickHouse: %v", embeddedErr)
	}
	return embedded
}

// NewDatabase creates an empty database with a random name on e and drops it
// when the test ends. The drop is asynchronous: DROP … SYNC hangs on chDB.
func NewDatabase(tb testing.TB, e clickhouse.Engine) string {
	tb.Helper()
	var b [6]byte
	if _, err := rand.Read(b[:]); err != nil {
		tb.Fatal(err)
	}
	name := "test_" + hex.EncodeToString(b[:])
	ctx := context.Background()
	if err := e.Exec(ctx, "CREATE DATABASE "+name); err != nil {
		tb.Fatalf("create database %s: %v", name, err)
	}
	tb.Cleanup(func() {
		if err := e.Exec(context.Background(), "DROP DATABASE IF EXISTS "+name); err != nil && !errors.Is(err, context.Canceled) {
			tb.Logf("drop database %s: %v", name, err)
		}
	})
	return name
}

// Store returns a store over a fresh database with the schema applied: in
// the embedded engine, or in a clickhouse-server when the environment
// variable SAIMA_TEST_ENGINE is "server". The test command runs the suites
// that use Store once each way, so that every end-to-end test covers both
// engines.
func Store(tb testing.TB) *clickhouse.Store {
	tb.Helper()
	if os.Getenv("SAIMA_TEST_ENGINE") == "server" {
		return StoreOn(tb, "server")
	}
	return embeddedStore(tb)
}

func embeddedStore(tb testing.TB) *clickhouse.Store {
	tb.Helper()
	e := Embedded(tb)
	db := NewDatabase(tb, e)
	s, err := clickhouse.NewStore(context.Background(), unclosable{e}, db, slog.New(slog.NewTextHandler(io.Discard, nil)))
	if err != nil {
		tb.Fatalf("open store: %v", err)
	}
	return s
}

// HoldServer keeps the shared clickhouse-server up until the returned
// function is called, for a TestMain that does not use [Main].
func HoldServer() (release func()) { return holdSharedServer() }

// Engines names the engines that [ForEachEngine] runs a test on.
var Engines = []string{"embedded", "server"}

// ForEachEngine runs f as a subtest on each engine, with a store over a
// fresh database: the embedded chDB and a clickhouse-server process that
// the test binary starts. The server subtest skips when clickhouse-server
// is not installed, except on CI, where it fails.
func ForEachEngine(t *testing.T, f func(t *testing.T, s *clickhouse.Store)) {
	t.Helper()
	for _, name := range Engines {
		t.Run(name, func(t *testing.T) {
			f(t, StoreOn(t, name))
		})
	}
}

// StoreOn returns a store over a fresh database on the named engine.
func StoreOn(tb testing.TB, engine string) *clickhouse.Store {
	tb.Helper()
	if engine == "embedded" {
		return embeddedStore(tb)
	}
	srv := StartServer(tb)
	db := srv.NewDatabase(tb)
	e := srv.Open(tb, db)
	s, err := clickhouse.NewStore(context.Background(), e, db, slog.New(slog.NewTextHandler(io.Discard, nil)))
	if err != nil {
		tb.Fatalf("open store on the server: %v", err)
	}
	return s
}

// unclosable keeps a test's Store.Close from stopping the engine that the
// other tests of the binary share.
type unclosable struct{ clickhouse.Engine }

func (unclosable) Close() error { return nil }

// RestoreLeftovers lists the restore_… tables in database: those a
// restore stages or moves aside. A finished or undone restore leaves none.
func RestoreLeftovers(tb testing.TB, e clickhouse.Engine, database string) []string {
	tb.Helper()
	rows, err := e.Query(context.Background(),
		"SELECT name FROM system.tables WHERE database = ? AND startsWith(name, 'restore_')", database)
	if err != nil {
		tb.Fatal(err)
	}
	defer rows.Close()
	var names []string
	for rows.Next() {
		var name string
		if err := rows.Scan(&name); err != nil {
			tb.Fatal(err)
		}
		names = append(names, name)
	}
	if err := rows.Err(); err != nil {
		tb.Fatal(err)
	}
	return names
}

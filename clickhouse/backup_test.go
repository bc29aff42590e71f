package clickhouse_test

import (
	"bytes"
	"context"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"saima"
	"saima/clickhouse"
	"saima/clickhouse/chtest"
)

// TestBackupCheckDumpCutShort checks that a Native file cut short, as
// chDB 26.5 leaves one on a full disk while it reports success, fails
// the read-back check.
func TestBackupCheckDumpCutShort(t *testing.T) {
	ctx := context.Background()
	s := chtest.StoreOn(t, "embedded")
	if err := s.WriteBatch(ctx, progressBatch("60", "45", "72", "88", "100")); err != nil {
		t.Fatal(err)
	}
	dir := filepath.Join(t.TempDir(), "backup")
	m, err := s.Backup(ctx, dir, clickhouse.BackupOptions{})
	if err != nil {
		t.Fatal(err)
	}
	var rows uint64
	for _, tb := range m.Tables {
		if tb.Name == "progress" {
			rows = tb.Rows
		}
	}
	if rows != 5 {
		t.Fatalf("manifest lists %d progress rows, want 5", rows)
	}
	path := filepath.Join(dir, "progress.native")
	if err := s.CheckDump(ctx, "progress", rows, path); err != nil {
		t.Fatalf("check of the whole file: %v", err)
	}

	info, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	for _, size := range []int64{info.Size() - 1, info.Size() / 2, 0} {
		if err := os.Truncate(path, size); err != nil {
			t.Fatal(err)
		}
		if err := s.CheckDump(ctx, "progress", rows, path); err == nil {
			t.Errorf("check of the file cut to %d of %d bytes succeeded, want an error", size, info.Size())
		}
	}
}

// TestBackupWriteWhileRunning checks that a backup of a server fails,
// and leaves no folder, when an upload commits while it runs.
func TestBackupWriteWhileRunning(t *testing.T) {
	ctx := context.Background()
	srv := chtest.StartServer(t)
	db := srv.NewDatabase(t)
	s, err := clickhouse.NewStore(ctx, srv.Open(t, db), db, nil)
	if err != nil {
		t.Fatal(err)
	}
	if err := s.WriteBatch(ctx, progressBatch("60", "45")); err != nil {
		t.Fatal(err)
	}
	written := false
	clickhouse.SetBackupDumped(t, func(table string) {
		if !written {
			written = true
			if err := s.WriteBatch(ctx, progressBatch("70", "55")); err != nil {
				t.Errorf("upload during the backup: %v", err)
			}
		}
	})

	dir := filepath.Join(t.TempDir(), "backup")
	opts := clickhouse.BackupOptions{HTTPAddr: srv.HTTPAddr, User: chtest.ServerUser, Password: chtest.ServerPassword}
	_, err = s.Backup(ctx, dir, opts)
	if saima.ErrorKind(err) != saima.KindConflict {
		t.Fatalf("backup during an upload = %v, want a conflict", err)
	}
	if !strings.Contains(err.Error(), "行数从") || !strings.Contains(err.Error(), "停止所有 saima 实例") {
		t.Errorf("backup during an upload = %q, want the changed count and what to do", err)
	}
	if _, statErr := os.Stat(dir); !os.IsNotExist(statErr) {
		t.Errorf("backup during an upload left %s: %v", dir, statErr)
	}
}

// errKilled stands for a kill of the process in TestRestoreStopped: a
// panic leaves Restore at once, with no clean-up, as SIGKILL does.
var errKilled = errors.New("killed")

// TestRestoreStopped stops a restore after each of its steps with no
// clean-up, as a kill of the process does. The target must be still empty
// or already whole, and the next restore must clear what the stopped one
// left.
func TestRestoreStopped(t *testing.T) {
	for _, engine := range chtest.Engines {
		t.Run(engine, func(t *testing.T) {
			ctx := context.Background()
			s := chtest.StoreOn(t, engine)
			if err := s.WriteBatch(ctx, progressBatch("60", "45", "72")); err != nil {
				t.Fatal(err)
			}
			dir := filepath.Join(t.TempDir(), "backup")
			opts := clickhouse.BackupOptions{}
			if engine == "server" {
				srv := chtest.StartServer(t)
				opts = clickhouse.BackupOptions{HTTPAddr: srv.HTTPAddr, User: chtest.ServerUser, Password: chtest.ServerPassword}
			}
			if _, err := s.Backup(ctx, dir, opts); err != nil {
				t.Fatal(err)
			}
			m, err := clickhouse.ReadBackup(dir)
			if err != nil {
				t.Fatal(err)
			}
			var filled []string
			for _, tb := range m.Tables {
				if tb.Rows > 0 {
					filled = append(filled, tb.Name)
				}
			}
			want := rowCounts(t, s, m)

			cases := []struct {
				name     string
				step     string
				halfDone bool // rename the first filled table by hand after the stop
				whole    bool // the stopped restore had finished its renames
			}{
				{"first table loaded", "loaded " + filled[0], false, false},
				{"last table loaded", "loaded " + m.Tables[len(m.Tables)-1].Name, false, false},
				{"rename half done", "loaded " + m.Tables[len(m.Tables)-1].Name, true, false},
				{"renamed", "renamed", false, true},
			}
			for _, tt := range cases {
				t.Run(tt.name, func(t *testing.T) {
					target := chtest.StoreOn(t, engine)
					stopRestoreAt(t, target, dir, m, opts, tt.step)
					if tt.halfDone {
						db := target.Database()
						if err := target.Engine().Exec(ctx, "RENAME TABLE "+db+"."+filled[0]+" TO "+db+".restore_old_"+filled[0]+
							", "+db+".restore_new_"+filled[0]+" TO "+db+"."+filled[0]); err != nil {
							t.Fatal(err)
						}
					}
					if !tt.halfDone {
						got := rowCounts(t, target, m)
						for _, tb := range m.Tables {
							if tt.whole && got[tb.Name] != want[tb.Name] {
								t.Errorf("after a stop at %q, %s has %d rows, want %d", tt.step, tb.Name, got[tb.Name], want[tb.Name])
							}
							if !tt.whole && got[tb.Name] != 0 {
								t.Errorf("after a stop at %q, %s has %d rows, want 0", tt.step, tb.Name, got[tb.Name])
							}
						}
					}

					err := target.Restore(ctx, dir, m, opts)
					if tt.whole {
						if saima.ErrorKind(err) != saima.KindConflict {
							t.Errorf("restore over a finished one = %v, want a conflict", err)
						}
					} else if err != nil {
						t.Fatalf("restore after a stop at %q: %v", tt.step, err)
					}
					got := rowCounts(t, target, m)
					for _, tb := range m.Tables {
						if got[tb.Name] != want[tb.Name] {
							t.Errorf("after the second restore, %s has %d rows, want %d", tb.Name, got[tb.Name], want[tb.Name])
						}
					}
					if left := chtest.RestoreLeftovers(t, target.Engine(), target.Database()); len(left) > 0 {
						t.Errorf("second restore left the tables %v", left)
					}
				})
			}
		})
	}
}

// stopRestoreAt runs a restore of the backup at dir into s and stops it,
// with no clean-up, once it reaches step.
func stopRestoreAt(t *testing.T, s *clickhouse.Store, dir string, m *clickhouse.Manifest,
	opts clickhouse.BackupOptions, step string) {
	t.Helper()
	clickhouse.SetRestoreStep(t, func(reached string) {
		if reached == step {
			panic(errKilled)
		}
	})
	defer clickhouse.SetRestoreStep(t, nil)
	defer func() {
		if r := recover(); r != errKilled {
			t.Fatalf("restore did not reach %q: recovered %v", step, r)
		}
	}()
	err := s.Restore(context.Background(), dir, m, opts)
	t.Fatalf("restore returned %v, want a stop at %q", err, step)
}

// rowCounts returns the row count of each table of m in the store's
// database.
func rowCounts(t *testing.T, s *clickhouse.Store, m *clickhouse.Manifest) map[string]uint64 {
	t.Helper()
	counts := map[string]uint64{}
	for _, tb := range m.Tables {
		rows, err := s.Engine().Query(context.Background(), "SELECT count() FROM "+s.Database()+"."+tb.Name)
		if err != nil {
			t.Fatalf("count %s: %v", tb.Name, err)
		}
		var n uint64
		for rows.Next() {
			if err := rows.Scan(&n); err != nil {
				t.Fatal(err)
			}
		}
		rows.Close()
		counts[tb.Name] = n
	}
	return counts
}

// TestBackupPasswordNotInURL backs up and restores through a proxy that
// records every request to the server's HTTP interface, and checks that
// no request URL contains the password, which proxies and the server's
// own logs would keep.
func TestBackupPasswordNotInURL(t *testing.T) {
	ctx := context.Background()
	srv := chtest.StartServer(t)
	s := chtest.StoreOn(t, "server")
	if err := s.WriteBatch(ctx, progressBatch("60", "45")); err != nil {
		t.Fatal(err)
	}

	var mu sync.Mutex
	var urls []string
	target, err := url.Parse("http://" + srv.HTTPAddr)
	if err != nil {
		t.Fatal(err)
	}
	forward := httputil.NewSingleHostReverseProxy(target)
	proxy := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		urls = append(urls, r.URL.String())
		mu.Unlock()
		// The proxy reads the whole request first. Go's HTTP server closes
		// the inbound body once the reply's headers go out. So if ClickHouse
		// replies before the transport's last read of a streamed body, the
		// transport drops the connection and the reply is cut short
		// (golang/go#40747).
		body, err := io.ReadAll(r.Body)
		if err != nil {
			http.Error(w, err.Error(), http.StatusBadGateway)
			return
		}
		r.Body = io.NopCloser(bytes.NewReader(body))
		r.ContentLength = int64(len(body))
		forward.ServeHTTP(w, r)
	}))
	defer proxy.Close()

	opts := clickhouse.BackupOptions{HTTPAddr: strings.TrimPrefix(proxy.URL, "http://"),
		User: chtest.ServerUser, Password: chtest.ServerPassword}
	dir := filepath.Join(t.TempDir(), "backup")
	if _, err := s.Backup(ctx, dir, opts); err != nil {
		t.Fatalf("backup through the proxy: %v", err)
	}
	m, err := clickhouse.ReadBackup(dir)
	if err != nil {
		t.Fatal(err)
	}
	target2 := chtest.StoreOn(t, "server")
	if err := target2.Restore(ctx, dir, m, opts); err != nil {
		t.Fatalf("restore through the proxy: %v", err)
	}

	mu.Lock()
	defer mu.Unlock()
	if len(urls) == 0 {
		t.Fatal("no request went through the proxy")
	}
	for _, u := range urls {
		if strings.Contains(u, chtest.ServerPassword) || strings.Contains(u, url.QueryEscape(chtest.ServerPassword)) {
			t.Errorf("request URL %s contains the password", u)
		}
	}
}

// TestBackupWrongPassword checks that the server rejects a backup whose
// password is wrong, so the password that TestBackupPasswordNotInURL
// sends is the one the server checks.
func TestBackupWrongPassword(t *testing.T) {
	ctx := context.Background()
	srv := chtest.StartServer(t)
	s := chtest.StoreOn(t, "server")
	if err := s.WriteBatch(ctx, progressBatch("60")); err != nil {
		t.Fatal(err)
	}
	opts := clickhouse.BackupOptions{HTTPAddr: srv.HTTPAddr, User: chtest.ServerUser, Password: "wrong-password"}
	_, err := s.Backup(ctx, filepath.Join(t.TempDir(), "backup"), opts)
	if err == nil || !strings.Contains(err.Error(), "193") {
		t.Errorf("backup with a wrong password = %v, want the server's code 193", err)
	}
}

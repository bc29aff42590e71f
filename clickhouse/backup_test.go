package clickhouse_test

import (
	"context"
	"os"
	"path/filepath"
	"strings"
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

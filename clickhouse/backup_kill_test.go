package clickhouse_test

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"

	"saima/clickhouse"
	"saima/clickhouse/chtest"
)

// Environment of TestRestoreKilledChild, which TestRestoreKilled runs as
// a second process of this test binary.
const (
	childBackup = "SAIMA_RESTORE_CHILD_BACKUP" // the backup folder; the child runs only when set
	childData   = "SAIMA_RESTORE_CHILD_DATA"   // the chDB data folder
	childKillAt = "SAIMA_RESTORE_CHILD_KILL"   // the restore step to SIGKILL itself at; empty restores whole
)

// restoreTarget is the database that the children restore into.
const restoreTarget = "restore_target"

// TestRestoreKilled restores a backup in a second process on the embedded
// engine and kills that process with SIGKILL after a step of the restore.
// A third process on the same data folder must find the target empty, or
// whole when the kill came after the rename, and a restore there must
// work with no clean-up by hand.
func TestRestoreKilled(t *testing.T) {
	ctx := context.Background()
	s := chtest.StoreOn(t, "embedded")
	if err := s.WriteBatch(ctx, progressBatch("60", "45", "72")); err != nil {
		t.Fatal(err)
	}
	dir := filepath.Join(t.TempDir(), "backup")
	if _, err := s.Backup(ctx, dir, clickhouse.BackupOptions{}); err != nil {
		t.Fatal(err)
	}

	for _, step := range []string{"loaded progress", "renamed"} {
		t.Run(step, func(t *testing.T) {
			data := filepath.Join(t.TempDir(), "data")
			out, err := restoreChild(dir, data, step).CombinedOutput()
			var exit *exec.ExitError
			if !errors.As(err, &exit) || exit.Sys().(syscall.WaitStatus).Signal() != syscall.SIGKILL {
				t.Fatalf("restore killed at %q ended with %v, want SIGKILL:\n%s", step, err, out)
			}
			out, err = restoreChild(dir, data, "").CombinedOutput()
			if err != nil {
				t.Fatalf("restore after a kill at %q: %v\n%s", step, err, out)
			}
			want := "before: empty"
			if step == "renamed" {
				want = "before: whole"
			}
			if !strings.Contains(string(out), want) {
				t.Errorf("after a kill at %q the child reported:\n%s\nwant %q", step, out, want)
			}
		})
	}
}

func restoreChild(backup, data, killAt string) *exec.Cmd {
	cmd := exec.Command(os.Args[0], "-test.run=^TestRestoreKilledChild$", "-test.v")
	cmd.Env = append(os.Environ(), childBackup+"="+backup, childData+"="+data, childKillAt+"="+killAt)
	return cmd
}

// TestRestoreKilledChild is the second process of TestRestoreKilled. With
// a step to be killed at, it restores and SIGKILLs itself there. Without
// one it prints whether the target is empty or whole, restores again and
// checks every table's count.
func TestRestoreKilledChild(t *testing.T) {
	dir := os.Getenv(childBackup)
	if dir == "" {
		t.Skip("runs as a child of TestRestoreKilled")
	}
	ctx := context.Background()
	lib, err := chtest.FindRepoFile(clickhouse.DefaultLibraryPath)
	if err != nil {
		t.Fatal(err)
	}
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	e, err := clickhouse.OpenEmbedded(clickhouse.EmbeddedConfig{Library: lib, DataDir: os.Getenv(childData)}, log)
	if err != nil {
		t.Fatal(err)
	}
	if err := e.Exec(ctx, "CREATE DATABASE IF NOT EXISTS "+restoreTarget); err != nil {
		t.Fatal(err)
	}
	s, err := clickhouse.NewStore(ctx, e, restoreTarget, log)
	if err != nil {
		t.Fatal(err)
	}
	m, err := clickhouse.ReadBackup(dir)
	if err != nil {
		t.Fatal(err)
	}

	if step := os.Getenv(childKillAt); step != "" {
		clickhouse.SetRestoreStep(t, func(reached string) {
			if reached == step {
				syscall.Kill(os.Getpid(), syscall.SIGKILL)
			}
		})
		err := s.Restore(ctx, dir, m, clickhouse.BackupOptions{})
		t.Fatalf("restore returned %v before the kill at %q", err, step)
	}

	var want, got uint64
	counts := rowCounts(t, s, m)
	for _, tb := range m.Tables {
		want += tb.Rows
		got += counts[tb.Name]
	}
	switch got {
	case 0:
		t.Log("before: empty")
	case want:
		t.Log("before: whole")
		return
	default:
		t.Fatalf("before: %d of %d rows, a half-filled database", got, want)
	}
	if err := s.Restore(ctx, dir, m, clickhouse.BackupOptions{}); err != nil {
		t.Fatalf("restore: %v", err)
	}
	counts = rowCounts(t, s, m)
	for _, tb := range m.Tables {
		if counts[tb.Name] != tb.Rows {
			t.Errorf("%s has %d rows after the restore, want %d", tb.Name, counts[tb.Name], tb.Rows)
		}
	}
	if left := chtest.RestoreLeftovers(t, s.Engine(), s.Database()); len(left) > 0 {
		t.Errorf("restore left the tables %v", left)
	}
}

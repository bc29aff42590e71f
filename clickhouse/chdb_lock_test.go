package clickhouse

import (
	"errors"
	"os"
	"path/filepath"
	"testing"

	"golang.org/x/sys/unix"
)

// TestCheckUnlocked checks the data folder lock test on status files that
// this test locks as chDB does: an exclusive flock held by an open file.
func TestCheckUnlocked(t *testing.T) {
	const status = "PID: 4242\nStarted at: 2026-12-05 15:39:19\nRevision: 54510\n"
	tests := []struct {
		name    string
		status  string // "" for no status file
		locked  bool
		wantPID int // -1 for no error
	}{
		{"NoStatusFile", "", false, -1},
		{"Unlocked", status, false, -1},
		{"Locked", status, true, 4242},
		{"LockedWithoutPID", "Revision: 54510\n", true, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			if tt.status != "" {
				path := filepath.Join(dir, "status")
				if err := os.WriteFile(path, []byte(tt.status), 0o600); err != nil {
					t.Fatal(err)
				}
				holder, err := os.Open(path)
				if err != nil {
					t.Fatal(err)
				}
				defer holder.Close()
				if tt.locked {
					if err := unix.Flock(int(holder.Fd()), unix.LOCK_EX|unix.LOCK_NB); err != nil {
						t.Fatal(err)
					}
				}
			}

			err := checkUnlocked(dir)
			if tt.wantPID < 0 {
				if err != nil {
					t.Errorf("checkUnlocked = %v, want nil", err)
				}
				return
			}
			locked, ok := errors.AsType[*LockedError](err)
			if !ok {
				t.Fatalf("checkUnlocked = %v, want a *LockedError", err)
			}
			if locked.PID != tt.wantPID || locked.Dir != dir {
				t.Errorf("checkUnlocked = PID %d in %s, want PID %d in %s", locked.PID, locked.Dir, tt.wantPID, dir)
			}
		})
	}
}

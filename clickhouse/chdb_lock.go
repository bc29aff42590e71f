package clickhouse

import (
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"golang.org/x/sys/unix"
)

// LockedError is the error of [OpenEmbedded] when another process runs
// chDB on the data folder. chDB allows one process per folder, because it
// holds an exclusive flock on the folder's status file while it runs.
type LockedError struct {
	Dir string // absolute path of the data folder
	PID int    // the other process, from the status file; 0 if not known

	// Status is the status file that the other process wrote: its PID,
	// its start time and chDB's revision.
	Status string
}

func (e *LockedError) Error() string {
	return fmt.Sprintf("data folder %s is locked by another process running chDB (status file: %s)",
		e.Dir, e.Status)
}

// checkUnlocked returns a [*LockedError] when another process holds the
// lock on the status file of dir. chDB itself would print its own English
// error to the process's stderr and then fail to start, so the check runs
// first. A failure to read the file is left to chDB to report.
func checkUnlocked(dir string) error {
	f, err := os.Open(filepath.Join(dir, "status"))
	if err != nil {
		return nil
	}
	defer f.Close()
	err = unix.Flock(int(f.Fd()), unix.LOCK_EX|unix.LOCK_NB)
	if err == nil {
		unix.Flock(int(f.Fd()), unix.LOCK_UN)
		return nil
	}
	if !errors.Is(err, unix.EWOULDBLOCK) {
		return nil
	}

	body, _ := io.ReadAll(io.LimitReader(f, 4096))
	status := strings.ReplaceAll(strings.TrimSpace(string(body)), "\n", "; ")
	return &LockedError{Dir: dir, PID: statusPID(string(body)), Status: status}
}

// statusPID returns the PID on the "PID: 12345" line of a chDB status
// file, or 0.
func statusPID(status string) int {
	for line := range strings.Lines(status) {
		if text, ok := strings.CutPrefix(line, "PID:"); ok {
			pid, err := strconv.Atoi(strings.TrimSpace(text))
			if err == nil {
				return pid
			}
		}
	}
	return 0
}

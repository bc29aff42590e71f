package clickhouse

import (
	"errors"
	"syscall"
)

// processRuns reports whether a process with the given pid runs on this
// host. A process of another user counts: signal 0 is then refused with
// EPERM.
func processRuns(pid int) bool {
	err := syscall.Kill(pid, 0)
	return err == nil || errors.Is(err, syscall.EPERM)
}

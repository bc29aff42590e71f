package clickhouse

import (
	"bytes"
	"errors"
	"os"
	"strconv"
	"syscall"
)

// processRuns reports whether a process with the given pid runs on this
// host. A process of another user counts, because signal 0 is then
// refused with EPERM. A zombie, a process that has exited but whose
// parent has not collected it yet, does not count.
func processRuns(pid int) bool {
	err := syscall.Kill(pid, 0)
	if err != nil && !errors.Is(err, syscall.EPERM) {
		return false
	}
	stat, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/stat")
	if err != nil {
		return true
	}
	// The state follows the command name, which is in parentheses and
	// may itself hold ") ".
	i := bytes.LastIndexByte(stat, ')')
	return i < 0 || i+2 >= len(stat) || stat[i+2] != 'Z'
}

package clickhouse

import (
	"bytes"
	"errors"
	"os"
	"strconv"
	"strings"
	"sync"
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

// processStart returns when the process pid started, as the boot's ID and
// the start time in clock ticks since that boot, from /proc. No two
// processes of one host share it, even when the kernel gives a pid again.
// It returns "" when /proc cannot be read.
func processStart(pid int) string {
	boot := bootID()
	stat, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/stat")
	if boot == "" || err != nil {
		return ""
	}
	i := bytes.LastIndexByte(stat, ')')
	if i < 0 {
		return ""
	}
	// After the command name come the state (field 3) and the others in
	// order; the start time is field 22.
	fields := strings.Fields(string(stat[i+1:]))
	if len(fields) < 20 {
		return ""
	}
	return boot + "." + fields[19]
}

// bootID returns the kernel's random ID of this boot, read once.
var bootID = sync.OnceValue(func() string {
	b, err := os.ReadFile("/proc/sys/kernel/random/boot_id")
	if err != nil {
		return ""
	}
	return strings.TrimSpace(string(b))
})

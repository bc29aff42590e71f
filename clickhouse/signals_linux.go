package clickhouse

import (
	"syscall"
	"unsafe"
)

// sigaction is the kernel's struct sigaction on linux/amd64 and arm64.
type sigaction struct {
	handler  uintptr
	flags    uint64
	restorer uintptr
	mask     uint64
}

// maxSignal is the highest signal number Linux defines.
const maxSignal = 64

// signalHandlers is a snapshot of every signal's handler.
type signalHandlers [maxSignal + 1]sigaction

// saveSignalHandlers returns the current handler of every signal.
func saveSignalHandlers() *signalHandlers {
	var h signalHandlers
	for sig := 1; sig <= maxSignal; sig++ {
		syscall.RawSyscall6(syscall.SYS_RT_SIGACTION, uintptr(sig), 0,
			uintptr(unsafe.Pointer(&h[sig])), 8, 0, 0)
	}
	return &h
}

// restore reinstalls every handler in h that differs from the current one
// and returns the signals it changed back.
func (h *signalHandlers) restore() []int {
	now := saveSignalHandlers()
	var changed []int
	for sig := 1; sig <= maxSignal; sig++ {
		if now[sig] == h[sig] || sig == int(syscall.SIGKILL) || sig == int(syscall.SIGSTOP) {
			continue
		}
		syscall.RawSyscall6(syscall.SYS_RT_SIGACTION, uintptr(sig),
			uintptr(unsafe.Pointer(&h[sig])), 0, 8, 0, 0)
		changed = append(changed, sig)
	}
	return changed
}

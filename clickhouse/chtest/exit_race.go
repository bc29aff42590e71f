//go:build race

package chtest

import "syscall"

// Exit ends a test binary built with -race without the race detector's
// shutdown. With chDB loaded, that shutdown (runtime.racefini) ends in a
// SIGSEGV after the tests have passed. Races are not lost: the testing
// package fails each test in which the detector found one, so code
// already counts them.
func Exit(code int) { syscall.Exit(code) }

//go:build !race

package chtest

import "os"

// Exit ends the test binary with code. Call it at the end of a TestMain
// that loaded chDB; under -race it skips the detector's shutdown, which
// crashes once chDB is loaded.
func Exit(code int) { os.Exit(code) }

package chtest

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// A crash report runs longer than the tail the tests print. LogTail must
// keep all of its frames, because the first frame alone names only libstdc++.
func TestLogTailKeepsWholeCrashReport(t *testing.T) {
	dir := t.TempDir()
	var lines []string
	for i := range 20 {
		lines = append(lines, fmt.Sprintf("<Information> executeQuery: query %d", i))
	}
	lines = append(lines,
		"<Error> BaseDaemon: ########################################",
		"<Error> BaseDaemon: (from thread 895) Received signal Segmentation fault (11).")
	for i := range 40 {
		lines = append(lines, fmt.Sprintf("<Error> BaseDaemon: %d. frame%d", i, i))
	}
	if err := os.WriteFile(filepath.Join(dir, "server.log"), []byte(strings.Join(lines, "\n")+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	s := &Server{Dir: dir}
	tail := s.LogTail(30)
	for _, want := range []string{"BaseDaemon: ####", "Received signal", "0. frame0", "39. frame39", "query 19"} {
		if !strings.Contains(tail, want) {
			t.Errorf("LogTail(30) lacks %q:\n%s", want, tail)
		}
	}
	if strings.Contains(tail, "query 10\n") {
		t.Errorf("LogTail(30) reaches back further than five lines before the crash:\n%s", tail)
	}

	// Without a crash, the tail is the last n lines.
	if err := os.WriteFile(filepath.Join(dir, "server.log"), []byte(strings.Join(lines[:20], "\n")+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	tail = s.LogTail(3)
	if strings.Contains(tail, "query 16") {
		t.Errorf("LogTail(3) without a crash reaches back past the last 3 lines:\n%s", tail)
	}
	if !strings.Contains(tail, "query 17") {
		t.Errorf("LogTail(3) without a crash lacks the third line from the end:\n%s", tail)
	}
}

package main

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// TestOutputEscapesControls imports a file whose cell contains terminal
// escape sequences, as a unit's upload over HTTP can store in the upload
// log. Neither the import's error list nor saima uploads --id may write
// them to the terminal as they are. They would clear the operator's
// screen, set its title or rewrite lines already printed.
func TestOutputEscapesControls(t *testing.T) {
	e := newTestEnv(t)
	dir := t.TempDir()
	units := filepath.Join(dir, "units.csv")
	if err := os.WriteFile(units, []byte("单位,单位类别\n宁波市海曙区,区县（市）\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	e.mustRun("import", units)
	milestones := filepath.Join(dir, "milestones.csv")
	if err := os.WriteFile(milestones, []byte("项目编号,里程碑,计划完成日期,实际完成日期,状态,责任单位\n"+
		"NB-1,坏日期,2026-13-\x1b[2J\x1b]2;PWNED\x07\u009b1A,,进行中,宁波市海曙区\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	code, out, errOut := e.run("import", milestones)
	if code != 1 {
		t.Fatalf("import of a file with a bad date exited %d, want 1\nstdout:\n%s\nstderr:\n%s", code, out, errOut)
	}
	checkNoControls(t, "import's error list", out+errOut)
	// The import rejects a cell with a control character and shows each
	// one in the value as its code point.
	assertContains(t, "import's error list", errOut, `2026-13-[U+001B][2J[U+001B]]2;PWNED`, "U+001B")

	id := regexp.MustCompile(`u-[0-9a-f]+`).FindString(e.mustRun("uploads", "--outcome", "rejected"))
	if id == "" {
		t.Fatal("saima uploads lists no rejected upload")
	}
	detail := e.mustRun("uploads", "--id", id)
	checkNoControls(t, "saima uploads --id "+id, detail)
	assertContains(t, "saima uploads --id "+id, detail, `[U+001B]]2;PWNED`)
}

func checkNoControls(t *testing.T, source, out string) {
	t.Helper()
	for _, r := range out {
		if r != '\n' && r != '\t' && (r < 0x20 || r == 0x7f || 0x80 <= r && r < 0xa0) {
			t.Errorf("%s writes the control character %U to the terminal:\n%q", source, r, out)
			return
		}
	}
}

// TestTermSafeSplitWrites checks a C1 control character whose two UTF-8
// bytes arrive in two writes, and text around it.
func TestTermSafeSplitWrites(t *testing.T) {
	var b strings.Builder
	w := newTermSafe(&b)
	for _, p := range []string{"宁波\xc2", "\x9b2J市\t\n", "\xc2", "\xa9 ok\x7f"} {
		if n, err := w.Write([]byte(p)); err != nil || n != len(p) {
			t.Fatalf("Write(%q) = %d, %v", p, n, err)
		}
	}
	if got, want := b.String(), "宁波\\u009b2J市\t\n© ok\\x7f"; got != want {
		t.Errorf("wrote %q, want %q", got, want)
	}
}

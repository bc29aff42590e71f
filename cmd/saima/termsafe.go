package main

import (
	"fmt"
	"io"
	"sync"
)

// termSafe writes to a terminal the text that saima prints, with every
// control character except tab and line feed written out as an escape,
// such as \x1b or \u009b. The text contains what units uploaded over HTTP:
// names, cell values in the upload log's error lists, file names. A value
// with ESC sequences, printed as it is, would clear the operator's screen,
// set its title or move the cursor to rewrite lines already printed.
type termSafe struct {
	// mu serializes writes, as the logger and the commands of serve
	// write to stderr from several goroutines.
	mu sync.Mutex
	w  io.Writer
	// lead reports whether the last write ended in 0xC2, the first byte
	// of a C1 control character (U+0080 to U+009F) or of another one.
	lead bool
}

func newTermSafe(w io.Writer) io.Writer { return &termSafe{w: w} }

// Write implements io.Writer. It reports len(p) when the whole of p, in
// its escaped form, was written.
func (t *termSafe) Write(p []byte) (int, error) {
	t.mu.Lock()
	defer t.mu.Unlock()
	out := make([]byte, 0, len(p)+8)
	i := 0
	if t.lead {
		t.lead = false
		var n int
		out, n = t.afterLead(out, p, 0)
		i = n
	}
	for ; i < len(p); i++ {
		c := p[i]
		switch {
		case c == 0xC2 && i+1 == len(p):
			t.lead = true
		case c == 0xC2:
			var n int
			out, n = t.afterLead(out, p, i+1)
			i += n
		case c < 0x20 && c != '\t' && c != '\n', c == 0x7F:
			out = fmt.Appendf(out, `\x%02x`, c)
		default:
			out = append(out, c)
		}
	}
	if _, err := t.w.Write(out); err != nil {
		return 0, err
	}
	return len(p), nil
}

// afterLead appends the character that 0xC2 starts, with p[i] as its
// second byte, and returns how many bytes of p from i it used. A C1
// control character is escaped. When p has no byte i, the 0xC2 waits for
// the next write. A 0xC2 without a continuation byte is written alone.
func (t *termSafe) afterLead(out, p []byte, i int) ([]byte, int) {
	if i >= len(p) {
		t.lead = true
		return out, 0
	}
	switch c := p[i]; {
	case 0x80 <= c && c <= 0x9F:
		return fmt.Appendf(out, `\u%04x`, rune(c)), 1
	case 0xA0 <= c && c <= 0xBF:
		return append(out, 0xC2, c), 1
	}
	return append(out, 0xC2), 0
}

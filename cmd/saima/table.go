package main

import (
	"bytes"
	"io"
	"strings"

	"golang.org/x/text/width"
)

// table aligns tab-separated columns for a terminal, as text/tabwriter
// does, but by display width. A Chinese character takes two columns of a
// terminal and tabwriter counts it as one, so names such as 宁波市海曙区
// pushed the columns after them out of line. Cells end with a tab; the
// last cell of a line is not padded. As in tabwriter, a column is aligned
// over a block of consecutive lines that all have it, so a blank line or a
// line without tabs starts a new table.
type table struct {
	w   io.Writer
	buf bytes.Buffer
}

// cellGap is the spaces between two columns.
const cellGap = 2

func newTable(w io.Writer) *table { return &table{w: w} }

func (t *table) Write(p []byte) (int, error) { return t.buf.Write(p) }

// Flush writes the aligned text of everything written so far.
func (t *table) Flush() error {
	text := t.buf.String()
	t.buf.Reset()
	lines := strings.Split(text, "\n")
	cells := make([][]string, len(lines))
	for i, line := range lines {
		cells[i] = strings.Split(line, "\t")
	}
	// widths[i][k] is the width that cell k of line i is padded to.
	widths := make([][]int, len(lines))
	for k := 0; ; k++ {
		found := false
		for start := 0; start < len(lines); {
			if len(cells[start])-1 <= k {
				start++
				continue
			}
			found = true
			end, widest := start, 0
			for ; end < len(lines) && len(cells[end])-1 > k; end++ {
				widest = max(widest, displayWidth(cells[end][k]))
			}
			for i := start; i < end; i++ {
				widths[i] = append(widths[i], widest)
			}
			start = end
		}
		if !found {
			break
		}
	}

	var out strings.Builder
	for i, row := range cells {
		for k, cell := range row {
			out.WriteString(cell)
			if k < len(row)-1 {
				out.WriteString(strings.Repeat(" ", widths[i][k]-displayWidth(cell)+cellGap))
			}
		}
		if i < len(lines)-1 {
			out.WriteByte('\n')
		}
	}
	_, err := io.WriteString(t.w, out.String())
	return err
}

// displayWidth returns the columns s takes in a terminal: two for each
// wide or full-width character (East Asian Width W or F), one for others.
func displayWidth(s string) int {
	n := 0
	for _, r := range s {
		switch width.LookupRune(r).Kind() {
		case width.EastAsianWide, width.EastAsianFullwidth:
			n += 2
		default:
			n++
		}
	}
	return n
}

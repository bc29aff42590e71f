package reports

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"saima"
)

// tocRowRE matches an entry of the table of contents in pdftotext -layout
// output: the title, dot leaders and the page number.
var tocRowRE = regexp.MustCompile(`(?m)^\s*(\S.*?)\s*\.{3,}\s*(\d+)\s*$`)

// contentsEntries reads the table of contents from the pages that follow
// the cover, up to the first page without an entry.
func contentsEntries(tb testing.TB, layoutPages []string) map[string]int {
	tb.Helper()
	entries := map[string]int{}
	for _, page := range layoutPages[1:] {
		rows := tocRowRE.FindAllStringSubmatch(page, -1)
		if len(rows) == 0 {
			break
		}
		for _, r := range rows {
			n, _ := strconv.Atoi(r[2])
			entries[r[1]] = n
		}
	}
	return entries
}

// manyUnitsQuarterly is a report with n units in one track, so that its
// table of contents spans more than one page.
func manyUnitsQuarterly(n int) *Quarterly {
	q := smallQuarterly()
	q.Tracks = []TrackRanking{{Track: "试点赛道"}}
	q.Units = nil
	for i := range n {
		s := score("试点赛道", fmt.Sprintf("试点单位%03d", i+1), 99-float64(i)*0.5, i+1, 0,
			contribution("项目按时开工率", 80, 80, 1))
		q.Tracks[0].Scores = append(q.Tracks[0].Scores, s)
		q.Units = append(q.Units, UnitSection{Unit: saima.Unit{Name: s.Unit}, Score: s})
	}
	return q
}

func TestWriteQuarterlyContents(t *testing.T) {
	tests := []struct {
		name         string
		q            *Quarterly
		contentPages int
	}{
		{"Small", smallQuarterly(), 1},
		{"HardText", hardQuarterly(t), 1},
		{"ManyUnits", manyUnitsQuarterly(90), 3},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			path, _ := renderPDF(t, tt.q)
			layout := strings.Split(popplerText(t, path, "-layout"), "\f")
			plain := strings.Split(popplerText(t, path), "\f")

			cover := plain[0]
			for _, want := range []string{tt.q.Title, tt.q.Period.Label(), "考评规则", "第 1 页"} {
				if !strings.Contains(strings.ReplaceAll(cover, " ", ""), strings.ReplaceAll(want, " ", "")) {
					t.Errorf("cover page lacks %q:\n%s", want, cover)
				}
			}
			if !strings.Contains(plain[1], "目") || !strings.Contains(plain[1], "录") {
				t.Errorf("page 2 is not the table of contents:\n%.300s", plain[1])
			}

			entries := contentsEntries(t, layout)
			wantEntries := len(tt.q.Units) + len(tt.q.Tracks) + 2
			if len(entries) != wantEntries {
				t.Fatalf("contents has %d entries, want %d: %v", len(entries), wantEntries, entries)
			}
			first := len(plain)
			for _, n := range entries {
				first = min(first, n)
			}
			if want := 2 + tt.contentPages; first != want {
				t.Errorf("first entry is on page %d, want %d (after %d contents pages)", first, want, tt.contentPages)
			}
			for _, sec := range tt.q.Units {
				name := strings.NewReplacer("𠮷", "□", "👍", "□").Replace(sec.Unit.Name)
				page, ok := entries[name]
				if !ok {
					t.Errorf("contents lack unit %q", name)
					continue
				}
				if top := firstLines(plain[page-1], 3); !strings.Contains(top, name) {
					t.Errorf("contents put %q on page %d, which starts:\n%s", name, page, top)
				}
			}
		})
	}
}

// firstLines returns the first n non-empty lines of a page.
func firstLines(page string, n int) string {
	var lines []string
	for line := range strings.SplitSeq(page, "\n") {
		if strings.TrimSpace(line) != "" && len(lines) < n {
			lines = append(lines, line)
		}
	}
	return strings.Join(lines, "\n")
}

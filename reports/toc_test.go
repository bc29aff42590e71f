package reports

import (
	"fmt"
	"regexp"
	"slices"
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
		placeholders bool // the report ends with the section 缺字说明
	}{
		{"Small", smallQuarterly(), 1, false},
		{"HardText", hardQuarterly(t), 1, true},
		{"ManyUnits", manyUnitsQuarterly(90), 3, false},
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
			if tt.placeholders {
				wantEntries++
			}
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

// TestContentsLeaveNoAlmostEmptyPage lays out tables of contents of 1 to
// 120 one-line entries. None may end on a page that holds less than a
// quarter of a page of entries, and none may take more pages than filling
// each page to the bottom does.
func TestContentsLeaveNoAlmostEmptyPage(t *testing.T) {
	d := newDocument(docMeta{}, testFonts(t), testGlyphs(t))
	for n := 1; n <= 120; n++ {
		entries := make([]outlineEntry, n)
		for i := range entries {
			entries[i] = outlineEntry{title: fmt.Sprintf("试点单位%03d", i+1), level: i % 2, page: 3 + i}
		}
		rows := d.layOutContents(entries)
		greedy := d.placeContents(entries, tocRowGap, 0)
		last := rows[len(rows)-1]
		if pages, maxPages := last.page+1, greedy[len(greedy)-1].page+1; pages > maxPages {
			t.Errorf("%d entries take %d contents pages, want at most %d", n, pages, maxPages)
		}
		if last.page == 0 {
			continue
		}
		top := rows[slices.IndexFunc(rows, func(r tocRow) bool { return r.page == last.page })].y
		if used := last.y + lineHeight(sizeBody) - top; used < (contentBottom-marginTop)/4 {
			t.Errorf("%d entries leave %.0f mm of entries on the last contents page (%d), want a quarter page or more",
				n, used, last.page+1)
		}
	}
}

// TestWriteQuarterlyContentsOnePage renders a report whose contents just
// overflow one page when each entry keeps its full spacing, as the
// demo's 31 units did, and checks that they fit on one page.
func TestWriteQuarterlyContentsOnePage(t *testing.T) {
	path, _ := renderPDF(t, manyUnitsQuarterly(38))
	layout := strings.Split(popplerText(t, path, "-layout"), "\f")
	if got := len(tocRowRE.FindAllString(layout[1], -1)); got != 41 {
		t.Errorf("contents page 2 lists %d entries, want all 41", got)
	}
	if rows := tocRowRE.FindAllString(layout[2], -1); len(rows) != 0 {
		t.Errorf("page 3 continues the contents with %d entries, want none:\n%s", len(rows), layout[2])
	}
}

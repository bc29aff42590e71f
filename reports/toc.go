package reports

import (
	"bytes"
	"fmt"
	"io"
	"log/slog"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/samber/lo"

	"saima"
)

// docMeta describes a report for its cover page, its running header and
// the PDF's metadata.
type docMeta struct {
	Title     string    // on the cover, in the header and in the PDF's metadata
	Subtitle  string    // below the title and after it in the header, such as 2026年第三季度
	Lines     []string  // provenance lines under the title, such as the rule set and data date
	Generated time.Time // the PDF's creation date; zero leaves the date unset
	Contents  bool      // draw a cover page and a table of contents before the body
}

// outlineEntry is a heading of the PDF outline and of the table of
// contents. Level 0 is a part and level 1 a section within it.
type outlineEntry struct {
	title string
	level int
	page  int
}

// Layout of the table of contents, in mm.
const (
	tocIndent      = 6.0  // per outline level
	tocNumberWidth = 14.0 // page numbers, right-aligned at the right margin
	tocRowGap      = 1.2  // between two entries
	tocTitleSpace  = 16.0 // from the top margin to the first entry, below 目录
)

// render draws a report and writes it to w. draw adds the body, which
// starts on a new page.
//
// The body is drawn twice (see layOut). The first pass finds the page
// count and the page of every heading. With meta.Contents the second pass
// adds the table of contents before the body. The body always starts on a
// fresh page after the contents, so every heading moves down by exactly
// the number of contents pages, which depends only on the entries' titles.
//
// Characters the fonts cannot draw are replaced by [Placeholder], and log
// receives one warning that lists them.
func render(w io.Writer, meta docMeta, fonts *Fonts, log *slog.Logger, draw func(*document)) (err error) {
	glyphs, err := fonts.coverage()
	if err != nil {
		return fmt.Errorf("read font glyphs: %w", err)
	}
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}

	// gofpdf panics on some input, such as code points above U+FFFF. The
	// text cleaner removes the known cases, and this turns any other panic
	// into an error, so that one bad report does not take down a server.
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("render pdf: gofpdf panicked: %v", r)
		}
	}()

	d, err := layOut(meta, fonts, glyphs, draw)
	if err != nil {
		return err
	}
	var buf bytes.Buffer
	if err := d.pdf.Output(&buf); err != nil {
		return fmt.Errorf("render pdf: %w", err)
	}
	out := buf.Bytes()
	if !meta.Generated.IsZero() {
		if out, err = zoneDates(out, meta.Generated.In(saima.Beijing)); err != nil {
			return err
		}
	}
	if _, err := w.Write(out); err != nil {
		return fmt.Errorf("write pdf: %w", err)
	}

	if replaced := d.text.replacedList(); len(replaced) > 0 {
		log.Warn("pdf report drew placeholders for characters the fonts lack",
			"title", meta.Title, "subtitle", meta.Subtitle,
			"placeholder", string(Placeholder), "chars", replaced)
	}
	return nil
}

// layOut draws the whole document in two passes. The first pass, without
// a table of contents, finds the page count, the page of every heading and
// the characters drawn as [Placeholder]. The second draws the cover, the
// table of contents and the body again, with the page count in every
// footer. Both end with the section that lists those characters.
func layOut(meta docMeta, fonts *Fonts, glyphs *glyphSet, draw func(*document)) (*document, error) {
	first := newDocument(meta, fonts, glyphs)
	first.start(meta, false, nil)
	draw(first)
	replaced := first.text.replacedRunes()
	first.placeholderSection(replaced)
	shift := 0
	if meta.Contents {
		shift = contentsPages(first.layOutContents(first.outline))
	}
	pages := first.pdf.PageNo() + shift

	d := newDocument(meta, fonts, glyphs)
	d.pages = pages
	d.start(meta, true, first.outline)
	draw(d)
	d.placeholderSection(replaced)
	if meta.Contents {
		if err := checkOutline(first.outline, d.outline, shift); err != nil {
			return nil, err
		}
	}
	if d.pdf.PageNo() != pages {
		return nil, fmt.Errorf("render pdf: %d pages in the second pass, the footers give %d", d.pdf.PageNo(), pages)
	}
	return d, nil
}

// start draws what comes before the body: the title block, or with
// meta.Contents the cover, the table of contents of entries when contents
// is set (not in the first pass) and a fresh page for the body.
func (d *document) start(meta docMeta, contents bool, entries []outlineEntry) {
	if !meta.Contents {
		d.titleBlock(meta)
		return
	}
	d.cover(meta)
	if contents {
		d.contents(entries)
	}
	d.pdf.AddPage()
}

// checkOutline confirms that the second pass put every heading on the
// page the table of contents lists: shift pages after the first pass.
func checkOutline(first, second []outlineEntry, shift int) error {
	if len(first) != len(second) {
		return fmt.Errorf("render pdf: %d headings in the second pass, %d in the first", len(second), len(first))
	}
	for i, e := range second {
		if e.page != first[i].page+shift {
			return fmt.Errorf("render pdf: heading %q is on page %d, the table of contents lists %d",
				e.title, e.page, first[i].page+shift)
		}
	}
	return nil
}

// mark adds text to the PDF outline at level, pointing at the current
// position, and records it for the table of contents.
func (d *document) mark(text string, level int) {
	title := d.text.line(text)
	d.pdf.Bookmark(title, level, -1)
	d.outline = append(d.outline, outlineEntry{title: title, level: level, page: d.pdf.PageNo()})
}

// cover draws the first page: the title, the subtitle and the provenance
// lines, centred in the upper half of the page.
func (d *document) cover(meta docMeta) {
	d.pdf.SetY(72)
	d.paragraph(meta.Title, "B", sizeTitle+4, "C")
	d.pdf.Ln(4)
	y := d.pdf.GetY()
	d.pdf.SetDrawColor(198, 40, 40)
	d.pdf.SetLineWidth(0.6)
	d.pdf.Line(marginLeft+30, y, pageWidth-marginRight-30, y)
	d.pdf.SetLineWidth(0.2)
	d.pdf.SetDrawColor(0, 0, 0)
	d.pdf.Ln(6)
	if meta.Subtitle != "" {
		d.paragraph(meta.Subtitle, "", sizeHeading+2, "C")
	}
	d.pdf.SetY(max(d.pdf.GetY()+20, 150))
	for _, line := range meta.Lines {
		d.paragraph(line, "", sizeSubheading, "C")
		d.pdf.Ln(1)
	}
}

// tocRow is one entry of the table of contents, broken into lines.
type tocRow struct {
	entry outlineEntry
	lines []string
	page  int // the contents page it is drawn on, counted from 0
	y     float64
}

// contents draws the table of contents from the next page on, with each
// entry's page moved down by the contents' own length, and returns that
// length in pages. Each entry links to its page.
func (d *document) contents(entries []outlineEntry) int {
	rows := d.layOutContents(entries)
	pages := contentsPages(rows)

	for i, row := range rows {
		if i == 0 || row.page != rows[i-1].page {
			d.contentsPage(row.page == 0)
		}
		row.entry.page += pages
		d.contentsRow(row)
	}
	if len(rows) == 0 {
		d.contentsPage(true)
		d.paragraph("本报告没有章节。", "", sizeBody, "L")
	}
	return pages
}

// layOutContents breaks every entry's title into lines and places the
// rows on pages, without drawing anything. Filling each page to the
// bottom can leave a last page with a few entries and little else, such
// as 4 entries of a quarterly report of 31 units. Then the rows move
// closer together when that saves the page, and otherwise spread evenly
// over the pages.
func (d *document) layOutContents(entries []outlineEntry) []tocRow {
	rows := d.placeContents(entries, tocRowGap, 0)
	if !almostEmpty(rows) {
		return rows
	}
	if tight := d.placeContents(entries, 0, 0); lastPage(tight) < lastPage(rows) && !almostEmpty(tight) {
		return tight
	}
	total, tallest := 0.0, 0.0
	for _, r := range rows {
		h := float64(len(r.lines))*lineHeight(sizeBody) + tocRowGap
		total, tallest = total+h, max(tallest, h)
	}
	limit := total/float64(lastPage(rows)+1) + tallest
	if even := d.placeContents(entries, tocRowGap, limit); lastPage(even) == lastPage(rows) {
		return even
	}
	return rows
}

// contentsPages returns how many pages the table of contents of rows
// takes. It is at least one, because an empty table of contents prints
// that the report has no sections.
func contentsPages(rows []tocRow) int {
	return lastPage(rows) + 1
}

// lastPage returns the contents page of the last row, counted from 0.
func lastPage(rows []tocRow) int {
	if len(rows) == 0 {
		return 0
	}
	return rows[len(rows)-1].page
}

// almostEmpty reports whether rows end on a page after the first whose
// entries take less than a quarter of the page's height.
func almostEmpty(rows []tocRow) bool {
	last := lastPage(rows)
	if last == 0 {
		return false
	}
	first := rows[slices.IndexFunc(rows, func(r tocRow) bool { return r.page == last })]
	end := rows[len(rows)-1]
	used := end.y + float64(len(end.lines))*lineHeight(sizeBody) - first.y
	return used < (contentBottom-marginTop)/4
}

// placeContents places entries on pages, gap mm apart, and starts a new
// page where the next entry would end below contentBottom or, when
// limit is above 0, more than limit mm below the page's first entry.
func (d *document) placeContents(entries []outlineEntry, gap, limit float64) []tocRow {
	rows := make([]tocRow, len(entries))
	page, top := 0, marginTop+tocTitleSpace
	y := top
	for i, e := range entries {
		d.setFont(tocStyle(e.level), sizeBody)
		width := contentWidth - tocIndent*float64(e.level) - tocNumberWidth
		lines := d.wrap(e.title, width)
		h := float64(len(lines)) * lineHeight(sizeBody)
		if y > top && (y+h > contentBottom || limit > 0 && y+h-top > limit) {
			page, top = page+1, marginTop
			y = top
		}
		rows[i] = tocRow{entry: e, lines: lines, page: page, y: y}
		y += h + gap
	}
	return rows
}

func tocStyle(level int) string {
	if level == 0 {
		return "B"
	}
	return ""
}

// contentsPage starts a page of the table of contents, with its heading
// on the first.
func (d *document) contentsPage(first bool) {
	d.pdf.AddPage()
	if first {
		d.paragraph("目　录", "B", sizeHeading+2, "C")
	}
}

// contentsRow draws one entry: its title, dot leaders and its page number,
// all a link to that page.
func (d *document) contentsRow(row tocRow) {
	lh := lineHeight(sizeBody)
	x := marginLeft + tocIndent*float64(row.entry.level)
	width := pageWidth - marginRight - tocNumberWidth - x
	d.setFont(tocStyle(row.entry.level), sizeBody)

	for i, line := range row.lines {
		d.pdf.SetXY(x, row.y+float64(i)*lh)
		if i < len(row.lines)-1 {
			d.pdf.CellFormat(width, lh, line, "", 0, "L", false, 0, "")
			continue
		}
		d.pdf.CellFormat(width, lh, line+d.leaders(line, width), "", 0, "L", false, 0, "")
		d.pdf.CellFormat(tocNumberWidth, lh, strconv.Itoa(row.entry.page), "", 0, "R", false, 0, "")
	}

	link := d.pdf.AddLink()
	d.pdf.SetLink(link, 0, row.entry.page)
	d.pdf.Link(x, row.y, pageWidth-marginRight-x, float64(len(row.lines))*lh, link)
	d.pdf.SetXY(marginLeft, row.y+float64(len(row.lines))*lh+tocRowGap)
}

// leaders returns the dots that fill a cell of width mm after line, with a
// space on either side.
func (d *document) leaders(line string, width float64) string {
	room := width - 2*cellPadding - d.pdf.GetStringWidth(line+"  ")
	n := int(room / d.pdf.GetStringWidth("."))
	if n < 3 {
		return " "
	}
	return " " + strings.Repeat(".", n) + " "
}

// joinNonEmpty joins the parts that are not empty with sep.
func joinNonEmpty(sep string, parts ...string) string {
	return strings.Join(lo.Compact(parts), sep)
}

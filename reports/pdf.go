package reports

import (
	"bytes"
	"cmp"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"strings"
	"time"

	"github.com/jung-kurt/gofpdf"
	"github.com/samber/lo"

	"saima"
)

// Page geometry of an A4 portrait page, in millimetres.
const (
	pageWidth     = 210.0
	pageHeight    = 297.0
	marginLeft    = 18.0
	marginRight   = 18.0
	marginTop     = 20.0 // content starts here, below the running header
	marginBottom  = 20.0 // content ends this far above the bottom edge, above the footer
	contentWidth  = pageWidth - marginLeft - marginRight
	contentBottom = pageHeight - marginBottom
	cellPadding   = 1.2 // space between a cell's edge and its text
)

// Font sizes, in points.
const (
	sizeTitle      = 20.0
	sizeHeading    = 14.0
	sizeSubheading = 11.0
	sizeBody       = 10.0
	sizeTable      = 9.0
	sizeSmall      = 8.0
)

const fontFamily = "noto"

// lineHeight returns the height of a line of text at size points, in
// millimetres: 1.5 times the font size.
func lineHeight(size float64) float64 { return size * 25.4 / 72 * 1.5 }

// WriteQuarterly draws q as an A4 PDF and writes it to w: a cover page, a
// table of contents with page numbers, a ranking table and bar chart per
// track, the units that the ranking left out, and a section per unit. The
// PDF outline lists the tracks and the units. Every page has a footer with
// its number and the page count.
//
// Characters the fonts cannot draw, such as 𠮷 or 👍, are drawn as
// [Placeholder], a last section 缺字说明 lists them by code point, and log
// receives one warning that lists them. A nil log discards the warning.
// q.GeneratedAt is also the PDF's creation date, so the same q gives the
// same document.
func WriteQuarterly(w io.Writer, q *Quarterly, fonts *Fonts, log *slog.Logger) error {
	if q == nil || fonts == nil {
		return errors.New("write quarterly report: report and fonts are required")
	}
	meta := docMeta{
		Title:     q.Title,
		Subtitle:  joinNonEmpty("　", q.Period.Label(), q.Scope),
		Lines:     coverLines(q),
		Generated: q.GeneratedAt,
		Contents:  true,
	}
	return render(w, meta, fonts, log, func(d *document) {
		d.rankings(q)
		d.unranked(q.Unranked, q.UnrankedFromCurrentRoster)
		d.verdicts(q.Verdicts, q.Grades, false)
		d.overrides(q.Overrides, false)
		d.unitSections(q)
		d.workflowSections(q.Workflow)
	})
}

// partialNote warns that a ranking read the ledger before the period
// ended, or returns "" when it read the ledger afterwards. It words the
// warning as the leaderboard does at generated: while the period runs,
// or once it has ended, when the office should publish again.
func partialNote(period saima.Period, readAt, generated time.Time) string {
	day, ok := PartialOn(readAt, period)
	if !ok {
		return ""
	}
	if !generated.IsZero() && saima.DateOf(generated).After(period.End()) {
		return fmt.Sprintf("本期已于 %s 结束，但这一版本读取的是 %s 已上传的数据，不是期末结果；请改革办按全部数据重新发布。",
			period.End(), day)
	}
	return fmt.Sprintf("本期到 %s 才结束，本结果读取的是 %s 已上传的数据，不是期末结果；期末之后需按全部数据重新计分或发布。",
		period.End(), day)
}

// coverLines lists the report's provenance for its cover page.
func coverLines(q *Quarterly) []string {
	lines := []string{"考评规则：" + q.RuleSet}
	switch {
	case q.Draft:
		status := cmp.Or(q.Status, "未发布")
		lines = append(lines, "考评状态："+status+"（草稿，发布前得分和名次还可能变化）")
	case q.Status != "":
		lines = append(lines, "考评状态："+q.Status)
	}
	if note := partialNote(q.Period, q.ReadAt, q.GeneratedAt); note != "" {
		lines = append(lines, "数据截止："+note)
	}
	if !q.GeneratedAt.IsZero() {
		generated := q.GeneratedAt.In(saima.Beijing).Format("2006-01-02 15:04")
		lines = append(lines, "生成时间："+generated+"（北京时间）")
	}
	if !q.DataVersion.IsZero() {
		version := q.DataVersion.In(saima.Beijing).Format("2006-01-02 15:04:05")
		lines = append(lines, "数据版本："+version+"（北京时间）前提交的上传")
	}
	if !q.DataAsOf.IsZero() {
		lines = append(lines, "逾期判定日："+saima.DateOf(q.DataAsOf).String()+
			"（计划完成日期早于此日、此日前仍未完成的里程碑为逾期）")
	}
	return append(lines, unitCount(q))
}

// unitCount returns the cover's count of the units that the report's
// rankings list. A unit's report ranks its own track, so its cover names
// that track and counts the track's units.
func unitCount(q *Quarterly) string {
	units := lo.SumBy(q.Tracks, func(t TrackRanking) int { return len(t.Scores) })
	if q.Scope != "" && len(q.Tracks) == 1 {
		return fmt.Sprintf("赛道：%s，参评单位：%d 个", trackName(q.Tracks[0].Track), units)
	}
	return fmt.Sprintf("参评单位：%d 个，赛道：%d 个", units, len(q.Tracks))
}

// document is a PDF being drawn. Every string it draws passes through text
// first.
type document struct {
	pdf     *gofpdf.Fpdf
	text    *textCleaner
	header  string         // running header on every page after the first
	outline []outlineEntry // headings in the PDF outline, in page order

	// pages is the page count that the footers print, found by an
	// earlier pass over the same content (see layOut). gofpdf's page-count
	// alias is not used, because gofpdf replaces it wherever it occurs on
	// a page, so a name such as 第{nb}期 would print as 第12期.
	pages int
}

func newDocument(meta docMeta, fonts *Fonts, glyphs *glyphSet) *document {
	pdf := gofpdf.New("P", "mm", "A4", "")
	d := &document{pdf: pdf, text: newTextCleaner(glyphs)}

	// gofpdf writes the Beijing wall time without a zone, and render adds
	// the zone (see zoneDates).
	if !meta.Generated.IsZero() {
		pdf.SetCreationDate(meta.Generated.In(saima.Beijing))
		pdf.SetModificationDate(meta.Generated.In(saima.Beijing))
	}
	pdf.SetCatalogSort(true)
	// gofpdf v1.16.2 writes into the font bytes it is given: it pads each
	// subset table with append, which can write past the table into the
	// rest of the file. Each document therefore gets its own copy (about
	// 20 MB), and a shared Fonts stays read-only.
	pdf.AddUTF8FontFromBytes(fontFamily, "", bytes.Clone(fonts.Regular))
	pdf.AddUTF8FontFromBytes(fontFamily, "B", bytes.Clone(fonts.Bold))

	// This package breaks pages itself, because gofpdf's automatic break
	// would split table rows and cannot repeat a table header.
	pdf.SetMargins(marginLeft, marginTop, marginRight)
	pdf.SetCellMargin(cellPadding)
	pdf.SetAutoPageBreak(false, marginBottom)

	title := d.text.line(meta.Title)
	pdf.SetTitle(title, true)
	pdf.SetCreator("saima", true)
	d.header = joinNonEmpty("　", title, d.text.line(meta.Subtitle))
	pdf.SetHeaderFunc(d.drawHeader)
	pdf.SetFooterFunc(d.drawFooter)

	d.setFont("", sizeBody)
	pdf.AddPage()
	return d
}

func (d *document) drawHeader() {
	if d.pdf.PageNo() == 1 {
		return
	}
	d.setFont("", sizeSmall)
	d.pdf.SetTextColor(110, 110, 110)
	d.pdf.SetXY(marginLeft, 10)
	d.pdf.CellFormat(contentWidth, 5, d.headerLine(), "B", 0, "L", false, 0, "")
	d.pdf.SetTextColor(0, 0, 0)
	d.pdf.SetXY(marginLeft, marginTop)
}

// headerLine returns the running header as one line of the content
// width. A header too long for it is cut with an ellipsis, not wrapped.
func (d *document) headerLine() string {
	lines := d.wrap(d.header, contentWidth)
	if len(lines) == 1 {
		return lines[0]
	}
	runes := []rune(lines[0])
	for len(runes) > 0 && d.pdf.GetStringWidth(string(runes)+"…") > contentWidth-2*cellPadding {
		runes = runes[:len(runes)-1]
	}
	return string(runes) + "…"
}

func (d *document) drawFooter() {
	d.setFont("", sizeSmall)
	d.pdf.SetXY(marginLeft, pageHeight-13)
	d.pdf.CellFormat(contentWidth, 5, pageFooter(d.pdf.PageNo(), d.pages), "", 0, "C", false, 0, "")
}

// pageFooter returns the footer of page n of total pages, the same in every
// report. The text has no spaces: pdftotext kept or dropped spaces around
// the numbers depending on how many digits the page count had.
func pageFooter(n, total int) string {
	return fmt.Sprintf("第%d页/共%d页", n, total)
}

func (d *document) setFont(style string, size float64) {
	d.pdf.SetFont(fontFamily, style, size)
}

// wrap cleans text and breaks it into lines that fit in a cell of width mm
// with the current font.
func (d *document) wrap(text string, width float64) []string {
	return breakLines(d.text.clean(text), width-2*cellPadding, d.pdf.GetStringWidth)
}

// ensure starts a new page unless h mm fit below the current position.
func (d *document) ensure(h float64) {
	if d.pdf.GetY()+h > contentBottom {
		d.pdf.AddPage()
	}
}

// paragraph draws text across the content width. align is "L" or "C".
func (d *document) paragraph(text, style string, size float64, align string) {
	d.setFont(style, size)
	h := lineHeight(size)
	for _, line := range d.wrap(text, contentWidth) {
		d.ensure(h)
		d.pdf.SetX(marginLeft)
		d.pdf.CellFormat(contentWidth, h, line, "", 1, align, false, 0, "")
	}
}

// heading draws a bold heading with an outline entry at level. keep is the
// space, in mm, that must remain below the heading on its page, so that a
// heading never ends a page on its own.
func (d *document) heading(text string, level int, keep float64) {
	d.ensure(lineHeight(sizeHeading) + keep)
	d.setFont("B", sizeHeading)
	d.mark(text, level)
	d.paragraph(text, "B", sizeHeading, "L")
	d.pdf.Ln(1.5)
}

// subheading draws a bold label above a table or paragraph, without an
// outline entry.
func (d *document) subheading(text string) {
	d.pdf.Ln(2)
	d.ensure(lineHeight(sizeSubheading) + 15)
	d.paragraph(text, "B", sizeSubheading, "L")
	d.pdf.Ln(0.5)
}

// titleBlock draws the report's title, subtitle and provenance at the top
// of the first page, for reports without a cover page.
func (d *document) titleBlock(meta docMeta) {
	d.pdf.SetY(marginTop + 6)
	d.paragraph(meta.Title, "B", sizeTitle, "C")
	d.pdf.Ln(2)
	if meta.Subtitle != "" {
		d.paragraph(meta.Subtitle, "", sizeHeading, "C")
		d.pdf.Ln(4)
	}
	for _, line := range meta.Lines {
		d.paragraph(line, "", sizeBody, "C")
	}
	d.pdf.Ln(6)
}

// rankings draws each track's ranking table and bar chart.
func (d *document) rankings(q *Quarterly) {
	if len(q.Tracks) == 0 {
		d.paragraph("本期暂无排名。", "", sizeBody, "L")
		return
	}
	d.mark("赛道排名", 0)
	if note := partialNote(q.Period, q.ReadAt, q.GeneratedAt); note != "" {
		d.paragraph("注："+note, "", sizeBody, "L")
		d.pdf.Ln(2)
	}
	for _, t := range q.Tracks {
		d.heading(trackLabel(t.Track)+"排名", 1, 25)
		d.table(rankingTable(t, q.Computed))
		d.pdf.Ln(4)
		d.barChart(t)
		d.rankLists(t)
		d.pdf.Ln(6)
	}
}

// rankLists draws a track's rank lists, one line each, as the
// leaderboard shows them, and why the track gets some list in no unit.
func (d *document) rankLists(t TrackRanking) {
	adjusted := false
	for _, l := range t.Lists {
		names := make([]string, len(l.Units))
		for i, u := range l.Units {
			names[i] = u.Name
			if u.Adjusted {
				names[i] += "†"
				adjusted = true
			}
		}
		d.paragraph(l.Name+"："+strings.Join(names, "、"), "", sizeBody, "L")
	}
	if adjusted {
		d.paragraph("† 综合得分经人工调整，榜单按计分时的综合得分和名次确定。", "", sizeSmall, "L")
	}
	for _, note := range t.ListNotes {
		d.paragraph(note+"。", "", sizeSmall, "L")
	}
}

// unitSections draws one section per unit, each from a new page.
func (d *document) unitSections(q *Quarterly) {
	asOf := saima.DateOf(q.DataAsOf)
	for i, sec := range q.Units {
		d.pdf.AddPage()
		if i == 0 {
			d.mark("单位考评详情", 0)
		}
		d.unitSection(sec, q.Period, asOf)
	}
}

func (d *document) unitSection(sec UnitSection, period saima.Period, asOf saima.Date) {
	s := sec.Score
	name := sec.Unit.Name
	if name == "" {
		name = s.Unit
	}
	d.heading(name, 1, 20)
	composite := saima.FormatComposite(s.Value)
	if sec.Computed != nil {
		composite = markedComposite(s.Value, sec.Computed) + "（计算值 " + saima.FormatComposite(sec.Computed.Value) + "）"
	}
	d.paragraph(fmt.Sprintf("赛道：%s　综合得分：%s　名次：第 %d 名　较上期：%s",
		trackName(s.Track), composite, s.Rank, movementLabel(s)),
		"", sizeBody, "L")

	d.subheading("指标得分")
	d.table(indicatorTable(s, sec.Computed, sec.Overrides))
	d.unitOverrides(sec.Overrides)
	if sec.Summary != "" {
		d.subheading("考评综述")
		d.paragraph(sec.Summary, "", sizeBody, "L")
	}

	d.subheading("本期项目进展")
	if len(sec.Projects) == 0 {
		d.paragraph("本期无进度填报。", "", sizeBody, "L")
	} else {
		d.table(projectTable(sec.Projects, period))
	}

	d.subheading("逾期里程碑")
	if len(sec.Overdue) == 0 {
		d.paragraph("无逾期里程碑。", "", sizeBody, "L")
	} else {
		d.table(overdueTable(sec.Overdue, asOf))
	}

	d.subheading("本期考评记录")
	if len(sec.Assessments) == 0 {
		d.paragraph("本期无考评记录。", "", sizeBody, "L")
	} else {
		d.table(assessmentTable(sec.Assessments, false))
	}
}

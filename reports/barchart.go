package reports

import (
	"fmt"

	"github.com/samber/lo"

	"saima"
)

// Layout of the horizontal bar chart, in mm. The value axis runs from 0 to
// 100, the range of a composite score.
const (
	barLabelWidth = 46.0 // unit names, right-aligned, left of the plot
	barGap        = 2.0  // between the names and the plot
	barValueWidth = 14.0 // value labels right of the longest bar
	barRowHeight  = 6.5  // minimum height of one unit's row
	barThickness  = 4.0
	barAxisHeight = 6.0 // tick labels below the plot
	barPlotLeft   = marginLeft + barLabelWidth + barGap
	barPlotWidth  = contentWidth - barLabelWidth - barGap - barValueWidth
)

// barChart draws the composite scores of a track as horizontal bars, in
// rank order from the top, with the same numbers as the ranking table. A
// chart too tall for the rest of the page continues on the next, with its
// axis repeated.
func (d *document) barChart(t TrackRanking) {
	if len(t.Scores) == 0 {
		return
	}
	d.setFont("", sizeSmall)
	labels := make([][]string, len(t.Scores))
	for i, s := range t.Scores {
		labels[i] = d.wrap(s.Unit, barLabelWidth)
	}
	d.ensure(lineHeight(sizeBody) + barLabelHeight(labels[0]) + barAxisHeight)
	d.paragraph("综合得分对比", "B", sizeBody, "L")
	d.pdf.Ln(1)

	for start := 0; start < len(t.Scores); {
		end := d.barsThatFit(labels, start)
		d.drawBars(t.Scores[start:end], labels[start:end])
		start = end
		if start < len(t.Scores) {
			d.pdf.AddPage()
		}
	}
}

// barsThatFit returns the end of the run of rows from start that fit on the
// current page with the axis below them, starting a new page first when
// not even one fits.
func (d *document) barsThatFit(labels [][]string, start int) int {
	d.ensure(barLabelHeight(labels[start]) + barAxisHeight)
	room := contentBottom - d.pdf.GetY() - barAxisHeight
	end, used := start, 0.0
	for end < len(labels) && used+barLabelHeight(labels[end]) <= room {
		used += barLabelHeight(labels[end])
		end++
	}
	return max(end, start+1)
}

func barLabelHeight(label []string) float64 {
	return max(barRowHeight, float64(len(label))*lineHeight(sizeSmall)+1)
}

// drawBars draws one page's part of the chart from the current position:
// grid lines, bars with their names and values, and the axis.
func (d *document) drawBars(scores []saima.Score, labels [][]string) {
	top := d.pdf.GetY()
	height := lo.SumBy(labels, barLabelHeight)
	d.drawGrid(top, height)

	y := top
	for i, s := range scores {
		h := barLabelHeight(labels[i])
		d.drawBar(s, labels[i], y, h)
		y += h
	}
	d.pdf.SetXY(marginLeft, top+height+barAxisHeight)
}

// drawGrid draws the vertical grid lines at every 20 points and their tick
// labels below the plot.
func (d *document) drawGrid(top, height float64) {
	d.pdf.SetDrawColor(210, 210, 210)
	d.setFont("", sizeSmall)
	for v := 0; v <= 100; v += 20 {
		x := barPlotLeft + barPlotWidth*float64(v)/100
		d.pdf.Line(x, top, x, top+height)
		d.pdf.SetXY(x-6, top+height+0.5)
		d.pdf.CellFormat(12, 4, fmt.Sprint(v), "", 0, "C", false, 0, "")
	}
	d.pdf.SetDrawColor(0, 0, 0)
}

// drawBar draws one unit's row of height h at y. A value outside 0–100
// draws a bar clamped to the axis, with the true value as its label.
func (d *document) drawBar(s saima.Score, label []string, y, h float64) {
	lh := lineHeight(sizeSmall)
	textTop := y + (h-float64(len(label))*lh)/2
	for i, line := range label {
		d.pdf.SetXY(marginLeft, textTop+float64(i)*lh)
		d.pdf.CellFormat(barLabelWidth, lh, line, "", 0, "R", false, 0, "")
	}

	length := barPlotWidth * min(max(s.Value, 0), 100) / 100
	d.pdf.SetFillColor(84, 112, 198)
	d.pdf.Rect(barPlotLeft, y+(h-barThickness)/2, length, barThickness, "F")

	d.pdf.SetXY(barPlotLeft+length, y+(h-lh)/2)
	d.pdf.CellFormat(barValueWidth, lh, saima.FormatComposite(s.Value), "", 0, "L", false, 0, "")
}

package reports

import (
	"cmp"
	"fmt"
	"slices"

	"github.com/shopspring/decimal"

	"saima"
)

// column is a table column: its header, width in mm, and the alignment of
// its cells, "L", "C" or "R" as gofpdf spells them.
type column struct {
	title string
	width float64
	align string
}

// table is a bordered table whose columns together span the content width.
// A cell may hold several lines: it wraps inside its column, and a "\n"
// starts a new line.
type table struct {
	columns []column
	rows    [][]string
}

// rowPadding is the space above and below the lines of a row, in mm.
const rowPadding = 1.0

// table draws t from the current position. The header row is repeated on
// every page the table spans. A row moves whole to the next page when it
// does not fit. Only a row taller than a whole page is split between pages.
func (d *document) table(t table) {
	d.setFont("B", sizeTable)
	header := d.cellLines(t.columns, columnTitles(t.columns))
	d.setFont("", sizeTable)

	// Keep the header with the first row, or with the first line of a row
	// too tall for any page.
	first := 1
	if len(t.rows) > 0 {
		first = maxLines(d.cellLines(t.columns, t.rows[0]))
	}
	need := rowHeight(maxLines(header)) + rowHeight(first)
	if need > contentBottom-marginTop {
		need = rowHeight(maxLines(header)) + rowHeight(1)
	}
	d.ensure(need)
	d.tableHeader(t.columns, header)

	for _, row := range t.rows {
		d.tableRow(t.columns, header, d.cellLines(t.columns, row))
	}
}

func (d *document) tableHeader(columns []column, header [][]string) {
	d.setFont("B", sizeTable)
	d.pdf.SetFillColor(232, 236, 244)
	d.drawRow(columns, header, 0, maxLines(header), true)
	d.setFont("", sizeTable)
}

// tableRow draws one row whose cells are already broken into lines.
func (d *document) tableRow(columns []column, header, cells [][]string) {
	n := maxLines(cells)
	pageRoom := contentBottom - marginTop - rowHeight(maxLines(header))
	if d.pdf.GetY()+rowHeight(n) > contentBottom && rowHeight(n) <= pageRoom {
		d.tablePageBreak(columns, header)
	}

	for from := 0; from < n; {
		room := contentBottom - d.pdf.GetY() - 2*rowPadding
		fit := int(room/lineHeight(sizeTable) + 1e-9)
		if fit < 1 {
			d.tablePageBreak(columns, header)
			continue
		}
		to := min(n, from+fit)
		d.drawRow(columns, cells, from, to, false)
		from = to
	}
}

func (d *document) tablePageBreak(columns []column, header [][]string) {
	d.pdf.AddPage()
	d.tableHeader(columns, header)
}

// drawRow draws lines from up to (not including) to of every cell as one
// bordered row, then moves below it.
func (d *document) drawRow(columns []column, cells [][]string, from, to int, header bool) {
	lh := lineHeight(sizeTable)
	y := d.pdf.GetY()
	h := float64(to-from)*lh + 2*rowPadding
	x := marginLeft
	for i, col := range columns {
		style, align := "D", col.align
		if header {
			style, align = "FD", "C"
		}
		d.pdf.Rect(x, y, col.width, h, style)
		for j := from; j < min(to, len(cells[i])); j++ {
			d.pdf.SetXY(x, y+rowPadding+float64(j-from)*lh)
			d.pdf.CellFormat(col.width, lh, cells[i][j], "", 0, align, false, 0, "")
		}
		x += col.width
	}
	d.pdf.SetXY(marginLeft, y+h)
}

// cellLines breaks each cell of row into lines that fit its column, with
// the current font. A missing cell counts as empty.
func (d *document) cellLines(columns []column, row []string) [][]string {
	cells := make([][]string, len(columns))
	for i, col := range columns {
		text := ""
		if i < len(row) {
			text = row[i]
		}
		cells[i] = d.wrap(text, col.width)
	}
	return cells
}

func columnTitles(columns []column) []string {
	titles := make([]string, len(columns))
	for i, c := range columns {
		titles[i] = c.title
	}
	return titles
}

func maxLines(cells [][]string) int {
	n := 1
	for _, c := range cells {
		n = max(n, len(c))
	}
	return n
}

// rowHeight returns the height of a row of n lines, in mm.
func rowHeight(n int) float64 { return float64(n)*lineHeight(sizeTable) + 2*rowPadding }

// rankingTable lists a track's units in rank order. When an override
// changed a unit of the track, its composite is marked † and a column
// beside it gives the computed composite of each such unit.
func rankingTable(t TrackRanking, computed map[string]saima.Score) table {
	adjusted := slices.ContainsFunc(t.Scores, func(s saima.Score) bool { _, ok := computed[s.Unit]; return ok })
	if !adjusted {
		tb := table{columns: []column{{"名次", 18, "C"}, {"单位", 96, "L"}, {"综合得分", 30, "R"}, {"较上期", 30, "C"}}}
		for _, s := range t.Scores {
			tb.rows = append(tb.rows, []string{fmt.Sprint(s.Rank), s.Unit, saima.FormatComposite(s.Value), movementLabel(s)})
		}
		return tb
	}

	tb := table{columns: []column{
		{"名次", 18, "C"},
		{"单位", 74, "L"},
		{"综合得分", 28, "R"},
		{"计算值", 28, "R"},
		{"较上期", 26, "C"},
	}}
	for _, s := range t.Scores {
		shown, before := saima.FormatComposite(s.Value), ""
		if c, ok := computed[s.Unit]; ok {
			shown, before = shown+overrideMark, saima.FormatComposite(c.Value)
		}
		tb.rows = append(tb.rows, []string{fmt.Sprint(s.Rank), s.Unit, shown, before, movementLabel(s)})
	}
	return tb
}

// indicatorTable lists what each indicator added to the composite, then the
// composite itself. An indicator left out of the composite shows 不计分.
// When overrides changed the unit's result (computed is set), the changed
// values are marked † and a column gives the computed ones.
func indicatorTable(s saima.Score, computed *saima.Score, lines []OverrideLine) table {
	if computed == nil {
		tb := table{columns: []column{
			{"指标", 62, "L"}, {"原始值", 28, "R"}, {"得分", 28, "R"}, {"权重", 28, "R"}, {"贡献", 28, "R"},
		}}
		for _, c := range s.Contributions {
			score, points := indicatorCells(c)
			tb.rows = append(tb.rows, []string{indicatorName(c), rawCell(c), score, weightCell(c), points})
		}
		tb.rows = append(tb.rows, []string{"综合得分", "", "", "", saima.FormatComposite(s.Value)})
		return tb
	}

	tb := table{columns: []column{
		{"指标", 50, "L"}, {"原始值", 24, "R"}, {"得分", 24, "R"}, {"计算得分", 24, "R"}, {"权重", 24, "R"},
		{"贡献", 28, "R"},
	}}
	for _, c := range s.Contributions {
		score, points := indicatorCells(c)
		before := ""
		if overridden(lines, c.Indicator) {
			score += overrideMark
			if cc, ok := contributionOf(*computed, c.Indicator); ok {
				before, _ = indicatorCells(cc)
			}
		}
		tb.rows = append(tb.rows, []string{indicatorName(c), rawCell(c), score, before, weightCell(c), points})
	}
	tb.rows = append(tb.rows, []string{"综合得分", "", "", saima.FormatComposite(computed.Value), "",
		markedComposite(s.Value, computed)})
	return tb
}

// rawCell shows an indicator's raw value, or 无数据 when the unit had none.
func rawCell(c saima.Contribution) string {
	if c.Missing {
		return "无数据"
	}
	return formatNumber(c.Raw, 2)
}

// indicatorCells returns an indicator's score and points as the tables
// show them: 不计分 and — when the indicator did not count.
func indicatorCells(c saima.Contribution) (score, points string) {
	if c.LeftOut() {
		return "不计分", "—"
	}
	return saima.FormatIndicator(c.Score), saima.FormatIndicator(c.Points)
}

func weightCell(c saima.Contribution) string { return formatNumber(c.Weight*100, 1) + "%" }

// projectTable lists a unit's progress reports. A report for a period other
// than the report's own, such as one month of the quarter, names its period.
func projectTable(projects []ProjectLine, period saima.Period) table {
	tb := table{columns: []column{
		{"项目", 44, "L"},
		{"完成率", 18, "R"},
		{"进展情况", 66, "L"},
		{"存在问题", 46, "L"},
	}}
	for _, p := range projects {
		project := p.Code + "\n" + p.Name
		if !p.Period.IsZero() && p.Period != period {
			project += "\n（" + p.Period.Label() + "）"
		}
		percent := "未填报"
		if p.Percent != nil {
			percent = decimal.NewFromFloat(*p.Percent).String() + "%"
		}
		tb.rows = append(tb.rows, []string{project, percent, p.Progress, p.Problems})
	}
	return tb
}

// doneBy reports whether m was done before the judging day asOf. A
// report judged on asOf treats a milestone done that day or later as
// still open.
func doneBy(m saima.Milestone, asOf saima.Date) bool {
	return m.Actual != nil && m.Actual.Before(asOf)
}

// daysLateOn returns how many days late m is on the judging day asOf, or
// was when it was done before it.
func daysLateOn(m saima.Milestone, asOf saima.Date) int {
	if doneBy(m, asOf) {
		return m.DaysLate(asOf)
	}
	return m.Planned.DaysUntil(asOf)
}

// overdueTable lists overdue milestones with how many days late each is on
// the judging day asOf, or was when it was done. One done on asOf or later
// keeps its date but counts its days up to asOf, with the status
// 判定日后完成.
func overdueTable(milestones []saima.Milestone, asOf saima.Date) table {
	tb := table{columns: []column{
		{"项目编号", 30, "L"},
		{"里程碑", 58, "L"},
		{"计划完成", 24, "C"},
		{"实际完成", 24, "C"},
		{"逾期天数", 20, "R"},
		{"状态", 18, "C"},
	}}
	for _, m := range milestones {
		actual, status := "未完成", m.Status
		if m.Actual != nil {
			actual = m.Actual.String()
		}
		if m.Actual != nil && !doneBy(m, asOf) {
			status = "判定日后完成"
		}
		tb.rows = append(tb.rows, []string{
			m.ProjectCode, m.Name, m.Planned.String(), actual,
			fmt.Sprintf("%d 天", daysLateOn(m, asOf)), status,
		})
	}
	return tb
}

// formatNumber formats v rounded half away from zero to at most places
// decimals, without trailing zeros: 86.70 becomes 86.7 and 30.0 becomes 30.
// assessmentTable lists assessment records with 得分 and 满分 as stored.
// The first column is the assessed unit when byUnit is set, else the
// record's period, such as a month within a quarter.
func assessmentTable(records []saima.Assessment, byUnit bool) table {
	first := column{"考评期间", 36, "L"}
	if byUnit {
		first = column{"被考评单位", 36, "L"}
	}
	tb := table{columns: []column{
		first,
		{"指标", 44, "L"},
		{"考评方式", 22, "L"},
		{"得分", 18, "R"},
		{"满分", 18, "R"},
		{"考评人", 36, "L"},
	}}
	for _, r := range records {
		head := r.Period.Label()
		if byUnit {
			head = r.Unit
		}
		full := "—"
		if r.FullMarks.Valid {
			full = r.FullMarks.Decimal.String()
		}
		tb.rows = append(tb.rows, []string{head, r.Indicator, cmp.Or(r.Mode, "—"), r.Score.String(), full,
			cmp.Or(r.Evaluator, "—")})
	}
	return tb
}

func formatNumber(v float64, places int32) string {
	return decimal.NewFromFloat(v).Round(places).String()
}

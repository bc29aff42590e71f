package web

import (
	"bytes"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"
	"github.com/samber/lo"
	"github.com/shopspring/decimal"
	"github.com/xuri/excelize/v2"

	"saima"
	"saima/ingest"
	"saima/reports"
	"saima/scoring"
)

// xlsxType is the media type of an Excel workbook.
const xlsxType = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

// number is a numeric cell shown with places decimals, or as Excel's
// General format when places is negative. A mark, such as † or *, is
// shown after the digits by the cell's number format, so the cell keeps
// its numeric value for formulas and sorting.
type number struct {
	value  float64
	places int
	mark   string
}

// sheet fills one worksheet row by row. Every string is written as a
// string cell, never as a formula, so a unit name such as =1+2 or
// @SUM(A1) shows as typed and Excel does not evaluate it.
type sheet struct {
	file   *excelize.File
	name   string
	row    int
	styles map[number]int // number style by decimal places and mark, with value 0
	header int
}

// newSheet names the first worksheet of f and writes the bold header row,
// frozen above the rows that follow.
func newSheet(f *excelize.File, name string, headers []string, widths []float64) (*sheet, error) {
	if err := f.SetSheetName(f.GetSheetName(0), name); err != nil {
		return nil, fmt.Errorf("name sheet: %w", err)
	}
	return addSheet(f, name, headers, widths)
}

// addSheet adds a worksheet to f and writes its header row.
func addSheet(f *excelize.File, name string, headers []string, widths []float64) (*sheet, error) {
	idx, err := f.GetSheetIndex(name)
	if err != nil {
		return nil, fmt.Errorf("find sheet: %w", err)
	}
	if idx < 0 {
		if _, err := f.NewSheet(name); err != nil {
			return nil, fmt.Errorf("add sheet: %w", err)
		}
	}
	header, err := f.NewStyle(&excelize.Style{
		Font:      &excelize.Font{Bold: true},
		Fill:      excelize.Fill{Type: "pattern", Pattern: 1, Color: []string{"EEF2F7"}},
		Alignment: &excelize.Alignment{Horizontal: "center", Vertical: "center", WrapText: true},
	})
	if err != nil {
		return nil, fmt.Errorf("header style: %w", err)
	}
	s := &sheet{file: f, name: name, styles: map[number]int{}, header: header}

	row := make([]any, len(headers))
	for i, h := range headers {
		row[i] = h
	}
	if err := s.add(row...); err != nil {
		return nil, err
	}
	last, _ := excelize.CoordinatesToCellName(len(headers), 1)
	if err := f.SetCellStyle(name, "A1", last, header); err != nil {
		return nil, fmt.Errorf("header style: %w", err)
	}
	for i, w := range widths {
		col, _ := excelize.ColumnNumberToName(i + 1)
		if err := f.SetColWidth(name, col, col, w); err != nil {
			return nil, fmt.Errorf("column width: %w", err)
		}
	}
	err = f.SetPanes(name, &excelize.Panes{Freeze: true, YSplit: 1, TopLeftCell: "A2", ActivePane: "bottomLeft"})
	if err != nil {
		return nil, fmt.Errorf("freeze header: %w", err)
	}
	return s, nil
}

// add writes the next row. A cell is a string, an int, a number or nil
// for an empty cell.
func (s *sheet) add(cells ...any) error {
	s.row++
	for i, v := range cells {
		ref, err := excelize.CoordinatesToCellName(i+1, s.row)
		if err != nil {
			return err
		}
		if err := s.set(ref, v); err != nil {
			return fmt.Errorf("write %s of %s: %w", ref, s.name, err)
		}
	}
	return nil
}

func (s *sheet) set(ref string, v any) error {
	switch v := v.(type) {
	case nil:
		return nil
	case string:
		return s.file.SetCellStr(s.name, ref, v)
	case int:
		return s.file.SetCellInt(s.name, ref, int64(v))
	case number:
		if err := s.file.SetCellFloat(s.name, ref, v.value, v.places, 64); err != nil || v.places < 0 {
			return err
		}
		style, err := s.numberStyle(v.places, v.mark)
		if err != nil {
			return err
		}
		return s.file.SetCellStyle(s.name, ref, ref, style)
	}
	return fmt.Errorf("unsupported cell type %T", v)
}

// numberStyle returns the style that shows places decimals and then
// mark, such as 0.0 or 0.00\*.
func (s *sheet) numberStyle(places int, mark string) (int, error) {
	key := number{places: places, mark: mark}
	if id, ok := s.styles[key]; ok {
		return id, nil
	}
	format := "0"
	if places > 0 {
		format += "." + strings.Repeat("0", places)
	}
	// A backslash shows the next character as written. Excel would also
	// take a quoted "*", but excelize v2 reads * as its fill character
	// even in quotes and drops it.
	for _, r := range mark {
		format += `\` + string(r)
	}
	id, err := s.file.NewStyle(&excelize.Style{CustomNumFmt: &format})
	if err != nil {
		return 0, fmt.Errorf("number style: %w", err)
	}
	s.styles[key] = id
	return id, nil
}

// sendWorkbook writes f as the reply, to be saved as name (asciiName for
// clients that cannot read the UTF-8 form).
func sendWorkbook(c *fiber.Ctx, f *excelize.File, name, asciiName string) error {
	defer f.Close()
	if err := ingest.SetUsedRanges(f); err != nil {
		return fmt.Errorf("write workbook: %w", err)
	}
	var buf bytes.Buffer
	if _, err := f.WriteTo(&buf); err != nil {
		return fmt.Errorf("write workbook: %w", err)
	}
	c.Set(fiber.HeaderContentType, xlsxType)
	c.Set(fiber.HeaderContentDisposition, contentDisposition(name, asciiName))
	c.Set(fiber.HeaderCacheControl, "no-store")
	return c.Send(buf.Bytes())
}

// handleRankingXLSX sends one period's ranking, every track or the one
// named by track, as a workbook with one row per unit.
func (s *Server) handleRankingXLSX(c *fiber.Ctx) error {
	ctx := c.UserContext()
	periods, err := s.store.ListScorePeriods(ctx)
	if err != nil {
		return fmt.Errorf("list score periods: %w", err)
	}
	if len(periods) == 0 {
		return saima.Errorf(saima.KindNotFound, "暂无考评结果，无法导出排名")
	}
	period, err := s.pickPeriod(c, c.Query("period"), periods)
	if err != nil {
		return err
	}
	// The workbook shows what the leaderboard shows: the published
	// evaluation, or the latest run while none is published.
	st, err := s.standing(ctx, period)
	if err != nil {
		return err
	}
	track := c.Query("track")
	boards, _, err := buildBoards(st, track, "")
	if err != nil {
		return err
	}

	status := newRankingStatus(period, st, s.now())
	f := excelize.NewFile()
	err = writeRanking(f, period, boards, boardOverrides(st, boards, track), status)
	if err == nil {
		err = setWorkbookProps(f, status.Title, status.Cell, status.Lines, s.now())
	}
	if err != nil {
		f.Close()
		return err
	}
	// The units left out belong to no track, so only the whole ranking
	// lists them.
	if track == "" {
		if err := writeUnranked(f, st.Unranked, st.UnrankedFromCurrentRoster); err != nil {
			f.Close()
			return err
		}
	}
	return sendWorkbook(c, f, "赛马排名-"+period.String()+".xlsx", "saima-ranking-"+period.String()+".xlsx")
}

// boardOverrides lists the overrides of st that name a unit on boards, as
// the reports list them. Without a track filter it also lists those that
// name a unit or indicator the run lacks, as the leaderboard does.
func boardOverrides(st *scoring.Standing, boards []board, track string) []reports.OverrideLine {
	shown := map[string]bool{}
	for _, b := range boards {
		for _, r := range b.Rows {
			shown[r.Score.Unit] = true
		}
	}
	// Only the overrides are used, so the clock of the data time does not
	// matter.
	return lo.Filter(reports.OverrideLines(reports.RankingOf(st, time.Time{})), func(l reports.OverrideLine, _ int) bool {
		return shown[l.Unit] || (!l.Applied && track == "")
	})
}

// writeRanking fills the sheet 赛马排名 with the boards' rows, in track
// and rank order, with one column per indicator of any track. Cells carry
// the leaderboard's marks: † on an overridden composite, with the
// computed one in the column beside it, * on an imputed score and 不计分
// for an indicator that did not count. Every row names the result's
// status, and lines below the rows repeat the leaderboard's statements
// about it: published or draft, the data time, and whether the period
// still runs.
// A legend below them explains each mark used, and the sheet 人工调整
// lists the overrides.
func writeRanking(
	f *excelize.File,
	period saima.Period,
	boards []board,
	overrides []reports.OverrideLine,
	status rankingStatus,
) error {
	indicators := lo.Uniq(lo.FlatMap(boards, func(b board, _ int) []string { return b.Indicators }))
	var columns scoring.Columns
	if len(boards) > 0 {
		columns = boards[0].Columns // every board shows the one run's rule set
	}
	headers := []string{"考评期间", "赛道", "名次", "单位", "综合得分", "计算值", "较上期", "上期名次"}
	headers = append(headers, verdictHeaders(columns)...)
	headers = append(headers, indicators...)
	headers = append(headers, "补值指标", "计分规则", "规则版本", "结果状态")
	widths := []float64{14, 14, 8, 28, 10, 10, 8, 10}
	sh, err := newSheet(f, "赛马排名", headers, widths)
	if err != nil {
		return err
	}

	var marks rankingMarks
	for _, b := range boards {
		marks.imputed = marks.imputed || b.Imputed
		marks.leftOut = marks.leftOut || b.LeftOut
		for _, r := range b.Rows {
			row := append(rankingRow(period, b.Track, r, columns, indicators), status.Cell)
			if err := sh.add(row...); err != nil {
				return err
			}
			marks.adjusted = marks.adjusted || r.Adjusted
		}
	}
	if err := status.write(sh); err != nil {
		return err
	}
	if err := marks.writeLegend(sh); err != nil {
		return err
	}
	if len(overrides) == 0 {
		return nil
	}
	return writeOverrides(f, overrides)
}

// rankingRow returns one unit's row of the sheet 赛马排名.
func rankingRow(
	period saima.Period, track string, r boardRow, columns scoring.Columns, indicators []string,
) []any {
	sc := r.Score
	composite := displayed(saima.FormatComposite(sc.Value), 1)
	var computed any
	if r.Adjusted {
		composite.mark = "†"
		computed = displayed(saima.FormatComposite(r.Computed), 1)
	}
	row := []any{period.Label(), track, sc.Rank, sc.Unit, composite, computed, movement(sc), optionalRank(sc.PrevRank)}
	row = append(row, verdictCells(r, columns)...)
	row = append(row, indicatorCells(sc, indicators)...)
	return append(row, imputedNames(sc), sc.RuleSet, sc.RuleSetVersion)
}

// verdictHeaders returns the headings of the adjustment columns that
// columns defines, with 等次与扣分说明 for the reasons when any is shown.
func verdictHeaders(columns scoring.Columns) []string {
	var out []string
	if columns.Grade {
		out = append(out, "等次")
	}
	if columns.Bonus {
		out = append(out, "加分")
	}
	if columns.Penalty {
		out = append(out, "扣分")
	}
	if columns.Veto {
		out = append(out, "一票否决")
	}
	if columns.Any() {
		out = append(out, "等次与扣分说明")
	}
	return out
}

// verdictCells returns r's cells under verdictHeaders(columns).
func verdictCells(r boardRow, columns scoring.Columns) []any {
	var out []any
	if columns.Grade {
		out = append(out, r.GradeText())
	}
	if columns.Bonus {
		out = append(out, displayed(saima.FormatComposite(r.Verdict.Bonus), 1))
	}
	if columns.Penalty {
		out = append(out, displayed(saima.FormatComposite(r.Verdict.Penalty), 1))
	}
	if columns.Veto {
		out = append(out, r.VetoText())
	}
	if columns.Any() {
		out = append(out, strings.Join(r.Verdict.Reasons, "；"))
	}
	return out
}

// imputedNames names the indicators whose score the rule set imputed for
// the unit, so that a program reading the cells' values, which does not
// see the * of their number format, can tell them apart. It is nil when
// there are none.
func imputedNames(sc saima.Score) any {
	var names []string
	for _, ct := range sc.Contributions {
		if ct.Imputed() {
			names = append(names, indicatorLabel(ct))
		}
	}
	if len(names) == 0 {
		return nil
	}
	return strings.Join(names, "、")
}

// rankingMarks records which marks the sheet's cells carry.
type rankingMarks struct {
	adjusted, imputed, leftOut bool
}

// writeLegend writes, after an empty row, one line for each mark used.
func (m rankingMarks) writeLegend(sh *sheet) error {
	var lines []string
	if m.adjusted {
		lines = append(lines, overrideNote)
	}
	if m.imputed {
		lines = append(lines, imputedNote)
	}
	if m.leftOut {
		lines = append(lines, leftOutNote)
	}
	if len(lines) == 0 {
		return nil
	}
	sh.row++
	for _, line := range lines {
		if err := sh.add(line); err != nil {
			return err
		}
	}
	return nil
}

// writeOverrides adds the sheet 人工调整: every override of the ranking
// with the value it replaced, who made it, when and why.
func writeOverrides(f *excelize.File, lines []reports.OverrideLine) error {
	sh, err := addSheet(f, "人工调整",
		[]string{"单位", "调整项", "调整值", "计算值", "调整人", "时间", "理由", "状态"},
		[]float64{28, 20, 10, 10, 14, 18, 36, 30})
	if err != nil {
		return err
	}
	for _, l := range lines {
		state := "已生效"
		if !l.Applied {
			state = "未生效：本期结果中没有该单位或指标"
		}
		if err := sh.add(l.Unit, l.Item, shownNumber(l.Value), shownNumber(l.Computed), l.By, l.At.In(saima.Beijing).Format("2006-01-02 15:04"),
			l.Why, state); err != nil {
			return err
		}
	}
	return nil
}

// writeUnranked adds the sheet 不参与排名 when units is not empty: the
// units that the ranking left out on purpose, with their 单位类别 and
// 不参与排名原因, as the leaderboard lists them. fromRoster marks a list
// that comes from the current roster instead of the run, which a note
// below the rows then states.
func writeUnranked(f *excelize.File, units []saima.Unit, fromRoster bool) error {
	if len(units) == 0 {
		return nil
	}
	sh, err := addSheet(f, "不参与排名", []string{"单位", "单位类别", "原因"}, []float64{28, 14, 48})
	if err != nil {
		return err
	}
	for _, u := range units {
		if err := sh.add(u.Name, u.Kind, u.UnrankedReason); err != nil {
			return err
		}
	}
	if !fromRoster {
		return nil
	}
	sh.row++
	return sh.add(unrankedRosterNote)
}

// indicatorCells returns the score of each named indicator as the
// leaderboard shows it, marked * when imputed, 不计分 when it did not
// count, or nil where the unit's track has no such indicator.
func indicatorCells(sc saima.Score, indicators []string) []any {
	cells := make([]any, len(indicators))
	for i, name := range indicators {
		for _, ct := range sc.Contributions {
			switch {
			case indicatorLabel(ct) != name:
			case ct.LeftOut():
				cells[i] = leftOutText
			default:
				cell := displayed(saima.FormatIndicator(ct.Score), 2)
				if ct.Imputed() {
					cell.mark = "*"
				}
				cells[i] = cell
			}
		}
	}
	return cells
}

// displayed turns a number formatted for display back into a cell. The
// workbook stores the rounded value the leaderboard shows, so its figures
// and the page's agree digit for digit.
// shownNumber returns a value formatted for display as a number cell with
// as many decimals as the text shows, or the text itself, such as —, when
// it is not a number.
func shownNumber(text string) any {
	if _, err := strconv.ParseFloat(text, 64); err != nil {
		return text
	}
	places := 0
	if _, frac, ok := strings.Cut(text, "."); ok {
		places = len(frac)
	}
	return displayed(text, places)
}

func displayed(text string, places int) number {
	v, _ := strconv.ParseFloat(text, 64)
	return number{value: v, places: places}
}

func optionalRank(rank int) any {
	if rank == 0 {
		return "—"
	}
	return rank
}

// handleLedgerXLSX sends the projects that match the ledger page's filter
// as a workbook: one sheet of projects and one of their overdue
// milestones.
func (s *Server) handleLedgerXLSX(c *fiber.Ctx) error {
	f, err := s.ledgerFilter(c)
	if err != nil {
		return err
	}
	entries, err := s.store.ListLedger(c.UserContext(), f)
	if err != nil {
		return fmt.Errorf("list ledger: %w", err)
	}

	book := excelize.NewFile()
	err = writeLedger(book, entries, f.AsOf)
	if err == nil {
		err = setWorkbookProps(book, "项目台账（"+f.AsOf.String()+"）", "", nil, s.now())
	}
	if err != nil {
		book.Close()
		return err
	}
	day := f.AsOf.String()
	return sendWorkbook(c, book, "项目台账-"+day+".xlsx", "saima-ledger-"+day+".xlsx")
}

// ledgerHeaders name the 项目台账 sheet's columns. The project ledger's
// columns take the upload template's names and cover all its fields, so
// the office can edit the export and upload it again as the ledger. The
// import skips the computed columns, from 所处阶段 to 逾期里程碑数, with
// one note; ingest's projects schema lists them as exported.
var ledgerHeaders = []string{
	"项目编号", "项目名称", "责任单位", "牵头单位", "所属系统", "项目层级", "项目类型", "批次", "所处阶段",
	"进入阶段日期", "里程碑数", "已完成里程碑", "最新完成率（%）", "填报期间", "逾期里程碑数",
	"是否领导领衔", "领衔领导", "预算（万元）", "协同单位", "所属清单", "开始日期", "计划完成日期",
}

// writeLedger fills the sheets 项目台账 and 逾期里程碑.
func writeLedger(f *excelize.File, entries []saima.LedgerEntry, asOf saima.Date) error {
	widths := []float64{16, 36, 24, 24, 14, 14, 12, 12, 10, 14, 10, 12, 14, 12, 12, 12, 12, 12, 36, 24, 12, 12}
	projects, err := newSheet(f, "项目台账", ledgerHeaders, widths)
	if err != nil {
		return err
	}
	for _, e := range entries {
		if err := projects.add(ledgerCells(e)...); err != nil {
			return err
		}
	}

	// The unit column is not named 责任单位: with 项目编号 and 项目名称 that
	// would be every column the project ledger requires, and the sheet,
	// uploaded as the ledger, would replace each project with a bare row.
	late, err := addSheet(f, "逾期里程碑",
		[]string{"项目编号", "项目名称", "里程碑责任单位", "里程碑", "计划完成", "实际完成", "逾期天数", "状态"},
		[]float64{16, 36, 24, 30, 12, 12, 10, 10})
	if err != nil {
		return err
	}
	for _, e := range entries {
		for _, m := range e.Overdue {
			actual := "未完成"
			if m.Actual != nil {
				actual = m.Actual.String()
			}
			if err := late.add(e.Code, e.Name, m.Unit, m.Name, m.Planned.String(), actual,
				m.DaysLate(asOf), m.Status); err != nil {
				return err
			}
		}
	}
	return nil
}

// exactNumber returns d as a number cell, or as its decimal text when a
// number cell would change it. An XLSX number is a double, of which Excel
// reads 15 significant digits, and a budget such as 99999999999999.9999
// has 18.
func exactNumber(d decimal.Decimal) any {
	f := d.InexactFloat64()
	if !saima.ExcelDecimal(f).Equal(d) {
		return d.String()
	}
	return number{value: f, places: -1}
}

// ledgerCells returns one project's row of the 项目台账 sheet.
func ledgerCells(e saima.LedgerEntry) []any {
	var stageDate, percent, period, budget, start, due any
	if e.StageDate != nil {
		stageDate = e.StageDate.String()
	}
	if e.StartDate != nil {
		start = e.StartDate.String()
	}
	if e.DueDate != nil {
		due = e.DueDate.String()
	}
	if e.LatestPercent.Valid {
		percent = number{value: e.LatestPercent.Decimal.InexactFloat64(), places: -1}
		period = e.LatestPeriod.String()
	}
	if e.Budget.Valid {
		budget = exactNumber(e.Budget.Decimal)
	}
	leaderLed := "否"
	if e.LeaderLed {
		leaderLed = "是"
	}
	stage := e.Stage
	if stage == "" {
		stage = "未登记"
	}
	return []any{
		e.Code, e.Name, e.Unit, e.LeadUnit, e.System, e.Scope, e.Type, e.Batch, stage, stageDate,
		e.Milestones, e.MilestonesDone, percent, period, len(e.Overdue), leaderLed, e.Leader, budget,
		strings.Join(e.Partners, "、"), strings.Join(e.Lists, "、"), start, due,
	}
}

// ExportURL returns the workbook of the page's period and track.
func (p leaderboardPage) ExportURL() string {
	return pageURL("/export/ranking.xlsx", "period", p.Period.String(), "track", p.Track)
}

// UnitsZipURL returns the zip of every unit's report of the page's
// period, or "" when the period is not a quarter.
func (p leaderboardPage) UnitsZipURL() string {
	if p.Period.Kind != saima.PeriodQuarter {
		return ""
	}
	return unitsZipURL(p.Period)
}

// AnnualURL returns the annual report of the page's period's year.
func (p leaderboardPage) AnnualURL() string {
	return fmt.Sprintf("/reports/annual/%04d.pdf", p.Period.Year)
}

// XLSXURL returns the workbook of the projects the page's filter selects.
func (p ledgerPage) XLSXURL() string { return ledgerExportURL("/export/ledger.xlsx", p.Filter) }

// PDFURL returns the PDF of the projects the page's filter selects.
func (p ledgerPage) PDFURL() string { return ledgerExportURL("/reports/ledger.pdf", p.Filter) }

func ledgerExportURL(path string, f saima.LedgerFilter) string {
	overdue := ""
	if f.OverdueOnly {
		overdue = "1"
	}
	return pageURL(path, "unit", f.Unit, "system", f.System, "stage", f.Stage, "batch", f.Batch,
		"overdue", overdue, "q", f.Search)
}

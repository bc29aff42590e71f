package reports

import (
	"errors"
	"fmt"
	"io"
	"log/slog"
	"slices"
	"strings"
	"time"

	"saima"
)

// DefaultLedgerTitle is the title of the ledger PDF.
const DefaultLedgerTitle = DefaultCity + ledgerTitle

// Ledger is the content of the ledger PDF: the projects that match the
// ledger page's filter.
type Ledger struct {
	Title       string
	Filter      []string   // the filter in words, such as 责任单位：宁波市海曙区; empty for every project
	AsOf        saima.Date // the day overdue milestones are judged on
	GeneratedAt time.Time
	Entries     []saima.LedgerEntry
}

// WriteLedger draws l as an A4 PDF and writes it to w: a title block, one
// table of projects per "1+5" system, each in the PDF outline, and a table
// of every overdue milestone. Tables repeat their header on every page
// and wrap long cells.
//
// Characters the fonts cannot draw are drawn as [Placeholder], a last
// section 缺字说明 lists them by code point, and log receives one warning
// that lists them. A nil log discards the warning.
func WriteLedger(w io.Writer, l *Ledger, fonts *Fonts, log *slog.Logger) error {
	if l == nil || fonts == nil {
		return errors.New("write ledger report: ledger and fonts are required")
	}
	meta := docMeta{
		Title:     l.Title,
		Subtitle:  "逾期判定日：" + l.AsOf.String(),
		Lines:     ledgerLines(l),
		Generated: l.GeneratedAt,
	}
	return render(w, meta, fonts, log, func(d *document) {
		if len(l.Entries) == 0 {
			d.paragraph("没有符合条件的项目。", "", sizeBody, "L")
			return
		}
		for _, g := range groupBySystem(l.Entries) {
			d.heading(fmt.Sprintf("%s（%d 个项目）", g.system, len(g.entries)), 0, 20)
			d.table(ledgerTable(g.entries))
			d.pdf.Ln(4)
		}
		d.overdueSection(l)
	})
}

func ledgerLines(l *Ledger) []string {
	filter := "全部项目"
	if len(l.Filter) > 0 {
		filter = strings.Join(l.Filter, "；")
	}
	lines := []string{"筛选条件：" + filter}
	if !l.GeneratedAt.IsZero() {
		lines = append(lines, "生成时间："+l.GeneratedAt.In(saima.Beijing).Format("2006-01-02 15:04")+"（北京时间）")
	}
	overdue := 0
	for _, e := range l.Entries {
		overdue += len(e.Overdue)
	}
	return append(lines, fmt.Sprintf("项目：%d 个，逾期里程碑：%d 个", len(l.Entries), overdue))
}

type systemGroup struct {
	system  string
	entries []saima.LedgerEntry
}

// groupBySystem splits entries by system in the order of saima.Systems,
// then any other system in order of first appearance, keeping the
// entries' order within each.
func groupBySystem(entries []saima.LedgerEntry) []systemGroup {
	var groups []systemGroup
	index := map[string]int{}
	for _, e := range entries {
		name := e.System
		if name == "" {
			name = "未填写系统"
		}
		i, ok := index[name]
		if !ok {
			i = len(groups)
			index[name] = i
			groups = append(groups, systemGroup{system: name})
		}
		groups[i].entries = append(groups[i].entries, e)
	}
	position := func(system string) int {
		if i := slices.Index(saima.Systems, system); i >= 0 {
			return i
		}
		return len(saima.Systems)
	}
	slices.SortStableFunc(groups, func(a, b systemGroup) int { return position(a.system) - position(b.system) })
	return groups
}

// ledgerNameWidth is the width of the project-name column, in mm.
const ledgerNameWidth = 38.0

// ledgerTable lists projects as the ledger page does.
func ledgerTable(entries []saima.LedgerEntry) table {
	tb := table{columns: []column{
		{"项目编号", 24, "L"},
		{"项目名称", ledgerNameWidth, "L"},
		{"责任单位", 28, "L"},
		{"批次", 16, "C"},
		{"所处阶段", 22, "C"},
		{"里程碑", 16, "C"},
		{"完成率", 16, "R"},
		{"逾期", 14, "R"},
	}}
	for _, e := range entries {
		stage := "未登记"
		if e.Stage != "" {
			stage = e.Stage
			if e.StageDate != nil {
				stage += "\n" + e.StageDate.String()
			}
		}
		percent := "—"
		if e.LatestPercent.Valid {
			percent = e.LatestPercent.Decimal.Round(1).String() + "%"
		}
		tb.rows = append(tb.rows, []string{
			e.Code, e.Name, e.Unit, e.Batch, stage,
			fmt.Sprintf("%d / %d", e.MilestonesDone, e.Milestones), percent, fmt.Sprint(len(e.Overdue)),
		})
	}
	return tb
}

// overdueSection lists every overdue milestone of the entries.
func (d *document) overdueSection(l *Ledger) {
	tb := table{columns: []column{
		{"项目编号", 26, "L"},
		{"项目名称", 40, "L"},
		{"里程碑", 40, "L"},
		{"计划完成", 22, "C"},
		{"实际完成", 22, "C"},
		{"逾期天数", 24, "R"},
	}}
	for _, e := range l.Entries {
		for _, m := range e.Overdue {
			actual := "未完成"
			if m.Actual != nil {
				actual = m.Actual.String()
			}
			tb.rows = append(tb.rows, []string{
				e.Code, e.Name, m.Name, m.Planned.String(), actual, fmt.Sprintf("%d 天", m.DaysLate(l.AsOf)),
			})
		}
	}
	d.pdf.AddPage()
	d.heading("逾期里程碑", 0, 20)
	if len(tb.rows) == 0 {
		d.paragraph("无逾期里程碑。", "", sizeBody, "L")
		return
	}
	d.table(tb)
}

package reports

import (
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/shopspring/decimal"

	"saima"
)

// ledgerReport has n projects across two systems (the second listed
// first), one with a long name and one with injection text, and two
// overdue milestones.
func ledgerReport(n int) *Ledger {
	started := date(2026, 5, 10)
	done := date(2026, 7, 5)
	var entries []saima.LedgerEntry
	for i := range n {
		system := "数字政府"
		if i%3 == 0 {
			system = "整体智治"
		}
		e := saima.LedgerEntry{
			Project: saima.Project{
				Code: fmt.Sprintf("NB-2026-%03d", i+1), Name: fmt.Sprintf("试点项目%03d", i+1),
				Unit: "宁波市海曙区", System: system, Batch: "启动实施",
			},
			Stage: "实施", StageDate: &started, Milestones: 2, MilestonesDone: 1,
			LatestPercent: decimal.NewNullDecimal(decimal.RequireFromString("85.55")),
		}
		entries = append(entries, e)
	}
	entries[0].Name = "城市大脑数据中台（二期）暨公共数据授权运营平台建设与一体化智能化公共数据平台迭代升级项目"
	entries[1].Name = scriptName
	entries[1].Unit = "吉𠮷镇"
	entries[0].Overdue = []saima.Milestone{
		{ProjectCode: entries[0].Code, Name: "驾驶舱上线", Planned: date(2026, 9, 30), Status: "进行中"},
		{ProjectCode: entries[0].Code, Name: "数据归集完成", Planned: date(2026, 6, 30), Actual: &done, Status: "已完成"},
	}
	return &Ledger{
		Title:       DefaultLedgerTitle,
		Filter:      []string{"批次：启动实施"},
		AsOf:        date(2026, 10, 20),
		GeneratedAt: reportTime,
		Entries:     entries,
	}
}

func renderLedger(tb testing.TB, l *Ledger) string {
	tb.Helper()
	path := filepath.Join(tb.TempDir(), "ledger.pdf")
	f, err := os.Create(path)
	if err != nil {
		tb.Fatal(err)
	}
	defer f.Close()
	if err := WriteLedger(f, l, testFonts(tb), nil); err != nil {
		tb.Fatalf("WriteLedger: %v", err)
	}
	return path
}

var ledgerRowRE = regexp.MustCompile(`(?m)^\s*NB-2026-\d{3}\s`)

func TestWriteLedger(t *testing.T) {
	l := ledgerReport(90)
	path := renderLedger(t, l)
	text := popplerText(t, path)
	plain := strings.Join(strings.Fields(text), "")

	t.Run("Content", func(t *testing.T) {
		for _, want := range []string{
			DefaultLedgerTitle, "筛选条件：批次：启动实施", "项目：90个，逾期里程碑：2个",
			"整体智治（30个项目）", "数字政府（60个项目）", "NB-2026-090", "85.6%", "1/2", "里程碑",
			"驾驶舱上线", "20天", "数据归集完成", "2026-07-05", "5天", "吉□镇",
		} {
			if !strings.Contains(plain, want) {
				t.Errorf("ledger PDF text lacks %q", want)
			}
		}
		left, width := mmToPoints(marginLeft+24), mmToPoints(ledgerNameWidth)
		names := popplerText(t, path, "-x", fmt.Sprint(int(left)), "-y", "0",
			"-W", fmt.Sprint(int(width)), "-H", fmt.Sprint(int(mmToPoints(pageHeight))))
		if !strings.Contains(bodyOf(names), scriptName) {
			t.Errorf("the name column lacks the injection name as text:\n%s", names)
		}
	})
	t.Run("SystemsInOrder", func(t *testing.T) {
		first, second := strings.Index(plain, "整体智治（"), strings.Index(plain, "数字政府（")
		if first < 0 || second < 0 || first > second {
			t.Errorf("整体智治 at %d and 数字政府 at %d, want 整体智治 first as in saima.Systems", first, second)
		}
	})
	t.Run("LongNameWraps", func(t *testing.T) {
		if !strings.Contains(plain, strings.Join(strings.Fields(l.Entries[0].Name), "")) {
			t.Errorf("the long project name does not join back from its wrapped lines")
		}
	})
	t.Run("HeaderRepeats", func(t *testing.T) {
		pages := 0
		for i, page := range strings.Split(popplerText(t, path, "-layout"), "\f") {
			row := ledgerRowRE.FindStringIndex(page)
			if row == nil || strings.Contains(page, "逾期里程碑\n") {
				continue
			}
			pages++
			header := strings.Index(page, "项目编号")
			if header < 0 || header > row[0] {
				t.Errorf("page %d has project rows without the header row above them", i+1)
			}
		}
		if pages < 2 {
			t.Errorf("the 90-project ledger spans %d pages, want at least 2", pages)
		}
	})
	t.Run("Footers", func(t *testing.T) {
		checkFooters(t, text)
	})
	t.Run("Outline", func(t *testing.T) {
		pdf, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		want := []string{"整体智治（30 个项目）", "数字政府（60 个项目）", "逾期里程碑", placeholderHeading, DefaultLedgerTitle}
		if got := pdfTitles(t, pdf); !slices.Equal(got, want) {
			t.Errorf("PDF titles = %q, want %q", got, want)
		}
	})
}

// bodyOf joins a pdftotext page's lines, so that a name wrapped inside a
// cell reads as one string again.
func bodyOf(text string) string {
	return strings.ReplaceAll(strings.ReplaceAll(text, "\f", ""), "\n", "")
}

func TestWriteLedgerEmpty(t *testing.T) {
	l := ledgerReport(2)
	l.Entries, l.Filter = nil, nil
	text := strings.Join(strings.Fields(popplerText(t, renderLedger(t, l))), "")
	for _, want := range []string{"筛选条件：全部项目", "没有符合条件的项目。", "第1页/共1页"} {
		if !strings.Contains(text, want) {
			t.Errorf("empty ledger PDF text lacks %q:\n%s", want, text)
		}
	}
}

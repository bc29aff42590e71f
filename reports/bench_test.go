package reports_test

import (
	"bytes"
	"context"
	"fmt"
	"log/slog"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/jung-kurt/gofpdf"

	"saima"
	"saima/clickhouse"
	"saima/clickhouse/chtest"
	"saima/ingest"
	"saima/ingest/demo"
	"saima/reports"
	"saima/scoring"
)

func TestMain(m *testing.M) { chtest.Main(m) }

// benchNow is the demo city's today, 2026-11-20: 2026Q1 to Q3 are
// published and Q4 is a draft, as `saima demo --today 2026-11-20` leaves
// them.
var benchNow = time.Date(2026, 11, 20, 9, 0, 0, 0, saima.Beijing)

// BenchmarkAnnualReport writes the 2026 annual report of the demo city
// (seed 2026) next to bare gofpdf writing the same text. The bare run
// embeds the same fonts and draws each line that pdftotext extracts from
// the report with one Cell call, with gofpdf's own page breaks and no
// other layout. build reads the report's data from the embedded store.
func BenchmarkAnnualReport(b *testing.B) {
	store := chtest.Store(b)
	loadDemoCity(b, store)
	fonts := loadFonts(b)
	ctx := context.Background()
	annual, err := reports.BuildAnnual(ctx, store, 2026, reports.DefaultAnnualRule(), benchNow)
	if err != nil {
		b.Fatalf("BuildAnnual: %v", err)
	}
	var out bytes.Buffer
	if err := reports.WriteAnnual(&out, annual, fonts, nil); err != nil {
		b.Fatalf("WriteAnnual: %v", err)
	}
	lines := pdfLines(b, out.Bytes())
	b.Logf("annual report: %d bytes, %d text lines", out.Len(), len(lines))

	b.Run("build", func(b *testing.B) {
		for b.Loop() {
			if _, err := reports.BuildAnnual(ctx, store, 2026, reports.DefaultAnnualRule(), benchNow); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("write", func(b *testing.B) {
		for b.Loop() {
			out.Reset()
			if err := reports.WriteAnnual(&out, annual, fonts, nil); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("bare-gofpdf", func(b *testing.B) {
		for b.Loop() {
			out.Reset()
			if err := writeBare(&out, lines, fonts); err != nil {
				b.Fatal(err)
			}
		}
	})
}

// writeBare writes lines as an A4 PDF in the report's fonts, one Cell
// per line. It clones the font bytes as the reports package does, because
// gofpdf v1.16.2 writes into the bytes it is given.
func writeBare(out *bytes.Buffer, lines []string, fonts *reports.Fonts) error {
	pdf := gofpdf.New("P", "mm", "A4", "")
	pdf.AddUTF8FontFromBytes("noto", "", bytes.Clone(fonts.Regular))
	pdf.AddUTF8FontFromBytes("noto", "B", bytes.Clone(fonts.Bold))
	pdf.SetFont("noto", "", 10)
	pdf.AddPage()
	for _, line := range lines {
		pdf.Cell(0, 6, line)
		pdf.Ln(6)
	}
	return pdf.Output(out)
}

// pdfLines returns the non-empty lines of the text pdftotext extracts
// from pdf.
func pdfLines(tb testing.TB, pdf []byte) []string {
	tb.Helper()
	if _, err := exec.LookPath("pdftotext"); err != nil {
		tb.Skipf("pdftotext is not installed; apt-get install poppler-utils to run this benchmark")
	}
	path := filepath.Join(tb.TempDir(), "annual.pdf")
	if err := os.WriteFile(path, pdf, 0o600); err != nil {
		tb.Fatal(err)
	}
	text, err := exec.Command("pdftotext", "-enc", "UTF-8", path, "-").Output()
	if err != nil {
		tb.Fatalf("pdftotext: %v", err)
	}
	var lines []string
	for line := range strings.SplitSeq(string(text), "\n") {
		if line = strings.TrimSpace(strings.Trim(line, "\f")); line != "" {
			lines = append(lines, line)
		}
	}
	return lines
}

func loadFonts(tb testing.TB) *reports.Fonts {
	tb.Helper()
	regular, err := chtest.FindRepoFile(reports.RegularFontPath)
	if err != nil {
		tb.Fatalf("find fonts: %v (run `npm ci` in the repository root)", err)
	}
	bold, err := chtest.FindRepoFile(reports.BoldFontPath)
	if err != nil {
		tb.Fatalf("find fonts: %v (run `npm ci` in the repository root)", err)
	}
	fonts, err := reports.LoadFonts(regular, bold)
	if err != nil {
		tb.Fatal(err)
	}
	return fonts
}

// loadDemoCity imports the demo city of seed 2026 as of benchNow through
// the import service and scores it as the demo command does: the quarters
// from 2025Q1 to 2026Q3 published and 2026Q4 a draft.
func loadDemoCity(tb testing.TB, store *clickhouse.Store) {
	tb.Helper()
	ctx := context.Background()
	today := saima.DateOf(benchNow)
	files, err := demo.Generate(filepath.Join(tb.TempDir(), "demo"), demo.Options{Seed: 2026, Today: today})
	if err != nil {
		tb.Fatalf("generate demo city: %v", err)
	}
	seq := 0
	svc := &ingest.Service{
		Store: ingest.Adapt(store),
		Log:   slog.New(slog.DiscardHandler),
		Now:   func() time.Time { return benchNow },
		NewID: func() string { seq++; return fmt.Sprintf("bench-upload-%d", seq) },
	}
	path, err := chtest.FindRepoFile("rulesets/2026.yaml")
	if err != nil {
		tb.Fatal(err)
	}
	rules, err := os.ReadFile(path)
	if err != nil {
		tb.Fatal(err)
	}
	evals := &scoring.Service{Store: store, Rules: rules, Now: func() time.Time { return benchNow }}
	if _, err := demo.Load(ctx, files, svc, evals, today, nil); err != nil {
		tb.Fatalf("load demo city: %v", err)
	}
}

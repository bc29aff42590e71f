package web

import (
	"context"
	"fmt"
	"log/slog"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"saima"
	"saima/clickhouse"
	"saima/clickhouse/chtest"
	"saima/ingest"
	"saima/ingest/demo"
	"saima/scoring"
)

// The demo city of these tests is the one `saima demo --seed 2026 --today
// 2026-11-20` loads: 2025Q1 to 2026Q3 published, 2026Q4 a draft.
const demoSeed = 2026

var (
	demoToday = saima.DateOf(demoNow)
	demoNow   = time.Date(2026, 11, 20, 9, 0, 0, 0, saima.Beijing)
)

// demoDistricts are districts of the demo city. A page about units must
// name at least one of them.
var demoDistricts = []string{"宁波市海曙区", "宁波市江北区", "宁波市鄞州区", "余姚市", "慈溪市", "象山县"}

// loadDemoCity generates the demo city, imports its files into store
// through the import service and scores it as the demo command does:
// every quarter from 2025Q1 before today's is published and today's
// quarter is a draft. It returns the last published quarter.
func loadDemoCity(tb testing.TB, store *clickhouse.Store) saima.Period {
	tb.Helper()
	ctx := context.Background()
	files, err := demo.Generate(filepath.Join(tb.TempDir(), "demo"), demo.Options{Seed: demoSeed, Today: demoToday})
	if err != nil {
		tb.Fatalf("generate demo city: %v", err)
	}
	seq := 0
	svc := &ingest.Service{
		Store: ingest.Adapt(store),
		Log:   slog.New(slog.DiscardHandler),
		Now:   func() time.Time { return demoNow },
		NewID: func() string { seq++; return fmt.Sprintf("demo-upload-%d", seq) },
	}
	evals := &scoring.Service{Store: store, Rules: readDemoRules(tb), Now: func() time.Time { return demoNow }}
	draft, err := demo.Load(ctx, files, svc, evals, demoToday, nil)
	if err != nil {
		tb.Fatalf("load demo city: %v", err)
	}
	return draft.Prev()
}

func readDemoRules(tb testing.TB) []byte {
	tb.Helper()
	path, err := chtest.FindRepoFile("rulesets/2026.yaml")
	if err != nil {
		tb.Fatal(err)
	}
	rules, err := os.ReadFile(path)
	if err != nil {
		tb.Fatal(err)
	}
	return rules
}

// newDemoEnv starts a server over a fresh store that holds the demo city,
// with the server's clock at the demo's today, and configure (if not nil)
// applied to its config. It returns the last published quarter too.
func newDemoEnv(tb testing.TB, configure func(*Config)) (*testEnv, saima.Period) {
	tb.Helper()
	store := chtest.Store(tb)
	published := loadDemoCity(tb, store)
	env := newTestEnvOver(tb, store, configure)
	env.clock.Advance(demoNow.Sub(testNow))
	return env, published
}

// TestDemoBrowser loads the demo city into a fresh store, signs in as the
// office in Chromium and opens every page of the navigation, a unit page,
// its explain page and a project page. Each page must name demo units,
// draw its charts, log no error and request nothing from another host. A
// PNG of each goes under $SAIMA_SCREENSHOTS, or a temporary folder. The
// leaderboard of the last published quarter must show the composites of
// that quarter's PDF for every unit.
func TestDemoBrowser(t *testing.T) {
	requireChromium(t)
	requirePDFToText(t)
	env, published := newDemoEnv(t, nil)
	base := serve(t, env.server)
	shots := screenshotDir(t)
	b := newBrowser(t, base)
	project := firstDemoProject(t, env.store)

	b.login(t, "office", testAccounts["office"].password, "/overview")
	for _, problem := range b.problems() {
		t.Errorf("sign-in: %s", problem)
	}
	if t.Failed() {
		t.FailNow()
	}

	pages := []struct {
		name   string
		path   string
		charts bool // the page must draw at least one chart
		units  bool // the page must name a demo district
	}{
		{"overview", "/overview", true, false},
		{"leaderboard", "/leaderboard", true, true},
		{"ledger", "/ledger", true, true},
		{"management", "/management", false, true},
		{"lists", "/lists", false, true},
		{"heatmap", "/heatmap", true, true},
		{"problems", "/problems", true, true},
		{"problem-loop", "/problems/loop", false, false},
		{"leaders", "/leaders", false, true},
		{"reminders", "/reminders", false, true},
		{"pioneers", "/pioneers", true, false},
		{"upload", "/upload", false, false},
		{"unit", unitURL("宁波市海曙区"), true, true},
		{"explain", unitURL("宁波市海曙区") + "/explain", false, true},
		{"project", "/projects/" + project, false, true},
	}
	for _, p := range pages {
		t.Run(p.name, func(t *testing.T) {
			b.reset()
			got := b.open(t, p.path, 1366, 900)
			checkDemoPage(t, got, p.charts, p.units)
			for _, problem := range b.problems() {
				t.Error(problem)
			}
			writeScreenshot(t, filepath.Join(shots, "demo-"+p.name+".png"), got.PNG)
		})
	}

	t.Run("published-leaderboard-matches-pdf", func(t *testing.T) {
		b.reset()
		got := b.open(t, "/leaderboard?period="+published.String(), 1366, 900)
		onLeaderboard := b.leaderboardComposites(t)
		_, pdf := env.get(t, "/reports/quarterly/"+published.String()+".pdf")
		inPDF := pdfComposites(t, []byte(pdf))
		if len(onLeaderboard) == 0 {
			t.Fatalf("leaderboard of %s shows no units", published)
		}
		t.Logf("compared the composites of %d units", len(inPDF))
		for unit, want := range inPDF {
			if onLeaderboard[unit] != want {
				t.Errorf("leaderboard composite of %s = %q, want %q as in the PDF", unit, onLeaderboard[unit], want)
			}
		}
		for unit := range onLeaderboard {
			if _, ok := inPDF[unit]; !ok {
				t.Errorf("leaderboard shows %s, which the PDF of %s does not", unit, published)
			}
		}
		for _, problem := range b.problems() {
			t.Error(problem)
		}
		writeScreenshot(t, filepath.Join(shots, "demo-leaderboard-"+published.String()+".png"), got.PNG)
	})
}

// checkDemoPage checks that every chart on the page is drawn, that a page
// with charts has some, and that a page about units names demo districts.
func checkDemoPage(tb testing.TB, got pageState, wantCharts, wantUnits bool) {
	tb.Helper()
	if wantCharts && len(got.Charts) == 0 {
		tb.Errorf("page has no charts, want at least one")
	}
	var options strings.Builder
	for _, c := range got.Charts {
		if !c.Canvas {
			tb.Errorf("chart %s has no canvas", c.ID)
		}
		if c.Option == "" {
			tb.Errorf("chart %s has no ECharts instance", c.ID)
		}
		options.WriteString(c.Option)
	}
	if wantUnits {
		named := 0
		for _, u := range demoDistricts {
			if strings.Contains(got.Text, u) || strings.Contains(options.String(), u) {
				named++
			}
		}
		if named == 0 {
			tb.Errorf("page names none of the demo districts %q", demoDistricts)
		}
	}
	for _, w := range []string{"数据更新时间", "市改革办（office）", "退出"} {
		if !strings.Contains(got.Text, w) {
			tb.Errorf("page text lacks %q", w)
		}
	}
}

// firstDemoProject returns the code of the first project of the ledger.
func firstDemoProject(tb testing.TB, store *clickhouse.Store) string {
	tb.Helper()
	entries, err := store.ListLedger(context.Background(), saima.LedgerFilter{AsOf: demoToday})
	if err != nil {
		tb.Fatalf("list ledger: %v", err)
	}
	if len(entries) == 0 {
		tb.Fatal("the demo city has no projects")
	}
	return entries[0].Project.Code
}

// leaderboardRows reads each ranking row's unit and composite as onLeaderboard.
const leaderboardRows = `Array.from(document.querySelectorAll('table.ranking tbody tr')).map(tr => ({
	unit: tr.querySelector('th').innerText.trim(),
	composite: tr.cells[3].innerText.replace('†', '').trim(),
}))`

// leaderboardComposites returns the composite text of each unit in the
// ranking tables on screen.
func (b *browser) leaderboardComposites(tb testing.TB) map[string]string {
	tb.Helper()
	ctx, cancel := context.WithTimeout(b.ctx, 30*time.Second)
	defer cancel()
	type row struct {
		Unit      string `json:"unit"`
		Composite string `json:"composite"`
	}
	rows, err := chromedp.Run(ctx, chromedp.Evaluate[[]row](leaderboardRows))
	if err != nil {
		tb.Fatalf("read ranking rows: %v", err)
	}
	out := make(map[string]string, len(rows))
	for _, r := range rows {
		out[r.Unit] = r.Composite
	}
	return out
}

// pdfUnitLine matches a unit section's heading and the line below it in
// pdftotext's output.
var pdfUnitLine = regexp.MustCompile(`(?m)^(\S+)\n+赛道：\S+\s+综合得分：([0-9.]+)`)

// pdfComposites returns the composite of each unit section of a
// quarterly PDF, as pdftotext extracts it.
func pdfComposites(tb testing.TB, pdf []byte) map[string]string {
	tb.Helper()
	path := filepath.Join(tb.TempDir(), "quarterly.pdf")
	if err := os.WriteFile(path, pdf, 0o600); err != nil {
		tb.Fatal(err)
	}
	out, err := exec.Command("pdftotext", "-enc", "UTF-8", path, "-").Output()
	if err != nil {
		tb.Fatalf("pdftotext: %v", err)
	}
	composites := map[string]string{}
	for _, m := range pdfUnitLine.FindAllStringSubmatch(string(out), -1) {
		composites[m[1]] = m[2]
	}
	if len(composites) == 0 {
		tb.Fatalf("found no unit sections in the PDF text:\n%s", out)
	}
	return composites
}

func requirePDFToText(tb testing.TB) {
	tb.Helper()
	if _, err := exec.LookPath("pdftotext"); err != nil {
		if os.Getenv("CI") != "" {
			tb.Fatalf("CI needs pdftotext (apt-get install poppler-utils): %v", err)
		}
		tb.Skipf("pdftotext is not installed; apt-get install poppler-utils to run this test")
	}
}

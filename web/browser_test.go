package web

import (
	"context"
	"fmt"
	"net"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/log"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"
)

const chromiumPath = "/usr/bin/chromium"

// TestBrowser opens every page in Debian's Chromium against a running
// server and checks that the charts are drawn with the Chinese names, that
// injection names stay text, and that the page logs no error and loads
// nothing from another host. It saves a PNG of each page under
// $SAIMA_SCREENSHOTS, or a temporary folder.
func TestBrowser(t *testing.T) {
	requireChromium(t)
	env := newSeededEnv(t)
	base := serve(t, env.server)
	shots := screenshotDir(t)
	b := newBrowser(t, base)

	pages := []struct {
		name          string
		path          string
		width, height int64
		charts        int
		wantInCharts  []string
		wantText      []string
	}{
		{"leaderboard", "/", 1366, 900, 2,
			[]string{"宁波市海曙区", "宁波市江北区", "市大数据局", scriptName, imgName, funcName},
			[]string{"2026年第三季度赛马排行", "91.3", scriptName, imgName, funcName}},
		{"leaderboard-wall", "/leaderboard?period=2026Q2", 1920, 1080, 2,
			[]string{"宁波市海曙区", "市大数据局", imgName},
			[]string{"2026年第二季度赛马排行", "85.1"}},
		{"unit", "/units/" + url.PathEscape("宁波市海曙区"), 1366, 900, 2,
			[]string{"宁波市海曙区综合得分趋势", "2026Q2", "2026Q3"},
			[]string{"项目推进速度", "考评得分"}},
		{"unit-injection", "/units/" + url.PathEscape(scriptName), 1366, 900, 2,
			[]string{scriptName + "综合得分趋势"},
			[]string{scriptName, "66.6"}},
		{"ledger", "/ledger", 1366, 900, 1,
			[]string{"实施", "论证", "预报", "未登记"},
			[]string{"城市大脑驾驶舱", imgName, "已逾期 20 天"}},
		{"upload", "/upload", 1366, 900, 0, nil, []string{"按表头自动识别"}},
	}
	for _, p := range pages {
		t.Run(p.name, func(t *testing.T) {
			b.reset()
			got := b.open(t, p.path, p.width, p.height)

			if len(got.Charts) != p.charts {
				t.Errorf("page has %d charts, want %d", len(got.Charts), p.charts)
			}
			var options strings.Builder
			for _, c := range got.Charts {
				if !c.Canvas {
					t.Errorf("chart %s has no canvas", c.ID)
				}
				if c.Option == "" {
					t.Errorf("chart %s has no ECharts instance", c.ID)
				}
				options.WriteString(c.Option)
			}
			for _, w := range p.wantInCharts {
				if !strings.Contains(options.String(), w) {
					t.Errorf("chart options lack %q", w)
				}
			}
			for _, w := range p.wantText {
				if !strings.Contains(got.Text, w) {
					t.Errorf("page text lacks %q", w)
				}
			}
			if got.InjectedNodes != 0 {
				t.Errorf("page has %d elements made from injection names", got.InjectedNodes)
			}
			if !strings.Contains(got.Text, "数据更新时间") {
				t.Errorf("page text lacks 数据更新时间")
			}
			for _, problem := range b.problems() {
				t.Error(problem)
			}
			writeScreenshot(t, filepath.Join(shots, p.name+".png"), got.PNG)
		})
	}

	t.Run("upload-rejected", func(t *testing.T) {
		b.reset()
		file := filepath.Join(t.TempDir(), "进度.csv")
		if err := os.WriteFile(file, []byte(badProgress), 0o600); err != nil {
			t.Fatal(err)
		}
		got := b.submitUpload(t, file, "progress")
		for _, w := range []string{"上传未通过", "135%", imgName + "区", "第2行", "第3行"} {
			if !strings.Contains(got.Text, w) {
				t.Errorf("result page text lacks %q", w)
			}
		}
		if got.InjectedNodes != 0 {
			t.Errorf("result page has %d elements made from injection names", got.InjectedNodes)
		}
		// The browser logs the 422 of the result page itself, as it logs
		// any document that arrives with an error status.
		for _, problem := range b.problems() {
			if !strings.Contains(problem, "status of 422") {
				t.Error(problem)
			}
		}
		writeScreenshot(t, filepath.Join(shots, "upload-rejected.png"), got.PNG)
	})
}

// submitUpload sends file through the upload form and returns the result
// page.
func (b *browser) submitUpload(tb testing.TB, file, dataset string) pageState {
	tb.Helper()
	ctx, cancel := context.WithTimeout(b.ctx, 60*time.Second)
	defer cancel()

	err := chromedp.Do(ctx,
		chromedp.EmulateViewport(1366, 900),
		chromedp.Navigate("http://"+b.host+"/upload"),
		chromedp.WaitReady("body"),
		chromedp.SetUploadFiles(`input[name="file"]`, []string{file}),
		chromedp.SetValue(`select[name="dataset"]`, dataset),
		chromedp.Click(`form.upload button[type="submit"]`),
		chromedp.WaitReady("section.result"),
	)
	if err != nil {
		tb.Fatalf("submit upload form: %v (browser problems: %q)", err, b.problems())
	}
	return b.read(ctx, tb, "/upload")
}

func requireChromium(tb testing.TB) {
	tb.Helper()
	if _, err := os.Stat(chromiumPath); err != nil {
		if os.Getenv("CI") != "" {
			tb.Fatalf("CI needs Chromium at %s (apt-get install chromium): %v", chromiumPath, err)
		}
		tb.Skipf("Chromium is not installed at %s; apt-get install chromium to run the browser test", chromiumPath)
	}
}

// serve runs s on a free loopback port until the test ends and returns
// its base URL.
func serve(tb testing.TB, s *Server) string {
	tb.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		tb.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- s.Serve(ctx, ln) }()
	tb.Cleanup(func() {
		cancel()
		if err := <-done; err != nil {
			tb.Errorf("Serve returned %v after shutdown, want nil", err)
		}
	})
	return "http://" + ln.Addr().String()
}

func screenshotDir(tb testing.TB) string {
	tb.Helper()
	dir := os.Getenv("SAIMA_SCREENSHOTS")
	if dir == "" {
		return tb.TempDir()
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		tb.Fatal(err)
	}
	return dir
}

func writeScreenshot(tb testing.TB, path string, png []byte) {
	tb.Helper()
	if len(png) == 0 {
		tb.Errorf("no screenshot for %s", path)
		return
	}
	if err := os.WriteFile(path, png, 0o644); err != nil {
		tb.Fatal(err)
	}
	tb.Logf("screenshot %s", path)
}

// browser is one headless Chromium tab that records what a page must not
// do: log an error, throw, open a dialog or request another host.
type browser struct {
	ctx  context.Context
	host string // host:port of the server under test

	mu     sync.Mutex
	issues []string
}

func newBrowser(tb testing.TB, base string) *browser {
	tb.Helper()
	u, err := url.Parse(base)
	if err != nil {
		tb.Fatal(err)
	}
	b := &browser{host: u.Host}

	opts := []chromedp.ExecAllocatorOption{
		chromedp.ExecPath(chromiumPath),
		chromedp.Flag("headless", true),
		chromedp.Flag("no-sandbox", true),
		chromedp.Flag("disable-gpu", true),
		chromedp.Flag("disable-quic", true),
		chromedp.Flag("no-first-run", true),
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.Flag("no-default-browser-check", true),
		chromedp.Flag("hide-scrollbars", true),
		chromedp.UserDataDir(tb.TempDir()),
		chromedp.WindowSize(1366, 900),
	}
	allocCtx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	ctx, cancelTab := chromedp.NewContext(allocCtx, chromedp.WithListener(b.record))
	tb.Cleanup(func() {
		cancelTab()
		cancelAlloc()
	})
	if err := chromedp.Do(ctx); err != nil {
		tb.Fatalf("start Chromium: %v", err)
	}
	b.ctx = ctx
	return b
}

// record runs on chromedp's reader goroutine, so it only appends.
func (b *browser) record(ev any) {
	var issue string
	switch ev := ev.(type) {
	case *runtime.EventConsoleAPICalled:
		if ev.Type == runtime.ConsoleAPICalledTypeError || ev.Type == runtime.ConsoleAPICalledTypeAssert {
			issue = "console " + string(ev.Type) + ": " + describeArgs(ev.Args)
		}
	case *runtime.EventExceptionThrown:
		issue = "uncaught exception: " + exceptionText(ev.ExceptionDetails)
	case *log.EventEntryAdded:
		if ev.Entry.Level == log.EntryLevelError {
			issue = fmt.Sprintf("browser log error (%s): %s %s", ev.Entry.Source, ev.Entry.Text, ev.Entry.URL)
		}
	case *page.EventJavascriptDialogOpening:
		issue = "dialog opened: " + ev.Message
	case *network.EventRequestWillBeSent:
		issue = b.checkRequest(ev.Request.URL)
	}
	if issue == "" {
		return
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	b.issues = append(b.issues, issue)
}

func (b *browser) checkRequest(raw string) string {
	u, err := url.Parse(raw)
	if err != nil {
		return "request to an unparsable URL " + raw
	}
	if u.Scheme == "data" || u.Scheme == "blob" || u.Scheme == "about" {
		return ""
	}
	if u.Host != b.host {
		return "request to another host: " + raw
	}
	return ""
}

func describeArgs(args []*runtime.RemoteObject) string {
	parts := make([]string, 0, len(args))
	for _, a := range args {
		if len(a.Value) > 0 {
			parts = append(parts, string(a.Value))
		} else {
			parts = append(parts, a.Description)
		}
	}
	return strings.Join(parts, " ")
}

func exceptionText(d *runtime.ExceptionDetails) string {
	if d == nil {
		return ""
	}
	if d.Exception != nil && d.Exception.Description != "" {
		return d.Exception.Description
	}
	return d.Text
}

func (b *browser) reset() {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.issues = nil
}

func (b *browser) problems() []string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return append([]string(nil), b.issues...)
}

// pageState is what a test reads from a drawn page.
type pageState struct {
	Charts        []chartState `json:"charts"`
	Text          string       `json:"text"`
	InjectedNodes int          `json:"injected"`
	PNG           []byte       `json:"-"`
}

type chartState struct {
	ID     string `json:"id"`
	Canvas bool   `json:"canvas"`
	Option string `json:"option"` // JSON of the instance's getOption()
}

// chartsDrawn is true once every chart element contains a canvas.
const chartsDrawn = `(() => {
	const sources = document.querySelectorAll('script[type="application/json"][data-chart]');
	return Array.from(sources).every(s => {
		const el = document.getElementById(s.dataset.chart);
		return el !== null && el.querySelector('canvas') !== null;
	});
})()`

// readPage collects each chart's state, the page text and the number of
// elements an injection name would create if it were parsed as HTML.
const readPage = `(() => {
	const sources = document.querySelectorAll('script[type="application/json"][data-chart]');
	const charts = Array.from(sources).map(s => {
		const el = document.getElementById(s.dataset.chart);
		const chart = el && window.echarts ? echarts.getInstanceByDom(el) : null;
		return {
			id: s.dataset.chart,
			canvas: el !== null && el.querySelector('canvas') !== null,
			option: chart ? JSON.stringify(chart.getOption()) : '',
		};
	});
	const injected = document.querySelectorAll('img[src="x"], script:not([src]):not([type="application/json"])').length;
	return {charts: charts, text: document.body.innerText, injected: injected};
})()`

// open loads path at the given viewport, waits for the charts and
// returns the page's state and a full-page PNG.
func (b *browser) open(tb testing.TB, path string, width, height int64) pageState {
	tb.Helper()
	ctx, cancel := context.WithTimeout(b.ctx, 60*time.Second)
	defer cancel()

	err := chromedp.Do(ctx,
		chromedp.EmulateViewport(width, height),
		chromedp.Navigate("http://"+b.host+path),
		chromedp.WaitReady("body"),
	)
	if err != nil {
		tb.Fatalf("open %s: %v", path, err)
	}
	if _, err := chromedp.Run(ctx, chromedp.Poll[bool](chartsDrawn, chromedp.WithPollingTimeout(20*time.Second))); err != nil {
		tb.Fatalf("wait for charts on %s: %v (browser problems: %q)", path, err, b.problems())
	}

	return b.read(ctx, tb, path)
}

// read returns the state of the page on screen and a full-page PNG.
func (b *browser) read(ctx context.Context, tb testing.TB, path string) pageState {
	tb.Helper()
	state, err := chromedp.Run(ctx, chromedp.Evaluate[pageState](readPage))
	if err != nil {
		tb.Fatalf("read %s: %v", path, err)
	}
	if state.PNG, err = chromedp.Run(ctx, chromedp.FullScreenshot(100)); err != nil {
		tb.Fatalf("screenshot %s: %v", path, err)
	}
	return state
}

package web

import (
	"context"
	"fmt"
	"net"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strconv"
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

// TestBrowser signs in through the login form in Debian's Chromium and
// opens every page against a running server. It checks that the charts are
// drawn with the Chinese names, that injection names stay text, and that
// the page logs no error and loads nothing from another host. It saves a
// PNG of each page under $SAIMA_SCREENSHOTS, or a temporary folder.
func TestBrowser(t *testing.T) {
	requireChromium(t)
	env := newSeededEnv(t)
	seedDashboard(t, env.store)
	base := serve(t, env.server)
	shots := screenshotDir(t)
	b := newBrowser(t, base)

	t.Run("login", func(t *testing.T) {
		b.reset()
		got := b.login(t, "office", testAccounts["office"].password, "/ledger")
		for _, w := range []string{"项目台账", "市改革办（office）", "改革办", "退出"} {
			if !strings.Contains(got.Text, w) {
				t.Errorf("page after sign-in lacks %q", w)
			}
		}
		for _, problem := range b.problems() {
			t.Error(problem)
		}
		writeScreenshot(t, filepath.Join(shots, "login.png"), got.PNG)
	})
	if t.Failed() {
		t.FailNow()
	}

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
		{"unit", "/units/" + url.PathEscape("宁波市海曙区"), 1366, 900, 3,
			[]string{"综合得分趋势", "2026Q2", "2026Q3", "赛道平均", "项目推进速度"},
			[]string{"项目推进速度", "考评得分", "本单位项目（1 个）", "驾驶舱上线"}},
		{"unit-injection", "/units/" + url.PathEscape(scriptName), 1366, 900, 3,
			[]string{"综合得分趋势", "赛道平均"},
			[]string{scriptName, "66.6"}},
		{"ledger", "/ledger", 1366, 900, 1,
			[]string{"实施", "论证", "预报", "未登记"},
			[]string{"城市大脑驾驶舱", imgName, "已逾期 20 天"}},
		{"upload", "/upload", 1366, 900, 0, nil, []string{"按表头自动识别"}},
		{"overview", "/overview", 1366, 900, 4,
			[]string{"项目所处阶段", "全市里程碑按期完成率", "2025Q1", "整体智治", "分办落实", "市领导"},
			[]string{"全市总览", "项目总数", "逾期里程碑", "未办结问题"}},
		{"overview-wall", "/overview", 1920, 1080, 4,
			[]string{"项目所处阶段", "公共数据平台"},
			[]string{"全市总览", "2026年第四季度按期完成率"}},
		{"heatmap", "/heatmap", 1366, 900, 1,
			[]string{"2025-01", "2026-10", "宁波市江北区", scriptName, imgName},
			[]string{"逾期里程碑热力图", "各单位逾期里程碑", scriptName}},
		{"heatmap-wall", "/heatmap", 1920, 1080, 1, []string{"宁波市海曙区"}, []string{"逾期里程碑热力图"}},
		{"problems", "/problems", 1366, 900, 1,
			[]string{"收集", "已办结", "牵头单位", "市领导"},
			[]string{"问题清单", "P-002", scriptName, funcName, "=1+2"}},
		{"pioneers", "/pioneers", 1366, 900, 1,
			[]string{"1. 城市大脑数字孪生", "2. 一网统管"},
			[]string{"先锋榜", "评选规则", "NB-2026-005", "50.0%"}},
		{"milestones", "/milestones?period=2026Q2", 1366, 900, 0, nil,
			[]string{"2026年第二季度里程碑", "按期完成率 75.0%", "逾期完成"}},
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
			for _, w := range []string{"数据更新时间", "市改革办（office）", "退出"} {
				if !strings.Contains(got.Text, w) {
					t.Errorf("page text lacks %q", w)
				}
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

	t.Run("drilldown", func(t *testing.T) {
		tests := []struct {
			name, page, chart string
			want              string // the path and query the click opens
		}{
			{"heatmap cell", "/heatmap", "chart-heatmap", ""},
			{"overview funnel", "/overview", "chart-overview-stages", ""},
			{"pioneer bar", "/pioneers", "chart-pioneers", "/ledger?q=NB-2026-005"},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				b.reset()
				b.open(t, tt.page, 1366, 900)
				link, landed := b.clickFirstItem(t, tt.chart)
				if link == "" || landed != link {
					t.Errorf("click on %s's first item opened %q, want its link %q", tt.chart, landed, link)
				}
				if tt.want != "" && landed != tt.want {
					t.Errorf("click on %s's first item opened %q, want %q", tt.chart, landed, tt.want)
				}
				for _, problem := range b.problems() {
					t.Error(problem)
				}
			})
		}
	})

	t.Run("fallback-font", func(t *testing.T) {
		// The pages name saima's own Noto Sans SC after the system fonts.
		// Loading its bold face by name checks that the @font-face rule
		// leads to a font that Chromium accepts, served by saima.
		b.reset()
		b.open(t, "/", 1366, 900)
		ctx, cancel := context.WithTimeout(b.ctx, 30*time.Second)
		defer cancel()
		loaded, err := chromedp.Run(ctx, chromedp.Evaluate[[]string](
			`document.fonts.load('700 16px "saima Noto Sans SC"', '赛马').then(fs => fs.map(f => f.status + ' ' + f.weight))`,
			chromedp.EvalAwaitPromise))
		if err != nil {
			t.Fatalf("load the fallback font: %v", err)
		}
		if !slices.Equal(loaded, []string{"loaded 700"}) {
			t.Errorf("fallback font faces loaded for bold 赛马 = %q, want [loaded 700]", loaded)
		}
		for _, problem := range b.problems() {
			t.Error(problem)
		}
	})

	t.Run("units-zip", func(t *testing.T) {
		b.reset()
		got := b.waitForJob(t, "/reports/quarterly/2026Q3/units.zip")
		for _, w := range []string{"2026年第三季度各单位考评报告", "100%", "6 / 6", "下载压缩包"} {
			if !strings.Contains(got.Text, w) {
				t.Errorf("job page text lacks %q:\n%s", w, got.Text)
			}
		}
		for _, problem := range b.problems() {
			t.Error(problem)
		}
		writeScreenshot(t, filepath.Join(shots, "units-zip.png"), got.PNG)
	})

	t.Run("logout", func(t *testing.T) {
		b.reset()
		got := b.logout(t)
		if !strings.Contains(got.Text, "用户名") || strings.Contains(got.Text, "退出") {
			t.Errorf("page after logout is not the login form:\n%s", got.Text)
		}
		writeScreenshot(t, filepath.Join(shots, "logout.png"), got.PNG)
		got = b.openPlain(t, "/ledger")
		if !strings.Contains(got.Text, "用户名") {
			t.Errorf("/ledger after logout is not the login form:\n%s", got.Text)
		}
		for _, problem := range b.problems() {
			t.Error(problem)
		}
	})
}

// login signs in through the login form, reached by opening next, and
// returns the page the form leads to.
func (b *browser) login(tb testing.TB, name, password, next string) pageState {
	tb.Helper()
	ctx, cancel := context.WithTimeout(b.ctx, 60*time.Second)
	defer cancel()

	err := chromedp.Do(ctx,
		chromedp.EmulateViewport(1366, 900),
		chromedp.Navigate("http://"+b.host+next),
		chromedp.WaitVisible(`form.login input[name="name"]`),
	)
	if err != nil {
		tb.Fatalf("open %s: %v (browser problems: %q)", next, err, b.problems())
	}
	if want := "/login?next=" + url.QueryEscape(next); !strings.HasSuffix(b.location(ctx, tb), want) {
		tb.Errorf("%s without a session led to %s, want the login page", next, b.location(ctx, tb))
	}
	err = chromedp.Do(ctx,
		chromedp.SendKeys(`form.login input[name="name"]`, name),
		chromedp.SendKeys(`form.login input[name="password"]`, password),
		chromedp.Click(`form.login button[type="submit"]`),
		chromedp.WaitVisible(`form.account button[type="submit"]`),
	)
	if err != nil {
		tb.Fatalf("submit login form: %v (browser problems: %q)", err, b.problems())
	}
	if loc := b.location(ctx, tb); !strings.HasSuffix(loc, next) {
		tb.Errorf("sign-in led to %s, want %s", loc, next)
	}
	return b.read(ctx, tb, next)
}

// location returns the address of the page on screen.
func (b *browser) location(ctx context.Context, tb testing.TB) string {
	tb.Helper()
	loc, err := chromedp.Run(ctx, chromedp.Location())
	if err != nil {
		tb.Fatalf("read location: %v", err)
	}
	return loc
}

// logout presses 退出 and returns the page it leads to.
func (b *browser) logout(tb testing.TB) pageState {
	tb.Helper()
	ctx, cancel := context.WithTimeout(b.ctx, 60*time.Second)
	defer cancel()
	err := chromedp.Do(ctx,
		chromedp.Click(`form.account button[type="submit"]`),
		chromedp.WaitVisible(`form.login`),
	)
	if err != nil {
		tb.Fatalf("press 退出: %v (browser problems: %q)", err, b.problems())
	}
	return b.read(ctx, tb, "/login")
}

// openPlain loads path without waiting for charts.
func (b *browser) openPlain(tb testing.TB, path string) pageState {
	tb.Helper()
	ctx, cancel := context.WithTimeout(b.ctx, 60*time.Second)
	defer cancel()
	if err := chromedp.Do(ctx, chromedp.Navigate("http://"+b.host+path), chromedp.WaitReady("body")); err != nil {
		tb.Fatalf("open %s: %v", path, err)
	}
	return b.read(ctx, tb, path)
}

// firstItem scrolls a chart into view and returns the viewport position
// of its first data item and the item's link.
const firstItem = `((id) => {
	const el = document.getElementById(id);
	el.scrollIntoView({block: 'center'});
	const chart = echarts.getInstanceByDom(el);
	const series = chart.getOption().series[0];
	const item = series.data[0];
	let point;
	if (series.type === 'heatmap') {
		point = chart.convertToPixel({seriesIndex: 0}, [item.value[0], item.value[1]]);
	} else if (series.type === 'bar') {
		point = chart.convertToPixel({seriesIndex: 0}, [item.value / 2, 0]);
	} else {
		const layout = chart.getModel().getSeriesByIndex(0).getData().getItemLayout(0);
		point = [(layout.points[0][0] + layout.points[1][0]) / 2, (layout.points[0][1] + layout.points[3][1]) / 2];
	}
	const rect = el.getBoundingClientRect();
	return {x: rect.left + point[0], y: rect.top + point[1], link: item.link || ''};
})`

// clickFirstItem clicks the first data item of a drawn chart and returns
// the item's link and the path and query of the page the click opened.
func (b *browser) clickFirstItem(tb testing.TB, chartID string) (link, landed string) {
	tb.Helper()
	ctx, cancel := context.WithTimeout(b.ctx, 30*time.Second)
	defer cancel()

	type point struct {
		X    float64 `json:"x"`
		Y    float64 `json:"y"`
		Link string  `json:"link"`
	}
	before := b.pathOnScreen(ctx, tb)
	// Under load the chart may still be animating or laying out when the
	// first click lands, so a click that opens nothing is tried again, at
	// the item's position as the chart reports it then.
	var at point
	for attempt := range 3 {
		var err error
		at, err = chromedp.Run(ctx, chromedp.Evaluate[point](firstItem+"("+strconv.Quote(chartID)+")"))
		if err != nil {
			tb.Fatalf("find the first item of %s: %v", chartID, err)
		}
		if err := chromedp.Do(ctx, chromedp.MouseClickXY(at.X, at.Y)); err != nil {
			tb.Fatalf("click %s at (%.0f, %.0f): %v", chartID, at.X, at.Y, err)
		}
		if path, ok := b.waitForNavigation(ctx, tb, before, time.Duration(attempt+1)*5*time.Second); ok {
			return at.Link, path
		}
	}
	tb.Fatalf("click on %s at (%.0f, %.0f) opened no page (browser problems: %q)", chartID, at.X, at.Y, b.problems())
	return "", ""
}

// waitForNavigation waits up to timeout for the page on screen to leave
// the path before and load, and returns the new path and query. The page
// is replaced while it loads, so it polls from here rather than in the
// page, where a navigation ends the polling script.
func (b *browser) waitForNavigation(ctx context.Context, tb testing.TB, before string, timeout time.Duration) (string, bool) {
	tb.Helper()
	for deadline := time.Now().Add(timeout); time.Now().Before(deadline); {
		time.Sleep(100 * time.Millisecond)
		path, err := chromedp.Run(ctx, chromedp.Evaluate[string](`location.pathname + location.search`))
		if err == nil && path != before {
			if err := chromedp.Do(ctx, chromedp.WaitReady("body")); err != nil {
				tb.Fatalf("load %s: %v", path, err)
			}
			return path, true
		}
	}
	return "", false
}

// pathOnScreen returns the path and query of the page on screen.
func (b *browser) pathOnScreen(ctx context.Context, tb testing.TB) string {
	tb.Helper()
	path, err := chromedp.Run(ctx, chromedp.Evaluate[string](`location.pathname + location.search`))
	if err != nil {
		tb.Fatalf("read location: %v", err)
	}
	return path
}

// waitForJob opens a background job's progress page and waits until it
// shows the download link.
func (b *browser) waitForJob(tb testing.TB, path string) pageState {
	tb.Helper()
	ctx, cancel := context.WithTimeout(b.ctx, 2*time.Minute)
	defer cancel()
	err := chromedp.Do(ctx,
		chromedp.EmulateViewport(1366, 900),
		chromedp.Navigate("http://"+b.host+path),
		chromedp.WaitVisible(`a.job-download`),
	)
	if err != nil {
		tb.Fatalf("wait for the job at %s: %v (browser problems: %q)", path, err, b.problems())
	}
	return b.read(ctx, tb, path)
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
// dashboardBrowser signs the office in with Chromium on a server over the
// seeded dashboard data and opens path. It returns the browser and a
// context that ends after timeout or with the test.
func dashboardBrowser(t *testing.T, path string, timeout time.Duration) (*browser, context.Context) {
	t.Helper()
	requireChromium(t)
	env := newDashboardEnv(t)
	b := newBrowser(t, serve(t, env.server))
	b.login(t, "office", testAccounts["office"].password, path)
	ctx, cancel := context.WithTimeout(b.ctx, timeout)
	t.Cleanup(cancel)
	return b, ctx
}

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

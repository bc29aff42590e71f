package web

import (
	"context"
	"encoding/json"
	"html"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/gofiber/fiber/v2"

	"saima"
	"saima/clickhouse"
	"saima/clickhouse/chtest"
)

func TestPages(t *testing.T) {
	env := newSeededEnv(t)
	tests := []struct {
		name   string
		target string
		want   []string // texts the page must show, before HTML escaping
	}{
		{"home shows newest period", "/", []string{"2026年第三季度赛马排行", "宁波市海曙区", "91.3", "84.5", "↑1", "↓1", "—", "新", "项目推进速度", "区县（市）", "市直部门"}},
		{"leaderboard of older period", "/leaderboard?period=2026Q2", []string{"2026年第二季度赛马排行", "80.2", "85.1"}},
		{"leaderboard of one track", "/leaderboard?period=2026Q3&track=" + url.QueryEscape(saima.KindDepartment), []string{"市大数据局", "88.8", "60.1", "*"}},
		{"unit page", "/units/" + url.PathEscape("宁波市海曙区"), []string{"宁波市海曙区", "综合得分趋势", "项目推进速度", "95", "60%", "2026年第二季度", "2026年第三季度"}},
		{"unit page by alias", "/units/" + url.PathEscape("海曙"), []string{"<h1>宁波市海曙区</h1>", "综合得分趋势"}},
		{"unit page of injection name", "/units/" + url.PathEscape(scriptName), []string{scriptName, "66.6"}},
		{"ledger", "/ledger", []string{"城市大脑驾驶舱", "NB-2026-004", "驾驶舱上线", "已逾期 20 天", "85.5%", "1 / 2", "实施", "项目所处阶段"}},
		{"ledger overdue only", "/ledger?overdue=1", []string{"共 2 个项目", "驾驶舱上线"}},
		{"ledger search", "/ledger?q=" + url.QueryEscape("一件事"), []string{"共 1 个项目", "一件事集成办"}},
		{"ledger by unit", "/ledger?unit=" + url.QueryEscape(imgName), []string{"共 1 个项目"}},
		{"upload form", "/upload", []string{"数据上传", "按表头自动识别", "仅预检，不写入", "GB18030 / GBK（WPS 或旧版 Excel 另存的 CSV）", "自动识别（推荐）"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			resp, body := env.get(t, tt.target)
			if resp.StatusCode != http.StatusOK {
				t.Fatalf("GET %s status = %d, want 200; body:\n%s", tt.target, resp.StatusCode, body)
			}
			if ct := resp.Header.Get("Content-Type"); !strings.HasPrefix(ct, "text/html") {
				t.Errorf("GET %s Content-Type = %q, want text/html", tt.target, ct)
			}
			text := html.UnescapeString(body)
			if !strings.Contains(body, "数据更新时间：<time>2026-10-15 09:34</time>") {
				t.Errorf("GET %s: page lacks the last upload's time", tt.target)
			}
			for _, w := range append(tt.want, "/static/echarts.min.js?v=") {
				if !strings.Contains(text, w) {
					t.Errorf("GET %s: page lacks %q", tt.target, w)
				}
			}
			assertNoRawInjection(t, tt.target, body)
		})
	}
}

func TestPagesEmptyDatabase(t *testing.T) {
	env := newTestEnv(t, nil)
	for _, target := range []string{"/", "/ledger", "/upload"} {
		resp, body := env.get(t, target)
		if resp.StatusCode != http.StatusOK {
			t.Errorf("GET %s status = %d, want 200", target, resp.StatusCode)
		}
		if !strings.Contains(body, "数据更新时间：<time>暂无数据</time>") {
			t.Errorf("GET %s lacks the empty last-updated time", target)
		}
	}
	_, body := env.get(t, "/")
	if !strings.Contains(body, "暂无考评结果") {
		t.Errorf("GET / on an empty database lacks 暂无考评结果")
	}
}

func TestErrorStatus(t *testing.T) {
	env := newSeededEnv(t)
	tests := []struct {
		name    string
		target  string
		status  int
		message string
	}{
		{"malformed period", "/leaderboard?period=2026Q5", 400, "考评期间（参数 period）的值“2026Q5”无效"},
		{"period without scores", "/leaderboard?period=2025Q1", 404, "2025年第一季度暂无考评结果"},
		{"unknown track", "/leaderboard?track=" + url.QueryEscape(imgName), 404, "本期没有赛道“" + imgName + "”的考评结果"},
		{"unknown unit", "/units/" + url.PathEscape(imgName+"局"), 404, "单位名单中没有“" + imgName + "局”"},
		{"bad stage", "/ledger?stage=" + url.QueryEscape(scriptName), 400, "可选值为预报、初审"},
		{"bad overdue flag", "/ledger?overdue=yes", 400, "应为 1 或 0"},
		{"unknown page", "/nope", 404, "找不到该页面"},
		{"pdf of a year", "/reports/quarterly/2026.pdf", 400, "应为季度"},
		{"pdf without scores", "/reports/quarterly/2025Q1.pdf", 404, "2025年第一季度尚无考评得分"},
		{"unknown static file", "/static/app.js", 404, "找不到该页面"},
		{"GET of a form's action", "/lists/done", 405, "该地址不接受 GET 请求，只接受 POST 请求"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			resp, body := env.get(t, tt.target)
			if resp.StatusCode != tt.status {
				t.Fatalf("GET %s status = %d, want %d; body:\n%s", tt.target, resp.StatusCode, tt.status, body)
			}
			if ct := resp.Header.Get("Content-Type"); !strings.HasPrefix(ct, "text/html") {
				t.Errorf("GET %s Content-Type = %q, want an HTML error page", tt.target, ct)
			}
			if !strings.Contains(html.UnescapeString(body), tt.message) {
				t.Errorf("GET %s body lacks %q:\n%s", tt.target, tt.message, body)
			}
			if !strings.Contains(body, "数据更新时间") {
				t.Errorf("GET %s error page lacks 数据更新时间", tt.target)
			}
			assertNoRawInjection(t, tt.target, body)
		})
	}
}

func TestAPIErrors(t *testing.T) {
	env := newSeededEnv(t)
	tests := []struct {
		name   string
		req    *http.Request
		status int
		kind   string
	}{
		{"malformed period", newRequest(http.MethodGet, "/api/scores?period=abc"), 400, "invalid"},
		{"period without scores", newRequest(http.MethodGet, "/api/scores?period=2025Q1"), 404, "not found"},
		{"bad batch", newRequest(http.MethodGet, "/api/ledger?batch="+url.QueryEscape(imgName)), 400, "invalid"},
		{"unknown route", newRequest(http.MethodGet, "/api/nope"), 404, "not found"},
		{"upload without file", multipartRequest(t, "/api/uploads", "", nil, map[string]string{"dataset": "progress"}), 400, "invalid"},
		{"upload of unknown dataset", multipartRequest(t, "/api/uploads", "a.csv", []byte("x"), map[string]string{"dataset": scriptName}), 400, "invalid"},
		{"upload that is not multipart", newRequest(http.MethodPost, "/api/uploads"), 415, "unsupported media type"},
		{"upload from another site", crossSite(multipartRequest(t, "/api/uploads", "a.csv", []byte("x"), nil)), 403, "forbidden"},
		{"GET of the upload API", newRequest(http.MethodGet, "/api/uploads"), 405, "method not allowed"},
		{"DELETE of a report", newRequest(http.MethodDelete, "/api/scores"), 405, "method not allowed"},
		{"GET of a publish action", newRequest(http.MethodGet, "/api/evaluations/2026Q3/publish"), 405, "method not allowed"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			resp, body := env.do(t, tt.req)
			if resp.StatusCode != tt.status {
				t.Fatalf("%s status = %d, want %d; body:\n%s", tt.req.URL, resp.StatusCode, tt.status, body)
			}
			var got errorBody
			if err := json.Unmarshal([]byte(body), &got); err != nil {
				t.Fatalf("%s body is not JSON: %v\n%s", tt.req.URL, err, body)
			}
			if got.Error.Status != tt.status || got.Error.Kind != tt.kind || got.Error.Message == "" {
				t.Errorf("%s error = %+v, want status %d, kind %q and a message", tt.req.URL, got.Error, tt.status, tt.kind)
			}
			if allow := resp.Header.Get("Allow"); tt.status == http.StatusMethodNotAllowed &&
				(allow == "" || !strings.Contains(got.Error.Message, "只接受 "+allow)) {
				t.Errorf("%s %s: Allow = %q, message %q; want the allowed methods in both",
					tt.req.Method, tt.req.URL, allow, got.Error.Message)
			}
			assertNoRawInjection(t, tt.req.URL.String(), body)
		})
	}
}

// crossSite marks req as sent by a page of another site.
func crossSite(req *http.Request) *http.Request {
	req.Header.Set("Origin", "http://other-site.test")
	return req
}

func newRequest(method, target string) *http.Request {
	return httptest.NewRequest(method, target, nil)
}

func TestAPIScores(t *testing.T) {
	env := newSeededEnv(t)
	resp, body := env.get(t, "/api/scores")
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("GET /api/scores status = %d, want 200", resp.StatusCode)
	}
	assertNoRawInjection(t, "/api/scores", body)

	var got scoresAPI
	if err := json.Unmarshal([]byte(body), &got); err != nil {
		t.Fatalf("decode: %v", err)
	}
	if got.Period != saima.Quarter(2026, 3) {
		t.Errorf("period = %v, want 2026Q3", got.Period)
	}
	if len(got.Periods) != 2 || got.Periods[0] != saima.Quarter(2026, 3) {
		t.Errorf("periods = %v, want [2026Q3 2026Q2]", got.Periods)
	}
	if len(got.Scores) != 6 {
		t.Fatalf("len(scores) = %d, want 6", len(got.Scores))
	}
	byUnit := map[string]scoreJSON{}
	for _, sc := range got.Scores {
		byUnit[sc.Unit] = sc
	}
	checks := []struct {
		unit, composite, movement string
		rank                      int
	}{
		{"宁波市海曙区", "91.3", "↑1", 1},
		{"宁波市江北区", "84.5", "↓1", 2},
		{scriptName, "66.6", "—", 3},
		{funcName, "60.1", "新", 3},
	}
	for _, c := range checks {
		sc, ok := byUnit[c.unit]
		if !ok {
			t.Errorf("no score for %q", c.unit)
			continue
		}
		if sc.CompositeText != c.composite || sc.Movement != c.movement || sc.Rank != c.rank {
			t.Errorf("score of %q = %s %s rank %d, want %s %s rank %d",
				c.unit, sc.CompositeText, sc.Movement, sc.Rank, c.composite, c.movement, c.rank)
		}
	}
	fn := byUnit[funcName]
	if len(fn.Contributions) != 2 || fn.Contributions[1].Raw != nil || fn.Contributions[0].Raw == nil {
		t.Errorf("contributions of %q = %+v, want raw set for the first and null for the imputed second", funcName, fn.Contributions)
	}
}

func TestAPILedger(t *testing.T) {
	env := newSeededEnv(t)
	resp, body := env.get(t, "/api/ledger?overdue=1")
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("GET /api/ledger status = %d, want 200", resp.StatusCode)
	}
	assertNoRawInjection(t, "/api/ledger", body)

	var got ledgerAPI
	if err := json.Unmarshal([]byte(body), &got); err != nil {
		t.Fatalf("decode: %v", err)
	}
	if got.AsOf != saima.DateOf(testNow) {
		t.Errorf("as_of = %v, want %v", got.AsOf, saima.DateOf(testNow))
	}
	if len(got.Entries) != 2 {
		t.Fatalf("len(entries) = %d, want 2: %+v", len(got.Entries), got.Entries)
	}
	first := got.Entries[0]
	if first.Code != "NB-2026-001" || first.Stage != "实施" || first.Milestones != 2 || first.MilestonesDone != 1 {
		t.Errorf("entry = %+v, want NB-2026-001 in 实施 with 1 of 2 milestones done", first)
	}
	if first.LatestPercent == nil || *first.LatestPercent != "85.5" {
		t.Errorf("latest_percent = %v, want 85.5", first.LatestPercent)
	}
	if len(first.Overdue) != 1 || first.Overdue[0].Name != "驾驶舱上线" || first.Overdue[0].DaysLate != 20 {
		t.Errorf("overdue = %+v, want 驾驶舱上线 20 days late", first.Overdue)
	}
}

func TestHealthz(t *testing.T) {
	env := newTestEnv(t, nil)
	resp, body := env.get(t, "/healthz")
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("GET /healthz status = %d, want 200; body %s", resp.StatusCode, body)
	}
	var got healthJSON
	if err := json.Unmarshal([]byte(body), &got); err != nil {
		t.Fatalf("decode: %v", err)
	}
	if got.Status != "ok" || got.Engine != env.store.EngineName() {
		t.Errorf("healthz = %+v, want status ok on the %s engine", got, env.store.EngineName())
	}
}

// TestDatabaseDown stops a real ClickHouse server under a running store:
// the health check, the API and the pages must then reply 503 in Chinese.
func TestDatabaseDown(t *testing.T) {
	srv := chtest.StartPrivateServer(t)
	db := srv.NewDatabase(t)
	store, err := clickhouse.NewStore(t.Context(), srv.Open(t, db), db, slog.New(slog.DiscardHandler))
	if err != nil {
		t.Fatalf("open store on the server: %v", err)
	}
	env := newTestEnvOver(t, store, nil)

	resp, body := env.get(t, "/healthz")
	if resp.StatusCode != http.StatusOK || !strings.Contains(body, `"engine":"server"`) {
		t.Fatalf("GET /healthz with the server up = %d %s, want 200 on engine server", resp.StatusCode, body)
	}
	if err := srv.Stop(); err != nil {
		t.Fatalf("stop server: %v", err)
	}

	tests := []struct {
		target string
		want   string
	}{
		{"/healthz", `"status":"unavailable"`},
		{"/api/scores", `"kind":"unavailable"`},
		{"/", "请稍后重试"},
		{"/ledger", "暂不可用"},
	}
	for _, tt := range tests {
		resp, body := env.get(t, tt.target)
		if resp.StatusCode != http.StatusServiceUnavailable {
			t.Errorf("GET %s with the server down status = %d, want 503; body:\n%s", tt.target, resp.StatusCode, body)
		}
		if !strings.Contains(body, tt.want) {
			t.Errorf("GET %s with the server down lacks %q:\n%s", tt.target, tt.want, body)
		}
	}
	if logs := env.logs.String(); !strings.Contains(logs, "level=WARN") {
		t.Errorf("no warning logged for the outage:\n%s", logs)
	}
}

func TestStaticAssets(t *testing.T) {
	env := newTestEnv(t, nil)
	want, err := os.ReadFile(env.server.cfg.EChartsPath)
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		path        string
		contentType string
		contains    string
	}{
		{"/static/echarts.min.js", "text/javascript", string(want[:200])},
		{"/static/dashboard.js", "text/javascript", "data-chart"},
		{"/static/style.css", "text/css", "@media"},
	}
	for _, tt := range tests {
		t.Run(tt.path, func(t *testing.T) {
			resp, body := env.get(t, env.server.assets.URL(filepath.Base(tt.path)))
			if resp.StatusCode != http.StatusOK {
				t.Fatalf("GET %s status = %d, want 200", tt.path, resp.StatusCode)
			}
			if ct := resp.Header.Get("Content-Type"); !strings.HasPrefix(ct, tt.contentType) {
				t.Errorf("GET %s Content-Type = %q, want %s", tt.path, ct, tt.contentType)
			}
			if cc := resp.Header.Get("Cache-Control"); !strings.Contains(cc, "max-age=31536000") {
				t.Errorf("GET %s Cache-Control = %q, want a year", tt.path, cc)
			}
			if !strings.Contains(body, tt.contains) {
				t.Errorf("GET %s body lacks %q", tt.path, tt.contains)
			}
		})
	}
}

func TestQuarterlyPDF(t *testing.T) {
	pdftotext, err := exec.LookPath("pdftotext")
	if err != nil {
		t.Fatalf("pdftotext is required (apt-get install poppler-utils): %v", err)
	}
	env := newSeededEnv(t)
	resp, body := env.get(t, "/reports/quarterly/2026Q3.pdf")
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("GET PDF status = %d, want 200; body:\n%s", resp.StatusCode, body)
	}
	if ct := resp.Header.Get("Content-Type"); ct != "application/pdf" {
		t.Errorf("Content-Type = %q, want application/pdf", ct)
	}
	wantCD := `attachment; filename="saima-quarterly-2026Q3.pdf"; filename*=UTF-8''` +
		url.PathEscape("数字化改革赛马考评季度报告-2026Q3.pdf")
	if cd := resp.Header.Get("Content-Disposition"); cd != wantCD {
		t.Errorf("Content-Disposition = %q, want %q", cd, wantCD)
	}
	if !strings.HasPrefix(body, "%PDF-") {
		t.Fatalf("body starts %q, want %%PDF-", body[:min(len(body), 16)])
	}

	path := filepath.Join(t.TempDir(), "report.pdf")
	if err := os.WriteFile(path, []byte(body), 0o600); err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command(pdftotext, "-enc", "UTF-8", path, "-").Output()
	if err != nil {
		t.Fatalf("pdftotext: %v", err)
	}
	text := strings.Join(strings.Fields(string(out)), "")
	for _, w := range []string{"宁波市海曙区", "91.3", "市大数据局", "88.8", scriptName, imgName} {
		if !strings.Contains(text, strings.Join(strings.Fields(w), "")) {
			t.Errorf("PDF text lacks %q", w)
		}
	}
}

func TestContentDisposition(t *testing.T) {
	tests := []struct {
		name, ascii, want string
	}{
		{"报告.pdf", "report.pdf", `attachment; filename="report.pdf"; filename*=UTF-8''%E6%8A%A5%E5%91%8A.pdf`},
		{"a b;c,d\"e.pdf", "a.pdf", `attachment; filename="a.pdf"; filename*=UTF-8''a%20b%3Bc%2Cd%22e.pdf`},
	}
	for _, tt := range tests {
		if got := contentDisposition(tt.name, tt.ascii); got != tt.want {
			t.Errorf("contentDisposition(%q, %q) = %q, want %q", tt.name, tt.ascii, got, tt.want)
		}
	}
}

func TestServeShutdown(t *testing.T) {
	env := newTestEnv(t, nil)
	base := serve(t, env.server) // the cleanup checks that Serve returns nil

	resp, err := http.Get(base + "/healthz")
	if err != nil {
		t.Fatalf("GET /healthz over TCP: %v", err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Errorf("GET /healthz over TCP status = %d, want 200", resp.StatusCode)
	}
}

func TestListenStopsWithContext(t *testing.T) {
	env := newTestEnv(t, nil)
	ctx, cancel := context.WithCancel(t.Context())
	done := make(chan error, 1)
	go func() { done <- env.server.Listen(ctx) }()

	time.Sleep(100 * time.Millisecond)
	cancel()
	select {
	case err := <-done:
		if err != nil {
			t.Errorf("Listen after cancel = %v, want nil", err)
		}
	case <-time.After(15 * time.Second):
		t.Fatal("Listen did not return within 15s of its context ending")
	}
}

// A handler that panics gets a 500 and a log line with the panic, and the
// server goes on serving.
func TestRecoverPanic(t *testing.T) {
	env := newTestEnv(t, nil)
	app := fiber.New(fiber.Config{ErrorHandler: env.server.handleError})
	app.Use(env.server.recoverPanic)
	app.Get("/boom", func(*fiber.Ctx) error { panic("index out of range [-1]") })
	app.Get("/fine", func(c *fiber.Ctx) error { return c.SendString("ok") })

	resp, err := app.Test(httptest.NewRequest(http.MethodGet, "/boom", nil), -1)
	if err != nil {
		t.Fatalf("GET /boom: %v", err)
	}
	if resp.StatusCode != http.StatusInternalServerError {
		t.Errorf("GET /boom status = %d, want 500", resp.StatusCode)
	}
	if logs := env.logs.String(); !strings.Contains(logs, "handler panicked") || !strings.Contains(logs, "index out of range [-1]") {
		t.Errorf("logs = %q, want the panic logged", logs)
	}
	resp, err = app.Test(httptest.NewRequest(http.MethodGet, "/fine", nil), -1)
	if err != nil || resp.StatusCode != http.StatusOK {
		t.Errorf("GET /fine after the panic = %v, %v, want 200", resp, err)
	}
}

package web

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/base64"
	"fmt"
	"io"
	"log/slog"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/shopspring/decimal"
	"golang.org/x/crypto/bcrypt"

	"saima"
	"saima/clickhouse"
	"saima/clickhouse/chtest"
	"saima/ingest"
	"saima/reports"
)

func TestMain(m *testing.M) { chtest.Main(m) }

// Names that try to break out of HTML, of a script element and of
// go-echarts' function markers. Every page must show them as text.
const (
	scriptName = "</script><script>alert(1)</script>"
	imgName    = "<img src=x onerror=alert(1)>"
	funcName   = "__f__function(){alert(1)}__f__"
)

var injectionNames = []string{scriptName, imgName, funcName}

// testNow is the clock of every test server: a day in the fourth quarter
// of 2026, after the seeded 2026Q3 data.
var testNow = time.Date(2026, 10, 20, 10, 0, 0, 0, saima.Beijing)

// logBuffer collects log records as text, safely across goroutines.
type logBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *logBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *logBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// testEnv is a server over a fresh database in the embedded engine, with
// the accounts of testAccounts.
type testEnv struct {
	server *Server
	store  *clickhouse.Store
	logs   *logBuffer
	clock  *testClock

	mu      sync.Mutex
	clients map[string]*client // signed-in clients by account name
}

// testClock is the server's clock: testNow until a test advances it.
type testClock struct {
	mu  sync.Mutex
	now time.Time
}

// Now returns the clock's time in UTC, as time.Now does on a server
// whose zone is UTC, so that a page or file showing it unconverted
// differs from the Beijing time it must show.
func (c *testClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now.UTC()
}

func (c *testClock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
}

var (
	fontsOnce sync.Once
	fonts     *reports.Fonts
	fontsErr  error
)

func loadTestFonts(tb testing.TB) *reports.Fonts {
	tb.Helper()
	fontsOnce.Do(func() {
		const dir = "node_modules/@expo-google-fonts/noto-sans-sc/"
		var regular, bold string
		if regular, fontsErr = chtest.FindRepoFile(dir + "400Regular/NotoSansSC_400Regular.ttf"); fontsErr != nil {
			return
		}
		if bold, fontsErr = chtest.FindRepoFile(dir + "700Bold/NotoSansSC_700Bold.ttf"); fontsErr != nil {
			return
		}
		fonts, fontsErr = reports.LoadFonts(regular, bold)
	})
	if fontsErr != nil {
		tb.Fatalf("load fonts: %v (run `npm ci` in the repository root)", fontsErr)
	}
	return fonts
}

func testConfig(tb testing.TB) Config {
	tb.Helper()
	echarts, err := chtest.FindRepoFile("node_modules/echarts/dist/echarts.min.js")
	if err != nil {
		tb.Fatalf("find echarts: %v (run `npm ci` in the repository root)", err)
	}
	cfg := DefaultConfig()
	cfg.Addr = "127.0.0.1:0"
	cfg.EChartsPath = echarts
	cfg.SessionSecret = testSecret
	return cfg
}

// testSecret is the session secret of every test server, so that two
// servers over one store accept each other's sessions.
var testSecret = []byte("saima web test session secret, 32+ bytes")

// newTestEnv starts a server over an empty database. Change cfg with
// configure, which may be nil.
func newTestEnv(tb testing.TB, configure func(*Config)) *testEnv {
	tb.Helper()
	return newTestEnvOver(tb, chtest.Store(tb), configure)
}

// newTestEnvOver starts a server over store.
func newTestEnvOver(tb testing.TB, store *clickhouse.Store, configure func(*Config)) *testEnv {
	tb.Helper()
	logs := &logBuffer{}
	log := slog.New(slog.NewTextHandler(logs, &slog.HandlerOptions{Level: slog.LevelInfo}))

	cfg := testConfig(tb)
	if configure != nil {
		configure(&cfg)
	}
	saveTestAccounts(tb, store)
	clock := &testClock{now: testNow}
	store = store.WithClock(clock.Now)
	seq := 0
	importer := &ingest.Service{
		Store: ingest.Adapt(store),
		Log:   log,
		Now:   func() time.Time { return testNow },
		NewID: func() string { seq++; return fmt.Sprintf("web-upload-%d", seq) },
	}
	s, err := New(cfg, Deps{
		Store:        store,
		Accounts:     store,
		Importer:     importer,
		Fonts:        loadTestFonts(tb),
		Log:          log,
		Now:          clock.Now,
		SourceAt:     func(version uint64) reports.Source { return store.AsOf(version) },
		LedgerBefore: func(t time.Time) LedgerReader { return store.ReportedBefore(t) },
	})
	if err != nil {
		tb.Fatalf("New: %v", err)
	}
	return &testEnv{server: s, store: store, logs: logs, clock: clock, clients: map[string]*client{}}
}

// newSeededEnv starts a server over a database that contains the seed data.
func newSeededEnv(tb testing.TB) *testEnv {
	tb.Helper()
	env := newTestEnv(tb, nil)
	seed(tb, env.store)
	return env
}

// Seed units. The injection names are real units with scores and projects,
// so they reach every page, chart and API.
var seedUnits = []saima.Unit{
	{Name: "宁波市海曙区", Aliases: []string{"海曙区", "海曙"}, Kind: saima.KindDistrict, Track: saima.KindDistrict},
	{Name: "宁波市江北区", Kind: saima.KindDistrict, Track: saima.KindDistrict},
	{Name: scriptName, Kind: saima.KindDistrict, Track: saima.KindDistrict},
	{Name: "市大数据局", Kind: saima.KindDepartment, Track: saima.KindDepartment},
	{Name: imgName, Kind: saima.KindDepartment, Track: saima.KindDepartment},
	{Name: funcName, Kind: saima.KindDepartment, Track: saima.KindDepartment},
}

var seedAt = time.Date(2026, 10, 15, 9, 30, 0, 0, saima.Beijing)

// seed writes units, projects, stages, milestones, progress and two
// quarters of scores through the store, as an import and a scoring run
// would.
func seed(tb testing.TB, s *clickhouse.Store) {
	tb.Helper()
	ctx := context.Background()
	for i, b := range seedBatches() {
		b.Upload.ID = fmt.Sprintf("seed-%d", i)
		b.Upload.Uploader = "office"
		b.Upload.At = seedAt.Add(time.Duration(i) * time.Minute)
		b.Upload.FileName = b.Upload.Dataset + ".csv"
		if err := s.WriteBatch(ctx, b); err != nil {
			tb.Fatalf("write %s: %v", b.Upload.Dataset, err)
		}
	}
	for _, run := range seedScores() {
		if err := s.SaveScores(ctx, run, nil); err != nil {
			tb.Fatalf("save scores: %v", err)
		}
	}
}

func seedBatches() []*saima.Batch {
	day := func(s string) saima.Date {
		d, err := saima.ParseDate(s)
		if err != nil {
			panic(err)
		}
		return d
	}
	ptr := func(d saima.Date) *saima.Date { return &d }
	pct := func(s string) decimal.NullDecimal {
		return decimal.NullDecimal{Decimal: decimal.RequireFromString(s), Valid: true}
	}
	q3 := saima.Quarter(2026, 3)

	projects := []saima.Project{
		{Code: "NB-2026-001", Name: "城市大脑驾驶舱", Unit: "宁波市海曙区", System: "整体智治", Batch: "继续推进", Scope: "全市性", Type: "迭代升级",
			Partners: []string{"宁波市江北区", "市大数据局"}},
		{Code: "NB-2026-002", Name: "一件事集成办", Unit: "市大数据局", System: "数字政府", Batch: "启动实施", Scope: "全市性", Type: "增量开发"},
		{Code: "NB-2026-003", Name: scriptName + "项目", Unit: scriptName, System: "数字社会", Batch: "谋划设计", Scope: "区县试点", Type: "增量开发"},
		{Code: "NB-2026-004", Name: imgName, Unit: imgName, System: "数字经济", Batch: "启动实施", Scope: "区县试点", Type: "增量开发"},
	}
	return []*saima.Batch{
		{Upload: saima.Upload{Dataset: saima.DatasetUnits}, Units: seedUnits},
		{Upload: saima.Upload{Dataset: saima.DatasetProjects}, Projects: projects},
		{Upload: saima.Upload{Dataset: saima.DatasetStages}, Stages: []saima.StageEvent{
			{ProjectCode: "NB-2026-001", Stage: "决策", Date: day("2026-03-01")},
			{ProjectCode: "NB-2026-001", Stage: "实施", Date: day("2026-05-10")},
			{ProjectCode: "NB-2026-002", Stage: "论证", Date: day("2026-06-01")},
			{ProjectCode: "NB-2026-003", Stage: "预报", Date: day("2026-07-01")},
		}},
		{Upload: saima.Upload{Dataset: saima.DatasetMilestones}, Milestones: []saima.Milestone{
			{ProjectCode: "NB-2026-001", Name: "完成数据归集", Planned: day("2026-06-30"), Actual: ptr(day("2026-06-20")), Status: "已完成"},
			{ProjectCode: "NB-2026-001", Name: "驾驶舱上线", Planned: day("2026-09-30"), Status: "进行中"},
			{ProjectCode: "NB-2026-002", Name: "方案评审", Planned: day("2026-12-31"), Status: "未开始"},
			{ProjectCode: "NB-2026-004", Name: imgName, Planned: day("2026-08-31"), Status: "进行中"},
		}},
		{Upload: saima.Upload{Dataset: saima.DatasetProgress}, Progress: []saima.ProgressReport{
			{Unit: "宁波市海曙区", ProjectCode: "NB-2026-001", ProjectName: "城市大脑驾驶舱", Period: q3, Percent: pct("85.5"), ReportDate: ptr(day("2026-09-30")), Progress: "完成三维建模，接入 ClickHouse 数据 86.7%", Problems: "无"},
			{Unit: "市大数据局", ProjectCode: "NB-2026-002", ProjectName: "一件事集成办", Period: q3, Percent: pct("40"), ReportDate: ptr(day("2026-09-28")), Progress: "需求调研", Problems: scriptName},
			{Unit: imgName, ProjectCode: "NB-2026-004", ProjectName: imgName, Period: q3, Percent: pct("10"), ReportDate: ptr(day("2026-09-29")), Progress: imgName, Problems: funcName},
		}},
	}
}

// seedScores returns two scoring runs, 2026Q2 and 2026Q3, over both
// tracks, ranked as the scoring package would.
func seedScores() [][]saima.Score {
	type entry struct {
		unit, track       string
		q2, q3            float64
		q2Rank, q3Rank    int
		speed, assessment float64
	}
	entries := []entry{
		{"宁波市海曙区", saima.KindDistrict, 80.2, 91.25, 2, 1, 95, 87.5},
		{"宁波市江北区", saima.KindDistrict, 85.1, 84.45, 1, 2, 80, 88.9},
		{scriptName, saima.KindDistrict, 70, 66.6, 3, 3, 60, 73.2},
		{"市大数据局", saima.KindDepartment, 77.7, 88.8, 2, 1, 90, 87.6},
		{imgName, saima.KindDepartment, 90, 72.1, 1, 2, 70, 74.2},
		{funcName, saima.KindDepartment, 0, 60.05, 0, 3, 55, 65.1},
	}

	var q2, q3 []saima.Score
	for _, e := range entries {
		contributions := func(speed, assessment float64, missing bool) []saima.Contribution {
			return []saima.Contribution{
				{Indicator: "progress_speed", Name: "项目推进速度", Raw: speed, Score: speed, Weight: 0.6, Points: speed * 0.6},
				{Indicator: "assessment", Name: "考评得分", Raw: assessment, Missing: missing, Score: assessment, Weight: 0.4, Points: assessment * 0.4},
			}
		}
		if e.q2Rank > 0 {
			q2 = append(q2, saima.Score{
				Period: saima.Quarter(2026, 2), Track: e.track, RuleSet: "默认规则", RuleSetVersion: "v1",
				RunID: "run-q2", ComputedAt: seedAt, Unit: e.unit, Value: e.q2, Rank: e.q2Rank,
				Contributions: contributions(e.speed-5, e.assessment-5, false),
			})
		}
		q3 = append(q3, saima.Score{
			Period: saima.Quarter(2026, 3), Track: e.track, RuleSet: "默认规则", RuleSetVersion: "v1",
			RunID: "run-q3", ComputedAt: seedAt.Add(time.Hour), Unit: e.unit, Value: e.q3, Rank: e.q3Rank,
			PrevRank: e.q2Rank, Contributions: contributions(e.speed, e.assessment, e.unit == funcName),
		})
	}
	return [][]saima.Score{q2, q3}
}

// get sends a GET request for target as the office through app.Test and
// returns the response and its body.
func (env *testEnv) get(tb testing.TB, target string) (*http.Response, string) {
	tb.Helper()
	return env.as(tb, "office").get(tb, target)
}

// do sends req as the office, with the session's CSRF token.
func (env *testEnv) do(tb testing.TB, req *http.Request) (*http.Response, string) {
	tb.Helper()
	return env.as(tb, "office").do(tb, req)
}

// send sends req as it is, through app.Test, and returns the response and
// its body.
func (env *testEnv) send(tb testing.TB, req *http.Request) (*http.Response, string) {
	tb.Helper()
	resp, err := env.server.App().Test(req, -1)
	if err != nil {
		tb.Fatalf("%s %s: %v", req.Method, req.URL, err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		tb.Fatalf("%s %s: read body: %v", req.Method, req.URL, err)
	}
	return resp, string(body)
}

// multipartRequest builds a POST of a file in the field "file" plus the
// given form fields.
func multipartRequest(tb testing.TB, target, fileName string, content []byte, fields map[string]string) *http.Request {
	tb.Helper()
	var body bytes.Buffer
	w := multipart.NewWriter(&body)
	for k, v := range fields {
		if err := w.WriteField(k, v); err != nil {
			tb.Fatal(err)
		}
	}
	if fileName != "" {
		part, err := w.CreateFormFile("file", fileName)
		if err != nil {
			tb.Fatal(err)
		}
		if _, err := part.Write(content); err != nil {
			tb.Fatal(err)
		}
	}
	if err := w.Close(); err != nil {
		tb.Fatal(err)
	}
	req := httptest.NewRequest(http.MethodPost, target, &body)
	req.Header.Set("Content-Type", w.FormDataContentType())
	return req
}

// assertNoRawInjection fails when body contains an injection name unescaped.
// The function marker may appear only as a whole string, so that no
// renderer turned it into code.
func assertNoRawInjection(tb testing.TB, where, body string) {
	tb.Helper()
	for _, raw := range []string{scriptName, imgName, "<script>alert", "<img src"} {
		if strings.Contains(body, raw) {
			tb.Errorf("%s: body contains unescaped %q", where, raw)
		}
	}
	if bare, marked := strings.Count(body, "function(){alert(1)}"), strings.Count(body, funcName); bare != marked {
		tb.Errorf("%s: body has %d function texts but only %d inside %q markers", where, bare, marked, funcName)
	}
}

// testAccount is an account that every test store has, with its password.
type testAccount struct {
	saima.Account
	password string
}

// testToken is haishu's API token. It is fixed, so that two servers over
// one store both know it.
var testToken = base64.RawURLEncoding.EncodeToString(func() []byte {
	sum := sha256.Sum256([]byte("haishu test token"))
	return sum[:]
}())

var testAccounts = map[string]testAccount{
	"office": {saima.Account{Name: "office", Role: saima.RoleOffice, DisplayName: "市改革办"}, "office-test-pw"},
	"leader": {saima.Account{Name: "leader", Role: saima.RoleLeader}, "leader-test-pw"},
	"haishu": {saima.Account{Name: "haishu", Role: saima.RoleUnit, Unit: "宁波市海曙区", TokenHash: HashToken(testToken)}, "haishu-test-pw"},
}

var (
	hashesOnce sync.Once
	hashes     map[string]string // bcrypt hash of each test account's password
)

// saveTestAccounts writes testAccounts to store unless it has them. The
// hashes use bcrypt's lowest cost to keep tests fast; checking a password
// reads the cost from the hash.
func saveTestAccounts(tb testing.TB, store *clickhouse.Store) {
	tb.Helper()
	hashesOnce.Do(func() {
		hashes = map[string]string{}
		for name, a := range testAccounts {
			h, err := bcrypt.GenerateFromPassword([]byte(a.password), bcrypt.MinCost)
			if err != nil {
				panic(err)
			}
			hashes[name] = string(h)
		}
	})
	ctx := context.Background()
	for name, a := range testAccounts {
		if _, found, err := store.GetAccount(ctx, name); err != nil || found {
			if err != nil {
				tb.Fatalf("get account %s: %v", name, err)
			}
			continue
		}
		acct := a.Account
		acct.PasswordHash, acct.ChangedAt, acct.ChangedBy = hashes[name], testNow, "test"
		if err := store.SaveAccount(ctx, acct); err != nil {
			tb.Fatalf("save account %s: %v", name, err)
		}
	}
}

// client sends requests as one signed-in account, by session cookie or
// API token, or as no one when both are empty.
type client struct {
	env     *testEnv
	session string // value of the session cookie
	csrf    string // the session's CSRF token, sent with every POST
	token   string // API token, sent as a bearer token
}

// as returns a client signed in through the login form as the test
// account name, signing in on first use.
func (env *testEnv) as(tb testing.TB, name string) *client {
	tb.Helper()
	env.mu.Lock()
	cl, ok := env.clients[name]
	env.mu.Unlock()
	if ok {
		return cl
	}
	a, ok := testAccounts[name]
	if !ok {
		tb.Fatalf("no test account %q", name)
	}
	cl = env.signIn(tb, name, a.password)
	env.mu.Lock()
	env.clients[name] = cl
	env.mu.Unlock()
	return cl
}

// anonymous returns a client that sends no credentials.
func (env *testEnv) anonymous() *client { return &client{env: env} }

// withToken returns a client that sends haishu's API token.
func (env *testEnv) withToken() *client { return &client{env: env, token: testToken} }

// signIn signs in through GET and POST /login and reads the session's
// CSRF token from the logout form of the home page.
func (env *testEnv) signIn(tb testing.TB, name, password string) *client {
	tb.Helper()
	resp := env.postLogin(tb, name, password, "/")
	if resp.StatusCode != http.StatusSeeOther {
		tb.Fatalf("sign in as %s: status %d, want 303", name, resp.StatusCode)
	}
	cl := &client{env: env, session: cookieValue(resp, sessionCookie)}
	if cl.session == "" {
		tb.Fatalf("sign in as %s: no %s cookie", name, sessionCookie)
	}
	_, body := cl.get(tb, "/")
	cl.csrf = csrfTokenIn(tb, body)
	return cl
}

// loginForm opens the login page and returns its nonce cookie and CSRF
// token.
func (env *testEnv) loginForm(tb testing.TB) (nonce, token string) {
	tb.Helper()
	resp, body := env.send(tb, httptest.NewRequest(http.MethodGet, "/login", nil))
	if resp.StatusCode != http.StatusOK {
		tb.Fatalf("GET /login status = %d, want 200", resp.StatusCode)
	}
	return cookieValue(resp, loginCookie), csrfTokenIn(tb, body)
}

// postLogin sends the login form with a fresh nonce and token.
func (env *testEnv) postLogin(tb testing.TB, name, password, next string) *http.Response {
	tb.Helper()
	nonce, token := env.loginForm(tb)
	resp, _ := env.send(tb, loginRequest(nonce, token, name, password, next))
	return resp
}

// loginRequest builds POST /login as the form sends it.
func loginRequest(nonce, token, name, password, next string) *http.Request {
	form := url.Values{"csrf_token": {token}, "name": {name}, "password": {password}, "next": {next}}
	req := httptest.NewRequest(http.MethodPost, "/login", strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	if nonce != "" {
		req.AddCookie(&http.Cookie{Name: loginCookie, Value: nonce})
	}
	return req
}

var csrfInputRE = regexp.MustCompile(`name="csrf_token" value="([^"]*)"`)

// csrfTokenIn returns the CSRF token of the first form in body.
func csrfTokenIn(tb testing.TB, body string) string {
	tb.Helper()
	m := csrfInputRE.FindStringSubmatch(body)
	if m == nil || m[1] == "" {
		tb.Fatalf("page has no CSRF token:\n%s", body)
	}
	return m[1]
}

// cookieValue returns the value of the cookie name that resp sets, or "".
func cookieValue(resp *http.Response, name string) string {
	for _, c := range resp.Cookies() {
		if c.Name == name {
			return c.Value
		}
	}
	return ""
}

func (cl *client) get(tb testing.TB, target string) (*http.Response, string) {
	tb.Helper()
	return cl.do(tb, httptest.NewRequest(http.MethodGet, target, nil))
}

// do sends req with the client's credentials and, on a POST without one,
// its CSRF token in the X-CSRF-Token header.
func (cl *client) do(tb testing.TB, req *http.Request) (*http.Response, string) {
	tb.Helper()
	if cl.session != "" {
		req.AddCookie(&http.Cookie{Name: sessionCookie, Value: cl.session})
	}
	if cl.token != "" {
		req.Header.Set("Authorization", "Bearer "+cl.token)
	}
	if req.Method == http.MethodPost && cl.csrf != "" && req.Header.Get(csrfHeader) == "" {
		req.Header.Set(csrfHeader, cl.csrf)
	}
	return cl.env.send(tb, req)
}

package clickhouse_test

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"reflect"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"saima"
	"saima/clickhouse"
	"saima/clickhouse/chtest"
	"saima/ingest"
	"saima/ingest/demo"
	"saima/reports"
	"saima/scoring"
	"saima/web"
)

// cutEngine is a server engine that stops its server right after its
// write statement (Insert or Exec) number cutAfter, counted from 1 since
// the last arm, so that a test can stop the server between two statements
// of an upload.
type cutEngine struct {
	clickhouse.Engine
	srv    *chtest.Server
	tb     testing.TB
	writes atomic.Int64 // write statements left until the cut; 0 when disarmed
}

// arm makes the n-th write statement from now the last one before the cut.
func (c *cutEngine) arm(n int) { c.writes.Store(int64(n)) }

func (c *cutEngine) Insert(ctx context.Context, table string, columns []string, rows [][]any) error {
	err := c.Engine.Insert(ctx, table, columns, rows)
	c.wrote()
	return err
}

func (c *cutEngine) Exec(ctx context.Context, query string, args ...any) error {
	err := c.Engine.Exec(ctx, query, args...)
	c.wrote()
	return err
}

func (c *cutEngine) wrote() {
	if c.writes.Load() > 0 && c.writes.Add(-1) == 0 {
		if err := c.srv.Stop(); err != nil {
			c.tb.Errorf("stop server: %v", err)
		}
	}
}

// TestUploadCutByServerStop stops the server between two statements of an
// upload that corrects milestones: the upload fails as unavailable, nothing
// of it is visible once the server is back, and sending it again lands it
// exactly once. The reference is the embedded engine given the same
// uploads without the failure.
func TestUploadCutByServerStop(t *testing.T) {
	first, later := saima.NewDate(2026, time.August, 20), saima.NewDate(2026, time.November, 20)
	files := demoFiles(t, 7, first)
	var baseline []demo.File
	for _, dataset := range []string{saima.DatasetUnits, saima.DatasetProjects, saima.DatasetMilestones} {
		baseline = append(baseline, demoFile(t, files, dataset))
	}
	corrected := demoFile(t, demoFiles(t, 7, later), saima.DatasetMilestones)
	quarters := quartersTo(later)

	ref := chtest.Store(t)
	for _, f := range baseline {
		mustImport(t, ref, f)
	}
	before := snapshot(t, ref, quarters)
	mustImport(t, ref, corrected)
	after := snapshot(t, ref, quarters)

	tests := []struct {
		name     string
		cutAfter int // write statements of the upload that complete
	}{
		{"AfterStarted", 1},     // the upload's started record
		{"AfterRecords", 2},     // the milestones INSERT
		{"AfterSuperseding", 3}, // INSERT … SELECT of the versions it replaces and of its own that newer uploads replace
		{"AfterTally", 4},       // INSERT … SELECT of its rows into the milestone tally
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := chtest.StartPrivateServer(t)
			db := srv.NewDatabase(t)
			cut := &cutEngine{Engine: srv.Open(t, db), srv: srv, tb: t}
			st, err := clickhouse.NewStore(t.Context(), cut, db, discardLog())
			if err != nil {
				t.Fatalf("open store: %v", err)
			}
			for _, f := range baseline {
				mustImport(t, st, f)
			}

			cut.arm(tt.cutAfter)
			rep, err := importDemo(t.Context(), st, corrected)
			checkUnavailable(t, "import during the stop", err)
			if rep == nil {
				t.Fatalf("import during the stop returned no report")
			}
			msg := saima.ErrorMessage(err)
			for _, want := range []string{filepath.Base(corrected.Path), rep.Upload.ID, "均未导入", "重新上传"} {
				if !strings.Contains(msg, want) {
					t.Errorf("message = %q, want it to contain %q", msg, want)
				}
			}
			if err := srv.Restart(); err != nil {
				t.Fatal(err)
			}
			compareSnapshots(t, "after the failed upload", snapshot(t, st, quarters), before)
			checkRowsLeft(t, srv, db, rep.Upload.ID, tt.cutAfter)
			checkFailedRecorded(t, st, rep.Upload, filepath.Base(corrected.Path))

			mustImport(t, st, corrected)
			got := snapshot(t, st, quarters)
			compareSnapshots(t, "after the retry", got, after)
			checkNoDuplicates(t, got.milestones)
			checkOneOKUpload(t, st, rep.Upload.SHA256)
		})
	}
}

// snapshotClock is the time at which every snapshot reads the ledger.
var snapshotClock = time.Now()

// ledgerSnapshot is what the tests compare between stores: every current
// milestone and each quarter's facts.
type ledgerSnapshot struct {
	milestones []saima.Milestone
	facts      map[saima.Period][]scoring.UnitFacts
}

func snapshot(tb testing.TB, st *clickhouse.Store, quarters []saima.Period) ledgerSnapshot {
	tb.Helper()
	// The running quarter's facts depend on the day. A fixed clock keeps
	// the snapshots of one test comparable across Beijing's midnight.
	st = st.WithClock(func() time.Time { return snapshotClock })
	ms, err := st.ListMilestones(tb.Context())
	if err != nil {
		tb.Fatalf("ListMilestones on %s: %v", st.EngineName(), err)
	}
	snap := ledgerSnapshot{milestones: ms, facts: map[saima.Period][]scoring.UnitFacts{}}
	for _, q := range quarters {
		snap.facts[q] = facts(tb, st, q)
	}
	return snap
}

func compareSnapshots(t *testing.T, when string, got, want ledgerSnapshot) {
	t.Helper()
	if len(want.milestones) == 0 {
		t.Fatalf("%s: the reference has no milestones: nothing to compare", when)
	}
	if !reflect.DeepEqual(got.milestones, want.milestones) {
		t.Errorf("%s: ListMilestones has %d milestones, want %d equal to the reference", when,
			len(got.milestones), len(want.milestones))
		for i := range min(len(got.milestones), len(want.milestones)) {
			if !reflect.DeepEqual(got.milestones[i], want.milestones[i]) {
				t.Errorf("first difference at %d: %+v, want %+v", i, got.milestones[i], want.milestones[i])
				break
			}
		}
	}
	for q, w := range want.facts {
		g := got.facts[q]
		if reflect.DeepEqual(g, w) {
			continue
		}
		t.Errorf("%s: Facts(%s) has %d units, want %d equal to the reference", when, q, len(g), len(w))
		for i := range min(len(g), len(w)) {
			if !reflect.DeepEqual(g[i], w[i]) {
				t.Errorf("first difference at %d: %+v, want %+v", i, g[i], w[i])
				break
			}
		}
	}
}

// checkUnavailable wants err to be the Chinese unavailable error that users
// see when the server is down.
func checkUnavailable(t *testing.T, call string, err error) {
	t.Helper()
	if err == nil {
		t.Fatalf("%s succeeded, want an error", call)
	}
	if k := saima.ErrorKind(err); k != saima.KindUnavailable {
		t.Errorf("%s: error kind = %v, want unavailable (%v)", call, k, err)
	}
	if msg := saima.ErrorMessage(err); !strings.Contains(msg, "无法连接") {
		t.Errorf("%s: message = %q, want one saying the database cannot be reached", call, msg)
	}
}

// checkRowsLeft wants the rows that the cut upload wrote before the stop
// to be in the tables, invisible: otherwise the test proved nothing.
func checkRowsLeft(t *testing.T, srv *chtest.Server, db, uploadID string, cutAfter int) {
	t.Helper()
	count := func(table string) string {
		column := "upload_id"
		if table == "uploads" {
			column = "id"
		}
		out, err := srv.HTTPQuery(t.Context(), "SELECT count() FROM "+db+"."+table+" WHERE "+column+" = '"+uploadID+"'")
		if err != nil {
			t.Fatalf("count rows of %s in %s: %v", uploadID, table, err)
		}
		return strings.TrimSpace(out)
	}
	if n := count("uploads"); n == "0" {
		t.Errorf("the cut upload left no uploads row, want its started record")
	}
	if n := count("milestones"); cutAfter >= 2 && n == "0" {
		t.Errorf("the cut upload left no milestones rows, want the rows of its INSERT")
	}
	if n := count("milestones_superseded"); cutAfter >= 3 && n == "0" {
		t.Errorf("the cut upload left no superseded entries, want those of its first INSERT … SELECT")
	}
}

// checkFailedRecorded wants the upload cut by the stop to be recorded as
// failed, with its file name, once the store recovers the uploads it
// could not record while the server was down.
func checkFailedRecorded(t *testing.T, st *clickhouse.Store, up saima.Upload, file string) {
	t.Helper()
	if _, err := st.RecoverUploads(t.Context()); err != nil {
		t.Fatalf("RecoverUploads after the restart: %v", err)
	}
	got, ok := findUpload(t, st, up.ID)
	if !ok {
		t.Fatalf("the cut upload %s is not in the audit log after the restart", up.ID)
	}
	if got.Outcome != saima.OutcomeFailed || got.FileName != file || got.Imported != 0 {
		t.Errorf("cut upload = outcome %q, file %q, imported %d; want %q, %q, 0",
			got.Outcome, got.FileName, got.Imported, saima.OutcomeFailed, file)
	}
}

func checkNoDuplicates(t *testing.T, ms []saima.Milestone) {
	t.Helper()
	seen := map[[2]string]bool{}
	for _, m := range ms {
		key := [2]string{m.ProjectCode, m.Name}
		if seen[key] {
			t.Errorf("milestone %s %s is listed twice", m.ProjectCode, m.Name)
		}
		seen[key] = true
	}
}

func checkOneOKUpload(t *testing.T, st *clickhouse.Store, sha string) {
	t.Helper()
	ups, err := st.ListUploads(t.Context(), saima.UploadFilter{Limit: 1000})
	if err != nil {
		t.Fatal(err)
	}
	var ok []string
	for _, u := range ups {
		if u.SHA256 == sha && u.Outcome == saima.OutcomeOK {
			ok = append(ok, u.ID)
		}
	}
	if len(ok) != 1 {
		t.Errorf("uploads of the corrected file with outcome ok = %q, want exactly one", ok)
	}
}

// TestServeWhileServerStops serves the web app over a server store, stops
// the server and starts it again: health check and API reply 503 with a
// Chinese message meanwhile and 200 again afterwards, with no restart of
// the app.
func TestServeWhileServerStops(t *testing.T) {
	srv := chtest.StartPrivateServer(t)
	db := srv.NewDatabase(t)
	st := openServerStore(t, srv, db)
	app := newWebApp(t, st)
	token := saveUnitToken(t, st)

	app.wantUp(t, token)
	if err := srv.Stop(); err != nil {
		t.Fatal(err)
	}
	app.wantDown(t, token)
	if err := srv.Restart(); err != nil {
		t.Fatal(err)
	}
	app.waitUp(t)
	app.wantUp(t, token)
}

// TestServeStartsWithServerDown opens the store while the server is down,
// as saima serve does at boot: opening succeeds, the app replies 503, and
// once the server is up the store applies its schema and the app replies
// 200.
func TestServeStartsWithServerDown(t *testing.T) {
	srv := chtest.StartPrivateServer(t)
	db := srv.NewDatabase(t)
	if err := srv.Stop(); err != nil {
		t.Fatal(err)
	}
	st := openServerStore(t, srv, db)
	app := newWebApp(t, st)

	app.wantDown(t, "")
	if err := srv.Restart(); err != nil {
		t.Fatal(err)
	}
	app.waitUp(t)
	token := saveUnitToken(t, st)
	app.wantUp(t, token)

	out, err := srv.HTTPQuery(t.Context(), "EXISTS TABLE "+db+".milestones")
	if err != nil || strings.TrimSpace(out) != "1" {
		t.Errorf("EXISTS TABLE milestones after recovery = %q, %v; want 1: the schema was not applied", out, err)
	}
}

func openServerStore(tb testing.TB, srv *chtest.Server, db string) *clickhouse.Store {
	tb.Helper()
	st, err := clickhouse.OpenServerStore(tb.Context(), srv.Config(db), clickhouse.StoreOptions{}, discardLog())
	if err != nil {
		tb.Fatalf("OpenServerStore: %v", err)
	}
	tb.Cleanup(func() { st.Close() })
	return st
}

// saveUnitToken creates a unit account and returns its API token.
func saveUnitToken(tb testing.TB, st *clickhouse.Store) string {
	tb.Helper()
	token, hash := web.NewToken()
	acct := saima.Account{Name: "haishu", Role: saima.RoleUnit, Unit: "宁波市海曙区", TokenHash: hash}
	if err := st.SaveAccount(tb.Context(), acct); err != nil {
		tb.Fatalf("save account: %v", err)
	}
	return token
}

// webApp is the web server over a store, called through Fiber's Test.
type webApp struct {
	srv *web.Server
}

func newWebApp(tb testing.TB, st *clickhouse.Store) *webApp {
	tb.Helper()
	echarts, err := chtest.FindRepoFile("node_modules/echarts/dist/echarts.min.js")
	if err != nil {
		tb.Fatalf("%v (run `npm ci` in the repository root)", err)
	}
	const fonts = "node_modules/@expo-google-fonts/noto-sans-sc/"
	regular, err := chtest.FindRepoFile(fonts + "400Regular/NotoSansSC_400Regular.ttf")
	if err != nil {
		tb.Fatal(err)
	}
	bold, err := chtest.FindRepoFile(fonts + "700Bold/NotoSansSC_700Bold.ttf")
	if err != nil {
		tb.Fatal(err)
	}
	f, err := reports.LoadFonts(regular, bold)
	if err != nil {
		tb.Fatal(err)
	}

	cfg := web.DefaultConfig()
	cfg.EChartsPath = echarts
	cfg.SessionSecret = []byte(strings.Repeat("s", 32))
	importer := &ingest.Service{Store: ingest.Adapt(st), Log: discardLog(), Now: time.Now, NewID: func() string { return "u-web" }}
	srv, err := web.New(cfg, web.Deps{Store: st, Accounts: st, Importer: importer, Fonts: f, Log: discardLog()})
	if err != nil {
		tb.Fatalf("web.New: %v", err)
	}
	return &webApp{srv: srv}
}

// get requests path with the API token, if any, and returns the status and
// body.
func (a *webApp) get(tb testing.TB, path, token string) (int, string) {
	tb.Helper()
	req := httptest.NewRequest(http.MethodGet, path, nil)
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	resp, err := a.srv.App().Test(req, -1)
	if err != nil {
		tb.Fatalf("GET %s: %v", path, err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		tb.Fatalf("GET %s: read body: %v", path, err)
	}
	return resp.StatusCode, string(body)
}

type healthReply struct {
	Status  string `json:"status"`
	Engine  string `json:"engine"`
	Message string `json:"message"`
}

func (a *webApp) health(tb testing.TB) (int, healthReply) {
	tb.Helper()
	code, body := a.get(tb, "/healthz", "")
	var h healthReply
	if err := json.Unmarshal([]byte(body), &h); err != nil {
		tb.Fatalf("GET /healthz = %d %q: %v", code, body, err)
	}
	return code, h
}

func (a *webApp) wantUp(t *testing.T, token string) {
	t.Helper()
	if code, h := a.health(t); code != http.StatusOK || h.Status != "ok" || h.Engine != "server" {
		t.Errorf("GET /healthz with the server up = %d %+v, want 200 ok on engine server", code, h)
	}
	if code, body := a.get(t, "/api/scores", token); code != http.StatusOK {
		t.Errorf("GET /api/scores with the server up = %d %s, want 200", code, body)
	}
}

func (a *webApp) wantDown(t *testing.T, token string) {
	t.Helper()
	code, h := a.health(t)
	if code != http.StatusServiceUnavailable || h.Status != "unavailable" || h.Engine != "server" {
		t.Errorf("GET /healthz with the server down = %d %+v, want 503 unavailable on engine server", code, h)
	}
	if !strings.Contains(h.Message, "ClickHouse") || !strings.Contains(h.Message, "无法连接") {
		t.Errorf("GET /healthz message = %q, want one naming ClickHouse as unreachable", h.Message)
	}
	if token == "" {
		token, _ = web.NewToken()
	}
	code, body := a.get(t, "/api/scores", token)
	if code != http.StatusServiceUnavailable || !strings.Contains(body, "无法连接") {
		t.Errorf("GET /api/scores with the server down = %d %s, want 503 with a Chinese message", code, body)
	}
}

// waitUp polls the health check until it replies 200, for at most 10 s:
// the pool reconnects at the next request, and a lazy store retries at
// most once a second.
func (a *webApp) waitUp(t *testing.T) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for {
		code, h := a.health(t)
		if code == http.StatusOK {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("GET /healthz after the restart = %d %+v for 10 s, want 200", code, h)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

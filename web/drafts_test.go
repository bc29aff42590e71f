package web

import (
	"context"
	"encoding/json"
	"log/slog"
	"net/http"
	"strings"
	"testing"
	"time"

	"saima"
	"saima/clickhouse"
	"saima/clickhouse/chtest"
	"saima/scoring"
)

// haishuAssessment lowers 宁波市海曙区's 2026Q2 assessment from 90 to 40.
// On 2026-06-20 its late milestone (planned 2026-06-30) is not yet due, so
// a draft of that day scores it 60 + 0.4×90 = 96 before the upload and
// 60 + 0.4×40 = 76 after it.
const haishuAssessment = "被考评单位,指标,得分,考评方式,考评期间\n宁波市海曙区,应用成效,40,线上日常,2026Q2\n"

// newDraftEnv returns a server over the evaluation ledger on 2026-06-20,
// while 2026Q2 runs, with a draft stored by saima score and with drafts scored at once and reported on the returned
// channel. The drafts start only when the test calls start, so that it
// can make several uploads first.
func newDraftEnv(t *testing.T) (env *testEnv, start func() <-chan error) {
	t.Helper()
	return newDraftEnvOver(t, newTestEnv(t, nil))
}

// newDraftEnvOver is newDraftEnv over the server env.
func newDraftEnvOver(t *testing.T, env *testEnv) (*testEnv, func() <-chan error) {
	t.Helper()
	writeEvaluationLedger(t, env.store)
	env.clock.Advance(time.Date(2026, 6, 20, 10, 0, 0, 0, saima.Beijing).Sub(testNow))
	svc := &scoring.Service{Store: env.store, Rules: []byte(evaluationRules), Now: env.clock.Now}
	if _, err := svc.Draft(t.Context(), q2, "saima score"); err != nil {
		t.Fatal(err)
	}
	d := env.server.drafts
	d.delay, d.retry = 0, 50*time.Millisecond
	d.ran = make(chan error, 8)
	return env, func() <-chan error {
		go d.loop(t.Context())
		return d.ran
	}
}

// uploadAssessment uploads haishuAssessment as the office and fails
// unless it is committed.
func uploadAssessment(t *testing.T, env *testEnv) {
	t.Helper()
	req := multipartRequest(t, "/api/uploads", "考评.csv", []byte(haishuAssessment),
		map[string]string{"dataset": saima.DatasetAssessments})
	if resp, body := env.do(t, req); resp.StatusCode != http.StatusCreated {
		t.Fatalf("upload status = %d, want 201; body:\n%s", resp.StatusCode, body)
	}
}

// waitDraft waits for one draft run and fails when it failed.
func waitDraft(t *testing.T, ran <-chan error) {
	t.Helper()
	select {
	case err := <-ran:
		if err != nil {
			t.Fatalf("draft after upload: %v", err)
		}
	case <-time.After(60 * time.Second):
		t.Fatal("no draft ran within 60 s of the upload")
	}
}

// noMoreDrafts fails when another draft runs within a short wait.
func noMoreDrafts(t *testing.T, ran <-chan error) {
	t.Helper()
	select {
	case err := <-ran:
		t.Errorf("another draft ran (err %v), want one run per burst", err)
	case <-time.After(300 * time.Millisecond):
	}
}

func haishuScore(t *testing.T, env *testEnv) float64 {
	t.Helper()
	_, body := env.get(t, "/api/scores?period=2026Q2")
	var reply struct {
		Scores []struct {
			Unit  string  `json:"unit"`
			Value float64 `json:"composite"`
		} `json:"scores"`
	}
	if err := json.Unmarshal([]byte(body), &reply); err != nil {
		t.Fatalf("decode scores %s: %v", body, err)
	}
	for _, s := range reply.Scores {
		if s.Unit == "宁波市海曙区" {
			return s.Value
		}
	}
	t.Fatalf("scores of 2026Q2 lack 宁波市海曙区: %s", body)
	return 0
}

func countEvaluations(t *testing.T, env *testEnv) int {
	t.Helper()
	evs, err := env.store.ListEvaluations(context.Background(), q2)
	if err != nil {
		t.Fatal(err)
	}
	return len(evs)
}

func TestDraftFollowsUpload(t *testing.T) {
	env, start := newDraftEnv(t)
	if got := haishuScore(t, env); got != 96 {
		t.Fatalf("宁波市海曙区 before the upload = %v, want 96", got)
	}

	uploadAssessment(t, env)
	if got := haishuScore(t, env); got != 96 {
		t.Errorf("宁波市海曙区 before the draft ran = %v, want 96 (the upload must not wait for it)", got)
	}
	waitDraft(t, start())

	if got := haishuScore(t, env); got != 76 {
		t.Errorf("宁波市海曙区 after the draft = %v, want 76", got)
	}
	evs, err := env.store.ListEvaluations(context.Background(), q2)
	if err != nil {
		t.Fatal(err)
	}
	last := evs[len(evs)-1]
	if last.Published() || last.CreatedBy != draftBy {
		t.Errorf("last evaluation = %s by %q, want a draft by %q", last.Status, last.CreatedBy, draftBy)
	}
	// The data version is a real commit time, shown on the server's clock.
	asOf := "数据截至 " + saima.DateOf(env.clock.Now()).String() + " "
	for _, page := range []string{"/leaderboard?period=2026Q2", "/units/宁波市海曙区"} {
		if _, body := env.get(t, page); !strings.Contains(body, asOf) {
			t.Errorf("%s lacks %q", page, asOf)
		}
	}
	if !strings.Contains(env.logs.String(), "draft after upload stored") {
		t.Errorf("log lacks the stored draft:\n%s", env.logs)
	}
}

// TestDraftRetriedAfterOutage stops the database between an upload and
// its draft. The draft fails as unavailable, is retried until the
// database is back, and then scores the upload.
func TestDraftRetriedAfterOutage(t *testing.T) {
	srv := chtest.StartPrivateServer(t)
	db := srv.NewDatabase(t)
	store, err := clickhouse.NewStore(t.Context(), srv.Open(t, db), db, slog.New(slog.DiscardHandler))
	if err != nil {
		t.Fatalf("open store on the server: %v", err)
	}
	env, start := newDraftEnvOver(t, newTestEnvOver(t, store, nil))
	uploadAssessment(t, env)

	if err := srv.Stop(); err != nil {
		t.Fatal(err)
	}
	ran := start()
	select {
	case err := <-ran:
		if saima.ErrorKind(err) != saima.KindUnavailable {
			t.Fatalf("draft with the database down = %v, want an unavailable error", err)
		}
	case <-time.After(60 * time.Second):
		t.Fatal("no draft ran within 60 s of the upload")
	}
	if err := srv.Restart(); err != nil {
		t.Fatal(err)
	}
	for {
		select {
		case err := <-ran:
			if err != nil && saima.ErrorKind(err) == saima.KindUnavailable {
				continue // the server is still starting
			}
			if err != nil {
				t.Fatalf("draft after the database returned: %v", err)
			}
		case <-time.After(20 * time.Second):
			t.Fatal("the failed draft was not tried again within 20 s of the database's return")
		}
		break
	}
	if got := haishuScore(t, env); got != 76 {
		t.Errorf("宁波市海曙区 after the retried draft = %v, want 76", got)
	}
}

func TestDraftBurstRunsOnce(t *testing.T) {
	env, start := newDraftEnv(t)
	before := countEvaluations(t, env)

	uploadAssessment(t, env)
	uploadAssessment(t, env)
	uploadAssessment(t, env)
	ran := start()
	waitDraft(t, ran)
	noMoreDrafts(t, ran)

	if got := countEvaluations(t, env); got != before+1 {
		t.Errorf("evaluations after three uploads = %d, want %d (one draft)", got, before+1)
	}
}

func TestDraftKeepsPublication(t *testing.T) {
	env, start := newDraftEnv(t)
	if resp, body := env.publish(t, "office", `{"note":"终稿"}`); resp.StatusCode != http.StatusCreated {
		t.Fatalf("publish status = %d; body:\n%s", resp.StatusCode, body)
	}
	before := countEvaluations(t, env)

	uploadAssessment(t, env)
	waitDraft(t, start())

	if got := countEvaluations(t, env); got != before {
		t.Errorf("evaluations after the upload = %d, want %d (no draft of a published quarter)", got, before)
	}
	if got := haishuScore(t, env); got != 96 {
		t.Errorf("宁波市海曙区 after the upload = %v, want the published 96", got)
	}
	if !strings.Contains(env.logs.String(), "draft after upload skipped: quarter published") {
		t.Errorf("log lacks the skipped draft:\n%s", env.logs)
	}
}

func TestDraftWithoutRules(t *testing.T) {
	env := newTestEnv(t, nil)
	writeEvaluationLedger(t, env.store)
	env.clock.Advance(time.Date(2026, 6, 20, 10, 0, 0, 0, saima.Beijing).Sub(testNow))

	if err := env.server.draftRunningQuarter(t.Context()); err != nil {
		t.Fatalf("draft without rules: %v", err)
	}
	if got := countEvaluations(t, env); got != 0 {
		t.Errorf("evaluations = %d, want 0 without a rule set", got)
	}

	env.server.rules = []byte(evaluationRules)
	if err := env.server.draftRunningQuarter(t.Context()); err != nil {
		t.Fatalf("draft with Deps.Rules: %v", err)
	}
	evs, err := env.store.ListEvaluations(context.Background(), q2)
	if err != nil {
		t.Fatal(err)
	}
	if len(evs) != 1 || evs[0].RuleSetText != evaluationRules {
		t.Errorf("evaluations = %d, want 1 scored under Deps.Rules", len(evs))
	}
}

// A running quarter without data yet is the normal state in its first
// days, so its draft is skipped with an info line and no error is logged.
func TestDraftWithoutData(t *testing.T) {
	env := newTestEnv(t, nil)
	env.server.rules = []byte(evaluationRules)

	if err := env.server.draftRunningQuarter(t.Context()); err != nil {
		t.Errorf("draft of a quarter without data: %v, want none", err)
	}
	logs := env.logs.String()
	if strings.Contains(logs, "level=ERROR") {
		t.Errorf("log has an error for a quarter without data:\n%s", logs)
	}
	if !strings.Contains(logs, `msg="draft after upload skipped: no data"`) {
		t.Errorf("log lacks the skipped draft:\n%s", logs)
	}
	if got := countEvaluations(t, env); got != 0 {
		t.Errorf("evaluations = %d, want 0", got)
	}
}

package web

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"saima/scoring"
)

// trackListRules adds lists to evaluationRules. The district track of the
// evaluation ledger has 3 units: it gets the red list (top 1, so at least
// 2 units) but not the black list (bottom 2, so at least 4 units).
var trackListRules = evaluationRules + `lists:
  - {name: 红榜, top: 1, when: {source: composite, at_least: 60}}
  - {name: 黑榜, bottom: 2, when: {source: composite, below: 100}}
`

const blackListNote = "本赛道只有 3 个单位，少于黑榜要求的 4 个，不评黑榜"

func newListEnv(t *testing.T) *testEnv {
	t.Helper()
	env := newTestEnv(t, nil)
	writeEvaluationLedger(t, env.store)
	svc := &scoring.Service{Store: env.store, Rules: []byte(trackListRules)}
	if _, err := svc.Draft(t.Context(), q2, "saima score"); err != nil {
		t.Fatal(err)
	}
	return env
}

func TestLeaderboardWithholdsListsOfSmallTrack(t *testing.T) {
	env := newListEnv(t)
	_, body := env.get(t, "/leaderboard?period=2026Q2")
	if !strings.Contains(body, "<dt>红榜</dt>") {
		t.Errorf("leaderboard lacks the red list of a 3-unit track")
	}
	if strings.Contains(body, "<dt>黑榜</dt>") {
		t.Errorf("leaderboard shows a black list in a 3-unit track, whose minimum is 4")
	}
	if !strings.Contains(body, blackListNote) {
		t.Errorf("leaderboard lacks the note %q", blackListNote)
	}
}

func TestQuarterlyPDFLists(t *testing.T) {
	requirePDFToText(t)
	env := newListEnv(t)
	resp, body := env.get(t, "/reports/quarterly/2026Q2.pdf")
	if resp.StatusCode != 200 {
		t.Fatalf("GET quarterly PDF status = %d: %s", resp.StatusCode, body)
	}
	path := filepath.Join(t.TempDir(), "q.pdf")
	if err := os.WriteFile(path, []byte(body), 0o600); err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command("pdftotext", "-enc", "UTF-8", path, "-").Output()
	if err != nil {
		t.Fatalf("pdftotext: %v", err)
	}
	text := strings.Join(strings.Fields(string(out)), "")
	for _, want := range []string{"红榜：宁波市江北区", blackListNote} {
		if !strings.Contains(text, strings.Join(strings.Fields(want), "")) {
			t.Errorf("quarterly PDF text lacks %q:\n%s", want, out)
		}
	}
	if strings.Contains(text, "黑榜：") {
		t.Errorf("quarterly PDF lists a black list in a 3-unit track")
	}
}

// emptyListRules adds a red list that no unit of the evaluation ledger
// reaches: the district track's first composite is below 99.
var emptyListRules = evaluationRules + `lists:
  - {name: 红榜, top: 1, when: {source: composite, at_least: 99}}
`

const emptyListNote = "本赛道前 1 名中没有综合得分达到 99 的单位，本期红榜空缺"

// TestLeaderboardSaysWhyListEmpty checks that a track whose top units
// miss a list's condition gets the reason below its table and in the
// quarterly PDF, as a track too small for the list does.
func TestLeaderboardSaysWhyListEmpty(t *testing.T) {
	requirePDFToText(t)
	env := newTestEnv(t, nil)
	writeEvaluationLedger(t, env.store)
	svc := &scoring.Service{Store: env.store, Rules: []byte(emptyListRules)}
	if _, err := svc.Draft(t.Context(), q2, "saima score"); err != nil {
		t.Fatal(err)
	}

	_, body := env.get(t, "/leaderboard?period=2026Q2")
	if strings.Contains(body, "<dt>红榜</dt>") {
		t.Errorf("leaderboard shows a red list that no unit reaches")
	}
	if !strings.Contains(body, emptyListNote) {
		t.Errorf("leaderboard lacks the note %q", emptyListNote)
	}

	resp, pdf := env.get(t, "/reports/quarterly/2026Q2.pdf")
	if resp.StatusCode != 200 {
		t.Fatalf("GET quarterly PDF status = %d: %s", resp.StatusCode, pdf)
	}
	path := filepath.Join(t.TempDir(), "q.pdf")
	if err := os.WriteFile(path, []byte(pdf), 0o600); err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command("pdftotext", "-enc", "UTF-8", path, "-").Output()
	if err != nil {
		t.Fatalf("pdftotext: %v", err)
	}
	text := strings.Join(strings.Fields(string(out)), "")
	if want := strings.Join(strings.Fields(emptyListNote), ""); !strings.Contains(text, want) {
		t.Errorf("quarterly PDF text lacks %q:\n%s", emptyListNote, out)
	}
}

package web

import (
	"context"
	"html"
	"net/http"
	"strings"
	"testing"
	"time"

	"saima"
)

// TestLeaderboardMarksRunningPeriod checks that every viewer, not only
// the office, reads a running quarter's result as partial, and that an
// ended quarter carries no such note.
func TestLeaderboardMarksRunningPeriod(t *testing.T) {
	env := newSeededEnv(t)
	run := []saima.Score{{Period: saima.Quarter(2026, 4), Track: saima.KindDistrict, RuleSet: "默认规则",
		RuleSetVersion: "v1", RunID: "run-q4", ComputedAt: seedAt.Add(2 * time.Hour), Unit: "宁波市海曙区",
		Value: 60, Rank: 1}}
	if err := env.store.SaveScores(context.Background(), run, nil); err != nil {
		t.Fatal(err)
	}
	note := "本期到 2026-12-31 才结束，以上结果只含目前已上传的数据"
	for _, account := range []string{"office", "leader", "haishu"} {
		_, body := env.as(t, account).get(t, "/leaderboard?period=2026Q4")
		if !strings.Contains(html.UnescapeString(body), note) {
			t.Errorf("%s's leaderboard of the running 2026Q4 lacks %q", account, note)
		}
		_, body = env.as(t, account).get(t, "/leaderboard?period=2026Q3")
		if strings.Contains(html.UnescapeString(body), "才结束") {
			t.Errorf("%s's leaderboard of the ended 2026Q3 says it has not ended", account)
		}
	}
}

// A unit that the roster keeps out of the ranking is listed under the
// boards as not ranked, with the roster's reason, for every viewer.
func TestLeaderboardListsUnrankedUnits(t *testing.T) {
	env := newSeededEnv(t)
	writeWorkflowBatch(t, env.store, "units-unranked", saima.DatasetUnits, &saima.Batch{Units: []saima.Unit{
		{Name: "宁波前湾新区", Kind: saima.KindOther, Track: saima.TrackUnranked, UnrankedReason: "新设功能区，2027年起参评"},
	}})
	for _, account := range []string{"office", "leader", "haishu"} {
		_, body := env.as(t, account).get(t, "/leaderboard?period=2026Q3")
		body = html.UnescapeString(body)
		if !strings.Contains(body, "<h2>不参与排名的单位</h2>") {
			t.Errorf("%s's leaderboard lacks the section of units not ranked", account)
			continue
		}
		row := tableRow(t, body, "宁波前湾新区")
		for col, want := range map[string]string{"单位类别": "其他", "原因": "新设功能区，2027年起参评"} {
			if got := row[col]; got != want {
				t.Errorf("%s's leaderboard: 宁波前湾新区 %s = %q, want %q", account, col, got, want)
			}
		}
	}
}

// TestEarlyPublicationKeepsCaveat publishes 2026Q2 on 15 June, before the
// quarter ended, and reads it in October: the leaderboard, the quarterly
// PDF and the annual PDF all still state that it contains only the data
// uploaded by 15 June.
func TestEarlyPublicationKeepsCaveat(t *testing.T) {
	env := newEvaluationEnv(t)
	env.get(t, "/leaderboard?period=2026Q2") // signs in on testNow, so the session lasts
	june := time.Date(2026, 6, 15, 9, 0, 0, 0, saima.Beijing)
	env.clock.Advance(june.Sub(env.clock.Now()))
	if resp, body := env.publish(t, "office", ""); resp.StatusCode != http.StatusCreated {
		t.Fatalf("publish on 2026-06-15 status = %d; body:\n%s", resp.StatusCode, body)
	}
	env.clock.Advance(testNow.Sub(env.clock.Now()))

	_, body := env.get(t, "/leaderboard?period=2026Q2")
	note := "本期已于 2026-06-30 结束，但这一版本读取的是 2026-06-15 已上传的数据，不是期末结果"
	if !strings.Contains(html.UnescapeString(body), note) {
		t.Errorf("leaderboard of 2026Q2 published on 15 June lacks %q", note)
	}
	if strings.Contains(html.UnescapeString(body), "才结束，以上结果") {
		t.Error("leaderboard of the ended 2026Q2 says the quarter still runs")
	}

	_, pdf := env.get(t, "/reports/quarterly/2026Q2.pdf")
	want := "数据截止：本期到2026-06-30才结束，本结果读取的是2026-06-15已上传的数据，不是期末结果"
	if text := squeeze(pdfText(t, []byte(pdf))); !strings.Contains(text, want) {
		t.Errorf("quarterly PDF lacks %q:\n%s", want, text)
	}

	_, pdf = env.get(t, "/reports/annual/2026.pdf")
	text := squeeze(pdfText(t, []byte(pdf)))
	for _, want := range []string{"二季度*", "注：2026年第二季度的结果读取的是2026-06-15已上传的数据，早于该季度结束（2026-06-30）"} {
		if !strings.Contains(text, want) {
			t.Errorf("annual PDF lacks %q", want)
		}
	}
}

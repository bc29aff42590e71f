package web

import (
	"context"
	"html"
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
	if err := env.store.SaveScores(context.Background(), run); err != nil {
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

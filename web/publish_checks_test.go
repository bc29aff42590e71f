package web

import (
	"context"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"saima"
	"saima/scoring"
)

func TestPublishAPIRejectsUnknownTrack(t *testing.T) {
	env := newEvaluationEnv(t)
	writeOfficeBatch(t, env, saima.Batch{
		Upload: saima.Upload{ID: "ev-units-new", Dataset: saima.DatasetUnits},
		Units:  []saima.Unit{{Name: "宁波前湾新区", Kind: saima.KindOther, Track: "功能区"}},
	}, time.Date(2026, 7, 4, 9, 0, 0, 0, saima.Beijing))

	resp, body := env.publish(t, "office", "")
	if resp.StatusCode != http.StatusConflict {
		t.Errorf("publish with a unit of an unknown track status = %d, want 409; body:\n%s", resp.StatusCode, body)
	}
	for _, want := range []string{"宁波前湾新区", "“功能区”", "区县（市）、市直部门"} {
		if !strings.Contains(body, want) {
			t.Errorf("publish reply lacks %q:\n%s", want, body)
		}
	}
	evs, err := env.store.ListEvaluations(context.Background(), q2)
	if err != nil || len(evs) != 1 {
		t.Errorf("after the rejected publish the period has %d records (%v), want only the draft", len(evs), err)
	}
}

// saveRun stores a run of period as a ledger scored before the checks
// on new runs could have stored it: every unit of the evaluation ledger
// at the composite value, its indicators missing unless withData.
func saveRun(t *testing.T, env *testEnv, period saima.Period, value float64, withData bool) {
	t.Helper()
	var scores []saima.Score
	for i, unit := range []string{"宁波市江北区", "宁波市海曙区", scriptName} {
		scores = append(scores, saima.Score{
			Period: period, Unit: unit, Track: saima.KindDistrict, Rank: i + 1, Value: value,
			RuleSet: "测试规则", RunID: "old-" + period.String(), ComputedAt: testNow,
			Contributions: []saima.Contribution{
				{Indicator: "milestone_ontime_rate", Name: "里程碑按期完成率", Missing: !withData, Raw: value, Score: value},
			},
		})
	}
	if err := env.store.SaveScores(context.Background(), scores, nil); err != nil {
		t.Fatal(err)
	}
}

func TestDefaultPeriodSkipsFutureAndEmpty(t *testing.T) {
	env := newEvaluationEnv(t)
	saveRun(t, env, saima.Quarter(2027, 1), 77, true) // not begun on testNow
	saveRun(t, env, saima.Quarter(2026, 4), 0, false) // begun, but without any data

	_, body := env.as(t, "leader").get(t, "/leaderboard")
	if !strings.Contains(body, "2026年第二季度赛马排行") {
		t.Errorf("leaderboard without a period does not open on 2026Q2:\n%s", body)
	}
	_, body = env.as(t, "leader").get(t, "/api/scores")
	var reply struct {
		Period string `json:"period"`
	}
	decodeJSON(t, body, &reply)
	if reply.Period != "2026Q2" {
		t.Errorf("/api/scores period = %q, want 2026Q2", reply.Period)
	}

	resp, body := env.as(t, "leader").get(t, "/leaderboard?period=2027Q1")
	if resp.StatusCode != http.StatusOK || !strings.Contains(body, "2027年第一季度赛马排行") {
		t.Errorf("leaderboard?period=2027Q1 = %d, want the stored run shown on request", resp.StatusCode)
	}
}

func TestPublishAPIRejectsPeriodNotBegun(t *testing.T) {
	env := newEvaluationEnv(t)
	req := httptest.NewRequest(http.MethodPost, "/api/evaluations/2027Q1/publish", nil)
	resp, body := env.as(t, "office").do(t, req)
	if resp.StatusCode != http.StatusBadRequest {
		t.Errorf("publish of 2027Q1 on 2026-10-20 status = %d, want 400; body:\n%s", resp.StatusCode, body)
	}
	for _, want := range []string{"2027年第一季度从 2027-01-01 才开始", "2026-10-20"} {
		if !strings.Contains(body, want) {
			t.Errorf("publish of 2027Q1 reply lacks %q:\n%s", want, body)
		}
	}
}

func TestPublishAPIRejectsPeriodWithoutData(t *testing.T) {
	env := newEvaluationEnv(t)
	q1 := saima.Quarter(2026, 1)
	ev := scoring.Evaluation{Period: q1, RunID: "old-2026Q1", RuleSet: "测试规则", RuleSetText: evaluationRules,
		Status: scoring.StatusDraft, CreatedAt: testNow, CreatedBy: "saima score", Recorded: 1}
	if err := env.store.SaveEvaluation(context.Background(), ev, nil); err != nil {
		t.Fatal(err)
	}
	req := httptest.NewRequest(http.MethodPost, "/api/evaluations/2026Q1/publish", nil)
	resp, body := env.as(t, "office").do(t, req)
	if resp.StatusCode != http.StatusConflict || !strings.Contains(body, "2026年第一季度没有任何单位有可计分的数据") {
		t.Errorf("publish of 2026Q1 without data = %d, want 409 saying no unit has data; body:\n%s", resp.StatusCode, body)
	}
}

func TestPublishAPIRejectsNonQuarters(t *testing.T) {
	env := newEvaluationEnv(t)
	tests := []struct {
		path   string
		want   []string
		absent string
	}{
		{"/api/evaluations/2026/publish", []string{"2026年度不单独评分或发布", "saima report --annual 2026"}, "saima score"},
		{"/api/evaluations/2026-05/publish", []string{"2026年5月不单独评分或发布", "2026Q2"}, "saima score"},
		{"/api/evaluations/" + url.PathEscape("2026年Q5") + "/publish", []string{"“2026年Q5”"}, "%"},
	}
	for _, tt := range tests {
		resp, body := env.as(t, "office").do(t, httptest.NewRequest(http.MethodPost, tt.path, nil))
		if resp.StatusCode != http.StatusBadRequest {
			t.Errorf("POST %s status = %d, want 400; body:\n%s", tt.path, resp.StatusCode, body)
		}
		for _, want := range tt.want {
			if !strings.Contains(body, want) {
				t.Errorf("POST %s reply lacks %q:\n%s", tt.path, want, body)
			}
		}
		if strings.Contains(body, tt.absent) {
			t.Errorf("POST %s reply contains %q:\n%s", tt.path, tt.absent, body)
		}
	}

	path := "/reports/quarterly/" + url.PathEscape("2026年Q5") + ".pdf"
	_, body := env.as(t, "office").get(t, path)
	if !strings.Contains(body, "2026年Q5") || strings.Contains(body, "%") {
		t.Errorf("GET %s does not show the period decoded:\n%s", path, body)
	}
}

func TestUnitPagesSkipFutureRun(t *testing.T) {
	env := newEvaluationEnv(t)
	saveRun(t, env, saima.Quarter(2027, 1), 77, true) // not begun on testNow

	unit := "/units/" + url.PathEscape("宁波市江北区")
	_, body := env.as(t, "leader").get(t, unit)
	if !strings.Contains(body, "最新考评：2026年第二季度") {
		t.Errorf("unit page does not show 2026Q2 as the latest result:\n%s", body)
	}
	_, body = env.as(t, "leader").get(t, unit+"/explain")
	if !strings.Contains(body, "2026年第二季度考评结果") {
		t.Errorf("explain page without a period does not open on 2026Q2:\n%s", body)
	}
}

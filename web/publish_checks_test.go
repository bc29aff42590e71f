package web

import (
	"context"
	"html"
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

// In the first days of a quarter, while the previous quarter's reports
// still arrive, pages without a period open on the quarter that ended and
// announce the new quarter's draft. The annual report leaves that draft
// out until then.
func TestDefaultPeriodEarlyInQuarter(t *testing.T) {
	env := newEvaluationEnv(t)
	saveRun(t, env, saima.Quarter(2026, 3), 60, true) // ended, a draft
	saveRun(t, env, saima.Quarter(2026, 4), 70, true) // begun on 2026-10-01
	setClock := func(day int) *client {
		t.Helper()
		env.clock.Advance(time.Date(2026, 10, day, 10, 0, 0, 0, saima.Beijing).Sub(env.clock.Now()))
		return env.signIn(t, "office", testAccounts["office"].password)
	}
	annual := func(office *client) string {
		t.Helper()
		resp, body := office.get(t, "/reports/annual/2026.pdf")
		if resp.StatusCode != http.StatusOK {
			t.Fatalf("GET the 2026 annual PDF: status %d; body:\n%.500s", resp.StatusCode, body)
		}
		return squeeze(pdfText(t, []byte(body)))
	}

	t.Run("GraceDays", func(t *testing.T) {
		office := setClock(15)
		_, body := office.get(t, "/leaderboard")
		text := html.UnescapeString(body)
		for _, want := range []string{"2026年第三季度赛马排行", `href="/leaderboard?period=2026Q4"`,
			"2026年第四季度刚开始，各单位仍在补报2026年第三季度的数据，本页默认显示2026年第三季度"} {
			if !strings.Contains(text, want) {
				t.Errorf("leaderboard on 2026-10-15 lacks %q:\n%.3000s", want, text)
			}
		}
		_, body = office.get(t, "/api/scores")
		var reply struct {
			Period string `json:"period"`
		}
		decodeJSON(t, body, &reply)
		if reply.Period != "2026Q3" {
			t.Errorf("/api/scores period on 2026-10-15 = %q, want 2026Q3", reply.Period)
		}

		resp, body := office.get(t, "/export/ranking.xlsx")
		openWorkbook(t, resp, body, "赛马排名-2026Q3.xlsx")
		_, body = office.get(t, "/units/"+url.PathEscape("宁波市江北区"))
		if !strings.Contains(body, "最新考评：2026年第三季度") || !strings.Contains(body, "2026年第四季度的结果尚未发布（草稿）") {
			t.Errorf("unit page on 2026-10-15 does not head with 2026Q3 and name the 2026Q4 draft below")
		}
		_, body = office.get(t, "/assessments")
		if !strings.Contains(body, "2026年第三季度考评得分汇总") {
			t.Errorf("assessments page on 2026-10-15 does not open on 2026Q3, as the leaderboard does")
		}

		text = annual(office)
		if strings.Contains(text, "四季度*") {
			t.Errorf("annual PDF on 2026-10-15 counts the 2026Q4 draft:\n%s", text)
		}
		if want := "注：2026年第四季度刚开始（2026-10-01），其草稿只含开始几天上传的数据，2026-10-16起计入年度得分。"; !strings.Contains(text, want) {
			t.Errorf("annual PDF on 2026-10-15 lacks %q:\n%s", want, text)
		}
	})
	t.Run("AfterGrace", func(t *testing.T) {
		office := setClock(16)
		_, body := office.get(t, "/leaderboard")
		if !strings.Contains(body, "2026年第四季度赛马排行") || strings.Contains(body, "刚开始") {
			t.Errorf("leaderboard on 2026-10-16 does not open on the 2026Q4 draft alone")
		}
		_, body = office.get(t, "/units/"+url.PathEscape("宁波市江北区"))
		if !strings.Contains(body, "最新考评：2026年第四季度") {
			t.Errorf("unit page on 2026-10-16 does not head with 2026Q4")
		}
		if text := annual(office); !strings.Contains(text, "四季度*") || strings.Contains(text, "刚开始") {
			t.Errorf("annual PDF on 2026-10-16 does not count the 2026Q4 draft:\n%s", text)
		}
	})
	// Once the office has published the new quarter, the grace days no
	// longer hide it: pages open on it, and nothing calls it a draft.
	t.Run("PublishedInGrace", func(t *testing.T) {
		office := setClock(15)
		ev := scoring.Evaluation{Period: saima.Quarter(2026, 4), Version: 1, RunID: "old-2026Q4",
			RuleSet: "测试规则", RuleSetText: evaluationRules, Status: scoring.StatusPublished,
			CreatedAt: env.clock.Now(), CreatedBy: "saima score", PublishedAt: env.clock.Now(), PublishedBy: "改革办"}
		if err := env.store.SaveEvaluation(context.Background(), ev, nil); err != nil {
			t.Fatal(err)
		}
		_, body := office.get(t, "/leaderboard")
		text := html.UnescapeString(body)
		if !strings.Contains(text, "2026年第四季度赛马排行") || strings.Contains(text, "刚开始") ||
			strings.Contains(text, "的草稿") {
			t.Errorf("leaderboard on 2026-10-15 does not open on the published 2026Q4 alone:\n%.3000s", text)
		}
		_, body = office.get(t, "/units/"+url.PathEscape("宁波市江北区"))
		if !strings.Contains(body, "最新考评：2026年第四季度") {
			t.Errorf("unit page on 2026-10-15 does not head with the published 2026Q4")
		}
		_, body = office.get(t, "/units/"+url.PathEscape("宁波市江北区")+"/explain")
		if !strings.Contains(body, "2026年第四季度考评结果") {
			t.Errorf("explain page on 2026-10-15 does not open on the published 2026Q4")
		}
		_, body = office.get(t, "/assessments")
		if !strings.Contains(body, "2026年第四季度考评得分汇总") {
			t.Errorf("assessments page on 2026-10-15 does not open on the published 2026Q4")
		}
		if text := annual(office); strings.Contains(text, "刚开始") {
			t.Errorf("annual PDF on 2026-10-15 withholds the published 2026Q4:\n%s", text)
		}
	})
}

// A period without any data gets no advice to run saima score, which
// would reject it; a quarter not begun says so on the leaderboard.
func TestNoDataPeriodReplies(t *testing.T) {
	env := newEvaluationEnv(t)
	env.server.rules = []byte(evaluationRules)
	noData := "没有任何单位有可计分的数据"
	tests := []struct {
		name, target string
		status       int
		want         string
	}{
		{"QuarterlyPDF", "/reports/quarterly/2024Q4.pdf", http.StatusNotFound, "2024年第四季度尚无考评得分"},
		{"UnitsZip", "/reports/quarterly/2024Q4/units.zip", http.StatusNotFound, "2024年第四季度尚无考评得分"},
		{"AnnualPDF", "/reports/annual/2024.pdf", http.StatusNotFound, "2024年度各季度均无考评得分"},
		{"LeaderboardNotBegun", "/leaderboard?period=2027Q1", http.StatusNotFound, "2027年第一季度尚未开始（2027-01-01 开始）"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			resp, body := env.as(t, "office").get(t, tt.target)
			text := html.UnescapeString(body)
			if resp.StatusCode != tt.status {
				t.Errorf("GET %s status = %d, want %d", tt.target, resp.StatusCode, tt.status)
			}
			if !strings.Contains(text, tt.want) {
				t.Errorf("GET %s lacks %q:\n%.2000s", tt.target, tt.want, text)
			}
			if tt.name != "LeaderboardNotBegun" && !strings.Contains(text, noData) {
				t.Errorf("GET %s lacks %q:\n%.2000s", tt.target, noData, text)
			}
			if strings.Contains(text, "saima score") {
				t.Errorf("GET %s sends the office to saima score:\n%.2000s", tt.target, text)
			}
		})
	}

	// Leaders and units can neither import the office's data nor score,
	// so their message advises asking the office.
	t.Run("LeaderAndUnit", func(t *testing.T) {
		for _, account := range []string{"leader", "haishu"} {
			for _, target := range []string{"/leaderboard?period=2024Q1", "/api/scores?period=2024Q1"} {
				_, body := env.as(t, account).get(t, target)
				text := html.UnescapeString(body)
				if !strings.Contains(text, noData) || !strings.Contains(text, "请联系改革办") {
					t.Errorf("GET %s as %s lacks %q or 请联系改革办:\n%.2000s", target, account, noData, text)
				}
				if strings.Contains(text, "再评分或发布") || strings.Contains(text, "请先导入") {
					t.Errorf("GET %s as %s tells it to import and score:\n%.2000s", target, account, text)
				}
			}
		}
		_, body := env.as(t, "leader").get(t, "/reports/annual/2024.pdf")
		if text := html.UnescapeString(body); !strings.Contains(text, "请联系改革办") || strings.Contains(text, "请先导入") {
			t.Errorf("annual PDF of 2024 as leader tells it to import, or not to ask the office:\n%.2000s", text)
		}
	})
	t.Run("Publish", func(t *testing.T) {
		req := httptest.NewRequest(http.MethodPost, "/api/evaluations/2024Q4/publish", nil)
		resp, body := env.as(t, "office").do(t, req)
		if resp.StatusCode != http.StatusConflict {
			t.Errorf("publish of 2024Q4 status = %d, want 409", resp.StatusCode)
		}
		if !strings.Contains(body, noData) || strings.Contains(body, "saima score") {
			t.Errorf("publish of 2024Q4 reply = %s, want %q without saima score", body, noData)
		}
	})
}

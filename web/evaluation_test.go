package web

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"html"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/shopspring/decimal"

	"saima"
	"saima/clickhouse"
	"saima/scoring"
)

// evaluationRules weighs the on-time rate 60 and the assessment mean 40,
// both taken as they are, so the composites below are worked out by hand.
var evaluationRules = readEvaluationRules()

func readEvaluationRules() string {
	data, err := os.ReadFile("../scoring/testdata/rules-60-40.yaml")
	if err != nil {
		panic(err)
	}
	return string(data)
}

var q2 = saima.Quarter(2026, 2)

// writeEvaluationLedger writes a 2026Q2 ledger in which, under
// evaluationRules, 宁波市江北区 scores 0.6×100 + 0.4×60 = 84, 宁波市海曙区
// 0.6×50 + 0.4×90 = 66 and the injection-named district 60 + 20 = 80.
func writeEvaluationLedger(t *testing.T, s *clickhouse.Store) {
	t.Helper()
	day := func(s string) *saima.Date {
		d, err := saima.ParseDate(s)
		if err != nil {
			t.Fatal(err)
		}
		return &d
	}
	at := time.Date(2026, 7, 3, 9, 0, 0, 0, saima.Beijing)
	batches := []*saima.Batch{
		{Upload: saima.Upload{ID: "ev-units", Dataset: saima.DatasetUnits}, Units: []saima.Unit{
			{Name: "宁波市海曙区", Aliases: []string{"海曙"}, Kind: saima.KindDistrict},
			{Name: "宁波市江北区", Kind: saima.KindDistrict},
			{Name: scriptName, Kind: saima.KindDistrict},
		}},
		{Upload: saima.Upload{ID: "ev-projects", Dataset: saima.DatasetProjects}, Projects: []saima.Project{
			{Code: "P1", Name: "甲", Unit: "宁波市海曙区"}, {Code: "P2", Name: "乙", Unit: "宁波市江北区"},
			{Code: "P3", Name: imgName, Unit: scriptName},
		}},
		{Upload: saima.Upload{ID: "ev-milestones", Dataset: saima.DatasetMilestones}, Milestones: []saima.Milestone{
			{ProjectCode: "P1", Name: "数据归集", Planned: *day("2026-05-31"), Actual: day("2026-05-30")},
			{ProjectCode: "P1", Name: "驾驶舱上线", Planned: *day("2026-06-30"), Actual: day("2026-07-05")},
			{ProjectCode: "P2", Name: "方案评审", Planned: *day("2026-06-30"), Actual: day("2026-06-30")},
			{ProjectCode: "P3", Name: funcName, Planned: *day("2026-06-01"), Actual: day("2026-06-01")},
		}},
		{Upload: saima.Upload{ID: "ev-assessments", Dataset: saima.DatasetAssessments}, Assessments: []saima.Assessment{
			{Unit: "宁波市海曙区", Indicator: "应用成效", Mode: "线上日常", Period: q2, Score: decimal.NewFromInt(90)},
			{Unit: "宁波市江北区", Indicator: "应用成效", Mode: "线上日常", Period: q2, Score: decimal.NewFromInt(60)},
			{Unit: scriptName, Indicator: imgName, Mode: "线上日常", Period: q2, Score: decimal.NewFromInt(50)},
		}},
	}
	for i, b := range batches {
		b.Upload.Uploader, b.Upload.FileName = "office", b.Upload.ID+".csv"
		b.Upload.At = at.Add(time.Duration(i) * time.Minute)
		if err := s.WriteBatch(context.Background(), b); err != nil {
			t.Fatalf("write %s: %v", b.Upload.ID, err)
		}
	}
}

// correctHaishu uploads a corrected milestone: 宁波市海曙区's 驾驶舱上线 was
// on time, so it scores 60 + 36 = 96.
func correctHaishu(t *testing.T, s *clickhouse.Store) {
	t.Helper()
	done := saima.NewDate(2026, 6, 28)
	b := &saima.Batch{
		Upload: saima.Upload{ID: "ev-fix", Dataset: saima.DatasetMilestones, Uploader: "office",
			At: time.Date(2026, 7, 10, 9, 0, 0, 0, saima.Beijing), FileName: "里程碑更正.csv"},
		Milestones: []saima.Milestone{{ProjectCode: "P1", Name: "驾驶舱上线", Planned: saima.NewDate(2026, 6, 30), Actual: &done}},
	}
	if err := s.WriteBatch(context.Background(), b); err != nil {
		t.Fatal(err)
	}
}

// writeOfficeBatch writes b as an upload of the office at the time at, its
// file named after its upload ID.
func writeOfficeBatch(t *testing.T, env *testEnv, b saima.Batch, at time.Time) {
	t.Helper()
	b.Upload.Uploader, b.Upload.FileName, b.Upload.At = "office", b.Upload.ID+".csv", at
	if err := env.store.WriteBatch(context.Background(), &b); err != nil {
		t.Fatalf("write %s: %v", b.Upload.ID, err)
	}
}

// newEvaluationEnv returns a server over the evaluation ledger with a draft
// of 2026Q2, as `saima score 2026Q2` stores it.
func newEvaluationEnv(t *testing.T) *testEnv {
	t.Helper()
	env := newTestEnv(t, nil)
	writeEvaluationLedger(t, env.store)
	svc := &scoring.Service{Store: env.store, Rules: []byte(evaluationRules)}
	if _, err := svc.Draft(context.Background(), q2, "saima score"); err != nil {
		t.Fatal(err)
	}
	return env
}

func (env *testEnv) publish(t *testing.T, as, body string) (*http.Response, string) {
	t.Helper()
	req := httptest.NewRequest(http.MethodPost, "/api/evaluations/2026Q2/publish", strings.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	return env.as(t, as).do(t, req)
}

func decodeJSON(t *testing.T, body string, v any) {
	t.Helper()
	if err := json.Unmarshal([]byte(body), v); err != nil {
		t.Fatalf("decode %s: %v", body, err)
	}
}

func TestLeaderboardShowsDraftThenPublished(t *testing.T) {
	env := newEvaluationEnv(t)

	_, body := env.get(t, "/leaderboard?period=2026Q2")
	text := html.UnescapeString(body)
	for _, want := range []string{"本期结果：<strong>未发布</strong>", "草稿", "名次区间", "84.0", "66.0"} {
		if !strings.Contains(text, want) {
			t.Errorf("draft leaderboard lacks %q", want)
		}
	}
	assertNoRawInjection(t, "draft leaderboard", body)

	resp, body := env.publish(t, "office", `{"note":"首次发布"}`)
	if resp.StatusCode != http.StatusCreated {
		t.Fatalf("publish status = %d, want 201; body:\n%s", resp.StatusCode, body)
	}
	var st standingJSON
	decodeJSON(t, body, &st)
	if st.Label != "已发布 v1" || st.Evaluation.PublishedBy != "office（市改革办）" || st.Evaluation.Note != "首次发布" ||
		st.Evaluation.RuleSetText != evaluationRules {
		t.Errorf("publish reply = %s, %+v; want 已发布 v1 by office（市改革办）with the draft's rules and the note",
			st.Label, st.Evaluation)
	}

	_, body = env.get(t, "/leaderboard?period=2026Q2")
	if !strings.Contains(body, "本期结果：<strong>已发布 v1</strong>") {
		t.Errorf("leaderboard after publishing lacks 已发布 v1")
	}
	var scores scoresAPI
	_, body = env.get(t, "/api/scores?period=2026Q2")
	decodeJSON(t, body, &scores)
	if scores.Label != "已发布 v1" || len(scores.Scores) != 3 {
		t.Fatalf("/api/scores = %s with %d scores, want 已发布 v1 with 3", scores.Label, len(scores.Scores))
	}
	for _, sc := range scores.Scores {
		r := sc.RankInterval
		if r == nil || r.Nominal != sc.Rank || r.Q05 > float64(sc.Rank) || r.Q95 < float64(sc.Rank) {
			t.Errorf("%s rank %d has interval %+v, want one around its rank", sc.Unit, sc.Rank, r)
		}
	}
}

func TestPublishAPIVersionsAndDiff(t *testing.T) {
	env := newEvaluationEnv(t)
	if resp, body := env.publish(t, "office", ""); resp.StatusCode != http.StatusCreated {
		t.Fatalf("publish v1 status = %d; body:\n%s", resp.StatusCode, body)
	}
	correctHaishu(t, env.store)

	var scores scoresAPI
	_, body := env.get(t, "/api/scores?period=2026Q2")
	decodeJSON(t, body, &scores)
	for _, sc := range scores.Scores {
		if sc.Unit == "宁波市海曙区" && sc.CompositeText != "66.0" {
			t.Errorf("published 宁波市海曙区 after the correction = %s, want 66.0 until republished", sc.CompositeText)
		}
	}

	if resp, body := env.publish(t, "office", `{"note":"更正里程碑"}`); resp.StatusCode != http.StatusCreated {
		t.Fatalf("publish v2 status = %d; body:\n%s", resp.StatusCode, body)
	}
	var list evaluationsAPI
	_, body = env.get(t, "/api/evaluations/2026Q2")
	decodeJSON(t, body, &list)
	var labels []string
	for _, ev := range list.Evaluations {
		labels = append(labels, ev.Label)
	}
	if got := strings.Join(labels, " "); list.Current != "已发布 v2" || got != "未发布 已发布 v1 已发布 v2" {
		t.Errorf("evaluations = current %s, %s; want current 已发布 v2, 未发布 已发布 v1 已发布 v2", list.Current, got)
	}

	var d diffAPI
	resp, body := env.get(t, "/api/evaluations/2026Q2/diff?a=1&b=2")
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("diff status = %d; body:\n%s", resp.StatusCode, body)
	}
	decodeJSON(t, body, &d)
	var haishu *unitDiffJSON
	for i := range d.Units {
		if d.Units[i].Unit == "宁波市海曙区" {
			haishu = &d.Units[i]
		}
	}
	if haishu == nil || !haishu.Changed || haishu.Old.CompositeText != "66.0" || haishu.New.CompositeText != "96.0" ||
		haishu.Old.Rank != 3 || haishu.New.Rank != 1 {
		t.Fatalf("diff of 宁波市海曙区 = %+v, want 66.0 rank 3 → 96.0 rank 1", haishu)
	}
	if len(haishu.Contributions) != 1 || haishu.Contributions[0].Indicator != "milestone_ontime_rate" ||
		*haishu.Contributions[0].Old.Raw != 50 || *haishu.Contributions[0].New.Raw != 100 {
		t.Errorf("changed contributions = %+v, want the on-time rate 50 → 100", haishu.Contributions)
	}
}

func TestPublishAPIRejects(t *testing.T) {
	env := newEvaluationEnv(t)
	noCSRF := func() *http.Request {
		return httptest.NewRequest(http.MethodPost, "/api/evaluations/2026Q2/publish", nil)
	}
	tests := []struct {
		name   string
		send   func() (*http.Response, string)
		status int
	}{
		{"Leader", func() (*http.Response, string) { return env.publish(t, "leader", "") }, http.StatusForbidden},
		{"UnitToken", func() (*http.Response, string) { return env.withToken().do(t, noCSRF()) }, http.StatusForbidden},
		{"Anonymous", func() (*http.Response, string) { return env.anonymous().do(t, noCSRF()) }, http.StatusUnauthorized},
		{"NoCSRFToken", func() (*http.Response, string) {
			cl := *env.as(t, "office")
			cl.csrf = ""
			return cl.do(t, noCSRF())
		}, http.StatusForbidden},
		{"OtherOrigin", func() (*http.Response, string) {
			req := noCSRF()
			req.Header.Set("Origin", "http://evil.example")
			return env.as(t, "office").do(t, req)
		}, http.StatusForbidden},
		{"BadBody", func() (*http.Response, string) { return env.publish(t, "office", "{") }, http.StatusBadRequest},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			resp, body := tt.send()
			if resp.StatusCode != tt.status {
				t.Errorf("status = %d, want %d; body:\n%s", resp.StatusCode, tt.status, body)
			}
		})
	}
	evs, err := env.store.ListEvaluations(context.Background(), q2)
	if err != nil || len(evs) != 1 {
		t.Errorf("after rejected publishes the period has %d records (%v), want only the draft", len(evs), err)
	}
}

func TestPublishAPIWithoutDraft(t *testing.T) {
	env := newTestEnv(t, nil)
	writeEvaluationLedger(t, env.store)
	resp, body := env.publish(t, "office", "")
	if resp.StatusCode != http.StatusConflict || !strings.Contains(body, "saima score 2026Q2") {
		t.Errorf("publish without a draft = %d %s, want 409 naming saima score 2026Q2", resp.StatusCode, body)
	}
}

func TestExplainAPI(t *testing.T) {
	env := newEvaluationEnv(t)
	env.publish(t, "office", "")
	correctHaishu(t, env.store)

	var x explainAPI
	resp, body := env.get(t, "/api/explain?period=2026Q2&unit="+url.QueryEscape("海曙"))
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("explain status = %d; body:\n%s", resp.StatusCode, body)
	}
	decodeJSON(t, body, &x)
	if x.Label != "已发布 v1" || x.Score.Unit != "宁波市海曙区" || x.Score.CompositeText != "66.0" {
		t.Errorf("explain = %s %s %s, want 已发布 v1 宁波市海曙区 66.0", x.Label, x.Score.Unit, x.Score.CompositeText)
	}
	if len(x.Indicators) != 2 || x.Indicators[0].Dataset != saima.DatasetMilestones || x.Indicators[0].Source != "milestone_ontime_rate" {
		t.Errorf("explained indicators = %+v, want the on-time rate reading milestones first", x.Indicators)
	}
	if got := x.Evidence.MilestonesDueBefore.String(); got != "2026-07-01" {
		t.Errorf("evidence milestones_due_before = %s, want 2026-07-01, the day after the quarter", got)
	}
	var late *milestoneEvidenceJSON
	for i := range x.Evidence.Milestones {
		if x.Evidence.Milestones[i].Name == "驾驶舱上线" {
			late = &x.Evidence.Milestones[i]
		}
	}
	// v1 read the ledger before the correction, so its evidence is the
	// original upload.
	if late == nil || late.UploadID != "ev-milestones" || late.FileName != "ev-milestones.csv" || late.OnTime ||
		late.UploadedAt != "2026-07-03T09:02:00+08:00" {
		t.Errorf("驾驶舱上线 evidence = %+v, want the late row from ev-milestones.csv uploaded 09:02", late)
	}
	if len(x.Evidence.Assessments) != 1 || x.Evidence.Assessments[0].UploadID != "ev-assessments" ||
		x.Evidence.Assessments[0].Score != "90" {
		t.Errorf("assessment evidence = %+v, want the score 90 from ev-assessments", x.Evidence.Assessments)
	}

	resp, _ = env.withToken().get(t, "/api/explain?period=2026Q2&unit="+url.QueryEscape("宁波市江北区"))
	if resp.StatusCode != http.StatusForbidden {
		t.Errorf("a unit token explaining another unit: status %d, want 403", resp.StatusCode)
	}
	resp, _ = env.withToken().get(t, "/api/explain?period=2026Q2&unit="+url.QueryEscape("宁波市海曙区"))
	if resp.StatusCode != http.StatusOK {
		t.Errorf("a unit token explaining its own unit: status %d, want 200", resp.StatusCode)
	}
}

func TestExplainPage(t *testing.T) {
	env := newEvaluationEnv(t)
	env.publish(t, "office", "")
	target := "/units/" + url.PathEscape(scriptName) + "/explain?period=2026Q2"
	resp, body := env.get(t, target)
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("GET %s status = %d; body:\n%s", target, resp.StatusCode, body)
	}
	text := html.UnescapeString(body)
	for _, want := range []string{"考评说明", "已发布 v1", "第 2 名", "80.0", "里程碑按期完成率", "60%", "用于：里程碑按期完成率",
		funcName, "ev-milestones", "ev-milestones.csv", "2026-07-03 09:02", imgName, "ev-assessments.csv", "本期没有进度填报",
		"本期计分规则未使用该数据", "数据截至", "计划完成日期在本期内且早于 2026-07-01 的里程碑",
		"合计", "80.0000", "综合得分 80.0 是贡献合计 80.0000 四舍五入到一位小数的结果"} {
		if !strings.Contains(text, want) {
			t.Errorf("explain page lacks %q", want)
		}
	}
	assertNoRawInjection(t, target, body)

	_, body = env.get(t, "/units/"+url.PathEscape("宁波市海曙区"))
	if !strings.Contains(body, "/explain?period=2026Q2") {
		t.Errorf("unit page has no link to the explanation")
	}
	resp, _ = env.as(t, "haishu").get(t, target)
	if resp.StatusCode != http.StatusForbidden {
		t.Errorf("haishu opening another unit's explanation: status %d, want 403", resp.StatusCode)
	}
}

// TestExplainShowsProblems checks that the explanation lists the problem
// list items found in the period, which problems_closed_rate counts, with
// the ones closed by the period's last day marked.
func TestExplainShowsProblems(t *testing.T) {
	env := newTestEnv(t, nil)
	writeEvaluationLedger(t, env.store)
	onLastDay, later := saima.NewDate(2026, 6, 30), saima.NewDate(2026, 7, 2)
	writeOfficeBatch(t, env, saima.Batch{Upload: saima.Upload{ID: "ev-problems", Dataset: saima.DatasetProblems},
		Problems: []saima.ProblemItem{
			{ID: "WT-1", Unit: "宁波市海曙区", Stage: "已办结", Level: 2, Opened: saima.NewDate(2026, 4, 10),
				Closed: &onLastDay, Summary: "接口超时"},
			{ID: "WT-2", Unit: "宁波市海曙区", Stage: "已办结", Level: 1, Opened: saima.NewDate(2026, 6, 1),
				Closed: &later, Summary: "数据未共享"},
		}}, time.Date(2026, 7, 3, 9, 5, 0, 0, saima.Beijing))
	svc := &scoring.Service{Store: env.store, Rules: []byte(evaluationRules)}
	if _, err := svc.Draft(context.Background(), q2, "saima score"); err != nil {
		t.Fatal(err)
	}

	var x explainAPI
	resp, body := env.get(t, "/api/explain?period=2026Q2&unit="+url.QueryEscape("宁波市海曙区"))
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("explain status = %d; body:\n%s", resp.StatusCode, body)
	}
	decodeJSON(t, body, &x)
	got := x.Evidence.Problems
	if len(got) != 2 {
		t.Fatalf("problem evidence = %+v, want WT-1 and WT-2", got)
	}
	if got[0].ID != "WT-1" || !got[0].Counted || got[0].Days != 81 || got[0].FileName != "ev-problems.csv" {
		t.Errorf("WT-1 evidence = %+v, want closed on the quarter's last day after 81 days, from ev-problems.csv", got[0])
	}
	if got[1].ID != "WT-2" || got[1].Counted {
		t.Errorf("WT-2 evidence = %+v, want not counted: closed after the quarter", got[1])
	}

	_, body = env.get(t, "/units/"+url.PathEscape("宁波市海曙区")+"/explain?period=2026Q2")
	text := html.UnescapeString(body)
	for _, want := range []string{"<h2>问题清单</h2>", "WT-1", "接口超时", "改革办", "ev-problems.csv", "数据未共享",
		"办结日期不晚于本期最后一天的计入已办结"} {
		if !strings.Contains(text, want) {
			t.Errorf("explain page lacks %q", want)
		}
	}
}

func TestExplainPageWithoutRecord(t *testing.T) {
	env := newSeededEnv(t)
	target := "/units/" + url.PathEscape("宁波市海曙区") + "/explain"
	resp, body := env.get(t, target)
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("GET %s status = %d; body:\n%s", target, resp.StatusCode, body)
	}
	text := html.UnescapeString(body)
	for _, want := range []string{"2026年第三季度", "未发布", "该结果没有考评记录", "91.3", "驾驶舱上线", "seed-3"} {
		if !strings.Contains(text, want) {
			t.Errorf("explain page of a seeded run lacks %q", want)
		}
	}
}

func TestLeaderboardShowsOverrides(t *testing.T) {
	env := newEvaluationEnv(t)
	env.publish(t, "office", "")
	svc := &scoring.Service{Store: env.store}
	_, err := svc.Override(context.Background(), scoring.Override{Period: q2, Unit: "宁波市海曙区", Value: 90,
		By: "王五", Why: scriptName + "复核"})
	if err != nil {
		t.Fatal(err)
	}

	_, body := env.get(t, "/leaderboard?period=2026Q2")
	text := html.UnescapeString(body)
	for _, want := range []string{"人工调整", "†", "经人工调整，计算值 66.0", "综合得分", "王五", scriptName + "复核", "90.0"} {
		if !strings.Contains(text, want) {
			t.Errorf("leaderboard with an override lacks %q", want)
		}
	}
	assertNoRawInjection(t, "leaderboard with an override", body)

	var scores scoresAPI
	_, body = env.get(t, "/api/scores?period=2026Q2")
	decodeJSON(t, body, &scores)
	for _, sc := range scores.Scores {
		if sc.Unit != "宁波市海曙区" {
			continue
		}
		if sc.Composite != 90 || sc.Rank != 1 || sc.ComputedComposite != 66 || sc.ComputedRank != 3 ||
			len(sc.Overrides) != 1 || sc.Overrides[0].By != "王五" {
			t.Errorf("/api/scores 宁波市海曙区 = %+v, want 90 rank 1 over computed 66 rank 3 with 王五's override", sc)
		}
	}
}

// An indicator override marks its cell with † and the computed value, as
// the composite's does, and the overrides table names the indicator as
// the board's header does, not by its ID.
func TestLeaderboardMarksIndicatorOverride(t *testing.T) {
	env := newEvaluationEnv(t)
	env.publish(t, "office", "")
	svc := &scoring.Service{Store: env.store}
	_, err := svc.Override(context.Background(), scoring.Override{Period: q2, Unit: "宁波市海曙区",
		Indicator: "assessment_mean", Value: 95, By: "王五", Why: "考评组复核"})
	if err != nil {
		t.Fatal(err)
	}
	_, body := env.get(t, "/leaderboard?period=2026Q2")
	text := html.UnescapeString(body)
	name := ""
	if m := regexp.MustCompile(`宁波市海曙区：(\S+?)经人工调整为 95\.00，计算值 (\S+?)。`).FindStringSubmatch(text); m != nil {
		name = m[1]
		if !strings.Contains(text, "95.00<span aria-hidden=\"true\">†</span><span class=\"visually-hidden\">（经人工调整，计算值 "+m[2]+"）") {
			t.Errorf("leaderboard's indicator cell lacks the † and computed value %s", m[2])
		}
	} else {
		t.Fatalf("leaderboard lacks the indicator override's footnote:\n%s", text)
	}
	if name == "" || name == "assessment_mean" {
		t.Errorf("footnote names the indicator %q, want its name", name)
	}
	if !strings.Contains(text, "指标 "+name+"</td>") || strings.Contains(text, "指标 assessment_mean") {
		t.Errorf("overrides table does not name the indicator %s", name)
	}
}

// TestBrowserEvaluationPages opens the leaderboard of a published
// evaluation with an override, and an explanation page, in Chromium. It
// checks the text on screen, that injection names stay text and that the
// page logs no error, and saves a PNG of each under $SAIMA_SCREENSHOTS or
// a temporary folder.
func TestBrowserEvaluationPages(t *testing.T) {
	requireChromium(t)
	env := newEvaluationEnv(t)
	env.publish(t, "office", `{"note":"首次发布"}`)
	svc := &scoring.Service{Store: env.store}
	_, err := svc.Override(context.Background(), scoring.Override{Period: q2, Unit: scriptName,
		Indicator: "assessment_mean", Value: 70, By: "王五", Why: "考评组复核"})
	if err != nil {
		t.Fatal(err)
	}
	base := serve(t, env.server)
	shots := screenshotDir(t)
	b := newBrowser(t, base)
	b.login(t, "office", testAccounts["office"].password, "/")

	pages := []struct {
		name, path string
		charts     int
		want       []string
	}{
		{"evaluation-leaderboard", "/leaderboard?period=2026Q2", 1,
			[]string{"本期结果：已发布 v1", "名次区间", "人工调整", "考评组复核", "88.0†"}},
		{"evaluation-explain", "/units/" + url.PathEscape(scriptName) + "/explain?period=2026Q2", 0,
			[]string{"已发布 v1", "第 1 名", "88.0", "经人工调整，计算得分 80.0、第 2 名", "70.00†", "ev-milestones.csv",
				"用于：考评平均得分率", funcName, imgName}},
	}
	for _, p := range pages {
		t.Run(p.name, func(t *testing.T) {
			b.reset()
			got := b.open(t, p.path, 1366, 900)
			if len(got.Charts) != p.charts {
				t.Errorf("page has %d charts, want %d", len(got.Charts), p.charts)
			}
			for _, w := range p.want {
				if !strings.Contains(got.Text, w) {
					t.Errorf("page text lacks %q", w)
				}
			}
			if got.InjectedNodes != 0 {
				t.Errorf("page has %d elements made from injection names", got.InjectedNodes)
			}
			for _, problem := range b.problems() {
				t.Error(problem)
			}
			writeScreenshot(t, filepath.Join(shots, p.name+".png"), got.PNG)
		})
	}
}

// overrideHaishu records an override of 宁波市海曙区's 2026Q2 composite,
// computed 66, to 90, by 王五 at the test clock's time.
func overrideHaishu(t *testing.T, env *testEnv) scoring.Override {
	t.Helper()
	svc := &scoring.Service{Store: env.store, Now: env.clock.Now}
	o, err := svc.Override(context.Background(), scoring.Override{Period: q2, Unit: "宁波市海曙区", Value: 90,
		By: "王五", Why: "复核"})
	if err != nil {
		t.Fatal(err)
	}
	return o
}

// layoutRow returns the fields of the first line of pdftotext -layout
// output whose field at index i is field, or nil.
func layoutRow(text string, i int, field string) []string {
	for line := range strings.SplitSeq(text, "\n") {
		if f := strings.Fields(line); len(f) > i && f[i] == field {
			return f
		}
	}
	return nil
}

// TestQuarterlyPDFShowsOverrides checks that the quarterly PDF shows an
// override as the leaderboard does: the mark †, the computed value beside
// it, and the override with its author, time and reason.
func TestQuarterlyPDFShowsOverrides(t *testing.T) {
	env := newEvaluationEnv(t)
	env.publish(t, "office", "")
	o := overrideHaishu(t, env)

	resp, body := env.get(t, "/reports/quarterly/2026Q2.pdf")
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("GET the 2026Q2 PDF: status %d", resp.StatusCode)
	}
	text := pdfText(t, []byte(body), "-layout")
	want := []string{"1", "宁波市海曙区", "90.0†", "66.0", "新"}
	if got := layoutRow(text, 1, "宁波市海曙区"); !slices.Equal(got, want) {
		t.Errorf("PDF ranking row of 宁波市海曙区 = %q, want %q", got, want)
	}
	when := o.At.In(saima.Beijing).Format("2006-01-0215:04")
	for _, want := range []string{"人工调整", "宁波市海曙区综合得分90.066.0王五" + when + "复核",
		"综合得分：90.0†（计算值66.0）", "†综合得分由66.0调整为90.0（王五，" + when + "）：复核"} {
		if !strings.Contains(squeeze(text), want) {
			t.Errorf("PDF text lacks %q", want)
		}
	}
}

// TestAnnualPDFShowsOverrides checks that the annual report rolls up the
// quarterly composites as the leaderboard shows them, marks an overridden
// one with † above its computed value, and lists the override.
func TestAnnualPDFShowsOverrides(t *testing.T) {
	env := newEvaluationEnv(t)
	env.publish(t, "office", "")
	annual := func() string {
		resp, body := env.get(t, "/reports/annual/2026.pdf")
		if resp.StatusCode != http.StatusOK {
			t.Fatalf("GET the 2026 annual PDF: status %d; body:\n%.500s", resp.StatusCode, body)
		}
		return pdfText(t, []byte(body), "-layout")
	}

	// A row reads 名次, 单位, the four quarters, 季度平均, 领导评价, 年终考评
	// and 年度得分, with — for a blank. 宁波市海曙区 has only 2026Q2.
	before := []string{"3", "宁波市海曙区", "—", "66.0", "—", "—", "66.0", "0", "—", "62.7"}
	if got := layoutRow(annual(), 1, "宁波市海曙区"); !slices.Equal(got, before) {
		t.Errorf("annual row of 宁波市海曙区 before the override = %q, want %q", got, before)
	}

	o := overrideHaishu(t, env)
	text := annual()
	// The annual score is 0.95 × 90.
	after := []string{"1", "宁波市海曙区", "—", "90.0†", "—", "—", "90.0", "0", "—", "85.5"}
	if got := layoutRow(text, 1, "宁波市海曙区"); !slices.Equal(got, after) {
		t.Errorf("annual row of 宁波市海曙区 after the override = %q, want %q", got, after)
	}
	if got := layoutRow(text, 0, "(66.0)"); got == nil {
		t.Errorf("annual PDF does not give the computed 66.0 below the overridden 90.0:\n%s", text)
	}
	list := []string{"2026年第二季度", "综合得分", "90.0", "66.0", "王五"}
	list = append(list, strings.Fields(o.At.In(saima.Beijing).Format("2006-01-02 15:04"))...)
	list = append(list, "复核")
	if got := layoutRow(text, 0, "2026年第二季度"); !slices.Equal(got, list) {
		t.Errorf("annual PDF's override row = %q, want %q", got, list)
	}
}

// TestAnnualPDFMarksDraftQuarters checks that the annual report names the
// quarters it rolled up from a draft, and no longer names a quarter once
// it is published.
func TestAnnualPDFMarksDraftQuarters(t *testing.T) {
	env := newEvaluationEnv(t)
	annual := func() string {
		resp, body := env.get(t, "/reports/annual/2026.pdf")
		if resp.StatusCode != http.StatusOK {
			t.Fatalf("GET the 2026 annual PDF: status %d; body:\n%.500s", resp.StatusCode, body)
		}
		return squeeze(pdfText(t, []byte(body)))
	}
	text := annual()
	for _, want := range []string{"已计分季度：2026年第二季度（未发布）", "注：2026年第二季度的得分尚未发布，是草稿",
		"二季度*", "列名标有*"} {
		if !strings.Contains(text, want) {
			t.Errorf("annual PDF over a draft 2026Q2 lacks %q", want)
		}
	}

	env.publish(t, "office", "")
	text = annual()
	if !strings.Contains(text, "已计分季度：2026年第二季度（已发布v1）") {
		t.Errorf("annual PDF over a published 2026Q2 lacks its status 已发布 v1:\n%s", text)
	}
	if strings.Contains(text, "尚未发布") || strings.Contains(text, "二季度*") {
		t.Errorf("annual PDF over a published 2026Q2 still says a quarter is not published")
	}
}

// The quarterly PDF names the status of the ranking it shows, and lists
// the progress reports the published evaluation read, not a correction
// uploaded after it.
func TestQuarterlyPDFAsEvaluated(t *testing.T) {
	env := newEvaluationEnv(t)
	progress := func(id, text string, minute int) {
		t.Helper()
		writeOfficeBatch(t, env, saima.Batch{
			Upload: saima.Upload{ID: id, Dataset: saima.DatasetProgress},
			Progress: []saima.ProgressReport{{Unit: "宁波市海曙区", ProjectCode: "P1", ProjectName: "驾驶舱",
				Period: q2, Percent: decimal.NewNullDecimal(decimal.NewFromInt(60)), Progress: text}},
		}, time.Date(2026, 7, 11, 9, minute, 0, 0, saima.Beijing))
	}
	pdf := func() string {
		t.Helper()
		resp, body := env.get(t, "/reports/quarterly/2026Q2.pdf")
		if resp.StatusCode != http.StatusOK {
			t.Fatalf("GET the 2026Q2 PDF: status %d", resp.StatusCode)
		}
		return strings.Join(strings.Fields(pdfText(t, []byte(body))), "")
	}

	if text := pdf(); !strings.Contains(text, "考评状态：未发布（草稿") {
		t.Errorf("PDF of the draft lacks 考评状态：未发布（草稿:\n%s", text)
	}

	progress("ev-progress-1", "第一版进展", 0)
	svc := &scoring.Service{Store: env.store, Rules: []byte(evaluationRules)}
	if _, err := svc.Draft(context.Background(), q2, "saima score"); err != nil {
		t.Fatal(err)
	}
	if resp, body := env.publish(t, "office", ""); resp.StatusCode != http.StatusCreated {
		t.Fatalf("publish: %d %s", resp.StatusCode, body)
	}
	progress("ev-progress-2", "第二版进展", 1)
	text := pdf()
	if !strings.Contains(text, "考评状态：已发布v1") {
		t.Errorf("PDF lacks 考评状态：已发布 v1:\n%s", text)
	}
	if !strings.Contains(text, "第一版进展") || strings.Contains(text, "第二版进展") {
		t.Errorf("PDF of v1 shows progress other than the one v1 read (第一版进展):\n%s", text)
	}
}

// The office publishes from the leaderboard's form, with the form's CSRF
// field, and lands on the leaderboard again. Other roles see no form and
// may not post it.
func TestPublishFromLeaderboardForm(t *testing.T) {
	env := newEvaluationEnv(t)
	office := env.as(t, "office")

	_, body := office.get(t, "/leaderboard?period=2026Q2")
	if !strings.Contains(body, `action="/evaluations/2026Q2/publish"`) || !strings.Contains(body, "发布本期结果") {
		t.Fatalf("office's leaderboard lacks the publish form:\n%s", body)
	}
	// testNow is in 2026Q4, after the end of 2026Q2.
	if strings.Contains(body, "才结束") {
		t.Errorf("leaderboard of an ended quarter warns that it is still running")
	}
	// Seen on 15 June, the quarter is still running.
	env.clock.Advance(time.Date(2026, 6, 15, 9, 0, 0, 0, saima.Beijing).Sub(env.clock.Now()))
	_, body = office.get(t, "/leaderboard?period=2026Q2")
	if !strings.Contains(body, "本期到 2026-06-30 才结束") {
		t.Errorf("leaderboard of a running quarter lacks the warning 本期到 2026-06-30 才结束")
	}
	if !strings.Contains(body, `data-confirm="本期到 2026-06-30 才结束。`) {
		t.Errorf("publish form of a running quarter asks for no confirmation")
	}
	env.clock.Advance(testNow.Sub(env.clock.Now()))
	for _, role := range []string{"leader", "haishu"} {
		if _, body := env.as(t, role).get(t, "/leaderboard?period=2026Q2"); strings.Contains(body, "/publish") {
			t.Errorf("%s's leaderboard shows the publish form", role)
		}
	}

	post := func(cl *client, form url.Values) *http.Response {
		req := httptest.NewRequest(http.MethodPost, "/evaluations/2026Q2/publish", strings.NewReader(form.Encode()))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		// As a browser sends the form: the session cookie and the form's
		// field, no CSRF header.
		req.AddCookie(&http.Cookie{Name: sessionCookie, Value: cl.session})
		resp, _ := env.send(t, req)
		return resp
	}
	if resp := post(office, url.Values{"note": {"无令牌"}}); resp.StatusCode != http.StatusForbidden {
		t.Errorf("post without the form's CSRF field = %d, want 403", resp.StatusCode)
	}
	leader := env.as(t, "leader")
	if resp := post(leader, url.Values{"csrf_token": {leader.csrf}}); resp.StatusCode != http.StatusForbidden {
		t.Errorf("leader's post = %d, want 403", resp.StatusCode)
	}

	resp := post(office, url.Values{"csrf_token": {office.csrf}, "note": {"表单发布"}})
	if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != "/leaderboard?period=2026Q2&published=v1" {
		t.Fatalf("form post = %d to %q, want 303 to the leaderboard", resp.StatusCode, resp.Header.Get("Location"))
	}
	_, body = office.get(t, "/leaderboard?period=2026Q2&published=v1")
	if !strings.Contains(body, "已发布 v1。") {
		t.Errorf("leaderboard after the redirect does not confirm 已发布 v1")
	}
	if _, other := office.get(t, "/leaderboard?period=2026Q2&published=<b>"); strings.Contains(other, "已发布 <b>") {
		t.Errorf("leaderboard shows an unchecked published parameter")
	}
	for _, role := range []string{"office", "haishu"} {
		if _, other := env.as(t, role).get(t, "/leaderboard?period=2026Q2&published=v99"); strings.Contains(other, "已发布 v99") {
			t.Errorf("%s's leaderboard confirms v99, a version that does not exist", role)
		}
	}
	if !strings.Contains(body, "本期结果：<strong>已发布 v1</strong>") || !strings.Contains(body, "按当前数据发布新版本") {
		t.Errorf("leaderboard after the form lacks 已发布 v1 and the button for a new version")
	}
	var ev evaluationsAPI
	_, body = office.get(t, "/api/evaluations/2026Q2")
	decodeJSON(t, body, &ev)
	var notes []string
	for _, e := range ev.Evaluations {
		if e.Status == "published" {
			notes = append(notes, e.Note)
		}
	}
	if len(notes) != 1 || notes[0] != "表单发布" {
		t.Errorf("notes of the published evaluations = %q, want one, 表单发布", notes)
	}

	env.clock.Advance(time.Hour)
	if _, later := office.get(t, "/leaderboard?period=2026Q2&published=v1"); strings.Contains(later, "已发布 v1。") {
		t.Errorf("leaderboard an hour after publishing still confirms v1 as just published")
	}
}

// The explain page states how each progress report counts: a report on a
// project without dates counts for the mean only, and a blank 完成率 not
// at all.
func TestExplainPageProgressUse(t *testing.T) {
	env := newEvaluationEnv(t)
	writeOfficeBatch(t, env, saima.Batch{
		Upload: saima.Upload{ID: "ev-progress", Dataset: saima.DatasetProgress},
		Progress: []saima.ProgressReport{
			{Unit: "宁波市海曙区", ProjectCode: "P1", Period: saima.Month(2026, 5)},
			{Unit: "宁波市海曙区", ProjectCode: "P1", Period: q2, Percent: decimal.NewNullDecimal(decimal.NewFromInt(60))},
		},
	}, time.Date(2026, 7, 11, 9, 0, 0, 0, saima.Beijing))
	svc := &scoring.Service{Store: env.store, Rules: []byte(evaluationRules)}
	if _, err := svc.Draft(context.Background(), q2, "saima score"); err != nil {
		t.Fatal(err)
	}
	_, body := env.get(t, "/units/"+url.PathEscape("宁波市海曙区")+"/explain?period=2026Q2")
	text := html.UnescapeString(body)
	for _, want := range []string{"只计入平均完成率：项目没有开始日期或计划完成日期，不与计划比较", "不计入：完成率未填报"} {
		if !strings.Contains(text, want) {
			t.Errorf("explain page lacks %q", want)
		}
	}
}

// TestUploadIntoPublishedQuarter checks that an upload with records of a
// quarter whose evaluation is published gets a warning that the published
// result stays as it is, in a preview too, and that other quarters get none.
func TestUploadIntoPublishedQuarter(t *testing.T) {
	env := newEvaluationEnv(t)
	if resp, body := env.publish(t, "office", ""); resp.StatusCode != http.StatusCreated {
		t.Fatalf("publish status = %d; body:\n%s", resp.StatusCode, body)
	}
	const want = "本文件含有已发布考评期间（2026年第二季度）的数据，已发布的得分和名次不会因此改变"
	tests := []struct {
		name, target, row string
		warned            bool
	}{
		{"month of the published quarter", "/api/uploads", "宁波市海曙区,P1,甲,2026年5月,50%,2026-06-01,推进中,无", true},
		{"preview", "/api/uploads?dry_run=1", "宁波市海曙区,P1,甲,2026Q2,55%,2026-06-30,推进中,无", true},
		{"another quarter", "/api/uploads", "宁波市海曙区,P1,甲,2026Q3,60%,2026-09-30,推进中,无", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			req := multipartRequest(t, tt.target, "进度.csv", []byte(progressHeader+tt.row+"\n"),
				map[string]string{"dataset": saima.DatasetProgress})
			resp, body := env.as(t, "office").do(t, req)
			if resp.StatusCode >= 300 {
				t.Fatalf("upload status = %d; body:\n%s", resp.StatusCode, body)
			}
			if got := strings.Contains(body, want); got != tt.warned {
				t.Errorf("response has the published-quarter warning = %v, want %v; body:\n%s", got, tt.warned, body)
			}
		})
	}
}

// TestUnitPageKeepsPublished checks that a unit's page shows the published
// version of a period, not a draft stored after the publication.
func TestUnitPageKeepsPublished(t *testing.T) {
	env := newEvaluationEnv(t)
	if resp, body := env.publish(t, "office", ""); resp.StatusCode != http.StatusCreated {
		t.Fatalf("publish status = %d; body:\n%s", resp.StatusCode, body)
	}
	correctHaishu(t, env.store)
	svc := &scoring.Service{Store: env.store, Rules: []byte(evaluationRules)}
	draft, err := svc.Draft(context.Background(), q2, "saima score")
	if err != nil {
		t.Fatal(err)
	}
	var drafted string
	for _, sc := range draft.Scores() {
		if sc.Unit == "宁波市海曙区" {
			drafted = saima.FormatComposite(sc.Value)
		}
	}
	if drafted == "" || drafted == "66.0" {
		t.Fatalf("draft after the correction gives 宁波市海曙区 %q, want a value other than the published 66.0", drafted)
	}

	_, body := env.get(t, "/units/"+url.PathEscape("宁波市海曙区"))
	text := html.UnescapeString(body)
	if !strings.Contains(text, "综合得分 66.0") {
		t.Errorf("unit page lacks the published 综合得分 66.0")
	}
	if strings.Contains(text, "综合得分 "+drafted) {
		t.Errorf("unit page shows the later draft's 综合得分 %s", drafted)
	}
}

func TestPublishAPIWarnsRunningPeriod(t *testing.T) {
	env := newEvaluationEnv(t)
	var reply struct {
		Warnings []string `json:"warnings"`
	}

	// testNow is in 2026Q4, after the end of 2026Q2.
	resp, body := env.publish(t, "office", "")
	if resp.StatusCode != http.StatusCreated {
		t.Fatalf("publish after the quarter status = %d; body:\n%s", resp.StatusCode, body)
	}
	decodeJSON(t, body, &reply)
	if len(reply.Warnings) != 0 {
		t.Errorf("publish after the quarter warnings = %q, want none", reply.Warnings)
	}

	// Seen on 15 June, 2026Q2 is still running.
	env.clock.Advance(time.Date(2026, 6, 15, 9, 0, 0, 0, saima.Beijing).Sub(env.clock.Now()))
	resp, body = env.publish(t, "office", "")
	if resp.StatusCode != http.StatusCreated {
		t.Fatalf("publish on 2026-06-15 status = %d; body:\n%s", resp.StatusCode, body)
	}
	decodeJSON(t, body, &reply)
	want := "本期到2026-06-30才结束，这一版本只含目前已上传的数据；期末之后请按全部数据再次发布"
	if len(reply.Warnings) != 1 || reply.Warnings[0] != want {
		t.Errorf("publish on 2026-06-15 warnings = %q, want [%q]", reply.Warnings, want)
	}
}

// TestPublishNamesRuleSet checks that the publish form names the rule set
// that the next publication will score under, and that the form and the
// API's reply warn when it differs from the previous publication's.
func TestPublishNamesRuleSet(t *testing.T) {
	env := newEvaluationEnv(t)
	short := func(rules string) string {
		sum := sha256.Sum256([]byte(rules))
		return hex.EncodeToString(sum[:4])
	}
	first := "发布将采用规则集：测试规则（版本 " + short(evaluationRules) + "）"
	_, body := env.get(t, "/leaderboard?period=2026Q2")
	text := html.UnescapeString(body)
	if !strings.Contains(text, first) {
		t.Errorf("publish form lacks %q", first)
	}
	if strings.Contains(text, "不同") {
		t.Error("publish form of a first publication warns about a rule-set change")
	}
	if resp, body := env.publish(t, "office", ""); resp.StatusCode != http.StatusCreated || strings.Contains(body, "规则集") {
		t.Fatalf("first publish = %d %s, want 201 without a rule-set warning", resp.StatusCode, body)
	}

	// A trial draft under other rules, as saima score --rules stores it.
	trial := strings.NewReplacer("name: 测试规则", "name: 试行规则", "weight: 60", "weight: 40", "weight: 40", "weight: 60").
		Replace(evaluationRules)
	svc := &scoring.Service{Store: env.store, Rules: []byte(trial)}
	if _, err := svc.Draft(context.Background(), q2, "saima score"); err != nil {
		t.Fatal(err)
	}
	change := "规则集“试行规则”（版本 " + short(trial) + "），与已发布 v1 的规则集“测试规则”（版本 " +
		short(evaluationRules) + "）不同"
	_, body = env.get(t, "/leaderboard?period=2026Q2")
	text = html.UnescapeString(body)
	for _, want := range []string{"发布将采用规则集：试行规则（版本 " + short(trial) + "）", change} {
		if !strings.Contains(text, want) {
			t.Errorf("publish form after a trial draft lacks %q", want)
		}
	}
	if !regexp.MustCompile(`data-confirm="[^"]*规则集`).MatchString(text) {
		t.Error("publish form under changed rules asks for no confirmation")
	}

	var reply struct {
		Warnings []string `json:"warnings"`
	}
	resp, body := env.publish(t, "office", "")
	if resp.StatusCode != http.StatusCreated {
		t.Fatalf("publish under the trial rules = %d %s", resp.StatusCode, body)
	}
	decodeJSON(t, body, &reply)
	if len(reply.Warnings) != 1 || !strings.Contains(reply.Warnings[0], change) {
		t.Errorf("publish under the trial rules warnings = %q, want one containing %q", reply.Warnings, change)
	}

	// v3 scores under the rules of v2, so nothing changed.
	resp, body = env.publish(t, "office", "")
	reply.Warnings = nil
	decodeJSON(t, body, &reply)
	if resp.StatusCode != http.StatusCreated || len(reply.Warnings) != 0 {
		t.Errorf("publish under v2's rules = %d with warnings %q, want 201 and none", resp.StatusCode, reply.Warnings)
	}
}

// A publication is one log line, with the rule-set version and a data time
// an operator can read.
func TestPublishLogsOneLine(t *testing.T) {
	env := newEvaluationEnv(t)
	if resp, body := env.publish(t, "office", ""); resp.StatusCode != http.StatusCreated {
		t.Fatalf("publish status = %d; body:\n%s", resp.StatusCode, body)
	}
	var lines []string
	for _, line := range strings.Split(env.logs.String(), "\n") {
		if strings.Contains(line, `msg="evaluation published"`) {
			lines = append(lines, line)
		}
	}
	if len(lines) != 1 {
		t.Fatalf("publication logged %d times, want once:\n%s", len(lines), strings.Join(lines, "\n"))
	}
	if !strings.Contains(lines[0], "rule_set_version=") {
		t.Errorf("publication log lacks rule_set_version: %s", lines[0])
	}
	if !regexp.MustCompile(`data_as_of=\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d`).MatchString(lines[0]) {
		t.Errorf("publication log's data_as_of is not a time: %s", lines[0])
	}
}

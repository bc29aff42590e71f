package web

import (
	"context"
	"html"
	"maps"
	"os"
	"slices"
	"strings"
	"testing"

	"saima/scoring"
)

// adjustedRules is rules-60-40.yaml with grades, fail_below 70, a penalty
// and a veto. On writeEvaluationLedger's 2026Q2, 宁波市海曙区 (base 66)
// fails, loses 3 points and is vetoed, so it is graded 不合格.
var adjustedRules = readTestRulesFile("../scoring/testdata/rules-adjusted.yaml")

var haishuReasons = []string{
	"一票否决：考评挂牌督办，等次不高于良好",
	"基础得分 66.0 低于及格线 70.0，不加分，评为不合格",
	"扣 3.0 分（扣分项：考评扣分）",
}

// TestLeaderboardShowsVerdicts scores 2026Q2 under adjustedRules, as a
// draft and then published, and reads the grade, penalty and veto of
// 宁波市海曙区 with their reasons on the leaderboard, in the API and in
// the workbook. The rule set has no bonus, so none shows a bonus.
func TestLeaderboardShowsVerdicts(t *testing.T) {
	draftThenPublish(t, assertVerdictsShown)
}

// draftThenPublish scores 2026Q2 under adjustedRules as a draft, runs
// check, then publishes the period and runs check again.
func draftThenPublish(t *testing.T, check func(*testing.T, *testEnv)) {
	env := newTestEnv(t, nil)
	writeEvaluationLedger(t, env.store)
	svc := &scoring.Service{Store: env.store, Rules: []byte(adjustedRules), Now: env.clock.Now}
	ctx := context.Background()

	if _, err := svc.Draft(ctx, q2, "saima score"); err != nil {
		t.Fatal(err)
	}
	t.Run("draft", func(t *testing.T) { check(t, env) })
	if _, err := svc.Publish(ctx, q2, "改革办", ""); err != nil {
		t.Fatal(err)
	}
	t.Run("published", func(t *testing.T) { check(t, env) })
}

func assertVerdictsShown(t *testing.T, env *testEnv) {
	_, body := env.as(t, "office").get(t, "/leaderboard?period=2026Q2")
	row := rankingRowOf(t, body, "宁波市海曙区")
	for col, want := range map[string]string{"等次": "不合格", "扣分": "3.0", "一票否决": "考评挂牌督办"} {
		if got := row[col]; got != want {
			t.Errorf("leaderboard: %s = %q, want %q", col, got, want)
		}
	}
	if _, ok := row["加分"]; ok {
		t.Errorf("leaderboard has a 加分 column under a rule set without a bonus")
	}
	text := html.UnescapeString(body)
	for _, reason := range haishuReasons {
		if !strings.Contains(text, "<dd>"+reason+"</dd>") {
			t.Errorf("leaderboard lacks the reason %q", reason)
		}
	}

	_, body = env.get(t, "/api/scores?period=2026Q2")
	var reply struct {
		Columns map[string]bool
		Scores  []struct {
			Unit    string
			Verdict map[string]any
		}
	}
	decodeJSON(t, body, &reply)
	if want := map[string]bool{"grade": true, "bonus": false, "penalty": true, "veto": true}; !maps.Equal(reply.Columns, want) {
		t.Errorf("API columns = %v, want %v", reply.Columns, want)
	}
	i := slices.IndexFunc(reply.Scores, func(s struct {
		Unit    string
		Verdict map[string]any
	}) bool {
		return s.Unit == "宁波市海曙区"
	})
	if i < 0 {
		t.Fatalf("API lacks 宁波市海曙区:\n%s", body)
	}
	v := reply.Scores[i].Verdict
	if v["grade"] != "不合格" || v["penalty"] != 3.0 || v["failed"] != true {
		t.Errorf("API verdict = %v, want grade 不合格, penalty 3, failed", v)
	}
	if _, ok := v["bonus"]; ok {
		t.Errorf("API verdict has a bonus under a rule set without one: %v", v)
	}
	if got := anyStrings(v["reasons"]); !slices.Equal(got, haishuReasons) {
		t.Errorf("API reasons = %q, want %q", got, haishuReasons)
	}

	resp, body := env.get(t, "/export/ranking.xlsx?period=2026Q2")
	f := openWorkbook(t, resp, body, "赛马排名-2026Q2.xlsx")
	rows := rowsOf(t, f, "赛马排名")
	header := rows[0]
	if slices.Contains(header, "加分") {
		t.Errorf("workbook has a 加分 column under a rule set without a bonus: %q", header)
	}
	for _, r := range rows[1:] {
		if len(r) < 4 || r[3] != "宁波市海曙区" {
			continue
		}
		want := map[string]string{"等次": "不合格", "扣分": "3.0", "一票否决": "考评挂牌督办",
			"等次与扣分说明": strings.Join(haishuReasons, "；")}
		for col, w := range want {
			j := slices.Index(header, col)
			if j < 0 || j >= len(r) || r[j] != w {
				t.Errorf("workbook column %s = %q, want %q (header %q)", col, cellAt(r, j), w, header)
			}
		}
		return
	}
	t.Errorf("workbook lacks 宁波市海曙区")
}

// TestLeaderboardNoGradeColumn checks that a rule set without grades,
// bonus, penalties or vetoes adds no column to the leaderboard, the API
// or the workbook.
func TestLeaderboardNoGradeColumn(t *testing.T) {
	env := newTestEnv(t, nil)
	writeEvaluationLedger(t, env.store)
	svc := &scoring.Service{Store: env.store, Rules: []byte(evaluationRules), Now: env.clock.Now}
	if _, err := svc.Draft(context.Background(), q2, "saima score"); err != nil {
		t.Fatal(err)
	}
	_, body := env.as(t, "office").get(t, "/leaderboard?period=2026Q2")
	row := rankingRowOf(t, body, "宁波市海曙区")
	for _, col := range []string{"等次", "加分", "扣分", "一票否决"} {
		if _, ok := row[col]; ok {
			t.Errorf("leaderboard has a %s column under a rule set without one", col)
		}
	}
	_, body = env.get(t, "/api/scores?period=2026Q2")
	if strings.Contains(body, `"verdict":{"grade"`) {
		t.Errorf("API has a grade field under a rule set without grades:\n%s", body)
	}
	resp, body := env.get(t, "/export/ranking.xlsx?period=2026Q2")
	header := rowsOf(t, openWorkbook(t, resp, body, "赛马排名-2026Q2.xlsx"), "赛马排名")[0]
	if slices.Contains(header, "等次") || slices.Contains(header, "等次与扣分说明") {
		t.Errorf("workbook header = %q, want no grade columns", header)
	}
}

// readTestRulesFile returns the rule-set file at path, for package-level
// fixtures.
func readTestRulesFile(path string) string {
	data, err := os.ReadFile(path)
	if err != nil {
		panic(err)
	}
	return string(data)
}

// rankingRowOf returns the row of unit in the leaderboard's ranking
// table, by column heading.
func rankingRowOf(t *testing.T, body, unit string) map[string]string {
	t.Helper()
	for _, table := range tablePattern.FindAllString(body, -1) {
		rows := rowPattern.FindAllString(table, -1)
		if len(rows) < 2 {
			continue
		}
		header := cellTexts(rows[0])
		if !slices.ContainsFunc(header, func(h string) bool { return strings.HasPrefix(h, "名次区间") }) {
			continue // the chart's data table, not the ranking
		}
		for _, row := range rows[1:] {
			cells := cellTexts(row)
			if len(cells) != len(header) || !slices.Contains(cells, unit) {
				continue
			}
			out := map[string]string{}
			for i, h := range header {
				out[h] = cells[i]
			}
			return out
		}
	}
	t.Fatalf("no ranking row of %s", unit)
	return nil
}

func anyStrings(v any) []string {
	xs, _ := v.([]any)
	out := make([]string, 0, len(xs))
	for _, x := range xs {
		s, _ := x.(string)
		out = append(out, s)
	}
	return out
}

func cellAt(row []string, i int) string {
	if i < 0 || i >= len(row) {
		return ""
	}
	return row[i]
}

// TestUnitPageShowsVerdict checks that the unit page shows the grade and
// the reasons of the draft and then of the published result.
func TestUnitPageShowsVerdict(t *testing.T) {
	draftThenPublish(t, assertUnitVerdict)
}

func assertUnitVerdict(t *testing.T, env *testEnv) {
	_, body := env.as(t, "office").get(t, "/units/宁波市海曙区")
	text := html.UnescapeString(body)
	if !strings.Contains(text, "等次：<strong>不合格</strong>") {
		t.Errorf("unit page lacks the grade 不合格")
	}
	for _, reason := range haishuReasons {
		if !strings.Contains(text, "<li>"+reason+"</li>") {
			t.Errorf("unit page lacks the reason %q", reason)
		}
	}
	want := "不合格；" + strings.Join(haishuReasons, "；")
	if !strings.Contains(text, "<td>"+want+"</td>") {
		t.Errorf("unit page history lacks the cell %q", want)
	}
}

// TestReportsListVerdicts checks that the quarterly and annual PDFs list
// 宁波市海曙区 with its reasons, for the draft and then the published
// result.
func TestReportsListVerdicts(t *testing.T) {
	env := newTestEnv(t, nil)
	writeEvaluationLedger(t, env.store)
	svc := &scoring.Service{Store: env.store, Rules: []byte(adjustedRules), Now: env.clock.Now}
	ctx := context.Background()

	if _, err := svc.Draft(ctx, q2, "saima score"); err != nil {
		t.Fatal(err)
	}
	t.Run("draft", func(t *testing.T) { assertReportVerdicts(t, env) })
	if _, err := svc.Publish(ctx, q2, "改革办", ""); err != nil {
		t.Fatal(err)
	}
	t.Run("published", func(t *testing.T) { assertReportVerdicts(t, env) })
}

func assertReportVerdicts(t *testing.T, env *testEnv) {
	for _, path := range []string{"/reports/quarterly/2026Q2.pdf", "/reports/annual/2026.pdf"} {
		resp, pdf := env.get(t, path)
		if resp.StatusCode != 200 {
			t.Errorf("GET %s = %d, want 200", path, resp.StatusCode)
			continue
		}
		text := squeeze(pdfText(t, []byte(pdf)))
		if !strings.Contains(text, "等次与扣分说明") {
			t.Errorf("%s lacks the section 等次与扣分说明", path)
		}
		for _, reason := range haishuReasons {
			if !strings.Contains(text, squeeze(reason)) {
				t.Errorf("%s lacks the reason %q", path, reason)
			}
		}
	}
}

// TestReportsWithoutVerdicts checks that a rule set without adjustments
// adds no section 等次与扣分说明 to the PDFs.
func TestReportsWithoutVerdicts(t *testing.T) {
	env := newTestEnv(t, nil)
	writeEvaluationLedger(t, env.store)
	svc := &scoring.Service{Store: env.store, Rules: []byte(evaluationRules), Now: env.clock.Now}
	if _, err := svc.Publish(context.Background(), q2, "改革办", ""); err != nil {
		t.Fatal(err)
	}
	for _, path := range []string{"/reports/quarterly/2026Q2.pdf", "/reports/annual/2026.pdf"} {
		_, pdf := env.get(t, path)
		if text := pdfText(t, []byte(pdf)); strings.Contains(text, "等次与扣分说明") {
			t.Errorf("%s has the section 等次与扣分说明 under a rule set without adjustments", path)
		}
	}
}

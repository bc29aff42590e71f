package web

import (
	"context"
	"html"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/shopspring/decimal"

	"saima"
	"saima/clickhouse/chtest"
	"saima/scoring"
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

const (
	zone       = "宁波前湾新区"
	zoneReason = "新设功能区，2027年起参评"
)

// unrankedSection returns the leaderboard's section of units left out of
// the ranking, unescaped, or "" when body has none.
func unrankedSection(body string) string {
	body = html.UnescapeString(body)
	_, section, ok := strings.Cut(body, "<h2>不参与排名的单位</h2>")
	if !ok {
		return ""
	}
	section, _, _ = strings.Cut(section, "</section>")
	return section
}

// unrankedExports returns the units left out of period's ranking as the
// export ranking.xlsx and GET /api/scores list them, one "name/kind/reason"
// line each, and whether the API marks them as the current roster's.
func unrankedExports(t *testing.T, env *testEnv, period string) (xlsx, api string, fromRoster bool) {
	t.Helper()
	resp, body := env.get(t, "/export/ranking.xlsx?period="+period)
	f := openWorkbook(t, resp, body, "赛马排名-"+period+".xlsx")
	if slices.Contains(f.GetSheetList(), "不参与排名") {
		for _, row := range rowsOf(t, f, "不参与排名")[1:] {
			xlsx += strings.Join(row, "/") + "\n"
		}
	}

	_, body = env.get(t, "/api/scores?period="+period)
	var reply struct {
		Unranked []struct {
			Unit, Kind, Reason string
		}
		FromRoster bool `json:"unranked_from_current_roster"`
	}
	decodeJSON(t, body, &reply)
	for _, u := range reply.Unranked {
		api += u.Unit + "/" + u.Kind + "/" + u.Reason + "\n"
	}
	return xlsx, api, reply.FromRoster
}

// pdfRow returns the words of the first line of text, which pdftotext
// read with -layout, that starts with key, joined by single spaces.
func pdfRow(text, key string) string {
	for line := range strings.Lines(text) {
		if words := strings.Fields(line); len(words) > 0 && words[0] == key {
			return strings.Join(words, " ")
		}
	}
	return ""
}

// TestLeaderboardListsRunsUnranked leaves 宁波前湾新区 out of 2026Q2 and
// publishes it, then ranks the unit again and scores 2026Q3. The 2026Q2
// leaderboard, explain page, PDF, workbook and API still list it with its
// reason, and 2026Q3's list no unit as left out.
func TestLeaderboardListsRunsUnranked(t *testing.T) {
	env := newTestEnv(t, nil)
	ctx := context.Background()
	svc := publishZoneLeftOut(t, env)

	writeWorkflowBatch(t, env.store, "units-zone-in", saima.DatasetUnits, &saima.Batch{Units: []saima.Unit{
		{Name: zone, Kind: saima.KindOther, Track: saima.KindDistrict},
	}})
	q3 := saima.Quarter(2026, 3)
	var scores []saima.Assessment
	for _, unit := range []string{"宁波市海曙区", "宁波市江北区", scriptName, zone} {
		scores = append(scores, saima.Assessment{Unit: unit, Indicator: "应用成效", Mode: "线上日常", Period: q3,
			Score: decimal.NewFromInt(80)})
	}
	writeWorkflowBatch(t, env.store, "assessments-q3", saima.DatasetAssessments, &saima.Batch{Assessments: scores})
	if _, err := svc.Draft(ctx, q3, "saima score"); err != nil {
		t.Fatal(err)
	}

	for _, account := range []string{"office", "leader", "haishu"} {
		_, body := env.as(t, account).get(t, "/leaderboard?period=2026Q2")
		section := unrankedSection(body)
		if section == "" {
			t.Errorf("%s's 2026Q2 leaderboard lacks the section of units not ranked", account)
			continue
		}
		row := tableRow(t, section, zone)
		for col, want := range map[string]string{"单位类别": saima.KindOther, "原因": zoneReason} {
			if got := row[col]; got != want {
				t.Errorf("%s's 2026Q2 leaderboard: %s %s = %q, want %q", account, zone, col, got, want)
			}
		}
		if strings.Contains(section, "当前单位名单") {
			t.Errorf("%s's 2026Q2 leaderboard calls the run's own list the current roster's", account)
		}

		_, body = env.as(t, account).get(t, "/leaderboard?period=2026Q3")
		if section := unrankedSection(body); section != "" {
			t.Errorf("%s's 2026Q3 leaderboard lists units not ranked:\n%s", account, section)
		}
	}

	resp, body := env.get(t, "/units/"+zone+"/explain?period=2026Q2")
	if want := "原因：" + zoneReason; resp.StatusCode != http.StatusNotFound ||
		!strings.Contains(html.UnescapeString(body), want) {
		t.Errorf("explain page of %s in 2026Q2 = %d, want 404 with %q", zone, resp.StatusCode, want)
	}

	_, pdf := env.get(t, "/reports/quarterly/2026Q2.pdf")
	text := pdfText(t, []byte(pdf), "-layout")
	if !strings.Contains(text, "不参与排名的单位") {
		t.Errorf("2026Q2 PDF lacks the section of units not ranked:\n%s", text)
	}
	if got, want := pdfRow(text, zone), zone+" "+saima.KindOther+" "+zoneReason; got != want {
		t.Errorf("2026Q2 PDF row of %s = %q, want %q", zone, got, want)
	}
	_, pdf = env.get(t, "/reports/quarterly/2026Q3.pdf")
	if text := pdfText(t, []byte(pdf)); strings.Contains(text, "不参与排名") {
		t.Errorf("2026Q3 PDF lists units not ranked:\n%s", text)
	}
	_, pdf = env.get(t, "/reports/annual/2026.pdf")
	text = pdfText(t, []byte(pdf), "-layout")
	if !strings.Contains(text, "不参与排名的单位") {
		t.Errorf("2026 annual PDF lacks the section of units not ranked:\n%s", text)
	}
	if got, want := pdfRow(text, zone), zone+" "+saima.KindOther+" 二季度 "+zoneReason; got != want {
		t.Errorf("2026 annual PDF row of %s = %q, want %q", zone, got, want)
	}

	want := zone + "/" + saima.KindOther + "/" + zoneReason + "\n"
	xlsx, api, fromRoster := unrankedExports(t, env, "2026Q2")
	if xlsx != want || api != want || fromRoster {
		t.Errorf("2026Q2 exports list units not ranked as\nworkbook %q\nAPI %q, current roster %v\nwant %q from the run",
			xlsx, api, fromRoster, want)
	}
	if xlsx, api, _ := unrankedExports(t, env, "2026Q3"); xlsx != "" || api != "" {
		t.Errorf("2026Q3 exports list units not ranked: workbook %q, API %q", xlsx, api)
	}
}

// TestLeaderboardUnrankedOfOldRun adds a unit of track 不参与排名 to the
// roster after the 2026Q3 run. That run stored its list, so the unit is
// not listed. Once the run reads as stored before runs kept their lists,
// the leaderboard, PDF, workbook and API list the unit from the current
// roster and mark the list as the current roster's.
func TestLeaderboardUnrankedOfOldRun(t *testing.T) {
	env := newSeededEnv(t)
	writeWorkflowBatch(t, env.store, "units-unranked", saima.DatasetUnits, &saima.Batch{Units: []saima.Unit{
		{Name: zone, Kind: saima.KindOther, Track: saima.TrackUnranked, UnrankedReason: zoneReason},
	}})
	_, body := env.get(t, "/leaderboard?period=2026Q3")
	if section := unrankedSection(body); section != "" {
		t.Errorf("leaderboard of a run stored before %s joined the roster lists it:\n%s", zone, section)
	}

	chtest.ForgetRunUnranked(t, env.store)
	env.server.cache.clear()
	for _, account := range []string{"office", "leader", "haishu"} {
		_, body := env.as(t, account).get(t, "/leaderboard?period=2026Q3")
		section := unrankedSection(body)
		if section == "" {
			t.Errorf("%s's leaderboard of an old run lacks the section of units not ranked", account)
			continue
		}
		if got := tableRow(t, section, zone)["原因"]; got != zoneReason {
			t.Errorf("%s's leaderboard of an old run: %s 原因 = %q, want %q", account, zone, got, zoneReason)
		}
		if want := "以上按当前单位名单列出"; !strings.Contains(section, want) {
			t.Errorf("%s's leaderboard of an old run lacks %q", account, want)
		}
	}

	_, pdf := env.get(t, "/reports/quarterly/2026Q3.pdf")
	text := pdfText(t, []byte(pdf), "-layout")
	if got, want := pdfRow(text, zone), zone+" "+saima.KindOther+" "+zoneReason; got != want {
		t.Errorf("PDF row of %s = %q, want %q", zone, got, want)
	}
	if want := "下表按当前单位名单列出"; !strings.Contains(squeeze(text), want) {
		t.Errorf("PDF of an old run lacks %q:\n%s", want, text)
	}

	want := zone + "/" + saima.KindOther + "/" + zoneReason + "\n"
	xlsx, api, fromRoster := unrankedExports(t, env, "2026Q3")
	if xlsx != want+"\n"+unrankedRosterNote+"\n" {
		t.Errorf("workbook of an old run lists units not ranked as %q, want %q and the note", xlsx, want)
	}
	if api != want || !fromRoster {
		t.Errorf("API of an old run lists units not ranked as %q, current roster %v; want %q, true", api, fromRoster, want)
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
	want := "数据截止：本期已于2026-06-30结束，但这一版本读取的是2026-06-15已上传的数据，不是期末结果；请改革办按全部数据重新发布"
	text := squeeze(pdfText(t, []byte(pdf)))
	if !strings.Contains(text, want) {
		t.Errorf("quarterly PDF lacks %q:\n%s", want, text)
	}
	if strings.Contains(text, "才结束") {
		t.Error("quarterly PDF of the ended 2026Q2 says the quarter still runs")
	}

	_, pdf = env.get(t, "/reports/annual/2026.pdf")
	text = squeeze(pdfText(t, []byte(pdf)))
	for _, want := range []string{"二季度*", "注：2026年第二季度的结果读取的是2026-06-15已上传的数据，早于该季度结束（2026-06-30）"} {
		if !strings.Contains(text, want) {
			t.Errorf("annual PDF lacks %q", want)
		}
	}
}

// TestUnitPageSaysUnranked opens the page of a unit that the roster keeps
// out of the ranking. The page must state that, with the reason that the
// leaderboard shows beside the ranking.
func TestUnitPageSaysUnranked(t *testing.T) {
	env := newTestEnv(t, nil)
	writeEvaluationLedger(t, env.store)
	writeWorkflowBatch(t, env.store, "units-zone-out", saima.DatasetUnits, &saima.Batch{Units: []saima.Unit{
		{Name: zone, Kind: saima.KindOther, Track: saima.TrackUnranked, UnrankedReason: zoneReason},
	}})
	_, body := env.get(t, "/units/"+zone)
	if want := "该单位目前不参与排名，原因：" + zoneReason; !strings.Contains(html.UnescapeString(body), want) {
		t.Errorf("page of %s lacks %q", zone, want)
	}
	_, body = env.get(t, "/units/宁波市海曙区")
	if strings.Contains(html.UnescapeString(body), "不参与排名，原因") {
		t.Error("page of a ranked unit says it is not ranked")
	}
}

// TestUnitPageListsUnrankedPeriods leaves 宁波前湾新区 out of the published
// 2026Q2, then ranks it and publishes 2026Q2 again. Its page lists the
// periods whose shown result left it out, with the stored reason, and the
// diff of the two versions names it as left out of v1 with that reason.
func TestUnitPageListsUnrankedPeriods(t *testing.T) {
	env := newTestEnv(t, nil)
	ctx := context.Background()
	svc := publishZoneLeftOut(t, env)

	_, body := env.get(t, "/units/"+zone)
	section := sectionAfter(html.UnescapeString(body), "不参与排名的考评期间")
	if section == "" {
		t.Fatalf("page of %s lacks the periods whose ranking left it out", zone)
	}
	row := tableRow(t, section, q2.Label())
	for col, want := range map[string]string{"状态": "已发布 v1", "单位类别": saima.KindOther, "原因": zoneReason} {
		if got := row[col]; got != want {
			t.Errorf("page of %s: 2026Q2 %s = %q, want %q", zone, col, got, want)
		}
	}
	_, body = env.get(t, "/units/宁波市海曙区")
	if strings.Contains(body, "不参与排名的考评期间") {
		t.Error("page of a ranked unit lists periods that left it out")
	}

	writeWorkflowBatch(t, env.store, "units-zone-in", saima.DatasetUnits, &saima.Batch{Units: []saima.Unit{
		{Name: zone, Kind: saima.KindOther, Track: saima.KindDistrict},
	}})
	// A unit without any data is left out for that, so zone gets some.
	writeWorkflowBatch(t, env.store, "assessments-zone-q2", saima.DatasetAssessments, &saima.Batch{
		Assessments: []saima.Assessment{{Unit: zone, Indicator: "应用成效", Mode: "线上日常", Period: q2,
			Score: decimal.NewFromInt(80)}},
	})
	if _, err := svc.Publish(ctx, q2, "改革办", ""); err != nil {
		t.Fatal(err)
	}
	env.clock.Advance(time.Minute) // past the page cache
	_, body = env.get(t, "/units/"+zone)
	if strings.Contains(body, "不参与排名的考评期间") {
		t.Errorf("page of %s lists 2026Q2 as left out after v2 ranked it", zone)
	}

	var d diffAPI
	_, body = env.get(t, "/api/evaluations/2026Q2/diff?a=1&b=2")
	decodeJSON(t, body, &d)
	i := slices.IndexFunc(d.Units, func(u unitDiffJSON) bool { return u.Unit == zone })
	if i < 0 {
		t.Fatalf("diff of v1 and v2 lacks %s: %s", zone, body)
	}
	u := d.Units[i]
	if u.OldUnranked == nil || u.OldUnranked.Reason != zoneReason || u.OldUnranked.Kind != saima.KindOther {
		t.Errorf("diff of %s: old_unranked = %+v, want kind %s and reason %s", zone, u.OldUnranked, saima.KindOther, zoneReason)
	}
	if u.NewUnranked != nil || u.New == nil {
		t.Errorf("diff of %s: new = %+v, new_unranked = %+v; want ranked in v2", zone, u.New, u.NewUnranked)
	}
}

// sectionAfter returns the HTML of the section whose heading contains
// heading, or "" when the page has none.
func sectionAfter(body, heading string) string {
	i := strings.Index(body, heading)
	if i < 0 {
		return ""
	}
	section, _, _ := strings.Cut(body[i:], "</section>")
	return section
}

// publishZoneLeftOut writes the evaluation ledger with zone left out of
// the ranking (not ranked, for zoneReason), publishes 2026Q2 and returns
// the scoring service it used.
func publishZoneLeftOut(t *testing.T, env *testEnv) *scoring.Service {
	t.Helper()
	writeEvaluationLedger(t, env.store)
	writeWorkflowBatch(t, env.store, "units-zone-out", saima.DatasetUnits, &saima.Batch{Units: []saima.Unit{
		{Name: zone, Kind: saima.KindOther, Track: saima.TrackUnranked, UnrankedReason: zoneReason},
	}})
	svc := &scoring.Service{Store: env.store, Rules: []byte(evaluationRules), Now: env.clock.Now}
	if _, err := svc.Publish(context.Background(), q2, "改革办", ""); err != nil {
		t.Fatal(err)
	}
	return svc
}

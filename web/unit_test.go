package web

import (
	"context"
	"html"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/shopspring/decimal"

	"saima"
	"saima/scoring"
)

// TestUnitPageMarksDrafts checks that the unit page marks an unpublished
// result of a running quarter wherever it shows it, as the leaderboard
// does, and that its headline prefers the latest published quarter.
func TestUnitPageMarksDrafts(t *testing.T) {
	env := newEvaluationEnv(t)
	page := "/units/" + url.PathEscape("宁波市海曙区")
	haishu := env.as(t, "haishu")

	// On 2026-06-15 the only result is the draft of 2026Q2, still running.
	env.clock.Advance(time.Date(2026, 6, 15, 10, 0, 0, 0, saima.Beijing).Sub(env.clock.Now()))
	resp, body := haishu.get(t, page)
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("GET %s = %d, want 200", page, resp.StatusCode)
	}
	heading := regexp.MustCompile(`<h2>最新考评：[^<]*</h2>\s*<p class="meta">[^\n]*`).FindString(body)
	if !strings.Contains(heading, "2026年第二季度") || !strings.Contains(heading, "草稿") {
		t.Errorf("headline of a draft = %q, want 2026年第二季度 marked 草稿", heading)
	}
	for _, want := range []string{"本期到 2026-06-30 才结束", "<td>草稿（未发布）", jsonText("2026Q2（草稿）")} {
		if !strings.Contains(body, want) {
			t.Errorf("unit page with the draft of a running quarter lacks %q", want)
		}
	}

	// After the quarter, the office publishes 2026Q2, and a draft of
	// 2026Q3 is computed on 2026-07-20.
	env.clock.Advance(time.Date(2026, 7, 20, 10, 0, 0, 0, saima.Beijing).Sub(env.clock.Now()))
	if resp, body := env.publish(t, "office", `{"note":"正式发布"}`); resp.StatusCode != http.StatusCreated {
		t.Fatalf("publish 2026Q2 = %d: %s", resp.StatusCode, body)
	}
	q3 := saima.Quarter(2026, 3)
	writeOfficeBatch(t, env, saima.Batch{
		Upload: saima.Upload{ID: "ev-assessments-q3", Dataset: saima.DatasetAssessments},
		Assessments: []saima.Assessment{
			{Unit: "宁波市海曙区", Indicator: "应用成效", Mode: "线上日常", Period: q3, Score: decimal.NewFromInt(70)},
			{Unit: "宁波市江北区", Indicator: "应用成效", Mode: "线上日常", Period: q3, Score: decimal.NewFromInt(80)},
		},
	}, env.clock.Now())
	svc := &scoring.Service{Store: env.store, Rules: []byte(evaluationRules), Now: env.clock.Now}
	if _, err := svc.Draft(context.Background(), q3, "saima score"); err != nil {
		t.Fatalf("draft 2026Q3: %v", err)
	}
	env.server.cache.clear()

	_, body = haishu.get(t, page)
	heading = regexp.MustCompile(`<h2>最新考评：[^<]*</h2>\s*<p class="meta">[^\n]*`).FindString(body)
	if !strings.Contains(heading, "2026年第二季度") || !strings.Contains(heading, "已发布 v1") {
		t.Errorf("headline beside a newer draft = %q, want the published 2026年第二季度, 已发布 v1", heading)
	}
	for _, want := range []string{
		"2026年第三季度的结果尚未发布", "本期到 2026-09-30 才结束",
		"<td>已发布 v1</td>", "<td>草稿（未发布）", jsonText("2026Q3（草稿）"),
	} {
		if !strings.Contains(body, want) {
			t.Errorf("unit page with a published quarter and a newer draft lacks %q", want)
		}
	}
	if strings.Contains(body, "本期到 2026-06-30 才结束") {
		t.Errorf("unit page on 2026-07-20 still says 2026Q2 runs until 2026-06-30")
	}
	if strings.Contains(body, jsonText("2026Q2（草稿）")) {
		t.Errorf("unit page still marks the published 2026Q2 as a draft in its charts")
	}
}

// The unit page shows an overridden composite, and its rank, as the
// leaderboard does, marked † with the computed value beside it.
func TestUnitPageShowsOverrides(t *testing.T) {
	env := newEvaluationEnv(t)
	env.publish(t, "office", "")
	svc := &scoring.Service{Store: env.store}
	_, err := svc.Override(context.Background(), scoring.Override{Period: q2, Unit: "宁波市海曙区", Value: 90,
		By: "王五", Why: "复核"})
	if err != nil {
		t.Fatal(err)
	}
	env.server.cache.clear()

	page := "/units/" + url.PathEscape("宁波市海曙区")
	resp, body := env.as(t, "haishu").get(t, page)
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("GET %s = %d, want 200", page, resp.StatusCode)
	}
	text := html.UnescapeString(body)
	heading := regexp.MustCompile(`<h2>最新考评：[^<]*</h2>`).FindString(text)
	if !strings.Contains(heading, "第 1 名，综合得分 90.0†") {
		t.Errorf("headline = %q, want rank 1 and 90.0† as on the leaderboard", heading)
	}
	for _, want := range []string{"计算值 66.0", `<td class="num">90.0†（计算值 66.0）</td>`} {
		if !strings.Contains(text, want) {
			t.Errorf("unit page with an override lacks %q", want)
		}
	}
}

// An override of one unit's composite moves the other units of its track
// on the leaderboard, and their own pages must show the same ranks, even
// though their stored scores keep the computed ones.
func TestUnitPageRankMovedByOtherOverride(t *testing.T) {
	env := newEvaluationEnv(t)
	env.publish(t, "office", "")
	svc := &scoring.Service{Store: env.store}
	_, err := svc.Override(context.Background(), scoring.Override{Period: q2, Unit: "宁波市海曙区", Value: 90,
		By: "王五", Why: "复核"})
	if err != nil {
		t.Fatal(err)
	}
	env.server.cache.clear()

	var scores scoresAPI
	_, body := env.get(t, "/api/scores?period=2026Q2")
	decodeJSON(t, body, &scores)
	rank := 0
	for _, sc := range scores.Scores {
		if sc.Unit == "宁波市江北区" {
			rank = sc.Rank
		}
	}
	if rank != 2 {
		t.Fatalf("/api/scores rank of 宁波市江北区 = %d, want 2 below the overridden 宁波市海曙区", rank)
	}

	page := "/units/" + url.PathEscape("宁波市江北区")
	resp, body := env.get(t, page)
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("GET %s = %d, want 200", page, resp.StatusCode)
	}
	text := html.UnescapeString(body)
	heading := regexp.MustCompile(`<h2>最新考评：[^<]*</h2>`).FindString(text)
	if !strings.Contains(heading, "第 2 名，综合得分 84.0") {
		t.Errorf("headline = %q, want rank 2 and 84.0 as on the leaderboard", heading)
	}
	row := regexp.MustCompile(`2026年第二季度</a></th>\s*<td>[^<]*</td>\s*<td class="num">(\d+)</td>`).FindStringSubmatch(text)
	if row == nil || row[1] != "2" {
		t.Errorf("history row of 2026Q2 = %q, want rank 2", row)
	}
	if want := jsonText(`"value":"2"`); !strings.Contains(body, want) {
		t.Errorf("rank trend lacks %s, the leaderboard's rank", want)
	}
}

// A milestone counts against the unit that the milestone names as
// responsible, as on the heatmap, the milestone list, the quarterly PDF
// and in the scoring, and not against its project's unit. Each unit page
// lists that unit's overdue milestones, so the counts agree.
func TestUnitPageOverdueByResponsibleUnit(t *testing.T) {
	env := newTestEnv(t, nil)
	day := func(s string) saima.Date {
		d, err := saima.ParseDate(s)
		if err != nil {
			t.Fatal(err)
		}
		return d
	}
	at := time.Date(2026, 7, 3, 9, 0, 0, 0, saima.Beijing)
	writeOfficeBatch(t, env, saima.Batch{Upload: saima.Upload{ID: "od-units", Dataset: saima.DatasetUnits},
		Units: seedUnits}, at)
	writeOfficeBatch(t, env, saima.Batch{Upload: saima.Upload{ID: "od-projects", Dataset: saima.DatasetProjects},
		Projects: []saima.Project{{Code: "NB-2026-041", Name: "海曙区一老一小", Unit: "宁波市海曙区", System: "数字社会"}}},
		at)
	writeOfficeBatch(t, env, saima.Batch{Upload: saima.Upload{ID: "od-milestones", Dataset: saima.DatasetMilestones},
		Milestones: []saima.Milestone{
			{ProjectCode: "NB-2026-041", Name: "场景设计", Planned: day("2026-05-31"), Status: "进行中"},
			{ProjectCode: "NB-2026-041", Name: "数据归集", Unit: "市大数据局", Planned: day("2026-06-15"),
				Status: "进行中"},
		}}, at)

	tests := []struct {
		unit      string
		want      string // the heading with the count
		listed    string
		notListed string
	}{
		{"宁波市海曙区", "逾期里程碑（1 个", "场景设计", "数据归集"},
		{"市大数据局", "逾期里程碑（1 个", "NB-2026-041 海曙区一老一小：数据归集", "场景设计"},
	}
	for _, tt := range tests {
		t.Run(tt.unit, func(t *testing.T) {
			page := "/units/" + url.PathEscape(tt.unit)
			resp, body := env.get(t, page)
			if resp.StatusCode != http.StatusOK {
				t.Fatalf("GET %s = %d, want 200", page, resp.StatusCode)
			}
			text := html.UnescapeString(body)
			section := text[strings.Index(text, "<h2>逾期里程碑"):]
			if !strings.HasPrefix(section, "<h2>"+tt.want) {
				t.Errorf("overdue heading = %.60q, want %q", section, tt.want)
			}
			if !strings.Contains(section, tt.listed) {
				t.Errorf("overdue list of %s lacks %q", tt.unit, tt.listed)
			}
			if strings.Contains(section, tt.notListed) {
				t.Errorf("overdue list of %s shows %q, another unit's milestone", tt.unit, tt.notListed)
			}

			_, body = env.get(t, "/milestones?overdue=1&unit="+url.QueryEscape(tt.unit))
			if want := "共 1 个里程碑"; !strings.Contains(body, want) {
				t.Errorf("/milestones?overdue=1 of %s lacks %q, the unit page's count", tt.unit, want)
			}
		})
	}
}

// A unit's page lists the other units' projects it leads or cooperates
// on, with its own milestones there. A unit account cannot open project
// pages, so this is where it finds the milestones it may upload.
func TestUnitPageSharedProjects(t *testing.T) {
	env := newSeededEnv(t)
	at := time.Date(2026, 7, 3, 9, 0, 0, 0, saima.Beijing)
	planned := func(s string) saima.Date {
		d, err := saima.ParseDate(s)
		if err != nil {
			t.Fatal(err)
		}
		return d
	}
	done := planned("2026-06-20")
	writeOfficeBatch(t, env, saima.Batch{Upload: saima.Upload{ID: "od-shared", Dataset: saima.DatasetProjects},
		Projects: []saima.Project{
			{Code: "NB-2026-051", Name: "城市数据底座", Unit: "市大数据局", Partners: []string{"宁波市海曙区"}, System: "公共数据平台"},
			{Code: "NB-2026-052", Name: "基层治理协同", Unit: "市大数据局", LeadUnit: "宁波市海曙区", System: "整体智治"},
			{Code: "NB-2026-053", Name: "无关项目", Unit: "市大数据局", System: "数字政府"},
		}}, at)
	writeOfficeBatch(t, env, saima.Batch{Upload: saima.Upload{ID: "od-shared-ms", Dataset: saima.DatasetMilestones},
		Milestones: []saima.Milestone{
			{ProjectCode: "NB-2026-051", Name: "海曙数据接入", Unit: "宁波市海曙区", Planned: planned("2026-12-31"), Status: "未开始"},
			{ProjectCode: "NB-2026-051", Name: "海曙需求梳理", Unit: "宁波市海曙区", Planned: planned("2026-06-30"), Actual: &done, Status: "已完成"},
			{ProjectCode: "NB-2026-051", Name: "海曙业务培训", Unit: "宁波市海曙区", Planned: planned("2026-09-01"), Status: "未开始"},
			{ProjectCode: "NB-2026-051", Name: "平台上线", Planned: planned("2026-12-31"), Status: "未开始"},
		}}, at)

	_, body := env.as(t, "haishu").get(t, "/units/"+url.PathEscape("宁波市海曙区"))
	text := html.UnescapeString(body)
	start := strings.Index(text, "<h2>牵头或协同的其他单位项目")
	if start < 0 {
		t.Fatalf("unit page lacks the shared projects section:\n%s", text)
	}
	section := text[start:]
	section = section[:strings.Index(section, "</section>")]
	for _, want := range []string{"（2 个）", "NB-2026-051", "协同单位", "海曙需求梳理（计划 2026-06-30，2026-06-20 完成）；海曙业务培训（计划 2026-09-01，已逾期 49 天）；" +
		"海曙数据接入（计划 2026-12-31，未开始）",
		"NB-2026-052", "牵头单位"} {
		if !strings.Contains(section, want) {
			t.Errorf("shared projects section lacks %q:\n%s", want, section)
		}
	}
	for _, unwanted := range []string{"NB-2026-053", "平台上线"} {
		if strings.Contains(section, unwanted) {
			t.Errorf("shared projects section shows %q, which is not the unit's", unwanted)
		}
	}
}

// TestUnitRadarMeanWithOverride checks that the radar's track mean takes
// the indicator scores that the leaderboard shows, overrides included.
func TestUnitRadarMeanWithOverride(t *testing.T) {
	env := newEvaluationEnv(t)
	env.publish(t, "office", "")
	// The track's assessment scores are 60, 50 and 90, a mean of 66.67.
	// 宁波市海曙区's 90 overridden to 100 makes the mean 70.
	svc := &scoring.Service{Store: env.store}
	_, err := svc.Override(context.Background(), scoring.Override{Period: q2, Unit: "宁波市海曙区",
		Indicator: "assessment_mean", Value: 100, By: "王五", Why: "复核"})
	if err != nil {
		t.Fatal(err)
	}
	env.server.cache.clear()

	page := "/units/" + url.PathEscape("宁波市江北区")
	resp, body := env.get(t, page)
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("GET %s = %d, want 200", page, resp.StatusCode)
	}
	if want := `"70.00"`; !strings.Contains(body, want) {
		t.Errorf("radar of 宁波市江北区 lacks the track mean %s with the override", want)
	}
	if stale := `"66.67"`; strings.Contains(body, stale) {
		t.Errorf("radar of 宁波市江北区 shows the track mean %s without the override", stale)
	}
}

// The unit page's footnote names the rule set's version by its first 8
// characters, as the leaderboard and the PDF reports do. The whole
// SHA-256 has 64 characters and no break, so at a phone's 390 px width it
// makes the page scroll sideways.
func TestUnitPageShortRuleSetVersion(t *testing.T) {
	env := newEvaluationEnv(t)
	env.publish(t, "office", "")
	env.server.cache.clear()

	page := "/units/" + url.PathEscape("宁波市海曙区")
	resp, body := env.as(t, "haishu").get(t, page)
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("GET %s = %d, want 200", page, resp.StatusCode)
	}
	footnote := regexp.MustCompile(`计分规则：[^（<]*（版本 ([^）]*)）`).FindStringSubmatch(html.UnescapeString(body))
	if footnote == nil {
		t.Fatalf("unit page has no 计分规则 footnote with a version")
	}
	if got := footnote[1]; len(got) != 8 {
		t.Errorf("footnote version = %q (%d characters), want its first 8", got, len(got))
	}
}

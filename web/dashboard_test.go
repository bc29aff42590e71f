package web

import (
	"context"
	"encoding/json"
	"fmt"
	"html"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/shopspring/decimal"

	"saima"
	"saima/clickhouse"
)

// seedDashboard adds to the seed data what the dashboards read besides:
// projects for the pioneer list, milestones since 2025 done on time, late
// or not at all, the problem list and the year's assessments. Its uploads
// are dated before the seed's, so 数据更新时间 stays the seed's.
//
// On testNow (2026-10-20) the overdue milestones are 驾驶舱上线 (宁波市海曙区,
// 2026-09, open), the img unit's milestone (2026-08, open), 需求调研 (the
// script unit, 2025-03, done late), 验收 (宁波市江北区, 2026-06, done late) and
// 场景上线 (宁波市江北区, 2026-09, open).
func seedDashboard(tb testing.TB, s *clickhouse.Store) {
	tb.Helper()
	ctx := context.Background()
	for i, b := range dashboardBatches() {
		b.Upload.ID = fmt.Sprintf("dashboard-%d", i)
		b.Upload.Uploader = "office"
		b.Upload.At = seedAt.Add(-time.Hour + time.Duration(i)*time.Minute)
		b.Upload.FileName = b.Upload.Dataset + ".csv"
		if err := s.WriteBatch(ctx, b); err != nil {
			tb.Fatalf("write %s: %v", b.Upload.Dataset, err)
		}
	}
}

func dashboardBatches() []*saima.Batch {
	day := func(s string) saima.Date {
		d, err := saima.ParseDate(s)
		if err != nil {
			panic(err)
		}
		return d
	}
	ptr := func(s string) *saima.Date { d := day(s); return &d }
	pct := func(s string) decimal.NullDecimal { return decimal.NewNullDecimal(decimal.RequireFromString(s)) }
	q3 := saima.Quarter(2026, 3)

	return []*saima.Batch{
		{Upload: saima.Upload{Dataset: saima.DatasetProjects}, Projects: []saima.Project{
			{Code: "NB-2026-005", Name: "城市大脑数字孪生", Unit: "宁波市江北区", System: "整体智治", Batch: "继续推进"},
			{Code: "NB-2026-006", Name: "一网统管", Unit: funcName, System: "数字政府", Batch: "启动实施"},
			{Code: "NB-2026-007", Name: "未来社区", Unit: "宁波市江北区", System: "数字社会", Batch: "启动实施"},
			{Code: "NB-2026-008", Name: "=1+2", Unit: "吉𠮷镇", System: "数字法治", Batch: "启动实施"},
		}},
		{Upload: saima.Upload{Dataset: saima.DatasetStages}, Stages: []saima.StageEvent{
			{ProjectCode: "NB-2026-005", Stage: "实施", Date: day("2026-04-01")},
			{ProjectCode: "NB-2026-006", Stage: "评估", Date: day("2026-09-01")},
			{ProjectCode: "NB-2026-007", Stage: "实施", Date: day("2026-05-01")},
		}},
		{Upload: saima.Upload{Dataset: saima.DatasetMilestones}, Milestones: []saima.Milestone{
			{ProjectCode: "NB-2026-003", Name: "需求调研", Planned: day("2025-03-31"), Actual: ptr("2025-04-10"), Status: "已完成"},
			{ProjectCode: "NB-2026-002", Name: "数据对接", Planned: day("2026-03-31"), Actual: ptr("2026-03-30"), Status: "已完成"},
			{ProjectCode: "NB-2026-001", Name: "接口联调", Planned: day("2026-08-15"), Actual: ptr("2026-08-10"), Status: "已完成"},
			{ProjectCode: "NB-2026-005", Name: "上线试运行", Planned: day("2026-06-30"), Actual: ptr("2026-06-28"), Status: "已完成"},
			{ProjectCode: "NB-2026-005", Name: "验收", Planned: day("2026-06-30"), Actual: ptr("2026-07-05"), Status: "已完成"},
			{ProjectCode: "NB-2026-006", Name: "方案定稿", Planned: day("2026-05-31"), Actual: ptr("2026-05-20"), Status: "已完成"},
			{ProjectCode: "NB-2026-007", Name: "场景上线", Planned: day("2026-09-15"), Status: "进行中"},
		}},
		{Upload: saima.Upload{Dataset: saima.DatasetProgress}, Progress: []saima.ProgressReport{
			{Unit: "宁波市江北区", ProjectCode: "NB-2026-005", ProjectName: "城市大脑数字孪生", Period: q3, Percent: pct("95")},
			{Unit: funcName, ProjectCode: "NB-2026-006", ProjectName: "一网统管", Period: q3, Percent: pct("92")},
			{Unit: "宁波市江北区", ProjectCode: "NB-2026-007", ProjectName: "未来社区", Period: q3, Percent: pct("99")},
			{Unit: "吉𠮷镇", ProjectCode: "NB-2026-008", ProjectName: "=1+2", Period: q3, Percent: pct("50")},
		}},
		{Upload: saima.Upload{Dataset: saima.DatasetProblems}, Problems: []saima.ProblemItem{
			{ID: "P-001", Unit: "宁波市海曙区", ProjectCode: "NB-2026-001", Source: "自查", Category: "数据共享",
				Stage: "收集", Level: 1, Opened: day("2026-09-01"), Summary: "驾驶舱数据延迟"},
			{ID: "P-002", Unit: "市大数据局", ProjectCode: "NB-2026-002", Source: "群众反映", Category: "系统性能",
				Stage: "分办落实", Level: 3, Opened: day("2026-08-15"), Summary: scriptName},
			{ID: "P-003", Unit: imgName, ProjectCode: "NB-2026-004", Source: "在线扫描", Category: "=1+2",
				Stage: "已办结", Level: 2, Opened: day("2026-07-01"), Closed: ptr("2026-07-31"), Summary: funcName},
			{ID: "P-004", Unit: "宁波市江北区", Source: "自查", Category: "数据共享",
				Stage: "分析研判", Level: 2, Opened: day("2026-10-10"), Summary: "接口文档缺失"},
		}},
		{Upload: saima.Upload{Dataset: saima.DatasetAssessments}, Assessments: []saima.Assessment{
			{Unit: "宁波市海曙区", Indicator: "年终考评", Mode: "线下年终", Period: saima.Year(2026),
				Score: decimal.RequireFromString("90"), FullMarks: pct("100")},
			{Unit: "市大数据局", Indicator: "年终考评", Mode: "线下年终", Period: saima.Year(2026),
				Score: decimal.RequireFromString("45"), FullMarks: pct("50")},
		}},
	}
}

// newDashboardEnv starts a server over the seed data and the dashboard
// data.
func newDashboardEnv(tb testing.TB) *testEnv {
	tb.Helper()
	env := newSeededEnv(tb)
	seedDashboard(tb, env.store)
	return env
}

// jsonText is how a string appears inside a chart option embedded in a
// page: & < > escaped as \u0026 \u003c \u003e.
func jsonText(s string) string {
	return strings.NewReplacer("&", `\u0026`, "<", `\u003c`, ">", `\u003e`).Replace(s)
}

func TestDashboardPages(t *testing.T) {
	env := newDashboardEnv(t)
	tests := []struct {
		name   string
		target string
		want   []string // texts the page shows, after HTML unescaping
		raw    []string // texts of the raw body, such as links inside chart options
	}{
		{"overview", "/overview",
			[]string{"全市总览", "项目总数", "8", "实施阶段项目", "逾期里程碑", "5", "其中 3 个尚未完成",
				"2026年第四季度按期完成率", "—", "未办结问题", "其中升级至市领导 1 个", "逾期里程碑与按期完成率按 2026-10-20 计算"},
			[]string{`id="chart-overview-stages"`, `id="chart-overview-ontime"`, `id="chart-overview-systems"`,
				`id="chart-overview-problems"`, "全市里程碑按期完成率", `"value":"75.0"`, `"value":"25.0"`,
				`"link":"/milestones?period=2026Q2"`, jsonText(`"link":"/ledger?stage=` + url.QueryEscape("实施")),
				jsonText(`"link":"/ledger?system=` + url.QueryEscape("整体智治")),
				jsonText(`"link":"/problems?level=3&stage=` + url.QueryEscape("分办落实")),
				`href="/problems?open=1"`, `href="/milestones?overdue=1"`,
				`<span class="value">8</span>`, `<span class="value">5</span>`, `<span class="value">3</span>`}},
		{"heatmap", "/heatmap",
			[]string{"逾期里程碑热力图", "宁波市海曙区", "宁波市江北区", scriptName, imgName, "自 2025年1月 起"},
			[]string{`id="chart-heatmap"`, `"2025-03"`, `"2026-10"`, jsonText(scriptName),
				jsonText(`"link":"/milestones?overdue=1&period=2026-06&unit=` + url.QueryEscape("宁波市江北区")),
				jsonText(`"link":"/milestones?overdue=1&period=2026-09&unit=` + url.QueryEscape("宁波市江北区")),
				`href="/milestones?overdue=1&amp;unit=` + url.QueryEscape("宁波市江北区")}},
		{"problems", "/problems",
			[]string{"问题清单", "共 4 条问题", "P-001", "P-002", "P-003", "P-004", scriptName, funcName, "=1+2", "改革办", "30",
				"层级是办理问题的层级，共3级：1 牵头单位 → 2 改革办 → 3 市领导"},
			[]string{`id="chart-problems"`, jsonText(`"link":"/problems?level=2&stage=` + url.QueryEscape("已办结"))}},
		{"problems by stage", "/problems?stage=" + url.QueryEscape("已办结"),
			[]string{"共 1 条问题", "P-003", "2026-07-31"}, nil},
		{"problems by level", "/problems?level=3", []string{"共 1 条问题", "P-002"}, nil},
		{"problems by unit", "/problems?unit=" + url.QueryEscape(imgName), []string{"共 1 条问题", "P-003"}, nil},
		{"open problems by category", "/problems?open=1&category=" + url.QueryEscape("数据共享"),
			[]string{"共 2 条问题", "P-001", "P-004"}, nil},
		{"pioneers", "/pioneers",
			[]string{"先锋榜", "共 2 个项目符合条件", "NB-2026-005", "城市大脑数字孪生", "95%", "50.0%", "1 / 2",
				"NB-2026-006", "一网统管", "92%", "100.0%", funcName, "不低于 90%"},
			[]string{`id="chart-pioneers"`, `"value":"95.0"`, jsonText(`"link":"/ledger?q=NB-2026-005"`)}},
		{"milestones of a quarter", "/milestones?period=2026Q2",
			[]string{"2026年第二季度里程碑", "共 4 个里程碑，其中 4 个已到计划日期、3 个按期完成，按期完成率 75.0%", "验收", "逾期完成", "5 天"}, nil},
		{"overdue milestones of a unit", "/milestones?overdue=1&unit=" + url.QueryEscape("宁波市江北区"),
			[]string{"宁波市江北区逾期里程碑", "共 2 个里程碑", "场景上线", "逾期未完成", "35 天", "验收"}, nil},
		{"unit page radar and projects", "/units/" + url.PathEscape("宁波市海曙区"),
			[]string{"本单位项目（1 个）", "城市大脑驾驶舱", "逾期里程碑（1 个，按 2026-10-20 计算）", "驾驶舱上线", "已逾期 20 天"},
			[]string{`id="chart-radar"`, "赛道平均", "2026年第三季度指标得分与赛道平均",
				jsonText(`"link":"/leaderboard?period=2026Q3&track=` + url.QueryEscape(saima.KindDistrict))}},
		{"unit page of injection name", "/units/" + url.PathEscape(imgName),
			[]string{"本单位项目（1 个）", "逾期里程碑（1 个"}, []string{`id="chart-radar"`}},
		{"leaderboard links", "/leaderboard?period=2026Q3",
			[]string{"导出本期排名（Excel）", "打包下载各单位考评报告（ZIP）", "下载2026年度考评报告（PDF）"},
			[]string{`href="/export/ranking.xlsx?period=2026Q3"`, `href="/reports/quarterly/2026Q3/units.zip"`,
				`href="/reports/annual/2026.pdf"`,
				jsonText(`"link":"` + unitURL("宁波市海曙区") + `"`), jsonText(`"link":"` + unitURL(scriptName) + `"`)}},
		{"ledger links", "/ledger?overdue=1&unit=" + url.QueryEscape("宁波市海曙区"),
			[]string{"导出当前筛选结果（Excel）", "导出当前筛选结果（PDF）"},
			[]string{`href="/export/ledger.xlsx?overdue=1&amp;unit=` + url.QueryEscape("宁波市海曙区"),
				`href="/reports/ledger.pdf?overdue=1&amp;unit=` + url.QueryEscape("宁波市海曙区"),
				jsonText(`"link":"/ledger?overdue=1&stage=` + url.QueryEscape("实施") + `&unit=` + url.QueryEscape("宁波市海曙区") + `"`)}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			resp, body := env.get(t, tt.target)
			if resp.StatusCode != http.StatusOK {
				t.Fatalf("GET %s status = %d, want 200; body:\n%s", tt.target, resp.StatusCode, body)
			}
			text := html.UnescapeString(body)
			for _, w := range tt.want {
				if !strings.Contains(text, w) {
					t.Errorf("GET %s: page lacks %q", tt.target, w)
				}
			}
			for _, w := range append(tt.raw, "数据更新时间：<time>2026-10-15 09:34</time>") {
				if !strings.Contains(body, w) {
					t.Errorf("GET %s: body lacks %s", tt.target, w)
				}
			}
			assertNoRawInjection(t, tt.target, body)
		})
	}
}

func TestDashboardNav(t *testing.T) {
	env := newDashboardEnv(t)
	_, body := env.get(t, "/leaderboard")
	nav := body[strings.Index(body, `<nav aria-label="主导航">`):strings.Index(body, "</nav>")]
	first := strings.Index(nav, `href="/overview"`)
	if first < 0 || first > strings.Index(nav, `href="/leaderboard"`) {
		t.Errorf("nav does not link 全市总览 first:\n%s", nav)
	}
	for _, link := range []string{`href="/heatmap"`, `href="/problems"`, `href="/pioneers"`} {
		if !strings.Contains(nav, link) {
			t.Errorf("nav lacks %s", link)
		}
	}
	_, body = env.as(t, "haishu").get(t, "/leaderboard")
	if strings.Contains(body, `href="/overview"`) {
		t.Errorf("a unit account's nav links the overview, which it may not open")
	}
}

func TestDashboardEmptyDatabase(t *testing.T) {
	env := newTestEnv(t, nil)
	tests := []struct {
		target string
		want   string
	}{
		{"/overview", "暂无项目数据"},
		{"/heatmap", "没有逾期里程碑"},
		{"/problems", "没有符合条件的问题"},
		{"/pioneers", "暂无符合先锋榜条件的项目"},
		{"/milestones", "没有符合条件的里程碑"},
	}
	for _, tt := range tests {
		resp, body := env.get(t, tt.target)
		if resp.StatusCode != http.StatusOK {
			t.Errorf("GET %s on an empty database status = %d, want 200", tt.target, resp.StatusCode)
		}
		if !strings.Contains(body, tt.want) {
			t.Errorf("GET %s on an empty database lacks %q", tt.target, tt.want)
		}
	}
}

// TestScorePeriodErrorsEmpty checks that the leaderboard and the scores
// API reject a bad period on a ledger with no scores as they do on one
// with scores, rather than showing an empty ranking.
func TestScorePeriodErrorsEmpty(t *testing.T) {
	empty := newTestEnv(t, nil)
	full := newDashboardEnv(t)
	tests := []struct {
		target  string
		message string
	}{
		{"/api/scores?period=2100Q1", "考评期间（参数 period）的值“2100Q1”无效"},
		{"/leaderboard?period=1999Q4", "考评期间（参数 period）的值“1999Q4”无效"},
		{"/api/scores?period=2026.1", "考评期间（参数 period）的值“2026.1”无效"},
		{"/leaderboard?period=2026H2", "排行榜按季度考评，应为季度（如 2026Q3）"},
		{"/api/scores?period=2026-09", "该月属于2026年第三季度"},
		{"/leaderboard?period=2026", "2026年度不单独排名"},
	}
	for _, tt := range tests {
		for name, env := range map[string]*testEnv{"empty": empty, "scored": full} {
			resp, body := env.get(t, tt.target)
			if resp.StatusCode != http.StatusBadRequest {
				t.Errorf("%s ledger: GET %s status = %d, want 400", name, tt.target, resp.StatusCode)
			}
			if !strings.Contains(html.UnescapeString(body), tt.message) {
				t.Errorf("%s ledger: GET %s body lacks %q:\n%s", name, tt.target, tt.message, body)
			}
		}
	}
	for _, target := range []string{"/api/scores?period=2026Q3", "/leaderboard?period=2026Q3", "/api/scores"} {
		if resp, _ := empty.get(t, target); resp.StatusCode != http.StatusOK {
			t.Errorf("empty ledger: GET %s status = %d, want 200", target, resp.StatusCode)
		}
	}
}

func TestDashboardErrors(t *testing.T) {
	env := newDashboardEnv(t)
	tests := []struct {
		name    string
		target  string
		status  int
		message string
	}{
		{"unknown problem stage", "/problems?stage=" + url.QueryEscape(scriptName), 400, "可选值为收集、梳理归类"},
		{"problem level out of range", "/problems?level=4", 400, "应为1至3之间的层级编号（1 牵头单位、2 改革办、3 市领导）"},
		{"bad open flag", "/problems?open=yes", 400, "是否未办结（参数 open）的值“yes”无效"},
		{"milestones of a year", "/milestones?period=2026", 400, "应为季度（如 2026Q3）或月份"},
		{"leaderboard of a half year", "/leaderboard?period=2026H2", 400,
			"考评期间（参数 period）的值“2026H2”无效：排行榜按季度考评，应为季度（如 2026Q3）<"},
		{"leaderboard of a month", "/leaderboard?period=2026-09", 400,
			"2026年9月不单独考评：考评按季度进行，该月属于2026年第三季度，请查看 2026Q3"},
		{"leaderboard of a year", "/leaderboard?period=2026", 400,
			"2026年度不单独排名：年度排名见年度考评报告 /reports/annual/2026.pdf"},
		{"scores API of a month", "/api/scores?period=2026-09", 400, "该月属于2026年第三季度"},
		{"bad milestone overdue flag", "/milestones?overdue=2", 400, "应为 1 或 0"},
		{"annual of a bad year", "/reports/annual/20x6.pdf", 400, "应为四位年份"},
		{"annual without scores", "/reports/annual/2025.pdf", 404, "2025年度各季度均无考评得分"},
		{"zip of a year", "/reports/quarterly/2026/units.zip", 400, "应为季度"},
		{"zip without scores", "/reports/quarterly/2025Q1/units.zip", 404, "2025年第一季度尚无考评得分"},
		{"ranking without scores", "/export/ranking.xlsx?period=2025Q1", 404, "2025年第一季度暂无考评结果"},
		{"ranking of an unknown track", "/export/ranking.xlsx?track=" + url.QueryEscape(imgName), 404, "本期没有赛道"},
		{"ledger export with a bad stage", "/export/ledger.xlsx?stage=" + url.QueryEscape(imgName), 400, "可选值为预报"},
		{"ledger PDF with a bad flag", "/reports/ledger.pdf?overdue=x", 400, "应为 1 或 0"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			resp, body := env.get(t, tt.target)
			if resp.StatusCode != tt.status {
				t.Fatalf("GET %s status = %d, want %d; body:\n%s", tt.target, resp.StatusCode, tt.status, body)
			}
			if !strings.Contains(html.UnescapeString(body), tt.message) {
				t.Errorf("GET %s body lacks %q:\n%s", tt.target, tt.message, body)
			}
			assertNoRawInjection(t, tt.target, body)
		})
	}
}

// TestDashboardRoles checks who may open the new pages: the office and
// leaders every one, a unit only the ranking export.
func TestDashboardRoles(t *testing.T) {
	env := newDashboardEnv(t)
	targets := []string{
		"/overview", "/heatmap", "/problems", "/pioneers", "/milestones", "/export/ledger.xlsx",
		"/reports/ledger.pdf", "/reports/annual/2026.pdf",
	}
	for _, target := range targets {
		if resp, _ := env.as(t, "leader").get(t, target); resp.StatusCode != http.StatusOK {
			t.Errorf("leader GET %s status = %d, want 200", target, resp.StatusCode)
		}
		if resp, _ := env.as(t, "haishu").get(t, target); resp.StatusCode != http.StatusForbidden {
			t.Errorf("unit GET %s status = %d, want 403", target, resp.StatusCode)
		}
		if resp, _ := env.anonymous().get(t, target); resp.StatusCode != http.StatusSeeOther {
			t.Errorf("anonymous GET %s status = %d, want 303 to the login page", target, resp.StatusCode)
		}
	}
	if resp, _ := env.as(t, "haishu").get(t, "/export/ranking.xlsx"); resp.StatusCode != http.StatusOK {
		t.Errorf("unit GET /export/ranking.xlsx status = %d, want 200 as for the leaderboard", resp.StatusCode)
	}
}

// TestUnitAccountLinksOpen follows every link shown to a unit account on
// the leaderboard and on its own unit page, chart bars included: none may
// return 403. Other units' names are plain text, and the ledger links are
// left out.
func TestUnitAccountLinksOpen(t *testing.T) {
	env := newDashboardEnv(t)
	unit := env.as(t, "haishu")
	// Links in the page's markup, and links of chart items in its
	// embedded chart options, which dashboard.js follows on a click.
	href := regexp.MustCompile(`(?:href="|"link":")(/[^"]*)"`)
	for _, page := range []string{"/leaderboard", unitURL("宁波市海曙区")} {
		resp, body := unit.get(t, page)
		if resp.StatusCode != http.StatusOK {
			t.Fatalf("GET %s status = %d, want 200", page, resp.StatusCode)
		}
		links := href.FindAllStringSubmatch(body, -1)
		if len(links) < 5 {
			t.Fatalf("%s has %d links, want the page's own", page, len(links))
		}
		for _, m := range links {
			target := html.UnescapeString(m[1])
			if resp, _ := unit.get(t, target); resp.StatusCode == http.StatusForbidden {
				t.Errorf("%s links %s, which returns 403 to the unit account", page, target)
			}
		}
	}
	_, body := unit.get(t, "/leaderboard")
	if !strings.Contains(body, `<th scope="row">宁波市江北区</th>`) {
		t.Errorf("leaderboard does not show 宁波市江北区 as plain text to a unit account")
	}
	if _, body := env.get(t, "/leaderboard"); !strings.Contains(body, `<a href="/units/%E5%AE%81%E6%B3%A2%E5%B8%82%E6%B1%9F%E5%8C%97%E5%8C%BA">宁波市江北区</a>`) {
		t.Errorf("leaderboard does not link 宁波市江北区 for the office")
	}
}

// TestHeatmapCellOpensItsMilestones checks that each heatmap cell opens a
// list of exactly the milestones it counts, also for a unit responsible
// for a milestone of another unit's project.
func TestHeatmapCellOpensItsMilestones(t *testing.T) {
	env := newDashboardEnv(t)
	late := &saima.Batch{Upload: saima.Upload{ID: "heatmap-other", Dataset: saima.DatasetMilestones,
		Uploader: "office", At: seedAt.Add(time.Hour), FileName: "milestones.csv"}, Milestones: []saima.Milestone{
		{ProjectCode: "NB-2026-005", Name: "数据对接", Unit: "市大数据局", Planned: saima.NewDate(2026, 8, 31),
			Status: "进行中"},
	}}
	if err := env.store.WriteBatch(context.Background(), late); err != nil {
		t.Fatal(err)
	}

	_, body := env.get(t, "/heatmap")
	option := regexp.MustCompile(`(?s)<script type="application/json"[^>]*>(.*?)</script>`).FindStringSubmatch(body)
	if option == nil {
		t.Fatal("heatmap page has no chart option")
	}
	var chart struct {
		Series []struct {
			Data []struct {
				Value [3]float64 `json:"value"`
				Link  string     `json:"link"`
			} `json:"data"`
		} `json:"series"`
	}
	if err := json.Unmarshal([]byte(option[1]), &chart); err != nil {
		t.Fatalf("decode heatmap option: %v", err)
	}
	if len(chart.Series) == 0 || len(chart.Series[0].Data) == 0 {
		t.Fatal("heatmap has no cells")
	}
	for _, cell := range chart.Series[0].Data {
		resp, page := env.get(t, cell.Link)
		if resp.StatusCode != http.StatusOK {
			t.Errorf("GET %s = %d, want 200", cell.Link, resp.StatusCode)
			continue
		}
		if want := fmt.Sprintf("共 %d 个里程碑", int(cell.Value[2])); !strings.Contains(page, want) {
			t.Errorf("GET %s lacks %q, the count of its heatmap cell", cell.Link, want)
		}
	}
}

package web

import (
	"bytes"
	"html"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"saima"
	"saima/clickhouse"
)

// seedWorkflows writes problem steps, a leader-led project with reports
// and data for reminders on top of the seed data. testNow is 2026-10-20.
func seedWorkflows(tb testing.TB, store *clickhouse.Store) {
	tb.Helper()
	closed := day("2026-05-30")
	writeWorkflowBatch(tb, store, "wf-problems", saima.DatasetProblems, &saima.Batch{Problems: []saima.ProblemItem{
		{ID: "P1", Unit: "宁波市海曙区", Stage: "已办结", Opened: day("2026-03-01"), Closed: &closed, Summary: "接口不通"},
		{ID: "P2", Unit: scriptName, Stage: "分析研判", Opened: day("2026-09-01"), Summary: imgName},
	}})
	writeWorkflowBatch(tb, store, "wf-steps", saima.DatasetProblemSteps, &saima.Batch{ProblemSteps: []saima.ProblemStep{
		{ProblemID: "P1", Step: "收集", Level: 1, Date: day("2026-03-02")},
		{ProblemID: "P1", Step: saima.StepEscalate, Level: 3, Date: day("2026-04-01"), Handler: funcName},
		{ProblemID: "P1", Step: "已办结", Level: 3, Date: day("2026-04-30")},
		{ProblemID: "P2", Step: "收集", Level: 1, Date: day("2026-09-01")},
		// A step stored when the loop had a fourth level, 主要领导.
		{ProblemID: "P2", Step: saima.StepEscalate, Level: 4, Date: day("2026-09-20"), Handler: funcName},
	}})

	start := day("2025-09-01")
	writeWorkflowBatch(tb, store, "wf-project", saima.DatasetProjects, &saima.Batch{Projects: []saima.Project{
		{Code: "NB-2026-005", Name: "领衔项目", Unit: "宁波市海曙区", LeaderLed: true, Leader: funcName,
			StartDate: &start},
	}})
	writeWorkflowBatch(tb, store, "wf-leader", saima.DatasetLeaderReports, &saima.Batch{
		LeaderReports: []saima.LeaderReport{
			{ProjectCode: "NB-2026-005", Half: saima.HalfYear{Year: 2025, Half: 2}, Unit: "宁波市海曙区",
				Results: scriptName, Submitted: day("2026-01-10")},
		}})

	writeWorkflowBatch(tb, store, "wf-milestones", saima.DatasetMilestones, &saima.Batch{Milestones: []saima.Milestone{
		{ProjectCode: "NB-2026-001", Name: "全区推广", Planned: day("2026-10-30")},
		{ProjectCode: "NB-2026-002", Name: "远期验收", Planned: day("2026-11-30")},
	}})
	writeWorkflowBatch(tb, store, "wf-progress", saima.DatasetProgress, &saima.Batch{Progress: []saima.ProgressReport{
		{Unit: "市大数据局", ProjectCode: "NB-2026-002", Period: saima.Month(2026, 10)},
	}})
}

func TestWorkflowPages(t *testing.T) {
	env := newSeededEnv(t)
	seedWorkflows(t, env.store)
	haishu := "/units/" + url.PathEscape("宁波市海曙区")
	tests := []struct {
		name   string
		user   string
		target string
		status int
		want   []string
		absent []string
	}{
		{"LoopStats", "office", "/problems/loop", 200,
			[]string{"<td class=\"num\">59.0</td>", "2026-04-01 升级至市领导", "2026-09-01 收集，已 49 天未办结",
				"环节是问题在闭环中的步骤：收集 → 梳理归类 → 分析研判 → 分办落实，办结后为已办结。",
				"层级是办理问题的层级，共3级：1 牵头单位 → 2 改革办 → 3 市领导"},
			[]string{"主要领导", "level=4"}},
		// P2's 环节 comes from the problem list, as /problems shows it,
		// not from its latest step, 收集.
		{"LoopLevelFilter", "leader", "/problems/loop?level=3", 200, []string{"接口不通", "分析研判（2026-09-01 收集"},
			[]string{"收集（"}},
		{"ErrLoopLevel", "office", "/problems/loop?level=5", 400, nil, nil},
		{"ErrLoopFourthLevel", "office", "/problems/loop?level=4", 400, []string{"应为1至3之间的层级编号"}, nil},
		{"StoredFourthLevelIsTop", "office", "/problems/loop?level=3", 200,
			[]string{"2026-09-20 升级至市领导（" + funcName}, nil},
		{"LoopUnitForbidden", "haishu", "/problems/loop", 403, nil, nil},
		{"LeadersOverdue", "office", "/leaders", 200,
			[]string{"逾期未报半年报告 1 份，逾期报送 0 份，待确认 1 份", "<strong>逾期未报</strong>（报送截止日 2026-07-15）", "确认</button>"}, nil},
		{"LeadersLeaderCannotConfirm", "leader", "/leaders", 200, []string{"待确认"}, []string{"确认</button>"}},
		{"Reminders", "office", "/reminders", 200,
			[]string{"2026年第四季度未填报进度（2 个单位，2 个项目）", "全区推广", "<td class=\"num\">10</td>"},
			[]string{"远期验收", "一件事集成办"}},
		{"RemindersLonger", "office", "/reminders?days=60", 200, []string{"远期验收"}, nil},
		{"ErrReminderDays", "office", "/reminders?days=0", 400, nil, nil},
		{"UnitBanner", "haishu", haishu, 200,
			[]string{"督办提醒", "2026年第四季度尚有 1 个项目未填报进度", "里程碑“全区推广”（NB-2026-001）计划于 2026-10-30 完成，还剩 10 天"},
			[]string{"远期验收"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			resp, body := env.as(t, tt.user).get(t, tt.target)
			if resp.StatusCode != tt.status {
				t.Fatalf("GET %s status = %d, want %d", tt.target, resp.StatusCode, tt.status)
			}
			for _, w := range tt.want {
				if !strings.Contains(body, w) {
					t.Errorf("GET %s body lacks %q", tt.target, w)
				}
			}
			for _, a := range tt.absent {
				if strings.Contains(body, a) {
					t.Errorf("GET %s body contains %q", tt.target, a)
				}
			}
			assertNoRawInjection(t, tt.target, body)
		})
	}
}

func TestLeaderConfirm(t *testing.T) {
	env := newSeededEnv(t)
	seedWorkflows(t, env.store)
	fields := map[string]string{"project_code": "NB-2026-005", "half": "2025H2"}

	t.Run("LeaderForbidden", func(t *testing.T) {
		resp, _ := postForm(t, env.as(t, "leader"), "/leaders/confirm", fields)
		if resp.StatusCode != http.StatusForbidden {
			t.Errorf("POST /leaders/confirm as leader status = %d, want 403", resp.StatusCode)
		}
	})
	t.Run("ErrNotFound", func(t *testing.T) {
		resp, body := postForm(t, env.as(t, "office"), "/leaders/confirm",
			map[string]string{"project_code": "NB-2026-005", "half": "2026H1"})
		if resp.StatusCode != http.StatusNotFound {
			t.Errorf("POST /leaders/confirm of a missing report status = %d, want 404", resp.StatusCode)
		}
		want := "项目“NB-2026-005”没有2026年上半年的半年报告，不能确认；" +
			"请核对项目编号和半年度，或请牵头单位先上传该半年度的领衔事项半年报告"
		if got := html.UnescapeString(body); !strings.Contains(got, want) {
			t.Errorf("POST /leaders/confirm of a missing report body lacks %q:\n%.400s", want, got)
		}
	})
	t.Run("OK", func(t *testing.T) {
		// The form sends the page it was on, and the reply goes back to it.
		onPage := map[string]string{"project_code": fields["project_code"], "half": fields["half"], "page": "3"}
		resp, _ := postForm(t, env.as(t, "office"), "/leaders/confirm", onPage)
		if resp.StatusCode != http.StatusSeeOther {
			t.Fatalf("POST /leaders/confirm status = %d, want 303", resp.StatusCode)
		}
		if got, want := resp.Header.Get("Location"), "/leaders?confirmed=1&page=3"; got != want {
			t.Errorf("POST /leaders/confirm from page 3 redirects to %q, want %q", got, want)
		}
		_, body := env.as(t, "office").get(t, "/leaders")
		if !strings.Contains(body, "已确认（2026-10-20，office）") {
			t.Errorf("GET /leaders lacks the confirmation")
		}
	})
	t.Run("ErrConfirmedTwice", func(t *testing.T) {
		resp, _ := postForm(t, env.as(t, "office"), "/leaders/confirm", fields)
		if resp.StatusCode != http.StatusConflict {
			t.Errorf("POST /leaders/confirm again status = %d, want 409", resp.StatusCode)
		}
	})
	t.Run("ErrFutureHalf", func(t *testing.T) {
		// A report on a half year not yet started, as uploads stored
		// before they were checked.
		writeWorkflowBatch(t, env.store, "wf-leader-future", saima.DatasetLeaderReports, &saima.Batch{
			LeaderReports: []saima.LeaderReport{{ProjectCode: "NB-2026-005", Half: saima.HalfYear{Year: 2027, Half: 1},
				Unit: "市大数据局", Results: "未来半年", Submitted: saima.NewDate(2026, 10, 1)}},
		})
		resp, body := postForm(t, env.as(t, "office"), "/leaders/confirm",
			map[string]string{"project_code": "NB-2026-005", "half": "2027H1"})
		if resp.StatusCode != http.StatusBadRequest {
			t.Errorf("POST /leaders/confirm of 2027H1 status = %d, want 400", resp.StatusCode)
		}
		if !strings.Contains(body, "2027年上半年还没有开始") {
			t.Errorf("POST /leaders/confirm of 2027H1 body = %q, want it to say the half year has not started", body)
		}
	})
}

func TestRemindersXLSX(t *testing.T) {
	env := newSeededEnv(t)
	seedWorkflows(t, env.store)
	resp, body := env.as(t, "office").get(t, "/reminders.xlsx")
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("GET /reminders.xlsx status = %d, want 200", resp.StatusCode)
	}
	f, err := excelize.OpenReader(bytes.NewReader([]byte(body)))
	if err != nil {
		t.Fatalf("open reminders workbook: %v", err)
	}
	defer f.Close()

	missing, err := f.GetRows("未填报进度")
	if err != nil {
		t.Fatal(err)
	}
	var codes []string
	for _, row := range missing[1:] {
		codes = append(codes, row[1])
	}
	slices.Sort(codes)
	if want := []string{"NB-2026-001", "NB-2026-004"}; !slices.Equal(codes, want) {
		t.Errorf("未填报进度 projects = %v, want %v", codes, want)
	}
	if got := missing[1][3]; got != "2026年第四季度" {
		t.Errorf("未填报进度 period = %q, want 2026年第四季度", got)
	}

	due, err := f.GetRows("即将到期里程碑")
	if err != nil {
		t.Fatal(err)
	}
	if len(due) != 2 || due[1][2] != "全区推广" || due[1][4] != "10" {
		t.Errorf("即将到期里程碑 rows = %v, want one: 全区推广 with 10 days left", due)
	}
	if got, want := due[0][4], "剩余天数（自2026-10-20起算）"; got != want {
		t.Errorf("即将到期里程碑 header = %q, want %q", got, want)
	}
	props, err := f.GetDocProps()
	if err != nil {
		t.Fatal(err)
	}
	if props.Created != "2026-10-20T02:00:00Z" || props.Title != "督办提醒（2026-10-20）" {
		t.Errorf("doc properties = %+v, want the title and time of 2026-10-20 10:00 Beijing", *props)
	}
}

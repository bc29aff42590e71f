package web

import (
	"html"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"saima"
	"saima/clickhouse"
)

// TestExitedProjectPages checks that the pages apply saima.ClosedByExit:
// a milestone or list item due after its project's exit shows 因退出终止
// and is not overdue, and one due before the exit stays overdue, with its
// days stopping the day after the exit.
func TestExitedProjectPages(t *testing.T) {
	env := newSeededEnv(t)
	ptr := func(d saima.Date) *saima.Date { return &d }
	writeWorkflowBatch(t, env.store, "ex-projects", saima.DatasetProjects, &saima.Batch{Projects: []saima.Project{
		{Code: "EX-1", Name: "退出测试项目", Unit: "宁波市海曙区", System: "数字政府", Batch: "启动实施",
			Scope: "全市性", Type: "增量开发", StartDate: ptr(day("2026-03-01")), DueDate: ptr(day("2026-12-31"))},
	}})
	writeWorkflowBatch(t, env.store, "ex-stages", saima.DatasetStages, &saima.Batch{Stages: []saima.StageEvent{
		{ProjectCode: "EX-1", Stage: "预报", Date: day("2026-02-01")},
		{ProjectCode: "EX-1", Stage: "退出", Date: day("2026-09-01"), DecidedBy: "市委改革委", Accountability: "通报批评"},
	}})
	writeWorkflowBatch(t, env.store, "ex-milestones", saima.DatasetMilestones, &saima.Batch{Milestones: []saima.Milestone{
		{ProjectCode: "EX-1", Name: "退出前里程碑", Unit: "宁波市海曙区", Planned: day("2026-08-20"), Status: "进行中"},
		{ProjectCode: "EX-1", Name: "退出后里程碑", Unit: "宁波市海曙区", Planned: day("2026-09-15"), Status: "进行中"},
	}})
	writeWorkflowBatch(t, env.store, "ex-lists", saima.DatasetLists, &saima.Batch{ListItems: []saima.ListItem{
		{List: "场景应用", ID: "EX-1", Name: "退出项目清单事项", Unit: "宁波市海曙区", Deadline: day("2026-09-30"),
			Issued: ptr(day("2026-03-01"))},
	}})

	haishu := url.QueryEscape("宁波市海曙区")
	tests := []struct {
		name   string
		target string
		want   []string
		absent []string
	}{
		// testNow is 2026-10-20. 退出前里程碑 is late from 20 August up to
		// 2 September, the day after the exit.
		{"Ledger", "/ledger?q=EX-1", []string{"退出前里程碑（计划 2026-08-20，已逾期 13 天）"}, []string{"退出后里程碑"}},
		{"LedgerOverdue", "/ledger?overdue=1&q=EX-1", []string{"退出前里程碑"}, nil},
		{"Milestones", "/milestones?unit=" + haishu, []string{"退出后里程碑", "因退出终止"}, nil},
		{"MilestonesOverdue", "/milestones?overdue=1&unit=" + haishu, []string{"退出前里程碑"}, []string{"退出后里程碑"}},
		{"Lists", "/lists", []string{"因退出终止（项目 2026-09-01 退出）"}, nil},
		{"ListsOverdue", "/lists?status=overdue", nil, []string{"退出项目清单事项"}},
		{"ListsOpen", "/lists?status=open", nil, []string{"退出项目清单事项"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			resp, body := env.as(t, "office").get(t, tt.target)
			if resp.StatusCode != 200 {
				t.Fatalf("GET %s status = %d, want 200", tt.target, resp.StatusCode)
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
		})
	}

	// A mark after the exit is rejected, because work stops at an exit.
	t.Run("ErrMarkAfterExit", func(t *testing.T) {
		resp, body := postForm(t, env.as(t, "office"), "/lists/done",
			map[string]string{"list": "场景应用", "item_id": "EX-1", "date": "2026-09-10"})
		want := "完成日期“2026-09-10”晚于项目EX-1的退出日期2026-09-01，该事项已因退出终止，不能再标注完成"
		if resp.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(html.UnescapeString(body), want) {
			t.Errorf("POST /lists/done after the exit = %d, want 422 with %q:\n%s", resp.StatusCode, want, body)
		}
	})
	t.Run("MarkBeforeExit", func(t *testing.T) {
		resp, body := postForm(t, env.as(t, "office"), "/lists/done",
			map[string]string{"list": "场景应用", "item_id": "EX-1", "date": "2026-08-30"})
		if resp.StatusCode != http.StatusSeeOther {
			t.Errorf("POST /lists/done before the exit = %d, want 303: %s", resp.StatusCode, body)
		}
	})
}

// TestWithdrawExit withdraws an exit recorded for the wrong project: the
// project is back at 预报, its milestone due after the exit is overdue
// again, and a form naming a record that is not the latest is refused.
func TestWithdrawExit(t *testing.T) {
	env := newSeededEnv(t)
	seedMistakenExit(t, env.store)
	office := env.as(t, "office")
	page := projectURL("WX-1")
	withdraw := func(cl *client, stage, round, reason string) (*http.Response, string) {
		return postForm(t, cl, page+"/stages/withdraw", map[string]string{"stage": stage, "round": round, "reason": reason})
	}

	if _, body := office.get(t, page); !strings.Contains(body, "撤销 2026-09-01 的“退出”（第 1 轮）记录") {
		t.Errorf("GET %s lacks the withdrawal form of the exit", page)
	}
	if _, body := env.as(t, "leader").get(t, page); strings.Contains(body, "撤销理由") {
		t.Errorf("GET %s as leader shows the withdrawal form", page)
	}
	for _, user := range []string{"haishu", "leader"} {
		if resp, _ := withdraw(env.as(t, user), "退出", "1", "误登记"); resp.StatusCode != http.StatusForbidden {
			t.Errorf("POST withdraw as %s status = %d, want 403", user, resp.StatusCode)
		}
	}
	for _, tt := range []struct{ name, stage, reason, want string }{
		{"ErrNotLatest", "预报", "误登记", "只能撤销最近一条阶段记录，现为 2026-09-01 退出（第 1 轮）"},
		{"ErrNoReason", "退出", "", "请填写撤销理由"},
		{"ErrFillerReason", "退出", "无", "撤销理由“无”没有写明原因"},
		{"ErrDashReason", "退出", "——", "撤销理由“——”没有写明原因"},
		{"ErrBracketedFiller", "退出", "【暂无】", "撤销理由“【暂无】”没有写明原因"},
		{"ErrNoReasonPhrase", "退出", "无理由", "撤销理由“无理由”没有写明原因"},
		{"ErrDigitsOnly", "退出", "111", "撤销理由“111”没有写明原因"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			resp, body := withdraw(office, tt.stage, "1", tt.reason)
			if resp.StatusCode != http.StatusUnprocessableEntity {
				t.Errorf("POST withdraw status = %d, want 422", resp.StatusCode)
			}
			if !strings.Contains(html.UnescapeString(body), "未撤销："+tt.want) {
				t.Errorf("POST withdraw lacks %q:\n%s", tt.want, body)
			}
		})
	}

	// A form of an earlier record with the same stage and round, left open
	// while that record was withdrawn and entered again, is stale.
	resp, body := postForm(t, office, page+"/stages/withdraw",
		map[string]string{"stage": "退出", "round": "1", "date": "2026-08-01", "reason": "误登记"})
	if resp.StatusCode != http.StatusUnprocessableEntity ||
		!strings.Contains(html.UnescapeString(body), "而表单要撤销的是2026-08-01 的“退出”（第 1 轮）") {
		t.Errorf("POST withdraw of a stale record's date: status %d, want 422 naming the form's record", resp.StatusCode)
	}

	resp, _ = postForm(t, office, page+"/stages/withdraw",
		map[string]string{"stage": "退出", "round": "1", "date": "2026-09-01", "reason": "误将退出决定登记在本项目"})
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("POST withdraw status = %d, want 303", resp.StatusCode)
	}
	_, body = office.get(t, page+"?withdrawn=1")
	for _, want := range []string{"已撤销最近一条阶段记录", "<strong>预报</strong>", "撤销 2026-02-01 的“预报”"} {
		if !strings.Contains(body, want) {
			t.Errorf("GET %s after the withdrawal lacks %q", page, want)
		}
	}
	if strings.Contains(body, "通报批评") {
		t.Errorf("GET %s after the withdrawal still lists the exit", page)
	}
	exits, err := env.store.ListExitDays(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	if _, ok := exits["WX-1"]; ok {
		t.Errorf("ListExitDays after the withdrawal = %v, want no WX-1", exits)
	}
	// testNow is 2026-10-20: the milestone due on 15 September is overdue
	// again, 35 days, instead of 因退出终止.
	_, body = office.get(t, "/ledger?q=WX-1")
	if !strings.Contains(body, "误退出后里程碑（计划 2026-09-15，已逾期 35 天）") {
		t.Errorf("GET /ledger?q=WX-1 after the withdrawal lacks the overdue milestone:\n%s", body)
	}
	if _, body := office.get(t, "/uploads"); !strings.Contains(html.UnescapeString(body),
		"网页撤销阶段记录：WX-1 退出（第 1 轮）；理由：误将退出决定登记在本项目") {
		t.Error("GET /uploads lacks the withdrawal's record with its project and reason")
	}
}

// seedMistakenExit writes project WX-1, filed on 1 February, exited on 1
// September, with a milestone due on 15 September.
func seedMistakenExit(tb testing.TB, store *clickhouse.Store) {
	tb.Helper()
	ptr := func(d saima.Date) *saima.Date { return &d }
	writeWorkflowBatch(tb, store, "wx-projects", saima.DatasetProjects, &saima.Batch{Projects: []saima.Project{
		{Code: "WX-1", Name: "误退出项目", Unit: "宁波市海曙区", System: "数字政府", Batch: "启动实施",
			Scope: "全市性", Type: "增量开发", StartDate: ptr(day("2026-03-01")), DueDate: ptr(day("2026-12-31"))},
	}})
	writeWorkflowBatch(tb, store, "wx-stages", saima.DatasetStages, &saima.Batch{Stages: []saima.StageEvent{
		{ProjectCode: "WX-1", Stage: "预报", Date: day("2026-02-01")},
		{ProjectCode: "WX-1", Stage: "退出", Date: day("2026-09-01"), DecidedBy: "市委改革委", Accountability: "通报批评"},
	}})
	writeWorkflowBatch(tb, store, "wx-milestones", saima.DatasetMilestones, &saima.Batch{Milestones: []saima.Milestone{
		{ProjectCode: "WX-1", Name: "误退出后里程碑", Unit: "宁波市海曙区", Planned: day("2026-09-15"), Status: "进行中"},
	}})
}

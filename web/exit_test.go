package web

import (
	"html"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"saima"
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
		if resp.StatusCode != http.StatusBadRequest || !strings.Contains(html.UnescapeString(body), want) {
			t.Errorf("POST /lists/done after the exit = %d, want 400 with %q:\n%s", resp.StatusCode, want, body)
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

package web

import (
	"fmt"
	"strings"
	"testing"

	"saima"
	"saima/clickhouse"
)

// TestLongListsPaged seeds 450 open problems and 450 leader-led projects
// due in 2026. It checks that /problems/loop, /leaders and /management
// list one page of 200 rows at most, as the other long lists do, with a
// named pager that links the rest.
func TestLongListsPaged(t *testing.T) {
	env := newSeededEnv(t)
	seedLongLists(t, env.store)

	tests := []struct {
		target string
		row    string // a substring once in each listed row
		want   int
	}{
		{"/problems/loop", `<td class="nowrap">BIG-`, 200},
		{"/problems/loop?page=3", `<td class="nowrap">BIG-`, 50},
		{"/leaders", `">BIG-P-`, 200},
		{"/management?year=2026", `">BIG-P-`, 200},
	}
	for _, tt := range tests {
		t.Run(tt.target, func(t *testing.T) {
			resp, body := env.as(t, "office").get(t, tt.target)
			if resp.StatusCode != 200 {
				t.Fatalf("GET %s status = %d, want 200", tt.target, resp.StatusCode)
			}
			if got := strings.Count(body, tt.row); got != tt.want {
				t.Errorf("GET %s lists %d rows, want %d", tt.target, got, tt.want)
			}
			if !strings.Contains(body, `class="pager"`) {
				t.Errorf("GET %s has no pager", tt.target)
			}
			// The header's nav is a landmark too; a screen reader lists
			// them by name.
			if strings.Contains(body, `<nav class="pager">`) {
				t.Errorf("GET %s has a pager without a name", tt.target)
			}
		})
	}

	resp, body := env.as(t, "office").get(t, "/problems/loop?page=0")
	if resp.StatusCode != 400 || !strings.Contains(body, "应为 1 至 3 的页码") {
		t.Errorf("GET /problems/loop?page=0 status = %d, want 400 naming pages 1 to 3", resp.StatusCode)
	}
	if resp, body := env.as(t, "office").get(t, "/problems/loop?page=9"); resp.StatusCode != 200 ||
		!strings.Contains(body, "第 3/3 页") {
		t.Errorf("GET /problems/loop?page=9 status = %d, want 200 showing the last page", resp.StatusCode)
	}
}

// seedLongLists writes 450 open problems and 450 leader-led projects due
// in 2026, so that /problems/loop, /leaders and /management each need
// more than one page.
func seedLongLists(tb testing.TB, store *clickhouse.Store) {
	tb.Helper()
	const n = 450
	var problems []saima.ProblemItem
	var projects []saima.Project
	var stages []saima.StageEvent
	start := day("2025-09-01")
	due := day("2026-12-31")
	for i := range n {
		problems = append(problems, saima.ProblemItem{ID: fmt.Sprintf("BIG-%04d", i), Unit: "宁波市海曙区",
			Stage: "收集", Opened: day("2026-10-01"), Summary: fmt.Sprintf("大量问题 %d", i)})
		projects = append(projects, saima.Project{Code: fmt.Sprintf("BIG-P-%04d", i), Name: fmt.Sprintf("大量项目 %d", i),
			Unit: "宁波市海曙区", System: "数字政府", Batch: "继续推进", LeaderLed: true, Leader: "王市长",
			StartDate: &start, DueDate: &due})
		stages = append(stages, saima.StageEvent{ProjectCode: projects[i].Code, Stage: "实施", Date: day("2026-01-05")})
	}
	writeWorkflowBatch(tb, store, "big-problems", saima.DatasetProblems, &saima.Batch{Problems: problems})
	writeWorkflowBatch(tb, store, "big-projects", saima.DatasetProjects, &saima.Batch{Projects: projects})
	writeWorkflowBatch(tb, store, "big-stages", saima.DatasetStages, &saima.Batch{Stages: stages})
}

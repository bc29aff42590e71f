package web

import (
	"strings"
	"testing"

	"saima"
)

// The loop page dates an open problem from its 收集 step, labelled 收集, or
// from the list's 发现日期, labelled 发现, when no 收集 step is recorded. testNow is
// 2026-10-20.
func TestProblemLoopOpenedLabel(t *testing.T) {
	env := newSeededEnv(t)
	writeWorkflowBatch(t, env.store, "loop-problems", saima.DatasetProblems, &saima.Batch{Problems: []saima.ProblemItem{
		{ID: "LOOP-1", Unit: "宁波市海曙区", Stage: "分析研判", Opened: day("2026-10-01"), Summary: "先发现后收集"},
		{ID: "LOOP-2", Unit: "宁波市海曙区", Stage: "梳理归类", Opened: day("2026-10-05"), Summary: "未登记收集"},
		{ID: "LOOP-3", Unit: "宁波市海曙区", Stage: "收集", Opened: day("2026-10-08"), Summary: "刚收集"},
	}})
	writeWorkflowBatch(t, env.store, "loop-steps", saima.DatasetProblemSteps, &saima.Batch{ProblemSteps: []saima.ProblemStep{
		{ProblemID: "LOOP-1", Step: "收集", Level: 1, Date: day("2026-10-03")},
		{ProblemID: "LOOP-2", Step: "梳理归类", Level: 1, Date: day("2026-10-06")},
		{ProblemID: "LOOP-3", Step: "收集", Level: 1, Date: day("2026-10-10")},
	}})

	resp, body := env.as(t, "office").get(t, "/problems/loop")
	if resp.StatusCode != 200 {
		t.Fatalf("GET /problems/loop status = %d, want 200", resp.StatusCode)
	}
	// A problem still at 收集 does not name the step twice.
	for _, want := range []string{"分析研判（2026-10-03 收集，已 17 天未办结）", "梳理归类（2026-10-05 发现，已 15 天未办结）",
		"收集（2026-10-10 起，已 10 天未办结）"} {
		if !strings.Contains(body, want) {
			t.Errorf("GET /problems/loop body lacks %q", want)
		}
	}
	if strings.Contains(body, "2026-10-03 发现") {
		t.Errorf("GET /problems/loop body labels the 收集 date 2026-10-03 as 发现")
	}
}

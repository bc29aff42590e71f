package web

import (
	"encoding/json"
	"net/http"
	"regexp"
	"strings"
	"testing"
	"time"

	"saima"
	"saima/clickhouse/chtest"
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

// loopRowCells returns the level cell and the 办理过程 cell of problem id
// on the loop page.
func loopRowCells(tb testing.TB, body, id string) (level, steps string) {
	tb.Helper()
	start := strings.Index(body, `<td class="nowrap">`+id+`</td>`)
	if start < 0 {
		tb.Fatalf("GET /problems/loop lists no row for %s", id)
	}
	row := body[start:]
	row = row[:strings.Index(row, "</tr>")]
	steps = row[strings.LastIndex(row, "<td>"):]
	if m := levelCell.FindStringSubmatch(row); m != nil {
		level = m[1]
	}
	return level, steps
}

// levelCell matches the level cell, which follows the problem's summary.
var levelCell = regexp.MustCompile(`</th>\s*<td class="nowrap">([^<]*)</td>`)

// A ledger written before a loop stage was recorded once per problem
// holds LOOP-1's 收集 at two levels. The page shows the copy of the
// latest upload, and an upload at the other copy's level corrects it.
func TestProblemLoopStaleStageCopies(t *testing.T) {
	env := newSeededEnv(t)
	writeWorkflowBatch(t, env.store, "loop-problems", saima.DatasetProblems, &saima.Batch{Problems: []saima.ProblemItem{
		{ID: "LOOP-1", Unit: "宁波市海曙区", Stage: "梳理归类", Opened: day("2026-10-01"), Summary: "重复登记的收集"},
	}})
	at := seedAt.Add(2 * time.Minute)
	chtest.WriteLegacySteps(t, env.store, "legacy-1", at,
		saima.ProblemStep{ProblemID: "LOOP-1", Step: "收集", Level: 1, Date: day("2026-10-02")})
	chtest.WriteLegacySteps(t, env.store, "legacy-2", at.Add(time.Minute),
		saima.ProblemStep{ProblemID: "LOOP-1", Step: "收集", Level: 2, Date: day("2026-10-03")},
		saima.ProblemStep{ProblemID: "LOOP-1", Step: "梳理归类", Level: 1, Date: day("2026-10-05")})

	_, page := env.as(t, "office").get(t, "/problems/loop")
	level, steps := loopRowCells(t, page, "LOOP-1")
	if want := "2026-10-03 收集 → 2026-10-05 梳理归类"; !strings.Contains(steps, want) || strings.Count(steps, "收集") != 1 {
		t.Errorf("LOOP-1 steps before correction = %q, want only %q", steps, want)
	}
	if level != "改革办" {
		t.Errorf("LOOP-1 level before correction = %q, want 改革办, the level of the 收集 shown", level)
	}

	csv := "问题编号,环节,层级,日期,办理单位,说明\nLOOP-1,收集,牵头单位,2026-10-04,,更正\n"
	req := multipartRequest(t, "/api/uploads", "环节.csv", []byte(csv), map[string]string{"dataset": saima.DatasetProblemSteps})
	resp, body := env.do(t, req)
	if resp.StatusCode != http.StatusCreated {
		t.Fatalf("POST /api/uploads of the correction status = %d, want 201; body:\n%s", resp.StatusCode, body)
	}
	var got uploadJSON
	if err := json.Unmarshal([]byte(body), &got); err != nil {
		t.Fatalf("decode: %v\n%s", err, body)
	}
	if got.ReplacedCount() != 2 {
		t.Errorf("POST /api/uploads replaced = %d, want 2, both copies of 收集", got.ReplacedCount())
	}

	_, page = env.as(t, "office").get(t, "/problems/loop")
	level, steps = loopRowCells(t, page, "LOOP-1")
	if want := "2026-10-04 收集 → 2026-10-05 梳理归类"; !strings.Contains(steps, want) || strings.Count(steps, "收集") != 1 {
		t.Errorf("LOOP-1 steps after correction = %q, want only %q", steps, want)
	}
	if level != "牵头单位" {
		t.Errorf("LOOP-1 level after correction = %q, want 牵头单位, as the correction gives", level)
	}
}

package web

import (
	"context"
	"regexp"
	"strconv"
	"testing"

	"saima"
	"saima/reports"
)

// TestManagementYearMatchesReport checks that /management counts a
// project in a year only from its first stage event, and that its total
// for a year is the number of projects in the annual report's stage
// distribution of that year. YR-GONE has stage events, stored before
// uploads checked the project code, but is not on the ledger, so
// neither counts it and the report lists no exit of it.
func TestManagementYearMatchesReport(t *testing.T) {
	env := newSeededEnv(t)
	writeWorkflowBatch(t, env.store, "year-projects", saima.DatasetProjects, &saima.Batch{Projects: []saima.Project{
		{Code: "YR-OLD", Name: "去年退出项目", Unit: "宁波市海曙区", System: "数字政府", Batch: "谋划设计"},
		{Code: "YR-NEW", Name: "今年新报项目", Unit: "宁波市海曙区", System: "数字政府", Batch: "谋划设计"},
	}})
	writeWorkflowBatch(t, env.store, "year-stages", saima.DatasetStages, &saima.Batch{Stages: []saima.StageEvent{
		{ProjectCode: "YR-OLD", Stage: "预报", Date: day("2024-05-01")},
		{ProjectCode: "YR-OLD", Stage: "退出", Date: day("2024-12-01"), DecidedBy: "市委改革委", Accountability: "不予问责"},
		{ProjectCode: "YR-NEW", Stage: "预报", Date: day("2026-09-24")},
		{ProjectCode: "YR-GONE", Stage: "预报", Date: day("2025-03-01")},
		{ProjectCode: "YR-GONE", Stage: "退出", Date: day("2026-02-01"), DecidedBy: "市委改革委", Accountability: "不予问责"},
	}})

	for _, year := range []int{2025, 2026} {
		w, err := reports.BuildWorkflow(context.Background(), env.store,
			saima.NewDate(year, 1, 1), saima.NewDate(year, 12, 31), saima.DateOf(testNow))
		if err != nil {
			t.Fatal(err)
		}
		inReport := 0
		for _, c := range w.Pipeline {
			inReport += c.Count
		}
		for _, e := range w.Exits {
			if e.ProjectCode == "YR-GONE" {
				t.Errorf("the report of %d lists the exit of YR-GONE, which is not on the ledger", year)
			}
		}
		y := strconv.Itoa(year)
		_, body := env.as(t, "office").get(t, "/management?year="+y)
		m := regexp.MustCompile(y + `年项目（(\d+) 个）`).FindStringSubmatch(body)
		if m == nil {
			t.Fatalf("/management?year=%s lacks the project count", y)
		}
		if m[1] != strconv.Itoa(inReport) {
			t.Errorf("/management?year=%s counts %s projects, want %d as in the annual report", y, m[1], inReport)
		}
		if regexp.MustCompile(`YR-GONE`).MatchString(body) {
			t.Errorf("/management?year=%s shows YR-GONE, which is not on the ledger", y)
		}
		if year == 2025 && regexp.MustCompile(`YR-NEW|YR-OLD`).MatchString(projectsSection(body)) {
			t.Errorf("/management?year=2025 lists a project filed in 2026 or exited in 2024")
		}
	}
}

// projectsSection returns the part of the /management page that lists
// the year's projects, up to the exit candidates.
func projectsSection(body string) string {
	start := regexp.MustCompile(`\d+年[^<]*项目（`).FindStringIndex(body)
	if start == nil {
		return ""
	}
	rest := body[start[0]:]
	if end := regexp.MustCompile(`退出候选|没有退出候选`).FindStringIndex(rest); end != nil {
		return rest[:end[0]]
	}
	return rest
}

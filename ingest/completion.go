package ingest

import (
	"cmp"
	"fmt"
	"slices"

	"saima"
)

// lowerCompletionIssues returns a warning for each report of reports whose
// completion rate is below the latest stored report of its project for
// the same or an earlier period. It also warns about each rate below 100%
// of a project that had reached 评估 or 完成 by the end of the period.
// Neither is an error, because a unit may correct a rate that was too
// high. rows holds the file row of each report, or is nil when the rows
// are unknown.
func lowerCompletionIssues(file string, reports []saima.ProgressReport, rows []int,
	stored []saima.ProgressReport, stages []saima.StageEvent) []Issue {
	byProject := map[string][]saima.ProgressReport{}
	for _, r := range stored {
		if r.Percent.Valid {
			byProject[r.ProjectCode] = append(byProject[r.ProjectCode], r)
		}
	}
	history := stageHistories(stages)

	var out []Issue
	for i, r := range reports {
		if !r.Percent.Valid {
			continue
		}
		row := 0
		if i < len(rows) {
			row = rows[i]
		}
		rate := r.Percent.Decimal
		if prev, ok := latestReport(byProject[r.ProjectCode], r.Period); ok && rate.LessThan(prev.Percent.Decimal) {
			out = append(out, Issue{File: file, Row: row, Column: "完成率", Value: rate.String() + "%",
				Severity: SeverityWarning, OwnSubject: true,
				Reason: fmt.Sprintf("项目%s %s的完成率%s%%低于已存的%s完成率%s%%", r.ProjectCode, r.Period,
					rate, prev.Period, prev.Percent.Decimal),
				Fix: "请核对是否填错；如果进度确实回退（如调整了建设内容），可忽略本提示"})
		}
		st := stageOn(history[r.ProjectCode], r.Period.End())
		if (st == "完成" || st == "评估") && rate.LessThan(hundred) {
			out = append(out, Issue{File: file, Row: row, Column: "完成率", Value: rate.String() + "%",
				Severity: SeverityWarning, OwnSubject: true,
				Reason: fmt.Sprintf("项目%s在%s已处于“%s”阶段，完成率却只有%s%%", r.ProjectCode, r.Period, st, rate),
				Fix:    "请核对完成率；如果项目确未建成，请改革办核对阶段记录"})
		}
	}
	return out
}

// latestReport returns the report of reports with the latest period that
// does not start after period's start, and false when there is none.
func latestReport(reports []saima.ProgressReport, period saima.Period) (saima.ProgressReport, bool) {
	var best saima.ProgressReport
	found := false
	for _, r := range reports {
		if r.Period.Start().After(period.Start()) {
			continue
		}
		if !found || r.Period.End().After(best.Period.End()) {
			best, found = r, true
		}
	}
	return best, found
}

// stageHistories returns the lifecycle events of each project in events,
// by date, round and lifecycle order. Change records (变更) are left out,
// because they do not move a project to another stage.
func stageHistories(events []saima.StageEvent) map[string][]saima.StageEvent {
	sorted := slices.Clone(events)
	slices.SortStableFunc(sorted, func(a, b saima.StageEvent) int {
		return cmp.Or(a.Date.Compare(b.Date), cmp.Compare(a.RoundOrOne(), b.RoundOrOne()),
			cmp.Compare(slices.Index(saima.Stages, a.Stage), slices.Index(saima.Stages, b.Stage)))
	})
	out := map[string][]saima.StageEvent{}
	for _, e := range sorted {
		if e.Stage != saima.StageChange {
			out[e.ProjectCode] = append(out[e.ProjectCode], e)
		}
	}
	return out
}

// stageOn returns the stage of the latest event of history on or before
// day, or "" when there is none.
func stageOn(history []saima.StageEvent, day saima.Date) string {
	stage := ""
	for _, e := range history {
		if e.Date.After(day) {
			break
		}
		stage = e.Stage
	}
	return stage
}

package clickhouse

import (
	"saima"
)

// Column lists and row builders for each data table. Every row ends with
// upload_id and version.

var unitColumns = []string{"name", "code", "aliases", "kind", "track", "upload_id", "version"}

func unitRows(units []saima.Unit, id string, v uint64) [][]any {
	out := make([][]any, len(units))
	for i, u := range units {
		aliases := u.Aliases
		if aliases == nil {
			aliases = []string{}
		}
		out[i] = []any{u.Name, u.Code, aliases, u.Kind, u.Track, id, v}
	}
	return out
}

var projectColumns = []string{"code", "name", "unit", "lead_unit", "system", "scope", "type", "batch",
	"lists", "leader_led", "leader", "budget", "start_date", "due_date", "upload_id", "version"}

func projectRows(ps []saima.Project, id string, v uint64) [][]any {
	out := make([][]any, len(ps))
	for i, p := range ps {
		lists := p.Lists
		if lists == nil {
			lists = []string{}
		}
		out[i] = []any{p.Code, p.Name, p.Unit, p.LeadUnit, p.System, p.Scope, p.Type, p.Batch,
			lists, p.LeaderLed, p.Leader, p.Budget, p.StartDate, p.DueDate, id, v}
	}
	return out
}

var stageColumns = []string{"project_code", "stage", "date", "decided_by", "opinion", "round", "documents",
	"change_item", "change_reason", "accountability", "upload_id", "version"}

func stageRows(es []saima.StageEvent, id string, v uint64) [][]any {
	out := make([][]any, len(es))
	for i, e := range es {
		out[i] = []any{e.ProjectCode, e.Stage, e.Date, e.DecidedBy, e.Opinion, uint32(e.RoundOrOne()), e.Documents,
			e.ChangeItem, e.ChangeReason, e.Accountability, id, v}
	}
	return out
}

var milestoneColumns = []string{"project_code", "name", "unit", "planned", "actual", "status", "upload_id", "version"}

func milestoneRows(ms []saima.Milestone, id string, v uint64) [][]any {
	out := make([][]any, len(ms))
	for i, m := range ms {
		out[i] = []any{m.ProjectCode, m.Name, m.Unit, m.Planned, m.Actual, m.Status, id, v}
	}
	return out
}

var progressColumns = []string{"unit", "project_code", "project_name", "period", "quarter", "percent",
	"report_date", "progress", "problems", "upload_id", "version"}

func progressRows(ps []saima.ProgressReport, id string, v uint64) [][]any {
	out := make([][]any, len(ps))
	for i, p := range ps {
		out[i] = []any{p.Unit, p.ProjectCode, p.ProjectName, p.Period.String(), p.Period.Quarter().String(),
			p.Percent, p.ReportDate, p.Progress, p.Problems, id, v}
	}
	return out
}

var assessmentColumns = []string{"unit", "indicator", "mode", "period", "quarter", "project_code",
	"score", "full_marks", "evaluator", "upload_id", "version"}

func assessmentRows(as []saima.Assessment, id string, v uint64) [][]any {
	out := make([][]any, len(as))
	for i, a := range as {
		out[i] = []any{a.Unit, a.Indicator, a.Mode, a.Period.String(), a.Period.Quarter().String(),
			a.ProjectCode, a.Score, a.FullMarks, a.Evaluator, id, v}
	}
	return out
}

var problemColumns = []string{"id", "unit", "project_code", "source", "category", "stage", "level",
	"opened", "closed", "summary", "upload_id", "version"}

func problemRows(ps []saima.ProblemItem, id string, v uint64) [][]any {
	out := make([][]any, len(ps))
	for i, p := range ps {
		out[i] = []any{p.ID, p.Unit, p.ProjectCode, p.Source, p.Category, p.Stage, uint8(p.Level),
			p.Opened, p.Closed, p.Summary, id, v}
	}
	return out
}

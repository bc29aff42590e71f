package clickhouse

import (
	"saima"
)

// Column lists and row builders for each data table. Every row ends with
// upload_id and version.

var unitColumns = []string{"name", "code", "aliases", "kind", "track", "unranked_reason", "upload_id", "version"}

func unitRows(units []saima.Unit, id string, v uint64) [][]any {
	out := make([][]any, len(units))
	for i, u := range units {
		aliases := u.Aliases
		if aliases == nil {
			aliases = []string{}
		}
		out[i] = []any{u.Name, u.Code, aliases, u.Kind, u.Track, u.UnrankedReason, id, v}
	}
	return out
}

var projectColumns = []string{"code", "name", "unit", "lead_unit", "system", "scope", "type", "batch",
	"lists", "leader_led", "leader", "budget", "start_date", "due_date", "partners", "upload_id", "version"}

func projectRows(ps []saima.Project, id string, v uint64) [][]any {
	out := make([][]any, len(ps))
	for i, p := range ps {
		lists := p.Lists
		if lists == nil {
			lists = []string{}
		}
		out[i] = []any{p.Code, p.Name, p.Unit, p.LeadUnit, p.System, p.Scope, p.Type, p.Batch,
			lists, p.LeaderLed, p.Leader, p.Budget, p.StartDate, p.DueDate, nonNil(p.Partners), id, v}
	}
	return out
}

var stageColumns = []string{"project_code", "stage", "date", "decided_by", "opinion", "round", "documents",
	"change_item", "change_reason", "accountability", "withdrawn", "upload_id", "version"}

func stageRows(es []saima.StageEvent, id string, v uint64) [][]any {
	out := make([][]any, len(es))
	for i, e := range es {
		out[i] = []any{e.ProjectCode, e.Stage, e.Date, e.DecidedBy, e.Opinion, uint32(e.RoundOrOne()), e.Documents,
			e.ChangeItem, e.ChangeReason, e.Accountability, boolByte(e.Withdrawn), id, v}
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

// The TabSeparated encoders below write the values of the row builders
// above, in the same column order, for an engine with a [tsvInserter].

func (t *tsvWriter) unit(u *saima.Unit) {
	t.str(u.Name)
	t.str(u.Code)
	t.strs(nonNil(u.Aliases))
	t.str(u.Kind)
	t.str(u.Track)
	t.str(u.UnrankedReason)
	t.end()
}

func (t *tsvWriter) project(p *saima.Project) {
	t.str(p.Code)
	t.str(p.Name)
	t.str(p.Unit)
	t.str(p.LeadUnit)
	t.str(p.System)
	t.str(p.Scope)
	t.str(p.Type)
	t.str(p.Batch)
	t.strs(nonNil(p.Lists))
	t.bool(p.LeaderLed)
	t.str(p.Leader)
	t.nullDecimal(p.Budget)
	t.nullDate(p.StartDate)
	t.nullDate(p.DueDate)
	t.strs(nonNil(p.Partners))
	t.end()
}

func (t *tsvWriter) stage(e *saima.StageEvent) {
	t.str(e.ProjectCode)
	t.str(e.Stage)
	t.date(e.Date)
	t.str(e.DecidedBy)
	t.str(e.Opinion)
	t.uint(uint64(uint32(e.RoundOrOne())))
	t.str(e.Documents)
	t.str(e.ChangeItem)
	t.str(e.ChangeReason)
	t.str(e.Accountability)
	t.bool(e.Withdrawn)
	t.end()
}

func (t *tsvWriter) milestone(m *saima.Milestone) {
	t.str(m.ProjectCode)
	t.str(m.Name)
	t.str(m.Unit)
	t.date(m.Planned)
	t.nullDate(m.Actual)
	t.str(m.Status)
	t.end()
}

func (t *tsvWriter) progress(p *saima.ProgressReport) {
	t.str(p.Unit)
	t.str(p.ProjectCode)
	t.str(p.ProjectName)
	t.period(p.Period)
	t.period(p.Period.Quarter())
	t.nullDecimal(p.Percent)
	t.nullDate(p.ReportDate)
	t.str(p.Progress)
	t.str(p.Problems)
	t.end()
}

func (t *tsvWriter) assessment(a *saima.Assessment) {
	t.str(a.Unit)
	t.str(a.Indicator)
	t.str(a.Mode)
	t.period(a.Period)
	t.period(a.Period.Quarter())
	t.str(a.ProjectCode)
	t.decimal(a.Score)
	t.nullDecimal(a.FullMarks)
	t.str(a.Evaluator)
	t.end()
}

func (t *tsvWriter) problem(p *saima.ProblemItem) {
	t.str(p.ID)
	t.str(p.Unit)
	t.str(p.ProjectCode)
	t.str(p.Source)
	t.str(p.Category)
	t.str(p.Stage)
	t.uint(uint64(uint8(p.Level)))
	t.date(p.Opened)
	t.nullDate(p.Closed)
	t.str(p.Summary)
	t.end()
}

package clickhouse

import (
	"context"
	"time"

	"github.com/shopspring/decimal"

	"saima"
)

// latest returns a query over the visible rows of table that keeps, per
// record key, only the row with the highest version: the rows that no
// visible entry of the table's superseded list names.
func latest(table, columns string) string {
	return "SELECT " + columns + " FROM {db}." + table + " WHERE " + current(table)
}

// current is the condition that a row of table is visible and not
// superseded.
func current(table string) string {
	return visible + " AND (key_hash, version) GLOBAL NOT IN (SELECT key_hash, version FROM {db}." +
		table + "_superseded WHERE {committed_by})"
}

// ListUnits returns the roster, by kind and then name.
func (s *Store) ListUnits(ctx context.Context) ([]saima.Unit, error) {
	q := "SELECT name, code, aliases, kind, track, unranked_reason FROM (" +
		latest("units", "name, code, aliases, kind, track, unranked_reason") + ") ORDER BY kind, name"
	rows, err := s.query(ctx, q)
	if err != nil {
		return nil, err
	}
	var out []saima.Unit
	err = scanAll(rows, func() error {
		var u saima.Unit
		err := rows.Scan(&u.Name, &u.Code, &u.Aliases, &u.Kind, &u.Track, &u.UnrankedReason)
		if u.Track == "" {
			u.Track = u.Kind
		}
		out = append(out, u)
		return err
	})
	return out, err
}

const projectFields = "code, name, unit, lead_unit, system, scope, type, batch, lists, leader_led, " +
	"leader, budget, start_date, due_date, partners"

// ListProjects returns every project in the ledger, by code.
func (s *Store) ListProjects(ctx context.Context) ([]saima.Project, error) {
	rows, err := s.query(ctx, latest("projects", projectFields)+" ORDER BY code")
	if err != nil {
		return nil, err
	}
	var out []saima.Project
	err = scanAll(rows, func() error {
		var p saima.Project
		err := rows.Scan(&p.Code, &p.Name, &p.Unit, &p.LeadUnit, &p.System, &p.Scope, &p.Type, &p.Batch,
			&p.Lists, &p.LeaderLed, &p.Leader, &p.Budget, &p.StartDate, &p.DueDate, &p.Partners)
		if len(p.Partners) == 0 {
			p.Partners = nil
		}
		out = append(out, p)
		return err
	})
	return out, err
}

// ListStageEvents returns every project's stage history, by project, date,
// round and stage name.
func (s *Store) ListStageEvents(ctx context.Context) ([]saima.StageEvent, error) {
	q := "SELECT project_code, stage, date, decided_by, opinion, toUInt32(round) FROM (" +
		latest("stage_events", "project_code, stage, date, decided_by, opinion, round") +
		" AND withdrawn = 0) ORDER BY project_code, date, round, stage"
	rows, err := s.query(ctx, q)
	if err != nil {
		return nil, err
	}
	var out []saima.StageEvent
	err = scanAll(rows, func() error {
		var e saima.StageEvent
		var round uint32
		err := rows.Scan(&e.ProjectCode, &e.Stage, &e.Date, &e.DecidedBy, &e.Opinion, &round)
		e.Round = int(round)
		out = append(out, e)
		return err
	})
	return out, err
}

// ListMilestones returns every milestone, by project and planned date. A
// milestone uploaded without a unit gets its project's responsible unit.
func (s *Store) ListMilestones(ctx context.Context) ([]saima.Milestone, error) {
	q := "SELECT m.project_code, m.name, if(m.unit != '', m.unit, p.unit), m.planned, m.actual, m.status FROM (" +
		latest("milestones", "project_code, name, unit, planned, actual, status") +
		") AS m GLOBAL ANY LEFT JOIN (SELECT code AS project_code, unit FROM (" +
		latest("projects", "code, unit") + ")) AS p USING (project_code) " +
		"ORDER BY m.project_code, m.planned, m.name"
	rows, err := s.query(ctx, q)
	if err != nil {
		return nil, err
	}
	var out []saima.Milestone
	err = scanAll(rows, func() error {
		var m saima.Milestone
		err := rows.Scan(&m.ProjectCode, &m.Name, &m.Unit, &m.Planned, &m.Actual, &m.Status)
		out = append(out, m)
		return err
	})
	if err != nil {
		return nil, err
	}
	return out, s.setMilestoneExits(ctx, out)
}

// setMilestoneExits sets the Exit of each of ms whose project exited.
func (s *Store) setMilestoneExits(ctx context.Context, ms []saima.Milestone) error {
	return s.setMilestoneExitsBy(ctx, ms, saima.LastDate)
}

// setMilestoneExitsBy sets the Exit of each of ms whose project exited on
// or before day, so that a view of the milestones as reported on day
// closes only what an exit had closed by then.
func (s *Store) setMilestoneExitsBy(ctx context.Context, ms []saima.Milestone, day saima.Date) error {
	exits, err := s.ListExitDays(ctx)
	if err != nil {
		return err
	}
	for i := range ms {
		if d, ok := exits[ms[i].ProjectCode]; ok && !d.After(day) {
			ms[i].Exit = &d
		}
	}
	return nil
}

// ListExitDays returns the exit day (退出) of every exited project, by
// code, as [saima.ExitDays] reads them from the current stage events.
func (s *Store) ListExitDays(ctx context.Context) (map[string]saima.Date, error) {
	q := "SELECT project_code, stage, date FROM (" + latest("stage_events", "project_code, stage, date") +
		" AND withdrawn = 0) WHERE stage = ?"
	rows, err := s.query(ctx, q, saima.StageExit)
	if err != nil {
		return nil, err
	}
	var events []saima.StageEvent
	err = scanAll(rows, func() error {
		var e saima.StageEvent
		err := rows.Scan(&e.ProjectCode, &e.Stage, &e.Date)
		events = append(events, e)
		return err
	})
	return saima.ExitDays(events), err
}

// ListOverdueMilestones returns the milestones that, on day asOf, are past
// their planned date and not done, or were done late. A milestone that
// its project's exit closed is left out (see [saima.ClosedByExit]).
func (s *Store) ListOverdueMilestones(ctx context.Context, asOf saima.Date) ([]saima.Milestone, error) {
	all, err := s.ListMilestones(ctx)
	if err != nil {
		return nil, err
	}
	var out []saima.Milestone
	for _, m := range all {
		if m.Overdue(asOf) {
			out = append(out, m)
		}
	}
	return out, nil
}

const progressFields = "unit, project_code, project_name, period, percent, report_date, progress, problems"

// ListProgress returns the progress reports of period, latest version per
// record key. For a quarter it includes the reports of its months.
func (s *Store) ListProgress(ctx context.Context, period saima.Period) ([]saima.ProgressReport, error) {
	col := "period"
	if period.Kind == saima.PeriodQuarter {
		col = "quarter"
	}
	q := latest("progress", progressFields) + " AND " + col + " = ? ORDER BY unit, project_code, period"
	return s.listProgress(ctx, q, period.String())
}

func (s *Store) listProgress(ctx context.Context, q string, args ...any) ([]saima.ProgressReport, error) {
	rows, err := s.query(ctx, q, args...)
	if err != nil {
		return nil, err
	}
	var out []saima.ProgressReport
	err = scanAll(rows, func() error {
		var p saima.ProgressReport
		var per string
		err := rows.Scan(&p.Unit, &p.ProjectCode, &p.ProjectName, &per, &p.Percent, &p.ReportDate,
			&p.Progress, &p.Problems)
		if err == nil {
			p.Period, err = saima.ParsePeriod(per)
		}
		out = append(out, p)
		return err
	})
	return out, err
}

// ListProgressOf returns the current progress reports of the projects
// codes, of every period, by project and period.
func (s *Store) ListProgressOf(ctx context.Context, codes ...string) ([]saima.ProgressReport, error) {
	q := latest("progress", progressFields) + " AND has(?, project_code) ORDER BY project_code, period, unit"
	return s.listProgress(ctx, q, codes)
}

const assessmentFields = "unit, indicator, mode, period, project_code, score, full_marks, evaluator"

// ListAssessments returns the assessment records of period. For a quarter
// it includes the records of its months but never those of the year.
func (s *Store) ListAssessments(ctx context.Context, period saima.Period) ([]saima.Assessment, error) {
	col := "period"
	if period.Kind == saima.PeriodQuarter {
		col = "quarter"
	}
	q := "SELECT " + assessmentFields + " FROM (" +
		latest("assessments", assessmentFields+", quarter") +
		") WHERE " + col + " = ? ORDER BY unit, indicator, mode, period"
	rows, err := s.query(ctx, q, period.String())
	if err != nil {
		return nil, err
	}
	var out []saima.Assessment
	err = scanAll(rows, func() error {
		var a saima.Assessment
		var per string
		err := rows.Scan(&a.Unit, &a.Indicator, &a.Mode, &per, &a.ProjectCode, &a.Score, &a.FullMarks, &a.Evaluator)
		if err == nil {
			a.Period, err = saima.ParsePeriod(per)
		}
		out = append(out, a)
		return err
	})
	return out, err
}

// LastUpdated returns when the last successful upload landed, or the zero
// time when none has.
func (s *Store) LastUpdated(ctx context.Context) (time.Time, error) {
	rows, err := s.query(ctx, "SELECT count(), max(at) FROM {db}.uploads WHERE outcome = 'ok'")
	if err != nil {
		return time.Time{}, err
	}
	var n uint64
	var at time.Time
	err = scanAll(rows, func() error { return rows.Scan(&n, &at) })
	if n == 0 {
		return time.Time{}, err
	}
	return at, err
}

// LedgerVersion returns the commit version of the newest successful
// upload, or 0 when none has committed. It changes with each commit,
// unlike [Store.LastUpdated], which counts whole seconds.
func (s *Store) LedgerVersion(ctx context.Context) (uint64, error) {
	rows, err := s.query(ctx, "SELECT max(committed) FROM {db}.uploads WHERE outcome = 'ok'")
	if err != nil {
		return 0, err
	}
	var v uint64
	err = scanAll(rows, func() error { return rows.Scan(&v) })
	return v, err
}

// percentOf returns d as a float, for display and arithmetic on values
// that were exact decimals in storage.
func percentOf(d decimal.NullDecimal) (float64, bool) {
	if !d.Valid {
		return 0, false
	}
	return d.Decimal.InexactFloat64(), true
}

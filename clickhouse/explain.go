package clickhouse

import (
	"context"
	"fmt"
	"slices"

	"github.com/samber/lo"

	"saima"
	"saima/scoring"
)

// Evidence returns the ledger rows behind unit's facts for period, read as
// [Store.Facts] reads them: current versions only, as of the store's
// version. They are the milestones due in the period, the period's progress
// reports and its assessment records, each with the upload it came from.
func (s *Store) Evidence(
	ctx context.Context, period saima.Period, unit string,
) (scoring.Evidence, error) {
	var ev scoring.Evidence
	var err error
	ev.MilestonesDueBefore = s.monthWindow(period).judging
	if ev.Milestones, err = s.milestoneEvidence(ctx, period, unit, ev.MilestonesDueBefore); err != nil {
		return ev, fmt.Errorf("milestone evidence: %w", err)
	}
	if ev.Progress, err = s.progressEvidence(ctx, period, unit); err != nil {
		return ev, fmt.Errorf("progress evidence: %w", err)
	}
	if ev.Assessments, err = s.assessmentEvidence(ctx, period, unit); err != nil {
		return ev, fmt.Errorf("assessment evidence: %w", err)
	}
	if ev.Problems, err = s.problemEvidence(ctx, period, unit); err != nil {
		return ev, fmt.Errorf("problem evidence: %w", err)
	}
	return ev, s.addProvenance(ctx, &ev)
}

// milestoneEvidenceQuery lists one unit's milestones planned within a
// date range, current versions only, with the unit resolved as the
// milestone facts resolve it: a milestone uploaded without a unit belongs to its
// project's unit. The JOIN sits in its own subquery because ClickHouse
// 18.16 allows one JOIN per SELECT, and it is GLOBAL like every JOIN of
// the store, so that it also runs over a cluster's Distributed tables.
var milestoneEvidenceQuery = "SELECT project_code, name, owner, planned, actual, status, upload_id " +
	"FROM (SELECT project_code, name, if(unit != '', unit, p_unit) AS owner, planned, actual, " +
	"status, upload_id FROM (" +
	"SELECT project_code, name, unit, planned, actual, status, upload_id FROM {db}.milestones " +
	"WHERE planned >= ? AND planned <= ? AND " + current("milestones") +
	") AS m GLOBAL ANY LEFT JOIN (SELECT code AS project_code, unit AS p_unit FROM (" +
	latest("projects", "code, unit") + ")) AS p USING (project_code)" +
	") WHERE owner = ? ORDER BY planned, project_code, name"

// milestoneEvidence lists unit's milestones due in p: planned in it
// before the judging day and not closed by their project's exit, as Facts
// counts them.
func (s *Store) milestoneEvidence(
	ctx context.Context, p saima.Period, unit string, judging saima.Date,
) ([]scoring.MilestoneEvidence, error) {
	exits, err := s.ListExitDays(ctx)
	if err != nil {
		return nil, err
	}
	rows, err := s.query(ctx, milestoneEvidenceQuery, p.Start(), judging.AddDays(-1), unit)
	if err != nil {
		return nil, err
	}
	var out []scoring.MilestoneEvidence
	err = scanAll(rows, func() error {
		var m scoring.MilestoneEvidence
		err := rows.Scan(&m.ProjectCode, &m.Name, &m.Unit, &m.Planned, &m.Actual, &m.Status,
			&m.UploadID)
		if d, ok := exits[m.ProjectCode]; ok && saima.ClosedByExit(m.Planned, m.Actual, &d) {
			return err
		}
		// The same rule as the tally's on_time: done by the planned day.
		m.OnTime = m.Actual != nil && !m.Actual.After(m.Planned)
		out = append(out, m)
		return err
	})
	return out, err
}

// progressEvidence lists the unit's progress reports of the period and
// marks those that progressFacts counts, with their plan attainment.
func (s *Store) progressEvidence(
	ctx context.Context, p saima.Period, unit string,
) ([]scoring.ProgressEvidence, error) {
	col := "period"
	if p.Kind == saima.PeriodQuarter {
		col = "quarter"
	}
	q := "SELECT " + progressFields + ", upload_id FROM (" +
		latest("progress", progressFields+", quarter, upload_id") +
		") WHERE " + col + " = ? AND unit = ? ORDER BY project_code, period"
	rows, err := s.query(ctx, q, p.String(), unit)
	if err != nil {
		return nil, err
	}
	var out []scoring.ProgressEvidence
	err = scanAll(rows, func() error {
		r, err := scanProgressEvidence(rows)
		out = append(out, r)
		return err
	})
	if err != nil {
		return nil, err
	}
	return out, s.markCounted(ctx, p, out)
}

func scanProgressEvidence(rows Rows) (scoring.ProgressEvidence, error) {
	var r scoring.ProgressEvidence
	var per string
	err := rows.Scan(&r.Unit, &r.ProjectCode, &r.ProjectName, &per, &r.Percent, &r.ReportDate,
		&r.Progress, &r.Problems, &r.UploadID)
	if err == nil {
		r.Period, err = saima.ParsePeriod(per)
	}
	return r, err
}

// markCounted sets Counted and Attainment on the reports that
// progressFacts uses: per project, the latest report with a percent,
// unless the project exited before p began.
func (s *Store) markCounted(
	ctx context.Context, p saima.Period, reports []scoring.ProgressEvidence,
) error {
	plain := make([]saima.ProgressReport, len(reports))
	for i, r := range reports {
		plain[i] = r.ProgressReport
	}
	projects, err := s.ListProjects(ctx)
	if err != nil {
		return err
	}
	byCode := lo.KeyBy(projects, func(pr saima.Project) string { return pr.Code })
	exits, err := s.ListExitDays(ctx)
	if err != nil {
		return err
	}
	plain = slices.DeleteFunc(plain, func(r saima.ProgressReport) bool {
		d, ok := exits[r.ProjectCode]
		return ok && saima.ExitedBefore(&d, p.Start())
	})

	for _, best := range latestPerProject(plain) {
		for i := range reports {
			r := &reports[i]
			if r.ProjectCode == best.ProjectCode && r.Period == best.Period {
				pct, _ := percentOf(r.Percent)
				r.Counted = true
				r.Attainment, r.Planned, _ = attainment(pct, byCode[r.ProjectCode], p.End())
			}
		}
	}
	return nil
}

func (s *Store) assessmentEvidence(
	ctx context.Context, p saima.Period, unit string,
) ([]scoring.AssessmentEvidence, error) {
	col := "period"
	if p.Kind == saima.PeriodQuarter {
		col = "quarter"
	}
	q := "SELECT " + assessmentFields + ", upload_id FROM (" +
		latest("assessments", assessmentFields+", quarter, upload_id") +
		") WHERE " + col + " = ? AND unit = ? ORDER BY indicator, mode, period"
	rows, err := s.query(ctx, q, p.String(), unit)
	if err != nil {
		return nil, err
	}
	var out []scoring.AssessmentEvidence
	err = scanAll(rows, func() error {
		var a scoring.AssessmentEvidence
		var per string
		err := rows.Scan(&a.Unit, &a.Indicator, &a.Mode, &per, &a.ProjectCode, &a.Score, &a.FullMarks,
			&a.Evaluator, &a.UploadID)
		if err == nil {
			a.Period, err = saima.ParsePeriod(per)
		}
		a.Percent = assessmentPercent(a.Assessment)
		out = append(out, a)
		return err
	})
	return out, err
}

// problemEvidence lists the unit's problem-list items found in p and
// marks those closed by its last day, as addProblemFact counts them.
func (s *Store) problemEvidence(
	ctx context.Context, p saima.Period, unit string,
) ([]scoring.ProblemEvidence, error) {
	q := "SELECT " + problemFields + ", upload_id FROM (" + latest("problems", problemFields+", upload_id") +
		") WHERE opened >= ? AND opened <= ? AND unit = ? ORDER BY opened, id"
	rows, err := s.query(ctx, q, p.Start(), p.End(), unit)
	if err != nil {
		return nil, err
	}
	var out []scoring.ProblemEvidence
	err = scanAll(rows, func() error {
		var e scoring.ProblemEvidence
		var level uint8
		err := rows.Scan(&e.ID, &e.Unit, &e.ProjectCode, &e.Source, &e.Category, &e.Stage, &level,
			&e.Opened, &e.Closed, &e.Summary, &e.UploadID)
		e.Level = int(level)
		if e.Closed != nil && !e.Closed.After(p.End()) {
			e.Counted, e.Days = true, e.Opened.DaysUntil(*e.Closed)
		}
		out = append(out, e)
		return err
	})
	return out, err
}

// assessmentPercent is the value assessmentQuery sums for one record.
func assessmentPercent(a saima.Assessment) float64 {
	score := a.Score.InexactFloat64()
	full, ok := percentOf(a.FullMarks)
	if !ok || full == 0 {
		return score
	}
	return score / full * 100
}

// addProvenance fills in the file name and time of every row's upload.
func (s *Store) addProvenance(ctx context.Context, ev *scoring.Evidence) error {
	var ids []string
	for _, m := range ev.Milestones {
		ids = append(ids, m.UploadID)
	}
	for _, r := range ev.Progress {
		ids = append(ids, r.UploadID)
	}
	for _, a := range ev.Assessments {
		ids = append(ids, a.UploadID)
	}
	for _, pr := range ev.Problems {
		ids = append(ids, pr.UploadID)
	}
	if len(ids) == 0 {
		return nil
	}
	ups, err := s.uploadsByID(ctx, ids)
	if err != nil {
		return fmt.Errorf("read uploads: %w", err)
	}

	for i := range ev.Milestones {
		fill(&ev.Milestones[i].Provenance, ups)
	}
	for i := range ev.Progress {
		fill(&ev.Progress[i].Provenance, ups)
	}
	for i := range ev.Assessments {
		fill(&ev.Assessments[i].Provenance, ups)
	}
	for i := range ev.Problems {
		fill(&ev.Problems[i].Provenance, ups)
	}
	return nil
}

func fill(p *scoring.Provenance, ups map[string]scoring.Provenance) {
	if up, ok := ups[p.UploadID]; ok {
		p.FileName, p.UploadedAt = up.FileName, up.UploadedAt
	}
}

// uploadsByID returns the successful upload records among ids.
func (s *Store) uploadsByID(ctx context.Context, ids []string) (map[string]scoring.Provenance, error) {
	q := "SELECT id, file_name, at FROM {db}.uploads WHERE outcome = 'ok' AND has(?, id) " +
		"ORDER BY id, committed DESC LIMIT 1 BY id"
	rows, err := s.query(ctx, q, ids)
	if err != nil {
		return nil, err
	}
	out := map[string]scoring.Provenance{}
	err = scanAll(rows, func() error {
		var p scoring.Provenance
		err := rows.Scan(&p.UploadID, &p.FileName, &p.UploadedAt)
		out[p.UploadID] = p
		return err
	})
	return out, err
}

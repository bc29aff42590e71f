package clickhouse

import (
	"cmp"
	"context"
	"strings"

	"saima"
)

// ListLedger returns the projects that match f, by code, each with its
// current stage, milestone counts, overdue milestones and latest percent.
// The ledger holds hundreds of projects, so it is assembled and filtered
// in Go from a few whole-table reads.
func (s *Store) ListLedger(ctx context.Context, f saima.LedgerFilter) ([]saima.LedgerEntry, error) {
	if f.AsOf.IsZero() {
		f.AsOf = saima.DateOf(s.now())
	}
	projects, err := s.ListProjects(ctx)
	if err != nil {
		return nil, err
	}
	stages, err := s.ListStageEvents(ctx)
	if err != nil {
		return nil, err
	}
	milestones, err := s.ListMilestones(ctx)
	if err != nil {
		return nil, err
	}
	percents, err := s.latestPercents(ctx)
	if err != nil {
		return nil, err
	}

	entries := make(map[string]*saima.LedgerEntry, len(projects))
	var out []*saima.LedgerEntry
	for _, p := range projects {
		e := &saima.LedgerEntry{Project: p}
		entries[p.Code] = e
		out = append(out, e)
	}
	current := map[string]saima.StageEvent{}
	for _, ev := range stages {
		e := entries[ev.ProjectCode]
		if e == nil {
			continue
		}
		if cur, ok := current[ev.ProjectCode]; ok && saima.CompareStageEvents(ev, cur) <= 0 {
			continue
		}
		current[ev.ProjectCode] = ev
		d := ev.Date
		e.Stage, e.StageDate = ev.Stage, &d
	}
	for _, m := range milestones {
		e := entries[m.ProjectCode]
		if e == nil {
			continue
		}
		e.Milestones++
		if m.Actual != nil {
			e.MilestonesDone++
		}
		if m.Overdue(f.AsOf) {
			e.Overdue = append(e.Overdue, m)
		}
	}
	for code, r := range percents {
		if e := entries[code]; e != nil {
			e.LatestPercent, e.LatestPeriod = r.Percent, r.Period
		}
	}
	return filterLedger(out, f), nil
}

func filterLedger(all []*saima.LedgerEntry, f saima.LedgerFilter) []saima.LedgerEntry {
	var out []saima.LedgerEntry
	for _, e := range all {
		switch {
		case f.Unit != "" && e.Unit != f.Unit:
		case f.System != "" && e.System != f.System:
		case f.Stage != "" && saima.CountedStage(e.Stage) != f.Stage:
		case f.Batch != "" && e.Batch != f.Batch:
		case f.OverdueOnly && len(e.Overdue) == 0:
		case f.Search != "" && !strings.Contains(e.Code, f.Search) && !strings.Contains(e.Name, f.Search):
		default:
			out = append(out, *e)
		}
	}
	return out
}

// latestPercents returns each project's most recent report with a
// percent, by the period's end, then the report date, the period and the
// unit. The responsible unit and the lead unit may both report a project
// for one period, and the engine returns their rows in no set order.
func (s *Store) latestPercents(ctx context.Context) (map[string]saima.ProgressReport, error) {
	q := "SELECT project_code, period, percent, report_date, unit FROM (" +
		latest("progress", "project_code, period, percent, report_date, unit") +
		") WHERE isNotNull(percent) ORDER BY project_code, period, unit"
	rows, err := s.query(ctx, q)
	if err != nil {
		return nil, err
	}
	out := map[string]saima.ProgressReport{}
	err = scanAll(rows, func() error {
		var r saima.ProgressReport
		var per string
		if err := rows.Scan(&r.ProjectCode, &per, &r.Percent, &r.ReportDate, &r.Unit); err != nil {
			return err
		}
		p, err := saima.ParsePeriod(per)
		if err != nil {
			return err
		}
		r.Period = p
		if cur, ok := out[r.ProjectCode]; !ok || laterPercent(r, cur) {
			out[r.ProjectCode] = r
		}
		return nil
	})
	return out, err
}

// laterPercent reports whether the report a is more recent than b for the
// ledger's latest percent. A report without a date is older than one with
// a date.
func laterPercent(a, b saima.ProgressReport) bool {
	return cmp.Or(a.Period.End().Compare(b.Period.End()),
		compareReportDates(a.ReportDate, b.ReportDate),
		cmp.Compare(a.Period.String(), b.Period.String()),
		cmp.Compare(a.Unit, b.Unit)) > 0
}

func compareReportDates(a, b *saima.Date) int {
	switch {
	case a == nil && b == nil:
		return 0
	case a == nil:
		return -1
	case b == nil:
		return 1
	}
	return a.Compare(*b)
}

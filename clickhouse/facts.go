package clickhouse

import (
	"context"
	"sort"

	"github.com/samber/lo"

	"saima"
	"saima/scoring"
)

// Facts returns each unit's raw counts and sums for period, which must be a
// quarter or a year: the input of [scoring.Evaluate]. Units without any
// data in the period are absent. It reads them with one statement
// (factsQuery), over the uploads that count when it starts.
func (s *Store) Facts(ctx context.Context, period saima.Period) ([]scoring.UnitFacts, error) {
	s, err := s.pinned(ctx)
	if err != nil {
		return nil, err
	}
	facts, err := s.readFacts(ctx, period)
	if err != nil {
		return nil, err
	}
	out := make([]scoring.UnitFacts, 0, len(facts))
	for _, f := range facts {
		out = append(out, *f)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Unit < out[j].Unit })
	return out, nil
}

// factsMap holds units' facts by unit name.
type factsMap map[string]*scoring.UnitFacts

// get returns unit's facts, added empty when absent.
func (m factsMap) get(unit string) *scoring.UnitFacts {
	f, ok := m[unit]
	if !ok {
		f = &scoring.UnitFacts{Unit: unit}
		m[unit] = f
	}
	return f
}

// owners maps project codes to their responsible units.
func owners(projects []saima.Project) map[string]string {
	out := make(map[string]string, len(projects))
	for _, p := range projects {
		out[p.Code] = p.Unit
	}
	return out
}

// progressFacts takes each project's latest reported 完成率 among reports
// and compares it with the linear plan between the project's start and due
// dates (of projects, the ledger's projects), judged at the period's end.
func progressFacts(reports []saima.ProgressReport, projects []saima.Project, p saima.Period,
	get func(string) *scoring.UnitFacts) {
	byCode := lo.KeyBy(projects, func(pr saima.Project) string { return pr.Code })
	for _, r := range latestPerProject(reports) {
		pct, ok := percentOf(r.Percent)
		if !ok {
			continue
		}
		f := get(r.Unit)
		f.ProgressReports++
		f.ProgressSum += pct
		a, known, oneDay := attainment(pct, byCode[r.ProjectCode], p.End())
		switch {
		case oneDay:
			f.OneDayPlanned++
			f.OneDayAttainmentSum += a
		case known:
			f.PlannedReports++
			f.PlanAttainmentSum += a
		}
	}
}

// latestPerProject keeps, per unit and project, the report with a percent
// that was filed last (by report date, then by period).
func latestPerProject(reports []saima.ProgressReport) []saima.ProgressReport {
	type key struct{ unit, code string }
	best := map[key]saima.ProgressReport{}
	var order []key
	for _, r := range reports {
		if !r.Percent.Valid {
			continue
		}
		k := key{r.Unit, r.ProjectCode}
		cur, ok := best[k]
		if !ok {
			order = append(order, k)
			best[k] = r
			continue
		}
		if laterReport(r, cur) {
			best[k] = r
		}
	}
	out := make([]saima.ProgressReport, len(order))
	for i, k := range order {
		out[i] = best[k]
	}
	return out
}

func laterReport(a, b saima.ProgressReport) bool {
	switch {
	case a.ReportDate != nil && b.ReportDate != nil && *a.ReportDate != *b.ReportDate:
		return a.ReportDate.After(*b.ReportDate)
	case a.ReportDate != nil && b.ReportDate == nil:
		return true
	case a.ReportDate == nil && b.ReportDate != nil:
		return false
	}
	return a.Period.End().After(b.Period.End())
}

// attainment returns min(pct / planned, 1) × 100, where planned is the
// share of the project's duration elapsed at day end. Without both dates
// the plan is unknown and known is false. Such a project, for example one
// not started that reports its first steps, is left out of the comparison
// rather than held to a plan it was never given.
//
// A one-day project, whose 开始日期 is its 计划完成日期, plans 0 before
// that day and all of it from the day on, as a span of no length would.
// oneDay reports such a project, because runs stored before it counted
// leave it out (see [scoring.UnitFacts.OneDayPlanned]).
func attainment(pct float64, p saima.Project, end saima.Date) (value float64, known, oneDay bool) {
	if p.StartDate == nil || p.DueDate == nil || p.DueDate.Before(*p.StartDate) {
		return 0, false, false
	}
	if *p.DueDate == *p.StartDate {
		if end.Before(*p.DueDate) {
			return 100, true, true
		}
		return min(pct/100, 1) * 100, true, true
	}
	total := float64(p.StartDate.DaysUntil(*p.DueDate))
	planned := 100 * float64(p.StartDate.DaysUntil(end)) / total
	switch {
	case planned <= 0:
		return 100, true, false
	case planned > 100:
		planned = 100
	}
	return min(pct/planned, 1) * 100, true, false
}

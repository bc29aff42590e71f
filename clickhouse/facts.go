package clickhouse

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"sync"

	"github.com/shopspring/decimal"

	"saima"
	"saima/scoring"
)

// Facts returns each unit's raw counts and sums for period, which must be a
// quarter or a year: the input of [scoring.Evaluate]. Units without any
// data in the period are absent. Its queries all count the same uploads,
// and run at the same time where the engine allows.
func (s *Store) Facts(ctx context.Context, period saima.Period) ([]scoring.UnitFacts, error) {
	s, err := s.pinned(ctx)
	if err != nil {
		return nil, err
	}
	var (
		projects    []saima.Project
		milestones  map[tallyGroup]*milestoneTotals
		reports     []saima.ProgressReport
		assessments = factsMap{}
		problems    = factsMap{}
	)
	err = s.parallel(
		func() (err error) { projects, err = s.ListProjects(ctx); return err },
		func() (err error) { milestones, err = s.readMilestoneTotals(ctx, tallyQuery, period); return err },
		func() (err error) { reports, err = s.ListProgress(ctx, period); return err },
		func() error { return s.assessmentFacts(ctx, period, assessments.get) },
		func() error { return s.problemFacts(ctx, period, problems.get) },
	)
	if err != nil {
		return nil, err
	}

	facts := factsMap{}
	addMilestoneTotals(milestones, owners(projects), facts.get)
	progressFacts(reports, projects, period, facts.get)
	facts.add(assessments)
	facts.add(problems)
	out := make([]scoring.UnitFacts, 0, len(facts))
	for _, f := range facts {
		out = append(out, *f)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Unit < out[j].Unit })
	return out, nil
}

// parallel runs each of fns on a goroutine of its own and returns their
// errors joined, once all have returned. On the embedded engine, which runs
// one statement at a time, it runs them one after the other instead.
func (s *Store) parallel(fns ...func() error) error {
	errs := make([]error, len(fns))
	if s.engine.Name() == "embedded" {
		for i, fn := range fns {
			errs[i] = fn()
		}
		return errors.Join(errs...)
	}
	var wg sync.WaitGroup
	for i, fn := range fns {
		wg.Go(func() { errs[i] = fn() })
	}
	wg.Wait()
	return errors.Join(errs...)
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

// add adds every count and sum of o's units to m's.
func (m factsMap) add(o factsMap) {
	for unit, g := range o {
		f := m.get(unit)
		f.MilestonesDue += g.MilestonesDue
		f.MilestonesOnTime += g.MilestonesOnTime
		f.ProgressReports += g.ProgressReports
		f.ProgressSum += g.ProgressSum
		f.PlanAttainmentSum += g.PlanAttainmentSum
		f.Assessments += g.Assessments
		f.AssessmentPctSum += g.AssessmentPctSum
		f.AssessmentScoreSum += g.AssessmentScoreSum
		f.ProblemsOpened += g.ProblemsOpened
		f.ProblemsClosed += g.ProblemsClosed
		f.ProblemCloseDaysSum += g.ProblemCloseDaysSum
		for l := range f.ProblemsClosedByLevel {
			f.ProblemsClosedByLevel[l] += g.ProblemsClosedByLevel[l]
			f.ProblemCloseDaysByLevel[l] += g.ProblemCloseDaysByLevel[l]
		}
		f.MilestoneMonths += g.MilestoneMonths
		f.MilestoneRedMonths += g.MilestoneRedMonths
		f.MilestoneYellowMonths += g.MilestoneYellowMonths
	}
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
	byCode := map[string]saima.Project{}
	for _, pr := range projects {
		byCode[pr.Code] = pr
	}
	for _, r := range latestPerProject(reports) {
		pct, ok := percentOf(r.Percent)
		if !ok {
			continue
		}
		f := get(r.Unit)
		f.ProgressReports++
		f.ProgressSum += pct
		f.PlanAttainmentSum += attainment(pct, byCode[r.ProjectCode], p.End())
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
// share of the project's duration elapsed at day end. Without both dates the
// plan is unknown and the reported percent itself counts.
func attainment(pct float64, p saima.Project, end saima.Date) float64 {
	if p.StartDate == nil || p.DueDate == nil || !p.DueDate.After(*p.StartDate) {
		return pct
	}
	total := float64(p.StartDate.DaysUntil(*p.DueDate))
	planned := 100 * float64(p.StartDate.DaysUntil(end)) / total
	switch {
	case planned <= 0:
		return 100
	case planned > 100:
		planned = 100
	}
	return min(pct/planned, 1) * 100
}

// assessmentQuery sums each unit's percentages in ascending order rather
// than with sum(), whose order follows the table's parts. A background
// merge would otherwise change the last bit of the sum, and a published
// evaluation must recompute bit for bit.
var assessmentQuery = "SELECT unit, count(), arraySum(arraySort(groupArray(" +
	"if(ifNull(toFloat64(full_marks), 0) = 0, toFloat64(score), " +
	"toFloat64(score) / toFloat64(full_marks) * 100)))), toString(sum(score)) FROM {db}.assessments WHERE " +
	current("assessments") + " AND %s = ? GROUP BY unit"

func (s *Store) assessmentFacts(ctx context.Context, p saima.Period, get func(string) *scoring.UnitFacts) error {
	col := "period"
	if p.Kind == saima.PeriodQuarter {
		col = "quarter"
	}
	rows, err := s.query(ctx, sprintf(assessmentQuery, col), p.String())
	if err != nil {
		return err
	}
	return scanAll(rows, func() error {
		var unit, total string
		var n uint64
		var sum float64
		if err := rows.Scan(&unit, &n, &sum, &total); err != nil {
			return err
		}
		points, err := decimal.NewFromString(total)
		if err != nil {
			return fmt.Errorf("assessment total of %s: %w", unit, err)
		}
		f := get(unit)
		f.Assessments, f.AssessmentPctSum, f.AssessmentScoreSum = int(n), sum, points.InexactFloat64()
		return nil
	})
}

// problemQuery lists the units, escalation levels and dates of the
// problem-list items found within a date range. problemFacts counts them
// in Go, which is cheaper than having the engine plan the arithmetic.
var problemQuery = "SELECT unit, level, opened, closed FROM {db}.problems " +
	"WHERE opened >= ? AND opened <= ? AND " + current("problems")

// problemFacts counts, per unit and escalation level, the problem-list
// items found within p, those closed by its last day, and their days from
// found to closed.
func (s *Store) problemFacts(ctx context.Context, p saima.Period, get func(string) *scoring.UnitFacts) error {
	rows, err := s.query(ctx, problemQuery, p.Start(), p.End())
	if err != nil {
		return err
	}
	end := p.End()
	return scanAll(rows, func() error {
		var unit string
		var level uint8
		var opened saima.Date
		var closed *saima.Date
		if err := rows.Scan(&unit, &level, &opened, &closed); err != nil {
			return err
		}
		f := get(unit)
		f.ProblemsOpened++
		if closed == nil || closed.After(end) {
			return nil
		}
		days := float64(opened.DaysUntil(*closed))
		f.ProblemsClosed++
		f.ProblemCloseDaysSum += days
		if level >= 1 && int(level) < len(f.ProblemsClosedByLevel) {
			f.ProblemsClosedByLevel[level]++
			f.ProblemCloseDaysByLevel[level] += days
		}
		return nil
	})
}

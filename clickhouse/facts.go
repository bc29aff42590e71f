package clickhouse

import (
	"context"
	"fmt"
	"sort"

	"github.com/shopspring/decimal"

	"saima"
	"saima/scoring"
)

// Facts returns each unit's raw counts and sums for period, which must be a
// quarter or a year: the input of [scoring.Evaluate]. Units without any
// data in the period are absent.
func (s *Store) Facts(ctx context.Context, period saima.Period) ([]scoring.UnitFacts, error) {
	facts := map[string]*scoring.UnitFacts{}
	get := func(unit string) *scoring.UnitFacts {
		f, ok := facts[unit]
		if !ok {
			f = &scoring.UnitFacts{Unit: unit}
			facts[unit] = f
		}
		return f
	}

	if err := s.milestoneFacts(ctx, period, get); err != nil {
		return nil, err
	}
	if err := s.progressFacts(ctx, period, get); err != nil {
		return nil, err
	}
	if err := s.assessmentFacts(ctx, period, get); err != nil {
		return nil, err
	}
	if err := s.problemFacts(ctx, period, get); err != nil {
		return nil, err
	}

	out := make([]scoring.UnitFacts, 0, len(facts))
	for _, f := range facts {
		out = append(out, *f)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Unit < out[j].Unit })
	return out, nil
}

// progressFacts reads each project's latest reported 完成率 in the period
// and compares it with the linear plan between the project's start and due
// dates, judged at the period's end.
func (s *Store) progressFacts(ctx context.Context, p saima.Period, get func(string) *scoring.UnitFacts) error {
	reports, err := s.ListProgress(ctx, p)
	if err != nil {
		return err
	}
	projects, err := s.ListProjects(ctx)
	if err != nil {
		return err
	}
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
	return nil
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

// problemQuery counts, per unit and escalation level, the problem-list
// items found within a date range, those closed by its last day, and their
// days from found to closed.
var problemQuery = "SELECT unit, level, count(), countIf(closed_in), sumIf(days, closed_in) FROM (" +
	"SELECT unit, level, ifNull(closed <= ?, 0) AS closed_in, " +
	"toInt64(ifNull(toUInt32(closed), 0)) - toInt64(toUInt32(opened)) AS days " +
	"FROM {db}.problems WHERE opened >= ? AND opened <= ? AND " + current("problems") +
	") GROUP BY unit, level"

func (s *Store) problemFacts(ctx context.Context, p saima.Period, get func(string) *scoring.UnitFacts) error {
	rows, err := s.query(ctx, problemQuery, p.End(), p.Start(), p.End())
	if err != nil {
		return err
	}
	return scanAll(rows, func() error {
		var unit string
		var level uint8
		var opened, closed uint64
		var days int64
		if err := rows.Scan(&unit, &level, &opened, &closed, &days); err != nil {
			return err
		}
		f := get(unit)
		f.ProblemsOpened += int(opened)
		f.ProblemsClosed += int(closed)
		f.ProblemCloseDaysSum += float64(days)
		if level >= 1 && int(level) < len(f.ProblemsClosedByLevel) {
			f.ProblemsClosedByLevel[level] += int(closed)
			f.ProblemCloseDaysByLevel[level] += float64(days)
		}
		return nil
	})
}

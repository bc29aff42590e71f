package clickhouse

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/shopspring/decimal"

	"saima"
	"saima/scoring"
)

// The kinds of row that factsQuery returns, in its first column.
const (
	factProject    = 1
	factTally      = 2
	factProgress   = 3
	factAssessment = 4
	factProblem    = 5
	factDueDay     = 6
)

// factsQuery reads everything an evaluation of a period needs in one
// statement, a UNION ALL of five reads. They are the projects' units and
// dates, the milestone tally rows that can count in the period, and the
// period's progress reports with a percent. Then come each unit's
// assessment counts and sums, and the problem-list items found in the
// period. While the period runs, factsSQL adds a sixth, dueDaysBranch.
// One statement instead of five saved about 3 ms on chDB, which plans and
// runs one statement at a time.
//
// A tally row (see sql/0006_milestone_tally.sql) can count when planned by
// the period's end, and either planned within it or not done on time by
// its start. Each stands for n milestones of a unit, or of a project
// without a unit, with the same months planned and done (2105-12-01 when
// not done), on_time and done. The arithmetic on months is done in Go
// (milestoneTotals): on the few thousand rows of a tally it costs less
// than the engine takes to plan it.
//
// Every branch has the same ten columns, cast to the same types, because
// ClickHouse 18.16 requires it:
//
//	kind UInt8, unit, code, s1 String, s2 Nullable(String),
//	d1, d2 Nullable(Date), i1, i2 Int64, f Float64
//
// Its parameters are bound by factsArgs. %s is the progress and assessment
// column that holds the period: quarter for a quarter, period for a year.
const factsQuery = "SELECT toUInt8(1) AS kind, unit, code, '' AS s1, CAST(NULL AS Nullable(String)) AS s2, " +
	"start_date AS d1, due_date AS d2, toInt64(0) AS i1, toInt64(0) AS i2, toFloat64(0) AS f " +
	"FROM {db}.projects WHERE {current_projects} " +
	"UNION ALL SELECT toUInt8(2), unit, project_code, '', CAST(NULL AS Nullable(String)), " +
	"toNullable(planned_month), toNullable(actual_month), toInt64(on_time * 2 + done), n, toFloat64(0) " +
	"FROM {db}.milestone_tally WHERE {visible} AND planned_month <= ? AND " +
	"(planned_month >= ? OR (on_time = 0 AND actual_month >= ?)) " +
	"UNION ALL SELECT toUInt8(3), unit, project_code, period, toString(percent), " +
	"report_date, CAST(NULL AS Nullable(Date)), toInt64(0), toInt64(0), toFloat64(0) " +
	"FROM {db}.progress WHERE {current_progress} AND %[1]s = ? AND isNotNull(percent) " +
	"UNION ALL SELECT toUInt8(4), unit, '', toString(sum(score)), CAST(NULL AS Nullable(String)), " +
	"CAST(NULL AS Nullable(Date)), CAST(NULL AS Nullable(Date)), toInt64(count()), toInt64(0), " +
	"arraySum(arraySort(groupArray(if(ifNull(toFloat64(full_marks), 0) = 0, toFloat64(score), " +
	"toFloat64(score) / toFloat64(full_marks) * 100)))) " +
	"FROM {db}.assessments WHERE {current_assessments} AND %[1]s = ? GROUP BY unit " +
	"UNION ALL SELECT toUInt8(5), unit, '', '', CAST(NULL AS Nullable(String)), " +
	"toNullable(opened), closed, toInt64(level), toInt64(0), toFloat64(0) " +
	"FROM {db}.problems WHERE opened >= ? AND opened <= ? AND {current_problems}"

// dueDaysBranch is the sixth read of factsQuery, added only while the
// judging day's month has due days in the period.
const dueDaysBranch = " UNION ALL SELECT toUInt8(6), unit, pc, '', CAST(NULL AS Nullable(String)), " +
	"CAST(NULL AS Nullable(Date)), CAST(NULL AS Nullable(Date)), toInt64(ontime), toInt64(count()), toFloat64(0) " +
	"FROM (" + dueDaysQuery + ") GROUP BY unit, pc, ontime"

// dueDaysQuery selects the current milestones planned from one day up to
// the day before another, with the tally's unit, project and on_time
// columns. factsQuery reads with it the milestones of the judging day's
// month that are already due: the tally has only their month.
const dueDaysQuery = "SELECT unit, if(unit = '', project_code, '') AS pc, " +
	"toUInt8(ifNull(actual <= planned, 0)) AS ontime FROM {db}.milestones " +
	"WHERE planned >= ? AND planned < ? AND {current_milestones}"

// factsSQL returns factsQuery for period and its window m, with the
// current-row conditions of each table filled in.
func factsSQL(p saima.Period, m monthWindow) string {
	col := "period"
	if p.Kind == saima.PeriodQuarter {
		col = "quarter"
	}
	q := fmt.Sprintf(factsQuery, col)
	if m.hasDueDays() {
		q += dueDaysBranch
	}
	for _, table := range []string{"projects", "progress", "assessments", "problems", "milestones"} {
		q = strings.ReplaceAll(q, "{current_"+table+"}", current(table))
	}
	return q
}

// factsArgs returns the parameters of factsQuery for p and its window m.
func factsArgs(p saima.Period, m monthWindow) []any {
	first, last := saima.NewDate(p.Start().Year, p.Start().Month, 1), saima.NewDate(p.End().Year, p.End().Month, 1)
	args := []any{last, first, first, p.String(), p.String(), p.Start(), p.End()}
	if m.hasDueDays() {
		args = append(args, m.daysFrom, m.judging)
	}
	return args
}

// factRow is one row of factsQuery.
type factRow struct {
	kind       uint8
	unit, code string
	s1         string
	s2         *string
	d1, d2     *saima.Date
	i1, i2     int64
	f          float64
}

// readFacts runs factsQuery for p and returns each unit's facts.
func (s *Store) readFacts(ctx context.Context, p saima.Period) (factsMap, error) {
	m := s.monthWindow(p)
	rows, err := s.query(ctx, factsSQL(p, m), factsArgs(p, m)...)
	if err != nil {
		return nil, err
	}
	var (
		projects []saima.Project
		reports  []saima.ProgressReport
		totals   = map[tallyGroup]*milestoneTotals{}
		facts    = factsMap{}
	)
	err = scanAll(rows, func() error {
		var r factRow
		if err := rows.Scan(&r.kind, &r.unit, &r.code, &r.s1, &r.s2, &r.d1, &r.d2, &r.i1, &r.i2, &r.f); err != nil {
			return err
		}
		switch r.kind {
		case factProject:
			projects = append(projects, saima.Project{Code: r.code, Unit: r.unit, StartDate: r.d1, DueDate: r.d2})
		case factTally:
			return addTallyFact(totals, r, m)
		case factProgress:
			rep, err := progressFact(r)
			reports = append(reports, rep)
			return err
		case factAssessment:
			return addAssessmentFact(facts.get(r.unit), r)
		case factProblem:
			return addProblemFact(facts.get(r.unit), r, p.End())
		case factDueDay:
			addDueDay(totals, r)
		default:
			return fmt.Errorf("facts query: unknown row kind %d", r.kind)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	exits, err := s.readExitFacts(ctx)
	if err != nil {
		return nil, fmt.Errorf("facts of exited projects: %w", err)
	}
	exits.correct(totals, m)
	addMilestoneTotals(totals, owners(projects), facts.get)
	// The order ListProgress gives, which latestPerProject's ties follow.
	slices.SortFunc(reports, func(a, b saima.ProgressReport) int {
		return cmp.Or(cmp.Compare(a.Unit, b.Unit), cmp.Compare(a.ProjectCode, b.ProjectCode),
			cmp.Compare(a.Period.String(), b.Period.String()))
	})
	reports = slices.DeleteFunc(reports, func(r saima.ProgressReport) bool {
		d, ok := exits.days[r.ProjectCode]
		return ok && saima.ExitedBefore(&d, p.Start())
	})
	progressFacts(reports, projects, p, facts.get)
	return facts, nil
}

// addTallyFact adds a tally row of factsQuery to its unit's or project's
// totals.
func addTallyFact(totals map[tallyGroup]*milestoneTotals, r factRow, m monthWindow) error {
	if r.d1 == nil || r.d2 == nil {
		return fmt.Errorf("facts query: tally row of %s without months", r.unit)
	}
	k := tallyGroup{r.unit, r.code}
	if totals[k] == nil {
		totals[k] = &milestoneTotals{}
	}
	totals[k].add(tallyRow{unit: r.unit, project: r.code, planned: *r.d1, actual: *r.d2,
		onTime: uint8(r.i1 / 2), done: uint8(r.i1 % 2), n: r.i2}, m)
	return nil
}

// addDueDay counts the due milestones of a factDueDay row: i1 is on_time
// and i2 the count.
func addDueDay(totals map[tallyGroup]*milestoneTotals, r factRow) {
	k := tallyGroup{r.unit, r.code}
	if totals[k] == nil {
		totals[k] = &milestoneTotals{}
	}
	totals[k].addDue(uint8(r.i1), r.i2)
}

// progressFact returns the progress report of a row of factsQuery, with
// the fields that progressFacts reads.
func progressFact(r factRow) (saima.ProgressReport, error) {
	rep := saima.ProgressReport{Unit: r.unit, ProjectCode: r.code, ReportDate: r.d1}
	var err error
	if rep.Period, err = saima.ParsePeriod(r.s1); err != nil {
		return rep, fmt.Errorf("progress period of %s: %w", r.unit, err)
	}
	if r.s2 != nil {
		d, err := decimal.NewFromString(*r.s2)
		if err != nil {
			return rep, fmt.Errorf("progress percent of %s: %w", r.unit, err)
		}
		rep.Percent = decimal.NullDecimal{Decimal: d, Valid: true}
	}
	return rep, nil
}

// addAssessmentFact sets a unit's assessment facts from its row of
// factsQuery: the count, the sum of percentages in ascending order (so that
// a background merge cannot change its last bit) and the exact sum of
// scores.
func addAssessmentFact(f *scoring.UnitFacts, r factRow) error {
	points, err := decimal.NewFromString(r.s1)
	if err != nil {
		return fmt.Errorf("assessment total of %s: %w", r.unit, err)
	}
	f.Assessments, f.AssessmentPctSum, f.AssessmentScoreSum = int(r.i1), r.f, points.InexactFloat64()
	return nil
}

// addProblemFact counts a problem-list item of factsQuery, found within a
// period ending on end: found, closed by end, and its days from found to
// closed, in total and by escalation level.
func addProblemFact(f *scoring.UnitFacts, r factRow, end saima.Date) error {
	if r.d1 == nil {
		return fmt.Errorf("facts query: problem of %s without a date found", r.unit)
	}
	f.ProblemsOpened++
	closed := r.d2
	if closed == nil || closed.After(end) {
		return nil
	}
	days := float64(r.d1.DaysUntil(*closed))
	f.ProblemsClosed++
	f.ProblemCloseDaysSum += days
	// A problem without a 层级 is at level 1, where every problem starts,
	// and the former fourth level counts as the top one, as on the loop
	// page (saima.BuildProblemLoops).
	level := min(max(int(r.i1), 1), len(f.ProblemsClosedByLevel)-1)
	f.ProblemsClosedByLevel[level]++
	f.ProblemCloseDaysByLevel[level] += days
	return nil
}

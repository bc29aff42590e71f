package clickhouse

import (
	"context"
	"fmt"
	"time"

	"saima"
	"saima/scoring"
)

// tallyGroup identifies the milestones of a unit, or of a project uploaded
// without a unit.
type tallyGroup struct{ unit, project string }

// monthWindow returns the months of p, those of them that have ended by
// monthsEndedBy, and the judging day of p's milestones. A month still
// running has no colour yet.
func (s *Store) monthWindow(p saima.Period) monthWindow {
	endedBy := s.monthsEndedBy()
	// With no month ended, a = b + 1 leaves every colour count at zero.
	m := monthWindow{first: monthIndex(scoring.MonthOf(p.Start())), last: monthIndex(scoring.MonthOf(p.End()))}
	m.a, m.b = m.first, m.first-1
	if months := endedMonths(p, endedBy); len(months) > 0 {
		m.b = monthIndex(months[len(months)-1])
	}

	// A milestone is due once its planned day is before the judging day,
	// as in the ledger. The tally has months only, so it gives the months
	// before the judging day's month. The days of that month before the
	// judging day come from the milestones table (factDueDay rows).
	m.judging = p.JudgingDay(endedBy)
	if m.judging == p.End().AddDays(1) {
		m.dueBefore = m.last + 1
		m.daysFrom = m.judging
		return m
	}
	month := scoring.MonthOf(m.judging)
	m.dueBefore = monthIndex(month)
	m.daysFrom = month.Start()
	if m.daysFrom.Before(p.Start()) {
		m.daysFrom = p.Start()
	}
	if m.judging.Before(m.daysFrom) {
		m.daysFrom = m.judging
	}
	return m
}

// monthsEndedBy returns the moment by which a month must have ended to
// get a colour. Without an as-of version it is the store's clock. With one
// it is the version's time on that clock (see [saima.VersionTime]), so a
// published evaluation, read as of its data version, judges the same
// months every time it is recomputed under a clock with a fixed offset.
func (s *Store) monthsEndedBy() time.Time {
	if s.asOf == 0 {
		return s.now()
	}
	var now time.Time
	if s.clock != nil {
		now = s.clock()
	}
	return saima.VersionTime(s.asOf, now)
}

// addMilestoneTotals adds totals to their units' facts. A unit whose rows
// add up to no milestone is left out, as it is when it has none.
func addMilestoneTotals(totals map[tallyGroup]*milestoneTotals, owners map[string]string,
	get func(string) *scoring.UnitFacts) {
	for k, t := range totals {
		if t.count == 0 {
			continue
		}
		owner := k.unit
		if owner == "" {
			owner = owners[k.project]
		}
		f := get(owner)
		f.MilestonesDue += int(t.due)
		f.MilestonesOnTime += int(t.onTime)
		f.MilestoneMonths += int(t.green + t.red + t.yellow)
		f.MilestoneRedMonths += int(t.red)
		f.MilestoneYellowMonths += int(t.yellow)
	}
}

// tallyRow is a row of the milestone tally as factsQuery reads it: n
// milestones of a unit (or of a project without a unit) planned in one
// month and done in another.
type tallyRow struct {
	unit, project   string
	planned, actual saima.Date // first days of their months; 2105-12-01 when not done
	onTime, done    uint8
	n               int64

	// stop is the last month, as a month number, in which the row can be
	// red or yellow: the month its project exited. Zero means no limit.
	stop int64
}

// monthWindow holds, as month numbers (year × 12 + month − 1), the months
// first to last of a period and the months a to b of it that have ended.
// Milestones planned in months before dueBefore are due, and so are those
// planned on the days from daysFrom up to the day before judging.
type monthWindow struct {
	first, last, a, b int64
	dueBefore         int64
	daysFrom, judging saima.Date
}

// hasDueDays reports whether some days of the judging day's month are due
// in the period, which factsQuery then reads from the milestones table.
func (m monthWindow) hasDueDays() bool { return m.daysFrom.Before(m.judging) }

// milestoneTotals adds up the milestone facts of one unit, or of one
// project without a unit.
type milestoneTotals struct {
	count, due, onTime, green, red, yellow int64
}

// add counts r in the window m, when r is planned by the period's end and
// either planned within it or not done on time by its start, as
// factsQuery already chose. Let pm be the month planned and am the month
// done. The milestone is due when pm is in the period and before
// m.dueBefore. A milestone is green in pm when done on time. It is red in
// every month from pm up to the month before am, because one done after a
// month's last day was not done yet in that month. It is yellow once, in
// am, when done late. That is scoring.MonthColour summed over the months,
// and a test compares the two.
func (t *milestoneTotals) add(r tallyRow, m monthWindow) {
	pm, am := monthOfDate(r.planned), monthOfDate(r.actual)
	if pm > m.last || (pm < m.first && (r.onTime == 1 || am < m.first)) {
		return
	}
	t.count += r.n
	if pm >= m.first && pm < m.dueBefore {
		t.due += r.n
		if r.onTime == 1 {
			t.onTime += r.n
		}
	}
	if r.onTime == 1 {
		if pm >= m.a && pm <= m.b {
			t.green += r.n
		}
		return
	}
	last := min(m.b, am-1)
	if r.stop > 0 {
		last = min(last, r.stop)
	}
	if months := last - max(m.a, pm) + 1; months > 0 {
		t.red += r.n * months
	}
	if r.done == 1 && am >= m.a && am <= m.b && (r.stop == 0 || am <= r.stop) {
		t.yellow += r.n
	}
}

// addDue counts n milestones planned in the judging day's month before
// that day, due and, when onTime is 1, done on time. add has counted them
// already, except as due.
func (t *milestoneTotals) addDue(onTime uint8, n int64) {
	t.due += n
	if onTime == 1 {
		t.onTime += n
	}
}

func monthOfDate(d saima.Date) int64 { return int64(d.Year)*12 + int64(d.Month) - 1 }

// monthIndex numbers a month as the query does: year × 12 + month − 1.
func monthIndex(m saima.Period) int64 { return int64(m.Year)*12 + int64(m.Index) - 1 }

// endedMonths returns the months of p that ended by now.
func endedMonths(p saima.Period, now time.Time) []saima.Period {
	var out []saima.Period
	for _, m := range scoring.Months(scoring.MonthOf(p.Start()), scoring.MonthOf(p.End())) {
		if !monthEnd(m).After(now) {
			out = append(out, m)
		}
	}
	return out
}

// monthEnd returns the moment month ends: midnight in Beijing at the start
// of the next month.
func monthEnd(month saima.Period) time.Time { return month.Next().Start().Time() }

// reportedBefore is the condition that a row of a data table came from a
// successful upload, visible to the store, whose upload time is before the
// bound moment.
const reportedBefore = visible + " AND version GLOBAL IN (SELECT version FROM {db}.uploads WHERE at < ?)"

// milestonesReportedQuery selects every milestone as the uploads made
// before a moment reported it: per record key, the values of the highest
// version among those uploads. argMax skips NULL arguments, so a missing
// actual date travels as 2105-12-31, the last day of the Date type.
var milestonesReportedQuery = "SELECT m.project_code, m.name, if(m.unit != '', m.unit, p.unit), " +
	"m.planned, m.actual, m.status FROM (" +
	"SELECT project_code, name, argMax(unit, version) AS unit, argMax(planned, version) AS planned, " +
	"argMax(ifNull(actual, toDate('2105-12-31')), version) AS actual, argMax(status, version) AS status " +
	"FROM {db}.milestones WHERE " + reportedBefore + " GROUP BY project_code, name" +
	") AS m GLOBAL ANY LEFT JOIN (SELECT code AS project_code, argMax(unit, version) AS unit " +
	"FROM {db}.projects WHERE " + reportedBefore + " GROUP BY code) AS p USING (project_code) " +
	"ORDER BY m.project_code, m.planned, m.name"

// notDone is the stand-in for a missing actual date in
// milestonesReportedQuery.
var notDone = saima.NewDate(2105, time.December, 31)

// ListMilestonesReportedBefore returns every milestone as the uploads made
// before t reported it, each with its responsible unit as those uploads
// gave it, by project and planned date. It goes by the upload time in the
// upload log, the moment the file was sent, rather than by version, which
// is the moment its rows were committed, a little later. The store's own
// as-of version, when set, limits the uploads too.
func (s *Store) ListMilestonesReportedBefore(ctx context.Context, t time.Time) ([]saima.Milestone, error) {
	rows, err := s.query(ctx, milestonesReportedQuery, t, t)
	if err != nil {
		return nil, err
	}
	var out []saima.Milestone
	err = scanAll(rows, func() error {
		var m saima.Milestone
		var actual saima.Date
		if err := rows.Scan(&m.ProjectCode, &m.Name, &m.Unit, &m.Planned, &actual, &m.Status); err != nil {
			return err
		}
		if actual != notDone {
			m.Actual = &actual
		}
		out = append(out, m)
		return nil
	})
	if err != nil {
		return nil, err
	}
	return out, s.setMilestoneExitsBy(ctx, out, saima.DateOf(t))
}

// ListMilestonesByMonthEnd returns, for each of months, every milestone as
// the uploads made by the month's end (Beijing time) reported it: the
// record a colour of that month was judged on when the month ended.
func (s *Store) ListMilestonesByMonthEnd(
	ctx context.Context, months []saima.Period,
) (map[saima.Period][]saima.Milestone, error) {
	out := make(map[saima.Period][]saima.Milestone, len(months))
	for _, month := range months {
		ms, err := s.ListMilestonesReportedBefore(ctx, monthEnd(month))
		if err != nil {
			return nil, fmt.Errorf("list milestones at the end of %s: %w", month, err)
		}
		out[month] = ms
	}
	return out, nil
}

package clickhouse

import (
	"context"
	"fmt"
	"time"

	"saima"
	"saima/scoring"
)

// milestoneQuery reads each unit's milestone facts of a quarter in one pass
// over the current milestones, in SQL so that ten million milestones never
// leave the engine:
//
//   - due and on_time: milestones planned within the quarter, and those of
//     them done by their planned date;
//   - g, r and y: green, red and yellow milestone-months within the ended
//     months numbered a to b (year × 12 + month − 1).
//
// Let pm be the planned month, am the month it was done (far in the future
// when open) and act the actual date. A milestone is green in pm when done
// on or before its planned date. It is red in every month from pm up to
// the month before am, because an actual date after a month's last day
// means not done yet in that month. It is yellow once, in am, when done
// late. That is
// scoring.MonthColour summed over the months, and a test compares the two.
// 2105-12-31, the last day of the Date type, stands for "not done". The
// outer query joins the projects for milestones uploaded without a unit
// after aggregating, so the join never touches every row.
var milestoneQuery = "SELECT if(unit != '', unit, p_unit) AS owner, " +
	"sum(due), sum(on_time), sum(g), sum(r), sum(y) FROM (" +
	"SELECT unit, if(unit = '', project_code, '') AS project_code, " +
	"sum(if(planned >= ? AND planned <= ?, 1, 0)) AS due, " +
	"sum(if(planned >= ? AND planned <= ? AND act <= planned, 1, 0)) AS on_time, " +
	"sum(if(act <= planned AND pm >= ? AND pm <= ?, 1, 0)) AS g, " +
	"sum(greatest(toInt64(0), least(toInt64(?), am - 1) - greatest(toInt64(?), pm) + 1)) AS r, " +
	"sum(if(act > planned AND act < toDate('2105-12-31') AND am >= ? AND am <= ?, 1, 0)) AS y " +
	"FROM (SELECT unit, project_code, planned, ifNull(actual, toDate('2105-12-31')) AS act, " +
	"toInt64(toYear(planned)) * 12 + toMonth(planned) - 1 AS pm, " +
	"toInt64(toYear(act)) * 12 + toMonth(act) - 1 AS am " +
	"FROM {db}.milestones WHERE planned <= ? AND " +
	"(planned >= ? OR (ifNull(actual, toDate('2105-12-31')) > planned AND " +
	"ifNull(actual, toDate('2105-12-31')) >= ?)) AND " + current("milestones") + ") " +
	"GROUP BY unit, project_code" +
	") AS a GLOBAL ANY LEFT JOIN (SELECT code AS project_code, unit AS p_unit FROM (" +
	latest("projects", "code, unit") + ")) AS p USING (project_code) GROUP BY owner"

// milestoneFacts reads each unit's milestones due and on time in p, and
// its milestone-months by colour in the months of p that have ended. A
// month counts as ended by the store's as-of version, or by now when it
// has none, and a month still running has no colour yet. Versions are commit times in nanoseconds, so a
// published evaluation, read as of its data version, judges the same
// months every time it is recomputed.
func (s *Store) milestoneFacts(ctx context.Context, p saima.Period, get func(string) *scoring.UnitFacts) error {
	now := time.Now()
	if s.asOf != 0 {
		now = time.Unix(0, int64(s.asOf))
	}
	// With no month ended, a = b + 1 leaves every colour count at zero.
	a := monthIndex(scoring.MonthOf(p.Start()))
	b := a - 1
	if months := endedMonths(p, now); len(months) > 0 {
		b = monthIndex(months[len(months)-1])
	}
	start, end := p.Start(), p.End()
	rows, err := s.query(ctx, milestoneQuery, start, end, start, end, a, b, b, a, a, b, end, start, start)
	if err != nil {
		return err
	}

	return scanAll(rows, func() error {
		var unit string
		var due, onTime, green, red, yellow int64
		if err := rows.Scan(&unit, &due, &onTime, &green, &red, &yellow); err != nil {
			return err
		}
		f := get(unit)
		f.MilestonesDue, f.MilestonesOnTime = int(due), int(onTime)
		f.MilestoneMonths += int(green + red + yellow)
		f.MilestoneRedMonths += int(red)
		f.MilestoneYellowMonths += int(yellow)
		return nil
	})
}

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
	return out, err
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

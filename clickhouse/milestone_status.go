package clickhouse

import (
	"context"
	"fmt"
	"time"

	"saima"
	"saima/scoring"
)

// milestoneStatusQuery selects the current milestones that can have a
// colour in a month between two days: those planned by the last day and
// either planned on or after the first day or not done on time before it.
// The months themselves are walked in Go, because ClickHouse 18.16 has no
// function for the last day of a month. 2105-12-31, the last day of the
// Date type, stands for "not done".
var milestoneStatusQuery = "SELECT if(m.unit != '', m.unit, p.unit), m.planned, m.actual FROM (" +
	"SELECT project_code, unit, planned, actual FROM {db}.milestones WHERE planned <= ? AND " +
	"(planned >= ? OR (ifNull(actual, toDate('2105-12-31')) > planned AND " +
	"ifNull(actual, toDate('2105-12-31')) >= ?)) AND " + current("milestones") +
	") AS m GLOBAL ANY LEFT JOIN (SELECT code AS project_code, unit FROM (" +
	latest("projects", "code, unit", "code") + ")) AS p USING (project_code)"

// milestoneStatusFacts counts each unit's milestone-months by colour in the
// months of p that ended by the store's as-of version, or by now when it
// has none: a month still running has no colour yet. Versions are commit
// times in nanoseconds, so a published evaluation, read as of its data
// version, judges the same months every time it is recomputed.
func (s *Store) milestoneStatusFacts(ctx context.Context, p saima.Period, get func(string) *scoring.UnitFacts) error {
	now := time.Now()
	if s.asOf != 0 {
		now = time.Unix(0, int64(s.asOf))
	}
	months := endedMonths(p, now)
	if len(months) == 0 {
		return nil
	}
	first, last := months[0].Start(), months[len(months)-1].End()
	rows, err := s.query(ctx, milestoneStatusQuery, last, first, first)
	if err != nil {
		return err
	}

	return scanAll(rows, func() error {
		var m saima.Milestone
		if err := rows.Scan(&m.Unit, &m.Planned, &m.Actual); err != nil {
			return err
		}
		var n scoring.ColourCounts
		for _, month := range months {
			n.Add(scoring.MonthColour(m, month))
		}
		if n.Total() > 0 {
			f := get(m.Unit)
			f.MilestoneMonths += n.Total()
			f.MilestoneRedMonths += n.Red
			f.MilestoneYellowMonths += n.Yellow
		}
		return nil
	})
}

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

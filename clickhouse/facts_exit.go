package clickhouse

import (
	"context"
	"time"

	"github.com/samber/lo"

	"saima"
)

// exitMilestonesQuery selects the current milestones of the projects
// given as an array, with the unit and project columns as the milestone
// tally keeps them.
var exitMilestonesQuery = "SELECT unit, project_code, planned, actual FROM {db}.milestones " +
	"WHERE has(?, project_code) AND " + current("milestones")

// exitFacts holds what an evaluation needs to apply [saima.ClosedByExit]
// to facts read from the milestone tally, which keeps no project for most
// milestones: the exit days and every milestone of an exited project.
type exitFacts struct {
	days       map[string]saima.Date
	milestones []saima.Milestone // Unit as stored, empty when the upload gave none
}

// readExitFacts reads the exit days and the milestones of exited
// projects.
func (s *Store) readExitFacts(ctx context.Context) (exitFacts, error) {
	var ef exitFacts
	var err error
	if ef.days, err = s.ListExitDays(ctx); err != nil || len(ef.days) == 0 {
		return ef, err
	}
	rows, err := s.query(ctx, exitMilestonesQuery, lo.Keys(ef.days))
	if err != nil {
		return ef, err
	}
	err = scanAll(rows, func() error {
		var m saima.Milestone
		err := rows.Scan(&m.Unit, &m.ProjectCode, &m.Planned, &m.Actual)
		if d, ok := ef.days[m.ProjectCode]; ok {
			m.Exit = &d
		}
		ef.milestones = append(ef.milestones, m)
		return err
	})
	return ef, err
}

// correct takes out of totals what the tally counted of the milestones of
// exited projects, and adds back those that the exit did not close, red
// and yellow no later than the month of the exit. A milestone that the
// exit closed then counts nowhere.
func (ef exitFacts) correct(totals map[tallyGroup]*milestoneTotals, m monthWindow) {
	for _, ms := range ef.milestones {
		k := tallyGroup{unit: ms.Unit}
		if ms.Unit == "" {
			k.project = ms.ProjectCode
		}
		if totals[k] == nil {
			totals[k] = &milestoneTotals{}
		}
		row := tallyRowOf(ms)
		row.n = -1
		totals[k].add(row, m)
		dueDay := !ms.Planned.Before(m.daysFrom) && ms.Planned.Before(m.judging)
		if dueDay {
			totals[k].addDue(row.onTime, -1)
		}
		if ms.ClosedByExit() {
			continue
		}
		row.n, row.stop = 1, monthOfDate(*ms.Exit)
		totals[k].add(row, m)
		if dueDay {
			totals[k].addDue(row.onTime, 1)
		}
	}
}

// tallyRowOf returns the tally row of one milestone, as the tally stores
// it: the first days of the months planned and done, 2105-12-01 when not
// done.
func tallyRowOf(ms saima.Milestone) tallyRow {
	r := tallyRow{unit: ms.Unit, planned: firstOfMonth(ms.Planned), actual: saima.NewDate(2105, time.December, 1), n: 1}
	if ms.Unit == "" {
		r.project = ms.ProjectCode
	}
	if ms.Actual != nil {
		r.actual, r.done = firstOfMonth(*ms.Actual), 1
		if !ms.Actual.After(ms.Planned) {
			r.onTime = 1
		}
	}
	return r
}

func firstOfMonth(d saima.Date) saima.Date { return saima.NewDate(d.Year, d.Month, 1) }

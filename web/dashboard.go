package web

import (
	"cmp"
	"encoding/json"
	"errors"
	"fmt"
	"net/url"
	"slices"

	"saima"
	"saima/reports"
)

// dashboardStart is the first month the dashboards' time axes show,
// unless the ledger's milestones start earlier (see axisStart).
var dashboardStart = saima.Month(2025, 1)

// The maximum number of periods on a time axis, which ends with today's.
// A heatmap column of 24 months is still wide enough for its count on a
// laptop, and so are 12 quarters for their turned labels in the
// overview's half-width chart.
const (
	heatmapMonths = 24
	trendQuarters = 12
)

// axisStart returns the first period of a time axis that ends with today,
// in periods of today's kind. It is dashboardStart's period, or the
// period of the earliest of days when that is earlier, but at most span
// periods back. So a ledger that began before 2025 shows its first
// years, and an axis does not grow a column a month for ever.
func axisStart(days []saima.Date, today saima.Period, span int) saima.Period {
	start := dashboardStart
	if today.Kind == saima.PeriodQuarter {
		start = start.Quarter()
	}
	for _, d := range days {
		if d.Before(start.Start()) {
			start = saima.Month(d.Year, int(d.Month))
			if today.Kind == saima.PeriodQuarter {
				start = start.Quarter()
			}
		}
	}

	earliest := today
	for range span - 1 {
		earliest = earliest.Prev()
	}
	if start.Start().Before(earliest.Start()) {
		return earliest
	}
	return start
}

// plannedDays returns the planned date of each of milestones.
func plannedDays(milestones []saima.Milestone) []saima.Date {
	days := make([]saima.Date, len(milestones))
	for i, m := range milestones {
		days[i] = m.Planned
	}
	return days
}

// pageURL returns path with the non-empty values of pairs (name, value,
// name, value …) as its query, sorted by name, such as
// /ledger?overdue=1&unit=%E6%B5%B7. Charts carry it as the link of a data
// item, and templates escape it again for an href, which is harmless.
func pageURL(path string, pairs ...string) string {
	query := url.Values{}
	for i := 0; i+1 < len(pairs); i += 2 {
		if pairs[i+1] != "" {
			query.Set(pairs[i], pairs[i+1])
		}
	}
	if len(query) == 0 {
		return path
	}
	return path + "?" + query.Encode()
}

// periodsThrough returns the periods of first's kind from first through
// the one that contains day, or none when day is before first.
func periodsThrough(first saima.Period, day saima.Date) []saima.Period {
	var out []saima.Period
	for p := first; !p.Start().After(day); p = p.Next() {
		out = append(out, p)
	}
	return out
}

// milestoneState is the status of a milestone on a given day.
type milestoneState int

const (
	notDue       milestoneState = iota // planned on or after the day and not done
	onTime                             // done on or before its planned date
	doneLate                           // done after its planned date
	overdueOpen                        // planned before the day and not done
	closedByExit                       // due after its project's exit and not done by then
)

// stateOf classifies m on day asOf with the ledger's rule: a milestone is
// overdue when it is planned before asOf and is late, done or not. One
// that its project's exit closed is neither.
func stateOf(m saima.Milestone, asOf saima.Date) milestoneState {
	switch {
	case m.ClosedByExit():
		return closedByExit
	case m.Actual != nil && !m.Actual.After(m.Planned):
		return onTime
	case m.Actual != nil && m.Planned.Before(asOf):
		return doneLate
	case m.Actual == nil && m.Planned.Before(asOf):
		return overdueOpen
	}
	return notDue
}

// overdue reports whether m counts as an overdue milestone on asOf, as
// saima.LedgerEntry.Overdue does.
func overdue(m saima.Milestone, asOf saima.Date) bool {
	s := stateOf(m, asOf)
	return s == doneLate || s == overdueOpen
}

// dueBy reports whether m was due before asOf, so that it counts in an
// on-time rate judged on asOf.
func dueBy(m saima.Milestone, asOf saima.Date) bool { return m.DueBy(asOf) }

// rosterOrder sorts unit names as the leaderboard sorts tracks: by the
// unit kinds of the roster, then by name. Names not on the roster go last,
// by name.
func rosterOrder(names []string, roster []saima.Unit) []string {
	kinds := map[string]int{}
	for _, u := range roster {
		kind := slices.Index(saima.KindOrder, u.Kind)
		if kind < 0 {
			kind = len(saima.KindOrder)
		}
		kinds[u.Name] = kind
	}
	position := func(name string) int {
		if k, ok := kinds[name]; ok {
			return k
		}
		return len(saima.KindOrder) + 1
	}
	out := slices.Clone(names)
	slices.SortStableFunc(out, func(a, b string) int {
		return cmp.Or(cmp.Compare(position(a), position(b)), cmp.Compare(a, b))
	})
	return out
}

// levelName returns the name of a level of the problem list, such as
// 改革办 for 2, or 未分级 when the level is not one of
// saima.EscalationLevels.
func levelName(level int) string {
	if name := (saima.ProblemStep{Level: level}).LevelName(); name != "" {
		return name
	}
	return "未分级"
}

// linkUnitBars links each bar of a leaderboard chart to its unit's page,
// by the unit names on the chart's category axis. With ownUnit set, for a
// unit account, only that unit's bar gets a link, because the account may
// open no other unit's page.
func linkUnitBars(option []byte, ownUnit string) ([]byte, error) {
	var decoded struct {
		YAxis []struct {
			Data []string `json:"data"`
		} `json:"yAxis"`
	}
	if err := json.Unmarshal(option, &decoded); err != nil {
		return nil, fmt.Errorf("read leaderboard units: %w", err)
	}
	if len(decoded.YAxis) == 0 {
		return nil, errors.New("read leaderboard units: the option has no y axis")
	}
	links := make([]string, len(decoded.YAxis[0].Data))
	for i, name := range decoded.YAxis[0].Data {
		if ownUnit == "" || name == ownUnit {
			links[i] = unitURL(name)
		}
	}
	return reports.AddLinks(option, 0, links)
}

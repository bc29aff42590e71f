package scoring

import "saima"

// Colour is a milestone's status light for one month (里程碑亮灯), judged
// at the month's last day.
//
// A milestone has a colour from its planned month until the month it is
// done, and none before or after. So a month's colours count what happened
// in that month: milestones due that were done on time, milestones still
// overdue at its end, and overdue milestones caught up during it. A
// milestone done late is red in every month it stayed open past its planned
// date and yellow once, in the month it was done.
type Colour int

// The colours. The zero value is ColourNone.
const (
	// ColourNone is no status: a month before the planned month, a month
	// after the one the milestone was done in, or a value that is not a
	// month.
	ColourNone Colour = iota
	// ColourGreen marks the planned month of a milestone done on or
	// before its planned date.
	ColourGreen
	// ColourYellow marks the month in which a late milestone was done.
	ColourYellow
	// ColourRed marks a month at whose end the milestone was past its
	// planned date and not done.
	ColourRed
)

// String returns the colour's name in English: none, green, yellow or red.
// Pages use it as a CSS class.
func (c Colour) String() string {
	switch c {
	case ColourGreen:
		return "green"
	case ColourYellow:
		return "yellow"
	case ColourRed:
		return "red"
	}
	return "none"
}

// Label returns the colour's name for Chinese readers: 绿灯, 黄灯 or 红灯,
// and an empty string for ColourNone.
func (c Colour) Label() string {
	switch c {
	case ColourGreen:
		return "绿灯"
	case ColourYellow:
		return "黄灯"
	case ColourRed:
		return "红灯"
	}
	return ""
}

// MonthColour returns the colour of m in month, judged on m as given: the
// caller decides which version of the record that is. An actual date after
// the month's last day counts as not done yet. It returns ColourNone when
// month is not a month. A milestone that its project's exit closed has no
// colour (see [saima.ClosedByExit]), and one of an exited project is never
// red or yellow after the month of the exit.
func MonthColour(m saima.Milestone, month saima.Period) Colour {
	planned := MonthOf(m.Planned)
	if month.Kind != saima.PeriodMonth || monthNumber(month) < monthNumber(planned) || m.ClosedByExit() {
		return ColourNone
	}
	c := monthColour(m, month, planned)
	if c != ColourGreen && m.Exit != nil && monthNumber(month) > monthNumber(MonthOf(*m.Exit)) {
		return ColourNone
	}
	return c
}

// monthColour is MonthColour of a month not before planned, the month m
// is planned in, without the exit rule.
func monthColour(m saima.Milestone, month, planned saima.Period) Colour {
	if m.Actual == nil || m.Actual.After(month.End()) {
		return ColourRed
	}

	switch {
	case !m.Actual.After(m.Planned):
		if month == planned {
			return ColourGreen
		}
	case MonthOf(*m.Actual) == month:
		return ColourYellow
	}
	return ColourNone
}

// MonthOf returns the month that contains d.
func MonthOf(d saima.Date) saima.Period { return saima.Month(d.Year, int(d.Month)) }

// monthNumber orders months: the months since the start of year 0.
func monthNumber(p saima.Period) int { return p.Year*12 + p.Index - 1 }

// Months returns the months from first through last, or none when last is
// before first. Both must be months.
func Months(first, last saima.Period) []saima.Period {
	var out []saima.Period
	for m := first; monthNumber(m) <= monthNumber(last); m = m.Next() {
		out = append(out, m)
	}
	return out
}

// MonthStatus is a milestone's colour in one month twice: as the current
// record gives it and as the record stored at the month's end gave it.
// The two differ when a later upload corrected the milestone.
type MonthStatus struct {
	Month  saima.Period
	Colour Colour // from the current record
	// Then is the colour from the record the ledger held at the month's
	// last moment, or ColourNone when it held none of this milestone.
	Then Colour
}

// Revised reports whether a later correction changed the month's colour.
func (s MonthStatus) Revised() bool { return s.Colour != s.Then }

// Timeline returns the status of current in every month from first through
// last. then maps a month to the milestone's record as the ledger held it
// at that month's end; a month without an entry had no record of it.
//
// The current colours are revisable: a corrected actual date changes every
// month it touches. Then keeps what the units had reported by each month's
// end, so a catch-up reported only after the month shows red then and
// yellow now.
func Timeline(
	current saima.Milestone, then map[saima.Period]saima.Milestone, first, last saima.Period,
) []MonthStatus {
	months := Months(first, last)
	out := make([]MonthStatus, len(months))
	for i, month := range months {
		out[i] = MonthStatus{Month: month, Colour: MonthColour(current, month)}
		if past, ok := then[month]; ok {
			out[i].Then = MonthColour(past, month)
		}
	}
	return out
}

// ColourCounts are the numbers of milestones of each colour, such as one
// unit's in one month.
type ColourCounts struct {
	Green, Yellow, Red int
}

// Add counts one milestone of colour c. ColourNone counts nothing.
func (n *ColourCounts) Add(c Colour) {
	switch c {
	case ColourGreen:
		n.Green++
	case ColourYellow:
		n.Yellow++
	case ColourRed:
		n.Red++
	}
}

// Total returns the number of milestones counted.
func (n ColourCounts) Total() int { return n.Green + n.Yellow + n.Red }

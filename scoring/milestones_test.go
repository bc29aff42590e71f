package scoring

import (
	"fmt"
	"strings"
	"testing"

	"saima"
)

func day(tb testing.TB, s string) *saima.Date {
	tb.Helper()
	d, err := saima.ParseDate(s)
	if err != nil {
		tb.Fatal(err)
	}
	return &d
}

// milestone returns a milestone planned on planned and done on actual, or
// open when actual is empty.
func milestone(tb testing.TB, planned, actual string) saima.Milestone {
	tb.Helper()
	m := saima.Milestone{ProjectCode: "NB-2026-001", Name: "上线试运行", Planned: *day(tb, planned)}
	if actual != "" {
		m.Actual = day(tb, actual)
	}
	return m
}

// colourRow formats the colours of m from first through last, such as
// "2026-01:red 2026-02:yellow".
func colourRow(m saima.Milestone, first, last saima.Period) string {
	var cells []string
	for _, month := range Months(first, last) {
		cells = append(cells, fmt.Sprintf("%s:%s", month, MonthColour(m, month)))
	}
	return strings.Join(cells, " ")
}

func TestMonthColour(t *testing.T) {
	jan, may := saima.Month(2026, 1), saima.Month(2026, 5)
	tests := []struct {
		name            string
		planned, actual string
		want            string
	}{
		{"OnTime", "2026-03-15", "2026-03-10",
			"2026-01:none 2026-02:none 2026-03:green 2026-04:none 2026-05:none"},
		{"OnTimeOnPlannedDay", "2026-02-28", "2026-02-28",
			"2026-01:none 2026-02:green 2026-03:none 2026-04:none 2026-05:none"},
		{"DoneBeforePlannedMonth", "2026-03-15", "2026-01-20",
			"2026-01:none 2026-02:none 2026-03:green 2026-04:none 2026-05:none"},
		{"LateThenCaughtUp", "2026-01-31", "2026-03-05",
			"2026-01:red 2026-02:red 2026-03:yellow 2026-04:none 2026-05:none"},
		{"LateWithinPlannedMonth", "2026-01-10", "2026-01-20",
			"2026-01:yellow 2026-02:none 2026-03:none 2026-04:none 2026-05:none"},
		{"StillOpen", "2026-02-10", "",
			"2026-01:none 2026-02:red 2026-03:red 2026-04:red 2026-05:red"},
		{"DoneAfterLastMonth", "2026-01-31", "2026-06-01",
			"2026-01:red 2026-02:red 2026-03:red 2026-04:red 2026-05:red"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m := milestone(t, tt.planned, tt.actual)
			if got := colourRow(m, jan, may); got != tt.want {
				t.Errorf("colours of planned %s done %q =\n%s\nwant\n%s", tt.planned, tt.actual, got, tt.want)
			}
		})
	}
}

func TestMonthColourNotAMonth(t *testing.T) {
	m := milestone(t, "2026-01-31", "")
	if got := MonthColour(m, saima.Quarter(2026, 1)); got != ColourNone {
		t.Errorf("MonthColour(open milestone, 2026Q1) = %s, want none", got)
	}
}

func TestTimeline(t *testing.T) {
	jan, apr := saima.Month(2026, 1), saima.Month(2026, 4)
	open := milestone(t, "2026-01-31", "")
	tests := []struct {
		name    string
		current saima.Milestone
		then    map[saima.Period]saima.Milestone
		want    string // month:current/then, with ! marking a revised month
	}{
		{
			// The unit reported in March that it finished on 10 February,
			// so February was red when it ended and is yellow now.
			name:    "CorrectedLater",
			current: milestone(t, "2026-01-31", "2026-02-10"),
			then: map[saima.Period]saima.Milestone{
				jan: open, saima.Month(2026, 2): open,
				saima.Month(2026, 3): milestone(t, "2026-01-31", "2026-02-10"),
				apr:                  milestone(t, "2026-01-31", "2026-02-10"),
			},
			want: "2026-01:red/red 2026-02:yellow/red! 2026-03:none/none 2026-04:none/none",
		},
		{
			// The planned date moved from January to the end of March
			// after a change of the project's period.
			name:    "PlanMovedLater",
			current: milestone(t, "2026-03-31", "2026-03-20"),
			then: map[saima.Period]saima.Milestone{
				jan: open, saima.Month(2026, 2): open,
				saima.Month(2026, 3): milestone(t, "2026-03-31", "2026-03-20"),
			},
			want: "2026-01:none/red! 2026-02:none/red! 2026-03:green/green 2026-04:none/none",
		},
		{
			name:    "UploadedAfterTheMonths",
			current: open,
			then:    map[saima.Period]saima.Milestone{apr: open},
			want:    "2026-01:red/none! 2026-02:red/none! 2026-03:red/none! 2026-04:red/red",
		},
		{
			name:    "Unchanged",
			current: milestone(t, "2026-02-15", "2026-03-02"),
			then: map[saima.Period]saima.Milestone{
				jan: milestone(t, "2026-02-15", ""), saima.Month(2026, 2): milestone(t, "2026-02-15", ""),
				saima.Month(2026, 3): milestone(t, "2026-02-15", "2026-03-02"),
				apr:                  milestone(t, "2026-02-15", "2026-03-02"),
			},
			want: "2026-01:none/none 2026-02:red/red 2026-03:yellow/yellow 2026-04:none/none",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var cells []string
			for _, s := range Timeline(tt.current, tt.then, jan, apr) {
				cell := fmt.Sprintf("%s:%s/%s", s.Month, s.Colour, s.Then)
				if s.Revised() {
					cell += "!"
				}
				cells = append(cells, cell)
			}
			if got := strings.Join(cells, " "); got != tt.want {
				t.Errorf("Timeline =\n%s\nwant\n%s", got, tt.want)
			}
		})
	}
}

func TestMonths(t *testing.T) {
	tests := []struct {
		name        string
		first, last saima.Period
		want        string
	}{
		{"AcrossYear", saima.Month(2025, 11), saima.Month(2026, 2), "[2025-11 2025-12 2026-01 2026-02]"},
		{"One", saima.Month(2026, 5), saima.Month(2026, 5), "[2026-05]"},
		{"Reversed", saima.Month(2026, 5), saima.Month(2026, 4), "[]"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := fmt.Sprint(Months(tt.first, tt.last)); got != tt.want {
				t.Errorf("Months(%s, %s) = %s, want %s", tt.first, tt.last, got, tt.want)
			}
		})
	}
}

func TestColourCounts(t *testing.T) {
	var n ColourCounts
	for _, c := range []Colour{ColourGreen, ColourRed, ColourRed, ColourYellow, ColourNone} {
		n.Add(c)
	}
	if want := (ColourCounts{Green: 1, Yellow: 1, Red: 2}); n != want {
		t.Errorf("counts = %+v, want %+v", n, want)
	}
	if n.Total() != 4 {
		t.Errorf("Total() = %d, want 4", n.Total())
	}
}

func TestMilestoneMonthSources(t *testing.T) {
	tests := []struct {
		name   string
		facts  UnitFacts
		source string
		want   float64
		ok     bool
	}{
		{"Red", UnitFacts{MilestoneMonths: 5, MilestoneRedMonths: 3, MilestoneYellowMonths: 1},
			SourceMilestoneRedMonths, 3, true},
		{"Yellow", UnitFacts{MilestoneMonths: 5, MilestoneRedMonths: 3, MilestoneYellowMonths: 1},
			SourceMilestoneYellowMonths, 1, true},
		{"AllGreenIsZero", UnitFacts{MilestoneMonths: 2}, SourceMilestoneRedMonths, 0, true},
		{"NoMilestonesIsMissing", UnitFacts{}, SourceMilestoneYellowMonths, 0, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, ok := tt.facts.Value(tt.source)
			if got != tt.want || ok != tt.ok {
				t.Errorf("Value(%s) = %v, %v; want %v, %v", tt.source, got, ok, tt.want, tt.ok)
			}
		})
	}

	bad := UnitFacts{Unit: "象山县", MilestoneMonths: 2, MilestoneRedMonths: 2, MilestoneYellowMonths: 1}
	if err := bad.check(); err == nil {
		t.Error("check accepted more red and yellow months than months with a colour")
	}
}

// TestMilestoneMonthDeduction scores the red milestone-months with the
// deduction normaliser: 100 minus 5 per red month, so 2 red months score
// 90. A unit without a coloured month gets the track mean.
func TestMilestoneMonthDeduction(t *testing.T) {
	rs := mustParse(t, `name: 亮灯扣分
tracks: [{name: t}]
indicators:
  - {id: red, name: 红灯月数, source: milestone_red_months, weight: 1, direction: lower,
     normalise: {method: deduction, per_case: 5}}
`)
	units := []saima.Unit{{Name: "甲", Track: "t"}, {Name: "乙", Track: "t"}, {Name: "丙", Track: "t"}}
	facts := []UnitFacts{
		{Unit: "甲", MilestoneMonths: 4, MilestoneRedMonths: 2, MilestoneYellowMonths: 1},
		{Unit: "乙", MilestoneMonths: 3},
	}
	scores, err := Evaluate(rs, q3, units, facts, nil)
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]float64{"甲": 90, "乙": 100, "丙": 95}
	for _, sc := range scores {
		if sc.Value != want[sc.Unit] {
			t.Errorf("composite of %s = %g, want %g", sc.Unit, sc.Value, want[sc.Unit])
		}
	}
}

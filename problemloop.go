package saima

import (
	"slices"

	"github.com/samber/lo"
)

// ProblemLoop is one problem of the problem list with its dated steps.
// The problem list gives its state, as the list pages show it: its 环节,
// whether it is closed, and the lowest level it may have. The steps give
// the dates and any higher level.
type ProblemLoop struct {
	Problem ProblemItem
	Steps   []ProblemStep // in CompareSteps order

	// Level is the higher of the problem's 层级 on the list and the highest
	// escalation step: 1 (牵头单位) when neither is higher, up to
	// len(EscalationLevels).
	Level int

	// Done is true when the problem is closed, because its 环节 on the list is
	// 已办结. A problem without a 环节 is closed when Closed is set.
	Done bool

	// Opened is the date of its 收集 step, or the problem's 发现日期 when
	// no such step is recorded. Closed is the date of its 已办结 step, or
	// its 办结日期; nil while it is open, and nil for a closed problem
	// without either date.
	Opened Date
	Closed *Date
}

// Stage returns the problem's 环节 on the list, or, when the list leaves
// it empty, the loop stage of the latest non-escalation step.
func (l ProblemLoop) Stage() string {
	if l.Problem.Stage != "" {
		return l.Problem.Stage
	}
	for i := len(l.Steps) - 1; i >= 0; i-- {
		if l.Steps[i].Step != StepEscalate {
			return l.Steps[i].Step
		}
	}
	return ""
}

// OpenedBy names the event that Opened dates, for the loop page: 收集
// when the problem has a 收集 step, and 发现 when Opened is the list's
// 发现日期 because it has none.
func (l ProblemLoop) OpenedBy() string {
	if slices.ContainsFunc(l.Steps, func(st ProblemStep) bool { return st.Step == LoopStages[0] }) {
		return LoopStages[0]
	}
	return "发现"
}

// DaysToClose returns the days from Opened to Closed, and false while the
// problem is open or when its closing date is unknown.
func (l ProblemLoop) DaysToClose() (int, bool) {
	if !l.Done || l.Closed == nil {
		return 0, false
	}
	return l.Opened.DaysUntil(*l.Closed), true
}

// LevelName returns the name of l.Level, such as 改革办.
func (l ProblemLoop) LevelName() string { return ProblemStep{Level: l.Level}.LevelName() }

// BuildProblemLoops joins problems with their steps, in the order of
// problems. Steps of a problem ID that is not on the list are left out.
func BuildProblemLoops(problems []ProblemItem, steps []ProblemStep) []ProblemLoop {
	byID := lo.GroupBy(steps, func(st ProblemStep) string { return st.ProblemID })
	out := make([]ProblemLoop, 0, len(problems))
	for _, p := range problems {
		out = append(out, buildLoop(p, byID[p.ID]))
	}
	return out
}

// loopPlace orders the steps of one day: the loop stages in LoopStages
// order, and an escalation after 分办落实 and before 已办结, because a
// problem is escalated once its unit could not settle it and closed at the
// level it reached. A step the loop does not know comes last.
func loopPlace(step string) int {
	if step == StepEscalate {
		return 2*len(LoopStages) - 3
	}
	if i := slices.Index(LoopStages, step); i >= 0 {
		return 2 * i
	}
	return 2 * len(LoopStages)
}

// CompareSteps orders two steps of a problem by date, the steps of one
// day in loop order (收集 first, an escalation just before 已办结), and
// steps at the same place by level. Every reader of the steps sorts them
// so, the store as well as the loop pages.
func CompareSteps(a, b ProblemStep) int {
	if c := a.Date.Compare(b.Date); c != 0 {
		return c
	}
	if c := loopPlace(a.Step) - loopPlace(b.Step); c != 0 {
		return c
	}
	return a.Level - b.Level
}

func buildLoop(p ProblemItem, steps []ProblemStep) ProblemLoop {
	slices.SortStableFunc(steps, CompareSteps)
	l := ProblemLoop{Problem: p, Steps: steps, Level: 1, Opened: p.Opened, Closed: p.Closed}
	if p.Level >= 1 {
		l.Level = min(p.Level, len(EscalationLevels))
	}
	for i := range steps {
		// Steps stored when the loop had a fourth level, 主要领导, above
		// 市领导 count as the top level.
		st := &steps[i]
		st.Level = min(st.Level, len(EscalationLevels))
		l.Level = max(l.Level, st.Level)
		switch st.Step {
		case LoopStages[0]:
			l.Opened = st.Date
		case LoopStages[len(LoopStages)-1]:
			d := st.Date
			l.Closed = &d
		}
	}

	// The list decides whether the problem is closed, so that the loop
	// page counts it as the problem list and the overview do.
	l.Done = l.Closed != nil
	if p.Stage != "" {
		l.Done = p.Stage == LoopStages[len(LoopStages)-1]
	}
	if !l.Done {
		l.Closed = nil
	}
	return l
}

// LoopLevelStats are the problem-loop figures of the problems whose
// highest escalation level is Level.
type LoopLevelStats struct {
	Level    int
	Name     string // the level's name, such as 市领导
	Problems int
	Closed   int
	MeanDays float64 // mean days from opening to closing of the closed ones with a closing date; 0 when none
	MaxDays  int     // the longest of those
	Open     int     // not closed yet
}

// ClosedRate returns the share of problems closed, in percent, and 0 when
// there are none.
func (s LoopLevelStats) ClosedRate() float64 {
	if s.Problems == 0 {
		return 0
	}
	return 100 * float64(s.Closed) / float64(s.Problems)
}

// LoopStatsByLevel returns one entry per escalation level, from 牵头单位
// to 主要领导, and a last entry with Level 0 for all problems together.
func LoopStatsByLevel(loops []ProblemLoop) []LoopLevelStats {
	out := make([]LoopLevelStats, len(EscalationLevels)+1)
	sums := make([]int, len(out))
	dated := make([]int, len(out)) // closed problems with a closing date
	for i, name := range EscalationLevels {
		out[i].Level, out[i].Name = i+1, name
	}
	out[len(out)-1].Name = "合计"
	for _, l := range loops {
		for _, i := range []int{min(max(l.Level, 1), len(EscalationLevels)) - 1, len(out) - 1} {
			s := &out[i]
			s.Problems++
			if !l.Done {
				s.Open++
				continue
			}
			s.Closed++
			if days, ok := l.DaysToClose(); ok {
				dated[i]++
				sums[i] += days
				s.MaxDays = max(s.MaxDays, days)
			}
		}
	}
	for i := range out {
		if dated[i] > 0 {
			out[i].MeanDays = float64(sums[i]) / float64(dated[i])
		}
	}
	return out
}

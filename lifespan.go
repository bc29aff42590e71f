package saima

// StageFinish is the stage that records a project's final acceptance
// (完成), which ends it.
const StageFinish = "完成"

// Lifespan is the time a project is on the ledger: from its first
// recorded stage event, usually 预报, to the day it exited (退出) or was
// finished (完成). A project without any stage event has no lifespan and
// counts in no year or period.
type Lifespan struct {
	First Date
	End   *Date // the day of 退出 or 完成; nil while the project runs
}

// Lifespans returns the lifespan of every project with a stage event in
// history, by project code.
func Lifespans(history []StageEvent) map[string]Lifespan {
	out := map[string]Lifespan{}
	for _, e := range history {
		l, ok := out[e.ProjectCode]
		if !ok || e.Date.Before(l.First) {
			l.First = e.Date
		}
		if endsProject(e.Stage) == 1 && (l.End == nil || e.Date.After(*l.End)) {
			d := e.Date
			l.End = &d
		}
		out[e.ProjectCode] = l
	}
	return out
}

// Overlaps reports whether the project was on the ledger on some day from
// from to to, both included: it had its first stage by to and had not
// ended before from. A project counts in a year or a report's span
// exactly when its lifespan overlaps it, which /management and the
// reports' stage distribution both apply.
func (l Lifespan) Overlaps(from, to Date) bool {
	return !l.First.After(to) && (l.End == nil || !l.End.Before(from))
}

// FinishDays returns the day of the latest 完成 of each project in
// history that has one, by project code. A finished project's milestones
// that have no actual date stay open and keep counting as overdue (see
// docs/scoring.md, "Finished projects"), so the upload and the project
// page warn about them.
func FinishDays(history []StageEvent) map[string]Date {
	out := map[string]Date{}
	for _, e := range history {
		if e.Stage != StageFinish {
			continue
		}
		if d, ok := out[e.ProjectCode]; !ok || e.Date.After(d) {
			out[e.ProjectCode] = e.Date
		}
	}
	return out
}

// OpenMilestones returns the milestones of project code in milestones
// that have no actual completion day, in the order given.
func OpenMilestones(milestones []Milestone, code string) []Milestone {
	var out []Milestone
	for _, m := range milestones {
		if m.ProjectCode == code && m.Actual == nil {
			out = append(out, m)
		}
	}
	return out
}

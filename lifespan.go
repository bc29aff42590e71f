package saima

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

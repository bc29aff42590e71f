package saima

// StageExit is the stage that records the reform commission's decision to
// stop a project (退出).
const StageExit = "退出"

// ClosedByExitLabel is the label that pages, exports and reports give a
// milestone or list item that its project's exit closed.
const ClosedByExitLabel = "因退出终止"

// ClosedByExit reports whether a target due on day due was closed by its
// project's exit on day exit: it falls due after the exit day and was not
// done by then. Such a target is neither due nor overdue, and it counts in
// no rate. A target due on or before the exit day and missed stays missed.
// exit is nil while the project has not exited, and done is nil while the
// target is not done.
//
// Every reader of milestones and list items applies this one rule: the
// scoring, the pages, the exports, the PDFs and the reminders.
func ClosedByExit(due Date, done, exit *Date) bool {
	return exit != nil && due.After(*exit) && (done == nil || done.After(*exit))
}

// ExitDays returns the exit day of every project with a 退出 event among
// events, by project code. Nothing may follow 退出, so a project has at
// most one current exit. When a history holds two, the later counts.
func ExitDays(events []StageEvent) map[string]Date {
	out := map[string]Date{}
	for _, e := range events {
		if e.Stage != StageExit {
			continue
		}
		if d, ok := out[e.ProjectCode]; !ok || e.Date.After(d) {
			out[e.ProjectCode] = e.Date
		}
	}
	return out
}

// ExitedBefore reports whether a project that exited on day exit (nil when
// it has not) had stopped running before day start, so that a period
// beginning on start does not count its progress.
func ExitedBefore(exit *Date, start Date) bool {
	return exit != nil && exit.Before(start)
}

// lateUntil returns the day up to which an open target counts late when
// judged on asOf. For a project that exited on day exit (nil when it has
// not), that is the day after the exit at the latest, because nobody works
// on an exited project.
func lateUntil(asOf Date, exit *Date) Date {
	if exit != nil && exit.AddDays(1).Before(asOf) {
		return exit.AddDays(1)
	}
	return asOf
}

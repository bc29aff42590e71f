package saima

import "time"

// VersionTime returns the moment that store version v stands for on a
// clock that reads now. Versions count nanoseconds since the Unix epoch on
// the real clock, because they order commits across runs and processes. On
// a clock set apart from the real one, such as that of saima demo --today
// or a fake clock in a test, a version moves by that clock's offset from
// the real clock, rounded to the second. A zero now means the real clock.
//
// The store's judging of ended months, the pages, the reports and the
// command line convert versions to times only here, so that the offset is
// applied once.
//
// NOTE: the result is stable only under a clock that keeps a fixed offset,
// as saima demo --today does. Under a stopped clock the offset shrinks as
// real time passes.
func VersionTime(v uint64, now time.Time) time.Time {
	at := time.Unix(0, int64(v))
	if now.IsZero() {
		return at
	}
	return at.Add(now.Sub(time.Now()).Round(time.Second))
}

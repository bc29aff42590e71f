package web

import (
	"context"
	"errors"
	"log/slog"
	"time"

	"saima"
	"saima/scoring"
)

// draftBy is the author that the background drafts record.
const draftBy = "上传后自动计算"

// A draft that fails as unavailable, because the database is down, runs
// again after draftRetry, and after twice the previous wait at each
// further failure, up to draftRetryMax, until it succeeds. The pages of
// the running quarter then follow the uploads once the database is back.
const (
	draftRetry    = 10 * time.Second
	draftRetryMax = 5 * time.Minute
)

// drafter recomputes the draft of the running quarter after committed
// uploads, in the background. A request only marks a draft as due, so a
// burst of uploads costs one scoring run, and runs never overlap.
type drafter struct {
	due   chan struct{} // holds one token while a draft is due
	delay time.Duration // how long a due draft waits for more uploads
	retry time.Duration // first wait before a run that failed as unavailable runs again
	run   func(ctx context.Context) error

	// ran receives the result of every run, for tests; nil sends nothing.
	ran chan error
}

func newDrafter(delay time.Duration, run func(ctx context.Context) error) *drafter {
	return &drafter{due: make(chan struct{}, 1), delay: delay, retry: draftRetry, run: run}
}

// request marks a draft as due and returns at once. A draft that is
// already due absorbs the request.
func (d *drafter) request() {
	select {
	case d.due <- struct{}{}:
	default:
	}
}

// loop runs a draft whenever one is due, until ctx ends. It waits d.delay
// after the first request, so that the uploads of a burst all land in
// one run. A request made while a run is under way makes one more run.
// A run that fails as unavailable runs again after a wait that grows from
// d.retry to draftRetryMax, or earlier when an upload requests a draft.
func (d *drafter) loop(ctx context.Context) {
	var retry time.Duration // wait before running again; 0 after a run that needs none
	for {
		if !d.await(ctx, retry) {
			return
		}
		err := d.run(ctx)
		retry = d.nextRetry(retry, err)
		if d.ran != nil {
			d.ran <- err
		}
	}
}

// await waits until a draft is due and d.delay has passed, or until retry
// has passed when it is not 0. It reports false when ctx ended first.
func (d *drafter) await(ctx context.Context, retry time.Duration) bool {
	var again <-chan time.Time // nil, which never fires, when no run failed
	if retry > 0 {
		again = time.After(retry)
	}
	select {
	case <-ctx.Done():
		return false
	case <-again:
	case <-d.due:
		select {
		case <-ctx.Done():
			return false
		case <-time.After(d.delay):
		}
	}
	// Requests made during the wait are covered by the coming run.
	select {
	case <-d.due:
	default:
	}
	return true
}

// nextRetry returns the wait before the next run after a run that ended
// with err, when the wait before it was last.
func (d *drafter) nextRetry(last time.Duration, err error) time.Duration {
	switch {
	case saima.ErrorKind(err) != saima.KindUnavailable:
		return 0
	case last == 0:
		return d.retry
	default:
		return min(2*last, draftRetryMax)
	}
}

// runningQuarter returns the quarter that contains now in Beijing.
func runningQuarter(now time.Time) saima.Period {
	day := saima.DateOf(now)
	return saima.Quarter(day.Year, (int(day.Month)-1)/3+1)
}

// draftRunningQuarter stores a new draft of the running quarter and
// logs the outcome, which no caller sees. The draft scores under the
// rule set of the quarter's latest evaluation, as the next publication
// would, or under Deps.Rules while the quarter has none. It stores
// nothing when the quarter is published, has no rule set to use, or has
// no data to score yet.
func (s *Server) draftRunningQuarter(ctx context.Context) error {
	svc, ok := s.evaluations()
	if !ok {
		return nil
	}
	period := runningQuarter(s.now())
	log := s.log.With("period", period.String())
	evs, err := svc.Evaluations(ctx, period)
	if err != nil {
		logDraftFailed(log, err)
		return err
	}
	svc.Rules = s.rules
	if len(evs) > 0 {
		svc.Rules = []byte(evs[len(evs)-1].RuleSetText)
	}
	if len(svc.Rules) == 0 {
		log.Info("draft after upload skipped: no rule set", "reason", "the quarter has no evaluation and no rule set is configured")
		return nil
	}

	start := time.Now()
	ev, err := svc.DraftUnpublished(ctx, period, draftBy)
	switch {
	case errors.Is(err, scoring.ErrPublished):
		log.Info("draft after upload skipped: quarter published")
		return nil
	case errors.Is(err, scoring.ErrNoData):
		// The state of a quarter's first days, until its first uploads.
		log.Info("draft after upload skipped: no data", "reason", "no unit has a value for any indicator yet")
		return nil
	case err != nil:
		logDraftFailed(log, err)
		return err
	}
	s.cache.clear()
	log.Info("draft after upload stored", "run_id", ev.RunID, "data_as_of", time.Unix(0, int64(ev.DataAsOf)).UTC(),
		"duration", time.Since(start))
	return nil
}

// logDraftFailed logs a draft that failed, and whether it runs again.
func logDraftFailed(log *slog.Logger, err error) {
	log.Error("draft after upload failed", "err", err,
		"retry", saima.ErrorKind(err) == saima.KindUnavailable)
}

package ingest

import (
	"context"

	"saima"
)

// Writer writes the records of one upload in chunks and then makes them
// visible all at once. The store returns one from [Store.BeginUpload];
// clickhouse.UploadWriter has this shape.
type Writer interface {
	// Write writes the records of b; b.Upload is ignored. They stay
	// invisible to readers until Commit.
	Write(ctx context.Context, b *saima.Batch) error

	// Commit makes every record written so far visible at once, replacing
	// the earlier versions of their keys, and records the upload with
	// outcome ok. When it fails nothing becomes visible.
	Commit(ctx context.Context) error

	// Abort records the upload as failed because of cause. The records
	// written so far stay invisible.
	Abort(ctx context.Context, cause error)

	// SetUpload replaces the upload record that Commit and Abort write,
	// keeping the ID and time that BeginUpload got. A long file's row
	// counts, message and SHA-256 are known only once it is read to the
	// end, after its first chunks are written.
	SetUpload(up saima.Upload)
}

// WriterStore is a store whose BeginUpload returns its own writer type W,
// as clickhouse.Store returns *clickhouse.UploadWriter. [Adapt] turns it
// into a [Store].
type WriterStore[W Writer] interface {
	ListUnits(ctx context.Context) ([]saima.Unit, error)
	ListProjects(ctx context.Context) ([]saima.Project, error)
	ListMilestones(ctx context.Context) ([]saima.Milestone, error)
	ListListItems(ctx context.Context) ([]saima.ListItem, error)
	ListProblems(ctx context.Context) ([]saima.ProblemItem, error)
	ListLeaderReports(ctx context.Context) ([]saima.LeaderReport, error)
	FindUploadBySHA256(ctx context.Context, dataset, sha string) (saima.Upload, bool, error)
	RecordUpload(ctx context.Context, u saima.Upload) error
	BeginUpload(up saima.Upload) (W, error)
}

// Adapt returns s as a [Store]; W is inferred, as in ingest.Adapt(store).
// When s also implements [StageHistory], so does the result, so that the
// lifecycle check of stages uploads still reads through it.
func Adapt[W Writer](s WriterStore[W]) Store {
	a := adapter[W]{s}
	if h, ok := s.(StageHistory); ok {
		return historyAdapter[W]{a, h}
	}
	return a
}

type adapter[W Writer] struct{ WriterStore[W] }

// wrapped returns the adapted store, for optional interfaces such as
// [PublishedPeriods]; see storeAs.
func (a adapter[W]) wrapped() any { return a.WriterStore }

// storeAs returns s as a T, or the store that [Adapt] wrapped in s.
func storeAs[T any](s Store) (T, bool) {
	if t, ok := s.(T); ok {
		return t, true
	}
	if w, ok := s.(interface{ wrapped() any }); ok {
		t, ok := w.wrapped().(T)
		return t, ok
	}
	var zero T
	return zero, false
}

// BeginUpload returns the store's writer as a Writer. A failed begin
// returns a nil Writer, not a nil W inside a Writer.
func (a adapter[W]) BeginUpload(up saima.Upload) (Writer, error) {
	w, err := a.WriterStore.BeginUpload(up)
	if err != nil {
		return nil, err
	}
	return w, nil
}

type historyAdapter[W Writer] struct {
	adapter[W]
	StageHistory
}

package web

import (
	"context"
	"time"

	"saima"
	"saima/ingest"
	"saima/reports"
)

// Store is the database interface of the dashboards. clickhouse.Store
// implements it. A
// method that cannot reach the database returns an error of kind
// [saima.KindUnavailable], which the server shows as 503.
type Store interface {
	// Source is what the quarterly PDF reads.
	reports.Source

	// Ping checks that the database replies.
	Ping(ctx context.Context) error

	// EngineName returns "embedded" or "server", shown by /healthz.
	EngineName() string

	// ListScorePeriods returns the periods that have stored scores,
	// newest first.
	ListScorePeriods(ctx context.Context) ([]saima.Period, error)

	// ListUnitScores returns the unit's scores of every period, oldest
	// first, each from the latest run of its period.
	ListUnitScores(ctx context.Context, unit string) ([]saima.Score, error)

	// ListLedger returns the projects that match f.
	ListLedger(ctx context.Context, f saima.LedgerFilter) ([]saima.LedgerEntry, error)

	// LastUpdated returns when the newest successful upload or scoring run
	// was written, and the zero time when nothing was.
	LastUpdated(ctx context.Context) (time.Time, error)

	// LedgerVersion returns a number that changes whenever an upload
	// commits: the commit version of the newest successful upload, and 0
	// when none has.
	LedgerVersion(ctx context.Context) (uint64, error)

	// The leaders' dashboards, exports and the annual report read the
	// following too.

	// AnnualSource is what the annual PDF reads.
	reports.AnnualSource

	// ListMilestones returns every milestone, each with its responsible
	// unit: its own or, when it names none, its project's.
	ListMilestones(ctx context.Context) ([]saima.Milestone, error)

	// ListProblems returns every item of the problem list.
	ListProblems(ctx context.Context) ([]saima.ProblemItem, error)

	// ListUploads returns the uploads that f selects from the audit log,
	// newest first, each in its current state.
	ListUploads(ctx context.Context, f saima.UploadFilter) ([]saima.Upload, error)

	// FindUpload returns the upload with id in its current state, with
	// the error list it was rejected with, and false when there is none.
	FindUpload(ctx context.Context, id string) (saima.Upload, bool, error)
}

// LedgerReader is the part of the ledger that the pioneer list reads.
// Store implements it, and so does the ledger as of a past moment that
// [Deps.LedgerBefore] returns.
type LedgerReader interface {
	ListLedger(ctx context.Context, f saima.LedgerFilter) ([]saima.LedgerEntry, error)
	ListMilestones(ctx context.Context) ([]saima.Milestone, error)
}

// Importer reads uploaded files into the store. *ingest.Service
// implements it.
type Importer interface {
	// Import validates the file and writes it when it has no errors.
	Import(ctx context.Context, r ingest.Request) (*ingest.Report, error)

	// Preview validates the file and writes nothing.
	Preview(ctx context.Context, r ingest.Request) (*ingest.Report, error)
}

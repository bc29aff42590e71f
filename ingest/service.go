package ingest

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"log/slog"
	"time"

	"saima"
)

// Store is the storage that the import service writes uploads to.
// clickhouse.Store implements it.
type Store interface {
	// ListUnits returns the unit roster.
	ListUnits(ctx context.Context) ([]saima.Unit, error)

	// FindUploadBySHA256 returns the latest upload of dataset with outcome
	// ok whose bytes hash to sha (lowercase hex), and false when there is
	// none.
	FindUploadBySHA256(ctx context.Context, dataset, sha string) (saima.Upload, bool, error)

	// WriteBatch writes the records of b and then b.Upload with outcome
	// ok, so that readers see all of the records or none. When writing
	// fails it records b.Upload as failed itself and returns the error.
	WriteBatch(ctx context.Context, b *saima.Batch) error

	// RecordUpload appends u, a rejected or failed upload, to the audit
	// log.
	RecordUpload(ctx context.Context, u saima.Upload) error
}

// Service validates uploaded files and writes the accepted ones. All
// fields must be set.
type Service struct {
	Store Store
	Log   *slog.Logger
	Now   func() time.Time // the clock; the upload day is Now's date in Beijing
	NewID func() string    // returns a new unique upload ID
}

// Request is one uploaded file and who sent it.
type Request struct {
	FileName string
	Body     io.Reader // the file's bytes; read to the end
	Dataset  string    // see Options.Dataset; "" detects it
	Sheet    string    // see Options.Sheet
	Encoding string    // see Options.Encoding
	Uploader string    // the account that sent the file

	// Unit is the uploader's unit, or "" for the reform office. A unit
	// may upload only rows about itself, in progress reports, milestones,
	// projects and problems. The unit roster, lifecycle stages and
	// assessment scores come only from the office.
	Unit string
}

// Report is the outcome of an import or a preview.
type Report struct {
	Upload          saima.Upload // the audit record, as written (or as it would be, for a preview)
	Dataset         string
	Rows            int // data rows read
	Imported        int // records written, or that would be written
	Warnings        []Issue
	Errors          []Issue
	ErrorsOmitted   int
	WarningsOmitted int
	DryRun          bool // a preview: nothing was written
}

// officeOnly lists the datasets that only the reform office may upload.
var officeOnly = map[string]bool{
	saima.DatasetUnits:       true,
	saima.DatasetStages:      true,
	saima.DatasetAssessments: true,
}

// Import validates the file and, when it has no errors, writes its records
// and an upload record with outcome ok. Bytes equal to an earlier ok upload
// are written again, because the latest upload wins, and
// Upload.DuplicateOf names the earlier one.
//
// A file with errors is recorded as rejected and nothing of it is written;
// Import then returns the report listing every issue and a *saima.Error of
// kind KindInvalid. A unit uploading rows of another unit, or a dataset
// only the office may upload, gets KindForbidden and a report. Store
// failures come back wrapped, with their kind, and a nil report when
// nothing was read.
func (s *Service) Import(ctx context.Context, req Request) (*Report, error) {
	return s.run(ctx, req, false)
}

// Preview validates the file like Import and writes nothing, not even an
// upload record. A file with errors returns the report and a KindInvalid
// error, as Import does.
func (s *Service) Preview(ctx context.Context, req Request) (*Report, error) {
	return s.run(ctx, req, true)
}

func (s *Service) run(ctx context.Context, req Request, dryRun bool) (*Report, error) {
	log := s.Log.With("file_name", req.FileName, "uploader", req.Uploader, "unit", req.Unit,
		"dry_run", dryRun)
	units, err := s.Store.ListUnits(ctx)
	if err != nil {
		return nil, fmt.Errorf("list units: %w", err)
	}

	// The account's unit may be configured in a short form, such as 余姚.
	if name, ok := newRoster(units).resolve(req.Unit); ok {
		req.Unit = name
	}

	now := s.Now()
	up := saima.Upload{ID: s.NewID(), Dataset: req.Dataset, Uploader: req.Uploader, Unit: req.Unit,
		At: now, FileName: req.FileName}
	res, err := s.parse(req, units, saima.DateOf(now), &up)
	if err != nil {
		// A file that cannot be read is rejected; a body that breaks off
		// is a failed upload, which is not the file's fault.
		outcome := saima.OutcomeRejected
		if saima.ErrorKind(err) != saima.KindInvalid {
			outcome = saima.OutcomeFailed
		}
		return s.reject(ctx, log, dryRun, &Report{Upload: up, Dataset: up.Dataset}, outcome, err)
	}

	rep := newReport(res, up, dryRun)
	if !res.OK() {
		return s.reject(ctx, log, dryRun, rep, saima.OutcomeRejected, saima.Errorf(saima.KindInvalid,
			"文件有%d处错误，整个文件未导入；请按错误清单修改后重新上传", rep.Upload.Errors))
	}
	if err := checkOwner(req.Unit, res); err != nil {
		return s.reject(ctx, log, dryRun, rep, saima.OutcomeRejected, err)
	}
	if err := s.markDuplicate(ctx, &rep.Upload); err != nil {
		return nil, err
	}
	if dryRun {
		return rep, nil
	}
	return s.write(ctx, log, rep, res.Batch)
}

// parse reads the body through a SHA-256 hash, and hashes whatever Parse
// left unread, so that the digest covers every byte of the file.
func (s *Service) parse(req Request, units []saima.Unit, today saima.Date,
	up *saima.Upload) (*Result, error) {
	h := sha256.New()
	body := io.TeeReader(req.Body, h)
	res, err := Parse(body, Options{Dataset: req.Dataset, FileName: req.FileName, Sheet: req.Sheet,
		Encoding: req.Encoding, Roster: units, Today: today})
	if _, cerr := io.Copy(io.Discard, body); cerr != nil && err == nil {
		err = fmt.Errorf("read upload: %w", cerr)
	}
	up.SHA256 = hex.EncodeToString(h.Sum(nil))
	if err != nil {
		up.Errors, up.Message = 1, saima.ErrorMessage(err)
		return nil, err
	}
	if res.Dataset != "" {
		up.Dataset = res.Dataset
	}
	up.Rows, up.Warnings = res.Rows, len(res.Warnings)+res.WarningsOmitted
	up.Errors = len(res.Errors) + res.ErrorsOmitted
	return res, nil
}

func newReport(res *Result, up saima.Upload, dryRun bool) *Report {
	up.Imported = res.Batch.Len()
	return &Report{
		Upload:          up,
		Dataset:         res.Dataset,
		Rows:            res.Rows,
		Imported:        res.Batch.Len(),
		Warnings:        res.Warnings,
		Errors:          res.Errors,
		ErrorsOmitted:   res.ErrorsOmitted,
		WarningsOmitted: res.WarningsOmitted,
		DryRun:          dryRun,
	}
}

// checkOwner returns a KindForbidden error when a unit's account uploads a
// dataset reserved for the office or a row about another unit.
func checkOwner(unit string, res *Result) error {
	if unit == "" {
		return nil
	}
	if officeOnly[res.Dataset] {
		return saima.Errorf(saima.KindForbidden, "单位账号不能上传%s，请由改革办上传", schemaFor(res.Dataset).title)
	}
	for _, u := range rowUnits(&res.Batch) {
		if u != "" && u != unit {
			return saima.Errorf(saima.KindForbidden,
				"单位账号只能上传本单位（%s）的数据，文件中含有“%s”的数据；整个文件未导入", unit, u)
		}
	}
	return nil
}

// rowUnits returns the unit of every record in b. A milestone without a
// responsible unit returns "", which any account may upload.
//
// NOTE: ingest has no list of projects, so a unit may upload milestones
// for a project code it does not own. The store would have to check that.
func rowUnits(b *saima.Batch) []string {
	var out []string
	for _, p := range b.Projects {
		out = append(out, p.Unit)
	}
	for _, m := range b.Milestones {
		out = append(out, m.Unit)
	}
	for _, p := range b.Progress {
		out = append(out, p.Unit)
	}
	for _, p := range b.Problems {
		out = append(out, p.Unit)
	}
	return out
}

// markDuplicate sets up.DuplicateOf when the same bytes were imported
// before into the same dataset.
func (s *Service) markDuplicate(ctx context.Context, up *saima.Upload) error {
	prev, found, err := s.Store.FindUploadBySHA256(ctx, up.Dataset, up.SHA256)
	if err != nil {
		return fmt.Errorf("find upload by sha256: %w", err)
	}
	if found {
		up.DuplicateOf = prev.ID
	}
	return nil
}

// write stores the batch; the store records the upload as ok, or as failed
// when writing fails.
func (s *Service) write(ctx context.Context, log *slog.Logger, rep *Report, b saima.Batch) (*Report, error) {
	rep.Upload.Outcome = saima.OutcomeOK
	rep.Upload.Message = fmt.Sprintf("已导入%d条记录", rep.Imported)
	b.Upload = rep.Upload
	if err := s.Store.WriteBatch(ctx, &b); err != nil {
		rep.Upload.Outcome, rep.Upload.Message = saima.OutcomeFailed, "写入数据库失败："+saima.ErrorMessage(err)
		log.Error("write upload", "upload_id", rep.Upload.ID, "dataset", rep.Dataset, "err", err)
		return rep, fmt.Errorf("write batch: %w", err)
	}
	log.Info("upload imported", "upload_id", rep.Upload.ID, "dataset", rep.Dataset, "rows", rep.Rows,
		"imported", rep.Imported, "warnings", rep.Upload.Warnings, "duplicate_of", rep.Upload.DuplicateOf)
	return rep, nil
}

// reject records an upload that writes nothing (unless this is a preview)
// and returns the report with cause, the reason for the rejection.
func (s *Service) reject(ctx context.Context, log *slog.Logger, dryRun bool, rep *Report,
	outcome string, cause error) (*Report, error) {
	rep.Upload.Outcome, rep.Upload.Message = outcome, saima.ErrorMessage(cause)
	rep.Upload.Imported, rep.Imported = 0, 0
	if rep.Upload.Errors == 0 {
		rep.Upload.Errors = 1
	}
	log.Info("upload rejected", "upload_id", rep.Upload.ID, "dataset", rep.Dataset, "outcome", outcome,
		"errors", rep.Upload.Errors, "kind", saima.ErrorKind(cause).String(), "err", cause)
	if dryRun {
		return rep, cause
	}
	// The uploader still needs the list of issues when the audit record
	// cannot be written, so that failure is logged, not returned.
	if err := s.Store.RecordUpload(ctx, rep.Upload); err != nil {
		log.Error("record rejected upload", "upload_id", rep.Upload.ID, "err", err)
	}
	return rep, cause
}

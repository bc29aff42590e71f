package clickhouse

import (
	"context"
	"fmt"
	"time"

	"saima"
)

// insertChunk is the number of rows per INSERT. It stays below both
// engines' default max_insert_block_size (1 048 576 rows), so that each
// INSERT lands as one part.
const insertChunk = 100_000

// WriteBatch writes every record of b and then b.Upload with outcome ok.
// Until that last row exists no reader sees the records, so a failure half
// way leaves nothing visible. The rows already written stay as dead history
// under an upload that never succeeded.
func (s *Store) WriteBatch(ctx context.Context, b *saima.Batch) error {
	w, err := s.BeginUpload(b.Upload)
	if err != nil {
		return err
	}
	if err := w.Write(ctx, b); err != nil {
		w.Abort(ctx, err)
		return err
	}
	return w.Commit(ctx)
}

// UploadWriter writes one upload's records in as many chunks as the caller
// likes, for files too big to hold in memory, and then commits them all at
// once. Create one with [Store.BeginUpload].
type UploadWriter struct {
	s       *Store
	up      saima.Upload
	version uint64
	records int

	// tables holds the keys written to each table that has rows of the
	// upload.
	tables map[string]*tableKeys

	limits keyLimits

	// own caches the upload's parts (see ownRows). Write clears it.
	own map[string][]ownRows

	// renewed is when the upload was last recorded as started; zero
	// before its first record is written.
	renewed time.Time
}

// BeginUpload starts writing the records of up. up.ID must be set. The
// records' version is the real time, whatever clock up.At was read from,
// so that a later run on the real clock reads them and numbers its own
// versions after them.
func (s *Store) BeginUpload(up saima.Upload) (*UploadWriter, error) {
	if up.ID == "" {
		return nil, fmt.Errorf("begin upload: upload has no id")
	}
	if up.At.IsZero() {
		up.At = time.Now()
	}
	return &UploadWriter{s: s, up: up, version: s.nextVersion(time.Now()), tables: map[string]*tableKeys{},
		limits: defaultKeyLimits}, nil
}

// Write writes the records of b (its Upload field is ignored). They stay
// invisible until Commit.
func (w *UploadWriter) Write(ctx context.Context, b *saima.Batch) error {
	w.own = nil
	for _, t := range batchRecords(b, w.up.ID, w.version) {
		if t.n == 0 {
			continue
		}
		k := w.tables[t.table]
		if k == nil {
			k = &tableKeys{tuples: map[string]struct{}{}}
			w.tables[t.table] = k
		}
		if err := k.add(&t, w.limits.known); err != nil {
			return err
		}
	}
	if err := w.markStarted(ctx); err != nil {
		return err
	}
	if err := w.s.writeRecords(ctx, b, w.up.ID, w.version); err != nil {
		return unavailable(err)
	}
	w.records += b.Len()
	return nil
}

// markStarted records the upload as started before its first records are
// written, and again when uploadRenewal has passed since, so that
// [Store.RecoverUploads] in another process can tell that it still runs.
func (w *UploadWriter) markStarted(ctx context.Context) error {
	if !w.renewed.IsZero() && time.Since(w.renewed) < uploadRenewal {
		return nil
	}
	up := w.up
	up.Outcome, up.Message = saima.OutcomeStarted, "正在写入，记录尚未生效"
	up.Imported, up.Errors = 0, 0
	if err := w.s.recordUpload(ctx, up, w.version); err != nil {
		return fmt.Errorf("record upload as started: %w", err)
	}
	w.renewed = time.Now()
	return nil
}

// SetUpload replaces the upload record that Commit and Abort write, for
// counts that are known only at the end of a file: rows read, warnings and
// the message. The upload's ID and time stay those BeginUpload got.
func (w *UploadWriter) SetUpload(up saima.Upload) {
	up.ID, up.At = w.up.ID, w.up.At
	w.up = up
}

// Commit makes every record written so far visible at once, replacing the
// earlier versions of their keys, and records the upload with outcome ok.
func (w *UploadWriter) Commit(ctx context.Context) error {
	_, err := w.CommitCounting(ctx, nil)
	return err
}

// CommitCounting commits as Commit does and returns the number of current
// records the upload replaced, counted under the commit lock. The count
// goes into the upload record, and message, when not nil, makes the
// record's message from it.
func (w *UploadWriter) CommitCounting(ctx context.Context, message func(replaced int) string) (int, error) {
	s := w.s
	// Marking superseded versions and committing must not interleave with
	// another upload's, or two uploads of one key could each miss the
	// other and both stay current. The lock covers this process.
	// NOTE: several saima instances writing the same keys at the same
	// moment can leave two current versions of a key until one is re-sent.
	s.versions.commit.Lock()
	defer s.versions.commit.Unlock()
	if err := w.markStarted(ctx); err != nil {
		w.Abort(ctx, err)
		return 0, err
	}
	own, err := w.ownRows(ctx)
	if err != nil {
		err = unavailable(err)
		w.Abort(ctx, err)
		return 0, err
	}
	recorded, err := s.supersede(ctx, w.up.ID, w.version, own)
	if err != nil {
		err = unavailable(err)
		w.Abort(ctx, err)
		return 0, err
	}
	if parts, ok := own["milestones"]; ok {
		if err := s.tallyUpload(ctx, w.up.ID, w.version, parts, recorded["milestones"]); err != nil {
			err = unavailable(err)
			w.Abort(ctx, err)
			return 0, err
		}
	}
	replaced := s.countReplaced(ctx, w.up.ID, w.version, own, recorded)
	up := w.up
	up.Outcome = saima.OutcomeOK
	up.Imported = w.records
	up.Replaced = replaced
	if message != nil {
		up.Message = message(replaced)
	}
	err = s.recordUpload(ctx, up, w.version)
	// An INSERT that failed may still have stored the ok row, such as one
	// whose quorum wait timed out. The upload is then visible, and the
	// reply must report it as imported.
	if err = s.settleInsert(ctx, err, "uploads", "id = ? AND outcome = 'ok'", up.ID); err != nil {
		// With the outcome unknown, the failed row still leaves the audit
		// right: an ok row, if stored, outranks it (uploadRank).
		w.Abort(ctx, err)
		return 0, err
	}
	return replaced, nil
}

// Abort records the upload as failed because of cause. The records written
// so far stay invisible. When the database cannot take the record either,
// [Store.RecoverUploads] writes it once the database is back.
func (w *UploadWriter) Abort(ctx context.Context, cause error) {
	up := w.up
	up.Outcome, up.Message = saima.OutcomeFailed, "写入数据库失败："+saima.ErrorMessage(unavailable(cause))
	up.Imported = 0
	if err := w.s.recordUpload(context.WithoutCancel(ctx), up, w.version); err != nil {
		w.s.log.Error("record failed upload; it is recorded once the database is back",
			"upload_id", up.ID, "err", err)
	}
}

func (s *Store) writeRecords(ctx context.Context, b *saima.Batch, id string, v uint64) error {
	for _, t := range batchRecords(b, id, v) {
		for start := 0; start < t.n; start += insertChunk {
			end := min(start+insertChunk, t.n)
			if err := s.insertRecords(ctx, &t, start, end, id, v); err != nil {
				return fmt.Errorf("insert %s: %w", t.table, err)
			}
		}
	}
	return nil
}

var uploadColumns = []string{"id", "dataset", "uploader", "unit", "at", "file_name", "sha256",
	"rows", "imported", "warnings", "errors", "outcome", "message", "duplicate_of", "version", "committed",
	"recorded", "owner", "replaced", "error_sheet", "error_row", "error_column", "error_value",
	"error_reason", "error_fix", "error_own_subject", "warning_sheet", "warning_row", "warning_column",
	"warning_value", "warning_reason", "warning_fix", "warning_own_subject"}

// RecordUpload appends u to the upload audit log: an upload that wrote no
// records, or the rejection of one whose writer wrote some. Committed and
// failed uploads are recorded by [UploadWriter]. When the database cannot
// take a rejected or failed record, [Store.RecoverUploads] writes it later.
func (s *Store) RecordUpload(ctx context.Context, u saima.Upload) error {
	return s.recordUpload(ctx, u, 0)
}

// recordUpload appends u with the version its records carry. Every row
// gets the next version as its recorded version. An upload with outcome
// ok commits its rows: that version is also its commit version.
func (s *Store) recordUpload(ctx context.Context, u saima.Upload, version uint64) error {
	if u.At.IsZero() {
		u.At = time.Now()
	}
	recorded := s.nextVersion(time.Now())
	var committed uint64
	if u.Outcome == saima.OutcomeOK {
		committed = recorded
	}
	row := []any{u.ID, u.Dataset, u.Uploader, u.Unit, u.At, u.FileName, u.SHA256,
		uint32(u.Rows), uint32(u.Imported), uint32(u.Warnings), uint32(u.Errors),
		u.Outcome, u.Message, u.DuplicateOf, version, committed, recorded, s.audit.owner.String(),
		uint32(u.Replaced)}
	row = append(row, issueListColumns(u.ErrorList)...)
	row = append(row, issueListColumns(u.WarningList)...)
	err := unavailable(s.engine.Insert(ctx, s.table("uploads"), uploadColumns, [][]any{row}))
	s.audit.recorded(u, version, err)
	return err
}

// issueListColumns returns the values of the error_ or the warning_
// columns for list.
func issueListColumns(list []saima.UploadError) []any {
	n := len(list)
	sheets, columns, values := make([]string, n), make([]string, n), make([]string, n)
	reasons, fixes := make([]string, n), make([]string, n)
	rows, own := make([]uint32, n), make([]uint8, n)
	for i, e := range list {
		sheets[i], rows[i], columns[i], values[i] = e.Sheet, uint32(e.Row), e.Column, e.Value
		reasons[i], fixes[i] = e.Reason, e.Fix
		if e.OwnSubject {
			own[i] = 1
		}
	}
	return []any{sheets, rows, columns, values, reasons, fixes, own}
}

// FindUploadBySHA256 returns the latest successful upload of dataset whose
// bytes hash to sha.
func (s *Store) FindUploadBySHA256(ctx context.Context, dataset, sha string) (saima.Upload, bool, error) {
	ups, err := s.uploadStates(ctx, "outcome = 'ok' AND dataset = ? AND sha256 = ?", "1", 1, dataset, sha)
	if err != nil || len(ups) == 0 {
		return saima.Upload{}, false, err
	}
	return ups[0].Upload, true, nil
}

// FindLatestUpload returns the latest successful upload of dataset by
// the account uploader, and false when there is none.
func (s *Store) FindLatestUpload(ctx context.Context, dataset, uploader string) (saima.Upload, bool, error) {
	ups, err := s.uploadStates(ctx, "outcome = 'ok' AND dataset = ? AND uploader = ?", "1", 1, dataset, uploader)
	if err != nil || len(ups) == 0 {
		return saima.Upload{}, false, err
	}
	return ups[0].Upload, true, nil
}

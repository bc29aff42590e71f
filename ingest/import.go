package ingest

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"hash"
	"io"
	"log/slog"
	"runtime"
	"sync/atomic"

	"saima"
)

// DefaultMaxRows is the most data rows one file may hold when
// Limits.MaxRows is 0. It bounds the memory of a long import: the index
// of record keys takes about 13 MB per million rows (see keyIndex), and
// the unit roster and stages are read whole.
// A 1 GB file of that benchmark's progress rows has about 4.3 million.
const DefaultMaxRows = 5_000_000

// Limits bound what one upload may hold. The zero value takes every
// default.
type Limits struct {
	// MaxRows caps the data rows of one file; see Options.MaxRows. 0
	// means DefaultMaxRows and a negative value means no limit.
	MaxRows int

	// MaxXLSXBytes caps an XLSX workbook; see Options.MaxXLSXBytes. 0
	// means DefaultMaxXLSXBytes.
	MaxXLSXBytes int64

	// MaxTextChars caps the characters of one free-text cell; see
	// Options.MaxTextChars. 0 means DefaultMaxTextChars and a negative
	// value means no limit.
	MaxTextChars int

	// ChunkRecords is how many rows are validated and written as one
	// chunk. Memory grows with it. 0 means DefaultChunkRecords.
	ChunkRecords int
}

func (l Limits) maxRows() int {
	switch {
	case l.MaxRows == 0:
		return DefaultMaxRows
	case l.MaxRows < 0:
		return 0
	}
	return l.MaxRows
}

func (l Limits) chunkRecords() int {
	if l.ChunkRecords <= 0 {
		return DefaultChunkRecords
	}
	return l.ChunkRecords
}

// Progress is how far an import has read its file.
type Progress struct {
	Bytes  int64 // bytes of the file read so far
	Size   int64 // the file's size in bytes
	Rows   int   // data rows read so far
	Errors int   // errors found so far, listed or not
}

// uploadBody is the uploaded file as the parser reads it. The bytes are
// hashed on their way to the parser, so that the file is read once and a
// body that cannot seek needs no temporary copy.
type uploadBody struct {
	r    io.Reader
	h    hash.Hash
	n    atomic.Int64 // bytes read so far, for progress reports
	size int64        // the file's size in bytes, or 0 when unknown
	err  error        // the body itself failed to read
}

// newUploadBody returns the body of r. size is the file's size when the
// caller knows it. A body that can seek measures its own, but a file that
// cannot seek after all, such as a pipe, keeps size.
func newUploadBody(r io.Reader, size int64) *uploadBody {
	if rs, ok := r.(io.ReadSeeker); ok {
		if n, err := remaining(rs); err == nil {
			size = n
		}
	}
	return &uploadBody{r: r, h: sha256.New(), size: size}
}

// remaining returns the number of bytes from the current offset of rs to
// its end.
func remaining(rs io.ReadSeeker) (int64, error) {
	start, err := rs.Seek(0, io.SeekCurrent)
	if err != nil {
		return 0, fmt.Errorf("measure upload: %w", err)
	}
	end, err := rs.Seek(0, io.SeekEnd)
	if err != nil {
		return 0, fmt.Errorf("measure upload: %w", err)
	}
	if _, err := rs.Seek(start, io.SeekStart); err != nil {
		return 0, fmt.Errorf("measure upload: %w", err)
	}
	return end - start, nil
}

func (b *uploadBody) Read(p []byte) (int, error) {
	n, err := b.r.Read(p)
	b.h.Write(p[:n])
	b.n.Add(int64(n))
	if err != nil && err != io.EOF && b.err == nil {
		b.err = err
	}
	return n, err
}

// sum reads whatever the parser left unread, such as the rest of a file
// rejected at its header, and returns the SHA-256 of the whole body in
// lowercase hex. It fails when the body broke off.
func (b *uploadBody) sum() (string, error) {
	if b.err == nil {
		io.Copy(io.Discard, b)
	}
	if b.err != nil {
		return "", fmt.Errorf("read upload: %w", b.err)
	}
	return hex.EncodeToString(b.h.Sum(nil)), nil
}

// importRun is one import or preview while Parse reads the file. It
// writes each chunk that Parse hands on only when the next one arrives,
// so that the last chunk is still in hand when reading ends. A file of
// one chunk is then begun with its final counts, and the stages of a
// stages file are checked against the lifecycle rules before any of them
// is written. The chunks before the last are written by a goroutine of
// their own while Parse reads on, so at most three chunks are in memory:
// one being read, one held back and one being written.
type importRun struct {
	s         *Service
	ctx       context.Context
	log       *slog.Logger
	unit      string
	dryRun    bool
	republish bool         // see Request.Republish
	up        saima.Upload // the upload as the service started it

	lastChunk *chunk // the latest chunk, not yet written
	dataset   string // the dataset of the chunks, once one came
	records   int    // records in the chunks handed on

	// quarters are the quarters the records handed on fall in.
	quarters map[saima.Period]bool

	// ledger is the stored data the file is checked against. The fields
	// after it collect, chunk by chunk, what checkStored finds.
	ledger       *ledger
	missing      []string // optional columns the file lacks
	blanked      int      // stored records that lose a value in a missing column
	storedIssues []Issue  // warnings about completion rates

	// uncompared counts the records of chunks with more than
	// codesPerQuery projects, which are not compared with stored records.
	uncompared int

	// The writer goroutine owns the fields below until done is closed
	// (see wait).
	writes chan *chunk   // chunks for the writer goroutine; nil before the first
	done   chan struct{} // closed when the writer goroutine returns
	writer Writer        // nil until the first chunk is written
	begun  saima.Upload  // the upload record the writer was begun with
	failed error         // the store failed to write
}

// emit receives one chunk and writes the one held back before it.
func (r *importRun) emit(c chunk) error {
	r.dataset = c.dataset
	if checkOwner(r.unit, c.dataset) != nil {
		// finish rejects the file, so nothing of it is written.
		r.lastChunk = nil
		return nil
	}
	r.records += c.batch.Len()
	if r.quarters == nil {
		r.quarters = map[saima.Period]bool{}
	}
	batchQuarters(r.quarters, c.batch)
	if err := r.checkStored(&c); err != nil {
		return err
	}
	prev := r.lastChunk
	r.lastChunk = &c
	if prev == nil || r.dryRun {
		return nil
	}
	return r.send(prev)
}

// send hands c to the writer goroutine, starting it for the first chunk.
// It returns the store's error once the writer goroutine has stopped on
// one.
func (r *importRun) send(c *chunk) error {
	if r.writes == nil {
		r.writes, r.done = make(chan *chunk), make(chan struct{})
		go r.writeChunks()
	}
	select {
	case r.writes <- c:
		return nil
	case <-r.done:
		return r.failed
	}
}

// writeChunks writes the chunks sent to it until the channel closes or a
// write fails. After each chunk it runs a garbage collection, while the
// parser goroutine reads on. Left to GOGC, the Go heap of a long import
// grows to about twice what is live (the chunks in flight and the index
// of record keys) before Go collects. BenchmarkImportPeakRSS measured a
// peak Go heap of about 180 MB for a 1 GB file without these collections
// and about 120 MB with them. Its rate showed no loss beyond the noise of
// a shared machine.
func (r *importRun) writeChunks() {
	defer close(r.done)
	for c := range r.writes {
		if r.write(c, nil) != nil {
			return
		}
		runtime.GC()
	}
}

// wait stops the writer goroutine, if there is one, once it has written
// every chunk sent to it, and returns the store's error. The writer's
// fields may be read after it returns.
func (r *importRun) wait() error {
	if r.writes == nil {
		return nil
	}
	close(r.writes)
	<-r.done
	r.writes = nil
	return r.failed
}

// write writes c, beginning the upload first when c is the first chunk.
// Unless final is given, the upload record then holds the counts read so
// far.
func (r *importRun) write(c *chunk, final *saima.Upload) error {
	if r.writer == nil {
		if err := r.begin(c, final); err != nil {
			r.failed = err
			return err
		}
	}
	if c == nil {
		return nil
	}
	if err := r.writer.Write(r.ctx, c.batch); err != nil {
		r.failed = err
		return fmt.Errorf("write chunk: %w", err)
	}
	return nil
}

func (r *importRun) begin(c *chunk, final *saima.Upload) error {
	up := r.up
	if final != nil {
		up = *final
	} else {
		// The counts are the first chunk's and the hash is unknown until
		// commit passes the totals (see Writer.SetUpload).
		up.Dataset, up.Rows, up.Warnings = c.dataset, c.rows, c.warnings
		up.Message = "已分批导入全部记录"
	}
	w, err := r.s.Store.BeginUpload(up)
	if err != nil {
		return fmt.Errorf("begin upload: %w", err)
	}
	r.writer, r.begun = w, up
	return nil
}

// commit writes the last chunk and makes the upload visible. The writer
// goroutine must have stopped; see wait.
func (r *importRun) commit(rep *Report) (*Report, error) {
	rep.Upload.Outcome = saima.OutcomeOK
	rep.Upload.Message = rep.message(0)
	if err := r.write(r.lastChunk, &rep.Upload); err != nil {
		return r.fail(rep, err)
	}
	final := r.begun
	final.Rows, final.Warnings, final.Message = rep.Upload.Rows, rep.Upload.Warnings, rep.Upload.Message
	final.SHA256, final.DuplicateOf = rep.Upload.SHA256, rep.Upload.DuplicateOf
	final.WarningList = recordedIssues(rep.Warnings)
	r.writer.SetUpload(final)
	replaced, err := r.commitCounting(rep)
	if err != nil {
		// The writer aborts on its own when it can; nothing is visible.
		return r.fail(rep, fmt.Errorf("commit upload: %w", err))
	}
	rep.Replaced, rep.Upload.Replaced = replaced, replaced
	rep.Upload.Message = rep.message(replaced)
	r.log.Info("upload imported", "upload_id", rep.Upload.ID, "dataset", rep.Dataset, "rows", rep.Rows,
		"imported", rep.Imported, "replaced", rep.Replaced, "warnings", rep.Upload.Warnings,
		"duplicate_of", rep.Upload.DuplicateOf)
	return rep, nil
}

// countingWriter is a Writer whose commit counts the stored records the
// upload replaced; clickhouse.UploadWriter is one.
type countingWriter interface {
	CommitCounting(ctx context.Context, message func(replaced int) string) (int, error)
}

// commitCounting commits the upload and returns how many stored records
// it replaced, so that a clerk sees when a file, or an edited template
// example, replaced stored records. The upload's message names the count.
func (r *importRun) commitCounting(rep *Report) (int, error) {
	w, ok := r.writer.(countingWriter)
	if !ok {
		return 0, r.writer.Commit(r.ctx)
	}
	return w.CommitCounting(r.ctx, rep.message)
}

// message is the message of the committed upload that replaced replaced
// stored records.
func (rep *Report) message(replaced int) string {
	note := ""
	if replaced > 0 {
		note = fmt.Sprintf("，其中%d条替换了已有记录，原记录保留在历史版本中", replaced)
	}
	return fmt.Sprintf("已导入%d条记录", rep.Imported) + note + rep.duplicateNote()
}

// fail reports a store failure. The chunks written so far stay invisible,
// and the upload is recorded as failed.
func (r *importRun) fail(rep *Report, err error) (*Report, error) {
	rep.Upload.Outcome, rep.Upload.Message = saima.OutcomeFailed, "写入数据库失败："+saima.ErrorMessage(err)
	stop := stopCause(r.ctx)
	if stop != nil && !errors.Is(err, saima.ErrOutcomeUnknown) {
		err = stop
		rep.Upload.Message = saima.ErrorMessage(stop)
	}
	// The chunks written before the failure never become visible.
	rep.Upload.Imported, rep.Imported = 0, 0
	if errors.Is(err, saima.ErrOutcomeUnknown) {
		rep.Upload.Outcome, rep.Upload.Message = saima.OutcomeUnknown, "导入结果未知："+saima.ErrorMessage(err)
	}
	r.log.Error("write upload", "upload_id", rep.Upload.ID, "dataset", rep.Dataset, "err", err)
	ctx := context.WithoutCancel(r.ctx)
	switch {
	case r.writer != nil && r.failed != nil:
		r.writer.SetUpload(rep.Upload)
		r.writer.Abort(ctx, err)
	case r.writer == nil:
		if rerr := r.s.Store.RecordUpload(ctx, rep.Upload); rerr != nil {
			r.log.Error("record failed upload", "upload_id", rep.Upload.ID, "err", rerr)
		}
	}
	return rep, fmt.Errorf("write batch: %w", err)
}

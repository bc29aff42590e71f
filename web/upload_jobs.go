package web

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"os"
	"sync"
	"time"

	"github.com/gofiber/fiber/v2"

	"saima"
	"saima/ingest"
)

// Limits of the background imports.
const (
	// uploadJobKeep is how long a finished import's result can be read.
	uploadJobKeep = 30 * time.Minute

	// maxUploadJobs bounds the imports kept, running or finished, so that
	// a flood of uploads cannot fill memory with results and temporary
	// files. Finished jobs are dropped first.
	maxUploadJobs = 200
)

// uploadJobs runs imports in the background, so that the upload page can
// show how far the server has read a large file. The file is copied to a
// temporary file, because the request's copy goes when the request ends.
type uploadJobs struct {
	s      *Server
	ctx    context.Context // cancelled when the server shuts down
	cancel context.CancelCauseFunc
	wg     sync.WaitGroup

	mu   sync.Mutex
	byID map[string]*uploadJob
}

// uploadJob is one import running in the background.
type uploadJob struct {
	id       string
	owner    string // the account that started it; only it may read the job
	fileName string
	dryRun   bool

	mu       sync.Mutex
	progress ingest.Progress
	finished time.Time // zero while running
	status   int       // the HTTP status POST /api/uploads would have replied
	result   *uploadJSON
}

// newUploadJobs returns the upload jobs of s. Shutting app down, after
// the open requests have ended, gives the running imports up to
// Config.ShutdownTimeout to finish, because each was accepted with 202.
// Then it cancels those still running and waits for them.
func (s *Server) newUploadJobs(app *fiber.App) *uploadJobs {
	ctx, cancel := context.WithCancelCause(context.Background())
	j := &uploadJobs{s: s, ctx: ctx, cancel: cancel, byID: map[string]*uploadJob{}}
	app.Hooks().OnShutdown(func() error {
		j.drain(s.cfg.ShutdownTimeout)
		return nil
	})
	return j
}

// drain waits up to timeout for the running imports, then cancels the
// rest and waits for them to stop.
func (j *uploadJobs) drain(timeout time.Duration) {
	done := make(chan struct{})
	go func() { j.wg.Wait(); close(done) }()
	select {
	case <-done:
	case <-time.After(timeout):
		// NOTE: an import cancelled before it has written its started
		// row leaves no row in the upload log. Only this warning in the
		// server log names its job.
		j.s.log.Warn("cancelling background imports at shutdown", "timeout", timeout, "running", j.running())
		j.cancel(errServerStopped)
		<-done
	}
}

// running returns the IDs of the jobs that have not finished.
func (j *uploadJobs) running() []string {
	j.mu.Lock()
	defer j.mu.Unlock()
	var ids []string
	for id, job := range j.byID {
		if job.finishedAt().IsZero() {
			ids = append(ids, id)
		}
	}
	return ids
}

// uploadJobJSON is the reply of POST /api/uploads/jobs and of GET
// /api/uploads/jobs/{id}.
type uploadJobJSON struct {
	ID         string      `json:"id"`
	StatusURL  string      `json:"status_url"`
	FileName   string      `json:"file_name"`
	DryRun     bool        `json:"dry_run"`
	State      string      `json:"state"`            // running or done
	BytesRead  int64       `json:"bytes_read"`       // bytes of the file read so far
	BytesTotal int64       `json:"bytes_total"`      // the file's size
	Rows       int         `json:"rows"`             // data rows read so far
	Errors     int         `json:"errors"`           // errors found so far
	Status     int         `json:"status,omitempty"` // once done: the status POST /api/uploads would reply
	Result     *uploadJSON `json:"result,omitempty"` // once done: the body POST /api/uploads would reply
}

// handleStart takes the upload form of POST /api/uploads, starts the
// import in the background and replies 202 with the job. A bad form field
// is an error, as for POST /api/uploads.
func (j *uploadJobs) handleStart(c *fiber.Ctx) error {
	form, err := uploadFields(c)
	if err != nil {
		return err
	}
	req, err := j.s.importRequest(c, form)
	if err != nil {
		return err
	}
	file, err := keepFile(req.Body)
	if err != nil {
		return err
	}
	req.Body = file

	job, err := j.add(req, form.DryRun)
	if err != nil {
		removeFile(file)
		return err
	}
	j.wg.Add(1)
	go j.run(job, req, file)
	c.Set(fiber.HeaderLocation, job.statusURL())
	return c.Status(http.StatusAccepted).JSON(job.json())
}

// keepFile copies an uploaded file to a temporary file that outlives the
// request.
func keepFile(r io.Reader) (*os.File, error) {
	f, err := os.CreateTemp("", "saima-upload-job-")
	if err != nil {
		return nil, fmt.Errorf("keep upload: %w", err)
	}
	if _, err := io.Copy(f, r); err != nil {
		removeFile(f)
		return nil, fmt.Errorf("keep upload: %w", err)
	}
	if _, err := f.Seek(0, io.SeekStart); err != nil {
		removeFile(f)
		return nil, fmt.Errorf("keep upload: %w", err)
	}
	return f, nil
}

func removeFile(f *os.File) {
	f.Close()
	os.Remove(f.Name())
}

// add registers a job for req, dropping finished jobs that are old or,
// when too many are kept, the oldest finished ones. It refuses with
// KindUnavailable when every kept job is still running.
func (j *uploadJobs) add(req ingest.Request, dryRun bool) (*uploadJob, error) {
	j.mu.Lock()
	defer j.mu.Unlock()
	now := j.s.now()
	var oldest *uploadJob
	for id, job := range j.byID {
		finished := job.finishedAt()
		switch {
		case finished.IsZero():
		case now.Sub(finished) > uploadJobKeep:
			delete(j.byID, id)
		case oldest == nil || finished.Before(oldest.finishedAt()):
			oldest = job
		}
	}
	if len(j.byID) >= maxUploadJobs {
		if oldest == nil {
			return nil, saima.Errorf(saima.KindUnavailable, "正在处理的上传过多，请稍后重试")
		}
		delete(j.byID, oldest.id)
	}
	job := &uploadJob{id: newJobID(), owner: req.Uploader, fileName: req.FileName, dryRun: dryRun}
	j.byID[job.id] = job
	return job, nil
}

// run imports req and keeps the reply for the job's status.
func (j *uploadJobs) run(job *uploadJob, req ingest.Request, file *os.File) {
	defer j.wg.Done()
	defer removeFile(file)
	req.OnProgress = job.setProgress

	start := time.Now()
	report, err := j.s.runImport(j.ctx, req, job.dryRun)
	status, result := uploadResult(job.dryRun, report, err)
	switch {
	case status >= 500:
		j.s.log.Error("background import failed", "job_id", job.id, "file_name", job.fileName, "status", status, "err", err)
	case err != nil:
		j.s.log.Debug("background import rejected", "job_id", job.id, "status", status, "err", err)
	}
	var size int64
	if fi, err := file.Stat(); err == nil {
		size = fi.Size()
	}
	job.finish(status, result, report, size, j.s.now())
	j.s.log.Info("background import finished", "job_id", job.id, "file_name", job.fileName,
		"status", status, "duration", time.Since(start))
}

func (job *uploadJob) setProgress(p ingest.Progress) {
	job.mu.Lock()
	defer job.mu.Unlock()
	job.progress = p
}

// finish keeps the reply of a finished job and sets its counters to the
// final ones: a file rejected before it was read, such as an .xls
// workbook, reported no progress while it ran.
func (job *uploadJob) finish(status int, result *uploadJSON, report *ingest.Report, size int64, at time.Time) {
	job.mu.Lock()
	defer job.mu.Unlock()
	job.status, job.result, job.finished = status, result, at
	if size > 0 {
		job.progress.Bytes, job.progress.Size = size, size
	}
	if report != nil {
		job.progress.Rows, job.progress.Errors = report.Rows, report.Upload.Errors
	}
}

func (job *uploadJob) finishedAt() time.Time {
	job.mu.Lock()
	defer job.mu.Unlock()
	return job.finished
}

func (job *uploadJob) statusURL() string { return "/api/uploads/jobs/" + job.id }

func (job *uploadJob) json() uploadJobJSON {
	job.mu.Lock()
	defer job.mu.Unlock()
	out := uploadJobJSON{
		ID: job.id, StatusURL: job.statusURL(), FileName: job.fileName, DryRun: job.dryRun, State: "running",
		BytesRead: job.progress.Bytes, BytesTotal: job.progress.Size,
		Rows: job.progress.Rows, Errors: job.progress.Errors,
	}
	if !job.finished.IsZero() {
		out.State, out.Status, out.Result = "done", job.status, job.result
	}
	return out
}

// handleStatus replies with a job's progress and, once it is done, the
// reply the import would have given. A job of another account, or one
// dropped uploadJobKeep after it finished, is 404.
func (j *uploadJobs) handleStatus(c *fiber.Ctx) error {
	uploader, _, err := j.s.uploader(c)
	if err != nil {
		return err
	}
	j.mu.Lock()
	job, ok := j.byID[c.Params("id")]
	j.mu.Unlock()
	if !ok || job.owner != uploader {
		return saima.Errorf(saima.KindNotFound, "找不到该上传任务，可能已过期，请重新上传")
	}
	return c.JSON(job.json())
}

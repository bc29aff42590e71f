package web

import (
	"archive/zip"
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"net/http"
	"strconv"
	"sync"
	"time"

	"github.com/gofiber/fiber/v2"

	"saima"
	"saima/reports"
)

// Limits of the background report jobs.
const (
	// jobTimeout bounds one job. A unit's report took 0.1 to 0.4 s to draw
	// in BenchmarkWriteUnitQuarterly on the shared 2-core development
	// machine, an estimate under load, so 1 000 units need about 2 to 7
	// minutes.
	jobTimeout = 15 * time.Minute
	// jobKeep is how long a finished job's zip stays for download.
	jobKeep = 30 * time.Minute
	// maxRunningJobs bounds the jobs drawing at once. Further jobs wait
	// for a free slot.
	maxRunningJobs = 2
)

// reportJobs builds the zip of every unit's quarterly report in the
// background. A request for a period's zip joins the job that is building
// it from the same data, or starts one, and a page polls the job's
// progress. Finished zips stay in memory for jobKeep.
type reportJobs struct {
	s       *Server
	ctx     context.Context // cancelled when the server shuts down
	cancel  context.CancelFunc
	running chan struct{} // a token per running job
	wg      sync.WaitGroup

	mu    sync.Mutex
	byID  map[string]*zipJob
	byKey map[string]*zipJob // the newest job per period and data version
	seq   uint64             // the sequence number of the newest job
}

// zipJob is one build of a period's zip.
type zipJob struct {
	id       string
	key      string
	period   saima.Period
	seq      uint64    // sequence number, in the order the jobs started
	finished time.Time // zero while running

	mu    sync.Mutex
	done  int // reports written
	total int // reports to write; 0 until the data is read
	zip   []byte
	err   error
}

// newReportJobs returns the jobs of s, stopped when app shuts down.
func (s *Server) newReportJobs(app *fiber.App) *reportJobs {
	ctx, cancel := context.WithCancel(context.Background())
	j := &reportJobs{
		s: s, ctx: ctx, cancel: cancel,
		running: make(chan struct{}, maxRunningJobs),
		byID:    map[string]*zipJob{}, byKey: map[string]*zipJob{},
	}
	app.Hooks().OnShutdown(func() error {
		cancel()
		j.wg.Wait()
		return nil
	})
	return j
}

// handleUnitsZip sends a period's zip when a job has built it from the
// current data, and otherwise starts or joins that job and replies 202
// with a page that shows its progress.
func (j *reportJobs) handleUnitsZip(c *fiber.Ctx) error {
	param := routeParam(c, "period")
	period, err := periodParamOf("period", param, "应为季度，如 2026Q3")
	if err != nil {
		return err
	}
	if period.Kind != saima.PeriodQuarter {
		return invalidParam("period", param, "应为季度，如 2026Q3")
	}
	// The download link of a finished job names it, so that an upload
	// after the job finished does not start another one. Near a deadline
	// every job would otherwise be outdated by the time it is done.
	if zipped := j.finishedZip(c.Query("job"), period); zipped != nil {
		return sendUnitsZip(c, period, zipped)
	}
	key, err := j.dataKey(c.UserContext(), period)
	if saima.ErrorKind(err) == saima.KindNotFound {
		return j.s.noScores(c, period)
	}
	if err != nil {
		return err
	}

	job := j.jobFor(key, period)
	if zipped, done := job.result(); done && zipped != nil {
		return sendUnitsZip(c, period, zipped)
	}

	c.Status(http.StatusAccepted)
	return j.s.render(c, "reportjob.html", period.Label()+"各单位考评报告", "", job.page())
}

func sendUnitsZip(c *fiber.Ctx, period saima.Period, zipped []byte) error {
	c.Set(fiber.HeaderContentType, "application/zip")
	c.Set(fiber.HeaderContentDisposition, contentDisposition(
		"数字化改革赛马各单位考评报告-"+period.String()+".zip", "saima-units-"+period.String()+".zip"))
	c.Set(fiber.HeaderCacheControl, "no-store")
	return c.Send(zipped)
}

// finishedZip returns the zip of the job id of period when it has been
// built. When the job is gone, a newer job of the period has replaced it
// (see dropOlder), and that job's zip is returned instead. It returns nil
// when id is empty, or no finished zip of the period is kept.
func (j *reportJobs) finishedZip(id string, period saima.Period) []byte {
	if id == "" {
		return nil
	}
	j.mu.Lock()
	defer j.mu.Unlock()
	j.forgetOld()
	if job, ok := j.byID[id]; ok {
		if zipped, _ := job.result(); job.period == period {
			return zipped
		}
		return nil
	}
	var newest *zipJob
	for _, job := range j.byID {
		if zipped, _ := job.result(); zipped != nil && job.period == period && (newest == nil || job.seq > newest.seq) {
			newest = job
		}
	}
	if newest == nil {
		return nil
	}
	zipped, _ := newest.result()
	return zipped
}

// dataKey names the data a period's zip is built from: the period, the
// commit version of the last upload, the period's scoring run and its
// latest manual override, and the same two of the previous period. The
// upload time counts whole seconds, so it would miss a second upload in
// one second. It fails with KindNotFound when the period has no scores.
func (j *reportJobs) dataKey(ctx context.Context, period saima.Period) (string, error) {
	scores, err := j.s.store.ListScores(ctx, period)
	if err != nil {
		return "", fmt.Errorf("list scores: %w", err)
	}
	if len(scores) == 0 {
		return "", saima.Errorf(saima.KindNotFound, "%s尚无考评得分", period.Label())
	}
	version, err := j.s.store.LedgerVersion(ctx)
	if err != nil {
		return "", fmt.Errorf("read the ledger version: %w", err)
	}
	overridden, err := j.lastOverride(ctx, period)
	if err != nil {
		return "", err
	}
	prev, err := j.previousKey(ctx, period.Prev())
	if err != nil {
		return "", err
	}
	return period.String() + "|" + scores[0].RunID + "|" + strconv.FormatUint(version, 10) + "|" +
		strconv.FormatUint(overridden, 10) + "|" + prev, nil
}

// previousKey names what the movement (较上期) of a draft of the period
// after prev reads: prev's shown run and its latest manual override.
func (j *reportJobs) previousKey(ctx context.Context, prev saima.Period) (string, error) {
	scores, err := j.s.store.ListScores(ctx, prev)
	if err != nil {
		return "", fmt.Errorf("list scores: %w", err)
	}
	overridden, err := j.lastOverride(ctx, prev)
	if err != nil {
		return "", err
	}
	run := ""
	if len(scores) > 0 {
		run = scores[0].RunID
	}
	return run + "|" + strconv.FormatUint(overridden, 10), nil
}

// lastOverride returns the store version of period's latest manual
// override, or 0 when it has none or the store records none.
func (j *reportJobs) lastOverride(ctx context.Context, period saima.Period) (uint64, error) {
	svc, ok := j.s.evaluations()
	if !ok {
		return 0, nil
	}
	all, err := svc.Store.ListOverrides(ctx, period)
	if err != nil {
		return 0, fmt.Errorf("list overrides: %w", err)
	}
	var last uint64
	for _, o := range all {
		last = max(last, o.Version)
	}
	return last, nil
}

// jobFor returns the newest job for key, starting a new one when there is
// none or the last one failed.
func (j *reportJobs) jobFor(key string, period saima.Period) *zipJob {
	j.mu.Lock()
	defer j.mu.Unlock()
	j.forgetOld()
	if job, ok := j.byKey[key]; ok {
		if !job.failed() {
			return job
		}
	}

	j.seq++
	job := &zipJob{id: newJobID(), key: key, period: period, seq: j.seq}
	j.byID[job.id], j.byKey[key] = job, job
	j.wg.Add(1)
	go j.run(job)
	return job
}

// forgetOld drops jobs that finished more than jobKeep ago. The caller
// holds j.mu.
func (j *reportJobs) forgetOld() {
	for id, job := range j.byID {
		job.mu.Lock()
		old := !job.finished.IsZero() && j.s.now().Sub(job.finished) > jobKeep
		job.mu.Unlock()
		if old {
			delete(j.byID, id)
			if j.byKey[job.key] == job {
				delete(j.byKey, job.key)
			}
		}
	}
}

// dropOlder drops the finished jobs of done's period that started before
// done, whose zips were built from older data, once done has built its
// zip. Memory then holds one finished zip per period, besides those of
// older jobs that finish later, until the next newer one finishes. A job
// still running is kept, because a page may be waiting for it.
func (j *reportJobs) dropOlder(done *zipJob) {
	j.mu.Lock()
	defer j.mu.Unlock()
	for id, job := range j.byID {
		if _, finished := job.result(); finished && job.period == done.period && job.seq < done.seq {
			delete(j.byID, id)
			if j.byKey[job.key] == job {
				delete(j.byKey, job.key)
			}
		}
	}
}

// run builds job's zip once a running slot is free, and logs a failure,
// which the progress page shows.
func (j *reportJobs) run(job *zipJob) {
	defer j.wg.Done()
	select {
	case j.running <- struct{}{}:
		defer func() { <-j.running }()
	case <-j.ctx.Done():
		job.finish(nil, j.ctx.Err(), j.s.now())
		return
	}

	ctx, cancel := context.WithTimeout(j.ctx, jobTimeout)
	defer cancel()
	start := time.Now()
	zipped, err := j.build(ctx, job)
	job.finish(zipped, err, j.s.now())
	if err == nil {
		j.dropOlder(job)
	}
	if err != nil {
		j.s.log.Error("unit reports zip failed", "job_id", job.id, "period", job.period.String(), "err", err)
		return
	}
	j.s.log.Info("unit reports zip built", "job_id", job.id, "period", job.period.String(),
		"reports", job.total, "bytes", len(zipped), "duration", time.Since(start))
}

// build writes one PDF per ranked unit into a zip, in report order.
func (j *reportJobs) build(ctx context.Context, job *zipJob) ([]byte, error) {
	now := j.s.now()
	// The standing is read past the page cache, so that the zip shows the
	// overrides its key names for as long as it is kept.
	st, err := j.s.loadStanding(ctx, job.period)
	if err != nil {
		return nil, err
	}
	r := reports.RankingOf(st, now)
	q, err := reports.BuildQuarterlyRanking(ctx, j.s.reportSource(r), job.period, now, j.s.withLedger(r))
	if err != nil {
		return nil, fmt.Errorf("build quarterly report: %w", err)
	}
	q.Title = reports.QuarterlyTitle(j.s.city(ctx))
	job.setTotal(len(q.Units))

	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for i, sec := range q.Units {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		unitReport, _ := q.ForUnit(sec.Score.Unit)
		w, err := zw.CreateHeader(&zip.FileHeader{
			Name: reports.UnitFileName(i+1, len(q.Units), sec.Score.Unit), Method: zip.Deflate,
			// Windows shows the MS-DOS time, written in this zone, as it is.
			Modified: now.In(saima.Beijing),
		})
		if err != nil {
			return nil, fmt.Errorf("add %s to zip: %w", sec.Score.Unit, err)
		}
		if err := reports.WriteQuarterly(w, unitReport, j.s.fonts, j.s.log); err != nil {
			return nil, fmt.Errorf("write report of %s: %w", sec.Score.Unit, err)
		}
		job.advance()
	}
	if err := zw.Close(); err != nil {
		return nil, fmt.Errorf("close zip: %w", err)
	}
	return buf.Bytes(), nil
}

func (job *zipJob) setTotal(n int) {
	job.mu.Lock()
	defer job.mu.Unlock()
	job.total = n
}

func (job *zipJob) advance() {
	job.mu.Lock()
	defer job.mu.Unlock()
	job.done++
}

func (job *zipJob) finish(zipped []byte, err error, at time.Time) {
	job.mu.Lock()
	defer job.mu.Unlock()
	job.zip, job.err, job.finished = zipped, err, at
}

// result returns the zip and whether the job has finished.
func (job *zipJob) result() ([]byte, bool) {
	job.mu.Lock()
	defer job.mu.Unlock()
	return job.zip, !job.finished.IsZero()
}

// failed reports whether the job finished with an error.
func (job *zipJob) failed() bool {
	job.mu.Lock()
	defer job.mu.Unlock()
	return job.err != nil
}

// jobStatus is the JSON reply of GET /reports/jobs/{id}.
type jobStatus struct {
	ID       string `json:"id"`
	Period   string `json:"period"`
	State    string `json:"state"` // running, done or failed
	Percent  int    `json:"percent"`
	Done     int    `json:"done"`
	Total    int    `json:"total"`
	Message  string `json:"message,omitempty"`
	Download string `json:"download,omitempty"` // set once State is done
}

func (job *zipJob) status() jobStatus {
	job.mu.Lock()
	defer job.mu.Unlock()
	st := jobStatus{ID: job.id, Period: job.period.String(), State: "running", Done: job.done, Total: job.total}
	if job.total > 0 {
		st.Percent = 100 * job.done / job.total
	}
	switch {
	case job.err != nil:
		st.State, st.Message = "failed", "生成失败："+saima.ErrorMessage(job.err)+"。请刷新本页重新生成。"
	case !job.finished.IsZero():
		st.State, st.Percent = "done", 100
		st.Download = job.downloadURL()
	}
	return st
}

// handleStatus replies with a job's progress as JSON, or 404 for a job it
// does not know, such as one dropped jobKeep after it finished.
func (j *reportJobs) handleStatus(c *fiber.Ctx) error {
	j.mu.Lock()
	job, ok := j.byID[c.Params("id")]
	j.mu.Unlock()
	c.Set(fiber.HeaderCacheControl, "no-store")
	if !ok {
		return c.Status(http.StatusNotFound).JSON(errorBody{Error: errorDetail{
			Status: http.StatusNotFound, Kind: saima.KindNotFound.String(),
			Message: "找不到该生成任务，可能已过期，请重新发起下载",
		}})
	}
	return c.JSON(job.status())
}

// jobPage is the data of reportjob.html.
type jobPage struct {
	Period      saima.Period
	Status      jobStatus
	StatusURL   string
	DownloadURL string
}

func (job *zipJob) page() jobPage {
	return jobPage{
		Period: job.period, Status: job.status(),
		StatusURL: "/reports/jobs/" + job.id, DownloadURL: job.downloadURL(),
	}
}

// downloadURL returns the address of the job's zip.
func (job *zipJob) downloadURL() string { return unitsZipURL(job.period) + "?job=" + job.id }

// unitsZipURL returns the path of a period's zip of unit reports.
func unitsZipURL(p saima.Period) string { return "/reports/quarterly/" + p.String() + "/units.zip" }

// newJobID returns 16 random bytes in hex.
func newJobID() string {
	var b [16]byte
	rand.Read(b[:])
	return hex.EncodeToString(b[:])
}

package ingest

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"slices"
	"strings"
	"time"

	"saima"
)

// Store is the storage that the import service writes uploads to. Wrap
// clickhouse.Store with [Adapt], because its BeginUpload returns its own
// writer type.
type Store interface {
	// ListUnits returns the unit roster.
	ListUnits(ctx context.Context) ([]saima.Unit, error)

	// ListProjects returns the project ledger, for the units that own the
	// projects of milestones uploaded without a unit.
	ListProjects(ctx context.Context) ([]saima.Project, error)

	// ListMilestones returns the current milestones, each with its unit
	// (its project's unit when it was uploaded without one), so that a
	// unit's account cannot replace another unit's milestone, and the
	// office is warned when a file moves one to another unit.
	ListMilestones(ctx context.Context) ([]saima.Milestone, error)

	// ListListItems returns the current items of the work lists, which
	// done marks are checked against, each with the unit that owns it.
	ListListItems(ctx context.Context) ([]saima.ListItem, error)

	// ListProblems returns the problem list (问题清单), each entry with
	// the unit that owns it.
	ListProblems(ctx context.Context) ([]saima.ProblemItem, error)

	// ListLeaderReports returns the half-year reports of leader-led
	// projects, each with the lead unit that owns it.
	ListLeaderReports(ctx context.Context) ([]saima.LeaderReport, error)

	// FindUploadBySHA256 returns the latest upload of dataset with outcome
	// ok whose bytes hash to sha (lowercase hex), and false when there is
	// none.
	FindUploadBySHA256(ctx context.Context, dataset, sha string) (saima.Upload, bool, error)

	// BeginUpload starts writing the records of up, whose ID is set. The
	// writer records up with outcome ok when it commits, or as failed
	// when it aborts; no record of up is visible before either.
	BeginUpload(up saima.Upload) (Writer, error)

	// RecordUpload appends u, a rejected or failed upload, to the audit
	// log.
	RecordUpload(ctx context.Context, u saima.Upload) error
}

// Service validates uploaded files and writes the accepted ones. Store,
// Log, Now and NewID must be set.
type Service struct {
	Store Store
	Log   *slog.Logger
	Now   func() time.Time // the clock; the upload day is Now's date in Beijing
	NewID func() string    // returns a new unique upload ID

	// Limits bound the size of each file; the zero value takes the
	// defaults.
	Limits Limits

	// Tracks are the tracks of the configured rule set, which a roster's
	// 赛道 is checked against (see Options.Tracks). The zero value checks
	// only the spelling of the unit kinds.
	Tracks Tracks
}

// Request is one uploaded file and who sent it.
type Request struct {
	FileName string
	Body     io.Reader // the file's bytes; read to the end
	Size     int64     // the file's size in bytes for progress reports when Body cannot seek, or 0 if unknown
	Dataset  string    // see Options.Dataset; "" detects it
	Sheet    string    // see Options.Sheet
	Encoding string    // see Options.Encoding
	Uploader string    // the account that sent the file

	// Unit is the uploader's unit, or "" for the reform office. A unit
	// may upload only rows about itself, in progress reports, milestones,
	// projects, problems, list done marks and leader-led reports. The unit
	// roster, lifecycle stages, assessment scores, work lists and problem
	// steps come only from the office.
	Unit string

	// OnProgress, when set, is called as the file is read: every few
	// thousand rows and once at the end, on the goroutine that runs the
	// import.
	OnProgress func(Progress)

	// Republish marks an import whose caller publishes again every
	// published quarter that the file touches, as saima demo does.
	// The report then leaves out the warning that the published results
	// stay as they were until the office publishes again.
	Republish bool

	// Received is the day the office states that the records of an
	// import of old history were received, such as last year's half-year
	// reports loaded in one go. Nil means the upload day. Only the
	// leader-led reports record it (see Options.Received), and only the
	// office may state it.
	Received *saima.Date

	// ReceivedAsStated takes each half-year report's own 报送日期 as the
	// day it was received, for an import of old history whose reports
	// arrived on different days, such as the demo city's. Only the office
	// may set it, and not with Received.
	ReceivedAsStated bool
}

// Report is the outcome of an import or a preview.
type Report struct {
	Upload          saima.Upload // the audit record, as written (or as it would be, for a preview)
	Dataset         string
	Rows            int // data rows read
	Imported        int // records written, or that would be written
	Replaced        int // of Imported, the records that replaced stored ones; 0 for a preview
	Warnings        []Issue
	Errors          []Issue
	ErrorsOmitted   int
	WarningsOmitted int
	DryRun          bool // a preview: nothing was written

	// Duplicate is the earlier successful upload of the same bytes into
	// the same dataset, which Upload.DuplicateOf names; zero when none.
	Duplicate saima.Upload
}

// addIssues adds issues found after the file was read, such as those of
// the lifecycle or loop checks, to r under the upload's file name, each
// among the errors or the warnings by its severity. It returns how many
// are errors.
func (r *Report) addIssues(issues []Issue) int {
	errors := 0
	for _, is := range issues {
		is.File = r.Upload.FileName
		if is.Severity == SeverityWarning {
			r.Warnings = append(r.Warnings, is)
			r.Upload.Warnings++
			continue
		}
		r.Errors = append(r.Errors, is)
		r.Upload.Errors++
		errors++
	}
	return errors
}

// DuplicateText describes the earlier upload of the same bytes, such as
// 文件与此前的上传 up-1（progress.csv，2026-10-15 10:00）完全相同, or returns ""
// when there is none.
func (r *Report) DuplicateText() string {
	d := r.Duplicate
	if d.ID == "" {
		return ""
	}
	return fmt.Sprintf("文件与此前的上传 %s（%s，%s）完全相同", d.ID, d.FileName,
		d.At.In(saima.Beijing).Format("2006-01-02 15:04"))
}

// duplicateNote is DuplicateText in brackets, to follow a message.
func (r *Report) duplicateNote() string {
	if t := r.DuplicateText(); t != "" {
		return "（" + t + "）"
	}
	return ""
}

// officeOnly lists the datasets that only the reform office may upload.
var officeOnly = map[string]bool{
	saima.DatasetUnits: true,
	// The project ledger sets what a unit is scored on: its projects,
	// their planned dates and who leads or shares them. The office keeps it.
	saima.DatasetProjects:    true,
	saima.DatasetStages:      true,
	saima.DatasetAssessments: true,
	saima.DatasetLists:       true,
	// NOTE: steps name no unit, so a unit account could not be held to
	// its own problems; the office records them.
	saima.DatasetProblemSteps: true,
}

// OfficeOnly reports whether only the reform office may upload dataset,
// so that a unit's account is not offered it.
func OfficeOnly(dataset string) bool { return officeOnly[dataset] }

// Import validates the file and, when it has no errors, writes its records
// and an upload record with outcome ok. Bytes equal to an earlier ok upload
// are written again, because the latest upload wins, and
// Upload.DuplicateOf names the earlier one.
//
// A long file is written in chunks of Limits.ChunkRecords rows as it is
// read, and made visible in one commit at the end. A file with an error
// anywhere is never committed, so none of it becomes visible. Imports of
// one unit run one at a time, in the order they arrive.
//
// A file with errors is recorded as rejected; Import then returns the
// report listing every issue and a *saima.Error of kind KindInvalid. A
// unit uploading rows of another unit, or a dataset only the office may
// upload, gets KindForbidden and a report. Store failures come back
// wrapped, with their kind, and a nil report when nothing was read.
func (s *Service) Import(ctx context.Context, req Request) (*Report, error) {
	rep, err := s.run(ctx, req, false)
	return rep, outageError(req.FileName, rep, err)
}

// outageError returns err unless the database was unavailable. Then it
// returns an error of the same kind whose message also names the file and
// the upload ID, states that nothing of the file was imported and asks for
// the file again once the service is back.
func outageError(file string, rep *Report, err error) error {
	if saima.ErrorKind(err) != saima.KindUnavailable {
		return err
	}
	// The store's message may go on to ask for a retry; the first clause
	// names the cause.
	cause, _, _ := strings.Cut(saima.ErrorMessage(err), "，")
	id := ""
	if rep != nil && rep.Upload.ID != "" {
		id = "（上传编号 " + rep.Upload.ID + "）"
	}
	if errors.Is(err, saima.ErrOutcomeUnknown) && id != "" {
		return saima.Wrap(saima.KindUnavailable, fmt.Sprintf(
			"文件“%s”的导入结果未知：%s。请稍后在“上传记录”页面（/uploads）查看上传编号 %s："+
				"显示“成功”则已导入，无需重新上传；显示“写入失败”则没有导入，请重新上传该文件",
			file, cause, rep.Upload.ID), err)
	}
	return saima.Wrap(saima.KindUnavailable, fmt.Sprintf(
		"文件“%s”未能导入：%s。该文件的记录均未导入%s，请在服务恢复后重新上传该文件；如果问题持续，请联系系统管理员",
		file, cause, id), err)
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
	// NOTE: the ledger is read before the unit's import lock, and imports
	// of different units run side by side. So two units that add the same
	// new record key at once both pass the owner check, and the later
	// commit wins.
	if err := checkReceived(req, saima.DateOf(s.Now())); err != nil {
		return nil, err
	}
	l, err := s.loadLedger(ctx, req.Dataset)
	if err != nil {
		if dryRun || saima.ErrorKind(err) != saima.KindUnavailable {
			return nil, err
		}
		return s.ledgerUnavailable(ctx, log, req, err)
	}

	// The account's unit may be configured in a short form, such as 余姚.
	if name, ok := newRoster(l.units).resolve(req.Unit); ok {
		req.Unit = name
	}
	if !dryRun {
		unlock, err := importLocks.lock(ctx, req.Unit)
		if err != nil {
			return nil, fmt.Errorf("wait for the running import of unit %q: %w", req.Unit, err)
		}
		defer unlock()
	}

	now := s.Now()
	up := saima.Upload{ID: s.NewID(), Dataset: req.Dataset, Uploader: req.Uploader, Unit: req.Unit,
		At: now, FileName: req.FileName}
	b := newUploadBody(req.Body, req.Size)
	run := &importRun{s: s, ctx: ctx, log: log, unit: req.Unit, dryRun: dryRun, republish: req.Republish, up: up,
		ledger: &l}
	res, err := s.parse(req, b, l, saima.DateOf(now), run)
	if werr := run.wait(); err == nil {
		err = werr
	}
	// A body that broke off fails the upload, whatever the parser made of
	// the bytes before the break.
	sum, serr := b.sum()
	if serr != nil {
		err = serr
	}
	run.up.SHA256 = sum
	if err != nil {
		return s.parseFailed(ctx, log, run, err)
	}
	return s.finish(ctx, log, run, res)
}

// checkReceived rejects a stated received day that a unit gives or that
// is after today, the upload day.
func checkReceived(req Request, today saima.Date) error {
	switch {
	case req.Received == nil && !req.ReceivedAsStated:
		return nil
	case req.Unit != "":
		return saima.Errorf(saima.KindInvalid, "只有改革办可以为导入的历史记录指定收到日期，单位账号上传时收到日期就是上传当天")
	case req.Received != nil && req.ReceivedAsStated:
		return saima.Errorf(saima.KindInvalid, "收到日期只能指定一种：一个日期，或按每行的报送日期")
	case req.Received != nil && req.Received.After(today):
		return saima.Errorf(saima.KindInvalid, "收到日期 %s 晚于今天（%s），请填写实际收到这些记录的日期", req.Received, today)
	}
	return nil
}

// ledgerUnavailable records an upload as failed because the ledger that
// its rows are checked against could not be read, before any record was
// written. The upload ID lets the reply and the audit log name it. When
// the database cannot take the record either, the store writes it once
// the database is back.
func (s *Service) ledgerUnavailable(ctx context.Context, log *slog.Logger, req Request, cause error) (*Report, error) {
	up := saima.Upload{ID: s.NewID(), Dataset: req.Dataset, Uploader: req.Uploader, Unit: req.Unit,
		At: s.Now(), FileName: req.FileName}
	return s.reject(ctx, log, false, &Report{Upload: up, Dataset: up.Dataset}, saima.OutcomeFailed, cause)
}

// ledger is the stored data that the rows of a file are checked against.
// The records of one dataset are read only when the file may be of that
// dataset.
type ledger struct {
	units      []saima.Unit
	projects   []saima.Project
	milestones []saima.Milestone
	problems   []saima.ProblemItem
	leaders    []saima.LeaderReport
	exits      map[string]saima.Date // exit days by project code, read for progress and milestones
	filed      map[string]saima.Date // first stage days by project code, read with exits
	finished   map[string]saima.Date // days of 完成 by project code, read with exits
	listItems  []saima.ListItem      // not nil when read, because nil skips the check of done marks
}

// loadLedger reads the ledger that a file of dataset (see Options.Dataset)
// is checked against, for every dataset when it is "" or unknown, since
// the parser detects it from the header.
func (s *Service) loadLedger(ctx context.Context, dataset string) (ledger, error) {
	var l ledger
	var err error
	if l.units, err = s.Store.ListUnits(ctx); err != nil {
		return l, fmt.Errorf("list units: %w", err)
	}
	if l.projects, err = s.Store.ListProjects(ctx); err != nil {
		return l, fmt.Errorf("list projects: %w", err)
	}

	if sc := schemaFor(dataset); sc != nil {
		dataset = sc.dataset // a Chinese name such as 清单完成标注
	} else {
		dataset = ""
	}
	reads := func(datasets ...string) bool { return dataset == "" || slices.Contains(datasets, dataset) }
	if reads(saima.DatasetMilestones, saima.DatasetStages) {
		if l.milestones, err = s.Store.ListMilestones(ctx); err != nil {
			return l, fmt.Errorf("list milestones: %w", err)
		}
	}
	if reads(saima.DatasetProblems) {
		if l.problems, err = s.Store.ListProblems(ctx); err != nil {
			return l, fmt.Errorf("list problems: %w", err)
		}
	}
	if reads(saima.DatasetLeaderReports) {
		if l.leaders, err = s.Store.ListLeaderReports(ctx); err != nil {
			return l, fmt.Errorf("list leader reports: %w", err)
		}
	}
	if history, ok := s.Store.(StageHistory); ok && reads(saima.DatasetProgress, saima.DatasetMilestones) {
		// NOTE: a 完成 uploaded in the same file as milestones is not
		// seen here, so only a 完成 already stored warns milestone rows.
		events, err := history.ListStageHistory(ctx)
		if err != nil {
			return l, fmt.Errorf("list stage history: %w", err)
		}
		l.exits = saima.ExitDays(events)
		l.finished = saima.FinishDays(events)
		l.filed = map[string]saima.Date{}
		for code, life := range saima.Lifespans(events) {
			l.filed[code] = life.First
		}
	}
	if reads(saima.DatasetLists, saima.DatasetListDone) {
		if l.listItems, err = s.Store.ListListItems(ctx); err != nil {
			return l, fmt.Errorf("list work list items: %w", err)
		}
		if l.listItems == nil {
			l.listItems = []saima.ListItem{}
		}
	}
	return l, nil
}

// parse reads the body and hands its records to run chunk by chunk.
func (s *Service) parse(req Request, b *uploadBody, l ledger, today saima.Date, run *importRun) (*Result, error) {
	opts := Options{Dataset: req.Dataset, FileName: req.FileName, Sheet: req.Sheet,
		Encoding: req.Encoding, Roster: l.units, Projects: l.projects, Milestones: l.milestones,
		Problems: l.problems, LeaderReports: l.leaders, ListItems: l.listItems, Exits: l.exits, Filed: l.filed, Finished: l.finished,
		Unit: req.Unit, Today: today, Received: req.Received, ReceivedAsStated: req.ReceivedAsStated,
		Tracks:  s.Tracks,
		MaxRows: s.Limits.maxRows(), MaxXLSXBytes: s.Limits.MaxXLSXBytes, MaxTextChars: s.Limits.MaxTextChars}
	if req.OnProgress != nil {
		opts.Progress = func(rows, errors int) {
			req.OnProgress(Progress{Bytes: b.n.Load(), Size: b.size, Rows: rows, Errors: errors})
		}
	}
	return parseChunks(b, opts, s.Limits.chunkRecords(), run.emit)
}

// parseFailed reports a file that could not be read to the end, or a
// store that failed to take a chunk. Chunks written before stay invisible.
func (s *Service) parseFailed(ctx context.Context, log *slog.Logger, run *importRun, err error) (*Report, error) {
	up := run.up
	if run.dataset != "" {
		up.Dataset = run.dataset
	}
	if run.failed != nil {
		return run.fail(&Report{Upload: up, Dataset: up.Dataset, Imported: run.records}, err)
	}
	// A file that cannot be read is rejected; a body that breaks off is a
	// failed upload, which is not the file's fault.
	outcome := saima.OutcomeRejected
	if saima.ErrorKind(err) != saima.KindInvalid {
		outcome = saima.OutcomeFailed
	}
	up.Errors, up.Message = 1, saima.ErrorMessage(err)
	return s.reject(ctx, log, run.dryRun, &Report{Upload: up, Dataset: up.Dataset}, outcome, err)
}

// finish rejects a file with errors, rows the account may not upload,
// stages that break the lifecycle rules or problem steps out of the
// loop's order, and otherwise commits it. A
// rejected file's chunks may be written already; they stay invisible,
// because no upload record with outcome ok ever names them.
func (s *Service) finish(ctx context.Context, log *slog.Logger, run *importRun, res *Result) (*Report, error) {
	rep := newReport(res, run.up, run.records, run.dryRun)
	if err := checkOwner(run.unit, res.Dataset); err != nil {
		if len(res.unitSheets) > 0 {
			err = otherSheetOwnerError(res)
		}
		// The file's own errors, such as missing columns of a dataset
		// chosen by mistake or rows of other units, come after the
		// reason it cannot be taken.
		rep.Errors = append([]Issue{wholeFileIssue(rep.Upload.FileName, saima.ErrorMessage(err))}, rep.Errors...)
		rep.Upload.Errors++
		return s.reject(ctx, log, run.dryRun, rep, saima.OutcomeRejected, err)
	}
	if res.NotOwn > 0 {
		return s.reject(ctx, log, run.dryRun, rep, saima.OutcomeRejected, notOwnError(run.unit, res))
	}
	if !res.OK() {
		if res.goodBatch != nil {
			if err := s.checkGoodRows(ctx, rep, res.goodBatch, &res.gaps); err != nil {
				return s.reject(ctx, log, run.dryRun, rep, saima.OutcomeFailed, err)
			}
		}
		return s.reject(ctx, log, run.dryRun, rep, saima.OutcomeRejected, saima.Errorf(saima.KindInvalid,
			"文件有%d处错误，整个文件未导入；请按错误清单修改后重新上传", rep.Upload.Errors))
	}
	if run.lastChunk != nil {
		if err := s.checkLifecycle(ctx, rep, run.lastChunk.batch, &res.gaps); err != nil {
			return s.reject(ctx, log, run.dryRun, rep, outcomeOf(err), err)
		}
		if err := s.checkProblemSteps(ctx, rep, run.lastChunk.batch, &res.gaps); err != nil {
			return s.reject(ctx, log, run.dryRun, rep, outcomeOf(err), err)
		}
		if err := s.warnProblemList(ctx, rep, run.lastChunk.batch); err != nil {
			return nil, err
		}
	}
	if run.blanked > 0 {
		rep.addIssues([]Issue{missingColumnsIssue(rep.Upload.FileName, rep.Dataset, run.missing, run.blanked)})
	}
	rep.addIssues(run.storedIssues)
	if run.uncompared > 0 {
		rep.addIssues([]Issue{uncomparedIssue(rep.Upload.FileName, run.uncompared)})
	}
	if err := s.markDuplicate(ctx, rep); err != nil {
		return nil, err
	}
	if !run.republish {
		if err := s.warnPublished(ctx, rep, run.quarters); err != nil {
			return nil, err
		}
	}
	if run.dryRun {
		// A preview records nothing, so its upload has no outcome.
		rep.Upload.Message = fmt.Sprintf("预检通过，可导入%d条记录；这是预检，没有写入任何数据", rep.Imported) +
			rep.duplicateNote()
		return rep, nil
	}
	return run.commit(rep)
}

// checkGoodRows runs the checks of stages, problem steps and the problem
// list against the stored history on b, the good rows of a file with
// errors, so that one reply lists their issues with the row errors. gaps
// describes what the rows with errors may touch. It returns only a
// store's error.
func (s *Service) checkGoodRows(ctx context.Context, rep *Report, b *saima.Batch, gaps *orderGaps) error {
	if err := s.checkLifecycle(ctx, rep, b, gaps); err != nil && saima.ErrorKind(err) != saima.KindInvalid {
		return err
	}
	if err := s.checkProblemSteps(ctx, rep, b, gaps); err != nil && saima.ErrorKind(err) != saima.KindInvalid {
		return err
	}
	if err := s.warnProblemList(ctx, rep, b); err != nil {
		return err
	}
	rep.sortIssues()
	return nil
}

// sortIssues puts the errors and the warnings of rep in row order, after
// issues were added to those of the file, and keeps at most
// DefaultMaxErrors of each in the lists, counting the rest as omitted.
func (r *Report) sortIssues() {
	byRow := func(a, b Issue) int { return a.Row - b.Row }
	slices.SortStableFunc(r.Errors, byRow)
	slices.SortStableFunc(r.Warnings, byRow)
	if n := len(r.Errors) - DefaultMaxErrors; n > 0 {
		r.Errors, r.ErrorsOmitted = r.Errors[:DefaultMaxErrors], r.ErrorsOmitted+n
	}
	if n := len(r.Warnings) - DefaultMaxErrors; n > 0 {
		r.Warnings, r.WarningsOmitted = r.Warnings[:DefaultMaxErrors], r.WarningsOmitted+n
	}
}

// newReport returns the report of a file that was read to the end, with
// imported records handed to the store in chunks.
func newReport(res *Result, up saima.Upload, imported int, dryRun bool) *Report {
	if res.Dataset != "" {
		up.Dataset = res.Dataset
	}
	up.Rows, up.Imported = res.Rows, imported
	up.Warnings = len(res.Warnings) + res.WarningsOmitted
	up.Errors = len(res.Errors) + res.ErrorsOmitted
	return &Report{
		Upload:          up,
		Dataset:         res.Dataset,
		Rows:            res.Rows,
		Imported:        imported,
		Warnings:        res.Warnings,
		Errors:          res.Errors,
		ErrorsOmitted:   res.ErrorsOmitted,
		WarningsOmitted: res.WarningsOmitted,
		DryRun:          dryRun,
	}
}

// checkOwner returns a KindForbidden error when a unit's account uploads
// a dataset reserved for the office. The parser checks each row's unit
// (see Options.Unit).
func checkOwner(unit, dataset string) error {
	if unit != "" && officeOnly[dataset] {
		return saima.Errorf(saima.KindForbidden, "单位账号不能上传%s；请由改革办上传", schemaFor(dataset).title)
	}
	return nil
}

// otherSheetOwnerError is the reason a unit's account gets for a
// workbook whose first sheet, read because the upload named none, holds
// an office-only dataset while res.unitSheets hold datasets it may
// upload. A clerk who keeps the ledger export as the first sheet for
// reference means one of those, so the fix names the sheet to choose.
func otherSheetOwnerError(res *Result) error {
	var found []string
	for _, s := range res.unitSheets {
		found = append(found, fmt.Sprintf("工作表“%s”是%s", s.sheet, s.title))
	}
	title := schemaFor(res.Dataset).title
	return saima.Errorf(saima.KindForbidden,
		"单位账号不能上传%s，上传时没有指定工作表，读取的是第一个可见的工作表“%s”，而%s；"+
			"请在上传时的“工作表”一栏填写“%s”（命令行用 --sheet）后重新上传，%s请由改革办上传",
		title, res.Sheet, strings.Join(found, "，"), res.unitSheets[0].sheet, title)
}

// notOwnError is the reason a unit's account gets for a file with rows it
// may not upload. It says what is wrong, because a clerk who reads
// another unit's name looks for it in the unit column: rows that name
// another unit, and rows that name the account's own unit but another
// unit's project or record. The report lists each row.
func notOwnError(unit string, res *Result) error {
	var found []string
	if n := res.NamingOther; n > 0 {
		found = append(found, fmt.Sprintf("有%d行填写的单位是其他单位“%s”", n, strings.Join(res.NamedUnits, "”“")))
	}
	if n := res.TouchingOther; n > 0 {
		found = append(found, fmt.Sprintf("有%d行填写的单位是本单位，但涉及的项目或记录属于“%s”",
			n, strings.Join(res.RecordOwners, "”“")))
	}
	unknown := res.NotOwn - res.NamingOther - res.TouchingOther
	if len(found) > 0 {
		if unknown > 0 {
			found = append(found, fmt.Sprintf("有%d行里程碑没有填写责任单位，而其项目不在项目台账中", unknown))
		}
		return saima.Errorf(saima.KindForbidden, "单位账号只能上传本单位（%s）的数据，文件中%s，见错误清单；整个文件未导入",
			unit, strings.Join(found, "，"))
	}
	return saima.Errorf(saima.KindForbidden,
		"文件中有%d行里程碑没有填写责任单位，而其项目不在项目台账中，无法确认属于本单位（%s），见错误清单；"+
			"请在“责任单位”列填写本单位，或请改革办先录入这些项目；整个文件未导入", res.NotOwn, unit)
}

// markDuplicate sets rep.Duplicate and Upload.DuplicateOf when the same
// bytes were imported before into the same dataset.
func (s *Service) markDuplicate(ctx context.Context, rep *Report) error {
	prev, found, err := s.Store.FindUploadBySHA256(ctx, rep.Upload.Dataset, rep.Upload.SHA256)
	if err != nil {
		return fmt.Errorf("find upload by sha256: %w", err)
	}
	if found {
		rep.Upload.DuplicateOf, rep.Duplicate = prev.ID, prev
	}
	return nil
}

// wholeFileIssue returns the issue of a file rejected as a whole with the
// message msg. The part of msg after the first "；" becomes the fix when
// it starts with 请.
func wholeFileIssue(file, msg string) Issue {
	is := Issue{File: file, Reason: msg}
	if reason, fix, ok := strings.Cut(msg, "；"); ok && strings.HasPrefix(fix, "请") {
		is.Reason, is.Fix = reason, fix
	}
	return is
}

// reject records an upload that makes nothing visible (unless this is a
// preview) and returns the report with cause, the reason for the
// rejection.
func (s *Service) reject(ctx context.Context, log *slog.Logger, dryRun bool, rep *Report,
	outcome string, cause error) (*Report, error) {
	if stop := stopCause(ctx); stop != nil && outcome == saima.OutcomeFailed {
		cause = stop
	}
	rep.Upload.Outcome, rep.Upload.Message = outcome, saima.ErrorMessage(cause)
	rep.Upload.Imported, rep.Imported = 0, 0
	if len(rep.Errors) == 0 && rep.ErrorsOmitted == 0 {
		// A file rejected as a whole, such as one that cannot be opened or
		// a dataset the account may not upload, lists its reason as the one
		// issue, so that every reply and page shows it with the file's name.
		rep.Errors = []Issue{wholeFileIssue(rep.Upload.FileName, rep.Upload.Message)}
	}
	if rep.Upload.Errors == 0 {
		rep.Upload.Errors = 1
	}
	log.Info("upload rejected", "upload_id", rep.Upload.ID, "dataset", rep.Dataset, "outcome", outcome,
		"errors", rep.Upload.Errors, "kind", saima.ErrorKind(cause).String(), "err", cause)
	if dryRun {
		return rep, cause
	}
	// The record keeps the error and warning lists for the audit log's
	// pages, while the report carries them once, in Errors and Warnings.
	// The uploader still needs the lists when the record cannot be
	// written, so that failure is logged, not returned.
	up := rep.Upload
	up.ErrorList, up.WarningList = recordedIssues(rep.Errors), recordedIssues(rep.Warnings)
	// A cancelled import still records its outcome.
	if err := s.Store.RecordUpload(context.WithoutCancel(ctx), up); err != nil {
		log.Error("record rejected upload", "upload_id", rep.Upload.ID, "err", err)
	}
	return rep, cause
}

// stopCause returns the cause that ctx was cancelled with when it is a
// message for users (a *saima.Error), such as the web server's when it
// stops, and nil otherwise. A failure that such a cancellation caused is
// recorded and returned with that message in place of the engine's.
func stopCause(ctx context.Context) error {
	if ctx.Err() == nil {
		return nil
	}
	cause := context.Cause(ctx)
	var e *saima.Error
	if !errors.As(cause, &e) {
		return nil
	}
	return cause
}

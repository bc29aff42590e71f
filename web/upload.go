package web

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"
	"github.com/samber/lo"

	"saima"
	"saima/ingest"
)

// datasetChoice is a dataset a form may name: its ID and Chinese name.
type datasetChoice struct{ ID, Name string }

// datasetNames are the datasets a form may name, with their Chinese names.
var datasetNames = []datasetChoice{
	{saima.DatasetUnits, "单位名单"},
	{saima.DatasetProjects, "项目台账"},
	{saima.DatasetStages, "项目阶段"},
	{saima.DatasetMilestones, "里程碑"},
	{saima.DatasetProgress, "进度填报"},
	{saima.DatasetAssessments, "考评打分"},
	{saima.DatasetProblems, "问题清单"},
	{saima.DatasetLists, "清单事项"},
	{saima.DatasetListDone, "清单完成标注"},
	{saima.DatasetProblemSteps, "问题闭环环节"},
	{saima.DatasetLeaderReports, "领衔事项半年报告"},
}

// datasetName returns the Chinese name of a dataset ID, or the ID itself
// when it is unknown.
func datasetName(id string) string {
	for _, d := range datasetNames {
		if d.ID == id {
			return d.Name
		}
	}
	return id
}

// outcomeTitle names how the upload went, as the result's heading does,
// with the count of errors when there are any.
func (r *uploadJSON) outcomeTitle() string {
	switch {
	case r.Error != nil && len(r.Errors)+r.ErrorsOmitted > 0:
		return fmt.Sprintf("上传未通过（%d 处错误）", len(r.Errors)+r.ErrorsOmitted)
	case r.Error != nil:
		return "上传未通过"
	case r.DryRun:
		return "预检通过（未写入）"
	}
	return "上传成功"
}

// encodingChoices are the encodings a form may force, with a hint for
// clerks who do not know the names. An empty value means detect.
var encodingChoices = []dropOption{
	{Value: "utf-8", Text: "UTF-8（新版 Excel 的“CSV UTF-8”、JSON）"},
	{Value: "gb18030", Text: "GB18030 / GBK（WPS 或旧版 Excel 另存的 CSV）"},
	{Value: "utf-16le", Text: "UTF-16LE（Excel 的“Unicode 文本”）"},
	{Value: "utf-16be", Text: "UTF-16BE"},
}

// uploadJSON is the reply of POST /api/uploads and what upload.html shows.
type uploadJSON struct {
	DryRun  bool          `json:"dry_run"`
	Upload  *uploadRecord `json:"upload"`
	Dataset string        `json:"dataset"`
	// DatasetName is the dataset's Chinese name, as the pages show it.
	DatasetName string `json:"dataset_name,omitempty"`
	Rows        int    `json:"rows"`
	// Imported is the number of records the file yields: written by an
	// upload, or that an upload would write for a dry run, which the page
	// shows as 可导入记录. Written is the number actually written, so 0
	// for a dry run.
	Imported int `json:"imported"`
	Written  int `json:"written"`
	// Replaced is the number of imported records that replaced stored
	// ones. It is nil for a dry run, which counts none, so that a preview
	// reply has no count that reads as "nothing replaced".
	Replaced        *int         `json:"replaced,omitempty"`
	Warnings        []issueJSON  `json:"warnings"`
	Errors          []issueJSON  `json:"errors"`
	ErrorsOmitted   int          `json:"errors_omitted"`   // errors beyond the reported limit
	WarningsOmitted int          `json:"warnings_omitted"` // warnings beyond the reported limit
	Error           *errorDetail `json:"error,omitempty"`
}

// ReplacedCount returns the number of records the upload replaced, or 0
// for a dry run.
func (u *uploadJSON) ReplacedCount() int {
	if u.Replaced == nil {
		return 0
	}
	return *u.Replaced
}

// uploadRecord is the audit record of the upload, as stored.
type uploadRecord struct {
	// ID is left out for a dry run, which the upload log does not record.
	ID          string `json:"id,omitempty"`
	Dataset     string `json:"dataset"`
	Uploader    string `json:"uploader"`
	Unit        string `json:"unit"`
	At          string `json:"at"`
	FileName    string `json:"file_name"`
	SHA256      string `json:"sha256"`
	Rows        int    `json:"rows"`
	Imported    int    `json:"imported"`
	Warnings    int    `json:"warnings"`
	Errors      int    `json:"errors"`
	Outcome     string `json:"outcome"`
	Message     string `json:"message"`
	DuplicateOf string `json:"duplicate_of,omitempty"`
	// Duplicate describes the upload DuplicateOf names: its file and time.
	Duplicate string `json:"duplicate,omitempty"`
}

// issueJSON is one error or warning about the file.
type issueJSON struct {
	File    string `json:"file"`
	Sheet   string `json:"sheet,omitempty"`
	Row     int    `json:"row"`
	Column  string `json:"column"`
	Value   string `json:"value"`
	Reason  string `json:"reason"`
	Fix     string `json:"fix"`
	Message string `json:"message"` // the whole issue as one Chinese sentence
}

// uploadPage is the data of upload.html.
type uploadPage struct {
	Datasets  []datasetChoice
	Encodings []dropOption
	Form      uploadForm
	Result    *uploadJSON // nil before a file is sent
	CSRF      string      // the session's CSRF token, sent with the form

	// BodyLimit is the largest upload in bytes, and TooLarge the message
	// of the 413 reply, so that upload.js can refuse a larger file before
	// sending it.
	BodyLimit int
	TooLarge  string
}

type uploadForm struct {
	Dataset, Sheet, Encoding string
	DryRun                   bool
}

func (s *Server) handleUploadForm(c *fiber.Ctx) error {
	return s.render(c, "upload.html", "数据上传", "upload", s.newUploadPage(c, uploadForm{}))
}

func (s *Server) newUploadPage(c *fiber.Ctx, f uploadForm) uploadPage {
	datasets := datasetNames
	if who, err := s.identity(c); err == nil && who != nil && who.account.Role == saima.RoleUnit {
		// A unit's account is not offered what only the office uploads.
		datasets = lo.Filter(datasetNames, func(d datasetChoice, _ int) bool { return !ingest.OfficeOnly(d.ID) })
	}
	return uploadPage{Datasets: datasets, Encodings: encodingChoices, Form: f, CSRF: s.csrfToken(c),
		BodyLimit: s.cfg.BodyLimit, TooLarge: s.userMessage(http.StatusRequestEntityTooLarge, fiber.ErrRequestEntityTooLarge)}
}

// handleUploadPage imports the file sent by the upload form and shows the
// result on the same page, with the status the API would return.
func (s *Server) handleUploadPage(c *fiber.Ctx) error {
	form, err := uploadFields(c)
	if err != nil {
		return err
	}
	status, result, err := s.upload(c, form)
	if err != nil && result == nil {
		return err
	}
	page := s.newUploadPage(c, form)
	page.Result = result
	c.Status(status)
	// Without JavaScript the result comes on a new page. Its title, which
	// a screen reader reads first, names the outcome, and the form's
	// #result scrolls the new page to the result.
	return s.render(c, "upload.html", result.outcomeTitle()+" · 数据上传", "upload", page)
}

func (s *Server) handleUploadAPI(c *fiber.Ctx) error {
	form, err := uploadFields(c)
	if err != nil {
		return err
	}
	status, result, err := s.upload(c, form)
	if err != nil && result == nil {
		return err
	}
	return c.Status(status).JSON(result)
}

// upload runs the import or the preview and returns the status and body
// of the reply. A file that breaks the rules gets 422 and a result that
// lists every issue. A bad form field or a server failure returns an
// error and no result, for the error handler.
func (s *Server) upload(c *fiber.Ctx, form uploadForm) (int, *uploadJSON, error) {
	req, err := s.importRequest(c, form)
	if err != nil {
		return 0, nil, err
	}

	ctx, done := s.imports.track(c.UserContext())
	report, err := s.runImport(ctx, req, form.DryRun)
	done()
	status, result := uploadResult(form.DryRun, report, err)
	if context.Cause(ctx) == errServerStopped {
		// The server closes the connection after this reply, so that
		// its shutdown need not wait for the client to close it.
		c.Response().SetConnectionClose()
	}
	if status >= 500 {
		return 0, nil, err
	}
	if err != nil {
		s.logError(c, status, err)
	}
	return status, result, nil
}

// runImport imports req, or previews it when dryRun is set. A committed
// import makes the running quarter's draft due, which the server scores
// in the background after the reply.
func (s *Server) runImport(ctx context.Context, req ingest.Request, dryRun bool) (*ingest.Report, error) {
	if dryRun {
		return s.importer.Preview(ctx, req)
	}
	report, err := s.importer.Import(ctx, req)
	if err == nil {
		s.drafts.request()
	}
	return report, err
}

// uploadResult returns the status and body of the reply to an import that
// returned report and err. A file that breaks the rules gets 422 and a
// result that lists every issue. A server failure (500 and up) gets only
// the message users may see.
func uploadResult(dryRun bool, report *ingest.Report, err error) (int, *uploadJSON) {
	if err == nil {
		status := http.StatusCreated
		if dryRun {
			status = http.StatusOK
		}
		return status, newUploadJSON(dryRun, report)
	}

	// A rejected file is a well-formed request whose content breaks the
	// rules, hence 422 rather than the 400 of a bad parameter.
	status := statusOf(err)
	if saima.ErrorKind(err) == saima.KindInvalid {
		status = http.StatusUnprocessableEntity
	}
	result := newUploadJSON(dryRun, report)
	result.Error = &errorDetail{Status: status, Kind: saima.ErrorKind(err).String(), Message: saima.ErrorMessage(err)}
	return status, result
}

// importRequest checks the form and opens the uploaded file, recorded as
// sent by the signed-in account. A unit account's request is limited to
// its own unit's rows. The request's body reads the file where the
// request holds it, so it is valid only until the handler returns.
func (s *Server) importRequest(c *fiber.Ctx, form uploadForm) (ingest.Request, error) {
	uploader, unit, err := s.uploader(c)
	if err != nil {
		return ingest.Request{}, err
	}
	if form.Dataset != "" && !slices.ContainsFunc(datasetNames, func(d datasetChoice) bool {
		return d.ID == form.Dataset
	}) {
		return ingest.Request{}, invalidParam("dataset", form.Dataset, "可选值为 "+datasetIDs()+"，留空则按表头自动识别")
	}
	if form.Encoding != "" && !ingest.KnownEncoding(form.Encoding) {
		return ingest.Request{}, invalidParam("encoding", form.Encoding, "可选值为 utf-8、gb18030（GBK 文件也选它，或写 gbk）、utf-16le、utf-16be，留空则自动识别")
	}

	mp, err := uploadFormOf(c)
	if err != nil {
		return ingest.Request{}, err
	}
	body, err := mp.openFile()
	if errors.Is(err, errNoFile) {
		return ingest.Request{}, saima.Errorf(saima.KindInvalid, "请选择要上传的文件（表单字段 file）")
	} else if err != nil {
		return ingest.Request{}, fmt.Errorf("open uploaded file: %w", err)
	}

	req := ingest.Request{
		FileName: mp.fileName,
		Body:     body,
		Size:     mp.size,
		Dataset:  form.Dataset,
		Sheet:    form.Sheet,
		Encoding: form.Encoding,
		Uploader: uploader,
		Unit:     unit,
	}
	return req, nil
}

// uploadFields reads the text fields of an upload form. As with Fiber's
// FormValue, a field in the query string wins over the form's. dry_run
// is "1" or "true", in either place.
func uploadFields(c *fiber.Ctx) (uploadForm, error) {
	mp, err := uploadFormOf(c)
	if err != nil {
		return uploadForm{}, err
	}
	v := func(name string) string { return cmp.Or(c.Query(name), mp.value(name)) }
	dryRun, err := dryRunParam(v("dry_run"))
	if err != nil {
		return uploadForm{}, err
	}
	return uploadForm{Dataset: v("dataset"), Sheet: v("sheet"), Encoding: v("encoding"),
		DryRun: dryRun}, nil
}

// newUploadJSON converts the import report. The report is nil when the
// file could not be read at all.
func newUploadJSON(dryRun bool, report *ingest.Report) *uploadJSON {
	out := &uploadJSON{DryRun: dryRun, Warnings: []issueJSON{}, Errors: []issueJSON{}}
	if report == nil {
		return out
	}
	u := report.Upload
	if dryRun {
		u.ID = ""
	}
	out.Upload = &uploadRecord{
		ID: u.ID, Dataset: u.Dataset, Uploader: u.Uploader, Unit: u.Unit,
		At: u.At.In(saima.Beijing).Format(time.RFC3339), FileName: u.FileName, SHA256: u.SHA256,
		Rows: u.Rows, Imported: u.Imported, Warnings: u.Warnings, Errors: u.Errors,
		Outcome: u.Outcome, Message: u.Message, DuplicateOf: u.DuplicateOf, Duplicate: report.DuplicateText(),
	}
	out.Dataset = report.Dataset
	if out.Dataset != "" {
		out.DatasetName = datasetName(out.Dataset)
	}
	out.Rows = report.Rows
	out.Imported = report.Imported
	if !dryRun {
		out.Written = report.Imported
		replaced := report.Replaced
		out.Replaced = &replaced
	}
	out.ErrorsOmitted = report.ErrorsOmitted
	out.WarningsOmitted = report.WarningsOmitted
	for _, is := range report.Warnings {
		out.Warnings = append(out.Warnings, newIssueJSON(is))
	}
	for _, is := range report.Errors {
		out.Errors = append(out.Errors, newIssueJSON(is))
	}
	return out
}

func newIssueJSON(is ingest.Issue) issueJSON {
	return issueJSON{
		File: is.File, Sheet: is.Sheet, Row: is.Row, Column: is.Column, Value: is.Value,
		Reason: is.Reason, Fix: is.Fix, Message: is.String(),
	}
}

// dryRunParam parses the dry_run parameter: 1 or true, in any case,
// requests a preview, and an empty value, 0 or false an import. Any other
// value is an error of kind invalid, so that dry_run=yes, meant as a
// preview, is not taken for an import that writes.
func dryRunParam(v string) (bool, error) {
	switch strings.ToLower(v) {
	case "1", "true":
		return true, nil
	case "", "0", "false":
		return false, nil
	}
	return false, invalidParam("dry_run", v, "只预检不写入请填 1 或 true，导入请填 0 或 false，或不填；请改正后重新提交，本次没有写入任何数据")
}

package web

import (
	"fmt"

	"github.com/gofiber/fiber/v2"

	"saima"
	"saima/ingest"
)

// uploadsLimit is the most uploads /uploads lists at once.
const uploadsLimit = 200

// uploadsPage is the data of uploads.html.
type uploadsPage struct {
	Filter   saima.UploadFilter
	From, To string // the filter's days as the form shows them
	OwnUnit  string // the unit a unit account is limited to; empty for the office and leaders
	Units    []saima.Unit
	Outcomes []dropOption
	Uploads  []uploadRow
	Limit    int
}

// uploadRow is one upload as the page shows it.
type uploadRow struct {
	saima.Upload
	AtText, DatasetName, OutcomeLabel, ShortSHA string
}

// handleUploads lists the upload audit log. A unit account gets only the
// uploads of its own unit's accounts, whatever unit the query names.
func (s *Server) handleUploads(c *fiber.Ctx) error {
	f, page, err := uploadsFilterOf(c)
	if err != nil {
		return err
	}
	ctx := c.UserContext()
	units, err := s.store.ListUnits(ctx)
	if err != nil {
		return fmt.Errorf("list units: %w", err)
	}
	own, err := s.uploadScope(c, units)
	if err != nil {
		return err
	}
	switch {
	case own != "":
		f.Unit, page.OwnUnit = own, own
	default:
		// Uploads record their unit by its roster name.
		if f.Unit, err = s.unitParam(c, f.Unit); err != nil {
			return err
		}
	}
	ups, err := s.store.ListUploads(ctx, f)
	if err != nil {
		return fmt.Errorf("list uploads: %w", err)
	}

	page.Filter, page.Units, page.Limit = f, units, uploadsLimit
	for _, o := range saima.Outcomes {
		page.Outcomes = append(page.Outcomes, dropOption{Value: o, Text: saima.OutcomeLabel(o)})
	}
	for _, u := range ups {
		page.Uploads = append(page.Uploads, newUploadRow(u))
	}
	return s.render(c, "uploads.html", "上传记录", "uploads", page)
}

func newUploadRow(u saima.Upload) uploadRow {
	return uploadRow{Upload: u, DatasetName: datasetName(u.Dataset),
		AtText:       u.At.In(saima.Beijing).Format("2006-01-02 15:04:05"),
		OutcomeLabel: saima.OutcomeLabel(u.Outcome), ShortSHA: u.SHA256[:min(12, len(u.SHA256))]}
}

// uploadScope returns the unit, by its roster name, whose uploads the
// account of c may see: its own unit for a unit account, and "" for the
// office and leaders, who see every upload.
func (s *Server) uploadScope(c *fiber.Ctx, units []saima.Unit) (string, error) {
	who, err := s.identity(c)
	if err != nil || who == nil || who.account.Role != saima.RoleUnit {
		return "", err
	}
	// The import records an account's unit by its roster name, also when
	// the account names it in a short form.
	if name, ok := ingest.ResolveUnit(units, who.account.Unit); ok {
		return name, nil
	}
	return who.account.Unit, nil
}

// uploadErrorsPage is the data of upload_errors.html.
type uploadErrorsPage struct {
	Upload          uploadRow
	Errors          []string // each listed error as one sentence
	Omitted         int      // errors counted beyond the list
	Warnings        []string // each listed warning as one sentence
	WarningsOmitted int      // warnings counted beyond the list
	Limit           int      // the maximum number of errors, and of warnings, an upload lists
	Uploader        bool     // the account may upload, so the page links to the form
}

// handleUploadErrors shows one upload of the audit log with the error
// list it was rejected with and its warning list. A unit account may open only its own unit's
// uploads.
func (s *Server) handleUploadErrors(c *fiber.Ctx) error {
	ctx := c.UserContext()
	id := c.Params("id")
	up, found, err := s.store.FindUpload(ctx, id)
	if err != nil {
		return fmt.Errorf("find upload %s: %w", id, err)
	}
	if !found {
		return saima.Errorf(saima.KindNotFound, "没有编号为“%s”的上传记录；请在上传记录页面查找该次上传", id)
	}
	units, err := s.store.ListUnits(ctx)
	if err != nil {
		return fmt.Errorf("list units: %w", err)
	}
	own, err := s.uploadScope(c, units)
	if err != nil {
		return err
	}
	if own != "" && up.Unit != own {
		return saima.Errorf(saima.KindForbidden, "单位账号只能查看本单位（%s）账号的上传记录；其他账号的上传记录请向改革办查询", own)
	}

	page := uploadErrorsPage{Upload: newUploadRow(up), Limit: ingest.DefaultMaxErrors,
		Omitted: max(up.Errors-len(up.ErrorList), 0), WarningsOmitted: max(up.Warnings-len(up.WarningList), 0)}
	for _, e := range up.ErrorList {
		page.Errors = append(page.Errors, ingest.RecordedIssue(up.FileName, e).String())
	}
	for _, w := range up.WarningList {
		page.Warnings = append(page.Warnings, ingest.RecordedIssue(up.FileName, w).String())
	}
	if _, _, err := s.uploader(c); err == nil {
		page.Uploader = true
	}
	return s.render(c, "upload_errors.html", "上传记录 "+up.ID, "uploads", page)
}

// uploadsFilterOf reads and checks the filter in the query string.
func uploadsFilterOf(c *fiber.Ctx) (saima.UploadFilter, uploadsPage, error) {
	f := saima.UploadFilter{Unit: c.Query("unit"), Limit: uploadsLimit}
	page := uploadsPage{From: c.Query("from"), To: c.Query("to")}
	if o := c.Query("outcome"); o != "" {
		outcome, err := saima.ParseOutcome(o)
		if err != nil {
			return f, page, invalidParam("outcome", o, "可选值为 ok、rejected、failed、interrupted、started，留空则不限")
		}
		f.Outcome = outcome
	}
	for _, d := range []struct {
		name, text string
		day        *saima.Date
	}{{"from", page.From, &f.From}, {"to", page.To, &f.To}} {
		if d.text == "" {
			continue
		}
		day, err := saima.ParseDate(d.text)
		if err != nil {
			return f, page, invalidParam(d.name, d.text, "请填写日期，如 2026-10-01")
		}
		*d.day = day
	}
	return f, page, nil
}

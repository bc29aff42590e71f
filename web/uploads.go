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
	who, err := s.identity(c)
	if err != nil {
		return err
	}
	if who != nil && who.account.Role == saima.RoleUnit {
		// The import records an account's unit by its roster name, also
		// when the account names it in a short form.
		f.Unit = who.account.Unit
		if name, ok := ingest.ResolveUnit(units, f.Unit); ok {
			f.Unit = name
		}
		page.OwnUnit = f.Unit
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
		page.Uploads = append(page.Uploads, uploadRow{Upload: u, DatasetName: datasetName(u.Dataset),
			AtText:       u.At.In(saima.Beijing).Format("2006-01-02 15:04:05"),
			OutcomeLabel: saima.OutcomeLabel(u.Outcome), ShortSHA: u.SHA256[:min(12, len(u.SHA256))]})
	}
	return s.render(c, "uploads.html", "上传记录", "uploads", page)
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

package web

import (
	"fmt"
	"slices"
	"strings"

	"github.com/gofiber/fiber/v2"

	"saima"
)

// Batches are the values of the project ledger's 批次 column.
var batches = []string{"继续推进", "启动实施", "谋划设计"}

// ledgerPage is the data of ledger.html.
type ledgerPage struct {
	Filter     saima.LedgerFilter
	Units      []saima.Unit
	Systems    []string
	Stages     []string
	Batches    []string
	Entries    []ledgerRow
	StageChart *chart // projects per stage; nil when no entry matches
	Pager      pager
	PageRows   []ledgerRow // the part of Entries on the page shown
}

// ledgerPerPage is the number of projects a ledger page shows.
const ledgerPerPage = 200

// ledgerRow is one project with its overdue milestones measured on the
// filter's day.
type ledgerRow struct {
	saima.LedgerEntry
	Late      []lateMilestone
	StageDays int // days in the current stage on the filter's day; 0 without a stage
}

// ProjectURL returns the path of the row's project page.
func (r ledgerRow) ProjectURL() string { return projectURL(r.Code) }

type lateMilestone struct {
	Name    string
	Planned saima.Date
	Done    bool
	Days    int // days late on the filter's day, or when it was done
}

func (s *Server) handleLedger(c *fiber.Ctx) error {
	f, err := s.ledgerFilter(c)
	if err != nil {
		return err
	}
	ctx := c.UserContext()
	units, err := s.store.ListUnits(ctx)
	if err != nil {
		return fmt.Errorf("list units: %w", err)
	}
	entries, err := s.store.ListLedger(ctx, f)
	if err != nil {
		return fmt.Errorf("list ledger: %w", err)
	}

	page := ledgerPage{
		Filter:  f,
		Units:   units,
		Systems: saima.Systems,
		Stages:  saima.Stages,
		Batches: batches,
		Entries: ledgerRows(entries, f.AsOf),
	}
	if len(entries) > 0 {
		funnel, err := stageChart(entries, f)
		if err != nil {
			return err
		}
		page.StageChart = &funnel
	}
	if page.Pager, err = newPager(c, len(page.Entries), ledgerPerPage); err != nil {
		return err
	}
	page.PageRows = pageOf(page.Entries, page.Pager)
	return s.render(c, "ledger.html", "项目台账", "ledger", page)
}

// ledgerFilter reads the filter from the query string. Overdue is judged
// on today's Beijing date, and the unit is read by unitParam.
func (s *Server) ledgerFilter(c *fiber.Ctx) (saima.LedgerFilter, error) {
	f := saima.LedgerFilter{
		Unit:   c.Query("unit"),
		System: c.Query("system"),
		Stage:  c.Query("stage"),
		Batch:  c.Query("batch"),
		Search: c.Query("q"),
		AsOf:   saima.DateOf(s.now()),
	}
	switch overdue := c.Query("overdue"); overdue {
	case "", "0", "false":
	case "1", "true", "on":
		f.OverdueOnly = true
	default:
		return f, invalidParam("overdue", overdue, "应为 1 或 0")
	}

	checks := []struct {
		name, value string
		allowed     []string
	}{
		{"system", f.System, saima.Systems},
		{"stage", f.Stage, saima.Stages},
		{"batch", f.Batch, batches},
	}
	for _, ch := range checks {
		if ch.value != "" && !slices.Contains(ch.allowed, ch.value) {
			return f, invalidParam(ch.name, ch.value, "可选值为"+strings.Join(ch.allowed, "、"))
		}
	}
	unit, err := s.unitParam(c, f.Unit)
	f.Unit = unit
	return f, err
}

func ledgerRows(entries []saima.LedgerEntry, asOf saima.Date) []ledgerRow {
	rows := make([]ledgerRow, 0, len(entries))
	for _, e := range entries {
		row := ledgerRow{LedgerEntry: e}
		if e.StageDate != nil {
			row.StageDays = e.StageDate.DaysUntil(asOf)
		}
		for _, m := range e.Overdue {
			row.Late = append(row.Late, lateMilestone{
				Name:    m.Name,
				Planned: m.Planned,
				Done:    m.Actual != nil,
				Days:    m.DaysLate(asOf),
			})
		}
		rows = append(rows, row)
	}
	return rows
}

// stageChart draws the entries per lifecycle stage, each bar linked to
// the ledger of f and that stage.
func stageChart(entries []saima.LedgerEntry, f saima.LedgerFilter) (chart, error) {
	return stageBars("chart-stages", entries, func(stage string) string {
		f.Stage = stage
		return ledgerExportURL("/ledger", f)
	})
}

// ledgerAPI is the JSON reply of GET /api/ledger.
type ledgerAPI struct {
	AsOf    saima.Date        `json:"as_of"`
	Entries []ledgerEntryJSON `json:"entries"`
}

type ledgerEntryJSON struct {
	Code           string          `json:"code"`
	Name           string          `json:"name"`
	Unit           string          `json:"unit"`
	LeadUnit       string          `json:"lead_unit"`
	System         string          `json:"system"`
	Batch          string          `json:"batch"`
	Stage          string          `json:"stage"`
	StageDate      *saima.Date     `json:"stage_date"`
	Milestones     int             `json:"milestones"`
	MilestonesDone int             `json:"milestones_done"`
	LatestPercent  *string         `json:"latest_percent"` // decimal text, null when never reported
	LatestPeriod   *saima.Period   `json:"latest_period"`
	Overdue        []milestoneJSON `json:"overdue"`
}

type milestoneJSON struct {
	Name     string      `json:"name"`
	Planned  saima.Date  `json:"planned"`
	Actual   *saima.Date `json:"actual"`
	DaysLate int         `json:"days_late"`
}

func (s *Server) handleLedgerAPI(c *fiber.Ctx) error {
	f, err := s.ledgerFilter(c)
	if err != nil {
		return err
	}
	entries, err := s.store.ListLedger(c.UserContext(), f)
	if err != nil {
		return fmt.Errorf("list ledger: %w", err)
	}
	reply := ledgerAPI{AsOf: f.AsOf, Entries: make([]ledgerEntryJSON, 0, len(entries))}
	for _, e := range entries {
		reply.Entries = append(reply.Entries, ledgerEntryToJSON(e, f.AsOf))
	}
	return c.JSON(reply)
}

func ledgerEntryToJSON(e saima.LedgerEntry, asOf saima.Date) ledgerEntryJSON {
	j := ledgerEntryJSON{
		Code:           e.Code,
		Name:           e.Name,
		Unit:           e.Unit,
		LeadUnit:       e.LeadUnit,
		System:         e.System,
		Batch:          e.Batch,
		Stage:          e.Stage,
		StageDate:      e.StageDate,
		Milestones:     e.Milestones,
		MilestonesDone: e.MilestonesDone,
		Overdue:        []milestoneJSON{},
	}
	if e.LatestPercent.Valid {
		text := e.LatestPercent.Decimal.String()
		j.LatestPercent = &text
	}
	if !e.LatestPeriod.IsZero() {
		j.LatestPeriod = &e.LatestPeriod
	}
	for _, m := range e.Overdue {
		j.Overdue = append(j.Overdue, milestoneJSON{
			Name: m.Name, Planned: m.Planned, Actual: m.Actual, DaysLate: m.DaysLate(asOf),
		})
	}
	return j
}

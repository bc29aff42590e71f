package web

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"strconv"

	"github.com/gofiber/fiber/v2"
	"github.com/samber/lo"
	"github.com/shopspring/decimal"
	"github.com/xuri/excelize/v2"

	"saima"
)

// DefaultReminderDays is how many days ahead /reminders looks for
// milestones that fall due, when the request names no number.
const DefaultReminderDays = 14

// missingReport is a running project whose unit has not reported its
// progress for the period.
type missingReport struct {
	Unit, ProjectCode, ProjectName string
}

// dueMilestone is a milestone that is not done and falls due soon.
type dueMilestone struct {
	saima.Milestone
	DaysLeft int // days from today to the planned date, 0 for today
}

// reminders are the reminders of one day, for every unit or one.
type reminders struct {
	Period  saima.Period // the quarter whose progress reports are expected
	Days    int          // the look-ahead for milestones, in days
	Today   saima.Date
	Missing []missingReport // by unit and project
	// Previous holds the missing reports of the quarter that has just
	// ended, while its reports may still arrive, and is nil after that.
	Previous   *lateReports
	Milestones []dueMilestone // by planned date
	// LeaderReports are the half-year reports of leader-led projects
	// that are overdue or fall due within Days, by due day. Nil when the
	// store keeps no leader-led items.
	LeaderReports []dueLeaderReport
}

// dueLeaderReport is a half-year report of a leader-led project that has
// not arrived and is overdue or falls due soon.
type dueLeaderReport struct {
	Project  saima.Project
	Half     saima.HalfYear
	Due      saima.Date // the last day the report may arrive
	DaysLeft int        // days from today to Due, negative once overdue
}

// Units names the units that may send the report: the project's 责任单位
// and, when another, its 牵头单位.
func (d dueLeaderReport) Units() string {
	if d.Project.LeadUnit == "" || d.Project.LeadUnit == d.Project.Unit {
		return d.Project.Unit
	}
	return d.Project.Unit + "、" + d.Project.LeadUnit
}

// State gives the days left or overdue, such as 已逾期 3 天 or 还剩 5 天.
func (d dueLeaderReport) State() string {
	if d.DaysLeft < 0 {
		return fmt.Sprintf("已逾期 %d 天", -d.DaysLeft)
	}
	return fmt.Sprintf("还剩 %d 天", d.DaysLeft)
}

// lateReports are the missing reports of a quarter that has ended, during
// its [saima.ProgressGraceDays] days of grace.
type lateReports struct {
	Period  saima.Period
	Until   saima.Date      // the last day of the grace period
	Missing []missingReport // by unit and project
}

// Label names the quarter with the last day of its grace period.
func (l *lateReports) Label() string {
	return fmt.Sprintf("%s（补报期至 %s）", l.Period.Label(), l.Until)
}

// MissingUnits returns how many units have a report missing.
func (l *lateReports) MissingUnits() int { return countUnits(l.Missing) }

// Empty reports whether r holds nothing to remind of.
func (r *reminders) Empty() bool {
	return len(r.Missing) == 0 && len(r.Milestones) == 0 && len(r.LeaderReports) == 0 &&
		(r.Previous == nil || len(r.Previous.Missing) == 0)
}

// MissingUnits returns how many units have a report missing.
func (r *reminders) MissingUnits() int { return countUnits(r.Missing) }

func countUnits(missing []missingReport) int {
	return len(lo.UniqMap(missing, func(m missingReport, _ int) string { return m.Unit }))
}

// loadReminders reads the reminders of today for unit, or for every unit
// when unit is "". The period is the quarter that contains today: a unit
// that has sent no report on a running project in that quarter, by month
// or by quarter, is reminded. In the first [saima.ProgressGraceDays] days
// of a quarter the quarter before it is listed too, because its reports
// arrive after it ends.
//
// NOTE: early in a quarter every unit is listed, because reports usually
// come at its end; the office reads the list with that in mind.
func (s *Server) loadReminders(ctx context.Context, unit string, days int) (*reminders, error) {
	today := saima.DateOf(s.now())
	r := &reminders{Period: saima.Quarter(today.Year, int(today.Month-1)/3+1), Days: days, Today: today}
	entries, err := s.store.ListLedger(ctx, saima.LedgerFilter{Unit: unit, AsOf: today})
	if err != nil {
		return nil, fmt.Errorf("list ledger: %w", err)
	}
	if r.Missing, err = s.missingIn(ctx, r.Period, entries); err != nil {
		return nil, err
	}
	if prev, ok := saima.ReportingQuarter(today); ok {
		r.Previous = &lateReports{Period: prev, Until: prev.End().AddDays(saima.ProgressGraceDays)}
		if r.Previous.Missing, err = s.missingIn(ctx, prev, entries); err != nil {
			return nil, err
		}
	}

	milestones, err := s.store.ListMilestones(ctx)
	if err != nil {
		return nil, fmt.Errorf("list milestones: %w", err)
	}
	r.Milestones = dueMilestones(milestones, unit, today, days)

	if _, ok := s.store.(leaderStore); ok {
		items, err := s.leaderItems(ctx)
		if err != nil {
			return nil, err
		}
		r.LeaderReports = dueLeaderReports(items, unit, today, days)
	}
	return r, nil
}

// dueLeaderReports returns the half-year reports that the items owe and
// have not received, overdue or due from today to today plus days, of
// the projects that unit runs as 责任单位 or 牵头单位 (all when ""), by due
// day. Those units send the reports, so they are the ones reminded.
func dueLeaderReports(items []saima.LeaderItem, unit string, today saima.Date, days int) []dueLeaderReport {
	var out []dueLeaderReport
	for _, it := range items {
		if unit != "" && it.Project.Unit != unit && it.Project.LeadUnit != unit {
			continue
		}
		for _, h := range it.Halves {
			left := today.DaysUntil(h.Due)
			if h.Report != nil || left > days {
				continue
			}
			out = append(out, dueLeaderReport{Project: it.Project, Half: h.Half, Due: h.Due, DaysLeft: left})
		}
	}
	slices.SortStableFunc(out, func(a, b dueLeaderReport) int {
		if c := a.Due.Compare(b.Due); c != 0 {
			return c
		}
		return cmp.Compare(a.Project.Code, b.Project.Code)
	})
	return out
}

// missingIn returns the projects of entries that owe a progress report
// for quarter and have none.
func (s *Server) missingIn(ctx context.Context, quarter saima.Period, entries []saima.LedgerEntry) ([]missingReport, error) {
	reports, err := s.store.ListProgress(ctx, quarter)
	if err != nil {
		return nil, fmt.Errorf("list progress of %s: %w", quarter, err)
	}
	return missingReports(entries, reports), nil
}

// missingReports returns the projects of entries that owe a progress
// report (see [owesProgress]) and have none among reports.
func missingReports(entries []saima.LedgerEntry, reports []saima.ProgressReport) []missingReport {
	reported := map[[2]string]bool{}
	for _, p := range reports {
		reported[[2]string{p.Unit, p.ProjectCode}] = true
	}
	var out []missingReport
	for _, e := range entries {
		if !owesProgress(e) || reported[[2]string{e.Unit, e.Code}] {
			continue
		}
		out = append(out, missingReport{Unit: e.Unit, ProjectCode: e.Code, ProjectName: e.Name})
	}
	slices.SortStableFunc(out, func(a, b missingReport) int {
		if a.Unit != b.Unit {
			return cmp.Compare(a.Unit, b.Unit)
		}
		return cmp.Compare(a.ProjectCode, b.ProjectCode)
	})
	return out
}

// owesProgress reports whether the unit of e owes quarterly progress
// reports on it. Reports are owed from 实施, or from the first report when
// that came earlier. They stop once the latest report reaches 100% or the
// project ends at 退出 or 完成.
func owesProgress(e saima.LedgerEntry) bool {
	switch {
	case e.Stage == "退出" || e.Stage == "完成":
		return false
	case e.LatestPercent.Valid:
		return e.LatestPercent.Decimal.LessThan(hundred)
	}
	return e.Stage == "实施" || e.Stage == "评估"
}

var hundred = decimal.NewFromInt(100)

// dueMilestones returns the milestones of unit (all when "") that are not
// done and planned from today to today plus days, soonest first.
func dueMilestones(ms []saima.Milestone, unit string, today saima.Date, days int) []dueMilestone {
	var out []dueMilestone
	for _, m := range ms {
		left := today.DaysUntil(m.Planned)
		if m.Actual != nil || m.ClosedByExit() || left < 0 || left > days || (unit != "" && m.Unit != unit) {
			continue
		}
		out = append(out, dueMilestone{Milestone: m, DaysLeft: left})
	}
	slices.SortStableFunc(out, func(a, b dueMilestone) int { return a.Planned.Compare(b.Planned) })
	return out
}

// reminderDays reads ?days=, from 1 to 366; empty is DefaultReminderDays.
func reminderDays(c *fiber.Ctx) (int, error) {
	v := c.Query("days")
	if v == "" {
		return DefaultReminderDays, nil
	}
	n, err := strconv.Atoi(v)
	if err != nil || n < 1 || n > 366 {
		return 0, invalidParam("days", v, "应为1至366之间的天数")
	}
	return n, nil
}

func (s *Server) handleReminders(c *fiber.Ctx) error {
	days, err := reminderDays(c)
	if err != nil {
		return err
	}
	r, err := s.loadReminders(c.UserContext(), "", days)
	if err != nil {
		return err
	}
	return s.render(c, "reminders.html", "督办提醒", "reminders", r)
}

// handleRemindersXLSX sends the reminders as a workbook with one sheet for
// missing reports and one for milestones due.
func (s *Server) handleRemindersXLSX(c *fiber.Ctx) error {
	days, err := reminderDays(c)
	if err != nil {
		return err
	}
	r, err := s.loadReminders(c.UserContext(), "", days)
	if err != nil {
		return err
	}
	f := excelize.NewFile()
	err = writeReminders(f, r)
	if err == nil {
		title := fmt.Sprintf("督办提醒（%s）", r.Today)
		err = setWorkbookProps(f, title, "", nil, s.now())
	}
	if err != nil {
		f.Close()
		return err
	}
	name := fmt.Sprintf("督办提醒_%s.xlsx", r.Today)
	return sendWorkbook(c, f, name, fmt.Sprintf("reminders_%s.xlsx", r.Today))
}

func writeReminders(f *excelize.File, r *reminders) error {
	missing, err := newSheet(f, "未填报进度", []string{"单位", "项目编号", "项目名称", "填报期间"},
		[]float64{24, 16, 36, 32})
	if err != nil {
		return err
	}
	for _, m := range r.Missing {
		if err := missing.add(m.Unit, m.ProjectCode, m.ProjectName, r.Period.Label()); err != nil {
			return err
		}
	}
	if r.Previous != nil {
		for _, m := range r.Previous.Missing {
			if err := missing.add(m.Unit, m.ProjectCode, m.ProjectName, r.Previous.Label()); err != nil {
				return err
			}
		}
	}
	// The header names the day the days count from, because the file
	// outlives the day it was exported.
	left := "剩余天数（自" + r.Today.String() + "起算）"
	due, err := addSheet(f, "即将到期里程碑", []string{"责任单位", "项目编号", "里程碑", "计划完成日期", left},
		[]float64{24, 16, 30, 14, 16})
	if err != nil {
		return err
	}
	for _, m := range r.Milestones {
		if err := due.add(m.Unit, m.ProjectCode, m.Name, m.Planned.String(), m.DaysLeft); err != nil {
			return err
		}
	}
	leader, err := addSheet(f, "领衔事项半年报告", []string{"报送单位", "项目编号", "项目名称", "领衔领导", "半年度",
		"报送截止日期", "剩余天数（自" + r.Today.String() + "起算，负数为已逾期）"}, []float64{30, 16, 36, 12, 14, 14, 24})
	if err != nil {
		return err
	}
	for _, d := range r.LeaderReports {
		if err := leader.add(d.Units(), d.Project.Code, d.Project.Name, d.Project.Leader, d.Half.Label(),
			d.Due.String(), d.DaysLeft); err != nil {
			return err
		}
	}
	return nil
}

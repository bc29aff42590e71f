package web

import (
	"context"
	"fmt"
	"net/http"
	"strconv"
	"strings"

	"github.com/gofiber/fiber/v2"
	"github.com/samber/lo"

	"saima"
)

// leaderStore is the part of the store that /leaders reads beyond
// [Store]. clickhouse.Store implements it.
type leaderStore interface {
	ListProjects(ctx context.Context) ([]saima.Project, error)
	ListLeaderReports(ctx context.Context) ([]saima.LeaderReport, error)
	ListStageHistory(ctx context.Context, codes ...string) ([]saima.StageEvent, error)
}

// leadersPage is the data of leaders.html.
type leadersPage struct {
	Items       []saima.LeaderItem
	Overdue     int // overdue half-year reports in all
	Late        int // reports submitted after their due day
	Unconfirmed int // reports not confirmed yet
	CanConfirm  bool
	CSRF        string
	Confirmed   bool // a report was just confirmed
	GraceDays   int

	Rows     []leaderRow // one per half year of each item
	Pager    pager
	PageRows []leaderRow // the part of Rows on the page shown
}

// leaderRow is one half year of a leader-led project, a row of /leaders.
type leaderRow struct {
	Project saima.Project
	saima.LeaderHalf
}

// leaderRowsPerPage is the number of half years a page of /leaders lists.
const leaderRowsPerPage = 200

func (s *Server) handleLeaders(c *fiber.Ctx) error {
	items, err := s.leaderItems(c.UserContext())
	if err != nil {
		return err
	}
	page := leadersPage{Items: items, CanConfirm: s.isOffice(c), CSRF: s.csrfToken(c),
		Confirmed: c.Query("confirmed") == "1", GraceDays: saima.LeaderReportGraceDays}
	for _, it := range items {
		page.Overdue += it.OverdueCount()
		page.Late += lo.CountBy(it.Halves, func(h saima.LeaderHalf) bool { return h.DaysLate() > 0 })
		page.Unconfirmed += lo.CountBy(it.Halves, func(h saima.LeaderHalf) bool {
			return h.Report != nil && h.Report.Confirmed == nil
		})
		for _, h := range it.Halves {
			page.Rows = append(page.Rows, leaderRow{Project: it.Project, LeaderHalf: h})
		}
	}
	if page.Pager, err = newPager(c, len(page.Rows), leaderRowsPerPage); err != nil {
		return err
	}
	page.PageRows = pageOf(page.Rows, page.Pager)
	return s.render(c, "leaders.html", "领导领衔事项", "leaders", page)
}

// leaderItems reads the leader-led projects and their reports, judged on
// today's Beijing date.
func (s *Server) leaderItems(ctx context.Context) ([]saima.LeaderItem, error) {
	ls, ok := s.store.(leaderStore)
	if !ok {
		return nil, saima.Errorf(saima.KindUnavailable, "当前数据库不支持领导领衔事项功能")
	}
	projects, err := ls.ListProjects(ctx)
	if err != nil {
		return nil, fmt.Errorf("list projects: %w", err)
	}
	reports, err := ls.ListLeaderReports(ctx)
	if err != nil {
		return nil, fmt.Errorf("list leader reports: %w", err)
	}
	history, err := ls.ListStageHistory(ctx)
	if err != nil {
		return nil, fmt.Errorf("list stage history: %w", err)
	}
	today := saima.DateOf(s.now())
	return saima.BuildLeaderItems(projects, reports, history, saima.HalfYearOf(today), today), nil
}

// handleLeaderConfirm records that the leader's office confirmed a
// half-year report: the report is written again, unchanged, with the
// confirming account and today's date. A half year that has not started
// is rejected.
func (s *Server) handleLeaderConfirm(c *fiber.Ctx) error {
	code := strings.TrimSpace(c.FormValue("project_code"))
	half, err := saima.ParseHalfYear(c.FormValue("half"))
	if err != nil {
		return invalidParam("half", c.FormValue("half"), "应为2026H1格式的半年度")
	}
	if !half.Start().InLedgerRange() {
		return invalidParam("half", c.FormValue("half"), saima.LedgerYearsHint)
	}
	// A report on a half year not yet started was stored before uploads
	// were checked for it, and has nothing to report.
	today := saima.DateOf(s.now())
	if half.Start().After(today) {
		return saima.Errorf(saima.KindInvalid, "%s还没有开始（今天是%s），不能确认该半年度的报告；请让牵头单位在该半年度开始后重新报送",
			half.Label(), today)
	}
	rep, err := s.findLeaderReport(c.UserContext(), code, half)
	if err != nil {
		return err
	}
	if rep.Confirmed != nil {
		return saima.Errorf(saima.KindConflict, "项目“%s”%s的报告已于%s确认", code, half.Label(), rep.Confirmed)
	}
	who, err := s.identity(c)
	if err != nil {
		return err
	}
	if who == nil {
		return saima.Errorf(saima.KindForbidden, "请先登录")
	}
	rep.ConfirmedBy, rep.Confirmed = who.account.Name, &today
	message := fmt.Sprintf("网页确认半年报告：项目“%s”%s", code, half.Label())
	err = s.writeFormRecord(c, saima.DatasetLeaderReports, message, &saima.Batch{LeaderReports: []saima.LeaderReport{rep}})
	if err != nil {
		return fmt.Errorf("write leader report: %w", err)
	}
	s.log.Info("leader report confirmed", "project", code, "half", half.String(), "account", who.account.Name)
	return c.Redirect(confirmedURL(c.FormValue("page")), http.StatusSeeOther)
}

// confirmedURL returns the page of /leaders to go back to after a
// confirmation: the page the form was sent from, or the first page when
// page is not a page number.
func confirmedURL(page string) string {
	if n, err := strconv.Atoi(page); err == nil && n > 1 {
		return "/leaders?confirmed=1&page=" + strconv.Itoa(n)
	}
	return "/leaders?confirmed=1"
}

// findLeaderReport returns the report of project code for half, or a
// KindNotFound error.
func (s *Server) findLeaderReport(ctx context.Context, code string, half saima.HalfYear) (saima.LeaderReport, error) {
	ls, ok := s.store.(leaderStore)
	if !ok {
		return saima.LeaderReport{}, saima.Errorf(saima.KindUnavailable, "当前数据库不支持领导领衔事项功能")
	}
	reports, err := ls.ListLeaderReports(ctx)
	if err != nil {
		return saima.LeaderReport{}, fmt.Errorf("list leader reports: %w", err)
	}
	for _, r := range reports {
		if r.ProjectCode == code && r.Half == half {
			return r, nil
		}
	}
	return saima.LeaderReport{}, saima.Errorf(saima.KindNotFound,
		"项目“%s”没有%s的半年报告，不能确认；请核对项目编号和半年度，或请牵头单位先上传该半年度的领衔事项半年报告",
		code, half.Label())
}

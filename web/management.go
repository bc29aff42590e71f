package web

import (
	"fmt"
	"slices"
	"strconv"

	"github.com/gofiber/fiber/v2"
	"github.com/samber/lo"
	"github.com/shopspring/decimal"

	"saima"
)

// ExitRules decide which projects /management lists as exit candidates.
type ExitRules struct {
	// OverdueDays is how many days a milestone may be past its planned
	// date, not done, before its project is a candidate. So may the
	// project's own 计划完成日期 before it reaches 评估.
	OverdueDays int

	// Gap is how many percentage points the latest reported completion
	// may fall below plan before the project counts as ineffective. Plan
	// is the share of the days from start to due date that had passed at
	// the end of the reported period, or by today while it runs.
	Gap float64
}

// DefaultExitRules returns the rules /management uses when the request
// names none: a milestone 90 days overdue, or completion 30 points below
// plan.
func DefaultExitRules() ExitRules { return ExitRules{OverdueDays: 90, Gap: 30} }

// exitCandidate is a project that the office may decide to let go.
type exitCandidate struct {
	saima.LedgerEntry
	Reasons []string
}

// ProjectURL returns the path of the candidate's project page.
func (e exitCandidate) ProjectURL() string { return projectURL(e.Code) }

// exitCandidates returns the running projects that break rules on day
// asOf, in ledger order. Projects already at 退出 or 完成 are left out.
func exitCandidates(entries []saima.LedgerEntry, rules ExitRules, asOf saima.Date) []exitCandidate {
	var out []exitCandidate
	for _, e := range entries {
		if e.Stage == "退出" || e.Stage == "完成" {
			continue
		}
		var reasons []string
		for _, m := range e.Overdue {
			if m.Actual == nil && m.DaysLate(asOf) > rules.OverdueDays {
				reasons = append(reasons, fmt.Sprintf("里程碑“%s”已逾期 %d 天", m.Name, m.DaysLate(asOf)))
			}
		}
		if days := daysPastDue(e, asOf); days > rules.OverdueDays {
			reasons = append(reasons, fmt.Sprintf("计划完成日期 %s 已过 %d 天，尚未评估", e.DueDate, days))
		}
		if gap, ok := completionGap(e, asOf); ok && gap > rules.Gap {
			plan := "计划"
			if asOf.Before(e.LatestPeriod.End()) {
				plan = "截至" + asOf.String() + "的计划"
			}
			reasons = append(reasons, fmt.Sprintf("%s完成率 %s%%，低于%s %s 个百分点",
				e.LatestPeriod.Label(), e.LatestPercent.Decimal.Round(1), plan, decimal.NewFromFloat(gap).Round(1)))
		}
		if len(reasons) > 0 {
			out = append(out, exitCandidate{LedgerEntry: e, Reasons: reasons})
		}
	}
	return out
}

// daysPastDue returns how many days before asOf the project's 计划完成日期
// passed while it has not reached 评估, since a project is judged when it
// falls due (到点评估). It returns 0 for a project without a due date,
// one not yet due, and one at 评估 or later.
func daysPastDue(e saima.LedgerEntry, asOf saima.Date) int {
	if e.DueDate == nil || saima.StageRank(saima.CountedStage(e.Stage)) >= saima.StageRank("评估") {
		return 0
	}
	return max(e.DueDate.DaysUntil(asOf), 0)
}

// completionGap returns how many points the latest completion is below
// plan, and false when the project lacks a percent or its dates. The plan
// is judged at the end of the reported period, or on asOf while that
// period runs, because a report sent during its period cannot be held to
// the days still to come.
func completionGap(e saima.LedgerEntry, asOf saima.Date) (float64, bool) {
	if !e.LatestPercent.Valid || e.StartDate == nil || e.DueDate == nil || e.LatestPeriod.IsZero() {
		return 0, false
	}
	total := e.StartDate.DaysUntil(*e.DueDate)
	if total <= 0 {
		return 0, false
	}
	judged := e.LatestPeriod.End()
	if asOf.Before(judged) {
		judged = asOf
	}
	elapsed := min(max(e.StartDate.DaysUntil(judged), 0), total)
	plan := 100 * float64(elapsed) / float64(total)
	return plan - e.LatestPercent.Decimal.InexactFloat64(), true
}

// yearBatch returns the batch a project belongs to in year: 继续推进 when
// it started in an earlier year, 启动实施 when it starts in year, and
// 谋划设计 when it has no start date yet or starts later. It returns "" for
// a project whose lifespan does not overlap year (see
// [saima.Lifespan.Overlaps]): one without a stage event by the year's
// end, or one that exited or was finished before the year began. life is
// nil for a project without any stage event.
func yearBatch(e saima.LedgerEntry, life *saima.Lifespan, year int) string {
	if life == nil || !life.Overlaps(saima.NewDate(year, 1, 1), saima.NewDate(year, 12, 31)) {
		return ""
	}
	switch {
	case e.StartDate == nil || e.StartDate.Year > year:
		return "谋划设计"
	case e.StartDate.Year < year:
		return "继续推进"
	}
	return "启动实施"
}

// lifespanOf returns the lifespan of e's project in lives, or nil when it
// has none.
func lifespanOf(lives map[string]saima.Lifespan, e saima.LedgerEntry) *saima.Lifespan {
	if l, ok := lives[e.Code]; ok {
		return &l
	}
	return nil
}

// managementPage is the data of management.html.
type managementPage struct {
	Year       int
	Years      []int
	Batch      string
	Batches    []string
	Counts     []batchCount
	Projects   []ledgerRow
	Rules      ExitRules
	Candidates []exitCandidate
	Exits      []saima.StageEvent // recorded 退出 decisions, newest first
	AsOf       saima.Date

	// The pages shown of the three lists above, each with a query
	// parameter of its own: page, candidates_page and exits_page.
	ProjectPager, CandidatePager, ExitPager pager
	PageProjects                            []ledgerRow
	PageCandidates                          []exitCandidate
	PageExits                               []saima.StageEvent
}

// managementPerPage is the number of rows each list of /management shows
// on one page.
const managementPerPage = 200

// batchCount is the number of projects per batch in one year.
type batchCount struct {
	Year   int
	Counts []int // in the order of batches
	Total  int
}

func (s *Server) handleManagement(c *fiber.Ctx) error {
	asOf := saima.DateOf(s.now())
	page := managementPage{Year: asOf.Year, Batches: batches, AsOf: asOf}
	if err := readManagementQuery(c, &page); err != nil {
		return err
	}
	ws, err := s.workflow()
	if err != nil {
		return err
	}
	entries, err := s.store.ListLedger(c.UserContext(), saima.LedgerFilter{AsOf: asOf})
	if err != nil {
		return fmt.Errorf("list ledger: %w", err)
	}
	history, err := ws.ListStageHistory(c.UserContext())
	if err != nil {
		return fmt.Errorf("list stage history: %w", err)
	}
	// Events of a code off the ledger, stored before uploads checked the
	// code, belong to no project the page shows, as in the reports.
	onLedger := lo.SliceToMap(entries, func(e saima.LedgerEntry) (string, bool) { return e.Code, true })
	history = lo.Filter(history, func(e saima.StageEvent, _ int) bool { return onLedger[e.ProjectCode] })

	lives := saima.Lifespans(history)
	page.Years = ledgerYears(entries, lives, asOf.Year)
	page.Counts = countBatches(entries, lives, page.Years)
	page.Projects = yearProjects(entries, lives, page.Year, page.Batch, asOf)
	page.Candidates = exitCandidates(entries, page.Rules, asOf)
	page.Exits = recordedExits(history)
	if err := pageManagement(c, &page); err != nil {
		return err
	}
	return s.render(c, "management.html", "动态管理", "management", page)
}

// pageManagement picks the page shown of each of the page's lists.
func pageManagement(c *fiber.Ctx, page *managementPage) error {
	var err error
	if page.ProjectPager, err = newPagerOf(c, "page", len(page.Projects), managementPerPage); err != nil {
		return err
	}
	if page.CandidatePager, err = newPagerOf(c, "candidates_page", len(page.Candidates), managementPerPage); err != nil {
		return err
	}
	if page.ExitPager, err = newPagerOf(c, "exits_page", len(page.Exits), managementPerPage); err != nil {
		return err
	}
	page.PageProjects = pageOf(page.Projects, page.ProjectPager)
	page.PageCandidates = pageOf(page.Candidates, page.CandidatePager)
	page.PageExits = pageOf(page.Exits, page.ExitPager)
	return nil
}

// readManagementQuery reads year, batch, overdue_days and gap.
func readManagementQuery(c *fiber.Ctx, page *managementPage) error {
	page.Rules = DefaultExitRules()
	if v := c.Query("year"); v != "" {
		y, err := yearParam("year", v)
		if err != nil {
			return err
		}
		page.Year = y
	}
	if v := c.Query("batch"); v != "" && !slices.Contains(batches, v) {
		return invalidParam("batch", v, "可选值为继续推进、启动实施、谋划设计")
	}
	page.Batch = c.Query("batch")
	if v := c.Query("overdue_days"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 0 {
			return invalidParam("overdue_days", v, "应为不小于0的整数天数")
		}
		page.Rules.OverdueDays = n
	}
	if v := c.Query("gap"); v != "" {
		g, err := strconv.ParseFloat(v, 64)
		if err != nil || g < 0 || g > 100 {
			return invalidParam("gap", v, "应为0至100之间的百分点")
		}
		page.Rules.Gap = g
	}
	return nil
}

// ledgerYears returns, newest first, the years from the earliest first
// stage event to thisYear, and of the later years those in which a
// project starts or is due. Between such years nothing changes but the
// projection, so a project due in 2098 adds one year, not seventy alike.
func ledgerYears(entries []saima.LedgerEntry, lives map[string]saima.Lifespan, thisYear int) []int {
	first := thisYear
	for _, l := range lives {
		first = min(first, l.First.Year)
	}
	var years []int
	for y := first; y <= thisYear; y++ {
		years = append(years, y)
	}
	for _, e := range entries {
		for _, d := range []*saima.Date{e.StartDate, e.DueDate} {
			if d != nil && d.Year > thisYear {
				years = append(years, d.Year)
			}
		}
	}
	slices.Sort(years)
	years = slices.Compact(years)
	slices.Reverse(years)
	return years
}

func countBatches(entries []saima.LedgerEntry, lives map[string]saima.Lifespan, years []int) []batchCount {
	out := make([]batchCount, 0, len(years))
	for _, y := range years {
		bc := batchCount{Year: y, Counts: make([]int, len(batches))}
		for _, e := range entries {
			if i := slices.Index(batches, yearBatch(e, lifespanOf(lives, e), y)); i >= 0 {
				bc.Counts[i]++
				bc.Total++
			}
		}
		out = append(out, bc)
	}
	return out
}

func yearProjects(entries []saima.LedgerEntry, lives map[string]saima.Lifespan, year int, batch string,
	asOf saima.Date) []ledgerRow {
	picked := lo.FilterMap(entries, func(e saima.LedgerEntry, _ int) (saima.LedgerEntry, bool) {
		e.Batch = yearBatch(e, lifespanOf(lives, e), year)
		return e, e.Batch != "" && (batch == "" || e.Batch == batch)
	})
	return ledgerRows(picked, asOf)
}

// recordedExits returns the 退出 events of history, newest first.
func recordedExits(history []saima.StageEvent) []saima.StageEvent {
	var out []saima.StageEvent
	for _, e := range history {
		if e.Stage == "退出" {
			out = append(out, e)
		}
	}
	slices.SortStableFunc(out, func(a, b saima.StageEvent) int { return b.Date.Compare(a.Date) })
	return out
}

package web

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"github.com/gofiber/fiber/v2"

	"saima"
	"saima/ingest"
)

// workflowStore is what the workflow pages need beyond [Store].
// clickhouse.Store implements it; a store without it makes those pages
// reply 503.
type workflowStore interface {
	ListProjects(ctx context.Context) ([]saima.Project, error)
	ListStageHistory(ctx context.Context, codes ...string) ([]saima.StageEvent, error)
	WriteBatch(ctx context.Context, b *saima.Batch) error
}

// workflow returns the store as a workflowStore.
func (s *Server) workflow() (workflowStore, error) {
	ws, ok := s.store.(workflowStore)
	if !ok {
		return nil, saima.Errorf(saima.KindUnavailable, "当前数据库不支持台账流程功能")
	}
	return ws, nil
}

// projectPage is the data of project.html.
type projectPage struct {
	Project  saima.Project
	History  []saima.StageEvent
	Current  *saima.StageEvent // the latest event; nil when none is recorded
	Days     int               // days since Current, on today's Beijing date
	Form     stageForm
	Issues   []ingest.Issue // why the submitted form was rejected
	CanEdit  bool           // the office may record stage events
	Kinds    []string       // stage kinds the form offers
	Recorded bool           // a stage event was just recorded
	Replaced bool           // and it replaced the event of the same stage and round
	CSRF     string         // the session's CSRF token for the form

	// Withdrawn is set just after the latest record was withdrawn.
	Withdrawn bool
	// WithdrawError is why the withdrawal form was rejected, and
	// WithdrawReason is the reason typed into it.
	WithdrawError, WithdrawReason string

	// OpenMilestones are the project's milestones without an actual day
	// when Current is 完成. They stay open and count as overdue once due,
	// so the page warns about them. Today is today's Beijing date, which
	// marks the overdue ones.
	OpenMilestones []saima.Milestone
	Today          saima.Date
}

// Invalid reports whether an issue of the rejected form names the field
// labelled column, such as 日期, so that the page marks that field.
func (p *projectPage) Invalid(column string) bool {
	return slices.ContainsFunc(p.Issues, func(i ingest.Issue) bool { return i.Column == column })
}

// FormAction returns the path the stage form posts to.
func (p *projectPage) FormAction() string { return projectURL(p.Project.Code) + "/stages" }

// WithdrawAction returns the path the withdrawal form posts to.
func (p *projectPage) WithdrawAction() string { return projectURL(p.Project.Code) + "/stages/withdraw" }

// projectURL returns the path of a project's page.
func projectURL(code string) string { return "/projects/" + url.PathEscape(code) }

// stageForm is the office's form to record a stage event, as submitted.
type stageForm struct {
	Stage, Date, DecidedBy, Opinion, Documents string
	Round, ChangeItem, ChangeReason            string
	Accountability                             string
}

// fields returns each field of the form with the label that the page
// and its errors give it.
func (f stageForm) fields() []struct{ label, value string } {
	return []struct{ label, value string }{
		{"阶段", f.Stage}, {"日期", f.Date}, {"决策主体", f.DecidedBy}, {"轮次", f.Round},
		{"意见", f.Opinion}, {"文件", f.Documents}, {"变更事项", f.ChangeItem},
		{"变更原因", f.ChangeReason}, {"问责情况", f.Accountability},
	}
}

// formKinds are the kinds of event the form records.
var formKinds = append(slices.Clone(saima.Stages), saima.StageChange)

func (s *Server) handleProject(c *fiber.Ctx) error {
	page, err := s.loadProjectPage(c)
	if err != nil {
		return err
	}
	page.Recorded = c.Query("recorded") == "1"
	page.Replaced = page.Recorded && c.Query("replaced") == "1"
	page.Withdrawn = c.Query("withdrawn") == "1"
	return s.render(c, "project.html", page.Project.Name, "ledger", page)
}

// loadProjectPage reads the project named in the path and its history.
func (s *Server) loadProjectPage(c *fiber.Ctx) (*projectPage, error) {
	code, err := url.PathUnescape(c.Params("code"))
	if err != nil {
		return nil, invalidParam("项目编号", c.Params("code"), "地址中的项目编号编码有误")
	}
	ws, err := s.workflow()
	if err != nil {
		return nil, err
	}
	project, err := findProject(c.UserContext(), ws, code)
	if err != nil {
		return nil, err
	}
	history, err := ws.ListStageHistory(c.UserContext(), code)
	if err != nil {
		return nil, fmt.Errorf("list stage history: %w", err)
	}

	page := &projectPage{Project: project, History: history, Kinds: formKinds, CanEdit: s.isOffice(c),
		CSRF: s.csrfToken(c)}
	if cur := currentStage(history); cur != nil {
		page.Current = cur
		page.Days = cur.Date.DaysUntil(saima.DateOf(s.now()))
	}
	page.Today = saima.DateOf(s.now())
	if page.Current != nil && page.Current.Stage == saima.StageFinish {
		milestones, err := s.store.ListMilestones(c.UserContext())
		if err != nil {
			return nil, fmt.Errorf("list milestones: %w", err)
		}
		page.OpenMilestones = saima.OpenMilestones(milestones, code)
	}
	page.Form.Date = saima.DateOf(s.now()).String()
	return page, nil
}

// findProject returns the project with code, or a KindNotFound error.
func findProject(ctx context.Context, ws workflowStore, code string) (saima.Project, error) {
	projects, err := ws.ListProjects(ctx)
	if err != nil {
		return saima.Project{}, fmt.Errorf("list projects: %w", err)
	}
	for _, p := range projects {
		if p.Code == code {
			return p, nil
		}
	}
	return saima.Project{}, saima.Errorf(saima.KindNotFound, "项目台账中没有编号为“%s”的项目", code)
}

// currentStage returns the latest event of history, on the same day the
// later one in the lifecycle (see saima.CompareStageEvents), or nil.
func currentStage(history []saima.StageEvent) *saima.StageEvent {
	var cur *saima.StageEvent
	for i := range history {
		e := &history[i]
		if cur == nil || saima.CompareStageEvents(*e, *cur) > 0 {
			cur = e
		}
	}
	return cur
}

// isOffice reports whether the signed-in account is the reform office.
func (s *Server) isOffice(c *fiber.Ctx) bool {
	who, err := s.identity(c)
	return err == nil && who != nil && who.account.Role == saima.RoleOffice
}

// handleStageForm records a stage event that the office entered, after the
// same lifecycle checks as an upload. A rule break shows the page again
// with the issues and status 422.
func (s *Server) handleStageForm(c *fiber.Ctx) error {
	page, err := s.loadProjectPage(c)
	if err != nil {
		return err
	}
	page.Form = readStageForm(c)
	event, issues := page.Form.event(page.Project.Code, page.History, saima.DateOf(s.now()))
	if len(issues) == 0 {
		issues = ingest.CheckLifecycle(page.History, []saima.StageEvent{event},
			map[string]string{page.Project.Code: page.Project.LeadUnit})
	}
	if len(issues) > 0 {
		page.Issues = issues
		c.Status(http.StatusUnprocessableEntity)
		return s.render(c, "project.html", page.Project.Name, "ledger", page)
	}

	// An event of the same stage and round replaces the one recorded, as
	// an upload of it would, and the page reports the replacement.
	replaced := slices.ContainsFunc(page.History, func(h saima.StageEvent) bool {
		return h.Stage == event.Stage && h.Round == event.Round
	})
	if err := s.writeStageEvent(c, event); err != nil {
		return err
	}
	s.drafts.request()
	target := projectURL(page.Project.Code) + "?recorded=1"
	if replaced {
		target += "&replaced=1"
	}
	return c.Redirect(target, http.StatusSeeOther)
}

// handleStageWithdraw withdraws the project's latest stage record, such as
// a mistaken exit, as a one-row upload under the office account.
func (s *Server) handleStageWithdraw(c *fiber.Ctx) error {
	page, err := s.loadProjectPage(c)
	if err != nil {
		return err
	}
	page.WithdrawReason = strings.TrimSpace(c.FormValue("reason"))

	reject := func(msg string) error {
		s.log.Info("stage withdrawal rejected", "project", page.Project.Code, "reason", msg)
		page.WithdrawError = msg
		c.Status(http.StatusUnprocessableEntity)
		return s.render(c, "project.html", page.Project.Name, "ledger", page)
	}
	cur := page.Current
	if cur == nil {
		return reject("该项目没有阶段记录，无需撤销")
	}
	stage, round := strings.TrimSpace(c.FormValue("stage")), strings.TrimSpace(c.FormValue("round"))
	// The page's form also sends the record's date, so that a form left
	// open while another user withdrew the record and entered the same
	// stage and round again does not withdraw the new record.
	date := strings.TrimSpace(c.FormValue("date"))
	if stage != cur.Stage || round != strconv.Itoa(cur.RoundOrOne()) || (date != "" && date != cur.Date.String()) {
		named := "“" + stage + "”（第 " + round + " 轮）"
		if date != "" {
			named = date + " 的" + named
		}
		return reject(fmt.Sprintf("只能撤销最近一条阶段记录，现为 %s %s（第 %d 轮），而表单要撤销的是%s；"+
			"可能有人刚登记或撤销了记录，请核对本页的阶段历程后重试", cur.Date, cur.Stage, cur.RoundOrOne(), named))
	}
	switch {
	case page.WithdrawReason == "":
		return reject("请填写撤销理由，如“误将退出决定登记在本项目”")
	case ingest.Unwritten(page.WithdrawReason):
		return reject("撤销理由“" + page.WithdrawReason + "”没有写明原因，请写明为何撤销，如“误将退出决定登记在本项目”")
	}
	if issue, found := ingest.ForbiddenIssue("撤销理由", page.WithdrawReason); found {
		return reject(issue.FormString())
	}

	who, err := s.identity(c)
	if err != nil {
		return err
	}
	if who == nil {
		return saima.Errorf(saima.KindForbidden, "请先登录")
	}
	w := saima.StageEvent{ProjectCode: cur.ProjectCode, Stage: cur.Stage, Round: cur.RoundOrOne(),
		Date: saima.DateOf(s.now()), DecidedBy: who.account.Name, Opinion: page.WithdrawReason, Withdrawn: true}
	if err := s.writeStageEvent(c, w); err != nil {
		return err
	}
	s.drafts.request()
	return c.Redirect(projectURL(page.Project.Code)+"?withdrawn=1", http.StatusSeeOther)
}

func readStageForm(c *fiber.Ctx) stageForm {
	v := func(name string) string { return strings.TrimSpace(c.FormValue(name)) }
	return stageForm{
		Stage: v("stage"), Date: v("date"), DecidedBy: v("decided_by"), Opinion: v("opinion"),
		Documents: v("documents"), Round: v("round"), ChangeItem: v("change_item"),
		ChangeReason: v("change_reason"), Accountability: v("accountability"),
	}
}

// event converts the form to a stage event of project code. An empty
// round is the one the stage would take next in history. Issues report
// fields that cannot be read, with row 0.
func (f stageForm) event(code string, history []saima.StageEvent, today saima.Date) (saima.StageEvent, []ingest.Issue) {
	var issues []ingest.Issue
	bad := func(column, value, reason, fix string) {
		issues = append(issues, ingest.Issue{Column: column, Value: value, Reason: reason, Fix: fix})
	}
	e := saima.StageEvent{ProjectCode: code, Stage: f.Stage, DecidedBy: f.DecidedBy, Opinion: f.Opinion,
		Documents: f.Documents, ChangeItem: f.ChangeItem, ChangeReason: f.ChangeReason,
		Accountability: f.Accountability}
	for _, field := range f.fields() {
		if issue, found := ingest.ForbiddenIssue(field.label, field.value); found {
			issues = append(issues, issue)
		}
	}
	if len(issues) > 0 {
		// The other checks would report the same fields again.
		return e, issues
	}
	if !slices.Contains(formKinds, f.Stage) {
		bad("阶段", f.Stage, "不是可选的阶段", "请选择"+strings.Join(formKinds, "、")+"之一")
	}
	d, err := saima.ParseDate(f.Date)
	switch {
	case err != nil:
		bad("日期", f.Date, "不是有效的日期", "请按2026-09-30的格式填写")
	case !d.InLedgerRange():
		bad("日期", f.Date, "不在"+saima.FirstDate.String()+"至"+saima.LastDate.String()+"之间，可能是笔误", "请核对年份后重新填写")
	case d.After(today):
		// The same rule as an upload's: a stage is recorded once it
		// happened. The fix names the stage, as an upload's names what
		// its date column records.
		stage := "该阶段"
		if slices.Contains(formKinds, f.Stage) {
			stage = f.Stage
		}
		bad("日期", f.Date, "晚于今天（"+today.String()+"），阶段的日期不能在将来",
			"请填写"+stage+"实际发生的日期；尚未发生的"+strings.TrimPrefix(stage, "该")+"请在发生后再登记")
	}
	e.Date = d

	e.Round = nextRound(history, f.Stage)
	if f.Round != "" {
		n, err := strconv.Atoi(f.Round)
		if err != nil || n < 1 {
			bad("轮次", f.Round, "不是正整数", "请留空，或填写1、2等轮次")
		}
		e.Round = n
	}
	return e, issues
}

// nextRound returns the round a new event of stage takes after history:
// the round after the last change for the 论证 that follows it, and the
// current round otherwise. A change takes the next round when the current
// round has one already. An empty 轮次 thus never replaces a stored
// change, which only a typed round does, and the lifecycle check rejects
// a second change before the 论证 that the first one needs.
func nextRound(history []saima.StageEvent, stage string) int {
	round := 1
	for _, e := range history {
		if e.Stage != saima.StageChange {
			round = max(round, e.RoundOrOne())
		}
	}
	last := currentStage(history)
	if last != nil && last.Stage == saima.StageChange && stage == "论证" {
		return last.RoundOrOne() + 1
	}
	if stage == saima.StageChange && slices.ContainsFunc(history, func(e saima.StageEvent) bool {
		return e.Stage == saima.StageChange && e.RoundOrOne() == round
	}) {
		return round + 1
	}
	return round
}

// writeStageEvent stores e as a one-row upload by the signed-in office
// account, so the audit log shows who entered it.
func (s *Server) writeStageEvent(c *fiber.Ctx, e saima.StageEvent) error {
	ws, err := s.workflow()
	if err != nil {
		return err
	}
	who, err := s.identity(c)
	if err != nil {
		return err
	}
	id, err := newFormID()
	if err != nil {
		return err
	}
	message := "网页录入阶段记录"
	if e.Withdrawn {
		// The upload log is where a withdrawal stays visible: the project
		// page shows only records in effect.
		message = fmt.Sprintf("网页撤销阶段记录：%s %s（第 %d 轮）；理由：%s", e.ProjectCode, e.Stage, e.RoundOrOne(), e.Opinion)
	}
	up := saima.Upload{ID: id, Dataset: saima.DatasetStages, Uploader: who.account.Name, At: s.now(),
		FileName: "网页录入", Rows: 1, Imported: 1, Message: message}
	if err := ws.WriteBatch(c.UserContext(), &saima.Batch{Upload: up, Stages: []saima.StageEvent{e}}); err != nil {
		return fmt.Errorf("write stage event: %w", err)
	}
	s.log.Info("stage event recorded", "upload_id", id, "project", e.ProjectCode, "stage", e.Stage,
		"round", e.RoundOrOne(), "withdrawn", e.Withdrawn, "account", who.account.Name)
	return nil
}

// newFormID returns a random upload ID for a record entered in a form.
func newFormID() (string, error) {
	var b [8]byte
	if _, err := rand.Read(b[:]); err != nil {
		return "", fmt.Errorf("new form id: %w", err)
	}
	return "form-" + hex.EncodeToString(b[:]), nil
}

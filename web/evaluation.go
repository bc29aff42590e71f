package web

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"
	"github.com/shopspring/decimal"

	"saima"
	"saima/ingest"
	"saima/scoring"
)

// evaluations returns the scoring service over the server's store, or
// false when the store does not record evaluations. clickhouse.Store
// records them; the web Store interface leaves them out so that the pages
// that do not need them keep a small interface.
func (s *Server) evaluations() (*scoring.Service, bool) {
	st, ok := s.store.(scoring.EvaluationStore)
	if !ok {
		return nil, false
	}
	return &scoring.Service{Store: st, Log: s.log, Now: s.now}, true
}

// standing returns period's ranking as the leaderboard shows it: the
// latest published evaluation, or the latest run while none is published,
// with overrides applied.
func (s *Server) standing(ctx context.Context, period saima.Period) (*scoring.Standing, error) {
	return cached(s.cache, "standing/"+period.String(), func() (*scoring.Standing, error) {
		return s.loadStanding(ctx, period)
	})
}

func (s *Server) loadStanding(ctx context.Context, period saima.Period) (*scoring.Standing, error) {
	if svc, ok := s.evaluations(); ok {
		return svc.Current(ctx, period)
	}
	scores, err := s.store.ListScores(ctx, period)
	if err != nil {
		return nil, fmt.Errorf("list scores: %w", err)
	}
	st := &scoring.Standing{Period: period}
	for _, sc := range scores {
		st.Entries = append(st.Entries, scoring.Entry{Score: sc, Computed: sc})
	}
	// Without evaluations the store keeps no list of the units a run left
	// out, so the list comes from the current roster.
	roster, err := s.store.ListUnits(ctx)
	if err != nil {
		return nil, fmt.Errorf("list units: %w", err)
	}
	st.Unranked, st.UnrankedFromCurrentRoster = st.UnrankedOnRoster(roster), true
	return st, nil
}

var errNoEvaluations = errors.New("store does not record evaluations")

func (s *Server) requireEvaluations() (*scoring.Service, error) {
	svc, ok := s.evaluations()
	if !ok {
		return nil, errNoEvaluations
	}
	return svc, nil
}

// periodParam parses a period of any kind from a route or query
// parameter.
func periodParam(name, value string) (saima.Period, error) {
	return periodParamOf(name, value, "应为季度（如 2026Q3）、月份（如 2026-09）或年度（如 2026）")
}

// periodParamOf parses a period from a route or query parameter. want
// describes the periods that the parameter takes, for a value that is no
// period. A period outside the ledger's years gets the allowed years, and
// a month outside 1 to 12 the allowed months.
func periodParamOf(name, value, want string) (saima.Period, error) {
	p, err := ingest.ParsePeriod(value)
	switch {
	case errors.Is(err, saima.ErrPeriodOutOfRange):
		return saima.Period{}, invalidParam(name, value, saima.LedgerYearsHint)
	case errors.Is(err, ingest.ErrNoSuchMonth):
		return saima.Period{}, invalidParam(name, value, "月份应在1至12月之间，如 2026-09 或 2026年九月")
	case err != nil:
		return saima.Period{}, invalidParam(name, value, want)
	}
	return p, nil
}

// yearParam parses a four-digit year of the ledger from a route or query
// parameter.
func yearParam(name, value string) (int, error) {
	year, err := strconv.Atoi(value)
	if err != nil || len(value) != 4 {
		return 0, invalidParam(name, value, "应为四位年份，如 2026")
	}
	if !saima.Year(year).InLedgerRange() {
		return 0, invalidParam(name, value, saima.LedgerYearsHint)
	}
	return year, nil
}

// routeParam returns the route parameter name decoded: Fiber leaves it
// percent-encoded, and a message should show 2026年Q3 as the user typed
// it. A value that does not decode is returned as it is.
func routeParam(c *fiber.Ctx, name string) string {
	value := c.Params(name)
	if decoded, err := url.PathUnescape(value); err == nil {
		return decoded
	}
	return value
}

// versionParam parses a published version number from a query parameter.
func versionParam(c *fiber.Ctx, name string) (int, error) {
	value := c.Query(name)
	n, err := strconv.Atoi(value)
	if err != nil || n < 1 {
		return 0, invalidParam(name, value, "应为已发布的版本号，如 1 或 2")
	}
	return n, nil
}

// evaluationsAPI is the reply of GET /api/evaluations/{period}.
type evaluationsAPI struct {
	Period saima.Period `json:"period"`
	// Current is the label of what the leaderboard shows, such as
	// 已发布 v2 or 未发布, and empty when the period has no scores.
	Current     string           `json:"current"`
	Evaluations []evaluationJSON `json:"evaluations"` // oldest first, drafts included
}

type evaluationJSON struct {
	Period         saima.Period `json:"period"`
	Version        int          `json:"version"` // 0 for a draft
	Status         string       `json:"status"`  // draft or published
	Label          string       `json:"label"`
	RunID          string       `json:"run_id"`
	RuleSet        string       `json:"rule_set"`
	RuleSetVersion string       `json:"rule_set_version"`
	RuleSetText    string       `json:"rule_set_text"`
	DataAsOf       uint64       `json:"data_as_of"` // store version in nanoseconds since the Unix epoch
	DataAsOfTime   string       `json:"data_as_of_time"`
	CreatedAt      string       `json:"created_at"`
	CreatedBy      string       `json:"created_by"`
	PublishedAt    string       `json:"published_at,omitempty"`
	PublishedBy    string       `json:"published_by,omitempty"`
	Note           string       `json:"note"`
}

func evaluationToJSON(ev *scoring.Evaluation, now time.Time) *evaluationJSON {
	if ev == nil {
		return nil
	}
	j := &evaluationJSON{
		Period: ev.Period, Version: ev.Version, Status: ev.Status, Label: ev.Label(), RunID: ev.RunID,
		RuleSet: ev.RuleSet, RuleSetVersion: ev.RuleSetVersion, RuleSetText: ev.RuleSetText,
		DataAsOf: ev.DataAsOf, DataAsOfTime: jsonTime(versionTime(ev.DataAsOf, now)),
		CreatedAt: jsonTime(ev.CreatedAt), CreatedBy: ev.CreatedBy, PublishedBy: ev.PublishedBy,
		Note: ev.Note,
	}
	if !ev.PublishedAt.IsZero() {
		j.PublishedAt = jsonTime(ev.PublishedAt)
	}
	return j
}

// versionTime returns the time a store version stands for on the server's
// clock, which reads now. Versions are real commit times, and saima demo
// --today shifts the clock.
func versionTime(v uint64, now time.Time) time.Time { return saima.VersionTime(v, now) }

func jsonTime(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.In(saima.Beijing).Format("2006-01-02T15:04:05Z07:00")
}

func (s *Server) handleEvaluationsAPI(c *fiber.Ctx) error {
	period, err := periodParam("period", routeParam(c, "period"))
	if err != nil {
		return err
	}
	svc, err := s.requireEvaluations()
	if err != nil {
		return err
	}
	evs, err := svc.Evaluations(c.UserContext(), period)
	if err != nil {
		return err
	}
	reply := evaluationsAPI{Period: period, Evaluations: []evaluationJSON{}}
	for i := range evs {
		reply.Evaluations = append(reply.Evaluations, *evaluationToJSON(&evs[i], s.now()))
	}
	switch st, err := svc.Current(c.UserContext(), period); {
	case err == nil:
		reply.Current = st.Label()
	case saima.ErrorKind(err) != saima.KindNotFound:
		return err
	}
	return c.JSON(reply)
}

// publishRequest is the optional body of POST
// /api/evaluations/{period}/publish, as JSON or a form.
type publishRequest struct {
	Note string `json:"note" form:"note"`
}

// standingJSON is a standing as the API returns it.
type standingJSON struct {
	Period     saima.Period    `json:"period"`
	Label      string          `json:"label"`
	Evaluation *evaluationJSON `json:"evaluation"` // null for a run without a record
	Scores     []scoreJSON     `json:"scores"`
	Columns    columnsJSON     `json:"columns"` // which verdict fields the rule set defines
	Unmatched  []overrideJSON  `json:"unmatched_overrides"`
}

// handlePublishAPI publishes the next version of a period. It scores
// under the rule set of the period's latest recorded evaluation, the draft
// that `saima score` stored or the previous publication, because the
// server has no rule-set file of its own. The signed-in account is
// recorded as the publisher.
//
// While the period runs, the reply carries the warning that the
// leaderboard's form shows before publishing, because an API caller sees
// no form.
func (s *Server) handlePublishAPI(c *fiber.Ctx) error {
	st, prev, err := s.publish(c)
	if err != nil {
		return err
	}
	reply := publishJSON{standingJSON: standingToJSON(st, s.now())}
	if end, ok := runningUntil(st.Period, s.now()); ok {
		reply.Warnings = append(reply.Warnings,
			fmt.Sprintf("本期到%s才结束，这一版本只含目前已上传的数据；期末之后请按全部数据再次发布", end))
	}
	if w := ruleSetChange(st.Evaluation, prev); w != "" {
		reply.Warnings = append(reply.Warnings, "本次发布采用规则集"+w)
	}
	return c.Status(fiber.StatusCreated).JSON(reply)
}

// ruleSetChange describes how the rule set of next differs from that of
// prev, the previous publication, or returns "" when they are the same or
// there is no previous publication. It reads as the object of 采用规则集.
func ruleSetChange(next, prev *scoring.Evaluation) string {
	if next == nil || prev == nil || next.RuleSetVersion == prev.RuleSetVersion {
		return ""
	}
	return fmt.Sprintf("“%s”（版本 %s），与已发布 v%d 的规则集“%s”（版本 %s）不同：名次的变化可能来自规则，而不只是数据。"+
		"如非有意，请用 v%d 的规则集运行 saima score %s 计算草稿后再发布",
		next.RuleSet, shortVersion(next.RuleSetVersion), prev.Version, prev.RuleSet, shortVersion(prev.RuleSetVersion),
		prev.Version, next.Period)
}

// ruleSetLabel names an evaluation's rule set with the first 8
// characters of its version, as the reports do.
func ruleSetLabel(ev *scoring.Evaluation) string {
	return ev.RuleSet + "（版本 " + shortVersion(ev.RuleSetVersion) + "）"
}

func shortVersion(v string) string { return v[:min(len(v), 8)] }

// publishJSON is the reply to a publication: the published standing and
// any warnings about it.
type publishJSON struct {
	standingJSON
	Warnings []string `json:"warnings,omitempty"`
}

// handlePublishForm publishes as handlePublishAPI does, for the form on
// the leaderboard, and then shows the leaderboard of the period again.
func (s *Server) handlePublishForm(c *fiber.Ctx) error {
	st, _, err := s.publish(c)
	if err != nil {
		return err
	}
	return c.Redirect(fmt.Sprintf("/leaderboard?period=%s&published=v%d",
		url.QueryEscape(st.Period.String()), st.Evaluation.Version), fiber.StatusSeeOther)
}

// publish publishes the next version of the period in the path, with the
// note of the request body. It also returns the previous publication, nil
// for a first one, so that callers can say what changed.
func (s *Server) publish(c *fiber.Ctx) (*scoring.Standing, *scoring.Evaluation, error) {
	period, err := periodParam("period", routeParam(c, "period"))
	if err != nil {
		return nil, nil, err
	}
	var req publishRequest
	if len(c.Body()) > 0 {
		if err := c.BodyParser(&req); err != nil {
			return nil, nil, saima.Errorf(saima.KindInvalid, "请求内容无法解析：请以 JSON 或表单提交 note")
		}
	}
	if issue, found := ingest.ForbiddenIssue("发布说明", req.Note); found {
		return nil, nil, saima.Errorf(saima.KindInvalid, "%s", issue.FormString())
	}
	by, err := s.publisher(c)
	if err != nil {
		return nil, nil, err
	}
	svc, err := s.requireEvaluations()
	if err != nil {
		return nil, nil, err
	}
	// A quarter that has not begun, a year or a month gets its own
	// message, not the advice to score it first.
	if err := scoring.CheckRunPeriod(period, s.now()); err != nil {
		return nil, nil, err
	}
	evs, err := svc.Evaluations(c.UserContext(), period)
	if err != nil {
		return nil, nil, err
	}
	next, err := nextRules(evs, period)
	if err != nil {
		// Scoring would reject a period without data, so the advice to
		// score it first would send the office round in a circle.
		if why := s.withoutData(c.UserContext(), period, true); why != "" {
			return nil, nil, saima.Errorf(saima.KindConflict, "%s", why)
		}
		return nil, nil, err
	}
	svc.Rules = []byte(next.RuleSetText)
	st, err := svc.Publish(c.UserContext(), period, by, req.Note)
	if err != nil {
		return nil, nil, publishOutageError(period, err)
	}
	return st, lastPublished(evs), nil
}

// publishOutageError returns err with a message about the publication of
// period when the database was unavailable. The message states that nothing
// was published or, when the record's write could not be confirmed, where
// to check.
func publishOutageError(period saima.Period, err error) error {
	if saima.ErrorKind(err) != saima.KindUnavailable {
		return err
	}
	cause, _, _ := strings.Cut(saima.ErrorMessage(err), "，")
	if errors.Is(err, saima.ErrOutcomeUnknown) {
		return saima.Wrap(saima.KindUnavailable, fmt.Sprintf(
			"%s 的发布结果未知：%s。请稍后打开排行榜（/leaderboard?period=%s）查看：已显示新的发布版本则无需重新发布；"+
				"没有则请重新发布", period, cause, period), err)
	}
	return saima.Wrap(saima.KindUnavailable, fmt.Sprintf(
		"%s 未能发布：%s。本次没有发布任何结果，请在服务恢复后重新发布；如果问题持续，请联系系统管理员",
		period, cause), err)
}

// publisher returns the name that a publication by the signed-in account
// records: the account name and its display name.
func (s *Server) publisher(c *fiber.Ctx) (string, error) {
	who, err := s.identity(c)
	if err != nil {
		return "", err
	}
	if who == nil {
		return "", saima.Errorf(saima.KindForbidden, "请先登录改革办账号再发布")
	}
	if who.account.DisplayName == "" {
		return who.account.Name, nil
	}
	return who.account.Name + "（" + who.account.DisplayName + "）", nil
}

// nextRules returns period's latest recorded evaluation, whose rule set
// the next publication scores under: the last draft that saima score
// stored, or the previous publication. evs are the period's records,
// oldest first.
func nextRules(evs []scoring.Evaluation, period saima.Period) (*scoring.Evaluation, error) {
	if len(evs) == 0 {
		return nil, saima.Errorf(saima.KindConflict,
			"%s还没有计算记录：请先运行 saima score %s 计算草稿，核对后再发布", period.Label(), period)
	}
	return &evs[len(evs)-1], nil
}

// lastPublished returns the latest published evaluation among evs, or nil.
func lastPublished(evs []scoring.Evaluation) *scoring.Evaluation {
	var out *scoring.Evaluation
	for i := range evs {
		if evs[i].Published() && (out == nil || evs[i].Version > out.Version) {
			out = &evs[i]
		}
	}
	return out
}

func standingToJSON(st *scoring.Standing, now time.Time) standingJSON {
	out := standingJSON{
		Period: st.Period, Label: st.Label(), Evaluation: evaluationToJSON(st.Evaluation, now),
		Scores: []scoreJSON{}, Unmatched: []overrideJSON{},
	}
	for i := range st.Entries {
		out.Scores = append(out.Scores, entryToJSON(&st.Entries[i]))
	}
	out.Columns = addVerdicts(st, out.Scores)
	for _, o := range st.Unmatched {
		out.Unmatched = append(out.Unmatched, overrideToJSON(o))
	}
	return out
}

// rankIntervalJSON is the robustness of a rank: its median and 5–95 %
// interval over the perturbed draws.
type rankIntervalJSON struct {
	Nominal   int     `json:"nominal"`
	Median    float64 `json:"median"`
	Q05       float64 `json:"q05"`
	Q95       float64 `json:"q95"`
	MeanShift float64 `json:"mean_shift"`
}

func rankIntervalToJSON(r *scoring.RankStats) *rankIntervalJSON {
	if r == nil {
		return nil
	}
	return &rankIntervalJSON{
		Nominal: r.Nominal, Median: r.Median, Q05: r.Q05, Q95: r.Q95, MeanShift: r.MeanShift,
	}
}

type overrideJSON struct {
	Unit      string  `json:"unit"`
	Indicator string  `json:"indicator"` // empty for the composite
	Value     float64 `json:"value"`
	By        string  `json:"by"`
	Why       string  `json:"why"`
	At        string  `json:"at"`
	Version   uint64  `json:"version"`
}

func overrideToJSON(o scoring.Override) overrideJSON {
	return overrideJSON{Unit: o.Unit, Indicator: o.Indicator, Value: o.Value, By: o.By, Why: o.Why,
		At: jsonTime(o.At), Version: o.Version}
}

func overridesToJSON(overrides []scoring.Override) []overrideJSON {
	out := make([]overrideJSON, 0, len(overrides))
	for _, o := range overrides {
		out = append(out, overrideToJSON(o))
	}
	return out
}

// diffAPI is the reply of GET /api/evaluations/{period}/diff.
type diffAPI struct {
	Period saima.Period    `json:"period"`
	Old    *evaluationJSON `json:"old"`
	New    *evaluationJSON `json:"new"`
	Units  []unitDiffJSON  `json:"units"` // every unit of either version
}

type unitDiffJSON struct {
	Unit          string                 `json:"unit"`
	Track         string                 `json:"track"`
	Changed       bool                   `json:"changed"`
	Old           *scoreJSON             `json:"old"` // null when the old version lacks the unit
	New           *scoreJSON             `json:"new"` // null when the new version lacks the unit
	Contributions []contributionDiffJSON `json:"contributions"`
	// OldUnranked and NewUnranked are the unit with the reason that the
	// old or the new version's run read, when that run left the unit out
	// of the ranking on purpose. They are null otherwise.
	OldUnranked *unrankedJSON `json:"old_unranked"`
	NewUnranked *unrankedJSON `json:"new_unranked"`
}

type contributionDiffJSON struct {
	Indicator string            `json:"indicator"`
	Name      string            `json:"name"`
	Old       *contributionJSON `json:"old"`
	New       *contributionJSON `json:"new"`
}

func (s *Server) handleDiffAPI(c *fiber.Ctx) error {
	period, err := periodParam("period", routeParam(c, "period"))
	if err != nil {
		return err
	}
	a, err := versionParam(c, "a")
	if err != nil {
		return err
	}
	b, err := versionParam(c, "b")
	if err != nil {
		return err
	}
	svc, err := s.requireEvaluations()
	if err != nil {
		return err
	}
	d, err := svc.Diff(c.UserContext(), period, a, b)
	if err != nil {
		return err
	}
	return c.JSON(diffToJSON(d, s.now()))
}

func diffToJSON(d *scoring.Diff, now time.Time) diffAPI {
	out := diffAPI{
		Period: d.Period, Units: []unitDiffJSON{},
		Old: evaluationToJSON(d.Old.Evaluation, now), New: evaluationToJSON(d.New.Evaluation, now),
	}
	for _, u := range d.Units {
		j := unitDiffJSON{
			Unit: u.Unit, Track: u.Track, Changed: u.Changed(), Contributions: []contributionDiffJSON{},
		}
		if u.Old != nil {
			old := entryToJSON(u.Old)
			j.Old = &old
		}
		if u.New != nil {
			cur := entryToJSON(u.New)
			j.New = &cur
		}
		j.OldUnranked, j.NewUnranked = unrankedPtrJSON(u.OldUnranked), unrankedPtrJSON(u.NewUnranked)
		for _, cd := range u.Contributions {
			j.Contributions = append(j.Contributions, contributionDiffJSON{
				Indicator: cd.Indicator, Name: cd.Name,
				Old: contributionPtrJSON(cd.Old), New: contributionPtrJSON(cd.New),
			})
		}
		out.Units = append(out.Units, j)
	}
	return out
}

func unrankedPtrJSON(u *saima.Unit) *unrankedJSON {
	if u == nil {
		return nil
	}
	return &unrankedJSON{Unit: u.Name, Kind: u.Kind, Reason: u.UnrankedReason}
}

func contributionPtrJSON(c *saima.Contribution) *contributionJSON {
	if c == nil {
		return nil
	}
	j := contributionsJSON([]saima.Contribution{*c})[0]
	return &j
}

// explainAPI is the reply of GET /api/explain.
type explainAPI struct {
	Period     saima.Period    `json:"period"`
	Label      string          `json:"label"`
	Evaluation *evaluationJSON `json:"evaluation"` // null for a run without a record
	Score      scoreJSON       `json:"score"`
	Indicators []indicatorJSON `json:"indicators"`
	Evidence   evidenceJSON    `json:"evidence"`
	// AsOf is the store version the evidence was read at; 0 means the
	// current ledger, for a run without a record.
	AsOf     uint64 `json:"as_of"`
	AsOfTime string `json:"as_of_time"`
}

type indicatorJSON struct {
	contributionJSON
	Source string `json:"source"` // empty when the run's rule set is unknown
	// Dataset is milestones, progress or assessments, and empty for other
	// inputs.
	Dataset       string        `json:"dataset"`
	ComputedScore float64       `json:"computed_score"`
	Override      *overrideJSON `json:"override"`
}

type evidenceJSON struct {
	MilestonesDueBefore saima.Date               `json:"milestones_due_before"` // milestones planned before this day are due
	Milestones          []milestoneEvidenceJSON  `json:"milestones"`
	Progress            []progressEvidenceJSON   `json:"progress"`
	Assessments         []assessmentEvidenceJSON `json:"assessments"`
	Problems            []problemEvidenceJSON    `json:"problems"`
}

type provenanceJSON struct {
	UploadID   string `json:"upload_id"`
	FileName   string `json:"file_name"`
	UploadedAt string `json:"uploaded_at"`
}

type milestoneEvidenceJSON struct {
	ProjectCode string      `json:"project_code"`
	Name        string      `json:"name"`
	Unit        string      `json:"unit"`
	Planned     saima.Date  `json:"planned"`
	Actual      *saima.Date `json:"actual"`
	Status      string      `json:"status"`
	OnTime      bool        `json:"on_time"`
	provenanceJSON
}

type progressEvidenceJSON struct {
	ProjectCode string       `json:"project_code"`
	ProjectName string       `json:"project_name"`
	Period      saima.Period `json:"period"`
	Percent     *string      `json:"percent"` // exact decimal; null when left blank
	ReportDate  *saima.Date  `json:"report_date"`
	Progress    string       `json:"progress"`
	Problems    string       `json:"problems"`
	Counted     bool         `json:"counted"`
	Planned     bool         `json:"planned"`    // the project's plan is known, so progress_vs_plan counts it
	Attainment  float64      `json:"attainment"` // 0 unless planned
	provenanceJSON
}

type assessmentEvidenceJSON struct {
	Indicator   string       `json:"indicator"`
	Mode        string       `json:"mode"`
	Period      saima.Period `json:"period"`
	ProjectCode string       `json:"project_code"`
	Score       string       `json:"score"`      // exact decimal
	FullMarks   *string      `json:"full_marks"` // exact decimal; null when blank
	Percent     float64      `json:"percent"`
	Evaluator   string       `json:"evaluator"`
	provenanceJSON
}

type problemEvidenceJSON struct {
	ID          string      `json:"id"`
	ProjectCode string      `json:"project_code"`
	Stage       string      `json:"stage"`
	Level       int         `json:"level"` // 1 to 3; 0 when the list leaves it empty
	Opened      saima.Date  `json:"opened"`
	Closed      *saima.Date `json:"closed"`
	Summary     string      `json:"summary"`
	Counted     bool        `json:"counted"` // closed by the period's last day
	Days        int         `json:"days"`    // from opened to closed; 0 unless counted
	provenanceJSON
}

func (s *Server) handleExplainAPI(c *fiber.Ctx) error {
	period, err := periodParam("period", c.Query("period"))
	if err != nil {
		return err
	}
	if c.Query("unit") == "" {
		return invalidParam("unit", "", "请填写单位名称或别名")
	}
	unit, err := s.findUnit(c, c.Query("unit"))
	if err != nil {
		return err
	}
	if err := s.ownUnit(c, unit.Name); err != nil {
		return err
	}
	x, err := s.explain(c.UserContext(), period, unit.Name)
	if err != nil {
		return err
	}
	return c.JSON(explainToJSON(x, s.now()))
}

// ownUnit rejects a request from a unit account about another unit.
func (s *Server) ownUnit(c *fiber.Ctx, unit string) error {
	who, err := s.identity(c)
	if err != nil {
		return err
	}
	if who != nil && who.account.Role == saima.RoleUnit && who.account.Unit != unit {
		return saima.Errorf(saima.KindForbidden, "单位账号只能查看本单位（%s）的考评说明；如需了解其他单位的情况，请联系改革办",
			who.account.Unit)
	}
	return nil
}

func (s *Server) explain(
	ctx context.Context, period saima.Period, unit string,
) (*scoring.Explanation, error) {
	svc, err := s.requireEvaluations()
	if err != nil {
		return nil, err
	}
	return svc.Explain(ctx, period, unit)
}

func explainToJSON(x *scoring.Explanation, now time.Time) explainAPI {
	out := explainAPI{
		Period: x.Period, Label: x.Evaluation.Label(), Evaluation: evaluationToJSON(x.Evaluation, now),
		Score: entryToJSON(&x.Entry), Indicators: []indicatorJSON{},
		Evidence: evidenceToJSON(x.Evidence), AsOf: x.AsOf,
	}
	if x.AsOf != 0 {
		out.AsOfTime = jsonTime(versionTime(x.AsOf, now))
	}
	for _, ind := range x.Indicators {
		j := indicatorJSON{
			contributionJSON: *contributionPtrJSON(&ind.Contribution),
			Source:           ind.Source, Dataset: ind.Dataset, ComputedScore: ind.Computed.Score,
		}
		if ind.Override != nil {
			o := overrideToJSON(*ind.Override)
			j.Override = &o
		}
		out.Indicators = append(out.Indicators, j)
	}
	return out
}

func evidenceToJSON(ev scoring.Evidence) evidenceJSON {
	out := evidenceJSON{
		MilestonesDueBefore: ev.MilestonesDueBefore,
		Milestones:          []milestoneEvidenceJSON{},
		Progress:            []progressEvidenceJSON{},
		Assessments:         []assessmentEvidenceJSON{},
		Problems:            []problemEvidenceJSON{},
	}
	for _, m := range ev.Milestones {
		out.Milestones = append(out.Milestones, milestoneEvidenceJSON{
			ProjectCode: m.ProjectCode, Name: m.Name, Unit: m.Unit, Planned: m.Planned,
			Actual: m.Actual, Status: m.Status, OnTime: m.OnTime,
			provenanceJSON: provenanceToJSON(m.Provenance),
		})
	}
	for _, r := range ev.Progress {
		out.Progress = append(out.Progress, progressEvidenceJSON{
			ProjectCode: r.ProjectCode, ProjectName: r.ProjectName, Period: r.Period,
			Percent: decimalText(r.Percent), ReportDate: r.ReportDate, Progress: r.Progress,
			Problems: r.Problems, Counted: r.Counted, Planned: r.Planned, Attainment: r.Attainment,
			provenanceJSON: provenanceToJSON(r.Provenance),
		})
	}
	for _, a := range ev.Assessments {
		out.Assessments = append(out.Assessments, assessmentEvidenceJSON{
			Indicator: a.Indicator, Mode: a.Mode, Period: a.Period, ProjectCode: a.ProjectCode,
			Score: a.Score.String(), FullMarks: decimalText(a.FullMarks), Percent: a.Percent,
			Evaluator: a.Evaluator, provenanceJSON: provenanceToJSON(a.Provenance),
		})
	}
	for _, pr := range ev.Problems {
		out.Problems = append(out.Problems, problemEvidenceJSON{
			ID: pr.ID, ProjectCode: pr.ProjectCode, Stage: pr.Stage, Level: pr.Level, Opened: pr.Opened,
			Closed: pr.Closed, Summary: pr.Summary, Counted: pr.Counted, Days: pr.Days,
			provenanceJSON: provenanceToJSON(pr.Provenance),
		})
	}
	return out
}

func provenanceToJSON(p scoring.Provenance) provenanceJSON {
	return provenanceJSON{
		UploadID: p.UploadID, FileName: p.FileName, UploadedAt: jsonTime(p.UploadedAt),
	}
}

func decimalText(d decimal.NullDecimal) *string {
	if !d.Valid {
		return nil
	}
	s := d.Decimal.String()
	return &s
}

// explainPage is the data of explain.html.
type explainPage struct {
	Unit     saima.Unit
	X        *scoring.Explanation
	Label    string
	Interval string // the rank's 5–95 % interval, or empty when none
	Record   string // who published or computed the result, on which data and rules
	AsOf     string // when the evidence was read, or a warning that it is current data
	Sections []evidenceSection
	// Total is the contributions' sum with four places, and TotalNote how
	// the composite shown is rounded from it. Both are empty when the
	// contributions do not add up to the composite.
	Total, TotalNote string
}

// evidenceSection is one dataset of the evidence and the indicators that
// read it.
type evidenceSection struct {
	Dataset string
	UsedBy  []string // indicator names; empty when no indicator reads the dataset
}

func (s *Server) handleExplainPage(c *fiber.Ctx) error {
	name, err := url.PathUnescape(c.Params("name"))
	if err != nil {
		return invalidParam("单位", c.Params("name"), "地址中的单位名称编码有误")
	}
	unit, err := s.findUnit(c, name)
	if err != nil {
		return err
	}
	period, err := s.explainPeriod(c, unit.Name)
	if err != nil {
		return err
	}
	x, err := s.explain(c.UserContext(), period, unit.Name)
	if err != nil {
		return err
	}
	page := newExplainPage(unit, x, s.now())
	return s.render(c, "explain.html", unit.Name+period.Label()+"考评说明", "leaderboard", page)
}

// explainPeriod returns the period parameter, or the newest period that
// has begun in which the unit was scored.
func (s *Server) explainPeriod(c *fiber.Ctx, unit string) (saima.Period, error) {
	if c.Query("period") != "" {
		return periodParam("period", c.Query("period"))
	}
	scores, err := s.store.ListUnitScores(c.UserContext(), unit)
	if err != nil {
		return saima.Period{}, fmt.Errorf("list unit scores: %w", err)
	}
	if len(scores) == 0 {
		return saima.Period{}, saima.Errorf(saima.KindNotFound, "单位“%s”暂无考评结果", unit)
	}
	_, inGrace, err := s.freshQuarter(c.UserContext())
	if err != nil {
		return saima.Period{}, err
	}
	return scores[latestBegun(scores, saima.DateOf(s.now()), inGrace)].Period, nil
}

// latestBegun returns the index of the last of scores, in period order,
// whose period has begun on today, or 0 when none has. A ledger scored
// before scoring rejected quarters that had not begun may hold such runs.
// While inGrace, the first [saima.ProgressGraceDays] days of a quarter
// that the office has not published (see freshQuarter), it returns the
// quarter before, when scores has it, as the leaderboard opens on it then.
func latestBegun(scores []saima.Score, today saima.Date, inGrace bool) int {
	i := lastBegun(scores, today)
	prev, ok := saima.ReportingQuarter(today)
	if inGrace && ok && i > 0 && scores[i].Period == prev.Next() && scores[i-1].Period == prev {
		return i - 1
	}
	return i
}

// lastBegun returns the index of the last of scores whose period has
// begun on today, or 0 when none has.
func lastBegun(scores []saima.Score, today saima.Date) int {
	for i := len(scores) - 1; i > 0; i-- {
		if !scores[i].Period.Start().After(today) {
			return i
		}
	}
	return 0
}

func newExplainPage(unit saima.Unit, x *scoring.Explanation, now time.Time) explainPage {
	page := explainPage{
		Unit: unit, X: x, Label: x.Evaluation.Label(), Interval: intervalText(x.Entry.Robust),
	}
	if ev := x.Evaluation; ev != nil {
		page.Record = recordText(ev)
		page.AsOf = "数据截至 " + formatClock(versionTime(ev.DataAsOf, now))
	} else {
		page.AsOf = "该结果没有考评记录，以下为当前数据，可能与计算时不同"
	}
	if total, ok := x.PointsTotal(); ok {
		page.Total = saima.FormatTotal(total)
		page.TotalNote = fmt.Sprintf("综合得分 %s 是贡献合计 %s 四舍五入到一位小数的结果；"+
			"各项贡献分别四舍五入到两位小数，相加可能与合计相差几个 0.01。",
			saima.FormatComposite(x.Entry.Value), page.Total)
	}
	datasets := []string{saima.DatasetMilestones, saima.DatasetProgress, saima.DatasetAssessments,
		saima.DatasetProblems}
	for _, ds := range datasets {
		sec := evidenceSection{Dataset: ds}
		for _, ind := range x.Indicators {
			if ind.Dataset == ds {
				sec.UsedBy = append(sec.UsedBy, ind.Name)
			}
		}
		page.Sections = append(page.Sections, sec)
	}
	return page
}

// recordText returns who published or computed ev, when, and under which
// rules.
func recordText(ev *scoring.Evaluation) string {
	who := ev.CreatedBy + " 于 " + formatClock(ev.CreatedAt) + " 计算"
	if ev.Published() {
		who = ev.PublishedBy + " 于 " + formatClock(ev.PublishedAt) + " 发布"
	}
	text := fmt.Sprintf("%s，规则集 %s（版本 %.12s），运行编号 %s",
		who, ev.RuleSet, ev.RuleSetVersion, ev.RunID)
	if ev.Note != "" {
		text += "，备注：" + ev.Note
	}
	return text
}

func formatClock(t time.Time) string { return t.In(saima.Beijing).Format("2006-01-02 15:04:05") }

// intervalText formats a rank's 5–95 % interval such as 2–4, or returns
// "" when there is none.
func intervalText(r *scoring.RankStats) string {
	if r == nil {
		return ""
	}
	lo := decimal.NewFromFloat(r.Q05).Round(1).String()
	hi := decimal.NewFromFloat(r.Q95).Round(1).String()
	if lo == hi {
		return lo
	}
	return lo + "–" + hi
}

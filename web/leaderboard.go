package web

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"
	"github.com/samber/lo"

	"saima"
	"saima/reports"
	"saima/scoring"
)

// leaderboardPage is the data of leaderboard.html.
type leaderboardPage struct {
	Period  saima.Period   // zero when nothing has been scored yet
	Periods []saima.Period // newest first
	Track   string         // the selected track, or empty for all
	Tracks  []string
	Boards  []board
	PDF     string // path of the quarterly PDF, or empty unless Period is a quarter
	// Reports is whether the viewer may download the PDF reports: office
	// and leader accounts may, unit accounts may not.
	Reports bool
	// Label marks what the boards show: 已发布 v2 for a published
	// evaluation, 未发布 for a draft run.
	Label string
	// AsOf names the last uploads the ranking read, such as 数据截至
	// 2026-12-05 20:33:12, and is empty for a run without a record.
	AsOf      string
	Published bool
	Overrides []scoring.Override // applied to the boards shown
	// Indicators maps the ID of every indicator of the shown run to its
	// name, so that the overrides table names an indicator as the boards do.
	Indicators map[string]string
	Unmatched  []scoring.Override // in effect but naming no unit or indicator of this run
	Publish    *publishForm       // nil unless the viewer is the office
	// Running is the period's last day while the period is still running,
	// so that every viewer reads the result as partial and the publish form
	// warns that later data will not be in its version. It is zero after.
	Running saima.Date
	// ReadEarly is the day the shown result read the ledger when the
	// period has ended since, such as a version published before the
	// period's end, so that every viewer still reads it as partial. It is
	// zero otherwise.
	ReadEarly saima.Date
	// Passed is the running quarter that the page, opened without a
	// period, passes over in its first days for the quarter that has just
	// ended (see defaultChoice), and is zero otherwise. The page offers a
	// link to its draft.
	Passed saima.Period
	// JustPublished is the label of the version the office's form has just
	// published, such as v2, shown once after the redirect.
	JustPublished string
	// OwnUnit is the unit of a unit account, because such an account may
	// open only its own unit's page. It is "" for the office and leaders.
	OwnUnit string
	// Unranked are the units that the shown result left out of the
	// ranking on purpose (赛道 不参与排名), with their reasons, so that no
	// unit leaves the page unseen.
	Unranked []saima.Unit
	// UnrankedFromCurrentRoster is whether Unranked comes from the current
	// roster instead of the shown run, which was stored before runs kept
	// the units they left out. The page then warns of it.
	UnrankedFromCurrentRoster bool
}

// ConfirmPublish returns the confirmation text that the publish form
// shows before it posts: for a running period, and for a rule set other
// than the previous publication's. It is "" when neither applies.
func (p leaderboardPage) ConfirmPublish() string {
	var b strings.Builder
	if !p.Running.IsZero() {
		fmt.Fprintf(&b, "本期到 %s 才结束。现在发布，结果只含目前已上传的数据。", p.Running)
	}
	if p.Publish != nil && p.Publish.Change != "" {
		b.WriteString("本次发布将采用规则集" + p.Publish.Change + "。")
	}
	if b.Len() == 0 {
		return ""
	}
	return b.String() + "确定发布吗？"
}

// PassedURL returns the address of the leaderboard of Passed.
func (p leaderboardPage) PassedURL() string {
	return pageURL("/leaderboard", "period", p.Passed.String(), "track", p.Track)
}

// PassedFrom returns the first day on which pages open on Passed.
func (p leaderboardPage) PassedFrom() saima.Date {
	return p.Passed.Start().AddDays(saima.ProgressGraceDays)
}

// LinksUnit reports whether the page links unit's name to its page: the
// viewer may open it.
func (p leaderboardPage) LinksUnit(unit string) bool { return p.OwnUnit == "" || p.OwnUnit == unit }

// publishForm is the leaderboard's form that publishes the period.
type publishForm struct {
	Action string
	CSRF   string
	// RuleSet names the rule set the publication will score under, with
	// its short version, and Source the record it comes from.
	RuleSet string
	Source  string
	// Change describes how RuleSet differs from the previous
	// publication's, and is "" when it does not or there is none.
	Change string
}

// newPublishForm returns the form that publishes period, naming the rule
// set that the publication will use. When period has no record to publish
// from, the form names none, and posting it gets the server's 409 that
// names the command to run first.
func (s *Server) newPublishForm(c *fiber.Ctx, svc *scoring.Service, period saima.Period) (*publishForm, error) {
	evs, err := svc.Evaluations(c.UserContext(), period)
	if err != nil {
		return nil, err
	}
	form := &publishForm{Action: "/evaluations/" + period.String() + "/publish", CSRF: s.csrfToken(c)}
	next, err := nextRules(evs, period)
	if err != nil {
		return form, nil
	}
	form.RuleSet = ruleSetLabel(next)
	record := "草稿"
	if next.Published() {
		record = next.Label()
	}
	form.Source = record + "，" + next.CreatedAt.In(saima.Beijing).Format("2006-01-02 15:04") + "，" + next.CreatedBy
	form.Change = ruleSetChange(next, lastPublished(evs))
	return form, nil
}

// board is one track's ranking: a bar chart and a table.
type board struct {
	Track      string
	Chart      chart
	Indicators []string // column headings, in rule-set order
	Rows       []boardRow
	Imputed    bool // some cell is an imputed score, so the footnote shows
	LeftOut    bool // some cell is an indicator that did not count, so its footnote shows
	// Lists are the track's rank lists, such as 红榜 and 黑榜, in the
	// order the results name them; empty for a run without unit results.
	Lists []boardList
	// ListNotes say why the track gets some list of the rule set in no
	// unit, such as 本赛道只有 1 个单位，少于黑榜要求的 6 个，不评黑榜.
	ListNotes []string
	// Columns are the adjustments that the run's rule set defines, one
	// column each; none for a run without unit results.
	Columns scoring.Columns
}

// Verdicts returns the rows whose result a veto, the fail threshold, a
// penalty or a grade cap lowered, for the notes below the table.
func (b board) Verdicts() []boardRow {
	return lo.Filter(b.Rows, func(r boardRow, _ int) bool { return len(r.Verdict.Reasons) > 0 })
}

// withholdLists drops from each board the lists that withheld, by track,
// names, and adds the reason as a note. A run stored before the rule set
// had a minimum track size can still hold such a list.
func withholdLists(boards []board, withheld map[string][]scoring.WithheldList) {
	for i := range boards {
		b := &boards[i]
		for _, w := range withheld[b.Track] {
			b.Lists = slices.DeleteFunc(b.Lists, func(l boardList) bool { return l.Name == w.List })
			b.ListNotes = append(b.ListNotes, w.Note())
		}
	}
}

// noteEmptyLists adds to each board the reason why a list that empty,
// by track, names is empty.
func noteEmptyLists(boards []board, empty map[string][]scoring.EmptyList) {
	for i := range boards {
		for _, e := range empty[boards[i].Track] {
			boards[i].ListNotes = append(boards[i].ListNotes, e.Note())
		}
	}
}

// boardList is one rank list of a track and its units, in the order of
// the computed ranking that put them on it.
type boardList struct {
	Name  string
	Units []listUnit
}

// listUnit is a unit on a rank list. Lists follow the computed ranking, so
// a unit whose composite an override changed keeps its place and is
// marked, with both results in a note.
type listUnit struct {
	Name     string
	Adjusted bool // an override changed the unit's result
	Shown    saima.Score
	Computed saima.Score
}

// Adjustments returns the list's units that an override changed.
func (l boardList) Adjustments() []listUnit {
	return lo.Filter(l.Units, func(u listUnit, _ int) bool { return u.Adjusted })
}

type boardRow struct {
	Score    saima.Score     // as shown, overrides applied
	Computed float64         // the composite as the rule set computed it
	Adjusted bool            // an override applies to the unit
	Interval string          // the rank's 5–95 % interval, or empty when none is available
	Cells    []indicatorCell // one per board indicator
	// Verdict is the unit's grade, bonus, penalty and vetoes as computed;
	// zero for a run without unit results.
	Verdict scoring.Verdict
}

// VetoText returns the veto cell: the names of the vetoes that applied,
// 未达及格线 for a unit that only the fail threshold failed, or — for
// neither.
func (r boardRow) VetoText() string {
	v := r.Verdict
	switch {
	case len(v.Vetoes) > 0:
		return strings.Join(v.Vetoes, "、")
	case v.Failed:
		return failedText
	}
	return "—"
}

// failedText marks a unit that fail_below failed, in the veto column.
const failedText = "未达及格线"

// pointsText formats bonus or penalty points, or — for none.
func pointsText(points float64) string {
	if points == 0 {
		return "—"
	}
	return saima.FormatComposite(points)
}

// BonusText returns the bonus cell.
func (r boardRow) BonusText() string { return pointsText(r.Verdict.Bonus) }

// PenaltyText returns the penalty cell.
func (r boardRow) PenaltyText() string { return pointsText(r.Verdict.Penalty) }

// GradeText returns the grade cell, or — when the unit has none.
func (r boardRow) GradeText() string { return cmp.Or(r.Verdict.Grade, "—") }

type indicatorCell struct {
	// Text is the score as FormatIndicator shows it, 不计分 when the
	// indicator did not count for the unit, or — when the unit's track has
	// no such indicator.
	Text    string
	Imputed bool // the unit had no data and the rule set imputed the score
	LeftOut bool // the unit had no data and the indicator did not count
	// Computed is the score as the rule set computed it, formatted as
	// Text. It is empty unless an override of this indicator applies.
	Computed string
	// Name is the indicator's name, for the override's footnote.
	Name string
}

func (s *Server) handleLeaderboard(c *fiber.Ctx) error {
	ctx := c.UserContext()
	periods, err := s.scorePeriods(ctx)
	if err != nil {
		return fmt.Errorf("list score periods: %w", err)
	}
	page := leaderboardPage{Periods: periods, Track: c.Query("track")}
	if len(periods) == 0 {
		if param := c.Query("period"); param != "" {
			if _, err := scorePeriodParam(param); err != nil {
				return err
			}
		}
		return s.render(c, "leaderboard.html", "赛马排行", "leaderboard", page)
	}

	if c.Query("period") == "" {
		page.Period, page.Passed, err = s.defaultChoice(ctx, periods)
	} else {
		page.Period, err = s.pickPeriod(c, c.Query("period"), periods)
	}
	if err != nil {
		return err
	}
	st, err := s.standing(ctx, page.Period)
	if err != nil {
		return err
	}
	page.Label, page.Unmatched = st.Label(), st.Unmatched
	page.Published = st.Evaluation != nil && st.Evaluation.Published()
	page.AsOf = dataAsOf(st.Evaluation, s.now())
	page.Indicators = map[string]string{}
	for _, e := range st.Entries {
		page.Overrides = append(page.Overrides, e.Overrides...)
		for _, ct := range e.Contributions {
			page.Indicators[ct.Indicator] = ct.Name
		}
	}
	who, err := s.identity(c)
	if err != nil {
		return err
	}
	page.Reports = who != nil && who.account.Role != saima.RoleUnit
	if who != nil && who.account.Role == saima.RoleUnit {
		page.OwnUnit = who.account.Unit
	}
	if page.Boards, page.Tracks, err = buildBoards(st, page.Track, page.OwnUnit); err != nil {
		return err
	}
	page.Unranked, page.UnrankedFromCurrentRoster = st.Unranked, st.UnrankedFromCurrentRoster
	withholdLists(page.Boards, st.Withheld())
	noteEmptyLists(page.Boards, st.EmptyLists())
	if page.Period.Kind == saima.PeriodQuarter {
		page.PDF = "/reports/quarterly/" + page.Period.String() + ".pdf"
	}
	page.JustPublished = justPublished(st.Evaluation, c.Query("published"), s.now())
	if svc, ok := s.evaluations(); ok && who != nil && who.account.Role == saima.RoleOffice {
		if page.Publish, err = s.newPublishForm(c, svc, page.Period); err != nil {
			return err
		}
	}
	page.Running, page.ReadEarly = partialDays(page.Period, st, s.now())
	title := page.Period.Label() + "赛马排行"
	return s.render(c, "leaderboard.html", title, "leaderboard", page)
}

// runningUntil returns the last day of period p and true while p is still
// running at now, its last day included.
func runningUntil(p saima.Period, now time.Time) (saima.Date, bool) {
	end := p.End()
	return end, !saima.DateOf(now).After(end)
}

// dataAsOf returns 数据截至 and the Beijing time, on the server's clock that
// reads now, of the store version that ev read, or "" when ev is nil or has
// no version.
func dataAsOf(ev *scoring.Evaluation, now time.Time) string {
	if ev == nil || ev.DataAsOf == 0 {
		return ""
	}
	return "数据截至 " + formatClock(versionTime(ev.DataAsOf, now))
}

// justPublishedWindow is how long after a publication the leaderboard
// confirms it to a link that names its version.
const justPublishedWindow = 10 * time.Minute

// justPublished returns param, the published query parameter that the
// publish form's redirect adds, such as v2, when it names ev, the version
// the leaderboard shows, and ev was published within justPublishedWindow
// of now. Otherwise it returns "", so that a link naming another version,
// or an old link, confirms nothing.
func justPublished(ev *scoring.Evaluation, param string, now time.Time) string {
	if ev == nil || !ev.Published() || param != fmt.Sprintf("v%d", ev.Version) {
		return ""
	}
	if age := now.Sub(ev.PublishedAt); age < 0 || age > justPublishedWindow {
		return ""
	}
	return param
}

// pickPeriod parses the period parameter, defaulting to the newest scored
// period that pages should open on (see defaultPeriod), and rejects a
// period without scores with what the viewer can do about it (see noRun).
func (s *Server) pickPeriod(c *fiber.Ctx, param string, scored []saima.Period) (saima.Period, error) {
	if param == "" {
		return s.defaultPeriod(c.UserContext(), scored)
	}
	p, err := scorePeriodParam(param)
	if err != nil {
		return saima.Period{}, err
	}
	if slices.Contains(scored, p) {
		return p, nil
	}
	return saima.Period{}, s.noRun(c, p)
}

// scorePeriodParam parses the period parameter of the ranking pages and
// rejects any period but a quarter of the ledger's years. Pages check it
// also on a ledger with no scores, so a bad link fails the same way there.
func scorePeriodParam(param string) (saima.Period, error) {
	// Scoring runs only quarters, so the message offers no other kind.
	p, err := periodParamOf("period", param, "排行榜按季度考评，应为季度（如 2026Q3）")
	if err != nil {
		return saima.Period{}, err
	}
	switch p.Kind {
	case saima.PeriodMonth:
		return saima.Period{}, saima.Errorf(saima.KindInvalid, "%s不单独考评：考评按季度进行，该月属于%s，请查看 %s",
			p.Label(), p.Quarter().Label(), p.Quarter())
	case saima.PeriodYear:
		return saima.Period{}, saima.Errorf(saima.KindInvalid, "%s不单独排名：年度排名见年度考评报告 /reports/annual/%d.pdf",
			p.Label(), p.Year)
	}
	return p, nil
}

// defaultPeriod returns the period that pages open on without a period
// parameter; see defaultChoice.
func (s *Server) defaultPeriod(ctx context.Context, scored []saima.Period) (saima.Period, error) {
	p, _, err := s.defaultChoice(ctx, scored)
	return p, err
}

// defaultChoice returns the newest scored period with data (see
// newestScored), except in the first [saima.ProgressGraceDays] days of a
// quarter. Then the new quarter's draft holds a few days of uploads, and
// ranks every unit on them, while the reports of the quarter that has
// just ended still arrive. So when that quarter is scored with data,
// defaultChoice returns it, and returns the new quarter as passed, for the
// page to offer.
func (s *Server) defaultChoice(ctx context.Context, scored []saima.Period) (shown, passed saima.Period, err error) {
	newest, err := s.newestScored(ctx, scored)
	if err != nil {
		return saima.Period{}, saima.Period{}, err
	}
	fresh, inGrace, err := s.freshQuarter(ctx)
	if err != nil {
		return saima.Period{}, saima.Period{}, err
	}
	if !inGrace || newest != fresh || !slices.Contains(scored, fresh.Prev()) {
		return newest, saima.Period{}, nil
	}
	st, err := s.standing(ctx, fresh.Prev())
	if err != nil || !hasData(st) {
		return newest, saima.Period{}, err
	}
	return fresh.Prev(), fresh, nil
}

// freshQuarter returns the quarter that contains today and true while
// today is within [saima.ProgressGraceDays] of the previous quarter's end
// and the office has not published that quarter. The office has approved
// a published result, so the grace days no longer hide it.
func (s *Server) freshQuarter(ctx context.Context) (saima.Period, bool, error) {
	prev, ok := saima.ReportingQuarter(saima.DateOf(s.now()))
	if !ok {
		return prev.Next(), false, nil
	}
	published, err := s.isPublished(ctx, prev.Next())
	return prev.Next(), !published, err
}

// isPublished reports whether the office has published any version of
// period p. Without an evaluation store nothing is published.
func (s *Server) isPublished(ctx context.Context, p saima.Period) (bool, error) {
	svc, ok := s.evaluations()
	if !ok {
		return false, nil
	}
	evs, err := svc.Evaluations(ctx, p)
	if err != nil {
		return false, fmt.Errorf("list the evaluations of %s: %w", p, err)
	}
	return lastPublished(evs) != nil, nil
}

// newestScored returns the newest of the scored periods, newest first,
// that has begun and whose standing has data, or the newest one that has
// begun when none has data, or else the newest. Scoring rejects a quarter
// that has not begun or has no data, but a ledger scored before that rule
// may hold such a run, and every page would otherwise open on a ranking
// of zeros.
func (s *Server) newestScored(ctx context.Context, scored []saima.Period) (saima.Period, error) {
	today := saima.DateOf(s.now())
	begun := slices.DeleteFunc(slices.Clone(scored), func(p saima.Period) bool { return p.Start().After(today) })
	if len(begun) == 0 {
		return scored[0], nil
	}
	for _, p := range begun {
		st, err := s.standing(ctx, p)
		if err != nil {
			return saima.Period{}, err
		}
		if hasData(st) {
			return p, nil
		}
	}
	return begun[0], nil
}

// hasData reports whether any unit of st has a value for any indicator.
func hasData(st *scoring.Standing) bool {
	return slices.ContainsFunc(st.Entries, func(e scoring.Entry) bool {
		return slices.ContainsFunc(e.Computed.Contributions, func(c saima.Contribution) bool { return !c.Missing })
	})
}

// buildBoards groups the ranked entries of st by track and builds one board per
// track, or only the named track's when track is set. It returns every
// track found, for the selector.
func buildBoards(st *scoring.Standing, track, ownUnit string) ([]board, []string, error) {
	tracks, byTrack := groupByTrack(st.Entries)
	columns, verdicts := st.Columns(), st.Verdicts()
	if track != "" && !slices.Contains(tracks, track) {
		return nil, tracks, saima.Errorf(saima.KindNotFound, "本期没有赛道“%s”的考评结果", track)
	}

	var boards []board
	for i, t := range tracks {
		if track != "" && t != track {
			continue
		}
		b, err := newBoard(fmt.Sprintf("chart-track-%d", i), t, byTrack[t], ownUnit)
		if err != nil {
			return nil, tracks, err
		}
		b.Columns = columns
		for j := range b.Rows {
			b.Rows[j].Verdict = verdicts[b.Rows[j].Score.Unit]
		}
		boards = append(boards, b)
	}
	return boards, tracks, nil
}

// groupByTrack splits entries by track. Tracks come in the order of the
// unit kinds, then any others in the order they appear.
func groupByTrack(entries []scoring.Entry) ([]string, map[string][]scoring.Entry) {
	byTrack := lo.GroupBy(entries, func(e scoring.Entry) string { return e.Track })
	found := lo.Uniq(lo.Map(entries, func(e scoring.Entry, _ int) string { return e.Track }))

	slices.SortStableFunc(found, saima.CompareTracks)
	return found, byTrack
}

func newBoard(id, track string, entries []scoring.Entry, ownUnit string) (board, error) {
	scores := make([]saima.Score, len(entries))
	for i, e := range entries {
		scores[i] = e.Score
	}
	option, err := reports.LeaderboardOption(track, scores)
	if err == nil {
		option, err = linkUnitBars(option, ownUnit)
	}
	if err != nil {
		return board{}, fmt.Errorf("leaderboard option %s: %w", track, err)
	}
	b := board{Track: track}
	if b.Chart, err = newChart(id, option, len(scores)); err != nil {
		return board{}, fmt.Errorf("leaderboard option %s: %w", track, err)
	}

	ids, names := indicatorColumns(scores)
	b.Indicators = names
	for _, e := range entries {
		row := boardRow{Score: e.Score, Computed: e.Computed.Value, Adjusted: e.Overridden(),
			Interval: intervalText(e.Robust), Cells: make([]indicatorCell, len(ids))}
		for i, id := range ids {
			row.Cells[i] = cellFor(e.Score, id)
			if slices.ContainsFunc(e.Overrides, func(o scoring.Override) bool { return o.Indicator == id }) {
				row.Cells[i].Computed, row.Cells[i].Name = cellFor(e.Computed, id).Text, names[i]
			}
			b.Imputed = b.Imputed || row.Cells[i].Imputed
			b.LeftOut = b.LeftOut || row.Cells[i].LeftOut
		}
		b.Rows = append(b.Rows, row)
	}
	b.Lists = rankLists(entries)
	return b, nil
}

// rankLists collects the lists that the rule set put each unit on when
// the run was computed. Overrides change no list, but mark the units they
// changed.
func rankLists(entries []scoring.Entry) []boardList {
	var out []boardList
	for _, e := range entries {
		if e.Result == nil {
			continue
		}
		for _, name := range e.Result.Lists {
			i := slices.IndexFunc(out, func(l boardList) bool { return l.Name == name })
			if i < 0 {
				out, i = append(out, boardList{Name: name}), len(out)
			}
			out[i].Units = append(out[i].Units,
				listUnit{Name: e.Unit, Adjusted: e.Overridden(), Shown: e.Score, Computed: e.Computed})
		}
	}
	for _, l := range out {
		slices.SortStableFunc(l.Units, func(a, b listUnit) int { return cmp.Compare(a.Computed.Rank, b.Computed.Rank) })
	}
	return out
}

// indicatorColumns lists the indicators of a track in the order the
// scores first name them.
func indicatorColumns(scores []saima.Score) (ids, names []string) {
	for _, sc := range scores {
		for _, ct := range sc.Contributions {
			if !slices.Contains(ids, ct.Indicator) {
				ids = append(ids, ct.Indicator)
				names = append(names, ct.Name)
			}
		}
	}
	return ids, names
}

// leftOutText replaces the score of an indicator that did not count for a
// unit, whose stored score is not a score.
const leftOutText = "不计分"

// unrankedRosterNote warns, on the page and in the workbook, that the
// units listed as left out of the ranking come from the current roster.
const unrankedRosterNote = "本期结果保存时尚未记录当时不参与排名的单位，以上按当前单位名单列出，可能与计算本期结果时的名单不同。"

// UnrankedRosterNote returns [unrankedRosterNote] for the template.
func (p leaderboardPage) UnrankedRosterNote() string { return unrankedRosterNote }

// Notes below a ranking, on the page and in the workbook, for each mark its
// cells may carry.
const (
	imputedNote  = "* 该单位此项无数据，得分按计分规则补足。"
	leftOutNote  = "不计分：该单位此项无数据，且不计入综合得分（本赛道没有单位有此项数据，或此项对该单位不适用），其权重由其余指标分担。"
	overrideNote = "† 综合得分经人工调整，“计算值”为按计分规则计算的得分；调整人、时间和理由见“人工调整”。"
)

func cellFor(sc saima.Score, indicator string) indicatorCell {
	for _, ct := range sc.Contributions {
		switch {
		case ct.Indicator != indicator:
		case ct.LeftOut():
			return indicatorCell{Text: leftOutText, LeftOut: true}
		default:
			return indicatorCell{Text: saima.FormatIndicator(ct.Score), Imputed: ct.Imputed()}
		}
	}
	return indicatorCell{Text: "—"}
}

// scoresAPI is the JSON reply of GET /api/scores.
type scoresAPI struct {
	Period  saima.Period   `json:"period"`
	Periods []saima.Period `json:"periods"`
	// Label marks the scores: 已发布 v2 for a published evaluation, 未发布
	// for a draft run.
	Label      string          `json:"label"`
	Evaluation *evaluationJSON `json:"evaluation"` // null for a run without a record
	Scores     []scoreJSON     `json:"scores"`
	// Columns lists which of each score's verdict fields the run's rule
	// set defines.
	Columns columnsJSON `json:"columns"`
	// Unranked are the units that the run left out of the ranking on
	// purpose (赛道 不参与排名), never null.
	Unranked []unrankedJSON `json:"unranked"`
	// UnrankedFromCurrentRoster is true when Unranked comes from the
	// current roster, because the run was stored before runs kept the
	// units they left out.
	UnrankedFromCurrentRoster bool `json:"unranked_from_current_roster"`
}

// unrankedJSON is a unit that a run left out of the ranking on purpose.
type unrankedJSON struct {
	Unit   string `json:"unit"`
	Kind   string `json:"kind"`   // 单位类别
	Reason string `json:"reason"` // 不参与排名原因
}

type scoreJSON struct {
	Track          string             `json:"track"`
	Unit           string             `json:"unit"`
	Rank           int                `json:"rank"`
	PrevRank       int                `json:"prev_rank"`
	Movement       string             `json:"movement"`
	Composite      float64            `json:"composite"`
	CompositeText  string             `json:"composite_text"`
	RuleSet        string             `json:"rule_set"`
	RuleSetVersion string             `json:"rule_set_version"`
	RunID          string             `json:"run_id"`
	ComputedAt     string             `json:"computed_at"`
	Contributions  []contributionJSON `json:"contributions"`

	// ComputedComposite and ComputedRank are the result before overrides;
	// they equal Composite and Rank when Overrides is empty.
	ComputedComposite float64           `json:"computed_composite"`
	ComputedRank      int               `json:"computed_rank"`
	Overrides         []overrideJSON    `json:"overrides"`
	RankInterval      *rankIntervalJSON `json:"rank_interval"` // null when none is available
	// Verdict is the unit's grade, bonus, penalty and vetoes as computed,
	// null for a run without stored unit results.
	Verdict *verdictJSON `json:"verdict"`
}

// verdictJSON holds only the fields whose adjustment the run's rule set
// defines: under a rule set without grades there is no grade field.
type verdictJSON struct {
	Grade   *string  `json:"grade,omitempty"`
	Bonus   *float64 `json:"bonus,omitempty"`
	Penalty *float64 `json:"penalty,omitempty"`
	// Failed and Vetoes come with vetoes or fail_below. Vetoes names the
	// vetoes that applied, never null when present.
	Failed  *bool     `json:"failed,omitempty"`
	Vetoes  *[]string `json:"vetoes,omitempty"`
	Reasons []string  `json:"reasons"` // the reasons the result was lowered, in Chinese, never null
}

// columnsJSON lists which verdict fields the run's rule set defines.
type columnsJSON struct {
	Grade   bool `json:"grade"`
	Bonus   bool `json:"bonus"`
	Penalty bool `json:"penalty"`
	Veto    bool `json:"veto"`
}

// addVerdicts sets the verdict of each of scores, which are st's entries
// as the API shows them, and returns the columns that st's rule set
// defines.
func addVerdicts(st *scoring.Standing, scores []scoreJSON) columnsJSON {
	cols, verdicts := st.Columns(), st.Verdicts()
	for i := range scores {
		v, ok := verdicts[scores[i].Unit]
		if !ok {
			continue
		}
		j := &verdictJSON{Reasons: append([]string{}, v.Reasons...)}
		if cols.Grade {
			j.Grade = &v.Grade
		}
		if cols.Bonus {
			j.Bonus = &v.Bonus
		}
		if cols.Penalty {
			j.Penalty = &v.Penalty
		}
		if cols.Veto {
			vetoes := append([]string{}, v.Vetoes...)
			j.Failed, j.Vetoes = &v.Failed, &vetoes
		}
		scores[i].Verdict = j
	}
	return columnsJSON{Grade: cols.Grade, Bonus: cols.Bonus, Penalty: cols.Penalty, Veto: cols.Veto}
}

type contributionJSON struct {
	Indicator string   `json:"indicator"`
	Name      string   `json:"name"`
	Raw       *float64 `json:"raw"` // null when the unit had no data
	Score     float64  `json:"score"`
	Weight    float64  `json:"weight"`
	Points    float64  `json:"points"`
}

func contributionsJSON(cts []saima.Contribution) []contributionJSON {
	out := make([]contributionJSON, 0, len(cts))
	for _, ct := range cts {
		j := contributionJSON{Indicator: ct.Indicator, Name: ct.Name, Score: ct.Score, Weight: ct.Weight, Points: ct.Points}
		if !ct.Missing {
			j.Raw = &ct.Raw
		}
		out = append(out, j)
	}
	return out
}

func (s *Server) handleScoresAPI(c *fiber.Ctx) error {
	ctx := c.UserContext()
	periods, err := s.store.ListScorePeriods(ctx)
	if err != nil {
		return fmt.Errorf("list score periods: %w", err)
	}
	reply := scoresAPI{Periods: periods, Scores: []scoreJSON{}, Unranked: []unrankedJSON{}}
	if len(periods) == 0 {
		if param := c.Query("period"); param != "" {
			if _, err := scorePeriodParam(param); err != nil {
				return err
			}
		}
		return c.JSON(reply)
	}
	if reply.Period, err = s.pickPeriod(c, c.Query("period"), periods); err != nil {
		return err
	}
	st, err := s.standing(ctx, reply.Period)
	if err != nil {
		return err
	}
	reply.Label, reply.Evaluation = st.Label(), evaluationToJSON(st.Evaluation, s.now())
	for i := range st.Entries {
		reply.Scores = append(reply.Scores, entryToJSON(&st.Entries[i]))
	}
	reply.Columns = addVerdicts(st, reply.Scores)
	for _, u := range st.Unranked {
		reply.Unranked = append(reply.Unranked, unrankedJSON{Unit: u.Name, Kind: u.Kind, Reason: u.UnrankedReason})
	}
	reply.UnrankedFromCurrentRoster = st.UnrankedFromCurrentRoster
	return c.JSON(reply)
}

// entryToJSON returns a standing's entry as the API shows it.
func entryToJSON(e *scoring.Entry) scoreJSON {
	sc := e.Score
	return scoreJSON{
		Track:             sc.Track,
		Unit:              sc.Unit,
		Rank:              sc.Rank,
		PrevRank:          sc.PrevRank,
		Movement:          movement(sc),
		Composite:         sc.Value,
		CompositeText:     saima.FormatComposite(sc.Value),
		RuleSet:           sc.RuleSet,
		RuleSetVersion:    sc.RuleSetVersion,
		RunID:             sc.RunID,
		ComputedAt:        sc.ComputedAt.In(saima.Beijing).Format("2006-01-02T15:04:05Z07:00"),
		Contributions:     contributionsJSON(sc.Contributions),
		ComputedComposite: e.Computed.Value,
		ComputedRank:      e.Computed.Rank,
		Overrides:         overridesToJSON(e.Overrides),
		RankInterval:      rankIntervalToJSON(e.Robust),
	}
}

// scorePeriods returns the periods with stored scores, newest first.
func (s *Server) scorePeriods(ctx context.Context) ([]saima.Period, error) {
	return cached(s.cache, "score-periods", func() ([]saima.Period, error) { return s.store.ListScorePeriods(ctx) })
}

// IndicatorName returns the name of the indicator with id in the shown
// run, or id itself when the run has no such indicator.
func (p leaderboardPage) IndicatorName(id string) string {
	if name, ok := p.Indicators[id]; ok && name != "" {
		return name
	}
	return id
}

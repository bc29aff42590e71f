package web

import (
	"cmp"
	"context"
	"fmt"
	"net/url"
	"slices"
	"strings"

	"github.com/gofiber/fiber/v2"

	"saima"
	"saima/reports"
	"saima/scoring"
)

// unitPage is the data of unit.html.
type unitPage struct {
	Unit   saima.Unit
	Scores []unitScore // every scored period, newest first
	// Latest is the headline result: the newest published quarter that
	// has begun, or while none is published the newest draft, marked. The
	// office has approved a published result, while a draft of a running
	// quarter changes with every upload. It is nil when the unit was never
	// scored.
	Latest *unitScore
	// Newer is the newest draft when it is newer than Latest, shown marked
	// beside the headline; nil otherwise.
	Newer  *unitScore
	Charts []chart     // composite trend, then rank trend
	Detail *unitDetail // radar, projects and overdue milestones

	Reminders *reminders // the unit's missing reports and milestones due soon

	// Unranked are the scored periods whose shown result left the unit
	// out of the ranking on purpose, newest first.
	Unranked []unitUnranked

	// LedgerLinks is whether the viewer may open the ledger pages: office
	// and leader accounts may, unit accounts may not.
	LedgerLinks bool
}

// unitUnranked is a period whose shown result left the unit out of the
// ranking on purpose (赛道 不参与排名).
type unitUnranked struct {
	Period saima.Period
	Label  string     // 已发布 v2, or 未发布 for a draft
	Unit   saima.Unit // the unit as that result's run read it, with its 单位类别 and reason
	// FromCurrentRoster is whether the reason comes from the current
	// roster, because the run did not store its list.
	FromCurrentRoster bool
}

// unitScore is a score of the unit with the status of its period's
// result, as the leaderboard marks it.
type unitScore struct {
	saima.Score
	Label     string     // 已发布 v2, or 未发布 for a draft
	Published bool       // the score is of a published evaluation
	Running   saima.Date // the period's last day while it runs, zero after
	AsOf      string     // 数据截至 and the time of the data the run read; "" when unknown
	// Overridden is whether a manual override changed the composite, and
	// Computed is then the composite the rule set computed.
	Overridden bool
	Computed   float64
	// Columns are the adjustments that the rule set of the period's
	// result defines, and Verdict what they did to the unit; Verdict is
	// nil for a run without stored unit results.
	Columns scoring.Columns
	Verdict *scoring.Verdict
}

// VerdictText returns the unit's grade, or — without one, followed by
// the reasons its result was lowered, for the history table.
func (u unitScore) VerdictText() string {
	if u.Verdict == nil {
		return "—"
	}
	parts := []string{cmp.Or(u.Verdict.Grade, "—")}
	return strings.Join(append(parts, u.Verdict.Reasons...), "；")
}

// ShowsVerdicts reports whether the rule set of any of the page's
// results defines grades, a bonus, penalties or vetoes, so that the
// history table needs their column.
func (p unitPage) ShowsVerdicts() bool {
	return slices.ContainsFunc(p.Scores, func(u unitScore) bool { return u.Columns.Any() })
}

// Mark returns † when an override changed the composite, as the
// leaderboard marks it.
func (u unitScore) Mark() string {
	if !u.Overridden {
		return ""
	}
	return "†"
}

// Status returns how the history table marks the score: 已发布 v2, or
// 草稿（未发布） with the day a running period ends.
func (u unitScore) Status() string {
	text := u.Label
	if !u.Published {
		text = "草稿（未发布）"
	}
	if !u.Running.IsZero() {
		text += "，本期到 " + u.Running.String() + " 才结束"
	}
	return text
}

func (s *Server) handleUnit(c *fiber.Ctx) error {
	name, err := url.PathUnescape(c.Params("name"))
	if err != nil {
		return invalidParam("单位", c.Params("name"), "地址中的单位名称编码有误")
	}
	unit, err := s.findUnit(c, name)
	if err != nil {
		return err
	}
	scores, err := s.store.ListUnitScores(c.UserContext(), unit.Name)
	if err != nil {
		return fmt.Errorf("list unit scores: %w", err)
	}

	marked, err := s.markScores(c.UserContext(), scores)
	if err != nil {
		return err
	}
	page := unitPage{Unit: unit}
	if len(marked) > 0 {
		page.Latest, page.Newer = pickHeadline(marked, saima.DateOf(s.now()))
		if page.Charts, err = unitCharts(unit.Name, marked); err != nil {
			return err
		}
	}
	for i := len(marked) - 1; i >= 0; i-- {
		page.Scores = append(page.Scores, marked[i])
	}
	if page.Detail, err = s.unitDetail(c.UserContext(), unit, page.Latest, saima.DateOf(s.now())); err != nil {
		return err
	}
	if page.Reminders, err = s.loadReminders(c.UserContext(), unit.Name, DefaultReminderDays); err != nil {
		return err
	}
	if page.Unranked, err = s.unrankedPeriods(c.UserContext(), unit.Name); err != nil {
		return err
	}
	viewer, err := s.identity(c)
	if err != nil {
		return err
	}
	page.LedgerLinks = viewer != nil && viewer.account.Role != saima.RoleUnit
	return s.render(c, "unit.html", unit.Name, "leaderboard", page)
}

// unrankedPeriods returns the scored periods, newest first, whose result
// as the leaderboard shows it left unit out of the ranking on purpose.
func (s *Server) unrankedPeriods(ctx context.Context, unit string) ([]unitUnranked, error) {
	periods, err := s.scorePeriods(ctx)
	if err != nil {
		return nil, fmt.Errorf("list score periods: %w", err)
	}
	var out []unitUnranked
	for _, p := range periods {
		st, err := s.standing(ctx, p)
		if saima.ErrorKind(err) == saima.KindNotFound {
			continue
		}
		if err != nil {
			return nil, err
		}
		i := slices.IndexFunc(st.Unranked, func(u saima.Unit) bool { return u.Name == unit })
		if i < 0 {
			continue
		}
		out = append(out, unitUnranked{Period: p, Label: st.Label(), Unit: st.Unranked[i],
			FromCurrentRoster: st.UnrankedFromCurrentRoster})
	}
	return out, nil
}

// markScores returns scores, oldest first, each with the status of its
// period's result. ListUnitScores reads a period's latest published run
// when it has one, so a period is published when any of its evaluations
// is. Without an evaluation store every score is a draft, as the
// leaderboard labels it 未发布.
func (s *Server) markScores(ctx context.Context, scores []saima.Score) ([]unitScore, error) {
	svc, recorded := s.evaluations()
	out := make([]unitScore, len(scores))
	for i, sc := range scores {
		out[i] = unitScore{Score: sc, Label: (*scoring.Evaluation)(nil).Label()}
		if end, ok := runningUntil(sc.Period, s.now()); ok {
			out[i].Running = end
		}
		if !recorded {
			continue
		}
		evs, err := svc.Evaluations(ctx, sc.Period)
		if err != nil {
			return nil, err
		}
		if pub := lastPublished(evs); pub != nil {
			out[i].Label, out[i].Published = pub.Label(), true
			out[i].AsOf = dataAsOf(pub, s.now())
		} else {
			out[i].AsOf = dataAsOf(findEvaluation(evs, sc.RunID), s.now())
		}
		if err := applyOverrides(ctx, svc, &out[i]); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// findEvaluation returns the record of run runID among evs, or nil.
func findEvaluation(evs []scoring.Evaluation, runID string) *scoring.Evaluation {
	for i := range evs {
		if evs[i].RunID == runID {
			return &evs[i]
		}
	}
	return nil
}

// applyOverrides replaces the stored score of u with the one the
// leaderboard shows for its period: manual overrides applied and ranks
// recomputed. The rank changes too when only another unit of the track
// was overridden. The computed composite is kept when an override
// changed it. It also sets the grade, bonus, penalty and vetoes of u
// that the leaderboard shows.
func applyOverrides(ctx context.Context, svc *scoring.Service, u *unitScore) error {
	st, err := svc.Current(ctx, u.Period)
	if err != nil {
		return fmt.Errorf("read the standing of %s: %w", u.Period, err)
	}
	e, ok := st.Entry(u.Unit)
	if !ok {
		return nil
	}
	u.Score = e.Score
	u.Columns = st.Columns()
	if v, ok := st.Verdicts()[u.Unit]; ok {
		u.Verdict = &v
	}
	if e.Overridden() && e.Computed.Value != e.Score.Value {
		u.Overridden, u.Computed = true, e.Computed.Value
	}
	return nil
}

// pickHeadline picks the unit page's headline result from scores, oldest
// first: the newest published one whose period has begun on today, and
// the newest begun draft after it as newer. While nothing is published it
// is the newest begun draft. In the grace days of a new quarter (see
// latestBegun) the headline stays on the quarter that has just ended,
// and the new quarter's draft is newer, so that the page still shows it.
// Once the new quarter is published, the grace days no longer apply.
func pickHeadline(scores []unitScore, today saima.Date) (latest, newer *unitScore) {
	plain := make([]saima.Score, len(scores))
	inGrace := true
	prev, graceDays := saima.ReportingQuarter(today)
	for i, sc := range scores {
		plain[i] = sc.Score
		if graceDays && sc.Period == prev.Next() && sc.Published {
			inGrace = false
		}
	}
	begun, last := latestBegun(plain, today, inGrace), lastBegun(plain, today)
	for i := begun; i >= 0; i-- {
		if scores[i].Published {
			if i < last {
				newer = &scores[last]
			}
			return &scores[i], newer
		}
	}
	if begun < last {
		newer = &scores[last]
	}
	return &scores[begun], newer
}

// unitParam returns the roster name of the unit that the query parameter
// unit names, by name or alias, and "" for an empty one. A name off the
// roster is rejected, because a filter by it would match nothing and show
// an empty list as if the unit had no records.
func (s *Server) unitParam(c *fiber.Ctx, name string) (string, error) {
	if name == "" {
		return "", nil
	}
	u, err := s.findUnit(c, name)
	switch {
	case saima.ErrorKind(err) == saima.KindNotFound:
		return name, invalidParam("unit", name, "单位名单中没有该单位，请使用名单中的单位名称或别名")
	case err != nil:
		return name, err
	}
	return u.Name, nil
}

// findUnit looks name up in the roster, by name or alias.
func (s *Server) findUnit(c *fiber.Ctx, name string) (saima.Unit, error) {
	units, err := s.store.ListUnits(c.UserContext())
	if err != nil {
		return saima.Unit{}, fmt.Errorf("list units: %w", err)
	}
	if u, ok := saima.FindUnit(units, name); ok {
		return u, nil
	}
	return saima.Unit{}, saima.Errorf(saima.KindNotFound, "单位名单中没有“%s”", name)
}

// chartPeriod returns the axis label of sc's period on the trend charts,
// marked （草稿） for a draft. The label also names the period in the
// tooltip, and the draft's point is marked 草稿 on the line itself.
func chartPeriod(sc unitScore) string {
	if sc.Published {
		return sc.Period.String()
	}
	return sc.Period.String() + "（草稿）"
}

// chartMark returns the text that marks sc's point on the trend charts:
// 草稿 for a draft, and "" for a published result.
func chartMark(sc unitScore) string {
	if sc.Published {
		return ""
	}
	return "草稿"
}

// unitCharts builds the composite and rank trend lines over the quarters
// the unit was scored in. Scores of months or years are left out so that
// the axis stays one step per quarter.
func unitCharts(unit string, scores []unitScore) ([]chart, error) {
	var periods, marks, links []string
	var composite, rank []*float64
	for _, sc := range scores {
		if sc.Period.Kind != saima.PeriodQuarter {
			continue
		}
		periods = append(periods, chartPeriod(sc))
		marks = append(marks, chartMark(sc))
		links = append(links, pageURL("/leaderboard", "period", sc.Period.String(), "track", sc.Track))
		value, place := sc.Value, float64(sc.Rank)
		composite = append(composite, &value)
		rank = append(rank, &place)
	}

	// The titles leave out the unit's name, which the page's heading
	// gives, because a long name ran past the chart's edge and hid the
	// words that name the chart.
	composites := []reports.Series{{Name: "综合得分", Values: composite, Marks: marks}}
	compositeOption, err := reports.TrendOption("综合得分趋势", periods, composites, 1)
	if err != nil {
		return nil, fmt.Errorf("trend option: %w", err)
	}
	ranks := reports.Series{Name: "名次", Values: rank, Marks: marks}
	rankOption, err := reports.RankTrendOption("赛道名次趋势", periods, ranks)
	if err != nil {
		return nil, fmt.Errorf("rank trend option: %w", err)
	}
	// Both trends get the rank axis's height, so that they stay side by
	// side at the same size.
	rows := reports.RankAxisLabels(ranks)
	var charts []chart
	for _, sp := range []struct {
		id     string
		option []byte
	}{{"chart-composite", compositeOption}, {"chart-rank", rankOption}} {
		option, err := reports.AddLinks(sp.option, 0, links)
		if err != nil {
			return nil, fmt.Errorf("trend option: %w", err)
		}
		ch, err := newChart(sp.id, option, rows)
		if err != nil {
			return nil, fmt.Errorf("trend option: %w", err)
		}
		charts = append(charts, ch)
	}
	return charts, nil
}

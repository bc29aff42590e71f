package reports

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/samber/lo"

	"saima"
)

// DefaultTitle is the title BuildQuarterly gives a quarterly report. Set
// Quarterly.Title to [QuarterlyTitle] of another city.
const DefaultTitle = DefaultCity + quarterlyTitle

// Quarterly is the content of one quarterly assessment report. Build it with
// [BuildQuarterly] and draw it with [WriteQuarterly].
type Quarterly struct {
	Title       string       // shown on the first page and in every page header
	Period      saima.Period // the assessed period, shown with Period.Label
	Scope       string       // shown after the period, such as a unit's name; empty for the whole city
	RuleSet     string       // rule-set name and version, shown on the first page
	GeneratedAt time.Time    // shown in Beijing time, and the PDF's creation date
	DataAsOf    time.Time    // the judging day: milestones planned before it and not done before it are overdue
	// DataVersion is the moment of the ledger the ranking read: uploads
	// committed after it are not in the report. Zero when unknown.
	DataVersion time.Time
	// Status is the ranking's label, such as 已发布 v2 or 未发布, shown on
	// the first page; "" leaves it out.
	Status string
	Draft  bool // the ranking is not a published evaluation, so it may still change
	// ReadAt is when the ranking read the ledger. A ranking read on or
	// before the period's last day contains only the uploads made by then,
	// and the report states it. Zero when unknown.
	ReadAt time.Time
	Tracks []TrackRanking
	// Computed holds, by unit, the result before manual overrides of each
	// unit that an override changed. The report marks the unit's values
	// with † and shows the computed ones beside them.
	Computed map[string]saima.Score
	// Overrides lists the manual overrides in effect, applied or not.
	Overrides []OverrideLine
	// Unranked are the units that the ranking left out on purpose (赛道
	// 不参与排名), with their 单位类别 and 不参与排名原因, listed after the
	// rankings. UnrankedFromCurrentRoster is whether they come from the
	// current roster instead of the ranking's run, which the report then
	// notes.
	Unranked                  []saima.Unit
	UnrankedFromCurrentRoster bool
	// Verdicts are the units whose result a veto, the fail threshold, a
	// penalty or a grade cap lowered, with the reasons, listed after the
	// rankings. Grades is whether the rule set defines grades.
	Verdicts []VerdictLine
	Grades   bool

	Units    []UnitSection // in the order the report shows them
	Workflow *Workflow     // the ledger's workflows in the period; nil when the source has none
}

// TrackRanking is the ranking of one horse-race track. Scores are already in
// rank order.
type TrackRanking struct {
	Track  string
	Scores []saima.Score
	// Lists are the track's rank lists, and ListNotes say why the track
	// gets some list of the rule set in no unit.
	Lists     []RankList
	ListNotes []string
}

// UnitSection is the part of the report about one unit.
type UnitSection struct {
	Unit  saima.Unit
	Score saima.Score // with Contributions, shown as the indicator table
	// Computed is the unit's result before manual overrides, and nil when
	// no override applies to it.
	Computed  *saima.Score
	Overrides []OverrideLine    // the overrides applied to the unit
	Summary   string            // a narrative paragraph about the unit's result
	Projects  []ProjectLine     // the unit's progress reports in the period
	Overdue   []saima.Milestone // milestones past their planned date
	// Assessments are the unit's assessment records of the period and
	// its months, by indicator, mode and period.
	Assessments []saima.Assessment
}

// ProjectLine is one progress report as the report lists it.
type ProjectLine struct {
	Code     string
	Name     string
	Period   saima.Period // the reported period, such as a month within the quarter
	Percent  *float64     // completion rate in percent points, or nil when not reported
	Progress string       // 进展情况, as written
	Problems string       // 存在问题, as written
}

// Source provides the data a quarterly report reads. clickhouse.Store
// implements it.
type Source interface {
	// ListUnits returns the unit roster.
	ListUnits(ctx context.Context) ([]saima.Unit, error)
	// ListScores returns the latest scoring run of period, for all tracks,
	// in rank order within each track.
	ListScores(ctx context.Context, period saima.Period) ([]saima.Score, error)
	// ListProgress returns the latest version of every progress report in
	// period. A quarter includes the reports of its months.
	ListProgress(ctx context.Context, period saima.Period) ([]saima.ProgressReport, error)
	// ListOverdueMilestones returns the milestones that are not done by
	// asOf although planned before it, and those done late.
	ListOverdueMilestones(ctx context.Context, asOf saima.Date) ([]saima.Milestone, error)
	// ListAssessments returns the assessment records of period. A
	// quarter includes the records of its months but not those of the
	// year.
	ListAssessments(ctx context.Context, period saima.Period) ([]saima.Assessment, error)
}

// BuildQuarterly reads what the report for period needs from src and
// assembles it: one ranking per track, then one section per ranked unit with
// a written summary, its progress reports and its overdue milestones.
//
// Overdue milestones are judged on the last day of period, or on the day of
// now in Beijing when the period has not ended yet. A period without scores
// gives a *saima.Error of kind KindNotFound.
func BuildQuarterly(
	ctx context.Context,
	src Source,
	period saima.Period,
	now time.Time,
) (*Quarterly, error) {
	scores, err := src.ListScores(ctx, period)
	if err != nil {
		return nil, fmt.Errorf("list scores: %w", err)
	}
	return BuildQuarterlyFrom(ctx, src, period, now, scores)
}

// BuildQuarterlyRanking is [BuildQuarterlyFrom] with the ranking's status
// shown on the first page. src must read the ledger as the ranking did:
// as of r.DataAsOf when that is set. r.DataTime must be on the clock that
// now was read from.
func BuildQuarterlyRanking(
	ctx context.Context,
	src Source,
	period saima.Period,
	now time.Time,
	r QuarterRanking,
) (*Quarterly, error) {
	// The ranking judged the milestones on its data version's day, so
	// the report does too when that day came before now.
	judged := now
	if !r.DataTime.IsZero() && r.DataTime.Before(now) {
		judged = r.DataTime
	}
	q, err := buildQuarterly(ctx, src, period, now, judged, r)
	if err != nil {
		return nil, err
	}
	q.Status, q.Draft, q.ReadAt, q.DataVersion = r.Status, r.Draft, r.ReadAt, r.DataTime
	return q, nil
}

// BuildQuarterlyFrom is [BuildQuarterly] with the ranking given, such as a
// published evaluation with its manual overrides applied, instead of read
// from src. scores must be ranked within each track.
func BuildQuarterlyFrom(
	ctx context.Context,
	src Source,
	period saima.Period,
	now time.Time,
	scores []saima.Score,
) (*Quarterly, error) {
	return buildQuarterly(ctx, src, period, now, now, QuarterRanking{Scores: scores})
}

// buildQuarterly is [BuildQuarterlyFrom] with the moment judged whose day
// is the judging day while the period runs, and with r's overrides.
func buildQuarterly(
	ctx context.Context,
	src Source,
	period saima.Period,
	now, judged time.Time,
	r QuarterRanking,
) (*Quarterly, error) {
	asOf := period.JudgingDay(judged)
	scores := r.Scores

	units, err := src.ListUnits(ctx)
	if err != nil {
		return nil, fmt.Errorf("list units: %w", err)
	}
	if len(scores) == 0 {
		return nil, saima.Errorf(saima.KindNotFound,
			"%s尚无考评得分，请先计算本期得分（saima score %s）后再生成报告", period.Label(), period)
	}
	progress, err := src.ListProgress(ctx, period)
	if err != nil {
		return nil, fmt.Errorf("list progress: %w", err)
	}
	overdue, err := src.ListOverdueMilestones(ctx, asOf)
	if err != nil {
		return nil, fmt.Errorf("list overdue milestones: %w", err)
	}
	overdue = overdueInPeriod(overdue, period)
	assessments, err := src.ListAssessments(ctx, period)
	if err != nil {
		return nil, fmt.Errorf("list assessments: %w", err)
	}

	q := &Quarterly{
		Title:       DefaultTitle,
		Period:      period,
		RuleSet:     ruleSetLabel(scores),
		GeneratedAt: now,
		DataAsOf:    asOf.Time(),
		Tracks:      groupByTrack(scores),
		Computed:    r.Computed,
		Overrides:   OverrideLines(r),
	}
	q.Unranked, q.UnrankedFromCurrentRoster = r.Unranked, r.UnrankedFromCurrentRoster
	q.Verdicts, q.Grades = r.Verdicts, r.Grades
	for i := range q.Tracks {
		t := &q.Tracks[i]
		t.Lists, t.ListNotes = r.Lists[t.Track], r.ListNotes[t.Track]
	}
	q.Units = unitSections(q, units, progress, overdue, assessments, asOf)
	// The workflow chapter judges the leader-led reports on the day the
	// report is made, so it reads the ledger of that day when given.
	var ledger any = src
	if r.Ledger != nil {
		ledger = r.Ledger
	}
	if q.Workflow, err = workflowOf(ctx, ledger, period, now); err != nil {
		return nil, err
	}
	return q, nil
}

// ruleSetLabel names the rule sets behind scores, each with the first 8
// characters of its content hash, in order of first appearance.
func ruleSetLabel(scores []saima.Score) string {
	labels := lo.Map(scores, func(s saima.Score, _ int) string {
		label := s.RuleSet
		if v := s.RuleSetVersion; v != "" {
			label += "（版本 " + v[:min(len(v), 8)] + "）"
		}
		return label
	})
	return strings.Join(lo.Uniq(labels), "；")
}

// groupByTrack splits scores by track and sorts each track by rank, keeping
// the source's order between tied units.
func groupByTrack(scores []saima.Score) []TrackRanking {
	groups := lo.PartitionBy(scores, func(s saima.Score) string { return s.Track })
	tracks := lo.Map(groups, func(g []saima.Score, _ int) TrackRanking {
		return TrackRanking{Track: g[0].Track, Scores: g}
	})

	for _, t := range tracks {
		slices.SortStableFunc(t.Scores, byRank)
	}
	slices.SortStableFunc(tracks, func(a, b TrackRanking) int {
		return saima.CompareTracks(a.Track, b.Track)
	})
	return tracks
}

func byRank(a, b saima.Score) int { return cmp.Compare(a.Rank, b.Rank) }

// unitSections builds one section per ranked unit of q, in the order of
// its tracks.
func unitSections(
	q *Quarterly,
	units []saima.Unit,
	progress []saima.ProgressReport,
	overdue []saima.Milestone,
	assessments []saima.Assessment,
	asOf saima.Date,
) []UnitSection {
	roster := lo.KeyBy(units, func(u saima.Unit) string { return u.Name })

	var sections []UnitSection
	for _, t := range q.Tracks {
		for _, s := range t.Scores {
			unit, ok := roster[s.Unit]
			if !ok {
				unit = saima.Unit{Name: s.Unit, Track: s.Track}
			}
			sec := UnitSection{Unit: unit, Score: s}
			if c, ok := q.Computed[s.Unit]; ok {
				sec.Computed = &c
			}
			sec.Overrides = lo.Filter(q.Overrides, func(o OverrideLine, _ int) bool { return o.Applied && o.Unit == s.Unit })
			sec.Projects = unitProjects(s.Unit, progress)
			sec.Overdue = unitOverdue(s.Unit, sec.Projects, overdue)
			sec.Assessments = lo.Filter(assessments, func(a saima.Assessment, _ int) bool { return a.Unit == s.Unit })
			sec.Summary = summarize(sec, t, asOf)
			sections = append(sections, sec)
		}
	}
	return sections
}

// unitProjects returns the unit's progress reports sorted by project code
// and then by period.
func unitProjects(unit string, progress []saima.ProgressReport) []ProjectLine {
	var lines []ProjectLine
	for _, p := range progress {
		if p.Unit != unit {
			continue
		}
		line := ProjectLine{
			Code:     p.ProjectCode,
			Name:     p.ProjectName,
			Period:   p.Period,
			Progress: p.Progress,
			Problems: p.Problems,
		}
		if p.Percent.Valid {
			v := p.Percent.Decimal.InexactFloat64()
			line.Percent = &v
		}
		lines = append(lines, line)
	}

	slices.SortStableFunc(lines, func(a, b ProjectLine) int {
		return cmp.Or(
			cmp.Compare(a.Code, b.Code),
			a.Period.Start().Compare(b.Period.Start()),
			cmp.Compare(a.Period.Kind, b.Period.Kind),
		)
	})
	return lines
}

// overdueInPeriod keeps the overdue milestones that concern the period:
// those still open, however old, and those done late within the period.
// A milestone that an earlier quarter saw done late belongs to that
// quarter's report.
func overdueInPeriod(overdue []saima.Milestone, period saima.Period) []saima.Milestone {
	return lo.Filter(overdue, func(m saima.Milestone, _ int) bool {
		return m.Actual == nil || !m.Actual.Before(period.Start())
	})
}

// unitOverdue returns the milestones the unit is responsible for: those
// that name it, and those that name no unit but belong to a project the unit
// reported on. They are sorted by planned date.
func unitOverdue(unit string, projects []ProjectLine, overdue []saima.Milestone) []saima.Milestone {
	codes := make(map[string]bool, len(projects))
	for _, p := range projects {
		codes[p.Code] = true
	}

	var out []saima.Milestone
	for _, m := range overdue {
		if m.Unit == unit || (m.Unit == "" && codes[m.ProjectCode]) {
			out = append(out, m)
		}
	}
	slices.SortStableFunc(out, func(a, b saima.Milestone) int {
		return cmp.Or(
			a.Planned.Compare(b.Planned),
			cmp.Compare(a.ProjectCode, b.ProjectCode),
			cmp.Compare(a.Name, b.Name),
		)
	})
	return out
}

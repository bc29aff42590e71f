package reports

import (
	"cmp"
	"context"
	"fmt"
	"math"
	"slices"
	"strings"
	"time"

	"github.com/samber/lo"

	"saima"
	"saima/ingest"
	"saima/scoring"
)

// DefaultAnnualTitle is the title BuildAnnual gives an annual report. Set
// Annual.Title to [AnnualTitle] of another city.
const DefaultAnnualTitle = DefaultCity + annualTitle

// MaxLeadership is the most leadership points (领导评价) a unit can get in
// a year.
const MaxLeadership = 5

// AnnualRule is the formula of the annual stocktake, which rolls a unit's
// year up into one score:
//
//	annual = QuarterWeight × mean of the unit's quarterly composites
//	       + the unit's leadership points
//	       + YearEndWeight × the unit's year-end evaluation in percent
//
// The zero value counts nothing; start from [DefaultAnnualRule].
type AnnualRule struct {
	// QuarterWeight multiplies the mean of the composites of the quarters
	// the unit was scored in.
	QuarterWeight float64

	// YearEndWeight multiplies the year-end evaluation: the mean of
	// score ÷ full marks × 100 over the unit's assessment records of the
	// year period (the score itself when full marks are blank). A missing
	// evaluation never counts as 0. When no unit of a track has records,
	// the track's scores leave the part out (see [AnnualTrack]). When
	// some have, the others wait unranked (see [AnnualRow]). Zero leaves
	// the evaluation out of every total, though the report still shows it.
	YearEndWeight float64

	// Leadership holds each unit's leadership points, 0 to
	// [MaxLeadership], by unit name. A unit not listed gets 0.
	Leadership map[string]float64

	// RankPlaces is the rule set's rank_places: annual scores that agree
	// after rounding half-up to that many places tie. Nil ties them at
	// 1e-9 only, as [scoring.RankValue] does.
	RankPlaces *int32

	// Origin names the rule set that the weights and points came from,
	// which the report prints, because the quarterly rule sets it also
	// names need not be that one.
	Origin AnnualOrigin
}

// AnnualOrigin names the rule-set file behind an [AnnualRule]. The zero
// value means that no file was read and the rule is [DefaultAnnualRule].
type AnnualOrigin struct {
	File    string // the file as configured, such as rulesets/2026.yaml
	Name    string // the rule set's name
	Version string // hex SHA-256 of the file's bytes
	// Default is true when the file has no annual section, so the rule is
	// the default formula.
	Default bool
}

// DefaultAnnualRule returns the rule used when nothing else is configured:
// 0.95 × the quarterly mean, no leadership points and a year-end weight of
// 0.
//
// NOTE: the rule-set file has no section for leadership points or the
// year-end weight yet, so both stay 0 unless a caller sets them.
func DefaultAnnualRule() AnnualRule { return AnnualRule{QuarterWeight: 0.95} }

// QuarterWeightAlone returns the weight of the quarterly mean in a track
// whose year-end evaluation is left out: QuarterWeight plus YearEndWeight.
// The quarterly mean takes the year-end part's share, as the siblings of
// an indicator without data do in a quarterly composite. A unit whose
// year-end evaluation would equal its quarterly mean so scores the same
// with or without the part, and the track's scores stay on the scale of
// the other tracks'.
func (r AnnualRule) QuarterWeightAlone() float64 { return r.QuarterWeight + r.YearEndWeight }

// Validate returns an error of kind [saima.KindInvalid] that lists every
// problem of r: a negative or non-finite weight, weights that sum to more
// than 1, or leadership points outside 0 to MaxLeadership.
func (r AnnualRule) Validate() error {
	var problems []string
	for _, w := range []struct {
		name  string
		value float64
	}{{"季度平均权重", r.QuarterWeight}, {"年终考评权重", r.YearEndWeight}} {
		if w.value < 0 || math.IsNaN(w.value) || math.IsInf(w.value, 0) {
			problems = append(problems, fmt.Sprintf("%s %v 应为非负数", w.name, w.value))
		}
	}
	if sum := r.QuarterWeight + r.YearEndWeight; sum > 1+1e-9 {
		problems = append(problems, fmt.Sprintf("季度平均权重与年终考评权重之和 %.10g 超过 1", sum))
	}
	for _, unit := range sortedKeys(r.Leadership) {
		if p := r.Leadership[unit]; !(p >= 0 && p <= MaxLeadership) {
			problems = append(problems, fmt.Sprintf("%s的领导评价分 %v 应在 0 到 %d 之间", unit, p, MaxLeadership))
		}
	}
	if len(problems) == 0 {
		return nil
	}
	return saima.Errorf(saima.KindInvalid, "年度计分规则无效：%s", strings.Join(problems, "；"))
}

// Annual is the content of one annual stocktake report. Build it with
// [BuildAnnual] and draw it with [WriteAnnual].
type Annual struct {
	Title    string
	Year     int
	Rule     AnnualRule
	RuleSet  string         // the quarterly rule sets, as the quarterly report names them
	Quarters []saima.Period // the quarters of Year that have scores, in order
	// QuarterStatus is the status of each of Quarters, such as 已发布 v1 or
	// 未发布; "" when unknown. Drafts lists the quarters whose ranking is
	// not published.
	QuarterStatus []string
	Drafts        []saima.Period
	// Partial lists the quarters whose ranking read the ledger on or
	// before the quarter's last day, so they hold only the uploads made by
	// then, such as a quarter published before it ended.
	Partial []PartialQuarter
	// Withheld lists the quarters left out because they have just begun
	// (see [QuarterRanking].Withheld).
	Withheld []saima.Period
	// Unscored lists the quarters of Year that had begun when the report
	// was made (GeneratedAt) but have no scores and are not withheld. The
	// annual scores leave them out, so the report names them.
	Unscored    []saima.Period
	GeneratedAt time.Time
	Tracks      []AnnualTrack
	// Overrides lists the manual overrides applied to the quarterly
	// rankings, quarter by quarter.
	Overrides []OverrideLine
	// Unranked lists the units that the quarterly runs of the year left
	// out of the ranking on purpose (赛道 不参与排名), one line per unit
	// and reason, in the order the quarters list them.
	Unranked []UnrankedLine
	// Verdicts lists, quarter by quarter, the units whose quarterly
	// result was lowered, with the reasons; Grades is whether some
	// quarter's rule set defines grades.
	Verdicts []VerdictLine
	Grades   bool
	// YearEnd are the records of the year-end evaluation (the year
	// period's assessments), by unit, indicator and mode.
	YearEnd  []saima.Assessment
	Workflow *Workflow // the ledger's workflows in the year; nil when the source has none

	// LeadershipUnmatched lists the names of the rule's leadership points
	// that give no unit of the ranking its points, in name order. The
	// report names each of them.
	LeadershipUnmatched []UnmatchedLeadership
}

// UnmatchedLeadership is a name of the rule's leadership points whose
// points count for no unit.
type UnmatchedLeadership struct {
	Name   string  // as the rule set writes it
	Points float64 // the points it gives
	// SameAs is the unit that Name names when another name of the rule
	// already gives that unit its points. It is "" when Name matches no
	// unit of the ranking.
	SameAs string
}

// UnrankedLine is a unit that some quarterly runs of the year left out of
// the ranking on purpose, with the roster's reason at the time.
type UnrankedLine struct {
	Unit     saima.Unit
	Quarters []saima.Period // the quarters whose runs left it out for this reason
	// FromCurrentRoster is true when some of Quarters were stored before
	// runs kept the units they left out, so the line comes from the
	// current roster for them.
	FromCurrentRoster bool
}

// PartialQuarter is a quarter whose ranking read the ledger before the
// quarter ended.
type PartialQuarter struct {
	Quarter saima.Period
	ReadOn  saima.Date // the day the ranking read the ledger
}

// AnnualTrack is the annual ranking of one track: the ranked units in
// rank order, then the units waiting for their year-end evaluation by
// name.
type AnnualTrack struct {
	Track string
	Rows  []AnnualRow

	// YearEndLeftOut is true when the year-end weight is above 0 and no
	// unit of the track has year-end records, such as before any year-end
	// evaluation is entered. The track's scores then leave the year-end
	// part out, and the quarterly mean takes its weight as well (see
	// [AnnualRule.QuarterWeightAlone]).
	YearEndLeftOut bool
}

// Waiting returns the units of t that wait for their year-end evaluation,
// by name.
func (t AnnualTrack) Waiting() []string {
	var units []string
	for _, r := range t.Rows {
		if r.Pending {
			units = append(units, r.Unit)
		}
	}
	return units
}

// AnnualRow is one unit's year.
type AnnualRow struct {
	Unit     string
	Quarters [4]*float64 // composite of each quarter, full precision; nil when not scored
	// Computed is each quarter's composite before manual overrides, set
	// only for the quarters where an override changed the unit's result.
	Computed    [4]*float64
	QuarterMean float64 // mean of the non-nil Quarters
	Leadership  float64
	YearEnd     *float64 // year-end evaluation in percent; nil without records
	Value       float64  // the annual score under the rule; 0 when Pending
	Rank        int      // competition rank within the track (1, 2, 2, 4); 0 when Pending

	// Pending is true when the unit has no year-end records while other
	// units of its track have some and the year-end weight is above 0.
	// The unit then waits for its evaluation with no annual score and no
	// rank, because a missing evaluation must not count as 0.
	Pending bool
}

// AnnualSource provides the data an annual report reads.
// clickhouse.Store implements it.
type AnnualSource interface {
	// ListUnits returns the unit roster.
	ListUnits(ctx context.Context) ([]saima.Unit, error)
	// ListScores returns the latest scoring run of period.
	ListScores(ctx context.Context, period saima.Period) ([]saima.Score, error)
	// ListAssessments returns the assessment records of period. For a
	// year it returns the records of the year period only.
	ListAssessments(ctx context.Context, period saima.Period) ([]saima.Assessment, error)
}

// BuildAnnual reads the four quarters of year and the year's assessments
// from src and ranks every scored unit per track under rule. A unit's
// track is the one of its latest scored quarter.
//
// It returns an error of kind [saima.KindInvalid] when rule is invalid,
// and of kind [saima.KindNotFound] when no quarter of year has scores.
func BuildAnnual(ctx context.Context, src AnnualSource, year int, rule AnnualRule, now time.Time) (*Annual, error) {
	return BuildAnnualFrom(ctx, src, year, rule, now, func(ctx context.Context, q saima.Period) (QuarterRanking, error) {
		scores, err := src.ListScores(ctx, q)
		return QuarterRanking{Scores: scores}, err
	})
}

// QuarterRanking is the ranking of one quarter as the annual report rolls
// it up.
type QuarterRanking struct {
	Scores []saima.Score
	// Status is the ranking's label on the dashboards, such as 已发布 v2 or
	// 未发布, and "" when unknown.
	Status string
	// Draft is true when the ranking is not a published evaluation.
	Draft bool
	// Withheld is true, with no Scores, for a quarter whose draft the
	// annual report leaves out because the quarter has just begun and the
	// draft holds the uploads of a few days only.
	Withheld bool
	// DataAsOf is the store version the evaluation read the ledger at, and
	// 0 for a run stored without a record. The quarterly report reads its
	// progress reports and milestones as of that version, so that they
	// are the rows behind the scores it shows.
	DataAsOf uint64
	// DataTime is DataAsOf as a time on the clock the report is made by
	// (see [saima.VersionTime]), and zero when DataAsOf is 0.
	DataTime time.Time
	// ReadAt is when the ranking read the ledger: when its evaluation was
	// recorded, or the scoring time of a run stored without a record. Zero
	// when unknown.
	ReadAt time.Time
	// Computed holds, by unit, the result before manual overrides of each
	// unit that an override changed.
	Computed map[string]saima.Score
	// Overrides are the manual overrides applied to Scores. Unmatched are
	// those in effect that name a unit or an indicator the run lacks.
	Overrides, Unmatched []scoring.Override
	// Lists holds, by track, the rank lists (红榜, 黑榜) as the
	// leaderboard shows them, and ListNotes why a track gets some list in
	// no unit.
	Lists     map[string][]RankList
	ListNotes map[string][]string
	// Unranked are the units that the ranking's run left out on purpose
	// (赛道 不参与排名), and UnrankedFromCurrentRoster is whether they come
	// from the current roster instead, for a run stored before runs kept
	// them (see [scoring.Standing]).
	Unranked                  []saima.Unit
	UnrankedFromCurrentRoster bool
	// Verdicts are the units whose result a veto, the fail threshold, a
	// penalty or a grade cap lowered, with the reasons, and Grades is
	// whether the run's rule set defines grades.
	Verdicts []VerdictLine
	Grades   bool
	// Ledger reads the ledger as it is when the report is made, for the
	// quarterly report's workflow chapter, which judges the leader-led
	// reports on that day. Nil reads the chapter from the report's source.
	Ledger WorkflowSource
}

// RankList is one rank list of a track, its units in the order of the
// computed ranking that put them on it.
type RankList struct {
	Name  string
	Units []ListedUnit
}

// ListedUnit is a unit on a rank list. Adjusted marks a unit whose result
// a manual override changed: the list follows the computed result.
type ListedUnit struct {
	Name     string
	Adjusted bool
}

// RankingOf returns the ranking that st shows, with its status, its
// overrides and, for a recorded evaluation, the data version it read, its
// time taken on the clock that reads now.
func RankingOf(st *scoring.Standing, now time.Time) QuarterRanking {
	r := QuarterRanking{Scores: st.Scores(), Status: st.Label(),
		Draft: st.Evaluation == nil || !st.Evaluation.Published(), Unmatched: st.Unmatched,
		Unranked: st.Unranked, UnrankedFromCurrentRoster: st.UnrankedFromCurrentRoster}
	switch ev := st.Evaluation; {
	case ev != nil:
		// The record's time is on the service's clock, the one that
		// decides whether a period still runs; the data version is
		// always real time, so it is moved onto that clock.
		r.DataAsOf, r.ReadAt = ev.DataAsOf, ev.CreatedAt
		if ev.DataAsOf != 0 {
			r.DataTime = saima.VersionTime(ev.DataAsOf, now)
		}
		if r.ReadAt.IsZero() {
			r.ReadAt = r.DataTime
		}
	case len(st.Entries) > 0:
		r.ReadAt = st.Entries[0].Computed.ComputedAt
	}
	for _, e := range st.Entries {
		if !e.Overridden() {
			continue
		}
		if r.Computed == nil {
			r.Computed = map[string]saima.Score{}
		}
		r.Computed[e.Unit] = e.Computed
		r.Overrides = append(r.Overrides, e.Overrides...)
	}
	r.Lists, r.ListNotes = rankListsOf(st)
	r.Verdicts, r.Grades = verdictLines(st)
	return r
}

// rankListsOf collects st's rank lists by track, in the order of the
// computed ranking, leaving out the lists that st.Withheld names. The
// notes give the reason why a track has no units on a list of the rule
// set.
func rankListsOf(st *scoring.Standing) (map[string][]RankList, map[string][]string) {
	withheld := st.Withheld()
	notes := map[string][]string{}
	for track, ws := range withheld {
		for _, w := range ws {
			notes[track] = append(notes[track], w.Note())
		}
	}
	for track, es := range st.EmptyLists() {
		for _, e := range es {
			notes[track] = append(notes[track], e.Note())
		}
	}
	entries := slices.Clone(st.Entries)
	slices.SortStableFunc(entries, func(a, b scoring.Entry) int { return cmp.Compare(a.Computed.Rank, b.Computed.Rank) })
	lists := map[string][]RankList{}
	for _, e := range entries {
		if e.Result == nil {
			continue // a run without a record stores no lists
		}
		for _, name := range e.Result.Lists {
			if slices.ContainsFunc(withheld[e.Track], func(w scoring.WithheldList) bool { return w.List == name }) {
				continue
			}
			ls := lists[e.Track]
			i := slices.IndexFunc(ls, func(l RankList) bool { return l.Name == name })
			if i < 0 {
				ls, i = append(ls, RankList{Name: name}), len(ls)
			}
			ls[i].Units = append(ls[i].Units, ListedUnit{Name: e.Unit, Adjusted: e.Overridden()})
			lists[e.Track] = ls
		}
	}
	return lists, notes
}

// PartialOn returns the day a ranking read the ledger, and true when that
// was on or before the last day of period, so the ranking holds only the
// data uploaded by then.
func PartialOn(readAt time.Time, period saima.Period) (saima.Date, bool) {
	if readAt.IsZero() {
		return saima.Date{}, false
	}
	day := saima.DateOf(readAt)
	return day, !day.After(period.End())
}

// QuarterScores returns the ranking of one quarter, with no scores when
// the quarter has not been scored.
type QuarterScores func(ctx context.Context, quarter saima.Period) (QuarterRanking, error)

// BuildAnnualFrom is [BuildAnnual] with each quarter's ranking read by
// quarters instead of from src, such as the published evaluations with
// their manual overrides applied, which the dashboards and the quarterly
// reports show.
func BuildAnnualFrom(ctx context.Context, src AnnualSource, year int, rule AnnualRule, now time.Time,
	quarters QuarterScores) (*Annual, error) {
	if err := rule.Validate(); err != nil {
		return nil, err
	}
	a := &Annual{Title: DefaultAnnualTitle, Year: year, Rule: rule, GeneratedAt: now}

	rows := map[string]*AnnualRow{}
	tracks := map[string]string{}
	var all []saima.Score
	for q := 1; q <= 4; q++ {
		period := saima.Quarter(year, q)
		ranking, err := quarters(ctx, period)
		scores := ranking.Scores
		if err != nil {
			return nil, fmt.Errorf("list scores of %s: %w", period, err)
		}
		if ranking.Withheld {
			a.Withheld = append(a.Withheld, period)
		}
		switch {
		case len(scores) > 0:
			a.addQuarter(period, ranking)
		case !ranking.Withheld && !period.Start().After(saima.DateOf(now)):
			a.Unscored = append(a.Unscored, period)
		}
		for _, s := range scores {
			row := rows[s.Unit]
			if row == nil {
				row = &AnnualRow{Unit: s.Unit}
				rows[s.Unit] = row
			}
			value := s.Value
			row.Quarters[q-1] = &value
			if c, ok := ranking.Computed[s.Unit]; ok {
				row.Computed[q-1] = &c.Value
			}
			tracks[s.Unit] = s.Track
		}
		all = append(all, scores...)
	}
	if len(a.Quarters) == 0 {
		return nil, saima.Errorf(saima.KindNotFound,
			"%d年度各季度均无考评得分，请先计算季度得分（如 saima score %dQ1）后再生成年度报告", year, year)
	}
	a.RuleSet = ruleSetLabel(all)

	records, err := src.ListAssessments(ctx, saima.Year(year))
	if err != nil {
		return nil, fmt.Errorf("list assessments of %d: %w", year, err)
	}
	a.YearEnd = yearEndRecords(records, year)
	yearEnd := yearEndPercents(a.YearEnd)
	roster, err := src.ListUnits(ctx)
	if err != nil {
		return nil, fmt.Errorf("list units: %w", err)
	}
	scored := rule
	scored.Leadership, a.LeadershipUnmatched = leadershipPoints(rule.Leadership, roster, rows)
	for _, row := range rows {
		rollUp(row, scored, yearEnd)
	}
	a.Tracks = rankAnnual(rows, tracks, rule)
	if a.Workflow, err = workflowOf(ctx, src, saima.Year(year), now); err != nil {
		return nil, err
	}
	return a, nil
}

// addQuarter records a scored quarter with its status, whether it may
// still change, and the overrides applied to its ranking.
func (a *Annual) addQuarter(period saima.Period, r QuarterRanking) {
	a.Quarters = append(a.Quarters, period)
	a.QuarterStatus = append(a.QuarterStatus, r.Status)
	if r.Draft {
		a.Drafts = append(a.Drafts, period)
	}
	if day, ok := PartialOn(r.ReadAt, period); ok {
		a.Partial = append(a.Partial, PartialQuarter{Quarter: period, ReadOn: day})
	}
	for _, line := range OverrideLines(r) {
		if line.Applied {
			a.Overrides = append(a.Overrides, line)
		}
	}
	for _, l := range r.Verdicts {
		l.Quarter = period
		a.Verdicts = append(a.Verdicts, l)
	}
	a.Grades = a.Grades || r.Grades
	for _, u := range r.Unranked {
		i := slices.IndexFunc(a.Unranked, func(l UnrankedLine) bool {
			return l.Unit.Name == u.Name && l.Unit.UnrankedReason == u.UnrankedReason
		})
		if i < 0 {
			a.Unranked, i = append(a.Unranked, UnrankedLine{Unit: u}), len(a.Unranked)
		}
		a.Unranked[i].Quarters = append(a.Unranked[i].Quarters, period)
		a.Unranked[i].FromCurrentRoster = a.Unranked[i].FromCurrentRoster || r.UnrankedFromCurrentRoster
	}
}

// yearEndRecords returns the records of the year period among records,
// sorted by unit, indicator, mode and evaluator.
func yearEndRecords(records []saima.Assessment, year int) []saima.Assessment {
	out := lo.Filter(records, func(r saima.Assessment, _ int) bool { return r.Period == saima.Year(year) })
	slices.SortStableFunc(out, func(a, b saima.Assessment) int {
		return cmp.Or(cmp.Compare(a.Unit, b.Unit), cmp.Compare(a.Indicator, b.Indicator),
			cmp.Compare(a.Mode, b.Mode), cmp.Compare(a.Evaluator, b.Evaluator))
	})
	return out
}

// yearEndPercents returns each unit's year-end evaluation: the mean of
// score ÷ full marks × 100 over its records, the same rate as the
// assessment_mean source of a rule set.
func yearEndPercents(records []saima.Assessment) map[string]float64 {
	sums, counts := map[string]float64{}, map[string]int{}
	for _, r := range records {
		pct := r.Score.InexactFloat64()
		if r.FullMarks.Valid && !r.FullMarks.Decimal.IsZero() {
			pct = r.Score.Div(r.FullMarks.Decimal).InexactFloat64() * 100
		}
		sums[r.Unit] += pct
		counts[r.Unit]++
	}
	out := make(map[string]float64, len(sums))
	for unit, sum := range sums {
		out[unit] = sum / float64(counts[unit])
	}
	return out
}

// rollUp fills in row's mean, leadership points and year-end evaluation.
// The annual score depends on the rest of the track, so [scoreTrack]
// computes it.
// leadershipPoints returns the points of leadership by the name of the
// ranked unit in rows that each name of the rule means. A name is read as
// an upload reads a unit cell, by the roster's name, alias or short form,
// so 海曙区 gives 宁波市海曙区 its points. A name written exactly as a
// ranked unit's wins over another name of the same unit. The names whose
// points reach no unit are returned too.
func leadershipPoints(leadership map[string]float64, roster []saima.Unit,
	rows map[string]*AnnualRow) (map[string]float64, []UnmatchedLeadership) {
	points := map[string]float64{}
	var rest []string
	for _, name := range sortedKeys(leadership) {
		if rows[name] != nil {
			points[name] = leadership[name]
		} else {
			rest = append(rest, name)
		}
	}
	var unmatched []UnmatchedLeadership
	for _, name := range rest {
		unit, ok := ingest.ResolveUnit(roster, name)
		if !ok || rows[unit] == nil {
			unmatched = append(unmatched, UnmatchedLeadership{Name: name, Points: leadership[name]})
			continue
		}
		if _, taken := points[unit]; taken {
			unmatched = append(unmatched, UnmatchedLeadership{Name: name, Points: leadership[name], SameAs: unit})
			continue
		}
		points[unit] = leadership[name]
	}
	return points, unmatched
}

func rollUp(row *AnnualRow, rule AnnualRule, yearEnd map[string]float64) {
	sum, n := 0.0, 0
	for _, v := range row.Quarters {
		if v != nil {
			sum += *v
			n++
		}
	}
	row.QuarterMean = sum / float64(n)
	row.Leadership = rule.Leadership[row.Unit]
	if pct, ok := yearEnd[row.Unit]; ok {
		row.YearEnd = &pct
	}
}

// rankAnnual groups the rows by track, in the usual track order, scores
// each track under rule and ranks it by annual score. Scores tie as
// [scoring.RankValue] with the rule's places rounds them, as in the
// quarterly ranking, and ties list by unit name. The units waiting for
// their year-end evaluation follow the ranked ones, by name.
func rankAnnual(rows map[string]*AnnualRow, tracks map[string]string, rule AnnualRule) []AnnualTrack {
	byTrack := map[string][]AnnualRow{}
	for unit, row := range rows {
		byTrack[tracks[unit]] = append(byTrack[tracks[unit]], *row)
	}

	names := sortedKeys(byTrack)
	slices.SortStableFunc(names, saima.CompareTracks)
	out := make([]AnnualTrack, 0, len(names))
	for _, name := range names {
		t := scoreTrack(AnnualTrack{Track: name, Rows: byTrack[name]}, rule)
		ranked, waiting := splitPending(t.Rows)
		rankRows(ranked, rule.RankPlaces)
		slices.SortFunc(waiting, func(a, b AnnualRow) int { return cmp.Compare(a.Unit, b.Unit) })
		t.Rows = append(ranked, waiting...)
		out = append(out, t)
	}
	return out
}

// scoreTrack computes the annual score of each row of t. A year-end
// evaluation that is missing never counts as 0. When no unit of the track
// has one, the track leaves the part out. When some have, the others are
// marked Pending and get no score. A year-end weight of 0 counts no
// evaluation, so then no unit lacks one.
func scoreTrack(t AnnualTrack, rule AnnualRule) AnnualTrack {
	anyYearEnd := slices.ContainsFunc(t.Rows, func(r AnnualRow) bool { return r.YearEnd != nil })
	t.YearEndLeftOut = rule.YearEndWeight > 0 && !anyYearEnd
	for i := range t.Rows {
		r := &t.Rows[i]
		switch {
		case t.YearEndLeftOut:
			r.Value = rule.QuarterWeightAlone()*r.QuarterMean + r.Leadership
		case r.YearEnd != nil:
			r.Value = rule.QuarterWeight*r.QuarterMean + r.Leadership + rule.YearEndWeight**r.YearEnd
		case rule.YearEndWeight > 0:
			r.Pending = true
		default:
			r.Value = rule.QuarterWeight*r.QuarterMean + r.Leadership
		}
	}
	return t
}

// splitPending returns the rows that are not Pending and those that are.
func splitPending(rows []AnnualRow) (ranked, waiting []AnnualRow) {
	for _, r := range rows {
		if r.Pending {
			waiting = append(waiting, r)
		} else {
			ranked = append(ranked, r)
		}
	}
	return ranked, waiting
}

// rankRows sorts rows by annual score and gives them competition ranks.
func rankRows(rows []AnnualRow, places *int32) {
	slices.SortFunc(rows, func(a, b AnnualRow) int {
		return cmp.Or(cmp.Compare(scoring.RankValue(b.Value, places), scoring.RankValue(a.Value, places)),
			cmp.Compare(a.Unit, b.Unit))
	})
	for i := range rows {
		rows[i].Rank = i + 1
		if i > 0 && scoring.RankValue(rows[i].Value, places) == scoring.RankValue(rows[i-1].Value, places) {
			rows[i].Rank = rows[i-1].Rank
		}
	}
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}

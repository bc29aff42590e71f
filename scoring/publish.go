package scoring

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"math"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/samber/lo"

	"saima"
	"saima/ingest"
)

// Evaluation statuses.
const (
	// StatusDraft marks a stored run that is not published. The
	// leaderboard shows the latest draft, marked 未发布, only while the
	// period has no published evaluation.
	StatusDraft = "draft"
	// StatusPublished marks a frozen evaluation: its rule-set text and data
	// version are stored, so its scores can be recomputed exactly.
	StatusPublished = "published"
)

// DefaultRobustness is the rank-interval analysis for a rule set without a
// robustness section: every weight varies by up to ±20 % over 1000 draws
// from a fixed seed, so the same rules and data always give the same
// intervals.
var DefaultRobustness = Robustness{Draws: 1000, Seed: 1, WeightNoise: 0.2}

// Evaluation is the record of one stored scoring run of a period: the rule
// set exactly as written and the store version of the ledger it read.
type Evaluation struct {
	Period saima.Period
	// Version counts the period's published evaluations: 1, 2, … in
	// publishing order. It is 0 for a draft.
	Version        int
	RunID          string // the run ID its scores carry
	RuleSet        string // rule-set name
	RuleSetVersion string // hex SHA-256 of RuleSetText
	RuleSetText    string // the YAML file the run used, byte for byte
	// DataAsOf is the store version the ledger was read at. A store read
	// as of this version reads exactly the uploads that the run read.
	DataAsOf    uint64
	Status      string // StatusDraft or StatusPublished
	CreatedAt   time.Time
	CreatedBy   string
	PublishedAt time.Time // zero for a draft
	PublishedBy string    // empty for a draft
	Note        string
	// Recorded is the store version at which the record was written. It
	// orders evaluations and overrides on one clock.
	Recorded uint64
	// FactsRevision is the [FactsRevision] that the run read its facts
	// with, 0 for a record written before records kept it.
	FactsRevision int
}

// Published reports whether e is a published evaluation.
func (e *Evaluation) Published() bool { return e.Status == StatusPublished }

// Label returns how pages mark e: 已发布 v2 or 未发布.
func (e *Evaluation) Label() string {
	if e == nil || !e.Published() {
		return "未发布"
	}
	return fmt.Sprintf("已发布 v%d", e.Version)
}

// UnitResult is the part of a unit's [Result] that saima.Score does not
// hold, stored beside the scores of a recorded run.
type UnitResult struct {
	Unit    string
	Track   string
	Base    float64 // composite before adjustments
	Bonus   float64
	Penalty float64
	Failed  bool
	Stopped bool // a fail veto ranked it after every other unit of its track
	Vetoes  []string
	Grade   string
	Lists   []string
	Robust  *RankStats // nil when no robustness analysis was stored
}

// Override is a manual correction of one unit's computed result, recorded
// with who made it and why. Overrides are applied when a result is read
// and never change the stored scores.
type Override struct {
	Period saima.Period
	Unit   string
	// Indicator is the ID of the indicator whose score Value replaces, or
	// empty when Value replaces the composite.
	Indicator string
	// Value is the indicator's score (0–100) or the composite.
	Value float64
	By    string
	Why   string
	At    time.Time
	// Version is the store version at which the override was recorded.
	// The latest version per period, unit and indicator wins.
	Version uint64
	// Withdrawn marks a withdrawal (撤销): being the latest, it ends the
	// override before it, and Why gives the reason. Value is unused.
	Withdrawn bool
}

// Provenance names the upload that a stored row came from.
type Provenance struct {
	UploadID   string
	FileName   string
	UploadedAt time.Time // zero when the upload record is missing
}

// MilestoneEvidence is a milestone due in the period, as the on-time rate
// counted it.
type MilestoneEvidence struct {
	saima.Milestone
	OnTime bool // done on or before its planned day
	Provenance
}

// ProgressEvidence is a progress report filed for the period.
type ProgressEvidence struct {
	saima.ProgressReport
	// Counted reports whether the progress sources use this report: the
	// latest report with a 完成率 for its project.
	Counted bool
	// Attainment is min(完成率 ÷ planned percent, 1) × 100 for a counted
	// report, the value progress_vs_plan averages.
	Attainment float64
	// Planned reports whether the project's plan is known (the ledger
	// gives its 开始日期 and 计划完成日期). Without it Attainment is 0 and
	// progress_vs_plan leaves the report out.
	Planned bool
	Provenance
}

// Use returns, in Chinese, how the progress sources use the report, as the
// explain page and command show it.
func (r ProgressEvidence) Use() string {
	switch {
	case r.Counted && r.Planned:
		return "计入，计划达成 " + saima.FormatIndicator(r.Attainment) + "%"
	case r.Counted:
		return "只计入平均完成率：项目没有开始日期或计划完成日期，不与计划比较"
	case !r.Percent.Valid:
		return "不计入：完成率未填报"
	}
	return "不计入：以该项目最近一次填报为准"
}

// AssessmentEvidence is an assessment record of the period.
type AssessmentEvidence struct {
	saima.Assessment
	Percent float64 // 得分 ÷ 满分 × 100, or 得分 when 满分 is missing
	Provenance
}

// ProblemEvidence is a problem-list item found in the period, as the
// problem sources count it.
type ProblemEvidence struct {
	saima.ProblemItem
	// Counted reports whether the item counts as closed: its 办结日期 is
	// on or before the period's last day, whatever its 环节.
	Counted bool
	Days    int // days from 发现日期 to 办结日期; 0 unless Counted
	Provenance
}

// Evidence is the ledger rows behind one unit's facts for a period.
type Evidence struct {
	// MilestonesDueBefore is the judging day: the milestones of the period
	// planned before it are due, and Milestones lists them.
	MilestonesDueBefore saima.Date
	Milestones          []MilestoneEvidence
	Progress            []ProgressEvidence
	Assessments         []AssessmentEvidence
	Problems            []ProblemEvidence // found in the period, by 发现日期
}

// Snapshot reads the ledger as it was at one store version.
// clickhouse.Store implements it.
type Snapshot interface {
	ListUnits(ctx context.Context) ([]saima.Unit, error)
	Facts(ctx context.Context, period saima.Period) ([]UnitFacts, error)
	// Evidence returns the rows behind unit's facts for period.
	Evidence(ctx context.Context, period saima.Period, unit string) (Evidence, error)
}

// EvaluationStore is the storage of a [Service]: the ledger, scores,
// evaluation records and overrides. clickhouse.Store implements it.
type EvaluationStore interface {
	Store

	// Now returns a store version that no committed upload exceeds.
	Now() uint64
	// Snapshot returns a reader of the ledger as of version; 0 reads the
	// current ledger.
	Snapshot(version uint64) Snapshot

	// ListRunScores returns the scores of one stored run.
	ListRunScores(ctx context.Context, period saima.Period, runID string) ([]saima.Score, error)
	// ListRunUnranked returns the units that one stored run left out of
	// the ranking on purpose. stored is false for a run stored before
	// runs kept that list.
	ListRunUnranked(ctx context.Context, period saima.Period, runID string) (units []saima.Unit, stored bool, err error)
	// ListEvaluations returns period's evaluation records, oldest first.
	ListEvaluations(ctx context.Context, period saima.Period) ([]Evaluation, error)
	// SaveEvaluation stores results and then ev, so that a reader never
	// sees the record without its results.
	SaveEvaluation(ctx context.Context, ev Evaluation, results []UnitResult) error
	// ListUnitResults returns the stored unit results of one run.
	ListUnitResults(ctx context.Context, period saima.Period, runID string) ([]UnitResult, error)
	// SaveOverride appends o.
	SaveOverride(ctx context.Context, o Override) error
	// ListOverrides returns every override ever recorded for period,
	// oldest first.
	ListOverrides(ctx context.Context, period saima.Period) ([]Override, error)
}

// Service scores, records, publishes, reads and explains evaluations.
// Store is required. The zero values of the other fields are usable.
type Service struct {
	Store EvaluationStore
	// Rules is the YAML text of the rule set that Evaluate, Draft, Publish
	// and WhatIf score with. The other methods read the rule-set text
	// stored with each evaluation.
	Rules []byte
	Log   *slog.Logger     // nil discards
	Now   func() time.Time // nil means time.Now
}

// publishMu serialises Publish and DraftUnpublished within the process, so
// that two requests cannot take the same version number and a draft is
// never stored after a publication of its period.
//
// NOTE: two processes that publish the same period at the same moment can
// still take the same number, because ClickHouse has no transaction that
// spans the read of the last version and the insert of the next.
var publishMu sync.Mutex

func (s *Service) log() *slog.Logger {
	if s.Log == nil {
		return slog.New(slog.DiscardHandler)
	}
	return s.Log
}

// now returns the current time truncated to the second, as DateTime
// columns store it, so a stored time reads back equal.
func (s *Service) now() time.Time {
	now := time.Now
	if s.Now != nil {
		now = s.Now
	}
	return now().Truncate(time.Second)
}

func (s *Service) ruleSet() (*RuleSet, error) {
	if len(s.Rules) == 0 {
		return nil, errors.New("scoring service: no rule set configured")
	}
	return ParseRuleSet(s.Rules)
}

// Evaluate scores period under s.Rules with the current ledger and stores
// nothing: a dry run. Movement compares with the previous period's
// current standing.
func (s *Service) Evaluate(ctx context.Context, period saima.Period) ([]saima.Score, error) {
	if err := CheckRunPeriod(period, s.now()); err != nil {
		return nil, err
	}
	rs, err := s.ruleSet()
	if err != nil {
		return nil, err
	}
	prev, err := s.previousRanks(ctx, period)
	if err != nil {
		return nil, err
	}
	comp, err := compute(ctx, rs, period, s.Store.Snapshot(s.Store.Now()), prev, nil, FactsRevision)
	if err != nil {
		return nil, err
	}
	if err := comp.checkNewRun(rs, period); err != nil {
		return nil, err
	}
	return comp.scores("", s.now()), nil
}

// Draft scores period under s.Rules with the current ledger, stores the
// run with a draft evaluation record and returns its standing. A draft is
// shown only while the period has no published evaluation.
func (s *Service) Draft(ctx context.Context, period saima.Period, by string) (*Standing, error) {
	ev, err := s.record(ctx, period, by, "", StatusDraft, nil)
	if err != nil {
		return nil, err
	}
	s.log().Info("evaluation drafted", "period", period.String(), "run_id", ev.RunID, "by", by)
	return s.Read(ctx, period, ev.RunID)
}

// ErrPublished is returned by [Service.DraftUnpublished] when the period
// already has a published evaluation.
var ErrPublished = errors.New("period has a published evaluation")

// DraftUnpublished stores a draft of period as [Service.Draft] does, unless
// the period has a published evaluation: then it stores nothing and
// returns ErrPublished, because pages show the publication and a draft
// would only cost a scoring run. It holds the lock that Publish holds, so
// within one process no draft is stored after a publication it raced.
// It returns the draft's record without reading its standing back.
func (s *Service) DraftUnpublished(ctx context.Context, period saima.Period, by string) (*Evaluation, error) {
	publishMu.Lock()
	defer publishMu.Unlock()

	evs, err := s.Store.ListEvaluations(ctx, period)
	if err != nil {
		return nil, fmt.Errorf("list evaluations: %w", err)
	}
	if latestPublished(evs) != nil {
		return nil, ErrPublished
	}
	ev, err := s.record(ctx, period, by, "", StatusDraft, nil)
	if err != nil {
		return nil, err
	}
	s.log().Info("evaluation drafted", "period", period.String(), "run_id", ev.RunID,
		"data_as_of", storeTime(ev.DataAsOf), "by", by)
	return ev, nil
}

// Publish freezes a new evaluation of period and returns its standing. It
// reads the ledger as of the store's current version and scores it under
// s.Rules. Then it stores the scores, the rank intervals, and a record with
// the rule-set text and that version. The first publication of a period is
// version 1, and each later one takes the next number. by is required.
func (s *Service) Publish(ctx context.Context, period saima.Period, by, note string) (*Standing, error) {
	publishMu.Lock()
	defer publishMu.Unlock()

	evs, err := s.Store.ListEvaluations(ctx, period)
	if err != nil {
		return nil, fmt.Errorf("list evaluations: %w", err)
	}
	next := 1
	if last := latestPublished(evs); last != nil {
		next = last.Version + 1
	}
	ev, err := s.record(ctx, period, by, note, StatusPublished, &next)
	if err != nil {
		return nil, err
	}
	s.log().Info("evaluation published", "period", period.String(), "version", ev.Version,
		"run_id", ev.RunID, "rule_set_version", ev.RuleSetVersion, "data_as_of", storeTime(ev.DataAsOf), "by", by)
	return s.Read(ctx, period, ev.RunID)
}

// record scores period as of now and stores the run and its evaluation
// record. version is nil for a draft.
func (s *Service) record(
	ctx context.Context, period saima.Period, by, note, status string, version *int,
) (*Evaluation, error) {
	if err := checkRecord(period, by, note); err != nil {
		return nil, err
	}
	if err := CheckRunPeriod(period, s.now()); err != nil {
		return nil, err
	}
	rs, err := s.ruleSet()
	if err != nil {
		return nil, err
	}
	prev, err := s.previousRanks(ctx, period)
	if err != nil {
		return nil, err
	}

	asOf := s.Store.Now()
	comp, err := compute(ctx, rs, period, s.Store.Snapshot(asOf), prev, nil, FactsRevision)
	if err != nil {
		return nil, err
	}
	if err := comp.checkNewRun(rs, period); err != nil {
		return nil, err
	}
	now := s.now()
	ev := Evaluation{
		Period: period, RunID: newRunID(now), RuleSet: rs.Name, RuleSetVersion: rs.Version,
		RuleSetText: string(s.Rules), DataAsOf: asOf, Status: status,
		CreatedAt: now, CreatedBy: by, Note: note, FactsRevision: FactsRevision,
	}
	results := comp.unitResults()
	if version != nil {
		ev.Version, ev.PublishedAt, ev.PublishedBy = *version, now, by
		if err := comp.analyse(rs, results); err != nil {
			return nil, err
		}
	}
	return &ev, s.save(ctx, &ev, comp.scores(ev.RunID, now), comp.unranked, results)
}

func checkRecord(period saima.Period, by, note string) error {
	var problems []string
	if period.IsZero() {
		problems = append(problems, "缺少考评期间")
	}
	if strings.TrimSpace(by) == "" {
		problems = append(problems, "缺少操作人，请写明由谁计算或发布")
	}
	problems = append(problems, forbiddenText("操作人", by)...)
	problems = append(problems, forbiddenText("发布说明", note)...)
	if len(problems) > 0 {
		return saima.Errorf(saima.KindInvalid, "%s", strings.Join(problems, "；"))
	}
	return nil
}

// save stores the scores with the units the run left out of the ranking
// (unranked), then the unit results and the record. Until the record
// exists no reader treats the run as an evaluation. When saving the record
// fails, the scores stay behind as a run without a record, which pages
// show as 未发布 only while the period has no published evaluation.
func (s *Service) save(
	ctx context.Context, ev *Evaluation, scores []saima.Score, unranked []saima.Unit, results []UnitResult,
) error {
	if err := s.Store.SaveScores(ctx, scores, unranked); err != nil {
		return fmt.Errorf("save scores of %s: %w", ev.Period, err)
	}
	ev.Recorded = s.Store.Now()
	if err := s.Store.SaveEvaluation(ctx, *ev, results); err != nil {
		return fmt.Errorf("save evaluation of %s: %w", ev.Period, err)
	}
	return nil
}

// Recompute scores published version of period again from its stored
// rule-set text and the ledger as of its stored data version, and returns
// the scores in the stored order. Uploads committed after the evaluation
// change nothing, so the result equals the stored scores bit for bit.
// RunID, ComputedAt and PrevRank are copied from the stored scores.
//
// NOTE: runs stored before track names were matched across punctuation
// width left out a unit whose 赛道 was spelled 区县(市). The recomputation
// ranks that unit, so such a run no longer recomputes alike.
func (s *Service) Recompute(ctx context.Context, period saima.Period, version int) ([]saima.Score, error) {
	evs, err := s.Store.ListEvaluations(ctx, period)
	if err != nil {
		return nil, fmt.Errorf("list evaluations: %w", err)
	}
	ev, err := publishedVersion(evs, period, version)
	if err != nil {
		return nil, err
	}
	rs, err := storedRuleSet(ev)
	if err != nil {
		return nil, err
	}
	stored, err := s.Store.ListRunScores(ctx, period, ev.RunID)
	if err != nil {
		return nil, fmt.Errorf("list run scores: %w", err)
	}

	prev := lo.SliceToMap(stored, func(sc saima.Score) (string, int) {
		return sc.Unit, sc.PrevRank
	})
	comp, err := compute(ctx, rs, period, s.Store.Snapshot(ev.DataAsOf), prev,
		func(unit string) bool { _, ok := prev[unit]; return ok }, ev.FactsRevision)
	if err != nil {
		return nil, err
	}
	var at time.Time
	if len(stored) > 0 {
		at = stored[0].ComputedAt
	}
	return inOrderOf(stored, comp.scores(ev.RunID, at)), nil
}

// storedRuleSet parses an evaluation's rule-set text and checks that it is
// the text the evaluation ran under.
func storedRuleSet(ev *Evaluation) (*RuleSet, error) {
	rs, err := parseStored(ev.RuleSetText)
	if err != nil {
		return nil, fmt.Errorf("parse stored rule set of run %s: %w", ev.RunID, err)
	}
	if rs.Version != ev.RuleSetVersion {
		return nil, fmt.Errorf("stored rule set of run %s hashes to %s, want %s",
			ev.RunID, rs.Version, ev.RuleSetVersion)
	}
	return rs, nil
}

// inOrderOf returns scores ordered as the units of ref, then any others.
func inOrderOf(ref, scores []saima.Score) []saima.Score {
	pos := map[string]int{}
	for i, sc := range ref {
		pos[sc.Unit] = i
	}
	out := slices.Clone(scores)
	slices.SortStableFunc(out, func(a, b saima.Score) int {
		pa, oka := pos[a.Unit]
		pb, okb := pos[b.Unit]
		switch {
		case oka && okb:
			return cmp.Compare(pa, pb)
		case oka:
			return -1
		case okb:
			return 1
		}
		return 0
	})
	return out
}

// previousRanks returns the ranks that the previous period's current
// standing shows, by unit, or none when that period has no scores.
func (s *Service) previousRanks(ctx context.Context, period saima.Period) (map[string]int, error) {
	return s.shownRanks(ctx, period.Prev())
}

// shownRanks returns the ranks of period's current standing by unit, with
// its overrides applied, or none when period has no scores. It reads what
// [Service.Current] reads but leaves out the rank intervals and the
// previous ranks, which the ranks do not depend on, so that a chain of
// drafts does not read every earlier quarter.
func (s *Service) shownRanks(ctx context.Context, period saima.Period) (map[string]int, error) {
	evs, err := s.Store.ListEvaluations(ctx, period)
	if err != nil {
		return nil, fmt.Errorf("list evaluations: %w", err)
	}
	ev := latestPublished(evs)
	var scores []saima.Score
	if ev != nil {
		scores, err = s.Store.ListRunScores(ctx, period, ev.RunID)
	} else {
		scores, err = s.Store.ListScores(ctx, period)
	}
	if err != nil {
		return nil, fmt.Errorf("list scores: %w", err)
	}
	ranks := map[string]int{}
	if len(scores) == 0 {
		return ranks, nil
	}

	cutoff := uint64(math.MaxUint64)
	if ev == nil {
		ev = findRun(evs, scores[0].RunID)
	}
	if ev != nil {
		cutoff = overrideCutoff(ev, evs)
	}
	st := &Standing{Period: period, Evaluation: ev, Entries: entriesOf(scores, nil)}
	if err := s.applyOverrides(ctx, st, cutoff); err != nil {
		return nil, err
	}
	for _, e := range st.Entries {
		ranks[e.Unit] = e.Rank
	}
	return ranks, nil
}

// followPrevious sets the previous ranks (较上期) of a draft's entries to
// those that the previous period shows now. A draft stores the ranks
// that the previous period showed when the draft was scored, and an
// override or a publication there since then would make them disagree
// with that period's leaderboard. A published version keeps the ranks it
// was published with, as it keeps everything else.
func (s *Service) followPrevious(ctx context.Context, st *Standing) error {
	prev, err := s.previousRanks(ctx, st.Period)
	if err != nil {
		return err
	}
	for i := range st.Entries {
		e := &st.Entries[i]
		e.Score.PrevRank, e.Computed.PrevRank = prev[e.Unit], prev[e.Unit]
	}
	return nil
}

// computation is one scoring of a period: the inputs read from a snapshot
// and the results.
type computation struct {
	units   []saima.Unit
	facts   []UnitFacts // of units, for the message when nothing can be scored
	records []Record
	results []Result
	// unknownTrack are the roster's units whose track rs lacks, which the
	// results leave out.
	unknownTrack []saima.Unit
	// unranked are the roster's units that it keeps out of the ranking on
	// purpose, which the results leave out too and a stored run keeps.
	unranked []saima.Unit
}

// compute scores period under rs with the ledger that snap reads. Units
// whose track rs lacks are left out, because runs stored before that
// became an error left them out and must recompute alike. So are the
// units without a value for any indicator, unless keep names them (see
// [leaveOutNoData]). A new run passes a nil keep, and a recomputation
// passes one that names the units the stored run ranked. revision is the
// [FactsRevision] to read the facts with, a new run's or the stored run's.
// A new run must also call [computation.checkNewRun].
func compute(
	ctx context.Context, rs *RuleSet, period saima.Period, snap Snapshot, prev map[string]int,
	keep func(unit string) bool, revision int,
) (*computation, error) {
	all, err := snap.ListUnits(ctx)
	if err != nil {
		return nil, fmt.Errorf("list units: %w", err)
	}
	units, unknownTrack, unranked := rankedUnits(rs, all)
	facts, err := snap.Facts(ctx, period)
	if err != nil {
		return nil, fmt.Errorf("read facts of %s: %w", period, err)
	}
	unitFacts := factsOfRevision(factsOf(units, facts), revision)
	records, err := recordsOf(unitFacts)
	if err != nil {
		return nil, err
	}
	units, unmeasured := leaveOutNoData(rs, period, units, records, keep)
	records = recordsOfUnits(records, units)
	unranked = append(unranked, unmeasured...)
	results, err := EvaluateRecords(rs, period, units, records, prev)
	if err != nil {
		return nil, err
	}
	return &computation{units: units, facts: unitFacts, records: records, results: results,
		unknownTrack: unknownTrack, unranked: unranked}, nil
}

// recordsOf turns facts into records, rejecting facts that no query can
// produce, as [Evaluate] does.
func recordsOf(facts []UnitFacts) ([]Record, error) {
	var problems []error
	records := make([]Record, len(facts))
	for i, f := range facts {
		if err := f.check(); err != nil {
			problems = append(problems, err)
		}
		records[i] = f.Record()
	}
	if len(problems) > 0 {
		return nil, invalidInput(problems)
	}
	return records, nil
}

func (c *computation) scores(runID string, at time.Time) []saima.Score {
	out := make([]saima.Score, len(c.results))
	for i, r := range c.results {
		out[i] = r.Score
		out[i].RunID, out[i].ComputedAt = runID, at
	}
	return out
}

func (c *computation) unitResults() []UnitResult {
	out := make([]UnitResult, len(c.results))
	for i, r := range c.results {
		out[i] = UnitResult{
			Unit: r.Unit, Track: r.Track, Base: r.Base, Bonus: r.Bonus, Penalty: r.Penalty,
			Failed: r.Failed, Stopped: r.stopped, Vetoes: r.Vetoes, Grade: r.Grade, Lists: r.Lists,
		}
	}
	return out
}

// analyse runs the robustness analysis of rs, or [DefaultRobustness] when
// rs has none, and sets each result's Robust.
func (c *computation) analyse(rs *RuleSet, results []UnitResult) error {
	cfg := DefaultRobustness
	if rs.Robustness != nil {
		cfg = *rs.Robustness
	}
	stats, err := Analyse(rs, cfg, c.units, c.records)
	if err != nil {
		return fmt.Errorf("analyse robustness: %w", err)
	}
	byUnit := map[string]*RankStats{}
	for i := range stats {
		byUnit[stats[i].Unit] = &stats[i]
	}
	for i := range results {
		results[i].Robust = byUnit[results[i].Unit]
	}
	return nil
}

// Entry is one unit's line of a [Standing].
type Entry struct {
	// Score is the result as shown: overrides applied, and ranks
	// recomputed in a track where an override applies.
	saima.Score
	Computed  saima.Score // the result as the rule set computed it
	Overrides []Override  // the overrides applied, by indicator with the composite last
	Result    *UnitResult // nil for a run without an evaluation record
	Robust    *RankStats  // nil when no rank interval is available
}

// Overridden reports whether any override applies to e.
func (e *Entry) Overridden() bool { return len(e.Overrides) > 0 }

// Standing is a period's ranking as read: one evaluation, or a run without
// a record, with the overrides in effect for it.
type Standing struct {
	Period saima.Period
	// Evaluation is nil for a run stored without a record, such as one
	// that [Run] wrote.
	Evaluation *Evaluation
	Entries    []Entry // by track, rank and unit
	// Unmatched are overrides in effect that name a unit or an indicator
	// this run does not have, so they changed nothing.
	Unmatched []Override
	// Unranked are the units that the run left out of the ranking on
	// purpose (赛道 不参与排名), with the 单位类别 and 不参与排名原因 that
	// the roster gave them when the run read it.
	Unranked []saima.Unit
	// UnrankedFromCurrentRoster reports that Unranked lists the current
	// roster's units of that track that the run does not rank, not the
	// run's own. That happens for a run stored before runs kept the list
	// and without a record of the ledger version it read.
	UnrankedFromCurrentRoster bool
}

// Label returns how pages mark the standing: 已发布 v2 or 未发布.
func (st *Standing) Label() string { return st.Evaluation.Label() }

// Withheld returns, by track, the lists that the rule set of st's
// evaluation does not award in that track because it has too few units.
// It is nil for a run without a record or with a rule set that no
// longer parses, and such a standing shows its stored lists as they are.
func (st *Standing) Withheld() map[string][]WithheldList {
	if st.Evaluation == nil {
		return nil
	}
	rs, err := storedRuleSet(st.Evaluation)
	if err != nil {
		return nil
	}
	units := map[string]int{}
	for _, e := range st.Entries {
		units[e.Track]++
	}
	out := map[string][]WithheldList{}
	for track, n := range units {
		if w := rs.Withheld(n); len(w) > 0 {
			out[track] = w
		}
	}
	return out
}

// EmptyLists returns, by track, the lists that the rule set of st's
// evaluation awards in that track but that name no unit of it (see
// [RuleSet.EmptyLists]). Like Withheld it is nil for a run without a
// record or with a rule set that no longer parses. It also leaves out a
// track whose entries have no unit results, because such a run stored no
// lists.
func (st *Standing) EmptyLists() map[string][]EmptyList {
	if st.Evaluation == nil {
		return nil
	}
	rs, err := storedRuleSet(st.Evaluation)
	if err != nil {
		return nil
	}
	units, named, results := map[string]int{}, map[string][]string{}, map[string]bool{}
	for _, e := range st.Entries {
		units[e.Track]++
		if e.Result != nil {
			results[e.Track] = true
			named[e.Track] = append(named[e.Track], e.Result.Lists...)
		}
	}
	out := map[string][]EmptyList{}
	for track, n := range units {
		if !results[track] {
			continue
		}
		if empty := rs.EmptyLists(n, named[track]); len(empty) > 0 {
			out[track] = empty
		}
	}
	return out
}

// Entry returns unit's entry, or false when the standing has none.
func (st *Standing) Entry(unit string) (*Entry, bool) {
	i := slices.IndexFunc(st.Entries, func(e Entry) bool { return e.Unit == unit })
	if i < 0 {
		return nil, false
	}
	return &st.Entries[i], true
}

// Current returns the standing the leaderboard shows for period: the
// latest published evaluation, or the latest stored run while none is
// published. It returns an error of kind saima.KindNotFound when period
// has no scores.
func (s *Service) Current(ctx context.Context, period saima.Period) (*Standing, error) {
	evs, err := s.Store.ListEvaluations(ctx, period)
	if err != nil {
		return nil, fmt.Errorf("list evaluations: %w", err)
	}
	if pub := latestPublished(evs); pub != nil {
		return s.standing(ctx, pub, evs)
	}

	scores, err := s.Store.ListScores(ctx, period)
	if err != nil {
		return nil, fmt.Errorf("list scores: %w", err)
	}
	if len(scores) == 0 {
		return nil, saima.Errorf(saima.KindNotFound, "%s暂无考评结果", period.Label())
	}
	if ev := findRun(evs, scores[0].RunID); ev != nil {
		return s.standing(ctx, ev, evs)
	}
	return s.unrecordedStanding(ctx, period, scores)
}

// Published returns published version of period as it reads now. A
// version that a later one replaced reads with the overrides recorded
// before that replacement only, so it never changes again.
func (s *Service) Published(ctx context.Context, period saima.Period, version int) (*Standing, error) {
	evs, err := s.Store.ListEvaluations(ctx, period)
	if err != nil {
		return nil, fmt.Errorf("list evaluations: %w", err)
	}
	ev, err := publishedVersion(evs, period, version)
	if err != nil {
		return nil, err
	}
	return s.standing(ctx, ev, evs)
}

// Read returns the standing of the recorded run runID of period.
func (s *Service) Read(ctx context.Context, period saima.Period, runID string) (*Standing, error) {
	evs, err := s.Store.ListEvaluations(ctx, period)
	if err != nil {
		return nil, fmt.Errorf("list evaluations: %w", err)
	}
	ev := findRun(evs, runID)
	if ev == nil {
		return nil, saima.Errorf(saima.KindNotFound, "%s没有编号为 %s 的考评记录", period.Label(), runID)
	}
	return s.standing(ctx, ev, evs)
}

// Evaluations returns period's evaluation records, oldest first.
func (s *Service) Evaluations(ctx context.Context, period saima.Period) ([]Evaluation, error) {
	evs, err := s.Store.ListEvaluations(ctx, period)
	if err != nil {
		return nil, fmt.Errorf("list evaluations: %w", err)
	}
	return evs, nil
}

// standing reads the recorded run ev, with the overrides in effect for it
// and its rank intervals: stored for a published evaluation, computed on
// request for a draft.
func (s *Service) standing(ctx context.Context, ev *Evaluation, evs []Evaluation) (*Standing, error) {
	scores, err := s.Store.ListRunScores(ctx, ev.Period, ev.RunID)
	if err != nil {
		return nil, fmt.Errorf("list run scores: %w", err)
	}
	results, err := s.Store.ListUnitResults(ctx, ev.Period, ev.RunID)
	if err != nil {
		return nil, fmt.Errorf("list unit results: %w", err)
	}
	if !ev.Published() {
		if err := s.analyseDraft(ctx, ev, results); err != nil {
			return nil, err
		}
	}
	st := &Standing{Period: ev.Period, Evaluation: ev, Entries: entriesOf(scores, results)}
	if err := s.readUnranked(ctx, st, ev.RunID); err != nil {
		return nil, err
	}
	if !ev.Published() {
		if err := s.followPrevious(ctx, st); err != nil {
			return nil, err
		}
	}
	return st, s.applyOverrides(ctx, st, overrideCutoff(ev, evs))
}

// analyseDraft computes the rank intervals of a draft from its stored
// rule-set text and data version, so that they are the same on every
// request.
func (s *Service) analyseDraft(ctx context.Context, ev *Evaluation, results []UnitResult) error {
	rs, err := storedRuleSet(ev)
	if err != nil {
		return err
	}
	scored := lo.SliceToMap(results, func(r UnitResult) (string, bool) { return r.Unit, true })
	comp, err := compute(ctx, rs, ev.Period, s.Store.Snapshot(ev.DataAsOf), nil,
		func(unit string) bool { return scored[unit] }, ev.FactsRevision)
	if err != nil {
		return err
	}
	return comp.analyse(rs, results)
}

func (s *Service) unrecordedStanding(
	ctx context.Context, period saima.Period, scores []saima.Score,
) (*Standing, error) {
	st := &Standing{Period: period, Entries: entriesOf(scores, nil)}
	if err := s.readUnranked(ctx, st, scores[0].RunID); err != nil {
		return nil, err
	}
	if err := s.followPrevious(ctx, st); err != nil {
		return nil, err
	}
	return st, s.applyOverrides(ctx, st, math.MaxUint64)
}

func entriesOf(scores []saima.Score, results []UnitResult) []Entry {
	byUnit := map[string]*UnitResult{}
	for i := range results {
		byUnit[results[i].Unit] = &results[i]
	}
	out := make([]Entry, len(scores))
	for i, sc := range scores {
		out[i] = Entry{Score: sc, Computed: sc, Result: byUnit[sc.Unit]}
		// Overrides change the shown contributions in place, never the
		// computed ones.
		out[i].Score.Contributions = slices.Clone(sc.Contributions)
		if r := byUnit[sc.Unit]; r != nil {
			out[i].Robust = r.Robust
		}
	}
	return out
}

// overrideCutoff returns the store version after which overrides no longer
// apply to ev: the record of the next published evaluation, or no limit
// when none followed ev.
func overrideCutoff(ev *Evaluation, evs []Evaluation) uint64 {
	cutoff := uint64(math.MaxUint64)
	if !ev.Published() {
		return cutoff
	}
	for _, e := range evs {
		if e.Published() && e.Recorded > ev.Recorded {
			cutoff = min(cutoff, e.Recorded)
		}
	}
	return cutoff
}

func latestPublished(evs []Evaluation) *Evaluation {
	var out *Evaluation
	for i := range evs {
		if evs[i].Published() && (out == nil || evs[i].Recorded > out.Recorded) {
			out = &evs[i]
		}
	}
	return out
}

func findRun(evs []Evaluation, runID string) *Evaluation {
	for i := range evs {
		if evs[i].RunID == runID {
			return &evs[i]
		}
	}
	return nil
}

func publishedVersion(evs []Evaluation, period saima.Period, version int) (*Evaluation, error) {
	for i := range evs {
		if evs[i].Published() && evs[i].Version == version {
			return &evs[i], nil
		}
	}
	return nil, saima.Errorf(saima.KindNotFound, "%s没有已发布的第 %d 版考评结果", period.Label(), version)
}

// Override checks o against period's current standing and records it: the
// unit must be ranked and the indicator, when set, must be one of its
// contributions. A composite may not exceed the standing rule set's
// [RuleSet.CompositeMax], nor an indicator score the highest score of the
// indicator's normaliser (100 for either when the rule set is unknown),
// unless it is the computed value. It returns o with At and Version set.
//
// When a standing is read, the latest override per unit and indicator
// applies. An indicator override replaces that indicator's score and
// points and moves the composite by the change in points. A composite
// override then replaces the composite. Adjustments are not applied again,
// and a unit that a fail veto stopped keeps its composite of 0 unless a
// composite override sets one. Ranks are recomputed in each track that an
// override touches.
func (s *Service) Override(ctx context.Context, o Override) (Override, error) {
	o.Withdrawn = false
	if err := o.validate(); err != nil {
		return o, err
	}
	st, err := s.Current(ctx, o.Period)
	if err != nil {
		return o, err
	}
	if err := st.checkOverride(o); err != nil {
		return o, err
	}
	if err := s.checkCompositeMax(st, o); err != nil {
		return o, err
	}
	if err := s.checkIndicatorMax(st, o); err != nil {
		return o, err
	}
	o.At, o.Version = s.now(), s.Store.Now()
	if err := s.Store.SaveOverride(ctx, o); err != nil {
		return o, fmt.Errorf("save override: %w", err)
	}
	s.log().Info("override recorded", "period", o.Period.String(), "unit", o.Unit,
		"indicator", o.Indicator, "by", o.By)
	return o, nil
}

// WithdrawOverride withdraws (撤销) the override in effect for unit and
// indicator (empty for the composite) in period: it records a withdrawal
// by by for the reason why, after which the computed value shows again.
// The withdrawn override stays in the table as history. It returns the
// withdrawal and the override it ended, or a KindNotFound error when
// none is in effect.
func (s *Service) WithdrawOverride(
	ctx context.Context, period saima.Period, unit, indicator, by, why string,
) (withdrawal, ended Override, err error) {
	w := Override{Period: period, Unit: strings.TrimSpace(unit), Indicator: strings.TrimSpace(indicator),
		By: strings.TrimSpace(by), Why: strings.TrimSpace(why), Withdrawn: true}

	if err := w.validate(); err != nil {
		return w, ended, err
	}

	all, err := s.Store.ListOverrides(ctx, period)
	if err != nil {
		return w, ended, fmt.Errorf("list overrides: %w", err)
	}
	effective := inEffect(all, math.MaxUint64)
	i := slices.IndexFunc(effective, func(o Override) bool {
		return o.Unit == w.Unit && o.Indicator == w.Indicator
	})
	if i < 0 {
		return w, ended, saima.Errorf(saima.KindNotFound, "无法撤销调整：%s“%s”的%s没有生效的人工调整。%s",
			period.Label(), w.Unit, overrideItem(w.Indicator), withdrawHint(effective, w.Unit))
	}

	ended = effective[i]
	w.Value = ended.Value
	w.At, w.Version = s.now(), s.Store.Now()
	if err := s.Store.SaveOverride(ctx, w); err != nil {
		return w, ended, fmt.Errorf("save override withdrawal: %w", err)
	}
	s.log().Info("override withdrawn", "period", period.String(), "unit", w.Unit,
		"indicator", w.Indicator, "by", w.By)
	return w, ended, nil
}

// overrideItem names what an override of indicator replaces in messages.
func overrideItem(indicator string) string {
	if indicator == "" {
		return "综合得分"
	}
	return "指标 " + indicator + " 得分"
}

// withdrawHint names the overrides in effect for unit, each with the
// option that withdraws it. With none in effect, it requests a check of
// the period and the unit.
func withdrawHint(effective []Override, unit string) string {
	var items []string
	for _, o := range effective {
		switch {
		case o.Unit != unit:
		case o.Indicator == "":
			items = append(items, "综合得分（不加 --indicator）")
		default:
			items = append(items, overrideItem(o.Indicator)+"（--indicator "+o.Indicator+"）")
		}
	}
	if len(items) == 0 {
		return "该单位本期没有任何生效的人工调整，请核对考评期间和单位"
	}
	return "该单位本期生效的调整有：" + strings.Join(items, "、") + "，请按括号中的写法指定要撤销的一项"
}

// validate lists every missing or impossible field of o in one error. A
// withdrawal carries no value of its own, so only its period, unit, who
// and why are checked, and its messages name the act 撤销.
func (o *Override) validate() error {
	act := "调整"
	if o.Withdrawn {
		act = "撤销"
	}
	var problems []string
	add := func(format string, args ...any) {
		problems = append(problems, fmt.Sprintf(format, args...))
	}
	if o.Period.IsZero() {
		add("缺少考评期间")
	}
	if strings.TrimSpace(o.Unit) == "" {
		add("缺少单位")
	}
	if strings.TrimSpace(o.By) == "" {
		add("缺少%s人", act)
	}
	problems = append(problems, forbiddenText(act+"人", o.By)...)
	problems = append(problems, forbiddenText(act+"理由", o.Why)...)
	switch reason := strings.TrimSpace(o.Why); {
	case reason == "":
		add("缺少%s理由，请写明为何%s", act, act)
	case ingest.Unwritten(reason):
		add("%s理由“%s”没有写明原因，请写明为何%s", act, reason, act)
	}
	switch {
	case o.Withdrawn:
	case math.IsNaN(o.Value) || math.IsInf(o.Value, 0):
		add("调整值必须是有限的数字")
	case o.Indicator != "" && o.Value < 0:
		add("指标得分不能为负数（现为 %s）", saima.FormatNumber(o.Value))
	case o.Value < 0:
		add("综合得分不能为负数（现为 %s）", saima.FormatNumber(o.Value))
	}
	if len(problems) > 0 {
		if o.Withdrawn {
			return saima.Errorf(saima.KindInvalid, "无法撤销调整：%s", strings.Join(problems, "；"))
		}
		return saima.Errorf(saima.KindInvalid, "无法记录调整：%s", strings.Join(problems, "；"))
	}
	return nil
}

func (st *Standing) checkOverride(o Override) error {
	e, ok := st.Entry(o.Unit)
	if !ok {
		return saima.Errorf(saima.KindNotFound, "%s的考评结果中没有单位“%s”", st.Period.Label(), o.Unit)
	}
	if o.Indicator == "" {
		return nil
	}
	var ids []string
	for _, c := range e.Contributions {
		if c.Indicator == o.Indicator {
			return nil
		}
		ids = append(ids, c.Indicator)
	}
	return saima.Errorf(saima.KindInvalid, "单位“%s”的考评结果中没有指标 %s，可选：%s",
		o.Unit, o.Indicator, strings.Join(ids, "、"))
}

// checkCompositeMax rejects a composite override above the highest
// composite that the rule set of st can give, or above 100 when that rule
// set is unknown. The unit's computed composite is always allowed, because
// overriding with it is how an override is undone.
func (s *Service) checkCompositeMax(st *Standing, o Override) error {
	e, ok := st.Entry(o.Unit)
	if o.Indicator != "" || !ok {
		return nil
	}
	limit, bound := 100.0, "默认上限（读不到本期结果的规则集）"
	if rs := s.rulesOf(st.Evaluation, e); rs != nil {
		limit, bound = rs.CompositeMax(), "规则集“"+rs.Name+"”可能的最高分"
	}
	if o.Value <= limit+1e-9 || o.Value == e.Computed.Value {
		return nil
	}
	return saima.Errorf(saima.KindInvalid,
		"无法记录调整：%s的综合得分调整值 %s 超出%s，综合得分须在 0 到 %s 之间（计算值为 %s）。"+
			"请检查调整值是否录入有误，例如把 85.5 写成了 855",
		o.Unit, saima.FormatNumber(o.Value), bound, saima.FormatNumber(limit), saima.FormatComposite(e.Computed.Value))
}

// checkIndicatorMax rejects an indicator override above the highest
// score that the indicator's normaliser gives under the rule set of st,
// or above 100 when that rule set is unknown. A points rule of 10 marks
// then rejects 90, and goalposts capped at 120 accept 110. The unit's
// computed score is always allowed, because overriding with it is how an
// override is undone.
func (s *Service) checkIndicatorMax(st *Standing, o Override) error {
	e, ok := st.Entry(o.Unit)
	if o.Indicator == "" || !ok {
		return nil
	}
	limit, bound, name := 100.0, "默认上限（读不到本期结果的规则集）", o.Indicator
	if rs := s.rulesOf(st.Evaluation, e); rs != nil {
		if i := slices.IndexFunc(rs.Indicators, func(ind Indicator) bool { return ind.ID == o.Indicator }); i >= 0 {
			limit = rs.Indicators[i].Normalise.maxScore()
			bound = "规则集“" + rs.Name + "”中该指标可能的最高分"
			name = o.Indicator + "（" + rs.Indicators[i].Name + "）"
		}
	}
	computed := math.NaN()
	if i := indexOf(e.Computed.Contributions, o.Indicator); i >= 0 {
		computed = e.Computed.Contributions[i].Score
	}
	if o.Value <= limit+1e-9 || o.Value == computed {
		return nil
	}
	return saima.Errorf(saima.KindInvalid,
		"无法记录调整：%s 指标 %s 的得分调整值 %s 超出%s，指标得分须在 0 到 %s 之间（计算值为 %s）。"+
			"请检查调整值是否录入有误，例如把分值写成了百分数",
		o.Unit, name, saima.FormatNumber(o.Value), bound, saima.FormatNumber(limit),
		saima.FormatIndicator(computed))
}

// applyOverrides applies to st the overrides of its period recorded before
// cutoff.
func (s *Service) applyOverrides(ctx context.Context, st *Standing, cutoff uint64) error {
	all, err := s.Store.ListOverrides(ctx, st.Period)
	if err != nil {
		return fmt.Errorf("list overrides: %w", err)
	}
	touched := map[string]bool{}
	for _, o := range inEffect(all, cutoff) {
		e, ok := st.Entry(o.Unit)
		if !ok || !e.apply(o) {
			st.Unmatched = append(st.Unmatched, o)
			continue
		}
		touched[e.Track] = true
	}
	var places *int32
	if len(st.Entries) > 0 {
		if rs := s.rulesOf(st.Evaluation, &st.Entries[0]); rs != nil {
			places = rs.Adjustments.RankPlaces
		}
	}
	for track := range touched {
		rerank(st.Entries, track, places)
	}
	if len(touched) > 0 {
		sortEntries(st.Entries)
	}
	return nil
}

// inEffect returns the latest override per unit and indicator among those
// recorded before cutoff, by unit, then by indicator with the composite
// last. A unit and indicator whose latest row is a withdrawal has none.
func inEffect(all []Override, cutoff uint64) []Override {
	type key struct{ unit, indicator string }
	latest := map[key]Override{}
	for _, o := range all {
		k := key{o.Unit, o.Indicator}
		if cur, ok := latest[k]; o.Version < cutoff && (!ok || o.Version > cur.Version) {
			latest[k] = o
		}
	}
	out := lo.Filter(lo.Values(latest), func(o Override, _ int) bool { return !o.Withdrawn })
	compositeLast := func(o Override) int {
		if o.Indicator == "" {
			return 1
		}
		return 0
	}
	slices.SortFunc(out, func(a, b Override) int {
		return cmp.Or(strings.Compare(a.Unit, b.Unit),
			cmp.Compare(compositeLast(a), compositeLast(b)),
			strings.Compare(a.Indicator, b.Indicator))
	})
	return out
}

// apply applies o to e and reports whether e has o's indicator.
func (e *Entry) apply(o Override) bool {
	if o.Indicator == "" {
		e.Value = o.Value
		e.Overrides = append(e.Overrides, o)
		return true
	}
	i := indexOf(e.Contributions, o.Indicator)
	if i < 0 {
		return false
	}
	c := &e.Contributions[i]
	if !e.stopped() {
		e.Value += (o.Value - c.Score) * c.Weight
	}
	c.Score, c.Points = o.Value, o.Value*c.Weight
	e.Overrides = append(e.Overrides, o)
	return true
}

// stopped reports whether a fail veto stopped e and no composite override
// lifted it.
func (e *Entry) stopped() bool {
	if e.Result == nil || !e.Result.Stopped {
		return false
	}
	return !slices.ContainsFunc(e.Overrides, func(o Override) bool { return o.Indicator == "" })
}

// rerank sets competition ranks in track from the composites as shown,
// tied as [RankValue] with places rounds them.
func rerank(entries []Entry, track string, places *int32) {
	var members []int
	var keys []float64
	for i := range entries {
		if entries[i].Track != track {
			continue
		}
		key := RankValue(entries[i].Value, places)
		if entries[i].stopped() {
			key = math.Inf(-1)
		}
		members, keys = append(members, i), append(keys, key)
	}
	ranks := ranksOfKeys(keys)
	for k, i := range members {
		entries[i].Rank = ranks[k]
	}
}

// sortEntries orders entries by track, keeping the tracks' first order,
// then by rank and unit.
func sortEntries(entries []Entry) {
	order := map[string]int{}
	for _, e := range entries {
		if _, ok := order[e.Track]; !ok {
			order[e.Track] = len(order)
		}
	}
	slices.SortStableFunc(entries, func(a, b Entry) int {
		return cmp.Or(cmp.Compare(order[a.Track], order[b.Track]), cmp.Compare(a.Rank, b.Rank),
			strings.Compare(a.Unit, b.Unit))
	})
}

// Diff compares two published versions of a period as they read now,
// overrides included.
type Diff struct {
	Period   saima.Period
	Old, New *Standing
	// Units has every unit of either version: the new version's order,
	// then the units that only the old one ranks.
	Units []UnitDiff
}

// UnitDiff is one unit's result in two versions.
type UnitDiff struct {
	Unit  string
	Track string // the new version's track, or the old one's when the new version lacks the unit
	Old   *Entry // nil when the old version does not rank the unit
	New   *Entry // nil when the new version does not rank the unit
	// OldUnranked and NewUnranked are the unit, with the 不参与排名原因
	// the run read, when the old or the new version's run left it out of
	// the ranking on purpose (赛道 不参与排名). They are nil when that
	// version ranks the unit or lacks it for another reason.
	OldUnranked, NewUnranked *saima.Unit
	// Contributions are the indicators whose contribution as shown
	// differs in any field, in the new version's order.
	Contributions []ContributionDiff
}

// ContributionDiff is one indicator's contribution in two versions. Old
// or New is nil when that version lacks the indicator.
type ContributionDiff struct {
	Indicator string
	Name      string
	Old, New  *saima.Contribution
}

// Changed reports whether the unit's composite, rank, track, contributions
// or overrides differ between the versions, compared exactly.
func (d *UnitDiff) Changed() bool {
	if d.Old == nil || d.New == nil {
		return true
	}
	return d.Old.Value != d.New.Value || d.Old.Rank != d.New.Rank || d.Old.Track != d.New.Track ||
		len(d.Contributions) > 0 || !slices.EqualFunc(d.Old.Overrides, d.New.Overrides, sameOverride)
}

// sameOverride reports whether a and b are the same recorded override,
// which its period, unit, indicator and version identify. Comparing whole
// structs with == would compare At, and equal times read back from the
// store may carry different *time.Location values.
func sameOverride(a, b Override) bool {
	return a.Period == b.Period && a.Unit == b.Unit && a.Indicator == b.Indicator &&
		a.Version == b.Version
}

// Changed returns the units whose result differs.
func (d *Diff) Changed() []UnitDiff {
	var out []UnitDiff
	for _, u := range d.Units {
		if u.Changed() {
			out = append(out, u)
		}
	}
	return out
}

// Diff compares versions a and b of period: published version numbers,
// or 0 for the period's latest draft, so that a draft shows what
// publishing it would change. It returns an error of kind
// saima.KindNotFound when either does not exist.
func (s *Service) Diff(ctx context.Context, period saima.Period, a, b int) (*Diff, error) {
	old, err := s.version(ctx, period, a)
	if err != nil {
		return nil, err
	}
	cur, err := s.version(ctx, period, b)
	if err != nil {
		return nil, err
	}
	d := &Diff{Period: period, Old: old, New: cur}
	for i := range cur.Entries {
		e := &cur.Entries[i]
		prev, _ := old.Entry(e.Unit)
		d.Units = append(d.Units, unitDiff(e.Unit, e.Track, prev, e))
	}
	for i := range old.Entries {
		e := &old.Entries[i]
		if _, ok := cur.Entry(e.Unit); !ok {
			d.Units = append(d.Units, unitDiff(e.Unit, e.Track, e, nil))
		}
	}
	for i := range d.Units {
		u := &d.Units[i]
		if u.Old == nil {
			u.OldUnranked = unrankedPtr(old, u.Unit)
		}
		if u.New == nil {
			u.NewUnranked = unrankedPtr(cur, u.Unit)
		}
	}
	return d, nil
}

// unrankedPtr returns the unit named unit among st.Unranked, or nil.
func unrankedPtr(st *Standing, unit string) *saima.Unit {
	if u, ok := st.unrankedUnit(unit); ok {
		return &u
	}
	return nil
}

// version returns published version v of period, or its latest draft
// when v is 0.
func (s *Service) version(ctx context.Context, period saima.Period, v int) (*Standing, error) {
	if v != 0 {
		return s.Published(ctx, period, v)
	}
	evs, err := s.Store.ListEvaluations(ctx, period)
	if err != nil {
		return nil, fmt.Errorf("list evaluations: %w", err)
	}
	var draft *Evaluation
	for i := range evs {
		if !evs[i].Published() && (draft == nil || evs[i].Recorded > draft.Recorded) {
			draft = &evs[i]
		}
	}
	if draft == nil {
		return nil, saima.Errorf(saima.KindNotFound, "%s没有草稿：请先运行 saima score %s 计算草稿", period.Label(), period)
	}
	return s.standing(ctx, draft, evs)
}

func unitDiff(unit, track string, old, cur *Entry) UnitDiff {
	d := UnitDiff{Unit: unit, Track: track, Old: old, New: cur}
	var olds, news []saima.Contribution
	if old != nil {
		olds = old.Contributions
	}
	if cur != nil {
		news = cur.Contributions
	}
	d.Contributions = contributionDiffs(olds, news)
	return d
}

func contributionDiffs(olds, news []saima.Contribution) []ContributionDiff {
	find := func(cs []saima.Contribution, id string) *saima.Contribution {
		if i := indexOf(cs, id); i >= 0 {
			return &cs[i]
		}
		return nil
	}
	var out []ContributionDiff
	for i := range news {
		n := &news[i]
		if o := find(olds, n.Indicator); o == nil || *o != *n {
			out = append(out, ContributionDiff{
				Indicator: n.Indicator, Name: n.Name, Old: o, New: n,
			})
		}
	}
	for i := range olds {
		if o := &olds[i]; find(news, o.Indicator) == nil {
			out = append(out, ContributionDiff{Indicator: o.Indicator, Name: o.Name, Old: o})
		}
	}
	return out
}

// Explanation is everything behind one unit's result in a standing: each
// contribution and the ledger rows that the indicators read.
type Explanation struct {
	Period     saima.Period
	Evaluation *Evaluation // nil for a run without a record
	Entry      Entry
	Indicators []IndicatorExplanation // in the order of the entry's contributions
	Evidence   Evidence
	// AsOf is the store version the evidence was read at: the evaluation's
	// DataAsOf. It is 0 for a run without a record, whose evidence is the
	// current ledger and may differ from what the run read.
	AsOf uint64
}

// PointsTotal returns the sum of the points of x's indicators, and true
// when that sum is the composite shown: the tree is arithmetic or sums,
// no bonus, penalty or veto changed the composite and no override set
// it. Otherwise the points show only each indicator's share, and it
// returns false.
func (x *Explanation) PointsTotal() (float64, bool) {
	total := 0.0
	for _, ind := range x.Indicators {
		total += ind.Points
	}
	return total, math.Abs(total-x.Entry.Value) <= 1e-6
}

// IndicatorExplanation is one indicator's contribution and where its value
// comes from.
type IndicatorExplanation struct {
	saima.Contribution                    // as shown, override included
	Computed           saima.Contribution // as the rule set computed it
	Override           *Override          // nil when no override applies
	// Source is the indicator's source in the rule set, and empty when
	// the rule set of the run is unknown.
	Source string
	// Dataset is the ledger dataset the source reads (saima.DatasetMilestones,
	// DatasetProgress or DatasetAssessments), and empty for an input that the
	// caller supplies or an unknown source.
	Dataset string
}

// unitNotScored returns the KindNotFound error for unit, which st lacks.
// When st's run left the unit out of the ranking on purpose, the message
// gives the reason the run read. When the roster puts the unit in a track
// that the standing's rule set lacks, the message names that cause,
// because scoring again under that rule set fails until the 赛道 or the
// rule set is corrected. Otherwise a unit added to the roster after the
// run is the usual cause, so the message says that the office scores the
// period again, and with which command: a new draft, or a new version
// once the period is published, because the pages show the published
// version over any later draft.
func (s *Service) unitNotScored(ctx context.Context, st *Standing, unit string) error {
	period := st.Period
	if msg, err := s.trackMissing(ctx, st, unit); err != nil {
		return err
	} else if msg != "" {
		return saima.Errorf(saima.KindNotFound, "%s的考评结果（%s）中没有单位“%s”：%s",
			period.Label(), st.Label(), unit, msg)
	}
	if off, err := s.offRoster(ctx, unit); err != nil {
		return err
	} else if off {
		return saima.Errorf(saima.KindNotFound,
			"%s的考评结果（%s）中没有单位“%s”，单位名单中也没有这个名称或别名；"+
				"请改用单位名单文件“单位”列的名称或“别名”列中的别名", period.Label(), st.Label(), unit)
	}
	if st.Evaluation != nil && st.Evaluation.Published() {
		return saima.Errorf(saima.KindNotFound,
			"%s已发布的考评结果（v%d）中没有单位“%s”，请核对单位名称；如果该单位是发布后才加入名单的，"+
				"需由改革办重新发布（saima publish %s，或排行榜页面的发布按钮），新版本会包含它",
			period.Label(), st.Evaluation.Version, unit, period)
	}
	return saima.Errorf(saima.KindNotFound,
		"%s的考评结果中没有单位“%s”，请核对单位名称；如果该单位是评分后才加入名单的，需由改革办重新评分（saima score %s）",
		period.Label(), unit, period)
}

// offRoster reports whether name is neither the name nor an alias of a
// unit on a roster that has units.
func (s *Service) offRoster(ctx context.Context, name string) (bool, error) {
	units, err := s.Store.ListUnits(ctx)
	if err != nil {
		return false, fmt.Errorf("list units: %w", err)
	}
	for _, u := range units {
		if u.Name == name || slices.Contains(u.Aliases, name) {
			return false, nil
		}
	}
	return len(units) > 0, nil
}

// trackMissing returns why unit cannot be in st. Either st's run left it
// out of the ranking on purpose, or the current roster keeps it out, or
// its track on the current roster is not a track of the rule set st was
// scored under. It returns "" when none of these holds. It also returns
// "" when the run did not store the units it left out and the unit is not
// on the roster or the rule set is unknown.
func (s *Service) trackMissing(ctx context.Context, st *Standing, unit string) (string, error) {
	units, err := s.Store.ListUnits(ctx)
	if err != nil {
		return "", fmt.Errorf("list units: %w", err)
	}
	var today *saima.Unit
	if i := slices.IndexFunc(units, func(u saima.Unit) bool { return u.Name == unit }); i >= 0 {
		today = &units[i]
	}
	text := s.Rules
	if st.Evaluation != nil {
		text = []byte(st.Evaluation.RuleSetText)
	}
	rs, err := parseStored(string(text))
	if len(text) == 0 || err != nil {
		rs = nil
	}
	if left, ok := st.unrankedUnit(unit); ok && !st.UnrankedFromCurrentRoster {
		return leftOutReason(left, today, rs), nil
	}
	if today == nil || rs == nil {
		return "", nil
	}

	if !today.Ranked() {
		return fmt.Sprintf("单位名单中它的赛道是“%s”，原因：%s；改革办有意不让它参加排名，"+
			"如需参加，请在单位名单中把它的赛道改为规则集“%s”的赛道之一（%s）后重新上传名单，再重新评分或发布",
			today.Track, today.UnrankedReason, rs.Name, strings.Join(rs.TrackNames(), "、")), nil
	}
	track := cmp.Or(today.Track, today.Kind)
	if _, ok := rs.Track(track); ok {
		return "", nil
	}
	return fmt.Sprintf("单位名单中它的赛道是“%s”，而该结果所用的规则集“%s”只有赛道 %s，所以它没有参加排名，"+
		"按该规则集重新评分或发布也会因此失败；请在单位名单中把它的赛道改为其中之一后重新上传名单，"+
		"或在规则集中增加该赛道，再重新评分或发布",
		track, rs.Name, strings.Join(rs.TrackNames(), "、")), nil
}

// Explain returns what lies behind unit's result in period's current
// standing: each contribution, each override, and the milestones, progress
// reports and assessments its facts came from, read as of the evaluation's
// data version with the upload of each row.
func (s *Service) Explain(ctx context.Context, period saima.Period, unit string) (*Explanation, error) {
	st, err := s.Current(ctx, period)
	if err != nil {
		return nil, err
	}
	e, ok := st.Entry(unit)
	if !ok {
		return nil, s.unitNotScored(ctx, st, unit)
	}
	x := &Explanation{Period: period, Evaluation: st.Evaluation, Entry: *e}
	if st.Evaluation != nil {
		x.AsOf = st.Evaluation.DataAsOf
	}
	if x.Evidence, err = s.Store.Snapshot(x.AsOf).Evidence(ctx, period, unit); err != nil {
		return nil, fmt.Errorf("read evidence: %w", err)
	}
	x.Indicators = explainIndicators(e, s.rulesOf(st.Evaluation, e))
	return x, nil
}

// rulesOf returns the rule set that produced e: the evaluation's stored
// text, or s.Rules when its version matches, or nil when neither does.
func (s *Service) rulesOf(ev *Evaluation, e *Entry) *RuleSet {
	text := s.Rules
	if ev != nil {
		text = []byte(ev.RuleSetText)
	}
	rs, err := parseStored(string(text))
	if len(text) == 0 || err != nil || rs.Version != e.RuleSetVersion {
		return nil
	}
	return rs
}

func explainIndicators(e *Entry, rs *RuleSet) []IndicatorExplanation {
	out := make([]IndicatorExplanation, len(e.Contributions))
	for i, c := range e.Contributions {
		x := IndicatorExplanation{Contribution: c}
		if j := indexOf(e.Computed.Contributions, c.Indicator); j >= 0 {
			x.Computed = e.Computed.Contributions[j]
		}
		for k := range e.Overrides {
			if e.Overrides[k].Indicator == c.Indicator {
				x.Override = &e.Overrides[k]
			}
		}
		if rs != nil {
			if j := rs.indicatorIndex(c.Indicator); j >= 0 {
				x.Source = rs.Indicators[j].Source
				x.Dataset = datasetOf(x.Source)
			}
		}
		out[i] = x
	}
	return out
}

// indexOf returns the index of indicator's contribution in cs, or -1.
func indexOf(cs []saima.Contribution, indicator string) int {
	return slices.IndexFunc(cs, func(c saima.Contribution) bool { return c.Indicator == indicator })
}

// datasetOf returns the ledger dataset that a built-in source reads.
func datasetOf(source string) string {
	switch source {
	case SourceMilestoneOnTimeRate, SourceMilestoneRedMonths, SourceMilestoneYellowMonths:
		return saima.DatasetMilestones
	case SourceProblemsClosedRate, SourceProblemsMeanDays, SourceProblemsMeanDaysLevel1,
		SourceProblemsMeanDaysLevel2, SourceProblemsMeanDaysLevel3:
		return saima.DatasetProblems
	case SourceProgressMean, SourceProgressVsPlan:
		return saima.DatasetProgress
	case SourceAssessmentMean, SourceAssessmentTotal:
		return saima.DatasetAssessments
	}
	return ""
}

// Shift is one unit's result under two rule sets on the same ledger.
type Shift struct {
	Unit string
	// Track is the unit's track under the base rules, or under the
	// alternative when the base rules do not rank the unit.
	Track string
	Base  *saima.Score // nil when the base rules do not rank the unit
	Alt   *saima.Score // nil when the alternative does not rank the unit
}

// Rise returns how many places the unit rises under the alternative rules:
// negative for a fall, 0 when either rule set does not rank it.
func (sh Shift) Rise() int {
	if sh.Base == nil || sh.Alt == nil {
		return 0
	}
	return sh.Base.Rank - sh.Alt.Rank
}

// WhatIf scores period under s.Rules and under the rule set alt (YAML)
// with the same current ledger, stores nothing, and returns each unit's
// result under both: the base order, then the units only alt ranks.
func (s *Service) WhatIf(ctx context.Context, period saima.Period, alt []byte) ([]Shift, error) {
	if err := CheckRunPeriod(period, s.now()); err != nil {
		return nil, err
	}
	base, err := s.ruleSet()
	if err != nil {
		return nil, err
	}
	other, err := ParseRuleSet(alt)
	if err != nil {
		return nil, err
	}
	for _, rs := range []*RuleSet{base, other} {
		if err := checkLedgerInputs(rs); err != nil {
			return nil, err
		}
	}
	snap := s.Store.Snapshot(s.Store.Now())
	a, err := compute(ctx, base, period, snap, nil, nil, FactsRevision)
	if err != nil {
		return nil, err
	}
	b, err := compute(ctx, other, period, snap, nil, nil, FactsRevision)
	if err != nil {
		return nil, err
	}
	if !hasData(base, a.records) && !hasData(other, b.records) {
		return nil, noData(base, period, a.facts)
	}
	return shifts(a.scores("", time.Time{}), b.scores("", time.Time{})), nil
}

func shifts(base, alt []saima.Score) []Shift {
	find := func(scores []saima.Score, unit string) *saima.Score {
		i := slices.IndexFunc(scores, func(sc saima.Score) bool { return sc.Unit == unit })
		if i < 0 {
			return nil
		}
		return &scores[i]
	}
	var out []Shift
	for i := range base {
		out = append(out, Shift{
			Unit: base[i].Unit, Track: base[i].Track, Base: &base[i], Alt: find(alt, base[i].Unit),
		})
	}
	for i := range alt {
		if find(base, alt[i].Unit) == nil {
			out = append(out, Shift{Unit: alt[i].Unit, Track: alt[i].Track, Alt: &alt[i]})
		}
	}
	return out
}

// forbiddenText returns the error, worded as for a form, when value of the
// field contains a character that no upload or form accepts, such as a
// terminal escape or a bidi override. Such a value would reach the PDFs
// and the terminal. A clean value gives no error.
func forbiddenText(field, value string) []string {
	if issue, found := ingest.ForbiddenIssue(field, value); found {
		return []string{issue.FormString()}
	}
	return nil
}

// storeTime returns a store version, nanoseconds since the Unix epoch, as a
// UTC time for logs.
func storeTime(version uint64) time.Time {
	return time.Unix(0, int64(version)).UTC()
}

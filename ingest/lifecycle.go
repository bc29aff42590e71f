package ingest

import (
	"cmp"
	"context"
	"fmt"
	"maps"
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/samber/lo"

	"saima"
)

// Indexes into saima.Stages of the stages the lifecycle rules name.
var (
	stageArgue     = slices.Index(saima.Stages, "论证")
	stageDecide    = slices.Index(saima.Stages, "决策")
	stageImplement = slices.Index(saima.Stages, "实施")
	stageEvaluate  = slices.Index(saima.Stages, "评估")
)

// Terminal stages: nothing may follow them.
const (
	stageExit   = "退出"
	stageFinish = "完成"
)

// stageBodies lists, per stage, the deciding bodies that may record it, as
// substrings of 决策主体 so that 市委改革办 and 改革办 both match. 初审 is
// checked separately because the project's lead unit may also decide it.
var stageBodies = map[string][]string{
	"审核":      {"改革办"},
	"论证":      {"改革办"},
	"决策":      {"改革委", "深改委"},
	stageExit: {"改革委", "深改委"},
}

// StageHistory is the part of the store that the lifecycle check reads.
// clickhouse.Store implements it.
type StageHistory interface {
	// ListStageHistory returns the stored stage events of the projects
	// codes, or of every project when codes is empty.
	ListStageHistory(ctx context.Context, codes ...string) ([]saima.StageEvent, error)

	// ListProjects returns every project, for their lead units.
	ListProjects(ctx context.Context) ([]saima.Project, error)
}

// stagedEvent is an event under check and whether it comes from the file.
type stagedEvent struct {
	saima.StageEvent
	incoming bool
	replaces bool // whether an incoming event replaces a stored one of its stage and round

	// undated is set on an event from a row whose date has an error. No
	// other event is dated against it.
	undated bool
}

// CheckLifecycle returns the errors in the stage history that adding
// incoming to existing would give. An incoming event replaces an existing
// one with the same project, stage and round. leadUnits maps project codes
// to the lead unit (牵头单位) that may decide 初审 besides 市大数据局; a
// missing entry accepts any body for 初审.
//
// The rules:
//   - A project starts at 预报 and moves through saima.Stages in order,
//     without skipping.
//   - 实施 needs a 决策 of the same round whose 意见 approves the
//     project. A 意见 that contains 不通过, 未通过, 不同意, 不予立项 or
//     否决 and approves nothing does not (see rejection).
//   - An event's date is never before the previous event's.
//   - Nothing follows 退出 or 完成, and 完成 needs 评估. Their round is
//     empty (zero) or the current one, unless they correct a stored
//     event of the same stage and round.
//   - A change (saima.StageChange) needs an item and a reason and comes
//     only after 论证. The next event must be a 论证 of the next round,
//     which is the only way back to an earlier stage. A stage from 论证 on
//     that is dated after the change of its own round is reported as
//     missing the next round's 论证 and 决策, not as a date going back.
//   - 退出 needs its accountability (问责情况).
//   - 初审, 审核, 论证, 决策 and 退出 need their deciding body.
//
// Only rule breaks that involve an incoming event are returned, so that a
// history stored before these rules does not block unrelated uploads.
// Issues carry the incoming event's Row, and the caller sets File.
func CheckLifecycle(existing, incoming []saima.StageEvent, leadUnits map[string]string) []Issue {
	return checkLifecycle(existing, incoming, leadUnits, &orderGaps{})
}

// checkLifecycle is CheckLifecycle for the good rows of a file whose rows
// with errors gaps describes. The order, date and change rules skip
// every project that such a row may touch, unless the row's date alone
// is bad: then the walk takes its stage without a date, and reports
// nothing on its row. The deciding body and the other columns of each
// good row are checked whatever the other rows hold.
func checkLifecycle(existing, incoming []saima.StageEvent, leadUnits map[string]string, gaps *orderGaps) []Issue {
	var issues []Issue
	if !gaps.all {
		undatedRows := map[int]bool{}
		for _, e := range gaps.undated {
			undatedRows[e.Row] = true
		}
		for _, events := range mergeStages(existing, incoming, gaps.undated) {
			if gaps.records[events[0].ProjectCode] {
				continue
			}
			for _, is := range checkSequence(events) {
				if !undatedRows[is.Row] {
					issues = append(issues, is)
				}
			}
		}
	}
	for _, e := range incoming {
		issues = append(issues, checkDecision(e, leadUnits[e.ProjectCode])...)
	}
	slices.SortStableFunc(issues, func(a, b Issue) int { return a.Row - b.Row })
	return issues
}

// mergeStages groups the events by project, in project order, each group
// in lifecycle order (see stageOrder). The undated events come from the
// file too, but without a date (see orderGaps).
func mergeStages(existing, incoming, undated []saima.StageEvent) [][]stagedEvent {
	type key struct {
		code, stage string
		round       int
	}
	byKey := map[key]stagedEvent{}
	for _, e := range existing {
		byKey[key{e.ProjectCode, e.Stage, e.RoundOrOne()}] = stagedEvent{StageEvent: e}
	}
	for i, e := range slices.Concat(incoming, undated) {
		k := key{e.ProjectCode, e.Stage, e.RoundOrOne()}
		old, ok := byKey[k]
		byKey[k] = stagedEvent{StageEvent: e, incoming: true, replaces: ok && !old.incoming, undated: i >= len(incoming)}
	}

	byProject := lo.GroupBy(lo.Values(byKey), func(e stagedEvent) string { return e.ProjectCode })
	codes := slices.Sorted(maps.Keys(byProject))
	out := make([][]stagedEvent, len(codes))
	for i, code := range codes {
		out[i] = byProject[code]
		slices.SortFunc(out[i], stageOrder)
	}
	return out
}

// stageOrder sorts events in the order the lifecycle visits them: by
// round, within a round by stage with a change last, and 退出 or 完成
// after everything, by date. Sorting by the lifecycle rather than by date
// lets the date rule name the event whose date is wrong. 退出 and 完成 on
// one day go stored first, then by row and by stage, because the events
// arrive in the order of a map.
func stageOrder(a, b stagedEvent) int {
	ta, tb := isTerminal(a.Stage), isTerminal(b.Stage)
	switch {
	case ta != tb:
		if ta {
			return 1
		}
		return -1
	case ta:
		return cmp.Or(a.Date.Compare(b.Date), compareBool(a.incoming, b.incoming),
			cmp.Compare(a.Row, b.Row), cmp.Compare(a.Stage, b.Stage))
	}
	return cmp.Or(cmp.Compare(a.RoundOrOne(), b.RoundOrOne()), cmp.Compare(saima.StageRank(a.Stage), saima.StageRank(b.Stage)))
}

// compareBool orders false before true.
func compareBool(a, b bool) int {
	switch {
	case a == b:
		return 0
	case a:
		return 1
	}
	return -1
}

func isTerminal(stage string) bool { return stage == stageExit || stage == stageFinish }

// sequence is the state of one project's walk through its history.
type sequence struct {
	last    int // index in saima.Stages of the last stage reached; -1 before 预报
	round   int // the current round
	decided bool

	// rejected is the current round's 决策 when its 意见 does not approve
	// the project (see rejection), and nil otherwise.
	rejected *stagedEvent
	change   *stagedEvent // a change still waiting for its 论证
	closed   *stagedEvent // 退出 or 完成, once reached
	prev     *stagedEvent
	issues   []Issue

	// latest is the highest round of a stage in the history, which is the
	// round a new change takes.
	latest int

	events []stagedEvent // the history, sorted by stageOrder
}

// checkSequence applies the order, date and change rules to the events of
// one project, sorted by stageOrder.
func checkSequence(events []stagedEvent) []Issue {
	s := &sequence{events: events, last: -1, round: 1, latest: 1}
	for _, e := range events {
		if !isTerminal(e.Stage) && e.Stage != saima.StageChange {
			s.latest = max(s.latest, e.RoundOrOne())
		}
	}
	for i := range events {
		e := &events[i]
		if c := changeBefore(events, e); c != nil {
			// The walk skips e because it belongs to a later round.
			// Comparing it with its recorded round would only report a
			// date going back.
			s.reportSkippedReassessment(e, c)
			continue
		}
		s.step(e)
		if !e.undated {
			s.prev = e
		}
	}
	return s.issues
}

// changeBefore returns the change of e's round when e is an incoming
// stage from 论证 on that is dated after it, and nil otherwise. Such a
// stage usually has an empty 轮次 although it belongs to the next round.
func changeBefore(events []stagedEvent, e *stagedEvent) *stagedEvent {
	if !e.incoming || isTerminal(e.Stage) || e.Stage == saima.StageChange {
		return nil
	}
	if c := findEvent(events, saima.StageChange, e.RoundOrOne()); c != nil &&
		saima.StageRank(e.Stage) >= stageArgue && e.Date.After(c.Date) {
		return c
	}
	return nil
}

// reportSkippedReassessment reports stage e, which is dated after change
// c of its own round. The round e belongs to is the one after the last
// change dated before e, which may be a later change than c. The issue
// names that round, that change and the stages before e that the round
// still lacks.
func (s *sequence) reportSkippedReassessment(e, c *stagedEvent) {
	round := c.RoundOrOne() + 1
	for {
		next := findEvent(s.events, saima.StageChange, round)
		if next == nil || !e.Date.After(next.Date) {
			break
		}
		c = next
		round++
	}
	missing := s.missingStages(round, saima.StageRank(e.Stage))

	reason := fmt.Sprintf("在%s的变更之后，却登记为第%d轮", c.Date, e.RoundOrOne())
	if e.Round == 0 {
		reason += "（“轮次”留空即为第1轮）"
	}
	fix := fmt.Sprintf("请在“轮次”列填写%d", round)
	if len(missing) > 0 {
		reason += fmt.Sprintf("；变更后项目须重新论证和决策，第%d轮还没有%s记录", round, strings.Join(missing, "、"))
		fix = reassessmentFix(round, missing, e.Stage)
	}
	value := ""
	if e.Round > 0 {
		value = fmt.Sprint(e.Round)
	}
	s.report(e, c, "轮次", value, reason, fix+"；如果这一行发生在变更之前，请更正它的日期")
}

// missingStages returns the stages of saima.Stages from 论证 up to, but
// not including, index end that have no event of round.
func (s *sequence) missingStages(round, end int) []string {
	var missing []string
	for _, stage := range saima.Stages[stageArgue:end] {
		if findEvent(s.events, stage, round) == nil {
			missing = append(missing, stage)
		}
	}
	return missing
}

// findEvent returns the event of stage and round, or nil.
func findEvent(events []stagedEvent, stage string, round int) *stagedEvent {
	i := slices.IndexFunc(events, func(e stagedEvent) bool {
		return e.Stage == stage && e.RoundOrOne() == round
	})
	if i < 0 {
		return nil
	}
	return &events[i]
}

// reassessmentFix returns the fix for a stage whose round lacks the
// stages in missing: enter those stages and then stage, in round.
func reassessmentFix(round int, missing []string, stage string) string {
	return fmt.Sprintf("请依次登记第%d轮的%s和%s（“轮次”列填写%d）",
		round, strings.Join(missing, "、"), stage, round)
}

func (s *sequence) step(e *stagedEvent) {
	if c := s.closed; c != nil {
		s.report(e, c, "日期", e.Date.String(),
			fmt.Sprintf("在%s%s之后，项目%s后不能再登记阶段", c.Date, c.Stage, c.Stage),
			secondEndFix(e, c))
		return
	}
	if p := s.prev; p != nil && e.Date.Before(p.Date) && isTerminal(e.Stage) {
		s.report(e, p, "日期", e.Date.String(),
			fmt.Sprintf("之后还有%s（%s）的记录，项目%s后不能再登记阶段", p.Stage, p.Date, e.Stage),
			"请删除退出或完成之后的阶段；如果退出或完成的日期有误，请更正")
	} else if p != nil && e.Date.Before(p.Date) && p.Stage == saima.StageChange && !e.incoming {
		s.reportLateChange(p, e)
	} else if p != nil && e.Date.Before(p.Date) && p.Stage == saima.StageChange {
		s.report(e, p, "日期", e.Date.String(),
			fmt.Sprintf("早于%s的变更，变更后第%d轮的阶段须在变更之后", p.Date, e.RoundOrOne()),
			fmt.Sprintf("请核对这一行和变更的日期；如果这一行属于变更前的第%d轮，请在“轮次”列填写%d",
				p.RoundOrOne(), p.RoundOrOne()))
	} else if p != nil && e.Date.Before(p.Date) {
		s.report(e, p, "日期", e.Date.String(),
			fmt.Sprintf("早于前一阶段%s的日期%s，阶段日期不能倒退", p.Stage, p.Date),
			"请核对两个阶段的日期；如果是变更后重新论证，请在“轮次”列填写新的轮次")
	}

	switch {
	case e.Stage == stageExit:
		s.exit(e)
	case e.Stage == stageFinish:
		s.finish(e)
	case e.Stage == saima.StageChange:
		s.changeStage(e)
	default:
		s.advance(e)
	}
}

// secondEndFix returns the fix for 退出 or 完成 e that follows closed,
// the project's first 退出 or 完成. When one of them is stored, the
// fix gives the round to enter its stage with, because a record with the
// same stage and round replaces it.
func secondEndFix(e, closed *stagedEvent) string {
	stored, added := closed, e
	if closed.incoming {
		stored, added = e, closed
	}
	switch {
	case stored.incoming:
		return "请删除这一行；如果退出或完成登记有误，请先更正那一条"
	case stored.Stage == added.Stage:
		return fmt.Sprintf("如果是更正已登记的%s，请在“轮次”列填写%d（与已登记的%s相同），新记录会替换它；否则请删除这一行",
			stored.Stage, stored.RoundOrOne(), stored.Stage)
	}
	return fmt.Sprintf("请删除这一行；如果已登记的%s有误，请重新登记%s并在“轮次”列填写%d，新记录会替换它",
		stored.Stage, stored.Stage, stored.RoundOrOne())
}

// reportLateChange reports change c from the file when it is dated after
// stage e, a stored stage of a later round. Usually c is meant as a new
// change but left in an old round, since an empty 轮次 means round 1. It
// may also correct that round's change, which must then be dated no later
// than e. The fix offers both.
func (s *sequence) reportLateChange(c, e *stagedEvent) {
	if !c.incoming {
		return
	}
	reason := fmt.Sprintf("项目%s的变更登记为第%d轮", c.ProjectCode, c.RoundOrOne())
	if c.Round == 0 {
		reason += "（“轮次”留空即为第1轮）"
	}
	value := ""
	if c.Round > 0 {
		value = fmt.Sprint(c.Round)
	}
	reason += fmt.Sprintf("，但已登记的第%d轮%s（%s）早于它的日期%s，而第%d轮的阶段须在第%d轮的变更之后",
		e.RoundOrOne(), e.Stage, e.Date, c.Date, e.RoundOrOne(), c.RoundOrOne())
	fix := fmt.Sprintf("如果这是一次新的变更，请在“轮次”列填写当前轮次%d；"+
		"如果是更正第%d轮的那次变更（同一轮次的变更会替换原记录），请把日期改为%s或更早",
		s.latest, c.RoundOrOne(), e.Date)
	s.issues = append(s.issues, Issue{Row: c.Row, Column: "轮次", Value: value, Reason: reason, Fix: fix,
		OwnSubject: true})
}

// exit checks that 退出 follows a stage and carries the current round or
// an empty 轮次, which reads as 1. The current round is the last stage's,
// or, after a change still waiting for its 论证, the change's or the next.
// Another round is accepted only when e replaces a stored 退出 of that
// round, which corrects it.
func (s *sequence) exit(e *stagedEvent) {
	switch round := e.RoundOrOne(); {
	case s.last < 0:
		s.report(e, nil, "阶段", e.Stage, "没有预报等前序阶段记录，项目尚未进入台账流程，不能退出",
			"请先登记项目的预报及后续阶段")
	case e.Round == 0 || e.replaces:
	case s.change != nil && (round == s.change.RoundOrOne() || round == s.change.RoundOrOne()+1):
	case round != s.round:
		s.reportTerminalRound(e, s.round)
	}
	s.closed = e
}

// reportTerminalRound reports 退出 or 完成 e, whose 轮次 is neither empty
// nor want, the round the project is in. A stage's record key includes
// its round, so a wrong one would stand beside the right one instead of
// replacing it. An explicit 1 is reported too although an empty 轮次 is
// stored as 1, because a user who types it means an earlier round.
func (s *sequence) reportTerminalRound(e *stagedEvent, want int) {
	reason := fmt.Sprintf("登记为第%d轮，而项目当前是第%d轮", e.RoundOrOne(), want)
	fix := fmt.Sprintf("请在“轮次”列填写%d或留空", want)
	value := ""
	if e.Round > 0 {
		value = fmt.Sprint(e.Round)
	}
	s.report(e, nil, "轮次", value, reason, fix)
}

// finish checks that 完成 follows 评估 of the current round. After a
// change still waiting for its 论证, that is the round the change opens.
func (s *sequence) finish(e *stagedEvent) {
	c, round := s.change, s.round
	if c != nil {
		round = c.RoundOrOne() + 1
	}
	switch {
	case c != nil && e.Date.Before(c.Date):
		// step has reported that the change comes after 完成.
	case c != nil:
		missing := s.missingStages(round, stageEvaluate+1)
		s.report(e, nil, "阶段", e.Stage,
			fmt.Sprintf("在%s的变更之后，第%d轮还没有%s记录，变更后项目须重新论证、决策和实施，经评估后才能完成",
				c.Date, round, strings.Join(missing, "、")),
			finishFix(round, missing))
	case s.last != stageEvaluate && round > 1:
		missing := s.missingStages(round, stageEvaluate+1)
		s.report(e, nil, "阶段", e.Stage,
			fmt.Sprintf("之前没有第%d轮的%s记录，变更后项目须经第%d轮评估后才能完成",
				round, strings.Join(missing, "、"), round),
			finishFix(round, missing))
	case s.last != stageEvaluate:
		s.report(e, nil, "阶段", e.Stage, "之前没有评估记录，项目须经评估后才能完成",
			"请先登记评估阶段，再登记完成")
	case e.Round != 0 && e.Round != round && !e.replaces:
		s.reportTerminalRound(e, round)
	}
	s.closed = e
}

// finishFix returns the fix for a 完成 whose round lacks the stages in
// missing, which must not be empty.
func finishFix(round int, missing []string) string {
	last := len(missing) - 1
	if last == 0 {
		return fmt.Sprintf("请先登记第%d轮的%s（“轮次”列填写%d），再登记完成", round, missing[0], round)
	}
	return fmt.Sprintf("请先依次登记第%d轮的%s和%s（“轮次”列填写%d），再登记完成",
		round, strings.Join(missing[:last], "、"), missing[last], round)
}

func (s *sequence) changeStage(e *stagedEvent) {
	if s.last < stageArgue {
		s.report(e, nil, "阶段", e.Stage, "项目尚未论证，变更只用于已论证项目的目标或周期调整",
			"未论证的项目请直接修改项目台账后再论证")
	}
	if c := s.change; c != nil {
		next := c.RoundOrOne() + 1
		s.report(e, c, "轮次", fmt.Sprint(e.RoundOrOne()),
			fmt.Sprintf("在%s的变更之后，还没有第%d轮论证，变更后须先重新论证才能再次变更", c.Date, next),
			fmt.Sprintf("请先登记第%d轮论证；如果是更正%s的那次变更（变更事项：%s），请在“轮次”列填写%d，新记录将替换原记录",
				next, c.Date, c.ChangeItem, c.RoundOrOne()))
	} else if e.RoundOrOne() != s.round {
		s.report(e, nil, "轮次", fmt.Sprint(e.RoundOrOne()),
			fmt.Sprintf("与当前轮次%d不符", s.round), fmt.Sprintf("第%d次变更的轮次请填写%d", s.round, s.round))
	}
	s.change = e
}

// advance checks a stage of saima.Stages before 退出 and 完成.
func (s *sequence) advance(e *stagedEvent) {
	idx := slices.Index(saima.Stages, e.Stage)
	if c := s.change; c != nil {
		s.reargue(e, c, idx)
		return
	}
	switch round := e.RoundOrOne(); {
	case round != s.round:
		s.report(e, nil, "轮次", fmt.Sprint(round),
			fmt.Sprintf("是第%d轮，但之前没有登记第%d次变更；回到已经过的阶段须先登记变更", round, round-1),
			"如果是首次登记，请把轮次改为"+fmt.Sprint(s.round)+"或留空；如果是变更后重新论证，请先登记变更")
	case idx == stageImplement && !s.decided && round > 1:
		s.report(e, nil, "阶段", e.Stage,
			fmt.Sprintf("之前没有第%d轮的决策记录，变更后项目须经改革委重新决策才能实施", round),
			fmt.Sprintf("请先登记第%d轮的决策（“轮次”列填写%d），再登记实施", round, round))
	case idx == stageImplement && !s.decided:
		s.report(e, nil, "阶段", e.Stage, "之前没有决策记录，项目须经改革委决策后才能实施",
			"请先登记决策阶段，再登记实施")
	case idx == stageImplement && s.rejected != nil:
		s.reportRejected(e, s.rejected)
	case idx > s.last+1:
		s.report(e, nil, "阶段", e.Stage, "跳过了"+strings.Join(saima.Stages[s.last+1:idx], "、")+"阶段，阶段须依次推进",
			"请补登跳过的阶段后重新上传")
	}
	s.last = max(s.last, idx)
	if idx == stageDecide {
		s.decided = true
		s.rejected = rejection(e)
	}
}

// rejectionWords mark a 决策 whose 意见 does not approve the project,
// unless the 意见 also approves it (see approves).
var rejectionWords = []string{"不通过", "未通过", "不予通过", "不同意", "不予同意", "不予立项", "否决"}

// rejection returns decision e when its 意见 contains one of
// rejectionWords and approves nothing, and nil otherwise. An approval
// with a reservation, such as “同意立项，不同意追加预算” or “原则通过，
// 未通过部分按专家意见修改”, approves the project.
func rejection(e *stagedEvent) *stagedEvent {
	opinion := compact(e.Opinion)
	if approves(opinion) {
		return nil
	}
	for _, w := range rejectionWords {
		if strings.Contains(opinion, w) {
			return e
		}
	}
	return nil
}

// approves reports whether opinion holds 同意 or 通过 that no 不, 未 or
// 予 (as in 不予通过) negates.
func approves(opinion string) bool {
	for _, word := range []string{"同意", "通过"} {
		rest := opinion
		for {
			i := strings.Index(rest, word)
			if i < 0 {
				break
			}
			before, _ := utf8.DecodeLastRuneInString(rest[:i])
			if before != '不' && before != '未' && before != '予' {
				return true
			}
			rest = rest[i+len(word):]
		}
	}
	return false
}

// reportRejected reports 实施 e, which follows decision d of its round
// whose 意见 does not approve the project.
func (s *sequence) reportRejected(e, d *stagedEvent) {
	reason := fmt.Sprintf("所依据的决策意见为“%s”（%s，%s），未通过决策的项目不能实施", d.Opinion, d.Date, d.DecidedBy)
	fix := fmt.Sprintf("如果决策意见有误，请更正第%d轮决策的意见（同一轮次的决策会替换原记录）；"+
		"未通过的项目请登记退出，修改方案后重新决策的请先登记变更，再登记第%d轮论证和决策",
		d.RoundOrOne(), d.RoundOrOne()+1)
	s.report(e, d, "阶段", e.Stage, reason, fix)
}

// reargue checks the stage after change c: it must be 论证 of the next
// round. The walk continues in that round from e, or from 论证 when e is
// an earlier stage.
func (s *sequence) reargue(e, c *stagedEvent, idx int) {
	next := c.RoundOrOne() + 1
	switch {
	case idx > stageArgue:
		missing := saima.Stages[stageArgue:idx]
		s.report(e, c, "阶段", e.Stage,
			fmt.Sprintf("在%s的变更之后，变更后须先重新论证和决策，第%d轮还没有%s记录", c.Date, next,
				strings.Join(missing, "、")),
			reassessmentFix(next, missing, e.Stage))
	case idx != stageArgue:
		s.report(e, c, "阶段", e.Stage, fmt.Sprintf("在%s的变更之后，变更后须先重新论证", c.Date),
			fmt.Sprintf("请先登记第%d轮论证", next))
	case e.RoundOrOne() != next:
		s.report(e, c, "轮次", fmt.Sprint(e.RoundOrOne()), fmt.Sprintf("与变更后的轮次%d不符", next),
			fmt.Sprintf("变更后的重新论证请在“轮次”列填写%d", next))
	}
	// The walk goes on from e, so that a 决策 reported here still counts
	// for the 实施 after it.
	s.change, s.round = nil, next
	s.last, s.decided = max(idx, stageArgue), idx == stageDecide
	s.rejected = nil
	if s.decided {
		s.rejected = rejection(e)
	}
}

// report records a rule break found at e, in relation to other (which may
// be nil), when either comes from the file. The issue points at e's row
// when e is incoming and at other's otherwise.
func (s *sequence) report(e, other *stagedEvent, column, value, reason, fix string) {
	subject := "项目" + e.ProjectCode + "的" + e.Stage
	at := e
	if !e.incoming {
		if other == nil || !other.incoming {
			return
		}
		at, column, value = other, "阶段", other.Stage
		subject = "已登记的项目" + e.ProjectCode + "的" + e.Stage + "（" + e.Date.String() + "）"
	}
	s.issues = append(s.issues, Issue{Row: at.Row, Column: column, Value: value, Reason: subject + reason, Fix: fix,
		OwnSubject: true})
}

// checkDecision checks the columns that one event's stage requires: the
// deciding body, the change's item and reason, and the accountability of
// an exit.
func checkDecision(e saima.StageEvent, leadUnit string) []Issue {
	var out []Issue
	add := func(column, value, reason, fix string) {
		out = append(out, Issue{Row: e.Row, Column: column, Value: value,
			Reason: "项目" + e.ProjectCode + "的" + e.Stage + reason, Fix: fix, OwnSubject: true})
	}
	if ok, who := bodyAllowed(e.Stage, e.DecidedBy, leadUnit); !ok {
		add("决策主体", e.DecidedBy, "须由"+who+"决定", "请在“决策主体”列填写"+who)
	}
	switch e.Stage {
	case saima.StageChange:
		if unwritten(e.ChangeItem) {
			add("变更事项", e.ChangeItem, "没有写明变更事项", "请填写变更的目标或周期，如“建设周期”")
		}
		if unwritten(e.ChangeReason) {
			add("变更原因", e.ChangeReason, "没有记录变更原因，变更须说明理由", "请填写变更原因后重新上传")
		}
	case stageExit:
		if unwritten(e.Accountability) {
			add("问责情况", e.Accountability, "没有注明问责情况，项目退出须注明问责情况",
				"请填写问责情况；不需问责的请写明“不予问责”及理由")
		}
	}
	return out
}

// bodyAllowed reports whether body may decide stage and, when it may not,
// names who may.
func bodyAllowed(stage, body, leadUnit string) (bool, string) {
	if stage == "初审" {
		deciders := "本系统牵头单位或市大数据局"
		switch leadUnit {
		case "":
		case "市大数据局":
			deciders = "本系统牵头单位（市大数据局）"
		default:
			deciders = "本系统牵头单位（" + leadUnit + "）或市大数据局"
		}
		ok := body != "" && (strings.Contains(body, "大数据局") || leadUnit == "" || body == leadUnit)
		return ok, deciders
	}
	allowed, ruled := stageBodies[stage]
	if !ruled {
		return true, ""
	}
	for _, a := range allowed {
		if strings.Contains(body, a) {
			return true, ""
		}
	}
	return false, strings.Join(allowed, "或")
}

// checkLifecycle rejects a stages upload whose events break the lifecycle
// rules against the stored history. For a file with errors, b holds its
// good rows and gaps what is known of the others (see orderGaps). It adds the issues to rep and returns
// an error of kind KindInvalid when there are any.
func (s *Service) checkLifecycle(ctx context.Context, rep *Report, b *saima.Batch, gaps *orderGaps) error {
	if len(b.Stages) == 0 {
		return nil
	}
	store, ok := s.Store.(StageHistory)
	if !ok {
		return fmt.Errorf("check lifecycle: store %T does not implement ListStageHistory", s.Store)
	}
	existing, leads, err := loadLifecycle(ctx, store, b.Stages)
	if err != nil {
		return err
	}
	errors := rep.addIssues(checkLifecycle(existing, b.Stages, leads, gaps))
	if errors == 0 {
		return nil
	}
	return saima.Errorf(saima.KindInvalid, "文件有%d处不符合项目阶段规则，整个文件未导入；请按错误清单修改后重新上传",
		errors)
}

// loadLifecycle reads the stored history of the projects in events and
// every project's lead unit.
func loadLifecycle(ctx context.Context, store StageHistory,
	events []saima.StageEvent) ([]saima.StageEvent, map[string]string, error) {
	codes := lo.Uniq(lo.Map(events, func(e saima.StageEvent, _ int) string {
		return e.ProjectCode
	}))
	existing, err := store.ListStageHistory(ctx, codes...)
	if err != nil {
		return nil, nil, fmt.Errorf("list stage history: %w", err)
	}
	projects, err := store.ListProjects(ctx)
	if err != nil {
		return nil, nil, fmt.Errorf("list projects: %w", err)
	}
	leads := lo.SliceToMap(projects, func(p saima.Project) (string, string) {
		return p.Code, p.LeadUnit
	})
	return existing, leads, nil
}

// outcomeOf returns the upload outcome for a check that failed with err:
// rejected when the file broke a rule, failed when the store did.
func outcomeOf(err error) string {
	if saima.ErrorKind(err) == saima.KindInvalid {
		return saima.OutcomeRejected
	}
	return saima.OutcomeFailed
}

package ingest

import (
	"cmp"
	"context"
	"fmt"
	"maps"
	"slices"
	"strconv"
	"strings"

	"github.com/samber/lo"

	"saima"
)

// ProblemRecords is the part of the store that the check of problem
// steps reads. clickhouse.Store implements it.
type ProblemRecords interface {
	// ListProblems returns the problem list (问题清单).
	ListProblems(ctx context.Context) ([]saima.ProblemItem, error)

	// ListProblemSteps returns the stored steps of every problem.
	ListProblemSteps(ctx context.Context) ([]saima.ProblemStep, error)
}

// loopOrderText names the loop's order for messages, as
// 收集 → 梳理归类 → 分析研判 → 分办落实 → 已办结.
var loopOrderText = strings.Join(saima.LoopStages, " → ")

// stagedStep is a problem step under check and whether it comes from the
// file.
type stagedStep struct {
	saima.ProblemStep
	incoming bool
}

// label names the step for messages: its loop stage, or 升级至改革办 for
// an escalation.
func (st stagedStep) label() string {
	if st.Step == saima.StepEscalate {
		return saima.StepEscalate + "至" + st.LevelName()
	}
	return st.Step
}

// span returns the positions in the loop that st may take, doubled so
// that an escalation fits between two stages: loop stage i takes 2i, and
// an escalation anything after 收集 and before 已办结.
func (st stagedStep) span() (first, last int) {
	if st.Step == saima.StepEscalate {
		return 1, 2*len(saima.LoopStages) - 3
	}
	i := 2 * slices.Index(saima.LoopStages, st.Step)
	return i, i
}

// CheckProblemSteps returns the issues that adding the steps incoming to
// the stored steps existing would give, against the problem list
// problems. An incoming step replaces a stored one with the same problem,
// step and level, which is how a wrong date is corrected. A loop stage
// that the store holds at several levels (see saima.ProblemStep's
// StaleLevels) is replaced by a row at any of them. A replacement with
// another date, or of such copies, gets a warning.
//
// The rules, each an error:
//   - No step is dated before the problem's 发现日期 on the list, or
//     after its 办结日期 when the list gives one.
//   - The loop's stages follow saima.LoopStages in date order: a stage is
//     never dated before an earlier stage of the same problem. Steps on
//     the same day are in order, and stages may be skipped.
//   - An escalation (升级) is dated after 收集 and before 已办结.
//   - A loop stage is recorded once per problem, whatever its level, so
//     a stage at another level than the stored ones or an earlier row's
//     is rejected rather than taken as a second pass.
//   - Escalations only raise the level: in date order, each goes above
//     the one before, and none goes to level 1, where every problem
//     starts. Escalations on one day count from the lowest level up.
//
// The order is checked only against stored steps and incoming steps that
// break none of the other rules.
//
// A step of a problem that is not on the list gets a warning, because the
// loop pages leave it out. Only rule breaks that involve an incoming step
// are returned, and issues carry the incoming step's Row.
func CheckProblemSteps(problems []saima.ProblemItem, existing, incoming []saima.ProblemStep) []Issue {
	byID := lo.KeyBy(problems, func(p saima.ProblemItem) string { return p.ID })
	var issues []Issue
	for id, steps := range mergeSteps(existing, incoming, &issues) {
		p, ok := byID[id]
		if !ok {
			issues = append(issues, Issue{Row: firstRow(steps), Column: "问题编号", Value: id,
				Reason: "问题清单中没有这个问题，它的环节不会显示在问题闭环页面", Severity: SeverityWarning,
				Fix: "请核对问题编号；新问题请先上传问题清单"})
		}

		var found []Issue
		for _, st := range steps {
			if st.incoming && ok {
				found = append(found, checkListDates(st, p)...)
			}
		}
		found = append(found, checkStageLevels(steps)...)
		found = append(found, checkEscalations(steps)...)

		// A step already in error is left out of the order check as the
		// step that another is dated against, so that each row is
		// reported against a step the user need not correct.
		valid := withoutRows(steps, found)
		for _, st := range steps {
			if st.incoming {
				found = append(found, checkStepOrder(st, valid)...)
			}
		}
		if ok {
			found = append(found, stepsAheadOfList(p, withoutRows(steps, found))...)
		}
		issues = append(issues, found...)
	}
	slices.SortStableFunc(issues, func(a, b Issue) int { return a.Row - b.Row })
	return issues
}

// firstRow returns the lowest file row among the incoming steps, so that
// a warning about the problem names its first row in the file.
func firstRow(steps []stagedStep) int {
	row := 0
	for _, st := range steps {
		if st.incoming && (row == 0 || st.Row < row) {
			row = st.Row
		}
	}
	return row
}

// withoutRows returns the steps except those from the file that one of
// issues is about.
func withoutRows(steps []stagedStep, issues []Issue) []stagedStep {
	return lo.Filter(steps, func(st stagedStep, _ int) bool {
		return !st.incoming || !slices.ContainsFunc(issues, func(is Issue) bool { return is.Row == st.Row })
	})
}

// checkListDates reports st, a step from the file, when it is dated
// before the problem's 发现日期 on the list or after its 办结日期.
func checkListDates(st stagedStep, p saima.ProblemItem) []Issue {
	var out []Issue
	if st.Date.Before(p.Opened) {
		out = append(out, stepIssue(st, "日期", st.Date.String(),
			fmt.Sprintf("早于问题清单中的发现日期%s，环节不能早于发现问题", p.Opened),
			"请核对日期；如果发现日期有误，请先更正问题清单"))
	}
	if p.Closed != nil && st.Date.After(*p.Closed) {
		out = append(out, stepIssue(st, "日期", st.Date.String(),
			fmt.Sprintf("晚于问题清单中的办结日期%s，环节不能晚于问题办结", *p.Closed),
			"请核对日期；如果办结日期有误，请先更正问题清单"))
	}
	return out
}

// checkStageLevels reports each loop stage from the file that the
// problem already has at another level, stored or on an earlier row. Such
// a row usually means a second pass at a higher level, which the loop
// does not record, so it is rejected rather than taken as a correction.
func checkStageLevels(steps []stagedStep) []Issue {
	var out []Issue
	for _, st := range steps {
		if !st.incoming || st.Step == saima.StepEscalate {
			continue
		}
		i := slices.IndexFunc(steps, func(o stagedStep) bool {
			return o.Step == st.Step && o.Level != st.Level && (!o.incoming || o.Row < st.Row)
		})
		if i < 0 {
			continue
		}

		o := steps[i]
		const once = "，每个问题的每个环节只记录一次，不分层级"
		if o.incoming {
			out = append(out, stepIssue(st, "环节", st.Step,
				fmt.Sprintf("已在第%d行以层级%s填写（%s）%s", o.Row, o.LevelName(), o.Date, once),
				"请删除其中一行"))
			continue
		}
		if len(o.StaleLevels) == 0 {
			out = append(out, stepIssue(st, "环节", st.Step,
				fmt.Sprintf("已以层级%s登记为%s%s", o.LevelName(), o.Date, once),
				fmt.Sprintf("如需更正日期，请把层级改为%s（与已登记的相同）后重新上传；如果不是更正，请删除这一行",
					o.LevelName())))
			continue
		}
		// A ledger from before this rule holds copies at other levels too,
		// and a row at any of them replaces them all.
		out = append(out, stepIssue(st, "环节", st.Step,
			fmt.Sprintf("已以层级%s登记为%s（另有层级%s的旧记录）%s", o.LevelName(), o.Date,
				levelNames(o.StaleLevels, "、"), once),
			fmt.Sprintf("如需更正日期，请把层级改为%s（已登记的层级）后重新上传，已登记的各条都会被替换；"+
				"如果不是更正，请删除这一行", levelNames(append([]int{o.Level}, o.StaleLevels...), "或"))))
	}
	return out
}

// mergeSteps groups the stored and incoming steps by problem, keeping
// only problems with an incoming step. An incoming step replaces the
// stored one of the same key. A loop stage at one of the StaleLevels of
// the stored stage replaces it too, as the store then replaces every
// copy. A replacement with another date, or of several copies, adds a
// warning to issues, so that a repeated step is not taken for a second
// pass through the loop.
func mergeSteps(existing, incoming []saima.ProblemStep, issues *[]Issue) map[string][]stagedStep {
	key := func(st saima.ProblemStep) string {
		return st.ProblemID + "\x00" + st.Step + "\x00" + strconv.Itoa(st.Level)
	}
	byKey := map[string]stagedStep{}
	stale := map[string]string{} // the key of a stored stage by the keys of its stale copies
	for _, st := range existing {
		byKey[key(st)] = stagedStep{st, false}
		for _, level := range st.StaleLevels {
			other := st
			other.Level = level
			stale[key(other)] = key(st)
		}
	}
	for _, st := range incoming {
		k := key(st)
		if shown, ok := stale[k]; ok && !byKey[shown].incoming {
			// The row replaces the copy that counts; a row of the file at
			// that copy's level has not replaced it yet.
			k = shown
		}
		if old, ok := byKey[k]; ok && !old.incoming {
			if is, ok := replacementIssue(old.ProblemStep, stagedStep{st, true}); ok {
				*issues = append(*issues, is)
			}
		}
		if k != key(st) {
			delete(byKey, k)
		}
		byKey[key(st)] = stagedStep{st, true}
	}

	out := map[string][]stagedStep{}
	for _, k := range slices.Sorted(maps.Keys(byKey)) {
		st := byKey[k]
		out[st.ProblemID] = append(out[st.ProblemID], st)
	}
	for id, steps := range out {
		if !slices.ContainsFunc(steps, func(st stagedStep) bool { return st.incoming }) {
			delete(out, id)
		}
	}
	return out
}

// replacementIssue returns the warning for st, a step from the file,
// that replaces old, a stored step: when it changes the date, or when old
// stands for copies at several levels. It returns false when st repeats
// old alone.
func replacementIssue(old saima.ProblemStep, st stagedStep) (Issue, bool) {
	var is Issue
	switch {
	case len(old.StaleLevels) > 0:
		n := len(old.StaleLevels) + 1
		is = stepIssue(st, "环节", st.Step, fmt.Sprintf("已以层级%s各登记一次（问题闭环页面显示层级%s的%s），本行将替换这%d条记录",
			levelNames(append([]int{old.Level}, old.StaleLevels...), "、"), old.LevelName(), old.Date, n),
			"同一问题的同一环节只记录一次，不分层级；导入后只保留本行，替换的记录留在历史中")
	case old.Date != st.Date:
		is = stepIssue(st, "日期", st.Date.String(), "已登记为"+old.Date.String()+"，本行将替换它",
			"同一问题的同一环节只记录一次，重新上传即更正日期；如果不是更正，请删除这一行")
	default:
		return Issue{}, false
	}
	is.Severity = SeverityWarning
	return is, true
}

// levelNames joins the names of levels with sep, such as 改革办、牵头单位.
func levelNames(levels []int, sep string) string {
	names := make([]string, len(levels))
	for i, level := range levels {
		names[i] = saima.ProblemStep{Level: level}.LevelName()
	}
	return strings.Join(names, sep)
}

// checkStepOrder reports st, a step from the file, when a step that
// comes before it in the loop is dated after it, naming the latest such
// step. It also reports st when a stored step that comes after it in the
// loop is dated before it, naming the earliest. A later step from the
// file is reported on its own row instead.
func checkStepOrder(st stagedStep, steps []stagedStep) []Issue {
	first, last := st.span()
	var prev, next *stagedStep
	for i := range steps {
		o := &steps[i]
		oFirst, oLast := o.span()
		if oLast < first && o.Date.After(st.Date) && (prev == nil || o.Date.After(prev.Date)) {
			prev = o
		}
		if !o.incoming && oFirst > last && o.Date.Before(st.Date) && (next == nil || o.Date.Before(next.Date)) {
			next = o
		}
	}

	var out []Issue
	const fix = "请核对两个环节的日期"
	if prev != nil {
		out = append(out, stepIssue(st, "日期", st.Date.String(),
			fmt.Sprintf("早于%s的日期%s，%s", prev.label(), prev.Date, orderRule(st, *prev)), fix))
	}
	if next != nil {
		out = append(out, Issue{Row: st.Row, Column: "日期", Value: st.Date.String(), OwnSubject: true,
			Reason: fmt.Sprintf("已登记的问题%s的%s（%s）早于本行%s的日期%s，%s", st.ProblemID, next.label(),
				next.Date, st.label(), st.Date, orderRule(st, *next)), Fix: fix})
	}
	return out
}

// orderRule states the rule that steps a and b break.
func orderRule(a, b stagedStep) string {
	if a.Step == saima.StepEscalate || b.Step == saima.StepEscalate {
		return "升级须在收集之后、已办结之前"
	}
	return "问题闭环须按" + loopOrderText + "的顺序办理"
}

// checkEscalations reports every escalation that does not raise the
// level: one to a level no higher than an earlier escalation reached, or
// to level 1. An issue on a stored escalation goes on the row of the
// file's escalation before it.
func checkEscalations(steps []stagedStep) []Issue {
	ups := lo.Filter(steps, func(st stagedStep, _ int) bool { return st.Step == saima.StepEscalate })
	slices.SortFunc(ups, func(a, b stagedStep) int {
		return cmp.Or(a.Date.Compare(b.Date), cmp.Compare(a.Level, b.Level), cmp.Compare(a.Row, b.Row))
	})
	levels := strings.Join(saima.EscalationLevels, " → ")

	var out []Issue
	var top *stagedStep
	for i := range ups {
		e := &ups[i]
		switch {
		case e.Level == 1 && e.incoming:
			// Checked first, because no date makes it valid. The import
			// rejects such rows earlier, quoting the cell as written.
			out = append(out, stepIssue(*e, "层级", strconv.Itoa(e.Level), "不是升级，问题从牵头单位开始办理",
				"请填写"+strings.Join(saima.EscalationLevels[1:], "或")+"；没有升级的问题不需要升级记录"))
		case top != nil && e.Level <= top.Level && e.incoming:
			out = append(out, stepIssue(*e, "层级", strconv.Itoa(e.Level),
				fmt.Sprintf("在%s%s之后，升级只能提高层级（%s）", top.Date, top.label(), levels),
				fmt.Sprintf("请核对层级和日期；如果先升级至%s，请把日期改在%s之前", e.LevelName(), top.Date)))
		case top != nil && e.Level <= top.Level && top.incoming:
			out = append(out, Issue{Row: top.Row, Column: "层级", Value: strconv.Itoa(top.Level), OwnSubject: true,
				Reason: fmt.Sprintf("已登记的问题%s的%s（%s）在本行%s之后，升级只能提高层级（%s）",
					e.ProblemID, e.label(), e.Date, top.label(), levels),
				Fix: fmt.Sprintf("请核对层级和日期；本行的日期须早于%s", e.Date)})
		case top != nil && e.Level <= top.Level:
		default:
			top = e
		}
	}
	return out
}

// stepIssue returns an error on the row of st, a step from the file,
// whose reason starts with the problem and the step.
func stepIssue(st stagedStep, column, value, reason, fix string) Issue {
	return Issue{Row: st.Row, Column: column, Value: value, OwnSubject: true,
		Reason: "问题" + st.ProblemID + "的" + st.label() + reason, Fix: fix}
}

// checkProblemSteps rejects a problem steps upload whose steps break the
// rules of CheckProblemSteps against the problem list and the stored
// steps. For a file with errors, b holds its good rows, and the stored
// steps that its rows with errors may replace are left out (see
// orderGaps.storedSteps). It adds the issues to rep and returns an error of kind
// KindInvalid when any is an error.
func (s *Service) checkProblemSteps(ctx context.Context, rep *Report, b *saima.Batch, gaps *orderGaps) error {
	if len(b.ProblemSteps) == 0 {
		return nil
	}
	store, ok := storeAs[ProblemRecords](s.Store)
	if !ok {
		return fmt.Errorf("check problem steps: store %T does not implement ListProblemSteps", s.Store)
	}
	problems, err := store.ListProblems(ctx)
	if err != nil {
		return fmt.Errorf("list problems: %w", err)
	}
	existing, err := store.ListProblemSteps(ctx)
	if err != nil {
		return fmt.Errorf("list problem steps: %w", err)
	}

	errors := rep.addIssues(CheckProblemSteps(problems, gaps.storedSteps(existing), b.ProblemSteps))
	if errors == 0 {
		return nil
	}
	return saima.Errorf(saima.KindInvalid, "文件有%d处不符合问题闭环规则，整个文件未导入；请按错误清单修改后重新上传",
		errors)
}

// CheckProblemList returns a warning for each item of a problem-list
// upload whose 发现日期 comes after a stored step of the problem, or whose
// 办结日期 comes before one. The list decides when a problem was found and
// closed, and the step check rejects steps outside those days, so such a
// list leaves stored steps that a later steps upload would be refused.
// It also warns about an item whose 环节 or 层级 is behind the stored
// steps (see listBehindSteps).
func CheckProblemList(items []saima.ProblemItem, steps []saima.ProblemStep) []Issue {
	byProblem := lo.GroupBy(steps, func(st saima.ProblemStep) string { return st.ProblemID })
	var issues []Issue
	for _, it := range items {
		stored := byProblem[it.ID]
		if len(stored) == 0 {
			continue
		}
		first := slices.MinFunc(stored, func(a, b saima.ProblemStep) int { return a.Date.Compare(b.Date) })
		last := slices.MaxFunc(stored, func(a, b saima.ProblemStep) int { return a.Date.Compare(b.Date) })
		if first.Date.Before(it.Opened) {
			issues = append(issues, Issue{Row: it.Row, Column: "发现日期", Value: it.Opened.String(), OwnSubject: true,
				Severity: SeverityWarning,
				Reason:   fmt.Sprintf("问题%s的发现日期晚于已登记的环节%s（%s）", it.ID, stepLabel(first), first.Date),
				Fix:      "请核对发现日期；如果是环节日期有误，请上传问题闭环环节加以更正"})
		}
		if it.Closed != nil && last.Date.After(*it.Closed) {
			issues = append(issues, Issue{Row: it.Row, Column: "办结日期", Value: it.Closed.String(), OwnSubject: true,
				Severity: SeverityWarning,
				Reason:   fmt.Sprintf("问题%s的办结日期早于已登记的环节%s（%s）", it.ID, stepLabel(last), last.Date),
				Fix:      "请核对办结日期；如果是环节日期有误，请上传问题闭环环节加以更正"})
		}
		issues = append(issues, listBehindSteps(it, stored)...)
	}
	return issues
}

// listBehindSteps returns warnings for a problem-list item whose 环节
// comes before the furthest stored loop stage, or whose 层级 is below the
// highest stored escalation. /problems, the overview and the
// problems_mean_days_level sources read the list, so they would count the
// problem as reopened or de-escalated while the loop page follows the steps.
func listBehindSteps(it saima.ProblemItem, stored []saima.ProblemStep) []Issue {
	var issues []Issue
	var furthest, highest *saima.ProblemStep
	for i := range stored {
		st := &stored[i]
		if st.Step == saima.StepEscalate {
			if highest == nil || st.Level > highest.Level {
				highest = st
			}
			continue
		}
		if slices.Index(saima.LoopStages, st.Step) >= 0 &&
			(furthest == nil || slices.Index(saima.LoopStages, st.Step) > slices.Index(saima.LoopStages, furthest.Step)) {
			furthest = st
		}
	}
	if at := slices.Index(saima.LoopStages, it.Stage); at >= 0 && furthest != nil &&
		at < slices.Index(saima.LoopStages, furthest.Step) {
		issues = append(issues, Issue{Row: it.Row, Column: "环节", Value: it.Stage, OwnSubject: true,
			Severity: SeverityWarning,
			Reason: fmt.Sprintf("问题%s的问题闭环已登记到%s（%s），本行的环节在它之前，问题清单页和总览将按本行的环节统计",
				it.ID, furthest.Step, furthest.Date),
			Fix: "请把环节改为实际所处的环节；如果是问题闭环环节登记有误，请由改革办上传问题闭环环节加以更正"})
	}
	if highest == nil {
		return issues
	}
	// Steps stored with the former fourth level count as the top level.
	reached := saima.ProblemStep{Level: min(highest.Level, len(saima.EscalationLevels))}
	if level := max(it.Level, 1); level < reached.Level {
		value := ""
		if it.Level > 0 {
			value = strconv.Itoa(it.Level)
		}
		issues = append(issues, Issue{Row: it.Row, Column: "层级", Value: value, OwnSubject: true,
			Severity: SeverityWarning,
			Reason: fmt.Sprintf("问题%s已于%s升级至%s，本行的层级%s低于它，问题清单页、总览和分层级计分将按本行的层级统计",
				it.ID, highest.Date, reached.LevelName(), saima.ProblemStep{Level: level}.LevelName()),
			Fix: "请把层级改为" + reached.LevelName() + "或更高；升级只能提高层级，如果是升级记录有误，请由改革办加以更正"})
	}
	return issues
}

// stepsAheadOfList returns warnings for the file's steps that take p
// further than the problem list records: the furthest loop stage past the
// list's 环节, and the highest escalation above its 层级. /problems, the
// overview and the scoring read the list, so without a list upload they
// would go on counting the problem as open or at its old level while the
// loop page follows the steps. It is the counterpart of listBehindSteps,
// which warns when the list comes second. A list without a 环节 leaves
// the state to the steps and gets no warning on the stage.
func stepsAheadOfList(p saima.ProblemItem, steps []stagedStep) []Issue {
	var furthest, highest *stagedStep
	for i := range steps {
		st := &steps[i]
		if !st.incoming {
			continue
		}
		if st.Step == saima.StepEscalate {
			if highest == nil || st.Level > highest.Level {
				highest = st
			}
			continue
		}
		if furthest == nil || slices.Index(saima.LoopStages, st.Step) > slices.Index(saima.LoopStages, furthest.Step) {
			furthest = st
		}
	}

	var out []Issue
	listed := slices.Index(saima.LoopStages, p.Stage)
	if furthest != nil && listed >= 0 && slices.Index(saima.LoopStages, furthest.Step) > listed {
		fix := fmt.Sprintf("请同时上传问题清单，把问题%s的环节改为%s", p.ID, furthest.Step)
		if furthest.Step == saima.LoopStages[len(saima.LoopStages)-1] {
			fix += "并填写办结日期"
		}
		is := stepIssue(*furthest, "环节", furthest.Step, fmt.Sprintf(
			"在问题清单中的环节%s之后，问题清单页、总览和办结率仍按问题清单的环节%s统计", p.Stage, p.Stage), fix)
		is.Severity = SeverityWarning
		out = append(out, is)
	}
	listedLevel := saima.ProblemStep{Level: min(max(p.Level, 1), len(saima.EscalationLevels))}
	if highest != nil && min(highest.Level, len(saima.EscalationLevels)) > listedLevel.Level {
		is := stepIssue(*highest, "层级", strconv.Itoa(highest.Level), fmt.Sprintf(
			"高于问题清单中的层级%s，问题清单页、总览和分层级计分仍按%s统计", listedLevel.LevelName(), listedLevel.LevelName()),
			fmt.Sprintf("请同时上传问题清单，把问题%s的层级改为%s", p.ID, highest.LevelName()))
		is.Severity = SeverityWarning
		out = append(out, is)
	}
	return out
}

// stepLabel names a stored step for messages, as stagedStep.label does.
func stepLabel(st saima.ProblemStep) string { return stagedStep{ProblemStep: st}.label() }

// warnProblemList adds CheckProblemList's warnings for a problem-list
// upload to rep.
func (s *Service) warnProblemList(ctx context.Context, rep *Report, b *saima.Batch) error {
	if len(b.Problems) == 0 {
		return nil
	}
	store, ok := storeAs[ProblemRecords](s.Store)
	if !ok {
		return nil
	}
	steps, err := store.ListProblemSteps(ctx)
	if err != nil {
		return fmt.Errorf("list problem steps: %w", err)
	}
	rep.addIssues(CheckProblemList(b.Problems, steps))

	history, ok := s.Store.(StageHistory)
	codes := lo.Uniq(lo.FilterMap(b.Problems, func(it saima.ProblemItem, _ int) (string, bool) {
		return it.ProjectCode, it.ProjectCode != ""
	}))
	if !ok || len(codes) == 0 {
		return nil
	}
	events, err := history.ListStageHistory(ctx, codes...)
	if err != nil {
		return fmt.Errorf("list stage history: %w", err)
	}
	rep.addIssues(CheckProblemExits(b.Problems, saima.ExitDays(events)))
	return nil
}

// CheckProblemExits returns a warning for each problem-list item found
// after the exit day of its project, by project code in exits. Work stops
// at an exit, so such an item is usually a wrong project code or
// date, and it would stay open against its unit.
func CheckProblemExits(items []saima.ProblemItem, exits map[string]saima.Date) []Issue {
	var issues []Issue
	for _, it := range items {
		exit, ok := exits[it.ProjectCode]
		if !ok || !it.Opened.After(exit) {
			continue
		}
		issues = append(issues, Issue{Row: it.Row, Column: "发现日期", Value: it.Opened.String(), OwnSubject: true,
			Severity: SeverityWarning,
			Reason: fmt.Sprintf("晚于项目%s的退出日期%s，项目退出后不再推进，问题%s仍会计入%s的问题清单和办结率",
				it.ProjectCode, exit, it.ID, it.Unit),
			Fix: "请核对项目编号和发现日期；如果问题确实在项目退出后发现并需要办理，请忽略本提示"})
	}
	return issues
}

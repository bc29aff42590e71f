package ingest

import (
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/samber/lo"

	"saima"
)

// workflowSchemas are the datasets of the ledger's workflows: work lists,
// their done marks, the problem loop's steps and leader-led reports.
var workflowSchemas = []*schema{
	{
		dataset: saima.DatasetLists, title: "清单事项", key: "清单名称和事项编号",
		keyColumns: []string{"清单名称", "事项编号"},
		newBuilder: func() builder { return &listBuilder{} },
		columns: []column{
			{name: "序号", kind: kindIgnored},
			{name: "清单名称", synonyms: []string{"所属清单", "清单类别"}, required: true, kind: kindText},
			{name: "事项编号", synonyms: []string{"事项代码", "编号"}, required: true, kind: kindCode},
			{name: "事项名称", synonyms: []string{"事项"}, required: true, kind: kindText},
			{name: "责任单位", synonyms: []string{"牵头单位", "主责单位"}, required: true, kind: kindUnit},
			{name: "阶段目标", synonyms: []string{"目标"}, kind: kindText},
			{name: "完成时限", synonyms: []string{"完成时间", "时间节点"}, required: true, kind: kindDate},
			{name: "领域", synonyms: []string{"所属领域"}, kind: kindText},
			{name: "下达日期", synonyms: []string{"下达时间", "印发日期"}, kind: kindDate},
		},
	},
	{
		dataset: saima.DatasetListDone, title: "清单完成标注", key: "清单名称和事项编号",
		keyColumns: []string{"清单名称", "事项编号"},
		newBuilder: func() builder { return &listDoneBuilder{} },
		columns: []column{
			{name: "序号", kind: kindIgnored},
			{name: "清单名称", synonyms: []string{"所属清单"}, required: true, kind: kindText},
			{name: "事项编号", synonyms: []string{"事项代码", "编号"}, required: true, kind: kindCode},
			{name: "责任单位", synonyms: []string{"单位"}, required: true, kind: kindUnit},
			{name: "完成日期", synonyms: []string{"完成时间"}, required: true, kind: kindDate},
			{name: "标注人", synonyms: []string{"填报人"}, kind: kindText},
			{name: "完成情况", synonyms: []string{"说明", "备注"}, kind: kindText},
		},
	},
	{
		dataset: saima.DatasetProblemSteps, title: "问题闭环环节", key: "问题编号、环节和层级",
		keyColumns: []string{"问题编号", "环节", "层级"},
		newBuilder: func() builder { return &problemStepBuilder{} },
		columns: []column{
			{name: "序号", kind: kindIgnored},
			{name: "问题编号", synonyms: []string{"问题代码"}, required: true, kind: kindCode},
			{name: "环节", synonyms: []string{"闭环环节", "办理环节"}, required: true, kind: kindChoice,
				choices: stepKinds},
			{name: "层级", synonyms: []string{"办理层级", "升级层级"}, kind: kindText},
			{name: "日期", synonyms: []string{"环节日期", "办理日期"}, required: true, kind: kindDate},
			{name: "办理单位", synonyms: []string{"办理人", "承办单位"}, kind: kindText},
			{name: "说明", synonyms: []string{"备注", "办理情况"}, kind: kindText},
		},
	},
	{
		dataset: saima.DatasetLeaderReports, title: "领衔事项半年报告", key: "项目编号和半年度",
		keyColumns: []string{"项目编号", "半年度"},
		newBuilder: func() builder { return &leaderReportBuilder{} },
		columns: []column{
			{name: "序号", kind: kindIgnored},
			{name: "项目编号", synonyms: []string{"项目代码", "事项编号"}, required: true, kind: kindCode},
			{name: "半年度", synonyms: []string{"报告期", "年度半年"}, required: true, kind: kindText},
			{name: "领衔领导", synonyms: []string{"领导"}, kind: kindText},
			{name: "牵头单位", synonyms: []string{"报送单位", "责任单位"}, required: true, kind: kindUnit},
			{name: "成果", synonyms: []string{"工作成果", "主要成果"}, required: true, kind: kindText},
			{name: "问题", synonyms: []string{"存在问题"}, kind: kindText},
			{name: "下步计划", synonyms: []string{"下一步计划", "下步工作计划"}, kind: kindText},
			{name: "报送日期", synonyms: []string{"填报日期"}, required: true, kind: kindDate},
		},
	},
}

// stepKinds are the values of 环节 in problem steps.
var stepKinds = append(slices.Clone(saima.LoopStages), saima.StepEscalate)

// listName reads 清单名称, accepting the name with 清单 appended, such as
// 重大需求清单.
func (r *rowReader) listName(col string) string {
	raw := r.cell(col)
	trimmed := strings.TrimSuffix(compact(raw), "清单")
	if trimmed == "专项" {
		trimmed = "专项清单"
	}
	if v, ok := choose(trimmed, saima.ListNames); ok {
		return v
	}
	return r.choice(col, saima.ListNames, true)
}

// listBuilder reads the items of the city's work lists (清单事项).
type listBuilder struct {
	items keyed[saima.ListItem]
}

func (b *listBuilder) add(r *rowReader) {
	it := saima.ListItem{
		List:  r.listName("清单名称"),
		ID:    r.code("事项编号", true),
		Name:  r.name("事项名称", true),
		Unit:  r.unit("责任单位", true),
		Goal:  r.text("阶段目标"),
		Field: r.text("领域"),
	}
	if d := r.date("完成时限", true, false); d != nil {
		it.Deadline = *d
	}
	it.Issued = r.date("下达日期", false, true)
	if it.Issued != nil && it.Issued.After(it.Deadline) && it.Deadline != (saima.Date{}) {
		r.fail("下达日期", r.cell("下达日期"), &problem{
			reason: "晚于该事项的完成时限" + it.Deadline.String() + "，事项须在完成时限之前下达",
			fix:    "请核对下达日期和完成时限",
		})
	}
	r.ownRecord(ownedRecord{key: []string{it.List, it.ID}, unit: it.Unit, col: "事项编号",
		keyCols: []string{"清单名称", "事项编号"}, unitCol: "责任单位", noun: "事项", stored: "在" + ListTitle(it.List) + "中"})
	b.items.put(r, it, it.List, it.ID)
}

func (b *listBuilder) finish(*parser) {}

func (b *listBuilder) fill(batch *saima.Batch) { batch.ListItems = b.items.items }

// listDoneBuilder reads done marks of list items (清单完成标注).
//
// checkItem holds each mark to its item in Options.ListItems. Without
// them, as in a Parse with no store, a mark may name an item that does not
// exist or belongs to another unit. The pages show only marks that match
// an item and its unit.
type listDoneBuilder struct {
	items map[[2]string]saima.ListItem // Options.ListItems by list and id, built on first use
	done  keyed[saima.ListDone]
}

func (b *listDoneBuilder) add(r *rowReader) {
	d := saima.ListDone{
		List:   r.listName("清单名称"),
		ItemID: r.code("事项编号", true),
		Unit:   r.unit("责任单位", true),
		By:     r.text("标注人"),
		Note:   r.text("完成情况"),
	}
	r.ownUnit("责任单位", d.Unit)
	if day := r.date("完成日期", true, true); day != nil {
		d.Date = *day
	}
	b.checkItem(r, d)
	b.done.put(r, d, d.List, d.ItemID)
}

// EarlyDone returns why day is too early to be the done date of it, and
// the fix, when day is before the item's start (see
// [saima.ListItem.Start]). It returns false when day is not too early.
// Both the upload of done marks and the mark form on /lists check with it.
func EarlyDone(it saima.ListItem, day saima.Date) (reason, fix string, ok bool) {
	start, issued, known := it.Start()
	if !known || !day.Before(start) {
		return "", "", false
	}
	item := ListTitle(it.List) + "事项“" + it.ID + "”"
	if issued {
		return "早于" + item + "的下达日期" + start.String() + "，事项下达之前不能完成",
			"请核对完成日期；如果下达日期有误，请由改革办更正清单事项", true
	}
	return "早于" + item + "首次录入的日期" + start.String() + "，该事项没有下达日期，完成日期不能早于录入",
		"请核对完成日期；如果事项在录入之前已经下达，请由改革办在清单事项中补填下达日期后再标注", true
}

// DoneAfterExit returns why day cannot be the done date of it, and the
// fix, when the item's project exited before day and the exit closed the
// item (see [saima.ClosedByExit]), because work stops at an exit. It
// returns false otherwise. Uploads and the mark form on /lists use it.
func DoneAfterExit(it saima.ListItem, day saima.Date) (reason, fix string, ok bool) {
	if !it.ClosedByExit(&day) {
		return "", "", false
	}
	return "晚于项目" + it.ID + "的退出日期" + it.Exit.String() + "，该事项已" + saima.ClosedByExitLabel + "，不能再标注完成",
		"如果事项在项目退出之前已经完成，请填写退出前的实际完成日期；否则无需标注", true
}

// checkItem fails a mark whose item is not stored in its list, or is
// stored under another unit: the pages and the score count a mark only
// for its own item. It also fails a mark dated before its item started.
// Each check runs when the cells it needs have no error of their own.
func (b *listDoneBuilder) checkItem(r *rowReader, d saima.ListDone) {
	items := r.p.opts.ListItems
	if items == nil || r.otherUnit || !r.good("清单名称", "事项编号") {
		return
	}
	if b.items == nil {
		b.items = lo.KeyBy(items, func(it saima.ListItem) [2]string { return [2]string{it.List, it.ID} })
	}
	it, ok := b.items[[2]string{d.List, d.ItemID}]
	unitOK := r.good("责任单位")
	switch {
	case !ok:
		r.fail("事项编号", r.cell("事项编号"), &problem{
			reason: "在" + ListTitle(d.List) + "中没有这个事项",
			fix:    "请核对清单名称和事项编号；新事项请先由改革办上传清单事项",
		})
	case !unitOK:
		// The unit cell has its own error, such as another unit's name.
	case it.Unit != d.Unit && r.p.opts.Unit != "":
		// ownUnit has passed, so the mark is the account's unit's, on an
		// item that another unit owns.
		r.p.countOtherRecord(it.Unit)
		r.fail("事项编号", r.cell("事项编号"), &problem{
			reason: "在" + ListTitle(d.List) + "中属于“" + it.Unit + "”，单位账号只能标注本单位（" + r.p.opts.Unit + "）的事项",
			fix:    "如果该事项已改由本单位负责，请联系改革办调整清单事项；如果清单名称或事项编号填错了，请改正后重新上传",
		})
	case it.Unit != d.Unit:
		r.fail("责任单位", r.cell("责任单位"), &problem{
			reason: "与" + ListTitle(d.List) + "中该事项的责任单位“" + it.Unit + "”不一致，这条完成标注不会计入",
			fix:    "请填写该事项的责任单位，或核对事项编号",
		})
	case r.good("完成日期"):
		if reason, fix, early := EarlyDone(it, d.Date); early {
			r.fail("完成日期", r.cell("完成日期"), &problem{reason: reason, fix: fix})
		}
		if reason, fix, late := DoneAfterExit(it, d.Date); late {
			r.fail("完成日期", r.cell("完成日期"), &problem{reason: reason, fix: fix})
		}
	}
}

// ListTitle names a work list for messages: 专项清单 as it is, 重大需求 as
// “重大需求”清单.
func ListTitle(list string) string {
	if strings.HasSuffix(list, "清单") {
		return list
	}
	return "“" + list + "”清单"
}

func (b *listDoneBuilder) finish(*parser) {}

func (b *listDoneBuilder) fill(batch *saima.Batch) { batch.ListDone = b.done.items }

// problemStepBuilder reads the dated steps of the problem loop (问题闭环环节).
type problemStepBuilder struct {
	steps keyed[saima.ProblemStep]
}

func (b *problemStepBuilder) add(r *rowReader) {
	st := saima.ProblemStep{
		ProblemID: r.code("问题编号", true),
		Step:      r.choice("环节", stepKinds, true),
		Handler:   r.text("办理单位"),
		Note:      r.text("说明"),
		Row:       r.row,
	}
	st.Level = r.escalationLevel("层级", st.Step == saima.StepEscalate)
	if d := r.date("日期", true, true); d != nil {
		st.Date = *d
	}
	if r.failed {
		r.p.gaps.addStep(r, st)
	}
	b.steps.put(r, st, st.ProblemID, st.Step, strconv.Itoa(st.Level))
}

// escalationLevel reads a level of saima.EscalationLevels as parseLevel
// does; empty is level 1, the lead unit. An escalation must name the
// level it goes to, above the lead unit where every problem starts, so
// there a blank cell, a placeholder or level 1 is an error.
func (r *rowReader) escalationLevel(col string, escalation bool) int {
	raw := r.cell(col)
	if n, ok := parseLevel(raw); escalation && ok && n == 1 {
		r.markBad(col)
		r.p.issue(Issue{Row: r.row, Column: r.p.columnName(col), Value: trimText(raw), OwnSubject: true,
			Reason: saima.StepEscalate + "至" + saima.EscalationLevels[0] + "不是升级，问题从" +
				saima.EscalationLevels[0] + "开始办理",
			Fix: "请填写" + strings.Join(saima.EscalationLevels[1:], "或") + "；没有升级的问题不需要升级记录"})
		return 1
	}
	if !escalation || !isBlank(raw) {
		return r.levelOr(col, 1)
	}
	prob := &problem{reason: "未写明升级到的层级，升级须写明",
		fix: "请填写" + strings.Join(saima.EscalationLevels[1:], "或")}
	if normalize(raw) != "" {
		prob.reason = "表示未填写，升级须写明升级到的层级"
	}
	r.fail(col, raw, prob)
	return 1
}

// level reads an optional level of saima.EscalationLevels as parseLevel
// does; empty is 0.
func (r *rowReader) level(col string) int { return r.levelOr(col, 0) }

// levelOr reads an optional level as parseLevel does. It returns empty
// for an empty cell, and for a placeholder such as "/" with a warning. It
// records an error and returns empty for a cell that names no level.
func (r *rowReader) levelOr(col string, empty int) int {
	raw := r.cell(col)
	if _, missing := r.blank(col, raw, false); missing {
		return empty
	}
	if n, ok := parseLevel(raw); ok {
		return n
	}
	top := len(saima.EscalationLevels)
	r.fail(col, raw, &problem{reason: "不是可选的层级" + levelsText,
		fix: fmt.Sprintf("请填写层级名称或1到%d的编号；主要领导协调的问题请填写%s或%d",
			top, saima.EscalationLevels[top-1], top)})
	return empty
}

// levelNumerals are the Chinese numerals of the levels, as in 二级.
var levelNumerals = []string{"一", "二", "三", "四", "五"}

// parseLevel reads a level of saima.EscalationLevels by name (改革办, or
// text containing it such as 市领导协调), by number (2, 2级, 二级, 第二级).
// Text that names two levels, such as 改革办转市领导, reads as none.
func parseLevel(raw string) (int, bool) {
	v := compact(raw)
	v = strings.TrimPrefix(v, "第")
	v = strings.TrimSuffix(strings.TrimSuffix(v, "层级"), "级")
	for i := range saima.EscalationLevels {
		if v == strconv.Itoa(i+1) || i < len(levelNumerals) && v == levelNumerals[i] {
			return i + 1, true
		}
	}
	found := 0
	for i, name := range saima.EscalationLevels {
		if strings.Contains(v, name) {
			if found > 0 {
				return 0, false
			}
			found = i + 1
		}
	}
	return found, found > 0
}

// levelsText names the levels with their numbers for messages, as
// （共3个层级：1牵头单位、2改革办、3市领导）.
var levelsText = func() string {
	names := make([]string, len(saima.EscalationLevels))
	for i, name := range saima.EscalationLevels {
		names[i] = strconv.Itoa(i+1) + name
	}
	return fmt.Sprintf("（共%d个层级：%s）", len(names), strings.Join(names, "、"))
}()

func (b *problemStepBuilder) finish(*parser) {}

func (b *problemStepBuilder) fill(batch *saima.Batch) { batch.ProblemSteps = b.steps.items }

// leaderReportBuilder reads the half-year reports of leader-led projects
// (领衔事项半年报告). Confirmation is not a column: only the office's
// confirm action sets it, and a report uploaded again needs confirming
// again.
type leaderReportBuilder struct {
	reports keyed[saima.LeaderReport]
}

func (b *leaderReportBuilder) add(r *rowReader) {
	rep := saima.LeaderReport{
		ProjectCode: r.code("项目编号", true),
		Half:        r.halfYear("半年度"),
		Leader:      r.name("领衔领导", false),
		Unit:        r.unit("牵头单位", true),
		Results:     r.requiredText("成果"),
		Problems:    r.text("问题"),
		NextSteps:   r.text("下步计划"),
	}
	r.ownUnit("牵头单位", rep.Unit)
	if d := r.date("报送日期", true, true); d != nil {
		rep.Submitted = *d
	}
	rep.Received = r.receivedDay(rep)
	r.checkLeaderReport(rep)
	r.ownLeaderReport(rep)
	if r.good("项目编号", "牵头单位") {
		rec := ownedRecord{key: []string{rep.ProjectCode, rep.Half.String()}, unit: rep.Unit, col: "项目编号",
			keyCols: []string{"项目编号", "半年度"}, unitCol: "牵头单位", noun: "半年报告", stored: "的" + rep.Half.Label() + "报告"}
		if pr, ok := r.p.projects[rep.ProjectCode]; ok {
			rec.project = &pr
		}
		r.ownRecord(rec)
	}
	b.reports.put(r, rep, rep.ProjectCode, rep.Half.String())
}

// halfYear reads a required half year such as 2026H1 or 2026上半年.
func (r *rowReader) halfYear(col string) saima.HalfYear {
	raw := r.cell(col)
	if _, missing := r.blank(col, raw, true); missing {
		return saima.HalfYear{}
	}
	h, err := saima.ParseHalfYear(compact(raw))
	switch {
	case err != nil:
		r.fail(col, raw, &problem{reason: "不是有效的半年度", fix: "请按2026H1或2026上半年的格式填写"})
	case !h.Start().InLedgerRange() || !h.End().InLedgerRange():
		r.fail(col, raw, problemPeriodOutOfRange)
		return saima.HalfYear{}
	}
	return h
}

func (b *leaderReportBuilder) finish(*parser) {}

// receivedDay returns the day saima received rep: the day stated for the
// import, else the upload day, or the day its stored version was received
// when that is earlier. A stored version without a received day, written
// before saima recorded it, keeps none, so its lateness still goes by
// 报送日期 alone.
func (r *rowReader) receivedDay(rep saima.LeaderReport) *saima.Date {
	day := r.p.today
	switch {
	case r.p.opts.ReceivedAsStated && !rep.Submitted.IsZero():
		day = rep.Submitted
	case r.p.opts.Received != nil:
		day = *r.p.opts.Received
	}
	for _, stored := range r.p.opts.LeaderReports {
		if stored.ProjectCode != rep.ProjectCode || stored.Half != rep.Half {
			continue
		}
		if stored.Received == nil || stored.Received.Before(day) {
			return stored.Received
		}
	}
	return &day
}

func (b *leaderReportBuilder) fill(batch *saima.Batch) { batch.LeaderReports = b.reports.items }

package ingest

import (
	"cmp"
	"fmt"
	"slices"

	"github.com/shopspring/decimal"

	"saima"
)

// Generic examples, for a store without projects, work list items or
// problems: with none stored, the checks against them are skipped.
var (
	genericProject = saima.Project{Code: "NB-2026-001", Name: "城市大脑驾驶舱"}
	genericItem    = saima.ListItem{List: "重大需求", ID: "ZD-2026-001"}
)

// newItemList is the list of the new item in the work lists example.
const newItemList = "重大需求"

// chooseExample sets the example's unit, project, work list item,
// problem step and new record key from opts. When opts holds nothing that
// gives the account an example that imports, it leaves the cells that
// would be wrong empty and sets t.note to say why.
func (t *template) chooseExample(opts TemplateOptions) {
	eligible := func(saima.Project) bool { return true }
	switch t.s.dataset {
	case saima.DatasetLeaderReports:
		eligible = leaderLed
	case saima.DatasetProgress:
		eligible = atWork(opts)
	}
	t.unit, t.project = exampleUnitAndProject(opts, eligible)
	if t.project == nil && len(opts.Projects) == 0 {
		t.project = &genericProject
	}

	switch t.s.dataset {
	case saima.DatasetProgress:
		t.rate = exampleRate(opts, t.project)
	case saima.DatasetStages:
		t.chooseStage(opts)
	case saima.DatasetListDone:
		t.chooseItem(opts)
	case saima.DatasetProblemSteps:
		t.chooseStep(opts)
	case saima.DatasetProjects:
		t.code = freeCode("NB", t.today, func(code string) bool {
			return slices.ContainsFunc(opts.Projects, func(p saima.Project) bool { return p.Code == code })
		})
	case saima.DatasetProblems:
		t.code = freeProblemID(opts)
	case saima.DatasetLists:
		t.code = freeCode("ZD", t.today, func(id string) bool {
			return slices.ContainsFunc(opts.ListItems, func(it saima.ListItem) bool {
				return it.List == newItemList && it.ID == id
			})
		})
	}

	if t.note == "" && t.project == nil && slices.Contains(t.s.required(), "项目编号") {
		t.note = t.noProjectNote(opts)
	}
}

// atWork returns whether a project is still at work: it has not reached
// 评估, 完成 or 退出, and no stored report of it is at 100%. A progress
// example of such a project at its stored rate or above draws no warning.
// When no project is at work, every project is eligible.
func atWork(opts TemplateOptions) func(saima.Project) bool {
	ended := map[string]bool{}
	for _, e := range opts.Stages {
		if e.Stage == "评估" || e.Stage == "完成" || e.Stage == "退出" {
			ended[e.ProjectCode] = true
		}
	}
	for _, r := range opts.Progress {
		if r.Percent.Valid && r.Percent.Decimal.GreaterThanOrEqual(hundredPercent) {
			ended[r.ProjectCode] = true
		}
	}
	if !slices.ContainsFunc(opts.Projects, func(p saima.Project) bool { return !ended[p.Code] }) {
		return func(saima.Project) bool { return true }
	}
	return func(p saima.Project) bool { return !ended[p.Code] }
}

// exampleRate returns the progress example's 完成率 as a fraction: 85%,
// or the highest stored rate of project when that is higher, so the
// example never lowers a stored rate.
func exampleRate(opts TemplateOptions, project *saima.Project) float64 {
	rate := 0.85
	if project == nil {
		return rate
	}
	for _, r := range opts.Progress {
		if r.ProjectCode == project.Code && r.Percent.Valid {
			rate = max(rate, r.Percent.Decimal.Shift(-2).InexactFloat64())
		}
	}
	return rate
}

var hundredPercent = decimal.NewFromInt(100)

// leaderLed reports whether the ledger marks p as leader-led, which a
// half-year report needs.
func leaderLed(p saima.Project) bool { return p.LeaderLed || p.Leader != "" }

// noProjectNote returns the note of an example that lacks the project
// its dataset requires, because the example unit has none that fits.
func (t *template) noProjectNote(opts TemplateOptions) string {
	switch {
	case t.s.dataset == saima.DatasetLeaderReports && opts.Unit != "":
		return fmt.Sprintf("%s在项目台账中没有领导领衔项目，不需要报送领衔事项半年报告，所以示例行的项目编号空着。"+
			"如果本单位有项目已改为领导领衔，请联系改革办在项目台账中填写“是否领导领衔”或“领衔领导”，再重新下载模板。", t.unit)
	case t.s.dataset == saima.DatasetLeaderReports:
		return "项目台账中没有责任单位在单位名单中的领导领衔项目，所以示例行的项目编号空着：只有领导领衔项目报送半年报告。" +
			"请先在项目台账中填写“是否领导领衔”或“领衔领导”，再重新下载模板。"
	case opts.Unit != "":
		return fmt.Sprintf("%s在项目台账中没有项目，所以示例行的项目编号空着。"+
			"请联系改革办把本单位的项目录入项目台账，再重新下载模板。", t.unit)
	}
	return "项目台账中没有责任单位在单位名单中的项目，所以示例行的项目编号空着。" +
		"请先核对项目台账的责任单位和单位名单，再重新下载模板。"
}

// chooseStage sets the stages example, from exampleStage. When no project
// of a ledger can take a next stage today, the example names no project.
func (t *template) chooseStage(opts TemplateOptions) {
	t.stage = exampleStage(opts, t.unit)
	switch {
	case t.stage != nil:
		t.project = projectByCode(opts.Projects, t.stage.ProjectCode)
	case len(opts.Projects) > 0:
		t.project = nil
		t.note = "项目台账中没有今天可以登记下一阶段的项目（例如都已完成或退出），所以示例行的项目编号空着。" +
			"新项目请先录入项目台账，再重新下载模板。"
	}
}

// chooseItem sets the work list item of the done mark's example: the
// unit's first item. The office, which may mark any unit's item, takes
// the first item of any unit, and that item's unit, when the example unit
// has none.
func (t *template) chooseItem(opts TemplateOptions) {
	if len(opts.ListItems) == 0 {
		t.item = &genericItem
		return
	}
	if t.item = exampleItem(opts.ListItems, t.unit); t.item != nil {
		return
	}
	if opts.Unit == "" {
		t.item = exampleItem(opts.ListItems, "")
		t.unit = t.item.Unit
		if name, ok := newRoster(opts.Roster).resolve(t.item.Unit); ok {
			t.unit = name
		}
		return
	}
	t.note = fmt.Sprintf("%s在清单事项中没有事项，所以示例行的清单名称和事项编号空着：单位只能标注本单位清单事项的完成情况。"+
		"如果清单漏了本单位的事项，请联系改革办补录，再重新下载模板。", t.unit)
}

// chooseStep sets the problem steps example, from exampleProblemStep.
// Without a problem list it is the 收集 of a new problem. When no listed
// problem can take a next step today, it names no problem.
func (t *template) chooseStep(opts TemplateOptions) {
	if t.step = exampleProblemStep(opts, t.unit); t.step != nil {
		return
	}
	t.step = &saima.ProblemStep{Step: saima.LoopStages[0], Level: 1, Date: t.today.AddDays(-7),
		Handler: t.unit, Note: stepNote(saima.LoopStages[0])}
	if len(opts.Problems) == 0 {
		t.step.ProblemID = freeProblemID(opts)
		return
	}
	t.note = "问题清单中没有今天可以登记下一环节的问题（例如都已办结），所以示例行的问题编号空着。" +
		"新问题请先上传问题清单，再重新下载模板。"
}

// freeCode returns the first code of the form PREFIX-YEAR-001,
// PREFIX-YEAR-002 and so on, in the year of today, that taken rejects.
func freeCode(prefix string, today saima.Date, taken func(string) bool) string {
	for n := 1; ; n++ {
		if code := fmt.Sprintf("%s-%d-%03d", prefix, today.Year, n); !taken(code) {
			return code
		}
	}
}

// freeProblemID returns a problem ID that neither the problem list nor a
// stored step uses, so that the problems example adds a problem instead
// of replacing one, perhaps another unit's.
func freeProblemID(opts TemplateOptions) string {
	return freeCode("WT", opts.Today, func(id string) bool {
		return slices.ContainsFunc(opts.Problems, func(p saima.ProblemItem) bool { return p.ID == id }) ||
			slices.ContainsFunc(opts.ProblemSteps, func(st saima.ProblemStep) bool { return st.ProblemID == id })
	})
}

// projectByCode returns the project of projects with code, or nil.
func projectByCode(projects []saima.Project, code string) *saima.Project {
	for i := range projects {
		if projects[i].Code == code {
			return &projects[i]
		}
	}
	return nil
}

// exampleItem returns the first work list item of unit, or of any unit
// when unit is "", by list and ID, or nil when there is none.
func exampleItem(items []saima.ListItem, unit string) *saima.ListItem {
	var best *saima.ListItem
	for i := range items {
		it := &items[i]
		if unit != "" && it.Unit != unit {
			continue
		}
		if best == nil || cmp.Or(cmp.Compare(it.List, best.List), cmp.Compare(it.ID, best.ID)) < 0 {
			best = it
		}
	}
	return best
}

// exampleUnitAndProject chooses the unit and project of the example row.
// The unit is the account's own, or else the unit of the first eligible
// project in the ledger whose unit is on the roster, or else the roster's
// first unit. The project is the unit's first eligible project by code,
// or nil when it has none.
func exampleUnitAndProject(opts TemplateOptions, eligible func(saima.Project) bool) (string, *saima.Project) {
	r := newRoster(opts.Roster)
	var projects []saima.Project
	for _, p := range sortProjects(opts.Projects, eligible) {
		if eligible(p) {
			projects = append(projects, p)
		}
	}
	unit := opts.Unit
	if unit == "" {
		for _, p := range projects {
			if name, ok := r.resolve(p.Unit); ok {
				unit = name
				break
			}
		}
	}
	if unit == "" && len(opts.Roster) > 0 {
		unit = opts.Roster[0].Name
	}
	for i, p := range projects {
		if name, ok := r.resolve(p.Unit); ok && name == unit {
			return unit, &projects[i]
		}
	}
	return unit, nil
}

// exampleProblemStep returns the problem steps example: the next loop
// stage of an open problem on the list, the unit's own problems first,
// then the others, each by ID. It is dated a week before today, or on the
// problem's 发现日期 or last stored step when that is later, and handled
// at the highest level the problem was escalated to. 已办结 is never the
// example, because a clerk who edits only the note would close the
// problem. It returns nil when no problem can take a next stage today.
func exampleProblemStep(opts TemplateOptions, unit string) *saima.ProblemStep {
	roster := newRoster(opts.Roster)
	own := func(p saima.ProblemItem) bool {
		name, ok := roster.resolve(p.Unit)
		return ok && name == unit
	}
	problems := sortFirst(opts.Problems, own, func(p saima.ProblemItem) string { return p.ID })
	stored := map[string][]saima.ProblemStep{}
	for _, st := range opts.ProblemSteps {
		stored[st.ProblemID] = append(stored[st.ProblemID], st)
	}
	for _, p := range problems {
		if st := nextProblemStep(p, stored[p.ID], opts.Today); st != nil {
			return st
		}
	}
	return nil
}

// nextProblemStep returns the first loop stage after the last stored one
// of problem p, short of 已办结, that CheckProblemSteps accepts without an
// issue, or nil when there is none or p is closed.
func nextProblemStep(p saima.ProblemItem, stored []saima.ProblemStep, today saima.Date) *saima.ProblemStep {
	if p.Closed != nil {
		return nil
	}
	date, level, reached := today.AddDays(-7), 1, -1
	if p.Opened.After(date) {
		date = p.Opened
	}
	for _, st := range stored {
		if st.Date.After(date) {
			date = st.Date
		}
		if st.Step == saima.StepEscalate {
			level = max(level, st.Level)
		}
		reached = max(reached, slices.Index(saima.LoopStages, st.Step))
	}
	if date.After(today) {
		return nil
	}
	for _, stage := range saima.LoopStages[reached+1 : len(saima.LoopStages)-1] {
		st := saima.ProblemStep{ProblemID: p.ID, Step: stage, Level: level, Date: date,
			Handler: p.Unit, Note: stepNote(stage)}
		if len(CheckProblemSteps([]saima.ProblemItem{p}, stored, []saima.ProblemStep{st})) == 0 {
			return &st
		}
	}
	return nil
}

// stepNote returns the example's note on a step of the loop.
func stepNote(stage string) string { return "进入" + stage + "环节" }

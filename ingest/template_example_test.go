package ingest

import (
	"bytes"
	"cmp"
	"slices"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"saima"
)

// writeTemplateWith returns the template of dataset written with opts,
// on uploadDay with testRoster unless opts sets them.
func writeTemplateWith(t *testing.T, dataset string, opts TemplateOptions) []byte {
	t.Helper()
	if opts.Roster == nil {
		opts.Roster = testRoster
	}
	if opts.Today.IsZero() {
		opts.Today = uploadDay
	}
	var buf bytes.Buffer
	if err := WriteTemplateWith(&buf, dataset, opts); err != nil {
		t.Fatalf("WriteTemplateWith(%s) error: %v", dataset, err)
	}
	return buf.Bytes()
}

// exampleRow returns the example row of a template by column name, and
// the note that its mark cell adds to exampleCellText and the check code.
func exampleRow(t *testing.T, file []byte) (cells map[string]string, note string) {
	t.Helper()
	f, err := excelize.OpenReader(bytes.NewReader(file))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	rows, err := f.GetRows(f.GetSheetName(0))
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) < 2 || len(rows[1]) <= len(rows[0]) {
		t.Fatalf("template rows = %q, want a header and an example row with its mark", rows)
	}
	cells = map[string]string{}
	for i, name := range rows[0] {
		cells[name] = rows[1][i]
	}
	mark := rows[1][len(rows[0])]
	if !strings.HasPrefix(mark, exampleCellText) {
		t.Fatalf("mark of the example row = %q, want it to start with %q", mark, exampleCellText)
	}
	code, note := splitExampleMark(mark)
	if code == "" {
		t.Errorf("mark of the example row = %q, want a check code after %q", mark, exampleCellText)
	}
	return cells, note
}

// ledgerWithoutLeaders is templateLedger with no project leader-led.
var ledgerWithoutLeaders = func() []saima.Project {
	out := slices.Clone(templateLedger)
	for i := range out {
		out[i].LeaderLed, out[i].Leader = false, ""
	}
	return out
}()

// TestTemplateExampleNote checks the templates whose example cannot
// import for the account: the mark says why, the cells that would be
// wrong stay empty, and with the mark removed only those cells fail.
func TestTemplateExampleNote(t *testing.T) {
	closed := uploadDay.AddDays(-5)
	tests := []struct {
		name, dataset string
		opts          TemplateOptions
		wantNote      string   // a part of the note
		empty         []string // the columns left empty
	}{
		{name: "unit without leader-led project", dataset: saima.DatasetLeaderReports,
			opts:     TemplateOptions{Projects: templateLedger, Unit: "余姚市"},
			wantNote: "余姚市在项目台账中没有领导领衔项目，不需要报送领衔事项半年报告，所以示例行的项目编号空着", empty: []string{"项目编号"}},
		{name: "ledger without leader-led project", dataset: saima.DatasetLeaderReports,
			opts:     TemplateOptions{Projects: ledgerWithoutLeaders},
			wantNote: "项目台账中没有责任单位在单位名单中的领导领衔项目", empty: []string{"项目编号"}},
		{name: "progress of unit without projects", dataset: saima.DatasetProgress,
			opts:     TemplateOptions{Projects: templateLedger, Unit: "市财政局"},
			wantNote: "市财政局在项目台账中没有项目，所以示例行的项目编号空着", empty: []string{"项目编号", "项目名称"}},
		{name: "milestones of unit without projects", dataset: saima.DatasetMilestones,
			opts:     TemplateOptions{Projects: templateLedger, Unit: "市财政局"},
			wantNote: "市财政局在项目台账中没有项目", empty: []string{"项目编号"}},
		{name: "done mark of unit without items", dataset: saima.DatasetListDone,
			opts: TemplateOptions{Unit: "宁海县",
				ListItems: []saima.ListItem{{List: "重大需求", ID: "ZD-9", Name: "企业开办", Unit: "余姚市"}}},
			wantNote: "宁海县在清单事项中没有事项，所以示例行的清单名称和事项编号空着", empty: []string{"清单名称", "事项编号"}},
		{name: "stages of ended projects", dataset: saima.DatasetStages,
			opts: TemplateOptions{Projects: templateLedger, Stages: slices.Concat(
				stageEvents("NB-2026-200", uploadDay.AddDays(-90), "预报", stageExit),
				stageEvents("NB-2026-310", uploadDay.AddDays(-90), "预报", stageExit),
				stageEvents("NB-2026-320", uploadDay.AddDays(-90), "预报", stageExit))},
			wantNote: "项目台账中没有今天可以登记下一阶段的项目", empty: []string{"项目编号"}},
		{name: "steps of closed problems", dataset: saima.DatasetProblemSteps,
			opts: TemplateOptions{Problems: []saima.ProblemItem{
				{ID: "WT-1", Unit: "余姚市", Opened: uploadDay.AddDays(-30), Closed: &closed}}},
			wantNote: "问题清单中没有今天可以登记下一环节的问题", empty: []string{"问题编号"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			file := writeTemplateWith(t, tt.dataset, tt.opts)
			cells, note := exampleRow(t, file)
			if !strings.Contains(note, tt.wantNote) {
				t.Errorf("note = %q, want it to say %q", note, tt.wantNote)
			}
			for _, col := range tt.empty {
				if cells[col] != "" {
					t.Errorf("example %s = %q, want it empty", col, cells[col])
				}
			}

			res := parseText(t, tt.dataset+".xlsx", string(withoutExampleMark(t, file)), Options{
				Projects: tt.opts.Projects, ListItems: tt.opts.ListItems, Unit: tt.opts.Unit})
			if len(res.Errors) == 0 {
				t.Errorf("example imports, want errors on the empty %s", tt.empty)
			}
			for _, is := range res.Errors {
				if !slices.Contains(tt.empty, is.Column) {
					t.Errorf("error %s, want errors only on the empty %s", is, tt.empty)
				}
			}
		})
	}
}

// TestTemplateExampleNoteSavedAsCSV checks that the mark of an example
// with a note still keeps the example row of a copy saved as CSV out.
func TestTemplateExampleNoteSavedAsCSV(t *testing.T) {
	file := writeTemplateWith(t, saima.DatasetLeaderReports, TemplateOptions{Projects: templateLedger, Unit: "余姚市"})
	res := parseText(t, "leader.csv", saveAsCSV(t, file), Options{Projects: templateLedger, Unit: "余姚市"})
	errs := issueStrings(res.Errors)
	if res.Batch.Len() != 0 || len(errs) != 1 || !strings.Contains(errs[0], "之后只有下载模板中的示例行（第2行") {
		t.Errorf("records, errors = %d, %q, want none and one naming the example row", res.Batch.Len(), errs)
	}
}

// TestTemplateExampleNewRecord checks that the examples of projects,
// problems and work list items take a code that no stored record has, so
// that they add a record instead of replacing one, perhaps another unit's.
func TestTemplateExampleNewRecord(t *testing.T) {
	tests := []struct {
		dataset, column string
		opts            TemplateOptions
		want            string
	}{
		{saima.DatasetProjects, "项目编号", TemplateOptions{}, "NB-2026-001"},
		{saima.DatasetProjects, "项目编号", TemplateOptions{Unit: "余姚市", Projects: append(slices.Clone(templateLedger),
			saima.Project{Code: "NB-2026-001", Name: "城市大脑", Unit: "宁海县"},
			saima.Project{Code: "NB-2026-002", Name: "一网统管", Unit: "宁海县"})}, "NB-2026-003"},
		{saima.DatasetProblems, "问题编号", TemplateOptions{}, "WT-2026-001"},
		{saima.DatasetProblems, "问题编号", TemplateOptions{Unit: "余姚市",
			Problems:     []saima.ProblemItem{{ID: "WT-2026-001", Unit: "宁海县", Opened: uploadDay.AddDays(-9)}},
			ProblemSteps: []saima.ProblemStep{{ProblemID: "WT-2026-002", Step: "收集", Level: 1, Date: uploadDay}}},
			"WT-2026-003"},
		{saima.DatasetLists, "事项编号", TemplateOptions{ListItems: []saima.ListItem{
			{List: newItemList, ID: "ZD-2026-001", Unit: "宁海县"}, {List: "场景应用", ID: "ZD-2026-002", Unit: "宁海县"}}},
			"ZD-2026-002"},
	}
	for _, tt := range tests {
		t.Run(tt.dataset+"/"+tt.want, func(t *testing.T) {
			file := writeTemplateWith(t, tt.dataset, tt.opts)
			if cells, _ := exampleRow(t, file); cells[tt.column] != tt.want {
				t.Errorf("example %s = %q, want %s", tt.column, cells[tt.column], tt.want)
			}
			res := parseText(t, tt.dataset+".xlsx", string(withoutExampleMark(t, file)),
				Options{Projects: tt.opts.Projects, Unit: tt.opts.Unit})
			requireNoErrors(t, res)
			if len(res.Warnings) != 0 {
				t.Errorf("warnings = %q, want none", issueStrings(res.Warnings))
			}
		})
	}
}

// TestTemplateProblemStepExample checks that the problem steps example
// is the next loop stage of an open problem, which the loop's rules accept
// against the stored steps.
func TestTemplateProblemStepExample(t *testing.T) {
	opened := uploadDay.AddDays(-30)
	closed := uploadDay.AddDays(-1)
	problems := []saima.ProblemItem{
		{ID: "WT-1", Unit: "余姚市", Opened: opened},
		{ID: "WT-2", Unit: "宁海县", Opened: opened},
		{ID: "WT-3", Unit: "宁海县", Opened: opened, Closed: &closed},
		{ID: "WT-4", Unit: "宁海县", Opened: uploadDay.AddDays(-2)},
	}
	step := func(id, stage string, level int, day saima.Date) saima.ProblemStep {
		return saima.ProblemStep{ProblemID: id, Step: stage, Level: level, Date: day}
	}
	tests := []struct {
		name    string
		unit    string
		stored  []saima.ProblemStep
		want    saima.ProblemStep
		wantFor string // the handling unit
	}{
		{name: "no steps", want: step("WT-1", "收集", 1, uploadDay.AddDays(-7)), wantFor: "余姚市"},
		{name: "unit's own first", unit: "宁海县",
			want: step("WT-2", "收集", 1, uploadDay.AddDays(-7)), wantFor: "宁海县"},
		{name: "after escalation", stored: []saima.ProblemStep{
			step("WT-1", "收集", 1, opened), step("WT-1", "梳理归类", 1, opened.AddDays(2)),
			step("WT-1", saima.StepEscalate, 2, opened.AddDays(3))},
			want: step("WT-1", "分析研判", 2, uploadDay.AddDays(-7)), wantFor: "余姚市"},
		{name: "never 已办结", stored: []saima.ProblemStep{
			step("WT-1", "收集", 1, opened), step("WT-1", "分办落实", 1, opened.AddDays(2))},
			want: step("WT-2", "收集", 1, uploadDay.AddDays(-7)), wantFor: "宁海县"},
		{name: "recent step", stored: []saima.ProblemStep{step("WT-1", "收集", 1, uploadDay.AddDays(-1))},
			want: step("WT-1", "梳理归类", 1, uploadDay.AddDays(-1)), wantFor: "余姚市"},
		{name: "recently found", unit: "宁海县", stored: []saima.ProblemStep{
			step("WT-2", "收集", 1, opened), step("WT-2", "分办落实", 1, opened)},
			want: step("WT-4", "收集", 1, uploadDay.AddDays(-2)), wantFor: "宁海县"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			file := writeTemplateWith(t, saima.DatasetProblemSteps, TemplateOptions{Projects: templateLedger,
				Problems: problems, ProblemSteps: tt.stored, Unit: tt.unit})
			res := parseText(t, "steps.xlsx", string(withoutExampleMark(t, file)), Options{})
			requireNoErrors(t, res)
			if len(res.Batch.ProblemSteps) != 1 {
				t.Fatalf("steps = %d, want 1", len(res.Batch.ProblemSteps))
			}
			got := res.Batch.ProblemSteps[0]
			if got.ProblemID != tt.want.ProblemID || got.Step != tt.want.Step || got.Level != tt.want.Level ||
				got.Date != tt.want.Date || got.Handler != tt.wantFor {
				t.Errorf("example = %s %s level %d on %s by %s, want %s %s level %d on %s by %s",
					got.ProblemID, got.Step, got.Level, got.Date, got.Handler,
					tt.want.ProblemID, tt.want.Step, tt.want.Level, tt.want.Date, tt.wantFor)
			}
			if issues := CheckProblemSteps(problems, tt.stored, res.Batch.ProblemSteps); len(issues) != 0 {
				t.Errorf("loop issues = %q, want none", issueStrings(issues))
			}
		})
	}

	// Without a problem list, the example is the 收集 of the ID that the
	// problems example takes, so the two templates fit together.
	file := writeTemplateWith(t, saima.DatasetProblemSteps, TemplateOptions{})
	cells, note := exampleRow(t, file)
	problemCells, _ := exampleRow(t, writeTemplateWith(t, saima.DatasetProblems, TemplateOptions{}))
	if cells["问题编号"] != problemCells["问题编号"] || cells["环节"] != "收集" || note != "" {
		t.Errorf("example without a problem list = %s %s (note %q), want the 收集 of %s without a note",
			cells["问题编号"], cells["环节"], note, problemCells["问题编号"])
	}
}

// TestTemplateDoneMarkExampleForOffice checks that the office's done mark
// example takes another unit's item when the example unit has none.
func TestTemplateDoneMarkExampleForOffice(t *testing.T) {
	items := []saima.ListItem{
		{List: "场景应用", ID: "CJ-3", Name: "浙里办接入", Unit: "市大数据局"},
		{List: "场景应用", ID: "CJ-1", Name: "掌上办事", Unit: "市大数据局"},
	}
	file := writeTemplateWith(t, saima.DatasetListDone, TemplateOptions{Projects: templateLedger, ListItems: items})
	res := parseText(t, "done.xlsx", string(withoutExampleMark(t, file)), Options{ListItems: items})
	requireNoErrors(t, res)
	if len(res.Batch.ListDone) != 1 {
		t.Fatalf("done marks = %d, want 1", len(res.Batch.ListDone))
	}
	if d := res.Batch.ListDone[0]; d.ItemID != "CJ-1" || d.Unit != "市大数据局" {
		t.Errorf("example = %s %s, want CJ-1 of 市大数据局", d.ItemID, cmp.Or(d.Unit, "no unit"))
	}
}

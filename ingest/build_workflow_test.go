package ingest

import (
	"fmt"
	"strings"
	"testing"

	"saima"
)

func TestListItems(t *testing.T) {
	text := "序号,清单名称,事项编号,事项名称,责任单位,阶段目标,完成时限,领域,下达日期\n" +
		"1,重大需求清单,XQ-01,企业开办一件事,大数据局,全市上线,2026-09-30,数字政府,2026-02-15\n" +
		"2,专项,ZX-01,数据共享办法,市财政局,,2026/12/31,,\n"
	res := parseText(t, "l.csv", text, Options{})
	requireNoErrors(t, res)
	if res.Dataset != saima.DatasetLists {
		t.Errorf("Dataset = %q, want %q", res.Dataset, saima.DatasetLists)
	}
	issued := saima.NewDate(2026, 2, 15)
	want := []saima.ListItem{
		{List: "重大需求", ID: "XQ-01", Name: "企业开办一件事", Unit: "市大数据局", Goal: "全市上线",
			Deadline: saima.NewDate(2026, 9, 30), Field: "数字政府", Issued: &issued},
		{List: "专项清单", ID: "ZX-01", Name: "数据共享办法", Unit: "市财政局", Deadline: saima.NewDate(2026, 12, 31)},
	}
	if got := fmt.Sprintf("%+v", res.Batch.ListItems); got != fmt.Sprintf("%+v", want) {
		t.Errorf("list items =\n%s\nwant\n%s", got, fmt.Sprintf("%+v", want))
	}
}

func TestWorkflowIssues(t *testing.T) {
	tests := []issueCase{
		{name: "unknown list",
			text:   "清单名称,事项编号,事项名称,责任单位,完成时限\n重点工作,A1,x,市财政局,2026-09-30\n",
			errors: []string{"f.csv 第2行“清单名称”列的值“重点工作”不是可选的值，请填写以下之一：重大需求、场景应用、重大改革、专项清单、制度建设"}},
		{name: "issued after the deadline",
			text: "清单名称,事项编号,事项名称,责任单位,完成时限,下达日期\n重大需求,A1,x,市财政局,2026-09-30,2026-10-01\n",
			errors: []string{"f.csv 第2行“下达日期”列的值“2026-10-01”晚于该事项的完成时限2026-09-30，" +
				"事项须在完成时限之前下达，请核对下达日期和完成时限"}},
		{name: "issued in the future",
			text: "清单名称,事项编号,事项名称,责任单位,完成时限,下达日期\n重大需求,A1,x,市财政局,2026-12-31,2026-10-16\n",
			errors: []string{"f.csv 第2行“下达日期”列的值“2026-10-16”晚于上传当天（2026-10-15），实际发生的日期不能在将来，" +
				"请填写清单实际下达的日期；尚未下达的事项请在下达后再上传"}},
		{name: "done in the future",
			text:   "清单名称,事项编号,责任单位,完成日期\n重大需求,A1,市财政局,2026-10-16\n",
			errors: []string{"f.csv 第2行“完成日期”列的值“2026-10-16”晚于上传当天（2026-10-15），实际发生的日期不能在将来，请填写事项实际完成的日期；尚未完成的事项请在完成后再标注"}},
		{name: "escalation without level",
			text:   "问题编号,环节,日期\nP1,升级,2026-10-01\n",
			errors: []string{"f.csv 第2行“层级”列未写明升级到的层级，升级须写明，请填写改革办或市领导"}},
		{name: "escalation with a placeholder level",
			text:   "问题编号,环节,层级,日期\nP1,升级,/,2026-10-01\n",
			errors: []string{"f.csv 第2行“层级”列的值“/”表示未填写，升级须写明升级到的层级，请填写改革办或市领导"}},
		{name: "escalation with a full-width placeholder level",
			text:   "问题编号,环节,层级,日期\nP1,升级,－,2026-10-01\n",
			errors: []string{"f.csv 第2行“层级”列的值“－”表示未填写，升级须写明升级到的层级，请填写改革办或市领导"}},
		{name: "unknown level",
			text: "问题编号,环节,层级,日期\nP1,收集,区长,2026-10-01\n",
			errors: []string{"f.csv 第2行“层级”列的值“区长”不是可选的层级（共3个层级：1牵头单位、2改革办、3市领导），" +
				"请填写层级名称或1到3的编号；主要领导协调的问题请填写市领导或3"}},
		{name: "escalation to the principal leaders",
			text: "问题编号,环节,层级,日期\nP1,升级,主要领导,2026-10-01\n",
			errors: []string{"f.csv 第2行“层级”列的值“主要领导”不是可选的层级（共3个层级：1牵头单位、2改革办、3市领导），" +
				"请填写层级名称或1到3的编号；主要领导协调的问题请填写市领导或3"}},
		{name: "escalation to a fourth level",
			text: "问题编号,环节,层级,日期\nP1,升级,4,2026-10-01\n",
			errors: []string{"f.csv 第2行“层级”列的值“4”不是可选的层级（共3个层级：1牵头单位、2改革办、3市领导），" +
				"请填写层级名称或1到3的编号；主要领导协调的问题请填写市领导或3"}},
		{name: "escalation to a level that does not exist",
			text: "问题编号,环节,层级,日期\nP1,升级,5,2026-10-01\n",
			errors: []string{"f.csv 第2行“层级”列的值“5”不是可选的层级（共3个层级：1牵头单位、2改革办、3市领导），" +
				"请填写层级名称或1到3的编号；主要领导协调的问题请填写市领导或3"}},
		{name: "step dated in the future",
			text:   "问题编号,环节,层级,日期\nP1,收集,,2026-10-16\n",
			errors: []string{"f.csv 第2行“日期”列的值“2026-10-16”晚于上传当天（2026-10-15），实际发生的日期不能在将来，请填写该环节实际办理的日期；尚未办理的环节请在办理后再上传"}},
		{name: "bad half year",
			text:   "项目编号,半年度,牵头单位,成果,报送日期\nNB-1,2026Q3,市财政局,上线,2026-07-01\n",
			errors: []string{"f.csv 第2行“半年度”列的值“2026Q3”不是有效的半年度，请按2026H1或2026上半年的格式填写"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) { tt.run(t, Options{}) })
	}
}

func TestProblemStepsAndLeaderReports(t *testing.T) {
	steps := parseText(t, "s.csv", "问题编号,环节,层级,日期,办理单位\n"+
		"P1,收集,,2026-03-01,市大数据局\nP1,升级,市领导,2026-04-01,\nP1,已办结,3,2026-05-01,\n", Options{})
	requireNoErrors(t, steps)
	var levels []int
	for _, s := range steps.Batch.ProblemSteps {
		levels = append(levels, s.Level)
	}
	if fmt.Sprint(levels) != "[1 3 3]" {
		t.Errorf("problem step levels = %v, want [1 3 3]", levels)
	}

	reps := parseText(t, "r.csv", "项目编号,半年度,领衔领导,牵头单位,成果,问题,下步计划,报送日期\n"+
		"NB-1,2026上半年,王市长,市财政局,平台上线,接口慢,推广,2026-07-08\n", Options{})
	requireNoErrors(t, reps)
	if n := len(reps.Batch.LeaderReports); n != 1 {
		t.Fatalf("leader reports = %d, want 1", n)
	}
	r := reps.Batch.LeaderReports[0]
	if r.Half.String() != "2026H1" || r.Unit != "市财政局" || r.ConfirmedBy != "" || r.Confirmed != nil {
		t.Errorf("leader report = %+v, want 2026H1 by 市财政局, unconfirmed", r)
	}
}

// A done mark must name an item of its list, under the item's own unit,
// or it would never count.
func TestListDoneAgainstItems(t *testing.T) {
	items := []saima.ListItem{
		{List: "重大需求", ID: "A1", Unit: "市财政局"},
		{List: "专项清单", ID: "ZX-1", Unit: "余姚市"},
	}
	text := "清单名称,事项编号,责任单位,完成日期\n" +
		"重大需求,A1,市财政局,2026-10-01\n" + // its own item
		"重大需求,A9,市财政局,2026-10-01\n" + // no such item
		"专项清单,ZX-1,宁海县,2026-10-01\n" + // another unit's item
		"专项清单,A1,市财政局,2026-10-01\n" // A1 is in another list
	res := parseText(t, "done.csv", text, Options{ListItems: items})
	want := []string{
		"done.csv 第3行“事项编号”列的值“A9”在“重大需求”清单中没有这个事项，请核对清单名称和事项编号；新事项请先由改革办上传清单事项",
		"done.csv 第4行“责任单位”列的值“宁海县”与专项清单中该事项的责任单位“余姚市”不一致，这条完成标注不会计入，请填写该事项的责任单位，或核对事项编号",
		"done.csv 第5行“事项编号”列的值“A1”在专项清单中没有这个事项，请核对清单名称和事项编号；新事项请先由改革办上传清单事项",
	}
	if got := issueStrings(res.Errors); !equalStrings(got, want) {
		t.Errorf("errors =\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}

	// No items given: nothing to check against, as in a parse without a store.
	requireNoErrors(t, parseText(t, "done.csv", "清单名称,事项编号,责任单位,完成日期\n重大需求,A9,市财政局,2026-10-01\n", Options{}))
}

// A done mark is never dated before its item started: its 下达日期, or
// without one the day the item was first recorded. An item with neither,
// as in a parse without a store, has no such bound.
func TestListDoneBeforeItemStart(t *testing.T) {
	issued := saima.NewDate(2026, 3, 1)
	recorded := saima.NewDate(2026, 10, 10)
	items := []saima.ListItem{
		{List: "重大需求", ID: "A1", Unit: "市财政局", Issued: &issued, Recorded: recorded},
		{List: "重大需求", ID: "A2", Unit: "市财政局", Issued: &issued, Recorded: recorded},
		{List: "重大需求", ID: "B1", Unit: "市财政局", Recorded: recorded},
		{List: "重大需求", ID: "B2", Unit: "市财政局", Recorded: recorded},
		{List: "重大需求", ID: "C1", Unit: "市财政局"},
	}
	text := "清单名称,事项编号,责任单位,完成日期\n" +
		"重大需求,A1,市财政局,2026-02-28\n" + // before its 下达日期
		"重大需求,A2,市财政局,2026-03-01\n" + // on its 下达日期, though before it was recorded
		"重大需求,B1,市财政局,2026-10-09\n" + // before it was recorded, without a 下达日期
		"重大需求,B2,市财政局,2026-10-10\n" +
		"重大需求,C1,市财政局,2020-01-01\n"
	res := parseText(t, "done.csv", text, Options{ListItems: items})
	want := []string{
		"done.csv 第2行“完成日期”列的值“2026-02-28”早于“重大需求”清单事项“A1”的下达日期2026-03-01，" +
			"事项下达之前不能完成，请核对完成日期；如果下达日期有误，请由改革办更正清单事项",
		"done.csv 第4行“完成日期”列的值“2026-10-09”早于“重大需求”清单事项“B1”首次录入的日期2026-10-10，" +
			"该事项没有下达日期，完成日期不能早于录入，请核对完成日期；如果事项在录入之前已经下达，" +
			"请由改革办在清单事项中补填下达日期后再标注",
	}
	if got := issueStrings(res.Errors); !equalStrings(got, want) {
		t.Errorf("errors =\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}

// A done mark dated after its project's exit, on an item the exit closed,
// is rejected. One dated on or before the exit day, or on an item due by
// then, is accepted.
func TestListDoneAfterExit(t *testing.T) {
	issued, exit := saima.NewDate(2026, 3, 1), saima.NewDate(2026, 9, 1)
	items := []saima.ListItem{
		{List: "重大需求", ID: "NB-1", Unit: "市财政局", Issued: &issued, Deadline: saima.NewDate(2026, 9, 30), Exit: &exit},
		{List: "重大需求", ID: "NB-2", Unit: "市财政局", Issued: &issued, Deadline: saima.NewDate(2026, 9, 30), Exit: &exit},
		{List: "重大需求", ID: "NB-3", Unit: "市财政局", Issued: &issued, Deadline: saima.NewDate(2026, 8, 31), Exit: &exit},
	}
	text := "清单名称,事项编号,责任单位,完成日期\n" +
		"重大需求,NB-1,市财政局,2026-09-10\n" + // after the exit, due after it
		"重大需求,NB-2,市财政局,2026-09-01\n" + // on the exit day
		"重大需求,NB-3,市财政局,2026-09-10\n" // due before the exit, so still owed and done late
	res := parseText(t, "done.csv", text, Options{ListItems: items})
	want := []string{
		"done.csv 第2行“完成日期”列的值“2026-09-10”晚于项目NB-1的退出日期2026-09-01，该事项已因退出终止，不能再标注完成，" +
			"如果事项在项目退出之前已经完成，请填写退出前的实际完成日期；否则无需标注",
	}
	if got := issueStrings(res.Errors); !equalStrings(got, want) {
		t.Errorf("errors =\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}

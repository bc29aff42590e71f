package ingest

import (
	"slices"
	"strings"
	"testing"

	"saima"
)

// ownerLedger returns options whose stored records of every dataset with
// an owning unit belong to 余姚市, apart from the milestone 联调 of its
// project NB-2026-200, which the office gave 宁海县. 宁海县 leads
// NB-2026-202, for which 余姚市 is responsible.
func ownerLedger(unit string) Options {
	return Options{
		Unit: unit,
		// Reports count as received on their 报送日期, so that the
		// upload day of the tests makes none late.
		ReceivedAsStated: true,
		Projects: []saima.Project{
			{Code: "NB-2026-200", Name: "浙里办接入", Unit: "余姚市"},
			{Code: "NB-2026-202", Name: "城市大脑", Unit: "余姚市", LeadUnit: "宁海县", LeaderLed: true},
		},
		Problems:      []saima.ProblemItem{{ID: "WT-7", Unit: "余姚市"}, {ID: "WT-9", Unit: "余姚市"}},
		ListItems:     []saima.ListItem{{List: "重大需求", ID: "A1", Unit: "余姚市"}},
		LeaderReports: []saima.LeaderReport{{ProjectCode: "NB-2026-202", Half: saima.HalfYear{Year: 2026, Half: 1}, Unit: "余姚市"}},
		Milestones: []saima.Milestone{
			{ProjectCode: "NB-2026-202", Name: "上线", Unit: "余姚市"},
			{ProjectCode: "NB-2026-200", Name: "联调", Unit: "宁海县"},
		},
	}
}

// Files that give a stored record of 余姚市 to 宁海县, one per dataset.
const (
	takeProject    = "项目编号,项目名称,责任单位\nNB-2026-200,浙里办接入,宁海县\n"
	takeProblem    = "问题编号,单位,发现日期\nWT-7,宁海县,2026-09-01\n"
	takeLeader     = "项目编号,半年度,牵头单位,成果,报送日期\nNB-2026-202,2026上半年,宁海县,上线,2026-07-08\n"
	takeListItem   = "清单名称,事项编号,事项名称,责任单位,完成时限\n重大需求,A1,数据共享,宁海县,2026-12-31\n"
	takeListDone   = "清单名称,事项编号,责任单位,完成日期\n重大需求,A1,宁海县,2026-10-01\n"
	takeMilestone  = "项目编号,里程碑,计划完成日期,责任单位\nNB-2026-202,上线,2026-12-31,宁海县\n"
	blankMilestone = "项目编号,里程碑,计划完成日期,责任单位\nNB-2026-200,联调,2026-12-31,\n"
)

// A unit's account may not give a stored record of another unit to
// itself: the row is an error that counts as not its own, naming the
// owner and what to do.
func TestOwnerUnitTakesOver(t *testing.T) {
	tests := []struct {
		name, text string
		want       string
	}{
		{"problem", takeProblem,
			"o.csv 第2行“问题编号”列的值“WT-7”在问题清单中属于“余姚市”，单位账号不能把其他单位的问题改到本单位（宁海县）名下" +
				"，如果该问题确应改由本单位负责，请联系改革办调整；如果问题编号填错了，请改正后重新上传"},
		{"leader report", takeLeader,
			"o.csv 第2行“项目编号”列的值“NB-2026-202”的2026年上半年报告属于“余姚市”，单位账号不能把其他单位的半年报告改到本单位（宁海县）名下" +
				"，如果该半年报告确应改由本单位负责，请联系改革办调整；如果项目编号或半年度填错了，请改正后重新上传"},
		{"list done mark", takeListDone,
			"o.csv 第2行“事项编号”列的值“A1”在“重大需求”清单中属于“余姚市”，单位账号只能标注本单位（宁海县）的事项" +
				"，如果该事项已改由本单位负责，请联系改革办调整清单事项；如果清单名称或事项编号填错了，请改正后重新上传"},
		{"milestone", takeMilestone,
			"o.csv 第2行“里程碑”列的值“上线”在项目“NB-2026-202”中已是“余姚市”的里程碑，单位账号不能改写其他单位的里程碑" +
				"，请改用本单位自己的里程碑名称，或由“余姚市”或改革办修改该里程碑"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res := parseText(t, "o.csv", tt.text, ownerLedger("宁海县"))
			if got := issueStrings(res.Errors); !slices.Equal(got, []string{tt.want}) {
				t.Errorf("errors =\n%s\nwant\n%s", strings.Join(got, "\n"), tt.want)
			}
			if res.NotOwn != 1 || !slices.Equal(res.OtherUnits, []string{"余姚市"}) {
				t.Errorf("NotOwn = %d, OtherUnits = %q, want 1 row of 余姚市", res.NotOwn, res.OtherUnits)
			}
		})
	}
}

// The owner itself, and a unit with a key that no stored record has,
// upload as before.
func TestOwnerUnitOwnRecords(t *testing.T) {
	tests := []struct{ name, unit, text string }{
		{"owner's problem", "余姚市", strings.ReplaceAll(takeProblem, "宁海县", "余姚市")},
		{"owner's leader report", "余姚市", strings.ReplaceAll(takeLeader, "宁海县", "余姚市")},
		{"new problem", "宁海县", strings.ReplaceAll(takeProblem, "WT-7", "WT-8")},
		// Sent in time for 2025H2, so that no late-report warning comes.
		{"another half year", "宁海县", strings.NewReplacer("2026上半年", "2025下半年", "2026-07-08", "2026-01-08").
			Replace(takeLeader)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res := parseText(t, "o.csv", tt.text, ownerLedger(tt.unit))
			requireNoErrors(t, res)
			if len(res.Warnings) != 0 {
				t.Errorf("warnings = %q, want none", issueStrings(res.Warnings))
			}
		})
	}
}

// The office moves a stored record to another unit with a warning that
// names both units.
func TestOwnerOfficeMoves(t *testing.T) {
	tests := []struct {
		name, text string
		want       string
	}{
		{"project", takeProject,
			"o.csv 第2行“项目编号”列的值“NB-2026-200”在项目台账中属于“余姚市”，导入后改属“宁海县”（余姚市 → 宁海县）" +
				"，如果不是要调整单位，请核对项目编号和责任单位后重新上传"},
		{"problem", takeProblem,
			"o.csv 第2行“问题编号”列的值“WT-7”在问题清单中属于“余姚市”，导入后改属“宁海县”（余姚市 → 宁海县）" +
				"，如果不是要调整单位，请核对问题编号和单位后重新上传"},
		{"leader report", takeLeader,
			"o.csv 第2行“项目编号”列的值“NB-2026-202”的2026年上半年报告属于“余姚市”，导入后改属“宁海县”（余姚市 → 宁海县）" +
				"，如果不是要调整单位，请核对项目编号、半年度和牵头单位后重新上传"},
		{"list item", takeListItem,
			"o.csv 第2行“事项编号”列的值“A1”在“重大需求”清单中属于“余姚市”，导入后改属“宁海县”（余姚市 → 宁海县）" +
				"，如果不是要调整单位，请核对清单名称、事项编号和责任单位后重新上传"},
		{"milestone", takeMilestone,
			"o.csv 第2行“里程碑”列的值“上线”在项目“NB-2026-202”中属于“余姚市”，导入后改属“宁海县”（余姚市 → 宁海县）" +
				"，如果不是要调整单位，请核对项目编号、里程碑和责任单位后重新上传"},
		{"milestone without a unit", blankMilestone,
			"o.csv 第2行“里程碑”列的值“联调”在项目“NB-2026-200”中属于“宁海县”，导入后改属“余姚市”（宁海县 → 余姚市）" +
				"，如果不是要调整单位，请核对项目编号、里程碑和责任单位后重新上传"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res := parseText(t, "o.csv", tt.text, ownerLedger(""))
			requireNoErrors(t, res)
			if got := issueStrings(res.Warnings); !slices.Equal(got, []string{tt.want}) {
				t.Errorf("warnings =\n%s\nwant\n%s", strings.Join(got, "\n"), tt.want)
			}
		})
	}
}

// A unit's account that sends an office-only dataset gets no row errors
// for owners: the import service rejects the whole file with its reason.
func TestOwnerUnitOfficeOnlyDataset(t *testing.T) {
	otherUnits := "项目编号,项目名称,责任单位\nNB-2026-300,新项目,余姚市\nNB-2026-301,新项目,余姚\n"
	for name, text := range map[string]string{"list item": takeListItem, "project": takeProject, "other units": otherUnits} {
		t.Run(name, func(t *testing.T) {
			res := parseText(t, "o.csv", text, ownerLedger("宁海县"))
			requireNoErrors(t, res)
			if res.NotOwn != 0 {
				t.Errorf("NotOwn = %d, want 0", res.NotOwn)
			}
		})
	}
}

// Every row that takes over a record is listed, together with the file's
// other errors.
func TestOwnerErrorsWithOthers(t *testing.T) {
	text := "问题编号,单位,发现日期,办结日期\n" +
		"WT-7,宁海县,2026-09-01,\n" +
		"WT-8,宁海县,2026-09-01,2026-08-01\n" +
		"WT-9,宁海县,2026-09-01,\n"
	res := parseText(t, "o.csv", text, ownerLedger("宁海县"))
	var rows []int
	for _, is := range res.Errors {
		rows = append(rows, is.Row)
	}
	if !slices.Equal(rows, []int{2, 3, 4}) {
		t.Errorf("error rows = %v, want [2 3 4]: %q", rows, issueStrings(res.Errors))
	}
	if res.NotOwn != 2 {
		t.Errorf("NotOwn = %d, want 2", res.NotOwn)
	}
}

// projectLedger returns options for a unit's account (or the office when
// unit is "") over three projects. 宁波市（本级） alone runs NB-1. 余姚市
// is responsible for NB-2 and 市大数据局 leads it. NB-1 holds a report
// and a milestone that 余姚市 wrote before the ledger check existed. NB-2
// holds a milestone of each of its units, and one that the office gave
// to 宁海县, a unit that the ledger does not give NB-2.
func projectLedger(unit string) Options {
	h1 := saima.HalfYear{Year: 2026, Half: 1}
	return Options{
		Unit:             unit,
		ReceivedAsStated: true, // as in ownerLedger
		Projects: []saima.Project{
			{Code: "NB-1", Name: "城市大脑", Unit: "宁波市（本级）", LeadUnit: "宁波市（本级）", LeaderLed: true, Leader: "刘志刚"},
			{Code: "NB-2", Name: "数据共享", Unit: "余姚市", LeadUnit: "市大数据局", LeaderLed: true},
			{Code: "NB-3", Name: "浙里办", Unit: "宁海县"},
			{Code: "NB-4", Name: "一网通办", Unit: "余姚市", Partners: []string{"宁海县"}},
		},
		LeaderReports: []saima.LeaderReport{{ProjectCode: "NB-1", Half: h1, Unit: "余姚市"}},
		Milestones: []saima.Milestone{
			{ProjectCode: "NB-1", Name: "上线", Unit: "余姚市"},
			{ProjectCode: "NB-2", Name: "联调", Unit: "市大数据局"},
			{ProjectCode: "NB-2", Name: "验收", Unit: "余姚市"},
			{ProjectCode: "NB-2", Name: "对接", Unit: "宁海县"},
			{ProjectCode: "NB-4", Name: "接口", Unit: "宁海县"},
			{ProjectCode: "NB-4", Name: "试点", Unit: "余姚市"},
		},
		Problems: []saima.ProblemItem{},
	}
}

const (
	reportHeader    = "项目编号,半年度,牵头单位,成果,报送日期\n"
	milestoneHeader = "项目编号,里程碑,计划完成日期,责任单位\n"
	problemHeader   = "问题编号,单位,项目编号,发现日期\n"
)

// A unit writes half-year reports, milestones and problems only on the
// projects that the ledger gives it as 责任单位 or 牵头单位. Another unit's
// project is an error on the row that counts as not its own (403).
func TestOwnerProjectOfAnotherUnit(t *testing.T) {
	tests := []struct {
		name, unit, text string
		want             string
		owner            string // the unit that OtherUnits names
	}{
		{"leader report", "余姚市", reportHeader + "NB-1,2026下半年,余姚市,已全部完成,2026-10-10\n",
			"o.csv 第2行“项目编号”列的值“NB-1”在项目台账中是“宁波市（本级）”的项目“城市大脑”，" +
				"单位账号只能报送本单位（余姚市）负责或牵头的项目的半年报告，" +
				"请核对项目编号；该项目的半年报告由“宁波市（本级）”或改革办上传", "宁波市（本级）"},
		{"leader report of a shared project", "宁海县", reportHeader + "NB-2,2026下半年,宁海县,已全部完成,2026-10-10\n",
			"o.csv 第2行“项目编号”列的值“NB-2”在项目台账中是“余姚市”负责、“市大数据局”牵头的项目“数据共享”，" +
				"单位账号只能报送本单位（宁海县）负责或牵头的项目的半年报告，" +
				"请核对项目编号；该项目的半年报告由“余姚市”“市大数据局”或改革办上传", "余姚市"},
		{"milestone", "宁海县", milestoneHeader + "NB-1,三期上线,2026-12-31,宁海县\n",
			"o.csv 第2行“项目编号”列的值“NB-1”在项目台账中是“宁波市（本级）”的项目“城市大脑”，" +
				"单位账号只能上传本单位（宁海县）负责、牵头或协同的项目的里程碑，" +
				"请删除这一行；如果本单位承担该项目的里程碑，请改革办在项目台账的“协同单位”列加上本单位，或由改革办上传", "宁波市（本级）"},
		{"milestone without a unit", "宁海县", milestoneHeader + "NB-1,三期上线,2026-12-31,\n",
			"o.csv 第2行“项目编号”列的值“NB-1”在项目台账中是“宁波市（本级）”的项目“城市大脑”，" +
				"单位账号只能上传本单位（宁海县）负责、牵头或协同的项目的里程碑，" +
				"请删除这一行；如果本单位承担该项目的里程碑，请改革办在项目台账的“协同单位”列加上本单位，或由改革办上传", "宁波市（本级）"},
		{"problem", "宁海县", problemHeader + "WT-9,宁海县,NB-1,2026-09-01\n",
			"o.csv 第2行“项目编号”列的值“NB-1”在项目台账中是“宁波市（本级）”的项目“城市大脑”，不是本行单位“宁海县”的项目，" +
				"请核对单位和项目编号；如果本单位确实承担该项目，请联系改革办在项目台账中登记后再上传", "宁波市（本级）"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res := parseText(t, "o.csv", tt.text, projectLedger(tt.unit))
			if got := issueStrings(res.Errors); !slices.Equal(got, []string{tt.want}) {
				t.Errorf("errors =\n%s\nwant\n%s", strings.Join(got, "\n"), tt.want)
			}
			if res.NotOwn != 1 || !slices.Equal(res.OtherUnits, []string{tt.owner}) {
				t.Errorf("NotOwn = %d, OtherUnits = %q, want 1 row of %s", res.NotOwn, res.OtherUnits, tt.owner)
			}
		})
	}
}

// The office may not file a half-year report under a unit that the
// ledger does not give the project: the report would show as that
// unit's and lock the project's own units out of it.
func TestOwnerOfficeLeaderReportUnit(t *testing.T) {
	res := parseText(t, "o.csv", reportHeader+"NB-1,2026下半年,余姚市,已全部完成,2026-10-10\n", projectLedger(""))
	want := "o.csv 第2行“牵头单位”列的值“余姚市”与项目台账不符，项目“NB-1”（城市大脑）是“宁波市（本级）”的项目，" +
		"半年报告的牵头单位须是该项目的责任单位或牵头单位，" +
		"请改为“宁波市（本级）”；如果该项目已改由“余姚市”负责或牵头，请先在项目台账中修改"
	if got := issueStrings(res.Errors); !slices.Equal(got, []string{want}) {
		t.Errorf("errors =\n%s\nwant\n%s", strings.Join(got, "\n"), want)
	}
}

// The office gets the progress warning for a problem on another unit's
// project, and imports it.
func TestOwnerOfficeProblemProject(t *testing.T) {
	res := parseText(t, "o.csv", problemHeader+"WT-9,宁海县,NB-1,2026-09-01\n", projectLedger(""))
	requireNoErrors(t, res)
	want := "o.csv 第2行“项目编号”列的值“NB-1”在项目台账中是“宁波市（本级）”的项目“城市大脑”，不是本行单位“宁海县”的项目，" +
		"请核对单位和项目编号；如果该单位确实承担该项目，请先在项目台账中把责任单位改为该单位"
	if got := issueStrings(res.Warnings); !slices.Equal(got, []string{want}) {
		t.Errorf("warnings =\n%s\nwant\n%s", strings.Join(got, "\n"), want)
	}
}

// A unit that the ledger gives the project, as 责任单位 or 牵头单位, writes
// on it. It replaces, with a warning, a record that a unit the ledger does
// not give the project wrote, but not a record of the project's other
// unit.
func TestOwnerProjectUnits(t *testing.T) {
	tests := []struct {
		name, unit, text string
		errors, warnings []string
	}{
		{name: "lead unit's report", unit: "市大数据局", text: reportHeader + "NB-2,2026上半年,市大数据局,上线,2026-07-08\n"},
		{name: "responsible unit's report", unit: "余姚市", text: reportHeader + "NB-2,2026上半年,余姚市,上线,2026-07-08\n"},
		{name: "lead unit's milestone", unit: "市大数据局", text: milestoneHeader + "NB-2,数据归集,2026-12-31,市大数据局\n"},
		{name: "own problem", unit: "宁海县", text: problemHeader + "WT-9,宁海县,NB-3,2026-09-01\nWT-10,宁海县,,2026-09-01\n"},
		{name: "report over an intruder's", unit: "宁波市（本级）",
			text: reportHeader + "NB-1,2026上半年,宁波市（本级）,上线,2026-07-08\n",
			warnings: []string{"o.csv 第2行“项目编号”列的值“NB-1”的2026年上半年报告属于“余姚市”，而“余姚市”不是该项目在项目台账中的责任单位或牵头单位，" +
				"导入后改属“宁波市（本级）”（余姚市 → 宁波市（本级）），如果不是要替换该半年报告，请核对项目编号和半年度后重新上传"}},
		{name: "milestone over an intruder's", unit: "宁波市（本级）",
			text: milestoneHeader + "NB-1,上线,2026-12-31,\n",
			warnings: []string{"o.csv 第2行“里程碑”列的值“上线”在项目“NB-1”中属于“余姚市”，而“余姚市”不是该项目在项目台账中的责任单位或牵头单位，" +
				"导入后改属“宁波市（本级）”（余姚市 → 宁波市（本级）），如果不是要替换该里程碑，请核对项目编号和里程碑后重新上传"}},
		{name: "milestone over a cooperating unit's", unit: "余姚市",
			text: milestoneHeader + "NB-2,对接,2026-12-31,余姚市\n",
			warnings: []string{"o.csv 第2行“里程碑”列的值“对接”在项目“NB-2”中属于“宁海县”，而“宁海县”不是该项目在项目台账中的责任单位或牵头单位，" +
				"导入后改属“余姚市”（宁海县 → 余姚市），如果不是要替换该里程碑，请核对项目编号和里程碑后重新上传"}},
		{name: "cooperating unit's milestone", unit: "宁海县", text: milestoneHeader + "NB-4,接口,2026-12-31,宁海县\n"},
		{name: "cooperating unit's milestone without a unit", unit: "宁海县",
			text: milestoneHeader + "NB-4,联调测试,2026-12-31,\n",
			errors: []string{"o.csv 第2行“项目编号”列的值“NB-4”在项目台账中属于“余姚市”，而本行没有填写责任单位，" +
				"单位账号只能上传本单位（宁海县）项目的里程碑，如果这是本单位承担的里程碑，请在“责任单位”列填写本单位；" +
				"否则请删除这一行，该项目的里程碑由“余姚市”或改革办上传"}},
		{name: "cooperating unit over the project unit's", unit: "宁海县",
			text: milestoneHeader + "NB-4,试点,2026-12-31,宁海县\n",
			errors: []string{"o.csv 第2行“里程碑”列的值“试点”在项目“NB-4”中已是“余姚市”的里程碑，单位账号不能改写其他单位的里程碑" +
				"，请改用本单位自己的里程碑名称，或由“余姚市”或改革办修改该里程碑"}},
		{name: "project unit over the cooperating unit's", unit: "余姚市",
			text: milestoneHeader + "NB-4,接口,2026-12-31,余姚市\n",
			errors: []string{"o.csv 第2行“里程碑”列的值“接口”在项目“NB-4”中已是“宁海县”的里程碑，单位账号不能改写其他单位的里程碑" +
				"，请改用本单位自己的里程碑名称，或由“宁海县”或改革办修改该里程碑"}},
		{name: "milestone of the other project unit", unit: "余姚市",
			text: milestoneHeader + "NB-2,联调,2026-12-31,余姚市\n",
			errors: []string{"o.csv 第2行“里程碑”列的值“联调”在项目“NB-2”中已是“市大数据局”的里程碑，单位账号不能改写其他单位的里程碑" +
				"，请改用本单位自己的里程碑名称，或由“市大数据局”或改革办修改该里程碑"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res := parseText(t, "o.csv", tt.text, projectLedger(tt.unit))
			if got := issueStrings(res.Errors); !slices.Equal(got, tt.errors) {
				t.Errorf("errors =\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(tt.errors, "\n"))
			}
			if got := issueStrings(res.Warnings); !slices.Equal(got, tt.warnings) {
				t.Errorf("warnings =\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(tt.warnings, "\n"))
			}
		})
	}
}

package ingest

import (
	"slices"
	"strings"
	"testing"

	"saima"
)

// ownerLedger returns options whose stored records of every dataset with
// an owning unit belong to 余姚市, apart from the milestone 联调 of its
// project NB-2026-200, which 宁海县 runs.
func ownerLedger(unit string) Options {
	return Options{
		Unit: unit,
		Projects: []saima.Project{
			{Code: "NB-2026-200", Name: "浙里办接入", Unit: "余姚市"},
			{Code: "NB-2026-202", Name: "城市大脑", Unit: "余姚市", LeadUnit: "余姚市", LeaderLed: true},
		},
		Problems:      []saima.ProblemItem{{ID: "WT-7", Unit: "余姚市"}},
		ListItems:     []saima.ListItem{{List: "重大需求", ID: "A1", Unit: "余姚市"}},
		LeaderReports: []saima.LeaderReport{{ProjectCode: "NB-2026-202", Half: saima.HalfYear{Year: 2026, Half: 1}, Unit: "余姚市"}},
		Milestones: []saima.Milestone{
			{ProjectCode: "NB-2026-200", Name: "上线", Unit: "余姚市"},
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
	takeMilestone  = "项目编号,里程碑,计划完成日期,责任单位\nNB-2026-200,上线,2026-12-31,宁海县\n"
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
		{"project", takeProject,
			"o.csv 第2行“项目编号”列的值“NB-2026-200”在项目台账中属于“余姚市”，单位账号不能把其他单位的项目改到本单位（宁海县）名下" +
				"，如果该项目确应改由本单位负责，请联系改革办调整；如果项目编号填错了，请改正后重新上传"},
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
			"o.csv 第2行“里程碑”列的值“上线”在项目“NB-2026-200”中已是“余姚市”的里程碑，单位账号不能改写其他单位的里程碑" +
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
		{"owner's project", "余姚市", strings.ReplaceAll(takeProject, "宁海县", "余姚市")},
		{"owner's problem", "余姚市", strings.ReplaceAll(takeProblem, "宁海县", "余姚市")},
		{"owner's leader report", "余姚市", strings.ReplaceAll(takeLeader, "宁海县", "余姚市")},
		{"new project", "宁海县", strings.ReplaceAll(takeProject, "NB-2026-200", "NB-2026-300")},
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
			"o.csv 第2行“里程碑”列的值“上线”在项目“NB-2026-200”中属于“余姚市”，导入后改属“宁海县”（余姚市 → 宁海县）" +
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
	res := parseText(t, "o.csv", takeListItem, ownerLedger("宁海县"))
	requireNoErrors(t, res)
	if res.NotOwn != 0 {
		t.Errorf("NotOwn = %d, want 0", res.NotOwn)
	}
}

// Every row that takes over a record is listed, together with the file's
// other errors.
func TestOwnerErrorsWithOthers(t *testing.T) {
	text := "项目编号,项目名称,责任单位,开始日期,计划完成日期\n" +
		"NB-2026-200,浙里办接入,宁海县,,\n" +
		"NB-2026-300,新项目,宁海县,2026-09-01,2026-01-01\n" +
		"NB-2026-202,城市大脑,宁海县,,\n"
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

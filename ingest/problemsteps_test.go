package ingest

import (
	"strings"
	"testing"

	"saima"
)

// step returns a step of problem P1 on day, at level 1 unless it is an
// escalation to level.
func step(kind, day string, level int) saima.ProblemStep {
	d, err := saima.ParseDate(day)
	if err != nil {
		panic(err)
	}
	return saima.ProblemStep{ProblemID: "P1", Step: kind, Level: max(level, 1), Date: d}
}

// numberedSteps gives the steps rows 2, 3, … as a file read after its
// header.
func numberedSteps(steps ...saima.ProblemStep) []saima.ProblemStep {
	for i := range steps {
		steps[i].Row = i + 2
	}
	return steps
}

func TestCheckProblemSteps(t *testing.T) {
	found, err := saima.ParseDate("2026-10-01")
	if err != nil {
		t.Fatal(err)
	}
	closed, err := saima.ParseDate("2026-11-10")
	if err != nil {
		t.Fatal(err)
	}
	// P1's list leaves 环节 empty and names the top level, so that no case
	// here runs ahead of the list (see TestCheckProblemStepsAheadOfList).
	problems := []saima.ProblemItem{{ID: "P1", Opened: found, Level: 3},
		{ID: "P2", Opened: found, Stage: "已办结", Closed: &closed}}
	collected := []saima.ProblemStep{step("收集", "2026-10-01", 0), step("梳理归类", "2026-10-03", 0)}
	staleCollected := []saima.ProblemStep{step("收集", "2026-10-01", 2)}
	staleCollected[0].StaleLevels = []int{1}
	closedSteps := func(steps ...saima.ProblemStep) []saima.ProblemStep {
		for i := range steps {
			steps[i].ProblemID = "P2"
		}
		return numberedSteps(steps...)
	}
	tests := []struct {
		name               string
		existing, incoming []saima.ProblemStep
		want               []string // the issues' texts, each as a prefix
	}{
		{"OK", collected, numberedSteps(step("分析研判", "2026-10-03", 0),
			step(saima.StepEscalate, "2026-10-04", 2), step("分办落实", "2026-10-05", 0)), nil},
		{"OKSkippedStages", nil, numberedSteps(step("收集", "2026-10-01", 0), step("已办结", "2026-10-09", 0)), nil},
		{"ErrDoneBeforeCollected", nil, numberedSteps(step("收集", "2026-10-05", 0), step("已办结", "2026-10-04", 0)),
			[]string{"第3行“日期”列的值“2026-10-04”：问题P1的已办结早于收集的日期2026-10-05，问题闭环须按收集 → 梳理归类 → 分析研判 → 分办落实 → 已办结的顺序办理"}},
		{"OKEscalationOnCollectedDay", collected, numberedSteps(step(saima.StepEscalate, "2026-10-01", 2)), nil},
		{"ErrEscalationBeforeCollected", nil, numberedSteps(step("收集", "2026-10-05", 0),
			step(saima.StepEscalate, "2026-10-03", 2)),
			[]string{"第3行“日期”列的值“2026-10-03”：问题P1的升级至改革办早于收集的日期2026-10-05，升级须在收集之后、已办结之前"}},
		{"ErrEscalationAfterDone", collected, numberedSteps(step("已办结", "2026-10-05", 0),
			step(saima.StepEscalate, "2026-10-06", 2)),
			[]string{"第2行“日期”列的值“2026-10-05”：问题P1的已办结早于升级至改革办的日期2026-10-06，升级须在收集之后、已办结之前"}},
		{"ErrStoredDoneBeforeEscalation", append(collected, step("已办结", "2026-10-05", 0)),
			numberedSteps(step(saima.StepEscalate, "2026-10-06", 2)),
			[]string{"第2行“日期”列的值“2026-10-06”：已登记的问题P1的已办结（2026-10-05）早于本行升级至改革办的日期2026-10-06，升级须在收集之后、已办结之前"}},
		{"ErrBeforeFound", nil, numberedSteps(step("收集", "2026-09-30", 0)),
			[]string{"第2行“日期”列的值“2026-09-30”：问题P1的收集早于问题清单中的发现日期2026-10-01"}},
		{"OKOnClosedDay", nil, closedSteps(step("收集", "2026-10-01", 0), step("已办结", "2026-11-10", 0)), nil},
		{"ErrAfterClosed", nil, closedSteps(step("收集", "2026-10-01", 0),
			step(saima.StepEscalate, "2026-11-25", 2), step("分办落实", "2026-11-28", 0)),
			[]string{
				"第3行“日期”列的值“2026-11-25”：问题P2的升级至改革办晚于问题清单中的办结日期2026-11-10，环节不能晚于问题办结，请核对日期；如果办结日期有误，请先更正问题清单",
				"第4行“日期”列的值“2026-11-28”：问题P2的分办落实晚于问题清单中的办结日期2026-11-10",
			}},
		// Row 3, 已办结, is dated before row 4, but row 4 is wrong on its own,
		// so only row 4 is reported.
		{"ErrNotAgainstStepAfterClosed", nil, closedSteps(step("收集", "2026-10-01", 0),
			step("已办结", "2026-11-10", 0), step("分办落实", "2026-11-20", 0)),
			[]string{"第4行“日期”列的值“2026-11-20”：问题P2的分办落实晚于问题清单中的办结日期2026-11-10"}},
		{"ErrNotAgainstEscalationToLeadUnit", collected, numberedSteps(step("已办结", "2026-10-10", 0),
			step(saima.StepEscalate, "2026-10-12", 1)),
			[]string{"第3行“层级”列的值“1”：问题P1的升级至牵头单位不是升级"}},
		{"ErrStoredStageAtOtherLevel", collected, numberedSteps(step("收集", "2026-10-02", 2)),
			[]string{"第2行“环节”列的值“收集”：问题P1的收集已以层级牵头单位登记为2026-10-01，每个问题的每个环节只记录一次，不分层级，" +
				"如需更正日期，请把层级改为牵头单位（与已登记的相同）后重新上传"}},
		{"ErrFileStageAtTwoLevels", nil, numberedSteps(step("收集", "2026-10-01", 0), step("收集", "2026-10-02", 2)),
			[]string{"第3行“环节”列的值“收集”：问题P1的收集已在第2行以层级牵头单位填写（2026-10-01），每个问题的每个环节只记录一次"}},
		// 收集 stored at 改革办, with a stale copy at 牵头单位: a row at
		// either level replaces both, but the file may hold only one.
		{"ErrFileStaleCopiesBothCorrected", staleCollected, numberedSteps(step("收集", "2026-10-02", 2),
			step("收集", "2026-10-02", 0)),
			[]string{"第2行“环节”列的值“收集”：问题P1的收集已以层级改革办、牵头单位各登记一次（问题闭环页面显示层级改革办的2026-10-01），本行将替换这2条记录",
				"第3行“环节”列的值“收集”：问题P1的收集已在第2行以层级改革办填写（2026-10-02）"}},
		{"ErrFileStaleCopiesCorrectedFromStaleLevel", staleCollected, numberedSteps(step("收集", "2026-10-02", 0),
			step("收集", "2026-10-02", 2)),
			[]string{"第2行“环节”列的值“收集”：问题P1的收集已以层级改革办、牵头单位各登记一次",
				"第3行“环节”列的值“收集”：问题P1的收集已在第2行以层级牵头单位填写（2026-10-02）"}},
		{"OKEscalationsAtTwoLevels", collected, numberedSteps(step(saima.StepEscalate, "2026-10-04", 2),
			step(saima.StepEscalate, "2026-10-05", 3)), nil},
		{"WarnUnknownProblem", nil, numberedSteps(saima.ProblemStep{ProblemID: "P9", Step: "收集", Level: 1, Date: found}),
			[]string{"第2行“问题编号”列的值“P9”问题清单中没有这个问题"}},
		// The steps sort by key with 已办结 first, but the warning names the
		// file's first row.
		{"WarnUnknownProblemFirstRow", nil, numberedSteps(
			saima.ProblemStep{ProblemID: "P9", Step: "收集", Level: 1, Date: found},
			saima.ProblemStep{ProblemID: "P9", Step: "梳理归类", Level: 1, Date: found},
			saima.ProblemStep{ProblemID: "P9", Step: "分析研判", Level: 1, Date: found},
			saima.ProblemStep{ProblemID: "P9", Step: "已办结", Level: 1, Date: found}),
			[]string{"第2行“问题编号”列的值“P9”问题清单中没有这个问题"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			issues := CheckProblemSteps(problems, tt.existing, tt.incoming)
			if len(issues) != len(tt.want) {
				t.Fatalf("CheckProblemSteps() = %q, want %d issues", issues, len(tt.want))
			}
			for i, w := range tt.want {
				if got := issues[i].String(); !strings.HasPrefix(got, w) {
					t.Errorf("issue %d = %q, want it to start with %q", i, got, w)
				}
			}
		})
	}
}

func TestCheckProblemStepsEscalation(t *testing.T) {
	found, err := saima.ParseDate("2026-10-01")
	if err != nil {
		t.Fatal(err)
	}
	problems := []saima.ProblemItem{{ID: "P1", Opened: found, Stage: "分析研判", Level: 3}}
	collected := []saima.ProblemStep{step("收集", "2026-10-01", 0)}
	tests := []struct {
		name               string
		existing, incoming []saima.ProblemStep
		want               []string // the issues' texts, each as a prefix
	}{
		{"OK", collected, numberedSteps(step(saima.StepEscalate, "2026-10-12", 3),
			step(saima.StepEscalate, "2026-10-11", 2)), nil},
		{"OKSkippedLevel", collected, numberedSteps(step(saima.StepEscalate, "2026-10-12", 3)), nil},
		{"ErrLowered", collected, numberedSteps(step(saima.StepEscalate, "2026-10-12", 2),
			step(saima.StepEscalate, "2026-10-11", 3)),
			[]string{"第2行“层级”列的值“2”：问题P1的升级至改革办在2026-10-11升级至市领导之后，升级只能提高层级"}},
		{"ErrToLeadUnitAfterEscalation", append(collected, step(saima.StepEscalate, "2026-10-11", 2)),
			numberedSteps(step(saima.StepEscalate, "2026-10-12", 1)),
			[]string{"第2行“层级”列的值“1”：问题P1的升级至牵头单位不是升级，问题从牵头单位开始办理"}},
		{"ErrLoweredAfterStored", append(collected, step(saima.StepEscalate, "2026-10-11", 3)),
			numberedSteps(step(saima.StepEscalate, "2026-10-12", 2)),
			[]string{"第2行“层级”列的值“2”：问题P1的升级至改革办在2026-10-11升级至市领导之后，升级只能提高层级"}},
		{"ErrStoredLowerLater", append(collected, step(saima.StepEscalate, "2026-10-12", 2)),
			numberedSteps(step(saima.StepEscalate, "2026-10-11", 3)),
			[]string{"第2行“层级”列的值“3”：已登记的问题P1的升级至改革办（2026-10-12）在本行升级至市领导之后，升级只能提高层级"}},
		{"ErrToLeadUnit", collected, numberedSteps(step(saima.StepEscalate, "2026-10-12", 1)),
			[]string{"第2行“层级”列的值“1”：问题P1的升级至牵头单位不是升级，问题从牵头单位开始办理"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			issues := CheckProblemSteps(problems, tt.existing, tt.incoming)
			if len(issues) != len(tt.want) {
				t.Fatalf("CheckProblemSteps() = %q, want %d issues", issues, len(tt.want))
			}
			for i, w := range tt.want {
				if got := issues[i].String(); !strings.HasPrefix(got, w) {
					t.Errorf("issue %d = %q, want it to start with %q", i, got, w)
				}
			}
		})
	}
}

func TestCheckProblemStepsAheadOfList(t *testing.T) {
	found, err := saima.ParseDate("2026-10-01")
	if err != nil {
		t.Fatal(err)
	}
	open := saima.ProblemItem{ID: "P1", Opened: found, Stage: "分办落实", Level: 1}
	unstaged := saima.ProblemItem{ID: "P1", Opened: found, Level: 2}
	collected := []saima.ProblemStep{step("收集", "2026-10-01", 0), step("分办落实", "2026-10-02", 0)}
	tests := []struct {
		name     string
		list     saima.ProblemItem
		incoming []saima.ProblemStep
		want     []string // the issues' texts, each as a prefix
	}{
		{"OKSameAsList", open, numberedSteps(step("分办落实", "2026-10-02", 0)), nil},
		{"OKListLevelHigher", unstaged, numberedSteps(step(saima.StepEscalate, "2026-10-03", 2)), nil},
		{"WarnEscalationAboveList", open, numberedSteps(step(saima.StepEscalate, "2026-10-03", 2),
			step(saima.StepEscalate, "2026-10-04", 3)),
			[]string{"第3行“层级”列的值“3”：问题P1的升级至市领导高于问题清单中的层级牵头单位，问题清单页、总览和分层级计分仍按牵头单位统计，" +
				"请同时上传问题清单，把问题P1的层级改为市领导"}},
		{"WarnDoneWhileListOpen", open, numberedSteps(step("已办结", "2026-10-05", 0)),
			[]string{"第2行“环节”列的值“已办结”：问题P1的已办结在问题清单中的环节分办落实之后，问题清单页、总览和办结率仍按问题清单的环节分办落实统计，" +
				"请同时上传问题清单，把问题P1的环节改为已办结并填写办结日期"}},
		{"OKStageLeftToSteps", unstaged, numberedSteps(step("已办结", "2026-10-05", 0)), nil},
		{"NoWarningOnRejectedRow", open, numberedSteps(step(saima.StepEscalate, "2026-10-03", 1)),
			[]string{"第2行“层级”列的值“1”：问题P1的升级至牵头单位不是升级"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			issues := CheckProblemSteps([]saima.ProblemItem{tt.list}, collected, tt.incoming)
			if len(issues) != len(tt.want) {
				t.Fatalf("CheckProblemSteps() = %q, want %d issues", issues, len(tt.want))
			}
			for i, w := range tt.want {
				if got := issues[i].String(); !strings.HasPrefix(got, w) {
					t.Errorf("issue %d = %q, want it to start with %q", i, got, w)
				}
			}
		})
	}
}

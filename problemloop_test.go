package saima

import (
	"fmt"
	"testing"
)

func loopDate(s string) Date {
	d, err := ParseDate(s)
	if err != nil {
		panic(err)
	}
	return d
}

func TestBuildProblemLoops(t *testing.T) {
	closed := loopDate("2026-05-30")
	problems := []ProblemItem{
		{ID: "P1", Opened: loopDate("2026-03-01"), Stage: "已办结"},
		{ID: "P2", Opened: loopDate("2026-04-01"), Closed: &closed},
		{ID: "P3", Opened: loopDate("2026-04-01"), Stage: "分析研判"},
	}
	steps := []ProblemStep{
		{ProblemID: "P1", Step: "已办结", Level: 3, Date: loopDate("2026-04-30")},
		{ProblemID: "P1", Step: "收集", Level: 1, Date: loopDate("2026-03-02")},
		{ProblemID: "P1", Step: StepEscalate, Level: 3, Date: loopDate("2026-03-20")},
		{ProblemID: "P9", Step: "收集", Level: 1, Date: loopDate("2026-03-02")},
	}
	loops := BuildProblemLoops(problems, steps)
	if len(loops) != 3 {
		t.Fatalf("BuildProblemLoops() = %d loops, want 3", len(loops))
	}
	tests := []struct {
		name string
		loop ProblemLoop
		want string // level, stage, days to close
	}{
		{"EscalatedAndClosed", loops[0], "3 已办结 59 true"},
		{"ClosedWithoutSteps", loops[1], "1  59 true"},
		{"OpenWithoutSteps", loops[2], "1 分析研判 0 false"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			days, ok := tt.loop.DaysToClose()
			got := fmt.Sprint(tt.loop.Level, " ", tt.loop.Stage(), " ", days, " ", ok)
			if got != tt.want {
				t.Errorf("loop %s = %q, want %q", tt.loop.Problem.ID, got, tt.want)
			}
		})
	}

	stats := LoopStatsByLevel(loops)
	if n := len(stats); n != len(EscalationLevels)+1 {
		t.Fatalf("LoopStatsByLevel() = %d entries, want %d", n, len(EscalationLevels)+1)
	}
	lead, city, total := stats[0], stats[2], stats[len(stats)-1]
	if lead.Problems != 2 || lead.Closed != 1 || lead.MeanDays != 59 || lead.Open != 1 {
		t.Errorf("stats[牵头单位] = %+v, want 2 problems, 1 closed in 59 days", lead)
	}
	if city.Problems != 1 || city.MaxDays != 59 {
		t.Errorf("stats[市领导] = %+v, want 1 problem closed in 59 days", city)
	}
	if total.Problems != 3 || total.Closed != 2 || total.ClosedRate() < 66 || total.ClosedRate() > 67 {
		t.Errorf("stats[合计] = %+v, want 3 problems, 2 closed", total)
	}
}

// Steps stored when the loop had a fourth level, 主要领导, count as the
// top of the three levels.
func TestBuildProblemLoopsFourthLevel(t *testing.T) {
	problems := []ProblemItem{{ID: "P1", Opened: loopDate("2026-03-01"), Stage: "分析研判"}}
	steps := []ProblemStep{
		{ProblemID: "P1", Step: StepEscalate, Level: 2, Date: loopDate("2026-03-10")},
		{ProblemID: "P1", Step: StepEscalate, Level: 4, Date: loopDate("2026-04-10")},
	}
	loop := BuildProblemLoops(problems, steps)[0]
	if loop.Level != 3 {
		t.Errorf("Level = %d, want 3", loop.Level)
	}
	if got := loop.LevelName(); got != "市领导" {
		t.Errorf("LevelName() = %q, want 市领导", got)
	}
	if got := loop.Steps[1].LevelName(); got != "市领导" {
		t.Errorf("Steps[1].LevelName() = %q, want 市领导", got)
	}
	stats := LoopStatsByLevel([]ProblemLoop{loop})
	if top := stats[len(EscalationLevels)-1]; top.Problems != 1 {
		t.Errorf("stats[市领导] = %+v, want 1 problem", top)
	}
}

func TestEscalationLevels(t *testing.T) {
	want := []string{"牵头单位", "改革办", "市领导"}
	if fmt.Sprint(EscalationLevels) != fmt.Sprint(want) {
		t.Errorf("EscalationLevels = %v, want the three levels %v", EscalationLevels, want)
	}
}

// The loop takes the state of a problem from the problem list, as the
// list pages show it: its 环节, whether it is closed, and at least its
// 层级. Steps give the dates.
func TestBuildProblemLoopsFollowsList(t *testing.T) {
	closed := loopDate("2026-10-20")
	problems := []ProblemItem{
		{ID: "OpenOnList", Opened: loopDate("2026-10-01"), Stage: "分办落实", Level: 3},
		{ID: "ClosedOnList", Opened: loopDate("2026-10-01"), Stage: "已办结", Level: 1, Closed: &closed},
		{ID: "ClosedUndated", Opened: loopDate("2026-10-01"), Stage: "已办结", Level: 2},
		{ID: "EscalatedAboveList", Opened: loopDate("2026-10-01"), Stage: "分析研判", Level: 1},
	}
	steps := []ProblemStep{
		{ProblemID: "OpenOnList", Step: "分办落实", Level: 1, Date: loopDate("2026-10-01")},
		{ProblemID: "OpenOnList", Step: "收集", Level: 1, Date: loopDate("2026-10-05")},
		{ProblemID: "OpenOnList", Step: "已办结", Level: 1, Date: loopDate("2026-09-01")},
		{ProblemID: "ClosedOnList", Step: "收集", Level: 1, Date: loopDate("2026-10-02")},
		{ProblemID: "EscalatedAboveList", Step: StepEscalate, Level: 2, Date: loopDate("2026-10-03")},
	}
	loops := BuildProblemLoops(problems, steps)
	tests := []struct {
		loop ProblemLoop
		want string // level, stage, done, days to close
	}{
		{loops[0], "3 分办落实 false 0 false"},
		{loops[1], "1 已办结 true 18 true"},
		{loops[2], "2 已办结 true 0 false"},
		{loops[3], "2 分析研判 false 0 false"},
	}
	for _, tt := range tests {
		t.Run(tt.loop.Problem.ID, func(t *testing.T) {
			days, ok := tt.loop.DaysToClose()
			got := fmt.Sprint(tt.loop.Level, " ", tt.loop.Stage(), " ", tt.loop.Done, " ", days, " ", ok)
			if got != tt.want {
				t.Errorf("loop %s = %q, want %q", tt.loop.Problem.ID, got, tt.want)
			}
		})
	}

	stats := LoopStatsByLevel(loops)
	total := stats[len(stats)-1]
	if total.Problems != 4 || total.Closed != 2 || total.Open != 2 {
		t.Errorf("stats[合计] = %+v, want 4 problems, 2 closed, 2 open", total)
	}
	if total.MeanDays != 18 || total.MaxDays != 18 {
		t.Errorf("stats[合计] days = %v mean, %d max, want 18 from the one dated close", total.MeanDays, total.MaxDays)
	}
	if city := stats[2]; city.Problems != 1 || city.Open != 1 {
		t.Errorf("stats[市领导] = %+v, want the problem the list has at 市领导, open", city)
	}
}

func TestProblemLoopOpenedBy(t *testing.T) {
	problems := []ProblemItem{
		{ID: "P1", Opened: loopDate("2026-11-01"), Stage: "分析研判"},
		{ID: "P2", Opened: loopDate("2026-11-01"), Stage: "分析研判"},
	}
	steps := []ProblemStep{
		{ProblemID: "P1", Step: "收集", Level: 1, Date: loopDate("2026-11-03")},
		{ProblemID: "P2", Step: "梳理归类", Level: 1, Date: loopDate("2026-11-04")},
	}
	loops := BuildProblemLoops(problems, steps)
	tests := []struct {
		name string
		loop ProblemLoop
		want string // Opened and OpenedBy
	}{
		{"Collected", loops[0], "2026-11-03 收集"},
		{"NoCollectedStep", loops[1], "2026-11-01 发现"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := fmt.Sprint(tt.loop.Opened, " ", tt.loop.OpenedBy()); got != tt.want {
				t.Errorf("loop %s opened = %q, want %q", tt.loop.Problem.ID, got, tt.want)
			}
		})
	}
}

// TestBuildProblemLoopsSameDayOrder checks that steps of one day follow
// the loop order, escalations after 分办落实, whatever order they were
// stored in: the demo stored 分析研判 before 梳理归类 on one day.
func TestBuildProblemLoopsSameDayOrder(t *testing.T) {
	day := loopDate("2026-06-16")
	problems := []ProblemItem{{ID: "P1", Opened: loopDate("2026-06-13")}}
	steps := []ProblemStep{
		{ProblemID: "P1", Step: "已办结", Level: 2, Date: day},
		{ProblemID: "P1", Step: StepEscalate, Level: 2, Date: day},
		{ProblemID: "P1", Step: "分办落实", Level: 1, Date: day},
		{ProblemID: "P1", Step: "分析研判", Level: 1, Date: day},
		{ProblemID: "P1", Step: "梳理归类", Level: 1, Date: day},
		{ProblemID: "P1", Step: "收集", Level: 1, Date: loopDate("2026-06-13")},
	}
	loop := BuildProblemLoops(problems, steps)[0]
	var got []string
	for _, st := range loop.Steps {
		got = append(got, st.Step)
	}
	want := []string{"收集", "梳理归类", "分析研判", "分办落实", StepEscalate, "已办结"}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("steps = %v, want %v", got, want)
	}
}

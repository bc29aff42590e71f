package ingest

import (
	"bytes"
	"testing"

	"saima"
)

// stageEvents returns the events of project code for stages, in order,
// each a day after the one before, starting on day.
func stageEvents(code string, day saima.Date, stages ...string) []saima.StageEvent {
	out := make([]saima.StageEvent, len(stages))
	for i, st := range stages {
		out[i] = saima.StageEvent{ProjectCode: code, Stage: st, Date: day.AddDays(i), Round: 1,
			DecidedBy: exampleBodies[st]}
		switch st {
		case saima.StageChange:
			out[i].ChangeItem, out[i].ChangeReason = "建设周期", "需求调整"
		case stageExit:
			out[i].Accountability = "不予问责"
		}
	}
	return out
}

// TestTemplateStageExample checks that the stages example is the next
// stage of a project in the ledger, and that it imports against the
// stored history without errors.
func TestTemplateStageExample(t *testing.T) {
	early := uploadDay.AddDays(-100)
	tests := []struct {
		name      string
		unit      string
		history   []saima.StageEvent
		wantCode  string
		wantStage string
		wantRound int
		wantDate  saima.Date
	}{
		{name: "no history", unit: "宁海县",
			wantCode: "NB-2026-310", wantStage: "预报", wantRound: 1, wantDate: uploadDay.AddDays(-7)},
		{name: "after review", unit: "宁海县",
			history:  stageEvents("NB-2026-310", early, "预报", "初审", "审核"),
			wantCode: "NB-2026-310", wantStage: "论证", wantRound: 1, wantDate: uploadDay.AddDays(-7)},
		{name: "after evaluation, never 完成", unit: "宁海县",
			history:  stageEvents("NB-2026-310", early, "预报", "初审", "审核", "论证", "决策", "实施", "评估"),
			wantCode: "NB-2026-320", wantStage: "预报", wantRound: 1, wantDate: uploadDay.AddDays(-7)},
		{name: "after a change", unit: "宁海县",
			history:  stageEvents("NB-2026-310", early, "预报", "初审", "审核", "论证", saima.StageChange),
			wantCode: "NB-2026-310", wantStage: "论证", wantRound: 2, wantDate: uploadDay.AddDays(-7)},
		{name: "recent event", unit: "宁海县",
			history:  stageEvents("NB-2026-310", uploadDay.AddDays(-2), "预报"),
			wantCode: "NB-2026-310", wantStage: "初审", wantRound: 1, wantDate: uploadDay.AddDays(-2)},
		{name: "first project ended", unit: "宁海县",
			history: append(stageEvents("NB-2026-310", early, "预报", "初审", stageExit),
				stageEvents("NB-2026-320", early, "预报")...),
			wantCode: "NB-2026-320", wantStage: "初审", wantRound: 1, wantDate: uploadDay.AddDays(-7)},
		{name: "future event", unit: "宁海县",
			history:  stageEvents("NB-2026-310", uploadDay.AddDays(3), "预报"),
			wantCode: "NB-2026-320", wantStage: "预报", wantRound: 1, wantDate: uploadDay.AddDays(-7)},
		{name: "unit's projects ended", unit: "宁海县",
			history: append(stageEvents("NB-2026-310", early, "预报", stageExit),
				stageEvents("NB-2026-320", early, "预报", stageExit)...),
			wantCode: "NB-2026-200", wantStage: "预报", wantRound: 1, wantDate: uploadDay.AddDays(-7)},
		{name: "office", unit: "",
			history:  stageEvents("NB-2026-200", early, "预报"),
			wantCode: "NB-2026-200", wantStage: "初审", wantRound: 1, wantDate: uploadDay.AddDays(-7)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var buf bytes.Buffer
			err := WriteTemplateWith(&buf, saima.DatasetStages, TemplateOptions{Roster: testRoster,
				Projects: templateLedger, Stages: tt.history, Unit: tt.unit, Today: uploadDay})
			if err != nil {
				t.Fatal(err)
			}
			res := parseText(t, "stages.xlsx", string(withoutExampleMark(t, buf.Bytes())),
				Options{Projects: templateLedger})
			requireNoErrors(t, res)
			if len(res.Batch.Stages) != 1 {
				t.Fatalf("stage events = %d, want 1", len(res.Batch.Stages))
			}
			got := res.Batch.Stages[0]
			if got.ProjectCode != tt.wantCode || got.Stage != tt.wantStage || got.RoundOrOne() != tt.wantRound {
				t.Errorf("example = %s %s round %d, want %s %s round %d",
					got.ProjectCode, got.Stage, got.RoundOrOne(), tt.wantCode, tt.wantStage, tt.wantRound)
			}
			if got.Date != tt.wantDate {
				t.Errorf("example date = %s, want %s", got.Date, tt.wantDate)
			}
			if issues := CheckLifecycle(tt.history, res.Batch.Stages, nil); len(issues) != 0 {
				t.Errorf("lifecycle issues = %q, want none", issueStrings(issues))
			}
		})
	}
}

// TestTemplateStageExampleFallback checks the example of a ledger where no
// project can take a next stage: the 预报 of the generic project.
func TestTemplateStageExampleFallback(t *testing.T) {
	var buf bytes.Buffer
	err := WriteTemplateWith(&buf, saima.DatasetStages, TemplateOptions{Roster: testRoster, Today: uploadDay})
	if err != nil {
		t.Fatal(err)
	}
	res := parseText(t, "stages.xlsx", string(withoutExampleMark(t, buf.Bytes())), Options{})
	requireNoErrors(t, res)
	if len(res.Batch.Stages) != 1 {
		t.Fatalf("stage events = %d, want 1", len(res.Batch.Stages))
	}
	if got := res.Batch.Stages[0]; got.ProjectCode != genericProject.Code || got.Stage != "预报" {
		t.Errorf("example = %s %s, want %s 预报", got.ProjectCode, got.Stage, genericProject.Code)
	}
}

package demo_test

import (
	"testing"

	"saima"
	"saima/ingest"
)

// TestGenerateFollowsLifecycle checks every project's stage history
// against the rules that the import service applies, and that the city
// has a change with its reason and exits with their accountability.
func TestGenerateFollowsLifecycle(t *testing.T) {
	for _, day := range checkDays {
		t.Run(day.String(), func(t *testing.T) {
			files := generate(t, 7, day)
			var roster []saima.Unit
			batch := map[string]*ingest.Result{}
			for _, f := range files {
				res := parseFile(t, f, roster, day)
				batch[f.Dataset] = res
				if f.Dataset == saima.DatasetUnits {
					roster = res.Batch.Units
				}
			}
			leads := map[string]string{}
			for _, p := range batch[saima.DatasetProjects].Batch.Projects {
				leads[p.Code] = p.LeadUnit
			}
			stages := batch[saima.DatasetStages].Batch.Stages
			for _, issue := range ingest.CheckLifecycle(nil, stages, leads) {
				t.Errorf("lifecycle: %s", issue)
			}

			changes, exits := 0, 0
			for _, e := range stages {
				switch e.Stage {
				case saima.StageChange:
					changes++
					if e.ChangeReason == "" {
						t.Errorf("%s: change on %s has no reason", e.ProjectCode, e.Date)
					}
				case "退出":
					exits++
					if e.Accountability == "" || e.Documents == "" {
						t.Errorf("%s: exit on %s lacks accountability or document", e.ProjectCode, e.Date)
					}
				}
			}
			if changes == 0 || exits == 0 {
				t.Errorf("changes = %d, exits = %d, want at least one of each", changes, exits)
			}
		})
	}
}

// TestGenerateFollowsProblemLoop checks every problem's steps against the
// rules of the problem loop that the import service applies.
func TestGenerateFollowsProblemLoop(t *testing.T) {
	for _, day := range checkDays {
		t.Run(day.String(), func(t *testing.T) {
			files := generate(t, 7, day)
			var roster []saima.Unit
			batch := map[string]*ingest.Result{}
			for _, f := range files {
				res := parseFile(t, f, roster, day)
				batch[f.Dataset] = res
				if f.Dataset == saima.DatasetUnits {
					roster = res.Batch.Units
				}
			}
			problems := batch[saima.DatasetProblems].Batch.Problems
			steps := batch[saima.DatasetProblemSteps].Batch.ProblemSteps
			if len(steps) == 0 {
				t.Fatal("no problem steps generated")
			}
			for _, issue := range ingest.CheckProblemSteps(problems, nil, steps) {
				t.Errorf("problem loop: %s", issue)
			}

			// The loop page dates the closing by the 已办结 step, /problems
			// and the scoring by the list's 办结日期.
			closed := map[string]*saima.Date{}
			for _, p := range problems {
				closed[p.ID] = p.Closed
			}
			for _, st := range steps {
				if st.Step != saima.LoopStages[len(saima.LoopStages)-1] {
					continue
				}
				if want := closed[st.ProblemID]; want == nil || st.Date != *want {
					t.Errorf("%s 已办结 step on %s, want the list's 办结日期 %v", st.ProblemID, st.Date, want)
				}
			}
		})
	}
}

package demo_test

import (
	"testing"

	"saima"
	"saima/ingest"
)

// TestGenerateWorkflows checks that the demo city exercises every
// workflow: list items some done, escalated problems up to the principal
// leaders, and leader-led reports with one overdue.
func TestGenerateWorkflows(t *testing.T) {
	files := generate(t, 7, today)
	var roster []saima.Unit
	var b saima.Batch
	for _, f := range files {
		res := parseFile(t, f, roster, today)
		if f.Dataset == saima.DatasetUnits {
			roster = res.Batch.Units
		}
		b.Projects = append(b.Projects, res.Batch.Projects...)
		b.ListItems = append(b.ListItems, res.Batch.ListItems...)
		b.ListDone = append(b.ListDone, res.Batch.ListDone...)
		b.ProblemSteps = append(b.ProblemSteps, res.Batch.ProblemSteps...)
		b.LeaderReports = append(b.LeaderReports, res.Batch.LeaderReports...)
	}

	if len(b.ListDone) == 0 || len(b.ListDone) >= len(b.ListItems) {
		t.Errorf("done marks = %d of %d list items, want some but not all", len(b.ListDone), len(b.ListItems))
	}
	// The demo imports the lists and their marks on one day, so a mark
	// dated earlier counts only from the item's 下达日期.
	byKey := map[[2]string]saima.ListItem{}
	for _, it := range b.ListItems {
		byKey[[2]string{it.List, it.ID}] = it
		if it.Issued == nil {
			t.Errorf("list item %s %s has no 下达日期", it.List, it.ID)
		}
	}
	for _, d := range b.ListDone {
		if reason, _, early := ingest.EarlyDone(byKey[[2]string{d.List, d.ItemID}], d.Date); early {
			t.Errorf("done mark of %s %s on %s: %s", d.List, d.ItemID, d.Date, reason)
		}
		// A blank 标注人 shows the uploading account, "demo", on a Chinese page.
		if d.By == "" {
			t.Errorf("done mark of %s %s has no 标注人", d.List, d.ItemID)
		}
	}

	lists := map[string]bool{}
	for _, it := range b.ListItems {
		lists[it.List] = true
	}
	if len(lists) != len(saima.ListNames) {
		t.Errorf("lists used = %v, want all of %v", lists, saima.ListNames)
	}

	maxLevel, escalations := 0, 0
	for _, s := range b.ProblemSteps {
		if s.Step == saima.StepEscalate {
			escalations++
			maxLevel = max(maxLevel, s.Level)
		}
	}
	if escalations == 0 || maxLevel != len(saima.EscalationLevels) {
		t.Errorf("escalations = %d up to level %d, want some up to level %d", escalations, maxLevel,
			len(saima.EscalationLevels))
	}

	items := saima.BuildLeaderItems(b.Projects, b.LeaderReports, b.Stages, saima.HalfYearOf(today), today)
	overdue := 0
	for _, it := range items {
		overdue += it.OverdueCount()
	}
	if len(b.LeaderReports) == 0 || overdue != 1 {
		t.Errorf("leader reports = %d with %d overdue, want some with 1 overdue", len(b.LeaderReports), overdue)
	}
}

package clickhouse

import (
	"bufio"
	"context"

	"saima"
)

// tableRecords is the records of one data table in a batch, in the two
// forms the engines take: values for [Engine.Insert], or TabSeparated text
// written row by row for an engine with a [tsvInserter].
type tableRecords struct {
	table   string
	columns []string
	n       int

	// rows returns the values of records from to to (not included).
	rows func(from, to int) [][]any

	// encode writes record i, upload_id and version included. Nil means
	// encode the values of rows, field by field.
	encode func(w *tsvWriter, i int)
}

// insertRecords inserts records from to to (not included) of t as one
// INSERT statement. An engine that takes TabSeparated text gets each
// record encoded straight from its struct; the others get the values.
func (s *Store) insertRecords(ctx context.Context, t *tableRecords, from, to int, id string, v uint64) error {
	stream := s.engine.tsvInserter()
	if stream == nil {
		return s.engine.Insert(ctx, s.table(t.table), t.columns, t.rows(from, to))
	}
	return stream.insertTSV(ctx, s.table(t.table), t.columns, to-from, func(w *bufio.Writer) error {
		return t.writeTSV(newTSVWriter(w, id, v), from, to)
	})
}

// writeTSV writes records from to to (not included).
func (t *tableRecords) writeTSV(w *tsvWriter, from, to int) error {
	if t.encode != nil {
		for i := from; i < to; i++ {
			t.encode(w, i)
		}
		return nil
	}
	return writeTSVRows(w.w, t.table, t.columns, t.rows(from, to))
}

// batchRecords returns the records of b by table, in the order
// writeRecords inserts them, with their upload ID and version.
func batchRecords(b *saima.Batch, id string, v uint64) []tableRecords {
	return []tableRecords{
		{"units", unitColumns, len(b.Units),
			func(from, to int) [][]any { return unitRows(b.Units[from:to], id, v) },
			func(w *tsvWriter, i int) { w.unit(&b.Units[i]) }},
		{"projects", projectColumns, len(b.Projects),
			func(from, to int) [][]any { return projectRows(b.Projects[from:to], id, v) },
			func(w *tsvWriter, i int) { w.project(&b.Projects[i]) }},
		{"stage_events", stageColumns, len(b.Stages),
			func(from, to int) [][]any { return stageRows(b.Stages[from:to], id, v) },
			func(w *tsvWriter, i int) { w.stage(&b.Stages[i]) }},
		{"milestones", milestoneColumns, len(b.Milestones),
			func(from, to int) [][]any { return milestoneRows(b.Milestones[from:to], id, v) },
			func(w *tsvWriter, i int) { w.milestone(&b.Milestones[i]) }},
		{"progress", progressColumns, len(b.Progress),
			func(from, to int) [][]any { return progressRows(b.Progress[from:to], id, v) },
			func(w *tsvWriter, i int) { w.progress(&b.Progress[i]) }},
		{"assessments", assessmentColumns, len(b.Assessments),
			func(from, to int) [][]any { return assessmentRows(b.Assessments[from:to], id, v) },
			func(w *tsvWriter, i int) { w.assessment(&b.Assessments[i]) }},
		{"problems", problemColumns, len(b.Problems),
			func(from, to int) [][]any { return problemRows(b.Problems[from:to], id, v) },
			func(w *tsvWriter, i int) { w.problem(&b.Problems[i]) }},
		// The workflow tables are small; their values are encoded field by
		// field.
		{"list_items", listItemColumns, len(b.ListItems),
			func(from, to int) [][]any { return listItemRows(b.ListItems[from:to], id, v) }, nil},
		{"list_done", listDoneColumns, len(b.ListDone),
			func(from, to int) [][]any { return listDoneRows(b.ListDone[from:to], id, v) }, nil},
		{"problem_steps", problemStepColumns, len(b.ProblemSteps),
			func(from, to int) [][]any { return problemStepRows(b.ProblemSteps[from:to], id, v) }, nil},
		{"leader_reports", leaderReportColumns, len(b.LeaderReports),
			func(from, to int) [][]any { return leaderReportRows(b.LeaderReports[from:to], id, v) }, nil},
	}
}

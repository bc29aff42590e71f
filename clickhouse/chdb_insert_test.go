package clickhouse_test

import (
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/shopspring/decimal"

	"saima"
	"saima/clickhouse"
	"saima/clickhouse/chtest"
)

// stagedRows is more rows than the embedded engine sends inline, so that a
// batch of them travels through a staging file.
const stagedRows = 1500

// stagedBatch returns n records of progress, milestones and projects with
// text that TabSeparated escapes, nil and set dates and decimals, month
// and quarter periods and arrays.
func stagedBatch(n int) *saima.Batch {
	texts := []string{"", "a\tb\nc\rd\\e\x00f'g\"h", "宁波市海曙区　ｊ\u00a0𠮷", `\N`, "\\"}
	day := saima.NewDate(2026, 9, 30)
	dates := []*saima.Date{nil, &day}
	decs := []decimal.NullDecimal{{}, decimal.NewNullDecimal(decimal.RequireFromString("85.5")),
		decimal.NewNullDecimal(decimal.RequireFromString("0.0001"))}
	periods := []saima.Period{saima.Quarter(2026, 3), saima.Month(2026, 11)}
	// No single quote in an array element: chDB rejects the field as
	// writeTSVField writes it, on either path.
	lists := [][]string{nil, {}, {"重大需求", "a\tb\nc　ｊ", `d\e`}}
	b := &saima.Batch{}
	for i := range n {
		code := fmt.Sprintf("NB-%05d", i)
		text := texts[i%len(texts)]
		b.Progress = append(b.Progress, saima.ProgressReport{Unit: text, ProjectCode: code, ProjectName: text,
			Period: periods[i%2], Percent: decs[i%3], ReportDate: dates[i%2], Progress: text, Problems: text})
		b.Milestones = append(b.Milestones, saima.Milestone{ProjectCode: code, Name: text, Unit: text,
			Planned: day, Actual: dates[i%2], Status: text})
		b.Projects = append(b.Projects, saima.Project{Code: code, Name: text, Unit: text,
			Lists: lists[i%len(lists)], LeaderLed: i%2 == 0, Budget: decs[i%3], StartDate: dates[i%2]})
	}
	return b
}

// TestStagedInsertMatchesInline writes the same records once in one batch,
// which the embedded engine sends through a staging file, and once in
// batches small enough to travel inline, and compares every stored value.
func TestStagedInsertMatchesInline(t *testing.T) {
	s := chtest.Store(t)
	b := stagedBatch(stagedRows)
	at := time.Date(2026, 10, 1, 9, 0, 0, 0, saima.Beijing)

	b.Upload = saima.Upload{ID: "staged", Dataset: saima.DatasetProgress, At: at}
	if err := s.WriteBatch(t.Context(), b); err != nil {
		t.Fatalf("WriteBatch(staged) error: %v", err)
	}
	w, err := s.BeginUpload(saima.Upload{ID: "inline", Dataset: saima.DatasetProgress, At: at})
	if err != nil {
		t.Fatal(err)
	}
	for start := 0; start < stagedRows; start += 500 {
		part := &saima.Batch{Progress: b.Progress[start : start+500], Milestones: b.Milestones[start : start+500],
			Projects: b.Projects[start : start+500]}
		if err := w.Write(t.Context(), part); err != nil {
			t.Fatalf("Write(inline) error: %v", err)
		}
	}
	if err := w.Commit(t.Context()); err != nil {
		t.Fatal(err)
	}

	tables := map[string]string{
		"progress":   "unit, project_code, project_name, period, quarter, percent, report_date, progress, problems",
		"milestones": "project_code, name, unit, planned, actual, status",
		"projects": "code, name, unit, lead_unit, system, scope, type, batch, lists, leader_led, leader, " +
			"budget, start_date, due_date",
	}
	for table, columns := range tables {
		staged := storedRows(t, s, table, columns, "staged")
		inline := storedRows(t, s, table, columns, "inline")
		if len(staged) != stagedRows {
			t.Errorf("%s: %d rows through the staging file, want %d", table, len(staged), stagedRows)
		}
		if !slices.Equal(staged, inline) {
			for i := range min(len(staged), len(inline)) {
				if staged[i] != inline[i] {
					t.Fatalf("%s row %d: staged %q, inline %q", table, i+1, staged[i], inline[i])
				}
			}
			t.Errorf("%s: %d rows staged, %d inline", table, len(staged), len(inline))
		}
	}
}

// storedRows returns the rows of upload id in table, sorted, each as its
// columns' text joined by |.
func storedRows(tb testing.TB, s *clickhouse.Store, table, columns, id string) []string {
	tb.Helper()
	var texts []string
	for _, c := range strings.Split(columns, ", ") {
		texts = append(texts, "ifNull(toString("+c+"), 'NULL')")
	}
	q := "SELECT concat(" + strings.Join(texts, ", '|', ") + ") AS line FROM " + s.Database() + "." + table +
		" WHERE upload_id = ? ORDER BY " + strings.Split(columns, ", ")[1] + ", line"
	rows, err := s.Engine().Query(tb.Context(), q, id)
	if err != nil {
		tb.Fatalf("read %s: %v", table, err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var line string
		if err := rows.Scan(&line); err != nil {
			tb.Fatal(err)
		}
		out = append(out, line)
	}
	if err := rows.Err(); err != nil {
		tb.Fatal(err)
	}
	return out
}

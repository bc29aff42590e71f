package clickhouse

import (
	"context"
	"fmt"
	"testing"

	"saima"
	"saima/scoring"
)

// MilestoneFactsBySource returns each unit's milestone facts of p, read
// by Facts, as the evaluation reads them from the tally, and from the
// current milestone rows themselves, for tests that compare the two.
func (s *Store) MilestoneFactsBySource(ctx context.Context, p saima.Period) (tally, rows map[string]scoring.UnitFacts, err error) {
	facts, err := s.Facts(ctx, p)
	if err != nil {
		return nil, nil, err
	}
	tally = map[string]scoring.UnitFacts{}
	for _, f := range facts {
		if m := milestonePart(f); m != (scoring.UnitFacts{Unit: f.Unit}) {
			tally[f.Unit] = m
		}
	}
	projects, err := s.ListProjects(ctx)
	if err != nil {
		return nil, nil, err
	}
	fromRows := factsMap{}
	if err := s.milestoneFactsFromRows(ctx, p, owners(projects), fromRows.get); err != nil {
		return nil, nil, err
	}
	rows = map[string]scoring.UnitFacts{}
	for u, f := range fromRows {
		// Facts also lists units with other data, so units whose milestones
		// add up to nothing are left out on both sides.
		if m := milestonePart(*f); m != (scoring.UnitFacts{Unit: u}) {
			rows[u] = m
		}
	}
	return tally, rows, nil
}

// milestonePart returns the milestone facts of f alone.
func milestonePart(f scoring.UnitFacts) scoring.UnitFacts {
	return scoring.UnitFacts{Unit: f.Unit, MilestonesDue: f.MilestonesDue, MilestonesOnTime: f.MilestonesOnTime,
		MilestoneMonths: f.MilestoneMonths, MilestoneRedMonths: f.MilestoneRedMonths,
		MilestoneYellowMonths: f.MilestoneYellowMonths}
}

// RebuildTally empties the milestone tally and fills it again from the
// milestone rows, as the first start after an upgrade does.
func (s *Store) RebuildTally(ctx context.Context) error {
	if err := s.engine.Exec(ctx, s.sql("TRUNCATE TABLE {db}.milestone_tally")); err != nil {
		return err
	}
	return s.ensureTally(ctx)
}

// Version returns the version the upload's rows carry.
func (w *UploadWriter) Version() uint64 { return w.version }

// Wrote records that rows of table were written under its upload id and
// version by other means than Write, so that Commit supersedes and tallies
// them.
func (w *UploadWriter) Wrote(table string) { w.tables[table], w.own = &tableKeys{}, nil }

// LimitKeys sets the limits of w (see keyLimits). Beyond known key
// tuples in a table, Commit finds the upload's rows by their key hashes
// alone. A part holds at most perPart keys. Beyond hashes key hashes,
// Commit scans the table.
func (w *UploadWriter) LimitKeys(known, perPart, hashes int) {
	w.limits = keyLimits{known: known, perPart: perPart, hashes: hashes}
}

// KeyColumns returns the columns that lead the ORDER BY of each data
// table, as an UploadWriter selects its keys by them.
func KeyColumns() map[string][]string { return keyColumns }

// KeyBatch returns records of every data table whose keys hold the bytes
// that string literals escape and text that looks like the store's query
// tokens. Each table's first key comes twice.
func KeyBatch() *saima.Batch {
	b := &saima.Batch{}
	day := saima.NewDate(2026, 9, 30)
	texts := []string{trickyText, trickyText, "", "{db}", "{keys}{hashes} ? --", `'\`}
	for i, text := range texts {
		// i/2 keeps the first two records' keys equal.
		other := texts[(i+2)%len(texts)]
		b.Units = append(b.Units, saima.Unit{Name: text})
		b.Projects = append(b.Projects, saima.Project{Code: text})
		b.Stages = append(b.Stages, saima.StageEvent{ProjectCode: text, Stage: other, Date: day, Round: i / 2 % 3})
		b.Milestones = append(b.Milestones, saima.Milestone{ProjectCode: text, Name: other, Planned: day})
		b.Progress = append(b.Progress, saima.ProgressReport{Unit: text, ProjectCode: other,
			Period: saima.Quarter(2026, 3)})
		b.Assessments = append(b.Assessments, saima.Assessment{Unit: text, Indicator: other, Mode: text,
			Period: saima.Quarter(2026, 3)})
		b.Problems = append(b.Problems, saima.ProblemItem{ID: text, Opened: day})
		b.ListItems = append(b.ListItems, saima.ListItem{List: text, ID: other, Deadline: day})
		b.ListDone = append(b.ListDone, saima.ListDone{List: text, ItemID: other, Date: day})
		b.ProblemSteps = append(b.ProblemSteps, saima.ProblemStep{ProblemID: text, Step: other, Level: 1 + i/2%3,
			Date: day})
		b.LeaderReports = append(b.LeaderReports, saima.LeaderReport{ProjectCode: text,
			Half: saima.HalfYear{Year: 2026, Half: 1 + i/2%2}, Submitted: day})
	}
	return b
}

// WriteScoresOnly writes the rows of scores as SaveScores does, but not
// their score_runs row: what a SaveScores that failed half way leaves.
func (s *Store) WriteScoresOnly(ctx context.Context, scores []saima.Score) error {
	rows := make([][]any, len(scores))
	for i, sc := range scores {
		rows[i] = scoreRow(sc)
	}
	return s.engine.Insert(ctx, s.table("scores"), scoreColumns, rows)
}

// RelistScoreRuns empties score_runs and lists the runs of the scores
// table again, as the first start after an upgrade does.
func (s *Store) RelistScoreRuns(ctx context.Context) error {
	if err := s.engine.Exec(ctx, s.sql("TRUNCATE TABLE {db}.score_runs")); err != nil {
		return err
	}
	return s.ensureScoreRuns(ctx)
}

// FactsUnpinned is Facts with every upload and superseded list read
// through subqueries, as a store that is not pinned reads them.
func (s *Store) FactsUnpinned(ctx context.Context, p saima.Period) (map[string]scoring.UnitFacts, error) {
	facts, err := s.readFacts(ctx, p)
	if err != nil {
		return nil, err
	}
	out := map[string]scoring.UnitFacts{}
	for u, f := range facts {
		out[u] = *f
	}
	return out, nil
}

// rowQuery selects the current milestone rows themselves, one per
// milestone, that can count in a period, with the columns of the tally
// branch of factsQuery: what the tally must always add up to. Its
// parameters are the first days of the period's last and first months.
var rowQuery = "SELECT unit, pc, pmonth, amonth, ontime, isdone, toInt64(1), planned FROM (" +
	"SELECT " + tallyKey + ", planned FROM {db}.milestones WHERE " + current("milestones") + ") " +
	"WHERE pmonth <= ? AND (pmonth >= ? OR (ontime = 0 AND amonth >= ?))"

// milestoneFactsFromRows adds each unit's milestone facts of p, read from
// the current milestone rows by rowQuery, to get. owners maps project
// codes to their responsible unit.
func (s *Store) milestoneFactsFromRows(ctx context.Context, p saima.Period, owners map[string]string,
	get func(string) *scoring.UnitFacts) error {
	m := s.monthWindow(p)
	// Due is decided here by the planned day itself, not by add's months.
	colours := m
	colours.dueBefore = m.first
	first, last := saima.NewDate(p.Start().Year, p.Start().Month, 1), saima.NewDate(p.End().Year, p.End().Month, 1)
	rows, err := s.query(ctx, rowQuery, last, first, first)
	if err != nil {
		return err
	}
	totals := map[tallyGroup]*milestoneTotals{}
	err = scanAll(rows, func() error {
		var r tallyRow
		var planned saima.Date
		if err := rows.Scan(&r.unit, &r.project, &r.planned, &r.actual, &r.onTime, &r.done, &r.n, &planned); err != nil {
			return err
		}
		k := tallyGroup{r.unit, r.project}
		if totals[k] == nil {
			totals[k] = &milestoneTotals{}
		}
		totals[k].add(r, colours)
		if !planned.Before(p.Start()) && planned.Before(m.judging) {
			totals[k].addDue(r.onTime, r.n)
		}
		return nil
	})
	if err != nil {
		return err
	}
	exits, err := s.readExitFacts(ctx)
	if err != nil {
		return err
	}
	exits.correct(totals, m)
	addMilestoneTotals(totals, owners, get)
	return nil
}

// EnsureDerived fills the milestone tally and the list of scoring runs
// when they are empty, as the first start after an upgrade does.
func (s *Store) EnsureDerived(ctx context.Context) error {
	if err := s.ensureTally(ctx); err != nil {
		return err
	}
	return s.ensureScoreRuns(ctx)
}

// LibraryStartPages returns how many bytes of libchdb.so were resident
// before and after the embedded engine e released them at start, and how
// many of those after were private.
func LibraryStartPages(e Engine) (before, after, private uint64) {
	p := e.(*sharedEmbedded).startPages
	return p[0], p[1], p[2]
}

// PageOutLibrary releases the resident pages of the loaded libchdb.so, as
// the embedded engine does once at start.
func PageOutLibrary() (before, after, private uint64, err error) { return pageOutLibrary(apiPath) }

// AsProcess returns a store that records uploads as written by the
// process pid on host, for tests that play a process that stopped.
func (s *Store) AsProcess(host string, pid int) *Store {
	c := *s
	c.audit = newUploadAudit()
	c.audit.owner = process{host: host, pid: pid, instance: "test"}
	return &c
}

// ThisHost returns the host name that upload records name.
func ThisHost() string { return thisProcess.host }

// CheckDump reads back the Native file at path, the backup of table,
// and compares its rows with rows, as [Store.Backup] does after the
// embedded engine wrote it.
func (s *Store) CheckDump(ctx context.Context, table string, rows uint64, path string) error {
	tables, err := s.ownedTables(ctx)
	if err != nil {
		return err
	}
	for _, t := range tables {
		if t.name == table {
			tb := TableBackup{Name: t.name, Columns: t.columns, Rows: rows}
			return checkDump(ctx, s.engine.fileCopier().(nativeCounter), tb, path)
		}
	}
	return fmt.Errorf("no table %s", table)
}

// SetBackupDumped makes [Store.Backup] call f after writing each table's
// data file, until the test ends.
func SetBackupDumped(tb testing.TB, f func(table string)) {
	backupDumped = f
	tb.Cleanup(func() { backupDumped = nil })
}

// SetRestoreStep makes [Store.Restore] call f after each of its steps,
// until the test ends.
func SetRestoreStep(tb testing.TB, f func(step string)) {
	restoreStep = f
	tb.Cleanup(func() { restoreStep = nil })
}

package clickhouse

import (
	"context"

	"saima"
	"saima/scoring"
)

// MilestoneFactsBySource returns each unit's milestone facts of p, read
// from the tally as the evaluation reads them and from the current
// milestone rows themselves, for tests that compare the two.
func (s *Store) MilestoneFactsBySource(ctx context.Context, p saima.Period) (tally, rows map[string]scoring.UnitFacts, err error) {
	projects, err := s.ListProjects(ctx)
	if err != nil {
		return nil, nil, err
	}
	owners := map[string]string{}
	for _, p := range projects {
		owners[p.Code] = p.Unit
	}
	read := func(query string) (map[string]scoring.UnitFacts, error) {
		facts := map[string]*scoring.UnitFacts{}
		get := func(unit string) *scoring.UnitFacts {
			if facts[unit] == nil {
				facts[unit] = &scoring.UnitFacts{Unit: unit}
			}
			return facts[unit]
		}
		if err := s.milestoneFactsFrom(ctx, query, p, owners, get); err != nil {
			return nil, err
		}
		out := map[string]scoring.UnitFacts{}
		for u, f := range facts {
			out[u] = *f
		}
		return out, nil
	}
	if tally, err = read(tallyQuery); err != nil {
		return nil, nil, err
	}
	rows, err = read(rowQuery)
	return tally, rows, err
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
func (w *UploadWriter) Wrote(table string) { w.tables[table] = true }

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

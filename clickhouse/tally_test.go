package clickhouse_test

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"reflect"
	"testing"

	"github.com/shopspring/decimal"

	"saima"
	"saima/clickhouse"
	"saima/clickhouse/chtest"
	"saima/scoring"
)

// tallyLedger writes a random history of milestone uploads to s and
// returns a version after each step, for reading the ledger as of then.
// Keys repeat across uploads, so later uploads supersede earlier rows.
// Some uploads fail after writing, and some commit in the opposite order
// to the one they started in. Some repeat a key within the file, and some
// rows have no unit and take their project's. Some write two files. Each
// upload finds its rows at commit in one of the ways of keyModes, at
// random, and the count of records its commit replaced is checked.
func tallyLedger(t *testing.T, s *clickhouse.Store, seed uint64, steps int) []uint64 {
	t.Helper()
	ctx := context.Background()
	rng := rand.New(rand.NewPCG(seed, 3))
	projects := &saima.Batch{Upload: upload(saima.DatasetProjects)}
	for p := range 6 {
		projects.Projects = append(projects.Projects,
			saima.Project{Code: fmt.Sprintf("P%d", p), Name: "场景", Unit: fmt.Sprintf("单位%d", p%3)})
	}
	if err := s.WriteBatch(ctx, projects); err != nil {
		t.Fatal(err)
	}
	milestones := func() []saima.Milestone {
		var ms []saima.Milestone
		for range 1 + rng.IntN(25) {
			p := rng.IntN(6)
			m := saima.Milestone{ProjectCode: fmt.Sprintf("P%d", p), Name: fmt.Sprintf("m%d", rng.IntN(4)),
				Planned: saima.NewDate(2026, 1, 1).AddDays(rng.IntN(330))}
			if rng.IntN(4) > 0 {
				m.Unit = fmt.Sprintf("单位%d", p%3)
			}
			if rng.IntN(3) > 0 {
				d := m.Planned.AddDays(rng.IntN(90) - 20)
				m.Actual = &d
			}
			ms = append(ms, m)
		}
		return ms
	}

	begin := func() *clickhouse.UploadWriter {
		w, err := s.BeginUpload(upload(saima.DatasetMilestones))
		if err != nil {
			t.Fatal(err)
		}
		keyModes[rng.IntN(len(keyModes))].limit(w)
		return w
	}
	// write writes one or two files' milestones to w and returns them.
	write := func(w *clickhouse.UploadWriter) []saima.Milestone {
		var written []saima.Milestone
		for range 1 + rng.IntN(2) {
			ms := milestones()
			if err := w.Write(ctx, &saima.Batch{Milestones: ms}); err != nil {
				t.Fatal(err)
			}
			written = append(written, ms...)
		}
		return written
	}
	// holder is the version of the upload whose rows of a key are
	// current.
	holder := map[[2]string]uint64{}
	// commit commits w and checks the count of records it replaced: the
	// current milestones, before it, of the keys in ms, the milestones
	// written to w, that an older upload holds. A key that a newer upload
	// holds stays with it.
	commit := func(w *clickhouse.UploadWriter, ms []saima.Milestone) {
		keys := map[[2]string]bool{}
		for _, m := range ms {
			keys[[2]string{m.ProjectCode, m.Name}] = true
		}
		current, err := s.ListMilestones(ctx)
		if err != nil {
			t.Fatal(err)
		}
		want := 0
		for _, m := range current {
			k := [2]string{m.ProjectCode, m.Name}
			if keys[k] && holder[k] < w.Version() {
				want++
			}
		}
		n, err := w.CommitCounting(ctx, nil)
		if err != nil {
			t.Fatal(err)
		}
		for k := range keys {
			holder[k] = max(holder[k], w.Version())
		}
		if n != want {
			t.Errorf("CommitCounting = %d, want %d current milestones of the upload's keys", n, want)
		}
	}

	var versions []uint64
	for step := 0; step < steps; step++ {
		switch rng.IntN(4) {
		case 0: // one upload fails after writing its rows
			w := begin()
			write(w)
			w.Abort(ctx, errors.New("test: upload broken off"))
		case 1: // two uploads commit in the opposite order to their start
			first, second := begin(), begin()
			for _, w := range []*clickhouse.UploadWriter{second, first} {
				commit(w, write(w))
			}
		default:
			w := begin()
			commit(w, write(w))
		}
		versions = append(versions, s.Now())
	}
	return versions
}

// TestTallyMatchesRows checks that the milestone facts read from the
// tally equal those read from the current milestone rows. It compares them
// at every version of a random history, for quarters that have ended and
// one that is running, on both engines. It compares them again after the
// tally is rebuilt from the rows.
func TestTallyMatchesRows(t *testing.T) {
	chtest.ForEachEngine(t, func(t *testing.T, s *clickhouse.Store) {
		ctx := context.Background()
		versions := tallyLedger(t, s, 42, 14)
		check := func(t *testing.T) {
			for i, v := range versions {
				for _, q := range []saima.Period{saima.Quarter(2026, 1), saima.Quarter(2026, 3), saima.Quarter(2026, 4)} {
					tally, rows, err := s.AsOf(v).MilestoneFactsBySource(ctx, q)
					if err != nil {
						t.Fatal(err)
					}
					if len(rows) == 0 && i == len(versions)-1 {
						t.Fatalf("%s as of step %d: no milestone facts at all, the test proves nothing", q, i)
					}
					if !reflect.DeepEqual(tally, rows) {
						t.Errorf("%s as of step %d: facts from the tally\n%v\nwant those from the rows\n%v", q, i, tally, rows)
					}
				}
			}
		}
		t.Run("kept at commit", check)
		if err := s.RebuildTally(ctx); err != nil {
			t.Fatal(err)
		}
		t.Run("rebuilt", check)
	})
}

// TestSupersededGrowsByReplacedKeys checks that sending the same file again
// and again records each replaced version once: the superseded list grows
// by the file's keys per upload, not by every version before it.
func TestSupersededGrowsByReplacedKeys(t *testing.T) {
	chtest.ForEachEngine(t, func(t *testing.T, s *clickhouse.Store) {
		ctx := context.Background()
		var ms []saima.Milestone
		for i := range 10 {
			ms = append(ms, saima.Milestone{ProjectCode: fmt.Sprintf("P%d", i), Name: "上线",
				Unit: "慈溪市", Planned: saima.NewDate(2026, 3, 31)})
		}
		const uploads = 4
		for range uploads {
			if err := s.WriteBatch(ctx, &saima.Batch{Upload: upload(saima.DatasetMilestones), Milestones: ms}); err != nil {
				t.Fatal(err)
			}
		}
		rows, err := s.Engine().Query(ctx, "SELECT count() FROM "+s.Database()+".milestones_superseded")
		if err != nil {
			t.Fatal(err)
		}
		defer rows.Close()
		var n uint64
		if !rows.Next() {
			t.Fatal("count returned no row")
		}
		if err := rows.Scan(&n); err != nil {
			t.Fatal(err)
		}
		if want := uint64(len(ms) * (uploads - 1)); n != want {
			t.Errorf("superseded entries after %d uploads of %d keys = %d, want %d", uploads, len(ms), n, want)
		}
		facts, err := s.Facts(ctx, saima.Quarter(2026, 1))
		if err != nil {
			t.Fatal(err)
		}
		if len(facts) != 1 || facts[0].MilestonesDue != len(ms) {
			t.Errorf("facts = %+v, want 慈溪市 with %d milestones due", facts, len(ms))
		}
	})
}

// TestPinnedFactsMatchSubqueries checks that Facts, which writes the
// uploads that count into its query as constants, reads the same facts as
// the same query with subqueries. It compares them at every version of a
// ledger whose projects, progress, assessments and problems are all
// corrected once.
func TestPinnedFactsMatchSubqueries(t *testing.T) {
	chtest.ForEachEngine(t, func(t *testing.T, s *clickhouse.Store) {
		ctx := context.Background()
		q3 := saima.Quarter(2026, 3)
		batch := func(dataset string, fill func(*saima.Batch)) *saima.Batch {
			b := &saima.Batch{Upload: upload(dataset)}
			fill(b)
			return b
		}
		score := func(v int64) decimal.Decimal { return decimal.NewFromInt(v) }
		batches := []*saima.Batch{
			batch(saima.DatasetProjects, func(b *saima.Batch) {
				b.Projects = []saima.Project{{Code: "P1", Name: "甲", Unit: "慈溪市", StartDate: date("2026-01-01"),
					DueDate: date("2026-12-31")}, {Code: "P2", Name: "乙", Unit: "余姚市"}}
			}),
			batch(saima.DatasetMilestones, func(b *saima.Batch) {
				b.Milestones = []saima.Milestone{{ProjectCode: "P2", Name: "上线", Planned: *date("2026-08-31")}}
			}),
			batch(saima.DatasetProgress, func(b *saima.Batch) {
				b.Progress = []saima.ProgressReport{{Unit: "慈溪市", ProjectCode: "P1", Period: q3, Percent: pct("40")},
					{Unit: "余姚市", ProjectCode: "P2", Period: q3, Percent: pct("70")}}
			}),
			batch(saima.DatasetAssessments, func(b *saima.Batch) {
				b.Assessments = []saima.Assessment{{Unit: "慈溪市", Indicator: "x", Mode: "线上日常", Period: q3, Score: score(80)}}
			}),
			batch(saima.DatasetProblems, func(b *saima.Batch) {
				b.Problems = []saima.ProblemItem{{ID: "Q-1", Unit: "余姚市", Stage: "收集", Level: 2, Opened: *date("2026-07-01")}}
			}),
			// The corrections: P2 moves to 慈溪市, and every other record changes.
			batch(saima.DatasetProjects, func(b *saima.Batch) {
				b.Projects = []saima.Project{{Code: "P2", Name: "乙", Unit: "慈溪市"}}
			}),
			batch(saima.DatasetProgress, func(b *saima.Batch) {
				b.Progress = []saima.ProgressReport{{Unit: "慈溪市", ProjectCode: "P1", Period: q3, Percent: pct("55")}}
			}),
			batch(saima.DatasetAssessments, func(b *saima.Batch) {
				b.Assessments = []saima.Assessment{{Unit: "慈溪市", Indicator: "x", Mode: "线上日常", Period: q3, Score: score(95)}}
			}),
			batch(saima.DatasetProblems, func(b *saima.Batch) {
				b.Problems = []saima.ProblemItem{{ID: "Q-1", Unit: "余姚市", Stage: "已办结", Level: 2,
					Opened: *date("2026-07-01"), Closed: date("2026-07-21")}}
			}),
		}
		var versions []uint64
		for _, b := range batches {
			if err := s.WriteBatch(ctx, b); err != nil {
				t.Fatal(err)
			}
			versions = append(versions, s.Now())
		}
		for i, v := range versions {
			at := s.AsOf(v)
			pinned, err := at.Facts(ctx, q3)
			if err != nil {
				t.Fatal(err)
			}
			got := map[string]scoring.UnitFacts{}
			for _, f := range pinned {
				got[f.Unit] = f
			}
			want, err := at.FactsUnpinned(ctx, q3)
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(got, want) {
				t.Errorf("as of batch %d: pinned facts\n%+v\nwant those read through subqueries\n%+v", i, got, want)
			}
		}
		last := map[string]scoring.UnitFacts{}
		facts, err := s.Facts(ctx, q3)
		if err != nil {
			t.Fatal(err)
		}
		for _, f := range facts {
			last[f.Unit] = f
		}
		if f := last["慈溪市"]; f.MilestonesDue != 1 || f.ProgressSum != 55 || f.AssessmentScoreSum != 95 {
			t.Errorf("慈溪市 after the corrections = %+v, want P2's milestone, progress 55 and score 95", f)
		}
		if f := last["余姚市"]; f.ProblemsClosed != 1 || f.ProgressSum != 70 {
			t.Errorf("余姚市 after the corrections = %+v, want its problem closed and progress 70", f)
		}
	})
}

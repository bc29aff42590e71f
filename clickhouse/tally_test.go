package clickhouse_test

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"reflect"
	"testing"

	"saima"
	"saima/clickhouse"
	"saima/clickhouse/chtest"
)

// tallyLedger writes a random history of milestone uploads to s and
// returns a version after each step, for reading the ledger as of then.
// Keys repeat across uploads, so later uploads supersede earlier rows.
// Some uploads fail after writing, and some commit in the opposite order
// to the one they started in. Some repeat a key within the file, and some
// rows have no unit and take their project's.
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

	var versions []uint64
	for step := 0; step < steps; step++ {
		switch rng.IntN(4) {
		case 0: // one upload fails after writing its rows
			w, err := s.BeginUpload(upload(saima.DatasetMilestones))
			if err != nil {
				t.Fatal(err)
			}
			if err := w.Write(ctx, &saima.Batch{Milestones: milestones()}); err != nil {
				t.Fatal(err)
			}
			w.Abort(ctx, errors.New("test: upload broken off"))
		case 1: // two uploads commit in the opposite order to their start
			first, err := s.BeginUpload(upload(saima.DatasetMilestones))
			if err != nil {
				t.Fatal(err)
			}
			second, err := s.BeginUpload(upload(saima.DatasetMilestones))
			if err != nil {
				t.Fatal(err)
			}
			for _, w := range []*clickhouse.UploadWriter{second, first} {
				if err := w.Write(ctx, &saima.Batch{Milestones: milestones()}); err != nil {
					t.Fatal(err)
				}
				if err := w.Commit(ctx); err != nil {
					t.Fatal(err)
				}
			}
		default:
			b := &saima.Batch{Upload: upload(saima.DatasetMilestones), Milestones: milestones()}
			if err := s.WriteBatch(ctx, b); err != nil {
				t.Fatal(err)
			}
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

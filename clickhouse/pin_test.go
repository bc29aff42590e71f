package clickhouse_test

import (
	"fmt"
	"reflect"
	"testing"
	"time"

	"saima"
	"saima/clickhouse"
	"saima/clickhouse/chtest"
	"saima/scoring"
)

// TestFactsManyUploads reads the facts of a ledger with a few thousand
// successful uploads, as a city has after some months of quarterly
// reports. The pinned facts query wrote every upload's version and id
// into each of its conditions and grew past the engines' max_query_size
// (262 144 bytes by default in ClickHouse 18.16 and chDB 26.5), so
// scoring and publishing failed.
func TestFactsManyUploads(t *testing.T) {
	chtest.ForEachEngine(t, func(t *testing.T, s *clickhouse.Store) {
		ctx := t.Context()
		if err := s.WriteBatch(ctx, progressBatch("60", "45", "72")); err != nil {
			t.Fatal(err)
		}

		// Upload records without rows represent the earlier uploads, which
		// the query lists all the same.
		const n = 4000
		base := s.Now()
		rows := make([][]any, n)
		for i := range rows {
			v := base + uint64(i+1)
			rows[i] = []any{fmt.Sprintf("u-%016x", v), saima.DatasetProgress, "office",
				time.Date(2026, 10, 15, 9, 0, 0, 0, saima.Beijing), saima.OutcomeOK, v, v, v}
		}
		err := s.Engine().Insert(ctx, s.Database()+".uploads",
			[]string{"id", "dataset", "uploader", "at", "outcome", "version", "committed", "recorded"}, rows)
		if err != nil {
			t.Fatal(err)
		}

		q3 := saima.Quarter(2026, 3)
		facts, err := s.Facts(ctx, q3)
		if err != nil {
			t.Fatalf("Facts with %d uploads: %v", n+1, err)
		}
		got := map[string]scoring.UnitFacts{}
		for _, f := range facts {
			got[f.Unit] = f
		}
		want, err := s.FactsUnpinned(ctx, q3)
		if err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(got, want) {
			t.Errorf("facts with %d uploads\n%+v\nwant those read through subqueries\n%+v", n+1, got, want)
		}
		if f := got["宁波市北仑区"]; f.ProgressReports != 3 {
			t.Errorf("宁波市北仑区 progress reports = %d, want 3", f.ProgressReports)
		}
	})
}

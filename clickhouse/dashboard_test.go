package clickhouse_test

import (
	"context"
	"slices"
	"testing"

	"saima"
	"saima/clickhouse"
	"saima/clickhouse/chtest"
)

func problemBatch(items ...saima.ProblemItem) *saima.Batch {
	return &saima.Batch{Upload: upload(saima.DatasetProblems), Problems: items}
}

func TestStoreListProblems(t *testing.T) {
	chtest.ForEachEngine(t, func(t *testing.T, s *clickhouse.Store) {
		ctx := context.Background()
		first := []saima.ProblemItem{
			{ID: "P-001", Unit: "宁波市海曙区", ProjectCode: "NB-2026-001", Source: "自查", Category: "数据共享",
				Stage: "收集", Level: 1, Opened: *date("2026-07-01"), Summary: "接口=1+2\t含制表符"},
			{ID: "P-002", Unit: "吉𠮷镇", Source: "群众反映", Category: "系统性能", Stage: "分办落实", Level: 3,
				Opened: *date("2026-08-15"), Summary: "</script>"},
		}
		if err := s.WriteBatch(ctx, problemBatch(first...)); err != nil {
			t.Fatalf("write problems: %v", err)
		}
		// A correction closes P-001 and moves it to 已办结.
		closed := first[0]
		closed.Stage, closed.Closed = "已办结", date("2026-09-20")
		if err := s.WriteBatch(ctx, problemBatch(closed)); err != nil {
			t.Fatalf("write correction: %v", err)
		}

		got, err := s.ListProblems(ctx)
		if err != nil {
			t.Fatalf("ListProblems: %v", err)
		}
		ids := make([]string, len(got))
		for i, p := range got {
			ids[i] = p.ID
		}
		if want := []string{"P-002", "P-001"}; !slices.Equal(ids, want) {
			t.Fatalf("ListProblems IDs = %v, want %v (newest opened first, one per ID)", ids, want)
		}
		if p := got[1]; p.Stage != "已办结" || p.Closed == nil || *p.Closed != *date("2026-09-20") {
			t.Errorf("P-001 = stage %q closed %v, want the corrected 已办结 on 2026-09-20", p.Stage, p.Closed)
		}
		if p := got[1]; p.Summary != first[0].Summary || p.Level != 1 || p.ProjectCode != "NB-2026-001" {
			t.Errorf("P-001 = %+v, want the written summary, level and project", p)
		}
		if p := got[0]; p.Unit != "吉𠮷镇" || p.Level != 3 || p.Closed != nil || p.Summary != "</script>" {
			t.Errorf("P-002 = %+v, want 吉𠮷镇, level 3, open, summary </script>", p)
		}
	})
}

func TestStoreListProblemsEmpty(t *testing.T) {
	got, err := chtest.Store(t).ListProblems(context.Background())
	if err != nil || len(got) != 0 {
		t.Errorf("ListProblems on an empty database = %v, %v; want no items and no error", got, err)
	}
}

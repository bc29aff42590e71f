package clickhouse_test

import (
	"context"
	"slices"
	"testing"

	"saima"
	"saima/clickhouse"
	"saima/clickhouse/chtest"
)

func stageBatch(events ...saima.StageEvent) *saima.Batch {
	return &saima.Batch{Upload: upload(saima.DatasetStages), Stages: events}
}

func writeBatch(tb testing.TB, s *clickhouse.Store, b *saima.Batch) {
	tb.Helper()
	if err := s.WriteBatch(context.Background(), b); err != nil {
		tb.Fatalf("WriteBatch(%s) = %v", b.Upload.Dataset, err)
	}
}

func TestListStageHistoryRounds(t *testing.T) {
	chtest.ForEachEngine(t, func(t *testing.T, s *clickhouse.Store) {
		ctx := context.Background()
		writeBatch(t, s, stageBatch(
			saima.StageEvent{ProjectCode: "NB-1", Stage: "论证", Date: *date("2026-01-10"), DecidedBy: "市委改革办"},
			saima.StageEvent{ProjectCode: "NB-1", Stage: "决策", Date: *date("2026-02-01"), DecidedBy: "市委改革委",
				Documents: "甬改委〔2026〕1号、会议纪要"},
			saima.StageEvent{ProjectCode: "NB-2", Stage: "预报", Date: *date("2026-01-05"), DecidedBy: "市民政局"},
		))
		// A change, the re-argument in round 2 and a corrected round-1
		// decision date: round 2 must not replace round 1.
		writeBatch(t, s, stageBatch(
			saima.StageEvent{ProjectCode: "NB-1", Stage: saima.StageChange, Round: 1, Date: *date("2026-05-01"),
				ChangeItem: "建设周期", ChangeReason: "省级接口延期"},
			saima.StageEvent{ProjectCode: "NB-1", Stage: "论证", Round: 2, Date: *date("2026-05-20"), DecidedBy: "市委改革办"},
			saima.StageEvent{ProjectCode: "NB-1", Stage: "决策", Date: *date("2026-02-03"), DecidedBy: "市委改革委",
				Documents: "甬改委〔2026〕1号"},
		))

		got, err := s.ListStageHistory(ctx, "NB-1")
		if err != nil {
			t.Fatal(err)
		}
		var keys []string
		for _, e := range got {
			keys = append(keys, e.Stage+"/"+e.Date.String())
		}
		want := []string{"论证/2026-01-10", "决策/2026-02-03", "变更/2026-05-01", "论证/2026-05-20"}
		if !slices.Equal(keys, want) {
			t.Fatalf("ListStageHistory(NB-1) = %v, want %v", keys, want)
		}
		if got[1].Round != 1 || got[3].Round != 2 {
			t.Errorf("rounds = %d, %d, want 1, 2", got[1].Round, got[3].Round)
		}
		if got[1].Documents != "甬改委〔2026〕1号" {
			t.Errorf("documents = %v, want the corrected list", got[1].Documents)
		}
		if got[2].ChangeReason != "省级接口延期" || got[2].ChangeItem != "建设周期" {
			t.Errorf("change = %q/%q, want 建设周期/省级接口延期", got[2].ChangeItem, got[2].ChangeReason)
		}

		all, err := s.ListStageHistory(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if len(all) != 5 {
			t.Errorf("ListStageHistory() returned %d events, want 5", len(all))
		}
	})
}

// TestListStageHistorySameDay checks that events of one day come in
// lifecycle order, which differs from the order of the stage names for
// 论证 before 决策 and for 实施 before 变更.
func TestListStageHistorySameDay(t *testing.T) {
	chtest.ForEachEngine(t, func(t *testing.T, s *clickhouse.Store) {
		writeBatch(t, s, stageBatch(
			saima.StageEvent{ProjectCode: "NB-1", Stage: "决策", Date: *date("2026-02-01"), DecidedBy: "市委改革委"},
			saima.StageEvent{ProjectCode: "NB-1", Stage: "论证", Date: *date("2026-02-01"), DecidedBy: "市委改革办"},
			saima.StageEvent{ProjectCode: "NB-1", Stage: saima.StageChange, Round: 1, Date: *date("2026-05-01"),
				ChangeItem: "建设周期", ChangeReason: "省级接口延期"},
			saima.StageEvent{ProjectCode: "NB-1", Stage: "实施", Round: 1, Date: *date("2026-05-01")},
			saima.StageEvent{ProjectCode: "NB-2", Stage: "预报", Date: *date("2026-01-05")},
		))

		got, err := s.ListStageHistory(t.Context())
		if err != nil {
			t.Fatal(err)
		}
		var keys []string
		for _, e := range got {
			keys = append(keys, e.ProjectCode+"/"+e.Stage+"/"+e.Date.String())
		}
		want := []string{"NB-1/论证/2026-02-01", "NB-1/决策/2026-02-01",
			"NB-1/实施/2026-05-01", "NB-1/变更/2026-05-01", "NB-2/预报/2026-01-05"}
		if !slices.Equal(keys, want) {
			t.Errorf("ListStageHistory() = %v, want %v", keys, want)
		}
	})
}

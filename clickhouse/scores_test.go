package clickhouse_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"saima"
	"saima/clickhouse"
	"saima/clickhouse/chtest"
)

// unrankedRun returns a run of 2026Q3 with one score.
func unrankedRun(id string) []saima.Score {
	return []saima.Score{{Period: saima.Quarter(2026, 3), Track: "区县（市）", RuleSet: "2026", RunID: id,
		ComputedAt: time.Date(2026, 10, 16, 10, 0, 0, 0, saima.Beijing), Unit: "慈溪市", Value: 80, Rank: 1}}
}

// unrankedUnits are units that a run leaves out, with reasons that need
// escaping.
var unrankedUnits = []saima.Unit{
	{Name: "宁波前湾新区", Kind: saima.KindOther, Track: saima.TrackUnranked, UnrankedReason: "新设功能区\t2027年起参评"},
	{Name: "市'测试'局", Kind: saima.KindDepartment, Track: saima.TrackUnranked, UnrankedReason: `引号"与\反斜杠`},
}

// TestListRunUnranked checks that a run keeps the units it left out, that
// a run that left out none stores an empty list, and that a run stored
// before runs kept the list, or no run at all, reads as not stored.
func TestListRunUnranked(t *testing.T) {
	chtest.ForEachEngine(t, func(t *testing.T, s *clickhouse.Store) {
		ctx := context.Background()
		if err := s.SaveScores(ctx, unrankedRun("kept"), unrankedUnits); err != nil {
			t.Fatal(err)
		}
		if err := s.SaveScores(ctx, unrankedRun("none"), nil); err != nil {
			t.Fatal(err)
		}
		checkRunUnranked(t, s, "kept", true, unrankedUnits)
		checkRunUnranked(t, s, "none", true, nil)
		checkRunUnranked(t, s, "missing", false, nil)

		// The runs that the first start lists from the scores table are
		// those of a ledger from before the lists were kept.
		if err := s.RelistScoreRuns(ctx); err != nil {
			t.Fatal(err)
		}
		checkRunUnranked(t, s, "kept", false, nil)
	})
}

func checkRunUnranked(t *testing.T, s *clickhouse.Store, runID string, wantStored bool, want []saima.Unit) {
	t.Helper()
	got, stored, err := s.ListRunUnranked(context.Background(), saima.Quarter(2026, 3), runID)
	if err != nil {
		t.Fatalf("ListRunUnranked(%s): %v", runID, err)
	}
	if stored != wantStored {
		t.Errorf("ListRunUnranked(%s) stored = %v, want %v", runID, stored, wantStored)
	}
	if fmt.Sprintf("%+v", got) != fmt.Sprintf("%+v", want) {
		t.Errorf("ListRunUnranked(%s) =\n%+v\nwant\n%+v", runID, got, want)
	}
}

// TestListRunUnrankedCauses checks that a run keeps why it left each unit
// out, whatever the reason's text says, and that a run stored before the
// causes were kept reads as it did, by the text.
func TestListRunUnrankedCauses(t *testing.T) {
	chtest.ForEachEngine(t, func(t *testing.T, s *clickhouse.Store) {
		ctx := context.Background()
		like := "新设功能区，本年度不按缺失值补分排名"
		noData := "2026年第三季度没有可计分的数据（考评平均得分率都没有数据），不按缺失值补分排名"
		units := []saima.Unit{
			{Name: "宁波前湾新区", Kind: saima.KindOther, Track: saima.TrackUnranked, UnrankedReason: like},
			{Name: "象山县", Kind: saima.KindDistrict, Track: saima.TrackUnranked, UnrankedReason: noData,
				UnrankedNoData: true},
		}
		if err := s.SaveScores(ctx, unrankedRun("causes"), units); err != nil {
			t.Fatal(err)
		}
		checkRunUnranked(t, s, "causes", true, units)

		// A row as saima wrote it before unranked_causes.
		old := []any{saima.Quarter(2026, 3).String(), "old", time.Date(2026, 10, 16, 10, 0, 0, 0, saima.Beijing),
			uint32(1), uint64(1), uint8(1), []string{units[0].Name, units[1].Name},
			[]string{units[0].Kind, units[1].Kind}, []string{like, noData}}
		err := s.Engine().Insert(ctx, s.Database()+".score_runs", []string{"period", "run_id", "computed_at",
			"scores", "recorded", "unranked_stored", "unranked_units", "unranked_kinds", "unranked_reasons"},
			[][]any{old})
		if err != nil {
			t.Fatal(err)
		}
		legacy := []saima.Unit{units[0], units[1]}
		legacy[0].UnrankedNoData = true
		checkRunUnranked(t, s, "old", true, legacy)
	})
}

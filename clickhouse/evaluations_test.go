package clickhouse_test

import (
	"context"
	"math"
	"reflect"
	"testing"
	"time"

	"saima"
	"saima/clickhouse"
	"saima/clickhouse/chtest"
	"saima/scoring"
)

// The store must implement what the scoring service needs.
var _ scoring.EvaluationStore = (*clickhouse.Store)(nil)

func TestEvaluationsRoundTrip(t *testing.T) {
	at := time.Date(2026, 7, 10, 9, 30, 0, 0, saima.Beijing)
	q2 := saima.Quarter(2026, 2)
	draft := scoring.Evaluation{
		Period: q2, RunID: "run-draft", RuleSet: "规则", RuleSetVersion: "abc",
		RuleSetText: "name: 规则\n# 注释 \\ 'quote'\ttab\n", DataAsOf: 1_780_000_000_123_456_789,
		Status: scoring.StatusDraft, CreatedAt: at, CreatedBy: "张三", Recorded: 1_780_000_000_200_000_000,
	}
	published := draft
	published.RunID, published.Version, published.Status = "run-v1", 1, scoring.StatusPublished
	published.PublishedAt, published.PublishedBy, published.Note = at.Add(time.Hour), "李四", "第一次发布"
	published.Recorded++
	results := []scoring.UnitResult{
		{Unit: "慈溪市", Track: "区县（市）", Base: 1.0 / 3, Bonus: 0.1, Penalty: 2, Vetoes: []string{"safety"},
			Grade: "良好", Lists: []string{"红榜"},
			Robust: &scoring.RankStats{Unit: "慈溪市", Track: "区县（市）", Nominal: 2, Median: 1.5, Q05: 1, Q95: 2.95, MeanShift: 0.1}},
		{Unit: "余姚市", Track: "区县（市）", Base: 0, Failed: true, Stopped: true},
	}

	chtest.ForEachEngine(t, func(t *testing.T, s *clickhouse.Store) {
		ctx := context.Background()
		if err := s.SaveEvaluation(ctx, draft, nil); err != nil {
			t.Fatal(err)
		}
		if err := s.SaveEvaluation(ctx, published, results); err != nil {
			t.Fatal(err)
		}

		evs, err := s.ListEvaluations(ctx, q2)
		if err != nil {
			t.Fatal(err)
		}
		if len(evs) != 2 {
			t.Fatalf("ListEvaluations returned %d records, want 2", len(evs))
		}
		for i, want := range []scoring.Evaluation{draft, published} {
			got := evs[i]
			if !got.CreatedAt.Equal(want.CreatedAt) || !got.PublishedAt.Equal(want.PublishedAt) {
				t.Errorf("record %d times = %v, %v; want %v, %v", i, got.CreatedAt, got.PublishedAt, want.CreatedAt, want.PublishedAt)
			}
			got.CreatedAt, got.PublishedAt = want.CreatedAt, want.PublishedAt
			if !reflect.DeepEqual(got, want) {
				t.Errorf("record %d = %+v, want %+v", i, got, want)
			}
		}

		got, err := s.ListUnitResults(ctx, q2, "run-v1")
		if err != nil {
			t.Fatal(err)
		}
		want := []scoring.UnitResult{results[1], results[0]} // by track, then unit
		if !reflect.DeepEqual(got, want) {
			t.Errorf("ListUnitResults = %+v, want %+v", got, want)
		}
		if other, err := s.ListUnitResults(ctx, q2, "run-draft"); err != nil || len(other) != 0 {
			t.Errorf("ListUnitResults(draft) = %v, %v; want none", other, err)
		}
	})
}

func TestOverridesRoundTrip(t *testing.T) {
	q2 := saima.Quarter(2026, 2)
	at := time.Date(2026, 7, 12, 15, 4, 5, 0, saima.Beijing)
	overrides := []scoring.Override{
		{Period: q2, Unit: "慈溪市", Indicator: "assessment_mean", Value: 1.0 / 3, By: "王五", Why: "考评组复核\n更正", At: at, Version: 10},
		{Period: q2, Unit: "慈溪市", Value: 88.8, By: "王五", Why: "市委决定", At: at, Version: 11},
		{Period: q2, Unit: "慈溪市", Value: 88.8, By: "赵六", Why: "录错单位", At: at, Version: 13, Withdrawn: true},
		{Period: saima.Quarter(2026, 3), Unit: "慈溪市", Value: 1, By: "x", Why: "y", At: at, Version: 12},
	}
	chtest.ForEachEngine(t, func(t *testing.T, s *clickhouse.Store) {
		ctx := context.Background()
		for _, o := range overrides {
			if err := s.SaveOverride(ctx, o); err != nil {
				t.Fatal(err)
			}
		}
		got, err := s.ListOverrides(ctx, q2)
		if err != nil {
			t.Fatal(err)
		}
		if len(got) != 3 {
			t.Fatalf("ListOverrides(2026Q2) returned %d, want 3", len(got))
		}
		for i := range got {
			if !got[i].At.Equal(at) {
				t.Errorf("override %d at %v, want %v", i, got[i].At, at)
			}
			got[i].At = at
			if !reflect.DeepEqual(got[i], overrides[i]) {
				t.Errorf("override %d = %+v, want %+v", i, got[i], overrides[i])
			}
		}
	})
}

func TestSaveOverrideRejectsMissingKey(t *testing.T) {
	s := chtest.Store(t)
	err := s.SaveOverride(context.Background(), scoring.Override{Period: saima.Quarter(2026, 2), Unit: "慈溪市"})
	if err == nil {
		t.Error("SaveOverride without a version = nil, want an error")
	}
}

func TestListRunScores(t *testing.T) {
	s := chtest.Store(t)
	ctx := context.Background()
	at := time.Date(2026, 7, 10, 9, 0, 0, 0, saima.Beijing)
	for i, run := range []string{"r1", "r2"} {
		sc := saima.Score{Period: saima.Quarter(2026, 2), Track: "区县（市）", RunID: run, ComputedAt: at.Add(time.Duration(i) * time.Hour),
			Unit: "慈溪市", Value: math.Nextafter(80, 81) + float64(i), Rank: 1}
		if err := s.SaveScores(ctx, []saima.Score{sc}, nil); err != nil {
			t.Fatal(err)
		}
	}
	got, err := s.ListRunScores(ctx, saima.Quarter(2026, 2), "r1")
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 1 || got[0].RunID != "r1" || got[0].Value != math.Nextafter(80, 81) {
		t.Errorf("ListRunScores(r1) = %+v, want r1's one score with its exact value", got)
	}
}

package scoring_test

import (
	"context"
	"io"
	"log/slog"
	"testing"

	"github.com/shopspring/decimal"

	"saima"
	"saima/clickhouse"
	"saima/clickhouse/chtest"
	"saima/scoring"
)

// planRules weighs 计划进度达成率 and the mean 完成率 equally.
const planRules = `name: 计划进度测试
tracks:
  - name: 区县（市）
indicators:
  - id: progress_vs_plan
    name: 计划进度达成率
    source: progress_vs_plan
    weight: 50
    normalise: {method: goalposts, lower: 0, upper: 100}
  - id: progress_mean
    name: 平均完成率
    source: progress_mean
    weight: 50
    normalise: {method: goalposts, lower: 0, upper: 100}
`

// oneDayLedger writes 2026Q2 with a plan for each project of 慈溪市 and
// 余姚市: P1 runs from 2026-04-01 to 2026-09-28, P2 is a one-day project
// on due, or has no dates when due is nil. Both report 40 percent.
func oneDayLedger(t *testing.T, due *saima.Date) (*scoring.Service, *clickhouse.Store) {
	t.Helper()
	s := chtest.Store(t)
	start, end := saima.NewDate(2026, 4, 1), saima.NewDate(2026, 9, 28)
	pct := decimal.NewNullDecimal(decimal.NewFromInt(40))
	batches := []*saima.Batch{
		{Upload: upload("oneday-units", saima.DatasetUnits), Units: []saima.Unit{
			{Name: cixi, Kind: saima.KindDistrict}, {Name: yuyao, Kind: saima.KindDistrict},
		}},
		{Upload: upload("oneday-projects", saima.DatasetProjects), Projects: []saima.Project{
			{Code: "P1", Name: "甲", Unit: cixi, StartDate: &start, DueDate: &end},
			{Code: "P2", Name: "乙", Unit: yuyao, StartDate: due, DueDate: due},
		}},
		{Upload: upload("oneday-progress", saima.DatasetProgress), Progress: []saima.ProgressReport{
			{Unit: cixi, ProjectCode: "P1", Period: q2, Percent: pct},
			{Unit: yuyao, ProjectCode: "P2", Period: q2, Percent: pct},
		}},
	}
	for _, b := range batches {
		if err := s.WriteBatch(context.Background(), b); err != nil {
			t.Fatalf("write %s: %v", b.Upload.ID, err)
		}
	}
	svc := &scoring.Service{Store: s, Rules: []byte(planRules), Log: slog.New(slog.NewTextHandler(io.Discard, nil))}
	return svc, s
}

// planOf returns the 计划进度达成率 contribution of unit in scores.
func planOf(t *testing.T, scores []saima.Score, unit string) saima.Contribution {
	t.Helper()
	for _, sc := range scores {
		if sc.Unit == unit {
			return sc.Contributions[0]
		}
	}
	t.Fatalf("no score of %s in %+v", unit, scores)
	return saima.Contribution{}
}

// TestOneDayProjectCountsInPlan gives 余姚市 a one-day project. On the
// period's last day and after, the whole plan is due, so 40 percent
// attains 40. Before the day nothing is due yet, so it attains 100.
func TestOneDayProjectCountsInPlan(t *testing.T) {
	cases := []struct {
		name string
		day  saima.Date
		want float64
	}{
		{"day within the quarter", saima.NewDate(2026, 5, 20), 40},
		{"day is the last day", saima.NewDate(2026, 6, 30), 40},
		{"day after the quarter", saima.NewDate(2026, 7, 1), 100},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			svc, _ := oneDayLedger(t, &c.day)
			st, err := svc.Publish(context.Background(), q2, "张三", "")
			if err != nil {
				t.Fatal(err)
			}
			got := planOf(t, scoresOf(st), yuyao)
			if got.Missing || got.Raw != c.want {
				t.Errorf("%s: 计划进度达成率 = %v (missing %v), want %v", yuyao, got.Raw, got.Missing, c.want)
			}
		})
	}
}

// TestOldRunLeavesOneDayOut stores version 2 of 2026Q2 as a run of facts
// revision 0 scored it: with the one-day project of 余姚市 left out of
// 计划进度达成率, as a project without dates is. Version 2 must recompute
// bit for bit so, while version 1, a new run, counts the project.
func TestOldRunLeavesOneDayOut(t *testing.T) {
	ctx := context.Background()
	day := saima.NewDate(2026, 5, 20)
	svc, s := oneDayLedger(t, &day)
	v1, err := svc.Publish(ctx, q2, "张三", "")
	if err != nil {
		t.Fatal(err)
	}
	if got := planOf(t, scoresOf(v1), yuyao); got.Missing {
		t.Fatalf("v1: 计划进度达成率 of %s is missing, want the one-day project counted", yuyao)
	}

	// Without dates the project is left out under every revision, so this
	// ledger scores as revision 0 scored the one-day project.
	undated, _ := oneDayLedger(t, nil)
	old, err := undated.Publish(ctx, q2, "张三", "")
	if err != nil {
		t.Fatal(err)
	}
	if got := planOf(t, scoresOf(old), yuyao); !got.Missing {
		t.Fatalf("undated: 计划进度达成率 of %s = %v, want missing", yuyao, got.Raw)
	}
	ev := *v1.Evaluation
	ev.Version, ev.RunID, ev.FactsRevision = 2, "20260701T090000-0ldrun01", 0
	scores := scoresOf(old)
	for i := range scores {
		scores[i].RunID = ev.RunID
	}
	if err := s.SaveScores(ctx, scores, nil); err != nil {
		t.Fatal(err)
	}
	saveEvaluation(t, s, ev, old)

	got, err := svc.Recompute(ctx, q2, 2)
	if err != nil {
		t.Fatalf("Recompute(v2) = %v", err)
	}
	assertSameBits(t, "Recompute(v2)", got, scores)
	got, err = svc.Recompute(ctx, q2, 1)
	if err != nil {
		t.Fatalf("Recompute(v1) = %v", err)
	}
	assertSameBits(t, "Recompute(v1)", got, scoresOf(v1))
}

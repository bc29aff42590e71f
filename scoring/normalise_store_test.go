package scoring_test

import (
	"context"
	"io"
	"log/slog"
	"testing"

	"github.com/shopspring/decimal"

	"saima"
	"saima/clickhouse/chtest"
	"saima/scoring"
)

// progressRankPoints ranks the mean 完成率 by rank points, 100 for the
// first place and 95 for the second.
const progressRankPoints = `name: 进度名次分
tracks: [{name: 区县（市）}]
indicators:
  - id: progress_mean
    name: 平均完成率
    source: progress_mean
    weight: 1
    normalise: {method: rank_points, points: [100, 95]}
`

// TestRankPointsTieAcrossFloatSums stores two districts whose mean 完成率
// is 49.95 on both engines: 慈溪市 reports 33.3 and 66.6, 余姚市 49.95
// twice. Summed as float64 the first mean is 49.949999999999996, which
// must not cost 慈溪市 the first place.
func TestRankPointsTieAcrossFloatSums(t *testing.T) {
	s := chtest.Store(t)
	pct := func(v string) decimal.NullDecimal {
		return decimal.NewNullDecimal(decimal.RequireFromString(v))
	}
	batches := []*saima.Batch{
		{Upload: upload("noise-units", saima.DatasetUnits), Units: []saima.Unit{
			{Name: cixi, Kind: saima.KindDistrict}, {Name: yuyao, Kind: saima.KindDistrict},
		}},
		{Upload: upload("noise-projects", saima.DatasetProjects), Projects: []saima.Project{
			{Code: "P1", Name: "甲", Unit: cixi}, {Code: "P2", Name: "乙", Unit: cixi},
			{Code: "P3", Name: "丙", Unit: yuyao}, {Code: "P4", Name: "丁", Unit: yuyao},
		}},
		{Upload: upload("noise-progress", saima.DatasetProgress), Progress: []saima.ProgressReport{
			{Unit: cixi, ProjectCode: "P1", Period: q2, Percent: pct("33.3")},
			{Unit: cixi, ProjectCode: "P2", Period: q2, Percent: pct("66.6")},
			{Unit: yuyao, ProjectCode: "P3", Period: q2, Percent: pct("49.95")},
			{Unit: yuyao, ProjectCode: "P4", Period: q2, Percent: pct("49.95")},
		}},
	}
	for _, b := range batches {
		if err := s.WriteBatch(context.Background(), b); err != nil {
			t.Fatalf("write %s: %v", b.Upload.ID, err)
		}
	}
	svc := &scoring.Service{Store: s, Rules: []byte(progressRankPoints),
		Log: slog.New(slog.NewTextHandler(io.Discard, nil))}

	scores, err := svc.Evaluate(t.Context(), q2)
	if err != nil {
		t.Fatal(err)
	}
	if len(scores) != 2 {
		t.Fatalf("Evaluate returned %d scores, want 2", len(scores))
	}
	for _, sc := range scores {
		if sc.Rank != 1 || sc.Value != 100 {
			t.Errorf("%s: rank %d, composite %v (mean 完成率 %v), want rank 1 and 100",
				sc.Unit, sc.Rank, sc.Value, sc.Contributions[0].Raw)
		}
	}
}

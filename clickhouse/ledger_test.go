package clickhouse_test

import (
	"context"
	"testing"

	"saima"
	"saima/clickhouse"
	"saima/clickhouse/chtest"
)

// TestLedgerStageSameDay checks that of two stages of one day the ledger
// shows the later one in the lifecycle. It used to show the one the engine
// returned last, which differed between the engines.
func TestLedgerStageSameDay(t *testing.T) {
	day := *date("2026-09-30")
	tests := []struct {
		name    string
		uploads [][]saima.StageEvent // one upload per element, in order
		want    string
	}{
		{"评估 and 完成 in one upload", [][]saima.StageEvent{{
			{ProjectCode: "P1", Stage: "评估", Date: day, Round: 1},
			{ProjectCode: "P1", Stage: "完成", Date: day, Round: 1},
		}}, "完成"},
		{"论证 and 决策 in one upload", [][]saima.StageEvent{{
			{ProjectCode: "P1", Stage: "论证", Date: day, Round: 1},
			{ProjectCode: "P1", Stage: "决策", Date: day, Round: 1},
		}}, "决策"},
		{"决策 uploaded after 论证", [][]saima.StageEvent{
			{{ProjectCode: "P1", Stage: "论证", Date: day, Round: 1}},
			{{ProjectCode: "P1", Stage: "决策", Date: day, Round: 1}},
		}, "决策"},
		{"论证 uploaded after 决策", [][]saima.StageEvent{
			{{ProjectCode: "P1", Stage: "决策", Date: day, Round: 1}},
			{{ProjectCode: "P1", Stage: "论证", Date: day, Round: 1}},
		}, "决策"},
		{"a change after 实施", [][]saima.StageEvent{{
			{ProjectCode: "P1", Stage: "实施", Date: day, Round: 1},
			{ProjectCode: "P1", Stage: saima.StageChange, Date: day, Round: 1,
				ChangeItem: "周期", ChangeReason: "需求调整"},
		}}, saima.StageChange},
		{"a later round's 论证 after the change", [][]saima.StageEvent{{
			{ProjectCode: "P1", Stage: saima.StageChange, Date: day, Round: 1,
				ChangeItem: "周期", ChangeReason: "需求调整"},
			{ProjectCode: "P1", Stage: "论证", Date: day, Round: 2},
		}}, "论证"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			chtest.ForEachEngine(t, func(t *testing.T, s *clickhouse.Store) {
				ctx := context.Background()
				writeBatch(t, s, &saima.Batch{Upload: upload(saima.DatasetProjects), Projects: []saima.Project{
					{Code: "P1", Name: "项目", Unit: "宁波市北仑区", System: "数字政府"},
				}})
				for _, events := range tt.uploads {
					writeBatch(t, s, &saima.Batch{Upload: upload(saima.DatasetStages), Stages: events})
				}
				// Reading more than once gives the engine's threads several
				// chances to return the events in another order.
				for range 5 {
					entries, err := s.ListLedger(ctx, saima.LedgerFilter{AsOf: day})
					if err != nil {
						t.Fatal(err)
					}
					if len(entries) != 1 || entries[0].Stage != tt.want {
						t.Fatalf("ledger = %+v, want project P1 at stage %s", entries, tt.want)
					}
				}
			})
		})
	}
}

// TestLedgerPercentTwoUnits checks the latest percent of a project that
// its responsible unit and its lead unit both reported for one period: the
// later report date counts. It used to change from one read to the next.
func TestLedgerPercentTwoUnits(t *testing.T) {
	q := saima.Quarter(2026, 3)
	early := saima.ProgressReport{Unit: "宁波市北仑区", ProjectCode: "P1", ProjectName: "项目", Period: q,
		Percent: pct("60"), ReportDate: date("2026-09-20")}
	late := saima.ProgressReport{Unit: "市大数据局", ProjectCode: "P1", ProjectName: "项目", Period: q,
		Percent: pct("80"), ReportDate: date("2026-09-30")}
	// The same date: the unit that sorts last decides, the same on every
	// read.
	sameDay := late
	sameDay.ReportDate, sameDay.Percent = early.ReportDate, pct("70")
	tests := []struct {
		name    string
		uploads [][]saima.ProgressReport
		want    string
	}{
		{"the later report uploaded last", [][]saima.ProgressReport{{early}, {late}}, "80"},
		{"the later report uploaded first", [][]saima.ProgressReport{{late}, {early}}, "80"},
		{"one upload", [][]saima.ProgressReport{{late, early}}, "80"},
		{"the same report date", [][]saima.ProgressReport{{early}, {sameDay}}, "70"},
		{"the same report date, uploaded the other way", [][]saima.ProgressReport{{sameDay}, {early}}, "70"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			chtest.ForEachEngine(t, func(t *testing.T, s *clickhouse.Store) {
				writeBatch(t, s, &saima.Batch{Upload: upload(saima.DatasetProjects), Projects: []saima.Project{
					{Code: "P1", Name: "项目", Unit: "宁波市北仑区", LeadUnit: "市大数据局", System: "数字政府"},
				}})
				for _, reports := range tt.uploads {
					writeBatch(t, s, &saima.Batch{Upload: upload(saima.DatasetProgress), Progress: reports})
				}
				for range 10 {
					entries, err := s.ListLedger(context.Background(), saima.LedgerFilter{AsOf: *date("2026-10-01")})
					if err != nil {
						t.Fatal(err)
					}
					if len(entries) != 1 || entries[0].LatestPercent.Decimal.String() != tt.want {
						t.Fatalf("ledger = %+v, want latest percent %s", entries, tt.want)
					}
				}
			})
		})
	}
}

package clickhouse_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"saima"
	"saima/clickhouse"
	"saima/clickhouse/chtest"
	"saima/scoring"
)

// benchSizes are the milestone-table sizes the scoring benchmarks run at.
var benchSizes = []int{1_000_000, 10_000_000}

// fillMilestones writes n synthetic milestones under one upload and
// commits it as any upload is committed (superseded versions and the
// milestone tally). The rows are generated inside the engine so that
// setting up ten million takes seconds: 200 000 projects of 31 units,
// planned dates over 2025–2026, a third still open and the rest done up to
// three days early or late.
func fillMilestones(b *testing.B, s *clickhouse.Store, n int) {
	b.Helper()
	ctx := context.Background()
	w, err := s.BeginUpload(saima.Upload{ID: "bench", Dataset: saima.DatasetMilestones,
		At: time.Date(2026, 10, 1, 0, 0, 0, 0, saima.Beijing)})
	if err != nil {
		b.Fatal(err)
	}
	err = s.Engine().Exec(ctx, "INSERT INTO "+s.Database()+".milestones "+
		"(project_code, name, unit, planned, actual, status, upload_id, version) "+
		"SELECT concat('P', toString(number % 200000)), concat('m', toString(intDiv(number, 200000))), "+
		"concat('单位', toString(number % 31)), toDate('2025-01-01') + (number % 730), "+
		"if(number % 3 = 0, NULL, toDate('2025-01-01') + (number % 730) + (number % 7) - 3), '', 'bench', ? "+
		"FROM numbers(?)", w.Version(), uint64(n))
	if err != nil {
		b.Fatal(err)
	}
	w.Wrote("milestones")
	if err := w.Commit(ctx); err != nil {
		b.Fatal(err)
	}
}

// bareQuery is the plain aggregate the quarterly milestone facts reduce to:
// the same rows, the same date filter, no versions and no visibility.
const bareQuery = "SELECT unit, count(), countIf(ifNull(actual, toDate('2105-12-31')) <= planned) " +
	"FROM %s.milestones WHERE planned >= toDate('2026-07-01') AND planned <= toDate('2026-09-30') GROUP BY unit"

func benchUnits() []saima.Unit {
	units := make([]saima.Unit, 31)
	for i := range units {
		units[i] = saima.Unit{Name: fmt.Sprintf("单位%d", i), Kind: saima.KindDistrict, Track: saima.KindDistrict}
	}
	return units
}

// BenchmarkStoreQuarterlyScoring measures a full quarterly evaluation (the
// facts queries, the rule set and the ranking) next to the bare aggregate
// over the same milestone rows, on each engine.
func BenchmarkStoreQuarterlyScoring(b *testing.B) {
	rs, err := scoring.LoadRuleSet("../rulesets/2026.yaml")
	if err != nil {
		b.Fatal(err)
	}
	for _, engine := range chtest.Engines {
		for _, n := range benchSizes {
			b.Run(fmt.Sprintf("%s/rows=%d", engine, n), func(b *testing.B) {
				s := chtest.StoreOn(b, engine)
				fillMilestones(b, s, n)
				ctx := context.Background()
				q := saima.Quarter(2026, 3)

				b.Run("bare", func(b *testing.B) {
					for b.Loop() {
						rows, err := s.Engine().Query(ctx, fmt.Sprintf(bareQuery, s.Database()))
						if err != nil {
							b.Fatal(err)
						}
						rows.Close()
					}
				})
				b.Run("evaluation", func(b *testing.B) {
					for b.Loop() {
						facts, err := s.Facts(ctx, q)
						if err != nil {
							b.Fatal(err)
						}
						if _, err := scoring.Evaluate(rs, q, benchUnits(), facts, nil); err != nil {
							b.Fatal(err)
						}
					}
				})
				// While the quarter runs, the facts also read the due
				// days of the judging day's month from the milestones
				// table.
				running := s.WithClock(func() time.Time { return time.Date(2026, 9, 15, 10, 0, 0, 0, saima.Beijing) })
				b.Run("evaluation-running", func(b *testing.B) {
					for b.Loop() {
						facts, err := running.Facts(ctx, q)
						if err != nil {
							b.Fatal(err)
						}
						if _, err := scoring.Evaluate(rs, q, benchUnits(), facts, nil); err != nil {
							b.Fatal(err)
						}
					}
				})
			})
		}
	}
}

// BenchmarkStoreImport measures writing milestones through the store's
// import path (bound TabSeparated on chDB, native batches on the server)
// and reports rows per second.
func BenchmarkStoreImport(b *testing.B) {
	const rows = 100_000
	ms := make([]saima.Milestone, rows)
	for i := range ms {
		actual := saima.NewDate(2026, 9, 1+i%28)
		ms[i] = saima.Milestone{ProjectCode: fmt.Sprintf("NB-2026-%06d", i), Name: "主体工程完工",
			Unit: "宁波市海曙区", Planned: saima.NewDate(2026, 9, 30), Actual: &actual, Status: "已完成"}
	}
	for _, engine := range chtest.Engines {
		b.Run(engine, func(b *testing.B) {
			s := chtest.StoreOn(b, engine)
			ctx := context.Background()
			i := 0
			for b.Loop() {
				i++
				batch := &saima.Batch{Upload: saima.Upload{ID: fmt.Sprintf("bench-%d", i),
					Dataset: saima.DatasetMilestones}, Milestones: ms}
				if err := s.WriteBatch(ctx, batch); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(rows*b.N)/b.Elapsed().Seconds(), "rows/s")
		})
	}
}

// BenchmarkStoreImportLarge writes one upload of 1 and 10 million
// milestones through an UploadWriter, 100 000 at a time as the ingest
// service sends them, then commits it, and reports rows per second. Run
// it with -benchtime 1x: each run writes every row.
func BenchmarkStoreImportLarge(b *testing.B) {
	const chunk = 100_000
	ms := make([]saima.Milestone, chunk)
	for _, engine := range chtest.Engines {
		for _, n := range benchSizes {
			b.Run(fmt.Sprintf("%s/rows=%d", engine, n), func(b *testing.B) {
				s := chtest.StoreOn(b, engine)
				ctx := context.Background()
				i := 0
				for b.Loop() {
					i++
					w, err := s.BeginUpload(saima.Upload{ID: fmt.Sprintf("large-%d", i), Dataset: saima.DatasetMilestones})
					if err != nil {
						b.Fatal(err)
					}
					for start := 0; start < n; start += chunk {
						for j := range ms {
							k := start + j
							actual := saima.NewDate(2026, 9, 1+k%28)
							ms[j] = saima.Milestone{ProjectCode: fmt.Sprintf("NB-2026-%07d", k/4),
								Name: fmt.Sprintf("节点%d", k%4), Unit: fmt.Sprintf("单位%d", k%31),
								Planned: saima.NewDate(2026, 9, 30), Actual: &actual, Status: "已完成"}
						}
						if err := w.Write(ctx, &saima.Batch{Milestones: ms}); err != nil {
							b.Fatal(err)
						}
					}
					if err := w.Commit(ctx); err != nil {
						b.Fatal(err)
					}
				}
				b.ReportMetric(float64(n*b.N)/b.Elapsed().Seconds(), "rows/s")
			})
		}
	}
}

// commitLedgerSizes are the ledger sizes, in milestone and progress rows
// together, that BenchmarkStoreCommitSmall commits into.
var commitLedgerSizes = []int{100_000, 2_000_000, 10_000_000}

// fillLedger writes n synthetic rows under one upload, half milestones and
// half progress reports, and commits it. Milestone i has the key
// (P<i>, m0) and progress report i the key (单位<i mod 31>, P<i>, 2026Q3).
func fillLedger(b *testing.B, s *clickhouse.Store, n int) {
	b.Helper()
	ctx := context.Background()
	w, err := s.BeginUpload(saima.Upload{ID: "ledger", Dataset: saima.DatasetMilestones,
		At: time.Date(2026, 10, 1, 0, 0, 0, 0, saima.Beijing)})
	if err != nil {
		b.Fatal(err)
	}
	err = s.Engine().Exec(ctx, "INSERT INTO "+s.Database()+".milestones "+
		"(project_code, name, unit, planned, actual, status, upload_id, version) "+
		"SELECT concat('P', toString(number)), 'm0', concat('单位', toString(number % 31)), "+
		"toDate('2025-01-01') + (number % 730), NULL, '', 'ledger', ? FROM numbers(?)",
		w.Version(), uint64(n/2))
	if err != nil {
		b.Fatal(err)
	}
	err = s.Engine().Exec(ctx, "INSERT INTO "+s.Database()+".progress "+
		"(unit, project_code, project_name, period, quarter, percent, upload_id, version) "+
		"SELECT concat('单位', toString(number % 31)), concat('P', toString(number)), '项目', "+
		"'2026Q3', '2026Q3', toDecimal64(number % 101, 4), 'ledger', ? FROM numbers(?)",
		w.Version(), uint64(n/2))
	if err != nil {
		b.Fatal(err)
	}
	w.Wrote("milestones")
	w.Wrote("progress")
	if err := w.Commit(ctx); err != nil {
		b.Fatal(err)
	}
}

// smallUpload returns the batch of upload i: 50 milestones and 50
// progress reports, of which 25 each replace rows of fillLedger's ledger
// of n rows and 25 each have keys of their own.
func smallUpload(i, n int) *saima.Batch {
	b := &saima.Batch{}
	planned := saima.NewDate(2026, 9, 30)
	for j := range 50 {
		k := (i*25 + j) * 7919 % (n / 2)
		code, unit := fmt.Sprintf("P%d", k), fmt.Sprintf("单位%d", k%31)
		if j >= 25 {
			code, unit = fmt.Sprintf("新项目-%d-%d", i, j), "单位0"
		}
		b.Milestones = append(b.Milestones, saima.Milestone{ProjectCode: code, Name: "m0",
			Unit: "单位1", Planned: planned})
		b.Progress = append(b.Progress, saima.ProgressReport{Unit: unit, ProjectCode: code,
			ProjectName: "项目", Period: saima.Quarter(2026, 3), Percent: pct("50")})
	}
	return b
}

// BenchmarkStoreCommitSmall measures a small upload (50 milestones and 50
// progress reports, half of them replacing stored keys) committed into
// ledgers of 100 000, 2 000 000 and 10 000 000 rows. It reports the time
// of UploadWriter.CommitCounting per upload, apart from writing the rows.
func BenchmarkStoreCommitSmall(b *testing.B) {
	for _, engine := range chtest.Engines {
		for _, n := range commitLedgerSizes {
			b.Run(fmt.Sprintf("%s/ledger=%d", engine, n), func(b *testing.B) {
				s := chtest.StoreOn(b, engine)
				fillLedger(b, s, n)
				ctx := context.Background()
				var commit time.Duration
				i := 0
				for b.Loop() {
					i++
					w, err := s.BeginUpload(saima.Upload{ID: fmt.Sprintf("small-%d", i), Dataset: saima.DatasetMilestones})
					if err != nil {
						b.Fatal(err)
					}
					if err := w.Write(ctx, smallUpload(i, n)); err != nil {
						b.Fatal(err)
					}
					start := time.Now()
					replaced, err := w.CommitCounting(ctx, nil)
					if err != nil {
						b.Fatal(err)
					}
					if replaced != 50 {
						b.Fatalf("upload %d replaced %d records, want 50", i, replaced)
					}
					commit += time.Since(start)
				}
				b.ReportMetric(float64(commit.Microseconds())/1000/float64(b.N), "commit-ms/op")
			})
		}
	}
}

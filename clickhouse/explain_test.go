package clickhouse_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/shopspring/decimal"

	"saima"
	"saima/clickhouse"
	"saima/clickhouse/chtest"
	"saima/scoring"
)

// explainBatches are a projects file, a milestones file, a progress file,
// an assessments file and a problem list for 慈溪市 and 余姚市 in 2026Q3,
// with upload IDs ex-projects, ex-milestones, ex-progress, ex-assessments
// and ex-problems.
func explainBatches() []*saima.Batch {
	q3 := saima.Quarter(2026, 3)
	up := func(dataset string, minute int) saima.Upload {
		return saima.Upload{ID: "ex-" + dataset, Dataset: dataset, Uploader: "office",
			At: time.Date(2026, 10, 15, 9, minute, 0, 0, saima.Beijing), FileName: dataset + "-2026Q3.csv"}
	}
	return []*saima.Batch{
		{Upload: up(saima.DatasetProjects, 1), Projects: []saima.Project{
			{Code: "P1", Name: "甲", Unit: "慈溪市", StartDate: date("2026-01-01"), DueDate: date("2026-12-31")},
			{Code: "P2", Name: "乙", Unit: "余姚市"},
		}},
		{Upload: up(saima.DatasetMilestones, 2), Milestones: []saima.Milestone{
			{ProjectCode: "P1", Name: "a", Planned: *date("2026-07-31"), Actual: date("2026-07-31")},
			{ProjectCode: "P1", Name: "b", Planned: *date("2026-08-31"), Actual: date("2026-09-02")},
			{ProjectCode: "P1", Name: "c", Planned: *date("2026-09-30")},
			{ProjectCode: "P1", Name: "d", Planned: *date("2026-10-01")},
			{ProjectCode: "P2", Name: "x", Unit: "慈溪市", Planned: *date("2026-09-01"), Actual: date("2026-08-01")},
			{ProjectCode: "P2", Name: "y", Planned: *date("2026-09-30"), Actual: date("2026-09-01")},
		}},
		{Upload: up(saima.DatasetProgress, 3), Progress: []saima.ProgressReport{
			{Unit: "慈溪市", ProjectCode: "P1", Period: saima.Month(2026, 8), Percent: pct("30"), ReportDate: date("2026-08-31")},
			{Unit: "慈溪市", ProjectCode: "P1", Period: q3, Percent: pct("50"), ReportDate: date("2026-09-30")},
			{Unit: "余姚市", ProjectCode: "P2", Period: q3, Percent: pct("40")},
		}},
		{Upload: up(saima.DatasetAssessments, 4), Assessments: []saima.Assessment{
			{Unit: "慈溪市", Indicator: "x", Mode: "线上日常", Period: q3, Score: decimal.RequireFromString("0.5"), FullMarks: pct("1")},
			{Unit: "慈溪市", Indicator: "y", Mode: "线上日常", Period: q3, Score: decimal.NewFromInt(90)},
			{Unit: "慈溪市", Indicator: "z", Mode: "线下年终", Period: saima.Year(2026), Score: decimal.NewFromInt(10)},
		}},
		{Upload: up(saima.DatasetProblems, 5), Problems: []saima.ProblemItem{
			// Closed on the quarter's last day, so closed in 2026Q3.
			{ID: "W1", Unit: "慈溪市", Stage: "已办结", Level: 2, Opened: *date("2026-07-01"), Closed: date("2026-09-30")},
			// Its 已办结 环节 does not count: the 办结日期 comes after the quarter.
			{ID: "W2", Unit: "慈溪市", Stage: "已办结", Level: 1, Opened: *date("2026-09-30"), Closed: date("2026-10-01")},
			{ID: "W3", Unit: "慈溪市", Stage: "分析研判", Level: 3, Opened: *date("2026-08-15")},
			{ID: "W4", Unit: "慈溪市", Stage: "收集", Level: 1, Opened: *date("2026-06-30")},
			{ID: "W5", Unit: "余姚市", Stage: "收集", Level: 1, Opened: *date("2026-08-01")},
		}},
	}
}

func writeBatches(t *testing.T, s *clickhouse.Store, batches []*saima.Batch) {
	t.Helper()
	for _, b := range batches {
		if err := s.WriteBatch(context.Background(), b); err != nil {
			t.Fatalf("write %s: %v", b.Upload.ID, err)
		}
	}
}

// describeEvidence formats evidence one row per line, for comparison.
func describeEvidence(ev scoring.Evidence) string {
	var b strings.Builder
	for _, m := range ev.Milestones {
		actual := "—"
		if m.Actual != nil {
			actual = m.Actual.String()
		}
		fmt.Fprintf(&b, "milestone %s/%s %s planned=%s actual=%s ontime=%v from %s %s %s\n", m.ProjectCode, m.Name, m.Unit,
			m.Planned, actual, m.OnTime, m.UploadID, m.FileName, m.UploadedAt.In(saima.Beijing).Format("15:04"))
	}
	for _, r := range ev.Progress {
		fmt.Fprintf(&b, "progress %s %s %s%% counted=%v attainment=%.3f from %s %s\n", r.ProjectCode, r.Period,
			r.Percent.Decimal, r.Counted, r.Attainment, r.UploadID, r.FileName)
	}
	for _, a := range ev.Assessments {
		fmt.Fprintf(&b, "assessment %s %s %s %.1f%% from %s %s\n", a.Indicator, a.Mode, a.Period, a.Percent,
			a.UploadID, a.FileName)
	}
	for _, pr := range ev.Problems {
		fmt.Fprintf(&b, "problem %s %s level=%d counted=%v days=%d from %s %s\n", pr.ID, pr.Opened, pr.Level,
			pr.Counted, pr.Days, pr.UploadID, pr.FileName)
	}
	return b.String()
}

func TestEvidence(t *testing.T) {
	// 慈溪市 has four milestones due: a, b, c and x, which names 慈溪市
	// although its project is 余姚市's. P1's 2026Q3 report counts and its
	// August report does not. The year's assessment is not in the quarter.
	want := strings.Join([]string{
		"milestone P1/a 慈溪市 planned=2026-07-31 actual=2026-07-31 ontime=true from ex-milestones milestones-2026Q3.csv 09:02",
		"milestone P1/b 慈溪市 planned=2026-08-31 actual=2026-09-02 ontime=false from ex-milestones milestones-2026Q3.csv 09:02",
		"milestone P2/x 慈溪市 planned=2026-09-01 actual=2026-08-01 ontime=true from ex-milestones milestones-2026Q3.csv 09:02",
		"milestone P1/c 慈溪市 planned=2026-09-30 actual=— ontime=false from ex-milestones milestones-2026Q3.csv 09:02",
		"progress P1 2026-08 30% counted=false attainment=0.000 from ex-progress progress-2026Q3.csv",
		"progress P1 2026Q3 50% counted=true attainment=66.912 from ex-progress progress-2026Q3.csv",
		"assessment x 线上日常 2026Q3 50.0% from ex-assessments assessments-2026Q3.csv",
		"assessment y 线上日常 2026Q3 90.0% from ex-assessments assessments-2026Q3.csv",
		"problem W1 2026-07-01 level=2 counted=true days=91 from ex-problems problems-2026Q3.csv",
		"problem W3 2026-08-15 level=3 counted=false days=0 from ex-problems problems-2026Q3.csv",
		"problem W2 2026-09-30 level=1 counted=false days=0 from ex-problems problems-2026Q3.csv",
	}, "\n") + "\n"

	chtest.ForEachEngine(t, func(t *testing.T, s *clickhouse.Store) {
		writeBatches(t, s, explainBatches())
		ev, err := s.Evidence(context.Background(), saima.Quarter(2026, 3), "慈溪市")
		if err != nil {
			t.Fatal(err)
		}
		if got := describeEvidence(ev); got != want {
			t.Errorf("Evidence(2026Q3, 慈溪市) =\n%s\nwant\n%s", got, want)
		}
	})
}

func TestEvidenceMatchesFacts(t *testing.T) {
	chtest.ForEachEngine(t, func(t *testing.T, s *clickhouse.Store) {
		writeBatches(t, s, explainBatches())
		assertEvidenceMatchesFacts(t, s, saima.Quarter(2026, 3))
	})
}

// assertEvidenceMatchesFacts fails unless every unit's evidence adds up
// to its facts for period.
func assertEvidenceMatchesFacts(t *testing.T, s *clickhouse.Store, q3 saima.Period) {
	t.Helper()
	ctx := context.Background()
	facts, err := s.Facts(ctx, q3)
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range facts {
		ev, err := s.Evidence(ctx, q3, f.Unit)
		if err != nil {
			t.Fatal(err)
		}
		var onTime, counted, closed int
		var progressSum, planSum, assessSum, closeDays float64
		for _, m := range ev.Milestones {
			if m.OnTime {
				onTime++
			}
		}
		for _, r := range ev.Progress {
			if r.Counted {
				counted++
				progressSum += r.Percent.Decimal.InexactFloat64()
				planSum += r.Attainment
			}
		}
		for _, a := range ev.Assessments {
			assessSum += a.Percent
		}
		for _, pr := range ev.Problems {
			if pr.Counted {
				closed++
				closeDays += float64(pr.Days)
			}
		}
		const format = "due=%d ontime=%d reports=%d sum=%.6f plan=%.6f assess=%d pct=%.6f problems=%d closed=%d days=%.0f"
		got := fmt.Sprintf(format, len(ev.Milestones), onTime, counted, progressSum, planSum, len(ev.Assessments),
			assessSum, len(ev.Problems), closed, closeDays)
		want := fmt.Sprintf(format, f.MilestonesDue, f.MilestonesOnTime, f.ProgressReports, f.ProgressSum,
			f.PlanAttainmentSum, f.Assessments, f.AssessmentPctSum, f.ProblemsOpened, f.ProblemsClosed,
			f.ProblemCloseDaysSum)
		if got != want {
			t.Errorf("evidence of %s adds up to %s, want the facts %s", f.Unit, got, want)
		}
	}
}

func TestEvidenceAsOf(t *testing.T) {
	chtest.ForEachEngine(t, testEvidenceAsOf)
}

func testEvidenceAsOf(t *testing.T, s *clickhouse.Store) {
	writeBatches(t, s, explainBatches())
	ctx := context.Background()
	asOf := s.Now()

	fix := &saima.Batch{
		Upload: saima.Upload{ID: "ex-fix", Dataset: saima.DatasetMilestones, Uploader: "office",
			At: time.Date(2026, 10, 20, 9, 0, 0, 0, saima.Beijing), FileName: "milestones-fix.csv"},
		Milestones: []saima.Milestone{{ProjectCode: "P1", Name: "c", Planned: *date("2026-09-30"), Actual: date("2026-09-29")}},
	}
	writeBatches(t, s, []*saima.Batch{fix})

	tests := []struct {
		name       string
		store      *clickhouse.Store
		wantUpload string
		wantOnTime bool
	}{
		{"AsOfBeforeFix", s.AsOf(asOf), "ex-milestones", false},
		{"Current", s, "ex-fix", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ev, err := tt.store.Evidence(ctx, saima.Quarter(2026, 3), "慈溪市")
			if err != nil {
				t.Fatal(err)
			}
			for _, m := range ev.Milestones {
				if m.Name != "c" {
					continue
				}
				if m.UploadID != tt.wantUpload || m.OnTime != tt.wantOnTime {
					t.Errorf("milestone c from %s on time %v, want %s, %v", m.UploadID, m.OnTime, tt.wantUpload, tt.wantOnTime)
				}
				return
			}
			t.Error("milestone c is missing from the evidence")
		})
	}
}

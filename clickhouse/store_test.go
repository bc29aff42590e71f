package clickhouse_test

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/shopspring/decimal"

	"saima"
	"saima/clickhouse"
	"saima/clickhouse/chtest"
)

var uploadSeq int

func upload(dataset string) saima.Upload {
	uploadSeq++
	return saima.Upload{
		ID:       fmt.Sprintf("up-%d", uploadSeq),
		Dataset:  dataset,
		Uploader: "office",
		At:       time.Date(2026, 10, 15, 9, 0, uploadSeq, 0, saima.Beijing),
		FileName: dataset + ".csv",
	}
}

func pct(s string) decimal.NullDecimal {
	return decimal.NullDecimal{Decimal: decimal.RequireFromString(s), Valid: true}
}

func date(s string) *saima.Date {
	d, err := saima.ParseDate(s)
	if err != nil {
		panic(err)
	}
	return &d
}

func progressBatch(percents ...string) *saima.Batch {
	b := &saima.Batch{Upload: upload(saima.DatasetProgress)}
	for i, p := range percents {
		b.Progress = append(b.Progress, saima.ProgressReport{
			Unit:        "宁波市北仑区",
			ProjectCode: fmt.Sprintf("NB-2026-%03d", 17+i),
			ProjectName: "项目",
			Period:      saima.Quarter(2026, 3),
			Percent:     pct(p),
			ReportDate:  date("2026-09-30"),
			Progress:    "完成三维建模",
		})
	}
	return b
}

func meanPercent(t *testing.T, s *clickhouse.Store) (int, float64) {
	t.Helper()
	reports, err := s.ListProgress(context.Background(), saima.Quarter(2026, 3))
	if err != nil {
		t.Fatal(err)
	}
	sum := decimal.Zero
	for _, r := range reports {
		sum = sum.Add(r.Percent.Decimal)
	}
	if len(reports) == 0 {
		return 0, 0
	}
	return len(reports), sum.Div(decimal.NewFromInt(int64(len(reports)))).InexactFloat64()
}

func TestStoreReuploadLatestWins(t *testing.T) {
	chtest.ForEachEngine(t, func(t *testing.T, s *clickhouse.Store) {
		ctx := context.Background()
		v1 := []string{"60", "45", "72", "88", "100"}
		v2 := []string{"85", "45", "75", "88", "100"}

		steps := []struct {
			name     string
			percents []string
			wantN    int
			wantMean float64
		}{
			{"first upload", v1, 5, 73},
			{"same file again", v1, 5, 73},
			{"corrected file", v2, 5, 78.6},
			{"first file once more", v1, 5, 73},
		}
		for _, st := range steps {
			if err := s.WriteBatch(ctx, progressBatch(st.percents...)); err != nil {
				t.Fatalf("%s: %v", st.name, err)
			}
			n, mean := meanPercent(t, s)
			if n != st.wantN || mean != st.wantMean {
				t.Errorf("after %s: %d records, mean %v; want %d, %v", st.name, n, mean, st.wantN, st.wantMean)
			}
		}
	})
}

func TestStoreHidesUnfinishedUpload(t *testing.T) {
	chtest.ForEachEngine(t, func(t *testing.T, s *clickhouse.Store) {
		ctx := context.Background()
		b := progressBatch("50")

		// Rows written without their upload record model a crash between the
		// data INSERT and the upload INSERT.
		if err := s.Engine().Insert(ctx, testTable(t, s, "progress"),
			[]string{"unit", "project_code", "period", "quarter", "percent", "upload_id", "version"},
			[][]any{{"宁波市北仑区", "NB-2026-017", "2026Q3", "2026Q3", decimal.NewFromInt(50), b.Upload.ID, uint64(1)}}); err != nil {
			t.Fatal(err)
		}
		if n, _ := meanPercent(t, s); n != 0 {
			t.Errorf("rows of an unfinished upload are visible: %d records", n)
		}
	})
}

func testTable(t *testing.T, s *clickhouse.Store, name string) string {
	t.Helper()
	rows, err := s.Engine().Query(context.Background(), "SELECT currentDatabase()")
	if err != nil {
		t.Fatal(err)
	}
	rows.Close()
	return s.Database() + "." + name
}

func TestStoreRoundTripsValues(t *testing.T) {
	chtest.ForEachEngine(t, func(t *testing.T, s *clickhouse.Store) {
		ctx := context.Background()
		text := "</script><script>alert(1)</script> \"q\" 'a' \\ tab\there\nline 𠮷 =1+2"

		b := &saima.Batch{Upload: upload(saima.DatasetProgress)}
		b.Progress = []saima.ProgressReport{
			{Unit: "市大数据局", ProjectCode: "NB-1", Period: saima.Month(2026, 9), Percent: pct("40.885"),
				ReportDate: date("2026-09-30"), Progress: text, Problems: ""},
			{Unit: "市大数据局", ProjectCode: "NB-2", Period: saima.Quarter(2026, 3), Percent: decimal.NullDecimal{}},
			{Unit: "市大数据局", ProjectCode: "NB-3", Period: saima.Quarter(2026, 3), Percent: pct("0")},
			{Unit: "市大数据局", ProjectCode: "NB-4", Period: saima.Quarter(2026, 3), Percent: pct("100")},
		}
		if err := s.WriteBatch(ctx, b); err != nil {
			t.Fatal(err)
		}
		got, err := s.ListProgress(ctx, saima.Quarter(2026, 3))
		if err != nil {
			t.Fatal(err)
		}
		if len(got) != 4 {
			t.Fatalf("ListProgress returned %d reports, want 4", len(got))
		}
		byCode := map[string]saima.ProgressReport{}
		for _, r := range got {
			byCode[r.ProjectCode] = r
		}
		if r := byCode["NB-1"]; r.Progress != text || r.Percent.Decimal.String() != "40.885" ||
			r.Period != saima.Month(2026, 9) || r.ReportDate == nil || r.ReportDate.String() != "2026-09-30" {
			t.Errorf("NB-1 = %+v, want the values written", r)
		}
		if r := byCode["NB-2"]; r.Percent.Valid {
			t.Errorf("NB-2 percent = %v, want NULL", r.Percent.Decimal)
		}
		if r := byCode["NB-3"]; !r.Percent.Valid || !r.Percent.Decimal.IsZero() {
			t.Errorf("NB-3 percent = %+v, want 0", r.Percent)
		}
		if r := byCode["NB-4"]; r.Percent.Decimal.String() != "100" {
			t.Errorf("NB-4 percent = %s, want 100", r.Percent.Decimal)
		}
	})
}

// A unit kept out of the ranking keeps its track and reason; other units
// read an empty reason.
func TestStoreUnitUnranked(t *testing.T) {
	chtest.ForEachEngine(t, func(t *testing.T, s *clickhouse.Store) {
		ctx := context.Background()
		b := &saima.Batch{Upload: upload(saima.DatasetUnits), Units: []saima.Unit{
			{Name: "宁波前湾新区", Kind: saima.KindOther, Track: saima.TrackUnranked, UnrankedReason: "新设功能区\t2027年起参评"},
			{Name: "宁波市海曙区", Kind: saima.KindDistrict, Track: saima.KindDistrict},
		}}
		if err := s.WriteBatch(ctx, b); err != nil {
			t.Fatal(err)
		}
		got, err := s.ListUnits(ctx)
		if err != nil {
			t.Fatal(err)
		}
		want := fmt.Sprintf("%+v", []saima.Unit{
			{Name: "宁波前湾新区", Aliases: []string{}, Kind: saima.KindOther, Track: saima.TrackUnranked,
				UnrankedReason: "新设功能区\t2027年起参评"},
			{Name: "宁波市海曙区", Aliases: []string{}, Kind: saima.KindDistrict, Track: saima.KindDistrict},
		})
		if fmt.Sprintf("%+v", got) != want {
			t.Errorf("ListUnits() =\n%+v\nwant\n%s", got, want)
		}
	})
}

func TestStoreScoresRoundTrip(t *testing.T) {
	chtest.ForEachEngine(t, func(t *testing.T, s *clickhouse.Store) {
		ctx := context.Background()
		at := time.Date(2026, 10, 16, 10, 0, 0, 0, saima.Beijing)
		run := func(id string, value float64) []saima.Score {
			return []saima.Score{{
				Period: saima.Quarter(2026, 3), Track: "区县（市）", RuleSet: "2026", RuleSetVersion: "abc",
				RunID: id, ComputedAt: at, Unit: "慈溪市", Value: value, Rank: 1, PrevRank: 3,
				Contributions: []saima.Contribution{
					{Indicator: "ontime", Name: "里程碑按时完成率", Raw: 0.1, Score: 87.5, Weight: 0.4, Points: 35},
					{Indicator: "assess", Name: "考评", Missing: true, Score: 1.0 / 3, Weight: 0.6, Points: 0.2},
				},
			}}
		}
		if err := s.SaveScores(ctx, run("r1", 80), nil); err != nil {
			t.Fatal(err)
		}
		at = at.Add(time.Hour)
		if err := s.SaveScores(ctx, run("r2", 84.45), nil); err != nil {
			t.Fatal(err)
		}

		got, err := s.ListScores(ctx, saima.Quarter(2026, 3))
		if err != nil {
			t.Fatal(err)
		}
		if len(got) != 1 || got[0].RunID != "r2" || got[0].Value != 84.45 || got[0].Movement() != 2 {
			t.Fatalf("ListScores = %+v, want run r2 with value 84.45 and movement 2", got)
		}
		c := got[0].Contributions
		if len(c) != 2 || c[0].Raw != 0.1 || c[1].Score != 1.0/3 || !c[1].Missing || c[0].Missing {
			t.Errorf("contributions = %+v, want them exactly as saved", c)
		}
		if !got[0].ComputedAt.Equal(at) {
			t.Errorf("computed at %v, want %v", got[0].ComputedAt, at)
		}
		periods, err := s.ListScorePeriods(ctx)
		if err != nil || len(periods) != 1 || periods[0] != saima.Quarter(2026, 3) {
			t.Errorf("ListScorePeriods = %v, %v; want [2026Q3]", periods, err)
		}
	})
}

// TestScoresPartialRunHidden checks that a scoring run whose write broke
// off never becomes the period's result, and that the runs stored before
// score_runs existed are listed at the first start.
func TestScoresPartialRunHidden(t *testing.T) {
	chtest.ForEachEngine(t, func(t *testing.T, s *clickhouse.Store) {
		ctx := context.Background()
		q := saima.Quarter(2026, 3)
		score := func(id string, at time.Time) []saima.Score {
			return []saima.Score{{Period: q, Track: "区县（市）", RuleSet: "2026", RunID: id, ComputedAt: at,
				Unit: "慈溪市", Value: 80, Rank: 1}}
		}
		at := time.Date(2026, 10, 16, 10, 0, 0, 0, saima.Beijing)
		if err := s.SaveScores(ctx, score("whole", at), nil); err != nil {
			t.Fatal(err)
		}
		if err := s.WriteScoresOnly(ctx, score("broken", at.Add(time.Hour))); err != nil {
			t.Fatal(err)
		}
		runOf := func() string {
			t.Helper()
			got, err := s.ListScores(ctx, q)
			if err != nil {
				t.Fatal(err)
			}
			if len(got) != 1 {
				t.Fatalf("ListScores = %+v, want one score", got)
			}
			return got[0].RunID
		}
		if got := runOf(); got != "whole" {
			t.Errorf("current run with a later run broken off = %s, want whole", got)
		}

		// A ledger from before score_runs existed had only the scores table,
		// and every run in it counts.
		if err := s.RelistScoreRuns(ctx); err != nil {
			t.Fatal(err)
		}
		if got := runOf(); got != "broken" {
			t.Errorf("current run after listing the stored runs = %s, want broken, the later one", got)
		}
	})
}

func TestStoreFacts(t *testing.T) {
	chtest.ForEachEngine(t, func(t *testing.T, s *clickhouse.Store) {
		ctx := context.Background()
		pb := &saima.Batch{Upload: upload(saima.DatasetProjects), Projects: []saima.Project{
			{Code: "P1", Name: "甲", Unit: "慈溪市", StartDate: date("2026-01-01"), DueDate: date("2026-12-31")},
			{Code: "P2", Name: "乙", Unit: "余姚市"},
		}}
		mb := &saima.Batch{Upload: upload(saima.DatasetMilestones), Milestones: []saima.Milestone{
			{ProjectCode: "P1", Name: "a", Planned: *date("2026-07-31"), Actual: date("2026-07-31")},
			{ProjectCode: "P1", Name: "b", Planned: *date("2026-08-31"), Actual: date("2026-09-02")},
			{ProjectCode: "P1", Name: "c", Planned: *date("2026-09-30")},
			{ProjectCode: "P1", Name: "d", Planned: *date("2026-10-01")},
			{ProjectCode: "P2", Name: "a", Planned: *date("2026-09-30"), Actual: date("2026-09-01")},
			{ProjectCode: "P2", Name: "b", Unit: "市大数据局", Planned: *date("2026-09-30"), Actual: date("2026-09-30")},
		}}
		prb := &saima.Batch{Upload: upload(saima.DatasetProgress), Progress: []saima.ProgressReport{
			{Unit: "慈溪市", ProjectCode: "P1", Period: saima.Month(2026, 8), Percent: pct("30"), ReportDate: date("2026-08-31")},
			{Unit: "慈溪市", ProjectCode: "P1", Period: saima.Quarter(2026, 3), Percent: pct("50"), ReportDate: date("2026-09-30")},
			{Unit: "余姚市", ProjectCode: "P2", Period: saima.Quarter(2026, 3), Percent: pct("40")},
			{Unit: "余姚市", ProjectCode: "P3", Period: saima.Quarter(2026, 3)},
		}}
		ab := &saima.Batch{Upload: upload(saima.DatasetAssessments), Assessments: []saima.Assessment{
			{Unit: "慈溪市", Indicator: "x", Mode: "线上日常", Period: saima.Quarter(2026, 3), Score: decimal.RequireFromString("0.5"), FullMarks: pct("1")},
			{Unit: "慈溪市", Indicator: "y", Mode: "线上日常", Period: saima.Quarter(2026, 3), Score: decimal.NewFromInt(90)},
			{Unit: "慈溪市", Indicator: "z", Mode: "线下年终", Period: saima.Year(2026), Score: decimal.NewFromInt(10), FullMarks: pct("100")},
		}}
		probs := &saima.Batch{Upload: upload(saima.DatasetProblems), Problems: []saima.ProblemItem{
			{ID: "Q1", Unit: "慈溪市", Stage: "已办结", Level: 1, Opened: *date("2026-09-10"), Closed: date("2026-09-20")},
			{ID: "Q2", Unit: "慈溪市", Stage: "收集", Level: 1, Opened: *date("2026-08-01")},
			{ID: "Q3", Unit: "慈溪市", Stage: "已办结", Level: 2, Opened: *date("2026-09-25"), Closed: date("2026-10-05")},
			{ID: "Q4", Unit: "慈溪市", Stage: "已办结", Level: 1, Opened: *date("2026-06-30"), Closed: date("2026-07-02")},
		}}
		for _, b := range []*saima.Batch{pb, mb, prb, ab, probs} {
			if err := s.WriteBatch(ctx, b); err != nil {
				t.Fatal(err)
			}
		}

		facts, err := s.Facts(ctx, saima.Quarter(2026, 3))
		if err != nil {
			t.Fatal(err)
		}
		got := map[string]string{}
		for _, f := range facts {
			got[f.Unit] = fmt.Sprintf("due=%d ontime=%d reports=%d sum=%.3f planned=%d plan=%.3f assess=%d pct=%.3f problems=%d/%d/%.0f l1=%d/%.0f",
				f.MilestonesDue, f.MilestonesOnTime, f.ProgressReports, f.ProgressSum, f.PlannedReports, f.PlanAttainmentSum,
				f.Assessments, f.AssessmentPctSum, f.ProblemsOpened, f.ProblemsClosed, f.ProblemCloseDaysSum,
				f.ProblemsClosedByLevel[1], f.ProblemCloseDaysByLevel[1])
		}
		// P1 is 272 of 364 days in at 2026-09-30, so the plan is 74.725 % and
		// 50 % attains 66.912 % of it. 余姚市's project has no dates, so its
		// report counts for the mean but not against a plan.
		want := map[string]string{
			"慈溪市":   "due=3 ontime=1 reports=1 sum=50.000 planned=1 plan=66.912 assess=2 pct=140.000 problems=3/1/10 l1=1/10",
			"余姚市":   "due=1 ontime=1 reports=1 sum=40.000 planned=0 plan=0.000 assess=0 pct=0.000 problems=0/0/0 l1=0/0",
			"市大数据局": "due=1 ontime=1 reports=0 sum=0.000 planned=0 plan=0.000 assess=0 pct=0.000 problems=0/0/0 l1=0/0",
		}
		for unit, w := range want {
			if got[unit] != w {
				t.Errorf("facts of %s = %s, want %s", unit, got[unit], w)
			}
		}
		if len(got) != len(want) {
			t.Errorf("facts for %d units, want %d: %v", len(got), len(want), got)
		}
	})
}

func TestStoreAsOfIgnoresLaterUploads(t *testing.T) {
	chtest.ForEachEngine(t, func(t *testing.T, s *clickhouse.Store) {
		ctx := context.Background()
		if err := s.WriteBatch(ctx, progressBatch("60", "45", "72", "88", "100")); err != nil {
			t.Fatal(err)
		}
		asOf := s.Now()
		if err := s.WriteBatch(ctx, progressBatch("85", "45", "75", "88", "100")); err != nil {
			t.Fatal(err)
		}

		if n, mean := meanPercent(t, s.AsOf(asOf)); n != 5 || mean != 73 {
			t.Errorf("as of the first upload: %d records, mean %v; want 5, 73", n, mean)
		}
		if n, mean := meanPercent(t, s); n != 5 || mean != 78.6 {
			t.Errorf("now: %d records, mean %v; want 5, 78.6", n, mean)
		}
	})
}

// TestArrayElementsRoundTrip writes list fields whose elements hold
// quotes, backslashes, tabs, line breaks, commas and brackets, in a batch
// small enough to travel in the INSERT and in one large enough for a
// staging file, and reads every element back unchanged. 协同单位 takes
// zero to two of them.
func TestArrayElementsRoundTrip(t *testing.T) {
	elems := []string{"O'Brien", `C:\path`, "tab\there", "line\nbreak", "a,b", "]['", "𠮷", "", `\N`, `\'`}
	chtest.ForEachEngine(t, func(t *testing.T, s *clickhouse.Store) {
		ctx := context.Background()
		for _, n := range []int{3, 1200} {
			b := &saima.Batch{Upload: upload(saima.DatasetProjects)}
			for i := range n {
				b.Projects = append(b.Projects, saima.Project{Code: fmt.Sprintf("ARR-%d-%05d", n, i),
					Name: "清单", Unit: "慈溪市", Lists: elems, Partners: elems[:i%3]})
			}
			if err := s.WriteBatch(ctx, b); err != nil {
				t.Fatalf("write %d projects: %v", n, err)
			}
		}
		projects, err := s.ListProjects(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if len(projects) != 1203 {
			t.Fatalf("read %d projects, want 1203", len(projects))
		}
		for _, p := range projects {
			if !slices.Equal(p.Lists, elems) {
				t.Fatalf("project %s lists = %q, want %q", p.Code, p.Lists, elems)
			}
			var i int
			if _, err := fmt.Sscanf(p.Code[strings.LastIndex(p.Code, "-")+1:], "%d", &i); err != nil {
				t.Fatal(err)
			}
			if want := elems[:i%3]; !slices.Equal(p.Partners, want) {
				t.Fatalf("project %s partners = %q, want %q", p.Code, p.Partners, want)
			}
		}
	})
}

// TestScoresSameSecond checks that of several runs computed in the same
// second the one saved last is the period's result.
func TestScoresSameSecond(t *testing.T) {
	chtest.ForEachEngine(t, func(t *testing.T, s *clickhouse.Store) {
		ctx := context.Background()
		q := saima.Quarter(2026, 3)
		at := time.Date(2026, 10, 16, 10, 0, 0, 0, saima.Beijing)
		// Run IDs in falling order, so that neither the order of the IDs
		// nor the order of the rows on disk can pass for the order saved.
		for i, id := range []string{"r9", "r8", "r7", "r6", "r5", "r4"} {
			sc := []saima.Score{{Period: q, Track: "区县（市）", RuleSet: "2026", RunID: id,
				ComputedAt: at.Add(time.Duration(i) * 100 * time.Millisecond), Unit: "慈溪市", Value: float64(80 + i), Rank: 1}}
			if err := s.SaveScores(ctx, sc, nil); err != nil {
				t.Fatal(err)
			}
			got, err := s.ListScores(ctx, q)
			if err != nil {
				t.Fatal(err)
			}
			if len(got) != 1 || got[0].RunID != id {
				t.Fatalf("after saving run %s: ListScores = %+v, want run %s", id, got, id)
			}
		}
	})
}

// TestStoreFactsProblemLevels checks that a problem without a 层级 counts
// at level 1, where every problem starts and where the loop page counts
// it, and one stored with the former fourth level at level 3.
func TestStoreFactsProblemLevels(t *testing.T) {
	chtest.ForEachEngine(t, func(t *testing.T, s *clickhouse.Store) {
		ctx := context.Background()
		probs := &saima.Batch{Upload: upload(saima.DatasetProblems), Problems: []saima.ProblemItem{
			{ID: "N1", Unit: "慈溪市", Stage: "已办结", Opened: *date("2026-07-10"), Closed: date("2026-07-20")},
			{ID: "N4", Unit: "慈溪市", Stage: "已办结", Level: 4, Opened: *date("2026-08-01"), Closed: date("2026-08-31")},
		}}
		if err := s.WriteBatch(ctx, probs); err != nil {
			t.Fatal(err)
		}

		facts, err := s.Facts(ctx, saima.Quarter(2026, 3))
		if err != nil {
			t.Fatal(err)
		}
		for _, f := range facts {
			if f.Unit != "慈溪市" {
				continue
			}
			if f.ProblemsClosedByLevel[1] != 1 || f.ProblemCloseDaysByLevel[1] != 10 {
				t.Errorf("level 1 = %d closed, %v days, want N1: 1 closed in 10 days",
					f.ProblemsClosedByLevel[1], f.ProblemCloseDaysByLevel[1])
			}
			if f.ProblemsClosedByLevel[3] != 1 || f.ProblemCloseDaysByLevel[3] != 30 {
				t.Errorf("level 3 = %d closed, %v days, want N4: 1 closed in 30 days",
					f.ProblemsClosedByLevel[3], f.ProblemCloseDaysByLevel[3])
			}
			return
		}
		t.Errorf("facts = %+v, want 慈溪市", facts)
	})
}

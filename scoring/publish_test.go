package scoring_test

import (
	"cmp"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"log/slog"
	"math"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/shopspring/decimal"

	"saima"
	"saima/clickhouse"
	"saima/clickhouse/chtest"
	"saima/scoring"
)

func TestMain(m *testing.M) { chtest.Main(m) }

// publishRules weighs the on-time rate 60 and the assessment mean 40, both
// taken as they are (goalposts 0–100), so composites can be worked out by
// hand.
var publishRules = readTestRules("testdata/rules-60-40.yaml")

// readTestRules returns the rule-set file at path, for package-level test
// fixtures.
func readTestRules(path string) string {
	data, err := os.ReadFile(path)
	if err != nil {
		panic(err)
	}
	return string(data)
}

// swappedRules is publishRules with the two weights swapped.
var swappedRules = strings.NewReplacer("weight: 60", "weight: 40", "weight: 40", "weight: 60").Replace(publishRules)

var q2 = saima.Quarter(2026, 2)

const (
	cixi    = "慈溪市"
	yuyao   = "余姚市"
	ninghai = "宁海县"
	bureau  = "市大数据局"
)

// ledger writes the 2026Q2 ledger to s. By hand, under publishRules:
//
//	慈溪市  on time 1 of 2 = 50,  assessment 90: 0.6×50 + 0.4×90 = 66, rank 3
//	余姚市  on time 1 of 1 = 100, assessment 60: 60 + 24 = 84, rank 1
//	宁海县  on time 2 of 2 = 100, assessment 50: 60 + 20 = 80, rank 2
//	市大数据局 on time 1 of 1 = 100 and no assessment, which no unit of
//	its track has, so the indicator is left out and the composite is 100.
func ledger(t *testing.T, s *clickhouse.Store) {
	t.Helper()
	day := func(s string) saima.Date {
		d, err := saima.ParseDate(s)
		if err != nil {
			t.Fatal(err)
		}
		return d
	}
	ptr := func(d saima.Date) *saima.Date { return &d }
	batches := []*saima.Batch{
		{Upload: upload("units", saima.DatasetUnits), Units: []saima.Unit{
			{Name: cixi, Kind: saima.KindDistrict}, {Name: yuyao, Kind: saima.KindDistrict},
			{Name: ninghai, Kind: saima.KindDistrict}, {Name: bureau, Kind: saima.KindDepartment},
		}},
		{Upload: upload("projects", saima.DatasetProjects), Projects: []saima.Project{
			{Code: "P1", Name: "甲", Unit: cixi}, {Code: "P2", Name: "乙", Unit: yuyao},
			{Code: "P3", Name: "丙", Unit: ninghai}, {Code: "P4", Name: "丁", Unit: bureau},
		}},
		{Upload: upload("milestones", saima.DatasetMilestones), Milestones: []saima.Milestone{
			{ProjectCode: "P1", Name: "m1", Planned: day("2026-05-31"), Actual: ptr(day("2026-05-30"))},
			{ProjectCode: "P1", Name: "m2", Planned: day("2026-06-30"), Actual: ptr(day("2026-07-05"))},
			{ProjectCode: "P2", Name: "m1", Planned: day("2026-06-30"), Actual: ptr(day("2026-06-30"))},
			{ProjectCode: "P3", Name: "m1", Planned: day("2026-04-30"), Actual: ptr(day("2026-04-01"))},
			{ProjectCode: "P3", Name: "m2", Planned: day("2026-06-01"), Actual: ptr(day("2026-06-01"))},
			{ProjectCode: "P4", Name: "m1", Planned: day("2026-06-15"), Actual: ptr(day("2026-06-10"))},
		}},
		{Upload: upload("assessments", saima.DatasetAssessments), Assessments: []saima.Assessment{
			{Unit: cixi, Indicator: "应用成效", Mode: "线上日常", Period: q2, Score: decimal.NewFromInt(90)},
			{Unit: yuyao, Indicator: "应用成效", Mode: "线上日常", Period: q2, Score: decimal.NewFromInt(60)},
			{Unit: ninghai, Indicator: "应用成效", Mode: "线上日常", Period: q2, Score: decimal.NewFromInt(50)},
		}},
	}
	for _, b := range batches {
		if err := s.WriteBatch(context.Background(), b); err != nil {
			t.Fatalf("write %s: %v", b.Upload.ID, err)
		}
	}
}

// correct uploads a corrected milestones file: 慈溪市's P1/m2 was done on
// time after all, so its on-time rate becomes 100 and its composite 96.
func correct(t *testing.T, s *clickhouse.Store) string {
	t.Helper()
	on := saima.NewDate(2026, 6, 28)
	b := &saima.Batch{Upload: upload("milestones-fix", saima.DatasetMilestones), Milestones: []saima.Milestone{
		{ProjectCode: "P1", Name: "m2", Planned: saima.NewDate(2026, 6, 30), Actual: &on},
	}}
	if err := s.WriteBatch(context.Background(), b); err != nil {
		t.Fatal(err)
	}
	return b.Upload.ID
}

var uploadTime = time.Date(2026, 7, 3, 9, 0, 0, 0, saima.Beijing)

func upload(name, dataset string) saima.Upload {
	uploadTime = uploadTime.Add(time.Minute)
	return saima.Upload{ID: "up-" + name, Dataset: dataset, Uploader: "office", At: uploadTime, FileName: name + ".csv"}
}

func newService(t *testing.T) (*scoring.Service, *clickhouse.Store) {
	t.Helper()
	s := chtest.Store(t)
	ledger(t, s)
	svc := &scoring.Service{Store: s, Rules: []byte(publishRules), Log: slog.New(slog.NewTextHandler(io.Discard, nil))}
	return svc, s
}

// ranking formats a standing as "unit rank composite" lines with the
// composite to 9 decimals.
func ranking(st *scoring.Standing) string {
	var b strings.Builder
	for _, e := range st.Entries {
		fmt.Fprintf(&b, "%s %d %.9f\n", e.Unit, e.Rank, e.Value)
	}
	return b.String()
}

// assertSameBits fails unless got and want hold the same units with the
// same composites, ranks and contributions, bit for bit.
func assertSameBits(t *testing.T, what string, got, want []saima.Score) {
	t.Helper()
	if len(got) != len(want) {
		t.Fatalf("%s: %d scores, want %d", what, len(got), len(want))
	}
	for i := range want {
		g, w := got[i], want[i]
		if g.Unit != w.Unit || g.Rank != w.Rank || math.Float64bits(g.Value) != math.Float64bits(w.Value) {
			t.Errorf("%s: score %d = %s rank %d %b, want %s rank %d %b", what, i, g.Unit, g.Rank, g.Value, w.Unit, w.Rank, w.Value)
		}
		if len(g.Contributions) != len(w.Contributions) {
			t.Errorf("%s: %s has %d contributions, want %d", what, g.Unit, len(g.Contributions), len(w.Contributions))
			continue
		}
		for j := range w.Contributions {
			gc, wc := g.Contributions[j], w.Contributions[j]
			same := gc.Indicator == wc.Indicator && gc.Missing == wc.Missing
			for _, pair := range [][2]float64{{gc.Raw, wc.Raw}, {gc.Score, wc.Score}, {gc.Weight, wc.Weight}, {gc.Points, wc.Points}} {
				same = same && math.Float64bits(pair[0]) == math.Float64bits(pair[1])
			}
			if !same {
				t.Errorf("%s: %s contribution %d = %+v, want %+v", what, g.Unit, j, gc, wc)
			}
		}
	}
}

func scoresOf(st *scoring.Standing) []saima.Score {
	out := make([]saima.Score, len(st.Entries))
	for i, e := range st.Entries {
		out[i] = e.Score
	}
	return out
}

// saveEvaluation stores ev as an evaluation record with the unit results
// of st's entries, as a run stored by an older release would be.
func saveEvaluation(t *testing.T, s *clickhouse.Store, ev scoring.Evaluation, st *scoring.Standing) {
	t.Helper()
	var results []scoring.UnitResult
	for _, e := range st.Entries {
		results = append(results, *e.Result)
	}
	if err := s.SaveEvaluation(context.Background(), ev, results); err != nil {
		t.Fatal(err)
	}
}

func TestPublishFreezesAgainstCorrections(t *testing.T) {
	svc, s := newService(t)
	ctx := context.Background()

	v1, err := svc.Publish(ctx, q2, "张三", "首次发布")
	if err != nil {
		t.Fatal(err)
	}
	wantV1 := "余姚市 1 84.000000000\n宁海县 2 80.000000000\n慈溪市 3 66.000000000\n市大数据局 1 100.000000000\n"
	if got := ranking(v1); got != wantV1 {
		t.Fatalf("published v1 =\n%s\nwant\n%s", got, wantV1)
	}
	if v1.Evaluation.Version != 1 || v1.Label() != "已发布 v1" || v1.Evaluation.PublishedBy != "张三" {
		t.Errorf("v1 record = version %d, label %q, by %q; want 1, 已发布 v1, 张三",
			v1.Evaluation.Version, v1.Label(), v1.Evaluation.PublishedBy)
	}
	if v1.Evaluation.RuleSetText != publishRules {
		t.Errorf("v1 stores rule-set text %q, want the file as given", v1.Evaluation.RuleSetText)
	}

	fix := correct(t, s)

	t.Run("ReadUnchanged", func(t *testing.T) {
		cur, err := svc.Current(ctx, q2)
		if err != nil {
			t.Fatal(err)
		}
		assertSameBits(t, "current after the correction", scoresOf(cur), scoresOf(v1))
		if cur.Label() != "已发布 v1" {
			t.Errorf("current label = %q, want 已发布 v1", cur.Label())
		}
	})
	t.Run("RecomputeUnchanged", func(t *testing.T) {
		again, err := svc.Recompute(ctx, q2, 1)
		if err != nil {
			t.Fatal(err)
		}
		stored, err := s.ListRunScores(ctx, q2, v1.Evaluation.RunID)
		if err != nil {
			t.Fatal(err)
		}
		assertSameBits(t, "Recompute(v1)", again, stored)
	})
	t.Run("ExplainReadsPublishedData", func(t *testing.T) {
		x, err := svc.Explain(ctx, q2, cixi)
		if err != nil {
			t.Fatal(err)
		}
		m := findMilestone(t, x.Evidence, "P1", "m2")
		if m.UploadID != "up-milestones" || m.OnTime {
			t.Errorf("v1's P1/m2 from %s, on time %v; want up-milestones, false", m.UploadID, m.OnTime)
		}
	})

	v2, err := svc.Publish(ctx, q2, "李四", "更正慈溪市里程碑")
	if err != nil {
		t.Fatal(err)
	}
	wantV2 := "慈溪市 1 96.000000000\n余姚市 2 84.000000000\n宁海县 3 80.000000000\n市大数据局 1 100.000000000\n"
	if got := ranking(v2); got != wantV2 {
		t.Errorf("published v2 =\n%s\nwant\n%s", got, wantV2)
	}
	if v2.Evaluation.Version != 2 || v2.Label() != "已发布 v2" {
		t.Errorf("v2 record = version %d, label %q; want 2, 已发布 v2", v2.Evaluation.Version, v2.Label())
	}
	if v2.Evaluation.DataAsOf <= v1.Evaluation.DataAsOf {
		t.Errorf("v2 data as of %d, not after v1's %d", v2.Evaluation.DataAsOf, v1.Evaluation.DataAsOf)
	}

	t.Run("Diff", func(t *testing.T) {
		d, err := svc.Diff(ctx, q2, 1, 2)
		if err != nil {
			t.Fatal(err)
		}
		want := "慈溪市 66.0→96.0 3→1 milestone_ontime_rate raw 50→100 points 30→60\n" +
			"余姚市 84.0→84.0 1→2\n" +
			"宁海县 80.0→80.0 2→3\n"
		if got := describeDiff(d); got != want {
			t.Errorf("Diff(1, 2) =\n%s\nwant\n%s", got, want)
		}
	})
	t.Run("ExplainReadsCorrection", func(t *testing.T) {
		x, err := svc.Explain(ctx, q2, cixi)
		if err != nil {
			t.Fatal(err)
		}
		m := findMilestone(t, x.Evidence, "P1", "m2")
		if m.UploadID != fix || !m.OnTime || m.FileName != "milestones-fix.csv" {
			t.Errorf("v2's P1/m2 from %s (%s), on time %v; want %s (milestones-fix.csv), true", m.UploadID, m.FileName, m.OnTime, fix)
		}
	})
	t.Run("OldVersionStillReads", func(t *testing.T) {
		old, err := svc.Published(ctx, q2, 1)
		if err != nil {
			t.Fatal(err)
		}
		assertSameBits(t, "Published(1) after v2", scoresOf(old), scoresOf(v1))
	})
}

// describeDiff formats the changed units of d, one per line, with the
// changed contributions' raw values and points.
func describeDiff(d *scoring.Diff) string {
	var b strings.Builder
	for _, u := range d.Changed() {
		fmt.Fprintf(&b, "%s %s→%s %d→%d", u.Unit, saima.FormatComposite(u.Old.Value), saima.FormatComposite(u.New.Value),
			u.Old.Rank, u.New.Rank)
		for _, c := range u.Contributions {
			fmt.Fprintf(&b, " %s raw %g→%g points %g→%g", c.Indicator, c.Old.Raw, c.New.Raw, c.Old.Points, c.New.Points)
		}
		for _, o := range u.New.Overrides {
			fmt.Fprintf(&b, " override %q=%g", o.Indicator, o.Value)
		}
		b.WriteString("\n")
	}
	return b.String()
}

func findMilestone(t *testing.T, ev scoring.Evidence, code, name string) scoring.MilestoneEvidence {
	t.Helper()
	for _, m := range ev.Milestones {
		if m.ProjectCode == code && m.Name == name {
			return m
		}
	}
	t.Fatalf("evidence lacks milestone %s/%s", code, name)
	return scoring.MilestoneEvidence{}
}

func TestPublishStoresRankIntervals(t *testing.T) {
	svc, _ := newService(t)
	st, err := svc.Publish(context.Background(), q2, "张三", "")
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range st.Entries {
		r := e.Robust
		if r == nil {
			t.Errorf("%s has no rank interval", e.Unit)
			continue
		}
		if r.Nominal != e.Rank || r.Q05 > r.Median || r.Median > r.Q95 || r.Q05 < 1 {
			t.Errorf("%s interval = nominal %d, %g–%g–%g; want nominal %d and 1 ≤ q05 ≤ median ≤ q95",
				e.Unit, r.Nominal, r.Q05, r.Median, r.Q95, e.Rank)
		}
	}
	// 余姚市 beats 宁海县 on assessment and ties on time, and beats 慈溪市
	// by 50 × the on-time share − 30 × the assessment share, which ±20 %
	// weights keep above 25 − 15. So it is first in every draw.
	if e, _ := st.Entry(yuyao); e.Robust.Q95 != 1 {
		t.Errorf("余姚市's 95th percentile rank = %g, want 1", e.Robust.Q95)
	}
}

func TestDraftShownUntilPublished(t *testing.T) {
	svc, _ := newService(t)
	ctx := context.Background()

	draft, err := svc.Draft(ctx, q2, "saima score")
	if err != nil {
		t.Fatal(err)
	}
	if draft.Label() != "未发布" || draft.Evaluation.Version != 0 {
		t.Errorf("draft label %q, version %d; want 未发布, 0", draft.Label(), draft.Evaluation.Version)
	}
	cur, err := svc.Current(ctx, q2)
	if err != nil {
		t.Fatal(err)
	}
	if cur.Evaluation == nil || cur.Evaluation.RunID != draft.Evaluation.RunID {
		t.Fatalf("current = %+v, want the draft", cur.Evaluation)
	}
	again, err := svc.Current(ctx, q2)
	if err != nil {
		t.Fatal(err)
	}
	for i, e := range cur.Entries {
		if e.Robust == nil || again.Entries[i].Robust == nil || *e.Robust != *again.Entries[i].Robust {
			t.Errorf("%s: draft interval %+v then %+v, want the same computed interval twice", e.Unit, e.Robust, again.Entries[i].Robust)
		}
	}

	pub, err := svc.Publish(ctx, q2, "张三", "")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := svc.Draft(ctx, q2, "saima score"); err != nil {
		t.Fatal(err)
	}
	cur, err = svc.Current(ctx, q2)
	if err != nil {
		t.Fatal(err)
	}
	if cur.Evaluation.RunID != pub.Evaluation.RunID || cur.Label() != "已发布 v1" {
		t.Errorf("current after a later draft = run %s (%s), want the published run %s", cur.Evaluation.RunID, cur.Label(), pub.Evaluation.RunID)
	}
	evs, err := svc.Evaluations(ctx, q2)
	if err != nil {
		t.Fatal(err)
	}
	var statuses []string
	for _, ev := range evs {
		statuses = append(statuses, fmt.Sprintf("%s/%d", ev.Status, ev.Version))
	}
	if got := strings.Join(statuses, " "); got != "draft/0 published/1 draft/0" {
		t.Errorf("Evaluations = %s, want draft/0 published/1 draft/0", got)
	}
}

// TestExplainUnitMissing checks the message for a unit that the shown
// run lacks. For a name off the roster, the error states that the roster
// lacks it. For a unit added to the roster after scoring, it names the
// command that scores the unit, which differs once the period is published.
func TestExplainUnitMissing(t *testing.T) {
	ctx := context.Background()
	for _, publish := range []bool{false, true} {
		svc, s := newService(t)
		if _, err := svc.Draft(ctx, q2, "saima score"); err != nil {
			t.Fatal(err)
		}
		want := "需由改革办重新评分（saima score 2026Q2）"
		if publish {
			if _, err := svc.Publish(ctx, q2, "张三", ""); err != nil {
				t.Fatal(err)
			}
			want = "需由改革办重新发布（saima publish 2026Q2，或排行榜页面的发布按钮）"
		}
		assertExplainMissing(t, svc, "单位名单中也没有这个名称或别名；请改用单位名单文件“单位”列的名称或“别名”列中的别名")

		units := &saima.Batch{Upload: upload("units-later", saima.DatasetUnits), Units: []saima.Unit{
			{Name: cixi, Kind: saima.KindDistrict}, {Name: yuyao, Kind: saima.KindDistrict},
			{Name: ninghai, Kind: saima.KindDistrict}, {Name: bureau, Kind: saima.KindDepartment},
			{Name: "新增单位", Kind: saima.KindDistrict},
		}}
		if err := s.WriteBatch(ctx, units); err != nil {
			t.Fatal(err)
		}
		assertExplainMissing(t, svc, want)
	}
}

func assertExplainMissing(tb testing.TB, svc *scoring.Service, want string) {
	tb.Helper()
	_, err := svc.Explain(context.Background(), q2, "新增单位")
	if saima.ErrorKind(err) != saima.KindNotFound {
		tb.Fatalf("Explain(新增单位) error = %v, want kind not found", err)
	}
	if !strings.Contains(err.Error(), want) {
		tb.Errorf("Explain(新增单位) error = %q, want it to contain %q", err, want)
	}
}

func TestEvaluateStoresNothing(t *testing.T) {
	svc, s := newService(t)
	ctx := context.Background()
	scores, err := svc.Evaluate(ctx, q2)
	if err != nil {
		t.Fatal(err)
	}
	if len(scores) != 4 || scores[0].Unit != yuyao || scores[0].Rank != 1 {
		t.Errorf("Evaluate = %+v, want four units led by 余姚市", scores)
	}
	if stored, err := s.ListScores(ctx, q2); err != nil || len(stored) != 0 {
		t.Errorf("after a dry run ListScores = %d scores, %v; want none", len(stored), err)
	}
	if evs, err := s.ListEvaluations(ctx, q2); err != nil || len(evs) != 0 {
		t.Errorf("after a dry run ListEvaluations = %d, %v; want none", len(evs), err)
	}
	if _, err := svc.Current(ctx, q2); saima.ErrorKind(err) != saima.KindNotFound {
		t.Errorf("Current after a dry run = %v, want not found", err)
	}
}

func TestPublishRejectsMissingAuthor(t *testing.T) {
	svc, _ := newService(t)
	_, err := svc.Publish(context.Background(), q2, " ", "")
	if saima.ErrorKind(err) != saima.KindInvalid || !strings.Contains(saima.ErrorMessage(err), "操作人") {
		t.Errorf("Publish without an author = %v, want an invalid-input error naming 操作人", err)
	}
}

// TestPublishRejectsControlCharacters checks that Publish rejects a
// terminal escape or a bidi override in the author or the note, as the web
// form rejects one in the note. Such a character would reach the terminal
// and the PDFs.
func TestPublishRejectsControlCharacters(t *testing.T) {
	svc, _ := newService(t)
	for _, tt := range []struct{ by, note, want string }{
		{"改革\x1b[2J办", "", "“操作人”栏"},
		{"张三", "更正\u202e考评打分", "“发布说明”栏"},
	} {
		_, err := svc.Publish(context.Background(), q2, tt.by, tt.note)
		if saima.ErrorKind(err) != saima.KindInvalid || !strings.Contains(saima.ErrorMessage(err), tt.want) {
			t.Errorf("Publish(by %q, note %q) = %v, want an invalid-input error naming %s", tt.by, tt.note, err, tt.want)
		}
	}
}

func TestOverrides(t *testing.T) {
	svc, s := newService(t)
	ctx := context.Background()
	v1, err := svc.Publish(ctx, q2, "张三", "")
	if err != nil {
		t.Fatal(err)
	}

	// 慈溪市's assessment score 90 → 100 adds 0.4 × 10 = 4 points: 70,
	// still third.
	_, err = svc.Override(ctx, scoring.Override{Period: q2, Unit: cixi, Indicator: "assessment_mean", Value: 100,
		By: "王五", Why: "考评组复核后更正"})
	if err != nil {
		t.Fatal(err)
	}
	v2, err := svc.Publish(ctx, q2, "张三", "无数据变化")
	if err != nil {
		t.Fatal(err)
	}
	// A composite of 85 lifts 宁海县 from 80 to first place in v2 only.
	_, err = svc.Override(ctx, scoring.Override{Period: q2, Unit: ninghai, Value: 85, By: "王五", Why: "市里决定"})
	if err != nil {
		t.Fatal(err)
	}

	cur, err := svc.Current(ctx, q2)
	if err != nil {
		t.Fatal(err)
	}
	want := "宁海县 1 85.000000000\n余姚市 2 84.000000000\n慈溪市 3 70.000000000\n市大数据局 1 100.000000000\n"
	if got := ranking(cur); got != want {
		t.Errorf("v2 with overrides =\n%s\nwant\n%s", got, want)
	}
	e, _ := cur.Entry(cixi)
	if e.Computed.Value != 66 || len(e.Overrides) != 1 || e.Overrides[0].By != "王五" {
		t.Errorf("慈溪市 computed %g with overrides %+v; want 66 and 王五's override", e.Computed.Value, e.Overrides)
	}
	if c := e.Contributions[1]; c.Score != 100 || e.Computed.Contributions[1].Score != 90 {
		t.Errorf("慈溪市 assessment shown %g, computed %g; want 100, 90", c.Score, e.Computed.Contributions[1].Score)
	}

	t.Run("StoredScoresUnchanged", func(t *testing.T) {
		stored, err := s.ListRunScores(ctx, q2, v2.Evaluation.RunID)
		if err != nil {
			t.Fatal(err)
		}
		for _, sc := range stored {
			if sc.Unit == ninghai && (sc.Value != 80 || sc.Rank != 2) {
				t.Errorf("stored 宁海县 = %g rank %d, want the computed 80 rank 2", sc.Value, sc.Rank)
			}
		}
	})
	t.Run("OldVersionFrozen", func(t *testing.T) {
		old, err := svc.Published(ctx, q2, 1)
		if err != nil {
			t.Fatal(err)
		}
		want := "余姚市 1 84.000000000\n宁海县 2 80.000000000\n慈溪市 3 70.000000000\n市大数据局 1 100.000000000\n"
		if got := ranking(old); got != want {
			t.Errorf("v1 as read =\n%s\nwant the override made before v2 only:\n%s", got, want)
		}
		assertSameBits(t, "v1 computed", computedOf(old), scoresOf(v1))
	})
	t.Run("Diff", func(t *testing.T) {
		d, err := svc.Diff(ctx, q2, 1, 2)
		if err != nil {
			t.Fatal(err)
		}
		want := "宁海县 80.0→85.0 2→1 override \"\"=85\n" +
			"余姚市 84.0→84.0 1→2\n"
		if got := describeDiff(d); got != want {
			t.Errorf("Diff(1, 2) =\n%s\nwant\n%s", got, want)
		}
	})
	t.Run("Explain", func(t *testing.T) {
		x, err := svc.Explain(ctx, q2, cixi)
		if err != nil {
			t.Fatal(err)
		}
		ind := x.Indicators[1]
		if ind.Override == nil || ind.Override.Why != "考评组复核后更正" || ind.Computed.Score != 90 || ind.Score != 100 {
			t.Errorf("explained assessment = %+v, want score 100 over computed 90 with the override", ind)
		}
	})
}

// TestOverrideRerankRankPlaces checks that a composite override reranks
// its track with the rule set's rank_places: 84.04 shows as 84.0, as
// 余姚市's 84 does, so the two tie for first and list by name.
func TestOverrideRerankRankPlaces(t *testing.T) {
	for _, tt := range []struct{ extra, want string }{
		{"", "宁海县 1 84.040000000\n余姚市 2 84.000000000\n慈溪市 3 66.000000000\n市大数据局 1 100.000000000\n"},
		{"rank_places: 1\n", "余姚市 1 84.000000000\n宁海县 1 84.040000000\n慈溪市 3 66.000000000\n市大数据局 1 100.000000000\n"},
	} {
		t.Run(strings.TrimSpace(cmp.Or(tt.extra, "full precision")), func(t *testing.T) {
			svc, _ := newService(t)
			svc.Rules = []byte(publishRules + tt.extra)
			ctx := context.Background()
			if _, err := svc.Publish(ctx, q2, "张三", ""); err != nil {
				t.Fatal(err)
			}
			_, err := svc.Override(ctx, scoring.Override{Period: q2, Unit: ninghai, Value: 84.04, By: "王五", Why: "复核"})
			if err != nil {
				t.Fatal(err)
			}
			cur, err := svc.Current(ctx, q2)
			if err != nil {
				t.Fatal(err)
			}
			if got := ranking(cur); got != tt.want {
				t.Errorf("with the override =\n%s\nwant\n%s", got, tt.want)
			}
		})
	}
}

func computedOf(st *scoring.Standing) []saima.Score {
	out := make([]saima.Score, len(st.Entries))
	for i, e := range st.Entries {
		out[i] = e.Computed
	}
	return out
}

// TestOverrideCompositeBounds checks that a composite override may reach
// the rule set's highest composite and no further, and that a run whose
// rule set is unknown is held to 100.
func TestOverrideCompositeBounds(t *testing.T) {
	svc, s := newService(t)
	ctx := context.Background()
	if _, err := svc.Publish(ctx, q2, "张三", ""); err != nil {
		t.Fatal(err)
	}
	for _, v := range []float64{0, 100} {
		if _, err := svc.Override(ctx, scoring.Override{Period: q2, Unit: cixi, Value: v, By: "a", Why: "复核更正"}); err != nil {
			t.Errorf("Override(composite %g) = %v, want it recorded", v, err)
		}
	}
	if _, err := svc.Override(ctx, scoring.Override{Period: q2, Unit: cixi, Value: 100.01, By: "a", Why: "复核更正"}); err == nil {
		t.Error("Override(composite 100.01) under a rule set whose best is 100 = nil, want an error")
	}

	// A run stored without a record, with no rule set to read.
	q3 := saima.Quarter(2026, 3)
	run := []saima.Score{{Period: q3, Track: saima.KindDistrict, RuleSet: "旧规则", RuleSetVersion: "v0",
		RunID: "run-old", ComputedAt: uploadTime, Unit: cixi, Value: 70, Rank: 1}}
	if err := s.SaveScores(ctx, run, nil); err != nil {
		t.Fatal(err)
	}
	bare := &scoring.Service{Store: s}
	_, err := bare.Override(ctx, scoring.Override{Period: q3, Unit: cixi, Value: 101, By: "a", Why: "复核更正"})
	if saima.ErrorKind(err) != saima.KindInvalid || !strings.Contains(saima.ErrorMessage(err), "0 到 100") {
		t.Errorf("Override(101) of a run without a known rule set = %v, want invalid with 0 到 100", err)
	}
}

// pointsRules scores the on-time rate on goalposts capped at 120 and the
// assessment mean as 10 points less 1 per point below 90.
const pointsRules = `name: 分值规则
tracks:
  - name: 区县（市）
  - name: 市直部门
indicators:
  - {id: milestone_ontime_rate, name: 里程碑按期完成率, source: milestone_ontime_rate, weight: 60,
     normalise: {method: goalposts, lower: 0, upper: 100, cap: 120}}
  - {id: assessment_mean, name: 考评平均得分率, source: assessment_mean, weight: 40,
     normalise: {method: threshold, target: 90, per: 1, full: 10}}
`

// TestOverrideIndicatorBounds checks an indicator override against the
// highest score of that indicator's normaliser, as a composite override
// is checked against the rule set's highest composite.
func TestOverrideIndicatorBounds(t *testing.T) {
	svc, _ := newService(t)
	svc.Rules = []byte(pointsRules)
	ctx := context.Background()
	if _, err := svc.Publish(ctx, q2, "张三", ""); err != nil {
		t.Fatal(err)
	}
	accepted := []struct {
		indicator string
		value     float64
	}{
		{"milestone_ontime_rate", 110}, // within the cap of 120
		{"assessment_mean", 10},
		{"assessment_mean", 0},
	}
	for _, a := range accepted {
		o := scoring.Override{Period: q2, Unit: cixi, Indicator: a.indicator, Value: a.value, By: "a", Why: "复核更正"}
		if _, err := svc.Override(ctx, o); err != nil {
			t.Errorf("Override(%s = %g) = %v, want it recorded", a.indicator, a.value, err)
		}
	}

	// 90 is a rate typed where 10 points is the most.
	o := scoring.Override{Period: q2, Unit: cixi, Indicator: "assessment_mean", Value: 90, By: "a", Why: "复核更正"}
	_, err := svc.Override(ctx, o)
	if saima.ErrorKind(err) != saima.KindInvalid {
		t.Fatalf("Override(assessment_mean = 90) = %v, want invalid", err)
	}
	for _, want := range []string{"慈溪市", "assessment_mean", "考评平均得分率", "90.00", "0 到 10.00", "分值规则"} {
		if !strings.Contains(saima.ErrorMessage(err), want) {
			t.Errorf("Override(assessment_mean = 90) message %q lacks %q", saima.ErrorMessage(err), want)
		}
	}
	o.Value = 121
	o.Indicator = "milestone_ontime_rate"
	if _, err := svc.Override(ctx, o); saima.ErrorKind(err) != saima.KindInvalid {
		t.Errorf("Override(milestone_ontime_rate = 121) = %v, want invalid above the cap of 120", err)
	}
}

func TestOverrideRejects(t *testing.T) {
	svc, _ := newService(t)
	ctx := context.Background()
	if _, err := svc.Publish(ctx, q2, "张三", ""); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name     string
		override scoring.Override
		kind     saima.Kind
		want     []string
	}{
		{"MissingWhoAndWhy", scoring.Override{Period: q2, Unit: cixi, Value: 90}, saima.KindInvalid, []string{"调整人", "理由"}},
		{"FillerWhy", scoring.Override{Period: q2, Unit: cixi, Value: 90, By: "a", Why: "不适用。"}, saima.KindInvalid,
			[]string{"调整理由“不适用。”没有写明原因，请写明为何调整"}},
		{"EscapeInBy", scoring.Override{Period: q2, Unit: cixi, Value: 90, By: "改革\x1b[2J办", Why: "漏录两项考评打分"},
			saima.KindInvalid, []string{"“调整人”栏", "U+001B"}},
		{"OverrideInWhy", scoring.Override{Period: q2, Unit: cixi, Value: 90, By: "a", Why: "漏录\u202e两项"},
			saima.KindInvalid, []string{"“调整理由”栏", "U+202E"}},
		{"PlaceholderWhy", scoring.Override{Period: q2, Unit: cixi, Value: 90, By: "a", Why: "111"},
			saima.KindInvalid, []string{"调整理由“111”没有写明原因"}},
		{"ScoreAbove100", scoring.Override{Period: q2, Unit: cixi, Indicator: "assessment_mean", Value: 101, By: "a", Why: "复核更正"},
			saima.KindInvalid, []string{"得分调整值 101.00 超出", "指标得分须在 0 到 100.00 之间"}},
		{"ScoreTiny", scoring.Override{Period: q2, Unit: cixi, Indicator: "assessment_mean", Value: -1e-7, By: "a", Why: "复核更正"},
			saima.KindInvalid, []string{"（现为 -0.0000001）"}},
		{"NotANumber", scoring.Override{Period: q2, Unit: cixi, Value: math.NaN(), By: "a", Why: "复核更正"}, saima.KindInvalid, []string{"有限"}},
		{"CompositeAbove100", scoring.Override{Period: q2, Unit: cixi, Value: 150, By: "a", Why: "复核更正"},
			saima.KindInvalid, []string{"慈溪市", "150", "0 到 100", "测试规则"}},
		{"CompositeHuge", scoring.Override{Period: q2, Unit: cixi, Value: 1e9, By: "a", Why: "复核更正"},
			saima.KindInvalid, []string{"综合得分调整值 1000000000.00 超出", "综合得分须在 0 到 100.00 之间"}},
		{"CompositeTypo", scoring.Override{Period: q2, Unit: cixi, Value: 855, By: "a", Why: "复核更正"},
			saima.KindInvalid, []string{"855", "录入"}},
		{"CompositeNegative", scoring.Override{Period: q2, Unit: cixi, Value: -1, By: "a", Why: "复核更正"},
			saima.KindInvalid, []string{"综合得分不能为负数（现为 -1.00）"}},
		{"UnknownUnit", scoring.Override{Period: q2, Unit: "北京市", Value: 90, By: "a", Why: "复核更正"}, saima.KindNotFound, []string{"北京市"}},
		{"UnknownIndicator", scoring.Override{Period: q2, Unit: cixi, Indicator: "speed", Value: 90, By: "a", Why: "复核更正"},
			saima.KindInvalid, []string{"speed", "milestone_ontime_rate、assessment_mean"}},
		{"UnscoredPeriod", scoring.Override{Period: saima.Quarter(2026, 3), Unit: cixi, Value: 90, By: "a", Why: "复核更正"},
			saima.KindNotFound, []string{"2026年第三季度"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := svc.Override(ctx, tt.override)
			if saima.ErrorKind(err) != tt.kind {
				t.Fatalf("Override = %v, want kind %v", err, tt.kind)
			}
			for _, w := range tt.want {
				if !strings.Contains(saima.ErrorMessage(err), w) {
					t.Errorf("Override message %q lacks %q", saima.ErrorMessage(err), w)
				}
			}
		})
	}
}

func TestWithdrawOverrideRejects(t *testing.T) {
	svc, _ := newService(t)
	ctx := context.Background()
	if _, err := svc.Publish(ctx, q2, "张三", ""); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name           string
		unit, by, why  string
		kind           saima.Kind
		want, unwanted []string
	}{
		{"MissingWhoAndWhy", cixi, " ", "", saima.KindInvalid,
			[]string{"无法撤销调整", "缺少撤销人", "缺少撤销理由，请写明为何撤销"}, []string{"调整人", "调整值"}},
		{"MissingUnit", "", "a", "复核更正", saima.KindInvalid, []string{"无法撤销调整：缺少单位"}, nil},
		{"FillerWhy", cixi, "a", "【无】", saima.KindInvalid,
			[]string{"无法撤销调整", "撤销理由“【无】”没有写明原因，请写明为何撤销"}, nil},
		{"NoneInEffect", cixi, "a", "复核更正", saima.KindNotFound,
			[]string{"没有生效的人工调整", "请核对考评期间和单位"}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, _, err := svc.WithdrawOverride(ctx, q2, tt.unit, "", tt.by, tt.why)
			if saima.ErrorKind(err) != tt.kind {
				t.Fatalf("WithdrawOverride = %v, want kind %v", err, tt.kind)
			}
			msg := saima.ErrorMessage(err)
			for _, w := range tt.want {
				if !strings.Contains(msg, w) {
					t.Errorf("message %q lacks %q", msg, w)
				}
			}
			for _, w := range tt.unwanted {
				if strings.Contains(msg, w) {
					t.Errorf("message %q names %q, which belongs to recording an override", msg, w)
				}
			}
		})
	}
}

func TestWhatIfSwappedWeights(t *testing.T) {
	svc, _ := newService(t)
	shifts, err := svc.WhatIf(context.Background(), q2, []byte(swappedRules))
	if err != nil {
		t.Fatal(err)
	}
	// Under 40/60: 余姚市 40 + 36 = 76, 慈溪市 20 + 54 = 74, 宁海县 40 + 30
	// = 70, so 慈溪市 rises from third to second and 宁海县 falls to third.
	var b strings.Builder
	for _, sh := range shifts {
		fmt.Fprintf(&b, "%s %d→%d %+d %.9f\n", sh.Unit, sh.Base.Rank, sh.Alt.Rank, sh.Rise(), sh.Alt.Value)
	}
	want := "余姚市 1→1 +0 76.000000000\n宁海县 2→3 -1 70.000000000\n慈溪市 3→2 +1 74.000000000\n市大数据局 1→1 +0 100.000000000\n"
	if got := b.String(); got != want {
		t.Errorf("WhatIf(swapped) =\n%s\nwant\n%s", got, want)
	}
}

func TestWhatIfRejectsBrokenRules(t *testing.T) {
	svc, _ := newService(t)
	_, err := svc.WhatIf(context.Background(), q2, []byte("name: x\ntracks: []\n"))
	if saima.ErrorKind(err) != saima.KindInvalid {
		t.Errorf("WhatIf(broken rules) = %v, want an invalid-input error", err)
	}
}

// TestRecomputeStoredTextBeforeNewChecks stores version 2 of 2026Q2 as
// an earlier saima would have published it: with a rule-set file whose
// second YAML document it ignored. Parsing now rejects that file for a
// new run, but the stored version must still recompute to its scores.
func TestRecomputeStoredTextBeforeNewChecks(t *testing.T) {
	svc, s := newService(t)
	ctx := context.Background()
	v1, err := svc.Publish(ctx, q2, "张三", "")
	if err != nil {
		t.Fatal(err)
	}

	text := publishRules + "---\nrank_places: 1\n"
	if _, err := scoring.ParseRuleSet([]byte(text)); err == nil {
		t.Fatal("ParseRuleSet of a file with a second document = nil error, want it rejected")
	}
	sum := sha256.Sum256([]byte(text))
	ev := *v1.Evaluation
	ev.Version, ev.RuleSetText, ev.RuleSetVersion = 2, text, hex.EncodeToString(sum[:])
	saveEvaluation(t, s, ev, v1)

	got, err := svc.Recompute(ctx, q2, 2)
	if err != nil {
		t.Fatalf("Recompute(v2) = %v, want the stored scores", err)
	}
	assertSameBits(t, "Recompute(v2)", got, scoresOf(v1))
}

func TestRecomputeUnknownVersion(t *testing.T) {
	svc, _ := newService(t)
	_, err := svc.Recompute(context.Background(), q2, 3)
	if saima.ErrorKind(err) != saima.KindNotFound {
		t.Errorf("Recompute(v3) = %v, want not found", err)
	}
}

func TestRecomputeAfterMerge(t *testing.T) {
	for _, engine := range chtest.Engines {
		t.Run(engine, func(t *testing.T) {
			s := chtest.StoreOn(t, engine)
			ledger(t, s)
			ctx := context.Background()
			table := s.Database() + ".assessments"
			exec := func(query string) {
				t.Helper()
				if err := s.Engine().Exec(ctx, query); err != nil {
					t.Fatalf("%s: %v", query, err)
				}
			}
			// Three uploads make three parts, which stay apart until the
			// evaluation is published. The merge then sorts their rows by
			// indicator, the reverse of the upload order, and (0.1 + 0.2) +
			// 0.3 differs from (0.3 + 0.2) + 0.1 in the last bit.
			exec("SYSTEM STOP MERGES " + table)
			for _, a := range []struct{ indicator, score string }{{"c", "0.1"}, {"b", "0.2"}, {"a", "0.3"}} {
				b := &saima.Batch{Upload: upload("assess-"+a.indicator, saima.DatasetAssessments), Assessments: []saima.Assessment{
					{Unit: bureau, Indicator: a.indicator, Mode: "线上日常", Period: q2, Score: decimal.RequireFromString(a.score)},
				}}
				if err := s.WriteBatch(ctx, b); err != nil {
					t.Fatal(err)
				}
			}
			svc := &scoring.Service{Store: s, Rules: []byte(publishRules)}
			pub, err := svc.Publish(ctx, q2, "张三", "")
			if err != nil {
				t.Fatal(err)
			}
			exec("SYSTEM START MERGES " + table)
			exec("OPTIMIZE TABLE " + table + " FINAL")
			again, err := svc.Recompute(ctx, q2, 1)
			if err != nil {
				t.Fatal(err)
			}
			assertSameBits(t, "Recompute after a merge", again, scoresOf(pub))
		})
	}
}

// TestDraftMovementFollowsPrevious checks that a draft's previous ranks
// (较上期) follow the previous quarter's ranking as shown now, so that an
// override made there after the draft was stored moves them too. A
// published version keeps the previous ranks it was published with.
func TestDraftMovementFollowsPrevious(t *testing.T) {
	svc, s := newService(t)
	ctx := context.Background()
	q3 := saima.Quarter(2026, 3)
	b := &saima.Batch{Upload: upload("assessments-q3", saima.DatasetAssessments), Assessments: []saima.Assessment{
		{Unit: cixi, Indicator: "应用成效", Mode: "线上日常", Period: q3, Score: decimal.NewFromInt(90)},
		{Unit: yuyao, Indicator: "应用成效", Mode: "线上日常", Period: q3, Score: decimal.NewFromInt(80)},
		{Unit: ninghai, Indicator: "应用成效", Mode: "线上日常", Period: q3, Score: decimal.NewFromInt(70)},
	}}
	if err := s.WriteBatch(ctx, b); err != nil {
		t.Fatal(err)
	}
	if _, err := svc.Publish(ctx, q2, "张三", ""); err != nil {
		t.Fatal(err)
	}
	if _, err := svc.Draft(ctx, q3, "saima score"); err != nil {
		t.Fatal(err)
	}
	prevRanks := func(t *testing.T) map[string]int {
		t.Helper()
		cur, err := svc.Current(ctx, q3)
		if err != nil {
			t.Fatal(err)
		}
		out := map[string]int{}
		for _, e := range cur.Entries {
			out[e.Unit] = e.PrevRank
		}
		return out
	}
	if got := prevRanks(t); got[yuyao] != 1 || got[ninghai] != 2 || got[cixi] != 3 {
		t.Fatalf("draft's previous ranks = %v, want 余姚市 1, 宁海县 2, 慈溪市 3 as 2026Q2 v1 ranks", got)
	}

	// 85 lifts 宁海县 to first place in 2026Q2, as its leaderboard shows.
	_, err := svc.Override(ctx, scoring.Override{Period: q2, Unit: ninghai, Value: 85, By: "王五", Why: "复核"})
	if err != nil {
		t.Fatal(err)
	}
	got := prevRanks(t)
	if got[ninghai] != 1 {
		t.Errorf("draft's previous rank of 宁海县 = %d, want 1 as 2026Q2 shows it after the override", got[ninghai])
	}
	if got[yuyao] != 2 {
		t.Errorf("draft's previous rank of 余姚市 = %d, want 2 as 2026Q2 shows it after the override", got[yuyao])
	}

	// Published, 2026Q3 keeps the previous ranks it was published with.
	if _, err := svc.Publish(ctx, q3, "张三", ""); err != nil {
		t.Fatal(err)
	}
	_, err = svc.Override(ctx, scoring.Override{Period: q2, Unit: ninghai, Value: 70, By: "王五", Why: "再次复核"})
	if err != nil {
		t.Fatal(err)
	}
	if got := prevRanks(t); got[ninghai] != 1 || got[yuyao] != 2 {
		t.Errorf("published previous ranks = %v, want 宁海县 1 and 余姚市 2 as published", got)
	}
}

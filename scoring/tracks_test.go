package scoring_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/shopspring/decimal"

	"saima"
	"saima/clickhouse"
	"saima/scoring"
)

// addUnits uploads units as another roster file.
func addUnits(t *testing.T, s *clickhouse.Store, name string, units ...saima.Unit) {
	t.Helper()
	b := &saima.Batch{Upload: upload(name, saima.DatasetUnits), Units: units}
	if err := s.WriteBatch(context.Background(), b); err != nil {
		t.Fatalf("write %s: %v", name, err)
	}
}

func TestDraftMatchesTrackSpelling(t *testing.T) {
	svc, s := newService(t)
	ctx := context.Background()
	addUnits(t, s, "units-typo",
		saima.Unit{Name: "宁波市江北区", Kind: saima.KindDistrict, Track: "区县(市)"},
		saima.Unit{Name: "宁波市北仑区", Kind: saima.KindDistrict, Track: " 区县 （市）"})
	addAssessments(t, s, q2, "宁波市江北区", "宁波市北仑区")

	st, err := svc.Draft(ctx, q2, "saima score")
	if err != nil {
		t.Fatalf("Draft with a half-width 赛道: %v", err)
	}
	for _, unit := range []string{"宁波市江北区", "宁波市北仑区"} {
		e, ok := st.Entry(unit)
		if !ok {
			t.Errorf("Draft left out %s, whose 赛道 differs from the rule set's only in punctuation width", unit)
			continue
		}
		if e.Track != saima.KindDistrict {
			t.Errorf("%s ranked in track %q, want the rule set's spelling %q", unit, e.Track, saima.KindDistrict)
		}
	}
	if n := len(st.Entries); n != 6 {
		t.Errorf("Draft ranked %d units, want 6", n)
	}
}

func TestNewRunRejectsUnknownTrack(t *testing.T) {
	svc, s := newService(t)
	ctx := context.Background()
	addUnits(t, s, "units-new-track", saima.Unit{Name: "宁波前湾新区", Kind: saima.KindOther, Track: "功能区"})

	runs := map[string]func() error{
		"Draft":    func() error { _, err := svc.Draft(ctx, q2, "saima score"); return err },
		"Publish":  func() error { _, err := svc.Publish(ctx, q2, "张三", ""); return err },
		"Evaluate": func() error { _, err := svc.Evaluate(ctx, q2); return err },
	}
	for name, run := range runs {
		err := run()
		if saima.ErrorKind(err) != saima.KindConflict {
			t.Fatalf("%s with a unit of an unknown track = %v, want a conflict error", name, err)
		}
		for _, want := range []string{"宁波前湾新区", "功能区", "测试规则", "区县（市）、市直部门", "单位名单",
			"请把赛道填为“不参与排名”，并在“不参与排名原因”列写明原因"} {
			if !strings.Contains(err.Error(), want) {
				t.Errorf("%s error = %q, want it to contain %q", name, err, want)
			}
		}
	}
	if evs, err := s.ListEvaluations(ctx, q2); err != nil || len(evs) != 0 {
		t.Errorf("after the rejected runs ListEvaluations = %d, %v; want none", len(evs), err)
	}
	if scores, err := s.ListScores(ctx, q2); err != nil || len(scores) != 0 {
		t.Errorf("after the rejected runs ListScores = %d, %v; want none", len(scores), err)
	}
}

// A unit whose 赛道 is 不参与排名 stays on the roster but out of every
// new run, without failing it; its explain page gives the roster's reason.
// A misspelt marker is an unknown track and still fails the run.
func TestNewRunLeavesOutUnrankedUnit(t *testing.T) {
	svc, s := newService(t)
	ctx := context.Background()
	addUnits(t, s, "units-unranked", saima.Unit{Name: "宁波前湾新区", Kind: saima.KindOther,
		Track: saima.TrackUnranked, UnrankedReason: "新设功能区，2027年起参评"})
	b := &saima.Batch{Upload: upload("assessments-unranked", saima.DatasetAssessments), Assessments: []saima.Assessment{
		{Unit: "宁波前湾新区", Indicator: "应用成效", Mode: "线上日常", Period: q2, Score: decimal.NewFromInt(95)},
	}}
	if err := s.WriteBatch(ctx, b); err != nil {
		t.Fatal(err)
	}
	rs, err := scoring.ParseRuleSet([]byte(publishRules))
	if err != nil {
		t.Fatal(err)
	}

	st, err := svc.Draft(ctx, q2, "saima score")
	if err != nil {
		t.Fatalf("Draft with a unit out of the ranking: %v", err)
	}
	if _, ok := st.Entry("宁波前湾新区"); ok {
		t.Errorf("Draft ranked 宁波前湾新区, whose 赛道 is %s", saima.TrackUnranked)
	}
	if n := len(st.Entries); n != 4 {
		t.Errorf("Draft ranked %d units, want the 4 others", n)
	}
	scores, err := scoring.Run(ctx, s, rs, q2, uploadTime.Add(24*time.Hour))
	if err != nil {
		t.Fatalf("Run with a unit out of the ranking: %v", err)
	}
	for _, sc := range scores {
		if sc.Unit == "宁波前湾新区" {
			t.Errorf("Run scored 宁波前湾新区 in track %s", sc.Track)
		}
	}

	_, err = svc.Explain(ctx, q2, "宁波前湾新区")
	want := "单位名单中它的赛道是“不参与排名”，原因：新设功能区，2027年起参评"
	if saima.ErrorKind(err) != saima.KindNotFound || !strings.Contains(err.Error(), want) {
		t.Errorf("Explain(宁波前湾新区) = %v, want not found with %q", err, want)
	}

	addUnits(t, s, "units-misspelt", saima.Unit{Name: "宁波前湾新区", Kind: saima.KindOther, Track: "不参于排名"})
	_, err = svc.Draft(ctx, q2, "saima score")
	if saima.ErrorKind(err) != saima.KindConflict || !strings.Contains(err.Error(), "“不参于排名”") {
		t.Errorf("Draft with the 赛道 不参于排名 = %v, want a conflict naming it", err)
	}
}

// TestExplainUnitOfUnknownTrack checks that the advice for a unit that
// the published run lacks does not promise that publishing again ranks
// it when its track is not in the rule set.
func TestExplainUnitOfUnknownTrack(t *testing.T) {
	svc, s := newService(t)
	ctx := context.Background()
	if _, err := svc.Publish(ctx, q2, "张三", ""); err != nil {
		t.Fatal(err)
	}
	addUnits(t, s, "units-new-track", saima.Unit{Name: "宁波前湾新区", Kind: saima.KindOther, Track: "功能区"})

	_, err := svc.Explain(ctx, q2, "宁波前湾新区")
	if saima.ErrorKind(err) != saima.KindNotFound {
		t.Fatalf("Explain(宁波前湾新区) error = %v, want kind not found", err)
	}
	msg := err.Error()
	for _, want := range []string{"“功能区”", "区县（市）、市直部门", "没有参加排名", "也会因此失败"} {
		if !strings.Contains(msg, want) {
			t.Errorf("Explain(宁波前湾新区) error = %q, want it to contain %q", msg, want)
		}
	}
	if strings.Contains(msg, "新版本会包含它") {
		t.Errorf("Explain(宁波前湾新区) error = %q promises that a new version ranks the unit", msg)
	}
}

func TestRuleSetRejectsTrackSpelledTwice(t *testing.T) {
	_, err := scoring.ParseRuleSet([]byte("name: x\ntracks:\n  - name: 区县（市）\n  - name: 区县(市)\n" +
		"indicators:\n  - {id: a, name: 甲, source: assessment_mean, weight: 1, normalise: {method: none}}\n"))
	if err == nil || !strings.Contains(err.Error(), "tracks[1].name") || !strings.Contains(err.Error(), "重复") {
		t.Errorf("ParseRuleSet(区县（市） and 区县(市)) = %v, want a duplicate-track error at tracks[1].name", err)
	}
}

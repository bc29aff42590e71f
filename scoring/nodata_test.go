package scoring_test

import (
	"context"
	"strings"
	"testing"

	"saima"
	"saima/scoring"
)

// TestRunLeavesOutUnmeasuredUnit adds zone to the districts of 2026Q2
// without any milestone, progress report or assessment. A new run must
// leave it out of the ranking with the reason, not rank it on the track's
// mean alone.
func TestRunLeavesOutUnmeasuredUnit(t *testing.T) {
	svc, s := newService(t)
	ctx := context.Background()
	addUnits(t, s, "units-zone-district", saima.Unit{Name: zone, Kind: saima.KindDistrict, Track: saima.KindDistrict})
	reason := "2026年第二季度没有可计分的数据（里程碑按期完成率、考评平均得分率都没有数据），不按缺失值补分排名"

	runs := map[string]func() (*scoring.Standing, error){
		"Draft":   func() (*scoring.Standing, error) { return svc.Draft(ctx, q2, "saima score") },
		"Publish": func() (*scoring.Standing, error) { return svc.Publish(ctx, q2, "张三", "") },
	}
	for _, name := range []string{"Draft", "Publish"} {
		st, err := runs[name]()
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if e, ok := st.Entry(zone); ok {
			t.Errorf("%s ranked %s %d with composite %v, want it left out: it has no data", name, zone, e.Rank, e.Value)
		}
		checkUnranked(t, name, st, zone+"/"+saima.KindDistrict+"/"+reason+"\n")
		if e, ok := st.Entry(ninghai); !ok || e.Rank != 2 {
			t.Errorf("%s: %s ranked %v (found %v), want 2 as before", name, ninghai, e.Rank, ok)
		}
	}

	_, err := svc.Explain(ctx, q2, zone)
	if saima.ErrorKind(err) != saima.KindNotFound {
		t.Fatalf("Explain(%s) = %v, want not found", zone, err)
	}
	if msg := err.Error(); !strings.Contains(msg, reason) || strings.Contains(msg, "有意") {
		t.Errorf("Explain(%s) = %q, want the reason %q and no word of the office's choice", zone, msg, reason)
	}

	scores, err := svc.Evaluate(ctx, q2)
	if err != nil {
		t.Fatal(err)
	}
	for _, sc := range scores {
		if sc.Unit == zone {
			t.Errorf("dry run ranked %s %d, want it left out", zone, sc.Rank)
		}
	}
}

// TestRecomputeKeepsUnmeasuredUnit stores version 2 of 2026Q2 as an
// earlier saima published it: ranking zone, which has no data, on the
// track's mean. The version must still recompute with zone in it.
func TestRecomputeKeepsUnmeasuredUnit(t *testing.T) {
	svc, s := newService(t)
	ctx := context.Background()
	addUnits(t, s, "units-zone-district", saima.Unit{Name: zone, Kind: saima.KindDistrict, Track: saima.KindDistrict})
	v1, err := svc.Publish(ctx, q2, "张三", "")
	if err != nil {
		t.Fatal(err)
	}

	ev := *v1.Evaluation
	ev.Version, ev.RunID = 2, "20260701T090000-0ldrun00"
	scores := scoresOf(v1)
	old := scores[0]
	old.Unit, old.Rank = zone, len(scores)+1
	scores = append(scores, old)
	for i := range scores {
		scores[i].RunID = ev.RunID
	}
	if err := s.SaveScores(ctx, scores, nil); err != nil {
		t.Fatal(err)
	}
	saveEvaluation(t, s, ev, v1)

	got, err := svc.Recompute(ctx, q2, 2)
	if err != nil {
		t.Fatalf("Recompute(v2) = %v", err)
	}
	var units []string
	for _, sc := range got {
		units = append(units, sc.Unit)
	}
	if !strings.Contains(strings.Join(units, " "), zone) {
		t.Errorf("Recompute(v2) scored %v, want %s as the stored run ranked it", units, zone)
	}
}

// TestRosterReasonLikeNoData keeps zone out on the roster with a reason
// that ends with the words of a no-data reason. Explain must still report
// it as the office's choice, not a lack of data.
func TestRosterReasonLikeNoData(t *testing.T) {
	svc, s := newService(t)
	ctx := context.Background()
	reason := "新设功能区，本年度不按缺失值补分排名"
	addUnits(t, s, "units-zone-like", saima.Unit{Name: zone, Kind: saima.KindOther, Track: saima.TrackUnranked,
		UnrankedReason: reason})
	if _, err := svc.Publish(ctx, q2, "张三", ""); err != nil {
		t.Fatal(err)
	}
	_, err := svc.Explain(ctx, q2, zone)
	if saima.ErrorKind(err) != saima.KindNotFound {
		t.Fatalf("Explain(%s) = %v, want not found", zone, err)
	}
	if msg := err.Error(); !strings.Contains(msg, "改革办有意不让它参加排名") || !strings.Contains(msg, reason) {
		t.Errorf("Explain(%s) = %q, want the roster's reason %q as the office's choice", zone, msg, reason)
	}
}

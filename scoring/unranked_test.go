package scoring_test

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

const (
	zone       = "宁波前湾新区"
	zoneReason = "新设功能区，2027年起参评"
)

var q3 = saima.Quarter(2026, 3)

// zoneOut is the roster entry that keeps zone out of the ranking.
var zoneOut = saima.Unit{Name: zone, Kind: saima.KindOther, Track: saima.TrackUnranked, UnrankedReason: zoneReason}

// addAssessments uploads an assessment score of 80 for each unit in
// period, so that the period has data to score.
func addAssessments(t *testing.T, s *clickhouse.Store, period saima.Period, units ...string) {
	t.Helper()
	b := &saima.Batch{Upload: upload("assessments-"+period.String(), saima.DatasetAssessments)}
	for _, u := range units {
		b.Assessments = append(b.Assessments, saima.Assessment{Unit: u, Indicator: "应用成效", Mode: "线上日常",
			Period: period, Score: decimal.NewFromInt(80)})
	}
	if err := s.WriteBatch(context.Background(), b); err != nil {
		t.Fatal(err)
	}
}

// unrankedText returns st.Unranked as name/kind/reason lines, and
// whether they come from the current roster.
func unrankedText(st *scoring.Standing) string {
	var b strings.Builder
	for _, u := range st.Unranked {
		fmt.Fprintf(&b, "%s/%s/%s\n", u.Name, u.Kind, u.UnrankedReason)
	}
	if st.UnrankedFromCurrentRoster {
		b.WriteString("(current roster)\n")
	}
	return b.String()
}

func checkUnranked(t *testing.T, label string, st *scoring.Standing, want string) {
	t.Helper()
	if got := unrankedText(st); got != want {
		t.Errorf("%s: unranked units =\n%s\nwant\n%s", label, got, want)
	}
}

// TestStandingKeepsRunsUnranked leaves zone out of 2026Q2, publishes it,
// then ranks zone again and leaves 市大数据局 out of 2026Q3. Each
// quarter lists the units its own run left out, with the reasons the
// roster gave when the run read it.
func TestStandingKeepsRunsUnranked(t *testing.T) {
	svc, s := newService(t)
	ctx := context.Background()
	addUnits(t, s, "units-zone-out", zoneOut)
	addAssessments(t, s, q2, zone)
	if _, err := svc.Publish(ctx, q2, "张三", ""); err != nil {
		t.Fatal(err)
	}

	addUnits(t, s, "units-zone-in", saima.Unit{Name: zone, Kind: saima.KindOther, Track: saima.KindDistrict},
		saima.Unit{Name: bureau, Kind: saima.KindDepartment, Track: saima.TrackUnranked, UnrankedReason: "机构改革，暂停参评"})
	addAssessments(t, s, q3, cixi, yuyao, ninghai, zone)
	next, err := svc.Draft(ctx, q3, "saima score")
	if err != nil {
		t.Fatal(err)
	}
	if _, ok := next.Entry(zone); !ok {
		t.Errorf("2026Q3 does not rank %s, which the roster ranks again", zone)
	}
	checkUnranked(t, "2026Q3 draft", next, bureau+"/"+saima.KindDepartment+"/机构改革，暂停参评\n")

	wantQ2 := zone + "/" + saima.KindOther + "/" + zoneReason + "\n"
	cur, err := svc.Current(ctx, q2)
	if err != nil {
		t.Fatal(err)
	}
	checkUnranked(t, "2026Q2 current", cur, wantQ2)
	v1, err := svc.Published(ctx, q2, 1)
	if err != nil {
		t.Fatal(err)
	}
	checkUnranked(t, "2026Q2 v1", v1, wantQ2)

	_, err = svc.Explain(ctx, q2, zone)
	if saima.ErrorKind(err) != saima.KindNotFound {
		t.Fatalf("Explain(2026Q2, %s) = %v, want kind not found", zone, err)
	}
	for _, want := range []string{"原因：" + zoneReason, "现已把它的赛道改为“区县（市）”", "重新评分或发布"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("Explain(2026Q2, %s) = %q, want it to contain %q", zone, err, want)
		}
	}
}

// TestStandingUnrankedOfOldRun reads runs whose score_runs rows were
// written before runs kept the units they left out. A recorded run reads
// the roster as of its data version, which is the roster it left the
// units out of. A run without a record can only read the current roster,
// and its standing marks the list as the current roster's.
func TestStandingUnrankedOfOldRun(t *testing.T) {
	ctx := context.Background()
	// Changes the roster after the run: zone gets another reason, and
	// 市大数据局, which the run ranked, is left out.
	changeRoster := func(t *testing.T, s *clickhouse.Store) {
		t.Helper()
		later := zoneOut
		later.UnrankedReason = "改为2028年起参评"
		addUnits(t, s, "units-later", later,
			saima.Unit{Name: bureau, Kind: saima.KindDepartment, Track: saima.TrackUnranked, UnrankedReason: "机构改革"})
	}
	wantRun := zone + "/" + saima.KindOther + "/" + zoneReason + "\n"

	t.Run("Recorded", func(t *testing.T) {
		svc, s := newService(t)
		addUnits(t, s, "units-zone-out", zoneOut)
		if _, err := svc.Draft(ctx, q2, "saima score"); err != nil {
			t.Fatal(err)
		}
		chtest.ForgetRunUnranked(t, s)
		changeRoster(t, s)

		st, err := svc.Current(ctx, q2)
		if err != nil {
			t.Fatal(err)
		}
		checkUnranked(t, "old draft", st, wantRun)
	})

	t.Run("Unrecorded", func(t *testing.T) {
		svc, s := newService(t)
		addUnits(t, s, "units-zone-out", zoneOut)
		rs, err := scoring.ParseRuleSet([]byte(publishRules))
		if err != nil {
			t.Fatal(err)
		}
		if _, err := scoring.Run(ctx, s, rs, q2, uploadTime.Add(24*time.Hour)); err != nil {
			t.Fatal(err)
		}
		st, err := svc.Current(ctx, q2)
		if err != nil {
			t.Fatal(err)
		}
		checkUnranked(t, "run stored by scoring.Run", st, wantRun)

		chtest.ForgetRunUnranked(t, s)
		changeRoster(t, s)
		if st, err = svc.Current(ctx, q2); err != nil {
			t.Fatal(err)
		}
		checkUnranked(t, "old run without a record", st, zone+"/"+saima.KindOther+"/改为2028年起参评\n(current roster)\n")
	})
}

package scoring_test

import (
	"context"
	"io"
	"log/slog"
	"slices"
	"testing"

	"saima/clickhouse/chtest"
	"saima/scoring"
)

var adjustedRules = readTestRules("testdata/rules-adjusted.yaml")

func TestVerdictsDraftAndPublished(t *testing.T) {
	s := chtest.Store(t)
	ledger(t, s)
	svc := &scoring.Service{Store: s, Rules: []byte(adjustedRules), Log: slog.New(slog.NewTextHandler(io.Discard, nil))}
	ctx := context.Background()

	draft, err := svc.Draft(ctx, q2, "saima score")
	if err != nil {
		t.Fatal(err)
	}
	pub, err := svc.Publish(ctx, q2, "张三", "")
	if err != nil {
		t.Fatal(err)
	}
	for _, st := range []*scoring.Standing{draft, pub} {
		t.Run(st.Label(), func(t *testing.T) {
			read, err := svc.Read(ctx, q2, st.Evaluation.RunID)
			if err != nil {
				t.Fatal(err)
			}
			want := scoring.Columns{Grade: true, Penalty: true, Veto: true}
			if got := read.Columns(); got != want {
				t.Errorf("Columns() = %+v, want %+v", got, want)
			}
			assertVerdict(t, read.Verdicts()[cixi], "不合格", []string{
				"一票否决：考评挂牌督办，等次不高于良好",
				"基础得分 66.0 低于及格线 70.0，不加分，评为不合格",
				"扣 3.0 分（扣分项：考评扣分）",
			})
			assertVerdict(t, read.Verdicts()[yuyao], "良好", []string{
				"一票否决：考评挂牌督办，等次不高于良好",
				"扣 2.0 分（扣分项：考评扣分）",
			})
			assertVerdict(t, read.Verdicts()[bureau], "优秀", nil)
		})
	}
}

func assertVerdict(t *testing.T, v scoring.Verdict, grade string, reasons []string) {
	t.Helper()
	if v.Grade != grade {
		t.Errorf("grade = %q, want %q", v.Grade, grade)
	}
	if !slices.Equal(v.Reasons, reasons) {
		t.Errorf("reasons = %q, want %q", v.Reasons, reasons)
	}
}

func TestColumnsWithoutGrades(t *testing.T) {
	svc, _ := newService(t)
	st, err := svc.Draft(context.Background(), q2, "saima score")
	if err != nil {
		t.Fatal(err)
	}
	if got := st.Columns(); got.Any() {
		t.Errorf("Columns() = %+v under a rule set without adjustments, want none", got)
	}
	if v := st.Verdicts()[cixi]; v.Grade != "" || len(v.Reasons) > 0 {
		t.Errorf("verdict of %s = %+v, want none", cixi, v)
	}
}

// TestVerdictsOfUnparsableRules reads a published evaluation whose stored
// rule set no longer parses, as one written under an older rule-set
// format might. Its stored results still show: the columns that they
// fill, and the vetoes by ID.
func TestVerdictsOfUnparsableRules(t *testing.T) {
	s := chtest.Store(t)
	ledger(t, s)
	svc := &scoring.Service{Store: s, Rules: []byte(adjustedRules), Log: slog.New(slog.NewTextHandler(io.Discard, nil))}
	ctx := context.Background()
	pub, err := svc.Publish(ctx, q2, "张三", "")
	if err != nil {
		t.Fatal(err)
	}

	old := *pub.Evaluation
	old.Version, old.Recorded = 2, pub.Evaluation.Recorded+1
	old.RuleSetText = "grades: [不是规则集"
	saveEvaluation(t, s, old, pub)
	st, err := svc.Published(ctx, q2, 2)
	if err != nil {
		t.Fatalf("Published(v2) with an unparsable rule set: %v", err)
	}
	want := scoring.Columns{Grade: true, Penalty: true, Veto: true}
	if got := st.Columns(); got != want {
		t.Errorf("Columns() = %+v, want %+v", got, want)
	}
	assertVerdict(t, st.Verdicts()[cixi], "不合格", []string{"一票否决：reviewed", "扣 3.0 分"})
}

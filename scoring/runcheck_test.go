package scoring_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"saima"
	"saima/scoring"
)

// runs returns every way of scoring period with svc, by name.
func runs(ctx context.Context, svc *scoring.Service, period saima.Period) map[string]func() error {
	return map[string]func() error{
		"Draft":    func() error { _, err := svc.Draft(ctx, period, "saima score"); return err },
		"Publish":  func() error { _, err := svc.Publish(ctx, period, "张三", ""); return err },
		"Evaluate": func() error { _, err := svc.Evaluate(ctx, period); return err },
		"WhatIf":   func() error { _, err := svc.WhatIf(ctx, period, []byte(swappedRules)); return err },
	}
}

// assertNothingStored fails when period has any stored score or record.
func assertNothingStored(t *testing.T, svc *scoring.Service, period saima.Period) {
	t.Helper()
	ctx := context.Background()
	if evs, err := svc.Store.ListEvaluations(ctx, period); err != nil || len(evs) != 0 {
		t.Errorf("ListEvaluations(%s) = %d, %v; want none", period, len(evs), err)
	}
	if scores, err := svc.Store.ListScores(ctx, period); err != nil || len(scores) != 0 {
		t.Errorf("ListScores(%s) = %d, %v; want none", period, len(scores), err)
	}
}

func TestNewRunRejectsPeriodNotBegun(t *testing.T) {
	svc, _ := newService(t)
	ctx := context.Background()
	svc.Now = func() time.Time { return time.Date(2026, 9, 30, 23, 0, 0, 0, saima.Beijing) }
	q4 := saima.Quarter(2026, 4)

	for name, run := range runs(ctx, svc, q4) {
		err := run()
		if saima.ErrorKind(err) != saima.KindInvalid {
			t.Fatalf("%s(2026Q4) on 2026-09-30 = %v, want an invalid-input error", name, err)
		}
		for _, want := range []string{"2026年第四季度", "2026-10-01", "2026-09-30", "期间是否写错"} {
			if !strings.Contains(err.Error(), want) {
				t.Errorf("%s(2026Q4) error = %q, want it to contain %q", name, err, want)
			}
		}
	}
	assertNothingStored(t, svc, q4)
}

func TestNewRunRejectsPeriodWithoutData(t *testing.T) {
	svc, _ := newService(t)
	ctx := context.Background()
	q1 := saima.Quarter(2026, 1)

	for name, run := range runs(ctx, svc, q1) {
		err := run()
		if !errors.Is(err, scoring.ErrNoData) || saima.ErrorKind(err) != saima.KindConflict {
			t.Fatalf("%s(2026Q1) without data = %v, want ErrNoData of kind conflict", name, err)
		}
		for _, want := range []string{"2026年第一季度没有任何单位有可计分的数据", "里程碑按期完成率、考评平均得分率", "请先导入"} {
			if !strings.Contains(saima.ErrorMessage(err), want) {
				t.Errorf("%s(2026Q1) message = %q, want it to contain %q", name, saima.ErrorMessage(err), want)
			}
		}
		fact, ok := scoring.NoDataFact(err)
		if !ok || !strings.Contains(fact, "2026年第一季度没有任何单位有可计分的数据") || strings.Contains(fact, "请先导入") {
			t.Errorf("NoDataFact of %s(2026Q1) = %q, %v; want the message without its advice", name, fact, ok)
		}
	}
	if _, ok := scoring.NoDataFact(errors.New("other")); ok {
		t.Error("NoDataFact of another error = true, want false")
	}
	assertNothingStored(t, svc, q1)
}

func TestNewRunRejectsYearAndMonth(t *testing.T) {
	svc, _ := newService(t)
	ctx := context.Background()
	tests := []struct {
		period saima.Period
		want   []string
	}{
		{saima.Year(2026), []string{"2026年度不单独评分或发布", "saima report --annual 2026", "/reports/annual/2026.pdf"}},
		{saima.Month(2026, 5), []string{"2026年5月不单独评分或发布", "2026年第二季度", "2026Q2"}},
	}
	for _, tt := range tests {
		for name, run := range runs(ctx, svc, tt.period) {
			err := run()
			if saima.ErrorKind(err) != saima.KindInvalid {
				t.Fatalf("%s(%s) = %v, want an invalid-input error", name, tt.period, err)
			}
			for _, want := range tt.want {
				if !strings.Contains(err.Error(), want) {
					t.Errorf("%s(%s) error = %q, want it to contain %q", name, tt.period, err, want)
				}
			}
		}
		assertNothingStored(t, svc, tt.period)
	}
}

func TestRunRejectsFutureOrEmptyPeriod(t *testing.T) {
	svc, s := newService(t)
	ctx := context.Background()
	rs, err := scoring.ParseRuleSet([]byte(publishRules))
	if err != nil {
		t.Fatal(err)
	}
	now := time.Date(2026, 7, 3, 9, 0, 0, 0, saima.Beijing)

	if _, err := scoring.Run(ctx, s, rs, saima.Quarter(2026, 4), now); saima.ErrorKind(err) != saima.KindInvalid {
		t.Errorf("Run(2026Q4) on 2026-07-03 = %v, want an invalid-input error", err)
	}
	if _, err := scoring.Run(ctx, s, rs, saima.Quarter(2026, 1), now); !errors.Is(err, scoring.ErrNoData) {
		t.Errorf("Run(2026Q1) without data = %v, want ErrNoData", err)
	}
	assertNothingStored(t, svc, saima.Quarter(2026, 4))
	assertNothingStored(t, svc, saima.Quarter(2026, 1))
	if _, err := scoring.Run(ctx, s, rs, q2, now); err != nil {
		t.Errorf("Run(2026Q2) = %v, want it scored", err)
	}
}

// inputRules is publishRules with a penalty read from an input that
// callers of EvaluateRecords supply, but that the ledger has no data for.
var inputRules = publishRules + `inputs: [红牌次数]
penalties:
  - {id: red, name: 红牌警示, source: 红牌次数, points: 2}
`

// TestNewRunRejectsInputsTheLedgerLacks checks that a run from the ledger
// does not apply half a rule set: the penalty would never deduct, since
// no unit can have a 红牌次数 value.
func TestNewRunRejectsInputsTheLedgerLacks(t *testing.T) {
	svc, s := newService(t)
	ctx := context.Background()
	svc.Rules = []byte(inputRules)
	checkErr := func(name string, err error) {
		t.Helper()
		if saima.ErrorKind(err) != saima.KindInvalid {
			t.Fatalf("%s = %v, want an invalid-input error", name, err)
		}
		for _, want := range []string{"红牌次数", "扣分 red", "台账不提供", "penalties"} {
			if !strings.Contains(saima.ErrorMessage(err), want) {
				t.Errorf("%s message = %q, want it to contain %q", name, saima.ErrorMessage(err), want)
			}
		}
	}
	for name, run := range runs(ctx, svc, q2) {
		checkErr(name+"(2026Q2)", run())
	}
	assertNothingStored(t, svc, q2)

	svc.Rules = []byte(publishRules)
	_, err := svc.WhatIf(ctx, q2, []byte(inputRules))
	checkErr("WhatIf(2026Q2, inputRules)", err)

	rs, err := scoring.ParseRuleSet([]byte(inputRules))
	if err != nil {
		t.Fatal(err)
	}
	_, err = scoring.Run(ctx, s, rs, q2, time.Date(2026, 7, 3, 9, 0, 0, 0, saima.Beijing))
	checkErr("Run(2026Q2)", err)
	assertNothingStored(t, svc, q2)
}

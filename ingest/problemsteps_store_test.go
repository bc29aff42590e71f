package ingest_test

import (
	"context"
	"fmt"
	"log/slog"
	"strings"
	"testing"
	"time"

	"saima"
	"saima/clickhouse"
	"saima/clickhouse/chtest"
	"saima/ingest"
)

// problemStepService returns an import service over a fresh store that
// holds problems WT-1, found 2026-10-01, and WT-2, found 2026-10-10.
func problemStepService(tb testing.TB) (*ingest.Service, *clickhouse.Store) {
	tb.Helper()
	store := chtest.Store(tb)
	at := time.Date(2026, 12, 5, 9, 0, 0, 0, saima.Beijing)
	err := store.WriteBatch(context.Background(), &saima.Batch{
		Upload: saima.Upload{ID: "problems-1", Dataset: saima.DatasetProblems, At: at},
		Problems: []saima.ProblemItem{
			{ID: "WT-1", Unit: "宁波市海曙区", Stage: "分办落实", Level: 3, Opened: stepDay("2026-10-01")},
			{ID: "WT-2", Unit: "宁波市海曙区", Stage: "分析研判", Level: 2, Opened: stepDay("2026-10-10")},
		},
	})
	if err != nil {
		tb.Fatal(err)
	}
	seq := 0
	svc := &ingest.Service{
		Store: ingest.Adapt(store),
		Log:   slog.New(slog.DiscardHandler),
		Now:   func() time.Time { return at },
		NewID: func() string { seq++; return fmt.Sprintf("steps-%d", seq) },
	}
	return svc, store
}

func stepDay(s string) saima.Date {
	d, err := saima.ParseDate(s)
	if err != nil {
		panic(err)
	}
	return d
}

func importSteps(tb testing.TB, svc *ingest.Service, rows ...string) (*ingest.Report, error) {
	tb.Helper()
	text := "问题编号,环节,层级,日期,办理单位,说明\n" + strings.Join(rows, "\n") + "\n"
	return svc.Import(context.Background(), ingest.Request{FileName: "steps.csv",
		Body: strings.NewReader(text), Dataset: saima.DatasetProblemSteps, Uploader: "office"})
}

// wantStepErrors checks that err rejects the file and that rep lists
// exactly the errors that start with want, in order.
func wantStepErrors(tb testing.TB, rep *ingest.Report, err error, want ...string) {
	tb.Helper()
	if saima.ErrorKind(err) != saima.KindInvalid {
		tb.Fatalf("Import() error = %v, want kind invalid", err)
	}
	if len(rep.Errors) != len(want) {
		tb.Fatalf("Import() errors = %q, want %d", rep.Errors, len(want))
	}
	for i, w := range want {
		if got := rep.Errors[i].String(); !strings.HasPrefix(got, w) {
			tb.Errorf("Import() error %d = %q, want it to start with %q", i, got, w)
		}
	}
}

func TestImportChecksProblemStepOrder(t *testing.T) {
	svc, store := problemStepService(t)
	ctx := context.Background()

	t.Run("ErrFileOutOfOrder", func(t *testing.T) {
		rep, err := importSteps(t, svc,
			"WT-1,分办落实,,2026-10-01,宁波市海曙区,先分办",
			"WT-1,收集,,2026-10-05,宁波市海曙区,后收集",
			"WT-1,已办结,,2026-09-01,宁波市海曙区,办结早于收集")
		wantStepErrors(t, rep, err,
			"steps.csv 第2行“日期”列的值“2026-10-01”：问题WT-1的分办落实早于收集的日期2026-10-05",
			"steps.csv 第4行“日期”列的值“2026-09-01”：问题WT-1的已办结早于问题清单中的发现日期2026-10-01",
			"steps.csv 第4行“日期”列的值“2026-09-01”：问题WT-1的已办结早于收集的日期2026-10-05")
	})

	if _, err := importSteps(t, svc,
		"WT-1,收集,,2026-10-01,宁波市海曙区,",
		"WT-1,梳理归类,,2026-10-03,宁波市海曙区,",
		"WT-1,分析研判,,2026-10-08,宁波市海曙区,"); err != nil {
		t.Fatalf("import steps in order: %v", err)
	}

	t.Run("ErrBeforeStoredStep", func(t *testing.T) {
		rep, err := importSteps(t, svc, "WT-1,分办落实,,2026-10-05,宁波市海曙区,")
		wantStepErrors(t, rep, err,
			"steps.csv 第2行“日期”列的值“2026-10-05”：问题WT-1的分办落实早于分析研判的日期2026-10-08")
	})

	t.Run("ErrCorrectionAfterStoredStep", func(t *testing.T) {
		rep, err := importSteps(t, svc, "WT-1,收集,,2026-10-09,宁波市海曙区,")
		wantStepErrors(t, rep, err,
			"steps.csv 第2行“日期”列的值“2026-10-09”：已登记的问题WT-1的梳理归类（2026-10-03）早于本行收集的日期2026-10-09")
	})

	t.Run("ErrBeforeFound", func(t *testing.T) {
		rep, err := importSteps(t, svc, "WT-2,收集,,2026-10-09,宁波市海曙区,")
		wantStepErrors(t, rep, err,
			"steps.csv 第2行“日期”列的值“2026-10-09”：问题WT-2的收集早于问题清单中的发现日期2026-10-10")
	})

	t.Run("ErrStageAtOtherLevel", func(t *testing.T) {
		rep, err := importSteps(t, svc, "WT-1,收集,2,2026-10-02,宁波市海曙区,")
		wantStepErrors(t, rep, err,
			"steps.csv 第2行“环节”列的值“收集”：问题WT-1的收集已以层级牵头单位登记为2026-10-01，每个问题的每个环节只记录一次，不分层级")
	})

	t.Run("CorrectionWarns", func(t *testing.T) {
		rep, err := importSteps(t, svc, "WT-1,梳理归类,,2026-10-04,宁波市海曙区,")
		if err != nil {
			t.Fatalf("Import() error = %v, want a correction within the loop's order accepted", err)
		}
		want := "steps.csv 第2行“日期”列的值“2026-10-04”：问题WT-1的梳理归类已登记为2026-10-03，本行将替换它"
		if len(rep.Warnings) != 1 || !strings.HasPrefix(rep.Warnings[0].String(), want) {
			t.Errorf("Import() warnings = %q, want one starting %q", rep.Warnings, want)
		}
	})

	steps, err := store.ListProblemSteps(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if got := fmt.Sprint(steps); !strings.Contains(got, "2026-10-04") || len(steps) != 3 {
		t.Errorf("stored steps = %v, want the three accepted steps with 梳理归类 corrected to 2026-10-04", steps)
	}
}

func TestImportRejectsLoweredEscalation(t *testing.T) {
	svc, _ := problemStepService(t)
	rep, err := importSteps(t, svc,
		"WT-2,收集,,2026-10-10,宁波市海曙区,",
		"WT-2,升级,2,2026-10-12,市委改革办,升级到2",
		"WT-2,升级,3,2026-10-11,市领导,升级到3早于升级到2")
	wantStepErrors(t, rep, err,
		"steps.csv 第3行“层级”列的值“2”：问题WT-2的升级至改革办在2026-10-11升级至市领导之后，升级只能提高层级")
}

func TestImportRejectsEscalationToLeadUnit(t *testing.T) {
	svc, _ := problemStepService(t)
	if _, err := importSteps(t, svc,
		"WT-2,收集,,2026-10-10,宁波市海曙区,",
		"WT-2,升级,改革办,2026-10-11,市委改革办,"); err != nil {
		t.Fatalf("import steps: %v", err)
	}

	// Neither date makes an escalation to the lead unit valid, and the
	// message quotes the cell as written.
	for _, date := range []string{"2026-10-10", "2026-10-12"} {
		rep, err := importSteps(t, svc, "WT-2,升级,牵头单位,"+date+",宁波市海曙区,")
		wantStepErrors(t, rep, err,
			"steps.csv 第2行“层级”列的值“牵头单位”：升级至牵头单位不是升级，问题从牵头单位开始办理，请填写改革办或市领导")
	}
}

// TestImportWarnsProblemListAgainstSteps checks that a problem-list upload
// that would leave stored steps before its 发现日期 or after its 办结日期
// imports, with a warning on each such date naming the step.
func TestImportWarnsProblemListAgainstSteps(t *testing.T) {
	svc, store := problemStepService(t)
	writeHaishuRoster(t, store)
	if _, err := importSteps(t, svc, "WT-1,收集,1,2026-10-02,宁波市海曙区,", "WT-1,分析研判,1,2026-10-20,宁波市海曙区,"); err != nil {
		t.Fatalf("import steps: %v", err)
	}

	text := "问题编号,单位,环节,层级,发现日期,办结日期\n" +
		"WT-2,宁波市海曙区,分析研判,2,2026-10-10,\n" +
		"WT-1,宁波市海曙区,已办结,3,2026-10-05,2026-10-15\n"
	checkProblemListWarnings(t, svc, text, []string{
		"problems.csv 第3行“发现日期”列的值“2026-10-05”：问题WT-1的发现日期晚于已登记的环节收集（2026-10-02）",
		"problems.csv 第3行“办结日期”列的值“2026-10-15”：问题WT-1的办结日期早于已登记的环节分析研判（2026-10-20）",
	})
}

// TestImportWarnsProblemListBelowSteps checks that a problem-list row
// whose 层级 is below a recorded escalation, or whose 环节 comes before a
// recorded step, imports with a warning that names the step.
func TestImportWarnsProblemListBelowSteps(t *testing.T) {
	svc, store := problemStepService(t)
	writeHaishuRoster(t, store)
	if _, err := importSteps(t, svc,
		"WT-1,收集,1,2026-10-02,宁波市海曙区,",
		"WT-1,分办落实,1,2026-10-05,宁波市海曙区,",
		"WT-1,升级,改革办,2026-10-06,市委改革办,",
		"WT-1,已办结,1,2026-10-08,宁波市海曙区,"); err != nil {
		t.Fatalf("import steps: %v", err)
	}

	text := "问题编号,单位,环节,层级,发现日期,办结日期\n" +
		"WT-1,宁波市海曙区,收集,1,2026-10-01,\n" +
		"WT-2,宁波市海曙区,分析研判,,2026-10-10,\n"
	checkProblemListWarnings(t, svc, text, []string{
		"problems.csv 第2行“环节”列的值“收集”：问题WT-1的问题闭环已登记到已办结（2026-10-08），本行的环节在它之前",
		"problems.csv 第2行“层级”列的值“1”：问题WT-1已于2026-10-06升级至改革办，本行的层级牵头单位低于它",
	})
}

// TestImportWarnsProblemAfterExit checks that a problem found after its
// project's exit imports with a warning that names the exit day, and one
// found on the exit day or before imports without one.
func TestImportWarnsProblemAfterExit(t *testing.T) {
	svc, store := problemStepService(t)
	writeHaishuRoster(t, store)
	err := store.WriteBatch(context.Background(), &saima.Batch{
		Upload: saima.Upload{ID: "stages-exit", Dataset: saima.DatasetStages, At: time.Date(2026, 12, 5, 8, 0, 0, 0, saima.Beijing)},
		Stages: []saima.StageEvent{
			{ProjectCode: "NB-9", Stage: "预报", Date: stepDay("2026-01-05")},
			{ProjectCode: "NB-9", Stage: "退出", Date: stepDay("2026-06-30"), DecidedBy: "市委改革委", Accountability: "不予问责"},
		},
	})
	if err != nil {
		t.Fatal(err)
	}

	text := "问题编号,单位,项目编号,环节,层级,发现日期,办结日期\n" +
		"WT-8,宁波市海曙区,NB-9,收集,1,2026-07-01,\n" +
		"WT-9,宁波市海曙区,NB-9,收集,1,2026-06-30,\n"
	checkProblemListWarnings(t, svc, text, []string{
		"problems.csv 第2行“发现日期”列的值“2026-07-01”：晚于项目NB-9的退出日期2026-06-30",
	})
}

// checkProblemListWarnings imports text as the office's problem list
// (problems.csv) and checks that it imports with warnings that start with
// want, in order.
func checkProblemListWarnings(t *testing.T, svc *ingest.Service, text string, want []string) {
	t.Helper()
	rep, err := svc.Import(context.Background(), ingest.Request{FileName: "problems.csv",
		Body: strings.NewReader(text), Dataset: saima.DatasetProblems, Uploader: "office"})
	if err != nil {
		t.Fatalf("import problems: %v (errors %q)", err, rep.Errors)
	}
	var got []string
	for _, w := range rep.Warnings {
		got = append(got, w.String())
	}
	if len(got) != len(want) {
		t.Fatalf("warnings = %q, want %d", got, len(want))
	}
	for i := range want {
		if !strings.HasPrefix(got[i], want[i]) {
			t.Errorf("warning %d = %q, want it to start with %q", i, got[i], want[i])
		}
	}
}

// writeHaishuRoster stores a roster of 宁波市海曙区 alone.
func writeHaishuRoster(tb testing.TB, store *clickhouse.Store) {
	tb.Helper()
	err := store.WriteBatch(context.Background(), &saima.Batch{
		Upload: saima.Upload{ID: "units-1", Dataset: saima.DatasetUnits, At: time.Date(2026, 12, 5, 8, 0, 0, 0, saima.Beijing)},
		Units:  []saima.Unit{{Name: "宁波市海曙区", Kind: saima.KindDistrict, Track: saima.KindDistrict}},
	})
	if err != nil {
		tb.Fatal(err)
	}
}

// A problem list with an error in another row still gets the warnings
// against stored steps for its good rows, in the same reply.
func TestImportWarnsProblemListBesideErrors(t *testing.T) {
	svc, store := problemStepService(t)
	writeHaishuRoster(t, store)
	if _, err := importSteps(t, svc, "WT-1,收集,1,2026-10-02,宁波市海曙区,"); err != nil {
		t.Fatalf("import steps: %v", err)
	}
	text := "问题编号,单位,环节,层级,发现日期,办结日期\n" +
		"WT-2,宁波市海曙区,分析研判,2,2026-13-10,\n" +
		"WT-1,宁波市海曙区,分析研判,1,2026-10-05,\n"
	rep, err := svc.Import(context.Background(), ingest.Request{FileName: "problems.csv",
		Body: strings.NewReader(text), Dataset: saima.DatasetProblems, Uploader: "office"})
	if err == nil {
		t.Fatal("import of a problem list with a bad date succeeded")
	}
	if len(rep.Errors) != 1 || rep.Errors[0].Row != 2 {
		t.Errorf("errors = %q, want one on row 2", rep.Errors)
	}
	want := "problems.csv 第3行“发现日期”列的值“2026-10-05”：问题WT-1的发现日期晚于已登记的环节收集（2026-10-02）"
	if len(rep.Warnings) != 1 || !strings.HasPrefix(rep.Warnings[0].String(), want) {
		t.Errorf("warnings = %q, want one starting with %q", rep.Warnings, want)
	}
}

// writeStaleStage writes WT-1's 收集 at two levels, as saima stored it
// before a loop stage was recorded once per problem: at level 改革办 on
// 2026-10-03 and, in an earlier upload, at level 牵头单位 on lead. The
// store then shows the 改革办 copy.
func writeStaleStage(tb testing.TB, store *clickhouse.Store, lead string) {
	tb.Helper()
	at := time.Date(2026, 11, 1, 9, 0, 0, 0, saima.Beijing)
	chtest.WriteLegacySteps(tb, store, "legacy-1", at,
		saima.ProblemStep{ProblemID: "WT-1", Step: "收集", Level: 1, Date: stepDay(lead)})
	chtest.WriteLegacySteps(tb, store, "legacy-2", at.Add(time.Hour),
		saima.ProblemStep{ProblemID: "WT-1", Step: "收集", Level: 2, Date: stepDay("2026-10-03")})
}

// TestImportCorrectsStaleStageCopies checks uploads over a stage stored
// at two levels. A correction at either stored level is accepted with a
// warning and leaves one copy. One at a third level is rejected with the
// levels to use. The copy that no longer counts never enters the order
// check.
func TestImportCorrectsStaleStageCopies(t *testing.T) {
	const replaces = "steps.csv 第2行“环节”列的值“收集”：问题WT-1的收集已以层级改革办、牵头单位各登记一次" +
		"（问题闭环页面显示层级改革办的2026-10-03），本行将替换这2条记录"
	for _, tt := range []struct {
		name, row, want string
	}{
		{"OKAtShownLevel", "WT-1,收集,改革办,2026-10-04,宁波市海曙区,更正", "WT-1 收集 2 2026-10-04 []"},
		{"OKAtStaleLevel", "WT-1,收集,,2026-10-04,宁波市海曙区,更正", "WT-1 收集 1 2026-10-04 []"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			svc, store := problemStepService(t)
			writeStaleStage(t, store, "2026-10-02")
			rep, err := importSteps(t, svc, tt.row)
			if err != nil {
				t.Fatalf("Import() error = %v (errors %q), want the correction accepted", err, rep.Errors)
			}
			if len(rep.Warnings) != 1 || !strings.HasPrefix(rep.Warnings[0].String(), replaces) {
				t.Errorf("Import() warnings = %q, want one starting %q", rep.Warnings, replaces)
			}

			steps, err := store.ListProblemSteps(context.Background())
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, st := range steps {
				got = append(got, fmt.Sprintf("%s %s %d %s %v", st.ProblemID, st.Step, st.Level, st.Date, st.StaleLevels))
			}
			if len(got) != 1 || got[0] != tt.want {
				t.Errorf("stored steps = %q, want only %q", got, tt.want)
			}
		})
	}

	t.Run("ErrAtOtherLevel", func(t *testing.T) {
		svc, store := problemStepService(t)
		writeStaleStage(t, store, "2026-10-02")
		rep, err := importSteps(t, svc, "WT-1,收集,市领导,2026-10-04,宁波市海曙区,")
		wantStepErrors(t, rep, err,
			"steps.csv 第2行“环节”列的值“收集”：问题WT-1的收集已以层级改革办登记为2026-10-03（另有层级牵头单位的旧记录），"+
				"每个问题的每个环节只记录一次，不分层级，如需更正日期，请把层级改为改革办或牵头单位（已登记的层级）后重新上传")
	})

	// The 牵头单位 copy, dated after 梳理归类, no longer counts.
	t.Run("OrderSkipsStaleCopy", func(t *testing.T) {
		svc, store := problemStepService(t)
		writeStaleStage(t, store, "2026-10-09")
		if rep, err := importSteps(t, svc, "WT-1,梳理归类,,2026-10-05,宁波市海曙区,"); err != nil {
			t.Errorf("Import() error = %v (errors %q), want 梳理归类 after the shown 收集 accepted", err, rep.Errors)
		}
	})
}

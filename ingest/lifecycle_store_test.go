package ingest_test

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"slices"
	"strings"
	"testing"
	"time"

	"saima"
	"saima/clickhouse"
	"saima/clickhouse/chtest"
	"saima/ingest"
)

// lifecycleService returns an import service over a fresh embedded store
// that holds project NB-1, led by 市经信局.
func lifecycleService(tb testing.TB) (*ingest.Service, *clickhouse.Store) {
	tb.Helper()
	store := chtest.Store(tb)
	at := time.Date(2026, 10, 15, 9, 0, 0, 0, saima.Beijing)
	err := store.WriteBatch(context.Background(), &saima.Batch{
		Upload:   saima.Upload{ID: "projects-1", Dataset: saima.DatasetProjects, At: at},
		Projects: []saima.Project{{Code: "NB-1", Name: "一网统管", Unit: "宁波市北仑区", LeadUnit: "市经信局"}},
	})
	if err != nil {
		tb.Fatal(err)
	}
	seq := 0
	svc := &ingest.Service{
		Store: ingest.Adapt(store),
		Log:   slog.New(slog.DiscardHandler),
		Now:   func() time.Time { return at },
		NewID: func() string { seq++; return fmt.Sprintf("stages-%d", seq) },
	}
	return svc, store
}

// addProjects writes projects codes to the ledger of store, run by
// 宁波市北仑区 and led by 市经信局 as NB-1 is.
func addProjects(tb testing.TB, store *clickhouse.Store, codes ...string) {
	tb.Helper()
	projects := make([]saima.Project, len(codes))
	for i, code := range codes {
		projects[i] = saima.Project{Code: code, Name: "项目" + code, Unit: "宁波市北仑区", LeadUnit: "市经信局"}
	}
	err := store.WriteBatch(context.Background(), &saima.Batch{
		Upload: saima.Upload{ID: "projects-" + strings.Join(codes, "-"), Dataset: saima.DatasetProjects,
			At: time.Date(2026, 10, 15, 9, 1, 0, 0, saima.Beijing)},
		Projects: projects,
	})
	if err != nil {
		tb.Fatal(err)
	}
}

func importStages(tb testing.TB, svc *ingest.Service, rows ...string) (*ingest.Report, error) {
	tb.Helper()
	text := "项目编号,阶段,日期,决策主体,意见,文件,轮次,变更事项,变更原因,问责情况\n" + strings.Join(rows, "\n") + "\n"
	return svc.Import(context.Background(), ingest.Request{FileName: "stages.csv", Body: strings.NewReader(text),
		Uploader: "office"})
}

func TestImportChecksStoredLifecycle(t *testing.T) {
	svc, store := lifecycleService(t)
	ctx := context.Background()

	_, err := importStages(t, svc,
		"NB-1,预报,2026-01-05,宁波市北仑区,,,,,,",
		"NB-1,初审,2026-01-10,市经信局,,,,,,",
		"NB-1,审核,2026-01-20,市委改革办,,,,,,",
		"NB-1,论证,2026-02-01,市委改革办,,甬改办〔2026〕7号,,,,",
	)
	if err != nil {
		t.Fatalf("import first stages: %v", err)
	}

	t.Run("ErrImplementBeforeDecision", func(t *testing.T) {
		rep, err := importStages(t, svc, "NB-1,实施,2026-03-01,,,,,,,")
		if saima.ErrorKind(err) != saima.KindInvalid {
			t.Fatalf("Import() error = %v, want kind invalid", err)
		}
		if len(rep.Errors) != 1 || !strings.Contains(rep.Errors[0].String(), "stages.csv 第2行“阶段”列的值“实施”") ||
			!strings.Contains(rep.Errors[0].Reason, "之前没有决策记录") {
			t.Errorf("Import() errors = %v, want one about the missing 决策 on row 2", rep.Errors)
		}
		if rep.Upload.Outcome != saima.OutcomeRejected {
			t.Errorf("Upload.Outcome = %q, want rejected", rep.Upload.Outcome)
		}
	})

	t.Run("OK", func(t *testing.T) {
		_, err := importStages(t, svc,
			"NB-1,决策,2026-02-15,市委改革委,同意实施,甬改委〔2026〕2号,,,,",
			"NB-1,实施,2026-03-01,宁波市北仑区,,,,,,",
		)
		if err != nil {
			t.Fatalf("Import() error = %v", err)
		}
		got, err := store.ListStageHistory(ctx, "NB-1")
		if err != nil {
			t.Fatal(err)
		}
		if len(got) != 6 || got[5].Stage != "实施" {
			t.Errorf("ListStageHistory(NB-1) = %+v, want six events ending with 实施", got)
		}
	})

	t.Run("ErrImplementAfterChange", func(t *testing.T) {
		if _, err := importStages(t, svc, "NB-1,变更,2026-05-01,市委改革办,,,,建设周期,省级接口延期,"); err != nil {
			t.Fatalf("import 变更: %v", err)
		}
		rep, err := importStages(t, svc, "NB-1,实施,2026-06-10,宁波市北仑区,,,,,,")
		if saima.ErrorKind(err) != saima.KindInvalid {
			t.Fatalf("Import() error = %v, want kind invalid", err)
		}
		if len(rep.Errors) != 1 {
			t.Fatalf("Import() errors = %v, want one", rep.Errors)
		}
		if got := rep.Errors[0].Reason; !strings.Contains(got, "第2轮还没有论证、决策记录") {
			t.Errorf("Import() reason = %q, want it to name the missing 论证 and 决策 of round 2", got)
		}
		if got := rep.Errors[0].Reason; strings.Contains(got, "阶段日期不能倒退") {
			t.Errorf("Import() reason = %q, want no date going back", got)
		}

		got, err := store.ListStageHistory(ctx, "NB-1")
		if err != nil {
			t.Fatal(err)
		}
		if i := slices.IndexFunc(got, func(e saima.StageEvent) bool { return e.Stage == "实施" }); i < 0 ||
			got[i].Date.String() != "2026-03-01" {
			t.Errorf("ListStageHistory(NB-1) = %+v, want the stored 实施 of 2026-03-01 kept", got)
		}
	})

	t.Run("ErrFinishInEarlierRound", func(t *testing.T) {
		_, err := importStages(t, svc,
			"NB-1,论证,2026-05-20,市委改革办,,,2,,,",
			"NB-1,决策,2026-06-01,市委改革委,,,2,,,",
			"NB-1,实施,2026-06-10,宁波市北仑区,,,2,,,",
			"NB-1,评估,2026-09-01,第三方评估机构,,,2,,,",
		)
		if err != nil {
			t.Fatalf("import round 2: %v", err)
		}
		rep, err := importStages(t, svc, "NB-1,完成,2026-10-01,市委改革办,,,1,,,")
		if saima.ErrorKind(err) != saima.KindInvalid {
			t.Fatalf("Import(完成 in round 1) error = %v, want kind invalid", err)
		}
		want := "stages.csv 第2行“轮次”列的值“1”：项目NB-1的完成登记为第1轮，而项目当前是第2轮，请在“轮次”列填写2或留空"
		if len(rep.Errors) != 1 || rep.Errors[0].String() != want {
			t.Errorf("Import(完成 in round 1) errors = %q, want [%q]", rep.Errors, want)
		}

		if _, err := importStages(t, svc, "NB-1,完成,2026-10-01,市委改革办,,,,,,"); err != nil {
			t.Errorf("Import(完成 with 轮次 empty) error = %v, want nil", err)
		}
	})

	t.Run("ErrStoreLacksHistory", func(t *testing.T) {
		plain := *svc
		plain.Store = ingest.Adapt(storeWithoutHistory{store})
		_, err := importStages(t, &plain, "NB-1,评估,2026-09-01,第三方评估机构,,,,,,")
		if err == nil || saima.ErrorKind(err) == saima.KindInvalid {
			t.Errorf("Import() error = %v, want a non-invalid error", err)
		}
		var e *saima.Error
		if errors.As(err, &e) {
			t.Errorf("Import() error = %v, want no user message", err)
		}
	})
}

// storeWithoutHistory hides ListStageHistory from the service.
type storeWithoutHistory struct{ s *clickhouse.Store }

func (w storeWithoutHistory) ListUnits(ctx context.Context) ([]saima.Unit, error) {
	return w.s.ListUnits(ctx)
}

func (w storeWithoutHistory) ListProjects(ctx context.Context) ([]saima.Project, error) {
	return w.s.ListProjects(ctx)
}

func (w storeWithoutHistory) ListMilestones(ctx context.Context) ([]saima.Milestone, error) {
	return w.s.ListMilestones(ctx)
}

func (w storeWithoutHistory) ListListItems(ctx context.Context) ([]saima.ListItem, error) {
	return w.s.ListListItems(ctx)
}

func (w storeWithoutHistory) ListProblems(ctx context.Context) ([]saima.ProblemItem, error) {
	return w.s.ListProblems(ctx)
}

func (w storeWithoutHistory) ListLeaderReports(ctx context.Context) ([]saima.LeaderReport, error) {
	return w.s.ListLeaderReports(ctx)
}

func (w storeWithoutHistory) FindUploadBySHA256(ctx context.Context, dataset, sha string) (saima.Upload, bool, error) {
	return w.s.FindUploadBySHA256(ctx, dataset, sha)
}

func (w storeWithoutHistory) BeginUpload(up saima.Upload) (*clickhouse.UploadWriter, error) {
	return w.s.BeginUpload(up)
}

func (w storeWithoutHistory) RecordUpload(ctx context.Context, u saima.Upload) error {
	return w.s.RecordUpload(ctx, u)
}

// TestImportRejectsStageOfUnknownProject checks that a stage of a
// project the ledger does not hold is an error that names the nearest
// code. The ledger pages leave such a project out while the reports'
// stage distribution would count it.
func TestImportRejectsStageOfUnknownProject(t *testing.T) {
	svc, store := lifecycleService(t)
	rep, err := importStages(t, svc, "NB-2,预报,2026-01-05,宁波市北仑区,,,,,,")
	if saima.ErrorKind(err) != saima.KindInvalid {
		t.Fatalf("Import() error = %v, want kind invalid", err)
	}
	if len(rep.Errors) != 1 {
		t.Fatalf("Import() errors = %v, want one", rep.Errors)
	}
	got := rep.Errors[0]
	if got.Row != 2 || got.Column != "项目编号" || got.Value != "NB-2" {
		t.Errorf("error at row %d column %q value %q, want row 2, 项目编号, NB-2", got.Row, got.Column, got.Value)
	}
	if !strings.Contains(got.Reason, "不在项目台账中") || !strings.Contains(got.Fix, "NB-1") {
		t.Errorf("error = %q, want it to say the ledger lacks NB-2 and to suggest NB-1", got.String())
	}
	events, err := store.ListStageHistory(context.Background(), "NB-2")
	if err != nil {
		t.Fatal(err)
	}
	if len(events) != 0 {
		t.Errorf("ListStageHistory(NB-2) = %+v, want nothing stored", events)
	}
}

// TestImportRejectsPlaceholderAccountability checks that a 问责情况, 变更事项
// or 变更原因 written as a placeholder such as “/” counts as missing, so an
// exit or a change without them is rejected.
func TestImportRejectsPlaceholderAccountability(t *testing.T) {
	svc, _ := lifecycleService(t)
	_, err := importStages(t, svc,
		"NB-1,预报,2026-01-05,宁波市北仑区,,,,,,",
		"NB-1,初审,2026-01-10,市经信局,,,,,,",
		"NB-1,审核,2026-01-20,市委改革办,,,,,,",
		"NB-1,论证,2026-02-01,市委改革办,,,,,,",
	)
	if err != nil {
		t.Fatalf("import first stages: %v", err)
	}
	tests := []struct {
		name, row, column string
	}{
		{"ErrExitSlash", "NB-1,退出,2026-03-01,市委改革委,进度严重滞后,,,,,/", "问责情况"},
		{"ErrExitDash", "NB-1,退出,2026-03-01,市委改革委,进度严重滞后,,,,,——", "问责情况"},
		{"ErrChangeItem", "NB-1,变更,2026-03-01,市委改革办,,,,/,省级接口延期,", "变更事项"},
		{"ErrChangeReason", "NB-1,变更,2026-03-01,市委改革办,,,,建设周期,-,", "变更原因"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rep, err := importStages(t, svc, tt.row)
			if saima.ErrorKind(err) != saima.KindInvalid {
				t.Fatalf("Import() error = %v, want kind invalid", err)
			}
			if !slices.ContainsFunc(rep.Errors, func(is ingest.Issue) bool { return is.Column == tt.column }) {
				t.Errorf("Import() errors = %v, want one on %s", rep.Errors, tt.column)
			}
		})
	}
}

package ingest_test

import (
	"context"
	"fmt"
	"log/slog"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/shopspring/decimal"

	"saima"
	"saima/clickhouse/chtest"
	"saima/ingest"
)

// storedValuesService returns an import service over a fresh store that
// holds 宁波市海曙区's project NB-1 at stage 完成, with a full 2026Q1
// progress report at 100%, and project NB-2, still 实施, at 60% in 2026Q3.
func storedValuesService(tb testing.TB) *ingest.Service {
	tb.Helper()
	store := chtest.Store(tb)
	at := time.Date(2026, 12, 1, 9, 0, 0, 0, saima.Beijing)
	day := func(s string) saima.Date { return stepDay(s) }
	filed := day("2026-04-05")
	batches := []*saima.Batch{
		{Units: []saima.Unit{{Name: "宁波市海曙区", Kind: saima.KindDistrict, Track: saima.KindDistrict}}},
		{Projects: []saima.Project{
			{Code: "NB-1", Name: "企业画像", Unit: "宁波市海曙区", Budget: decimal.NewNullDecimal(decimal.NewFromInt(120))},
			{Code: "NB-2", Name: "一网统管", Unit: "宁波市海曙区"},
		}},
		{Stages: []saima.StageEvent{
			{ProjectCode: "NB-1", Stage: "决策", Date: day("2026-01-02"), DecidedBy: "市委改革委"},
			{ProjectCode: "NB-1", Stage: "实施", Date: day("2026-01-05"), Documents: "甬改办〔2026〕3号"},
			{ProjectCode: "NB-1", Stage: "评估", Date: day("2026-05-05")},
			{ProjectCode: "NB-1", Stage: "完成", Date: day("2026-06-05")},
			{ProjectCode: "NB-2", Stage: "决策", Date: day("2026-02-02"), DecidedBy: "市委改革委"},
			{ProjectCode: "NB-2", Stage: "实施", Date: day("2026-02-05")},
		}},
		{Progress: []saima.ProgressReport{
			{Unit: "宁波市海曙区", ProjectCode: "NB-1", Period: saima.Quarter(2026, 1),
				Percent: decimal.NewNullDecimal(decimal.NewFromInt(100)), ReportDate: &filed,
				Progress: "完成企业画像模块", Problems: "无"},
			{Unit: "宁波市海曙区", ProjectCode: "NB-2", Period: saima.Quarter(2026, 3),
				Percent: decimal.NewNullDecimal(decimal.NewFromInt(60)), Progress: "接入数据"},
		}},
	}
	for i, b := range batches {
		b.Upload = saima.Upload{ID: fmt.Sprintf("seed-%d", i), Uploader: "office", At: at.Add(time.Duration(i) * time.Minute)}
		if err := store.WriteBatch(context.Background(), b); err != nil {
			tb.Fatalf("seed batch %d: %v", i, err)
		}
	}
	seq := 0
	return &ingest.Service{
		Store: ingest.Adapt(store),
		Log:   slog.New(slog.DiscardHandler),
		Now:   func() time.Time { return at.Add(time.Hour) },
		NewID: func() string { seq++; return fmt.Sprintf("values-%d", seq) },
	}
}

// warningWith returns the first warning of rep whose text contains every
// part, and "" when there is none.
func warningWith(rep *ingest.Report, parts ...string) string {
	for _, w := range rep.Warnings {
		text := w.String()
		found := true
		for _, p := range parts {
			found = found && strings.Contains(text, p)
		}
		if found {
			return text
		}
	}
	return ""
}

// TestImportWarnsMissingColumns checks that a file without some optional
// columns warns, in a preview and an upload alike, when stored records
// would lose a non-blank value in them, naming the columns and the count.
func TestImportWarnsMissingColumns(t *testing.T) {
	tests := []struct {
		name, file, text string
		want             []string // parts of the warning; nil for none
	}{
		{"ProgressWithoutText", "progress.csv", "单位,项目代码,完成比例,期间\n宁波市海曙区,NB-1,100%,2026Q1\n",
			[]string{"进展情况", "存在问题", "填报日期", "1条"}},
		{"ProgressAllColumns", "progress.csv",
			"单位,项目编号,项目名称,填报期间,完成率,填报日期,进展情况,存在问题\n" +
				"宁波市海曙区,NB-1,企业画像,2026Q1,100%,2026-04-05,完成企业画像模块,无\n", nil},
		{"ProgressNewRecord", "progress.csv", "单位,项目代码,完成比例,期间\n宁波市海曙区,NB-2,70%,2026Q4\n", nil},
		{"ProjectsWithoutBudget", "projects.csv", "项目编号,项目名称,责任单位\nNB-1,企业画像,宁波市海曙区\n",
			[]string{"预算（万元）", "1条"}},
		{"StagesWithoutDocuments", "stages.csv", "项目编号,阶段,日期\nNB-1,实施,2026-01-05\n",
			[]string{"文件", "1条"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			for _, dry := range []bool{true, false} {
				svc := storedValuesService(t)
				req := ingest.Request{FileName: tt.file, Body: strings.NewReader(tt.text), Uploader: "office"}
				run := svc.Import
				if dry {
					run = svc.Preview
				}
				rep, err := run(context.Background(), req)
				if err != nil {
					t.Fatalf("dry run %v: error %v (report %+v)", dry, err, rep)
				}
				got := warningWith(rep, "没有")
				if tt.want == nil {
					if got != "" {
						t.Errorf("dry run %v: warning %q, want none about missing columns", dry, got)
					}
					continue
				}
				if w := warningWith(rep, tt.want...); w == "" {
					t.Errorf("dry run %v: warnings %v, want one containing %q", dry, rep.Warnings, tt.want)
				}
			}
		})
	}
}

// TestImportWarnsLowerCompletion checks that a completion rate below the
// latest stored one of the project, or below 100% for a project at 完成 or
// 评估, warns and is still imported.
func TestImportWarnsLowerCompletion(t *testing.T) {
	tests := []struct {
		name, row string
		want      [][]string // parts of each expected warning
	}{
		{"BelowStoredAndDone", "宁波市海曙区,NB-1,81%,2026Q4",
			[][]string{{"NB-1", "81%", "2026Q4", "100%", "2026Q1"}, {"NB-1", "完成", "81%"}}},
		{"BelowStored", "宁波市海曙区,NB-2,55%,2026Q4", [][]string{{"NB-2", "55%", "2026Q4", "60%", "2026Q3"}}},
		{"Higher", "宁波市海曙区,NB-2,70%,2026Q4", nil},
		{"EarlierPeriod", "宁波市海曙区,NB-2,40%,2026Q2", nil},
		{"BeforeDone", "宁波市海曙区,NB-1,90%,2025Q4", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			svc := storedValuesService(t)
			text := "单位,项目编号,完成率,填报期间\n" + tt.row + "\n"
			rep, err := svc.Import(context.Background(), ingest.Request{FileName: "progress.csv",
				Body: strings.NewReader(text), Uploader: "office"})
			if err != nil {
				t.Fatalf("Import() error = %v", err)
			}
			if rep.Imported != 1 {
				t.Errorf("Imported = %d, want 1", rep.Imported)
			}
			for _, parts := range tt.want {
				if warningWith(rep, parts...) == "" {
					t.Errorf("warnings %v, want one containing %q", rep.Warnings, parts)
				}
			}
			if tt.want == nil {
				if w := warningWith(rep, "完成率"); w != "" {
					t.Errorf("warning %q, want none about the rate", w)
				}
			}
		})
	}
}

// A chunk with more projects than one read by code takes is imported
// without the comparison, and the report warns of it.
func TestImportTooManyProjectsToCompare(t *testing.T) {
	svc := storedValuesService(t)
	ingest.SetCodesPerQuery(t, 1)
	text := "单位,项目编号,完成率,填报期间\n宁波市海曙区,NB-1,81%,2026Q4\n宁波市海曙区,NB-2,55%,2026Q4\n"
	rep, err := svc.Import(context.Background(), ingest.Request{FileName: "progress.csv",
		Body: strings.NewReader(text), Uploader: "office"})
	if err != nil {
		t.Fatalf("Import() error = %v", err)
	}
	if rep.Imported != 2 {
		t.Errorf("Imported = %d, want 2", rep.Imported)
	}
	if w := warningWith(rep, "涉及的项目超过1个", "2条记录没有与已存记录比对", "分批上传"); w == "" {
		t.Errorf("warnings %v, want one saying 2 records were not compared", rep.Warnings)
	}
	if w := warningWith(rep, "低于"); w != "" {
		t.Errorf("warning %q compares a rate in a chunk that is not compared", w)
	}
}

// A completion-rate warning names the row of the file it is about.
func TestImportLowerCompletionRow(t *testing.T) {
	svc := storedValuesService(t)
	text := "单位,项目编号,完成率,填报期间\n宁波市海曙区,NB-2,70%,2026Q4\n宁波市海曙区,NB-1,81%,2026Q4\n"
	rep, err := svc.Import(context.Background(), ingest.Request{FileName: "progress.csv",
		Body: strings.NewReader(text), Uploader: "office"})
	if err != nil {
		t.Fatalf("Import() error = %v", err)
	}
	var rows []int
	for _, w := range rep.Warnings {
		if strings.Contains(w.Reason, "完成率") {
			rows = append(rows, w.Row)
			if !strings.HasPrefix(w.String(), "progress.csv 第3行“完成率”列的值“81%”") {
				t.Errorf("warning = %q, want it to start with the file, row 3, column and value", w.String())
			}
		}
	}
	if !slices.Equal(rows, []int{3, 3}) {
		t.Errorf("rows of the rate warnings = %v, want [3 3]", rows)
	}
}

package ingest_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"saima"
	"saima/ingest"
)

// TestImportWarnsOpenMilestonesAtFinish checks the warnings about open
// milestones of a finished project, which still count as overdue. A 完成
// row and a milestone row without an actual date each import with one
// warning that names the row, the project and the open milestones.
func TestImportWarnsOpenMilestonesAtFinish(t *testing.T) {
	svc, store := lifecycleService(t)
	ctx := context.Background()
	err := store.WriteBatch(ctx, &saima.Batch{
		Upload: saima.Upload{ID: "roster", Dataset: saima.DatasetUnits, At: time.Date(2026, 10, 15, 9, 2, 0, 0, saima.Beijing)},
		Units:  []saima.Unit{{Name: "宁波市北仑区", Kind: saima.KindDistrict, Track: saima.KindDistrict}},
	})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := importStages(t, svc,
		"NB-1,预报,2026-01-05,宁波市北仑区,,,,,,",
		"NB-1,初审,2026-01-10,市经信局,,,,,,",
		"NB-1,审核,2026-01-20,市委改革办,,,,,,",
		"NB-1,论证,2026-02-01,市委改革办,,,,,,",
		"NB-1,决策,2026-02-10,市委改革委,,,,,,",
		"NB-1,实施,2026-02-20,宁波市北仑区,,,,,,",
		"NB-1,评估,2026-09-01,市委改革办,,,,,,",
	); err != nil {
		t.Fatalf("import stages: %v", err)
	}
	importOffice(t, svc, "milestones.csv", "项目编号,里程碑,计划完成日期,实际完成日期,状态,责任单位\n"+
		"NB-1,方案,2026-03-31,2026-03-20,已完成,宁波市北仑区\n"+
		"NB-1,上线,2026-06-30,,进行中,宁波市北仑区\n"+
		"NB-1,终验,2026-12-31,,未开始,宁波市北仑区\n")

	rep, err := importStages(t, svc, "NB-1,完成,2026-10-10,市委改革办,,,,,,")
	if err != nil {
		t.Fatalf("import 完成: %v, errors %v", err, rep.Errors)
	}
	assertOneWarning(t, rep, "第2行“阶段”列的值“完成”", "项目NB-1标为完成，但还有2个里程碑没有实际完成日期",
		"上线（计划 2026-06-30）、终验（计划 2026-12-31）", "仍按逾期计入")

	rep = importOffice(t, svc, "milestones-again.csv", "项目编号,里程碑,计划完成日期,实际完成日期,状态,责任单位\n"+
		"NB-1,方案,2026-03-31,2026-03-20,已完成,宁波市北仑区\n"+
		"NB-1,上线,2026-06-30,,进行中,宁波市北仑区\n")
	assertOneWarning(t, rep, "第3行“实际完成日期”列", "项目NB-1已于2026-10-10标为完成", "计划 2026-06-30", "仍按逾期计入")
}

// importOffice imports text as the file name by the office and fails the
// test on an error.
func importOffice(t *testing.T, svc *ingest.Service, name, text string) *ingest.Report {
	t.Helper()
	rep, err := svc.Import(context.Background(), ingest.Request{FileName: name, Body: strings.NewReader(text),
		Uploader: "office"})
	if err != nil {
		t.Fatalf("import %s: %v, errors %v", name, err, rep.Errors)
	}
	return rep
}

// assertOneWarning checks that exactly one warning of rep contains every
// part of want.
func assertOneWarning(t *testing.T, rep *ingest.Report, want ...string) {
	t.Helper()
	found := 0
	for _, w := range rep.Warnings {
		all := true
		for _, part := range want {
			all = all && strings.Contains(w.String(), part)
		}
		if all {
			found++
		}
	}
	if found != 1 {
		t.Errorf("warnings = %q, want one containing each of %q", rep.Warnings, want)
	}
}

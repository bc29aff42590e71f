package ingest_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"saima"
	"saima/ingest"
)

// TestImportWarnsOfWorkAfterExit checks that progress on a period that
// begins after its project's exit, and a milestone done after the exit,
// import with a warning that names the exit day, because the scoring
// leaves them out. So does a milestone done before the project's first
// stage, which would count as on time.
func TestImportWarnsOfWorkAfterExit(t *testing.T) {
	svc, store := lifecycleService(t)
	at := time.Date(2026, 10, 15, 9, 2, 0, 0, saima.Beijing)
	err := store.WriteBatch(context.Background(), &saima.Batch{
		Upload: saima.Upload{ID: "roster", Dataset: saima.DatasetUnits, At: at},
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
		"NB-1,退出,2026-06-30,市委改革委,建设条件不成熟,,,,,不予问责：政策调整",
	); err != nil {
		t.Fatalf("import stages: %v", err)
	}

	tests := []struct {
		name, text, want string
	}{
		{"ProgressAfterExit", "单位,项目编号,项目名称,填报期间,完成率,填报日期\n" +
			"宁波市北仑区,NB-1,一网统管,2026Q2,40%,2026-07-05\n" +
			"宁波市北仑区,NB-1,一网统管,2026Q3,50%,2026-10-05\n",
			"第3行“填报期间”列的值“2026Q3”开始于项目NB-1的退出日期2026-06-30之后"},
		{"MilestoneDoneAfterExit", "项目编号,里程碑,计划完成日期,实际完成日期,状态,责任单位\n" +
			"NB-1,方案,2026-03-31,2026-03-20,已完成,宁波市北仑区\n" +
			"NB-1,上线,2026-09-30,2026-08-01,已完成,宁波市北仑区\n",
			"第3行“实际完成日期”列的值“2026-08-01”晚于项目NB-1的退出日期2026-06-30"},
		{"MilestoneDoneBeforeFiling", "项目编号,里程碑,计划完成日期,实际完成日期,状态,责任单位\n" +
			"NB-1,方案,2026-03-31,2025-06-01,已完成,宁波市北仑区\n",
			"第2行“实际完成日期”列的值“2025-06-01”早于项目NB-1首次登记阶段的日期2026-01-05"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rep, err := svc.Import(context.Background(), ingest.Request{FileName: tt.name + ".csv",
				Body: strings.NewReader(tt.text), Uploader: "office"})
			if err != nil {
				t.Fatalf("Import() error = %v, errors %v", err, rep.Errors)
			}
			var found int
			for _, w := range rep.Warnings {
				if strings.Contains(w.String(), tt.want) {
					found++
				}
			}
			if found != 1 {
				t.Errorf("warnings = %q, want one containing %q", rep.Warnings, tt.want)
			}
		})
	}
}

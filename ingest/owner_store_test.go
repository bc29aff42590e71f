package ingest_test

import (
	"bytes"
	"context"
	"fmt"
	"log/slog"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/shopspring/decimal"
	"github.com/xuri/excelize/v2"

	"saima"
	"saima/clickhouse"
	"saima/clickhouse/chtest"
	"saima/ingest"
)

// ownerStoreService returns an import service over a fresh store in which
// 余姚市 owns a record of every dataset. 余姚市 alone runs NB-2026-200 and
// NB-2026-203, and 宁海县 leads NB-2026-202, for which 余姚市 is
// responsible.
func ownerStoreService(tb testing.TB) (*ingest.Service, *clickhouse.Store) {
	tb.Helper()
	store := chtest.Store(tb)
	at := time.Date(2026, 10, 15, 9, 0, 0, 0, saima.Beijing)
	day := func(s string) saima.Date { return stepDay(s) }
	h1 := saima.HalfYear{Year: 2026, Half: 1}
	batches := []*saima.Batch{
		{Units: []saima.Unit{
			{Name: "余姚市", Kind: saima.KindDistrict, Track: saima.KindDistrict},
			{Name: "宁海县", Kind: saima.KindDistrict, Track: saima.KindDistrict},
		}},
		{Projects: []saima.Project{
			{Code: "NB-2026-200", Name: "浙里办接入", Unit: "余姚市"},
			{Code: "NB-2026-202", Name: "城市大脑", Unit: "余姚市", LeadUnit: "宁海县", LeaderLed: true, Leader: "王市长"},
			{Code: "NB-2026-203", Name: "一网通办", Unit: "余姚市", LeaderLed: true, Leader: "王市长"},
		}},
		{Stages: []saima.StageEvent{{ProjectCode: "NB-2026-200", Stage: "预报", Date: day("2026-03-01")}}},
		{Milestones: []saima.Milestone{{ProjectCode: "NB-2026-200", Name: "上线", Unit: "余姚市", Planned: day("2026-12-31")}}},
		{Assessments: []saima.Assessment{{Unit: "余姚市", Indicator: "开工率", Score: decimal.NewFromInt(30),
			Mode: "线下年终", Period: saima.Quarter(2026, 3)}}},
		{Problems: []saima.ProblemItem{{ID: "WT-7", Unit: "余姚市", Stage: "收集", Opened: day("2026-09-01")}}},
		{ProblemSteps: []saima.ProblemStep{{ProblemID: "WT-7", Step: "收集", Level: 1, Date: day("2026-09-01")}}},
		{ListItems: []saima.ListItem{{List: "重大需求", ID: "A1", Name: "数据共享", Unit: "余姚市", Deadline: day("2026-12-31")}}},
		{ListDone: []saima.ListDone{{List: "重大需求", ItemID: "A1", Unit: "余姚市", Date: day("2026-10-01")}}},
		{LeaderReports: []saima.LeaderReport{{ProjectCode: "NB-2026-202", Half: h1, Leader: "王市长", Unit: "余姚市",
			Results: "上线", Submitted: day("2026-07-08")}}},
	}
	for i, b := range batches {
		b.Upload = saima.Upload{ID: fmt.Sprintf("seed-%d", i), Uploader: "office", At: at.Add(time.Duration(i) * time.Minute)}
		if err := store.WriteBatch(context.Background(), b); err != nil {
			tb.Fatalf("seed batch %d: %v", i, err)
		}
	}
	seq := 0
	svc := &ingest.Service{
		Store: ingest.Adapt(store),
		Log:   slog.New(slog.DiscardHandler),
		Now:   func() time.Time { return at.Add(time.Hour) },
		NewID: func() string { seq++; return fmt.Sprintf("owner-%d", seq) },
	}
	return svc, store
}

// storedRecords is every stored record of the datasets that
// ownerStoreService seeds.
type storedRecords struct {
	Projects      []saima.Project
	Stages        []saima.StageEvent
	Milestones    []saima.Milestone
	Assessments   []saima.Assessment
	Problems      []saima.ProblemItem
	ProblemSteps  []saima.ProblemStep
	ListItems     []saima.ListItem
	ListDone      []saima.ListDone
	LeaderReports []saima.LeaderReport
}

func readStored(tb testing.TB, store *clickhouse.Store) storedRecords {
	tb.Helper()
	ctx := context.Background()
	var s storedRecords
	var err error
	check := func(what string) {
		if err != nil {
			tb.Fatalf("list %s: %v", what, err)
		}
	}
	s.Projects, err = store.ListProjects(ctx)
	check("projects")
	s.Stages, err = store.ListStageEvents(ctx)
	check("stages")
	s.Milestones, err = store.ListMilestones(ctx)
	check("milestones")
	s.Assessments, err = store.ListAssessments(ctx, saima.Quarter(2026, 3))
	check("assessments")
	s.Problems, err = store.ListProblems(ctx)
	check("problems")
	s.ProblemSteps, err = store.ListProblemSteps(ctx)
	check("problem steps")
	s.ListItems, err = store.ListListItems(ctx)
	check("list items")
	s.ListDone, err = store.ListListDone(ctx)
	check("list done")
	s.LeaderReports, err = store.ListLeaderReports(ctx)
	check("leader reports")
	return s
}

// A unit's account that sends a file giving 余姚市's records to itself
// gets 403 and writes nothing, for every dataset whose records have a
// unit. Row errors name the row, the column, the value and the owner.
func TestImportUnitTakeover(t *testing.T) {
	tests := []struct {
		dataset, text string
		want          string // the start of the only error; "" for an office-only dataset
	}{
		{saima.DatasetProjects, "项目编号,项目名称,责任单位\nNB-2026-200,浙里办接入,宁海县\n", ""},
		{saima.DatasetProblems, "问题编号,单位,发现日期\nWT-7,宁海县,2026-09-01\n",
			"u.csv 第2行“问题编号”列的值“WT-7”在问题清单中属于“余姚市”"},
		{saima.DatasetLeaderReports, "项目编号,半年度,牵头单位,成果,报送日期\nNB-2026-202,2026上半年,宁海县,上线,2026-07-08\n",
			"u.csv 第2行“项目编号”列的值“NB-2026-202”的2026年上半年报告属于“余姚市”"},
		{saima.DatasetListDone, "清单名称,事项编号,责任单位,完成日期\n重大需求,A1,宁海县,2026-10-02\n",
			"u.csv 第2行“事项编号”列的值“A1”在“重大需求”清单中属于“余姚市”"},
		{saima.DatasetMilestones, "项目编号,里程碑,计划完成日期,责任单位\nNB-2026-200,上线,2027-03-31,宁海县\n",
			"u.csv 第2行“项目编号”列的值“NB-2026-200”在项目台账中是“余姚市”的项目“浙里办接入”"},
		{saima.DatasetLists, "清单名称,事项编号,事项名称,责任单位,完成时限\n重大需求,A1,数据共享,宁海县,2026-12-31\n", ""},
		{saima.DatasetStages, "项目编号,阶段,日期\nNB-2026-200,初审,2026-04-01\n", ""},
		{saima.DatasetProblemSteps, "问题编号,环节,日期\nWT-7,梳理归类,2026-09-05\n", ""},
		{saima.DatasetAssessments, "被考评单位,指标,得分,考评方式,考评期间\n宁海县,开工率,30,线下年终,2026Q3\n", ""},
	}
	for _, tt := range tests {
		t.Run(tt.dataset, func(t *testing.T) {
			svc, store := ownerStoreService(t)
			before := readStored(t, store)
			rep, err := svc.Import(t.Context(), ingest.Request{FileName: "u.csv", Body: strings.NewReader(tt.text),
				Uploader: "ninghai", Unit: "宁海县"})
			if saima.ErrorKind(err) != saima.KindForbidden {
				t.Fatalf("Import() error = %v, want kind forbidden", err)
			}
			if rep.Upload.Outcome != saima.OutcomeRejected || rep.Imported != 0 {
				t.Errorf("upload = %+v, want rejected with nothing imported", rep.Upload)
			}
			got := issueStrings(rep.Errors)
			switch {
			case tt.want == "" && (len(got) != 1 || rep.Errors[0].Row != 0 || !strings.Contains(got[0], "请由改革办上传")):
				t.Errorf("errors = %q, want one for the whole file, to leave the dataset to the office", got)
			case tt.want != "" && (len(got) != 1 || !strings.HasPrefix(got[0], tt.want)):
				t.Errorf("errors = %q, want one that starts with %q", got, tt.want)
			}
			if after := readStored(t, store); !reflect.DeepEqual(after, before) {
				t.Errorf("stored records changed:\n%+v\nwant\n%+v", after, before)
			}
		})
	}
}

// The office moves 余姚市's records to 宁海县, with a warning that names
// both units.
func TestImportOfficeMoves(t *testing.T) {
	tests := []struct {
		dataset, text string
		unit          func(storedRecords) string // the stored record's unit afterwards
	}{
		{saima.DatasetProjects, "项目编号,项目名称,责任单位\nNB-2026-200,浙里办接入,宁海县\n",
			func(s storedRecords) string { return s.Projects[0].Unit }},
		{saima.DatasetProblems, "问题编号,单位,发现日期\nWT-7,宁海县,2026-09-01\n",
			func(s storedRecords) string { return s.Problems[0].Unit }},
		{saima.DatasetLeaderReports, "项目编号,半年度,牵头单位,成果,报送日期\nNB-2026-202,2026上半年,宁海县,上线,2026-07-08\n",
			func(s storedRecords) string { return s.LeaderReports[0].Unit }},
		{saima.DatasetLists, "清单名称,事项编号,事项名称,责任单位,完成时限\n重大需求,A1,数据共享,宁海县,2026-12-31\n",
			func(s storedRecords) string { return s.ListItems[0].Unit }},
		{saima.DatasetMilestones, "项目编号,里程碑,计划完成日期,责任单位\nNB-2026-200,上线,2027-03-31,宁海县\n",
			func(s storedRecords) string { return s.Milestones[0].Unit }},
	}
	svc, store := ownerStoreService(t)
	for _, tt := range tests {
		t.Run(tt.dataset, func(t *testing.T) {
			rep, err := svc.Import(t.Context(), ingest.Request{FileName: "o.csv", Body: strings.NewReader(tt.text),
				Uploader: "office"})
			if err != nil {
				t.Fatalf("Import() error = %v, errors %q", err, issueStrings(rep.Errors))
			}
			// The files carry only the key columns, so they also get the
			// warning about blanked columns, which this test leaves aside.
			got := slices.DeleteFunc(issueStrings(rep.Warnings), func(w string) bool {
				return strings.Contains(w, "列，导入后每条记录的这几项都为空")
			})
			if len(got) != 1 || !strings.Contains(got[0], "导入后改属“宁海县”（余姚市 → 宁海县）") {
				t.Errorf("warnings = %q, want one that names 余姚市 → 宁海县", got)
			}
			if unit := tt.unit(readStored(t, store)); unit != "宁海县" {
				t.Errorf("stored unit = %q, want 宁海县", unit)
			}
		})
	}
}

// A unit's half-year report, milestone or problem on a project that the
// ledger does not give it gets 403 and writes nothing. The office's report
// under such a unit is invalid. The project's own unit replaces what
// another unit wrote there before these checks.
func TestImportProjectOfAnotherUnit(t *testing.T) {
	svc, store := ownerStoreService(t)
	h2 := saima.HalfYear{Year: 2026, Half: 2}
	intruder := &saima.Batch{
		Upload:        saima.Upload{ID: "intruder", Uploader: "ninghai", At: time.Date(2026, 10, 15, 9, 30, 0, 0, saima.Beijing)},
		LeaderReports: []saima.LeaderReport{{ProjectCode: "NB-2026-203", Half: h2, Unit: "宁海县", Results: "已全部完成"}},
		Milestones:    []saima.Milestone{{ProjectCode: "NB-2026-203", Name: "三期上线", Unit: "宁海县", Planned: stepDay("2026-10-01")}},
	}
	if err := store.WriteBatch(t.Context(), intruder); err != nil {
		t.Fatalf("seed intruder's records: %v", err)
	}
	importAs := func(t *testing.T, unit, text string) (*ingest.Report, error) {
		t.Helper()
		return svc.Import(t.Context(), ingest.Request{FileName: "u.csv", Body: strings.NewReader(text),
			Uploader: "u", Unit: unit})
	}

	forbidden := []struct{ name, text string }{
		{"leader report", "项目编号,半年度,牵头单位,成果,报送日期\nNB-2026-203,2026上半年,宁海县,代报,2026-07-08\n"},
		{"milestone", "项目编号,里程碑,计划完成日期,责任单位\nNB-2026-203,四期上线,2026-12-01,宁海县\n"},
		{"problem", "问题编号,单位,项目编号,发现日期\nWT-950,宁海县,NB-2026-203,2026-09-01\n"},
	}
	for _, tt := range forbidden {
		t.Run(tt.name, func(t *testing.T) {
			before := readStored(t, store)
			rep, err := importAs(t, "宁海县", tt.text)
			if saima.ErrorKind(err) != saima.KindForbidden {
				t.Fatalf("Import() error = %v, want kind forbidden", err)
			}
			want := "u.csv 第2行“项目编号”列的值“NB-2026-203”在项目台账中是“余姚市”的项目“一网通办”"
			if got := issueStrings(rep.Errors); len(got) != 1 || !strings.HasPrefix(got[0], want) {
				t.Errorf("errors = %q, want one that starts with %q", got, want)
			}
			if after := readStored(t, store); !reflect.DeepEqual(after, before) {
				t.Errorf("stored records changed:\n%+v\nwant\n%+v", after, before)
			}
		})
	}

	t.Run("office report under another unit", func(t *testing.T) {
		rep, err := importAs(t, "", "项目编号,半年度,牵头单位,成果,报送日期\nNB-2026-203,2026上半年,宁海县,代报,2026-07-08\n")
		if saima.ErrorKind(err) != saima.KindInvalid {
			t.Fatalf("Import() error = %v, want kind invalid", err)
		}
		want := "u.csv 第2行“牵头单位”列的值“宁海县”与项目台账不符"
		if got := issueStrings(rep.Errors); len(got) != 1 || !strings.HasPrefix(got[0], want) {
			t.Errorf("errors = %q, want one that starts with %q", got, want)
		}
	})

	t.Run("owner corrects", func(t *testing.T) {
		for _, text := range []string{
			"项目编号,半年度,领衔领导,牵头单位,成果,问题,下步计划,报送日期\nNB-2026-203,2026下半年,王市长,余姚市,真实报告,无,无,2026-10-10\n",
			"项目编号,里程碑,计划完成日期,实际完成日期,状态,责任单位\nNB-2026-203,三期上线,2026-10-01,2026-09-30,已完成,\n",
		} {
			rep, err := importAs(t, "余姚市", text)
			if err != nil {
				t.Fatalf("Import() error = %v, errors %q", err, issueStrings(rep.Errors))
			}
			if got := issueStrings(rep.Warnings); len(got) != 1 || !strings.Contains(got[0], "属于“宁海县”，而“宁海县”不是该项目在项目台账中的责任单位或牵头单位") {
				t.Errorf("warnings = %q, want one that names 宁海县 as not the project's unit", got)
			}
		}
		after := readStored(t, store)
		for _, r := range after.LeaderReports {
			if r.ProjectCode == "NB-2026-203" && r.Unit != "余姚市" {
				t.Errorf("report %s %s unit = %q, want 余姚市", r.ProjectCode, r.Half, r.Unit)
			}
		}
		for _, m := range after.Milestones {
			if m.ProjectCode == "NB-2026-203" && m.Unit != "余姚市" && m.Unit != "" {
				t.Errorf("milestone %s %s unit = %q, want the project's", m.ProjectCode, m.Name, m.Unit)
			}
		}
	})
}

// A roster upload that lists a stored unit's name as another unit's alias
// is rejected, so the name keeps reading as its own unit. The store lists
// units by kind and name, so 宁波前湾新区 comes after 余姚市, and without the
// check its alias took 余姚市's assessment below.
func TestImportRosterAliasOfStoredName(t *testing.T) {
	svc, store := ownerStoreService(t)
	roster := "单位,单位类别,别名,赛道\n宁波前湾新区,区县（市）,余姚市,区县（市）\n"
	rep, err := svc.Import(t.Context(), ingest.Request{FileName: "r.csv", Body: strings.NewReader(roster),
		Uploader: "office"})
	if saima.ErrorKind(err) != saima.KindInvalid {
		t.Errorf("Import(roster) error = %v, want kind invalid", err)
	}
	want := "r.csv 第2行“别名”列的值“余姚市”与单位名单中已有的单位“余姚市”重名，请删除或修改这个别名后重新上传"
	if got := issueStrings(rep.Errors); !slices.Equal(got, []string{want}) {
		t.Errorf("errors = %q, want %q", got, want)
	}

	scores := "被考评单位,指标,得分,考评方式,考评期间\n余姚市,开工率,40,线下年终,2026Q3\n"
	if _, err := svc.Import(t.Context(), ingest.Request{FileName: "a.csv", Body: strings.NewReader(scores),
		Uploader: "office"}); err != nil {
		t.Fatalf("Import(assessments) error = %v", err)
	}
	got, err := store.ListAssessments(t.Context(), saima.Quarter(2026, 3))
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 1 || got[0].Unit != "余姚市" || !got[0].Score.Equal(decimal.NewFromInt(40)) {
		t.Errorf("assessments = %+v, want one of 余姚市 scored 40", got)
	}
}

// workbookBytes returns an XLSX workbook with the given sheets in order,
// each a header row and data rows, the first one visible first.
func workbookBytes(tb testing.TB, names []string, sheets [][][]any) []byte {
	tb.Helper()
	f := excelize.NewFile()
	defer f.Close()
	for i, name := range names {
		if _, err := f.NewSheet(name); err != nil {
			tb.Fatal(err)
		}
		for r, row := range sheets[i] {
			cell, _ := excelize.CoordinatesToCellName(1, r+1)
			if err := f.SetSheetRow(name, cell, &row); err != nil {
				tb.Fatal(err)
			}
		}
	}
	if err := f.DeleteSheet("Sheet1"); err != nil {
		tb.Fatal(err)
	}
	f.SetActiveSheet(0)
	var buf bytes.Buffer
	if err := f.Write(&buf); err != nil {
		tb.Fatal(err)
	}
	return buf.Bytes()
}

// A unit's account that uploads a workbook whose first sheet is an
// office-only dataset, such as the ledger export kept for reference, and
// names no worksheet, gets 403. When another sheet holds a dataset the
// unit may upload, the reason names that sheet and the fix says to choose
// it, instead of sending the clerk to the office. Named, that sheet
// imports.
func TestImportUnitWorkbookOfficeSheetFirst(t *testing.T) {
	ledger := [][]any{{"项目编号", "项目名称", "责任单位"}, {"NB-2026-202", "城市大脑", "余姚市"}}
	scores := [][]any{{"被考评单位", "指标", "得分", "考评方式", "考评期间"}, {"宁海县", "开工率", 30, "线下年终", "2026Q3"}}
	notes := [][]any{{"填报说明"}, {"请在第二个工作表填写"}}
	progress := [][]any{{"单位", "项目编号", "填报期间", "完成率"}, {"宁海县", "NB-2026-202", "2026Q3", "60%"}}
	milestones := [][]any{{"项目编号", "里程碑", "计划完成日期", "责任单位"}, {"NB-2026-202", "联调", "2026-12-31", "宁海县"}}
	tests := []struct {
		name   string
		sheets []string
		data   [][][]any
		want   string
	}{
		{"ledger, then progress", []string{"项目台账", "说明", "本期进度"}, [][][]any{ledger, notes, progress},
			"单位账号不能上传项目台账，上传时没有指定工作表，读取的是第一个可见的工作表“项目台账”，而工作表“本期进度”是进度填报；" +
				"请在上传时的“工作表”一栏填写“本期进度”（命令行用 --sheet）后重新上传，项目台账请由改革办上传"},
		{"scores, then progress and milestones", []string{"打分", "进度", "节点"}, [][][]any{scores, progress, milestones},
			"单位账号不能上传考评打分，上传时没有指定工作表，读取的是第一个可见的工作表“打分”，而工作表“进度”是进度填报，工作表“节点”是里程碑；" +
				"请在上传时的“工作表”一栏填写“进度”（命令行用 --sheet）后重新上传，考评打分请由改革办上传"},
		{"ledger and notes only", []string{"项目台账", "说明"}, [][][]any{ledger, notes},
			"单位账号不能上传项目台账；请由改革办上传"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			svc, store := ownerStoreService(t)
			before := readStored(t, store)
			data := workbookBytes(t, tt.sheets, tt.data)
			rep, err := svc.Import(t.Context(), ingest.Request{FileName: "u.xlsx", Body: bytes.NewReader(data),
				Uploader: "ninghai", Unit: "宁海县"})
			if saima.ErrorKind(err) != saima.KindForbidden {
				t.Fatalf("Import() error = %v, want kind forbidden", err)
			}
			if got := saima.ErrorMessage(err); got != tt.want {
				t.Errorf("message = %q, want %q", got, tt.want)
			}
			if rep.Imported != 0 {
				t.Errorf("imported = %d, want 0", rep.Imported)
			}
			if after := readStored(t, store); !reflect.DeepEqual(after, before) {
				t.Errorf("stored records changed:\n%+v\nwant\n%+v", after, before)
			}
		})
	}

	svc, _ := ownerStoreService(t)
	data := workbookBytes(t, tests[0].sheets, tests[0].data)
	rep, err := svc.Import(t.Context(), ingest.Request{FileName: "u.xlsx", Body: bytes.NewReader(data),
		Uploader: "ninghai", Unit: "宁海县", Sheet: "本期进度"})
	if err != nil {
		t.Fatalf("Import() of the named sheet error = %v, want it imported", err)
	}
	if rep.Dataset != saima.DatasetProgress || rep.Imported != 1 {
		t.Errorf("report = %s, %d imported, want 1 progress record", rep.Dataset, rep.Imported)
	}
}

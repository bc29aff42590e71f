package ingest

import (
	"bytes"
	"compress/gzip"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/shopspring/decimal"

	"saima"
)

// memStore keeps what the service writes in memory, as plain Go values.
// It follows only the Store contract. Records of a committed upload
// replace earlier records with the same key, and the upload is recorded
// as ok when it commits, or as failed when it aborts.
type memStore struct {
	units      []saima.Unit
	uploads    []saima.Upload
	progress   map[string]saima.ProgressReport
	writes     int
	failWrite  error
	failList   error
	projects   []saima.Project
	milestones []saima.Milestone
	listItems  []saima.ListItem
	problems   []saima.ProblemItem
	leaders    []saima.LeaderReport
}

func newMemStore(units []saima.Unit) *memStore {
	return &memStore{units: units, progress: map[string]saima.ProgressReport{}}
}

func (m *memStore) ListUnits(context.Context) ([]saima.Unit, error) { return m.units, m.failList }

func (m *memStore) ListProjects(context.Context) ([]saima.Project, error) {
	return m.projects, m.failList
}

func (m *memStore) ListListItems(context.Context) ([]saima.ListItem, error) { return m.listItems, nil }

func (m *memStore) ListMilestones(context.Context) ([]saima.Milestone, error) {
	return m.milestones, m.failList
}

func (m *memStore) ListProblems(context.Context) ([]saima.ProblemItem, error) {
	return m.problems, m.failList
}

func (m *memStore) ListLeaderReports(context.Context) ([]saima.LeaderReport, error) {
	return m.leaders, m.failList
}

func (m *memStore) FindUploadBySHA256(_ context.Context, dataset, sha string) (saima.Upload, bool, error) {
	for i := len(m.uploads) - 1; i >= 0; i-- {
		u := m.uploads[i]
		if u.Outcome == saima.OutcomeOK && u.Dataset == dataset && u.SHA256 == sha {
			return u, true, nil
		}
	}
	return saima.Upload{}, false, nil
}

func (m *memStore) BeginUpload(up saima.Upload) (Writer, error) { return &memWriter{m: m, up: up}, nil }

// memWriter keeps the records of one upload apart until Commit, as the
// real store keeps them invisible.
type memWriter struct {
	m        *memStore
	up       saima.Upload
	progress []saima.ProgressReport
	records  int
}

func (w *memWriter) Write(_ context.Context, b *saima.Batch) error {
	if w.m.failWrite != nil {
		return w.m.failWrite
	}
	w.progress = append(w.progress, b.Progress...)
	w.records += b.Len()
	return nil
}

func (w *memWriter) Commit(context.Context) error {
	w.m.writes++
	for _, p := range w.progress {
		w.m.progress[p.Unit+"|"+p.ProjectCode+"|"+p.Period.String()] = p
	}
	up := w.up
	up.Outcome, up.Imported = saima.OutcomeOK, w.records
	w.m.uploads = append(w.m.uploads, up)
	return nil
}

func (w *memWriter) SetUpload(up saima.Upload) {
	up.ID, up.At = w.up.ID, w.up.At
	w.up = up
}

func (w *memWriter) Abort(context.Context, error) {
	up := w.up
	up.Outcome = saima.OutcomeFailed
	w.m.uploads = append(w.m.uploads, up)
}

func (m *memStore) RecordUpload(_ context.Context, u saima.Upload) error {
	m.uploads = append(m.uploads, u)
	return nil
}

// averagePercent returns the mean 完成率 of the stored progress reports.
func (m *memStore) averagePercent() decimal.Decimal {
	sum := decimal.Zero
	for _, p := range m.progress {
		sum = sum.Add(p.Percent.Decimal)
	}
	return sum.Div(decimal.NewFromInt(int64(len(m.progress))))
}

// newTestService returns a service over store whose clock reads the
// upload day of the case files and whose IDs count up from up-1. Logs go
// to the returned buffer as JSON.
func newTestService(store Store) (*Service, *bytes.Buffer) {
	var logs bytes.Buffer
	n := 0
	return &Service{
		Store: store,
		Log:   slog.New(slog.NewJSONHandler(&logs, nil)),
		Now:   func() time.Time { return time.Date(2026, 10, 15, 10, 0, 0, 0, saima.Beijing) },
		NewID: func() string { n++; return fmt.Sprintf("up-%d", n) },
	}, &logs
}

// caseRequest reads a case file into a request.
func caseRequest(tb testing.TB, name string) (Request, []byte) {
	tb.Helper()
	data, err := os.ReadFile(filepath.Join(casesDir(tb), name))
	if err != nil {
		tb.Fatal(err)
	}
	return Request{FileName: name, Body: bytes.NewReader(data), Uploader: "tester"}, data
}

func sha(data []byte) string {
	sum := sha256.Sum256(data)
	return hex.EncodeToString(sum[:])
}

func TestServiceReupload(t *testing.T) {
	store := newMemStore(loadRoster(t))
	svc, logs := newTestService(store)
	steps := []struct {
		file        string
		duplicateOf string
		average     string
	}{
		{"13a_progress_reupload_v1.csv", "", "73"},
		{"13a_progress_reupload_v1.csv", "up-1", "73"},
		{"13b_progress_reupload_v2_corrected.csv", "", "78.6"},
		{"13a_progress_reupload_v1.csv", "up-2", "73"},
	}
	for i, st := range steps {
		req, data := caseRequest(t, st.file)
		rep, err := svc.Import(t.Context(), req)
		if err != nil {
			t.Fatalf("step %d: Import(%s) error: %v", i+1, st.file, err)
		}
		up := rep.Upload
		if up.ID != fmt.Sprintf("up-%d", i+1) || up.Outcome != saima.OutcomeOK || up.DuplicateOf != st.duplicateOf {
			t.Errorf("step %d: upload = %s %s duplicate of %q, want up-%d ok duplicate of %q",
				i+1, up.ID, up.Outcome, up.DuplicateOf, i+1, st.duplicateOf)
		}
		if up.SHA256 != sha(data) || up.Dataset != saima.DatasetProgress || up.Rows != 5 || up.Imported != 5 {
			t.Errorf("step %d: upload = %+v, want the file's SHA-256, progress, 5 rows, 5 imported", i+1, up)
		}
		if len(store.progress) != 5 {
			t.Errorf("step %d: stored records = %d, want 5", i+1, len(store.progress))
		}
		if avg := store.averagePercent(); !avg.Equal(dec(st.average)) {
			t.Errorf("step %d: average = %s, want %s", i+1, avg, st.average)
		}
	}
	if !strings.Contains(logs.String(), `"msg":"upload imported"`) || !strings.Contains(logs.String(), `"upload_id":"up-4"`) {
		t.Errorf("logs = %s, want an upload imported line for up-4", logs.String())
	}
}

func TestServiceRejected(t *testing.T) {
	store := newMemStore(loadRoster(t))
	svc, logs := newTestService(store)
	req, data := caseRequest(t, "12b_progress_bad_rows.csv")
	rep, err := svc.Import(t.Context(), req)
	if saima.ErrorKind(err) != saima.KindInvalid {
		t.Fatalf("Import error = %v, want kind invalid", err)
	}
	if msg := saima.ErrorMessage(err); msg != "文件有7处错误，整个文件未导入；请按错误清单修改后重新上传" {
		t.Errorf("error message = %q", msg)
	}
	if rep == nil || len(rep.Errors) != 7 || rep.Imported != 0 {
		t.Fatalf("report = %+v, want 7 errors and nothing imported", rep)
	}
	if store.writes != 0 || len(store.uploads) != 1 {
		t.Fatalf("writes, uploads = %d, %d, want 0 and 1 rejected upload", store.writes, len(store.uploads))
	}
	up := store.uploads[0]
	if up.Outcome != saima.OutcomeRejected || up.Errors != 7 || up.Rows != 9 || up.SHA256 != sha(data) || up.Imported != 0 {
		t.Errorf("upload = %+v, want rejected with 7 errors, 9 rows and the file's SHA-256", up)
	}
	if !strings.Contains(logs.String(), `"msg":"upload rejected"`) {
		t.Errorf("logs = %s, want an upload rejected line", logs.String())
	}
}

// TestServiceRejectedKeepsErrorList rejects a file with 10 000 bad rows.
// The audit record keeps the listed errors, each with a long value cut
// short, and counts all of them.
func TestServiceRejectedKeepsErrorList(t *testing.T) {
	var b strings.Builder
	b.WriteString("单位,项目编号,填报期间,完成率\n")
	fmt.Fprintf(&b, "宁波市海曙区,NB-0,2026Q3,%s\n", strings.Repeat("九", 5000))
	for i := 1; i < 10000; i++ {
		fmt.Fprintf(&b, "宁波市海曙区,NB-%d,2026Q3,150%%\n", i)
	}

	store := newMemStore(testRoster)
	svc, _ := newTestService(store)
	rep, err := svc.Import(t.Context(), Request{FileName: "many.csv", Body: strings.NewReader(b.String()),
		Uploader: "haishu", Unit: "宁波市海曙区"})
	if saima.ErrorKind(err) != saima.KindInvalid {
		t.Fatalf("Import error = %v, want kind invalid", err)
	}
	if len(store.uploads) != 1 {
		t.Fatalf("uploads recorded = %d, want 1", len(store.uploads))
	}

	up := store.uploads[0]
	if up.Errors != 10000 {
		t.Errorf("recorded errors = %d, want 10000", up.Errors)
	}
	if len(up.ErrorList) != DefaultMaxErrors {
		t.Fatalf("recorded error list = %d errors, want %d", len(up.ErrorList), DefaultMaxErrors)
	}
	first, want := up.ErrorList[0], rep.Errors[0]
	if first.Row != want.Row || first.Column != want.Column || first.Reason != want.Reason || first.Fix != want.Fix {
		t.Errorf("first recorded error = %+v, want the report's %+v", first, want)
	}
	if n := len([]rune(first.Value)); n >= 5000 || n < 40 {
		t.Errorf("recorded value has %d runes, want it cut short but longer than a page shows", n)
	}
	if rep.Upload.ErrorList != nil {
		t.Errorf("report's upload carries the list too (%d errors), want it only in the record", len(rep.Upload.ErrorList))
	}
}

// TestServiceKeepsWarningList records the warnings of a rejected upload
// and of an imported one: at most DefaultMaxErrors of them in the list,
// while the count covers them all.
func TestServiceKeepsWarningList(t *testing.T) {
	var rejected, imported strings.Builder
	for _, b := range []*strings.Builder{&rejected, &imported} {
		b.WriteString("单位,项目编号,填报期间,完成率\n")
		for i := range 150 {
			fmt.Fprintf(b, "宁波市海曙区,NB-%d,2026Q3,/\n", i)
		}
	}
	rejected.WriteString("宁波市海曙区,NB-X,2026Q3,150%\n")

	for _, tt := range []struct {
		name, body, outcome string
	}{
		{"Rejected", rejected.String(), saima.OutcomeRejected},
		{"Imported", imported.String(), saima.OutcomeOK},
	} {
		t.Run(tt.name, func(t *testing.T) {
			store := newMemStore(testRoster)
			svc, _ := newTestService(store)
			rep, _ := svc.Import(t.Context(), Request{FileName: "warn.csv", Body: strings.NewReader(tt.body),
				Uploader: "haishu", Unit: "宁波市海曙区"})
			if n := len(store.uploads); n == 0 {
				t.Fatal("no upload recorded")
			}
			up := store.uploads[len(store.uploads)-1]
			if up.Outcome != tt.outcome {
				t.Fatalf("recorded outcome = %q, want %q", up.Outcome, tt.outcome)
			}
			if up.Warnings != 150 {
				t.Errorf("recorded warnings = %d, want 150", up.Warnings)
			}
			if len(up.WarningList) != DefaultMaxErrors {
				t.Fatalf("recorded warning list = %d warnings, want %d", len(up.WarningList), DefaultMaxErrors)
			}
			first, want := up.WarningList[0], rep.Warnings[0]
			if first.Row != want.Row || first.Column != want.Column || first.Reason != want.Reason || first.Fix != want.Fix {
				t.Errorf("first recorded warning = %+v, want the report's %+v", first, want)
			}
			if rep.Upload.WarningList != nil {
				t.Errorf("report's upload carries the warning list too (%d), want it only in the record",
					len(rep.Upload.WarningList))
			}
		})
	}
}

func TestServiceHashesWholeFile(t *testing.T) {
	// Parse stops at a bad header; the digest must still cover every byte.
	store := newMemStore(loadRoster(t))
	svc, _ := newTestService(store)
	req, data := caseRequest(t, "12a_progress_missing_column.csv")
	rep, err := svc.Import(t.Context(), req)
	if saima.ErrorKind(err) != saima.KindInvalid {
		t.Fatalf("Import error = %v, want kind invalid", err)
	}
	if rep.Upload.SHA256 != sha(data) || store.uploads[0].SHA256 != sha(data) {
		t.Errorf("SHA256 = %s, want %s", rep.Upload.SHA256, sha(data))
	}
}

func TestServicePreview(t *testing.T) {
	store := newMemStore(loadRoster(t))
	svc, _ := newTestService(store)

	req, _ := caseRequest(t, "05b_progress_percent_fraction_scale.csv")
	rep, err := svc.Preview(t.Context(), req)
	if err != nil {
		t.Fatalf("Preview error: %v", err)
	}
	if !rep.DryRun || rep.Imported != 6 || len(rep.Warnings) != 4 || rep.Upload.Warnings != 4 {
		t.Errorf("report = %+v, want a dry run of 6 records with 4 warnings", rep)
	}
	if want := "预检通过，可导入6条记录；这是预检，没有写入任何数据"; rep.Upload.Message != want || rep.Upload.Outcome != "" {
		t.Errorf("upload message, outcome = %q, %q, want %q and none", rep.Upload.Message, rep.Upload.Outcome, want)
	}

	req, _ = caseRequest(t, "12d_scores_bad_rows.csv")
	rep, err = svc.Preview(t.Context(), req)
	if saima.ErrorKind(err) != saima.KindInvalid || len(rep.Errors) != 3 {
		t.Errorf("Preview(12d) = %d errors, %v, want 3 and kind invalid", len(rep.Errors), err)
	}
	if store.writes != 0 || len(store.uploads) != 0 {
		t.Errorf("writes, uploads = %d, %d, want nothing written by a preview", store.writes, len(store.uploads))
	}
}

func TestServiceUnitAccount(t *testing.T) {
	tests := []struct {
		name, text string
		dataset    string
		allowed    bool
		wantKind   saima.Kind
		wantMsg    string
		wantRows   []int // the rows listed as errors
	}{
		{name: "own rows",
			text:    "单位,项目编号,填报期间,完成率\n余姚市,NB-1,2026Q3,50%\n余姚,NB-1,2026Q2,60%\n",
			allowed: true},
		{name: "its own report on a project not in the ledger",
			text:     "单位,项目编号,填报期间,完成率\n余姚市,NB-1,2026Q3,50%\n余姚市,NB-01,2026Q3,60%\n",
			wantKind: saima.KindInvalid,
			wantMsg:  "文件有1处错误，整个文件未导入；请按错误清单修改后重新上传",
			wantRows: []int{3}},
		{name: "its own report on another unit's project",
			text:     "单位,项目编号,填报期间,完成率\n余姚市,NB-2,2026Q3,50%\n",
			wantKind: saima.KindForbidden,
			wantMsg:  "单位账号只能上传本单位（余姚市）的数据，文件中有1行填写的单位是本单位，但涉及的项目或记录属于“宁海县”，见错误清单；整个文件未导入",
			wantRows: []int{2}},
		{name: "another unit's row",
			text:     "单位,项目编号,填报期间,完成率\n余姚市,NB-1,2026Q3,50%\n宁海县,NB-2,2026Q3,60%\n",
			wantKind: saima.KindForbidden,
			wantMsg:  "单位账号只能上传本单位（余姚市）的数据，文件中有1行填写的单位是其他单位“宁海县”，见错误清单；整个文件未导入",
			wantRows: []int{3}},
		{name: "two other units' rows",
			text:     "单位,项目编号,填报期间,完成率\n宁海县,NB-1,2026Q3,50%\n余姚市,NB-1,2026Q3,60%\n市大数据局,NB-3,2026Q3,70%\n宁海,NB-4,2026Q3,80%\n",
			wantKind: saima.KindForbidden,
			wantMsg:  "单位账号只能上传本单位（余姚市）的数据，文件中有3行填写的单位是其他单位“宁海县”“市大数据局”，见错误清单；整个文件未导入",
			wantRows: []int{2, 4, 5}},
		{name: "another unit's row and its own row on another unit's project",
			text:     "单位,项目编号,填报期间,完成率\n宁海县,NB-1,2026Q3,50%\n余姚市,NB-2,2026Q3,60%\n",
			wantKind: saima.KindForbidden,
			wantMsg: "单位账号只能上传本单位（余姚市）的数据，文件中有1行填写的单位是其他单位“宁海县”，" +
				"有1行填写的单位是本单位，但涉及的项目或记录属于“宁海县”，见错误清单；整个文件未导入",
			wantRows: []int{2, 3}},
		{name: "unit roster",
			text:     "单位,单位类别\n余姚市,区县（市）\n",
			wantKind: saima.KindForbidden,
			wantMsg:  "单位账号不能上传单位名单；请由改革办上传"},
		{name: "assessments",
			text:     "被考评单位,指标,得分,考评方式,考评期间\n余姚市,开工率,30,线下年终,2026年度\n",
			wantKind: saima.KindForbidden,
			wantMsg:  "单位账号不能上传考评打分；请由改革办上传"},
		{name: "stages",
			text:     "项目编号,阶段,日期\nNB-1,决策,2026-09-01\n",
			wantKind: saima.KindForbidden,
			wantMsg:  "单位账号不能上传项目阶段；请由改革办上传"},
		{name: "milestones of its own",
			text:    "项目编号,里程碑,计划完成日期,责任单位\nNB-1,上线,2026-12-31,余姚市\nNB-1,验收,2027-03-31,\n",
			allowed: true},
		{name: "its own milestone on another unit's project",
			text:     "项目编号,里程碑,计划完成日期,责任单位\nNB-2,数据联调,2026-12-31,余姚市\n",
			wantKind: saima.KindForbidden,
			wantMsg:  "单位账号只能上传本单位（余姚市）的数据，文件中有1行填写的单位是本单位，但涉及的项目或记录属于“宁海县”，见错误清单；整个文件未导入",
			wantRows: []int{2}},
		{name: "a cooperating unit's milestone on its own project, without a unit",
			text:    "项目编号,里程碑,计划完成日期,责任单位\nNB-1,验收,2027-03-31,\nNB-1,联调,2026-12-31,\n",
			allowed: true},
		{name: "milestones of another unit",
			text:     "项目编号,里程碑,计划完成日期,责任单位\nNB-1,上线,2026-12-31,宁海\n",
			wantKind: saima.KindForbidden,
			wantMsg:  "单位账号只能上传本单位（余姚市）的数据，文件中有1行填写的单位是其他单位“宁海县”，见错误清单；整个文件未导入",
			wantRows: []int{2}},
		{name: "milestone without a unit of another unit's project",
			text:     "项目编号,里程碑,计划完成日期,责任单位\nNB-1,上线,2026-12-31,\nNB-2,验收,2027-03-31,\n",
			wantKind: saima.KindForbidden,
			wantMsg:  "单位账号只能上传本单位（余姚市）的数据，文件中有1行填写的单位是本单位，但涉及的项目或记录属于“宁海县”，见错误清单；整个文件未导入",
			wantRows: []int{3}},
		{name: "its own projects",
			text:     "项目编号,项目名称,责任单位\nNB-1,驾驶舱,余姚市\n",
			wantKind: saima.KindForbidden,
			wantMsg:  "单位账号不能上传项目台账；请由改革办上传"},
		{name: "another unit's problem under its own name",
			text:     "问题编号,单位,发现日期\nWT-1,余姚市,2026-09-01\nWT-2,余姚市,2026-09-01\n",
			wantKind: saima.KindForbidden,
			wantMsg:  "单位账号只能上传本单位（余姚市）的数据，文件中有1行填写的单位是本单位，但涉及的项目或记录属于“宁海县”，见错误清单；整个文件未导入",
			wantRows: []int{3}},
		{name: "another unit's leader report under its own name",
			text:     "项目编号,半年度,牵头单位,成果,报送日期\nNB-2,2026上半年,余姚市,上线,2026-07-08\n",
			wantKind: saima.KindForbidden,
			wantMsg:  "单位账号只能上传本单位（余姚市）的数据，文件中有1行填写的单位是本单位，但涉及的项目或记录属于“宁海县”，见错误清单；整个文件未导入",
			wantRows: []int{2}},
		{name: "its own leader report on another unit's project",
			text:     "项目编号,半年度,牵头单位,成果,报送日期\nNB-2,2025下半年,余姚市,上线,2026-01-08\n",
			wantKind: saima.KindForbidden,
			wantMsg:  "单位账号只能上传本单位（余姚市）的数据，文件中有1行填写的单位是本单位，但涉及的项目或记录属于“宁海县”，见错误清单；整个文件未导入",
			wantRows: []int{2}},
		{name: "a done mark on another unit's item",
			text:     "清单名称,事项编号,责任单位,完成日期\n重大需求,A2,余姚市,2026-10-01\n",
			wantKind: saima.KindForbidden,
			wantMsg:  "单位账号只能上传本单位（余姚市）的数据，文件中有1行填写的单位是本单位，但涉及的项目或记录属于“宁海县”，见错误清单；整个文件未导入",
			wantRows: []int{2}},
		{name: "a done mark on another unit's item, dataset named in Chinese",
			text:     "清单名称,事项编号,责任单位,完成日期\n重大需求,A2,余姚市,2026-10-01\n",
			dataset:  "清单完成标注",
			wantKind: saima.KindForbidden,
			wantMsg:  "单位账号只能上传本单位（余姚市）的数据，文件中有1行填写的单位是本单位，但涉及的项目或记录属于“宁海县”，见错误清单；整个文件未导入",
			wantRows: []int{2}},
		{name: "takeovers with the file's other errors",
			text: "问题编号,单位,发现日期,办结日期\nWT-2,余姚市,2026-09-01,\n" +
				"WT-3,余姚市,2026-09-01,2026-08-01\nWT-4,余姚市,2026-09-01,\n",
			wantKind: saima.KindForbidden,
			wantMsg:  "单位账号只能上传本单位（余姚市）的数据，文件中有1行填写的单位是本单位，但涉及的项目或记录属于“宁海县”，见错误清单；整个文件未导入",
			wantRows: []int{2, 3}},
		{name: "projects of another unit",
			text:     "项目编号,项目名称,责任单位\nNB-2,浙里办接入,宁海县\n",
			wantKind: saima.KindForbidden,
			wantMsg:  "单位账号不能上传项目台账；请由改革办上传"},
		{name: "work list items",
			text:     "清单名称,事项编号,事项名称,责任单位,完成时限\n重大需求,A2,数据共享,余姚市,2026-12-31\n",
			wantKind: saima.KindForbidden,
			wantMsg:  "单位账号不能上传清单事项；请由改革办上传"},
		{name: "problem steps",
			text:     "问题编号,环节,日期\nWT-2,收集,2026-09-01\n",
			wantKind: saima.KindForbidden,
			wantMsg:  "单位账号不能上传问题闭环环节；请由改革办上传"},
		{name: "milestone without a unit of a project not in the ledger",
			text:     "项目编号,里程碑,计划完成日期,责任单位\nNB-9,上线,2026-12-31,\n",
			wantKind: saima.KindInvalid,
			wantMsg:  "文件有1处错误，整个文件未导入；请按错误清单修改后重新上传",
			wantRows: []int{2}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			store := newMemStore(testRoster)
			store.projects = []saima.Project{{Code: "NB-1", Unit: "余姚市"}, {Code: "NB-2", Unit: "宁海县", LeaderLed: true}}
			store.problems = []saima.ProblemItem{{ID: "WT-2", Unit: "宁海县"}}
			store.leaders = []saima.LeaderReport{{ProjectCode: "NB-2", Half: saima.HalfYear{Year: 2026, Half: 1}, Unit: "宁海县"}}
			store.listItems = []saima.ListItem{{List: "重大需求", ID: "A2", Unit: "宁海县"}}
			store.milestones = []saima.Milestone{{ProjectCode: "NB-2", Name: "上线", Unit: "宁海县"},
				{ProjectCode: "NB-1", Name: "验收", Unit: "余姚市"}, {ProjectCode: "NB-1", Name: "联调", Unit: "宁海县"}}
			svc, _ := newTestService(store)
			rep, err := svc.Import(t.Context(), Request{FileName: "u.csv", Body: strings.NewReader(tt.text),
				Dataset: tt.dataset, Uploader: "yuyao", Unit: "余姚"})
			if tt.allowed {
				if err != nil || store.writes != 1 {
					t.Fatalf("Import error = %v, writes = %d, want the file written", err, store.writes)
				}
				if up := store.uploads[0]; up.Unit != "余姚市" {
					t.Errorf("upload unit = %q, want the roster name 余姚市", up.Unit)
				}
				return
			}
			if saima.ErrorKind(err) != tt.wantKind || saima.ErrorMessage(err) != tt.wantMsg {
				t.Errorf("Import error = %v (%v), want %v %q", err, saima.ErrorKind(err), tt.wantKind, tt.wantMsg)
			}
			if store.writes != 0 || len(store.uploads) != 1 || store.uploads[0].Outcome != saima.OutcomeRejected {
				t.Errorf("writes = %d, uploads = %+v, want one rejected upload and nothing written", store.writes, store.uploads)
			}
			if rep == nil || rep.Upload.Message != tt.wantMsg || rep.Upload.Unit != "余姚市" {
				t.Fatalf("report = %+v, want the upload with the reason", rep)
			}
			var rows []int
			for _, is := range rep.Errors {
				rows = append(rows, is.Row)
			}
			// A dataset the account may not upload at all is one error on
			// the whole file (row 0), with the reason and the fix.
			wantRows := tt.wantRows
			if len(wantRows) == 0 {
				wantRows = []int{0}
				is := rep.Errors[0]
				if is.Reason+"；"+is.Fix != tt.wantMsg || is.Fix == "" || is.File != "u.csv" {
					t.Errorf("the whole-file error = %+v, want file u.csv, reason and fix %q", is, tt.wantMsg)
				}
			}
			if !slices.Equal(rows, wantRows) || rep.Upload.Errors != len(wantRows) {
				t.Errorf("error rows = %v (upload counts %d), want %v: %q", rows, rep.Upload.Errors, wantRows, issueStrings(rep.Errors))
			}
		})
	}
}

func TestServiceStoreFailures(t *testing.T) {
	const text = "单位,项目编号,填报期间,完成率\n余姚市,NB-1,2026Q3,50%\n"
	down := saima.Wrap(saima.KindUnavailable, "数据库暂时无法连接", errors.New("dial tcp: refused"))

	t.Run("list units", func(t *testing.T) {
		store := newMemStore(testRoster)
		store.failList = down
		svc, _ := newTestService(store)
		rep, err := svc.Import(t.Context(), Request{FileName: "f.csv", Body: strings.NewReader(text)})
		if saima.ErrorKind(err) != saima.KindUnavailable {
			t.Errorf("Import error = %v, want kind unavailable", err)
		}
		// The upload gets an ID and a failed record before any row is
		// read, so that the reply and the audit log can name it.
		if rep == nil || rep.Upload.ID != "up-1" || rep.Upload.Outcome != saima.OutcomeFailed {
			t.Errorf("Import report = %+v, want upload up-1 with outcome failed", rep)
		}
		checkOutageMessage(t, err, "f.csv", "up-1")
	})

	t.Run("write batch", func(t *testing.T) {
		store := newMemStore(testRoster)
		store.failWrite = down
		svc, logs := newTestService(store)
		rep, err := svc.Import(t.Context(), Request{FileName: "f.csv", Body: strings.NewReader(text)})
		if saima.ErrorKind(err) != saima.KindUnavailable || !errors.Is(err, down) {
			t.Errorf("Import error = %v, want the store's error", err)
		}
		if rep == nil || rep.Upload.Outcome != saima.OutcomeFailed {
			t.Fatalf("report = %+v, want outcome failed", rep)
		}
		checkOutageMessage(t, err, "f.csv", rep.Upload.ID)
		// The store records the failed upload; the service must not add
		// a second record for the same ID.
		if len(store.uploads) != 1 || store.uploads[0].Outcome != saima.OutcomeFailed {
			t.Errorf("uploads = %+v, want one failed upload", store.uploads)
		}
		if !strings.Contains(logs.String(), `"level":"ERROR","msg":"write upload"`) {
			t.Errorf("logs = %s, want the write failure logged", logs.String())
		}
	})
}

// checkOutageMessage wants the user message of an import cut by an
// outage to name the file, the upload ID when there is one, the cause,
// that nothing was imported and that the file is to be sent again.
func checkOutageMessage(t *testing.T, err error, file, id string) {
	t.Helper()
	msg := saima.ErrorMessage(err)
	for _, want := range []string{"“" + file + "”", "数据库暂时无法连接", "均未导入", "恢复后重新上传", id} {
		if !strings.Contains(msg, want) {
			t.Errorf("message = %q, want it to contain %q", msg, want)
		}
	}
}

func TestServiceUnreadableFile(t *testing.T) {
	store := newMemStore(testRoster)
	svc, _ := newTestService(store)
	body := []byte("PK\x03\x04 broken workbook")
	rep, err := svc.Import(t.Context(), Request{FileName: "b.xlsx", Body: bytes.NewReader(body), Dataset: saima.DatasetProgress})
	if saima.ErrorKind(err) != saima.KindInvalid {
		t.Fatalf("Import error = %v, want kind invalid", err)
	}
	if len(store.uploads) != 1 {
		t.Fatalf("uploads = %d, want 1", len(store.uploads))
	}
	up := store.uploads[0]
	if up.Outcome != saima.OutcomeRejected || up.Errors != 1 || up.SHA256 != sha(body) || up.Dataset != saima.DatasetProgress {
		t.Errorf("upload = %+v, want a rejected progress upload with the file's SHA-256", up)
	}
	if rep.Upload.Message == "" || !strings.Contains(rep.Upload.Message, "无法打开xlsx文件") {
		t.Errorf("message = %q, want the cannot-open message", rep.Upload.Message)
	}
}

func TestServiceBrokenBody(t *testing.T) {
	store := newMemStore(testRoster)
	svc, _ := newTestService(store)
	_, err := svc.Import(t.Context(), Request{FileName: "f.csv", Body: failingReader{}})
	if !errors.Is(err, errBroken) || saima.ErrorKind(err) != saima.KindInternal {
		t.Errorf("Import error = %v, want the reader's error", err)
	}
	if len(store.uploads) != 1 || store.uploads[0].Outcome != saima.OutcomeFailed {
		t.Errorf("uploads = %+v, want one failed upload", store.uploads)
	}
}

// A file rejected as a whole lists its reason as one issue that names the
// file, so that pages and replies never show an empty list of errors.
func TestServiceWholeFileRejections(t *testing.T) {
	w := newTestWorkbook(testSheet{name: "进度", rows: []string{row(1, progressHeaderCells...)}})
	noise := bytes.Repeat([]byte{0x9c, 0x01, 0xfe, 0x37}, 256)
	const flatODS = `<?xml version="1.0"?><office:document ` +
		`xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0"/>`
	tests := []struct {
		name, file string
		body       []byte
		sheet      string
		want       string
	}{
		{"xls", "进度.xls", append(append([]byte{}, oleMagic...), make([]byte, 512)...), "", "Excel 97-2003格式（.xls）"},
		{"missing sheet", "进度.xlsx", w.bytes(t), "Sheet1", "没有名为“Sheet1”的工作表，现有的工作表为：进度"},
		{"broken xlsx", "进度.xlsx", []byte("PK\x03\x04 not a zip"), "", "无法打开xlsx文件"},
		{"binary named xlsx", "进度.xlsx", append([]byte("\x8f\x00\x13binary"), make([]byte, 64)...), "",
			"文件名以 .xlsx 结尾，但内容既不是 xlsx 工作簿，也不是文本"},
		{"pdf", "进度.pdf", append([]byte("%PDF-1.7\n%\xe2\xe3\xcf\xd3\n"), noise...), "", "这是PDF文件"},
		{"pdf named csv", "进度.csv", append([]byte("%PDF-1.4\n"), noise...), "", "这是PDF文件"},
		{"png", "截图.png", append([]byte("\x89PNG\r\n\x1a\n"), noise...), "", "这是PNG图片"},
		{"jpeg named xlsx", "进度.xlsx", append([]byte("\xff\xd8\xff\xe0\x00\x10JFIF\x00"), noise...), "", "这是JPEG图片"},
		{"gzip fods", "进度.fods.gz", gzipped(t, flatODS), "", "这是gzip压缩文件"},
		{"7z", "进度.7z", append([]byte("7z\xbc\xaf\x27\x1c\x00\x04"), noise...), "", "这是7z压缩包"},
		{"rar", "进度.rar", append([]byte("Rar!\x1a\x07\x01\x00"), noise...), "", "这是RAR压缩包"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			store := newMemStore(testRoster)
			svc, _ := newTestService(store)
			rep, err := svc.Import(t.Context(), Request{FileName: tt.file, Body: bytes.NewReader(tt.body),
				Sheet: tt.sheet, Uploader: "office"})
			if saima.ErrorKind(err) != saima.KindInvalid {
				t.Fatalf("Import error = %v, want kind invalid", err)
			}
			if len(rep.Errors) != 1 {
				t.Fatalf("errors = %q, want one", issueStrings(rep.Errors))
			}
			e := rep.Errors[0]
			if e.File != tt.file {
				t.Errorf("file = %q, want %q", e.File, tt.file)
			}
			if !strings.Contains(e.Reason, tt.want) {
				t.Errorf("reason = %q, want it to contain %q", e.Reason, tt.want)
			}
			if !strings.HasPrefix(e.Fix, "请") {
				t.Errorf("fix = %q, want the advice after the reason's ；", e.Fix)
			}
			if rep.Upload.Errors != 1 {
				t.Errorf("upload errors = %d, want 1", rep.Upload.Errors)
			}
		})
	}
}

// A unit account that names an office-only dataset for a file that does
// not fit it gets the reason it may not upload the dataset first, then the
// file's own errors.
func TestServiceUnitAccountOfficeDatasetFirst(t *testing.T) {
	store := newMemStore(testRoster)
	svc, _ := newTestService(store)
	rep, err := svc.Import(t.Context(), Request{FileName: "u.csv", Body: strings.NewReader("单位,单位类别\n余姚市,区县（市）\n"),
		Dataset: saima.DatasetStages, Uploader: "yuyao", Unit: "余姚"})
	if saima.ErrorKind(err) != saima.KindForbidden {
		t.Fatalf("Import error = %v, want kind forbidden", err)
	}
	if len(rep.Errors) < 2 {
		t.Fatalf("errors = %q, want the reason and the missing columns", issueStrings(rep.Errors))
	}
	first := rep.Errors[0]
	if first.Row != 0 {
		t.Errorf("first error on row %d, want 0, the whole file", first.Row)
	}
	if !strings.Contains(first.Reason, "单位账号不能上传项目阶段") {
		t.Errorf("first error = %q, want the reason 单位账号不能上传项目阶段", first)
	}
	if rep.Upload.Errors != len(rep.Errors) {
		t.Errorf("upload counts %d errors, the list has %d", rep.Upload.Errors, len(rep.Errors))
	}
}

// The office may move a stored record to another unit. The file is
// written, with a warning that names both units.
func TestServiceOfficeMoves(t *testing.T) {
	tests := []struct{ name, text, want string }{
		{"project", "项目编号,项目名称,责任单位\nNB-2,浙里办接入,余姚市\n", "在项目台账中属于“宁海县”，导入后改属“余姚市”（宁海县 → 余姚市）"},
		{"problem", "问题编号,单位,发现日期\nWT-2,余姚市,2026-09-01\n", "在问题清单中属于“宁海县”，导入后改属“余姚市”（宁海县 → 余姚市）"},
		{"leader report", "项目编号,半年度,牵头单位,成果,报送日期\nNB-2,2026上半年,余姚市,上线,2026-07-08\n",
			"的2026年上半年报告属于“宁海县”，导入后改属“余姚市”（宁海县 → 余姚市）"},
		{"list item", "清单名称,事项编号,事项名称,责任单位,完成时限\n重大需求,A2,数据共享,余姚市,2026-12-31\n",
			"在“重大需求”清单中属于“宁海县”，导入后改属“余姚市”（宁海县 → 余姚市）"},
		{"milestone", "项目编号,里程碑,计划完成日期,责任单位\nNB-2,上线,2026-12-31,余姚市\n",
			"在项目“NB-2”中属于“宁海县”，导入后改属“余姚市”（宁海县 → 余姚市）"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			store := newMemStore(testRoster)
			store.projects = []saima.Project{{Code: "NB-2", Unit: "宁海县", LeadUnit: "余姚市", LeaderLed: true}}
			store.problems = []saima.ProblemItem{{ID: "WT-2", Unit: "宁海县"}}
			store.leaders = []saima.LeaderReport{{ProjectCode: "NB-2", Half: saima.HalfYear{Year: 2026, Half: 1}, Unit: "宁海县"}}
			store.listItems = []saima.ListItem{{List: "重大需求", ID: "A2", Unit: "宁海县"}}
			store.milestones = []saima.Milestone{{ProjectCode: "NB-2", Name: "上线", Unit: "宁海县"}}
			svc, _ := newTestService(store)
			rep, err := svc.Import(t.Context(), Request{FileName: "o.csv", Body: strings.NewReader(tt.text), Uploader: "office"})
			if err != nil || store.writes != 1 {
				t.Fatalf("Import error = %v, writes = %d, want the file written", err, store.writes)
			}
			// The files carry only the key columns, so they also get the
			// warning about blanked columns, which this test leaves aside.
			got := slices.DeleteFunc(issueStrings(rep.Warnings), isMissingColumns)
			if len(got) != 1 || !strings.Contains(got[0], tt.want) {
				t.Errorf("warnings = %q, want one that contains %q", got, tt.want)
			}
		})
	}
}

// isMissingColumns reports whether the issue text w is the warning about
// optional columns that a file lacks.
func isMissingColumns(w string) bool {
	return strings.Contains(w, "列，导入后每条记录的这几项都为空")
}

// gzipped returns text compressed with gzip.
func gzipped(tb testing.TB, text string) []byte {
	tb.Helper()
	var b bytes.Buffer
	zw := gzip.NewWriter(&b)
	if _, err := zw.Write([]byte(text)); err != nil {
		tb.Fatal(err)
	}
	if err := zw.Close(); err != nil {
		tb.Fatal(err)
	}
	return b.Bytes()
}

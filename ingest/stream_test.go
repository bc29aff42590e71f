package ingest_test

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"slices"
	"strings"
	"sync"
	"testing"
	"testing/iotest"
	"time"

	"saima"
	"saima/clickhouse"
	"saima/clickhouse/chtest"
	"saima/ingest"
)

func TestMain(m *testing.M) { chtest.Main(m) }

// streamRoster is the roster of the stream tests.
var streamRoster = []saima.Unit{
	{Name: "宁波市海曙区", Kind: saima.KindDistrict, Track: saima.KindDistrict},
	{Name: "余姚市", Kind: saima.KindDistrict, Track: saima.KindDistrict},
	{Name: "宁海县", Kind: saima.KindDistrict, Track: saima.KindDistrict},
}

var streamDay = time.Date(2026, 10, 15, 10, 0, 0, 0, saima.Beijing)

// streamStore returns a fresh embedded store that holds streamRoster.
func streamStore(tb testing.TB) *clickhouse.Store {
	tb.Helper()
	store := chtest.Store(tb)
	err := store.WriteBatch(context.Background(), &saima.Batch{
		Upload: saima.Upload{ID: "roster", Dataset: saima.DatasetUnits, At: streamDay.Add(-time.Hour)},
		Units:  streamRoster,
	})
	if err != nil {
		tb.Fatalf("write roster: %v", err)
	}
	return store
}

// streamService returns a service over store that writes chunks of chunk
// rows.
func streamService(store ingest.Store, chunk int) *ingest.Service {
	var mu sync.Mutex
	seq := 0
	return &ingest.Service{
		Store:  store,
		Log:    slog.New(slog.DiscardHandler),
		Now:    func() time.Time { return streamDay },
		NewID:  func() string { mu.Lock(); defer mu.Unlock(); seq++; return fmt.Sprintf("stream-%d", seq) },
		Limits: ingest.Limits{ChunkRecords: chunk},
	}
}

// progressCSV returns a progress file of n rows of unit on projects
// P-0001 and up, each at percent(i) for row i (counted from 0).
func progressCSV(unit string, n int, percent func(i int) string) string {
	var b strings.Builder
	b.WriteString("单位,项目编号,项目名称,填报期间,完成率,填报日期,进展情况,存在问题\n")
	for i := range n {
		fmt.Fprintf(&b, "%s,P-%04d,项目%d,2026Q3,%s,2026-09-30,按计划推进,无\n", unit, i+1, i+1, percent(i))
	}
	return b.String()
}

func fixedPercent(p string) func(int) string { return func(int) string { return p } }

// storedRows returns how many rows the progress table holds, visible or
// not, read past the store's visibility rule.
func storedRows(tb testing.TB, store *clickhouse.Store) int {
	tb.Helper()
	rows, err := store.Engine().Query(context.Background(), "SELECT count() FROM "+store.Database()+".progress")
	if err != nil {
		tb.Fatal(err)
	}
	defer rows.Close()
	var n uint64
	for rows.Next() {
		if err := rows.Scan(&n); err != nil {
			tb.Fatal(err)
		}
	}
	return int(n)
}

func visibleProgress(tb testing.TB, store *clickhouse.Store) []saima.ProgressReport {
	tb.Helper()
	got, err := store.ListProgress(context.Background(), saima.Quarter(2026, 3))
	if err != nil {
		tb.Fatal(err)
	}
	return got
}

func importText(tb testing.TB, svc *ingest.Service, name, text string) (*ingest.Report, error) {
	tb.Helper()
	return svc.Import(tb.Context(), ingest.Request{FileName: name, Body: strings.NewReader(text), Uploader: "office"})
}

func TestImportChunksClean(t *testing.T) {
	store := streamStore(t)
	svc := streamService(ingest.Adapt(store), 100)
	text := progressCSV("余姚市", 250, fixedPercent("50%"))
	rep, err := importText(t, svc, "clean.csv", text)
	if err != nil {
		t.Fatalf("Import() error = %v", err)
	}
	if rep.Rows != 250 || rep.Imported != 250 || rep.Upload.Outcome != saima.OutcomeOK {
		t.Errorf("report rows, imported, outcome = %d, %d, %s, want 250, 250, ok", rep.Rows, rep.Imported, rep.Upload.Outcome)
	}
	got := visibleProgress(t, store)
	if len(got) != 250 {
		t.Fatalf("visible reports = %d, want 250", len(got))
	}
	seen := map[string]bool{}
	for _, p := range got {
		if seen[p.ProjectCode] {
			t.Errorf("project %s is visible twice", p.ProjectCode)
		}
		seen[p.ProjectCode] = true
	}
	if n := storedRows(t, store); n != 250 {
		t.Errorf("stored rows = %d, want 250: each row written once", n)
	}
	up, found, err := store.FindUploadBySHA256(t.Context(), saima.DatasetProgress, sha256Hex(text))
	if err != nil || !found || up.Imported != 250 {
		t.Errorf("FindUploadBySHA256 = %+v, %v, %v, want the upload with 250 records", up, found, err)
	}
}

func sha256Hex(s string) string {
	sum := sha256.Sum256([]byte(s))
	return hex.EncodeToString(sum[:])
}

func TestImportChunksErrorInLastRow(t *testing.T) {
	store := streamStore(t)
	svc := streamService(ingest.Adapt(store), 100)
	text := progressCSV("余姚市", 250, func(i int) string {
		if i == 249 {
			return "135%"
		}
		return "50%"
	})
	rep, err := importText(t, svc, "late.csv", text)
	if saima.ErrorKind(err) != saima.KindInvalid {
		t.Fatalf("Import() error = %v, want kind invalid", err)
	}
	want := "late.csv 第251行“完成率”列的值“135%”超出0–100%范围，请改为0–100之间的数后重新上传"
	if len(rep.Errors) != 1 || rep.Errors[0].String() != want {
		t.Errorf("errors = %q, want [%q]", issueStrings(rep.Errors), want)
	}
	if rep.Imported != 0 || rep.Upload.Outcome != saima.OutcomeRejected {
		t.Errorf("report imported, outcome = %d, %s, want 0, rejected", rep.Imported, rep.Upload.Outcome)
	}
	if got := visibleProgress(t, store); len(got) != 0 {
		t.Errorf("visible reports = %d, want none", len(got))
	}
	// The first chunk was written when the second arrived, before the
	// error was read; it must stay invisible. The second was held back
	// and never written.
	if n := storedRows(t, store); n != 100 {
		t.Errorf("stored rows = %d, want the 100 rows of the chunk written before the error", n)
	}
}

func issueStrings(issues []ingest.Issue) []string {
	out := make([]string, len(issues))
	for i, is := range issues {
		out[i] = is.String()
	}
	return out
}

func TestImportChunksRepeatedKey(t *testing.T) {
	tests := []struct {
		name      string
		repeatRow int // data row (from 0) that repeats the key of row 0
		wantErr   string
		wantWarn  string
	}{
		{name: "within one chunk", repeatRow: 50,
			wantWarn: "r.csv 第52行与第2行的单位、项目编号和填报期间相同，以本行为准，如果两行都要保留，请检查是否填错；否则请删除前面的一行"},
		{name: "across chunks", repeatRow: 150,
			wantErr: "r.csv 第152行的单位、项目编号和填报期间“余姚市 / P-0001 / 2026Q3”与第2行相同；" +
				"文件超过100行时分批写入，第2行所在的一批已经写入，不能再以本行为准，请删除重复的行，只保留正确的一行，然后重新上传"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			store := streamStore(t)
			svc := streamService(ingest.Adapt(store), 100)
			var b strings.Builder
			b.WriteString("单位,项目编号,填报期间,完成率\n")
			for i := range 200 {
				code, percent := fmt.Sprintf("P-%04d", i+1), "50%"
				if i == tt.repeatRow {
					code, percent = "P-0001", "70%"
				}
				fmt.Fprintf(&b, "余姚市,%s,2026Q3,%s\n", code, percent)
			}
			rep, err := importText(t, svc, "r.csv", b.String())
			if tt.wantErr != "" {
				if saima.ErrorKind(err) != saima.KindInvalid || len(rep.Errors) != 1 || rep.Errors[0].String() != tt.wantErr {
					t.Fatalf("Import() = %q, %v, want [%q]", issueStrings(rep.Errors), err, tt.wantErr)
				}
				if got := visibleProgress(t, store); len(got) != 0 {
					t.Errorf("visible reports = %d, want none", len(got))
				}
				return
			}
			if err != nil || len(rep.Warnings) != 1 || rep.Warnings[0].String() != tt.wantWarn {
				t.Fatalf("Import() warnings = %q, %v, want [%q]", issueStrings(rep.Warnings), err, tt.wantWarn)
			}
			for _, p := range visibleProgress(t, store) {
				if p.ProjectCode == "P-0001" && p.Percent.Decimal.String() != "70" {
					t.Errorf("P-0001 percent = %s, want 70 from the later row", p.Percent.Decimal)
				}
			}
		})
	}
}

func TestImportChunksPercentScale(t *testing.T) {
	tests := []struct {
		name      string
		percent   func(i int) string
		wantErr   string
		wantFirst string // the stored percent of P-0001
	}{
		{name: "fractions throughout",
			percent: fixedPercent("0.5"), wantFirst: "50"},
		{name: "points decided in the first chunk",
			percent: func(i int) string {
				if i == 0 {
					return "85"
				}
				return "0.5"
			},
			wantFirst: "85"},
		{name: "points after fractions were written",
			percent: func(i int) string {
				if i == 120 {
					return "85"
				}
				return "0.5"
			},
			wantErr: "p.csv 第122行“完成率”列的值“85”大于1，说明本列按百分数填写，但前面第2行的“0.5”已按小数比例读取并分批写入" +
				"（文件超过100行时分批写入），请把完成率统一写成带%的百分数，如85%，然后重新上传"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			store := streamStore(t)
			svc := streamService(ingest.Adapt(store), 100)
			rep, err := importText(t, svc, "p.csv", progressCSV("余姚市", 150, tt.percent))
			if tt.wantErr != "" {
				if len(rep.Errors) != 1 || rep.Errors[0].String() != tt.wantErr {
					t.Fatalf("Import() errors = %q, %v, want [%q]", issueStrings(rep.Errors), err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatalf("Import() error = %v", err)
			}
			for _, p := range visibleProgress(t, store) {
				if p.ProjectCode == "P-0001" && p.Percent.Decimal.String() != tt.wantFirst {
					t.Errorf("P-0001 percent = %s, want %s", p.Percent.Decimal, tt.wantFirst)
				}
			}
		})
	}
}

// recordingStore is the real store with a log of what each upload's
// writer does, in the order it happens. Each write waits a little, so
// that two imports left to run at once would interleave.
type recordingStore struct {
	*clickhouse.Store
	mu     sync.Mutex
	events []string // upload ID and step, such as "stream-1 write"
}

func (r *recordingStore) record(id, step string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.events = append(r.events, id+" "+step)
}

func (r *recordingStore) BeginUpload(up saima.Upload) (*recordingWriter, error) {
	w, err := r.Store.BeginUpload(up)
	if err != nil {
		return nil, err
	}
	r.record(up.ID, "begin")
	return &recordingWriter{w: w, id: up.ID, r: r}, nil
}

type recordingWriter struct {
	w  *clickhouse.UploadWriter
	id string
	r  *recordingStore
}

func (w *recordingWriter) Write(ctx context.Context, b *saima.Batch) error {
	w.r.record(w.id, "write")
	time.Sleep(20 * time.Millisecond)
	return w.w.Write(ctx, b)
}

func (w *recordingWriter) Commit(ctx context.Context) error {
	w.r.record(w.id, "commit")
	return w.w.Commit(ctx)
}

func (w *recordingWriter) SetUpload(up saima.Upload) { w.w.SetUpload(up) }

func (w *recordingWriter) Abort(ctx context.Context, cause error) {
	w.r.record(w.id, "abort")
	w.w.Abort(ctx, cause)
}

func TestImportSameUnitSerialised(t *testing.T) {
	store := streamStore(t)
	rec := &recordingStore{Store: store}
	svc := streamService(ingest.Adapt(rec), 20)

	const imports = 4
	var wg sync.WaitGroup
	errs := make([]error, imports)
	for i := range imports {
		wg.Go(func() {
			text := progressCSV("余姚市", 70, fixedPercent(fmt.Sprintf("%d%%", 10+i)))
			_, errs[i] = svc.Import(t.Context(), ingest.Request{FileName: fmt.Sprintf("u%d.csv", i),
				Body: strings.NewReader(text), Uploader: "yuyao", Unit: "余姚"})
		})
	}
	wg.Wait()
	for i, err := range errs {
		if err != nil {
			t.Fatalf("import %d: %v", i, err)
		}
	}

	// Each upload's steps must form one unbroken run: begin, four writes,
	// commit.
	done := map[string]bool{}
	current := ""
	for _, e := range rec.events {
		id, _, _ := strings.Cut(e, " ")
		if id != current {
			if done[id] {
				t.Fatalf("upload %s resumed after another upload ran: events %q", id, rec.events)
			}
			done[current], current = true, id
		}
	}
	if len(rec.events) != imports*6 {
		t.Errorf("events = %d, want %d (begin, four writes and a commit each): %q", len(rec.events), imports*6, rec.events)
	}
	if got := visibleProgress(t, store); len(got) != 70 {
		t.Errorf("visible reports = %d, want 70", len(got))
	}
}

func TestImportProgressCallback(t *testing.T) {
	store := streamStore(t)
	svc := streamService(ingest.Adapt(store), 0)
	text := progressCSV("余姚市", 12_000, fixedPercent("50%"))
	var calls []ingest.Progress
	_, err := svc.Import(t.Context(), ingest.Request{FileName: "big.csv", Body: strings.NewReader(text),
		OnProgress: func(p ingest.Progress) { calls = append(calls, p) }})
	if err != nil {
		t.Fatalf("Import() error = %v", err)
	}
	if len(calls) < 3 {
		t.Fatalf("progress calls = %+v, want one per 5000 rows and one at the end", calls)
	}
	for i := 1; i < len(calls); i++ {
		if calls[i].Rows < calls[i-1].Rows || calls[i].Bytes < calls[i-1].Bytes {
			t.Errorf("progress went back: %+v then %+v", calls[i-1], calls[i])
		}
	}
	last := calls[len(calls)-1]
	if last.Rows != 12_000 || last.Bytes != int64(len(text)) || last.Size != int64(len(text)) || last.Errors != 0 {
		t.Errorf("last progress = %+v, want 12000 rows and all %d bytes read", last, len(text))
	}
}

// onlyReader hides every method of a reader but Read, as a network body
// or the file part of a multipart form does.
type onlyReader struct{ r io.Reader }

func (o onlyReader) Read(p []byte) (int, error) { return o.r.Read(p) }

func TestImportMaxRows(t *testing.T) {
	store := streamStore(t)
	svc := streamService(ingest.Adapt(store), 0)
	svc.Limits.MaxRows = 10
	rep, err := importText(t, svc, "long.csv", progressCSV("余姚市", 11, fixedPercent("50%")))
	want := "long.csv 的数据超过10行的上限，请把文件拆分后分批上传"
	if saima.ErrorKind(err) != saima.KindInvalid || len(rep.Errors) != 1 || rep.Errors[0].String() != want {
		t.Errorf("Import() = %q, %v, want [%q]", issueStrings(rep.Errors), err, want)
	}
}

// A body that cannot seek is read once: its chunks are written as they
// come, and the upload record still gets the file's SHA-256, which finds a
// later upload of the same bytes.
func TestImportChunksFromStream(t *testing.T) {
	store := streamStore(t)
	svc := streamService(ingest.Adapt(store), 100)
	text := progressCSV("余姚市", 250, fixedPercent("50%"))
	var last ingest.Progress
	req := ingest.Request{FileName: "stream.csv", Body: onlyReader{strings.NewReader(text)},
		Size: int64(len(text)), Uploader: "office", OnProgress: func(p ingest.Progress) { last = p }}
	first, err := svc.Import(t.Context(), req)
	if err != nil {
		t.Fatalf("Import() error = %v", err)
	}
	if first.Upload.SHA256 != sha256Hex(text) || first.Imported != 250 || first.Upload.DuplicateOf != "" {
		t.Errorf("first upload = %+v, want 250 records, the file's SHA-256 and no duplicate", first.Upload)
	}
	if last.Size != int64(len(text)) || last.Bytes != int64(len(text)) || last.Rows != 250 {
		t.Errorf("last progress = %+v, want all %d bytes and 250 rows", last, len(text))
	}

	req.Body, req.OnProgress = onlyReader{strings.NewReader(text)}, nil
	again, err := svc.Import(t.Context(), req)
	if err != nil {
		t.Fatalf("second Import() error = %v", err)
	}
	if again.Upload.DuplicateOf != first.Upload.ID {
		t.Errorf("second upload DuplicateOf = %q, want %q", again.Upload.DuplicateOf, first.Upload.ID)
	}
	records := uploadRecords(t, store, again.Upload.ID)
	if len(records) != 1 {
		t.Fatalf("audit records of %s = %+v, want one", again.Upload.ID, records)
	}
	if u := records[0]; u.SHA256 != sha256Hex(text) || u.DuplicateOf != first.Upload.ID || u.Rows != 250 {
		t.Errorf("stored record = %+v, want the file's SHA-256, 250 rows and duplicate of %s", u, first.Upload.ID)
	}
	if first.Replaced != 0 || again.Replaced != 250 {
		t.Errorf("replaced records = %d, then %d, want 0, then 250", first.Replaced, again.Replaced)
	}
	want := "已导入250条记录，其中250条替换了已有记录，原记录保留在历史版本中（文件与此前的上传 " + first.Upload.ID + "（" + first.Upload.FileName + "，" +
		first.Upload.At.In(saima.Beijing).Format("2006-01-02 15:04") + "）完全相同）"
	if records[0].Message != want {
		t.Errorf("stored message = %q, want %q", records[0].Message, want)
	}
	if first.Upload.Message != "已导入250条记录" {
		t.Errorf("first message = %q, want 已导入250条记录", first.Upload.Message)
	}

	if n := len(visibleProgress(t, store)); n != 250 {
		t.Errorf("visible reports = %d, want 250", n)
	}
}

var errCut = errors.New("connection reset")

// A body that breaks off after some chunks are written fails the upload:
// nothing becomes visible, and the audit log records the failure.
func TestImportBodyBreaksAfterChunks(t *testing.T) {
	store := streamStore(t)
	svc := streamService(ingest.Adapt(store), 100)
	text := progressCSV("余姚市", 250, fixedPercent("50%"))
	cut := strings.Index(text, "P-0240")
	req := ingest.Request{FileName: "cut.csv", Uploader: "office",
		Body: io.MultiReader(strings.NewReader(text[:cut]), iotest.ErrReader(errCut))}

	rep, err := svc.Import(t.Context(), req)
	if !errors.Is(err, errCut) {
		t.Fatalf("Import() error = %v, want the reader's error", err)
	}
	if rep == nil || rep.Upload.Outcome != saima.OutcomeFailed || rep.Imported != 0 {
		t.Errorf("report = %+v, want a failed upload with nothing imported", rep)
	}

	if n := len(visibleProgress(t, store)); n != 0 {
		t.Errorf("visible reports = %d, want 0", n)
	}
	// The first chunk was written before the break (the second is held
	// back until a third comes), and it stays invisible.
	if n := storedRows(t, store); n != 100 {
		t.Errorf("stored rows = %d, want 100", n)
	}

	records := uploadRecords(t, store, rep.Upload.ID)
	if len(records) != 1 || records[0].Outcome != saima.OutcomeFailed {
		t.Errorf("audit records of %s = %+v, want one failed", rep.Upload.ID, records)
	}
}

// uploadRecords returns the audit records of upload id.
func uploadRecords(tb testing.TB, store *clickhouse.Store, id string) []saima.Upload {
	tb.Helper()
	ups, err := store.ListUploads(tb.Context(), saima.UploadFilter{Limit: 100})
	if err != nil {
		tb.Fatal(err)
	}
	var out []saima.Upload
	for _, u := range ups {
		if u.ID == id {
			out = append(out, u)
		}
	}
	return out
}

// A unit's account that sends another unit's row deep in a long file gets
// 403 with that row listed, even when the file has other errors, and
// nothing of the file becomes visible.
func TestImportOtherUnitLateChunk(t *testing.T) {
	store := streamStore(t)
	svc := streamService(ingest.Adapt(store), 100)
	text := progressCSV("余姚市", 250, fixedPercent("50%"))
	text = strings.Replace(text, "余姚市,P-0230", "宁海县,P-0230", 1)
	text = strings.Replace(text, "余姚市,P-0240,项目240,2026Q3,50%", "余姚市,P-0240,项目240,2026Q3,150%", 1)
	rep, err := svc.Import(t.Context(), ingest.Request{FileName: "late.csv", Body: strings.NewReader(text),
		Uploader: "yuyao", Unit: "余姚市"})
	if saima.ErrorKind(err) != saima.KindForbidden {
		t.Fatalf("Import() error = %v, want kind forbidden", err)
	}
	var rows []int
	for _, is := range rep.Errors {
		rows = append(rows, is.Row)
	}
	if !slices.Equal(rows, []int{231, 241}) {
		t.Errorf("error rows = %v, want 231 (宁海县) and 241 (150%%): %q", rows, issueStrings(rep.Errors))
	}
	if n := len(visibleProgress(t, store)); n != 0 {
		t.Errorf("visible reports = %d, want 0", n)
	}
}

// On the real store: a unit's account may add its own milestone to
// another unit's project, but not take over one that another unit owns.
func TestImportUnitMilestoneOfAnotherUnit(t *testing.T) {
	store := streamStore(t)
	svc := streamService(ingest.Adapt(store), 0)
	office := "项目编号,里程碑,计划完成日期,责任单位\nNB-9,上线,2026-12-31,宁海县\n"
	if _, err := importText(t, svc, "office.csv", office); err != nil {
		t.Fatalf("office import: %v", err)
	}
	own := "项目编号,里程碑,计划完成日期,责任单位\nNB-9,数据联调,2026-11-30,余姚市\n"
	if _, err := svc.Import(t.Context(), ingest.Request{FileName: "own.csv", Body: strings.NewReader(own),
		Uploader: "yuyao", Unit: "余姚市"}); err != nil {
		t.Fatalf("own milestone: %v", err)
	}
	takeover := "项目编号,里程碑,计划完成日期,责任单位\nNB-9,上线,2027-06-30,余姚市\n"
	rep, err := svc.Import(t.Context(), ingest.Request{FileName: "takeover.csv", Body: strings.NewReader(takeover),
		Uploader: "yuyao", Unit: "余姚市"})
	if saima.ErrorKind(err) != saima.KindForbidden || len(rep.Errors) != 1 || rep.Errors[0].Row != 2 {
		t.Fatalf("takeover = %v, %q, want 403 on row 2", err, issueStrings(rep.Errors))
	}
	ms, err := store.ListMilestones(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, m := range ms {
		got = append(got, m.Name+"/"+m.Unit+"/"+m.Planned.String())
	}
	want := []string{"数据联调/余姚市/2026-11-30", "上线/宁海县/2026-12-31"}
	if !slices.Equal(got, want) {
		t.Errorf("milestones = %q, want %q", got, want)
	}
}

// A pipe is an *os.File that cannot seek, as standard input often is: it
// imports like any stream.
func TestImportFromPipe(t *testing.T) {
	store := streamStore(t)
	svc := streamService(ingest.Adapt(store), 100)
	text := progressCSV("宁海县", 150, fixedPercent("40%"))
	r, w, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	go func() {
		io.WriteString(w, text)
		w.Close()
	}()
	rep, err := svc.Import(t.Context(), ingest.Request{FileName: "pipe.csv", Body: r, Uploader: "office"})
	if err != nil {
		t.Fatalf("Import() error = %v", err)
	}
	if rep.Imported != 150 || rep.Upload.SHA256 != sha256Hex(text) {
		t.Errorf("upload = %+v, want 150 records and the file's SHA-256", rep.Upload)
	}
}

// On the real store: a number too large for its Decimal(18, 4) column is
// a row error, so the INSERT, which would fail on it, never runs. The
// upload is rejected and nothing is written.
func TestImportNumberTooLargeForColumn(t *testing.T) {
	store := streamStore(t)
	svc := streamService(ingest.Adapt(store), 100)
	text := "被考评单位,指标,得分,满分,考评方式,考评期间\n" +
		"余姚市,现场核查,90,100,线下年终,2026Q3\n" +
		"宁海县,现场核查,330203198001011234,,线下年终,2026Q3\n"
	rep, err := svc.Import(t.Context(), ingest.Request{FileName: "idcard.csv", Body: strings.NewReader(text), Uploader: "office"})
	if saima.ErrorKind(err) != saima.KindInvalid {
		t.Fatalf("Import() error = %v, want kind invalid", err)
	}
	issues := issueStrings(rep.Errors)
	if len(issues) != 1 {
		t.Fatalf("errors = %q, want one", issues)
	}
	if !strings.Contains(issues[0], "第3行") {
		t.Errorf("error = %q, want it on row 3", issues[0])
	}
	ups := uploadRecords(t, store, rep.Upload.ID)
	if len(ups) != 1 {
		t.Fatalf("upload records = %d, want 1", len(ups))
	}
	if ups[0].Outcome != saima.OutcomeRejected {
		t.Errorf("outcome = %q, want %q", ups[0].Outcome, saima.OutcomeRejected)
	}
	if ups[0].Imported != 0 {
		t.Errorf("imported = %d, want 0", ups[0].Imported)
	}
	got, err := store.ListAssessments(t.Context(), saima.Quarter(2026, 3))
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 0 {
		t.Errorf("visible assessments = %d, want 0", len(got))
	}
}

// TestImportCountsReplaced checks that an upload reports how many stored
// records it replaced: none of a first file, the overlap of a second one
// with the first, and none of a preview.
func TestImportCountsReplaced(t *testing.T) {
	store := streamStore(t)
	svc := streamService(ingest.Adapt(store), 0)
	first, err := importText(t, svc, "a.csv", progressCSV("余姚市", 3, fixedPercent("50%")))
	if err != nil {
		t.Fatal(err)
	}
	if first.Replaced != 0 || first.Upload.Message != "已导入3条记录" {
		t.Errorf("first upload: replaced %d, message %q, want 0 and 已导入3条记录", first.Replaced, first.Upload.Message)
	}

	// Five rows, of which P-0001 to P-0003 replace the first file's.
	second, err := importText(t, svc, "b.csv", progressCSV("余姚市", 5, fixedPercent("60%")))
	if err != nil {
		t.Fatal(err)
	}
	want := "已导入5条记录，其中3条替换了已有记录，原记录保留在历史版本中"
	if second.Replaced != 3 || second.Upload.Message != want {
		t.Errorf("second upload: replaced %d, message %q, want 3 and %q", second.Replaced, second.Upload.Message, want)
	}
	records := uploadRecords(t, store, second.Upload.ID)
	if len(records) != 1 || records[0].Message != want {
		t.Errorf("audit records of %s = %+v, want one with the message %q", second.Upload.ID, records, want)
	}

	text := progressCSV("余姚市", 5, fixedPercent("70%"))
	preview, err := svc.Preview(t.Context(), ingest.Request{FileName: "c.csv", Body: strings.NewReader(text), Uploader: "office"})
	if err != nil {
		t.Fatal(err)
	}
	if preview.Replaced != 0 {
		t.Errorf("preview replaced %d, want 0: a preview writes nothing", preview.Replaced)
	}
}

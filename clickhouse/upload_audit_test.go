package clickhouse_test

import (
	"os"
	"os/exec"
	"reflect"
	"strings"
	"testing"

	"saima"
	"saima/clickhouse"
	"saima/clickhouse/chtest"
)

// stoppedPID returns the pid of a process of this host that has exited.
func stoppedPID(tb testing.TB) int {
	tb.Helper()
	cmd := exec.Command("true")
	if err := cmd.Run(); err != nil {
		tb.Fatalf("run true: %v", err)
	}
	return cmd.Process.Pid
}

// findUpload returns the upload with id among every upload of s.
func findUpload(tb testing.TB, s *clickhouse.Store, id string) (saima.Upload, bool) {
	tb.Helper()
	ups, err := s.ListUploads(tb.Context(), saima.UploadFilter{Limit: 1000})
	if err != nil {
		tb.Fatalf("ListUploads: %v", err)
	}
	for _, u := range ups {
		if u.ID == id {
			return u, true
		}
	}
	return saima.Upload{}, false
}

func wantOutcome(t *testing.T, s *clickhouse.Store, id, when, outcome string) saima.Upload {
	t.Helper()
	u, ok := findUpload(t, s, id)
	if !ok {
		t.Fatalf("%s: upload %s is not in the audit log", when, id)
	}
	if u.Outcome != outcome {
		t.Errorf("%s: outcome of %s = %q, want %q (message %q)", when, id, u.Outcome, outcome, u.Message)
	}
	return u
}

// TestUploadInterruptedByStoppedProcess plays a process that writes a
// chunk of an upload and stops without an outcome. The upload shows as
// started, and a later process records it as interrupted with what is
// known. Nothing of it is visible, and the same rows sent again count once.
func TestUploadInterruptedByStoppedProcess(t *testing.T) {
	chtest.ForEachEngine(t, checkInterruptedUpload)
}

// checkInterruptedUpload writes a chunk of an upload as a process that
// then stops, and checks what the audit, the readers and a retry see.
func checkInterruptedUpload(t *testing.T, s *clickhouse.Store) {
	t.Helper()
	ctx := t.Context()
	gone := s.AsProcess(clickhouse.ThisHost(), stoppedPID(t))
	b := progressBatch("40", "60")
	b.Upload.Unit, b.Upload.Uploader = "宁波市北仑区", "beilun"
	w, err := gone.BeginUpload(b.Upload)
	if err != nil {
		t.Fatal(err)
	}
	if err := w.Write(ctx, b); err != nil {
		t.Fatal(err)
	}
	// The process stops here: no Commit, no Abort.

	wantOutcome(t, s, b.Upload.ID, "before the sweep", saima.OutcomeStarted)
	if n, _ := meanPercent(t, s); n != 0 {
		t.Errorf("rows of the started upload are visible: %d records", n)
	}

	n, err := s.RecoverUploads(ctx)
	if err != nil {
		t.Fatalf("RecoverUploads: %v", err)
	}
	if n != 1 {
		t.Errorf("RecoverUploads recorded %d uploads, want 1", n)
	}
	u := wantOutcome(t, s, b.Upload.ID, "after the sweep", saima.OutcomeInterrupted)
	if u.FileName != b.Upload.FileName || u.Uploader != "beilun" || u.Unit != "宁波市北仑区" ||
		u.Dataset != saima.DatasetProgress || !u.At.Equal(b.Upload.At) {
		t.Errorf("interrupted upload = %+v, want the file, uploader, unit, dataset and time it began with", u)
	}
	if u.Imported != 0 || !strings.Contains(u.Message, b.Upload.FileName) || !strings.Contains(u.Message, "重新上传") {
		t.Errorf("interrupted upload: imported %d, message %q; want 0 and one naming the file and the retry",
			u.Imported, u.Message)
	}
	if n, err := s.RecoverUploads(ctx); err != nil || n != 0 {
		t.Errorf("second RecoverUploads = %d, %v; want 0, nil", n, err)
	}

	again := progressBatch("40", "60")
	if err := s.WriteBatch(ctx, again); err != nil {
		t.Fatal(err)
	}
	if n, mean := meanPercent(t, s); n != 2 || mean != 50 {
		t.Errorf("after sending the rows again: %d records, mean %v; want 2, 50", n, mean)
	}
	ok, err := s.ListUploads(ctx, saima.UploadFilter{Outcome: saima.OutcomeOK})
	if err != nil || len(ok) != 1 || ok[0].ID != again.Upload.ID || ok[0].Imported != 2 {
		t.Errorf("ListUploads(ok) = %+v, %v; want only %s with 2 imported", ok, err, again.Upload.ID)
	}
}

// TestUploadOfRunningProcessNotInterrupted keeps started the uploads of
// processes that still run: this one, another one of this host, and one
// of another host that renewed its lease just now.
func TestUploadOfRunningProcessNotInterrupted(t *testing.T) {
	chtest.ForEachEngine(t, func(t *testing.T, s *clickhouse.Store) {
		ctx := t.Context()
		writers := map[string]*clickhouse.Store{
			"this process": s,
			"parent":       s.AsProcess(clickhouse.ThisHost(), os.Getppid()),
			"another host": s.AsProcess("another-host.example", 1),
		}
		ids := map[string]string{}
		for name, st := range writers {
			b := progressBatch("10")
			w, err := st.BeginUpload(b.Upload)
			if err != nil {
				t.Fatal(err)
			}
			if err := w.Write(ctx, b); err != nil {
				t.Fatal(err)
			}
			ids[name] = b.Upload.ID
		}
		if n, err := s.RecoverUploads(ctx); err != nil || n != 0 {
			t.Errorf("RecoverUploads = %d, %v; want 0, nil", n, err)
		}
		for name, id := range ids {
			wantOutcome(t, s, id, name, saima.OutcomeStarted)
		}
	})
}

// TestListUploadsFilter lists uploads by unit, outcome and day, newest
// first, each once in its latest state.
func TestListUploadsFilter(t *testing.T) {
	chtest.ForEachEngine(t, func(t *testing.T, s *clickhouse.Store) {
		ctx := t.Context()
		ok := progressBatch("50")
		ok.Upload.Unit = "宁波市北仑区"
		if err := s.WriteBatch(ctx, ok); err != nil {
			t.Fatal(err)
		}
		rejected := upload(saima.DatasetProgress)
		rejected.Unit, rejected.Outcome = "宁波市海曙区", saima.OutcomeRejected
		rejected.At = rejected.At.AddDate(0, 0, 1)
		if err := s.RecordUpload(ctx, rejected); err != nil {
			t.Fatal(err)
		}

		tests := []struct {
			name   string
			filter saima.UploadFilter
			want   []string
		}{
			{"All", saima.UploadFilter{}, []string{rejected.ID, ok.Upload.ID}},
			{"Unit", saima.UploadFilter{Unit: "宁波市北仑区"}, []string{ok.Upload.ID}},
			{"Outcome", saima.UploadFilter{Outcome: saima.OutcomeRejected}, []string{rejected.ID}},
			{"From", saima.UploadFilter{From: saima.DateOf(rejected.At)}, []string{rejected.ID}},
			{"To", saima.UploadFilter{To: saima.DateOf(ok.Upload.At)}, []string{ok.Upload.ID}},
			{"Limit", saima.UploadFilter{Limit: 1}, []string{rejected.ID}},
		}
		for _, tt := range tests {
			ups, err := s.ListUploads(ctx, tt.filter)
			if err != nil {
				t.Fatalf("%s: %v", tt.name, err)
			}
			var got []string
			for _, u := range ups {
				got = append(got, u.ID)
			}
			if strings.Join(got, ",") != strings.Join(tt.want, ",") {
				t.Errorf("%s: ListUploads(%+v) = %q, want %q", tt.name, tt.filter, got, tt.want)
			}
		}
	})
}

// TestFindUploadErrorList records a rejected upload with its error and
// warning lists, including values that need escaping, and reads them back
// by ID, while the listing leaves them out.
func TestFindUploadErrorList(t *testing.T) {
	chtest.ForEachEngine(t, func(t *testing.T, s *clickhouse.Store) {
		ctx := t.Context()
		rejected := upload(saima.DatasetProgress)
		rejected.Unit, rejected.Outcome = "宁波市海曙区", saima.OutcomeRejected
		rejected.Errors = 250
		rejected.ErrorList = []saima.UploadError{
			{Row: 0, Reason: "文件无法打开", Fix: "请另存为 CSV 后重新上传"},
			{Sheet: "进度", Row: 3, Column: "完成比例", Value: "1'35%\t\n\\", Reason: "超出0–100%范围",
				Fix: "请改为0–100之间的数后重新上传"},
			{Row: 4, Value: "P-9", Reason: "项目P-9不在台账中", OwnSubject: true},
		}
		rejected.Warnings = 130
		rejected.WarningList = []saima.UploadError{
			{Row: 2, Column: "完成率", Value: "0.5", Reason: "没有带%，读作50%", Fix: "如果本意是0.5%，请写成0.5%"},
			{Sheet: "进度", Row: 7, Column: "完成率", Value: "/'\\", Reason: "表示未填报", OwnSubject: true},
		}
		if err := s.RecordUpload(ctx, rejected); err != nil {
			t.Fatal(err)
		}
		plain := upload(saima.DatasetProgress)
		plain.Outcome = saima.OutcomeRejected
		if err := s.RecordUpload(ctx, plain); err != nil {
			t.Fatal(err)
		}

		got, found, err := s.FindUpload(ctx, rejected.ID)
		if err != nil || !found {
			t.Fatalf("FindUpload(%s) = found %v, err %v; want found", rejected.ID, found, err)
		}
		if got.Errors != 250 || got.Outcome != saima.OutcomeRejected {
			t.Errorf("FindUpload: errors %d, outcome %q; want 250, rejected", got.Errors, got.Outcome)
		}
		if !reflect.DeepEqual(got.ErrorList, rejected.ErrorList) {
			t.Errorf("FindUpload error list =\n%+v\nwant\n%+v", got.ErrorList, rejected.ErrorList)
		}
		if got.Warnings != 130 {
			t.Errorf("FindUpload: warnings %d, want 130", got.Warnings)
		}
		if !reflect.DeepEqual(got.WarningList, rejected.WarningList) {
			t.Errorf("FindUpload warning list =\n%+v\nwant\n%+v", got.WarningList, rejected.WarningList)
		}

		other, found, err := s.FindUpload(ctx, plain.ID)
		if err != nil || !found {
			t.Fatalf("FindUpload(%s) = found %v, err %v; want found", plain.ID, found, err)
		}
		if len(other.ErrorList) != 0 || len(other.WarningList) != 0 {
			t.Errorf("FindUpload of an upload without lists = %+v and %+v, want none", other.ErrorList, other.WarningList)
		}
		if _, found, err := s.FindUpload(ctx, "no-such-upload"); err != nil || found {
			t.Errorf("FindUpload(no-such-upload) = found %v, err %v; want not found", found, err)
		}

		listed, _ := findUpload(t, s, rejected.ID)
		if listed.ErrorList != nil {
			t.Errorf("ListUploads carries an error list of %d errors, want nil", len(listed.ErrorList))
		}
		if listed.WarningList != nil {
			t.Errorf("ListUploads carries a warning list of %d warnings, want nil", len(listed.WarningList))
		}
	})
}

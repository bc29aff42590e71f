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

// receivedService returns an import service over a fresh store with the
// leader-led project NB-1 of 余姚市, and the clock that the service reads.
func receivedService(tb testing.TB) (*ingest.Service, *clickhouse.Store, *time.Time) {
	tb.Helper()
	store := chtest.Store(tb)
	now := time.Date(2026, 8, 1, 9, 0, 0, 0, saima.Beijing)
	start := saima.NewDate(2025, 7, 1)
	batches := []*saima.Batch{
		{Units: []saima.Unit{{Name: "余姚市", Kind: saima.KindDistrict, Track: saima.KindDistrict}}},
		{Projects: []saima.Project{{Code: "NB-1", Name: "城市大脑", Unit: "余姚市", LeaderLed: true,
			Leader: "王市长", StartDate: &start}}},
	}
	for i, b := range batches {
		b.Upload = saima.Upload{ID: fmt.Sprintf("seed-%d", i), Uploader: "office", At: now.Add(-time.Hour)}
		if err := store.WriteBatch(context.Background(), b); err != nil {
			tb.Fatalf("seed batch %d: %v", i, err)
		}
	}
	seq := 0
	svc := &ingest.Service{
		Store: ingest.Adapt(store),
		Log:   slog.New(slog.DiscardHandler),
		Now:   func() time.Time { return now },
		NewID: func() string { seq++; return fmt.Sprintf("reports-%d", seq) },
	}
	return svc, store, &now
}

// storedReport returns the stored report of NB-1 on half.
func storedReport(t *testing.T, store *clickhouse.Store, half string) saima.LeaderReport {
	t.Helper()
	reports, err := store.ListLeaderReports(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range reports {
		if r.ProjectCode == "NB-1" && r.Half.String() == half {
			return r
		}
	}
	t.Fatalf("no stored report of NB-1 on %s in %+v", half, reports)
	return saima.LeaderReport{}
}

func reportText(half, submitted string) string {
	return "项目编号,半年度,领衔领导,牵头单位,成果,问题,下步计划,报送日期\n" +
		"NB-1," + half + ",王市长,余姚市,平台上线,接口慢,推广," + submitted + "\n"
}

// TestImportLeaderReportReceived checks that a half-year report records
// the day saima received it, and that a backdated 报送日期 does not hide
// lateness: the report is late by the later of the two days.
func TestImportLeaderReportReceived(t *testing.T) {
	svc, store, now := receivedService(t)
	ctx := context.Background()
	h1 := saima.HalfYear{Year: 2026, Half: 1}

	// Due 2026-07-15, stated 2026-07-10, received 2026-08-01.
	rep, err := svc.Import(ctx, ingest.Request{FileName: "h1.csv", Body: strings.NewReader(reportText("2026上半年", "2026-07-10")),
		Uploader: "office"})
	if err != nil {
		t.Fatalf("import backdated report: %v, errors %v", err, rep.Errors)
	}
	assertOneWarning(t, rep, "第2行“报送日期”列的值“2026-07-10”", "早于系统收到这份报告的日期（2026-08-01）",
		"报送截止日（2026-07-15）17 天")
	got := storedReport(t, store, "2026H1")
	if got.Received == nil || got.Received.String() != "2026-08-01" {
		t.Fatalf("stored Received = %v, want 2026-08-01", got.Received)
	}
	half := saima.LeaderHalf{Half: h1, Due: saima.LeaderReportDue(h1), Report: &got}
	if days := half.DaysLate(); days != 17 {
		t.Errorf("DaysLate() of the backdated report = %d, want 17", days)
	}
	if !got.Backdated() {
		t.Errorf("Backdated() = false for stated %s received %s", got.Submitted, got.Received)
	}

	// A corrected version sent later keeps the day of first receipt.
	*now = now.AddDate(0, 1, 0)
	if rep, err := svc.Import(ctx, ingest.Request{FileName: "h1-again.csv",
		Body: strings.NewReader(reportText("2026上半年", "2026-07-10")), Uploader: "office"}); err != nil {
		t.Fatalf("import corrected report: %v, errors %v", err, rep.Errors)
	}
	if got := storedReport(t, store, "2026H1"); got.Received == nil || got.Received.String() != "2026-08-01" {
		t.Errorf("Received after a later correction = %v, want 2026-08-01", got.Received)
	}

	t.Run("StatedForHistory", func(t *testing.T) {
		received := saima.NewDate(2026, 1, 8)
		rep, err := svc.Import(ctx, ingest.Request{FileName: "h2-2025.csv",
			Body: strings.NewReader(reportText("2025下半年", "2026-01-08")), Uploader: "office", Received: &received})
		if err != nil {
			t.Fatalf("import history: %v, errors %v", err, rep.Errors)
		}
		for _, w := range rep.Warnings {
			if strings.Contains(w.String(), "逾期") {
				t.Errorf("history import stated as received in time warns %q", w)
			}
		}
		if got := storedReport(t, store, "2025H2"); got.Received == nil || got.Received.String() != "2026-01-08" {
			t.Errorf("Received of the history import = %v, want 2026-01-08", got.Received)
		}
	})

	t.Run("AsStatedForHistory", func(t *testing.T) {
		rep, err := svc.Import(ctx, ingest.Request{FileName: "h1-2025.csv",
			Body: strings.NewReader(reportText("2025上半年", "2025-07-05")), Uploader: "office", ReceivedAsStated: true})
		if err != nil {
			t.Fatalf("import history as stated: %v, errors %v", err, rep.Errors)
		}
		if got := storedReport(t, store, "2025H1"); got.Received == nil || got.Received.String() != "2025-07-05" {
			t.Errorf("Received of the history import as stated = %v, want 2025-07-05", got.Received)
		}
	})

	t.Run("ErrReceivedTwice", func(t *testing.T) {
		received := saima.NewDate(2026, 1, 8)
		_, err := svc.Import(ctx, ingest.Request{FileName: "both.csv",
			Body: strings.NewReader(reportText("2025下半年", "2026-01-08")), Uploader: "office",
			Received: &received, ReceivedAsStated: true})
		if saima.ErrorKind(err) != saima.KindInvalid {
			t.Errorf("Import() with Received and ReceivedAsStated = %v, want invalid", err)
		}
	})

	t.Run("ErrReceivedByUnit", func(t *testing.T) {
		received := saima.NewDate(2026, 1, 8)
		_, err := svc.Import(ctx, ingest.Request{FileName: "unit.csv",
			Body: strings.NewReader(reportText("2025下半年", "2026-01-08")), Uploader: "yuyao", Unit: "余姚市",
			Received: &received})
		if saima.ErrorKind(err) != saima.KindInvalid || !strings.Contains(saima.ErrorMessage(err), "只有改革办") {
			t.Errorf("Import() by a unit with Received = %v, want invalid naming the office", err)
		}
	})

	t.Run("ErrReceivedAfterToday", func(t *testing.T) {
		received := saima.NewDate(2027, 1, 1)
		_, err := svc.Import(ctx, ingest.Request{FileName: "future.csv",
			Body: strings.NewReader(reportText("2025下半年", "2026-01-08")), Uploader: "office", Received: &received})
		if saima.ErrorKind(err) != saima.KindInvalid || !strings.Contains(saima.ErrorMessage(err), "2027-01-01") {
			t.Errorf("Import() with Received 2027-01-01 = %v, want invalid naming the day", err)
		}
	})
}

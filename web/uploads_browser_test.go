package web

import (
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"saima"
	"saima/clickhouse"
)

// seedUploadAudit adds to the seeded audit log a rejected upload of
// haishu whose file name is markup, and an upload of 宁波市江北区 that a
// stopped process left started, recorded as interrupted by the sweep. It
// returns the interrupted upload's ID.
func seedUploadAudit(tb testing.TB, s *clickhouse.Store) string {
	tb.Helper()
	ctx := tb.Context()
	rejected := saima.Upload{ID: "u-rejected", Dataset: saima.DatasetProgress, Uploader: "haishu",
		Unit: "宁波市海曙区", At: seedAt.Add(time.Hour), FileName: imgName + ".csv", SHA256: strings.Repeat("ab", 32),
		Rows: 3, Errors: 2, Outcome: saima.OutcomeRejected, Message: "文件有2处错误，整个文件未导入"}
	if err := s.RecordUpload(ctx, rejected); err != nil {
		tb.Fatal(err)
	}

	// A process that stopped after recording its upload as started: a pid
	// of this host that no longer runs.
	cmd := exec.Command("true")
	if err := cmd.Run(); err != nil {
		tb.Fatal(err)
	}
	host, _ := os.Hostname()
	owner := host + "/" + strconv.Itoa(cmd.Process.Pid) + "/gone"
	started := []any{"u-cut", saima.DatasetMilestones, "jiangbei", "宁波市江北区", seedAt.Add(2 * time.Hour),
		"里程碑.xlsx", "", uint32(20000), uint32(0), uint32(0), uint32(0), saima.OutcomeStarted,
		"正在写入，记录尚未生效", "", uint64(7), uint64(0), uint64(time.Now().UnixNano()), owner}
	columns := []string{"id", "dataset", "uploader", "unit", "at", "file_name", "sha256", "rows", "imported",
		"warnings", "errors", "outcome", "message", "duplicate_of", "version", "committed", "recorded", "owner"}
	if err := s.Engine().Insert(ctx, s.Database()+".uploads", columns, [][]any{started}); err != nil {
		tb.Fatal(err)
	}
	if n, err := s.RecoverUploads(ctx); err != nil || n != 1 {
		tb.Fatalf("RecoverUploads = %d, %v; want 1, nil", n, err)
	}
	return "u-cut"
}

// TestBrowserUploadsPage opens the upload audit log in Chromium as each
// role: the office and leaders see every upload and filter them, and a
// unit account sees its own unit's only, whatever unit the address names.
func TestBrowserUploadsPage(t *testing.T) {
	requireChromium(t)
	env := newSeededEnv(t)
	cut := seedUploadAudit(t, env.store)
	b := newBrowser(t, serve(t, env.server))

	got := b.login(t, "office", testAccounts["office"].password, "/uploads")
	writeScreenshot(t, filepath.Join(screenshotDir(t), "uploads.png"), got.PNG)
	for _, w := range []string{"上传记录", "共 7 次上传", "里程碑.xlsx", "中断", "没有导入任何记录", "上传编号 " + cut,
		imgName + ".csv", "校验未通过", "abababababab", "宁波市海曙区", "成功", "units.csv", "单位名单"} {
		if !strings.Contains(got.Text, w) {
			t.Errorf("office /uploads lacks %q:\n%s", w, got.Text)
		}
	}
	if got.InjectedNodes != 0 {
		t.Errorf("office /uploads has %d injected nodes, want 0", got.InjectedNodes)
	}
	if i, j := strings.Index(got.Text, "里程碑.xlsx"), strings.Index(got.Text, "units.csv"); i < 0 || j < 0 || i > j {
		t.Errorf("office /uploads lists units.csv before the newer 里程碑.xlsx, want newest first")
	}

	got = b.openPlain(t, "/uploads?outcome=interrupted")
	if !strings.Contains(got.Text, "共 1 次上传") || !strings.Contains(got.Text, "里程碑.xlsx") {
		t.Errorf("/uploads?outcome=interrupted does not list only the cut upload:\n%s", got.Text)
	}
	got = b.openPlain(t, "/uploads?unit="+url.QueryEscape("宁波市海曙区")+"&from=2000-01-01&to=2100-12-31")
	if !strings.Contains(got.Text, "共 1 次上传") || !strings.Contains(got.Text, imgName+".csv") {
		t.Errorf("/uploads?unit=宁波市海曙区 does not list only haishu's upload:\n%s", got.Text)
	}
	got = b.openPlain(t, "/uploads?from=2100-01-01")
	if !strings.Contains(got.Text, "没有符合条件的上传记录") {
		t.Errorf("/uploads?from=2100-01-01 lists uploads:\n%s", got.Text)
	}
	got = b.openPlain(t, "/uploads?outcome=done")
	if !strings.Contains(got.Text, "结果（参数 outcome）的值“done”无效") {
		t.Errorf("/uploads?outcome=done does not name the bad value:\n%s", got.Text)
	}
	b.reset() // the 400 of the bad value is expected
	b.logout(t)

	got = b.login(t, "leader", testAccounts["leader"].password, "/uploads")
	if !strings.Contains(got.Text, "共 7 次上传") || strings.Contains(got.Text, "数据上传") {
		t.Errorf("leader /uploads: want every upload and no link to the upload form:\n%s", got.Text)
	}
	b.logout(t)

	got = b.login(t, "haishu", testAccounts["haishu"].password, "/uploads?unit="+url.QueryEscape("宁波市江北区"))
	if !strings.Contains(got.Text, "本单位（宁波市海曙区）") || !strings.Contains(got.Text, "共 1 次上传") ||
		strings.Contains(got.Text, "里程碑.xlsx") || strings.Contains(got.Text, "units.csv") {
		t.Errorf("haishu /uploads?unit=宁波市江北区: want haishu's own upload only:\n%s", got.Text)
	}
	for _, problem := range b.problems() {
		t.Error(problem)
	}
}

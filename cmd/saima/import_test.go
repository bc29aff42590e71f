package main

import (
	"bytes"
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"saima"
	"saima/ingest"
)

// A file without errors whose write fails must not be reported as
// imported.
func TestPrintReportWriteFailed(t *testing.T) {
	var stdout, stderr bytes.Buffer
	a := &app{stdout: &stdout, stderr: &stderr}
	rep := &ingest.Report{Dataset: saima.DatasetProgress, Rows: 6}
	printReport(a, "进度.csv", rep, false, errors.New("write batch: insert failed"))
	if strings.Contains(stdout.String(), "已导入") {
		t.Errorf("stdout = %q, want no 已导入 after a failed write", stdout.String())
	}
	if !strings.Contains(stdout.String(), "导入失败，整个文件未导入") {
		t.Errorf("stdout = %q, want 导入失败，整个文件未导入", stdout.String())
	}

	stdout.Reset()
	rep.Imported = 6
	printReport(a, "进度.csv", rep, false, nil)
	if !strings.Contains(stdout.String(), "已导入 6 条“进度填报”记录") {
		t.Errorf("stdout = %q, want 已导入 6 条“进度填报”记录", stdout.String())
	}

	stdout.Reset()
	rep.Replaced = 4
	printReport(a, "进度.csv", rep, false, nil)
	if !strings.Contains(stdout.String(), "已导入 6 条“进度填报”记录（其中 4 条替换了已有记录），0 个提示") {
		t.Errorf("stdout = %q, want the 4 replaced records named", stdout.String())
	}
}

// TestImportCommandReplaced imports one file twice: the second run names
// the records it replaced.
func TestImportCommandReplaced(t *testing.T) {
	dir := casesDir(t)
	e := newTestEnv(t)
	e.mustRun("import", filepath.Join(dir, "00_roster.csv"))
	if out := e.mustRun("import", filepath.Join(dir, "01b_progress_utf8_nobom.csv")); strings.Contains(out, "替换") {
		t.Errorf("first import printed %q, want no replaced records", out)
	}
	if out := e.mustRun("import", filepath.Join(dir, "01b_progress_utf8_nobom.csv")); !strings.Contains(out, "（其中 6 条替换了已有记录）") {
		t.Errorf("second import printed %q, want 6 replaced records", out)
	}
}

// The assessment totals of the exact-decimals case, through the store:
// two units tie at 100.5 and share rank 1, and the year's records stay out.
func TestAssessmentsCommandTotals(t *testing.T) {
	dir := casesDir(t)
	e := newTestEnv(t)
	e.mustRun("import", filepath.Join(dir, "00_roster.csv"))
	e.mustRun("import", filepath.Join(dir, "07_scores_exact_decimals.csv"))

	out := e.mustRun("assessments", "2026Q3")
	var rows [][]string
	for _, line := range strings.Split(strings.TrimSpace(out), "\n")[2:] {
		rows = append(rows, strings.Fields(line))
	}
	want := [][]string{{"1", "市发改委", "100.5", "2"}, {"1", "市大数据局", "100.5", "2"}, {"3", "市财政局", "75.57", "2"}}
	if len(rows) != len(want) {
		t.Fatalf("assessments 2026Q3 printed %d rows, want %d:\n%s", len(rows), len(want), out)
	}
	for i := range want {
		if strings.Join(rows[i], " ") != strings.Join(want[i], " ") {
			t.Errorf("row %d = %q, want %q", i+1, rows[i], want[i])
		}
	}

	if other := e.mustRun("assessments", "2026年第三季度"); other != out {
		t.Errorf("assessments 2026年第三季度 printed\n%s\nwant what 2026Q3 printed", other)
	}

	out = e.mustRun("assessments", "2026")
	lines := strings.Split(strings.TrimSpace(out), "\n")
	if len(lines) != 5 || !strings.HasPrefix(lines[0], "2026年度") {
		t.Fatalf("assessments 2026 printed:\n%s\nwant a title, a header and three units", out)
	}
	for i, w := range []string{"1 市大数据局 100 1", "2 市财政局 99.5 1", "3 市发改委 85.5 1"} {
		if got := strings.Join(strings.Fields(lines[2+i]), " "); got != w {
			t.Errorf("2026 row %d = %q, want %q", i+1, got, w)
		}
	}
	if code, _, errOut := e.run("assessments", "2026Q4"); code != 1 || !strings.Contains(errOut, "没有考评打分记录") {
		t.Errorf("assessments 2026Q4 = %d, %q, want 1 with 没有考评打分记录", code, errOut)
	}
}

// Aliases typed on lines of their own with Alt+Enter are stored as
// separate aliases, so a later upload that names the unit by one of them
// is imported under the roster's name.
func TestImportAliasesSplitAtLineBreaks(t *testing.T) {
	forEachEngine(t, func(t *testing.T, e *testEnv) {
		dir := t.TempDir()
		roster := filepath.Join(dir, "units.csv")
		progress := filepath.Join(dir, "progress.csv")
		if err := os.WriteFile(roster, []byte("单位,单位类别,别名\n宁波市海曙区,区县（市）,\"海曙区政府\r\n海曙区人民政府\"\n"), 0o600); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(progress, []byte("单位,项目编号,填报期间,完成率\n海曙区人民政府,NB-1,2026Q3,50%\n"), 0o600); err != nil {
			t.Fatal(err)
		}
		e.mustRun("import", roster)

		code, out, errOut := e.run("import", progress)
		if code != 0 || !strings.Contains(out, "已导入 1 条") {
			t.Fatalf("import by the alias exited %d:\n%s%s\nwant 1 record", code, out, errOut)
		}
		st := e.openStore(t)
		reports, err := st.ListProgress(context.Background(), mustPeriod("2026Q3"))
		if err != nil {
			t.Fatal(err)
		}
		if len(reports) != 1 || reports[0].Unit != "宁波市海曙区" {
			t.Errorf("progress = %+v, want one record of 宁波市海曙区", reports)
		}
	})
}

// A missing file or a folder given to import gets a message that names it
// and gives the fix, not the operating system's English error or an
// internal error.
func TestImportPathErrors(t *testing.T) {
	e := newTestEnv(t)
	tmp := t.TempDir()
	tests := []struct {
		name string
		path string
		want string
	}{
		{"FileMissing", filepath.Join(tmp, "进度.csv"), "无法导入 " + filepath.Join(tmp, "进度.csv") + "：文件不存在"},
		{"Folder", tmp, "无法导入 " + tmp + "：这是一个目录，不是文件"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, _, stderr := e.run("import", tt.path)
			if code != 1 {
				t.Errorf("saima import %s exited %d, want 1", tt.path, code)
			}
			if !strings.Contains(stderr, tt.want) {
				t.Errorf("stderr = %q, want %q", stderr, tt.want)
			}
			if strings.Contains(stderr, "服务器内部错误") || strings.Contains(stderr, "no such file") {
				t.Errorf("stderr = %q, want no internal or English error", stderr)
			}
		})
	}
}

package main

import (
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

func TestUploadsListsAudit(t *testing.T) {
	dir := casesDir(t)
	e := newTestEnv(t)
	e.mustRun("import", filepath.Join(dir, "00_roster.csv"))
	e.mustRun("import", filepath.Join(dir, "13a_progress_reupload_v1.csv"))
	e.mustRun("import", filepath.Join(dir, "13b_progress_reupload_v2_corrected.csv"))
	if code, _, _ := e.run("import", filepath.Join(dir, "12b_progress_bad_rows.csv")); code != 1 {
		t.Fatalf("import of bad rows exited %d, want 1", code)
	}

	out := e.mustRun("uploads")
	lines := strings.Split(strings.TrimSpace(out), "\n")
	if len(lines) != 5 {
		t.Fatalf("saima uploads printed %d lines, want a header and 4 uploads:\n%s", len(lines), out)
	}
	assertContains(t, "header", lines[0], "上传时间", "文件名", "SHA-256", "读取行数", "导入", "替换", "警告", "结果")
	assertContains(t, "newest upload", lines[1], "12b_progress_bad_rows.csv", "校验未通过")
	assertContains(t, "corrected upload", lines[2], "13b_progress_reupload_v2_corrected.csv", "成功", "cli", "进度填报")
	assertContains(t, "roster upload", lines[4], "单位名单")
	assertContains(t, "roster upload", lines[4], "00_roster.csv", "成功")

	out = e.mustRun("uploads", "--outcome", "rejected")
	if n := strings.Count(strings.TrimSpace(out), "\n"); n != 1 || !strings.Contains(out, "12b_progress_bad_rows.csv") {
		t.Errorf("saima uploads --outcome rejected printed %d uploads, want only 12b:\n%s", n, out)
	}
	out = e.mustRun("uploads", "--outcome", "成功", "--limit", "1")
	if n := strings.Count(strings.TrimSpace(out), "\n"); n != 1 || !strings.Contains(out, "13b_") {
		t.Errorf("saima uploads --outcome 成功 --limit 1 printed %d uploads, want only 13b:\n%s", n, out)
	}
	out = e.mustRun("uploads", "--from", "2000-01-01", "--to", "2000-12-31")
	assertContains(t, "uploads of 2000", out, "没有符合条件的上传记录")
	out = e.mustRun("uploads", "--unit", "宁波市海曙区")
	assertContains(t, "uploads of a unit", out, "没有符合条件的上传记录")

	// A name off the roster is an error, not a unit without uploads.
	code, _, errOut := e.run("uploads", "--unit", "不存在区")
	if code != 1 {
		t.Errorf("saima uploads --unit 不存在区 exited %d, want 1", code)
	}
	assertContains(t, "uploads of a unit off the roster", errOut, "单位名单中没有“不存在区”", "去掉 --unit")
}

func TestUploadsRejectsBadFlags(t *testing.T) {
	e := newTestEnv(t)
	for _, tt := range []struct {
		args []string
		want string
	}{
		{[]string{"uploads", "--outcome", "done"}, "--outcome：上传结果“done”无效"},
		{[]string{"uploads", "--from", "2026-13-01"}, "--from 的值“2026-13-01”不是日期"},
		{[]string{"uploads", "--limit", "0"}, "--limit 的值 0 无效"},
		{[]string{"uploads", "extra"}, "不接受参数"},
		{[]string{"uploads", "--id", "u-1", "--to", "2026-10-01"}, "--id 只显示一次上传"},
	} {
		code, _, errOut := e.run(tt.args...)
		if code != 2 {
			t.Errorf("saima %s exited %d, want 2", strings.Join(tt.args, " "), code)
		}
		if !strings.Contains(errOut, tt.want) {
			t.Errorf("saima %s printed %q, want %q", strings.Join(tt.args, " "), errOut, tt.want)
		}
		if strings.Contains(errOut, "usage:") {
			t.Errorf("saima %s printed %q, want no English usage: prefix", strings.Join(tt.args, " "), errOut)
		}
	}
}

// TestUploadsShowsErrorList prints a rejected upload's error list again
// by its ID, as the audit log kept it.
func TestUploadsShowsErrorList(t *testing.T) {
	dir := casesDir(t)
	e := newTestEnv(t)
	e.mustRun("import", filepath.Join(dir, "00_roster.csv"))
	if code, _, _ := e.run("import", filepath.Join(dir, "12b_progress_bad_rows.csv")); code != 1 {
		t.Fatalf("import of bad rows exited %d, want 1", code)
	}
	lines := strings.Split(strings.TrimSpace(e.mustRun("uploads", "--outcome", "rejected")), "\n")
	if len(lines) != 2 {
		t.Fatalf("saima uploads --outcome rejected printed %d lines, want a header and 1 upload", len(lines))
	}
	id := strings.Fields(lines[1])[2]

	out := e.mustRun("uploads", "--id", id)
	assertContains(t, "upload "+id, out, "上传编号", id, "12b_progress_bad_rows.csv", "校验未通过", "错误清单（共 7 处）",
		"1. 12b_progress_bad_rows.csv 第3行", "7. 12b_progress_bad_rows.csv 第")
	if !regexp.MustCompile(`(?m)^数据类型 +进度填报$`).MatchString(out) {
		t.Errorf("saima uploads --id %s does not name the dataset 进度填报 as the pages do:\n%s", id, out)
	}
	if n := strings.Count(out, "12b_progress_bad_rows.csv 第"); n != 7 {
		t.Errorf("saima uploads --id %s lists %d errors, want 7:\n%s", id, n, out)
	}

	code, _, errOut := e.run("uploads", "--id", "no-such-upload")
	if code != 1 || !strings.Contains(errOut, "no-such-upload") {
		t.Errorf("saima uploads --id no-such-upload exited %d with %q, want 1 and the ID", code, errOut)
	}
	if code, _, _ := e.run("uploads", "--id", id, "--outcome", "rejected"); code != 2 {
		t.Errorf("saima uploads --id with --outcome exited %d, want 2", code)
	}
}

// TestUploadsShowsWarningList prints the warnings of a rejected upload
// and of an imported one again by their IDs, with the count of those
// beyond the list.
func TestUploadsShowsWarningList(t *testing.T) {
	e := newTestEnv(t)
	importRoster(t, e)
	var b strings.Builder
	b.WriteString("单位,项目编号,填报期间,完成率\n")
	for i := range 120 {
		fmt.Fprintf(&b, "宁波市海曙区,NB-%d,2026Q3,/\n", i)
	}
	dir := t.TempDir()
	bad, good := filepath.Join(dir, "bad.csv"), filepath.Join(dir, "good.csv")
	if err := os.WriteFile(bad, []byte(b.String()+"宁波市海曙区,NB-X,2026Q3,150%\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(good, []byte("单位,项目编号,填报期间,完成率\n宁波市海曙区,NB-1,2026Q3,/\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	if code, _, _ := e.run("import", bad); code != 1 {
		t.Fatalf("import of bad.csv exited %d, want 1", code)
	}
	e.mustRun("import", good)

	for _, tt := range []struct {
		name, outcome string
		want          []string
	}{
		{"Rejected", "rejected", []string{"警告清单（共 120 处）", "1. bad.csv 第2行“完成率”列的值“/”表示未填报",
			"100. bad.csv 第101行", "另有 20 处警告未列出（每次上传最多列出 100 处）"}},
		{"Imported", "ok", []string{"警告清单（共 1 处）", "1. good.csv 第2行“完成率”列的值“/”表示未填报"}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			lines := strings.Split(strings.TrimSpace(e.mustRun("uploads", "--outcome", tt.outcome)), "\n")
			if len(lines) < 2 {
				t.Fatalf("saima uploads --outcome %s printed no upload", tt.outcome)
			}
			id := strings.Fields(lines[1])[2]
			assertContains(t, "upload "+id, e.mustRun("uploads", "--id", id), tt.want...)
		})
	}
}

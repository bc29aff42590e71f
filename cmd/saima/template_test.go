package main

import (
	"path/filepath"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"
)

// TestTemplateCommand writes the progress template once the roster is
// loaded and imports it back: as written it holds only the example, which
// is left out, and with row 2 edited it imports without errors.
func TestTemplateCommand(t *testing.T) {
	dir := casesDir(t)
	e := newTestEnv(t)
	e.mustRun("import", filepath.Join(dir, "00_roster.csv"))

	out := filepath.Join(t.TempDir(), "进度填报模板.xlsx")
	if stdout := e.mustRun("template", "-o", out, "进度填报"); !strings.Contains(stdout, out) {
		t.Errorf("template printed %q, want the file it wrote", stdout)
	}
	assertOutputMode(t, out)
	code, stdout, stderr := e.run("import", out)
	if code != 1 || !strings.Contains(stderr, "第1行之后只有下载模板中的示例行（第2行，内容没有改动）") {
		t.Errorf("import of the template as written = %d, %q, %q, want it rejected for holding only the example", code, stdout, stderr)
	}

	// A clerk types a project code of their own over the example's but
	// leaves the mark: the row imports, with a warning about the mark.
	f, err := excelize.OpenFile(out)
	if err != nil {
		t.Fatal(err)
	}
	if err := f.SetCellStr("进度填报", "B2", "NB-2026-901"); err != nil {
		t.Fatal(err)
	}
	if err := f.Save(); err != nil {
		t.Fatal(err)
	}
	f.Close()
	code, stdout, stderr = e.run("import", out)
	if code != 0 || !strings.Contains(stdout, "已导入 1 条“进度填报”记录，1 个提示") ||
		!strings.Contains(stderr, "I2单元格仍留有示例行的标记") {
		t.Errorf("import of the edited template = %d, %q, %q, want one record and a warning about the mark in I2",
			code, stdout, stderr)
	}

	tests := []struct {
		args []string
		code int
		want string
	}{
		{[]string{"template"}, 2, "请写出一个数据类型"},
		{[]string{"template", "budgets"}, 1, "不支持的数据类型“budgets”"},
	}
	for _, tt := range tests {
		code, _, errOut := e.run(tt.args...)
		if code != tt.code || !strings.Contains(errOut, tt.want) {
			t.Errorf("saima %s = %d, %q, want %d with %q", strings.Join(tt.args, " "), code, errOut, tt.code, tt.want)
		}
	}
}

package main

import (
	"path/filepath"
	"strings"
	"testing"
)

// TestTemplateCommand writes the progress template once the roster is
// loaded and imports it back as it is: its example row must import
// without errors.
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
	if code != 0 || !strings.Contains(stdout, "已导入 1 条“进度填报”记录，0 个提示") {
		t.Errorf("import of the template = %d, %q, %q, want one record without warnings", code, stdout, stderr)
	}

	tests := []struct {
		args []string
		code int
		want string
	}{
		{[]string{"template"}, 2, "name one dataset"},
		{[]string{"template", "budgets"}, 1, "不支持的数据类型“budgets”"},
	}
	for _, tt := range tests {
		code, _, errOut := e.run(tt.args...)
		if code != tt.code || !strings.Contains(errOut, tt.want) {
			t.Errorf("saima %s = %d, %q, want %d with %q", strings.Join(tt.args, " "), code, errOut, tt.code, tt.want)
		}
	}
}

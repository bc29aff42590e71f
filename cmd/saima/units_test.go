package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// Every command that takes a unit accepts its roster name or an alias, as
// the web pages and /api/explain do. A name that is neither gets an error
// that the roster lacks it, instead of advice to publish again.
func TestCommandsTakeUnitAliases(t *testing.T) {
	e, dir := newEvaluationEnv(t)
	roster := filepath.Join(dir, "roster-aliases.csv")
	err := os.WriteFile(roster, []byte("序号,单位,单位类别,别名\n1,慈溪市,区县（市）,慈溪数改\n2,余姚市,区县（市）,\n"+
		"3,宁海县,区县（市）,\n4,市大数据局,市直部门,\n"), 0o600)
	if err != nil {
		t.Fatal(err)
	}
	e.mustRun("import", roster)
	e.mustRun("publish", "2026Q2", "--by", "张三")

	out := e.mustRun("explain", "2026Q2", "慈溪数改")
	assertContains(t, "explain by alias", out, "慈溪市 2026年第二季度", "66.0")

	out = e.mustRun("override", "2026Q2", "慈溪数改", "--value", "70", "--by", "张三", "--why", "复核")
	assertContains(t, "override by alias", out, "已记录调整", "慈溪市", "70.0")
	out = e.mustRun("override", "2026Q2", "慈溪数改", "--withdraw", "--by", "张三", "--why", "撤回")
	assertContains(t, "withdrawal by alias", out, "已撤销调整", "66.0")

	e.mustRun("import", "--unit", "慈溪市", filepath.Join(dir, "milestones-fix.csv"))
	out = e.mustRun("uploads", "--unit", "慈溪数改")
	assertContains(t, "uploads --unit by alias", out, "milestones-fix.csv")

	code, _, errOut := e.run("explain", "2026Q2", "慈溪乱写")
	if code != 1 || strings.Contains(errOut, "重新发布") || !strings.Contains(errOut, "单位名单中也没有") {
		t.Errorf("explain of a name off the roster exited %d with %q, want 1 and that the roster lacks it", code, errOut)
	}
}

package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// importFileText writes text as the file name in dir, imports it and
// returns what the import printed, stdout and then stderr.
func importFileText(t *testing.T, e *testEnv, dir, name, text string) string {
	t.Helper()
	path := filepath.Join(dir, name)
	if err := os.WriteFile(path, []byte(text), 0o600); err != nil {
		t.Fatal(err)
	}
	code, out, errOut := e.run("import", path)
	if code != 0 {
		t.Fatalf("saima import %s exited %d\n%s%s", name, code, out, errOut)
	}
	return out + errOut
}

func TestScoreMatchesHalfWidthTrack(t *testing.T) {
	e, dir := newEvaluationEnv(t)
	out := importFileText(t, e, dir, "roster-typo.csv", "单位,单位类别,赛道\n宁波市江北区,区县（市）,区县(市)\n")
	assertContains(t, "import of 区县(市)", out, "0 个提示")

	out = e.mustRun("score", "2026Q2")
	assertContains(t, "score", out, "宁波市江北区")
	out = e.mustRun("publish", "2026Q2", "--by", "改革办")
	assertContains(t, "publish", out, "宁波市江北区")
}

func TestUnknownTrackWarnedAndRejected(t *testing.T) {
	e, dir := newEvaluationEnv(t)
	out := importFileText(t, e, dir, "roster-new.csv", "单位,单位类别,赛道\n宁波前湾新区,其他,功能区\n")
	assertContains(t, "import of 功能区", out, "1 个提示", "第2行", "“功能区”", "测试规则", "区县（市）、市直部门")

	for _, args := range [][]string{{"score", "2026Q2"}, {"publish", "2026Q2", "--by", "改革办"}} {
		code, stdout, errOut := e.run(args...)
		if code != 1 {
			t.Errorf("saima %s exited %d, want 1\n%s%s", strings.Join(args, " "), code, stdout, errOut)
		}
		assertContains(t, "saima "+args[0], errOut, "宁波前湾新区", "“功能区”", "区县（市）、市直部门")
	}
	code, _, errOut := e.run("explain", "2026Q2", "宁波前湾新区")
	if code != 1 || strings.Contains(errOut, "新版本会包含它") {
		t.Errorf("explain of an unscored unit exited %d with %q; want 1 without promising a new version", code, errOut)
	}
}

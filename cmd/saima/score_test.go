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

func TestScoreRejectsFutureOrEmptyPeriod(t *testing.T) {
	e, _ := newEvaluationEnv(t)
	tests := []struct {
		args []string
		want []string
	}{
		{[]string{"score", "2030Q1"}, []string{"2030年第一季度从 2030-01-01 才开始", "期间是否写错"}},
		{[]string{"publish", "2030Q1", "--by", "改革办"}, []string{"2030年第一季度从 2030-01-01 才开始"}},
		{[]string{"score", "--dry-run", "2030Q1"}, []string{"2030年第一季度从 2030-01-01 才开始"}},
		{[]string{"score", "2026Q1"}, []string{"2026年第一季度没有任何单位有可计分的数据", "请先导入"}},
		{[]string{"publish", "2026Q1", "--by", "改革办"}, []string{"2026年第一季度没有任何单位有可计分的数据"}},
	}
	for _, tt := range tests {
		code, out, errOut := e.run(tt.args...)
		if code != 1 {
			t.Errorf("saima %s exited %d, want 1\n%s%s", strings.Join(tt.args, " "), code, out, errOut)
		}
		assertContains(t, "saima "+strings.Join(tt.args, " "), errOut, tt.want...)
	}
	out := e.mustRun("score", "2026Q2")
	assertContains(t, "score 2026Q2", out, "2026年第二季度（草稿，未发布）")
	if strings.Contains(out, "2030") || strings.Contains(out, "2026年第一季度") {
		t.Errorf("score 2026Q2 shows a rejected period:\n%s", out)
	}
}

func TestCommandMessagesInChinese(t *testing.T) {
	e, dir := newEvaluationEnv(t)
	e.mustRun("publish", "2026Q2", "--by", "张三")
	broken := filepath.Join(dir, "broken.yaml")
	if err := os.WriteFile(broken, []byte("name: 测试\ntracks: [区县（市）, 市直部门\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		args []string
		code int
		want []string
	}{
		{[]string{"score", "2026"}, 2, []string{"“2026”是年度", "2026Q3", "saima report --annual 2026 生成年度考评报告"}},
		{[]string{"publish", "2026-05", "--by", "张三"}, 2, []string{"“2026-05”是月份", "2026Q2"}},
		{[]string{"score", "2026Q5"}, 2, []string{"“2026Q5”不是考评期间", "2026Q3"}},
		{[]string{"override", "2026Q2", "宁海县", "--by", "王五", "--why", "复核"}, 2, []string{"缺少 --value", "--value 85.5"}},
		{[]string{"override", "2026Q2", "宁海县", "--value", "八十", "--by", "王五", "--why", "复核"}, 2, []string{"“八十”不是数字"}},
		{[]string{"diff", "2026Q2", "1", "two"}, 2, []string{"“two”不是版本", "draft"}},
		{[]string{"diff", "2026Q2", "1", "draft"}, 1, []string{"2026年第二季度没有草稿", "saima score 2026Q2"}},
		{[]string{"whatif", "2026Q2", broken}, 1, []string{"要比较的规则集文件", broken, "1 处错误",
			"第 2 行第 9 列 YAML 格式错误", "缺少右方括号", "did not find expected"}},
		{[]string{"whatif", "2026Q2", filepath.Join(dir, "none.yaml")}, 1, []string{"无法读取要比较的规则集文件",
			filepath.Join(dir, "none.yaml")}},
	}
	for _, tt := range tests {
		code, out, errOut := e.run(tt.args...)
		if code != tt.code {
			t.Errorf("saima %s exited %d, want %d\n%s%s", strings.Join(tt.args, " "), code, tt.code, out, errOut)
		}
		assertContains(t, "saima "+strings.Join(tt.args, " "), errOut, tt.want...)
		if strings.Contains(errOut, "usage:") || strings.Contains(errOut, "load rule set") {
			t.Errorf("saima %s printed an English message:\n%s", strings.Join(tt.args, " "), errOut)
		}
	}
}

func TestDiffDraftAgainstPublished(t *testing.T) {
	e, dir := newEvaluationEnv(t)
	e.mustRun("publish", "2026Q2", "--by", "张三")
	e.mustRun("import", filepath.Join(dir, "milestones-fix.csv"))
	e.mustRun("score", "2026Q2")
	for _, draft := range []string{"draft", "0", "草稿"} {
		out := e.mustRun("diff", "2026Q2", "1", draft)
		assertContains(t, "diff 1 "+draft, out, "v1 → 草稿", "慈溪市", "3→1", "66.0→96.0", "共 3 个单位有变化")
	}
}

func TestMissingRulesFileNamesFlag(t *testing.T) {
	e, _ := newEvaluationEnv(t)
	e.env["SAIMA_RULES"] = filepath.Join("rulesets", "no-such.yaml")
	wd, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	for _, args := range [][]string{{"score", "2026Q2"}, {"publish", "2026Q2", "--by", "张三"}} {
		code, out, errOut := e.run(args...)
		if code != 1 {
			t.Errorf("saima %s without the rule-set file exited %d, want 1\n%s%s", args[0], code, out, errOut)
		}
		assertContains(t, "saima "+args[0], errOut, "无法读取由 --rules 配置的规则集文件 rulesets/no-such.yaml",
			"按当前目录查找，即 "+filepath.Join(wd, "rulesets", "no-such.yaml"), "请用 --rules（或环境变量 SAIMA_RULES）")
		if strings.Contains(errOut, "load rule set") {
			t.Errorf("saima %s printed an English message:\n%s", args[0], errOut)
		}
	}
}

// TestScoreListsUnranked leaves 宁波前湾新区 out of 2026Q2: the dry run,
// the draft and the publication print it with its reason. Once the roster
// ranks it again, a new draft prints no such list, and explain of the
// published 2026Q2 still gives the reason that its run read.
func TestScoreListsUnranked(t *testing.T) {
	e, dir := newEvaluationEnv(t)
	importFileText(t, e, dir, "roster-out.csv",
		"单位,单位类别,赛道,不参与排名原因\n宁波前湾新区,其他,不参与排名,新设功能区，2027年起参评\n")
	row := "宁波前湾新区  其他      新设功能区，2027年起参评"
	for _, args := range [][]string{{"score", "--dry-run", "2026Q2"}, {"score", "2026Q2"},
		{"publish", "2026Q2", "--by", "改革办"}} {
		out := e.mustRun(args...)
		assertContains(t, "saima "+strings.Join(args, " "), out, "不参与排名的单位\n", row)
		if strings.Contains(out, "当前单位名单") {
			t.Errorf("saima %s calls the run's list the current roster's:\n%s", strings.Join(args, " "), out)
		}
	}

	importFileText(t, e, dir, "roster-in.csv", "单位,单位类别,赛道\n宁波前湾新区,其他,区县（市）\n")
	// A unit without any data would be left out for that, so it gets some.
	importFileText(t, e, dir, "zone-assessment.csv",
		"被考评单位,指标,得分,满分,考评方式,考评期间\n宁波前湾新区,应用成效,80,100,线上日常,2026Q2\n")
	if out := e.mustRun("score", "2026Q2"); strings.Contains(out, "不参与排名") {
		t.Errorf("score after the roster ranks 宁波前湾新区 again lists units not ranked:\n%s", out)
	}
	code, _, errOut := e.run("explain", "2026Q2", "宁波前湾新区")
	if code != 1 {
		t.Errorf("explain of 宁波前湾新区 in the published 2026Q2 exited %d, want 1", code)
	}
	assertContains(t, "explain of 宁波前湾新区", errOut, "原因：新设功能区，2027年起参评", "现已把它的赛道改为“区县（市）”")
}

// TestPeriodOutsideLedgerYears gives every command that reads a period or
// a year one outside 2000–2099: each rejects it as a usage error whose
// message names the value and the allowed years.
func TestPeriodOutsideLedgerYears(t *testing.T) {
	e, _ := newEvaluationEnv(t)
	pdf := filepath.Join(t.TempDir(), "out.pdf")
	for _, tt := range []struct {
		value string
		args  []string
	}{
		{"0001Q1", []string{"score", "0001Q1"}},
		{"2100Q1", []string{"score", "--dry-run", "2100Q1"}},
		{"1999Q4", []string{"publish", "1999Q4", "--by", "改革办"}},
		{"0001Q1", []string{"report", "-o", pdf, "0001Q1"}},
		{"9999", []string{"report", "--annual", "-o", pdf, "9999"}},
		{"1999", []string{"report", "--annual", "-o", pdf, "1999"}},
		{"0001Q1", []string{"explain", "0001Q1", "宁海县"}},
		{"0001Q1", []string{"diff", "0001Q1", "1", "2"}},
		{"0001Q1", []string{"whatif", "0001Q1", "rules.yaml"}},
		{"0001Q1", []string{"override", "0001Q1", "宁海县", "--value", "80", "--by", "王五", "--why", "复核"}},
		{"0001Q1", []string{"assessments", "0001Q1"}},
		{"2100", []string{"assessments", "2100"}},
	} {
		code, out, errOut := e.run(tt.args...)
		if code != 2 {
			t.Errorf("saima %s exited %d, want 2\n%s%s", strings.Join(tt.args, " "), code, out, errOut)
		}
		assertContains(t, "saima "+strings.Join(tt.args, " "), errOut, "2000年至2099年", "“"+tt.value+"”")
	}
}

// TestPeriodChineseNumeralMonths reads a month and a quarter written in
// Chinese numerals, and rejects 十三月 and 零月 with the allowed months.
func TestPeriodChineseNumeralMonths(t *testing.T) {
	e, _ := newEvaluationEnv(t)
	out := e.mustRun("score", "2026年二季度")
	assertContains(t, "score 2026年二季度", out, "2026年第二季度")

	for _, tt := range []struct {
		args []string
		want []string
	}{
		{[]string{"publish", "2026年五月", "--by", "改革办"}, []string{"“2026年五月”是月份", "2026Q2"}},
		{[]string{"assessments", "2026年十三月"}, []string{"“2026年十三月”不是真实存在的月份", "1至12月"}},
		{[]string{"score", "2026年零月"}, []string{"“2026年零月”不是真实存在的月份", "1至12月"}},
	} {
		code, out, errOut := e.run(tt.args...)
		if code != 2 {
			t.Errorf("saima %s exited %d, want 2\n%s%s", strings.Join(tt.args, " "), code, out, errOut)
		}
		assertContains(t, "saima "+strings.Join(tt.args, " "), errOut, tt.want...)
	}
}

// Progress alone cannot be scored against the plan, which the project
// ledger's 开始日期 and 计划完成日期 give. The message names the ledger.
func TestScoreProgressWithoutLedger(t *testing.T) {
	forEachEngine(t, func(t *testing.T, e *testEnv) {
		dir := casesDir(t)
		e.mustRun("import", filepath.Join(dir, "00_roster.csv"), filepath.Join(dir, "04_progress_mixed_dates.csv"))
		code, out, errOut := e.run("score", "2026Q3")
		if code != 1 {
			t.Fatalf("score exited %d, want 1\n%s%s", code, out, errOut)
		}
		assertContains(t, "score with progress but no ledger", errOut,
			"2026年第三季度没有任何单位有可计分的数据", "已导入10个项目的进度填报", "项目台账", "开始日期", "计划完成日期")
	})
}

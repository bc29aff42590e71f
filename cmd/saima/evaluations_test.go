package main

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"saima"
)

// evaluationRules weighs the on-time rate 60 and the assessment mean 40,
// both taken as they are, so the composites below are worked out by hand.
var evaluationRules = readEvaluationRules()

func readEvaluationRules() string {
	data, err := os.ReadFile("../../scoring/testdata/rules-60-40.yaml")
	if err != nil {
		panic(err)
	}
	return string(data)
}

// evaluationFiles are the CSV files of a small 2026Q2 ledger. Under
// evaluationRules 余姚市 scores 0.6×100 + 0.4×60 = 84, 宁海县 60 + 20 =
// 80 and 慈溪市 0.6×50 + 0.4×90 = 66. The fix makes 慈溪市's second
// milestone on time: 60 + 36 = 96.
var evaluationFiles = map[string]string{
	"roster.csv":   "序号,单位,单位类别\n1,慈溪市,区县（市）\n2,余姚市,区县（市）\n3,宁海县,区县（市）\n4,市大数据局,市直部门\n",
	"projects.csv": "项目编号,项目名称,责任单位\nP1,甲,慈溪市\nP2,乙,余姚市\nP3,丙,宁海县\nP4,丁,市大数据局\n",
	"milestones.csv": "项目编号,里程碑,计划完成日期,实际完成日期\n" +
		"P1,m1,2026-05-31,2026-05-30\nP1,m2,2026-06-30,2026-07-05\nP2,m1,2026-06-30,2026-06-30\n" +
		"P3,m1,2026-04-30,2026-04-01\nP3,m2,2026-06-01,2026-06-01\nP4,m1,2026-06-15,2026-06-10\n",
	"assessments.csv": "被考评单位,指标,得分,考评方式,考评期间\n" +
		"慈溪市,应用成效,90,线上日常,2026Q2\n余姚市,应用成效,60,线上日常,2026Q2\n宁海县,应用成效,50,线上日常,2026Q2\n",
	"milestones-fix.csv": "项目编号,里程碑,计划完成日期,实际完成日期\nP1,m2,2026-06-30,2026-06-28\n",
	"rules.yaml":         evaluationRules,
	"swapped.yaml": strings.NewReplacer("weight: 60", "weight: 40", "weight: 40", "weight: 60").
		Replace(evaluationRules),
}

// newEvaluationEnv writes evaluationFiles to a folder, points the rule set
// at rules.yaml and imports everything but the fix. It returns the folder.
func newEvaluationEnv(t *testing.T) (*testEnv, string) {
	t.Helper()
	dir := t.TempDir()
	for name, body := range evaluationFiles {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(body), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	e := newTestEnv(t)
	e.env["SAIMA_RULES"] = filepath.Join(dir, "rules.yaml")
	for _, name := range []string{"roster.csv", "projects.csv", "milestones.csv", "assessments.csv"} {
		e.mustRun("import", filepath.Join(dir, name))
	}
	return e, dir
}

func assertContains(t *testing.T, what, out string, wants ...string) {
	t.Helper()
	for _, w := range wants {
		if !strings.Contains(out, w) {
			t.Errorf("%s lacks %q:\n%s", what, w, out)
		}
	}
}

func TestPublishDiffExplain(t *testing.T) {
	e, dir := newEvaluationEnv(t)

	out := e.mustRun("publish", "2026Q2", "--by", "张三", "--note", "首次发布")
	assertContains(t, "publish v1", out, "已发布 v1", "张三", "首次发布", "余姚市", "84.0", "慈溪市", "66.0", "名次区间")

	e.mustRun("import", filepath.Join(dir, "milestones-fix.csv"))
	out = e.mustRun("explain", "2026Q2", "慈溪市")
	assertContains(t, "explain before republishing", out, "已发布 v1", "66.0", "milestones.csv",
		"综合得分 66.0 是贡献合计 66.0000 四舍五入到一位小数的结果")
	if strings.Contains(out, "milestones-fix.csv") {
		t.Errorf("explain of v1 shows the later correction:\n%s", out)
	}

	out = e.mustRun("publish", "--by", "李四", "2026Q2")
	assertContains(t, "publish v2", out, "已发布 v2", "李四", "96.0")

	out = e.mustRun("diff", "2026Q2", "1", "v2")
	assertContains(t, "diff", out, "v1 → v2", "慈溪市", "3→1", "66.0→96.0", "里程碑按期完成率",
		"原始值 50→100", "贡献 30.00→60.00", "余姚市", "1→2", "共 3 个单位有变化，1 个单位不变")
	if strings.Contains(out, "市大数据局") {
		t.Errorf("diff lists the unchanged 市大数据局:\n%s", out)
	}

	out = e.mustRun("explain", "2026Q2", "慈溪市")
	fixID := uploadIDOf(t, e, "milestones-fix.csv")
	assertContains(t, "explain after republishing", out, "已发布 v2", "96.0", "里程碑按期完成率",
		"里程碑（milestone_ontime_rate）", fixID, "milestones-fix.csv", "2026-06-28", "应用成效", "90%")
	// A kind of evidence the unit has none of gets a line of its own,
	// not a table header with no rows.
	assertContains(t, "explain without progress reports", out, "进度填报：本期没有计入的进度填报")
	if strings.Contains(out, "进度填报\t") || strings.Contains(out, "进度填报  ") {
		t.Errorf("explain shows the progress table's header with no rows:\n%s", out)
	}
}

// uploadIDOf returns the ID of the successful upload of fileName.
func uploadIDOf(t *testing.T, e *testEnv, fileName string) string {
	t.Helper()
	a := &app{getenv: func(k string) string { return e.env[k] }}
	a.cfg = testConfig(e)
	a.log = a.cfg.logger(os.Stderr)
	st, err := a.openStore(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	defer a.close()
	ups, err := st.ListUploads(context.Background(), saima.UploadFilter{Limit: 100})
	if err != nil {
		t.Fatal(err)
	}
	for _, u := range ups {
		if u.FileName == fileName && u.Outcome == "ok" {
			return u.ID
		}
	}
	t.Fatalf("no successful upload of %s", fileName)
	return ""
}

// TestPublishWarnsOfNewRules republishes 2026Q2 under swapped weights.
// The web form and API say so; the command must too, because the new
// version's ranks then move for the rules and not only for the data.
func TestPublishWarnsOfNewRules(t *testing.T) {
	e, dir := newEvaluationEnv(t)
	e.mustRun("publish", "2026Q2", "--by", "张三")
	swapped := filepath.Join(dir, "swapped.yaml")

	code, out, errOut := e.run("publish", "2026Q2", "--by", "李四", "--rules", swapped)
	if code != 0 {
		t.Fatalf("publish v2 exited %d: %s", code, errOut)
	}
	assertContains(t, "publish v2", out, "已发布 v2")
	assertContains(t, "publish v2 warnings", errOut, "与已发布 v1 的规则集", "saima diff 2026Q2 1 2")

	code, _, errOut = e.run("publish", "2026Q2", "--by", "李四", "--rules", swapped)
	if code != 0 {
		t.Fatalf("publish v3 exited %d: %s", code, errOut)
	}
	if strings.Contains(errOut, "规则集") {
		t.Errorf("publish v3 under the rules of v2 warns:\n%s", errOut)
	}
}

func TestDiffUnknownVersion(t *testing.T) {
	e, _ := newEvaluationEnv(t)
	e.mustRun("publish", "2026Q2", "--by", "张三")
	code, _, errOut := e.run("diff", "2026Q2", "1", "2")
	if code != 1 || !strings.Contains(errOut, "第 2 版") {
		t.Errorf("diff with an unpublished version exited %d with %q; want 1 naming 第 2 版", code, errOut)
	}
	if code, _, _ := e.run("diff", "2026Q2", "1", "two"); code != 2 {
		t.Errorf("diff with a version that is not a number exited %d, want 2", code)
	}
}

func TestOverrideShownInExplainAndDiff(t *testing.T) {
	e, _ := newEvaluationEnv(t)
	e.mustRun("publish", "2026Q2", "--by", "张三")
	e.mustRun("publish", "2026Q2", "--by", "张三", "--note", "无数据变化")
	out := e.mustRun("override", "2026Q2", "宁海县", "--value", "85", "--by", "王五", "--why", "市里决定")
	assertContains(t, "override", out, "已记录调整", "宁海县 综合得分 调为 85", "王五", "市里决定", "第 1 名", "计算值 80.0")

	out = e.mustRun("explain", "2026Q2", "宁海县")
	assertContains(t, "explain", out, "调整：宁海县 综合得分 调为 85", "计算得分 80.0，第 2 名；名次区间按计算结果统计，不含人工调整")
	if strings.Contains(out, "贡献合计") {
		t.Errorf("explain of an overridden composite adds the contributions up to it:\n%s", out)
	}

	// The override came after v2, so v1 still reads without it.
	out = e.mustRun("diff", "2026Q2", "1", "2")
	assertContains(t, "diff", out, "宁海县", "2→1", "80.0→85.0", "新版调整：宁海县 综合得分 调为 85")
	if strings.Contains(out, "旧版调整") {
		t.Errorf("diff shows an override on v1:\n%s", out)
	}
	if code, _, errOut := e.run("override", "2026Q2", "宁海县", "--value", "85", "--by", "王五"); code != 1 ||
		!strings.Contains(errOut, "理由") {
		t.Errorf("override without --why exited %d with %q; want 1 naming 理由", code, errOut)
	}
	code, _, errOut := e.run("override", "2026Q2", "宁海县", "--value", "855", "--by", "王五", "--why", "复核")
	if code != 1 || !strings.Contains(errOut, "综合得分须在 0 到 100.00 之间") {
		t.Errorf("override of a composite to 855 exited %d with %q; want 1 with the range 0 到 100.00", code, errOut)
	}
}

// TestOverrideWithdraw withdraws a composite override: the computed score
// and rank come back, the history keeps both rows, and a second
// withdrawal, or one with --value, is refused.
func TestOverrideWithdraw(t *testing.T) {
	e, _ := newEvaluationEnv(t)
	e.mustRun("publish", "2026Q2", "--by", "张三")
	e.mustRun("override", "2026Q2", "宁海县", "--value", "85", "--by", "王五", "--why", "市里决定")

	code, _, errOut := e.run("override", "2026Q2", "宁海县", "--withdraw", "--by", "王五")
	if code != 1 || !strings.Contains(errOut, "撤销理由") {
		t.Errorf("withdraw without --why exited %d with %q; want 1 naming 撤销理由", code, errOut)
	}
	if code, _, errOut := e.run("override", "2026Q2", "宁海县", "--withdraw", "--value", "80", "--by", "王五",
		"--why", "录错"); code != 2 || !strings.Contains(errOut, "--value") {
		t.Errorf("withdraw with --value exited %d with %q; want 2 naming --value", code, errOut)
	}
	out := e.mustRun("override", "2026Q2", "宁海县", "--withdraw", "--by", "赵六", "--why", "调整录错了单位")
	assertContains(t, "withdraw", out, "已撤销调整：宁海县 综合得分 调为 85", "撤销人：赵六", "理由：调整录错了单位",
		"第 2 名，综合得分 80.0（计算值 80.0）")

	out = e.mustRun("explain", "2026Q2", "宁海县")
	if strings.Contains(out, "调整：") {
		t.Errorf("explain after the withdrawal still shows the override:\n%s", out)
	}
	code, _, errOut = e.run("override", "2026Q2", "宁海县", "--withdraw", "--by", "赵六", "--why", "再撤一次")
	if code != 1 || !strings.Contains(errOut, "没有生效的人工调整。该单位本期没有任何生效的人工调整") {
		t.Errorf("second withdrawal exited %d with %q; want 1 with 没有生效的人工调整", code, errOut)
	}
	// With an indicator override alone in effect, withdrawing the
	// composite names the indicator and the option that withdraws it.
	e.mustRun("override", "2026Q2", "宁海县", "--indicator", "assessment_mean", "--value", "60", "--by", "王五", "--why", "复核")
	code, _, errOut = e.run("override", "2026Q2", "宁海县", "--withdraw", "--by", "赵六", "--why", "撤综合")
	if want := "该单位本期生效的调整有：指标 assessment_mean 得分（--indicator assessment_mean）"; code != 1 ||
		!strings.Contains(errOut, want) {
		t.Errorf("withdrawing the composite beside an indicator override exited %d with %q; want 1 with %q", code, errOut, want)
	}
	e.mustRun("override", "2026Q2", "宁海县", "--indicator", "assessment_mean", "--withdraw", "--by", "赵六", "--why", "复核有误")

	// An override after the withdrawal applies again.
	out = e.mustRun("override", "2026Q2", "宁海县", "--value", "86", "--by", "王五", "--why", "复核后调整")
	assertContains(t, "override again", out, "第 1 名，综合得分 86.0（计算值 80.0）")
}

func TestWhatIfAndDryRun(t *testing.T) {
	e, dir := newEvaluationEnv(t)
	out := e.mustRun("whatif", "2026Q2", filepath.Join(dir, "swapped.yaml"))
	// Under 40/60 慈溪市 scores 20 + 54 = 74 and passes 宁海县 (40 + 30 = 70).
	assertContains(t, "whatif", out, "慈溪市", "↑1", "74.0", "宁海县", "↓1", "70.0")

	out = e.mustRun("score", "--dry-run", "2026Q2")
	assertContains(t, "score --dry-run", out, "试算，未保存", "余姚市", "84.0")
	code, _, errOut := e.run("explain", "2026Q2", "余姚市")
	if code != 1 || !strings.Contains(errOut, "暂无考评结果") {
		t.Errorf("explain after a dry run exited %d with %q; want 1 and 暂无考评结果", code, errOut)
	}

	out = e.mustRun("score", "2026Q2")
	assertContains(t, "score", out, "草稿，未发布")
	out = e.mustRun("explain", "2026Q2", "余姚市")
	assertContains(t, "explain of the draft", out, "未发布", "84.0")
}

func TestRulesValidate(t *testing.T) {
	e := newTestEnv(t)
	dir := t.TempDir()
	broken := `name: ""
tracks:
  - name: 区县（市）
  - name: 区县（市）
indicators:
  - id: Ontime
    name: 按期率
    source: no_such_source
    weight: -5
    direction: sideways
`
	path := filepath.Join(dir, "broken.yaml")
	if err := os.WriteFile(path, []byte(broken), 0o600); err != nil {
		t.Fatal(err)
	}
	code, out, errOut := e.run("rules", "validate", path)
	if code != 1 {
		t.Fatalf("rules validate of a broken file exited %d, want 1\n%s%s", code, out, errOut)
	}
	wants := []string{"第 1 行 name", "tracks[1].name", "indicators[0].id", "indicators[0].source",
		"indicators[0].weight", "indicators[0].direction", "indicators[0].normalise", "第 5 行 indicators："}
	assertContains(t, "rules validate", out, wants...)
	if n := strings.Count(out, "broken.yaml："); n != len(wants) {
		t.Errorf("rules validate printed %d problems, want %d:\n%s", n, len(wants), out)
	}
	assertContains(t, "rules validate stderr", errOut, "8 处错误")

	out = e.mustRun("rules", "validate", filepath.Join(filepath.Dir(e.env["SAIMA_RULES"]), "2026.yaml"))
	assertContains(t, "rules validate of 2026.yaml", out, "有效", "3 个赛道、3 个指标")
	if strings.Contains(out, "提示") {
		t.Errorf("rules validate of 2026.yaml, whose weights add up to 100, prints a note:\n%s", out)
	}
	short, err := os.ReadFile(filepath.Join(filepath.Dir(e.env["SAIMA_RULES"]), "2026.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	short = []byte(strings.Replace(string(short), "weight: 30", "weight: 20", 1))
	path = filepath.Join(dir, "short.yaml")
	if err := os.WriteFile(path, short, 0o600); err != nil {
		t.Fatal(err)
	}
	out = e.mustRun("rules", "validate", path)
	assertContains(t, "rules validate of weights 40/20/30", out, "有效",
		"提示：根节点下各项的权重之和为 90，不是 100，各项按权重占比计入：里程碑按期完成率 44.4%、计划进度达成率 22.2%、考评平均得分率 33.3%")

	// The full example reads built-in sources only, so the ledger can score it.
	out = e.mustRun("rules", "validate", "../../rulesets/example-full.yaml")
	assertContains(t, "rules validate of example-full.yaml", out, "有效", "3 个赛道、4 个指标")

	// A rule set that reads a declared input cannot score the ledger.
	inputs := strings.Replace(string(short), "rank_places: 1",
		"rank_places: 1\ninputs: [安全事故]\nvetoes:\n  - {id: safety, name: 安全一票否决, source: 安全事故, action: fail}", 1)
	inputsPath := filepath.Join(dir, "inputs.yaml")
	if err := os.WriteFile(inputsPath, []byte(inputs), 0o600); err != nil {
		t.Fatal(err)
	}
	code, out, errOut = e.run("rules", "validate", inputsPath)
	if code != 1 {
		t.Errorf("rules validate of a rule set with inputs exited %d, want 1\n%s%s", code, out, errOut)
	}
	assertContains(t, "rules validate of a rule set with inputs", out, "格式有效，但不能用于台账评分",
		"台账不提供", "vetoes[0] 否决 safety")
	if code, _, _ := e.run("rules", "check", path); code != 2 {
		t.Errorf("rules check exited %d, want 2", code)
	}
}

func TestEvaluationCommandsHelp(t *testing.T) {
	e := newTestEnv(t)
	for _, cmd := range []string{"publish", "diff", "explain", "override", "whatif", "rules"} {
		code, out, errOut := e.run(cmd, "-h")
		if code != 0 || !strings.Contains(out+errOut, "用法：saima "+cmd) {
			t.Errorf("saima %s -h exited %d and printed:\n%s%s", cmd, code, out, errOut)
		}
	}
	_, out, _ := e.run("help")
	assertContains(t, "saima help", out, "publish PERIOD", "diff PERIOD A B", "explain PERIOD UNIT", "override PERIOD UNIT",
		"whatif PERIOD FILE", "rules validate FILE")
}

// TestDiffShowsUnranked publishes 2026Q2 with 宁海县 ranked, then with the
// roster leaving it out: the diff of the two versions, either way round,
// shows 宁海县 as 不参与排名 in the version that left it out, with the
// reason that the run stored.
func TestDiffShowsUnranked(t *testing.T) {
	e, dir := newEvaluationEnv(t)
	e.mustRun("publish", "2026Q2", "--by", "张三")
	importFileText(t, e, dir, "roster-out.csv",
		"单位,单位类别,赛道,不参与排名原因\n宁海县,区县（市）,不参与排名,撤县设区过渡期\n")
	e.mustRun("publish", "2026Q2", "--by", "张三")

	for _, tt := range []struct {
		from, to string
		want     []string
	}{
		{"1", "2", []string{"2→不参与排名", "宁海县：v2 不参与排名，原因：撤县设区过渡期（单位类别：区县（市））"}},
		{"2", "1", []string{"不参与排名→2", "宁海县：v2 不参与排名，原因：撤县设区过渡期（单位类别：区县（市））"}},
	} {
		out := e.mustRun("diff", "2026Q2", tt.from, tt.to)
		assertContains(t, "diff 2026Q2 "+tt.from+" "+tt.to, out, tt.want...)
	}
}

// A rule-set file that does not exist gets a message with the path and
// the fix, not the operating system's English error.
func TestRulesValidateMissingFile(t *testing.T) {
	e := newTestEnv(t)
	path := filepath.Join(t.TempDir(), "2027.yaml")
	code, _, errOut := e.run("rules", "validate", path)
	if code != 1 {
		t.Errorf("rules validate of a missing file exited %d, want 1", code)
	}
	assertContains(t, "rules validate of a missing file", errOut, path+"：文件不存在，请检查路径和文件名")
	if strings.Contains(errOut, "no such file") {
		t.Errorf("rules validate of a missing file printed the English system error:\n%s", errOut)
	}
}

// TestPublishNeedsAuthor checks that publish without --by stops as a
// usage error that names the option, before it opens the data folder.
func TestPublishNeedsAuthor(t *testing.T) {
	e := newTestEnv(t)
	code, stdout, stderr := e.run("publish", "2026Q2")
	if code != 2 {
		t.Errorf("publish 2026Q2 without --by: exit code = %d, want 2", code)
	}
	if stdout != "" {
		t.Errorf("publish 2026Q2 without --by printed %q, want nothing", stdout)
	}
	assertContains(t, "publish without --by", stderr, "--by", "saima publish --by 改革办 2026Q2")
}

// TestWhatifCauseLinesIndented checks that every problem of a rule-set
// file that whatif lists under 原因 is indented under it, so that the
// second problem does not start a line as if it were a message of its own.
func TestWhatifCauseLinesIndented(t *testing.T) {
	e, dir := newEvaluationEnv(t)
	rules := filepath.Join(dir, "two-problems.yaml")
	if err := os.WriteFile(rules, []byte("name: x\ntracks: []\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	code, _, stderr := e.run("whatif", "2026Q2", rules)
	if code != 1 {
		t.Errorf("whatif with an invalid rule set: exit code = %d, want 1", code)
	}
	lines := strings.Split(strings.TrimRight(stderr, "\n"), "\n")
	if len(lines) < 3 {
		t.Fatalf("whatif with two problems printed %d lines, want the message and a line per problem:\n%s",
			len(lines), stderr)
	}
	for _, line := range lines[1:] {
		if !strings.HasPrefix(line, "  ") {
			t.Errorf("whatif cause line %q is not indented under the message", line)
		}
	}
}

package main

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"saima"
)

// saveScores writes one scoring run per quarter to e's database, as
// saima score would.
func saveScores(t *testing.T, e *testEnv, runs map[string]map[string]float64) {
	t.Helper()
	a := &app{getenv: func(k string) string { return e.env[k] }}
	a.cfg = testConfig(e)
	a.log = a.cfg.logger(os.Stderr)
	st, err := a.openStore(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	defer a.close()
	at := time.Date(2026, 10, 15, 9, 0, 0, 0, saima.Beijing)
	for period, values := range runs {
		var run []saima.Score
		rank := 0
		for unit, v := range values {
			rank++
			run = append(run, saima.Score{
				Period: mustPeriod(period), Track: saima.KindDistrict, RuleSet: "2026年度数字化改革赛马",
				RunID: "run-" + period, ComputedAt: at, Unit: unit, Value: v, Rank: rank,
			})
		}
		if err := st.SaveScores(context.Background(), run, nil); err != nil {
			t.Fatalf("save scores of %s: %v", period, err)
		}
	}
}

func TestReportAnnual(t *testing.T) {
	if _, err := exec.LookPath("pdftotext"); err != nil {
		t.Fatalf("pdftotext is required (apt-get install poppler-utils): %v", err)
	}
	e := newTestEnv(t)
	saveScores(t, e, map[string]map[string]float64{
		"2026Q1": {"宁波市海曙区": 80, "宁海县": 90},
		"2026Q2": {"宁波市海曙区": 90, "宁海县": 70},
	})

	pdf := filepath.Join(t.TempDir(), "annual.pdf")
	out := e.mustRun("report", "--annual", "-o", pdf, "2026")
	if !strings.Contains(out, "已写出 "+pdf) {
		t.Errorf("report --annual printed %q, want the path it wrote", out)
	}
	assertOutputMode(t, pdf)
	text, err := exec.Command("pdftotext", "-enc", "UTF-8", pdf, "-").Output()
	if err != nil {
		t.Fatalf("pdftotext: %v", err)
	}
	// Both units average 85 over their two quarters. No unit has year-end
	// records, so the shipped rule set's 0.05 for them goes to the
	// quarterly mean: 1 × 85 = 85.0, not 0.95 × 85 = 80.75.
	plain := strings.Join(strings.Fields(string(text)), "")
	for _, want := range []string{"宁波市数字化改革赛马年度考评报告", "2026年度", "宁波市海曙区", "宁海县", "85.0",
		"年度得分=0.95×季度平均", "年终考评尚未录入，不计入；本赛道年度得分=1×季度平均+领导评价"} {
		if !strings.Contains(plain, want) {
			t.Errorf("annual PDF text lacks %q", want)
		}
	}
	if strings.Contains(plain, "80.8") {
		t.Error("annual PDF gives 80.8, 0.95 × 85, as if the missing year-end evaluation counted 0")
	}
}

// TestReportCity checks with pdftotext that saima report --city names
// that city in the titles of both reports, and SAIMA_CITY does too.
func TestReportCity(t *testing.T) {
	if _, err := exec.LookPath("pdftotext"); err != nil {
		t.Fatalf("pdftotext is required (apt-get install poppler-utils): %v", err)
	}
	e := newTestEnv(t)
	saveScores(t, e, map[string]map[string]float64{"2026Q1": {"宁波市海曙区": 80, "宁海县": 90}})

	tests := []struct {
		name  string
		args  []string
		env   string
		title string
	}{
		{"QuarterlyFlag", []string{"--city", "杭州市", "2026Q1"}, "", "杭州市数字化改革赛马考评季度报告"},
		{"AnnualFlag", []string{"--annual", "--city", "杭州市", "2026"}, "", "杭州市数字化改革赛马年度考评报告"},
		{"AnnualEnv", []string{"--annual", "2026"}, "温州市", "温州市数字化改革赛马年度考评报告"},
	}
	// The cases share e, whose commands fail the test itself, so they
	// run in turn rather than as subtests.
	for _, tt := range tests {
		e.env["SAIMA_CITY"] = tt.env
		pdf := filepath.Join(t.TempDir(), tt.name+".pdf")
		e.mustRun(append([]string{"report", "-o", pdf}, tt.args...)...)
		text, err := exec.Command("pdftotext", "-enc", "UTF-8", pdf, "-").Output()
		if err != nil {
			t.Fatalf("%s: pdftotext: %v", tt.name, err)
		}
		plain := strings.Join(strings.Fields(string(text)), "")
		if !strings.Contains(plain, tt.title) {
			t.Errorf("%s: report %v: PDF text lacks %q", tt.name, tt.args, tt.title)
		}
		if strings.Contains(plain, "宁波市数字化改革") {
			t.Errorf("%s: report %v: PDF text still names 宁波市 in a title", tt.name, tt.args)
		}
	}
}

func TestReportAnnualErrors(t *testing.T) {
	e := newTestEnv(t)
	tests := []struct {
		name string
		args []string
		code int
		want string
	}{
		{"NotAYear", []string{"report", "--annual", "26"}, 2, `“26”不是年度`},
		{"QuarterNotYear", []string{"report", "--annual", "2026Q3"}, 2, `“2026Q3”不是年度`},
		{"NoYear", []string{"report", "--annual"}, 2, "请写出一个年度"},
		{"NoScores", []string{"report", "--annual", "2025"}, 1, "2025年度各季度均无考评得分"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, _, errOut := e.run(tt.args...)
			if code != tt.code || !strings.Contains(errOut, tt.want) {
				t.Errorf("saima %s exited %d with %q, want %d and %q", strings.Join(tt.args, " "), code, errOut, tt.code, tt.want)
			}
		})
	}
}

func TestAnnualReportUsesRuleSetFormula(t *testing.T) {
	if _, err := exec.LookPath("pdftotext"); err != nil {
		t.Skip("pdftotext is missing; install poppler-utils")
	}
	e := newTestEnv(t)
	rules := filepath.Join(t.TempDir(), "rules.yaml")
	base, err := os.ReadFile(e.env["SAIMA_RULES"])
	if err != nil {
		t.Fatal(err)
	}
	custom := strings.Replace(string(base), "leadership: {}", "leadership:\n    宁波市海曙区: 4", 1)
	if err := os.WriteFile(rules, []byte(custom), 0o600); err != nil {
		t.Fatal(err)
	}
	e.env["SAIMA_RULES"] = rules
	e.mustRun("demo", "--no-serve", "--today", "2026-11-20", "--out", t.TempDir())

	pdf := filepath.Join(t.TempDir(), "annual.pdf")
	e.mustRun("report", "--annual", "-o", pdf, "2025")
	text, err := exec.Command("pdftotext", "-layout", pdf, "-").Output()
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"0.95 × 季度平均", "0.05 × 年终考评得分率"} {
		if !strings.Contains(string(text), want) {
			t.Errorf("annual PDF lacks the formula part %q", want)
		}
	}
	sum := sha256.Sum256([]byte(custom))
	origin := "年度计分规则：" + rules + "（2026年度数字化改革赛马，版本" + hex.EncodeToString(sum[:4]) + "）的年度计分部分（annual）"
	if !strings.Contains(strings.Join(strings.Fields(string(text)), ""), origin) {
		t.Errorf("annual PDF does not name the rule set of its weights, %q:\n%s", origin, text)
	}
	// Ranking rows read: rank, unit, four quarters, mean, leadership
	// points, year-end rate, total.
	found := false
	for _, line := range strings.Split(string(text), "\n") {
		f := strings.Fields(line)
		if len(f) == 10 && f[1] == "宁波市海曙区" {
			found = true
			if f[7] != "4" {
				t.Errorf("宁波市海曙区 leadership points = %q, want 4 from the rule set", f[7])
			}
		}
	}
	if !found {
		t.Errorf("annual PDF has no ranking row for 宁波市海曙区:\n%s", text)
	}
}

// assertOutputMode fails unless path has the mode that the process's
// umask gives a new file: a report or template is a file like any other
// that its user saves, not a private temporary file.
func assertOutputMode(tb testing.TB, path string) {
	tb.Helper()
	mask := syscall.Umask(0)
	syscall.Umask(mask)
	info, err := os.Stat(path)
	if err != nil {
		tb.Fatal(err)
	}
	if got, want := info.Mode().Perm(), os.FileMode(outputMode&^mask); got != want {
		tb.Errorf("%s has mode %o, want %o (umask %03o)", path, got, want, mask)
	}
}

// A template, like a report, gets the mode that the umask gives: private
// under 077 and readable by all under 022.
func TestOutputFileMode(t *testing.T) {
	e := newTestEnv(t)
	for _, mask := range []int{0o022, 0o077} {
		old := syscall.Umask(mask)
		out := filepath.Join(t.TempDir(), "template.xlsx")
		code, _, errOut := e.run("template", "-o", out, "units")
		if code != 0 {
			syscall.Umask(old)
			t.Fatalf("saima template exited %d: %s", code, errOut)
		}
		assertOutputMode(t, out)
		syscall.Umask(old)
	}
}

// The quarterly PDF of a published evaluation shows its status and the
// progress reports that evaluation read, not those uploaded after it, and
// the PDF of a draft marks it as one.
func TestReportQuarterlyAsEvaluated(t *testing.T) {
	if _, err := exec.LookPath("pdftotext"); err != nil {
		t.Fatalf("pdftotext is required (apt-get install poppler-utils): %v", err)
	}
	e, dir := newEvaluationEnv(t)
	writeProgress := func(name, text string) string {
		path := filepath.Join(dir, name)
		body := "单位,项目编号,项目名称,填报期间,完成率,填报日期,进展情况,存在问题\n" +
			"余姚市,P2,乙,2026Q2,60%,2026-06-20," + text + ",无\n"
		if err := os.WriteFile(path, []byte(body), 0o600); err != nil {
			t.Fatal(err)
		}
		return path
	}
	pdfText := func() string {
		t.Helper()
		pdf := filepath.Join(t.TempDir(), "q2.pdf")
		e.mustRun("report", "-o", pdf, "2026Q2")
		text, err := exec.Command("pdftotext", "-enc", "UTF-8", pdf, "-").Output()
		if err != nil {
			t.Fatalf("pdftotext: %v", err)
		}
		return strings.Join(strings.Fields(string(text)), "")
	}

	e.mustRun("import", writeProgress("v1.csv", "第一版进展"))
	e.mustRun("score", "2026Q2")
	if text := pdfText(); !strings.Contains(text, "考评状态：未发布（草稿") {
		t.Errorf("draft PDF lacks 考评状态：未发布（草稿:\n%s", text)
	}

	e.mustRun("publish", "--by", "张三", "2026Q2")
	e.mustRun("import", writeProgress("v2.csv", "第二版进展"))
	text := pdfText()
	if !strings.Contains(text, "考评状态：已发布v1") {
		t.Errorf("PDF after publishing lacks 考评状态：已发布 v1:\n%s", text)
	}
	if !strings.Contains(text, "第一版进展") || strings.Contains(text, "第二版进展") {
		t.Errorf("PDF of v1 shows progress other than the one v1 read (第一版进展):\n%s", text)
	}

	e.mustRun("publish", "--by", "李四", "2026Q2")
	text = pdfText()
	if !strings.Contains(text, "考评状态：已发布v2") || !strings.Contains(text, "第二版进展") {
		t.Errorf("PDF of v2 lacks its status or the progress it read (第二版进展):\n%s", text)
	}
}

// A report of a period that no unit has data for gives that reason and
// its fix, as the web does, instead of advice to run saima score, which
// would fail for the same reason. A period with data keeps that advice.
func TestReportWithoutDataSaysWhy(t *testing.T) {
	e, _ := newEvaluationEnv(t)
	for _, tt := range []struct {
		args      []string
		want, not []string
	}{
		{[]string{"report", "2025Q2"}, []string{"2025年第二季度尚无考评得分", "没有任何单位有可计分的数据", "请先导入"},
			[]string{"saima score 2025Q2"}},
		{[]string{"report", "--annual", "2025"}, []string{"2025年度各季度均无考评得分", "没有任何单位有可计分的数据", "请先导入"},
			[]string{"saima score 2025Q1"}},
		{[]string{"report", "2026Q2"}, []string{"2026年第二季度尚无考评得分", "saima score 2026Q2"}, nil},
		{[]string{"report", "--annual", "2026"}, []string{"2026年度各季度均无考评得分", "saima score 2026Q1"}, nil},
	} {
		code, _, errOut := e.run(append(tt.args, "-o", filepath.Join(t.TempDir(), "r.pdf"))...)
		if code != 1 {
			t.Errorf("saima %s exited %d, want 1", strings.Join(tt.args, " "), code)
		}
		assertContains(t, strings.Join(tt.args, " "), errOut, tt.want...)
		for _, s := range tt.not {
			if strings.Contains(errOut, s) {
				t.Errorf("saima %s advises %q, which fails as well:\n%s", strings.Join(tt.args, " "), s, errOut)
			}
		}
	}
}

package main

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"maps"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"unicode"

	"saima"
	"saima/clickhouse"
	"saima/clickhouse/chtest"
)

// dataDir is shared by every test in this binary, because chDB allows one
// data folder per process; each test gets its own database instead.
var dataDir string

func TestMain(m *testing.M) {
	// A test that needs saima as a second process runs this binary again
	// with the command line in SAIMA_TEST_RUN, as words split on spaces.
	if args := os.Getenv("SAIMA_TEST_RUN"); args != "" {
		// chtest.Exit, because under -race the detector's shutdown crashes
		// once the command has loaded chDB.
		chtest.Exit(Run(context.Background(), strings.Fields(args), os.Getenv, os.Stdout, os.Stderr))
	}
	dir, err := os.MkdirTemp("", "saima-cmd-")
	if err != nil {
		panic(err)
	}
	dataDir = dir
	release := chtest.HoldServer()
	code := m.Run()
	release()
	os.RemoveAll(dir)
	chtest.Exit(code)
}

// testEnv runs saima commands against a fresh database and the assets that
// npm installed in the repository.
type testEnv struct {
	t   *testing.T
	env map[string]string
}

func newTestEnv(t *testing.T) *testEnv {
	t.Helper()
	repo, err := chtest.FindRepoFile("package.json")
	if err != nil {
		t.Fatal(err)
	}
	root := filepath.Dir(repo)
	var b [6]byte
	rand.Read(b[:])
	return &testEnv{t: t, env: map[string]string{
		"SAIMA_DATA_DIR":     dataDir,
		"SAIMA_DATABASE":     "cmd_" + hex.EncodeToString(b[:]),
		"SAIMA_CHDB_LIB":     filepath.Join(root, "node_modules/@chdb/lib-linux-x64-gnu/libchdb.so"),
		"SAIMA_FONT_REGULAR": filepath.Join(root, "node_modules/@expo-google-fonts/noto-sans-sc/400Regular/NotoSansSC_400Regular.ttf"),
		"SAIMA_FONT_BOLD":    filepath.Join(root, "node_modules/@expo-google-fonts/noto-sans-sc/700Bold/NotoSansSC_700Bold.ttf"),
		"SAIMA_ECHARTS":      filepath.Join(root, "node_modules/echarts/dist/echarts.min.js"),
		"SAIMA_RULES":        filepath.Join(root, "rulesets/2026.yaml"),
		"SAIMA_LOG_LEVEL":    "warn",
	}}
}

// forEachEngine runs f as a subtest on each engine: the embedded chDB
// and a clickhouse-server that the test binary starts.
func forEachEngine(t *testing.T, f func(t *testing.T, e *testEnv)) {
	t.Helper()
	for _, engine := range chtest.Engines {
		t.Run(engine, func(t *testing.T) {
			e := newTestEnv(t)
			if engine == "server" {
				srv := chtest.StartServer(t)
				e.env["SAIMA_ENGINE"] = "server"
				e.env["SAIMA_CH_ADDR"] = srv.Addr
				e.env["SAIMA_CH_HTTP_ADDR"] = srv.HTTPAddr
				e.env["SAIMA_CH_USER"] = chtest.ServerUser
				e.env["SAIMA_CH_PASSWORD"] = chtest.ServerPassword
			}
			f(t, e)
		})
	}
}

// run runs saima with args and returns its exit code, stdout and stderr.
func (e *testEnv) run(args ...string) (int, string, string) {
	var out, errOut bytes.Buffer
	code := Run(context.Background(), args, func(k string) string { return e.env[k] }, &out, &errOut)
	return code, out.String(), errOut.String()
}

func (e *testEnv) mustRun(args ...string) string {
	e.t.Helper()
	code, out, errOut := e.run(args...)
	if code != 0 {
		e.t.Fatalf("saima %s exited %d\nstdout:\n%s\nstderr:\n%s", strings.Join(args, " "), code, out, errOut)
	}
	return out
}

func casesDir(t *testing.T) string {
	t.Helper()
	dir, err := chtest.FindRepoFile("shared/cases/ingest")
	if err != nil {
		dir, err = chtest.FindRepoFile("../shared/cases/ingest")
	}
	if err != nil {
		t.Skipf("ingest cases not found beside the repository: %v", err)
	}
	return dir
}

func TestRunHelp(t *testing.T) {
	e := newTestEnv(t)
	for _, args := range [][]string{{"help"}, {"serve", "-h"}, {"import", "-h"}, {"score", "-h"}, {"report", "-h"}, {"demo", "-h"}} {
		code, out, errOut := e.run(args...)
		if code != 0 {
			t.Errorf("saima %s exited %d, want 0", strings.Join(args, " "), code)
		}
		if !strings.Contains(out+errOut, "用法：") {
			t.Errorf("saima %s printed no usage:\n%s%s", strings.Join(args, " "), out, errOut)
		}
	}
	if code, _, _ := e.run("frobnicate"); code != 2 {
		t.Errorf("unknown command exited %d, want 2", code)
	}
	if _, _, errOut := e.run("serve", "-h"); !strings.Contains(errOut, "SAIMA_ADDR") || !strings.Contains(errOut, "单位字节") {
		t.Errorf("serve -h does not name SAIMA_ADDR and the body-limit unit:\n%s", errOut)
	}
}

// Options may follow the arguments, as in `saima report --annual 2026 -o
// annual.pdf`, and "--" ends the options.
func TestOptionsAfterArguments(t *testing.T) {
	e := newTestEnv(t)
	dir := t.TempDir()
	out := filepath.Join(dir, "progress.xlsx")
	if code, _, errOut := e.run("template", "progress", "-o", out); code != 0 {
		t.Fatalf("saima template progress -o FILE exited %d: %s", code, errOut)
	}
	if _, err := os.Stat(out); err != nil {
		t.Errorf("template with -o after the dataset wrote no %s: %v", out, err)
	}

	// A file whose name starts with a dash, after "--".
	if err := os.WriteFile(filepath.Join(dir, "-units.csv"), []byte("单位,单位类别\n余姚市,区县（市）\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	t.Chdir(dir)
	code, stdout, errOut := e.run("import", "--dry-run", "--", "-units.csv")
	if code != 0 || !strings.Contains(stdout, "预检通过") {
		t.Errorf("saima import --dry-run -- -units.csv = %d, %q, %q, want a preview", code, stdout, errOut)
	}
}

func TestImportBadRowsImportsNothing(t *testing.T) {
	forEachEngine(t, func(t *testing.T, e *testEnv) {
		dir := casesDir(t)
		e.mustRun("import", filepath.Join(dir, "00_roster.csv"))

		code, _, errOut := e.run("import", filepath.Join(dir, "12b_progress_bad_rows.csv"))
		if code != 1 {
			t.Fatalf("import of 12b exited %d, want 1", code)
		}
		if n := strings.Count(errOut, "错误 "); n != 7 {
			t.Errorf("import of 12b printed %d errors, want 7:\n%s", n, errOut)
		}
		for _, want := range []string{"第3行", "宁波市鄞州区", "第4行", "135%", "第5行", "待定", "第6行", "第7行", "第8行", "2026/9/31", "第9行"} {
			if !strings.Contains(errOut, want) {
				t.Errorf("errors of 12b do not mention %q", want)
			}
		}
		// No row of the rejected file was stored, so the quarter has no data
		// to score.
		code, out, errOut := e.run("score", "2026Q3")
		if code != 1 || !strings.Contains(errOut, "没有任何单位有可计分的数据") {
			t.Errorf("score after the rejected file exited %d:\n%s%s\nwant 1 and no data to score", code, out, errOut)
		}
	})
}

func TestImportReuploadLatestWins(t *testing.T) {
	forEachEngine(t, func(t *testing.T, e *testEnv) {
		dir := casesDir(t)
		e.mustRun("import", filepath.Join(dir, "00_roster.csv"))
		// Three uploads of the same bytes within a second once tripped
		// chDB's top-k filter on the uploads' DateTime column.
		e.mustRun("import", filepath.Join(casesDir(t), "13a_progress_reupload_v1.csv"),
			filepath.Join(casesDir(t), "13a_progress_reupload_v1.csv"),
			filepath.Join(casesDir(t), "13a_progress_reupload_v1.csv"))
		v1 := filepath.Join(dir, "13a_progress_reupload_v1.csv")
		v2 := filepath.Join(dir, "13b_progress_reupload_v2_corrected.csv")

		e.mustRun("import", v1)
		if out := e.mustRun("import", v1); !strings.Contains(out, "文件与此前的上传 ") || !strings.Contains(out, "（13a_progress_reupload_v1.csv，") || !strings.Contains(out, "）完全相同") {
			t.Errorf("import of the same bytes again printed %q, want it named a repeat", out)
		}
		if out := e.mustRun("import", "--dry-run", v1); !strings.Contains(out, "预检通过") || !strings.Contains(out, "）完全相同") {
			t.Errorf("dry run of the same bytes again printed %q, want it named a repeat", out)
		}
		if n, mean := progressStats(t, e); n != 5 || mean != "73" {
			t.Errorf("after 13a twice: %d records, mean %s; want 5, 73", n, mean)
		}
		afterA := e.openStore(t).Now()
		e.mustRun("import", v2)
		if n, mean := progressStats(t, e); n != 5 || mean != "78.6" {
			t.Errorf("after 13b: %d records, mean %s; want 5, 78.6", n, mean)
		}
		afterB := e.openStore(t).Now()

		// Sending 13a after 13b makes its values current again, and every
		// version stays readable as of its time.
		e.mustRun("import", v1)
		if n, mean := progressStats(t, e); n != 5 || mean != "73" {
			t.Errorf("after 13a again: %d records, mean %s; want 5, 73", n, mean)
		}
		wantA := "NB-2026-017=60 NB-2026-018=45 NB-2026-019=72 NB-2026-020=88 NB-2026-022=100"
		wantB := "NB-2026-017=85 NB-2026-018=45 NB-2026-019=75 NB-2026-020=88 NB-2026-022=100"
		st := e.openStore(t)
		versions := []struct {
			name string
			asOf uint64
			want string
		}{
			{"13a", afterA, wantA},
			{"13b", afterB, wantB},
			{"13a again", 0, wantA},
		}
		for _, v := range versions {
			if got := progressPercents(t, st.AsOf(v.asOf)); got != v.want {
				t.Errorf("progress as of %s = %s, want %s", v.name, got, v.want)
			}
		}
	})
}

// progressPercents returns the 2026Q3 progress records that st reads, as
// code=完成率 pairs sorted by code.
func progressPercents(t *testing.T, st *clickhouse.Store) string {
	t.Helper()
	reports, err := st.ListProgress(context.Background(), mustPeriod("2026Q3"))
	if err != nil {
		t.Fatal(err)
	}
	var pairs []string
	for _, r := range reports {
		pairs = append(pairs, r.ProjectCode+"="+r.Percent.Decimal.String())
	}
	slices.Sort(pairs)
	return strings.Join(pairs, " ")
}

// progressStats returns the number of 2026Q3 progress records and their
// mean 完成率, read back through the store.
func progressStats(t *testing.T, e *testEnv) (int, string) {
	t.Helper()
	st := e.openStore(t)
	reports, err := st.ListProgress(context.Background(), mustPeriod("2026Q3"))
	if err != nil {
		t.Fatal(err)
	}
	return len(reports), meanOf(reports)
}

func TestReportNeedsFonts(t *testing.T) {
	e := newTestEnv(t)
	e.env["SAIMA_FONT_REGULAR"] = "/nonexistent/NotoSansSC_400Regular.ttf"
	code, _, errOut := e.run("report", "2026Q3")
	if code == 0 || !strings.Contains(errOut, "npm ci") || !strings.Contains(errOut, "/nonexistent/") {
		t.Errorf("report without fonts exited %d with %q; want a failure naming the path and npm ci", code, errOut)
	}
}

// A relative default path is looked up in the current folder, so a
// command run elsewhere misses installed files. The message names that folder.
func TestMissingAssetNamesCurrentFolder(t *testing.T) {
	e := newTestEnv(t)
	e.env["SAIMA_FONT_REGULAR"] = "node_modules/missing/NotoSansSC_400Regular.ttf"
	code, _, errOut := e.run("report", "2026Q3")
	wd, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	want := filepath.Join(wd, "node_modules/missing/NotoSansSC_400Regular.ttf")
	for _, part := range []string{want, "相对路径", "回到源码目录", "--font-regular", "npm ci"} {
		if code == 0 || !strings.Contains(errOut, part) {
			t.Errorf("report with a missing relative font exited %d with %q; want a failure with %q", code, errOut, part)
		}
	}
}

func TestDemoReportNamesEveryUnit(t *testing.T) {
	forEachEngine(t, func(t *testing.T, e *testEnv) {
		if _, err := exec.LookPath("pdftotext"); err != nil {
			if os.Getenv("CI") != "" {
				t.Fatal("pdftotext is missing; install poppler-utils")
			}
			t.Skip("pdftotext is missing; install poppler-utils")
		}
		e.mustRun("demo", "--no-serve", "--today", "2026-11-20", "--out", t.TempDir())
		ranking := e.mustRun("score", "2026Q3")

		pdf := filepath.Join(t.TempDir(), "q3.pdf")
		e.mustRun("report", "-o", pdf, "2026Q3")
		text, err := exec.Command("pdftotext", "-layout", pdf, "-").Output()
		if err != nil {
			t.Fatal(err)
		}
		var tracks []string
		for _, line := range strings.Split(ranking, "\n")[2:] {
			fields := strings.Fields(line)
			if len(fields) < 4 {
				continue
			}
			if !slices.Contains(tracks, fields[0]) {
				tracks = append(tracks, fields[0])
			}
			unit, score := fields[2], fields[3]
			if !strings.Contains(string(text), unit) || !strings.Contains(string(text), score) {
				t.Errorf("PDF lacks %s with score %s", unit, score)
			}
		}
		// The pages and the PDF show the tracks in this order too.
		if want := []string{saima.KindDistrict, saima.KindDepartment, saima.KindCity}; !slices.Equal(tracks, want) {
			t.Errorf("score lists tracks in the order %v, want %v", tracks, want)
		}
	})
}

func TestScoreAssessmentTotalsTie(t *testing.T) {
	forEachEngine(t, func(t *testing.T, e *testEnv) {
		dir := casesDir(t)
		e.env["SAIMA_RULES"] = "testdata/assessment_total.yaml"
		e.mustRun("import", filepath.Join(dir, "00_roster.csv"))
		e.mustRun("import", filepath.Join(dir, "07_scores_exact_decimals.csv"))

		out := e.mustRun("score", "2026Q3")
		for _, want := range []string{"1   市大数据局  100.5", "1   市发改委   100.5", "3   市财政局   75.6"} {
			if !strings.Contains(strings.Join(strings.Fields(out), " "), strings.Join(strings.Fields(want), " ")) {
				t.Errorf("ranking lacks %q:\n%s", want, out)
			}
		}
	})
}

func TestImportScoresExactDecimals(t *testing.T) {
	forEachEngine(t, func(t *testing.T, e *testEnv) {
		dir := casesDir(t)
		e.mustRun("import", filepath.Join(dir, "00_roster.csv"))
		e.mustRun("import", filepath.Join(dir, "07_scores_exact_decimals.csv"))

		st := e.openStore(t)
		got := map[string]string{}
		for _, p := range []string{"2026Q3", "2026"} {
			as, err := st.ListAssessments(context.Background(), mustPeriod(p))
			if err != nil {
				t.Fatal(err)
			}
			for _, x := range as {
				got[x.Unit+"/"+x.Indicator] = x.Score.StringFixed(2) + "/" + x.FullMarks.Decimal.String()
			}
		}
		want := map[string]string{
			"市大数据局/数据共享按时响应率": "100.00/100", "市发改委/数据共享按时响应率": "99.50/100",
			"市财政局/数据共享按时响应率": "75.57/100", "市大数据局/信息报送及时性": "0.50/1",
			"市发改委/信息报送及时性": "1.00/1", "市财政局/信息报送及时性": "0.00/1",
			"市大数据局/现场核查": "100.00/100", "市发改委/现场核查": "85.50/100", "市财政局/现场核查": "99.50/100",
		}
		for k, w := range want {
			if got[k] != w {
				t.Errorf("score %s = %q, want %q", k, got[k], w)
			}
		}
	})
}

func TestImportOverTLS(t *testing.T) {
	dir := casesDir(t)
	e := newTestEnv(t)
	srv := chtest.StartTLSServer(t)
	e.env["SAIMA_ENGINE"] = "server"
	e.env["SAIMA_CH_ADDR"] = srv.TLSAddr
	e.env["SAIMA_CH_USER"] = chtest.ServerUser
	e.env["SAIMA_CH_PASSWORD"] = chtest.ServerPassword
	e.env["SAIMA_CH_TLS"] = "true"

	// The test server's certificate is self-signed, so verification fails
	// unless it is turned off.
	if code, _, _ := e.run("import", filepath.Join(dir, "00_roster.csv")); code == 0 {
		t.Error("import over TLS with a self-signed certificate succeeded without --ch-tls-insecure")
	}
	e.env["SAIMA_CH_TLS_INSECURE"] = "true"
	if out := e.mustRun("import", filepath.Join(dir, "00_roster.csv")); !strings.Contains(out, "14") {
		t.Errorf("import over TLS printed %q, want 14 units imported", out)
	}
}

func TestImportLargeFileRecordsTotals(t *testing.T) {
	dir := casesDir(t)
	e := newTestEnv(t)
	e.mustRun("import", filepath.Join(dir, "00_roster.csv"))

	// More rows than one write chunk, so the upload lands in several.
	const rows = 45_000
	var b strings.Builder
	b.WriteString("单位,项目编号,项目名称,填报期间,完成率,填报日期,进展情况,存在问题\n")
	for i := range rows {
		fmt.Fprintf(&b, "宁波市海曙区,NB-%06d,项目,2026Q3,%d%%,2026-09-30,进展,无\n", i, i%101)
	}
	path := filepath.Join(t.TempDir(), "big.csv")
	if err := os.WriteFile(path, []byte(b.String()), 0o600); err != nil {
		t.Fatal(err)
	}
	e.mustRun("import", path)

	st := e.openStore(t)
	ups, err := st.ListUploads(context.Background(), saima.UploadFilter{Limit: 1})
	if err != nil || len(ups) != 1 || ups[0].FileName != "big.csv" {
		t.Fatalf("ListUploads = %+v, %v; want the big upload first", ups, err)
	}
	if ups[0].Rows != rows || ups[0].Imported != rows || ups[0].FileName != "big.csv" {
		t.Errorf("upload record = %d rows, %d imported (%s); want %d and %d", ups[0].Rows, ups[0].Imported,
			ups[0].FileName, rows, rows)
	}
	reports, err := st.ListProgress(context.Background(), mustPeriod("2026Q3"))
	if err != nil || len(reports) != rows {
		t.Errorf("ListProgress = %d reports, %v; want %d", len(reports), err, rows)
	}
}

func TestImportRowLimit(t *testing.T) {
	dir := casesDir(t)
	e := newTestEnv(t)
	e.mustRun("import", filepath.Join(dir, "00_roster.csv"))
	e.env["SAIMA_MAX_ROWS"] = "3"
	code, _, errOut := e.run("import", filepath.Join(dir, "13a_progress_reupload_v1.csv"))
	if code != 1 || !strings.Contains(errOut, "3行") {
		t.Errorf("import of 5 rows with a 3-row limit exited %d: %s; want a rejection naming the limit", code, errOut)
	}
}

// openStore opens the store that e's commands use, for reading back what
// they wrote. It closes when the test ends.
func (e *testEnv) openStore(t *testing.T) *clickhouse.Store {
	t.Helper()
	a := &app{getenv: func(k string) string { return e.env[k] }}
	a.cfg = testConfig(e)
	a.log = a.cfg.logger(os.Stderr)
	st, err := a.openStore(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(a.close)
	return st
}

// Go's flag package prints the first back-quoted text of a usage string
// as the flag's value name, so `openssl rand -hex 32` in a usage string
// showed as "-session-secret openssl rand -hex 32". Every flag of every
// command shows a value name that is one word: a Go type name, or one in
// capitals such as FILE.
func TestFlagValueNames(t *testing.T) {
	e := newTestEnv(t)
	valueName := regexp.MustCompile(`^(?:文本|整数|时长|数值|value|[A-Z][A-Z0-9_]*)$`)
	for _, name := range slices.Sorted(maps.Keys(commands)) {
		code, out, errOut := e.run(name, "-h")
		if code != 0 {
			t.Errorf("saima %s -h exited %d", name, code)
		}
		flags := 0
		for _, line := range strings.Split(out+errOut, "\n") {
			if !strings.HasPrefix(line, "  --") {
				continue
			}
			flags++
			fields := strings.Fields(line)
			if len(fields) > 2 || len(fields) == 2 && !valueName.MatchString(fields[1]) {
				t.Errorf("saima %s -h: %q shows %q as the value name", name, fields[0], strings.Join(fields[1:], " "))
			}
		}
		if flags == 0 && name != "rules" {
			t.Errorf("saima %s -h listed no flags:\n%s%s", name, out, errOut)
		}
	}
}

// TestUsageErrorsInChinese runs commands with missing or wrong arguments,
// as a new operator types them. Each exits 2 with its error in Chinese on
// the line that names it, not in the English of a usage string.
func TestUsageErrorsInChinese(t *testing.T) {
	e := newTestEnv(t)
	tests := [][]string{
		{"frobnicate"},
		{"--rules", "x.yaml", "score", "2026Q3"},
		{"help", "frobnicate"},
		{"score"},
		{"import"},
		{"report"},
		{"report", "--annual"},
		{"report", "--annual", "26"},
		{"template"},
		{"publish"},
		{"explain", "2026Q3"},
		{"override", "2026Q3"},
		{"diff", "2026Q3", "1"},
		{"whatif", "2026Q3"},
		{"rules", "check", "x.yaml"},
		{"assessments"},
		{"assessments", "本季度"},
		{"account"},
		{"account", "frob"},
		{"account", "add"},
		{"account", "token"},
		{"account", "list", "extra"},
		{"serve", "extra"},
		{"version", "extra"},
		{"score", "--engine", "sqlite", "2026Q3"},
		{"score", "--ch-cluster", "c1", "2026Q3"},
		{"report", "--city", " 杭州市", "2026Q3"},
	}
	for _, args := range tests {
		name := strings.Join(args, " ")
		code, _, errOut := e.run(args...)
		if code != 2 {
			t.Errorf("saima %s exited %d, want 2; stderr:\n%s", name, code, errOut)
			continue
		}
		var line string
		for _, l := range strings.Split(errOut, "\n") {
			if strings.HasPrefix(l, "saima") {
				line = l
				break
			}
		}
		if !strings.ContainsFunc(line, func(r rune) bool { return unicode.Is(unicode.Han, r) }) ||
			strings.Contains(line, "usage") || strings.Contains(line, "unknown") {
			t.Errorf("saima %s: error line %q is not in Chinese; stderr:\n%s", name, line, errOut)
		}
	}
	if _, _, errOut := e.run("--rules", "x.yaml", "score"); !strings.Contains(errOut, "选项要写在命令之后") {
		t.Errorf("an option before the command is not explained:\n%s", errOut)
	}
}

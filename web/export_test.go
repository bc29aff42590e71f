package web

import (
	"archive/zip"
	"bytes"
	"context"
	"encoding/json"
	"html"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/shopspring/decimal"
	"github.com/xuri/excelize/v2"

	"saima"
	"saima/ingest"
	"saima/reports"
	"saima/scoring"
)

// formulaNames are unit names that a spreadsheet would take as formulas
// if they were written as formulas rather than text.
var formulaNames = []string{"=1+2", "+1+2", "-1+2", "@SUM(A1)", "吉𠮷镇"}

// openWorkbook reads an XLSX reply and checks its headers.
func openWorkbook(tb testing.TB, resp *http.Response, body, wantName string) *excelize.File {
	tb.Helper()
	if resp.StatusCode != http.StatusOK {
		tb.Fatalf("status = %d, want 200; body:\n%s", resp.StatusCode, body)
	}
	if ct := resp.Header.Get("Content-Type"); ct != xlsxType {
		tb.Errorf("Content-Type = %q, want %s", ct, xlsxType)
	}
	if cd := resp.Header.Get("Content-Disposition"); !strings.Contains(cd, url.PathEscape(wantName)) {
		tb.Errorf("Content-Disposition = %q, want the file name %s", cd, wantName)
	}
	f, err := excelize.OpenReader(strings.NewReader(body))
	if err != nil {
		tb.Fatalf("open workbook: %v", err)
	}
	tb.Cleanup(func() { f.Close() })
	checkDimensions(tb, f)
	return f
}

// checkDimensions checks that each sheet of f declares the range its
// cells use, which readers such as openpyxl's read-only mode trust.
func checkDimensions(tb testing.TB, f *excelize.File) {
	tb.Helper()
	for _, sheet := range f.GetSheetList() {
		rows := rowsOf(tb, f, sheet)
		cols := 0
		for _, r := range rows {
			cols = max(cols, len(r))
		}
		if len(rows) == 0 || cols == 0 {
			continue
		}
		want := "A1:" + cellName(cols, len(rows))
		if got, err := f.GetSheetDimension(sheet); err != nil || got != want {
			tb.Errorf("sheet %s declares its range as %q (%v), want %q", sheet, got, err, want)
		}
	}
}

// rowsOf returns a sheet's cells as text.
func rowsOf(tb testing.TB, f *excelize.File, sheet string) [][]string {
	tb.Helper()
	rows, err := f.GetRows(sheet)
	if err != nil {
		tb.Fatalf("read sheet %s: %v", sheet, err)
	}
	return rows
}

// checkTextCell checks that a cell holds s as a string, not a formula.
func checkTextCell(tb testing.TB, f *excelize.File, sheet, ref, s string) {
	tb.Helper()
	if got, _ := f.GetCellValue(sheet, ref); got != s {
		tb.Errorf("%s!%s = %q, want %q", sheet, ref, got, s)
	}
	if typ, _ := f.GetCellType(sheet, ref); typ != excelize.CellTypeSharedString {
		tb.Errorf("%s!%s type = %v, want a shared string", sheet, ref, typ)
	}
	if formula, _ := f.GetCellFormula(sheet, ref); formula != "" {
		tb.Errorf("%s!%s has formula %q, want none", sheet, ref, formula)
	}
}

func TestRankingXLSX(t *testing.T) {
	env := newSeededEnv(t)
	var run []saima.Score
	for i, name := range formulaNames {
		run = append(run, saima.Score{
			Period: saima.Quarter(2026, 1), Track: saima.KindDistrict, RuleSet: "默认规则", RuleSetVersion: "v1",
			RunID: "run-q1", ComputedAt: seedAt, Unit: name, Value: 90.25 - float64(i)*10, Rank: i + 1,
			Contributions: []saima.Contribution{
				{Indicator: "progress_speed", Name: "项目推进速度", Raw: 80, Score: 80.125, Weight: 1, Points: 80.125},
			},
		})
	}
	if err := env.store.SaveScores(context.Background(), run, nil); err != nil {
		t.Fatal(err)
	}

	resp, body := env.get(t, "/export/ranking.xlsx?period=2026Q1")
	f := openWorkbook(t, resp, body, "赛马排名-2026Q1.xlsx")
	rows := rowsOf(t, f, "赛马排名")
	wantHeader := []string{"考评期间", "赛道", "名次", "单位", "综合得分", "计算值", "较上期", "上期名次", "项目推进速度",
		"补值指标", "计分规则", "规则版本", "结果状态"}
	if !slices.Equal(rows[0], wantHeader) {
		t.Errorf("header = %q, want %q", rows[0], wantHeader)
	}
	// The result's status follows the units after an empty row.
	if end := slices.IndexFunc(rows, func(r []string) bool { return len(r) == 0 }); end > 0 {
		rows = rows[:end]
	}
	if len(rows) != len(formulaNames)+1 {
		t.Fatalf("sheet has %d rows, want a header and %d units", len(rows), len(formulaNames))
	}
	for i, name := range formulaNames {
		row := i + 2
		checkTextCell(t, f, "赛马排名", cellName(4, row), name)
		wantScore := saima.FormatComposite(90.25 - float64(i)*10)
		if got, _ := f.GetCellValue("赛马排名", cellName(5, row)); got != wantScore {
			t.Errorf("composite of %q = %q, want %s as the leaderboard shows it", name, got, wantScore)
		}
		if typ, _ := f.GetCellType("赛马排名", cellName(5, row)); typ != excelize.CellTypeNumber && typ != excelize.CellTypeUnset {
			t.Errorf("composite of %q has type %v, want a number", name, typ)
		}
		if got, _ := f.GetCellValue("赛马排名", cellName(9, row)); got != "80.13" {
			t.Errorf("indicator score of %q = %q, want 80.13", name, got)
		}
	}
	checkTextCell(t, f, "赛马排名", "A2", "2026年第一季度")
}

// TestRankingXLSXMatchesLeaderboard exports the seeded 2026Q3 and checks
// each unit's composite against the page.
func TestRankingXLSXMatchesLeaderboard(t *testing.T) {
	env := newSeededEnv(t)
	resp, body := env.get(t, "/export/ranking.xlsx?period=2026Q3&track="+url.QueryEscape(saima.KindDepartment))
	f := openWorkbook(t, resp, body, "赛马排名-2026Q3.xlsx")
	rows := rowsOf(t, f, "赛马排名")
	// The legend of the marks follows the units after an empty row.
	if end := slices.IndexFunc(rows, func(r []string) bool { return len(r) == 0 }); end > 0 {
		rows = rows[:end]
	}
	_, page := env.get(t, "/leaderboard?period=2026Q3&track="+url.QueryEscape(saima.KindDepartment))
	board := leaderboardScores(t, page)
	if len(rows)-1 != len(board) {
		t.Fatalf("workbook has %d units, leaderboard %d", len(rows)-1, len(board))
	}
	for _, row := range rows[1:] {
		if want, ok := board[row[3]]; !ok || row[4] != want {
			t.Errorf("workbook has %q at %s, leaderboard %q", row[3], row[4], want)
		}
	}
}

// rankingNotes returns the column 结果状态 of the sheet 赛马排名's unit
// rows and the lines below them.
func rankingNotes(t *testing.T, f *excelize.File) (status []string, notes string) {
	t.Helper()
	rows := rowsOf(t, f, "赛马排名")
	col := slices.Index(rows[0], "结果状态")
	if col < 0 {
		t.Fatalf("header %q has no 结果状态", rows[0])
	}
	end := slices.IndexFunc(rows, func(r []string) bool { return len(r) == 0 })
	if end < 0 {
		t.Fatalf("sheet 赛马排名 has no lines below its units: %q", rows)
	}
	for _, r := range rows[1:end] {
		status = append(status, r[col])
	}
	for _, r := range rows[end+1:] {
		notes += strings.Join(r, "") + "\n"
	}
	return status, notes
}

// leaderboardAsOf returns the 数据截至 that the leaderboard of period shows.
func leaderboardAsOf(t *testing.T, env *testEnv, period string) string {
	t.Helper()
	_, page := env.as(t, "office").get(t, "/leaderboard?period="+period)
	asOf := regexp.MustCompile(`数据截至 [0-9-]+ [0-9:]+`).FindString(page)
	if asOf == "" {
		t.Fatalf("leaderboard of %s shows no 数据截至", period)
	}
	return asOf
}

// asOfNear reports whether text holds prefix and then a 数据截至 time within
// two seconds of asOf's, which leaderboardAsOf returned. The tests' clock
// is stopped while real time passes, so a data version's time on it moves
// back as the test runs (see saima.VersionTime). Two reads a moment apart
// can therefore differ by a second.
func asOfNear(text, prefix, asOf string) bool {
	m := regexp.MustCompile(regexp.QuoteMeta(prefix) + `数据截至 ([0-9-]+ [0-9:]+)`).FindStringSubmatch(text)
	if m == nil {
		return false
	}
	got, err := time.Parse(time.DateTime, m[1])
	if err != nil {
		return false
	}
	want, err := time.Parse(time.DateTime, strings.TrimPrefix(asOf, "数据截至 "))
	if err != nil {
		return false
	}
	return got.Sub(want).Abs() <= 2*time.Second
}

func TestRankingXLSXStatus(t *testing.T) {
	env := newEvaluationEnv(t)
	saveRun(t, env, saima.Quarter(2026, 4), 50, true) // a run of the running quarter

	t.Run("Draft", func(t *testing.T) {
		resp, body := env.as(t, "office").get(t, "/export/ranking.xlsx?period=2026Q2")
		f := openWorkbook(t, resp, body, "赛马排名-2026Q2.xlsx")
		status, notes := rankingNotes(t, f)
		if len(status) == 0 || slices.ContainsFunc(status, func(s string) bool { return s != "未发布（草稿）" }) {
			t.Errorf("结果状态 = %q, want 未发布（草稿） on every unit", status)
		}
		asOf := leaderboardAsOf(t, env, "2026Q2")
		if prefix := "本期结果：未发布（草稿，正式发布前可能变化），"; !asOfNear(notes, prefix, asOf) {
			t.Errorf("notes lack %q and a time near %q:\n%s", prefix, asOf, notes)
		}
		if want := "导出时间：2026-10-20 10:00（北京时间）"; !strings.Contains(notes, want) {
			t.Errorf("notes lack %q:\n%s", want, notes)
		}
		if strings.Contains(notes, "才结束") {
			t.Errorf("notes of the ended 2026Q2 call it running:\n%s", notes)
		}
		props, err := f.GetDocProps()
		if err != nil {
			t.Fatal(err)
		}
		want := excelize.DocProperties{Title: "2026年第二季度赛马排名（未发布，草稿）", ContentStatus: "未发布（草稿）",
			Creator: "saima", Created: "2026-10-20T02:00:00Z", Modified: "2026-10-20T02:00:00Z"}
		if props.Title != want.Title || props.ContentStatus != want.ContentStatus || props.Creator != want.Creator ||
			props.Created != want.Created || props.Modified != want.Modified {
			t.Errorf("doc properties = %+v, want %+v", *props, want)
		}
		if !asOfNear(props.Description, "", asOf) {
			t.Errorf("doc description = %q, want the data time", props.Description)
		}
	})
	t.Run("Published", func(t *testing.T) {
		if resp, body := env.publish(t, "office", `{"note":"终稿"}`); resp.StatusCode != http.StatusCreated {
			t.Fatalf("publish status = %d: %s", resp.StatusCode, body)
		}
		resp, body := env.as(t, "office").get(t, "/export/ranking.xlsx?period=2026Q2")
		f := openWorkbook(t, resp, body, "赛马排名-2026Q2.xlsx")
		status, notes := rankingNotes(t, f)
		if len(status) == 0 || status[0] != "已发布 v1" {
			t.Errorf("结果状态 = %q, want 已发布 v1", status)
		}
		prefix, asOf := "本期结果：已发布 v1（2026-10-20 10:00 发布），", leaderboardAsOf(t, env, "2026Q2")
		if !asOfNear(notes, prefix, asOf) {
			t.Errorf("notes lack %q and a time near %q:\n%s", prefix, asOf, notes)
		}
		props, err := f.GetDocProps()
		if err != nil {
			t.Fatal(err)
		}
		if props.ContentStatus != "已发布 v1" || props.Title != "2026年第二季度赛马排名（已发布 v1）" {
			t.Errorf("doc properties = %+v, want 已发布 v1", *props)
		}
	})
	t.Run("Running", func(t *testing.T) {
		resp, body := env.as(t, "office").get(t, "/export/ranking.xlsx?period=2026Q4")
		f := openWorkbook(t, resp, body, "赛马排名-2026Q4.xlsx")
		_, notes := rankingNotes(t, f)
		if want := "本期到 2026-12-31 才结束，以上结果只含目前已上传的数据，不是期末结果。"; !strings.Contains(notes, want) {
			t.Errorf("notes lack %q:\n%s", want, notes)
		}
	})
	t.Run("ReadEarly", func(t *testing.T) {
		env.clock.Advance(80 * 24 * time.Hour) // to 2027-01-08, after the session has expired
		office := env.signIn(t, "office", testAccounts["office"].password)
		resp, body := office.get(t, "/export/ranking.xlsx?period=2026Q4")
		f := openWorkbook(t, resp, body, "赛马排名-2026Q4.xlsx")
		_, notes := rankingNotes(t, f)
		want := "本期已于 2026-12-31 结束，但这一版本读取的是 2026-10-20 已上传的数据，不是期末结果；请改革办按全部数据重新发布。"
		if !strings.Contains(notes, want) {
			t.Errorf("notes lack %q:\n%s", want, notes)
		}
		if strings.Contains(notes, "才结束") {
			t.Errorf("notes of the ended 2026Q4 call it running:\n%s", notes)
		}
	})
}

func cellName(col, row int) string {
	name, err := excelize.CoordinatesToCellName(col, row)
	if err != nil {
		panic(err)
	}
	return name
}

func TestLedgerXLSX(t *testing.T) {
	env := newDashboardEnv(t)
	resp, body := env.get(t, "/export/ledger.xlsx")
	f := openWorkbook(t, resp, body, "项目台账-2026-10-20.xlsx")

	projects := rowsOf(t, f, "项目台账")
	if !slices.Equal(projects[0], ledgerHeaders) {
		t.Errorf("header = %q, want %q", projects[0], ledgerHeaders)
	}
	if len(projects) != 9 {
		t.Fatalf("项目台账 has %d rows, want a header and 8 projects", len(projects))
	}
	byCode := map[string]int{}
	for i, row := range projects[1:] {
		byCode[row[0]] = i + 2
	}
	formula := byCode["NB-2026-008"]
	checkTextCell(t, f, "项目台账", cellName(2, formula), "=1+2")
	checkTextCell(t, f, "项目台账", cellName(3, formula), "吉𠮷镇")
	checkTextCell(t, f, "项目台账", cellName(9, formula), "未登记")

	first := projects[byCode["NB-2026-001"]-1]
	want := map[int]string{2: "城市大脑驾驶舱", 3: "宁波市海曙区", 9: "实施", 10: "2026-05-10", 11: "3", 12: "2", 13: "85.5", 14: "2026Q3", 15: "1",
		19: "宁波市江北区、市大数据局"}
	for col, w := range want {
		if first[col-1] != w {
			t.Errorf("NB-2026-001 %s = %q, want %q", ledgerHeaders[col-1], first[col-1], w)
		}
	}

	late := rowsOf(t, f, "逾期里程碑")
	if len(late) != 6 {
		t.Fatalf("逾期里程碑 has %d rows, want a header and 5 milestones: %q", len(late), late)
	}
	found := false
	for _, row := range late[1:] {
		if row[3] == "驾驶舱上线" {
			found = true
			if row[4] != "2026-09-30" || row[5] != "未完成" || row[6] != "20" {
				t.Errorf("驾驶舱上线 row = %q, want planned 2026-09-30, 未完成, 20 days", row)
			}
		}
	}
	if !found {
		t.Errorf("逾期里程碑 lacks 驾驶舱上线: %q", late)
	}
}

// An exported ledger uploaded again as the project ledger reads back the
// columns the ledger stores, so that the office may edit an export and
// upload it instead of starting from the template.
func TestLedgerXLSXReadsBack(t *testing.T) {
	env := newDashboardEnv(t)
	resp, body := env.get(t, "/export/ledger.xlsx")
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("status = %d", resp.StatusCode)
	}
	roster, err := env.store.ListUnits(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	stored, err := env.store.ListProjects(t.Context())
	if err != nil {
		t.Fatal(err)
	}

	res, err := ingest.Parse(strings.NewReader(body), ingest.Options{FileName: "ledger.xlsx",
		Dataset: saima.DatasetProjects, Roster: roster, Sheet: "项目台账"})
	if err != nil {
		t.Fatal(err)
	}
	// The seed stores a project of a unit off the roster, which an upload
	// rejects. Only such errors may come back.
	for _, e := range res.Errors {
		if e.Column != "责任单位" {
			t.Errorf("error %q, want only the seeded unit off the roster", e.String())
		}
	}
	read := map[string]saima.Project{}
	for _, p := range res.Batch.Projects {
		read[p.Code] = p
	}
	if len(read)+len(res.Errors) < len(stored) {
		t.Fatalf("read back %d projects and %d errors, want one of them for each of the %d projects",
			len(read), len(res.Errors), len(stored))
	}
	for _, want := range stored {
		got, ok := read[want.Code]
		if !ok {
			continue
		}
		if got.Scope != want.Scope {
			t.Errorf("%s 项目层级 = %q, want %q", want.Code, got.Scope, want.Scope)
		}
		if got.Type != want.Type {
			t.Errorf("%s 项目类型 = %q, want %q", want.Code, got.Type, want.Type)
		}
		if got.System != want.System {
			t.Errorf("%s 所属系统 = %q, want %q", want.Code, got.System, want.System)
		}
		if !slices.Equal(got.Partners, want.Partners) {
			t.Errorf("%s 协同单位 = %q, want %q", want.Code, got.Partners, want.Partners)
		}
	}
}

func TestLedgerXLSXFilter(t *testing.T) {
	env := newDashboardEnv(t)
	resp, body := env.get(t, "/export/ledger.xlsx?overdue=1&unit="+url.QueryEscape("宁波市江北区"))
	f := openWorkbook(t, resp, body, "项目台账-2026-10-20.xlsx")
	var codes []string
	for _, row := range rowsOf(t, f, "项目台账")[1:] {
		codes = append(codes, row[0])
	}
	if want := []string{"NB-2026-005", "NB-2026-007"}; !slices.Equal(codes, want) {
		t.Errorf("filtered export has %q, want %q", codes, want)
	}
}

// pdfText writes pdf to a file and returns what pdftotext reads from it,
// with args such as -layout.
func pdfText(tb testing.TB, pdf []byte, args ...string) string {
	tb.Helper()
	pdftotext, err := exec.LookPath("pdftotext")
	if err != nil {
		tb.Fatalf("pdftotext is required (apt-get install poppler-utils): %v", err)
	}
	path := filepath.Join(tb.TempDir(), "report.pdf")
	if err := os.WriteFile(path, pdf, 0o600); err != nil {
		tb.Fatal(err)
	}
	out, err := exec.Command(pdftotext, append(append([]string{"-enc", "UTF-8"}, args...), path, "-")...).Output()
	if err != nil {
		tb.Fatalf("pdftotext: %v", err)
	}
	return string(out)
}

// squeeze removes all white space, so that text wrapped in a PDF cell reads
// as one string.
func squeeze(s string) string { return strings.Join(strings.Fields(s), "") }

func TestAnnualPDF(t *testing.T) {
	env := newDashboardEnv(t)
	resp, body := env.get(t, "/reports/annual/2026.pdf")
	if resp.StatusCode != http.StatusOK || resp.Header.Get("Content-Type") != "application/pdf" {
		t.Fatalf("GET annual PDF = %d %s, want 200 application/pdf; body:\n%.500s", resp.StatusCode, resp.Header.Get("Content-Type"), body)
	}
	if cd := resp.Header.Get("Content-Disposition"); !strings.Contains(cd, `filename="saima-annual-2026.pdf"`) {
		t.Errorf("Content-Disposition = %q, want saima-annual-2026.pdf", cd)
	}
	// 宁波市海曙区: 0.95 × (80.2 + 91.25) ÷ 2 = 81.43875; year-end 90.0%.
	// 宁波市江北区: 0.95 × (85.1 + 84.45) ÷ 2 = 80.53625.
	// The function-named department has only 2026Q3: 0.95 × 60.05 = 57.0475.
	text := squeeze(pdfText(t, []byte(body)))
	for _, want := range []string{
		"宁波市数字化改革赛马年度考评报告", "2026年度", "区县（市）赛道年度排名", "市直部门赛道年度排名",
		"宁波市海曙区", "81.4", "85.7", "90.0%", "宁波市江北区", "80.5", squeeze(funcName), "57.0", squeeze(scriptName),
		"年度得分=0.95×季度平均+领导评价（0–5分）+0×年终考评得分率",
	} {
		if !strings.Contains(text, want) {
			t.Errorf("annual PDF text lacks %q", want)
		}
	}
}

func TestLedgerPDF(t *testing.T) {
	env := newDashboardEnv(t)
	resp, body := env.get(t, "/reports/ledger.pdf?overdue=1")
	if resp.StatusCode != http.StatusOK || resp.Header.Get("Content-Type") != "application/pdf" {
		t.Fatalf("GET ledger PDF = %d, want 200 application/pdf; body:\n%.500s", resp.StatusCode, body)
	}
	text := squeeze(pdfText(t, []byte(body)))
	for _, want := range []string{
		"宁波市数字化改革项目台账", "逾期判定日：2026-10-20", "筛选条件：仅含有逾期里程碑的项目",
		"项目：5个，逾期里程碑：5个", "NB-2026-001", "城市大脑驾驶舱", "驾驶舱上线", "20天", "NB-2026-007", "35天",
	} {
		if !strings.Contains(text, want) {
			t.Errorf("ledger PDF text lacks %q", want)
		}
	}
	if strings.Contains(text, "NB-2026-006") {
		t.Errorf("ledger PDF of overdue projects lists NB-2026-006, which has none")
	}
}

var jobRE = regexp.MustCompile(`data-job="(/reports/jobs/[0-9a-f]+)"`)

// TestUnitsZip starts the background zip of 2026Q3, polls its progress
// and checks the zip: one readable PDF per ranked unit.
func TestUnitsZip(t *testing.T) {
	env := newDashboardEnv(t)
	const target = "/reports/quarterly/2026Q3/units.zip"
	resp, body := env.get(t, target)
	if resp.StatusCode != http.StatusAccepted {
		t.Fatalf("first GET %s status = %d, want 202 and a progress page; body:\n%.500s", target, resp.StatusCode, body)
	}
	m := jobRE.FindStringSubmatch(body)
	if m == nil {
		t.Fatalf("progress page has no job address:\n%s", body)
	}
	status := pollJob(t, env, m[1])
	if download := target + "?job=" + status.ID; status.Total != 6 || status.Done != 6 || status.Percent != 100 ||
		status.Download != download {
		t.Errorf("finished job = %+v, want 6 of 6 reports, 100%% and the download %s", status, download)
	}

	// Asking again while the data is unchanged joins the same job.
	resp, body = env.get(t, target)
	if resp.StatusCode != http.StatusOK || resp.Header.Get("Content-Type") != "application/zip" {
		t.Fatalf("GET %s after the job = %d %s, want 200 application/zip", target, resp.StatusCode, resp.Header.Get("Content-Type"))
	}
	zr, err := zip.NewReader(bytes.NewReader([]byte(body)), int64(len(body)))
	if err != nil {
		t.Fatalf("read zip: %v", err)
	}
	wantUnits := []string{"宁波市海曙区", "宁波市江北区", scriptName, "市大数据局", imgName, funcName}
	if len(zr.File) != len(wantUnits) {
		t.Fatalf("zip has %d files, want %d", len(zr.File), len(wantUnits))
	}
	for i, file := range zr.File {
		t.Run(file.Name, func(t *testing.T) {
			unit := wantUnits[i]
			if want := reports.UnitFileName(i+1, len(wantUnits), unit); file.Name != want {
				t.Errorf("file %d is %q, want %q", i+1, file.Name, want)
			}
			// Windows shows the MS-DOS time, which has no zone, as it
			// is: it must be the Beijing wall clock of the exact time.
			beijing := file.Modified.In(saima.Beijing)
			dosHour, dosMinute := int(file.ModifiedTime>>11), int(file.ModifiedTime>>5&0x3f)
			if dosHour != beijing.Hour() || dosMinute != beijing.Minute() {
				t.Errorf("%s MS-DOS time is %02d:%02d, want the Beijing time %s", file.Name, dosHour, dosMinute,
					beijing.Format("15:04"))
			}
			text := squeeze(pdfText(t, readZipFile(t, file)))
			for _, want := range []string{squeeze(unit), "2026年第三季度", "单位考评详情", "第1页"} {
				if !strings.Contains(text, want) {
					t.Errorf("%s text lacks %q", file.Name, want)
				}
			}
		})
	}

	t.Run("NewDataStartsNewJob", func(t *testing.T) {
		b := &saima.Batch{
			Upload: saima.Upload{ID: "later", Dataset: saima.DatasetProblems, Uploader: "office",
				At: seedAt.Add(time.Hour), FileName: "problems.csv"},
			Problems: []saima.ProblemItem{{ID: "P-009", Unit: "市大数据局", Stage: "收集", Level: 1, Opened: mustDate("2026-10-16")}},
		}
		if err := env.store.WriteBatch(context.Background(), b); err != nil {
			t.Fatal(err)
		}
		resp, body := env.get(t, target)
		next := jobRE.FindStringSubmatch(body)
		if resp.StatusCode != http.StatusAccepted || next == nil || next[1] == m[1] {
			t.Fatalf("GET %s after an upload = %d with job %v, want 202 and a new job", target, resp.StatusCode, next)
		}
		pollJob(t, env, next[1])
		if resp, _ := env.get(t, m[1]); resp.StatusCode != http.StatusNotFound {
			t.Errorf("GET the old job after a newer one finished = %d, want 404", resp.StatusCode)
		}
	})

	// The draft's 较上期 reads the previous quarter as shown, so an
	// override there changes the reports.
	t.Run("PreviousOverrideStartsNewJob", func(t *testing.T) {
		resp, body := env.get(t, target)
		if resp.StatusCode != http.StatusOK {
			t.Fatalf("GET %s before the override = %d, want 200 and the finished zip", target, resp.StatusCode)
		}
		svc := &scoring.Service{Store: env.store}
		_, err := svc.Override(context.Background(), scoring.Override{Period: saima.Quarter(2026, 2),
			Unit: "宁波市江北区", Value: 99, By: "王五", Why: "复核"})
		if err != nil {
			t.Fatal(err)
		}
		resp, body = env.get(t, target)
		next := jobRE.FindStringSubmatch(body)
		if resp.StatusCode != http.StatusAccepted || next == nil {
			t.Fatalf("GET %s after an override of 2026Q2 = %d, want 202 and a new job", target, resp.StatusCode)
		}
		pollJob(t, env, next[1])
	})
}

// TestUnitsZipDownloadAfterUpload finishes a zip job, then lets a unit
// upload before the download link is followed, as happens all the time
// near a deadline. The link must send the finished zip. It named only the
// period, so each upload in between started a new job, and the zip could
// not be downloaded while units kept uploading.
func TestUnitsZipDownloadAfterUpload(t *testing.T) {
	env := newDashboardEnv(t)
	const target = "/reports/quarterly/2026Q3/units.zip"
	resp, body := env.get(t, target)
	m := jobRE.FindStringSubmatch(body)
	if resp.StatusCode != http.StatusAccepted || m == nil {
		t.Fatalf("GET %s = %d, want 202 and a job; body:\n%.500s", target, resp.StatusCode, body)
	}
	status := pollJob(t, env, m[1])

	b := &saima.Batch{
		Upload: saima.Upload{ID: "meanwhile", Dataset: saima.DatasetProblems, Uploader: "office",
			At: seedAt.Add(time.Hour), FileName: "problems.csv"},
		Problems: []saima.ProblemItem{{ID: "P-009", Unit: "市大数据局", Stage: "收集", Level: 1, Opened: mustDate("2026-10-16")}},
	}
	if err := env.store.WriteBatch(context.Background(), b); err != nil {
		t.Fatal(err)
	}

	resp, body = env.get(t, status.Download)
	if resp.StatusCode != http.StatusOK || resp.Header.Get("Content-Type") != "application/zip" {
		t.Fatalf("GET the download link %s after an upload = %d %s, want 200 application/zip",
			status.Download, resp.StatusCode, resp.Header.Get("Content-Type"))
	}
	if _, err := zip.NewReader(bytes.NewReader([]byte(body)), int64(len(body))); err != nil {
		t.Errorf("read zip: %v", err)
	}

	// The period's own address still builds from the current data.
	resp, body = env.get(t, target)
	next := jobRE.FindStringSubmatch(body)
	if resp.StatusCode != http.StatusAccepted || next == nil || next[1] == m[1] {
		t.Fatalf("GET %s after an upload = %d with job %v, want 202 and a new job", target, resp.StatusCode, next)
	}
	pollJob(t, env, next[1])
}

// pollJob polls a job's status until it is no longer running.
func pollJob(tb testing.TB, env *testEnv, path string) jobStatus {
	tb.Helper()
	deadline := time.Now().Add(2 * time.Minute)
	for time.Now().Before(deadline) {
		resp, body := env.get(tb, path)
		if resp.StatusCode != http.StatusOK {
			tb.Fatalf("GET %s status = %d, want 200; body:\n%s", path, resp.StatusCode, body)
		}
		var st jobStatus
		if err := json.Unmarshal([]byte(body), &st); err != nil {
			tb.Fatalf("GET %s: %v\n%s", path, err, body)
		}
		switch st.State {
		case "done":
			return st
		case "failed":
			tb.Fatalf("job failed: %+v", st)
		}
		time.Sleep(100 * time.Millisecond)
	}
	tb.Fatalf("job %s did not finish within 2 minutes", path)
	return jobStatus{}
}

func readZipFile(tb testing.TB, f *zip.File) []byte {
	tb.Helper()
	r, err := f.Open()
	if err != nil {
		tb.Fatalf("open %s: %v", f.Name, err)
	}
	defer r.Close()
	var buf bytes.Buffer
	if _, err := buf.ReadFrom(r); err != nil {
		tb.Fatalf("read %s: %v", f.Name, err)
	}
	return buf.Bytes()
}

func TestJobStatusUnknown(t *testing.T) {
	env := newTestEnv(t, nil)
	resp, body := env.get(t, "/reports/jobs/0123")
	if resp.StatusCode != http.StatusNotFound || !strings.Contains(body, "找不到该生成任务") {
		t.Errorf("GET unknown job = %d %s, want 404 with a message", resp.StatusCode, body)
	}
}

// TestJobStatusRefusedAsJSON checks that the job status, which the
// page's script polls, refuses a unit's account and a request without
// credentials in JSON, as its other replies are.
func TestJobStatusRefusedAsJSON(t *testing.T) {
	env := newTestEnv(t, nil)
	for name, cl := range map[string]*client{"unit": env.as(t, "haishu"), "token": env.withToken(), "anonymous": env.anonymous()} {
		resp, body := cl.get(t, "/reports/jobs/0123")
		want := http.StatusForbidden
		if name == "anonymous" {
			want = http.StatusUnauthorized
		}
		if resp.StatusCode != want || !strings.HasPrefix(resp.Header.Get("Content-Type"), "application/json") ||
			!strings.Contains(body, `"message"`) {
			t.Errorf("%s: GET /reports/jobs/0123 = %d %s %s, want %d in JSON", name, resp.StatusCode,
				resp.Header.Get("Content-Type"), body, want)
		}
	}
}

var (
	// boardRowRE reads a unit and its composite from a leaderboard row.
	boardRowRE = regexp.MustCompile(`(?s)<th scope="row"><a href="[^"]*">([^<]*)</a></th>\s*<td class="num[^"]*">([0-9]+\.[0-9])`)
)

// leaderboardScores returns each unit's composite as a leaderboard page
// shows it.
func leaderboardScores(tb testing.TB, page string) map[string]string {
	tb.Helper()
	out := map[string]string{}
	for _, m := range boardRowRE.FindAllStringSubmatch(page, -1) {
		out[html.UnescapeString(m[1])] = m[2]
	}
	if len(out) == 0 {
		tb.Fatalf("no ranking rows on the leaderboard:\n%s", page)
	}
	return out
}

// TestLeaderboardMatchesPDF reads every unit's composite from the
// leaderboard page and from the ranking tables of the quarterly PDF of the
// same period, and checks that they agree.
func TestLeaderboardMatchesPDF(t *testing.T) {
	env := newDashboardEnv(t)
	for _, period := range []string{"2026Q2", "2026Q3"} {
		t.Run(period, func(t *testing.T) {
			_, page := env.get(t, "/leaderboard?period="+period)
			board := leaderboardScores(t, page)

			resp, body := env.get(t, "/reports/quarterly/"+period+".pdf")
			if resp.StatusCode != http.StatusOK {
				t.Fatalf("GET PDF status = %d, want 200", resp.StatusCode)
			}
			layout := pdfText(t, []byte(body), "-layout")
			for unit, score := range board {
				row := regexp.MustCompile(`(?m)^\s*\d+\s+` + regexp.QuoteMeta(unit) + `\s+(\d+\.\d)\s`)
				m := row.FindStringSubmatch(layout)
				if m == nil {
					t.Errorf("PDF ranking tables lack a row for %q", unit)
					continue
				}
				if m[1] != score {
					t.Errorf("%s: leaderboard shows %s, PDF %s", unit, score, m[1])
				}
			}
			if len(board) < 5 {
				t.Errorf("leaderboard of %s has %d units, want the seeded ones", period, len(board))
			}
		})
	}
}

// TestUnitsZipUploadSameSecond checks that an upload in the same second as
// the last one starts a new zip job. The job's key held the upload time,
// which counts whole seconds, so the old zip was sent.
func TestUnitsZipUploadSameSecond(t *testing.T) {
	env := newDashboardEnv(t)
	const target = "/reports/quarterly/2026Q3/units.zip"
	problem := func(id string, at time.Time) {
		t.Helper()
		b := &saima.Batch{
			Upload: saima.Upload{ID: id, Dataset: saima.DatasetProblems, Uploader: "office", At: at, FileName: "problems.csv"},
			Problems: []saima.ProblemItem{{ID: "P-" + id, Unit: "市大数据局", Stage: "收集", Level: 1,
				Opened: mustDate("2026-10-16")}},
		}
		if err := env.store.WriteBatch(context.Background(), b); err != nil {
			t.Fatal(err)
		}
	}
	at := seedAt.Add(time.Hour)
	problem("first", at)
	resp, body := env.get(t, target)
	m := jobRE.FindStringSubmatch(body)
	if resp.StatusCode != http.StatusAccepted || m == nil {
		t.Fatalf("GET %s = %d, want 202 and a job; body:\n%.500s", target, resp.StatusCode, body)
	}
	pollJob(t, env, m[1])

	problem("second", at.Add(300*time.Millisecond))
	resp, body = env.get(t, target)
	next := jobRE.FindStringSubmatch(body)
	if resp.StatusCode != http.StatusAccepted || next == nil || next[1] == m[1] {
		t.Fatalf("GET %s after an upload in the same second = %d with job %v, want 202 and a new job",
			target, resp.StatusCode, next)
	}
	pollJob(t, env, next[1])
}

// TestUnitsZipShowsOverrides checks that an override recorded after a
// period's zip was built starts a new zip, whose unit reports mark the
// overridden composite and list the override.
func TestUnitsZipShowsOverrides(t *testing.T) {
	env := newEvaluationEnv(t)
	env.publish(t, "office", "")
	const target = "/reports/quarterly/2026Q2/units.zip"
	build := func() *zip.Reader {
		t.Helper()
		resp, body := env.get(t, target)
		if resp.StatusCode == http.StatusAccepted {
			m := jobRE.FindStringSubmatch(body)
			if m == nil {
				t.Fatalf("progress page has no job address:\n%s", body)
			}
			pollJob(t, env, m[1])
			resp, body = env.get(t, target)
		}
		if resp.StatusCode != http.StatusOK {
			t.Fatalf("GET %s = %d, want 200 after the job", target, resp.StatusCode)
		}
		zr, err := zip.NewReader(bytes.NewReader([]byte(body)), int64(len(body)))
		if err != nil {
			t.Fatalf("read zip: %v", err)
		}
		return zr
	}
	haishu := func(zr *zip.Reader) string {
		t.Helper()
		for _, f := range zr.File {
			if strings.HasSuffix(f.Name, "-宁波市海曙区.pdf") {
				return pdfText(t, readZipFile(t, f), "-layout")
			}
		}
		t.Fatal("zip has no report of 宁波市海曙区")
		return ""
	}

	if text := haishu(build()); strings.Contains(text, "†") {
		t.Fatal("宁波市海曙区's report has an override mark before any override")
	}
	overrideHaishu(t, env)
	text := haishu(build())
	if want := []string{"1", "宁波市海曙区", "90.0†", "66.0", "新"}; !hasLayoutRow(text, want...) {
		t.Errorf("宁波市海曙区's own report after the override lacks the ranking row %q:\n%s", want, text)
	}
	for _, want := range []string{"人工调整", "王五", "复核", "综合得分：90.0†（计算值66.0）"} {
		if !strings.Contains(squeeze(text), want) {
			t.Errorf("宁波市海曙区's own report lacks %q", want)
		}
	}
}

// hasLayoutRow reports whether a line of pdftotext -layout output consists
// of exactly fields.
func hasLayoutRow(text string, fields ...string) bool {
	for line := range strings.SplitSeq(text, "\n") {
		if slices.Equal(strings.Fields(line), fields) {
			return true
		}
	}
	return false
}

// TestLedgerXLSXUploadsAgain uploads the ledger export back as the project
// ledger, as the office does after editing it: it is accepted and leaves
// every project as it was.
func TestLedgerXLSXUploadsAgain(t *testing.T) {
	env := newSeededEnv(t)
	ctx := context.Background()
	start, due := day("2026-03-01"), day("2027-06-30")
	writeWorkflowBatch(t, env.store, "full-projects", saima.DatasetProjects, &saima.Batch{Projects: []saima.Project{{
		Code: "NB-2026-090", Name: "数据共享平台", Unit: "宁波市海曙区", LeadUnit: "市大数据局",
		Partners: []string{"宁波市江北区"}, System: "数字政府", Scope: "全市性", Type: "迭代升级", Batch: "启动实施",
		Lists: []string{"重大需求", "场景应用"}, LeaderLed: true, Leader: "王市长",
		Budget: decimal.NewNullDecimal(decimal.RequireFromString("120.5")), StartDate: &start, DueDate: &due,
	}}})
	before, err := env.store.ListProjects(ctx)
	if err != nil {
		t.Fatal(err)
	}
	_, body := env.get(t, "/export/ledger.xlsx")

	req := multipartRequest(t, "/api/uploads", "项目台账.xlsx", []byte(body), map[string]string{"dataset": saima.DatasetProjects})
	resp, reply := env.do(t, req)
	if resp.StatusCode != http.StatusCreated {
		t.Fatalf("upload of the export: status %d, want 201; body:\n%s", resp.StatusCode, reply)
	}
	var got uploadJSON
	if err := json.Unmarshal([]byte(reply), &got); err != nil {
		t.Fatalf("decode: %v\n%s", err, reply)
	}

	// The sheet of overdue milestones, named on upload, is no project
	// ledger and is rejected with nothing written.
	req = multipartRequest(t, "/api/uploads", "项目台账.xlsx", []byte(body),
		map[string]string{"dataset": saima.DatasetProjects, "sheet": "逾期里程碑"})
	if resp, reply := env.do(t, req); resp.StatusCode != http.StatusUnprocessableEntity {
		t.Errorf("upload of the export's sheet 逾期里程碑 as the ledger: status %d, want 422; body:\n%s",
			resp.StatusCode, reply)
	}
	computed := 0
	for _, w := range got.Warnings {
		if strings.Contains(w.Message, "都为空") {
			t.Errorf("upload of the export blanks stored values: %s", w.Message)
		}
		// The export's computed columns cannot be imported under any
		// name, so no warning may advise the template's names for them.
		if strings.Contains(w.Message, "最新模板") {
			t.Errorf("upload of the export advises the template's column names: %s", w.Message)
		}
		if strings.Contains(w.Message, "逾期里程碑数") {
			computed++
			if !strings.Contains(w.Message, "导出") || !strings.Contains(w.Message, "所处阶段") {
				t.Errorf("the note on the computed columns does not say they come from the export: %s", w.Message)
			}
		}
	}
	if computed != 1 {
		t.Errorf("upload of the export has %d notes on its computed columns, want one: %+v", computed, got.Warnings)
	}
	after, err := env.store.ListProjects(ctx)
	if err != nil {
		t.Fatal(err)
	}
	byCode := func(a, b saima.Project) int { return strings.Compare(a.Code, b.Code) }
	slices.SortFunc(before, byCode)
	slices.SortFunc(after, byCode)
	if !reflect.DeepEqual(after, before) {
		t.Errorf("projects after uploading the export:\n%+v\nwant\n%+v", after, before)
	}
}

package web

import (
	"context"
	"html"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/samber/lo"
	"github.com/xuri/excelize/v2"

	"saima"
	"saima/scoring"
)

// saveMarkedRun stores a 2026Q1 run of two districts in which 项目推进 was
// measured, 宁波市海曙区's 考评得分 was imputed (55) while 宁波市江北区's was
// measured, and 群众满意度 counted for no unit because no district had a
// value. It then raises 宁波市海曙区's composite from 70 to 75.
func saveMarkedRun(t *testing.T, env *testEnv) scoring.Override {
	t.Helper()
	contributions := func(progress, assessment float64, imputed bool) []saima.Contribution {
		return []saima.Contribution{
			{Indicator: "progress", Name: "项目推进", Raw: progress, Score: progress, Weight: 0.6, Points: progress * 0.6},
			{Indicator: "assessment", Name: "考评得分", Raw: assessment, Missing: imputed, Score: assessment,
				Weight: 0.4, Points: assessment * 0.4},
			{Indicator: "satisfaction", Name: "群众满意度", Missing: true},
		}
	}
	q1 := saima.Quarter(2026, 1)
	run := []saima.Score{
		{Period: q1, Track: saima.KindDistrict, RuleSet: "默认规则", RuleSetVersion: "v1", RunID: "run-marks",
			ComputedAt: seedAt, Unit: "宁波市海曙区", Value: 70, Rank: 1, Contributions: contributions(80, 55, true)},
		{Period: q1, Track: saima.KindDistrict, RuleSet: "默认规则", RuleSetVersion: "v1", RunID: "run-marks",
			ComputedAt: seedAt, Unit: "宁波市江北区", Value: 60, Rank: 2, Contributions: contributions(60, 60, false)},
	}
	if err := env.store.SaveScores(context.Background(), run, nil); err != nil {
		t.Fatal(err)
	}
	svc := &scoring.Service{Store: env.store, Now: env.clock.Now}
	o, err := svc.Override(context.Background(), scoring.Override{Period: q1, Unit: "宁波市海曙区", Value: 75,
		By: "王五", Why: "复核加分"})
	if err != nil {
		t.Fatal(err)
	}
	return o
}

// TestLeaderboardLeftOutIndicator checks that an indicator no unit of the
// track had shows 不计分 with its own note, never 0.00 with the note on
// imputed scores, and that an imputed score keeps its mark.
func TestLeaderboardLeftOutIndicator(t *testing.T) {
	env := newSeededEnv(t)
	saveMarkedRun(t, env)
	_, body := env.get(t, "/leaderboard?period=2026Q1")
	text := html.UnescapeString(body)
	cells := numberCells(text)
	for _, want := range []string{"55.00*", "不计分"} {
		if !slices.Contains(cells, want) {
			t.Errorf("leaderboard cells %q lack %q", cells, want)
		}
	}
	if slices.Contains(cells, "0.00*") || slices.Contains(cells, "0.00") {
		t.Errorf("leaderboard cells %q show the left-out indicator as a score", cells)
	}
	for _, want := range []string{"* 该单位此项无数据，得分按计分规则补足", "不计分：该单位此项无数据，且不计入综合得分"} {
		if !strings.Contains(text, want) {
			t.Errorf("leaderboard lacks the note %q", want)
		}
	}
}

// TestRankingXLSXMarks checks that the workbook marks what the page
// marks: an overridden composite with † and its computed value beside it,
// an imputed score with *, a left-out indicator as 不计分, a legend line
// for each mark, and a sheet listing the override.
func TestRankingXLSXMarks(t *testing.T) {
	env := newSeededEnv(t)
	o := saveMarkedRun(t, env)
	resp, body := env.get(t, "/export/ranking.xlsx?period=2026Q1")
	f := openWorkbook(t, resp, body, "赛马排名-2026Q1.xlsx")
	rows := rowsOf(t, f, "赛马排名")

	wantHeader := []string{"考评期间", "赛道", "名次", "单位", "综合得分", "计算值", "较上期", "上期名次",
		"项目推进", "考评得分", "群众满意度", "补值指标", "计分规则", "规则版本", "结果状态"}
	if !slices.Equal(rows[0], wantHeader) {
		t.Fatalf("header = %q, want %q", rows[0], wantHeader)
	}
	cells := func(row int) []string {
		var out []string
		for col := 5; col <= 12; col++ {
			v, _ := f.GetCellValue("赛马排名", cellName(col, row))
			out = append(out, v)
		}
		return out
	}
	if got, want := cells(2), []string{"75.0†", "70.0", "新", "—", "80.00", "55.00*", "不计分", "考评得分"}; !slices.Equal(got, want) {
		t.Errorf("宁波市海曙区's cells = %q, want %q", got, want)
	}
	if got, want := cells(3), []string{"60.0", "", "新", "—", "60.00", "60.00", "不计分", ""}; !slices.Equal(got, want) {
		t.Errorf("宁波市江北区's cells = %q, want %q", got, want)
	}
	for _, ref := range []string{"E2", "F2", "J2"} {
		if typ, _ := f.GetCellType("赛马排名", ref); typ != excelize.CellTypeNumber && typ != excelize.CellTypeUnset {
			t.Errorf("%s has type %v, want a number that a formula can use", ref, typ)
		}
	}

	legend := strings.Join(lo.Map(rows[3:], func(r []string, _ int) string { return strings.Join(r, "") }), "\n")
	for _, want := range []string{
		"† 综合得分经人工调整",
		"* 该单位此项无数据，得分按计分规则补足",
		"不计分：该单位此项无数据，且不计入综合得分",
	} {
		if !strings.Contains(legend, want) {
			t.Errorf("legend below the ranking lacks %q:\n%s", want, legend)
		}
	}

	list := rowsOf(t, f, "人工调整")
	want := []string{"宁波市海曙区", "综合得分", "75.0", "70.0", "王五",
		o.At.In(saima.Beijing).Format("2006-01-02 15:04"), "复核加分", "已生效"}
	if len(list) != 2 || !slices.Equal(list[1], want) {
		t.Errorf("sheet 人工调整 = %q, want a header and %q", list, want)
	}
	for _, ref := range []string{"C2", "D2"} {
		if typ, _ := f.GetCellType("人工调整", ref); typ != excelize.CellTypeNumber && typ != excelize.CellTypeUnset {
			t.Errorf("人工调整!%s has type %v, want a number as on 赛马排名", ref, typ)
		}
	}
}

// TestUnitPageMarks checks that a unit's own page marks its indicator
// scores as the leaderboard does: * on an imputed score and 不计分 on an
// indicator that did not count, each with its note.
func TestUnitPageMarks(t *testing.T) {
	// Only the roster is seeded, so that the marked run is each unit's
	// newest result.
	env := newTestEnv(t, nil)
	units := seedBatches()[0]
	units.Upload.ID, units.Upload.Uploader, units.Upload.At = "seed-units", "office", seedAt
	if err := env.store.WriteBatch(context.Background(), units); err != nil {
		t.Fatal(err)
	}
	saveMarkedRun(t, env)
	_, body := env.get(t, unitURL("宁波市海曙区"))
	text := html.UnescapeString(body)
	cells := numberCells(text)
	for _, want := range []string{"55.00*", "不计分"} {
		if !slices.Contains(cells, want) {
			t.Errorf("unit page cells %q lack %q", cells, want)
		}
	}
	for _, want := range []string{"* 该单位此项无数据，得分按计分规则补足", "不计分：该单位此项无数据，且不计入综合得分"} {
		if !strings.Contains(text, want) {
			t.Errorf("unit page lacks the note %q", want)
		}
	}

	_, body = env.get(t, unitURL("宁波市江北区"))
	if strings.Contains(html.UnescapeString(body), "得分按计分规则补足") {
		t.Errorf("宁波市江北区's page has the imputed note, but none of its scores was imputed")
	}
}

// numberCell matches a table's number cell and captures its text.
var numberCell = regexp.MustCompile(`<td class="num[^"]*">([^<]*)</td>`)

// numberCells returns the text of every number cell of a page.
func numberCells(page string) []string {
	var cells []string
	for _, m := range numberCell.FindAllStringSubmatch(page, -1) {
		cells = append(cells, m[1])
	}
	return cells
}

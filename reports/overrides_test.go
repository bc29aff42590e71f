package reports

import (
	"context"
	"slices"
	"strings"
	"testing"
	"time"

	"saima"
	"saima/scoring"
)

// overriddenRanking is newFakeSource's ranking after two manual
// overrides: 宁波市海曙区's composite raised from 88.45 to 150, and
// 宁海县's 问题整改率 cut from 80 to 10, which moves its composite from 80
// to 52. An override of an unknown unit is listed as not applied.
func overriddenRanking(src *fakeSource) QuarterRanking {
	at := time.Date(2026, 10, 14, 10, 5, 0, 0, saima.Beijing)
	q3 := saima.Quarter(2026, 3)
	shown := make([]saima.Score, len(src.scores))
	copy(shown, src.scores)
	computed := map[string]saima.Score{}
	for i, s := range shown {
		switch s.Unit {
		case "宁波市海曙区":
			computed[s.Unit] = s
			shown[i].Value = 150
		case "宁海县":
			computed[s.Unit] = s
			shown[i].Contributions = append([]saima.Contribution(nil), s.Contributions...)
			shown[i].Contributions[1].Score, shown[i].Contributions[1].Points = 10, 4
			shown[i].Value = 52
		}
	}
	return QuarterRanking{
		Scores: shown, Status: "已发布 v1", Computed: computed,
		Overrides: []scoring.Override{
			{Period: q3, Unit: "宁波市海曙区", Value: 150, By: "王五", Why: "复核加分", At: at},
			{Period: q3, Unit: "宁海县", Indicator: "问题整改率", Value: 10, By: "李四", Why: "核减", At: at.Add(time.Hour)},
		},
		Unmatched: []scoring.Override{
			{Period: q3, Unit: "北仑区", Value: 90, By: "赵六", Why: "名单外", At: at},
		},
	}
}

func TestQuarterlyMarksOverrides(t *testing.T) {
	src := newFakeSource()
	q, err := BuildQuarterlyRanking(t.Context(), src, saima.Quarter(2026, 3), reportTime, overriddenRanking(src))
	if err != nil {
		t.Fatal(err)
	}
	path, _ := renderPDF(t, q)
	text := squeezed(popplerText(t, path))
	layout := popplerText(t, path, "-layout")

	rows := [][]string{
		{"1", "宁波市海曙区", "150.0†", "88.5", "↑2"}, // rank, unit, composite as shown, computed, movement
		{"2", "宁海县", "52.0†", "80.0", "↓1"},
		{"问题整改率", "80", "10.00†", "80.00", "40%", "4.00"}, // 宁海县's indicator table
		{"综合得分", "80.0", "52.0†"},
	}
	for _, row := range rows {
		if !hasRow(layout, row...) {
			t.Errorf("quarterly PDF has no row %q", row)
		}
	}
	for _, want := range []string{
		"人工调整",
		"宁波市海曙区综合得分150.088.5王五2026-10-1410:05复核加分",
		"宁海县问题整改率10.0080.00李四2026-10-1411:05核减",
		"北仑区综合得分（未生效：本次结果中没有该单位或指标）90.0—赵六",
		"综合得分：150.0†（计算值88.5）",
		"综合得分150.0分（经人工调整，计算值88.5分）", // the summary
		"†综合得分由88.5调整为150.0（王五，2026-10-1410:05）：复核加分",
		"†问题整改率由80.00调整为10.00（李四，2026-10-1411:05）：核减",
	} {
		if !strings.Contains(text, want) {
			t.Errorf("quarterly PDF text lacks %q", want)
		}
	}

	t.Run("UnitReport", func(t *testing.T) {
		single, ok := q.ForUnit("宁海县")
		if !ok {
			t.Fatal("ForUnit(宁海县) found no section")
		}
		path, _ := renderPDF(t, single)
		layout := popplerText(t, path, "-layout")
		text := squeezed(layout)
		for _, row := range [][]string{{"1", "宁波市海曙区", "150.0†", "88.5", "↑2"}, {"2", "宁海县", "52.0†", "80.0", "↓1"}} {
			if !hasRow(layout, row...) {
				t.Errorf("宁海县's own report has no row %q", row)
			}
		}
		for _, want := range []string{"李四", "核减", "王五", "复核加分"} {
			if !strings.Contains(text, want) {
				t.Errorf("宁海县's own report lacks %q", want)
			}
		}
		if strings.Contains(text, "赵六") {
			t.Error("宁海县's own report lists an override of a unit outside its track")
		}
	})
}

// hasRow reports whether a line of pdftotext -layout output consists of
// exactly fields.
func hasRow(layout string, fields ...string) bool {
	for line := range strings.SplitSeq(layout, "\n") {
		if slices.Equal(strings.Fields(line), fields) {
			return true
		}
	}
	return false
}

func TestQuarterlyLeftOutIndicator(t *testing.T) {
	src := newFakeSource()
	src.scores[2].Contributions[2] = saima.Contribution{Indicator: "satisfaction", Name: "群众满意度", Missing: true}
	q, err := BuildQuarterly(t.Context(), src, saima.Quarter(2026, 3), reportTime)
	if err != nil {
		t.Fatal(err)
	}
	if want := "“群众满意度”本期无数据，不计分。"; !strings.Contains(q.Units[0].Summary, want) {
		t.Errorf("summary = %q, want it to contain %q", q.Units[0].Summary, want)
	}
	if strings.Contains(q.Units[0].Summary, "补值") {
		t.Errorf("summary = %q, says a left-out indicator was imputed", q.Units[0].Summary)
	}
	path, _ := renderPDF(t, q)
	if row := []string{"群众满意度", "无数据", "不计分", "0%", "—"}; !hasRow(popplerText(t, path, "-layout"), row...) {
		t.Errorf("indicator table has no left-out row %q", row)
	}
}

func squeezed(s string) string { return strings.Join(strings.Fields(s), "") }

// TestAnnualMarksOverridesAndPartialQuarters rolls up newAnnualSource with
// 宁波市海曙区's 2026Q3 composite overridden from 85 to 95, and a 2026Q4
// published on 5 December, before the quarter ended.
func TestAnnualMarksOverridesAndPartialQuarters(t *testing.T) {
	src := newAnnualSource()
	q3, q4 := saima.Quarter(2026, 3), saima.Quarter(2026, 4)
	src.scores[q4] = []saima.Score{quarterScore(4, saima.KindDistrict, "宁波市海曙区", 60)}
	at := time.Date(2026, 10, 14, 10, 5, 0, 0, saima.Beijing)
	quarters := func(_ context.Context, p saima.Period) (QuarterRanking, error) {
		r := QuarterRanking{Scores: slices.Clone(src.scores[p]), Status: "已发布 v1",
			ReadAt: p.End().Time().AddDate(0, 0, 3)}
		switch p {
		case q3:
			i := slices.IndexFunc(r.Scores, func(s saima.Score) bool { return s.Unit == "宁波市海曙区" })
			r.Computed = map[string]saima.Score{"宁波市海曙区": r.Scores[i]}
			r.Scores[i].Value = 95
			r.Overrides = []scoring.Override{{Period: q3, Unit: "宁波市海曙区", Value: 95, By: "王五", Why: "复核加分", At: at}}
		case q4:
			r.ReadAt = time.Date(2026, 12, 5, 9, 0, 0, 0, saima.Beijing)
		}
		return r, nil
	}
	a, err := BuildAnnualFrom(context.Background(), src, 2026, DefaultAnnualRule(), reportTime, quarters)
	if err != nil {
		t.Fatal(err)
	}
	path := writeAnnualPDF(t, a)
	layout := popplerText(t, path, "-layout")
	text := squeezed(layout)

	// The row reads rank, unit, the four quarters, the mean of 80, 90, 95
	// and 60, leadership, year-end and annual score (0.95 × 81.25). The
	// line below it gives the computed 2026Q3 composite.
	for _, row := range [][]string{
		{"2", "宁波市海曙区", "80.0", "90.0", "95.0†", "60.0", "81.3", "0", "85.0%", "77.2"},
		{"(85.0)"},
		{"2026年第三季度", "综合得分", "95.0", "85.0", "王五", "2026-10-14", "10:05", "复核加分"},
	} {
		if !hasRow(layout, row...) {
			t.Errorf("annual PDF has no row %q:\n%s", row, layout)
		}
	}
	for _, want := range []string{
		"(85.0)",
		"四季度*",
		"注：2026年第四季度的结果读取的是2026-12-05已上传的数据，早于该季度结束（2026-12-31），不是期末结果",
		"人工调整",
		"†该季度综合得分经人工调整，下方括号内为计算值",
	} {
		if !strings.Contains(text, want) {
			t.Errorf("annual PDF text lacks %q", want)
		}
	}
	for _, absent := range []string{"一季度*", "三季度*"} {
		if strings.Contains(text, absent) {
			t.Errorf("annual PDF marks a final quarter: %q", absent)
		}
	}
}

// The annual report names the units that the year's quarterly runs left
// out of the ranking on purpose, with the quarters and the reasons, as the
// quarterly report does, so that no unit drops out of it unseen.
func TestAnnualNamesUnrankedUnits(t *testing.T) {
	src := newAnnualSource()
	q2, q3 := saima.Quarter(2026, 2), saima.Quarter(2026, 3)
	left := saima.Unit{Name: "宁波前湾新区", Kind: saima.KindOther, Track: saima.TrackUnranked,
		UnrankedReason: "新设功能区，2027年起参评"}
	quarters := func(_ context.Context, p saima.Period) (QuarterRanking, error) {
		r := QuarterRanking{Scores: slices.Clone(src.scores[p]), Status: "已发布 v1"}
		if p == q2 || p == q3 {
			r.Unranked = []saima.Unit{left}
		}
		return r, nil
	}
	a, err := BuildAnnualFrom(context.Background(), src, 2026, DefaultAnnualRule(), reportTime, quarters)
	if err != nil {
		t.Fatal(err)
	}
	layout := popplerText(t, writeAnnualPDF(t, a), "-layout")
	if !hasRow(layout, "宁波前湾新区", saima.KindOther, "二季度、三季度", "新设功能区，2027年起参评") {
		t.Errorf("annual PDF has no row naming the unranked unit, its quarters and reason:\n%s", layout)
	}
	if text := squeezed(layout); !strings.Contains(text, "不参与排名的单位") {
		t.Errorf("annual PDF has no section 不参与排名的单位:\n%s", layout)
	}
}

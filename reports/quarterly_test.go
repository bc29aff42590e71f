package reports

import (
	"context"
	"errors"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/shopspring/decimal"

	"saima"
	"saima/scoring"
)

// fakeSource replaces the caller's store with fixed data and records the
// arguments of its calls.
type fakeSource struct {
	units    []saima.Unit
	scores   []saima.Score
	progress []saima.ProgressReport
	overdue  []saima.Milestone
	// assessments are returned for every period, so a test lists only
	// records of the period it requests.
	assessments []saima.Assessment
	err         error // returned by ListProgress
	gotPeriods  []saima.Period
	gotAsOf     saima.Date
}

func (f *fakeSource) ListUnits(context.Context) ([]saima.Unit, error) { return f.units, nil }

func (f *fakeSource) ListScores(_ context.Context, p saima.Period) ([]saima.Score, error) {
	f.gotPeriods = append(f.gotPeriods, p)
	return f.scores, nil
}

func (f *fakeSource) ListProgress(_ context.Context, p saima.Period) ([]saima.ProgressReport, error) {
	f.gotPeriods = append(f.gotPeriods, p)
	return f.progress, f.err
}

func (f *fakeSource) ListOverdueMilestones(_ context.Context, asOf saima.Date) ([]saima.Milestone, error) {
	f.gotAsOf = asOf
	return f.overdue, nil
}

func (f *fakeSource) ListAssessments(context.Context, saima.Period) ([]saima.Assessment, error) {
	return f.assessments, nil
}

func progressReport(unit, code, name string, period saima.Period, pct string) saima.ProgressReport {
	p := saima.ProgressReport{
		Unit: unit, ProjectCode: code, ProjectName: name, Period: period, Progress: name + "推进中",
	}
	if pct != "" {
		p.Percent = decimal.NewNullDecimal(decimal.RequireFromString(pct))
	}
	return p
}

func newFakeSource() *fakeSource {
	q3 := saima.Quarter(2026, 3)
	done := date(2026, 10, 12) // after the quarter's judging day, 2026-09-30
	doneInQuarter := date(2026, 9, 12)
	return &fakeSource{
		units: []saima.Unit{
			{Name: "宁波市海曙区", Kind: saima.KindDistrict, Track: saima.KindDistrict},
			{Name: "宁海县", Kind: saima.KindDistrict, Track: saima.KindDistrict},
			{Name: "市大数据局", Kind: saima.KindDepartment, Track: saima.KindDepartment},
		},
		// Departments first and ranks out of order, to check the grouping.
		scores: []saima.Score{
			score(saima.KindDepartment, "市大数据局", 91.25, 1, 0,
				contribution("数据共享率", 97.4, 97.4, 0.5), contribution("接口调用量", 3.7, 85.1, 0.5)),
			score(saima.KindDistrict, "宁海县", 80, 2, 1,
				contribution("项目按时开工率", 80, 80, 0.6), contribution("问题整改率", 80, 80, 0.4)),
			score(saima.KindDistrict, "宁波市海曙区", 88.45, 1, 3,
				contribution("项目按时开工率", 95, 95, 0.6), contribution("问题整改率", 80.5, 80.5, 0.4),
				saima.Contribution{Indicator: "satisfaction", Name: "群众满意度", Missing: true, Score: 60, Weight: 0.1}),
		},
		progress: []saima.ProgressReport{
			progressReport("宁波市海曙区", "NB-2026-004", "海曙区智慧社区试点", q3, "88"),
			progressReport("宁波市海曙区", "NB-2026-003", "海曙区老旧小区改造（二期）", saima.Month(2026, 9), "85"),
			progressReport("宁波市海曙区", "NB-2026-003", "海曙区老旧小区改造（二期）", q3, "40.885"),
			progressReport("宁海县", "NB-2026-039", "宁海县农村供水保障工程", q3, ""),
			progressReport("市大数据局", "NB-2026-045", "城市大脑数据中台（二期）", q3, "86.7"),
		},
		overdue: []saima.Milestone{
			{ProjectCode: "NB-2026-003", Name: "主体工程完工", Planned: date(2026, 9, 15), Status: "进行中"},
			{ProjectCode: "NB-2026-017", Name: "接口联调", Unit: "宁波市海曙区", Planned: date(2026, 9, 5),
				Actual: &doneInQuarter, Status: "已完成"},
			{ProjectCode: "NB-2026-017", Name: "平台上线试运行", Unit: "宁波市海曙区", Planned: date(2026, 9, 10),
				Actual: &done, Status: "已完成"},
			{ProjectCode: "NB-2026-045", Name: "数据归集完成", Unit: "宁海县", Planned: date(2026, 6, 30),
				Status: "已完成"},
			{ProjectCode: "NB-2026-099", Name: "无人认领", Planned: date(2026, 8, 1), Status: "未开始"},
		},
	}
}

func TestBuildQuarterly(t *testing.T) {
	src := newFakeSource()
	q, err := BuildQuarterly(t.Context(), src, saima.Quarter(2026, 3), reportTime)
	if err != nil {
		t.Fatalf("BuildQuarterly: %v", err)
	}

	t.Run("Header", func(t *testing.T) {
		if q.Title != DefaultTitle {
			t.Errorf("Title = %q, want %q", q.Title, DefaultTitle)
		}
		if q.Period != saima.Quarter(2026, 3) {
			t.Errorf("Period = %v, want 2026Q3", q.Period)
		}
		if !q.GeneratedAt.Equal(reportTime) {
			t.Errorf("GeneratedAt = %v, want %v", q.GeneratedAt, reportTime)
		}
		if want := "2026年度赛马规则（版本 3f2a9c1d）"; q.RuleSet != want {
			t.Errorf("RuleSet = %q, want %q", q.RuleSet, want)
		}
		// The day after the quarter, as the scores judge it.
		want := date(2026, 10, 1)
		if got := saima.DateOf(q.DataAsOf); got != want {
			t.Errorf("DataAsOf = %v, want %v", got, want)
		}
		if src.gotAsOf != want {
			t.Errorf("overdue milestones asked as of %v, want %v", src.gotAsOf, want)
		}
	})
	t.Run("Tracks", func(t *testing.T) {
		var got [][]string
		for _, tr := range q.Tracks {
			got = append(got, append([]string{tr.Track}, unitNames(tr.Scores)...))
		}
		want := [][]string{
			{saima.KindDistrict, "宁波市海曙区", "宁海县"},
			{saima.KindDepartment, "市大数据局"},
		}
		if !slices.EqualFunc(got, want, slices.Equal) {
			t.Errorf("tracks = %q, want %q", got, want)
		}
	})
	t.Run("Sections", func(t *testing.T) {
		var got []string
		for _, sec := range q.Units {
			got = append(got, sec.Unit.Name)
		}
		if want := []string{"宁波市海曙区", "宁海县", "市大数据局"}; !slices.Equal(got, want) {
			t.Errorf("sections = %q, want %q", got, want)
		}
		if q.Units[0].Unit.Kind != saima.KindDistrict {
			t.Errorf("section unit = %+v, want the roster entry", q.Units[0].Unit)
		}
	})
	t.Run("Projects", func(t *testing.T) {
		haishu := q.Units[0].Projects
		var got []string
		for _, p := range haishu {
			got = append(got, p.Code+" "+p.Period.String()+" "+formatPercent(p.Percent))
		}
		want := []string{"NB-2026-003 2026Q3 40.885", "NB-2026-003 2026-09 85", "NB-2026-004 2026Q3 88"}
		if !slices.Equal(got, want) {
			t.Errorf("海曙区 projects = %q, want %q", got, want)
		}
		if p := q.Units[1].Projects; len(p) != 1 || p[0].Percent != nil {
			t.Errorf("宁海县 projects = %+v, want one with no percent", p)
		}
	})
	t.Run("Overdue", func(t *testing.T) {
		want := map[string][]string{
			"宁波市海曙区": {"接口联调", "平台上线试运行", "主体工程完工"}, // by unit, then through NB-2026-003
			"宁海县":    {"数据归集完成"},                    // its unit wins over the project's
			"市大数据局":  nil,
		}
		for _, sec := range q.Units {
			var got []string
			for _, m := range sec.Overdue {
				got = append(got, m.Name)
			}
			if !slices.Equal(got, want[sec.Unit.Name]) {
				t.Errorf("%s overdue = %q, want %q", sec.Unit.Name, got, want[sec.Unit.Name])
			}
		}
	})
	t.Run("Summary", func(t *testing.T) {
		want := "宁波市海曙区在区县（市）赛道综合得分88.5分，在2个参评单位中排名第1，较上期上升2名。" +
			"分项指标中，“项目按时开工率”得分最高（95.00分），“问题整改率”得分最低（80.50分）。" +
			"“群众满意度”本期无数据，按规则补值计分。" +
			"本期填报项目进展3条，2个里程碑逾期未完成，1个逾期后完成。"
		if got := q.Units[0].Summary; got != want {
			t.Errorf("海曙区 summary =\n%s\nwant\n%s", got, want)
		}
	})
}

// TestOverdueTableOnJudgingDay checks that a milestone done on the
// judging day or later is late up to that day and marked as done after it.
func TestOverdueTableOnJudgingDay(t *testing.T) {
	asOf := date(2026, 10, 1)
	inQuarter, onDay, after := date(2026, 9, 12), date(2026, 10, 1), date(2026, 10, 12)
	tb := overdueTable([]saima.Milestone{
		{ProjectCode: "P1", Name: "接口联调", Planned: date(2026, 9, 5), Actual: &inQuarter, Status: "已完成"},
		{ProjectCode: "P1", Name: "平台上线试运行", Planned: date(2026, 9, 10), Actual: &after, Status: "已完成"},
		{ProjectCode: "P2", Name: "主体工程完工", Planned: date(2026, 9, 15), Status: "进行中"},
		{ProjectCode: "P2", Name: "竣工验收", Planned: date(2026, 9, 30), Actual: &onDay, Status: "已完成"},
	}, asOf)
	want := [][]string{
		{"P1", "接口联调", "2026-09-05", "2026-09-12", "7 天", "已完成"},
		{"P1", "平台上线试运行", "2026-09-10", "2026-10-12", "21 天", "判定日后完成"},
		{"P2", "主体工程完工", "2026-09-15", "未完成", "16 天", "进行中"},
		{"P2", "竣工验收", "2026-09-30", "2026-10-01", "1 天", "判定日后完成"},
	}
	if len(tb.rows) != len(want) {
		t.Fatalf("overdue table has %d rows, want %d", len(tb.rows), len(want))
	}
	for i := range want {
		if !slices.Equal(tb.rows[i], want[i]) {
			t.Errorf("row %d = %q, want %q", i, tb.rows[i], want[i])
		}
	}
}

func unitNames(scores []saima.Score) []string {
	var names []string
	for _, s := range scores {
		names = append(names, s.Unit)
	}
	return names
}

func formatPercent(p *float64) string {
	if p == nil {
		return "nil"
	}
	return decimal.NewFromFloat(*p).String()
}

func TestBuildQuarterlyJudgesOverdueToday(t *testing.T) {
	src := newFakeSource()
	if _, err := BuildQuarterly(t.Context(), src, saima.Quarter(2026, 4), reportTime); err != nil {
		t.Fatalf("BuildQuarterly: %v", err)
	}
	if want := date(2026, 10, 15); src.gotAsOf != want {
		t.Errorf("overdue milestones asked as of %v, want today %v for a quarter not yet over",
			src.gotAsOf, want)
	}
	for _, p := range src.gotPeriods {
		if p != saima.Quarter(2026, 4) {
			t.Errorf("source asked for period %v, want 2026Q4", p)
		}
	}
}

func TestBuildQuarterlyErrors(t *testing.T) {
	t.Run("NoScores", func(t *testing.T) {
		src := newFakeSource()
		src.scores = nil
		_, err := BuildQuarterly(t.Context(), src, saima.Quarter(2026, 3), reportTime)
		if saima.ErrorKind(err) != saima.KindNotFound {
			t.Errorf("BuildQuarterly(no scores) error = %v (kind %v), want kind not found",
				err, saima.ErrorKind(err))
		}
	})
	t.Run("SourceFails", func(t *testing.T) {
		src := newFakeSource()
		src.err = errors.New("connection refused")
		_, err := BuildQuarterly(t.Context(), src, saima.Quarter(2026, 3), reportTime)
		if !errors.Is(err, src.err) {
			t.Errorf("BuildQuarterly(failing source) error = %v, want it to wrap %v", err, src.err)
		}
	})
}

func TestSummarize(t *testing.T) {
	district := func(value float64, rank, prev int, contribs ...saima.Contribution) saima.Score {
		return score(saima.KindDistrict, "宁海县", value, rank, prev, contribs...)
	}
	other := score(saima.KindDistrict, "象山县", 80, 1, 1)
	late := date(2026, 9, 20)
	tests := []struct {
		name string
		sec  UnitSection
		peer saima.Score // the other unit in the track
		want string
	}{
		{
			name: "TiedAndFell",
			sec:  UnitSection{Score: district(80, 1, 0)},
			peer: other,
			want: "宁海县在区县（市）赛道综合得分80.0分，在2个参评单位中并列第1，上期未参与排名。本期未填报项目进展，无逾期里程碑。",
		},
		{
			name: "FellOneIndicator",
			sec:  UnitSection{Score: district(70, 2, 1, contribution("问题整改率", 70, 70, 1))},
			peer: other,
			want: "宁海县在区县（市）赛道综合得分70.0分，在2个参评单位中排名第2，较上期下降1名。" +
				"有数据的指标仅“问题整改率”一项，得分70.00分。本期未填报项目进展，无逾期里程碑。",
		},
		{
			name: "SameRankEqualIndicators",
			sec: UnitSection{
				Score:    district(70, 2, 2, contribution("甲", 1, 70, 0.5), contribution("乙", 2, 70, 0.5)),
				Projects: []ProjectLine{{Code: "NB-1"}},
				Overdue: []saima.Milestone{
					{Name: "按时完成", Planned: date(2026, 9, 20), Actual: &late},
					{Name: "逾期", Planned: date(2026, 9, 1)},
				},
			},
			peer: other,
			want: "宁海县在区县（市）赛道综合得分70.0分，在2个参评单位中排名第2，名次与上期持平。" +
				"各项指标得分均为70.00分。本期填报项目进展1条，1个里程碑逾期未完成。",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			track := TrackRanking{Track: saima.KindDistrict, Scores: []saima.Score{tt.peer, tt.sec.Score}}
			if got := summarize(tt.sec, track, date(2026, 9, 30)); got != tt.want {
				t.Errorf("summarize() =\n%s\nwant\n%s", got, tt.want)
			}
		})
	}
}

func TestMovementLabel(t *testing.T) {
	tests := []struct {
		rank, prev int
		want       string
	}{
		{1, 3, "↑2"},
		{3, 2, "↓1"},
		{2, 2, "—"},
		{4, 0, "新"},
	}
	for _, tt := range tests {
		s := saima.Score{Rank: tt.rank, PrevRank: tt.prev}
		if got := movementLabel(s); got != tt.want {
			t.Errorf("movementLabel(rank %d, previous %d) = %q, want %q", tt.rank, tt.prev, got, tt.want)
		}
	}
}

// The quarter's report lists milestones still open however old they are,
// and those done late within the quarter, not those an earlier quarter saw
// done late.
func TestOverdueInPeriod(t *testing.T) {
	day := func(y int, m time.Month, d int) *saima.Date { v := saima.NewDate(y, m, d); return &v }
	overdue := []saima.Milestone{
		{Name: "open since 2025", Planned: *day(2025, 3, 31)},
		{Name: "late in 2025Q2", Planned: *day(2025, 3, 31), Actual: day(2025, 5, 1)},
		{Name: "late in 2026Q3", Planned: *day(2026, 6, 30), Actual: day(2026, 7, 1)},
	}
	var got []string
	for _, m := range overdueInPeriod(overdue, saima.Quarter(2026, 3)) {
		got = append(got, m.Name)
	}
	if want := []string{"open since 2025", "late in 2026Q3"}; !slices.Equal(got, want) {
		t.Errorf("overdue in 2026Q3 = %q, want %q", got, want)
	}
}

// TestQuarterlyAssessmentRecords checks that each unit's section lists its
// own assessment records of the quarter and its months, with their
// evaluators drawn through the font fallback, and only its own.
func TestQuarterlyAssessmentRecords(t *testing.T) {
	src := newFakeSource()
	record := func(unit, indicator, evaluator string, period saima.Period, score string) saima.Assessment {
		return saima.Assessment{Unit: unit, Indicator: indicator, Mode: "线上日常", Period: period,
			Score: decimal.RequireFromString(score), Evaluator: evaluator}
	}
	src.assessments = []saima.Assessment{
		record("宁波市海曙区", "数据共享", "张堃", saima.Quarter(2026, 3), "8.5"),
		record("宁波市海曙区", "问题整改", "吉𠮷", saima.Month(2026, 8), "9"),
		record("市大数据局", "接口调用", "李喆", saima.Quarter(2026, 3), "7"),
	}
	q, err := BuildQuarterly(t.Context(), src, saima.Quarter(2026, 3), reportTime)
	if err != nil {
		t.Fatal(err)
	}
	haishu, ok := q.ForUnit("宁波市海曙区")
	if !ok {
		t.Fatal("no section for 宁波市海曙区")
	}
	if n := len(haishu.Units[0].Assessments); n != 2 {
		t.Fatalf("宁波市海曙区 assessment records = %d, want 2", n)
	}

	path, _ := renderPDF(t, haishu)
	plain := strings.Join(strings.Fields(popplerText(t, path)), "")
	for _, want := range []string{
		"本期考评记录",
		"2026年第三季度数据共享线上日常8.5—张堃",
		"2026年8月问题整改线上日常9—吉□",
	} {
		if !strings.Contains(plain, want) {
			t.Errorf("宁波市海曙区's PDF text lacks %q", want)
		}
	}
	if strings.Contains(plain, "李喆") {
		t.Error("宁波市海曙区's PDF lists another unit's assessment record")
	}
}

// TestQuarterlyRankingDataVersion checks that a recorded ranking's data
// version reaches the report as a time, and that an unrecorded one leaves
// it zero.
func TestQuarterlyRankingDataVersion(t *testing.T) {
	at := time.Date(2026, 12, 5, 10, 30, 0, 0, saima.Beijing)
	q, err := BuildQuarterlyRanking(t.Context(), newFakeSource(), saima.Quarter(2026, 3), reportTime,
		QuarterRanking{Scores: newFakeSource().scores, Status: "已发布 v2", DataAsOf: uint64(at.UnixNano()), DataTime: at})
	if err != nil {
		t.Fatal(err)
	}
	if !q.DataVersion.Equal(at) {
		t.Errorf("DataVersion = %v, want %v", q.DataVersion, at)
	}
	q, err = BuildQuarterlyRanking(t.Context(), newFakeSource(), saima.Quarter(2026, 3), reportTime,
		QuarterRanking{Scores: newFakeSource().scores})
	if err != nil {
		t.Fatal(err)
	}
	if !q.DataVersion.IsZero() {
		t.Errorf("DataVersion of an unrecorded run = %v, want zero", q.DataVersion)
	}
}

// TestQuarterlyRankingJudgedOnVersion checks that a ranking published
// while its quarter ran is reported with the milestones judged on its
// data version's day, as its scores were, and not on the day the report
// is made.
func TestQuarterlyRankingJudgedOnVersion(t *testing.T) {
	src := newFakeSource()
	version := time.Date(2026, 9, 20, 10, 0, 0, 0, saima.Beijing)
	later := time.Date(2026, 11, 2, 9, 0, 0, 0, saima.Beijing)
	q, err := BuildQuarterlyRanking(t.Context(), src, saima.Quarter(2026, 3), later,
		QuarterRanking{Scores: src.scores, Status: "已发布 v1", DataAsOf: uint64(version.UnixNano()), DataTime: version})
	if err != nil {
		t.Fatal(err)
	}
	want := date(2026, 9, 20)
	if got := saima.DateOf(q.DataAsOf); got != want {
		t.Errorf("judging day = %s, want %s, the data version's day", got, want)
	}
	if src.gotAsOf != want {
		t.Errorf("overdue milestones asked as of %s, want %s", src.gotAsOf, want)
	}
}

// TestQuarterlyMarksPartialRanking checks that a ranking that read the
// ledger before its quarter ended, as a publication during the quarter
// does, keeps saying so in the report after the quarter has ended.
func TestQuarterlyMarksPartialRanking(t *testing.T) {
	tests := []struct {
		name   string
		readAt time.Time
		want   bool
	}{
		{"ReadDuringQuarter", time.Date(2026, 9, 15, 18, 0, 0, 0, saima.Beijing), true},
		{"ReadOnLastDay", time.Date(2026, 9, 30, 23, 0, 0, 0, saima.Beijing), true},
		{"ReadAfterQuarter", time.Date(2026, 10, 1, 8, 0, 0, 0, saima.Beijing), false},
		{"Unknown", time.Time{}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			src := newFakeSource()
			r := QuarterRanking{Scores: src.scores, Status: "已发布 v1", ReadAt: tt.readAt}
			q, err := BuildQuarterlyRanking(t.Context(), src, saima.Quarter(2026, 3), reportTime, r)
			if err != nil {
				t.Fatal(err)
			}
			path, _ := renderPDF(t, q)
			text := strings.Join(strings.Fields(popplerText(t, path)), "")
			// The report is made on 2026-10-15, after the quarter ended.
			note := "本期已于2026-09-30结束，但这一版本读取的是" + saima.DateOf(tt.readAt).String() +
				"已上传的数据，不是期末结果；请改革办按全部数据重新发布。"
			for _, want := range []string{"数据截止：" + note, "注：" + note} {
				if got := strings.Contains(text, want); got != tt.want {
					t.Errorf("PDF text contains %q = %v, want %v", want, got, tt.want)
				}
			}
			if !tt.want && strings.Contains(text, "数据截止") {
				t.Error("PDF of a ranking read after the quarter says its data stop early")
			}
			if strings.Contains(text, "才结束") {
				t.Error("PDF made after the quarter ended says the quarter has yet to end")
			}
		})
	}
}

// TestRankingOfShiftedClock checks that a recorded ranking's data version,
// a real commit time, reaches the report on the clock that the report is
// made by, as saima demo --today shifts it. Its time then falls on that
// clock's day, as the page's date and the cover's 逾期判定日 do.
func TestRankingOfShiftedClock(t *testing.T) {
	committed := time.Now()
	shift := 26 * 24 * time.Hour
	st := &scoring.Standing{Period: saima.Quarter(2026, 3),
		Evaluation: &scoring.Evaluation{Status: "draft", DataAsOf: uint64(committed.UnixNano())}}
	r := RankingOf(st, time.Now().Add(shift))
	want := committed.Add(shift)
	if !r.DataTime.Equal(want) {
		t.Errorf("DataTime = %v, want the commit time moved by the clock's shift, %v", r.DataTime, want)
	}
	if !r.ReadAt.Equal(want) {
		t.Errorf("ReadAt of a record without a time = %v, want %v", r.ReadAt, want)
	}
}

// TestQuarterlyPartialWhileRunning checks the note of a report made while
// its quarter still runs.
func TestQuarterlyPartialWhileRunning(t *testing.T) {
	src := newFakeSource()
	readAt := time.Date(2026, 9, 15, 18, 0, 0, 0, saima.Beijing)
	r := QuarterRanking{Scores: src.scores, Status: "未发布", Draft: true, ReadAt: readAt}
	q, err := BuildQuarterlyRanking(t.Context(), src, saima.Quarter(2026, 3), readAt.Add(time.Hour), r)
	if err != nil {
		t.Fatal(err)
	}
	path, _ := renderPDF(t, q)
	text := strings.Join(strings.Fields(popplerText(t, path)), "")
	want := "数据截止：本期到2026-09-30才结束，本结果读取的是2026-09-15已上传的数据，不是期末结果；期末之后需按全部数据重新计分或发布。"
	if !strings.Contains(text, want) {
		t.Errorf("PDF text lacks %q:\n%s", want, text)
	}
}

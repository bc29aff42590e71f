package reports

import (
	"context"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/shopspring/decimal"

	"saima"
)

// annualSource serves fixed scores per quarter and assessments.
type annualSource struct {
	units       []saima.Unit
	scores      map[saima.Period][]saima.Score
	assessments []saima.Assessment
}

func (a *annualSource) ListUnits(context.Context) ([]saima.Unit, error) { return a.units, nil }

func (a *annualSource) ListScores(_ context.Context, p saima.Period) ([]saima.Score, error) {
	return a.scores[p], nil
}

func (a *annualSource) ListAssessments(_ context.Context, p saima.Period) ([]saima.Assessment, error) {
	return a.assessments, nil
}

func quarterScore(q int, track, unit string, value float64) saima.Score {
	s := score(track, unit, value, 1, 0)
	s.Period = saima.Quarter(2026, q)
	return s
}

func assessment(unit string, period saima.Period, score, full string) saima.Assessment {
	a := saima.Assessment{Unit: unit, Indicator: "年终考评", Score: decimal.RequireFromString(score), Period: period}
	if full != "" {
		a.FullMarks = decimal.NewNullDecimal(decimal.RequireFromString(full))
	}
	return a
}

// newAnnualSource has three districts over three quarters and one
// department. 宁海县 was not scored in Q2; 象山县 ties 宁波市海曙区 on the
// annual score.
func newAnnualSource() *annualSource {
	d, dept := saima.KindDistrict, saima.KindDepartment
	return &annualSource{
		scores: map[saima.Period][]saima.Score{
			saima.Quarter(2026, 1): {
				quarterScore(1, d, "宁波市海曙区", 80), quarterScore(1, d, "宁海县", 90),
				quarterScore(1, d, "象山县", 84), quarterScore(1, dept, "市大数据局", 70),
			},
			saima.Quarter(2026, 2): {
				quarterScore(2, d, "宁波市海曙区", 90), quarterScore(2, d, "象山县", 86),
				quarterScore(2, dept, "市大数据局", 75),
			},
			saima.Quarter(2026, 3): {
				quarterScore(3, d, "宁波市海曙区", 85), quarterScore(3, d, "宁海县", 70),
				quarterScore(3, d, "象山县", 85), quarterScore(3, dept, "市大数据局", 80.25),
			},
		},
		assessments: []saima.Assessment{
			assessment("宁波市海曙区", saima.Year(2026), "45", "50"),
			assessment("宁波市海曙区", saima.Year(2026), "80", "100"),
			assessment("市大数据局", saima.Year(2026), "72.5", ""),
			// A quarter's record that a careless source returns must not count.
			assessment("象山县", saima.Quarter(2026, 3), "10", "100"),
		},
	}
}

func TestBuildAnnual(t *testing.T) {
	rule := AnnualRule{QuarterWeight: 0.95, YearEndWeight: 0.05, Leadership: map[string]float64{"宁海县": 5, "象山县": 4.25}}
	a, err := BuildAnnual(context.Background(), newAnnualSource(), 2026, rule, reportTime)
	if err != nil {
		t.Fatalf("BuildAnnual: %v", err)
	}
	if len(a.Quarters) != 3 || a.Quarters[2] != saima.Quarter(2026, 3) {
		t.Errorf("quarters = %v, want 2026Q1–Q3", a.Quarters)
	}
	if len(a.Tracks) != 2 || a.Tracks[0].Track != saima.KindDistrict || a.Tracks[1].Track != saima.KindDepartment {
		t.Fatalf("tracks = %+v, want districts then departments", a.Tracks)
	}

	// 海曙: 0.95 × 85 + 0 + 0.05 × 85 (mean of 90% and 80%) = 85.
	// 宁海 and 象山 have no year-end records while 海曙 has, so they wait
	// for theirs, unranked, though 宁海 missed Q2 and 象山 has points.
	// 大数据局: 0.95 × 75.083… + 0.05 × 72.5 = 74.954…
	tests := []struct {
		track, unit   string
		rank          int // 0 for a unit waiting for its year-end evaluation
		value, mean   float64
		yearEnd       float64 // NaN for none
		quartersShown int
	}{
		{saima.KindDistrict, "宁波市海曙区", 1, 85, 85, 85, 3},
		{saima.KindDistrict, "象山县", 0, 0, 85, math.NaN(), 3},
		{saima.KindDistrict, "宁海县", 0, 0, 80, math.NaN(), 2},
		{saima.KindDepartment, "市大数据局", 1, 0.95*(70+75+80.25)/3 + 0.05*72.5, (70 + 75 + 80.25) / 3, 72.5, 3},
	}
	for _, tt := range tests {
		t.Run(tt.unit, func(t *testing.T) {
			row, ok := findAnnualRow(a, tt.track, tt.unit)
			if !ok {
				t.Fatalf("no row for %s in %s", tt.unit, tt.track)
			}
			if row.Rank != tt.rank {
				t.Errorf("rank = %d, want %d", row.Rank, tt.rank)
			}
			if row.Pending != (tt.rank == 0) {
				t.Errorf("pending = %v, want %v", row.Pending, tt.rank == 0)
			}
			if math.Abs(row.Value-tt.value) > 1e-9 {
				t.Errorf("value = %v, want %v", row.Value, tt.value)
			}
			if math.Abs(row.QuarterMean-tt.mean) > 1e-9 {
				t.Errorf("quarter mean = %v, want %v", row.QuarterMean, tt.mean)
			}
			switch {
			case math.IsNaN(tt.yearEnd) && row.YearEnd != nil:
				t.Errorf("year-end = %v, want none", *row.YearEnd)
			case !math.IsNaN(tt.yearEnd) && (row.YearEnd == nil || math.Abs(*row.YearEnd-tt.yearEnd) > 1e-9):
				t.Errorf("year-end = %v, want %v", row.YearEnd, tt.yearEnd)
			}
			shown := 0
			for _, q := range row.Quarters {
				if q != nil {
					shown++
				}
			}
			if shown != tt.quartersShown || row.Quarters[3] != nil {
				t.Errorf("quarters = %v, want %d scored and no Q4", row.Quarters, tt.quartersShown)
			}
		})
	}
	if got := annualUnits(a.Tracks[0]); !slices.Equal(got, []string{"宁波市海曙区", "宁海县", "象山县"}) {
		t.Errorf("district rows = %v, want 宁波市海曙区 ranked, then the waiting units by name", got)
	}
	for _, tr := range a.Tracks {
		if tr.YearEndLeftOut {
			t.Errorf("track %s leaves out the year-end evaluation, want it counted: some units have records", tr.Track)
		}
	}
}

func annualUnits(t AnnualTrack) []string {
	units := make([]string, len(t.Rows))
	for i, r := range t.Rows {
		units[i] = r.Unit
	}
	return units
}

// TestBuildAnnualNoYearEnd checks that a track where no unit has year-end
// records leaves the year-end part out, with the quarter weight taking its
// share, while a track with records keeps it.
func TestBuildAnnualNoYearEnd(t *testing.T) {
	src := newAnnualSource()
	src.assessments = []saima.Assessment{assessment("市大数据局", saima.Year(2026), "72.5", "")}
	rule := AnnualRule{QuarterWeight: 0.95, YearEndWeight: 0.05, Leadership: map[string]float64{"宁海县": 5}}
	a, err := BuildAnnual(context.Background(), src, 2026, rule, reportTime)
	if err != nil {
		t.Fatal(err)
	}
	if len(a.Tracks) != 2 {
		t.Fatalf("tracks = %+v, want districts and departments", a.Tracks)
	}
	if !a.Tracks[0].YearEndLeftOut {
		t.Errorf("district track counts the year-end evaluation, want it left out: no district has records")
	}
	if a.Tracks[1].YearEndLeftOut {
		t.Errorf("department track leaves out the year-end evaluation, want it counted: 市大数据局 has records")
	}

	// (0.95 + 0.05) × the quarterly mean + points: 宁海 1 × 80 + 5 = 85,
	// 海曙 and 象山 1 × 85. Counted as 0, the year-end evaluation would
	// give 81, 80.75 and 80.75.
	tests := []struct {
		unit  string
		rank  int
		value float64
	}{
		{"宁波市海曙区", 1, 85},
		{"宁海县", 1, 85},
		{"象山县", 1, 85},
	}
	for _, tt := range tests {
		row, ok := findAnnualRow(a, saima.KindDistrict, tt.unit)
		if !ok {
			t.Fatalf("no row for %s", tt.unit)
		}
		if row.Pending || row.Rank != tt.rank || math.Abs(row.Value-tt.value) > 1e-9 {
			t.Errorf("%s: pending %v, rank %d, value %v; want ranked %d with %v",
				tt.unit, row.Pending, row.Rank, row.Value, tt.rank, tt.value)
		}
	}
	dept, _ := findAnnualRow(a, saima.KindDepartment, "市大数据局")
	if want := 0.95*(70+75+80.25)/3 + 0.05*72.5; math.Abs(dept.Value-want) > 1e-9 {
		t.Errorf("市大数据局 value = %v, want %v", dept.Value, want)
	}
}

// TestBuildAnnualPartialYearEnd checks that units waiting for their
// year-end records get no score and no rank, and leave no gap in the
// ranks of the others.
func TestBuildAnnualPartialYearEnd(t *testing.T) {
	src := partialYearEndSource()
	rule := AnnualRule{QuarterWeight: 0.95, YearEndWeight: 0.05}
	a, err := BuildAnnual(context.Background(), src, 2026, rule, reportTime)
	if err != nil {
		t.Fatal(err)
	}

	districts := a.Tracks[0]
	if districts.YearEndLeftOut {
		t.Error("district track leaves out the year-end evaluation, want it counted")
	}

	// 海曙 85, 江北 0.95 × 70 + 0.05 × 70 = 70; 宁海 and 象山 wait though
	// their quarterly means (80 and 85) are above 江北's.
	want := []struct {
		unit    string
		rank    int
		pending bool
	}{
		{"宁波市海曙区", 1, false},
		{"宁波市江北区", 2, false},
		{"宁海县", 0, true},
		{"象山县", 0, true},
	}
	if got := annualUnits(districts); len(got) != len(want) {
		t.Fatalf("district rows = %v, want %d", got, len(want))
	}
	for i, w := range want {
		r := districts.Rows[i]
		if r.Unit != w.unit || r.Rank != w.rank || r.Pending != w.pending {
			t.Errorf("district row %d = %s rank %d pending %v, want %s rank %d pending %v",
				i, r.Unit, r.Rank, r.Pending, w.unit, w.rank, w.pending)
		}
	}
	if got := districts.Waiting(); !slices.Equal(got, []string{"宁海县", "象山县"}) {
		t.Errorf("Waiting() = %v, want 宁海县 and 象山县", got)
	}
}

// partialYearEndSource is newAnnualSource with a fourth district,
// 宁波市江北区, which has year-end records like 宁波市海曙区 and scores
// below 宁海县 and 象山县, which have none.
func partialYearEndSource() *annualSource {
	src := newAnnualSource()
	for q := 1; q <= 3; q++ {
		p := saima.Quarter(2026, q)
		src.scores[p] = append(src.scores[p], quarterScore(q, saima.KindDistrict, "宁波市江北区", 70))
	}
	src.assessments = append(src.assessments, assessment("宁波市江北区", saima.Year(2026), "7", "10"))
	return src
}

// TestBuildAnnualZeroYearEndWeight checks that under a year-end weight of
// 0 a unit without year-end records is ranked as before.
func TestBuildAnnualZeroYearEndWeight(t *testing.T) {
	a, err := BuildAnnual(context.Background(), partialYearEndSource(), 2026, AnnualRule{QuarterWeight: 0.95},
		reportTime)
	if err != nil {
		t.Fatal(err)
	}
	// 0.95 × the quarterly mean: 海曙 and 象山 80.75, 宁海 76, 江北 66.5.
	want := map[string]int{"宁波市海曙区": 1, "象山县": 1, "宁海县": 3, "宁波市江北区": 4}
	for _, r := range a.Tracks[0].Rows {
		if r.Pending || r.Rank != want[r.Unit] {
			t.Errorf("%s: rank %d pending %v, want rank %d", r.Unit, r.Rank, r.Pending, want[r.Unit])
		}
	}
	if a.Tracks[0].YearEndLeftOut || len(a.Tracks[0].Waiting()) > 0 {
		t.Errorf("district track = %+v, want no year-end part left out and no unit waiting", a.Tracks[0])
	}
}

// TestBuildAnnualRankPlaces checks that annual scores shown alike tie
// under the rule set's rank_places: with a year-end evaluation of 85 and
// leadership points of 0.05 象山县 scores 85.05, shown as 85.1, and
// 宁波市海曙区 85, shown as 85.0.
func TestBuildAnnualRankPlaces(t *testing.T) {
	for _, tt := range []struct {
		name   string
		places *int32
		want   [2]int // ranks of 象山县 and 宁波市海曙区
	}{
		{"unset", nil, [2]int{1, 2}},
		{"1", new(int32(1)), [2]int{1, 2}},
		{"0", new(int32(0)), [2]int{1, 1}},
	} {
		rule := AnnualRule{QuarterWeight: 0.95, YearEndWeight: 0.05, Leadership: map[string]float64{"象山县": 0.05},
			RankPlaces: tt.places}
		src := newAnnualSource()
		src.assessments = append(src.assessments, assessment("象山县", saima.Year(2026), "85", "100"))
		a, err := BuildAnnual(context.Background(), src, 2026, rule, reportTime)
		if err != nil {
			t.Fatal(err)
		}
		var got [2]int
		for i, unit := range []string{"象山县", "宁波市海曙区"} {
			row, _ := findAnnualRow(a, saima.KindDistrict, unit)
			got[i] = row.Rank
		}
		if got != tt.want {
			t.Errorf("rank_places %s: ranks of 象山县 and 宁波市海曙区 = %v, want %v", tt.name, got, tt.want)
		}
	}
}

func findAnnualRow(a *Annual, track, unit string) (AnnualRow, bool) {
	for _, t := range a.Tracks {
		if t.Track != track {
			continue
		}
		for _, r := range t.Rows {
			if r.Unit == unit {
				return r, true
			}
		}
	}
	return AnnualRow{}, false
}

func TestBuildAnnualErrors(t *testing.T) {
	tests := []struct {
		name string
		year int
		rule AnnualRule
		kind saima.Kind
		want string
	}{
		{"NoScores", 2025, DefaultAnnualRule(), saima.KindNotFound, "2025年度各季度均无考评得分"},
		{"NegativeWeight", 2026, AnnualRule{QuarterWeight: -1}, saima.KindInvalid, "季度平均权重 -1 应为非负数"},
		{"LeadershipTooHigh", 2026, AnnualRule{QuarterWeight: 0.95, Leadership: map[string]float64{"宁海县": 6}},
			saima.KindInvalid, "宁海县的领导评价分 6 应在 0 到 5 之间"},
		{"WeightsAbove1", 2026, AnnualRule{QuarterWeight: 0.95, YearEndWeight: 0.9}, saima.KindInvalid,
			"季度平均权重与年终考评权重之和 1.85 超过 1"},
		{"LeadershipNaN", 2026, AnnualRule{QuarterWeight: 0.95, Leadership: map[string]float64{"象山县": math.NaN()}},
			saima.KindInvalid, "象山县的领导评价分 NaN"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := BuildAnnual(context.Background(), newAnnualSource(), tt.year, tt.rule, reportTime)
			if saima.ErrorKind(err) != tt.kind || !strings.Contains(saima.ErrorMessage(err), tt.want) {
				t.Errorf("BuildAnnual(%s) error = %v (kind %v), want kind %v containing %q",
					tt.name, err, saima.ErrorKind(err), tt.kind, tt.want)
			}
		})
	}
}

func TestDefaultAnnualRule(t *testing.T) {
	r := DefaultAnnualRule()
	if r.QuarterWeight != 0.95 || r.YearEndWeight != 0 || len(r.Leadership) != 0 {
		t.Errorf("DefaultAnnualRule() = %+v, want 0.95, 0 and no leadership points", r)
	}
	if err := r.Validate(); err != nil {
		t.Errorf("DefaultAnnualRule().Validate() = %v, want nil", err)
	}
}

func TestWriteAnnual(t *testing.T) {
	rule := AnnualRule{QuarterWeight: 0.95, YearEndWeight: 0.05, Leadership: map[string]float64{"宁海县": 5}}
	src := newAnnualSource()
	src.scores[saima.Quarter(2026, 3)] = append(src.scores[saima.Quarter(2026, 3)],
		quarterScore(3, saima.KindDepartment, scriptName, 66.6),
		quarterScore(3, saima.KindDepartment, "吉𠮷镇", 50))
	a, err := BuildAnnual(context.Background(), src, 2026, rule, reportTime)
	if err != nil {
		t.Fatalf("BuildAnnual: %v", err)
	}

	path := writeAnnualPDF(t, a)
	got := popplerText(t, path, "-layout")

	golden := filepath.Join("testdata", "annual_small.txt")
	if *update {
		if err := os.WriteFile(golden, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(golden)
	if err != nil {
		t.Fatalf("read golden file (run go test -update to create it): %v", err)
	}
	if got != string(want) {
		t.Errorf("pdftotext output differs from %s (run go test -update after checking the PDF):\n got: %s\nwant: %s",
			golden, got, want)
	}

	plain := strings.Join(strings.Fields(popplerText(t, path)), "")
	for _, w := range []string{
		"2026年度", "年度得分=0.95×季度平均+领导评价（0–5分）+0.05×年终考评得分率",
		"宁波市海曙区", "85.0", "宁海县", "80.05待年终考评—", "75.1", "吉□镇", scriptName, "区县（市）赛道年度排名",
	} {
		if !strings.Contains(plain, w) {
			t.Errorf("annual PDF text lacks %q", w)
		}
	}
	checkFooters(t, popplerText(t, path))
}

// TestWriteAnnualNamesRuleSet checks that the annual report names the
// rule-set file, name and version whose annual section gave its weights,
// or states that it read no file.
func TestWriteAnnualNamesRuleSet(t *testing.T) {
	tests := []struct {
		name   string
		origin AnnualOrigin
		want   []string
	}{
		{"FromSection", AnnualOrigin{File: "rulesets/2026.yaml", Name: "2026年度数字化改革赛马",
			Version: "22d1dcf0a1b2c3d4"},
			[]string{"年度计分规则：rulesets/2026.yaml（2026年度数字化改革赛马，版本22d1dcf0）的年度计分部分（annual）",
				"年终考评得分率（年度计分规则：rulesets/2026.yaml（2026年度数字化改革赛马，版本22d1dcf0）的年度计分部分（annual））。"}},
		{"FileWithoutSection", AnnualOrigin{File: "rules.yaml", Name: "试行规则", Version: "0123456789ab",
			Default: true},
			[]string{"年度计分规则：rules.yaml（试行规则，版本01234567）未设年度计分部分（annual），按默认公式"}},
		{"NoFile", AnnualOrigin{}, []string{"年度计分规则：未读取规则集文件，按本报告所列公式"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rule := DefaultAnnualRule()
			rule.Origin = tt.origin
			a, err := BuildAnnual(context.Background(), newAnnualSource(), 2026, rule, reportTime)
			if err != nil {
				t.Fatal(err)
			}
			plain := strings.Join(strings.Fields(popplerText(t, writeAnnualPDF(t, a))), "")
			for _, want := range tt.want {
				if !strings.Contains(plain, want) {
					t.Errorf("annual PDF text lacks %q:\n%s", want, plain)
				}
			}
		})
	}
}

func TestWriteAnnualInvalidInput(t *testing.T) {
	if err := WriteAnnual(&strings.Builder{}, nil, testFonts(t), nil); err == nil {
		t.Errorf("WriteAnnual(nil) = nil error, want an error")
	}
}

// leaderSource is an annual source with one scored quarter in year and
// the workflow data of one leader-led project, started in 2025, that sent
// no half-year report.
type leaderSource struct {
	annualSource
}

func newLeaderSource(year int) *leaderSource {
	s := score(saima.KindDistrict, "宁波市海曙区", 80, 1, 0)
	s.Period = saima.Quarter(year, 1)
	return &leaderSource{annualSource{scores: map[saima.Period][]saima.Score{s.Period: {s}}}}
}

func (s *leaderSource) ListProjects(context.Context) ([]saima.Project, error) {
	start := date(2025, 3, 1)
	return []saima.Project{
		{Code: "NB-1", Name: "城市大脑", LeaderLed: true, Leader: "王建华", StartDate: &start},
	}, nil
}

func (s *leaderSource) ListStageHistory(context.Context, ...string) ([]saima.StageEvent, error) {
	return nil, nil
}

func (s *leaderSource) ListProblems(context.Context) ([]saima.ProblemItem, error) { return nil, nil }

func (s *leaderSource) ListProblemSteps(context.Context) ([]saima.ProblemStep, error) {
	return nil, nil
}

func (s *leaderSource) ListLeaderReports(context.Context) ([]saima.LeaderReport, error) {
	return nil, nil
}

// The annual report judges each missing half-year report on the day it
// is made, not on the year's last day.
func TestAnnualLeaderReportsJudgedWhenMade(t *testing.T) {
	tests := []struct {
		name   string
		year   int
		madeAt time.Time
		want   []string // the state of each half year, in order
		text   []string // in the PDF
	}{
		{"PastYearAfterDeadline", 2025, time.Date(2026, 10, 1, 9, 0, 0, 0, saima.Beijing),
			[]string{"逾期未报", "逾期未报"},
			[]string{"截至报告生成日2026-10-01，逾期未报半年报告2份", "NB-1（2025年下半年）"}},
		{"PastYearBeforeDeadline", 2025, time.Date(2026, 1, 10, 9, 0, 0, 0, saima.Beijing),
			[]string{"逾期未报", "未到报送期限（2026-01-15）"},
			[]string{"截至报告生成日2026-01-10，逾期未报半年报告1份", "2025年下半年：未到报送期限（2026-01-15）"}},
		{"CurrentYear", 2026, time.Date(2026, 10, 1, 9, 0, 0, 0, saima.Beijing),
			[]string{"逾期未报", "逾期未报", "逾期未报", "未到报送期限（2027-01-15）"},
			[]string{"截至报告生成日2026-10-01，逾期未报半年报告3份", "2026年下半年：未到报送期限（2027-01-15）"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			src := newLeaderSource(tt.year)
			a, err := BuildAnnual(context.Background(), src, tt.year, DefaultAnnualRule(), tt.madeAt)
			if err != nil {
				t.Fatalf("BuildAnnual: %v", err)
			}
			if a.Workflow == nil || len(a.Workflow.Leaders) != 1 {
				t.Fatalf("BuildAnnual(%d) workflow = %+v, want one leader-led project", tt.year, a.Workflow)
			}
			var got []string
			for _, h := range a.Workflow.Leaders[0].Halves {
				got = append(got, leaderHalfState(h))
			}
			if strings.Join(got, "|") != strings.Join(tt.want, "|") {
				t.Errorf("half-year states of %d made on %s = %q, want %q",
					tt.year, tt.madeAt.Format(time.DateOnly), got, tt.want)
			}

			text := strings.Join(strings.Fields(popplerText(t, writeAnnualPDF(t, a))), "")
			for _, w := range tt.text {
				if !strings.Contains(text, w) {
					t.Errorf("annual PDF text lacks %q", w)
				}
			}
		})
	}
}

// writeAnnualPDF writes a's PDF with the test fonts to a temporary file
// and returns its path.
func writeAnnualPDF(t *testing.T, a *Annual) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "annual.pdf")
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	if err := WriteAnnual(f, a, testFonts(t), nil); err != nil {
		t.Fatalf("WriteAnnual: %v", err)
	}
	if err := f.Close(); err != nil {
		t.Fatal(err)
	}
	return path
}

func TestAnnualRankRule(t *testing.T) {
	onePlace := int32(1)
	if got := rankRule(nil); !strings.Contains(got, "排名按未经舍入的得分计算") {
		t.Errorf("rankRule(nil) = %q, want ranks by unrounded scores", got)
	}
	if got := rankRule(&onePlace); !strings.Contains(got, "排名按保留1位小数（四舍五入）后的得分计算，相同的并列") {
		t.Errorf("rankRule(1) = %q, want ranks by scores rounded to 1 place", got)
	}
}

// TestAnnualYearEndRecords checks that the annual PDF lists the year-end
// evaluation's records with their evaluators, rare characters included,
// and leaves out the records of a quarter.
func TestAnnualYearEndRecords(t *testing.T) {
	src := newAnnualSource()
	src.assessments = []saima.Assessment{
		assessment("宁波市海曙区", saima.Year(2026), "100.00", "100"),
		assessment("宁波市海曙区", saima.Year(2026), "85.50", "100"),
		assessment("市大数据局", saima.Year(2026), "0.5", "1"),
		assessment("象山县", saima.Quarter(2026, 3), "10", "100"),
	}
	src.assessments[0].Evaluator, src.assessments[0].Mode = "张堃", "线下年终"
	src.assessments[1].Evaluator, src.assessments[1].Indicator = "张𨫎", "数据共享"
	src.assessments[2].Evaluator = "吉𠮷"
	src.assessments[3].Evaluator = "季度考评人"
	a, err := BuildAnnual(context.Background(), src, 2026, DefaultAnnualRule(), reportTime)
	if err != nil {
		t.Fatal(err)
	}
	if len(a.YearEnd) != 3 {
		t.Fatalf("year-end records = %d, want the 3 of the year", len(a.YearEnd))
	}
	if got := a.YearEnd[0].Evaluator; got != "张堃" {
		t.Errorf("first record's evaluator = %q, want 张堃 (年终考评 sorts before 数据共享 by code point)", got)
	}

	path := writeAnnualPDF(t, a)
	plain := strings.Join(strings.Fields(popplerText(t, path)), "")
	for _, want := range []string{
		"年终考评记录",
		"宁波市海曙区年终考评线下年终100100张堃",
		"宁波市海曙区数据共享—85.5100张□",
		"市大数据局年终考评—0.51吉□",
	} {
		if !strings.Contains(plain, want) {
			t.Errorf("annual PDF text lacks %q", want)
		}
	}
	if strings.Contains(plain, "季度考评人") {
		t.Error("annual PDF lists a quarter's assessment among the year-end records")
	}
}

// TestWriteAnnualYearEndGaps checks the PDF through pdftotext: a track
// without any year-end records states that the part is left out, and a unit
// waiting for its records is listed unranked after the ranked ones, with a
// note that names it. Under a year-end weight of 0 neither note appears.
func TestWriteAnnualYearEndGaps(t *testing.T) {
	src := newAnnualSource()
	src.scores[saima.Quarter(2026, 3)] = append(src.scores[saima.Quarter(2026, 3)],
		quarterScore(3, saima.KindDepartment, "市发改委", 60))
	src.assessments = []saima.Assessment{assessment("市大数据局", saima.Year(2026), "72.5", "")}

	t.Run("Weighted", func(t *testing.T) {
		rule := AnnualRule{QuarterWeight: 0.95, YearEndWeight: 0.05, Leadership: map[string]float64{"宁海县": 5}}
		a, err := BuildAnnual(context.Background(), src, 2026, rule, reportTime)
		if err != nil {
			t.Fatal(err)
		}
		path := writeAnnualPDF(t, a)

		// A row reads 名次, 单位, the four quarters, 季度平均, 领导评价,
		// 年终考评 and 年度得分. 宁海县 scores 1 × 80 + 5.
		layout := popplerText(t, path, "-layout")
		rows := [][]string{
			{"1", "宁海县", "90.0", "—", "70.0", "—", "80.0", "5", "—", "85.0"},
			{"1", "市大数据局", "70.0", "75.0", "80.3", "—", "75.1", "0", "72.5%", "75.0"},
			{"—", "市发改委", "—", "—", "60.0", "—", "60.0", "0", "待年终考评", "—"},
		}
		for _, want := range rows {
			if got := annualLayoutRow(layout, want[1]); !slices.Equal(got, want) {
				t.Errorf("row of %s = %q, want %q", want[1], got, want)
			}
		}
		if strings.Index(layout, "市发改委") < strings.Index(layout, "市大数据局") {
			t.Error("市发改委, waiting for its year-end evaluation, is listed before the ranked 市大数据局")
		}

		plain := strings.Join(strings.Fields(popplerText(t, path)), "")
		for _, want := range []string{
			"注：区县（市）赛道年终考评尚未录入，不计入；本赛道年度得分=1×季度平均+领导评价",
			"注：市直部门赛道已有单位录入年终考评，市发改委尚无年终考评记录",
			"参评单位：5个（其中待年终考评1个），赛道：2个",
		} {
			if !strings.Contains(plain, want) {
				t.Errorf("annual PDF text lacks %q:\n%s", want, plain)
			}
		}
		if strings.Contains(plain, "无年终考评记录的单位此项计0分") {
			t.Error("annual PDF still says a unit without year-end records counts 0")
		}
	})

	t.Run("ZeroWeight", func(t *testing.T) {
		a, err := BuildAnnual(context.Background(), src, 2026, DefaultAnnualRule(), reportTime)
		if err != nil {
			t.Fatal(err)
		}
		path := writeAnnualPDF(t, a)
		plain := strings.Join(strings.Fields(popplerText(t, path)), "")
		for _, unwanted := range []string{"尚未录入", "待年终考评"} {
			if strings.Contains(plain, unwanted) {
				t.Errorf("annual PDF under a year-end weight of 0 says %q", unwanted)
			}
		}
		// 0.95 × 60, below 市大数据局's 0.95 × 75.083…
		want := []string{"2", "市发改委", "—", "—", "60.0", "—", "60.0", "0", "—", "57.0"}
		if got := annualLayoutRow(popplerText(t, path, "-layout"), "市发改委"); !slices.Equal(got, want) {
			t.Errorf("row of 市发改委 = %q, want %q", got, want)
		}
	})
}

// annualLayoutRow returns the fields of the first line of pdftotext
// -layout output whose second field is unit.
func annualLayoutRow(text, unit string) []string {
	for line := range strings.SplitSeq(text, "\n") {
		if f := strings.Fields(line); len(f) > 1 && f[1] == unit {
			return f
		}
	}
	return nil
}

// TestBuildAnnualLeadershipNames checks that leadership points given
// under an alias, a short form or another spacing reach the unit, and
// that a name that matches no ranked unit is reported, not dropped.
func TestBuildAnnualLeadershipNames(t *testing.T) {
	src := newAnnualSource()
	src.units = []saima.Unit{
		{Name: "宁波市海曙区", Aliases: []string{"海曙"}, Kind: saima.KindDistrict},
		{Name: "宁海县", Kind: saima.KindDistrict},
		{Name: "象山县", Kind: saima.KindDistrict},
		{Name: "市大数据局", Aliases: []string{"大数据局"}, Kind: saima.KindDepartment},
	}
	rule := AnnualRule{QuarterWeight: 0.95, Leadership: map[string]float64{
		"海曙": 4, "宁海县 ": 3, "市 大数据局": 2, "市财政局": 1, "大数据局": 5, "市大数据局": 2}}
	a, err := BuildAnnual(context.Background(), src, 2026, rule, reportTime)
	if err != nil {
		t.Fatalf("BuildAnnual: %v", err)
	}

	for unit, want := range map[string]float64{"宁波市海曙区": 4, "宁海县": 3, "市大数据局": 2, "象山县": 0} {
		track := saima.KindDistrict
		if unit == "市大数据局" {
			track = saima.KindDepartment
		}
		row, ok := findAnnualRow(a, track, unit)
		if !ok {
			t.Fatalf("no row for %s", unit)
		}
		if row.Leadership != want {
			t.Errorf("%s leadership = %v, want %v", unit, row.Leadership, want)
		}
	}
	// 市大数据局 is written exactly, so its other names count for nothing.
	want := []UnmatchedLeadership{
		{Name: "大数据局", Points: 5, SameAs: "市大数据局"},
		{Name: "市 大数据局", Points: 2, SameAs: "市大数据局"},
		{Name: "市财政局", Points: 1},
	}
	if !slices.Equal(a.LeadershipUnmatched, want) {
		t.Errorf("unmatched leadership names = %v, want %v", a.LeadershipUnmatched, want)
	}

	plain := strings.Join(strings.Fields(popplerText(t, writeAnnualPDF(t, a))), "")
	if want := "领导评价中的“市财政局”（1分）不是本年度排名中的单位，未计入任何单位"; !strings.Contains(plain, want) {
		t.Errorf("annual PDF text lacks %q", want)
	}
}

// TestAnnualTableYearEndDecimal checks that the year-end column shows one
// decimal for a whole percent too, as every other value of the table.
func TestAnnualTableYearEndDecimal(t *testing.T) {
	whole, half := 88.0, 91.45
	track := AnnualTrack{Track: saima.KindDistrict, Rows: []AnnualRow{
		{Unit: "宁海县", YearEnd: &whole, Value: 80, Rank: 1},
		{Unit: "余姚市", YearEnd: &half, Value: 79, Rank: 2},
	}}
	tb := annualTable(track, 2026, nil)
	for i, want := range []string{"88.0%", "91.5%"} {
		if got := tb.rows[i][8]; got != want {
			t.Errorf("year-end cell of %s = %q, want %q", track.Rows[i].Unit, got, want)
		}
	}
}

// TestAnnualUnscoredQuarters checks that a quarter which has begun but has
// no scores is named, so that an annual score over fewer quarters never
// reads as the whole year's.
func TestAnnualUnscoredQuarters(t *testing.T) {
	rule := AnnualRule{QuarterWeight: 0.95, YearEndWeight: 0.05}
	tests := []struct {
		name  string
		now   time.Time
		want  []saima.Period
		notes []string
	}{
		{"EndedQuarter", time.Date(2027, 2, 1, 10, 0, 0, 0, saima.Beijing),
			[]saima.Period{saima.Quarter(2026, 4)},
			[]string{"2026年第四季度已于2026-12-31结束，尚未计分，年度得分不含该季度", "没有任何数据的季度无法计分"}},
		{"RunningQuarter", time.Date(2026, 10, 20, 10, 0, 0, 0, saima.Beijing),
			[]saima.Period{saima.Quarter(2026, 4)},
			[]string{"2026年第四季度正在进行（至2026-12-31），尚未计分，年度得分暂不含该季度"}},
		{"QuarterNotBegun", time.Date(2026, 9, 30, 23, 0, 0, 0, saima.Beijing), nil, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a, err := BuildAnnual(context.Background(), newAnnualSource(), 2026, rule, tt.now)
			if err != nil {
				t.Fatalf("BuildAnnual: %v", err)
			}
			if !slices.Equal(a.Unscored, tt.want) {
				t.Errorf("unscored = %v, want %v", a.Unscored, tt.want)
			}
			plain := strings.Join(strings.Fields(popplerText(t, writeAnnualPDF(t, a))), "")
			for _, w := range tt.notes {
				if !strings.Contains(plain, w) {
					t.Errorf("annual PDF text lacks %q", w)
				}
			}
			if len(tt.want) == 0 && strings.Contains(plain, "尚未计分") {
				t.Errorf("annual PDF names an unscored quarter, want none before 2026Q4 begins")
			}
		})
	}
}

// TestAnnualOriginChinese checks that the annual report names the rule
// set's annual section in Chinese, keeping the YAML key only in brackets.
func TestAnnualOriginChinese(t *testing.T) {
	tests := []struct {
		name   string
		origin AnnualOrigin
		want   string
	}{
		{"Section", AnnualOrigin{File: "rulesets/2026.yaml", Name: "2026年度赛马", Version: "6600cf04712c"},
			"rulesets/2026.yaml（2026年度赛马，版本 6600cf04）的年度计分部分（annual）"},
		{"Default", AnnualOrigin{File: "rulesets/2026.yaml", Name: "2026年度赛马", Version: "6600cf04712c",
			Default: true},
			"rulesets/2026.yaml（2026年度赛马，版本 6600cf04）未设年度计分部分（annual），按默认公式"},
		{"NoFile", AnnualOrigin{}, "未读取规则集文件，按本报告所列公式"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := annualOrigin(tt.origin); got != tt.want {
				t.Errorf("annualOrigin(%+v) = %q, want %q", tt.origin, got, tt.want)
			}
		})
	}
}

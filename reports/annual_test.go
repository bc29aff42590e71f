package reports

import (
	"context"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/shopspring/decimal"

	"saima"
)

// annualSource serves fixed scores per quarter and assessments.
type annualSource struct {
	scores      map[saima.Period][]saima.Score
	assessments []saima.Assessment
}

func (a *annualSource) ListUnits(context.Context) ([]saima.Unit, error) { return nil, nil }

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
	// 象山: 0.95 × 85 + 4.25 = 85.0, a tie with 海曙.
	// 宁海: 0.95 × 80 + 5 = 81, without Q2 and without year-end records.
	// 大数据局: 0.95 × 75.083… + 0.05 × 72.5 = 74.954…
	tests := []struct {
		track, unit   string
		rank          int
		value, mean   float64
		yearEnd       float64 // NaN for none
		quartersShown int
	}{
		{saima.KindDistrict, "宁波市海曙区", 1, 85, 85, 85, 3},
		{saima.KindDistrict, "象山县", 1, 85, 85, math.NaN(), 3},
		{saima.KindDistrict, "宁海县", 3, 81, 80, math.NaN(), 2},
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
	if got := a.Tracks[0].Rows[0].Unit; got != "宁波市海曙区" {
		t.Errorf("first of the tie = %s, want 宁波市海曙区 (ties list by name)", got)
	}
}

// TestBuildAnnualRankPlaces checks that annual scores shown alike tie
// under the rule set's rank_places: with leadership points of 4.3 象山县
// scores 85.05, shown as 85.1, and 宁波市海曙区 85, shown as 85.0.
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
		rule := AnnualRule{QuarterWeight: 0.95, YearEndWeight: 0.05, Leadership: map[string]float64{"象山县": 4.3},
			RankPlaces: tt.places}
		a, err := BuildAnnual(context.Background(), newAnnualSource(), 2026, rule, reportTime)
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
		"宁波市海曙区", "85.0", "宁海县", "81.0", "75.1", "吉□镇", scriptName, "区县（市）赛道年度排名",
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
			[]string{"年度计分规则：rulesets/2026.yaml（2026年度数字化改革赛马，版本22d1dcf0）的annual部分",
				"年终考评得分率（年度计分规则：rulesets/2026.yaml（2026年度数字化改革赛马，版本22d1dcf0）的annual部分）。"}},
		{"FileWithoutSection", AnnualOrigin{File: "rules.yaml", Name: "试行规则", Version: "0123456789ab",
			Default: true},
			[]string{"年度计分规则：rules.yaml（试行规则，版本01234567）未设annual部分，按默认公式"}},
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

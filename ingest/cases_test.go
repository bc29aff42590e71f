package ingest

import (
	"encoding/xml"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/shopspring/decimal"

	"saima"
)

// This file runs every shared case file through Parse and checks the
// values and issues its README line states.

// loadRoster parses 00_roster.csv.
func loadRoster(tb testing.TB) []saima.Unit {
	tb.Helper()
	res := parseCase(tb, "00_roster.csv", Options{Dataset: saima.DatasetUnits})
	requireNoErrors(tb, res)
	return res.Batch.Units
}

// parseCase parses one case file with the case roster and upload day.
func parseCase(tb testing.TB, name string, opts Options) *Result {
	tb.Helper()
	f, err := os.Open(filepath.Join(casesDir(tb), name))
	if err != nil {
		tb.Fatal(err)
	}
	defer f.Close()
	if opts.Roster == nil && opts.Dataset != saima.DatasetUnits {
		opts.Roster = loadRoster(tb)
	}
	opts.FileName = filepath.Base(name)
	opts.Today = uploadDay
	res, err := Parse(f, opts)
	if err != nil {
		tb.Fatalf("Parse(%s) error: %v", name, err)
	}
	return res
}

func TestCaseRoster(t *testing.T) {
	units := loadRoster(t)
	kinds := map[string]int{}
	for _, u := range units {
		kinds[u.Kind]++
		if u.Track != u.Kind {
			t.Errorf("unit %s track = %q, want its kind %q", u.Name, u.Track, u.Kind)
		}
	}
	if len(units) != 14 {
		t.Errorf("units = %d, want 14", len(units))
	}
	want := map[string]int{saima.KindDistrict: 10, saima.KindDepartment: 3, saima.KindCity: 1}
	for k, n := range want {
		if kinds[k] != n {
			t.Errorf("units of kind %s = %d, want %d", k, kinds[k], n)
		}
	}
	if units[13].Name != "宁波市（本级）" {
		t.Errorf("unit 14 = %q, want 宁波市（本级） as written", units[13].Name)
	}
}

// encodingCaseLines are the records of cases 01, 01b and 01c.
var encodingCaseLines = []string{
	"宁波市海曙区|NB-2026-003|海曙区老旧小区改造（二期）|2026Q3|85|2026-09-30|已完成12个小区外立面整治,管网改造完成80%|部分居民对夜间施工有意见",
	"宁波市江北区|NB-2026-008|江北区智慧停车平台建设|2026Q3|62.5|2026-09-28|平台一期上线，接入泊位1.8万个|路内泊位数据接入率偏低",
	"宁波市鄞州区|NB-2026-021|鄞州区“一网通办”服务中心改造|2026Q3|100|2026-09-30|已完成竣工验收并投入使用|无",
	"余姚市|NB-2026-030|余姚市智能制造产业园基础设施|2026Q3|47|2026-10-08|道路、雨污管网同步施工，由王堃同志牵头协调|征地拆迁进度滞后",
	"慈溪市|NB-2026-034|慈溪市前湾新区道路提升工程|2026Q3|73|2026-09-29|完成路基施工6.2公里|汛期影响工期约15天",
	"市财政局|NB-2026-057|预算一体化系统升级|2026Q3|90|2026-09-30|完成与省平台接口联调|无",
}

func TestCaseEncodings(t *testing.T) {
	for _, name := range []string{"01_progress_gbk_excel.csv", "01b_progress_utf8_nobom.csv", "01c_progress_utf16le_tab.txt"} {
		t.Run(name, func(t *testing.T) {
			res := parseCase(t, name, Options{})
			requireNoErrors(t, res)
			if len(res.Warnings) != 0 {
				t.Errorf("warnings = %q, want none", issueStrings(res.Warnings))
			}
			got := progressLines(res.Batch.Progress)
			if !slices.Equal(got, encodingCaseLines) {
				t.Errorf("records =\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(encodingCaseLines, "\n"))
			}
			for _, line := range got {
				if strings.ContainsRune(line, utf8.RuneError) {
					t.Errorf("record %q holds U+FFFD", line)
				}
			}
		})
	}
}

func TestCaseEncodingsForced(t *testing.T) {
	tests := []struct {
		file, encoding string
	}{
		{"01_progress_gbk_excel.csv", "gbk"},
		{"01b_progress_utf8_nobom.csv", "utf-8"},
		{"01c_progress_utf16le_tab.txt", "utf-16le"},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			res := parseCase(t, tt.file, Options{Encoding: tt.encoding})
			requireNoErrors(t, res)
			if got := progressLines(res.Batch.Progress); !slices.Equal(got, encodingCaseLines) {
				t.Errorf("records = %q, want the 6 records of case 01", got)
			}
		})
	}
}

func TestCaseWhitespace(t *testing.T) {
	res := parseCase(t, "02_progress_utf8bom_spaces.csv", Options{})
	requireNoErrors(t, res)
	if len(res.Warnings) != 0 {
		t.Errorf("warnings = %q, want none (all 8 headers match)", issueStrings(res.Warnings))
	}
	wantColumns := []string{"单位", "项目编号", "项目名称", "填报期间", "完成率", "填报日期", "进展情况", "存在问题"}
	if !slices.Equal(res.Columns, wantColumns) {
		t.Errorf("Columns = %q, want %q", res.Columns, wantColumns)
	}
	var units []string
	for _, p := range res.Batch.Progress {
		units = append(units, p.Unit)
	}
	wantUnits := []string{"宁波市江北区", "宁波市江北区", "慈溪市", "市大数据局", "市大数据局", "宁波市北仑区"}
	if !slices.Equal(units, wantUnits) {
		t.Errorf("units = %q, want %q", units, wantUnits)
	}
	if got := res.Batch.Progress[5].ProjectCode; got != "NB-2026-017" {
		t.Errorf("last project code = %q, want NB-2026-017 without U+00A0", got)
	}
	if got := res.Batch.Progress[5].Problems; got != "无" {
		t.Errorf("存在问题 under a header with U+00A0 = %q, want 无", got)
	}
}

func TestCaseFullWidth(t *testing.T) {
	res := parseCase(t, "03_progress_fullwidth.csv", Options{})
	requireNoErrors(t, res)
	want := []string{
		"宁波市（本级）|NB-2026-063|全市重大项目统筹调度平台|2026Q3|85|2026-09-30|已完成需求调研和系统设计，进入开发阶段，预计１１月上线|开发人员到位偏慢",
		"宁波市（本级）|NB-2026-064|项目审批“一件事”集成改革|2026Q3|85.5|2026-09-30|完成审批事项梳理，共计２１７项，其中“一件事”套餐１２个|部门间数据共享不足",
		"宁波市北仑区|NB-2026-017|北仑区港区数字孪生平台|2026Q3|85|2026-09-30|完成三维建模，覆盖码头岸线１２．６公里，接入设备２３００余台|无",
		"宁波市镇海区|NB-2026-011|镇海区化工园区安全监测系统|2026Q3|70|2026-09-30|监测点位建设完成，数据接入测试中，准确率９８．２％|部分企业数据接口不统一",
		"宁波市奉化区|NB-2026-026|奉化区乡村振兴示范带建设|2026Q3|100|2026-09-29|示范带内１８个村庄整治全部完成，通过市级验收|无",
	}
	if got := progressLines(res.Batch.Progress); !slices.Equal(got, want) {
		t.Errorf("records =\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	units := map[string]bool{}
	for _, p := range res.Batch.Progress {
		units[p.Unit] = true
	}
	if len(units) != 4 {
		t.Errorf("distinct units = %d, want 4", len(units))
	}
}

func TestCaseMixedDates(t *testing.T) {
	res := parseCase(t, "04_progress_mixed_dates.csv", Options{})
	requireNoErrors(t, res)
	want := []struct{ date, period string }{
		{"2026-09-30", "2026Q3"}, // row 2
		{"2026-09-30", "2026Q3"},
		{"2026-09-30", "2026-09"},
		{"2026-09-30", "2026-09"},
		{"2026-09-30", "2026Q3"},
		{"2026-10-08", "2026Q3"}, // row 7
		{"2026-10-08", "2026Q3"},
		{"2026-10-08", "2026Q3"},
		{"2026-10-08", "2026Q3"},
		{"2026-09-30", "2026Q3"}, // row 11
	}
	if len(res.Batch.Progress) != len(want) {
		t.Fatalf("records = %d, want %d", len(res.Batch.Progress), len(want))
	}
	for i, p := range res.Batch.Progress {
		if got := dateString(p.ReportDate); got != want[i].date {
			t.Errorf("row %d 填报日期 = %s, want %s", i+2, got, want[i].date)
		}
		if got := p.Period.String(); got != want[i].period {
			t.Errorf("row %d 填报期间 = %s, want %s", i+2, got, want[i].period)
		}
		if p.Period.Quarter() != saima.Quarter(2026, 3) {
			t.Errorf("row %d period %s does not count within 2026Q3", i+2, p.Period)
		}
	}
}

func TestCasePercentScales(t *testing.T) {
	tests := []struct {
		file         string
		want         []string
		warningsRows []int
	}{
		{"05a_progress_percent_mixed_scales.csv", []string{"85", "0.85", "85", "100", "100", "1", "99.5", "85"}, []int{3, 7}},
		{"05b_progress_percent_fraction_scale.csv", []string{"85", "60", "100", "0", "33.5", "72"}, []int{2, 3, 4, 6}},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			res := parseCase(t, tt.file, Options{})
			requireNoErrors(t, res)
			var got []string
			for _, p := range res.Batch.Progress {
				got = append(got, percentString(p.Percent))
			}
			if !slices.Equal(got, tt.want) {
				t.Errorf("完成率 = %q, want %q", got, tt.want)
			}
			var rows []int
			for _, w := range res.Warnings {
				rows = append(rows, w.Row)
				if w.Column != "完成率" {
					t.Errorf("warning %q is not about 完成率", w.String())
				}
			}
			if !slices.Equal(rows, tt.warningsRows) {
				t.Errorf("warning rows = %v, want %v", rows, tt.warningsRows)
			}
		})
	}
}

func TestCasePercentExactDecimal(t *testing.T) {
	res := parseCase(t, "05b_progress_percent_fraction_scale.csv", Options{})
	got := res.Batch.Progress[4].Percent.Decimal
	if !got.Equal(dec("33.5")) || got.String() != "33.5" {
		t.Errorf("0.335 reads as %s, want exactly 33.5", got)
	}
	wantWarning := "05b_progress_percent_fraction_scale.csv 第6行“完成率”列的值“0.335”没有带%，本列不带%的数都不大于1，" +
		"按小数比例读作33.5%，如果本意是0.335%，请写成0.335%后重新上传"
	if got := res.Warnings[3].String(); got != wantWarning {
		t.Errorf("warning = %q, want %q", got, wantWarning)
	}
}

func TestCaseBlankVersusZero(t *testing.T) {
	res := parseCase(t, "06a_progress_blank_vs_zero.csv", Options{})
	requireNoErrors(t, res)
	var got []string
	sum, n := decimal.Zero, 0
	for _, p := range res.Batch.Progress {
		got = append(got, percentString(p.Percent))
		if p.Percent.Valid {
			sum, n = sum.Add(p.Percent.Decimal), n+1
		}
	}
	want := []string{"missing", "0", "missing", "45", "missing", "60"}
	if !slices.Equal(got, want) {
		t.Errorf("完成率 = %q, want %q", got, want)
	}
	if avg := sum.Div(decimal.NewFromInt(int64(n))); !avg.Equal(dec("35")) {
		t.Errorf("average 完成率 = %s, want 35", avg)
	}
	if len(res.Warnings) != 1 || res.Warnings[0].Row != 6 || res.Warnings[0].Value != "/" {
		t.Errorf("warnings = %q, want one on row 6 for /", issueStrings(res.Warnings))
	}
	first := res.Batch.Progress[0]
	if first.Progress != "" || first.Problems != "" {
		t.Errorf("empty 进展情况, 存在问题 = %q, %q, want empty", first.Progress, first.Problems)
	}
}

func TestCaseMilestoneBlankDate(t *testing.T) {
	res := parseCase(t, "06b_milestones_blank_actual_date.csv", Options{})
	requireNoErrors(t, res)
	ms := res.Batch.Milestones
	if len(ms) != 6 {
		t.Fatalf("milestones = %d, want 6", len(ms))
	}
	for _, i := range []int{1, 2, 4, 5} {
		if ms[i].Actual != nil {
			t.Errorf("row %d 实际完成日期 = %s, want nil", i+2, ms[i].Actual)
		}
	}
	if late := ms[3].DaysLate(uploadDay); late != 12 {
		t.Errorf("row 5 days late = %d, want 12", late)
	}
	if late := ms[2].DaysLate(uploadDay); late > 0 {
		t.Errorf("row 4 (not due, not done) days late = %d, want none", late)
	}
	want := []string{"06b_milestones_blank_actual_date.csv 第7行“状态”列的值“已完成”与实际完成日期不符，实际完成日期为空，" +
		"请补填实际完成日期；如果尚未完成，请把状态改为“进行中”"}
	if got := issueStrings(res.Warnings); !slices.Equal(got, want) {
		t.Errorf("warnings = %q, want %q", got, want)
	}
}

func TestCaseExactScores(t *testing.T) {
	res := parseCase(t, "07_scores_exact_decimals.csv", Options{})
	requireNoErrors(t, res)
	want := []string{"100", "99.5", "75.57", "0.5", "1", "0", "100.00", "85.50", "99.50"}
	for i, a := range res.Batch.Assessments {
		if !a.Score.Equal(dec(want[i])) {
			t.Errorf("row %d 得分 = %s, want %s", i+2, a.Score, want[i])
		}
	}
	if got := res.Batch.Assessments[6].Score.StringFixed(2); got != "100.00" {
		t.Errorf("row 8 得分 = %s, want 100.00", got)
	}
	if p := res.Batch.Assessments[6].Period; p != saima.Year(2026) {
		t.Errorf("row 8 考评期间 = %v, want year 2026", p)
	}
	// The 2026Q3 totals tie at 100.5 (both rank 1), and the 2026年度 rows
	// are not added in.
	wantTotals := map[string]struct {
		total string
		rank  int
	}{"市大数据局": {"100.5", 1}, "市发改委": {"100.5", 1}, "市财政局": {"75.57", 3}}
	totals := saima.AssessmentTotals(res.Batch.Assessments, saima.Quarter(2026, 3))
	if len(totals) != len(wantTotals) {
		t.Fatalf("2026Q3 totals = %+v, want %d units", totals, len(wantTotals))
	}
	for _, got := range totals {
		w := wantTotals[got.Unit]
		if !got.Total.Equal(dec(w.total)) {
			t.Errorf("2026Q3 total of %s = %s, want %s", got.Unit, got.Total, w.total)
		}
		if got.Rank != w.rank {
			t.Errorf("2026Q3 rank of %s = %d, want %d", got.Unit, got.Rank, w.rank)
		}
	}
}

func TestCaseXLSXLibreOffice(t *testing.T) {
	res := parseCase(t, "08a_progress_libreoffice.xlsx", Options{})
	requireNoErrors(t, res)
	want := []struct{ percent, date, period string }{
		{"85", "2026-09-30", "2026Q3"},
		{"62.5", "2026-09-28", "2026Q3"},
		{"70", "2026-09-30", "2026-09"},
		{"80", "2026-09-30", "2026Q3"},
		{"100", "2026-09-30", "2026Q3"},
		{"86.7", "2026-09-30", "2026Q3"},
	}
	if len(res.Batch.Progress) != len(want) {
		t.Fatalf("records = %d, want %d", len(res.Batch.Progress), len(want))
	}
	for i, p := range res.Batch.Progress {
		if got := percentString(p.Percent); got != want[i].percent {
			t.Errorf("row %d 完成率 = %s, want %s", i+2, got, want[i].percent)
		}
		if got := dateString(p.ReportDate); got != want[i].date {
			t.Errorf("row %d 填报日期 = %s, want %s", i+2, got, want[i].date)
		}
		if got := p.Period.String(); got != want[i].period {
			t.Errorf("row %d 填报期间 = %s, want %s", i+2, got, want[i].period)
		}
	}
	if res.Sheet != "08a_progress_libreoffice" {
		t.Errorf("Sheet = %q", res.Sheet)
	}

	twin := parseCase(t, "sources/08a_progress_libreoffice.source.csv", Options{})
	requireNoErrors(t, twin)
	if got, want := progressLines(res.Batch.Progress), progressLines(twin.Batch.Progress); !slices.Equal(got, want) {
		t.Errorf("08a records =\n%s\nsource CSV records =\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}

// mergedHeaderLines are the records of cases 08b and 08c.
var mergedHeaderLines = []string{
	"宁波市海曙区|NB-2026-003|海曙区老旧小区改造（二期）|2026Q3|40.885|2026-09-30|管网改造进度低于预期|施工扰民投诉",
	"宁波市江北区|NB-2026-008|江北区智慧停车平台建设|2026Q3|40.88|2026-09-28|平台一期上线|无",
	"宁波市镇海区|NB-2026-011|镇海区化工园区安全监测系统|2026Q3|0|2026-09-30|设备采购中|供货延迟",
	"宁波市北仑区|NB-2026-017|北仑区港区数字孪生平台|2026Q3|85|2026-09-30|完成三维建模|无",
	"宁波市鄞州区|NB-2026-021|鄞州区“一网通办”服务中心改造|2026Q3|100|2026-09-30|已投入使用|无",
	"市大数据局|NB-2026-045|城市大脑数据中台（二期）|2026Q3|86.7|2026-09-30|完成ClickHouse集群迁移|无",
}

func TestCaseXLSXMergedHeader(t *testing.T) {
	wantColumns := []string{"单位", "项目编号", "项目名称", "填报期间",
		"本期进度/完成率", "本期进度/填报日期", "情况说明/进展情况", "情况说明/存在问题"}
	for _, name := range []string{"08b_progress_merged_header_libreoffice.xlsx", "08c_progress_merged_header_excelize.xlsx"} {
		t.Run(name, func(t *testing.T) {
			res := parseCase(t, name, Options{})
			requireNoErrors(t, res)
			if res.Sheet != "进度填报" {
				t.Errorf("Sheet = %q, want 进度填报", res.Sheet)
			}
			if !slices.Equal(res.Columns, wantColumns) {
				t.Errorf("Columns = %q, want %q", res.Columns, wantColumns)
			}
			if got := progressLines(res.Batch.Progress); !slices.Equal(got, mergedHeaderLines) {
				t.Errorf("records =\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(mergedHeaderLines, "\n"))
			}
			p := res.Batch.Progress
			if p[0].Percent.Decimal.Equal(p[1].Percent.Decimal) {
				t.Errorf("0.40885 and 0.4088 read as the same value %s", p[0].Percent.Decimal)
			}
			if !p[2].Percent.Valid {
				t.Error("0 formatted as 0% reads as missing, want 0")
			}
		})
	}
}

func TestCaseInjectionText(t *testing.T) {
	res := parseCase(t, "09a_progress_injection_text.csv", Options{})
	requireNoErrors(t, res)
	want := []struct{ name, progress, problems string }{
		{"城市大脑</script><script>alert(1)</script>数据中台", "<img src=x onerror=alert(1)>接入部门43个", "<b>粗体不应生效</b>"},
		{`重大项目"谋划"储备库\系统\`, `路径C:\data\new\、引号"和'都应原样显示`, "无"},
		{"__f__function(){alert(1)}__f__", "完成与省平台接口联调", "无"},
		{"政府采购电子卖场改造", "=1+2", "@SUM(1+1)"},
		{"海曙区老旧小区改造（二期）", "'); DROP TABLE progress; --", "{{.}}${7*7}"},
	}
	if len(res.Batch.Progress) != len(want) {
		t.Fatalf("records = %d, want %d", len(res.Batch.Progress), len(want))
	}
	for i, p := range res.Batch.Progress {
		if p.ProjectName != want[i].name || p.Progress != want[i].progress || p.Problems != want[i].problems {
			t.Errorf("row %d = %q, %q, %q, want %q, %q, %q", i+2,
				p.ProjectName, p.Progress, p.Problems, want[i].name, want[i].progress, want[i].problems)
		}
	}
}

func TestCaseInjectionUnit(t *testing.T) {
	res := parseCase(t, "09b_progress_injection_unit.csv", Options{})
	want := []struct {
		row   int
		value string
	}{
		{2, "市大数据局<img src=x onerror=alert(1)>"},
		{3, "市财政局</script><script>alert(1)</script>"},
		{4, "__f__function(){alert(1)}__f__"},
	}
	if len(res.Errors) != len(want) {
		t.Fatalf("errors = %q, want 3 unknown units", issueStrings(res.Errors))
	}
	for i, e := range res.Errors {
		if e.Row != want[i].row || e.Column != "单位" || e.Value != want[i].value || !strings.HasPrefix(e.Reason, "不在单位名单中") {
			t.Errorf("error %d = %+v, want unknown unit %q on row %d", i, e, want[i].value, want[i].row)
		}
	}
	if res.Batch.Len() != 0 {
		t.Errorf("records = %d, want none from unknown units", res.Batch.Len())
	}
}

func TestCaseRareCharacters(t *testing.T) {
	res := parseCase(t, "10a_progress_rare_chars.csv", Options{})
	requireNoErrors(t, res)
	p := res.Batch.Progress
	checks := []struct{ got, want string }{
		{p[0].Progress, "项目负责人张堃、技术负责人李喆，已完成管网铺设46公里"},
		{p[1].Progress, "联络人王赟、陈龑，完成浮标布设12套"},
		{p[2].ProjectName, "奉化区\U00020BB7岙村人居环境整治"},
		{p[2].Progress, "联络人张\U00028ACE，村道硬化完成"},
		{p[3].Progress, "进展顺利\U0001F44D居民满意度达96%"},
		{p[3].Problems, "\u2705已整改"},
	}
	for _, c := range checks {
		if c.got != c.want {
			t.Errorf("text = %U, want %U", []rune(c.got), []rune(c.want))
		}
	}

	scores := parseCase(t, "10b_scores_rare_char_names.csv", Options{})
	requireNoErrors(t, scores)
	var names []string
	for _, a := range scores.Batch.Assessments {
		names = append(names, a.Evaluator)
	}
	wantNames := []string{"张堃", "李喆", "王赟", "陈龑", "张\U00028ACE", "吉\U00020BB7"}
	if !slices.Equal(names, wantNames) {
		t.Errorf("考评人 = %q, want %q", names, wantNames)
	}
}

func TestCaseLongText(t *testing.T) {
	res := parseCase(t, "11_progress_long_text.csv", Options{})
	requireNoErrors(t, res)
	text := res.Batch.Progress[0].Progress
	if n := utf8.RuneCountInString(text); n != 500 {
		t.Errorf("进展情况 has %d characters, want 500", n)
	}
	if strings.Count(text, "ClickHouse") != 2 || !strings.Contains(text, "7×24") || !strings.Contains(text, "86.7%") {
		t.Errorf("进展情况 lost part of its text: %q", text)
	}
}

func TestCaseMissingColumn(t *testing.T) {
	for _, dataset := range []string{"", saima.DatasetProgress} {
		res := parseCase(t, "12a_progress_missing_column.csv", Options{Dataset: dataset})
		want := []string{"12a_progress_missing_column.csv 第1行“完成率”列在表头中不存在" +
			"（表头中的列为：单位、项目编号、项目名称、填报期间、填报日期、进展情况、存在问题），请使用最新模板，补上“完成率”列后重新上传"}
		if got := issueStrings(res.Errors); !slices.Equal(got, want) {
			t.Errorf("dataset %q: errors = %q, want %q", dataset, got, want)
		}
		if res.Batch.Len() != 0 {
			t.Errorf("dataset %q: records = %d, want none", dataset, res.Batch.Len())
		}
	}
}

func TestCaseBadRows(t *testing.T) {
	res := parseCase(t, "12b_progress_bad_rows.csv", Options{})
	const f = "12b_progress_bad_rows.csv "
	want := []string{
		f + "第3行“单位”列的值“宁波市鄞洲区”不在单位名单中（最接近的是“宁波市鄞州区”），请改为单位名单中的单位名称后重新上传",
		f + "第4行“完成率”列的值“135%”超出0–100%范围，请改为0–100之间的数后重新上传",
		f + "第5行“完成率”列的值“待定”不是数字，请填写数字或百分数，如85或85%；未填报请留空",
		f + "第6行有9个字段，多于表头的8列，可能是“完成土建,正在安装设备”中的逗号没有加引号，" +
			"请把这段文字放在一对英文双引号中，或把其中的逗号改成中文逗号“，”，也可以改为上传xlsx文件",
		f + "第7行只有1个字段，字段之间用的是中文逗号“，”，请改用英文逗号“,”分隔各列，或改为上传xlsx文件",
		f + "第8行“填报日期”列的值“2026/9/31”不是真实存在的日期，请填写日历上存在的日期，如2026-09-30",
		f + "第9行“项目编号”列为空，此列必须填写，请填写项目编号后重新上传",
	}
	if got := issueStrings(res.Errors); !slices.Equal(got, want) {
		t.Errorf("errors =\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	if res.Rows != 9 {
		t.Errorf("Rows = %d, want 9", res.Rows)
	}
	if res.Errors[3].Value != "完成土建,正在安装设备" {
		t.Errorf("row 6 value = %q, want the text with the unquoted comma", res.Errors[3].Value)
	}
}

func TestCaseMilestoneBadRows(t *testing.T) {
	res := parseCase(t, "12c_milestones_bad_rows.csv", Options{})
	const f = "12c_milestones_bad_rows.csv "
	want := []string{
		f + "第3行“实际完成日期”列的值“2027-06-30”晚于上传当天（2026-10-15），实际发生的日期不能在将来，请填写里程碑实际完成的日期；尚未完成的请留空",
		f + "第4行“计划完成日期”列的值“年底前”不是可识别的日期，请按2026-09-30、2026/9/30或2026年9月30日的格式填写",
	}
	if got := issueStrings(res.Errors); !slices.Equal(got, want) {
		t.Errorf("errors =\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}

func TestCaseScoreBadRows(t *testing.T) {
	res := parseCase(t, "12d_scores_bad_rows.csv", Options{})
	const f = "12d_scores_bad_rows.csv "
	want := []string{
		f + "第3行“得分”列的值“优秀”不是数字，请填写数字，如85或85.5",
		f + "第4行“得分”列的值“32”超过了满分30，请填写0到30之间的分数",
		f + "第5行“得分”列的值“-2”是负数，得分不能为负，请填写0到30之间的分数",
	}
	if got := issueStrings(res.Errors); !slices.Equal(got, want) {
		t.Errorf("errors =\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}

func TestCaseRaggedRows(t *testing.T) {
	res := parseCase(t, "12e_progress_ragged_rows.csv", Options{})
	requireNoErrors(t, res)
	const f = "12e_progress_ragged_rows.csv "
	want := []string{
		f + "第3行只有7个字段，少于表头的8列，缺少的字段按空白读取，如有漏填的内容，请补齐后重新上传",
		f + "第4行只有6个字段，少于表头的8列，缺少的字段按空白读取，如有漏填的内容，请补齐后重新上传",
	}
	if got := issueStrings(res.Warnings); !slices.Equal(got, want) {
		t.Errorf("warnings =\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	if n := len(res.Batch.Progress); n != 4 {
		t.Fatalf("records = %d, want 4", n)
	}
	if p := res.Batch.Progress[2]; p.Progress != "" || p.Problems != "" || percentString(p.Percent) != "70" {
		t.Errorf("row 4 = %q, %q, %s, want empty texts and 70", p.Progress, p.Problems, percentString(p.Percent))
	}
}

func TestCaseReupload(t *testing.T) {
	tests := []struct {
		file    string
		average string
	}{
		{"13a_progress_reupload_v1.csv", "73"},
		{"13b_progress_reupload_v2_corrected.csv", "78.6"},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			res := parseCase(t, tt.file, Options{})
			requireNoErrors(t, res)
			if n := len(res.Batch.Progress); n != 5 {
				t.Fatalf("records = %d, want 5", n)
			}
			sum := decimal.Zero
			for _, p := range res.Batch.Progress {
				sum = sum.Add(p.Percent.Decimal)
			}
			if avg := sum.Div(decimal.NewFromInt(5)); !avg.Equal(dec(tt.average)) {
				t.Errorf("average = %s, want %s", avg, tt.average)
			}
		})
	}
}

// TestCaseFilesCovered fails when a case file appears that no test here
// names, so that new cases are not silently skipped.
func TestCaseFilesCovered(t *testing.T) {
	dir := casesDir(t)
	src, err := os.ReadFile("cases_test.go")
	if err != nil {
		t.Fatal(err)
	}
	for _, pattern := range []string{"*", "sources/*"} {
		files, err := filepath.Glob(filepath.Join(dir, pattern))
		if err != nil {
			t.Fatal(err)
		}
		for _, f := range files {
			base := filepath.Base(f)
			if fi, err := os.Stat(f); err != nil || fi.IsDir() || base == "README.md" {
				continue
			}
			if !strings.Contains(string(src), base) {
				t.Errorf("case file %s has no test", base)
			}
		}
	}
}

// fodsCell is a cell of a flat ODS table: its type, stored value and
// displayed text.
type fodsCell struct {
	Type      string `xml:"urn:oasis:names:tc:opendocument:xmlns:office:1.0 value-type,attr"`
	Value     string `xml:"urn:oasis:names:tc:opendocument:xmlns:office:1.0 value,attr"`
	DateValue string `xml:"urn:oasis:names:tc:opendocument:xmlns:office:1.0 date-value,attr"`
	Text      string `xml:"urn:oasis:names:tc:opendocument:xmlns:text:1.0 p"`
}

type fodsDocument struct {
	Rows []struct {
		Cells []fodsCell `xml:"table-cell"`
	} `xml:"body>spreadsheet>table>table-row"`
}

// TestCaseFODSSource reads the stored values and types that the hand-written
// source of 08b declares and checks that 08b and 08c read as those values:
// a percentage's stored fraction times 100, a date's stored day, and text
// as written.
func TestCaseFODSSource(t *testing.T) {
	raw, err := os.ReadFile(filepath.Join(casesDir(t), "sources", "08b_progress_merged_header_libreoffice.source.fods"))
	if err != nil {
		t.Fatal(err)
	}
	var doc fodsDocument
	if err := xml.Unmarshal(raw, &doc); err != nil {
		t.Fatal(err)
	}
	if len(doc.Rows) != 8 {
		t.Fatalf("FODS rows = %d, want 2 header rows and 6 data rows", len(doc.Rows))
	}

	var want []string
	for _, row := range doc.Rows[2:] {
		c := row.Cells
		want = append(want, strings.Join([]string{c[0].Text, c[1].Text, c[2].Text, c[3].Text,
			fodsPercent(t, c[4]), fodsDate(t, c[5]), c[6].Text, c[7].Text}, "|"))
	}
	for _, name := range []string{"08b_progress_merged_header_libreoffice.xlsx", "08c_progress_merged_header_excelize.xlsx"} {
		res := parseCase(t, name, Options{})
		if got := progressLines(res.Batch.Progress); !slices.Equal(got, want) {
			t.Errorf("%s records =\n%s\nFODS cells say\n%s", name, strings.Join(got, "\n"), strings.Join(want, "\n"))
		}
	}
}

func fodsPercent(tb testing.TB, c fodsCell) string {
	tb.Helper()
	if c.Type == "percentage" {
		return dec(c.Value).Shift(2).String()
	}
	v, prob := readPercent(c.Text)
	if prob != nil {
		tb.Fatalf("FODS 完成率 %q: %s", c.Text, prob.reason)
	}
	return v.value.String()
}

func fodsDate(tb testing.TB, c fodsCell) string {
	tb.Helper()
	s := c.DateValue
	if c.Type != "date" {
		s = c.Text
	}
	d, prob := parseDate(s)
	if prob != nil {
		tb.Fatalf("FODS 填报日期 %q: %s", s, prob.reason)
	}
	return d.String()
}

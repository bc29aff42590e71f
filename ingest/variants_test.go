package ingest

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"golang.org/x/text/encoding"
	"golang.org/x/text/encoding/simplifiedchinese"
	"golang.org/x/text/encoding/unicode"

	"saima"
)

// This file writes upload files as a Chinese clerk's Excel or WPS
// produces them and checks the records and issues each one gives. The
// variants cover encodings, spellings of dates, periods, percents and
// headers, footer lines, injection prefixes, characters outside the BMP,
// ragged rows, and re-uploads that differ only in order or whitespace.

// progressHeader is the header of the progress template.
const progressHeader = "单位,项目编号,项目名称,填报期间,完成率,填报日期,进展情况,存在问题"

// encodeText returns text with line ends nl, encoded by enc (UTF-8 when
// enc is nil).
func encodeText(tb testing.TB, text, nl string, enc encoding.Encoding) []byte {
	tb.Helper()
	text = strings.ReplaceAll(text, "\n", nl)
	if enc == nil {
		return []byte(text)
	}
	b, err := enc.NewEncoder().Bytes([]byte(text))
	if err != nil {
		tb.Fatalf("encode %q: %v", text, err)
	}
	return b
}

// parseVariant writes data to a file called name and parses it with the
// case roster and upload day.
func parseVariant(tb testing.TB, name string, data []byte, opts Options) *Result {
	tb.Helper()
	path := filepath.Join(tb.TempDir(), name)
	if err := os.WriteFile(path, data, 0o600); err != nil {
		tb.Fatal(err)
	}
	f, err := os.Open(path)
	if err != nil {
		tb.Fatal(err)
	}
	defer f.Close()
	opts.FileName, opts.Today, opts.Roster = name, uploadDay, loadRoster(tb)
	res, err := Parse(f, opts)
	if err != nil {
		tb.Fatalf("Parse(%s) error: %v", name, err)
	}
	return res
}

// progressRows joins the progress header and rows into a file's text.
func progressRows(rows ...string) string {
	return progressHeader + "\n" + strings.Join(rows, "\n") + "\n"
}

// rareRow is a progress row with characters outside the BMP in its name
// and progress text, and its record.
const (
	rareRow    = "宁波市海曙区,NB-2026-003,海曙区𠮷岙改造,2026Q3,85%,2026/9/30,联络人张𨫎👍,无"
	rareRecord = "宁波市海曙区|NB-2026-003|海曙区𠮷岙改造|2026Q3|85|2026-09-30|联络人张𨫎👍|无"
)

func TestVariantEncodings(t *testing.T) {
	utf16be := unicode.UTF16(unicode.BigEndian, unicode.IgnoreBOM)
	utf16le := unicode.UTF16(unicode.LittleEndian, unicode.IgnoreBOM)
	tabbed := strings.ReplaceAll(progressRows(rareRow), ",", "\t")
	tests := []struct {
		name string
		data []byte
	}{
		{"utf16be_bom_tab.txt", encodeText(t, "\ufeff"+tabbed, "\r\n", utf16be)},
		{"utf16le_nobom_tab.txt", encodeText(t, tabbed, "\r\n", utf16le)},
		{"utf16le_bom_comma.csv", encodeText(t, "\ufeff"+progressRows(rareRow), "\r\n", utf16le)},
		{"gb18030_four_byte.csv", encodeText(t, progressRows(rareRow), "\r\n", simplifiedchinese.GB18030)},
		{"utf8_double_bom.csv", encodeText(t, "\ufeff\ufeff"+progressRows(rareRow), "\r\n", nil)},
		{"utf8_bom_no_final_newline.csv", encodeText(t, "\ufeff"+strings.TrimSuffix(progressRows(rareRow), "\n"), "\r\n", nil)},
		{"utf8_bom_quoted_header.csv", encodeText(t, "\ufeff\"单位\",\"项目编号\",\"项目名称\",\"填报期间\",\"完成率\",\"填报日期\",\"进展情况\",\"存在问题\"\n"+rareRow+"\n", "\n", nil)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res := parseVariant(t, tt.name, tt.data, Options{})
			requireNoErrors(t, res)
			if got := progressLines(res.Batch.Progress); !slices.Equal(got, []string{rareRecord}) {
				t.Errorf("records = %q, want %q", got, rareRecord)
			}
		})
	}

	// GBK with Excel for Mac's CR line ends, and 堃, which GB2312 lacks.
	data := encodeText(t, progressRows("宁波市海曙区,NB-2026-003,海曙区改造,2026Q3,85%,2026/9/30,王堃牵头,无"), "\r", simplifiedchinese.GBK)
	res := parseVariant(t, "gbk_cr.csv", data, Options{})
	requireNoErrors(t, res)
	want := "宁波市海曙区|NB-2026-003|海曙区改造|2026Q3|85|2026-09-30|王堃牵头|无"
	if got := progressLines(res.Batch.Progress); !slices.Equal(got, []string{want}) {
		t.Errorf("GBK with CR line ends: records = %q, want %q", got, want)
	}
}

// Every spelling below is a way Excel, WPS or a clerk writes 2026-09-30
// in a CSV: the long date with its weekday, the date in Chinese numerals,
// and times with 上午 or 下午 or in Chinese units.
func TestVariantDateSpellings(t *testing.T) {
	spellings := []string{
		"2026年09月30日", "2026年9月30号", "2026/9/30 0:00", "2026/09/30 17:45:00", "2026.9.30",
		"2026-09-30T17:45:00", "2026年9月30日星期三", "2026年9月30日 星期三", "2026/9/30 周三",
		"二〇二六年九月三十日", "2026-9-30 17:45", "2026年9月30日17时45分", "2026/9/30 下午 5:45",
		"2026/9/30 上午 9:05", "２０２６年９月３０日　星期三", "2026年9月30", "2026年9月30 17:45",
	}
	var rows []string
	for i, s := range spellings {
		rows = append(rows, "宁波市海曙区,NB-2026-1"+twoDigits(i)+",项目,2026Q3,85%,"+s+",进展,无")
	}
	res := parseVariant(t, "dates.csv", []byte(progressRows(rows...)), Options{})
	requireNoErrors(t, res)
	for i, p := range res.Batch.Progress {
		if got := dateString(p.ReportDate); got != "2026-09-30" {
			t.Errorf("填报日期 %q = %s, want 2026-09-30", spellings[i], got)
		}
	}
	if len(res.Batch.Progress) != len(spellings) {
		t.Errorf("records = %d, want %d", len(res.Batch.Progress), len(spellings))
	}
}

func TestVariantDateWrongWeekday(t *testing.T) {
	res := parseVariant(t, "weekday.csv", []byte(progressRows(
		"宁波市海曙区,NB-2026-003,项目,2026Q3,85%,2026年9月30日星期四,进展,无")), Options{})
	want := []string{"weekday.csv 第2行“填报日期”列的值“2026年9月30日星期四”写的是星期四，但2026-09-30是星期三，" +
		"日期和星期必有一处写错，请核对日期后重新填写；可以只写日期，如2026-09-30"}
	if got := issueStrings(res.Errors); !slices.Equal(got, want) {
		t.Errorf("errors = %q, want %q", got, want)
	}
}

func TestVariantPeriodSpellings(t *testing.T) {
	tests := []struct{ in, want string }{
		{"2026年三季度", "2026Q3"}, {"2026年第3季度", "2026Q3"}, {"2026 Q3", "2026Q3"}, {"2026q3", "2026Q3"},
		{"2026-Q3", "2026Q3"}, {"2026年Q3", "2026Q3"}, {"2026年度第三季度", "2026Q3"}, {"2026年7-9月", "2026Q3"},
		{"2026年7月至9月", "2026Q3"}, {"2026.09", "2026-09"}, {"2026年09月", "2026-09"}, {"2026/09", "2026-09"},
		{"2026年九月", "2026-09"},
	}
	var rows []string
	for i, tt := range tests {
		rows = append(rows, "宁波市海曙区,NB-2026-2"+twoDigits(i)+",项目,"+tt.in+",85%,2026/9/30,进展,无")
	}
	res := parseVariant(t, "periods.csv", []byte(progressRows(rows...)), Options{})
	requireNoErrors(t, res)
	for i, p := range res.Batch.Progress {
		if p.Period.String() != tests[i].want {
			t.Errorf("填报期间 %q = %s, want %s", tests[i].in, p.Period, tests[i].want)
		}
	}
}

func TestVariantPercentSpellings(t *testing.T) {
	tests := []struct{ in, want string }{
		{"85.00%", "85"}, {"85 ％", "85"}, {"８５．５％", "85.5"}, {"100.0%", "100"}, {"85%\u200b", "85"},
		{"\u00a085%\u3000", "85"}, {"+85%", "85"}, {"0.00%", "0"}, {".5%", "0.5"},
	}
	var rows []string
	for i, tt := range tests {
		rows = append(rows, "宁波市海曙区,NB-2026-3"+twoDigits(i)+",项目,2026Q3,\""+tt.in+"\",2026/9/30,进展,无")
	}
	res := parseVariant(t, "percents.csv", []byte(progressRows(rows...)), Options{})
	requireNoErrors(t, res)
	for i, p := range res.Batch.Progress {
		if got := percentString(p.Percent); got != tests[i].want {
			t.Errorf("完成率 %q = %s, want %s", tests[i].in, got, tests[i].want)
		}
	}
	if len(res.Warnings) != 0 {
		t.Errorf("warnings = %q, want none", issueStrings(res.Warnings))
	}
}

// Dashes and slashes typed by a Chinese input method are placeholders
// (missing, with a warning). Words such as 无 are not numbers and stay
// errors.
func TestVariantPlaceholders(t *testing.T) {
	missing := []string{"／", "－", "—", "——", "―", "――", "–", "－－", "/ "}
	invalid := []string{"无", "暂无", "N/A", "一"}
	var rows []string
	for i, v := range slices.Concat(missing, invalid) {
		rows = append(rows, "宁波市海曙区,NB-2026-4"+twoDigits(i)+",项目,2026Q3,"+v+",2026/9/30,进展,无")
	}
	res := parseVariant(t, "placeholders.csv", []byte(progressRows(rows...)), Options{})
	if len(res.Warnings) != len(missing) {
		t.Errorf("warnings = %q, want one per placeholder", issueStrings(res.Warnings))
	}
	if len(res.Errors) != len(invalid) {
		t.Errorf("errors = %q, want one per word", issueStrings(res.Errors))
	}
	for _, is := range res.Errors {
		if !strings.Contains(is.Reason, "不是数字") {
			t.Errorf("error %q, want 不是数字", is.String())
		}
	}
}

func TestVariantHeaders(t *testing.T) {
	const row = "宁波市海曙区,NB-2026-003,海曙区改造,2026Q3,85,2026/9/30,进展,无"
	const record = "宁波市海曙区|NB-2026-003|海曙区改造|2026Q3|85|2026-09-30|进展|无"
	tests := []struct{ name, text string }{
		{"title_row", "2026年第三季度数字化改革项目进度填报表,,,,,,,\n" + progressHeader + "\n" + row},
		{"title_and_blank_row", "2026年第三季度项目进度表\n\n" + progressHeader + "\n" + row},
		{"sequence_column", "序号," + progressHeader + "\n1," + row},
		{"synonyms", "单位名称,项目编号,项目名称,填报期间,完成率（%）,填报日期,进展情况,存在问题\n" + row},
		{"leading_asterisk", "*单位,*项目编号,项目名称,*填报期间,＊完成率,填报日期,进展情况,存在问题\n" + row},
		{"format_note", "单位,项目编号,项目名称,填报期间,\"完成率\n（%）\",\"填报日期\n(yyyy-mm-dd)\",进展情况（限500字）,存在问题\n" + row},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res := parseVariant(t, tt.name+".csv", []byte(tt.text+"\n"), Options{})
			requireNoErrors(t, res)
			if len(res.Warnings) != 0 {
				t.Errorf("warnings = %q, want none", issueStrings(res.Warnings))
			}
			if got := progressLines(res.Batch.Progress); !slices.Equal(got, []string{record}) {
				t.Errorf("records = %q, want %q", got, record)
			}
		})
	}
}

// A note in brackets names a column only where it cannot change what the
// cells mean: 完成率（‰） is per mille, not 完成率.
func TestVariantHeaderNoteOnPercent(t *testing.T) {
	text := "单位,项目编号,项目名称,填报期间,完成率（‰）,填报日期,进展情况,存在问题\n" +
		"宁波市海曙区,NB-2026-003,海曙区改造,2026Q3,850,2026/9/30,进展,无\n"
	res := parseVariant(t, "permille.csv", []byte(text), Options{})
	if len(res.Errors) != 1 || !strings.Contains(res.Errors[0].String(), "“完成率”列在表头中不存在") {
		t.Errorf("errors = %q, want one missing-column error for 完成率", issueStrings(res.Errors))
	}
}

func TestVariantFooterLines(t *testing.T) {
	text := progressRows("宁波市海曙区,NB-2026-003,海曙区改造,2026Q3,85%,2026/9/30,进展,无",
		"填表人：张三    联系电话：87654321,,,,,,,",
		"审核人：李四,,,,,填表日期：2026年10月9日,,")
	res := parseVariant(t, "footer.csv", []byte(text), Options{})
	requireNoErrors(t, res)
	if len(res.Warnings) != 2 {
		t.Errorf("warnings = %q, want one per footer line", issueStrings(res.Warnings))
	}
	if len(res.Batch.Progress) != 1 {
		t.Errorf("records = %q, want the one row above the footer", progressLines(res.Batch.Progress))
	}
}

// Formula and script prefixes are text: each is stored as written, with
// only its leading and trailing whitespace trimmed.
func TestVariantInjectionPrefixes(t *testing.T) {
	values := []string{
		"+cmd|' /C calc'!A0", "-1+2", "\t=1+2", "＝1+2", `=HYPERLINK("http://127.0.0.1/x","点我")`,
		"%0A=1+2", "<svg/onload=alert(1)>", "javascript:alert(1)", "${jndi:ldap://127.0.0.1/a}",
	}
	var rows []string
	for i, v := range values {
		q := `"` + strings.ReplaceAll(v, `"`, `""`) + `"`
		rows = append(rows, "宁波市海曙区,NB-2026-5"+twoDigits(i)+","+q+",2026Q3,85%,2026/9/30,"+q+","+q)
	}
	res := parseVariant(t, "injection.csv", []byte(progressRows(rows...)), Options{})
	requireNoErrors(t, res)
	for i, p := range res.Batch.Progress {
		want := strings.TrimSpace(values[i])
		if p.ProjectName != want || p.Progress != want || p.Problems != want {
			t.Errorf("row %d = %q, %q, %q, want %q in each", i+2, p.ProjectName, p.Progress, p.Problems, want)
		}
	}
}

func TestVariantRareCharacters(t *testing.T) {
	// An ideographic variation selector (U+E0100) picks a glyph of the
	// character before it, and free text keeps it.
	text := progressRows("宁波市海曙区,NB-2026-𠮷01,葛\U000E0100飾区改造,2026Q3,85%,2026/9/30,联系人辻\U000E0101,✅\ufe0f")
	res := parseVariant(t, "rare.csv", []byte(text), Options{})
	requireNoErrors(t, res)
	want := "宁波市海曙区|NB-2026-𠮷01|葛\U000E0100飾区改造|2026Q3|85|2026-09-30|联系人辻\U000E0101|✅\ufe0f"
	if got := progressLines(res.Batch.Progress); !slices.Equal(got, []string{want}) {
		t.Errorf("records = %q, want %q", got, want)
	}

	// Outside free text, a character outside the BMP is an error in the
	// column it is in, not a silent drop.
	text = progressRows("宁波市海曙区𠮷,NB-2026-003,改造,2026Q3𠮷,85%𠮷,2026/9/30𠮷,进展,无")
	res = parseVariant(t, "rare_bad.csv", []byte(text), Options{})
	var columns []string
	for _, is := range res.Errors {
		columns = append(columns, is.Column)
	}
	slices.Sort(columns)
	if want := []string{"单位", "填报日期", "填报期间", "完成率"}; !slices.Equal(columns, want) {
		t.Errorf("error columns = %q, want %q", columns, want)
	}

	text = "项目编号,里程碑,计划完成日期,实际完成日期,状态\n" +
		"NB-2026-003,𠮷岙段👍完工,2026-09-30,2026-09-28,已完成\n" +
		"NB-2026-003,𠮷岙段👍完工　,2026-09-30,2026-09-29,已完成\n"
	res = parseVariant(t, "milestones.csv", []byte(text), Options{})
	requireNoErrors(t, res)
	if ms := res.Batch.Milestones; len(ms) != 1 || ms[0].Name != "𠮷岙段👍完工" || ms[0].Actual.String() != "2026-09-29" {
		t.Errorf("milestones = %+v, want the later row of the two with the same key", ms)
	}

	text = "被考评单位,指标,得分,满分,考评方式,考评期间,考评人\n" +
		"市大数据局,𠮷数据👍共享率,99.5,100,线上日常,2026Q3,吉𠮷\n" +
		"市大数据局,数据共享率,85.50,100.00,线上日常,2026年第三季度,张𨫎\n"
	res = parseVariant(t, "scores.csv", []byte(text), Options{})
	requireNoErrors(t, res)
	as := res.Batch.Assessments
	if len(as) != 2 || as[0].Indicator != "𠮷数据👍共享率" || as[0].Evaluator != "吉𠮷" || as[1].Evaluator != "张𨫎" {
		t.Fatalf("assessments = %+v, want the rare characters kept", as)
	}
	if as[1].Period != saima.Quarter(2026, 3) || as[1].Score.String() != "85.5" {
		t.Errorf("second assessment = %s %s, want 2026Q3 85.5", as[1].Period, as[1].Score)
	}
}

func TestVariantRaggedRows(t *testing.T) {
	text := progressRows("宁波市海曙区,NB-2026-003,海曙区改造,2026Q3,85%,2026/9/30,进展,无,,,",
		",,,,,,,", "   ,  ,,,,,,", "宁波市江北区,NB-2026-008,江北区平台,2026Q3,62.5%")
	res := parseVariant(t, "ragged.csv", []byte(text), Options{})
	requireNoErrors(t, res)
	want := []string{
		"宁波市海曙区|NB-2026-003|海曙区改造|2026Q3|85|2026-09-30|进展|无",
		"宁波市江北区|NB-2026-008|江北区平台|2026Q3|62.5|nil||",
	}
	if got := progressLines(res.Batch.Progress); !slices.Equal(got, want) {
		t.Errorf("records = %q, want %q", got, want)
	}
	if len(res.Warnings) != 1 || res.Warnings[0].Row != 5 {
		t.Errorf("warnings = %q, want one on row 5 for its missing fields", issueStrings(res.Warnings))
	}
}

// Rows are counted as records, so an error after a cell with line breaks
// names the row a spreadsheet shows, in CSV and in UTF-16 with tabs.
func TestVariantLineBreakRowNumbers(t *testing.T) {
	rows := progressRows("宁波市海曙区,NB-2026-003,海曙区改造,2026Q3,85%,2026/9/30,\"第一行\n第二行\r\n第三行\",无",
		"宁波市江北区,NB-2026-008,江北区平台,2026Q3,135%,2026/9/28,进展,无")
	utf16le := unicode.UTF16(unicode.LittleEndian, unicode.IgnoreBOM)
	tests := []struct {
		name string
		data []byte
	}{
		{"breaks.csv", encodeText(t, rows, "\r\n", nil)},
		{"breaks.txt", encodeText(t, "\ufeff"+strings.ReplaceAll(rows, ",", "\t"), "\r\n", utf16le)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res := parseVariant(t, tt.name, tt.data, Options{})
			if len(res.Errors) != 1 || res.Errors[0].Row != 3 || res.Errors[0].Column != "完成率" {
				t.Errorf("errors = %q, want one on row 3, 完成率", issueStrings(res.Errors))
			}
		})
	}
}

// A re-upload that only reorders the rows, pads cells with full-width or
// no-break spaces, spells the period in Chinese, writes the code in lower
// case or the unit by its short name gives the same record keys, so it
// replaces the stored records instead of adding new ones.
func TestVariantReuploadKeys(t *testing.T) {
	rows := []string{
		"宁波市北仑区,NB-2026-017,北仑区港区数字孪生平台,2026Q3,60%,2026/9/30,完成三维建模,无",
		"宁波市北仑区,NB-2026-018,北仑区梅山湾综合管廊,2026Q3,45%,2026/9/30,管廊主体施工,汛期停工12天",
	}
	keys := func(res *Result) []string {
		var out []string
		for _, p := range res.Batch.Progress {
			out = append(out, p.Unit+"|"+p.ProjectCode+"|"+p.Period.String())
		}
		slices.Sort(out)
		return out
	}
	base := parseVariant(t, "v1.csv", []byte(progressRows(rows...)), Options{})
	requireNoErrors(t, base)

	var padded, short []string
	for _, r := range rows {
		c := strings.Split(r, ",")
		p := slices.Clone(c)
		p[0], p[1], p[3], p[6] = " "+p[0]+"\u3000", p[1]+"\u00a0", "2026年第三季度", p[6]+"  "
		padded = append(padded, strings.Join(p, ","))
		c[0], c[1] = strings.TrimPrefix(c[0], "宁波市"), strings.ToLower(c[1])
		short = append(short, strings.Join(c, ","))
	}
	tests := []struct {
		name string
		rows []string
	}{
		{"reordered", []string{rows[1], rows[0]}},
		{"padded", padded},
		{"short_unit_lower_code", short},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res := parseVariant(t, tt.name+".csv", []byte(progressRows(tt.rows...)), Options{})
			requireNoErrors(t, res)
			if got, want := keys(res), keys(base); !slices.Equal(got, want) {
				t.Errorf("keys = %q, want %q", got, want)
			}
		})
	}
}

// twoDigits formats i, from 0 to 99, with two digits, for project codes.
func twoDigits(i int) string {
	return string([]byte{byte('0' + i/10), byte('0' + i%10)})
}

// TestVariantHeaderJoinedByFullWidthComma checks a header where a clerk
// typed a full-width comma or 、 between two column names: one error
// names the cell and the columns in it, in place of two missing-column
// errors and a warning about an unknown column.
func TestVariantHeaderJoinedByFullWidthComma(t *testing.T) {
	row := "\n宁波市海曙区,NB-2026-001,城市大脑驾驶舱,2026Q3,85%,2026-09-30,进展,无\n"
	for _, header := range []string{
		"单位，项目编号,项目名称,填报期间,完成率,填报日期,进展情况,存在问题",
		"单位、项目编号,项目名称,填报期间,完成率,填报日期,进展情况,存在问题",
	} {
		t.Run(header[:strings.Index(header, ",")], func(t *testing.T) {
			res := parseVariant(t, "进度.csv", []byte(header+row), Options{Dataset: saima.DatasetProgress})
			got := issueStrings(res.Errors)
			if len(got) != 1 || !strings.Contains(got[0], "“单位”“项目编号”这 2 列的列名") ||
				!strings.Contains(got[0], "英文逗号") {
				t.Errorf("errors = %q, want one naming 单位 and 项目编号 and the full-width comma", got)
			}
			if len(res.Warnings) != 0 {
				t.Errorf("warnings = %q, want none", issueStrings(res.Warnings))
			}
		})
	}
	// A header cell whose parts are not all column names stays an unknown
	// column.
	data := progressHeader + ",备注，说明" + strings.TrimSuffix(row, "\n") + ",另报\n"
	res := parseVariant(t, "进度.csv", []byte(data), Options{Dataset: saima.DatasetProgress})
	if len(res.Errors) != 0 || len(res.Warnings) != 1 || !strings.Contains(res.Warnings[0].String(), "不是") {
		t.Errorf("errors %q, warnings %q; want only the unknown-column warning", issueStrings(res.Errors), issueStrings(res.Warnings))
	}
}

// Addresses and older forms write a unit's name with the city's 市
// dropped, with the city before a county, or with a county's former
// suffix, as 奉化市 for what is now 宁波市奉化区. Each reads as the
// roster's unit.
func TestVariantUnitSpellings(t *testing.T) {
	tests := []struct{ in, want string }{
		{"宁波江北区", "宁波市江北区"}, {"宁波鄞州", "宁波市鄞州区"}, {"宁波市余姚市", "余姚市"},
		{"宁波市宁海县", "宁海县"}, {"奉化市", "宁波市奉化区"}, {"宁波奉化市", "宁波市奉化区"},
	}
	var rows []string
	for i, tt := range tests {
		rows = append(rows, tt.in+",NB-2026-6"+twoDigits(i)+",项目,2026Q3,85%,2026/9/30,进展,无")
	}
	res := parseVariant(t, "units.csv", []byte(progressRows(rows...)), Options{})
	requireNoErrors(t, res)
	for i, p := range res.Batch.Progress {
		if p.Unit != tests[i].want {
			t.Errorf("单位 %q = %q, want %q", tests[i].in, p.Unit, tests[i].want)
		}
	}
}

// An apostrophe before a code, number, date, period or unit marks the
// cell as text, as systems write it to keep a spreadsheet from changing
// the value, and is no part of the value. Free text keeps it.
func TestVariantApostropheTextMark(t *testing.T) {
	text := progressRows(
		"'宁波市海曙区,'NB-2026-006,'项目',2026Q3,'85%,'2026/9/30,'进展,无",
		"宁波市海曙区,＇NB-2026-007, 'x,'2026年第三季度,'85,' 20260930,进展,'",
	)
	res := parseVariant(t, "apostrophe.csv", []byte(text), Options{})
	requireNoErrors(t, res)
	want := []string{
		"宁波市海曙区|NB-2026-006|'项目'|2026Q3|85|2026-09-30|'进展|无",
		"宁波市海曙区|NB-2026-007|'x|2026Q3|85|2026-09-30|进展|'",
	}
	if got := progressLines(res.Batch.Progress); !slices.Equal(got, want) {
		t.Errorf("records = %q, want %q", got, want)
	}

	// A lone apostrophe is no mark, so it is still not a number.
	res = parseVariant(t, "apostrophe.csv", []byte(progressRows("宁波市海曙区,NB-2026-008,项目,2026Q3,',2026/9/30,进展,无")), Options{})
	if len(res.Errors) != 1 || res.Errors[0].Column != "完成率" {
		t.Errorf("errors = %q, want one on 完成率", issueStrings(res.Errors))
	}
}

// Systems that export CSV for Excel write a code or a date as the formula
// ="NB-2026-010", so that Excel shows it as text. Excel shows the value
// inside, and so does saima in every column but free text.
func TestVariantFormulaTextConstant(t *testing.T) {
	text := progressRows(
		`="宁波市海曙区",="NB-2026-010",项目,="2026Q3",="85%",="2026/9/30",="进展",无`,
		`宁波市海曙区, ="NB-2026-011" ,项目,2026Q3,85%,2026/9/30,进展,无`,
	)
	res := parseVariant(t, "formula.csv", []byte(text), Options{})
	requireNoErrors(t, res)
	want := []string{
		`宁波市海曙区|NB-2026-010|项目|2026Q3|85|2026-09-30|="进展"|无`,
		"宁波市海曙区|NB-2026-011|项目|2026Q3|85|2026-09-30|进展|无",
	}
	if got := progressLines(res.Batch.Progress); !slices.Equal(got, want) {
		t.Errorf("records = %q, want %q", got, want)
	}

	// A formula that is not one text constant is not unwrapped.
	res = parseVariant(t, "formula.csv", []byte(progressRows(`宁波市海曙区,NB-2026-012,项目,2026Q3,="8"&"5%",2026/9/30,进展,无`)), Options{})
	if len(res.Errors) != 1 || res.Errors[0].Column != "完成率" {
		t.Errorf("errors = %q, want one on 完成率", issueStrings(res.Errors))
	}
}

package ingest

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"
	"testing"
	"unicode/utf8"

	"golang.org/x/text/encoding/simplifiedchinese"
	"golang.org/x/text/encoding/traditionalchinese"
	"golang.org/x/text/encoding/unicode"

	"saima"
)

// progressText is a small progress file in UTF-8 with comma separators.
const progressText = "单位,项目编号,项目名称,填报期间,完成率,填报日期,进展情况,存在问题\n" +
	"宁波市海曙区,NB-1,老旧小区改造,2026Q3,85%,2026/9/30,\"完成12个小区,管网80%\",无\n" +
	"余姚市,NB-2,产业园,2026Q3,47%,2026/10/8,由王堃同志牵头,征地滞后\n"

var progressTextLines = []string{
	"宁波市海曙区|NB-1|老旧小区改造|2026Q3|85|2026-09-30|完成12个小区,管网80%|无",
	"余姚市|NB-2|产业园|2026Q3|47|2026-10-08|由王堃同志牵头|征地滞后",
}

func encodeGB18030(tb testing.TB, s string) string {
	tb.Helper()
	out, err := simplifiedchinese.GB18030.NewEncoder().String(s)
	if err != nil {
		tb.Fatal(err)
	}
	return out
}

func encodeUTF16(tb testing.TB, s string, order unicode.Endianness, bom unicode.BOMPolicy) string {
	tb.Helper()
	out, err := unicode.UTF16(order, bom).NewEncoder().String(s)
	if err != nil {
		tb.Fatal(err)
	}
	return out
}

func TestDetectEncoding(t *testing.T) {
	// A UTF-8 file whose sniff window ends inside a three-byte rune.
	cut := strings.Repeat("a", sniffSize-1) + "堃"
	tests := []struct {
		name, data, want string
	}{
		{"utf-8", "单位,完成率\n", EncodingUTF8},
		{"ascii", "a,b\n", EncodingUTF8},
		{"utf-8 bom", "\xEF\xBB\xBF单位", EncodingUTF8},
		{"utf-16le bom", encodeUTF16(t, "单位", unicode.LittleEndian, unicode.UseBOM), EncodingUTF16LE},
		{"utf-16be bom", encodeUTF16(t, "单位", unicode.BigEndian, unicode.UseBOM), EncodingUTF16BE},
		{"gbk", encodeGB18030(t, "单位,完成率,王堃\n"), EncodingGB18030},
		{"utf-16le no bom", encodeUTF16(t, progressText, unicode.LittleEndian, unicode.IgnoreBOM), EncodingUTF16LE},
		{"utf-16be no bom", encodeUTF16(t, progressText, unicode.BigEndian, unicode.IgnoreBOM), EncodingUTF16BE},
		{"few zero bytes", "单位\x00,完成率\n", EncodingUTF8},
		{"rune cut by the window", cut, EncodingUTF8},
		{"empty", "", EncodingUTF8},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			br := bufio.NewReaderSize(strings.NewReader(tt.data), sniffSize)
			if got := detectEncoding(br); got != tt.want {
				t.Errorf("detectEncoding = %s, want %s", got, tt.want)
			}
		})
	}
}

func TestParseEncodings(t *testing.T) {
	tab := strings.ReplaceAll(strings.ReplaceAll(progressText, ",", "\t"), "\t管网", ",管网")
	tests := []struct {
		name, data, encoding string
	}{
		{"utf-8", progressText, ""},
		{"utf-8 crlf", strings.ReplaceAll(progressText, "\n", "\r\n"), ""},
		{"utf-8 bom", "\xEF\xBB\xBF" + progressText, ""},
		{"utf-8 tab", tab, ""},
		{"gb18030", encodeGB18030(t, progressText), ""},
		{"gb18030 crlf", encodeGB18030(t, strings.ReplaceAll(progressText, "\n", "\r\n")), ""},
		{"utf-16le bom tab", encodeUTF16(t, tab, unicode.LittleEndian, unicode.UseBOM), ""},
		{"utf-16be bom tab", encodeUTF16(t, tab, unicode.BigEndian, unicode.UseBOM), ""},
		{"utf-16le forced", encodeUTF16(t, tab, unicode.LittleEndian, unicode.IgnoreBOM), "utf-16le"},
		{"utf-16be forced", encodeUTF16(t, tab, unicode.BigEndian, unicode.IgnoreBOM), "UTF-16BE"},
		{"utf-16le no bom tab", encodeUTF16(t, tab, unicode.LittleEndian, unicode.IgnoreBOM), ""},
		{"utf-16be no bom tab", encodeUTF16(t, tab, unicode.BigEndian, unicode.IgnoreBOM), ""},
		{"utf-16le bom comma", encodeUTF16(t, progressText, unicode.LittleEndian, unicode.UseBOM), ""},
		{"utf-16be bom comma", encodeUTF16(t, progressText, unicode.BigEndian, unicode.UseBOM), ""},
		{"gbk forced", encodeGB18030(t, progressText), "GBK"},
		{"utf-8 bom forced", "\xEF\xBB\xBF" + progressText, "utf8"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res := parseText(t, "p.csv", tt.data, Options{Encoding: tt.encoding})
			requireNoErrors(t, res)
			if got := progressLines(res.Batch.Progress); !slices.Equal(got, progressTextLines) {
				t.Errorf("records = %q, want %q", got, progressTextLines)
			}
		})
	}
}

func TestParseGB18030AsUTF8(t *testing.T) {
	// Forcing UTF-8 on GBK bytes must fail loudly instead of storing
	// mojibake, at the first row that is not UTF-8: here the header.
	res := parseText(t, "gbk.csv", encodeGB18030(t, progressText), Options{Encoding: "utf-8"})
	want := []string{"gbk.csv 第1行含有不是UTF-8编码的内容，而上传时选择了UTF-8编码，" +
		"请把编码改选为gb18030（GBK文件也选它）或留空自动识别，然后重新上传"}
	if got := issueStrings(res.Errors); !slices.Equal(got, want) {
		t.Errorf("errors = %q, want %q", got, want)
	}
}

// gbkRowAfterSniff returns a file of header and then copies of row past
// the sniffed head, followed by one row in GB18030, and the number of
// that row.
func gbkRowAfterSniff(tb testing.TB, header, row string) (string, int) {
	tb.Helper()
	var b strings.Builder
	b.WriteString(header)
	rows := 1
	for b.Len() < sniffSize+100 {
		b.WriteString(row)
		rows++
	}
	b.WriteString(encodeGB18030(tb, "余姚市,NB-2,2026Q3,50%\n"))
	b.WriteString(row)
	return b.String(), rows + 1
}

func TestParseInvalidUTF8AfterSniff(t *testing.T) {
	text, bad := gbkRowAfterSniff(t, "单位,项目编号,填报期间,完成率\n", "宁波市海曙区,NB-1,2026Q3,50%\n")
	res := parseText(t, "late.csv", text, Options{})
	want := []string{fmt.Sprintf("late.csv 第%d行含有不是UTF-8编码的内容，而表头是UTF-8编码，文件中混有两种编码（常见于从其他文件粘贴的行），"+
		"请在表格软件中重新输入这一行的文字，不要从其他文件粘贴，保存后重新上传", bad)}
	if got := issueStrings(res.Errors); !slices.Equal(got, want) {
		t.Errorf("errors = %q, want %q", got, want)
	}
}

// A UTF-8 file with one row pasted from a GBK file, near the top: the
// error names that row instead of reading the whole file as GBK.
func TestParseGBKRowInUTF8File(t *testing.T) {
	data := "单位,项目编号,填报期间,完成率\n宁波市海曙区,NB-1,2026Q3,50%\n余姚市,NB-2,2026Q3,60%\n" +
		encodeGB18030(t, "宁海县,NB-3,2026Q3,70%\n") + "余姚市,NB-4,2026Q3,80%\n"
	res := parseText(t, "mixed.csv", data, Options{})
	want := []string{"mixed.csv 第4行含有不是UTF-8编码的内容，而表头是UTF-8编码，文件中混有两种编码（常见于从其他文件粘贴的行），" +
		"请在表格软件中重新输入这一行的文字，不要从其他文件粘贴，保存后重新上传"}
	if got := issueStrings(res.Errors); !slices.Equal(got, want) {
		t.Errorf("errors = %q, want %q", got, want)
	}
}

func TestParseUnreadableGB18030(t *testing.T) {
	// 0xFF is not valid in UTF-8 or GB18030; the decoder puts U+FFFD.
	data := encodeGB18030(t, "单位,项目编号,填报期间,完成率\n余姚市,NB-2,2026Q3,50%\n") + "余姚市,NB-\xFF,2026Q3,50%\n"
	res := parseText(t, "bad.csv", data, Options{})
	want := []string{"bad.csv 第3行含有无法识别的字符，文件可能不是GBK或GB18030编码，请把文件另存为“CSV UTF-8”格式后重新上传"}
	if got := issueStrings(res.Errors); !slices.Equal(got, want) {
		t.Errorf("errors = %q, want %q", got, want)
	}

	// Chosen by the uploader, the encoding is named in the fix.
	res = parseText(t, "bad.csv", data, Options{Encoding: "gbk"})
	want = []string{"bad.csv 第3行含有无法识别的字符，文件可能不是GBK或GB18030编码，上传时选择了编码“gbk”，" +
		"请把编码留空让系统自动识别，或把文件另存为“CSV UTF-8”格式，然后重新上传"}
	if got := issueStrings(res.Errors); !slices.Equal(got, want) {
		t.Errorf("forced gbk: errors = %q, want %q", got, want)
	}
}

func TestParseQuoting(t *testing.T) {
	text := "单位,项目编号,填报期间,完成率,进展情况\n" +
		"宁波市海曙区,NB-1,2026Q3,50%,\"第一行\n第二行，含\"\"引号\"\"\"\n" + // row 2 spans two lines
		"宁波市海曙区,NB-2,2026Q3,50%,完成\"一期\"工程\n" + // row 3: quotes inside an unquoted cell are text
		"宁波市海曙区,NB-3,2026Q3,60%,正常\n" // row 4
	res := parseText(t, "q.csv", text, Options{})
	if got := issueStrings(res.Errors); len(got) != 0 {
		t.Errorf("errors = %q, want none", got)
	}
	if res.Rows != 3 {
		t.Errorf("Rows = %d, want 3", res.Rows)
	}
	want := []string{"第一行\n第二行，含\"引号\"", "完成\"一期\"工程", "正常"}
	var got []string
	for _, p := range res.Batch.Progress {
		got = append(got, p.Progress)
	}
	if !slices.Equal(got, want) {
		t.Errorf("进展情况 = %q, want %q", got, want)
	}
}

// A quoted cell must end with a quote before the separator or the line's
// end. One that goes on after its closing quote, or is never closed, is an
// error on its row.
func TestParseQuotedCellFaults(t *testing.T) {
	const fix = "的英文双引号不成对，无法分列，" +
		"请把含有双引号或逗号的内容整体放在一对英文双引号中，内容里的双引号写成两个，或改为上传xlsx文件"
	for _, tt := range []struct {
		name, body string
		want       []string
		rows       int
	}{
		{"text after the closing quote",
			"宁波市海曙区,NB-2,2026Q3,50%,\"完成\"一期\"工程\"\n宁波市海曙区,NB-3,2026Q3,60%,正常\n",
			[]string{"q.csv 第2行" + fix}, 2},
		// Past the first 64 KB, where a lone CR is no longer taken as
		// the file's line end.
		{"text after the quote and a carriage return",
			"单位,项目编号,填报期间,完成率,进展情况\r\n" + strings.Repeat("宁波市海曙区,NB-3,2026Q3,60%,正常\r\n", 2000) +
				"宁波市海曙区,NB-2,2026Q3,50%,\"完成\"\rX\r\n宁波市海曙区,NB-3,2026Q3,60%,正常\r\n",
			[]string{"q.csv 第2002行" + fix}, 2001}, // the open cell takes in the last line
		{"quote still open at the end",
			"宁波市海曙区,NB-3,2026Q3,60%,正常\n宁波市海曙区,NB-2,2026Q3,50%,\"完成\n",
			[]string{"q.csv 第3行" + fix}, 2},
		{"closing quote before CRLF",
			"宁波市海曙区,NB-2,2026Q3,50%,\"完成\"\r\n宁波市海曙区,NB-3,2026Q3,60%,\"正常\"\r\n",
			nil, 2},
	} {
		t.Run(tt.name, func(t *testing.T) {
			text := tt.body
			if !strings.HasPrefix(text, "单位") {
				text = "单位,项目编号,填报期间,完成率,进展情况\n" + text
			}
			res := parseText(t, "q.csv", text, Options{})
			if got := issueStrings(res.Errors); !slices.Equal(got, tt.want) {
				t.Errorf("errors = %q, want %q", got, tt.want)
			}
			if res.Rows != tt.rows {
				t.Errorf("Rows = %d, want %d", res.Rows, tt.rows)
			}
		})
	}
}

func TestParseRowsCountRecords(t *testing.T) {
	// Row numbers count records, so an error after a cell with line breaks
	// names the row a spreadsheet shows.
	text := "单位,项目编号,填报期间,完成率,进展情况\n" +
		"宁波市海曙区,NB-1,2026Q3,50%,\"一\n二\n三\"\n" +
		"宁波市海曙区,NB-2,2026Q3,150%,x\n"
	res := parseText(t, "r.csv", text, Options{})
	if len(res.Errors) != 1 || res.Errors[0].Row != 3 {
		t.Errorf("errors = %q, want one on row 3", issueStrings(res.Errors))
	}
}

func TestDetectComma(t *testing.T) {
	tests := []struct {
		text string
		want rune
	}{
		{"a,b,c\n1\t2\t3\t4\n", ','},
		{"a\tb\tc\n1,2,3,4\n", '\t'},
		{"a\tb,c\tb\n", '\t'},
		{"单位，项目编号\n", ','},
		{"", ','},
	}
	for _, tt := range tests {
		br := bufio.NewReader(bytes.NewReader([]byte(tt.text)))
		if got := detectComma(br); got != tt.want {
			t.Errorf("detectComma(%q) = %q, want %q", tt.text, got, tt.want)
		}
	}
}

func TestParseRareCharacters(t *testing.T) {
	const rare = "张堃、李喆、王赟、陈龑、吉\U00020BB7、张\U00028ACE👍✅"
	text := "单位,项目编号,填报期间,完成率,进展情况\n余姚市,NB-1,2026Q3,50%," + rare + "\n"
	tabs := strings.ReplaceAll(text, ",", "\t")
	tests := []struct {
		name, data string
	}{
		{"utf-8", text},
		{"gb18030", encodeGB18030(t, text)},
		{"utf-16le", encodeUTF16(t, tabs, unicode.LittleEndian, unicode.UseBOM)},
		{"utf-16be", encodeUTF16(t, tabs, unicode.BigEndian, unicode.UseBOM)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res := parseText(t, "r.csv", tt.data, Options{})
			requireNoErrors(t, res)
			if got := res.Batch.Progress[0].Progress; got != rare {
				t.Errorf("进展情况 = %U, want %U", []rune(got), []rune(rare))
			}
		})
	}
}

// A long quoted cell is read whole. The limit on free text is turned off,
// because this tests the reader; TestRowTextLimit tests the limit.
func TestParseLongText(t *testing.T) {
	pattern := []rune("本季度数据中台向ClickHouse迁移，完成86.7%，\"7×24\"值守。")
	for _, n := range []int{500, 5000, 200000} {
		t.Run(fmt.Sprint(n), func(t *testing.T) {
			long := make([]rune, n)
			for i := range long {
				long[i] = pattern[i%len(pattern)]
			}
			cell := strings.ReplaceAll(string(long), `"`, `""`)
			text := "单位,项目编号,填报期间,完成率,进展情况\n余姚市,NB-1,2026Q3,50%,\"" + cell + "\"\n"
			res := parseText(t, "l.csv", text, Options{MaxTextChars: -1})
			requireNoErrors(t, res)
			if got := res.Batch.Progress[0].Progress; got != string(long) {
				t.Errorf("进展情况 has %d runes, want the %d written", utf8.RuneCountInString(got), n)
			}
		})
	}
}

// A file whose header is plain ASCII may be GBK throughout after a long
// ASCII start, so choosing gb18030 is the advice there.
func TestParseGBKAfterASCIIStart(t *testing.T) {
	text, bad := gbkRowAfterSniff(t, "unit,project_code,period,percent\n", "NB,NB-1,2026Q3,50%\n")
	roster := []saima.Unit{{Name: "NB", Kind: saima.KindDistrict, Track: saima.KindDistrict}}
	res := parseText(t, "ascii.csv", text, Options{Dataset: "progress", Roster: roster})
	want := []string{fmt.Sprintf("ascii.csv 第%d行含有不是UTF-8编码的内容，而文件开头是UTF-8编码，"+
		"请把整个文件另存为“CSV UTF-8”格式，或在上传时把编码选为gb18030，然后重新上传", bad)}
	if got := issueStrings(res.Errors); !slices.Equal(got, want) {
		t.Errorf("errors = %q, want %q", got, want)
	}
}

// Word and WPS can turn the hyphens of a typed code into other dashes. Every
// such spelling is the same record key, stored with ASCII hyphens.
func TestParseCodeDashesFolded(t *testing.T) {
	var b strings.Builder
	b.WriteString("单位,项目编号,项目名称,填报期间,完成率,填报日期,进展情况,存在问题\n")
	for i, dash := range []string{"-", "\u2010", "\u2011", "\u2012", "\u2013", "\u2014", "\u2015", "\u2212", "－"} {
		fmt.Fprintf(&b, "余姚市,NB%s2026%s017,项目,2026Q3,%d%%,2026-09-30,,\n", dash, dash, 50+i)
	}
	res := parseText(t, "dashes.csv", b.String(), Options{})
	requireNoErrors(t, res)
	if len(res.Batch.Progress) != 1 {
		t.Fatalf("records = %d, want 1: %v", len(res.Batch.Progress), progressLines(res.Batch.Progress))
	}
	p := res.Batch.Progress[0]
	if p.ProjectCode != "NB-2026-017" {
		t.Errorf("项目编号 = %q, want NB-2026-017", p.ProjectCode)
	}
	if got := percentString(p.Percent); got != "58" {
		t.Errorf("完成率 = %s, want 58, from the last row", got)
	}
}

// A code typed in lower or mixed case is the same record key as its upper
// case spelling, so a re-typed nb-2026-017 replaces NB-2026-017 instead
// of adding a second record of the unit and period.
func TestParseCodeCaseFolded(t *testing.T) {
	var b strings.Builder
	b.WriteString("单位,项目编号,项目名称,填报期间,完成率,填报日期,进展情况,存在问题\n")
	for i, code := range []string{"NB-2026-017", "nb-2026-017", "Nb-2026-017", "ｎｂ－２０２６－０１７"} {
		fmt.Fprintf(&b, "余姚市,%s,项目,2026Q3,%d%%,2026-09-30,,\n", code, 50+i)
	}
	res := parseText(t, "case.csv", b.String(), Options{})
	requireNoErrors(t, res)
	if len(res.Batch.Progress) != 1 {
		t.Fatalf("records = %d, want 1: %v", len(res.Batch.Progress), progressLines(res.Batch.Progress))
	}
	if p := res.Batch.Progress[0]; p.ProjectCode != "NB-2026-017" || percentString(p.Percent) != "53" {
		t.Errorf("record = %s %s, want NB-2026-017 53 from the last row", p.ProjectCode, percentString(p.Percent))
	}
}

// Excel's "CSV (Macintosh)" ends lines with CR alone. Such a file reads
// as its CRLF twin, in UTF-8 and in GBK.
func TestParseCROnlyLineEnds(t *testing.T) {
	crlf := "单位,项目编号,项目名称,填报期间,完成率,填报日期,进展情况,存在问题\r\n" +
		"余姚市,P-1,项目一,2026Q3,85%,2026-09-30,\"第一行\r\n第二行\",无\r\n" +
		"宁海县,P-2,项目二,2026Q3,60%,2026-09-30,按计划推进,无\r\n"
	want := progressLines(parseText(t, "crlf.csv", crlf, Options{}).Batch.Progress)
	cr := strings.ReplaceAll(crlf, "\r\n", "\r")
	gbk, err := simplifiedchinese.GBK.NewEncoder().String(cr)
	if err != nil {
		t.Fatal(err)
	}
	for name, text := range map[string]string{"utf-8": cr, "gbk": gbk} {
		res := parseText(t, name+".csv", text, Options{})
		requireNoErrors(t, res)
		got := progressLines(res.Batch.Progress)
		if len(got) != 2 {
			t.Fatalf("%s: records = %d, want 2: %q", name, len(got), got)
		}
		for i := range want {
			if got[i] != strings.ReplaceAll(want[i], "\r\n", "\n") {
				t.Errorf("%s: record %d = %q, want %q", name, i+1, got[i], want[i])
			}
		}
	}
}

// A UTF-8 file with Chinese text read as GB18030, because the uploader
// chose it, would store mojibake: the file is rejected with advice to
// leave the encoding empty. Detected, the same file reads.
func TestParseForcedGB18030OnUTF8(t *testing.T) {
	text := "单位,项目编号,项目名称,填报期间,完成率,填报日期,进展情况,存在问题\n" +
		"余姚市,P-1,项目一,2026Q3,85%,2026-09-30,按计划推进,无\n"
	// An English header hides nothing: the Chinese rows give it away.
	english := "project_code,name,planned\nP-1,完成三维建模,2026-09-30\n"
	for _, tt := range []struct{ name, text, enc string }{
		{"chinese header", text, "gb18030"},
		{"gbk", text, "GBK"},
		{"english header", english, "gb18030"},
	} {
		_, err := Parse(strings.NewReader(tt.text), Options{FileName: "utf8.csv", Encoding: tt.enc, Roster: testRoster, Today: uploadDay})
		msg := saima.ErrorMessage(err)
		if saima.ErrorKind(err) != saima.KindInvalid || !strings.Contains(msg, "文件是UTF-8编码（其中有中文），而上传时选择了“"+tt.enc+"”") ||
			!strings.Contains(msg, "请把编码留空") {
			t.Errorf("%s: Parse error = %v, want the file named UTF-8 with advice to leave the encoding empty", tt.name, err)
		}
	}
	requireNoErrors(t, parseText(t, "utf8.csv", text, Options{}))
}

// A header that cannot be read in the encoding the uploader chose gets an
// error that names that encoding and advises automatic detection. Here a
// Big5 file, whose bytes are not UTF-8, is read as GB18030.
func TestParseForcedEncodingWrong(t *testing.T) {
	big5, err := traditionalchinese.Big5.NewEncoder().String("單位,項目編號,填報期間,完成率\n余姚市,NB-1,2026Q3,50%\n")
	if err != nil {
		t.Fatal(err)
	}
	for _, dataset := range []string{"", saima.DatasetProgress} {
		res := parseText(t, "big5.csv", big5, Options{Encoding: "gb18030", Dataset: dataset})
		if len(res.Errors) != 1 {
			t.Fatalf("dataset %q: errors = %q, want one", dataset, issueStrings(res.Errors))
		}
		e := res.Errors[0]
		if !strings.Contains(e.Reason, "按上传时选择的编码“gb18030”读出的列为") {
			t.Errorf("dataset %q: reason = %q, want it to name the chosen encoding gb18030", dataset, e.Reason)
		}
		if strings.Contains(e.Reason, "Big5") {
			t.Errorf("dataset %q: reason = %q, want no guess of Big5", dataset, e.Reason)
		}
		if !strings.Contains(e.Fix, "留空") {
			t.Errorf("dataset %q: fix = %q, want the advice to leave the encoding empty", dataset, e.Fix)
		}
	}
}

// Line ends mixed in one file: CR alone and CRLF, a line feed inside a
// quoted cell of a CR-only file, and a file long enough that CRLF pairs
// fall across the reader's buffers.
func TestParseMixedLineEnds(t *testing.T) {
	header := "单位,项目编号,项目名称,填报期间,完成率,填报日期,进展情况,存在问题"
	row := func(i int, progress string) string {
		return fmt.Sprintf("余姚市,P-%d,项目,2026Q3,%d%%,2026-09-30,%s,无", i, i%100, progress)
	}
	tests := []struct {
		name, text string
		rows       int
		progress   string // 进展情况 of the first row
	}{
		{"CR only with a line feed in a quoted cell",
			header + "\r" + row(1, "\"第一行\n第二行\"") + "\r" + row(2, "x") + "\r", 2, "第一行\n第二行"},
		{"CR and CRLF alternating",
			header + "\r\n" + row(1, "a") + "\r" + row(2, "b") + "\r\n" + row(3, "c") + "\r" + row(4, "d") + "\r\n", 4, "a"},
		{"CR only with CRLF at the end",
			header + "\r" + row(1, "a") + "\r" + row(2, "b") + "\r\n", 2, "a"},
	}
	// A long CRLF file with one lone CR near its start, so that the
	// conversion runs and meets CRLF pairs split between two reads.
	var long strings.Builder
	long.WriteString(header + "\r" + row(0, "start") + "\r\n")
	for i := 1; i < 3000; i++ {
		long.WriteString(row(i, strings.Repeat("进", i%50)) + "\r\n")
	}
	tests = append(tests, struct {
		name, text string
		rows       int
		progress   string
	}{"long CRLF file with one lone CR", long.String(), 3000, "start"})

	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res := parseText(t, "mixed.csv", tt.text, Options{})
			requireNoErrors(t, res)
			if len(res.Batch.Progress) != tt.rows {
				t.Fatalf("records = %d, want %d", len(res.Batch.Progress), tt.rows)
			}
			if got := res.Batch.Progress[0].Progress; got != tt.progress {
				t.Errorf("进展情况 of the first row = %q, want %q", got, tt.progress)
			}
			for _, p := range res.Batch.Progress {
				if strings.ContainsRune(p.Problems, '\r') || strings.ContainsRune(p.Progress, '\r') {
					t.Errorf("%s holds a carriage return: %q / %q", p.ProjectCode, p.Progress, p.Problems)
				}
			}
		})
	}
}

// A UTF-16 file with a wrong encoding chosen: its byte-order mark wins,
// and without one the error names UTF-16 and carries no NUL bytes.
func TestParseForcedEncodingOnUTF16(t *testing.T) {
	text := "单位,项目编号,项目名称,填报期间,完成率,填报日期,进展情况,存在问题\n" +
		"余姚市,P-1,项目一,2026Q3,85%,2026-09-30,按计划推进,无\n"
	withBOM, err := unicode.UTF16(unicode.LittleEndian, unicode.UseBOM).NewEncoder().String(text)
	if err != nil {
		t.Fatal(err)
	}
	noBOM, err := unicode.UTF16(unicode.LittleEndian, unicode.IgnoreBOM).NewEncoder().String(text)
	if err != nil {
		t.Fatal(err)
	}
	for _, enc := range []string{"gbk", "utf-8", "utf-16be", "UTF-16LE"} {
		res := parseText(t, "u16.txt", withBOM, Options{Encoding: enc})
		requireNoErrors(t, res)
		if len(res.Batch.Progress) != 1 {
			t.Errorf("forced %s on UTF-16LE with a BOM: records = %d, want 1", enc, len(res.Batch.Progress))
		}
		// The warning reports the overridden choice, unless it matched the mark.
		want := []string{"u16.txt 开头的字节顺序标记表明文件是UTF-16LE编码，已按UTF-16LE读取，而不是上传时选择的“" + enc +
			"”，如果读出的内容有误，请检查文件；下次上传这个文件时可以把编码留空"}
		if enc == "UTF-16LE" {
			want = nil
		}
		if got := issueStrings(res.Warnings); !slices.Equal(got, want) {
			t.Errorf("forced %s on UTF-16LE with a BOM: warnings = %q, want %q", enc, got, want)
		}
	}
	// The dataset chosen or not, the error is about the encoding.
	for _, dataset := range []string{"", saima.DatasetProgress} {
		for _, enc := range []string{"gbk", "utf-8"} {
			res := parseText(t, "u16.txt", noBOM, Options{Encoding: enc, Dataset: dataset})
			if len(res.Errors) != 1 {
				t.Fatalf("forced %s on UTF-16LE without a BOM, dataset %q: errors = %q, want one", enc, dataset,
					issueStrings(res.Errors))
			}
			e := res.Errors[0]
			if !strings.Contains(e.Reason, "UTF-16LE") || !strings.Contains(e.Fix, "utf-16le") {
				t.Errorf("forced %s, dataset %q: error %q, want it to name UTF-16LE and advise utf-16le", enc, dataset, e)
			}
			if strings.ContainsFunc(e.String(), func(r rune) bool { return r < 0x20 }) {
				t.Errorf("forced %s, dataset %q: error %q holds control characters", enc, dataset, e)
			}
		}
		// Read in the wrong byte order the file is one line of mojibake.
		res := parseText(t, "u16.txt", noBOM, Options{Encoding: "utf-16be", Dataset: dataset})
		if len(res.Errors) != 1 {
			t.Fatalf("forced utf-16be on UTF-16LE, dataset %q: errors = %q, want one", dataset, issueStrings(res.Errors))
		}
		if e := res.Errors[0]; !strings.Contains(e.Reason, "UTF-16LE") || len([]rune(e.String())) > 300 {
			t.Errorf("forced utf-16be, dataset %q: error %q, want UTF-16LE named in under 300 characters", dataset, e)
		}
	}
}

// TestParseForcedEncodingWithDataset checks that a UTF-8 file read as
// UTF-16, which the uploader chose along with the dataset, gets the
// encoding error instead of one missing column per column.
func TestParseForcedEncodingWithDataset(t *testing.T) {
	text := "单位,项目编号,项目名称,填报期间,完成率\n余姚市,P-1,项目一,2026Q3,85%\n"
	for _, enc := range []string{"utf-16le", "utf-16be"} {
		res := parseText(t, "u8.csv", text, Options{Encoding: enc, Dataset: saima.DatasetProgress})
		got := issueStrings(res.Errors)
		if len(got) != 1 || !strings.Contains(got[0], "按上传时选择的编码“"+enc+"”读出的列为") {
			t.Errorf("forced %s: errors = %q, want one naming the encoding", enc, got)
		}
	}
	// A header of the right dataset with one column missing keeps the
	// missing-column error.
	res := parseText(t, "u8.csv", "单位,项目编号,填报期间\n余姚市,P-1,2026Q3\n", Options{Encoding: "utf-8", Dataset: saima.DatasetProgress})
	if got := issueStrings(res.Errors); len(got) != 1 || !strings.Contains(got[0], "补上“完成率”列") {
		t.Errorf("missing 完成率: errors = %q, want the missing column", got)
	}
}

// A text file under an .xlsx name, as some systems export CSV, is read as
// text in every encoding the import reads, UTF-16 included. Only a file
// that is neither a workbook nor text is refused for its name.
func TestTextNamedXLSX(t *testing.T) {
	for _, tt := range []struct{ name, text string }{
		{"utf-8", progressText},
		{"utf-16le bom", encodeUTF16(t, progressText, unicode.LittleEndian, unicode.UseBOM)},
		{"utf-16le no bom", encodeUTF16(t, progressText, unicode.LittleEndian, unicode.IgnoreBOM)},
	} {
		t.Run(tt.name, func(t *testing.T) {
			res := parseText(t, "进度.xlsx", tt.text, Options{})
			if len(res.Errors) != 0 || len(res.Batch.Progress) != 2 {
				t.Errorf("errors %q, %d progress records; want none and 2", issueStrings(res.Errors), len(res.Batch.Progress))
			}
		})
	}
}

// A text row of more fields than a worksheet has columns ends the file
// before each field is copied and checked: a 5 MB row of commas took
// 10 seconds and over a gigabyte.
func TestCSVTooManyFields(t *testing.T) {
	header := "单位,项目编号,填报期间,完成率\n"
	within := header + "余姚市,NB-1,2026Q3,50%" + strings.Repeat(",", 16384-4) + "\n"
	res, err := Parse(strings.NewReader(within), Options{FileName: "w.csv", Roster: testRoster, Today: uploadDay})
	if err != nil {
		t.Fatalf("Parse() of a row of 16384 fields error = %v, want it read", err)
	}
	if len(res.Batch.Progress) != 1 {
		t.Errorf("Parse() of a row of 16384 fields read %d records, want 1", len(res.Batch.Progress))
	}

	beyond := header + "余姚市,NB-1,2026Q3,50%" + strings.Repeat(",", 16384-3) + "\n"
	_, err = Parse(strings.NewReader(beyond), Options{FileName: "w.csv", Roster: testRoster, Today: uploadDay})
	want := "第2行超过16384个字段的上限（Excel和WPS的表格最多16384列），文件可能不是按行列整理的表格，或分隔符选错了；" +
		"请检查这一行，删去多余的分隔符后重新上传"
	if saima.ErrorKind(err) != saima.KindInvalid || saima.ErrorMessage(err) != want {
		t.Errorf("Parse() of a row of 16385 fields error = %v, want %q", err, want)
	}
}

// fieldLimiter stops the text at the separator that starts field 16385 of
// a record, before encoding/csv holds the fields, and does not count
// separators or line breaks inside quotes.
func TestFieldLimiter(t *testing.T) {
	quoted := `"` + strings.Repeat(",", 20000) + "\n" + strings.Repeat(",", 20000) + `"`
	tests := []struct {
		name    string
		text    string
		tooMany bool
	}{
		{"16384 fields", strings.Repeat(",", 16383) + "\n", false},
		{"16384 fields on each of two lines", strings.Repeat(strings.Repeat(",", 16383)+"\n", 2), false},
		{"separators inside quotes", "a," + quoted + ",b\n", false},
		{"16385 fields", strings.Repeat(",", 16384) + "\n", true},
		{"quoted line break does not end the record", strings.Repeat(",", 10000) + `"x` + "\n" + `y"` +
			strings.Repeat(",", 10000) + "\n", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := io.ReadAll(&fieldLimiter{r: strings.NewReader(tt.text), comma: ','})
			if got := errors.As(err, new(*tooManyFieldsError)); got != tt.tooMany {
				t.Errorf("read error = %v, want too many fields %v", err, tt.tooMany)
			}
		})
	}
}

package ingest

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/shopspring/decimal"

	"saima"
)

// uploadDay is the upload day every case file assumes.
var uploadDay = saima.NewDate(2026, time.October, 15)

// testRoster is a small roster in the shape of the case files' roster.
var testRoster = []saima.Unit{
	{Name: "宁波市海曙区", Kind: saima.KindDistrict, Track: saima.KindDistrict},
	{Name: "宁波市江北区", Kind: saima.KindDistrict, Track: saima.KindDistrict},
	{Name: "宁波市鄞州区", Kind: saima.KindDistrict, Track: saima.KindDistrict},
	{Name: "余姚市", Kind: saima.KindDistrict, Track: saima.KindDistrict},
	{Name: "宁海县", Kind: saima.KindDistrict, Track: saima.KindDistrict},
	{Name: "市大数据局", Kind: saima.KindDepartment, Track: saima.KindDepartment, Aliases: []string{"大数据局"}},
	{Name: "市财政局", Kind: saima.KindDepartment, Track: saima.KindDepartment},
	{Name: "宁波市（本级）", Kind: saima.KindCity, Track: saima.KindCity},
}

// parseText parses text as a file called name with the test roster and
// upload day, unless opts sets them.
func parseText(tb testing.TB, name, text string, opts Options) *Result {
	tb.Helper()
	if opts.FileName == "" {
		opts.FileName = name
	}
	if opts.Roster == nil {
		opts.Roster = testRoster
	}
	if opts.Today.IsZero() {
		opts.Today = uploadDay
	}
	res, err := Parse(strings.NewReader(text), opts)
	if err != nil {
		tb.Fatalf("Parse(%s) error: %v", name, err)
	}
	return res
}

// issueStrings returns the String of each issue.
func issueStrings(issues []Issue) []string {
	out := make([]string, len(issues))
	for i, is := range issues {
		out[i] = is.String()
	}
	return out
}

// requireNoErrors fails when res has errors.
func requireNoErrors(tb testing.TB, res *Result) {
	tb.Helper()
	if !res.OK() {
		tb.Fatalf("errors = %q (+%d), want none", issueStrings(res.Errors), res.ErrorsOmitted)
	}
}

// dec parses a decimal for expectations.
func dec(s string) decimal.Decimal { return decimal.RequireFromString(s) }

// percentString formats a 完成率 for comparison: "missing" or the decimal.
func percentString(p decimal.NullDecimal) string {
	if !p.Valid {
		return "missing"
	}
	return p.Decimal.String()
}

func dateString(d *saima.Date) string {
	if d == nil {
		return "nil"
	}
	return d.String()
}

// progressLines formats progress reports one per line, for comparing whole
// batches.
func progressLines(reports []saima.ProgressReport) []string {
	out := make([]string, len(reports))
	for i, p := range reports {
		out[i] = fmt.Sprintf("%s|%s|%s|%s|%s|%s|%s|%s", p.Unit, p.ProjectCode, p.ProjectName, p.Period,
			percentString(p.Percent), dateString(p.ReportDate), p.Progress, p.Problems)
	}
	return out
}

func TestParseOptions(t *testing.T) {
	const csv = "单位,项目编号,填报期间,完成率\n宁波市海曙区,NB-1,2026Q3,50%\n"
	tests := []struct {
		name string
		opts Options
		want string // part of the error message
	}{
		{"unknown dataset", Options{Dataset: "budget"}, "不支持的数据类型“budget”"},
		{"unknown encoding", Options{Encoding: "big5"}, "不支持的文件编码“big5”"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Parse(strings.NewReader(csv), tt.opts)
			if saima.ErrorKind(err) != saima.KindInvalid {
				t.Fatalf("Parse error kind = %v (%v), want invalid", saima.ErrorKind(err), err)
			}
			if msg := saima.ErrorMessage(err); !strings.Contains(msg, tt.want) {
				t.Errorf("Parse error = %q, want it to contain %q", msg, tt.want)
			}
		})
	}
}

func TestParseDatasetByTitle(t *testing.T) {
	res := parseText(t, "p.csv", "单位,项目编号,填报期间,完成率\n宁波市海曙区,NB-1,2026Q3,50%\n",
		Options{Dataset: "进度填报"})
	requireNoErrors(t, res)
	if res.Dataset != saima.DatasetProgress {
		t.Errorf("Dataset = %q, want progress", res.Dataset)
	}
}

func TestParseEmptyFile(t *testing.T) {
	for _, text := range []string{"", "\n\n", ",,,\n , ,\n"} {
		res := parseText(t, "empty.csv", text, Options{})
		want := []string{"empty.csv 文件中没有任何内容，请检查是否选错了文件"}
		if got := issueStrings(res.Errors); !equalStrings(got, want) {
			t.Errorf("Parse(%q) errors = %q, want %q", text, got, want)
		}
	}

	// In a workbook the sheet is named before the reason.
	w := newTestWorkbook(testSheet{name: "进度填报"})
	res := parseWorkbook(t, w, Options{})
	want := []string{"t.xlsx 工作表“进度填报”中没有任何内容，请检查是否选错了文件或工作表"}
	if got := issueStrings(res.Errors); !equalStrings(got, want) {
		t.Errorf("empty sheet errors = %q, want %q", got, want)
	}
}

func TestParseHeaderOnly(t *testing.T) {
	res := parseText(t, "h.csv", "标题,,,\n单位,项目编号,填报期间,完成率\n,,,\n", Options{})
	want := []string{"h.csv 第2行之后没有数据，文件只有表头，请填写数据后重新上传"}
	if got := issueStrings(res.Errors); !equalStrings(got, want) {
		t.Errorf("errors = %q, want %q", got, want)
	}
	if want := []string{"单位", "项目编号", "填报期间", "完成率"}; !equalStrings(res.Columns, want) {
		t.Errorf("Columns = %q, want %q without the title", res.Columns, want)
	}
}

func TestParseMaxErrors(t *testing.T) {
	var b strings.Builder
	b.WriteString("单位,项目编号,填报期间,完成率\n")
	for i := range 7 {
		fmt.Fprintf(&b, "宁波市海曙区,NB-%d,2026Q3,150%%\n", i)
	}
	res := parseText(t, "many.csv", b.String(), Options{MaxErrors: 5})
	if len(res.Errors) != 5 || res.ErrorsOmitted != 2 {
		t.Errorf("errors listed, omitted = %d, %d, want 5, 2", len(res.Errors), res.ErrorsOmitted)
	}
	if res.OK() {
		t.Error("OK() = true, want false")
	}

	res = parseText(t, "many.csv", b.String(), Options{})
	if len(res.Errors) != 7 || res.ErrorsOmitted != 0 {
		t.Errorf("default limit: errors listed, omitted = %d, %d, want 7, 0", len(res.Errors), res.ErrorsOmitted)
	}
}

func TestParseMaxRows(t *testing.T) {
	text := "单位,项目编号,填报期间,完成率\n" +
		"宁波市海曙区,NB-1,2026Q3,50%\n\n宁波市海曙区,NB-2,2026Q3,50%\n宁波市海曙区,NB-3,2026Q3,50%\n"
	tests := []struct {
		max     int
		wantErr bool
	}{
		{0, false},
		{3, false},
		{2, true},
	}
	for _, tt := range tests {
		t.Run(fmt.Sprint(tt.max), func(t *testing.T) {
			res := parseText(t, "rows.csv", text, Options{MaxRows: tt.max})
			if got := !res.OK(); got != tt.wantErr {
				t.Fatalf("MaxRows %d: has errors = %v (%q), want %v", tt.max, got, issueStrings(res.Errors), tt.wantErr)
			}
			if tt.wantErr && res.Errors[0].String() != "rows.csv 的数据超过2行的上限，请把文件拆分后分批上传" {
				t.Errorf("error = %q", res.Errors[0].String())
			}
		})
	}
}

func TestParseTodayDefault(t *testing.T) {
	tomorrow := saima.DateOf(time.Now()).AddDays(1)
	text := "单位,项目编号,填报期间,完成率,填报日期\n宁波市海曙区,NB-1,2026Q3,50%," + tomorrow.String() + "\n"
	res, err := Parse(strings.NewReader(text), Options{Roster: testRoster})
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Errors) != 1 || res.Errors[0].Column != "填报日期" {
		t.Errorf("errors = %q, want one about 填报日期 in the future", issueStrings(res.Errors))
	}
}

func TestParseReaderError(t *testing.T) {
	_, err := Parse(failingReader{}, Options{})
	if err == nil || !errors.Is(err, errBroken) {
		t.Errorf("Parse(failing reader) error = %v, want it to wrap %v", err, errBroken)
	}
}

var errBroken = errors.New("connection reset")

type failingReader struct{}

func (failingReader) Read([]byte) (int, error) { return 0, errBroken }

func equalStrings(a, b []string) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

// casesDir returns the shared folder of ingest case files. It walks up
// from the working directory, because CI clones the repository beside the
// shared folder rather than above it. Tests skip when it is absent.
func casesDir(tb testing.TB) string {
	tb.Helper()
	dir, err := os.Getwd()
	if err != nil {
		tb.Fatal(err)
	}
	for {
		p := filepath.Join(dir, "shared", "cases", "ingest")
		if fi, err := os.Stat(p); err == nil && fi.IsDir() {
			return p
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			tb.Skip("shared/cases/ingest not found in any parent of the working directory; the case files are kept outside the repository")
		}
		dir = parent
	}
}

package ingest

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"
)

// forbiddenSamples are runes that no cell may contain, one of each kind,
// with the code point that the error must name.
var forbiddenSamples = []struct {
	r    rune
	name string
}{
	{'\x00', "U+0000"},
	{'\x07', "U+0007"},
	{'\x0B', "U+000B"},
	{'\x1B', "U+001B"},
	{'\x7F', "U+007F"},
	{'\u0085', "U+0085"},
	{'\u009B', "U+009B"},
	{'\u202A', "U+202A"},
	{'\u202E', "U+202E"},
	{'\u2066', "U+2066"},
	{'\u2069', "U+2069"},
}

// TestForbiddenEveryDataset fills every column of a row with a value that
// contains a forbidden rune, in every dataset, and checks that each
// column, and only it, gets one error naming the code point.
func TestForbiddenEveryDataset(t *testing.T) {
	for _, s := range schemas {
		t.Run(s.dataset, func(t *testing.T) {
			var header, cells []string
			want := map[string]bool{}
			for _, c := range s.columns {
				header = append(header, c.name)
				cells = append(cells, "甲\u202E乙")
				if c.kind != kindIgnored {
					want[c.name] = true
				}
			}
			text := strings.Join(header, ",") + "\n" + strings.Join(cells, ",") + "\n"
			res := parseText(t, s.dataset+".csv", text, Options{Dataset: s.dataset})
			got := map[string]bool{}
			for _, e := range res.Errors {
				if e.Row != 2 || !strings.Contains(e.Reason, "U+202E") {
					t.Errorf("error %q, want only errors on row 2 naming U+202E", e.String())
					continue
				}
				got[e.Column] = true
			}
			for name := range want {
				if !got[name] {
					t.Errorf("column %s has no error for U+202E", name)
				}
			}
			if len(res.Errors) != len(want) {
				t.Errorf("errors = %d, want one per column (%d): %q", len(res.Errors), len(want), issueStrings(res.Errors))
			}
		})
	}
}

// forbiddenRow returns a progress row whose column col holds value and
// whose other cells are valid.
func forbiddenRow(col, value string) map[string]string {
	row := map[string]string{"单位": "余姚市", "项目编号": "NB-2026-017", "项目名称": "城市大脑",
		"填报期间": "2026Q3", "完成率": "60%", "进展情况": "已完成接口联调", "存在问题": "无"}
	row[col] = value
	return row
}

var forbiddenColumns = []string{"单位", "项目编号", "项目名称", "进展情况"}

// TestForbiddenEveryFormat puts each forbidden rune into a unit name, a
// code, a name and free text, in a CSV, an XLSX and a JSON file, and
// checks the error's row, column, code point and fix.
func TestForbiddenEveryFormat(t *testing.T) {
	formats := []struct {
		name  string
		row   int // the row that issues name: the line in a sheet, the element in JSON
		parse func(t *testing.T, cells map[string]string) *Result
	}{
		{"csv", 2, func(t *testing.T, values map[string]string) *Result {
			var header, cells []string
			for _, col := range progressOrder {
				header = append(header, col)
				cells = append(cells, `"`+strings.ReplaceAll(values[col], `"`, `""`)+`"`)
			}
			return parseText(t, "进度.csv", strings.Join(header, ",")+"\n"+strings.Join(cells, ",")+"\n", Options{})
		}},
		{"xlsx", 2, func(t *testing.T, values map[string]string) *Result {
			var header, cells []func(string) string
			for _, col := range progressOrder {
				header = append(header, text(col))
				cells = append(cells, text(xstringEscaped(values[col])))
			}
			wb := testWorkbook{sheets: []testSheet{{name: "进度填报", rows: []string{row(1, header...), row(2, cells...)}}}}
			return parseText(t, "进度.xlsx", string(wb.bytes(t)), Options{})
		}},
		{"json", 1, func(t *testing.T, values map[string]string) *Result {
			body, err := json.Marshal([]map[string]string{values})
			if err != nil {
				t.Fatal(err)
			}
			return parseText(t, "进度.json", string(body), Options{Dataset: "progress"})
		}},
	}
	for _, f := range formats {
		t.Run(f.name, func(t *testing.T) {
			for _, sample := range forbiddenSamples {
				for _, col := range forbiddenColumns {
					res := f.parse(t, forbiddenRow(col, "城市"+string(sample.r)+"大脑"))
					if len(res.Errors) != 1 {
						t.Errorf("%s in %s: errors = %q, want one", sample.name, col, issueStrings(res.Errors))
						continue
					}
					e := res.Errors[0]
					msg := e.String()
					if e.Row != f.row || e.Column != col {
						t.Errorf("%s in %s: error on row %d, column %q, want row %d, column %s",
							sample.name, col, e.Row, e.Column, f.row, col)
					}
					for _, part := range []string{sample.name, "[" + sample.name + "]", "请删除这个字符"} {
						if !strings.Contains(msg, part) {
							t.Errorf("%s in %s: error %q lacks %q", sample.name, col, msg, part)
						}
					}
					if !strings.HasPrefix(msg, "进度.") {
						t.Errorf("%s in %s: error %q does not start with the file name", sample.name, col, msg)
					}
					if res.Batch.Len() != 0 {
						t.Errorf("%s in %s: %d records, want none", sample.name, col, res.Batch.Len())
					}
				}
			}
		})
	}
}

// TestForbiddenKeepsLineBreaks checks that free text keeps its tabs and
// line breaks, which are not forbidden. encoding/csv reads CRLF inside a
// quoted cell as LF.
func TestForbiddenKeepsLineBreaks(t *testing.T) {
	res := parseText(t, "进度.csv", "单位,项目编号,项目名称,填报期间,完成率,进展情况,存在问题\n"+
		"余姚市,NB-2026-017,城市大脑,2026Q3,60%,\"第一行\r\n第二行\t第三段\n第四行\",无\n", Options{})
	requireNoErrors(t, res)
	if got, want := res.Batch.Progress[0].Progress, "第一行\n第二行\t第三段\n第四行"; got != want {
		t.Errorf("进展情况 = %q, want %q", got, want)
	}
}

var progressOrder = []string{"单位", "项目编号", "项目名称", "填报期间", "完成率", "进展情况", "存在问题"}

// xstringEscaped writes the runes that XML 1.0 cannot hold as the _xHHHH_
// escapes that Excel writes for them.
func xstringEscaped(s string) string {
	var b strings.Builder
	for _, r := range s {
		if r < 0x20 && r != '\t' && r != '\n' && r != '\r' || r == 0x7F || (r >= 0x80 && r <= 0x9F) {
			fmt.Fprintf(&b, "_x%04X_", r)
			continue
		}
		b.WriteRune(r)
	}
	return b.String()
}

// forbiddenHeaderFormats write a progress row under a header in which the
// column col is named header, as a CSV, an XLSX and a JSON file. Each
// gives the row that issues name the header on.
var forbiddenHeaderFormats = []struct {
	name  string
	row   int
	parse func(t *testing.T, col, header string) *Result
}{
	{"csv", 1, func(t *testing.T, col, header string) *Result {
		values := forbiddenRow("", "")
		var names, cells []string
		for _, c := range progressOrder {
			name := c
			if c == col {
				name = header
			}
			names = append(names, `"`+name+`"`)
			cells = append(cells, values[c])
		}
		return parseText(t, "进度.csv", strings.Join(names, ",")+"\n"+strings.Join(cells, ",")+"\n", Options{})
	}},
	{"xlsx", 1, func(t *testing.T, col, header string) *Result {
		values := forbiddenRow("", "")
		var names, cells []func(string) string
		for _, c := range progressOrder {
			name := c
			if c == col {
				name = header
			}
			names = append(names, text(xstringEscaped(name)))
			cells = append(cells, text(values[c]))
		}
		wb := testWorkbook{sheets: []testSheet{{name: "进度填报", rows: []string{row(1, names...), row(2, cells...)}}}}
		return parseText(t, "进度.xlsx", string(wb.bytes(t)), Options{})
	}},
	{"json", 1, func(t *testing.T, col, header string) *Result {
		values := forbiddenRow("", "")
		// Two elements with the key, to check that it is reported once.
		first, second := map[string]string{}, map[string]string{}
		for _, c := range progressOrder {
			name := c
			if c == col {
				name = header
			}
			first[name], second[name] = values[c], values[c]
			if c == "项目编号" {
				second[name] = "NB-2026-018"
			}
		}
		body, err := json.Marshal([]map[string]string{first, second})
		if err != nil {
			t.Fatal(err)
		}
		return parseText(t, "进度.json", string(body), Options{Dataset: "progress"})
	}},
}

// TestForbiddenHeader puts each forbidden rune into the header of a
// column (a JSON key), in a CSV, an XLSX and a JSON file. The file must
// be rejected with one error that names the file, the header's row, the
// column and the code point, and the column must still be read.
func TestForbiddenHeader(t *testing.T) {
	for _, f := range forbiddenHeaderFormats {
		t.Run(f.name, func(t *testing.T) {
			for _, sample := range forbiddenSamples {
				for _, col := range forbiddenColumns {
					header := string([]rune(col)[:1]) + string(sample.r) + string([]rune(col)[1:])
					res := f.parse(t, col, header)
					if len(res.Errors) != 1 {
						t.Errorf("%s in header %s: errors = %q, want one", sample.name, col, issueStrings(res.Errors))
						continue
					}
					e := res.Errors[0]
					msg := e.String()
					if e.Row != f.row || e.Column != col {
						t.Errorf("%s in header %s: error on row %d, column %q, want row %d, column %s",
							sample.name, col, e.Row, e.Column, f.row, col)
					}
					for _, part := range []string{sample.name, "[" + sample.name + "]", "请删除", "名中的这个字符"} {
						if !strings.Contains(msg, part) {
							t.Errorf("%s in header %s: error %q lacks %q", sample.name, col, msg, part)
						}
					}
					if !strings.HasPrefix(msg, "进度.") {
						t.Errorf("%s in header %s: error %q does not start with the file name", sample.name, col, msg)
					}
					if len(res.Warnings) != 0 {
						t.Errorf("%s in header %s: warnings = %q, want none", sample.name, col, issueStrings(res.Warnings))
					}
				}
			}
		})
	}
}

// TestForbiddenHeaderStillChecksRows checks that a header with a bidi
// override still maps its column, so that an error in a data cell of that
// column is reported with the header's.
func TestForbiddenHeaderStillChecksRows(t *testing.T) {
	res := parseText(t, "进度.csv", "单位,项目编号,项目名称,填报期间,完成\u202E率,进展情况,存在问题\n"+
		"余姚市,NB-2026-017,城市大脑,2026Q3,135%,已完成接口联调,无\n", Options{})
	got := issueStrings(res.Errors)
	if len(got) != 2 {
		t.Fatalf("errors = %q, want the header's and 135%%'s", got)
	}
	if !strings.Contains(got[0], "第1行“完成率”列的列名写作“完成[U+202E]率”") {
		t.Errorf("errors[0] = %q, want the header's U+202E", got[0])
	}
	if !strings.Contains(got[1], "第2行“完成率”列的值“135%”") {
		t.Errorf("errors[1] = %q, want the 完成率 of row 2", got[1])
	}
}

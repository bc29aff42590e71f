package ingest

import (
	"bytes"
	"encoding/csv"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"unicode/utf8"
)

// FuzzCSVRoundTrip writes fuzzed text into the free-text columns of a
// valid progress row with encoding/csv and checks that Parse accepts the
// row and returns the text exactly, apart from trimming. The one exception
// is encoding/csv's own: a CRLF inside a quoted cell reads as LF. 项目名称
// is a name, where a line break is an error, so it keeps a fixed value.
func FuzzCSVRoundTrip(f *testing.F) {
	for _, s := range []string{
		"完成土建,正在安装设备", `引号"和'`, "=1+2", "@SUM(1+1)", "𠮷岙村👍", " 前后空格\u3000",
		"第一行\n第二行", "a\r\nb", "\t", "", "</script><script>alert(1)</script>", `C:\data\`,
		"，全角，逗号", "\ufeff开头", "末尾\\",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, text string) {
		if !utf8.ValidString(text) {
			t.Skip("encoding/csv writes bytes as they are; invalid UTF-8 is an encoding question, not a round trip")
		}
		var b bytes.Buffer
		w := csv.NewWriter(&b)
		w.Write([]string{"单位", "项目编号", "项目名称", "填报期间", "完成率", "填报日期", "进展情况", "存在问题"})
		w.Write([]string{"余姚市", "NB-1", "改造", "2026Q3", "50%", "2026/9/30", text, text})
		w.Flush()

		res, err := Parse(&b, Options{Roster: testRoster, Today: uploadDay})
		if err != nil {
			t.Fatalf("Parse error: %v", err)
		}
		if !res.OK() || len(res.Batch.Progress) != 1 {
			t.Fatalf("row with text %q rejected: %q", text, issueStrings(res.Errors))
		}
		want := trimText(strings.ReplaceAll(text, "\r\n", "\n"))
		p := res.Batch.Progress[0]
		for _, got := range []string{p.Progress, p.Problems} {
			if got != want {
				t.Errorf("text %q came back as %q, want %q", text, got, want)
			}
		}
	})
}

// FuzzParse feeds arbitrary bytes to Parse, which must not panic and must
// report every problem as an error or an issue.
func FuzzParse(f *testing.F) {
	f.Add([]byte(progressText))
	f.Add([]byte("单位，项目编号\n"))
	f.Add([]byte("\xff\xfe\x00"))
	f.Add([]byte("PK\x03\x04"))
	if dir, err := findCasesDir(); err == nil {
		files, _ := filepath.Glob(filepath.Join(dir, "*.csv"))
		for _, name := range files {
			if data, err := os.ReadFile(name); err == nil {
				f.Add(data)
			}
		}
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		res, err := Parse(bytes.NewReader(data), Options{Roster: testRoster, Today: uploadDay, MaxErrors: 5})
		if err != nil {
			return
		}
		if res.OK() != (len(res.Errors) == 0 && res.ErrorsOmitted == 0) {
			t.Errorf("OK() = %v with %d errors", res.OK(), len(res.Errors))
		}
		if len(res.Errors) > 5 || len(res.Warnings) > 5 {
			t.Errorf("listed %d errors and %d warnings, want at most 5 each", len(res.Errors), len(res.Warnings))
		}
		for _, is := range append(res.Errors, res.Warnings...) {
			if is.Row < 0 || is.Reason == "" {
				t.Errorf("issue %+v has no row or no reason", is)
			}
		}
	})
}

// findCasesDir is casesDir for callers without a testing.TB.
func findCasesDir() (string, error) {
	dir, err := os.Getwd()
	for err == nil {
		p := filepath.Join(dir, "shared", "cases", "ingest")
		if fi, statErr := os.Stat(p); statErr == nil && fi.IsDir() {
			return p, nil
		}
		if parent := filepath.Dir(dir); parent != dir {
			dir = parent
			continue
		}
		err = os.ErrNotExist
	}
	return "", err
}

package ingest

import (
	"bytes"
	"errors"
	"io"
	"strings"
	"testing"
	"testing/iotest"
	"unicode/utf8"

	"github.com/shopspring/decimal"
	"golang.org/x/text/encoding"
	"golang.org/x/text/encoding/unicode"
	"golang.org/x/text/transform"
	"golang.org/x/text/unicode/norm"

	"saima"
)

// trickyCells are cell values that the fast paths must read exactly as the
// general paths do: ASCII with every kind of whitespace, full-width forms,
// NBSP, the ideographic space, a byte-order mark and a zero-width space,
// invalid UTF-8 and U+FFFD.
var trickyCells = []string{
	"", " ", "\t", "\v", "\f", "\r\n", "a b", " NB-2026-017 ", "NB\u00a0017", "\u00a0",
	"\u3000", "\ufeffNB-1", "\u200bNB-1\u200b", "ＮＢ－２０２６－０１７", "８５．５％", "85%", " 85 % ",
	"0.85", "1,234.5", "+.5", "-0", "5.", ".", "2026-09-30", "２０２６-09-30", "2026Q3", "2026ｑ3",
	"宁波市海曙区", " 宁波市海曙区\u00a0", "宁波市（本级）", "宁波市(本级)", "单\u3000\u3000位",
	"\x85", "\xff\xfe", "\ufffd", "85\ufe0f", "NB\u034f-1", "a\u0085b", "e\u0301", "ﬁ", "①", "\x00", "\x7f",
}

// TestNormalizeASCIIFastPath compares normalize and compact with their
// general form, NFKC then trimming or dropping whitespace, on every ASCII
// byte and pair of bytes and on trickyCells.
func TestNormalizeASCIIFastPath(t *testing.T) {
	general := func(s string) string { return strings.TrimFunc(norm.NFKC.String(s), isIgnorable) }
	generalCompact := func(s string) string {
		return strings.Map(func(r rune) rune {
			if isIgnorable(r) {
				return -1
			}
			return r
		}, norm.NFKC.String(s))
	}

	inputs := append([]string{}, trickyCells...)
	for a := range utf8.RuneSelf {
		inputs = append(inputs, string(rune(a)))
		for b := range utf8.RuneSelf {
			inputs = append(inputs, string([]byte{byte(a), byte(b)}))
		}
	}
	for _, s := range inputs {
		if got, want := normalize(s), general(s); got != want {
			t.Errorf("normalize(%q) = %q, want %q", s, got, want)
		}
		if got, want := compact(s), generalCompact(s); got != want {
			t.Errorf("compact(%q) = %q, want %q", s, got, want)
		}
	}
}

// TestPlainNumberMatchesRE compares plainNumber with plainNumberRE, and
// parseDecimal with a reading through the regular expressions only.
func TestPlainNumberMatchesRE(t *testing.T) {
	inputs := append([]string{}, trickyCells...)
	inputs = append(inputs, "0", "00", "1.", "1.2.3", "++1", "+-1", "-", "+", "1e5", "0x10", "1_000",
		"١٢٣", "12a", "a12", "-.", "..5", "1,234", "12,34", "1 234", "９９", "-12.500")
	for _, s := range inputs {
		if got, want := plainNumber(s), plainNumberRE.MatchString(s); got != want {
			t.Errorf("plainNumber(%q) = %v, want %v", s, got, want)
		}

		got, gotOK := parseDecimal(s)
		want, wantOK := parseDecimalRE(s)
		if gotOK != wantOK || gotOK && got.String() != want.String() {
			t.Errorf("parseDecimal(%q) = %s, %v, want %s, %v", s, got, gotOK, want, wantOK)
		}
	}
}

// parseDecimalRE is parseDecimal without the fast path.
func parseDecimalRE(s string) (decimal.Decimal, bool) {
	s = compact(s)
	if groupedNumberRE.MatchString(s) {
		s = strings.ReplaceAll(s, ",", "")
	}
	if !plainNumberRE.MatchString(s) {
		return decimal.Decimal{}, false
	}
	v, err := decimal.NewFromString(strings.TrimPrefix(s, "+"))
	return v, err == nil
}

// TestPeriodKey compares periodKey with Period.String.
func TestPeriodKey(t *testing.T) {
	periods := []saima.Period{{}, saima.Year(2026), saima.Month(2026, 9), saima.Month(999, 1)}
	for _, y := range []int{0, 7, 999, 1000, 2026, 9999, 10000, -1} {
		for q := 0; q <= 5; q++ {
			periods = append(periods, saima.Period{Kind: saima.PeriodQuarter, Year: y, Index: q})
		}
	}
	periods = append(periods, saima.Period{Kind: saima.PeriodQuarter, Year: 2026, Index: 12})
	for _, p := range periods {
		if got, want := periodKey(p), p.String(); got != want {
			t.Errorf("periodKey(%+v) = %q, want %q", p, got, want)
		}
	}
}

// TestUTF8ReaderMatchesValidator reads inputs through utf8Reader and
// through a transform.Reader with encoding.UTF8Validator, in reads of
// every size the readers above may ask for, and compares the bytes passed
// on and the error.
func TestUTF8ReaderMatchesValidator(t *testing.T) {
	long := strings.Repeat("宁波市海曙区,NB-1,85%\n", 5000) // longer than the reader's buffer
	inputs := map[string]string{
		"empty":                 "",
		"ascii":                 "a,b\n1,2\n",
		"chinese":               "单位,完成率\n宁波市海曙区,85%\n",
		"long":                  long,
		"invalid byte":          "单位\xff完成率\n",
		"invalid late":          long + "\xc0\xaf" + long,
		"surrogate":             "a\xed\xa0\x80b",
		"cut rune at end":       "单位\xe5\x8d",
		"cut rune then ascii":   "单\xe5\x8d,b",
		"four-byte rune":        "𠮷岙\n",
		"cut four-byte rune":    long + "\xf0\xa0\xae",
		"replacement character": "\ufffd\n",
		"overlong":              "\xe0\x80\xaf",
		"too large":             "\xf4\x90\x80\x80",
	}
	readers := map[string]func(io.Reader) io.Reader{
		"whole":    func(r io.Reader) io.Reader { return r },
		"one byte": iotest.OneByteReader,
		"half":     iotest.HalfReader,
	}
	for name, in := range inputs {
		for rname, wrap := range readers {
			t.Run(name+"/"+rname, func(t *testing.T) {
				got, gotErr := readAllSmall(wrap(newUTF8Reader(strings.NewReader(in))))
				want, wantErr := readAllSmall(wrap(transform.NewReader(strings.NewReader(in), encoding.UTF8Validator)))
				if !bytes.Equal(got, want) {
					t.Errorf("utf8Reader passed on %d bytes, want %d", len(got), len(want))
				}
				if !errors.Is(gotErr, wantErr) && gotErr != wantErr {
					t.Errorf("utf8Reader error = %v, want %v", gotErr, wantErr)
				}
			})
		}
	}
}

// readAllSmall is io.ReadAll with reads of 7 bytes and more, so that
// runes straddle the reads.
func readAllSmall(r io.Reader) ([]byte, error) {
	var out []byte
	buf := make([]byte, 7)
	for {
		n, err := r.Read(buf)
		out = append(out, buf[:n]...)
		if err == io.EOF {
			return out, nil
		}
		if err != nil {
			return out, err
		}
	}
}

// TestFastAndGeneralSpellings parses rows whose cells take the fast paths
// next to rows with the same values in spellings that take the general
// ones, in UTF-8, GB18030 and UTF-16, and checks that each pair gives the
// same record.
func TestFastAndGeneralSpellings(t *testing.T) {
	const head = "单位,项目编号,项目名称,填报期间,完成率,填报日期,进展情况,存在问题\n"
	pairs := []struct {
		name          string
		fast, general string
	}{
		{"unit", "宁波市海曙区,NB-1,a,2026Q3,85%,2026-09-30,x,y",
			"\u00a0宁波市海曙区\u3000,NB-1,a,2026Q3,85%,2026-09-30,x,y"},
		{"unit short form", "余姚市,NB-1,a,2026Q3,85%,2026-09-30,x,y", "余姚,NB-1,a,2026Q3,85%,2026-09-30,x,y"},
		{"unit with bom", "宁波市海曙区,NB-1,a,2026Q3,85%,2026-09-30,x,y",
			"\ufeff宁波市海曙区,NB-1,a,2026Q3,85%,2026-09-30,x,y"},
		{"code", "宁波市海曙区,NB-2026-017,a,2026Q3,85%,2026-09-30,x,y",
			"宁波市海曙区,ＮＢ－２０２６－０１７,a,2026Q3,85%,2026-09-30,x,y"},
		{"code nbsp", "宁波市海曙区,NB-1,a,2026Q3,85%,2026-09-30,x,y",
			"宁波市海曙区,\u00a0NB-1\u00a0,a,2026Q3,85%,2026-09-30,x,y"},
		{"percent", "宁波市海曙区,NB-1,a,2026Q3,85.5%,2026-09-30,x,y",
			"宁波市海曙区,NB-1,a,2026Q3,８５．５％,2026-09-30,x,y"},
		{"percent spaces", "宁波市海曙区,NB-1,a,2026Q3,85%,2026-09-30,x,y",
			"宁波市海曙区,NB-1,a,2026Q3, 85 % ,2026-09-30,x,y"},
		{"percent blank", "宁波市海曙区,NB-1,a,2026Q3,,2026-09-30,x,y",
			"宁波市海曙区,NB-1,a,2026Q3,\u3000,2026-09-30,x,y"},
		{"date", "宁波市海曙区,NB-1,a,2026Q3,85%,2026-09-30,x,y",
			"宁波市海曙区,NB-1,a,2026Q3,85%,２０２６年９月３０日,x,y"},
		{"date blank", "宁波市海曙区,NB-1,a,2026Q3,85%,,x,y",
			"宁波市海曙区,NB-1,a,2026Q3,85%,\u00a0,x,y"},
		{"period", "宁波市海曙区,NB-1,a,2026Q3,85%,2026-09-30,x,y",
			"宁波市海曙区,NB-1,a,2026年第三季度,85%,2026-09-30,x,y"},
		{"quoted text", "宁波市海曙区,NB-1,a,2026Q3,85%,2026-09-30,\"第一行\n第二行。含“引号”\",y",
			"宁波市海曙区,NB-1,a,2026Q3,85%,2026-09-30,\" 第一行\n第二行。含“引号”\u00a0\",y"},
	}
	for _, tt := range pairs {
		t.Run(tt.name, func(t *testing.T) {
			fast := parseAllEncodings(t, head+tt.fast+"\n")
			general := parseAllEncodings(t, head+tt.general+"\n")
			for enc := range fast {
				if fast[enc] != general[enc] {
					t.Errorf("%s: fast spelling read as %q, general as %q", enc, fast[enc], general[enc])
				}
				if fast[enc] != fast["utf-8"] {
					t.Errorf("%s read as %q, utf-8 as %q", enc, fast[enc], fast["utf-8"])
				}
			}
		})
	}
}

// parseAllEncodings parses text as UTF-8, GB18030 and UTF-16 (tabs for
// commas, as Excel writes it) and returns the records of each, one line
// per record, with the issues.
func parseAllEncodings(t *testing.T, text string) map[string]string {
	t.Helper()
	tabbed := strings.ReplaceAll(text, ",", "\t")
	files := map[string]string{
		"utf-8":    text,
		"gb18030":  encodeGB18030(t, text),
		"utf-16le": encodeUTF16(t, tabbed, unicode.LittleEndian, unicode.UseBOM),
	}
	out := map[string]string{}
	for enc, data := range files {
		res := parseText(t, "f.csv", data, Options{Dataset: saima.DatasetProgress})
		out[enc] = strings.Join(progressLines(res.Batch.Progress), "\n") + " " +
			strings.Join(issueStrings(res.Errors), "; ") + " " + strings.Join(issueStrings(res.Warnings), "; ")
	}
	return out
}

// TestUnitCacheKeepsErrors reads a unit name that resolves, then blank
// and unknown spellings, many times each, and checks that the cache of
// resolved names changes no error.
func TestUnitCacheKeepsErrors(t *testing.T) {
	var text strings.Builder
	text.WriteString("单位,项目编号,填报期间,完成率\n")
	for i := range 3 {
		text.WriteString("宁波市海曙区,NB-" + string(rune('a'+i)) + ",2026Q3,50%\n")
		text.WriteString("\u00a0,NB-x" + string(rune('a'+i)) + ",2026Q3,50%\n")
		text.WriteString("海曙,NB-y" + string(rune('a'+i)) + ",2026Q3,50%\n")
		text.WriteString("宁波市海曙区区,NB-z" + string(rune('a'+i)) + ",2026Q3,50%\n")
	}
	res := parseText(t, "f.csv", text.String(), Options{})
	if got := len(res.Batch.Progress); got != 6 {
		t.Errorf("records = %d, want 6 (3 full names and 3 short forms): %q", got, progressLines(res.Batch.Progress))
	}
	var missing, unknown int
	for _, is := range res.Errors {
		switch {
		case strings.Contains(is.Reason, "为空"):
			missing++
		case strings.Contains(is.Reason, "不在单位名单中"):
			unknown++
		}
	}
	if missing != 3 || unknown != 3 || len(res.Errors) != 6 {
		t.Errorf("errors = %q, want 3 blank and 3 unknown units", issueStrings(res.Errors))
	}
}

// FuzzUTF8Reader compares utf8Reader with the transform.Reader it
// replaces on any bytes, read in pieces of 7.
func FuzzUTF8Reader(f *testing.F) {
	for _, s := range trickyCells {
		f.Add([]byte(s))
	}
	f.Add([]byte("单位\xe5\x8d"))
	f.Fuzz(func(t *testing.T, data []byte) {
		got, gotErr := readAllSmall(newUTF8Reader(bytes.NewReader(data)))
		want, wantErr := readAllSmall(transform.NewReader(bytes.NewReader(data), encoding.UTF8Validator))
		if !bytes.Equal(got, want) {
			t.Errorf("utf8Reader passed on %q, want %q", got, want)
		}
		if !errors.Is(gotErr, wantErr) && gotErr != wantErr {
			t.Errorf("utf8Reader error = %v, want %v", gotErr, wantErr)
		}
	})
}

// FuzzNormalize compares normalize and compact with their general form
// on any text.
func FuzzNormalize(f *testing.F) {
	for _, s := range trickyCells {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if got, want := normalize(s), strings.TrimFunc(norm.NFKC.String(s), isIgnorable); got != want {
			t.Errorf("normalize(%q) = %q, want %q", s, got, want)
		}
		if got, want := plainNumber(s), plainNumberRE.MatchString(s); got != want {
			t.Errorf("plainNumber(%q) = %v, want %v", s, got, want)
		}
	})
}

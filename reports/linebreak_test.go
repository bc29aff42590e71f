package reports

import (
	"encoding/csv"
	"fmt"
	"os"
	"slices"
	"strings"
	"testing"
	"unicode"
	"unicode/utf8"

	"github.com/jung-kurt/gofpdf"
)

// gridMeasure gives every CJK character width 1 and every other character
// width 0.5, so that expected lines can be worked out by hand.
func gridMeasure(s string) float64 {
	w := 0.0
	for _, r := range s {
		if isCJK(r) {
			w++
		} else {
			w += 0.5
		}
	}
	return w
}

// fontMeasure returns gofpdf's width function for Noto Sans SC Regular at
// size points, in mm.
func fontMeasure(tb testing.TB, size float64) func(string) float64 {
	tb.Helper()
	pdf := gofpdf.New("P", "mm", "A4", "")
	pdf.AddUTF8FontFromBytes(fontFamily, "", testFonts(tb).Regular)
	pdf.SetFont(fontFamily, "", size)
	if err := pdf.Error(); err != nil {
		tb.Fatalf("set up gofpdf: %v", err)
	}
	return pdf.GetStringWidth
}

func TestBreakLines(t *testing.T) {
	tests := []struct {
		name  string
		text  string
		width float64
		want  []string
	}{
		{"Empty", "", 5, []string{""}},
		{"FitsOnOneLine", "一二三", 3, []string{"一二三"}},
		{"BreaksBetweenCJK", "一二三四五", 2, []string{"一二", "三四", "五"}},
		{"CommaPullsPreviousDown", "甲乙，丙", 2, []string{"甲", "乙，", "丙"}},
		{"EveryClosingMark", "甲，乙。丙、丁；戊：己？庚！辛）壬》癸”子’丑」寅』卯】辰〉",
			2, []string{"甲，", "乙。", "丙、", "丁；", "戊：", "己？", "庚！", "辛）",
				"壬》", "癸”", "子’", "丑」", "寅』", "卯】", "辰〉"}},
		{"EveryOpeningMark", "（甲《乙“丙‘丁「戊『己【庚〈辛",
			2, []string{"（甲", "《乙", "“丙", "‘丁", "「戊", "『己", "【庚", "〈辛"}},
		{"ParenthesesStayWithText", "甲乙（丙）丁", 3, []string{"甲乙", "（丙）", "丁"}},
		{"QuoteAfterFullStop", "他说：“好。”然后", 4, []string{"他说：", "“好。”", "然后"}},
		{"PercentStaysWithNumber", "完成率86.7%以上", 4, []string{"完成率", "86.7%以", "上"}},
		{"FullWidthPercent", "达到８５％", 4, []string{"达到８", "５％"}},
		{"PercentAfterCJK", "甲乙%丙", 2, []string{"甲", "乙%", "丙"}},
		{"LatinWordStaysWhole", "迁移到ClickHouse集群", 6, []string{"迁移到", "ClickHouse集", "群"}},
		{"TimesSignInNumber", "满足7×24小时值守", 3, []string{"满足", "7×24小", "时值守"}},
		{"VersionInParentheses", "说明（V1.2）已", 4, []string{"说明", "（V1.2）", "已"}},
		{"EllipsisNeverStartsLine", "等等……好", 3, []string{"等", "等……", "好"}},
		{"DashNeverStartsLine", "甲——乙", 3, []string{"甲——", "乙"}},
		{"TokenLongerThanLine", "见https://example.com/a/b",
			4, []string{"见", "https://", "example.", "com/a/b"}},
		{"OnlyPunctuation", "，。、；：？！", 3, []string{"，。、", "；：？", "！"}},
		{"SpacesHangAtLineEnd", "hello world foo", 5.5, []string{"hello world ", "foo"}},
		{"LeadingSpacesKept", "  甲乙", 5, []string{"  甲乙"}},
		{"NewlineStartsLine", "甲乙\n\n丙", 5, []string{"甲乙", "", "丙"}},
		{"CharacterWiderThanLine", "甲乙", 0.5, []string{"甲", "乙"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := breakLines(tt.text, tt.width, gridMeasure)
			if !slices.Equal(got, tt.want) {
				t.Errorf("breakLines(%q, %v) = %q, want %q", tt.text, tt.width, got, tt.want)
			}
			if joined := strings.Join(got, ""); joined != strings.ReplaceAll(tt.text, "\n", "") {
				t.Errorf("breakLines(%q, %v) joined = %q, want the input without newlines",
					tt.text, tt.width, joined)
			}
		})
	}
}

// longProgressText returns the 500-character 进展情况 of 市大数据局 from a
// sample progress upload.
func longProgressText(tb testing.TB) string {
	tb.Helper()
	f, err := os.Open("testdata/progress_long_text.csv")
	if err != nil {
		tb.Fatal(err)
	}
	defer f.Close()
	records, err := csv.NewReader(f).ReadAll()
	if err != nil {
		tb.Fatalf("read csv: %v", err)
	}

	header := records[0]
	unit, progress := slices.Index(header, "单位"), slices.Index(header, "进展情况")
	for _, rec := range records[1:] {
		if rec[unit] == "市大数据局" {
			if n := utf8.RuneCountInString(rec[progress]); n != 500 {
				tb.Fatalf("进展情况 of 市大数据局 has %d characters, want 500", n)
			}
			return rec[progress]
		}
	}
	tb.Fatal("no row of 市大数据局 in testdata/progress_long_text.csv")
	return ""
}

func TestBreakLinesLongText(t *testing.T) {
	text := longProgressText(t)
	measure := fontMeasure(t, sizeTable)
	for _, width := range []float64{20, 40, 66 - 2*cellPadding, 100, contentWidth - 2*cellPadding} {
		lines := breakLines(text, width, measure)
		t.Run(fmt.Sprintf("%gmm", width), func(t *testing.T) {
			checkLines(t, text, width, lines, measure)
		})
	}
}

// checkLines checks the properties every breaking of text must have.
func checkLines(t *testing.T, text string, width float64, lines []string, measure func(string) float64) {
	t.Helper()
	if joined := strings.Join(lines, ""); joined != text {
		t.Fatalf("lines joined = %q, want the input", joined)
	}
	for i, line := range lines {
		first, _ := utf8.DecodeRuneInString(line)
		last, _ := utf8.DecodeLastRuneInString(line)
		if i > 0 && strings.ContainsRune(noLineStart, first) {
			t.Errorf("line %d = %q starts with %q", i+1, line, first)
		}
		if i < len(lines)-1 && strings.ContainsRune(noLineEnd, last) {
			t.Errorf("line %d = %q ends with %q", i+1, line, last)
		}
		if w := measure(strings.TrimRightFunc(line, unicode.IsSpace)); w > width {
			t.Errorf("line %d = %q is %.2f wide, want at most %.2f", i+1, line, w, width)
		}
		if i < len(lines)-1 {
			next := glueGroups(lines[i+1])[0]
			if measure(line)+measure(next) <= width {
				t.Errorf("line %d = %q breaks early: %q would still fit", i+1, line, next)
			}
		}
	}
	for _, word := range []string{"ClickHouse", "86.7%", "7×24"} {
		checkNotSplit(t, text, lines, word)
	}
}

// checkNotSplit checks that no line break falls inside any occurrence of
// word in text.
func checkNotSplit(t *testing.T, text string, lines []string, word string) {
	t.Helper()
	var breaks []int
	offset := 0
	for _, line := range lines[:len(lines)-1] {
		offset += len(line)
		breaks = append(breaks, offset)
	}

	found := 0
	for start := 0; ; {
		i := strings.Index(text[start:], word)
		if i < 0 {
			break
		}
		at := start + i
		for _, b := range breaks {
			if b > at && b < at+len(word) {
				t.Errorf("a line break splits %q at byte %d", word, at)
			}
		}
		found++
		start = at + len(word)
	}
	if found == 0 {
		t.Errorf("text has no %q to check", word)
	}
}

func FuzzBreakLines(f *testing.F) {
	f.Add("本季度，城市大脑数据中台（二期）项目完成86.7%，ClickHouse集群7×24小时值守。", 5.0)
	f.Add("hello world, 你好！", 3.0)
	f.Add("，。、", 1.0)
	f.Add("a\nb\n\nc", 0.0)
	f.Fuzz(func(t *testing.T, text string, width float64) {
		if !utf8.ValidString(text) || width < 0 || width > 1e6 {
			t.Skip()
		}
		lines := breakLines(text, width, gridMeasure)
		if joined := strings.Join(lines, ""); joined != strings.ReplaceAll(text, "\n", "") {
			t.Fatalf("breakLines(%q, %v) joined = %q, want the input without newlines", text, width, joined)
		}
		for i, line := range lines {
			ink := gridMeasure(strings.TrimRightFunc(line, unicode.IsSpace))
			if ink > width && utf8.RuneCountInString(strings.TrimRightFunc(line, unicode.IsSpace)) > 1 {
				t.Errorf("breakLines(%q, %v) line %d = %q is %.1f wide", text, width, i+1, line, ink)
			}
		}
	})
}

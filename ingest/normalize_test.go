package ingest

import (
	"fmt"
	"slices"
	"strings"
	"testing"
)

func TestNormalize(t *testing.T) {
	tests := []struct {
		in                         string
		trimmed, normal, compacted string
	}{
		{"  a b  ", "a b", "a b", "ab"},
		{"\u00a0宁波市江北区\u00a0", "宁波市江北区", "宁波市江北区", "宁波市江北区"},
		{"\u3000市大数据局\u3000", "市大数据局", "市大数据局", "市大数据局"},
		{"单\u3000\u3000位", "单\u3000\u3000位", "单  位", "单位"},
		{"\ufeff单位", "单位", "单位", "单位"},
		{"\u200b项目编号\t", "项目编号", "项目编号", "项目编号"},
		{"ＮＢ－２０２６－０１７", "ＮＢ－２０２６－０１７", "NB-2026-017", "NB-2026-017"},
		{"８５．５％", "８５．５％", "85.5%", "85.5%"},
		{"宁波市（本级）", "宁波市（本级）", "宁波市(本级)", "宁波市(本级)"},
		{"预计１１月上线\r\n", "预计１１月上线", "预计11月上线", "预计11月上线"},
		{"𠮷岙", "𠮷岙", "𠮷岙", "𠮷岙"},
		{"2026Q3\u2060", "2026Q3", "2026Q3", "2026Q3"},
		{"\u200eNB-2026-017\u200f", "NB-2026-017", "NB-2026-017", "NB-2026-017"},
		{"\u200d市财政局\u200c", "市财政局", "市财政局", "市财政局"},
		{"宁波市\u00ad北仑区", "宁波市\u00ad北仑区", "宁波市\u00ad北仑区", "宁波市北仑区"},
	}
	for _, tt := range tests {
		if got := trimText(tt.in); got != tt.trimmed {
			t.Errorf("trimText(%q) = %q, want %q", tt.in, got, tt.trimmed)
		}
		if got := normalize(tt.in); got != tt.normal {
			t.Errorf("normalize(%q) = %q, want %q", tt.in, got, tt.normal)
		}
		if got := compact(tt.in); got != tt.compacted {
			t.Errorf("compact(%q) = %q, want %q", tt.in, got, tt.compacted)
		}
	}
}

// Text copied from web pages and Word keeps invisible format characters:
// a soft hyphen inside a unit name, a word joiner or a direction mark at
// the ends of a cell. They read as the whitespace around and inside
// names does, so the cell matches what it shows.
func TestInvisibleFormatCharacters(t *testing.T) {
	text := "单位,项目编号,项目名称,填报期间,完成率,填报日期,进展情况,存在问题\n" +
		"宁波市\u00ad江北区,\u200eNB-2026-017\u200f,甲,2026Q3\u2060,85%\u200d,2026-09-30,进展,无\n"
	res := parseText(t, "p.csv", text, Options{})
	requireNoErrors(t, res)
	want := []string{"宁波市江北区|NB-2026-017|甲|2026Q3|85|2026-09-30|进展|无"}
	if got := progressLines(res.Batch.Progress); !slices.Equal(got, want) {
		t.Errorf("records = %q, want %q", got, want)
	}
}

// Every default-ignorable character that draws nothing reads as
// whitespace, not only the ones Word and web pages leave most often. The
// Arabic letter mark, the invisible operators (U+2061 to U+2064), the
// Mongolian vowel separator and the Hangul fillers draw nothing either.
// Inside a unit name, a period or a percent they are dropped as spaces
// are; inside a code they are the error that names the character. The
// bidi embeddings, overrides and isolates are rejected in every cell
// instead (TestForbiddenEveryDataset). Variation selectors and tag
// characters, which change how the character before them looks, stay in
// free text, even at its end.
func TestInvisibleCharactersWholeKind(t *testing.T) {
	for _, r := range []rune{'\u061c', '\u2061', '\u2062', '\u2063', '\u2064', '\u180e', '\u3164', '\uffa0', '\u115f', '\u1160', '\u206a', '\u206f'} {
		c := string(r)
		const header = "单位,项目编号,项目名称,填报期间,完成率,填报日期,进展情况,存在问题\n"
		res := parseText(t, "p.csv", header+c+"宁波市"+c+"江北区"+c+",NB-2026-017"+c+",甲,2026"+c+"Q3"+c+
			",8"+c+"5%,2026-09-30"+c+",进展"+c+",无\n", Options{})
		requireNoErrors(t, res)
		want := []string{"宁波市江北区|NB-2026-017|甲|2026Q3|85|2026-09-30|进展|无"}
		if got := progressLines(res.Batch.Progress); !slices.Equal(got, want) {
			t.Errorf("U+%04X: records = %q, want %q", r, got, want)
		}
		res = parseText(t, "p.csv", header+"余姚市,NB-2026-0"+c+"18,乙,2026Q3,85%,2026-09-30,进展,无\n", Options{})
		wantErrors := []string{fmt.Sprintf("p.csv 第2行“项目编号”列的值“NB-2026-0%s18”中含有看不见的字符U+%04X（常见于从网页或Word复制的文字），"+
			"与去掉它后的同一个值对不上，请清空这一格，重新输入后上传", c, r)}
		if got := issueStrings(res.Errors); !slices.Equal(got, wantErrors) {
			t.Errorf("U+%04X: errors = %q, want %q", r, got, wantErrors)
		}
	}
	for _, s := range []string{"已整改\u2705\ufe0f", "英格兰\U0001F3F4\U000E0067\U000E0062\U000E0065\U000E006E\U000E0067\U000E007F"} {
		if got := trimText(s); got != s {
			t.Errorf("trimText(%q) = %q, want it unchanged", s, got)
		}
	}
}

// TestIgnorableLikeZeroWidthSpace puts the combining grapheme joiner and
// the variation selectors U+FE0E and U+FE0F into the unit, code, period,
// number and date cells of a progress row, at the end and inside. Each
// must read as the zero-width space (U+200B) reads there: trimmed at the
// end, dropped inside a unit name, a period and a number, and an error
// inside a code or a date. Free text keeps them.
func TestIgnorableLikeZeroWidthSpace(t *testing.T) {
	insert := func(s, mark string, inside bool) string {
		if !inside {
			return s + mark
		}
		r := []rune(s)
		return string(r[:2]) + mark + string(r[2:])
	}
	parse := func(mark string, inside bool) *Result {
		cell := func(s string) string { return insert(s, mark, inside) }
		text := "单位,项目编号,项目名称,填报期间,完成率,填报日期,进展情况\n" +
			cell("余姚市") + "," + cell("NB-2026-017") + ",城市大脑," + cell("2026Q3") + "," +
			cell("60%") + "," + cell("2026-09-30") + ",已上线✅" + mark + "\n"
		return parseText(t, "进度.csv", text, Options{})
	}
	for _, mark := range []string{"\u034f", "\ufe0e", "\ufe0f"} {
		for _, inside := range []bool{false, true} {
			name := fmt.Sprintf("U+%04X/inside=%t", []rune(mark)[0], inside)
			t.Run(name, func(t *testing.T) {
				got, want := parse(mark, inside), parse("\u200b", inside)
				code := fmt.Sprintf("U+%04X", []rune(mark)[0])
				if len(got.Errors) != len(want.Errors) {
					t.Fatalf("errors = %q, want as many as U+200B gets: %q",
						issueStrings(got.Errors), issueStrings(want.Errors))
				}
				for i, e := range got.Errors {
					if w := want.Errors[i]; e.Column != w.Column {
						t.Errorf("error %d on column %q, want %q as for U+200B", i, e.Column, w.Column)
					}
					if e.Column == "项目编号" && !strings.Contains(e.String(), code) {
						t.Errorf("error %q does not name %s", e.String(), code)
					}
				}
				if !inside {
					requireNoErrors(t, got)
				}
				if len(got.Batch.Progress) != 1 {
					return
				}
				rep := got.Batch.Progress[0]
				if rep.Unit != "余姚市" {
					t.Errorf("单位 = %q, want 余姚市", rep.Unit)
				}
				if rep.Period.String() != "2026Q3" {
					t.Errorf("填报期间 = %q, want 2026Q3", rep.Period.String())
				}
				if percentString(rep.Percent) != "60" {
					t.Errorf("完成率 = %s, want 60", percentString(rep.Percent))
				}
				if rep.ReportDate == nil || rep.ReportDate.String() != "2026-09-30" {
					t.Errorf("填报日期 = %v, want 2026-09-30", rep.ReportDate)
				}
				if rep.Progress != "已上线✅"+mark {
					t.Errorf("进展情况 = %q, want %q", rep.Progress, "已上线✅"+mark)
				}
			})
		}
	}
}

// TestIgnorableRosterName checks that a roster's own unit name loses a
// variation selector at its end, as it loses a zero-width space there.
func TestIgnorableRosterName(t *testing.T) {
	res := parseText(t, "单位.csv", "单位,单位类别\n宁波市海曙区\ufe0f,区县（市）\n", Options{})
	requireNoErrors(t, res)
	if len(res.Batch.Units) != 1 || res.Batch.Units[0].Name != "宁波市海曙区" {
		t.Errorf("units = %+v, want 宁波市海曙区 without U+FE0F", res.Batch.Units)
	}
}

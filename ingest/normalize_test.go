package ingest

import (
	"fmt"
	"slices"
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

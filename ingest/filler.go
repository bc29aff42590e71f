package ingest

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// unwritten reports whether a text is empty of content: blank, a
// placeholder such as “/” or “——”, or a filler such as “无” or “N/A”.
// People type these for “nothing to say”, and they would otherwise pass
// as the text a stage requires or as the name of a unit. A filler may be
// followed by closing punctuation (无。, 不适用！, 无？, 无；) and wrapped in
// brackets, quotes or dashes (【无】, “无”, -无-), in any width. A text of
// closing punctuation or empty brackets only (……, 。, （）) says nothing
// either.
func unwritten(s string) bool {
	s = compact(s)
	if s == "" || isPlaceholder(s) {
		return true
	}
	for {
		peeled := peelFiller(s)
		if peeled == "" {
			// Only punctuation, dashes or empty brackets: “……”, “。”, “（）”.
			return true
		}
		if peeled == s {
			break
		}
		s = peeled
	}
	return fillers[strings.ToLower(s)] || strings.Trim(s, "无") == ""
}

// Unwritten reports whether a reason or note typed into a form is blank,
// a placeholder or a filler, by the rule [unwritten] applies to cells.
// A reason also counts as unwritten when it is one character repeated
// (111, xx, 。。) or at most three ASCII letters and digits (abc, 12),
// which people type to get past a required field.
func Unwritten(s string) bool {
	if unwritten(s) {
		return true
	}
	c := compact(s)
	runes := []rune(c)
	if strings.Count(c, string(runes[0])) == len(runes) {
		return true
	}
	return len(runes) <= 3 && strings.IndexFunc(c, func(r rune) bool {
		return r > unicode.MaxASCII || !(unicode.IsLetter(r) || unicode.IsDigit(r))
	}) < 0
}

// peelFiller removes one layer around a compacted text: closing
// punctuation at its end, dashes at both ends, or one pair of brackets or
// quotes that encloses it.
func peelFiller(s string) string {
	s = strings.TrimRight(s, ".。!?~;,、")
	s = strings.TrimFunc(s, isDash)
	first, n := utf8.DecodeRuneInString(s)
	last, m := utf8.DecodeLastRuneInString(s)
	if len(s) >= n+m && fillerBrackets[first] == last {
		return s[n : len(s)-m]
	}
	return s
}

// isDash reports whether r is a hyphen, a minus sign or a dash.
func isDash(r rune) bool {
	return r == '-' || r == '\u2212' || (r >= '\u2010' && r <= '\u2015')
}

// fillerBrackets maps each opening bracket or quote, after NFKC, to its
// closing one.
var fillerBrackets = map[rune]rune{
	'(': ')', '[': ']', '{': '}', '<': '>', '"': '"', '\'': '\'',
	'【': '】', '〔': '〕', '「': '」', '『': '』', '《': '》', '〈': '〉',
	'“': '”', '‘': '’', '〖': '〗',
}

// fillers are the texts, lower case and without whitespace, that fill a
// cell without saying anything.
var fillers = map[string]bool{
	"暂无": true, "没有": true, "不涉及": true, "未涉及": true, "不适用": true, "空": true, "略": true,
	"n/a": true, "n.a": true, "na": true, "none": true, "null": true,
	"不详": true, "无理由": true, "无原因": true, "没有理由": true, "没有原因": true,
}

package reports

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// Chinese line-breaking rules (禁则), after the W3C note "Requirements for
// Chinese Text Layout": a line may not start with closing punctuation and
// may not end with opening punctuation. ASCII marks are listed too, because
// they appear in mixed text such as "(V1.2)" or "ClickHouse,".
const (
	noLineStart = "，。、；：？！）》」』】〉〕〗〙］｝”’…‥—·・％‰℃々〻ー～" +
		",.;:?!)]}%"
	noLineEnd = "（《「『【〈〔〖〘［｛“‘￥＄" + "([{"
)

// breakLines splits text into lines no wider than width. measure returns the
// width of a string in the same unit as width and must be additive, as
// gofpdf's GetStringWidth is: the width of a+b is the width of a plus the
// width of b.
//
// A "\n" in text starts a new line and is not part of any line. Otherwise
// the lines joined back together equal text exactly: nothing is dropped or
// added. Spaces at a break stay at the end of the earlier line, where they
// may hang past width.
//
// Lines break between any two CJK characters and after spaces. A run of
// other characters, such as "ClickHouse", "86.7%" or "7×24", stays on one
// line, and the rules in noLineStart and noLineEnd are kept by moving a
// character to the next line along with its neighbour. A group that is
// wider than a whole line on its own is split between characters, and only
// such a split may start or end a line against the rules.
func breakLines(text string, width float64, measure func(string) float64) []string {
	var lines []string
	for para := range strings.SplitSeq(text, "\n") {
		lines = append(lines, breakParagraph(para, width, measure)...)
	}
	return lines
}

// breakParagraph breaks text that holds no "\n". Empty text gives one empty
// line, so that a blank line in the input stays visible.
func breakParagraph(text string, width float64, measure func(string) float64) []string {
	var lines []string
	line, used := "", 0.0 // used is the width of line, trailing spaces included
	for _, g := range glueGroups(text) {
		ink := measure(strings.TrimRightFunc(g, unicode.IsSpace))
		if line != "" && used+ink > width {
			lines = append(lines, line)
			line, used = "", 0
		}
		if line == "" && ink > width {
			pieces := splitByWidth(g, width, measure)
			lines = append(lines, pieces[:len(pieces)-1]...)
			g = pieces[len(pieces)-1]
		}
		line += g
		used += measure(g)
	}
	return append(lines, line)
}

// glueGroups cuts text into the smallest pieces that must stay on one line.
// A break is allowed only between two groups.
func glueGroups(text string) []string {
	tokens := tokenize(text)
	var groups []string
	for i, tok := range tokens {
		if i > 0 && !canBreakBetween(tokens[i-1], tok) {
			groups[len(groups)-1] += tok
			continue
		}
		groups = append(groups, tok)
	}
	return groups
}

// canBreakBetween reports whether a line may end after token a and the next
// start with token b.
func canBreakBetween(a, b string) bool {
	first, _ := utf8.DecodeRuneInString(b)
	last, _ := utf8.DecodeLastRuneInString(a)
	switch {
	case unicode.IsSpace(first):
		return false // spaces stay at the end of the earlier line
	case strings.ContainsRune(noLineStart, first):
		return false
	case strings.ContainsRune(noLineEnd, last):
		return false
	}
	return true
}

// tokenize splits text into runs of spaces, runs of word characters (Latin
// letters, digits and the marks between them, as in "86.7%" or "7×24"), and
// single CJK characters or symbols.
func tokenize(text string) []string {
	var tokens []string
	start := 0
	prev := tokenNone
	for i, r := range text {
		class := classify(r)
		if i > start && (class != prev || class == tokenCJK) {
			tokens = append(tokens, text[start:i])
			start = i
		}
		prev = class
	}
	if start < len(text) {
		tokens = append(tokens, text[start:])
	}
	return tokens
}

type tokenClass int

const (
	tokenNone  tokenClass = iota
	tokenSpace            // runs of spaces: a line may break after them
	tokenWord             // runs of Latin letters, digits and ASCII marks
	tokenCJK              // one character each: a line may break around it
)

func classify(r rune) tokenClass {
	switch {
	case unicode.IsSpace(r) && r != '\u00A0':
		return tokenSpace
	case isCJK(r):
		return tokenCJK
	}
	return tokenWord
}

// isCJK reports whether r is a character that a line may break before or
// after: Han, kana, Hangul, CJK and full-width punctuation and symbols, the
// general punctuation used in Chinese text (“”‘’…—), and wide symbols such
// as □ and ①.
func isCJK(r rune) bool {
	switch {
	case unicode.In(r, unicode.Han, unicode.Hiragana, unicode.Katakana,
		unicode.Hangul, unicode.Bopomofo):
		return true
	case r >= 0x2010 && r <= 0x206F: // general punctuation
		return true
	case r >= 0x2460 && r <= 0x27BF: // enclosed numbers, boxes, shapes, dingbats
		return true
	case r >= 0x2E80 && r <= 0x33FF: // radicals, CJK symbols and punctuation, kana
		return true
	case r >= 0xFE30 && r <= 0xFE4F: // CJK compatibility forms
		return true
	case r >= 0xFF00 && r <= 0xFFEF: // full-width and half-width forms
		return true
	case r == 0x00B7: // middle dot, used as a separator in Chinese names
		return true
	}
	return r > 0xFFFF
}

// splitByWidth cuts a group that is wider than a line into pieces that fit,
// one character at a time. A character wider than the line gets a line of
// its own. The last piece may be shorter than width, so the caller continues
// filling the line after it.
func splitByWidth(g string, width float64, measure func(string) float64) []string {
	var (
		pieces []string
		start  int
		used   float64
	)
	for i, r := range g {
		w := measure(string(r))
		if i > start && used+w > width && !unicode.IsSpace(r) {
			pieces = append(pieces, g[start:i])
			start, used = i, 0
		}
		used += w
	}
	return append(pieces, g[start:])
}

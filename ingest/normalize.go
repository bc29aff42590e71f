package ingest

import (
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

// isSpace reports whether r counts as whitespace in a cell. Besides the
// Unicode White_Space runes (which include U+00A0 and U+3000) it treats
// the default-ignorable characters that draw nothing as blanks. Spreadsheet
// exports leave the byte-order mark and the zero-width space at the start
// of cells. Text copied from web pages, Word, chat programs or a Windows
// dialog carries the others. These are the soft hyphen, the zero-width
// joiner and non-joiner, the direction marks, embeddings, overrides and
// isolates, the word joiner, the invisible operators and the Hangul
// fillers. Variation selectors and tag characters are
// not blanks: they change how the character before them looks, as in
// ✅ followed by U+FE0F, so free text keeps them even at its end.
func isSpace(r rune) bool {
	if r < '\u00ad' {
		return unicode.IsSpace(r)
	}
	switch {
	case r == '\u00ad', r == '\u061c', r == '\u115f', r == '\u1160', r == '\u17b4', r == '\u17b5',
		r == '\u180e', r == '\u3164', r == '\ufeff', r == '\uffa0':
		return true
	case r >= '\u200b' && r <= '\u200f', r >= '\u202a' && r <= '\u202e', r >= '\u2060' && r <= '\u206f':
		return true
	case r >= '\U0001bca0' && r <= '\U0001bca3', r >= '\U0001d173' && r <= '\U0001d17a', r == '\U000e0001':
		return true
	}
	return unicode.IsSpace(r)
}

// isIgnorable reports whether r counts as whitespace in a cell that is
// read as a unit name, a code, a period, a date or a number. Besides the
// runes of isSpace, these are the combining grapheme joiner U+034F and
// the variation selectors U+FE00 to U+FE0F and U+E0100 to U+E01EF,
// which nothing shows in such a cell. A unit name copied from a chat program with U+FE0F after it
// looks right, and read as written it would be unknown. Free text keeps
// them, because emoji need them (see isSpace).
func isIgnorable(r rune) bool {
	switch {
	case r == '\u034f', r >= '\ufe00' && r <= '\ufe0f', r >= '\U000e0100' && r <= '\U000e01ef':
		return true
	}
	return isSpace(r)
}

// isInvisible reports whether r is one of the format characters that
// isIgnorable counts as whitespace although nothing shows them.
func isInvisible(r rune) bool {
	return isIgnorable(r) && !unicode.IsSpace(r)
}

// isLineBreak reports whether r ends a line: a line feed (Alt+Enter in
// Excel), a carriage return, a vertical tab, a form feed, NEL (U+0085),
// or the line and paragraph separators U+2028 and U+2029.
func isLineBreak(r rune) bool {
	switch r {
	case '\n', '\r', '\v', '\f', '\u0085', '\u2028', '\u2029':
		return true
	}
	return false
}

// trimText trims leading and trailing whitespace and changes nothing else.
// Free text (项目名称, 进展情况, 存在问题 and the like) is stored this way.
func trimText(s string) string {
	return strings.TrimFunc(s, isSpace)
}

// normalize applies Unicode NFKC, which turns full-width digits, letters and
// punctuation into their ASCII forms, and then trims whitespace as
// isIgnorable counts it. Codes, numbers, dates and periods are read this
// way.
func normalize(s string) string {
	if isASCII(s) {
		// ASCII text is already in NFKC, and its only whitespace is
		// ASCII whitespace.
		return strings.TrimFunc(s, isASCIISpace)
	}
	return strings.TrimFunc(norm.NFKC.String(s), isIgnorable)
}

// compact is normalize with every whitespace rune removed, also inside the
// text. Header names and unit names are compared in this form, so that
// "单　　位" matches 单位.
func compact(s string) string {
	if isASCII(s) {
		return compactASCII(s)
	}
	return strings.Map(func(r rune) rune {
		if isIgnorable(r) {
			return -1
		}
		return r
	}, norm.NFKC.String(s))
}

// isASCII reports whether s contains only ASCII bytes.
func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= utf8.RuneSelf {
			return false
		}
	}
	return true
}

// isASCIISpace is isSpace for the ASCII runes: the ones below U+0080 that
// unicode.IsSpace reports.
func isASCIISpace(r rune) bool {
	switch r {
	case ' ', '\t', '\n', '\v', '\f', '\r':
		return true
	}
	return false
}

// compactASCII is compact for ASCII text, which needs no NFKC: it returns
// s without its whitespace, and s itself when it has none.
func compactASCII(s string) string {
	if !strings.ContainsFunc(s, isASCIISpace) {
		return s
	}
	return strings.Map(func(r rune) rune {
		if isASCIISpace(r) {
			return -1
		}
		return r
	}, s)
}

// forbiddenRune returns the first rune of s that no cell may contain, and
// whether there is one. Those are the C0 controls other than tab, line
// feed and carriage return, DEL, the C1 controls (NEL U+0085 included),
// and the bidirectional embeddings, overrides and isolates U+202A to
// U+202E and U+2066 to U+2069. A control hides in a name or a code, and a
// bidi override shows text in another order than it is stored, so
// 海曙区 followed by U+202E reads as another name than the one matched.
func forbiddenRune(s string) (rune, bool) {
	for _, r := range s {
		if isForbidden(r) {
			return r, true
		}
	}
	return 0, false
}

func isForbidden(r rune) bool {
	switch {
	case r < 0x20:
		return r != '\t' && r != '\n' && r != '\r'
	case r < 0x7F:
		return false
	case r <= 0x9F:
		return true
	}
	return (r >= 0x202A && r <= 0x202E) || (r >= 0x2066 && r <= 0x2069)
}

// withoutForbidden returns s without the runes that forbiddenRune finds.
// A header cell or a JSON key is read this way, after its error is
// reported, so that the column it names still maps and its rows are
// checked too.
func withoutForbidden(s string) string {
	if _, found := forbiddenRune(s); !found {
		return s
	}
	return strings.Map(func(r rune) rune {
		if isForbidden(r) {
			return -1
		}
		return r
	}, s)
}

// showForbidden returns s with each rune that forbiddenRune finds written
// as its code point in brackets, such as 海曙区[U+202E], so that an error
// message shows where it is.
func showForbidden(s string) string {
	var b strings.Builder
	for _, r := range s {
		if isForbidden(r) {
			fmt.Fprintf(&b, "[U+%04X]", r)
			continue
		}
		b.WriteRune(r)
	}
	return b.String()
}

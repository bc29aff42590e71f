package ingest

import (
	"strings"
	"unicode"

	"golang.org/x/text/unicode/norm"
)

// isSpace reports whether r counts as whitespace in a cell. Besides the
// Unicode White_Space runes (which include U+00A0 and U+3000) it treats the
// byte-order mark and the zero-width space as blanks, because spreadsheet
// exports leave them at the start of cells.
func isSpace(r rune) bool {
	return unicode.IsSpace(r) || r == '\uFEFF' || r == '\u200B'
}

// trimText trims leading and trailing whitespace and changes nothing else.
// Free text (项目名称, 进展情况, 存在问题 and the like) is stored this way.
func trimText(s string) string {
	return strings.TrimFunc(s, isSpace)
}

// normalize applies Unicode NFKC, which turns full-width digits, letters and
// punctuation into their ASCII forms, and then trims whitespace. Codes,
// numbers, dates and periods are read this way.
func normalize(s string) string {
	return trimText(norm.NFKC.String(s))
}

// compact is normalize with every whitespace rune removed, also inside the
// text. Header names and unit names are compared in this form, so that
// "单　　位" matches 单位.
func compact(s string) string {
	return strings.Map(func(r rune) rune {
		if isSpace(r) {
			return -1
		}
		return r
	}, norm.NFKC.String(s))
}

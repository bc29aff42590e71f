package ingest

import (
	"slices"
	"strconv"
	"strings"

	"saima"
)

// Severity classifies an issue as rejecting the file or not.
type Severity int

// Severities. The zero value is SeverityError, so an unclassified issue
// blocks the upload rather than slipping through.
const (
	SeverityError   Severity = iota // the whole file is rejected
	SeverityWarning                 // shown to the uploader; the file is still imported
)

// String returns 错误 or 警告.
func (s Severity) String() string {
	if s == SeverityWarning {
		return "警告"
	}
	return "错误"
}

// MarshalText encodes s as "error" or "warning" for JSON replies.
func (s Severity) MarshalText() ([]byte, error) {
	if s == SeverityWarning {
		return []byte("warning"), nil
	}
	return []byte("error"), nil
}

// Issue is one problem found in an uploaded file: where it is, the value as
// written, why it is wrong and what to do. Reason and Fix are Chinese and
// written so that [Issue.String] reads as one sentence.
type Issue struct {
	File  string
	Sheet string // worksheet name, for xlsx files only

	// Row is the row number as a spreadsheet shows it. The header is row 1,
	// or the row it was found on below title rows. CSV rows count records,
	// so a quoted cell with a line break does not shift later rows. Row 0
	// means the whole file.
	Row int

	// Column is the header name after normalisation, such as 完成率, or
	// 本期进度/完成率 under a two-row header. Empty means the whole row.
	Column string

	Value    string // the cell as written; for a whole-row issue, the text it concerns
	Reason   string // the reason the value is wrong, such as 超出0–100%范围
	Fix      string // what to do, such as 请改为0–100之间的数后重新上传
	Severity Severity

	// OwnSubject marks a Reason that names its own subject, such as
	// 项目T-X2的退出须由改革委或深改委决定, rather than continuing the place.
	// String puts a colon before such a Reason.
	OwnSubject bool
}

// maxShownValue is how many runes of a value String shows before cutting it
// short, so that a 500-character cell does not swamp the message.
const maxShownValue = 40

// String formats i as one Chinese sentence, for example
// 12b.csv 第4行“完成率”列的值“135%”超出0–100%范围，请改为0–100之间的数后重新上传.
// A whole-row issue leaves out the column, because its Reason names the text.
func (i Issue) String() string {
	var b strings.Builder
	if i.File != "" {
		b.WriteString(i.File + " ")
	}
	if i.Sheet != "" {
		b.WriteString("工作表“" + i.Sheet + "”")
	}
	if i.Row > 0 {
		b.WriteString("第" + strconv.Itoa(i.Row) + "行")
	}
	if i.Column != "" {
		b.WriteString("“" + i.Column + "”列")
		if i.Value != "" {
			b.WriteString("的值“" + shortValue(i.Value) + "”")
		}
	}
	if i.OwnSubject && b.Len() > 0 {
		b.WriteString("：")
	}
	b.WriteString(i.Reason)
	if i.Fix != "" {
		b.WriteString("，" + i.Fix)
	}
	return b.String()
}

// FormString formats i for a web form rather than a file, such as
// “轮次”栏的值“1”：…，请在“轮次”栏填写2或留空. It leaves out the file and
// row, calls each column a field (栏) and writes 重新保存 (save again)
// where String writes 重新上传 (upload again). The rewording relies on issue texts that
// name a column as “名称”列, which every check in this package does.
func (i Issue) FormString() string {
	form := i
	form.File, form.Sheet, form.Row, form.Column = "", "", 0, ""
	form.Reason, form.Fix = formWording.Replace(i.Reason), formWording.Replace(i.Fix)
	var b strings.Builder
	if i.Column != "" {
		b.WriteString("“" + i.Column + "”栏")
		if i.Value != "" {
			b.WriteString("的值“" + shortValue(i.Value) + "”")
		}
		if i.OwnSubject {
			b.WriteString("：")
		}
	}
	b.WriteString(form.String())
	return b.String()
}

// formWording rewords an issue's text about a file for a form.
var formWording = strings.NewReplacer("”列", "”栏", "重新上传", "重新保存", "这一格", "这一栏")

// shortValue cuts v to maxShownValue runes and shows line breaks as ⏎.
func shortValue(v string) string {
	if strings.ContainsFunc(v, isLineBreak) {
		v = lineBreakMarker.Replace(v)
	}
	if r := []rune(v); len(r) > maxShownValue {
		return string(r[:maxShownValue]) + "…"
	}
	return v
}

// lineBreakMarker shows each line break of a value as ⏎, and a CRLF as
// one ⏎. Shown as a space, the line break of NB-2026⏎-034 would read as
// NB-2026 -034, and the message would not say what to delete.
var lineBreakMarker = strings.NewReplacer("\r\n", "⏎", "\n", "⏎", "\r", "⏎", "\v", "⏎", "\f", "⏎",
	"\u0085", "⏎", "\u2028", "⏎", "\u2029", "⏎")

// The maximum number of runes of an issue's text that the audit log
// keeps. A page shows maxShownValue runes of a value, so the stored value
// keeps more than that, and the limits still bound a row of the log when a
// cell contains a whole document.
const (
	maxRecordedValue = 200
	maxRecordedText  = 1000
)

// recordedIssues returns issues, the errors or the warnings of an upload,
// as its audit record keeps them, with long texts cut short.
func recordedIssues(issues []Issue) []saima.UploadError {
	if len(issues) == 0 {
		return nil
	}
	out := make([]saima.UploadError, len(issues))
	for i, is := range issues {
		out[i] = saima.UploadError{Sheet: cutRunes(is.Sheet, maxRecordedText), Row: is.Row,
			Column: cutRunes(is.Column, maxRecordedText), Value: cutRunes(is.Value, maxRecordedValue),
			Reason: cutRunes(is.Reason, maxRecordedText), Fix: cutRunes(is.Fix, maxRecordedText),
			OwnSubject: is.OwnSubject}
	}
	return out
}

// RecordedIssue returns the issue that e represents: an error or a
// warning of an upload of file, as the audit log keeps it.
func RecordedIssue(file string, e saima.UploadError) Issue {
	return Issue{File: file, Sheet: e.Sheet, Row: e.Row, Column: e.Column, Value: e.Value,
		Reason: e.Reason, Fix: e.Fix, OwnSubject: e.OwnSubject}
}

// cutRunes returns s cut to at most n runes, ending in … when cut.
func cutRunes(s string, n int) string {
	if r := []rune(s); len(r) > n {
		return string(r[:n-1]) + "…"
	}
	return s
}

// issueList collects errors and warnings up to a limit for each and counts
// the ones beyond it.
type issueList struct {
	limit           int
	errors          []Issue
	warnings        []Issue
	errorsOmitted   int
	warningsOmitted int
}

func (l *issueList) add(i Issue) {
	switch {
	case i.Severity == SeverityWarning && len(l.warnings) < l.limit:
		l.warnings = append(l.warnings, i)
	case i.Severity == SeverityWarning:
		l.warningsOmitted++
	case len(l.errors) < l.limit:
		l.errors = append(l.errors, i)
	default:
		l.errorsOmitted++
	}
}

// errorCount returns how many errors were found, listed or not.
func (l *issueList) errorCount() int { return len(l.errors) + l.errorsOmitted }

// sort orders both lists by row, keeping the order of issues within a row.
func (l *issueList) sort() {
	byRow := func(a, b Issue) int { return a.Row - b.Row }
	slices.SortStableFunc(l.errors, byRow)
	slices.SortStableFunc(l.warnings, byRow)
}

// ForbiddenIssue returns the error of the form field named field when its
// value contains a character that no upload accepts either. Those are the
// C0 controls other than tab, CR and LF, DEL, the C1 controls, and the
// bidirectional embeddings, overrides and isolates (U+202A to U+202E,
// U+2066 to U+2069). The error names the character's code point. The bool is false, and the
// Issue zero, when value has no such character.
func ForbiddenIssue(field, value string) (Issue, bool) {
	r, found := forbiddenRune(value)
	if !found {
		return Issue{}, false
	}
	prob := forbiddenProblem(r)
	return Issue{Column: field, Value: showForbidden(value), Reason: prob.reason, Fix: prob.fix}, true
}

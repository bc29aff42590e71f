package ingest

import (
	"fmt"
	"regexp"
	"strings"
	"unicode/utf8"

	"github.com/shopspring/decimal"

	"saima"
)

// rowReader reads the cells of one data row by column name. Each getter
// normalises the cell for its kind. For a bad value it records an error,
// sets failed and returns the zero value.
type rowReader struct {
	p      *parser
	row    int
	cells  []string // per column of the schema, in its order: the cell as written, or ""
	bad    []bool   // per column of the schema: whether the row has an error on it
	failed bool

	// otherUnit is set when the row names another unit than the
	// account's (see ownUnit). The fix is to delete the row, so the
	// checks of its other cells against the ledger are skipped.
	otherUnit bool
}

// newRow returns the reader of rec. It reuses one reader per parser, so
// the reader is valid until the next call; builders keep only the cells'
// strings.
func (p *parser) newRow(rec record, h *header) *rowReader {
	r := &p.rowBuf
	cells, bad := r.cells, r.bad
	if n := len(p.schema.columns); cap(cells) < n {
		cells, bad = make([]string, n), make([]bool, n)
	} else {
		cells, bad = cells[:n], bad[:n]
		clear(cells)
		clear(bad)
	}
	*r = rowReader{p: p, row: rec.row, cells: cells, bad: bad}
	for i, c := range h.columns {
		if c == nil || i >= len(rec.cells) {
			continue
		}
		cell := rec.cells[i]
		if c.kind != kindText && c.kind != kindIgnored {
			cell = withoutTextMark(cell)
		}
		r.cells[p.schema.index(c.name)] = cell
	}
	return r
}

// withoutTextMark returns cell without the apostrophe that marks it as
// text, as in 'NB-2026-017 or '85%, and without the formula around a text
// constant, as in ="NB-2026-017". Export systems write either so that a
// spreadsheet keeps a code or a date as typed. No code, number, date,
// period or unit name starts with one, so the cell means the value inside.
// A lone apostrophe is left as it is.
func withoutTextMark(cell string) string {
	if !strings.ContainsAny(cell, "'＇=") {
		return cell
	}
	s := strings.TrimLeftFunc(cell, isSpace)
	if rest, ok := strings.CutPrefix(s, "=\""); ok {
		inner, ok := strings.CutSuffix(strings.TrimRightFunc(rest, isSpace), "\"")
		if ok && !strings.Contains(inner, "\"") {
			return inner
		}
	}
	for _, mark := range []string{"'", "＇"} {
		if rest, ok := strings.CutPrefix(s, mark); ok && strings.TrimFunc(rest, isSpace) != "" {
			return rest
		}
	}
	return cell
}

// newObjectRow returns a reader with every cell empty, for rows that are
// filled by column, as JSON objects are.
func (p *parser) newObjectRow(row int) *rowReader {
	n := len(p.schema.columns)
	return &rowReader{p: p, row: row, cells: make([]string, n), bad: make([]bool, n)}
}

// cell returns the cell of column col as written, or "" when the file has
// no such column.
func (r *rowReader) cell(col string) string {
	if i := r.p.schema.index(col); i >= 0 {
		return r.cells[i]
	}
	return ""
}

// setCell sets the cell of column col, which the schema has.
func (r *rowReader) setCell(col, v string) { r.cells[r.p.schema.index(col)] = v }

// fail records an error about the value v of column col, or about the
// whole row when col is "".
func (r *rowReader) fail(col, v string, prob *problem) {
	r.markBad(col)
	r.p.issue(Issue{Row: r.row, Column: r.p.columnName(col), Value: trimText(v),
		Reason: prob.reason, Fix: prob.fix})
}

// markBad records that the row has an error on column col.
func (r *rowReader) markBad(col string) {
	r.failed = true
	if i := r.p.schema.index(col); i >= 0 {
		r.bad[i] = true
	}
}

// good reports whether the row has no error on any of cols. A check that
// compares these cells with other rows or with the ledger runs when they
// are good, whatever errors the row's other cells have, so that one reply
// lists every error of the row.
func (r *rowReader) good(cols ...string) bool {
	for _, col := range cols {
		if i := r.p.schema.index(col); i >= 0 && r.bad[i] {
			return false
		}
	}
	return true
}

// warn records a warning about the value v of column col, or about the
// whole row when col is "".
func (r *rowReader) warn(col, v, reason, fix string) {
	r.p.issue(Issue{Row: r.row, Column: r.p.columnName(col), Value: trimText(v), Reason: reason, Fix: fix,
		Severity: SeverityWarning})
}

// columnName returns the header of column col as issues show it, or col
// itself when the file has no such column.
func (p *parser) columnName(col string) string {
	if col == "" {
		return ""
	}
	if d, ok := p.display[col]; ok {
		return d
	}
	return col
}

// missing records that the required column col is empty, unless the
// column has an error already: a JSON object without its key, or with a
// value that no column takes, reads as an empty cell.
func (r *rowReader) missing(col string) {
	if !r.good(col) {
		return
	}
	r.fail(col, "", &problem{reason: "为空，此列必须填写", fix: "请填写" + col + "后重新上传"})
}

// isBlank reports whether raw reads as missing, as blank does, without
// recording an issue.
func isBlank(raw string) bool {
	s := normalize(raw)
	return s == "" || isPlaceholder(s)
}

// blank returns raw normalized and whether it reads as missing: empty, or
// a placeholder such as "/". A missing cell of a required column is an
// error. A placeholder in an optional column gets a warning, because it
// may also hide a forgotten value.
func (r *rowReader) blank(col, raw string, required bool) (string, bool) {
	s := normalize(raw)
	switch {
	case s == "":
		if required {
			r.missing(col)
		}
		return s, true
	case !isPlaceholder(s):
		return s, false
	case required:
		r.fail(col, raw, &problem{reason: "表示未填写，此列必须填写", fix: "请填写" + col + "后重新上传"})
	default:
		r.warn(col, raw, "表示未填写，按空白处理", "如果已有"+col+"，请填写；没有请留空")
	}
	return s, true
}

// text returns a free-text cell trimmed and otherwise exactly as written.
func (r *rowReader) text(col string) string {
	return r.limitText(col, trimText(r.cell(col)))
}

// limitText returns the text s of column col, or "" with an error when s
// has more characters than Options.MaxTextChars allows.
func (r *rowReader) limitText(col, s string) string {
	limit := r.p.maxText
	if limit <= 0 || len(s) <= limit {
		// A string has at least as many bytes as characters.
		return s
	}
	n := utf8.RuneCountInString(s)
	if n <= limit {
		return s
	}
	r.fail(col, shortValue(s), &problem{
		reason: fmt.Sprintf("共%d个字符，超过每格%d个字符的上限", n, limit),
		fix:    fmt.Sprintf("请精简到%d个字符以内后重新上传", limit),
	})
	return ""
}

// requiredText is text for a column that must be filled in, such as 成果.
// A placeholder such as "/" is an error there, as a blank is.
func (r *rowReader) requiredText(col string) string { return r.filled(col, true) }

// filled returns a cell trimmed and otherwise as written, or "" when it is
// blank or a placeholder such as "/", which is an error if required.
func (r *rowReader) filled(col string, required bool) string {
	raw := r.cell(col)
	if _, missing := r.blank(col, raw, required); missing {
		return ""
	}
	return r.limitText(col, trimText(raw))
}

// name returns a name cell, such as a unit's own name in the roster, its
// 赛道 or a 项目名称, read as filled reads it. A line break inside a name
// is an error, because the name would then match no other spelling of it.
func (r *rowReader) name(col string, required bool) string {
	s := r.filled(col, required)
	if !strings.ContainsFunc(s, isLineBreak) {
		return s
	}
	r.fail(col, s, &problem{
		reason: "名称中含有换行",
		fix:    "请删除单元格中的换行（在Excel中是按Alt+Enter输入的）后重新上传",
	})
	return ""
}

// code returns an identifier cell after NFKC and trimming, with dashes
// folded to '-' and Latin letters in upper case, so that
// ｎｂ－２０２６－０１７ reads as NB-2026-017.
func (r *rowReader) code(col string, required bool) string {
	s, missing := r.blank(col, r.cell(col), required)
	if missing {
		return ""
	}
	if scientificCodeRE.MatchString(s) {
		r.fail(col, r.cell(col), &problem{
			reason: "是科学计数法显示的数字：编号以数字保存时，表格只保留前15位有效数字，显示和另存为CSV时只有前几位，完整的编号已经丢失",
			fix:    "请在原表格中把这一列的单元格设为文本格式，再重新输入完整的编号，然后重新上传",
		})
		return ""
	}
	if prob := innerSpace(s, r.cell(col)); prob != nil {
		r.fail(col, r.cell(col), prob)
		return ""
	}
	return upperASCII(foldDashes(s))
}

// innerSpace returns the error for a code that contains whitespace
// inside, or nil. NB-2026⏎-034 or NB 2026 034 stored as written would be another
// record key than NB-2026-034, so a report on it would add a record
// instead of replacing one. 考评方式 is read as a code for this reason too.
// An invisible character is named as the cell raw holds it, before NFKC,
// which turns the Hangul filler U+3164 into U+1160.
func innerSpace(s, raw string) *problem {
	switch {
	case strings.ContainsFunc(s, isLineBreak):
		return problemLineBreak
	case strings.ContainsFunc(s, isInvisible):
		if raw = trimText(raw); !strings.ContainsFunc(raw, isInvisible) {
			raw = s
		}
		r, _ := utf8.DecodeRuneInString(raw[strings.IndexFunc(raw, isInvisible):])
		return &problem{
			reason: fmt.Sprintf("中含有看不见的字符U+%04X（常见于从网页或Word复制的文字），与去掉它后的同一个值对不上", r),
			fix:    "请清空这一格，重新输入后上传",
		}
	case strings.ContainsFunc(s, isSpace):
		return &problem{
			reason: "中含有空格，与去掉空格后的同一个值对不上",
			fix:    "请删除其中的空格后重新上传",
		}
	}
	return nil
}

// problemLineBreak is the error of a line break inside a code.
var problemLineBreak = &problem{
	reason: "中含有换行，与去掉换行后的同一个值对不上",
	fix:    "请删除其中的换行（在Excel中是按Alt+Enter输入的）后重新上传",
}

// scientificCodeRE matches a number as a spreadsheet shows a long one in
// a General cell, such as 1.23E+17 or 1.23457E+17.
var scientificCodeRE = regexp.MustCompile(`^\d(?:\.\d+)?[Ee]\+\d{2,3}$`)

// unit returns the roster spelling of a unit-name cell. An unknown name is
// an error that suggests the closest roster name.
func (r *rowReader) unit(col string, required bool) string {
	raw := r.cell(col)
	if name, ok := r.p.units[raw]; ok {
		return name
	}
	if _, missing := r.blank(col, raw, required); missing {
		return ""
	}
	if name, ok := r.p.resolveUnit(raw); ok {
		return name
	}
	prob := &problem{reason: "不在单位名单中", fix: "请改为单位名单中的单位名称后重新上传"}
	if r.p.roster.empty() {
		prob = &problem{reason: "无法核对，因为系统中还没有单位名单", fix: "请先由改革办上传单位名单，再上传本文件"}
	} else if near := r.p.roster.closest(raw); near != "" {
		prob.reason = "不在单位名单中（最接近的是“" + near + "”）"
	}
	r.fail(col, raw, prob)
	return ""
}

// maxCachedUnits bounds how many distinct unit cells a parser remembers
// the roster spelling of. A file names a few dozen units, each spelled a
// few ways.
const maxCachedUnits = 1024

// resolveUnit is roster.resolve, remembering the names it resolved in
// p.units, since NFKC makes it the costliest check of a row and a file
// repeats the same few unit names on every row. A cell in p.units is
// never blank, because no blank name resolves.
func (p *parser) resolveUnit(raw string) (string, bool) {
	if name, ok := p.units[raw]; ok {
		return name, true
	}
	name, ok := p.roster.resolve(raw)
	if !ok {
		return "", false
	}
	if p.units == nil {
		p.units = map[string]string{}
	}
	if len(p.units) < maxCachedUnits {
		// A clone, so that the map does not keep the whole row alive.
		p.units[strings.Clone(raw)] = name
	}
	return name, true
}

// date returns a date cell, or nil when it is empty. When done is set the
// date records something that already happened, so a date after the
// upload day is an error.
func (r *rowReader) date(col string, required, done bool) *saima.Date {
	raw := r.cell(col)
	s, missing := r.blank(col, raw, required)
	if missing {
		return nil
	}
	d, prob := parseDate(s)
	if prob != nil {
		r.fail(col, raw, prob)
		return nil
	}
	if done && d.After(r.p.today) {
		fix := pastDates[r.p.schema.dataset][col]
		if fix == "" {
			fix = "请填写已经发生的日期"
		}
		reason := "晚于上传当天（" + r.p.today.String() + "），实际发生的日期不能在将来"
		if shortYear(s) {
			// 99年9月30日 reads as 2099-09-30. Without saying so, the
			// error would leave a clerk who meant 1999 puzzled.
			reason = fmt.Sprintf("的年份只有两位，按%d年读作%s，%s", d.Year, d, reason)
			fix = "请写出四位年份，并" + strings.TrimPrefix(fix, "请")
		}
		r.fail(col, raw, &problem{reason: reason, fix: fix})
		return nil
	}
	if d.Year > r.p.today.Year+10 && shortYear(s) {
		// A plan may lie in the future, but 99年 for a due date more
		// likely means a typo than 2099.
		r.warn(col, raw, fmt.Sprintf("的年份只有两位，按%d年读作%s，比上传当天（%s）晚十年以上", d.Year, d, r.p.today),
			"如果不是这一年，请写出四位年份后重新上传")
	}
	return &d
}

// pastDates are the date columns that record something already done, by
// dataset, each with the fix for a date after the upload day. The fix
// names what the column records, because a report date is never "not
// done yet" the way a milestone is. The template's comments name the
// same columns.
var pastDates = map[string]map[string]string{
	saima.DatasetStages:     {"日期": "请填写该阶段实际发生的日期；尚未发生的阶段请在发生后再上传"},
	saima.DatasetMilestones: {"实际完成日期": "请填写里程碑实际完成的日期；尚未完成的请留空"},
	saima.DatasetProgress:   {"填报日期": "请填写实际填报进度的日期，即今天或之前的某一天"},
	saima.DatasetProblems: {
		"发现日期": "请填写实际发现问题的日期",
		"办结日期": "请填写问题实际办结的日期；尚未办结的请留空",
	},
	saima.DatasetLists:         {"下达日期": "请填写清单实际下达的日期；尚未下达的事项请在下达后再上传"},
	saima.DatasetListDone:      {"完成日期": "请填写事项实际完成的日期；尚未完成的事项请在完成后再标注"},
	saima.DatasetProblemSteps:  {"日期": "请填写该环节实际办理的日期；尚未办理的环节请在办理后再上传"},
	saima.DatasetLeaderReports: {"报送日期": "请填写半年报告实际报送的日期，即今天或之前的某一天"},
}

// period returns a required period cell. A period outside the ledger's
// years is a typo, as a date outside them is. A period that begins after
// the upload day cannot have a report or a score yet, and stored anyway it
// would count as a project's latest progress until that period comes.
func (r *rowReader) period(col string) saima.Period {
	raw := r.cell(col)
	if _, missing := r.blank(col, raw, true); missing {
		return saima.Period{}
	}
	p, prob := parsePeriod(raw)
	switch {
	case prob != nil:
		r.fail(col, raw, prob)
	case !p.Start().InLedgerRange() || !p.End().InLedgerRange():
		r.fail(col, raw, problemPeriodOutOfRange)
		return saima.Period{}
	case p.Start().After(r.p.today):
		label := "（" + p.Label() + "）"
		if compact(raw) == p.Label() {
			label = ""
		}
		r.fail(col, raw, &problem{
			reason: fmt.Sprintf("%s在上传当天（%s）还没有开始", label, r.p.today),
			fix:    futurePeriods[col],
		})
		return saima.Period{}
	}
	return p
}

// futurePeriods are the fixes for a period that begins after the upload
// day, by column.
var futurePeriods = map[string]string{
	"填报期间": "请核对填报期间；进度在该期间开始后填报",
	"考评期间": "请核对考评期间；考评得分在该期间开始后上传",
}

// number returns a decimal cell; it is missing when the cell is empty.
func (r *rowReader) number(col string, required bool) decimal.NullDecimal {
	raw := r.cell(col)
	s, missing := r.blank(col, raw, required)
	if missing {
		return decimal.NullDecimal{}
	}
	d, ok := parseDecimal(raw)
	if !ok && strings.HasSuffix(s, "%") {
		r.fail(col, raw, problemPercentInNumber)
		return decimal.NullDecimal{}
	}
	if !ok {
		prob := scientificProblem(raw)
		if prob == nil {
			prob = problemNotNumber
		}
		r.fail(col, raw, prob)
		return decimal.NullDecimal{}
	}
	if prob := checkStored(d); prob != nil {
		r.fail(col, raw, prob)
		return decimal.NullDecimal{}
	}
	return decimal.NewNullDecimal(d)
}

// percent reads a cell of a percent column; see readPercent.
func (r *rowReader) percent(col string) percentCell {
	raw := r.cell(col)
	c, prob := readPercent(raw)
	if prob != nil {
		r.fail(col, raw, prob)
	}
	return c
}

// choice returns the option of choices that the cell names, compared in
// compact form, or "" when it is empty.
func (r *rowReader) choice(col string, choices []string, required bool) string {
	raw := r.cell(col)
	if _, missing := r.blank(col, raw, required); missing {
		return ""
	}
	v, ok := choose(raw, choices)
	if !ok {
		r.fail(col, raw, &problem{reason: "不是可选的值", fix: "请填写以下之一：" + strings.Join(choices, "、")})
	}
	return v
}

// choose returns the option of choices that v names, compared in compact
// form, so that 区县(市) names 区县（市）. An official long name, such as
// 数字政府系统, names its option when that option is one of choices.
func choose(v string, choices []string) (string, bool) {
	k := compact(v)
	if short, ok := choiceAliases[k]; ok {
		k = short
	}
	for _, c := range choices {
		if compact(c) == k {
			return c, true
		}
	}
	return "", false
}

// choiceAliases holds saima.SystemAliases by the compact form of each
// official name.
var choiceAliases = func() map[string]string {
	m := make(map[string]string, len(saima.SystemAliases))
	for long, short := range saima.SystemAliases {
		m[compact(long)] = compact(short)
	}
	return m
}()

// boolean returns an optional yes/no cell; empty is no, and so is a
// placeholder such as "/", with a warning.
func (r *rowReader) boolean(col string) bool {
	raw := r.cell(col)
	if _, missing := r.blank(col, raw, false); missing {
		return false
	}
	v, ok := parseBool(raw)
	if !ok {
		r.fail(col, raw, &problem{reason: "不是“是”或“否”", fix: "请填写“是”或“否”"})
	}
	return v
}

// list splits a cell of names separated by 、 , ; or their full-width
// forms, or by line breaks, keeping each name as written apart from
// trimming. A cell that is only a placeholder such as "/" has no names,
// and a filler such as 无 or 不涉及 is no name.
// A clerk who types each alias on a line of its own with Alt+Enter means
// a list, and a line break left inside one name would make it match no
// spelling of the unit.
func (r *rowReader) list(col string) []string {
	raw := r.cell(col)
	if _, missing := r.blank(col, raw, false); missing {
		return nil
	}
	parts := strings.FieldsFunc(raw, func(c rune) bool {
		return strings.ContainsRune("、,;，；", c) || isLineBreak(c)
	})
	var out []string
	for _, s := range parts {
		if s = trimText(s); s != "" && !unwritten(s) {
			out = append(out, s)
		}
	}
	return out
}

// rejectForbidden records an error on every cell of the row that
// contains a rune that forbiddenRune finds, and clears the cell, so that
// the getters read it as empty and report nothing more about it.
func (r *rowReader) rejectForbidden() {
	for i, cell := range r.cells {
		bad, found := forbiddenRune(cell)
		if !found {
			continue
		}
		col := &r.p.schema.columns[i]
		if col.kind == kindIgnored {
			continue
		}
		r.fail(col.name, showForbidden(cell), forbiddenProblem(bad))
		r.cells[i] = ""
	}
}

// forbiddenKind names the kind of the rune bad, which forbiddenRune found.
func forbiddenKind(bad rune) string {
	if bad >= 0x202A {
		return "改变文字显示方向的字符"
	}
	return "控制字符"
}

// forbiddenProblem returns the error of a value that contains the rune
// bad, which forbiddenRune found.
func forbiddenProblem(bad rune) *problem {
	return &problem{
		reason: fmt.Sprintf("中含有看不见的%sU+%04X（在上面的值中写作[U+%04X]，常见于从其他系统或网页复制的文字），"+
			"它会让显示的文字与保存的不同", forbiddenKind(bad), bad, bad),
		fix: "请删除这个字符（看不到时可清空这一格后重新输入）后重新上传",
	}
}

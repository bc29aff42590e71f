package ingest

import (
	"fmt"
	"strings"
	"unicode"
)

// headerSearchRows is how many rows at the top of a sheet may hold titles
// (such as 2026年第三季度进度填报表) above the header.
const headerSearchRows = 10

// header is the resolved header of a file.
type header struct {
	first   int       // row of the header, or of its upper row when it has two
	last    int       // row of the header, or of its lower row
	names   []string  // per column, as issues show it; "" when unnamed
	columns []*column // per column; nil when unnamed, unknown or ignored
	width   int       // number of columns up to the last named one
}

// headerCandidate is one reading of the top rows as a header: a single row,
// or two rows where the upper one groups the lower (本期进度 over 完成率 and
// 填报日期).
type headerCandidate struct {
	index int      // index in the buffered records of the (upper) header row
	rows  int      // 1 or 2
	names []string // per column, as issues show it: 完成率 or 本期进度/完成率
	keys  []string // per column, the name matched against the schema
}

func oneRowCandidate(i int, cells []string) headerCandidate {
	c := headerCandidate{index: i, rows: 1}
	for _, cell := range cells {
		c.names, c.keys = append(c.names, headerName(cell)), append(c.keys, headerKey(cell))
	}
	return c
}

func twoRowCandidate(i int, upper, lower []string) headerCandidate {
	c := headerCandidate{index: i, rows: 2}
	for j := range max(len(upper), len(lower)) {
		u, l := at(upper, j), at(lower, j)
		uk, lk := headerKey(u), headerKey(l)
		switch {
		case uk != "" && lk != "" && uk != lk:
			c.names, c.keys = append(c.names, headerName(u)+"/"+headerName(l)), append(c.keys, lk)
		case lk != "":
			c.names, c.keys = append(c.names, headerName(l)), append(c.keys, lk)
		default:
			c.names, c.keys = append(c.names, headerName(u)), append(c.keys, uk)
		}
	}
	return c
}

// headerName is a header as issues show it: as written, without
// whitespace, the runes that forbiddenRune finds, or the * before or
// after it that marks a required column.
func headerName(cell string) string {
	name := strings.Map(func(r rune) rune {
		if isIgnorable(r) || isForbidden(r) {
			return -1
		}
		return r
	}, cell)
	return strings.Trim(name, "*＊")
}

func at(s []string, i int) string {
	if i < len(s) {
		return s[i]
	}
	return ""
}

// match counts the distinct columns of s that c names: all of them, and
// the required ones.
func (c headerCandidate) match(s *schema) (required, total int) {
	seen := map[*column]bool{}
	for _, k := range c.keys {
		col := s.column(k)
		if col == nil || col.kind == kindIgnored || seen[col] {
			continue
		}
		seen[col] = true
		total++
		if col.required {
			required++
		}
	}
	return required, total
}

// score rates c against s, or against the best-fitting schema when s is
// nil. More required columns win, then more columns in all.
func (c headerCandidate) score(s *schema) int {
	best := 0
	for _, t := range schemas {
		if s != nil && t != s {
			continue
		}
		req, total := c.match(t)
		best = max(best, req*1000+total)
	}
	return best
}

// chooseHeader returns the reading of the top rows that best fits s (any
// schema when s is nil), preferring the earlier row and then a single row.
// A row is read as the upper half of a two-row header only when it names
// a known column itself, so that a title above the header never joins it.
// Merged cells have been filled in by then, so a cell merged over both
// rows has the same name in each. When no row names any known column, the
// first non-blank row is the header, so that its issues point at it.
func chooseHeader(recs []record, s *schema) (headerCandidate, bool) {
	var best headerCandidate
	bestScore := 0
	for i := 0; i < len(recs) && i < headerSearchRows; i++ {
		single := oneRowCandidate(i, recs[i].cells)
		sc := single.score(s)
		if sc > bestScore {
			best, bestScore = single, sc
		}
		if sc == 0 || i+1 >= len(recs) {
			continue
		}
		two := twoRowCandidate(i, recs[i].cells, recs[i+1].cells)
		if sc := two.score(s); sc > bestScore {
			best, bestScore = two, sc
		}
	}
	if bestScore > 0 {
		return best, true
	}
	for i, r := range recs {
		if !blank(r.cells) {
			return oneRowCandidate(i, r.cells), true
		}
	}
	return headerCandidate{}, false
}

// detectSchema returns the dataset whose required columns c names. When
// several fit, the one that names the most columns wins; a tie is
// ambiguous. When none fits, the dataset with the most required columns
// named (at least two) is taken, so that the missing ones are reported
// by name. The problem is set when no dataset can be chosen.
func detectSchema(c headerCandidate) (*schema, *problem) {
	var full, partial []*schema
	bestFull, bestPartial := -1, 0
	for _, s := range schemas {
		req, total := c.match(s)
		switch {
		case req == len(s.required()):
			if total > bestFull {
				full, bestFull = []*schema{s}, total
			} else if total == bestFull {
				full = append(full, s)
			}
		case req >= 2 && req*1000+total > bestPartial:
			partial, bestPartial = []*schema{s}, req*1000+total
		case req >= 2 && req*1000+total == bestPartial:
			partial = append(partial, s)
		}
	}
	switch {
	case len(full) == 1:
		return full[0], nil
	case len(full) > 1:
		return nil, ambiguousHeader(full)
	case len(partial) == 1:
		return partial[0], nil
	}
	return nil, &problem{
		reason: fmt.Sprintf("的表头无法识别为任何一种数据（表头中的列为：%s）", listNames(c.names)),
		fix:    "请使用系统提供的模板，或在上传时选择数据类型",
	}
}

func ambiguousHeader(fits []*schema) *problem {
	titles := make([]string, len(fits))
	for i, s := range fits {
		titles[i] = "“" + s.title + "”"
	}
	return &problem{
		reason: "的表头同时符合" + strings.Join(titles, "和") + "的格式",
		fix:    "请在上传时选择数据类型",
	}
}

// listNames joins the non-empty names with 、, or returns （空） when none.
func listNames(names []string) string {
	// A file misread as one endless line, such as UTF-16LE read as
	// UTF-16BE, would otherwise put the whole file in the message.
	const maxNames, maxRunes = 12, 20
	var out []string
	for _, n := range names {
		// A file read in the wrong encoding, such as UTF-16 read as
		// GBK, has NUL and other control bytes in its header, which a
		// message must not carry.
		n = strings.Map(func(r rune) rune {
			if unicode.IsControl(r) {
				return -1
			}
			return r
		}, n)
		if r := []rune(n); len(r) > maxRunes {
			n = string(r[:maxRunes]) + "…"
		}
		if n != "" {
			out = append(out, n)
		}
	}
	if len(out) == 0 {
		return "（空）"
	}
	if len(out) > maxNames {
		return strings.Join(out[:maxNames], "、") + fmt.Sprintf("等共%d列", len(out))
	}
	return strings.Join(out, "、")
}

// mapHeader maps the columns of c to the columns of s and reports unknown,
// duplicate and missing columns. first and last are the header's rows.
// The header is usable when no errors were reported.
func (p *parser) mapHeader(c headerCandidate, s *schema, first, last int) (*header, bool) {
	h := &header{first: first, last: last, names: c.names, columns: make([]*column, len(c.keys))}
	seen := map[*column]bool{}
	joined := map[*column]bool{} // columns named inside another header cell
	ok := true
	var exported []string
	for i, k := range c.keys {
		if k == "" {
			continue
		}
		h.width = i + 1
		col := s.column(k)
		switch {
		case col == nil && s.isExported(k):
			exported = append(exported, "“"+c.names[i]+"”")
		case col == nil && len(joinedColumns(k, s)) > 1:
			// A header such as 单位，项目编号 holds two known columns that a
			// full-width comma joined into one cell.
			ok = false
			parts := joinedColumns(k, s)
			for _, col := range parts {
				joined[col] = true
			}
			p.issue(Issue{Row: first, Column: c.names[i],
				Reason: fmt.Sprintf("一格中写了%s这 %d 列的列名，列名之间用的是中文逗号“，”或顿号“、”，这几列因此都没有读到",
					quoteColumns(parts), len(parts)),
				Fix: "请把列名之间的中文逗号改为英文逗号“,”（CSV 文件），或把它们分到各自的单元格（xlsx 文件）后重新上传"})
		case col == nil:
			p.issue(Issue{Row: first, Column: c.names[i], Severity: SeverityWarning,
				Reason: "不是" + s.title + "模板中的列，此列的内容没有导入",
				Fix:    "如果这列需要导入，请使用最新模板中的列名"})
		case col.kind == kindIgnored:
		case seen[col]:
			ok = false
			p.issue(Issue{Row: first, Column: c.names[i],
				Reason: "与前面的另一列都表示“" + col.name + "”，同一列出现了两次",
				Fix:    "请删除或改名其中一列后重新上传"})
		default:
			seen[col] = true
			h.columns[i] = col
			p.display[col.name] = c.names[i]
		}
	}

	if len(exported) > 0 {
		p.issue(Issue{Row: first, Severity: SeverityWarning, OwnSubject: true,
			Reason: fmt.Sprintf("%s这 %d 列是 saima 导出%s时由项目阶段、里程碑和进度填报算出的列，上传时跳过，不影响其他列的导入",
				strings.Join(exported, ""), len(exported), s.title),
			Fix: "这些数值请通过上传项目阶段、里程碑或进度填报来更新"})
	}
	p.missing = s.missing(func(c *column) bool { return seen[c] })
	for i := range s.columns {
		if col := &s.columns[i]; col.required && !seen[col] && !joined[col] {
			ok = false
			p.issue(Issue{Row: first, Column: col.name,
				Reason: fmt.Sprintf("在表头中不存在（表头中的列为：%s）", listNames(c.names)),
				Fix:    "请使用最新模板，补上“" + col.name + "”列后重新上传"})
		}
	}
	return h, ok
}

// joinedColumns returns the columns of s that the header key k names when
// split at commas (a full-width comma reads as one after NFKC) or at 、,
// when every part names one. It returns nil otherwise.
func joinedColumns(k string, s *schema) []*column {
	parts := strings.FieldsFunc(k, func(r rune) bool { return r == ',' || r == '、' })
	if len(parts) < 2 {
		return nil
	}
	var out []*column
	for _, part := range parts {
		col := s.column(headerKey(part))
		if col == nil || col.kind == kindIgnored {
			return nil
		}
		out = append(out, col)
	}
	return out
}

// quoteColumns writes the names of cols as “单位”“项目编号”.
func quoteColumns(cols []*column) string {
	var b strings.Builder
	for _, c := range cols {
		b.WriteString("“" + c.name + "”")
	}
	return b.String()
}

// rejectForbiddenHeader records an error on every cell of the header rows
// in recs that names a column of the dataset and contains a rune that
// forbiddenRune finds. Such a rune would otherwise pass unseen, because
// the header is matched without it.
func (p *parser) rejectForbiddenHeader(recs []record, h *header) {
	for _, rec := range recs {
		for i, cell := range rec.cells {
			bad, found := forbiddenRune(cell)
			if !found || i >= len(h.columns) || h.columns[i] == nil {
				continue
			}
			p.issue(forbiddenNameIssue(rec.row, i, h.names[i], cell, bad, "列名"))
		}
	}
}

// forbiddenNameIssue returns the error of a header cell or a JSON key,
// written as name, that contains the rune bad. column is the name that
// issues show, and i the column's index, which names it when column is
// empty. noun is 列名 or 字段名.
func forbiddenNameIssue(row, i int, column, name string, bad rune, noun string) Issue {
	if column == "" {
		column = fmt.Sprintf("第%d列", i+1)
	}
	return Issue{Row: row, Column: column,
		Reason: fmt.Sprintf("的%s写作“%s”，其中含有看不见的%sU+%04X（常见于从其他系统或网页复制的文字），"+
			"它会让显示的%s与读取的不同", noun, showForbidden(name), forbiddenKind(bad), bad, noun),
		Fix: "请删除" + noun + "中的这个字符（看不到时可删去整个" + noun + "后重新输入）后重新上传"}
}

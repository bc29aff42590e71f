package ingest

import (
	"regexp"
	"strings"
)

// totalLabelRE matches a cell, in compact form, that labels a total row:
// 合计, 总计, 小计, 共计 or 总合计, or 平均, 平均值, 平均数 or 均值, as forms
// label the average of 完成率. A colon may follow the label, and so may a
// note in half-width brackets (合计(5个项目)), because compact applies
// NFKC. A scope of up to four Chinese characters may come before it, as
// in 全区合计 and 全市平均.
var totalLabelRE = regexp.MustCompile(`^\p{Han}{0,4}?(?:合计|总计|小计|共计|总合计|平均|平均值|平均数|均值)[:：]?(?:\([^()]*\))?$`)

// skipTotalRow leaves out rec when it is a total row under the data, such
// as 合计 over an AVERAGE of 完成率, and reports whether it did. A row is
// one when a cell in any column, 序号 included, is a total label and a
// required cell in another column is blank. Such a row cannot be a
// record. Read as one, it would get a 列为空 error for each blank required
// cell and no word about the total, so it gets one warning instead.
// The file is not rejected, because the report forms units fill in every
// quarter often carry such a row, which contains nothing to import. The
// warning names the row in case it was meant as a record. A record whose
// text merely contains 合计 has its required cells and is read as usual.
func (p *parser) skipTotalRow(rec record, h *header) bool {
	label := -1
	for i, cell := range rec.cells {
		// Only cells with 计 or 均 go through compact, whose NFKC is costly.
		if len(cell) <= 64 && strings.ContainsAny(cell, "计均") && totalLabelRE.MatchString(compact(cell)) {
			label = i
			break
		}
	}
	if label < 0 {
		return false
	}
	var fill []string // the required columns that a record needs filled in
	blank := false
	for i, c := range h.columns {
		if c == nil || !c.required || c.blankOK {
			continue
		}
		cell := ""
		if i < len(rec.cells) {
			cell = rec.cells[i]
		}
		switch {
		case i == label:
			fill = append(fill, c.name)
		case isBlank(cell):
			fill = append(fill, c.name)
			blank = true
		}
	}
	if !blank {
		return false
	}
	p.issue(Issue{Row: rec.row, Value: trimText(rec.cells[label]),
		Reason:   "是“" + trimText(rec.cells[label]) + "”行，不是一条记录，未导入",
		Fix:      "如果这一行其实是一条记录，请填写" + strings.Join(fill, "、") + "后重新上传",
		Severity: SeverityWarning})
	return true
}

// footerLabelRE matches a cell, in compact form, that starts with a label
// from the lines under a report form's table, followed by a colon, as in
// 填表人：张三. The labels name who filled in or checked the form, a
// telephone number, the date of filling in, or a note.
var footerLabelRE = regexp.MustCompile(`^(?:填表人|填报人|制表人|审核人|审批人|联系人|经办人|负责人|` +
	`单位负责人|分管领导|联系电话|电话|手机|填表日期|制表日期|注|备注|说明|填表说明)[:：]`)

// skipFooterRow leaves out rec when it is a signature or note line under
// the data, such as 填表人：张三 联系电话：87654321, and reports whether it
// did. Every filled-in cell of such a row starts with a footer label and a
// required cell is blank, so it cannot be a record. Read as one, it would
// get an error for its unit and for each blank required cell, and the
// whole file would be rejected for a line that the form itself requires.
// It gets one warning that names the row instead.
func (p *parser) skipFooterRow(rec record, h *header) bool {
	label := -1
	for i, cell := range rec.cells {
		if isBlank(cell) {
			continue
		}
		if !footerLabelRE.MatchString(compact(cell)) {
			return false
		}
		if label < 0 {
			label = i
		}
	}
	if label < 0 || !blankRequired(rec, h, label) {
		return false
	}
	p.issue(Issue{Row: rec.row, Value: trimText(rec.cells[label]),
		Reason:   "是表尾的“" + trimText(rec.cells[label]) + "”，不是一条记录，未导入",
		Fix:      "如果这一行其实是一条记录，请按表头各列填写后重新上传",
		Severity: SeverityWarning})
	return true
}

// hintCellRE matches a cell, in compact form, that gives how to fill in
// its column: 必填, 选填 or 非必填, in brackets or not. A note may follow
// after punctuation, as in 必填，填百分数.
var hintCellRE = regexp.MustCompile(`^[(\[【]?(?:必填|选填|非必填|可选填|可不填|必填项|选填项)[)\]】]?(?:[,，:：;；。].*)?$`)

// skipHintRow leaves out rec when it is a row of fill-in hints, such as
// 必填,必填,选填 under the header of a county's own form, and reports
// whether it did. Every filled-in cell of such a row, two at least, is a
// hint, so no cell holds a value. Read as a record, it would get an error
// for each column and reject the file.
func (p *parser) skipHintRow(rec record, h *header) bool {
	first, hints := -1, 0
	for i, cell := range rec.cells {
		if isBlank(cell) {
			continue
		}
		if !hintCellRE.MatchString(compact(cell)) {
			return false
		}
		if first < 0 {
			first = i
		}
		hints++
	}
	if hints < 2 {
		return false
	}
	p.issue(Issue{Row: rec.row, Value: trimText(rec.cells[first]),
		Reason:   "是各列的填写说明（如“" + trimText(rec.cells[first]) + "”），不是一条记录，未导入",
		Fix:      "如果这一行其实是一条记录，请按表头各列填写后重新上传",
		Severity: SeverityWarning})
	return true
}

// blankRequired reports whether a required column of h other than the
// one at index skip is blank in rec.
func blankRequired(rec record, h *header, skip int) bool {
	for i, c := range h.columns {
		if c == nil || !c.required || c.blankOK || i == skip {
			continue
		}
		if i >= len(rec.cells) || isBlank(rec.cells[i]) {
			return true
		}
	}
	return false
}

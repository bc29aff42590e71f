package ingest

import (
	"fmt"
	"github.com/agnivade/levenshtein"
	"slices"
	"strconv"
	"strings"

	"github.com/shopspring/decimal"

	"saima"
)

// progressBuilder reads progress reports (进度填报). 完成率 follows the
// percent rule, whose scale for bare numbers in (0, 1] depends on the whole
// column, so percents are set in finish.
type progressBuilder struct {
	reports keyed[*saima.ProgressReport]
	cells   []pendingPercent
}

// pendingPercent is a 完成率 cell waiting for the column's scale.
type pendingPercent struct {
	row    int
	raw    string
	cell   percentCell
	report *saima.ProgressReport
}

func (b *progressBuilder) add(r *rowReader) {
	rep := &saima.ProgressReport{
		Unit:        r.unit("单位", true),
		ProjectCode: r.code("项目编号", true),
		ProjectName: r.name("项目名称", false),
		Period:      r.period("填报期间"),
		ReportDate:  r.date("填报日期", false, true),
		Progress:    r.text("进展情况"),
		Problems:    r.text("存在问题"),
	}
	r.ownUnit("单位", rep.Unit)
	cell := r.percent("完成率")
	if r.good("项目编号") && !r.otherUnit {
		checkProjectUnit(r, rep.ProjectCode, rep.Unit, r.good("单位"), "这条进度")
	}
	if r.good("项目编号", "填报期间") {
		r.warnProgressAfterExit(rep)
	}
	if r.good("填报日期", "填报期间") {
		r.warnReportBeforePeriod(rep)
	}
	if r.good("完成率") {
		// A row with other errors still counts for the column's scale and
		// gets the warnings of its cell, though it adds no record.
		b.cells = append(b.cells, pendingPercent{row: r.row, raw: r.cell("完成率"), cell: cell, report: rep})
	}
	b.reports.put(r, rep, rep.Unit, rep.ProjectCode, periodKey(rep.Period))
}

// warnProgressAfterExit warns when rep's period begins after its
// project's exit day. The scoring leaves such a report out
// (saima.ExitedBefore), so it is usually a wrong 项目编号 or 填报期间.
func (r *rowReader) warnProgressAfterExit(rep *saima.ProgressReport) {
	exit, ok := r.p.opts.Exits[rep.ProjectCode]
	if !ok || rep.Period.IsZero() || !saima.ExitedBefore(&exit, rep.Period.Start()) {
		return
	}
	r.warn("填报期间", r.cell("填报期间"),
		fmt.Sprintf("开始于项目%s的退出日期%s之后，项目退出后不再推进，这条进度不计入考评", rep.ProjectCode, exit),
		"请核对项目编号和填报期间；如果确是退出后的情况说明，请忽略本提示")
}

// warnReportBeforePeriod warns when rep's 填报日期 is before the first
// day of its 填报期间. Progress is reported during or after the period,
// so such a date is a typo in one of the two, often a two-digit year:
// 00年1月1日 reads as 2000-01-01. The warning shows how a two-digit year
// was read, as the error on a future one does.
func (r *rowReader) warnReportBeforePeriod(rep *saima.ProgressReport) {
	if rep.ReportDate == nil || rep.Period.IsZero() || !rep.ReportDate.Before(rep.Period.Start()) {
		return
	}
	raw := r.cell("填报日期")
	reason := fmt.Sprintf("早于填报期间%s的第一天（%s）", rep.Period.Label(), rep.Period.Start())
	fix := "请核对填报日期和填报期间后重新上传"
	if shortYear(normalize(raw)) {
		d := *rep.ReportDate
		reason = fmt.Sprintf("的年份只有两位，按%d年读作%s，%s", d.Year, d, reason)
		fix = "如果不是这一年，请写出四位年份；否则" + fix
	}
	r.warn("填报日期", raw, reason, fix)
}

// finish applies rule 5 of the percent rule: when no bare number in the
// column is above 1, the column is in fraction form and every bare number
// is multiplied by 100; otherwise bare numbers are percent points. A long
// file is finished chunk by chunk; see parser.percentFraction. Each
// bare number in (0, 1] gets a warning that shows how it was read, and
// each placeholder such as "/" gets a warning that it reads as missing.
func (b *progressBuilder) finish(p *parser) {
	fraction := p.percentFraction(b.cells)
	col := p.columnName("完成率")
	for _, c := range b.cells {
		c.report.Percent = c.cell.percent(fraction)
		if v := c.report.Percent.Decimal; c.report.Percent.Valid && tooManyPlaces(v) {
			// A percent computed in a spreadsheet, such as 1/3, has more
			// places than the column keeps. It is rounded with a warning.
			c.report.Percent.Decimal = v.Round(storedPlaces)
			p.issue(Issue{Row: c.row, Column: col, Value: trimText(c.raw), Severity: SeverityWarning,
				Reason: fmt.Sprintf("完成率最多保留%d位小数，四舍五入读作%s%%", storedPlaces, c.report.Percent.Decimal),
				Fix:    "如果这个读数不对，请改正后重新上传"})
		}
		switch {
		case c.cell.form == percentPlaceholder:
			p.issue(Issue{Row: c.row, Column: col, Value: trimText(c.raw), Severity: SeverityWarning,
				Reason: "表示未填报，按未填报处理", Fix: "如果已有进度，请填写完成率"})
		case c.cell.ambiguous():
			p.issue(ambiguousPercent(c, col, fraction))
		}
	}
}

// ambiguousPercent is the warning for a bare number in (0, 1].
func ambiguousPercent(c pendingPercent, col string, fraction bool) Issue {
	read := c.report.Percent.Decimal.String() + "%"
	i := Issue{Row: c.row, Column: col, Value: trimText(c.raw), Severity: SeverityWarning}
	if fraction {
		i.Reason = "没有带%，本列不带%的数都不大于1，按小数比例读作" + read
		i.Fix = "如果本意是" + c.cell.value.String() + "%，请写成" + c.cell.value.String() + "%后重新上传"
	} else {
		i.Reason = "没有带%，本列其他数按百分数填写，读作" + read
		i.Fix = "如果本意是" + c.cell.value.Shift(2).String() + "%，请写成" + c.cell.value.Shift(2).String() + "%后重新上传"
	}
	return i
}

func (b *progressBuilder) fill(batch *saima.Batch) {
	batch.Progress = slices.Grow(batch.Progress, len(b.reports.items))
	for _, rep := range b.reports.items {
		batch.Progress = append(batch.Progress, *rep)
	}
}

// assessmentBuilder reads assessment scores (考评打分). 得分 and 满分 are
// plain decimals: the percent rule never applies, so 0.5 stays 0.5.
type assessmentBuilder struct {
	scores keyed[saima.Assessment]
}

func (b *assessmentBuilder) add(r *rowReader) {
	a := saima.Assessment{
		Unit:        r.unit("被考评单位", true),
		Indicator:   r.name("指标", true),
		FullMarks:   r.number("满分", false),
		Mode:        r.code("考评方式", true),
		Period:      r.period("考评期间"),
		Evaluator:   r.text("考评人"),
		ProjectCode: r.code("项目编号", false),
	}
	score := r.number("得分", true)
	a.Score = score.Decimal
	if r.good("得分", "满分") {
		r.checkScore(a)
	}
	if r.good("考评方式", "考评期间") {
		r.checkModePeriod(a)
	}
	b.scores.put(r, a, a.Unit, a.Indicator, a.Mode, periodKey(a.Period))
}

// checkModePeriod warns when the 考评方式 and the 考评期间 disagree,
// because the period alone decides where a record counts. A 年终 record
// with a quarter counts in that quarter's mean, not as a year-end
// evaluation, and a 日常 record with a year counts as one.
func (r *rowReader) checkModePeriod(a saima.Assessment) {
	yearEnd, daily := strings.Contains(a.Mode, "年终"), strings.Contains(a.Mode, "日常")
	switch {
	case yearEnd && a.Period.Kind != saima.PeriodYear:
		r.warn("考评期间", r.cell("考评期间"),
			fmt.Sprintf("是季度或月份，而考评方式“%s”是年终考评：本行计入%s的考评平均得分率，不计入%d年度总盘点的年终考评",
				a.Mode, a.Period.Quarter().Label(), a.Period.Year),
			fmt.Sprintf("请把年终考评的考评期间写成年度，如%d；如果本行确是该期间的考评，请忽略本提示", a.Period.Year))
	case daily && a.Period.Kind == saima.PeriodYear:
		r.warn("考评期间", r.cell("考评期间"),
			fmt.Sprintf("是年度，而考评方式“%s”是日常考评：本行作为%d年度的年终考评计入年度总盘点，不计入任何季度的考评平均得分率",
				a.Mode, a.Period.Year),
			fmt.Sprintf("请把日常考评的考评期间写成季度或月份，如%dQ3；如果本行确是年终考评，请忽略本提示", a.Period.Year))
	}
}

// checkScore rejects a negative score, a full mark that is not positive
// and a score above the full mark. It warns about a score above 100
// without a full mark: the rate sources read such a score as a rate in
// percent, so it would lift the unit's mean above what any full mark
// allows.
func (r *rowReader) checkScore(a saima.Assessment) {
	full := a.FullMarks
	switch {
	case !full.Valid && a.Score.GreaterThan(decimal.NewFromInt(100)):
		r.warn("得分", r.cell("得分"), "在满分为空时按得分率"+a.Score.String()+"%计入考评平均得分率和年终考评，超过了100%",
			"请填写该指标的满分，得分按满分折算为得分率；如果得分本身是百分制，请核对得分")
	case full.Valid && !full.Decimal.IsPositive():
		r.fail("满分", r.cell("满分"), &problem{reason: "必须大于0", fix: "请填写该指标的满分"})
	case a.Score.IsNegative():
		r.fail("得分", r.cell("得分"), &problem{reason: "是负数，得分不能为负", fix: scoreFix(full)})
	case full.Valid && a.Score.GreaterThan(full.Decimal):
		r.fail("得分", r.cell("得分"), &problem{reason: "超过了满分" + full.Decimal.String(), fix: scoreFix(full)})
	}
}

func scoreFix(full decimal.NullDecimal) string {
	if full.Valid {
		return "请填写0到" + full.Decimal.String() + "之间的分数"
	}
	return "请填写不小于0的分数"
}

func (b *assessmentBuilder) finish(*parser) {}

func (b *assessmentBuilder) fill(batch *saima.Batch) { batch.Assessments = b.scores.items }

// problemBuilder reads the problem list (问题清单).
type problemBuilder struct {
	problems keyed[saima.ProblemItem]
}

func (b *problemBuilder) add(r *rowReader) {
	it := saima.ProblemItem{
		Row:         r.row,
		ID:          r.code("问题编号", true),
		Unit:        r.unit("单位", true),
		ProjectCode: r.code("项目编号", false),
		Source:      r.text("来源"),
		Category:    r.text("类别"),
		Stage:       r.choice("环节", saima.LoopStages, false),
		Level:       r.level("层级"),
		Closed:      r.date("办结日期", false, true),
		Summary:     r.text("问题描述"),
	}
	r.ownUnit("单位", it.Unit)
	if d := r.date("发现日期", true, true); d != nil {
		it.Opened = *d
	}
	if it.Closed != nil && !it.Opened.IsZero() && it.Closed.Before(it.Opened) {
		r.fail("办结日期", r.cell("办结日期"), &problem{
			reason: "早于发现日期" + it.Opened.String(), fix: "请检查发现日期和办结日期"})
	}
	if it.ProjectCode != "" && r.good("项目编号") && !r.otherUnit {
		checkProjectUnit(r, it.ProjectCode, it.Unit, r.good("单位"), "这个问题")
	}
	r.ownRecord(ownedRecord{key: []string{it.ID}, unit: it.Unit, col: "问题编号", keyCols: []string{"问题编号"},
		unitCol: "单位", noun: "问题", stored: "在问题清单中"})
	if r.good("环节", "办结日期") {
		r.checkProblemStage(it)
	}
	b.problems.put(r, it, it.ID)
}

// checkProblemStage warns when 环节 and 办结日期 disagree.
func (r *rowReader) checkProblemStage(it saima.ProblemItem) {
	done := saima.LoopStages[len(saima.LoopStages)-1]
	switch {
	case it.Stage == done && it.Closed == nil:
		r.warn("环节", it.Stage, "与办结日期不符，办结日期为空", "请补填办结日期；如果尚未办结，请改为实际所处的环节")
	case it.Closed != nil && it.Stage != "" && it.Stage != done:
		r.warn("环节", it.Stage, "与办结日期不符，办结日期已填写为"+it.Closed.String(),
			"如果已经办结，请把环节改为“"+done+"”；否则请清空办结日期")
	}
}

func (b *problemBuilder) finish(*parser) {}

func (b *problemBuilder) fill(batch *saima.Batch) { batch.Problems = b.problems.items }

// periodKey returns p.String() for a record key. The quarters of the
// years 1000 to 9999 skip fmt, which made Period.String a twentieth of
// the time to read a progress row.
func periodKey(p saima.Period) string {
	if p.Kind != saima.PeriodQuarter || p.Year < 1000 || p.Year > 9999 || p.Index < 0 || p.Index > 9 {
		return p.String()
	}
	var b [6]byte
	strconv.AppendInt(b[:0], int64(p.Year), 10)
	b[4], b[5] = 'Q', byte('0'+p.Index)
	return string(b[:])
}

// checkProjectUnit warns when the ledger gives project code to another
// unit than unit, as neither its responsible unit nor its lead unit: a
// progress report would count for unit, against another unit's plan, and
// a problem would stand against another unit's project. From a unit's
// account it is an error, because the ledger shows the latest report of
// a project as its progress, whichever unit sent it, and /problems shows
// the problem to the leaders. record names the record in messages, such
// as 这条进度.
//
// When unitOK is false the row's unit cell has an error of its own. A
// unit's account then still gets the error for a code missing from the
// ledger, with suggestions from its own projects. The office gets no
// warning, because the warning says which unit the report counts for.
func checkProjectUnit(r *rowReader, code, unit string, unitOK bool, record string) {
	if !unitOK {
		if r.p.opts.Unit == "" {
			return
		}
		unit = r.p.opts.Unit
	}
	pr, ok := r.p.projects[code]
	if !ok {
		checkUnknownProject(r, code, unit, record)
		return
	}
	if !unitOK || pr.Unit == "" || pr.Unit == unit || pr.LeadUnit == unit {
		return
	}
	reason := "在项目台账中是“" + pr.Unit + "”的项目“" + pr.Name + "”，不是本行单位“" + unit + "”的项目"
	if r.p.opts.Unit != "" {
		fix := "请核对单位和项目编号；如果本单位确实承担该项目，请联系改革办在项目台账中登记后再上传"
		r.p.countOtherRecord(pr.Unit)
		r.fail("项目编号", r.cell("项目编号"), &problem{reason: reason, fix: fix})
		return
	}
	// The office itself keeps the ledger, so it is not sent to itself.
	r.warn("项目编号", r.cell("项目编号"), reason,
		"请核对单位和项目编号；如果该单位确实承担该项目，请先在项目台账中把责任单位改为该单位")
}

// checkUnknownProject reports a record of project code, which is not in
// the ledger, when the ledger has any project. record names the record in
// messages, such as 这条进度. The record would count for unit
// without a plan to judge it by, for a project the office never approved.
// From a unit's account it is an error, so that a unit cannot add
// projects of its own to the race. From the office, which keeps the
// ledger, it is a warning.
func checkUnknownProject(r *rowReader, code, unit, record string) {
	if len(r.p.projects) == 0 || code == "" {
		return
	}
	reason := "不在项目台账中"
	fix := projectCodeFix(r.p.projects, code, unit)
	if r.p.opts.Unit != "" {
		r.fail("项目编号", r.cell("项目编号"), &problem{reason: reason,
			fix: fix + "；如果是新项目，请联系改革办先在项目台账中登记，再上传"})
		return
	}
	counts := "，" + record + "仍会导入并计入该单位"
	if unit == "" {
		counts = "，" + record + "仍会导入，但没有责任单位，在项目登记到台账前不计入任何单位"
	}
	r.warn("项目编号", r.cell("项目编号"), reason+counts, fix+"；如果是新项目，请先在项目台账中登记")
}

// projectCodeFix returns the fix for a code that projects lacks: check
// the code, and the nearest code of unit's projects when one is close
// (see closestProject).
func projectCodeFix(projects map[string]saima.Project, code, unit string) string {
	near := closestProject(projects, code, unit)
	if near == "" {
		return "请核对项目编号"
	}
	fix := "请核对项目编号，是否应为“" + near + "”"
	if name := projects[near].Name; name != "" {
		fix += "（" + name + "）"
	}
	return fix
}

// closestProject returns the code in projects nearest to code, by edit
// distance in runes, among the projects of unit (as responsible or lead
// unit) or among all when unit is "", or "" when none is within two edits.
func closestProject(projects map[string]saima.Project, code, unit string) string {
	best, bestDist := "", 3
	for c, pr := range projects {
		if unit != "" && pr.Unit != unit && pr.LeadUnit != unit {
			continue
		}
		d := levenshtein.ComputeDistance(code, c)
		if d < bestDist || d == bestDist && c < best {
			best, bestDist = c, d
		}
	}
	return best
}

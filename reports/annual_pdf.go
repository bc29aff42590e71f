package reports

import (
	"errors"
	"fmt"
	"io"
	"log/slog"
	"slices"
	"strings"
	"time"

	"github.com/samber/lo"

	"saima"
)

// WriteAnnual draws a as an A4 PDF and writes it to w: a cover page, a
// table of contents, one ranking table per track, the year-end evaluation's
// records and a section that explains the formula. Each table row shows a unit's four quarters, leadership
// points, year-end evaluation and annual score. The outline lists the
// tracks.
//
// Characters the fonts cannot draw are drawn as [Placeholder], a last
// section 缺字说明 lists them by code point, and log receives one warning
// that lists them. A nil log discards the warning.
func WriteAnnual(w io.Writer, a *Annual, fonts *Fonts, log *slog.Logger) error {
	if a == nil || fonts == nil {
		return errors.New("write annual report: report and fonts are required")
	}
	meta := docMeta{
		Title:     a.Title,
		Subtitle:  saima.Year(a.Year).Label(),
		Lines:     annualCoverLines(a),
		Generated: a.GeneratedAt,
		Contents:  true,
	}
	return render(w, meta, fonts, log, func(d *document) {
		d.annualRankings(a)
		d.annualUnranked(a.Unranked)
		d.verdicts(a.Verdicts, a.Grades, true)
		if len(a.Overrides) > 0 {
			d.pdf.Ln(6)
			d.overrides(a.Overrides, true)
		}
		d.pdf.AddPage()
		d.yearEndRecords(a)
		d.pdf.Ln(6)
		d.heading("计分说明", 0, 20)
		for _, p := range annualMethod(a) {
			d.paragraph(p, "", sizeBody, "L")
			d.pdf.Ln(1.5)
		}
		d.workflowSections(a.Workflow)
	})
}

func annualCoverLines(a *Annual) []string {
	var quarters []string
	for i, q := range a.Quarters {
		label := q.Label()
		if i < len(a.QuarterStatus) && a.QuarterStatus[i] != "" {
			label += "（" + a.QuarterStatus[i] + "）"
		}
		quarters = append(quarters, label)
	}
	units := lo.SumBy(a.Tracks, func(t AnnualTrack) int { return len(t.Rows) })
	count := fmt.Sprintf("参评单位：%d 个", units)
	if waiting := lo.SumBy(a.Tracks, func(t AnnualTrack) int { return len(t.Waiting()) }); waiting > 0 {
		count += fmt.Sprintf("（其中待年终考评 %d 个）", waiting)
	}
	lines := []string{
		"季度考评规则：" + a.RuleSet,
		"年度计分规则：" + annualOrigin(a.Rule.Origin),
		"已计分季度：" + strings.Join(quarters, "、"),
	}
	if len(a.Unscored) > 0 {
		labels := lo.Map(a.Unscored, func(q saima.Period, _ int) string { return q.Label() })
		lines = append(lines, "未计分季度："+strings.Join(labels, "、")+"（年度得分不含，见年度排名后的注）")
	}
	if !a.GeneratedAt.IsZero() {
		generated := a.GeneratedAt.In(saima.Beijing).Format("2006-01-02 15:04")
		lines = append(lines, "生成时间："+generated+"（北京时间）")
	}
	return append(lines, fmt.Sprintf("%s，赛道：%d 个", count, len(a.Tracks)))
}

// annualOrigin names the rule set whose annual section gave the weights.
func annualOrigin(o AnnualOrigin) string {
	if o.File == "" {
		return "未读取规则集文件，按本报告所列公式"
	}
	version := o.Version[:min(len(o.Version), 8)]
	file := fmt.Sprintf("%s（%s，版本 %s）", o.File, o.Name, version)
	// The section's YAML key stays in brackets, so that the office can
	// find it in the file, while leaders read its Chinese name.
	if o.Default {
		return file + "未设年度计分部分（annual），按默认公式"
	}
	return file + "的年度计分部分（annual）"
}

// annualRankings draws one table per track.
func (d *document) annualRankings(a *Annual) {
	d.mark("年度排名", 0)
	if len(a.Tracks) == 0 {
		d.paragraph("本年度暂无排名。", "", sizeBody, "L")
		return
	}
	for i, t := range a.Tracks {
		if i > 0 {
			d.pdf.Ln(6)
		}
		d.heading(trackLabel(t.Track)+"年度排名", 1, 25)
		d.table(annualTable(t, a.Year, unfinished(a)))
		for _, note := range yearEndNotes(t, a.Rule) {
			d.pdf.Ln(1)
			d.paragraph(note, "", sizeSmall, "L")
		}
	}
	d.pdf.Ln(2)
	d.paragraph(annualFormula(a.Rule), "", sizeSmall, "L")
	for _, note := range annualNotes(a) {
		d.pdf.Ln(1)
		d.paragraph(note, "", sizeSmall, "L")
	}
}

// unfinished lists the quarters whose column the annual table marks with
// *: drafts, and quarters whose ranking read the ledger before they ended.
func unfinished(a *Annual) []saima.Period {
	out := slices.Clone(a.Drafts)
	for _, p := range a.Partial {
		if !slices.Contains(out, p.Quarter) {
			out = append(out, p.Quarter)
		}
	}
	return out
}

// annualNotes explains the marks of the ranking tables: * on a draft or
// partial quarter, and † on an overridden composite.
func annualNotes(a *Annual) []string {
	var notes []string
	if len(a.Drafts) > 0 {
		labels := make([]string, len(a.Drafts))
		for i, q := range a.Drafts {
			labels[i] = q.Label()
		}
		notes = append(notes, "注："+strings.Join(labels, "、")+"的得分尚未发布，是草稿，表中该季度的列名标有*，"+
			"发布或重算后年度得分可能变动。")
	}
	for _, p := range a.Partial {
		notes = append(notes, fmt.Sprintf("注：%s的结果读取的是 %s 已上传的数据，早于该季度结束（%s），不是期末结果；"+
			"表中该季度的列名标有*，期末之后重新发布，年度得分可能变动。", p.Quarter.Label(), p.ReadOn, p.Quarter.End()))
	}
	for _, q := range a.Unscored {
		notes = append(notes, unscoredNote(q, a.GeneratedAt))
	}
	for _, q := range a.Withheld {
		notes = append(notes, fmt.Sprintf("注：%s刚开始（%s），其草稿只含开始几天上传的数据，%s起计入年度得分。",
			q.Label(), q.Start(), q.Start().AddDays(saima.ProgressGraceDays)))
	}
	if len(a.Overrides) > 0 {
		notes = append(notes, "† 该季度综合得分经人工调整，下方括号内为计算值；调整记录见“人工调整”。")
	}
	return notes
}

// unscoredNote returns the note for a quarter that has begun by now but
// has no scores. The note states that the annual scores leave the
// quarter out, and how to score it.
func unscoredNote(q saima.Period, now time.Time) string {
	if saima.DateOf(now).After(q.End()) {
		return fmt.Sprintf("注：%s已于%s结束，尚未计分，年度得分不含该季度。该季度有里程碑、进度填报或考评打分时，"+
			"请计算并发布该季度（saima score %s，再 saima publish %s 或在排行榜发布）后重新生成本报告；"+
			"没有任何数据的季度无法计分，请先导入该季度的数据。", q.Label(), q.End(), q, q)
	}
	return fmt.Sprintf("注：%s正在进行（至%s），尚未计分，年度得分暂不含该季度；计算该季度后重新生成本报告即计入。",
		q.Label(), q.End())
}

// yearEndNotes explains a track's missing year-end evaluations: a track
// whose scores leave the part out, and the units that wait for theirs.
func yearEndNotes(t AnnualTrack, r AnnualRule) []string {
	var notes []string
	if t.YearEndLeftOut {
		notes = append(notes, fmt.Sprintf("注：%s年终考评尚未录入，不计入；本赛道年度得分 = %s × 季度平均 + 领导评价。"+
			"季度平均的权重取季度平均权重 %s 与年终考评权重 %s 之和，使本赛道的得分与计入年终考评时处于同一尺度。",
			trackLabel(t.Track), formatNumber(r.QuarterWeightAlone(), 4),
			formatNumber(r.QuarterWeight, 4), formatNumber(r.YearEndWeight, 4)))
	}
	if waiting := t.Waiting(); len(waiting) > 0 {
		notes = append(notes, fmt.Sprintf("注：%s已有单位录入年终考评，%s尚无年终考评记录。缺少的年终考评不按 0 分计，"+
			"这些单位暂不计算年度得分和名次，标为“待年终考评”，列于已排名单位之后；录入其年终考评后重新生成本报告即参与排名。",
			trackLabel(t.Track), strings.Join(waiting, "、")))
	}
	return notes
}

// annualTable lists a track's units in rank order with every part of
// their annual score, each rounded for display as the quarterly tables
// are. The column of each quarter of year in marked is marked with *, and
// an overridden composite with †, its computed value below it.
func annualTable(t AnnualTrack, year int, marked []saima.Period) table {
	quarter := func(i int, name string) column {
		if slices.Contains(marked, saima.Quarter(year, i)) {
			name += "*"
		}
		return column{name, 14, "R"}
	}
	tb := table{columns: []column{
		{"名次", 12, "C"},
		{"单位", 37.5, "L"},
		quarter(1, quarterNames[0]),
		quarter(2, quarterNames[1]),
		quarter(3, quarterNames[2]),
		quarter(4, quarterNames[3]),
		{"季度平均", 16, "R"},
		{"领导评价", 16, "R"},
		// Wide enough for 待年终考评 on one line at the table's font size.
		{"年终考评", 18.5, "R"},
		{"年度得分", 18, "R"},
	}}
	for _, r := range t.Rows {
		rank := fmt.Sprint(r.Rank)
		if r.Pending {
			rank = "—"
		}
		row := []string{rank, r.Unit}
		for i, q := range r.Quarters {
			cell := optionalComposite(q)
			if c := r.Computed[i]; c != nil && q != nil {
				cell += overrideMark + "\n(" + saima.FormatComposite(*c) + ")"
			}
			row = append(row, cell)
		}
		yearEnd, value := "—", saima.FormatComposite(r.Value)
		if r.YearEnd != nil {
			yearEnd = saima.FormatComposite(*r.YearEnd) + "%"
		}
		if r.Pending {
			yearEnd, value = "待年终考评", "—"
		}
		row = append(row, saima.FormatComposite(r.QuarterMean), formatNumber(r.Leadership, 2), yearEnd, value)
		tb.rows = append(tb.rows, row)
	}
	return tb
}

// yearEndRecords draws the records of the year-end evaluation, which the
// 年终考评 column averages per unit.
func (d *document) yearEndRecords(a *Annual) {
	d.heading("年终考评记录", 0, 20)
	if len(a.YearEnd) == 0 {
		d.paragraph(saima.Year(a.Year).Label()+"没有年终考评记录，年度排名表的年终考评一列为“—”。", "", sizeBody, "L")
		return
	}
	d.table(assessmentTable(a.YearEnd, true))
}

func optionalComposite(v *float64) string {
	if v == nil {
		return "—"
	}
	return saima.FormatComposite(*v)
}

// annualFormula states the rule with its weights.
func annualFormula(r AnnualRule) string {
	return fmt.Sprintf("年度得分 = %s × 季度平均 + 领导评价（0–%d 分）+ %s × 年终考评得分率",
		formatNumber(r.QuarterWeight, 4), MaxLeadership, formatNumber(r.YearEndWeight, 4))
}

// annualMethod explains how each column is computed.
func annualMethod(a *Annual) []string {
	return []string{
		"计分公式：" + annualFormula(a.Rule) + "（年度计分规则：" + annualOrigin(a.Rule.Origin) + "）。",
		"季度平均：该单位在本年度已计分季度的综合得分的算术平均，未参与计分的季度不计入，表中以“—”表示。",
		fmt.Sprintf("领导评价：由年度计分规则给出，取值 0–%d 分；规则中的单位名称按单位名单的名称、别名或简称对应，"+
			"规则未列出的单位计 0 分。", MaxLeadership) + leadershipUnmatchedNote(a.LeadershipUnmatched),
		"年终考评：该单位考评期间为本年度的考评记录，逐条按得分 ÷ 满分 × 100 折算为得分率（未填满分的按得分计）后取平均。" +
			yearEndMissingRule(a.Rule),
		"排名：各赛道内按年度得分从高到低排列，得分相同的单位名次并列，下一名次顺延。单位所在赛道取其最近一个已计分季度的赛道。",
		rankRule(a.Rule.RankPlaces),
	}
}

// leadershipUnmatchedNote names the leadership points that count for no
// unit, each with the reason and the fix, or returns "" when all count.
func leadershipUnmatchedNote(unmatched []UnmatchedLeadership) string {
	note := ""
	for _, u := range unmatched {
		if u.SameAs != "" {
			note += fmt.Sprintf("领导评价中的“%s”（%s分）与规则中另一名称同指%s，已按该名称计分，本项未计入；",
				u.Name, formatNumber(u.Points, 2), u.SameAs)
			continue
		}
		note += fmt.Sprintf("领导评价中的“%s”（%s分）不是本年度排名中的单位，未计入任何单位；", u.Name, formatNumber(u.Points, 2))
	}
	if note == "" {
		return ""
	}
	return note + "请在年度计分规则的 annual.leadership 中改用单位名单中的单位名称。"
}

// yearEndMissingRule states how a unit without year-end records is scored.
func yearEndMissingRule(r AnnualRule) string {
	if r.YearEndWeight == 0 {
		return "年终考评权重为 0，此项不计入年度得分，只在表中列出；无年终考评记录的单位表中以“—”表示。"
	}
	return fmt.Sprintf("缺少的年终考评不按 0 分计：某赛道尚无单位录入年终考评时，该赛道不计此项，"+
		"年度得分 = %s × 季度平均 + 领导评价，季度平均的权重取两项权重之和，使得分尺度不变；"+
		"赛道内已有单位录入时，其余单位标为“待年终考评”，暂不计算年度得分和名次，列于该赛道已排名单位之后。",
		formatNumber(r.QuarterWeightAlone(), 4))
}

// rankRule states how scores that look alike rank: by the scores rounded
// as the rule set's rank_places sets, or unrounded without it.
func rankRule(places *int32) string {
	if places == nil {
		return "表中分数保留一位小数（四舍五入），排名按未经舍入的得分计算。"
	}
	return fmt.Sprintf("表中分数保留一位小数（四舍五入）；排名按保留%d位小数（四舍五入）后的得分计算，相同的并列。", *places)
}

// quarterNames are the short names of a year's quarters, as the annual
// table's columns read.
var quarterNames = [4]string{"一季度", "二季度", "三季度", "四季度"}

// annualUnranked draws the units that the year's quarterly runs left out
// of the ranking on purpose, with the quarters and the reasons, so that
// no unit drops out of the annual report unseen. It draws nothing when
// lines is empty.
func (d *document) annualUnranked(lines []UnrankedLine) {
	if len(lines) == 0 {
		return
	}
	d.pdf.Ln(6)
	d.heading("不参与排名的单位", 0, 25)
	d.paragraph("计算下列季度的结果时，这些单位未计入该季度任何赛道的排名，该季度也不计入其年度得分："+
		"单位名单中它们的赛道为“不参与排名”，或者它们该季度没有任何可计分的数据，原因见表中。", "", sizeSmall, "L")
	if slices.ContainsFunc(lines, func(l UnrankedLine) bool { return l.FromCurrentRoster }) {
		d.paragraph("注：部分季度的结果保存时尚未记录当时不参与排名的单位，这些季度按当前单位名单列出，"+
			"可能与计算时的名单不同。", "", sizeSmall, "L")
	}
	d.pdf.Ln(1)
	tb := table{columns: []column{{"单位", 42, "L"}, {"单位类别", 24, "L"}, {"季度", 36, "L"}, {"原因", 72, "L"}}}
	for _, l := range lines {
		quarters := make([]string, len(l.Quarters))
		for i, q := range l.Quarters {
			quarters[i] = quarterNames[q.Index-1]
		}
		tb.rows = append(tb.rows, []string{l.Unit.Name, l.Unit.Kind, strings.Join(quarters, "、"), l.Unit.UnrankedReason})
	}
	d.table(tb)
}

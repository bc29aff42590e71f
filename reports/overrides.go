package reports

import (
	"fmt"
	"strings"

	"saima"
	"saima/scoring"
)

// overrideMark marks a value that a manual override set, as the
// leaderboard marks it.
const overrideMark = "†"

// OverrideLine is one manual override as a report lists it.
type OverrideLine struct {
	scoring.Override
	Item     string // 综合得分, or the indicator's name
	Value    string // the override's value as displayed
	Computed string // the value the rule set computed, as displayed; — when the override is not applied
	// Applied is false when the run has no such unit or indicator, so the
	// override changed nothing.
	Applied bool
}

// OverrideLines lists r's applied overrides, then the unmatched ones,
// with the values they replaced, as the reports list them.
func OverrideLines(r QuarterRanking) []OverrideLine {
	var out []OverrideLine
	for _, o := range r.Overrides {
		line := OverrideLine{Override: o, Item: "综合得分", Value: saima.FormatComposite(o.Value),
			Computed: "—", Applied: true}
		computed, ok := r.Computed[o.Unit]
		switch {
		case o.Indicator == "" && ok:
			line.Computed = saima.FormatComposite(computed.Value)
		case o.Indicator != "":
			line.Item, line.Value = o.Indicator, saima.FormatIndicator(o.Value)
			if c, found := contributionOf(computed, o.Indicator); found {
				line.Item, line.Computed = indicatorName(c), saima.FormatIndicator(c.Score)
			}
		}
		out = append(out, line)
	}
	for _, o := range r.Unmatched {
		line := OverrideLine{Override: o, Item: "综合得分", Value: saima.FormatComposite(o.Value), Computed: "—"}
		if o.Indicator != "" {
			line.Item, line.Value = "指标 "+o.Indicator, saima.FormatIndicator(o.Value)
		}
		out = append(out, line)
	}
	return out
}

func contributionOf(s saima.Score, indicator string) (saima.Contribution, bool) {
	for _, c := range s.Contributions {
		if c.Indicator == indicator {
			return c, true
		}
	}
	return saima.Contribution{}, false
}

// overridden reports whether an override in lines set indicator's score.
func overridden(lines []OverrideLine, indicator string) bool {
	for _, l := range lines {
		if l.Applied && l.Indicator == indicator {
			return true
		}
	}
	return false
}

// markedComposite formats a composite, marked when computed is set, so
// an override changed it.
func markedComposite(v float64, computed *saima.Score) string {
	if computed == nil {
		return saima.FormatComposite(v)
	}
	return saima.FormatComposite(v) + overrideMark
}

// overrideTime formats when an override was recorded, in Beijing time.
func overrideTime(o scoring.Override) string {
	return o.At.In(saima.Beijing).Format("2006-01-02 15:04")
}

// overrideTable lists overrides with who made them, when and why. With
// periods set, the first column names each override's period, as the
// annual report needs.
func overrideTable(lines []OverrideLine, periods bool) table {
	first := column{"单位", 32, "L"}
	if periods {
		first = column{"季度／单位", 32, "L"}
	}
	tb := table{columns: []column{
		first,
		{"调整项", 32, "L"},
		{"调整值", 16, "R"},
		{"计算值", 16, "R"},
		{"调整人", 20, "L"},
		{"时间", 28, "C"},
		{"理由", 30, "L"},
	}}
	for _, l := range lines {
		head := l.Unit
		if periods {
			head = l.Period.Label() + "\n" + l.Unit
		}
		item := l.Item
		if !l.Applied {
			item += "（未生效：本次结果中没有该单位或指标）"
		}
		tb.rows = append(tb.rows, []string{head, item, l.Value, l.Computed, l.By, overrideTime(l.Override), l.Why})
	}
	return tb
}

// overrideNote explains the mark and the table of overrides.
const overrideNote = "† 标记的得分经人工调整。计算结果原样保存，调整另行记录；“计算值”为按计分规则计算、未经调整的得分。"

// overrides draws the list of every override, after the rankings.
func (d *document) overrides(lines []OverrideLine, periods bool) {
	if len(lines) == 0 {
		return
	}
	d.heading("人工调整", 0, 25)
	d.paragraph(overrideNote, "", sizeSmall, "L")
	d.pdf.Ln(1)
	d.table(overrideTable(lines, periods))
	d.pdf.Ln(6)
}

// unitOverrides draws one sentence per override of a unit's section.
func (d *document) unitOverrides(lines []OverrideLine) {
	if len(lines) == 0 {
		return
	}
	d.subheading("人工调整")
	for _, l := range lines {
		d.paragraph(fmt.Sprintf("%s%s由 %s 调整为 %s（%s，%s）：%s", overrideMark, l.Item, l.Computed, l.Value,
			l.By, overrideTime(l.Override), strings.TrimSpace(l.Why)), "", sizeBody, "L")
	}
}

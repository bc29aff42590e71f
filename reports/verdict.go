package reports

import (
	"cmp"
	"strings"

	"saima"
	"saima/scoring"
)

// VerdictLine is a unit whose result a veto, the fail threshold, a
// penalty or a grade cap lowered, with the reasons in Chinese.
type VerdictLine struct {
	Quarter saima.Period // the quarter of the ranking; set in the annual report only
	Unit    string
	Track   string
	Grade   string // "" when the rule set has no grades
	Reasons []string
}

// verdictLines returns the lines of st's units that have reasons, in the
// standing's order, and whether st's rule set defines grades.
func verdictLines(st *scoring.Standing) ([]VerdictLine, bool) {
	verdicts := st.Verdicts()
	var out []VerdictLine
	for _, e := range st.Entries {
		v, ok := verdicts[e.Unit]
		if !ok || len(v.Reasons) == 0 {
			continue
		}
		out = append(out, VerdictLine{Unit: e.Unit, Track: e.Track, Grade: v.Grade, Reasons: v.Reasons})
	}
	return out, st.Columns().Grade
}

// verdicts draws the units whose result was lowered, with their reasons,
// under the heading 等次与扣分说明. annual adds the quarter of each line,
// and grades a column of grades. It draws nothing when lines is empty.
func (d *document) verdicts(lines []VerdictLine, grades, annual bool) {
	if len(lines) == 0 {
		return
	}
	d.pdf.Ln(6)
	d.heading("等次与扣分说明", 0, 25)
	d.paragraph("下列单位的结果因一票否决、未达及格线、扣分或排名靠后的等次上限而降低，原因见表中。"+
		"等次按计分时的结果确定，人工调整不改变等次。", "", sizeSmall, "L")
	d.pdf.Ln(1)

	tb := table{}
	if annual {
		tb.columns = append(tb.columns, column{"季度", 18, "L"})
	}
	tb.columns = append(tb.columns, column{"单位", 40, "L"}, column{"赛道", 26, "L"})
	if grades {
		tb.columns = append(tb.columns, column{"等次", 16, "L"})
	}
	used := 0.0
	for _, c := range tb.columns {
		used += c.width
	}
	tb.columns = append(tb.columns, column{"原因", contentWidth - used, "L"})

	for _, l := range lines {
		var row []string
		if annual {
			row = append(row, quarterNames[l.Quarter.Index-1])
		}
		row = append(row, l.Unit, l.Track)
		if grades {
			row = append(row, cmp.Or(l.Grade, "—"))
		}
		tb.rows = append(tb.rows, append(row, strings.Join(l.Reasons, "\n")))
	}
	d.table(tb)
}

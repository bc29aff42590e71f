package scoring

import (
	"cmp"
	"fmt"
	"slices"
	"strings"

	"saima"
)

// Columns lists which adjustments the rule set of a standing's run
// defines, so that displays show only those. A rule set without grades
// gets no grade column.
type Columns struct {
	Grade   bool // grades
	Bonus   bool // a bonus
	Penalty bool // penalties
	// Veto is whether the rule set has vetoes or a fail_below, the two
	// ways a unit fails or is capped whatever its composite.
	Veto bool
}

// Any reports whether any column is shown.
func (c Columns) Any() bool { return c.Grade || c.Bonus || c.Penalty || c.Veto }

// Verdict is what a run's adjustments did to one unit, as displays show
// it: the grade, the bonus and penalty points, and why the unit was
// failed, capped or graded down, in Chinese.
type Verdict struct {
	Grade   string
	Bonus   float64
	Penalty float64
	Failed  bool     // failed by a veto or fail_below
	Vetoes  []string // names of the vetoes that applied, or their IDs when the rule set is unknown
	Reasons []string // one sentence per veto, fail threshold, penalty or grade cap
}

// Columns returns the adjustments that the rule set of st's run defines.
// A run without a record shows none. A run whose stored rule set no
// longer parses shows what its stored results hold: a grade column when
// some unit has a grade, and a veto column when some unit has a veto.
func (st *Standing) Columns() Columns {
	if st.Evaluation == nil {
		return Columns{}
	}
	if rs, err := storedRuleSet(st.Evaluation); err == nil {
		a := rs.Adjustments
		return Columns{Grade: len(a.Grades) > 0, Bonus: a.Bonus != nil, Penalty: len(a.Penalties) > 0,
			Veto: len(a.Vetoes) > 0 || a.FailBelow != nil}
	}
	var c Columns
	for _, e := range st.Entries {
		if r := e.Result; r != nil {
			c.Grade = c.Grade || r.Grade != ""
			c.Bonus = c.Bonus || r.Bonus != 0
			c.Penalty = c.Penalty || r.Penalty != 0
			c.Veto = c.Veto || r.Failed || len(r.Vetoes) > 0
		}
	}
	return c
}

// Verdicts returns the verdict of each of st's entries, by unit. An entry
// without stored unit results, as in a run without a record, has none.
// Verdicts are those of the computed result: an override of a composite
// changes no grade, as it changes no rank list.
func (st *Standing) Verdicts() map[string]Verdict {
	var rules *Adjustments
	if st.Evaluation != nil {
		if rs, err := storedRuleSet(st.Evaluation); err == nil {
			rules = &rs.Adjustments
		}
	}
	out := map[string]Verdict{}
	for _, e := range st.Entries {
		if e.Result != nil {
			out[e.Unit] = verdictOf(e, rules)
		}
	}
	return out
}

// verdictOf returns e's verdict under rules, which is nil when the run's
// rule set is unknown. Then the vetoes show by ID, and the reasons give
// only what the stored numbers show.
func verdictOf(e Entry, rules *Adjustments) Verdict {
	r := e.Result
	v := Verdict{Grade: r.Grade, Bonus: r.Bonus, Penalty: r.Penalty, Failed: r.Failed}
	lowest := ""
	if rules != nil && len(rules.Grades) > 0 {
		lowest = rules.Grades[len(rules.Grades)-1].Name
	}
	for _, id := range r.Vetoes {
		veto := Veto{ID: id, Name: id}
		if rules != nil {
			if i := slices.IndexFunc(rules.Vetoes, func(x Veto) bool { return x.ID == id }); i >= 0 {
				veto = rules.Vetoes[i]
			}
		}
		v.Vetoes = append(v.Vetoes, veto.Name)
		v.Reasons = append(v.Reasons, vetoReason(veto, lowest))
	}
	if r.Failed && !r.Stopped && rules != nil && rules.FailBelow != nil {
		v.Reasons = append(v.Reasons, failReason(r.Base, *rules.FailBelow, lowest))
	}
	if r.Penalty > 0 {
		v.Reasons = append(v.Reasons, penaltyReason(r.Penalty, rules))
	}
	if reason := capReason(e, rules); reason != "" {
		v.Reasons = append(v.Reasons, reason)
	}
	return v
}

// vetoReason returns the sentence that describes what veto did.
func vetoReason(veto Veto, lowest string) string {
	switch veto.Action {
	case VetoFail:
		if lowest != "" {
			return fmt.Sprintf("一票否决：%s，综合得分计为 0，评为%s", veto.Name, lowest)
		}
		return fmt.Sprintf("一票否决：%s，综合得分计为 0", veto.Name)
	case VetoScore:
		return fmt.Sprintf("一票否决：%s，综合得分不高于 %s", veto.Name, saima.FormatComposite(veto.Score))
	case VetoGrade:
		return fmt.Sprintf("一票否决：%s，等次不高于%s", veto.Name, veto.Grade)
	}
	return "一票否决：" + veto.Name
}

// failReason returns the sentence for a unit whose base composite is
// below fail_below.
func failReason(base, failBelow float64, lowest string) string {
	text := fmt.Sprintf("基础得分 %s 低于及格线 %s，不加分", saima.FormatComposite(base),
		saima.FormatComposite(failBelow))
	if lowest != "" {
		text += "，评为" + lowest
	}
	return text
}

// penaltyReason returns the sentence for penalty points, naming the rule
// set's penalty items when rules is known.
//
// NOTE: runs store the penalty total only, not each item's points, so
// the sentence names every penalty item of the rule set, not just the
// ones that applied.
func penaltyReason(points float64, rules *Adjustments) string {
	text := fmt.Sprintf("扣 %s 分", saima.FormatComposite(points))
	if rules == nil || len(rules.Penalties) == 0 {
		return text
	}
	names := make([]string, len(rules.Penalties))
	for i, p := range rules.Penalties {
		names[i] = cmp.Or(p.Name, p.ID)
	}
	return text + "（扣分项：" + strings.Join(names, "、") + "）"
}

// capReason returns the sentence for a grade that a grade cap of the
// track's last places lowered, or "" when none did. A veto or the fail
// threshold explains a lower grade on its own.
func capReason(e Entry, rules *Adjustments) string {
	r := e.Result
	if rules == nil || len(rules.GradeCaps) == 0 || r.Failed || len(r.Vetoes) > 0 {
		return ""
	}
	if rules.Grade(e.Computed.Value) == r.Grade {
		return ""
	}
	for _, c := range rules.GradeCaps {
		if c.Grade == r.Grade {
			return fmt.Sprintf("位列本赛道后 %d 名，等次不高于%s", c.Bottom, c.Grade)
		}
	}
	return ""
}

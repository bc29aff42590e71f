package scoring

import (
	"fmt"
	"math"
	"sort"

	"saima"
)

// MaxLeadershipPoints is the most leadership points (领导评价加分) a unit can
// get in the annual stocktake.
const MaxLeadershipPoints = 5

// Annual is the rule set's formula for the annual stocktake (年度总盘点):
//
//	total = QuarterWeight × mean of the quarterly composites
//	      + leadership points (0 to MaxLeadershipPoints)
//	      + YearEndWeight × year-end evaluation
//
// The year-end evaluation is the unit's mean rate of 得分 ÷ 满分 × 100 over
// its assessment records of the year itself. A missing one never counts as
// 0 when YearEndWeight is above 0. A track where no unit has records
// scores (QuarterWeight + YearEndWeight) × the quarterly mean + points.
// In a track where some units have records, the others get no score and
// no rank until theirs arrive. The annual report (package reports)
// applies this rule.
type Annual struct {
	QuarterWeight float64            `yaml:"quarter_weight"`
	YearEndWeight float64            `yaml:"year_end_weight"`
	Leadership    map[string]float64 `yaml:"leadership"` // points by unit name
}

// AnnualRule returns the rule set's annual formula, or the default of
// 0.95 × the quarterly mean with no leadership points and no year-end
// evaluation when the file has no annual section.
func (rs *RuleSet) AnnualRule() Annual {
	if rs == nil || rs.Annual == nil {
		return Annual{QuarterWeight: 0.95}
	}
	return *rs.Annual
}

func (a *Annual) validate(idx *pathIndex) []error {
	var out []error
	for _, w := range []struct {
		path string
		v    float64
	}{{"annual.quarter_weight", a.QuarterWeight}, {"annual.year_end_weight", a.YearEndWeight}} {
		if w.v < 0 || w.v > 1 || math.IsNaN(w.v) {
			out = append(out, idx.problem(w.path, "权重 %s 无效，应在 0 到 1 之间", saima.FormatNumber(w.v)))
		}
	}
	// The two weights share the year between them, so that an annual
	// score stays on the quarterly scale plus at most the leadership
	// points. 1e-9 lets decimal pairs such as 0.95 and 0.05 through.
	if sum := a.QuarterWeight + a.YearEndWeight; sum > 1+1e-9 {
		out = append(out, idx.problem("annual", "quarter_weight %s 与 year_end_weight %s 之和为 %s，不能超过 1："+
			"两者分摊季度平均与年终考评在年度得分中的比重，请调低其中一个",
			saima.FormatNumber(a.QuarterWeight), saima.FormatNumber(a.YearEndWeight), saima.FormatNumber(sum)))
	}
	units := make([]string, 0, len(a.Leadership))
	for u := range a.Leadership {
		units = append(units, u)
	}
	sort.Strings(units)
	for _, u := range units {
		if p := a.Leadership[u]; p < 0 || p > MaxLeadershipPoints || math.IsNaN(p) {
			out = append(out, idx.problem(fmt.Sprintf("annual.leadership.%s", u),
				"单位 %s 的领导评价加分 %s 无效，应在 0 到 %d 之间", u, saima.FormatNumber(p), MaxLeadershipPoints))
		}
	}
	return out
}

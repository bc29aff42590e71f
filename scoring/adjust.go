package scoring

import (
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"

	"github.com/shopspring/decimal"

	"saima"
)

// Adjustments are the rules applied to a unit's composite after the
// indicator tree: bonuses, penalties, vetoes, grades and red or black lists.
type Adjustments struct {
	Bonus     *Bonus       `yaml:"bonus"`
	Penalties []Adjustment `yaml:"penalties"` // points deducted from the composite
	Vetoes    []Veto       `yaml:"vetoes"`

	// FailBelow fails a unit whose composite before bonus is below it: it
	// gets no bonus and the lowest grade.
	FailBelow *float64 `yaml:"fail_below"`

	// Grades are bands, best first, each from its inclusive Min up. The
	// last band may omit Min to catch everything below.
	Grades []Grade `yaml:"grades"`
	// GradePlaces, when set, rounds the composite half-up to that many
	// decimal places before grading, so the grade agrees with the displayed
	// score. Unset grades the full-precision value.
	GradePlaces *int32 `yaml:"grade_places"`
	// RankPlaces, when set, ranks the composites rounded half-up to that
	// many decimal places, so units shown with the same score share a
	// rank. Unset ranks them at full precision (to 1e-9).
	RankPlaces *int32 `yaml:"rank_places"`
	// GradeCaps limit the grade of units at the bottom of their track.
	GradeCaps []GradeCap `yaml:"grade_caps"`

	Lists []RankList `yaml:"lists"`
}

// Bonus adds points for extra achievements, such as 加分项.
type Bonus struct {
	// Above, when set, grants the bonus only to units whose composite
	// before bonus is above it (strictly).
	Above *float64     `yaml:"above"`
	Cap   float64      `yaml:"cap"` // maximum bonus points in total; 0 means no cap
	Items []Adjustment `yaml:"items"`
}

// Adjustment is one bonus or penalty item read from an input. It gives
// Points for every Every units of the input (whole steps only), or Points
// per unit when Every is 0, and at most Cap when Cap is above 0.
type Adjustment struct {
	ID     string  `yaml:"id"`
	Name   string  `yaml:"name"`
	Source string  `yaml:"source"`
	Points float64 `yaml:"points"`
	Every  float64 `yaml:"every"`
	Cap    float64 `yaml:"cap"`
}

// Veto actions.
const (
	VetoFail  = "fail"  // the unit fails: composite 0 and the lowest grade
	VetoScore = "score" // the composite is at most Veto.Score, such as 59
	VetoGrade = "grade" // the grade is at most Veto.Grade, such as 一票否优
)

// Veto is a rule that overrides the score when its input is above 0.
type Veto struct {
	ID     string  `yaml:"id"`
	Name   string  `yaml:"name"`
	Source string  `yaml:"source"`
	Action string  `yaml:"action"` // one of the Veto constants
	Score  float64 `yaml:"score"`  // for VetoScore
	Grade  string  `yaml:"grade"`  // for VetoGrade: the best grade allowed
}

// Grade is a grade band.
type Grade struct {
	Name string   `yaml:"name"`
	Min  *float64 `yaml:"min"` // inclusive lower bound; nil for the catch-all last band
}

// GradeCap keeps the last Bottom places of every track from a grade better
// than Grade.
type GradeCap struct {
	Bottom int    `yaml:"bottom"`
	Grade  string `yaml:"grade"`
}

// RankList names units by rank, such as a red list (红榜) of the top 5 that
// beat their target or a black list (黑榜) of the bottom 4 that missed it.
type RankList struct {
	Name   string     `yaml:"name"`
	Top    int        `yaml:"top"`    // ranks 1 to Top qualify
	Bottom int        `yaml:"bottom"` // the last Bottom places qualify
	When   *Condition `yaml:"when"`   // an extra condition; nil means none
	// Exempt names units that are never on the list. The places they take
	// stay taken, so an exemption shortens the list rather than moving the
	// next unit onto it.
	Exempt []string `yaml:"exempt"`
	// MinTrack is the fewest ranked units a track needs to get the list.
	// Zero means twice the list's length (Top or Bottom), so that a list
	// never takes in more than half its track: in a track of one unit,
	// the bottom 3 would be the whole track.
	MinTrack int `yaml:"min_track"`
}

// MinUnits returns the fewest ranked units a track needs to get the list:
// MinTrack, or twice the list's length when MinTrack is 0.
func (l RankList) MinUnits() int {
	if l.MinTrack > 0 {
		return l.MinTrack
	}
	return 2 * max(l.Top, l.Bottom)
}

// WithheldList is a rank list that a track does not get because it has
// fewer units than the list's minimum.
type WithheldList struct {
	List  string // the list's name, such as 黑榜
	Units int    // the track's ranked units
	Need  int    // the list's minimum, RankList.MinUnits
}

// Note returns why the track has no such list, as pages and reports
// print it.
func (w WithheldList) Note() string {
	return fmt.Sprintf("本赛道只有 %d 个单位，少于%s要求的 %d 个，不评%s", w.Units, w.List, w.Need, w.List)
}

// Withheld returns the lists of the rule set that a track of units ranked
// units does not get, in rule-set order; nil when it gets every list.
func (rs *RuleSet) Withheld(units int) []WithheldList {
	var out []WithheldList
	for _, l := range rs.Lists {
		if need := l.MinUnits(); units < need {
			out = append(out, WithheldList{List: l.Name, Units: units, Need: need})
		}
	}
	return out
}

// ListNotes returns the notes of [RuleSet.Withheld] for a track of units
// ranked units, such as 本赛道只有 1 个单位，少于黑榜要求的 6 个，不评黑榜.
func (rs *RuleSet) ListNotes(units int) []string {
	var notes []string
	for _, w := range rs.Withheld(units) {
		notes = append(notes, w.Note())
	}
	return notes
}

// EmptyList is a rank list that a track is large enough for, but that
// names no unit, because no unit in the places it takes meets its
// condition.
type EmptyList struct {
	List RankList
}

// Note returns why the list names no unit, as pages and reports print
// it, such as 本赛道前 3 名中没有综合得分达到 85 的单位，本期红榜空缺.
func (e EmptyList) Note() string {
	l := e.List
	places := fmt.Sprintf("前 %d 名", l.Top)
	if l.Bottom > 0 {
		places = fmt.Sprintf("后 %d 名", l.Bottom)
	}
	meets := "可以上榜的单位"
	if l.When != nil {
		meets = l.When.text() + " 的单位"
	}
	if len(l.Exempt) > 0 {
		meets += "（不计免于上榜的单位）"
	}
	return fmt.Sprintf("本赛道%s中没有%s，本期%s空缺", places, meets, l.Name)
}

// EmptyLists returns the lists of the rule set that a track of units
// ranked units is large enough for (see [RuleSet.Withheld]) but whose
// names are missing from named, the lists that the track's units are on.
// They are in rule-set order, and nil when there is none.
func (rs *RuleSet) EmptyLists(units int, named []string) []EmptyList {
	var out []EmptyList
	for _, l := range rs.Lists {
		if units >= l.MinUnits() && !slices.Contains(named, l.Name) {
			out = append(out, EmptyList{List: l})
		}
	}
	return out
}

// text returns the condition as a list's note words it, such as
// 综合得分达到 85 or 目标完成度高于 100.
func (c *Condition) text() string {
	source := c.Source
	if source == SourceComposite {
		source = "综合得分"
	}
	var bounds []string
	for _, b := range []struct {
		word  string
		value *float64
	}{{"高于", c.Above}, {"达到", c.AtLeast}, {"低于", c.Below}, {"不高于", c.AtMost}} {
		if b.value != nil {
			bounds = append(bounds, b.word+" "+strconv.FormatFloat(*b.value, 'f', -1, 64))
		}
	}
	return source + strings.Join(bounds, " 且")
}

// SourceComposite is the source name by which a list condition tests the
// unit's final composite. Only list conditions may use it.
const SourceComposite = "composite"

// Condition tests an input. Every bound that is set must hold, and a unit
// without the input fails the test.
type Condition struct {
	Source  string   `yaml:"source"`
	Above   *float64 `yaml:"above"`
	Below   *float64 `yaml:"below"`
	AtLeast *float64 `yaml:"at_least"`
	AtMost  *float64 `yaml:"at_most"`
}

func (a *Adjustments) validate(rs *RuleSet, idx *pathIndex) []error {
	v := adjustCheck{rs: rs, idx: idx}
	if a.Bonus != nil {
		v.items("bonus.items", a.Bonus.Items)
		if a.Bonus.Cap < 0 {
			v.fail("bonus.cap", "cap 不能为负数")
		}
	}
	v.items("penalties", a.Penalties)
	for i, veto := range a.Vetoes {
		v.veto(fmt.Sprintf("vetoes[%d]", i), veto)
	}
	v.grades(a.Grades)
	if a.GradePlaces != nil && (*a.GradePlaces < 0 || *a.GradePlaces > 6) {
		v.fail("grade_places", "grade_places 须在 0 到 6 之间")
	}
	if a.RankPlaces != nil && (*a.RankPlaces < 0 || *a.RankPlaces > 6) {
		v.fail("rank_places", "rank_places 须在 0 到 6 之间")
	}
	for i, c := range a.GradeCaps {
		path := fmt.Sprintf("grade_caps[%d]", i)
		if c.Bottom <= 0 {
			v.fail(path+".bottom", "bottom 须为正整数")
		}
		v.gradeName(path+".grade", c.Grade)
	}
	seen := map[string]int{}
	for i, l := range a.Lists {
		path := fmt.Sprintf("lists[%d]", i)
		v.list(path, l)
		// The pages and reports print a list by its name, so two lists of
		// one name would print as one with every unit of both, some twice.
		key := nameKey(l.Name)
		if j, dup := seen[key]; dup && key != "" {
			v.out = append(v.out, addedCheck(v.idx.problem(path+".name",
				"名单名称 %s 与 lists[%d] 重复，页面和报告按名称列出名单，两份名单会合成一份；请改用不同的名称，或合并为一条规则",
				strings.TrimSpace(l.Name), j)))
		} else if !dup {
			seen[key] = i
		}
	}
	return v.out
}

type adjustCheck struct {
	rs  *RuleSet
	idx *pathIndex
	out []error
}

func (v *adjustCheck) fail(path, format string, args ...any) {
	v.out = append(v.out, v.idx.problem(path, format, args...))
}

func (v *adjustCheck) source(path, name string) {
	if !v.rs.sourceKnown(name) {
		v.fail(path, "未知的数据来源 %q：请使用内置来源或在 inputs 中声明", name)
	}
}

func (v *adjustCheck) items(path string, items []Adjustment) {
	for i, it := range items {
		p := fmt.Sprintf("%s[%d]", path, i)
		if !idRE.MatchString(it.ID) {
			v.fail(p+".id", "id %q 无效：须以小写字母开头，只含小写字母、数字和下划线", it.ID)
		}
		v.source(p+".source", it.Source)
		if !finite(it.Points, it.Every, it.Cap) || it.Points < 0 || it.Every < 0 || it.Cap < 0 {
			v.fail(p, "points、every 和 cap 须为非负的有限数字")
		}
	}
}

func (v *adjustCheck) veto(path string, veto Veto) {
	if !idRE.MatchString(veto.ID) {
		v.fail(path+".id", "id %q 无效：须以小写字母开头，只含小写字母、数字和下划线", veto.ID)
	}
	v.source(path+".source", veto.Source)
	switch veto.Action {
	case VetoFail:
	case VetoScore:
		if !v.idx.has(path + ".score") {
			v.fail(path+".score", "action 为 score 时需要 score（例如 59）")
		}
	case VetoGrade:
		v.gradeName(path+".grade", veto.Grade)
	default:
		v.fail(path+".action", "未知的否决方式 %q，可选 %s、%s 或 %s", veto.Action, VetoFail, VetoScore, VetoGrade)
	}
}

func (v *adjustCheck) grades(grades []Grade) {
	for i, g := range grades {
		path := fmt.Sprintf("grades[%d]", i)
		if strings.TrimSpace(g.Name) == "" || slices.IndexFunc(grades, func(h Grade) bool { return h.Name == g.Name }) < i {
			v.fail(path+".name", "等次名称 %q 为空或重复", g.Name)
		}
		switch {
		case g.Min == nil && i < len(grades)-1:
			v.fail(path+".min", "只有最后一个等次可以不写 min")
		case g.Min != nil && i > 0 && grades[i-1].Min != nil && *g.Min >= *grades[i-1].Min:
			v.fail(path+".min", "等次须从高到低排列，min（%s）须小于上一等次的 min（%s）",
				saima.FormatNumber(*g.Min), saima.FormatNumber(*grades[i-1].Min))
		}
	}
}

func (v *adjustCheck) gradeName(path, name string) {
	if !slices.ContainsFunc(v.rs.Grades, func(g Grade) bool { return g.Name == name }) {
		v.fail(path, "没有名为 %q 的等次，请先在 grades 中定义", name)
	}
}

func (v *adjustCheck) list(path string, l RankList) {
	if strings.TrimSpace(l.Name) == "" {
		v.fail(path+".name", "缺少名单名称 name")
	}
	if (l.Top > 0) == (l.Bottom > 0) {
		v.fail(path, "top 和 bottom 须设且只设一个正整数")
	}
	if l.MinTrack < 0 {
		v.fail(path+".min_track", "min_track 不能为负数；不写或写 0 表示赛道至少要有榜单人数的两倍")
	}
	if l.When != nil && l.When.Source != SourceComposite {
		v.source(path+".when.source", l.When.Source)
	}
	if l.When != nil {
		v.condition(path+".when", *l.When)
	}
}

// bound is one limit of a list condition, such as at_least 85.
type bound struct {
	field  string
	value  float64
	strict bool
}

// condition rejects a condition that no value meets, such as at_least 85
// with below 60, which would leave its list empty in every period.
func (v *adjustCheck) condition(path string, c Condition) {
	var lower, upper *bound
	tighter := func(cur *bound, b bound, higher bool) *bound {
		switch {
		case cur == nil, higher && b.value > cur.value, !higher && b.value < cur.value:
			return &b
		case b.value == cur.value && b.strict:
			return &b
		}
		return cur
	}
	if c.Above != nil {
		lower = tighter(lower, bound{"above", *c.Above, true}, true)
	}
	if c.AtLeast != nil {
		lower = tighter(lower, bound{"at_least", *c.AtLeast, false}, true)
	}
	if c.Below != nil {
		upper = tighter(upper, bound{"below", *c.Below, true}, false)
	}
	if c.AtMost != nil {
		upper = tighter(upper, bound{"at_most", *c.AtMost, false}, false)
	}
	if lower == nil || upper == nil || lower.value < upper.value ||
		lower.value == upper.value && !lower.strict && !upper.strict {
		return
	}
	v.out = append(v.out, addedCheck(v.idx.problem(path, "没有一个值能同时满足 %s %s 和 %s %s，名单将永远为空；请检查上下限是否写反",
		lower.field, saima.FormatNumber(lower.value), upper.field, saima.FormatNumber(upper.value))))
}

// itemPoints returns the points of items for one unit's inputs.
func itemPoints(items []Adjustment, values map[string]float64) float64 {
	total := 0.0
	for _, it := range items {
		x, ok := values[it.Source]
		if !ok || x <= 0 {
			continue
		}
		steps := x
		if it.Every > 0 {
			steps = math.Floor(math.Round(x/it.Every*1e9) / 1e9)
		}
		p := it.Points * steps
		if it.Cap > 0 {
			p = min(p, it.Cap)
		}
		total += p
	}
	return total
}

// adjust applies bonus, penalties, vetoes and the fail threshold to a
// unit's base composite.
func (a *Adjustments) adjust(r *Result, values map[string]float64) {
	r.Value = r.Base
	for _, veto := range a.Vetoes {
		if values[veto.Source] > 0 {
			r.Vetoes = append(r.Vetoes, veto.ID)
		}
	}
	if a.vetoed(r, VetoFail) {
		r.Failed, r.Value, r.stopped = true, 0, true
		return
	}

	// The thresholds compare the base as ranks compare composites, to
	// 1e-9, so that 59.99999999999999 for 60 does not fail fail_below: 60.
	base := tieKey(r.Base)
	r.Failed = a.FailBelow != nil && base < *a.FailBelow
	if a.Bonus != nil && !r.Failed && (a.Bonus.Above == nil || base > *a.Bonus.Above) {
		r.Bonus = itemPoints(a.Bonus.Items, values)
		if a.Bonus.Cap > 0 {
			r.Bonus = min(r.Bonus, a.Bonus.Cap)
		}
	}
	r.Penalty = itemPoints(a.Penalties, values)
	r.Value = r.Base + r.Bonus - r.Penalty
	for _, veto := range a.Vetoes {
		if veto.Action == VetoScore && slices.Contains(r.Vetoes, veto.ID) {
			r.Value = min(r.Value, veto.Score)
		}
	}
}

func (a *Adjustments) vetoed(r *Result, action string) bool {
	return slices.ContainsFunc(a.Vetoes, func(v Veto) bool {
		return v.Action == action && slices.Contains(r.Vetoes, v.ID)
	})
}

// Grade returns the grade of composite v: the first band whose Min v
// reaches, after rounding v half-up to GradePlaces when that is set. It
// rounds as saima.FormatComposite does, through 9 places first, so that
// float noise such as 89.94999999999999, shown as 90.0, grades as 90.
// It returns "" when no band matches.
func (a *Adjustments) Grade(v float64) string {
	if a.GradePlaces != nil {
		v = decimal.NewFromFloat(v).Round(9).Round(*a.GradePlaces).InexactFloat64()
	}
	for _, g := range a.Grades {
		if g.Min == nil || v >= *g.Min {
			return g.Name
		}
	}
	return ""
}

// grade sets the grade and list memberships of every result in one
// ranked track of n units.
//
// A unit is in a track's last k places when fewer than k units rank
// below it, so that a tie across the boundary takes in every tied unit,
// as a tie on the top k's last place does.
func (a *Adjustments) grade(results []Result, values []map[string]float64) {
	n := len(results)
	below := make([]int, n) // the number of units ranked below each
	for i := range results {
		for j := range results {
			if results[j].Rank > results[i].Rank {
				below[i]++
			}
		}
	}
	for i := range results {
		r := &results[i]
		r.Grade = a.Grade(r.Value)
		if r.Failed && len(a.Grades) > 0 {
			r.Grade = a.Grades[len(a.Grades)-1].Name
		}
		for _, veto := range a.Vetoes {
			if veto.Action == VetoGrade && slices.Contains(r.Vetoes, veto.ID) {
				r.Grade = a.capGrade(r.Grade, veto.Grade)
			}
		}
		for _, c := range a.GradeCaps {
			if below[i] < c.Bottom {
				r.Grade = a.capGrade(r.Grade, c.Grade)
			}
		}
		for _, l := range a.Lists {
			if l.qualifies(r, n, below[i], values[i]) {
				r.Lists = append(r.Lists, l.Name)
			}
		}
	}
}

// capGrade returns grade, or limit when grade is better than limit.
func (a *Adjustments) capGrade(grade, limit string) string {
	rank := func(name string) int {
		i := slices.IndexFunc(a.Grades, func(g Grade) bool { return g.Name == name })
		if i < 0 {
			return len(a.Grades) // no grade is the worst
		}
		return i
	}
	if rank(grade) < rank(limit) {
		return limit
	}
	return grade
}

// qualifies reports whether r, ranked in a track of n units above below
// others, is on the list.
func (l RankList) qualifies(r *Result, n, below int, values map[string]float64) bool {
	if n < l.MinUnits() {
		return false
	}
	inRange := (l.Top > 0 && r.Rank <= l.Top) || (l.Bottom > 0 && below < l.Bottom)
	return inRange && !slices.Contains(l.Exempt, r.Unit) && (l.When == nil || l.When.holds(r, values))
}

func (c *Condition) holds(r *Result, values map[string]float64) bool {
	x, ok := values[c.Source]
	if c.Source == SourceComposite {
		x, ok = r.Value, true
	}
	x = tieKey(x) // compared to 1e-9, as ranks compare composites
	switch {
	case !ok:
		return false
	case c.Above != nil && !(x > *c.Above):
		return false
	case c.Below != nil && !(x < *c.Below):
		return false
	case c.AtLeast != nil && !(x >= *c.AtLeast):
		return false
	case c.AtMost != nil && !(x <= *c.AtMost):
		return false
	}
	return true
}

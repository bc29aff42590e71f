package scoring

import (
	"cmp"
	"math"
	"slices"
	"strings"

	"saima"
)

// Normalisation methods. Each turns the raw values of one indicator, over
// the units of one track that have a value, into scores.
const (
	// NormNone uses the raw value as the score.
	NormNone = "none"
	// NormMinMax maps the track's worst value to Range[0] and its best to
	// Range[1], linearly.
	NormMinMax = "minmax"
	// NormZScore gives Mean + SD × (x − mean) ÷ sd, with the sample
	// standard deviation (n − 1) of the track.
	NormZScore = "zscore"
	// NormRank gives the rank from the worst value upwards, 1 to n, with
	// tied values sharing the lowest of their ranks.
	NormRank = "rank"
	// NormPercentile gives (rank − 1) ÷ (n − 1) × 100 with NormRank's rank.
	NormPercentile = "percentile"
	// NormBorda gives rank − 1 with NormRank's rank.
	NormBorda = "borda"
	// NormGoalposts maps Lower to 0 and Upper to 100 (the other way round
	// for lower-is-better indicators), clamped to [0, Cap]. Target
	// attainment is goalposts from 0 to the target.
	NormGoalposts = "goalposts"
	// NormFrontier is the distance to the frontier: (Worst − x) ÷ (Worst −
	// Frontier) × 100, clamped to [0, 100]. Frontier may be above or below
	// Worst, so it needs no direction.
	NormFrontier = "frontier"
	// NormEfficacy is the efficacy coefficient (功效系数): Base + Span × (x −
	// NotAllowed) ÷ (Satisfied − NotAllowed), by default 60 + 40 × ….
	NormEfficacy = "efficacy"
	// NormProportional gives Full × x ÷ best, where best is the track's
	// highest value, or Full × best ÷ x with the lowest for lower-is-better.
	// A best (or x) of 0 scores 0.
	NormProportional = "proportional"
	// NormVector gives x ÷ √Σx², the vector normalisation TOPSIS uses,
	// negated for lower-is-better indicators.
	NormVector = "vector"
	// NormRankPoints gives points by rank, best first (competition ranks):
	// Points[rank − 1] from a table, or First − Step × (rank − 1), never
	// below Floor. With From "bottom" the last place gets Last and each
	// place up adds Step.
	NormRankPoints = "rank_points"
	// NormThreshold gives Full when x reaches Target and deducts Per for
	// each unit of shortfall, never below Floor.
	NormThreshold = "threshold"
	// NormLinear gives Base plus Up per unit of a positive x, at most UpCap,
	// minus Down per unit of a negative x, at most DownCap.
	NormLinear = "linear"
	// NormDeduction gives Full minus PerCase for each case, deducting at
	// most Cap in total, and Escalation's score from its case count on.
	NormDeduction = "deduction"
)

// Methods lists the normalisation methods a rule set may name.
var Methods = []string{
	NormNone, NormMinMax, NormZScore, NormRank, NormPercentile, NormBorda,
	NormGoalposts, NormFrontier, NormEfficacy, NormProportional, NormVector,
	NormRankPoints, NormThreshold, NormLinear, NormDeduction,
}

// Constant-indicator policies: what methods that divide by the spread of
// the values (minmax, zscore, percentile) give when every unit in the track
// has the same value, including a track of one.
const (
	ConstantMax  = "max"  // the top of the output range (Range[1], Mean or 100)
	ConstantMid  = "mid"  // the middle of the output range; the default
	ConstantMin  = "min"  // the bottom of the output range
	ConstantDrop = "drop" // leave the indicator out of the track, as if no unit had a value
)

// Normaliser turns an indicator's raw values within one track into scores.
// Which fields apply depends on Method; a field set for another method is
// a validation error. Zero fields take the defaults given per field.
type Normaliser struct {
	Method string `yaml:"method"` // one of [Methods]

	Lower float64 `yaml:"lower"` // goalposts: the value scoring 0 (higher is better)
	Upper float64 `yaml:"upper"` // goalposts: the value scoring 100 (higher is better)
	Cap   float64 `yaml:"cap"`   // goalposts: the highest score; 0 means 100

	Range    []float64 `yaml:"range"`    // minmax: output range; empty means [0, 100]
	Constant string    `yaml:"constant"` // minmax, zscore, percentile: ConstantMid when empty

	Mean float64 `yaml:"mean"` // zscore: the score of the track mean; 0 by default
	SD   float64 `yaml:"sd"`   // zscore: points per standard deviation; 0 means 1

	Worst    float64 `yaml:"worst"`    // frontier: the value scoring 0
	Frontier float64 `yaml:"frontier"` // frontier: the value scoring 100

	NotAllowed float64 `yaml:"not_allowed"` // efficacy: x_s, the value scoring Base
	Satisfied  float64 `yaml:"satisfied"`   // efficacy: x_h, the value scoring Base + Span
	Base       float64 `yaml:"base"`        // efficacy: 0 means 60; linear: the score at x = 0
	Span       float64 `yaml:"span"`        // efficacy: 0 means 40

	Full float64 `yaml:"full"` // proportional, threshold, deduction: full marks; 0 means 100

	Points []float64 `yaml:"points"` // rank_points: points for rank 1, 2, …
	First  float64   `yaml:"first"`  // rank_points: points for rank 1
	Last   float64   `yaml:"last"`   // rank_points with from bottom: points for the last place
	Step   float64   `yaml:"step"`   // rank_points: points between adjacent ranks
	From   string    `yaml:"from"`   // rank_points: "top" (default) or "bottom"
	Floor  *float64  `yaml:"floor"`  // rank_points, threshold: lowest score; threshold defaults to 0

	Target float64 `yaml:"target"` // threshold: the value that earns Full
	Per    float64 `yaml:"per"`    // threshold: deduction per unit of shortfall
	Whole  bool    `yaml:"whole"`  // threshold: count only whole units of shortfall

	Up      float64 `yaml:"up"`       // linear: points per unit above 0
	UpCap   float64 `yaml:"up_cap"`   // linear: maximum points added; 0 means no cap
	Down    float64 `yaml:"down"`     // linear: points per unit below 0
	DownCap float64 `yaml:"down_cap"` // linear: maximum points deducted; 0 means no cap

	PerCase    float64      `yaml:"per_case"`   // deduction: points per case
	Escalation []Escalation `yaml:"escalation"` // deduction: fixed scores from a case count on
}

// Escalation sets a deduction item's score once its cases reach Cases,
// such as 0 from the second finding on.
type Escalation struct {
	Cases float64 `yaml:"cases"`
	Score float64 `yaml:"score"`
}

// fieldsFor lists the fields each method reads, so that a field set for
// the wrong method is reported instead of silently ignored.
var fieldsFor = map[string][]string{
	NormNone:         nil,
	NormMinMax:       {"range", "constant"},
	NormZScore:       {"mean", "sd", "constant"},
	NormRank:         nil,
	NormPercentile:   {"constant"},
	NormBorda:        nil,
	NormGoalposts:    {"lower", "upper", "cap"},
	NormFrontier:     {"worst", "frontier"},
	NormEfficacy:     {"not_allowed", "satisfied", "base", "span", "cap"},
	NormProportional: {"full"},
	NormVector:       nil,
	NormRankPoints:   {"points", "first", "last", "step", "from", "floor"},
	NormThreshold:    {"target", "full", "per", "whole", "floor"},
	NormLinear:       {"base", "up", "up_cap", "down", "down_cap"},
	NormDeduction:    {"full", "per_case", "cap", "escalation"},
}

var allNormaliserFields = []string{
	"lower", "upper", "cap", "range", "constant", "mean", "sd", "worst", "frontier",
	"not_allowed", "satisfied", "base", "span", "full", "points", "first", "last", "step",
	"from", "floor", "target", "per", "whole", "up", "up_cap", "down", "down_cap",
	"per_case", "escalation",
}

// spreadMethods divide by the spread of the track's values, so a constant
// indicator needs a policy.
var spreadMethods = []string{NormMinMax, NormZScore, NormPercentile}

func (n *Normaliser) setDefaults() {
	if n.Constant == "" && slices.Contains(spreadMethods, n.Method) {
		n.Constant = ConstantMid
	}
	switch n.Method {
	case NormGoalposts:
		n.Cap = cmp.Or(n.Cap, 100)
	case NormMinMax:
		if len(n.Range) == 0 {
			n.Range = []float64{0, 100}
		}
	case NormZScore:
		n.SD = cmp.Or(n.SD, 1)
	case NormEfficacy:
		n.Base = cmp.Or(n.Base, 60)
		n.Span = cmp.Or(n.Span, 40)
	case NormProportional, NormThreshold, NormDeduction:
		n.Full = cmp.Or(n.Full, 100)
	}
	if n.Method == NormDeduction && n.Cap == 0 {
		n.Cap = n.Full
	}
	if n.Method == NormThreshold && n.Floor == nil {
		n.Floor = new(float64)
	}
	if n.Method == NormRankPoints {
		n.From = cmp.Or(n.From, "top")
	}
}

// targets returns the fields of a frontier or efficacy normaliser that
// set which way it scores: the one whose value scores worst, and the one
// whose value scores best. ok is false for the other methods.
func (n Normaliser) targets() (worstField string, worst float64, bestField string, best float64, ok bool) {
	switch n.Method {
	case NormFrontier:
		return "worst", n.Worst, "frontier", n.Frontier, true
	case NormEfficacy:
		return "not_allowed", n.NotAllowed, "satisfied", n.Satisfied, true
	}
	return "", 0, "", 0, false
}

// impliedDirection returns LowerIsBetter or HigherIsBetter as the targets
// of a frontier or efficacy normaliser score, or "" for other methods and
// equal targets. Those methods score by their targets alone, but a
// robustness draw that swaps in another normaliser needs the direction.
func (n Normaliser) impliedDirection() string {
	_, worst, _, best, ok := n.targets()
	switch {
	case !ok || worst == best:
		return ""
	case worst > best:
		return LowerIsBetter
	}
	return HigherIsBetter
}

// Apply returns the scores of values, the raw values of the units in one
// track that have a value, in the same order. direction is HigherIsBetter
// or LowerIsBetter. It returns nil when the values are constant and the
// policy is ConstantDrop. The Normaliser must have come from a parsed
// RuleSet, which sets its defaults.
func (n Normaliser) Apply(values []float64, direction string) []float64 {
	if len(values) == 0 {
		return nil
	}
	sign := 1.0
	if direction == LowerIsBetter {
		sign = -1
	}
	if slices.Contains(comparingMethods, n.Method) {
		values = mergeNoise(values)
	}
	if slices.Contains(spreadMethods, n.Method) && isConstant(values) {
		return n.constantScores(len(values))
	}
	switch n.Method {
	case NormMinMax, NormZScore, NormRank, NormPercentile, NormBorda, NormVector, NormRankPoints:
		return n.relative(values, sign)
	case NormProportional:
		return n.proportional(values, sign)
	}
	out := make([]float64, len(values))
	for i, v := range values {
		out[i] = n.absolute(v, sign)
	}
	return out
}

// relative scores values against each other, after multiplying them by
// sign so that higher is always better.
func (n Normaliser) relative(values []float64, sign float64) []float64 {
	x := make([]float64, len(values))
	for i, v := range values {
		x[i] = sign * v
	}
	switch n.Method {
	case NormMinMax:
		return minMax(x, n.Range[0], n.Range[1])
	case NormZScore:
		return zScore(x, n.Mean, n.SD)
	case NormVector:
		return vectorNorm(x)
	case NormRankPoints:
		return n.rankPoints(x)
	}
	ranks := ascendingRanks(x)
	out := make([]float64, len(x))
	for i, r := range ranks {
		switch n.Method {
		case NormRank:
			out[i] = float64(r)
		case NormBorda:
			out[i] = float64(r - 1)
		case NormPercentile:
			out[i] = float64(r-1) / float64(len(x)-1) * 100
		}
	}
	return out
}

// absolute scores one value on its own, against fixed parameters.
func (n Normaliser) absolute(v, sign float64) float64 {
	switch n.Method {
	case NormGoalposts:
		frac := (v - n.Lower) / (n.Upper - n.Lower)
		if sign < 0 {
			frac = (n.Upper - v) / (n.Upper - n.Lower)
		}
		return min(max(frac*100, 0), n.Cap)
	case NormFrontier:
		return min(max((n.Worst-v)/(n.Worst-n.Frontier)*100, 0), 100)
	case NormEfficacy:
		s := n.Base + n.Span*(v-n.NotAllowed)/(n.Satisfied-n.NotAllowed)
		if n.Cap > 0 {
			s = min(s, n.Cap)
		}
		return s
	case NormThreshold:
		return n.threshold(v, sign)
	case NormLinear:
		return n.linear(v)
	case NormDeduction:
		return n.deduction(v)
	}
	return v
}

// comparingMethods score a value by comparing it with the other values in
// its track. Floating-point error in a source could split a tie there.
// The mean of 33.3 and 66.6 is 49.949999999999996 and that of 49.95 and
// 49.95 is 49.95, so [mergeNoise] makes them one value first.
var comparingMethods = []string{NormMinMax, NormZScore, NormRank, NormPercentile, NormBorda, NormRankPoints}

// noiseTolerance is the relative difference up to which two values count
// as one. It is far above the error of summing a few hundred float64
// values and far below the decimals that uploads carry.
const noiseTolerance = 1e-9

// mergeNoise returns a copy of values in which each value that lies at
// most noiseTolerance above a smaller one takes that smaller value. The
// tolerance is relative, and absolute below 1. Values are compared from
// the lowest up, each against the first value of its run, so that a run
// never spans more than the tolerance.
func mergeNoise(values []float64) []float64 {
	order := make([]int, len(values))
	for i := range order {
		order[i] = i
	}
	slices.SortFunc(order, func(a, b int) int { return cmp.Compare(values[a], values[b]) })

	out := slices.Clone(values)
	for k, i := range order {
		if k == 0 {
			continue
		}
		first := out[order[k-1]]
		if values[i]-first <= noiseTolerance*max(1, math.Abs(first)) {
			out[i] = first
		}
	}
	return out
}

func isConstant(values []float64) bool {
	return slices.Min(values) == slices.Max(values)
}

func (n Normaliser) constantScores(count int) []float64 {
	if n.Constant == ConstantDrop {
		return nil
	}
	lo, hi := n.outputRange()
	s := (lo + hi) / 2
	switch n.Constant {
	case ConstantMax:
		s = hi
	case ConstantMin:
		s = lo
	}
	out := make([]float64, count)
	for i := range out {
		out[i] = s
	}
	return out
}

// outputRange returns the bottom and top of a spread method's scores. For
// z-scores, whose range is open, both are Mean, the score of an average
// unit.
func (n Normaliser) outputRange() (float64, float64) {
	switch n.Method {
	case NormMinMax:
		return n.Range[0], n.Range[1]
	case NormZScore:
		return n.Mean, n.Mean
	}
	return 0, 100
}

func minMax(x []float64, lo, hi float64) []float64 {
	xmin, xmax := slices.Min(x), slices.Max(x)
	out := make([]float64, len(x))
	for i, v := range x {
		out[i] = lo + (v-xmin)/(xmax-xmin)*(hi-lo)
	}
	return out
}

func zScore(x []float64, mean, sd float64) []float64 {
	mu := sum(x) / float64(len(x))
	ss := 0.0
	for _, v := range x {
		ss += (v - mu) * (v - mu)
	}
	s := math.Sqrt(ss / float64(len(x)-1))
	out := make([]float64, len(x))
	for i, v := range x {
		out[i] = mean + sd*(v-mu)/s
	}
	return out
}

func vectorNorm(x []float64) []float64 {
	ss := 0.0
	for _, v := range x {
		ss += v * v
	}
	norm := math.Sqrt(ss)
	out := make([]float64, len(x))
	for i, v := range x {
		if norm > 0 {
			out[i] = v / norm
		}
	}
	return out
}

// ascendingRanks ranks x from the lowest value (rank 1) upwards, giving tied
// values the lowest of their ranks, as R's rank(ties.method = "min").
func ascendingRanks(x []float64) []int {
	ranks := make([]int, len(x))
	for i, v := range x {
		ranks[i] = 1
		for _, w := range x {
			if w < v {
				ranks[i]++
			}
		}
	}
	return ranks
}

// rankPoints gives points by competition rank, best first; tied units share
// the better rank and so the same points.
func (n Normaliser) rankPoints(x []float64) []float64 {
	out := make([]float64, len(x))
	for i, v := range x {
		better := 0
		for _, w := range x {
			if w > v {
				better++
			}
		}
		var p float64
		switch {
		case len(n.Points) > 0:
			p = n.Points[min(better, len(n.Points)-1)]
		case n.From == "bottom":
			p = n.Last + n.Step*float64(len(x)-1-better)
		default:
			p = n.First - n.Step*float64(better)
		}
		if n.Floor != nil {
			p = max(p, *n.Floor)
		}
		out[i] = p
	}
	return out
}

func (n Normaliser) proportional(values []float64, sign float64) []float64 {
	best := slices.Max(values)
	if sign < 0 {
		best = slices.Min(values)
	}
	out := make([]float64, len(values))
	for i, v := range values {
		switch {
		case sign > 0 && best != 0:
			out[i] = n.Full * v / best
		case sign < 0 && v != 0:
			out[i] = n.Full * best / v
		}
	}
	return out
}

func (n Normaliser) threshold(v, sign float64) float64 {
	short := n.Target - v
	if sign < 0 {
		short = v - n.Target
	}
	if short <= 0 {
		return n.Full
	}
	if n.Whole {
		// Round first so that 7.4999999999 from binary arithmetic counts
		// as the 7.5 it represents.
		short = math.Floor(math.Round(short*1e9) / 1e9)
	}
	return max(n.Full-n.Per*short, *n.Floor)
}

func (n Normaliser) linear(v float64) float64 {
	if v >= 0 {
		add := n.Up * v
		if n.UpCap > 0 {
			add = min(add, n.UpCap)
		}
		return n.Base + add
	}
	cut := n.Down * -v
	if n.DownCap > 0 {
		cut = min(cut, n.DownCap)
	}
	return n.Base - cut
}

func (n Normaliser) deduction(cases float64) float64 {
	score := n.Full - min(n.PerCase*cases, n.Cap)
	for _, e := range n.Escalation {
		if cases >= e.Cases {
			score = min(score, e.Score)
		}
	}
	return score
}

// validate reports problems with n at path. It checks required fields and
// fields that the method does not use.
func (n *Normaliser) validate(idx *pathIndex, path string) []error {
	if !idx.has(path) {
		return []error{idx.problem(path, "缺少标准化方法 normalise（例如 method: goalposts）")}
	}
	fields, ok := fieldsFor[n.Method]
	if !ok {
		return []error{idx.problem(path+".method", "未知的标准化方法 %q，可选：%s",
			n.Method, strings.Join(Methods, "、"))}
	}

	var out []error
	for _, f := range allNormaliserFields {
		if idx.has(path+"."+f) && !slices.Contains(fields, f) {
			out = append(out, idx.problem(path+"."+f, "标准化方法 %s 不使用字段 %s", n.Method, f))
		}
	}
	v := normaliserCheck{idx: idx, path: path}
	n.validateParameters(&v)
	return append(out, v.out...)
}

type normaliserCheck struct {
	idx  *pathIndex
	path string
	out  []error
}

func (c *normaliserCheck) require(fields ...string) {
	for _, f := range fields {
		if !c.idx.has(c.path + "." + f) {
			c.out = append(c.out, c.idx.problem(c.path+"."+f, "此标准化方法需要字段 %s", f))
		}
	}
}

func (c *normaliserCheck) fail(field, format string, args ...any) {
	c.out = append(c.out, c.idx.problem(joinPath(c.path, field), format, args...))
}

func (n *Normaliser) validateParameters(c *normaliserCheck) {
	if !finite(n.Lower, n.Upper, n.Cap, n.Mean, n.SD, n.Worst, n.Frontier, n.NotAllowed,
		n.Satisfied, n.Base, n.Span, n.Full, n.First, n.Last, n.Step, n.Target, n.Per,
		n.Up, n.UpCap, n.Down, n.DownCap, n.PerCase) || !finite(n.Range...) || !finite(n.Points...) {
		c.fail("", "参数必须是有限的数字")
		return
	}
	if !slices.Contains([]string{"", ConstantMax, ConstantMid, ConstantMin, ConstantDrop}, n.Constant) {
		c.fail("constant", "未知的常量指标处理方式 %q，可选 %s、%s、%s 或 %s",
			n.Constant, ConstantMax, ConstantMid, ConstantMin, ConstantDrop)
	}
	switch n.Method {
	case NormGoalposts:
		c.require("lower", "upper")
		if n.Lower >= n.Upper && c.idx.has(c.path+".upper") {
			c.fail("upper", "upper（%s）必须大于 lower（%s）", saima.FormatNumber(n.Upper), saima.FormatNumber(n.Lower))
		}
		if c.idx.has(c.path+".cap") && n.Cap <= 0 {
			c.fail("cap", "cap 必须大于 0（现为 %s）", saima.FormatNumber(n.Cap))
		}
	case NormMinMax:
		if c.idx.has(c.path+".range") && (len(n.Range) != 2 || n.Range[0] >= n.Range[1]) {
			c.fail("range", "range 须为两个有限数字 [下限, 上限]，且下限小于上限")
		}
	case NormZScore:
		if n.SD < 0 {
			c.fail("sd", "sd 不能为负数")
		}
	case NormFrontier:
		c.require("worst", "frontier")
		if n.Worst == n.Frontier {
			c.fail("frontier", "frontier 与 worst 不能相等")
		}
	case NormEfficacy:
		c.require("not_allowed", "satisfied")
		if n.NotAllowed == n.Satisfied {
			c.fail("satisfied", "satisfied 与 not_allowed 不能相等")
		}
	default:
		n.validateRuleMethods(c)
	}
}

func (n *Normaliser) validateRuleMethods(c *normaliserCheck) {
	switch n.Method {
	case NormRankPoints:
		if len(n.Points) == 0 {
			c.require("step")
			if n.From == "bottom" {
				c.require("last")
			} else {
				c.require("first")
			}
		}
		if !slices.Contains([]string{"", "top", "bottom"}, n.From) {
			c.fail("from", "from 只能是 top（从第一名起算）或 bottom（从最后一名起算）")
		}
	case NormThreshold:
		c.require("target", "per")
		if full := cmp.Or(n.Full, 100); n.Floor != nil && *n.Floor > full {
			c.out = append(c.out, addedCheck(c.idx.problem(joinPath(c.path, "floor"),
				"floor（%s）大于满分 full（%s），每个单位都会得到 floor；请检查 floor 和 full",
				saima.FormatNumber(*n.Floor), saima.FormatNumber(full))))
		}
	case NormDeduction:
		c.require("per_case")
		if n.PerCase < 0 || n.Cap < 0 {
			c.fail("per_case", "per_case 和 cap 不能为负数")
		}
	}
}

func finite(xs ...float64) bool {
	for _, x := range xs {
		if math.IsNaN(x) || math.IsInf(x, 0) {
			return false
		}
	}
	return true
}

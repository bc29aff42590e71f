package scoring

import (
	"math"
	"slices"
	"strings"
)

// Normalisation methods.
const (
	// NormNone uses the raw value as the score. Use it only for values that
	// are already on the 0–100 scale.
	NormNone = "none"
	// NormMinMax maps the track's lowest value to Range[0] and its highest to
	// Range[1], linearly, flipped for lower-is-better indicators.
	NormMinMax = "minmax"
	// NormGoalposts maps Lower to 0 and Upper to 100 (the other way round
	// for lower-is-better indicators), clamped to [0, Cap].
	NormGoalposts = "goalposts"
)

// Methods lists the normalisation methods a rule set may name.
var Methods = []string{NormNone, NormMinMax, NormGoalposts}

// Constant-indicator policies for min-max: the score every unit gets when
// all units in a track have the same value, including a track of one.
const (
	ConstantMax = "max" // Range[1]
	ConstantMid = "mid" // the middle of Range; the default
	ConstantMin = "min" // Range[0]
)

// Normaliser turns an indicator's raw values within one track into scores.
// Which fields apply depends on Method.
type Normaliser struct {
	Method string `yaml:"method"` // one of [Methods]

	// Lower and Upper are the goalposts: the raw values that score 0 and
	// 100 for a higher-is-better indicator (100 and 0 for lower-is-better).
	Lower float64 `yaml:"lower"`
	Upper float64 `yaml:"upper"`
	// Cap is the highest score goalposts give, in points; 0 means 100. A cap
	// above 100, such as 120, rewards beating the upper goalpost.
	Cap float64 `yaml:"cap"`

	// Range is the output range of min-max. Empty means [0, 100].
	Range []float64 `yaml:"range"`
	// Constant is the min-max policy for a constant indicator: ConstantMid
	// (when empty), ConstantMax or ConstantMin.
	Constant string `yaml:"constant"`
}

// fieldsFor lists the fields each method reads, so that a field set for
// the wrong method is reported instead of silently ignored.
var fieldsFor = map[string][]string{
	NormNone:      nil,
	NormMinMax:    {"range", "constant"},
	NormGoalposts: {"lower", "upper", "cap"},
}

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
	for _, f := range []string{"lower", "upper", "cap", "range", "constant"} {
		if idx.has(path+"."+f) && !slices.Contains(fields, f) {
			out = append(out, idx.problem(path+"."+f, "标准化方法 %s 不使用字段 %s", n.Method, f))
		}
	}
	switch n.Method {
	case NormGoalposts:
		out = append(out, n.validateGoalposts(idx, path)...)
	case NormMinMax:
		out = append(out, n.validateMinMax(idx, path)...)
	}
	return out
}

func (n *Normaliser) validateGoalposts(idx *pathIndex, path string) []error {
	var out []error
	for _, f := range []string{"lower", "upper"} {
		if !idx.has(path + "." + f) {
			out = append(out, idx.problem(path+"."+f, "goalposts 方法需要 %s", f))
		}
	}
	if !finite(n.Lower, n.Upper, n.Cap) {
		out = append(out, idx.problem(path, "lower、upper 和 cap 必须是有限的数字"))
	} else if n.Lower >= n.Upper && idx.has(path+".upper") {
		out = append(out, idx.problem(path+".upper", "upper（%g）必须大于 lower（%g）", n.Upper, n.Lower))
	}
	if idx.has(path+".cap") && n.Cap <= 0 {
		out = append(out, idx.problem(path+".cap", "cap 必须大于 0（现为 %g）", n.Cap))
	}
	return out
}

func (n *Normaliser) validateMinMax(idx *pathIndex, path string) []error {
	var out []error
	if idx.has(path+".range") && (len(n.Range) != 2 || !finite(n.Range...) || n.Range[0] >= n.Range[1]) {
		out = append(out, idx.problem(path+".range", "range 须为两个有限数字 [下限, 上限]，且下限小于上限"))
	}
	if !slices.Contains([]string{"", ConstantMax, ConstantMid, ConstantMin}, n.Constant) {
		out = append(out, idx.problem(path+".constant", "未知的常量指标处理方式 %q，可选 %s、%s 或 %s",
			n.Constant, ConstantMax, ConstantMid, ConstantMin))
	}
	return out
}

func finite(xs ...float64) bool {
	for _, x := range xs {
		if math.IsNaN(x) || math.IsInf(x, 0) {
			return false
		}
	}
	return true
}

func (n *Normaliser) setDefaults() {
	switch n.Method {
	case NormGoalposts:
		if n.Cap == 0 {
			n.Cap = 100
		}
	case NormMinMax:
		if len(n.Range) == 0 {
			n.Range = []float64{0, 100}
		}
		if n.Constant == "" {
			n.Constant = ConstantMid
		}
	}
}

// Apply returns the scores of values, the raw values of the units in one
// track that have a value, in the same order. direction is HigherIsBetter
// or LowerIsBetter. The Normaliser must have come from a parsed RuleSet.
func (n Normaliser) Apply(values []float64, direction string) []float64 {
	switch n.Method {
	case NormMinMax:
		return n.minMax(values, direction)
	case NormGoalposts:
		return n.goalposts(values, direction)
	}
	return slices.Clone(values)
}

func (n Normaliser) minMax(values []float64, direction string) []float64 {
	lo, hi := slices.Min(values), slices.Max(values)
	out := make([]float64, len(values))
	for i, v := range values {
		frac := n.constantFraction()
		if hi > lo {
			frac = (v - lo) / (hi - lo)
			if direction == LowerIsBetter {
				frac = (hi - v) / (hi - lo)
			}
		}
		out[i] = n.Range[0] + frac*(n.Range[1]-n.Range[0])
	}
	return out
}

func (n Normaliser) constantFraction() float64 {
	switch n.Constant {
	case ConstantMax:
		return 1
	case ConstantMin:
		return 0
	}
	return 0.5
}

func (n Normaliser) goalposts(values []float64, direction string) []float64 {
	out := make([]float64, len(values))
	for i, v := range values {
		frac := (v - n.Lower) / (n.Upper - n.Lower)
		if direction == LowerIsBetter {
			frac = (n.Upper - v) / (n.Upper - n.Lower)
		}
		out[i] = min(max(frac*100, 0), n.Cap)
	}
	return out
}

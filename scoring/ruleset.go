package scoring

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"regexp"
	"slices"
	"strings"

	"go.yaml.in/yaml/v3"

	"saima"
)

// Missing-value policies: how a unit without a value for an indicator is
// scored.
const (
	// MissingTrackMean gives the mean normalised score of the units in the
	// same track that have a value. It is the default.
	MissingTrackMean = "track_mean"
	// MissingZero gives a score of 0.
	MissingZero = "zero"
)

// Directions of an indicator.
const (
	HigherIsBetter = "higher" // the default
	LowerIsBetter  = "lower"
)

// RuleSet is a parsed and validated scoring rule set. Build one with
// [ParseRuleSet] or [LoadRuleSet], because nothing validates a RuleSet
// built by hand.
type RuleSet struct {
	Name       string      `yaml:"name"`
	Missing    string      `yaml:"missing"` // MissingTrackMean (when empty) or MissingZero
	Tracks     []Track     `yaml:"tracks"`
	Indicators []Indicator `yaml:"indicators"`

	// Version is the hex SHA-256 of the file's bytes. Scores carry it, so a
	// stored ranking names the exact rules that produced it.
	Version string `yaml:"-"`
}

// Track is a horse-race track: the units ranked against each other. A unit
// is in the track named by its Track field, or by its Kind when Track is
// empty.
type Track struct {
	Name string `yaml:"name"`

	// Weights overrides indicator weights for this track, in points, keyed
	// by indicator ID. Indicators it does not name keep their weight.
	Weights map[string]float64 `yaml:"weights"`
}

// Indicator is a leaf indicator: a value read from the facts, normalised to
// a score and weighted into the composite.
type Indicator struct {
	ID        string     `yaml:"id"`        // stable key stored with every score
	Name      string     `yaml:"name"`      // Chinese name for display
	Source    string     `yaml:"source"`    // one of [Sources]
	Weight    float64    `yaml:"weight"`    // points; weights are scaled to sum to 1
	Direction string     `yaml:"direction"` // HigherIsBetter (when empty) or LowerIsBetter
	Normalise Normaliser `yaml:"normalise"`
}

// LoadRuleSet reads and parses the rule-set file at path.
func LoadRuleSet(path string) (*RuleSet, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("load rule set: %w", err)
	}
	rs, err := ParseRuleSet(data)
	if err != nil {
		return nil, fmt.Errorf("load rule set %s: %w", path, err)
	}
	return rs, nil
}

// ParseRuleSet parses and validates a YAML rule set. It reports every
// problem at once: the error is a *saima.Error of kind saima.KindInvalid
// whose cause joins one *RuleError per problem, each with its YAML path and
// line.
func ParseRuleSet(data []byte) (*RuleSet, error) {
	var root yaml.Node
	if err := yaml.Unmarshal(data, &root); err != nil {
		return nil, invalidRuleSet([]error{(&pathIndex{}).decodeProblem(err.Error())})
	}
	idx := newPathIndex(&root)

	var rs RuleSet
	dec := yaml.NewDecoder(bytes.NewReader(data))
	dec.KnownFields(true)
	var problems []error
	if err := dec.Decode(&rs); errors.Is(err, io.EOF) {
		problems = append(problems, &RuleError{Message: "规则集文件为空"})
	} else if err != nil {
		problems = append(problems, idx.decodeProblems(err)...)
	}
	problems = append(problems, rs.validate(idx)...)
	if len(problems) > 0 {
		return nil, invalidRuleSet(problems)
	}

	rs.setDefaults()
	sum := sha256.Sum256(data)
	rs.Version = hex.EncodeToString(sum[:])
	return &rs, nil
}

func invalidRuleSet(problems []error) error {
	return saima.Wrap(saima.KindInvalid,
		fmt.Sprintf("规则集有 %d 处错误", len(problems)), errors.Join(problems...))
}

var idRE = regexp.MustCompile(`^[a-z][a-z0-9_]*$`)

func (rs *RuleSet) validate(idx *pathIndex) []error {
	var out []error
	if strings.TrimSpace(rs.Name) == "" {
		out = append(out, idx.problem("name", "缺少规则集名称 name"))
	}
	if !slices.Contains([]string{"", MissingTrackMean, MissingZero}, rs.Missing) {
		out = append(out, idx.problem("missing", "未知的缺失值处理方式 %q，可选 %s 或 %s",
			rs.Missing, MissingTrackMean, MissingZero))
	}
	out = append(out, rs.validateIndicators(idx)...)
	out = append(out, rs.validateTracks(idx)...)
	return out
}

func (rs *RuleSet) validateIndicators(idx *pathIndex) []error {
	if len(rs.Indicators) == 0 {
		if idx.has("indicators[0]") {
			return nil // the decoder failed on them and reported why
		}
		return []error{idx.problem("indicators", "至少需要一个指标")}
	}
	var out []error
	seen := map[string]int{}
	total := 0.0
	for i, ind := range rs.Indicators {
		path := fmt.Sprintf("indicators[%d]", i)
		if j, dup := seen[ind.ID]; dup && ind.ID != "" {
			out = append(out, idx.problem(path+".id", "指标 id %s 重复，indicators[%d] 已使用", ind.ID, j))
		}
		seen[ind.ID] = i
		out = append(out, ind.validate(idx, path)...)
		if ind.Weight > 0 && !math.IsInf(ind.Weight, 0) {
			total += ind.Weight
		}
	}
	if total == 0 {
		out = append(out, idx.problem("indicators", "各指标权重之和为 0，至少要有一个指标的权重大于 0"))
	}
	return out
}

func (ind *Indicator) validate(idx *pathIndex, path string) []error {
	var out []error
	if !idRE.MatchString(ind.ID) {
		out = append(out, idx.problem(path+".id",
			"指标 id %q 无效：须以小写字母开头，只含小写字母、数字和下划线", ind.ID))
	}
	if strings.TrimSpace(ind.Name) == "" {
		out = append(out, idx.problem(path+".name", "缺少指标名称 name"))
	}
	if !slices.Contains(Sources, ind.Source) {
		out = append(out, idx.problem(path+".source", "未知的数据来源 %q，可选：%s",
			ind.Source, strings.Join(Sources, "、")))
	}
	if !idx.has(path + ".weight") {
		out = append(out, idx.problem(path+".weight", "缺少权重 weight（分值，不能为负数）"))
	} else if err := checkWeight(idx, path+".weight", ind.Weight); err != nil {
		out = append(out, err)
	}
	if !slices.Contains([]string{"", HigherIsBetter, LowerIsBetter}, ind.Direction) {
		out = append(out, idx.problem(path+".direction", "未知的方向 %q，可选 %s（越高越好）或 %s（越低越好）",
			ind.Direction, HigherIsBetter, LowerIsBetter))
	}
	out = append(out, ind.Normalise.validate(idx, path+".normalise")...)
	return out
}

func checkWeight(idx *pathIndex, path string, w float64) error {
	switch {
	case math.IsNaN(w) || math.IsInf(w, 0):
		return idx.problem(path, "权重必须是有限的数字")
	case w < 0:
		return idx.problem(path, "权重不能为负数（现为 %g）", w)
	}
	return nil
}

func (rs *RuleSet) validateTracks(idx *pathIndex) []error {
	if len(rs.Tracks) == 0 {
		if idx.has("tracks[0]") {
			return nil // the decoder failed on them and reported why
		}
		return []error{idx.problem("tracks", "至少需要一个赛道")}
	}
	var out []error
	seen := map[string]int{}
	for i, tr := range rs.Tracks {
		path := fmt.Sprintf("tracks[%d]", i)
		if strings.TrimSpace(tr.Name) == "" {
			out = append(out, idx.problem(path+".name", "缺少赛道名称 name"))
		} else if j, dup := seen[tr.Name]; dup {
			out = append(out, idx.problem(path+".name", "赛道 %s 重复，tracks[%d] 已使用", tr.Name, j))
		}
		seen[tr.Name] = i
		out = append(out, rs.validateOverrides(idx, path, tr)...)
	}
	return out
}

func (rs *RuleSet) validateOverrides(idx *pathIndex, path string, tr Track) []error {
	var out []error
	for _, id := range sortedKeys(tr.Weights) {
		wpath := path + ".weights." + id
		if rs.indicatorIndex(id) < 0 {
			out = append(out, idx.problem(wpath, "没有 id 为 %s 的指标", id))
		} else if err := checkWeight(idx, wpath, tr.Weights[id]); err != nil {
			out = append(out, err)
		}
	}
	if len(tr.Weights) > 0 && sum(rs.trackPoints(tr)) <= 0 {
		out = append(out, idx.problem(path+".weights", "赛道 %s 的指标权重之和为 0，至少要有一个指标的权重大于 0", tr.Name))
	}
	return out
}

func (rs *RuleSet) setDefaults() {
	if rs.Missing == "" {
		rs.Missing = MissingTrackMean
	}
	for i := range rs.Indicators {
		ind := &rs.Indicators[i]
		if ind.Direction == "" {
			ind.Direction = HigherIsBetter
		}
		ind.Normalise.setDefaults()
	}
}

func (rs *RuleSet) indicatorIndex(id string) int {
	return slices.IndexFunc(rs.Indicators, func(ind Indicator) bool { return ind.ID == id })
}

// Track returns the track named name, or false when the rule set has none.
func (rs *RuleSet) Track(name string) (Track, bool) {
	i := slices.IndexFunc(rs.Tracks, func(t Track) bool { return t.Name == name })
	if i < 0 {
		return Track{}, false
	}
	return rs.Tracks[i], true
}

// Weights returns the weights of rs.Indicators in track, in order, scaled to
// sum to 1. It returns nil when the track is unknown.
func (rs *RuleSet) Weights(track string) []float64 {
	tr, ok := rs.Track(track)
	if !ok {
		return nil
	}
	return scaleToOne(rs.trackPoints(tr))
}

// trackPoints returns the indicator weights in points with tr's overrides
// applied. Invalid weights count as 0 so that validation can call it.
func (rs *RuleSet) trackPoints(tr Track) []float64 {
	points := make([]float64, len(rs.Indicators))
	for i, ind := range rs.Indicators {
		w := ind.Weight
		if o, ok := tr.Weights[ind.ID]; ok {
			w = o
		}
		if w > 0 && !math.IsInf(w, 0) {
			points[i] = w
		}
	}
	return points
}

func scaleToOne(points []float64) []float64 {
	total := sum(points)
	out := make([]float64, len(points))
	if total <= 0 {
		return out
	}
	for i, p := range points {
		out[i] = p / total
	}
	return out
}

func sum(xs []float64) float64 {
	total := 0.0
	for _, x := range xs {
		total += x
	}
	return total
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}

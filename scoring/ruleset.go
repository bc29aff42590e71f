package scoring

import (
	"bytes"
	"cmp"
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
	"unicode"
	"unicode/utf8"

	"go.yaml.in/yaml/v3"
	"golang.org/x/text/unicode/norm"

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
	// MissingRescale leaves the indicator out of the unit's composite and
	// scales up the weights of its siblings. It is a not-applicable policy.
	MissingRescale = "rescale"
)

// Directions of an indicator.
const (
	HigherIsBetter = "higher" // the default
	LowerIsBetter  = "lower"
)

// RuleSet is a parsed and validated scoring rule set. Build one with
// [ParseRuleSet] or [LoadRuleSet], because nothing validates a RuleSet
// built by hand and Evaluate needs the indicator tree that parsing builds.
type RuleSet struct {
	Name string `yaml:"name"`

	// Missing is the default policy for a missing value: MissingTrackMean
	// (when empty) or MissingZero.
	Missing string `yaml:"missing"`
	// NotApplicable is the default policy for an indicator that does not
	// apply to a unit (Record.NotApplicable): MissingTrackMean (when empty)
	// or MissingRescale.
	NotApplicable string `yaml:"not_applicable"`

	// Inputs names the values that callers supply in Record.Values besides
	// the built-in [Sources], such as 违规件数 or a veto flag.
	Inputs []string `yaml:"inputs"`

	// Aggregate, Weighting and AHP configure the root of the indicator tree
	// as for a [Group].
	Aggregate string   `yaml:"aggregate"`
	Weighting string   `yaml:"weighting"`
	AHP       *AHPSpec `yaml:"ahp"`

	Tracks     []Track     `yaml:"tracks"`
	Groups     []Group     `yaml:"groups"`
	Indicators []Indicator `yaml:"indicators"`

	Adjustments `yaml:",inline"`

	// Robustness is the default configuration for [Analyse]; nil when the
	// file has none.
	Robustness *Robustness `yaml:"robustness"`

	// Annual is the formula of the annual stocktake; nil when the file has
	// none, which means [RuleSet.AnnualRule]'s default.
	Annual *Annual `yaml:"annual"`

	// Version is the hex SHA-256 of the file's bytes. Scores carry it, so a
	// stored ranking names the exact rules that produced it.
	Version string `yaml:"-"`

	tree *tree
}

// Track is a horse-race track: the units ranked against each other. A unit
// is in the track named by its Track field, or by its Kind when Track is
// empty.
type Track struct {
	Name string `yaml:"name"`

	// Weights overrides weights for this track, in points, keyed by
	// indicator or group ID. Those it does not name keep their weight.
	Weights map[string]float64 `yaml:"weights"`
}

// Indicator is a leaf of the indicator tree: a value read from a source,
// normalised to a score and weighted into its parent.
type Indicator struct {
	ID     string `yaml:"id"`     // stable key stored with every score
	Name   string `yaml:"name"`   // Chinese name for display
	Source string `yaml:"source"` // one of [Sources] or of RuleSet.Inputs
	Parent string `yaml:"parent"` // group ID; empty for the root

	// Weight is in points, scaled to sum to 1 among siblings, or a plain
	// multiplier under a "sum" group. It is ignored under entropy or AHP
	// weighting.
	Weight    float64    `yaml:"weight"`
	Direction string     `yaml:"direction"` // HigherIsBetter (when empty) or LowerIsBetter
	Normalise Normaliser `yaml:"normalise"`

	Missing       string `yaml:"missing"`        // overrides RuleSet.Missing
	NotApplicable string `yaml:"not_applicable"` // overrides RuleSet.NotApplicable

	// Full is the indicator's full marks; 0 means 100. A "sum" group uses
	// it to scale up a unit's total when a child does not apply.
	Full float64 `yaml:"full"`
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
func ParseRuleSet(data []byte) (*RuleSet, error) { return parse(data, false) }

// parseStored parses the rule-set text stored with an evaluation. It
// skips the checks that came after rule sets were first stored, such as
// the one for a second YAML document, so that an evaluation stored
// before them still recomputes, bounds its overrides and ranks them with
// its rank_places. A new run parses with [ParseRuleSet].
func parseStored(text string) (*RuleSet, error) { return parse([]byte(text), true) }

func parse(data []byte, stored bool) (*RuleSet, error) {
	if err := encodingProblem(data); err != nil {
		return nil, invalidRuleSet([]error{err})
	}
	var root yaml.Node
	if err := yaml.Unmarshal(data, &root); err != nil {
		return nil, invalidRuleSet([]error{syntaxProblem(data, err)})
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
	problems = append(problems, laterDocument(dec, data)...)
	problems = append(problems, rs.validate(idx)...)
	rs.setDefaults()
	t, treeProblems := buildTree(&rs, idx)
	problems = append(problems, treeProblems...)
	if stored {
		problems = slices.DeleteFunc(problems, func(err error) bool {
			re, ok := errors.AsType[*RuleError](err)
			return ok && re.added
		})
	}
	if len(problems) > 0 {
		return nil, invalidRuleSet(problems)
	}
	rs.tree = t
	if err := rs.checkFailBelow(idx); err != nil && !stored {
		return nil, invalidRuleSet([]error{err})
	}
	sum := sha256.Sum256(data)
	rs.Version = hex.EncodeToString(sum[:])
	return &rs, nil
}

// checkFailBelow rejects a fail_below above the highest composite before
// bonus that the indicator tree can give in any track, such as 600 typed
// for 60, because every unit would then fail. It needs the built tree.
func (rs *RuleSet) checkFailBelow(idx *pathIndex) error {
	if rs.Adjustments.FailBelow == nil {
		return nil
	}
	best := 0.0
	for _, tr := range rs.Tracks {
		best = max(best, rs.nodeMax(0, tr))
	}
	if fail := *rs.Adjustments.FailBelow; fail > best+1e-9 {
		return idx.problem("fail_below", "fail_below（%s）高于指标树可能的最高得分（%s），每个单位都会判为不合格；"+
			"请检查是否多写了一位数字", saima.FormatNumber(fail), saima.FormatNumber(best))
	}
	return nil
}

// encodingProblem returns the problem of a file that is neither UTF-8
// nor UTF-16 with a byte-order mark, the encodings YAML allows, naming the
// first byte that is not UTF-8. Such a file is usually saved as GB18030
// (GBK) by a Chinese editor, and the parser's own message names neither.
func encodingProblem(data []byte) *RuleError {
	if utf8.Valid(data) || bytes.HasPrefix(data, []byte{0xFE, 0xFF}) || bytes.HasPrefix(data, []byte{0xFF, 0xFE}) {
		return nil
	}
	bad := 0
	for bad < len(data) {
		r, size := utf8.DecodeRune(data[bad:])
		if r == utf8.RuneError && size == 1 {
			break
		}
		bad += size
	}
	valid := data[:bad]
	start := bytes.LastIndexByte(valid, '\n') + 1
	return &RuleError{
		Line:   bytes.Count(valid, []byte{'\n'}) + 1,
		Column: utf8.RuneCount(valid[start:]) + 1,
		Message: fmt.Sprintf("文件不是 UTF-8 编码：这里的字节 0x%02X 不是 UTF-8 文字，文件可能是 GB18030（GBK）编码；"+
			"请在编辑器中把文件另存为 UTF-8 编码后再试", data[bad]),
	}
}

// laterDocument returns a problem when dec, having decoded the first YAML
// document of data, finds another one with content. A clerk who pastes a
// revised section below a --- or ... line would otherwise have it ignored
// without a word. Empty later documents, such as a trailing ---, pass.
func laterDocument(dec *yaml.Decoder, data []byte) []error {
	var next yaml.Node
	err := dec.Decode(&next)
	if errors.Is(err, io.EOF) || err == nil && !hasContent(&next) {
		return nil
	}
	marker, line, content := documentSeparator(data)
	if line == 0 {
		return []error{addedCheck(&RuleError{Message: "文件中还有第二个 YAML 文档，saima 只读第一个文档；" +
			"请删去 --- 或 ... 分隔线，把内容合并为一个文档"})}
	}
	return []error{addedCheck(&RuleError{Line: line, Message: fmt.Sprintf(
		"分隔线 %s 之后还有第二个 YAML 文档。saima 只读第一个文档，第 %d 行起的内容不会生效；"+
			"请删去这一行，把后面的内容并入上面的文档，或者删去不用的部分",
		marker, content)})}
}

// hasContent reports whether a decoded document contains anything but null.
func hasContent(n *yaml.Node) bool {
	if n.Kind == yaml.DocumentNode && len(n.Content) == 1 {
		n = n.Content[0]
	}
	return n.Kind != 0 && n.Tag != "!!null"
}

// documentSeparator returns the first document marker (--- or ...) of data
// that follows content and precedes more content, its 1-based line and
// the line of the content after it, or a zero line when there is none.
func documentSeparator(data []byte) (marker string, line, content int) {
	seen := false
	for i, text := range strings.Split(string(data), "\n") {
		text = strings.TrimRight(text, "\r")
		trimmed := strings.TrimSpace(text)
		isMarker := text == "---" || text == "..." ||
			strings.HasPrefix(text, "--- ") || strings.HasPrefix(text, "... ")
		switch {
		case isMarker && seen && line == 0:
			marker, line = text[:3], i+1
		case isMarker, trimmed == "", strings.HasPrefix(trimmed, "#"):
		case line > 0:
			return marker, line, i + 1
		default:
			seen = true
		}
	}
	return "", 0, 0
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
	out = append(out, checkPolicy(idx, "missing", rs.Missing, MissingTrackMean, MissingZero)...)
	out = append(out, checkPolicy(idx, "not_applicable", rs.NotApplicable, MissingTrackMean, MissingRescale)...)
	for i, in := range rs.Inputs {
		if strings.TrimSpace(in) == "" || slices.Contains(Sources, in) || slices.Index(rs.Inputs, in) < i {
			out = append(out, idx.problem(fmt.Sprintf("inputs[%d]", i),
				"输入项 %q 无效：不能为空，不能重复，也不能与内置数据来源同名", in))
		}
	}
	out = append(out, rs.validateIndicators(idx)...)
	out = append(out, rs.validateGroups(idx)...)
	out = append(out, rs.validateTracks(idx)...)
	out = append(out, rs.Adjustments.validate(rs, idx)...)
	if rs.Robustness != nil {
		out = append(out, rs.Robustness.validate(idx, "robustness")...)
	}
	if rs.Annual != nil {
		out = append(out, rs.Annual.validate(idx)...)
	}
	return out
}

func checkPolicy(idx *pathIndex, path, value string, allowed ...string) []error {
	if value == "" || slices.Contains(allowed, value) {
		return nil
	}
	return []error{idx.problem(path, "未知的缺失值处理方式 %q，可选：%s", value, strings.Join(allowed, "、"))}
}

// sourceKnown reports whether name is a built-in source or a declared input.
func (rs *RuleSet) sourceKnown(name string) bool {
	return slices.Contains(Sources, name) || slices.Contains(rs.Inputs, name)
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
	names := map[string]int{}
	for i, ind := range rs.Indicators {
		path := fmt.Sprintf("indicators[%d]", i)
		if j, dup := seen[ind.ID]; dup && ind.ID != "" {
			out = append(out, idx.problem(path+".id", "指标 id %s 重复，indicators[%d] 已使用", ind.ID, j))
		}
		seen[ind.ID] = i
		// Pages, workbooks and reports head each indicator's column with
		// its name, so two indicators of one name would look alike.
		if key := nameKey(ind.Name); key != "" {
			if j, dup := names[key]; dup {
				out = append(out, idx.problem(path+".name",
					"指标名称 %s 与 indicators[%d] 的名称重复，排行榜、导出和报告按名称分列，将无法区分这两个指标；请改用不同的名称",
					ind.Name, j))
			} else {
				names[key] = i
			}
		}
		out = append(out, rs.validateIndicator(idx, path, &ind)...)
	}
	return out
}

func (rs *RuleSet) validateIndicator(idx *pathIndex, path string, ind *Indicator) []error {
	var out []error
	if !idRE.MatchString(ind.ID) {
		out = append(out, idx.problem(path+".id",
			"指标 id %q 无效：须以小写字母开头，只含小写字母、数字和下划线", ind.ID))
	}
	if strings.TrimSpace(ind.Name) == "" {
		out = append(out, idx.problem(path+".name", "缺少指标名称 name"))
	}
	if !rs.sourceKnown(ind.Source) {
		out = append(out, idx.problem(path+".source", "未知的数据来源 %q，可选：%s",
			ind.Source, strings.Join(append(slices.Clone(Sources), rs.Inputs...), "、")))
	}
	if err := checkWeight(idx, path+".weight", ind.Weight); err != nil {
		out = append(out, err)
	}
	if !slices.Contains([]string{"", HigherIsBetter, LowerIsBetter}, ind.Direction) {
		out = append(out, idx.problem(path+".direction", "未知的方向 %q，可选 %s（越高越好）或 %s（越低越好）",
			ind.Direction, HigherIsBetter, LowerIsBetter))
	}
	if err := ind.checkTargetDirection(idx, path); err != nil {
		out = append(out, err)
	}
	out = append(out, checkPolicy(idx, path+".missing", ind.Missing, MissingTrackMean, MissingZero)...)
	out = append(out, checkPolicy(idx, path+".not_applicable", ind.NotApplicable, MissingTrackMean, MissingRescale)...)
	if ind.Full < 0 || !finite(ind.Full) {
		out = append(out, idx.problem(path+".full", "full 必须是非负的有限数字"))
	}
	out = append(out, ind.Normalise.validate(idx, path+".normalise")...)
	return out
}

// checkTargetDirection rejects a direction that the targets of a
// frontier or efficacy normaliser contradict. The targets alone decide
// the score, so such a direction would be ignored, except in robustness
// draws, and one of the two is a slip.
func (ind *Indicator) checkTargetDirection(idx *pathIndex, path string) error {
	implied := ind.Normalise.impliedDirection()
	if ind.Direction == "" || implied == "" || ind.Direction == implied ||
		!slices.Contains([]string{HigherIsBetter, LowerIsBetter}, ind.Direction) {
		return nil
	}
	worstField, worst, bestField, best, _ := ind.Normalise.targets()
	relation := "小于"
	if implied == LowerIsBetter {
		relation = "大于"
	}
	return addedCheck(idx.problem(path+".direction",
		"direction 为 %s（%s），但 %s（%s）%s %s（%s），即%s；请确认哪一边写错了："+
			"把 direction 改为 %s 或删去它，或者对调 %s 和 %s 的值",
		ind.Direction, directionLabel(ind.Direction), worstField, saima.FormatNumber(worst), relation,
		bestField, saima.FormatNumber(best), directionLabel(implied), implied, worstField, bestField))
}

func directionLabel(direction string) string {
	if direction == LowerIsBetter {
		return "越低越好"
	}
	return "越高越好"
}

func checkWeight(idx *pathIndex, path string, w float64) error {
	switch {
	case math.IsNaN(w) || math.IsInf(w, 0):
		return idx.problem(path, "权重必须是有限的数字")
	case w < 0:
		return idx.problem(path, "权重不能为负数（现为 %s）", saima.FormatNumber(w))
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
		key := nameKey(tr.Name)
		if key == "" {
			out = append(out, idx.problem(path+".name", "缺少赛道名称 name"))
		} else if j, dup := seen[key]; dup {
			msg := fmt.Sprintf("赛道 %s 重复，tracks[%d] 已使用", tr.Name, j)
			if other := rs.Tracks[j].Name; other != tr.Name {
				msg += fmt.Sprintf("（写作 %s；赛道名称不区分全角与半角标点，也不计空格）", other)
			}
			out = append(out, idx.problem(path+".name", "%s", msg))
		} else {
			seen[key] = i
		}
		for _, id := range sortedKeys(tr.Weights) {
			wpath := path + ".weights." + id
			if rs.indicatorIndex(id) < 0 && rs.groupIndex(id) < 0 {
				out = append(out, idx.problem(wpath, "没有 id 为 %s 的指标或分组", id))
			} else if err := checkWeight(idx, wpath, tr.Weights[id]); err != nil {
				out = append(out, err)
			}
		}
	}
	return out
}

func (rs *RuleSet) setDefaults() {
	if rs.Missing == "" {
		rs.Missing = MissingTrackMean
	}
	if rs.NotApplicable == "" {
		rs.NotApplicable = MissingTrackMean
	}
	for i := range rs.Indicators {
		ind := &rs.Indicators[i]
		if ind.Direction == "" {
			ind.Direction = cmp.Or(ind.Normalise.impliedDirection(), HigherIsBetter)
		}
		if ind.Missing == "" {
			ind.Missing = rs.Missing
		}
		if ind.NotApplicable == "" {
			ind.NotApplicable = rs.NotApplicable
		}
		if ind.Full == 0 {
			ind.Full = 100
		}
		ind.Normalise.setDefaults()
	}
	for i := range rs.Groups {
		rs.Groups[i].setDefaults()
	}
	if rs.Robustness != nil {
		for i := range rs.Robustness.Normalisers {
			rs.Robustness.Normalisers[i].setDefaults()
		}
	}
}

func (rs *RuleSet) indicatorIndex(id string) int {
	return slices.IndexFunc(rs.Indicators, func(ind Indicator) bool { return ind.ID == id })
}

func (rs *RuleSet) groupIndex(id string) int {
	return slices.IndexFunc(rs.Groups, func(g Group) bool { return g.ID == id })
}

// Track returns the track named name, or false when the rule set has none.
// Names match as uploaded unit names do: after NFKC, which turns
// full-width punctuation into ASCII, and with all whitespace removed, so
// a roster's 区县(市) is the track 区县（市）.
func (rs *RuleSet) Track(name string) (Track, bool) {
	key := nameKey(name)
	i := slices.IndexFunc(rs.Tracks, func(t Track) bool { return nameKey(t.Name) == key })
	if i < 0 {
		return Track{}, false
	}
	return rs.Tracks[i], true
}

// TrackNames returns the names of rs's tracks, in file order.
func (rs *RuleSet) TrackNames() []string {
	names := make([]string, len(rs.Tracks))
	for i, t := range rs.Tracks {
		names[i] = t.Name
	}
	return names
}

// nameKey returns the form in which track and indicator names are
// compared: NFKC, so that full-width and half-width punctuation and digits
// are one, and with every whitespace rune removed, also the byte-order
// mark and the zero-width space that spreadsheet exports leave behind.
// The ingest package compares unit names the same way.
func nameKey(name string) string {
	return strings.Map(func(r rune) rune {
		if unicode.IsSpace(r) || r == '\uFEFF' || r == '\u200B' {
			return -1
		}
		return r
	}, norm.NFKC.String(name))
}

// Weights returns the weights of rs.Indicators in track, in order, as
// fractions of the composite: the product of the scaled weights on the path
// from the root, before any indicator is left out for lack of data. It
// returns nil when the track is unknown. Under entropy weighting, which
// depends on the data, the children share their parent's weight equally.
func (rs *RuleSet) Weights(track string) []float64 {
	tr, ok := rs.Track(track)
	if !ok || rs.tree == nil {
		return nil
	}
	return rs.tree.nominalWeights(tr)
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

package scoring

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"os"
	"slices"
	"strings"
	"testing"

	"golang.org/x/text/encoding/simplifiedchinese"

	"saima"
)

// ruleProblems returns every *RuleError joined in err.
func ruleProblems(tb testing.TB, err error) []*RuleError {
	tb.Helper()
	var out []*RuleError
	var walk func(error)
	walk = func(e error) {
		if re, ok := e.(*RuleError); ok {
			out = append(out, re)
			return
		}
		switch u := e.(type) {
		case interface{ Unwrap() []error }:
			for _, c := range u.Unwrap() {
				walk(c)
			}
		case interface{ Unwrap() error }:
			if c := u.Unwrap(); c != nil {
				walk(c)
			}
		}
	}
	walk(err)
	return out
}

func mustParse(tb testing.TB, yamlText string) *RuleSet {
	tb.Helper()
	rs, err := ParseRuleSet([]byte(yamlText))
	if err != nil {
		tb.Fatalf("ParseRuleSet: %v", err)
	}
	return rs
}

func TestLoadRuleSetSample(t *testing.T) {
	const path = "../rulesets/2026.yaml"
	rs, err := LoadRuleSet(path)
	if err != nil {
		t.Fatalf("LoadRuleSet(%s): %v", path, err)
	}
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	sum := sha256.Sum256(data)

	if want := hex.EncodeToString(sum[:]); rs.Version != want {
		t.Errorf("Version = %s, want %s", rs.Version, want)
	}
	var tracks []string
	for _, tr := range rs.Tracks {
		tracks = append(tracks, tr.Name)
	}
	if want := []string{saima.KindDistrict, saima.KindDepartment, saima.KindCity}; !slices.Equal(tracks, want) {
		t.Errorf("tracks = %v, want %v", tracks, want)
	}
	var ids []string
	for _, ind := range rs.Indicators {
		ids = append(ids, ind.ID)
		if ind.Name == "" || ind.Name == ind.ID {
			t.Errorf("indicator %s has no Chinese name", ind.ID)
		}
	}
	if want := []string{"milestone_ontime_rate", "progress_vs_plan", "assessment_mean"}; !slices.Equal(ids, want) {
		t.Errorf("indicator ids = %v, want %v", ids, want)
	}
	for _, tr := range rs.Tracks {
		if got, want := rs.Weights(tr.Name), []float64{0.4, 0.3, 0.3}; !slices.Equal(got, want) {
			t.Errorf("Weights(%s) = %v, want %v", tr.Name, got, want)
		}
	}
}

func TestLoadRuleSetMissingFile(t *testing.T) {
	_, err := LoadRuleSet("testdata/no-such-file.yaml")
	if !errors.Is(err, os.ErrNotExist) {
		t.Errorf("LoadRuleSet(missing) = %v, want an os.ErrNotExist error", err)
	}
}

func TestParseRuleSetDefaults(t *testing.T) {
	rs := mustParse(t, `
name: 默认值
tracks: [{name: 区县（市）}]
indicators:
  - {id: a, name: 甲, source: progress_mean, weight: 1, normalise: {method: minmax}}
  - {id: b, name: 乙, source: progress_mean, weight: 1, normalise: {method: goalposts, lower: 0, upper: 50}}
`)
	if rs.Missing != MissingTrackMean {
		t.Errorf("Missing = %q, want %q", rs.Missing, MissingTrackMean)
	}
	a, b := rs.Indicators[0], rs.Indicators[1]
	if a.Direction != HigherIsBetter {
		t.Errorf("Direction = %q, want %q", a.Direction, HigherIsBetter)
	}
	if !slices.Equal(a.Normalise.Range, []float64{0, 100}) {
		t.Errorf("minmax Range = %v, want [0 100]", a.Normalise.Range)
	}
	if a.Normalise.Constant != ConstantMid {
		t.Errorf("minmax Constant = %q, want %q", a.Normalise.Constant, ConstantMid)
	}
	if b.Normalise.Cap != 100 {
		t.Errorf("goalposts Cap = %v, want 100", b.Normalise.Cap)
	}
}

func TestParseRuleSetTrackOverride(t *testing.T) {
	rs := mustParse(t, `
name: 分赛道权重
tracks:
  - name: 区县（市）
  - name: 市直部门
    weights: {b: 10, c: 0}
indicators:
  - {id: a, name: 甲, source: progress_mean, weight: 30, normalise: {method: none}}
  - {id: b, name: 乙, source: progress_mean, weight: 30, normalise: {method: none}}
  - {id: c, name: 丙, source: progress_mean, weight: 40, normalise: {method: none}}
`)
	tests := []struct {
		track string
		want  []float64
	}{
		{"区县（市）", []float64{0.3, 0.3, 0.4}},
		{"市直部门", []float64{0.75, 0.25, 0}},
		{"其他", nil},
	}
	for _, tt := range tests {
		t.Run(tt.track, func(t *testing.T) {
			if got := rs.Weights(tt.track); !slices.Equal(got, tt.want) {
				t.Errorf("Weights(%s) = %v, want %v", tt.track, got, tt.want)
			}
		})
	}
}

func TestParseRuleSetEmptyLaterDocument(t *testing.T) {
	const text = "name: v\ntracks: [{name: t}]\nindicators: [{id: a, name: 甲, source: progress_mean, weight: 1, normalise: {method: none}}]\n"
	for _, tail := range []string{"---\n", "...\n", "---\n# 说明\n", "...\n---\n"} {
		if _, err := ParseRuleSet([]byte(text + tail)); err != nil {
			t.Errorf("ParseRuleSet(… + %q) = %v, want no error for an empty document", tail, err)
		}
	}
}

// TestParseRuleSetBadWeightAlone checks that a weight the decoder could
// not read is reported once, without a second problem saying that the
// weights sum to 0, which only follows from the first.
func TestParseRuleSetBadWeightAlone(t *testing.T) {
	for _, weight := range []string{"４０", `"40"`, "40%"} {
		text := ruleHead + "indicators:\n  - {id: a, name: 甲, source: progress_mean, weight: " + weight +
			", normalise: {method: none}}\n"
		_, err := ParseRuleSet([]byte(text))
		problems := ruleProblems(t, err)
		if len(problems) != 1 || problems[0].Path != "indicators[0].weight" {
			t.Errorf("ParseRuleSet(weight: %s) = %v, want one problem at indicators[0].weight", weight, err)
		}
	}
}

func TestParseRuleSetNotUTF8(t *testing.T) {
	text := "name: 测试\ntracks:\n  - name: 区县（市）\nindicators:\n" +
		"  - {id: a, name: 里程碑, source: progress_mean, weight: 1, normalise: {method: none}}\n"
	gbk, err := simplifiedchinese.GB18030.NewEncoder().String(text)
	if err != nil {
		t.Fatal(err)
	}
	_, err = ParseRuleSet([]byte(gbk))
	problems := ruleProblems(t, err)
	if len(problems) != 1 {
		t.Fatalf("ParseRuleSet(GB18030) = %v, want one problem", err)
	}
	p := problems[0]
	if p.Line != 1 || p.Column != 7 {
		t.Errorf("problem %q at line %d column %d, want line 1 column 7", p, p.Line, p.Column)
	}
	for _, want := range []string{"不是 UTF-8 编码", "GB18030", "另存为 UTF-8"} {
		if !strings.Contains(p.Message, want) {
			t.Errorf("problem %q, want it to contain %q", p, want)
		}
	}
}

func TestRuleSetVersionFollowsBytes(t *testing.T) {
	const text = "name: v\ntracks: [{name: t}]\nindicators: [{id: a, name: 甲, source: progress_mean, weight: 1, normalise: {method: none}}]\n"
	a := mustParse(t, text)
	b := mustParse(t, "# 注释也算\n"+text)
	if len(a.Version) != 64 {
		t.Errorf("len(Version) = %d, want 64", len(a.Version))
	}
	if a.Version == b.Version {
		t.Errorf("Version is %s for two different files, want different versions", a.Version)
	}
}

// ruleHead is a valid start of a rule set that the error cases extend.
const ruleHead = "name: 测试\ntracks:\n  - name: 区县（市）\n"

func TestParseRuleSetErrors(t *testing.T) {
	tests := []struct {
		name     string
		yaml     string
		wantPath string
		wantLine int
		wantMsg  string
	}{
		{
			name: "UnknownSource",
			yaml: ruleHead + `indicators:
  - {id: a, name: 甲, source: budget_rate, weight: 1, normalise: {method: none}}
`,
			wantPath: "indicators[0].source", wantLine: 5, wantMsg: "未知的数据来源 \"budget_rate\"",
		},
		{
			name: "NegativeWeight",
			yaml: ruleHead + `indicators:
  - {id: a, name: 甲, source: progress_mean, weight: 2, normalise: {method: none}}
  - id: b
    name: 乙
    source: progress_mean
    weight: -5
    normalise: {method: none}
`,
			wantPath: "indicators[1].weight", wantLine: 9, wantMsg: "权重不能为负数（现为 -5.00）",
		},
		{
			name: "WeightsSumToZero",
			yaml: ruleHead + `indicators:
  - {id: a, name: 甲, source: progress_mean, weight: 0, normalise: {method: none}}
  - {id: b, name: 乙, source: assessment_mean, weight: 0, normalise: {method: none}}
`,
			wantPath: "indicators", wantLine: 4, wantMsg: "权重之和为 0",
		},
		{
			name: "TrackWeightsSumToZero",
			yaml: `name: 测试
tracks:
  - name: 市直部门
    weights: {a: 0}
indicators:
  - {id: a, name: 甲, source: progress_mean, weight: 1, normalise: {method: none}}
`,
			wantPath: "tracks[0].weights", wantLine: 4, wantMsg: "赛道 市直部门 中根节点的各下级权重之和为 0",
		},
		{
			name: "DuplicateID",
			yaml: ruleHead + `indicators:
  - {id: a, name: 甲, source: progress_mean, weight: 1, normalise: {method: none}}
  - {id: a, name: 乙, source: assessment_mean, weight: 1, normalise: {method: none}}
`,
			wantPath: "indicators[1].id", wantLine: 6, wantMsg: "指标 id a 重复，indicators[0] 已使用",
		},
		{
			name: "UnknownNormaliser",
			yaml: ruleHead + `indicators:
  - id: a
    name: 甲
    source: progress_mean
    weight: 1
    normalise:
      method: softmax
`,
			wantPath: "indicators[0].normalise.method", wantLine: 10, wantMsg: "未知的标准化方法 \"softmax\"",
		},
		{
			name: "MissingNormaliser",
			yaml: ruleHead + `indicators:
  - {id: a, name: 甲, source: progress_mean, weight: 1}
`,
			wantPath: "indicators[0].normalise", wantLine: 5, wantMsg: "缺少标准化方法",
		},
		{
			name: "MissingWeight",
			yaml: ruleHead + `indicators:
  - {id: a, name: 甲, source: progress_mean, normalise: {method: none}}
`,
			wantPath: "indicators[0].weight", wantLine: 5, wantMsg: "缺少权重",
		},
		{
			name: "UnknownField",
			yaml: ruleHead + `indicators:
  - id: a
    name: 甲
    source: progress_mean
    wieght: 1
    normalise: {method: none}
`,
			wantPath: "indicators[0].wieght", wantLine: 8, wantMsg: "未知字段 wieght",
		},
		{
			name: "WeightNotNumber",
			yaml: ruleHead + `indicators:
  - id: a
    name: 甲
    source: progress_mean
    weight: 四十
    normalise: {method: none}
`,
			wantPath: "indicators[0].weight", wantLine: 8, wantMsg: "值 四十 的类型不对，这里应为数字",
		},
		{
			name: "DuplicateKey",
			yaml: ruleHead + `indicators:
  - id: a
    name: 甲
    name: 乙
    source: progress_mean
    weight: 1
    normalise: {method: none}
`,
			wantPath: "indicators[0].name", wantLine: 7, wantMsg: "键 name 重复，第 6 行已经写过",
		},
		{
			name: "UnknownOverrideIndicator",
			yaml: `name: 测试
tracks:
  - name: 区县（市）
    weights: {b: 3}
indicators:
  - {id: a, name: 甲, source: progress_mean, weight: 1, normalise: {method: none}}
`,
			wantPath: "tracks[0].weights.b", wantLine: 4, wantMsg: "没有 id 为 b 的指标",
		},
		{
			name: "DuplicateTrack",
			yaml: ruleHead + `  - name: 区县（市）
indicators:
  - {id: a, name: 甲, source: progress_mean, weight: 1, normalise: {method: none}}
`,
			wantPath: "tracks[1].name", wantLine: 4, wantMsg: "赛道 区县（市） 重复",
		},
		{
			name: "NoTracks",
			yaml: `name: 测试
indicators:
  - {id: a, name: 甲, source: progress_mean, weight: 1, normalise: {method: none}}
`,
			wantPath: "tracks", wantMsg: "至少需要一个赛道",
		},
		{
			name: "NoIndicators",
			yaml: ruleHead, wantPath: "indicators", wantMsg: "至少需要一个指标",
		},
		{
			name: "MissingName",
			yaml: `tracks: [{name: t}]
indicators:
  - {id: a, name: 甲, source: progress_mean, weight: 1, normalise: {method: none}}
`,
			wantPath: "name", wantMsg: "缺少规则集名称",
		},
		{
			name: "BadID",
			yaml: ruleHead + `indicators:
  - {id: 进度, name: 甲, source: progress_mean, weight: 1, normalise: {method: none}}
`,
			wantPath: "indicators[0].id", wantLine: 5, wantMsg: "指标 id \"进度\" 无效",
		},
		{
			name: "UnknownDirection",
			yaml: ruleHead + `indicators:
  - {id: a, name: 甲, source: progress_mean, weight: 1, direction: up, normalise: {method: none}}
`,
			wantPath: "indicators[0].direction", wantLine: 5, wantMsg: "未知的方向 \"up\"",
		},
		{
			name: "UnknownMissingPolicy",
			yaml: ruleHead + `missing: skip
indicators:
  - {id: a, name: 甲, source: progress_mean, weight: 1, normalise: {method: none}}
`,
			wantPath: "missing", wantLine: 4, wantMsg: "未知的缺失值处理方式 \"skip\"",
		},
		{
			name: "GoalpostsReversed",
			yaml: ruleHead + `indicators:
  - {id: a, name: 甲, source: progress_mean, weight: 1, normalise: {method: goalposts, lower: 100, upper: 0}}
`,
			wantPath: "indicators[0].normalise.upper", wantLine: 5, wantMsg: "upper（0.00）必须大于 lower（100.00）",
		},
		{
			name: "GoalpostsNegativeCap",
			yaml: ruleHead + `indicators:
  - {id: a, name: 甲, source: progress_mean, weight: 1, normalise: {method: goalposts, lower: 0, upper: 100, cap: -0.5}}
`,
			wantPath: "indicators[0].normalise.cap", wantLine: 5, wantMsg: "cap 必须大于 0（现为 -0.50）",
		},
		{
			name: "GoalpostsMissingUpper",
			yaml: ruleHead + `indicators:
  - {id: a, name: 甲, source: progress_mean, weight: 1, normalise: {method: goalposts, lower: 0}}
`,
			wantPath: "indicators[0].normalise.upper", wantLine: 5, wantMsg: "此标准化方法需要字段 upper",
		},
		{
			name: "FieldOfOtherMethod",
			yaml: ruleHead + `indicators:
  - {id: a, name: 甲, source: progress_mean, weight: 1, normalise: {method: minmax, upper: 100}}
`,
			wantPath: "indicators[0].normalise.upper", wantLine: 5, wantMsg: "标准化方法 minmax 不使用字段 upper",
		},
		{
			name: "MinMaxBadRange",
			yaml: ruleHead + `indicators:
  - {id: a, name: 甲, source: progress_mean, weight: 1, normalise: {method: minmax, range: [100, 0]}}
`,
			wantPath: "indicators[0].normalise.range", wantLine: 5, wantMsg: "range 须为两个有限数字",
		},
		{
			name: "SyntaxError",
			yaml: "name: [测试\n", wantMsg: "YAML 格式错误",
		},
		{
			name: "EmptyFile",
			yaml: "", wantMsg: "规则集文件为空",
		},
		{
			name: "ListConditionImpossible",
			yaml: ruleHead + `indicators:
  - {id: a, name: 甲, source: progress_mean, weight: 1, normalise: {method: none}}
lists:
  - {name: 红榜, top: 3, when: {source: composite, at_least: 85, below: 60}}
`,
			wantPath: "lists[0].when", wantLine: 7,
			wantMsg: "没有一个值能同时满足 at_least 85.00 和 below 60.00，名单将永远为空",
		},
		{
			name: "ThresholdFloorAboveFull",
			yaml: ruleHead + `indicators:
  - {id: a, name: 甲, source: progress_mean, weight: 1, normalise: {method: threshold, target: 90, per: 2, floor: 120}}
`,
			wantPath: "indicators[0].normalise.floor", wantLine: 5,
			wantMsg: "floor（120.00）大于满分 full（100.00）",
		},
		{
			name: "FailBelowAboveBest",
			yaml: ruleHead + `indicators:
  - {id: a, name: 甲, source: progress_mean, weight: 1, normalise: {method: goalposts, lower: 0, upper: 100}}
fail_below: 600
`,
			wantPath: "fail_below", wantLine: 6,
			wantMsg: "fail_below（600.00）高于指标树可能的最高得分（100.00），每个单位都会判为不合格",
		},
		{
			name: "FullWidthDigits",
			yaml: ruleHead + `indicators:
  - {id: a, name: 甲, source: progress_mean, weight: ４０, normalise: {method: none}}
`,
			wantPath: "indicators[0].weight", wantLine: 5, wantMsg: "全角数字，请改用半角数字 40",
		},
		{
			name: "QuotedNumber",
			yaml: ruleHead + `indicators:
  - {id: a, name: 甲, source: progress_mean, weight: "40", normalise: {method: none}}
`,
			wantPath: "indicators[0].weight", wantLine: 5, wantMsg: "加了引号",
		},
		{
			name: "PercentSign",
			yaml: ruleHead + `indicators:
  - {id: a, name: 甲, source: progress_mean, weight: 40%, normalise: {method: none}}
`,
			wantPath: "indicators[0].weight", wantLine: 5, wantMsg: "去掉百分号，写成 40",
		},
		{
			name: "FrontierAgainstDirection",
			yaml: ruleHead + `indicators:
  - id: a
    name: 甲
    source: problems_mean_days
    weight: 1
    direction: higher
    normalise: {method: frontier, worst: 200, frontier: 0.5}
`,
			wantPath: "indicators[0].direction", wantLine: 9,
			wantMsg: "direction 为 higher（越高越好），但 worst（200.00）大于 frontier（0.50），即越低越好",
		},
		{
			name: "EfficacyAgainstDirection",
			yaml: ruleHead + `indicators:
  - {id: a, name: 甲, source: progress_mean, weight: 1, direction: lower, normalise: {method: efficacy, not_allowed: 60, satisfied: 100}}
`,
			wantPath: "indicators[0].direction", wantLine: 5,
			wantMsg: "direction 为 lower（越低越好），但 not_allowed（60.00）小于 satisfied（100.00），即越高越好",
		},
		{
			name: "SecondDocument",
			yaml: ruleHead + `indicators:
  - {id: a, name: 甲, source: progress_mean, weight: 1, normalise: {method: none}}
---
rank_places: 1
`,
			wantLine: 6, wantMsg: "分隔线 --- 之后还有第二个 YAML 文档",
		},
		{
			name: "KeysAfterDocumentEnd",
			yaml: ruleHead + `indicators:
  - {id: a, name: 甲, source: progress_mean, weight: 1, normalise: {method: none}}
...
rank_places: 1
`,
			wantLine: 6, wantMsg: "只读第一个文档，第 7 行起的内容不会生效",
		},
		{
			name: "SyntaxErrorInSecondDocument",
			yaml: ruleHead + `indicators:
  - {id: a, name: 甲, source: progress_mean, weight: 1, normalise: {method: none}}
---
rank_places: [1
`,
			wantLine: 6, wantMsg: "第二个 YAML 文档",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rs, err := ParseRuleSet([]byte(tt.yaml))
			if err == nil {
				t.Fatalf("ParseRuleSet = %+v, nil; want an error", rs)
			}
			if k := saima.ErrorKind(err); k != saima.KindInvalid {
				t.Errorf("ErrorKind = %v, want %v", k, saima.KindInvalid)
			}
			problems := ruleProblems(t, err)
			i := slices.IndexFunc(problems, func(p *RuleError) bool {
				return p.Path == tt.wantPath && strings.Contains(p.Message, tt.wantMsg)
			})
			if i < 0 {
				t.Fatalf("ParseRuleSet error = %v, want a problem at %q containing %q", err, tt.wantPath, tt.wantMsg)
			}
			if tt.wantLine != 0 && problems[i].Line != tt.wantLine {
				t.Errorf("problem %v is on line %d, want %d", problems[i], problems[i].Line, tt.wantLine)
			}
		})
	}
}

func TestParseRuleSetReportsEveryProblem(t *testing.T) {
	_, err := ParseRuleSet([]byte(`name: 多处错误
tracks: [{name: 区县（市）}]
indicators:
  - {id: a, name: 甲, source: nowhere, weight: -1, normalise: {method: none}}
  - {id: a, name: 乙, source: progress_mean, weight: 1, normalise: {method: softmax}}
`))
	problems := ruleProblems(t, err)
	var paths []string
	for _, p := range problems {
		paths = append(paths, p.Path)
	}
	want := []string{
		"indicators[0].source",
		"indicators[0].weight",
		"indicators[1].id",
		"indicators[1].normalise.method",
	}
	if !slices.Equal(paths, want) {
		t.Errorf("problem paths = %q, want %q", paths, want)
	}
	if msg := err.Error(); !strings.Contains(msg, "规则集有 4 处错误") || !strings.Contains(msg, "第 4 行 indicators[0].source：") {
		t.Errorf("Error() = %q, want the count and each problem with line and path", msg)
	}
}

func TestParseRuleSetDuplicateNamesHugeWeights(t *testing.T) {
	tests := []struct {
		name     string
		yaml     string
		wantPath string
		wantLine int
		wantMsg  string
	}{
		{
			name: "DuplicateIndicatorName",
			yaml: ruleHead + `indicators:
  - {id: a, name: 里程碑按期完成率, source: progress_mean, weight: 1, normalise: {method: none}}
  - {id: b, name: 里程碑按期完成率, source: assessment_mean, weight: 1, normalise: {method: none}}
`,
			wantPath: "indicators[1].name", wantLine: 6, wantMsg: "指标名称 里程碑按期完成率 与 indicators[0] 的名称重复",
		},
		{
			name: "DuplicateIndicatorNameSpelledApart",
			yaml: ruleHead + `indicators:
  - {id: a, name: 得分率(线上), source: progress_mean, weight: 1, normalise: {method: none}}
  - {id: b, name: 得分率（线上）, source: assessment_mean, weight: 1, normalise: {method: none}}
`,
			wantPath: "indicators[1].name", wantLine: 6, wantMsg: "与 indicators[0] 的名称重复",
		},
		{
			name: "WeightSumOverflows",
			yaml: ruleHead + `indicators:
  - {id: a, name: 甲, source: progress_mean, weight: 1e308, normalise: {method: none}}
  - {id: b, name: 乙, source: assessment_mean, weight: 1e308, normalise: {method: none}}
`,
			wantPath: "indicators", wantLine: 4, wantMsg: "根节点的各下级权重过大",
		},
		{
			name: "TrackWeightSumOverflows",
			yaml: `name: 测试
tracks:
  - name: 区县（市）
    weights: {a: 1.7e308}
indicators:
  - {id: a, name: 甲, source: progress_mean, weight: 1, normalise: {method: none}}
  - {id: b, name: 乙, source: assessment_mean, weight: 1.7e308, normalise: {method: none}}
`,
			wantPath: "tracks[0].weights", wantLine: 4, wantMsg: "赛道 区县（市） 中根节点的各下级权重过大",
		},
		{
			name: "SumGroupOverflows",
			yaml: ruleHead + `aggregate: sum
indicators:
  - {id: a, name: 甲, source: progress_mean, weight: 1e307, normalise: {method: none}}
`,
			wantPath: "indicators", wantLine: 5, wantMsg: "乘以满分",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rs, err := ParseRuleSet([]byte(tt.yaml))
			if err == nil {
				t.Fatalf("ParseRuleSet = %+v, nil; want an error", rs)
			}
			problems := ruleProblems(t, err)
			i := slices.IndexFunc(problems, func(p *RuleError) bool {
				return p.Path == tt.wantPath && strings.Contains(p.Message, tt.wantMsg)
			})
			if i < 0 {
				t.Fatalf("ParseRuleSet error = %v, want a problem at %q containing %q", err, tt.wantPath, tt.wantMsg)
			}
			if problems[i].Line != tt.wantLine {
				t.Errorf("problem %v is on line %d, want %d", problems[i], problems[i].Line, tt.wantLine)
			}
		})
	}
}

// TestParseRuleSetEmptyRootMessages checks that a rule set without
// indicators gets no message that lacks its subject.
func TestParseRuleSetEmptyRootMessages(t *testing.T) {
	for _, text := range []string{"", "name: x\ntracks: [{name: t}]\nindicators: []\n"} {
		_, err := ParseRuleSet([]byte(text))
		if err == nil {
			t.Fatalf("ParseRuleSet(%q) = nil error, want one", text)
		}
		for _, p := range ruleProblems(t, err) {
			if strings.Contains(p.Message, "  ") || strings.HasPrefix(p.Message, "分组 ") {
				t.Errorf("ParseRuleSet(%q) problem %q lacks its subject", text, p)
			}
		}
		if !strings.Contains(err.Error(), "至少需要一个指标") {
			t.Errorf("ParseRuleSet(%q) = %v, want it to ask for an indicator", text, err)
		}
	}
}

// TestStoredRuleSetSkipsNewChecks checks that the rule-set text stored
// with an evaluation still reads when it fails a check added after it
// ran, so that the run can be recomputed and its overrides bounded.
func TestStoredRuleSetSkipsNewChecks(t *testing.T) {
	const leaf = "indicators:\n  - {id: a, name: 甲, source: progress_mean, weight: 1, %s}\n"
	goalposts := fmt.Sprintf(leaf, "normalise: {method: goalposts, lower: 0, upper: 100}")
	tests := []struct {
		name, text string
	}{
		{"SecondDocument", ruleHead + goalposts + "...\nrank_places: 1\n"},
		{"DirectionAgainstTargets", ruleHead + fmt.Sprintf(leaf,
			"direction: higher, normalise: {method: frontier, worst: 200, frontier: 0.5}")},
		{"ListConditionImpossible", ruleHead + goalposts +
			"lists: [{name: 红榜, top: 3, when: {source: composite, above: 100, below: 50}}]\n"},
		{"ThresholdFloorAboveFull", ruleHead + fmt.Sprintf(leaf,
			"normalise: {method: threshold, target: 90, per: 2, floor: 120}")},
		{"FailBelowAboveBest", ruleHead + goalposts + "fail_below: 600\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if _, err := ParseRuleSet([]byte(tt.text)); err == nil {
				t.Fatal("ParseRuleSet = nil error, want the new check to reject the text")
			}
			rs, err := parseStored(tt.text)
			if err != nil {
				t.Fatalf("parseStored = %v, want the rule set", err)
			}
			if rs.Adjustments.RankPlaces != nil {
				t.Errorf("parseStored read rank_places %d from a second document", *rs.Adjustments.RankPlaces)
			}
		})
	}
	if _, err := parseStored(ruleHead + "indicators: []\n"); err == nil {
		t.Error("parseStored of a rule set without indicators = nil error, want the old checks kept")
	}
}

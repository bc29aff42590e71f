package scoring

import (
	"slices"
	"testing"
)

// TestWeightNotes checks the notes on weights in points that do not add
// up to 100. Each names the shares the weights are scaled to, for the
// root, a group or a track whose override changes the sum. A sum of 100
// and the multipliers of a sum group get none.
func TestWeightNotes(t *testing.T) {
	const text = `name: 测试
tracks:
  - name: 区县（市）
  - name: 市直部门
    weights: {c: 20}
groups:
  - {id: g, name: 工作成效, weight: 20}
  - {id: s, name: 加分项, weight: 10, aggregate: sum}
indicators:
  - {id: a, name: 甲, source: progress_mean, weight: 40, normalise: {method: none}}
  - {id: b, name: 乙, source: progress_mean, weight: 30, normalise: {method: none}}
  - {id: c, name: 丙, source: progress_mean, parent: g, weight: 50, normalise: {method: none}}
  - {id: d, name: 丁, source: progress_mean, parent: g, weight: 50, normalise: {method: none}}
  - {id: e, name: 戊, source: progress_mean, parent: s, weight: 0.5, normalise: {method: none}}
`
	rs, err := ParseRuleSet([]byte(text))
	if err != nil {
		t.Fatal(err)
	}
	want := []string{
		"赛道“市直部门”中，分组“工作成效”（g）下各项的权重之和为 70，不是 100，各项按权重占比计入：丙 28.6%、丁 71.4%",
	}
	if got := rs.WeightNotes(); !slices.Equal(got, want) {
		t.Errorf("WeightNotes() = %q, want %q", got, want)
	}

	rs, err = ParseRuleSet([]byte(ruleHead + `indicators:
  - {id: a, name: 甲, source: progress_mean, weight: 40, normalise: {method: none}}
  - {id: b, name: 乙, source: progress_mean, weight: 30, normalise: {method: none}}
  - {id: c, name: 丙, source: progress_mean, weight: 20, normalise: {method: none}}
`))
	if err != nil {
		t.Fatal(err)
	}
	want = []string{"根节点下各项的权重之和为 90，不是 100，各项按权重占比计入：甲 44.4%、乙 33.3%、丙 22.2%"}
	if got := rs.WeightNotes(); !slices.Equal(got, want) {
		t.Errorf("WeightNotes() of 40/30/20 = %q, want %q", got, want)
	}
}

// TestWeightNotesSumWithoutNoise checks that the note prints a sum of
// fractional weights as written, not with the float noise of the sum.
func TestWeightNotesSumWithoutNoise(t *testing.T) {
	rs, err := ParseRuleSet([]byte(ruleHead + `indicators:
  - {id: a, name: 甲, source: progress_mean, weight: 0.1, normalise: {method: none}}
  - {id: b, name: 乙, source: progress_mean, weight: 0.2, normalise: {method: none}}
  - {id: c, name: 丙, source: progress_mean, weight: 0.3, normalise: {method: none}}
`))
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"根节点下各项的权重之和为 0.6，不是 100，各项按权重占比计入：甲 16.7%、乙 33.3%、丙 50%"}
	if got := rs.WeightNotes(); !slices.Equal(got, want) {
		t.Errorf("WeightNotes() = %q, want %q", got, want)
	}
}

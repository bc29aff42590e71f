package scoring

import (
	"slices"
	"strings"
	"testing"

	"saima"
)

// TestListsByComposite ranks six units scored 95, 88, 84, 70, 59 and 40
// as written (method none). The red list takes the top 3 with a composite
// of at least 85, and the black list the bottom 3 below 60 except 己.
func TestListsByComposite(t *testing.T) {
	rs := mustParse(t, oneLeaf("{method: none}", "higher", `lists:
  - {name: 红榜, top: 3, when: {source: composite, at_least: 85}}
  - {name: 黑榜, bottom: 3, when: {source: composite, below: 60}, exempt: [己]}
`))
	values := map[string]float64{"甲": 95, "乙": 88, "丙": 84, "丁": 70, "戊": 59, "己": 40}
	results := evaluateOneTrack(t, rs, values)

	want := map[string][]string{"甲": {"红榜"}, "乙": {"红榜"}, "戊": {"黑榜"}}
	for _, r := range results {
		if !slices.Equal(r.Lists, want[r.Unit]) {
			t.Errorf("lists of %s (rank %d, composite %g) = %v, want %v", r.Unit, r.Rank, r.Value, r.Lists, want[r.Unit])
		}
	}
}

func TestListCompositeOnlyInLists(t *testing.T) {
	rules := oneLeaf("{method: none}", "higher", "penalties:\n  - {id: p, name: 扣分, source: composite, points: 1}\n")
	_, err := ParseRuleSet([]byte(rules))
	if err == nil {
		t.Fatal("ParseRuleSet accepted composite as a penalty source, want an unknown source")
	}
	if got := err.Error(); !strings.Contains(got, "penalties[0].source") || !strings.Contains(got, `"composite"`) {
		t.Errorf("ParseRuleSet error = %s, want a problem at penalties[0].source naming composite", got)
	}
}

// TestListsMinTrack checks that a track smaller than a list's minimum gets
// no list: by default twice the list's length, so that a list never takes
// in more than half its track.
func TestListsMinTrack(t *testing.T) {
	tests := []struct {
		name   string
		lists  string
		values map[string]float64
		want   map[string][]string
	}{
		{"OneUnitNoBlackList", "  - {name: 黑榜, bottom: 3, when: {source: composite, below: 60}}\n",
			map[string]float64{"甲": 40}, map[string][]string{}},
		{"FiveUnitsNoBlackList", "  - {name: 黑榜, bottom: 3, when: {source: composite, below: 60}}\n",
			map[string]float64{"甲": 95, "乙": 88, "丙": 50, "丁": 45, "戊": 40}, map[string][]string{}},
		{"SixUnitsBlackList", "  - {name: 黑榜, bottom: 3, when: {source: composite, below: 60}}\n",
			map[string]float64{"甲": 95, "乙": 88, "丙": 84, "丁": 50, "戊": 45, "己": 40},
			map[string][]string{"丁": {"黑榜"}, "戊": {"黑榜"}, "己": {"黑榜"}}},
		{"ExplicitMinimum", "  - {name: 黑榜, bottom: 3, min_track: 1, when: {source: composite, below: 60}}\n",
			map[string]float64{"甲": 40}, map[string][]string{"甲": {"黑榜"}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rs := mustParse(t, oneLeaf("{method: none}", "higher", "lists:\n"+tt.lists))
			results := evaluateOneTrack(t, rs, tt.values)
			for _, r := range results {
				if !slices.Equal(r.Lists, tt.want[r.Unit]) {
					t.Errorf("lists of %s (rank %d of %d) = %v, want %v", r.Unit, r.Rank, len(results), r.Lists, tt.want[r.Unit])
				}
			}
		})
	}
}

func TestListNotes(t *testing.T) {
	rs := mustParse(t, oneLeaf("{method: none}", "higher", `lists:
  - {name: 红榜, top: 3}
  - {name: 黑榜, bottom: 2, min_track: 3}
`))
	tests := []struct {
		units int
		want  []string
	}{
		{1, []string{"本赛道只有 1 个单位，少于红榜要求的 6 个，不评红榜", "本赛道只有 1 个单位，少于黑榜要求的 3 个，不评黑榜"}},
		{4, []string{"本赛道只有 4 个单位，少于红榜要求的 6 个，不评红榜"}},
		{6, nil},
	}
	for _, tt := range tests {
		if got := rs.ListNotes(tt.units); !slices.Equal(got, tt.want) {
			t.Errorf("ListNotes(%d) = %q, want %q", tt.units, got, tt.want)
		}
	}
}

func TestEmptyListNotes(t *testing.T) {
	rs := mustParse(t, oneLeaf("{method: none}", "higher", `lists:
  - {name: 红榜, top: 3, when: {source: composite, at_least: 85}}
  - {name: 黑榜, bottom: 2, when: {source: composite, below: 60}, exempt: [宁波前湾新区]}
  - {name: 进步榜, top: 1, when: {source: composite, above: 50.5, at_most: 90}}
  - {name: 先进, top: 1}
`))
	tests := []struct {
		name  string
		units int
		named []string
		want  []string
	}{
		{"AllEmpty", 6, nil, []string{
			"本赛道前 3 名中没有综合得分达到 85 的单位，本期红榜空缺",
			"本赛道后 2 名中没有综合得分低于 60 的单位（不计免于上榜的单位），本期黑榜空缺",
			"本赛道前 1 名中没有综合得分高于 50.5 且不高于 90 的单位，本期进步榜空缺",
			"本赛道前 1 名中没有可以上榜的单位，本期先进空缺",
		}},
		{"SomeNamed", 6, []string{"红榜", "黑榜", "先进"}, []string{
			"本赛道前 1 名中没有综合得分高于 50.5 且不高于 90 的单位，本期进步榜空缺",
		}},
		{"TrackTooSmall", 5, []string{"进步榜", "先进"}, []string{
			"本赛道后 2 名中没有综合得分低于 60 的单位（不计免于上榜的单位），本期黑榜空缺",
		}},
	}
	for _, tt := range tests {
		var got []string
		for _, e := range rs.EmptyLists(tt.units, tt.named) {
			got = append(got, e.Note())
		}
		if !slices.Equal(got, tt.want) {
			t.Errorf("%s: notes of EmptyLists(%d, %q) = %q, want %q", tt.name, tt.units, tt.named, got, tt.want)
		}
	}
}

func TestListMinTrackInvalid(t *testing.T) {
	_, err := ParseRuleSet([]byte(oneLeaf("{method: none}", "higher", "lists:\n  - {name: 黑榜, bottom: 3, min_track: -1}\n")))
	if err == nil || !strings.Contains(err.Error(), "lists[0].min_track") {
		t.Errorf("ParseRuleSet error = %v, want a problem at lists[0].min_track", err)
	}
}

// TestListTiesAtBoundary checks that a tie across a list's boundary takes
// in every tied unit, at the bottom as at the top: a unit is in the last
// k places when fewer than k units rank below it. The grade cap of the
// last places reads its places so too.
func TestListTiesAtBoundary(t *testing.T) {
	rs := mustParse(t, oneLeaf("{method: none}", "higher", `lists:
  - {name: 红榜, top: 2}
  - {name: 黑榜, bottom: 2}
`))
	values := map[string]float64{"甲": 90, "乙": 80, "丙": 80, "丁": 70, "戊": 50, "己": 50, "庚": 50}
	results := evaluateOneTrack(t, rs, values)
	want := map[string][]string{"甲": {"红榜"}, "乙": {"红榜"}, "丙": {"红榜"}, "戊": {"黑榜"}, "己": {"黑榜"}, "庚": {"黑榜"}}
	for _, r := range results {
		if !slices.Equal(r.Lists, want[r.Unit]) {
			t.Errorf("lists of %s (rank %d) = %v, want %v", r.Unit, r.Rank, r.Lists, want[r.Unit])
		}
	}

	// Three units tied on the last place but one, across a bottom 2.
	values = map[string]float64{"甲": 90, "乙": 85, "丙": 80, "丁": 70, "戊": 60, "己": 60, "庚": 60}
	results = evaluateOneTrack(t, rs, values)
	want = map[string][]string{"甲": {"红榜"}, "乙": {"红榜"}, "戊": {"黑榜"}, "己": {"黑榜"}, "庚": {"黑榜"}}
	for _, r := range results {
		if !slices.Equal(r.Lists, want[r.Unit]) {
			t.Errorf("lists of %s (rank %d) = %v, want %v", r.Unit, r.Rank, r.Lists, want[r.Unit])
		}
	}
}

// evaluateOneTrack scores units of one track whose value of the input x
// is values[unit].
func evaluateOneTrack(tb testing.TB, rs *RuleSet, values map[string]float64) []Result {
	tb.Helper()
	var units []saima.Unit
	var records []Record
	for name, x := range values {
		units = append(units, saima.Unit{Name: name, Track: unitTrack})
		records = append(records, Record{Unit: name, Values: map[string]float64{"x": x}})
	}
	results, err := EvaluateRecords(rs, q3, units, records, nil)
	if err != nil {
		tb.Fatal(err)
	}
	return results
}

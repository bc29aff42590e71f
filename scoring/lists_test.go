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
	var units []saima.Unit
	var records []Record
	for name, x := range values {
		units = append(units, saima.Unit{Name: name, Track: unitTrack})
		records = append(records, Record{Unit: name, Values: map[string]float64{"x": x}})
	}
	results, err := EvaluateRecords(rs, q3, units, records, nil)
	if err != nil {
		t.Fatal(err)
	}

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

package scoring

import (
	"fmt"
	"math"
	"strconv"
	"strings"

	"saima"
)

// WeightNotes returns a note for each group, the root included, whose
// children's weights in points do not add up to 100, with the share each
// child then gets. Weights are scaled to their sum, so 40, 30 and 20 give
// 44.4 %, 33.3 % and 22.2 %, which a clerk who meant 40, 30 and 30 should
// see before the rule set is used. Where a track overrides a child's
// weight, the group's notes name each track whose sum is not 100. Groups under "sum", whose weights are
// multipliers, and groups weighted by entropy or AHP get none.
func (rs *RuleSet) WeightNotes() []string {
	t := rs.tree
	if t == nil {
		return nil
	}
	var notes []string
	for k := len(t.order) - 1; k >= 0; k-- {
		n := t.order[k]
		node := &t.nodes[n]
		if node.aggregate == AggSum || node.weighting != WeightPoints || len(node.children) == 0 {
			continue
		}
		perTrack := false
		for _, tr := range rs.Tracks {
			perTrack = perTrack || t.overridesChildren(n, tr)
		}
		if !perTrack {
			if note := t.weightNote(n, Track{}); note != "" {
				notes = append(notes, note)
			}
			continue
		}
		for _, tr := range rs.Tracks {
			if note := t.weightNote(n, tr); note != "" {
				notes = append(notes, "赛道“"+tr.Name+"”中，"+note)
			}
		}
	}
	return notes
}

// weightNote returns the note on node n's weights in tr, or "" when they
// add up to 100 or to nothing, which validation rejects.
func (t *tree) weightNote(n int, tr Track) string {
	total := t.childPoints(n, tr)
	if total <= 0 || math.Abs(total-100) < 1e-9 {
		return ""
	}
	node := &t.nodes[n]
	where := "根节点"
	if node.parent >= 0 {
		where = "分组“" + node.name + "”（" + node.id + "）"
	}
	shares := make([]string, len(node.children))
	for k, c := range node.children {
		shares[k] = t.nodes[c].name + " " + percentText(100*t.points(c, tr)/total)
	}
	return fmt.Sprintf("%s下各项的权重之和为 %s，不是 100，各项按权重占比计入：%s",
		where, saima.ExcelDecimal(total).String(), strings.Join(shares, "、"))
}

// percentText writes a share to one decimal place, without a trailing .0.
func percentText(p float64) string {
	s := strconv.FormatFloat(p, 'f', 1, 64)
	return strings.TrimSuffix(s, ".0") + "%"
}

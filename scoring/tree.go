package scoring

import (
	"cmp"
	"fmt"
	"slices"
	"strings"

	"github.com/samber/lo"

	"saima"
)

// Aggregation methods of a tree node: how its children's scores combine.
const (
	AggArithmetic = "arithmetic" // Σ w·s with weights scaled to sum to 1; the default
	AggGeometric  = "geometric"  // Π s^w; a score of 0 or less makes it 0
	AggHarmonic   = "harmonic"   // 1 ÷ Σ (w ÷ s); a score of 0 or less makes it 0
	AggSum        = "sum"        // Σ w·s with the weights as written, for point-scored rules
	AggTOPSIS     = "topsis"     // closeness to the ideal × 100, over the track's units
)

// Weightings: where a node's child weights come from.
const (
	WeightPoints  = "points"  // the children's weight fields; the default
	WeightEntropy = "entropy" // Shannon entropy of the children's scores in the track
	WeightAHP     = "ahp"     // the principal eigenvector of a pairwise matrix
)

var (
	aggregates = []string{AggArithmetic, AggGeometric, AggHarmonic, AggSum, AggTOPSIS}
	weightings = []string{WeightPoints, WeightEntropy, WeightAHP}
)

// Group is an inner node of the indicator tree. Its value combines its
// children, the indicators and groups whose Parent is its ID.
type Group struct {
	ID     string  `yaml:"id"`
	Name   string  `yaml:"name"`
	Parent string  `yaml:"parent"` // group ID; empty for the root
	Weight float64 `yaml:"weight"` // as for Indicator.Weight
	Full   float64 `yaml:"full"`   // full marks of the group's value; 0 means 100

	Aggregate string   `yaml:"aggregate"` // one of the Agg constants; AggArithmetic when empty
	Weighting string   `yaml:"weighting"` // one of the Weight constants; WeightPoints when empty
	AHP       *AHPSpec `yaml:"ahp"`       // required when Weighting is WeightAHP
}

// AHPSpec is a pairwise comparison matrix for a node's children.
type AHPSpec struct {
	Order       []string    `yaml:"order"`        // child IDs in the order of the matrix rows
	Matrix      [][]float64 `yaml:"matrix"`       // Matrix[i][j]: how much more important Order[i] is than Order[j]
	RandomIndex string      `yaml:"random_index"` // RISaaty1980 when empty
	MaxCR       float64     `yaml:"max_cr"`       // highest consistency ratio accepted; 0 means 0.1
}

func (g *Group) setDefaults() {
	g.Aggregate = cmp.Or(g.Aggregate, AggArithmetic)
	g.Weighting = cmp.Or(g.Weighting, WeightPoints)
	g.Full = cmp.Or(g.Full, 100)
}

func (rs *RuleSet) validateGroups(idx *pathIndex) []error {
	var out []error
	out = append(out, checkNodeMethods(idx, "", rs.Aggregate, rs.Weighting)...)
	for i, g := range rs.Groups {
		path := fmt.Sprintf("groups[%d]", i)
		switch {
		case !idRE.MatchString(g.ID):
			out = append(out, idx.problem(path+".id",
				"分组 id %q 无效：须以小写字母开头，只含小写字母、数字和下划线", g.ID))
		case rs.groupIndex(g.ID) < i || rs.indicatorIndex(g.ID) >= 0:
			out = append(out, idx.problem(path+".id", "分组 id %s 与其他分组或指标重复", g.ID))
		}
		if strings.TrimSpace(g.Name) == "" {
			out = append(out, idx.problem(path+".name", "缺少分组名称 name"))
		}
		if err := checkWeight(idx, path+".weight", g.Weight); err != nil {
			out = append(out, err)
		}
		if g.Full < 0 || !finite(g.Full) {
			out = append(out, idx.problem(path+".full", "full 必须是非负的有限数字"))
		}
		out = append(out, checkNodeMethods(idx, path, g.Aggregate, g.Weighting)...)
	}
	return out
}

func checkNodeMethods(idx *pathIndex, path, aggregate, weighting string) []error {
	var out []error
	if aggregate != "" && !slices.Contains(aggregates, aggregate) {
		out = append(out, idx.problem(joinPath(path, "aggregate"), "未知的合成方法 %q，可选：%s",
			aggregate, strings.Join(aggregates, "、")))
	}
	if weighting != "" && !slices.Contains(weightings, weighting) {
		out = append(out, idx.problem(joinPath(path, "weighting"), "未知的赋权方法 %q，可选：%s",
			weighting, strings.Join(weightings, "、")))
	}
	return out
}

// tree is the compiled indicator tree. nodes[0] is the root, then the
// groups in file order, then the indicators in file order.
type tree struct {
	nodes []treeNode
	order []int // inner nodes, children before parents; the root is last
	first int   // index of the first leaf
}

type treeNode struct {
	id, name  string
	path      string // YAML path, for messages
	leaf      int    // index into RuleSet.Indicators; -1 for inner nodes
	parent    int    // -1 for the root
	children  []int
	points    float64 // the weight as written
	full      float64
	aggregate string
	weighting string
	ahp       []float64 // AHP weights in children order
}

// buildTree links the nodes, checks the tree's shape and derives AHP
// weights. It runs after validation and defaults.
func buildTree(rs *RuleSet, idx *pathIndex) (*tree, []error) {
	t := &tree{first: 1 + len(rs.Groups)}
	t.nodes = append(t.nodes, treeNode{
		leaf: -1, parent: -1, full: 100,
		aggregate: cmp.Or(rs.Aggregate, AggArithmetic), weighting: cmp.Or(rs.Weighting, WeightPoints),
	})
	for i, g := range rs.Groups {
		t.nodes = append(t.nodes, treeNode{
			id: g.ID, name: g.Name, path: fmt.Sprintf("groups[%d]", i), leaf: -1,
			points: g.Weight, full: g.Full, aggregate: g.Aggregate, weighting: g.Weighting,
		})
	}
	for i, ind := range rs.Indicators {
		t.nodes = append(t.nodes, treeNode{
			id: ind.ID, name: ind.Name, path: fmt.Sprintf("indicators[%d]", i), leaf: i,
			points: ind.Weight, full: ind.Full,
		})
	}

	problems := t.link(rs, idx)
	if len(problems) > 0 {
		return nil, problems
	}
	t.order = t.postOrder(0, nil)
	for _, n := range t.order {
		problems = append(problems, t.checkNode(rs, idx, n)...)
	}
	return t, problems
}

// link sets every node's parent and children and rejects unknown parents
// and cycles.
func (t *tree) link(rs *RuleSet, idx *pathIndex) []error {
	var out []error
	for i := 1; i < len(t.nodes); i++ {
		parentID := rs.parentOf(t.nodes[i])
		p := 0
		if parentID != "" {
			p = 1 + rs.groupIndex(parentID)
			if p == 0 {
				out = append(out, idx.problem(t.nodes[i].path+".parent", "没有 id 为 %s 的分组", parentID))
				continue
			}
		}
		t.nodes[i].parent = p
		t.nodes[p].children = append(t.nodes[p].children, i)
	}
	for i := 1; i < t.first; i++ {
		seen := map[int]bool{}
		for n := i; n > 0; n = t.nodes[n].parent {
			if seen[n] {
				out = append(out, idx.problem(t.nodes[i].path+".parent", "分组 %s 的上级形成了循环", t.nodes[i].id))
				return out
			}
			seen[n] = true
		}
	}
	return out
}

func (rs *RuleSet) parentOf(n treeNode) string {
	if n.leaf >= 0 {
		return rs.Indicators[n.leaf].Parent
	}
	return rs.Groups[slices.IndexFunc(rs.Groups, func(g Group) bool { return g.ID == n.id })].Parent
}

func (t *tree) postOrder(n int, out []int) []int {
	for _, c := range t.nodes[n].children {
		if t.nodes[c].leaf < 0 {
			out = t.postOrder(c, out)
		}
	}
	return append(out, n)
}

// checkNode checks one inner node: it has children, their weights can be
// scaled in every track, and an AHP matrix is consistent.
func (t *tree) checkNode(rs *RuleSet, idx *pathIndex, n int) []error {
	node := &t.nodes[n]
	where := cmp.Or(node.path, "根节点")
	if len(node.children) == 0 {
		if n == 0 {
			// Every indicator hangs below the root, so the root is empty only
			// when there is none, which validateIndicators or the decoder
			// has reported already.
			return nil
		}
		return []error{idx.problem(node.path, "分组 %s 没有下级指标或分组", node.id)}
	}
	switch node.weighting {
	case WeightAHP:
		return t.deriveAHP(rs, idx, n)
	case WeightEntropy:
		// This check came after rule sets were first stored, so a stored
		// text keeps its ignored overrides and recomputes as before.
		return t.derivedOverrides(rs, idx, n, "由熵权法按各单位的数据算出", true)
	}

	var out []error
	for _, c := range node.children {
		if !idx.has(t.nodes[c].path + ".weight") {
			out = append(out, idx.problem(t.nodes[c].path+".weight", "缺少权重 weight（分值，不能为负数）"))
		}
	}
	if len(out) > 0 || t.weightUndecoded(n, idx) {
		return out
	}
	for _, tr := range append([]Track{{}}, rs.Tracks...) {
		if tr.Name != "" && !t.overridesChildren(n, tr) {
			continue
		}
		if err := t.checkOverflow(rs, idx, n, tr); err != nil {
			out = append(out, err)
			continue
		}
		if t.childPoints(n, tr) > 0 {
			continue
		}
		if tr.Name == "" {
			out = append(out, idx.problem(cmp.Or(node.path, "indicators"), "%s的各下级权重之和为 0，至少要有一个权重大于 0", where))
		} else {
			out = append(out, idx.problem(fmt.Sprintf("tracks[%d].weights", slices.IndexFunc(rs.Tracks, func(x Track) bool { return x.Name == tr.Name })),
				"赛道 %s 中%s的各下级权重之和为 0，至少要有一个权重大于 0", tr.Name, where))
		}
	}
	return out
}

// weightUndecoded reports whether the decoder failed on the weight of a
// child of node n. That weight reads as 0, so a check of the sum would
// only repeat the decoder's problem.
func (t *tree) weightUndecoded(n int, idx *pathIndex) bool {
	return slices.ContainsFunc(t.nodes[n].children, func(c int) bool {
		return idx.undecoded[t.nodes[c].path+".weight"]
	})
}

// checkOverflow returns a problem when the weights of node n's children
// in tr are so large that their sum is not a finite float64, or, under a
// sum node, a child's weight times its full marks. Scaling by an infinite
// sum would turn every weight into 0, so every unit would tie at 0.
func (t *tree) checkOverflow(rs *RuleSet, idx *pathIndex, n int, tr Track) error {
	node := &t.nodes[n]
	total, top := 0.0, 0.0
	for _, c := range node.children {
		total += t.points(c, tr)
		top += t.points(c, tr) * t.nodes[c].full
	}
	if finite(total) && (node.aggregate != AggSum || finite(top)) {
		return nil
	}
	path := cmp.Or(node.path, "indicators")
	where := cmp.Or(node.path, "根节点")
	if tr.Name != "" {
		path = fmt.Sprintf("tracks[%d].weights", slices.IndexFunc(rs.Tracks, func(x Track) bool { return x.Name == tr.Name }))
		where = "赛道 " + tr.Name + " 中" + where
	}
	return idx.problem(path, "%s的各下级权重过大，相加（或乘以满分）后超出了数字的范围，"+
		"各单位的得分将全部变为 0；请改用正常大小的分值，如 40、30、30", where)
}

func (t *tree) childPoints(n int, tr Track) float64 {
	return lo.SumBy(t.nodes[n].children, func(c int) float64 { return t.points(c, tr) })
}

// overridesChildren reports whether tr overrides the weight of one of
// node n's children.
func (t *tree) overridesChildren(n int, tr Track) bool {
	return slices.ContainsFunc(t.nodes[n].children, func(c int) bool {
		_, ok := tr.Weights[t.nodes[c].id]
		return ok
	})
}

// points returns node c's weight as written, with tr's override. Invalid
// weights, which validation reports, count as 0.
func (t *tree) points(c int, tr Track) float64 {
	w := t.nodes[c].points
	if o, ok := tr.Weights[t.nodes[c].id]; ok {
		w = o
	}
	if !(w > 0) || !finite(w) {
		return 0
	}
	return w
}

func (t *tree) deriveAHP(rs *RuleSet, idx *pathIndex, n int) []error {
	node := &t.nodes[n]
	path := joinPath(node.path, "ahp")
	spec := rs.AHP
	if n > 0 {
		spec = rs.Groups[n-1].AHP
	}
	if spec == nil {
		return []error{idx.problem(path, "weighting 为 ahp 时需要 ahp 判断矩阵")}
	}
	var ids []string
	for _, c := range node.children {
		ids = append(ids, t.nodes[c].id)
	}
	if !sameSet(ids, spec.Order) {
		return []error{idx.problem(path+".order", "order 须恰好列出全部下级 id：%s", strings.Join(ids, "、"))}
	}

	res, err := AHPWeights(spec.Matrix, cmp.Or(spec.RandomIndex, RISaaty1980))
	if err != nil {
		return []error{idx.problem(path, "判断矩阵无效（须为 %d×%d 的正互反矩阵，对角线为 1，且阶数不超过 15；随机一致性表可选 saaty1980、saaty2005、donegan_dodd）：%v", len(ids), len(ids), err)}
	}
	if maxCR := cmp.Or(spec.MaxCR, 0.1); res.CR > maxCR {
		return []error{idx.problem(path+".matrix", "判断矩阵一致性比率 CR = %.4f，超过上限 %s，请调整判断矩阵", res.CR, saima.FormatNumber(maxCR))}
	}

	node.ahp = make([]float64, len(node.children))
	for k, c := range node.children {
		node.ahp[k] = res.Weights[slices.Index(spec.Order, t.nodes[c].id)]
	}
	return t.derivedOverrides(rs, idx, n, "由 AHP 判断矩阵决定", false)
}

// derivedOverrides returns a problem for each track override of the weight
// of a child of node n, whose weights the node derives by the method that
// derivation names. The derivation ignores the override, so the track
// would score as if it were not written. added marks the problems as a
// check that stored rule-set texts skip.
func (t *tree) derivedOverrides(rs *RuleSet, idx *pathIndex, n int, derivation string, added bool) []error {
	var out []error
	for i, tr := range rs.Tracks {
		for _, c := range t.nodes[n].children {
			id := t.nodes[c].id
			if _, ok := tr.Weights[id]; !ok {
				continue
			}
			p := idx.problem(fmt.Sprintf("tracks[%d].weights.%s", i, id),
				"赛道 %s 不能覆盖 %s 的权重，它的权重%s；请删去这一项，或把上级分组改为按分值赋权（weighting: points）",
				tr.Name, id, derivation)
			if added {
				p = addedCheck(p)
			}
			out = append(out, p)
		}
	}
	return out
}

func sameSet(a, b []string) bool {
	x, y := slices.Clone(a), slices.Clone(b)
	slices.Sort(x)
	slices.Sort(y)
	return slices.Equal(x, y)
}

// childWeights returns the weights of node n's children in tr as written
// for the node's aggregation: scaled to sum to 1, except under AggSum,
// where they are multipliers. Entropy weights depend on data, so here they
// are equal.
func (t *tree) childWeights(n int, tr Track) []float64 {
	node := &t.nodes[n]
	w := make([]float64, len(node.children))
	switch node.weighting {
	case WeightAHP:
		copy(w, node.ahp)
		return w
	case WeightEntropy:
		for k := range w {
			w[k] = 1 / float64(len(w))
		}
		return w
	}
	for k, c := range node.children {
		w[k] = max(t.points(c, tr), 0)
	}
	if node.aggregate == AggSum {
		return w
	}
	return scaleToOne(w)
}

func (t *tree) nominalWeights(tr Track) []float64 {
	share := make([]float64, len(t.nodes))
	share[0] = 1
	for k := len(t.order) - 1; k >= 0; k-- {
		n := t.order[k]
		for j, w := range t.childWeights(n, tr) {
			share[t.nodes[n].children[j]] = share[n] * w
		}
	}
	return share[t.first:]
}

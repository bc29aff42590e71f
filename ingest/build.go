package ingest

import (
	"fmt"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"

	"saima"
)

// builder turns the rows of one dataset into records.
type builder interface {
	// add reads one row. A row with errors adds no record.
	add(r *rowReader)

	// finish applies the rules that need the whole file, such as the
	// percent scale of a column or clashing aliases.
	finish(p *parser)

	// fill stores the records in the dataset's slice of b.
	fill(b *saima.Batch)
}

// recordKey joins the parts of a record key into one map key.
func recordKey(parts []string) string { return strings.Join(parts, "\x00") }

// keyed stores records by their record key. A later row with the same key
// replaces the earlier record in its place, with a warning. A key that an
// earlier chunk of a long file holds is an error instead; see
// parser.claimKey. A row with an error stores no record, but its key
// still counts when the key's cells are good, so that a repeat is
// reported with the row's own errors.
type keyed[T any] struct {
	index  map[string]int
	rows   []int
	items  []T
	failed map[string]int // the last row with an error of each key, for keys that no record has since
}

// put stores v under the key made of parts, as read from row r. A row
// with an error keeps only its key, when the cells of the schema's key
// columns have no error of their own.
func (k *keyed[T]) put(r *rowReader, v T, parts ...string) {
	if r.failed && !r.good(r.p.schema.keyColumns...) {
		return
	}
	if k.index == nil {
		k.index, k.failed = map[string]int{}, map[string]int{}
	}
	key := recordKey(parts)
	if !r.p.claimKey(r, key, parts) {
		return
	}
	i, stored := k.index[key]
	earlier, repeated := k.failed[key]
	if stored && k.rows[i] > earlier {
		earlier, repeated = k.rows[i], true
	}
	if repeated {
		r.warn("", strings.Join(parts, " / "),
			fmt.Sprintf("与第%d行的%s相同，以本行为准", earlier, r.p.schema.key),
			"如果两行都要保留，请检查是否填错；否则请删除前面的一行")
	}
	switch {
	case r.failed:
		k.failed[key] = r.row
	case stored:
		delete(k.failed, key)
		k.items[i], k.rows[i] = v, r.row
	default:
		delete(k.failed, key)
		k.index[key] = len(k.items)
		k.items = append(k.items, v)
		k.rows = append(k.rows, r.row)
	}
}

// unitBuilder reads the unit roster (单位名单).
type unitBuilder struct {
	units keyed[saima.Unit]

	// failed are the rows with an error whose 单位 is good, so that their
	// aliases are still held to the other units.
	failed []rowUnit
}

// rowUnit is a unit as read from a row of the roster.
type rowUnit struct {
	unit saima.Unit
	row  int
}

func (b *unitBuilder) add(r *rowReader) {
	u := saima.Unit{
		Name:    strings.TrimFunc(r.name("单位", true), isIgnorable),
		Kind:    r.unitKind(),
		Code:    r.code("单位代码", false),
		Aliases: r.list("别名"),
		Track:   r.name("赛道", false),
	}
	col := "赛道"
	if u.Track == "" {
		u.Track, col = u.Kind, "单位类别"
	}
	if r.good(col) {
		u.Track = r.track(col, u.Track)
	}
	u.UnrankedReason = r.unrankedReason(u.Track)
	if r.failed && r.good("单位") {
		b.failed = append(b.failed, rowUnit{u, r.row})
	}
	b.units.put(r, u, compact(u.Name))
}

// unrankedSpellings are the values of 赛道 that keep a unit out of the
// ranking, compacted.
var unrankedSpellings = []string{saima.TrackUnranked, "不参与"}

// unrankedReason reads 不参与排名原因, which a unit of track
// [saima.TrackUnranked] must give, because the leaderboard shows it, and
// any other unit must leave empty.
func (r *rowReader) unrankedReason(track string) string {
	const col = "不参与排名原因"
	reason := r.text(col)
	switch {
	case track == saima.TrackUnranked && reason == "":
		r.fail(col, "", &problem{
			reason: "未填写，赛道为“" + saima.TrackUnranked + "”的单位须写明原因，排行榜上会显示该原因",
			fix:    "请写明该单位为何不参加排名，如“新设功能区，2027年起参评”",
		})
	case track != saima.TrackUnranked && reason != "":
		r.fail(col, r.cell(col), &problem{
			reason: "只适用于赛道为“" + saima.TrackUnranked + "”的单位，该单位的赛道是“" + track + "”",
			fix:    "如果该单位不参加排名，请把赛道改为“" + saima.TrackUnranked + "”；否则请清空本列",
		})
	}
	return reason
}

// track returns the spelling of a unit's track, read from column col,
// that Options.Tracks or the unit kinds give it, and warns when
// Options.Tracks names tracks and none of them is the unit's.
func (r *rowReader) track(col, track string) string {
	known := r.p.opts.Tracks
	key := compact(track)
	if col == "赛道" && slices.Contains(unrankedSpellings, key) {
		return saima.TrackUnranked
	}
	for _, name := range known.Names {
		if compact(name) == key {
			return name
		}
	}
	spelled := track
	for _, kind := range unitKinds {
		if compact(kind) == key {
			spelled = kind
		}
	}
	if len(known.Names) == 0 {
		return spelled
	}
	reason := fmt.Sprintf("不是规则集“%s”中的赛道（%s），该单位无法参加排名，评分和发布都会因此失败",
		known.RuleSet, strings.Join(known.Names, "、"))
	if col == "单位类别" {
		reason = "赛道留空时按单位类别参赛，但“" + track + "”" + reason
	}
	r.warn(col, r.cell(col), reason,
		"请在赛道一列填写上述赛道之一后重新上传；如果要新增赛道，请先在规则集的 tracks 中加上它；"+
			"有意不让该单位参加排名的，请把赛道填为“"+saima.TrackUnranked+"”，并在“不参与排名原因”列写明原因")
	return spelled
}

// unitKind reads 单位类别, accepting the common short spellings.
func (r *rowReader) unitKind() string {
	if k, ok := unitKindSynonyms[compact(r.cell("单位类别"))]; ok {
		return k
	}
	return r.choice("单位类别", unitKinds, true)
}

// finish rejects an alias that is another unit's name or alias, because
// names on later uploads could then resolve to either unit. Rows with an
// error take part when their 单位 is good. A clash is reported on the
// later row. The units of the stored roster that the file does not list
// again take part too (see [unitBuilder.checkStored]).
func (b *unitBuilder) finish(p *parser) {
	units := slices.Clone(b.failed)
	for i, u := range b.units.items {
		units = append(units, rowUnit{u, b.units.rows[i]})
	}
	slices.SortStableFunc(units, func(a, b rowUnit) int { return a.row - b.row })
	b.checkStored(p, units)
	owners := map[string]rowUnit{}
	for _, u := range units {
		if _, ok := owners[compact(u.unit.Name)]; !ok {
			owners[compact(u.unit.Name)] = u
		}
	}
	for _, u := range units {
		for _, a := range u.unit.Aliases {
			k := compact(a)
			if o, ok := owners[k]; ok && o.unit.Name != u.unit.Name {
				p.issue(Issue{Row: u.row, Column: p.columnName("别名"), Value: a,
					Reason: fmt.Sprintf("与第%d行的单位“%s”重名", o.row, o.unit.Name),
					Fix:    "请删除或修改这个别名后重新上传"})
				continue
			}
			owners[k] = u
		}
	}
}

// checkStored rejects a unit of the file whose alias is the name or an
// alias of a stored unit, and one whose name is a stored unit's alias. A
// stored unit that the file lists again takes its spellings from the file,
// so one file may move an alias from one unit to another.
func (b *unitBuilder) checkStored(p *parser, units []rowUnit) {
	inFile := map[string]bool{}
	for _, u := range units {
		inFile[compact(u.unit.Name)] = true
	}
	names, aliases := map[string]string{}, map[string]string{}
	for _, u := range p.opts.Roster {
		if inFile[compact(u.Name)] {
			continue
		}
		names[compact(u.Name)] = u.Name
		for _, a := range u.Aliases {
			aliases[compact(a)] = u.Name
		}
	}

	for _, u := range units {
		if owner, ok := aliases[compact(u.unit.Name)]; ok {
			p.issue(Issue{Row: u.row, Column: p.columnName("单位"), Value: u.unit.Name,
				Reason: fmt.Sprintf("与单位名单中单位“%s”的别名重名", owner),
				Fix: fmt.Sprintf("如果指的就是该单位，请填写“%s”；如果是另一个单位，请换一个名称，"+
					"或在同一文件中加上“%s”一行并删去它的这个别名", owner, owner)})
		}
		for _, a := range u.unit.Aliases {
			k := compact(a)
			if owner, ok := names[k]; ok {
				p.issue(Issue{Row: u.row, Column: p.columnName("别名"), Value: a,
					Reason: fmt.Sprintf("与单位名单中已有的单位“%s”重名", owner),
					Fix:    "请删除或修改这个别名后重新上传"})
			} else if owner, ok := aliases[k]; ok {
				p.issue(Issue{Row: u.row, Column: p.columnName("别名"), Value: a,
					Reason: fmt.Sprintf("与单位名单中单位“%s”的别名重名", owner),
					Fix: fmt.Sprintf("请删除或修改这个别名后重新上传；如果要把这个别名改给本单位，"+
						"请在同一文件中加上“%s”一行并删去它的这个别名", owner)})
			}
		}
	}
}

func (b *unitBuilder) fill(batch *saima.Batch) { batch.Units = b.units.items }

// projectBuilder reads the project ledger (项目台账).
type projectBuilder struct {
	projects keyed[saima.Project]
}

func (b *projectBuilder) add(r *rowReader) {
	p := saima.Project{
		Code:      r.code("项目编号", true),
		Name:      r.name("项目名称", true),
		Unit:      r.unit("责任单位", true),
		LeadUnit:  r.leadUnit(),
		Partners:  r.unitList("协同单位"),
		System:    r.choice("所属系统", saima.Systems, false),
		Scope:     r.choice("项目层级", projectScopes, false),
		Type:      r.choice("项目类型", projectTypes, false),
		Batch:     r.choice("批次", projectBatch, false),
		Lists:     r.list("所属清单"),
		LeaderLed: r.boolean("是否领导领衔"),
		Leader:    r.name("领衔领导", false),
		Budget:    r.number("预算（万元）", false),
		StartDate: r.date("开始日期", false, false),
		DueDate:   r.date("计划完成日期", false, false),
	}
	r.ownUnit("责任单位", p.Unit)
	p.Partners = slices.DeleteFunc(p.Partners, func(u string) bool { return u == p.Unit || u == p.LeadUnit })
	if p.Budget.Valid && p.Budget.Decimal.IsNegative() {
		r.fail("预算（万元）", r.cell("预算（万元）"), &problem{reason: "不能为负数", fix: "请填写以万元为单位的预算金额"})
	}
	if p.StartDate != nil && p.DueDate != nil && p.DueDate.Before(*p.StartDate) {
		r.fail("计划完成日期", r.cell("计划完成日期"), &problem{
			reason: "早于开始日期" + p.StartDate.String(),
			fix:    "请检查开始日期和计划完成日期",
		})
	}
	r.ownRecord(ownedRecord{key: []string{p.Code}, unit: p.Unit, col: "项目编号", keyCols: []string{"项目编号"},
		unitCol: "责任单位", noun: "项目", stored: "在项目台账中"})
	b.projects.put(r, p, p.Code)
}

// leadUnit reads 牵头单位. It is often a provincial or city body that is
// not ranked, so a name off the roster is kept as written, with a warning.
// A placeholder such as "/" reads as blank, as in the other unit columns.
// A roster unit followed by a note, as in 市大数据局（牵头）, reads as that
// unit, with a warning that names the note left out.
func (r *rowReader) leadUnit() string {
	raw := r.cell("牵头单位")
	if _, missing := r.blank("牵头单位", raw, false); missing || unwritten(raw) || r.noUnit("牵头单位", raw) {
		return ""
	}
	if m, ok := r.resolveNamedUnit(raw); ok {
		r.warnUnitNote("牵头单位", raw, m)
		return m.name
	}
	r.warn("牵头单位", raw, "不在单位名单中，已按原样保存", "如果是名单中的单位，请改用名单中的名称")
	return trimText(raw)
}

// unitList reads a list of units, such as 协同单位, each through the roster.
// A name off the roster is kept as written, with a warning, as 牵头单位
// is, and a unit named twice is kept once.
func (r *rowReader) unitList(col string) []string {
	var out []string
	for _, raw := range r.list(col) {
		if r.noUnit(col, raw) {
			continue
		}
		matches, ok := r.resolveUnits(raw)
		if !ok {
			r.warn(col, raw, "不在单位名单中，已按原样保存；名单外的单位没有账号，不能上传里程碑",
				"如果是名单中的单位，请改用名单中的名称或别名")
			matches = []unitMatch{{name: raw}}
		}
		for _, m := range matches {
			r.warnUnitNote(col, raw, m)
			if !slices.Contains(out, m.name) {
				out = append(out, m.name)
			}
		}
	}
	return out
}

// noUnitPhrase matches a phrase stating that a project has no unit of a
// unit column, such as 无协同单位, 暂无相关单位, 没有配合部门 or 无需协同.
var noUnitPhrase = regexp.MustCompile(`^(?:(?:无|暂无|尚无|没有|并无)(?:相关|其他|其它)?` +
	`(?:牵头|协同|配合|协作|参与|合作)?(?:单位|部门)|(?:无需|无须|不需|不需要)(?:牵头|协同|配合|协作|参与|合作))$`)

// noUnitWords are the single words that a clerk types in a unit column
// to mean there is none, as if the column were the question 有无协同单位:
// 否 (no), and 0 or 〇 (zero). 无 means the same, but it is a filler, which
// unwritten reads as blank before noUnit runs.
var noUnitWords = map[string]bool{"否": true, "0": true, "〇": true}

// undecidedUnits are the texts stating that a unit is not decided yet.
var undecidedUnits = map[string]bool{
	"待定": true, "未定": true, "待确定": true, "未确定": true, "待明确": true, "未明确": true,
}

// noUnit reports whether raw, an item of the unit column col, names no
// unit: a word of noUnitWords, a phrase of noUnitPhrase, or a unit not
// decided yet, which gets a warning. Closing punctuation and enclosing brackets are peeled as for
// the fillers that unwritten reads.
func (r *rowReader) noUnit(col, raw string) bool {
	s := compact(raw)
	for peeled := peelFiller(s); peeled != s && peeled != ""; peeled = peelFiller(s) {
		s = peeled
	}
	if undecidedUnits[s] {
		r.warn(col, raw, "表示尚未确定，按空白处理", "确定后请补填"+col)
		return true
	}
	return noUnitWords[s] || noUnitPhrase.MatchString(s)
}

// unitMatch is a roster unit read from a unit cell, with the note that
// followed its name in brackets or after a colon, if any.
type unitMatch struct {
	name, note string
}

// warnUnitNote warns that the note of m, read from the cell raw of col,
// was left out: the note may be a role (技术支撑, 配合) but also a
// qualifier that makes the name another body's, such as 大数据局（省）.
func (r *rowReader) warnUnitNote(col, raw string, m unitMatch) {
	if m.note == "" {
		return
	}
	r.warn(col, raw, fmt.Sprintf("按单位名单读作“%s”，说明“%s”没有保存", m.name, m.note),
		"如果指的不是名单中的这个单位，请改正后重新上传；说明如需保留，请写在其他列")
}

// unitJoins matches what clerks put between two units of one list item
// besides 、 and commas: spaces, a slash or backslash in any width, a
// vertical bar, a plus or ampersand, or a conjunction such as 及 or 和.
var unitJoins = regexp.MustCompile(`(?:\s*(?:以及|[及和与并/\\|+&\x{2215}\x{2044}])\s*)+|\s+`)

// maxUnitJoins bounds the joins tried in one item; an item with more is
// no list of a few partners.
const maxUnitJoins = 16

// resolveUnits reads one item of a unit list through the roster. An item
// that is no unit may be several units that the clerk joined by spaces,
// slashes or a conjunction only, such as “宁海县 象山县”, “宁海县/象山县”
// or “宁海县及象山县”. It is read as those units when it splits at such
// joins into parts that are each a roster unit or alias. A unit whose own
// name holds a join, such as 市发展和改革委员会, is kept whole: the
// parts are tried from the longest.
func (r *rowReader) resolveUnits(raw string) ([]unitMatch, bool) {
	if m, ok := r.resolveNamedUnit(raw); ok {
		return []unitMatch{m}, true
	}
	text := norm.NFKC.String(trimText(raw))
	starts, ends := unitParts(text)
	n := len(starts)
	if n < 2 {
		return nil, false
	}

	// split[j] holds the units of parts 0 to j-1 once they are found to
	// split into units, trying the longest run of parts first.
	split := make([][]unitMatch, n+1)
	split[0] = []unitMatch{}
	for j := 1; j <= n; j++ {
		for i := 0; i < j; i++ {
			if split[i] == nil || i == 0 && j == n {
				continue
			}
			if m, ok := r.resolveNamedUnit(text[starts[i]:ends[j-1]]); ok {
				split[j] = append(slices.Clone(split[i]), m)
				break
			}
		}
	}
	return split[n], split[n] != nil
}

// unitParts splits text at unitJoins and returns where each part starts
// and ends. It returns no parts when text has more than maxUnitJoins.
func unitParts(text string) (starts, ends []int) {
	joins := unitJoins.FindAllStringIndex(text, maxUnitJoins+1)
	if len(joins) > maxUnitJoins {
		return nil, nil
	}
	starts = []int{0}
	for _, j := range joins {
		ends = append(ends, j[0])
		starts = append(starts, j[1])
	}
	return starts, append(ends, len(text))
}

// resolveNamedUnit resolves one unit of a unit cell through the roster.
// A name that matches no unit is tried again without a note that follows
// it in brackets or after a colon, as in 市大数据局（技术支撑） or
// 宁海县：配合实施. A roster name that ends in brackets, such as
// 宁波市（本级）, matches as a whole first.
func (r *rowReader) resolveNamedUnit(raw string) (unitMatch, bool) {
	if name, ok := r.resolveListedUnit(raw); ok {
		return unitMatch{name: name}, true
	}
	stem, note := splitUnitNote(raw)
	if note == "" {
		return unitMatch{}, false
	}
	if name, ok := r.resolveListedUnit(stem); ok {
		return unitMatch{name: name, note: note}, true
	}
	return unitMatch{}, false
}

// unitNoteBrackets maps the closing brackets that end a note after a
// unit's name, after NFKC, to their opening ones.
var unitNoteBrackets = map[rune]rune{')': '(', ']': '[', '】': '【', '〕': '〔', '〗': '〖', '}': '{'}

// splitUnitNote splits s into a name and the note that follows it in
// brackets at its end or after its first colon. It returns s and "" when
// there is no such note.
func splitUnitNote(s string) (stem, note string) {
	s = normalize(s)
	last, n := utf8.DecodeLastRuneInString(s)
	if open, ok := unitNoteBrackets[last]; ok {
		if i := strings.LastIndex(s[:len(s)-n], string(open)); i > 0 {
			stem, note = trimText(s[:i]), trimText(s[i+len(string(open)):len(s)-n])
		}
	} else if i := strings.IndexByte(s, ':'); i > 0 {
		stem, note = trimText(s[:i]), trimText(s[i+1:])
	}
	if stem == "" || note == "" {
		return s, ""
	}
	return stem, note
}

// etcTail matches what follows 等 (“and others”) at the end of a unit
// list, as in “江北区、鄞州区等”, “鄞州区等2个县” or “大数据局等相关单位”:
// nothing, or a count and a kind of unit.
var etcTail = regexp.MustCompile(`^(?:[0-9]+|[一二两三四五六七八九十]+)?[个家]?(?:相关|有关|其他|其它)?` +
	`(?:单位|部门|区县\(市\)|县\(市、区\)|县\(市\)|县市区|区县市|区县|县区|县|区|市)?$`)

// resolveListedUnit resolves a unit of a list through the roster. A list
// that ends in 等 (“and others”), such as “江北区、鄞州区等” or
// “鄞州区等2个县”, leaves the 等 on its last unit, so a name that matches
// no unit is tried again without it.
func (r *rowReader) resolveListedUnit(raw string) (string, bool) {
	if name, ok := r.p.resolveUnit(raw); ok {
		return name, true
	}
	stem := normalize(raw)
	if i := strings.LastIndex(stem, "等"); i > 0 && etcTail.MatchString(compact(stem[i+len("等"):])) {
		return r.p.resolveUnit(stem[:i])
	}
	return "", false
}

func (b *projectBuilder) finish(*parser) {}

func (b *projectBuilder) fill(batch *saima.Batch) { batch.Projects = b.projects.items }

// stageBuilder reads lifecycle stages (项目阶段).
type stageBuilder struct {
	stages keyed[saima.StageEvent]
}

func (b *stageBuilder) add(r *rowReader) {
	e := saima.StageEvent{
		ProjectCode:    r.code("项目编号", true),
		Stage:          r.choice("阶段", stageKinds, true),
		DecidedBy:      r.text("决策主体"),
		Opinion:        r.text("意见"),
		Round:          r.round("轮次"),
		Documents:      r.text("文件"),
		ChangeItem:     r.text("变更事项"),
		ChangeReason:   r.text("变更原因"),
		Accountability: r.text("问责情况"),
		Row:            r.row,
	}
	if d := r.date("日期", true, true); d != nil {
		e.Date = *d
	}
	switch {
	case r.good("项目编号") && !r.checkStageProject(e.ProjectCode):
		// The code reads well, so the row leaves out its own project
		// only, not every project as an unreadable code would.
		r.p.gaps.markRecord(e.ProjectCode)
	case r.failed:
		r.p.gaps.addStage(r, e)
	}
	if e.Stage == saima.StageFinish && r.good("项目编号") {
		r.warnOpenAtFinish(e.ProjectCode)
	}
	b.stages.put(r, e, e.ProjectCode, e.Stage, strconv.Itoa(e.RoundOrOne()))
}

// warnOpenAtFinish warns when a 完成 row finishes project code while it
// has stored milestones without an actual date, and lists them, because
// they keep counting as overdue after the project is finished.
func (r *rowReader) warnOpenAtFinish(code string) {
	open := saima.OpenMilestones(r.p.opts.Milestones, code)
	if len(open) == 0 {
		return
	}
	r.warn("阶段", r.cell("阶段"),
		fmt.Sprintf("项目%s标为完成，但还有%d个里程碑没有实际完成日期：%s。完成不会关闭这些里程碑，"+
			"它们到期后仍按逾期计入按期完成率和红灯月数", code, len(open), milestoneList(open)),
		"请责任单位上传这些里程碑的实际完成日期；如果项目并未完成，请核对阶段记录")
}

// milestoneList returns the names and planned days of milestones, such as
// 上线试运行（计划 2026-06-30）、通过终验（计划 2026-09-30）.
func milestoneList(milestones []saima.Milestone) string {
	parts := make([]string, len(milestones))
	for i, m := range milestones {
		parts[i] = fmt.Sprintf("%s（计划 %s）", m.Name, m.Planned)
	}
	return strings.Join(parts, "、")
}

// warnOpenAfterFinish warns when milestone m of a finished project has no
// actual date, because it keeps counting as overdue.
func (r *rowReader) warnOpenAfterFinish(m saima.Milestone) {
	finished, ok := r.p.opts.Finished[m.ProjectCode]
	if !ok || m.Actual != nil {
		return
	}
	r.warn("实际完成日期", r.cell("实际完成日期"),
		fmt.Sprintf("项目%s已于%s标为完成，这个里程碑（计划 %s）却没有实际完成日期，"+
			"它到期后仍按逾期计入按期完成率和红灯月数", m.ProjectCode, finished, m.Planned),
		"请填写实际完成日期；如果里程碑确未完成，请改革办核对项目的完成记录")
}

// checkStageProject fails a stage of project code when the ledger has
// projects but not this one, and reports whether the code passed. The
// ledger pages list only the ledger's projects, so the stage would show
// nowhere there, while the reports' stage distribution and exit list
// would count it.
func (r *rowReader) checkStageProject(code string) bool {
	if len(r.p.projects) == 0 || code == "" {
		return true
	}
	if _, ok := r.p.projects[code]; ok {
		return true
	}
	r.fail("项目编号", r.cell("项目编号"), &problem{
		reason: "不在项目台账中，它的阶段记录不会显示在项目台账和动态管理页面",
		fix:    projectCodeFix(r.p.projects, code, "") + "；新项目请先由改革办在项目台账中登记，再上传阶段记录"})
	return false
}

// warnDoneAfterExit warns when milestone m was done after its project's
// exit day, since nobody works on an exited project. One planned after
// the exit then counts nowhere (saima.ClosedByExit), and one planned by
// the exit counts as done late.
func (r *rowReader) warnDoneAfterExit(m saima.Milestone) {
	exit, ok := r.p.opts.Exits[m.ProjectCode]
	if !ok || m.Actual == nil || !m.Actual.After(exit) {
		return
	}
	effect := "按逾期完成计入按期完成率"
	if saima.ClosedByExit(m.Planned, m.Actual, &exit) {
		effect = "已因退出终止，不计入按期完成率"
	}
	r.warn("实际完成日期", r.cell("实际完成日期"),
		fmt.Sprintf("晚于项目%s的退出日期%s，项目退出后不再推进，这个里程碑%s", m.ProjectCode, exit, effect),
		"请核对项目编号和实际完成日期；如果里程碑在退出前已完成，请填写退出前的实际完成日期")
}

// warnDoneBeforeFiling warns when milestone m was done before its
// project's first recorded stage, since no work is done before a project
// is on the ledger. Such a date is usually a typo of the year, and the
// milestone would count as done on time.
func (r *rowReader) warnDoneBeforeFiling(m saima.Milestone) {
	filed, ok := r.p.opts.Filed[m.ProjectCode]
	if !ok || m.Actual == nil || !m.Actual.Before(filed) {
		return
	}
	r.warn("实际完成日期", r.cell("实际完成日期"),
		fmt.Sprintf("早于项目%s首次登记阶段的日期%s，项目登记前不会完成里程碑，这个里程碑将计为按期完成", m.ProjectCode, filed),
		"请核对实际完成日期的年份和项目编号；如果确在项目登记前完成，请忽略本提示")
}

// maxRound bounds 轮次: no project is argued anew a hundred times, so a
// larger number is a typing error.
const maxRound = 99

// round reads 轮次, a whole number from 1 to maxRound. An empty cell
// gives 0, which is stored as 1 but lets the lifecycle check tell it from
// a typed 1.
func (r *rowReader) round(col string) int {
	n := r.number(col, false)
	if !n.Valid {
		return 0
	}
	v := n.Decimal
	if !v.IsInteger() || v.IntPart() < 1 || v.IntPart() > maxRound {
		r.fail(col, r.cell(col), &problem{reason: fmt.Sprintf("不是1到%d之间的整数", maxRound),
			fix: "首次填1或留空；变更后重新论证及其后的阶段填2，依此类推"})
		return 1
	}
	return int(v.IntPart())
}

func (b *stageBuilder) finish(*parser) {}

func (b *stageBuilder) fill(batch *saima.Batch) { batch.Stages = b.stages.items }

// milestoneBuilder reads milestones (里程碑).
type milestoneBuilder struct {
	milestones keyed[saima.Milestone]
}

func (b *milestoneBuilder) add(r *rowReader) {
	m := saima.Milestone{
		ProjectCode: r.code("项目编号", true),
		Name:        r.name("里程碑", true),
		Unit:        r.unit("责任单位", false),
		Actual:      r.date("实际完成日期", false, true),
		Status:      r.choice("状态", statuses, false),
	}
	if m.Unit != "" {
		r.ownUnit("责任单位", m.Unit)
	}
	if r.good("责任单位", "项目编号") && !r.otherUnit {
		r.ownProject("项目编号", m)
	}
	unitOK := r.good("责任单位")
	if _, known := r.p.projects[m.ProjectCode]; !known && r.good("项目编号") && !r.otherUnit && (unitOK || r.p.opts.Unit != "") {
		// The office's warning says which unit the milestone counts for,
		// so it needs a good 责任单位.
		unit := m.Unit
		if unit == "" {
			unit = r.p.opts.Unit
		}
		checkUnknownProject(r, m.ProjectCode, unit, "这个里程碑")
	}
	if unitOK && r.good("项目编号", "里程碑") {
		r.ownMilestone(m)
	}
	if d := r.date("计划完成日期", true, false); d != nil {
		m.Planned = *d
	}
	if r.good("状态", "实际完成日期") {
		r.checkMilestoneStatus(m)
	}
	if r.good("项目编号", "计划完成日期", "实际完成日期") {
		r.warnDoneAfterExit(m)
		r.warnDoneBeforeFiling(m)
		r.warnOpenAfterFinish(m)
	}
	b.milestones.put(r, m, m.ProjectCode, m.Name)
}

// checkMilestoneStatus warns when the status and the actual date disagree.
// The milestone is still imported: the date decides whether it is done.
func (r *rowReader) checkMilestoneStatus(m saima.Milestone) {
	switch {
	case m.Status == "已完成" && m.Actual == nil:
		r.warn("状态", m.Status, "与实际完成日期不符，实际完成日期为空",
			"请补填实际完成日期；如果尚未完成，请把状态改为“进行中”")
	case m.Actual != nil && m.Status != "" && m.Status != "已完成":
		r.warn("状态", m.Status, "与实际完成日期不符，实际完成日期已填写为"+m.Actual.String(),
			"如果已经完成，请把状态改为“已完成”；否则请清空实际完成日期")
	}
}

func (b *milestoneBuilder) finish(*parser) {}

func (b *milestoneBuilder) fill(batch *saima.Batch) { batch.Milestones = b.milestones.items }

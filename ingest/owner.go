package ingest

import (
	"cmp"
	"slices"
	"strings"

	"saima"
)

// ownUnit records an error when the file is uploaded by a unit's account
// (Options.Unit) and unit, the roster name read from column col, is
// another unit. A blank or unknown unit has its own error already.
func (r *rowReader) ownUnit(col, unit string) {
	own := r.p.opts.Unit
	if own == "" || unit == "" || unit == own || officeOnly[r.p.schema.dataset] {
		// The import service rejects an office-only dataset as a whole, so
		// a row error that requests deleting the row would not help.
		return
	}
	r.otherUnit = true
	r.p.countOtherUnit(unit)
	r.fail(col, r.cell(col), &problem{
		reason: "不是本单位（" + own + "），单位账号只能上传本单位的数据",
		fix:    "请删除这一行后重新上传，其他单位的数据由该单位或改革办上传",
	})
}

// ownProject checks, for a unit's account, the project of a milestone
// whose 责任单位 is blank or the account's unit. A unit writes milestones
// only on a project that the ledger gives it as 责任单位 or 牵头单位, its
// own milestones also on a project that lists it among the 协同单位, and
// one without 责任单位 only on a project it is responsible for, because
// such a milestone counts for the project's 责任单位. A project missing
// from a ledger that has projects is left to checkUnknownProject, whose
// one error suggests the nearest code.
func (r *rowReader) ownProject(col string, m saima.Milestone) {
	own := r.p.opts.Unit
	if own == "" || m.ProjectCode == "" {
		return
	}
	pr, ok := r.p.projects[m.ProjectCode]
	switch {
	case !ok && (len(r.p.projects) > 0 || m.Unit != ""):
		return
	case !ok:
		// With no ledger, nothing shows whose project it is.
		r.p.countOtherRecord("")
		r.fail(col, r.cell(col), &problem{
			reason: "不在项目台账中，而本行没有填写责任单位，无法确认是本单位（" + own + "）的项目",
			fix:    "请在“责任单位”列填写本单位，或请改革办先把该项目录入项目台账",
		})
	case m.Unit == own && slices.Contains(pr.Partners, own):
		// A cooperating unit's own milestone.
	case !worksOn(pr, own):
		r.p.countOtherRecord(pr.Unit)
		r.fail(col, r.cell(col), &problem{
			reason: "在项目台账中是" + projectOf(pr) + "，单位账号只能上传本单位（" + own + "）负责、牵头或协同的项目的里程碑",
			fix:    "请删除这一行；如果本单位承担该项目的里程碑，请改革办在项目台账的“协同单位”列加上本单位，或由改革办上传",
		})
	case m.Unit == "" && pr.Unit != own:
		r.p.countOtherRecord(pr.Unit)
		r.fail(col, r.cell(col), &problem{
			reason: "在项目台账中属于“" + pr.Unit + "”，而本行没有填写责任单位，单位账号只能上传本单位（" + own + "）项目的里程碑",
			fix: "如果这是本单位承担的里程碑，请在“责任单位”列填写本单位；否则请删除这一行，" +
				"该项目的里程碑由“" + pr.Unit + "”或改革办上传",
		})
	}
}

// ownLeaderReport checks the 牵头单位 of a half-year report against the
// units that the ledger gives its project, as 责任单位 or 牵头单位. Any
// other unit would show on /leaders as having reported, and would own the
// report, so that the project's own units could no longer replace it.
// From the office that is an error on 牵头单位. From a unit's account,
// whose 牵头单位 is its own, it is an error on 项目编号 that counts as not
// its own. A project missing from the ledger, or not leader-led, has
// checkLeaderReport's error already.
func (r *rowReader) ownLeaderReport(rep saima.LeaderReport) {
	pr, ok := r.p.projects[rep.ProjectCode]
	if !ok || rep.Unit == "" || r.otherUnit || !r.good("项目编号", "牵头单位") || runsProject(pr, rep.Unit) {
		return
	}
	own := r.p.opts.Unit
	if own == "" {
		r.fail("牵头单位", r.cell("牵头单位"), &problem{
			reason: "与项目台账不符，项目“" + pr.Code + "”" + parenthesize(pr.Name) + "是" + unitsOf(pr) +
				"的项目，半年报告的牵头单位须是该项目的责任单位或牵头单位",
			fix: "请改为" + quoteUnits(projectUnits(pr), "或") + "；如果该项目已改由“" + rep.Unit +
				"”负责或牵头，请先在项目台账中修改",
		})
		return
	}
	r.p.countOtherRecord(pr.Unit)
	r.fail("项目编号", r.cell("项目编号"), &problem{
		reason: "在项目台账中是" + projectOf(pr) + "，单位账号只能报送本单位（" + own + "）负责或牵头的项目的半年报告",
		fix:    "请核对项目编号；该项目的半年报告由" + quoteUnits(projectUnits(pr), "") + "或改革办上传",
	})
}

// runsProject reports whether the ledger gives p to unit, as its 责任单位
// or its 牵头单位.
func runsProject(p saima.Project, unit string) bool {
	return unit != "" && (p.Unit == unit || p.LeadUnit == unit)
}

// worksOn reports whether the ledger gives p to unit, as its 责任单位,
// 牵头单位 or one of its 协同单位, which is who may own its milestones.
func worksOn(p saima.Project, unit string) bool {
	return runsProject(p, unit) || (unit != "" && slices.Contains(p.Partners, unit))
}

// projectUnits returns p's 责任单位 and, when it is another unit, its
// 牵头单位.
func projectUnits(p saima.Project) []string {
	return appendNew(appendNew(nil, p.Unit), p.LeadUnit)
}

// unitsOf names p's units for messages: “余姚市” when one unit runs p,
// and “余姚市”负责、“市大数据局”牵头 when two do.
func unitsOf(p saima.Project) string {
	if p.LeadUnit == "" || p.LeadUnit == p.Unit {
		return "“" + p.Unit + "”"
	}
	return "“" + p.Unit + "”负责、“" + p.LeadUnit + "”牵头"
}

// projectOf names p with its units for messages, as “余姚市”的项目“数据共享”,
// or “余姚市”的项目 when the ledger gives p no name.
func projectOf(p saima.Project) string {
	if p.Name == "" {
		return unitsOf(p) + "的项目"
	}
	return unitsOf(p) + "的项目“" + p.Name + "”"
}

// parenthesize returns （name）, or "" when name is "".
func parenthesize(name string) string {
	if name == "" {
		return ""
	}
	return "（" + name + "）"
}

// quoteUnits quotes each of units and joins them with sep.
func quoteUnits(units []string, sep string) string {
	quoted := make([]string, len(units))
	for i, u := range units {
		quoted[i] = "“" + u + "”"
	}
	return strings.Join(quoted, sep)
}

// notOwnRows counts the rows that Options.Unit may not upload, by what
// is wrong with them; see Result.NotOwn.
type notOwnRows struct {
	rows     int
	units    []string // every unit named below, in the order the file first names it
	naming   int      // rows whose unit column names another unit
	named    []string
	touching int // rows of the account's unit on another unit's project or record
	owners   []string
}

// countOtherUnit counts a row whose unit column names unit, another unit
// than Options.Unit.
func (p *parser) countOtherUnit(unit string) {
	p.notOwn.naming++
	p.notOwn.named = appendNew(p.notOwn.named, unit)
	p.countNotOwn(unit)
}

// countOtherRecord counts a row of Options.Unit on a project or record
// of owner, another unit, or of an unknown unit when owner is "".
func (p *parser) countOtherRecord(owner string) {
	if owner != "" {
		p.notOwn.touching++
		p.notOwn.owners = appendNew(p.notOwn.owners, owner)
	}
	p.countNotOwn(owner)
}

func (p *parser) countNotOwn(unit string) {
	p.notOwn.rows++
	p.notOwn.units = appendNew(p.notOwn.units, unit)
}

// appendNew appends unit to units unless it is "" or there already.
func appendNew(units []string, unit string) []string {
	if unit == "" || slices.Contains(units, unit) {
		return units
	}
	return append(units, unit)
}

// ownMilestone checks a milestone row whose project and name the store
// may hold under another unit. A unit's account gets an error when the
// milestone is its own (by 责任单位, or as its project's unit) and the
// stored one is another unit's, because the row would replace it. When
// the ledger does not give the stored one's unit the project, but gives
// the account's unit, the account's unit gets warnReplace's warning
// instead, so that it can correct the milestone. The office gets
// ownRecord's warning when the row moves the milestone to another unit,
// by 责任单位 or, when that is blank, by its project's unit.
func (r *rowReader) ownMilestone(m saima.Milestone) {
	own := r.p.opts.Unit
	if own == "" {
		unit := cmp.Or(m.Unit, r.p.projects[m.ProjectCode].Unit)
		r.ownRecord(ownedRecord{key: []string{m.ProjectCode, m.Name}, unit: unit, col: "里程碑",
			keyCols: []string{"项目编号", "里程碑"}, unitCol: "责任单位", noun: "里程碑",
			stored: "在项目“" + m.ProjectCode + "”中"})
		return
	}
	owner := r.p.storedOwner([]string{m.ProjectCode, m.Name})
	if owner == "" || owner == own {
		return
	}
	if pr, ok := r.p.projects[m.ProjectCode]; ok && !worksOn(pr, owner) && worksOn(pr, own) {
		r.warnReplace(ownedRecord{col: "里程碑", keyCols: []string{"项目编号", "里程碑"}, noun: "里程碑",
			stored: "在项目“" + m.ProjectCode + "”中"}, owner, own)
		return
	}
	r.p.countOtherRecord(owner)
	r.fail("里程碑", r.cell("里程碑"), &problem{
		reason: "在项目“" + m.ProjectCode + "”中已是“" + owner + "”的里程碑，单位账号不能改写其他单位的里程碑",
		fix:    "请改用本单位自己的里程碑名称，或由“" + owner + "”或改革办修改该里程碑",
	})
}

// ownedRecord is a row's record whose key the store may hold under
// another unit; see ownRecord.
type ownedRecord struct {
	key     []string       // the record key, in the parts that keyed.put takes
	project *saima.Project // the ledger's project of the record, or nil
	unit    string         // the unit that the row gives the record
	col     string         // the key column that the issue points at
	keyCols []string       // the columns of the key, named in the fix
	unitCol string         // the column of unit, named in the office's fix
	noun    string         // the record in messages, such as 项目
	stored  string         // the reason's opening, which places the stored record, such as 在项目台账中
}

// ownRecord checks a row that gives its record to rec.unit while the
// store holds the record's key under another unit. The row would move
// the record. From a unit's account that is an error, counted as not its
// own, because a unit may not take over another unit's record. From the
// office it is a warning that names both units, because the office keeps
// the ledger and moves records between units.
func (r *rowReader) ownRecord(rec ownedRecord) {
	owner := r.p.storedOwner(rec.key)
	if owner == "" || rec.unit == "" || owner == rec.unit {
		return
	}
	own := r.p.opts.Unit
	switch {
	case own == "":
		if r.good(rec.keyCols...) && r.good(rec.unitCol) {
			checked := joinNames(slices.Concat(rec.keyCols, []string{rec.unitCol}))
			r.warn(rec.col, r.cell(rec.col),
				rec.stored+"属于“"+owner+"”，导入后改属“"+rec.unit+"”（"+owner+" → "+rec.unit+"）",
				"如果不是要调整单位，请核对"+checked+"后重新上传")
		}
	case rec.unit != own, officeOnly[r.p.schema.dataset]:
		// A row of another unit has ownUnit's error already, and the
		// import service rejects an office-only dataset as a whole.
	case rec.project != nil && !runsProject(*rec.project, owner) && runsProject(*rec.project, own):
		r.warnReplace(rec, owner, own)
	default:
		r.p.countOtherRecord(owner)
		r.fail(rec.col, r.cell(rec.col), &problem{
			reason: rec.stored + "属于“" + owner + "”，单位账号不能把其他单位的" + rec.noun + "改到本单位（" + own + "）名下",
			fix: "如果该" + rec.noun + "确应改由本单位负责，请联系改革办调整；如果" + strings.Join(rec.keyCols, "或") +
				"填错了，请改正后重新上传",
		})
	}
}

// warnReplace warns a unit's account that its row replaces rec, which
// owner wrote on a project that the ledger gives to own but not to owner.
// The project's own units may correct such a record, because owner had no
// right to write it.
func (r *rowReader) warnReplace(rec ownedRecord, owner, own string) {
	r.warn(rec.col, r.cell(rec.col),
		rec.stored+"属于“"+owner+"”，而“"+owner+"”不是该项目在项目台账中的责任单位或牵头单位，导入后改属“"+
			own+"”（"+owner+" → "+own+"）",
		"如果不是要替换该"+rec.noun+"，请核对"+joinNames(rec.keyCols)+"后重新上传")
}

// storedOwner returns the unit of the stored record with key, or "" when
// none is stored or the dataset's key contains its unit.
func (p *parser) storedOwner(key []string) string {
	if p.owners == nil {
		p.owners = storedOwners(p.opts, p.schema.dataset)
	}
	return p.owners[recordKey(key)]
}

// storedOwners returns the units of the stored records of dataset in
// opts, by record key.
func storedOwners(opts Options, dataset string) map[string]string {
	owners := map[string]string{}
	add := func(unit string, key ...string) { owners[recordKey(key)] = unit }
	switch dataset {
	case saima.DatasetProjects:
		for _, pr := range opts.Projects {
			add(pr.Unit, pr.Code)
		}
	case saima.DatasetMilestones:
		for _, m := range opts.Milestones {
			add(m.Unit, m.ProjectCode, m.Name)
		}
	case saima.DatasetProblems:
		for _, it := range opts.Problems {
			add(it.Unit, it.ID)
		}
	case saima.DatasetLists:
		for _, it := range opts.ListItems {
			add(it.Unit, it.List, it.ID)
		}
	case saima.DatasetLeaderReports:
		for _, rep := range opts.LeaderReports {
			add(rep.Unit, rep.ProjectCode, rep.Half.String())
		}
	}
	return owners
}

// joinNames joins names as 项目编号、半年度和牵头单位.
func joinNames(names []string) string {
	if len(names) < 2 {
		return strings.Join(names, "")
	}
	return strings.Join(names[:len(names)-1], "、") + "和" + names[len(names)-1]
}

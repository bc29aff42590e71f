package ingest

import (
	"slices"

	"saima"
)

// ownUnit records an error when the file is uploaded by a unit's account
// (Options.Unit) and unit, the roster name read from column col, is
// another unit. A blank or unknown unit has its own error already.
func (r *rowReader) ownUnit(col, unit string) {
	own := r.p.opts.Unit
	if own == "" || unit == "" || unit == own {
		return
	}
	r.p.countNotOwn(unit)
	r.fail(col, r.cell(col), &problem{
		reason: "不是本单位（" + own + "），单位账号只能上传本单位的数据",
		fix:    "请删除这一行后重新上传，其他单位的数据由该单位或改革办上传",
	})
}

// ownProject records an error when a unit's account uploads a milestone
// without a responsible unit, whose project, read from column col, the
// ledger does not give to that unit. Such a milestone would count for the
// project's unit. A project missing from a ledger that has projects is
// left to checkUnknownProject, whose one error suggests the nearest code.
func (r *rowReader) ownProject(col, code string) {
	own := r.p.opts.Unit
	if own == "" || code == "" {
		return
	}
	pr, ok := r.p.projects[code]
	switch {
	case !ok && len(r.p.projects) > 0:
		return
	case !ok:
		// With no ledger, nothing shows whose project it is.
		r.p.countNotOwn("")
		r.fail(col, r.cell(col), &problem{
			reason: "不在项目台账中，而本行没有填写责任单位，无法确认是本单位（" + own + "）的项目",
			fix:    "请在“责任单位”列填写本单位，或请改革办先把该项目录入项目台账",
		})
	case pr.Unit != own:
		r.p.countNotOwn(pr.Unit)
		r.fail(col, r.cell(col), &problem{
			reason: "在项目台账中属于“" + pr.Unit + "”，而本行没有填写责任单位，单位账号只能上传本单位（" + own + "）项目的里程碑",
			fix: "如果这是本单位承担的里程碑，请在“责任单位”列填写本单位；否则请删除这一行，" +
				"该项目的里程碑由“" + pr.Unit + "”或改革办上传",
		})
	}
}

// countNotOwn counts a row that Options.Unit may not upload, about unit
// ("" when no unit is known).
func (p *parser) countNotOwn(unit string) {
	p.notOwn++
	if unit != "" && !slices.Contains(p.otherUnits, unit) {
		p.otherUnits = append(p.otherUnits, unit)
	}
}

// milestoneKey is the record key of a milestone.
type milestoneKey struct{ project, name string }

// ownMilestone records an error when a unit's account uploads milestone m
// of its own (by 责任单位, or as its project's unit) whose project and name
// are another unit's milestone already: the row would replace it.
func (r *rowReader) ownMilestone(m saima.Milestone) {
	owner, ok := r.p.milestoneUnits[milestoneKey{m.ProjectCode, m.Name}]
	if r.p.opts.Unit == "" || !ok || owner == "" || owner == r.p.opts.Unit {
		return
	}
	r.p.countNotOwn(owner)
	r.fail("里程碑", r.cell("里程碑"), &problem{
		reason: "在项目“" + m.ProjectCode + "”中已是“" + owner + "”的里程碑，单位账号不能改写其他单位的里程碑",
		fix:    "请改用本单位自己的里程碑名称，或由“" + owner + "”或改革办修改该里程碑",
	})
}

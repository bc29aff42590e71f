package ingest

import "strings"

// fieldNames gives each column an English field name, per dataset, for
// programs that send JSON. The names follow the saima types and the
// database columns. Every format accepts them as headers, compared without
// regard to case. docs/ingest.md lists them.
var fieldNames = map[string]map[string]string{
	"units": {
		"name": "单位", "kind": "单位类别", "code": "单位代码", "aliases": "别名", "track": "赛道",
		"unranked_reason": "不参与排名原因",
	},
	"projects": {
		"code": "项目编号", "name": "项目名称", "unit": "责任单位", "lead_unit": "牵头单位", "partners": "协同单位",
		"system": "所属系统", "scope": "项目层级", "type": "项目类型", "batch": "批次",
		"lists": "所属清单", "leader_led": "是否领导领衔", "leader": "领衔领导",
		"budget": "预算（万元）", "start_date": "开始日期", "due_date": "计划完成日期",
	},
	"stages": {
		"project_code": "项目编号", "stage": "阶段", "date": "日期", "decided_by": "决策主体",
		"opinion": "意见", "documents": "文件", "round": "轮次", "change_item": "变更事项",
		"change_reason": "变更原因", "accountability": "问责情况",
	},
	"milestones": {
		"project_code": "项目编号", "name": "里程碑", "planned": "计划完成日期",
		"actual": "实际完成日期", "status": "状态", "unit": "责任单位",
	},
	"progress": {
		"unit": "单位", "project_code": "项目编号", "project_name": "项目名称", "period": "填报期间",
		"percent": "完成率", "report_date": "填报日期", "progress": "进展情况", "problems": "存在问题",
	},
	"assessments": {
		"unit": "被考评单位", "indicator": "指标", "score": "得分", "full_marks": "满分",
		"mode": "考评方式", "period": "考评期间", "evaluator": "考评人", "project_code": "项目编号",
	},
	"problems": {
		"id": "问题编号", "unit": "单位", "project_code": "项目编号", "source": "来源",
		"category": "类别", "stage": "环节", "level": "层级", "opened": "发现日期",
		"closed": "办结日期", "summary": "问题描述",
	},
	"lists": {
		"list": "清单名称", "item_id": "事项编号", "name": "事项名称", "unit": "责任单位",
		"goal": "阶段目标", "deadline": "完成时限", "field": "领域", "issued": "下达日期",
	},
	"list_done": {
		"list": "清单名称", "item_id": "事项编号", "unit": "责任单位", "date": "完成日期",
		"marked_by": "标注人", "note": "完成情况",
	},
	"problem_steps": {
		"problem_id": "问题编号", "step": "环节", "level": "层级", "date": "日期",
		"handler": "办理单位", "note": "说明",
	},
	"leader_reports": {
		"project_code": "项目编号", "half": "半年度", "leader": "领衔领导", "unit": "牵头单位",
		"results": "成果", "problems": "问题", "next_steps": "下步计划", "submitted": "报送日期",
	},
}

// fieldColumns maps each schema's English field names, in lower case, to
// its columns. A name whose column the schema lacks is left out;
// TestFieldNames reports it.
var fieldColumns = indexFields()

func indexFields() map[*schema]map[string]*column {
	out := map[*schema]map[string]*column{}
	for _, s := range schemas {
		out[s] = map[string]*column{}
		for field, name := range fieldNames[s.dataset] {
			for i := range s.columns {
				if s.columns[i].name == name {
					out[s][field] = &s.columns[i]
				}
			}
		}
	}
	return out
}

// fieldColumn returns the column whose English field name is header.
func (s *schema) fieldColumn(header string) *column {
	return fieldColumns[s][strings.ToLower(strings.TrimSpace(header))]
}

// fieldName returns the English field name of column, or "".
func (s *schema) fieldName(col string) string {
	for field, name := range fieldNames[s.dataset] {
		if name == col {
			return field
		}
	}
	return ""
}

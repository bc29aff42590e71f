package ingest

import (
	"strings"

	"saima"
)

// kind is the type of a column's cells, which decides how they are read.
type kind int

const (
	kindText    kind = iota // free text, stored exactly as written after trimming
	kindCode                // an identifier such as a project code, NFKC and trimmed
	kindUnit                // a unit name, resolved through the roster
	kindDate                // a calendar day
	kindPeriod              // a reporting period
	kindPercent             // a completion rate under the percent rule
	kindNumber              // a decimal number
	kindChoice              // one of a fixed list of values
	kindIgnored             // not imported, such as 序号
)

// column is one column of a dataset. Name is the template's header; the
// synonyms are other headers that units write for the same column.
type column struct {
	name     string
	synonyms []string
	required bool // the file must have the column, and a blank cell is an error unless blankOK
	blankOK  bool // a blank cell of a required column reads as missing, not an error
	kind     kind
	choices  []string // for kindChoice
}

// schema describes one dataset: its columns, the columns that key a record
// and the builder that turns rows into records.
type schema struct {
	dataset    string
	title      string   // Chinese name, such as 进度填报
	key        string   // the record key as users read it, such as 单位、项目编号和填报期间
	keyColumns []string // the columns the record key is read from
	columns    []column // in template order
	newBuilder func() builder
	// exported names the columns that saima's own export of the dataset
	// adds, computed from other datasets, such as the ledger export's
	// 所处阶段. No name imports them, so an upload of the export skips
	// them with one note instead of a warning for each.
	exported []string
	byHeader map[string]*column // compact header -> column, built by init
	byName   map[string]int     // column name -> index in columns, built by init
}

// index returns the index in s.columns of the column named name, or -1.
func (s *schema) index(name string) int {
	if i, ok := s.byName[name]; ok {
		return i
	}
	return -1
}

// column returns the column whose name or synonym is header, compared in
// compact form with any * (a required-column mark) removed from its ends,
// or whose English field name it is (see fields.go). A header with a note
// in brackets after the name, such as 填报日期（yyyy-mm-dd）, names the
// column too, unless its cells are numbers or percents: there the note
// may give a unit, as in 预算（元）, that changes what the cells mean.
func (s *schema) column(header string) *column {
	key := headerKey(header)
	if c := s.byHeader[key]; c != nil {
		return c
	}
	if name, ok := cutHeaderNote(key); ok {
		if c := s.byHeader[name]; c != nil && c.kind != kindNumber && c.kind != kindPercent {
			return c
		}
	}
	return s.fieldColumn(withoutForbidden(header))
}

// cutHeaderNote returns the header key without the bracketed note that
// ends it, and whether it had one.
func cutHeaderNote(key string) (string, bool) {
	open := strings.LastIndex(key, "(")
	if open <= 0 || !strings.HasSuffix(key, ")") {
		return key, false
	}
	return strings.Trim(key[:open], "*"), true
}

// isExported reports whether header names one of s.exported.
func (s *schema) isExported(header string) bool {
	key := headerKey(header)
	for _, name := range s.exported {
		if headerKey(name) == key {
			return true
		}
	}
	return false
}

// headerKey is the form in which header names are compared. Templates
// mark a required column with a * before or after its name. The runes
// that forbiddenRune finds are left out, because the header check reports
// them on their own.
func headerKey(header string) string {
	return strings.Trim(compact(withoutForbidden(header)), "*")
}

// required returns the names of the required columns, in template order.
func (s *schema) required() []string {
	var out []string
	for _, c := range s.columns {
		if c.required {
			out = append(out, c.name)
		}
	}
	return out
}

// missing returns the names of the optional columns, in template order,
// for which present reports false. Ignored columns such as 序号 are not
// counted.
func (s *schema) missing(present func(*column) bool) []string {
	var out []string
	for i := range s.columns {
		c := &s.columns[i]
		if !c.required && c.kind != kindIgnored && !present(c) {
			out = append(out, c.name)
		}
	}
	return out
}

// Choices shared by several datasets.
var (
	unitKinds     = []string{saima.KindDistrict, saima.KindDepartment, saima.KindCity, saima.KindOther}
	projectScopes = []string{"省定先行示范", "全市性", "区县试点"}
	projectTypes  = []string{"增量开发", "迭代升级"}
	projectBatch  = []string{"继续推进", "启动实施", "谋划设计"}
	statuses      = []string{"未开始", "进行中", "已完成"}
	stageKinds    = append(append([]string{}, saima.Stages...), saima.StageChange)
)

// unitKindSynonyms are other spellings of the unit kinds, in compact form.
var unitKindSynonyms = map[string]string{
	"区县":     saima.KindDistrict,
	"区县市":    saima.KindDistrict,
	"县(市、区)": saima.KindDistrict,
	"部门":     saima.KindDepartment,
	"本级":     saima.KindCity,
}

// schemas lists every dataset, in the order detection reports them.
var schemas = append([]*schema{
	{
		dataset: saima.DatasetUnits, title: "单位名单", key: "单位",
		keyColumns: []string{"单位"},
		newBuilder: func() builder { return &unitBuilder{} },
		columns: []column{
			{name: "序号", kind: kindIgnored},
			{name: "单位", synonyms: []string{"单位名称", "单位全称"}, required: true, kind: kindText},
			{name: "单位类别", synonyms: []string{"类别", "单位类型"}, required: true,
				kind: kindChoice, choices: unitKinds},
			{name: "单位代码", synonyms: []string{"代码", "单位编码"}, kind: kindCode},
			{name: "别名", synonyms: []string{"简称", "别称"}, kind: kindText},
			{name: "赛道", synonyms: []string{"赛马赛道", "赛马分组", "分组"}, kind: kindText},
			{name: "不参与排名原因", synonyms: []string{"不参与原因", "不参评原因"}, kind: kindText},
		},
	},
	{
		dataset: saima.DatasetProjects, title: "项目台账", key: "项目编号",
		keyColumns: []string{"项目编号"},
		// The columns of the 项目台账 sheet of /export/ledger.xlsx that
		// the stages, milestones and progress reports give.
		exported:   []string{"所处阶段", "进入阶段日期", "里程碑数", "已完成里程碑", "最新完成率（%）", "填报期间", "逾期里程碑数"},
		newBuilder: func() builder { return &projectBuilder{} },
		columns: []column{
			{name: "序号", kind: kindIgnored},
			{name: "项目编号", synonyms: []string{"项目代码", "项目编码"}, required: true, kind: kindCode},
			{name: "项目名称", synonyms: []string{"应用名称", "场景名称"}, required: true, kind: kindText},
			{name: "责任单位", synonyms: []string{"主责单位", "建设单位"}, required: true, kind: kindUnit},
			{name: "牵头单位", synonyms: []string{"系统牵头单位"}, kind: kindText},
			{name: "协同单位", synonyms: []string{"配合单位", "协作单位", "参与单位"}, kind: kindText},
			{name: "所属系统", synonyms: []string{"系统"}, kind: kindChoice, choices: saima.Systems},
			{name: "项目层级", synonyms: []string{"层级", "应用范围"}, kind: kindChoice, choices: projectScopes},
			{name: "项目类型", synonyms: []string{"类型", "建设类型"}, kind: kindChoice, choices: projectTypes},
			{name: "批次", synonyms: []string{"项目批次"}, kind: kindChoice, choices: projectBatch},
			{name: "所属清单", synonyms: []string{"清单"}, kind: kindText},
			{name: "是否领导领衔", synonyms: []string{"领导领衔"}, kind: kindText},
			{name: "领衔领导", kind: kindText},
			{name: "预算（万元）", synonyms: []string{"预算", "预算万元", "预算金额（万元）"}, kind: kindNumber},
			{name: "开始日期", synonyms: []string{"启动日期", "开工日期"}, kind: kindDate},
			{name: "计划完成日期", synonyms: []string{"计划完成时间"}, kind: kindDate},
		},
	},
	{
		dataset: saima.DatasetStages, title: "项目阶段", key: "项目编号和阶段",
		keyColumns: []string{"项目编号", "阶段", "轮次"},
		newBuilder: func() builder { return &stageBuilder{} },
		columns: []column{
			{name: "序号", kind: kindIgnored},
			{name: "项目编号", synonyms: []string{"项目代码", "项目编码"}, required: true, kind: kindCode},
			{name: "阶段", synonyms: []string{"项目阶段", "所处阶段"}, required: true,
				kind: kindChoice, choices: stageKinds},
			{name: "日期", synonyms: []string{"阶段日期", "进入日期"}, required: true, kind: kindDate},
			{name: "决策主体", synonyms: []string{"决策机构", "审批主体"}, kind: kindText},
			{name: "意见", synonyms: []string{"审核意见", "决策意见"}, kind: kindText},
			{name: "文件", synonyms: []string{"相关文件", "依据文件", "文号"}, kind: kindText},
			{name: "轮次", synonyms: []string{"论证轮次"}, kind: kindNumber},
			{name: "变更事项", kind: kindText},
			{name: "变更原因", kind: kindText},
			{name: "问责情况", synonyms: []string{"问责"}, kind: kindText},
		},
	},
	{
		dataset: saima.DatasetMilestones, title: "里程碑", key: "项目编号和里程碑",
		keyColumns: []string{"项目编号", "里程碑"},
		newBuilder: func() builder { return &milestoneBuilder{} },
		columns: []column{
			{name: "序号", kind: kindIgnored},
			{name: "项目编号", synonyms: []string{"项目代码", "项目编码"}, required: true, kind: kindCode},
			{name: "里程碑", synonyms: []string{"里程碑名称", "关键节点"}, required: true, kind: kindText},
			{name: "计划完成日期", synonyms: []string{"计划日期", "计划完成时间"}, required: true, kind: kindDate},
			{name: "实际完成日期", synonyms: []string{"实际日期", "实际完成时间"}, kind: kindDate},
			{name: "状态", synonyms: []string{"完成状态", "进度状态"}, kind: kindChoice, choices: statuses},
			{name: "责任单位", kind: kindUnit},
		},
	},
	{
		dataset: saima.DatasetProgress, title: "进度填报", key: "单位、项目编号和填报期间",
		keyColumns: []string{"单位", "项目编号", "填报期间"},
		newBuilder: func() builder { return &progressBuilder{} },
		columns: []column{
			{name: "序号", kind: kindIgnored},
			{name: "单位", synonyms: []string{"填报单位", "单位名称"}, required: true, kind: kindUnit},
			{name: "项目编号", synonyms: []string{"项目代码", "项目编码"}, required: true, kind: kindCode},
			{name: "项目名称", kind: kindText},
			{name: "填报期间", synonyms: []string{"期间", "报告期", "所属期间"}, required: true, kind: kindPeriod},
			{name: "完成率", synonyms: []string{"完成率（%）", "完成进度", "完成比例"}, required: true, blankOK: true,
				kind: kindPercent},
			{name: "填报日期", synonyms: []string{"报送日期"}, kind: kindDate},
			{name: "进展情况", synonyms: []string{"工作进展", "进展"}, kind: kindText},
			{name: "存在问题", synonyms: []string{"存在的问题", "问题"}, kind: kindText},
		},
	},
	{
		dataset: saima.DatasetAssessments, title: "考评打分", key: "被考评单位、指标、考评方式和考评期间",
		keyColumns: []string{"被考评单位", "指标", "考评方式", "考评期间"},
		newBuilder: func() builder { return &assessmentBuilder{} },
		columns: []column{
			{name: "序号", kind: kindIgnored},
			{name: "被考评单位", synonyms: []string{"被考核单位", "考评对象"}, required: true, kind: kindUnit},
			{name: "指标", synonyms: []string{"考评指标", "指标名称"}, required: true, kind: kindText},
			{name: "得分", synonyms: []string{"分数", "评分"}, required: true, kind: kindNumber},
			{name: "满分", synonyms: []string{"分值", "满分值"}, kind: kindNumber},
			{name: "考评方式", synonyms: []string{"考核方式"}, required: true, kind: kindCode},
			{name: "考评期间", synonyms: []string{"考核期间"}, required: true, kind: kindPeriod},
			{name: "考评人", synonyms: []string{"评分人", "考核人"}, kind: kindText},
			{name: "项目编号", synonyms: []string{"项目代码"}, kind: kindCode},
		},
	},
	{
		dataset: saima.DatasetProblems, title: "问题清单", key: "问题编号",
		keyColumns: []string{"问题编号"},
		newBuilder: func() builder { return &problemBuilder{} },
		columns: []column{
			{name: "序号", kind: kindIgnored},
			{name: "问题编号", synonyms: []string{"问题代码"}, required: true, kind: kindCode},
			{name: "单位", synonyms: []string{"责任单位"}, required: true, kind: kindUnit},
			{name: "项目编号", synonyms: []string{"项目代码"}, kind: kindCode},
			{name: "来源", synonyms: []string{"问题来源"}, kind: kindText},
			{name: "类别", synonyms: []string{"问题类别"}, kind: kindText},
			{name: "环节", synonyms: []string{"闭环环节", "所处环节"}, kind: kindChoice, choices: saima.LoopStages},
			{name: "层级", synonyms: []string{"问题层级"}, kind: kindText},
			{name: "发现日期", synonyms: []string{"发现时间"}, required: true, kind: kindDate},
			{name: "办结日期", synonyms: []string{"办结时间"}, kind: kindDate},
			{name: "问题描述", synonyms: []string{"描述", "问题内容"}, kind: kindText},
		},
	},
}, workflowSchemas...)

func init() {
	for _, s := range schemas {
		s.byHeader = map[string]*column{}
		s.byName = map[string]int{}
		for i := range s.columns {
			c := &s.columns[i]
			s.byName[c.name] = i
			for _, h := range append([]string{c.name}, c.synonyms...) {
				k := headerKey(h)
				if _, dup := s.byHeader[k]; dup {
					panic("ingest: header " + h + " listed twice in " + s.dataset)
				}
				s.byHeader[k] = c
			}
		}
		for _, k := range s.keyColumns {
			if _, ok := s.byName[k]; !ok {
				panic("ingest: key column " + k + " is not a column of " + s.dataset)
			}
		}
		if len(s.keyColumns) == 0 {
			panic("ingest: " + s.dataset + " names no key columns")
		}
	}
}

// schemaFor returns the schema of a dataset given by its id (progress) or
// its Chinese title (进度填报), or nil.
func schemaFor(dataset string) *schema {
	key := compact(dataset)
	for _, s := range schemas {
		if key == s.dataset || key == compact(s.title) {
			return s
		}
	}
	return nil
}

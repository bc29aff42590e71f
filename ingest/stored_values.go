package ingest

import (
	"context"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/shopspring/decimal"

	"saima"
)

// StoredRecords is the part of a store that returns the stored records
// of the datasets the ledger does not read. An upload compares them with
// its records to warn when a missing optional column blanks their values
// and when a completion rate falls. clickhouse.Store implements it. With
// a store that does not, those warnings are skipped for these datasets.
type StoredRecords interface {
	// ListProgressOf returns the current progress reports of the projects
	// codes, of every period.
	ListProgressOf(ctx context.Context, codes ...string) ([]saima.ProgressReport, error)

	// ListStageHistory returns the stored stage events of the projects
	// codes, with every column.
	ListStageHistory(ctx context.Context, codes ...string) ([]saima.StageEvent, error)

	// ListAssessments returns the assessment records of period.
	ListAssessments(ctx context.Context, period saima.Period) ([]saima.Assessment, error)

	// ListListDone returns the current done marks of the work lists.
	ListListDone(ctx context.Context) ([]saima.ListDone, error)

	// ListProblemSteps returns the stored steps of every problem.
	ListProblemSteps(ctx context.Context) ([]saima.ProblemStep, error)
}

// recordCells is one record's key and the values of its optional columns
// as text, by column name. A value that a reader fills in from elsewhere
// when the column is blank, such as a milestone's unit, is "" when it
// equals that default.
type recordCells struct {
	key   string
	cells map[string]string
}

// batchCells returns the key and optional cells of every record of b.
// projects gives the units that milestones default to.
func batchCells(b *saima.Batch, projects map[string]saima.Project) []recordCells {
	var out []recordCells
	add := func(cells map[string]string, parts ...string) {
		out = append(out, recordCells{recordKey(parts), cells})
	}
	for _, u := range b.Units {
		track := u.Track
		if track == u.Kind {
			track = ""
		}
		add(map[string]string{"单位代码": u.Code, "别名": strings.Join(u.Aliases, "、"), "赛道": track},
			compact(u.Name))
	}
	for _, p := range b.Projects {
		add(map[string]string{"牵头单位": p.LeadUnit, "协同单位": strings.Join(p.Partners, "、"), "所属系统": p.System, "项目层级": p.Scope,
			"项目类型": p.Type, "批次": p.Batch, "所属清单": strings.Join(p.Lists, "、"),
			"是否领导领衔": yesOrBlank(p.LeaderLed), "领衔领导": p.Leader, "预算（万元）": nullDecimal(p.Budget),
			"开始日期": datePtr(p.StartDate), "计划完成日期": datePtr(p.DueDate)}, p.Code)
	}
	for _, e := range b.Stages {
		add(map[string]string{"决策主体": e.DecidedBy, "意见": e.Opinion, "文件": e.Documents,
			"变更事项": e.ChangeItem, "变更原因": e.ChangeReason, "问责情况": e.Accountability},
			e.ProjectCode, e.Stage, strconv.Itoa(e.RoundOrOne()))
	}
	for _, m := range b.Milestones {
		unit := m.Unit
		if unit == projects[m.ProjectCode].Unit {
			unit = ""
		}
		add(map[string]string{"实际完成日期": datePtr(m.Actual), "状态": m.Status, "责任单位": unit},
			m.ProjectCode, m.Name)
	}
	for _, r := range b.Progress {
		add(map[string]string{"项目名称": r.ProjectName, "填报日期": datePtr(r.ReportDate),
			"进展情况": r.Progress, "存在问题": r.Problems}, r.Unit, r.ProjectCode, periodKey(r.Period))
	}
	for _, a := range b.Assessments {
		add(map[string]string{"满分": nullDecimal(a.FullMarks), "考评人": a.Evaluator, "项目编号": a.ProjectCode},
			a.Unit, a.Indicator, a.Mode, periodKey(a.Period))
	}
	for _, it := range b.Problems {
		add(map[string]string{"项目编号": it.ProjectCode, "来源": it.Source, "类别": it.Category,
			"环节": it.Stage, "层级": levelText(it.Level), "办结日期": datePtr(it.Closed), "问题描述": it.Summary}, it.ID)
	}
	for _, it := range b.ListItems {
		add(map[string]string{"阶段目标": it.Goal, "领域": it.Field, "下达日期": datePtr(it.Issued)}, it.List, it.ID)
	}
	for _, d := range b.ListDone {
		add(map[string]string{"标注人": d.By, "完成情况": d.Note}, d.List, d.ItemID)
	}
	for _, st := range b.ProblemSteps {
		add(map[string]string{"办理单位": st.Handler, "说明": st.Note}, st.ProblemID, st.Step, strconv.Itoa(st.Level))
	}
	for _, r := range b.LeaderReports {
		add(map[string]string{"领衔领导": r.Leader, "问题": r.Problems, "下步计划": r.NextSteps},
			r.ProjectCode, r.Half.String())
	}
	return out
}

func yesOrBlank(b bool) string {
	if b {
		return "是"
	}
	return ""
}

func nullDecimal(d decimal.NullDecimal) string {
	if !d.Valid {
		return ""
	}
	return d.Decimal.String()
}

func datePtr(d *saima.Date) string {
	if d == nil {
		return ""
	}
	return d.String()
}

func levelText(level int) string {
	if level == 0 {
		return ""
	}
	return strconv.Itoa(level)
}

// storedBatch returns the stored records of dataset that the records of
// b may replace, read from the ledger l or through StoredRecords. It
// returns nil when the dataset needs StoredRecords and the store does not
// implement it.
func (s *Service) storedBatch(ctx context.Context, dataset string, b *saima.Batch, l *ledger) (*saima.Batch, error) {
	stored := &saima.Batch{}
	switch dataset {
	case saima.DatasetUnits:
		stored.Units = l.units
		return stored, nil
	case saima.DatasetProjects:
		stored.Projects = l.projects
		return stored, nil
	case saima.DatasetMilestones:
		stored.Milestones = l.milestones
		return stored, nil
	case saima.DatasetProblems:
		stored.Problems = l.problems
		return stored, nil
	case saima.DatasetLists:
		stored.ListItems = l.listItems
		return stored, nil
	case saima.DatasetLeaderReports:
		stored.LeaderReports = l.leaders
		return stored, nil
	}

	store, ok := storeAs[StoredRecords](s.Store)
	if !ok {
		return nil, nil
	}
	var err error
	switch dataset {
	case saima.DatasetProgress:
		stored.Progress, err = listByCodes(ctx, batchCodes(dataset, b), store.ListProgressOf)
	case saima.DatasetStages:
		stored.Stages, err = listByCodes(ctx, batchCodes(dataset, b), store.ListStageHistory)
	case saima.DatasetAssessments:
		seen := map[saima.Period]bool{}
		for _, a := range b.Assessments {
			if seen[a.Period] {
				continue
			}
			seen[a.Period] = true
			got, lerr := store.ListAssessments(ctx, a.Period)
			if lerr != nil {
				return nil, fmt.Errorf("list assessments of %s: %w", a.Period, lerr)
			}
			for _, g := range got {
				if g.Period == a.Period {
					stored.Assessments = append(stored.Assessments, g)
				}
			}
		}
	case saima.DatasetListDone:
		stored.ListDone, err = store.ListListDone(ctx)
	case saima.DatasetProblemSteps:
		stored.ProblemSteps, err = store.ListProblemSteps(ctx)
	default:
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("list stored %s: %w", dataset, err)
	}
	return stored, nil
}

// codesPerQuery is how many project codes one query of listByCodes
// passes, and the most projects a chunk may have to be compared with
// stored records at all (see [importRun.checkStored]). With all 20,000
// codes of TestBrowserUploadProgress in one query, the upload failed on
// the embedded engine.
var codesPerQuery = 1000

// listByCodes returns the records that list returns for the distinct
// codes, querying at most codesPerQuery codes at a time.
func listByCodes[T any](ctx context.Context, codes []string,
	list func(context.Context, ...string) ([]T, error)) ([]T, error) {
	slices.Sort(codes)
	codes = slices.Compact(codes)
	var out []T
	for part := range slices.Chunk(codes, codesPerQuery) {
		got, err := list(ctx, part...)
		if err != nil {
			return nil, err
		}
		out = append(out, got...)
	}
	return out, nil
}

// batchCodes returns the distinct project codes of the progress reports
// or stage events of b, which are read from the store by code, and nil for
// the other datasets.
func batchCodes(dataset string, b *saima.Batch) []string {
	var codes []string
	switch dataset {
	case saima.DatasetProgress:
		codes = progressCodes(b.Progress)
	case saima.DatasetStages:
		for _, e := range b.Stages {
			codes = append(codes, e.ProjectCode)
		}
	}
	slices.Sort(codes)
	return slices.Compact(codes)
}

// uncomparedIssue is the warning for an upload whose records were not all
// compared with the stored ones, because a chunk had too many projects.
func uncomparedIssue(file string, records int) Issue {
	return Issue{File: file, Severity: SeverityWarning,
		Reason: fmt.Sprintf("涉及的项目超过%d个，其中%d条记录没有与已存记录比对，"+
			"因此不提示缺列会清空的已存内容，也不提示完成率下降", codesPerQuery, records),
		Fix: "如需这些提示，请按单位或分批上传，每次不超过" + strconv.Itoa(codesPerQuery) + "个项目"}
}

func progressCodes(reports []saima.ProgressReport) []string {
	codes := make([]string, 0, len(reports))
	for _, r := range reports {
		codes = append(codes, r.ProjectCode)
	}
	return codes
}

// countBlanked returns how many records of b replace a stored record that
// has a non-blank value in one of the columns missing, where the record
// itself is blank.
func countBlanked(b, stored *saima.Batch, missing []string, projects map[string]saima.Project) int {
	old := map[string]map[string]string{}
	for _, rc := range batchCells(stored, projects) {
		old[rc.key] = rc.cells
	}
	n := 0
	for _, rc := range batchCells(b, projects) {
		prev, ok := old[rc.key]
		if !ok {
			continue
		}
		for _, col := range missing {
			if prev[col] != "" && rc.cells[col] == "" {
				n++
				break
			}
		}
	}
	return n
}

// missingColumnsIssue is the warning for a file without the columns
// missing, which blanks them in blanked stored records.
func missingColumnsIssue(file, dataset string, missing []string, blanked int) Issue {
	names := "“" + strings.Join(missing, "”“") + "”"
	return Issue{File: file, Severity: SeverityWarning,
		Reason: fmt.Sprintf("没有%s列，导入后每条记录的这几项都为空。其中%d条已有记录在这些列有内容，"+
			"将被清空（原内容保留在历史版本中）", names, blanked),
		Fix: fmt.Sprintf("如需保留，请补上这些列并填写后重新上传，或下载“%s”模板（含全部列）重新填写；"+
			"确需清空的，可忽略本提示", titleOf(dataset))}
}

// titleOf returns the Chinese name of dataset, such as 进度填报.
func titleOf(dataset string) string {
	if sc := schemaFor(dataset); sc != nil {
		return sc.title
	}
	return dataset
}

// checkStored compares the records of c with the stored ones they
// replace: it counts those that lose a value in a column the file lacks,
// and, for progress reports, collects the warnings about completion
// rates. Both are warnings, which finish adds to the report.
func (r *importRun) checkStored(c *chunk) error {
	r.missing = c.missing
	progress := c.dataset == saima.DatasetProgress
	if len(c.missing) == 0 && !progress {
		return nil
	}
	if codes := batchCodes(c.dataset, c.batch); len(codes) > codesPerQuery {
		// Each read of stored records by project code costs a pass over
		// the table's current rows, so a bulk load of thousands of
		// projects would take minutes. Such a chunk is not compared.
		r.uncompared += c.batch.Len()
		return nil
	}
	stored, err := r.s.storedBatch(r.ctx, c.dataset, c.batch, r.ledger)
	if err != nil || stored == nil {
		return err
	}
	projects := make(map[string]saima.Project, len(r.ledger.projects))
	for _, p := range r.ledger.projects {
		projects[p.Code] = p
	}
	if len(c.missing) > 0 {
		r.blanked += countBlanked(c.batch, stored, c.missing, projects)
	}
	if !progress {
		return nil
	}

	store, _ := storeAs[StoredRecords](r.s.Store)
	stages, err := listByCodes(r.ctx, progressCodes(c.batch.Progress), store.ListStageHistory)
	if err != nil {
		return fmt.Errorf("list stage history: %w", err)
	}
	r.storedIssues = append(r.storedIssues, lowerCompletionIssues(r.up.FileName, c.batch.Progress, c.recordRows,
		stored.Progress, stages)...)
	return nil
}

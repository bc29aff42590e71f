package ingest

import (
	"bytes"
	"cmp"
	"context"
	"fmt"
	"io"
	"math"
	"strings"
	"time"

	"github.com/xuri/excelize/v2"

	"saima"
)

// Template layout: the header in row 1, one example row, and drop-down
// lists that reach templateRows rows down.
const (
	templateRows   = 10_000
	optionsSheet   = "选项"
	templateAuthor = "填表说明"
)

// modeExamples are the usual 考评方式. The column takes other text too,
// so its drop-down only suggests them.
var modeExamples = []string{"线上日常", "线上年终", "线下日常", "线下年终", "综合评估", "专项评估"}

// WriteTemplate writes an XLSX template for the upload of dataset (an id
// such as progress or a Chinese title such as 进度填报) to w. The sheet has
// the dataset's columns as headers, each with a comment on what it takes.
// Its one example row imports without errors against roster on day today.
// Columns with fixed values get drop-down lists, and so do unit columns
// when roster has units. Percent and date columns get their formats. An
// unknown dataset is a KindInvalid error.
func WriteTemplate(w io.Writer, dataset string, roster []saima.Unit, today saima.Date) error {
	return WriteTemplateWith(w, dataset, TemplateOptions{Roster: roster, Today: today})
}

// TemplateOptions are the sources of a template's example row.
type TemplateOptions struct {
	Roster []saima.Unit
	Today  saima.Date

	// Projects is the project ledger. The example of a dataset that names
	// a project then uses one of the example unit's projects, so that the
	// example agrees with the ledger.
	Projects []saima.Project

	// Unit is the roster name of the unit whose account downloads the
	// template, which is then the example unit; "" for the office.
	Unit string

	// ListItems are the work lists' items. The example of a done mark
	// then names one of the example unit's items.
	ListItems []saima.ListItem

	// Stages is the stored stage history. The stages example is then the
	// next stage of a project in Projects (see exampleStage).
	Stages []saima.StageEvent

	// Problems is the problem list and ProblemSteps the stored steps of
	// its problems. The problems example then takes an ID that neither
	// uses, and the problem steps example is the next step of an open
	// problem (see exampleProblemStep).
	Problems     []saima.ProblemItem
	ProblemSteps []saima.ProblemStep

	// Progress is the stored progress of the projects. The progress
	// example then takes a project still at work, at a rate no lower
	// than its stored ones, so that it imports without a warning.
	Progress []saima.ProgressReport
}

// WriteTemplateWith writes the template as [WriteTemplate] does, with the
// example taken from opts.
func WriteTemplateWith(w io.Writer, dataset string, opts TemplateOptions) error {
	s := schemaFor(dataset)
	if s == nil {
		return saima.Errorf(saima.KindInvalid, "不支持的数据类型“%s”，可选 %s", dataset, datasetList())
	}
	t, err := newTemplate(s, opts)
	if err != nil {
		return err
	}
	defer t.f.Close()
	if err := t.build(); err != nil {
		return fmt.Errorf("build %s template: %w", s.dataset, err)
	}
	if err := t.markExample(); err != nil {
		return fmt.Errorf("mark %s template's example: %w", s.dataset, err)
	}
	if err := SetUsedRanges(t.f); err != nil {
		return fmt.Errorf("write %s template: %w", s.dataset, err)
	}
	if _, err := t.f.WriteTo(w); err != nil {
		return fmt.Errorf("write %s template: %w", s.dataset, err)
	}
	return nil
}

// WriteTemplate writes the template of dataset for the account of unit
// ("" for the office). The roster and the project ledger come from the
// store and today's date from the clock; see [WriteTemplateWith].
func (s *Service) WriteTemplate(ctx context.Context, w io.Writer, dataset, unit string) error {
	units, err := s.Store.ListUnits(ctx)
	if err != nil {
		return fmt.Errorf("list units: %w", err)
	}
	projects, err := s.Store.ListProjects(ctx)
	if err != nil {
		return fmt.Errorf("list projects: %w", err)
	}
	opts := TemplateOptions{Roster: units, Projects: projects, Unit: unit, Today: saima.DateOf(s.Now())}
	if name, ok := newRoster(units).resolve(unit); ok {
		opts.Unit = name
	}
	if err := s.readExampleSources(ctx, schemaFor(dataset), &opts); err != nil {
		return err
	}
	return WriteTemplateWith(w, dataset, opts)
}

// readExampleSources reads into opts the stored records beyond the roster
// and the ledger that the example of dataset ds depends on.
func (s *Service) readExampleSources(ctx context.Context, ds *schema, opts *TemplateOptions) error {
	var err error
	switch {
	case ds == schemaFor(saima.DatasetLists) || ds == schemaFor(saima.DatasetListDone):
		if opts.ListItems, err = s.Store.ListListItems(ctx); err != nil {
			return fmt.Errorf("list work list items: %w", err)
		}
	case ds == schemaFor(saima.DatasetProgress):
		if h, ok := s.Store.(StageHistory); ok {
			if opts.Stages, err = h.ListStageHistory(ctx); err != nil {
				return fmt.Errorf("list stage history: %w", err)
			}
		}
		if stored, ok := storeAs[StoredRecords](s.Store); ok {
			codes := make([]string, len(opts.Projects))
			for i, p := range opts.Projects {
				codes[i] = p.Code
			}
			if opts.Progress, err = listByCodes(ctx, codes, stored.ListProgressOf); err != nil {
				return fmt.Errorf("list progress: %w", err)
			}
		}
	case ds == schemaFor(saima.DatasetStages):
		if h, ok := s.Store.(StageHistory); ok {
			if opts.Stages, err = h.ListStageHistory(ctx); err != nil {
				return fmt.Errorf("list stage history: %w", err)
			}
		}
	case ds == schemaFor(saima.DatasetProblems) || ds == schemaFor(saima.DatasetProblemSteps):
		if p, ok := storeAs[ProblemRecords](s.Store); ok {
			if opts.Problems, err = p.ListProblems(ctx); err != nil {
				return fmt.Errorf("list problems: %w", err)
			}
			if opts.ProblemSteps, err = p.ListProblemSteps(ctx); err != nil {
				return fmt.Errorf("list problem steps: %w", err)
			}
		}
	}
	return nil
}

// template is a workbook being built.
type template struct {
	f       *excelize.File
	s       *schema
	sheet   string
	cols    []*column // the columns shown, in template order
	roster  []saima.Unit
	account string             // the unit of the account that downloads the template; "" for the office
	unit    string             // the example unit; "" without a roster
	project *saima.Project     // the example project: from the ledger, genericProject, or nil for none
	stage   *saima.StageEvent  // the stages example, or nil for the 预报 of project
	item    *saima.ListItem    // the example work list item: from the lists, genericItem, or nil for none
	step    *saima.ProblemStep // the problem steps example
	code    string             // a free project code, problem ID or list item ID for a new record
	rate    float64            // the progress example's 完成率 as a fraction; 0 means 0.85
	note    string             // the reason no example imports for the account, or "" when the example does
	today   saima.Date
	styles  map[string]int
	options int // columns used on the options sheet
}

func newTemplate(s *schema, opts TemplateOptions) (*template, error) {
	t := &template{f: excelize.NewFile(), s: s, sheet: s.title, roster: opts.Roster, account: opts.Unit,
		today: opts.Today}
	t.chooseExample(opts)
	for i := range s.columns {
		if c := &s.columns[i]; c.kind != kindIgnored {
			t.cols = append(t.cols, c)
		}
	}
	if err := t.f.SetSheetName("Sheet1", t.sheet); err != nil {
		t.f.Close()
		return nil, fmt.Errorf("name sheet: %w", err)
	}
	return t, nil
}

func (t *template) build() error {
	steps := []func() error{t.addStyles, t.setColumns, t.writeHeader, t.writeExample, t.addDropDowns, t.finishSheet}
	for _, step := range steps {
		if err := step(); err != nil {
			return err
		}
	}
	return nil
}

// addStyles creates the cell styles the template uses.
func (t *template) addStyles() error {
	dateFormat := "yyyy-mm-dd"
	header := excelize.Style{Font: &excelize.Font{Bold: true}, Fill: excelize.Fill{Type: "pattern", Color: []string{"DDEBF7"}, Pattern: 1},
		Alignment: &excelize.Alignment{Vertical: "center", WrapText: true}}
	required := header
	required.Font = &excelize.Font{Bold: true, Color: "C00000"}
	example := &excelize.Font{Italic: true, Color: "808080"}
	specs := map[string]excelize.Style{
		"header":          header,
		"required":        required,
		"text":            {NumFmt: 49},
		"percent":         {NumFmt: 10},
		"date":            {CustomNumFmt: &dateFormat},
		"example":         {Font: example},
		"example-text":    {Font: example, NumFmt: 49},
		"example-percent": {Font: example, NumFmt: 10},
		"example-date":    {Font: example, CustomNumFmt: &dateFormat},
	}
	t.styles = map[string]int{}
	for name, spec := range specs {
		id, err := t.f.NewStyle(&spec)
		if err != nil {
			return fmt.Errorf("style %s: %w", name, err)
		}
		t.styles[name] = id
	}
	return nil
}

// columnStyle returns the name of the style for data cells of c: a
// percent or date format, text for codes so that Excel keeps leading
// zeros, or "" for General.
func columnStyle(c *column) string {
	switch c.kind {
	case kindPercent:
		return "percent"
	case kindDate:
		return "date"
	case kindCode:
		return "text"
	}
	return ""
}

// setColumns sets each column's width and the format of its data cells.
func (t *template) setColumns() error {
	for i, c := range t.cols {
		name := columnLetter(i)
		width := 14.0
		if c.kind == kindText {
			width = 24
		}
		if err := t.f.SetColWidth(t.sheet, name, name, width); err != nil {
			return fmt.Errorf("width of %s: %w", c.name, err)
		}
		if style := columnStyle(c); style != "" {
			if err := t.f.SetColStyle(t.sheet, name, t.styles[style]); err != nil {
				return fmt.Errorf("style of %s: %w", c.name, err)
			}
		}
	}
	return nil
}

func columnLetter(i int) string {
	name, _ := excelize.ColumnNumberToName(i + 1)
	return name
}

// writeHeader writes the column names, required ones in red, each with a
// comment on what the column takes.
func (t *template) writeHeader() error {
	for i, c := range t.cols {
		cell := columnLetter(i) + "1"
		if err := t.f.SetCellStr(t.sheet, cell, c.name); err != nil {
			return err
		}
		style := t.styles["header"]
		if c.required {
			style = t.styles["required"]
		}
		if err := t.f.SetCellStyle(t.sheet, cell, cell, style); err != nil {
			return err
		}
		err := t.f.AddComment(t.sheet, excelize.Comment{Cell: cell, Author: templateAuthor,
			Paragraph: []excelize.RichTextRun{{Text: t.help(c)}}, Width: 320, Height: 140})
		if err != nil {
			return fmt.Errorf("comment on %s: %w", c.name, err)
		}
	}
	return nil
}

// help returns what column c takes, for its header comment.
func (t *template) help(c *column) string {
	var b strings.Builder
	switch {
	case c.required && c.blankOK:
		b.WriteString(blankOKNote)
	case c.required:
		b.WriteString("必填。")
	default:
		b.WriteString("选填。")
	}
	if help, ok := columnHelp[c.name]; ok {
		b.WriteString(help)
	} else {
		b.WriteString(kindHelp(c))
	}
	if note := columnNotes[c.name]; note != "" {
		b.WriteString(note)
	}
	if c.kind == kindUnit && t.account != "" {
		b.WriteString("单位账号只能填写本单位（" + t.account + "）。")
	}
	if _, past := pastDates[t.s.dataset][c.name]; past {
		b.WriteString("不能晚于上传当天。")
	}
	if field := t.s.fieldName(c.name); field != "" {
		b.WriteString("\n接口中的英文字段名：" + field)
	}
	if t.cols[0] == c {
		b.WriteString("\n第2行是示例，请改成实际数据或删除；原样上传时这一行不导入。")
	}
	return b.String()
}

// blankOKNote opens the comment on a column that the file must have but
// whose cells may be blank, such as 完成率.
const blankOKNote = "本列须保留，单元格可留空。"

// kindHelp describes the values a column of c's kind takes.
func kindHelp(c *column) string {
	switch c.kind {
	case kindCode:
		return "编号或代码，全角字符按半角读取。"
	case kindUnit:
		return "单位名称，须为单位名单中的单位，可从下拉列表选择，也可写常用简称，如“海曙”。"
	case kindDate:
		return "日期，如2026-09-30，也可写2026/9/30或2026年9月30日。"
	case kindPeriod:
		return "期间：季度写2026Q3或2026年第三季度，月份写2026-09或2026年9月，年度写2026年度。不能填写上传当天尚未开始的期间。"
	case kindPercent:
		return "完成比例，0–100%，如85%。本列为百分比格式，请输入85%；未填报请留空，不要填0。"
	case kindNumber:
		return "数字，如85或85.5，不要带单位。"
	case kindChoice:
		return "从下拉列表选择：" + strings.Join(c.choices, "、") + "。"
	}
	return "文字，按填写的内容原样保存。"
}

// columnHelp replaces kindHelp for columns whose values a kind does not
// describe.
var columnHelp = map[string]string{
	"层级":   "问题所处的层级：1牵头单位、2改革办、3市领导（主要领导协调的也填3），可填编号或名称，如2或改革办。",
	"考评方式": "考评的方式，全角字符按半角读取。",
}

// columnNotes are the details of a column that its kind does not cover.
var columnNotes = map[string]string{
	"项目编号":   "如NB-2026-001。",
	"单位类别":   "决定单位默认参加的赛马赛道。",
	"别名":     "单位的其他写法，多个用、分隔，如“海曙、海曙区”。",
	"赛道":     "参加赛马的分组；留空则与单位类别相同。",
	"牵头单位":   "本系统的牵头单位；不在单位名单中的省级单位等也可填写。",
	"所属清单":   "多个清单用、分隔，如“重大需求、场景应用”。",
	"协同单位":   "责任单位、牵头单位之外参与项目的单位，多个用、分隔；协同单位的账号可以上传本单位承担的里程碑。",
	"是否领导领衔": "填“是”或“否”。",
	"预算（万元）": "以万元为单位，不能为负数。",
	"得分":     "不能为负数，也不能超过满分。",
	"满分":     "须大于0。",
	"考评方式":   "如线上日常、线下年终；可从下拉列表选择，也可填写其他方式。",
	"轮次":     "首次填1或留空；变更后重新论证及其后的阶段填2，依此类推。",
	"计划完成日期": "可以是将来的日期。",
}

// writeExample writes row 2, in grey italics, with values that import
// without errors.
func (t *template) writeExample() error {
	for i, c := range t.cols {
		cell := columnLetter(i) + "2"
		v := t.example(c)
		var err error
		switch v := v.(type) {
		case nil:
			continue
		case string:
			err = t.f.SetCellStr(t.sheet, cell, v)
		case float64:
			err = t.f.SetCellFloat(t.sheet, cell, v, -1, 64)
		case saima.Date:
			err = t.f.SetCellFloat(t.sheet, cell, excelSerial(v), -1, 64)
		}
		if err != nil {
			return fmt.Errorf("example %s: %w", c.name, err)
		}
		style := "example"
		if cs := columnStyle(c); cs != "" {
			style += "-" + cs
		}
		if err := t.f.SetCellStyle(t.sheet, cell, cell, t.styles[style]); err != nil {
			return err
		}
	}
	return t.writeExampleCell()
}

// writeExampleCell writes exampleCellText, and t.note when there is one,
// right of the example row, for a copy of the template saved as CSV,
// which keeps no defined name. [template.markExample] adds the check code
// of the example's values.
func (t *template) writeExampleCell() error {
	col := columnLetter(len(t.cols))
	if err := t.f.SetColWidth(t.sheet, col, col, 48); err != nil {
		return fmt.Errorf("width of the example mark: %w", err)
	}
	if err := t.f.SetCellStr(t.sheet, col+"2", t.exampleCellText("")); err != nil {
		return fmt.Errorf("example mark: %w", err)
	}
	return t.f.SetCellStyle(t.sheet, col+"2", col+"2", t.styles["example"])
}

// exampleCellText returns the text of the example's mark cell with the
// check code code, or without one when code is "".
func (t *template) exampleCellText(code string) string {
	text := exampleCellText
	if code != "" {
		text += exampleCodeText(code)
	}
	if t.note != "" {
		text += "。" + t.note
	}
	return text
}

// markExample writes the check code of the example's values into its mark
// cell, and then defines a name on the example row whose suffix is the
// row's [exampleMark]. An upload of the template with the example left as
// it is then skips that row, by the name in the workbook and by the code
// in a copy saved as CSV. Both are taken from the workbook as written and
// read back, so they cover the cells exactly as an upload reads them.
func (t *template) markExample() error {
	cells, err := t.readBackExample()
	if err != nil {
		return err
	}
	cell := columnLetter(len(t.cols)) + "2"
	if err := t.f.SetCellStr(t.sheet, cell, t.exampleCellText(exampleValuesCode(t.cols, cells))); err != nil {
		return fmt.Errorf("example mark: %w", err)
	}

	if cells, err = t.readBackExample(); err != nil {
		return err
	}
	last := columnLetter(len(t.cols) - 1)
	return t.f.SetDefinedName(&excelize.DefinedName{
		Name:     exampleNamePrefix + exampleMark(cells),
		RefersTo: fmt.Sprintf("'%s'!$A$2:$%s$2", strings.ReplaceAll(t.sheet, "'", "''"), last),
		Comment:  "第2行是填表示例；原样上传时不导入",
	})
}

// readBackExample returns the cells of row 2 as an upload of the
// workbook reads them.
func (t *template) readBackExample() ([]string, error) {
	var buf bytes.Buffer
	if _, err := t.f.WriteTo(&buf); err != nil {
		return nil, err
	}
	src, err := newXLSXSource(&buf, t.sheet, math.MaxInt32)
	if err != nil {
		return nil, err
	}
	defer src.rows.close()
	for {
		rec, err := src.next()
		if err != nil {
			return nil, fmt.Errorf("read back row 2: %w", err)
		}
		if rec.row == 2 {
			return rec.cells, nil
		}
	}
}

// excelSerial returns the 1900-system serial number of d.
func excelSerial(d saima.Date) float64 {
	base := time.Date(1899, 12, 30, 0, 0, 0, 0, time.UTC)
	day := time.Date(d.Year, d.Month, d.Day, 0, 0, 0, 0, time.UTC)
	return math.Round(day.Sub(base).Hours() / 24)
}

// example returns the example value of column c: a string, a float64 for
// numbers and percents (0.85 for 85%), a saima.Date, or nil for none.
func (t *template) example(c *column) any {
	if v, ok := examples[t.s.dataset][c.name]; ok {
		return t.resolveExample(v)
	}
	switch c.kind {
	case kindUnit:
		return t.exampleUnit()
	case kindDate:
		return t.today
	case kindPeriod:
		return t.quarter()
	case kindPercent:
		return 0.85
	case kindChoice:
		return c.choices[0]
	case kindCode:
		if c.required {
			return "EX-001"
		}
	case kindText:
		if c.required {
			return "示例"
		}
	}
	return nil
}

// Placeholders in examples for values that depend on the day and roster.
const (
	exUnit        = "{unit}"
	exQuarter     = "{quarter}"
	exHalf        = "{half}"
	exProject     = "{project}"      // the example project's code
	exProjectName = "{project-name}" // the example project's name
	exList        = "{list}"         // the example work list item's list
	exItem        = "{item}"         // the example work list item's ID
	exNewCode     = "{new-code}"     // a code or ID that no stored record has
	exItemDone    = "{item-done}"    // a done date of the example item: 3 days ago, or its start when later
	exRate        = "{rate}"         // the progress example's 完成率: 85%, or the project's stored rate when higher

	// The stages example's fields; see exampleStage.
	exStageProject = "{stage-project}"
	exStage        = "{stage}"
	exStageDate    = "{stage-date}"
	exStageBody    = "{stage-body}"
	exStageOpinion = "{stage-opinion}"
	exStageRound   = "{stage-round}"

	// The problem steps example's fields; see exampleProblemStep.
	exStepProblem = "{step-problem}"
	exStep        = "{step}"
	exStepLevel   = "{step-level}"
	exStepDate    = "{step-date}"
	exStepHandler = "{step-handler}"
	exStepNote    = "{step-note}"
)

// exampleDay is an example date this many days from today.
type exampleDay int

func (t *template) resolveExample(v any) any {
	switch v := v.(type) {
	case exampleDay:
		return t.today.AddDays(int(v))
	case string:
		switch v {
		case exUnit:
			return t.exampleUnit()
		case exQuarter:
			return t.quarter()
		case exHalf:
			return fmt.Sprintf("%dH%d", t.today.Year, (int(t.today.Month)-1)/6+1)
		case exProject, exProjectName:
			return t.projectField(v)
		case exList, exItem:
			return t.itemField(v)
		case exNewCode:
			return t.code
		case exItemDone:
			return t.itemDone()
		case exRate:
			return cmp.Or(t.rate, 0.85)
		case exStageProject, exStage, exStageDate, exStageBody, exStageOpinion, exStageRound:
			return t.stageField(v)
		case exStepProblem, exStep, exStepLevel, exStepDate, exStepHandler, exStepNote:
			return t.stepField(v)
		}
	}
	return v
}

// projectField returns the code or the name of the example project, or
// nil when there is none.
func (t *template) projectField(placeholder string) any {
	switch {
	case t.project == nil:
		return nil
	case placeholder == exProject:
		return t.project.Code
	}
	return t.project.Name
}

// itemDone returns the done date of the example work list item: three
// days ago, or the item's start when that is later, and never after today.
// Without an item it is three days ago.
func (t *template) itemDone() any {
	day := t.today.AddDays(-3)
	if t.item == nil {
		return day
	}
	if start, _, ok := t.item.Start(); ok && start.After(day) {
		day = start
	}
	if day.After(t.today) {
		day = t.today
	}
	return day
}

// itemField returns the list or the ID of the example work list item, or
// nil when there is none.
func (t *template) itemField(placeholder string) any {
	switch {
	case t.item == nil:
		return nil
	case placeholder == exList:
		return t.item.List
	}
	return t.item.ID
}

// stageField returns the field of the stages example that placeholder
// names. Without a stage from the ledger, the example is the 预报 of the
// example project a week ago, with the project left empty when there is
// none.
func (t *template) stageField(placeholder string) any {
	e := t.stage
	if e == nil {
		e = &saima.StageEvent{Stage: saima.Stages[0], Date: t.today.AddDays(-7), Opinion: "同意" + saima.Stages[0]}
		if t.project != nil {
			e.ProjectCode = t.project.Code
		}
	}
	switch placeholder {
	case exStageProject:
		return nilIfEmpty(e.ProjectCode)
	case exStage:
		return e.Stage
	case exStageDate:
		return e.Date
	case exStageBody:
		return nilIfEmpty(e.DecidedBy)
	case exStageOpinion:
		return e.Opinion
	case exStageRound:
		if e.RoundOrOne() > 1 {
			return float64(e.Round)
		}
	}
	return nil
}

// stepField returns the field of the problem steps example that
// placeholder names.
func (t *template) stepField(placeholder string) any {
	st := t.step
	switch placeholder {
	case exStepProblem:
		return nilIfEmpty(st.ProblemID)
	case exStep:
		return st.Step
	case exStepLevel:
		return float64(st.Level)
	case exStepDate:
		return st.Date
	case exStepHandler:
		return nilIfEmpty(st.Handler)
	}
	return nilIfEmpty(st.Note)
}

// nilIfEmpty returns nil for "", which leaves a template cell empty, and
// s otherwise.
func nilIfEmpty(s string) any {
	if s == "" {
		return nil
	}
	return s
}

// exampleUnit returns the example unit, or nil without a roster, because
// any other name would not import.
func (t *template) exampleUnit() any {
	if t.unit == "" {
		return nil
	}
	return t.unit
}

func (t *template) quarter() string {
	return saima.Quarter(t.today.Year, (int(t.today.Month)-1)/3+1).String()
}

// examples are the example values by dataset and column; nil leaves the
// cell empty. Columns left out get one by their kind, or none.
var examples = map[string]map[string]any{
	saima.DatasetUnits: {
		"单位": "宁波市海曙区", "单位类别": saima.KindDistrict, "单位代码": "330203", "别名": "海曙、海曙区",
		"赛道": saima.KindDistrict,
	},
	saima.DatasetProjects: {
		"项目编号": exNewCode, "项目名称": "城市大脑驾驶舱", "责任单位": exUnit, "牵头单位": exUnit,
		"所属系统": "数字政府", "项目层级": "全市性", "项目类型": "迭代升级", "批次": "继续推进",
		"所属清单": "重大需求、场景应用", "是否领导领衔": "否", "预算（万元）": 120.5,
		"开始日期": exampleDay(-60), "计划完成日期": exampleDay(90),
	},
	saima.DatasetStages: {
		"项目编号": exStageProject, "阶段": exStage, "日期": exStageDate, "决策主体": exStageBody,
		"意见": exStageOpinion, "轮次": exStageRound,
	},
	saima.DatasetMilestones: {
		"项目编号": exProject, "里程碑": "完成需求调研", "计划完成日期": exampleDay(-10),
		"实际完成日期": exampleDay(-12), "状态": "已完成", "责任单位": exUnit,
	},
	saima.DatasetProgress: {
		"单位": exUnit, "项目编号": exProject, "项目名称": exProjectName, "填报期间": exQuarter,
		"完成率": exRate, "填报日期": exampleDay(0), "进展情况": "完成需求调研，进入开发阶段", "存在问题": "无",
	},
	saima.DatasetAssessments: {
		"被考评单位": exUnit, "指标": "数据共享按时响应率", "得分": 8.5, "满分": 10.0, "考评方式": "线上日常",
		"考评期间": exQuarter, "考评人": "市委改革办考评组", "项目编号": exProject,
	},
	saima.DatasetProblems: {
		"问题编号": exNewCode, "单位": exUnit, "项目编号": exProject, "来源": "自查",
		"类别": "数据共享", "环节": "分办落实", "层级": 1.0, "发现日期": exampleDay(-20),
		"办结日期": nil, "问题描述": "接口响应超时",
	},
	saima.DatasetLists: {
		"清单名称": newItemList, "事项编号": exNewCode, "事项名称": "企业开办一件事", "责任单位": exUnit,
		"阶段目标": "上线试运行", "完成时限": exampleDay(60), "领域": "数字政府", "下达日期": exampleDay(-30),
	},
	saima.DatasetListDone: {
		"清单名称": exList, "事项编号": exItem, "责任单位": exUnit, "完成日期": exItemDone,
		"完成情况": "已上线",
	},
	saima.DatasetProblemSteps: {
		"问题编号": exStepProblem, "环节": exStep, "层级": exStepLevel, "日期": exStepDate,
		"办理单位": exStepHandler, "说明": exStepNote,
	},
	saima.DatasetLeaderReports: {
		"项目编号": exProject, "半年度": exHalf, "牵头单位": exUnit, "成果": "完成一期建设",
		"下步计划": "推进二期", "报送日期": exampleDay(0),
	},
}

// addDropDowns adds a drop-down list to every column with fixed values,
// to 考评方式, to yes/no columns and, when the roster has units, to unit
// columns, which offer only the account's own unit to a unit's account. The lists live on a hidden sheet, because a list written into
// the rule itself may hold only 255 characters.
func (t *template) addDropDowns() error {
	for i, c := range t.cols {
		values, strict := t.dropDown(c)
		if len(values) == 0 {
			continue
		}
		source, err := t.addOptions(c.name, values)
		if err != nil {
			return err
		}
		dv := excelize.NewDataValidation(true)
		dv.Sqref = fmt.Sprintf("%s2:%s%d", columnLetter(i), columnLetter(i), templateRows+1)
		dv.SetSqrefDropList(source)
		if strict {
			dv.SetError(excelize.DataValidationErrorStyleStop, "无效的值", "请从下拉列表中选择。")
		} else {
			dv.SetError(excelize.DataValidationErrorStyleInformation, "不在常用列表中", "这个值不在常用列表中，仍可导入。")
		}
		if err := t.f.AddDataValidation(t.sheet, dv); err != nil {
			return fmt.Errorf("drop-down of %s: %w", c.name, err)
		}
	}
	if t.options == 0 {
		return nil
	}
	return t.f.SetSheetVisible(optionsSheet, false)
}

// dropDown returns the values of c's drop-down, and whether values
// outside it are refused.
func (t *template) dropDown(c *column) ([]string, bool) {
	switch {
	case c.kind == kindChoice:
		return c.choices, true
	case c.kind == kindUnit && t.account != "":
		// A unit's account may upload only its own unit's rows.
		return []string{t.account}, true
	case c.kind == kindUnit:
		names := make([]string, len(t.roster))
		for i, u := range t.roster {
			names[i] = u.Name
		}
		return names, true
	case c.name == "考评方式":
		return modeExamples, false
	case c.name == "是否领导领衔":
		return []string{"是", "否"}, true
	}
	return nil, false
}

// addOptions writes values into the next column of the options sheet and
// returns the reference of their cells.
func (t *template) addOptions(name string, values []string) (string, error) {
	if t.options == 0 {
		if _, err := t.f.NewSheet(optionsSheet); err != nil {
			return "", fmt.Errorf("add options sheet: %w", err)
		}
	}
	t.options++
	col := columnLetter(t.options - 1)
	if err := t.f.SetCellStr(optionsSheet, col+"1", name); err != nil {
		return "", err
	}
	for i, v := range values {
		if err := t.f.SetCellStr(optionsSheet, fmt.Sprintf("%s%d", col, i+2), v); err != nil {
			return "", err
		}
	}
	return fmt.Sprintf("'%s'!$%s$2:$%s$%d", optionsSheet, col, col, len(values)+1), nil
}

// finishSheet freezes the header row and makes the data sheet the one
// that opens.
func (t *template) finishSheet() error {
	err := t.f.SetPanes(t.sheet, &excelize.Panes{Freeze: true, YSplit: 1, TopLeftCell: "A2", ActivePane: "bottomLeft"})
	if err != nil {
		return fmt.Errorf("freeze header: %w", err)
	}
	idx, err := t.f.GetSheetIndex(t.sheet)
	if err != nil {
		return err
	}
	t.f.SetActiveSheet(idx)
	props := &excelize.DocProperties{Title: t.s.title + "模板", Creator: "saima", Language: "zh-CN"}
	// Without a date the workbook carries that of excelize's built-in
	// one, 2006-09-16. The options give only the day, so the date is the
	// day's start in Beijing, written in UTC as SetDocProps expects.
	if !t.today.IsZero() {
		props.Created = t.today.Time().UTC().Format(time.RFC3339)
		props.Modified = props.Created
	}
	return t.f.SetDocProps(props)
}

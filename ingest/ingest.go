package ingest

import (
	"bufio"
	"bytes"
	"cmp"
	"encoding/csv"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"path"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"saima"
)

// DefaultMaxErrors is how many errors, and separately how many warnings,
// a Result lists when Options.MaxErrors is 0.
const DefaultMaxErrors = 100

// Options configures how Parse reads one uploaded file.
type Options struct {
	// Dataset is one of the saima.Dataset constants, or its Chinese name
	// such as 进度填报. Empty means detect it from the header.
	Dataset string

	// FileName is shown in every issue. It does not choose the format:
	// XLSX is recognised by its content.
	FileName string

	// Sheet is the XLSX worksheet to read, compared without whitespace.
	// Empty means the first visible worksheet. Text files ignore it.
	Sheet string

	// Encoding forces the encoding of a text file: utf-8, gb18030 (also
	// for GBK), utf-16le or utf-16be. Empty means detect it: a byte-order
	// mark, else UTF-8 when the start of the file is valid UTF-8, else
	// GB18030.
	Encoding string

	// Roster is the unit list that unit names are resolved against. For
	// the units dataset itself it is the stored roster, whose names and
	// aliases a new alias may not repeat.
	Roster []saima.Unit

	// Projects is the project ledger. A progress report or problem of a
	// project that the ledger gives to another unit, as neither its
	// responsible unit nor its lead unit, gets a warning. So does a
	// project row of the office that moves a project to another unit (see
	// Unit). A half-year report whose 牵头单位 is neither is an error. Nil
	// checks nothing.
	Projects []saima.Project

	// Unit is the roster name of the unit whose account uploads the file,
	// or "" for the reform office. A row about another unit is then an
	// error. So is a milestone, half-year report, progress report or
	// problem on a project whose responsible unit and lead unit in the
	// ledger (Projects) are both other units, and a milestone without a
	// responsible unit whose project's responsible unit is another, or
	// any project while the ledger is empty. So is a row that would move
	// a stored record of another unit to this one: a row whose record key
	// Projects, Milestones, Problems, LeaderReports or ListItems holds
	// under another unit. From the office such a row gets a warning that
	// names both units. Result.NotOwn counts the rows that are errors. A
	// project missing from a ledger that has projects is an error that
	// NotOwn does not count.
	Unit string

	// Milestones are the current milestones, each with its unit (its
	// project's unit when it was uploaded without one), for the owner
	// check of milestone rows (see Unit).
	Milestones []saima.Milestone

	// Problems are the stored entries of the problem list (问题清单), for
	// the owner check of problem rows (see Unit).
	Problems []saima.ProblemItem

	// LeaderReports are the stored half-year reports of leader-led
	// projects, for the owner check of report rows (see Unit).
	LeaderReports []saima.LeaderReport

	// ListItems are the stored items of the work lists, for the owner
	// check of item rows (see Unit). A done mark (清单完成标注) is also
	// checked against them: its item must be in its list, under the same
	// responsible unit, or the mark would never count. So the item's unit
	// owns the mark, and a unit's account may mark only its own items.
	// Nil skips the check of done marks.
	ListItems []saima.ListItem

	// Exits are the exit days (退出) of the projects that exited, by
	// project code. A progress report on a period that begins after its
	// project's exit, and a milestone done after it, get a warning that
	// names the day, because the scoring leaves them out. Nil warns of
	// nothing.
	Exits map[string]saima.Date

	// Filed are the days of each project's first recorded stage event,
	// usually 预报, by project code. A milestone done before that day gets
	// a warning, because it would count as done on time for a project
	// that was not yet on the ledger. Nil warns of nothing.
	Filed map[string]saima.Date

	// Received is the day the office states that an import of old
	// history was received. Nil means Today. A half-year report records
	// it, or the day its stored version was first received when that is
	// earlier, and its lateness is judged by the later of that day and
	// its 报送日期 (see saima.LeaderReport.Arrived).
	Received *saima.Date

	// ReceivedAsStated takes each report's 报送日期 as its received day
	// (see Request.ReceivedAsStated).
	ReceivedAsStated bool

	// Finished are the days of 完成 of the finished projects, by project
	// code. A milestone row without an actual date for such a project,
	// and a 完成 row for a project with open milestones in Milestones,
	// get a warning that lists them, because the scoring keeps counting
	// them as overdue. Nil warns of nothing.
	Finished map[string]saima.Date

	// Tracks are the horse-race tracks that scoring ranks units in. A
	// roster's 赛道 is compared with them and with the unit kinds after
	// NFKC and without whitespace, as unit names are, and stored in their
	// spelling, so 区县(市) is stored as 区县（市）. When Tracks names any,
	// a 赛道 (or, when it is blank, a 单位类别) that matches none of them
	// gets a warning, because scoring fails for such a unit.
	Tracks Tracks

	// Today is the upload day in Beijing. A date of something already
	// done (实际完成日期, 填报日期, 发现日期 and the like) after it is an
	// error. The zero Date means today.
	Today saima.Date

	// MaxErrors caps how many errors and how many warnings are listed;
	// the ones beyond are only counted. 0 means DefaultMaxErrors.
	MaxErrors int

	// MaxRows caps the data rows read. A longer file is rejected with one
	// error and is not read further. 0 means no limit.
	MaxRows int

	// MaxXLSXBytes caps an XLSX workbook, in bytes: its own size and the
	// total that its parts unpack to, as its zip directory states them. A
	// larger workbook is rejected before any part is unpacked. 0 means
	// DefaultMaxXLSXBytes.
	MaxXLSXBytes int64

	// MaxTextChars caps the characters (Unicode code points) of one
	// free-text cell, such as 进展情况 or a 项目名称. A longer cell is an
	// error. 0 means DefaultMaxTextChars and a negative value means no
	// limit.
	MaxTextChars int

	// Progress, when set, is called with the data rows and the errors read
	// so far, every progressInterval rows and once at the end of the file.
	// It runs on the goroutine that called Parse.
	Progress func(rows, errors int)
}

// Tracks are the tracks of the rule set that scores the roster.
type Tracks struct {
	RuleSet string   // the rule set's name, for warnings
	Names   []string // the track names as the rule set spells them
}

// progressInterval is how many rows pass between calls of Options.Progress.
const progressInterval = 5000

// Result contains the records and issues that Parse read from a file. The
// file may be imported only when it has no errors; see [Result.OK].
type Result struct {
	Dataset string // the dataset, given or detected; "" when it could not be detected
	Sheet   string // the worksheet read, for XLSX files

	// Columns is the header as read, one name per column up to the last
	// named one, and "" for an unnamed column.
	Columns []string

	// Batch contains the records, later rows replacing earlier rows of the
	// same key. Upload is zero. The import service leaves it empty, because
	// it hands the records to the store chunk by chunk as it reads.
	Batch saima.Batch
	Rows  int // data rows read, not counting the header, title rows and blank rows

	Errors          []Issue // in row order, at most MaxErrors
	Warnings        []Issue // in row order, at most MaxErrors
	ErrorsOmitted   int     // errors found beyond MaxErrors
	WarningsOmitted int     // warnings found beyond MaxErrors

	// NotOwn counts the rows that Options.Unit may not upload, each also
	// an error, and OtherUnits names the units they are about, in the
	// order the file first names them. A milestone whose project is not
	// in the ledger counts without naming a unit.
	NotOwn     int
	OtherUnits []string

	// NamingOther counts the rows of NotOwn whose unit column names
	// another unit, and NamedUnits names those units. TouchingOther
	// counts the rows that name the account's own unit but a project or
	// record of another unit, and RecordOwners names the owners. The rest
	// of NotOwn are milestones whose owner is unknown.
	NamingOther   int
	NamedUnits    []string
	TouchingOther int
	RecordOwners  []string

	// goodBatch holds the good records of a file with errors that is
	// read as one chunk (see wholeFileDatasets), and gaps what is known of
	// its rows with errors. The import service runs its whole-file checks
	// on them. goodBatch is nil for a file without errors.
	goodBatch *saima.Batch
	gaps      orderGaps

	// unitSheets names the other worksheets of a workbook whose first
	// sheet was read and holds a dataset that Options.Unit may not upload,
	// when they hold one it may.
	unitSheets []sheetDataset
}

// OK reports whether r has no errors, listed or omitted.
func (r *Result) OK() bool { return len(r.Errors) == 0 && r.ErrorsOmitted == 0 }

// Parse reads an uploaded file: an XLSX workbook (recognised by its zip
// signature), a JSON array of objects (recognised by its opening [), or
// CSV or tab-separated text in UTF-8, GB18030 or UTF-16. It maps the
// header, or the objects' keys, to the dataset's columns, normalises and
// validates every row, and returns the records with every issue found.
//
// Row problems never make Parse fail: they are listed in Result.Errors.
// A non-nil error means the file could not be read at all: a damaged
// workbook, an unknown worksheet or encoding, or invalid UTF-8 after a
// valid start. It is a *saima.Error of kind KindInvalid with a Chinese
// message. Only a failing reader returns its own error, wrapped.
//
// Parse reads r once. It streams the rows of every format, but holds the
// records in Result.Batch; an XLSX workbook is also held in memory in its
// compressed form, because the zip directory sits at its end.
func Parse(r io.Reader, opts Options) (*Result, error) {
	return parseChunks(r, opts, 0, nil)
}

// parseChunks is Parse for the import service. With chunkRecords above 0
// and an emit function, it hands the records to emit every chunkRecords
// rows instead of keeping them, and Result.Batch stays empty. An error
// from emit stops reading and comes back as the error.
func parseChunks(r io.Reader, opts Options, chunkRecords int, emit emitFunc) (*Result, error) {
	p, err := newParser(opts)
	if err != nil {
		return nil, err
	}
	p.chunkRecords, p.emit = chunkRecords, emit
	src, err := openSource(r, opts)
	if err != nil {
		return nil, err
	}
	switch src := src.(type) {
	case *jsonSource:
		err = p.runJSON(src)
	case source:
		ra := startReadAhead(src)
		p.src, p.sheet = ra, src.sheet()
		p.xlsx, _ = src.(*xlsxSource)
		p.csv, _ = src.(*csvSource)
		if p.csv != nil && p.csv.overridden != "" {
			bom := strings.ToUpper(p.csv.bom)
			p.issue(Issue{Reason: fmt.Sprintf("开头的字节顺序标记表明文件是%s编码，已按%s读取，而不是上传时选择的“%s”",
				bom, bom, p.csv.overridden),
				Fix: "如果读出的内容有误，请检查文件；下次上传这个文件时可以把编码留空", Severity: SeverityWarning})
		}
		err = p.run()
		ra.close()
	}
	if err != nil {
		return nil, err
	}
	p.reportProgress()
	return p.result(), nil
}

// zipMagic starts every XLSX file.
var zipMagic = []byte("PK\x03\x04")

// oleMagic starts every OLE2 compound file: an Excel 97-2003 workbook
// (.xls, and .et from WPS), and an XLSX saved with a password to open it,
// whose encrypted package Office wraps in that format.
var oleMagic = []byte("\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1")

// opener is the reader of one file format: a *jsonSource or a source of
// rows.
type opener interface {
	sheet() string // the worksheet read, or ""
}

func openSource(r io.Reader, opts Options) (opener, error) {
	br := bufio.NewReaderSize(r, sniffSize)
	head, err := br.Peek(binaryHeadSize)
	if err != nil && err != io.EOF {
		return nil, fmt.Errorf("read upload: %w", err)
	}
	if err := binaryFormatError(head); err != nil {
		return nil, err
	}
	magic := head[:min(len(head), len(oleMagic))]
	switch {
	case bytes.Equal(magic, oleMagic):
		return nil, oleError(br)
	case bytes.HasPrefix(magic, zipMagic):
		limit := opts.MaxXLSXBytes
		if limit <= 0 {
			limit = DefaultMaxXLSXBytes
		}
		return newXLSXSource(br, opts.Sheet, limit)
	case looksLikeJSON(br):
		return newJSONSource(br)
	case workbookName(opts.FileName) && binaryHead(br):
		return nil, saima.Errorf(saima.KindInvalid,
			"文件名以 .xlsx 结尾，但内容既不是 xlsx 工作簿，也不是文本（xlsx 文件以“PK”开头，这个文件以 %s 开头），"+
				"可能已损坏，或是改了扩展名的其他文件；请用 Excel 或 WPS 打开原表格，另存为“Excel 工作簿（*.xlsx）”后重新上传",
			hexHead(br))
	}
	if err := markupError(br); err != nil {
		return nil, err
	}
	return newCSVSource(br, opts.Encoding)
}

// workbookName reports whether name ends as an XLSX file's does. A text
// file under such a name is still read as text: some systems export CSV
// with that ending.
func workbookName(name string) bool {
	ext := strings.ToLower(path.Ext(strings.TrimSpace(name)))
	return ext == ".xlsx" || ext == ".xlsm"
}

// binaryHead reports whether the start of br holds a zero byte that no
// text encoding the import reads would put there: one outside UTF-16.
func binaryHead(br *bufio.Reader) bool {
	head, _ := br.Peek(4096)
	if !bytes.Contains(head, []byte{0}) {
		return false
	}
	return bomEncoding(head) == "" && utf16WithoutBOM(head) == ""
}

// hexHead returns the first bytes of br in hex, for the message about a
// file whose content does not match its name.
func hexHead(br *bufio.Reader) string {
	head, _ := br.Peek(8)
	return strings.ToUpper(hex.EncodeToString(head))
}

// source yields the rows of a file in order.
type source interface {
	// next returns the next row, or io.EOF after the last. A row that
	// breaks CSV quoting comes back with a *csv.ParseError; other errors
	// end the file.
	next() (record, error)

	sheet() string        // the worksheet read, or ""
	separator() rune      // the field separator of a text file; 0 for XLSX
	hasReplacement() bool // whether decoding may have put U+FFFD for unreadable bytes
}

// record is one row of a file.
type record struct {
	row    int      // the row number as a spreadsheet shows it
	cells  []string // the cells as written
	fields int      // fields in a text row, for the shape checks; -1 for XLSX rows
	err    error    // a *csv.ParseError when the row could not be split

	formulas []uncomputedFormula // XLSX cells whose formula has no stored result

	// longNumbers are the 0-based columns of XLSX number cells of 16 or
	// more integer digits, which a spreadsheet keeps to 15 significant
	// digits, so a code typed into such a cell has lost its last digits.
	longNumbers []int

	// formattedCodes are the XLSX number cells under a code format such
	// as "NB-2026-"000, read as shown in code columns (see codeformat.go).
	formattedCodes []formattedCode

	// example is set on a template's example row whose cells are still
	// those the template wrote.
	example bool

	// hidden is set on an XLSX row that the sheet hides, by hand or by a
	// filter.
	hidden bool
}

// parser is the state of one Parse call.
type parser struct {
	opts Options
	src  source // nil for JSON
	// xlsx is the workbook's source under src, for the hint of
	// otherSheetsIssue; nil for other files. It is read-only, so the
	// read-ahead goroutine does not race with it.
	xlsx *xlsxSource
	// unitSheets names the other worksheets that a unit's account may
	// upload, when the first one read holds an office-only dataset.
	unitSheets []sheetDataset
	csv        *csvSource // the same for a text file, for its encoding advice
	sheet      string     // the worksheet read, for issues
	schema     *schema
	roster     *roster
	today      saima.Date
	issues     issueList
	display    map[string]string // column name -> header as issues show it
	batch      saima.Batch       // the records, when they are not emitted
	rows       int
	unnamed    map[int]bool // unnamed columns already reported as containing data
	columns    []string     // the header as read
	missing    []string     // optional columns the header lacks; see schema.missing
	example    int          // the row of a template's example row that was skipped; 0 for none

	// exampleUnchanged is set when the workbook's defined name showed
	// that the skipped example row was not edited.
	exampleUnchanged bool

	// exampleByCell is set when the example row was known only by the
	// mark cell after its last column, as in a template saved as CSV.
	exampleByCell bool

	// exampleWarnings wait for the first row of data. A file with only
	// the example gets one error in their place, with the same fact.
	exampleWarnings []Issue

	// hiddenRows are the first maxHiddenRows data rows that the sheet
	// hides, and hiddenCount counts them all, for hiddenRowsIssue.
	hiddenRows  []int
	hiddenCount int

	// Records go to the builder, which emit receives every chunkRecords
	// rows; see stream.go.
	chunkRecords int
	emit         emitFunc
	builder      builder
	chunkRows    int          // rows handed to the builder since the last flush
	final        bool         // the flush under way is the file's last
	keys         *keyIndex    // record keys of earlier chunks; nil when the file is one chunk
	percent      percentScale // the 完成率 column's scale, once a chunk decided it

	goodBatch *saima.Batch // see Result.goodBatch
	gaps      orderGaps    // see Result.gaps

	stopped bool       // reading stopped at a row whose bytes cannot be read; see nextRecord
	notOwn  notOwnRows // rows that Options.Unit may not upload

	owners map[string]string // the units of stored records by record key; see storedOwner

	rowBuf   rowReader                // the reader that newRow reuses for every row
	units    map[string]string        // unit cells as written -> roster spelling; see rowReader.unit
	projects map[string]saima.Project // Options.Projects by code
	maxText  int                      // the characters a free-text cell may hold; 0 means no limit
}

// DefaultMaxTextChars is the most characters one free-text cell may hold
// when Options.MaxTextChars is 0. A quarter's 进展情况 or a problem's
// description takes a few hundred. Every cell is printed whole in the
// PDFs that the leaders read, and a progress file with two cells of
// 300 000 characters made the demo city's quarterly PDF grow from 44 to
// 488 pages.
const DefaultMaxTextChars = 2000

func newParser(opts Options) (*parser, error) {
	p := &parser{
		opts:    opts,
		roster:  newRoster(opts.Roster),
		today:   opts.Today,
		issues:  issueList{limit: opts.MaxErrors},
		display: map[string]string{},
		unnamed: map[int]bool{},
	}
	if p.issues.limit <= 0 {
		p.issues.limit = DefaultMaxErrors
	}
	switch {
	case opts.MaxTextChars == 0:
		p.maxText = DefaultMaxTextChars
	case opts.MaxTextChars > 0:
		p.maxText = opts.MaxTextChars
	}
	if len(opts.Projects) > 0 {
		p.projects = make(map[string]saima.Project, len(opts.Projects))
		for _, pr := range opts.Projects {
			p.projects[pr.Code] = pr
		}
	}
	if p.today.IsZero() {
		p.today = saima.DateOf(time.Now())
	}
	if opts.Dataset != "" {
		if p.schema = schemaFor(opts.Dataset); p.schema == nil {
			return nil, saima.Errorf(saima.KindInvalid, "不支持的数据类型“%s”，可选 %s，留空则按表头自动识别",
				opts.Dataset, datasetList())
		}
	}
	return p, nil
}

func datasetList() string {
	var names []string
	for _, s := range schemas {
		names = append(names, s.dataset+"（"+s.title+"）")
	}
	return strings.Join(names, "、")
}

// run reads the header and then every row.
func (p *parser) run() error {
	head, err := p.readHead()
	if err != nil {
		return err
	}
	if p.stopped && len(head) == 0 {
		return nil
	}
	h, rest, ok := p.readHeader(head)
	if !ok {
		if p.xlsx != nil {
			if is, found := p.xlsx.otherSheetsIssue(); found {
				p.issue(is)
			}
		}
		return nil
	}

	if p.xlsx != nil {
		if is, found := p.xlsx.sameDatasetIssue(p.schema); found {
			p.issue(is)
		}
		if p.opts.Unit != "" && officeOnly[p.schema.dataset] {
			p.unitSheets = p.xlsx.unitSheets()
		}
	}

	p.startRows()
	for _, rec := range rest {
		if more, err := p.readRow(rec, h); !more || err != nil {
			return err
		}
	}
	for {
		rec, err := p.nextRecord()
		if err == io.EOF {
			break
		} else if err != nil {
			return err
		}
		if more, err := p.readRow(rec, h); !more || err != nil {
			return err
		}
	}
	if p.stopped {
		return nil
	}
	if p.rows == 0 && p.example > 0 && p.exampleByCell && !p.exampleUnchanged {
		// The row may already hold real data. Only the mark cell marks it
		// as the example, and the mark cannot show whether it was edited.
		p.issue(Issue{Row: p.example, Reason: "带有下载模板中示例行的标记“" + exampleCellText + "”，未导入，文件中没有其他数据",
			Fix: "请在示例行下方填写实际数据；如果这一行已改成实际数据，请清空这一行最后一格的示例标记，然后重新上传"})
		return nil
	}
	if p.rows == 0 && p.example > 0 {
		unchanged := ""
		if p.exampleUnchanged {
			unchanged = "，内容没有改动"
		}
		p.issue(Issue{Row: h.last, Reason: fmt.Sprintf("之后只有下载模板中的示例行（第%d行%s），没有实际数据", p.example, unchanged),
			Fix: "请把示例行改成实际数据，或在它下方填写实际数据，然后重新上传"})
		return nil
	}
	if p.rows == 0 {
		p.issue(Issue{Row: h.last, Reason: "之后没有数据，文件只有表头", Fix: "请填写数据后重新上传"})
		return nil
	}
	p.hiddenRowsIssue()
	return p.flush(true)
}

// maxHiddenRows is the number of hidden rows that hiddenRowsIssue names.
const maxHiddenRows = 10

// noteHidden records that data row n is hidden in its sheet.
func (p *parser) noteHidden(n int) {
	p.hiddenCount++
	if len(p.hiddenRows) < maxHiddenRows {
		p.hiddenRows = append(p.hiddenRows, n)
	}
}

// hiddenRowsIssue warns once, on the first of them, that data rows hidden
// in the sheet were imported. A clerk who filters a sheet down to some
// rows, or hides finished projects, is shown only the rest. The file
// holds every row and saima reads them all, so the warning names the
// rows the clerk could not see.
func (p *parser) hiddenRowsIssue() {
	if p.hiddenCount == 0 {
		return
	}
	rows := make([]string, len(p.hiddenRows))
	for i, n := range p.hiddenRows {
		rows[i] = strconv.Itoa(n)
	}
	list := strings.Join(rows, "、")
	if p.hiddenCount > len(p.hiddenRows) {
		list += "等"
	}
	p.issue(Issue{Row: p.hiddenRows[0],
		Reason: fmt.Sprintf("在表格中是隐藏的（隐藏或筛选掉的行），仍作为数据导入；本工作表共有%d个隐藏的数据行：第%s行",
			p.hiddenCount, list),
		Fix:      "如果这些行不应上传，请删除这些行后重新上传；筛选只改变显示，不会去掉文件中的行",
		Severity: SeverityWarning})
}

// nextRecord returns the next record of the source. A record that breaks
// CSV quoting comes back with its error in record.err, so that it is
// reported as a row issue. Other errors end the file.
func (p *parser) nextRecord() (record, error) {
	if p.stopped {
		return record{}, io.EOF
	}
	rec, err := p.src.next()
	if _, quoting := errors.AsType[*csv.ParseError](err); quoting {
		rec.err = err
		return rec, nil
	}
	if bad, ok := errors.AsType[*invalidUTF8Error](err); ok {
		p.issue(bad.issue())
		p.stopped = true
		return record{}, io.EOF
	}
	return rec, err
}

// readHead buffers the rows that may hold the header, and one more for the
// lower row of a two-row header.
func (p *parser) readHead() ([]record, error) {
	var head []record
	for len(head) < headerSearchRows+1 {
		rec, err := p.nextRecord()
		if err == io.EOF {
			break
		} else if err != nil {
			return nil, err
		}
		rec.cells = slices.Clone(rec.cells)
		head = append(head, rec)
	}
	return head, nil
}

// readHeader finds and maps the header and returns the buffered rows after
// it. It reports false when the file cannot be read past its header.
func (p *parser) readHeader(head []record) (*header, []record, bool) {
	c, found := chooseHeader(head, p.schema)
	if !found {
		reason, fix := "文件中没有任何内容", "请检查是否选错了文件"
		if p.sheet != "" {
			// Issue.String puts 工作表“…” before the reason.
			reason, fix = "中没有任何内容", "请检查是否选错了文件或工作表"
		}
		p.issue(Issue{Reason: reason, Fix: fix})
		return nil, nil, false
	}
	first, last := head[c.index].row, head[c.index+c.rows-1].row
	// A workbook's cells are never split on commas, so only a text file's
	// header can be one field of full-width commas.
	if text, ok := fullWidthRow(head[c.index].cells); ok && p.src.separator() != 0 {
		p.issue(Issue{Row: first, Value: text, Reason: "的表头用中文逗号“，”分隔各列，无法分列",
			Fix: "请改用英文逗号“,”分隔，或改为上传xlsx文件"})
		return nil, nil, false
	}
	if text, ok := semicolonRow(head[c.index].cells); ok && p.src.separator() != 0 {
		p.issue(Issue{Row: first, Value: text, Reason: "的表头用分号“;”分隔各列，系统只能读取逗号或制表符分隔的文件",
			Fix: "请在Excel中把文件另存为“CSV UTF-8（逗号分隔）”后重新上传，或改为上传xlsx文件"})
		return nil, nil, false
	}
	if p.schema == nil {
		s, prob := detectSchema(c)
		if prob != nil {
			prob = cmp.Or(p.encodingProblem(first, c), prob)
		}
		if prob != nil {
			p.issue(Issue{Row: first, Reason: prob.reason, Fix: prob.fix})
			return nil, nil, false
		}
		p.schema = s
	} else if _, total := c.match(p.schema); total == 0 {
		// Not one column of the chosen dataset: a text misread in another
		// encoding shows nothing but mojibake, so the error names the
		// encoding rather than every column as missing.
		if prob := p.encodingProblem(first, c); prob != nil {
			p.issue(Issue{Row: first, Reason: prob.reason, Fix: prob.fix})
			return nil, nil, false
		}
	}
	h, ok := p.mapHeader(c, p.schema, first, last)
	p.rejectForbiddenHeader(head[c.index:c.index+c.rows], h)
	p.columns = h.names[:h.width]
	return h, head[c.index+c.rows:], ok
}

// encodingProblem returns why header c, on row first, may have been read
// in the wrong encoding, or nil when nothing points to that: text that
// looks like UTF-16, an encoding the uploader chose, or bytes the decoder
// could not read.
func (p *parser) encodingProblem(first int, c headerCandidate) *problem {
	switch {
	case p.csv != nil && p.csv.utf16 != "":
		is := utf16Issue(first, p.csv.utf16)
		return &problem{reason: "的表头" + is.Reason, fix: is.Fix}
	case p.opts.Encoding != "" && p.src.separator() != 0:
		// The uploader chose the encoding, so that choice is the first
		// suspect, whatever the header looks like.
		return &problem{
			reason: fmt.Sprintf("的表头无法识别（按上传时选择的编码“%s”读出的列为：%s），文件可能不是这种编码",
				p.opts.Encoding, listNames(c.names)),
			fix: "请把编码留空让系统自动识别，或选择文件实际的编码，然后重新上传",
		}
	case slices.ContainsFunc(c.names, func(n string) bool { return strings.ContainsRune(n, utf8.RuneError) }):
		return &problem{
			reason: fmt.Sprintf("的表头含有无法识别的字符（表头中的列为：%s），文件的编码可能不是UTF-8、GBK或GB18030，例如繁体的Big5",
				listNames(c.names)),
			fix: "请在Excel中把文件另存为“CSV UTF-8（逗号分隔）”后重新上传，或改为上传xlsx文件",
		}
	}
	return nil
}

// readRow checks the shape of one row and hands it to the builder. It
// reports false when reading must stop, and returns the error of a chunk
// that could not be handed on.
func (p *parser) readRow(rec record, h *header) (bool, error) {
	if rec.err != nil {
		if !p.countRow() {
			return false, nil
		}
		p.issue(Issue{Row: rec.row, Reason: "的英文双引号不成对，无法分列",
			Fix: "请把含有双引号或逗号的内容整体放在一对英文双引号中，内容里的双引号写成两个，或改为上传xlsx文件"})
		return true, nil
	}
	if blank(rec.cells) && len(rec.formulas) == 0 {
		return true, nil
	}
	if rec.example {
		p.skipUnchangedExample(rec.row)
		return true, nil
	}
	if p.skipTotalRow(rec, h) || p.skipFooterRow(rec, h) || p.skipHintRow(rec, h) {
		return true, nil
	}
	var markLeft *Issue
	if mark := exampleCell(rec.cells); mark >= 0 {
		if p.skipMarkedExample(rec, h, mark) {
			return true, nil
		}
		markLeft = exampleMarkLeft(rec.row, mark)
	}
	if !p.countRow() {
		return false, nil
	}
	if rec.hidden {
		p.noteHidden(rec.row)
	}
	if markLeft != nil {
		p.issue(*markLeft)
	}
	if p.uncomputedFormulas(rec, h) || p.formulaErrors(rec, h) || p.longNumberCodes(rec, h) ||
		p.formattedCodes(rec, h) {
		return true, nil
	}
	if p.src.hasReplacement() && containsReplacement(rec.cells) {
		fix := "请把文件另存为“CSV UTF-8”格式后重新上传"
		if p.csv != nil && p.csv.forced {
			fix = "上传时选择了编码“" + p.opts.Encoding + "”，请把编码留空让系统自动识别，或把文件另存为“CSV UTF-8”格式，然后重新上传"
		}
		p.issue(Issue{Row: rec.row, Reason: "含有无法识别的字符，文件可能不是GBK或GB18030编码", Fix: fix})
		return true, nil
	}
	if p.checkShape(rec, h) {
		return true, p.addRow(p.newRow(rec, h))
	}
	return true, nil
}

// uncomputedFormulas records an error for each cell of rec, in a column
// the dataset reads, whose formula has no stored result, and reports
// whether there was one. saima reads the results that the spreadsheet
// program stored and does not compute formulas, so the value is unknown.
func (p *parser) uncomputedFormulas(rec record, h *header) bool {
	found := false
	for _, f := range rec.formulas {
		if f.column >= len(h.columns) || h.columns[f.column] == nil {
			continue
		}
		found = true
		value := "=" + f.formula
		if f.formula == "" {
			value = "（共享公式）" // a cell that shares the formula of another
		}
		p.issue(Issue{Row: rec.row, Column: h.names[f.column], Value: value,
			Reason: "是公式，但文件中没有保存公式的计算结果（文件可能不是用Excel或WPS保存的）",
			Fix:    "请用Excel或WPS打开文件、保存后重新上传，或把这一格的公式改为直接填写的内容"})
	}
	return found
}

// longNumberCodes records an error for each code cell of rec that was a
// number of 16 or more integer digits, and reports whether there was one.
// Numbers in other columns are checked as numbers, where so many digits
// are too large anyway.
func (p *parser) longNumberCodes(rec record, h *header) bool {
	found := false
	for _, i := range rec.longNumbers {
		if i >= len(h.columns) || h.columns[i] == nil || h.columns[i].kind != kindCode {
			continue
		}
		found = true
		p.issue(Issue{Row: rec.row, Column: h.names[i], Value: rec.cells[i],
			Reason: "是以数字保存的编号，超过15位的数字表格只保留前15位有效数字，后面几位已经丢失",
			Fix:    "请先把这一列的单元格设为文本格式，再重新输入完整的编号，然后重新上传"})
	}
	return found
}

// formulaErrorRE matches the values that spreadsheet programs show for a
// formula that failed: Excel's and WPS's #N/A, #DIV/0!, #REF! and the
// rest, which an XLSX stores as error cells and CSV writes as text, and
// LibreOffice's Err:502 and the like, which its CSV export writes. The
// list is Excel's whole set of error values, #TIMEOUT! and #EXTERNAL!
// included.
var formulaErrorRE = regexp.MustCompile(`(?i)^(?:#(?:NULL!|DIV/0!|VALUE!|REF!|NAME\?|NUM!|N/A|GETTING_DATA|SPILL!|CALC!|FIELD!|BLOCKED!|UNKNOWN!|CONNECT!|BUSY!|PYTHON!|TIMEOUT!|EXTERNAL!)|ERR:\d{3})$`)

// formulaErrors records an error for each cell of rec, in a column the
// dataset reads, whose value is a formula's error value, and reports
// whether there was one. Read as text, #N/A would become a project's name
// or its progress without a word.
func (p *parser) formulaErrors(rec record, h *header) bool {
	found := false
	for i, cell := range rec.cells {
		if i >= len(h.columns) || h.columns[i] == nil || !isFormulaError(cell) {
			continue
		}
		found = true
		p.issue(Issue{Row: rec.row, Column: h.names[i], Value: trimText(cell),
			Reason: formulaErrorReason, Fix: formulaErrorFix})
	}
	return found
}

// The reason and fix of an error on a formula's error value.
const (
	formulaErrorReason = "是公式出错时显示的错误值，不是要填写的内容"
	formulaErrorFix    = "请检查这一格的公式（例如查找不到对应的值、除数为0或引用的单元格已删除），改正后重新上传；也可以直接填写内容，没有内容请留空"
)

// isFormulaError reports whether cell, trimmed, is a formula's error
// value such as #N/A. A value in full-width forms, wholly or in part, is
// one after NFKC. A clerk who retypes the shown value with a Chinese
// input method writes #VALUE！, ＃Ｎ／Ａ or Err：502, and it then gets
// this error, not 不是数字.
func isFormulaError(cell string) bool {
	cell = trimText(cell)
	for _, prefix := range []string{"#", "E", "e", "＃", "Ｅ", "ｅ"} {
		if strings.HasPrefix(cell, prefix) {
			cell = normalize(cell)
			break
		}
	}
	if len(cell) < 4 || (cell[0] != '#' && cell[0] != 'E' && cell[0] != 'e') {
		return false
	}
	return formulaErrorRE.MatchString(cell)
}

// skipExample leaves out the template's example row, whose warning is w.
func (p *parser) skipExample(w Issue) {
	p.example = w.Row
	if p.rows > 0 {
		p.issue(w)
		return
	}
	p.exampleWarnings = append(p.exampleWarnings, w)
}

// countRow counts a data row and reports false when it is beyond
// Options.MaxRows, which ends reading with an error.
func (p *parser) countRow() bool {
	for _, w := range p.exampleWarnings {
		p.issue(w)
	}
	p.exampleWarnings = nil
	p.rows++
	if p.opts.MaxRows > 0 && p.rows > p.opts.MaxRows {
		p.issue(Issue{Reason: fmt.Sprintf("的数据超过%d行的上限", p.opts.MaxRows),
			Fix: "请把文件拆分后分批上传"})
		return false
	}
	if p.rows%progressInterval == 0 {
		p.reportProgress()
	}
	return true
}

func (p *parser) reportProgress() {
	if p.opts.Progress != nil {
		p.opts.Progress(p.rows, p.issues.errorCount())
	}
}

// issue records i with the file and worksheet filled in.
func (p *parser) issue(i Issue) {
	i.File, i.Sheet = p.opts.FileName, p.sheet
	p.issues.add(i)
}

func (p *parser) result() *Result {
	p.issues.sort()
	r := &Result{
		Sheet:           p.sheet,
		Columns:         p.columns,
		Batch:           p.batch,
		Rows:            p.rows,
		Errors:          p.issues.errors,
		Warnings:        p.issues.warnings,
		ErrorsOmitted:   p.issues.errorsOmitted,
		WarningsOmitted: p.issues.warningsOmitted,
		NotOwn:          p.notOwn.rows,
		OtherUnits:      p.notOwn.units,
		NamingOther:     p.notOwn.naming,
		NamedUnits:      p.notOwn.named,
		TouchingOther:   p.notOwn.touching,
		RecordOwners:    p.notOwn.owners,
		goodBatch:       p.goodBatch,
		gaps:            p.gaps,
		unitSheets:      p.unitSheets,
	}
	if p.schema != nil {
		r.Dataset = p.schema.dataset
	}
	return r
}

// blank reports whether every cell is empty or whitespace.
func blank(cells []string) bool {
	for _, c := range cells {
		if trimText(c) != "" {
			return false
		}
	}
	return true
}

func containsReplacement(cells []string) bool {
	for _, c := range cells {
		if strings.ContainsRune(c, '\uFFFD') {
			return true
		}
	}
	return false
}

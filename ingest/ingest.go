package ingest

import (
	"bufio"
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"strings"
	"time"

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

	// Roster is the unit list that unit names are resolved against. It is
	// not used for the units dataset itself.
	Roster []saima.Unit

	// Today is the upload day in Beijing. A date of something already
	// done (实际完成日期, 填报日期, 发现日期 and the like) after it is an
	// error. The zero Date means today.
	Today saima.Date

	// MaxErrors caps how many errors and how many warnings are listed;
	// the ones beyond are only counted. 0 means DefaultMaxErrors.
	MaxErrors int

	// MaxRows caps the data rows read. A longer file is rejected with one
	// error. 0 means no limit.
	MaxRows int
}

// Result contains the records and issues that Parse read from a file. The
// file may be imported only when it has no errors; see [Result.OK].
type Result struct {
	Dataset string // the dataset, given or detected; "" when it could not be detected
	Sheet   string // the worksheet read, for XLSX files

	// Columns is the header as read, one name per column up to the last
	// named one, and "" for an unnamed column.
	Columns []string

	Batch saima.Batch // the records, later rows replacing earlier rows of the same key; Upload is zero
	Rows  int         // data rows read, not counting the header, title rows and blank rows

	Errors          []Issue // in row order, at most MaxErrors
	Warnings        []Issue // in row order, at most MaxErrors
	ErrorsOmitted   int     // errors found beyond MaxErrors
	WarningsOmitted int     // warnings found beyond MaxErrors
}

// OK reports whether r has no errors, listed or omitted.
func (r *Result) OK() bool { return len(r.Errors) == 0 && r.ErrorsOmitted == 0 }

// Parse reads an uploaded file: an XLSX workbook (recognised by its zip
// signature) or CSV or tab-separated text in UTF-8, GB18030 or UTF-16. It
// maps the header to the dataset's columns, normalises and validates every
// row, and returns the records with every issue found.
//
// Row problems never make Parse fail: they are listed in Result.Errors.
// A non-nil error means the file could not be read at all: a damaged
// workbook, an unknown worksheet or encoding, or invalid UTF-8 after a
// valid start. It is a *saima.Error of kind KindInvalid with a Chinese
// message. Only a failing reader returns its own error, wrapped.
//
// Parse reads r once and streams text files; an XLSX workbook is held in
// memory, as the zip format requires.
func Parse(r io.Reader, opts Options) (*Result, error) {
	p, err := newParser(opts)
	if err != nil {
		return nil, err
	}
	if p.src, err = openSource(r, opts); err != nil {
		return nil, err
	}
	if err := p.run(); err != nil {
		return nil, err
	}
	return p.result(), nil
}

// zipMagic starts every XLSX file.
var zipMagic = []byte("PK\x03\x04")

func openSource(r io.Reader, opts Options) (source, error) {
	br := bufio.NewReaderSize(r, sniffSize)
	magic, err := br.Peek(len(zipMagic))
	if err != nil && err != io.EOF {
		return nil, fmt.Errorf("read upload: %w", err)
	}
	if bytes.Equal(magic, zipMagic) {
		return newXLSXSource(br, opts.Sheet)
	}
	return newCSVSource(br, opts.Encoding)
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
}

// parser is the state of one Parse call.
type parser struct {
	opts    Options
	src     source
	schema  *schema
	roster  *roster
	today   saima.Date
	issues  issueList
	display map[string]string // column name -> header as issues show it
	batch   saima.Batch
	rows    int
	unnamed map[int]bool // unnamed columns already reported as containing data
	columns []string     // the header as read
}

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
	h, rest, ok := p.readHeader(head)
	if !ok {
		return nil
	}

	b := p.schema.newBuilder()
	for _, rec := range rest {
		if !p.readRow(rec, h, b) {
			return nil
		}
	}
	for {
		rec, err := p.nextRecord()
		if err == io.EOF {
			break
		} else if err != nil {
			return err
		}
		if !p.readRow(rec, h, b) {
			return nil
		}
	}
	if p.rows == 0 {
		p.issue(Issue{Row: h.last, Reason: "之后没有数据，文件只有表头", Fix: "请填写数据后重新上传"})
		return nil
	}
	b.finish(p)
	b.fill(&p.batch)
	return nil
}

// nextRecord returns the next record of the source. A record that breaks
// CSV quoting comes back with its error in record.err, so that it is
// reported as a row issue. Other errors end the file.
func (p *parser) nextRecord() (record, error) {
	rec, err := p.src.next()
	if _, quoting := errors.AsType[*csv.ParseError](err); quoting {
		rec.err = err
		return rec, nil
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
		head = append(head, rec)
	}
	return head, nil
}

// readHeader finds and maps the header and returns the buffered rows after
// it. It reports false when the file cannot be read past its header.
func (p *parser) readHeader(head []record) (*header, []record, bool) {
	c, found := chooseHeader(head, p.schema)
	if !found {
		p.issue(Issue{Reason: "文件中没有任何内容", Fix: "请检查是否选错了文件"})
		return nil, nil, false
	}
	first, last := head[c.index].row, head[c.index+c.rows-1].row
	if text, ok := fullWidthRow(head[c.index].cells); ok {
		p.issue(Issue{Row: first, Value: text, Reason: "的表头用中文逗号“，”分隔各列，无法分列",
			Fix: "请改用英文逗号“,”分隔，或改为上传xlsx文件"})
		return nil, nil, false
	}
	if p.schema == nil {
		s, prob := detectSchema(c)
		if prob != nil {
			p.issue(Issue{Row: first, Reason: prob.reason, Fix: prob.fix})
			return nil, nil, false
		}
		p.schema = s
	}
	h, ok := p.mapHeader(c, p.schema, first, last)
	p.columns = h.names[:h.width]
	return h, head[c.index+c.rows:], ok
}

// readRow checks the shape of one row and hands it to the builder. It
// reports false when reading must stop.
func (p *parser) readRow(rec record, h *header, b builder) bool {
	if rec.err != nil {
		p.rows++
		p.issue(Issue{Row: rec.row, Reason: "的英文双引号不成对，无法分列",
			Fix: "请把含有双引号或逗号的内容整体放在一对英文双引号中，内容里的双引号写成两个，或改为上传xlsx文件"})
		return true
	}
	if blank(rec.cells) {
		return true
	}
	p.rows++
	if p.opts.MaxRows > 0 && p.rows > p.opts.MaxRows {
		p.issue(Issue{Reason: fmt.Sprintf("的数据超过%d行的上限", p.opts.MaxRows),
			Fix: "请把文件拆分后分批上传"})
		return false
	}
	if p.src.hasReplacement() && containsReplacement(rec.cells) {
		p.issue(Issue{Row: rec.row, Reason: "含有无法识别的字符，文件可能不是GBK或GB18030编码",
			Fix: "请把文件另存为“CSV UTF-8”格式后重新上传"})
		return true
	}
	if p.checkShape(rec, h) {
		b.add(p.newRow(rec, h))
	}
	return true
}

// issue records i with the file and worksheet filled in.
func (p *parser) issue(i Issue) {
	i.File, i.Sheet = p.opts.FileName, p.src.sheet()
	p.issues.add(i)
}

func (p *parser) result() *Result {
	p.issues.sort()
	r := &Result{
		Sheet:           p.src.sheet(),
		Columns:         p.columns,
		Batch:           p.batch,
		Rows:            p.rows,
		Errors:          p.issues.errors,
		Warnings:        p.issues.warnings,
		ErrorsOmitted:   p.issues.errorsOmitted,
		WarningsOmitted: p.issues.warningsOmitted,
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

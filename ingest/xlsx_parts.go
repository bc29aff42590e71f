package ingest

import (
	"archive/zip"
	"bytes"
	"cmp"
	"encoding/xml"
	"fmt"
	"io"
	"io/fs"
	"math"
	"path"
	"regexp"
	"strconv"
	"strings"
)

// xlsxBook is the part of a workbook that reading a worksheet needs: the
// part name of each sheet, the shared strings, the number format of each
// cell style and the date system. Parts are read straight from the
// zip, each inflated only as far as its stated size.
type xlsxBook struct {
	files    map[string]*zip.File // by part name in lower case, as OOXML part names ignore case
	sheets   []xlsxSheet
	date1904 bool
	names    []definedName  // the workbook's defined names
	strings  []string       // the shared string table
	formats  []numberFormat // by cell style index
}

// xlsxSheet is one worksheet as the workbook lists it.
type xlsxSheet struct {
	name    string
	part    string // part name, such as xl/worksheets/sheet1.xml
	visible bool
}

// definedName is a name the workbook defines, such as a print area.
type definedName struct {
	name     string
	refersTo string // a formula such as '进度填报'!$A$2:$H$2
}

// openBook reads the workbook, its relationships, styles and shared
// strings from zr.
func openBook(zr *zip.Reader) (*xlsxBook, error) {
	b := &xlsxBook{files: map[string]*zip.File{}}
	for _, f := range zr.File {
		b.files[strings.ToLower(strings.ReplaceAll(f.Name, `\`, "/"))] = f
	}

	main := "xl/workbook.xml"
	if rels, err := b.readRels("_rels/.rels", ""); err == nil {
		if target := rels.byType("/officeDocument"); target != "" {
			main = target
		}
	}
	if err := b.readWorkbook(main); err != nil {
		return nil, err
	}
	dir := path.Dir(main)
	rels, err := b.readRels(path.Join(dir, "_rels", path.Base(main)+".rels"), dir)
	if err != nil {
		return nil, err
	}
	for i := range b.sheets {
		b.sheets[i].part = rels.byID[b.sheets[i].part]
	}
	if err := b.readStyles(cmp.Or(rels.byType("/styles"), path.Join(dir, "styles.xml"))); err != nil {
		return nil, err
	}
	return b, b.readSharedStrings(cmp.Or(rels.byType("/sharedStrings"), path.Join(dir, "sharedStrings.xml")))
}

// open returns a reader of the named part that stops one byte after the
// part's stated uncompressed size, so that the sizes checked before
// opening hold. That byte lets archive/zip see the end of the part, check
// its CRC-32 and reject a part longer than stated.
func (b *xlsxBook) open(name string) (io.ReadCloser, error) {
	f := b.files[strings.ToLower(name)]
	if f == nil {
		return nil, fmt.Errorf("part %s: %w", name, fs.ErrNotExist)
	}
	rc, err := f.Open()
	if err != nil {
		return nil, fmt.Errorf("open part %s: %w", name, err)
	}
	return struct {
		io.Reader
		io.Closer
	}{io.LimitReader(rc, int64(f.UncompressedSize64)+1), rc}, nil
}

// decodePart unmarshals the named part into v.
func (b *xlsxBook) decodePart(name string, v any) error {
	rc, err := b.open(name)
	if err != nil {
		return err
	}
	defer rc.Close()
	if err := xml.NewDecoder(rc).Decode(v); err != nil {
		return fmt.Errorf("decode part %s: %w", name, err)
	}
	return nil
}

// relationships are the targets of one .rels part.
type relationships struct {
	byID   map[string]string // relationship id -> part name
	byKind map[string]string // type, such as …/styles -> part name
}

// byType returns the part of the first relationship whose type ends with
// suffix, or "".
func (r relationships) byType(suffix string) string {
	for kind, target := range r.byKind {
		if strings.HasSuffix(kind, suffix) {
			return target
		}
	}
	return ""
}

// readRels reads a .rels part; targets are relative to dir.
func (b *xlsxBook) readRels(name, dir string) (relationships, error) {
	var doc struct {
		Rels []struct {
			ID     string `xml:"Id,attr"`
			Type   string `xml:"Type,attr"`
			Target string `xml:"Target,attr"`
		} `xml:"Relationship"`
	}
	rels := relationships{byID: map[string]string{}, byKind: map[string]string{}}
	if err := b.decodePart(name, &doc); err != nil {
		return rels, err
	}
	for _, r := range doc.Rels {
		target := strings.TrimPrefix(r.Target, "/")
		if !strings.HasPrefix(r.Target, "/") {
			target = path.Join(dir, r.Target)
		}
		rels.byID[r.ID] = target
		if _, ok := rels.byKind[r.Type]; !ok {
			rels.byKind[r.Type] = target
		}
	}
	return rels, nil
}

// readWorkbook reads the sheet list and the date system. Until the
// workbook's relationships are read, each sheet's part holds its
// relationship id.
func (b *xlsxBook) readWorkbook(name string) error {
	var doc struct {
		Pr struct {
			Date1904 string `xml:"date1904,attr"`
		} `xml:"workbookPr"`
		Sheets []struct {
			Name  string     `xml:"name,attr"`
			State string     `xml:"state,attr"`
			Attrs []xml.Attr `xml:",any,attr"`
		} `xml:"sheets>sheet"`
		Names []struct {
			Name     string `xml:"name,attr"`
			RefersTo string `xml:",chardata"`
		} `xml:"definedNames>definedName"`
	}
	if err := b.decodePart(name, &doc); err != nil {
		return err
	}
	b.date1904 = doc.Pr.Date1904 == "1" || doc.Pr.Date1904 == "true"
	for _, s := range doc.Sheets {
		sheet := xlsxSheet{name: s.Name, visible: s.State != "hidden" && s.State != "veryHidden"}
		for _, a := range s.Attrs {
			// r:id, whatever prefix and relationships namespace the writer used
			if a.Name.Local == "id" && a.Name.Space != "" {
				sheet.part = a.Value
			}
		}
		b.sheets = append(b.sheets, sheet)
	}
	for _, n := range doc.Names {
		b.names = append(b.names, definedName{name: n.Name, refersTo: strings.TrimSpace(n.RefersTo)})
	}
	return nil
}

// readStyles reads the number format of each cell style. A workbook
// without a styles part formats every number as General.
func (b *xlsxBook) readStyles(name string) error {
	var doc struct {
		NumFmts []struct {
			ID   int    `xml:"numFmtId,attr"`
			Code string `xml:"formatCode,attr"`
		} `xml:"numFmts>numFmt"`
		Xfs []struct {
			NumFmtID int `xml:"numFmtId,attr"`
		} `xml:"cellXfs>xf"`
	}
	if _, ok := b.files[strings.ToLower(name)]; !ok {
		return nil
	}
	if err := b.decodePart(name, &doc); err != nil {
		return err
	}
	custom := map[int]string{}
	for _, f := range doc.NumFmts {
		custom[f.ID] = f.Code
	}
	for _, xf := range doc.Xfs {
		nf := builtinFormat(xf.NumFmtID)
		if code, ok := custom[xf.NumFmtID]; ok {
			nf = parseFormatCode(code)
		}
		b.formats = append(b.formats, nf)
	}
	return nil
}

// readSharedStrings reads the shared string table, joining the runs of
// rich text and leaving out phonetic guides. A workbook without one has
// only inline strings.
func (b *xlsxBook) readSharedStrings(name string) error {
	if _, ok := b.files[strings.ToLower(name)]; !ok {
		return nil
	}
	rc, err := b.open(name)
	if err != nil {
		return err
	}
	defer rc.Close()

	dec := xml.NewDecoder(rc)
	var text []byte
	inText, phonetic := false, 0
	for {
		tok, err := dec.RawToken()
		if err == io.EOF {
			return nil
		} else if err != nil {
			return fmt.Errorf("read shared strings: %w", err)
		}
		switch t := tok.(type) {
		case xml.StartElement:
			switch t.Name.Local {
			case "si":
				text = text[:0]
			case "rPh":
				phonetic++
			case "t":
				inText = phonetic == 0
			}
		case xml.EndElement:
			switch t.Name.Local {
			case "si":
				b.strings = append(b.strings, unescapeXString(string(text)))
			case "rPh":
				phonetic--
			case "t":
				inText = false
			}
		case xml.CharData:
			if inText {
				text = append(text, t...)
			}
		}
	}
}

// xstringEscape matches the _xHHHH_ escapes with which OOXML writes
// characters that XML cannot hold, such as _x000D_ for a carriage return.
var xstringEscape = regexp.MustCompile(`_x[0-9A-Fa-f]{4}_`)

// unescapeXString replaces the _xHHHH_ escapes in s with their characters.
// _x005F_ escapes the underscore, so _x005F_x000D_ stays _x000D_.
func unescapeXString(s string) string {
	if !strings.Contains(s, "_x") {
		return s
	}
	var b strings.Builder
	for {
		loc := xstringEscape.FindStringIndex(s)
		if loc == nil {
			b.WriteString(s)
			return b.String()
		}
		b.WriteString(s[:loc[0]])
		code, _ := strconv.ParseUint(s[loc[0]+2:loc[0]+6], 16, 16)
		b.WriteRune(rune(code))
		s = s[loc[1]:]
	}
}

// sheetRows reads the <row> elements of a worksheet's sheetData in order.
type sheetRows struct {
	book *xlsxBook
	dec  *xml.Decoder
	rc   io.Closer
	last int // number of the last row read
}

func (b *xlsxBook) openRows(part string) (*sheetRows, error) {
	rc, err := b.open(part)
	if err != nil {
		return nil, err
	}
	return &sheetRows{book: b, dec: xml.NewDecoder(rc), rc: rc}, nil
}

func (s *sheetRows) close() error { return s.rc.Close() }

// next returns the number and cells of the next row, or io.EOF after the
// last. A row holds its cells up to its last non-empty one, with "" for
// the empty ones before it. A part that ends before its sheetData does is
// an error, because it was cut short.
func (s *sheetRows) next() (sheetRow, error) {
	for {
		tok, err := s.token()
		if err != nil {
			return sheetRow{}, err
		}
		switch t := tok.(type) {
		case xml.StartElement:
			if t.Name.Local == "row" {
				s.last = attrInt(t, "r", s.last+1)
				hidden := attr(t, "hidden")
				row, err := s.readRow()
				row.n, row.hidden = s.last, hidden == "1" || hidden == "true"
				return row, err
			}
		case xml.EndElement:
			if t.Name.Local == "sheetData" {
				return sheetRow{}, io.EOF
			}
		}
	}
}

// token returns the next token; the end of the part comes back as
// io.ErrUnexpectedEOF, because only </sheetData> ends the rows.
func (s *sheetRows) token() (xml.Token, error) {
	tok, err := s.dec.RawToken()
	if err == io.EOF {
		return nil, fmt.Errorf("worksheet ends before </sheetData>: %w", io.ErrUnexpectedEOF)
	}
	return tok, err
}

// readRow reads the cells of the row whose start tag was just read.
func (s *sheetRows) readRow() (sheetRow, error) {
	var row sheetRow
	col := 0
	for {
		tok, err := s.token()
		if err != nil {
			return sheetRow{}, err
		}
		switch t := tok.(type) {
		case xml.StartElement:
			if t.Name.Local != "c" {
				continue
			}
			col = cellColumn(attr(t, "r"), col+1)
			if col > maxXLSXColumns {
				return sheetRow{}, &columnLimitError{ref: attr(t, "r")}
			}
			c, err := s.readCell(attr(t, "t"), attrInt(t, "s", 0))
			if err != nil {
				return sheetRow{}, err
			}
			if c.uncomputed {
				row.formulas = append(row.formulas, uncomputedFormula{column: col - 1, formula: c.formula})
			}
			if c.long {
				row.longNumbers = append(row.longNumbers, col-1)
			}
			if c.isCode {
				c.code.column = col - 1
				row.formattedCodes = append(row.formattedCodes, c.code)
			}
			if c.text != "" {
				// NOTE: a row is dense up to its last cell, so a sheet with a
				// cell at column XFD in each of 20 000 rows (113 KB zipped)
				// took 227 seconds and 3.8 GB. Reading far cells sparsely
				// would bound this.
				for len(row.cells) < col {
					row.cells = append(row.cells, "")
				}
				row.cells[col-1] = c.text
			}
		case xml.EndElement:
			if t.Name.Local == "row" {
				return row, nil
			}
		}
	}
}

// cellRead is one cell as readCell found it.
type cellRead struct {
	text       string
	formula    string // the formula, when the cell has one
	uncomputed bool   // the cell has a formula but no stored result
	long       bool   // a plain number of 16 or more integer digits

	code   formattedCode // the number under a code format, when isCode
	isCode bool
}

// readCell reads the value of the cell whose start tag was just read and
// returns it as text; see xlsxSource for how each type reads.
func (s *sheetRows) readCell(typ string, style int) (cellRead, error) {
	var value, inline, formula []byte
	in, inlineStr, phonetic := "", false, 0
	hasFormula, hasValue := false, false
	for {
		tok, err := s.token()
		if err != nil {
			return cellRead{}, err
		}
		switch t := tok.(type) {
		case xml.StartElement:
			switch t.Name.Local {
			case "f":
				in, hasFormula = "f", true
			case "v":
				in, hasValue = "v", true
			case "is":
				inlineStr = true
			case "rPh":
				phonetic++
			case "t":
				if inlineStr && phonetic == 0 {
					in = "t"
				}
			}
		case xml.EndElement:
			switch t.Name.Local {
			case "c":
				c := cellRead{text: s.cellText(typ, style, string(value), string(inline)),
					formula: string(formula), uncomputed: hasFormula && !hasValue,
					long: s.longNumber(typ, style, string(value))}
				if (typ == "" || typ == "n") && style >= 0 && style < len(s.book.formats) {
					c.code, c.isCode = formatCode(string(value), s.book.formats[style])
				}
				return c, nil
			case "f", "v", "t":
				in = ""
			case "rPh":
				phonetic--
			}
		case xml.CharData:
			switch in {
			case "f":
				formula = append(formula, t...)
			case "v":
				value = append(value, t...)
			case "t":
				inline = append(inline, t...)
			}
		}
	}
}

// cellText converts a cell's stored value into text by its type.
func (s *sheetRows) cellText(typ string, style int, value, inline string) string {
	switch typ {
	case "s":
		i, err := strconv.Atoi(strings.TrimSpace(value))
		if err != nil || i < 0 || i >= len(s.book.strings) {
			return ""
		}
		return s.book.strings[i]
	case "inlineStr":
		return unescapeXString(inline)
	case "str", "e":
		return unescapeXString(value)
	case "b":
		switch strings.TrimSpace(value) {
		case "":
			return ""
		case "1", "true":
			return "TRUE"
		}
		return "FALSE"
	case "d":
		// An ISO 8601 date cell; its time of day is Beijing time and dropped.
		day, _, _ := strings.Cut(value, "T")
		return day
	}
	if value == "" {
		return ""
	}
	var nf numberFormat
	if style >= 0 && style < len(s.book.formats) {
		nf = s.book.formats[style]
	}
	return numberText(value, nf, s.book.date1904)
}

// longNumber reports whether a cell is a number, neither a date nor a
// percent, of 16 or more integer digits. Excel, WPS and LibreOffice keep 15
// significant digits of a number, so such a cell has lost the digits
// after them.
func (s *sheetRows) longNumber(typ string, style int, value string) bool {
	if (typ != "" && typ != "n") || value == "" {
		return false
	}
	if style >= 0 && style < len(s.book.formats) {
		if nf := s.book.formats[style]; nf.date || nf.percent {
			return false
		}
	}
	v, err := strconv.ParseFloat(strings.TrimSpace(value), 64)
	return err == nil && math.Abs(v) >= 1e15
}

func attr(t xml.StartElement, name string) string {
	for _, a := range t.Attr {
		if a.Name.Local == name && a.Name.Space == "" {
			return a.Value
		}
	}
	return ""
}

func attrInt(t xml.StartElement, name string, missing int) int {
	v := attr(t, name)
	if v == "" {
		return missing
	}
	n, err := strconv.Atoi(v)
	if err != nil {
		return missing
	}
	return n
}

// maxXLSXColumns is the column count of the widest worksheet that Excel and WPS write,
// column XFD. A reference beyond it comes from a damaged or hostile
// file, and reading it would pad the row with that many empty cells.
const maxXLSXColumns = 16384

// columnLimitError is a cell whose reference lies beyond column XFD.
type columnLimitError struct {
	ref string
}

func (e *columnLimitError) Error() string {
	return fmt.Sprintf("cell %.40q lies beyond column XFD", e.ref)
}

// cellColumn returns the column number of a cell reference such as AB12,
// or missing when ref is empty or has no letters. A reference beyond
// column XFD returns maxXLSXColumns+1, however many letters it has.
func cellColumn(ref string, missing int) int {
	col := 0
	for i := 0; i < len(ref); i++ {
		c := ref[i] | 0x20 // lower case
		if c < 'a' || c > 'z' {
			break
		}
		col = min(col*26+int(c-'a'+1), maxXLSXColumns+1)
	}
	if col == 0 {
		return missing
	}
	return col
}

// cellRow returns the row number of a cell reference such as AB12, or 0.
func cellRow(ref string) int {
	i := strings.IndexAny(ref, "0123456789")
	if i < 0 {
		return 0
	}
	n, _ := strconv.Atoi(ref[i:])
	return n
}

// scanMerges returns the merged ranges of a worksheet. They are listed
// after the sheet's rows, so they are found in a pass of their own. It
// looks for the mergeCell elements in the raw XML rather than decoding the
// rows twice; text in cells cannot contain them, because XML escapes <.
func scanMerges(r io.Reader) ([]*mergeRange, error) {
	const window = 64 << 10
	tag := []byte("mergeCell")
	buf := make([]byte, 0, 2*window)
	chunk := make([]byte, window)
	var out []*mergeRange
	for {
		n, err := io.ReadFull(r, chunk)
		buf = append(buf, chunk[:n]...)
		done := 0
		for {
			i := bytes.Index(buf[done:], tag)
			if i < 0 {
				break
			}
			start := done + i
			end := bytes.IndexByte(buf[start:], '>')
			if end < 0 {
				break
			}
			if m := parseMergeElement(buf, start, end); m != nil {
				out = append(out, m)
			}
			done = start + end + 1
		}

		if err == io.EOF || err == io.ErrUnexpectedEOF {
			return out, nil
		} else if err != nil {
			return nil, fmt.Errorf("scan merged cells: %w", err)
		}
		// Keep an element cut off at the end of the window, with the < or
		// prefix colon before its name, or the few bytes that may begin it.
		rest := buf[done:]
		if i := bytes.LastIndex(rest, tag); i >= 0 {
			rest = rest[max(i-1, 0):]
		} else if len(rest) > len(tag) {
			rest = rest[len(rest)-len(tag):]
		}
		buf = append(buf[:0], rest...)
	}
}

var mergeRefAttr = regexp.MustCompile(`\sref\s*=\s*["']([A-Za-z]+[0-9]+):([A-Za-z]+[0-9]+)["']`)

// parseMergeElement reads the element whose name starts at buf[start] and
// whose tag ends at buf[start+end], if it is a mergeCell with a range.
func parseMergeElement(buf []byte, start, end int) *mergeRange {
	elem := buf[start : start+end]
	if start == 0 || (buf[start-1] != '<' && buf[start-1] != ':') || len(elem) == len("mergeCell") ||
		!bytes.ContainsAny(elem[len("mergeCell"):len("mergeCell")+1], " \t\r\n/") {
		return nil
	}
	g := mergeRefAttr.FindSubmatch(elem)
	if g == nil {
		return nil
	}
	from, to := string(g[1]), string(g[2])
	m := &mergeRange{r1: cellRow(from), c1: cellColumn(from, 0), r2: cellRow(to), c2: cellColumn(to, 0)}
	if m.r1 < 1 || m.c1 < 1 || m.r2 < m.r1 || m.c2 < m.c1 || m.c2 > maxXLSXColumns {
		return nil
	}
	return m
}

// mergeRange is a merged range of cells, with the value of its top-left
// cell once that row has been read.
type mergeRange struct {
	r1, c1, r2, c2 int
	value          string
	code           *formattedCode // the top-left cell under a code format, or nil
}

// mergeFill gives each merged range's top-left value to every cell the
// range covers, row by row, so that a two-row header and a unit name
// merged over several rows read the same in each row.
type mergeFill struct {
	byStart map[int][]*mergeRange
	active  []*mergeRange
}

func newMergeFill(ranges []*mergeRange) *mergeFill {
	m := &mergeFill{byStart: map[int][]*mergeRange{}}
	for _, r := range ranges {
		m.byStart[r.r1] = append(m.byStart[r.r1], r)
	}
	return m
}

// fill fills the merged cells of row, whose cells and code-format cells
// are given, and returns both. A range whose top-left cell lies beyond the
// end of its row fills nothing.
func (m *mergeFill) fill(row int, cells []string, codes []formattedCode) ([]string, []formattedCode) {
	for _, r := range m.byStart[row] {
		if r.c1 <= len(cells) {
			r.value = cells[r.c1-1]
			r.code = nil
			for _, fc := range codes {
				if fc.column == r.c1-1 {
					r.code = &fc
				}
			}
			m.active = append(m.active, r)
		}
	}
	keep := m.active[:0]
	for _, r := range m.active {
		if row > r.r2 {
			continue
		}
		keep = append(keep, r)
		for len(cells) < r.c2 {
			cells = append(cells, "")
		}
		for c := r.c1; c <= r.c2; c++ {
			cells[c-1] = r.value
			if r.code != nil && (row != r.r1 || c != r.c1) {
				fc := *r.code
				fc.column = c - 1
				codes = append(codes, fc)
			}
		}
	}
	m.active = keep
	return cells, codes
}

package ingest

import (
	"bufio"
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"strings"
	"unicode/utf8"

	"golang.org/x/text/encoding"
	"golang.org/x/text/encoding/simplifiedchinese"
	"golang.org/x/text/encoding/unicode"

	"saima"
)

// Encodings that Options.Encoding accepts. GBK and GB2312 files are read as
// GB18030, which contains both.
const (
	EncodingUTF8    = "utf-8"
	EncodingGB18030 = "gb18030"
	EncodingUTF16LE = "utf-16le"
	EncodingUTF16BE = "utf-16be"
)

// sniffSize is how many leading bytes decide between UTF-8 and GB18030 when
// the file has no byte-order mark. A file whose first sniffSize bytes are
// valid UTF-8 is read as UTF-8 to the end.
const sniffSize = 256 << 10

// encodingNames maps the spellings callers use to an encoding constant.
var encodingNames = map[string]string{
	"utf-8": EncodingUTF8, "utf8": EncodingUTF8,
	"gb18030": EncodingGB18030, "gbk": EncodingGB18030, "gb2312": EncodingGB18030,
	"utf-16le": EncodingUTF16LE, "utf-16": EncodingUTF16LE, "unicode": EncodingUTF16LE,
	"utf-16be": EncodingUTF16BE,
}

// KnownEncoding reports whether name is an encoding an upload may force,
// such as utf-8, gb18030 or its alias gbk, in any case.
func KnownEncoding(name string) bool {
	_, ok := encodingNames[strings.ToLower(compact(name))]
	return ok
}

var (
	bomUTF8    = []byte{0xEF, 0xBB, 0xBF}
	bomUTF16LE = []byte{0xFF, 0xFE}
	bomUTF16BE = []byte{0xFE, 0xFF}
)

// detectEncoding returns the encoding of the text in br: the byte-order
// mark if there is one, else UTF-16 when the first sniffSize bytes hold
// zero bytes the way UTF-16 text does, else UTF-8 when they are valid
// UTF-8, else GB18030. Trying GB18030 first would be wrong, because
// GB18030 decodes UTF-8 bytes into other Chinese characters without error.
func detectEncoding(br *bufio.Reader) string {
	head, _ := br.Peek(sniffSize)
	if enc := bomEncoding(head); enc != "" {
		return enc
	}
	if enc := utf16WithoutBOM(head); enc != "" {
		return enc
	}
	if utf8.Valid(dropPartialRune(head)) || utf8Header(head) {
		return EncodingUTF8
	}
	return EncodingGB18030
}

// bomEncoding returns the encoding that the byte-order mark at the start of
// head names, or "" when it starts with none.
func bomEncoding(head []byte) string {
	switch {
	case bytes.HasPrefix(head, bomUTF8):
		return EncodingUTF8
	case bytes.HasPrefix(head, bomUTF16LE):
		return EncodingUTF16LE
	case bytes.HasPrefix(head, bomUTF16BE):
		return EncodingUTF16BE
	}
	return ""
}

// utf8Header reports whether the first line of head is UTF-8 with at
// least one character beyond ASCII, such as a Chinese header. A file that
// starts so and has other bytes further on was saved as UTF-8 and then
// got some rows pasted from elsewhere. Read as UTF-8, the file is rejected
// at the first such row. GBK text is rarely valid UTF-8: the two bytes of
// most GBK characters do not make a UTF-8 sequence.
func utf8Header(head []byte) bool {
	line, _, found := bytes.Cut(head, []byte("\n"))
	return found && utf8.Valid(line) && utf8.RuneCount(line) < len(line)
}

// utf8Text reports whether head is valid UTF-8 with at least 8 bytes more
// than characters, as four Chinese characters give. GBK and GB18030 text
// is rarely valid UTF-8 for even one character (see utf8Header), so such
// a head was not written in them.
func utf8Text(head []byte) bool {
	head = dropPartialRune(head)
	return utf8.Valid(head) && len(head)-utf8.RuneCount(head) >= 8
}

// utf16WithoutBOM returns the byte order of UTF-16 text without a
// byte-order mark, or "" when head does not look like UTF-16. Every ASCII
// character of UTF-16 text (digits, separators, line breaks) has a zero
// byte, at odd offsets in little-endian order and at even offsets in
// big-endian. Text in UTF-8, GBK or GB18030 has no zero bytes at all.
func utf16WithoutBOM(head []byte) string {
	var even, odd int
	for i, c := range head {
		if c != 0 {
			continue
		}
		if i%2 == 0 {
			even++
		} else {
			odd++
		}
	}
	switch {
	case odd >= 4 && even*10 <= odd:
		return EncodingUTF16LE
	case even >= 4 && odd*10 <= even:
		return EncodingUTF16BE
	}
	return ""
}

// dropPartialRune removes an incomplete UTF-8 sequence that the sniff
// window cut off at its end.
func dropPartialRune(b []byte) []byte {
	for i := len(b) - 1; i >= 0 && i >= len(b)-utf8.UTFMax; i-- {
		if utf8.RuneStart(b[i]) {
			if !utf8.FullRune(b[i:]) {
				return b[:i]
			}
			break
		}
	}
	return b
}

// decodeText returns a reader of the UTF-8 text in br, which is in enc. A
// UTF-8 byte-order mark is skipped, and UTF-16 marks are consumed by the
// decoder. Invalid UTF-8 later in a UTF-8 file makes the reader fail,
// rather than pass on mojibake.
func decodeText(br *bufio.Reader, enc string) io.Reader {
	switch enc {
	case EncodingGB18030:
		return simplifiedchinese.GB18030.NewDecoder().Reader(br)
	case EncodingUTF16LE:
		return unicode.UTF16(unicode.LittleEndian, unicode.UseBOM).NewDecoder().Reader(br)
	case EncodingUTF16BE:
		return unicode.UTF16(unicode.BigEndian, unicode.UseBOM).NewDecoder().Reader(br)
	}
	if head, _ := br.Peek(len(bomUTF8)); bytes.Equal(head, bomUTF8) {
		br.Discard(len(bomUTF8))
	}
	return newUTF8Reader(br)
}

// utf8Reader passes on the bytes of r and fails with
// encoding.ErrInvalidUTF8 at the first byte that is not valid UTF-8, after
// passing on every byte before it, as a transform.Reader with
// encoding.UTF8Validator does. It checks each read from r with utf8.Valid
// instead of rune by rune, which made that check about a seventh of the
// time to read a CSV file.
type utf8Reader struct {
	r   io.Reader
	buf []byte // bytes read from r

	// buf[start:valid] is checked and not passed on yet, and
	// buf[valid:end] is the start of a rune that the last read cut off.
	start, valid, end int

	err error // returned once buf[start:valid] is passed on
}

func newUTF8Reader(r io.Reader) *utf8Reader {
	return &utf8Reader{r: r, buf: make([]byte, 64<<10)}
}

func (u *utf8Reader) Read(p []byte) (int, error) {
	for u.start == u.valid {
		if u.err != nil {
			return 0, u.err
		}
		u.fill()
	}
	n := copy(p, u.buf[u.start:u.valid])
	u.start += n
	return n, nil
}

// fill reads from r after the cut-off rune and checks what it read.
func (u *utf8Reader) fill() {
	tail := copy(u.buf, u.buf[u.valid:u.end])
	m, err := u.r.Read(u.buf[tail:])
	u.start, u.end = 0, tail+m
	u.valid = validUTF8Prefix(u.buf[:u.end])
	rest := u.buf[u.valid:u.end]
	if len(rest) > 0 && (utf8.FullRune(rest) || err == io.EOF) {
		u.err = encoding.ErrInvalidUTF8
		return
	}
	if err != nil {
		u.err = err
	}
}

// validUTF8Prefix returns the length of the longest prefix of b that is
// valid UTF-8.
func validUTF8Prefix(b []byte) int {
	if utf8.Valid(b) {
		return len(b)
	}
	// Most often only the last rune is cut off by the end of a read.
	for i := len(b) - 1; i >= 0 && i > len(b)-utf8.UTFMax; i-- {
		if utf8.RuneStart(b[i]) {
			if !utf8.FullRune(b[i:]) && utf8.Valid(b[:i]) {
				return i
			}
			break
		}
	}
	for i := 0; i < len(b); {
		r, size := utf8.DecodeRune(b[i:])
		if r == utf8.RuneError && size == 1 {
			return i
		}
		i += size
	}
	return len(b)
}

// loneCR reports whether the text in br has a carriage return that no line
// feed follows in its first 64 KiB. Excel's "CSV (Macintosh)" ends every
// line so, and a file pasted together from several may mix such lines with
// CRLF ones.
func loneCR(br *bufio.Reader) bool {
	head, _ := br.Peek(br.Size())
	for i := 0; i+1 < len(head); i++ {
		if head[i] == '\r' && head[i+1] != '\n' {
			return true
		}
	}
	return false
}

// crToLF turns every carriage return that no line feed follows into a line
// feed, which encoding/csv takes as a line end, and leaves CRLF as it is.
// A lone CR inside a quoted cell becomes a line feed, still a line break.
type crToLF struct{ r *bufio.Reader }

func (c crToLF) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	for i := range n {
		if p[i] != '\r' {
			continue
		}
		if i+1 < n {
			if p[i+1] != '\n' {
				p[i] = '\n'
			}
			continue
		}
		// The CR ends this read: the next byte decides.
		if next, perr := c.r.Peek(1); perr != nil || next[0] != '\n' {
			p[i] = '\n'
		}
	}
	return n, err
}

// detectComma returns the field separator of the text in br, judged from
// its first line: a tab when the line contains more tabs than commas, else
// a comma. Full-width commas are not separators, and the row-shape checks
// report rows that use them.
func detectComma(br *bufio.Reader) rune {
	head, _ := br.Peek(br.Size())
	if i := bytes.IndexByte(head, '\n'); i >= 0 {
		head = head[:i]
	}
	if bytes.Count(head, []byte{'\t'}) > bytes.Count(head, []byte{','}) {
		return '\t'
	}
	return ','
}

// csvSource reads the records of a CSV or tab-separated text file.
type csvSource struct {
	r        *csv.Reader
	limiter  *fieldLimiter
	end      int64 // the offset after the last record read
	records  int   // records read so far, including the one that failed
	replaced bool  // the decoder may have put U+FFFD for bytes it could not read
	forced   bool  // the uploader chose the encoding
	// utf8Header is set when the file is read as UTF-8 and its first line
	// is UTF-8 beyond ASCII, such as a Chinese header.
	utf8Header bool
	// utf16 names the UTF-16 that the file looks like when the uploader
	// forced another encoding on it, for the advice of errors; "" else.
	utf16 string
	// overridden is the encoding the uploader chose when the file's
	// byte-order mark named another, and bom is that other encoding,
	// which was used instead. Both are "" when nothing was overridden.
	overridden string
	bom        string
}

// newCSVSource decodes br as enc ("" to detect) and returns a source of its
// records. The separator is detected in every encoding: Excel's "Unicode
// 文本" (UTF-16) uses tabs, and other programs write UTF-16 with commas.
func newCSVSource(br *bufio.Reader, enc string) (*csvSource, error) {
	forced, forcedName := enc != "", enc
	overridden := ""
	head, _ := br.Peek(sniffSize) // before the decoder reads on
	if enc == "" {
		enc = detectEncoding(br)
	} else if bom := bomEncoding(head); bom != "" {
		// A byte-order mark names the encoding for certain, so it wins
		// over a choice that must have been a mistake.
		if name, ok := encodingNames[strings.ToLower(compact(enc))]; !ok || name != bom {
			overridden = enc
		}
		enc, forced = bom, false
	} else if name, ok := encodingNames[strings.ToLower(compact(enc))]; ok {
		enc = name
	} else {
		return nil, saima.Errorf(saima.KindInvalid,
			"不支持的文件编码“%s”，可选 utf-8、gb18030、utf-16le、utf-16be，留空则自动识别", enc)
	}

	if forced && enc == EncodingGB18030 && utf8Text(head) {
		return nil, saima.Errorf(saima.KindInvalid,
			"文件是UTF-8编码（其中有中文），而上传时选择了“%s”，按它读取会把中文读成乱码；"+
				"请把编码留空让系统自动识别，或选择utf-8，然后重新上传", forcedName)
	}

	text := bufio.NewReaderSize(decodeText(br, enc), 64<<10)
	if loneCR(text) {
		text = bufio.NewReaderSize(crToLF{text}, 64<<10)
	}
	comma := detectComma(text)
	limiter := &fieldLimiter{r: text, comma: comma}
	r := csv.NewReader(limiter)
	r.Comma = comma
	r.FieldsPerRecord = -1
	r.LazyQuotes = true
	// The parser keeps no record past the next read, except the rows
	// that may hold the header, which readHead copies.
	r.ReuseRecord = true
	src := &csvSource{r: r, limiter: limiter, replaced: enc != EncodingUTF8, forced: forced,
		utf8Header: enc == EncodingUTF8 && utf8Header(head), overridden: overridden}
	if overridden != "" {
		src.bom = enc
	}
	if looks := utf16WithoutBOM(head); forced && looks != enc {
		src.utf16 = looks
	}
	return src, nil
}

// invalidUTF8Error ends a file read as UTF-8 at the record that holds
// other bytes. The parser turns it into an issue on that row and stops
// reading, because the bytes after it cannot be read reliably.
type invalidUTF8Error struct {
	row    int    // the record that holds the bytes
	forced bool   // the uploader chose UTF-8; otherwise it was detected
	mixed  bool   // the header is UTF-8 Chinese text, so the file mixes encodings
	utf16  string // the UTF-16 the file looks like, if any; see csvSource.utf16
}

func (e *invalidUTF8Error) Error() string {
	return fmt.Sprintf("read csv: record %d is not valid UTF-8", e.row)
}

// issue returns the issue shown to the uploader.
func (e *invalidUTF8Error) issue() Issue {
	switch {
	case e.utf16 != "":
		return utf16Issue(e.row, e.utf16)
	case e.mixed:
		// Read as GB18030, the UTF-8 header would be garbled, so no one
		// encoding reads the whole file.
		return Issue{Row: e.row, Reason: "含有不是UTF-8编码的内容，而表头是UTF-8编码，文件中混有两种编码（常见于从其他文件粘贴的行）",
			Fix: "请在表格软件中重新输入这一行的文字，不要从其他文件粘贴，保存后重新上传"}
	case e.forced:
		return Issue{Row: e.row, Reason: "含有不是UTF-8编码的内容，而上传时选择了UTF-8编码",
			Fix: "请把编码改选为gb18030（GBK文件也选它）或留空自动识别，然后重新上传"}
	}
	return Issue{Row: e.row, Reason: "含有不是UTF-8编码的内容，而文件开头是UTF-8编码",
		Fix: "请把整个文件另存为“CSV UTF-8”格式，或在上传时把编码选为gb18030，然后重新上传"}
}

// utf16Issue is the issue of a file that looks like UTF-16 (enc) although
// the uploader chose another encoding.
func utf16Issue(row int, enc string) Issue {
	return Issue{Row: row,
		Reason: "读不出来：文件看起来是" + strings.ToUpper(enc) + "编码（如Excel另存的“Unicode 文本”），而上传时选择了别的编码",
		Fix:    "请把编码选为" + enc + "，或留空让系统自动识别，然后重新上传"}
}

// tooManyFieldsError ends a text file at a record of more fields than an
// XLSX worksheet has columns.
type tooManyFieldsError struct{}

func (*tooManyFieldsError) Error() string {
	return fmt.Sprintf("read csv: a record has more than %d fields", maxXLSXColumns)
}

// fieldLimiter passes text on to encoding/csv, which reads it with
// LazyQuotes, and checks the quoting that LazyQuotes lets through.
//
// A quote inside a cell that does not start with one is text, as Excel
// reads it (完成"一期"工程). A quoted cell must still end with a quote
// followed by the separator or the line's end. encoding/csv with LazyQuotes
// would take the stray quote of 完成"一期"工程 written as "完成"一期"工程"
// as text, and a quoted cell that is never closed as the rest of the file.
// fieldLimiter records the byte offset of each such fault instead, and
// csvSource.next turns the record around it into a quoting error.
//
// It also fails with tooManyFieldsError once a record has more than
// maxXLSXColumns fields. encoding/csv keeps every field of a record in
// memory, about a hundred bytes each as measured on a 5 MB line of commas,
// so a file of commas alone would take gigabytes before any record came
// out.
type fieldLimiter struct {
	r      io.Reader
	comma  rune
	state  quoteState
	fields int   // separators seen in the current record
	offset int64 // bytes passed on so far
	faults []int64
}

// quoteState is fieldLimiter's position within a cell.
type quoteState uint8

const (
	cellStart   quoteState = iota // before a cell's first byte
	unquoted                      // in a cell that does not start with a quote
	quoted                        // in a quoted cell
	quoteSeen                     // after a quote in a quoted cell
	quoteThenCR                   // after a quote and a carriage return
)

func (l *fieldLimiter) Read(p []byte) (int, error) {
	n, err := l.r.Read(p)
	for i, b := range p[:n] {
		switch l.state {
		case quoted:
			if b == '"' {
				l.state = quoteSeen
			}
			continue
		case quoteSeen:
			switch {
			case b == '"':
				l.state = quoted // a doubled quote
				continue
			case b == '\r':
				l.state = quoteThenCR
				continue
			case b != '\n' && rune(b) != l.comma:
				// LazyQuotes keeps the quote as text and the cell open.
				l.fault(i)
				l.state = quoted
				continue
			}
		case quoteThenCR:
			if b != '\n' {
				l.fault(i)
				l.state = quoted
				if b == '"' {
					l.state = quoteSeen
				}
				continue
			}
		case cellStart:
			if b == '"' {
				l.state = quoted
				continue
			}
		}
		switch {
		case b == '\n':
			l.fields, l.state = 0, cellStart
		case rune(b) == l.comma:
			l.state = cellStart
			if l.fields++; l.fields >= maxXLSXColumns {
				l.offset += int64(i)
				return i, &tooManyFieldsError{}
			}
		default:
			l.state = unquoted
		}
	}
	l.offset += int64(n)
	if err == io.EOF && l.state == quoted {
		// A quoted cell still open at the end of the file.
		l.faults = append(l.faults, l.offset)
	}
	return n, err
}

// fault records a quoting fault at the byte p[i] of the current Read.
func (l *fieldLimiter) fault(i int) {
	l.faults = append(l.faults, l.offset+int64(i)+1)
}

// faultIn reports whether a quoting fault lies in the bytes after offset
// start up to and including end, and drops the faults up to end.
func (l *fieldLimiter) faultIn(start, end int64) bool {
	found := false
	for len(l.faults) > 0 && l.faults[0] <= end {
		found = found || l.faults[0] > start
		l.faults = l.faults[1:]
	}
	return found
}

// next returns the next record. A record that breaks the CSV quoting rules
// comes back with its row number and a *csv.ParseError, and reading can go
// on. Any other error ends the file, and so does a record of more fields
// than an XLSX worksheet has columns.
func (s *csvSource) next() (record, error) {
	fields, err := s.r.Read()
	if err == io.EOF {
		return record{}, io.EOF
	}
	s.records++
	if len(fields) > maxXLSXColumns || errors.As(err, new(*tooManyFieldsError)) {
		return record{row: s.records}, saima.Wrap(saima.KindInvalid, fmt.Sprintf(
			"第%d行超过%d个字段的上限（Excel和WPS的表格最多%d列），文件可能不是按行列整理的表格，或分隔符选错了；"+
				"请检查这一行，删去多余的分隔符后重新上传", s.records, maxXLSXColumns, maxXLSXColumns), err)
	}
	rec := record{row: s.records, cells: fields, fields: len(fields)}
	start := s.end
	s.end = s.r.InputOffset()
	if s.limiter.faultIn(start, s.end) && err == nil {
		line, _ := s.r.FieldPos(0)
		err = &csv.ParseError{StartLine: line, Line: line, Column: 1, Err: csv.ErrQuote}
	}
	if _, ok := errors.AsType[*csv.ParseError](err); ok {
		return rec, err
	}
	if errors.Is(err, encoding.ErrInvalidUTF8) {
		return rec, &invalidUTF8Error{row: s.records, forced: s.forced, mixed: s.utf8Header, utf16: s.utf16}
	}
	if err != nil {
		return rec, saima.Wrap(saima.KindInvalid, "读取文件失败，请检查文件是否完整后重新上传", err)
	}
	return rec, nil
}

// sheet returns "", because text files have no worksheets.
func (s *csvSource) sheet() string { return "" }

func (s *csvSource) separator() rune { return s.r.Comma }

// hasReplacement reports whether the decoder may have replaced unreadable
// bytes with U+FFFD, which a cell then shows.
func (s *csvSource) hasReplacement() bool { return s.replaced }

// dashFolder turns the dashes that NFKC keeps into the ASCII hyphen-minus.
// Word and WPS can replace the hyphen of a code such as NB-2026-017 with one of
// these as it is typed (AutoCorrect), which would make the code another
// record key.
var dashFolder = strings.NewReplacer(
	"\u2010", "-", // hyphen
	"\u2011", "-", // non-breaking hyphen
	"\u2012", "-", // figure dash
	"\u2013", "-", // en dash
	"\u2014", "-", // em dash
	"\u2015", "-", // horizontal bar
	"\u2212", "-", // minus sign
)

// upperASCII returns code with the letters a to z in upper case and every
// other character as written.
func upperASCII(code string) string {
	for i := 0; i < len(code); i++ {
		if 'a' <= code[i] && code[i] <= 'z' {
			return strings.Map(func(r rune) rune {
				if 'a' <= r && r <= 'z' {
					return r - 'a' + 'A'
				}
				return r
			}, code)
		}
	}
	return code
}

// foldDashes returns code with every dash of dashFolder replaced by "-".
func foldDashes(code string) string {
	for i := 0; i < len(code); i++ {
		if code[i] >= 0x80 {
			return dashFolder.Replace(code)
		}
	}
	return code
}

package ingest

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"regexp"
	"slices"
	"strings"

	"golang.org/x/text/encoding"

	"saima"
)

// jsonStart matches the start of a JSON array of objects, or of an empty
// array, after an optional byte-order mark and whitespace. No CSV header
// starts this way.
var jsonStart = regexp.MustCompile(`^\x{FEFF}?[ \t\r\n]*\[[ \t\r\n]*[{\]]`)

// looksLikeJSON reports whether the text in br starts a JSON array.
func looksLikeJSON(br *bufio.Reader) bool {
	head, _ := br.Peek(4 << 10)
	return jsonStart.Match(head)
}

// jsonSource reads a JSON array whose elements are objects, one record
// each. Keys are column names, their synonyms or English field names.
type jsonSource struct {
	dec  *json.Decoder
	read *countingReader // the text under dec, to place where the text ends
	row  int             // elements read
}

// jsonRecord is one element of the array: its keys in the order written
// and each value as cell text.
type jsonRecord struct {
	row    int // the element's index + 1
	object bool
	keys   []string
	values []string
	bad    []bool // the value is an object or a nested list, which no column takes
}

// errJSONUTF8 is the user-facing form of JSON that is not UTF-8.
var errJSONUTF8 = saima.Errorf(saima.KindInvalid, "JSON内容含有不是UTF-8编码的字节；JSON必须以UTF-8编码提交")

// newJSONSource reads the opening [ of the array in br, which is UTF-8
// with or without a byte-order mark.
func newJSONSource(br *bufio.Reader) (*jsonSource, error) {
	s := &jsonSource{read: &countingReader{r: decodeText(br, EncodingUTF8)}}
	s.dec = json.NewDecoder(s.read)
	s.dec.UseNumber()
	if _, err := s.dec.Token(); err != nil {
		return nil, s.error(err)
	}
	return s, nil
}

// countingReader counts the bytes read through it.
type countingReader struct {
	r io.Reader
	n int64
}

func (r *countingReader) Read(p []byte) (int, error) {
	n, err := r.r.Read(p)
	r.n += int64(n)
	return n, err
}

// sheet returns "", because JSON has no worksheets.
func (s *jsonSource) sheet() string { return "" }

// next returns the next element, or io.EOF after the closing ]. Broken
// JSON ends the file with a KindInvalid error.
func (s *jsonSource) next() (jsonRecord, error) {
	if !s.dec.More() {
		return jsonRecord{}, s.end()
	}
	var raw json.RawMessage
	if err := s.dec.Decode(&raw); err != nil {
		return jsonRecord{}, s.error(err)
	}
	s.row++
	rec, err := readJSONObject(raw)
	rec.row = s.row
	return rec, err
}

// end reads the closing ] and checks that nothing follows it.
func (s *jsonSource) end() error {
	if _, err := s.dec.Token(); err != nil {
		return s.error(err)
	}
	if _, err := s.dec.Token(); err != io.EOF {
		return saima.Errorf(saima.KindInvalid, "JSON数组结束后还有其他内容（第%d个字节附近）；请只提交一个数组", s.dec.InputOffset())
	}
	return io.EOF
}

// error turns a decoding error into a message that names the byte offset
// where the JSON breaks: the offset of a syntax error, or the end of the
// text when it stops inside the array. Reading errors other than bad
// UTF-8 keep their own error.
func (s *jsonSource) error(err error) error {
	if errors.Is(err, encoding.ErrInvalidUTF8) {
		return fmt.Errorf("read json: %w", errJSONUTF8)
	}
	if se, ok := errors.AsType[*json.SyntaxError](err); ok {
		return saima.Wrap(saima.KindInvalid, fmt.Sprintf(
			"JSON格式错误（第%d个字节附近），无法读取；提交的内容应是一个对象数组，如[{\"单位\": \"余姚市\", …}]",
			se.Offset), err)
	}
	if err == io.ErrUnexpectedEOF || err == io.EOF {
		// The decoder reads ahead, so the bytes read are the whole text.
		return saima.Wrap(saima.KindInvalid, fmt.Sprintf(
			"JSON内容在第%d个字节处中断，数组或对象没有结束，可能没有传完整；请检查结尾的 } 和 ] 后重新提交",
			s.read.n), err)
	}
	if _, typ := errors.AsType[*json.UnmarshalTypeError](err); typ {
		return saima.Wrap(saima.KindInvalid, "JSON内容不是数组；提交的内容应是一个对象数组，如[{\"单位\": \"余姚市\", …}]", err)
	}
	return fmt.Errorf("read json: %w", err)
}

// readJSONObject reads the keys and values of one array element in their
// written order. An element that is not an object comes back with object
// false.
func readJSONObject(raw json.RawMessage) (jsonRecord, error) {
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	var rec jsonRecord
	if tok, err := dec.Token(); err != nil || tok != json.Delim('{') {
		return rec, err
	}
	rec.object = true
	for dec.More() {
		tok, err := dec.Token()
		if err != nil {
			return rec, err
		}
		var v any
		if err := dec.Decode(&v); err != nil {
			return rec, err
		}
		text, ok := jsonCell(v)
		rec.keys = append(rec.keys, tok.(string))
		rec.values = append(rec.values, text)
		rec.bad = append(rec.bad, !ok)
	}
	return rec, nil
}

// jsonCell returns the cell text of a JSON value. Strings and numbers
// read as written (0.85 stays 0.85), true and false as TRUE and FALSE, and
// null as empty. A list of these is joined with 、, the separator of list
// columns such as 别名, without its null and blank items, which would
// leave a stray 、 in free text. It reports false for an object or a list
// inside a list.
func jsonCell(v any) (string, bool) {
	switch v := v.(type) {
	case nil:
		return "", true
	case string:
		return v, true
	case json.Number:
		return v.String(), true
	case bool:
		if v {
			return "TRUE", true
		}
		return "FALSE", true
	case []any:
		parts := make([]string, 0, len(v))
		for _, item := range v {
			if _, nested := item.([]any); nested {
				return "", false
			}
			s, ok := jsonCell(item)
			if !ok {
				return "", false
			}
			if strings.TrimSpace(s) != "" {
				parts = append(parts, s)
			}
		}
		return strings.Join(parts, "、"), true
	}
	return "", false
}

// runJSON reads every element of a JSON array as a row. Row numbers are
// the element's index + 1, and the keys of the first element decide the
// dataset when the caller named none.
func (p *parser) runJSON(src *jsonSource) error {
	first, err := src.next()
	if err == io.EOF {
		p.issue(Issue{Reason: "是一个空的JSON数组，没有任何记录", Fix: "请至少提交一条记录"})
		return nil
	} else if err != nil {
		return err
	}
	p.columns = first.keys
	if p.schema == nil {
		s, prob := detectSchema(oneRowCandidate(0, first.keys))
		if prob != nil {
			p.issue(Issue{Row: first.row, Reason: prob.reason, Fix: prob.fix})
			return nil
		}
		p.schema = s
	}

	p.missing = p.schema.missing(func(c *column) bool {
		return slices.ContainsFunc(first.keys, func(k string) bool { return p.schema.column(k) == c })
	})
	p.startRows()
	reported := map[string]bool{}
	for rec := first; ; {
		if more, err := p.readObject(rec, reported); !more || err != nil {
			return err
		}
		if rec, err = src.next(); err == io.EOF {
			break
		} else if err != nil {
			return err
		}
	}
	return p.flush(true)
}

// readObject maps the keys of one element to columns and hands the row to
// the builder, also when a key is missing. A required column's key must be
// present, though its value may be null. Each unknown key is a warning once, on the first element
// that has it. A key with a rune that forbiddenRune finds is an error once,
// in the same way. reported holds the keys reported so far. It reports
// false when reading must stop.
func (p *parser) readObject(rec jsonRecord, reported map[string]bool) (bool, error) {
	if !p.countRow() {
		return false, nil
	}
	if !rec.object {
		p.issue(Issue{Row: rec.row, Reason: "不是JSON对象", Fix: `数组中的每个元素都应是一个对象，如{"单位": "余姚市", …}`})
		return true, nil
	}

	r := p.newObjectRow(rec.row)
	keyOf := map[*column]string{}
	for i, key := range rec.keys {
		col := p.schema.column(key)
		if col != nil && col.kind != kindIgnored {
			p.rejectForbiddenKey(rec.row, i, key, reported)
		}
		switch {
		case col == nil:
			p.unknownField(rec.row, key, reported)
		case col.kind == kindIgnored:
		case keyOf[col] != "":
			r.fail(col.name, rec.values[i], &problem{
				reason: "与字段“" + keyOf[col] + "”重复，两者都表示“" + col.name + "”",
				fix:    "请只保留其中一个字段"})
		case rec.bad[i]:
			r.fail(col.name, "", &problem{reason: "不是文本、数字、true/false或由它们组成的列表",
				fix: "请改为文本或数字，列表中的值用、分隔或写成字符串数组"})
			keyOf[col] = key
		case isFormulaError(rec.values[i]):
			// A program that copies a sheet's shown values sends #N/A
			// as text too.
			r.fail(col.name, trimText(rec.values[i]), &problem{reason: formulaErrorReason, fix: formulaErrorFix})
			keyOf[col] = key
		default:
			r.setCell(col.name, rec.values[i])
			keyOf[col] = key
		}
	}
	for i := range p.schema.columns {
		if c := &p.schema.columns[i]; c.required && keyOf[c] == "" {
			name := "“" + c.name + "”"
			if field := p.schema.fieldName(c.name); field != "" {
				name += "（英文字段名 " + field + "）"
			}
			r.fail(c.name, "", &problem{reason: "缺失，每条记录都须有这个字段",
				fix: "请补上" + name + "字段；没有数据时写null"})
		}
	}
	// The builder still reads the row, so that a missing field comes
	// with the row's other errors. A column in error here reads as
	// empty, and missing does not report it again.
	return true, p.addRow(r)
}

// rejectForbiddenKey records an error, once per key, on a JSON key that
// contains a rune that forbiddenRune finds. The key still maps to its
// column, as a header cell does, so that the element's values are checked.
func (p *parser) rejectForbiddenKey(row, i int, key string, reported map[string]bool) {
	bad, found := forbiddenRune(key)
	if !found || reported[key] {
		return
	}
	reported[key] = true
	is := forbiddenNameIssue(row, i, headerName(key), key, bad, "字段名")
	is.Fix = "请删除字段名中的这个字符后重新提交"
	p.issue(is)
}

// unknownField warns once about a key that names no column.
func (p *parser) unknownField(row int, key string, seen map[string]bool) {
	if seen[key] {
		return
	}
	seen[key] = true
	if strings.TrimSpace(key) == "" {
		// Issue.String leaves out an empty column, so the reason names it.
		p.issue(Issue{Row: row, Severity: SeverityWarning,
			Reason: "有一个名称为空的字段，这个字段的内容没有导入",
			Fix:    "如果需要导入，请给它填上模板中的中文列名或对应的英文字段名"})
		return
	}
	p.issue(Issue{Row: row, Column: key, Severity: SeverityWarning,
		Reason: "不是" + p.schema.title + "的字段，这个字段的内容没有导入",
		Fix:    "如果需要导入，请改用模板中的中文列名或对应的英文字段名"})
}

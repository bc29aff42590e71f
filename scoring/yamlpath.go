package scoring

import (
	"errors"
	"fmt"
	"regexp"
	"strconv"
	"strings"

	"go.yaml.in/yaml/v3"
	"golang.org/x/text/unicode/norm"
)

// RuleError is one problem in a rule-set file. ParseRuleSet joins every
// problem it finds with errors.Join, so callers can list them all at once.
type RuleError struct {
	Path    string // YAML path such as indicators[1].weight (indexes from 0); empty for the whole file
	Line    int    // 1-based line in the file; 0 when unknown
	Column  int    // 1-based column in runes, given for YAML syntax errors only; 0 when unknown
	Message string // what is wrong and how to fix it, in Chinese

	// added marks a problem of a check that the rule-set text of an
	// older evaluation may fail. Such a text still reads (see
	// parseStored), because its run applied it without the check.
	added bool
}

// addedCheck marks e as a problem of a check that stored texts may fail.
func addedCheck(e *RuleError) *RuleError {
	e.added = true
	return e
}

func (e *RuleError) Error() string {
	var b strings.Builder
	switch {
	case e.Line > 0 && e.Column > 0:
		fmt.Fprintf(&b, "第 %d 行第 %d 列 ", e.Line, e.Column)
	case e.Line > 0:
		fmt.Fprintf(&b, "第 %d 行 ", e.Line)
	}
	if e.Path != "" {
		b.WriteString(e.Path)
		b.WriteString("：")
	}
	b.WriteString(e.Message)
	return b.String()
}

// pathIndex maps between YAML paths and lines of one parsed file, so that
// problems found on decoded values can name their line, and decoder errors,
// which name only a line, can name their path.
type pathIndex struct {
	lines map[string]int // path to the line of its key or item
	paths map[int]string // line to the deepest path that starts on it
	// scalars maps a line to the paths of the scalar values on it, in
	// order, with their text. One line of flow style ({id: a, weight: 1})
	// contains several, and a decoder error names only the line and value.
	scalars map[int][]scalarAt
	// undecoded are the paths whose values the decoder could not read,
	// so that checks on the decoded zero value do not report them again.
	undecoded map[string]bool
}

// scalarAt is a scalar value of the file and the path it sets.
type scalarAt struct {
	path, value string
}

func newPathIndex(root *yaml.Node) *pathIndex {
	idx := &pathIndex{
		lines: map[string]int{}, paths: map[int]string{},
		scalars: map[int][]scalarAt{}, undecoded: map[string]bool{},
	}
	if root.Kind == yaml.DocumentNode && len(root.Content) > 0 {
		idx.walk(root.Content[0], "")
	}
	return idx
}

func (idx *pathIndex) walk(n *yaml.Node, path string) {
	switch n.Kind {
	case yaml.MappingNode:
		for i := 0; i+1 < len(n.Content); i += 2 {
			key, value := n.Content[i], n.Content[i+1]
			child := joinPath(path, key.Value)
			idx.add(child, key.Line)
			if value.Kind == yaml.ScalarNode {
				idx.scalars[value.Line] = append(idx.scalars[value.Line], scalarAt{child, value.Value})
			}
			idx.walk(value, child)
		}
	case yaml.SequenceNode:
		for i, item := range n.Content {
			child := path + "[" + strconv.Itoa(i) + "]"
			idx.add(child, item.Line)
			idx.walk(item, child)
		}
	}
}

func (idx *pathIndex) add(path string, line int) {
	if _, ok := idx.lines[path]; !ok {
		idx.lines[path] = line
	}
	idx.paths[line] = path
}

func joinPath(parent, key string) string {
	if parent == "" {
		return key
	}
	return parent + "." + key
}

// has reports whether the file sets path.
func (idx *pathIndex) has(path string) bool {
	_, ok := idx.lines[path]
	return ok
}

// problem returns a *RuleError at path, with the line of the nearest
// enclosing path that the file contains.
func (idx *pathIndex) problem(path, format string, args ...any) *RuleError {
	line := 0
	for p := path; p != ""; p = parentPath(p) {
		if l, ok := idx.lines[p]; ok {
			line = l
			break
		}
	}
	return &RuleError{Path: path, Line: line, Message: fmt.Sprintf(format, args...)}
}

func parentPath(p string) string {
	i := strings.LastIndexAny(p, ".[")
	if i < 0 {
		return ""
	}
	return p[:i]
}

var (
	lineRE      = regexp.MustCompile(`^(?:yaml: )?line (\d+): (.*)$`)
	unknownRE   = regexp.MustCompile(`^field (\S+) not found in type`)
	mismatchRE  = regexp.MustCompile("^cannot unmarshal !!(\\w+) `?(.*?)`? into (.+)$")
	duplicateRE = regexp.MustCompile(`^mapping key "(.*)" already defined at line (\d+)$`)
)

// decodeProblems turns the decoder's errors, which are English and name
// only a line, into Chinese *RuleError values with paths.
func (idx *pathIndex) decodeProblems(err error) []error {
	te, ok := errors.AsType[*yaml.TypeError](err)
	if !ok {
		return []error{idx.decodeProblem(err.Error())}
	}
	var out []error
	for _, msg := range te.Errors {
		out = append(out, idx.decodeProblem(msg))
	}
	return out
}

func (idx *pathIndex) decodeProblem(msg string) *RuleError {
	m := lineRE.FindStringSubmatch(msg)
	if m == nil {
		return &RuleError{Message: "YAML 格式错误：" + strings.TrimPrefix(msg, "yaml: ")}
	}
	line, _ := strconv.Atoi(m[1])
	e := &RuleError{Path: idx.paths[line], Line: line}
	detail := m[2]
	switch {
	case unknownRE.MatchString(detail):
		name := unknownRE.FindStringSubmatch(detail)[1]
		e.Message = fmt.Sprintf("未知字段 %s，请检查拼写，或删去该字段", name)
	case mismatchRE.MatchString(detail):
		sm := mismatchRE.FindStringSubmatch(detail)
		e.Path = idx.pathOfValue(line, sm[2])
		idx.undecoded[e.Path] = true
		e.Message = fmt.Sprintf("值 %s 的类型不对，这里应为%s", sm[2], goTypeName(sm[3]))
		if sm[3] == "float64" || sm[3] == "int" {
			e.Message += numberHint(sm[1], sm[2])
		}
	case duplicateRE.MatchString(detail):
		sm := duplicateRE.FindStringSubmatch(detail)
		e.Message = fmt.Sprintf("键 %s 重复，第 %s 行已经写过", sm[1], sm[2])
	default:
		e.Message = "YAML 格式错误：" + detail
	}
	return e
}

// pathOfValue returns the path of the scalar value on line whose text is
// value, or the deepest path on line when no single one matches.
func (idx *pathIndex) pathOfValue(line int, value string) string {
	var found []string
	for _, sc := range idx.scalars[line] {
		if sc.value == value {
			found = append(found, sc.path)
		}
	}
	if len(found) == 1 {
		return found[0]
	}
	return idx.paths[line]
}

// numberHint returns how to write value, of YAML type tag, as the number
// it was probably meant to be, or "" when it looks like none.
func numberHint(tag, value string) string {
	plain := norm.NFKC.String(value)
	if _, err := strconv.ParseFloat(plain, 64); err == nil && plain != value {
		return fmt.Sprintf("。%s 是全角数字，请改用半角数字 %s", value, plain)
	}
	if _, err := strconv.ParseFloat(value, 64); err == nil && tag == "str" {
		return fmt.Sprintf("。%s 加了引号，会被当作文本；请去掉引号，写成 %s", value, value)
	}
	for _, suffix := range []string{"%", ",", "、", "。"} {
		trimmed, ok := strings.CutSuffix(plain, suffix)
		if _, err := strconv.ParseFloat(trimmed, 64); ok && err == nil {
			return fmt.Sprintf("。请去掉%s，写成 %s", suffixName[suffix], trimmed)
		}
	}
	return ""
}

var suffixName = map[string]string{"%": "百分号", ",": "末尾的逗号", "、": "末尾的顿号", "。": "末尾的句号"}

func goTypeName(t string) string {
	switch {
	case t == "float64" || t == "int":
		return "数字"
	case t == "string":
		return "文本"
	case t == "bool":
		return "true 或 false"
	case strings.HasPrefix(t, "[]"):
		return "列表（以 - 开头的各项）"
	case strings.HasPrefix(t, "map[") || strings.HasPrefix(t, "scoring."):
		return "映射（键: 值）"
	}
	return " " + t
}

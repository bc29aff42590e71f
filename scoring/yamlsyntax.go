package scoring

import (
	"regexp"
	"slices"
	"strings"
	"unicode"

	"go.yaml.in/yaml/v3"
)

// syntaxLimit is the longest file, in lines, whose syntax errors are
// located again. Locating parses up to one prefix per line and per rune
// of the faulty line, which is quick for rule sets of a few hundred lines.
const syntaxLimit = 5000

var syntaxMessageRE = regexp.MustCompile(`^(?:yaml: )?(?:line (\d+): )?(.*)$`)

// syntaxExplanations explain the YAML parser's problems in Chinese, by the
// parser's text.
var syntaxExplanations = map[string]string{
	"did not find expected ',' or ']'": "方括号列表 [ … ] 没有正确结束，缺少右方括号 ]，或者各项之间缺少英文逗号",
	"did not find expected ',' or '}'": "花括号映射 { … } 没有正确结束，缺少右花括号 }，或者各项之间缺少英文逗号",
	"mapping values are not allowed in this context": "这里不能出现“键: 值”，可能同一行有两个冒号" +
		"（值里含冒号时请给值加引号），或者这一行的缩进不对",
	"found a tab character that violates indentation": "缩进里有制表符 Tab，YAML 只能用空格缩进",
	"found character that cannot start any token":     "这个字符不能作为值的开头（如 @ 或 `，或用于缩进的 Tab），请给值加引号或改用空格缩进",
	"did not find expected key":                       "缩进不对，这一行与上面的键没有对齐",
	"did not find expected '-' indicator":             "缩进不对，列表的各项须以同样缩进的“- ”开头，键也须与同级的键对齐",
	"could not find expected ':'":                     "缺少冒号，键后面须写英文冒号和空格，如 name: 值",
	"found unexpected end of stream":                  "引号或括号到文件末尾都没有结束，请检查引号是否成对",
	"did not find expected node content":              "这里缺少值，或括号、引号没有配对",
}

// indentProblems are the parser's problems whose column is the first
// character of the line, because the line's indentation is at fault.
var indentProblems = map[string]bool{
	"did not find expected key":           true,
	"did not find expected '-' indicator": true,
	"could not find expected ':'":         true,
}

// syntaxProblem returns the *RuleError for a file that YAML cannot parse,
// which the parser reported as err. The parser names only a line, often
// that of the construct around the fault, so locateSyntax finds the line
// and column again. The Chinese explanation is followed by the parser's
// English text.
func syntaxProblem(data []byte, err error) *RuleError {
	m := syntaxMessageRE.FindStringSubmatch(err.Error())
	problem := m[2]
	msg := "YAML 格式错误"
	if why, ok := syntaxExplanations[problem]; ok {
		msg += "：" + why
	}
	msg += "（YAML 解析器：" + problem + "）"

	line, column := locateSyntax(string(data), problem)
	return &RuleError{Line: line, Column: column, Message: msg}
}

// locateSyntax returns the 1-based line and column, in runes, of the
// fault that the parser reports as problem, or 0 for what it cannot find.
// The line is the last of the shortest run of whole lines that fails with
// the same problem. The column is the end of the shortest start of that
// line that fails alike, except that an unclosed list or mapping is placed
// at its opening bracket and a wrongly indented line at its first
// character.
//
// NOTE: the search is a heuristic. A list or quoted string that spans
// lines fails when cut, so a fault after one can be placed too early when
// the cut fails with the same problem text.
func locateSyntax(text, problem string) (line, column int) {
	lines := strings.SplitAfter(text, "\n")
	if len(lines) > syntaxLimit {
		return 0, 0
	}
	for k := 1; k <= len(lines) && line == 0; k++ {
		if parseProblem(strings.Join(lines[:k], "")) == problem {
			line = k
		}
	}
	if line == 0 {
		return 0, 0
	}

	before := strings.Join(lines[:line-1], "")
	runes := []rune(strings.TrimRight(lines[line-1], "\r\n"))
	switch {
	case strings.Contains(problem, "tab character"):
		if i := slices.Index(runes, '\t'); i >= 0 {
			return line, i + 1
		}
	case indentProblems[problem]:
		return line, 1 + len(runes) - len([]rune(strings.TrimLeftFunc(string(runes), unicode.IsSpace)))
	case strings.HasPrefix(problem, "did not find expected ','"):
		if c := unclosedBracket(runes); c > 0 {
			return line, c
		}
	}
	for c := 1; c <= len(runes); c++ {
		if parseProblem(before+string(runes[:c])) == problem {
			return line, c
		}
	}
	return line, 0
}

// parseProblem returns the problem text of the YAML parser's error on
// text, or "" when text parses.
func parseProblem(text string) string {
	var n yaml.Node
	err := yaml.Unmarshal([]byte(text), &n)
	if err == nil {
		return ""
	}
	return syntaxMessageRE.FindStringSubmatch(err.Error())[2]
}

// unclosedBracket returns the 1-based column of the last [ or { of line
// that the line does not close, outside quotes, or 0 when there is none.
func unclosedBracket(line []rune) int {
	var open []int
	var quote rune
	for i, r := range line {
		switch {
		case quote != 0:
			if r == quote {
				quote = 0
			}
		case r == '"' || r == '\'':
			quote = r
		case r == '#' && (i == 0 || unicode.IsSpace(line[i-1])):
			return last(open)
		case r == '[' || r == '{':
			open = append(open, i+1)
		case (r == ']' || r == '}') && len(open) > 0:
			open = open[:len(open)-1]
		}
	}
	return last(open)
}

func last(xs []int) int {
	if len(xs) == 0 {
		return 0
	}
	return xs[len(xs)-1]
}

package scoring

import (
	"fmt"
	"strings"
	"testing"
)

func TestSyntaxErrorLineAndColumn(t *testing.T) {
	tests := []struct {
		name         string
		yaml         string
		line, column int
		want         string
	}{
		{"UnclosedList", "name: a\ntracks: [a, b\nindicators: []\n", 2, 9, "缺少右方括号 ]"},
		{"UnclosedListAfterMultiLineList", "tracks: [a,\n  b]\nx: [1, 2\ny: 3\n", 3, 4, "缺少右方括号 ]"},
		{"UnclosedMapping", "name: x\nindicators:\n  - {id: a, name: 甲, weight: 1\n  - {id: b}\n", 3, 5, "缺少右花括号 }"},
		{"TwoColons", "name: a: b\n", 1, 8, "两个冒号"},
		{"Tab", "name: a\n\ttracks: x\n", 2, 1, "制表符 Tab"},
		{"BadIndent", "name: a\ntracks:\n  - name: a\n   weights: x\n", 4, 4, "缩进不对"},
		{"UnclosedQuote", "name: \"abc\nx: 1\n", 1, 7, "引号"},
		{"At", "name: a\nb: @x\n", 2, 4, "不能作为值的开头"},
		{"KeyAfterList", "- a\nb: c\n", 2, 1, "缩进不对"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := ParseRuleSet([]byte(tt.yaml))
			problems := ruleProblems(t, err)
			if len(problems) != 1 {
				t.Fatalf("ParseRuleSet = %v, want one problem", err)
			}
			p := problems[0]
			if p.Line != tt.line || p.Column != tt.column {
				t.Errorf("problem %q at line %d column %d, want line %d column %d", p, p.Line, p.Column, tt.line, tt.column)
			}
			if !strings.Contains(p.Message, tt.want) || !strings.Contains(p.Message, "YAML 解析器：") {
				t.Errorf("problem %q, want it to contain %q and the parser's text", p, tt.want)
			}
			if want := fmt.Sprintf("第 %d 行第 %d 列 YAML 格式错误：", tt.line, tt.column); !strings.HasPrefix(p.Error(), want) {
				t.Errorf("Error() = %q, want it to start with %q", p.Error(), want)
			}
		})
	}
}

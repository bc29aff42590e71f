package ingest

import (
	"encoding/json"
	"strings"
	"testing"
)

func TestIssueString(t *testing.T) {
	tests := []struct {
		name  string
		issue Issue
		want  string
	}{
		{"cell value", Issue{File: "12b.csv", Row: 4, Column: "完成率", Value: "135%",
			Reason: "超出0–100%范围", Fix: "请改为0–100之间的数后重新上传"},
			"12b.csv 第4行“完成率”列的值“135%”超出0–100%范围，请改为0–100之间的数后重新上传"},
		{"empty cell", Issue{File: "a.csv", Row: 9, Column: "项目编号", Reason: "为空，此列必须填写", Fix: "请填写项目编号后重新上传"},
			"a.csv 第9行“项目编号”列为空，此列必须填写，请填写项目编号后重新上传"},
		{"whole row", Issue{File: "a.csv", Row: 7, Value: "慈溪市，NB-1", Reason: "只有1个字段", Fix: "请改用英文逗号"},
			"a.csv 第7行只有1个字段，请改用英文逗号"},
		{"whole file", Issue{File: "a.csv", Reason: "文件中没有任何内容", Fix: "请检查是否选错了文件"},
			"a.csv 文件中没有任何内容，请检查是否选错了文件"},
		{"worksheet", Issue{File: "b.xlsx", Sheet: "进度填报", Row: 3, Column: "本期进度/完成率", Value: "待定", Reason: "不是数字"},
			"b.xlsx 工作表“进度填报”第3行“本期进度/完成率”列的值“待定”不是数字"},
		{"no file name", Issue{Row: 2, Column: "单位", Value: "x", Reason: "不在单位名单中"},
			"第2行“单位”列的值“x”不在单位名单中"},
		{"long value", Issue{Row: 2, Column: "进展情况", Value: strings.Repeat("长", 45), Reason: "有误"},
			"第2行“进展情况”列的值“" + strings.Repeat("长", 40) + "…”有误"},
		{"line breaks", Issue{Row: 2, Column: "进展情况", Value: "一\r\n二\n三", Reason: "有误"},
			"第2行“进展情况”列的值“一⏎二⏎三”有误"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := tt.issue.String(); got != tt.want {
				t.Errorf("String() = %q, want %q", got, tt.want)
			}
		})
	}
}

func TestIssueFormString(t *testing.T) {
	tests := []struct {
		name  string
		issue Issue
		want  string
	}{
		{"field value", Issue{Column: "轮次", Value: "1", Reason: "项目P1的完成登记为第1轮，而项目当前是第2轮",
			Fix: "请在“轮次”列填写2或留空", OwnSubject: true},
			"“轮次”栏的值“1”：项目P1的完成登记为第1轮，而项目当前是第2轮，请在“轮次”栏填写2或留空"},
		{"save again", Issue{Column: "变更原因", Reason: "项目P1的变更没有记录变更原因", Fix: "请填写变更原因后重新上传",
			OwnSubject: true},
			"“变更原因”栏：项目P1的变更没有记录变更原因，请填写变更原因后重新保存"},
		{"no field", Issue{Reason: "项目P1的完成之前没有评估记录", Fix: "请先登记评估阶段，再登记完成"},
			"项目P1的完成之前没有评估记录，请先登记评估阶段，再登记完成"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := tt.issue.FormString(); got != tt.want {
				t.Errorf("FormString() = %q, want %q", got, tt.want)
			}
		})
	}
}

func TestSeverity(t *testing.T) {
	var zero Severity
	if zero != SeverityError || zero.String() != "错误" || SeverityWarning.String() != "警告" {
		t.Errorf("severities = %v, %v, want 错误 as the zero value and 警告", zero, SeverityWarning)
	}
	b, err := json.Marshal([]Severity{SeverityError, SeverityWarning})
	if err != nil || string(b) != `["error","warning"]` {
		t.Errorf("json.Marshal(severities) = %s, %v, want [\"error\",\"warning\"]", b, err)
	}
}

func TestIssueListLimit(t *testing.T) {
	l := issueList{limit: 2}
	for _, row := range []int{5, 3, 9} {
		l.add(Issue{Row: row})
		l.add(Issue{Row: row, Severity: SeverityWarning})
	}
	l.add(Issue{Row: 1, Severity: SeverityWarning})
	l.sort()
	if len(l.errors) != 2 || l.errorsOmitted != 1 || l.errorCount() != 3 {
		t.Errorf("errors = %d listed, %d omitted, want 2 and 1", len(l.errors), l.errorsOmitted)
	}
	if len(l.warnings) != 2 || l.warningsOmitted != 2 {
		t.Errorf("warnings = %d listed, %d omitted, want 2 and 2", len(l.warnings), l.warningsOmitted)
	}
	if l.errors[0].Row != 3 || l.errors[1].Row != 5 {
		t.Errorf("error rows = %d, %d, want 3, 5 after sorting", l.errors[0].Row, l.errors[1].Row)
	}
}

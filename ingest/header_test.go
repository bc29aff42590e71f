package ingest

import (
	"fmt"
	"slices"
	"strings"
	"testing"

	"golang.org/x/text/encoding/traditionalchinese"

	"saima"
)

func TestDetectDataset(t *testing.T) {
	tests := []struct {
		header, want string
	}{
		{"单位,单位类别", saima.DatasetUnits},
		{"序号,单位名称,类别,别名", saima.DatasetUnits},
		{"项目编号,项目名称,责任单位", saima.DatasetProjects},
		{"项目编号,阶段,日期,决策主体", saima.DatasetStages},
		{"项目编号,里程碑,计划完成日期", saima.DatasetMilestones},
		{"单位,项目编号,填报期间,完成率", saima.DatasetProgress},
		{"填报单位,项目代码,期间,完成进度", saima.DatasetProgress},
		{"单位*,项目编号*,填报期间*,完成率（%）*", saima.DatasetProgress},
		{"被考评单位,指标,得分,考评方式,考评期间", saima.DatasetAssessments},
		{"问题编号,单位,发现日期", saima.DatasetProblems},
		{"单位,项目编号,项目名称,填报期间,完成率", saima.DatasetProgress},
	}
	for _, tt := range tests {
		t.Run(tt.header, func(t *testing.T) {
			s, prob := detectSchema(oneRowCandidate(0, splitComma(tt.header)))
			if prob != nil {
				t.Fatalf("detectSchema(%s) problem: %s", tt.header, prob.reason)
			}
			if s.dataset != tt.want {
				t.Errorf("detectSchema(%s) = %s, want %s", tt.header, s.dataset, tt.want)
			}
		})
	}
}

func splitComma(s string) []string {
	var out []string
	start := 0
	for i := 0; i <= len(s); i++ {
		if i == len(s) || s[i] == ',' {
			out = append(out, s[start:i])
			start = i + 1
		}
	}
	return out
}

func TestHeaderIssues(t *testing.T) {
	tests := []struct {
		name, text, dataset string
		errors, warnings    []string
	}{
		{name: "unknown",
			text:   "姓名,年龄\n张三,30\n",
			errors: []string{"h.csv 第1行的表头无法识别为任何一种数据（表头中的列为：姓名、年龄），请使用系统提供的模板，或在上传时选择数据类型"}},
		{name: "ambiguous",
			text:   "项目编号,里程碑,计划完成日期,阶段,日期\nNB-1,上线,2026-12-31,实施,2026-09-01\n",
			errors: []string{"h.csv 第1行的表头同时符合“项目阶段”和“里程碑”的格式，请在上传时选择数据类型"}},
		{name: "ambiguous resolved by dataset", dataset: saima.DatasetStages,
			text: "项目编号,里程碑,计划完成日期,阶段,日期\nNB-1,上线,2026-12-31,实施,2026-09-01\n",
			warnings: []string{
				"h.csv 第1行“里程碑”列不是项目阶段模板中的列，此列的内容没有导入，如果这列需要导入，请使用最新模板中的列名",
				"h.csv 第1行“计划完成日期”列不是项目阶段模板中的列，此列的内容没有导入，如果这列需要导入，请使用最新模板中的列名",
			}},
		{name: "duplicate column",
			text:   "单位,填报单位,项目编号,填报期间,完成率\n余姚市,余姚市,NB-1,2026Q3,50%\n",
			errors: []string{"h.csv 第1行“填报单位”列与前面的另一列都表示“单位”，同一列出现了两次，请删除或改名其中一列后重新上传"}},
		{name: "unknown column",
			text:     "单位,项目编号,填报期间,完成率,备注\n余姚市,NB-1,2026Q3,50%,无\n",
			warnings: []string{"h.csv 第1行“备注”列不是进度填报模板中的列，此列的内容没有导入，如果这列需要导入，请使用最新模板中的列名"}},
		{name: "wrong dataset named", dataset: saima.DatasetMilestones,
			text: "项目编号,里程碑,完成率\nNB-1,上线,50%\n",
			errors: []string{"h.csv 第1行“计划完成日期”列在表头中不存在（表头中的列为：项目编号、里程碑、完成率），" +
				"请使用最新模板，补上“计划完成日期”列后重新上传"},
			warnings: []string{"h.csv 第1行“完成率”列不是里程碑模板中的列，此列的内容没有导入，如果这列需要导入，请使用最新模板中的列名"}},
		{name: "two required columns missing",
			text: "单位,项目编号,项目名称\n余姚市,NB-1,x\n", dataset: saima.DatasetProgress,
			errors: []string{
				"h.csv 第1行“填报期间”列在表头中不存在（表头中的列为：单位、项目编号、项目名称），请使用最新模板，补上“填报期间”列后重新上传",
				"h.csv 第1行“完成率”列在表头中不存在（表头中的列为：单位、项目编号、项目名称），请使用最新模板，补上“完成率”列后重新上传",
			}},
		{name: "full-width header",
			text:   "单位，项目编号，填报期间，完成率\n余姚市，NB-1，2026Q3，50%\n",
			errors: []string{"h.csv 第1行的表头用中文逗号“，”分隔各列，无法分列，请改用英文逗号“,”分隔，或改为上传xlsx文件"}},
		{name: "semicolon header",
			text: "单位;项目编号;填报期间;完成率\n余姚市;NB-1;2026Q3;50%\n",
			errors: []string{"h.csv 第1行的表头用分号“;”分隔各列，系统只能读取逗号或制表符分隔的文件，" +
				"请在Excel中把文件另存为“CSV UTF-8（逗号分隔）”后重新上传，或改为上传xlsx文件"}},
		{name: "semicolon header of a chosen dataset",
			text: "单位;项目编号;填报期间;完成率\n余姚市;NB-1;2026Q3;50%\n", dataset: saima.DatasetProgress,
			errors: []string{"h.csv 第1行的表头用分号“;”分隔各列，系统只能读取逗号或制表符分隔的文件，" +
				"请在Excel中把文件另存为“CSV UTF-8（逗号分隔）”后重新上传，或改为上传xlsx文件"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res := parseText(t, "h.csv", tt.text, Options{Dataset: tt.dataset})
			if got := issueStrings(res.Errors); !slices.Equal(got, tt.errors) {
				t.Errorf("errors = %q, want %q", got, tt.errors)
			}
			if got := issueStrings(res.Warnings); !slices.Equal(got, tt.warnings) {
				t.Errorf("warnings = %q, want %q", got, tt.warnings)
			}
		})
	}
}

func TestHeaderBelowTitleRows(t *testing.T) {
	text := "2026年第三季度项目进度填报表,,,\n填报单位：余姚市,,,\n单位,项目编号,填报期间,完成率\n" +
		"余姚市,NB-1,2026Q3,50%\n余姚市,NB-2,2026Q3,150%\n"
	res := parseText(t, "t.csv", text, Options{})
	if res.Dataset != saima.DatasetProgress || res.Rows != 2 {
		t.Fatalf("dataset, rows = %q, %d, want progress, 2", res.Dataset, res.Rows)
	}
	if len(res.Errors) != 1 || res.Errors[0].Row != 5 {
		t.Errorf("errors = %q, want one on row 5", issueStrings(res.Errors))
	}
}

func TestHeaderTwoRowsInText(t *testing.T) {
	// A CSV saved from a sheet with a merged group header keeps the group
	// name in its first cell only.
	text := "单位,项目编号,填报期间,本期进度,\n,,,完成率,填报日期\n余姚市,NB-1,2026Q3,50%,2026/9/30\n"
	res := parseText(t, "t.csv", text, Options{})
	requireNoErrors(t, res)
	want := []string{"单位", "项目编号", "填报期间", "本期进度/完成率", "填报日期"}
	if !slices.Equal(res.Columns, want) {
		t.Errorf("Columns = %q, want %q", res.Columns, want)
	}
	if got := progressLines(res.Batch.Progress); len(got) != 1 || got[0] != "余姚市|NB-1||2026Q3|50|2026-09-30||" {
		t.Errorf("records = %q", got)
	}
}

func TestSchemaFor(t *testing.T) {
	for _, s := range schemas {
		if got := schemaFor(s.dataset); got != s {
			t.Errorf("schemaFor(%q) = %v", s.dataset, got)
		}
		if got := schemaFor(s.title); got != s {
			t.Errorf("schemaFor(%q) = %v", s.title, got)
		}
	}
	if got := schemaFor("scores"); got != nil {
		t.Errorf("schemaFor(scores) = %v, want nil", got.dataset)
	}
}

// TestHeaderInAnotherEncoding checks that a header the decoder could not
// read, here a Big5 file read as GB18030, gets a hint about the encoding.
func TestHeaderInAnotherEncoding(t *testing.T) {
	big5, err := traditionalchinese.Big5.NewEncoder().String("單位,項目編號,填報期間,完成率\n余姚市,NB-1,2026Q3,50%\n")
	if err != nil {
		t.Fatal(err)
	}
	res := parseText(t, "b.csv", big5, Options{})
	got := issueStrings(res.Errors)
	if len(got) != 1 || !strings.Contains(got[0], "文件的编码可能不是UTF-8、GBK或GB18030，例如繁体的Big5") ||
		!strings.Contains(got[0], "另存为“CSV UTF-8（逗号分隔）”") {
		t.Errorf("errors = %q, want one header error with the encoding hint", got)
	}
}

func TestListNamesShortens(t *testing.T) {
	long := strings.Repeat("锟斤拷", 10)
	names := []string{"单位", long, "\x00"}
	for i := range 20 {
		names = append(names, fmt.Sprintf("列%d", i))
	}
	got := listNames(names)
	want := "单位、" + strings.Repeat("锟斤拷", 6) + "锟斤…、列0、列1、列2、列3、列4、列5、列6、列7、列8、列9等共22列"
	if got != want {
		t.Errorf("listNames = %q, want %q", got, want)
	}
	if got := listNames([]string{"\x00", ""}); got != "（空）" {
		t.Errorf("listNames(control only) = %q, want （空）", got)
	}
}

// Templates mark required columns with a * before the name, and clerks
// add format notes in brackets. Both still name the column, except a
// note on a percent or number column, which may change its unit.
func TestHeaderMarkAndNote(t *testing.T) {
	res := parseText(t, "p.csv", "*单位,*项目编号,*填报期间,＊完成率,\"填报日期\n（yyyy-mm-dd）\",进展情况(限500字)\n"+
		"宁波市海曙区,NB-1,2026Q3,50%,2026/9/30,进展\n", Options{})
	requireNoErrors(t, res)
	if len(res.Warnings) != 0 {
		t.Errorf("warnings = %q, want none", issueStrings(res.Warnings))
	}
	want := []string{"宁波市海曙区|NB-1||2026Q3|50|2026-09-30|进展|"}
	if got := progressLines(res.Batch.Progress); !slices.Equal(got, want) {
		t.Errorf("records = %q, want %q", got, want)
	}

	res = parseText(t, "p.csv", "单位,项目编号,填报期间,完成率(‰)\n宁波市海曙区,NB-1,2026Q3,500\n", Options{})
	if len(res.Errors) != 1 || res.Errors[0].Column != "完成率" {
		t.Errorf("errors = %q, want one missing-column error for 完成率", issueStrings(res.Errors))
	}
}

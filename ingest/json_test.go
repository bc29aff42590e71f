package ingest

import (
	"slices"
	"strings"
	"testing"

	"saima"
)

func TestJSONRecords(t *testing.T) {
	text := `[
		{"单位": "余姚", "项目编号": "ＮＢ－１", "填报期间": "2026年第三季度", "完成率": "85%", "进展情况": " 完成土建 "},
		{"unit": "宁海县", "project_code": "NB-2", "period": "2026Q3", "percent": 40, "report_date": "2026-09-30",
		 "problems": null},
		{"填报单位": "余姚市", "PROJECT_CODE": "NB-3", "填报期间": "2026-09", "完成率": 0}
	]`
	res := parseText(t, "p.json", text, Options{Dataset: saima.DatasetProgress})
	requireNoErrors(t, res)
	want := []string{
		"余姚市|NB-1||2026Q3|85|nil|完成土建|",
		"宁海县|NB-2||2026Q3|40|2026-09-30||",
		"余姚市|NB-3||2026-09|0|nil||",
	}
	if got := progressLines(res.Batch.Progress); !slices.Equal(got, want) {
		t.Errorf("records =\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	if res.Rows != 3 || res.Dataset != saima.DatasetProgress {
		t.Errorf("rows, dataset = %d, %s, want 3, progress", res.Rows, res.Dataset)
	}
}

func TestJSONValues(t *testing.T) {
	text := `[{"name": "宁波市海曙区", "kind": "区县（市）", "aliases": ["海曙", "海曙区"], "code": 330203}]`
	res := parseText(t, "u.json", text, Options{})
	requireNoErrors(t, res)
	if res.Dataset != saima.DatasetUnits || len(res.Batch.Units) != 1 {
		t.Fatalf("dataset, units = %s, %d, want units, 1", res.Dataset, len(res.Batch.Units))
	}
	u := res.Batch.Units[0]
	if !slices.Equal(u.Aliases, []string{"海曙", "海曙区"}) || u.Code != "330203" {
		t.Errorf("unit = %+v, want the aliases of the list and the code as written", u)
	}

	text = `[{"项目编号": "NB-1", "项目名称": "驾驶舱", "责任单位": "余姚市", "是否领导领衔": true, "预算（万元）": 120.50}]`
	res = parseText(t, "p.json", text, Options{})
	requireNoErrors(t, res)
	p := res.Batch.Projects[0]
	if !p.LeaderLed || p.Budget.Decimal.String() != "120.5" || p.Budget.Decimal.Exponent() != -2 {
		t.Errorf("project = %+v, want leader-led and the budget 120.50 as written", p)
	}

	text = `[{"单位": "余姚市", "项目编号": "NB-1", "填报期间": "2026Q3", "完成率": "85%",
		"存在问题": ["管网", null, "", "征地"], "进展情况": [null]}]`
	res = parseText(t, "p.json", text, Options{})
	requireNoErrors(t, res)
	if r := res.Batch.Progress[0]; r.Problems != "管网、征地" || r.Progress != "" {
		t.Errorf("存在问题, 进展情况 = %q, %q, want the list without its null and empty items: 管网、征地 and empty",
			r.Problems, r.Progress)
	}
}

func TestJSONIssues(t *testing.T) {
	const ok = `"单位": "余姚市", "项目编号": "NB-1", "填报期间": "2026Q3", "完成率": "50%"`
	tests := []struct {
		name     string
		text     string
		errors   []string
		warnings []string
	}{
		{name: "bad value",
			text:   `[{` + ok + `}, {"单位": "余姚市", "项目编号": "NB-2", "填报期间": "2026Q3", "完成率": "135%"}]`,
			errors: []string{"b.json 第2行“完成率”列的值“135%”超出0–100%范围，请改为0–100之间的数后重新上传"}},
		{name: "missing key",
			text:   `[{"单位": "余姚市", "项目编号": "NB-1", "填报期间": "2026Q3"}]`,
			errors: []string{"b.json 第1行“完成率”列缺失，每条记录都须有这个字段，请补上“完成率”（英文字段名 percent）字段；没有数据时写null"}},
		{name: "missing key and a bad value",
			// The missing field does not hide the row's other errors, and
			// is not reported a second time as an empty cell.
			text: `[{"单位": "余姚市", "项目编号": "NB-1", "完成率": "135%"}]`,
			errors: []string{
				"b.json 第1行“填报期间”列缺失，每条记录都须有这个字段，请补上“填报期间”（英文字段名 period）字段；没有数据时写null",
				"b.json 第1行“完成率”列的值“135%”超出0–100%范围，请改为0–100之间的数后重新上传"}},
		{name: "missing key and an unknown unit",
			text: `[{"unit": "慈溪", "project_code": "NB-2", "period": "2026Q3"}]`,
			errors: []string{
				"b.json 第1行“完成率”列缺失，每条记录都须有这个字段，请补上“完成率”（英文字段名 percent）字段；没有数据时写null",
				"b.json 第1行“单位”列的值“慈溪”不在单位名单中，请改为单位名单中的单位名称后重新上传"}},
		{name: "null value",
			text:   `[{"单位": "余姚市", "项目编号": null, "填报期间": "2026Q3", "完成率": null}]`,
			errors: []string{"b.json 第1行“项目编号”列为空，此列必须填写，请填写项目编号后重新上传"}},
		{name: "two keys for one column",
			text:   `[{` + ok + `, "percent": "60%"}]`,
			errors: []string{"b.json 第1行“完成率”列的值“60%”与字段“完成率”重复，两者都表示“完成率”，请只保留其中一个字段"}},
		{name: "object value",
			text: `[{"单位": {"名称": "余姚市"}, "项目编号": "NB-1", "填报期间": "2026Q3", "完成率": "50%"}]`,
			errors: []string{"b.json 第1行“单位”列不是文本、数字、true/false或由它们组成的列表，" +
				"请改为文本或数字，列表中的值用、分隔或写成字符串数组"}},
		{name: "formula error value",
			// A program that copies a sheet's shown values sends them as
			// text.
			text: `[{"单位": "余姚市", "项目编号": "NB-1", "填报期间": "2026Q3", "完成率": "50%", "进展情况": "#N/A"}]`,
			errors: []string{"b.json 第1行“进展情况”列的值“#N/A”是公式出错时显示的错误值，不是要填写的内容，" +
				"请检查这一格的公式（例如查找不到对应的值、除数为0或引用的单元格已删除），改正后重新上传；也可以直接填写内容，没有内容请留空"}},
		{name: "not an object",
			text:   `[{` + ok + `}, "余姚市"]`,
			errors: []string{`b.json 第2行不是JSON对象，数组中的每个元素都应是一个对象，如{"单位": "余姚市", …}`}},
		{name: "unknown key once",
			text:     `[{` + ok + `, "备注": "a"}, {"单位": "余姚市", "项目编号": "NB-2", "填报期间": "2026Q3", "完成率": "50%", "备注": "b"}]`,
			warnings: []string{"b.json 第1行“备注”列不是进度填报的字段，这个字段的内容没有导入，如果需要导入，请改用模板中的中文列名或对应的英文字段名"}},
		{name: "empty key",
			text:     `[{` + ok + `, "": "a"}]`,
			warnings: []string{"b.json 第1行有一个名称为空的字段，这个字段的内容没有导入，如果需要导入，请给它填上模板中的中文列名或对应的英文字段名"}},
		{name: "empty array",
			text:   ` [ ] `,
			errors: []string{"b.json 是一个空的JSON数组，没有任何记录，请至少提交一条记录"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res := parseText(t, "b.json", tt.text, Options{Dataset: saima.DatasetProgress})
			if got := issueStrings(res.Errors); !slices.Equal(got, tt.errors) {
				t.Errorf("errors = %q, want %q", got, tt.errors)
			}
			if got := issueStrings(res.Warnings); !slices.Equal(got, tt.warnings) {
				t.Errorf("warnings = %q, want %q", got, tt.warnings)
			}
		})
	}
}

func TestJSONBroken(t *testing.T) {
	tests := []struct {
		name, text, want string
	}{
		{"syntax", `[{"单位": "余姚市",}]`, "JSON格式错误（第24个字节附近）"},
		{"syntax in third element", `[{"a":1}, {"b":2}, {"c":}]`, "JSON格式错误（第22个字节附近）"},
		{"missing comma", `[{"a":1}, {"b":2} {"c":3}]`, "JSON格式错误（第18个字节附近）"},
		{"cut short", `[{"单位": "余姚市"}`, "JSON内容在第24个字节处中断"},
		{"cut inside a value", `[{"单位":"宁波市海曙区","项目编号":"NB-20`, "JSON内容在第53个字节处中断"},
		{"trailing", `[{"单位": "余姚市"}] x`, "JSON数组结束后还有其他内容"},
		{"invalid utf-8", "[{\"单位\": \"\xff\"}]", "JSON内容含有不是UTF-8编码的字节"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Parse(strings.NewReader(tt.text), Options{Dataset: saima.DatasetProgress, Roster: testRoster})
			if saima.ErrorKind(err) != saima.KindInvalid || !strings.HasPrefix(saima.ErrorMessage(err), tt.want) {
				t.Errorf("Parse() error = %v, want kind invalid starting %q", err, tt.want)
			}
		})
	}
}

func TestLooksLikeJSON(t *testing.T) {
	tests := []struct {
		text string
		want bool
	}{
		{`[{"a": 1}]`, true},
		{"\xEF\xBB\xBF\n  [ \n{", true},
		{"[]", true},
		{"[单位],项目编号\n", false},
		{"单位,项目编号\n", false},
		{"", false},
	}
	for _, tt := range tests {
		if got := jsonStart.MatchString(tt.text); got != tt.want {
			t.Errorf("jsonStart.MatchString(%q) = %v, want %v", tt.text, got, tt.want)
		}
	}
}

func TestFieldNames(t *testing.T) {
	for _, s := range schemas {
		for field, name := range fieldNames[s.dataset] {
			if c := s.column(field); c == nil || c.name != name {
				t.Errorf("%s: field %s names column %v, want %s", s.dataset, field, c, name)
			}
		}
	}
	for dataset := range fieldNames {
		if schemaFor(dataset) == nil {
			t.Errorf("fieldNames lists dataset %s, which has no schema", dataset)
		}
	}
}

func TestFieldNamesAsCSVHeader(t *testing.T) {
	text := "unit,project_code,period,percent\n余姚市,NB-1,2026Q3,50%\n"
	res := parseText(t, "e.csv", text, Options{})
	requireNoErrors(t, res)
	if res.Dataset != saima.DatasetProgress || len(res.Batch.Progress) != 1 {
		t.Errorf("dataset, records = %s, %d, want progress, 1", res.Dataset, len(res.Batch.Progress))
	}
}

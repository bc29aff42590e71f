package ingest

import (
	"slices"
	"testing"
)

func TestRowShape(t *testing.T) {
	const header = "单位,项目编号,项目名称,填报期间,完成率,填报日期,进展情况,存在问题\n"
	tests := []struct {
		name, row        string
		errors, warnings []string
		records          int
	}{
		{name: "comma in progress text",
			row:    "余姚市,NB-1,园区,2026Q3,47%,2026/9/30,完成土建,正在安装设备,无\n",
			errors: []string{"s.csv 第2行有9个字段，多于表头的8列，可能是“完成土建,正在安装设备”中的逗号没有加引号，请把这段文字放在一对英文双引号中，或把其中的逗号改成中文逗号“，”，也可以改为上传xlsx文件"}},
		{name: "comma in project name",
			row:    "余姚市,NB-1,园区,一期,2026Q3,47%,2026/9/30,完成,无\n",
			errors: []string{"s.csv 第2行有9个字段，多于表头的8列，可能是“园区,一期”中的逗号没有加引号，请把这段文字放在一对英文双引号中，或把其中的逗号改成中文逗号“，”，也可以改为上传xlsx文件"}},
		{name: "leftmost of two fitting texts",
			row:    "余姚市,NB-1,园区,2026Q3,47%,2026/9/30,完成,无,其他\n",
			errors: []string{"s.csv 第2行有9个字段，多于表头的8列，可能是“完成,无”中的逗号没有加引号，请把这段文字放在一对英文双引号中，或把其中的逗号改成中文逗号“，”，也可以改为上传xlsx文件"}},
		{name: "two extra fields",
			row:    "余姚市,NB-1,园区,2026Q3,47%,2026/9/30,一,二,三,无\n",
			errors: []string{"s.csv 第2行有10个字段，多于表头的8列，可能是“一,二,三”中的逗号没有加引号，请把这段文字放在一对英文双引号中，或把其中的逗号改成中文逗号“，”，也可以改为上传xlsx文件"}},
		{name: "full-width commas",
			row:    "余姚市，NB-1，园区，2026Q3，47%，2026/9/30，完成，无\n",
			errors: []string{"s.csv 第2行只有1个字段，字段之间用的是中文逗号“，”，请改用英文逗号“,”分隔各列，或改为上传xlsx文件"}},
		{name: "short row",
			row:      "余姚市,NB-1,园区,2026Q3,47%\n",
			warnings: []string{"s.csv 第2行只有5个字段，少于表头的8列，缺少的字段按空白读取，如有漏填的内容，请补齐后重新上传"},
			records:  1},
		{name: "empty extra fields",
			row:     "余姚市,NB-1,园区,2026Q3,47%,2026/9/30,完成,无,,, ,\n",
			records: 1},
		{name: "blank row",
			row:    ",,,,,,,\n",
			errors: []string{"s.csv 第1行之后没有数据，文件只有表头，请填写数据后重新上传"}},
		{name: "one field without full-width commas",
			row:      "余姚市\n",
			errors:   []string{"s.csv 第2行“项目编号”列为空，此列必须填写，请填写项目编号后重新上传", "s.csv 第2行“填报期间”列为空，此列必须填写，请填写填报期间后重新上传"},
			warnings: []string{"s.csv 第2行只有1个字段，少于表头的8列，缺少的字段按空白读取，如有漏填的内容，请补齐后重新上传"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res := parseText(t, "s.csv", header+tt.row, Options{})
			if got := issueStrings(res.Errors); !slices.Equal(got, tt.errors) {
				t.Errorf("errors = %q, want %q", got, tt.errors)
			}
			if got := issueStrings(res.Warnings); !slices.Equal(got, tt.warnings) {
				t.Errorf("warnings = %q, want %q", got, tt.warnings)
			}
			if tt.errors == nil && len(res.Batch.Progress) != tt.records {
				t.Errorf("records = %d, want %d", len(res.Batch.Progress), tt.records)
			}
		})
	}
}

// TestRowShapePaddedHeader checks a file that Excel padded because a cell
// under a blank header was filled: every line, the header too, has the
// same number of fields. The filled cell is data under an unnamed column,
// not a comma inside text. A row with one field more is still an error.
func TestRowShapePaddedHeader(t *testing.T) {
	const header = "单位,项目编号,填报期间,完成率,进展情况,,,\n"
	res := parseText(t, "s.csv", header+"余姚市,NB-1,2026Q3,47%,推进中,,备注,\n余姚市,NB-2,2026Q3,50%,,,,\n", Options{})
	requireNoErrors(t, res)
	want := []string{"s.csv 第2行第G列有内容，但这一列没有列名，其中的内容没有导入，如果这列需要导入，请在表头补上列名"}
	if got := issueStrings(res.Warnings); !slices.Equal(got, want) {
		t.Errorf("warnings = %q, want %q", got, want)
	}
	if len(res.Batch.Progress) != 2 || res.Batch.Progress[0].Progress != "推进中" {
		t.Errorf("records = %+v, want both rows with 进展情况 推进中 in the first", res.Batch.Progress)
	}

	res = parseText(t, "s.csv", header+"余姚市,NB-1,2026Q3,47%,完成土建,正在安装,,,\n", Options{})
	if len(res.Errors) != 1 {
		t.Errorf("a row one field longer than the padded header: errors = %q, want the comma error", issueStrings(res.Errors))
	}
}

func TestRowShapeTabs(t *testing.T) {
	text := "单位\t项目编号\t填报期间\t完成率\t进展情况\n余姚市\tNB-1\t2026Q3\t47%\t完成\t土建\n"
	res := parseText(t, "s.txt", text, Options{})
	want := []string{"s.txt 第2行有6个字段，多于表头的5列，可能是“完成\t土建”中的制表符没有加引号，请把这段文字放在一对英文双引号中，或把其中的制表符改成中文逗号“，”，也可以改为上传xlsx文件"}
	if got := issueStrings(res.Errors); !slices.Equal(got, want) {
		t.Errorf("errors = %q, want %q", got, want)
	}
}

func TestRowShapeNoFreeText(t *testing.T) {
	// Without a free-text column to blame, the error names no text.
	text := "单位,项目编号,填报期间,完成率\n余姚市,NB-1,2026Q3,47%,50%\n"
	res := parseText(t, "s.csv", text, Options{})
	want := []string{"s.csv 第2行有5个字段，多于表头的4列，可能有内容中的逗号没有加引号，请把含有逗号的内容放在一对英文双引号中，或改用中文逗号“，”，也可以改为上传xlsx文件"}
	if got := issueStrings(res.Errors); !slices.Equal(got, want) {
		t.Errorf("errors = %q, want %q", got, want)
	}
}

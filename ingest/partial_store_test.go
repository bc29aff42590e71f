package ingest_test

import (
	"fmt"
	"slices"
	"strings"
	"testing"

	"saima"
	"saima/ingest"
)

// A row with an error still counts for the check of repeated record keys
// when its key cells are good, so that one reply lists the repeat with
// the row's own error. Row 3 of the file is data row 1, and row 9 data
// row 7.
func TestImportRepeatedKeyOfRowWithError(t *testing.T) {
	const repeat = "与第3行的单位、项目编号和填报期间相同，以本行为准，如果两行都要保留，请检查是否填错；否则请删除前面的一行"
	tests := []struct {
		name     string
		chunk    int
		first    string // 单位 and 完成率 of the row that row 9 repeats
		second   string // the same of row 9
		errors   []string
		warnings []string
	}{
		{name: "first row has a bad percent", chunk: 100,
			first: "余姚市,135%", second: "余姚市,70%",
			errors:   []string{"r.csv 第3行“完成率”列的值“135%”超出0–100%范围，请改为0–100之间的数后重新上传"},
			warnings: []string{"r.csv 第9行" + repeat}},
		{name: "second row has a bad percent", chunk: 100,
			first: "余姚市,50%", second: "余姚市,135%",
			errors:   []string{"r.csv 第9行“完成率”列的值“135%”超出0–100%范围，请改为0–100之间的数后重新上传"},
			warnings: []string{"r.csv 第9行" + repeat}},
		{name: "across chunks", chunk: 5,
			first: "余姚市,135%", second: "余姚市,70%",
			errors: []string{"r.csv 第3行“完成率”列的值“135%”超出0–100%范围，请改为0–100之间的数后重新上传",
				"r.csv 第9行的单位、项目编号和填报期间“余姚市 / P-0002 / 2026Q3”与第3行相同；" +
					"文件超过5行时分批写入，第3行所在的一批已经写入，不能再以本行为准，请删除重复的行，只保留正确的一行，然后重新上传"}},
		// Both rows name a unit off the roster: neither has a key.
		{name: "a key cell in error is no key", chunk: 100, first: "余姚县,50%", second: "余姚县,70%"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			store := streamStore(t)
			svc := streamService(ingest.Adapt(store), tt.chunk)
			var b strings.Builder
			b.WriteString("单位,项目编号,填报期间,完成率\n")
			for i := range 10 {
				unit, percent, _ := strings.Cut("余姚市,50%", ",")
				code := fmt.Sprintf("P-%04d", i+1)
				switch i {
				case 1:
					unit, percent, _ = strings.Cut(tt.first, ",")
				case 7:
					unit, percent, _ = strings.Cut(tt.second, ",")
					code = "P-0002"
				}
				fmt.Fprintf(&b, "%s,%s,2026Q3,%s\n", unit, code, percent)
			}
			rep, err := importText(t, svc, "r.csv", b.String())
			if saima.ErrorKind(err) != saima.KindInvalid {
				t.Fatalf("Import() error = %v, want kind invalid", err)
			}
			// The errors of a unit off the roster are left out.
			errs := slices.DeleteFunc(issueStrings(rep.Errors), func(s string) bool { return strings.Contains(s, "单位名单") })
			if !slices.Equal(errs, tt.errors) {
				t.Errorf("errors = %q, want %q", errs, tt.errors)
			}
			if got := issueStrings(rep.Warnings); !slices.Equal(got, tt.warnings) {
				t.Errorf("warnings = %q, want %q", got, tt.warnings)
			}
			if got := visibleProgress(t, store); len(got) != 0 {
				t.Errorf("visible reports = %d, want none", len(got))
			}
		})
	}
}

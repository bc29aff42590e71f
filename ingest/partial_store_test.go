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
		{name: "a key cell in error is no key", chunk: 100, first: "余杭区,50%", second: "余杭区,70%"},
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

// The lifecycle check of stages runs on the rows whose cells are good,
// also when other rows have errors, so that one reply lists both. A row
// with an error is never the stage another row is dated against, and a
// project with a row whose stage cannot be read is left out, so that no
// row is blamed for a stage that the file may hold.
func TestImportStageOrderBesideErrors(t *testing.T) {
	tests := []struct {
		name string
		rows []string
		want []string // the errors, each as a prefix
	}{
		{name: "another project",
			rows: []string{
				"NB-1,预报,2026-13-01,宁波市北仑区,,,,,,",
				"NB-2,预报,2026-01-05,宁波市北仑区,,,,,,",
				"NB-2,初审,2026-01-10,市大数据局,,,,,,",
				"NB-2,论证,2026-02-01,市委改革办,,,,,,",
			},
			want: []string{"stages.csv 第2行“日期”列的值“2026-13-01”",
				"stages.csv 第5行“阶段”列的值“论证”：项目NB-2的论证跳过了审核阶段"}},
		{name: "the same project",
			rows: []string{
				"NB-1,预报,2026-01-05,宁波市北仑区,,,,,,",
				"NB-1,初审,2026-13-01,市经信局,,,,,,",
				"NB-1,审核,2026-01-03,市委改革办,,,,,,",
				"NB-1,实施,2026-02-10,,,,,,,",
			},
			want: []string{"stages.csv 第3行“日期”列的值“2026-13-01”",
				"stages.csv 第4行“日期”列的值“2026-01-03”：项目NB-1的审核早于前一阶段预报的日期2026-01-05",
				"stages.csv 第5行“阶段”列的值“实施”：项目NB-1的实施之前没有决策记录"}},
		{name: "a stage that cannot be read",
			rows: []string{
				"NB-1,预报,2026-01-05,宁波市北仑区,,,,,,",
				"NB-1,初申,2026-01-10,市经信局,,,,,,",
				"NB-1,审核,2026-01-20,市委改革办,,,,,,",
				"NB-2,初审,2026-01-10,市大数据局,,,,,,",
			},
			want: []string{"stages.csv 第3行“阶段”列的值“初申”不是可选的值",
				"stages.csv 第5行“阶段”列的值“初审”：项目NB-2的初审跳过了预报阶段"}},
		{name: "a project off the ledger",
			rows: []string{
				"NB-9,预报,2026-01-05,宁波市北仑区,,,,,,",
				"NB-1,预报,2026-01-05,宁波市北仑区,,,,,,",
				"NB-1,审核,2026-01-20,市委改革办,,,,,,",
			},
			want: []string{"stages.csv 第2行“项目编号”列的值“NB-9”不在项目台账中",
				"stages.csv 第4行“阶段”列的值“审核”：项目NB-1的审核跳过了初审阶段"}},
		{name: "a row without a project code",
			rows: []string{
				",预报,2026-01-05,宁波市北仑区,,,,,,",
				"NB-2,初审,2026-01-10,市大数据局,,,,,,",
				"NB-3,审核,2026-01-20,市财政局,,,,,,",
			},
			want: []string{"stages.csv 第2行“项目编号”列为空",
				"stages.csv 第4行“决策主体”列的值“市财政局”：项目NB-3的审核须由改革办决定"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			svc, store := lifecycleService(t)
			addProjects(t, store, "NB-2", "NB-3")
			rep, err := importStages(t, svc, tt.rows...)
			wantPrefixes(t, rep, err, tt.want)
			if rep.Upload.Errors != len(tt.want) {
				t.Errorf("upload errors = %d, want %d", rep.Upload.Errors, len(tt.want))
			}
			history, err := store.ListStageHistory(t.Context())
			if err != nil || len(history) != 0 {
				t.Errorf("stored history = %v, %v, want none", history, err)
			}
		})
	}
}

// wantPrefixes checks that err rejects the file and that rep lists
// exactly the errors that start with want, in order.
func wantPrefixes(tb testing.TB, rep *ingest.Report, err error, want []string) {
	tb.Helper()
	if saima.ErrorKind(err) != saima.KindInvalid {
		tb.Fatalf("Import() error = %v, want kind invalid", err)
	}
	got := issueStrings(rep.Errors)
	ok := len(got) == len(want)
	for i := 0; ok && i < len(want); i++ {
		ok = strings.HasPrefix(got[i], want[i])
	}
	if !ok {
		tb.Errorf("errors =\n%s\nwant prefixes\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}

// The order check of the problem loop runs on the rows whose cells are
// good, also when other rows have errors. A row with an error replaces
// no stored step that another row is dated against.
func TestImportStepOrderBesideErrors(t *testing.T) {
	tests := []struct {
		name   string
		stored []string
		rows   []string
		want   []string
	}{
		{name: "another problem",
			rows: []string{
				"WT-1,收集,,2026-13-01,,",
				"WT-2,收集,,2026-10-20,,",
				"WT-2,梳理归类,,2026-10-15,,",
			},
			want: []string{"steps.csv 第2行“日期”列的值“2026-13-01”",
				"steps.csv 第4行“日期”列的值“2026-10-15”：问题WT-2的梳理归类早于收集的日期2026-10-20"}},
		{name: "the same problem",
			rows: []string{
				"WT-1,收集,,2026-10-05,,",
				"WT-1,梳理归类,,2026-13-01,,",
				"WT-1,分析研判,,2026-10-03,,",
			},
			want: []string{"steps.csv 第3行“日期”列的值“2026-13-01”",
				"steps.csv 第4行“日期”列的值“2026-10-03”：问题WT-1的分析研判早于收集的日期2026-10-05"}},
		{name: "a stored step that a row with an error replaces",
			stored: []string{"WT-1,收集,,2026-10-02,,", "WT-1,梳理归类,,2026-10-20,,"},
			rows: []string{
				"WT-1,梳理归类,,2027-01-01,,",
				"WT-1,分析研判,,2026-10-10,,",
				"WT-1,分办落实,,2026-10-01,,",
			},
			want: []string{"steps.csv 第2行“日期”列的值“2027-01-01”晚于上传当天",
				"steps.csv 第4行“日期”列的值“2026-10-01”：问题WT-1的分办落实早于分析研判的日期2026-10-10"}},
		{name: "a step that cannot be read",
			stored: []string{"WT-1,收集,,2026-10-02,,", "WT-1,梳理归类,,2026-10-20,,"},
			rows: []string{
				"WT-1,梳理,,2026-10-08,,",
				"WT-1,分析研判,,2026-10-10,,",
				"WT-2,分析研判,,2026-10-12,,",
				"WT-2,梳理归类,,2026-10-14,,",
			},
			want: []string{"steps.csv 第2行“环节”列的值“梳理”不是可选的值",
				"steps.csv 第4行“日期”列的值“2026-10-12”：问题WT-2的分析研判早于梳理归类的日期2026-10-14"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			svc, _ := problemStepService(t)
			if len(tt.stored) > 0 {
				if _, err := importSteps(t, svc, tt.stored...); err != nil {
					t.Fatalf("import stored steps: %v", err)
				}
			}
			rep, err := importSteps(t, svc, tt.rows...)
			wantPrefixes(t, rep, err, tt.want)
		})
	}
}

package ingest

import (
	"slices"
	"strings"
	"testing"

	"saima"
)

func TestProgressIssues(t *testing.T) {
	const header = "单位,项目编号,填报期间,完成率,填报日期\n"
	tests := []issueCase{
		{name: "same key in two spellings",
			text:     header + "余姚市,NB-1,2026Q3,50%,\n余姚,ＮＢ－１,2026年第三季度,60%,\n",
			warnings: []string{"f.csv 第3行与第2行的单位、项目编号和填报期间相同，以本行为准，如果两行都要保留，请检查是否填错；否则请删除前面的一行"}},
		{name: "month and quarter are different keys",
			text: header + "余姚市,NB-1,2026Q3,50%,\n余姚市,NB-1,2026-09,60%,\n"},
		{name: "report date in the future",
			text:   header + "余姚市,NB-1,2026Q3,50%,2026-10-16\n",
			errors: []string{"f.csv 第2行“填报日期”列的值“2026-10-16”晚于上传当天（2026-10-15），实际发生的日期不能在将来，请填写实际填报进度的日期，即今天或之前的某一天"}},
		{name: "report date with a two-digit year long before the period",
			text: header + "余姚市,NB-1,2026Q3,80%,00年1月1日\n",
			warnings: []string{"f.csv 第2行“填报日期”列的值“00年1月1日”的年份只有两位，按2000年读作2000-01-01，" +
				"早于填报期间2026年第三季度的第一天（2026-07-01），" +
				"如果不是这一年，请写出四位年份；否则请核对填报日期和填报期间后重新上传"}},
		{name: "report date long before the period",
			text: header + "余姚市,NB-1,2026Q3,80%,2001-01-01\n余姚市,NB-2,2026-09,80%,2026年3月5日\n余姚市,NB-3,2026年度,80%,20250630\n",
			warnings: []string{
				"f.csv 第2行“填报日期”列的值“2001-01-01”早于填报期间2026年第三季度的第一天（2026-07-01），请核对填报日期和填报期间后重新上传",
				"f.csv 第3行“填报日期”列的值“2026年3月5日”早于填报期间2026年9月的第一天（2026-09-01），请核对填报日期和填报期间后重新上传",
				"f.csv 第4行“填报日期”列的值“20250630”早于填报期间2026年度的第一天（2026-01-01），请核对填报日期和填报期间后重新上传"}},
		{name: "report date in or after the period",
			text: header + "余姚市,NB-1,2026Q3,80%,2026-07-01\n余姚市,NB-2,2026Q3,80%,2026-10-08\n余姚市,NB-3,2026-09,80%,2026-09-30\n" +
				"余姚市,NB-4,2026Q2,80%,26年10月8日\n"},
		{name: "report date with an impossible zone",
			text:   header + "余姚市,NB-1,2026Q3,50%,2026-09-30 08:00+08:60\n",
			errors: []string{"f.csv 第2行“填报日期”列的值“2026-09-30 08:00+08:60”带有不存在的时区（时差最多14小时，分钟最多59），北京时间请写+08:00，或者只写日期，如2026-09-30"}},
		{name: "report date of an impossible day with a zone",
			text:   header + "余姚市,NB-1,2026Q3,50%,2026-09-31 08:00+08:00\n",
			errors: []string{"f.csv 第2行“填报日期”列的值“2026-09-31 08:00+08:00”不是真实存在的日期，请填写日历上存在的日期，如2026-09-30"}},
		{name: "missing period",
			text:   header + "余姚市,NB-1,,50%,\n",
			errors: []string{"f.csv 第2行“填报期间”列为空，此列必须填写，请填写填报期间后重新上传"}},
		{name: "bad period",
			text:   header + "余姚市,NB-1,第三季度,50%,\n",
			errors: []string{"f.csv 第2行“填报期间”列的值“第三季度”不是可识别的期间，季度请写2026Q3或2026年第三季度，月份请写2026-09或2026年9月，年度请写2026年度"}},
		{name: "quarter not begun",
			text: header + "余姚市,NB-1,2027Q1,99%,2026-10-15\n余姚市,NB-1,2099Q4,99%,\n",
			errors: []string{
				"f.csv 第2行“填报期间”列的值“2027Q1”（2027年第一季度）在上传当天（2026-10-15）还没有开始，" +
					"请核对填报期间；进度在该期间开始后填报",
				"f.csv 第3行“填报期间”列的值“2099Q4”（2099年第四季度）在上传当天（2026-10-15）还没有开始，" +
					"请核对填报期间；进度在该期间开始后填报",
			}},
		{name: "month not begun",
			text: header + "余姚市,NB-1,2026年11月,50%,\n",
			errors: []string{"f.csv 第2行“填报期间”列的值“2026年11月”在上传当天（2026-10-15）还没有开始，" +
				"请核对填报期间；进度在该期间开始后填报"}},
		{name: "running quarter and month",
			text: header + "余姚市,NB-1,2026Q4,50%,2026-10-15\n余姚市,NB-1,2026-10,50%,\n"},
		{name: "year outside the ledger",
			text: header + "余姚市,NB-1,0001Q1,5%,\n余姚市,NB-1,1999年第四季度,5%,\n余姚市,NB-1,2100Q1,5%,\n",
			errors: []string{
				"f.csv 第2行“填报期间”列的值“0001Q1”不在2000年至2099年之间，可能是笔误，请核对年份后重新填写",
				"f.csv 第3行“填报期间”列的值“1999年第四季度”不在2000年至2099年之间，可能是笔误，请核对年份后重新填写",
				"f.csv 第4行“填报期间”列的值“2100Q1”不在2000年至2099年之间，可能是笔误，请核对年份后重新填写",
			}},
		{name: "every error of a row",
			text: header + "余杭,,2026Q5,abc,2026-02-30\n",
			errors: []string{
				"f.csv 第2行“单位”列的值“余杭”不在单位名单中（最接近的是“余姚市”），请改为单位名单中的单位名称后重新上传",
				"f.csv 第2行“项目编号”列为空，此列必须填写，请填写项目编号后重新上传",
				"f.csv 第2行“填报期间”列的值“2026Q5”不是可识别的期间，季度请写2026Q3或2026年第三季度，月份请写2026-09或2026年9月，年度请写2026年度",
				"f.csv 第2行“填报日期”列的值“2026-02-30”不是真实存在的日期，请填写日历上存在的日期，如2026-09-30",
				"f.csv 第2行“完成率”列的值“abc”不是数字，请填写数字或百分数，如85或85%；未填报请留空",
			}},
		{name: "placeholders",
			text: header + "余姚市,NB-1,2026Q3,—,\n余姚市,NB-2,2026Q3,——,\n余姚市,NB-3,2026Q3,-,\n",
			warnings: []string{
				"f.csv 第2行“完成率”列的值“—”表示未填报，按未填报处理，如果已有进度，请填写完成率",
				"f.csv 第3行“完成率”列的值“——”表示未填报，按未填报处理，如果已有进度，请填写完成率",
				"f.csv 第4行“完成率”列的值“-”表示未填报，按未填报处理，如果已有进度，请填写完成率",
			}},
		{name: "fraction column with one percent sign",
			text: header + "余姚市,NB-1,2026Q3,0.5,\n余姚市,NB-2,2026Q3,150%,\n",
			errors: []string{
				"f.csv 第3行“完成率”列的值“150%”超出0–100%范围，请改为0–100之间的数后重新上传",
			},
			warnings: []string{
				"f.csv 第2行“完成率”列的值“0.5”没有带%，本列不带%的数都不大于1，按小数比例读作50%，如果本意是0.5%，请写成0.5%后重新上传",
			}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) { tt.run(t, Options{}) })
	}
}

func TestProgressDuplicateLaterWins(t *testing.T) {
	res := parseText(t, "f.csv", "单位,项目编号,填报期间,完成率\n余姚市,NB-1,2026Q3,50%\n余姚市,NB-2,2026Q3,10%\n余姚市,NB-1,2026Q3,60%\n", Options{})
	want := []string{"余姚市|NB-1||2026Q3|60|nil||", "余姚市|NB-2||2026Q3|10|nil||"}
	if got := progressLines(res.Batch.Progress); !slices.Equal(got, want) {
		t.Errorf("records = %q, want %q", got, want)
	}
}

func TestProgressPercentColumnScale(t *testing.T) {
	// The scale of bare numbers in (0, 1] depends on the whole column,
	// including rows read after them.
	tests := []struct {
		name   string
		values []string
		want   []string
	}{
		{"fraction form", []string{"0.5", "1", "0"}, []string{"50", "100", "0"}},
		{"percent points", []string{"0.5", "1", "2"}, []string{"0.5", "1", "2"}},
		{"signs do not decide", []string{"0.5", "80%", "0.25"}, []string{"50", "80", "25"}},
		{"blank does not decide", []string{"0.5", "", "/"}, []string{"50", "missing", "missing"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			text := "单位,项目编号,填报期间,完成率\n"
			for i, v := range tt.values {
				text += "余姚市,NB-" + string(rune('1'+i)) + ",2026Q3," + v + "\n"
			}
			res := parseText(t, "f.csv", text, Options{})
			requireNoErrors(t, res)
			var got []string
			for _, p := range res.Batch.Progress {
				got = append(got, percentString(p.Percent))
			}
			if !slices.Equal(got, tt.want) {
				t.Errorf("完成率 = %q, want %q", got, tt.want)
			}
		})
	}
}

func TestAssessmentIssues(t *testing.T) {
	const header = "被考评单位,指标,得分,满分,考评方式,考评期间,考评人,项目编号\n"
	tests := []issueCase{
		{name: "full marks zero",
			text:   header + "余姚市,开工率,0,0,线下年终,2026年度,,\n",
			errors: []string{"f.csv 第2行“满分”列的值“0”必须大于0，请填写该指标的满分"}},
		{name: "no full marks",
			text: header + "余姚市,开工率,120,,线下年终,2026年度,,\n余姚市,响应率,100,,线上日常,2026Q3,,\n",
			warnings: []string{"f.csv 第2行“得分”列的值“120”在满分为空时按得分率120%计入考评平均得分率和年终考评，" +
				"超过了100%，请填写该指标的满分，得分按满分折算为得分率；如果得分本身是百分制，请核对得分"}},
		{name: "negative without full marks",
			text:   header + "余姚市,开工率,-0.5,,线下年终,2026年度,,\n",
			errors: []string{"f.csv 第2行“得分”列的值“-0.5”是负数，得分不能为负，请填写不小于0的分数"}},
		{name: "score equal to full marks",
			text: header + "余姚市,开工率,30.0,30,线下年终,2026年度,,\n"},
		{name: "percent sign is not a number",
			text: header + "余姚市,开工率,85%,100,线下年终,2026年度,,\n",
			errors: []string{"f.csv 第2行“得分”列的值“85%”带有%，本列填写数值，不是百分数，" +
				"请填写数值，如85或85.5；如果单元格设置成了百分比格式，请改为常规或数值格式后重新填写"}},
		{name: "missing mode and period",
			text: header + "余姚市,开工率,30,30,,,,\n",
			errors: []string{
				"f.csv 第2行“考评方式”列为空，此列必须填写，请填写考评方式后重新上传",
				"f.csv 第2行“考评期间”列为空，此列必须填写，请填写考评期间后重新上传",
			}},
		{name: "period not begun",
			text: header + "余姚市,开工率,90,100,线上日常,2027Q1,,\n余姚市,开工率,90,100,线下年终,2027,,\n",
			errors: []string{
				"f.csv 第2行“考评期间”列的值“2027Q1”（2027年第一季度）在上传当天（2026-10-15）还没有开始，" +
					"请核对考评期间；考评得分在该期间开始后上传",
				"f.csv 第3行“考评期间”列的值“2027”（2027年度）在上传当天（2026-10-15）还没有开始，" +
					"请核对考评期间；考评得分在该期间开始后上传",
			}},
		{name: "year outside the ledger",
			text:   header + "余姚市,开工率,90,100,线上日常,0001Q1,,\n",
			errors: []string{"f.csv 第2行“考评期间”列的值“0001Q1”不在2000年至2099年之间，可能是笔误，请核对年份后重新填写"}},
		{name: "year-end mode with a quarter",
			text: header + "余姚市,年终考评,80,100,线下年终,2026Q3,,\n余姚市,年终考评,80,100,线上年终,2026-08,,\n",
			warnings: []string{
				"f.csv 第2行“考评期间”列的值“2026Q3”是季度或月份，而考评方式“线下年终”是年终考评：本行计入2026年第三季度的考评平均得分率，" +
					"不计入2026年度总盘点的年终考评，请把年终考评的考评期间写成年度，如2026；如果本行确是该期间的考评，请忽略本提示",
				"f.csv 第3行“考评期间”列的值“2026-08”是季度或月份，而考评方式“线上年终”是年终考评：本行计入2026年第三季度的考评平均得分率，" +
					"不计入2026年度总盘点的年终考评，请把年终考评的考评期间写成年度，如2026；如果本行确是该期间的考评，请忽略本提示",
			}},
		{name: "daily mode with a year",
			text: header + "余姚市,响应率,80,100,线上日常,2026,,\n",
			warnings: []string{
				"f.csv 第2行“考评期间”列的值“2026”是年度，而考评方式“线上日常”是日常考评：本行作为2026年度的年终考评计入年度总盘点，" +
					"不计入任何季度的考评平均得分率，请把日常考评的考评期间写成季度或月份，如2026Q3；如果本行确是年终考评，请忽略本提示",
			}},
		{name: "same key",
			text:     header + "余姚市,开工率,10,30,线下年终,2026年度,,\n余姚市,开工率,20,30,线下年终　,2026,,\n",
			warnings: []string{"f.csv 第3行与第2行的被考评单位、指标、考评方式和考评期间相同，以本行为准，如果两行都要保留，请检查是否填错；否则请删除前面的一行"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) { tt.run(t, Options{}) })
	}
}

func TestAssessmentValues(t *testing.T) {
	res := parseText(t, "a.csv", "被考评单位,指标,得分,满分,考评方式,考评期间,考评人,项目编号\n"+
		"宁波市鄞州区,按时开工率,0.5,1,线上日常,2026年第三季度, 张堃 ,ＮＢ－９\n", Options{})
	requireNoErrors(t, res)
	want := saima.Assessment{Unit: "宁波市鄞州区", ProjectCode: "NB-9", Indicator: "按时开工率", Score: dec("0.5"),
		Mode: "线上日常", Period: saima.Quarter(2026, 3), Evaluator: "张堃"}
	got := res.Batch.Assessments[0]
	if got.Unit != want.Unit || got.ProjectCode != want.ProjectCode || got.Indicator != want.Indicator ||
		!got.Score.Equal(want.Score) || got.Mode != want.Mode || got.Period != want.Period || got.Evaluator != want.Evaluator {
		t.Errorf("assessment = %+v, want %+v", got, want)
	}
	if !got.FullMarks.Valid || !got.FullMarks.Decimal.Equal(dec("1")) {
		t.Errorf("满分 = %v, want 1", got.FullMarks)
	}
}

func TestProblems(t *testing.T) {
	text := "问题编号,单位,项目编号,来源,类别,环节,层级,发现日期,办结日期,问题描述\n" +
		"WT-1,余姚市,NB-1,群众反映,数据共享,已办结,2,2026-08-01,2026-09-01, 接口超时 \n" +
		"WT-2,大数据局,,在线扫描,,分析研判,,2026/9/10,,\n"
	res := parseText(t, "w.csv", text, Options{})
	requireNoErrors(t, res)
	if len(res.Batch.Problems) != 2 {
		t.Fatalf("problems = %d, want 2", len(res.Batch.Problems))
	}
	p := res.Batch.Problems[0]
	if p.ID != "WT-1" || p.Unit != "余姚市" || p.Stage != "已办结" || p.Level != 2 ||
		p.Opened.String() != "2026-08-01" || dateString(p.Closed) != "2026-09-01" || p.Summary != "接口超时" {
		t.Errorf("problem 1 = %+v", p)
	}
	if q := res.Batch.Problems[1]; q.Unit != "市大数据局" || q.Level != 0 || q.Closed != nil {
		t.Errorf("problem 2 = %+v", q)
	}
}

func TestProblemIssues(t *testing.T) {
	const header = "问题编号,单位,环节,层级,发现日期,办结日期\n"
	tests := []issueCase{
		{name: "level out of range",
			text:   header + "WT-1,余姚市,收集,4,2026-08-01,\n",
			errors: []string{"f.csv 第2行“层级”列的值“4”不是可选的层级（共3个层级：1牵头单位、2改革办、3市领导），请填写层级名称或1到3的编号；主要领导协调的问题请填写市领导或3"}},
		{name: "fractional level",
			text:   header + "WT-1,余姚市,收集,1.5,2026-08-01,\n",
			errors: []string{"f.csv 第2行“层级”列的值“1.5”不是可选的层级（共3个层级：1牵头单位、2改革办、3市领导），请填写层级名称或1到3的编号；主要领导协调的问题请填写市领导或3"}},
		{name: "closed before opened",
			text:   header + "WT-1,余姚市,已办结,1,2026-08-01,2026-07-01\n",
			errors: []string{"f.csv 第2行“办结日期”列的值“2026-07-01”早于发现日期2026-08-01，请检查发现日期和办结日期"}},
		{name: "closed stage without date",
			text:     header + "WT-1,余姚市,已办结,1,2026-08-01,\n",
			warnings: []string{"f.csv 第2行“环节”列的值“已办结”与办结日期不符，办结日期为空，请补填办结日期；如果尚未办结，请改为实际所处的环节"}},
		{name: "date without closed stage",
			text:     header + "WT-1,余姚市,分办落实,1,2026-08-01,2026-09-01\n",
			warnings: []string{"f.csv 第2行“环节”列的值“分办落实”与办结日期不符，办结日期已填写为2026-09-01，如果已经办结，请把环节改为“已办结”；否则请清空办结日期"}},
		{name: "unknown stage",
			text:   header + "WT-1,余姚市,处理中,1,2026-08-01,\n",
			errors: []string{"f.csv 第2行“环节”列的值“处理中”不是可选的值，请填写以下之一：收集、梳理归类、分析研判、分办落实、已办结"}},
		{name: "opened in the future",
			text:   header + "WT-1,余姚市,收集,1,2027-01-01,\n",
			errors: []string{"f.csv 第2行“发现日期”列的值“2027-01-01”晚于上传当天（2026-10-15），实际发生的日期不能在将来，请填写实际发现问题的日期"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) { tt.run(t, Options{Dataset: saima.DatasetProblems}) })
	}
}

// TestProgressOfAnotherUnitsProject checks the warnings on a progress
// report of a project that the ledger gives to another unit and of one the
// ledger lacks, and that the ledger's own unit and its lead unit get none.
func TestProgressOfAnotherUnitsProject(t *testing.T) {
	projects := []saima.Project{
		{Code: "NB-1", Name: "城市大脑", Unit: "宁波市海曙区"},
		{Code: "NB-2", Name: "一件事", Unit: "市大数据局", LeadUnit: "余姚市"},
	}
	text := "单位,项目编号,填报期间,完成率\n" +
		"宁波市海曙区,NB-1,2026Q3,50%\n" + // the project's own unit
		"宁海县,NB-1,2026Q3,60%\n" + // another unit's project
		"余姚市,NB-2,2026Q3,70%\n" + // the lead unit
		"宁海县,NB-9,2026Q3,80%\n" // not in the ledger
	res := parseText(t, "p.csv", text, Options{Projects: projects})
	requireNoErrors(t, res)
	if len(res.Batch.Progress) != 4 {
		t.Errorf("records = %d, want all 4 kept", len(res.Batch.Progress))
	}
	want := []string{
		"p.csv 第3行“项目编号”列的值“NB-1”在项目台账中是“宁波市海曙区”的项目“城市大脑”，不是本行单位“宁海县”的项目，" +
			"请核对单位和项目编号；如果该单位确实承担该项目，请先在项目台账中把责任单位改为该单位",
		"p.csv 第5行“项目编号”列的值“NB-9”不在项目台账中，这条进度仍会导入并计入该单位，" +
			"请核对项目编号；如果是新项目，请先在项目台账中登记",
	}
	if got := issueStrings(res.Warnings); !slices.Equal(got, want) {
		t.Errorf("warnings = %q, want\n%q", got, want)
	}
}

// TestProgressOfUnknownProject checks the warning on a project the ledger
// lacks: it suggests the unit's nearest code within two edits, and an
// empty ledger checks nothing.
func TestProgressOfUnknownProject(t *testing.T) {
	projects := []saima.Project{
		{Code: "NB-2026-046", Name: "城市大脑", Unit: "宁海县"},
		{Code: "NB-2026-047", Name: "一件事", Unit: "余姚市"},
	}
	tests := []struct {
		name     string
		projects []saima.Project
		row      string
		want     []string
	}{
		{"typo of the unit's own code", projects, "宁海县,NB-2026-46,2026Q3,50%",
			[]string{"p.csv 第2行“项目编号”列的值“NB-2026-46”不在项目台账中，这条进度仍会导入并计入该单位，" +
				"请核对项目编号，是否应为“NB-2026-046”（城市大脑）；如果是新项目，请先在项目台账中登记"}},
		{"near only another unit's code", projects, "宁海县,NB-2026-0470X,2026Q3,50%",
			[]string{"p.csv 第2行“项目编号”列的值“NB-2026-0470X”不在项目台账中，这条进度仍会导入并计入该单位，" +
				"请核对项目编号；如果是新项目，请先在项目台账中登记"}},
		{"far from every code", projects, "宁海县,XYZ,2026Q3,50%",
			[]string{"p.csv 第2行“项目编号”列的值“XYZ”不在项目台账中，这条进度仍会导入并计入该单位，" +
				"请核对项目编号；如果是新项目，请先在项目台账中登记"}},
		{"empty ledger", nil, "宁海县,XYZ,2026Q3,50%", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res := parseText(t, "p.csv", "单位,项目编号,填报期间,完成率\n"+tt.row+"\n", Options{Projects: tt.projects})
			requireNoErrors(t, res)
			if len(res.Batch.Progress) != 1 {
				t.Errorf("records = %d, want the row kept", len(res.Batch.Progress))
			}
			if got := issueStrings(res.Warnings); !slices.Equal(got, tt.want) {
				t.Errorf("warnings = %q, want %q", got, tt.want)
			}
		})
	}
}

// TestProblemLevelSpellings checks that the problem list and the loop's
// steps read a level the same way, by number or by name.
func TestProblemLevelSpellings(t *testing.T) {
	for _, tt := range []struct {
		cell string
		want int
	}{
		{"1", 1}, {"2", 2}, {"3", 3}, {"３", 3}, {"2级", 2}, {"二级", 2}, {"第三级", 3}, {"三层级", 3},
		{"牵头单位", 1}, {"改革办", 2}, {"市领导", 3}, {"市领导协调", 3},
	} {
		res := parseText(t, "p.csv", "问题编号,单位,环节,层级,发现日期\nWT-1,余姚市,收集,"+tt.cell+",2026-08-01\n", Options{})
		requireNoErrors(t, res)
		if got := res.Batch.Problems[0].Level; got != tt.want {
			t.Errorf("problems 层级 %q = %d, want %d", tt.cell, got, tt.want)
		}
		res = parseText(t, "s.csv", "问题编号,环节,层级,日期\nWT-1,升级,"+tt.cell+",2026-08-01\n", Options{Dataset: saima.DatasetProblemSteps})
		if tt.want == 1 {
			continue // an escalation to level 1 is its own error
		}
		requireNoErrors(t, res)
		if got := res.Batch.ProblemSteps[0].Level; got != tt.want {
			t.Errorf("problem_steps 层级 %q = %d, want %d", tt.cell, got, tt.want)
		}
	}
	for _, cell := range []string{"4", "0", "1.5", "主要领导", "L2", "改革办转市领导"} {
		res := parseText(t, "p.csv", "问题编号,单位,环节,层级,发现日期\nWT-1,余姚市,收集,"+cell+",2026-08-01\n", Options{})
		if len(res.Errors) != 1 || !strings.Contains(res.Errors[0].Reason, "不是可选的层级") {
			t.Errorf("problems 层级 %q: errors = %q, want one naming the levels", cell, issueStrings(res.Errors))
		}
	}
}

// TestMilestoneOfUnknownProject checks a milestone of a project the
// ledger lacks: a warning for the office, which states whether the
// milestone counts for a unit, and an error for a unit's account.
func TestMilestoneOfUnknownProject(t *testing.T) {
	projects := []saima.Project{{Code: "NB-2026-046", Name: "城市大脑", Unit: "宁海县"}}
	const header = "项目编号,里程碑,计划完成日期,责任单位\n"
	tests := []struct {
		name        string
		unit        string // the uploading account's unit; "" for the office
		row         string
		emptyLedger bool
		wantWarn    []string
		wantErrors  []string
	}{
		{name: "office, with a unit", row: "NB-2026-46,上线,2026-09-30,宁海县",
			wantWarn: []string{"m.csv 第2行“项目编号”列的值“NB-2026-46”不在项目台账中，这个里程碑仍会导入并计入该单位，" +
				"请核对项目编号，是否应为“NB-2026-046”（城市大脑）；如果是新项目，请先在项目台账中登记"}},
		{name: "office, without a unit", row: "NB-2026-46,上线,2026-09-30,",
			wantWarn: []string{"m.csv 第2行“项目编号”列的值“NB-2026-46”不在项目台账中，这个里程碑仍会导入，" +
				"但没有责任单位，在项目登记到台账前不计入任何单位，" +
				"请核对项目编号，是否应为“NB-2026-046”（城市大脑）；如果是新项目，请先在项目台账中登记"}},
		{name: "unit account, its own unit", unit: "宁海县", row: "NB-2026-46,上线,2026-09-30,宁海县",
			wantErrors: []string{"m.csv 第2行“项目编号”列的值“NB-2026-46”不在项目台账中，" +
				"请核对项目编号，是否应为“NB-2026-046”（城市大脑）；如果是新项目，请联系改革办先在项目台账中登记，再上传"}},
		{name: "unit account, without a unit", unit: "宁海县", row: "NB-2026-46,上线,2026-09-30,",
			wantErrors: []string{"m.csv 第2行“项目编号”列的值“NB-2026-46”不在项目台账中，" +
				"请核对项目编号，是否应为“NB-2026-046”（城市大脑）；如果是新项目，请联系改革办先在项目台账中登记，再上传"}},
		{name: "unit account, without a unit, nothing near", unit: "宁海县", row: "XS-9,上线,2026-09-30,",
			wantErrors: []string{"m.csv 第2行“项目编号”列的值“XS-9”不在项目台账中，" +
				"请核对项目编号；如果是新项目，请联系改革办先在项目台账中登记，再上传"}},
		{name: "unit account, without a unit, empty ledger", unit: "宁海县", row: "NB-2026-46,上线,2026-09-30,",
			emptyLedger: true,
			wantErrors: []string{"m.csv 第2行“项目编号”列的值“NB-2026-46”不在项目台账中，而本行没有填写责任单位，" +
				"无法确认是本单位（宁海县）的项目，请在“责任单位”列填写本单位，或请改革办先把该项目录入项目台账"}},
		{name: "known project", row: "NB-2026-046,上线,2026-09-30,宁海县"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			opts := Options{Projects: projects, Unit: tt.unit, Roster: testRoster}
			if tt.emptyLedger {
				opts.Projects = nil
			}
			res := parseText(t, "m.csv", header+tt.row+"\n", opts)
			if got := issueStrings(res.Errors); !slices.Equal(got, tt.wantErrors) {
				t.Errorf("errors = %q, want %q", got, tt.wantErrors)
			}
			if got := issueStrings(res.Warnings); !slices.Equal(got, tt.wantWarn) {
				t.Errorf("warnings = %q, want %q", got, tt.wantWarn)
			}
			if tt.wantErrors == nil && len(res.Batch.Milestones) != 1 {
				t.Errorf("milestones = %d, want the row kept", len(res.Batch.Milestones))
			}
		})
	}
}

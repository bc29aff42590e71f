package ingest

import (
	"bytes"
	"errors"
	"slices"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"saima"
)

func TestParseDate(t *testing.T) {
	tests := []struct {
		in   string
		want string // "" when rejected
		prob *problem
	}{
		{"2026-9-30", "2026-09-30", nil},
		{"2026-09-30", "2026-09-30", nil},
		{"2026/9/30", "2026-09-30", nil},
		{"2026.09.30", "2026-09-30", nil},
		{"2026.10.8", "2026-10-08", nil},
		{"2026年9月30日", "2026-09-30", nil},
		{"2026 年 9 月 30 日", "2026-09-30", nil},
		{"2026年9月30号", "2026-09-30", nil},
		{"26年9月30日", "2026-09-30", nil}, // LibreOffice's yy年m月d日, as its CSV export writes it
		{"99年12月31日", "2099-12-31", nil},
		{"26年9月31日", "", problemNoSuchDate},
		{"26-9-30", "", problemNotDate},
		{"20260930", "2026-09-30", nil},
		{"2026-09-30 17:45", "2026-09-30", nil},
		{"2026-09-30 23:59:59", "2026-09-30", nil},
		{"2026-09-30T17:45:00", "2026-09-30", nil},
		{"2026年9月30日 8:05", "2026-09-30", nil},
		{"2026-09-30T23:30:00+08:00", "2026-09-30", nil},
		{"2026-09-30T20:00:00Z", "2026-10-01", nil}, // 04:00 the next day in Beijing
		{"2026-09-30 08:00+08:00", "2026-09-30", nil},
		{"2026-09-30 08:00:30+08:00", "2026-09-30", nil},
		{"2026-09-30T08:00+08:00", "2026-09-30", nil},
		{"2026-09-30 20:00Z", "2026-10-01", nil},
		{"2026-09-30 20:00-05:00", "2026-10-01", nil}, // 09:00 the next day in Beijing
		{"2026-09-30 08:00+0800", "2026-09-30", nil},
		{"2026-09-30T23:00:00-0100", "2026-10-01", nil},
		{"2026-09-30 08:00+08", "", problemNotDate},
		{"2026-09-30T23:30:00.5+08:00", "2026-09-30", nil},
		{"2026-09-30 08:00+14:00", "2026-09-30", nil},
		{"2026-09-30 08:00-12:00", "2026-10-01", nil},
		{"2026-09-30 08:00+05:45", "2026-09-30", nil},
		{"2026-09-30 08:00+0860", "", problemBadZone},
		{"2026-09-30 08:00+08:60", "", problemBadZone},
		{"2026-09-30 08:00+24:00", "", problemBadZone},
		{"2026-09-30 08:00+15:00", "", problemBadZone},
		{"2026-09-30 08:00+14:30", "", problemBadZone},
		{"2026-09-30T08:00:00-1500", "", problemBadZone},
		{"2026/9/30 08:00+0860", "", problemBadZone},
		{"2026/9/30 08:00+08:00", "2026-09-30", nil},
		{"2026/9/30 20:00-05:00", "2026-10-01", nil},
		{"2026.09.30 20:00Z", "2026-10-01", nil},
		{"2026-9-30T20:00:00Z", "2026-10-01", nil},
		{"2026年9月30日 20:00Z", "2026-10-01", nil},
		{"2026年9月30日 08:00+08:00", "2026-09-30", nil},
		{"20260930 08:00+0800", "2026-09-30", nil},
		{"2026-09-31 08:00+08:00", "", problemNoSuchDate},
		{"2026-09-31T08:00:00Z", "", problemNoSuchDate},
		{"2026-09-31 17:45", "", problemNoSuchDate},
		{"2026/9/31 08:00+08:00", "", problemNoSuchDate},
		{"2026.02.29 08:00+0800", "", problemNoSuchDate},
		{"2026年2月29日 08:00Z", "", problemNoSuchDate},
		{"20260931 08:00+08:00", "", problemNoSuchDate},
		{"2026-13-01T08:00Z", "", problemNoSuchDate},
		{"2026-09-30 08:00 +08:00", "", problemNotDate},
		{"2024-02-29", "2024-02-29", nil},
		{"2000-01-01", "2000-01-01", nil},
		{"2099-12-31", "2099-12-31", nil},
		{"1999-12-31", "", problemDateOutOfRange},
		{"1970-01-01", "", problemDateOutOfRange},
		{"1900年1月1日", "", problemDateOutOfRange},
		{"19691231", "", problemDateOutOfRange},
		{"2100-01-01", "", problemDateOutOfRange},
		{"2150-01-01", "", problemDateOutOfRange},
		{"29279-01-24", "", problemDateOutOfRange},
		{"9999-12-31T00:00:00+08:00", "", problemDateOutOfRange},
		{"2026/9/31", "", problemNoSuchDate},
		{"2026-02-29", "", problemNoSuchDate},
		{"2026-13-01", "", problemNoSuchDate},
		{"20261301", "", problemNoSuchDate},
		{"2026-00-10", "", problemNoSuchDate},
		{"2026-09/30", "", problemNotDate},
		{"2026-09-30 25:00", "", problemNotDate},
		{"2026-09-30 下午", "", problemNotDate},
		{"2026年9月30日星期三", "2026-09-30", nil},
		{"2026年9月30日 星期三", "2026-09-30", nil},
		{"2026/9/30 周三", "2026-09-30", nil},
		{"2026-09-27(星期日)", "2026-09-27", nil},
		{"2026年9月27日 星期天 17:45", "2026-09-27", nil},
		{"星期三", "", problemNotDate},
		{"2026年9月30日星期三星期三", "", problemNotDate},
		{"2026/9/30 下午 5:45", "2026-09-30", nil},
		{"2026/9/30 上午12:05", "2026-09-30", nil},
		{"2026/9/30 5:45 PM", "2026-09-30", nil},
		{"2026-09-30 下午 11:30Z", "2026-10-01", nil}, // 23:30 UTC is 07:30 the next day in Beijing
		{"2026-09-30 下午 13:00", "", problemNotDate},
		{"2026-09-30 下午 0:30", "", problemNotDate},
		{"2026年9月30日17时45分", "2026-09-30", nil},
		{"2026年9月30日 下午5时45分", "2026-09-30", nil},
		{"2026-09-30 17点45分30秒", "2026-09-30", nil},
		{"2026年9月30日 25时00分", "", problemNotDate},
		{"二〇二六年九月三十日", "2026-09-30", nil},
		{"二〇二六年十月八日", "2026-10-08", nil},
		{"二〇二六年十二月三十一日", "2026-12-31", nil},
		{"二〇二六年九月三十一日", "", problemNoSuchDate},
		{"二〇二六年九月三十日 星期三", "2026-09-30", nil},
		{"年底前", "", problemNotDate},
		{"46295", "", problemNotDate},
		{"2026-09", "", problemNotDate},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			d, prob := parseDate(tt.in)
			if prob != tt.prob {
				t.Fatalf("parseDate(%q) problem = %v, want %v", tt.in, prob, tt.prob)
			}
			if tt.want != "" && d.String() != tt.want {
				t.Errorf("parseDate(%q) = %s, want %s", tt.in, d, tt.want)
			}
		})
	}
}

func TestParsePeriod(t *testing.T) {
	tests := []struct {
		in   string
		want saima.Period
		ok   bool
	}{
		{"2026Q3", saima.Quarter(2026, 3), true},
		{"2026q3", saima.Quarter(2026, 3), true},
		{"2026-Q4", saima.Quarter(2026, 4), true},
		{"2026 Q1", saima.Quarter(2026, 1), true},
		{"２０２６Ｑ３", saima.Quarter(2026, 3), true},
		{"2026年第三季度", saima.Quarter(2026, 3), true},
		{"2026年第3季度", saima.Quarter(2026, 3), true},
		{"2026年三季度", saima.Quarter(2026, 3), true},
		{"2026年一季度", saima.Quarter(2026, 1), true},
		{"2026年Q2", saima.Quarter(2026, 2), true},
		{"2026-09", saima.Month(2026, 9), true},
		{"202609", saima.Month(2026, 9), true},
		{"２０２６０１", saima.Month(2026, 1), true},
		{"202613", saima.Period{}, false},
		{"202600", saima.Period{}, false},
		{"2026091", saima.Period{}, false},
		{"2026-9", saima.Month(2026, 9), true},
		{"2026/09", saima.Month(2026, 9), true},
		{"2026.9", saima.Month(2026, 9), true},
		{"2026.10", saima.Month(2026, 10), true},
		{"2026.01", saima.Month(2026, 1), true},
		{"2026.1", saima.Period{}, false}, // January, or 2026.10 kept as a number
		{"2026年9月", saima.Month(2026, 9), true},
		{"2026年09月份", saima.Month(2026, 9), true},
		{"2026年一月", saima.Month(2026, 1), true},
		{"2026年二月", saima.Month(2026, 2), true},
		{"2026年三月", saima.Month(2026, 3), true},
		{"2026年四月", saima.Month(2026, 4), true},
		{"2026年五月", saima.Month(2026, 5), true},
		{"2026年六月", saima.Month(2026, 6), true},
		{"2026年七月", saima.Month(2026, 7), true},
		{"2026年八月", saima.Month(2026, 8), true},
		{"2026年九月", saima.Month(2026, 9), true},
		{"2026年十月", saima.Month(2026, 10), true},
		{"2026年十一月", saima.Month(2026, 11), true},
		{"2026年十二月", saima.Month(2026, 12), true},
		{"2026年十二月份", saima.Month(2026, 12), true},
		{"2026 年 十二 月", saima.Month(2026, 12), true},
		{"2026年第一季度", saima.Quarter(2026, 1), true},
		{"2026年二季度", saima.Quarter(2026, 2), true},
		{"2026年第四季度", saima.Quarter(2026, 4), true},
		{"2026年四季度", saima.Quarter(2026, 4), true},
		{"2026年十三月", saima.Period{}, false},
		{"2026年零月", saima.Period{}, false},
		{"2026年〇月", saima.Period{}, false},
		{"2026年一十二月", saima.Period{}, false},
		{"2026年十十月", saima.Period{}, false},
		{"2026年五季度", saima.Period{}, false},
		{"2026年度", saima.Year(2026), true},
		{"2026年", saima.Year(2026), true},
		{"2026", saima.Year(2026), true},
		{"2026Q5", saima.Period{}, false},
		{"2026年第五季度", saima.Period{}, false},
		{"2026年第三", saima.Period{}, false},
		{"2026-13", saima.Period{}, false},
		{"2026年上半年", saima.Period{}, false},
		{"2026年度第三季度", saima.Quarter(2026, 3), true},
		{"2026年度三季度", saima.Quarter(2026, 3), true},
		{"2026年7-9月", saima.Quarter(2026, 3), true},
		{"2026年7月-9月", saima.Quarter(2026, 3), true},
		{"2026年7月至9月", saima.Quarter(2026, 3), true},
		{"2026年１０～１２月", saima.Quarter(2026, 4), true},
		{"2026年1—3月份", saima.Quarter(2026, 1), true},
		{"2026年7-8月", saima.Period{}, false},
		{"2026年8-10月", saima.Period{}, false},
		{"2026年12-14月", saima.Period{}, false},
		{"三季度", saima.Period{}, false},
		{"", saima.Period{}, false},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			got, prob := parsePeriod(tt.in)
			if ok := prob == nil; ok != tt.ok {
				t.Fatalf("parsePeriod(%q) ok = %v, want %v", tt.in, ok, tt.ok)
			}
			if got != tt.want {
				t.Errorf("parsePeriod(%q) = %v, want %v", tt.in, got, tt.want)
			}
		})
	}
}

func TestParseDecimal(t *testing.T) {
	tests := []struct {
		in   string
		want string // "" when rejected
	}{
		{"85", "85"},
		{"99.50", "99.5"},
		{"-2", "-2"},
		{"\u22122.5", "-2.5"},
		{"+3", "3"},
		{".5", "0.5"},
		{"85.", "85"},
		{"７５．５７", "75.57"},
		{" 75 .57 ", "75.57"},
		{"1,234.5", "1234.5"},
		{"12,345,678", "12345678"},
		{"1,23", ""},
		{"1e5", ""},
		{"85%", ""},
		{"优秀", ""},
		{"-", ""},
		{".", ""},
		{"0x10", ""},
		{"", ""},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			d, ok := parseDecimal(tt.in)
			if ok != (tt.want != "") {
				t.Fatalf("parseDecimal(%q) ok = %v, want %v", tt.in, ok, tt.want != "")
			}
			if ok && !d.Equal(dec(tt.want)) {
				t.Errorf("parseDecimal(%q) = %s, want %s", tt.in, d, tt.want)
			}
		})
	}
	if d, _ := parseDecimal("100.00"); d.StringFixed(2) != "100.00" || d.Exponent() != -2 {
		t.Errorf("parseDecimal(100.00) = %s with exponent %d, want the written digits kept", d, d.Exponent())
	}
}

func TestReadPercent(t *testing.T) {
	tests := []struct {
		in   string
		form percentForm
		want string
		prob *problem
	}{
		{"", percentMissing, "", nil},
		{"   ", percentMissing, "", nil},
		{"\u3000", percentMissing, "", nil},
		{"/", percentPlaceholder, "", nil},
		{"-", percentPlaceholder, "", nil},
		{"—", percentPlaceholder, "", nil},
		{"——", percentPlaceholder, "", nil},
		{"未填报", percentPlaceholder, "", nil},
		{" 未填报 ", percentPlaceholder, "", nil},
		{"／", percentPlaceholder, "", nil},
		{"85%", percentSign, "85", nil},
		{"８５％", percentSign, "85", nil},
		{"85 %", percentSign, "85", nil},
		{"７０\u3000％", percentSign, "70", nil},
		{"85.0%", percentSign, "85", nil},
		{"0.5%", percentSign, "0.5", nil},
		{"100%", percentSign, "100", nil},
		{"0%", percentSign, "0", nil},
		{"85", percentBare, "85", nil},
		{"0.85", percentBare, "0.85", nil},
		{"1", percentBare, "1", nil},
		{"0", percentBare, "0", nil},
		{"100", percentBare, "100", nil},
		{"135%", 0, "", problemPercentRange},
		{"100.01", 0, "", problemPercentRange},
		{"-5%", 0, "", problemPercentRange},
		{"-0.5", 0, "", problemPercentRange},
		{"待定", 0, "", problemPercentNotNumber},
		{"85%%", 0, "", problemPercentNotNumber},
		{"%", 0, "", problemPercentNotNumber},
		{"约85%", 0, "", problemPercentNotNumber},
		{"N/A", 0, "", problemPercentNotNumber},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			c, prob := readPercent(tt.in)
			if prob != tt.prob {
				t.Fatalf("readPercent(%q) problem = %v, want %v", tt.in, prob, tt.prob)
			}
			if prob != nil {
				return
			}
			if c.form != tt.form {
				t.Errorf("readPercent(%q) form = %d, want %d", tt.in, c.form, tt.form)
			}
			if tt.want != "" && !c.value.Equal(dec(tt.want)) {
				t.Errorf("readPercent(%q) value = %s, want %s", tt.in, c.value, tt.want)
			}
		})
	}
}

func TestPercentScale(t *testing.T) {
	tests := []struct {
		in       string
		fraction bool
		want     string
		ambig    bool
		aboveOne bool
	}{
		{"0.85", true, "85", true, false},
		{"0.85", false, "0.85", true, false},
		{"1", true, "100", true, false},
		{"1", false, "1", true, false},
		{"0.335", true, "33.5", true, false},
		{"0.40885", true, "40.885", true, false},
		{"0", true, "0", false, false},
		{"1.5", false, "1.5", false, true},
		{"85", false, "85", false, true},
		{"0.85%", true, "0.85", false, false},
		{"85%", true, "85", false, false},
		{"/", true, "missing", false, false},
		{"", false, "missing", false, false},
	}
	for _, tt := range tests {
		c, prob := readPercent(tt.in)
		if prob != nil {
			t.Fatalf("readPercent(%q): %s", tt.in, prob.reason)
		}
		if got := percentString(c.percent(tt.fraction)); got != tt.want {
			t.Errorf("readPercent(%q).percent(fraction %v) = %s, want %s", tt.in, tt.fraction, got, tt.want)
		}
		if c.ambiguous() != tt.ambig {
			t.Errorf("readPercent(%q).ambiguous() = %v, want %v", tt.in, c.ambiguous(), tt.ambig)
		}
		if c.aboveOne() != tt.aboveOne {
			t.Errorf("readPercent(%q).aboveOne() = %v, want %v", tt.in, c.aboveOne(), tt.aboveOne)
		}
	}
}

func TestParseBool(t *testing.T) {
	tests := []struct {
		in       string
		want, ok bool
	}{
		{"是", true, true},
		{" 否 ", false, true},
		{"Y", true, true},
		{"no", false, true},
		{"TRUE", true, true},
		{"１", true, true},
		{"0", false, true},
		{"也许", false, false},
	}
	for _, tt := range tests {
		got, ok := parseBool(tt.in)
		if got != tt.want || ok != tt.ok {
			t.Errorf("parseBool(%q) = %v, %v, want %v, %v", tt.in, got, ok, tt.want, tt.ok)
		}
	}
}

// TestPlaceholderCells checks that placeholders such as "/" read as
// missing in optional date, number, choice and unit columns, with a
// warning, and are an error in a required column.
func TestPlaceholderCells(t *testing.T) {
	const header = "项目编号,里程碑,计划完成日期,实际完成日期,状态,责任单位\n"
	tests := []struct {
		name, row   string
		wantWarn    []string
		wantErrors  []string
		wantActual  bool
		wantUnitSet bool
	}{
		{name: "slash in 实际完成日期", row: "NB-1,上线,2026-09-30,/,进行中,宁海县",
			wantWarn:    []string{"m.csv 第2行“实际完成日期”列的值“/”表示未填写，按空白处理，如果已有实际完成日期，请填写；没有请留空"},
			wantUnitSet: true},
		{name: "dashes in 实际完成日期 and 状态", row: "NB-1,上线,2026-09-30,——,—,宁海县",
			wantWarn: []string{
				"m.csv 第2行“实际完成日期”列的值“——”表示未填写，按空白处理，如果已有实际完成日期，请填写；没有请留空",
				"m.csv 第2行“状态”列的值“—”表示未填写，按空白处理，如果已有状态，请填写；没有请留空",
			},
			wantUnitSet: true},
		{name: "full-width hyphen in 责任单位", row: "NB-1,上线,2026-09-30,2026-09-28,已完成,－",
			wantWarn:   []string{"m.csv 第2行“责任单位”列的值“－”表示未填写，按空白处理，如果已有责任单位，请填写；没有请留空"},
			wantActual: true},
		{name: "placeholder beside 已完成", row: "NB-1,上线,2026-09-30,/,已完成,宁海县",
			wantWarn: []string{
				"m.csv 第2行“实际完成日期”列的值“/”表示未填写，按空白处理，如果已有实际完成日期，请填写；没有请留空",
				"m.csv 第2行“状态”列的值“已完成”与实际完成日期不符，实际完成日期为空，请补填实际完成日期；如果尚未完成，请把状态改为“进行中”",
			},
			wantUnitSet: true},
		{name: "slash in the required 计划完成日期", row: "NB-1,上线,/,,进行中,宁海县",
			wantErrors: []string{"m.csv 第2行“计划完成日期”列的值“/”表示未填写，此列必须填写，请填写计划完成日期后重新上传"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res := parseText(t, "m.csv", header+tt.row+"\n", Options{Roster: testRoster})
			if got := issueStrings(res.Errors); !slices.Equal(got, tt.wantErrors) {
				t.Errorf("errors = %q, want %q", got, tt.wantErrors)
			}
			if got := issueStrings(res.Warnings); !slices.Equal(got, tt.wantWarn) {
				t.Errorf("warnings = %q, want %q", got, tt.wantWarn)
			}
			if tt.wantErrors != nil {
				return
			}
			if len(res.Batch.Milestones) != 1 {
				t.Fatalf("milestones = %d, want 1", len(res.Batch.Milestones))
			}
			m := res.Batch.Milestones[0]
			if (m.Actual != nil) != tt.wantActual {
				t.Errorf("actual = %v, want set %v", m.Actual, tt.wantActual)
			}
			if (m.Unit != "") != tt.wantUnitSet {
				t.Errorf("unit = %q, want set %v", m.Unit, tt.wantUnitSet)
			}
		})
	}

	// An optional number column: 预算（万元） of a project.
	res := parseText(t, "p.csv", "项目编号,项目名称,责任单位,预算（万元）\nNB-1,一网通办,宁海县,/\n", Options{Roster: testRoster})
	requireNoErrors(t, res)
	if len(res.Warnings) != 1 || !strings.Contains(res.Warnings[0].Reason, "表示未填写，按空白处理") {
		t.Errorf("预算 “/”: warnings = %q, want one that it reads as blank", issueStrings(res.Warnings))
	}
	if len(res.Batch.Projects) != 1 || res.Batch.Projects[0].Budget.Valid {
		t.Errorf("预算 “/”: projects = %+v, want one without a budget", res.Batch.Projects)
	}

	// Code columns: the optional 项目编号 of a problem, and the required
	// one of a progress report.
	res = parseText(t, "q.csv", "问题编号,单位,项目编号,环节,层级,发现日期\nWT-1,宁海县,—,收集,1,2026-08-01\n",
		Options{Roster: testRoster})
	requireNoErrors(t, res)
	if len(res.Warnings) != 1 || res.Warnings[0].Column != "项目编号" {
		t.Errorf("problem 项目编号 “—”: warnings = %q, want one on 项目编号", issueStrings(res.Warnings))
	}
	if len(res.Batch.Problems) != 1 || res.Batch.Problems[0].ProjectCode != "" {
		t.Errorf("problem 项目编号 “—”: problems = %+v, want one without a project", res.Batch.Problems)
	}
	res = parseText(t, "p.csv", "单位,项目编号,填报期间,完成率\n宁海县,/,2026Q3,50%\n", Options{Roster: testRoster})
	want := []string{"p.csv 第2行“项目编号”列的值“/”表示未填写，此列必须填写，请填写项目编号后重新上传"}
	if got := issueStrings(res.Errors); !slices.Equal(got, want) {
		t.Errorf("progress 项目编号 “/”: errors = %q, want %q", got, want)
	}
}

// TestPercentInNumberColumn checks that a percent in a column of plain
// numbers, as a percent-formatted 得分 cell reads, is an error whose fix
// names the cell format, in CSV and in XLSX.
func TestPercentInNumberColumn(t *testing.T) {
	const want = "带有%，本列填写数值，不是百分数"
	res := parseText(t, "s.csv", "被考评单位,指标,得分,考评方式,考评期间\n宁海县,数据共享,50%,线上日常,2026Q3\n",
		Options{Roster: testRoster})
	if len(res.Errors) != 1 {
		t.Fatalf("CSV errors = %q, want one: %s", issueStrings(res.Errors), want)
	}
	if res.Errors[0].Reason != want {
		t.Errorf("CSV reason = %q, want %q", res.Errors[0].Reason, want)
	}
	if !strings.Contains(res.Errors[0].Fix, "百分比格式") {
		t.Errorf("CSV fix = %q, want it to name the percent format", res.Errors[0].Fix)
	}

	f := excelize.NewFile()
	defer f.Close()
	for i, v := range []any{"被考评单位", "指标", "得分", "考评方式", "考评期间", "宁海县", "数据共享", 0.5, "线上日常", "2026Q3"} {
		cell, _ := excelize.CoordinatesToCellName(i%5+1, i/5+1)
		if err := f.SetCellValue("Sheet1", cell, v); err != nil {
			t.Fatal(err)
		}
	}
	style, err := f.NewStyle(&excelize.Style{NumFmt: 9}) // 0%
	if err != nil {
		t.Fatal(err)
	}
	if err := f.SetCellStyle("Sheet1", "C2", "C2", style); err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	if _, err := f.WriteTo(&buf); err != nil {
		t.Fatal(err)
	}
	res = parseText(t, "s.xlsx", buf.String(), Options{Roster: testRoster})
	if len(res.Errors) != 1 {
		t.Fatalf("XLSX errors = %q, want one: %s", issueStrings(res.Errors), want)
	}
	if res.Errors[0].Reason != want {
		t.Errorf("XLSX reason = %q, want %q", res.Errors[0].Reason, want)
	}
	if res.Errors[0].Value != "50%" {
		t.Errorf("XLSX value = %q, want 50%%", res.Errors[0].Value)
	}
}

// placeholderTexts are every spelling of "not filled in" that reads as
// blank; － is the full-width hyphen, which NFKC turns into -.
var placeholderTexts = []string{"/", "-", "—", "——", "未填报", "－", "— —", "／", "- -", "/ /", "－－", "–", "――", "- - -", "‐"}

// placeholderFile is one valid row of a dataset, whose cells the test
// replaces one at a time with a placeholder.
type placeholderFile struct {
	dataset  string
	header   string
	row      string
	required []string // the columns that must be filled in
	optional []string // the other columns that read a placeholder as blank
}

// placeholderFiles cover every column that is not optional free text, in
// every dataset: required free text such as 项目名称 names nothing with a
// placeholder either.
var placeholderFiles = []placeholderFile{
	{dataset: saima.DatasetUnits,
		header:   "单位,单位类别,单位代码,别名,赛道",
		row:      "宁海县,区县（市）,330226,宁海,县域赛道",
		required: []string{"单位", "单位类别"},
		optional: []string{"单位代码", "别名", "赛道"}},
	{dataset: saima.DatasetProjects,
		header:   "项目编号,项目名称,责任单位,牵头单位,所属系统,项目层级,项目类型,批次,所属清单,预算（万元）,开始日期,计划完成日期",
		row:      "NB-1,一网通办,宁海县,市大数据局,数字政府,全市性,迭代升级,启动实施,重大需求,100,2026-01-05,2026-12-31",
		required: []string{"项目编号", "项目名称", "责任单位"},
		optional: []string{"牵头单位", "所属系统", "项目层级", "项目类型", "批次", "所属清单", "预算（万元）", "开始日期", "计划完成日期"}},
	{dataset: saima.DatasetStages,
		header:   "项目编号,阶段,日期,轮次",
		row:      "NB-1,决策,2026-09-01,1",
		required: []string{"项目编号", "阶段", "日期"},
		optional: []string{"轮次"}},
	{dataset: saima.DatasetMilestones,
		header:   "项目编号,里程碑,计划完成日期,实际完成日期,状态,责任单位",
		row:      "NB-1,上线,2026-09-30,2026-09-28,,宁海县",
		required: []string{"项目编号", "里程碑", "计划完成日期"},
		optional: []string{"实际完成日期", "责任单位"}},
	{dataset: saima.DatasetMilestones,
		header:   "项目编号,里程碑,计划完成日期,状态",
		row:      "NB-1,上线,2026-09-30,进行中",
		optional: []string{"状态"}},
	{dataset: saima.DatasetProgress,
		header:   "单位,项目编号,填报期间,完成率,填报日期",
		row:      "宁海县,NB-1,2026Q3,50%,2026-09-30",
		required: []string{"单位", "项目编号", "填报期间"},
		optional: []string{"填报日期"}},
	{dataset: saima.DatasetAssessments,
		header:   "被考评单位,指标,得分,满分,考评方式,考评期间,项目编号",
		row:      "宁海县,数据共享,8,10,线上日常,2026Q3,NB-1",
		required: []string{"被考评单位", "指标", "得分", "考评方式", "考评期间"},
		optional: []string{"满分", "项目编号"}},
	{dataset: saima.DatasetProblems,
		header:   "问题编号,单位,项目编号,环节,发现日期,办结日期",
		row:      "WT-1,宁海县,NB-1,,2026-08-01,2026-09-01",
		required: []string{"问题编号", "单位", "发现日期"},
		optional: []string{"项目编号", "办结日期"}},
	{dataset: saima.DatasetProblems,
		header:   "问题编号,单位,环节,发现日期",
		row:      "WT-1,宁海县,收集,2026-08-01",
		optional: []string{"环节"}},
	{dataset: saima.DatasetLists,
		header:   "清单名称,事项编号,事项名称,责任单位,完成时限",
		row:      "重大需求,XQ-01,企业开办,宁海县,2026-12-31",
		required: []string{"清单名称", "事项编号", "事项名称", "责任单位", "完成时限"}},
	{dataset: saima.DatasetListDone,
		header:   "清单名称,事项编号,责任单位,完成日期",
		row:      "重大需求,XQ-01,宁海县,2026-10-01",
		required: []string{"清单名称", "事项编号", "责任单位", "完成日期"}},
	{dataset: saima.DatasetProblemSteps,
		header:   "问题编号,环节,日期",
		row:      "P1,收集,2026-10-01",
		required: []string{"问题编号", "环节", "日期"}},
	{dataset: saima.DatasetProjects,
		header:   "项目编号,项目名称,责任单位,是否领导领衔,领衔领导",
		row:      "NB-1,一网通办,宁海县,是,张三",
		optional: []string{"是否领导领衔", "领衔领导"}},
	{dataset: saima.DatasetProblems,
		header:   "问题编号,单位,层级,发现日期",
		row:      "WT-1,宁海县,2,2026-08-01",
		optional: []string{"层级"}},
	{dataset: saima.DatasetProblemSteps,
		header:   "问题编号,环节,层级,日期",
		row:      "P1,收集,2,2026-10-01",
		optional: []string{"层级"}},
	{dataset: saima.DatasetLeaderReports,
		header:   "项目编号,半年度,牵头单位,领衔领导,成果,报送日期",
		row:      "NB-1,2026上半年,宁海县,张三,上线,2026-07-08",
		required: []string{"项目编号", "半年度", "牵头单位", "成果", "报送日期"},
		optional: []string{"领衔领导"}},
}

// TestPlaceholderInEveryColumn checks each placeholder in each column
// that is not free text: blank with a warning when the column is
// optional, and an error naming the column when it is required.
func TestPlaceholderInEveryColumn(t *testing.T) {
	for _, f := range placeholderFiles {
		names := strings.Split(f.header, ",")
		run := func(col string, required bool) {
			i := slices.Index(names, col)
			if i < 0 {
				t.Fatalf("%s: column %s is not in the header %s", f.dataset, col, f.header)
			}
			for _, ph := range placeholderTexts {
				t.Run(f.dataset+"/"+col+"/"+ph, func(t *testing.T) {
					cells := strings.Split(f.row, ",")
					cells[i] = ph
					text := f.header + "\n" + strings.Join(cells, ",") + "\n"
					res := parseText(t, "f.csv", text, Options{Dataset: f.dataset, ReceivedAsStated: true})
					var wantErrors, wantWarnings []string
					if required {
						wantErrors = []string{"f.csv 第2行“" + col + "”列的值“" + ph + "”表示未填写，此列必须填写，请填写" + col + "后重新上传"}
					} else {
						wantWarnings = []string{"f.csv 第2行“" + col + "”列的值“" + ph + "”表示未填写，按空白处理，如果已有" + col + "，请填写；没有请留空"}
					}
					if got := issueStrings(res.Errors); !slices.Equal(got, wantErrors) {
						t.Errorf("errors = %q, want %q", got, wantErrors)
					}
					if got := issueStrings(res.Warnings); !slices.Equal(got, wantWarnings) {
						t.Errorf("warnings = %q, want %q", got, wantWarnings)
					}
				})
			}
		}
		for _, col := range f.required {
			run(col, true)
		}
		for _, col := range f.optional {
			run(col, false)
		}
	}
}

// TestPlaceholderStoredBlank checks that a placeholder in an optional
// column is stored as the blank cell would be, not as text.
func TestPlaceholderStoredBlank(t *testing.T) {
	res := parseText(t, "p.csv", "项目编号,项目名称,责任单位,牵头单位,所属清单\nNB-1,一网通办,宁海县,/,——\n", Options{})
	requireNoErrors(t, res)
	if n := len(res.Batch.Projects); n != 1 {
		t.Fatalf("projects = %d, want 1", n)
	}
	p := res.Batch.Projects[0]
	if p.LeadUnit != "" {
		t.Errorf("牵头单位 “/” = %q, want blank", p.LeadUnit)
	}
	if p.Lists != nil {
		t.Errorf("所属清单 “——” = %q, want none", p.Lists)
	}

	res = parseText(t, "p.csv", "项目编号,项目名称,责任单位,是否领导领衔\nNB-1,一网通办,宁海县,/\n", Options{})
	requireNoErrors(t, res)
	if n := len(res.Batch.Projects); n != 1 {
		t.Fatalf("projects = %d, want 1", n)
	}
	if res.Batch.Projects[0].LeaderLed {
		t.Errorf("是否领导领衔 “/” = true, want false as for a blank cell")
	}

	res = parseText(t, "q.csv", "问题编号,单位,层级,发现日期\nWT-1,宁海县,—,2026-08-01\n", Options{})
	requireNoErrors(t, res)
	if n := len(res.Batch.Problems); n != 1 {
		t.Fatalf("problems = %d, want 1", n)
	}
	if got := res.Batch.Problems[0].Level; got != 0 {
		t.Errorf("problem 层级 “—” = %d, want 0 as for a blank cell", got)
	}

	res = parseText(t, "s.csv", "问题编号,环节,层级,日期\nP1,收集,未填报,2026-10-01\n", Options{})
	requireNoErrors(t, res)
	if n := len(res.Batch.ProblemSteps); n != 1 {
		t.Fatalf("problem steps = %d, want 1", n)
	}
	if got := res.Batch.ProblemSteps[0].Level; got != 1 {
		t.Errorf("problem step 层级 “未填报” = %d, want 1 as for a blank cell", got)
	}

	res = parseText(t, "u.csv", "单位,单位类别,别名,赛道\n宁海县,区县（市）,未填报,－\n", Options{})
	requireNoErrors(t, res)
	if n := len(res.Batch.Units); n != 1 {
		t.Fatalf("units = %d, want 1", n)
	}
	u := res.Batch.Units[0]
	if u.Aliases != nil {
		t.Errorf("别名 “未填报” = %q, want none", u.Aliases)
	}
	if u.Track != saima.KindDistrict {
		t.Errorf("赛道 “－” = %q, want the unit's kind %s", u.Track, saima.KindDistrict)
	}
}

// TestParsePeriodLedgerYears rejects a period outside the ledger's years,
// as an upload does, with a message that names the allowed years.
func TestParsePeriodLedgerYears(t *testing.T) {
	for _, tt := range []struct {
		in   string
		want saima.Period
		ok   bool
	}{
		{"2000Q1", saima.Quarter(2000, 1), true},
		{"2099-12", saima.Month(2099, 12), true},
		{"2099年度", saima.Year(2099), true},
		{"0001Q1", saima.Period{}, false},
		{"1999年第四季度", saima.Period{}, false},
		{"1999-12", saima.Period{}, false},
		{"2100-01", saima.Period{}, false},
		{"2100", saima.Period{}, false},
		{"9999Q4", saima.Period{}, false},
	} {
		t.Run(tt.in, func(t *testing.T) {
			got, err := ParsePeriod(tt.in)
			if tt.ok {
				if err != nil || got != tt.want {
					t.Errorf("ParsePeriod(%q) = %v, %v; want %v", tt.in, got, err, tt.want)
				}
				return
			}
			if !errors.Is(err, saima.ErrPeriodOutOfRange) {
				t.Errorf("ParsePeriod(%q) error = %v, want ErrPeriodOutOfRange", tt.in, err)
			}
			if msg := saima.ErrorMessage(err); !strings.Contains(msg, "2000年至2099年") || !strings.Contains(msg, tt.in) {
				t.Errorf("ParsePeriod(%q) message = %q, want the value and 2000年至2099年", tt.in, msg)
			}
		})
	}
}

// TestParsePeriodNoSuchMonth rejects a month outside 1 to 12, in digits
// or in Chinese numerals, with a message that gives the months' range.
func TestParsePeriodNoSuchMonth(t *testing.T) {
	for _, in := range []string{"2026年十三月", "2026年零月", "2026年13月", "2026年0月", "2026-13", "2026-00"} {
		t.Run(in, func(t *testing.T) {
			_, err := ParsePeriod(in)
			if err == nil {
				t.Fatalf("ParsePeriod(%q) = nil error, want one", in)
			}
			msg := saima.ErrorMessage(err)
			for _, want := range []string{"“" + in + "”", "不是真实存在的月份", "1至12月", "2026年九月"} {
				if !strings.Contains(msg, want) {
					t.Errorf("ParsePeriod(%q) message = %q, want it to contain %q", in, msg, want)
				}
			}
		})
	}
}

// TestUploadChineseNumeralMonths reads months and quarters written in
// Chinese numerals in a 填报期间 cell, and rejects 十三月 and 零月 with
// the row, column and value.
func TestUploadChineseNumeralMonths(t *testing.T) {
	res := parseText(t, "p.csv", "单位,项目编号,填报期间,完成率\n"+
		"宁波市海曙区,NB-1,2026年九月,50%\n"+
		"宁波市海曙区,NB-2,2025年十二月份,60%\n"+
		"宁波市海曙区,NB-3,2026年三季度,70%\n"+
		"宁波市海曙区,NB-4,2026年十三月,80%\n"+
		"宁波市海曙区,NB-5,2026年零月,90%\n", Options{})
	var got []string
	for _, r := range res.Batch.Progress {
		got = append(got, r.Period.String())
	}
	if want := []string{"2026-09", "2025-12", "2026Q3"}; !slices.Equal(got, want) {
		t.Errorf("periods read = %q, want %q", got, want)
	}
	wantErrors := []string{
		"p.csv 第5行“填报期间”列的值“2026年十三月”不是真实存在的月份，请填写1至12月之间的月份，如2026-09、2026年9月或2026年九月",
		"p.csv 第6行“填报期间”列的值“2026年零月”不是真实存在的月份，请填写1至12月之间的月份，如2026-09、2026年9月或2026年九月",
	}
	if got := issueStrings(res.Errors); !slices.Equal(got, wantErrors) {
		t.Errorf("errors = %q, want %q", got, wantErrors)
	}
}

func TestParseDateWrongWeekday(t *testing.T) {
	for _, in := range []string{"2026年9月30日星期四", "2026/9/30 周日", "二〇二六年九月三十日 星期一"} {
		t.Run(in, func(t *testing.T) {
			_, prob := parseDate(in)
			if prob == nil {
				t.Fatalf("parseDate(%q) problem = nil, want a wrong-weekday error", in)
			}
			if !strings.Contains(prob.reason, "2026-09-30是星期三") {
				t.Errorf("parseDate(%q) reason = %q, want it to name the real weekday", in, prob.reason)
			}
		})
	}
}

package main

import (
	"strings"
	"testing"

	"saima"
	"saima/scoring"
)

func TestPrintProblems(t *testing.T) {
	closed := saima.NewDate(2026, 6, 30)
	problems := []scoring.ProblemEvidence{
		{ProblemItem: saima.ProblemItem{ID: "WT-1", Stage: "已办结", Opened: saima.NewDate(2026, 4, 10), Closed: &closed},
			Counted: true, Days: 81, Provenance: scoring.Provenance{UploadID: "u-1", FileName: "problems.csv"}},
		{ProblemItem: saima.ProblemItem{ID: "WT-2", Stage: "分析研判", Opened: saima.NewDate(2026, 6, 1)}},
	}
	tests := []struct {
		name     string
		problems []scoring.ProblemEvidence
		want     []string // the lines' fields, space-separated after alignment
	}{
		{"Listed", problems, []string{
			"问题编号 发现日期 办结日期 环节 计入已办结 办结天数 上传编号 文件 上传时间",
			"WT-1 2026-04-10 2026-06-30 已办结 是 81 u-1 problems.csv —",
			"WT-2 2026-06-01 未办结 分析研判 否 — —",
		}},
		{"None", nil, []string{"问题清单：本期没有发现的问题"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var b strings.Builder
			tw := newTable(&b)
			printProblems(tw, tt.problems)
			if err := tw.Flush(); err != nil {
				t.Fatal(err)
			}
			var got []string
			for line := range strings.Lines(b.String()) {
				if fields := strings.Fields(line); len(fields) > 0 {
					got = append(got, strings.Join(fields, " "))
				}
			}
			if strings.Join(got, "\n") != strings.Join(tt.want, "\n") {
				t.Errorf("printProblems() =\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(tt.want, "\n"))
			}
		})
	}
}

package web

import (
	"slices"
	"testing"

	"github.com/shopspring/decimal"

	"saima"
)

func TestMissingReportsOwedStages(t *testing.T) {
	percent := func(v int64) decimal.NullDecimal { return decimal.NewNullDecimal(decimal.NewFromInt(v)) }
	entry := func(code, stage string, latest decimal.NullDecimal) saima.LedgerEntry {
		return saima.LedgerEntry{Project: saima.Project{Code: code, Unit: "宁波市海曙区"}, Stage: stage, LatestPercent: latest}
	}
	entries := []saima.LedgerEntry{
		entry("PRE", "预报", decimal.NullDecimal{}),
		entry("REVIEW", "初审", decimal.NullDecimal{}),
		entry("DECIDED", "决策", decimal.NullDecimal{}),
		entry("REPORTING-EARLY", "论证", percent(30)),
		entry("NO-STAGE", "", percent(10)),
		entry("NO-STAGE-NO-REPORT", "", decimal.NullDecimal{}),
		entry("WORK", "实施", percent(60)),
		entry("WORK-NEW", "实施", decimal.NullDecimal{}),
		entry("WORK-DONE", "实施", percent(100)),
		entry("EVAL", "评估", percent(95)),
		entry("EVAL-DONE", "评估", percent(100)),
		entry("EXIT", "退出", percent(40)),
		entry("END", "完成", percent(100)),
		entry("REPORTED", "实施", percent(50)),
	}
	reports := []saima.ProgressReport{{Unit: "宁波市海曙区", ProjectCode: "REPORTED"}}

	var got []string
	for _, m := range missingReports(entries, reports) {
		got = append(got, m.ProjectCode)
	}
	if want := []string{"EVAL", "NO-STAGE", "REPORTING-EARLY", "WORK", "WORK-NEW"}; !slices.Equal(got, want) {
		t.Errorf("projects owing a report = %v, want %v", got, want)
	}
}

package ingest

import (
	"slices"
	"strings"
	"testing"

	"saima"
)

// faultLedger returns options for the account of unit ("" for the office)
// with a ledger in which 宁海县 owns the project NB-2026-300, its
// milestone 联调, the problem WT-8 and the list item A2, and 余姚市 owns
// NB-2026-200 and the list item A1.
func faultLedger(unit string) Options {
	return Options{
		Unit: unit,
		Projects: []saima.Project{
			{Code: "NB-2026-200", Name: "浙里办接入", Unit: "余姚市", LeaderLed: true},
			{Code: "NB-2026-300", Name: "城市大脑", Unit: "宁海县"},
		},
		Milestones: []saima.Milestone{{ProjectCode: "NB-2026-300", Name: "联调", Unit: "宁海县"}},
		Problems:   []saima.ProblemItem{{ID: "WT-8", Unit: "宁海县"}},
		ListItems: []saima.ListItem{
			{List: "重大需求", ID: "A1", Unit: "余姚市"},
			{List: "重大需求", ID: "A2", Unit: "宁海县"},
		},
	}
}

// A row with a bad cell and an independent fault against the ledger, or
// against another cell, gets both errors in one reply, so that the clerk
// does not find the second one only after fixing the first.
func TestRowTwoIndependentFaults(t *testing.T) {
	tests := []struct {
		name, unit, text string
		want             []string // the columns of the row's errors, in order
		notOwn           int
	}{
		{"progress: future report date and project not in the ledger", "余姚市",
			"单位,项目编号,填报期间,完成率,填报日期\n余姚市,NB-9999-999,2026Q3,50%,2027-01-01\n",
			[]string{"项目编号", "填报日期"}, 0},
		{"progress: bad percent and another unit's project", "余姚市",
			"单位,项目编号,填报期间,完成率\n余姚市,NB-2026-300,2026Q3,135%\n",
			[]string{"项目编号", "完成率"}, 1},
		{"milestones: future done date and project not in the ledger", "余姚市",
			"项目编号,里程碑,计划完成日期,实际完成日期,责任单位\nNB-9999-999,上线,2026-09-01,2027-01-01,余姚市\n",
			[]string{"项目编号", "实际完成日期"}, 0},
		{"milestones: future done date and another unit's milestone", "余姚市",
			"项目编号,里程碑,计划完成日期,实际完成日期,责任单位\nNB-2026-300,联调,2026-09-01,2027-01-01,余姚市\n",
			[]string{"里程碑", "实际完成日期"}, 1},
		{"done marks: future date and item not in the list", "余姚市",
			"清单名称,事项编号,责任单位,完成日期\n重大需求,A9,余姚市,2027-01-01\n",
			[]string{"事项编号", "完成日期"}, 0},
		{"done marks: bad date and another unit's item", "余姚市",
			"清单名称,事项编号,责任单位,完成日期\n重大需求,A2,余姚市,2026-13-01\n",
			[]string{"事项编号", "完成日期"}, 1},
		{"projects: negative budget and another unit's project", "余姚市",
			"项目编号,项目名称,责任单位,预算（万元）\nNB-2026-300,城市大脑,余姚市,-5\n",
			[]string{"项目编号", "预算（万元）"}, 1},
		{"problems: future date and another unit's problem", "余姚市",
			"问题编号,单位,发现日期\nWT-8,余姚市,2027-01-01\n",
			[]string{"问题编号", "发现日期"}, 1},
		{"leader reports: future date and project not in the ledger", "余姚市",
			"项目编号,半年度,牵头单位,成果,报送日期\nNB-9999-999,2026上半年,余姚市,上线,2027-01-01\n",
			[]string{"项目编号", "报送日期"}, 0},
		{"assessments: bad period and score above full marks", "",
			"被考评单位,指标,得分,满分,考评方式,考评期间\n余姚市,开工率,12,10,线上日常,2026Q9\n",
			[]string{"得分", "考评期间"}, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res := parseText(t, "f.csv", tt.text, faultLedger(tt.unit))
			var got []string
			for _, is := range res.Errors {
				got = append(got, is.Column)
			}
			slices.Sort(got)
			want := slices.Sorted(slices.Values(tt.want))
			if !slices.Equal(got, want) {
				t.Errorf("error columns = %q, want %q\nerrors:\n%s", got, want, strings.Join(issueStrings(res.Errors), "\n"))
			}
			if res.NotOwn != tt.notOwn {
				t.Errorf("NotOwn = %d, want %d", res.NotOwn, tt.notOwn)
			}
		})
	}
}

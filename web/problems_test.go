package web

import (
	"testing"

	"saima"
)

func TestProblemMatrix(t *testing.T) {
	items := []saima.ProblemItem{
		{ID: "1", Unit: "甲", Category: "数据", Stage: "收集", Level: 1},
		{ID: "2", Unit: "甲", Category: "数据", Stage: "收集", Level: 3},
		{ID: "3", Unit: "乙", Category: "数据", Stage: "已办结", Level: 2},
		{ID: "4", Unit: "甲", Category: "性能", Stage: "分办落实", Level: 2},
		{ID: "5", Unit: "甲", Category: "数据", Stage: "未知阶段", Level: 9},
	}
	tests := []struct {
		name    string
		filter  problemFilter
		totals  []int // per level, then the grand total
		collect []int // the 收集 row
		listed  int
	}{
		{"All", problemFilter{}, []int{1, 2, 1, 5}, []int{1, 0, 1, 2}, 5},
		{"OneUnit", problemFilter{Unit: "甲"}, []int{1, 1, 1, 4}, []int{1, 0, 1, 2}, 4},
		{"OpenData", problemFilter{Category: "数据", Open: true}, []int{1, 0, 1, 3}, []int{1, 0, 1, 2}, 3},
		{"StageAndLevelListOnly", problemFilter{Stage: "收集", Level: 3}, []int{1, 2, 1, 5}, []int{1, 0, 1, 2}, 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m := problemMatrix(items, tt.filter)
			if len(m) != len(saima.LoopStages)+1 {
				t.Fatalf("matrix has %d rows, want one per stage and the totals", len(m))
			}
			check := func(row matrixRow, want []int, what string) {
				for i, c := range row.Cells {
					if c.Count != want[i] {
						t.Errorf("%s level %d = %d, want %d", what, i+1, c.Count, want[i])
					}
				}
				if row.Total.Count != want[3] {
					t.Errorf("%s total = %d, want %d", what, row.Total.Count, want[3])
				}
			}
			check(m[len(m)-1], tt.totals, "totals")
			check(m[0], tt.collect, "收集")
			if got := len(problemRows(items, tt.filter, mustDate("2026-10-20"))); got != tt.listed {
				t.Errorf("listed %d items, want %d", got, tt.listed)
			}
		})
	}
}

func TestProblemFilterURL(t *testing.T) {
	f := problemFilter{Unit: "宁波市海曙区", Category: "=1+2", Open: true}
	want := "/problems?category=%3D1%2B2&level=2&open=1&stage=%E6%94%B6%E9%9B%86&unit=%E5%AE%81%E6%B3%A2%E5%B8%82%E6%B5%B7%E6%9B%99%E5%8C%BA"
	if got := f.url("收集", 2); got != want {
		t.Errorf("url = %s, want %s", got, want)
	}
	if got := (problemFilter{}).url("", 0); got != "/problems" {
		t.Errorf("url of no filter = %s, want /problems", got)
	}
}

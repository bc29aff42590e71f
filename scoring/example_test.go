package scoring_test

import (
	"fmt"

	"saima"
	"saima/scoring"
)

func ExampleEvaluate() {
	rs, err := scoring.ParseRuleSet([]byte(`
name: 示例
tracks:
  - name: 区县（市）
indicators:
  - id: milestone_ontime_rate
    name: 里程碑按期完成率
    source: milestone_ontime_rate
    weight: 60
    normalise: {method: goalposts, lower: 0, upper: 100}
  - id: assessment_mean
    name: 考评平均得分率
    source: assessment_mean
    weight: 40
    normalise: {method: goalposts, lower: 0, upper: 100}
`))
	if err != nil {
		fmt.Println(err)
		return
	}
	units := []saima.Unit{
		{Name: "海曙区", Kind: saima.KindDistrict},
		{Name: "江北区", Kind: saima.KindDistrict},
		{Name: "镇海区", Kind: saima.KindDistrict},
	}
	facts := []scoring.UnitFacts{
		{Unit: "海曙区", MilestonesDue: 4, MilestonesOnTime: 3, Assessments: 2, AssessmentPctSum: 170},
		{Unit: "江北区", MilestonesDue: 5, MilestonesOnTime: 5, Assessments: 1, AssessmentPctSum: 60},
		// 镇海区 has no assessments, so it gets the track mean, 72.5.
		{Unit: "镇海区", MilestonesDue: 2, MilestonesOnTime: 2},
	}
	prev := map[string]int{"海曙区": 1, "江北区": 3, "镇海区": 2}

	scores, err := scoring.Evaluate(rs, saima.Quarter(2026, 3), units, facts, prev)
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, s := range scores {
		fmt.Printf("%d %s %s (%+d)\n", s.Rank, s.Unit, saima.FormatComposite(s.Value), s.Movement())
		for _, c := range s.Contributions {
			fmt.Printf("  %s %s × %.2f = %s missing=%v\n",
				c.Name, saima.FormatIndicator(c.Score), c.Weight, saima.FormatIndicator(c.Points), c.Missing)
		}
	}
	// Output:
	// 1 镇海区 89.0 (+1)
	//   里程碑按期完成率 100.00 × 0.60 = 60.00 missing=false
	//   考评平均得分率 72.50 × 0.40 = 29.00 missing=true
	// 2 江北区 84.0 (+1)
	//   里程碑按期完成率 100.00 × 0.60 = 60.00 missing=false
	//   考评平均得分率 60.00 × 0.40 = 24.00 missing=false
	// 3 海曙区 79.0 (-2)
	//   里程碑按期完成率 75.00 × 0.60 = 45.00 missing=false
	//   考评平均得分率 85.00 × 0.40 = 34.00 missing=false
}

package scoring

import (
	"testing"

	"saima"
)

func TestExampleFullRuleSet(t *testing.T) {
	rs, err := LoadRuleSet("../rulesets/example-full.yaml")
	if err != nil {
		t.Fatalf("LoadRuleSet: %v", err)
	}
	units := []saima.Unit{
		{Name: "甲区", Kind: saima.KindDistrict}, {Name: "乙区", Kind: saima.KindDistrict},
		{Name: "丙区", Kind: saima.KindDistrict}, {Name: "丁区", Kind: saima.KindDistrict},
		{Name: "戊区", Kind: saima.KindDistrict}, {Name: "甲局", Kind: saima.KindDepartment},
	}
	values := func(ontime, plan, assess, extra map[string]float64) map[string]float64 {
		v := map[string]float64{}
		for _, m := range []map[string]float64{ontime, plan, assess, extra} {
			for k, x := range m {
				v[k] = x
			}
		}
		return v
	}
	records := []Record{
		{Unit: "甲区", Values: values(map[string]float64{SourceMilestoneOnTimeRate: 100}, map[string]float64{SourceProgressVsPlan: 100},
			map[string]float64{SourceAssessmentMean: 95}, map[string]float64{"违规件数": 0, "创新加分": 2, "目标完成度": 120})},
		{Unit: "乙区", Values: values(map[string]float64{SourceMilestoneOnTimeRate: 90}, map[string]float64{SourceProgressVsPlan: 95},
			map[string]float64{SourceAssessmentMean: 90}, map[string]float64{"违规件数": 1, "黄牌次数": 2, "目标完成度": 100})},
		{Unit: "丙区", Values: values(map[string]float64{SourceMilestoneOnTimeRate: 80}, map[string]float64{SourceProgressVsPlan: 80},
			map[string]float64{SourceAssessmentMean: 85}, map[string]float64{"违规件数": 0, "重大舆情": 1, "目标完成度": 105})},
		{Unit: "丁区", Values: values(map[string]float64{SourceMilestoneOnTimeRate: 70}, nil,
			map[string]float64{SourceAssessmentMean: 80}, map[string]float64{"违规件数": 3, "目标完成度": 90}), NotApplicable: []string{"compliance"}},
		{Unit: "戊区", Values: values(map[string]float64{SourceMilestoneOnTimeRate: 100}, map[string]float64{SourceProgressVsPlan: 100},
			map[string]float64{SourceAssessmentMean: 99}, map[string]float64{"安全事故": 1, "目标完成度": 95})},
		{Unit: "甲局", Values: values(map[string]float64{SourceMilestoneOnTimeRate: 75}, map[string]float64{SourceProgressVsPlan: 60}, nil, nil)},
	}
	results, err := EvaluateRecords(rs, saima.Year(2026), units, records, nil)
	if err != nil {
		t.Fatalf("EvaluateRecords: %v", err)
	}

	byUnit := map[string]Result{}
	for _, r := range results {
		byUnit[r.Unit] = r
	}
	if r := byUnit["戊区"]; !r.Failed || r.Rank != 5 || r.Grade != "不合格" {
		t.Errorf("戊区 = rank %d, grade %s, failed %v; want the safety veto to fail it last", r.Rank, r.Grade, r.Failed)
	}
	if r := byUnit["甲区"]; r.Rank != 1 || r.Bonus != 2 || r.Grade != "优秀" || len(r.Lists) != 1 || r.Lists[0] != "红榜" {
		t.Errorf("甲区 = rank %d, bonus %v, grade %s, lists %v; want first, bonus 2, 优秀, 红榜", r.Rank, r.Bonus, r.Grade, r.Lists)
	}
	if r := byUnit["乙区"]; r.Penalty != 1 {
		t.Errorf("乙区 penalty = %v, want 1 for two yellow cards", r.Penalty)
	}
	if r := byUnit["丙区"]; r.Grade == "优秀" {
		t.Errorf("丙区 grade = %s, want at most 良好 under its veto", r.Grade)
	}
	if r := byUnit["甲局"]; r.Rank != 1 || r.Track != saima.KindDepartment {
		t.Errorf("甲局 = rank %d in %s, want rank 1 in 市直部门", r.Rank, r.Track)
	}

	stats, err := Analyse(rs, *rs.Robustness, units, records)
	if err != nil {
		t.Fatalf("Analyse: %v", err)
	}
	if len(stats) != len(units) {
		t.Fatalf("Analyse returned %d stats, want %d", len(stats), len(units))
	}
	for _, s := range stats {
		if s.Unit == "戊区" && (s.Q05 != 5 || s.Q95 != 5) {
			t.Errorf("戊区 ranks %v to %v over the draws, want 5 in every draw because its veto fails it", s.Q05, s.Q95)
		}
	}
}

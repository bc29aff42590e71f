package scoring

import (
	"slices"
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
	// Every value comes from a built-in source, as the ledger's facts give them.
	records := []Record{
		{Unit: "甲区", Values: map[string]float64{SourceMilestoneOnTimeRate: 100, SourceProgressVsPlan: 100,
			SourceAssessmentMean: 95, SourceMilestoneRedMonths: 0, SourceProblemsClosedRate: 100}},
		{Unit: "乙区", Values: map[string]float64{SourceMilestoneOnTimeRate: 90, SourceProgressVsPlan: 95,
			SourceAssessmentMean: 90, SourceMilestoneRedMonths: 1, SourceMilestoneYellowMonths: 2}},
		{Unit: "丙区", Values: map[string]float64{SourceMilestoneOnTimeRate: 80, SourceProgressVsPlan: 80,
			SourceAssessmentMean: 85, SourceMilestoneRedMonths: 0, SourceProblemsMeanDaysLevel3: 12}},
		{Unit: "丁区", Values: map[string]float64{SourceMilestoneOnTimeRate: 70,
			SourceAssessmentMean: 80, SourceMilestoneRedMonths: 3}, NotApplicable: []string{"red_months"}},
		{Unit: "戊区", Values: map[string]float64{SourceMilestoneOnTimeRate: 60, SourceProgressVsPlan: 30,
			SourceAssessmentMean: 60, SourceMilestoneRedMonths: 6}},
		{Unit: "甲局", Values: map[string]float64{SourceMilestoneOnTimeRate: 75, SourceProgressVsPlan: 60}},
	}
	results, err := EvaluateRecords(rs, saima.Year(2026), units, records, nil)
	if err != nil {
		t.Fatalf("EvaluateRecords: %v", err)
	}

	byUnit := map[string]Result{}
	for _, r := range results {
		byUnit[r.Unit] = r
	}
	if r := byUnit["戊区"]; r.Rank != 5 || r.Grade != "不合格" || !slices.Contains(r.Lists, "黑榜") {
		t.Errorf("戊区 = rank %d, grade %s, lists %v; want last, 不合格 below fail_below, on 黑榜", r.Rank, r.Grade, r.Lists)
	}
	if r := byUnit["甲区"]; r.Rank != 1 || r.Bonus != 2 || r.Grade != "优秀" || len(r.Lists) != 1 || r.Lists[0] != "红榜" {
		t.Errorf("甲区 = rank %d, bonus %v, grade %s, lists %v; want first, bonus 2, 优秀, 红榜", r.Rank, r.Bonus, r.Grade, r.Lists)
	}
	if r := byUnit["乙区"]; r.Penalty != 0.5 {
		t.Errorf("乙区 penalty = %v, want 0.5 for two yellow months", r.Penalty)
	}
	if r := byUnit["丙区"]; r.Grade == "优秀" || !slices.Contains(r.Vetoes, "escalated") {
		t.Errorf("丙区 grade = %s, vetoes %v; want at most 良好 under the escalated veto", r.Grade, r.Vetoes)
	}
	if r := byUnit["甲局"]; r.Rank != 1 || r.Track != saima.KindDepartment {
		t.Errorf("甲局 = rank %d in %s, want rank 1 in 市直部门", r.Rank, r.Track)
	}
	if err := rs.LedgerInputs(); err != nil {
		t.Errorf("LedgerInputs() = %v, want nil: the example must score the ledger", err)
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
			t.Errorf("戊区 ranks %v to %v over the draws, want 5 in every draw, far below the others", s.Q05, s.Q95)
		}
	}
}

package scoring

import (
	"strings"
	"testing"
)

const annualBase = `name: 年度
tracks:
  - name: 区县（市）
indicators:
  - id: a
    name: 考评
    source: assessment_mean
    weight: 1
    normalise:
      method: none
`

func TestAnnualRuleDefault(t *testing.T) {
	rs, err := ParseRuleSet([]byte(annualBase))
	if err != nil {
		t.Fatal(err)
	}
	got := rs.AnnualRule()
	if got.QuarterWeight != 0.95 || got.YearEndWeight != 0 || len(got.Leadership) != 0 {
		t.Errorf("AnnualRule() without a section = %+v, want 0.95 and nothing else", got)
	}
}

func TestAnnualRuleFromFile(t *testing.T) {
	rs, err := ParseRuleSet([]byte(annualBase + `annual:
  quarter_weight: 0.8
  year_end_weight: 0.2
  leadership:
    宁波市海曙区: 3
`))
	if err != nil {
		t.Fatal(err)
	}
	got := rs.AnnualRule()
	if got.QuarterWeight != 0.8 || got.YearEndWeight != 0.2 || got.Leadership["宁波市海曙区"] != 3 {
		t.Errorf("AnnualRule() = %+v, want 0.8, 0.2 and 3 points for 宁波市海曙区", got)
	}
}

func TestAnnualRuleInvalid(t *testing.T) {
	_, err := ParseRuleSet([]byte(annualBase + `annual:
  quarter_weight: 1.5
  year_end_weight: -0.1
  leadership:
    宁波市海曙区: 6
`))
	if err == nil {
		t.Fatal("ParseRuleSet accepted weights outside 0–1 and 6 leadership points")
	}
	for _, want := range []string{"annual.quarter_weight", "annual.year_end_weight", "宁波市海曙区",
		"权重 1.50 无效", "权重 -0.10 无效", "领导评价加分 6.00 无效"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error %q does not name %s", err, want)
		}
	}
}

func TestAnnualRuleWeightSum(t *testing.T) {
	tests := []struct {
		name, quarter, yearEnd string
		wantSum                string // the sum the error names; empty when there is no error
	}{
		{"OK shipped 0.95 and 0.05", "0.95", "0.05", ""},
		{"OK 0.7 and 0.3", "0.7", "0.3", ""},
		{"OK below 1", "0.6", "0.2", ""},
		{"ErrAbove1", "0.95", "0.9", "quarter_weight 0.95 与 year_end_weight 0.90 之和为 1.85，"},
		{"ErrBothOne", "1", "1", "quarter_weight 1.00 与 year_end_weight 1.00 之和为 2.00，"},
		{"ErrAbove1ByTiny", "0.95", "0.0500001", "quarter_weight 0.95 与 year_end_weight 0.0500001 之和为 1.0000001，"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := ParseRuleSet([]byte(annualBase + "annual:\n  quarter_weight: " + tt.quarter +
				"\n  year_end_weight: " + tt.yearEnd + "\n"))
			if tt.wantSum == "" {
				if err != nil {
					t.Fatalf("ParseRuleSet(%s + %s) = %v, want nil", tt.quarter, tt.yearEnd, err)
				}
				return
			}
			if err == nil {
				t.Fatalf("ParseRuleSet(%s + %s) = nil, want an error about the sum", tt.quarter, tt.yearEnd)
			}
			for _, want := range []string{"annual", tt.wantSum, "不能超过 1"} {
				if !strings.Contains(err.Error(), want) {
					t.Errorf("ParseRuleSet(%s + %s) = %q, want it to contain %q", tt.quarter, tt.yearEnd, err, want)
				}
			}
		})
	}
}

package scoring

import (
	"testing"

	"saima"
)

func TestStandingScoresOrder(t *testing.T) {
	st := &Standing{Entries: []Entry{
		{Score: saima.Score{Track: "市直部门", Unit: "b", Rank: 2}},
		{Score: saima.Score{Track: "区县（市）", Unit: "z", Rank: 1}, Computed: saima.Score{Rank: 3}},
		{Score: saima.Score{Track: "市直部门", Unit: "a", Rank: 1}},
	}}
	got := st.Scores()
	want := []string{"z", "a", "b"}
	for i, w := range want {
		if got[i].Unit != w {
			t.Errorf("Scores()[%d] = %s, want %s", i, got[i].Unit, w)
		}
	}
	if got[0].Rank != 1 {
		t.Errorf("Scores() used the computed rank %d, want the shown rank 1", got[0].Rank)
	}
}

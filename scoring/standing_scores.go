package scoring

import (
	"cmp"
	"slices"

	"saima"
)

// Scores returns the ranking as shown: each entry's score with overrides
// applied, ordered by track, then rank, then unit. The PDFs and the
// dashboards both read it, so they show the same numbers.
func (st *Standing) Scores() []saima.Score {
	scores := make([]saima.Score, len(st.Entries))
	for i, e := range st.Entries {
		scores[i] = e.Score
	}
	slices.SortStableFunc(scores, func(x, y saima.Score) int {
		return cmp.Or(cmp.Compare(x.Track, y.Track), cmp.Compare(x.Rank, y.Rank), cmp.Compare(x.Unit, y.Unit))
	})
	return scores
}

package saima

import (
	"cmp"
	"slices"

	"github.com/samber/lo"
	"github.com/shopspring/decimal"
)

// AssessmentTotal is one unit's sum of 得分 over the assessment records of
// a period, as the office tallies an evaluation round (考评得分汇总).
type AssessmentTotal struct {
	Unit    string
	Total   decimal.Decimal // exact: the sum of the scores as written
	Records int             // the assessment records summed
	// Rank is the competition rank by Total, highest first: units with the
	// same total share a rank, and the next rank skips as many places
	// (1, 1, 3).
	Rank int
}

// AssessmentTotals sums the 得分 of each unit's assessments of period and
// ranks the units by their totals. A quarter's totals add the records of
// its months, as its scoring reads them. Records of other periods are left
// out, so a year's 线下年终 records do not count in its quarters. The
// result is in rank order, then by unit name.
func AssessmentTotals(assessments []Assessment, period Period) []AssessmentTotal {
	inPeriod := func(a Assessment, _ int) bool {
		return a.Period == period || (period.Kind == PeriodQuarter && a.Period.Quarter() == period)
	}
	byUnit := lo.GroupBy(lo.Filter(assessments, inPeriod), func(a Assessment) string { return a.Unit })
	totals := make([]AssessmentTotal, 0, len(byUnit))
	for unit, records := range byUnit {
		sum := decimal.Sum(decimal.Zero, lo.Map(records, func(a Assessment, _ int) decimal.Decimal { return a.Score })...)
		totals = append(totals, AssessmentTotal{Unit: unit, Total: sum, Records: len(records)})
	}
	slices.SortFunc(totals, func(a, b AssessmentTotal) int {
		return cmp.Or(b.Total.Cmp(a.Total), cmp.Compare(a.Unit, b.Unit))
	})
	for i := range totals {
		if i > 0 && totals[i].Total.Equal(totals[i-1].Total) {
			totals[i].Rank = totals[i-1].Rank
		} else {
			totals[i].Rank = i + 1
		}
	}
	return totals
}

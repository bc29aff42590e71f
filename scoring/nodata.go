package scoring

import (
	"fmt"
	"strings"

	"github.com/samber/lo"

	"saima"
)

// leaveOutNoData splits units into those that have a value for some
// indicator of rs among records and those that have none. A unit without
// any value would be ranked on the missing-value policy alone, such as
// the track's mean, although nothing of it was measured in the period.
// So a new run leaves it out of the ranking, as the roster's 不参与排名
// does, with the reason that [noDataUnit] gives. keep names the units to
// rank all the same: those that a stored run ranked, so that it
// recomputes alike. A nil keep ranks none of them.
func leaveOutNoData(rs *RuleSet, period saima.Period, units []saima.Unit, records []Record,
	keep func(unit string) bool) (ranked, left []saima.Unit) {
	measured := map[string]bool{}
	for _, r := range records {
		if hasData(rs, []Record{r}) {
			measured[r.Unit] = true
		}
	}
	for _, u := range units {
		if measured[u.Name] || (keep != nil && keep(u.Name)) {
			ranked = append(ranked, u)
			continue
		}
		left = append(left, noDataUnit(rs, period, u))
	}
	return ranked, left
}

// noDataUnit returns u as a run stores it when it has no value for any
// indicator of rs in period: out of the ranking, with the reason.
func noDataUnit(rs *RuleSet, period saima.Period, u saima.Unit) saima.Unit {
	names := lo.Map(rs.Indicators, func(ind Indicator, _ int) string { return ind.Name })
	u.Track = saima.TrackUnranked
	u.UnrankedNoData = true
	u.UnrankedReason = fmt.Sprintf("%s没有可计分的数据（%s都没有数据），%s",
		period.Label(), strings.Join(names, "、"), noDataSuffix)
	return u
}

// noDataSuffix ends the reason of every unit that a run leaves out for
// having no data. Readers of a stored run check the flag that the run
// stores, [saima.Unit.UnrankedNoData], not this text. The clickhouse
// package matches its own copy of the text only in rows stored before
// that flag.
const noDataSuffix = "不按缺失值补分排名"

// recordsOfUnits returns the records whose unit is one of units.
func recordsOfUnits(records []Record, units []saima.Unit) []Record {
	known := lo.SliceToMap(units, func(u saima.Unit) (string, bool) { return u.Name, true })
	return lo.Filter(records, func(r Record, _ int) bool { return known[r.Unit] })
}

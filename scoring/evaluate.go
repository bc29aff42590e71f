package scoring

import (
	"cmp"
	"errors"
	"fmt"
	"math"
	"slices"
	"strings"

	"saima"
)

// Evaluate scores and ranks units for period under rs.
//
// Each unit is ranked in its track (Unit.Track, or Unit.Kind when Track is
// empty), which must be one of rs.Tracks. For every indicator the unit's raw
// value comes from its facts. The units of the track that have a value are
// normalised together, and the others get the rule set's missing-value
// policy. An indicator that no unit in the track has a value for is left
// out of that track: its weight is 0 and the other weights are scaled up to
// sum to 1. A unit without facts is ranked with every indicator missing.
//
// The composite is the weighted sum of the indicator scores. Ranks are
// competition ranks within the track (1, 2, 2, 4); two composites tie when
// they agree after rounding to 1e-9. PrevRank comes from prev, keyed by unit
// name, and is 0 for units prev lacks.
//
// The result is ordered by the tracks' order in rs, then by rank, then by
// unit name. RunID and ComputedAt are left for the caller to set. Evaluate
// returns a *saima.Error of kind saima.KindInvalid when period is zero, a
// unit's track is not in rs, unit names repeat, or facts name an unknown
// unit, repeat a unit or hold impossible counts.
func Evaluate(rs *RuleSet, period saima.Period, units []saima.Unit, facts []UnitFacts, prev map[string]int) ([]saima.Score, error) {
	if rs == nil {
		return nil, errors.New("evaluate: nil rule set")
	}
	members, byUnit, err := checkInput(rs, period, units, facts)
	if err != nil {
		return nil, err
	}

	var out []saima.Score
	for _, tr := range rs.Tracks {
		if len(members[tr.Name]) == 0 {
			continue
		}
		scores := rs.scoreTrack(tr, members[tr.Name], byUnit)
		rank(scores)
		for i := range scores {
			s := &scores[i]
			s.Period, s.Track = period, tr.Name
			s.RuleSet, s.RuleSetVersion = rs.Name, rs.Version
			s.PrevRank = prev[s.Unit]
		}
		out = append(out, scores...)
	}
	return out, nil
}

// checkInput returns the unit names of each track and the facts by unit,
// or every problem with the input joined into one error.
func checkInput(rs *RuleSet, period saima.Period, units []saima.Unit, facts []UnitFacts) (map[string][]string, map[string]UnitFacts, error) {
	var problems []error
	if period.IsZero() {
		problems = append(problems, errors.New("缺少考评期间"))
	}

	members := map[string][]string{}
	known := map[string]bool{}
	for _, u := range units {
		track := cmp.Or(u.Track, u.Kind)
		switch {
		case u.Name == "":
			problems = append(problems, errors.New("单位名单中有名称为空的单位"))
		case known[u.Name]:
			problems = append(problems, fmt.Errorf("单位 %s 在名单中出现了两次", u.Name))
		default:
			if _, ok := rs.Track(track); !ok {
				problems = append(problems, fmt.Errorf("单位 %s 的赛道 %q 不在规则集 %s 中，请在规则集中增加该赛道或更正单位的赛道",
					u.Name, track, rs.Name))
			}
			members[track] = append(members[track], u.Name)
		}
		known[u.Name] = true
	}

	byUnit := map[string]UnitFacts{}
	for _, f := range facts {
		switch _, dup := byUnit[f.Unit]; {
		case !known[f.Unit]:
			problems = append(problems, fmt.Errorf("统计数据中的单位 %s 不在单位名单中", f.Unit))
		case dup:
			problems = append(problems, fmt.Errorf("单位 %s 的统计数据出现了两次", f.Unit))
		default:
			if err := f.check(); err != nil {
				problems = append(problems, err)
			}
		}
		byUnit[f.Unit] = f
	}

	if len(problems) > 0 {
		return nil, nil, invalidInput(problems)
	}
	for _, names := range members {
		slices.Sort(names)
	}
	return members, byUnit, nil
}

// invalidInput returns one error that shows users every problem, because
// they are all in data the users sent.
func invalidInput(problems []error) error {
	msgs := make([]string, len(problems))
	for i, p := range problems {
		msgs[i] = p.Error()
	}
	return saima.Errorf(saima.KindInvalid, "无法计算排名：%s", strings.Join(msgs, "；"))
}

// scoreTrack computes the composite of each unit in one track, in the
// order of units, and leaves Rank unset.
func (rs *RuleSet) scoreTrack(tr Track, units []string, facts map[string]UnitFacts) []saima.Score {
	points := rs.trackPoints(tr)
	columns := make([][]saima.Contribution, len(rs.Indicators))
	for i, ind := range rs.Indicators {
		var present bool
		columns[i], present = scoreIndicator(ind, rs.Missing, units, facts)
		if !present {
			points[i] = 0
		}
	}
	weights := scaleToOne(points)

	scores := make([]saima.Score, len(units))
	for u, name := range units {
		s := saima.Score{Unit: name, Contributions: make([]saima.Contribution, len(rs.Indicators))}
		for i := range rs.Indicators {
			c := columns[i][u]
			c.Weight = weights[i]
			c.Points = c.Score * c.Weight
			s.Contributions[i] = c
			s.Value += c.Points
		}
		scores[u] = s
	}
	return scores
}

// scoreIndicator returns each unit's contribution for ind, without weight
// and points, and whether any unit has a value. Units without a value get
// the missing policy's score, or 0 when no unit has a value.
func scoreIndicator(ind Indicator, missing string, units []string, facts map[string]UnitFacts) ([]saima.Contribution, bool) {
	col := make([]saima.Contribution, len(units))
	var present []int
	var values []float64
	for u, name := range units {
		v, ok := facts[name].Value(ind.Source)
		col[u] = saima.Contribution{Indicator: ind.ID, Name: ind.Name, Raw: v, Missing: !ok}
		if ok {
			present = append(present, u)
			values = append(values, v)
		}
	}
	if len(values) == 0 {
		return col, false
	}

	scores := ind.Normalise.Apply(values, ind.Direction)
	for k, u := range present {
		col[u].Score = scores[k]
	}
	fill := 0.0
	if missing == MissingTrackMean {
		fill = sum(scores) / float64(len(scores))
	}
	for u := range col {
		if col[u].Missing {
			col[u].Score = fill
		}
	}
	return col, true
}

// tieKey rounds a composite to 1e-9, so that sums that differ only by
// floating-point noise tie.
func tieKey(v float64) float64 { return math.Round(v*1e9) / 1e9 }

// rank sorts scores by composite, highest first, then by unit name, and
// sets competition ranks (1, 2, 2, 4).
func rank(scores []saima.Score) {
	slices.SortFunc(scores, func(a, b saima.Score) int {
		if c := cmp.Compare(tieKey(b.Value), tieKey(a.Value)); c != 0 {
			return c
		}
		return strings.Compare(a.Unit, b.Unit)
	})
	for i := range scores {
		if i > 0 && tieKey(scores[i].Value) == tieKey(scores[i-1].Value) {
			scores[i].Rank = scores[i-1].Rank
		} else {
			scores[i].Rank = i + 1
		}
	}
}

package scoring

import (
	"cmp"
	"errors"
	"fmt"
	"math"
	"slices"
	"strings"

	"github.com/shopspring/decimal"

	"saima"
)

// Record is one unit's inputs for a period: the values of sources by name
// and the indicators that do not apply to it. A source without a key, or
// whose value is NaN, is missing.
type Record struct {
	Unit          string
	Values        map[string]float64
	NotApplicable []string // indicator IDs
}

// Record returns f's built-in sources as a Record, leaving out the sources
// whose count is zero.
func (f UnitFacts) Record() Record {
	r := Record{Unit: f.Unit, Values: map[string]float64{}}
	for _, s := range Sources {
		if v, ok := f.Value(s); ok {
			r.Values[s] = v
		}
	}
	return r
}

// Result is a unit's full result: the score that is stored, and the steps
// of the adjustments and grading that led to it.
type Result struct {
	saima.Score // Value is the final composite, after adjustments

	Base    float64  // composite of the indicator tree, before adjustments
	Bonus   float64  // bonus points added
	Penalty float64  // penalty points deducted
	Failed  bool     // failed by a veto or by the fail threshold
	Vetoes  []string // IDs of the vetoes that applied
	Grade   string   // grade band; "" when the rule set has none
	Lists   []string // names of the rank lists the unit is on

	// Groups maps the ID of each group of the indicator tree to its value.
	// A group left out of the unit's composite, because none of its
	// children has a value or applies, is 0.
	Groups map[string]float64

	stopped bool // failed by a VetoFail veto, so ranked after every other unit
}

// rankKey returns the value r is ranked by: its composite as
// [RankValue] rounds it with places, or −∞ for a unit that a veto
// stopped.
func (r *Result) rankKey(places *int32) float64 {
	if r.stopped {
		return math.Inf(-1)
	}
	return RankValue(r.Value, places)
}

// Evaluate scores and ranks units for period under rs from the facts the
// store computed. It is [EvaluateRecords] on the facts' built-in sources,
// returning only the scores. It also returns a *saima.Error of kind
// saima.KindInvalid for facts that no query can produce, such as negative
// counts or more milestones on time than due.
func Evaluate(rs *RuleSet, period saima.Period, units []saima.Unit, facts []UnitFacts, prev map[string]int) ([]saima.Score, error) {
	var problems []error
	records := make([]Record, len(facts))
	for i, f := range facts {
		if err := f.check(); err != nil {
			problems = append(problems, err)
		}
		records[i] = f.Record()
	}
	if len(problems) > 0 {
		return nil, invalidInput(problems)
	}

	results, err := EvaluateRecords(rs, period, units, records, prev)
	if err != nil {
		return nil, err
	}
	scores := make([]saima.Score, len(results))
	for i, r := range results {
		scores[i] = r.Score
	}
	return scores, nil
}

// EvaluateRecords scores and ranks units for period under rs.
//
// Each unit is ranked in its track (Unit.Track, or Unit.Kind when Track is
// empty), which must be one of rs.Tracks as [RuleSet.Track] matches names;
// the result carries the rule set's spelling. Every indicator reads its source
// from the unit's record. The units of a track that have a value are
// normalised together. The others get the indicator's missing-value or
// not-applicable policy. An indicator that no unit in the track has a value
// for is left out of that track, and its siblings' weights are scaled up.
// A unit without a record is ranked with every value missing.
//
// The composite is the root of the indicator tree, after the rule set's
// bonus, penalties and vetoes. Ranks are competition ranks within the
// track (1, 2, 2, 4). Two composites tie when they agree after rounding to
// 1e-9. PrevRank comes from prev, keyed by unit name, and is 0 for units
// prev lacks. Each contribution's Weight is the indicator's share of the
// composite, so Points add up to the composite before adjustments when
// every node is arithmetic or a sum.
//
// The result is ordered by the tracks' order in rs, then by rank, then by
// unit name. RunID and ComputedAt are left for the caller to set. It
// returns a *saima.Error of kind saima.KindInvalid when period is zero, a
// unit's track is not in rs, unit names repeat, or records name an unknown
// unit or repeat one.
func EvaluateRecords(rs *RuleSet, period saima.Period, units []saima.Unit, records []Record, prev map[string]int) ([]Result, error) {
	if rs == nil || rs.tree == nil {
		return nil, errors.New("evaluate: rule set not built by ParseRuleSet")
	}
	var problems []error
	if period.IsZero() {
		problems = append(problems, errors.New("缺少考评期间"))
	}
	inputs, trackProblems := groupTracks(rs, units, records)
	if problems = append(problems, trackProblems...); len(problems) > 0 {
		return nil, invalidInput(problems)
	}

	var out []Result
	for _, in := range inputs {
		results := rs.scoreTrack(in, nil)
		for i := range results {
			r := &results[i]
			r.Period, r.Track = period, in.track.Name
			r.RuleSet, r.RuleSetVersion = rs.Name, rs.Version
			r.PrevRank = prev[r.Unit]
		}
		out = append(out, results...)
	}
	return out, nil
}

// trackInput is the data of one track: its units in name order and their
// records, aligned.
type trackInput struct {
	track   Track
	units   []string
	records []Record
}

// groupTracks checks the input and splits it by track, in rs's track
// order, leaving out tracks without units.
func groupTracks(rs *RuleSet, units []saima.Unit, records []Record) ([]*trackInput, []error) {
	members, known, problems := groupUnits(rs, units)
	byUnit, recordProblems := indexRecords(records, known)
	problems = append(problems, recordProblems...)
	if len(problems) > 0 {
		return nil, problems
	}

	var out []*trackInput
	for _, tr := range rs.Tracks {
		names := members[tr.Name]
		if len(names) == 0 {
			continue
		}
		slices.Sort(names)
		in := &trackInput{track: tr, units: names, records: make([]Record, len(names))}
		for i, name := range names {
			in.records[i] = byUnit[name]
			in.records[i].Unit = name
		}
		out = append(out, in)
	}
	return out, nil
}

// groupUnits returns the unit names of each track and the set of all unit
// names, and the problems with the roster.
func groupUnits(rs *RuleSet, units []saima.Unit) (map[string][]string, map[string]bool, []error) {
	var problems []error
	members := map[string][]string{}
	known := map[string]bool{}
	for _, u := range units {
		track := cmp.Or(u.Track, u.Kind)
		switch {
		case u.Name == "":
			problems = append(problems, errors.New("单位名单中有名称为空的单位"))
		case known[u.Name]:
			problems = append(problems, fmt.Errorf("单位 %s 在名单中出现了两次", u.Name))
		case !u.Ranked():
			// Kept out of the ranking on purpose: its records are known
			// but belong to no track.
		default:
			tr, ok := rs.Track(track)
			if !ok {
				problems = append(problems, unknownTrack(rs, u.Name, track))
			}
			members[tr.Name] = append(members[tr.Name], u.Name)
		}
		known[u.Name] = true
	}
	return members, known, problems
}

// unknownTrack returns the problem of a unit whose track rs lacks.
func unknownTrack(rs *RuleSet, unit, track string) error {
	return fmt.Errorf("单位 %s 的赛道“%s”不在规则集 %s 中（规则集的赛道：%s），该单位无法参加排名；"+
		"请在单位名单中把它的赛道改为其中之一后重新上传名单，或在规则集的 tracks 中增加该赛道；"+
		"有意不让该单位参加排名的，请把赛道填为“%s”，并在“不参与排名原因”列写明原因",
		unit, track, rs.Name, strings.Join(rs.TrackNames(), "、"), saima.TrackUnranked)
}

// indexRecords returns the records by unit, and a problem for each record
// of an unknown unit or a repeated one.
func indexRecords(records []Record, known map[string]bool) (map[string]Record, []error) {
	var problems []error
	byUnit := map[string]Record{}
	for _, r := range records {
		switch _, dup := byUnit[r.Unit]; {
		case !known[r.Unit]:
			problems = append(problems, fmt.Errorf("统计数据中的单位 %s 不在单位名单中", r.Unit))
		case dup:
			problems = append(problems, fmt.Errorf("单位 %s 的统计数据出现了两次", r.Unit))
		}
		for _, source := range sortedKeys(r.Values) {
			if math.IsInf(r.Values[source], 0) {
				problems = append(problems, fmt.Errorf("单位 %s 的 %s 为无穷大", r.Unit, source))
			}
		}
		byUnit[r.Unit] = r
	}
	return byUnit, problems
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

// scoreTrack computes the results of one track, ranked. v, when not nil,
// replaces normalisers, aggregation or weights, for robustness analysis.
func (rs *RuleSet) scoreTrack(in *trackInput, v *variant) []Result {
	leaves := rs.scoreLeaves(in, v)
	agg := rs.tree.aggregate(in, leaves, v, true)

	results := make([]Result, len(in.units))
	for u, name := range in.units {
		r := &results[u]
		r.Unit = name
		r.Base = agg.values[0][u]
		r.Contributions = rs.contributions(leaves, agg, u)
		r.Groups = make(map[string]float64, len(rs.Groups))
		for g := range rs.Groups {
			r.Groups[rs.Groups[g].ID] = agg.values[1+g][u]
		}
		rs.Adjustments.adjust(r, in.records[u].Values)
	}

	rankResults(results, rs.Adjustments.RankPlaces)
	values := make([]map[string]float64, len(results))
	for i, r := range results {
		values[i] = in.records[slices.Index(in.units, r.Unit)].Values
	}
	rs.Adjustments.grade(results, values)
	return results
}

func (rs *RuleSet) contributions(leaves *leafMatrix, agg *aggregation, u int) []saima.Contribution {
	out := make([]saima.Contribution, len(rs.Indicators))
	for l, ind := range rs.Indicators {
		c := saima.Contribution{
			Indicator: ind.ID, Name: ind.Name,
			Raw: leaves.raw[l][u], Missing: leaves.state[l][u] != cellPresent,
			Score:  leaves.scores[l][u],
			Weight: agg.share[rs.tree.first+l][u],
		}
		c.Points = c.Score * c.Weight
		out[l] = c
	}
	return out
}

// tieKey rounds a composite to 1e-9, so that sums that differ only by
// floating-point noise tie.
func tieKey(v float64) float64 { return math.Round(v*1e9) / 1e9 }

// RankValue returns the key a composite v ranks by, so that composites
// with equal keys tie. With places nil it is v rounded to 1e-9, so that
// only floating-point noise ties. Otherwise it is v rounded half-up to that many decimal places
// the way saima.FormatComposite rounds for display (after rounding to
// 1e-9), so two composites shown alike tie. The key is the rounded value
// times 10^places, an integer held in a float64.
func RankValue(v float64, places *int32) float64 {
	if places == nil || math.IsNaN(v) || math.IsInf(v, 0) {
		return tieKey(v)
	}
	scaled := tieKey(v) * math.Pow10(int(*places))
	// Away from a half, rounding to the nearest integer gives the key. At
	// a half, or near one, float64 cannot tell which side v's decimal form
	// is on, so decimal arithmetic decides, as the display does.
	if frac := scaled - math.Floor(scaled); math.Abs(frac-0.5) > 1e-6 {
		return math.Round(scaled)
	}
	return decimal.NewFromFloat(v).Round(9).Shift(*places).Round(0).InexactFloat64()
}

// rankResults sorts results by composite, highest first, with units that
// a veto stopped last, then by unit name, and sets competition ranks (1, 2,
// 2, 4). Composites tie as [RankValue] with places rounds them.
func rankResults(results []Result, places *int32) {
	slices.SortFunc(results, func(a, b Result) int {
		if c := cmp.Compare(b.rankKey(places), a.rankKey(places)); c != 0 {
			return c
		}
		return strings.Compare(a.Unit, b.Unit)
	})
	for i := range results {
		if i > 0 && results[i].rankKey(places) == results[i-1].rankKey(places) {
			results[i].Rank = results[i-1].Rank
		} else {
			results[i].Rank = i + 1
		}
	}
}

// competitionRanks returns the competition rank of each value, highest
// first, with ties at 1e-9.
func competitionRanks(values []float64) []int {
	keys := make([]float64, len(values))
	for i, v := range values {
		keys[i] = tieKey(v)
	}
	return ranksOfKeys(keys)
}

// ranksOfKeys returns the competition rank of each key, highest first.
func ranksOfKeys(keys []float64) []int {
	order := make([]int, len(keys))
	for i := range order {
		order[i] = i
	}
	slices.SortFunc(order, func(a, b int) int { return cmp.Compare(keys[b], keys[a]) })
	ranks := make([]int, len(keys))
	for k, i := range order {
		if k > 0 && keys[i] == keys[order[k-1]] {
			ranks[i] = ranks[order[k-1]]
		} else {
			ranks[i] = k + 1
		}
	}
	return ranks
}

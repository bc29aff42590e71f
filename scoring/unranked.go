package scoring

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"saima"
)

// readUnranked sets st.Unranked to the units that the run runID left out
// of the ranking on purpose. A run stored before runs kept them left out
// the units of that track on the roster it read. With an evaluation record
// that roster is the one as of the record's data version. Without one,
// readUnranked reads the current roster and sets
// st.UnrankedFromCurrentRoster.
func (s *Service) readUnranked(ctx context.Context, st *Standing, runID string) error {
	units, stored, err := s.Store.ListRunUnranked(ctx, st.Period, runID)
	if err != nil {
		return fmt.Errorf("list unranked units: %w", err)
	}
	if stored {
		st.Unranked = units
		return nil
	}

	var roster Snapshot = s.Store.Snapshot(0)
	if ev := st.Evaluation; ev != nil && ev.DataAsOf != 0 {
		roster = s.Store.Snapshot(ev.DataAsOf)
	} else {
		st.UnrankedFromCurrentRoster = true
	}
	all, err := roster.ListUnits(ctx)
	if err != nil {
		return fmt.Errorf("list units: %w", err)
	}
	st.Unranked = st.UnrankedOnRoster(all)
	return nil
}

// UnrankedOnRoster returns the units of roster that it keeps out of the
// ranking on purpose and st does not rank, in roster order.
func (st *Standing) UnrankedOnRoster(roster []saima.Unit) []saima.Unit {
	return slices.DeleteFunc(slices.Clone(roster), func(u saima.Unit) bool {
		_, ranked := st.Entry(u.Name)
		return u.Ranked() || ranked
	})
}

// unrankedUnit returns the unit named unit among st.Unranked, or false.
func (st *Standing) unrankedUnit(unit string) (saima.Unit, bool) {
	i := slices.IndexFunc(st.Unranked, func(u saima.Unit) bool { return u.Name == unit })
	if i < 0 {
		return saima.Unit{}, false
	}
	return st.Unranked[i], true
}

// leftOutReason returns why a stored run left out of the ranking, on
// purpose, the unit that it stored as left: the roster's track and reason
// when the run read it, or that it had no data. today is the unit on the
// current roster, or nil when the roster no longer has it, and the advice
// depends on it. rs is the run's rule set, or nil when it is unknown.
func leftOutReason(left saima.Unit, today *saima.Unit, rs *RuleSet) string {
	if left.UnrankedNoData {
		return "该结果计算时，" + left.UnrankedReason + "，所以它没有参加本期排名；" +
			"如果它本期确有里程碑、进度填报或考评打分，请先导入，再由改革办重新评分或发布"
	}
	msg := fmt.Sprintf("该结果计算时，单位名单中它的赛道是“%s”，原因：%s；改革办有意不让它参加排名",
		saima.TrackUnranked, left.UnrankedReason)
	switch {
	case today == nil:
		return msg + "。该单位现已不在单位名单中"
	case today.Ranked():
		return msg + fmt.Sprintf("。单位名单现已把它的赛道改为“%s”，如需让它参加本期排名，请由改革办重新评分或发布",
			today.Track)
	case rs == nil:
		return msg + "，如需参加，请在单位名单中把它的赛道改为参加排名的赛道后重新上传名单，再重新评分或发布"
	}
	return msg + fmt.Sprintf("，如需参加，请在单位名单中把它的赛道改为规则集“%s”的赛道之一（%s）后重新上传名单，再重新评分或发布",
		rs.Name, strings.Join(rs.TrackNames(), "、"))
}

package web

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"strings"

	"saima"
	"saima/reports"
)

// unitDetail is the part of the unit page below its scores: a radar of its
// latest indicator scores against its track's mean, its projects and the
// overdue milestones it is responsible for.
type unitDetail struct {
	AsOf      saima.Date
	Radar     *chart // nil when the unit was never scored
	Projects  []ledgerRow
	Overdue   []unitOverdue
	LedgerURL string
	// Shared are the other units' projects that the unit leads (牵头单位)
	// or cooperates on (协同单位), so that a unit account finds the
	// projects whose milestones it may upload.
	Shared []sharedProject
}

// sharedProject is another unit's project that the unit leads or
// cooperates on, with the unit's own milestones on it.
type sharedProject struct {
	Code, Name, Owner, Role string
	Milestones              []sharedMilestone
}

// sharedMilestone is the unit's milestone on a shared project, with its
// state on the page's day, such as 2026-06-20 完成 or 已逾期 12 天.
type sharedMilestone struct {
	saima.Milestone
	State string
}

// sharedMilestoneOf judges m on asOf as the unit's overdue list does, so
// that an open milestone past its planned day never shows the status it
// was uploaded with, such as 未开始.
func sharedMilestoneOf(m saima.Milestone, asOf saima.Date) sharedMilestone {
	out := sharedMilestone{Milestone: m, State: m.Status}
	switch {
	case m.ClosedByExit():
		out.State = saima.ClosedByExitLabel
	case m.Actual != nil:
		out.State = m.Actual.String() + " 完成"
	case stateOf(m, asOf) == overdueOpen:
		out.State = fmt.Sprintf("已逾期 %d 天", m.DaysLate(asOf))
	case out.State == "":
		out.State = "未完成"
	}
	return out
}

// unitOverdue is one overdue milestone that the unit is responsible for.
type unitOverdue struct {
	ProjectCode string
	ProjectName string
	lateMilestone
}

// unitDetail reads the unit's projects and, when latest is set, the scores
// of latest's period for the radar.
func (s *Server) unitDetail(ctx context.Context, unit saima.Unit, latest *unitScore, asOf saima.Date) (*unitDetail, error) {
	entries, err := s.store.ListLedger(ctx, saima.LedgerFilter{Unit: unit.Name, AsOf: asOf})
	if err != nil {
		return nil, fmt.Errorf("list ledger: %w", err)
	}
	d := &unitDetail{
		AsOf:      asOf,
		Projects:  ledgerRows(entries, asOf),
		LedgerURL: pageURL("/ledger", "unit", unit.Name),
	}
	if d.Overdue, err = s.responsibleOverdue(ctx, unit.Name, d.Projects, asOf); err != nil {
		return nil, err
	}
	if d.Shared, err = s.sharedProjects(ctx, unit.Name, asOf); err != nil {
		return nil, err
	}
	if latest == nil {
		return d, nil
	}

	// The track's mean reads the scores that the leaderboard shows, so
	// indicator overrides count in it as they do in the unit's own.
	st, err := s.standing(ctx, latest.Period)
	if err != nil {
		return nil, err
	}
	scores := make([]saima.Score, len(st.Entries))
	for i, e := range st.Entries {
		scores[i] = e.Score
	}
	radar, err := indicatorRadar(latest.Score, scores, !latest.Published)
	if err != nil {
		return nil, err
	}
	d.Radar = &radar
	return d, nil
}

// indicatorRadar draws the unit's indicator scores against the mean score
// of each indicator over the units of its track in the same period, as a
// radar chart or, with fewer than three indicators, as grouped bars. The
// unit's values link to that period's leaderboard of the track. The title
// marks a draft's scores.
func indicatorRadar(unit saima.Score, scores []saima.Score, draft bool) (chart, error) {
	sums, counts := map[string]float64{}, map[string]int{}
	for _, sc := range scores {
		if sc.Track != unit.Track {
			continue
		}
		for _, ct := range sc.Contributions {
			sums[ct.Indicator] += ct.Score
			counts[ct.Indicator]++
		}
	}

	axes := make([]reports.RadarAxis, len(unit.Contributions))
	own := make([]float64, len(unit.Contributions))
	mean := make([]float64, len(unit.Contributions))
	top := 100.0
	for i, ct := range unit.Contributions {
		own[i] = ct.Score
		if counts[ct.Indicator] > 0 {
			mean[i] = sums[ct.Indicator] / float64(counts[ct.Indicator])
		}
		top = max(top, own[i], mean[i])
	}
	for i, ct := range unit.Contributions {
		axes[i] = reports.RadarAxis{Name: indicatorLabel(ct), Max: top}
	}

	title := unit.Period.Label() + "指标得分与赛道平均"
	if draft {
		title += "（草稿，未发布）"
	}
	link := pageURL("/leaderboard", "period", unit.Period.String(), "track", unit.Track)
	var option []byte
	var err error
	if len(axes) >= 3 {
		option, err = reports.RadarOption(title, axes, []reports.RadarSeries{
			{Name: unit.Unit, Values: own, Link: link},
			{Name: "赛道平均", Values: mean},
		})
	} else {
		option, err = indicatorBars(title, axes, own, mean, link)
	}
	if err != nil {
		return chart{}, fmt.Errorf("indicator chart option: %w", err)
	}
	return newChart("chart-radar", option, 0)
}

// indicatorBars compares fewer than three indicators as grouped bars,
// because a radar chart of one or two axes collapses to a line.
func indicatorBars(title string, axes []reports.RadarAxis, own, mean []float64, link string) ([]byte, error) {
	names := make([]string, len(axes))
	links := make([]string, len(axes))
	for i, a := range axes {
		names[i], links[i] = a.Name, link
	}
	return reports.GroupedBarOption(title, names, []reports.Stack{
		{Name: "本单位", Values: own, Links: links},
		{Name: "赛道平均", Values: mean},
	}, 2)
}

func indicatorLabel(ct saima.Contribution) string {
	if ct.Name != "" {
		return ct.Name
	}
	return ct.Indicator
}

// responsibleOverdue returns the milestones overdue on asOf that unit is
// responsible for, by project code and planned date. A milestone that
// names a responsible unit counts for that unit, also on a project of
// another unit, as the heatmap, the milestone list, the quarterly PDF and
// the scoring count it. projects are the unit's own, whose names spare a
// read of the whole ledger unless another unit's project is listed.
func (s *Server) responsibleOverdue(
	ctx context.Context, unit string, projects []ledgerRow, asOf saima.Date,
) ([]unitOverdue, error) {
	late, err := s.store.ListOverdueMilestones(ctx, asOf)
	if err != nil {
		return nil, fmt.Errorf("list overdue milestones: %w", err)
	}
	late = slices.DeleteFunc(late, func(m saima.Milestone) bool { return m.Unit != unit })

	names := map[string]string{}
	for _, p := range projects {
		names[p.Code] = p.Name
	}
	if slices.ContainsFunc(late, func(m saima.Milestone) bool { _, ok := names[m.ProjectCode]; return !ok }) {
		all, err := s.store.ListLedger(ctx, saima.LedgerFilter{AsOf: asOf})
		if err != nil {
			return nil, fmt.Errorf("list ledger: %w", err)
		}
		for _, e := range all {
			names[e.Code] = e.Name
		}
	}

	out := make([]unitOverdue, 0, len(late))
	for _, m := range late {
		out = append(out, unitOverdue{ProjectCode: m.ProjectCode, ProjectName: names[m.ProjectCode],
			lateMilestone: lateMilestone{Name: m.Name, Planned: m.Planned, Done: m.Actual != nil, Days: m.DaysLate(asOf)}})
	}
	slices.SortStableFunc(out, func(a, b unitOverdue) int {
		return cmp.Or(strings.Compare(a.ProjectCode, b.ProjectCode), a.Planned.Compare(b.Planned))
	})
	return out, nil
}

// sharedProjects lists, in code order, the projects of other units whose
// 牵头单位 or 协同单位 is unit, each with unit's own milestones on it in
// planned order.
func (s *Server) sharedProjects(ctx context.Context, unit string, asOf saima.Date) ([]sharedProject, error) {
	all, err := s.store.ListLedger(ctx, saima.LedgerFilter{AsOf: asOf})
	if err != nil {
		return nil, fmt.Errorf("list ledger: %w", err)
	}
	var out []sharedProject
	for _, e := range all {
		if e.Unit == unit {
			continue
		}
		switch {
		case e.LeadUnit == unit:
			out = append(out, sharedProject{Code: e.Code, Name: e.Name, Owner: e.Unit, Role: "牵头单位"})
		case slices.Contains(e.Partners, unit):
			out = append(out, sharedProject{Code: e.Code, Name: e.Name, Owner: e.Unit, Role: "协同单位"})
		}
	}
	if len(out) == 0 {
		return nil, nil
	}
	milestones, err := s.store.ListMilestones(ctx)
	if err != nil {
		return nil, fmt.Errorf("list milestones: %w", err)
	}
	for i := range out {
		for _, m := range milestones {
			if m.ProjectCode == out[i].Code && m.Unit == unit {
				out[i].Milestones = append(out[i].Milestones, sharedMilestoneOf(m, asOf))
			}
		}
		slices.SortStableFunc(out[i].Milestones, func(a, b sharedMilestone) int { return a.Planned.Compare(b.Planned) })
	}
	slices.SortFunc(out, func(a, b sharedProject) int { return strings.Compare(a.Code, b.Code) })
	return out, nil
}

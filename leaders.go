package saima

import "github.com/samber/lo"

// LeaderHalf is one half year of a leader-led project: its report, or the
// lack of one.
type LeaderHalf struct {
	Half    HalfYear
	Report  *LeaderReport // nil when none was uploaded
	Due     Date          // the last day the report may arrive, from LeaderReportDue
	Overdue bool          // no report and Due was before the day the item was judged on
}

// LeaderItem is a leader-led project with its half-year reports.
type LeaderItem struct {
	Project Project
	Halves  []LeaderHalf // oldest first, up to the half year asked for
}

// OverdueCount returns how many of i's half-year reports are overdue.
func (i LeaderItem) OverdueCount() int {
	return lo.CountBy(i.Halves, func(h LeaderHalf) bool { return h.Overdue })
}

// BuildLeaderItems returns the leader-led projects (LeaderLed set, or a
// leader named) with one entry per half year from the project's start up
// to half year last. Each half year is judged on today, so its report is
// overdue when it is missing and its due day is before today. A report on
// an earlier year passes the day it is made as today, so that a deadline
// passed since that year shows as overdue. A project without a start date
// starts with the half year of its first report, or with last. A project
// at 退出 or 完成 is still listed; callers that track only running
// projects drop it.
func BuildLeaderItems(projects []Project, reports []LeaderReport,
	last HalfYear, today Date) []LeaderItem {
	byKey := map[string]*LeaderReport{}
	first := map[string]HalfYear{}
	for i := range reports {
		r := &reports[i]
		byKey[r.ProjectCode+"/"+r.Half.String()] = r
		if f, ok := first[r.ProjectCode]; !ok || halfBefore(r.Half, f) {
			first[r.ProjectCode] = r.Half
		}
	}
	var out []LeaderItem
	for _, p := range projects {
		if !p.LeaderLed && p.Leader == "" {
			continue
		}
		start := last
		if f, ok := first[p.Code]; ok {
			start = f
		}
		if p.StartDate != nil && halfBefore(HalfYearOf(*p.StartDate), start) {
			start = HalfYearOf(*p.StartDate)
		}
		item := LeaderItem{Project: p}
		for h := start; !halfBefore(last, h); h = h.Next() {
			lh := LeaderHalf{Half: h, Report: byKey[p.Code+"/"+h.String()], Due: LeaderReportDue(h)}
			lh.Overdue = lh.Report == nil && today.After(lh.Due)
			item.Halves = append(item.Halves, lh)
		}
		out = append(out, item)
	}
	return out
}

func halfBefore(a, b HalfYear) bool {
	return a.Year < b.Year || (a.Year == b.Year && a.Half < b.Half)
}

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

// DaysLate returns how many days after Due the report arrived (see
// [LeaderReport.Arrived]), and 0 when it came in time or is missing.
func (h LeaderHalf) DaysLate() int {
	if h.Report == nil {
		return 0
	}
	return max(h.Due.DaysUntil(h.Report.Arrived()), 0)
}

// Arrived returns the day that r's lateness is judged by: the later of
// its stated 报送日期 and the day saima received it, so that a backdated
// 报送日期 does not make a late report look on time. A report without a
// received day goes by 报送日期.
func (r LeaderReport) Arrived() Date {
	if r.Received != nil && r.Received.After(r.Submitted) {
		return *r.Received
	}
	return r.Submitted
}

// Backdated reports whether r was received after its stated 报送日期,
// so that pages show both days.
func (r LeaderReport) Backdated() bool {
	return r.Received != nil && r.Received.After(r.Submitted)
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
// leader named) that owe a half-year report up to half year last, each
// with its half years. /leaders and the reports both call it, so they
// list the same items. The half years run:
//
//   - from the half year of the project's 开始日期, or of its first
//     report when that is earlier. A half year before the start is
//     listed only with its report and never owes one. A project that has
//     neither started (by the end of last, or by today when that is
//     earlier) nor reported owes nothing and is left out;
//   - to last, except that a half year beginning after the project's
//     退出 or 完成 (from history) is not due. The half year that contains
//     that day still is. A stored report on a later half year is kept.
//
// Each half year is judged on today: its report is overdue when it is
// missing and its due day is before today. A report on an earlier year
// passes the day it is made as today, so that a deadline passed since
// that year shows as overdue.
func BuildLeaderItems(projects []Project, reports []LeaderReport, history []StageEvent,
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
	lives := Lifespans(history)
	var out []LeaderItem
	for _, p := range projects {
		if !p.LeaderLed && p.Leader == "" {
			continue
		}
		start, ok := first[p.Code]
		// owedFrom is the first half year that owes a report: the start's
		// when the project has started, else that of its first report.
		owedFrom := start
		if started(p, last, today) {
			owedFrom = HalfYearOf(*p.StartDate)
			if !ok || halfBefore(owedFrom, start) {
				start, ok = owedFrom, true
			}
		}
		if !ok {
			continue
		}
		item := LeaderItem{Project: p}
		end := lives[p.Code].End
		for h := start; !halfBefore(last, h); h = h.Next() {
			lh := LeaderHalf{Half: h, Report: byKey[p.Code+"/"+h.String()], Due: LeaderReportDue(h)}
			if lh.Report == nil && (halfBefore(h, owedFrom) || (end != nil && h.Start().After(*end))) {
				continue
			}
			lh.Overdue = lh.Report == nil && today.After(lh.Due)
			item.Halves = append(item.Halves, lh)
		}
		if len(item.Halves) > 0 {
			out = append(out, item)
		}
	}
	return out
}

// started reports whether p had started by the end of half year last, or
// by today when that is earlier.
func started(p Project, last HalfYear, today Date) bool {
	by := last.End()
	if today.Before(by) {
		by = today
	}
	return p.StartDate != nil && !p.StartDate.After(by)
}

func halfBefore(a, b HalfYear) bool {
	return a.Year < b.Year || (a.Year == b.Year && a.Half < b.Half)
}

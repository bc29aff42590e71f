package ingest

import (
	"fmt"

	"saima"
)

// checkLeaderReport fails a half-year report that would be stored but
// never shown, or that cannot be a report yet. Such a report is on a
// project that the ledger does not hold or does not mark as leader-led,
// on a half year that starts after the upload day, or sent before its
// half year started. The ledger checks are skipped when the ledger is
// empty.
func (r *rowReader) checkLeaderReport(rep saima.LeaderReport) {
	if projects := r.p.projects; projects != nil && rep.ProjectCode != "" {
		switch p, ok := projects[rep.ProjectCode]; {
		case !ok:
			r.fail("项目编号", r.cell("项目编号"), &problem{
				reason: "不在项目台账中，它的半年报告不会显示在领导领衔事项页面",
				fix:    "请核对项目编号；新项目请先由改革办录入项目台账"})
		case !p.LeaderLed && p.Leader == "":
			r.fail("项目编号", r.cell("项目编号"), &problem{
				reason: "在项目台账中不是领导领衔项目，它的半年报告不会显示在领导领衔事项页面",
				fix:    "请核对项目编号；如果该项目已改为领导领衔，请先在项目台账中填写“是否领导领衔”或“领衔领导”"})
		}
	}
	if rep.Half.IsZero() {
		return
	}
	// A report on a future half year is always sent before the half year
	// starts, so that case gets one error, on the half year.
	switch start := rep.Half.Start(); {
	case start.After(r.p.today):
		r.fail("半年度", r.cell("半年度"), &problem{
			reason: fmt.Sprintf("（%s）在上传当天（%s）还没有开始", rep.Half.Label(), r.p.today),
			fix:    "请核对半年度；半年报告在该半年度开始后报送"})
	case !rep.Submitted.IsZero() && rep.Submitted.Before(start):
		r.fail("报送日期", r.cell("报送日期"), &problem{
			reason: fmt.Sprintf("早于%s的第一天（%s），半年报告须在该半年度开始后报送", rep.Half.Label(), start),
			fix:    "请核对报送日期和半年度"})
	case !rep.Submitted.IsZero():
		r.warnLateReport(rep)
	}
}

// warnLateReport warns about a report sent after its due day, which the
// pages and reports then show as 逾期报送. It is stored all the same,
// because a late report is still a report.
func (r *rowReader) warnLateReport(rep saima.LeaderReport) {
	h := saima.LeaderHalf{Half: rep.Half, Report: &rep, Due: saima.LeaderReportDue(rep.Half)}
	days := h.DaysLate()
	switch {
	case days > 0 && rep.Backdated():
		r.warn("报送日期", r.cell("报送日期"),
			fmt.Sprintf("早于系统收到这份报告的日期（%s），逾期按收到日期判定：晚于%s半年报告的报送截止日（%s）%d 天，将显示为逾期报送",
				rep.Received, rep.Half.Label(), h.Due, days),
			"逾期报送无需处理；如果是改革办导入往年的历史记录，请在导入时指定当时的收到日期（saima import --received）")
	case days > 0:
		r.warn("报送日期", r.cell("报送日期"),
			fmt.Sprintf("晚于%s半年报告的报送截止日（%s）%d 天，将显示为逾期报送", rep.Half.Label(), h.Due, days),
			"如果报送日期填错，请改为实际报送的日期；如果确实逾期报送，无需处理")
	}
}

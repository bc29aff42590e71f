package ingest

import (
	"testing"

	"saima"
)

func TestLeaderReportChecks(t *testing.T) {
	const header = "项目编号,半年度,领衔领导,牵头单位,成果,报送日期\n"
	projects := []saima.Project{
		{Code: "NB-1", Name: "一网统管", Unit: "市财政局", LeaderLed: true},
		{Code: "NB-2", Name: "数据共享", Unit: "市财政局", Leader: "王市长"},
		{Code: "NB-3", Name: "企业开办", Unit: "市财政局"},
	}
	tests := []issueCase{
		{name: "OK",
			text: header + "NB-1,2026上半年,王市长,市财政局,上线,2026-07-05\n" +
				"NB-2,2026H2,王市长,市财政局,推广,2026-10-15\n"},
		{name: "ErrNotLeaderLed",
			text: header + "NB-3,2026H1,王市长,市财政局,上线,2026-07-05\n",
			errors: []string{"f.csv 第2行“项目编号”列的值“NB-3”在项目台账中不是领导领衔项目，它的半年报告不会显示在领导领衔事项页面，" +
				"请核对项目编号；如果该项目已改为领导领衔，请先在项目台账中填写“是否领导领衔”或“领衔领导”"}},
		{name: "ErrNotInLedger",
			text: header + "NB-9,2026H1,王市长,市财政局,上线,2026-07-05\n",
			errors: []string{"f.csv 第2行“项目编号”列的值“NB-9”不在项目台账中，它的半年报告不会显示在领导领衔事项页面，" +
				"请核对项目编号；新项目请先由改革办录入项目台账"}},
		{name: "DashedHalf",
			text: header + "NB-1,2026-H1,王市长,市财政局,上线,2026-07-05\n"},
		{name: "ErrHalfOutsideLedger",
			text:   header + "NB-1,0001H1,王市长,市财政局,上线,2026-07-05\n",
			errors: []string{"f.csv 第2行“半年度”列的值“0001H1”不在2000年至2099年之间，可能是笔误，请核对年份后重新填写"}},
		{name: "ErrFutureHalf",
			text: header + "NB-1,2027H1,王市长,市财政局,上线,2026-10-01\n",
			errors: []string{"f.csv 第2行“半年度”列的值“2027H1”（2027年上半年）在上传当天（2026-10-15）还没有开始，" +
				"请核对半年度；半年报告在该半年度开始后报送"}},
		{name: "ErrSubmittedBeforeHalf",
			text: header + "NB-1,2026H2,王市长,市财政局,上线,2026-03-01\n",
			errors: []string{"f.csv 第2行“报送日期”列的值“2026-03-01”早于2026年下半年的第一天（2026-07-01），" +
				"半年报告须在该半年度开始后报送，请核对报送日期和半年度"}},
		{name: "WarnLate",
			text: header + "NB-1,2026H1,王市长,市财政局,上线,2026-08-01\n",
			warnings: []string{"f.csv 第2行“报送日期”列的值“2026-08-01”晚于2026年上半年半年报告的报送截止日（2026-07-15）17 天，" +
				"将显示为逾期报送，如果报送日期填错，请改为实际报送的日期；如果确实逾期报送，无需处理"}},
		{name: "OnDueDay",
			text: header + "NB-1,2026H1,王市长,市财政局,上线,2026-07-15\n"},
	}
	// These cases test the stated day, so each report counts as received
	// on it, as in an import of old history.
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) { tt.run(t, Options{Projects: projects, ReceivedAsStated: true}) })
	}

	// Received on the upload day, 2026-10-15, a report stated as sent in
	// time is late by the received day, and the warning names both days.
	backdated := issueCase{name: "WarnBackdated",
		text: header + "NB-1,2026H1,王市长,市财政局,上线,2026-07-05\n",
		warnings: []string{"f.csv 第2行“报送日期”列的值“2026-07-05”早于系统收到这份报告的日期（2026-10-15），" +
			"逾期按收到日期判定：晚于2026年上半年半年报告的报送截止日（2026-07-15）92 天，将显示为逾期报送，" +
			"逾期报送无需处理；如果是改革办导入往年的历史记录，请在导入时指定当时的收到日期（saima import --received）"}}
	t.Run(backdated.name, func(t *testing.T) { backdated.run(t, Options{Projects: projects}) })
}

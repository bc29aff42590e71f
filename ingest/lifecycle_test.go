package ingest

import (
	"fmt"
	"slices"
	"strings"
	"testing"

	"saima"
)

// ev returns a stage event of project NB-1 on day, decided by the body the
// rules expect for its stage, with row set by the caller's order.
func ev(stage, day string, edits ...func(*saima.StageEvent)) saima.StageEvent {
	d, err := saima.ParseDate(day)
	if err != nil {
		panic(err)
	}
	bodies := map[string]string{"预报": "市民政局", "初审": "市大数据局", "审核": "市委改革办", "论证": "市委改革办",
		"决策": "市委改革委", "退出": "市委改革委", "变更": "市委改革办"}
	e := saima.StageEvent{ProjectCode: "NB-1", Stage: stage, Date: d, DecidedBy: bodies[stage]}
	switch stage {
	case "退出":
		e.Accountability = "不予问责：需求已由省级统建应用覆盖"
	case saima.StageChange:
		e.ChangeItem, e.ChangeReason = "建设周期", "省级接口延期三个月"
	}
	for _, edit := range edits {
		edit(&e)
	}
	return e
}

func round(n int) func(*saima.StageEvent) { return func(e *saima.StageEvent) { e.Round = n } }

func opinion(o string) func(*saima.StageEvent) { return func(e *saima.StageEvent) { e.Opinion = o } }

func body(b string) func(*saima.StageEvent) { return func(e *saima.StageEvent) { e.DecidedBy = b } }

func project(code string) func(*saima.StageEvent) {
	return func(e *saima.StageEvent) { e.ProjectCode = code }
}

// numbered gives the events rows 2, 3, … as a file read after its header.
func numbered(events ...saima.StageEvent) []saima.StageEvent {
	for i := range events {
		events[i].Row = i + 2
	}
	return events
}

// throughDecision is a valid history from 预报 to 决策.
func throughDecision() []saima.StageEvent {
	return []saima.StageEvent{
		ev("预报", "2026-01-05"), ev("初审", "2026-01-10"), ev("审核", "2026-01-20"),
		ev("论证", "2026-02-01"), ev("决策", "2026-02-15"),
	}
}

// secondRound is a valid history through 实施 of round 2, after a change
// on 2026-05-01.
func secondRound() []saima.StageEvent {
	return append(throughDecision(), ev("实施", "2026-03-01"), ev("变更", "2026-05-01"),
		ev("论证", "2026-05-20", round(2)), ev("决策", "2026-06-01", round(2)), ev("实施", "2026-06-10", round(2)))
}

func TestCheckLifecycle(t *testing.T) {
	tests := []struct {
		name     string
		existing []saima.StageEvent
		incoming []saima.StageEvent
		want     []string // "row:reason substring", in order; none for a valid sequence
	}{
		{name: "OrderOK", incoming: numbered(append(throughDecision(), ev("实施", "2026-03-01"))...)},
		{name: "OrderSkipped",
			incoming: numbered(ev("预报", "2026-01-05"), ev("初审", "2026-01-10"), ev("论证", "2026-02-01")),
			want:     []string{"4:跳过了审核阶段"}},
		{name: "FirstStageNotForecast",
			incoming: numbered(ev("初审", "2026-01-10")),
			want:     []string{"2:跳过了预报阶段"}},
		{name: "ContinuesStoredHistory",
			existing: throughDecision(),
			incoming: numbered(ev("实施", "2026-03-01"), ev("评估", "2026-09-01"), ev("完成", "2026-10-01"))},
		{name: "ImplementWithoutDecision",
			existing: throughDecision()[:4],
			incoming: numbered(ev("实施", "2026-03-01")),
			want:     []string{"2:之前没有决策记录"}},
		{name: "ImplementWithoutDecisionInThirdRound",
			existing: secondRound(),
			incoming: numbered(ev("变更", "2026-07-01", round(2)), ev("论证", "2026-07-10", round(3)),
				ev("实施", "2026-07-20", round(3))),
			want: []string{"4:项目NB-1的实施之前没有第3轮的决策记录"}},
		{name: "ImplementAfterRejection",
			existing: throughDecision()[:4],
			incoming: numbered(ev("决策", "2026-02-15", opinion("不通过，建设内容与省级应用重复")),
				ev("实施", "2026-03-01")),
			want: []string{"3:决策意见为“不通过，建设内容与省级应用重复”"}},
		{name: "ImplementAfterStoredRejection",
			existing: append(throughDecision()[:4], ev("决策", "2026-02-15", opinion("经研究，不同意立项"))),
			incoming: numbered(ev("实施", "2026-03-01")),
			want:     []string{"2:决策意见为“经研究，不同意立项”"}},
		{name: "ImplementAfterCorrectedRejection",
			existing: append(throughDecision()[:4], ev("决策", "2026-02-15", opinion("未通过"))),
			incoming: numbered(ev("决策", "2026-02-15", opinion("同意立项实施")), ev("实施", "2026-03-01"))},
		// An approval with a reservation approves the project.
		{name: "ImplementAfterApprovalWithReservation",
			existing: throughDecision()[:4],
			incoming: numbered(ev("决策", "2026-02-15", opinion("同意立项，不同意追加预算")), ev("实施", "2026-03-01"))},
		{name: "ImplementAfterPrincipleApproval",
			existing: throughDecision()[:4],
			incoming: numbered(ev("决策", "2026-02-15", opinion("原则通过，未通过部分按专家意见修改")), ev("实施", "2026-03-01"))},
		{name: "ImplementAfterRefusalInOtherWords",
			existing: throughDecision()[:4],
			incoming: numbered(ev("决策", "2026-02-15", opinion("不予同意")), ev("实施", "2026-03-01")),
			want:     []string{"3:决策意见为“不予同意”"}},
		{name: "ImplementAfterRejectionAndNewRound",
			existing: append(throughDecision()[:4], ev("决策", "2026-02-15", opinion("否决")), ev("变更", "2026-03-01")),
			incoming: numbered(ev("论证", "2026-03-10", round(2)), ev("决策", "2026-03-20", round(2)),
				ev("实施", "2026-04-01", round(2)))},
		{name: "ExitAfterRejection",
			existing: append(throughDecision()[:4], ev("决策", "2026-02-15", opinion("不通过"))),
			incoming: numbered(ev("退出", "2026-03-01"))},
		{name: "DatesForward",
			existing: throughDecision()[:4],
			incoming: numbered(ev("决策", "2026-02-01"))},
		{name: "DateBeforePrevious",
			existing: throughDecision()[:4],
			incoming: numbered(ev("决策", "2026-01-31")),
			want:     []string{"2:早于前一阶段论证的日期2026-02-01"}},
		{name: "CorrectionMakesStoredDateGoBack",
			existing: throughDecision(),
			incoming: numbered(ev("论证", "2026-02-20")),
			want:     []string{"2:已登记的项目NB-1的决策（2026-02-15）早于前一阶段论证"}},
		{name: "ExitOK",
			existing: throughDecision()[:3],
			incoming: numbered(ev("退出", "2026-01-25"))},
		{name: "StageAfterExit",
			existing: append(throughDecision()[:3], ev("退出", "2026-01-25")),
			incoming: numbered(ev("论证", "2026-02-01")),
			want:     []string{"2:已登记的项目NB-1的退出（2026-01-25）之后还有论证"}},
		{name: "ExitAfterFinish",
			existing: append(throughDecision(), ev("实施", "2026-03-01"), ev("评估", "2026-09-01"), ev("完成", "2026-10-01")),
			incoming: numbered(ev("退出", "2026-10-05")),
			want:     []string{"2:在2026-10-01完成之后"}},
		{name: "FinishWithoutEvaluation",
			existing: append(throughDecision(), ev("实施", "2026-03-01")),
			incoming: numbered(ev("完成", "2026-10-01")),
			want:     []string{"2:之前没有评估记录"}},
		{name: "FinishAfterChange",
			existing: append(throughDecision(), ev("实施", "2026-03-01"), ev("评估", "2026-04-01")),
			incoming: numbered(ev("变更", "2026-05-01"), ev("完成", "2026-05-10")),
			want: []string{"3:项目NB-1的完成在2026-05-01的变更之后，" +
				"第2轮还没有论证、决策、实施、评估记录"}},
		{name: "FinishInNextRoundAfterChange",
			existing: append(throughDecision(), ev("实施", "2026-03-01"), ev("评估", "2026-04-01")),
			incoming: numbered(ev("变更", "2026-05-01"), ev("完成", "2026-05-10", round(2))),
			want: []string{"3:项目NB-1的完成在2026-05-01的变更之后，" +
				"第2轮还没有论证、决策、实施、评估记录"}},
		{name: "FinishBeforeChange",
			existing: append(throughDecision(), ev("实施", "2026-03-01"), ev("评估", "2026-04-01")),
			incoming: numbered(ev("变更", "2026-05-01"), ev("完成", "2026-04-20")),
			want:     []string{"3:项目NB-1的完成之后还有变更（2026-05-01）的记录"}},
		{name: "FinishWithoutEvaluationInSecondRound",
			existing: secondRound(),
			incoming: numbered(ev("完成", "2026-07-01")),
			want:     []string{"2:项目NB-1的完成之前没有第2轮的评估记录"}},
		{name: "FinishInRoundThatDoesNotExist",
			existing: append(secondRound(), ev("评估", "2026-07-01", round(2))),
			incoming: numbered(ev("完成", "2026-07-10", round(3))),
			want:     []string{"2:完成登记为第3轮，而项目当前是第2轮"}},
		{name: "FinishInCurrentRoundOK",
			existing: append(secondRound(), ev("评估", "2026-07-01", round(2))),
			incoming: numbered(ev("完成", "2026-07-10", round(2)))},
		{name: "ExitInRoundThatDoesNotExist",
			existing: append(throughDecision(), ev("实施", "2026-03-01")),
			incoming: numbered(ev("退出", "2026-04-01", round(7))),
			want:     []string{"2:退出登记为第7轮，而项目当前是第1轮"}},
		{name: "FinishInEarlierRoundRejected",
			existing: append(secondRound(), ev("评估", "2026-07-01", round(2))),
			incoming: numbered(ev("完成", "2026-07-10", round(1))),
			want:     []string{"2:完成登记为第1轮，而项目当前是第2轮"}},
		{name: "ExitInEarlierRoundRejected",
			existing: secondRound(),
			incoming: numbered(ev("退出", "2026-07-10", round(1))),
			want:     []string{"2:退出登记为第1轮，而项目当前是第2轮"}},
		{name: "ExitInChangeRoundOK",
			existing: append(throughDecision(), ev("实施", "2026-03-01"), ev("变更", "2026-05-01")),
			incoming: numbered(ev("退出", "2026-05-10", round(1)))},
		{name: "FinishCorrectsStoredRoundOK",
			existing: append(secondRound(), ev("评估", "2026-07-01", round(2)), ev("完成", "2026-07-10", round(1))),
			incoming: numbered(ev("完成", "2026-07-12", round(1)))},
		{name: "FinishAfterSecondRoundOK",
			existing: append(secondRound(), ev("评估", "2026-07-01", round(2))),
			incoming: numbered(ev("完成", "2026-07-10"))},
		{name: "ChangeAndReargueOK",
			existing: append(throughDecision(), ev("实施", "2026-03-01")),
			incoming: numbered(ev("变更", "2026-05-01"), ev("论证", "2026-05-20", round(2)),
				ev("决策", "2026-06-01", round(2)), ev("实施", "2026-06-10", round(2)))},
		{name: "SecondChangeOK",
			existing: append(throughDecision(), ev("实施", "2026-03-01"), ev("变更", "2026-05-01"),
				ev("论证", "2026-05-20", round(2))),
			incoming: numbered(ev("变更", "2026-05-25", round(2)), ev("论证", "2026-06-01", round(3)))},
		{name: "ChangeWithoutReason",
			existing: append(throughDecision(), ev("实施", "2026-03-01")),
			incoming: numbered(ev("变更", "2026-05-01", func(e *saima.StageEvent) { e.ChangeReason = "" })),
			want:     []string{"2:没有记录变更原因"}},
		{name: "ChangeWithoutItem",
			existing: append(throughDecision(), ev("实施", "2026-03-01")),
			incoming: numbered(ev("变更", "2026-05-01", func(e *saima.StageEvent) { e.ChangeItem = "" })),
			want:     []string{"2:没有写明变更事项"}},
		{name: "ChangeNotFollowedByArgument",
			existing: append(throughDecision(), ev("实施", "2026-03-01"), ev("变更", "2026-05-01")),
			incoming: numbered(ev("决策", "2026-05-20", round(2))),
			want:     []string{"2:变更后须先重新论证"}},
		{name: "ImplementAfterChangeInOldRound",
			existing: append(throughDecision(), ev("实施", "2026-03-01"), ev("变更", "2026-05-01")),
			incoming: numbered(ev("实施", "2026-06-10")),
			want:     []string{"2:在2026-05-01的变更之后，却登记为第1轮（“轮次”留空即为第1轮）；变更后项目须重新论证和决策，第2轮还没有论证、决策记录"}},
		{name: "ImplementAfterChangeInNextRound",
			existing: append(throughDecision(), ev("实施", "2026-03-01"), ev("变更", "2026-05-01")),
			incoming: numbered(ev("实施", "2026-06-10", round(2))),
			want:     []string{"2:变更后须先重新论证和决策，第2轮还没有论证、决策记录"}},
		{name: "DecisionAfterChangeInOldRound",
			existing: append(throughDecision()[:4], ev("变更", "2026-03-01")),
			incoming: numbered(ev("决策", "2026-03-20")),
			want:     []string{"2:第2轮还没有论证记录"}},
		{name: "DecisionAndImplementWithoutReargue",
			existing: append(throughDecision(), ev("实施", "2026-03-01"), ev("变更", "2026-05-01")),
			incoming: numbered(ev("决策", "2026-05-20", round(2)), ev("实施", "2026-06-01", round(2))),
			want:     []string{"2:第2轮还没有论证记录"}},
		{name: "ReargueInOldRound",
			existing: append(throughDecision(), ev("实施", "2026-03-01"), ev("变更", "2026-05-01")),
			incoming: numbered(ev("论证", "2026-05-20")),
			want:     []string{"2:在2026-05-01的变更之后，却登记为第1轮"}},
		{name: "ImplementInOldRoundAfterReassessment",
			existing: append(throughDecision(), ev("实施", "2026-03-01"), ev("变更", "2026-05-01"),
				ev("论证", "2026-05-20", round(2)), ev("决策", "2026-06-01", round(2))),
			incoming: numbered(ev("实施", "2026-06-10")),
			want:     []string{"2:在2026-05-01的变更之后，却登记为第1轮"}},
		{name: "ImplementAfterSecondChange",
			existing: append(throughDecision(), ev("实施", "2026-03-01"), ev("变更", "2026-05-01"),
				ev("论证", "2026-05-20", round(2)), ev("决策", "2026-06-01", round(2)),
				ev("实施", "2026-06-10", round(2)), ev("变更", "2026-07-01", round(2))),
			incoming: numbered(ev("实施", "2026-08-01", round(2))),
			want:     []string{"2:第3轮还没有论证、决策记录"}},
		{name: "ImplementInOldRoundAfterSecondChange",
			existing: secondRound(),
			incoming: numbered(ev("变更", "2026-07-01", round(2)), ev("实施", "2026-08-01")),
			want: []string{"3:项目NB-1的实施在2026-07-01的变更之后，却登记为第1轮（“轮次”留空即为第1轮）；" +
				"变更后项目须重新论证和决策，第3轮还没有论证、决策记录"}},
		{name: "ReargueBeforeChange",
			existing: append(throughDecision(), ev("实施", "2026-03-01"), ev("变更", "2026-05-01")),
			incoming: numbered(ev("论证", "2026-04-20", round(2))),
			want:     []string{"2:早于2026-05-01的变更"}},
		{name: "SecondChangeBeforeReargue",
			existing: append(throughDecision(), ev("实施", "2026-03-01"), ev("变更", "2026-05-01")),
			incoming: numbered(ev("变更", "2026-05-20", round(2))),
			want:     []string{"2:在2026-05-01的变更之后，还没有第2轮论证"}},
		{name: "ChangeInOldRoundAfterReargue",
			existing: secondRound(),
			incoming: numbered(ev("变更", "2026-07-01")),
			want: []string{"2:项目NB-1的变更登记为第1轮（“轮次”留空即为第1轮），" +
				"但已登记的第2轮论证（2026-05-20）早于它的日期2026-07-01"}},
		{name: "ChangeCorrectedAfterReargueOK",
			existing: secondRound(),
			incoming: numbered(ev("变更", "2026-05-03"))},
		{name: "ChangeCorrectedOK",
			existing: append(throughDecision(), ev("实施", "2026-03-01"), ev("变更", "2026-05-01")),
			incoming: numbered(ev("变更", "2026-05-03"))},
		{name: "ImplementBeforeChangeOK",
			existing: append(throughDecision(), ev("变更", "2026-05-01")),
			incoming: numbered(ev("实施", "2026-03-01"))},
		{name: "ReargueWrongRound",
			existing: append(throughDecision(), ev("实施", "2026-03-01"), ev("变更", "2026-05-01")),
			incoming: numbered(ev("论证", "2026-05-20", round(3))),
			want:     []string{"2:与变更后的轮次2不符"}},
		{name: "ChangeBeforeArgument",
			existing: throughDecision()[:2],
			incoming: numbered(ev("变更", "2026-01-15")),
			want:     []string{"2:项目尚未论证"}},
		{name: "GoingBackWithoutChange",
			existing: append(throughDecision(), ev("实施", "2026-03-01")),
			incoming: numbered(ev("论证", "2026-04-01", round(2))),
			want:     []string{"2:是第2轮，但之前没有登记第1次变更"}},
		{name: "ExitWithoutAccountability",
			existing: throughDecision()[:3],
			incoming: numbered(ev("退出", "2026-01-25", func(e *saima.StageEvent) { e.Accountability = "" })),
			want:     []string{"2:没有注明问责情况"}},
		{name: "DecisionByOfficeRejected",
			existing: throughDecision()[:4],
			incoming: numbered(ev("决策", "2026-02-15", body("市委改革办"))),
			want:     []string{"2:须由改革委或深改委决定"}},
		{name: "ReviewByCommissionRejected",
			existing: throughDecision()[:2],
			incoming: numbered(ev("审核", "2026-01-20", body("市委改革委"))),
			want:     []string{"2:须由改革办决定"}},
		{name: "FirstReviewByLeadUnitOK",
			existing: throughDecision()[:1],
			incoming: numbered(ev("初审", "2026-01-10", body("市经信局")))},
		{name: "FirstReviewByOtherRejected",
			existing: throughDecision()[:1],
			incoming: numbered(ev("初审", "2026-01-10", body("市民政局"))),
			want:     []string{"2:须由本系统牵头单位（市经信局）或市大数据局决定"}},
		{name: "StoredErrorsNotReported",
			existing: []saima.StageEvent{ev("预报", "2026-01-05"), ev("论证", "2026-01-06")},
			incoming: numbered(ev("预报", "2026-01-05", project("NB-2")))},
	}
	leads := map[string]string{"NB-1": "市经信局"}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			issues := CheckLifecycle(tt.existing, tt.incoming, leads)
			var got []string
			for _, i := range issues {
				got = append(got, fmt.Sprintf("%d:%s:%s", i.Row, i.Column, i.Reason))
			}
			if len(got) != len(tt.want) {
				t.Fatalf("CheckLifecycle() = %d issues %q, want %d matching %q", len(got), got, len(tt.want), tt.want)
			}
			for i, w := range tt.want {
				row, text, _ := strings.Cut(w, ":")
				if !strings.HasPrefix(got[i], row+":") || !strings.Contains(got[i], text) {
					t.Errorf("issue %d = %q, want row %s containing %q", i, got[i], row, text)
				}
			}
		})
	}
}

func TestCheckLifecycleIssueText(t *testing.T) {
	issues := CheckLifecycle(throughDecision()[:4], numbered(ev("实施", "2026-03-01")), nil)
	if len(issues) != 1 {
		t.Fatalf("CheckLifecycle() = %d issues, want 1", len(issues))
	}
	issues[0].File = "s.csv"
	want := "s.csv 第2行“阶段”列的值“实施”：项目NB-1的实施之前没有决策记录，项目须经改革委决策后才能实施，请先登记决策阶段，再登记实施"
	if got := issues[0].String(); got != want {
		t.Errorf("issue = %q, want %q", got, want)
	}
}

func TestCheckLifecycleChangeText(t *testing.T) {
	tests := []struct {
		name     string
		existing []saima.StageEvent
		incoming []saima.StageEvent
		want     string
	}{
		{name: "ImplementAfterChangeInOldRound",
			existing: append(throughDecision(), ev("实施", "2026-03-01"), ev("变更", "2026-05-01")),
			incoming: numbered(ev("实施", "2026-06-10")),
			want: "s.csv 第2行“轮次”列：项目NB-1的实施在2026-05-01的变更之后，却登记为第1轮（“轮次”留空即为第1轮）；" +
				"变更后项目须重新论证和决策，第2轮还没有论证、决策记录，" +
				"请依次登记第2轮的论证、决策和实施（“轮次”列填写2）；如果这一行发生在变更之前，请更正它的日期"},
		{name: "EvaluationInOldRoundAfterSecondChange",
			existing: secondRound(),
			incoming: numbered(ev("变更", "2026-07-01", round(2)), ev("评估", "2026-08-01")),
			want: "s.csv 第3行“轮次”列：项目NB-1的评估在2026-07-01的变更之后，却登记为第1轮（“轮次”留空即为第1轮）；" +
				"变更后项目须重新论证和决策，第3轮还没有论证、决策、实施记录，" +
				"请依次登记第3轮的论证、决策、实施和评估（“轮次”列填写3）；如果这一行发生在变更之前，请更正它的日期"},
		{name: "ChangeInOldRoundAfterReargue",
			existing: secondRound(),
			incoming: numbered(ev("变更", "2026-07-01")),
			want: "s.csv 第2行“轮次”列：项目NB-1的变更登记为第1轮（“轮次”留空即为第1轮），" +
				"但已登记的第2轮论证（2026-05-20）早于它的日期2026-07-01，而第2轮的阶段须在第1轮的变更之后，" +
				"如果这是一次新的变更，请在“轮次”列填写当前轮次2；" +
				"如果是更正第1轮的那次变更（同一轮次的变更会替换原记录），请把日期改为2026-05-20或更早"},
		{name: "ChangeInRoundOneAfterThirdRound",
			existing: append(secondRound(), ev("变更", "2026-07-01", round(2)), ev("论证", "2026-07-10", round(3))),
			incoming: numbered(ev("变更", "2026-08-01", round(1))),
			want: "s.csv 第2行“轮次”列的值“1”：项目NB-1的变更登记为第1轮，" +
				"但已登记的第2轮论证（2026-05-20）早于它的日期2026-08-01，而第2轮的阶段须在第1轮的变更之后，" +
				"如果这是一次新的变更，请在“轮次”列填写当前轮次3；" +
				"如果是更正第1轮的那次变更（同一轮次的变更会替换原记录），请把日期改为2026-05-20或更早"},
		{name: "ImplementWithoutDecisionInThirdRound",
			existing: secondRound(),
			incoming: numbered(ev("变更", "2026-07-01", round(2)), ev("论证", "2026-07-10", round(3)),
				ev("实施", "2026-07-20", round(3))),
			want: "s.csv 第4行“阶段”列的值“实施”：项目NB-1的实施之前没有第3轮的决策记录，" +
				"变更后项目须经改革委重新决策才能实施，请先登记第3轮的决策（“轮次”列填写3），再登记实施"},
		{name: "FinishAfterChange",
			existing: append(throughDecision(), ev("实施", "2026-03-01"), ev("评估", "2026-04-01")),
			incoming: numbered(ev("变更", "2026-05-01"), ev("完成", "2026-05-10")),
			want: "s.csv 第3行“阶段”列的值“完成”：项目NB-1的完成在2026-05-01的变更之后，" +
				"第2轮还没有论证、决策、实施、评估记录，变更后项目须重新论证、决策和实施，经评估后才能完成，" +
				"请先依次登记第2轮的论证、决策、实施和评估（“轮次”列填写2），再登记完成"},
		{name: "SecondFinishInAnotherRound",
			existing: append(secondRound(), ev("评估", "2026-07-01", round(2)), ev("完成", "2026-07-10", round(1))),
			incoming: numbered(ev("完成", "2026-07-12", round(2))),
			want: "s.csv 第2行“日期”列的值“2026-07-12”：项目NB-1的完成在2026-07-10完成之后，项目完成后不能再登记阶段，" +
				"如果是更正已登记的完成，请在“轮次”列填写1（与已登记的完成相同），新记录会替换它；否则请删除这一行"},
		{name: "FinishAfterStoredExit",
			existing: append(secondRound(), ev("退出", "2026-07-10", round(2))),
			incoming: numbered(ev("完成", "2026-07-12", round(2))),
			want: "s.csv 第2行“日期”列的值“2026-07-12”：项目NB-1的完成在2026-07-10退出之后，项目退出后不能再登记阶段，" +
				"请删除这一行；如果已登记的退出有误，请重新登记退出并在“轮次”列填写2，新记录会替换它"},
		{name: "FinishWithoutEvaluationInSecondRound",
			existing: secondRound(),
			incoming: numbered(ev("完成", "2026-07-01")),
			want: "s.csv 第2行“阶段”列的值“完成”：项目NB-1的完成之前没有第2轮的评估记录，" +
				"变更后项目须经第2轮评估后才能完成，请先登记第2轮的评估（“轮次”列填写2），再登记完成"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			issues := CheckLifecycle(tt.existing, tt.incoming, nil)
			if len(issues) != 1 {
				t.Fatalf("CheckLifecycle() = %d issues %q, want 1", len(issues), issues)
			}
			issues[0].File = "s.csv"
			if got := issues[0].String(); got != tt.want {
				t.Errorf("issue = %q, want %q", got, tt.want)
			}
		})
	}
}

func TestFirstReviewDeciders(t *testing.T) {
	tests := []struct{ lead, want string }{
		{"市经信局", "请在“决策主体”列填写本系统牵头单位（市经信局）或市大数据局"},
		{"市大数据局", "请在“决策主体”列填写本系统牵头单位（市大数据局）"},
	}
	for _, tt := range tests {
		t.Run("lead "+tt.lead, func(t *testing.T) {
			issues := CheckLifecycle(throughDecision()[:1], numbered(ev("初审", "2026-01-10", body("市民政局"))),
				map[string]string{"NB-1": tt.lead})
			if len(issues) != 1 || issues[0].Fix != tt.want {
				t.Errorf("CheckLifecycle(初审 by 市民政局, lead %q) = %q, want one issue with fix %q", tt.lead, issues, tt.want)
			}
		})
	}
}

// TestCheckLifecycleEndsSameDay checks that 退出 and 完成 on one day give
// the same issue on every check. Their order used to follow a map's
// iteration, so the issue named either row.
func TestCheckLifecycleEndsSameDay(t *testing.T) {
	history := append(throughDecision(), ev("实施", "2026-03-01"), ev("评估", "2026-09-01"))
	stored := func(stage string) []saima.StageEvent {
		return slices.Concat(history, []saima.StageEvent{ev(stage, "2026-10-01")})
	}
	tests := []struct {
		name               string
		existing, incoming []saima.StageEvent
		want               string
	}{
		{"both uploaded", history, numbered(ev("完成", "2026-10-01"), ev("退出", "2026-10-01")),
			"第3行“日期”列的值“2026-10-01”：项目NB-1的退出在2026-10-01完成之后，项目完成后不能再登记阶段"},
		{"both uploaded the other way", history, numbered(ev("退出", "2026-10-01"), ev("完成", "2026-10-01")),
			"第3行“日期”列的值“2026-10-01”：项目NB-1的完成在2026-10-01退出之后，项目退出后不能再登记阶段"},
		{"完成 stored", stored("完成"), numbered(ev("退出", "2026-10-01")),
			"第2行“日期”列的值“2026-10-01”：项目NB-1的退出在2026-10-01完成之后，项目完成后不能再登记阶段"},
		{"退出 stored", stored("退出"), numbered(ev("完成", "2026-10-01")),
			"第2行“日期”列的值“2026-10-01”：项目NB-1的完成在2026-10-01退出之后，项目退出后不能再登记阶段"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			// Go starts each map iteration at a random place, so a hundred
			// checks see both orders of a tie many times over.
			for range 100 {
				issues := CheckLifecycle(tt.existing, tt.incoming, nil)
				if len(issues) != 1 || !strings.HasPrefix(issues[0].String(), tt.want) {
					t.Fatalf("CheckLifecycle() = %q, want one issue starting %q", issues, tt.want)
				}
			}
		})
	}
}

// TestCheckLifecycleReasonStartsWithSubject checks every kind of stage
// rule issue: its Reason is the whole clause, such as 项目NB-1的退出须由…,
// and only String sets it off from the place with a colon.
func TestCheckLifecycleReasonStartsWithSubject(t *testing.T) {
	history := append(throughDecision(), ev("实施", "2026-03-01"))
	tests := []struct {
		name               string
		existing, incoming []saima.StageEvent
		reason             string
	}{
		{"DecidingBody", history, numbered(ev("退出", "2026-04-01", body("市大数据局"))),
			"项目NB-1的退出须由改革委或深改委决定"},
		{"Sequence", throughDecision()[:4], numbered(ev("实施", "2026-03-01")),
			"项目NB-1的实施之前没有决策记录，项目须经改革委决策后才能实施"},
		{"StoredStageAfterFile", history, numbered(ev("决策", "2026-03-05")),
			"已登记的项目NB-1的实施（2026-03-01）早于前一阶段决策的日期2026-03-05，阶段日期不能倒退"},
		{"LateChange", secondRound(), numbered(ev("变更", "2026-07-01")),
			"项目NB-1的变更登记为第1轮（“轮次”留空即为第1轮），"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			issues := CheckLifecycle(tt.existing, tt.incoming, nil)
			if len(issues) != 1 {
				t.Fatalf("CheckLifecycle() = %d issues %q, want 1", len(issues), issues)
			}
			if got := issues[0].Reason; !strings.HasPrefix(got, tt.reason) {
				t.Errorf("Reason = %q, want it to start with %q", got, tt.reason)
			}
			issues[0].File = "s.csv"
			if got, want := issues[0].String(), "："+tt.reason; !strings.Contains(got, want) {
				t.Errorf("String() = %q, want it to contain %q", got, want)
			}
		})
	}
}

// Fillers that say “nothing” count as missing in the texts a stage
// requires, as the placeholders “/” and “——” do. Texts that say
// something, a reason or who was held to account, pass.
func TestCheckDecisionFillers(t *testing.T) {
	fillers := []string{"", "/", "——", "无", "暂无", "没有", "无。", " 无 ", "　无　", "（无）", "(无)", "N/A", "n/a",
		"Ｎ／Ａ", "NA", "none", "null", "不涉及", "未涉及", "不适用", "空", "略", "无无",
		"【无】", "“无”", "[无]", "〔无〕", "「无」", "《无》", "n.a.", "N.A.", "无；", "不适用！", "-无-", "——无——",
		"（暂无。）", "【 无 】。", "无？", "无?", "无～", "无…", "...", "……", "。", "（）", "【】",
		"不详", "无理由", "无原因", "没有原因"}
	written := []string{"不予问责：需求已由省级统建应用覆盖", "已对项目负责人诫勉谈话", "无需问责，需求已由省级统建应用覆盖",
		"无法按期建设，已问责", "【不予问责】需求已由省级统建应用覆盖", "“无责”认定：外部原因导致"}
	columns := []struct {
		name, stage string
		set         func(e *saima.StageEvent, v string)
		reason      string
	}{
		{"问责情况", "退出", func(e *saima.StageEvent, v string) { e.Accountability = v }, "没有注明问责情况"},
		{"变更事项", saima.StageChange, func(e *saima.StageEvent, v string) { e.ChangeItem = v }, "没有写明变更事项"},
		{"变更原因", saima.StageChange, func(e *saima.StageEvent, v string) { e.ChangeReason = v }, "没有记录变更原因"},
	}
	for _, col := range columns {
		for _, v := range fillers {
			t.Run(col.name+" "+v, func(t *testing.T) {
				issues := checkDecision(ev(col.stage, "2026-01-25", func(e *saima.StageEvent) { col.set(e, v) }), "")
				if len(issues) != 1 || issues[0].Column != col.name || !strings.Contains(issues[0].Reason, col.reason) {
					t.Errorf("checkDecision(%s %q) = %+v, want one issue on %s", col.name, v, issues, col.name)
				}
			})
		}
		for _, v := range written {
			issues := checkDecision(ev(col.stage, "2026-01-25", func(e *saima.StageEvent) { col.set(e, v) }), "")
			if len(issues) != 0 {
				t.Errorf("checkDecision(%s %q) = %+v, want none", col.name, v, issues)
			}
		}
	}
}

package main

import (
	"context"
	"fmt"
	"io"
	"strconv"

	"saima"
	"saima/scoring"
)

func explainCommand(a *app, ef *envFlags) func(context.Context, []string) error {
	ef.fs.Usage = func() {
		writeHelp(ef.fs, "用法：saima explain PERIOD UNIT\n"+
			"\n"+
			"说明 UNIT 在 PERIOD（如 2026Q3）的结果，与排行榜所示一致。UNIT 写单位名单\n"+
			"里的名称或它的别名，如 海曙。列出每项指标的原始值、得分、权重和折算分，\n"+
			"每一条人工调整，以及每项指标背后的里程碑、进度填报和考评打分，并注明每\n"+
			"一行来自哪次上传。")
	}
	return func(ctx context.Context, args []string) error {
		period, args, ok, err := periodArgs(ef.fs, args, 2, "请写出一个季度和一个单位，例如 2026Q3 宁波市海曙区")
		if !ok {
			return err
		}
		svc, err := a.evaluations(ctx, false)
		if err != nil {
			return err
		}
		unit, err := rosterUnit(ctx, a.store, args[0])
		if err != nil {
			return err
		}
		x, err := svc.Explain(ctx, period, unit)
		if err != nil {
			return err
		}
		printExplanation(a.stdout, x)
		return nil
	}
}

func printExplanation(w io.Writer, x *scoring.Explanation) {
	e := x.Entry
	fmt.Fprintf(w, "%s %s（%s）：%s第 %d 名，综合得分 %s，名次区间 %s\n", e.Unit, x.Period.Label(),
		x.Evaluation.Label(), e.Track, e.Rank, saima.FormatComposite(e.Value), rankInterval(e.Robust))
	if x.Evaluation != nil {
		fmt.Fprintln(w, describeEvaluation(x.Evaluation))
	} else {
		fmt.Fprintln(w, "该结果没有考评记录：下列来源数据是当前数据，可能与计算时不同。")
	}
	for _, o := range e.Overrides {
		fmt.Fprintf(w, "调整：%s\n", describeOverride(o))
	}
	if e.Overridden() {
		fmt.Fprintf(w, "计算得分 %s，第 %d 名；名次区间按计算结果统计，不含人工调整\n",
			saima.FormatComposite(e.Computed.Value), e.Computed.Rank)
	}

	printIndicators(w, x.Indicators)
	if total, ok := x.PointsTotal(); ok {
		fmt.Fprintln(w, totalNote(e.Value, total))
	}
	fmt.Fprintf(w, "\n来源数据（截至 %s）\n", formatVersion(x.AsOf, x.Evaluation))
	tw := newTable(w)
	printMilestones(tw, x.Evidence.Milestones)
	printProgress(tw, x.Evidence.Progress)
	printAssessments(tw, x.Evidence.Assessments)
	printProblems(tw, x.Evidence.Problems)
	tw.Flush()
}

func printIndicators(w io.Writer, indicators []scoring.IndicatorExplanation) {
	tw := newTable(w)
	fmt.Fprintln(tw, "\n指标\t来源\t原始值\t得分\t权重\t贡献")
	for _, ind := range indicators {
		texts := contributionTexts(&ind.Contribution)
		if ind.Override != nil {
			texts[1] += "（调整，计算值 " + saima.FormatIndicator(ind.Computed.Score) + "）"
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\n",
			ind.Name, sourceText(ind), texts[0], texts[1], texts[2], texts[3])
	}
	tw.Flush()
}

// totalNote returns the line that derives the composite shown from the
// contributions' total, because the contributions, rounded to two places each, can add
// up to a value such as 97.15 that seems to round to another composite.
func totalNote(composite, total float64) string {
	return fmt.Sprintf("综合得分 %s 是贡献合计 %s 四舍五入到一位小数的结果；"+
		"各项贡献分别四舍五入到两位小数，相加可能与合计相差几个 0.01",
		saima.FormatComposite(composite), saima.FormatTotal(total))
}

// sourceText names an indicator's source as the explain page does, by its
// dataset's Chinese name, with the rule set's source id in brackets for a
// reader who checks the rule-set file.
func sourceText(ind scoring.IndicatorExplanation) string {
	switch {
	case ind.Dataset != "" && ind.Source != "":
		return datasetLabel(ind.Dataset) + "（" + ind.Source + "）"
	case ind.Dataset != "":
		return datasetLabel(ind.Dataset)
	case ind.Source != "":
		return ind.Source
	}
	return "未知"
}

func printMilestones(tw io.Writer, milestones []scoring.MilestoneEvidence) {
	if len(milestones) == 0 {
		fmt.Fprintln(tw, "里程碑：本期没有计入的里程碑")
		return
	}
	fmt.Fprintln(tw, "里程碑\t项目\t计划完成\t实际完成\t按期\t上传编号\t文件\t上传时间")
	for _, m := range milestones {
		actual := "未完成"
		if m.Actual != nil {
			actual = m.Actual.String()
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\n",
			m.Name, m.ProjectCode, m.Planned, actual, yesNo(m.OnTime), provenance(m.Provenance))
	}
}

func printProgress(tw io.Writer, reports []scoring.ProgressEvidence) {
	if len(reports) == 0 {
		fmt.Fprintln(tw, "\n进度填报：本期没有计入的进度填报")
		return
	}
	fmt.Fprintln(tw, "\n进度填报\t项目\t期间\t完成率\t计入\t上传编号\t文件\t上传时间")
	for _, r := range reports {
		// 完成率 is shown as stored, up to 4 places: 40.885 and 40.88 are
		// different reports and must not print alike.
		percent := "未填报"
		if r.Percent.Valid {
			percent = r.Percent.Decimal.String() + "%"
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\n",
			r.ProjectName, r.ProjectCode, r.Period, percent, r.Use(), provenance(r.Provenance))
	}
}

func printAssessments(tw io.Writer, assessments []scoring.AssessmentEvidence) {
	if len(assessments) == 0 {
		fmt.Fprintln(tw, "\n考评打分：本期没有计入的考评打分")
		return
	}
	fmt.Fprintln(tw, "\n考评指标\t方式\t期间\t得分率\t考评人\t上传编号\t文件\t上传时间")
	for _, a := range assessments {
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\n", a.Indicator, a.Mode, a.Period,
			percentText(true, a.Percent), a.Evaluator, provenance(a.Provenance))
	}
}

// printProblems prints the problem-list items found in the period, with
// whether problems_closed_rate counts each as closed.
func printProblems(tw io.Writer, problems []scoring.ProblemEvidence) {
	if len(problems) == 0 {
		fmt.Fprintln(tw, "\n问题清单：本期没有发现的问题")
		return
	}
	fmt.Fprintln(tw, "\n问题编号\t发现日期\t办结日期\t环节\t计入已办结\t办结天数\t上传编号\t文件\t上传时间")
	for _, pr := range problems {
		closed, days := "未办结", "—"
		if pr.Closed != nil {
			closed = pr.Closed.String()
		}
		if pr.Counted {
			days = strconv.Itoa(pr.Days)
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\t%s\n", pr.ID, pr.Opened, closed, pr.Stage, yesNo(pr.Counted), days,
			provenance(pr.Provenance))
	}
}

func provenance(p scoring.Provenance) string {
	return p.UploadID + "\t" + p.FileName + "\t" + formatTime(p.UploadedAt)
}

func percentText(valid bool, v float64) string {
	if !valid {
		return "未填"
	}
	return formatNumber(v, 2) + "%"
}

func yesNo(b bool) string {
	if b {
		return "是"
	}
	return "否"
}

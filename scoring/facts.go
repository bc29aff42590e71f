package scoring

import (
	"fmt"
	"math"
)

// UnitFacts are one unit's raw counts and sums for a period.
type UnitFacts struct {
	Unit             string
	MilestonesDue    int     // milestones planned in the period before its judging day (see docs/scoring.md)
	MilestonesOnTime int     // of those, done on or before the planned date (Beijing days)
	ProgressReports  int     // projects with a reported 完成率 in the period (latest version, latest report per project)
	ProgressSum      float64 // sum of those 完成率 values, percent points
	// PlannedReports counts the projects of ProgressReports whose plan is
	// known: the ledger gives both their 开始日期 and 计划完成日期.
	PlannedReports    int
	PlanAttainmentSum float64 // sum over PlannedReports of min(完成率 / planned percent, 1) × 100

	// OneDayPlanned and OneDayAttainmentSum are PlannedReports and
	// PlanAttainmentSum for the one-day projects of ProgressReports, whose
	// 开始日期 is their 计划完成日期. They are kept apart because runs of
	// FactsRevision 0 left such projects out. Later runs add them in (see
	// [UnitFacts.WithOneDayPlans]).
	OneDayPlanned       int
	OneDayAttainmentSum float64

	Assessments      int     // assessment records in the period
	AssessmentPctSum float64 // sum of 得分 / 满分 × 100 (得分 itself when 满分 is missing)

	// AssessmentScoreSum is the sum of 得分 as written, summed as exact
	// decimals before conversion, for rule sets that rank by total points.
	AssessmentScoreSum float64

	ProblemsOpened      int     // problem-list items found within the period
	ProblemsClosed      int     // of those, closed by the period's last day
	ProblemCloseDaysSum float64 // sum of days from found to closed over ProblemsClosed

	// ProblemsClosedByLevel and ProblemCloseDaysByLevel split ProblemsClosed
	// and ProblemCloseDaysSum by escalation level 1 to 3 (index 0 unused).
	ProblemsClosedByLevel   [4]int
	ProblemCloseDaysByLevel [4]float64

	// MilestoneMonths counts the unit's milestone-months with a colour
	// (see [MonthColour]) in the months of the period that have ended.
	// MilestoneRedMonths and MilestoneYellowMonths count the red and the
	// yellow ones among them.
	MilestoneMonths       int
	MilestoneRedMonths    int
	MilestoneYellowMonths int
}

// Sources that a leaf indicator can read from [UnitFacts]. Each is a percent
// value except assessment_total, problems_mean_days and the milestone-month
// counts. A source whose count is zero is missing for that unit.
const (
	SourceMilestoneOnTimeRate = "milestone_ontime_rate" // MilestonesOnTime / MilestonesDue × 100
	SourceProgressMean        = "progress_mean"         // ProgressSum / ProgressReports
	SourceProgressVsPlan      = "progress_vs_plan"      // PlanAttainmentSum / PlannedReports
	SourceAssessmentMean      = "assessment_mean"       // AssessmentPctSum / Assessments
	SourceAssessmentTotal     = "assessment_total"      // AssessmentScoreSum: points, not a percent
	SourceProblemsClosedRate  = "problems_closed_rate"  // ProblemsClosed / ProblemsOpened × 100
	SourceProblemsMeanDays    = "problems_mean_days"    // ProblemCloseDaysSum / ProblemsClosed: days, lower is better

	// The mean days to close of the items at one escalation level:
	// ProblemCloseDaysByLevel[n] / ProblemsClosedByLevel[n], lower is better.
	SourceProblemsMeanDaysLevel1 = "problems_mean_days_level1"
	SourceProblemsMeanDaysLevel2 = "problems_mean_days_level2"
	SourceProblemsMeanDaysLevel3 = "problems_mean_days_level3"

	// SourceMilestoneRedMonths is MilestoneRedMonths, and
	// SourceMilestoneYellowMonths is MilestoneYellowMonths: counts, lower
	// is better, missing when MilestoneMonths is 0.
	SourceMilestoneRedMonths    = "milestone_red_months"
	SourceMilestoneYellowMonths = "milestone_yellow_months"
)

// Sources lists the source names in the order the documentation gives them.
var Sources = []string{
	SourceMilestoneOnTimeRate,
	SourceProgressMean,
	SourceProgressVsPlan,
	SourceAssessmentMean,
	SourceAssessmentTotal,
	SourceProblemsClosedRate,
	SourceProblemsMeanDays,
	SourceProblemsMeanDaysLevel1,
	SourceProblemsMeanDaysLevel2,
	SourceProblemsMeanDaysLevel3,
	SourceMilestoneRedMonths,
	SourceMilestoneYellowMonths,
}

// Value returns the value of source for f and whether it is present. It
// returns false for a source with a zero count and for an unknown source.
func (f UnitFacts) Value(source string) (float64, bool) {
	switch source {
	case SourceMilestoneOnTimeRate:
		return ratio(float64(f.MilestonesOnTime), f.MilestonesDue, 100)
	case SourceProgressMean:
		return ratio(f.ProgressSum, f.ProgressReports, 1)
	case SourceProgressVsPlan:
		return ratio(f.PlanAttainmentSum, f.PlannedReports, 1)
	case SourceAssessmentMean:
		return ratio(f.AssessmentPctSum, f.Assessments, 1)
	case SourceAssessmentTotal:
		return f.AssessmentScoreSum, f.Assessments > 0
	case SourceProblemsClosedRate:
		return ratio(float64(f.ProblemsClosed), f.ProblemsOpened, 100)
	case SourceProblemsMeanDays:
		return ratio(f.ProblemCloseDaysSum, f.ProblemsClosed, 1)
	case SourceProblemsMeanDaysLevel1, SourceProblemsMeanDaysLevel2, SourceProblemsMeanDaysLevel3:
		n := int(source[len(source)-1] - '0')
		return ratio(f.ProblemCloseDaysByLevel[n], f.ProblemsClosedByLevel[n], 1)
	case SourceMilestoneRedMonths:
		return float64(f.MilestoneRedMonths), f.MilestoneMonths > 0
	case SourceMilestoneYellowMonths:
		return float64(f.MilestoneYellowMonths), f.MilestoneMonths > 0
	}
	return 0, false
}

func ratio(sum float64, count int, scale float64) (float64, bool) {
	if count <= 0 {
		return 0, false
	}
	return sum / float64(count) * scale, true
}

// check reports facts that no aggregate query can produce, such as negative
// counts or more milestones on time than due, so that a bug upstream does
// not turn into a ranking.
func (f UnitFacts) check() error {
	switch {
	case f.MilestonesDue < 0 || f.ProgressReports < 0 || f.PlannedReports < 0 || f.OneDayPlanned < 0 || f.Assessments < 0 || f.MilestonesOnTime < 0 ||
		f.ProblemsOpened < 0 || f.ProblemsClosed < 0 ||
		f.MilestoneMonths < 0 || f.MilestoneRedMonths < 0 || f.MilestoneYellowMonths < 0:
		return fmt.Errorf("单位 %s 的统计数据有负数计数", f.Unit)
	case f.PlannedReports+f.OneDayPlanned > f.ProgressReports:
		return fmt.Errorf("单位 %s 有计划的进度填报数（%d）大于进度填报数（%d）",
			f.Unit, f.PlannedReports+f.OneDayPlanned, f.ProgressReports)
	case f.MilestonesOnTime > f.MilestonesDue:
		return fmt.Errorf("单位 %s 按期完成的里程碑数（%d）大于应完成数（%d）",
			f.Unit, f.MilestonesOnTime, f.MilestonesDue)
	case f.ProblemsClosed > f.ProblemsOpened:
		return fmt.Errorf("单位 %s 已办结的问题数（%d）大于发现的问题数（%d）",
			f.Unit, f.ProblemsClosed, f.ProblemsOpened)
	case f.MilestoneRedMonths+f.MilestoneYellowMonths > f.MilestoneMonths:
		return fmt.Errorf("单位 %s 的红灯和黄灯月数（%d、%d）之和大于亮灯月数（%d）",
			f.Unit, f.MilestoneRedMonths, f.MilestoneYellowMonths, f.MilestoneMonths)
	}
	for _, v := range []float64{f.ProgressSum, f.PlanAttainmentSum, f.OneDayAttainmentSum, f.AssessmentPctSum, f.AssessmentScoreSum,
		f.ProblemCloseDaysSum} {
		if math.IsNaN(v) || math.IsInf(v, 0) {
			return fmt.Errorf("单位 %s 的统计数据含有非数值（NaN 或无穷大）", f.Unit)
		}
	}
	return nil
}

// FactsRevision is the revision of the facts that a new run reads, which
// its evaluation record stores. Revision 0, that of runs stored before
// the record kept it, leaves one-day projects out of progress_vs_plan.
// Revision 1 counts them.
const FactsRevision = 1

// WithOneDayPlans returns f with its one-day projects counted among
// PlannedReports, as runs of revision 1 and later count them.
func (f UnitFacts) WithOneDayPlans() UnitFacts {
	f.PlannedReports += f.OneDayPlanned
	f.PlanAttainmentSum += f.OneDayAttainmentSum
	f.OneDayPlanned, f.OneDayAttainmentSum = 0, 0
	return f
}

// factsOfRevision returns facts as a run of revision reads them.
func factsOfRevision(facts []UnitFacts, revision int) []UnitFacts {
	if revision < 1 {
		return facts
	}
	out := make([]UnitFacts, len(facts))
	for i, f := range facts {
		out[i] = f.WithOneDayPlans()
	}
	return out
}

package scoring

import (
	"cmp"
	"errors"
	"fmt"
	"math"
	"slices"
	"strings"
	"time"

	"saima"
)

// ErrNoData is the cause, for errors.Is, of the error that a new run gets
// when no unit has a value for any indicator in the period.
var ErrNoData = errors.New("no unit has a value for any indicator in the period")

// noDataError is the user's message for ErrNoData. It unwraps to the
// *saima.Error, so the message reaches users without an English cause.
// fact is the message without its advice, which suits the office only.
type noDataError struct {
	err  *saima.Error
	fact string
}

// NoDataFact returns the message of err, an [ErrNoData] error, without its
// advice to import data and score, for a viewer who can do neither, and
// false when err is not such an error.
func NoDataFact(err error) (string, bool) {
	nd, ok := errors.AsType[*noDataError](err)
	if !ok {
		return "", false
	}
	return nd.fact, true
}

func (e *noDataError) Error() string        { return e.err.Error() }
func (e *noDataError) Unwrap() error        { return e.err }
func (e *noDataError) Is(target error) bool { return target == ErrNoData }

// CheckRunPeriod returns the error, of kind saima.KindInvalid, that a new
// run of period at now gets: period is not a quarter, or it is a quarter
// that has not begun. A quarter that has not begun could only rank every
// unit at 0, tied first, and a typo such as 2030Q1 for 2026Q1 would then
// become the newest ranking that every page opens on. It returns nil for
// the zero Period, which the callers report themselves.
func CheckRunPeriod(period saima.Period, now time.Time) error {
	switch period.Kind {
	case saima.PeriodQuarter:
	case saima.PeriodYear:
		return saima.Errorf(saima.KindInvalid,
			"%s不单独评分或发布：年度排名由各季度的结果汇总而成，请运行 saima report --annual %d "+
				"或打开 /reports/annual/%d.pdf 查看；要评分或发布的是季度，如 %dQ4",
			period.Label(), period.Year, period.Year, period.Year)
	case saima.PeriodMonth:
		q := period.Quarter()
		return saima.Errorf(saima.KindInvalid,
			"%s不单独评分或发布：考评按季度进行，该月属于%s，请对 %s 评分或发布", period.Label(), q.Label(), q)
	default:
		return nil
	}
	today := saima.DateOf(now)
	if start := period.Start(); start.After(today) {
		return saima.Errorf(saima.KindInvalid,
			"%s从 %s 才开始，今天（%s）还不能评分或发布，否则每个单位都是 0 分并列第一；请检查期间是否写错",
			period.Label(), start, today)
	}
	return nil
}

// checkTracks returns an error of kind saima.KindConflict naming every
// unit whose track rs lacks. A new run must not leave such a unit out of
// the ranking unseen: the office has to correct the unit's 赛道 or add the
// track to the rule set first.
func (c *computation) checkTracks(rs *RuleSet) error {
	if len(c.unknownTrack) == 0 {
		return nil
	}
	msgs := make([]string, len(c.unknownTrack))
	for i, u := range c.unknownTrack {
		msgs[i] = unknownTrack(rs, u.Name, cmp.Or(u.Track, u.Kind)).Error()
	}
	return saima.Errorf(saima.KindConflict, "无法计算排名：%s", strings.Join(msgs, "；"))
}

// checkData returns an error that matches [ErrNoData] when no unit of c
// has a value for any indicator of rs: every unit would score 0 and tie
// first, which reads as a result although nothing was measured.
func (c *computation) checkData(rs *RuleSet, period saima.Period) error {
	if hasData(rs, c.records) {
		return nil
	}
	return noData(rs, period, c.facts)
}

// hasData reports whether any record has a value for the source of any
// indicator of rs.
func hasData(rs *RuleSet, records []Record) bool {
	for _, r := range records {
		for _, ind := range rs.Indicators {
			if v, ok := r.Values[ind.Source]; ok && !math.IsNaN(v) {
				return true
			}
		}
	}
	return false
}

// noData returns the [ErrNoData] error for period under rs, whose units
// have facts. When progress reports exist but the ledger gives none of
// their projects a plan, the message names the missing ledger dates,
// because the clerk has imported progress and the generic advice to
// import it would not help.
func noData(rs *RuleSet, period saima.Period, facts []UnitFacts) error {
	names := make([]string, len(rs.Indicators))
	for i, ind := range rs.Indicators {
		names[i] = ind.Name
	}
	fact := fmt.Sprintf("%s没有任何单位有可计分的数据（%s都没有数据），排名只会是每个单位 0 分并列第一，所以不予计算",
		period.Label(), strings.Join(names, "、"))
	advice := "请先导入该期的里程碑、进度填报或考评打分，再评分或发布"
	if name, n := unplannedProgress(rs, facts); n > 0 {
		fact += fmt.Sprintf("。已导入%d个项目的进度填报，但项目台账中没有这些项目的开始日期和计划完成日期，%s无法计算", n, name)
		advice = "请先导入项目台账，为这些项目填写开始日期和计划完成日期，再评分或发布"
	}
	return &noDataError{err: saima.Errorf(saima.KindConflict, "%s；%s", fact, advice), fact: fact}
}

// unplannedProgress returns the name of rs's indicator on
// progress_vs_plan and how many projects of facts have a progress report
// but no plan, or 0 when rs has no such indicator.
func unplannedProgress(rs *RuleSet, facts []UnitFacts) (string, int) {
	i := slices.IndexFunc(rs.Indicators, func(ind Indicator) bool { return ind.Source == SourceProgressVsPlan })
	if i < 0 {
		return "", 0
	}
	n := 0
	for _, f := range facts {
		n += f.ProgressReports - f.PlannedReports
	}
	return rs.Indicators[i].Name, n
}

// checkNewRun applies the checks that a new run's computation must pass:
// rs reads no input that the ledger lacks, every unit's track is in rs,
// and some unit has data. The period is
// checked before anything is read, by [CheckRunPeriod].
func (c *computation) checkNewRun(rs *RuleSet, period saima.Period) error {
	if err := checkLedgerInputs(rs); err != nil {
		return err
	}
	if err := c.checkTracks(rs); err != nil {
		return err
	}
	return c.checkData(rs, period)
}

// LedgerInputs returns the error that a run from the ledger gets under
// rs because rs reads declared inputs, which the ledger does not supply,
// or nil. `saima rules validate` reports it for a file that parses.
func (rs *RuleSet) LedgerInputs() error { return checkLedgerInputs(rs) }

// checkLedgerInputs returns an error of kind saima.KindInvalid when rs
// reads one of its declared inputs anywhere. The ledger's facts supply
// the built-in sources only, so every unit would lack the input: an
// indicator on it would never count, and a bonus, penalty, veto or list
// condition on it would never apply, while the run looked complete.
func checkLedgerInputs(rs *RuleSet) error {
	var uses []string
	add := func(source, format string, args ...any) {
		if !slices.Contains(Sources, source) && source != SourceComposite {
			uses = append(uses, source+"（"+fmt.Sprintf(format, args...)+"）")
		}
	}
	for i, ind := range rs.Indicators {
		add(ind.Source, "indicators[%d] 指标 %s", i, ind.ID)
	}
	if rs.Adjustments.Bonus != nil {
		for i, it := range rs.Adjustments.Bonus.Items {
			add(it.Source, "bonus.items[%d] 加分 %s", i, it.ID)
		}
	}
	for i, it := range rs.Adjustments.Penalties {
		add(it.Source, "penalties[%d] 扣分 %s", i, it.ID)
	}
	for i, veto := range rs.Adjustments.Vetoes {
		add(veto.Source, "vetoes[%d] 否决 %s", i, veto.ID)
	}
	for i, l := range rs.Adjustments.Lists {
		if l.When != nil {
			add(l.When.Source, "lists[%d] %s 的条件", i, l.Name)
		}
	}
	if len(uses) == 0 {
		return nil
	}
	return saima.Errorf(saima.KindInvalid,
		"规则集“%s”用到了台账不提供的输入项：%s。saima 从台账算出的只有内置数据来源（%s），"+
			"这些输入项对每个单位都是缺失的：指标会不计分，加分、扣分、否决和名单条件都不会生效。"+
			"请删去这些项或改用内置数据来源后再评分",
		rs.Name, strings.Join(uses, "、"), strings.Join(Sources, "、"))
}

package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strconv"

	"saima"
	"saima/clickhouse"
	"saima/ingest"
	"saima/reports"
	"saima/scoring"
)

func reportCommand(a *app, ef *envFlags) func(context.Context, []string) error {
	var out string
	var annual bool
	ef.fs.StringVar(&out, "o", "", "输出的 PDF 文件（默认 quarterly-PERIOD.pdf，加 --annual 时为 annual-YEAR.pdf）")
	ef.fs.BoolVar(&annual, "annual", false, "改为生成某年（如 2026）的年度盘点报告")
	ef.fs.Usage = func() {
		writeHelp(ef.fs, "用法：saima report [选项] PERIOD\n"+
			"      saima report --annual [选项] YEAR\n"+
			"\n"+
			"把 PERIOD（如 2026Q3）的季度考评报告生成为 PDF；加 --annual 时生成 YEAR\n"+
			"（如 2026）的年度盘点报告。")
	}
	return func(ctx context.Context, args []string) error {
		if len(args) != 1 {
			ef.fs.Usage()
			if annual {
				return usagef("请写出一个年度，例如 2026")
			}
			return usagef("请写出一个季度，例如 2026Q3")
		}
		if annual {
			return annualReport(ctx, a, args[0], out)
		}
		return quarterlyReport(ctx, a, args[0], out)
	}
}

func quarterlyReport(ctx context.Context, a *app, arg, out string) error {
	periods, err := parsePeriods([]string{arg})
	if err != nil {
		return err
	}
	fonts, st, err := a.openReporting(ctx)
	if err != nil {
		return err
	}
	r, err := a.shownRanking(ctx, periods[0])
	if err != nil {
		return err
	}
	// The progress reports and milestones are read as the evaluation read
	// them, so that they are the rows behind its scores.
	// The workflow chapter reads the ledger as it is now, the day it
	// judges the leader-led reports on.
	var src reports.Source = st
	if r.DataAsOf != 0 {
		src = st.AsOf(r.DataAsOf)
	}
	r.Ledger = st
	if len(r.Scores) == 0 {
		if err := a.unscorable(ctx, periods[0].Label()+"尚无考评得分", periods[0]); err != nil {
			return err
		}
	}
	q, err := reports.BuildQuarterlyRanking(ctx, src, periods[0], a.now(), r)
	if err != nil {
		return err
	}
	q.Title = reports.QuarterlyTitle(a.city(ctx, st))
	if out == "" {
		out = "quarterly-" + periods[0].String() + ".pdf"
	}
	return writePDF(out, a, func(w io.Writer) error { return reports.WriteQuarterly(w, q, fonts, a.log) })
}

// annualReport writes the annual stocktake under the rule set's annual
// formula, the one the web server's annual report uses too, over the
// quarterly rankings as shown, with manual overrides applied.
func annualReport(ctx context.Context, a *app, arg, out string) error {
	year, err := strconv.Atoi(arg)
	if err != nil || len(arg) != 4 {
		return usagef("“%s”不是年度，请写成 2026 这样的四位年份", arg)
	}
	if _, err := ingest.ParsePeriod(arg); errors.Is(err, saima.ErrPeriodOutOfRange) {
		return usagef("%s", saima.ErrorMessage(err))
	}
	rule, err := a.annualRule()
	if err != nil {
		return err
	}
	fonts, st, err := a.openReporting(ctx)
	if err != nil {
		return err
	}
	r, err := reports.BuildAnnualFrom(ctx, st, year, rule, a.now(), a.shownRanking)
	if saima.ErrorKind(err) == saima.KindNotFound {
		var quarters []saima.Period
		for q := saima.Quarter(year, 1); q.Year == year && !q.Start().After(saima.DateOf(a.now())); q = q.Next() {
			quarters = append(quarters, q)
		}
		if err := a.unscorable(ctx, fmt.Sprintf("%d年度各季度均无考评得分", year), quarters...); err != nil {
			return err
		}
	}
	if err != nil {
		return err
	}
	r.Title = reports.AnnualTitle(a.city(ctx, st))
	if out == "" {
		out = fmt.Sprintf("annual-%d.pdf", year)
	}
	return writePDF(out, a, func(w io.Writer) error { return reports.WriteAnnual(w, r, fonts, a.log) })
}

// openReporting checks the assets a report needs, loads the fonts and
// opens the store.
func (a *app) openReporting(ctx context.Context) (*reports.Fonts, *clickhouse.Store, error) {
	if err := reports.CheckCity(a.cfg.City); err != nil {
		return nil, nil, usagef("--city 有误：%v", err)
	}
	if err := checkAssets(append(a.engineAssets(), a.fontAssets()...)...); err != nil {
		return nil, nil, err
	}
	fonts, err := reports.LoadFonts(a.cfg.FontRegular, a.cfg.FontBold)
	if err != nil {
		return nil, nil, err
	}
	st, err := a.openStore(ctx)
	if err != nil {
		return nil, nil, err
	}
	return fonts, st, nil
}

// writePDF writes a report to a temporary file and renames it into place,
// so a failure never leaves a truncated PDF at path.
func writePDF(path string, a *app, write func(io.Writer) error) error {
	if err := writeFileAtomic(path, ".saima-report-", write); err != nil {
		return err
	}
	fmt.Fprintf(a.stdout, "已写出 %s\n", path)
	return nil
}

// annualRule returns the annual stocktake formula of the configured rule
// set, naming the file it came from.
func (a *app) annualRule() (reports.AnnualRule, error) {
	_, rs, err := a.configuredRules().read()
	if err != nil {
		return reports.AnnualRule{}, err
	}
	r := rs.AnnualRule()
	return reports.AnnualRule{QuarterWeight: r.QuarterWeight, YearEndWeight: r.YearEndWeight,
		Leadership: r.Leadership, RankPlaces: rs.Adjustments.RankPlaces,
		Origin: reports.AnnualOrigin{File: a.cfg.Rules, Name: rs.Name, Version: rs.Version, Default: rs.Annual == nil},
	}, nil
}

// shownScores returns period's ranking as the dashboards show it: the
// latest published evaluation (or the latest run) with manual overrides
// applied, by track and rank.
func (a *app) shownScores(ctx context.Context, period saima.Period) ([]saima.Score, error) {
	r, err := a.shownRanking(ctx, period)
	return r.Scores, err
}

// shownRanking is shownScores with the ranking's status, for the annual
// report.
func (a *app) shownRanking(ctx context.Context, period saima.Period) (reports.QuarterRanking, error) {
	svc, err := a.evaluations(ctx, false)
	if err != nil {
		return reports.QuarterRanking{}, err
	}
	st, err := svc.Current(ctx, period)
	if saima.ErrorKind(err) == saima.KindNotFound {
		return reports.QuarterRanking{}, nil // the report builder reports what to run first
	}
	if err != nil {
		return reports.QuarterRanking{}, err
	}
	return reports.RankingOf(st, a.now()), nil
}

// unscorable returns the error for a report without scores when scoring
// would fail as well, because no quarter has begun or a dry run of each
// quarter under the configured rule set fails. The error begins with
// missing and gives the last quarter's reason and fix, since advice to run
// saima score would only lead to a second failure. It returns nil when a
// quarter could be scored or the rule set cannot be read, so that the
// report's own advice to score stands.
func (a *app) unscorable(ctx context.Context, missing string, quarters ...saima.Period) error {
	if len(quarters) == 0 {
		return saima.Errorf(saima.KindNotFound, "%s：该年还没有开始的季度，也就没有报告", missing)
	}
	svc, err := a.evaluations(ctx, true)
	if err != nil {
		return nil
	}
	var lastErr error
	for _, q := range quarters {
		_, err := svc.Evaluate(ctx, q)
		if !errors.Is(err, scoring.ErrNoData) && saima.ErrorKind(err) != saima.KindInvalid {
			return nil
		}
		lastErr = err
	}
	return saima.Errorf(saima.KindNotFound, "%s：%s", missing, saima.ErrorMessage(lastErr))
}

// city returns the city that the reports' titles name (see
// reports.TitleCity).
func (a *app) city(ctx context.Context, st *clickhouse.Store) string {
	city, err := reports.TitleCity(ctx, a.cfg.City, st)
	if err != nil {
		a.log.Warn("report titles name the default city", "err", err)
	}
	return city
}

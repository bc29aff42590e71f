package main

import (
	"context"
	"fmt"
	"strconv"

	"saima"
	"saima/scoring"
)

func overrideCommand(a *app, ef *envFlags) func(context.Context, []string) error {
	var indicator, value, by, why string
	var withdraw bool
	ef.fs.StringVar(&indicator, "indicator", "",
		"ID of the indicator whose score to replace (default: the composite)")
	ef.fs.StringVar(&value, "value", "",
		"the new score: 0–100 for an indicator, or for the composite 0 to the rule set's highest composite (100 unless its bonus or normalisers allow more) (required)")
	ef.fs.StringVar(&by, "by", "", "name of the person making the override (required)")
	ef.fs.StringVar(&why, "why", "", "reason for the override, shown wherever it applies, or for its withdrawal (required)")
	ef.fs.BoolVar(&withdraw, "withdraw", false,
		"withdraw the override in effect for UNIT and --indicator instead of recording one; takes no --value")
	ef.fs.Usage = func() {
		fmt.Fprintln(ef.fs.Output(), "Usage: saima override PERIOD UNIT [--indicator ID] --value V "+
			"--by NAME --why TEXT\n\n"+
			"Records a manual override of UNIT's result in PERIOD (such as 2026Q3). UNIT\n"+
			"is its name on the roster or one of its aliases, such as 海曙. The\n"+
			"computed score stays stored; pages, the API and diffs show the override\n"+
			"beside it with who made it and why. A later override of the same unit and\n"+
			"indicator replaces it.\n\n"+
			"       saima override PERIOD UNIT [--indicator ID] --withdraw --by NAME --why TEXT\n\n"+
			"Withdraws the override in effect: the computed score shows again, and the\n"+
			"override and its withdrawal stay stored as history.\n\nOptions:")
		ef.fs.PrintDefaults()
	}
	return func(ctx context.Context, args []string) error {
		period, args, ok, err := periodArgs(ef.fs, args, 2, "请写出一个季度和一个单位，例如 2026Q3 宁波市海曙区")
		if !ok {
			return err
		}
		if withdraw {
			return withdrawOverride(ctx, a, period, args[0], indicator, value, by, why)
		}
		if value == "" {
			return usagef("缺少 --value：请写明调整后的得分，如 --value 85.5（写了 --indicator 时是该指标的得分，在 0 到该指标的满分之间）")
		}
		v, err := strconv.ParseFloat(value, 64)
		if err != nil {
			return usagef("--value 的值“%s”不是数字：请写调整后的得分，如 --value 85.5", value)
		}
		svc, err := a.evaluations(ctx, false)
		if err != nil {
			return err
		}
		unit, err := rosterUnit(ctx, a.store, args[0])
		if err != nil {
			return err
		}
		o, err := svc.Override(ctx, scoring.Override{
			Period: period, Unit: unit, Indicator: indicator, Value: v, By: by, Why: why,
		})
		if err != nil {
			return err
		}
		fmt.Fprintf(a.stdout, "已记录调整：%s\n", describeOverride(o))
		return printUnitLine(ctx, a, svc, o.Period, o.Unit)
	}
}

// printUnitLine prints unit's line of period's current standing.
func printUnitLine(
	ctx context.Context, a *app, svc *scoring.Service, p saima.Period, unit string,
) error {
	st, err := svc.Current(ctx, p)
	if err != nil {
		return err
	}
	if e, ok := st.Entry(unit); ok {
		fmt.Fprintf(a.stdout, "%s（%s）：%s第 %d 名，综合得分 %s（计算值 %s）\n",
			p.Label(), st.Label(), e.Track, e.Rank,
			saima.FormatComposite(e.Value), saima.FormatComposite(e.Computed.Value))
	}
	return nil
}

// withdrawOverride runs `saima override --withdraw`.
func withdrawOverride(ctx context.Context, a *app, period saima.Period, unit, indicator, value, by, why string) error {
	if value != "" {
		return usagef("--withdraw 与 --value 不能同时使用：撤销后恢复计算值，请去掉 --value")
	}
	svc, err := a.evaluations(ctx, false)
	if err != nil {
		return err
	}
	if unit, err = rosterUnit(ctx, a.store, unit); err != nil {
		return err
	}
	w, ended, err := svc.WithdrawOverride(ctx, period, unit, indicator, by, why)
	if err != nil {
		return err
	}
	fmt.Fprintf(a.stdout, "已撤销调整：%s\n撤销人：%s，时间：%s，理由：%s\n", describeOverride(ended), w.By, formatTime(w.At), w.Why)
	return printUnitLine(ctx, a, svc, w.Period, w.Unit)
}

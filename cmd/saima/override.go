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
	ef.fs.StringVar(&indicator, "indicator", "",
		"ID of the indicator whose score to replace (default: the composite)")
	ef.fs.StringVar(&value, "value", "",
		"the new score: 0–100 for an indicator, or for the composite 0 to the rule set's highest composite (100 unless its bonus or normalisers allow more) (required)")
	ef.fs.StringVar(&by, "by", "", "name of the person making the override (required)")
	ef.fs.StringVar(&why, "why", "", "reason for the override, shown wherever it applies (required)")
	ef.fs.Usage = func() {
		fmt.Fprintln(ef.fs.Output(), "Usage: saima override PERIOD UNIT [--indicator ID] --value V "+
			"--by NAME --why TEXT\n\n"+
			"Records a manual override of UNIT's result in PERIOD (such as 2026Q3). The\n"+
			"computed score stays stored; pages, the API and diffs show the override\n"+
			"beside it with who made it and why. A later override of the same unit and\n"+
			"indicator replaces it.\n\nOptions:")
		ef.fs.PrintDefaults()
	}
	return func(ctx context.Context, args []string) error {
		period, args, ok, err := periodArgs(ef.fs, args, 2, "name a quarter and a unit, such as 2026Q3 宁波市海曙区")
		if !ok {
			return err
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
		o, err := svc.Override(ctx, scoring.Override{
			Period: period, Unit: args[0], Indicator: indicator, Value: v, By: by, Why: why,
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

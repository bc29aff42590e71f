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
		"要替换得分的指标代号（默认：综合得分）")
	ef.fs.StringVar(&value, "value", "",
		"新的得分：指标为 0–100；综合得分为 0 到规则集的最高综合得分（一般为 100，加分项或归一化允许时更高）（必填）")
	ef.fs.StringVar(&by, "by", "", "调整人姓名（必填）")
	ef.fs.StringVar(&why, "why", "", "调整的理由，在用到调整的地方都会显示；撤回时写撤回的理由（必填）")
	ef.fs.BoolVar(&withdraw, "withdraw", false,
		"撤回 UNIT 和 --indicator 生效中的调整，而不是记录新的调整；不能与 --value 一起用")
	ef.fs.Usage = func() {
		writeHelp(ef.fs, "用法：saima override PERIOD UNIT [--indicator ID] --value V --by NAME --why TEXT\n"+
			"\n"+
			"人工调整 UNIT 在 PERIOD（如 2026Q3）的结果。UNIT 写单位名单里的名称或它的\n"+
			"别名，如 海曙。计算出的得分仍然保存；页面、接口和版本比较在它旁边显示调整\n"+
			"后的得分以及调整人和理由。同一单位同一指标的后一次调整取代前一次。\n"+
			"\n"+
			"      saima override PERIOD UNIT [--indicator ID] --withdraw --by NAME --why TEXT\n"+
			"\n"+
			"撤回生效中的调整：重新显示计算出的得分，调整和撤回都作为历史保留。")
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

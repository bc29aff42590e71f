package main

import (
	"context"
	"fmt"
	"io"

	"saima"
	"saima/scoring"
)

func whatifCommand(a *app, ef *envFlags) func(context.Context, []string) error {
	ef.fs.Usage = func() {
		writeHelp(ef.fs, "用法：saima whatif PERIOD RULES.yaml\n"+
			"\n"+
			"用一本账的现有数据，分别按当前规则集（--rules）和 RULES.yaml 给 PERIOD\n"+
			"（如 2026Q3）打分，不保存任何结果，列出每个单位在两套规则下的名次和会\n"+
			"移动几位。")
	}
	return func(ctx context.Context, args []string) error {
		period, args, ok, err := periodArgs(ef.fs, args, 2,
			"请写出一个季度和一个规则集文件，例如 2026Q3 rules-b.yaml")
		if !ok {
			return err
		}
		alt, _, err := ruleFile{path: args[0], role: "要比较的规则集文件（whatif 的 FILE 参数）",
			hint: "请检查文件路径"}.read()
		if err != nil {
			return err
		}
		svc, err := a.evaluations(ctx, true)
		if err != nil {
			return err
		}
		shifts, err := svc.WhatIf(ctx, period, alt)
		if err != nil {
			return err
		}
		printShifts(a.stdout, period, a.cfg.Rules, args[0], shifts)
		return nil
	}
}

func printShifts(w io.Writer, p saima.Period, basePath, altPath string, shifts []scoring.Shift) {
	fmt.Fprintf(w, "%s：现行规则 %s 与备选规则 %s 的名次对比（同一份当前数据，未保存）\n",
		p.Label(), basePath, altPath)
	tw := newTable(w)
	fmt.Fprintln(tw, "赛道\t单位\t现行名次\t备选名次\t变化\t现行得分\t备选得分")
	for _, sh := range shifts {
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\t%s\n", sh.Track, sh.Unit,
			scoreRank(sh.Base), scoreRank(sh.Alt), rise(sh),
			scoreComposite(sh.Base), scoreComposite(sh.Alt))
	}
	tw.Flush()
}

// rise formats how a unit's rank moves under the alternative rules: ↑2,
// ↓1, — for no change, or 不参与 when one rule set does not rank it.
func rise(sh scoring.Shift) string {
	switch n := sh.Rise(); {
	case sh.Base == nil || sh.Alt == nil:
		return "不参与"
	case n > 0:
		return fmt.Sprintf("↑%d", n)
	case n < 0:
		return fmt.Sprintf("↓%d", -n)
	}
	return "—"
}

func scoreRank(s *saima.Score) string {
	if s == nil {
		return "—"
	}
	return fmt.Sprint(s.Rank)
}

func scoreComposite(s *saima.Score) string {
	if s == nil {
		return "—"
	}
	return saima.FormatComposite(s.Value)
}

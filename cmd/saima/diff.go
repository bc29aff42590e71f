package main

import (
	"context"
	"fmt"
	"io"

	"saima"
	"saima/scoring"
)

func diffCommand(a *app, ef *envFlags) func(context.Context, []string) error {
	ef.fs.Usage = func() {
		writeHelp(ef.fs, "用法：saima diff PERIOD A B\n"+
			"\n"+
			"比较 PERIOD 的版本 A 和 B（如 2026Q3 1 2），人工调整也算在内：先列出每个\n"+
			"单位在两个版本里的综合得分和名次，再列出不同的每一项得分和调整。版本写\n"+
			"已发布的版本号，或写 draft（也可写 0）表示最新草稿，所以 2026Q3 1 draft\n"+
			"显示发布这份草稿会改变什么。")
	}
	return func(ctx context.Context, args []string) error {
		period, args, ok, err := periodArgs(ef.fs, args, 3,
			"请写出一个季度和两个版本，例如 2026Q3 1 2 或 2026Q3 1 draft")
		if !ok {
			return err
		}
		from, err := parseVersion(args[0])
		if err != nil {
			return err
		}
		to, err := parseVersion(args[1])
		if err != nil {
			return err
		}
		svc, err := a.evaluations(ctx, false)
		if err != nil {
			return err
		}
		d, err := svc.Diff(ctx, period, from, to)
		if err != nil {
			return err
		}
		printDiff(a.stdout, d)
		return nil
	}
}

func printDiff(w io.Writer, d *scoring.Diff) {
	old, cur := d.Old.Evaluation, d.New.Evaluation
	a, b := versionLabel(old), versionLabel(cur)
	fmt.Fprintf(w, "%s：%s → %s\n", d.Period.Label(), a, b)
	fmt.Fprintf(w, "%s：%s\n", a, describeEvaluation(old))
	fmt.Fprintf(w, "%s：%s\n", b, describeEvaluation(cur))

	changed := d.Changed()
	if len(changed) == 0 {
		fmt.Fprintln(w, "两个版本的结果完全相同。")
		return
	}
	tw := newTable(w)
	fmt.Fprintf(tw, "赛道\t单位\t名次 %s→%s\t综合得分 %s→%s\n", a, b, a, b)
	for _, u := range changed {
		fmt.Fprintf(tw, "%s\t%s\t%s→%s\t%s→%s\n", u.Track, u.Unit, entryRank(u.Old, u.OldUnranked),
			entryRank(u.New, u.NewUnranked), entryComposite(u.Old), entryComposite(u.New))
	}
	tw.Flush()
	for _, u := range changed {
		printLeftOut(w, a, u.OldUnranked)
		printLeftOut(w, b, u.NewUnranked)
		printUnitChanges(w, u)
	}
	fmt.Fprintf(w, "共 %d 个单位有变化，%d 个单位不变。\n", len(changed), len(d.Units)-len(changed))
}

func printUnitChanges(w io.Writer, u scoring.UnitDiff) {
	if len(u.Contributions) == 0 && !overridesDiffer(u) {
		return
	}
	fmt.Fprintf(w, "%s：\n", u.Unit)
	for _, c := range u.Contributions {
		old, cur := contributionTexts(c.Old), contributionTexts(c.New)
		fmt.Fprintf(w, "  %s（%s）：原始值 %s→%s，得分 %s→%s，权重 %s→%s，贡献 %s→%s\n",
			c.Name, c.Indicator, old[0], cur[0], old[1], cur[1], old[2], cur[2], old[3], cur[3])
	}
	if overridesDiffer(u) {
		for _, o := range entryOverrides(u.Old) {
			fmt.Fprintf(w, "  旧版调整：%s\n", describeOverride(o))
		}
		for _, o := range entryOverrides(u.New) {
			fmt.Fprintf(w, "  新版调整：%s\n", describeOverride(o))
		}
	}
}

func overridesDiffer(u scoring.UnitDiff) bool {
	old, cur := entryOverrides(u.Old), entryOverrides(u.New)
	if len(old) != len(cur) {
		return true
	}
	for i := range old {
		if old[i].Version != cur[i].Version || old[i].Indicator != cur[i].Indicator {
			return true
		}
	}
	return false
}

func entryOverrides(e *scoring.Entry) []scoring.Override {
	if e == nil {
		return nil
	}
	return e.Overrides
}

// entryRank returns the rank of e, 不参与排名 when the version left the
// unit out on purpose as unranked, or a dash when it lacks the unit.
func entryRank(e *scoring.Entry, unranked *saima.Unit) string {
	switch {
	case e != nil:
		return fmt.Sprint(e.Rank)
	case unranked != nil:
		return saima.TrackUnranked
	}
	return "—"
}

// printLeftOut prints that version left unit out of the ranking on
// purpose, with the reason its run read, and nothing when unit is nil.
func printLeftOut(w io.Writer, version string, unit *saima.Unit) {
	if unit == nil {
		return
	}
	fmt.Fprintf(w, "%s：%s %s，原因：%s（单位类别：%s）\n", unit.Name, version, saima.TrackUnranked,
		unit.UnrankedReason, unit.Kind)
}

func entryComposite(e *scoring.Entry) string {
	if e == nil {
		return "—"
	}
	return saima.FormatComposite(e.Value)
}

// contributionTexts formats a contribution's raw value, score, weight and
// points, or four dashes when c is nil.
func contributionTexts(c *saima.Contribution) [4]string {
	if c == nil {
		return [4]string{"—", "—", "—", "—"}
	}
	raw := formatNumber(c.Raw, 2)
	if c.Missing {
		raw = "无数据"
	}
	weight := formatNumber(c.Weight*100, 1) + "%"
	return [4]string{raw, saima.FormatIndicator(c.Score), weight, saima.FormatIndicator(c.Points)}
}

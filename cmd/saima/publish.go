package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/shopspring/decimal"

	"saima"
	"saima/scoring"
)

func publishCommand(a *app, ef *envFlags) func(context.Context, []string) error {
	var by, note string
	ef.fs.StringVar(&by, "by", "",
		"发布人姓名，与考评结果一起记录（必填）")
	ef.fs.StringVar(&note, "note", "",
		"与考评结果一起记录的备注，如重新发布的原因")
	ef.fs.Usage = func() {
		writeHelp(ef.fs, "用法：saima publish PERIOD --by NAME [--note TEXT]\n"+
			"\n"+
			"发布 PERIOD（如 2026Q3）的考评结果：按规则集给一本账的现有数据打分，连同\n"+
			"规则集原文和数据版本冻结为下一个版本（v1、v2、…），之后的上传不会再改变\n"+
			"它。排行榜显示最新发布的版本。会显示排名。")
	}
	return func(ctx context.Context, args []string) error {
		period, _, ok, err := periodArgs(ef.fs, args, 1, "请写出一个季度，例如 2026Q3")
		if !ok {
			return err
		}
		if strings.TrimSpace(by) == "" {
			return usagef("缺少发布人：请用 --by 写明由谁发布，如 saima publish --by 改革办 %s", period)
		}
		svc, err := a.evaluations(ctx, true)
		if err != nil {
			return err
		}
		prev, err := lastPublication(ctx, svc, period)
		if err != nil {
			return err
		}
		st, err := svc.Publish(ctx, period, by, note)
		if err != nil {
			return err
		}
		printStanding(a.stdout, st)
		if w := ruleSetChange(st.Evaluation, prev, a.cfg.Rules); w != "" {
			fmt.Fprintf(a.stderr, "saima: 注意：%s\n", w)
		}
		return nil
	}
}

// lastPublication returns the latest published evaluation of period, or
// nil when it has none.
func lastPublication(ctx context.Context, svc *scoring.Service, period saima.Period) (*scoring.Evaluation, error) {
	evs, err := svc.Evaluations(ctx, period)
	if err != nil {
		return nil, err
	}
	var out *scoring.Evaluation
	for i := range evs {
		if evs[i].Published() && (out == nil || evs[i].Version > out.Version) {
			out = &evs[i]
		}
	}
	return out, nil
}

// ruleSetChange describes how the rule set of next, read from file,
// differs from that of prev, the previous publication. It returns ""
// when they are the same or there is no previous publication.
func ruleSetChange(next, prev *scoring.Evaluation, file string) string {
	if next == nil || prev == nil || next.RuleSetVersion == prev.RuleSetVersion {
		return ""
	}
	return fmt.Sprintf("v%d 采用规则集“%s”（版本 %s，文件 %s），与已发布 v%d 的规则集“%s”（版本 %s）不同，"+
		"名次的变化可能来自规则，而不只是数据。用 saima diff %s %d %d 查看各单位的变化；"+
		"如非有意，请用 --rules 指定 v%d 的规则集文件再发布一次",
		next.Version, next.RuleSet, next.RuleSetVersion[:min(8, len(next.RuleSetVersion))], file,
		prev.Version, prev.RuleSet, prev.RuleSetVersion[:min(8, len(prev.RuleSetVersion))],
		next.Period, prev.Version, next.Version, prev.Version)
}

// evaluations returns the scoring service over the store, with the
// configured rule set when withRules is set.
func (a *app) evaluations(ctx context.Context, withRules bool) (*scoring.Service, error) {
	if err := checkAssets(a.engineAssets()...); err != nil {
		return nil, err
	}
	svc := &scoring.Service{Log: a.log, Now: a.now}
	if withRules {
		rules, _, err := a.configuredRules().read()
		if err != nil {
			return nil, err
		}
		svc.Rules = rules
	}
	st, err := a.openStore(ctx)
	if err != nil {
		return nil, err
	}
	svc.Store = st
	return svc, nil
}

// periodArgs parses the flags in args and the n arguments of a command
// whose first argument is a period, such as 2026Q3. It returns the period
// and the other arguments, and ok false with the error to return when
// they do not fit (nil after -h, which printed the usage already). want
// describes the arguments, for the usage error.
func periodArgs(fs *flag.FlagSet, args []string, n int, want string) (
	period saima.Period, rest []string, ok bool, err error) {
	args, err = parseInterspersed(fs, args)
	if err != nil || len(args) != n {
		return saima.Period{}, nil, false, usageError(fs, err, want)
	}
	periods, err := parsePeriods(args[:1])
	if err != nil {
		return saima.Period{}, nil, false, err
	}
	return periods[0], args[1:], true, nil
}

// usageError returns nil after -h, which printed the usage already, and
// otherwise prints the usage and returns a usage error saying want.
func usageError(fs *flag.FlagSet, err error, want string) error {
	if errors.Is(err, flag.ErrHelp) {
		return nil
	}
	if err != nil {
		return usagef("选项有误：%v；可用的选项见 %s -h", err, fs.Name())
	}
	fs.Usage()
	return usagef("%s", want)
}

// printStanding prints a standing's label and record, then its ranking
// with each rank's 5–95 % interval, the overrides applied and the units
// it left out.
func printStanding(w io.Writer, st *scoring.Standing) {
	fmt.Fprintf(w, "%s（%s）\n", st.Period.Label(), st.Label())
	if ev := st.Evaluation; ev != nil {
		fmt.Fprintf(w, "%s\n", describeEvaluation(ev))
	}
	tw := newTable(w)
	fmt.Fprintln(tw, "赛道\t名次\t单位\t综合得分\t较上期\t名次区间（5%–95%）\t调整")
	// The tracks in the order that score prints them, ranks kept within each.
	entries := slices.Clone(st.Entries)
	slices.SortStableFunc(entries, func(a, b scoring.Entry) int { return saima.CompareTracks(a.Track, b.Track) })
	for _, e := range entries {
		adjusted := ""
		if e.Overridden() {
			adjusted = "已调整（计算值 " + saima.FormatComposite(e.Computed.Value) + "）"
		}
		fmt.Fprintf(tw, "%s\t%d\t%s\t%s\t%s\t%s\t%s\n", e.Track, e.Rank, e.Unit,
			saima.FormatComposite(e.Value), movement(e.Score), rankInterval(e.Robust), adjusted)
	}
	tw.Flush()
	for _, e := range st.Entries {
		for _, o := range e.Overrides {
			fmt.Fprintf(w, "调整：%s\n", describeOverride(o))
		}
	}
	for _, o := range st.Unmatched {
		fmt.Fprintf(w, "未生效的调整（本次结果中没有该单位或指标）：%s\n", describeOverride(o))
	}
	printUnranked(w, st.Unranked, st.UnrankedFromCurrentRoster)
}

// describeEvaluation returns one line naming who published or computed
// ev, when, on which data and under which rules.
func describeEvaluation(ev *scoring.Evaluation) string {
	who := fmt.Sprintf("%s 于 %s 计算", ev.CreatedBy, formatTime(ev.CreatedAt))
	if ev.Published() {
		who = fmt.Sprintf("%s 于 %s 发布", ev.PublishedBy, formatTime(ev.PublishedAt))
	}
	line := fmt.Sprintf("%s；数据截至 %s；规则集 %s（版本 %s）；运行编号 %s", who,
		formatVersion(ev.DataAsOf, ev), ev.RuleSet, shortHash(ev.RuleSetVersion), ev.RunID)
	if ev.Note != "" {
		line += "；备注：" + ev.Note
	}
	return line
}

func describeOverride(o scoring.Override) string {
	what := "综合得分"
	if o.Indicator != "" {
		what = "指标 " + o.Indicator + " 得分"
	}
	return fmt.Sprintf("%s %s 调为 %s（%s 于 %s：%s）", o.Unit, what, formatNumber(o.Value, 2), o.By,
		formatTime(o.At), o.Why)
}

// rankInterval formats a rank's 5–95 % interval and median, or — when
// there is none.
func rankInterval(r *scoring.RankStats) string {
	if r == nil {
		return "—"
	}
	return fmt.Sprintf("%s–%s（中位 %s）",
		formatNumber(r.Q05, 1), formatNumber(r.Q95, 1), formatNumber(r.Median, 1))
}

// formatNumber rounds v half-up to at most places decimals and drops
// trailing zeros.
func formatNumber(v float64, places int32) string {
	return decimal.NewFromFloat(v).Round(places).String()
}

func formatTime(t time.Time) string {
	if t.IsZero() {
		return "—"
	}
	return t.In(saima.Beijing).Format("2006-01-02 15:04:05")
}

// formatVersion formats a store version of the data that ev read as a
// Beijing time on the clock that wrote ev (see recordShift), so that it
// reads on one clock with ev's publication time. A nil ev means the real
// clock.
func formatVersion(v uint64, ev *scoring.Evaluation) string {
	if v == 0 {
		return "当前数据"
	}
	at := saima.VersionTime(v, time.Time{}).Add(recordShift(ev))
	return at.In(saima.Beijing).Format("2006-01-02 15:04:05")
}

// recordShift returns how far the clock that wrote ev ran from the real
// clock, in whole days. ev's times are on that clock, while a store
// version is always real time. saima demo --today writes its records on
// a clock shifted by whole days, and the pages that saima demo serves move
// versions by the same days, so the command prints what they show. A
// record without a store version, or written on the real clock, gives 0.
//
// NOTE: the shift is read from the record's time against its store
// version, rounded to whole days, so a clock shifted by a part of a day is
// taken for the real clock or the nearest whole day.
func recordShift(ev *scoring.Evaluation) time.Duration {
	if ev == nil || ev.Recorded == 0 {
		return 0
	}
	written := ev.CreatedAt
	if ev.Published() {
		written = ev.PublishedAt
	}
	if written.IsZero() {
		return 0
	}
	const day = 24 * time.Hour
	return written.Sub(saima.VersionTime(ev.Recorded, time.Time{})).Round(day)
}

// shortHash returns the first 12 hex digits of a rule-set version or of a
// file's SHA-256.
func shortHash(h string) string {
	if len(h) > 12 {
		return h[:12]
	}
	return h
}

// parseVersion parses a published version number such as 2 or v2, or
// draft, 草稿 or 0 for the latest draft, which it returns as 0.
func parseVersion(arg string) (int, error) {
	if arg == "draft" || arg == "草稿" {
		return 0, nil
	}
	s := arg
	if len(s) > 1 && (s[0] == 'v' || s[0] == 'V') {
		s = s[1:]
	}
	n, err := strconv.Atoi(s)
	if err != nil || n < 0 {
		return 0, usagef("“%s”不是版本：请写已发布的版本号（如 1 或 v2），或写 draft 表示最新草稿，"+
			"如 saima diff 2026Q3 1 draft", arg)
	}
	return n, nil
}

// versionLabel names an evaluation's version in a diff: v2, or 草稿.
func versionLabel(ev *scoring.Evaluation) string {
	if ev.Published() {
		return fmt.Sprintf("v%d", ev.Version)
	}
	return "草稿"
}

package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"slices"

	"saima"
	"saima/ingest"
	"saima/scoring"
)

func scoreCommand(a *app, ef *envFlags) func(context.Context, []string) error {
	var dryRun bool
	ef.fs.BoolVar(&dryRun, "dry-run", false, "只计算并显示排名，不保存任何结果")
	ef.fs.Usage = func() {
		writeHelp(ef.fs, "用法：saima score [选项] PERIOD...\n"+
			"\n"+
			"按顺序用规则集给每个季度（如 2026Q3）打分，把排名存为新的草稿，排行榜\n"+
			"显示它（未发布），直到用 saima publish 发布该季度。会显示排名。")
	}
	return func(ctx context.Context, args []string) error {
		if len(args) == 0 {
			ef.fs.Usage()
			return usagef("请写出至少一个考评期间，例如 2026Q3")
		}
		periods, err := parsePeriods(args)
		if err != nil {
			return err
		}
		svc, err := a.evaluations(ctx, true)
		if err != nil {
			return err
		}
		for _, p := range periods {
			if err := a.score(ctx, svc, p, dryRun); err != nil {
				return err
			}
		}
		return nil
	}
}

// score scores p and prints the ranking: stored as a draft, or only
// computed on a dry run.
func (a *app) score(ctx context.Context, svc *scoring.Service, p saima.Period, dryRun bool) error {
	if dryRun {
		scores, err := svc.Evaluate(ctx, p)
		if err != nil {
			return err
		}
		printRanking(a, p, "试算，未保存", scores)
		// A dry run reads the current ledger, so the current roster's
		// units of track 不参与排名 are exactly the ones it left out.
		units, err := svc.Store.ListUnits(ctx)
		if err != nil {
			return fmt.Errorf("list units: %w", err)
		}
		printUnranked(a.stdout, slices.DeleteFunc(units, saima.Unit.Ranked), false)
		return nil
	}
	st, err := svc.Draft(ctx, p, "saima score")
	if err != nil {
		return err
	}
	scores := make([]saima.Score, len(st.Entries))
	for i, e := range st.Entries {
		scores[i] = e.Computed
	}
	a.log.Info("period scored", "period", p.String(), "units", len(scores),
		"run_id", st.Evaluation.RunID)
	printRanking(a, p, "草稿，未发布", scores)
	printUnranked(a.stdout, st.Unranked, st.UnrankedFromCurrentRoster)
	return nil
}

func parsePeriods(args []string) ([]saima.Period, error) {
	var out []saima.Period
	for _, s := range args {
		p, err := ingest.ParsePeriod(s)
		switch {
		case errors.Is(err, saima.ErrPeriodOutOfRange), errors.Is(err, ingest.ErrNoSuchMonth):
			return nil, usagef("%s", saima.ErrorMessage(err))
		case err != nil:
			return nil, usagef("“%s”不是考评期间，请写季度，如 2026Q3", s)
		case p.Kind == saima.PeriodYear:
			return nil, usagef("“%s”是年度，这里要写季度，如 %dQ3；年度排名由各季度的结果汇总而成，"+
				"不单独评分或发布，请用 saima report --annual %d 生成年度考评报告", s, p.Year, p.Year)
		case p.Kind == saima.PeriodMonth:
			return nil, usagef("“%s”是月份，这里要写季度，因为考评按季度进行，该月属于 %s", s, p.Quarter())
		}
		out = append(out, p)
	}
	return out, nil
}

func printRanking(a *app, p saima.Period, status string, scores []saima.Score) {
	w := newTable(a.stdout)
	fmt.Fprintf(w, "%s（%s）\n赛道\t名次\t单位\t综合得分\t较上期\n", p.Label(), status)
	scores = slices.Clone(scores)
	slices.SortStableFunc(scores, func(a, b saima.Score) int { return saima.CompareTracks(a.Track, b.Track) })
	for _, s := range scores {
		fmt.Fprintf(w, "%s\t%d\t%s\t%s\t%s\n", s.Track, s.Rank, s.Unit, saima.FormatComposite(s.Value), movement(s))
	}
	w.Flush()
}

// printUnranked prints the units that a ranking left out on purpose, with
// their 单位类别 and 不参与排名原因, and nothing when units is empty.
// fromRoster marks a list that comes from the current roster instead of
// the run.
func printUnranked(w io.Writer, units []saima.Unit, fromRoster bool) {
	if len(units) == 0 {
		return
	}
	title := "不参与排名的单位"
	if fromRoster {
		title += "（本结果保存时未记录，以下按当前单位名单列出）"
	}
	fmt.Fprintln(w, title)
	tw := newTable(w)
	fmt.Fprintln(tw, "单位\t单位类别\t原因")
	for _, u := range units {
		fmt.Fprintf(tw, "%s\t%s\t%s\n", u.Name, u.Kind, u.UnrankedReason)
	}
	tw.Flush()
}

func movement(s saima.Score) string {
	switch m := s.Movement(); {
	case s.PrevRank == 0:
		return "新"
	case m > 0:
		return fmt.Sprintf("↑%d", m)
	case m < 0:
		return fmt.Sprintf("↓%d", -m)
	}
	return "—"
}

package main

import (
	"context"
	"fmt"
	"text/tabwriter"
	"time"

	"saima"
	"saima/scoring"
)

func scoreCommand(a *app, ef *envFlags) func(context.Context, []string) error {
	ef.fs.Usage = func() {
		fmt.Fprintln(ef.fs.Output(), "Usage: saima score [options] PERIOD...\n\n"+
			"Scores each quarter (such as 2026Q3), in order, with the rule set and stores\n"+
			"the ranking as a new run. Prints the ranking.\n\nOptions:")
		ef.fs.PrintDefaults()
	}
	return func(ctx context.Context, args []string) error {
		if len(args) == 0 {
			ef.fs.Usage()
			return fmt.Errorf("%w: name at least one period, such as 2026Q3", errUsage)
		}
		periods, err := parsePeriods(args)
		if err != nil {
			return err
		}
		if err := checkAssets(a.engineAssets()...); err != nil {
			return err
		}
		rs, err := scoring.LoadRuleSet(a.cfg.Rules)
		if err != nil {
			return err
		}
		st, err := a.openStore(ctx)
		if err != nil {
			return err
		}
		for _, p := range periods {
			scores, err := scoring.Run(ctx, st, rs, p, time.Now())
			if err != nil {
				return err
			}
			a.log.Info("period scored", "period", p.String(), "units", len(scores), "ruleset", rs.Name)
			printRanking(a, p, scores)
		}
		return nil
	}
}

func parsePeriods(args []string) ([]saima.Period, error) {
	var out []saima.Period
	for _, s := range args {
		p, err := saima.ParsePeriod(s)
		if err != nil || p.Kind != saima.PeriodQuarter {
			return nil, fmt.Errorf("%w: %q is not a quarter such as 2026Q3", errUsage, s)
		}
		out = append(out, p)
	}
	return out, nil
}

func printRanking(a *app, p saima.Period, scores []saima.Score) {
	w := tabwriter.NewWriter(a.stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintf(w, "%s\n赛道\t名次\t单位\t综合得分\t较上期\n", p.Label())
	for _, s := range scores {
		fmt.Fprintf(w, "%s\t%d\t%s\t%s\t%s\n", s.Track, s.Rank, s.Unit, saima.FormatComposite(s.Value), movement(s))
	}
	w.Flush()
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

package main

import (
	"context"
	"errors"
	"fmt"
	"io"

	"saima"
	"saima/ingest"
)

// assessmentsCommand prints the assessment totals of a period.
func assessmentsCommand(a *app, ef *envFlags) func(context.Context, []string) error {
	ef.fs.Usage = func() {
		writeHelp(ef.fs, "用法：saima assessments PERIOD\n"+
			"\n"+
			"按得分从高到低列出各单位在 PERIOD（如 2026Q3 或 2026）的考评打分记录里\n"+
			"得分的合计，合计相同的名次相同。其他期（如全年）的记录不计入。")
	}
	return func(ctx context.Context, args []string) error {
		args, err := parseInterspersed(ef.fs, args)
		if err != nil || len(args) != 1 {
			return usageError(ef.fs, err, "请写出一个考评期间，例如 2026Q3 或 2026")
		}
		period, err := ingest.ParsePeriod(args[0])
		switch {
		case errors.Is(err, saima.ErrPeriodOutOfRange), errors.Is(err, ingest.ErrNoSuchMonth):
			return usagef("%s", saima.ErrorMessage(err))
		case err != nil:
			return usagef("“%s”不是考评期间，请写成 2026Q3、2026-09 或 2026 这样的形式", args[0])
		}
		st, err := a.openStore(ctx)
		if err != nil {
			return err
		}
		records, err := st.ListAssessments(ctx, period)
		if err != nil {
			return err
		}
		totals := saima.AssessmentTotals(records, period)
		if len(totals) == 0 {
			return saima.Errorf(saima.KindNotFound, "%s没有考评打分记录，请先导入考评打分", period.Label())
		}
		printAssessmentTotals(a.stdout, period, totals)
		return nil
	}
}

func printAssessmentTotals(w io.Writer, period saima.Period, totals []saima.AssessmentTotal) {
	fmt.Fprintf(w, "%s考评得分汇总（得分之和，相同者并列）\n", period.Label())
	tw := newTable(w)
	fmt.Fprintln(tw, "名次\t被考评单位\t得分合计\t记录数")
	for _, t := range totals {
		fmt.Fprintf(tw, "%d\t%s\t%s\t%d\n", t.Rank, t.Unit, t.Total.String(), t.Records)
	}
	tw.Flush()
}

package main

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"saima/reports"
)

func reportCommand(a *app, ef *envFlags) func(context.Context, []string) error {
	var out string
	ef.fs.StringVar(&out, "o", "", "output PDF file (default quarterly-PERIOD.pdf)")
	ef.fs.Usage = func() {
		fmt.Fprintln(ef.fs.Output(), "Usage: saima report [options] PERIOD\n\n"+
			"Writes the quarterly assessment report of PERIOD (such as 2026Q3) as PDF.\n\nOptions:")
		ef.fs.PrintDefaults()
	}
	return func(ctx context.Context, args []string) error {
		if len(args) != 1 {
			ef.fs.Usage()
			return fmt.Errorf("%w: name one quarter, such as 2026Q3", errUsage)
		}
		periods, err := parsePeriods(args)
		if err != nil {
			return err
		}
		if err := checkAssets(append(a.engineAssets(), a.fontAssets()...)...); err != nil {
			return err
		}
		fonts, err := reports.LoadFonts(a.cfg.FontRegular, a.cfg.FontBold)
		if err != nil {
			return err
		}
		st, err := a.openStore(ctx)
		if err != nil {
			return err
		}
		q, err := reports.BuildQuarterly(ctx, st, periods[0], time.Now())
		if err != nil {
			return err
		}
		if out == "" {
			out = "quarterly-" + periods[0].String() + ".pdf"
		}
		return writePDF(out, q, fonts, a)
	}
}

// writePDF writes the report to a temporary file and renames it into
// place, so a failure never leaves a truncated PDF at path.
func writePDF(path string, q *reports.Quarterly, fonts *reports.Fonts, a *app) error {
	tmp, err := os.CreateTemp(filepath.Dir(path), ".saima-report-*.pdf")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name())
	if err := reports.WriteQuarterly(tmp, q, fonts, a.log); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	if err := os.Rename(tmp.Name(), path); err != nil {
		return err
	}
	fmt.Fprintf(a.stdout, "已写出 %s\n", path)
	return nil
}

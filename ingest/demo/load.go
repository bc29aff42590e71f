package demo

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"

	"saima"
	"saima/ingest"
	"saima/scoring"
)

// Uploader is the account that Load records its imports under.
const Uploader = "demo"

// FirstQuarter is the first quarter that Load scores.
var FirstQuarter = saima.Quarter(2025, 1)

// Load imports files, as Generate wrote them, through imp in their order,
// as uploads of the account [Uploader]. It then scores them with evals as the
// reform office would on today. Every quarter from FirstQuarter up to the
// one before today's is published. Today's quarter, still running, is
// scored as a draft, which Load returns. When that quarter has no data yet,
// as on its first days, it is not scored and Load returns the zero Period.
// report, when not nil, gets each file's import report and error. Load
// fails on the first file that does not import every one of its rows.
func Load(ctx context.Context, files []File, imp *ingest.Service, evals *scoring.Service, today saima.Date,
	report func(File, *ingest.Report, error)) (saima.Period, error) {
	for _, f := range files {
		if err := importFile(ctx, imp, f, report); err != nil {
			return saima.Period{}, err
		}
	}
	draft := saima.Quarter(today.Year, (int(today.Month)-1)/3+1)
	for p := FirstQuarter; p.Start().Before(draft.Start()); p = p.Next() {
		if _, err := evals.Publish(ctx, p, "改革办", "演示数据"); err != nil {
			return saima.Period{}, fmt.Errorf("publish %s: %w", p, err)
		}
	}
	_, err := evals.Draft(ctx, draft, "saima demo")
	if errors.Is(err, scoring.ErrNoData) {
		return saima.Period{}, nil
	}
	if err != nil {
		return saima.Period{}, fmt.Errorf("score %s: %w", draft, err)
	}
	return draft, nil
}

func importFile(ctx context.Context, imp *ingest.Service, f File, report func(File, *ingest.Report, error)) error {
	body, err := os.Open(f.Path)
	if err != nil {
		return fmt.Errorf("open demo file: %w", err)
	}
	defer body.Close()
	rep, err := imp.Import(ctx, ingest.Request{FileName: filepath.Base(f.Path), Body: body,
		Dataset: f.Dataset, Uploader: Uploader, Republish: true,
		// The demo's history is loaded in one go, so each half-year
		// report is taken as received on its own 报送日期.
		ReceivedAsStated: true})
	if rep != nil && report != nil {
		report(f, rep, err)
	}
	if err != nil {
		return fmt.Errorf("import demo file %s: %w", f.Path, err)
	}
	if rep.Imported != f.Rows {
		return fmt.Errorf("import demo file %s: %d records imported, want %d", f.Path, rep.Imported, f.Rows)
	}
	return nil
}

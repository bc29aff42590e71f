package demo_test

import (
	"os"
	"path/filepath"
	"testing"

	"saima"
	"saima/ingest"
	"saima/ingest/demo"
)

// parseFile reads a generated file through the import path.
func parseFile(tb testing.TB, f demo.File, roster []saima.Unit, day saima.Date) *ingest.Result {
	tb.Helper()
	r, err := os.Open(f.Path)
	if err != nil {
		tb.Fatal(err)
	}
	defer r.Close()
	res, err := ingest.Parse(r, ingest.Options{
		Dataset: f.Dataset, FileName: filepath.Base(f.Path), Roster: roster, Today: day,
		ReceivedAsStated: true, // as the demo loads its history
	})
	if err != nil {
		tb.Fatalf("Parse(%s) error: %v", filepath.Base(f.Path), err)
	}
	return res
}

// TestGenerateImportsCleanly parses every generated file with ingest, the
// units file first as the roster, and wants no error and no warning.
func TestGenerateImportsCleanly(t *testing.T) {
	for _, day := range checkDays {
		t.Run(day.String(), func(t *testing.T) {
			files := generate(t, 29, day)
			var roster []saima.Unit
			for _, f := range files {
				res := parseFile(t, f, roster, day)
				for _, issue := range append(res.Errors, res.Warnings...) {
					t.Errorf("%s: %s", f.Dataset, issue)
				}
				if res.ErrorsOmitted+res.WarningsOmitted > 0 {
					t.Errorf("%s: %d more errors and %d more warnings", f.Dataset, res.ErrorsOmitted, res.WarningsOmitted)
				}
				if res.Dataset != f.Dataset {
					t.Errorf("Parse(%s).Dataset = %q, want %q", filepath.Base(f.Path), res.Dataset, f.Dataset)
				}
				if res.Rows != f.Rows || res.Batch.Len() != f.Rows {
					t.Errorf("%s: Parse read %d rows into %d records, want %d of each", f.Dataset, res.Rows, res.Batch.Len(), f.Rows)
				}
				if f.Dataset == saima.DatasetUnits {
					roster = res.Batch.Units
				}
			}
		})
	}
}

// TestGenerateDetectsDatasets checks that each file's header alone names its
// dataset, so the files import without naming it.
func TestGenerateDetectsDatasets(t *testing.T) {
	files := generate(t, 31, today)
	var roster []saima.Unit
	for _, f := range files {
		r, err := os.Open(f.Path)
		if err != nil {
			t.Fatal(err)
		}
		res, err := ingest.Parse(r, ingest.Options{FileName: filepath.Base(f.Path), Roster: roster, Today: today})
		r.Close()
		if err != nil {
			t.Fatalf("Parse(%s) error: %v", filepath.Base(f.Path), err)
		}
		if res.Dataset != f.Dataset {
			t.Errorf("Parse(%s).Dataset = %q, want %q", filepath.Base(f.Path), res.Dataset, f.Dataset)
		}
		if f.Dataset == saima.DatasetUnits {
			roster = res.Batch.Units
		}
	}
}

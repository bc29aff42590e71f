package ingest

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"saima"
)

// This file reads the workbooks and CSV files in testdata/ that
// LibreOffice Calc 7.4 saved, and checks what a clerk's typing turns into
// there. testdata/README.md says how each file was made.

// trapsRoster is the test roster with 慈溪市, which the traps files name.
var trapsRoster = append(testRoster[:len(testRoster):len(testRoster)],
	saima.Unit{Name: "慈溪市", Kind: saima.KindDistrict, Track: saima.KindDistrict})

// parseTestdata parses testdata/name as an upload of that name.
func parseTestdata(tb testing.TB, name string) *Result {
	tb.Helper()
	f, err := os.Open(filepath.Join("testdata", name))
	if err != nil {
		tb.Fatal(err)
	}
	defer f.Close()
	res, err := Parse(f, Options{FileName: name, Roster: trapsRoster, Today: uploadDay})
	if err != nil {
		tb.Fatalf("Parse(%s) error: %v", name, err)
	}
	return res
}

// errorAt returns the error on row and column of res, or nil.
func errorAt(res *Result, row int, column string) *Issue {
	for i, is := range res.Errors {
		if is.Row == row && is.Column == column {
			return &res.Errors[i]
		}
	}
	return nil
}

// The traps files hold 填报期间 typed as 2026.10 into a General cell,
// which the cell keeps as the number 2026.1 and CSV writes as 2026.1.
func TestLibreOfficePeriodNumber(t *testing.T) {
	for _, name := range []string{"libreoffice_traps.xlsx", "libreoffice_traps.csv"} {
		t.Run(name, func(t *testing.T) {
			res := parseTestdata(t, name)
			is := errorAt(res, 2, "填报期间")
			if is == nil {
				t.Fatalf("no error on row 2 填报期间; errors = %q, progress = %q",
					issueStrings(res.Errors), progressLines(res.Batch.Progress))
			}
			if is.Value != "2026.1" || !strings.Contains(is.Reason, "10月") {
				t.Errorf("row 2 error = %q, want value 2026.1 and a reason naming 10月", is.String())
			}
		})
	}
}

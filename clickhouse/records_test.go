package clickhouse

import (
	"bufio"
	"bytes"
	"strings"
	"testing"
	"time"

	"github.com/shopspring/decimal"

	"saima"
)

// trickyText contains every byte that TabSeparated escapes, a quote, a
// backslash before a letter, full-width and rare characters, and NBSP.
const trickyText = "a\tb\nc\rd\\e\x00f'g\"h\\ni　ｊ\u00a0𠮷👍"

// trickyBatch returns records of every table with an encoder, in the
// spellings that the row builders and the encoders may write differently:
// escapes, nil and zero values, years outside 1000–9999, every period kind
// and decimals of every scale.
func trickyBatch() *saima.Batch {
	day := saima.NewDate(2026, 9, 30)
	early := saima.NewDate(999, 1, 2)
	late := saima.NewDate(12345, 12, 31)
	zero := saima.Date{}
	decs := []decimal.NullDecimal{{}, decimal.NewNullDecimal(decimal.RequireFromString("85")),
		decimal.NewNullDecimal(decimal.RequireFromString("-0.0001")),
		decimal.NewNullDecimal(decimal.RequireFromString("100.0000")),
		decimal.NewNullDecimal(decimal.RequireFromString("12345678901234.5678"))}
	dates := []*saima.Date{nil, &day, &early, &late, &zero}
	periods := []saima.Period{{}, saima.Quarter(2026, 3), saima.Month(2026, 9), saima.Year(2026),
		saima.Quarter(999, 1), saima.Month(12345, 12), saima.Year(7)}
	texts := []string{"", trickyText, "宁波市海曙区", `\N`, "\\"}

	b := &saima.Batch{}
	for i := range 35 {
		text, dec, date, period := texts[i%len(texts)], decs[i%len(decs)], dates[i%len(dates)], periods[i%len(periods)]
		var aliases []string
		switch i % 3 {
		case 1:
			aliases = []string{}
		case 2:
			aliases = []string{text, "b'c", `d\e`}
		}
		b.Units = append(b.Units, saima.Unit{Name: text, Code: text, Aliases: aliases, Kind: text, Track: text})
		b.Projects = append(b.Projects, saima.Project{Code: text, Name: text, Unit: text, LeadUnit: text,
			System: text, Scope: text, Type: text, Batch: text, Lists: aliases, LeaderLed: i%2 == 0,
			Leader: text, Budget: dec, StartDate: date, DueDate: dates[(i+1)%len(dates)], Partners: aliases})
		b.Stages = append(b.Stages, saima.StageEvent{ProjectCode: text, Stage: text, Date: *dates[1+i%4],
			DecidedBy: text, Opinion: text, Round: i%4 - 1, Documents: text, ChangeItem: text,
			ChangeReason: text, Accountability: text, Withdrawn: i%3 == 0})
		b.Milestones = append(b.Milestones, saima.Milestone{ProjectCode: text, Name: text, Unit: text,
			Planned: *dates[1+i%4], Actual: date, Status: text})
		b.Progress = append(b.Progress, saima.ProgressReport{Unit: text, ProjectCode: text, ProjectName: text,
			Period: period, Percent: dec, ReportDate: date, Progress: text, Problems: text})
		b.Assessments = append(b.Assessments, saima.Assessment{Unit: text, ProjectCode: text, Indicator: text,
			Score: decs[1+i%4].Decimal, FullMarks: dec, Mode: text, Period: period, Evaluator: text})
		b.Problems = append(b.Problems, saima.ProblemItem{ID: text, Unit: text, ProjectCode: text, Source: text,
			Category: text, Stage: text, Level: i % 5, Opened: *dates[1+i%4], Closed: date, Summary: text})
	}
	return b
}

// TestTSVEncodersMatchRows checks that each table's encoder writes the
// bytes that writeTSVField writes for the values of its row builder, with
// an upload ID that needs escaping.
func TestTSVEncodersMatchRows(t *testing.T) {
	const id, version = "up\tload\\1", uint64(1_780_000_000_123_456_789)
	b := trickyBatch()
	for _, tr := range batchRecords(b, id, version) {
		if tr.encode == nil {
			continue
		}
		t.Run(tr.table, func(t *testing.T) {
			if tr.n == 0 {
				t.Fatalf("trickyBatch has no %s", tr.table)
			}
			got := encodeRecords(t, tr, id, version)
			tr.encode = nil
			want := encodeRecords(t, tr, id, version)
			if got != want {
				gotLines, wantLines := strings.Split(got, "\n"), strings.Split(want, "\n")
				for i := range min(len(gotLines), len(wantLines)) {
					if gotLines[i] != wantLines[i] {
						t.Fatalf("row %d:\n got %q\nwant %q", i+1, gotLines[i], wantLines[i])
					}
				}
				t.Fatalf("encoded %d lines, want %d", len(gotLines), len(wantLines))
			}
		})
	}
}

// encodeRecords returns the TabSeparated text of every record of tr.
func encodeRecords(tb testing.TB, tr tableRecords, id string, version uint64) string {
	tb.Helper()
	var buf bytes.Buffer
	w := bufio.NewWriter(&buf)
	if err := tr.writeTSV(newTSVWriter(w, id, version), 0, tr.n); err != nil {
		tb.Fatalf("writeTSV(%s) error: %v", tr.table, err)
	}
	if err := w.Flush(); err != nil {
		tb.Fatal(err)
	}
	return buf.String()
}

// TestAppendDateMatchesString compares appendDate and appendPeriod with the
// String methods that writeTSVField uses.
func TestAppendDateMatchesString(t *testing.T) {
	for _, y := range []int{-1, 0, 7, 999, 1000, 2026, 9999, 10000} {
		for _, m := range []time.Month{0, 1, 9, 12, 13, 100} {
			for _, d := range []int{0, 1, 30, 99, 100} {
				date := saima.NewDate(y, m, d)
				if got, want := string(appendDate(nil, date)), date.String(); got != want {
					t.Errorf("appendDate(%+v) = %q, want %q", date, got, want)
				}
			}
		}
		for _, kind := range []saima.PeriodKind{0, saima.PeriodQuarter, saima.PeriodMonth, saima.PeriodYear} {
			for _, i := range []int{-1, 0, 1, 4, 9, 12, 100} {
				p := saima.Period{Kind: kind, Year: y, Index: i}
				if got, want := string(appendPeriod(nil, p)), p.String(); got != want {
					t.Errorf("appendPeriod(%+v) = %q, want %q", p, got, want)
				}
			}
		}
	}
}

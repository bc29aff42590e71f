package ingest

import (
	"bufio"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"reflect"
	"strings"
	"testing"
	"testing/iotest"
)

// readAheadText is a CSV file longer than several batches, with a quoted
// line break and a row whose quoting is broken half way.
func readAheadText(rows int) string {
	var b strings.Builder
	b.WriteString("单位,项目编号,进展情况\n")
	for i := range rows {
		switch i {
		case 300:
			fmt.Fprintf(&b, "余姚市,P-%d,\"两行\n进展\"\n", i)
		case 100:
			fmt.Fprintf(&b, "余姚市,P-%d,\"半个\"引号\"\n", i)
		default:
			fmt.Fprintf(&b, "余姚市,P-%d,进展%d\n", i, i)
		}
	}
	return b.String()
}

// drain returns every record and error that src gives until the error
// that ends it.
func drain(tb testing.TB, src source) []fetched {
	tb.Helper()
	var out []fetched
	for {
		rec, err := src.next()
		rec.cells = append([]string(nil), rec.cells...)
		out = append(out, fetched{rec, err})
		if _, quoting := errors.AsType[*csv.ParseError](err); err != nil && !quoting {
			return out
		}
	}
}

func csvSourceOf(tb testing.TB, r io.Reader) *csvSource {
	tb.Helper()
	src, err := newCSVSource(bufio.NewReader(r), "")
	if err != nil {
		tb.Fatal(err)
	}
	return src
}

func TestReadAheadSameRecords(t *testing.T) {
	text := readAheadText(1000)
	tests := map[string]func() io.Reader{
		"whole file": func() io.Reader { return strings.NewReader(text) },
		"breaks off": func() io.Reader {
			return io.MultiReader(strings.NewReader(text[:len(text)/2]), iotest.ErrReader(errBroken))
		},
	}
	for name, open := range tests {
		t.Run(name, func(t *testing.T) {
			want := drain(t, csvSourceOf(t, open()))
			ra := startReadAhead(csvSourceOf(t, open()))
			got := drain(t, ra)
			ra.close()
			if len(got) != len(want) {
				t.Fatalf("read ahead gave %d records, want %d", len(got), len(want))
			}
			for i := range want {
				if !reflect.DeepEqual(got[i], want[i]) {
					t.Fatalf("record %d = %+v, want %+v", i, got[i], want[i])
				}
			}
			quoting := 0
			for _, f := range want {
				if _, ok := errors.AsType[*csv.ParseError](f.err); ok {
					quoting++
				}
			}
			if quoting == 0 {
				t.Errorf("no record broke the quoting: the file does not test that case")
			}
			// The source has ended, and asking again gives the same end.
			end := want[len(want)-1].err
			if _, err := ra.next(); err == nil || err.Error() != end.Error() {
				t.Errorf("next after the end = %v, want %v", err, end)
			}
		})
	}
}

// Closing before the end stops the reading goroutine, even when its
// batches wait unread.
func TestReadAheadCloseEarly(t *testing.T) {
	ra := startReadAhead(csvSourceOf(t, strings.NewReader(readAheadText(5000))))
	if _, err := ra.next(); err != nil {
		t.Fatalf("next() error = %v", err)
	}
	ra.close()
	select {
	case <-ra.done:
	default:
		t.Fatal("the reading goroutine still runs after close")
	}
}

// panickingSource returns two rows and then panics, as a reader with a
// bug would on a hostile file.
type panickingSource struct {
	source
	rows int
}

func (p *panickingSource) next() (record, error) {
	if p.rows == 2 {
		panic("index out of range")
	}
	p.rows++
	return record{row: p.rows, cells: []string{"x"}}, nil
}

// A panic in the source on the reading goroutine ends the records with an
// error instead of stopping the process.
func TestReadAheadSourcePanic(t *testing.T) {
	ra := startReadAhead(&panickingSource{})
	defer ra.close()
	var rows int
	var err error
	for err == nil {
		if _, err = ra.next(); err == nil {
			rows++
		}
	}
	if !strings.Contains(err.Error(), "panic: index out of range") {
		t.Errorf("next() error = %v, want the panic as an error", err)
	}
	if rows > 2 {
		t.Errorf("read %d rows before the error, want at most 2", rows)
	}
}

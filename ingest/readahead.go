package ingest

import (
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"runtime/debug"
)

// readAheadBatch is how many records the reading goroutine hands over at
// once. Each batch costs one channel send, and 256 progress rows of the
// benchmark file take about 64 KB.
const readAheadBatch = 256

// readAheadDepth is how many batches may wait for the parser.
const readAheadDepth = 4

// readAhead is a source that reads the records of another on a goroutine
// of its own. Splitting the file into records, with decoding and the UTF-8
// check, then runs on one CPU while the parser checks rows on another.
// The records come out in order and unchanged. Call close before reading
// the underlying reader again.
type readAhead struct {
	source
	batches chan []fetched
	free    chan []fetched
	stop    chan struct{}
	done    chan struct{}
	cur     []fetched // the batch being handed out
	pos     int
	ended   error // the error that ended the source, once it came out
}

// fetched is one record and the error next returned with it.
type fetched struct {
	rec record
	err error
}

func startReadAhead(src source) *readAhead {
	ra := &readAhead{
		source:  src,
		batches: make(chan []fetched, readAheadDepth),
		free:    make(chan []fetched, readAheadDepth+2),
		stop:    make(chan struct{}),
		done:    make(chan struct{}),
	}
	go ra.read()
	return ra
}

// read fills batches until the source ends or close is called. A panic
// in the source ends it with an error instead, because no caller could
// recover a panic on this goroutine and it would stop the whole server.
func (ra *readAhead) read() {
	defer close(ra.done)
	defer close(ra.batches)
	defer func() {
		if r := recover(); r != nil {
			err := fmt.Errorf("read records: panic: %v\n%s", r, debug.Stack())
			select {
			case ra.batches <- []fetched{{err: err}}:
			case <-ra.stop:
			}
		}
	}()
	for {
		batch, ended := ra.fill()
		select {
		case ra.batches <- batch:
		case <-ra.stop:
			return
		}
		if ended {
			return
		}
	}
}

// fill reads one batch. It copies each record's cells, because a source
// may reuse its slice for the next record, and reports whether the
// source has ended.
func (ra *readAhead) fill() ([]fetched, bool) {
	var batch []fetched
	select {
	case batch = <-ra.free:
		batch = batch[:0]
	default:
		batch = make([]fetched, 0, readAheadBatch)
	}
	var cells []string
	for len(batch) < readAheadBatch {
		rec, err := ra.source.next()
		if rec.cells != nil {
			start := len(cells)
			cells = append(cells, rec.cells...)
			rec.cells = cells[start:len(cells):len(cells)]
		}
		batch = append(batch, fetched{rec, err})
		if endsSource(err) {
			return batch, true
		}
	}
	return batch, false
}

// next returns the records in the order the source gave them.
func (ra *readAhead) next() (record, error) {
	if ra.pos == len(ra.cur) {
		if ra.ended != nil {
			return record{}, ra.ended
		}
		if ra.cur != nil {
			// The parser is done with the records of the last batch:
			// builders keep their strings, not their slices.
			select {
			case ra.free <- ra.cur:
			default:
			}
		}
		batch, ok := <-ra.batches
		if !ok {
			return record{}, io.ErrUnexpectedEOF
		}
		ra.cur, ra.pos = batch, 0
	}
	f := ra.cur[ra.pos]
	ra.pos++
	if endsSource(f.err) {
		ra.ended = f.err
	}
	return f.rec, f.err
}

// endsSource reports whether err, as a source's next returned it, ends
// the file: any error but a row that breaks CSV quoting, after which
// reading goes on.
func endsSource(err error) bool {
	_, quoting := errors.AsType[*csv.ParseError](err)
	return err != nil && !quoting
}

// close stops the reading goroutine and waits for it, so that the
// underlying reader is free again.
func (ra *readAhead) close() {
	close(ra.stop)
	<-ra.done
}

package clickhouse_test

import (
	"context"
	"io"
	"log/slog"
	"slices"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"saima"
	"saima/clickhouse"
	"saima/clickhouse/chtest"
)

// okGate is an engine that, once armed, holds the INSERT of the next ok
// upload record until release is closed, and closes reached when it
// starts to wait. A test then acts while a commit has chosen its version
// but not yet stored it.
type okGate struct {
	clickhouse.Engine
	armed            atomic.Bool
	reached, release chan struct{}
}

func newOKGate(e clickhouse.Engine) *okGate {
	return &okGate{Engine: e, reached: make(chan struct{}), release: make(chan struct{})}
}

func (g *okGate) Insert(ctx context.Context, table string, columns []string, rows [][]any) error {
	i := slices.Index(columns, "outcome")
	if i >= 0 && strings.HasSuffix(table, ".uploads") && len(rows) == 1 && rows[0][i] == saima.OutcomeOK &&
		g.armed.CompareAndSwap(true, false) {
		close(g.reached)
		<-g.release
	}
	return g.Engine.Insert(ctx, table, columns, rows)
}

// Close leaves the shared engine open for the other tests.
func (g *okGate) Close() error { return nil }

// TestNowDuringCommit takes a version with Store.Now while an upload is
// committing, then reads the ledger as of that version before and after
// the commit has stored its ok record. A snapshot must not change once
// taken, or a publication reads some of its data without the upload and
// its evidence and report later read it with the upload.
func TestNowDuringCommit(t *testing.T) {
	chtest.ForEachEngine(t, func(t *testing.T, base *clickhouse.Store) {
		ctx := t.Context()
		gate := newOKGate(base.Engine())
		s, err := clickhouse.NewStore(ctx, gate, base.Database(), slog.New(slog.NewTextHandler(io.Discard, nil)))
		if err != nil {
			t.Fatal(err)
		}
		if err := s.WriteBatch(ctx, progressBatch("60", "45", "72", "88", "100")); err != nil {
			t.Fatal(err)
		}

		gate.armed.Store(true)
		committed := make(chan error, 1)
		go func() { committed <- s.WriteBatch(ctx, progressBatch("85", "45", "75", "88", "100")) }()
		<-gate.reached

		// Now may return at once or wait for the commit. When it returns
		// while the commit is held, the ledger is read before the release.
		// The timer only ends the wait for a Now that waits, so the check
		// below does not depend on it.
		versions := make(chan uint64, 1)
		go func() { versions <- s.Now() }()
		var asOf uint64
		var during struct {
			n    int
			mean float64
		}
		select {
		case asOf = <-versions:
			during.n, during.mean = meanPercent(t, s.AsOf(asOf))
			close(gate.release)
		case <-time.After(2 * time.Second):
			close(gate.release)
			asOf = <-versions
			during.n, during.mean = meanPercent(t, s.AsOf(asOf))
		}
		if err := <-committed; err != nil {
			t.Fatalf("commit: %v", err)
		}

		n, mean := meanPercent(t, s.AsOf(asOf))
		if n != during.n || mean != during.mean {
			t.Errorf("as of %d: %d records, mean %v during the commit; %d records, mean %v after it",
				asOf, during.n, during.mean, n, mean)
		}
	})
}

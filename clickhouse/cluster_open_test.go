package clickhouse_test

import (
	"bytes"
	"log/slog"
	"strings"
	"sync"
	"testing"
	"time"

	"saima"
	"saima/clickhouse"
	"saima/clickhouse/chtest"
)

// TestReplicatedOpensWithReplicaDown opens a new store while replica 1 of
// the only shard is down. The schema is applied already, so the store
// opens at once through replica 2, reads every unit and logs the node
// that is down. A database whose schema is still to be applied waits for
// that node, and its error names it.
func TestReplicatedOpensWithReplicaDown(t *testing.T) {
	cluster := chtest.StartReplicatedCluster(t, 1, 2)
	db := cluster.NewDatabase(t)
	down, live := cluster.Servers[0], cluster.Servers[1]
	units := demoFile(t, demoFiles(t, 2026, saima.NewDate(2026, time.August, 20)), saima.DatasetUnits)
	mustImport(t, openReplicatedStore(t, down, db), units)
	if err := down.Stop(); err != nil {
		t.Fatal(err)
	}

	logs := &syncBuffer{}
	st := openReplicatedStoreLog(t, live, db, slog.New(slog.NewTextHandler(logs, nil)))
	got, err := st.ListUnits(t.Context())
	if err != nil || len(got) != units.Rows {
		t.Errorf("ListUnits with replica 1 down = %d units, %v; want %d", len(got), err, units.Rows)
	}
	if err := st.Ping(t.Context()); err != nil {
		t.Errorf("Ping with replica 1 down = %v, want nil", err)
	}
	if !strings.Contains(logs.String(), down.Addr) {
		t.Errorf("log of the store opened with %s down does not name it:\n%s", down.Addr, logs)
	}

	fresh := openReplicatedStoreLog(t, live, db+"_new", discardLog())
	_, err = fresh.ListUnits(t.Context())
	if k := saima.ErrorKind(err); k != saima.KindUnavailable {
		t.Errorf("ListUnits on a new database with a replica down: kind %v (%v), want unavailable", k, err)
	}
	if msg := saima.ErrorMessage(err); !strings.Contains(msg, down.Addr) {
		t.Errorf("ListUnits on a new database with a replica down: message %q, want one naming %s", msg, down.Addr)
	}
}

// TestClusterOpensWithShardDown opens a new store while the second shard
// of an unreplicated cluster is down. Every call fails as unavailable with
// a message that names the node of that shard. The ping of a store opened
// before the shard stopped fails too, so that /healthz reports it.
func TestClusterOpensWithShardDown(t *testing.T) {
	cluster := chtest.StartCluster(t)
	db := cluster.NewDatabase(t)
	ready := openClusterStore(t, cluster.Servers[0], db)
	if err := ready.Ping(t.Context()); err != nil {
		t.Fatalf("Ping with every shard up = %v", err)
	}
	shard := cluster.Servers[1]
	if err := shard.Stop(); err != nil {
		t.Fatal(err)
	}

	st := openClusterStore(t, cluster.Servers[0], db)
	for name, call := range map[string]func() error{
		"Ping":      func() error { return st.Ping(t.Context()) },
		"ListUnits": func() error { _, err := st.ListUnits(t.Context()); return err },
	} {
		err := call()
		if k := saima.ErrorKind(err); k != saima.KindUnavailable {
			t.Errorf("%s with shard 2 down: kind %v (%v), want unavailable", name, k, err)
		}
		if msg := saima.ErrorMessage(err); !strings.Contains(msg, shard.Addr) {
			t.Errorf("%s with shard 2 down: message %q, want one naming %s", name, msg, shard.Addr)
		}
	}
	if err := ready.Ping(t.Context()); saima.ErrorKind(err) != saima.KindUnavailable {
		t.Errorf("Ping of a store opened before shard 2 stopped = %v, want an unavailable error", err)
	}
}

// openReplicatedStoreLog is openReplicatedStore with a logger.
func openReplicatedStoreLog(tb testing.TB, srv *chtest.Server, db string, log *slog.Logger) *clickhouse.Store {
	tb.Helper()
	cfg := srv.Config(db)
	cfg.Cluster = chtest.ClusterName
	opts := clickhouse.StoreOptions{Cluster: chtest.ClusterName, Replicated: true}
	st, err := clickhouse.OpenServerStore(tb.Context(), cfg, opts, log)
	if err != nil {
		tb.Fatalf("open replicated store on cluster %s through %s: %v", chtest.ClusterName, srv.Addr, err)
	}
	tb.Cleanup(func() { st.Close() })
	return st
}

// syncBuffer is a bytes.Buffer that a logger may write from several
// goroutines.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

package clickhouse_test

import (
	"strings"
	"testing"
	"time"

	"saima"
	"saima/clickhouse"
	"saima/clickhouse/chtest"
	"saima/scoring"
)

// TestReplicatedNeedsFlag opens a store on a cluster whose shard has two
// replicas without Replicated. It must fail before it creates a table,
// with a message naming the cluster, the shard and the flag to add.
func TestReplicatedNeedsFlag(t *testing.T) {
	cluster := chtest.StartReplicatedCluster(t, 1, 2)
	db := cluster.NewDatabase(t)
	cfg := cluster.Servers[0].Config(db)
	cfg.Cluster = chtest.ClusterName
	opts := clickhouse.StoreOptions{Cluster: chtest.ClusterName}
	st, err := clickhouse.OpenServerStore(t.Context(), cfg, opts, discardLog())
	if err == nil {
		st.Close()
		t.Fatalf("OpenServerStore without Replicated on a replicated cluster succeeded, want an error")
	}
	for _, want := range []string{"--ch-replicated", "集群 " + chtest.ClusterName, "分片 1"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("OpenServerStore error = %v, want one containing %q", err, want)
		}
	}
	for i, srv := range cluster.Servers {
		got := httpQuery(t, srv, "SELECT toUInt32(count()) FROM system.tables WHERE database = '"+db+
			"' AND name LIKE '%_local'")
		if got != "0\n" {
			t.Errorf("replica %d has %q local tables after the refused start, want 0", i+1, got)
		}
	}
}

// TestReplicatedRejectsPlainTables opens a replicated store on a database
// whose local table was created as plain MergeTree, as a start without
// Replicated left it. Opening must fail and name the table.
func TestReplicatedRejectsPlainTables(t *testing.T) {
	cluster := chtest.StartReplicatedCluster(t, 1, 2)
	db := cluster.NewDatabase(t)
	httpQuery(t, cluster.Servers[1], "CREATE TABLE "+db+".units_local (name String) ENGINE = MergeTree() ORDER BY name")
	cfg := cluster.Servers[0].Config(db)
	cfg.Cluster = chtest.ClusterName
	opts := clickhouse.StoreOptions{Cluster: chtest.ClusterName, Replicated: true}
	st, err := clickhouse.OpenServerStore(t.Context(), cfg, opts, discardLog())
	if err == nil {
		st.Close()
		t.Fatalf("OpenServerStore over a plain MergeTree local table succeeded, want an error")
	}
	if !strings.Contains(err.Error(), "units_local") {
		t.Errorf("OpenServerStore error = %v, want one naming units_local", err)
	}
}

// TestReplicatedQuorumTimeout freezes the second replica of a one-shard
// cluster just before an upload's ok record and, later, before a
// publication's record. Each INSERT stores its row on the first replica
// and then times out waiting for the quorum (code 319). Readers see the
// row, so the store must report both writes as done.
func TestReplicatedQuorumTimeout(t *testing.T) {
	cluster := chtest.StartReplicatedCluster(t, 1, 2)
	db := cluster.NewDatabase(t)
	st := openReplicatedStore(t, cluster.Servers[0], db)
	frozen := cluster.Servers[1]

	up := saima.Upload{ID: "u-quorum-timeout", Dataset: saima.DatasetUnits, Uploader: "test"}
	w, err := st.BeginUpload(up)
	if err != nil {
		t.Fatal(err)
	}
	units := []saima.Unit{{Name: "宁波市测试区", Kind: saima.KindDistrict}, {Name: "宁波市试验区", Kind: saima.KindDistrict}}
	if err := w.Write(t.Context(), &saima.Batch{Units: units}); err != nil {
		t.Fatalf("Write: %v", err)
	}
	freeze(t, frozen)
	if err := w.Commit(t.Context()); err != nil {
		t.Errorf("Commit whose ok record timed out waiting for the quorum = %v, want nil: the record is stored", err)
	}
	got, err := st.ListUnits(t.Context())
	if err != nil || len(got) != len(units) {
		t.Errorf("ListUnits after the commit = %d units, %v; want %d", len(got), err, len(units))
	}
	ups, err := st.ListUploads(t.Context(), saima.UploadFilter{})
	if err != nil || len(ups) != 1 || ups[0].Outcome != saima.OutcomeOK {
		t.Errorf("ListUploads after the commit = %+v, %v; want the upload with outcome ok", ups, err)
	}
	thaw(t, frozen, db)

	freeze(t, frozen)
	ev := scoring.Evaluation{Period: saima.Quarter(2026, 3), Version: 1, RunID: "run-quorum-timeout",
		RuleSet: "test", Status: scoring.StatusPublished, CreatedAt: testScoredAt, CreatedBy: "test",
		PublishedAt: testScoredAt, PublishedBy: "test", Recorded: st.Now()}
	if err := st.SaveEvaluation(t.Context(), ev, nil); err != nil {
		t.Errorf("SaveEvaluation whose record timed out waiting for the quorum = %v, want nil", err)
	}
	evs, err := st.ListEvaluations(t.Context(), ev.Period)
	if err != nil || len(evs) != 1 {
		t.Errorf("ListEvaluations after the save = %d records, %v; want 1", len(evs), err)
	}
	thaw(t, frozen, db)
}

// freeze stops srv with SIGSTOP and resumes it in tb's cleanup.
func freeze(tb testing.TB, srv *chtest.Server) {
	tb.Helper()
	if err := srv.Freeze(); err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { srv.Thaw() })
}

// thaw resumes srv and waits until its replicas of db's uploads and
// evaluations caught up, so that the quorum can be reached again. Right
// after SIGCONT the server still holds its expired ZooKeeper session, so
// the sync is retried until it succeeds.
func thaw(tb testing.TB, srv *chtest.Server, db string) {
	tb.Helper()
	if err := srv.Thaw(); err != nil {
		tb.Fatal(err)
	}
	deadline := time.Now().Add(time.Minute)
	for _, table := range []string{"uploads_local", "evaluations_local"} {
		for {
			_, err := srv.HTTPQuery(tb.Context(), "SYSTEM SYNC REPLICA "+db+"."+table)
			if err == nil {
				break
			}
			if time.Now().After(deadline) {
				tb.Fatalf("replica %s did not sync %s within a minute: %v", srv.Addr, table, err)
			}
			time.Sleep(200 * time.Millisecond)
		}
	}
}

// TestReplicatedZooKeeperDown stops ZooKeeper, which makes the replicated
// tables read-only (code 242), and wants an upload to fail as unavailable
// with a message naming ZooKeeper. With ZooKeeper up and a replica down,
// the message names the replica, not a shard.
func TestReplicatedZooKeeperDown(t *testing.T) {
	cluster := chtest.StartReplicatedCluster(t, 1, 2)
	db := cluster.NewDatabase(t)
	st := openReplicatedStore(t, cluster.Servers[0], db)
	batch := func(id string) *saima.Batch {
		return &saima.Batch{Upload: saima.Upload{ID: id, Dataset: saima.DatasetUnits, Uploader: "test"},
			Units: []saima.Unit{{Name: "宁波市测试区", Kind: saima.KindDistrict}}}
	}

	if err := cluster.Shards[0][1].Stop(); err != nil {
		t.Fatal(err)
	}
	err := st.WriteBatch(t.Context(), batch("u-replica-down"))
	if k := saima.ErrorKind(err); k != saima.KindUnavailable {
		t.Errorf("WriteBatch with a replica down: kind %v (%v), want unavailable", k, err)
	}
	if msg := saima.ErrorMessage(err); !strings.Contains(msg, "副本") || strings.Contains(msg, "分片") {
		t.Errorf("WriteBatch with a replica down: message %q, want one naming a replica and no shard", msg)
	}

	if err := cluster.ZooKeeper.Stop(); err != nil {
		t.Fatal(err)
	}
	err = st.WriteBatch(t.Context(), batch("u-zookeeper-down"))
	if k := saima.ErrorKind(err); k != saima.KindUnavailable {
		t.Errorf("WriteBatch with ZooKeeper down: kind %v (%v), want unavailable", k, err)
	}
	if msg := saima.ErrorMessage(err); !strings.Contains(msg, "ZooKeeper") {
		t.Errorf("WriteBatch with ZooKeeper down: message %q, want one naming ZooKeeper", msg)
	}
}

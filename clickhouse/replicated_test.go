package clickhouse_test

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"saima"
	"saima/clickhouse"
	"saima/clickhouse/chtest"
	"saima/scoring"
)

// TestReplicatedMatchesSingleNode loads the demo city into two shards of
// two replicas each, over a real ZooKeeper, and into the embedded engine,
// and wants the same facts and rankings. Each replica of a shard then
// holds the same rows in every local table.
func TestReplicatedMatchesSingleNode(t *testing.T) {
	cluster := chtest.StartReplicatedCluster(t, 2, 2)
	db := cluster.NewDatabase(t)
	onCluster := openReplicatedStore(t, cluster.Servers[0], db)
	single := chtest.Store(t)

	quarters := loadAndScoreDemo(t, onCluster, single)

	for _, q := range quarters {
		compareFacts(t, q, facts(t, onCluster, q), facts(t, single, q))
		compareRankings(t, q, scores(t, onCluster, q), scores(t, single, q))
	}
	checkReplicasEqual(t, cluster, db)

	// A store on a replica of the other shard reads the same.
	other := openReplicatedStore(t, cluster.Shards[1][1], db)
	for _, q := range quarters {
		compareRankings(t, q, scores(t, other, q), scores(t, single, q))
	}
}

// TestReplicatedUploadInterrupted records an upload of a stopped process
// as interrupted over replicated tables, which migration 0014 altered.
func TestReplicatedUploadInterrupted(t *testing.T) {
	cluster := chtest.StartReplicatedCluster(t, 1, 2)
	db := cluster.NewDatabase(t)
	checkInterruptedUpload(t, openReplicatedStore(t, cluster.Servers[0], db))
}

// TestReplicatedTables checks what the migration created on each replica
// of a one-shard, two-replica cluster, and that opening the store again
// changes nothing.
func TestReplicatedTables(t *testing.T) {
	cluster := chtest.StartReplicatedCluster(t, 1, 2)
	db := cluster.NewDatabase(t)
	openReplicatedStore(t, cluster.Servers[0], db)
	openReplicatedStore(t, cluster.Servers[1], db)

	for i, srv := range cluster.Servers {
		got := httpQuery(t, srv, "SELECT name, engine FROM system.tables WHERE database = '"+db+
			"' AND name IN ('milestones', 'milestones_local', 'milestone_tally_local', 'schema_migrations') ORDER BY name")
		want := "milestone_tally_local\tReplicatedSummingMergeTree\nmilestones\tDistributed\n" +
			"milestones_local\tReplicatedMergeTree\nschema_migrations\tMergeTree\n"
		if got != want {
			t.Errorf("replica %d tables:\n%s\nwant\n%s", i+1, got, want)
		}

		// 0004_workflows.sql alters stage_events on replica 1 only, and
		// ZooKeeper carries the ALTER to replica 2.
		got = httpQuery(t, srv, "SELECT table, type FROM system.columns WHERE database = '"+db+
			"' AND name = 'round' ORDER BY table")
		want = "stage_events\tUInt16\nstage_events_local\tUInt16\n"
		if got != want {
			t.Errorf("replica %d columns named round:\n%s\nwant\n%s", i+1, got, want)
		}

		got = httpQuery(t, srv, "SELECT toUInt8(min(total_replicas)), toUInt8(min(active_replicas)), "+
			"toUInt8(max(is_readonly)) FROM system.replicas WHERE database = '"+db+"'")
		if want := "2\t2\t0\n"; got != want {
			t.Errorf("replica %d system.replicas (total, active, read-only) = %q, want %q", i+1, got, want)
		}
		got = httpQuery(t, srv, "SELECT toUInt32(count()) FROM "+db+".schema_migrations")
		if want := fmt.Sprintf("%d\n", schemaFiles(t)); got != want {
			t.Errorf("replica %d schema_migrations has %q rows, want %q", i+1, got, want)
		}
	}
}

// TestReplicatedReplicaDown stops one replica of a shard. Reads still see
// every row through the other replica. Writes fail as unavailable, because
// the insert quorum needs both replicas, and leave nothing visible. Once
// the replica is back, writes work, and it serves everything alone.
func TestReplicatedReplicaDown(t *testing.T) {
	cluster := chtest.StartReplicatedCluster(t, 2, 2)
	db := cluster.NewDatabase(t)
	onCluster := openReplicatedStore(t, cluster.Servers[0], db)
	single := chtest.Store(t)

	first, later := saima.NewDate(2026, time.August, 20), saima.NewDate(2026, time.November, 20)
	files := demoFiles(t, 2026, first)
	corrected := demoFile(t, demoFiles(t, 2026, later), saima.DatasetMilestones)
	rs := loadRuleSet(t)
	quarters := quartersTo(later)
	for _, st := range []*clickhouse.Store{onCluster, single} {
		for _, f := range files {
			mustImport(t, st, f)
		}
	}

	down, peer := cluster.Shards[1][0], cluster.Shards[1][1]
	if err := down.Stop(); err != nil {
		t.Fatal(err)
	}
	for _, q := range quarters {
		compareFacts(t, q, facts(t, onCluster, q), facts(t, single, q))
	}
	_, err := scoring.Run(t.Context(), onCluster, rs, quarters[0], testScoredAt)
	if k := saima.ErrorKind(err); k != saima.KindUnavailable {
		t.Errorf("scoring.Run with a replica down: kind %v (%v), want unavailable", k, err)
	}
	if _, err := importDemo(t.Context(), onCluster, corrected); saima.ErrorKind(err) != saima.KindUnavailable {
		t.Errorf("import with a replica down = %v, want an unavailable error", err)
	}
	for _, q := range quarters {
		compareFacts(t, q, facts(t, onCluster, q), facts(t, single, q))
	}

	if err := down.Restart(); err != nil {
		t.Fatal(err)
	}
	for _, st := range []*clickhouse.Store{onCluster, single} {
		mustImport(t, st, corrected)
		for _, q := range quarters {
			if _, err := scoring.Run(t.Context(), st, rs, q, testScoredAt); err != nil {
				t.Fatalf("scoring.Run(%s) on %s after the replica returned: %v", q, st.EngineName(), err)
			}
		}
	}
	checkReplicasEqual(t, cluster, db)

	if err := peer.Stop(); err != nil {
		t.Fatal(err)
	}
	for _, q := range quarters {
		compareFacts(t, q, facts(t, onCluster, q), facts(t, single, q))
		compareRankings(t, q, scores(t, onCluster, q), scores(t, single, q))
	}
}

// TestReplicatedNeedsQuorum opens a replicated store as a user whose
// profile lacks insert_quorum, and wants an error naming the setting.
func TestReplicatedNeedsQuorum(t *testing.T) {
	cluster := chtest.StartReplicatedCluster(t, 1, 2)
	db := cluster.NewDatabase(t)
	cfg := cluster.Servers[0].Config(db)
	cfg.Cluster = chtest.ClusterName
	cfg.User, cfg.Password = "default", ""
	opts := clickhouse.StoreOptions{Cluster: chtest.ClusterName, Replicated: true}
	st, err := clickhouse.OpenServerStore(t.Context(), cfg, opts, discardLog())
	if err == nil {
		st.Close()
		t.Fatalf("OpenServerStore without insert_quorum succeeded, want an error")
	}
	if !strings.Contains(err.Error(), "insert_quorum") {
		t.Errorf("OpenServerStore error = %v, want one naming insert_quorum", err)
	}
}

// openReplicatedStore opens a store with replicated local tables on the
// Distributed tables of db, through srv, as cmd/saima does with
// --ch-cluster and --ch-replicated.
func openReplicatedStore(tb testing.TB, srv *chtest.Server, db string) *clickhouse.Store {
	tb.Helper()
	cfg := srv.Config(db)
	cfg.Cluster = chtest.ClusterName
	opts := clickhouse.StoreOptions{Cluster: chtest.ClusterName, Replicated: true}
	st, err := clickhouse.OpenServerStore(tb.Context(), cfg, opts, discardLog())
	if err != nil {
		tb.Fatalf("open replicated store on cluster %s through %s: %v", chtest.ClusterName, srv.Addr, err)
	}
	tb.Cleanup(func() { st.Close() })
	return st
}

// replicatedTables are the local tables that checkReplicasEqual compares,
// the data tables that the demo city and scoring fill.
var replicatedTables = []string{"units", "projects", "milestones", "milestones_superseded", "milestone_tally",
	"progress", "assessments", "uploads", "scores"}

// checkReplicasEqual waits until every replica has fetched its shard's
// parts and wants, per shard, the same non-empty content of each local
// table on every replica, read from each replica directly.
func checkReplicasEqual(t *testing.T, cluster *chtest.Cluster, db string) {
	t.Helper()
	for _, table := range replicatedTables {
		for i, replicas := range cluster.Shards {
			var first string
			for j, srv := range replicas {
				got := localTableDigest(t, srv, db, table)
				if strings.HasPrefix(got, "0\t") {
					t.Errorf("replica %d of shard %d holds no rows of %s", j+1, i+1, table)
				}
				if j == 0 {
					first = got
				} else if got != first {
					t.Errorf("%s_local on replica %d of shard %d = %q (rows, digest), want %q as on replica 1",
						table, j+1, i+1, got, first)
				}
			}
		}
	}
}

// localTableDigest syncs table's local table on srv with the other
// replicas and returns its row count and an order-independent digest of
// all its columns.
func localTableDigest(tb testing.TB, srv *chtest.Server, db, table string) string {
	tb.Helper()
	local := db + "." + table + "_local"
	if _, err := srv.HTTPQuery(tb.Context(), "SYSTEM SYNC REPLICA "+local); err != nil {
		tb.Fatalf("sync %s on %s: %v", local, srv.Addr, err)
	}
	out, err := srv.HTTPQuery(tb.Context(), "SELECT name FROM system.columns WHERE database = '"+db+
		"' AND table = '"+table+"_local' ORDER BY name")
	if err != nil {
		tb.Fatalf("columns of %s on %s: %v", local, srv.Addr, err)
	}
	// cityHash64 takes no Decimal, so every column goes as its text.
	var columns []string
	for _, c := range strings.Fields(out) {
		columns = append(columns, "toString("+c+")")
	}
	query := fmt.Sprintf("SELECT count(), sum(cityHash64(%s)) FROM %s", strings.Join(columns, ", "), local)
	out, err = srv.HTTPQuery(tb.Context(), query)
	if err != nil {
		tb.Fatalf("digest %s on %s: %v", local, srv.Addr, err)
	}
	return strings.TrimSpace(out)
}

// httpQuery runs query on srv and returns its TabSeparated output.
func httpQuery(tb testing.TB, srv *chtest.Server, query string) string {
	tb.Helper()
	out, err := srv.HTTPQuery(tb.Context(), query)
	if err != nil {
		tb.Fatalf("query on %s: %v\n%s", srv.Addr, err, query)
	}
	return out
}

// schemaFiles returns the number of embedded schema files.
func schemaFiles(tb testing.TB) int {
	tb.Helper()
	migrations, err := clickhouse.Migrations("db")
	if err != nil {
		tb.Fatal(err)
	}
	return len(migrations)
}

package web

import (
	"log/slog"
	"net/http"
	"strings"
	"testing"

	"saima/clickhouse"
	"saima/clickhouse/chtest"
)

// TestHealthzShardDown stops the second shard of a cluster under a running
// store. /healthz then replies 503 with the reason, as the pages do,
// instead of the 200 that a ping of the node alone would give.
func TestHealthzShardDown(t *testing.T) {
	cluster := chtest.StartCluster(t)
	db := cluster.NewDatabase(t)
	opts := clickhouse.StoreOptions{Cluster: chtest.ClusterName}
	store, err := clickhouse.OpenServerStore(t.Context(), cluster.Servers[0].Config(db), opts, slog.New(slog.DiscardHandler))
	if err != nil {
		t.Fatalf("open store on the cluster: %v", err)
	}
	t.Cleanup(func() { store.Close() })
	env := newTestEnvOver(t, store, nil)

	resp, body := env.get(t, "/healthz")
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("GET /healthz with every shard up = %d %s, want 200", resp.StatusCode, body)
	}
	if err := cluster.Servers[1].Stop(); err != nil {
		t.Fatal(err)
	}
	for _, target := range []string{"/healthz", "/api/scores"} {
		resp, body := env.get(t, target)
		if resp.StatusCode != http.StatusServiceUnavailable || !strings.Contains(body, "分片") {
			t.Errorf("GET %s with shard 2 down = %d %s, want 503 naming the shard", target, resp.StatusCode, body)
		}
	}
}

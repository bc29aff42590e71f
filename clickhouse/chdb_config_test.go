package clickhouse_test

import (
	"testing"
	"time"

	"saima/clickhouse"
	"saima/clickhouse/chtest"
)

func TestEmbeddedEngineSettings(t *testing.T) {
	e := chtest.Embedded(t)
	tests := []struct {
		table    string
		settings []clickhouse.EngineSetting
	}{
		{"system.server_settings", clickhouse.EmbeddedServerSettings},
		{"system.merge_tree_settings", clickhouse.EmbeddedMergeTreeSettings},
	}
	for _, tt := range tests {
		for _, s := range tt.settings {
			t.Run(s.Name, func(t *testing.T) {
				got, ok := readSetting(t, e, tt.table, s.Name)
				if !ok {
					t.Fatalf("%s has no setting %s, so chDB ignored it: check the name", tt.table, s.Name)
				}
				if got != s.Value {
					t.Errorf("%s of %s = %q, want %q", s.Name, tt.table, got, s.Value)
				}
			})
		}
	}
}

// readSetting returns the value of setting name in table, which is
// system.server_settings or system.merge_tree_settings.
func readSetting(tb testing.TB, e clickhouse.Engine, table, name string) (string, bool) {
	tb.Helper()
	rows, err := e.Query(tb.Context(), "SELECT value FROM "+table+" WHERE name = ?", name)
	if err != nil {
		tb.Fatalf("read %s from %s: %v", name, table, err)
	}
	defer rows.Close()
	if !rows.Next() {
		return "", false
	}
	var value string
	if err := rows.Scan(&value); err != nil {
		tb.Fatalf("scan %s: %v", name, err)
	}
	return value, true
}

func TestEmbeddedPurgeStatement(t *testing.T) {
	e := chtest.Embedded(t)
	if err := e.Exec(t.Context(), clickhouse.PurgeStatement); err != nil {
		t.Errorf("Exec(%q) = %v, want nil", clickhouse.PurgeStatement, err)
	}
}

// The purge after a staged INSERT runs at most once a second.
func TestEmbeddedPurgeInterval(t *testing.T) {
	e := chtest.Embedded(t)
	ctx := t.Context()
	recent := time.Now().Add(-100 * time.Millisecond)
	clickhouse.SetLastPurge(e, recent)
	clickhouse.PurgeFreedMemory(ctx, e)
	if got := clickhouse.LastPurge(e); !got.Equal(recent) {
		t.Errorf("a purge 100 ms after the last one ran (last purge %v, want %v)", got, recent)
	}

	old := time.Now().Add(-2 * time.Second)
	clickhouse.SetLastPurge(e, old)
	clickhouse.PurgeFreedMemory(ctx, e)
	if got := clickhouse.LastPurge(e); !got.After(old.Add(time.Second)) {
		t.Errorf("a purge 2 s after the last one did not run (last purge %v)", got)
	}
}

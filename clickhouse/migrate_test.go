package clickhouse_test

import (
	"context"
	"testing"
	"time"

	"saima/clickhouse"
	"saima/clickhouse/chtest"
)

// engineWithDatabase returns an engine of the named kind and an empty
// database on it, dropped when t ends.
func engineWithDatabase(t *testing.T, engine string) (clickhouse.Engine, string) {
	t.Helper()
	if engine == "embedded" {
		e := chtest.Embedded(t)
		return e, chtest.NewDatabase(t, e)
	}
	srv := chtest.StartServer(t)
	db := srv.NewDatabase(t)
	return srv.Open(t, db), db
}

// TestMigrateAfterUnrecordedMigration runs Migrate over a database whose
// last migration was applied but not recorded, as when saima is killed
// between the two, or when two instances migrate the same database at
// once. Migrate must apply it again without error.
func TestMigrateAfterUnrecordedMigration(t *testing.T) {
	for _, engine := range chtest.Engines {
		t.Run(engine, func(t *testing.T) {
			ctx := context.Background()
			e, db := engineWithDatabase(t, engine)
			migrations, err := clickhouse.Migrations(db)
			if err != nil {
				t.Fatal(err)
			}
			if err := e.Exec(ctx, "CREATE TABLE "+db+".schema_migrations "+
				"(version UInt32, name String, applied_at DateTime('Asia/Shanghai')) "+
				"ENGINE = MergeTree() ORDER BY version"); err != nil {
				t.Fatal(err)
			}
			for i, m := range migrations {
				for _, stmt := range m.Statements {
					if err := e.Exec(ctx, stmt); err != nil {
						t.Fatalf("apply %s: %v", m.Name, err)
					}
				}
				if i == len(migrations)-1 {
					break // applied, not recorded
				}
				if err := e.Insert(ctx, db+".schema_migrations", []string{"version", "name", "applied_at"},
					[][]any{{uint32(m.Version), m.Name, time.Now()}}); err != nil {
					t.Fatal(err)
				}
			}

			if err := clickhouse.Migrate(ctx, e, db); err != nil {
				t.Fatalf("Migrate after %s was applied but not recorded: %v",
					migrations[len(migrations)-1].Name, err)
			}
			if err := clickhouse.Migrate(ctx, e, db); err != nil {
				t.Fatalf("Migrate a second time: %v", err)
			}
		})
	}
}

// TestMigrateConcurrently starts three instances' migrations on one empty
// database at the same moment, as when several saima instances start
// together after an upgrade. Each must succeed.
func TestMigrateConcurrently(t *testing.T) {
	for _, engine := range chtest.Engines {
		t.Run(engine, func(t *testing.T) {
			e, db := engineWithDatabase(t, engine)
			errs := make(chan error, 3)
			for range 3 {
				go func() { errs <- clickhouse.Migrate(t.Context(), e, db) }()
			}
			for range 3 {
				if err := <-errs; err != nil {
					t.Errorf("Migrate = %v, want nil", err)
				}
			}
		})
	}
}

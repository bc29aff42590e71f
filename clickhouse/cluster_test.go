package clickhouse_test

import (
	"context"
	"fmt"
	"log/slog"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"saima"
	"saima/clickhouse"
	"saima/clickhouse/chtest"
	"saima/ingest"
	"saima/ingest/demo"
	"saima/scoring"
)

const unitsCreate = `CREATE TABLE IF NOT EXISTS db.units (
    name String,
    key_hash UInt64 DEFAULT cityHash64(name, ')')
) ENGINE = MergeTree() ORDER BY (name, version)`

func TestClusterStatements(t *testing.T) {
	const columns = "name String,\n    key_hash UInt64 DEFAULT cityHash64(name, ')')"
	tests := []struct {
		name    string
		opts    clickhouse.StoreOptions
		replica int
		stmt    string
		want    []string
	}{
		{
			name: "CreateMergeTree",
			opts: clickhouse.StoreOptions{Cluster: "saima"},
			stmt: unitsCreate, replica: 1,
			want: []string{
				"CREATE TABLE IF NOT EXISTS db.units_local (\n    " + columns + "\n) ENGINE = MergeTree() ORDER BY (name, version)",
				"CREATE TABLE IF NOT EXISTS db.units (\n    " + columns + "\n) ENGINE = Distributed('saima', db, units_local, rand())",
			},
		},
		{
			name: "CreateReplicated",
			opts: clickhouse.StoreOptions{Cluster: "prod-1", Replicated: true},
			stmt: unitsCreate, replica: 2,
			want: []string{
				"CREATE TABLE IF NOT EXISTS db.units_local (\n    " + columns + "\n) ENGINE = " +
					"ReplicatedMergeTree('/clickhouse/tables/{shard}/db/units', '{replica}') ORDER BY (name, version)",
				"CREATE TABLE IF NOT EXISTS db.units (\n    " + columns + "\n) ENGINE = Distributed('prod-1', db, units_local, rand())",
			},
		},
		{
			name: "CreateReplicatedWithEngineArguments",
			opts: clickhouse.StoreOptions{Cluster: "saima", Replicated: true},
			stmt: "CREATE TABLE db.t (a UInt64, v UInt64) ENGINE = ReplacingMergeTree(v) ORDER BY a", replica: 1,
			want: []string{
				"CREATE TABLE db.t_local (\n    a UInt64, v UInt64\n) ENGINE = " +
					"ReplicatedReplacingMergeTree('/clickhouse/tables/{shard}/db/t', '{replica}', v) ORDER BY a",
				"CREATE TABLE db.t (\n    a UInt64, v UInt64\n) ENGINE = Distributed('saima', db, t_local, rand())",
			},
		},
		{
			name: "Alter",
			opts: clickhouse.StoreOptions{Cluster: "saima"},
			stmt: "ALTER TABLE db.stage_events ADD COLUMN round UInt16 DEFAULT 1", replica: 2,
			want: []string{
				"ALTER TABLE db.stage_events_local ADD COLUMN round UInt16 DEFAULT 1",
				"ALTER TABLE db.stage_events ADD COLUMN round UInt16 DEFAULT 1",
			},
		},
		{
			name: "AlterReplicatedFirstReplica",
			opts: clickhouse.StoreOptions{Cluster: "saima", Replicated: true},
			stmt: "ALTER TABLE db.stage_events ADD COLUMN round UInt16 DEFAULT 1", replica: 1,
			want: []string{
				"ALTER TABLE db.stage_events_local ADD COLUMN round UInt16 DEFAULT 1",
				"ALTER TABLE db.stage_events ADD COLUMN round UInt16 DEFAULT 1",
			},
		},
		{
			name: "AlterReplicatedOtherReplica",
			opts: clickhouse.StoreOptions{Cluster: "saima", Replicated: true},
			stmt: "ALTER TABLE db.stage_events ADD COLUMN round UInt16 DEFAULT 1", replica: 2,
			want: []string{"ALTER TABLE db.stage_events ADD COLUMN round UInt16 DEFAULT 1"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := tt.opts.ClusterStatements(tt.stmt, tt.replica)
			if err != nil {
				t.Fatalf("ClusterStatements error: %v", err)
			}
			if !slices.Equal(got, tt.want) {
				t.Errorf("ClusterStatements(%q) =\n%s\nwant\n%s", tt.stmt, strings.Join(got, "\n--\n"),
					strings.Join(tt.want, "\n--\n"))
			}
		})
	}
}

func TestClusterStatementsRejects(t *testing.T) {
	opts := clickhouse.StoreOptions{Cluster: "saima"}
	tests := []struct {
		name string
		stmt string
		want string
	}{
		{"OtherStatement", "DROP TABLE db.units", "no cluster form"},
		{"NoDatabase", "CREATE TABLE units (a UInt8) ENGINE = MergeTree() ORDER BY a", "no cluster form"},
		{"NotMergeTree", "CREATE TABLE db.t (a UInt8) ENGINE = Memory", "not of the MergeTree family"},
		{"AlreadyReplicated", "CREATE TABLE db.t (a UInt8) ENGINE = ReplicatedMergeTree('/p', 'r') ORDER BY a",
			"unreplicated engine"},
		{"Unbalanced", "CREATE TABLE db.t (a Decimal(18, 4) ENGINE = MergeTree() ORDER BY a", "unbalanced"},
		{"UnterminatedQuote", "CREATE TABLE db.t (a String DEFAULT 'x) ENGINE = MergeTree() ORDER BY a",
			"unterminated"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := opts.ClusterStatements(tt.stmt, 1)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("ClusterStatements(%q) = %q, %v; want an error containing %q", tt.stmt, got, err, tt.want)
			}
		})
	}
}

// TestClusterStatementsOfSchema checks that every statement of the
// embedded schema has a cluster form that keeps its columns.
func TestClusterStatementsOfSchema(t *testing.T) {
	migrations, err := clickhouse.Migrations("db")
	if err != nil {
		t.Fatal(err)
	}
	opts := clickhouse.StoreOptions{Cluster: "saima"}
	for _, m := range migrations {
		for _, stmt := range m.Statements {
			got, err := opts.ClusterStatements(stmt, 1)
			if err != nil {
				t.Errorf("%s: %v", m.Name, err)
				continue
			}
			if len(got) != 2 {
				t.Errorf("%s: %d cluster statements for %.50q, want 2", m.Name, len(got), stmt)
				continue
			}
			if strings.HasPrefix(stmt, "CREATE") && !strings.Contains(got[1], "key_hash") && strings.Contains(stmt, "key_hash") {
				t.Errorf("%s: the Distributed table lost key_hash:\n%s", m.Name, got[1])
			}
		}
	}
}

func TestStoreOptionsValidate(t *testing.T) {
	tests := []struct {
		name string
		opts clickhouse.StoreOptions
		want string // empty for valid options
	}{
		{"Zero", clickhouse.StoreOptions{}, ""},
		{"Cluster", clickhouse.StoreOptions{Cluster: "saima", Replicated: true, Nodes: []string{"10.0.0.1:9000"}}, ""},
		{"BadClusterName", clickhouse.StoreOptions{Cluster: "a'b"}, `cluster "a'b"`},
		{"ReplicatedWithoutCluster", clickhouse.StoreOptions{Replicated: true}, "need a cluster name"},
		{"BadNode", clickhouse.StoreOptions{Cluster: "saima", Nodes: []string{"10.0.0.1"}}, "want host:port"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := tt.opts.Validate()
			switch {
			case tt.want == "" && err != nil:
				t.Errorf("Validate() = %v, want nil", err)
			case tt.want != "" && (err == nil || !strings.Contains(err.Error(), tt.want)):
				t.Errorf("Validate() = %v, want an error containing %q", err, tt.want)
			}
		})
	}
}

// loadAndScoreDemo imports the demo city as of 20 August 2026 into each
// store, then a correction of its milestones as of 20 November, scores
// every quarter up to then and returns those quarters.
func loadAndScoreDemo(t *testing.T, stores ...*clickhouse.Store) []saima.Period {
	t.Helper()
	first, later := saima.NewDate(2026, time.August, 20), saima.NewDate(2026, time.November, 20)
	files := demoFiles(t, 2026, first)
	corrected := demoFile(t, demoFiles(t, 2026, later), saima.DatasetMilestones)
	rs := loadRuleSet(t)
	quarters := quartersTo(later)
	for _, st := range stores {
		for _, f := range files {
			mustImport(t, st, f)
		}
		mustImport(t, st, corrected)
		for _, q := range quarters {
			if _, err := scoring.Run(t.Context(), st, rs, q, testScoredAt); err != nil {
				t.Fatalf("scoring.Run(%s) on %s: %v", q, st.EngineName(), err)
			}
		}
	}
	return quarters
}

// TestClusterMatchesSingleNode loads the demo city into a two-shard cluster
// of real servers and into the embedded engine, corrects the milestones
// on both, scores every quarter and wants the same facts and rankings.
func TestClusterMatchesSingleNode(t *testing.T) {
	cluster := chtest.StartCluster(t)
	db := cluster.NewDatabase(t)
	onCluster := openClusterStore(t, cluster.Servers[0], db)
	single := chtest.Store(t)

	quarters := loadAndScoreDemo(t, onCluster, single)

	for _, q := range quarters {
		compareFacts(t, q, facts(t, onCluster, q), facts(t, single, q))
		compareRankings(t, q, scores(t, onCluster, q), scores(t, single, q))
	}
	checkBothShards(t, cluster, db)

	// saima may run against any node: the second reads what the first wrote.
	other := openClusterStore(t, cluster.Servers[1], db)
	for _, q := range quarters {
		compareRankings(t, q, scores(t, other, q), scores(t, single, q))
	}

	// A ledger from before the tally and the list of scoring runs gets
	// both rebuilt over the Distributed tables at its first start.
	for _, srv := range cluster.Servers {
		for _, table := range []string{"milestone_tally_local", "score_runs_local"} {
			if _, err := srv.HTTPQuery(t.Context(), "TRUNCATE TABLE "+db+"."+table); err != nil {
				t.Fatalf("truncate %s: %v", table, err)
			}
		}
	}
	if err := onCluster.EnsureDerived(t.Context()); err != nil {
		t.Fatalf("rebuild on the cluster: %v", err)
	}
	for _, q := range quarters {
		compareFacts(t, q, facts(t, onCluster, q), facts(t, single, q))
		compareRankings(t, q, scores(t, onCluster, q), scores(t, single, q))
	}
}

// TestClusterTables checks what the migration created on each node.
func TestClusterTables(t *testing.T) {
	cluster := chtest.StartCluster(t)
	db := cluster.NewDatabase(t)
	openClusterStore(t, cluster.Servers[0], db)

	for i, srv := range cluster.Servers {
		out, err := srv.HTTPQuery(t.Context(), "SELECT name, engine FROM system.tables WHERE database = '"+db+
			"' AND name IN ('milestones', 'milestones_local', 'schema_migrations') ORDER BY name FORMAT TSV")
		if err != nil {
			t.Fatalf("server %d: %v", i, err)
		}
		want := "milestones\tDistributed\nmilestones_local\tMergeTree\nschema_migrations\tMergeTree\n"
		if out != want {
			t.Errorf("server %d tables:\n%s\nwant\n%s", i, out, want)
		}
	}
}

// TestClusterUploadInterrupted records an upload of a stopped process as
// interrupted over the Distributed tables.
func TestClusterUploadInterrupted(t *testing.T) {
	cluster := chtest.StartCluster(t)
	db := cluster.NewDatabase(t)
	checkInterruptedUpload(t, openClusterStore(t, cluster.Servers[0], db))
}

// TestClusterRunUnranked stores a run that left units out of the ranking
// through one node of a two-shard cluster and reads them through the other.
func TestClusterRunUnranked(t *testing.T) {
	cluster := chtest.StartCluster(t)
	db := cluster.NewDatabase(t)
	first := openClusterStore(t, cluster.Servers[0], db)
	if err := first.SaveScores(t.Context(), unrankedRun("kept"), unrankedUnits); err != nil {
		t.Fatal(err)
	}
	second := openClusterStore(t, cluster.Servers[1], db)
	checkRunUnranked(t, second, "kept", true, unrankedUnits)
	checkRunUnranked(t, second, "missing", false, nil)
}

func TestClusterNeedsDistributedSync(t *testing.T) {
	cluster := chtest.StartCluster(t)
	db := cluster.NewDatabase(t)
	e := cluster.Servers[0].Open(t, db) // without ServerConfig.Cluster
	_, err := clickhouse.OpenStore(t.Context(), e, db, clickhouse.StoreOptions{Cluster: chtest.ClusterName}, discardLog())
	if err == nil || !strings.Contains(err.Error(), "insert_distributed_sync") {
		t.Fatalf("OpenStore on an engine without insert_distributed_sync = %v, want an error naming the setting", err)
	}
}

func TestClusterWrongNodes(t *testing.T) {
	cluster := chtest.StartCluster(t)
	single := chtest.StartServer(t)
	db := cluster.NewDatabase(t)
	t.Cleanup(func() { single.HTTPQuery(context.Background(), "DROP DATABASE IF EXISTS "+db) })
	cfg := cluster.Servers[0].Config(db)
	cfg.Cluster = chtest.ClusterName
	opts := clickhouse.StoreOptions{Cluster: chtest.ClusterName, Nodes: []string{cluster.Servers[0].Addr, single.Addr}}
	st, err := clickhouse.OpenServerStore(t.Context(), cfg, opts, discardLog())
	if err == nil {
		st.Close()
		t.Fatalf("OpenServerStore with a node outside the cluster succeeded, want an error")
	}
	if !strings.Contains(err.Error(), "not a node of cluster") {
		t.Errorf("OpenServerStore error = %v, want one saying the node is not in the cluster", err)
	}
}

// TestClusterShardDown stops the second shard: reads and uploads through
// the first fail as unavailable, and work again once the shard is back.
func TestClusterShardDown(t *testing.T) {
	cluster := chtest.StartCluster(t)
	db := cluster.NewDatabase(t)
	st := openClusterStore(t, cluster.Servers[0], db)
	units := demoFile(t, demoFiles(t, 2026, saima.NewDate(2026, time.August, 20)), saima.DatasetUnits)
	mustImport(t, st, units)

	shard := cluster.Servers[1]
	if err := shard.Stop(); err != nil {
		t.Fatal(err)
	}
	_, err := st.ListUnits(t.Context())
	if k := saima.ErrorKind(err); k != saima.KindUnavailable {
		t.Errorf("ListUnits with a shard down: kind %v (%v), want unavailable", k, err)
	}
	if msg := saima.ErrorMessage(err); !strings.Contains(msg, "分片") {
		t.Errorf("ListUnits with a shard down: message %q, want one naming the shard", msg)
	}
	rep, err := importDemo(t.Context(), st, units)
	if saima.ErrorKind(err) != saima.KindUnavailable {
		t.Errorf("import with a shard down = %v, want an unavailable error", err)
	}
	if rep == nil || rep.Upload.ID == "" {
		t.Errorf("import with a shard down returned report %+v, want one with the upload ID", rep)
	} else {
		msg := saima.ErrorMessage(err)
		for _, want := range []string{filepath.Base(units.Path), rep.Upload.ID, "均未导入"} {
			if !strings.Contains(msg, want) {
				t.Errorf("import with a shard down: message %q lacks %q", msg, want)
			}
		}
	}
	batch := &saima.Batch{
		Upload: saima.Upload{ID: "u-shard-down", Dataset: saima.DatasetUnits, Uploader: "test"},
		Units:  []saima.Unit{{Name: "宁波市测试区", Kind: saima.KindDistrict}, {Name: "宁波市试验区", Kind: saima.KindDistrict}},
	}
	if err := st.WriteBatch(t.Context(), batch); saima.ErrorKind(err) != saima.KindUnavailable {
		t.Errorf("WriteBatch with a shard down = %v, want an unavailable error", err)
	}

	if err := shard.Restart(); err != nil {
		t.Fatal(err)
	}
	got, err := st.ListUnits(t.Context())
	if err != nil || len(got) != units.Rows {
		t.Errorf("ListUnits after the shard returned = %d units, %v; want %d", len(got), err, units.Rows)
	}
}

// openClusterStore opens a store on the Distributed tables of db, through
// srv, as cmd/saima does with --ch-cluster.
func openClusterStore(tb testing.TB, srv *chtest.Server, db string) *clickhouse.Store {
	tb.Helper()
	opts := clickhouse.StoreOptions{Cluster: chtest.ClusterName}
	st, err := clickhouse.OpenServerStore(tb.Context(), srv.Config(db), opts, discardLog())
	if err != nil {
		tb.Fatalf("open store on cluster %s through %s: %v", chtest.ClusterName, srv.Addr, err)
	}
	tb.Cleanup(func() { st.Close() })
	return st
}

// checkBothShards wants rows of every data table that the demo fills on
// each shard.
func checkBothShards(t *testing.T, cluster *chtest.Cluster, db string) {
	t.Helper()
	// rand() leaves one shard empty with odds of 2^(1-n) for n rows, so a
	// table with fewer rows than minRows is not checked: the uploads table
	// of the demo city has 12.
	const minRows = 30
	for _, table := range []string{"units", "projects", "milestones", "milestones_superseded", "progress",
		"assessments", "uploads", "scores"} {
		counts := make([]int, len(cluster.Servers))
		total := 0
		for i, srv := range cluster.Servers {
			out, err := srv.HTTPQuery(t.Context(), "SELECT count() FROM "+db+"."+table+"_local")
			if err != nil {
				t.Fatalf("count %s on shard %d: %v", table, i+1, err)
			}
			if counts[i], err = strconv.Atoi(strings.TrimSpace(out)); err != nil {
				t.Fatalf("count %s on shard %d: %v", table, i+1, err)
			}
			total += counts[i]
		}
		if total < minRows {
			t.Logf("%s has %d rows on the cluster, too few to check that both shards hold some", table, total)
			continue
		}
		for i, n := range counts {
			if n == 0 {
				t.Errorf("shard %d holds none of the %d rows of %s", i+1, total, table)
			}
		}
	}
}

// testScoredAt is the time every test scoring run records.
var testScoredAt = time.Date(2026, 11, 20, 9, 0, 0, 0, saima.Beijing)

func discardLog() *slog.Logger { return slog.New(slog.DiscardHandler) }

// demoFiles writes the demo city of seed as of day into a new folder.
func demoFiles(tb testing.TB, seed int64, day saima.Date) []demo.File {
	tb.Helper()
	dir := filepath.Join(tb.TempDir(), day.String())
	files, err := demo.Generate(dir, demo.Options{Seed: seed, Today: day})
	if err != nil {
		tb.Fatalf("generate demo city: %v", err)
	}
	return files
}

// demoFile returns the file of dataset among files.
func demoFile(tb testing.TB, files []demo.File, dataset string) demo.File {
	tb.Helper()
	for _, f := range files {
		if f.Dataset == dataset {
			return f
		}
	}
	tb.Fatalf("the demo city has no %s file", dataset)
	return demo.File{}
}

var importSeq atomic.Int64

// importDemo imports f into st through the import service, as the office.
func importDemo(ctx context.Context, st *clickhouse.Store, f demo.File) (*ingest.Report, error) {
	body, err := os.Open(f.Path)
	if err != nil {
		return nil, err
	}
	defer body.Close()
	svc := &ingest.Service{
		Store: ingest.Adapt(st),
		Log:   discardLog(),
		Now:   func() time.Time { return testScoredAt },
		NewID: func() string { return fmt.Sprintf("u-test-%d", importSeq.Add(1)) },
	}
	return svc.Import(ctx, ingest.Request{FileName: filepath.Base(f.Path), Body: body, Dataset: f.Dataset,
		Uploader: "test"})
}

func mustImport(tb testing.TB, st *clickhouse.Store, f demo.File) {
	tb.Helper()
	rep, err := importDemo(tb.Context(), st, f)
	if err != nil {
		tb.Fatalf("import %s on %s: %v", filepath.Base(f.Path), st.EngineName(), err)
	}
	if rep.Imported != f.Rows {
		tb.Fatalf("import %s imported %d records, want %d", filepath.Base(f.Path), rep.Imported, f.Rows)
	}
}

func loadRuleSet(tb testing.TB) *scoring.RuleSet {
	tb.Helper()
	path, err := chtest.FindRepoFile("rulesets/2026.yaml")
	if err != nil {
		tb.Fatal(err)
	}
	rs, err := scoring.LoadRuleSet(path)
	if err != nil {
		tb.Fatal(err)
	}
	return rs
}

// quartersTo returns the quarters from 2025Q1 to the one containing day,
// the ones cmd/saima's demo scores.
func quartersTo(day saima.Date) []saima.Period {
	last := saima.Quarter(day.Year, (int(day.Month)-1)/3+1)
	var out []saima.Period
	for q := saima.Quarter(2025, 1); !last.Start().Before(q.Start()); q = q.Next() {
		out = append(out, q)
	}
	return out
}

func facts(tb testing.TB, st *clickhouse.Store, q saima.Period) []scoring.UnitFacts {
	tb.Helper()
	f, err := st.Facts(tb.Context(), q)
	if err != nil {
		tb.Fatalf("Facts(%s) on %s: %v", q, st.EngineName(), err)
	}
	return f
}

func scores(tb testing.TB, st *clickhouse.Store, q saima.Period) []saima.Score {
	tb.Helper()
	s, err := st.ListScores(tb.Context(), q)
	if err != nil {
		tb.Fatalf("ListScores(%s) on %s: %v", q, st.EngineName(), err)
	}
	return s
}

// closeEnough compares floats that ClickHouse summed in an order that
// depends on how rows are spread over shards and threads.
func closeEnough(a, b float64) bool { return math.Abs(a-b) <= 1e-9*max(1, math.Abs(a), math.Abs(b)) }

func compareFacts(t *testing.T, q saima.Period, got, want []scoring.UnitFacts) {
	t.Helper()
	if len(got) != len(want) {
		t.Errorf("Facts(%s) has %d units, want %d", q, len(got), len(want))
		return
	}
	for i, g := range got {
		w := want[i]
		counts := g.Unit == w.Unit && g.MilestonesDue == w.MilestonesDue && g.MilestonesOnTime == w.MilestonesOnTime &&
			g.ProgressReports == w.ProgressReports && g.Assessments == w.Assessments
		sums := closeEnough(g.ProgressSum, w.ProgressSum) && closeEnough(g.PlanAttainmentSum, w.PlanAttainmentSum) &&
			closeEnough(g.AssessmentPctSum, w.AssessmentPctSum)
		if !counts || !sums {
			t.Errorf("Facts(%s)[%d] = %+v, want %+v", q, i, g, w)
		}
	}
}

func compareRankings(t *testing.T, q saima.Period, got, want []saima.Score) {
	t.Helper()
	if len(want) == 0 {
		t.Fatalf("ListScores(%s) on the single node is empty: nothing to compare", q)
	}
	if len(got) != len(want) {
		t.Errorf("ListScores(%s) has %d scores, want %d", q, len(got), len(want))
		return
	}
	for i, g := range got {
		w := want[i]
		if g.Track != w.Track || g.Unit != w.Unit || g.Rank != w.Rank || g.PrevRank != w.PrevRank ||
			!closeEnough(g.Value, w.Value) {
			t.Errorf("ListScores(%s)[%d] = %s %s rank %d (prev %d) %.9f, want %s %s rank %d (prev %d) %.9f",
				q, i, g.Track, g.Unit, g.Rank, g.PrevRank, g.Value, w.Track, w.Unit, w.Rank, w.PrevRank, w.Value)
			continue
		}
		if len(g.Contributions) != len(w.Contributions) {
			t.Errorf("ListScores(%s)[%d] has %d contributions, want %d", q, i, len(g.Contributions), len(w.Contributions))
			continue
		}
		for j, c := range g.Contributions {
			d := w.Contributions[j]
			if c.Indicator != d.Indicator || c.Missing != d.Missing || !closeEnough(c.Raw, d.Raw) ||
				!closeEnough(c.Points, d.Points) {
				t.Errorf("ListScores(%s)[%d] %s contribution %+v, want %+v", q, i, g.Unit, c, d)
			}
		}
	}
}

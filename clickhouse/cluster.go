package clickhouse

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"regexp"
	"strconv"
	"strings"
	"time"

	"saima"
)

// StoreOptions are the settings of a store beyond its engine and database.
// The zero value is a store on a single server or on the embedded engine.
type StoreOptions struct {
	// Cluster is the name of a cluster in the servers' remote_servers. When
	// it is set, the store runs on that cluster: every table is created on
	// every node as a local table, name_local, and a Distributed table,
	// name, over all shards, which the store reads and writes. It needs the
	// server engine, opened with the same ServerConfig.Cluster.
	Cluster string

	// Replicated creates the local tables as ReplicatedMergeTree, for a
	// cluster whose shards have replicas. The servers then need ZooKeeper
	// and the macros shard and replica. It needs Cluster.
	Replicated bool

	// Nodes lists the native-protocol address (host:port) of every node of
	// the cluster, on which the migration creates the tables. Empty means
	// the addresses that system.clusters lists on the server the engine is
	// connected to. Name them when saima reaches the servers at other
	// addresses than they reach each other, or over TLS.
	Nodes []string
}

// clusterName matches the cluster names that StoreOptions and ServerConfig
// accept. The name travels as a quoted string in the Distributed engine.
var clusterName = regexp.MustCompile(`^[A-Za-z0-9_][A-Za-z0-9_.-]*$`)

// Validate reports every problem in o, joined into one error.
func (o StoreOptions) Validate() error {
	var errs []error
	if o.Cluster != "" && !clusterName.MatchString(o.Cluster) {
		errs = append(errs, fmt.Errorf("cluster %q: use letters, digits, underscores, dots and hyphens", o.Cluster))
	}
	if o.Cluster == "" && (o.Replicated || len(o.Nodes) > 0) {
		errs = append(errs, errors.New("replicated tables and a node list need a cluster name"))
	}
	for _, n := range o.Nodes {
		if err := validateAddr(n); err != nil {
			errs = append(errs, err)
		}
	}
	return errors.Join(errs...)
}

// ClusterStatements returns the cluster form of stmt, one statement of a
// schema file, for a node that is replica number replica (from 1) of its
// shard. Only replica 1 alters the shard's replicated tables. It fails
// when stmt has no cluster form.
//
// The statements of sql/*.sql are written for one server, and their
// cluster form is derived by this rule:
//
//   - CREATE TABLE db.name (columns) ENGINE = XMergeTree(args) clauses
//     becomes db.name_local with the same columns, engine and clauses, or
//     ReplicatedXMergeTree('/clickhouse/tables/{shard}/db/name',
//     '{replica}', args) with Replicated, and db.name with the same columns
//     and ENGINE = Distributed('cluster', db, name_local, rand()). The
//     Distributed table keeps the DEFAULT expressions, because an INSERT
//     into it computes the omitted columns (key_hash) before the rows go
//     to the shards. rand() spreads rows evenly: no query relies on rows
//     of one key sharing a shard, because every subquery and JOIN of the
//     store is GLOBAL.
//   - ALTER TABLE db.name actions runs on db.name_local and then on
//     db.name, so that both keep the same columns and defaults. With
//     Replicated, the local ALTER runs on the first replica of each shard
//     only, because ClickHouse copies it to the other replicas.
//   - Any other statement is rejected, so that a new kind of statement
//     gets a rule here before it reaches a cluster.
//
// A CREATE statement keeps its IF NOT EXISTS, so that a node whose
// migration broke off can be migrated again.
func (o StoreOptions) ClusterStatements(stmt string, replica int) ([]string, error) {
	if createTableRE.MatchString(stmt) {
		d, err := parseCreateTable(stmt)
		if err != nil {
			return nil, err
		}
		return o.createStatements(d), nil
	}
	if m := alterTableRE.FindStringSubmatch(stmt); m != nil {
		database, name, actions := m[1], m[2], m[3]
		dist := "ALTER TABLE " + database + "." + name + " " + actions
		if o.Replicated && replica != 1 {
			return []string{dist}, nil
		}
		return []string{"ALTER TABLE " + database + "." + localTable(name) + " " + actions, dist}, nil
	}
	return nil, fmt.Errorf("no cluster form for the statement %.60q: only CREATE TABLE and ALTER TABLE have one", stmt)
}

// clusterMigrations returns the schema files in their cluster form for a
// node that is replica number replica of its shard, as ClusterStatements
// numbers them.
func clusterMigrations(database string, o StoreOptions, replica int) ([]Migration, error) {
	migrations, err := Migrations(database)
	if err != nil {
		return nil, err
	}
	for i, m := range migrations {
		var stmts []string
		for _, stmt := range m.Statements {
			forms, err := o.ClusterStatements(stmt, replica)
			if err != nil {
				return nil, fmt.Errorf("schema file %s: %w", m.Name, err)
			}
			stmts = append(stmts, forms...)
		}
		migrations[i].Statements = stmts
	}
	return migrations, nil
}

var (
	createTableRE = regexp.MustCompile(`(?is)^CREATE\s+TABLE\s+(IF\s+NOT\s+EXISTS\s+)?` +
		`([A-Za-z_][A-Za-z0-9_]*)\.([A-Za-z_][A-Za-z0-9_]*)\s*\(`)
	engineRE     = regexp.MustCompile(`(?is)^\s*ENGINE\s*=\s*([A-Za-z]*MergeTree)\s*\(`)
	alterTableRE = regexp.MustCompile(`(?is)^ALTER\s+TABLE\s+([A-Za-z_][A-Za-z0-9_]*)\.([A-Za-z_][A-Za-z0-9_]*)\s+(.*)$`)
)

// tableDef is a CREATE TABLE statement taken apart.
type tableDef struct {
	ifNotExists bool
	database    string
	name        string
	columns     string // between the parentheses after the name
	engine      string // such as MergeTree
	engineArgs  string // between the engine's parentheses
	clauses     string // PARTITION BY, ORDER BY, SETTINGS and so on
}

// parseCreateTable takes apart a CREATE TABLE statement whose engine is
// one of the MergeTree family.
func parseCreateTable(stmt string) (tableDef, error) {
	m := createTableRE.FindStringSubmatchIndex(stmt)
	if m == nil {
		return tableDef{}, fmt.Errorf("not a CREATE TABLE db.name (…) statement: %.60q", stmt)
	}
	d := tableDef{
		ifNotExists: m[2] >= 0,
		database:    stmt[m[4]:m[5]],
		name:        stmt[m[6]:m[7]],
	}
	open := m[1] - 1
	end, err := closingParen(stmt, open)
	if err != nil {
		return tableDef{}, fmt.Errorf("columns of %s: %w", d.name, err)
	}
	d.columns = strings.TrimSpace(stmt[open+1 : end])

	rest := stmt[end+1:]
	e := engineRE.FindStringSubmatchIndex(rest)
	if e == nil {
		return tableDef{}, fmt.Errorf("table %s: the engine is not of the MergeTree family", d.name)
	}
	d.engine = rest[e[2]:e[3]]
	argsEnd, err := closingParen(rest, e[1]-1)
	if err != nil {
		return tableDef{}, fmt.Errorf("engine of %s: %w", d.name, err)
	}
	d.engineArgs = strings.TrimSpace(rest[e[1]:argsEnd])
	d.clauses = strings.TrimSpace(rest[argsEnd+1:])
	if strings.HasPrefix(d.engine, "Replicated") {
		return tableDef{}, fmt.Errorf("table %s: the schema must name the unreplicated engine, not %s", d.name, d.engine)
	}
	return d, nil
}

// closingParen returns the index of the parenthesis that closes the one at
// s[open], skipping quoted strings and identifiers.
func closingParen(s string, open int) (int, error) {
	depth := 0
	for i := open; i < len(s); i++ {
		switch c := s[i]; c {
		case '\'', '"', '`':
			j, err := closingQuote(s, i)
			if err != nil {
				return 0, err
			}
			i = j
		case '(':
			depth++
		case ')':
			depth--
			if depth == 0 {
				return i, nil
			}
		}
	}
	return 0, errors.New("unbalanced parentheses")
}

// closingQuote returns the index of the quote that ends the quoted text
// starting at s[open]. A backslash escapes the next byte, as in ClickHouse.
func closingQuote(s string, open int) (int, error) {
	for i := open + 1; i < len(s); i++ {
		switch s[i] {
		case '\\':
			i++
		case s[open]:
			return i, nil
		}
	}
	return 0, errors.New("unterminated quoted text")
}

// localTable is the name of the table that holds a shard's rows of name.
func localTable(name string) string { return name + "_local" }

// createStatements returns the statements that create d on one node of
// the cluster: the local table, then the Distributed table over it.
func (o StoreOptions) createStatements(d tableDef) []string {
	engine := d.engine + "(" + d.engineArgs + ")"
	if o.Replicated {
		args := quote("/clickhouse/tables/{shard}/"+d.database+"/"+d.name) + ", '{replica}'"
		if d.engineArgs != "" {
			args += ", " + d.engineArgs
		}
		engine = "Replicated" + d.engine + "(" + args + ")"
	}
	create := "CREATE TABLE "
	if d.ifNotExists {
		create += "IF NOT EXISTS "
	}
	local := create + d.database + "." + localTable(d.name) + " (\n    " + d.columns + "\n) ENGINE = " + engine
	if d.clauses != "" {
		local += " " + d.clauses
	}
	dist := create + d.database + "." + d.name + " (\n    " + d.columns + "\n) ENGINE = Distributed(" +
		quote(o.Cluster) + ", " + d.database + ", " + localTable(d.name) + ", rand())"
	return []string{local, dist}
}

// nodeOpener is an engine that can open an engine of the same settings on
// another node of its cluster.
type nodeOpener interface {
	openNode(ctx context.Context, addr string) (Engine, error)
}

// openNode implements nodeOpener.
func (s *serverEngine) openNode(ctx context.Context, addr string) (Engine, error) {
	cfg := s.cfg
	cfg.Addrs = []string{addr}
	return OpenServer(ctx, cfg, s.log)
}

// prepare applies the schema for a store with the settings of opts, and
// fills the milestone tally and the list of scoring runs of a ledger
// written before they existed.
func prepare(ctx context.Context, e Engine, database string, opts StoreOptions, log *slog.Logger) error {
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	if err := migrateFor(ctx, e, database, opts, log); err != nil {
		return err
	}
	s := newStore(e, database, log)
	if err := s.ensureTally(ctx); err != nil {
		return err
	}
	return s.ensureScoreRuns(ctx)
}

// migrateFor applies the schema in the form opts call for.
func migrateFor(ctx context.Context, e Engine, database string, opts StoreOptions, log *slog.Logger) error {
	if opts.Cluster == "" {
		return Migrate(ctx, e, database)
	}
	opener, ok := e.(nodeOpener)
	if !ok {
		return misconfigured(fmt.Errorf("cluster %s needs the server engine, not %s", opts.Cluster, e.Name()))
	}
	if err := checkDistributedSync(ctx, e, opts.Cluster); err != nil {
		return err
	}
	check := checkUnreplicated
	if opts.Replicated {
		check = checkInsertQuorum
	}
	if err := check(ctx, e, opts.Cluster); err != nil {
		return err
	}
	return migrateCluster(ctx, e, opener, database, opts, log)
}

// checkUnreplicated fails when a shard of cluster has more than one
// replica, for a store opened without Replicated. Its plain MergeTree
// local tables would keep each row on the one replica that the
// Distributed table wrote it to, and no insert quorum would hold back an
// upload until every replica had it.
//
// The store does not switch to the replicated layout by itself. A
// database that an earlier start created without it keeps its plain
// tables, because CREATE TABLE IF NOT EXISTS leaves them as they are, and
// rows on one replica cannot be merged into replicated tables without
// the operator. The replicated layout also needs ZooKeeper, the macros
// and the quorum, which only the operator can set up.
func checkUnreplicated(ctx context.Context, e Engine, cluster string) error {
	rows, err := e.Query(ctx, "SELECT toUInt32(shard_num), toUInt32(count()) FROM system.clusters "+
		"WHERE cluster = ? GROUP BY shard_num HAVING count() > 1 ORDER BY shard_num", cluster)
	if err != nil {
		return fmt.Errorf("read system.clusters: %w", err)
	}
	var shards []string
	err = scanAll(rows, func() error {
		var shard, replicas uint32
		err := rows.Scan(&shard, &replicas)
		shards = append(shards, fmt.Sprintf("分片 %d（%d 个副本）", shard, replicas))
		return err
	})
	if err != nil {
		return fmt.Errorf("read system.clusters: %w", err)
	}
	if len(shards) == 0 {
		return nil
	}
	return saima.Wrap(saima.KindInternal, fmt.Sprintf("集群 %s 的%s有多个副本，但 saima 没有以 --ch-replicated 启动："+
		"本地表会建成普通 MergeTree，每行只写入一个副本，上传也不等其他副本写入。请加上 --ch-replicated"+
		"（或环境变量 SAIMA_CH_REPLICATED=true），并按 docs/cluster.md 配置 ZooKeeper、macros 和 insert_quorum 后重新启动",
		cluster, strings.Join(shards, "、")),
		fmt.Errorf("cluster %s has shards with more than one replica, and the store was opened without Replicated", cluster))
}

// migrateCluster applies the cluster form of the schema to every node of
// o.Cluster. It opens its own connection to each node and closes it again.
//
// It applies one schema file on every node before the next file, not one
// node after the other. A ReplicatedMergeTree table takes its columns from
// ZooKeeper, and ClickHouse 18.16 refuses to create a replica whose
// columns differ from them (code 122, "Table structure in ZooKeeper is too
// different"). Were the first replica to run a later ALTER before the
// second replica ran the CREATE, the second would fail.
//
// A node that does not respond is left out when every shard has another
// node that responds and every responding node has applied every schema
// file, as when saima restarts while a replica is down. It fails as
// unavailable, naming the nodes, when a shard has no node that responds or
// a schema file waits for a node that does not.
func migrateCluster(ctx context.Context, e Engine, opener nodeOpener, database string, o StoreOptions,
	log *slog.Logger) error {
	// Fail before any node changes when a statement has no cluster form.
	if _, err := clusterMigrations(database, o, 1); err != nil {
		return misconfigured(err)
	}
	layout, err := clusterLayout(ctx, e, o.Cluster)
	if err != nil {
		return err
	}
	addrs := o.Nodes
	if len(addrs) == 0 {
		for _, n := range layout {
			addrs = append(addrs, n.addr)
		}
	}

	nodes, down, err := openNodes(ctx, opener, addrs, database, o)
	defer func() {
		for _, n := range nodes {
			n.e.Close()
		}
	}()
	if err != nil {
		return err
	}
	if err := checkShardsReachable(o, layout, nodes, down); err != nil {
		return err
	}
	migrations, err := Migrations(database)
	if err != nil {
		return err
	}
	if len(down) > 0 {
		if err := checkNothingPending(o.Cluster, migrations, nodes, down); err != nil {
			return err
		}
		log.Warn("clickhouse cluster nodes not responding; reading and writing through the other replicas",
			"cluster", o.Cluster, "nodes", downAddrs(down), "error", errors.Join(downErrs(down)...))
		return nil
	}
	for _, m := range migrations {
		for _, n := range nodes {
			if err := n.apply(ctx, database, m, o); err != nil {
				return fmt.Errorf("node %s of cluster %s: %w", n.addr, o.Cluster, err)
			}
		}
	}
	return nil
}

// clusterNode is a connection to one node of the cluster during a
// migration, with what the node's schema_migrations lists.
type clusterNode struct {
	addr    string
	e       Engine
	shard   uint32 // shard_num in system.clusters
	replica int    // position among the migrated nodes of its shard, from 1
	applied map[int]bool
}

// downNode is a node that did not respond when the store opened.
type downNode struct {
	addr string
	err  error
}

// openNodes connects to every node of addrs, checks that it belongs to
// cluster and reads what it applied. It numbers the nodes of each shard in
// the order of addrs, as ClusterStatements wants. A node that cannot be
// reached goes into down instead. It returns the nodes opened so far with
// an error, so that the caller closes them.
func openNodes(ctx context.Context, opener nodeOpener, addrs []string, database string, o StoreOptions) (
	nodes []*clusterNode, down []downNode, err error) {
	seen := map[string]int{} // nodes per shard macro
	for _, addr := range addrs {
		e, err := opener.openNode(ctx, addr)
		if saima.ErrorKind(err) == saima.KindUnavailable {
			down = append(down, downNode{addr: addr, err: err})
			continue
		}
		if err != nil {
			return nodes, down, fmt.Errorf("node %s of cluster %s: %w", addr, o.Cluster, err)
		}
		n := &clusterNode{addr: addr, e: e, replica: 1}
		nodes = append(nodes, n)
		if err := n.open(ctx, database, o, seen); err != nil {
			return nodes, down, fmt.Errorf("node %s of cluster %s: %w", addr, o.Cluster, err)
		}
	}
	return nodes, down, nil
}

// open checks the node, numbers it within its shard and reads its
// schema_migrations. seen counts the nodes of each shard numbered so far.
func (n *clusterNode) open(ctx context.Context, database string, o StoreOptions, seen map[string]int) error {
	var err error
	if n.shard, err = checkClusterMember(ctx, n.e, o.Cluster); err != nil {
		return err
	}
	if o.Replicated {
		shard, err := shardMacro(ctx, n.e)
		if err != nil {
			return err
		}
		if err := checkReplicatedTables(ctx, n.e, database); err != nil {
			return err
		}
		seen[shard]++
		n.replica = seen[shard]
	}
	n.applied, err = openMigrationLog(ctx, n.e, database)
	return err
}

// checkReplicatedTables fails when a local table of database on the server
// of e is not replicated, as a start without Replicated leaves them. The
// migration would skip it, because it creates tables IF NOT EXISTS, and
// its rows would stay on one replica.
func checkReplicatedTables(ctx context.Context, e Engine, database string) error {
	rows, err := e.Query(ctx, "SELECT name, engine FROM system.tables WHERE database = ? "+
		"AND endsWith(name, '_local') AND NOT startsWith(engine, 'Replicated') ORDER BY name", database)
	if err != nil {
		return fmt.Errorf("read system.tables: %w", err)
	}
	var tables []string
	err = scanAll(rows, func() error {
		var name, engine string
		err := rows.Scan(&name, &engine)
		tables = append(tables, database+"."+name+"（"+engine+"）")
		return err
	})
	if err != nil {
		return fmt.Errorf("read system.tables: %w", err)
	}
	if len(tables) == 0 {
		return nil
	}
	return saima.Wrap(saima.KindInternal, fmt.Sprintf("表 %s 不是复制表，应是此前未加 --ch-replicated 启动时建的，"+
		"其中的行只在一个副本上。saima 不会自动转换：请按 docs/cluster.md 的“Moving rows into replicated tables”一节把数据迁入复制表后再启动",
		strings.Join(tables, "、")),
		fmt.Errorf("local tables that are not replicated: %s", strings.Join(tables, ", ")))
}

// checkShardsReachable fails as unavailable when a shard of layout has no
// node among nodes, the nodes that responded. Its message names the shard
// and the nodes of down that belong to it, or every node of down when
// the nodes come from o.Nodes, whose shards are unknown until they respond.
func checkShardsReachable(o StoreOptions, layout []nodeAddr, nodes []*clusterNode, down []downNode) error {
	if len(down) == 0 {
		return nil
	}
	responded := map[uint32]bool{}
	for _, n := range nodes {
		responded[n.shard] = true
	}

	var missing []string
	missingShard := map[uint32]bool{}
	for _, n := range layout {
		if !responded[n.shard] && !missingShard[n.shard] {
			missingShard[n.shard] = true
			missing = append(missing, strconv.Itoa(int(n.shard)))
		}
	}
	if len(missing) == 0 {
		return nil
	}

	var named []downNode
	for _, d := range down {
		if len(o.Nodes) > 0 || missingShard[layoutShard(layout, d.addr)] {
			named = append(named, d)
		}
	}

	cause := fmt.Errorf("cluster %s: no node of shard %s responds (%s): %w", o.Cluster,
		strings.Join(missing, ", "), strings.Join(downAddrs(named), ", "), errors.Join(downErrs(named)...))
	msg := fmt.Sprintf("ClickHouse 集群 %s 第 %s 个分片的节点都无法连接（%s），台账暂时无法读取。"+
		"请稍后重试；如果问题持续，请联系系统管理员检查这些节点", o.Cluster, strings.Join(missing, "、"),
		strings.Join(downAddrs(named), "、"))
	return saima.Wrap(saima.KindUnavailable, msg, cause)
}

// checkNothingPending fails as unavailable when a node of nodes has not
// applied a schema file yet. The file has to reach every node, down
// included, and in the order that migrateCluster explains.
func checkNothingPending(cluster string, migrations []Migration, nodes []*clusterNode, down []downNode) error {
	for _, m := range migrations {
		for _, n := range nodes {
			if n.applied[m.Version] {
				continue
			}
			addrs := downAddrs(down)
			cause := fmt.Errorf("cluster %s: schema file %s is not applied on node %s and waits for %s: %w",
				cluster, m.Name, n.addr, strings.Join(addrs, ", "), errors.Join(downErrs(down)...))
			msg := fmt.Sprintf("ClickHouse 集群 %s 的节点 %s 无法连接，而数据库结构更新 %s 必须在每个节点上执行，"+
				"执行前台账无法使用。请稍后重试；如果问题持续，请联系系统管理员启动这些节点",
				cluster, strings.Join(addrs, "、"), m.Name)
			return saima.Wrap(saima.KindUnavailable, msg, cause)
		}
	}
	return nil
}

func downAddrs(down []downNode) []string {
	var addrs []string
	for _, d := range down {
		addrs = append(addrs, d.addr)
	}
	return addrs
}

func downErrs(down []downNode) []error {
	var errs []error
	for _, d := range down {
		errs = append(errs, d.err)
	}
	return errs
}

// openMigrationLog creates database and its schema_migrations table on the
// server of e when missing, as [Migrate] does, and returns the versions it
// lists. schema_migrations is a plain local table on every node, so that
// it records what was applied to that node.
func openMigrationLog(ctx context.Context, e Engine, database string) (map[int]bool, error) {
	if err := e.Exec(ctx, "CREATE DATABASE IF NOT EXISTS "+database); err != nil {
		return nil, fmt.Errorf("create database: %w", err)
	}
	err := e.Exec(ctx, "CREATE TABLE IF NOT EXISTS "+database+".schema_migrations "+
		"(version UInt32, name String, applied_at DateTime('Asia/Shanghai')) "+
		"ENGINE = MergeTree() ORDER BY version")
	if err != nil {
		return nil, fmt.Errorf("create schema_migrations: %w", err)
	}
	return appliedVersions(ctx, e, database)
}

// apply applies the cluster form of m to the node unless it did already,
// and records it in the node's schema_migrations.
func (n *clusterNode) apply(ctx context.Context, database string, m Migration, o StoreOptions) error {
	if n.applied[m.Version] {
		return nil
	}
	forms := func(stmt string) ([]string, error) { return o.ClusterStatements(stmt, n.replica) }
	if err := applyMigration(ctx, n.e, m, forms); err != nil {
		return err
	}
	err := n.e.Insert(ctx, database+".schema_migrations", []string{"version", "name", "applied_at"},
		[][]any{{uint32(m.Version), m.Name, time.Now()}})
	if err != nil {
		return fmt.Errorf("record %s: %w", m.Name, err)
	}
	n.applied[m.Version] = true
	return nil
}

// nodeAddr is a node of a cluster as system.clusters lists it.
type nodeAddr struct {
	addr  string // native protocol, host:port
	shard uint32 // shard_num, from 1
}

// clusterLayout returns every node of cluster, as the server e is
// connected to lists them, ordered by shard and replica.
func clusterLayout(ctx context.Context, e Engine, cluster string) ([]nodeAddr, error) {
	rows, err := e.Query(ctx, "SELECT host_address, toUInt32(port), toUInt32(shard_num) FROM system.clusters "+
		"WHERE cluster = ? ORDER BY shard_num, replica_num", cluster)
	if err != nil {
		return nil, fmt.Errorf("read system.clusters: %w", err)
	}
	var nodes []nodeAddr
	err = scanAll(rows, func() error {
		var host string
		var port, shard uint32
		err := rows.Scan(&host, &port, &shard)
		nodes = append(nodes, nodeAddr{addr: net.JoinHostPort(host, strconv.Itoa(int(port))), shard: shard})
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("read system.clusters: %w", err)
	}
	if len(nodes) == 0 {
		return nil, misconfigured(fmt.Errorf("cluster %s is not in system.clusters: add it to remote_servers on every node", cluster))
	}
	return nodes, nil
}

// layoutShard returns the shard of the node at addr in layout, and 0 when
// layout does not list it.
func layoutShard(layout []nodeAddr, addr string) uint32 {
	for _, n := range layout {
		if n.addr == addr {
			return n.shard
		}
	}
	return 0
}

// checkClusterMember fails when the server behind e does not find itself
// in its own remote_servers entry of cluster, which catches a node list
// that names the wrong servers. It returns the server's shard_num.
func checkClusterMember(ctx context.Context, e Engine, cluster string) (uint32, error) {
	rows, err := e.Query(ctx, "SELECT toUInt64(count()), toUInt32(any(shard_num)) FROM system.clusters "+
		"WHERE cluster = ? AND is_local = 1", cluster)
	if err != nil {
		return 0, fmt.Errorf("read system.clusters: %w", err)
	}
	var n uint64
	var shard uint32
	if err := scanAll(rows, func() error { return rows.Scan(&n, &shard) }); err != nil {
		return 0, fmt.Errorf("read system.clusters: %w", err)
	}
	if n == 0 {
		return 0, misconfigured(fmt.Errorf("the server is not a node of cluster %s in its own remote_servers", cluster))
	}
	return shard, nil
}

// shardMacro returns the server's shard macro, which names its shard in
// the ZooKeeper path of every replicated table.
//
// system.clusters cannot tell the replicas of a shard apart: ClickHouse
// 18.16 sets is_local on every replica of the shard that holds the
// server, not on the server's own row.
func shardMacro(ctx context.Context, e Engine) (string, error) {
	rows, err := e.Query(ctx, "SELECT substitution FROM system.macros WHERE macro = 'shard'")
	if err != nil {
		return "", fmt.Errorf("read system.macros: %w", err)
	}
	var shard string
	if err := scanAll(rows, func() error { return rows.Scan(&shard) }); err != nil {
		return "", fmt.Errorf("read system.macros: %w", err)
	}
	if shard == "" {
		return "", misconfigured(errors.New("replicated tables need the macros shard and replica " +
			"in the server's configuration, and the server has no shard macro"))
	}
	return shard, nil
}

// checkDistributedSync fails unless a query on e runs with
// insert_distributed_sync = 1. Without it an INSERT into a Distributed
// table returns before the shards have the rows, and an upload's ok record
// could be read before its records.
func checkDistributedSync(ctx context.Context, e Engine, cluster string) error {
	rows, err := e.Query(ctx, "SELECT value FROM system.settings WHERE name = 'insert_distributed_sync'")
	if err != nil {
		return fmt.Errorf("read insert_distributed_sync: %w", err)
	}
	var value string
	if err := scanAll(rows, func() error { return rows.Scan(&value) }); err != nil {
		return fmt.Errorf("read insert_distributed_sync: %w", err)
	}
	if value != "1" {
		return misconfigured(fmt.Errorf("cluster %s: the engine's queries run with insert_distributed_sync = %q, want 1; "+
			"open the server engine with ServerConfig.Cluster set", cluster, value))
	}
	return nil
}

// checkInsertQuorum fails unless a query on e runs with insert_quorum at
// least the largest number of replicas of a shard of cluster.
//
// A Distributed table with internal_replication writes a row to one
// replica, and the others fetch it in the background. Without a quorum
// the INSERT returns before they have it, and a read that the Distributed
// table sends to another replica misses the rows. An upload's ok record
// could then be visible with only part of its records, and the import of
// projects fails to find the units just imported. With the quorum at the
// number of replicas, the INSERT returns once every replica has the rows,
// and it fails (code 285) while a replica is down.
//
// clickhouse-go cannot send settings per query here, so the quorum comes
// from the settings profile of saima's user on the servers.
func checkInsertQuorum(ctx context.Context, e Engine, cluster string) error {
	rows, err := e.Query(ctx, "SELECT toUInt64(value) FROM system.settings WHERE name = 'insert_quorum'")
	if err != nil {
		return fmt.Errorf("read insert_quorum: %w", err)
	}
	var quorum uint64
	if err := scanAll(rows, func() error { return rows.Scan(&quorum) }); err != nil {
		return fmt.Errorf("read insert_quorum: %w", err)
	}
	rows, err = e.Query(ctx, "SELECT toUInt64(max(replica_num)) FROM system.clusters WHERE cluster = ?", cluster)
	if err != nil {
		return fmt.Errorf("read system.clusters: %w", err)
	}
	var replicas uint64
	if err := scanAll(rows, func() error { return rows.Scan(&replicas) }); err != nil {
		return fmt.Errorf("read system.clusters: %w", err)
	}
	if replicas > 1 && quorum < replicas {
		return misconfigured(fmt.Errorf("cluster %s has %d replicas per shard, but the engine's queries run with "+
			"insert_quorum = %d; set insert_quorum to %d in the settings profile of saima's user on every node",
			cluster, replicas, quorum, replicas))
	}
	return nil
}

// misconfigured marks err as a mistake in the cluster's or saima's
// configuration, so that [unavailable] does not take it for an outage and
// a lazy store reports it at once instead of retrying.
func misconfigured(err error) error { return saima.Wrap(saima.KindInternal, "", err) }

// Error codes of ClickHouse 18.16 that mean an outage of part of a
// cluster: another shard does not respond, a replica of a shard is down
// so that an INSERT cannot reach its quorum, or ZooKeeper is down so
// that the replicated tables are read-only.
const (
	codeSocketTimeout          = 209
	codeNetworkError           = 210
	codeAllConnectionTriesFail = 279
	codeTooFewLiveReplicas     = 285
	codeUnsatisfiedQuorum      = 286 // the previous quorum INSERT did not finish
	codeUnknownStatusOfInsert  = 319 // the quorum wait broke off
	codeNoZooKeeper            = 225
	codeTableIsReadOnly        = 242 // a replicated table without its ZooKeeper session
	codeKeeperException        = 999 // such as a lost ZooKeeper connection
)

// outageMessages are the messages users get for the codes of each kind
// of partial outage.
var outageMessages = []struct {
	codes   []int
	message string
}{
	{[]int{codeSocketTimeout, codeNetworkError, codeAllConnectionTriesFail}, shardUnreachableMessage},
	{[]int{codeTooFewLiveReplicas, codeUnsatisfiedQuorum, codeUnknownStatusOfInsert}, replicaDownMessage},
	{[]int{codeNoZooKeeper, codeTableIsReadOnly, codeKeeperException}, zooKeeperDownMessage},
}

// shardUnavailable returns err as an error of kind [saima.KindUnavailable]
// when it is a statement that a server rejected because part of its
// cluster is down, with a message naming that part, and err itself
// otherwise.
func shardUnavailable(err error) error {
	qe, ok := errors.AsType[*QueryError](err)
	if !ok || qe.Engine != "server" {
		return err
	}
	for _, m := range outageMessages {
		for _, code := range m.codes {
			// The server engine writes the exception's code first.
			if strings.HasPrefix(qe.Message, "code "+strconv.Itoa(code)+":") {
				return saima.Wrap(saima.KindUnavailable, m.message, err)
			}
		}
	}
	return err
}

// Messages shown to users when part of the cluster is down. The text
// before the first comma names the fault, which upload replies quote.
const (
	shardUnreachableMessage = "ClickHouse 集群中有分片无法连接，请稍后重试；如果问题持续，请联系系统管理员"
	replicaDownMessage      = "ClickHouse 集群中有副本不可用，而写入要等每个副本都确认，请在副本恢复后重试；如果问题持续，请联系系统管理员"
	zooKeeperDownMessage    = "ClickHouse 集群的 ZooKeeper 不可用，复制表暂时只读，请稍后重试；如果问题持续，请联系系统管理员"
)

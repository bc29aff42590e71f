package main

import (
	"flag"
	"fmt"
	"io"
	"log/slog"
	"strconv"
	"time"

	"saima/clickhouse"
	"saima/ingest"
	"saima/reports"
)

// config holds the settings every subcommand shares. Each field has a flag
// and an environment variable; the flag wins.
type config struct {
	Engine      string // "embedded" or "server"
	DataDir     string
	ChDBLib     string
	Database    string
	Server      serverFlags
	FontRegular string
	FontBold    string
	ECharts     string
	Rules       string
	City        string // named in the PDF reports' titles; empty means the roster's city, else reports.DefaultCity
	LogLevel    string
	Limits      ingest.Limits // MaxXLSXBytes unused: see MaxXLSXMB
	MaxXLSXMB   int
}

// envFlags registers flags whose defaults come from environment variables,
// and names the variable in each flag's help text.
type envFlags struct {
	fs     *flag.FlagSet
	getenv func(string) string
	errs   []error
}

func (e *envFlags) str(p *string, name, env, def, usage string) {
	if v := e.getenv(env); v != "" {
		def = v
	}
	e.fs.StringVar(p, name, def, usage+" (env "+env+")")
}

func (e *envFlags) integer(p *int, name, env string, def int, usage string) {
	if v := e.getenv(env); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil {
			e.errs = append(e.errs, fmt.Errorf("%s=%q: not an integer", env, v))
		}
		def = n
	}
	e.fs.IntVar(p, name, def, usage+" (env "+env+")")
}

func (e *envFlags) duration(p *time.Duration, name, env string, def time.Duration, usage string) {
	if v := e.getenv(env); v != "" {
		d, err := time.ParseDuration(v)
		if err != nil {
			e.errs = append(e.errs, fmt.Errorf("%s=%q: not a duration such as 30s", env, v))
		}
		def = d
	}
	e.fs.DurationVar(p, name, def, usage+" (env "+env+")")
}

func (e *envFlags) boolean(p *bool, name, env string, usage string) {
	def := false
	if v := e.getenv(env); v != "" {
		b, err := strconv.ParseBool(v)
		if err != nil {
			e.errs = append(e.errs, fmt.Errorf("%s=%q: not true or false", env, v))
		}
		def = b
	}
	e.fs.BoolVar(p, name, def, usage+" (env "+env+")")
}

// optionGroup is a set of the shared options, so that each command lists
// only the options it uses.
type optionGroup uint

const (
	optDatabase optionGroup = 1 << iota // engine, data folder and ClickHouse server
	optRules                            // --rules
	optPDF                              // --city and the PDF fonts
	optBrowser                          // --echarts
	optUploads                          // the limits of uploaded files
	optLog                              // --log-level

	optAll = optDatabase | optRules | optPDF | optBrowser | optUploads | optLog
)

// register registers the options of the groups in use as flags of used.
// The other options still get their defaults or environment variables,
// because code shared between commands may read them, but no flag. An
// invalid environment variable of an unused option is not reported.
func (c *config) register(used *envFlags, use optionGroup) {
	unused := &envFlags{fs: flag.NewFlagSet("unused", flag.ContinueOnError), getenv: used.getenv}
	pick := func(g optionGroup) *envFlags {
		if use&g != 0 {
			return used
		}
		return unused
	}
	c.registerDatabase(pick(optDatabase))

	e := pick(optRules)
	e.str(&c.Rules, "rules", "SAIMA_RULES", "rulesets/2026.yaml", "scoring rule-set file (YAML)")

	e = pick(optPDF)
	e.str(&c.City, "city", "SAIMA_CITY", "",
		"city named at the start of the PDF reports' titles, such as 杭州市 in 杭州市数字化改革赛马考评季度报告 "+
			"(default: the roster's city, from its 市本级 unit or its districts' names, else "+reports.DefaultCity+")")
	e.str(&c.FontRegular, "font-regular", "SAIMA_FONT_REGULAR",
		"node_modules/@expo-google-fonts/noto-sans-sc/400Regular/NotoSansSC_400Regular.ttf",
		"Noto Sans SC Regular TrueType file for PDF reports")
	e.str(&c.FontBold, "font-bold", "SAIMA_FONT_BOLD",
		"node_modules/@expo-google-fonts/noto-sans-sc/700Bold/NotoSansSC_700Bold.ttf",
		"Noto Sans SC Bold TrueType file for PDF reports")

	e = pick(optBrowser)
	e.str(&c.ECharts, "echarts", "SAIMA_ECHARTS", "node_modules/echarts/dist/echarts.min.js",
		"echarts.min.js served to browsers")

	e = pick(optUploads)
	e.integer(&c.Limits.MaxRows, "max-rows", "SAIMA_MAX_ROWS", ingest.DefaultMaxRows,
		"most data rows one uploaded file may have; a negative value means no limit")
	e.integer(&c.MaxXLSXMB, "max-xlsx-mb", "SAIMA_MAX_XLSX_MB", int(ingest.DefaultMaxXLSXBytes>>20),
		"largest XLSX workbook accepted, in MiB, counting both its size and what its parts unpack to")
	e.integer(&c.Limits.MaxTextChars, "max-text-chars", "SAIMA_MAX_TEXT_CHARS", ingest.DefaultMaxTextChars,
		"most characters one free-text cell of an uploaded file may have, such as 进展情况; a negative value means no limit")
	e.integer(&c.Limits.ChunkRecords, "chunk-rows", "SAIMA_CHUNK_ROWS", ingest.DefaultChunkRecords,
		"rows validated and written per chunk while importing; memory grows with it")

	e = pick(optLog)
	e.str(&c.LogLevel, "log-level", "SAIMA_LOG_LEVEL", "info", "log level: debug, info, warn or error")
}

func (c *config) registerDatabase(e *envFlags) {
	e.str(&c.Engine, "engine", "SAIMA_ENGINE", "embedded",
		`database engine: "embedded" (chDB in this process) or "server" (a ClickHouse server)`)
	e.str(&c.DataDir, "data-dir", "SAIMA_DATA_DIR", "data", "folder of the embedded engine's tables")
	e.str(&c.ChDBLib, "chdb-lib", "SAIMA_CHDB_LIB", clickhouse.DefaultLibraryPath, "path of libchdb.so")
	e.str(&c.Database, "database", "SAIMA_DATABASE", "saima", "ClickHouse database name")
	e.str(&c.Server.Addrs, "ch-addr", "SAIMA_CH_ADDR", "127.0.0.1:9000",
		"ClickHouse server native-protocol addresses host:port, comma-separated for failover")
	e.str(&c.Server.User, "ch-user", "SAIMA_CH_USER", "default", "ClickHouse server user")
	e.str(&c.Server.Password, "ch-password", "SAIMA_CH_PASSWORD", "", "ClickHouse server password")
	e.boolean(&c.Server.TLS, "ch-tls", "SAIMA_CH_TLS", "connect to the server with TLS")
	e.boolean(&c.Server.InsecureSkipVerify, "ch-tls-insecure", "SAIMA_CH_TLS_INSECURE",
		"with --ch-tls, accept any server certificate (for a self-signed test server only)")
	e.integer(&c.Server.Pool, "ch-pool", "SAIMA_CH_POOL", 10, "connections in the server pool")
	e.duration(&c.Server.DialTimeout, "ch-dial-timeout", "SAIMA_CH_DIAL_TIMEOUT", 5*time.Second,
		"time to connect to the server, such as 5s")
	e.duration(&c.Server.ReadTimeout, "ch-read-timeout", "SAIMA_CH_READ_TIMEOUT", 5*time.Minute,
		"time to wait for a server reply, such as 5m")
	e.str(&c.Server.Cluster, "ch-cluster", "SAIMA_CH_CLUSTER", "",
		"cluster name from the servers' remote_servers: store the ledger in Distributed tables over its shards "+
			"(default: a single server)")
	e.boolean(&c.Server.Replicated, "ch-replicated", "SAIMA_CH_REPLICATED",
		"create the cluster's local tables as ReplicatedMergeTree; needs ZooKeeper and the shard and replica macros")
	e.str(&c.Server.Nodes, "ch-nodes", "SAIMA_CH_NODES", "",
		"native-protocol addresses host:port of every cluster node, comma-separated, to create the tables on "+
			"(default: the nodes that system.clusters lists)")
}

// serverFlags are the settings of the server engine.
type serverFlags struct {
	Addrs    string
	User     string
	Password string
	TLS      bool
	// InsecureSkipVerify skips checking the server's certificate.
	InsecureSkipVerify bool
	Pool               int
	DialTimeout        time.Duration
	ReadTimeout        time.Duration
	Cluster            string
	Replicated         bool
	Nodes              string // comma-separated
}

func (c *config) logger(w io.Writer) *slog.Logger {
	var level slog.Level
	if err := level.UnmarshalText([]byte(c.LogLevel)); err != nil {
		level = slog.LevelInfo
	}
	return slog.New(slog.NewTextHandler(w, &slog.HandlerOptions{Level: level}))
}

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
	e.fs.StringVar(p, name, def, usage+"（环境变量 "+env+"）")
}

func (e *envFlags) integer(p *int, name, env string, def int, usage string) {
	if v := e.getenv(env); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil {
			e.errs = append(e.errs, fmt.Errorf("环境变量 %s 的值“%s”无效：要写一个整数，如 %s=10", env, v, env))
		}
		def = n
	}
	e.fs.IntVar(p, name, def, usage+"（环境变量 "+env+"）")
}

func (e *envFlags) duration(p *time.Duration, name, env string, def time.Duration, usage string) {
	if v := e.getenv(env); v != "" {
		d, err := time.ParseDuration(v)
		if err != nil {
			e.errs = append(e.errs, fmt.Errorf("环境变量 %s 的值“%s”无效：要写一个时长，即数字加单位 s（秒）、m（分）或 h（时），如 %s=30s", env, v, env))
		}
		def = d
	}
	e.fs.DurationVar(p, name, def, usage+"（环境变量 "+env+"）")
}

func (e *envFlags) boolean(p *bool, name, env string, usage string) {
	def := false
	if v := e.getenv(env); v != "" {
		b, err := strconv.ParseBool(v)
		if err != nil {
			e.errs = append(e.errs, fmt.Errorf("环境变量 %s 的值“%s”无效：只能写 true 或 false", env, v))
		}
		def = b
	}
	e.fs.BoolVar(p, name, def, usage+"（环境变量 "+env+"）")
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
	e.str(&c.Rules, "rules", "SAIMA_RULES", "rulesets/2026.yaml", "打分规则集文件（YAML）")

	e = pick(optPDF)
	e.str(&c.City, "city", "SAIMA_CITY", "",
		"PDF 报告标题开头的城市名，如“杭州市数字化改革赛马考评季度报告”里的杭州市"+
			"（默认：从单位名单的市本级单位或区县名称得出的城市，得不出时为"+reports.DefaultCity+"）")
	e.str(&c.FontRegular, "font-regular", "SAIMA_FONT_REGULAR",
		"node_modules/@expo-google-fonts/noto-sans-sc/400Regular/NotoSansSC_400Regular.ttf",
		"PDF 报告用的 Noto Sans SC Regular 字体文件（TrueType）")
	e.str(&c.FontBold, "font-bold", "SAIMA_FONT_BOLD",
		"node_modules/@expo-google-fonts/noto-sans-sc/700Bold/NotoSansSC_700Bold.ttf",
		"PDF 报告用的 Noto Sans SC Bold 字体文件（TrueType）")

	e = pick(optBrowser)
	e.str(&c.ECharts, "echarts", "SAIMA_ECHARTS", "node_modules/echarts/dist/echarts.min.js",
		"发给浏览器的 echarts.min.js 文件")

	e = pick(optUploads)
	e.integer(&c.Limits.MaxRows, "max-rows", "SAIMA_MAX_ROWS", ingest.DefaultMaxRows,
		"一个上传文件最多的数据行数；负数表示不限")
	e.integer(&c.MaxXLSXMB, "max-xlsx-mb", "SAIMA_MAX_XLSX_MB", int(ingest.DefaultMaxXLSXBytes>>20),
		"接受的 XLSX 工作簿的最大大小，单位 MiB，文件本身和解压后的各部分都算")
	e.integer(&c.Limits.MaxTextChars, "max-text-chars", "SAIMA_MAX_TEXT_CHARS", ingest.DefaultMaxTextChars,
		"上传文件里一个自由文本单元格（如进展情况）最多的字数；负数表示不限")
	e.integer(&c.Limits.ChunkRecords, "chunk-rows", "SAIMA_CHUNK_ROWS", ingest.DefaultChunkRecords,
		"导入时每一批校验和写入的行数；数值越大占用内存越多")

	e = pick(optLog)
	e.str(&c.LogLevel, "log-level", "SAIMA_LOG_LEVEL", "info", "日志级别：debug、info、warn 或 error")
}

func (c *config) registerDatabase(e *envFlags) {
	e.str(&c.Engine, "engine", "SAIMA_ENGINE", "embedded",
		"数据库引擎：embedded（在本进程内运行的 chDB）或 server（ClickHouse 服务器）")
	e.str(&c.DataDir, "data-dir", "SAIMA_DATA_DIR", "data", "内嵌引擎存放数据表的文件夹")
	e.str(&c.ChDBLib, "chdb-lib", "SAIMA_CHDB_LIB", clickhouse.DefaultLibraryPath, "libchdb.so 的路径")
	e.str(&c.Database, "database", "SAIMA_DATABASE", "saima", "ClickHouse 数据库名")
	e.str(&c.Server.Addrs, "ch-addr", "SAIMA_CH_ADDR", "127.0.0.1:9000",
		"ClickHouse 服务器原生协议地址 host:port，多个地址用逗号隔开，前一个连不上时用下一个")
	e.str(&c.Server.User, "ch-user", "SAIMA_CH_USER", "default", "ClickHouse 服务器用户名")
	e.str(&c.Server.Password, "ch-password", "SAIMA_CH_PASSWORD", "", "ClickHouse 服务器密码")
	e.boolean(&c.Server.TLS, "ch-tls", "SAIMA_CH_TLS", "用 TLS 连接服务器")
	e.boolean(&c.Server.InsecureSkipVerify, "ch-tls-insecure", "SAIMA_CH_TLS_INSECURE",
		"与 --ch-tls 一起用：接受任何服务器证书（只用于自签名证书的测试服务器）")
	e.integer(&c.Server.Pool, "ch-pool", "SAIMA_CH_POOL", 10, "服务器连接池的连接数")
	e.duration(&c.Server.DialTimeout, "ch-dial-timeout", "SAIMA_CH_DIAL_TIMEOUT", 5*time.Second,
		"连接服务器的超时时间，如 5s")
	e.duration(&c.Server.ReadTimeout, "ch-read-timeout", "SAIMA_CH_READ_TIMEOUT", 5*time.Minute,
		"等待服务器回复的超时时间，如 5m")
	e.str(&c.Server.Cluster, "ch-cluster", "SAIMA_CH_CLUSTER", "",
		"服务器 remote_servers 配置里的集群名：把一本账存入分布在各分片上的 Distributed 表"+
			"（默认：单台服务器）")
	e.boolean(&c.Server.Replicated, "ch-replicated", "SAIMA_CH_REPLICATED",
		"把集群的本地表建成 ReplicatedMergeTree；需要 ZooKeeper 以及 shard 和 replica 宏")
	e.str(&c.Server.Nodes, "ch-nodes", "SAIMA_CH_NODES", "",
		"要建表的每个集群节点的原生协议地址 host:port，用逗号隔开"+
			"（默认：system.clusters 列出的节点）")
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

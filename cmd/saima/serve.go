package main

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"net"
	"strconv"
	"strings"
	"syscall"
	"time"

	"saima"
	"saima/clickhouse"
	"saima/ingest"
	"saima/reports"
	"saima/web"
)

// serveFlags are the HTTP settings of serve and demo.
type serveFlags struct {
	addr          string
	bodyLimit     int
	readTimeout   time.Duration
	stopTimeout   time.Duration
	sessionSecret string
	sessionTTL    time.Duration
	secureCookies bool
	limitIP       int
	limitAccount  int
	cacheTTL      time.Duration
}

func (s *serveFlags) register(ef *envFlags) {
	def := web.DefaultConfig()
	ef.str(&s.addr, "addr", "SAIMA_ADDR", def.Addr, "提供 HTTP 服务的地址 host:port")
	ef.integer(&s.bodyLimit, "body-limit", "SAIMA_BODY_LIMIT", def.BodyLimit,
		"接受的请求体（包括上传的文件）的最大大小，单位字节")
	ef.duration(&s.readTimeout, "read-timeout", "SAIMA_READ_TIMEOUT", def.ReadTimeout,
		"读完一个请求（包括上传的文件）允许的时间，如 5m；0 表示不限。"+
			"1m 内传完 32 MB 约需 4.5 Mbit/s，网速更慢时请调大")
	ef.duration(&s.stopTimeout, "shutdown-timeout", "SAIMA_SHUTDOWN_TIMEOUT", def.ShutdownTimeout,
		"serve 收到停止信号后等待未完成请求的时间，如 30s；"+
			"到时仍在进行的导入被取消，记为写入失败并回复 503，"+
			"后台导入再多等同样长的时间")
	ef.duration(&s.cacheTTL, "cache-ttl", "SAIMA_CACHE_TTL", 2*time.Second,
		"页面重复使用从数据库读出的账号、排名和最后更新时间的时长，"+
			"如 2s；其他 saima 实例写入的数据最多过这么久后显示；0 表示关闭")
	ef.str(&s.sessionSecret, "session-secret", "SAIMA_SESSION_SECRET", "",
		// No back quotes here: the flag package would show the quoted
		// command as the value's name.
		"给会话 cookie 签名的密钥，至少 32 字节，写成十六进制或 base64（如 "+
			"\"openssl rand -hex 32\" 的输出）；负载均衡后面的每个实例要用同一个。"+
			"最好用环境变量设置，因为其他用户能看到命令行。"+
			"默认：随机密钥，所以进程停止后会话随之结束")
	ef.duration(&s.sessionTTL, "session-ttl", "SAIMA_SESSION_TTL", def.SessionTTL,
		"一次登录的有效时长，如 8h")
	ef.boolean(&s.secureCookies, "secure-cookies", "SAIMA_SECURE_COOKIES",
		"只通过 HTTPS 发送 cookie；用户通过 HTTPS 访问 saima 时请设置")
	ef.integer(&s.limitIP, "login-limit-ip", "SAIMA_LOGIN_LIMIT_IP", def.LoginRateLimit.PerIP,
		fmt.Sprintf("同一客户端地址每 %v 内允许登录失败的次数，超过后须等待", def.LoginRateLimit.Window))
	ef.integer(&s.limitAccount, "login-limit-account", "SAIMA_LOGIN_LIMIT_ACCOUNT", def.LoginRateLimit.PerAccount,
		fmt.Sprintf("同一账号名每 %v 内允许登录失败的次数，超过后须等待", def.LoginRateLimit.Window))
}

// webConfig returns the HTTP server's settings. Without a session secret
// it generates one and warns that sessions then end with the process and
// are not shared with other instances.
func (a *app) webConfig(sf serveFlags) (web.Config, error) {
	cfg := web.DefaultConfig()
	cfg.Addr, cfg.BodyLimit, cfg.EChartsPath = sf.addr, sf.bodyLimit, a.cfg.ECharts
	cfg.ReadTimeout, cfg.ShutdownTimeout = sf.readTimeout, sf.stopTimeout
	cfg.SessionTTL, cfg.SecureCookies, cfg.CacheTTL = sf.sessionTTL, sf.secureCookies, sf.cacheTTL
	cfg.LoginRateLimit.PerIP, cfg.LoginRateLimit.PerAccount = sf.limitIP, sf.limitAccount
	cfg.City = a.cfg.City
	annual, err := a.annualRule()
	if err != nil {
		return web.Config{}, err
	}
	cfg.AnnualRule = &annual

	if sf.sessionSecret == "" {
		cfg.SessionSecret = make([]byte, 32)
		rand.Read(cfg.SessionSecret) // crypto/rand.Read never returns an error since Go 1.24
		a.log.Warn("no session secret set, so a random one is used: sessions end when this process stops " +
			"and other instances reject them; set --session-secret or SAIMA_SESSION_SECRET")
		return cfg, nil
	}
	secret, err := parseSecret(sf.sessionSecret)
	if err != nil {
		return cfg, err
	}
	cfg.SessionSecret = secret
	return cfg, nil
}

// parseSecret decodes a session secret written as hex or as base64, in
// the standard or URL-safe alphabet, with or without padding. Hex is tried
// first, which is safe because padded or odd-length base64 is never hex.
func parseSecret(text string) ([]byte, error) {
	text = strings.TrimSpace(text)
	encodings := []struct {
		name   string
		decode func(string) ([]byte, error)
	}{
		{"十六进制", hex.DecodeString},
		{"base64", base64.StdEncoding.DecodeString},
		{"base64", base64.RawStdEncoding.DecodeString},
		{"base64", base64.URLEncoding.DecodeString},
		{"base64", base64.RawURLEncoding.DecodeString},
	}
	for _, enc := range encodings {
		secret, err := enc.decode(text)
		if err != nil {
			continue
		}
		if len(secret) < 32 {
			return nil, usagef("--session-secret（或 SAIMA_SESSION_SECRET）按%s解码后只有 %d 字节，至少需要 32 字节。"+
				"它是编码后的随机密钥，不是口令原文：请用 `openssl rand -hex 32` 生成一个（64 个十六进制字符）",
				enc.name, len(secret))
		}
		return secret, nil
	}
	return nil, usagef("--session-secret（或 SAIMA_SESSION_SECRET）既不是十六进制也不是 base64 编码。" +
		"它是编码后的随机密钥，不是口令原文：请用 `openssl rand -hex 32` 生成一个（64 个十六进制字符）")
}

func serveCommand(a *app, ef *envFlags) func(context.Context, []string) error {
	var sf serveFlags
	sf.register(ef)
	ef.fs.Usage = func() {
		writeHelp(ef.fs, "用法：saima serve [选项]\n"+
			"\n"+
			"提供看板、上传接口和 PDF 报告，直到被中断（Ctrl-C）。")
	}
	return func(ctx context.Context, args []string) error {
		if len(args) > 0 {
			return usagef("saima serve 不带参数，却收到了 %q；选项要以 -- 开头，如 --addr 127.0.0.1:8080", args)
		}
		ln, err := listen(sf.addr, "bin/saima serve --addr %s（或环境变量 SAIMA_ADDR）")
		if err != nil {
			return err
		}
		return a.serve(ctx, sf, ln)
	}
}

// serve serves the dashboards on ln until ctx ends, and closes ln.
func (a *app) serve(ctx context.Context, sf serveFlags, ln net.Listener) error {
	defer ln.Close()
	cfg, err := a.webConfig(sf)
	if err != nil {
		return err
	}
	assets := append(append(a.engineAssets(), a.fontAssets()...), a.webAssets()...)
	if err := checkAssets(assets...); err != nil {
		return err
	}
	fonts, err := reports.LoadFonts(a.cfg.FontRegular, a.cfg.FontBold)
	if err != nil {
		return err
	}
	rules, _, err := a.configuredRules().read()
	if err != nil {
		return err
	}
	st, err := a.openStore(ctx)
	if err != nil {
		return err
	}

	srv, err := web.New(cfg, web.Deps{
		Rules:        rules,
		Store:        st,
		Accounts:     st,
		Importer:     a.importer(st),
		Fonts:        fonts,
		Log:          a.log,
		Now:          a.now,
		SourceAt:     func(version uint64) reports.Source { return st.AsOf(version) },
		LedgerBefore: func(t time.Time) web.LedgerReader { return st.ReportedBefore(t) },
	})
	if err != nil {
		return err
	}
	// Uploads that a stopped process left unfinished, or whose outcome an
	// outage kept from the audit log, are recorded at start and then
	// within uploadSweep of the database coming back. The sweep ends
	// before serve returns, because Run closes the store then.
	sweepCtx, stopSweep := context.WithCancel(ctx)
	swept := make(chan struct{})
	go func() { defer close(swept); st.RecoverUploadsEvery(sweepCtx, uploadSweep) }()
	defer func() { stopSweep(); <-swept }()

	fmt.Fprintf(a.stdout, "saima 正在 http://%s/ 提供服务（Ctrl-C 停止）\n", ln.Addr())
	return srv.Serve(ctx, ln)
}

// listen binds addr for the HTTP server. serve and demo call it before
// they open the database, so that a taken address stops them at once and
// not after an import. hint is how the user chooses another address, with
// a %s for a suggested one, such as "make demo ADDR=%s".
func listen(addr, hint string) (net.Listener, error) {
	ln, err := net.Listen("tcp", addr)
	if err == nil {
		return ln, nil
	}
	other := fmt.Sprintf(hint, freeAddrNear(addr))
	if errors.Is(err, syscall.EADDRINUSE) {
		return nil, saima.Wrap(saima.KindUnavailable, fmt.Sprintf("地址 %s 已被其他程序占用，saima 无法在此提供服务，"+
			"也还没有读写任何数据。请停止占用它的程序，或换一个地址，如 %s", addr, other), err)
	}
	return nil, saima.Wrap(saima.KindInvalid, fmt.Sprintf("无法在地址 %s 上提供服务。地址应写成 主机:端口，"+
		"主机是本机的地址（如 127.0.0.1:8080）；请改正后重试，如 %s", addr, other), err)
}

// freeAddrNear returns an address on the host of addr whose port was free
// a moment ago: the first free one of the next 20 ports, or else one that
// the system picks. It returns 127.0.0.1:9090 when addr is not host:port
// or no port on its host could be bound.
func freeAddrNear(addr string) string {
	const fallback = "127.0.0.1:9090"
	host, portText, err := net.SplitHostPort(addr)
	if err != nil {
		return fallback
	}
	port, err := strconv.Atoi(portText)
	if err != nil {
		port = 0
	}
	for p := port + 1; port > 0 && p <= port+20 && p <= 65535; p++ {
		if free := tryListen(net.JoinHostPort(host, strconv.Itoa(p))); free != "" {
			return free
		}
	}
	if free := tryListen(net.JoinHostPort(host, "0")); free != "" {
		return free
	}
	return fallback
}

// tryListen binds addr, closes it again and returns the address it had,
// or "" when addr could not be bound.
func tryListen(addr string) string {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return ""
	}
	defer ln.Close()
	return ln.Addr().String()
}

// uploadSweep is how often serve looks for uploads to record as
// interrupted or failed; see clickhouse.Store.RecoverUploads.
const uploadSweep = 30 * time.Second

func (a *app) importer(st *clickhouse.Store) *ingest.Service {
	limits := a.cfg.Limits
	limits.MaxXLSXBytes = int64(a.cfg.MaxXLSXMB) << 20
	return &ingest.Service{Store: ingest.Adapt(st), Log: a.log, Now: a.now, NewID: newUploadID, Limits: limits,
		Tracks: a.rosterTracks()}
}

// rosterTracks returns the tracks of the configured rule set, which a
// roster's 赛道 is checked against. A rule set that cannot be read checks
// nothing, because importing needs no rule set: scoring reports the file.
func (a *app) rosterTracks() ingest.Tracks {
	_, rs, err := a.configuredRules().read()
	if err != nil {
		a.log.Warn("rule set not read, so roster tracks are not checked", "rules", a.cfg.Rules, "err", err)
		return ingest.Tracks{}
	}
	return ingest.Tracks{RuleSet: rs.Name, Names: rs.TrackNames()}
}

// newUploadID returns a random upload ID such as u-1f2e3d4c5b6a7988.
func newUploadID() string {
	var b [8]byte
	rand.Read(b[:])
	return "u-" + hex.EncodeToString(b[:])
}

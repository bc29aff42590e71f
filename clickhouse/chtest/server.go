package chtest

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/hex"
	"encoding/pem"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"math/big"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"saima/clickhouse"
)

// ClusterName is the name under remote_servers of the cluster that
// [StartCluster] configures, as Distributed tables refer to it.
const ClusterName = "saima"

// Credentials of the password-protected user that every test server has, in
// addition to "default", which has no password. [Server.Config] uses them,
// so that every server-engine test sends a password.
const (
	ServerUser     = "saima"
	ServerPassword = "saima-test-password"
)

const (
	// serverStartTimeout bounds the wait for a new server to accept
	// connections. 18.16 took about 0.1 s on an idle 2-core machine.
	serverStartTimeout = 30 * time.Second
	// serverStopTimeout is how long a server gets to exit after SIGTERM
	// before it is killed. 18.16 exits in about 1 s once its idle client
	// connections notice the shutdown (see poll_interval in usersConfigXML).
	serverStopTimeout = 10 * time.Second
	// serverStartAttempts bounds the restarts when another process took a
	// port between choosing it and the server binding it.
	serverStartAttempts = 3
)

// Server is a throwaway clickhouse-server process listening on 127.0.0.1
// only, with its configuration, data and logs in Dir.
type Server struct {
	Addr     string // native protocol, host:port
	HTTPAddr string // HTTP interface, host:port
	TLSAddr  string // native protocol over TLS; empty unless started by StartTLSServer
	Version  string // as SELECT version() returns it, such as 18.16.1
	Dir      string // folder with config.xml, users.xml, data/ and the logs

	shared bool
	spec   *serverSpec // the launch settings, kept for Restart
	proc   *child      // the running process, or the last one
}

// StartServer returns the test binary's shared server, starting it on first
// use, and gives tb a share of it until tb ends. Tests that share it must
// keep to their own databases ([Server.NewDatabase]) and must not stop it.
//
// The server stops (SIGTERM, then SIGKILL) in the cleanup of the last test
// holding a share, so subtests and parallel tests share one process.
// Sequential top-level tests each start one, about 1 s each, unless
// holdSharedServer keeps it up for the whole binary.
//
// When no clickhouse-server binary is found, StartServer skips tb. It fails
// tb instead when the CI environment variable is set to anything but empty,
// false or 0.
func StartServer(tb testing.TB) *Server {
	tb.Helper()
	bin, args := requireServerBinary(tb)
	s, err := acquireShared(bin, args)
	if err != nil {
		tb.Fatalf("start shared clickhouse-server: %v", err)
	}
	tb.Cleanup(releaseShared)
	return s
}

// StartPrivateServer starts a server that only tb uses, so tb may stop it
// with [Server.Stop]. It stops in tb's cleanup at the latest.
func StartPrivateServer(tb testing.TB) *Server {
	tb.Helper()
	return startPrivate(tb, false)
}

// StartTLSServer is [StartPrivateServer] with a TLS native port as well, at
// TLSAddr, whose certificate is self-signed for 127.0.0.1.
func StartTLSServer(tb testing.TB) *Server {
	tb.Helper()
	return startPrivate(tb, true)
}

func startPrivate(tb testing.TB, withTLS bool) *Server {
	tb.Helper()
	bin, args := requireServerBinary(tb)
	spec := serverSpec{bin: bin, args: args, dir: tb.TempDir(), tls: withTLS}
	s, err := launchWithRetry([]*serverSpec{&spec})
	if err != nil {
		tb.Fatalf("start clickhouse-server: %v", err)
	}
	tb.Cleanup(func() { stopAndReport(tb, s[0]) })
	return s[0]
}

// Cluster is throwaway servers configured as the cluster [ClusterName].
// Without ZooKeeper, ON CLUSTER statements fail, so create the tables on
// each server instead.
type Cluster struct {
	Name    string
	Servers []*Server   // every server, shard by shard
	Shards  [][]*Server // Shards[i][j] is replica j+1 of shard i+1
	// ZooKeeper is the coordination server of a replicated cluster, and nil
	// for [StartCluster]'s.
	ZooKeeper *ZooKeeper
}

// StartCluster starts a two-shard cluster, one replica each, that only tb
// uses. Its servers stop in tb's cleanup. It skips or fails tb as
// [StartServer] does.
func StartCluster(tb testing.TB) *Cluster {
	tb.Helper()
	return startCluster(tb, 2, 1, nil)
}

// StartReplicatedCluster starts a ZooKeeper and a cluster of shards ×
// replicas servers that only tb uses. Each server's configuration points at
// the ZooKeeper and names its shard and replica in the macros shard (01,
// 02, …) and replica (such as s01r2). It lists every shard with
// internal_replication, so that a Distributed table writes a row to one
// replica and replication copies it. Replicas fetch parts from each other
// over the interserver HTTP port. Everything stops in tb's cleanup, the
// ZooKeeper last. It skips tb as [StartServer] does when clickhouse-server
// is missing, and fails it as [StartZooKeeper] does when ZooKeeper is.
func StartReplicatedCluster(tb testing.TB, shards, replicas int) *Cluster {
	tb.Helper()
	requireServerBinary(tb)
	return startCluster(tb, shards, replicas, StartZooKeeper(tb))
}

func startCluster(tb testing.TB, shards, replicas int, zk *ZooKeeper) *Cluster {
	tb.Helper()
	bin, args := requireServerBinary(tb)
	var specs []*serverSpec
	for shard := 1; shard <= shards; shard++ {
		for replica := 1; replica <= replicas; replica++ {
			sp := &serverSpec{bin: bin, args: args, dir: tb.TempDir(), cluster: true, shard: shard, replica: replica}
			if zk != nil {
				sp.zooKeeper = zk.Addr
			}
			specs = append(specs, sp)
		}
	}
	servers, err := launchWithRetry(specs)
	if err != nil {
		tb.Fatalf("start clickhouse-server cluster: %v", err)
	}
	for _, s := range servers {
		tb.Cleanup(func() { stopAndReport(tb, s) })
	}

	c := &Cluster{Name: ClusterName, Servers: servers, ZooKeeper: zk}
	for shard := range shards {
		c.Shards = append(c.Shards, servers[shard*replicas:(shard+1)*replicas])
	}
	return c
}

// NewDatabase creates a database with the same random name on every server
// of c, and drops it when tb ends.
func (c *Cluster) NewDatabase(tb testing.TB) string {
	tb.Helper()
	name := randomDatabaseName(tb)
	for _, s := range c.Servers {
		s.createDatabase(tb, name)
	}
	return name
}

// NewDatabase creates a database with a random name, test_ and 12 hex
// digits, and drops it when tb ends.
func (s *Server) NewDatabase(tb testing.TB) string {
	tb.Helper()
	name := randomDatabaseName(tb)
	s.createDatabase(tb, name)
	return name
}

func randomDatabaseName(tb testing.TB) string {
	var b [6]byte
	if _, err := rand.Read(b[:]); err != nil {
		tb.Fatal(err)
	}
	return "test_" + hex.EncodeToString(b[:])
}

func (s *Server) createDatabase(tb testing.TB, name string) {
	tb.Helper()
	if _, err := s.HTTPQuery(context.Background(), "CREATE DATABASE "+name); err != nil {
		tb.Fatalf("create database %s: %v", name, err)
	}
	tb.Cleanup(func() {
		if s.exited() {
			if tb.Failed() {
				tb.Logf("clickhouse-server on %s has exited; the end of its logs:\n%s", s.Addr, s.LogTail(30))
			}
			return
		}
		if _, err := s.HTTPQuery(context.Background(), "DROP DATABASE IF EXISTS "+name); err != nil {
			// A server that stopped responding writes the cause to its
			// logs. One that crashed is still writing its stack trace
			// while the query fails, so give it time to exit first.
			s.proc.waitExit(10 * time.Second)
			tb.Logf("drop database %s: %v; the end of the server's logs:\n%s", name, err, s.LogTail(30))
		}
	})
}

// Config returns the engine configuration for database on s, as the user
// [ServerUser] with its password, over plain TCP.
func (s *Server) Config(database string) clickhouse.ServerConfig {
	cfg := clickhouse.DefaultServerConfig()
	cfg.Addrs = []string{s.Addr}
	cfg.Database = database
	cfg.User, cfg.Password = ServerUser, ServerPassword
	return cfg
}

// Open returns a server engine on database of s, closed when tb ends.
func (s *Server) Open(tb testing.TB, database string) clickhouse.Engine {
	tb.Helper()
	e, err := clickhouse.OpenServer(tb.Context(), s.Config(database), nil)
	if err != nil {
		tb.Fatalf("open server engine on %s: %v", s.Addr, err)
	}
	tb.Cleanup(func() { e.Close() })
	return e
}

// serverHTTPClient keeps no idle connections, which would delay the
// server's shutdown.
var serverHTTPClient = &http.Client{Transport: &http.Transport{DisableKeepAlives: true}}

// HTTPQuery runs query as the user "default" over the HTTP interface and
// returns the output in TabSeparated format. It is independent of the
// engine under test, for setting up and checking tests.
func (s *Server) HTTPQuery(ctx context.Context, query string) (string, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, "http://"+s.HTTPAddr+"/", strings.NewReader(query))
	if err != nil {
		return "", err
	}
	resp, err := serverHTTPClient.Do(req)
	if err != nil {
		return "", err
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		return "", fmt.Errorf("read response: %w", err)
	}
	if resp.StatusCode != http.StatusOK {
		return "", fmt.Errorf("HTTP %d: %s", resp.StatusCode, strings.TrimSpace(string(body)))
	}
	return string(body), nil
}

// Stop stops a private server: SIGTERM, then SIGKILL after 10 s. Later calls
// return the first call's result, until [Server.Restart] starts it again. The shared server is stopped by its last
// user instead, so Stop on it returns an error and leaves it running.
func (s *Server) Stop() error {
	if s.shared {
		return errors.New("the shared server stops when its last test ends; use StartPrivateServer to stop one")
	}
	return s.terminate()
}

// Restart starts a private server again after [Server.Stop], on the same
// folder and ports, so that it keeps its data and clients reconnect to the
// same address. It fails when the server is still running, when it is the
// shared server, or when another process took one of its ports since.
func (s *Server) Restart() error {
	if s.shared {
		return errors.New("the shared server cannot be restarted; use StartPrivateServer")
	}
	if !s.exited() {
		return fmt.Errorf("clickhouse-server on %s is still running; call Stop first", s.Addr)
	}
	if err := s.start(false); err != nil {
		return fmt.Errorf("restart clickhouse-server on %s: %w", s.Addr, err)
	}
	return nil
}

// Freeze suspends the server's process with SIGSTOP, as a hung machine or
// a network partition would. It keeps its connections and its ZooKeeper
// session until the session times out, but replies to nothing.
// [Server.Thaw] resumes it, and so do Stop and the cleanup before they
// stop it.
func (s *Server) Freeze() error {
	if s.shared {
		return errors.New("the shared server cannot be frozen; use StartPrivateServer")
	}
	return s.proc.signal(syscall.SIGSTOP)
}

// Thaw resumes a server stopped by [Server.Freeze].
func (s *Server) Thaw() error { return s.proc.signal(syscall.SIGCONT) }

func (s *Server) terminate() error {
	return s.proc.stop(serverStopTimeout, func() string { return s.LogTail(20) })
}

func (s *Server) exited() bool { return s.proc.exited() }

// stopAndReport stops s and logs, without failing tb, when it had to be
// killed: a throwaway server's shutdown is not what the tests check.
func stopAndReport(tb testing.TB, s *Server) {
	if err := s.terminate(); err != nil {
		tb.Log(err)
	}
}

// LogTail returns the last n lines of the server's log and of its standard
// output and error, for error messages.
func (s *Server) LogTail(n int) string {
	var b strings.Builder
	for _, name := range []string{"stdout.log", "server.err.log", "server.log"} {
		data, err := os.ReadFile(filepath.Join(s.Dir, name))
		if err != nil || len(data) == 0 {
			continue
		}
		lines := strings.Split(strings.TrimRight(string(data), "\n"), "\n")
		start := max(0, len(lines)-n)
		if c := crashStart(lines); c >= 0 {
			start = min(start, c)
		}
		lines = lines[start:]
		fmt.Fprintf(&b, "--- %s (last %d lines)\n%s\n", name, len(lines), strings.Join(lines, "\n"))
	}
	return b.String()
}

// crashStart returns the index of the line a few lines before the last
// crash report in lines (BaseDaemon's row of #), or -1 when there is none.
// A crash report's stack trace runs to 50 frames, more than a tail shows,
// and its frames after the first are what tell one crash from another.
func crashStart(lines []string) int {
	for i := len(lines) - 1; i >= 0; i-- {
		if strings.Contains(lines[i], "BaseDaemon: ####") {
			return max(0, i-5)
		}
	}
	return -1
}

// Shared server state. users counts the tests (and Main) holding a share.
var shared struct {
	mu    sync.Mutex
	srv   *Server
	users int
}

func acquireShared(bin string, args []string) (*Server, error) {
	shared.mu.Lock()
	defer shared.mu.Unlock()
	if shared.srv != nil && shared.srv.exited() {
		// It crashed; the tests that used it fail on their own.
		os.RemoveAll(shared.srv.Dir)
		shared.srv = nil
	}
	if shared.srv == nil {
		dir, err := os.MkdirTemp("", "saima-clickhouse-")
		if err != nil {
			return nil, err
		}
		s, err := launchWithRetry([]*serverSpec{{bin: bin, args: args, dir: dir}})
		if err != nil {
			os.RemoveAll(dir)
			return nil, err
		}
		s[0].shared = true
		shared.srv = s[0]
	}
	shared.users++
	return shared.srv, nil
}

func releaseShared() {
	shared.mu.Lock()
	defer shared.mu.Unlock()
	shared.users--
	if shared.users > 0 || shared.srv == nil {
		return
	}
	s := shared.srv
	shared.srv = nil
	if err := s.terminate(); err != nil {
		fmt.Fprintln(os.Stderr, "chtest:", err)
	}
	os.RemoveAll(s.Dir)
}

// holdSharedServer keeps the shared server, once a test starts it, running
// until the returned function is called, so that every test of a binary
// shares one server.
//
// NOTE: Main is meant to call it around m.Run. Until it does, sequential
// tests start a server each.
func holdSharedServer() (release func()) {
	shared.mu.Lock()
	shared.users++
	shared.mu.Unlock()
	return releaseShared
}

// requireServerBinary returns the command that starts clickhouse-server, or
// skips tb (fails it on CI) when there is none.
func requireServerBinary(tb testing.TB) (string, []string) {
	tb.Helper()
	bin, args, err := findServerBinary()
	if err == nil {
		return bin, args
	}
	msg := fmt.Sprintf("clickhouse-server not found (%v): install it with `make test-deps` "+
		"(Debian package clickhouse-server) or set SAIMA_CLICKHOUSE_SERVER to its path", err)
	if ci := os.Getenv("CI"); ci != "" && ci != "false" && ci != "0" {
		tb.Fatal(msg)
	}
	tb.Skip(msg)
	return "", nil
}

// findServerBinary looks for $SAIMA_CLICKHOUSE_SERVER, clickhouse-server on
// PATH and in /usr/sbin (where Debian installs it, outside a normal user's
// PATH), and the single clickhouse binary of newer releases.
func findServerBinary() (string, []string, error) {
	if p := os.Getenv("SAIMA_CLICKHOUSE_SERVER"); p != "" {
		if _, err := os.Stat(p); err != nil {
			return "", nil, fmt.Errorf("SAIMA_CLICKHOUSE_SERVER: %w", err)
		}
		return p, serverArgs(p), nil
	}
	if p, err := exec.LookPath("clickhouse-server"); err == nil {
		return p, nil, nil
	}
	for _, p := range []string{"/usr/sbin/clickhouse-server", "/usr/bin/clickhouse-server"} {
		if _, err := os.Stat(p); err == nil {
			return p, nil, nil
		}
	}
	if p, err := exec.LookPath("clickhouse"); err == nil {
		return p, serverArgs(p), nil
	}
	return "", nil, errors.New("no clickhouse-server on PATH or in /usr/sbin, and no clickhouse binary")
}

// serverArgs returns the arguments that make the binary at path a server:
// the single clickhouse binary needs "server" first.
func serverArgs(path string) []string {
	if filepath.Base(path) == "clickhouse" {
		return []string{"server"}
	}
	return nil
}

// serverSpec describes one server for launch to start.
type serverSpec struct {
	bin     string
	args    []string
	dir     string
	tls     bool
	cluster bool // configure the cluster of all specs launched together

	// Of a cluster node: its shard and replica numbers, from 1, and the
	// ZooKeeper address (host:port), empty for shards without replicas.
	shard, replica int
	zooKeeper      string

	tcpPort, httpPort, tlsPort, interserverPort int
}

var errPortTaken = errors.New("port already in use")

// launchWithRetry starts one server per spec, all configured together, and
// tries again with new ports when another process took one in between.
func launchWithRetry(specs []*serverSpec) ([]*Server, error) {
	var err error
	for range serverStartAttempts {
		var servers []*Server
		servers, err = launchAll(specs)
		if !errors.Is(err, errPortTaken) {
			return servers, err
		}
	}
	return nil, err
}

func launchAll(specs []*serverSpec) ([]*Server, error) {
	if err := choosePorts(specs); err != nil {
		return nil, err
	}
	shards := clusterShards(specs)

	var started []*Server
	for _, sp := range specs {
		s, err := launch(sp, shards)
		if err != nil {
			for _, s := range started {
				s.terminate()
			}
			return nil, err
		}
		started = append(started, s)
	}
	return started, nil
}

// clusterShards returns the native ports of the cluster nodes among specs,
// by shard: shards[i][j] is the port of replica j+1 of shard i+1.
func clusterShards(specs []*serverSpec) [][]int {
	var shards [][]int
	for _, sp := range specs {
		if !sp.cluster {
			continue
		}
		for len(shards) < sp.shard {
			shards = append(shards, nil)
		}
		shards[sp.shard-1] = append(shards[sp.shard-1], sp.tcpPort)
	}
	return shards
}

// choosePorts gets free 127.0.0.1 ports from the kernel. It keeps each one
// bound until all are chosen, so that no two are equal.
func choosePorts(specs []*serverSpec) error {
	var listeners []net.Listener
	defer func() {
		for _, l := range listeners {
			l.Close()
		}
	}()
	next := func() (int, error) {
		l, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			return 0, fmt.Errorf("choose a free port: %w", err)
		}
		listeners = append(listeners, l)
		return l.Addr().(*net.TCPAddr).Port, nil
	}

	for _, sp := range specs {
		ports := []*int{&sp.tcpPort, &sp.httpPort}
		if sp.tls {
			ports = append(ports, &sp.tlsPort)
		}
		if sp.zooKeeper != "" {
			ports = append(ports, &sp.interserverPort)
		}
		for _, p := range ports {
			n, err := next()
			if err != nil {
				return err
			}
			*p = n
		}
	}
	return nil
}

// launch writes the configuration for sp into sp.dir, starts the server and
// waits until it accepts connections.
func launch(sp *serverSpec, shards [][]int) (*Server, error) {
	if err := writeServerConfig(sp, shards); err != nil {
		return nil, err
	}
	s := &Server{
		Addr:     net.JoinHostPort("127.0.0.1", strconv.Itoa(sp.tcpPort)),
		HTTPAddr: net.JoinHostPort("127.0.0.1", strconv.Itoa(sp.httpPort)),
		Dir:      sp.dir,
		spec:     sp,
	}
	if sp.tls {
		s.TLSAddr = net.JoinHostPort("127.0.0.1", strconv.Itoa(sp.tlsPort))
	}
	if err := s.start(true); err != nil {
		return nil, err
	}
	return s, nil
}

// start runs the server process with the configuration in s.Dir and waits
// until it accepts connections. A fresh start truncates stdout.log, and a
// restart appends to it.
func (s *Server) start(fresh bool) error {
	flags := os.O_WRONLY | os.O_CREATE | os.O_APPEND
	if fresh {
		flags = os.O_WRONLY | os.O_CREATE | os.O_TRUNC
	}
	out, err := os.OpenFile(filepath.Join(s.Dir, "stdout.log"), flags, 0o600)
	if err != nil {
		return err
	}

	sp := s.spec
	args := append(append([]string{}, sp.args...), "--config-file="+filepath.Join(sp.dir, "config.xml"))
	cmd := exec.Command(sp.bin, args...)
	cmd.Dir = sp.dir
	cmd.Stdout, cmd.Stderr = out, out
	// NOTE: Linux sends Pdeathsig when the thread that started the child
	// exits. Go keeps its threads until the process ends, so this kills
	// the server when a test binary dies without running its cleanups.
	cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}
	proc, err := startChild("clickhouse-server on "+s.Addr, cmd, out, false)
	if err != nil {
		return err
	}
	s.proc = proc

	if err := s.waitReady(); err != nil {
		s.terminate()
		return err
	}
	return nil
}

// waitReady polls the HTTP ping endpoint and then the native port until
// both respond, the process exits or serverStartTimeout passes.
func (s *Server) waitReady() error {
	deadline := time.Now().Add(serverStartTimeout)
	for {
		if s.exited() {
			tail := s.LogTail(30)
			if strings.Contains(tail, "Address already in use") {
				return fmt.Errorf("%w\n%s", errPortTaken, tail)
			}
			return fmt.Errorf("clickhouse-server exited while starting (%v)\n%s", s.proc.cmd.ProcessState, tail)
		}
		if err := s.ping(); err == nil {
			v, err := s.HTTPQuery(context.Background(), "SELECT version()")
			if err != nil {
				return fmt.Errorf("query server version: %w", err)
			}
			s.Version = strings.TrimSpace(v)
			return nil
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("clickhouse-server did not respond on %s within %s\n%s",
				s.Addr, serverStartTimeout, s.LogTail(30))
		}
		time.Sleep(20 * time.Millisecond)
	}
}

func (s *Server) ping() error {
	ctx, cancel := context.WithTimeout(context.Background(), time.Second)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, "http://"+s.HTTPAddr+"/ping", nil)
	if err != nil {
		return err
	}
	resp, err := serverHTTPClient.Do(req)
	if err != nil {
		return err
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("ping: HTTP %d", resp.StatusCode)
	}
	conn, err := net.DialTimeout("tcp", s.Addr, time.Second)
	if err != nil {
		return err
	}
	return conn.Close()
}

// writeServerConfig writes config.xml and users.xml, and with TLS a
// certificate and key, into sp.dir. shards lists the native ports of the
// cluster's nodes as [clusterShards] returns them.
func writeServerConfig(sp *serverSpec, shards [][]int) error {
	var tlsConfig string
	if sp.tls {
		cert, key := filepath.Join(sp.dir, "cert.pem"), filepath.Join(sp.dir, "key.pem")
		if err := writeSelfSignedCert(cert, key); err != nil {
			return err
		}
		tlsConfig = fmt.Sprintf(tlsConfigXML, sp.tlsPort, xmlText(cert), xmlText(key))
	}
	var cluster string
	if len(shards) > 0 {
		cluster = remoteServersConfig(shards, sp.zooKeeper != "")
	}
	if sp.zooKeeper != "" {
		cluster += replicationConfig(sp)
	}

	data := filepath.Join(sp.dir, "data") + string(filepath.Separator)
	config := fmt.Sprintf(serverConfigXML, xmlText(sp.dir), xmlText(sp.dir),
		sp.tcpPort, sp.httpPort, tlsConfig, xmlText(data), xmlText(data), xmlText(data), xmlText(data), cluster)
	if err := os.WriteFile(filepath.Join(sp.dir, "config.xml"), []byte(config), 0o600); err != nil {
		return err
	}
	var quorum string
	if sp.zooKeeper != "" {
		quorum = fmt.Sprintf(quorumSettingsXML, len(shards[sp.shard-1]))
	}
	users := fmt.Sprintf(usersConfigXML, ServerUser, quorum, ServerUser, ServerUser, xmlText(ServerPassword), ServerUser,
		ServerUser)
	return os.WriteFile(filepath.Join(sp.dir, "users.xml"), []byte(users), 0o600)
}

func xmlText(s string) string {
	var b strings.Builder
	xml.EscapeText(&b, []byte(s))
	return b.String()
}

// serverConfigXML is the smallest configuration that 18.16 starts with. The
// root element is <yandex>, which newer releases still accept. Listeners
// that are not named (MySQL on newer releases, and interserver HTTP except
// on replicated cluster nodes) stay closed. The server zone is UTC, not Beijing, so that SQL relying on the
// server's zone instead of naming Asia/Shanghai shows up in tests.
const serverConfigXML = `<?xml version="1.0"?>
<yandex>
    <logger>
        <level>information</level>
        <log>%s/server.log</log>
        <errorlog>%s/server.err.log</errorlog>
    </logger>
    <listen_host>127.0.0.1</listen_host>
    <tcp_port>%d</tcp_port>
    <http_port>%d</http_port>
%s
    <path>%s</path>
    <tmp_path>%stmp/</tmp_path>
    <user_files_path>%suser_files/</user_files_path>
    <format_schema_path>%sformat_schemas/</format_schema_path>
    <users_config>users.xml</users_config>
    <default_profile>default</default_profile>
    <default_database>default</default_database>
    <timezone>UTC</timezone>
    <mark_cache_size>268435456</mark_cache_size>
    <uncompressed_cache_size>268435456</uncompressed_cache_size>
    <max_concurrent_queries>100</max_concurrent_queries>
%s
</yandex>
`

const tlsConfigXML = `    <tcp_port_secure>%d</tcp_port_secure>
    <openSSL>
        <server>
            <certificateFile>%s</certificateFile>
            <privateKeyFile>%s</privateKeyFile>
            <verificationMode>none</verificationMode>
            <loadDefaultCAFile>false</loadDefaultCAFile>
            <disableProtocols>sslv2,sslv3</disableProtocols>
        </server>
    </openSSL>`

const clusterConfigXML = `    <remote_servers>
        <%s>
%s        </%s>
    </remote_servers>`

// remoteServersConfig returns the remote_servers element that lists the
// cluster [ClusterName] with the nodes of shards, each shard with
// internal_replication when replicated is set.
func remoteServersConfig(shards [][]int, replicated bool) string {
	var b strings.Builder
	for _, ports := range shards {
		b.WriteString("            <shard>\n")
		if replicated {
			b.WriteString("                <internal_replication>true</internal_replication>\n")
		}
		for _, port := range ports {
			fmt.Fprintf(&b, "                <replica><host>127.0.0.1</host><port>%d</port></replica>\n", port)
		}
		b.WriteString("            </shard>\n")
	}
	return fmt.Sprintf(clusterConfigXML, ClusterName, b.String(), ClusterName)
}

// replicationConfig returns the elements a node of a replicated cluster
// needs: the ZooKeeper, its macros and the interserver HTTP port on which
// the other replicas fetch its parts.
func replicationConfig(sp *serverSpec) string {
	host, port, _ := net.SplitHostPort(sp.zooKeeper)
	return fmt.Sprintf(replicationConfigXML, xmlText(host), xmlText(port),
		sp.shard, sp.shard, sp.replica, sp.interserverPort)
}

// replicationConfigXML sets session_timeout_ms to 10 s, so that ZooKeeper
// drops the session of a stopped replica soon.
const replicationConfigXML = `
    <zookeeper>
        <node><host>%s</host><port>%s</port></node>
        <session_timeout_ms>10000</session_timeout_ms>
    </zookeeper>
    <macros>
        <shard>%02d</shard>
        <replica>s%02dr%d</replica>
    </macros>
    <interserver_http_host>127.0.0.1</interserver_http_host>
    <interserver_http_port>%d</interserver_http_port>`

// quorumSettingsXML makes every INSERT into a replicated table wait until
// all replicas of the shard have the rows, as saima requires. It fails
// after 30 s when one breaks off, instead of the default 10 min (600 000
// ms in 18.16's system.settings). Only the profile of [ServerUser] has it,
// so that "default" shows saima's check.
const quorumSettingsXML = `
            <insert_quorum>%d</insert_quorum>
            <insert_quorum_timeout>30000</insert_quorum_timeout>`

// usersConfigXML defines "default" without a password, as Distributed
// tables connect to the shards with it, and a user with a password and a
// profile of its own. A Distributed table sends the initiating query's
// settings along, so the shards apply that profile's settings too.
// poll_interval is how often (in seconds) an idle native connection checks
// whether the server is shutting down. With the default of 10 s, every pooled
// client connection delays shutdown by up to 10 s.
const usersConfigXML = `<?xml version="1.0"?>
<yandex>
    <profiles>
        <default>
            <max_memory_usage>4000000000</max_memory_usage>
            <poll_interval>1</poll_interval>
        </default>
        <%s>
            <profile>default</profile>%s
        </%s>
    </profiles>
    <users>
        <default>
            <password></password>
            <networks><ip>127.0.0.1</ip></networks>
            <profile>default</profile>
            <quota>default</quota>
        </default>
        <%s>
            <password>%s</password>
            <networks><ip>127.0.0.1</ip></networks>
            <profile>%s</profile>
            <quota>default</quota>
        </%s>
    </users>
    <quotas>
        <default>
            <interval>
                <duration>3600</duration>
                <queries>0</queries>
                <errors>0</errors>
                <result_rows>0</result_rows>
                <read_rows>0</read_rows>
                <execution_time>0</execution_time>
            </interval>
        </default>
    </quotas>
</yandex>
`

// writeSelfSignedCert writes a P-256 certificate for 127.0.0.1, valid for a
// day, and its key, both PEM-encoded.
func writeSelfSignedCert(certPath, keyPath string) error {
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return fmt.Errorf("generate TLS key: %w", err)
	}
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(time.Now().UnixNano()),
		Subject:      pkix.Name{CommonName: "127.0.0.1"},
		IPAddresses:  []net.IP{net.IPv4(127, 0, 0, 1)},
		NotBefore:    time.Now().Add(-time.Hour),
		NotAfter:     time.Now().Add(24 * time.Hour),
		KeyUsage:     x509.KeyUsageDigitalSignature,
		ExtKeyUsage:  []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		return fmt.Errorf("create TLS certificate: %w", err)
	}
	keyDER, err := x509.MarshalPKCS8PrivateKey(key)
	if err != nil {
		return fmt.Errorf("encode TLS key: %w", err)
	}
	if err := os.WriteFile(certPath, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}), 0o600); err != nil {
		return err
	}
	return os.WriteFile(keyPath, pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: keyDER}), 0o600)
}

package chtest

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"
)

const (
	// zooKeeperStartTimeout bounds the wait for a new ZooKeeper to respond
	// to ruok. Debian's 3.8.0 on OpenJDK 17 responded after about 0.3 s on an
	// idle 2-core machine.
	zooKeeperStartTimeout = 60 * time.Second
	// zooKeeperStopTimeout is how long the JVM gets to exit after SIGTERM
	// before its process group is killed.
	zooKeeperStopTimeout = 10 * time.Second
)

// zooKeeperInstallHint names the packages that StartZooKeeper runs and how
// to install them.
const zooKeeperInstallHint = "install it with `make test-deps` (Debian packages zookeeper and " +
	"default-jre-headless: `apt-get install zookeeper default-jre-headless`), or set " +
	"SAIMA_ZOOKEEPER_JAR to the path of zookeeper.jar"

// ZooKeeper is a throwaway standalone ZooKeeper server listening on
// 127.0.0.1 only, with its configuration, data and log in Dir.
type ZooKeeper struct {
	Addr string // client port, host:port
	Dir  string // folder with zoo.cfg, data/ and zookeeper.log

	proc *child
}

// StartZooKeeper starts a standalone ZooKeeper that only tb uses and stops
// it in tb's cleanup. The admin server is off and only the ruok command of
// the four-letter words is allowed. Unlike [StartServer], it fails tb, even
// outside CI, when Java or Debian's zookeeper.jar is missing, because the
// replicated-cluster tests are part of every run.
func StartZooKeeper(tb testing.TB) *ZooKeeper {
	tb.Helper()
	java, classpath, err := findZooKeeper()
	if err != nil {
		tb.Fatalf("zookeeper not found (%v): %s", err, zooKeeperInstallHint)
	}
	dir := tb.TempDir()
	var zk *ZooKeeper
	for range serverStartAttempts {
		zk, err = launchZooKeeper(java, classpath, dir)
		if !errors.Is(err, errPortTaken) {
			break
		}
	}
	if err != nil {
		tb.Fatalf("start zookeeper: %v", err)
	}
	tb.Cleanup(func() {
		if err := zk.Stop(); err != nil {
			tb.Log(err)
		}
	})
	return zk
}

// findZooKeeper returns the java binary and the class path that runs
// ZooKeeper: Debian's zookeeper.jar, whose manifest names its libraries,
// and slf4j-simple when present, so that the log is not thrown away.
func findZooKeeper() (java, classpath string, err error) {
	jar := os.Getenv("SAIMA_ZOOKEEPER_JAR")
	if jar == "" {
		jar = "/usr/share/java/zookeeper.jar"
	}
	if _, err := os.Stat(jar); err != nil {
		return "", "", err
	}
	java, err = exec.LookPath("java")
	if home := os.Getenv("JAVA_HOME"); home != "" {
		java, err = filepath.Join(home, "bin", "java"), nil
	}
	if err != nil {
		return "", "", fmt.Errorf("no Java runtime: %w", err)
	}

	classpath = jar
	logger := filepath.Join(filepath.Dir(jar), "slf4j-simple.jar")
	if _, err := os.Stat(logger); err == nil {
		classpath += string(filepath.ListSeparator) + logger
	}
	return java, classpath, nil
}

// launchZooKeeper writes zoo.cfg into dir, starts the JVM in its own
// process group and waits until it responds to ruok.
func launchZooKeeper(java, classpath, dir string) (*ZooKeeper, error) {
	port, err := freePort()
	if err != nil {
		return nil, err
	}
	zk := &ZooKeeper{Addr: net.JoinHostPort("127.0.0.1", strconv.Itoa(port)), Dir: dir}
	if err := os.WriteFile(filepath.Join(dir, "zoo.cfg"), []byte(zooKeeperConfig(dir, port)), 0o600); err != nil {
		return nil, err
	}
	out, err := os.Create(filepath.Join(dir, "zookeeper.log"))
	if err != nil {
		return nil, err
	}

	// A small heap: the tests keep a few hundred nodes in it.
	cmd := exec.Command(java, "-Xmx256m", "-cp", classpath,
		"org.apache.zookeeper.server.ZooKeeperServerMain", filepath.Join(dir, "zoo.cfg"))
	cmd.Dir = dir
	cmd.Stdout, cmd.Stderr = out, out
	// Setpgid makes the JVM the leader of its own group, which Stop kills
	// as a whole. Pdeathsig kills it when the test binary dies.
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true, Pdeathsig: syscall.SIGKILL}
	if zk.proc, err = startChild("zookeeper on "+zk.Addr, cmd, out, true); err != nil {
		return nil, err
	}

	if err := zk.waitReady(); err != nil {
		zk.Stop()
		return nil, err
	}
	return zk, nil
}

// zooKeeperConfig returns a standalone configuration. forceSync=no skips
// the fsync of every transaction, because the data is thrown away.
func zooKeeperConfig(dir string, port int) string {
	return fmt.Sprintf(`tickTime=500
initLimit=10
syncLimit=5
dataDir=%s
clientPort=%d
clientPortAddress=127.0.0.1
maxClientCnxns=0
admin.enableServer=false
4lw.commands.whitelist=ruok
forceSync=no
`, filepath.Join(dir, "data"), port)
}

// freePort returns a 127.0.0.1 port that was free a moment ago.
func freePort() (int, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, fmt.Errorf("choose a free port: %w", err)
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port, nil
}

// waitReady sends ruok until ZooKeeper replies imok, the JVM exits or
// zooKeeperStartTimeout passes.
func (zk *ZooKeeper) waitReady() error {
	deadline := time.Now().Add(zooKeeperStartTimeout)
	for {
		if zk.exited() {
			tail := zk.LogTail(30)
			if strings.Contains(tail, "Address already in use") {
				return fmt.Errorf("%w\n%s", errPortTaken, tail)
			}
			return fmt.Errorf("zookeeper exited while starting (%v)\n%s", zk.proc.cmd.ProcessState, tail)
		}
		if zk.ruok() == nil && zk.handshake() == nil {
			return nil
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("zookeeper did not respond to ruok on %s within %s\n%s",
				zk.Addr, zooKeeperStartTimeout, zk.LogTail(30))
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// handshake opens a client session as ClickHouse does and closes it
// again. ZooKeeper replies to ruok as soon as its process runs, but closes
// client connections until its server is up, and a ClickHouse server that
// connects in that moment fails its first DDL.
func (zk *ZooKeeper) handshake() error {
	conn, err := net.DialTimeout("tcp", zk.Addr, time.Second)
	if err != nil {
		return err
	}
	defer conn.Close()
	conn.SetDeadline(time.Now().Add(2 * time.Second))

	// A ConnectRequest: protocol version, last zxid seen, session timeout
	// in ms, session id, and a 16-byte password, after its length.
	var req bytes.Buffer
	binary.Write(&req, binary.BigEndian, struct {
		Version   int32
		LastZxid  int64
		Timeout   int32
		SessionID int64
		PassLen   int32
		Pass      [16]byte
	}{Timeout: 4000, PassLen: 16})
	frame := binary.BigEndian.AppendUint32(nil, uint32(req.Len()))
	if _, err := conn.Write(append(frame, req.Bytes()...)); err != nil {
		return fmt.Errorf("send connect request: %w", err)
	}
	// The ConnectResponse has the same fields but the zxid. A server that
	// is not ready closes the connection instead.
	var size uint32
	if err := binary.Read(conn, binary.BigEndian, &size); err != nil {
		return fmt.Errorf("read connect response: %w", err)
	}
	if size < 4+4+8 {
		return fmt.Errorf("connect response too short: %d bytes", size)
	}
	if _, err := io.CopyN(io.Discard, conn, int64(size)); err != nil {
		return fmt.Errorf("read connect response: %w", err)
	}
	return nil
}

// ruok sends the four-letter word ruok and wants imok back.
func (zk *ZooKeeper) ruok() error {
	conn, err := net.DialTimeout("tcp", zk.Addr, time.Second)
	if err != nil {
		return err
	}
	defer conn.Close()
	conn.SetDeadline(time.Now().Add(time.Second))
	if _, err := conn.Write([]byte("ruok")); err != nil {
		return err
	}
	reply := make([]byte, 4)
	n, err := conn.Read(reply)
	if string(reply[:n]) != "imok" {
		return fmt.Errorf("ruok: got %q (%v), want imok", reply[:n], err)
	}
	return nil
}

// Stop sends SIGTERM to the JVM's process group, and SIGKILL after 10 s.
// Later calls return the first call's result.
func (zk *ZooKeeper) Stop() error {
	return zk.proc.stop(zooKeeperStopTimeout, func() string { return zk.LogTail(20) })
}

func (zk *ZooKeeper) exited() bool { return zk.proc.exited() }

// LogTail returns the last n lines of ZooKeeper's output, for error
// messages.
func (zk *ZooKeeper) LogTail(n int) string {
	data, err := os.ReadFile(filepath.Join(zk.Dir, "zookeeper.log"))
	if err != nil {
		return ""
	}
	lines := strings.Split(strings.TrimRight(string(data), "\n"), "\n")
	lines = lines[max(0, len(lines)-n):]
	return fmt.Sprintf("--- zookeeper.log (last %d lines)\n%s\n", len(lines), strings.Join(lines, "\n"))
}

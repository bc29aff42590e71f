package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"maps"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// TestAddressTaken checks that serve and demo stop at once when another
// process listens on their address: before the demo generates or imports
// anything, with a Chinese message that names the address and the way to
// choose another one.
func TestAddressTaken(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	addr := ln.Addr().String()

	tests := []struct {
		name string
		args []string
		env  map[string]string
		hint string
	}{
		{"serve", []string{"serve", "--addr", addr}, nil, "bin/saima serve --addr 127.0.0.1:"},
		{"demo", []string{"demo", "--addr", addr, "--today", "2026-11-20"}, nil, "bin/saima demo --addr 127.0.0.1:"},
		{"demo from make", []string{"demo", "--addr", addr, "--today", "2026-11-20"},
			map[string]string{"MAKELEVEL": "1"}, "make demo ADDR=127.0.0.1:"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := newTestEnv(t)
			for k, v := range tt.env {
				e.env[k] = v
			}
			out := t.TempDir()
			args := tt.args
			if args[0] == "demo" {
				args = append(args, "--out", out)
			}
			code, stdout, stderr := e.run(args...)
			if code != 1 {
				t.Errorf("saima %s on a taken address exited %d, want 1", tt.name, code)
			}
			assertContains(t, "stderr", stderr, "地址 "+addr+" 已被其他程序占用", tt.hint)
			if strings.Contains(stdout, "提供服务") || strings.Contains(stdout, "演示数据已载入") {
				t.Errorf("saima %s on a taken address printed %q, want nothing on stdout", tt.name, stdout)
			}
			if files, _ := os.ReadDir(out); len(files) > 0 {
				t.Errorf("saima %s on a taken address wrote %d files to --out, want none", tt.name, len(files))
			}
		})
	}
}

// TestBackupDataDirInUse checks the message for a backup of a data folder
// that a running saima holds: it requests stopping that process, and does
// not suggest another data folder, which would back up nothing.
func TestBackupDataDirInUse(t *testing.T) {
	e := newTestEnv(t)
	e.openStore(t)

	out := filepath.Join(t.TempDir(), "backup")
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), "SAIMA_TEST_RUN=backup -o "+out)
	for k, v := range e.env {
		cmd.Env = append(cmd.Env, k+"="+v)
	}
	text, err := cmd.CombinedOutput()
	var exit *exec.ExitError
	if !errors.As(err, &exit) || exit.ExitCode() != 1 {
		t.Fatalf("saima backup in a second process = %v, want exit code 1; output:\n%s", err, text)
	}
	assertContains(t, "backup output", string(text), "内嵌数据库运行时不能备份，未写入备份", "请先停止该进程", "再运行 saima backup")
	if strings.Contains(string(text), "SAIMA_DATA_DIR=") {
		t.Errorf("backup output suggests another data folder:\n%s", text)
	}
	if _, err := os.Stat(out); !os.IsNotExist(err) {
		t.Errorf("backup folder %s exists after the refused backup (stat: %v)", out, err)
	}
}

// TestDataDirInUse checks what a second saima process prints on a data
// folder that chDB in this test binary holds: a Chinese message that names
// the folder and the ways out, with chDB's own text only as the cause.
func TestDataDirInUse(t *testing.T) {
	e := newTestEnv(t)
	e.openStore(t)

	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), "SAIMA_TEST_RUN=uploads")
	for k, v := range e.env {
		cmd.Env = append(cmd.Env, k+"="+v)
	}
	out, err := cmd.CombinedOutput()
	var exit *exec.ExitError
	if !errors.As(err, &exit) || exit.ExitCode() != 1 {
		t.Fatalf("saima uploads in a second process = %v, want exit code 1; output:\n%s", err, out)
	}
	text := string(out)
	if !strings.HasPrefix(text, "saima: 数据目录 "+dataDir+" 正由另一个 saima 进程") {
		t.Errorf("second process output starts %q, want the Chinese message first", text[:min(len(text), 120)])
	}
	assertContains(t, "second process output", text, fmt.Sprintf("进程号 %d", os.Getpid()),
		"Ctrl-C", "--data-dir", "SAIMA_DATA_DIR", "原因: ")
	if strings.Contains(text, "Code: 76") {
		t.Errorf("second process output shows chDB's own error line:\n%s", text)
	}
}

// TestTimeoutOptions checks that serve's timeouts take their flag, then
// their SAIMA_ environment variable, then the default: --read-timeout for
// one request, and --shutdown-timeout for how long serve waits for open
// requests when it stops, before it cancels the imports still running.
func TestTimeoutOptions(t *testing.T) {
	tests := []struct {
		name string
		args []string
		env  map[string]string
		read time.Duration
		stop time.Duration
	}{
		{"Default", nil, nil, time.Minute, 10 * time.Second},
		{"Flags", []string{"--read-timeout", "5m", "--shutdown-timeout", "1m"}, nil, 5 * time.Minute, time.Minute},
		{"Environment", nil, map[string]string{"SAIMA_READ_TIMEOUT": "90s", "SAIMA_SHUTDOWN_TIMEOUT": "30s"},
			90 * time.Second, 30 * time.Second},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := newTestEnv(t)
			maps.Copy(e.env, tt.env)
			a := &app{getenv: func(k string) string { return e.env[k] }, stdout: io.Discard, stderr: io.Discard}
			fs := flag.NewFlagSet("serve", flag.ContinueOnError)
			ef := &envFlags{fs: fs, getenv: a.getenv}
			a.cfg.register(ef, optAll)
			var sf serveFlags
			sf.register(ef)
			if err := fs.Parse(tt.args); err != nil {
				t.Fatalf("parse %q: %v", tt.args, err)
			}
			a.log = slog.New(slog.DiscardHandler)
			cfg, err := a.webConfig(sf)
			if err != nil {
				t.Fatalf("webConfig: %v", err)
			}
			if cfg.ReadTimeout != tt.read {
				t.Errorf("ReadTimeout = %v, want %v", cfg.ReadTimeout, tt.read)
			}
			if cfg.ShutdownTimeout != tt.stop {
				t.Errorf("ShutdownTimeout = %v, want %v", cfg.ShutdownTimeout, tt.stop)
			}
		})
	}
}

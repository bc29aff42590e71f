package main

import (
	"net"
	"os"
	"strings"
	"testing"
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

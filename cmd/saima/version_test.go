package main

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"runtime/debug"
	"strings"
	"testing"

	"saima/clickhouse/chtest"
)

// fakeLibrary writes a file named libchdb.so that is no library, with
// the package.json npm installs beside it when manifest is not empty, and
// returns its path. Loading it would fail, so a command that reports its
// version read it without loading it.
func fakeLibrary(t *testing.T, manifest string) string {
	t.Helper()
	dir := t.TempDir()
	lib := filepath.Join(dir, "libchdb.so")
	if err := os.WriteFile(lib, []byte("not a shared library"), 0o644); err != nil {
		t.Fatal(err)
	}
	if manifest != "" {
		if err := os.WriteFile(filepath.Join(dir, "package.json"), []byte(manifest), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return lib
}

// TestVersionCommand runs saima version and saima --version with a
// library that npm installed, one copied without its package.json and a
// missing one. Both forms print the same lines, and neither loads the
// library nor creates the data folder.
func TestVersionCommand(t *testing.T) {
	installed := fakeLibrary(t, `{"name": "@chdb/lib-linux-x64-gnu", "version": "26.5.3"}`)
	copied := fakeLibrary(t, "")
	missing := filepath.Join(t.TempDir(), "libchdb.so")
	tests := []struct {
		name, lib, want string
	}{
		{"Installed", installed, "chDB 库：26.5.3（" + installed + "）"},
		{"WithoutPackageJSON", copied, "chDB 库：版本未知（" + copied},
		{"Missing", missing, "chDB 库：未找到（" + missing + "）"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := newTestEnv(t)
			data := filepath.Join(t.TempDir(), "data")
			e.env["SAIMA_DATA_DIR"] = data
			e.env["SAIMA_CHDB_LIB"] = tt.lib
			out := e.mustRun("version")
			assertContains(t, "saima version", out, tt.want, "Go 版本："+runtime.Version()+"\n",
				"saima 模块版本：", "代码修订：", "修订时间：")
			if long := e.mustRun("--version"); long != out {
				t.Errorf("saima --version printed\n%s\nwant what saima version prints:\n%s", long, out)
			}
			if flag := e.mustRun("version", "--chdb-lib", installed); !strings.Contains(flag, "26.5.3") {
				t.Errorf("saima version --chdb-lib %s printed\n%s\nwant version 26.5.3", installed, flag)
			}
			if _, err := os.Stat(data); !os.IsNotExist(err) {
				t.Errorf("saima version created the data folder %s (stat error %v)", data, err)
			}
		})
	}

	e := newTestEnv(t)
	if code, _, _ := e.run("version", "extra"); code != 2 {
		t.Errorf("saima version extra exited %d, want 2", code)
	}
	_, help, _ := e.run("help")
	assertContains(t, "saima help", help, "\n  version ", "saima --version")
}

// TestWriteVersion checks the lines that writeVersion takes from the
// build information, and that a binary without it prints 未知.
func TestWriteVersion(t *testing.T) {
	info := &debug.BuildInfo{
		Main: debug.Module{Path: "saima", Version: "v0.0.0-20261206110422-0b7225d8cc01+dirty"},
		Settings: []debug.BuildSetting{
			{Key: "vcs", Value: "git"},
			{Key: "vcs.revision", Value: "0b7225d8cc012dd75d96a62b7f1b6bc370b0840f"},
			{Key: "vcs.time", Value: "2026-12-06T11:04:22Z"},
			{Key: "vcs.modified", Value: "true"},
		},
	}
	lib := fakeLibrary(t, `{"version": "26.5.3"}`)
	var b bytes.Buffer
	writeVersion(&b, info, lib)
	want := "saima 模块版本：v0.0.0-20261206110422-0b7225d8cc01+dirty\n" +
		"代码修订：0b7225d8cc012dd75d96a62b7f1b6bc370b0840f（构建时有未提交的改动）\n" +
		"修订时间：2026-12-06T11:04:22Z\n" +
		"Go 版本：" + runtime.Version() + "\n" +
		"chDB 库：26.5.3（" + lib + "）\n"
	if got := b.String(); got != want {
		t.Errorf("writeVersion printed\n%s\nwant\n%s", got, want)
	}

	b.Reset()
	writeVersion(&b, nil, lib)
	assertContains(t, "writeVersion(nil)", b.String(), "saima 模块版本：未知\n", "代码修订：未知（", "修订时间：未知\n")
}

// TestWriteVersionStamped checks that a binary whose build information
// has no VCS settings prints the revision that make build stamped, and
// prints how to stamp one when nothing was stamped either.
func TestWriteVersionStamped(t *testing.T) {
	lib := fakeLibrary(t, `{"version": "26.5.3"}`)
	bare := &debug.BuildInfo{Main: debug.Module{Path: "saima", Version: "(devel)"}}
	tests := []struct {
		name, revision, at string
		info               *debug.BuildInfo
		want               []string
	}{
		{"Stamped", "0b7225d8cc01", "2026-12-06T11:04:22Z", bare,
			[]string{"代码修订：0b7225d8cc01（由 make build 写入）\n", "修订时间：2026-12-06T11:04:22Z\n"}},
		{"StampedNoBuildInfo", "0b7225d8cc01", "", nil,
			[]string{"代码修订：0b7225d8cc01（由 make build 写入）\n", "修订时间：未知\n"}},
		{"Neither", "", "", bare,
			[]string{"代码修订：未知（构建信息里没有 Git 修订", "make build REVISION=修订号", "修订时间：未知\n"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			stampedRevision, stampedTime = tt.revision, tt.at
			t.Cleanup(func() { stampedRevision, stampedTime = "", "" })
			var b bytes.Buffer
			writeVersion(&b, tt.info, lib)
			assertContains(t, "writeVersion", b.String(), tt.want...)
		})
	}

	// Go's own settings win over a stamp, which may be older.
	stampedRevision, stampedTime = "stale", "2020-01-01T00:00:00Z"
	t.Cleanup(func() { stampedRevision, stampedTime = "", "" })
	info := &debug.BuildInfo{Settings: []debug.BuildSetting{
		{Key: "vcs.revision", Value: "0b7225d8cc01"},
		{Key: "vcs.time", Value: "2026-12-06T11:04:22Z"},
	}}
	var b bytes.Buffer
	writeVersion(&b, info, lib)
	assertContains(t, "writeVersion with VCS settings", b.String(),
		"代码修订：0b7225d8cc01\n", "修订时间：2026-12-06T11:04:22Z\n")
}

// TestMakeBuildStampsRevision checks the command that make build runs:
// in the checkout it stamps git's revision through -ldflags, and outside
// one it stamps the REVISION given on the command line.
func TestMakeBuildStampsRevision(t *testing.T) {
	for _, tool := range []string{"make", "git"} {
		if _, err := exec.LookPath(tool); err != nil {
			t.Skipf("%s is not installed: %v", tool, err)
		}
	}
	makefile, err := chtest.FindRepoFile("Makefile")
	if err != nil {
		t.Fatal(err)
	}
	head, err := exec.Command("git", "-C", filepath.Dir(makefile), "rev-parse", "HEAD").Output()
	if err != nil {
		t.Skipf("the source tree is not a Git checkout: %v", err)
	}
	dryRun := func(dir string, args ...string) string {
		t.Helper()
		cmd := exec.Command("make", append([]string{"-n", "-f", makefile, "build"}, args...)...)
		cmd.Dir = dir
		out, err := cmd.CombinedOutput()
		if err != nil {
			t.Fatalf("make -n build in %s: %v\n%s", dir, err, out)
		}
		return string(out)
	}

	inCheckout := dryRun(filepath.Dir(makefile))
	assertContains(t, "make -n build in the checkout", inCheckout,
		"-X main.stampedRevision="+strings.TrimSpace(string(head)), "-X main.stampedTime=20")

	tarball := t.TempDir()
	assertContains(t, "make -n build outside a checkout", dryRun(tarball, "REVISION=0b7225d8cc01"),
		"-X main.stampedRevision=0b7225d8cc01 ")
}

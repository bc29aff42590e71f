package main

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"io"
	"runtime"
	"runtime/debug"

	"saima/clickhouse"
)

func versionCommand(a *app, ef *envFlags) func(context.Context, []string) error {
	ef.str(&a.cfg.ChDBLib, "chdb-lib", "SAIMA_CHDB_LIB", clickhouse.DefaultLibraryPath, "libchdb.so 的路径")
	ef.fs.Usage = func() {
		writeHelp(ef.fs, "用法：saima version [选项]\n"+
			"\n"+
			"显示 saima 模块的版本、构建所用的 Git 修订和提交时间、构建它的 Go 版本，\n"+
			"以及找到 chDB 库时它的版本。库的版本从 npm 安装时写在它旁边的 package.json\n"+
			"里读取，不加载库，也不打开数据文件夹。\"saima --version\" 显示同样的内容。")
	}
	return func(ctx context.Context, args []string) error {
		if len(args) > 0 {
			ef.fs.Usage()
			return usagef("saima version 不带参数")
		}
		info, _ := debug.ReadBuildInfo()
		writeVersion(a.stdout, info, a.cfg.ChDBLib)
		return nil
	}
}

// stampedRevision and stampedTime are the Git revision and commit time
// that make build writes with -ldflags "-X main.stampedRevision=…", for a
// build where Go records no VCS settings (GOFLAGS=-buildvcs=false, or a
// source tree that Go does not see as a checkout). Empty when the binary
// was built without them.
var stampedRevision, stampedTime string

// unknownRevision is the revision line of a binary that neither Go's
// build information nor make build stamped.
const unknownRevision = "未知（构建信息里没有 Git 修订，构建时也没有写入修订号；" +
	"请在 Git 检出目录里用 make build 构建，或用 make build REVISION=修订号 写入）"

// writeVersion prints the build of saima that info describes (nil when
// the binary has no build information) and the chDB library at lib.
// The revision and its time come from info and, when info lacks them,
// from stampedRevision and stampedTime.
func writeVersion(w io.Writer, info *debug.BuildInfo, lib string) {
	module, revision, at, modified := "未知", "", "", false
	if info != nil && info.Main.Version != "" {
		module = info.Main.Version
	}
	if info != nil {
		for _, s := range info.Settings {
			switch s.Key {
			case "vcs.revision":
				revision = s.Value
			case "vcs.time":
				at = s.Value
			case "vcs.modified":
				modified = s.Value == "true"
			}
		}
	}
	switch {
	case revision == "" && stampedRevision != "":
		revision = stampedRevision + "（由 make build 写入）"
	case revision == "":
		revision = unknownRevision
	case modified:
		revision += "（构建时有未提交的改动）"
	}
	if at == "" {
		at = cmp.Or(stampedTime, "未知")
	}
	fmt.Fprintf(w, "saima 模块版本：%s\n", module)
	fmt.Fprintf(w, "代码修订：%s\n", revision)
	fmt.Fprintf(w, "修订时间：%s\n", at)
	fmt.Fprintf(w, "Go 版本：%s\n", runtime.Version())
	fmt.Fprintf(w, "chDB 库：%s\n", libraryLine(lib))
}

// libraryLine describes the chDB library at lib: its version and path,
// or why the version is not known.
func libraryLine(lib string) string {
	version, err := clickhouse.LibraryVersion(lib)
	switch {
	case errors.Is(err, clickhouse.ErrLibraryNotFound):
		return "未找到（" + lib + "）；嵌入式引擎需要它，安装方法：" + clickhouse.LibraryInstallHint
	case err != nil:
		return "版本未知（" + lib + "；它旁边没有 npm 安装时写下的 package.json，或其中没有版本号）"
	}
	return version + "（" + lib + "）"
}

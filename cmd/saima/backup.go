package main

import (
	"context"
	"errors"
	"fmt"
	"net"
	"os"
	"strings"

	"saima"
	"saima/clickhouse"
)

// backupCommand writes every table of the database to a new folder.
func backupCommand(a *app, ef *envFlags) func(context.Context, []string) error {
	var out string
	ef.fs.StringVar(&out, "o", "", "要创建的备份文件夹，不能已存在（必填）")
	httpAddr := httpAddrFlag(ef)
	ef.fs.Usage = func() {
		writeHelp(ef.fs, "用法：saima backup -o FOLDER [选项]\n"+
			"\n"+
			"把数据库的每张表以 ClickHouse 的 Native 格式写入一个新文件夹，并写一份清单，\n"+
			"记下库结构版本、行数和 SHA-256 校验和。用内嵌引擎时先停止 saima serve：\n"+
			"数据文件夹一次只允许一个进程打开，这样备份期间没有写入。用服务器时先停止\n"+
			"所有 saima 实例。备份期间某张表的行数变了，备份就失败。用 saima restore 恢复。")
	}
	return func(ctx context.Context, args []string) error {
		if len(args) > 0 || out == "" {
			return usagef("用法：saima backup -o 备份目录。备份目录必须是一个尚不存在的目录，如 -o backup-20261120")
		}
		if a.cfg.Engine == "embedded" {
			// Opening a data folder that does not exist creates an empty one,
			// whose backup would look like a good one.
			if info, err := os.Stat(a.cfg.DataDir); err != nil || !info.IsDir() {
				return saima.Errorf(saima.KindNotFound, "数据目录 %s 不存在，没有可备份的数据，未写入备份；"+
					"请用 --data-dir 指定 saima serve 所用的数据目录", a.cfg.DataDir)
			}
		}
		st, err := a.openStore(ctx)
		if locked, ok := errors.AsType[*clickhouse.LockedError](err); ok {
			// The generic message offers another data folder, which would
			// back up nothing.
			return saima.Wrap(saima.KindConflict, lockedBackupMessage(a.cfg.DataDir, locked.PID), locked)
		}
		if err != nil {
			return err
		}
		m, err := st.Backup(ctx, out, a.backupOptions(*httpAddr))
		if err != nil {
			return err
		}
		var rows uint64
		for _, t := range m.Tables {
			rows += t.Rows
		}
		if rows == 0 {
			// Backup created out, so removing it takes nothing of the user's.
			if err := os.RemoveAll(out); err != nil {
				a.log.Warn("remove the empty backup", "dir", out, "err", err)
			}
			return saima.Errorf(saima.KindNotFound, "数据库 %s 中没有任何数据，未写入备份；"+
				"请核对 --data-dir 和 --database 是否是 saima serve 所用的", m.Database)
		}
		fmt.Fprintf(a.stdout, "备份已写入 %s：数据库 %s，%d 张表，共 %d 行，数据库结构版本 %d\n",
			out, m.Database, len(m.Tables), rows, m.SchemaVersion)
		return nil
	}
}

// restoreCommand loads a backup folder into an empty database.
func restoreCommand(a *app, ef *envFlags) func(context.Context, []string) error {
	httpAddr := httpAddrFlag(ef)
	ef.fs.Usage = func() {
		writeHelp(ef.fs, "用法：saima restore [选项] FOLDER\n"+
			"\n"+
			"按清单检查 saima backup 写出的备份里的每个文件，然后载入 --data-dir 或\n"+
			"--database 指定的数据库，该数据库必须没有数据。较旧库结构的备份，新增的\n"+
			"列取默认值；较新库结构的备份会被拒绝。它先把每张表载入临时表，全部载入\n"+
			"并核对行数后才改名就位，所以恢复失败或被终止时数据库仍是空的：直接再运行\n"+
			"一次即可，无需清理。")
	}
	return func(ctx context.Context, args []string) error {
		if len(args) != 1 {
			return usagef("用法：saima restore 备份目录，如 saima restore --data-dir data-new backup-20261120")
		}
		// Check the whole backup before opening the target, so a damaged
		// one leaves even a data folder that does not exist yet untouched.
		m, err := clickhouse.ReadBackup(args[0])
		if err != nil {
			return err
		}
		st, err := a.openStore(ctx)
		if err != nil {
			return err
		}
		if err := st.Restore(ctx, args[0], m, a.backupOptions(*httpAddr)); err != nil {
			return err
		}
		var rows uint64
		for _, t := range m.Tables {
			rows += t.Rows
		}
		fmt.Fprintf(a.stdout, "已从 %s 恢复到数据库 %s：%d 张表，共 %d 行（备份于 %s，数据库结构版本 %d）\n",
			args[0], st.Database(), len(m.Tables), rows, m.Created.In(saima.Beijing).Format("2006-01-02 15:04:05")+" 北京时间",
			m.SchemaVersion)
		return nil
	}
}

func httpAddrFlag(ef *envFlags) *string {
	var addr string
	ef.str(&addr, "ch-http-addr", "SAIMA_CH_HTTP_ADDR", "",
		"与 --engine server 一起用：传送数据的服务器 HTTP 接口 host:port"+
			"（默认：第一个 --ch-addr 的主机，端口 8123）")
	return &addr
}

// backupOptions returns the address and credentials of the server's HTTP
// interface. The embedded engine ignores them.
func (a *app) backupOptions(httpAddr string) clickhouse.BackupOptions {
	if httpAddr == "" {
		first, _, _ := strings.Cut(a.cfg.Server.Addrs, ",")
		if host, _, err := net.SplitHostPort(strings.TrimSpace(first)); err == nil {
			httpAddr = net.JoinHostPort(host, "8123")
		}
	}
	return clickhouse.BackupOptions{HTTPAddr: httpAddr, User: a.cfg.Server.User, Password: a.cfg.Server.Password}
}

// lockedBackupMessage returns the message for a backup of a data folder
// that another process, pid when it is not 0, has open.
func lockedBackupMessage(dir string, pid int) string {
	holder := "另一个 saima 进程"
	if pid > 0 {
		holder = fmt.Sprintf("另一个 saima 进程（进程号 %d）", pid)
	}
	return fmt.Sprintf("数据目录 %s 正由%s使用，内嵌数据库运行时不能备份，未写入备份。"+
		"请先停止该进程（saima serve 或 make demo，在运行它的终端按 Ctrl-C），再运行 saima backup，之后重新启动服务", dir, holder)
}

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
	ef.fs.StringVar(&out, "o", "", "the backup folder to create; it must not exist (required)")
	httpAddr := httpAddrFlag(ef)
	ef.fs.Usage = func() {
		fmt.Fprintln(ef.fs.Output(), "Usage: saima backup -o FOLDER [options]\n\n"+
			"Writes every table of the database, in ClickHouse's Native format, and a\n"+
			"manifest with the schema version, row counts and SHA-256 sums into a new\n"+
			"folder. With the embedded engine, stop saima serve first: the data folder\n"+
			"admits one process, so nothing writes while the backup runs. With a\n"+
			"server, stop every saima instance first. The backup fails when a table's\n"+
			"row count changed while it ran. Restore it with saima restore.\n\nOptions:")
		ef.fs.PrintDefaults()
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
		fmt.Fprintln(ef.fs.Output(), "Usage: saima restore [options] FOLDER\n\n"+
			"Checks every file of a backup that saima backup wrote against its\n"+
			"manifest, then loads it into the database named by --data-dir or\n"+
			"--database, which must hold no rows. A backup of an older schema gets\n"+
			"the defaults of the newer columns; one of a newer schema is rejected.\n"+
			"It loads every table into a staging table and renames them into place\n"+
			"only once all are loaded and counted, so a restore that fails or is\n"+
			"killed leaves the database empty: run it again, with no clean-up.\n\nOptions:")
		ef.fs.PrintDefaults()
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
		"with --engine server, the server's HTTP interface as host:port, which carries the data "+
			"(default: the host of the first --ch-addr, port 8123)")
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

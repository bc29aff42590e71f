package clickhouse

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"time"

	"saima"
)

// BackupFormat is the layout version of the backup folders that this
// saima writes. [ReadBackup] accepts only this version.
const BackupFormat = 1

// ManifestFile is the name of the manifest inside a backup folder.
const ManifestFile = "saima-backup.json"

// Manifest describes a backup folder: the schema it was taken at and, for
// each table, its columns, its row count and the SHA-256 of its data file.
type Manifest struct {
	Format        int           `json:"format"`
	SchemaVersion int           `json:"schema_version"`
	Database      string        `json:"database"`
	Engine        string        `json:"engine"`
	Created       time.Time     `json:"created"`
	Tables        []TableBackup `json:"tables"`
}

// TableBackup is one table of a backup. File holds its rows in
// ClickHouse's Native format, with the columns in the order of Columns.
type TableBackup struct {
	Name    string   `json:"name"`
	Columns []Column `json:"columns"`
	Rows    uint64   `json:"rows"`
	File    string   `json:"file"`
	Bytes   int64    `json:"bytes"`
	SHA256  string   `json:"sha256"`
}

// Column is a column name and its ClickHouse type.
type Column struct {
	Name string `json:"name"`
	Type string `json:"type"`
}

// BackupOptions configures how the store copies Native data. The embedded
// engine needs none of it. The server engine sends the data over the
// server's HTTP interface, because the native protocol client returns
// decoded rows rather than Native bytes.
type BackupOptions struct {
	// HTTPAddr is the server's HTTP interface as host:port (its
	// http_port, 8123 by default).
	HTTPAddr string
	User     string
	// Password is sent with User in each request's Authorization header
	// (HTTP basic authentication), never in its URL, and never logged.
	Password string
}

// nativeCopier moves a table's rows between the engine and a Native file.
type nativeCopier interface {
	// dumpNative writes the rows of query, a SELECT, to a new file at path.
	dumpNative(ctx context.Context, query, path string) error
	// loadNative inserts the rows of the file at path into table's columns.
	loadNative(ctx context.Context, table string, columns []Column, path string) error
}

// LatestSchemaVersion returns the number of the newest schema file built
// into this binary.
func LatestSchemaVersion() int {
	migrations, err := Migrations("db")
	if err != nil || len(migrations) == 0 {
		return 0
	}
	return migrations[len(migrations)-1].Version
}

// Backup writes every table of the store's database, except the schema
// log, to a new folder at dir, with a [Manifest]. It writes into a sibling
// folder first and renames it to dir only once everything is on disk, so
// dir either contains a whole backup or does not exist.
//
// Backup takes no lock on a server. It counts every table's rows before
// and after copying, and fails with [saima.KindConflict] when a count
// changed, because then a write landed while it ran. The embedded engine
// needs no check, because one process holds its data folder.
func (s *Store) Backup(ctx context.Context, dir string, opts BackupOptions) (*Manifest, error) {
	copier, err := s.copier(opts)
	if err != nil {
		return nil, err
	}
	if _, err := os.Lstat(dir); err == nil {
		return nil, saima.Errorf(saima.KindConflict,
			"备份目录 %s 已存在。saima backup 只写入新目录，不覆盖已有内容：请换一个不存在的目录名，或先移走这个目录", dir)
	}
	parent := filepath.Dir(dir)
	tmp, err := os.MkdirTemp(parent, filepath.Base(dir)+".partial-")
	if errors.Is(err, fs.ErrNotExist) {
		return nil, saima.Wrap(saima.KindNotFound, fmt.Sprintf(
			"无法写入备份 %s：上级目录 %s 不存在，什么也没有写入。请先创建它（如 mkdir -p %s），或换一个目录", dir, parent, parent), err)
	}
	if err != nil {
		return nil, backupError(err, parent)
	}

	m, err := s.backupInto(ctx, tmp, copier)
	if err == nil {
		err = os.Rename(tmp, dir)
	}
	if err != nil {
		os.RemoveAll(tmp)
		return nil, backupError(err, dir)
	}
	s.log.Info("backup written", "dir", dir, "tables", len(m.Tables), "schema_version", m.SchemaVersion)
	return m, nil
}

func (s *Store) backupInto(ctx context.Context, tmp string, copier nativeCopier) (*Manifest, error) {
	version, err := s.schemaVersion(ctx)
	if err != nil {
		return nil, err
	}
	tables, err := s.ownedTables(ctx)
	if err != nil {
		return nil, err
	}
	before, err := s.countTables(ctx, tables)
	if err != nil {
		return nil, err
	}

	m := &Manifest{Format: BackupFormat, SchemaVersion: version, Database: s.database,
		Engine: s.engine.Name(), Created: time.Now().UTC()}
	for _, t := range tables {
		tb, err := s.dumpTable(ctx, tmp, t, before[t.name], copier)
		if err != nil {
			return nil, err
		}
		m.Tables = append(m.Tables, tb)
		if backupDumped != nil {
			backupDumped(t.name)
		}
	}

	after, err := s.countTables(ctx, tables)
	if err != nil {
		return nil, err
	}
	for _, t := range tables {
		if before[t.name] != after[t.name] {
			return nil, saima.Errorf(saima.KindConflict,
				"备份期间表 %s 的行数从 %d 变为 %d，说明有 saima 实例在写入，这份备份不一致，已丢弃。"+
					"请停止所有 saima 实例（或至少停止上传和发布）后重新运行 saima backup",
				t.name, before[t.name], after[t.name])
		}
	}
	return m, writeManifest(tmp, m)
}

// backupDumped, when set, runs after each table's data file is written.
// Tests set it to write while a backup runs.
var backupDumped func(table string)

type ownedTable struct {
	name    string
	columns []Column
}

// ownedTables lists the MergeTree tables of the store's database, with
// their stored columns, leaving out schema_migrations, which the restoring
// store writes itself, and the staging tables of a restore.
func (s *Store) ownedTables(ctx context.Context) ([]ownedTable, error) {
	rows, err := s.engine.Query(ctx, "SELECT table, name, type, default_kind FROM system.columns "+
		"WHERE database = ? AND table IN (SELECT name FROM system.tables "+
		"WHERE database = ? AND engine LIKE '%MergeTree' AND name != 'schema_migrations' "+
		"AND NOT startsWith(name, ?)) "+
		"ORDER BY table", s.database, s.database, restorePrefix)
	if err != nil {
		return nil, fmt.Errorf("list tables: %w", err)
	}
	var tables []ownedTable
	err = scanAll(rows, func() error {
		var table, name, typ, kind string
		if err := rows.Scan(&table, &name, &typ, &kind); err != nil {
			return err
		}
		if kind == "MATERIALIZED" || kind == "ALIAS" {
			return nil
		}
		if len(tables) == 0 || tables[len(tables)-1].name != table {
			tables = append(tables, ownedTable{name: table})
		}
		last := &tables[len(tables)-1]
		last.columns = append(last.columns, Column{Name: name, Type: typ})
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("list tables: %w", err)
	}
	return tables, nil
}

func (s *Store) schemaVersion(ctx context.Context) (int, error) {
	applied, err := appliedVersions(ctx, s.engine, s.database)
	if err != nil {
		return 0, err
	}
	version := 0
	for v := range applied {
		version = max(version, v)
	}
	return version, nil
}

func (s *Store) countTables(ctx context.Context, tables []ownedTable) (map[string]uint64, error) {
	counts := map[string]uint64{}
	for _, t := range tables {
		n, err := countRows(ctx, s.engine, "SELECT count() FROM "+s.table(t.name))
		if err != nil {
			return nil, fmt.Errorf("count %s: %w", t.name, err)
		}
		counts[t.name] = n
	}
	return counts, nil
}

func (s *Store) dumpTable(ctx context.Context, dir string, t ownedTable, rows uint64,
	copier nativeCopier) (TableBackup, error) {
	tb := TableBackup{Name: t.name, Columns: t.columns, Rows: rows, File: t.name + ".native"}
	path := filepath.Join(dir, tb.File)
	query := "SELECT " + columnList(t.columns) + " FROM " + s.table(t.name)
	if err := copier.dumpNative(ctx, query, path); err != nil {
		return tb, fmt.Errorf("back up %s: %w", t.name, err)
	}
	if counter, ok := copier.(nativeCounter); ok {
		if err := checkDump(ctx, counter, tb, path); err != nil {
			return tb, err
		}
	}
	size, sum, err := hashFile(path)
	if err != nil {
		return tb, err
	}
	tb.Bytes, tb.SHA256 = size, sum
	return tb, nil
}

// nativeCounter counts the rows of a Native file that the engine reads
// itself.
type nativeCounter interface {
	countNative(ctx context.Context, columns []Column, path string) (uint64, error)
}

// checkDump reads back the file that the embedded engine wrote and
// compares its rows with the table's. chDB 26.5 returns no error when
// INTO OUTFILE runs out of disk space: it leaves the file cut short, or
// empty, and reports success.
func checkDump(ctx context.Context, counter nativeCounter, tb TableBackup, path string) error {
	n, err := counter.countNative(ctx, tb.Columns, path)
	if err == nil && n != tb.Rows {
		err = fmt.Errorf("%s contains %d rows, but table %s has %d", path, n, tb.Name, tb.Rows)
	}
	if err != nil {
		return fmt.Errorf("check the backup of %s: %w", tb.Name, err)
	}
	return nil
}

func columnList(columns []Column) string {
	names := make([]string, len(columns))
	for i, c := range columns {
		names[i] = c.Name
	}
	return strings.Join(names, ", ")
}

func hashFile(path string) (int64, string, error) {
	f, err := os.Open(path)
	if err != nil {
		return 0, "", err
	}
	defer f.Close()
	h := sha256.New()
	n, err := io.Copy(h, f)
	if err != nil {
		return 0, "", err
	}
	return n, hex.EncodeToString(h.Sum(nil)), nil
}

// backupFileMode is the mode of every file of a backup. accounts.native
// contains the password and token hashes, and files copied out of the
// folder into another keep their own modes, not the folder's.
const backupFileMode = 0o600

// writeManifest writes m into dir, makes it and every data file readable
// by their owner only, and syncs them, so that the rename that publishes
// the folder follows complete files. chDB creates its INTO OUTFILE files
// with the mode 0666 less the umask.
func writeManifest(dir string, m *Manifest) error {
	body, err := json.MarshalIndent(m, "", "  ")
	if err != nil {
		return err
	}
	if err := os.WriteFile(filepath.Join(dir, ManifestFile), append(body, '\n'), backupFileMode); err != nil {
		return err
	}
	names := []string{ManifestFile}
	for _, t := range m.Tables {
		names = append(names, t.File)
	}
	for _, name := range names {
		path := filepath.Join(dir, name)
		if err := os.Chmod(path, backupFileMode); err != nil {
			return err
		}
		if err := syncFile(path); err != nil {
			return err
		}
	}
	return syncFile(dir)
}

func syncFile(path string) error {
	f, err := os.Open(path)
	if err != nil {
		return err
	}
	defer f.Close()
	return f.Sync()
}

// backupError turns a failed backup into a message for the operator,
// naming dir. A full disk has its own message, whether Go or the engine
// ran into it, and so does a file that could not be created or written.
func backupError(err error, dir string) error {
	if _, ok := errors.AsType[*saima.Error](err); ok {
		return err
	}
	if errors.Is(err, syscall.ENOSPC) || folderDiskFull(dir) {
		return saima.Wrap(saima.KindUnavailable, fmt.Sprintf(
			"磁盘空间不足，无法写完备份 %s，未完成的部分已删除。请腾出空间，或用 -o 指定另一块磁盘上的目录后重试", dir), err)
	}
	_, isPath := errors.AsType[*fs.PathError](err)
	_, isLink := errors.AsType[*os.LinkError](err)
	if isPath || isLink {
		return saima.Wrap(saima.KindUnavailable, fmt.Sprintf(
			"无法写入备份 %s，未完成的部分已删除。请检查它的上级目录存在且可写后重试", dir), err)
	}
	return saima.Wrap(saima.KindUnavailable, fmt.Sprintf(
		"备份 %s 失败，未完成的部分已删除。请按下面的原因排除问题后重试", dir), err)
}

// folderDiskFull reports whether the file system that holds path, or its
// nearest existing parent, has less than 1 MiB free for this user. A
// failed backup on such a disk most likely failed for want of space.
func folderDiskFull(path string) bool {
	for {
		var st syscall.Statfs_t
		if err := syscall.Statfs(path, &st); err == nil {
			return uint64(st.Bavail)*uint64(st.Bsize) < 1<<20
		}
		parent := filepath.Dir(path)
		if parent == path {
			return false
		}
		path = parent
	}
}

// ReadBackup reads the manifest of the backup folder at dir and checks
// every data file's size and SHA-256 against it, before anything is
// restored. It fails with [saima.KindInvalid] on a folder that is not a
// backup, a truncated or changed file, or a backup of a newer schema than
// this binary's.
func ReadBackup(dir string) (*Manifest, error) {
	body, err := os.ReadFile(filepath.Join(dir, ManifestFile))
	if errors.Is(err, os.ErrNotExist) {
		return nil, saima.Errorf(saima.KindInvalid,
			"%s 不是 saima 备份：缺少清单文件 %s。请指定 saima backup 写出的目录", dir, ManifestFile)
	}
	if err != nil {
		return nil, saima.Wrap(saima.KindInvalid, fmt.Sprintf("无法读取备份清单 %s", filepath.Join(dir, ManifestFile)), err)
	}
	var m Manifest
	if err := json.Unmarshal(body, &m); err != nil {
		return nil, saima.Wrap(saima.KindInvalid, fmt.Sprintf(
			"备份清单 %s 已损坏（不是完整的 JSON），备份无法使用，没有恢复任何数据。请换一份完好的备份",
			filepath.Join(dir, ManifestFile)), err)
	}
	if err := checkManifest(dir, &m); err != nil {
		return nil, err
	}
	for _, t := range m.Tables {
		if err := checkDataFile(dir, t); err != nil {
			return nil, err
		}
	}
	return &m, nil
}

func checkManifest(dir string, m *Manifest) error {
	if m.Format != BackupFormat {
		return saima.Errorf(saima.KindInvalid,
			"备份 %s 的格式版本是 %d，这个 saima 只能读取格式版本 %d。请用写出这份备份的 saima 版本恢复",
			dir, m.Format, BackupFormat)
	}
	if latest := LatestSchemaVersion(); m.SchemaVersion > latest {
		return saima.Errorf(saima.KindInvalid,
			"备份 %s 来自更新的 saima，数据库结构版本为 %d，而这个 saima 只认识到版本 %d。"+
				"请先把 saima 升级到不低于备份时的版本，再恢复", dir, m.SchemaVersion, latest)
	}
	for _, t := range m.Tables {
		if !identRE.MatchString(t.Name) || t.File != t.Name+".native" || len(t.Columns) == 0 {
			return saima.Errorf(saima.KindInvalid,
				"备份清单 %s 中的表 %q 无效（表名、文件名或列表不对），备份已被改动或损坏，没有恢复任何数据。请换一份完好的备份",
				filepath.Join(dir, ManifestFile), t.Name)
		}
		for _, c := range t.Columns {
			if !identRE.MatchString(c.Name) || c.Type == "" || strings.ContainsAny(c.Type, ";\n\\") {
				return saima.Errorf(saima.KindInvalid,
					"备份清单 %s 中表 %s 的列 %q（类型 %q）无效，备份已被改动或损坏，没有恢复任何数据。请换一份完好的备份",
					filepath.Join(dir, ManifestFile), t.Name, c.Name, c.Type)
			}
		}
	}
	return nil
}

func checkDataFile(dir string, t TableBackup) error {
	path := filepath.Join(dir, t.File)
	size, sum, err := hashFile(path)
	if errors.Is(err, os.ErrNotExist) {
		return saima.Errorf(saima.KindInvalid,
			"备份缺少表 %s 的数据文件 %s，没有恢复任何数据。请换一份完好的备份", t.Name, path)
	}
	if err != nil {
		return saima.Wrap(saima.KindInvalid, fmt.Sprintf("无法读取备份数据文件 %s", path), err)
	}
	if size != t.Bytes {
		return saima.Errorf(saima.KindInvalid,
			"备份数据文件 %s 有 %d 字节，清单记载 %d 字节：文件被截断或改动，没有恢复任何数据。请换一份完好的备份",
			path, size, t.Bytes)
	}
	if sum != t.SHA256 {
		return saima.Errorf(saima.KindInvalid,
			"备份数据文件 %s 的 SHA-256 为 %s，与清单记载的 %s 不符：文件被改动或损坏，没有恢复任何数据。请换一份完好的备份",
			path, sum, t.SHA256)
	}
	return nil
}

// copier returns how the store's engine copies Native data, or an error
// naming what is missing.
func (s *Store) copier(opts BackupOptions) (nativeCopier, error) {
	if s.cluster != nil {
		return nil, saima.Errorf(saima.KindInvalid,
			"saima backup 和 restore 暂不支持集群（--ch-cluster），没有写入任何数据。"+
				"集群需要逐个分片备份，docs/cluster.md 的 Backup and restore 一节说明了做法，但这些步骤尚未经过测试")
	}
	if c := s.engine.fileCopier(); c != nil {
		return c, nil
	}
	if opts.HTTPAddr == "" {
		return nil, saima.Errorf(saima.KindInvalid,
			"服务器引擎的备份和恢复经由 ClickHouse 的 HTTP 接口传送数据，请用 --ch-http-addr 给出它的地址（如 127.0.0.1:8123）")
	}
	return newHTTPCopier(opts), nil
}

// fileCopier implements Engine.
func (s *sharedEmbedded) fileCopier() nativeCopier { return s }

// dumpNative implements nativeCopier with chDB's INTO OUTFILE, which
// writes the file itself.
func (s *sharedEmbedded) dumpNative(ctx context.Context, query, path string) error {
	path, err := filepath.Abs(path)
	if err != nil {
		return err
	}
	return s.Exec(ctx, query+" INTO OUTFILE ? FORMAT Native", path)
}

// loadNative implements nativeCopier with the file table function, given
// the columns' types so that chDB reads no schema from the file.
func (s *sharedEmbedded) loadNative(ctx context.Context, table string, columns []Column, path string) error {
	path, err := filepath.Abs(path)
	if err != nil {
		return err
	}
	list := columnList(columns)
	return s.Exec(ctx, "INSERT INTO "+table+" ("+list+") SELECT "+list+" FROM file(?, 'Native', ?)",
		path, fileStructure(columns))
}

// countNative implements nativeCounter.
func (s *sharedEmbedded) countNative(ctx context.Context, columns []Column, path string) (uint64, error) {
	path, err := filepath.Abs(path)
	if err != nil {
		return 0, err
	}
	return countRows(ctx, s, "SELECT count() FROM file(?, 'Native', ?)", path, fileStructure(columns))
}

// fileStructure returns the structure argument of the file table function.
func fileStructure(columns []Column) string {
	structure := make([]string, len(columns))
	for i, c := range columns {
		structure[i] = c.Name + " " + c.Type
	}
	return strings.Join(structure, ", ")
}

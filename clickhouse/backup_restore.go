package clickhouse

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"slices"
	"strings"

	"saima"
)

// A restore loads every table of a backup into a staging table of the
// target database, named stagingPrefix plus the table's name. Once every
// staging table has the manifest's row count, one RENAME TABLE moves them
// into place. The empty tables that they replace move aside under
// asidePrefix and are dropped last. No table of the schema
// starts with restorePrefix, and ownedTables leaves such tables out, so
// a backup never copies them.
//
// ClickHouse 18.16 has neither EXCHANGE TABLES nor RENAME DATABASE, so
// the renames are the one step that both engines run.
const (
	restorePrefix = "restore_"
	stagingPrefix = restorePrefix + "new_"
	asidePrefix   = restorePrefix + "old_"
)

// restoreStep, when set, runs after each step of a restore: "loaded
// TABLE" after a staging table is filled and checked, "renamed" after the
// staging tables are in place. Tests set it to kill the process there.
var restoreStep func(step string)

func restoreReached(step string) {
	if restoreStep != nil {
		restoreStep(step)
	}
}

// Restore loads the backup m, read from dir by [ReadBackup], into the
// store's database, which must contain no rows. The store has applied every
// schema file already, so the tables of an older backup get their newer
// columns' defaults. It fails with [saima.KindConflict] on a database that
// holds rows.
//
// Restore is all or nothing: it fills staging tables, checks each one's
// row count against the manifest and only then renames them into place.
// A restore that fails drops its staging tables and leaves the database
// empty. One that was killed leaves them behind, and the next Restore on
// the database drops them before it starts.
func (s *Store) Restore(ctx context.Context, dir string, m *Manifest, opts BackupOptions) error {
	copier, err := s.copier(opts)
	if err != nil {
		return err
	}
	if err := s.undoRestore(ctx, true); err != nil {
		return restoreCleanupError(s.database, err)
	}
	tables, err := s.ownedTables(ctx)
	if err != nil {
		return err
	}
	if err := s.checkEmpty(ctx, tables); err != nil {
		return err
	}
	if err := checkColumns(m, tables, s.database); err != nil {
		return err
	}

	for _, t := range m.Tables {
		if err := s.loadStaging(ctx, dir, t, targetTypes(t, tables), copier); err != nil {
			return s.failedRestore(ctx, t.Name, err)
		}
		restoreReached("loaded " + t.Name)
	}
	if err := s.renameStaging(ctx, m); err != nil {
		return s.failedRestore(ctx, "", err)
	}
	restoreReached("renamed")
	if err := s.dropRestoreTables(ctx, asidePrefix); err != nil {
		// The rows are in place, so only empty tables are left over, and
		// the next restore or a DROP TABLE removes them.
		s.log.Warn("drop the tables that a restore replaced", "database", s.database, "err", err)
	}
	s.log.Info("backup restored", "dir", dir, "database", s.database, "tables", len(m.Tables))
	return nil
}

// loadStaging creates the staging table of t with the target table's
// structure and engine, loads t's data file into it and compares its row
// count with the manifest's.
func (s *Store) loadStaging(ctx context.Context, dir string, t TableBackup, columns []Column,
	copier nativeCopier) error {
	staging := s.table(stagingPrefix + t.Name)
	if err := s.engine.Exec(ctx, "CREATE TABLE "+staging+" AS "+s.table(t.Name)); err != nil {
		return fmt.Errorf("create %s: %w", staging, err)
	}
	if err := copier.loadNative(ctx, staging, columns, filepath.Join(dir, t.File)); err != nil {
		return err
	}
	n, err := countRows(ctx, s.engine, "SELECT count() FROM "+staging)
	if err != nil {
		return err
	}
	if n != t.Rows {
		return saima.Errorf(saima.KindInvalid, "表 %s 载入后有 %d 行，备份清单记载 %d 行：备份文件与清单不符，"+
			"备份可能已损坏或被改动", t.Name, n, t.Rows)
	}
	return nil
}

// renameStaging moves every table of m aside and its staging table into
// its place, in one statement. On a server the statement runs to its end
// even when saima dies while it runs.
//
// NOTE: chDB runs the statement inside saima's process, so a kill during
// it, a window of milliseconds, can leave some tables renamed and others
// not. The next Restore undoes such a half-done rename (undoRestore), but
// until then the database lacks some tables or holds some of the rows.
func (s *Store) renameStaging(ctx context.Context, m *Manifest) error {
	pairs := make([]string, 0, 2*len(m.Tables))
	for _, t := range m.Tables {
		pairs = append(pairs,
			s.table(t.Name)+" TO "+s.table(asidePrefix+t.Name),
			s.table(stagingPrefix+t.Name)+" TO "+s.table(t.Name))
	}
	return s.engine.Exec(ctx, "RENAME TABLE "+strings.Join(pairs, ", "))
}

// undoRestore clears what an earlier restore into the database left
// behind when it failed or was killed. Staging tables that are left mean
// that their rename did not finish, so every table moved aside gets its
// place back and the staging tables are dropped: the database is empty
// again. Tables moved aside with no staging table left mean that the
// rename finished, so only they are dropped.
//
// earlier is false when the tables are those of the restore that has just
// failed, which is not worth a warning of its own.
func (s *Store) undoRestore(ctx context.Context, earlier bool) error {
	names, err := s.restoreTables(ctx)
	if err != nil {
		return err
	}
	staged := slices.ContainsFunc(names, func(n string) bool { return strings.HasPrefix(n, stagingPrefix) })
	if staged {
		for _, name := range names {
			if table, aside := strings.CutPrefix(name, asidePrefix); aside {
				if err := s.putBack(ctx, table); err != nil {
					return err
				}
			}
		}
		if err := s.dropRestoreTables(ctx, stagingPrefix); err != nil {
			return err
		}
	}
	if len(names) > 0 && earlier {
		s.log.Warn("cleared the tables of an earlier restore", "database", s.database, "tables", len(names))
	}
	return s.dropRestoreTables(ctx, asidePrefix)
}

// putBack returns the table moved aside under asidePrefix to its name,
// dropping the table of the unfinished restore that took its place.
func (s *Store) putBack(ctx context.Context, table string) error {
	exists, err := countRows(ctx, s.engine,
		"SELECT count() FROM system.tables WHERE database = ? AND name = ?", s.database, table)
	if err != nil {
		return err
	}
	if exists > 0 {
		// Plain DROP, because DROP TABLE … SYNC hangs on chDB 26.5.
		if err := s.engine.Exec(ctx, "DROP TABLE "+s.table(table)); err != nil {
			return err
		}
	}
	return s.engine.Exec(ctx, "RENAME TABLE "+s.table(asidePrefix+table)+" TO "+s.table(table))
}

// restoreTables lists the tables of the database whose names start with
// restorePrefix.
func (s *Store) restoreTables(ctx context.Context) ([]string, error) {
	rows, err := s.engine.Query(ctx, "SELECT name FROM system.tables WHERE database = ? AND startsWith(name, ?) "+
		"ORDER BY name", s.database, restorePrefix)
	if err != nil {
		return nil, fmt.Errorf("list the tables of a restore: %w", err)
	}
	var names []string
	err = scanAll(rows, func() error {
		var name string
		if err := rows.Scan(&name); err != nil {
			return err
		}
		names = append(names, name)
		return nil
	})
	return names, err
}

// dropRestoreTables drops every table of the database whose name starts
// with prefix.
func (s *Store) dropRestoreTables(ctx context.Context, prefix string) error {
	names, err := s.restoreTables(ctx)
	if err != nil {
		return err
	}
	for _, name := range names {
		if !strings.HasPrefix(name, prefix) {
			continue
		}
		if err := s.engine.Exec(ctx, "DROP TABLE IF EXISTS "+s.table(name)); err != nil {
			return fmt.Errorf("drop %s: %w", name, err)
		}
	}
	return nil
}

func (s *Store) checkEmpty(ctx context.Context, tables []ownedTable) error {
	counts, err := s.countTables(ctx, tables)
	if err != nil {
		return err
	}
	for _, t := range tables {
		if n := counts[t.name]; n > 0 {
			return saima.Errorf(saima.KindConflict,
				"数据库 %s 不是空的（表 %s 已有 %d 行），saima restore 只恢复到空数据库，以免新旧数据混在一起，没有写入任何数据。"+
					"请换一个新的数据目录（--data-dir）或新的数据库名（--database）", s.database, t.name, n)
		}
	}
	return nil
}

// checkColumns checks that every table and column of m exists in the
// target, so that loading fails before the first row rather than half-way.
func checkColumns(m *Manifest, tables []ownedTable, database string) error {
	for _, t := range m.Tables {
		i := slices.IndexFunc(tables, func(o ownedTable) bool { return o.name == t.Name })
		if i < 0 {
			return saima.Errorf(saima.KindInvalid,
				"备份中的表 %s 在数据库 %s 中不存在，没有写入任何数据。请用写出这份备份的 saima 版本恢复", t.Name, database)
		}
		for _, c := range t.Columns {
			if !slices.ContainsFunc(tables[i].columns, func(o Column) bool { return o.Name == c.Name }) {
				return saima.Errorf(saima.KindInvalid,
					"备份中表 %s 的列 %s 在数据库 %s 中不存在，没有写入任何数据。请用写出这份备份的 saima 版本恢复",
					t.Name, c.Name, database)
			}
		}
	}
	return nil
}

// targetTypes returns the columns of t, in the manifest's order, with the
// types that the target's table gives them. The manifest has no checksum
// of its own, so a changed one could give a column a type such as
// String DEFAULT file('/etc/passwd', 'RawBLOB'), which the file table
// function would run. checkColumns has found every column in tables.
func targetTypes(t TableBackup, tables []ownedTable) []Column {
	i := slices.IndexFunc(tables, func(o ownedTable) bool { return o.name == t.Name })
	columns := make([]Column, len(t.Columns))
	for k, c := range t.Columns {
		j := slices.IndexFunc(tables[i].columns, func(o Column) bool { return o.Name == c.Name })
		columns[k] = tables[i].columns[j]
	}
	return columns
}

// failedRestore undoes a restore that failed at table, or at the rename
// when table is empty, and returns the error for the operator.
func (s *Store) failedRestore(ctx context.Context, table string, err error) error {
	// The caller's context may be the one that was cancelled.
	cleanup := context.WithoutCancel(ctx)
	if undoErr := s.undoRestore(cleanup, false); undoErr != nil {
		s.log.Error("undo a failed restore", "database", s.database, "err", undoErr)
		return restoreCleanupError(s.database, errors.Join(err, undoErr))
	}

	advice := "请排除原因后直接重新运行 saima restore"
	if qe, ok := errors.AsType[*QueryError](err); ok && diskFull(qe) {
		advice = "数据库所在磁盘空间不足：请腾出空间或扩容后直接重新运行 saima restore"
	} else if saima.ErrorKind(err) == saima.KindInvalid {
		// Running the same backup again fails the same way.
		advice = "请改用另一份完好的备份运行 saima restore"
	}
	step := "把恢复好的表换到原位时失败"
	if table != "" {
		step = "恢复表 " + table + " 时失败"
	}
	return saima.Wrap(saima.KindUnavailable, fmt.Sprintf(
		"%s，已撤销这次恢复：数据库 %s 仍是空的，没有写入任何数据。%s",
		step, s.database, advice), err)
}

func restoreCleanupError(database string, err error) error {
	return saima.Wrap(saima.KindUnavailable, fmt.Sprintf(
		"无法清理数据库 %s 中未完成的恢复留下的暂存表（名称以 %s 开头），其余的表没有写入数据。"+
			"请确认数据库可用后重新运行 saima restore，它会先清理这些表", database, restorePrefix), err)
}

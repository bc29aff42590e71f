package clickhouse

import (
	"context"
	"fmt"
	"io/fs"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"

	schema "saima/sql"
)

var identRE = regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_]*$`)

// Migration is one schema file.
type Migration struct {
	Version    int
	Name       string
	Statements []string
}

// Migrations returns the embedded schema files in order, with {db} replaced
// by database.
func Migrations(database string) ([]Migration, error) {
	if !identRE.MatchString(database) {
		return nil, fmt.Errorf("invalid database name %q: use letters, digits and underscores", database)
	}
	names, err := fs.Glob(schema.Migrations, "*.sql")
	if err != nil {
		return nil, err
	}
	sort.Strings(names)

	var out []Migration
	for _, name := range names {
		m, err := readMigration(name, database)
		if err != nil {
			return nil, err
		}
		out = append(out, m)
	}
	return out, nil
}

func readMigration(name, database string) (Migration, error) {
	num, _, ok := strings.Cut(name, "_")
	version, err := strconv.Atoi(num)
	if !ok || err != nil {
		return Migration{}, fmt.Errorf("schema file %s: name must start with a number and an underscore", name)
	}
	body, err := fs.ReadFile(schema.Migrations, name)
	if err != nil {
		return Migration{}, err
	}
	m := Migration{Version: version, Name: name}
	for _, stmt := range strings.Split(string(body), ";\n") {
		stmt = strings.TrimSpace(stripComments(stmt))
		if stmt != "" {
			m.Statements = append(m.Statements, strings.ReplaceAll(stmt, "{db}", database))
		}
	}
	return m, nil
}

func stripComments(s string) string {
	var kept []string
	for _, line := range strings.Split(s, "\n") {
		if !strings.HasPrefix(strings.TrimSpace(line), "--") {
			kept = append(kept, line)
		}
	}
	return strings.Join(kept, "\n")
}

// Migrate creates database if needed and applies every schema file that
// its schema_migrations table does not list. Every statement may run again:
// CREATE TABLE has IF NOT EXISTS, and an ALTER TABLE that adds columns
// adds only those the table lacks (see [execSchema]). So a migration that
// was applied but not recorded, because saima stopped in between or
// another instance migrated at the same time, is applied again without
// error.
func Migrate(ctx context.Context, e Engine, database string) error {
	return migrate(ctx, e, database, func(stmt string) ([]string, error) { return []string{stmt}, nil })
}

// migrate is [Migrate] with the statements that forms returns in place of
// each statement of the schema files. The schema_migrations table is
// always a plain local table: it records what was applied to e's server.
func migrate(ctx context.Context, e Engine, database string, forms func(stmt string) ([]string, error)) error {
	migrations, err := Migrations(database)
	if err != nil {
		return err
	}
	applied, err := openMigrationLog(ctx, e, database)
	if err != nil {
		return err
	}
	for _, m := range migrations {
		if applied[m.Version] {
			continue
		}
		if err := applyMigration(ctx, e, m, forms); err != nil {
			return err
		}
		err := e.Insert(ctx, database+".schema_migrations", []string{"version", "name", "applied_at"},
			[][]any{{uint32(m.Version), m.Name, time.Now()}})
		if err != nil {
			return fmt.Errorf("record %s: %w", m.Name, err)
		}
	}
	return nil
}

func applyMigration(ctx context.Context, e Engine, m Migration, forms func(stmt string) ([]string, error)) error {
	for _, stmt := range m.Statements {
		stmts, err := forms(stmt)
		if err != nil {
			return fmt.Errorf("apply %s: %w", m.Name, err)
		}
		for _, s := range stmts {
			if err := execSchema(ctx, e, s); err != nil {
				return fmt.Errorf("apply %s: %w", m.Name, err)
			}
		}
	}
	return nil
}

func appliedVersions(ctx context.Context, e Engine, database string) (map[int]bool, error) {
	rows, err := e.Query(ctx, "SELECT DISTINCT toUInt32(version) FROM "+database+".schema_migrations")
	if err != nil {
		return nil, fmt.Errorf("read schema_migrations: %w", err)
	}
	defer rows.Close()
	done := map[int]bool{}
	for rows.Next() {
		var v uint32
		if err := rows.Scan(&v); err != nil {
			return nil, err
		}
		done[int(v)] = true
	}
	return done, rows.Err()
}

// addColumnsRE matches an ALTER TABLE statement whose actions are all ADD
// COLUMN. ClickHouse 18.16 has no ADD COLUMN IF NOT EXISTS, so
// [execSchema] checks the table's columns itself.
var (
	addColumnsRE = regexp.MustCompile(`(?is)^ALTER\s+TABLE\s+([A-Za-z_][A-Za-z0-9_]*)\.([A-Za-z_][A-Za-z0-9_]*)\s+ADD\s+COLUMN\s+(.*)$`)
	nextAddRE    = regexp.MustCompile(`(?is),\s*ADD\s+COLUMN\s+`)
	columnNameRE = regexp.MustCompile(`^([A-Za-z_][A-Za-z0-9_]*)\s`)
)

// execSchema runs stmt, one statement of a schema file. An ALTER TABLE
// that only adds columns runs with the ADD COLUMN actions of the columns
// that the table lacks, and not at all when it has every one. When it
// fails and the table has every column afterwards, another instance added
// them at the same moment, and execSchema returns nil.
func execSchema(ctx context.Context, e Engine, stmt string) error {
	m := addColumnsRE.FindStringSubmatch(stmt)
	if m == nil {
		return e.Exec(ctx, stmt)
	}
	database, table := m[1], m[2]
	var actions []string
	var columns []string
	for _, action := range nextAddRE.Split(m[3], -1) {
		name := columnNameRE.FindStringSubmatch(action + " ")
		if name == nil {
			return e.Exec(ctx, stmt) // a quoted or unusual name: run it as written
		}
		actions = append(actions, strings.TrimSpace(action))
		columns = append(columns, name[1])
	}

	missing, err := missingColumns(ctx, e, database, table, columns)
	if err != nil || len(missing) == 0 {
		return err
	}
	var adds []string
	for i, c := range columns {
		if slices.Contains(missing, c) {
			adds = append(adds, "ADD COLUMN "+actions[i])
		}
	}
	err = e.Exec(ctx, "ALTER TABLE "+database+"."+table+" "+strings.Join(adds, ", "))
	if err == nil {
		return nil
	}
	if still, checkErr := missingColumns(ctx, e, database, table, columns); checkErr == nil && len(still) == 0 {
		return nil
	}
	return err
}

// missingColumns returns the names of columns that database.table lacks.
func missingColumns(ctx context.Context, e Engine, database, table string, columns []string) ([]string, error) {
	rows, err := e.Query(ctx, "SELECT name FROM system.columns WHERE database = ? AND table = ?", database, table)
	if err != nil {
		return nil, fmt.Errorf("read columns of %s.%s: %w", database, table, err)
	}
	defer rows.Close()
	have := map[string]bool{}
	for rows.Next() {
		var name string
		if err := rows.Scan(&name); err != nil {
			return nil, err
		}
		have[name] = true
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	var missing []string
	for _, c := range columns {
		if !have[c] {
			missing = append(missing, c)
		}
	}
	return missing, nil
}

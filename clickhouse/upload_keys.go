package clickhouse

import (
	"context"
	"fmt"
	"maps"
	"slices"
	"strconv"
	"strings"
)

// keyColumns are, for each data table, the columns that lead its ORDER BY
// before version. They hold the record key, or for stage_events the key
// without round. A condition on them lets the primary index skip every
// granule that holds none of an upload's keys.
var keyColumns = map[string][]string{
	"units":          {"name"},
	"projects":       {"code"},
	"stage_events":   {"project_code", "stage"},
	"milestones":     {"project_code", "name"},
	"progress":       {"unit", "project_code", "period"},
	"assessments":    {"unit", "indicator", "mode", "period"},
	"problems":       {"id"},
	"list_items":     {"list", "item_id"},
	"list_done":      {"list", "item_id"},
	"problem_steps":  {"problem_id", "step", "level"},
	"leader_reports": {"project_code", "half"},
}

// keyLimits bound what an UploadWriter keeps of its keys and how many it
// writes into one statement.
type keyLimits struct {
	// known is the most key tuples kept per table. Each key costs the
	// statements of a commit about a granule (8 192 rows) of every column
	// they read, so for more keys reading the key_hash column whole costs
	// as little, up to ledgers of several million rows (see [ownRows]).
	known int

	// perPart is the most key tuples in one part (see [ownRows]). A part
	// also stops before its tuples' literals pass maxPartBytes.
	perPart int

	// hashes is the most key hashes a part lists as constants. A table
	// with more is scanned with subqueries.
	hashes int
}

var defaultKeyLimits = keyLimits{known: 256, perPart: 1000, hashes: 2000}

// maxPartBytes bounds the literals of a part's key tuples. A statement
// holds them up to twice, next to up to 2 000 key hashes of 21 bytes and
// up to maxTalliedEntries superseded entries of about 42 bytes. Both
// engines reject a statement longer than max_query_size, 262 144 bytes by
// default in ClickHouse 18.16 and chDB 26.5.
const maxPartBytes = 32 << 10

// tableKeys records the keys an UploadWriter wrote to one table as the
// SQL literals of their tuples. tuples is nil once the writer stopped
// keeping them, because there were too many or rows came by other means.
type tableKeys struct {
	tuples map[string]struct{}
}

// add records the keys of records, unless there would then be more than
// limit.
func (k *tableKeys) add(t *tableRecords, limit int) error {
	if k.tuples == nil {
		return nil
	}
	if len(k.tuples)+t.n > limit {
		k.tuples = nil
		return nil
	}
	at := make([]int, len(keyColumns[t.table]))
	for i, c := range keyColumns[t.table] {
		at[i] = slices.Index(t.columns, c)
	}
	key := make([]any, len(at))
	for _, row := range t.rows(0, t.n) {
		for i, j := range at {
			key[i] = row[j]
		}
		tuple, err := keyTuple(key)
		if err != nil {
			return fmt.Errorf("key of %s: %w", t.table, err)
		}
		k.tuples[tuple] = struct{}{}
	}
	return nil
}

// keyTuple returns values as the SQL literal of a tuple.
func keyTuple(values []any) (string, error) {
	parts := make([]string, len(values))
	for i, v := range values {
		lit, err := literal(v)
		if err != nil {
			return "", err
		}
		parts[i] = lit
	}
	return "(" + strings.Join(parts, ", ") + ")", nil
}

// ownRows are conditions that together select, in one table, the rows of
// a part of an upload's keys, and the rows of other uploads with the
// same record keys. They are complete SQL with the database name filled
// in: [ownRows.sql] writes them into a statement after the store's
// tokens are replaced, so that no key value is taken for a token.
//
// A part comes in one of three forms, by the number of its keys. With
// keys, the primary index skips every granule that holds none of them:
// each key costs about a granule (8 192 rows) of each column read. With
// key hashes only, a statement reads the key_hash column whole, a few
// milliseconds per million rows. With neither, it scans the table with
// subqueries, as every commit did before the writer kept keys.
type ownRows struct {
	// keys limits the table's rows to the part's key tuples, or is empty.
	keys string

	// hashes limits rows, of the table or of its superseded list, to the
	// key hashes of the upload's rows within keys. It is a list of
	// constants unless scan is set: ClickHouse 18.16 uses the superseded
	// list's index for constants, not for the set of a subquery.
	// Statements test it first, in PREWHERE, so that only the rows that
	// pass it have their key columns compared.
	hashes string

	// scan is set when hashes is a subquery that reads the whole table.
	scan bool
}

// rows returns the PREWHERE and WHERE clauses that select the rows of p's
// key hashes, as tokens for [ownRows.sql].
func (p ownRows) rows() string {
	if p.keys == "" {
		return "PREWHERE {hashes}"
	}
	return "PREWHERE {hashes} WHERE {keys}"
}

// versionRows returns the clauses that select the rows of p's keys with
// the version given as the statement's argument.
func (p ownRows) versionRows() string {
	if p.keys == "" {
		return "PREWHERE version = ?"
	}
	return "PREWHERE version = ? WHERE {keys}"
}

// ownRows returns, for each table the upload wrote, the conditions that
// select its rows in parts small enough for a statement. Parts split the
// key tuples, so no row of the table falls in two parts. A part in which
// the upload wrote no row is left out. A table whose keys the writer did
// not keep, or whose part has more than limits.hashes key hashes, is one
// part without keys.
func (w *UploadWriter) ownRows(ctx context.Context) (map[string][]ownRows, error) {
	if w.own != nil {
		return w.own, nil
	}
	own := map[string][]ownRows{}
	for table, k := range w.tables {
		if replaceKey(table) != "key_hash" {
			own[table] = []ownRows{w.replacedRows(table)}
			continue
		}
		parts, err := w.keyedRows(ctx, table, k)
		if err == nil && parts == nil {
			parts, err = w.hashedRows(ctx, table)
		}
		if err != nil {
			return nil, err
		}
		own[table] = parts
	}
	w.own = own
	return own, nil
}

// keyedRows returns the parts of the upload's rows of table by the keys
// k holds, or nil when it holds none or a part has more key hashes than
// limits.hashes.
func (w *UploadWriter) keyedRows(ctx context.Context, table string, k *tableKeys) ([]ownRows, error) {
	if k.tuples == nil {
		return nil, nil
	}
	parts := []ownRows{}
	for _, keys := range keyParts(table, k.tuples, w.limits.perPart) {
		hashes, err := w.s.ownHashes(ctx, table, keys, w.up.ID, w.version, w.limits.hashes)
		switch {
		case err != nil:
			return nil, err
		case len(hashes) > w.limits.hashes:
			return nil, nil
		case len(hashes) > 0:
			parts = append(parts, ownRows{keys: keys, hashes: hashList(hashes)})
		}
	}
	return parts, nil
}

// hashedRows returns the upload's rows of table as one part without keys:
// by its key hashes when it has at most limits.hashes of them, or else by
// a subquery.
func (w *UploadWriter) hashedRows(ctx context.Context, table string) ([]ownRows, error) {
	hashes, err := w.s.ownHashes(ctx, table, "", w.up.ID, w.version, w.limits.hashes)
	switch {
	case err != nil:
		return nil, err
	case len(hashes) == 0:
		return []ownRows{}, nil
	case len(hashes) <= w.limits.hashes:
		return []ownRows{{hashes: hashList(hashes)}}, nil
	}
	byID := "key_hash GLOBAL IN (SELECT key_hash FROM " + w.s.table(table) +
		" WHERE upload_id = " + quote(w.up.ID) + ")"
	return []ownRows{{hashes: byID, scan: true}}, nil
}

// replacedRows returns the upload's rows of a table whose rows replace by
// an expression other than their key hash (see [replaceKey]), as one part
// that scans. Its key hashes are those of every row with the same
// replace key as a row of the upload, so a loop stage's other levels are
// in it too.
func (w *UploadWriter) replacedRows(table string) ownRows {
	key := replaceKey(table)
	byKey := "key_hash GLOBAL IN (SELECT key_hash FROM " + w.s.table(table) + " WHERE " + key +
		" GLOBAL IN (SELECT " + key + " FROM " + w.s.table(table) + " WHERE upload_id = " + quote(w.up.ID) + "))"
	return ownRows{hashes: byKey, scan: true}
}

// replaceKey returns the expression over the rows of table by which one
// row replaces another: the record key's hash, or stepReplaceKey in
// problem_steps.
func replaceKey(table string) string {
	if table == "problem_steps" {
		return stepReplaceKey
	}
	return "key_hash"
}

func hashList(hashes []string) string { return "key_hash IN (" + strings.Join(hashes, ", ") + ")" }

// keyParts returns conditions on the key columns of table that together
// select the rows of every tuple in tuples, each for at most perPart
// tuples and short enough for a statement.
func keyParts(table string, tuples map[string]struct{}, perPart int) []string {
	sorted := slices.Sorted(maps.Keys(tuples))
	columns := "(" + strings.Join(keyColumns[table], ", ") + ")"
	var out []string
	for len(sorted) > 0 {
		n, size := 0, 0
		for n < len(sorted) && n < perPart && (n == 0 || size+len(sorted[n]) < maxPartBytes) {
			size += len(sorted[n]) + 2
			n++
		}
		out = append(out, columns+" IN ("+strings.Join(sorted[:n], ", ")+")")
		sorted = sorted[n:]
	}
	return out
}

// ownHashes reads the key hashes of the rows of table that upload id
// wrote under version and keys, unless empty, selects. It stops after
// limit+1 of them: more than limit is all a caller needs to know.
func (s *Store) ownHashes(ctx context.Context, table, keys, id string, version uint64, limit int) ([]string, error) {
	where := "upload_id = ?"
	if keys != "" {
		where = keys + " AND " + where
	}
	q := s.sql("SELECT DISTINCT key_hash FROM {db}."+table) + " PREWHERE version = ? WHERE " + where + " LIMIT ?"
	rows, err := s.engine.Query(ctx, q, version, id, limit+1)
	if err != nil {
		return nil, fmt.Errorf("read key hashes of %s: %w", table, unavailable(err))
	}
	var hashes []string
	err = scanAll(rows, func() error {
		var h uint64
		err := rows.Scan(&h)
		hashes = append(hashes, strconv.FormatUint(h, 10))
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("read key hashes of %s: %w", table, err)
	}
	return hashes, nil
}

// sql returns query with the store's tokens replaced (see [Store.sql]),
// and then {keys} and {hashes} replaced by p's conditions.
func (p ownRows) sql(s *Store, query string) string {
	return strings.NewReplacer("{keys}", p.keys, "{hashes}", p.hashes).Replace(s.sql(query))
}

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
	// known is the most key tuples kept per table. A larger upload is
	// committed by scanning the table for its rows, which costs about as
	// much as writing that many rows does anyway.
	known int

	// perPart is the most key tuples in one part (see [ownRows]). A part
	// also stops before its tuples' literals pass maxPartBytes.
	perPart int

	// hashes is the most key hashes a part lists as constants. A part with
	// more (stage events of many rounds) selects them by subquery.
	hashes int
}

var defaultKeyLimits = keyLimits{known: 20_000, perPart: 1000, hashes: 2000}

// maxPartBytes bounds the literals of a part's key tuples. A statement
// holds them up to twice, or them once and the part's key hashes (up to
// 2 000 of 21 bytes) twice. Both engines reject a statement longer than
// max_query_size, 262 144 bytes by default in ClickHouse 18.16 and chDB
// 26.5.
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
type ownRows struct {
	// keys limits the table's rows to the part's key tuples, through the
	// primary index, or is "1" when the writer kept no keys.
	keys string

	// hashes limits rows, of the table or of its superseded list, to the
	// key hashes of the upload's rows within keys. A list of constants
	// lets ClickHouse 18.16 use the superseded list's index, which it
	// does not for a set built by a subquery.
	hashes string
}

// ownRows returns, for each table the upload wrote, the conditions that
// select its rows in parts small enough for a statement. Parts split the
// key tuples, so no row of the table falls in two parts. A part in which
// the upload wrote no row is left out.
func (w *UploadWriter) ownRows(ctx context.Context) (map[string][]ownRows, error) {
	if w.own != nil {
		return w.own, nil
	}
	own := map[string][]ownRows{}
	for table, k := range w.tables {
		if k.tuples == nil {
			byID := "key_hash GLOBAL IN (SELECT key_hash FROM " + w.s.table(table) +
				" WHERE upload_id = " + quote(w.up.ID) + ")"
			own[table] = []ownRows{{keys: "1", hashes: byID}}
			continue
		}
		for _, keys := range keyParts(table, k.tuples, w.limits.perPart) {
			part, ok, err := w.s.ownHashes(ctx, table, keys, w.up.ID, w.limits.hashes)
			if err != nil {
				return nil, err
			}
			if ok {
				own[table] = append(own[table], part)
			}
		}
	}
	w.own = own
	return own, nil
}

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

// ownHashes reads the key hashes of the upload id's rows of table that
// keys selects, and returns the part of the upload they make, which lists
// at most maxHashes of them as constants. ok is false when keys selects
// none of its rows.
func (s *Store) ownHashes(ctx context.Context, table, keys, id string, maxHashes int) (part ownRows, ok bool, err error) {
	q := ownRows{keys: keys}.sql(s, "SELECT DISTINCT key_hash FROM {db}."+table+" WHERE {keys} AND upload_id = ?")
	rows, err := s.engine.Query(ctx, q, id)
	if err != nil {
		return ownRows{}, false, fmt.Errorf("read key hashes of %s: %w", table, unavailable(err))
	}
	var hashes []string
	err = scanAll(rows, func() error {
		var h uint64
		err := rows.Scan(&h)
		hashes = append(hashes, strconv.FormatUint(h, 10))
		return err
	})
	if err != nil {
		return ownRows{}, false, fmt.Errorf("read key hashes of %s: %w", table, err)
	}
	switch {
	case len(hashes) == 0:
		return ownRows{}, false, nil
	case len(hashes) > maxHashes:
		byID := "key_hash GLOBAL IN (SELECT key_hash FROM " + s.table(table) + " WHERE " + keys +
			" AND upload_id = " + quote(id) + ")"
		return ownRows{keys: keys, hashes: byID}, true, nil
	}
	return ownRows{keys: keys, hashes: "key_hash IN (" + strings.Join(hashes, ", ") + ")"}, true, nil
}

// sql returns query with the store's tokens replaced (see [Store.sql]),
// and then {keys} and {hashes} replaced by p's conditions.
func (p ownRows) sql(s *Store, query string) string {
	return strings.NewReplacer("{keys}", p.keys, "{hashes}", p.hashes).Replace(s.sql(query))
}

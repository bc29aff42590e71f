package clickhouse

import (
	"context"
	"fmt"
	"maps"
	"slices"
	"strconv"
	"strings"
)

// An upload's commit needs, for each record key it wrote, the versions
// of that key and which of them the superseded list already names. Unless a part of the upload scans (see [ownRows]), the
// store reads exactly those rows, with statements that hold only
// constants, and works out the rest in Go. An IN subquery slowed such a
// statement down several times: for 1 000 keys among five million rows,
// from 16 to 136 ms on chDB 26.5 and from 65 to 212 ms on ClickHouse
// 18.16. So {visible} and {committed_by} become a lookup in the uploads
// that these rows name. A part that scans runs the same logic as SQL over
// the whole table.

// keyVersion is one version of a record key: its key hash and version.
type keyVersion struct{ hash, version uint64 }

// keyHistory holds the rows of one part of an upload's keys in a table,
// and the superseded entries of their key hashes.
type keyHistory struct {
	// rows are the table's rows of the part's key hashes, of every upload,
	// whether it committed or not. own marks those of the upload itself.
	rows []historyRow

	// listed are the superseded list's entries for those key hashes.
	listed []listedEntry
}

type historyRow struct {
	keyVersion
	own bool
}

type listedEntry struct {
	keyVersion
	uploadID string
}

// readHistory reads the history of the part p of the keys that the
// upload of version wrote to table. It recognizes the upload's rows by
// their version, as readers match rows to uploads, so it reads no
// upload_id column of the table. Each key costs a granule of every column
// read.
func (s *Store) readHistory(ctx context.Context, table string, p ownRows, version uint64) (*keyHistory, error) {
	q := p.sql(s, "SELECT 0, key_hash, version, '' FROM {db}."+table+" "+p.rows()+
		" UNION ALL SELECT 1, key_hash, version, upload_id FROM {db}."+table+"_superseded WHERE {hashes}")
	rows, err := s.engine.Query(ctx, q)
	if err != nil {
		return nil, fmt.Errorf("read versions of %s: %w", table, unavailable(err))
	}
	h := &keyHistory{}
	err = scanAll(rows, func() error {
		var source uint8
		var kv keyVersion
		var uploadID string
		if err := rows.Scan(&source, &kv.hash, &kv.version, &uploadID); err != nil {
			return err
		}
		if source == 0 {
			h.rows = append(h.rows, historyRow{kv, kv.version == version})
		} else {
			h.listed = append(h.listed, listedEntry{kv, uploadID})
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("read versions of %s: %w", table, err)
	}
	return h, nil
}

// committedUploads is the part of the upload log that the store's reads
// count (see [Store.okUploads]), as far as some histories name it.
type committedUploads struct {
	versions map[uint64]bool
	ids      map[string]bool
}

// maxNamedUploads is the most versions and ids that committedAmong writes
// into its statement as constants. With more, it reads every counted
// upload, which costs a scan of the upload log.
const maxNamedUploads = 2000

// committedAmong reads which of the uploads that histories name, by the
// version of a row or the upload of a superseded entry, count.
func (s *Store) committedAmong(ctx context.Context, histories []*keyHistory) (committedUploads, error) {
	versions, ids := map[uint64]bool{}, map[string]bool{}
	for _, h := range histories {
		for _, r := range h.rows {
			if !r.own {
				versions[r.version] = true
			}
		}
		for _, e := range h.listed {
			ids[e.uploadID] = true
		}
	}

	out := committedUploads{versions: map[uint64]bool{}, ids: map[string]bool{}}
	if len(versions)+len(ids) == 0 {
		return out, nil
	}

	// The ids go in after the store's tokens are replaced, as in
	// [ownRows.sql].
	q := s.sql("SELECT version, id FROM {db}.uploads WHERE " + s.okUploads())
	if len(versions)+len(ids) <= maxNamedUploads {
		q += " AND (version IN (" + uintList(slices.Collect(maps.Keys(versions))) + ") OR id IN (" +
			quotedList(slices.Collect(maps.Keys(ids))) + "))"
	}
	rows, err := s.engine.Query(ctx, q)
	if err != nil {
		return out, fmt.Errorf("read committed uploads: %w", unavailable(err))
	}

	err = scanAll(rows, func() error {
		var v uint64
		var id string
		err := rows.Scan(&v, &id)
		out.versions[v], out.ids[id] = true, true
		return err
	})
	if err != nil {
		return out, fmt.Errorf("read committed uploads: %w", err)
	}
	return out, nil
}

// supersede returns the entries that the upload of version adds to the
// superseded list, as [Store.supersede] describes them. They are each
// visible row older than version that no committed upload listed, and
// each of the upload's own rows whose key has a visible row newer than
// version.
func (h *keyHistory) supersede(version uint64, ok committedUploads) []keyVersion {
	listed := h.committedEntries(ok)
	newest := map[uint64]uint64{}
	for _, r := range h.rows {
		if ok.versions[r.version] {
			newest[r.hash] = max(newest[r.hash], r.version)
		}
	}
	var out []keyVersion
	for _, r := range h.rows {
		older := ok.versions[r.version] && r.version < version && !listed[r.keyVersion]
		overtaken := r.own && newest[r.hash] > version
		if older || overtaken {
			out = append(out, r.keyVersion)
		}
	}
	return out
}

// committedEntries returns the entries of h listed by committed uploads.
func (h *keyHistory) committedEntries(ok committedUploads) map[keyVersion]bool {
	out := map[keyVersion]bool{}
	for _, e := range h.listed {
		if ok.ids[e.uploadID] {
			out[e.keyVersion] = true
		}
	}
	return out
}

// histories reads the history of every part in own, the parts of the
// upload of version by table, and which uploads they name count. A part
// that scans gets a nil history.
func (s *Store) histories(ctx context.Context, own map[string][]ownRows, version uint64) (
	map[string][]*keyHistory, committedUploads, error) {
	out := map[string][]*keyHistory{}
	var all []*keyHistory
	for table, parts := range own {
		out[table] = make([]*keyHistory, len(parts))
		for i, p := range parts {
			if p.scan {
				continue
			}
			h, err := s.readHistory(ctx, table, p, version)
			if err != nil {
				return nil, committedUploads{}, err
			}
			out[table][i] = h
			all = append(all, h)
		}
	}
	ok, err := s.committedAmong(ctx, all)
	return out, ok, err
}

// supersede records, for every table the upload wrote, the current
// versions its rows replace, and its own rows where a newer upload already
// holds the key. A version that a committed upload already superseded is
// not recorded again. The lists then grow by the keys each upload
// replaces rather than by every version before it. An upload's entries
// are also exactly the rows it takes out of the current set, which the
// milestone tally relies on.
//
// own holds the upload's parts (see [UploadWriter.ownRows]). supersede
// returns the entries it recorded for each part that does not scan, by
// table and part.
func (s *Store) supersede(ctx context.Context, id string, version uint64, own map[string][]ownRows) (
	map[string][][]keyVersion, error) {
	histories, ok, err := s.histories(ctx, own, version)
	if err != nil {
		return nil, err
	}
	out := map[string][][]keyVersion{}
	for table, parts := range own {
		var rows [][]any
		out[table] = make([][]keyVersion, len(parts))
		for i, p := range parts {
			if p.scan {
				if err := s.supersedeScanning(ctx, table, p, id, version); err != nil {
					return nil, err
				}
				continue
			}
			out[table][i] = histories[table][i].supersede(version, ok)
			for _, e := range out[table][i] {
				rows = append(rows, []any{e.hash, e.version, id})
			}
		}
		if len(rows) > 0 {
			err := s.engine.Insert(ctx, s.table(table+"_superseded"), []string{"key_hash", "version", "upload_id"}, rows)
			if err != nil {
				return nil, fmt.Errorf("supersede %s: %w", table, err)
			}
		}
	}
	return out, nil
}

// supersedeScanning records the entries that supersede describes for the
// upload's rows of table, which p selects by a subquery, by a statement
// that scans the table.
func (s *Store) supersedeScanning(ctx context.Context, table string, p ownRows, id string, version uint64) error {
	older := "SELECT key_hash, version, ? FROM {db}." + table + " WHERE {hashes} AND {visible} AND version < ? " +
		"AND (key_hash, version) GLOBAL NOT IN (SELECT key_hash, version FROM {db}." + table + "_superseded " +
		"WHERE {committed_by} AND {hashes})"
	key := replaceKey(table)
	newer := "SELECT key_hash, version, ? FROM {db}." + table + " WHERE upload_id = ? AND " + key + " GLOBAL IN " +
		"(SELECT " + key + " FROM {db}." + table + " WHERE {hashes} AND {visible} AND version > ?)"
	// Two statements, not one with UNION ALL: ClickHouse 18.16 refuses an
	// INSERT whose SELECT takes the constant upload ID from two streams.
	insert := "INSERT INTO {db}." + table + "_superseded (key_hash, version, upload_id) "
	if err := s.engine.Exec(ctx, p.sql(s, insert+older), id, version); err != nil {
		return fmt.Errorf("supersede older %s: %w", table, err)
	}
	if err := s.engine.Exec(ctx, p.sql(s, insert+newer), id, id, version); err != nil {
		return fmt.Errorf("supersede own %s: %w", table, err)
	}
	return nil
}

// countReplaced returns the number of superseded entries that the upload's
// commit added for versions older than its own, which is the count of
// records it replaced. recorded contains the entries of the parts that do
// not scan. A table with a part that scans is counted by one statement
// that builds no set of key hashes, so a large upload uses little memory.
// A failed count is logged and counts as 0.
func (s *Store) countReplaced(ctx context.Context, id string, version uint64, own map[string][]ownRows,
	recorded map[string][][]keyVersion) int {
	total := 0
	for table, parts := range own {
		if slices.ContainsFunc(parts, func(p ownRows) bool { return p.scan }) {
			n, err := s.countListed(ctx, table, id, version)
			if err != nil {
				s.log.Warn("count of replaced records failed", "table", table, "upload_id", id, "err", err)
			}
			total += n
			continue
		}
		for _, entries := range recorded[table] {
			for _, e := range entries {
				if e.version < version {
					total++
				}
			}
		}
	}
	return total
}

// countListed counts the entries of table's superseded list that the
// upload id added for versions older than its own.
func (s *Store) countListed(ctx context.Context, table, id string, version uint64) (int, error) {
	q := s.sql("SELECT count() FROM {db}." + table + "_superseded WHERE upload_id = ? AND version < ?")
	rows, err := s.engine.Query(ctx, q, id, version)
	if err != nil {
		return 0, err
	}
	var n uint64
	err = scanAll(rows, func() error { return rows.Scan(&n) })
	return int(n), err
}

func uintList(values []uint64) string {
	parts := make([]string, len(values))
	for i, v := range values {
		parts[i] = strconv.FormatUint(v, 10)
	}
	if len(parts) == 0 {
		return "0"
	}
	return strings.Join(parts, ", ")
}

func quotedList(values []string) string {
	parts := make([]string, len(values))
	for i, v := range values {
		parts[i] = quote(v)
	}
	if len(parts) == 0 {
		return "''"
	}
	return strings.Join(parts, ", ")
}

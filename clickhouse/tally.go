package clickhouse

import (
	"context"
	"fmt"
	"strconv"
	"strings"
)

// tallyKey selects, from a row of the milestones table, the key of
// milestone_tally: the unit, the project code of a row without a unit, the
// months planned and done (2105-12-01 when not done), on time and done.
const tallyKey = "unit, if(unit = '', project_code, '') AS pc, toStartOfMonth(planned) AS pmonth, " +
	"toStartOfMonth(ifNull(actual, toDate('2105-12-31'))) AS amonth, " +
	"toUInt8(ifNull(actual <= planned, 0)) AS ontime, toUInt8(isNotNull(actual)) AS isdone"

// tallyColumns are the key columns of milestone_tally, in tallyKey's order.
const tallyColumns = "unit, pc, pmonth, amonth, ontime, isdone"

// tallyRows counts the rows of the milestones table that filter, its
// PREWHERE and WHERE clauses, chooses, by tally key.
func tallyRows(filter string) string {
	return "SELECT " + tallyColumns + ", toInt64(count()) AS c FROM (" +
		"SELECT " + tallyKey + " FROM {db}.milestones " + filter +
		") GROUP BY " + tallyColumns
}

const tallyInsert = "INSERT INTO {db}.milestone_tally " +
	"(version, unit, project_code, planned_month, actual_month, on_time, done, n) "

// tallyUpload adds the milestones of the upload id, written under version,
// to milestone_tally: +1 for each of its rows, and −1 for each row it
// supersedes. supersede records only rows that no committed upload
// superseded before, so each row is taken off once. Commit calls it after
// supersede, under the commit lock, and before the upload is recorded as
// ok: until then the new tally rows are as invisible as the milestones.
// own selects the upload's rows part by part, as for supersede, and each
// part adds its own tally rows.
//
// NOTE: two saima instances committing the same keys at the same moment
// can both supersede a row, and the tally then takes it off twice. The
// commit lock covers one process only.
func (s *Store) tallyUpload(ctx context.Context, id string, version uint64, own []ownRows,
	recorded [][]keyVersion) error {
	for i, p := range own {
		statements := []tallyStatement{{tallyScanning, []any{version, version, version, id}}}
		if !p.scan {
			statements = tallyOfKeys(p, version, recorded[i])
		}
		for _, st := range statements {
			if err := s.engine.Exec(ctx, p.sql(s, st.query), st.args...); err != nil {
				return fmt.Errorf("tally milestones: %w", err)
			}
		}
	}
	return nil
}

type tallyStatement struct {
	query string
	args  []any
}

// tallyScanning adds the tally rows of an upload's milestones that
// {hashes} selects by a subquery: +1 for each row of its version, −1 for
// each row that its superseded entries name.
var tallyScanning = tallyInsert + "SELECT ?, " + tallyColumns + ", c FROM (" + tallyRows("WHERE version = ?") +
	") UNION ALL SELECT ?, " + tallyColumns + ", -c FROM (" + tallyRows("WHERE {hashes} AND "+
	"(key_hash, version) GLOBAL IN (SELECT key_hash, version FROM {db}.milestones_superseded "+
	"WHERE upload_id = ? AND {hashes})") + ")"

// maxTalliedEntries is the most superseded entries that one statement of
// tallyOfKeys lists as constants.
const maxTalliedEntries = 1000

// tallyOfKeys returns the statements that add the tally rows of the
// upload's milestones in the part p, which does not scan. recorded are
// the superseded entries the upload added for p. The statements add +1
// for each of the upload's rows and −1 for each row an entry names.
func tallyOfKeys(p ownRows, version uint64, recorded []keyVersion) []tallyStatement {
	var pairs []string
	seen := map[keyVersion]bool{}
	for _, e := range recorded {
		if !seen[e] {
			seen[e] = true
			pairs = append(pairs, "("+strconv.FormatUint(e.hash, 10)+", "+strconv.FormatUint(e.version, 10)+")")
		}
	}
	var replaced []string
	for start := 0; start < len(pairs); start += maxTalliedEntries {
		list := strings.Join(pairs[start:min(start+maxTalliedEntries, len(pairs))], ", ")
		replaced = append(replaced, "SELECT ?, "+tallyColumns+", -c FROM ("+
			tallyRows(p.rows()+" AND (key_hash, version) IN ("+list+")")+")")
	}

	added := tallyInsert + "SELECT ?, " + tallyColumns + ", c FROM (" + tallyRows(p.versionRows()) + ")"
	if len(replaced) == 0 {
		return []tallyStatement{{added, []any{version, version}}}
	}
	out := []tallyStatement{{added + " UNION ALL " + replaced[0], []any{version, version, version}}}
	for _, r := range replaced[1:] {
		out = append(out, tallyStatement{tallyInsert + r, []any{version}})
	}
	return out
}

// rebuildTally fills an empty milestone_tally from the milestones and
// their superseded list, for a ledger written before the tally existed.
// Every row adds +1 under its own version. Every superseded row adds −1
// under the version of the committed upload that superseded it first, by
// commit version. It must run before any upload commits. The join with
// the uploads is ALL, not ANY: since ClickHouse 20, ANY INNER JOIN also
// keeps only one row of the left side per key.
func (s *Store) rebuildTally(ctx context.Context) error {
	added := tallyInsert + "SELECT version, " + tallyColumns + ", toInt64(count()) FROM (" +
		"SELECT version, " + tallyKey + " FROM {db}.milestones) GROUP BY version, " + tallyColumns
	if err := s.engine.Exec(ctx, s.sql(added)); err != nil {
		return fmt.Errorf("rebuild milestone tally: %w", err)
	}
	firstBy := "SELECT key_hash, version, argMin(by_v, by_committed) AS by_version FROM " +
		"(SELECT key_hash, version, upload_id FROM {db}.milestones_superseded) AS e " +
		"GLOBAL ALL INNER JOIN (SELECT id AS upload_id, version AS by_v, committed AS by_committed " +
		"FROM {db}.uploads WHERE outcome = 'ok') AS u USING (upload_id) GROUP BY key_hash, version"
	removed := tallyInsert + "SELECT by_version, " + tallyColumns + ", -toInt64(count()) FROM (" +
		"SELECT key_hash, version, " + tallyKey + " FROM {db}.milestones" +
		") AS m GLOBAL ALL INNER JOIN (" + firstBy + ") AS f USING (key_hash, version) " +
		"GROUP BY by_version, " + tallyColumns
	if err := s.engine.Exec(ctx, s.sql(removed)); err != nil {
		return fmt.Errorf("rebuild milestone tally: %w", err)
	}
	return nil
}

// ensureTally rebuilds milestone_tally when it is empty but milestones are
// not: the first start after the tally's schema file was applied to an
// existing ledger.
//
// NOTE: two instances starting at the same moment on such a ledger would
// both rebuild it and count every milestone twice. Start one first.
func (s *Store) ensureTally(ctx context.Context) error {
	needed, err := s.needsBackfill(ctx, "milestone_tally", "milestones")
	if err != nil || !needed {
		return err
	}
	s.log.Info("rebuilding the milestone tally", "database", s.database)
	return s.rebuildTally(ctx)
}

// needsBackfill reports whether the table derived, which the store fills
// from the table source as uploads commit, is empty while source is not:
// a ledger written before derived existed.
func (s *Store) needsBackfill(ctx context.Context, derived, source string) (bool, error) {
	rows, err := s.query(ctx, "SELECT (SELECT count() FROM {db}."+derived+"), (SELECT count() FROM {db}."+source+")")
	if err != nil {
		return false, fmt.Errorf("count %s and %s: %w", derived, source, err)
	}
	var derivedRows, sourceRows uint64
	if err := scanAll(rows, func() error { return rows.Scan(&derivedRows, &sourceRows) }); err != nil {
		return false, fmt.Errorf("count %s and %s: %w", derived, source, err)
	}
	return derivedRows == 0 && sourceRows > 0, nil
}

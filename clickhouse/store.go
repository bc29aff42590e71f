// Package clickhouse stores the ledger in ClickHouse. Two engines run the
// same SQL: the embedded chDB library, bound with purego, and a ClickHouse
// server reached with clickhouse-go over the native protocol. [Store] sits
// on top of either and implements the store interfaces of ingest, scoring,
// reports and web.
package clickhouse

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strconv"
	"strings"
	"sync"
	"time"

	"saima"
)

// Store reads and writes the ledger in one database of an engine.
type Store struct {
	engine   Engine
	database string
	log      *slog.Logger

	// asOf, when not zero, limits reads to uploads committed at or before
	// this version. See [Store.AsOf].
	asOf uint64

	// sentBefore, when not zero, limits reads to uploads sent before this
	// moment, in Unix seconds. See [Store.ReportedBefore].
	sentBefore int64

	// pin, when set, holds the successful uploads that reads count, read
	// once by [Store.pinned].
	pin *uploadPin

	versions *versionClock

	// audit holds the upload outcomes not yet written; see [Store.RecoverUploads].
	audit *uploadAudit

	// cluster reads the nodes of the store's cluster one by one; nil
	// off a cluster.
	cluster *clusterReader

	// clock is the service's clock, which decides which months have ended
	// and the ledger's default day. Nil means time.Now. Versions always
	// come from the real clock, because they order commits across runs.
	clock func() time.Time
}

// versionClock hands out strictly increasing versions and serialises
// commits. Copies made by [Store.AsOf] share it.
type versionClock struct {
	mu     sync.Mutex
	last   uint64
	commit sync.Mutex
}

// NewStore returns a store over database on e, after applying the schema.
// It is [OpenStore] with the zero StoreOptions: a single server or the
// embedded engine.
func NewStore(ctx context.Context, e Engine, database string, log *slog.Logger) (*Store, error) {
	return OpenStore(ctx, e, database, StoreOptions{}, log)
}

// OpenStore returns a store over database on e with the settings of opts,
// after applying the schema, on every node of the cluster when
// opts.Cluster is set. It fails when opts are invalid or the schema cannot
// be applied: with an error of kind [saima.KindUnavailable] when a server
// cannot be reached. On a cluster it also fails when e does not run its
// queries with insert_distributed_sync = 1 (see [ServerConfig.Cluster]).
func OpenStore(ctx context.Context, e Engine, database string, opts StoreOptions, log *slog.Logger) (*Store, error) {
	if err := opts.Validate(); err != nil {
		return nil, fmt.Errorf("store options: %w", err)
	}
	if err := prepare(ctx, e, database, opts, log); err != nil {
		return nil, unavailable(err)
	}
	st := newStore(e, database, log)
	if opener, ok := e.(nodeOpener); ok && opts.Cluster != "" {
		st.cluster = &clusterReader{name: opts.Cluster, nodes: opts.Nodes, opener: opener}
	}
	return st, nil
}

func newStore(e Engine, database string, log *slog.Logger) *Store {
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	return &Store{engine: e, database: database, log: log, versions: &versionClock{},
		audit: newUploadAudit()}
}

// Engine returns the engine the store runs on.
func (s *Store) Engine() Engine { return s.engine }

// Ping checks that the ledger can be read: the engine responds, and it
// counts the upload log, which every read of the ledger goes through. On a
// cluster the count needs a node of every shard, so Ping fails as
// unavailable while a shard is down, and succeeds while a replica is. The
// count comes from the parts' metadata and reads no rows.
func (s *Store) Ping(ctx context.Context) error {
	if err := s.engine.Ping(ctx); err != nil {
		return unavailable(err)
	}
	rows, err := s.query(ctx, "SELECT count() FROM {db}.uploads")
	if err != nil {
		return fmt.Errorf("count uploads: %w", err)
	}
	if err := scanAll(rows, func() error { var n uint64; return rows.Scan(&n) }); err != nil {
		return fmt.Errorf("count uploads: %w", err)
	}
	return nil
}

// Close closes the engine.
func (s *Store) Close() error { return s.engine.Close() }

// sql replaces the tokens {visible} and {committed_by} (see [visible]) and
// {db}, the store's database name, which NewStore's migration step has
// checked to be a plain identifier.
func (s *Store) sql(query string) string {
	if s.pin != nil {
		listed := strings.ReplaceAll(query, "{visible}", "version IN ("+s.pin.versions+")")
		listed = strings.ReplaceAll(listed, "{committed_by}", "upload_id IN ("+s.pin.ids+")")
		listed = strings.ReplaceAll(listed, "{db}", s.database)
		if len(listed) <= maxPinnedQuery {
			return listed
		}
	}
	query = strings.ReplaceAll(query, "{visible}", "version GLOBAL IN (SELECT version FROM {db}.uploads WHERE "+s.okUploads()+")")
	query = strings.ReplaceAll(query, "{committed_by}", "upload_id GLOBAL IN (SELECT id FROM {db}.uploads WHERE "+s.okUploads()+")")
	return strings.ReplaceAll(query, "{db}", s.database)
}

// okUploads is the condition on the upload log that an upload counts for
// the store's reads: it succeeded, by the as-of version when there is one,
// before the moment of [Store.ReportedBefore] when there is one, and by
// the version a pinned store's lists were read at.
func (s *Store) okUploads() string {
	ok := "outcome = 'ok'"
	if s.asOf != 0 {
		ok += " AND committed <= " + strconv.FormatUint(s.asOf, 10)
	}
	if s.sentBefore != 0 {
		ok += " AND toUnixTimestamp(at) < " + strconv.FormatInt(s.sentBefore, 10)
	}
	if s.pin != nil {
		ok += " AND committed <= " + strconv.FormatUint(s.pin.by, 10)
	}
	return ok
}

// uploadPin lists the versions and the quoted ids of the uploads that
// count, for IN lists. They are the uploads committed by the version by,
// which a query too long for the lists selects instead.
type uploadPin struct {
	versions, ids string
	by            uint64
}

// maxPinnedQuery is the maximum length of a query, in bytes before its
// arguments are bound, that a pinned store sends with the upload lists
// written out. Both engines reject a query longer than max_query_size,
// 262 144 bytes by default (TestFactsManyUploads reaches it on ClickHouse
// 18.16 and chDB 26.5), so the rest is left for the arguments. A longer
// query reads the same uploads through subqueries.
const maxPinnedQuery = 200_000

// maxPinned is the most uploads [Store.pinned] writes into a query. Above
// it the store keeps reading them through subqueries.
const maxPinned = 5000

// pinned returns a store whose reads count exactly the uploads that count
// now, read once from the upload log, so that several queries see the
// same uploads even while others commit. The engines also plan a list of
// constants faster than a subquery: about 0.7 ms a condition on chDB.
// With more than maxPinned uploads it returns s itself.
func (s *Store) pinned(ctx context.Context) (*Store, error) {
	if s.pin != nil {
		return s, nil
	}
	// Now waits for a commit in progress, so every upload committed by
	// this version is in the log when the lists are read.
	c := *s
	c.pin = &uploadPin{by: s.Now()}
	rows, err := s.query(ctx, "SELECT version, id FROM {db}.uploads WHERE "+c.okUploads()+" LIMIT ?", maxPinned+1)
	if err != nil {
		return nil, err
	}
	var versions, ids []string
	err = scanAll(rows, func() error {
		var v uint64
		var id string
		if err := rows.Scan(&v, &id); err != nil {
			return err
		}
		versions = append(versions, strconv.FormatUint(v, 10))
		ids = append(ids, quote(id))
		return nil
	})
	if err != nil || len(versions) > maxPinned {
		return s, err
	}
	// Version 0 and the empty id belong to no upload: they keep the lists
	// valid when no upload counts yet.
	versions = append(versions, "0")
	ids = append(ids, "''")
	c.pin.versions, c.pin.ids = strings.Join(versions, ", "), strings.Join(ids, ", ")
	return &c, nil
}

func (s *Store) table(name string) string { return s.database + "." + name }

func (s *Store) query(ctx context.Context, query string, args ...any) (Rows, error) {
	rows, err := s.engine.Query(ctx, s.sql(query), args...)
	return rows, unavailable(err)
}

// nextVersion returns a version that is later than every version this
// store handed out before, and normally the current time in nanoseconds, so
// that versions from several saima instances also order by time.
func (s *Store) nextVersion(at time.Time) uint64 {
	c := s.versions
	c.mu.Lock()
	defer c.mu.Unlock()
	v := uint64(at.UnixNano())
	if v <= c.last {
		v = c.last + 1
	}
	c.last = v
	return v
}

// Now returns a version that no upload committed so far exceeds: pass it to
// [Store.AsOf] to read the ledger as it is now, later. It waits for a
// commit in progress in this process. That commit has already chosen its
// version, so without the wait a snapshot read before its ok record
// lands would miss the upload, and the same snapshot read later would
// count it.
func (s *Store) Now() uint64 {
	s.versions.commit.Lock()
	defer s.versions.commit.Unlock()
	return s.nextVersion(time.Now())
}

// WithClock returns a store that takes the current time from now, as the
// web server and the scoring and ingest services do, to judge which months
// have ended (see [Store.Facts]) and to default [saima.LedgerFilter.AsOf].
// Versions still come from the real clock. A nil now means time.Now.
func (s *Store) WithClock(now func() time.Time) *Store {
	c := *s
	c.clock = now
	return &c
}

// now returns the time on the store's clock.
func (s *Store) now() time.Time {
	if s.clock == nil {
		return time.Now()
	}
	return s.clock()
}

// AsOf returns a store that reads the ledger as it was at version v: only
// uploads committed at or before v count. Writes through it are not
// limited. AsOf(0) reads everything.
func (s *Store) AsOf(v uint64) *Store {
	c := *s
	c.asOf, c.pin = v, nil
	return &c
}

// ReportedBefore returns a store that reads the ledger as the uploads sent
// before t reported it. It goes by the upload time in the upload log, as
// [Store.ListMilestonesReportedBefore] does, so an upload sent before a
// period ended counts for it even when its rows were committed a moment
// after. Writes through it are not limited.
func (s *Store) ReportedBefore(t time.Time) *Store {
	c := *s
	c.sentBefore, c.pin = t.Unix(), nil
	return &c
}

// diskFullMessage is shown to users when the database's disk is full. The
// text before the first comma names the fault, which upload replies quote.
const diskFullMessage = "数据库所在磁盘空间已满，写入失败，请联系系统管理员清理磁盘或扩容后重试"

// unavailable marks engine failures as KindUnavailable unless they already
// carry a kind. A rejected statement stays internal, because it is a bug,
// not an outage, unless the engine's disk is full or a server rejected it
// because another shard of its cluster did not respond.
func unavailable(err error) error {
	if err == nil {
		return nil
	}
	if _, ok := errors.AsType[*saima.Error](err); ok {
		return err
	}
	if qe, ok := errors.AsType[*QueryError](err); ok {
		if diskFull(qe) {
			return saima.Wrap(saima.KindUnavailable, diskFullMessage, err)
		}
		return shardUnavailable(err)
	}
	if errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
		return err
	}
	return saima.Wrap(saima.KindUnavailable, "数据库暂时无法访问，请稍后重试", err)
}

// diskFull reports whether the engine rejected a write because its disk
// is full: chDB 26.5 fails to reserve space for a new part (code 243,
// NOT_ENOUGH_SPACE), and ClickHouse 18.16 fails the write with ENOSPC.
func diskFull(qe *QueryError) bool {
	m := qe.Message
	return strings.HasPrefix(m, "Code: 243.") || strings.HasPrefix(m, "code 243:") ||
		strings.Contains(m, "NOT_ENOUGH_SPACE") || strings.Contains(m, "No space left on device")
}

// visible is the condition that limits a data table to rows of successful
// uploads (committed by the store's as-of version, when it has one). It
// matches rows by version, which is unique per upload: an integer set
// lookup costs a tenth of matching ten million upload_id strings. The
// token {committed_by} is the same condition for tables that name the
// upload by upload_id instead, such as the superseded lists.
const visible = "{visible}"

func scanAll(rows Rows, scan func() error) error {
	defer rows.Close()
	for rows.Next() {
		if err := scan(); err != nil {
			return err
		}
	}
	// A Distributed table reaches the shards while the rows stream, so a
	// shard that is down shows up here rather than in Query.
	return shardUnavailable(rows.Err())
}

func sprintf(format string, args ...any) string { return fmt.Sprintf(format, args...) }

// Database returns the name of the store's database.
func (s *Store) Database() string { return s.database }

// EngineName returns the name of the engine the store runs on.
func (s *Store) EngineName() string { return s.engine.Name() }

package clickhouse

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"math"
	"net"
	"reflect"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"time"

	ch "github.com/ClickHouse/clickhouse-go/v2"
	"github.com/ClickHouse/clickhouse-go/v2/lib/driver"
	"github.com/shopspring/decimal"

	"saima"
)

// ServerConfig configures the server engine. Zero values of Database, User,
// MaxOpenConns, DialTimeout and ReadTimeout mean the values of
// [DefaultServerConfig]; Addrs has no default.
type ServerConfig struct {
	// Addrs lists native-protocol addresses as host:port (the server's
	// tcp_port, 9000 by default, or tcp_port_secure with TLS). A new
	// connection tries them in order and uses the first that accepts it.
	Addrs []string
	// Database is the database that unqualified table names refer to.
	// OpenServer creates it when it does not exist. It must be a plain
	// identifier: letters, digits and underscores.
	Database string
	User     string
	// Password is sent in the handshake and never logged or printed.
	Password string
	// TLS connects with TLS. InsecureSkipVerify accepts any server
	// certificate, for test servers with self-signed ones; it needs TLS.
	TLS                bool
	InsecureSkipVerify bool
	// MaxOpenConns caps the connections the engine keeps to the servers.
	MaxOpenConns int
	// DialTimeout bounds connecting, and waiting for a free connection when
	// MaxOpenConns are busy.
	DialTimeout time.Duration
	// ReadTimeout bounds each wait for data from the server. A running
	// query sends progress packets, so this is not a limit on query time.
	ReadTimeout time.Duration
	// Cluster names the cluster, from the servers' remote_servers, whose
	// Distributed tables the store writes through. When it is set, every
	// query runs with insert_distributed_sync = 1, so that an INSERT into a
	// Distributed table returns only once every shard has stored its rows.
	// Empty means a single server, and the engine sends no settings.
	Cluster string
}

// DefaultServerConfig returns the configuration of a server on this host
// with the stock ports and user: 127.0.0.1:9000, database and user
// "default", no password, no TLS.
func DefaultServerConfig() ServerConfig {
	return ServerConfig{
		Addrs:        []string{"127.0.0.1:9000"},
		Database:     "default",
		User:         "default",
		MaxOpenConns: 10,
		DialTimeout:  5 * time.Second,
		ReadTimeout:  time.Minute,
	}
}

// Validate reports every problem in c, joined into one error.
func (c ServerConfig) Validate() error {
	var errs []error
	if len(c.Addrs) == 0 {
		errs = append(errs, errors.New("no server address: set at least one host:port such as 127.0.0.1:9000"))
	}
	for _, a := range c.Addrs {
		if err := validateAddr(a); err != nil {
			errs = append(errs, err)
		}
	}
	if c.Database != "" && !plainIdentifier.MatchString(c.Database) {
		errs = append(errs, fmt.Errorf("database %q: use letters, digits and underscores, not starting with a digit", c.Database))
	}
	if c.InsecureSkipVerify && !c.TLS {
		errs = append(errs, errors.New("InsecureSkipVerify is set but TLS is off; enable TLS or drop InsecureSkipVerify"))
	}
	if c.MaxOpenConns < 0 {
		errs = append(errs, fmt.Errorf("MaxOpenConns is %d, want 1 or more (0 means the default)", c.MaxOpenConns))
	}
	if c.DialTimeout < 0 {
		errs = append(errs, fmt.Errorf("DialTimeout is %s, want a positive duration (0 means the default)", c.DialTimeout))
	}
	if c.ReadTimeout < 0 {
		errs = append(errs, fmt.Errorf("ReadTimeout is %s, want a positive duration (0 means the default)", c.ReadTimeout))
	}
	if c.Cluster != "" && !clusterName.MatchString(c.Cluster) {
		errs = append(errs, fmt.Errorf("cluster %q: use letters, digits, underscores, dots and hyphens", c.Cluster))
	}
	return errors.Join(errs...)
}

var plainIdentifier = regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_]*$`)

func validateAddr(addr string) error {
	host, port, err := net.SplitHostPort(addr)
	if err != nil {
		return fmt.Errorf("server address %q: want host:port such as 127.0.0.1:9000", addr)
	}
	if n, err := strconv.Atoi(port); err != nil || n < 1 || n > 65535 || host == "" {
		return fmt.Errorf("server address %q: want a host and a port from 1 to 65535", addr)
	}
	return nil
}

func (c ServerConfig) withDefaults() ServerConfig {
	d := DefaultServerConfig()
	if c.Database == "" {
		c.Database = d.Database
	}
	if c.User == "" {
		c.User = d.User
	}
	if c.MaxOpenConns == 0 {
		c.MaxOpenConns = d.MaxOpenConns
	}
	if c.DialTimeout == 0 {
		c.DialTimeout = d.DialTimeout
	}
	if c.ReadTimeout == 0 {
		c.ReadTimeout = d.ReadTimeout
	}
	return c
}

// LogValue implements slog.LogValuer. It reports whether a password is set
// but never the password itself.
func (c ServerConfig) LogValue() slog.Value {
	return slog.GroupValue(
		slog.String("addrs", strings.Join(c.Addrs, ",")),
		slog.String("database", c.Database),
		slog.String("user", c.User),
		slog.Bool("password_set", c.Password != ""),
		slog.Bool("tls", c.TLS),
		slog.Bool("insecure_skip_verify", c.InsecureSkipVerify),
		slog.String("cluster", c.Cluster),
	)
}

// String formats c for messages, with the password redacted.
func (c ServerConfig) String() string {
	pw := ""
	if c.Password != "" {
		pw = "[redacted]"
	}
	return fmt.Sprintf("addrs=%s database=%s user=%s password=%s tls=%t cluster=%s",
		strings.Join(c.Addrs, ","), c.Database, c.User, pw, c.TLS, c.Cluster)
}

// GoString keeps %#v from printing the password.
func (c ServerConfig) GoString() string { return "clickhouse.ServerConfig{" + c.String() + "}" }

func (c ServerConfig) options() *ch.Options {
	opt := &ch.Options{
		Protocol:         ch.Native,
		Addr:             c.Addrs,
		Auth:             ch.Auth{Database: c.Database, Username: c.User, Password: c.Password},
		ConnOpenStrategy: ch.ConnOpenInOrder,
		MaxOpenConns:     c.MaxOpenConns,
		MaxIdleConns:     c.MaxOpenConns,
		DialTimeout:      c.DialTimeout,
		ReadTimeout:      c.ReadTimeout,
		// LZ4 is the compression every server since 1.1 speaks; 18.16
		// accepts it over the native protocol, as it does ZSTD.
		Compression: &ch.Compression{Method: ch.CompressionLZ4},
	}
	if c.TLS {
		opt.TLS = &tls.Config{InsecureSkipVerify: c.InsecureSkipVerify, MinVersion: tls.VersionTLS12}
	}
	// Against a server older than revision 54429 (ClickHouse 20.1)
	// clickhouse-go sends settings as integers and cannot send
	// string-valued ones at all, so only integer settings are set here.
	// 18.16 names the setting insert_distributed_sync, as newer releases
	// still do (checked in its system.settings).
	if c.Cluster != "" {
		opt.Settings = ch.Settings{"insert_distributed_sync": 1}
	}
	return opt
}

// unavailableMessage is shown to users when the server cannot be reached.
const unavailableMessage = "无法连接 ClickHouse 数据库服务器，请稍后重试；如果问题持续，请联系系统管理员"

// serverEngine is the engine over a ClickHouse server, reached with
// clickhouse-go over the native protocol. Values are bound into the SQL text
// by [Bind], the same binder the embedded engine uses, so both engines run
// identical SQL.
type serverEngine struct {
	conn     driver.Conn
	cfg      ServerConfig
	log      *slog.Logger
	failures failureLog
}

// OpenServer connects to the first reachable server in cfg.Addrs, creates
// cfg.Database if it does not exist, and returns an engine over it. It fails
// when cfg is invalid, when no address accepts a connection within
// cfg.DialTimeout (an error of kind [saima.KindUnavailable]), or when the
// server rejects the user or password (a [*QueryError]).
// A nil log discards the engine's log lines.
func OpenServer(ctx context.Context, cfg ServerConfig, log *slog.Logger) (Engine, error) {
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	if err := cfg.Validate(); err != nil {
		return nil, fmt.Errorf("clickhouse server config: %w", err)
	}
	cfg = cfg.withDefaults()
	conn, err := ch.Open(cfg.options())
	if err != nil {
		return nil, fmt.Errorf("open clickhouse server: %w", err)
	}

	s := &serverEngine{conn: conn, cfg: cfg, log: log}
	if err := s.connect(ctx); err != nil {
		conn.Close()
		if _, rejected := errors.AsType[*QueryError](err); rejected {
			// The server rejected the handshake because of a wrong user or
			// password, or a missing right to create the database.
			return nil, fmt.Errorf("connect to clickhouse server %s as user %s, database %s: %w",
				strings.Join(cfg.Addrs, ","), cfg.User, cfg.Database, err)
		}
		return nil, err
	}
	version := "unknown"
	if v, err := conn.ServerVersion(); err == nil {
		version = v.Version.String()
	}
	log.Info("clickhouse server connected", "config", cfg, "server_version", version)
	return s, nil
}

// codeUnknownDatabase is ClickHouse's error code UNKNOWN_DATABASE.
const codeUnknownDatabase = 81

// connect makes the first connection, creating the database when the server
// rejects the handshake because it does not exist.
func (s *serverEngine) connect(ctx context.Context) error {
	err := s.conn.Ping(ctx)
	if ex, ok := errors.AsType[*ch.Exception](err); ok && ex.Code == codeUnknownDatabase {
		if err := s.createDatabase(ctx); err != nil {
			return err
		}
		err = s.conn.Ping(ctx)
	}
	if err != nil {
		return s.fail(ctx, "ping", "", err)
	}
	return nil
}

// createDatabase creates s.cfg.Database over a connection to the user's
// default database.
func (s *serverEngine) createDatabase(ctx context.Context) error {
	cfg := s.cfg
	cfg.Database = ""
	opt := cfg.options()
	opt.MaxOpenConns, opt.MaxIdleConns = 1, 1
	conn, err := ch.Open(opt)
	if err != nil {
		return fmt.Errorf("open clickhouse server: %w", err)
	}
	defer conn.Close()

	stmt := "CREATE DATABASE IF NOT EXISTS " + s.cfg.Database
	if err := conn.Exec(ctx, stmt); err != nil {
		return s.fail(ctx, "create database", stmt, err)
	}
	s.log.Info("clickhouse database created", "database", s.cfg.Database)
	return nil
}

// Name implements Engine.
func (s *serverEngine) Name() string { return "server" }

// Exec implements Engine. It rejects INSERT … VALUES and INSERT … FORMAT:
// see errInlineInsert.
func (s *serverEngine) Exec(ctx context.Context, query string, args ...any) error {
	q, err := Bind(query, args...)
	if err != nil {
		return err
	}
	if inlineInsert.MatchString(q) {
		return errInlineInsert
	}
	if err := s.conn.Exec(ctx, q); err != nil {
		return s.fail(ctx, "exec", q, err)
	}
	s.failures.recovered(s.log)
	return nil
}

// Query implements Engine.
func (s *serverEngine) Query(ctx context.Context, query string, args ...any) (Rows, error) {
	q, err := Bind(query, args...)
	if err != nil {
		return nil, err
	}
	if inlineInsert.MatchString(q) {
		return nil, errInlineInsert
	}
	rows, err := s.conn.Query(ctx, q)
	if err != nil {
		return nil, s.fail(ctx, "query", q, err)
	}
	s.failures.recovered(s.log)
	return newServerRows(ctx, s, q, rows), nil
}

// inlineInsert matches an INSERT whose rows follow in the statement text.
var inlineInsert = regexp.MustCompile(`(?is)^\s*INSERT\s+INTO\s+[^\s(]+\s*(\([^)]*\))?\s*(VALUES|FORMAT)\b`)

// errInlineInsert explains why the server engine rejects rows in the
// statement text. On the native protocol, ClickHouse 18.16 responds to such
// an INSERT with the table's columns and waits for the rows as data blocks,
// which clickhouse-go's Exec never sends, so the call would hang until
// ReadTimeout. INSERT … SELECT works.
var errInlineInsert = errors.New("server engine: INSERT with VALUES or FORMAT in the statement " +
	"is not supported on the native protocol of ClickHouse 18.16; use Engine.Insert")

// Insert implements Engine. The rows travel as one native-protocol block
// after "INSERT INTO table (columns)", converted to the Go types that
// clickhouse-go expects for each column's type.
func (s *serverEngine) Insert(ctx context.Context, table string, columns []string, rows [][]any) error {
	if len(rows) == 0 {
		return nil
	}
	for i, row := range rows {
		if len(row) != len(columns) {
			return fmt.Errorf("insert into %s: row %d has %d values for %d columns", table, i+1, len(row), len(columns))
		}
	}

	stmt := "INSERT INTO " + table + " (" + strings.Join(columns, ", ") + ")"
	batch, err := s.conn.PrepareBatch(ctx, stmt)
	if err != nil {
		return s.fail(ctx, "prepare insert", stmt, err)
	}
	defer func() {
		if !batch.IsSent() {
			batch.Abort()
		}
	}()

	if err := appendRows(batch, columns, rows); err != nil {
		return fmt.Errorf("insert into %s: %w", table, err)
	}
	if err := batch.Send(); err != nil {
		return s.fail(ctx, "insert", stmt, err)
	}
	s.failures.recovered(s.log)
	return nil
}

// tsvInserter implements Engine: rows go through Insert, as native blocks.
func (s *serverEngine) tsvInserter() tsvInserter { return nil }

func (s *serverEngine) fileCopier() nativeCopier { return nil }

func appendRows(batch driver.Batch, columns []string, rows [][]any) error {
	types := batch.Columns()
	if len(types) != len(columns) {
		return fmt.Errorf("server described %d columns for the %d named", len(types), len(columns))
	}
	vals := make([]any, len(columns))
	for i, row := range rows {
		for j, v := range row {
			dv, err := insertValue(v, string(types[j].Type()))
			if err != nil {
				return fmt.Errorf("row %d column %s: %w", i+1, columns[j], err)
			}
			vals[j] = dv
		}
		if err := batch.Append(vals...); err != nil {
			return fmt.Errorf("row %d: %w", i+1, err)
		}
	}
	return nil
}

// Ping implements Engine.
func (s *serverEngine) Ping(ctx context.Context) error {
	if err := s.conn.Ping(ctx); err != nil {
		return s.fail(ctx, "ping", "", err)
	}
	s.failures.recovered(s.log)
	return nil
}

// Close implements Engine.
func (s *serverEngine) Close() error { return s.conn.Close() }

// fail turns a driver error into the engine's error types. A server
// exception becomes a *QueryError. A failure to reach the server becomes an
// error of kind saima.KindUnavailable and is logged, because the operator
// has to act on it. Everything else, including the caller's own context
// ending, is returned wrapped with op.
func (s *serverEngine) fail(ctx context.Context, op, query string, err error) error {
	if ex, ok := errors.AsType[*ch.Exception](err); ok {
		return &QueryError{Engine: "server", Message: fmt.Sprintf("code %d: %s", ex.Code, ex.Message), Query: query}
	}
	if isConnFailure(ctx, err) {
		s.failures.failed(s.log, s.cfg, err)
		cause := fmt.Errorf("%s on clickhouse server %s: %w", op, strings.Join(s.cfg.Addrs, ","), err)
		return saima.Wrap(saima.KindUnavailable, unavailableMessage, cause)
	}
	if ctxErr := contextEnded(ctx); ctxErr != nil && !errors.Is(err, ctxErr) {
		// clickhouse-go turns the context's deadline into a socket
		// deadline, so the error is an i/o timeout; keep the context's
		// error in the chain for errors.Is.
		return fmt.Errorf("%s: %w: %w", op, ctxErr, err)
	}
	return fmt.Errorf("%s: %w", op, err)
}

// contextEnded returns ctx's error, or context.DeadlineExceeded once ctx's
// deadline has passed even if its timer has not fired yet: a socket
// deadline set to the same instant can fire first.
func contextEnded(ctx context.Context) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	if d, ok := ctx.Deadline(); ok && !time.Now().Before(d) {
		return context.DeadlineExceeded
	}
	return nil
}

// isConnFailure reports whether err means the server could not be reached
// or dropped the connection, as opposed to the caller's context ending.
func isConnFailure(ctx context.Context, err error) bool {
	if errors.Is(err, ch.ErrAcquireConnTimeout) {
		return true
	}
	if contextEnded(ctx) != nil {
		return false
	}
	if _, ok := errors.AsType[net.Error](err); ok {
		return true
	}
	for _, target := range []error{io.EOF, io.ErrUnexpectedEOF, syscall.ECONNREFUSED, syscall.ECONNRESET, syscall.EPIPE} {
		if errors.Is(err, target) {
			return true
		}
	}
	return false
}

// failureLogInterval is the minimum time between two log lines about the
// server being unreachable. Failures in between are counted, not logged.
const failureLogInterval = 30 * time.Second

// failureLog logs connection failures without flooding the log while the
// server is down under load, and logs once when it responds again.
type failureLog struct {
	down       atomic.Bool
	mu         sync.Mutex
	last       time.Time
	suppressed int
}

func (f *failureLog) failed(log *slog.Logger, cfg ServerConfig, err error) {
	f.down.Store(true)
	f.mu.Lock()
	defer f.mu.Unlock()
	if time.Since(f.last) < failureLogInterval {
		f.suppressed++
		return
	}
	log.Error("clickhouse server unreachable", "config", cfg, "error", err, "suppressed_since_last", f.suppressed)
	f.last, f.suppressed = time.Now(), 0
}

func (f *failureLog) recovered(log *slog.Logger) {
	if !f.down.Load() {
		return
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.down.CompareAndSwap(true, false) {
		log.Info("clickhouse server reachable again", "failures_not_logged", f.suppressed)
		f.last, f.suppressed = time.Time{}, 0
	}
}

// serverRows reads a result with clickhouse-go and converts each value to
// the destination type the caller passes, as the embedded engine's rows do.
type serverRows struct {
	ctx   context.Context
	srv   *serverEngine
	query string
	rows  driver.Rows
	types []driver.ColumnType
	buf   []any // one pointer per column, to the type clickhouse-go scans it as
}

func newServerRows(ctx context.Context, s *serverEngine, query string, rows driver.Rows) *serverRows {
	types := rows.ColumnTypes()
	buf := make([]any, len(types))
	for i, t := range types {
		buf[i] = reflect.New(t.ScanType()).Interface()
	}
	return &serverRows{ctx: ctx, srv: s, query: query, rows: rows, types: types, buf: buf}
}

func (r *serverRows) Next() bool        { return r.rows.Next() }
func (r *serverRows) Columns() []string { return r.rows.Columns() }

func (r *serverRows) Err() error {
	if err := r.rows.Err(); err != nil {
		return r.srv.fail(r.ctx, "read rows", r.query, err)
	}
	return nil
}

func (r *serverRows) Close() error {
	if err := r.rows.Close(); err != nil {
		return r.srv.fail(r.ctx, "close rows", r.query, err)
	}
	return nil
}

// Scan implements Rows. See [Rows] for the destination types.
func (r *serverRows) Scan(dest ...any) error {
	if len(dest) != len(r.types) {
		return fmt.Errorf("scan: %d destinations for %d columns", len(dest), len(r.types))
	}
	if err := r.rows.Scan(r.buf...); err != nil {
		return fmt.Errorf("scan: %w", err)
	}
	for i, d := range dest {
		src := reflect.ValueOf(r.buf[i]).Elem().Interface()
		if err := scanServer(d, src, r.types[i].DatabaseTypeName()); err != nil {
			return fmt.Errorf("scan column %s (%s): %w", r.types[i].Name(), r.types[i].DatabaseTypeName(), err)
		}
	}
	return nil
}

// scanServer stores src, a value as clickhouse-go scanned it from a column of
// type chType, in dest, one of the destinations listed at [Rows].
func scanServer(dest, src any, chType string) error {
	src, null := deref(src)
	if nd, ok := dest.(*decimal.NullDecimal); ok {
		if null {
			*nd = decimal.NullDecimal{}
			return nil
		}
		d, err := decimalOf(src)
		*nd = decimal.NullDecimal{Decimal: d, Valid: err == nil}
		return err
	}

	rv := reflect.ValueOf(dest)
	if rv.Kind() != reflect.Pointer || rv.IsNil() {
		return fmt.Errorf("destination %T is not a non-nil pointer", dest)
	}
	if rv.Elem().Kind() == reflect.Pointer {
		// **T: a Nullable column read into an optional value.
		if null {
			rv.Elem().SetZero()
			return nil
		}
		v := reflect.New(rv.Elem().Type().Elem())
		if err := scanServerValue(v.Interface(), src, chType); err != nil {
			return err
		}
		rv.Elem().Set(v)
		return nil
	}
	if null {
		return fmt.Errorf("NULL read into %T; scan into a pointer to a pointer instead", dest)
	}
	return scanServerValue(dest, src, chType)
}

// deref follows pointers, which clickhouse-go uses for Nullable columns, and
// reports whether the value is NULL.
func deref(v any) (any, bool) {
	for v != nil {
		rv := reflect.ValueOf(v)
		if rv.Kind() != reflect.Pointer {
			return v, false
		}
		if rv.IsNil() {
			return nil, true
		}
		v = rv.Elem().Interface()
	}
	return nil, true
}

func scanServerValue(dest, src any, chType string) error {
	var err error
	switch d := dest.(type) {
	case *string:
		*d, err = textOf(src, chType)
	case *bool:
		var n uint64
		n, err = unsignedOf(src, 1)
		*d = n == 1
	case *int:
		var n int64
		n, err = signedOf(src, math.MinInt, math.MaxInt)
		*d = int(n)
	case *int64:
		*d, err = signedOf(src, math.MinInt64, math.MaxInt64)
	case *uint8:
		var n uint64
		n, err = unsignedOf(src, math.MaxUint8)
		*d = uint8(n)
	case *uint32:
		var n uint64
		n, err = unsignedOf(src, math.MaxUint32)
		*d = uint32(n)
	case *uint64:
		*d, err = unsignedOf(src, math.MaxUint64)
	case *float64:
		*d, err = floatOf(src)
	case *decimal.Decimal:
		*d, err = decimalOf(src)
	case *saima.Date:
		*d, err = dateOf(src, chType)
	case *time.Time:
		t, ok := src.(time.Time)
		if !ok {
			return fmt.Errorf("cannot read %T into %T", src, dest)
		}
		*d = t
	case *[]string:
		s, ok := src.([]string)
		if !ok {
			return fmt.Errorf("cannot read %T into %T", src, dest)
		}
		*d = s
	default:
		return fmt.Errorf("unsupported scan destination %T", dest)
	}
	return err
}

// signedOf returns src, an integer of any width, as an int64 within
// [lo, hi].
func signedOf(src any, lo, hi int64) (int64, error) {
	v := reflect.ValueOf(src)
	switch {
	case v.CanInt():
		if n := v.Int(); n >= lo && n <= hi {
			return n, nil
		}
	case v.CanUint():
		if n := v.Uint(); n <= uint64(hi) {
			return int64(n), nil
		}
	default:
		return 0, fmt.Errorf("%T is not an integer", src)
	}
	return 0, fmt.Errorf("%v is out of range [%d, %d]", src, lo, hi)
}

// unsignedOf returns src, an integer of any width, as a uint64 within
// [0, hi].
func unsignedOf(src any, hi uint64) (uint64, error) {
	v := reflect.ValueOf(src)
	switch {
	case v.CanUint():
		if n := v.Uint(); n <= hi {
			return n, nil
		}
	case v.CanInt():
		if n := v.Int(); n >= 0 && uint64(n) <= hi {
			return uint64(n), nil
		}
	default:
		return 0, fmt.Errorf("%T is not an integer", src)
	}
	return 0, fmt.Errorf("%v is out of range [0, %d]", src, hi)
}

func floatOf(src any) (float64, error) {
	v := reflect.ValueOf(src)
	switch {
	case v.CanFloat():
		return v.Float(), nil
	case v.CanInt():
		return float64(v.Int()), nil
	case v.CanUint():
		return float64(v.Uint()), nil
	}
	if d, ok := src.(decimal.Decimal); ok {
		return d.InexactFloat64(), nil
	}
	return 0, fmt.Errorf("cannot read %T as a float", src)
}

func decimalOf(src any) (decimal.Decimal, error) {
	switch x := src.(type) {
	case decimal.Decimal:
		return x, nil
	case string:
		return decimal.NewFromString(x)
	}
	v := reflect.ValueOf(src)
	switch {
	case v.CanInt():
		return decimal.NewFromInt(v.Int()), nil
	case v.CanUint():
		return decimal.NewFromUint64(v.Uint()), nil
	case v.CanFloat():
		return decimal.NewFromFloat(v.Float()), nil
	}
	return decimal.Decimal{}, fmt.Errorf("cannot read %T as a decimal", src)
}

// dateOf returns the calendar day of src. A Date column arrives as midnight
// in the server's zone, so its own year, month and day are the stored day.
// A DateTime is an instant, and its day is the day in Beijing.
func dateOf(src any, chType string) (saima.Date, error) {
	switch x := src.(type) {
	case time.Time:
		if isDateType(chType) {
			y, m, d := x.Date()
			return saima.NewDate(y, m, d), nil
		}
		return saima.DateOf(x), nil
	case string:
		return saima.ParseDate(x)
	}
	return saima.Date{}, fmt.Errorf("cannot read %T as a date", src)
}

// textOf formats src for a *string destination as the embedded engine (chDB
// 26.5) prints it, so both engines return the same text. That differs from
// 18.16's own text for decimals: 18.16 prints 75.5700 where chDB prints 75.57.
func textOf(src any, chType string) (string, error) {
	switch x := src.(type) {
	case string:
		return x, nil
	case decimal.Decimal:
		return x.String(), nil
	case time.Time:
		if isDateType(chType) {
			return x.Format(time.DateOnly), nil
		}
		return x.Format(time.DateTime), nil
	}
	v := reflect.ValueOf(src)
	switch {
	case v.CanInt():
		return strconv.FormatInt(v.Int(), 10), nil
	case v.CanUint():
		return strconv.FormatUint(v.Uint(), 10), nil
	case v.CanFloat():
		return strconv.FormatFloat(v.Float(), 'g', -1, 64), nil
	}
	return "", fmt.Errorf("cannot read %T as text", src)
}

// baseType strips Nullable( ) from a column type.
func baseType(chType string) string {
	if s, ok := strings.CutPrefix(chType, "Nullable("); ok {
		return strings.TrimSuffix(s, ")")
	}
	return chType
}

func isDateType(chType string) bool {
	b := baseType(chType)
	return b == "Date" || b == "Date32"
}

// insertValue converts v, one of the types listed at [Bind], to a value that
// clickhouse-go appends to a column of type chType. Integers are range
// checked, because clickhouse-go would wrap 300 into a UInt8 as 44.
func insertValue(v any, chType string) (any, error) {
	base := baseType(chType)
	switch x := v.(type) {
	case nil:
		return nil, nil
	case saima.Date:
		return dateValue(x, base), nil
	case *saima.Date:
		if x == nil {
			return nil, nil
		}
		return dateValue(*x, base), nil
	case saima.Period:
		return x.String(), nil
	case decimal.NullDecimal:
		if !x.Valid {
			return nil, nil
		}
		return x.Decimal, nil
	case time.Time:
		if isDateType(base) {
			// The day of an instant is its day in Beijing, as in [saima.DateOf].
			return x.In(saima.Beijing), nil
		}
		return x, nil
	case float64:
		if strings.HasPrefix(base, "Decimal") {
			return decimal.NewFromFloat(x), nil
		}
		return x, nil
	case bool, string, decimal.Decimal, []string, []float64, []uint8, []uint32:
		return v, nil
	}
	if rv := reflect.ValueOf(v); rv.CanInt() || rv.CanUint() {
		return integerValue(v, base)
	}
	return nil, fmt.Errorf("unsupported value type %T", v)
}

// dateValue returns d as the time.Time that clickhouse-go stores as day d:
// midnight UTC for a Date column, and midnight in the column's zone (Beijing
// when the type names none) for a DateTime column.
func dateValue(d saima.Date, base string) time.Time {
	if !strings.HasPrefix(base, "DateTime") {
		return time.Date(d.Year, d.Month, d.Day, 0, 0, 0, 0, time.UTC)
	}
	loc := saima.Beijing
	if _, zone, ok := strings.Cut(base, "'"); ok {
		if l, err := time.LoadLocation(strings.TrimSuffix(zone, "')")); err == nil {
			loc = l
		}
	}
	return time.Date(d.Year, d.Month, d.Day, 0, 0, 0, 0, loc)
}

// integerValue converts the integer v to the Go type of the integer, float
// or decimal column type base.
func integerValue(v any, base string) (any, error) {
	type bounds struct {
		lo   int64
		hi   uint64
		conv func(int64, uint64) any
	}
	signed := func(lo, hi int64, f func(int64) any) bounds {
		return bounds{lo, uint64(hi), func(n int64, _ uint64) any { return f(n) }}
	}
	unsigned := func(hi uint64, f func(uint64) any) bounds {
		return bounds{0, hi, func(_ int64, u uint64) any { return f(u) }}
	}
	table := map[string]bounds{
		"Int8":   signed(math.MinInt8, math.MaxInt8, func(n int64) any { return int8(n) }),
		"Int16":  signed(math.MinInt16, math.MaxInt16, func(n int64) any { return int16(n) }),
		"Int32":  signed(math.MinInt32, math.MaxInt32, func(n int64) any { return int32(n) }),
		"Int64":  signed(math.MinInt64, math.MaxInt64, func(n int64) any { return n }),
		"UInt8":  unsigned(math.MaxUint8, func(u uint64) any { return uint8(u) }),
		"UInt16": unsigned(math.MaxUint16, func(u uint64) any { return uint16(u) }),
		"UInt32": unsigned(math.MaxUint32, func(u uint64) any { return uint32(u) }),
		"UInt64": unsigned(math.MaxUint64, func(u uint64) any { return u }),
	}
	rv := reflect.ValueOf(v)
	b, ok := table[base]
	switch {
	case ok && rv.CanInt():
		n := rv.Int()
		if n < b.lo || (n > 0 && uint64(n) > b.hi) {
			return nil, fmt.Errorf("%d is out of range for %s", n, base)
		}
		return b.conv(n, uint64(n)), nil
	case ok:
		u := rv.Uint()
		if u > b.hi {
			return nil, fmt.Errorf("%d is out of range for %s", u, base)
		}
		return b.conv(int64(u), u), nil
	case strings.HasPrefix(base, "Decimal"):
		return decimalOf(v)
	case strings.HasPrefix(base, "Float"):
		return floatOf(v)
	}
	return v, nil
}

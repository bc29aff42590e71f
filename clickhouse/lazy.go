package clickhouse

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"sync/atomic"
	"time"

	ch "github.com/ClickHouse/clickhouse-go/v2"

	"saima"
)

// OpenServerStore opens a store on the ClickHouse server of cfg, in
// cfg.Database, with the settings of opts. It sets cfg.Cluster to
// opts.Cluster, so that inserts through the Distributed tables wait for
// every shard.
//
// Opening is lazy when no server responds: OpenServerStore then logs a
// warning and returns the store anyway. The store connects and applies the
// schema at its first use, and again at each later use until both
// succeed. Until then every call returns an error of kind
// [saima.KindUnavailable], so a service started before its database
// serves 503 and recovers by itself. Once ready, the connection pool
// reconnects by itself after an outage.
//
// OpenServerStore fails at once when cfg or opts are invalid, and on any
// other error of its first attempt, such as a wrong password or a schema
// statement the server rejects.
func OpenServerStore(ctx context.Context, cfg ServerConfig, opts StoreOptions, log *slog.Logger) (*Store, error) {
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	cfg.Cluster = opts.Cluster
	if err := errors.Join(cfg.Validate(), opts.Validate()); err != nil {
		return nil, fmt.Errorf("clickhouse store config: %w", err)
	}
	cfg = cfg.withDefaults()
	conn, err := ch.Open(cfg.options())
	if err != nil {
		return nil, fmt.Errorf("open clickhouse server: %w", err)
	}

	srv := &serverEngine{conn: conn, cfg: cfg, log: log}
	lazy := &lazyEngine{Engine: srv, log: log, prepare: func(ctx context.Context) error {
		if err := srv.connect(ctx); err != nil {
			return err
		}
		return prepare(ctx, srv, cfg.Database, opts, log)
	}}
	if err := lazy.ready(ctx); err != nil {
		if saima.ErrorKind(err) != saima.KindUnavailable {
			srv.Close()
			return nil, err
		}
		log.Warn("clickhouse store not ready, will connect and migrate at first use",
			"config", cfg, "error", err)
	}
	st := newStore(lazy, cfg.Database, log)
	if opts.Cluster != "" {
		st.cluster = &clusterReader{name: opts.Cluster, nodes: opts.Nodes, opener: srv}
	}
	return st, nil
}

// retryInterval is the shortest time between two attempts of a lazy engine
// to get ready. Calls in between return the last attempt's error at once,
// so that requests during an outage do not queue up behind dial timeouts.
const retryInterval = time.Second

// lazyEngine is an engine that runs prepare (connecting and applying the
// schema) before its first statement, and retries it at later calls until
// it succeeds.
type lazyEngine struct {
	Engine
	prepare func(ctx context.Context) error
	log     *slog.Logger

	done    atomic.Bool // prepare succeeded
	mu      sync.Mutex  // serialises attempts
	tried   time.Time   // start of the last failed attempt
	lastErr error       // its error
}

// ready runs prepare unless it succeeded before or failed less than
// retryInterval ago.
func (l *lazyEngine) ready(ctx context.Context) error {
	if l.done.Load() {
		return nil
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.done.Load() {
		return nil
	}
	if l.lastErr != nil && time.Since(l.tried) < retryInterval {
		return l.lastErr
	}

	start := time.Now()
	err := unavailable(l.prepare(ctx))
	if err == nil {
		l.done.Store(true)
		l.lastErr = nil
		l.log.Info("clickhouse store ready", "engine", l.Name())
		return nil
	}
	// An attempt that the caller's context cut short does not show that
	// the server is down, so the next caller tries again.
	if ctx.Err() == nil {
		l.tried, l.lastErr = start, err
	}
	return err
}

// Exec implements Engine.
func (l *lazyEngine) Exec(ctx context.Context, query string, args ...any) error {
	if err := l.ready(ctx); err != nil {
		return err
	}
	return l.Engine.Exec(ctx, query, args...)
}

// Query implements Engine.
func (l *lazyEngine) Query(ctx context.Context, query string, args ...any) (Rows, error) {
	if err := l.ready(ctx); err != nil {
		return nil, err
	}
	return l.Engine.Query(ctx, query, args...)
}

// Insert implements Engine.
func (l *lazyEngine) Insert(ctx context.Context, table string, columns []string, rows [][]any) error {
	if err := l.ready(ctx); err != nil {
		return err
	}
	return l.Engine.Insert(ctx, table, columns, rows)
}

// Ping implements Engine. It gets the engine ready first, so that a
// health check reports a store that cannot apply its schema yet as down.
func (l *lazyEngine) Ping(ctx context.Context) error {
	if err := l.ready(ctx); err != nil {
		return err
	}
	return l.Engine.Ping(ctx)
}

package clickhouse

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"sync"
	"sync/atomic"
	"unsafe"

	"github.com/ebitengine/purego"
	"golang.org/x/sys/unix"
)

// LibraryInstallHint is the instruction for installing libchdb.so, shown when it is missing.
const LibraryInstallHint = "run `npm ci` in the saima source folder (or `make setup`), " +
	"which installs @chdb/lib-linux-x64-gnu@26.5.3, or pass --chdb-lib / SAIMA_CHDB_LIB"

// DefaultLibraryPath is the install path of libchdb.so under npm, relative
// to the folder saima runs in.
const DefaultLibraryPath = "node_modules/@chdb/lib-linux-x64-gnu/libchdb.so"

// chdbAPI holds the C functions of libchdb.so that saima calls. They are
// bound once per process, when the first embedded engine opens, so that a
// binary without the library still runs every command that does not need it.
type chdbAPI struct {
	connect         func(argc int32, argv **byte) unsafe.Pointer
	closeConn       func(conn unsafe.Pointer)
	queryN          func(conn unsafe.Pointer, query *byte, queryLen uintptr, format *byte, formatLen uintptr) unsafe.Pointer
	resultBuffer    func(result unsafe.Pointer) unsafe.Pointer
	resultLength    func(result unsafe.Pointer) uintptr
	resultError     func(result unsafe.Pointer) unsafe.Pointer
	destroyResult   func(result unsafe.Pointer)
	signalsDisabled func(enabled bool)
}

var (
	apiOnce sync.Once
	api     *chdbAPI
	apiErr  error
	apiPath string

	// loadSignals lists the signals whose handlers loading libchdb.so had
	// replaced, for the log.
	loadSignals []int
)

// loadLibrary binds libchdb.so at path. Later calls return the first result,
// because a process can load the engine only once.
func loadLibrary(path string) (*chdbAPI, error) {
	apiOnce.Do(func() {
		apiPath = path
		saved := saveSignalHandlers()
		api, apiErr = bindLibrary(path)
		loadSignals = saved.restore()
	})
	if apiErr == nil && path != apiPath {
		return nil, fmt.Errorf("libchdb.so already loaded from %s; one process can load only one", apiPath)
	}
	return api, apiErr
}

func bindLibrary(path string) (*chdbAPI, error) {
	if _, err := os.Stat(path); err != nil {
		return nil, fmt.Errorf("chDB library not found at %s: %s", path, LibraryInstallHint)
	}
	handle, err := purego.Dlopen(path, purego.RTLD_NOW|purego.RTLD_GLOBAL)
	if err != nil {
		return nil, fmt.Errorf("load chDB library %s: %w", path, err)
	}

	a := &chdbAPI{}
	syms := []struct {
		name string
		fn   any
	}{
		{"chdb_connect", &a.connect},
		{"chdb_close_conn", &a.closeConn},
		{"chdb_query_n", &a.queryN},
		{"chdb_result_buffer", &a.resultBuffer},
		{"chdb_result_length", &a.resultLength},
		{"chdb_result_error", &a.resultError},
		{"chdb_destroy_query_result", &a.destroyResult},
		{"chdb_set_signal_handlers_enabled", &a.signalsDisabled},
	}
	for _, s := range syms {
		// Dlsym first: RegisterLibFunc panics on a missing symbol, and an
		// older or newer library must fail with an error instead.
		sym, err := purego.Dlsym(handle, s.name)
		if err != nil {
			return nil, fmt.Errorf("chDB library %s lacks %s (need @chdb/lib-linux-x64-gnu 26.5): %w", path, s.name, err)
		}
		purego.RegisterFunc(s.fn, sym)
	}
	return a, nil
}

// EmbeddedConfig configures the embedded engine.
type EmbeddedConfig struct {
	// Library is the path of libchdb.so. Empty means DefaultLibraryPath.
	Library string
	// DataDir is the folder chDB keeps its tables in. Empty means "./data".
	// One process can use one data folder only.
	DataDir string
}

// embedded is the chDB engine. chDB runs one statement at a time per
// process, so every call holds mu.
type embedded struct {
	lastPurge atomic.Int64 // when purgeFreedMemory last ran, in ns since 1970

	mu   sync.Mutex
	api  *chdbAPI
	conn unsafe.Pointer // chdb_connection*, as chdb_connect returned it
	dir  string
	log  *slog.Logger

	// staging is the folder of the files that bulk INSERT statements read;
	// see insertTSV.
	staging string

	// startPages are the byte counts that pageOutLibrary returned at start,
	// for the tests: resident before, resident after and private after.
	startPages [3]uint64
}

var (
	openMu   sync.Mutex
	openConn *embedded
	openRefs int
)

// OpenEmbedded starts chDB on cfg.DataDir and returns an engine over it.
// The engine is shared within the process: opening the same folder again
// returns the same connection, and opening another folder is an error,
// because chDB stays up until the process exits (see sharedEmbedded.Close).
// A folder that another process runs chDB on gives a [*LockedError].
func OpenEmbedded(cfg EmbeddedConfig, log *slog.Logger) (Engine, error) {
	if cfg.Library == "" {
		cfg.Library = DefaultLibraryPath
	}
	if cfg.DataDir == "" {
		cfg.DataDir = "data"
	}
	dir, err := filepath.Abs(cfg.DataDir)
	if err != nil {
		return nil, fmt.Errorf("data folder %s: %w", cfg.DataDir, err)
	}

	openMu.Lock()
	defer openMu.Unlock()
	if openConn != nil && openConn.dir == dir {
		openRefs++
		return &sharedEmbedded{openConn}, nil
	}
	if err := checkUnlocked(dir); err != nil {
		return nil, err
	}
	if openConn != nil {
		return nil, fmt.Errorf("chDB already runs on %s; one process can use one data folder", openConn.dir)
	}

	e, err := connectEmbedded(cfg.Library, dir, log)
	if err != nil {
		return nil, err
	}
	openConn, openRefs = e, 1
	return &sharedEmbedded{e}, nil
}

func connectEmbedded(lib, dir string, log *slog.Logger) (*embedded, error) {
	a, err := loadLibrary(lib)
	if err != nil {
		return nil, err
	}
	if err := os.MkdirAll(dir, 0o750); err != nil {
		return nil, fmt.Errorf("create data folder: %w", err)
	}
	staging, err := prepareStaging(dir)
	if err != nil {
		return nil, err
	}
	args, err := embeddedArgs(dir)
	if err != nil {
		return nil, err
	}

	// The Go runtime owns the process's signal handlers: it turns a nil
	// dereference into a panic and needs SIGURG to preempt goroutines.
	// chDB installs its own while it loads and boots, so put Go's back.
	saved := saveSignalHandlers()
	a.signalsDisabled(false)
	defer func() {
		if sigs := saved.restore(); len(sigs) > 0 || len(loadSignals) > 0 {
			log.Debug("restored Go signal handlers after chDB start", "on_load", loadSignals, "on_connect", sigs)
		}
	}()

	cargs := make([]*byte, len(args)+1)
	for i, s := range args {
		cargs[i] = cString(s)
	}
	pp := a.connect(int32(len(args)), &cargs[0])
	if pp == nil || *(*unsafe.Pointer)(pp) == nil {
		return nil, fmt.Errorf("start chDB on %s failed (is another process using it?)", dir)
	}
	log.Info("embedded engine started", "data_dir", dir, "library", lib)
	e := &embedded{api: a, conn: pp, dir: dir, log: log, staging: staging}
	before, after, private, err := pageOutLibrary(lib)
	switch {
	case errors.Is(err, unix.EINVAL):
		log.Info("this kernel has no MADV_PAGEOUT (Linux 5.4 or later), so chDB's start-up pages stay resident")
	case err != nil:
		log.Warn("could not release the chDB library's start-up pages", "err", err)
	default:
		e.startPages = [3]uint64{before, after, private}
		log.Debug("released the chDB library's start-up pages",
			"resident_before_mb", before>>20, "resident_after_mb", after>>20, "private_after_mb", private>>20)
	}
	return e, nil
}

func cString(s string) *byte {
	b := make([]byte, len(s)+1)
	copy(b, s)
	return &b[0]
}

// query runs one statement and returns its output in format.
func (e *embedded) query(ctx context.Context, query, format string) ([]byte, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	if e.conn == nil {
		return nil, errClosed
	}

	q := []byte(query)
	f := []byte(format)
	if len(q) == 0 || len(f) == 0 {
		return nil, errors.New("empty query or format")
	}
	conn := *(*unsafe.Pointer)(e.conn)
	res := e.api.queryN(conn, &q[0], uintptr(len(q)), &f[0], uintptr(len(f)))
	if res == nil {
		return nil, errors.New("chDB returned no result")
	}
	defer e.api.destroyResult(res)

	if msg := goString(e.api.resultError(res)); msg != "" {
		return nil, &QueryError{Engine: "embedded", Message: msg, Query: query}
	}
	n := int(e.api.resultLength(res))
	buf := e.api.resultBuffer(res)
	if n == 0 || buf == nil {
		return nil, nil
	}
	out := make([]byte, n)
	copy(out, unsafe.Slice((*byte)(buf), n))
	return out, nil
}

func goString(p unsafe.Pointer) string {
	if p == nil {
		return ""
	}
	n := 0
	for *(*byte)(unsafe.Add(p, n)) != 0 {
		n++
	}
	return string(unsafe.Slice((*byte)(p), n))
}

var errClosed = errors.New("embedded engine is closed")

// QueryError is a statement the engine rejected. Message is the engine's
// own text; Query is the statement with values bound, for the log only,
// because it can hold user data.
type QueryError struct {
	Engine  string
	Message string
	Query   string
}

func (e *QueryError) Error() string { return e.Engine + " engine: " + e.Message }

// sharedEmbedded is one reference to the process's chDB connection.
type sharedEmbedded struct {
	*embedded
}

func (s *sharedEmbedded) Name() string { return "embedded" }

func (s *sharedEmbedded) Exec(ctx context.Context, query string, args ...any) error {
	q, err := Bind(query, args...)
	if err != nil {
		return err
	}
	_, err = s.query(ctx, q, "TabSeparated")
	return err
}

func (s *sharedEmbedded) Query(ctx context.Context, query string, args ...any) (Rows, error) {
	q, err := Bind(query, args...)
	if err != nil {
		return nil, err
	}
	out, err := s.query(ctx, q, "TabSeparatedWithNamesAndTypes")
	if err != nil {
		return nil, err
	}
	return newTSVRows(out)
}

func (s *sharedEmbedded) Insert(ctx context.Context, table string, columns []string, rows [][]any) error {
	if len(rows) == 0 {
		return nil
	}
	if len(rows) >= stagingMinRows {
		return s.insertStaged(ctx, table, columns, func(w *bufio.Writer) error {
			return writeTSVRows(w, table, columns, rows)
		})
	}
	stmt, err := insertTSV(table, columns, rows)
	if err != nil {
		return err
	}
	_, err = s.query(ctx, stmt, "TabSeparated")
	return err
}

func (s *sharedEmbedded) Ping(ctx context.Context) error {
	_, err := s.query(ctx, "SELECT 1", "TabSeparated")
	return err
}

// Close releases this reference. The chDB engine itself stays up until the
// process exits, because chDB 26.5 crashes the process when it is connected
// again after chdb_close_conn. Its MergeTree writes are on disk by the time
// each INSERT returns, so there is nothing to flush.
func (s *sharedEmbedded) Close() error {
	openMu.Lock()
	defer openMu.Unlock()
	if s.embedded == nil {
		return nil
	}
	s.embedded = nil
	openRefs--
	return nil
}

package web

import (
	"errors"
	"sync"
	"time"

	"github.com/gofiber/fiber/v2"
)

// readCache keeps the results of the store reads that every page repeats
// (the account behind a session, the scored periods, a period's standing,
// the last-updated time) for Config.CacheTTL, so that a busy leaderboard
// costs template rendering rather than four engine queries per request.
// Writes through this server clear it at once; writes through another
// instance or the command line show after at most one TTL.
type readCache struct {
	ttl time.Duration
	now func() time.Time

	mu       sync.Mutex
	entries  map[string]cacheEntry
	inflight map[string]*flight
	// generation counts the clears. A load that began before a clear
	// read the store before the write that caused it, so its result is
	// not kept.
	generation uint64

	// sweepAt is the number of entries at which the next store drops the
	// expired ones. Pages are kept per session and URL, so without a
	// sweep a server that takes no writes would keep every page it ever
	// served.
	sweepAt int
}

// minSweep is the minimum number of entries at which a sweep runs.
const minSweep = 256

// flight is a load in progress: readers of the same key wait for it rather
// than all querying the engine when an entry expires under load.
type flight struct {
	done  chan struct{}
	value any
	err   error
}

type cacheEntry struct {
	value   any
	expires time.Time
}

func newReadCache(ttl time.Duration, now func() time.Time) *readCache {
	return &readCache{ttl: ttl, now: now, entries: map[string]cacheEntry{}, inflight: map[string]*flight{}}
}

// cached returns the value stored under key while it is fresh, and
// otherwise calls load and stores what it returns. Errors are not cached.
// With a zero TTL it always calls load.
func cached[V any](c *readCache, key string, load func() (V, error)) (V, error) {
	if c == nil || c.ttl <= 0 {
		return load()
	}
	now := c.now()
	c.mu.Lock()
	if e, ok := c.entries[key]; ok && now.Before(e.expires) {
		c.mu.Unlock()
		return e.value.(V), nil
	}
	if f, ok := c.inflight[key]; ok {
		c.mu.Unlock()
		<-f.done
		if f.err != nil {
			var zero V
			return zero, f.err
		}
		return f.value.(V), nil
	}
	f := &flight{done: make(chan struct{})}
	c.inflight[key] = f
	generation := c.generation
	c.mu.Unlock()

	v, err := load()
	f.value, f.err = v, err
	c.mu.Lock()
	if c.inflight[key] == f {
		delete(c.inflight, key)
	}
	if err == nil && c.generation == generation {
		c.entries[key] = cacheEntry{value: v, expires: now.Add(c.ttl)}
		c.sweep(now)
	}
	c.mu.Unlock()
	close(f.done)
	return v, err
}

// sweep drops the entries expired at now once the cache has reached
// sweepAt entries, and sets the next sweep at twice the entries left, so
// that the sweeps cost a constant time per store on average. The caller
// holds c.mu.
func (c *readCache) sweep(now time.Time) {
	if len(c.entries) < max(c.sweepAt, minSweep) {
		return
	}
	for key, e := range c.entries {
		if !now.Before(e.expires) {
			delete(c.entries, key)
		}
	}
	c.sweepAt = 2 * len(c.entries)
}

// clear drops every entry, after a write through this server. Loads still
// running began before the write: their results are not kept, and readers
// that come after the clear do not wait for them but load again.
func (c *readCache) clear() {
	if c == nil {
		return
	}
	c.mu.Lock()
	c.entries = map[string]cacheEntry{}
	c.inflight = map[string]*flight{}
	c.sweepAt = 0
	c.generation++
	c.mu.Unlock()
}

// cachedPage is a rendered page kept by [Server.cachePage].
type cachedPage struct {
	body        []byte
	contentType string
}

var errUncacheable = errors.New("response is not cacheable")

// cachePage serves a busy page from the read cache: one request per
// sign-in and URL renders it, and the others within Config.CacheTTL get
// the same bytes. The key names the account that [Server.identity]
// signed in and its session, so a page never reaches another account,
// also when programs of several units send API tokens and no cookie.
// Only 200 responses are kept. It must run after [Server.allow].
func (s *Server) cachePage(c *fiber.Ctx) error {
	if s.cfg.CacheTTL <= 0 {
		return c.Next()
	}
	who, err := s.identity(c)
	if err != nil {
		return err
	}
	if who == nil {
		return c.Next()
	}
	// A session ID holds no secret, unlike the cookie, and an API token
	// signs in only its own account, so the account name suffices there.
	key := "page/" + who.account.Name + "/" + who.sessionID + "/" + c.OriginalURL()
	rendered := false
	p, err := cached(s.cache, key, func() (cachedPage, error) {
		rendered = true
		if err := c.Next(); err != nil {
			return cachedPage{}, err
		}
		if c.Response().StatusCode() != fiber.StatusOK {
			return cachedPage{}, errUncacheable
		}
		body := append([]byte(nil), c.Response().Body()...)
		return cachedPage{body: body, contentType: string(c.Response().Header.ContentType())}, nil
	})
	switch {
	case rendered && errors.Is(err, errUncacheable):
		return nil
	case rendered:
		return err
	case err != nil:
		// The request that rendered for us failed: render our own.
		return c.Next()
	}
	c.Set(fiber.HeaderContentType, p.contentType)
	return c.Send(p.body)
}

package ingest

import (
	"context"
	"sync"
)

// importLocks serialises the imports of each unit in this process, for
// every Service: two uploads of one unit never interleave their chunks
// and commits. The one that took the lock first is committed, or
// rejected, before the other starts.
var importLocks unitLocks

// unitLocks holds one lock per unit name. The office's uploads share the
// unit "". Imports of different units run at the same time. The zero
// value is ready to use.
type unitLocks struct {
	mu    sync.Mutex
	units map[string]*unitLock
}

// unitLock is a one-slot channel, so that a waiter can give up when its
// context ends, which a sync.Mutex does not allow.
type unitLock struct {
	slot chan struct{}
	refs int // holders and waiters; the entry is dropped at 0
}

// lock waits until no other import of unit runs and returns the function
// that ends this one's turn. It returns ctx's error if ctx ends first.
func (l *unitLocks) lock(ctx context.Context, unit string) (func(), error) {
	l.mu.Lock()
	if l.units == nil {
		l.units = map[string]*unitLock{}
	}
	u := l.units[unit]
	if u == nil {
		u = &unitLock{slot: make(chan struct{}, 1)}
		l.units[unit] = u
	}
	u.refs++
	l.mu.Unlock()

	select {
	case u.slot <- struct{}{}:
		return func() {
			<-u.slot
			l.release(unit, u)
		}, nil
	case <-ctx.Done():
		l.release(unit, u)
		return nil, ctx.Err()
	}
}

func (l *unitLocks) release(unit string, u *unitLock) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if u.refs--; u.refs == 0 {
		delete(l.units, unit)
	}
}

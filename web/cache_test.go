package web

import (
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"saima"
)

func TestReadCache(t *testing.T) {
	now := time.Date(2026, 10, 15, 9, 0, 0, 0, time.UTC)
	c := newReadCache(2*time.Second, func() time.Time { return now })
	loads := 0
	load := func() (int, error) { loads++; return loads, nil }

	if v, _ := cached(c, "k", load); v != 1 {
		t.Fatalf("first read = %d, want 1", v)
	}
	if v, _ := cached(c, "k", load); v != 1 || loads != 1 {
		t.Errorf("read within the TTL = %d after %d loads, want the cached 1 after 1 load", v, loads)
	}
	now = now.Add(3 * time.Second)
	if v, _ := cached(c, "k", load); v != 2 {
		t.Errorf("read after the TTL = %d, want a fresh 2", v)
	}
	c.clear()
	if v, _ := cached(c, "k", load); v != 3 {
		t.Errorf("read after clear = %d, want a fresh 3", v)
	}

	failing := func() (int, error) { return 0, errors.New("down") }
	if _, err := cached(c, "bad", failing); err == nil {
		t.Error("a failed load returned no error")
	}
	if v, err := cached(c, "bad", load); err != nil || v != 4 {
		t.Errorf("read after a failed load = %d, %v; want a fresh load, errors are not cached", v, err)
	}

	off := newReadCache(0, time.Now)
	n := 0
	for range 3 {
		cached(off, "k", func() (int, error) { n++; return n, nil })
	}
	if n != 3 {
		t.Errorf("zero TTL loaded %d times for 3 reads, want 3", n)
	}
}

// TestReadCacheDropsExpired fills the cache with pages under distinct
// URLs, as a dashboard that adds a timestamp to each request does, and
// lets them expire with no write in between. The expired entries must go,
// or a read-only server's memory grows with every URL it ever served.
func TestReadCacheDropsExpired(t *testing.T) {
	now := time.Date(2026, 10, 15, 9, 0, 0, 0, time.UTC)
	c := newReadCache(2*time.Second, func() time.Time { return now })
	page := func() ([]byte, error) { return make([]byte, 1024), nil }

	for round := range 10 {
		for i := range 1000 {
			cached(c, fmt.Sprintf("page/leader/s/?_=%d-%d", round, i), page)
		}
		now = now.Add(3 * time.Second)
	}
	cached(c, "page/leader/s/?_=last", page)

	c.mu.Lock()
	n := len(c.entries)
	c.mu.Unlock()
	if n > 2000 {
		t.Errorf("cache holds %d entries after 10 000 reads of which all but 1000 expired, want at most 2000", n)
	}
}

// TestReadCacheClearDuringLoad checks that a read begun before a write
// cannot hide the write. Such a read used to store its old value after the
// clear, and readers after the clear waited for it.
func TestReadCacheClearDuringLoad(t *testing.T) {
	now := time.Date(2026, 10, 15, 9, 0, 0, 0, time.UTC)
	c := newReadCache(time.Minute, func() time.Time { return now })
	started, release := make(chan struct{}), make(chan struct{})
	before := make(chan int, 1)
	go func() {
		v, _ := cached(c, "k", func() (int, error) {
			close(started)
			<-release
			return 1, nil // what the store held before the write
		})
		before <- v
	}()
	<-started
	c.clear() // the write has landed

	after := make(chan int, 1)
	go func() {
		v, _ := cached(c, "k", func() (int, error) { return 2, nil })
		after <- v
	}()
	select {
	case v := <-after:
		if v != 2 {
			t.Errorf("read after the write = %d, want the fresh 2", v)
		}
	case <-time.After(10 * time.Second):
		close(release)
		t.Fatalf("read after the write still waits for the load begun before it; it got %d", <-after)
	}
	close(release)
	if v := <-before; v != 1 {
		t.Errorf("read begun before the write = %d, want 1", v)
	}
	if v, _ := cached(c, "k", func() (int, error) { return 3, nil }); v != 2 {
		t.Errorf("read once both loads ended = %d, want the 2 loaded after the write", v)
	}
}

func TestCachePagePerSession(t *testing.T) {
	env := newTestEnv(t, func(c *Config) { c.CacheTTL = time.Minute })
	office, leader := env.as(t, "office"), env.as(t, "leader")

	_, first := office.get(t, "/leaderboard")
	_, again := office.get(t, "/leaderboard")
	if first != again {
		t.Error("a cached page differs from the page it was cached from")
	}
	_, other := leader.get(t, "/leaderboard")
	if other == first {
		t.Error("another account got the office's cached page")
	}
	if !strings.Contains(other, "leader") {
		t.Error("the leader's page does not name the leader account")
	}
}

// TestCachePagePerToken checks that two units' programs, which send API
// tokens and no session cookie, each get the page rendered for their own
// account. The key of the page cache was the session cookie alone, the
// same empty value for both.
func TestCachePagePerToken(t *testing.T) {
	env := newTestEnv(t, func(c *Config) { c.CacheTTL = time.Minute })
	token, hash := NewToken()
	jiangbei := saima.Account{Name: "jiangbei", Role: saima.RoleUnit, Unit: "宁波市江北区", DisplayName: "江北区改革办",
		TokenHash: hash, ChangedAt: testNow, ChangedBy: "test"}
	if err := env.store.SaveAccount(t.Context(), jiangbei); err != nil {
		t.Fatalf("save account jiangbei: %v", err)
	}

	_, haishu := env.withToken().get(t, "/leaderboard")
	if !strings.Contains(haishu, "宁波市海曙区") {
		t.Fatal("haishu's leaderboard does not name its unit")
	}
	_, other := (&client{env: env, token: token}).get(t, "/leaderboard")
	if !strings.Contains(other, "江北区改革办") {
		t.Error("jiangbei's leaderboard does not name its account; it got another account's cached page")
	}
}

func TestLeaderboardHidesReportsFromUnits(t *testing.T) {
	env := newSeededEnv(t)
	_, office := env.as(t, "office").get(t, "/leaderboard")
	if !strings.Contains(office, "/reports/annual/") {
		t.Error("the office's leaderboard lacks the annual report link")
	}
	unit := env.as(t, "haishu")
	_, page := unit.get(t, "/leaderboard")
	if strings.Contains(page, "/reports/annual/") || strings.Contains(page, "/reports/quarterly/") {
		t.Error("a unit account's leaderboard links to reports it may not open")
	}
}

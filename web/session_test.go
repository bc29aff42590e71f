package web

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"testing"
	"time"
)

func TestSessionCodecRoundTrip(t *testing.T) {
	sc := newSessionCodec(testSecret)
	want := session{Account: "haishu", ID: randomID(), Expires: testNow.Add(time.Hour).Unix(), Credential: sc.credential("$2a$04$x")}
	got, err := sc.decode(sc.encode(want), testNow)
	if err != nil {
		t.Fatalf("decode(encode(s)) error = %v, want nil", err)
	}
	if got != want {
		t.Errorf("decode(encode(s)) = %+v, want %+v", got, want)
	}
}

func TestSessionCodecRejects(t *testing.T) {
	sc := newSessionCodec(testSecret)
	expires := testNow.Add(time.Hour)
	good := sc.encode(session{Account: "office", ID: "id-1", Expires: expires.Unix(), Credential: "c"})
	forged := newSessionCodec([]byte(strings.Repeat("x", 32))).encode(session{Account: "office", ID: "id-1", Expires: expires.Unix()})
	payloadStart := len(sessionFormat) + 1

	tests := []struct {
		name  string
		value string
		now   time.Time
		want  error
	}{
		{"tampered payload", good[:payloadStart] + flipChar(good[payloadStart]) + good[payloadStart+1:], testNow, errSessionSignature},
		{"tampered signature", good[:len(good)-1] + flipChar(good[len(good)-1]), testNow, errSessionSignature},
		{"wrong secret", forged, testNow, errSessionSignature},
		{"expired", good, expires, errSessionExpired},
		{"long expired", good, expires.Add(24 * time.Hour), errSessionExpired},
		{"other format", "v0" + good[len(sessionFormat):], testNow, errSessionMalformed},
		{"no signature", "v1.abc", testNow, errSessionSignature},
		{"empty", "", testNow, errSessionMalformed},
		{"signed garbage", "v1.!!!." + sc.mac("v1.!!!"), testNow, errSessionMalformed},
		{"signed empty account", sc.encode(session{ID: "id", Expires: expires.Unix()}), testNow, errSessionMalformed},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := sc.decode(tt.value, tt.now)
			if !errors.Is(err, tt.want) {
				t.Errorf("decode(%q) error = %v, want %v", tt.value, err, tt.want)
			}
		})
	}
	if _, err := sc.decode(good, expires.Add(-time.Second)); err != nil {
		t.Errorf("decode one second before expiry = %v, want nil", err)
	}
}

// flipChar returns another character of the base64url alphabet.
func flipChar(c byte) string {
	if c == 'A' {
		return "B"
	}
	return "A"
}

func TestSessionCredentialKeyed(t *testing.T) {
	a, b := newSessionCodec(testSecret), newSessionCodec([]byte(strings.Repeat("k", 32)))
	if a.credential("$2a$10$h") == b.credential("$2a$10$h") {
		t.Error("credential(h) is the same under two secrets, want it keyed")
	}
	if a.credential("$2a$10$h") == a.credential("$2a$10$i") {
		t.Error("credential differs not between two hashes")
	}
}

// TestSessionSharedSecret signs in on one server and uses the cookie on a
// second server over the same store, as two instances behind a load
// balancer would. A server with another secret must reject it.
func TestSessionSharedSecret(t *testing.T) {
	first := newTestEnv(t, nil)
	cl := first.as(t, "leader")

	tests := []struct {
		name   string
		secret []byte
		status int
	}{
		{"same secret", testSecret, http.StatusOK},
		{"other secret", []byte(strings.Repeat("s", 40)), http.StatusSeeOther},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			second := newTestEnvOver(t, first.store, func(c *Config) { c.SessionSecret = tt.secret })
			moved := &client{env: second, session: cl.session}
			resp, body := moved.get(t, "/ledger")
			if resp.StatusCode != tt.status {
				t.Fatalf("GET /ledger on the second server status = %d, want %d; body:\n%s", resp.StatusCode, tt.status, body)
			}
		})
	}
}

func TestSessionEnds(t *testing.T) {
	tests := []struct {
		name   string
		change func(t *testing.T, env *testEnv)
	}{
		{"after TTL", func(t *testing.T, env *testEnv) { env.clock.Advance(DefaultConfig().SessionTTL) }},
		{"password changed", func(t *testing.T, env *testEnv) {
			changeAccount(t, env, "haishu", func(h string) string { return h + "x" }, false)
		}},
		{"account disabled", func(t *testing.T, env *testEnv) {
			changeAccount(t, env, "haishu", func(h string) string { return h }, true)
		}},
		{"account disabled and enabled", func(t *testing.T, env *testEnv) {
			changeAccount(t, env, "haishu", func(h string) string { return h }, true)
			changeAccount(t, env, "haishu", func(h string) string { return h }, false)
			env.clock.Advance(DefaultConfig().CacheTTL) // past the cached disabled version
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			env := newTestEnv(t, nil)
			cl := env.as(t, "haishu")
			if resp, _ := cl.get(t, "/"); resp.StatusCode != http.StatusOK {
				t.Fatalf("GET / before the change status = %d, want 200", resp.StatusCode)
			}
			tt.change(t, env)
			resp, _ := cl.get(t, "/")
			if resp.StatusCode != http.StatusSeeOther || !strings.HasPrefix(resp.Header.Get("Location"), "/login?") {
				t.Errorf("GET / after the change = %d to %q, want 303 to /login", resp.StatusCode, resp.Header.Get("Location"))
			}
			if resp, _ := cl.get(t, "/api/scores"); resp.StatusCode != http.StatusUnauthorized {
				t.Errorf("GET /api/scores after the change status = %d, want 401", resp.StatusCode)
			}
		})
	}
}

// TestSignInAfterEnable checks that an account disabled and enabled again
// signs in anew, although its sessions from before the disabling stay
// ended.
func TestSignInAfterEnable(t *testing.T) {
	env := newTestEnv(t, nil)
	changeAccount(t, env, "haishu", func(h string) string { return h }, true)
	changeAccount(t, env, "haishu", func(h string) string { return h }, false)

	cl := env.as(t, "haishu")
	if resp, _ := cl.get(t, "/api/scores"); resp.StatusCode != http.StatusOK {
		t.Errorf("GET /api/scores after signing in again status = %d, want 200", resp.StatusCode)
	}
}

// changeAccount saves a new version of the test account name with its
// password hash changed by hash and its disabled flag set to disabled.
func changeAccount(tb testing.TB, env *testEnv, name string, hash func(string) string, disabled bool) {
	tb.Helper()
	ctx := context.Background()
	acct, found, err := env.store.GetAccount(ctx, name)
	if err != nil || !found {
		tb.Fatalf("get account %s = %v, %v", name, found, err)
	}
	acct.PasswordHash, acct.Disabled = hash(acct.PasswordHash), disabled
	acct.ChangedAt = time.Now()
	if err := env.store.SaveAccount(ctx, acct); err != nil {
		tb.Fatalf("save account %s: %v", name, err)
	}
}

func TestSessionCookieAttributes(t *testing.T) {
	tests := []struct {
		name   string
		secure bool
	}{
		{"http", false},
		{"https", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			env := newTestEnv(t, func(c *Config) { c.SecureCookies = tt.secure })
			resp := env.postLogin(t, "office", testAccounts["office"].password, "/")
			var found bool
			for _, ck := range resp.Cookies() {
				if ck.Name != sessionCookie {
					continue
				}
				found = true
				if !ck.HttpOnly || ck.SameSite != http.SameSiteLaxMode || ck.Path != "/" || ck.Secure != tt.secure {
					t.Errorf("session cookie = HttpOnly %v SameSite %v Path %q Secure %v; want true, Lax, /, %v",
						ck.HttpOnly, ck.SameSite, ck.Path, ck.Secure, tt.secure)
				}
				if want := int(DefaultConfig().SessionTTL.Seconds()); ck.MaxAge != want {
					t.Errorf("session cookie Max-Age = %d, want %d", ck.MaxAge, want)
				}
			}
			if !found {
				t.Fatalf("sign-in set no %s cookie", sessionCookie)
			}
		})
	}
}

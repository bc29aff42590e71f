package web

import (
	"context"
	"fmt"
	"html"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"
)

func TestLoginPage(t *testing.T) {
	env := newTestEnv(t, nil)
	resp, body := env.anonymous().get(t, "/login?next=%2Fledger")
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("GET /login status = %d, want 200", resp.StatusCode)
	}
	for _, w := range []string{"登录", "用户名", "密码", `name="next" value="/ledger"`, `type="password"`} {
		if !strings.Contains(body, w) {
			t.Errorf("login page lacks %q", w)
		}
	}
	for _, w := range []string{`href="/upload"`, "退出"} {
		if strings.Contains(body, w) {
			t.Errorf("login page for a visitor shows %q", w)
		}
	}
	if cookieValue(resp, loginCookie) == "" {
		t.Errorf("GET /login set no %s cookie", loginCookie)
	}

	resp, _ = env.as(t, "leader").get(t, "/login?next=%2Fledger")
	if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != "/ledger" {
		t.Errorf("GET /login when signed in = %d to %q, want 303 to /ledger", resp.StatusCode, resp.Header.Get("Location"))
	}
}

func TestLogin(t *testing.T) {
	tests := []struct {
		name, account, password, next string
		status                        int
		location                      string // for 303
		message                       string // for other statuses
	}{
		{"OK", "office", "office-test-pw", "/ledger?unit=x", http.StatusSeeOther, "/ledger?unit=x", ""},
		{"OK with capitals and spaces", " Office ", "office-test-pw", "", http.StatusSeeOther, "/", ""},
		{"next on another site", "office", "office-test-pw", "//evil.test/x", http.StatusSeeOther, "/", ""},
		{"wrong password", "office", "leader-test-pw", "/", http.StatusUnauthorized, "", "用户名或密码错误"},
		{"unknown name", "nobody", "office-test-pw", "/", http.StatusUnauthorized, "", "用户名或密码错误"},
		{"empty password", "office", "", "/", http.StatusUnauthorized, "", "用户名或密码错误"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			env := newTestEnv(t, nil)
			resp := env.postLogin(t, tt.account, tt.password, tt.next)
			if resp.StatusCode != tt.status {
				t.Fatalf("POST /login status = %d, want %d", resp.StatusCode, tt.status)
			}
			session := cookieValue(resp, sessionCookie)
			if tt.status == http.StatusSeeOther {
				if got := resp.Header.Get("Location"); got != tt.location {
					t.Errorf("POST /login Location = %q, want %q", got, tt.location)
				}
				if session == "" {
					t.Errorf("POST /login set no session cookie")
				}
				return
			}
			if session != "" {
				t.Errorf("failed POST /login set a session cookie")
			}
		})
	}
}

// TestLoginFailuresLookAlike checks that a wrong password and an unknown
// name get the same reply, so that the form does not reveal which names
// exist.
func TestLoginFailuresLookAlike(t *testing.T) {
	env := newTestEnv(t, nil)
	var bodies []string
	for _, name := range []string{"office", "nobody"} {
		nonce, token := env.loginForm(t)
		resp, body := env.send(t, loginRequest(nonce, token, name, "wrong-password", "/"))
		if resp.StatusCode != http.StatusUnauthorized {
			t.Fatalf("POST /login as %s with a wrong password status = %d, want 401", name, resp.StatusCode)
		}
		if !strings.Contains(body, "用户名或密码错误") {
			t.Errorf("reply for %s lacks 用户名或密码错误", name)
		}
		body = strings.ReplaceAll(body, `value="`+name+`"`, `value=""`)
		bodies = append(bodies, csrfInputRE.ReplaceAllString(body, ""))
	}
	if bodies[0] != bodies[1] {
		t.Errorf("replies for a wrong password and an unknown name differ:\n%s\n---\n%s", bodies[0], bodies[1])
	}
}

func TestLoginDisabledAccount(t *testing.T) {
	env := newTestEnv(t, nil)
	changeAccount(t, env, "leader", func(h string) string { return h }, true)
	nonce, token := env.loginForm(t)
	resp, body := env.send(t, loginRequest(nonce, token, "leader", "leader-test-pw", "/"))
	if resp.StatusCode != http.StatusForbidden || !strings.Contains(body, "已停用") {
		t.Errorf("POST /login as a disabled account = %d, want 403 with 已停用", resp.StatusCode)
	}
	if cookieValue(resp, sessionCookie) != "" {
		t.Error("sign-in of a disabled account set a session cookie")
	}
}

func TestLoginCSRF(t *testing.T) {
	env := newTestEnv(t, nil)
	nonce, token := env.loginForm(t)
	otherNonce, _ := env.loginForm(t)
	tests := []struct {
		name         string
		nonce, token string
	}{
		{"no nonce cookie", "", token},
		{"no token", nonce, ""},
		{"token of another nonce", otherNonce, token},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			resp, body := env.send(t, loginRequest(tt.nonce, tt.token, "office", "office-test-pw", "/"))
			if resp.StatusCode != http.StatusForbidden {
				t.Fatalf("POST /login status = %d, want 403", resp.StatusCode)
			}
			if cookieValue(resp, sessionCookie) != "" {
				t.Error("POST /login without a valid CSRF token set a session cookie")
			}
			if !strings.Contains(body, "已过期") || csrfTokenIn(t, body) == "" {
				t.Errorf("reply lacks 已过期 and a fresh form")
			}
		})
	}
	crossSite := crossSite(loginRequest(nonce, token, "office", "office-test-pw", "/"))
	if resp, _ := env.send(t, crossSite); resp.StatusCode != http.StatusForbidden {
		t.Errorf("POST /login from another site status = %d, want 403", resp.StatusCode)
	}
}

func TestLoginRateLimit(t *testing.T) {
	t.Run("per account", func(t *testing.T) {
		env := newTestEnv(t, nil)
		limit := DefaultConfig().LoginRateLimit
		for i := range limit.PerAccount {
			if resp := env.postLogin(t, "office", "wrong-password", "/"); resp.StatusCode != http.StatusUnauthorized {
				t.Fatalf("failure %d status = %d, want 401", i+1, resp.StatusCode)
			}
		}
		env.clock.Advance(time.Minute)
		assertLimited(t, env, "office", "office-test-pw", limit.Window-time.Minute)

		// Another account is not limited by office's failures.
		if resp := env.postLogin(t, "leader", "leader-test-pw", "/"); resp.StatusCode != http.StatusSeeOther {
			t.Errorf("sign-in as leader while office is limited = %d, want 303", resp.StatusCode)
		}
		env.clock.Advance(limit.Window - time.Minute)
		if resp := env.postLogin(t, "office", "office-test-pw", "/"); resp.StatusCode != http.StatusSeeOther {
			t.Errorf("sign-in once the window passed = %d, want 303", resp.StatusCode)
		}
		if logs := env.logs.String(); !strings.Contains(logs, "sign-in attempts limited") || strings.Contains(logs, "wrong-password") {
			t.Errorf("logs lack the limit warning or contain the password:\n%s", logs)
		}
	})
	t.Run("per address", func(t *testing.T) {
		env := newTestEnv(t, func(c *Config) { c.LoginRateLimit.PerIP = 3 })
		for i := range 3 {
			resp := env.postLogin(t, fmt.Sprintf("guess%d", i), "wrong-password", "/")
			if resp.StatusCode != http.StatusUnauthorized {
				t.Fatalf("failure %d status = %d, want 401", i+1, resp.StatusCode)
			}
		}
		assertLimited(t, env, "office", "office-test-pw", DefaultConfig().LoginRateLimit.Window)
	})
}

// assertLimited signs in with the right password and expects 429 with a
// Retry-After of wait and no session.
func assertLimited(tb testing.TB, env *testEnv, name, password string, wait time.Duration) {
	tb.Helper()
	nonce, token := env.loginForm(tb)
	resp, body := env.send(tb, loginRequest(nonce, token, name, password, "/"))
	if resp.StatusCode != http.StatusTooManyRequests {
		tb.Fatalf("sign-in as %s while limited status = %d, want 429", name, resp.StatusCode)
	}
	if got, want := resp.Header.Get("Retry-After"), strconv.Itoa(int(wait.Seconds())); got != want {
		tb.Errorf("Retry-After = %q, want %q", got, want)
	}
	if !strings.Contains(html.UnescapeString(body), "请稍后再试") {
		tb.Errorf("429 page lacks 请稍后再试")
	}
	if cookieValue(resp, sessionCookie) != "" {
		tb.Errorf("limited sign-in set a session cookie")
	}
}

func TestSafeNext(t *testing.T) {
	tests := []struct{ in, want string }{
		{"/ledger?unit=%E6%B5%B7", "/ledger?unit=%E6%B5%B7"},
		{"/units/x", "/units/x"},
		{"", "/"},
		{"ledger", "/"},
		{"//evil.test/", "/"},
		{"/\\evil.test", "/"},
		{"https://evil.test/", "/"},
		{"/login?next=/x", "/"},
		{"/x\r\nSet-Cookie: a=b", "/"},
	}
	for _, tt := range tests {
		if got := safeNext(tt.in); got != tt.want {
			t.Errorf("safeNext(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestLogout(t *testing.T) {
	env := newTestEnv(t, nil)
	office := env.as(t, "office")

	bare := *office
	bare.csrf = ""
	resp, _ := bare.do(t, httptest.NewRequest(http.MethodPost, "/logout", nil))
	if resp.StatusCode != http.StatusForbidden {
		t.Errorf("POST /logout without a CSRF token status = %d, want 403", resp.StatusCode)
	}

	resp, _ = office.do(t, httptest.NewRequest(http.MethodPost, "/logout", nil))
	if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != "/login" {
		t.Fatalf("POST /logout = %d to %q, want 303 to /login", resp.StatusCode, resp.Header.Get("Location"))
	}
	var cleared bool
	for _, ck := range resp.Cookies() {
		if ck.Name == sessionCookie && ck.Value == "" && ck.Expires.Before(testNow) && ck.Path == "/" {
			cleared = true
		}
	}
	if !cleared {
		t.Errorf("POST /logout cookies = %v, want %s deleted on /", resp.Cookies(), sessionCookie)
	}

	resp, _ = env.anonymous().do(t, httptest.NewRequest(http.MethodPost, "/logout", nil))
	if resp.StatusCode != http.StatusSeeOther {
		t.Errorf("POST /logout without a session status = %d, want 303", resp.StatusCode)
	}
}

// TestLoginRateLimitSharedByInstances checks that failures on one account
// name count on every instance over the same database: failures spread
// over two instances reach the limit, both then reply 429, and a
// successful sign-in once the window has passed starts the count again.
func TestLoginRateLimitSharedByInstances(t *testing.T) {
	env := newTestEnv(t, nil)
	other := newTestEnvOver(t, env.store, nil)
	advance := func(d time.Duration) { env.clock.Advance(d); other.clock.Advance(d) }
	limit := DefaultConfig().LoginRateLimit
	for i := range limit.PerAccount {
		on := env
		if i%2 == 1 {
			on = other
		}
		if resp := on.postLogin(t, "office", "wrong-password", "/"); resp.StatusCode != http.StatusUnauthorized {
			t.Fatalf("failure %d status = %d, want 401", i+1, resp.StatusCode)
		}
	}
	advance(time.Minute)
	for _, on := range []*testEnv{env, other} {
		assertLimited(t, on, "office", "office-test-pw", limit.Window-time.Minute)
	}

	advance(limit.Window)
	if resp := other.postLogin(t, "office", "office-test-pw", "/"); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("sign-in once the window passed = %d, want 303", resp.StatusCode)
	}
	for i := range limit.PerAccount - 1 {
		if resp := env.postLogin(t, "office", "wrong-password", "/"); resp.StatusCode != http.StatusUnauthorized {
			t.Fatalf("failure %d after the sign-in: status = %d, want 401", i+1, resp.StatusCode)
		}
	}
	if resp := env.postLogin(t, "office", "office-test-pw", "/"); resp.StatusCode != http.StatusSeeOther {
		t.Errorf("sign-in after %d new failures = %d, want 303: the earlier ones no longer count",
			limit.PerAccount-1, resp.StatusCode)
	}
}

// Failures from one address count on every instance, whatever names they
// try, and a successful sign-in does not reset them.
func TestLoginAddressLimitSharedByInstances(t *testing.T) {
	env := newTestEnv(t, func(c *Config) { c.LoginRateLimit.PerIP = 4 })
	other := newTestEnvOver(t, env.store, func(c *Config) { c.LoginRateLimit.PerIP = 4 })
	for i := range 3 {
		on := env
		if i%2 == 1 {
			on = other
		}
		if resp := on.postLogin(t, fmt.Sprintf("guess%d", i), "wrong-password", "/"); resp.StatusCode != http.StatusUnauthorized {
			t.Fatalf("failure %d status = %d, want 401", i+1, resp.StatusCode)
		}
	}
	if resp := other.postLogin(t, "office", "office-test-pw", "/"); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("sign-in after 3 failures = %d, want 303", resp.StatusCode)
	}
	if resp := env.postLogin(t, "guess3", "wrong-password", "/"); resp.StatusCode != http.StatusUnauthorized {
		t.Fatalf("fourth failure status = %d, want 401", resp.StatusCode)
	}
	for _, on := range []*testEnv{env, other} {
		assertLimited(t, on, "leader", "leader-test-pw", DefaultConfig().LoginRateLimit.Window)
	}
}

// heldFailures is the test store as the sign-in's Accounts, with the
// first limit calls of RecordLoginFailure waiting for release, so that
// those attempts stay in flight after their password check.
type heldFailures struct {
	Accounts
	held    chan struct{} // receives one value per held call
	release chan struct{}
	calls   atomic.Int32
	limit   int32
}

func (h *heldFailures) RecordLoginFailure(ctx context.Context, name, ip string, t time.Time) error {
	if h.calls.Add(1) <= h.limit {
		h.held <- struct{}{}
		<-h.release
	}
	return h.Accounts.RecordLoginFailure(ctx, name, ip, t)
}

// Sign-ins sent at once count against the limit before their failures
// reach the database: with PerAccount attempts still in flight, the next
// one gets 429 and no password check.
func TestLoginRateLimitConcurrent(t *testing.T) {
	env := newTestEnv(t, nil)
	limit := DefaultConfig().LoginRateLimit
	hold := &heldFailures{Accounts: env.server.accounts, held: make(chan struct{}),
		release: make(chan struct{}), limit: int32(limit.PerAccount)}
	env.server.accounts = hold

	statuses := make(chan int, limit.PerAccount)
	for i := range limit.PerAccount {
		nonce, token := env.loginForm(t)
		go func() {
			resp, err := env.server.App().Test(loginRequest(nonce, token, "office", fmt.Sprintf("wrong-%d", i), "/"), -1)
			if err != nil {
				statuses <- 0
				return
			}
			resp.Body.Close()
			statuses <- resp.StatusCode
		}()
	}
	for range limit.PerAccount {
		<-hold.held
	}

	nonce, token := env.loginForm(t)
	resp, _ := env.send(t, loginRequest(nonce, token, "office", "office-test-pw", "/"))
	close(hold.release)
	if resp.StatusCode != http.StatusTooManyRequests {
		t.Errorf("sign-in with %d attempts in flight status = %d, want 429", limit.PerAccount, resp.StatusCode)
	}
	if cookieValue(resp, sessionCookie) != "" {
		t.Errorf("sign-in with attempts in flight set a session cookie")
	}
	for range limit.PerAccount {
		if got := <-statuses; got != http.StatusUnauthorized {
			t.Errorf("attempt in flight status = %d, want 401", got)
		}
	}
	assertLimited(t, env, "office", "office-test-pw", limit.Window)
}

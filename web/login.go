package web

import (
	"cmp"
	"context"
	"encoding/base64"
	"fmt"
	"math"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/gofiber/fiber/v2"

	"saima"
)

// loginCookie holds the random nonce that the sign-in form's CSRF token is
// bound to, because no session exists yet when the form is sent.
const loginCookie = "saima_login"

// loginPage is the data of login.html.
type loginPage struct {
	CSRF  string
	Next  string // path on this server to open after signing in
	Name  string // the name typed, shown again after a failure
	Error string
}

// handleLoginForm shows the sign-in form, or sends a visitor who is
// already signed in on to next.
func (s *Server) handleLoginForm(c *fiber.Ctx) error {
	next := safeNext(c.Query("next"))
	if who, err := s.identity(c); err == nil && who != nil && !who.viaToken {
		return c.Redirect(next, http.StatusSeeOther)
	}
	return s.renderLogin(c, http.StatusOK, loginPage{Next: next})
}

// handleLogin checks the name and password and starts a session. Every
// failure looks the same, 用户名或密码错误, whether the name exists or
// not; too many failures from one address or on one name get 429. Both
// are counted in the database, so that several saima instances share the
// limits.
func (s *Server) handleLogin(c *fiber.Ctx) error {
	name := strings.ToLower(strings.TrimSpace(c.FormValue("name")))
	if r := []rune(name); len(r) > 64 {
		name = string(r[:64]) // longer than any account name; keeps limiter keys small
	}
	page := loginPage{Next: safeNext(c.FormValue("next")), Name: name}
	if !s.csrf.valid(scopeLogin, c.Cookies(loginCookie), formToken(c)) {
		page.Error = "登录页面已过期，请重新输入用户名和密码"
		return s.renderLogin(c, http.StatusForbidden, page)
	}
	ip := c.IP()
	// Attempts still being checked count against both limits, because
	// their failures are not in the database yet: otherwise a client that
	// sends a hundred sign-ins at once gets a hundred password guesses.
	nameKey, ipKey := "account\x00"+name, "address\x00"+ip
	inFlight := s.logins.enter(nameKey, ipKey)
	defer s.logins.leave(nameKey, ipKey)
	nameWait, failures, err := s.accountWait(c.UserContext(), name, inFlight[0])
	if err != nil {
		return err
	}
	ipWait, ipFailures, err := s.addressWait(c.UserContext(), ip, inFlight[1])
	if err != nil {
		return err
	}
	if wait := max(ipWait, nameWait); wait > 0 {
		return s.renderLimited(c, page, wait)
	}

	acct, found, err := s.accounts.GetAccount(c.UserContext(), name)
	if err != nil {
		return err
	}
	if !PasswordMatches(acct.PasswordHash, c.FormValue("password")) {
		if err := s.recordLoginFailure(c.UserContext(), ip, name, found, failures, ipFailures); err != nil {
			return err
		}
		page.Error = "用户名或密码错误"
		return s.renderLogin(c, http.StatusUnauthorized, page)
	}
	if acct.Disabled {
		page.Error = "该账号已停用，请联系改革办"
		return s.renderLogin(c, http.StatusForbidden, page)
	}

	if failures > 0 {
		if err := s.accounts.ResetLoginFailures(c.UserContext(), name, s.now()); err != nil {
			s.log.Error("reset sign-in failures", "account", acct.Name, "err", err)
		}
	}
	s.clearCookie(c, loginCookie, "/login")
	s.startSession(c, acct.Name, acct.PasswordHash)
	s.log.Info("signed in", "account", acct.Name, "role", string(acct.Role), "ip", ip)
	return c.Redirect(page.Next, http.StatusSeeOther)
}

// accountWait returns how long the name must wait before its next
// sign-in attempt (0 when it may try now) and how many of its failures
// count, read from the database. The name waits when PerAccount failures
// fall in the window after its latest successful sign-in, counting the
// inFlight attempts on it that this instance is still checking.
func (s *Server) accountWait(ctx context.Context, name string, inFlight int) (time.Duration, int, error) {
	limit := s.cfg.LoginRateLimit
	recent, err := s.accounts.LoginFailures(ctx, name, s.now().Add(-limit.Window), limit.PerAccount)
	return s.limitWait(recent, inFlight, limit.PerAccount), len(recent), err
}

// addressWait returns how long the client address ip must wait before
// its next sign-in attempt (0 when it may try now) and how many of its
// failures count, read from the database. The address waits when PerIP
// failures fall in the window, whatever names they tried, counting the
// inFlight attempts from it that this instance is still checking.
func (s *Server) addressWait(ctx context.Context, ip string, inFlight int) (time.Duration, int, error) {
	limit := s.cfg.LoginRateLimit
	recent, err := s.accounts.LoginFailuresFrom(ctx, ip, s.now().Add(-limit.Window), limit.PerIP)
	return s.limitWait(recent, inFlight, limit.PerIP), len(recent), err
}

// limitWait returns how long to wait until the oldest of recent, the
// failures within the window (newest first, at most max), leaves the
// window, or 0 when fewer than max failures and inFlight attempts count.
// When the attempts in flight alone reach max, it returns one second, a
// guess at how long they take to be decided.
func (s *Server) limitWait(recent []time.Time, inFlight, max int) time.Duration {
	switch {
	case len(recent)+inFlight < max:
		return 0
	case len(recent) < max:
		return time.Second
	}
	return recent[len(recent)-1].Add(s.cfg.LoginRateLimit.Window).Sub(s.now())
}

// loginGate counts the sign-in attempts that this instance is checking,
// by account name and by client address.
type loginGate struct {
	mu      sync.Mutex
	pending map[string]int
}

func newLoginGate() *loginGate { return &loginGate{pending: map[string]int{}} }

// enter records one more attempt under each key and returns, for each,
// how many other attempts were in flight under it.
func (g *loginGate) enter(keys ...string) []int {
	g.mu.Lock()
	defer g.mu.Unlock()
	others := make([]int, len(keys))
	for i, k := range keys {
		others[i] = g.pending[k]
		g.pending[k]++
	}
	return others
}

// leave ends an attempt that enter recorded under keys.
func (g *loginGate) leave(keys ...string) {
	g.mu.Lock()
	defer g.mu.Unlock()
	for _, k := range keys {
		if g.pending[k]--; g.pending[k] <= 0 {
			delete(g.pending, k)
		}
	}
}

// recordLoginFailure counts a failed sign-in against the address and the
// name, which had failures and ipFailures counting before it. The name is
// logged only when it is an account's, because people sometimes type
// their password into the name field.
func (s *Server) recordLoginFailure(ctx context.Context, ip, name string, known bool, failures, ipFailures int) error {
	if err := s.accounts.RecordLoginFailure(ctx, name, ip, s.now()); err != nil {
		return err
	}
	byIP := ipFailures+1 == s.cfg.LoginRateLimit.PerIP
	byName := failures+1 == s.cfg.LoginRateLimit.PerAccount
	logged := "(unknown)"
	if known {
		logged = name
	}
	s.log.Info("sign-in failed", "account", logged, "ip", ip)
	if byIP || byName {
		s.log.Warn("sign-in attempts limited", "account", logged, "ip", ip, "by_ip", byIP, "by_account", byName)
	}
	return nil
}

// renderLimited replies 429 with a Retry-After header of wait, in whole
// seconds rounded up.
func (s *Server) renderLimited(c *fiber.Ctx, page loginPage, wait time.Duration) error {
	secs := int(math.Ceil(wait.Seconds()))
	c.Set(fiber.HeaderRetryAfter, strconv.Itoa(secs))
	page.Error = fmt.Sprintf("登录失败次数过多，请稍后再试（约 %d 分钟后）", (secs+59)/60)
	return s.renderLogin(c, http.StatusTooManyRequests, page)
}

// renderLogin shows the sign-in form with status. It keeps the visitor's
// login nonce, or sets a new one, and puts the matching CSRF token in the
// form.
func (s *Server) renderLogin(c *fiber.Ctx, status int, page loginPage) error {
	nonce := c.Cookies(loginCookie)
	if b, err := base64.RawURLEncoding.DecodeString(nonce); err != nil || len(b) != 16 {
		nonce = randomID()
		s.setCookie(c, loginCookie, nonce, "/login", time.Time{})
	}
	page.CSRF = s.csrf.token(scopeLogin, nonce)
	c.Set(fiber.HeaderCacheControl, "no-store")
	c.Status(status)
	return s.render(c, "login.html", "登录", "login", page)
}

// handleLogout ends the session and goes to the login page. It records
// the session as revoked, so that a copy of the cookie stops working too,
// and deletes the cookie. A valid session must send its CSRF token, so
// that another site cannot sign a visitor out. When the revocation cannot
// be recorded, the cookie stays and the visitor gets an error to retry.
func (s *Server) handleLogout(c *fiber.Ctx) error {
	if sess, err := s.sessions.decode(c.Cookies(sessionCookie), s.now()); err == nil {
		token := cmp.Or(c.Get(csrfHeader), formToken(c))
		if !s.csrf.valid(scopeSession, sess.ID, token) {
			return saima.Errorf(saima.KindForbidden, "页面已过期或请求来源无法确认，请刷新页面后再退出")
		}
		err := s.accounts.RevokeSession(c.UserContext(), sess.ID, sess.Account, s.now(), time.Unix(sess.Expires, 0))
		if err != nil {
			s.log.Error("record sign-out", "account", sess.Account, "err", err)
			return err
		}
		s.cache.clear()
		s.log.Info("signed out", "account", sess.Account)
	}
	s.clearCookie(c, sessionCookie, "/")
	return c.Redirect("/login", http.StatusSeeOther)
}

// safeNext returns next when it is a path on this server, and "/"
// otherwise, so that a link to the login page cannot send the visitor to
// another site after sign-in.
func safeNext(next string) string {
	if !strings.HasPrefix(next, "/") || strings.HasPrefix(next, "//") ||
		strings.ContainsAny(next, "\\\r\n\t") {
		return "/"
	}
	u, err := url.Parse(next)
	if err != nil || u.Scheme != "" || u.Host != "" || u.Path == "/login" {
		return "/"
	}
	return next
}

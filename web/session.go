package web

import (
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"errors"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"
)

// sessionCookie is the cookie that carries a signed-in session.
const sessionCookie = "saima_session"

// sessionFormat prefixes every session cookie, so that a later change of
// the layout can reject old cookies as malformed instead of misreading them.
const sessionFormat = "v1"

// session is the content of a session cookie. The cookie is signed, not
// encrypted: its holder can read it, so it carries nothing secret.
type session struct {
	Account string `json:"a"` // account name
	ID      string `json:"i"` // random; CSRF tokens are bound to it
	Expires int64  `json:"e"` // Unix seconds

	// Credential is a keyed fingerprint of the password hash at sign-in,
	// so that a new password ends every earlier session.
	Credential string `json:"c"`

	// Issued is the sign-in time on the real clock, in Unix nanoseconds,
	// so that disabling the account ends the session for good. It is the
	// real clock and not Server.now, because the account commands write
	// the real time, while a demo server may run on a shifted clock.
	// Zero in a cookie from before the field existed.
	Issued int64 `json:"t,omitempty"`
}

var (
	errSessionMalformed = errors.New("session cookie is malformed")
	errSessionSignature = errors.New("session cookie signature does not match")
	errSessionExpired   = errors.New("session has expired")
)

// sessionCodec signs and verifies session cookies with HMAC-SHA256. The
// server keeps no session state, so every instance that shares the secret
// accepts the cookies of the others.
type sessionCodec struct {
	key []byte
}

func newSessionCodec(secret []byte) *sessionCodec {
	return &sessionCodec{key: deriveKey(secret, "session")}
}

// deriveKey returns a key for one purpose, so that a MAC made for one
// purpose (a session) is never valid for another (a CSRF token).
func deriveKey(secret []byte, purpose string) []byte {
	m := hmac.New(sha256.New, secret)
	m.Write([]byte("saima/" + purpose))
	return m.Sum(nil)
}

// encode returns the cookie value of sess.
func (sc *sessionCodec) encode(sess session) string {
	body, err := json.Marshal(sess)
	if err != nil {
		panic("web: marshal session: " + err.Error()) // strings and an int always marshal
	}
	signed := sessionFormat + "." + base64.RawURLEncoding.EncodeToString(body)
	return signed + "." + sc.mac(signed)
}

// decode verifies value and returns its session. It fails with
// errSessionMalformed, errSessionSignature or errSessionExpired, the last
// when now is at or past the session's expiry.
func (sc *sessionCodec) decode(value string, now time.Time) (session, error) {
	cut := strings.LastIndexByte(value, '.')
	if cut < 0 || !strings.HasPrefix(value, sessionFormat+".") {
		return session{}, errSessionMalformed
	}
	signed, mac := value[:cut], value[cut+1:]
	if !hmac.Equal([]byte(mac), []byte(sc.mac(signed))) {
		return session{}, errSessionSignature
	}

	body, err := base64.RawURLEncoding.DecodeString(strings.TrimPrefix(signed, sessionFormat+"."))
	if err != nil {
		return session{}, errSessionMalformed
	}
	var sess session
	if err := json.Unmarshal(body, &sess); err != nil || sess.Account == "" || sess.ID == "" {
		return session{}, errSessionMalformed
	}
	if now.Unix() >= sess.Expires {
		return session{}, errSessionExpired
	}
	return sess, nil
}

func (sc *sessionCodec) mac(signed string) string {
	m := hmac.New(sha256.New, sc.key)
	m.Write([]byte(signed))
	return base64.RawURLEncoding.EncodeToString(m.Sum(nil))
}

// credential returns the fingerprint of a password hash that a session
// stores. It is keyed, so the cookie reveals nothing about the hash.
func (sc *sessionCodec) credential(passwordHash string) string {
	m := hmac.New(sha256.New, sc.key)
	m.Write([]byte("credential\x00" + passwordHash))
	return base64.RawURLEncoding.EncodeToString(m.Sum(nil)[:16])
}

// randomID returns 16 random bytes in URL-safe base64.
func randomID() string {
	var b [16]byte
	rand.Read(b[:]) // crypto/rand.Read never returns an error since Go 1.24
	return base64.RawURLEncoding.EncodeToString(b[:])
}

// setCookie sets an HttpOnly, SameSite=Lax cookie on path that expires
// at expires, or when the browser closes if expires is zero. It is Secure
// when Config.SecureCookies is set.
func (s *Server) setCookie(c *fiber.Ctx, name, value, path string, expires time.Time) {
	ck := &fiber.Cookie{
		Name:     name,
		Value:    value,
		Path:     path,
		Secure:   s.cfg.SecureCookies,
		HTTPOnly: true,
		SameSite: fiber.CookieSameSiteLaxMode,
	}
	if expires.IsZero() {
		ck.SessionOnly = true
	} else {
		ck.Expires = expires
		ck.MaxAge = max(int(expires.Sub(s.now()).Seconds()), 1)
	}
	c.Cookie(ck)
}

// clearCookie sets the cookie on path to an expired empty value, so that
// the browser deletes it.
func (s *Server) clearCookie(c *fiber.Ctx, name, path string) {
	c.Cookie(&fiber.Cookie{
		Name:     name,
		Path:     path,
		Expires:  time.Unix(0, 0),
		Secure:   s.cfg.SecureCookies,
		HTTPOnly: true,
		SameSite: fiber.CookieSameSiteLaxMode,
	})
}

// startSession signs a in for Config.SessionTTL by setting the session
// cookie.
func (s *Server) startSession(c *fiber.Ctx, name, passwordHash string) {
	expires := s.now().Add(s.cfg.SessionTTL)
	value := s.sessions.encode(session{
		Account:    name,
		ID:         randomID(),
		Expires:    expires.Unix(),
		Credential: s.sessions.credential(passwordHash),
		Issued:     time.Now().UnixNano(),
	})
	s.setCookie(c, sessionCookie, value, "/", expires)
}

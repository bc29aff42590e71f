package web

import (
	"cmp"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"

	"github.com/gofiber/fiber/v2"

	"saima"
)

// A form sends its CSRF token in the field csrfField of its body. A script
// may send it in the header csrfHeader instead. The query string is never
// read, because URLs end up in access logs, proxy logs and the browser's
// history.
const (
	csrfField  = "csrf_token"
	csrfHeader = "X-CSRF-Token"
)

// CSRF scopes: a token made for a sign-in form is never valid for a
// session, and the other way round.
const (
	scopeSession = "session"
	scopeLogin   = "login"
)

// csrfSigner makes CSRF tokens that are an HMAC of a session's random ID
// (or, before sign-in, of the login cookie's nonce). Another site can
// neither read the ID nor compute the MAC, so it cannot make a token, and
// the server stores nothing to check one.
type csrfSigner struct {
	key []byte
}

func newCSRFSigner(secret []byte) *csrfSigner {
	return &csrfSigner{key: deriveKey(secret, "csrf")}
}

// token returns the CSRF token of id within scope.
func (cs *csrfSigner) token(scope, id string) string {
	m := hmac.New(sha256.New, cs.key)
	m.Write([]byte(scope + "\x00" + id))
	return base64.RawURLEncoding.EncodeToString(m.Sum(nil))
}

// valid reports whether token is the CSRF token of id within scope. An
// empty id or token is never valid.
func (cs *csrfSigner) valid(scope, id, token string) bool {
	if id == "" || token == "" {
		return false
	}
	return hmac.Equal([]byte(token), []byte(cs.token(scope, id)))
}

// checkCSRF rejects a POST made with the session cookie that lacks the
// session's CSRF token, with 403. Requests signed in with an API token
// pass: a browser never adds that header to another site's request. It
// must run after [Server.allow], which signs the request in.
func (s *Server) checkCSRF(c *fiber.Ctx) error {
	who, err := s.identity(c)
	if err != nil {
		return err
	}
	if who != nil && who.viaToken {
		return c.Next()
	}

	token := cmp.Or(c.Get(csrfHeader), formToken(c))
	if who == nil || !s.csrf.valid(scopeSession, who.sessionID, token) {
		if isAPI(c) {
			// A program, not a page, sends most API calls.
			return saima.Errorf(saima.KindForbidden, "用登录会话（Cookie）调用接口的 POST 请求须在 %s 请求头中带上"+
				"本会话的 CSRF 令牌（页面表单中 %s 字段的值），该请求没有带或已过期；请刷新页面后重试，"+
				"程序调用请改用单位账号的 API 令牌（Authorization: Bearer 令牌），它不需要 CSRF 令牌", csrfHeader, csrfField)
		}
		return saima.Errorf(saima.KindForbidden, "页面已过期或请求来源无法确认，请刷新页面后重新提交")
	}
	return c.Next()
}

// formToken returns the CSRF token in the body of c's form, or "". Unlike
// c.FormValue it never reads the query string. An upload form is read
// through the upload's own parser, which the handler then reuses, and a
// form that cannot be read has no token.
func formToken(c *fiber.Ctx) string {
	if !isMultipart(c) {
		return string(c.Request().PostArgs().Peek(csrfField))
	}
	mp, err := uploadFormOf(c)
	if err != nil {
		return ""
	}
	return mp.value(csrfField)
}

// csrfToken returns the CSRF token for forms on the page of c, or "" when
// the request is not signed in with a session.
func (s *Server) csrfToken(c *fiber.Ctx) string {
	who, err := s.identity(c)
	if err != nil || who == nil || who.viaToken {
		return ""
	}
	return s.csrf.token(scopeSession, who.sessionID)
}

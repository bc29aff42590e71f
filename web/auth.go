package web

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"encoding/hex"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"
	"golang.org/x/crypto/bcrypt"

	"saima"
)

// Accounts is the database interface of sign-in. clickhouse.Store
// implements it. A lookup that cannot reach the database returns an error
// of kind [saima.KindUnavailable].
type Accounts interface {
	// GetAccount returns the newest version of the account called name,
	// and false when there is none.
	GetAccount(ctx context.Context, name string) (saima.Account, bool, error)

	// FindAccountByTokenHash returns the account whose newest version has
	// the API token hash hash, and false when there is none.
	FindAccountByTokenHash(ctx context.Context, hash string) (saima.Account, bool, error)

	// RevokeSession records that the session id of account ended at
	// revoked. expires is the session's own expiry.
	RevokeSession(ctx context.Context, id, account string, revoked, expires time.Time) error

	// SessionRevoked reports whether the session id was ended.
	SessionRevoked(ctx context.Context, id string) (bool, error)

	// RecordLoginFailure records a failed sign-in on the account name from
	// ip at t, and ResetLoginFailures a successful one, after which earlier
	// failures no longer count.
	RecordLoginFailure(ctx context.Context, name, ip string, t time.Time) error
	ResetLoginFailures(ctx context.Context, name string, t time.Time) error

	// LoginFailuresFrom returns the moments of the failed sign-ins from
	// the client address ip after since, newest first, at most limit.
	LoginFailuresFrom(ctx context.Context, ip string, since time.Time, limit int) ([]time.Time, error)

	// LoginFailures returns the moments of the failed sign-ins on the
	// account name after since and after its latest successful sign-in,
	// newest first, at most limit.
	LoginFailures(ctx context.Context, name string, since time.Time, limit int) ([]time.Time, error)
}

// Who may reach which routes. The layout shows only the links that the
// signed-in role may follow, from the same lists.
var (
	everyone  = []saima.Role{saima.RoleOffice, saima.RoleLeader, saima.RoleUnit}
	viewers   = []saima.Role{saima.RoleOffice, saima.RoleLeader} // the ledger and PDF reports
	uploaders = []saima.Role{saima.RoleOffice, saima.RoleUnit}
)

// identity is the signed-in account of a request and how it signed in.
type identity struct {
	account   saima.Account
	viaToken  bool   // by an API token, so the request needs no CSRF token
	sessionID string // the session's random ID; empty for an API token
}

// identityKey is the fiber.Ctx local that caches the request's identity.
const identityKey = "saima.identity"

// identity returns who signed the request in, or nil when it carries no
// valid session cookie or API token. It reads the account once per request
// (through the read cache, so a disabled account or a changed password
// takes effect within Config.CacheTTL). Only a failed lookup returns an
// error.
func (s *Server) identity(c *fiber.Ctx) (*identity, error) {
	if who, ok := c.Locals(identityKey).(*identity); ok {
		return who, nil
	}
	var who *identity
	var err error
	switch {
	case c.Get(fiber.HeaderAuthorization) != "":
		who, err = s.authenticateToken(c, c.Get(fiber.HeaderAuthorization))
	case c.Cookies(sessionCookie) != "":
		who, err = s.authenticateSession(c, c.Cookies(sessionCookie))
	}
	if err != nil {
		return nil, err
	}
	c.Locals(identityKey, who) // a nil *identity too: the request was checked
	return who, nil
}

// authenticateToken signs in a unit account by its API token, sent as
// "Authorization: Bearer <token>".
func (s *Server) authenticateToken(c *fiber.Ctx, header string) (*identity, error) {
	scheme, token, _ := strings.Cut(header, " ")
	token = strings.TrimSpace(token)
	if !strings.EqualFold(scheme, "Bearer") || !wellFormedToken(token) {
		s.log.Debug("authorization header rejected", "reason", "not a bearer token of the right form")
		return nil, nil
	}
	acct, found, err := s.accounts.FindAccountByTokenHash(c.UserContext(), HashToken(token))
	if err != nil {
		return nil, err
	}
	if !found || acct.Disabled || acct.Role != saima.RoleUnit {
		s.log.Debug("api token rejected", "found", found, "account", acct.Name)
		return nil, nil
	}
	return &identity{account: acct, viaToken: true}, nil
}

// authenticateSession signs in the account of a session cookie, unless the
// session was signed out, or the account is gone or disabled, or was
// disabled or got a new password since sign-in. Sign-outs through another instance show
// after at most Config.CacheTTL.
func (s *Server) authenticateSession(c *fiber.Ctx, value string) (*identity, error) {
	sess, err := s.sessions.decode(value, s.now())
	if err != nil {
		s.log.Debug("session cookie rejected", "err", err)
		return nil, nil
	}
	revoked, err := cached(s.cache, "revoked/"+sess.ID, func() (bool, error) {
		return s.accounts.SessionRevoked(c.UserContext(), sess.ID)
	})
	if err != nil {
		return nil, err
	}
	if revoked {
		s.log.Debug("session signed out", "account", sess.Account)
		return nil, nil
	}
	type lookup struct {
		acct  saima.Account
		found bool
	}
	got, err := cached(s.cache, "account/"+sess.Account, func() (lookup, error) {
		acct, found, err := s.accounts.GetAccount(c.UserContext(), sess.Account)
		return lookup{acct, found}, err
	})
	if err != nil {
		return nil, err
	}
	acct, found := got.acct, got.found
	current := found && !acct.Disabled && acct.PasswordHash != "" &&
		subtle.ConstantTimeCompare([]byte(sess.Credential), []byte(s.sessions.credential(acct.PasswordHash))) == 1 &&
		(acct.DisabledAt.IsZero() || sess.Issued > acct.DisabledAt.UnixNano())
	if !current {
		s.log.Debug("session no longer valid", "account", sess.Account, "found", found)
		return nil, nil
	}
	return &identity{account: acct, sessionID: sess.ID}, nil
}

// allow lets the request through when it is signed in with one of roles.
// A request that is not signed in is sent to the login page, or gets 401
// under /api/; a signed-in request of another role gets 403. Replies to
// signed-in requests are never cached, because they depend on the account.
func (s *Server) allow(roles ...saima.Role) fiber.Handler {
	return s.allowAction("", roles...)
}

// allowAction is [Server.allow] for a route that takes action, such as
// 发布考评结果, rather than showing a page. Its 403 names the action and
// the roles that may take it.
func (s *Server) allowAction(action string, roles ...saima.Role) fiber.Handler {
	return func(c *fiber.Ctx) error {
		who, err := s.identity(c)
		if err != nil {
			return err
		}
		if who == nil {
			return s.requireSignIn(c)
		}
		c.Set(fiber.HeaderCacheControl, "no-store")
		if !slices.Contains(roles, who.account.Role) {
			if action != "" {
				return saima.Errorf(saima.KindForbidden, "%s账号无权%s，只有%s账号可以%s",
					who.account.Role.Label(), action, roleLabels(roles), action)
			}
			if isAPI(c) {
				return saima.Errorf(saima.KindForbidden, "%s账号无权执行该操作；如有需要，请联系改革办", who.account.Role.Label())
			}
			return pageForbidden(c.Path(), who.account, roles)
		}
		return c.Next()
	}
}

// pageForbidden is the 403 of a page that acct's role may not see: it
// names the page and the roles that may, points a unit account to its own
// unit page, and names the office, which alone grants access.
func pageForbidden(path string, acct saima.Account, roles []saima.Role) error {
	page := "该页面"
	if name := pageName(path); name != "" {
		page = "“" + name + "”页面"
	}
	msg := fmt.Sprintf("%s账号无权访问%s（只有%s账号可以访问）", acct.Role.Label(), page, roleLabels(roles))
	if acct.Role == saima.RoleUnit && acct.Unit != "" {
		msg += fmt.Sprintf("；本单位的得分、项目和工作清单在本单位页面 /units/%s 查看", acct.Unit)
		err := saima.Errorf(saima.KindForbidden, "%s；如有需要，请联系改革办", msg)
		return &pageLinkError{err: err, href: "/units/" + url.PathEscape(acct.Unit), text: "打开本单位页面（" + acct.Unit + "）"}
	}
	return saima.Errorf(saima.KindForbidden, "%s；如有需要，请联系改革办", msg)
}

// pageLinkError is an error whose HTML error page offers a link to the
// page the message points to. JSON replies carry the message alone.
type pageLinkError struct {
	err        error
	href, text string
}

func (e *pageLinkError) Error() string { return e.err.Error() }
func (e *pageLinkError) Unwrap() error { return e.err }

// pageName returns the Chinese name of the page at path, as the menu and
// the page's heading call it, or "" when it has none.
func pageName(path string) string {
	names := map[string]string{
		"/overview": "全市总览", "/ledger": "项目台账", "/management": "动态管理", "/lists": "清单管理",
		"/heatmap": "逾期里程碑热力图", "/problems": "问题清单", "/problems/loop": "问题闭环",
		"/leaders": "领导领衔事项", "/reminders": "督办提醒", "/reminders.xlsx": "督办提醒导出",
		"/pioneers": "先锋榜", "/upload": "数据上传", "/milestones": "里程碑", "/milestones/status": "里程碑状态",
		"/assessments": "考评得分汇总", "/export/ledger.xlsx": "项目台账导出", "/reports/ledger.pdf": "项目台账报告",
	}
	if name, ok := names[path]; ok {
		return name
	}
	switch {
	case strings.HasPrefix(path, "/projects/"):
		return "项目详情"
	case strings.HasPrefix(path, "/reports/"):
		return "考评报告"
	case strings.HasPrefix(path, "/templates/"):
		return "上传模板"
	}
	return ""
}

// roleLabels joins the labels of roles with 或, such as 改革办或单位.
func roleLabels(roles []saima.Role) string {
	labels := make([]string, len(roles))
	for i, r := range roles {
		labels[i] = r.Label()
	}
	return strings.Join(labels, "或")
}

// requireSignIn replies to a request that is not signed in: 401 with a
// JSON error under /api/, and otherwise a redirect to the login page that
// comes back to this address.
func (s *Server) requireSignIn(c *fiber.Ctx) error {
	if isAPI(c) {
		c.Set(fiber.HeaderWWWAuthenticate, `Bearer realm="saima"`)
		return c.Status(http.StatusUnauthorized).JSON(errorBody{Error: errorDetail{
			Status:  http.StatusUnauthorized,
			Kind:    "unauthorized",
			Message: "请先登录，或在 Authorization 请求头中提供有效的 API 令牌（Bearer）",
		}})
	}
	return c.Redirect("/login?next="+url.QueryEscape(c.OriginalURL()), http.StatusSeeOther)
}

// ownUnitOnly lets a unit account see only its own unit's page, by name
// or by alias; other roles pass. It must run after [Server.allow].
func (s *Server) ownUnitOnly(c *fiber.Ctx) error {
	who, err := s.identity(c)
	if err != nil {
		return err
	}
	if who == nil || who.account.Role != saima.RoleUnit {
		return c.Next()
	}
	name, err := url.PathUnescape(c.Params("name"))
	if err == nil && name != who.account.Unit {
		unit, ferr := s.findUnit(c, name)
		if ferr != nil && saima.ErrorKind(ferr) != saima.KindNotFound {
			return ferr
		}
		name = unit.Name
	}
	if err != nil || name != who.account.Unit {
		return saima.Errorf(saima.KindForbidden, "单位账号只能查看本单位（%s）的页面；如需了解其他单位的情况，请联系改革办", who.account.Unit)
	}
	return c.Next()
}

// uploader returns the account name and unit that an upload of c is
// recorded under: an empty unit for the office, which may upload rows of
// any unit. Other roles get a KindForbidden error.
func (s *Server) uploader(c *fiber.Ctx) (name, unit string, err error) {
	who, err := s.identity(c)
	if err != nil {
		return "", "", err
	}
	if who == nil || !slices.Contains(uploaders, who.account.Role) {
		return "", "", saima.Errorf(saima.KindForbidden, "当前账号无权上传数据")
	}
	if who.account.Role == saima.RoleUnit {
		return who.account.Name, who.account.Unit, nil
	}
	return who.account.Name, "", nil
}

// navAccount is the signed-in account as the layout shows it.
type navAccount struct {
	Name          string
	DisplayName   string
	RoleLabel     string
	Unit          string // set for unit accounts, for the link to their page
	CanViewLedger bool
	CanUpload     bool
}

// navFor returns the signed-in account of c for the layout and the CSRF
// token of its logout form, or nil when no one is signed in.
func (s *Server) navFor(c *fiber.Ctx) (*navAccount, string) {
	who, err := s.identity(c)
	if err != nil || who == nil {
		return nil, ""
	}
	a := who.account
	return &navAccount{
		Name:          a.Name,
		DisplayName:   a.DisplayName,
		RoleLabel:     a.Role.Label(),
		Unit:          a.Unit,
		CanViewLedger: slices.Contains(viewers, a.Role),
		CanUpload:     slices.Contains(uploaders, a.Role),
	}, s.csrfToken(c)
}

// HashPassword returns the bcrypt hash of password at bcrypt's default
// cost. It returns an error of kind [saima.KindInvalid] when
// [saima.CheckPassword] rejects the password for any account. Callers
// that know the account name also check the password with that name.
func HashPassword(password string) (string, error) {
	if err := saima.CheckPassword("", password); err != nil {
		return "", err
	}
	h, err := bcrypt.GenerateFromPassword([]byte(password), bcrypt.DefaultCost)
	if err != nil {
		return "", err
	}
	return string(h), nil
}

// dummyHash is a bcrypt hash, at the default cost, of a random password
// that was thrown away. Checking a password against it for an unknown
// account takes as long as for a real one, so timing does not reveal
// which account names exist.
const dummyHash = "$2a$10$O5QZb4A2iVoLK2TsIM8z0OBneLREtXhq2PLpuAk7uUXvSUzC7fVLm"

// PasswordMatches reports whether password matches the bcrypt hash. An
// empty hash never matches, and still costs one bcrypt comparison.
func PasswordMatches(hash, password string) bool {
	if hash == "" {
		bcrypt.CompareHashAndPassword([]byte(dummyHash), []byte(password))
		return false
	}
	return bcrypt.CompareHashAndPassword([]byte(hash), []byte(password)) == nil
}

// tokenBytes is the number of random bytes in an API token.
const tokenBytes = 32

// NewToken returns a new API token for a unit account and its hash for
// [saima.Account.TokenHash]. The token is 32 random bytes in URL-safe
// base64 without padding (43 characters); only its hash is ever stored.
func NewToken() (token, hash string) {
	var b [tokenBytes]byte
	rand.Read(b[:]) // crypto/rand.Read never returns an error since Go 1.24
	token = base64.RawURLEncoding.EncodeToString(b[:])
	return token, HashToken(token)
}

// HashToken returns the SHA-256 of token as lowercase hex. A plain hash
// suffices, unlike for passwords, because a token is random and too long
// to guess.
func HashToken(token string) string {
	sum := sha256.Sum256([]byte(token))
	return hex.EncodeToString(sum[:])
}

// wellFormedToken reports whether token could be one that NewToken made,
// so that garbage costs no database lookup.
func wellFormedToken(token string) bool {
	b, err := base64.RawURLEncoding.DecodeString(token)
	return err == nil && len(b) == tokenBytes
}

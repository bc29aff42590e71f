package web

import (
	"context"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"html"
	"net/http"
	"net/http/httptest"
	"net/url"
	"slices"
	"strings"
	"testing"

	"golang.org/x/crypto/bcrypt"

	"saima"
)

// TestRoleAccess sends every route as every kind of caller and checks the
// status: 303 to the login page or 401 for a visitor, 403 for a role that
// may not use the route.
func TestRoleAccess(t *testing.T) {
	env := newSeededEnv(t)
	callers := []struct {
		name string
		cl   func() *client
	}{
		{"visitor", env.anonymous},
		{"office", func() *client { return env.as(t, "office") }},
		{"leader", func() *client { return env.as(t, "leader") }},
		{"unit", func() *client { return env.as(t, "haishu") }},
		{"unit token", env.withToken},
	}
	// Statuses in the order of callers. 303 means a redirect to /login.
	routes := []struct {
		method, target string
		want           [5]int
	}{
		{"GET", "/", [5]int{303, 200, 200, 200, 200}},
		{"GET", "/leaderboard?period=2026Q2", [5]int{303, 200, 200, 200, 200}},
		{"GET", "/units/" + url.PathEscape("宁波市海曙区"), [5]int{303, 200, 200, 200, 200}},
		{"GET", "/units/" + url.PathEscape("海曙"), [5]int{303, 200, 200, 200, 200}},
		{"GET", "/units/" + url.PathEscape("宁波市江北区"), [5]int{303, 200, 200, 403, 403}},
		{"GET", "/units/" + url.PathEscape("没有这个单位"), [5]int{303, 404, 404, 403, 403}},
		{"GET", "/units/" + url.PathEscape("宁波市江北区") + "/explain", [5]int{303, 200, 200, 403, 403}},
		{"GET", "/ledger", [5]int{303, 200, 200, 403, 403}},
		{"GET", "/upload", [5]int{303, 200, 403, 200, 200}},
		{"GET", "/reports/quarterly/2026Q3.pdf", [5]int{303, 200, 200, 403, 403}},
		{"GET", "/api/scores", [5]int{401, 200, 200, 200, 200}},
		{"GET", "/api/ledger", [5]int{401, 200, 200, 403, 403}},
		{"POST", "/api/uploads?dry_run=1", [5]int{401, 200, 403, 200, 200}},
		{"POST", "/upload", [5]int{303, 200, 403, 200, 200}},
		{"GET", "/healthz", [5]int{200, 200, 200, 200, 200}},
		{"GET", "/login", [5]int{200, 303, 303, 303, 200}},
		{"GET", env.server.assets.URL("style.css"), [5]int{200, 200, 200, 200, 200}},
	}
	for _, rt := range routes {
		for i, caller := range callers {
			t.Run(caller.name+" "+rt.method+" "+rt.target, func(t *testing.T) {
				req := httptest.NewRequest(rt.method, rt.target, nil)
				if rt.method == http.MethodPost {
					// A dry run of the office's and haishu's own rows: it
					// passes for both and writes nothing.
					req = multipartRequest(t, rt.target, "进度.csv", []byte(goodProgress),
						map[string]string{"dataset": saima.DatasetProgress, "dry_run": "1"})
				}
				resp, body := caller.cl().do(t, req)
				if resp.StatusCode != rt.want[i] {
					t.Fatalf("%s %s as %s status = %d, want %d; body:\n%.400s", rt.method, rt.target, caller.name, resp.StatusCode, rt.want[i], body)
				}
				checkDenial(t, resp, body, rt.target)
			})
		}
	}
}

// checkDenial checks the form of a 303 to the login page, a 401 and a 403.
func checkDenial(tb testing.TB, resp *http.Response, body, target string) {
	tb.Helper()
	switch resp.StatusCode {
	case http.StatusSeeOther:
		loc := resp.Header.Get("Location")
		if strings.HasPrefix(target, "/login") {
			return
		}
		if want := "/login?next=" + url.QueryEscape(target); loc != want {
			tb.Errorf("Location = %q, want %q", loc, want)
		}
	case http.StatusUnauthorized:
		var got errorBody
		if err := json.Unmarshal([]byte(body), &got); err != nil || got.Error.Kind != "unauthorized" || !strings.Contains(got.Error.Message, "请先登录") {
			tb.Errorf("401 body = %s, want JSON of kind unauthorized asking to sign in", body)
		}
		if resp.Header.Get("WWW-Authenticate") == "" {
			tb.Error("401 reply has no WWW-Authenticate header")
		}
	case http.StatusForbidden:
		if !strings.Contains(html.UnescapeString(body), "无权") && !strings.Contains(html.UnescapeString(body), "只能查看本单位") {
			tb.Errorf("403 body lacks a reason:\n%.400s", body)
		}
		if !strings.Contains(body, "改革办") {
			tb.Errorf("403 body does not name the office:\n%.400s", body)
		}
		if cc := resp.Header.Get("Cache-Control"); cc != "no-store" {
			tb.Errorf("403 Cache-Control = %q, want no-store", cc)
		}
	}
}

// TestLeaderCannotUpload posts a valid file as the leader: 403, and the
// store holds no new upload and the old values.
func TestLeaderCannotUpload(t *testing.T) {
	for _, target := range []string{"/api/uploads", "/upload"} {
		t.Run(target, func(t *testing.T) {
			env := newSeededEnv(t)
			before := countUploads(t, env)
			req := multipartRequest(t, target, "进度.csv", []byte(goodProgress), map[string]string{"dataset": saima.DatasetProgress})
			resp, body := env.as(t, "leader").do(t, req)
			if resp.StatusCode != http.StatusForbidden {
				t.Fatalf("POST %s as leader status = %d, want 403; body:\n%s", target, resp.StatusCode, body)
			}
			if after := countUploads(t, env); after != before {
				t.Errorf("uploads recorded = %d, want %d as before", after, before)
			}
			assertLedgerPercent(t, env, "NB-2026-001", "85.5")
			// An API call is an operation, not a page.
			want := "领导账号无权上传数据，只有改革办或单位账号可以上传数据"
			if !strings.Contains(body, want) {
				t.Errorf("POST %s as leader body lacks %q:\n%s", target, want, body)
			}
		})
	}
}

// TestUnitTokenOtherUnitRows sends another unit's rows with haishu's API
// token: 403, the rows are not written, and the audit log records the
// upload as rejected, under haishu.
func TestUnitTokenOtherUnitRows(t *testing.T) {
	env := newSeededEnv(t)
	other := progressHeader +
		"宁波市海曙区,NB-2026-001,城市大脑驾驶舱,2026年第三季度,99%,2026-09-30,进展,无\n" +
		"市大数据局,NB-2026-002,一件事集成办,2026年第三季度,77%,2026-09-30,进展,无\n"
	req := multipartRequest(t, "/api/uploads", "进度.csv", []byte(other), map[string]string{"dataset": saima.DatasetProgress})
	resp, body := env.withToken().do(t, req)
	if resp.StatusCode != http.StatusForbidden {
		t.Fatalf("POST /api/uploads with haishu's token status = %d, want 403; body:\n%s", resp.StatusCode, body)
	}
	assertLedgerPercent(t, env, "NB-2026-001", "85.5")
	assertProgressPercent(t, env, "市大数据局", "NB-2026-002", "40")

	ups, err := env.store.ListUploads(t.Context(), saima.UploadFilter{Limit: 1})
	if err != nil {
		t.Fatal(err)
	}
	if len(ups) != 1 || ups[0].Outcome != saima.OutcomeRejected || ups[0].Uploader != "haishu" || ups[0].Unit != "宁波市海曙区" {
		t.Errorf("newest upload = %+v, want haishu's, rejected", ups)
	}
}

func countUploads(tb testing.TB, env *testEnv) int {
	tb.Helper()
	ups, err := env.store.ListUploads(context.Background(), saima.UploadFilter{Limit: 1000})
	if err != nil {
		tb.Fatal(err)
	}
	return len(ups)
}

func TestBearerTokenRejected(t *testing.T) {
	env := newSeededEnv(t)
	officeToken, officeHash := NewToken()
	office, _, err := env.store.GetAccount(t.Context(), "office")
	if err != nil {
		t.Fatal(err)
	}
	office.TokenHash = officeHash
	if err := env.store.SaveAccount(t.Context(), office); err != nil {
		t.Fatal(err)
	}
	unknown, _ := NewToken()

	tests := []struct {
		name   string
		header string
	}{
		{"unknown token", "Bearer " + unknown},
		{"malformed token", "Bearer not-a-token"},
		{"basic scheme", "Basic " + base64.StdEncoding.EncodeToString([]byte("haishu:haishu-test-pw"))},
		{"token of an office account", "Bearer " + officeToken},
		{"empty bearer", "Bearer "},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			req := httptest.NewRequest(http.MethodGet, "/api/scores", nil)
			req.Header.Set("Authorization", tt.header)
			resp, body := env.send(t, req)
			if resp.StatusCode != http.StatusUnauthorized {
				t.Errorf("GET /api/scores with %q status = %d, want 401; body %s", tt.header, resp.StatusCode, body)
			}
		})
	}

	t.Run("disabled account", func(t *testing.T) {
		changeAccount(t, env, "haishu", func(h string) string { return h }, true)
		resp, _ := env.withToken().get(t, "/api/scores")
		if resp.StatusCode != http.StatusUnauthorized {
			t.Errorf("GET /api/scores with a disabled account's token status = %d, want 401", resp.StatusCode)
		}
	})
}

// TestNavigation checks what the header shows each role: its name and
// role, a logout button, and only the links the role may follow.
func TestNavigation(t *testing.T) {
	env := newSeededEnv(t)
	tests := []struct {
		account string
		want    []string
		notWant []string
	}{
		{"office", []string{"市改革办（office）", "改革办", `href="/ledger"`, `href="/upload"`, "退出"}, []string{"本单位"}},
		{"leader", []string{">leader<", "领导", `href="/ledger"`, "退出"}, []string{`href="/upload"`, "本单位"}},
		{"haishu", []string{">haishu<", "单位 · 宁波市海曙区", `href="/units/`, "本单位", `href="/upload"`, "退出"}, []string{`href="/ledger"`}},
	}
	for _, tt := range tests {
		t.Run(tt.account, func(t *testing.T) {
			_, body := env.as(t, tt.account).get(t, "/")
			header := body[:strings.Index(body, "</header>")]
			text := html.UnescapeString(header)
			for _, w := range tt.want {
				if !strings.Contains(text, w) && !strings.Contains(header, w) {
					t.Errorf("header lacks %q:\n%s", w, header)
				}
			}
			for _, w := range tt.notWant {
				if strings.Contains(text, w) || strings.Contains(header, w) {
					t.Errorf("header shows %q:\n%s", w, header)
				}
			}
		})
	}
}

func TestHashPassword(t *testing.T) {
	hash, err := HashPassword("海曙区-密码-2026")
	if err != nil {
		t.Fatalf("HashPassword: %v", err)
	}
	if cost, err := bcrypt.Cost([]byte(hash)); err != nil || cost != bcrypt.DefaultCost {
		t.Errorf("bcrypt cost = %d, %v; want %d", cost, err, bcrypt.DefaultCost)
	}
	tests := []struct {
		hash, password string
		want           bool
	}{
		{hash, "海曙区-密码-2026", true},
		{hash, "海曙区-密码-2027", false},
		{hash, "", false},
		{"", "", false},
		{"", "海曙区-密码-2026", false},
		{"not a hash", "海曙区-密码-2026", false},
	}
	for _, tt := range tests {
		if got := PasswordMatches(tt.hash, tt.password); got != tt.want {
			t.Errorf("PasswordMatches(%q, %q) = %v, want %v", tt.hash, tt.password, got, tt.want)
		}
	}
	if h2, _ := HashPassword("海曙区-密码-2026"); h2 == hash {
		t.Error("two hashes of one password are equal, want salted")
	}
}

func TestHashPasswordRejects(t *testing.T) {
	tests := []struct {
		name, password, message string
	}{
		{"ErrShort", "1234567", "至少需要 8 个字符"},
		{"ErrLong", strings.Repeat("密", 25), "最多 72 字节"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := HashPassword(tt.password)
			if saima.ErrorKind(err) != saima.KindInvalid || !strings.Contains(saima.ErrorMessage(err), tt.message) {
				t.Errorf("HashPassword(%q) = %v, want invalid with %q", tt.password, err, tt.message)
			}
		})
	}
	if _, err := HashPassword("八个汉字的密码呀"); err != nil {
		t.Errorf("HashPassword of 8 Chinese characters = %v, want nil", err)
	}
}

func TestNewToken(t *testing.T) {
	token, hash := NewToken()
	raw, err := base64.RawURLEncoding.DecodeString(token)
	if err != nil || len(raw) != 32 {
		t.Errorf("token %q decodes to %d bytes (%v), want 32", token, len(raw), err)
	}
	sum := sha256.Sum256([]byte(token))
	if hash != hex.EncodeToString(sum[:]) || HashToken(token) != hash {
		t.Errorf("hash = %q, want the SHA-256 hex of the token", hash)
	}
	if other, _ := NewToken(); other == token {
		t.Error("two tokens are equal")
	}
	if !wellFormedToken(token) || wellFormedToken(token[1:]) || wellFormedToken(token+"==") {
		t.Error("wellFormedToken accepts a bad token or rejects a good one")
	}
}

// TestLogoutRevokesCopiedCookie checks that signing out ends the session
// everywhere: a copy of the cookie taken before sign-out no longer signs
// in, on this instance or on another one over the same database.
func TestLogoutRevokesCopiedCookie(t *testing.T) {
	env := newTestEnv(t, nil)
	other := newTestEnvOver(t, env.store, nil)
	office := env.as(t, "office")
	copied := &client{env: env, session: office.session}
	elsewhere := &client{env: other, session: office.session}
	for _, cl := range []*client{copied, elsewhere} {
		if resp, _ := cl.get(t, "/ledger"); resp.StatusCode != http.StatusOK {
			t.Fatalf("GET /ledger with the copied cookie before sign-out: status %d, want 200", resp.StatusCode)
		}
	}

	req := httptest.NewRequest(http.MethodPost, "/logout", nil)
	req.Header.Set("Origin", "http://example.com")
	resp, _ := office.do(t, req)
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("POST /logout: status %d, want 303", resp.StatusCode)
	}
	for name, cl := range map[string]*client{"this instance": copied, "another instance": elsewhere} {
		resp, _ := cl.get(t, "/ledger")
		if resp.StatusCode != http.StatusSeeOther || !strings.HasPrefix(resp.Header.Get("Location"), "/login") {
			t.Errorf("GET /ledger on %s with a cookie copied before sign-out: status %d to %q, want 303 to /login",
				name, resp.StatusCode, resp.Header.Get("Location"))
		}
	}
}

// TestUnitTokenOtherUnitMilestones checks that a unit's token cannot write
// milestones of another unit's project by leaving 责任单位 blank, which
// would give them to the project's unit, and can for a project of its own.
func TestUnitTokenOtherUnitMilestones(t *testing.T) {
	env := newSeededEnv(t)
	upload := func(text string) (*http.Response, string) {
		req := multipartRequest(t, "/api/uploads", "里程碑.csv", []byte(text),
			map[string]string{"dataset": saima.DatasetMilestones})
		return env.withToken().do(t, req)
	}
	count := func() int {
		ms, err := env.store.ListMilestones(t.Context())
		if err != nil {
			t.Fatal(err)
		}
		return len(ms)
	}
	before := count()

	resp, body := upload("项目编号,里程碑,计划完成日期,责任单位\nNB-2026-002,越权节点,2026-12-31,\n")
	if resp.StatusCode != http.StatusForbidden || !strings.Contains(body, "“市大数据局”的项目") {
		t.Fatalf("haishu's token uploading a milestone of 市大数据局's project: status %d, want 403 naming the owner; body:\n%s",
			resp.StatusCode, body)
	}
	if got := count(); got != before {
		t.Errorf("milestones after the rejected upload = %d, want %d", got, before)
	}

	resp, body = upload("项目编号,里程碑,计划完成日期,责任单位\nNB-2026-001,本单位节点,2026-12-31,\n")
	if resp.StatusCode >= 300 {
		t.Fatalf("haishu's token uploading a milestone of its own project: status %d; body:\n%s", resp.StatusCode, body)
	}
	if got := count(); got != before+1 {
		t.Errorf("milestones after the accepted upload = %d, want %d", got, before+1)
	}
}

// TestForbiddenActionNamed posts each office action as the leader and a
// unit: the 403 names the action and who may take it, not a page.
func TestForbiddenActionNamed(t *testing.T) {
	env := newSeededEnv(t)
	actions := []struct{ target, want string }{
		{"/projects/NB-2026-001/stages", "无权登记项目阶段，只有改革办账号可以登记项目阶段"},
		{"/lists/done", "无权标注清单事项完成，只有改革办账号可以标注清单事项完成"},
		{"/lists/withdraw", "无权撤销清单事项完成标注，只有改革办账号可以撤销清单事项完成标注"},
		{"/projects/NB-2026-001/stages/withdraw", "无权撤销项目阶段记录，只有改革办账号可以撤销项目阶段记录"},
		{"/leaders/confirm", "无权确认半年报告，只有改革办账号可以确认半年报告"},
		{"/evaluations/2026Q3/publish", "无权发布考评结果，只有改革办账号可以发布考评结果"},
		{"/api/evaluations/2026Q3/publish", "无权发布考评结果，只有改革办账号可以发布考评结果"},
	}
	for _, user := range []string{"leader", "haishu"} {
		for _, a := range actions {
			t.Run(user+" "+a.target, func(t *testing.T) {
				req := httptest.NewRequest(http.MethodPost, a.target, strings.NewReader(""))
				req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
				resp, body := env.as(t, user).do(t, req)
				if resp.StatusCode != http.StatusForbidden {
					t.Fatalf("POST %s as %s status = %d, want 403", a.target, user, resp.StatusCode)
				}
				if got := html.UnescapeString(body); !strings.Contains(got, a.want) {
					t.Errorf("POST %s as %s body lacks %q:\n%.400s", a.target, user, a.want, got)
				}
				if strings.Contains(body, "页面") {
					t.Errorf("POST %s as %s body calls the action a page:\n%.400s", a.target, user, body)
				}
			})
		}
	}
}

// TestUnitTokenPartnerMilestone checks that a unit's token writes its own
// milestone on a project that lists it among the 协同单位 once the office
// has uploaded that ledger row, and that the project page names the unit.
func TestUnitTokenPartnerMilestone(t *testing.T) {
	env := newSeededEnv(t)
	upload := func(cl *client, name, dataset, text string) (*http.Response, string) {
		req := multipartRequest(t, "/api/uploads", name, []byte(text), map[string]string{"dataset": dataset})
		return cl.do(t, req)
	}
	const milestone = "项目编号,里程碑,计划完成日期,责任单位\nNB-2026-002,海曙协同节点,2026-12-31,宁波市海曙区\n"
	if resp, body := upload(env.withToken(), "里程碑.csv", saima.DatasetMilestones, milestone); resp.StatusCode != http.StatusForbidden {
		t.Fatalf("haishu's milestone before it cooperates: status %d, want 403; body:\n%s", resp.StatusCode, body)
	}

	ledger := "项目编号,项目名称,责任单位,协同单位\nNB-2026-002,数据共享平台,市大数据局,海曙\n"
	if resp, body := upload(env.as(t, "office"), "台账.csv", saima.DatasetProjects, ledger); resp.StatusCode >= 300 {
		t.Fatalf("office's ledger row with 协同单位: status %d; body:\n%s", resp.StatusCode, body)
	}
	if _, body := env.as(t, "office").get(t, projectURL("NB-2026-002")); !strings.Contains(body, "协同单位：宁波市海曙区") {
		t.Errorf("project page lacks 协同单位：宁波市海曙区")
	}
	if resp, body := upload(env.withToken(), "里程碑.csv", saima.DatasetMilestones, milestone); resp.StatusCode >= 300 {
		t.Fatalf("haishu's milestone as a cooperating unit: status %d, want success; body:\n%s", resp.StatusCode, body)
	}
	ms, err := env.store.ListMilestones(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	if !slices.ContainsFunc(ms, func(m saima.Milestone) bool { return m.Name == "海曙协同节点" && m.Unit == "宁波市海曙区" }) {
		t.Errorf("milestones lack 海曙协同节点 of 宁波市海曙区")
	}
}

// A page that a role may not see names itself and who may see it, and a
// unit account is pointed to its own unit page.
func TestForbiddenPageNamesPage(t *testing.T) {
	env := newSeededEnv(t)
	for _, tt := range []struct {
		who, target string
		want        []string
	}{
		{"haishu", "/ledger", []string{"单位账号无权访问“项目台账”页面", "改革办或领导", "/units/宁波市海曙区", "改革办",
			`<a href="/units/%E5%AE%81%E6%B3%A2%E5%B8%82%E6%B5%B7%E6%9B%99%E5%8C%BA">打开本单位页面（宁波市海曙区）</a>`}},
		{"haishu", "/overview", []string{"“全市总览”页面", "/units/宁波市海曙区", "打开本单位页面"}},
		{"leader", "/upload", []string{"领导账号无权访问“数据上传”页面", "改革办或单位", "请联系改革办"}},
	} {
		resp, body := env.as(t, tt.who).get(t, tt.target)
		if resp.StatusCode != http.StatusForbidden {
			t.Errorf("GET %s as %s status = %d, want 403", tt.target, tt.who, resp.StatusCode)
		}
		for _, w := range tt.want {
			if !strings.Contains(html.UnescapeString(body), w) {
				t.Errorf("GET %s as %s: 403 lacks %q:\n%.600s", tt.target, tt.who, w, body)
			}
		}
	}
}

package main

import (
	"context"
	"encoding/base64"
	"errors"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"golang.org/x/crypto/bcrypt"

	"saima"
	"saima/clickhouse"
	"saima/web"
)

const testRoster = "序号,单位,单位类别,别名\n" +
	"1,宁波市海曙区,区县（市）,海曙区;海曙\n" +
	"2,宁波市江北区,区县（市）,江北区\n"

// importRoster loads a two-unit roster into e's database.
func importRoster(t *testing.T, e *testEnv) {
	t.Helper()
	path := filepath.Join(t.TempDir(), "roster.csv")
	if err := os.WriteFile(path, []byte(testRoster), 0o600); err != nil {
		t.Fatal(err)
	}
	e.mustRun("import", "--dataset", "units", path)
}

// withStdin runs f with standard input reading text.
func withStdin(t *testing.T, text string, f func()) {
	t.Helper()
	path := filepath.Join(t.TempDir(), "stdin")
	if err := os.WriteFile(path, []byte(text), 0o600); err != nil {
		t.Fatal(err)
	}
	in, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer in.Close()
	saved := os.Stdin
	os.Stdin = in
	defer func() { os.Stdin = saved }()
	f()
}

// openTestStore opens e's database directly, to check what commands wrote.
func openTestStore(t *testing.T, e *testEnv) *clickhouse.Store {
	t.Helper()
	a := &app{getenv: func(k string) string { return e.env[k] }}
	a.cfg = testConfig(e)
	a.log = a.cfg.logger(os.Stderr)
	st, err := a.openStore(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(a.close)
	return st
}

func getAccount(t *testing.T, st *clickhouse.Store, name string) saima.Account {
	t.Helper()
	acct, found, err := st.GetAccount(context.Background(), name)
	if err != nil || !found {
		t.Fatalf("GetAccount(%s) = %v, %v; want the account", name, found, err)
	}
	return acct
}

func TestAccountAdd(t *testing.T) {
	e := newTestEnv(t)
	importRoster(t, e)

	var out string
	withStdin(t, "office-password-1\n", func() {
		out = e.mustRun("account", "add", "--name", "office", "--role", "office", "--display-name", "市改革办", "--password-stdin")
	})
	if strings.Contains(out, "office-password-1") || !strings.Contains(out, "已创建账号 office") {
		t.Errorf("add with --password-stdin printed %q, want a confirmation without the password", out)
	}

	out = e.mustRun("account", "add", "--name", "haishu", "--role", "unit", "--unit", "海曙")
	m := regexp.MustCompile(`密码：(\S+)`).FindStringSubmatch(out)
	if m == nil {
		t.Fatalf("add without --password-stdin printed no password:\n%s", out)
	}

	st := openTestStore(t, e)
	tests := []struct {
		name, password, unit string
		role                 saima.Role
	}{
		{"office", "office-password-1", "", saima.RoleOffice},
		{"haishu", m[1], "宁波市海曙区", saima.RoleUnit},
	}
	for _, tt := range tests {
		acct := getAccount(t, st, tt.name)
		if acct.Role != tt.role || acct.Unit != tt.unit || !strings.HasPrefix(acct.ChangedBy, "cli") {
			t.Errorf("account %s = role %s unit %q by %q, want %s %q by cli", tt.name, acct.Role, acct.Unit, acct.ChangedBy, tt.role, tt.unit)
		}
		if err := bcrypt.CompareHashAndPassword([]byte(acct.PasswordHash), []byte(tt.password)); err != nil {
			t.Errorf("password of %s does not match its hash: %v", tt.name, err)
		}
	}
}

func TestAccountAddErrors(t *testing.T) {
	e := newTestEnv(t)
	importRoster(t, e)
	e.mustRun("account", "add", "--name", "office", "--role", "office")

	tests := []struct {
		name  string
		args  []string
		stdin string
		code  int
		want  string
	}{
		{"ErrNoName", []string{"add", "--role", "office"}, "", 2, "--name"},
		{"ErrRole", []string{"add", "--name", "boss", "--role", "admin"}, "", 1, "角色“admin”无效"},
		{"ErrName", []string{"add", "--name", "Boss Man", "--role", "office"}, "", 1, "用户名“Boss Man”无效"},
		{"ErrExists", []string{"add", "--name", "office", "--role", "leader"}, "", 1, "已存在"},
		{"ErrUnitMissing", []string{"add", "--name", "u", "--role", "unit"}, "", 1, "必须指定所属单位"},
		{"ErrUnitNotOnRoster", []string{"add", "--name", "u", "--role", "unit", "--unit", "宁波市鄞州区"}, "", 1, "单位名单中没有“宁波市鄞州区”"},
		{"ErrUnitOnLeader", []string{"add", "--name", "l", "--role", "leader", "--unit", "宁波市海曙区"}, "", 1, "只有单位账号"},
		{"ErrShortPassword", []string{"add", "--name", "l", "--role", "leader", "--password-stdin"}, "short\n", 1, "密码太短"},
		{"ErrEmptyPassword", []string{"add", "--name", "l", "--role", "leader", "--password-stdin"}, "", 1, "第一行为空"},
		{"ErrSpacesPassword", []string{"add", "--name", "l", "--role", "leader", "--password-stdin"}, "        \n", 1, "不能全是空格"},
		{"ErrCommonPassword", []string{"add", "--name", "l", "--role", "leader", "--password-stdin"}, "passwordpassword\n", 1, "太常见"},
		{"ErrNamePassword", []string{"add", "--name", "leader01", "--role", "leader", "--password-stdin"}, "leader01\n", 1, "与账号名相同"},
		{"ErrDisplayNameTab", []string{"add", "--name", "l", "--role", "leader", "--display-name", "市\t领导"}, "",
			1, "显示名称“市\t领导”的第 2 个字符 U+0009 是制表符、换行或其他控制字符"},
		{"ErrDisplayNameNewline", []string{"add", "--name", "l", "--role", "leader", "--display-name", "市领导\n"}, "",
			1, "第 4 个字符 U+000A 是制表符、换行或其他控制字符"},
		{"ErrSubcommand", []string{"remove", "--name", "office"}, "", 2, "没有子命令“remove”"},
		{"ErrNoSubcommand", nil, "", 2, "请写出子命令"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var code int
			var out, errOut string
			withStdin(t, tt.stdin, func() {
				code, out, errOut = e.run(append([]string{"account"}, tt.args...)...)
			})
			if code != tt.code || !strings.Contains(errOut, tt.want) {
				t.Errorf("saima account %s = exit %d, stderr %q; want exit %d with %q (stdout %q)",
					strings.Join(tt.args, " "), code, errOut, tt.code, tt.want, out)
			}
		})
	}
	out := e.mustRun("account", "list")
	if strings.Contains(out, "boss") || strings.Contains(out, " l ") || strings.Count(out, "\n") != 2 {
		t.Errorf("list after rejected adds =\n%s\nwant only office", out)
	}
}

func TestAccountToken(t *testing.T) {
	e := newTestEnv(t)
	importRoster(t, e)
	e.mustRun("account", "add", "--name", "haishu", "--role", "unit", "--unit", "宁波市海曙区")
	e.mustRun("account", "add", "--name", "leader", "--role", "leader")

	first := strings.TrimSpace(e.mustRun("account", "token", "--name", "haishu"))
	second := strings.TrimSpace(e.mustRun("account", "token", "--name", "haishu"))
	st := openTestStore(t, e)
	for _, token := range []string{first, second} {
		if len(token) != 43 || strings.ContainsAny(token, " \n") {
			t.Fatalf("token output %q, want one token of 43 characters", token)
		}
	}
	ctx := context.Background()
	if acct, found, err := st.FindAccountByTokenHash(ctx, web.HashToken(second)); err != nil || !found || acct.Name != "haishu" {
		t.Errorf("the newest token finds %q, %v, %v; want haishu", acct.Name, found, err)
	}
	if _, found, err := st.FindAccountByTokenHash(ctx, web.HashToken(first)); err != nil || found {
		t.Errorf("the replaced token finds an account (%v, %v), want none", found, err)
	}

	tests := []struct {
		name string
		args []string
		want string
	}{
		{"ErrLeader", []string{"token", "--name", "leader"}, "只有单位账号可以使用 API 令牌"},
		{"ErrUnknown", []string{"token", "--name", "nobody"}, "没有名为 nobody 的账号"},
		{"ErrNoName", []string{"token"}, "--name"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, out, errOut := e.run(append([]string{"account"}, tt.args...)...)
			if code == 0 || out != "" || !strings.Contains(errOut, tt.want) {
				t.Errorf("saima account %s = exit %d, stdout %q, stderr %q; want a failure with %q and no token",
					strings.Join(tt.args, " "), code, out, errOut, tt.want)
			}
		})
	}
}

func TestAccountList(t *testing.T) {
	e := newTestEnv(t)
	importRoster(t, e)
	e.mustRun("account", "add", "--name", "office", "--role", "office", "--display-name", "市改革办")
	e.mustRun("account", "add", "--name", "haishu", "--role", "unit", "--unit", "宁波市海曙区")
	e.mustRun("account", "token", "--name", "haishu")
	e.mustRun("account", "disable", "--name", "office")

	out := e.mustRun("account", "list")
	lines := strings.Split(strings.TrimSpace(out), "\n")
	if len(lines) != 3 {
		t.Fatalf("list printed %d lines, want a heading and 2 accounts:\n%s", len(lines), out)
	}
	tests := []struct {
		line int
		want []string
	}{
		{0, []string{"用户名", "角色", "单位", "API令牌", "状态"}},
		{1, []string{"haishu", "单位", "宁波市海曙区", "有", "正常", "cli"}},
		{2, []string{"office", "改革办", "市改革办", "无", "已停用"}},
	}
	for _, tt := range tests {
		for _, w := range tt.want {
			if !strings.Contains(lines[tt.line], w) {
				t.Errorf("list line %d = %q, want it to contain %q", tt.line, lines[tt.line], w)
			}
		}
	}
	if strings.Contains(out, "$2a$") {
		t.Errorf("list printed a password hash:\n%s", out)
	}

	e.mustRun("account", "enable", "--name", "office")
	if acct := getAccount(t, openTestStore(t, e), "office"); acct.Disabled || acct.DisplayName != "市改革办" {
		t.Errorf("office after enable = disabled %v, display name %q; want enabled, name kept", acct.Disabled, acct.DisplayName)
	}
}

func TestAccountPasswd(t *testing.T) {
	e := newTestEnv(t)
	e.mustRun("account", "add", "--name", "leader", "--role", "leader")
	withStdin(t, "new-password-2026\r\n", func() {
		e.mustRun("account", "passwd", "--name", "leader", "--password-stdin")
	})
	acct := getAccount(t, openTestStore(t, e), "leader")
	if err := bcrypt.CompareHashAndPassword([]byte(acct.PasswordHash), []byte("new-password-2026")); err != nil {
		t.Errorf("new password does not match the stored hash: %v", err)
	}
}

func TestAccountPasswdRejectsWeak(t *testing.T) {
	e := newTestEnv(t)
	e.mustRun("account", "add", "--name", "leader", "--role", "leader")
	before := getAccount(t, openTestStore(t, e), "leader").PasswordHash
	for _, tt := range []struct{ name, stdin, want string }{
		{"ErrSpaces", "        \n", "不能全是空格"},
		{"ErrDigits", "12345678\n", "太常见"},
		{"ErrOnes", "11111111\n", "同一个字符"},
		{"ErrNameTwice", "leaderleader\n", "与账号名相同"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			var code int
			var errOut string
			withStdin(t, tt.stdin, func() {
				code, _, errOut = e.run("account", "passwd", "--name", "leader", "--password-stdin")
			})
			if code != 1 || !strings.Contains(errOut, tt.want) {
				t.Errorf("passwd with %q = exit %d, stderr %q; want exit 1 with %q", tt.stdin, code, errOut, tt.want)
			}
		})
	}
	if after := getAccount(t, openTestStore(t, e), "leader").PasswordHash; after != before {
		t.Error("a rejected passwd changed the stored password")
	}
}

func TestParseSecret(t *testing.T) {
	raw := []byte("0123456789abcdef0123456789abcdef")
	tests := []struct {
		name, text string
		wantErr    string // part of the error, or empty
	}{
		{"hex", "30313233343536373839616263646566" + "30313233343536373839616263646566", ""},
		{"base64", "MDEyMzQ1Njc4OWFiY2RlZjAxMjM0NTY3ODlhYmNkZWY=", ""},
		{"base64 without padding", "MDEyMzQ1Njc4OWFiY2RlZjAxMjM0NTY3ODlhYmNkZWY", ""},
		{"ErrShort", "3031323334353637", "按十六进制解码后只有 8 字节"},
		// A passphrase of letters can happen to be valid base64.
		{"ErrPassphraseAsBase64", "correcthorsebatterystaplexyzabcdefgh", "按base64解码后只有 27 字节"},
		{"ErrNotEncoded", "this is not hex or base64!", "既不是十六进制也不是 base64"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := parseSecret(tt.text)
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) ||
					!strings.Contains(err.Error(), "openssl rand -hex 32") || !errors.Is(err, errUsage) {
					t.Errorf("parseSecret(%q) = %q, %v; want a usage error with %q and how to make a key",
						tt.text, got, err, tt.wantErr)
				}
				return
			}
			if err != nil || string(got) != string(raw) {
				t.Errorf("parseSecret(%q) = %q, %v; want %q", tt.text, got, err, raw)
			}
		})
	}
}

func TestServeRejectsBadSecret(t *testing.T) {
	e := newTestEnv(t)
	e.env["SAIMA_SESSION_SECRET"] = "abcd"
	code, _, errOut := e.run("serve", "--addr", "127.0.0.1:0")
	if code != 2 || !strings.Contains(errOut, "至少需要 32 字节") {
		t.Errorf("serve with a 2-byte secret = exit %d, %q; want exit 2 naming the minimum", code, errOut)
	}
}

// TestDemoAccounts runs the demo twice without serving and checks that the
// three demo accounts are printed and stored with their documented
// passwords, that haishu has the documented API token, and that haishu's
// unit is on the demo roster. The second run says that every account
// existed, and gives no advice to publish again, which it does itself.
func TestDemoAccounts(t *testing.T) {
	const token = "haishu-demo-token-public-for-the-demo-only0"
	e := newTestEnv(t)
	out := e.mustRun("demo", "--no-serve", "--today", "2026-11-20", "--out", t.TempDir())
	for _, w := range []string{"office", "office-demo", "leader-demo", "haishu-demo", "宁波市海曙区", "API 令牌 " + token} {
		if !strings.Contains(out, w) {
			t.Errorf("demo output lacks %q:\n%s", w, out)
		}
	}
	if strings.Contains(out, "已有账号") {
		t.Errorf("first demo run says an account existed:\n%s", out)
	}

	code, out, errOut := e.run("demo", "--no-serve", "--today", "2026-11-20", "--out", t.TempDir())
	if code != 0 {
		t.Fatalf("second demo run exited %d:\n%s", code, errOut)
	}
	for _, name := range []string{"office", "leader", "haishu"} {
		line := lineWith(out, "  "+name+" ")
		if !strings.Contains(line, "已有账号") {
			t.Errorf("second demo run prints %s as %q, want it marked 已有账号", name, line)
		}
	}
	if !strings.Contains(lineWith(out, "  haishu "), "API 令牌 "+token) {
		t.Errorf("second demo run prints haishu as %q, want its API token", lineWith(out, "  haishu "))
	}
	if strings.Contains(errOut, "重新计算并发布") {
		t.Errorf("second demo run asks the office to publish again, which it does itself:\n%s", errOut)
	}

	st := openTestStore(t, e)
	tests := []struct {
		name, password, unit string
		role                 saima.Role
	}{
		{"office", "office-demo", "", saima.RoleOffice},
		{"leader", "leader-demo", "", saima.RoleLeader},
		{"haishu", "haishu-demo", "宁波市海曙区", saima.RoleUnit},
	}
	for _, tt := range tests {
		acct := getAccount(t, st, tt.name)
		if acct.Role != tt.role || acct.Unit != tt.unit {
			t.Errorf("demo account %s = role %s unit %q, want %s %q", tt.name, acct.Role, acct.Unit, tt.role, tt.unit)
		}
		if err := bcrypt.CompareHashAndPassword([]byte(acct.PasswordHash), []byte(tt.password)); err != nil {
			t.Errorf("demo account %s does not take the password %s: %v", tt.name, tt.password, err)
		}
	}
	if _, err := rosterName(context.Background(), st, "宁波市海曙区"); err != nil {
		t.Errorf("haishu's unit is not on the demo roster: %v", err)
	}

	// The server accepts a token of the form that web.NewToken makes: 32
	// bytes in URL-safe base64 without padding.
	if raw, err := base64.RawURLEncoding.DecodeString(token); err != nil || len(raw) != 32 {
		t.Errorf("demo token decodes to %d bytes, %v; want 32", len(raw), err)
	}
	acct, ok, err := st.FindAccountByTokenHash(t.Context(), web.HashToken(token))
	if err != nil || !ok || acct.Name != "haishu" {
		t.Errorf("demo token finds account %q, %v, %v; want haishu", acct.Name, ok, err)
	}
}

// lineWith returns the first line of out that contains s, or "".
func lineWith(out, s string) string {
	for line := range strings.Lines(out) {
		if strings.Contains(line, s) {
			return strings.TrimRight(line, "\n")
		}
	}
	return ""
}

// A unit account's unit may be named as an upload's unit cell may: by the
// short form 江北, which is no alias in the roster, or with full-width
// brackets and spaces.
func TestAccountAddUnitShortForm(t *testing.T) {
	e := newTestEnv(t)
	importRoster(t, e)
	e.mustRun("account", "add", "--name", "jiangbei", "--role", "unit", "--unit", "江北")
	e.mustRun("account", "add", "--name", "jiangbei2", "--role", "unit", "--unit", " 宁波市 江北区 ")

	st := openTestStore(t, e)
	for _, name := range []string{"jiangbei", "jiangbei2"} {
		if got := getAccount(t, st, name).Unit; got != "宁波市江北区" {
			t.Errorf("unit of %s = %q, want the roster name 宁波市江北区", name, got)
		}
	}
}

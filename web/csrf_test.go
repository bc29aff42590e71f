package web

import (
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"saima"
)

func TestCSRFSigner(t *testing.T) {
	cs := newCSRFSigner(testSecret)
	token := cs.token(scopeSession, "id-1")
	tests := []struct {
		name         string
		signer       *csrfSigner
		scope, id    string
		token        string
		wantAccepted bool
	}{
		{"OK", cs, scopeSession, "id-1", token, true},
		{"other session", cs, scopeSession, "id-2", token, false},
		{"other scope", cs, scopeLogin, "id-1", token, false},
		{"other secret", newCSRFSigner([]byte(strings.Repeat("z", 32))), scopeSession, "id-1", token, false},
		{"empty token", cs, scopeSession, "id-1", "", false},
		{"empty id", cs, scopeSession, "", cs.token(scopeSession, ""), false},
		{"truncated token", cs, scopeSession, "id-1", token[:len(token)-1], false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := tt.signer.valid(tt.scope, tt.id, tt.token); got != tt.wantAccepted {
				t.Errorf("valid(%q, %q, %q) = %v, want %v", tt.scope, tt.id, tt.token, got, tt.wantAccepted)
			}
		})
	}
	if cs.token(scopeSession, "id-1") == newCSRFSigner(testSecret[1:]).token(scopeSession, "id-1") {
		t.Error("token is the same under two secrets")
	}
}

// TestCSRFOnUpload posts a valid file with the office's session cookie and
// various CSRF tokens: only the session's own token writes anything. A
// request with an API token needs none.
func TestCSRFOnUpload(t *testing.T) {
	tests := []struct {
		name   string
		target string
		send   func(t *testing.T, env *testEnv, req *http.Request) (*http.Response, string)
		status int
	}{
		{"no token", "/api/uploads", func(t *testing.T, env *testEnv, req *http.Request) (*http.Response, string) {
			office := *env.as(t, "office")
			office.csrf = ""
			return office.do(t, req)
		}, http.StatusForbidden},
		{"another session's token", "/upload", func(t *testing.T, env *testEnv, req *http.Request) (*http.Response, string) {
			other := env.signIn(t, "office", testAccounts["office"].password)
			req.Header.Set(csrfHeader, other.csrf)
			return env.as(t, "office").do(t, req)
		}, http.StatusForbidden},
		{"login form token", "/api/uploads", func(t *testing.T, env *testEnv, req *http.Request) (*http.Response, string) {
			_, token := env.loginForm(t)
			req.Header.Set(csrfHeader, token)
			return env.as(t, "office").do(t, req)
		}, http.StatusForbidden},
		{"token in header", "/api/uploads", func(t *testing.T, env *testEnv, req *http.Request) (*http.Response, string) {
			return env.as(t, "office").do(t, req)
		}, http.StatusCreated},
		{"token in form field", "/upload", func(t *testing.T, env *testEnv, req *http.Request) (*http.Response, string) {
			office := env.as(t, "office")
			req = multipartRequest(t, "/upload", "进度.csv", []byte(goodProgress),
				map[string]string{"dataset": saima.DatasetProgress, csrfField: office.csrf})
			bare := *office
			bare.csrf = ""
			return bare.do(t, req)
		}, http.StatusCreated},
		{"api token without csrf", "/api/uploads", func(t *testing.T, env *testEnv, req *http.Request) (*http.Response, string) {
			return env.withToken().do(t, req)
		}, http.StatusCreated},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			env := newSeededEnv(t)
			req := multipartRequest(t, tt.target, "进度.csv", []byte(goodProgress), map[string]string{"dataset": saima.DatasetProgress})
			resp, body := tt.send(t, env, req)
			if resp.StatusCode != tt.status {
				t.Fatalf("POST %s status = %d, want %d; body:\n%s", tt.target, resp.StatusCode, tt.status, body)
			}
			want := "85.5"
			if tt.status == http.StatusCreated {
				want = "90"
			}
			assertLedgerPercent(t, env, "NB-2026-001", want)
			// A program calling the API learns which header carries the
			// token, and that an API token needs none.
			if tt.target == "/api/uploads" && tt.status == http.StatusForbidden {
				for _, want := range []string{"X-CSRF-Token", "Bearer"} {
					if !strings.Contains(body, want) {
						t.Errorf("POST %s 403 lacks %q:\n%s", tt.target, want, body)
					}
				}
			}
		})
	}
}

func TestCSRFTokenOnPages(t *testing.T) {
	env := newSeededEnv(t)
	office := env.as(t, "office")
	_, body := office.get(t, "/upload")
	if n := strings.Count(body, `name="csrf_token" value="`+office.csrf+`"`); n != 2 {
		t.Errorf("upload page has %d forms with the session's CSRF token, want 2 (upload and logout)", n)
	}
	_, body = env.withToken().get(t, "/")
	if strings.Contains(body, "csrf_token") {
		t.Error("page for an API token has a CSRF token, want none: the token has no session")
	}
}

// A CSRF token in the query string is never accepted, because URLs end up
// in access logs, proxy logs and the browser's history. The form body and
// the X-CSRF-Token header carry it.
func TestCSRFNotFromQuery(t *testing.T) {
	env := newSeededEnv(t)
	office := env.as(t, "office")
	bare := &client{env: env, session: office.session}
	query := "?" + url.Values{csrfField: {office.csrf}}.Encode()
	form := func(target string, values url.Values) *http.Request {
		req := httptest.NewRequest(http.MethodPost, target, strings.NewReader(values.Encode()))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		return req
	}
	tests := []struct {
		name string
		req  *http.Request
	}{
		{"upload", multipartRequest(t, "/api/uploads"+query, "进度.csv", []byte(goodProgress),
			map[string]string{"dataset": saima.DatasetProgress})},
		{"form", form("/leaders/confirm"+query, url.Values{"project_code": {"NB-2026-001"}, "half": {"2026H1"}})},
		{"logout", form("/logout"+query, nil)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			resp, body := bare.do(t, tt.req)
			if resp.StatusCode != http.StatusForbidden {
				t.Errorf("POST %s status = %d, want 403; body:\n%s", tt.req.URL, resp.StatusCode, body)
			}
		})
	}
	assertLedgerPercent(t, env, "NB-2026-001", "85.5")

	t.Run("login", func(t *testing.T) {
		nonce, token := env.loginForm(t)
		req := loginRequest(nonce, "", "office", testAccounts["office"].password, "/")
		req.URL.RawQuery = url.Values{csrfField: {token}}.Encode()
		if resp, _ := env.send(t, req); resp.StatusCode != http.StatusForbidden {
			t.Errorf("POST /login with the token in the query: status %d, want 403", resp.StatusCode)
		}
	})
	t.Run("logout from the form body", func(t *testing.T) {
		resp, _ := bare.do(t, form("/logout", url.Values{csrfField: {office.csrf}}))
		if resp.StatusCode != http.StatusSeeOther {
			t.Errorf("POST /logout with the token in the body: status %d, want 303", resp.StatusCode)
		}
	})
}

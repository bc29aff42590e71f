package web

import (
	"encoding/json"
	"errors"
	"fmt"
	"html"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/gofiber/fiber/v2"

	"saima"
)

func TestErrorHandler(t *testing.T) {
	env := newTestEnv(t, nil)
	secret := errors.New("dial tcp 10.0.0.8:9000: connection refused")
	tests := []struct {
		name       string
		err        error
		status     int
		message    string
		logged     bool // at warn or error level
		leaksCause bool
	}{
		{"invalid", saima.Errorf(saima.KindInvalid, "参数 %s 无效", imgName), 400, "参数 " + imgName + " 无效", false, false},
		{"not found", saima.Errorf(saima.KindNotFound, "单位名单中没有“%s”", scriptName), 404, "单位名单中没有“" + scriptName + "”", false, false},
		{"conflict", saima.Errorf(saima.KindConflict, "正在计分"), 409, "正在计分", false, false},
		{"forbidden", saima.Errorf(saima.KindForbidden, "无权上传其他单位的数据"), 403, "无权上传其他单位的数据", false, false},
		{"unavailable", saima.Wrap(saima.KindUnavailable, "数据库暂时无法访问，请稍后重试", secret), 503, "数据库暂时无法访问", true, false},
		{"internal", fmt.Errorf("list scores: %w", secret), 500, saima.ErrorMessage(nil), true, false},
		{"fiber not found", fiber.ErrNotFound, 404, "找不到该页面", false, false},
	}
	for _, tt := range tests {
		for _, api := range []bool{false, true} {
			name := tt.name + map[bool]string{false: " page", true: " api"}[api]
			t.Run(name, func(t *testing.T) {
				body, resp := runErrorHandler(t, env, api, tt.err)
				if resp.StatusCode != tt.status {
					t.Fatalf("status = %d, want %d", resp.StatusCode, tt.status)
				}
				msg := errorMessageOf(t, api, body)
				if !strings.Contains(msg, tt.message) {
					t.Errorf("message = %q, want it to contain %q", msg, tt.message)
				}
				if strings.Contains(body, "10.0.0.8") {
					t.Errorf("body leaks the cause: %s", body)
				}
				assertNoRawInjection(t, name, body)
			})
		}
	}
}

// runErrorHandler serves one request whose handler fails with err, on an
// app that uses the server's error handler.
func runErrorHandler(tb testing.TB, env *testEnv, api bool, err error) (string, *http.Response) {
	tb.Helper()
	app := fiber.New(fiber.Config{ErrorHandler: env.server.handleError, DisableStartupMessage: true})
	app.Get("/*", func(*fiber.Ctx) error { return err })
	target := "/page"
	if api {
		target = "/api/thing"
	}
	resp, testErr := app.Test(httptest.NewRequest(http.MethodGet, target, nil), -1)
	if testErr != nil {
		tb.Fatal(testErr)
	}
	defer resp.Body.Close()
	body, readErr := io.ReadAll(resp.Body)
	if readErr != nil {
		tb.Fatal(readErr)
	}
	return string(body), resp
}

func errorMessageOf(tb testing.TB, api bool, body string) string {
	tb.Helper()
	if !api {
		return html.UnescapeString(body)
	}
	var got errorBody
	if err := json.Unmarshal([]byte(body), &got); err != nil {
		tb.Fatalf("API error body is not JSON: %v\n%s", err, body)
	}
	return got.Error.Message
}

func TestErrorHandlerLogsOnce(t *testing.T) {
	tests := []struct {
		name  string
		err   error
		level string // "" means nothing at info or above
	}{
		{"internal", errors.New("scan scores: bad column"), "level=ERROR"},
		{"unavailable", saima.Wrap(saima.KindUnavailable, "数据库暂时无法访问", errors.New("refused")), "level=WARN"},
		{"invalid", saima.Errorf(saima.KindInvalid, "参数无效"), ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			env := newTestEnv(t, nil)
			runErrorHandler(t, env, true, tt.err)
			logs := env.logs.String()
			n := strings.Count(logs, "request failed")
			switch {
			case tt.level == "" && n != 0:
				t.Errorf("logged %d times, want not at all:\n%s", n, logs)
			case tt.level != "" && (n != 1 || !strings.Contains(logs, tt.level)):
				t.Errorf("logged %d times, want once at %s:\n%s", n, tt.level, logs)
			}
		})
	}
}

func TestStatusOf(t *testing.T) {
	tests := []struct {
		err  error
		want int
	}{
		{saima.Errorf(saima.KindInvalid, "x"), 400},
		{saima.Errorf(saima.KindNotFound, "x"), 404},
		{saima.Errorf(saima.KindConflict, "x"), 409},
		{saima.Errorf(saima.KindForbidden, "x"), 403},
		{fmt.Errorf("wrapped: %w", saima.Errorf(saima.KindUnavailable, "x")), 503},
		{errors.New("plain"), 500},
		{fiber.ErrRequestEntityTooLarge, 413},
	}
	for _, tt := range tests {
		if got := statusOf(tt.err); got != tt.want {
			t.Errorf("statusOf(%v) = %d, want %d", tt.err, got, tt.want)
		}
	}
}

// TestRequestTimeout sends the headers of an upload and only part of its
// body, as a slow link does. The server drops the request's headers when
// the read times out, so the 408 comes back as JSON, the form the upload
// page and programs read, and names the time limit and what to do.
func TestRequestTimeout(t *testing.T) {
	env := newTestEnv(t, func(c *Config) { c.ReadTimeout = time.Second })
	resp, body := sendRawTo(t, serve(t, env.server), "POST /api/uploads HTTP/1.1\r\n"+
		"Content-Type: multipart/form-data; boundary=x\r\nContent-Length: 1000\r\n\r\n--x\r\n", nil)
	if resp.StatusCode != http.StatusRequestTimeout {
		t.Fatalf("stalled upload status = %d, want 408; body:\n%s", resp.StatusCode, body)
	}
	var got errorBody
	if err := json.Unmarshal(body, &got); err != nil {
		t.Fatalf("stalled upload reply is not a JSON error: %v\n%s", err, body)
	}
	const want = "读取请求超过了 1 秒的时限"
	if !strings.Contains(got.Error.Message, want) || !strings.Contains(got.Error.Message, "分批上传") {
		t.Errorf("stalled upload message = %q, want %q and what to do", got.Error.Message, want)
	}
}

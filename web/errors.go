package web

import (
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"

	"saima"
)

// errorBody is the JSON shape of an API error.
type errorBody struct {
	Error errorDetail `json:"error"`
}

type errorDetail struct {
	Status  int    `json:"status"`
	Kind    string `json:"kind"`
	Message string `json:"message"`
}

// handleError is Fiber's error handler: it picks the status for err, logs
// what an operator must see, and replies in JSON under /api/ and as an
// HTML page elsewhere.
func (s *Server) handleError(c *fiber.Ctx, err error) error {
	return s.respondError(c, statusOf(err), err)
}

// respondError replies with status and err's user message.
func (s *Server) respondError(c *fiber.Ctx, status int, err error) error {
	s.logError(c, status, err)
	msg := s.userMessage(status, err)
	if allow := string(c.Response().Header.Peek(fiber.HeaderAllow)); status == http.StatusMethodNotAllowed && allow != "" {
		msg = "该地址不接受 " + c.Method() + " 请求，只接受 " + allow + " 请求，请改用 " + allow + " 后重试"
	}
	if n := c.Request().Header.ContentLength(); status == http.StatusRequestEntityTooLarge && n > 0 &&
		!errors.Is(err, errBodyTooLarge) {
		msg = "上传内容有 " + formatSize(int64(n)) + "，超过" + strings.TrimPrefix(msg, "上传内容超过")
	}

	// A 408 comes from the read timeout, which drops the request's headers,
	// path included, before this handler runs. A body that slow is nearly
	// always an upload, so the reply is the JSON that programs and the
	// upload page's script read.
	c.Status(status)
	if isAPI(c) || chunkedTooLarge(c, status) || status == http.StatusRequestTimeout {
		return c.JSON(errorBody{Error: errorDetail{
			Status:  status,
			Kind:    kindName(status, err),
			Message: msg,
		}})
	}
	page := errorPage{Status: status, Message: msg}
	var link *pageLinkError
	if errors.As(err, &link) {
		page.Link, page.LinkText = link.href, link.text
	}
	return s.render(c, "error.html", "出错了", "", page)
}

// chunkedTooLarge reports whether c is the 413 of a request sent without
// a length (chunked) that went over the body limit. The server stops
// reading such a request before its path is known, so the reply is JSON:
// only programs send chunked bodies, and browsers' forms give a length.
func chunkedTooLarge(c *fiber.Ctx, status int) bool {
	return status == http.StatusRequestEntityTooLarge && c.Request().Header.ContentLength() <= 0
}

// isAPI reports whether c's route replies in JSON, its errors included:
// the /api/ routes, the health check and the report jobs' status, which
// the page's script polls.
func isAPI(c *fiber.Ctx) bool {
	p := c.Path()
	return strings.HasPrefix(p, "/api/") || strings.HasPrefix(p, "/reports/jobs/") || p == "/healthz"
}

// errMediaType marks a request body whose Content-Type the route does not
// take. It wraps into a saima error of kind invalid, which carries the
// message, and maps to 415 instead of that kind's 400.
var errMediaType = errors.New("unsupported media type")

// statusOf maps err to an HTTP status: Fiber's own errors keep their code,
// and saima errors map by kind.
func statusOf(err error) int {
	if fe, ok := errors.AsType[*fiber.Error](err); ok {
		return fe.Code
	}
	if errors.Is(err, errMediaType) {
		return http.StatusUnsupportedMediaType
	}
	if errors.Is(err, errBodyTooLarge) {
		return http.StatusRequestEntityTooLarge
	}
	switch saima.ErrorKind(err) {
	case saima.KindInvalid:
		return http.StatusBadRequest
	case saima.KindNotFound:
		return http.StatusNotFound
	case saima.KindConflict:
		return http.StatusConflict
	case saima.KindForbidden:
		return http.StatusForbidden
	case saima.KindUnavailable:
		return http.StatusServiceUnavailable
	}
	return http.StatusInternalServerError
}

// kindName names the error's category in API replies.
func kindName(status int, err error) string {
	_, fiberError := errors.AsType[*fiber.Error](err)
	if fiberError || errors.Is(err, errMediaType) || errors.Is(err, errBodyTooLarge) {
		return strings.ToLower(http.StatusText(status))
	}
	return saima.ErrorKind(err).String()
}

// userMessage returns the Chinese message to show. Fiber's own errors carry
// English text, so they get a message chosen by status instead.
func (s *Server) userMessage(status int, err error) string {
	if _, ok := errors.AsType[*fiber.Error](err); !ok {
		return saima.ErrorMessage(err)
	}
	switch status {
	case http.StatusNotFound:
		return "找不到该页面，请检查地址是否正确"
	case http.StatusMethodNotAllowed:
		return "该地址不支持此请求方法"
	case http.StatusRequestEntityTooLarge:
		return fmt.Sprintf("上传内容超过 %s 的上限，请拆分文件后分批上传，或请改革办在服务器上用 saima import 命令导入（不受此上限限制）",
			formatBytes(s.cfg.BodyLimit))
	case http.StatusRequestTimeout:
		return fmt.Sprintf("读取请求超过了 %s的时限，请求未处理，没有写入任何数据。"+
			"网络较慢时，请拆分文件后分批上传，或请改革办在服务器上用 saima import 命令导入",
			formatDuration(s.cfg.ReadTimeout))
	case http.StatusRequestHeaderFieldsTooLarge:
		return "请求头过大"
	}
	if status >= 500 {
		return saima.ErrorMessage(nil)
	}
	return "请求无法处理，请检查后重试"
}

// logError logs server-side failures once, here. Client errors are logged
// at debug level only, because the reply already informs the client.
func (s *Server) logError(c *fiber.Ctx, status int, err error) {
	level := slog.LevelDebug
	switch {
	case status == http.StatusServiceUnavailable:
		level = slog.LevelWarn
	case status >= 500:
		level = slog.LevelError
	}
	s.log.Log(c.UserContext(), level, "request failed",
		"method", c.Method(), "path", c.Path(), "status", status, "err", err)
}

// formatDuration formats a time limit for a message, such as 1 分钟 or
// 30 秒.
func formatDuration(d time.Duration) string {
	if d >= time.Minute && d%time.Minute == 0 {
		return fmt.Sprintf("%d 分钟", d/time.Minute)
	}
	return strconv.FormatFloat(d.Seconds(), 'f', -1, 64) + " 秒"
}

// formatSize formats a request's size for a message, such as 35.6 MB.
func formatSize(n int64) string {
	if n < 1<<20 {
		return fmt.Sprintf("%d 字节", n)
	}
	return fmt.Sprintf("%.1f MB", float64(n)/(1<<20))
}

func formatBytes(n int) string {
	if n >= 1<<20 && n%(1<<20) == 0 {
		return fmt.Sprintf("%d MB", n>>20)
	}
	return fmt.Sprintf("%d 字节", n)
}

// paramLabels are the Chinese names of the query parameters. A leader who
// follows a link reaches the error page without having typed the parameter.
var paramLabels = map[string]string{
	"batch": "批次", "dataset": "数据类型", "days": "天数", "dry_run": "预检",
	"encoding": "文字编码", "gap": "差距", "half": "半年", "level": "层级",
	"list": "榜单", "month": "月份", "open": "是否未办结", "outcome": "结果",
	"overdue": "是否逾期", "overdue_days": "逾期天数", "page": "页码",
	"period": "考评期间", "stage": "阶段", "status": "状态", "unit": "单位",
}

// invalidParam returns an error of kind invalid for a bad query parameter.
// The message names the parameter by its Chinese label and by its key, so a
// user who edits the link can find it.
func invalidParam(name, value, want string) error {
	if label, ok := paramLabels[name]; ok {
		return saima.Errorf(saima.KindInvalid, "%s（参数 %s）的值“%s”无效：%s", label, name, value, want)
	}
	return saima.Errorf(saima.KindInvalid, "参数 %s 的值“%s”无效：%s", name, value, want)
}

// errorPage is the data of error.html.
type errorPage struct {
	Status   int
	Message  string
	Link     string // a page that the message points to, or ""
	LinkText string
}

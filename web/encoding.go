package web

import (
	"bytes"
	"compress/gzip"
	"compress/zlib"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/andybalholm/brotli"
	"github.com/gofiber/fiber/v2"

	"saima"
)

// errBodyTooLarge marks a request body that is over the body limit once
// decoded. Like errMediaType, it wraps into a saima error that carries the
// message, and maps to 413.
var errBodyTooLarge = errors.New("decoded body over the limit")

// decodeBody decodes a body sent with Content-Encoding gzip, deflate or
// br, up to Config.BodyLimit, before any handler or form reader sees it,
// and removes the header. The body limit applies to the bytes on the wire,
// and Fiber and fasthttp decode without a limit, so a few hundred
// kilobytes of gzip could expand to gigabytes in memory, on any route,
// the public sign-in form included. Another coding gets 415.
func (s *Server) decodeBody(c *fiber.Ctx) error {
	header := c.Get(fiber.HeaderContentEncoding)
	if header == "" {
		return c.Next()
	}
	body := c.Request().Body()
	if len(body) == 0 {
		c.Request().Header.Del(fiber.HeaderContentEncoding)
		return c.Next()
	}

	codings := strings.Split(header, ",")
	// The codings are listed in the order they were applied (RFC 9110,
	// section 8.4), so the last one is undone first.
	for i := len(codings) - 1; i >= 0; i-- {
		coding := strings.ToLower(strings.TrimSpace(codings[i]))
		if coding == "identity" {
			continue
		}
		decoded, err := s.decode(coding, body)
		if err != nil {
			return err
		}
		body = decoded
	}
	c.Request().Header.Del(fiber.HeaderContentEncoding)
	c.Request().SetBodyRaw(body)
	return c.Next()
}

// decode undoes one content coding of body, reading at most the body
// limit.
func (s *Server) decode(coding string, body []byte) ([]byte, error) {
	var r io.Reader
	var err error
	switch coding {
	case "gzip", "x-gzip":
		r, err = gzip.NewReader(bytes.NewReader(body))
	case "deflate":
		r, err = zlib.NewReader(bytes.NewReader(body))
	case "br":
		r = brotli.NewReader(bytes.NewReader(body))
	default:
		return nil, saima.Wrap(saima.KindInvalid, fmt.Sprintf("不支持请求的 Content-Encoding“%s”；"+
			"请不压缩直接提交，或改用 gzip、deflate、br 之一", shortHeader(coding)), errMediaType)
	}

	var out []byte
	if err == nil {
		out, err = io.ReadAll(io.LimitReader(r, int64(s.cfg.BodyLimit)+1))
	}
	if err != nil {
		return nil, saima.Wrap(saima.KindInvalid, fmt.Sprintf("请求内容无法按 Content-Encoding“%s”解压，"+
			"可能已损坏或与该请求头不符；请检查压缩方式后重新提交，或不压缩直接提交", coding), err)
	}
	if len(out) > s.cfg.BodyLimit {
		return nil, saima.Wrap(saima.KindInvalid, fmt.Sprintf("上传内容解压后超过 %s 的上限（压缩后 %s），"+
			"请拆分文件后分批上传，或请改革办在服务器上用 saima import 命令导入（不受此上限限制）",
			formatBytes(s.cfg.BodyLimit), formatSize(int64(len(body)))), errBodyTooLarge)
	}
	return out, nil
}

package web

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"mime"
	"mime/multipart"
	"strings"

	"github.com/gofiber/fiber/v2"

	"saima"
)

// maxFormField caps the bytes kept of a text field of an upload form. The
// fields are short choices (dataset, sheet, encoding, the CSRF token), so
// a longer value is cut and then fails the field's own check.
const maxFormField = 4 << 10

// uploadFormLocal is the key of the parsed upload form in a request's
// locals, so that the CSRF check and the handler read the body once.
const uploadFormLocal = "saima.uploadForm"

// multipartUpload is an upload form read straight from the request body,
// which the server keeps in memory up to its body limit. Fiber's own
// multipart reader copies a large file part into a buffer and then into
// a temporary file before the handler runs. This one gives the import a
// reader over the part in place.
type multipartUpload struct {
	body     []byte
	boundary string
	fields   map[string]string // the first value of each text field
	file     int               // the index of the part that holds the file, or -1
	fileName string
	size     int64 // the file's size in bytes
}

// uploadFormOf returns the multipart form of c, parsed once per request.
// A request that is not multipart/form-data, or whose form cannot be
// read, gets a KindInvalid error whose message explains how to send it.
func uploadFormOf(c *fiber.Ctx) (*multipartUpload, error) {
	if f, ok := c.Locals(uploadFormLocal).(*multipartUpload); ok {
		return f, nil
	}
	params, err := multipartParams(c.Get(fiber.HeaderContentType))
	if err != nil {
		return nil, err
	}
	// decodeBody has already decoded a compressed body, so it is read in
	// place.
	body := c.Request().Body()
	f := &multipartUpload{body: body, boundary: params["boundary"], fields: map[string]string{}, file: -1}
	if err := f.scan(); err != nil {
		if de, ok := errors.AsType[*dispositionError](err); ok {
			return nil, saima.Wrap(saima.KindInvalid, "上传表单中一个部分的 Content-Disposition 头“"+shortHeader(de.header)+
				"”无法解析，通常是因为文件名含有双引号；文件名中的双引号须写成 %22，或请把文件改名后重新上传", err)
		}
		return nil, saima.Wrap(saima.KindInvalid, "上传的表单不完整或格式有误（可能在传输中断开），请重新上传", err)
	}
	c.Locals(uploadFormLocal, f)
	return f, nil
}

// multipartParams returns the parameters of a multipart/form-data
// Content-Type. Another media type is an error that maps to 415, and a
// type that cannot be parsed or lacks its boundary one of kind invalid.
func multipartParams(contentType string) (map[string]string, error) {
	mediaType, params, err := mime.ParseMediaType(contentType)
	switch {
	case contentType == "":
		return nil, saima.Wrap(saima.KindInvalid, "请求没有 Content-Type；请以 multipart/form-data 方式上传文件"+
			"（如 curl -F file=@进度.csv），JSON 数据请提交到 /api/batches/{数据类型}", errMediaType)
	case err != nil:
		return nil, saima.Wrap(saima.KindInvalid, "请求的 Content-Type“"+shortHeader(contentType)+
			"”无法解析；请以 multipart/form-data 方式上传文件（如 curl -F file=@进度.csv）", err)
	case mediaType != fiber.MIMEMultipartForm:
		return nil, saima.Wrap(saima.KindInvalid, "请求的 Content-Type 是“"+mediaType+"”，不是 multipart/form-data；"+
			"请以 multipart/form-data 方式上传文件（如 curl -F file=@进度.csv），JSON 数据请提交到 /api/batches/{数据类型}",
			errMediaType)
	case params["boundary"] == "":
		return nil, saima.Wrap(saima.KindInvalid, "请求的 Content-Type 是 multipart/form-data，但缺少 boundary 参数，"+
			"无法读取表单；请用 curl -F 或浏览器的表单上传，由它们生成 boundary", errors.New("multipart without boundary"))
	}
	return params, nil
}

// scan reads every part once: it keeps the text fields and finds the file.
func (f *multipartUpload) scan() error {
	r := multipart.NewReader(bytes.NewReader(f.body), f.boundary)
	for i := 0; ; i++ {
		part, err := r.NextPart()
		if err == io.EOF {
			return nil
		} else if err != nil {
			return fmt.Errorf("read part %d: %w", i+1, err)
		}
		name := part.FormName()
		if name == "" {
			if err := checkDisposition(part.Header.Get("Content-Disposition")); err != nil {
				return err
			}
		}
		switch {
		case name == "file" && part.FileName() != "" && f.file < 0:
			n, err := io.Copy(io.Discard, part)
			if err != nil {
				return fmt.Errorf("read file part: %w", err)
			}
			f.file, f.fileName, f.size = i, part.FileName(), n
		case part.FileName() == "" && name != "":
			var b strings.Builder
			if _, err := io.Copy(&b, io.LimitReader(part, maxFormField)); err != nil {
				return fmt.Errorf("read field %s: %w", name, err)
			}
			if _, seen := f.fields[name]; !seen {
				f.fields[name] = b.String()
			}
		}
	}
}

// dispositionError is a part's Content-Disposition header that cannot be
// parsed, most often a file name with a raw double quote, which browsers
// send as %22 but hand-written clients may not.
type dispositionError struct {
	header string
	err    error
}

func (e *dispositionError) Error() string {
	return fmt.Sprintf("parse Content-Disposition %q: %v", e.header, e.err)
}

func (e *dispositionError) Unwrap() error { return e.err }

// checkDisposition returns a *dispositionError when header is set but
// cannot be parsed. Such a part has no name, so without this check a file
// part would be passed over and the form reported as having no file.
func checkDisposition(header string) error {
	if header == "" {
		return nil
	}
	if _, _, err := mime.ParseMediaType(header); err != nil {
		return &dispositionError{header: header, err: err}
	}
	return nil
}

// value returns the text field name, or "" when the form has none.
func (f *multipartUpload) value(name string) string { return f.fields[name] }

// openFile returns a reader over the file's bytes, or errNoFile when the
// form has no file.
func (f *multipartUpload) openFile() (io.Reader, error) {
	if f.file < 0 {
		return nil, errNoFile
	}
	r := multipart.NewReader(bytes.NewReader(f.body), f.boundary)
	for i := 0; ; i++ {
		part, err := r.NextPart()
		if err != nil {
			// scan read the same bytes without an error.
			return nil, fmt.Errorf("reopen file part: %w", err)
		}
		if i == f.file {
			return part, nil
		}
	}
}

var errNoFile = errors.New("the form has no file part")

// shortHeader returns h cut to 200 characters, so that a message does not
// repeat a long header whole.
func shortHeader(h string) string {
	if r := []rune(h); len(r) > 200 {
		return string(r[:200]) + "…"
	}
	return h
}

// isMultipart reports whether c carries a multipart/form-data body.
func isMultipart(c *fiber.Ctx) bool {
	mediaType, _, err := mime.ParseMediaType(c.Get(fiber.HeaderContentType))
	return err == nil && mediaType == fiber.MIMEMultipartForm
}

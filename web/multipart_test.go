package web

import (
	"bytes"
	"compress/gzip"
	"crypto/sha256"
	"encoding/json"
	"fmt"
	"io"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"net/textproto"
	"strings"
	"testing"

	"saima"
)

// formPart is one part of a hand-made multipart form: a file when
// fileName is set, else a text field.
type formPart struct{ name, fileName, content string }

// rawForm returns the body and content type of a form of parts, in order.
func rawForm(tb testing.TB, parts ...formPart) ([]byte, string) {
	tb.Helper()
	var b bytes.Buffer
	w := multipart.NewWriter(&b)
	for _, p := range parts {
		var err error
		if p.fileName != "" {
			var fw io.Writer
			if fw, err = w.CreateFormFile(p.name, p.fileName); err == nil {
				_, err = fw.Write([]byte(p.content))
			}
		} else {
			err = w.WriteField(p.name, p.content)
		}
		if err != nil {
			tb.Fatal(err)
		}
	}
	if err := w.Close(); err != nil {
		tb.Fatal(err)
	}
	return b.Bytes(), w.FormDataContentType()
}

func gzipped(tb testing.TB, data []byte) []byte {
	tb.Helper()
	var b bytes.Buffer
	zw := gzip.NewWriter(&b)
	zw.Write(data)
	if err := zw.Close(); err != nil {
		tb.Fatal(err)
	}
	return b.Bytes()
}

// TestUploadFormParts sends upload forms built by hand: fields in any
// order, compressed bodies, forms that cannot be read, and forms without
// a file. The upload handlers read the form themselves, in place, so each
// of these must come out as Fiber's own form reader would have it.
func TestUploadFormParts(t *testing.T) {
	file := formPart{"file", "进度.csv", goodProgress}
	dataset := formPart{"dataset", "", saima.DatasetProgress}
	other := strings.Replace(goodProgress, "90%", "70%", 1)
	tests := []struct {
		name        string
		target      string
		body        func(t *testing.T) ([]byte, string)
		encoding    string
		status      int
		wantPercent string // NB-2026-001's percent in the ledger afterwards
		wantMessage string // part of the error message, for a rejected request
	}{
		{"dataset before the file", "/api/uploads", func(t *testing.T) ([]byte, string) {
			return rawForm(t, dataset, file)
		}, "", http.StatusCreated, "90", ""},
		{"dry run after the file", "/api/uploads", func(t *testing.T) ([]byte, string) {
			return rawForm(t, file, formPart{"dry_run", "", "1"}, dataset)
		}, "", http.StatusOK, "85.5", ""},
		{"the first file wins", "/api/uploads", func(t *testing.T) ([]byte, string) {
			return rawForm(t, file, formPart{"file", "第二个.csv", other})
		}, "", http.StatusCreated, "90", ""},
		{"a field in the query string wins", "/api/uploads?dataset=nonsense", func(t *testing.T) ([]byte, string) {
			return rawForm(t, dataset, file)
		}, "", http.StatusBadRequest, "85.5", "dataset"},
		{"gzip-encoded form", "/api/uploads", func(t *testing.T) ([]byte, string) {
			body, ct := rawForm(t, dataset, file)
			return gzipped(t, body), ct
		}, "gzip", http.StatusCreated, "90", ""},
		{"no file", "/api/uploads", func(t *testing.T) ([]byte, string) {
			return rawForm(t, dataset)
		}, "", http.StatusBadRequest, "85.5", "请选择要上传的文件"},
		{"a file part without a file name", "/api/uploads", func(t *testing.T) ([]byte, string) {
			return rawForm(t, formPart{"file", "", goodProgress})
		}, "", http.StatusBadRequest, "85.5", "请选择要上传的文件"},
		{"a file name with a raw quote", "/api/uploads", func(t *testing.T) ([]byte, string) {
			var b bytes.Buffer
			w := multipart.NewWriter(&b)
			h := textproto.MIMEHeader{}
			h.Set("Content-Disposition", `form-data; name="file"; filename="a"b.csv"`)
			fw, err := w.CreatePart(h)
			if err != nil {
				t.Fatal(err)
			}
			fw.Write([]byte(goodProgress))
			w.Close()
			return b.Bytes(), w.FormDataContentType()
		}, "", http.StatusBadRequest, "85.5", `文件名中的双引号须写成 %22`},
		{"not a form", "/api/uploads", func(t *testing.T) ([]byte, string) {
			return []byte(goodProgress), "text/csv"
		}, "", http.StatusUnsupportedMediaType, "85.5", "请求的 Content-Type 是“text/csv”，不是 multipart/form-data"},
		{"form cut off", "/api/uploads", func(t *testing.T) ([]byte, string) {
			body, ct := rawForm(t, dataset, file)
			return body[:len(body)-40], ct
		}, "", http.StatusBadRequest, "85.5", "上传的表单不完整或格式有误"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			env := newSeededEnv(t)
			body, contentType := tt.body(t)
			req := httptest.NewRequest(http.MethodPost, tt.target, bytes.NewReader(body))
			req.Header.Set("Content-Type", contentType)
			if tt.encoding != "" {
				req.Header.Set("Content-Encoding", tt.encoding)
			}
			resp, got := env.do(t, req)
			if resp.StatusCode != tt.status {
				t.Fatalf("POST %s status = %d, want %d; body:\n%s", tt.target, resp.StatusCode, tt.status, got)
			}
			if tt.wantMessage != "" && !strings.Contains(got, tt.wantMessage) {
				t.Errorf("body = %s, want it to mention %q", got, tt.wantMessage)
			}
			if tt.status == http.StatusCreated {
				var reply uploadJSON
				if err := json.Unmarshal([]byte(got), &reply); err != nil {
					t.Fatalf("decode: %v\n%s", err, got)
				}
				if reply.Upload == nil || reply.Upload.FileName != "进度.csv" || reply.Upload.SHA256 != fmt.Sprintf("%x", sha256.Sum256([]byte(goodProgress))) {
					t.Errorf("upload = %+v, want 进度.csv with its SHA-256", reply.Upload)
				}
			}
			assertLedgerPercent(t, env, "NB-2026-001", tt.wantPercent)
		})
	}
}

// The upload page's form carries its CSRF token as a field, which may
// follow the file.
func TestUploadPageTokenAfterFile(t *testing.T) {
	env := newSeededEnv(t)
	office := env.as(t, "office")
	body, contentType := rawForm(t, formPart{"file", "进度.csv", goodProgress},
		formPart{"dataset", "", saima.DatasetProgress}, formPart{csrfField, "", office.csrf})
	req := httptest.NewRequest(http.MethodPost, "/upload", bytes.NewReader(body))
	req.Header.Set("Content-Type", contentType)
	bare := *office
	bare.csrf = ""
	resp, got := bare.do(t, req)
	if resp.StatusCode != http.StatusCreated {
		t.Fatalf("POST /upload status = %d, want 201; body:\n%s", resp.StatusCode, got)
	}
	assertLedgerPercent(t, env, "NB-2026-001", "90")
}

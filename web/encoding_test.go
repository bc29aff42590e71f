package web

import (
	"bytes"
	"compress/zlib"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/andybalholm/brotli"
)

// TestCompressedBodyLimit sends bodies that are small on the wire and
// expand past the body limit once decoded. The server must stop at the
// limit with 413 instead of decoding all of it into memory, also on the
// sign-in form, which anyone may post to.
func TestCompressedBodyLimit(t *testing.T) {
	form := "--x\r\nContent-Disposition: form-data; name=\"name\"\r\n\r\n" + strings.Repeat("a", 2<<20) + "\r\n--x--\r\n"
	batch := "[" + strings.Repeat(" ", 2<<20) + "]"
	tests := []struct {
		name, target, contentType string
		body                      []byte
		api                       bool
	}{
		{"LoginForm", "/login", "multipart/form-data; boundary=x", gzipped(t, []byte(form)), false},
		{"Batch", "/api/batches/progress?dry_run=1", "application/json", gzipped(t, []byte(batch)), true},
		{"UploadForm", "/api/uploads?dry_run=1", "multipart/form-data; boundary=x", gzipped(t, []byte(form)), true},
	}
	env := newTestEnv(t, func(c *Config) { c.BodyLimit = 1 << 20 })
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if len(tt.body) >= 1<<20 {
				t.Fatalf("compressed body has %d bytes, want it under the limit", len(tt.body))
			}
			req := httptest.NewRequest(http.MethodPost, tt.target, bytes.NewReader(tt.body))
			req.Header.Set("Content-Type", tt.contentType)
			req.Header.Set("Content-Encoding", "gzip")
			resp, body := env.withToken().do(t, req)
			if resp.StatusCode != http.StatusRequestEntityTooLarge {
				t.Fatalf("POST %s status = %d, want 413; body:\n%.500s", tt.target, resp.StatusCode, body)
			}
			const want = "解压后超过 1 MB 的上限"
			if !strings.Contains(body, want) {
				t.Errorf("POST %s body = %.500s, want %q", tt.target, body, want)
			}
			if tt.api && !strings.HasPrefix(resp.Header.Get("Content-Type"), "application/json") {
				t.Errorf("POST %s Content-Type = %q, want JSON", tt.target, resp.Header.Get("Content-Type"))
			}
		})
	}
}

// TestCompressedBatch checks that a batch sent with each supported
// Content-Encoding is decoded and read, and that an unknown encoding gets
// 415.
func TestCompressedBatch(t *testing.T) {
	batch := []byte(`[{"单位": "宁波市海曙区", "项目编号": "NB-2026-001", "填报期间": "2026Q3", "完成率": "90%"}]`)
	var deflated, brotlied bytes.Buffer
	zw := zlib.NewWriter(&deflated)
	zw.Write(batch)
	zw.Close()
	bw := brotli.NewWriter(&brotlied)
	bw.Write(batch)
	bw.Close()
	tests := []struct {
		name, encoding string
		body           []byte
		status         int
	}{
		{"Gzip", "gzip", gzipped(t, batch), http.StatusOK},
		{"Deflate", "deflate", deflated.Bytes(), http.StatusOK},
		{"Brotli", "br", brotlied.Bytes(), http.StatusOK},
		{"Identity", "identity", batch, http.StatusOK},
		{"Unknown", "compress", batch, http.StatusUnsupportedMediaType},
		{"BrokenGzip", "gzip", batch, http.StatusBadRequest},
	}
	env := newSeededEnv(t)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			req := httptest.NewRequest(http.MethodPost, "/api/batches/progress?dry_run=1", bytes.NewReader(tt.body))
			req.Header.Set("Content-Type", "application/json")
			req.Header.Set("Content-Encoding", tt.encoding)
			resp, body := env.withToken().do(t, req)
			if resp.StatusCode != tt.status {
				t.Fatalf("POST batch as %s status = %d, want %d; body:\n%s", tt.encoding, resp.StatusCode, tt.status, body)
			}
			if tt.status != http.StatusOK {
				var got errorBody
				if err := json.Unmarshal([]byte(body), &got); err != nil || !strings.Contains(got.Error.Message, "Content-Encoding") {
					t.Errorf("POST batch as %s body = %s, want a JSON error naming Content-Encoding", tt.encoding, body)
				}
				return
			}
			var got uploadJSON
			if err := json.Unmarshal([]byte(body), &got); err != nil {
				t.Fatalf("decode: %v\n%s", err, body)
			}
			if got.Rows != 1 || len(got.Errors) != 0 {
				t.Errorf("POST batch as %s read %d rows with errors %v, want 1 row and none", tt.encoding, got.Rows, got.Errors)
			}
		})
	}
}

// TestCompressedEmptyBody checks that a request without a body passes,
// whatever Content-Encoding it names: there is nothing to decode.
func TestCompressedEmptyBody(t *testing.T) {
	env := newTestEnv(t, nil)
	req := httptest.NewRequest(http.MethodGet, "/healthz", nil)
	req.Header.Set("Content-Encoding", "gzip")
	if resp, body := env.anonymous().do(t, req); resp.StatusCode != http.StatusOK {
		t.Errorf("GET /healthz with Content-Encoding gzip = %d %s, want 200", resp.StatusCode, body)
	}
}

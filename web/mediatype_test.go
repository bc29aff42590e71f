package web

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

// TestUploadMediaType checks that a body of the wrong media type gets
// 415, with a JSON error that names the type sent and the one to use,
// and that nothing is written.
func TestUploadMediaType(t *testing.T) {
	batch := `[{"单位": "宁波市海曙区", "项目编号": "NB-2026-001", "填报期间": "2026Q3", "完成率": "90%"}]`
	tests := []struct {
		name, target, contentType, body string
		want                            []string
	}{
		{"BatchTextPlain", "/api/batches/progress", "text/plain", batch,
			[]string{"“text/plain”", "Content-Type: application/json"}},
		{"BatchFormEncoded", "/api/batches/progress", "application/x-www-form-urlencoded", batch,
			[]string{"“application/x-www-form-urlencoded”", "Content-Type: application/json"}},
		{"BatchNoType", "/api/batches/progress", "", batch,
			[]string{"没有 Content-Type", "Content-Type: application/json"}},
		{"UploadJSON", "/api/uploads", "application/json", batch,
			[]string{"“application/json”", "multipart/form-data", "/api/batches/"}},
		{"JobJSON", "/api/uploads/jobs", "application/json", batch,
			[]string{"“application/json”", "multipart/form-data"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			env := newSeededEnv(t)
			req := httptest.NewRequest(http.MethodPost, tt.target, strings.NewReader(tt.body))
			if tt.contentType != "" {
				req.Header.Set("Content-Type", tt.contentType)
			}
			resp, body := env.withToken().do(t, req)
			if resp.StatusCode != http.StatusUnsupportedMediaType {
				t.Fatalf("POST %s as %q status = %d, want 415; body:\n%s", tt.target, tt.contentType, resp.StatusCode, body)
			}
			var got errorBody
			if err := json.Unmarshal([]byte(body), &got); err != nil {
				t.Fatalf("POST %s reply is not a JSON error: %v\n%s", tt.target, err, body)
			}
			if got.Error.Kind != "unsupported media type" {
				t.Errorf("POST %s kind = %q, want unsupported media type", tt.target, got.Error.Kind)
			}
			for _, w := range tt.want {
				if !strings.Contains(got.Error.Message, w) {
					t.Errorf("POST %s message = %q, want it to contain %q", tt.target, got.Error.Message, w)
				}
			}
			assertLedgerPercent(t, env, "NB-2026-001", "85.5")
		})
	}
}

// TestUploadNoBoundary checks that a multipart body without a boundary,
// which no form can be read from, gets 400 naming what is missing.
func TestUploadNoBoundary(t *testing.T) {
	env := newSeededEnv(t)
	req := httptest.NewRequest(http.MethodPost, "/api/uploads", strings.NewReader(goodProgress))
	req.Header.Set("Content-Type", "multipart/form-data")
	resp, body := env.withToken().do(t, req)
	if resp.StatusCode != http.StatusBadRequest || !strings.Contains(body, "boundary") {
		t.Errorf("POST multipart without boundary = %d %s, want 400 naming the boundary", resp.StatusCode, body)
	}
}

// TestBatchAPIJSONTypes checks that the JSON media types a program may
// send are taken, parameters and case included.
func TestBatchAPIJSONTypes(t *testing.T) {
	batch := `[{"单位": "宁波市海曙区", "项目编号": "NB-2026-001", "填报期间": "2026Q3", "完成率": "90%"}]`
	for _, ct := range []string{"application/json; charset=utf-8", "Application/JSON", "application/vnd.saima+json"} {
		t.Run(ct, func(t *testing.T) {
			env := newSeededEnv(t)
			req := httptest.NewRequest(http.MethodPost, "/api/batches/progress?dry_run=1", strings.NewReader(batch))
			req.Header.Set("Content-Type", ct)
			resp, body := env.withToken().do(t, req)
			if resp.StatusCode != http.StatusOK {
				t.Errorf("POST as %q status = %d, want 200; body:\n%s", ct, resp.StatusCode, body)
			}
		})
	}
}

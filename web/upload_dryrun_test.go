package web

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"

	"saima"
)

func TestUploadAPIDryRunFormField(t *testing.T) {
	env := newSeededEnv(t)
	req := multipartRequest(t, "/api/uploads", "进度.csv", []byte(goodProgress),
		map[string]string{"dataset": saima.DatasetProgress, "dry_run": "1"})
	resp, body := env.do(t, req)
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("POST with the dry_run form field: status %d, want 200; body:\n%s", resp.StatusCode, body)
	}
	var got uploadJSON
	if err := json.Unmarshal([]byte(body), &got); err != nil {
		t.Fatalf("decode: %v\n%s", err, body)
	}
	if !got.DryRun {
		t.Error("dry_run sent as a form field was ignored")
	}
	assertLedgerPercent(t, env, "NB-2026-001", "85.5")
}

// TestDryRunParam checks that a dry_run value that is neither yes nor no
// is rejected before anything is written, on every upload route. An
// import taken as real when the sender asked for a preview would change
// the ledger.
func TestDryRunParam(t *testing.T) {
	batch := `[{"单位": "宁波市海曙区", "项目编号": "NB-2026-001", "填报期间": "2026Q3", "完成率": "90%"}]`
	multipart := func(target string, fields map[string]string) *http.Request {
		return multipartRequest(t, target, "进度.csv", []byte(goodProgress), fields)
	}
	tests := []struct {
		name   string
		req    *http.Request
		status int
	}{
		{"UploadQueryYes", multipart("/api/uploads?dry_run=yes", nil), http.StatusBadRequest},
		{"UploadFieldOn", multipart("/api/uploads", map[string]string{"dry_run": "on"}), http.StatusBadRequest},
		{"UploadQueryUpperTrue", multipart("/api/uploads?dry_run=TRUE", nil), http.StatusOK},
		{"JobsQueryYes", multipart("/api/uploads/jobs?dry_run=yes", nil), http.StatusBadRequest},
		{"BatchQueryYes", jsonRequest("/api/batches/progress?dry_run=yes", batch), http.StatusBadRequest},
		{"BatchQueryUpperTrue", jsonRequest("/api/batches/progress?dry_run=True", batch), http.StatusOK},
		{"BatchQueryZero", jsonRequest("/api/batches/progress?dry_run=0", batch), http.StatusCreated},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			env := newSeededEnv(t)
			resp, body := env.as(t, "office").do(t, tt.req)
			if resp.StatusCode != tt.status {
				t.Fatalf("POST %s status = %d, want %d; body:\n%s", tt.req.URL, resp.StatusCode, tt.status, body)
			}
			if tt.status == http.StatusCreated {
				return
			}
			if tt.status == http.StatusBadRequest && !strings.Contains(body, "预检（参数 dry_run）的值") {
				t.Errorf("POST %s body = %s, want it to name the parameter dry_run", tt.req.URL, body)
			}
			assertLedgerPercent(t, env, "NB-2026-001", "85.5")
		})
	}
}

// TestUploadUnknownDataset checks that the 400 for an unknown dataset
// lists every dataset the upload takes, the later ones included.
func TestUploadUnknownDataset(t *testing.T) {
	env := newSeededEnv(t)
	req := multipartRequest(t, "/api/uploads?dry_run=1", "进度.csv", []byte(goodProgress),
		map[string]string{"dataset": "budgets"})
	resp, body := env.withToken().do(t, req)
	if resp.StatusCode != http.StatusBadRequest {
		t.Fatalf("POST dataset=budgets status = %d, want 400; body:\n%s", resp.StatusCode, body)
	}
	for _, d := range datasetNames {
		if !strings.Contains(body, d.ID) {
			t.Errorf("POST dataset=budgets body = %s, want it to list %s", body, d.ID)
		}
	}
}

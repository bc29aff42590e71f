package web

import (
	"encoding/json"
	"net/http"
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

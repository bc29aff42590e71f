package web

import (
	"context"
	"encoding/json"
	"net"
	"net/http"
	"testing"
	"time"

	"saima"
	"saima/ingest"
)

// waitForUploadJob polls a job as cl until it is done.
func waitForUploadJob(tb testing.TB, cl *client, statusURL string) uploadJobJSON {
	tb.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for {
		resp, body := cl.get(tb, statusURL)
		if resp.StatusCode != http.StatusOK {
			tb.Fatalf("GET %s status = %d, want 200; body:\n%s", statusURL, resp.StatusCode, body)
		}
		var job uploadJobJSON
		if err := json.Unmarshal([]byte(body), &job); err != nil {
			tb.Fatalf("decode job: %v\n%s", err, body)
		}
		if job.State == "done" {
			return job
		}
		if time.Now().After(deadline) {
			tb.Fatalf("job %s still %s after 30 s: %+v", job.ID, job.State, job)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

func TestUploadJobs(t *testing.T) {
	tests := []struct {
		name        string
		target      string
		file        string
		wantStatus  int
		wantRows    int
		wantErrors  int
		wantPercent string // NB-2026-001's percent in the ledger afterwards
	}{
		{"import", "/api/uploads/jobs", goodProgress, http.StatusCreated, 1, 0, "90"},
		{"dry run", "/api/uploads/jobs?dry_run=1", goodProgress, http.StatusOK, 1, 0, "85.5"},
		{"rejected file", "/api/uploads/jobs", badProgress, http.StatusUnprocessableEntity, 2, 2, "85.5"},
		// Rejected before a row is read: the counters still end at the result's.
		{"xls workbook", "/api/uploads/jobs", "\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1 an old workbook",
			http.StatusUnprocessableEntity, 0, 1, "85.5"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			env := newSeededEnv(t)
			office := env.as(t, "office")
			req := multipartRequest(t, tt.target, "进度.csv", []byte(tt.file), map[string]string{"dataset": saima.DatasetProgress})
			resp, body := office.do(t, req)
			if resp.StatusCode != http.StatusAccepted {
				t.Fatalf("POST %s status = %d, want 202; body:\n%s", tt.target, resp.StatusCode, body)
			}
			var started uploadJobJSON
			if err := json.Unmarshal([]byte(body), &started); err != nil {
				t.Fatalf("decode: %v\n%s", err, body)
			}
			if started.ID == "" || resp.Header.Get("Location") != started.StatusURL || started.FileName != "进度.csv" {
				t.Fatalf("job = %+v with Location %q, want an id, its status URL and the file name", started, resp.Header.Get("Location"))
			}

			job := waitForUploadJob(t, office, started.StatusURL)
			if job.Status != tt.wantStatus || job.Result == nil || len(job.Result.Errors) != tt.wantErrors {
				t.Fatalf("job = %+v, want status %d with %d errors", job, tt.wantStatus, tt.wantErrors)
			}
			if job.Rows != tt.wantRows || job.BytesRead != int64(len(tt.file)) ||
				job.BytesTotal != int64(len(tt.file)) {
				t.Errorf("progress rows, bytes = %d, %d of %d, want every row and byte of the file", job.Rows, job.BytesRead, job.BytesTotal)
			}
			if job.Errors != tt.wantErrors {
				t.Errorf("progress errors = %d, want %d", job.Errors, tt.wantErrors)
			}
			assertLedgerPercent(t, env, "NB-2026-001", tt.wantPercent)
			assertNoRawInjection(t, started.StatusURL, body)

			// Only the account that started the job may read it.
			if resp, _ := env.as(t, "haishu").get(t, started.StatusURL); resp.StatusCode != http.StatusNotFound {
				t.Errorf("GET %s as haishu status = %d, want 404", started.StatusURL, resp.StatusCode)
			}
		})
	}
}

func TestUploadJobsBadRequest(t *testing.T) {
	env := newSeededEnv(t)
	tests := []struct {
		name   string
		req    *http.Request
		as     string
		status int
	}{
		{"no file", multipartRequest(t, "/api/uploads/jobs", "", nil, nil), "office", http.StatusBadRequest},
		{"bad dataset", multipartRequest(t, "/api/uploads/jobs", "a.csv", []byte("x"), map[string]string{"dataset": "x"}),
			"office", http.StatusBadRequest},
		{"leader", multipartRequest(t, "/api/uploads/jobs", "a.csv", []byte(goodProgress), nil), "leader", http.StatusForbidden},
		{"unknown job", newRequest(http.MethodGet, "/api/uploads/jobs/0123"), "office", http.StatusNotFound},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			resp, body := env.as(t, tt.as).do(t, tt.req)
			if resp.StatusCode != tt.status {
				t.Errorf("%s %s status = %d, want %d; body:\n%s", tt.req.Method, tt.req.URL, resp.StatusCode, tt.status, body)
			}
		})
	}
}

// gatedImporter holds every import until release is closed, so that a
// test can shut the server down while an import runs.
type gatedImporter struct {
	Importer
	started chan struct{}
	release chan struct{}
}

func (g *gatedImporter) Import(ctx context.Context, r ingest.Request) (*ingest.Report, error) {
	close(g.started)
	<-g.release
	return g.Importer.Import(ctx, r)
}

// TestUploadJobShutdown shuts the server down while a background import,
// already accepted with 202, is running. The import must be given time
// to finish and be written, not cancelled the moment the HTTP server has
// stopped, which left the upload neither imported nor in the upload log.
func TestUploadJobShutdown(t *testing.T) {
	env := newSeededEnv(t)
	gate := &gatedImporter{Importer: env.server.importer, started: make(chan struct{}), release: make(chan struct{})}
	env.server.importer = gate
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(t.Context())
	served := make(chan error, 1)
	go func() { served <- env.server.Serve(ctx, ln) }()

	req := multipartRequest(t, "http://"+ln.Addr().String()+"/api/uploads/jobs", "进度.csv", []byte(goodProgress),
		map[string]string{"dataset": saima.DatasetProgress})
	req.RequestURI = ""
	req.Header.Set("Authorization", "Bearer "+testToken)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatalf("POST /api/uploads/jobs: %v", err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusAccepted {
		t.Fatalf("POST /api/uploads/jobs status = %d, want 202", resp.StatusCode)
	}

	<-gate.started
	cancel()
	time.Sleep(200 * time.Millisecond) // the HTTP server has stopped by now
	close(gate.release)
	if err := <-served; err != nil {
		t.Fatalf("Serve returned %v after shutdown, want nil", err)
	}
	ups, err := env.store.ListUploads(t.Context(), saima.UploadFilter{Limit: 10})
	if err != nil {
		t.Fatal(err)
	}
	if len(ups) == 0 || ups[0].FileName != "进度.csv" || ups[0].Outcome != saima.OutcomeOK {
		t.Errorf("newest upload after shutdown = %+v, want 进度.csv imported", ups)
	}
	assertLedgerPercent(t, env, "NB-2026-001", "90")
}

package web

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"

	"saima"
	"saima/ingest"
)

// bodyGate stops an import's reading of its file after limit bytes until
// release closes, so that a test can end the server's shutdown limit while
// the import is running, with chunks of the file already written.
type bodyGate struct {
	Importer
	limit   int
	reached chan struct{}
	release chan struct{}
}

func (g *bodyGate) Import(ctx context.Context, r ingest.Request) (*ingest.Report, error) {
	r.Body = &gatedReader{r: r.Body, left: g.limit, gate: g}
	return g.Importer.Import(ctx, r)
}

type gatedReader struct {
	r    io.Reader
	left int
	gate *bodyGate
}

func (gr *gatedReader) Read(p []byte) (int, error) {
	if gr.left == 0 {
		close(gr.gate.reached)
		<-gr.gate.release
		gr.left = -1
	}
	if gr.left > 0 && len(p) > gr.left {
		p = p[:gr.left]
	}
	n, err := gr.r.Read(p)
	if gr.left > 0 {
		gr.left -= n
	}
	return n, err
}

// shutdownProgressFile returns a progress file of rows rows, each of its
// own project, for the units of writeBenchRoster.
func shutdownProgressFile(rows int) []byte {
	var b bytes.Buffer
	b.WriteString("单位,项目编号,项目名称,填报期间,完成率,填报日期,进展情况,存在问题\n")
	for i := range rows {
		fmt.Fprintf(&b, "%s,NB-STOP-%05d,停机测试项目%d,2026Q3,%d%%,2026-09-30,按计划推进,无\n",
			benchUnits[i%len(benchUnits)], i, i, i%101)
	}
	return b.Bytes()
}

// TestUploadStoppedAtShutdownLimit shuts the server down while a large
// import over POST /api/uploads is running and lets the shutdown limit
// end before the import can finish. The import must be cancelled: the
// upload recorded as failed with a message that the server stopped, the
// client told so with 503, and none of the file's rows visible.
func TestUploadStoppedAtShutdownLimit(t *testing.T) {
	env := newTestEnv(t, func(c *Config) {
		c.ShutdownTimeout = 200 * time.Millisecond
		c.BodyLimit = 64 << 20
	})
	writeBenchRoster(t, env)
	svc := env.server.importer.(*ingest.Service)
	svc.Limits.ChunkRecords = 200
	file := shutdownProgressFile(3000)
	gate := &bodyGate{Importer: svc, limit: len(file) / 2,
		reached: make(chan struct{}), release: make(chan struct{})}
	env.server.importer = gate
	office := env.as(t, "office")

	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(t.Context())
	defer cancel()
	served := make(chan error, 1)
	go func() { served <- env.server.Serve(ctx, ln) }()

	req := multipartRequest(t, "http://"+ln.Addr().String()+"/api/uploads", "停机.csv", file,
		map[string]string{"dataset": saima.DatasetProgress})
	req.RequestURI = ""
	req.Header.Set(csrfHeader, office.csrf)
	req.AddCookie(&http.Cookie{Name: sessionCookie, Value: office.session})
	type reply struct {
		status int
		body   string
		err    error
	}
	replied := make(chan reply, 1)
	go func() {
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			replied <- reply{err: err}
			return
		}
		defer resp.Body.Close()
		body, err := io.ReadAll(resp.Body)
		replied <- reply{resp.StatusCode, string(body), err}
	}()

	<-gate.reached
	cancel()
	<-env.server.imports.ctx.Done() // the shutdown limit has ended
	close(gate.release)

	r := <-replied
	if r.err != nil {
		t.Fatalf("POST /api/uploads during shutdown: %v", r.err)
	}
	if r.status != http.StatusServiceUnavailable {
		t.Errorf("POST /api/uploads cut off at the shutdown limit status = %d, want 503; body:\n%s", r.status, r.body)
	}
	for _, w := range []string{"停机.csv", "服务器已停止运行", "重新上传"} {
		if !strings.Contains(r.body, w) {
			t.Errorf("503 reply lacks %q:\n%s", w, r.body)
		}
	}
	select {
	case <-served:
	case <-time.After(30 * time.Second):
		t.Fatal("Serve did not return after the shutdown limit")
	}

	ups, err := env.store.ListUploads(context.Background(), saima.UploadFilter{Limit: 10})
	if err != nil {
		t.Fatal(err)
	}
	if len(ups) == 0 || ups[0].FileName != "停机.csv" {
		t.Fatalf("newest uploads = %+v, want 停机.csv", ups)
	}
	if ups[0].Outcome != saima.OutcomeFailed {
		t.Errorf("outcome of the cancelled upload = %q, want %q", ups[0].Outcome, saima.OutcomeFailed)
	}
	for _, w := range []string{"服务器已停止运行", "重新上传"} {
		if !strings.Contains(ups[0].Message, w) {
			t.Errorf("message of the cancelled upload %q lacks %q", ups[0].Message, w)
		}
	}
	progress, err := env.store.ListProgress(context.Background(), saima.Quarter(2026, 3))
	if err != nil {
		t.Fatal(err)
	}
	if len(progress) != 0 {
		t.Errorf("%d progress rows of the cancelled upload are visible, first %+v", len(progress), progress[0])
	}
}

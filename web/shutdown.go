package web

import (
	"context"
	"sync"
	"time"

	"saima"
)

// errServerStopped is the cause of an import that the server cancelled
// when its shutdown limit ended. The import service records the upload as
// failed (写入失败) with this message, and the reply quotes its first
// clause.
var errServerStopped = saima.Errorf(saima.KindUnavailable,
	"服务器已停止运行，导入被中止，本次上传的记录均未导入，请在服务器重新启动后重新上传该文件")

// stopReplyGrace is how long [Server.Serve] waits, once it has cancelled
// the imports still running at the shutdown limit, for them to record
// their outcome and send their 503 replies.
const stopReplyGrace = 5 * time.Second

// importStopper cancels the imports of POST /api/uploads and of the
// upload form that are still running when the shutdown limit ends.
type importStopper struct {
	ctx     context.Context
	stop    context.CancelCauseFunc
	running sync.WaitGroup
}

func newImportStopper() *importStopper {
	ctx, stop := context.WithCancelCause(context.Background())
	return &importStopper{ctx: ctx, stop: stop}
}

// track returns a context that ends with parent or when the server
// cancels its imports, and a function to call once the import has
// returned.
func (is *importStopper) track(parent context.Context) (context.Context, func()) {
	is.running.Add(1)
	ctx, cancel := context.WithCancelCause(parent)
	unhook := context.AfterFunc(is.ctx, func() { cancel(context.Cause(is.ctx)) })
	return ctx, func() {
		unhook()
		cancel(nil)
		is.running.Done()
	}
}

// wait waits up to timeout for the tracked imports to return and
// reports whether they did.
func (is *importStopper) wait(timeout time.Duration) bool {
	done := make(chan struct{})
	go func() { is.running.Wait(); close(done) }()
	select {
	case <-done:
		return true
	case <-time.After(timeout):
		return false
	}
}

// awaitStoppedImports waits, after the shutdown limit, for the cancelled
// imports to return and for the connections that carry their replies to
// close, up to stopReplyGrace in all.
func (s *Server) awaitStoppedImports() {
	deadline := time.Now().Add(stopReplyGrace)
	if !s.imports.wait(stopReplyGrace) {
		s.log.Warn("imports still running after cancellation at shutdown", "grace", stopReplyGrace)
		return
	}
	for s.app.Server().GetOpenConnectionsCount() > 0 && time.Now().Before(deadline) {
		time.Sleep(20 * time.Millisecond)
	}
}

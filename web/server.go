// Package web serves the horse-race dashboards, the ledger, the upload API
// and the quarterly PDF over HTTP, in Chinese, with Fiber.
//
// Every page and script comes from this server: the pages run on an
// intranet without internet access, so nothing loads from another host.
// Charts are ECharts options that the reports package builds as JSON. Pages
// embed them in <script type="application/json" data-chart> elements and
// static/dashboard.js draws them, so no option is ever evaluated as code.
//
// Routes:
//
//	GET  /                               leaderboard of the newest scored period
//	GET  /leaderboard?period=&track=     leaderboard of one period, one or all tracks
//	GET  /units/{name}                   a unit's trend and latest contributions
//	GET  /ledger?unit=&system=&stage=&batch=&overdue=1&q=
//	GET  /upload, POST /upload           upload form and its result
//	GET  /reports/quarterly/{period}.pdf quarterly PDF
//	POST /api/uploads[?dry_run=1]        upload API (JSON)
//	GET  /api/scores?period=             scores (JSON)
//	GET  /api/ledger?…                   ledger (JSON, same filters as /ledger)
//	GET  /healthz                        200 when the database replies to a ping, else 503
//	GET  /static/…                       echarts.min.js, dashboard.js, style.css
package web

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/url"
	"time"

	"github.com/gofiber/fiber/v2"

	"saima"
	"saima/reports"
)

// Deps are the services a [Server] uses. Store, Importer and Fonts are
// required. Log defaults to discarding and Now to [time.Now].
type Deps struct {
	Store    Store
	Importer Importer
	Fonts    *reports.Fonts
	Log      *slog.Logger
	Now      func() time.Time
}

// Server is the HTTP server. Create it with [New].
type Server struct {
	cfg      Config
	store    Store
	importer Importer
	fonts    *reports.Fonts
	log      *slog.Logger
	now      func() time.Time
	pages    *pages
	assets   *assets
	app      *fiber.App
}

// New checks cfg and deps, reads the static assets and sets up the routes.
// It returns an error when cfg is invalid, a required dependency is nil or
// the echarts file cannot be read.
func New(cfg Config, deps Deps) (*Server, error) {
	if err := cfg.Validate(); err != nil {
		return nil, fmt.Errorf("web config: %w", err)
	}
	if err := deps.validate(); err != nil {
		return nil, fmt.Errorf("web deps: %w", err)
	}

	s := &Server{
		cfg:      cfg,
		store:    deps.Store,
		importer: deps.Importer,
		fonts:    deps.Fonts,
		log:      deps.Log,
		now:      deps.Now,
	}
	if s.log == nil {
		s.log = slog.New(slog.DiscardHandler)
	}
	if s.now == nil {
		s.now = time.Now
	}

	var err error
	if s.assets, err = loadAssets(cfg.EChartsPath); err != nil {
		return nil, err
	}
	if s.pages, err = parsePages(s.assets); err != nil {
		return nil, err
	}
	s.app = s.newApp()
	return s, nil
}

func (d Deps) validate() error {
	var errs []error
	if d.Store == nil {
		errs = append(errs, errors.New("store is nil"))
	}
	if d.Importer == nil {
		errs = append(errs, errors.New("importer is nil"))
	}
	if d.Fonts == nil {
		errs = append(errs, errors.New("fonts are nil"))
	}
	return errors.Join(errs...)
}

// App returns the Fiber app, for tests that call its Test method.
func (s *Server) App() *fiber.App { return s.app }

// Listen listens on the configured address and serves until ctx ends, as
// [Server.Serve] does.
func (s *Server) Listen(ctx context.Context) error {
	ln, err := net.Listen("tcp", s.cfg.Addr)
	if err != nil {
		return fmt.Errorf("listen: %w", err)
	}
	return s.Serve(ctx, ln)
}

// Serve serves on ln until ctx ends, then stops accepting connections and
// waits up to Config.ShutdownTimeout for open requests to finish. It
// returns nil after a shutdown that ctx started, and the error otherwise.
func (s *Server) Serve(ctx context.Context, ln net.Listener) error {
	s.log.Info("http server started", "addr", ln.Addr().String())
	served := make(chan error, 1)
	go func() { served <- s.app.Listener(ln) }()

	select {
	case err := <-served:
		return fmt.Errorf("serve: %w", err)
	case <-ctx.Done():
	}

	shutdownCtx, cancel := context.WithTimeout(context.WithoutCancel(ctx), s.cfg.ShutdownTimeout)
	defer cancel()
	err := s.app.ShutdownWithContext(shutdownCtx)
	// Shutdown closes only the listeners that the server has registered, so
	// a context that ends before the serving goroutine starts would leave
	// ln open and that goroutine running. Closing ln again is harmless.
	ln.Close()
	<-served
	if err != nil {
		return fmt.Errorf("shutdown: %w", err)
	}
	s.log.Info("http server stopped", "addr", ln.Addr().String())
	return nil
}

func (s *Server) newApp() *fiber.App {
	app := fiber.New(fiber.Config{
		AppName:               "saima",
		BodyLimit:             s.cfg.BodyLimit,
		ReadTimeout:           s.cfg.ReadTimeout,
		WriteTimeout:          s.cfg.WriteTimeout,
		ErrorHandler:          s.handleError,
		DisableStartupMessage: true,
		// Handlers keep strings from the request (unit names, file names)
		// past the handler's return, for example in the import service.
		Immutable: true,
	})
	app.Use(securityHeaders)

	app.Get("/", s.handleLeaderboard)
	app.Get("/leaderboard", s.handleLeaderboard)
	app.Get("/units/:name", s.handleUnit)
	app.Get("/ledger", s.handleLedger)
	app.Get("/upload", s.handleUploadForm)
	app.Post("/upload", sameOrigin, s.handleUploadPage)
	app.Get("/reports/quarterly/:period.pdf", s.handleQuarterlyPDF)

	app.Post("/api/uploads", sameOrigin, s.handleUploadAPI)
	app.Get("/api/scores", s.handleScoresAPI)
	app.Get("/api/ledger", s.handleLedgerAPI)
	app.Get("/healthz", s.handleHealth)

	app.Get("/static/:file", s.handleStatic)
	app.Use(func(c *fiber.Ctx) error { return fiber.ErrNotFound })
	return app
}

// securityHeaders forbids every source but this server, so a page cannot
// load or send anything elsewhere even if some text slipped through
// escaping.
func securityHeaders(c *fiber.Ctx) error {
	c.Set("Content-Security-Policy", "default-src 'self'; script-src 'self'; "+
		"style-src 'self'; img-src 'self' data:; connect-src 'self'; object-src 'none'; "+
		"base-uri 'none'; form-action 'self'; frame-ancestors 'none'")
	c.Set("X-Content-Type-Options", "nosniff")
	c.Set("Referrer-Policy", "same-origin")
	return c.Next()
}

// sameOrigin rejects a browser's cross-site POST: a page on another
// intranet site must not upload files with the visitor's credentials.
// Requests without an Origin header (curl, the command line) pass.
func sameOrigin(c *fiber.Ctx) error {
	origin := c.Get(fiber.HeaderOrigin)
	if origin == "" {
		return c.Next()
	}
	u, err := url.Parse(origin)
	if err != nil || u.Host != c.Get(fiber.HeaderHost) {
		return saima.Errorf(saima.KindForbidden, "拒绝来自其他网站（%s）的上传请求", origin)
	}
	return c.Next()
}

// Package web serves the horse-race dashboards, the ledger, the upload API
// and the quarterly PDF over HTTP, in Chinese, with Fiber.
//
// Every page and script comes from this server: the pages run on an
// intranet without internet access, so nothing loads from another host.
// Charts are ECharts options that the reports package builds as JSON. Pages
// embed them in <script type="application/json" data-chart> elements and
// static/dashboard.js draws them, so no option is ever evaluated as code.
// A data item may carry a link, the path of the rows behind it, which
// dashboard.js opens when the item is clicked.
//
// Routes, with the roles that may use them (O office, L leader, U unit):
//
//	GET  /                               O L U  leaderboard of the newest scored period
//	GET  /leaderboard?period=&track=     O L U  leaderboard of one period, one or all tracks
//	GET  /units/{name}                   O L U  a unit's trend and latest contributions; U its own only
//	GET  /units/{name}/explain?period=   O L U  how each indicator of the unit's score was computed; U its own only
//	GET  /ledger?unit=&system=&stage=&batch=&overdue=1&q=
//	                                     O L
//	GET  /upload, POST /upload           O   U  upload form and its result
//	GET  /uploads?unit=&outcome=&from=&to=
//	                                     O L U  the upload audit log, newest first; U its own unit's only
//	GET  /uploads/{id}                   O L U  one upload with the errors it was rejected with; U its own unit's only
//	GET  /reports/quarterly/{period}.pdf O L    quarterly PDF
//	GET  /projects/{code}                O L    a project's stage history; O also gets the stage form
//	GET  /management?year=&batch=&overdue_days=&gap=
//	                                     O L    batches per year, exit candidates and recorded exits
//	POST /projects/{code}/stages         O      record a stage event, checked by the lifecycle rules
//	POST /projects/{code}/stages/withdraw O     withdraw the project's latest stage record, with a reason
//	GET  /lists?list=&status=            O L    the city's work lists (清单) and their done marks
//	GET  /units/{name}/list              O L U  a unit's own work list; U its own only
//	POST /lists/done                     O      mark a list item done
//	POST /lists/withdraw                 O      withdraw a list item's done mark, with a reason
//	GET  /problems/loop?level=           O L    problem-loop steps, escalations and days to close per level
//	GET  /leaders                        O L    leader-led projects, half-year reports, overdue flags
//	POST /leaders/confirm                O      confirm a half-year report for the leader's office
//	GET  /reminders?days=, /reminders.xlsx?days=
//	                                     O L    missing progress reports and milestones due within days (14)
//	GET  /overview                       O L    city overview: stages, on-time trend, systems, problems
//	GET  /heatmap                        O L    overdue milestones, units × the last 24 months at most
//	GET  /problems?stage=&level=&unit=&category=&open=1&page=
//	                                     O L    the problem list with counts per stage and level
//	GET  /pioneers?period=               O L    the pioneer list (先锋榜), today's or of a past quarter or year
//	GET  /assessments?period=, /api/assessments/totals?period=
//	                                     O L    each unit's sum of 得分 in a period, ranked with ties
//	GET  /milestones?period=&unit=&overdue=1&page=
//	                                     O L    milestones behind the overview's and heatmap's figures
//	GET  /milestones/status?unit=&project=&month=
//	                                     O L    monthly milestone lights (red, yellow, green) per unit,
//	                                            now and as reported at each month's end
//	GET  /export/ranking.xlsx?period=&track=
//	                                     O L U  the leaderboard as an Excel workbook
//	GET  /export/ledger.xlsx?…           O L    the ledger as a workbook (same filters as /ledger)
//	GET  /reports/ledger.pdf?…           O L    the ledger as a PDF (same filters as /ledger)
//	GET  /reports/annual/{year}.pdf      O L    annual stocktake PDF
//	GET  /reports/quarterly/{period}/units.zip
//	                                     O L    every unit's quarterly PDF in one zip, built in the
//	                                            background: 202 and a progress page until ready
//	GET  /reports/jobs/{id}              O L    progress of a background report job (JSON)
//	POST /api/uploads[?dry_run=1]        O   U  upload API (JSON); U only its own unit's rows
//	POST /api/uploads/jobs[?dry_run=1]   O   U  the same, run in the background; replies 202 with the job
//	GET  /api/uploads/jobs/{id}          O   U  a background upload's progress and, once done, its result
//	POST /api/batches/{dataset}[?dry_run=1]
//	                                     O   U  rows as a JSON array of objects, checked like a file
//	GET  /templates/{dataset}.xlsx       O   U  upload template with drop-down lists
//	GET  /api/scores?period=             O L U  scores (JSON)
//	GET  /api/evaluations/{period}       O L U  the period's recorded evaluations: drafts and published versions (JSON)
//	GET  /api/evaluations/{period}/diff?a=&b=
//	                                     O L U  what changed between two versions of a period (JSON)
//	POST /api/evaluations/{period}/publish
//	                                     O      score the period again and publish it as its next version (JSON)
//	POST /evaluations/{period}/publish   O      the same, from the leaderboard's form
//	GET  /api/explain?period=&unit=      O L U  the explanation of a unit's score (JSON); U its own only
//	GET  /api/ledger?…                   O L    ledger (JSON, same filters as /ledger)
//	GET  /login, POST /login             public sign-in form
//	POST /logout                         public ends the session
//	GET  /healthz                        public 200 when the ledger can be read, else 503
//	GET  /static/…                       public echarts.min.js, dashboard.js, upload.js, style.css
//
// People sign in with a name and password and get a signed session cookie
// (see [Config.SessionSecret]). Programs of a unit send its API token as
// "Authorization: Bearer <token>". A page requested without signing in
// redirects to /login; an /api/ route replies 401. Every POST made with
// the session cookie must carry the session's CSRF token, in the form
// field csrf_token of the body or the header X-CSRF-Token, never in the
// query string.
package web

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/url"
	"runtime/debug"
	"time"

	"github.com/gofiber/fiber/v2"

	"saima"
	"saima/reports"
)

// Deps are the services a [Server] uses. Store, Accounts, Importer and
// Fonts are required. Log defaults to discarding and Now to [time.Now].
type Deps struct {
	Store    Store
	Accounts Accounts
	Importer Importer
	Fonts    *reports.Fonts
	Log      *slog.Logger
	Now      func() time.Time

	// SourceAt returns the ledger as of a store version, which the
	// quarterly PDF of an evaluation reads (clickhouse.Store.AsOf). Nil
	// reads the current ledger instead.
	SourceAt func(version uint64) reports.Source

	// LedgerBefore returns the ledger as the uploads sent before a moment
	// reported it (clickhouse.Store.ReportedBefore), which the pioneer
	// list of a past period reads. Nil makes such a list an error.
	LedgerBefore func(t time.Time) LedgerReader

	// Rules is the rule set (YAML) that the running quarter's draft after
	// an upload scores under while that quarter has no recorded
	// evaluation. Once it has one, its latest rule set is used, as a
	// publication would. Nil skips such a quarter.
	Rules []byte
}

// Server is the HTTP server. Create it with [New].
type Server struct {
	cfg          Config
	store        Store
	accounts     Accounts
	importer     Importer
	fonts        *reports.Fonts
	log          *slog.Logger
	now          func() time.Time
	sourceAt     func(version uint64) reports.Source
	ledgerBefore func(t time.Time) LedgerReader
	rules        []byte
	drafts       *drafter
	imports      *importStopper
	pages        *pages
	assets       *assets
	app          *fiber.App

	sessions *sessionCodec
	csrf     *csrfSigner
	cache    *readCache
	logins   *loginGate
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
		cfg:          cfg,
		store:        deps.Store,
		accounts:     deps.Accounts,
		importer:     deps.Importer,
		fonts:        deps.Fonts,
		log:          deps.Log,
		now:          deps.Now,
		sourceAt:     deps.SourceAt,
		ledgerBefore: deps.LedgerBefore,
		rules:        deps.Rules,
	}
	if s.log == nil {
		s.log = slog.New(slog.DiscardHandler)
	}
	if s.now == nil {
		s.now = time.Now
	}
	s.cache = newReadCache(cfg.CacheTTL, s.now)
	s.imports = newImportStopper()
	s.drafts = newDrafter(cfg.DraftDelay, s.draftRunningQuarter)
	s.sessions = newSessionCodec(cfg.SessionSecret)
	s.csrf = newCSRFSigner(cfg.SessionSecret)
	s.logins = newLoginGate()

	var err error
	if s.assets, err = loadAssets(cfg.EChartsPath, deps.Fonts); err != nil {
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
	if d.Accounts == nil {
		errs = append(errs, errors.New("accounts are nil"))
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
// waits up to Config.ShutdownTimeout for open requests to finish, and as
// long again for background imports. Imports of open requests still
// running at the limit are cancelled and reply 503, which Serve waits up
// to stopReplyGrace for. It
// returns nil after a shutdown that ctx started, and the error otherwise.
func (s *Server) Serve(ctx context.Context, ln net.Listener) error {
	s.log.Info("http server started", "addr", ln.Addr().String())
	served := make(chan error, 1)
	go func() { served <- s.app.Listener(ln) }()
	draftCtx, stopDrafts := context.WithCancel(ctx)
	drafting := make(chan struct{})
	go func() { defer close(drafting); s.drafts.loop(draftCtx) }()
	defer func() { stopDrafts(); <-drafting }()

	select {
	case err := <-served:
		return fmt.Errorf("serve: %w", err)
	case <-ctx.Done():
	}

	// At the limit, imports still running are cancelled, so that none of
	// their rows becomes visible after the process has gone, and each
	// records its upload as failed and replies 503 while the client waits.
	atLimit := time.AfterFunc(s.cfg.ShutdownTimeout, func() {
		s.log.Warn("cancelling imports at the shutdown limit", "timeout", s.cfg.ShutdownTimeout)
		s.imports.stop(errServerStopped)
	})
	defer atLimit.Stop()
	shutdownCtx, cancel := context.WithTimeout(context.WithoutCancel(ctx), s.cfg.ShutdownTimeout)
	defer cancel()
	err := s.app.ShutdownWithContext(shutdownCtx)
	if err != nil {
		s.awaitStoppedImports()
	}
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
		// Upload forms are read by uploadFormOf, in place. Fiber would
		// otherwise copy every multipart body's file into a buffer and a
		// temporary file before the handler runs.
		DisablePreParseMultipartForm: true,
	})
	app.Use(s.recoverPanic)
	app.Use(securityHeaders)
	app.Use(s.decodeBody)
	app.Use(s.clearCacheAfterWrites)

	anyone, viewer, uploader := s.allow(everyone...), s.allow(viewers...), s.allow(uploaders...)
	upload, publish := s.allowAction("上传数据", uploaders...), s.allowAction("发布考评结果", saima.RoleOffice)
	app.Get("/", anyone, s.cachePage, s.handleLeaderboard)
	app.Get("/leaderboard", anyone, s.cachePage, s.handleLeaderboard)
	app.Get("/units/:name", anyone, s.ownUnitOnly, s.handleUnit)
	app.Get("/units/:name/explain", anyone, s.ownUnitOnly, s.handleExplainPage)
	app.Get("/ledger", viewer, s.handleLedger)
	app.Get("/upload", uploader, s.handleUploadForm)
	app.Get("/uploads", anyone, s.handleUploads)
	app.Get("/uploads/:id", anyone, s.handleUploadErrors)
	app.Post("/upload", sameOrigin, upload, s.checkCSRF, s.handleUploadPage)
	app.Get("/reports/quarterly/:period.pdf", viewer, s.handleQuarterlyPDF)
	app.Get("/projects/:code", viewer, s.handleProject)
	app.Get("/management", viewer, s.handleManagement)
	app.Post("/projects/:code/stages", sameOrigin, s.allowAction("登记项目阶段", saima.RoleOffice), s.checkCSRF,
		s.handleStageForm)
	app.Post("/projects/:code/stages/withdraw", sameOrigin, s.allowAction("撤销项目阶段记录", saima.RoleOffice),
		s.checkCSRF, s.handleStageWithdraw)
	app.Get("/lists", viewer, s.handleLists)
	app.Get("/units/:name/list", anyone, s.ownUnitOnly, s.handleUnitList)
	app.Post("/lists/done", sameOrigin, s.allowAction("标注清单事项完成", saima.RoleOffice), s.checkCSRF,
		s.handleListDone)
	app.Post("/lists/withdraw", sameOrigin, s.allowAction("撤销清单事项完成标注", saima.RoleOffice), s.checkCSRF,
		s.handleListWithdraw)
	app.Get("/problems/loop", viewer, s.handleProblemLoop)
	app.Get("/leaders", viewer, s.handleLeaders)
	app.Post("/leaders/confirm", sameOrigin, s.allowAction("确认半年报告", saima.RoleOffice), s.checkCSRF,
		s.handleLeaderConfirm)
	app.Get("/reminders", viewer, s.handleReminders)
	app.Get("/reminders.xlsx", viewer, s.handleRemindersXLSX)

	jobs := s.newReportJobs(app)
	app.Get("/overview", viewer, s.cachePage, s.handleOverview)
	app.Get("/heatmap", viewer, s.handleHeatmap)
	app.Get("/problems", viewer, s.handleProblems)
	app.Get("/pioneers", viewer, s.handlePioneers)
	app.Get("/milestones", viewer, s.handleMilestones)
	app.Get("/assessments", viewer, s.handleAssessments)
	app.Get("/api/assessments/totals", viewer, s.handleAssessmentsAPI)
	app.Get("/milestones/status", viewer, s.handleMilestoneStatus)
	app.Get("/export/ranking.xlsx", anyone, s.handleRankingXLSX)
	app.Get("/export/ledger.xlsx", viewer, s.handleLedgerXLSX)
	app.Get("/reports/annual/:year.pdf", viewer, s.handleAnnualPDF)
	app.Get("/reports/ledger.pdf", viewer, s.handleLedgerPDF)
	app.Get("/reports/quarterly/:period/units.zip", viewer, jobs.handleUnitsZip)
	app.Get("/reports/jobs/:id", viewer, jobs.handleStatus)

	app.Post("/api/uploads", sameOrigin, upload, s.checkCSRF, s.handleUploadAPI)
	uploadJobs := s.newUploadJobs(app)
	app.Post("/api/uploads/jobs", sameOrigin, upload, s.checkCSRF, uploadJobs.handleStart)
	app.Get("/api/uploads/jobs/:id", uploader, uploadJobs.handleStatus)
	app.Post("/api/batches/:dataset", sameOrigin, upload, s.checkCSRF, s.handleBatchAPI)
	app.Get("/templates/:dataset.xlsx", uploader, s.handleTemplate)
	app.Get("/api/scores", anyone, s.handleScoresAPI)
	app.Get("/api/evaluations/:period", anyone, s.handleEvaluationsAPI)
	app.Post("/api/evaluations/:period/publish", sameOrigin, publish, s.checkCSRF, s.handlePublishAPI)
	app.Post("/evaluations/:period/publish", sameOrigin, publish, s.checkCSRF, s.handlePublishForm)
	app.Get("/api/evaluations/:period/diff", anyone, s.handleDiffAPI)
	app.Get("/api/explain", anyone, s.handleExplainAPI)
	app.Get("/api/ledger", viewer, s.handleLedgerAPI)

	app.Get("/login", s.handleLoginForm)
	app.Post("/login", sameOrigin, s.handleLogin)
	app.Post("/logout", sameOrigin, s.handleLogout)
	app.Get("/healthz", s.handleHealth)
	app.Get("/static/:file", s.handleStatic)
	app.Use(notAllowed(app))
	return app
}

// recoverPanic turns a panic in a later handler into a 500 reply and logs
// it with its stack. Fiber does not recover panics, so without it one
// request that hit a bug stopped the server for every user.
func (s *Server) recoverPanic(c *fiber.Ctx) (err error) {
	defer func() {
		if r := recover(); r != nil {
			s.log.Error("handler panicked", "method", c.Method(), "path", c.Path(), "panic", fmt.Sprint(r),
				"stack", string(debug.Stack()))
			err = fmt.Errorf("handler panicked: %v", r)
		}
	}()
	return c.Next()
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
// intranet site must not upload files or sign in with the visitor's
// browser. Requests without an Origin header (curl, the command line) pass.
func sameOrigin(c *fiber.Ctx) error {
	origin := c.Get(fiber.HeaderOrigin)
	if origin == "" {
		return c.Next()
	}
	u, err := url.Parse(origin)
	if err != nil || u.Host != c.Get(fiber.HeaderHost) {
		return saima.Errorf(saima.KindForbidden, "拒绝来自其他网站（%s）的提交请求", origin)
	}
	return c.Next()
}

// clearCacheAfterWrites empties the read cache after every request that may
// have written (any method but GET and HEAD) and did not fail, so this
// server's own pages show a write at once. Uploads that finish in a
// background job show within one Config.CacheTTL.
func (s *Server) clearCacheAfterWrites(c *fiber.Ctx) error {
	err := c.Next()
	if m := c.Method(); m != fiber.MethodGet && m != fiber.MethodHead && err == nil &&
		c.Response().StatusCode() < 400 {
		s.cache.clear()
	}
	return err
}

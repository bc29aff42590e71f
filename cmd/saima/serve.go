package main

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"time"

	"saima/ingest"
	"saima/reports"
	"saima/web"
)

// serveFlags are the HTTP settings of serve and demo.
type serveFlags struct {
	addr      string
	bodyLimit int
}

func (s *serveFlags) register(ef *envFlags) {
	def := web.DefaultConfig()
	ef.str(&s.addr, "addr", "SAIMA_ADDR", def.Addr, "address to serve HTTP on, host:port")
	ef.integer(&s.bodyLimit, "body-limit", "SAIMA_BODY_LIMIT", def.BodyLimit,
		"largest accepted request body, in bytes (uploads included)")
}

func serveCommand(a *app, ef *envFlags) func(context.Context, []string) error {
	var sf serveFlags
	sf.register(ef)
	ef.fs.Usage = func() {
		fmt.Fprintln(ef.fs.Output(), "Usage: saima serve [options]\n\n"+
			"Serves the dashboards, the upload API and PDF reports until interrupted.\n\nOptions:")
		ef.fs.PrintDefaults()
	}
	return func(ctx context.Context, args []string) error {
		if len(args) > 0 {
			return fmt.Errorf("%w: serve takes no arguments, got %q", errUsage, args)
		}
		return a.serve(ctx, sf)
	}
}

func (a *app) serve(ctx context.Context, sf serveFlags) error {
	assets := append(append(a.engineAssets(), a.fontAssets()...), a.webAssets()...)
	if err := checkAssets(assets...); err != nil {
		return err
	}
	fonts, err := reports.LoadFonts(a.cfg.FontRegular, a.cfg.FontBold)
	if err != nil {
		return err
	}
	st, err := a.openStore(ctx)
	if err != nil {
		return err
	}

	cfg := web.DefaultConfig()
	cfg.Addr, cfg.BodyLimit, cfg.EChartsPath = sf.addr, sf.bodyLimit, a.cfg.ECharts
	srv, err := web.New(cfg, web.Deps{
		Store:    st,
		Importer: a.importer(st),
		Fonts:    fonts,
		Log:      a.log,
		Now:      time.Now,
	})
	if err != nil {
		return err
	}
	fmt.Fprintf(a.stdout, "saima 正在 http://%s/ 提供服务（Ctrl-C 停止）\n", sf.addr)
	return srv.Listen(ctx)
}

func (a *app) importer(st ingest.Store) *ingest.Service {
	return &ingest.Service{Store: st, Log: a.log, Now: time.Now, NewID: newUploadID}
}

// newUploadID returns a random upload ID such as u-1f2e3d4c5b6a7988.
func newUploadID() string {
	var b [8]byte
	rand.Read(b[:])
	return "u-" + hex.EncodeToString(b[:])
}

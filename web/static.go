package web

import (
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"fmt"
	"os"
	"path"

	"github.com/gofiber/fiber/v2"

	"saima/reports"
)

//go:embed static
var staticFS embed.FS

// asset is one static file held in memory. Pages link to it with its
// content hash in the query, so a year-long cache never serves a stale copy.
type asset struct {
	body        []byte
	contentType string
	version     string
}

// assets are the static files by name under /static/.
type assets struct {
	files map[string]asset
}

// loadAssets reads our embedded files and the echarts file at
// echartsPath. ECharts is about 1 MB, so it is read once at startup. The
// PDF fonts are served too, as the pages' last-resort font: style.css
// names them after the usual Chinese system fonts, so a browser uses them
// for the characters those fonts lack, or on a machine without any.
func loadAssets(echartsPath string, fonts *reports.Fonts) (*assets, error) {
	a := &assets{files: map[string]asset{}}
	a.add(fontRegular, fonts.Regular)
	a.add(fontBold, fonts.Bold)

	echarts, err := os.ReadFile(echartsPath)
	if err != nil {
		return nil, fmt.Errorf("read echarts: %w (run `npm ci` in the repository root)", err)
	}
	a.add("echarts.min.js", echarts)

	for _, name := range []string{"dashboard.js", "upload.js", "style.css", "favicon.svg"} {
		body, err := staticFS.ReadFile("static/" + name)
		if err != nil {
			return nil, fmt.Errorf("read embedded %s: %w", name, err)
		}
		a.add(name, body)
	}
	return a, nil
}

func (a *assets) add(name string, body []byte) {
	sum := sha256.Sum256(body)
	contentType := "text/javascript; charset=utf-8"
	switch path.Ext(name) {
	case ".css":
		contentType = "text/css; charset=utf-8"
	case ".svg":
		contentType = "image/svg+xml"
	case ".ttf":
		contentType = "font/ttf"
	}
	a.files[name] = asset{body: body, contentType: contentType, version: hex.EncodeToString(sum[:6])}
}

// The names under /static/ of the Noto Sans SC fonts, which style.css
// links to without a version: the fonts are pinned by package.json.
const (
	fontRegular = "noto-sans-sc-regular.ttf"
	fontBold    = "noto-sans-sc-bold.ttf"
)

// URL returns the versioned path of the named asset, for templates.
func (a *assets) URL(name string) string {
	f, ok := a.files[name]
	if !ok {
		panic("web: unknown asset " + name)
	}
	return "/static/" + name + "?v=" + f.version
}

func (s *Server) handleStatic(c *fiber.Ctx) error {
	f, ok := s.assets.files[c.Params("file")]
	if !ok {
		return fiber.ErrNotFound
	}
	c.Set(fiber.HeaderContentType, f.contentType)
	c.Set(fiber.HeaderCacheControl, "public, max-age=31536000, immutable")
	return c.Send(f.body)
}

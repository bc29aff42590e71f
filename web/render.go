package web

import (
	"bytes"
	"context"
	"embed"
	"encoding/json"
	"errors"
	"fmt"
	"html/template"
	"io/fs"
	"net/url"
	"strconv"
	"time"

	"github.com/gofiber/fiber/v2"
	"github.com/shopspring/decimal"

	"saima"
)

//go:embed templates
var templateFS embed.FS

// pages contains one template set per page, each parsed with the layout.
type pages struct {
	sets map[string]*template.Template
}

// view is the data of the layout template.
type view struct {
	Title   string
	Nav     string // key of the active navigation link
	Updated string // "数据更新时间", already formatted
	Assets  *assets
	Account *navAccount // nil when no one is signed in
	CSRF    string      // CSRF token of the logout form
	Data    any
}

// parsePages parses every page under templates/ together with the layout.
func parsePages(a *assets) (*pages, error) {
	names, err := fs.Glob(templateFS, "templates/*.html")
	if err != nil {
		return nil, fmt.Errorf("list templates: %w", err)
	}
	funcs := template.FuncMap{
		"asset":        a.URL,
		"pagerNav":     newPagerNav,
		"composite":    saima.FormatComposite,
		"indicator":    saima.FormatIndicator,
		"movement":     movement,
		"movementKey":  movementKey,
		"percent":      formatPercent,
		"raw":          formatRaw,
		"weight":       formatWeight,
		"unitURL":      unitURL,
		"shortVersion": shortVersion,
		"dataset":      datasetName,
		"problemTerms": problemTermsNote,
		"levelName":    levelName,
		"choose":       choose,
		"imputedNote":  func() string { return imputedNote },
		"leftOutNote":  func() string { return leftOutNote },
		"leftOutText":  func() string { return leftOutText },
		"closedByExit": func() string { return saima.ClosedByExitLabel },
	}

	p := &pages{sets: map[string]*template.Template{}}
	for _, name := range names {
		base := name[len("templates/"):]
		if base == "layout.html" {
			continue
		}
		t, err := template.New(base).Funcs(funcs).ParseFS(templateFS, "templates/layout.html", name)
		if err != nil {
			return nil, fmt.Errorf("parse template %s: %w", base, err)
		}
		p.sets[base] = t
	}
	return p, nil
}

// render writes the named page inside the layout, with the last-updated
// time of the data. The status set before the call is kept.
func (s *Server) render(c *fiber.Ctx, page, title, nav string, data any) error {
	t, ok := s.pages.sets[page]
	if !ok {
		return fmt.Errorf("render: unknown page %s", page)
	}
	v := view{
		Title:   title,
		Nav:     nav,
		Updated: s.lastUpdated(c.UserContext()),
		Assets:  s.assets,
		Data:    data,
	}
	v.Account, v.CSRF = s.navFor(c)

	var buf bytes.Buffer
	if err := t.ExecuteTemplate(&buf, "layout", v); err != nil {
		return fmt.Errorf("render %s: %w", page, err)
	}
	c.Set(fiber.HeaderContentType, fiber.MIMETextHTMLCharsetUTF8)
	return c.Send(buf.Bytes())
}

// lastUpdated formats the store's last-updated time in Beijing. A failed
// lookup shows 暂不可用 in place of the time, because error pages use it
// too.
func (s *Server) lastUpdated(ctx context.Context) string {
	ctx, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	t, err := cached(s.cache, "last-updated", func() (time.Time, error) { return s.store.LastUpdated(ctx) })
	switch {
	case err != nil:
		s.log.Warn("read last updated", "err", err)
		return "暂不可用"
	case t.IsZero():
		return "暂无数据"
	}
	return t.In(saima.Beijing).Format("2006-01-02 15:04")
}

// chart is one ECharts option to draw. ID is the element it is drawn in,
// Rows sizes that element (one bar or funnel level per row), and Table
// gives the drawn values as text for those who cannot see the canvas.
type chart struct {
	ID     string
	Option template.JS
	Rows   int
	Table  chartTable
}

// newChart embeds the JSON option from the reports package. It escapes <,
// > and & inside JSON strings again, so a name such as </script> cannot end
// the script element even if the option came from an encoder that did
// not escape them.
func newChart(id string, option []byte, rows int) (chart, error) {
	if !json.Valid(option) {
		return chart{}, errors.New("chart option is not valid JSON")
	}
	table, err := newChartTable(option)
	if err != nil {
		return chart{}, fmt.Errorf("chart %s: %w", id, err)
	}
	var buf bytes.Buffer
	json.HTMLEscape(&buf, option)
	return chart{ID: id, Option: template.JS(buf.String()), Rows: rows, Table: table}, nil
}

// movement formats a rank change as the tables show it: ↑2, ↓1, — for no
// change and 新 for a unit without a previous rank.
func movement(s saima.Score) string {
	switch m := s.Movement(); {
	case s.PrevRank == 0:
		return "新"
	case m > 0:
		return "↑" + strconv.Itoa(m)
	case m < 0:
		return "↓" + strconv.Itoa(-m)
	}
	return "—"
}

// movementKey returns the sort key of a score's movement cell: the places
// gained (negative when lost, 0 when unchanged), or "" for a unit new to
// the ranking, which has no movement and sorts last.
func movementKey(s saima.Score) string {
	if s.PrevRank == 0 {
		return ""
	}
	return strconv.Itoa(s.Movement())
}

// formatPercent formats a completion rate as stored, such as 85.5% or
// 40.885%, or 未填报 when it is missing. It is not rounded, because 40.885
// and 40.88 are different reports and must not look alike.
func formatPercent(d decimal.NullDecimal) string {
	if !d.Valid {
		return "未填报"
	}
	return d.Decimal.String() + "%"
}

// unitURL returns the path of a unit's page. The template escapes the
// result again for the href attribute, which is harmless for a path.
func unitURL(name string) string {
	return "/units/" + url.PathEscape(name)
}

// formatRaw formats an indicator's measured value with at most two
// decimal places and no trailing zeros.
func formatRaw(v float64) string {
	return decimal.NewFromFloat(v).Round(2).String()
}

// formatWeight formats a weight (a fraction of 1) as a percentage.
func formatWeight(w float64) string {
	return decimal.NewFromFloat(w*100).Round(1).String() + "%"
}

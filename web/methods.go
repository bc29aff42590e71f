package web

import (
	"slices"
	"strings"

	"github.com/gofiber/fiber/v2"
)

// notAllowed returns the last handler. It replies 405 with the allowed
// methods when the path has routes only for other methods, and 404 when
// it has none. Fiber itself replies 404 in both cases.
func notAllowed(app *fiber.App) fiber.Handler {
	return func(c *fiber.Ctx) error {
		var allowed []string
		for _, r := range app.GetRoutes(true) {
			if r.Method != c.Method() && r.Method != fiber.MethodHead && routeMatches(r.Path, c.Path()) {
				allowed = append(allowed, r.Method)
			}
		}
		if len(allowed) == 0 {
			return fiber.ErrNotFound
		}
		slices.Sort(allowed)
		c.Set(fiber.HeaderAllow, strings.Join(slices.Compact(allowed), ", "))
		return fiber.ErrMethodNotAllowed
	}
}

// routeMatches reports whether path matches a route pattern of this
// server. A pattern has literal segments and parameters such as ":name",
// each a whole segment. A parameter such as ":period.pdf" also requires
// the segment to end in its suffix.
func routeMatches(pattern, path string) bool {
	want, got := strings.Split(pattern, "/"), strings.Split(path, "/")
	if len(want) != len(got) {
		return false
	}
	for i, w := range want {
		name, ok := strings.CutPrefix(w, ":")
		if !ok {
			if w != got[i] {
				return false
			}
			continue
		}
		suffix := ""
		if dot := strings.IndexByte(name, '.'); dot >= 0 {
			suffix = name[dot:]
		}
		if len(got[i]) <= len(suffix) || !strings.HasSuffix(got[i], suffix) {
			return false
		}
	}
	return true
}

package web

import (
	"errors"
	"fmt"
	"net/url"
	"strconv"
	"strings"

	"github.com/gofiber/fiber/v2"
)

// pager is one page of a long table: which rows it shows and the links to
// the pages beside it. A city's lists run to thousands of rows, and a page
// of them all weighs megabytes and takes seconds to draw.
type pager struct {
	Page, Pages int // the page shown and the number of pages, from 1
	First, Last int // the rows shown, from 1; both 0 when there are none
	Total       int
	PrevURL     string // empty on the first page
	NextURL     string // empty on the last page
}

// pagerNav is a pager as one of its nav landmarks shows it. A table has a
// pager above it and one below, and a page may have several tables. A
// screen reader lists the landmarks by name, and several named 分页 would
// be indistinguishable, so each landmark gets a name of its own, such as
// 项目分页（表格下方）.
type pagerNav struct {
	pager
	Name string // the landmark's accessible name
}

func newPagerNav(p pager, name string) pagerNav { return pagerNav{pager: p, Name: name} }

// newPager reads the query parameter page of c, 1 by default, for a table
// of total rows in pages of perPage. A page past the last shows the last,
// so a saved link still opens after the rows shrink. Any value other than
// a whole number from 1 is a saima.KindInvalid error.
func newPager(c *fiber.Ctx, total, perPage int) (pager, error) {
	query, err := url.ParseQuery(string(c.Request().URI().QueryString()))
	if err != nil {
		return pager{Page: 1, Pages: 1, Total: total}, invalidParam("page", c.Query("page"), "查询参数无法解析")
	}
	return pagerAt(c.Path(), query, total, perPage)
}

// newPagerOf is newPager for a page with more than one paged table, each
// with a query parameter of its own, such as candidates_page.
func newPagerOf(c *fiber.Ctx, param string, total, perPage int) (pager, error) {
	query, err := url.ParseQuery(string(c.Request().URI().QueryString()))
	if err != nil {
		return pager{Page: 1, Pages: 1, Total: total}, invalidParam(param, c.Query(param), "查询参数无法解析")
	}
	return pagerAtParam(c.Path(), query, param, total, perPage)
}

// pagerAt returns the page that query's parameter page names on the page
// at path, as newPager does, with links to path and the rest of query.
func pagerAt(path string, query url.Values, total, perPage int) (pager, error) {
	return pagerAtParam(path, query, "page", total, perPage)
}

// pagerAtParam is pagerAt for the page number in the query parameter param.
func pagerAtParam(path string, query url.Values, param string, total, perPage int) (pager, error) {
	p := pager{Page: 1, Pages: max(1, (total+perPage-1)/perPage), Total: total}
	if value := query.Get(param); value != "" {
		n, err := strconv.Atoi(value)
		if errors.Is(err, strconv.ErrRange) && !strings.HasPrefix(value, "-") {
			n, err = p.Pages, nil
		}
		if err != nil || n < 1 {
			return p, invalidParam(param, value, fmt.Sprintf("应为 1 至 %d 的页码；请在地址中把 %s 改为这个范围内的整数，"+
				"或去掉 %s 从第 1 页看起", p.Pages, param, param))
		}
		p.Page = min(n, p.Pages)
	}
	if total > 0 {
		p.First, p.Last = (p.Page-1)*perPage+1, min(p.Page*perPage, total)
	}
	link := func(page int) string {
		query.Set(param, strconv.Itoa(page))
		return path + "?" + query.Encode()
	}
	if p.Page > 1 {
		p.PrevURL = link(p.Page - 1)
	}
	if p.Page < p.Pages {
		p.NextURL = link(p.Page + 1)
	}
	return p, nil
}

// pageOf returns the part of rows that p shows.
func pageOf[T any](rows []T, p pager) []T {
	if p.First == 0 {
		return nil
	}
	return rows[p.First-1 : p.Last]
}

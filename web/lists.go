package web

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"github.com/gofiber/fiber/v2"
	"github.com/samber/lo"

	"saima"
	"saima/ingest"
)

// listStore is the part of the store that the list pages use beyond
// [Store]. clickhouse.Store implements it. Over a store without it those
// pages reply 503.
type listStore interface {
	ListListItems(ctx context.Context) ([]saima.ListItem, error)
	ListListDone(ctx context.Context) ([]saima.ListDone, error)
	WriteBatch(ctx context.Context, b *saima.Batch) error
}

func (s *Server) lists() (listStore, error) {
	ls, ok := s.store.(listStore)
	if !ok {
		return nil, saima.Errorf(saima.KindUnavailable, "当前数据库不支持清单功能")
	}
	return ls, nil
}

// listRow is one list item with its done mark, as the pages show it.
type listRow struct {
	saima.ListItem
	Done     *saima.ListDone // nil while the item is open
	DaysLeft int             // days from today to the deadline; negative when past it

	// EarlyDone is the reason Done is dated before the item started, with
	// the fix, or empty. Uploads and the mark form reject such a date
	// (see [ingest.EarlyDone]), but marks stored before that rule keep
	// it. They still count as done, because only the office can tell a
	// typo from work finished before the ledger recorded the item.
	EarlyDone string
}

// Overdue reports whether the item is open and past its deadline. An item
// that its project's exit closed is not overdue.
func (r listRow) Overdue() bool { return r.Done == nil && r.DaysLeft < 0 && !r.ClosedByExit() }

// ClosedByExit reports whether the exit of the item's project closed it
// (see [saima.ClosedByExit]).
func (r listRow) ClosedByExit() bool {
	if r.Done != nil {
		return r.ListItem.ClosedByExit(&r.Done.Date)
	}
	return r.ListItem.ClosedByExit(nil)
}

// OverdueDays returns how many days past its deadline an open item is.
func (r listRow) OverdueDays() int { return -r.DaysLeft }

// Late reports whether the item was done after its deadline.
func (r listRow) Late() bool { return r.Done != nil && r.Done.Date.After(r.Deadline) }

// listRows joins items with their done marks on day today. A mark counts
// only when it names the item's responsible unit, because a unit account
// may upload marks for any item ID of its own.
func listRows(items []saima.ListItem, done []saima.ListDone, today saima.Date) []listRow {
	marks := lo.KeyBy(done, func(d saima.ListDone) [2]string { return [2]string{d.List, d.ItemID} })
	out := make([]listRow, 0, len(items))
	for _, it := range items {
		row := listRow{ListItem: it, DaysLeft: today.DaysUntil(it.Deadline)}
		if d, ok := marks[[2]string{it.List, it.ID}]; ok && d.Unit == it.Unit {
			row.Done = &d
			if reason, fix, early := ingest.EarlyDone(it, d.Date); early {
				row.EarlyDone = "完成日期" + d.Date.String() + reason + "。" + fix
			}
		}
		out = append(out, row)
	}
	return out
}

// listSummary counts a list's items. EarlyDone counts the done items
// whose mark is dated before the item started.
type listSummary struct {
	List                            string
	Total, Done, Overdue, EarlyDone int
}

func summarizeLists(rows []listRow) []listSummary {
	out := make([]listSummary, len(saima.ListNames))
	for i, name := range saima.ListNames {
		out[i].List = name
	}
	for _, r := range rows {
		i := slices.Index(saima.ListNames, r.List)
		if i < 0 {
			continue
		}
		out[i].Total++
		if r.Done != nil {
			out[i].Done++
		}
		if r.Overdue() {
			out[i].Overdue++
		}
		if r.EarlyDone != "" {
			out[i].EarlyDone++
		}
	}
	return out
}

// listsPage is the data of lists.html, for /lists and /units/{name}/list.
type listsPage struct {
	Unit      string // the unit of /units/{name}/list; empty on /lists
	List      string // the list filter; empty for all
	Status    string // the status filter: open, done, overdue or empty
	ListNames []string
	Summary   []listSummary
	Rows      []listRow
	Today     saima.Date
	CanMark   bool   // the office may mark items done
	CSRF      string // the session's CSRF token for the mark form
	Marked    bool   // an item was just marked done
	Withdrawn bool   // an item's mark was just withdrawn
	Pager     pager
	PageRows  []listRow // the part of Rows on the page shown

	// Mark is a mark form that could not be saved, shown again as filled
	// in with its error; nil otherwise.
	Mark *markForm
}

// markForm is the mark form of one item as submitted, with the error
// that kept it from being saved.
type markForm struct {
	List, ItemID, Date, Note string
	Error                    string
	// Withdraw is set for the form that withdraws the item's mark, whose
	// Note is the reason.
	Withdraw bool
}

// For reports whether f is the mark form of the item with list and id. It
// is false on a nil f, so that a template may call it on an empty Mark.
func (f *markForm) For(list, id string) bool {
	return f != nil && !f.Withdraw && f.List == list && f.ItemID == id
}

// WithdrawFor reports whether f is the withdrawal form of the item with
// list and id, and false on a nil f.
func (f *markForm) WithdrawFor(list, id string) bool {
	return f != nil && f.Withdraw && f.List == list && f.ItemID == id
}

// Path returns the path of the page, which the mark form returns to.
func (p *listsPage) Path() string {
	if p.Unit == "" {
		return "/lists"
	}
	return unitURL(p.Unit) + "/list"
}

// Return returns the address the mark form returns to: the page's path
// with its filters.
func (p *listsPage) Return() string {
	q := url.Values{}
	if p.List != "" {
		q.Set("list", p.List)
	}
	if p.Status != "" {
		q.Set("status", p.Status)
	}
	if p.Pager.Page > 1 {
		q.Set("page", strconv.Itoa(p.Pager.Page))
	}
	if len(q) == 0 {
		return p.Path()
	}
	return p.Path() + "?" + q.Encode()
}

// listStatuses are the values of the status filter.
var listStatuses = []string{"open", "done", "overdue"}

func (s *Server) handleLists(c *fiber.Ctx) error {
	page, err := s.loadLists(c, "", c.Query("list"), c.Query("status"), c.Query("page"))
	if err != nil {
		return err
	}
	return s.render(c, "lists.html", "清单管理", "lists", page)
}

// handleUnitList shows one unit's own work list: the items of the city's
// lists that name it as the responsible unit.
func (s *Server) handleUnitList(c *fiber.Ctx) error {
	name, err := url.PathUnescape(c.Params("name"))
	if err != nil {
		return invalidParam("单位", c.Params("name"), "地址中的单位名称编码有误")
	}
	unit, err := s.findUnit(c, name)
	if err != nil {
		return err
	}
	page, err := s.loadLists(c, unit.Name, c.Query("list"), c.Query("status"), c.Query("page"))
	if err != nil {
		return err
	}
	return s.render(c, "lists.html", unit.Name+"工作清单", "lists", page)
}

// listsPerPage is the number of items a list page shows.
const listsPerPage = 200

// loadLists reads the lists, keeps unit's items (all when unit is "")
// and applies the filters list and status, and shows the page pageNum.
// A page past the last shows the last, because a mark or withdrawal can
// take the last item off a filtered page and then return to it.
func (s *Server) loadLists(c *fiber.Ctx, unit, list, status, pageNum string) (*listsPage, error) {
	page := &listsPage{Unit: unit, List: list, Status: status,
		ListNames: saima.ListNames, Today: saima.DateOf(s.now()), CanMark: s.isOffice(c),
		CSRF: s.csrfToken(c), Marked: c.Query("marked") == "1",
		Withdrawn: c.Query("withdrawn") == "1"}
	if page.List != "" && !slices.Contains(saima.ListNames, page.List) {
		return nil, invalidParam("list", page.List, "可选值为"+strings.Join(saima.ListNames, "、"))
	}
	if page.Status != "" && !slices.Contains(listStatuses, page.Status) {
		return nil, invalidParam("status", page.Status, "可选值为open、done、overdue")
	}
	rows, err := s.readListRows(c.UserContext(), page.Today)
	if err != nil {
		return nil, err
	}
	if unit != "" {
		rows = slices.DeleteFunc(rows, func(r listRow) bool { return r.Unit != unit })
	}
	page.Summary = summarizeLists(rows)
	page.Rows = slices.DeleteFunc(rows, func(r listRow) bool { return !page.keeps(r) })

	query := url.Values{}
	if list != "" {
		query.Set("list", list)
	}
	if status != "" {
		query.Set("status", status)
	}
	if n, err := strconv.Atoi(pageNum); err == nil && n > 1 && (n-1)*listsPerPage >= len(page.Rows) {
		pageNum = strconv.Itoa(max(1, (len(page.Rows)+listsPerPage-1)/listsPerPage))
	}
	if pageNum != "" {
		query.Set("page", pageNum)
	}
	if page.Pager, err = pagerAt(page.Path(), query, len(page.Rows), listsPerPage); err != nil {
		return nil, err
	}
	page.PageRows = pageOf(page.Rows, page.Pager)
	return page, nil
}

func (s *Server) readListRows(ctx context.Context, today saima.Date) ([]listRow, error) {
	ls, err := s.lists()
	if err != nil {
		return nil, err
	}
	items, err := ls.ListListItems(ctx)
	if err != nil {
		return nil, fmt.Errorf("list list items: %w", err)
	}
	done, err := ls.ListListDone(ctx)
	if err != nil {
		return nil, fmt.Errorf("list list done: %w", err)
	}
	return listRows(items, done, today), nil
}

// keeps reports whether the page's filters keep r.
func (p *listsPage) keeps(r listRow) bool {
	if p.List != "" && r.List != p.List {
		return false
	}
	switch p.Status {
	case "open":
		return r.Done == nil && !r.ClosedByExit()
	case "done":
		return r.Done != nil
	case "overdue":
		return r.Overdue()
	}
	return true
}

// formListItem returns the list store, the item that a list form names
// and the page the form returns to.
func (s *Server) formListItem(c *fiber.Ctx) (listStore, saima.ListItem, listReturn, error) {
	ls, err := s.lists()
	if err != nil {
		return nil, saima.ListItem{}, listReturn{}, err
	}
	list, id := strings.TrimSpace(c.FormValue("list")), strings.TrimSpace(c.FormValue("item_id"))
	item, err := findListItem(c.UserContext(), ls, list, id)
	if err != nil {
		return nil, saima.ListItem{}, listReturn{}, err
	}
	return ls, item, parseListReturn(c.FormValue("return")), nil
}

// handleListDone marks a list item done for the office, on the day the
// form gives (today when empty), as a one-row upload under the office
// account so that the audit log shows who marked it.
func (s *Server) handleListDone(c *fiber.Ctx) error {
	_, item, back, err := s.formListItem(c)
	if err != nil {
		return err
	}
	list, id := item.List, item.ID
	mark, err := s.readDoneForm(c, item)
	if saima.ErrorKind(err) == saima.KindInvalid {
		return s.showMarkError(c, back, &markForm{List: list, ItemID: id,
			Date: strings.TrimSpace(c.FormValue("date")), Note: strings.TrimSpace(c.FormValue("note")),
			Error: saima.ErrorMessage(err)})
	}
	if err != nil {
		return err
	}
	message := fmt.Sprintf("网页标注完成：%s“%s”", ingest.ListTitle(list), id)
	if err := s.writeFormRecord(c, saima.DatasetListDone, message, &saima.Batch{ListDone: []saima.ListDone{mark}}); err != nil {
		return fmt.Errorf("write list done: %w", err)
	}
	s.log.Info("list item marked done", "list", list, "item_id", id, "account", mark.By)
	back.query.Set("marked", "1")
	return c.Redirect(back.path+"?"+back.query.Encode(), http.StatusSeeOther)
}

// handleListWithdraw withdraws a list item's done mark with the reason the
// form gives, as a one-row upload under the office account.
func (s *Server) handleListWithdraw(c *fiber.Ctx) error {
	ls, item, back, err := s.formListItem(c)
	if err != nil {
		return err
	}
	list, id := item.List, item.ID
	reason := strings.TrimSpace(c.FormValue("reason"))

	reject := func(msg string) error {
		s.log.Info("list mark withdrawal rejected", "list", list, "item_id", id, "reason", msg)
		return s.showMarkError(c, back, &markForm{List: list, ItemID: id, Note: reason, Error: msg, Withdraw: true})
	}
	done, err := ls.ListListDone(c.UserContext())
	if err != nil {
		return fmt.Errorf("list list done: %w", err)
	}
	if !slices.ContainsFunc(done, func(d saima.ListDone) bool {
		return d.List == item.List && d.ItemID == item.ID && d.Unit == item.Unit
	}) {
		return reject(fmt.Sprintf("%s“%s”没有完成标注，无需撤销", ingest.ListTitle(item.List), item.ID))
	}
	switch {
	case reason == "":
		return reject("请填写撤销理由，如“误标注，事项尚未完成”")
	case ingest.Unwritten(reason):
		return reject("撤销理由“" + reason + "”没有写明原因，请写明为何撤销，如“误标注，事项尚未完成”")
	}
	if issue, found := ingest.ForbiddenIssue("撤销理由", reason); found {
		return reject(issue.FormString())
	}

	who, err := s.identity(c)
	if err != nil {
		return err
	}
	if who == nil {
		return saima.Errorf(saima.KindForbidden, "请先登录")
	}
	w := saima.ListDone{List: item.List, ItemID: item.ID, Unit: item.Unit, Date: saima.DateOf(s.now()),
		By: who.account.Name, Note: reason, Withdrawn: true}
	message := fmt.Sprintf("网页撤销完成标注：%s“%s”；理由：%s", ingest.ListTitle(list), id, reason)
	if err := s.writeFormRecord(c, saima.DatasetListDone, message, &saima.Batch{ListDone: []saima.ListDone{w}}); err != nil {
		return fmt.Errorf("write list done withdrawal: %w", err)
	}
	s.log.Info("list item mark withdrawn", "list", list, "item_id", id, "account", w.By)
	back.query.Set("withdrawn", "1")
	return c.Redirect(back.path+"?"+back.query.Encode(), http.StatusSeeOther)
}

// showMarkError shows the list page that the mark form came from again,
// with its filters and with form as filled in and its error, so that the
// office can correct the date without typing the mark again. The status
// is 422, as for a rejected stage form or stage withdrawal, because the
// request is well formed and only its content is rejected.
func (s *Server) showMarkError(c *fiber.Ctx, back listReturn, form *markForm) error {
	unit, title := "", "清单管理"
	if back.unit != "" {
		u, err := s.findUnit(c, back.unit)
		if err != nil {
			return err
		}
		unit, title = u.Name, u.Name+"工作清单"
	}
	page, err := s.loadLists(c, unit, back.query.Get("list"), back.query.Get("status"), back.query.Get("page"))
	if err != nil {
		return err
	}
	page.Mark = form
	c.Status(http.StatusUnprocessableEntity)
	return s.render(c, "lists.html", title, "lists", page)
}

// readDoneForm reads the date and note of the mark form for item. The
// date may not be in the future, nor before the item started (see
// [ingest.EarlyDone]).
func (s *Server) readDoneForm(c *fiber.Ctx, item saima.ListItem) (saima.ListDone, error) {
	today := saima.DateOf(s.now())
	mark := saima.ListDone{List: item.List, ItemID: item.ID, Unit: item.Unit, Date: today,
		Note: strings.TrimSpace(c.FormValue("note"))}
	if issue, found := ingest.ForbiddenIssue("完成情况", mark.Note); found {
		return mark, saima.Errorf(saima.KindInvalid, "%s", issue.FormString())
	}
	if v := strings.TrimSpace(c.FormValue("date")); v != "" {
		d, err := saima.ParseDate(v)
		bad := func(reason, fix string) error {
			return saima.Errorf(saima.KindInvalid, "%s“%s”的完成日期“%s”%s，%s", ingest.ListTitle(item.List), item.ID, v, reason, fix)
		}
		switch {
		case err != nil && isoShaped.MatchString(v):
			return mark, bad("不是日历上存在的日期", "请填写真实存在的日期，如2026-09-30")
		case err != nil:
			return mark, bad("不是可识别的日期", "请按2026-09-30的格式填写")
		case d.After(today):
			return mark, bad("晚于今天（"+today.String()+"）", "请填写事项实际完成的日期；尚未完成的事项请在完成后再标注")
		case !d.InLedgerRange():
			return mark, bad("不在"+saima.FirstDate.String()+"至"+saima.LastDate.String()+"之间，可能是笔误", "请核对年份")
		}
		mark.Date = d
	}
	// The same rule as for uploaded marks, whose messages name the item
	// in the reason, so the item is not named twice here.
	if reason, fix, early := ingest.EarlyDone(item, mark.Date); early {
		return mark, saima.Errorf(saima.KindInvalid, "完成日期“%s”%s，%s", mark.Date, reason, fix)
	}
	if reason, fix, late := ingest.DoneAfterExit(item, mark.Date); late {
		return mark, saima.Errorf(saima.KindInvalid, "完成日期“%s”%s，%s", mark.Date, reason, fix)
	}
	who, err := s.identity(c)
	if err != nil {
		return mark, err
	}
	if who == nil {
		return mark, saima.Errorf(saima.KindForbidden, "请先登录")
	}
	mark.By = who.account.Name
	return mark, nil
}

// findListItem returns the item id of list, or a KindNotFound error.
func findListItem(ctx context.Context, ls listStore, list, id string) (saima.ListItem, error) {
	items, err := ls.ListListItems(ctx)
	if err != nil {
		return saima.ListItem{}, fmt.Errorf("list list items: %w", err)
	}
	for _, it := range items {
		if it.List == list && it.ID == id {
			return it, nil
		}
	}
	return saima.ListItem{}, saima.Errorf(saima.KindNotFound, "%s中没有编号为“%s”的事项", ingest.ListTitle(list), id)
}

// isoShaped matches a date written as 2026-09-30, whether or not the day
// exists.
var isoShaped = regexp.MustCompile(`^\d{4}-\d{2}-\d{2}$`)

// listReturn is the list page that the mark form goes back to.
type listReturn struct {
	path  string     // /lists or /units/{name}/list
	unit  string     // the unit of /units/{name}/list; "" for /lists
	query url.Values // the page's list and status filters
}

// parseListReturn reads the return field of the mark form. It accepts
// only this server's list pages, and of the query only valid list and
// status filters, so that the form cannot redirect elsewhere. Anything
// else returns to /lists.
func parseListReturn(v string) listReturn {
	back := listReturn{path: "/lists", query: url.Values{}}
	path, rawQuery, _ := strings.Cut(v, "?")
	if path != "/lists" {
		name, ok := strings.CutPrefix(path, "/units/")
		name, ok2 := strings.CutSuffix(name, "/list")
		unit, err := url.PathUnescape(name)
		if !ok || !ok2 || name == "" || strings.ContainsAny(name, "/#\\") || err != nil {
			return back
		}
		back.path, back.unit = unitURL(unit)+"/list", unit
	}
	q, err := url.ParseQuery(rawQuery)
	if err != nil {
		return back
	}
	if l := q.Get("list"); slices.Contains(saima.ListNames, l) {
		back.query.Set("list", l)
	}
	if st := q.Get("status"); slices.Contains(listStatuses, st) {
		back.query.Set("status", st)
	}
	if n, err := strconv.Atoi(q.Get("page")); err == nil && n > 1 {
		back.query.Set("page", strconv.Itoa(n))
	}
	return back
}

// writeFormRecord stores b as a one-row upload of dataset by the signed-in
// account, named 网页录入 in the audit log, with message saying what the
// form did.
func (s *Server) writeFormRecord(c *fiber.Ctx, dataset, message string, b *saima.Batch) error {
	ws, ok := s.store.(interface {
		WriteBatch(ctx context.Context, b *saima.Batch) error
	})
	if !ok {
		return saima.Errorf(saima.KindUnavailable, "当前数据库不支持网页录入")
	}
	who, err := s.identity(c)
	if err != nil {
		return err
	}
	if who == nil {
		return saima.Errorf(saima.KindForbidden, "请先登录")
	}
	id, err := newFormID()
	if err != nil {
		return err
	}
	b.Upload = saima.Upload{ID: id, Dataset: dataset, Uploader: who.account.Name, At: s.now(),
		FileName: "网页录入", Rows: b.Len(), Imported: b.Len(), Message: message}
	return ws.WriteBatch(c.UserContext(), b)
}

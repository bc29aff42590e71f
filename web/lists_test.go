package web

import (
	"context"
	"fmt"
	"html"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"saima"
	"saima/clickhouse"
	"saima/reports"
)

// writeWorkflowBatch writes b through the store as an office upload.
func writeWorkflowBatch(tb testing.TB, store *clickhouse.Store, id, dataset string, b *saima.Batch) {
	tb.Helper()
	b.Upload = saima.Upload{ID: id, Dataset: dataset, Uploader: "office", At: seedAt.Add(time.Minute),
		FileName: dataset + ".csv", Outcome: saima.OutcomeOK}
	if err := store.WriteBatch(context.Background(), b); err != nil {
		tb.Fatalf("WriteBatch(%s) = %v", dataset, err)
	}
}

func day(s string) saima.Date {
	d, err := saima.ParseDate(s)
	if err != nil {
		panic(err)
	}
	return d
}

// seedLists writes three list items, one done, one overdue and one of
// the injection unit.
func seedLists(tb testing.TB, store *clickhouse.Store) {
	tb.Helper()
	writeWorkflowBatch(tb, store, "lists-1", saima.DatasetLists, &saima.Batch{ListItems: []saima.ListItem{
		{List: "重大需求", ID: "XQ-1", Name: "企业开办一件事", Unit: "宁波市海曙区", Goal: "全区上线",
			Deadline: day("2026-09-30")},
		{List: "重大需求", ID: "XQ-2", Name: "跨部门审批", Unit: "宁波市海曙区", Deadline: day("2026-12-31")},
		{List: "制度建设", ID: "ZD-1", Name: imgName, Unit: scriptName, Goal: funcName, Deadline: day("2026-06-30")},
	}})
	writeWorkflowBatch(tb, store, "done-1", saima.DatasetListDone, &saima.Batch{ListDone: []saima.ListDone{
		{List: "重大需求", ItemID: "XQ-1", Unit: "宁波市海曙区", Date: day("2026-09-28"), Note: "已上线"},
	}})
}

// postForm posts fields to target as cl.
func postForm(tb testing.TB, cl *client, target string, fields map[string]string) (*http.Response, string) {
	tb.Helper()
	form := url.Values{}
	for k, v := range fields {
		form.Set(k, v)
	}
	req := httptest.NewRequest(http.MethodPost, target, strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	return cl.do(tb, req)
}

func TestListPages(t *testing.T) {
	env := newSeededEnv(t)
	seedLists(t, env.store)
	haishuList := "/units/" + url.PathEscape("宁波市海曙区") + "/list"
	tests := []struct {
		name   string
		user   string
		target string
		status int
		want   []string
		absent []string
	}{
		// testNow is 2026-10-20.
		{"OfficeSeesAll", "office", "/lists", 200,
			[]string{"企业开办一件事", "已完成（2026-09-28，office标注）：已上线", "剩余 72 天", "已超期 112 天", "标注完成"}, nil},
		{"LeaderCannotMark", "leader", "/lists", 200, []string{"跨部门审批"}, []string{"标注完成"}},
		{"FilterOverdue", "office", "/lists?status=overdue", 200, []string{"已超期 112 天"}, []string{"跨部门审批"}},
		{"FilterList", "office", "/lists?list=" + url.QueryEscape("重大需求"), 200,
			[]string{"跨部门审批"}, []string{"ZD-1"}},
		{"ErrBadStatus", "office", "/lists?status=late", 400, nil, nil},
		{"UnitForbiddenOnCity", "haishu", "/lists", 403, nil, nil},
		{"UnitOwnList", "haishu", haishuList, 200, []string{"宁波市海曙区工作清单", "跨部门审批"}, []string{"ZD-1"}},
		{"UnitOtherListForbidden", "haishu", "/units/" + url.PathEscape("宁波市江北区") + "/list", 403, nil, nil},
		{"UnitByAlias", "office", "/units/" + url.PathEscape("海曙") + "/list", 200, []string{"企业开办一件事"}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			resp, body := env.as(t, tt.user).get(t, tt.target)
			if resp.StatusCode != tt.status {
				t.Fatalf("GET %s status = %d, want %d", tt.target, resp.StatusCode, tt.status)
			}
			for _, w := range tt.want {
				if !strings.Contains(body, w) {
					t.Errorf("GET %s body lacks %q", tt.target, w)
				}
			}
			for _, a := range tt.absent {
				if strings.Contains(body, a) {
					t.Errorf("GET %s body contains %q", tt.target, a)
				}
			}
			assertNoRawInjection(t, tt.target, body)
		})
	}
}

func TestListDoneButton(t *testing.T) {
	env := newSeededEnv(t)
	seedLists(t, env.store)

	t.Run("UnitForbidden", func(t *testing.T) {
		resp, _ := postForm(t, env.as(t, "haishu"), "/lists/done",
			map[string]string{"list": "重大需求", "item_id": "XQ-2"})
		if resp.StatusCode != http.StatusForbidden {
			t.Errorf("POST /lists/done as unit status = %d, want 403", resp.StatusCode)
		}
	})
	t.Run("ErrNotFound", func(t *testing.T) {
		resp, body := postForm(t, env.as(t, "office"), "/lists/done",
			map[string]string{"list": "重大需求", "item_id": "XQ-9"})
		if resp.StatusCode != http.StatusNotFound {
			t.Errorf("POST /lists/done of a missing item status = %d, want 404", resp.StatusCode)
		}
		if want := "“重大需求”清单中没有编号为“XQ-9”的事项"; !strings.Contains(html.UnescapeString(body), want) {
			t.Errorf("POST /lists/done of a missing item lacks %q:\n%s", want, body)
		}
	})
	for _, tt := range []struct{ name, date, want string }{
		{"ErrFutureDate", "2026-10-21", "“重大需求”清单“XQ-2”的完成日期“2026-10-21”晚于今天（2026-10-20），请填写事项实际完成的日期；尚未完成的事项请在完成后再标注"},
		{"ErrDateOutOfRange", "1999-12-31", "“重大需求”清单“XQ-2”的完成日期“1999-12-31”不在2000-01-01至2099-12-31之间，可能是笔误，请核对年份"},
		{"ErrNoSuchDay", "2026-02-30", "“重大需求”清单“XQ-2”的完成日期“2026-02-30”不是日历上存在的日期"},
		{"ErrNotDateOfDigits", "abcd-ef-gh", "“重大需求”清单“XQ-2”的完成日期“abcd-ef-gh”不是可识别的日期"},
		{"ErrNotDate", "下周", "“重大需求”清单“XQ-2”的完成日期“下周”不是可识别的日期，请按2026-09-30的格式填写"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			resp, body := postForm(t, env.as(t, "office"), "/lists/done",
				map[string]string{"list": "重大需求", "item_id": "XQ-2", "date": tt.date})
			if resp.StatusCode != http.StatusUnprocessableEntity {
				t.Errorf("POST /lists/done with date %s status = %d, want 422", tt.date, resp.StatusCode)
			}
			if !strings.Contains(html.UnescapeString(body), tt.want) {
				t.Errorf("POST /lists/done with date %s lacks %q:\n%s", tt.date, tt.want, body)
			}
		})
	}
	t.Run("OK", func(t *testing.T) {
		resp, _ := postForm(t, env.as(t, "office"), "/lists/done", map[string]string{
			"list": "重大需求", "item_id": "XQ-2", "date": "2026-10-19", "note": "提前完成",
			"return": "https://evil.example/"})
		if resp.StatusCode != http.StatusSeeOther {
			t.Fatalf("POST /lists/done status = %d, want 303", resp.StatusCode)
		}
		if loc := resp.Header.Get("Location"); loc != "/lists?marked=1" {
			t.Errorf("POST /lists/done Location = %q, want /lists?marked=1", loc)
		}
		_, body := env.as(t, "office").get(t, "/lists?status=done")
		if !strings.Contains(body, "已完成（2026-10-19，office标注）：提前完成") {
			t.Errorf("GET /lists?status=done lacks the new mark")
		}
	})
}

// TestListDoneKeepsPage checks that the mark form returns to the page it
// was sent from: with its filters after a mark, and with the form as
// filled in and its error after a date that cannot be used.
func TestListDoneKeepsPage(t *testing.T) {
	env := newSeededEnv(t)
	seedLists(t, env.store)
	haishuList := "/units/" + url.PathEscape("宁波市海曙区") + "/list"

	_, page := env.as(t, "office").get(t, "/lists?status=open")
	if want := `name="return" value="/lists?status=open"`; !strings.Contains(page, want) {
		t.Errorf("/lists?status=open has no mark form that returns to it (%s)", want)
	}

	t.Run("ErrDateShownOnList", func(t *testing.T) {
		resp, body := postForm(t, env.as(t, "office"), "/lists/done", map[string]string{
			"list": "重大需求", "item_id": "XQ-2", "date": "2026-10-21", "note": "已全部完成",
			"return": haishuList + "?status=open"})
		if resp.StatusCode != http.StatusUnprocessableEntity {
			t.Errorf("POST /lists/done with a future date status = %d, want 422", resp.StatusCode)
		}
		text := html.UnescapeString(body)
		for _, want := range []string{
			"“重大需求”清单“XQ-2”的完成日期“2026-10-21”晚于今天（2026-10-20）",
			"宁波市海曙区工作清单", "清单概况",
			`<option value="open" selected>`,
			`name="date" value="2026-10-21"`, `name="note" value="已全部完成"`,
		} {
			if !strings.Contains(text, want) {
				t.Errorf("reply to a future date lacks %q:\n%s", want, body)
			}
		}
		if strings.Contains(text, "返回首页") {
			t.Errorf("reply to a future date is the bare error page, want the list")
		}
	})

	t.Run("OKKeepsFilter", func(t *testing.T) {
		resp, _ := postForm(t, env.as(t, "office"), "/lists/done", map[string]string{
			"list": "重大需求", "item_id": "XQ-2", "date": "2026-10-19", "return": "/lists?status=open&list=重大需求"})
		if resp.StatusCode != http.StatusSeeOther {
			t.Fatalf("POST /lists/done status = %d, want 303", resp.StatusCode)
		}
		want := "/lists?" + url.Values{"list": {"重大需求"}, "status": {"open"}, "marked": {"1"}}.Encode()
		if loc := resp.Header.Get("Location"); loc != want {
			t.Errorf("POST /lists/done Location = %q, want %q", loc, want)
		}
	})
}

// A done mark, from the form or from an upload, is never dated before
// its item started: XQ-3's 下达日期, or the day XQ-2 was first recorded,
// 2026-10-15, since it has none.
func TestListDoneBeforeItemStart(t *testing.T) {
	env := newSeededEnv(t)
	seedLists(t, env.store)
	issued := day("2026-09-01")
	writeWorkflowBatch(t, env.store, "lists-2", saima.DatasetLists, &saima.Batch{ListItems: []saima.ListItem{
		{List: "重大需求", ID: "XQ-3", Name: "数据共享", Unit: "宁波市海曙区", Deadline: day("2026-12-31"), Issued: &issued},
	}})

	for _, tt := range []struct{ name, item, date, want string }{
		{"ErrBeforeRecorded", "XQ-2", "2026-10-14", "完成日期“2026-10-14”早于“重大需求”清单事项“XQ-2”首次录入的日期2026-10-15，" +
			"该事项没有下达日期，完成日期不能早于录入，请核对完成日期；如果事项在录入之前已经下达，请由改革办在清单事项中补填下达日期后再标注"},
		{"ErrBeforeIssued", "XQ-3", "2026-08-31", "完成日期“2026-08-31”早于“重大需求”清单事项“XQ-3”的下达日期2026-09-01，" +
			"事项下达之前不能完成，请核对完成日期；如果下达日期有误，请由改革办更正清单事项"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			resp, body := postForm(t, env.as(t, "office"), "/lists/done",
				map[string]string{"list": "重大需求", "item_id": tt.item, "date": tt.date})
			if resp.StatusCode != http.StatusUnprocessableEntity {
				t.Errorf("POST /lists/done of %s on %s status = %d, want 422", tt.item, tt.date, resp.StatusCode)
			}
			if !strings.Contains(html.UnescapeString(body), tt.want) {
				t.Errorf("POST /lists/done of %s on %s lacks %q:\n%s", tt.item, tt.date, tt.want, body)
			}
		})
	}

	t.Run("ErrUploadBeforeRecorded", func(t *testing.T) {
		csv := "清单名称,事项编号,责任单位,完成日期\n重大需求,XQ-2,宁波市海曙区,2026-10-14\n"
		req := multipartRequest(t, "/api/uploads", "完成标注.csv", []byte(csv), map[string]string{"dataset": saima.DatasetListDone})
		resp, body := env.do(t, req)
		if resp.StatusCode != http.StatusUnprocessableEntity {
			t.Errorf("POST /api/uploads of a mark before XQ-2 was recorded status = %d, want 422", resp.StatusCode)
		}
		want := "完成标注.csv 第2行“完成日期”列的值“2026-10-14”早于“重大需求”清单事项“XQ-2”首次录入的日期2026-10-15"
		if !strings.Contains(body, want) {
			t.Errorf("POST /api/uploads of a mark before XQ-2 was recorded lacks %q:\n%s", want, body)
		}
	})

	t.Run("OKOnIssued", func(t *testing.T) {
		resp, _ := postForm(t, env.as(t, "office"), "/lists/done",
			map[string]string{"list": "重大需求", "item_id": "XQ-3", "date": "2026-09-01"})
		if resp.StatusCode != http.StatusSeeOther {
			t.Errorf("POST /lists/done of XQ-3 on its 下达日期 status = %d, want 303", resp.StatusCode)
		}
	})
}

// The item table shows each item's 下达日期, blank for an item uploaded
// without one. A done mark stored before the rule on its date, dated
// before its item's 下达日期 or first record, still counts as done but is
// flagged with the reason.
func TestListIssuedAndEarlyMarks(t *testing.T) {
	env := newSeededEnv(t)
	seedLists(t, env.store)
	issued := day("2026-09-01")
	writeWorkflowBatch(t, env.store, "lists-2", saima.DatasetLists, &saima.Batch{ListItems: []saima.ListItem{
		{List: "重大需求", ID: "XQ-3", Name: "数据共享", Unit: "宁波市海曙区", Deadline: day("2026-12-31"), Issued: &issued},
		{List: "重大需求", ID: "XQ-4", Name: "一网通办", Unit: "宁波市海曙区", Deadline: day("2026-12-31"), Issued: &issued},
	}})
	// Written straight to the store, as marks were before the upload
	// and the form checked their dates.
	writeWorkflowBatch(t, env.store, "done-2", saima.DatasetListDone, &saima.Batch{ListDone: []saima.ListDone{
		{List: "重大需求", ItemID: "XQ-3", Unit: "宁波市海曙区", Date: day("2026-08-20")},
		{List: "重大需求", ItemID: "XQ-4", Unit: "宁波市海曙区", Date: day("2026-09-02")},
	}})
	earlyIssued := "完成日期存疑：完成日期2026-08-20早于“重大需求”清单事项“XQ-3”的下达日期2026-09-01"
	earlyRecorded := "完成日期存疑：完成日期2026-09-28早于“重大需求”清单事项“XQ-1”首次录入的日期2026-10-15"

	for _, target := range []string{"/lists", "/units/" + url.PathEscape("宁波市海曙区") + "/list"} {
		_, body := env.as(t, "office").get(t, target)
		body = html.UnescapeString(body)
		for _, tt := range []struct{ item, issued, mark, flag string }{
			{"XQ-1", "", "已完成（2026-09-28", earlyRecorded},
			{"XQ-2", "", "剩余 72 天", ""},
			{"XQ-3", "2026-09-01", "已完成（2026-08-20", earlyIssued},
			{"XQ-4", "2026-09-01", "已完成（2026-09-02", ""},
		} {
			cells := tableRow(t, body, tt.item)
			if got := cells["下达日期"]; got != tt.issued {
				t.Errorf("GET %s: %s 下达日期 = %q, want %q", target, tt.item, got, tt.issued)
			}
			if got := cells["完成情况"]; !strings.Contains(got, tt.mark) {
				t.Errorf("GET %s: %s 完成情况 = %q, want it to contain %q", target, tt.item, got, tt.mark)
			}
			if got := cells["完成情况"]; tt.flag != "" && !strings.Contains(got, tt.flag) {
				t.Errorf("GET %s: %s 完成情况 = %q, want it to contain %q", target, tt.item, got, tt.flag)
			}
			if got := cells["完成情况"]; tt.flag == "" && strings.Contains(got, "存疑") {
				t.Errorf("GET %s: %s 完成情况 = %q, want no flag", target, tt.item, got)
			}
		}
	}

	_, body := env.as(t, "office").get(t, "/lists")
	if want := "请核对完成日期；如果下达日期有误，请由改革办更正清单事项"; !strings.Contains(html.UnescapeString(body), want) {
		t.Errorf("GET /lists lacks the fix %q", want)
	}
	summary := tableRow(t, html.UnescapeString(body), "重大需求")
	for col, want := range map[string]string{"事项": "4", "已完成": "3", "完成日期存疑": "2"} {
		if got := summary[col]; got != want {
			t.Errorf("GET /lists summary of 重大需求 %s = %q, want %q", col, got, want)
		}
	}
}

// tableRow returns the cells of the first table row whose first cells
// include the text key, by the header of their column, as text.
func tableRow(tb testing.TB, body, key string) map[string]string {
	tb.Helper()
	for _, table := range tablePattern.FindAllString(body, -1) {
		rows := rowPattern.FindAllString(table, -1)
		if len(rows) < 2 {
			continue
		}
		header := cellTexts(rows[0])
		for _, row := range rows[1:] {
			cells := cellTexts(row)
			if !slices.Contains(cells[:min(2, len(cells))], key) {
				continue
			}
			if len(cells) != len(header) {
				tb.Fatalf("row %q has %d cells, header %q has %d", key, len(cells), header, len(header))
			}
			out := make(map[string]string, len(cells))
			for i, h := range header {
				out[h] = cells[i]
			}
			return out
		}
	}
	tb.Fatalf("no table row starts with %q", key)
	return nil
}

var (
	tablePattern = regexp.MustCompile(`(?s)<table.*?</table>`)
	rowPattern   = regexp.MustCompile(`(?s)<tr.*?</tr>`)
	cellPattern  = regexp.MustCompile(`(?s)<t[dh][ >].*?</t[dh]>`)
	tagPattern   = regexp.MustCompile(`(?s)<[^>]*>`)
)

// cellTexts returns the text of each cell of a table row, without tags
// and with runs of white space made one space.
func cellTexts(row string) []string {
	var out []string
	for _, cell := range cellPattern.FindAllString(row, -1) {
		text := tagPattern.ReplaceAllString(cell, " ")
		out = append(out, strings.Join(strings.Fields(text), " "))
	}
	return out
}

// The store implements every optional interface the workflow pages and
// reports use; without them the pages reply 503.
var (
	_ listStore              = (*clickhouse.Store)(nil)
	_ loopStore              = (*clickhouse.Store)(nil)
	_ leaderStore            = (*clickhouse.Store)(nil)
	_ reports.WorkflowSource = (*clickhouse.Store)(nil)
)

// TestListWithdraw withdraws the mark of XQ-1. Only the office may, with
// a reason, and only a mark in effect. Afterwards the item is open and
// overdue again, and marking it anew counts.
func TestListWithdraw(t *testing.T) {
	env := newSeededEnv(t)
	seedLists(t, env.store)
	office := env.as(t, "office")
	withdraw := func(cl *client, item, reason string) (*http.Response, string) {
		return postForm(t, cl, "/lists/withdraw", map[string]string{
			"list": "重大需求", "item_id": item, "reason": reason, "return": "/lists?status=done"})
	}

	if resp, _ := withdraw(env.as(t, "haishu"), "XQ-1", "误标注"); resp.StatusCode != http.StatusForbidden {
		t.Errorf("POST /lists/withdraw as unit status = %d, want 403", resp.StatusCode)
	}
	if resp, _ := withdraw(env.as(t, "leader"), "XQ-1", "误标注"); resp.StatusCode != http.StatusForbidden {
		t.Errorf("POST /lists/withdraw as leader status = %d, want 403", resp.StatusCode)
	}
	for _, tt := range []struct{ name, item, reason, want string }{
		{"ErrNoReason", "XQ-1", " ", "未撤销：请填写撤销理由"},
		{"ErrFillerReason", "XQ-1", "无", "未撤销：撤销理由“无”没有写明原因"},
		{"ErrNAReason", "XQ-1", "N/A", "未撤销：撤销理由“N/A”没有写明原因"},
		{"ErrNotMarked", "XQ-2", "误标注", "未撤销：“重大需求”清单“XQ-2”没有完成标注，无需撤销"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			resp, body := withdraw(office, tt.item, tt.reason)
			if resp.StatusCode != http.StatusUnprocessableEntity {
				t.Errorf("POST /lists/withdraw status = %d, want 422", resp.StatusCode)
			}
			if !strings.Contains(html.UnescapeString(body), tt.want) {
				t.Errorf("POST /lists/withdraw lacks %q:\n%s", tt.want, body)
			}
		})
	}
	if resp, _ := withdraw(office, "XQ-9", "误标注"); resp.StatusCode != http.StatusNotFound {
		t.Errorf("POST /lists/withdraw of a missing item status = %d, want 404", resp.StatusCode)
	}

	resp, _ := withdraw(office, "XQ-1", "误标注，系统尚未上线")
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("POST /lists/withdraw status = %d, want 303", resp.StatusCode)
	}
	if loc := resp.Header.Get("Location"); loc != "/lists?status=done&withdrawn=1" {
		t.Errorf("POST /lists/withdraw Location = %q, want /lists?status=done&withdrawn=1", loc)
	}
	done, err := env.store.ListListDone(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if len(done) != 0 {
		t.Errorf("ListListDone after the withdrawal = %+v, want none", done)
	}
	_, body := office.get(t, "/lists?withdrawn=1")
	for _, want := range []string{"已撤销完成标注", "已超期 20 天"} {
		if !strings.Contains(body, want) {
			t.Errorf("GET /lists after the withdrawal lacks %q", want)
		}
	}
	if strings.Contains(body, "已完成（2026-09-28") {
		t.Error("GET /lists after the withdrawal still shows the mark")
	}
	if _, body := office.get(t, "/uploads"); !strings.Contains(html.UnescapeString(body), "网页撤销完成标注：“重大需求”清单“XQ-1”；理由：误标注，系统尚未上线") {
		t.Error("GET /uploads lacks the withdrawal's record, named as a withdrawal")
	}

	resp, _ = postForm(t, office, "/lists/done", map[string]string{
		"list": "重大需求", "item_id": "XQ-1", "date": "2026-10-19", "note": "已上线"})
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("POST /lists/done after the withdrawal status = %d, want 303", resp.StatusCode)
	}
	if _, body := office.get(t, "/lists?status=done"); !strings.Contains(body, "已完成（2026-10-19，office标注）：已上线") {
		t.Error("GET /lists?status=done lacks the mark made after the withdrawal")
	}
	if _, body := office.get(t, "/uploads"); !strings.Contains(html.UnescapeString(body), "网页标注完成：“重大需求”清单“XQ-1”") {
		t.Error("GET /uploads lacks the new mark's record, named as a mark")
	}

	// A form entry's own page offers no file to correct and upload again.
	ups, err := env.store.ListUploads(context.Background(), saima.UploadFilter{})
	if err != nil {
		t.Fatal(err)
	}
	i := slices.IndexFunc(ups, func(u saima.Upload) bool { return u.FileName == "网页录入" })
	if i < 0 {
		t.Fatalf("uploads %+v lack a 网页录入 record", ups)
	}
	if _, body := office.get(t, "/uploads/"+ups[i].ID); strings.Contains(body, "修改后重新上传") {
		t.Errorf("GET /uploads/%s of a form entry offers 修改后重新上传", ups[i].ID)
	}
}

// TestListsPaged checks that /lists shows 200 items a page with links that
// keep the filters, that a mark form returns to its page, and that a
// rejected mark shows its error on the page that holds the item.
func TestListsPaged(t *testing.T) {
	env := newSeededEnv(t)
	var items []saima.ListItem
	for i := range 250 {
		items = append(items, saima.ListItem{List: "场景应用", ID: fmt.Sprintf("CJ-%03d", i+1), Name: fmt.Sprintf("场景事项%03d", i+1),
			Unit: "宁波市海曙区", Deadline: day("2026-12-31").AddDays(i)})
	}
	writeWorkflowBatch(t, env.store, "paged-lists", saima.DatasetLists, &saima.Batch{ListItems: items})
	office := env.as(t, "office")

	_, body := office.get(t, "/lists?status=open")
	body = html.UnescapeString(body)
	for _, want := range []string{"事项（250 项）", "第 1–200 条，共 250 条，第 1/2 页", "/lists?page=2&status=open", "CJ-200"} {
		if !strings.Contains(body, want) {
			t.Errorf("GET /lists?status=open lacks %q", want)
		}
	}
	if strings.Contains(body, "CJ-201") {
		t.Error("GET /lists?status=open shows CJ-201 on the first page")
	}
	_, body = office.get(t, "/lists?status=open&page=2")
	if !strings.Contains(body, "CJ-250") || strings.Contains(body, "CJ-200<") {
		t.Error("GET /lists?status=open&page=2 does not show CJ-201 to CJ-250 alone")
	}
	if resp, _ := office.get(t, "/lists?page=zwei"); resp.StatusCode != http.StatusBadRequest {
		t.Errorf("GET /lists?page=zwei status = %d, want 400", resp.StatusCode)
	}
	if resp, body := office.get(t, "/lists?status=open&page=9"); resp.StatusCode != http.StatusOK || !strings.Contains(body, "CJ-250") {
		t.Errorf("GET /lists?status=open&page=9 status = %d, want 200 with the last page", resp.StatusCode)
	}

	resp, body := postForm(t, office, "/lists/done", map[string]string{
		"list": "场景应用", "item_id": "CJ-230", "date": "2026-10-21", "return": "/lists?status=open&page=2"})
	if resp.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(html.UnescapeString(body), "晚于今天") {
		t.Fatalf("POST a future mark = %d, want 422 with its error", resp.StatusCode)
	}
	if !strings.Contains(body, `value="2026-10-21"`) {
		t.Error("the rejected mark's form, on the item's page, lacks the date typed")
	}
	resp, _ = postForm(t, office, "/lists/done", map[string]string{
		"list": "场景应用", "item_id": "CJ-230", "date": "2026-10-19", "return": "/lists?status=open&page=2"})
	if loc := resp.Header.Get("Location"); loc != "/lists?marked=1&page=2&status=open" {
		t.Errorf("POST /lists/done Location = %q, want /lists?marked=1&page=2&status=open", loc)
	}
}

package web

import (
	"context"
	"fmt"
	"html"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"saima"
)

// TestMilestonesPaged checks that /milestones lists a city's milestones
// in pages of milestonesPerPage, keeps the filters in the links between
// pages, and counts every selected milestone in its summary. Unpaged, the
// 2,847 milestones of three years of a city of 90 units made a page of
// 1.5 MB.
func TestMilestonesPaged(t *testing.T) {
	env := newTestEnv(t, nil)
	var ms []saima.Milestone
	for i := range 450 {
		ms = append(ms, saima.Milestone{ProjectCode: fmt.Sprintf("NB-2025-%03d", i+1), Name: "上线",
			Unit: "宁波市海曙区", Planned: saima.NewDate(2025, 6, 30), Status: "进行中"})
	}
	b := &saima.Batch{Upload: saima.Upload{ID: "many", Dataset: saima.DatasetMilestones, Uploader: "office",
		FileName: "many.csv", At: time.Date(2026, 10, 1, 9, 0, 0, 0, saima.Beijing)}, Milestones: ms}
	if err := env.store.WriteBatch(context.Background(), b); err != nil {
		t.Fatal(err)
	}
	office := env.as(t, "office")

	tests := []struct {
		target string
		rows   int
		want   []string
		absent []string
	}{
		{"/milestones", 200,
			[]string{"共 450 个里程碑，其中 450 个已到计划日期", "第 1–200 条，共 450 条", "第 1/3 页",
				`href="/milestones?page=2"`, "NB-2025-001", "NB-2025-200"},
			[]string{"NB-2025-201", "上一页</a>"}},
		{"/milestones?page=2&overdue=1", 200,
			[]string{"第 201–400 条，共 450 条", `href="/milestones?overdue=1&amp;page=1"`,
				`href="/milestones?overdue=1&amp;page=3"`, "NB-2025-201", "NB-2025-400"},
			[]string{"NB-2025-200<", "NB-2025-401"}},
		{"/milestones?page=3", 50, []string{"第 401–450 条，共 450 条", "NB-2025-450"}, []string{"下一页</a>"}},
	}
	for _, tt := range tests {
		t.Run(tt.target, func(t *testing.T) {
			resp, body := office.get(t, tt.target)
			if resp.StatusCode != http.StatusOK {
				t.Fatalf("GET %s: status %d; body:\n%.500s", tt.target, resp.StatusCode, body)
			}
			if got := strings.Count(body, `<th scope="row">`); got != tt.rows {
				t.Errorf("GET %s lists %d milestones, want %d", tt.target, got, tt.rows)
			}
			text := html.UnescapeString(body)
			for _, w := range tt.want {
				if !strings.Contains(body, w) && !strings.Contains(text, w) {
					t.Errorf("GET %s lacks %q", tt.target, w)
				}
			}
			for _, a := range tt.absent {
				if strings.Contains(text, a) {
					t.Errorf("GET %s contains %q, want it absent", tt.target, a)
				}
			}
		})
	}

	for _, page := range []string{"4", "99999999999999999999"} {
		resp, body := office.get(t, "/milestones?page="+page)
		if resp.StatusCode != http.StatusOK || !strings.Contains(html.UnescapeString(body), "第 3/3 页") {
			t.Errorf("GET /milestones?page=%s: status %d, want 200 showing the last page, 第 3/3 页", page, resp.StatusCode)
		}
	}
	for _, page := range []string{"0", "x", "-1", "2.5"} {
		resp, body := office.get(t, "/milestones?page="+page)
		if resp.StatusCode != http.StatusBadRequest {
			t.Errorf("GET /milestones?page=%s: status %d, want 400", page, resp.StatusCode)
		}
		for _, want := range []string{"应为 1 至 3 的页码", "请在地址中把 page 改为这个范围内的整数，或去掉 page 从第 1 页看起"} {
			if !strings.Contains(html.UnescapeString(body), want) {
				t.Errorf("GET /milestones?page=%s lacks %q", page, want)
			}
		}
	}
}

// TestProblemsPaged checks that /problems lists 200 problems a page and
// counts every selected one. The 1,500 problems of three years of a city
// of 90 units made a page of 1 MB.
func TestProblemsPaged(t *testing.T) {
	env := newTestEnv(t, nil)
	var items []saima.ProblemItem
	for i := range 250 {
		items = append(items, saima.ProblemItem{ID: fmt.Sprintf("WT-2025-%03d", i+1), Unit: "宁波市海曙区",
			Source: "自查", Category: "进度滞后", Stage: "收集", Level: 1, Opened: saima.NewDate(2025, 6, 1),
			Summary: "进度慢于计划"})
	}
	b := &saima.Batch{Upload: saima.Upload{ID: "problems", Dataset: saima.DatasetProblems, Uploader: "office",
		FileName: "problems.csv", At: time.Date(2026, 10, 1, 9, 0, 0, 0, saima.Beijing)}, Problems: items}
	if err := env.store.WriteBatch(context.Background(), b); err != nil {
		t.Fatal(err)
	}
	office := env.as(t, "office")

	tests := []struct {
		target string
		rows   int
		want   []string
	}{
		{"/problems?open=1", 200, []string{"共 250 条问题", "第 1–200 条，共 250 条", `href="/problems?open=1&amp;page=2"`,
			"WT-2025-200"}},
		{"/problems?open=1&page=2", 50, []string{"共 250 条问题", "第 201–250 条，共 250 条", "WT-2025-250"}},
	}
	for _, tt := range tests {
		resp, body := office.get(t, tt.target)
		if resp.StatusCode != http.StatusOK {
			t.Fatalf("GET %s: status %d; body:\n%.500s", tt.target, resp.StatusCode, body)
		}
		if got := strings.Count(body, "<td class=\"nowrap\">WT-2025-"); got != tt.rows {
			t.Errorf("GET %s lists %d problems, want %d", tt.target, got, tt.rows)
		}
		for _, w := range tt.want {
			if !strings.Contains(body, w) && !strings.Contains(html.UnescapeString(body), w) {
				t.Errorf("GET %s lacks %q", tt.target, w)
			}
		}
	}
	if resp, body := office.get(t, "/problems?page=3"); resp.StatusCode != http.StatusOK || !strings.Contains(body, "第 2/2 页") {
		t.Errorf("GET /problems?page=3: status %d, want 200 showing the last page", resp.StatusCode)
	}
}

// TestLedgerPaged checks that /ledger shows 200 projects a page while its
// count, chart and exports cover every project of the filter.
func TestLedgerPaged(t *testing.T) {
	env := newTestEnv(t, nil)
	var ps []saima.Project
	for i := range 230 {
		ps = append(ps, saima.Project{Code: fmt.Sprintf("NB-2025-%03d", i+1), Name: fmt.Sprintf("项目%03d", i+1),
			Unit: "宁波市海曙区", System: "数字政府"})
	}
	b := &saima.Batch{Upload: saima.Upload{ID: "many", Dataset: saima.DatasetProjects, Uploader: "office",
		FileName: "many.csv", At: time.Date(2026, 10, 1, 9, 0, 0, 0, saima.Beijing)}, Projects: ps}
	if err := env.store.WriteBatch(context.Background(), b); err != nil {
		t.Fatal(err)
	}
	office := env.as(t, "office")

	_, body := office.get(t, "/ledger?system="+url.QueryEscape("数字政府"))
	text := html.UnescapeString(body)
	for _, want := range []string{"共 230 个项目", "第 1–200 条，共 230 条", "page=2&system=", "NB-2025-200"} {
		if !strings.Contains(text, want) {
			t.Errorf("GET /ledger lacks %q", want)
		}
	}
	if strings.Contains(text, "NB-2025-201") {
		t.Error("GET /ledger shows NB-2025-201 on the first page")
	}
	_, body = office.get(t, "/ledger?page=2")
	if !strings.Contains(body, "NB-2025-230") || strings.Contains(body, "NB-2025-200<") {
		t.Error("GET /ledger?page=2 does not show NB-2025-201 to NB-2025-230 alone")
	}
	if resp, body := office.get(t, "/ledger?page=3"); resp.StatusCode != http.StatusOK || !strings.Contains(body, "NB-2025-230") {
		t.Errorf("GET /ledger?page=3 status = %d, want 200 showing the last page", resp.StatusCode)
	}
	if resp, _ := office.get(t, "/ledger?page=0"); resp.StatusCode != http.StatusBadRequest {
		t.Errorf("GET /ledger?page=0 status = %d, want 400", resp.StatusCode)
	}
}

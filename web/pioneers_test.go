package web

import (
	"context"
	"fmt"
	"html"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/shopspring/decimal"

	"saima"
)

func mustDate(s string) saima.Date {
	d, err := saima.ParseDate(s)
	if err != nil {
		panic(err)
	}
	return d
}

func TestStateOf(t *testing.T) {
	asOf := mustDate("2026-10-20")
	done := func(s string) *saima.Date { d := mustDate(s); return &d }
	tests := []struct {
		name    string
		m       saima.Milestone
		want    milestoneState
		overdue bool
		due     bool
	}{
		{"DoneEarly", saima.Milestone{Planned: mustDate("2026-09-30"), Actual: done("2026-09-01")}, onTime, false, true},
		{"DoneOnTheDay", saima.Milestone{Planned: mustDate("2026-09-30"), Actual: done("2026-09-30")}, onTime, false, true},
		{"DoneLate", saima.Milestone{Planned: mustDate("2026-09-30"), Actual: done("2026-10-01")}, doneLate, true, true},
		{"OpenPastDue", saima.Milestone{Planned: mustDate("2026-10-19")}, overdueOpen, true, true},
		{"OpenDueToday", saima.Milestone{Planned: mustDate("2026-10-20")}, notDue, false, false},
		{"OpenFuture", saima.Milestone{Planned: mustDate("2026-12-31")}, notDue, false, false},
		{"DoneEarlyForFuture", saima.Milestone{Planned: mustDate("2026-12-31"), Actual: done("2026-10-01")}, onTime, false, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := stateOf(tt.m, asOf); got != tt.want {
				t.Errorf("stateOf = %v, want %v", got, tt.want)
			}
			if got := overdue(tt.m, asOf); got != tt.overdue {
				t.Errorf("overdue = %v, want %v", got, tt.overdue)
			}
			// The ledger's own rule, which the dashboards must agree with.
			if ledger := tt.m.Planned.Before(asOf) && tt.m.DaysLate(asOf) > 0; ledger != tt.overdue {
				t.Errorf("ledger rule says overdue = %v, dashboards %v", ledger, tt.overdue)
			}
			if got := dueBy(tt.m, asOf); got != tt.due {
				t.Errorf("dueBy = %v, want %v", got, tt.due)
			}
		})
	}
}

func TestPioneers(t *testing.T) {
	asOf := mustDate("2026-10-20")
	entry := func(code, stage, percent string, done int) saima.LedgerEntry {
		e := saima.LedgerEntry{Project: saima.Project{Code: code, Name: "项目" + code}, Stage: stage, MilestonesDone: done}
		if percent != "" {
			e.LatestPercent = decimal.NewNullDecimal(decimal.RequireFromString(percent))
		}
		return e
	}
	milestone := func(code, planned, actual string) saima.Milestone {
		m := saima.Milestone{ProjectCode: code, Name: code + planned, Planned: mustDate(planned)}
		if actual != "" {
			d := mustDate(actual)
			m.Actual = &d
		}
		return m
	}
	entries := []saima.LedgerEntry{
		entry("A", "实施", "95", 1),    // one of two milestones on time: 50 %
		entry("B", "评估", "95", 2),    // both on time: 100 %, ranks above A
		entry("C", "完成", "95", 0),    // nothing due yet: no rate, after A and B
		entry("D", "实施", "99", 0),    // an open overdue milestone: out
		entry("E", "决策", "100", 0),   // not implemented yet: out
		entry("F", "实施", "89.99", 0), // below 90 %: out
		entry("G", "实施", "", 0),      // no percent: out
		entry("H", "退出", "100", 0),   // exited: out
		entry("I", "实施", "90", 0),    // exactly 90 %: in
	}
	milestones := []saima.Milestone{
		milestone("A", "2026-06-30", "2026-06-28"), milestone("A", "2026-07-31", "2026-08-05"),
		milestone("B", "2026-06-30", "2026-06-30"), milestone("B", "2026-08-31", "2026-08-01"),
		milestone("C", "2026-12-31", ""),
		milestone("D", "2026-09-30", ""),
	}
	rows := pioneers(entries, milestones, asOf)
	var codes []string
	for _, r := range rows {
		codes = append(codes, r.Code)
	}
	if want := []string{"B", "A", "C", "I"}; !slices.Equal(codes, want) {
		t.Fatalf("pioneers = %v, want %v", codes, want)
	}
	if r := rows[1]; r.Rank != 2 || r.Due != 2 || r.OnTime != 1 || r.RateText() != "50.0%" {
		t.Errorf("A = rank %d, %d of %d on time (%s), want rank 2, 1 of 2, 50.0%%", r.Rank, r.OnTime, r.Due, r.RateText())
	}
	if r := rows[2]; r.Rate != nil || r.RateText() != "—" {
		t.Errorf("C rate = %v, want none because nothing is due", r.Rate)
	}
}

// TestPioneerTies checks that projects equal on every measure share a
// rank, and that the list takes in every project tied with its last
// place, rather than letting the project code decide who is listed.
func TestPioneerTies(t *testing.T) {
	asOf := mustDate("2026-10-20")
	var entries []saima.LedgerEntry
	var milestones []saima.Milestone
	add := func(code, percent string) {
		entries = append(entries, saima.LedgerEntry{Project: saima.Project{Code: code, Name: "项目" + code},
			Stage: "实施", MilestonesDone: 1, LatestPercent: decimal.NewNullDecimal(decimal.RequireFromString(percent))})
		done := mustDate("2026-06-01")
		milestones = append(milestones, saima.Milestone{ProjectCode: code, Name: code, Planned: mustDate("2026-06-30"), Actual: &done})
	}

	// Eight projects at 100 %, then four equal ones at 95 % on places 9 to 12.
	for _, code := range []string{"A1", "A2", "A3", "A4", "A5", "A6", "A7", "A8"} {
		add(code, "100")
	}
	for _, code := range []string{"B4", "B3", "B2", "B1"} {
		add(code, "95")
	}

	rows := pioneers(entries, milestones, asOf)
	var ranks []int
	var codes []string
	for _, r := range rows {
		ranks = append(ranks, r.Rank)
		codes = append(codes, r.Code)
	}

	if want := []int{1, 1, 1, 1, 1, 1, 1, 1, 9, 9, 9, 9}; !slices.Equal(ranks, want) {
		t.Errorf("ranks = %v, want %v", ranks, want)
	}
	if want := []string{"A1", "A2", "A3", "A4", "A5", "A6", "A7", "A8", "B1", "B2", "B3", "B4"}; !slices.Equal(codes, want) {
		t.Errorf("codes = %v, want %v: ties in code order", codes, want)
	}
	if got := len(listedPioneers(rows)); got != 12 {
		t.Errorf("listed %d projects, want all 12: B1 to B4 share the 9th place", got)
	}

	// Without the tie only the first ten are listed.
	rows[10].Rank, rows[11].Rank = 11, 12
	if got := len(listedPioneers(rows)); got != 10 {
		t.Errorf("listed %d projects, want 10", got)
	}
}

// writePioneerBatches writes projects, stages, milestones and progress with
// the given upload time, so that a test controls which period knew them.
func writePioneerBatches(t *testing.T, env *testEnv, id string, at time.Time, batches ...*saima.Batch) {
	t.Helper()
	for i, b := range batches {
		b.Upload.ID = fmt.Sprintf("%s-%d", id, i)
		b.Upload.Uploader = "office"
		b.Upload.At = at.Add(time.Duration(i) * time.Minute)
		b.Upload.FileName = b.Upload.Dataset + ".csv"
		if err := env.store.WriteBatch(context.Background(), b); err != nil {
			t.Fatalf("write %s: %v", b.Upload.Dataset, err)
		}
	}
}

// listedPioneerCodes returns the project codes of the pioneer table, in
// order.
func listedPioneerCodes(body string) []string {
	var codes []string
	for _, m := range regexp.MustCompile(`<td class="nowrap"><a href="/ledger\?q=([^"]+)">`).FindAllStringSubmatch(body, -1) {
		codes = append(codes, m[1])
	}
	return codes
}

// TestPioneersPastPeriod checks that the list of an ended quarter is
// judged on its last day and on the uploads sent before it ended, so that
// later uploads leave it as it was, while today's list reads them.
func TestPioneersPastPeriod(t *testing.T) {
	env := newTestEnv(t, nil)
	pct := func(s string) decimal.NullDecimal { return decimal.NewNullDecimal(decimal.RequireFromString(s)) }
	q3, q4 := saima.Quarter(2026, 3), saima.Quarter(2026, 4)

	// By the end of 2026Q3, NB-P-1 is at 95 % with a milestone due on
	// 2026-10-10, and NB-P-2 at 80 %.
	writePioneerBatches(t, env, "q3", time.Date(2026, 9, 20, 10, 0, 0, 0, saima.Beijing),
		&saima.Batch{Upload: saima.Upload{Dataset: saima.DatasetProjects}, Projects: []saima.Project{
			{Code: "NB-P-1", Name: "先锋一", Unit: "宁波市江北区", System: "整体智治", Batch: "继续推进"},
			{Code: "NB-P-2", Name: "先锋二", Unit: "宁波市海曙区", System: "数字政府", Batch: "继续推进"},
		}},
		&saima.Batch{Upload: saima.Upload{Dataset: saima.DatasetStages}, Stages: []saima.StageEvent{
			{ProjectCode: "NB-P-1", Stage: "实施", Date: mustDate("2026-04-01")},
			{ProjectCode: "NB-P-2", Stage: "实施", Date: mustDate("2026-04-01")},
		}},
		&saima.Batch{Upload: saima.Upload{Dataset: saima.DatasetMilestones}, Milestones: []saima.Milestone{
			{ProjectCode: "NB-P-1", Name: "上线", Planned: mustDate("2026-10-10"), Status: "进行中"},
		}},
		&saima.Batch{Upload: saima.Upload{Dataset: saima.DatasetProgress}, Progress: []saima.ProgressReport{
			{Unit: "宁波市江北区", ProjectCode: "NB-P-1", ProjectName: "先锋一", Period: q3, Percent: pct("95")},
			{Unit: "宁波市海曙区", ProjectCode: "NB-P-2", ProjectName: "先锋二", Period: q3, Percent: pct("80")},
		}},
	)
	_, before := env.get(t, "/pioneers?period=2026Q3")

	// After the quarter, NB-P-2 reports 98 % and a Q3 milestone done on
	// time, and NB-P-1's milestone has been overdue since 2026-10-10.
	writePioneerBatches(t, env, "q4", time.Date(2026, 10, 18, 10, 0, 0, 0, saima.Beijing),
		&saima.Batch{Upload: saima.Upload{Dataset: saima.DatasetProgress}, Progress: []saima.ProgressReport{
			{Unit: "宁波市海曙区", ProjectCode: "NB-P-2", ProjectName: "先锋二", Period: q4, Percent: pct("98")},
		}},
	)

	resp, body := env.get(t, "/pioneers?period=2026Q3")
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("GET /pioneers?period=2026Q3 status = %d, want 200; body:\n%s", resp.StatusCode, body)
	}
	if got, want := listedPioneerCodes(body), []string{"NB-P-1"}; !slices.Equal(got, want) {
		t.Errorf("2026Q3 list = %v, want %v", got, want)
	}
	if got, want := listedPioneerCodes(before), listedPioneerCodes(body); !slices.Equal(got, want) {
		t.Errorf("2026Q3 list before a later upload = %v, after = %v", got, want)
	}
	text := html.UnescapeString(body)
	for _, w := range []string{"2026年第三季度先锋榜", "截至 2026-09-30 没有逾期未完成的里程碑", "只计该日结束前上传的数据",
		`name="period" value="2026Q3"`} {
		if !strings.Contains(text, w) {
			t.Errorf("2026Q3 page lacks %q", w)
		}
	}

	for _, target := range []string{"/pioneers", "/pioneers?period=2026Q4", "/pioneers?period=2026"} {
		resp, body := env.get(t, target)
		if resp.StatusCode != http.StatusOK {
			t.Fatalf("GET %s status = %d, want 200; body:\n%s", target, resp.StatusCode, body)
		}
		if got, want := listedPioneerCodes(body), []string{"NB-P-2"}; !slices.Equal(got, want) {
			t.Errorf("GET %s lists %v, want %v", target, got, want)
		}
		if !strings.Contains(body, "2026-10-20") {
			t.Errorf("GET %s does not judge on today, 2026-10-20", target)
		}
	}
}

// TestPioneersPeriodInvalid checks that a month, a period not yet begun
// and a value that is no period get 400 with the value and what to give.
func TestPioneersPeriodInvalid(t *testing.T) {
	env := newTestEnv(t, nil)
	tests := []struct{ value, want string }{
		{"2026-09", "先锋榜按季度或年度评选"},
		{"2027Q1", "尚未开始"},
		{"2027", "尚未开始"},
		{"上季度", "应为季度（如 2026Q3）或年度（如 2026）"},
	}
	for _, tt := range tests {
		target := "/pioneers?period=" + url.QueryEscape(tt.value)
		resp, body := env.get(t, target)
		if resp.StatusCode != http.StatusBadRequest {
			t.Errorf("GET %s status = %d, want 400", target, resp.StatusCode)
		}
		text := html.UnescapeString(body)
		for _, w := range []string{tt.value, tt.want} {
			if !strings.Contains(text, w) {
				t.Errorf("GET %s: error page lacks %q", target, w)
			}
		}
	}
}

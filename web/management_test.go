package web

import (
	"slices"
	"strings"
	"testing"

	"github.com/shopspring/decimal"

	"saima"
)

func mgmtDate(s string) *saima.Date {
	d, err := saima.ParseDate(s)
	if err != nil {
		panic(err)
	}
	return &d
}

func TestExitCandidates(t *testing.T) {
	asOf := *mgmtDate("2026-10-20")
	late := func(planned string) saima.Milestone {
		return saima.Milestone{Name: "上线", Planned: *mgmtDate(planned)}
	}
	pct := func(s string) decimal.NullDecimal {
		return decimal.NullDecimal{Decimal: decimal.RequireFromString(s), Valid: true}
	}
	entry := func(code, stage string, edit func(*saima.LedgerEntry)) saima.LedgerEntry {
		e := saima.LedgerEntry{Project: saima.Project{Code: code}, Stage: stage}
		if edit != nil {
			edit(&e)
		}
		return e
	}
	tests := []struct {
		name  string
		entry saima.LedgerEntry
		want  string // a reason substring; "" for no candidate
	}{
		{"OverdueBeyondLimit", entry("A", "实施", func(e *saima.LedgerEntry) {
			e.Overdue = []saima.Milestone{late("2026-06-30")}
		}), "已逾期 112 天"},
		{"OverdueWithinLimit", entry("B", "实施", func(e *saima.LedgerEntry) {
			e.Overdue = []saima.Milestone{late("2026-09-30")}
		}), ""},
		{"DoneLateIsNoCandidate", entry("C", "实施", func(e *saima.LedgerEntry) {
			m := late("2026-01-31")
			m.Actual = mgmtDate("2026-06-30")
			e.Overdue = []saima.Milestone{m}
		}), ""},
		// 180 of the 361 days from start to due had passed at the end of
		// 2026Q2, so the plan is 49.86 %.
		{"FarBelowPlan", entry("D", "实施", func(e *saima.LedgerEntry) {
			e.StartDate, e.DueDate = mgmtDate("2026-01-01"), mgmtDate("2026-12-28")
			e.LatestPercent, e.LatestPeriod = pct("10"), saima.Quarter(2026, 2)
		}), "低于计划 39.9 个百分点"},
		{"SlightlyBelowPlan", entry("E", "实施", func(e *saima.LedgerEntry) {
			e.StartDate, e.DueDate = mgmtDate("2026-01-01"), mgmtDate("2026-12-28")
			e.LatestPercent, e.LatestPeriod = pct("40"), saima.Quarter(2026, 2)
		}), ""},
		// 2026Q4 runs on 2026-10-20, when 292 of the 364 days from start
		// to due have passed, so the plan is 80.22 %, not the 100 % of
		// the quarter's end.
		{"RunningQuarterWithinGap", entry("G", "实施", func(e *saima.LedgerEntry) {
			e.StartDate, e.DueDate = mgmtDate("2026-01-01"), mgmtDate("2026-12-31")
			e.LatestPercent, e.LatestPeriod = pct("55"), saima.Quarter(2026, 4)
		}), ""},
		{"RunningQuarterBelowPlan", entry("H", "实施", func(e *saima.LedgerEntry) {
			e.StartDate, e.DueDate = mgmtDate("2026-01-01"), mgmtDate("2026-12-31")
			e.LatestPercent, e.LatestPeriod = pct("40"), saima.Quarter(2026, 4)
		}), "低于截至2026-10-20的计划 40.2 个百分点"},
		// A project is judged at its due date (到点评估). 112 days after
		// it, still short of 评估, it is a candidate as an overdue
		// milestone would be.
		{"PastDueWithoutEvaluation", entry("I", "实施", func(e *saima.LedgerEntry) {
			e.DueDate = mgmtDate("2026-06-30")
		}), "计划完成日期 2026-06-30 已过 112 天，尚未评估"},
		{"PastDueWithinLimit", entry("J", "实施", func(e *saima.LedgerEntry) {
			e.DueDate = mgmtDate("2026-09-30")
		}), ""},
		{"PastDueEvaluated", entry("K", "评估", func(e *saima.LedgerEntry) {
			e.DueDate = mgmtDate("2026-01-31")
		}), ""},
		{"ExitedIsNoCandidate", entry("F", "退出", func(e *saima.LedgerEntry) {
			e.Overdue = []saima.Milestone{late("2026-01-31")}
		}), ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := exitCandidates([]saima.LedgerEntry{tt.entry}, DefaultExitRules(), asOf)
			switch {
			case tt.want == "" && len(got) != 0:
				t.Errorf("exitCandidates(%s) = %v, want none", tt.entry.Code, got[0].Reasons)
			case tt.want != "" && (len(got) != 1 || !strings.Contains(strings.Join(got[0].Reasons, "；"), tt.want)):
				t.Errorf("exitCandidates(%s) = %v, want one with %q", tt.entry.Code, got, tt.want)
			}
		})
	}
}

func TestYearBatch(t *testing.T) {
	tests := []struct {
		name       string
		start, due string
		first, end string // the lifespan; first "" for a project without stage events
		year       int
		want       string
	}{
		{"StartedEarlier", "2025-03-01", "2026-12-31", "2025-01-10", "", 2026, "继续推进"},
		{"StartsThisYear", "2026-03-01", "2026-12-31", "2026-01-10", "", 2026, "启动实施"},
		{"NotStarted", "", "2027-06-30", "2026-05-01", "", 2026, "谋划设计"},
		{"StartsLater", "2027-02-01", "2027-12-31", "2026-09-01", "", 2026, "谋划设计"},
		{"ExitedBefore", "", "2026-06-30", "2025-02-01", "2025-11-01", 2026, ""},
		{"FinishedThisYear", "2025-01-01", "2026-03-31", "2024-11-01", "2026-05-01", 2026, "继续推进"},
		// A project past its due date that has not ended is still running.
		{"DueBeforeStillRunning", "2024-01-01", "2025-06-30", "2023-12-01", "", 2026, "继续推进"},
		// NB-2026-045 of the demo: first filed in October 2026.
		{"FiledLater", "", "2027-06-30", "2026-10-29", "", 2025, ""},
		{"FiledAndExitedLater", "", "2027-06-30", "2026-09-24", "2026-10-29", 2025, ""},
		{"NoStageEvent", "2025-03-01", "2026-12-31", "", "", 2026, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := saima.LedgerEntry{}
			if tt.start != "" {
				e.StartDate = mgmtDate(tt.start)
			}
			e.DueDate = mgmtDate(tt.due)
			var life *saima.Lifespan
			if tt.first != "" {
				life = &saima.Lifespan{First: *mgmtDate(tt.first)}
				if tt.end != "" {
					life.End = mgmtDate(tt.end)
				}
			}
			if got := yearBatch(e, life, tt.year); got != tt.want {
				t.Errorf("yearBatch(%s) = %q, want %q", tt.name, got, tt.want)
			}
		})
	}
}

func TestManagementPage(t *testing.T) {
	env := newSeededEnv(t)
	tests := []struct {
		name   string
		user   string
		target string
		status int
		want   []string
	}{
		// NB-2026-004's milestone was due 2026-08-31: 50 days late on
		// testNow, so a 30-day limit lists it and the default does not.
		{"Defaults", "office", "/management", 200, []string{"年度批次", "2026年", "按当前标准没有退出候选项目"}},
		{"ShorterLimit", "leader", "/management?overdue_days=30", 200, []string{"退出候选（", "已逾期 50 天"}},
		{"BatchFilter", "office", "/management?year=2026&batch=" + "谋划设计", 200, []string{"2026年谋划设计项目"}},
		{"ErrBadYear", "office", "/management?year=abc", 400, []string{"应为四位年份，如 2026"}},
		{"ErrBadBatch", "office", "/management?batch=" + "%3Cb%3E", 400, []string{"可选值为"}},
		{"UnitForbidden", "haishu", "/management", 403, nil},
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
			assertNoRawInjection(t, tt.target, body)
		})
	}
}

// TestLedgerYears checks the years that /management lists. They are every
// year from the first stage event to this year, and of the later years
// only those in which a project starts or is due. One project due in 2098
// adds one row, not seventy alike.
func TestLedgerYears(t *testing.T) {
	entries := []saima.LedgerEntry{
		{Project: saima.Project{Code: "A", StartDate: mgmtDate("2025-03-01"), DueDate: mgmtDate("2027-06-30")}},
		{Project: saima.Project{Code: "B", StartDate: mgmtDate("2029-01-01"), DueDate: mgmtDate("2098-12-31")}},
		{Project: saima.Project{Code: "C"}},
	}
	lives := map[string]saima.Lifespan{"A": {First: *mgmtDate("2024-11-01")}, "B": {First: *mgmtDate("2026-05-01")}}
	want := []int{2098, 2029, 2027, 2026, 2025, 2024}
	if got := ledgerYears(entries, lives, 2026); !slices.Equal(got, want) {
		t.Errorf("ledgerYears = %v, want %v", got, want)
	}
}

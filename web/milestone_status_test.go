package web

import (
	"context"
	"html"
	"net/http"
	"regexp"
	"strings"
	"testing"
	"time"

	"saima"
	"saima/scoring"
)

// writeStatusHistory adds to the seed ledger a milestone of 宁波市海曙区
// planned for 31 July and reported open on 10 July, then reported done on
// 20 August by an upload of 5 September. So July is red then and now, and
// August was red at its end but is yellow now.
//
// The seed's own milestones were uploaded on 15 October, after every month
// the page shows by default: 驾驶舱上线 (planned 30 September, open) is red
// in September now but had no record then.
func writeStatusHistory(t *testing.T, env *testEnv) {
	t.Helper()
	open := saima.Milestone{ProjectCode: "NB-2026-001", Name: "接口联调", Planned: mustDate("2026-07-31"), Status: "进行中"}
	done := open
	done.Actual, done.Status = new(mustDate("2026-08-20")), "已完成"
	batches := []*saima.Batch{
		{Upload: saima.Upload{ID: "status-july", At: time.Date(2026, 7, 10, 9, 0, 0, 0, saima.Beijing)},
			Milestones: []saima.Milestone{open}},
		{Upload: saima.Upload{ID: "status-fix", At: time.Date(2026, 9, 5, 9, 0, 0, 0, saima.Beijing)},
			Milestones: []saima.Milestone{done}},
	}
	for _, b := range batches {
		b.Upload.Dataset, b.Upload.Uploader, b.Upload.FileName = saima.DatasetMilestones, "office", b.Upload.ID+".csv"
		if err := env.store.WriteBatch(context.Background(), b); err != nil {
			t.Fatalf("write %s: %v", b.Upload.ID, err)
		}
	}
}

func TestMilestoneStatusPage(t *testing.T) {
	env := newSeededEnv(t)
	writeStatusHistory(t, env)

	tests := []struct {
		name   string
		user   string
		target string
		status int
		want   []string
		absent []string
	}{
		{
			// Counts read red/yellow/green; a revised cell shows the
			// counts at the month's end in brackets.
			name: "Grid", user: "office", target: "/milestones/status", status: 200,
			want: []string{
				"里程碑亮灯（截至2026年9月）", "2025-10", "2026-09",
				// A screen reader reads the counts with their colours in
				// place of the bare numbers.
				`<span title="红灯 1，黄灯 0，绿灯 0" aria-hidden="true">1/0/0</span><span class="visually-hidden">红灯 1，黄灯 0，绿灯 0</span></td>`,
				`<span title="红灯 0，黄灯 1，绿灯 0" aria-hidden="true">0/1/0</span><span class="visually-hidden">红灯 0，黄灯 1，绿灯 0</span>` +
					`*<small aria-hidden="true">（1/0/0）</small><span class="visually-hidden">（月末时所报：红灯 1，黄灯 0，绿灯 0）</span>`,
				`<span title="红灯 1，黄灯 0，绿灯 0" aria-hidden="true">1/0/0</span><span class="visually-hidden">红灯 1，黄灯 0，绿灯 0</span>` +
					`*<small aria-hidden="true">（0/0/0）</small><span class="visually-hidden">（月末时所报：红灯 0，黄灯 0，绿灯 0）</span>`,
			},
			absent: []string{"接口联调"},
		},
		{
			name: "UnitTimeline", user: "leader", target: "/milestones/status?unit=宁波市海曙区", status: 200,
			want: []string{
				"宁波市海曙区里程碑亮灯（截至2026年9月）", "城市大脑驾驶舱", "接口联调",
				`light-red">红灯</td>`,
				`light-yellow">黄灯*<small>（当时红灯）</small>`,
				`light-red">红灯*<small>（当时无）</small>`,
			},
		},
		{
			name: "ProjectTimeline", user: "office", target: "/milestones/status?project=NB-2026-001&month=2026-08",
			status: 200,
			want:   []string{"NB-2026-001里程碑亮灯（截至2026年8月）", "接口联调", "2025-09", "完成数据归集"},
			absent: []string{"2026-09</th>", "方案评审"},
		},
		{
			name: "EarlierMonth", user: "office", target: "/milestones/status?month=2026-07", status: 200,
			want:   []string{`<span title="红灯 1，黄灯 0，绿灯 0" aria-hidden="true">1/0/0</span><span class="visually-hidden">红灯 1，黄灯 0，绿灯 0</span></td>`},
			absent: []string{"1/0/0</span>*", "2026-08</th>"},
		},
		{name: "ErrMonthRunning", user: "office", target: "/milestones/status?month=2026-10", status: 400,
			want: []string{"该月尚未结束，最近一个已结束的月份是 2026-09"}},
		{name: "ErrQuarter", user: "office", target: "/milestones/status?month=2026Q3", status: 400,
			want: []string{"应为月份"}},
		{name: "UnitForbidden", user: "haishu", target: "/milestones/status", status: 403},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			resp, body := env.as(t, tt.user).get(t, tt.target)
			if resp.StatusCode != tt.status {
				t.Fatalf("GET %s status = %d, want %d; body:\n%s", tt.target, resp.StatusCode, tt.status, body)
			}
			text := html.UnescapeString(body)
			for _, w := range tt.want {
				if !strings.Contains(text, w) {
					t.Errorf("GET %s body lacks %q", tt.target, w)
				}
			}
			for _, a := range tt.absent {
				if strings.Contains(text, a) {
					t.Errorf("GET %s body contains %q, want it absent", tt.target, a)
				}
			}
			assertNoRawInjection(t, tt.target, body)
		})
	}
}

func TestStatusRowsCountsThen(t *testing.T) {
	sep := saima.Month(2026, 9)
	page := milestoneStatusPage{Month: sep, Months: []saima.Period{sep}, Units: []string{"甲", "乙"}}
	current := []saima.Milestone{
		{ProjectCode: "A", Name: "a", Unit: "甲", Planned: mustDate("2026-09-10"), Actual: new(mustDate("2026-09-09"))},
		{ProjectCode: "B", Name: "b", Unit: "乙", Planned: mustDate("2026-08-10")},
	}
	// The old record names no unit, because its project was uploaded
	// later, so it counts for the current unit.
	then := map[saima.Period][]saima.Milestone{sep: {
		{ProjectCode: "A", Name: "a", Planned: mustDate("2026-09-10")},
	}}

	rows := statusRows(page, current, then)
	if len(rows) != 2 {
		t.Fatalf("statusRows = %d rows, want 2", len(rows))
	}
	tests := []struct {
		row       statusRow
		unit      string
		now, past scoring.ColourCounts
	}{
		{rows[0], "甲", scoring.ColourCounts{Green: 1}, scoring.ColourCounts{Red: 1}},
		{rows[1], "乙", scoring.ColourCounts{Red: 1}, scoring.ColourCounts{}},
	}
	for _, tt := range tests {
		c := tt.row.Cells[0]
		if tt.row.Unit != tt.unit || c.Now != tt.now || c.Then != tt.past {
			t.Errorf("row %s = now %+v then %+v, want %s now %+v then %+v",
				tt.row.Unit, c.Now, c.Then, tt.unit, tt.now, tt.past)
		}
	}
}

// listRules adds rank lists by composite to evaluationRules, under which
// 宁波市江北区 scores 84, the injection-named district 80 and 宁波市海曙区
// 66. min_track: 1 lets the 3-unit track have a top 3, which the default
// minimum of twice the list's length would withhold.
func listRules(exempt string) string {
	return evaluationRules + `lists:
  - {name: 红榜, top: 3, min_track: 1, when: {source: composite, at_least: 80}}
  - {name: 黑榜, bottom: 1, when: {source: composite, below: 70}, exempt: [` + exempt + `]}
`
}

func TestLeaderboardLists(t *testing.T) {
	tests := []struct {
		name   string
		rules  string
		want   []string
		absent []string
	}{
		{"RedAndBlack", listRules(""),
			[]string{"<dt>红榜</dt>", "宁波市江北区</a>、<a href=", "<dt>黑榜</dt>", "宁波市海曙区</a></dd>", "人工调整不改变榜单"},
			nil},
		{"Exempt", listRules("宁波市海曙区"), []string{"<dt>红榜</dt>"}, []string{"<dt>黑榜</dt>"}},
		{"NoLists", evaluationRules, nil, []string{"<dt>红榜</dt>", "人工调整不改变榜单"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			env := newTestEnv(t, nil)
			writeEvaluationLedger(t, env.store)
			svc := &scoring.Service{Store: env.store, Rules: []byte(tt.rules)}
			if _, err := svc.Draft(context.Background(), q2, "saima score"); err != nil {
				t.Fatal(err)
			}

			resp, body := env.get(t, "/leaderboard?period=2026Q2")
			if resp.StatusCode != http.StatusOK {
				t.Fatalf("GET /leaderboard status = %d, want 200", resp.StatusCode)
			}
			text := html.UnescapeString(body)
			for _, w := range tt.want {
				if !strings.Contains(text, w) {
					t.Errorf("leaderboard lacks %q", w)
				}
			}
			for _, a := range tt.absent {
				if strings.Contains(text, a) {
					t.Errorf("leaderboard contains %q, want it absent", a)
				}
			}
			assertNoRawInjection(t, "leaderboard lists", body)
		})
	}
}

// TestLeaderboardListsMarkOverrides checks that a unit kept on a list by
// its computed result, whose composite an override changed, is marked on
// the list with † and a note that gives both results.
func TestLeaderboardListsMarkOverrides(t *testing.T) {
	env := newTestEnv(t, nil)
	writeEvaluationLedger(t, env.store)
	svc := &scoring.Service{Store: env.store, Rules: []byte(listRules(""))}
	if _, err := svc.Draft(context.Background(), q2, "saima score"); err != nil {
		t.Fatal(err)
	}
	_, err := svc.Override(context.Background(), scoring.Override{Period: q2, Unit: "宁波市江北区", Value: 50,
		By: "王五", Why: "核减"})
	if err != nil {
		t.Fatal(err)
	}

	_, body := env.get(t, "/leaderboard?period=2026Q2")
	text := html.UnescapeString(body)
	red := regexp.MustCompile(`<dt>红榜</dt>\s*<dd>(.*?)</dd>`).FindStringSubmatch(text)
	if red == nil {
		t.Fatalf("leaderboard has no 红榜:\n%s", text)
	}
	marked := regexp.MustCompile(`宁波市江北区</a><span aria-hidden="true">†</span><span class="visually-hidden">（[^<]*）</span>`)
	if !marked.MatchString(red[1]) {
		t.Errorf("红榜 = %q, want 宁波市江北区 marked †", red[1])
	}
	if strings.Count(red[1], "†") != 1 {
		t.Errorf("红榜 = %q, want only 宁波市江北区 marked", red[1])
	}
	if first := strings.Index(red[1], "宁波市江北区"); first > strings.Index(red[1], "alert(1)") {
		t.Errorf("红榜 = %q, want 宁波市江北区 first, as the computed ranking has it", red[1])
	}
	note := "† 宁波市江北区：综合得分经人工调整为 50.0（第 3 名），计算值 84.0（第 1 名）；榜单按计算结果确定。"
	if !strings.Contains(text, note) {
		t.Errorf("leaderboard lacks the list note %q", note)
	}
}

// TestMilestoneStatusBeforeFirstUpload checks that months whose end came
// before any milestone was uploaded show the current counts without a
// revision mark. A city that loads years of history at once had every
// cell marked * with （0/0/0） as if its units had reported nothing.
func TestMilestoneStatusBeforeFirstUpload(t *testing.T) {
	env := newTestEnv(t, nil)
	done := saima.NewDate(2026, 3, 20)
	history := &saima.Batch{Upload: saima.Upload{ID: "history", Dataset: saima.DatasetMilestones, Uploader: "office",
		FileName: "history.csv", At: time.Date(2026, 8, 10, 9, 0, 0, 0, saima.Beijing)},
		Milestones: []saima.Milestone{
			{ProjectCode: "NB-2025-001", Name: "上线", Unit: "宁波市海曙区", Planned: saima.NewDate(2026, 3, 31),
				Actual: &done, Status: "已完成"},
			{ProjectCode: "NB-2025-002", Name: "验收", Unit: "宁波市海曙区", Planned: saima.NewDate(2026, 5, 31),
				Status: "进行中"},
		}}
	if err := env.store.WriteBatch(context.Background(), history); err != nil {
		t.Fatal(err)
	}

	resp, body := env.as(t, "office").get(t, "/milestones/status?month=2026-09")
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("GET /milestones/status: status %d; body:\n%.500s", resp.StatusCode, body)
	}
	body = html.UnescapeString(body)
	for _, want := range []string{
		`<span title="红灯 0，黄灯 0，绿灯 1" aria-hidden="true">0/0/1</span><span class="visually-hidden">红灯 0，黄灯 0，绿灯 1</span></td>`, // 2026-03, before the upload
		`<span title="红灯 1，黄灯 0，绿灯 0" aria-hidden="true">1/0/0</span><span class="visually-hidden">红灯 1，黄灯 0，绿灯 0</span></td>`, // 2026-05 to 2026-07
		`<span title="红灯 1，黄灯 0，绿灯 0" aria-hidden="true">1/0/0</span><span class="visually-hidden">红灯 1，黄灯 0，绿灯 0</span>`,      // 2026-08 and 2026-09, after it
		"2025-10 至 2026-07 的月末还没有上传过里程碑",
	} {
		if !strings.Contains(body, want) {
			t.Errorf("status page lacks %q", want)
		}
	}
	if strings.Count(body, "*<small>") != 0 {
		t.Errorf("status page marks %d cells as revised, want none: no upload changed what was reported",
			strings.Count(body, "*<small>"))
	}
}

package clickhouse_test

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"saima"
	"saima/clickhouse"
	"saima/clickhouse/chtest"
)

func TestListItemsAndDone(t *testing.T) {
	chtest.ForEachEngine(t, func(t *testing.T, s *clickhouse.Store) {
		ctx := context.Background()
		writeBatch(t, s, &saima.Batch{Upload: upload(saima.DatasetLists), ListItems: []saima.ListItem{
			{List: "重大需求", ID: "XQ-2", Name: "跨部门审批", Unit: "市民政局", Goal: "上线", Deadline: *date("2026-09-30")},
			{List: "重大需求", ID: "XQ-1", Name: "一件事", Unit: "宁波市海曙区", Goal: "试点", Deadline: *date("2026-06-30")},
			{List: "制度建设", ID: "XQ-1", Name: "数据共享办法", Unit: "市民政局", Deadline: *date("2026-12-31")},
		}})
		// A corrected deadline replaces the first version; the same ID on
		// another list is another item.
		writeBatch(t, s, &saima.Batch{Upload: upload(saima.DatasetLists), ListItems: []saima.ListItem{
			{List: "重大需求", ID: "XQ-2", Name: "跨部门审批", Unit: "市民政局", Goal: "上线", Deadline: *date("2026-10-31")},
		}})
		up := upload(saima.DatasetListDone)
		up.Uploader = "gaigeban"
		writeBatch(t, s, &saima.Batch{Upload: up, ListDone: []saima.ListDone{
			{List: "重大需求", ItemID: "XQ-1", Unit: "宁波市海曙区", Date: *date("2026-06-20")},
			{List: "制度建设", ItemID: "XQ-1", Unit: "市民政局", Date: *date("2026-07-01"), By: "张三", Note: "已印发"},
		}})

		items, err := s.ListListItems(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if len(items) != 3 {
			t.Fatalf("ListListItems() = %d items, want 3", len(items))
		}
		if items[2].ID != "XQ-2" || items[2].Deadline.String() != "2026-10-31" {
			t.Errorf("ListListItems()[2] = %s %s, want XQ-2 2026-10-31", items[2].ID, items[2].Deadline)
		}

		done, err := s.ListListDone(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if len(done) != 2 {
			t.Fatalf("ListListDone() = %d marks, want 2", len(done))
		}
		if done[0].List != "制度建设" || done[0].By != "张三" || done[0].Note != "已印发" {
			t.Errorf("ListListDone()[0] = %+v, want 制度建设 marked by 张三", done[0])
		}
		if done[1].By != "gaigeban" {
			t.Errorf("ListListDone()[1].By = %q, want the uploader gaigeban", done[1].By)
		}
	})
}

// TestListItemsStartDays checks the days a done mark may not precede: an
// item's 下达日期 as uploaded, and the day of the first upload that wrote
// it, which a later correction of the item keeps.
func TestListItemsStartDays(t *testing.T) {
	chtest.ForEachEngine(t, func(t *testing.T, s *clickhouse.Store) {
		ctx := context.Background()
		first := upload(saima.DatasetLists)
		first.At = time.Date(2026, 10, 9, 23, 30, 0, 0, saima.Beijing) // 15:30 UTC, a day earlier than in Beijing
		writeBatch(t, s, &saima.Batch{Upload: first, ListItems: []saima.ListItem{
			{List: "重大需求", ID: "XQ-1", Name: "一件事", Unit: "宁波市海曙区", Deadline: *date("2026-12-31"),
				Issued: date("2026-03-01")},
			{List: "重大需求", ID: "XQ-2", Name: "跨部门审批", Unit: "市民政局", Deadline: *date("2026-12-31")},
		}})
		later := upload(saima.DatasetLists)
		later.At = time.Date(2026, 10, 20, 9, 0, 0, 0, saima.Beijing)
		writeBatch(t, s, &saima.Batch{Upload: later, ListItems: []saima.ListItem{
			{List: "重大需求", ID: "XQ-2", Name: "跨部门审批", Unit: "市民政局", Deadline: *date("2027-03-31")},
			{List: "重大需求", ID: "XQ-3", Name: "新增事项", Unit: "市民政局", Deadline: *date("2027-03-31")},
		}})

		items, err := s.ListListItems(ctx)
		if err != nil {
			t.Fatal(err)
		}
		var got []string
		for _, it := range items {
			issued := "-"
			if it.Issued != nil {
				issued = it.Issued.String()
			}
			got = append(got, fmt.Sprintf("%s %s %s", it.ID, issued, it.Recorded))
		}
		want := []string{"XQ-1 2026-03-01 2026-10-09", "XQ-2 - 2026-10-09", "XQ-3 - 2026-10-20"}
		if !slices.Equal(got, want) {
			t.Errorf("ListListItems() ID, 下达日期, recorded = %q, want %q", got, want)
		}
	})
}

func TestListProblemSteps(t *testing.T) {
	chtest.ForEachEngine(t, func(t *testing.T, s *clickhouse.Store) {
		ctx := context.Background()
		writeBatch(t, s, &saima.Batch{Upload: upload(saima.DatasetProblemSteps), ProblemSteps: []saima.ProblemStep{
			{ProblemID: "P1", Step: "收集", Level: 1, Date: *date("2026-03-01")},
			{ProblemID: "P1", Step: saima.StepEscalate, Level: 2, Date: *date("2026-03-20"), Handler: "市委改革办"},
			{ProblemID: "P1", Step: "已办结", Level: 2, Date: *date("2026-04-10")},
		}})
		writeBatch(t, s, &saima.Batch{Upload: upload(saima.DatasetProblemSteps), ProblemSteps: []saima.ProblemStep{
			{ProblemID: "P1", Step: "已办结", Level: 2, Date: *date("2026-04-12"), Note: "更正"},
		}})
		got, err := s.ListProblemSteps(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if len(got) != 3 {
			t.Fatalf("ListProblemSteps() = %d steps, want 3", len(got))
		}
		if got[1].Step != saima.StepEscalate || got[1].Level != 2 || got[1].Handler != "市委改革办" {
			t.Errorf("ListProblemSteps()[1] = %+v, want the escalation to level 2", got[1])
		}
		if got[2].Date.String() != "2026-04-12" || got[2].Note != "更正" {
			t.Errorf("ListProblemSteps()[2] = %+v, want the corrected close", got[2])
		}
	})
}

// Steps of one day come in loop order, as the pages show them, and not
// by level and name: by name 分析研判 sorts before 收集, and by level a
// close at 牵头单位 sorts before an escalation to 改革办.
func TestListProblemStepsSameDay(t *testing.T) {
	chtest.ForEachEngine(t, func(t *testing.T, s *clickhouse.Store) {
		writeBatch(t, s, &saima.Batch{Upload: upload(saima.DatasetProblemSteps), ProblemSteps: []saima.ProblemStep{
			{ProblemID: "P2", Step: "已办结", Level: 1, Date: *date("2026-03-09")},
			{ProblemID: "P2", Step: saima.StepEscalate, Level: 2, Date: *date("2026-03-09")},
			{ProblemID: "P2", Step: "分析研判", Level: 1, Date: *date("2026-03-01")},
			{ProblemID: "P2", Step: "梳理归类", Level: 1, Date: *date("2026-03-01")},
			{ProblemID: "P2", Step: "收集", Level: 1, Date: *date("2026-03-01")},
			{ProblemID: "P1", Step: "收集", Level: 1, Date: *date("2026-03-05")},
		}})
		got, err := s.ListProblemSteps(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		want := "P1 收集 1 2026-03-05 []\n" +
			"P2 收集 1 2026-03-01 []\n" +
			"P2 梳理归类 1 2026-03-01 []\n" +
			"P2 分析研判 1 2026-03-01 []\n" +
			"P2 升级 2 2026-03-09 []\n" +
			"P2 已办结 1 2026-03-09 []\n"
		if d := describeSteps(got); d != want {
			t.Errorf("ListProblemSteps() =\n%swant\n%s", d, want)
		}
	})
}

// describeSteps formats steps one per line as problem, step, level, date
// and the stale levels, for comparison.
func describeSteps(steps []saima.ProblemStep) string {
	var b strings.Builder
	for _, st := range steps {
		fmt.Fprintf(&b, "%s %s %d %s %v\n", st.ProblemID, st.Step, st.Level, st.Date, st.StaleLevels)
	}
	return b.String()
}

// TestListProblemStepsStaleCopies reads a ledger written before a loop
// stage was recorded once per problem, with stages at two levels. The
// store returns the copy of the latest upload, or the higher level when
// one upload wrote both. A correction at the other copy's level replaces
// both, and the rows stay in the history.
func TestListProblemStepsStaleCopies(t *testing.T) {
	chtest.ForEachEngine(t, func(t *testing.T, s *clickhouse.Store) {
		ctx := context.Background()
		at := time.Date(2026, 10, 1, 9, 0, 0, 0, saima.Beijing)
		chtest.WriteLegacySteps(t, s, "legacy-1", at,
			saima.ProblemStep{ProblemID: "P1", Step: "收集", Level: 1, Date: *date("2026-03-01")},
			saima.ProblemStep{ProblemID: "P1", Step: "分析研判", Level: 1, Date: *date("2026-03-05")},
			saima.ProblemStep{ProblemID: "P1", Step: "分析研判", Level: 2, Date: *date("2026-03-06")},
			saima.ProblemStep{ProblemID: "P1", Step: saima.StepEscalate, Level: 2, Date: *date("2026-03-04")})
		chtest.WriteLegacySteps(t, s, "legacy-2", at.Add(time.Hour),
			saima.ProblemStep{ProblemID: "P1", Step: "收集", Level: 2, Date: *date("2026-03-02")},
			saima.ProblemStep{ProblemID: "P1", Step: saima.StepEscalate, Level: 3, Date: *date("2026-03-07")})

		got, err := s.ListProblemSteps(ctx)
		if err != nil {
			t.Fatal(err)
		}
		want := "P1 收集 2 2026-03-02 [1]\n" +
			"P1 升级 2 2026-03-04 []\n" +
			"P1 分析研判 2 2026-03-06 [1]\n" +
			"P1 升级 3 2026-03-07 []\n"
		if d := describeSteps(got); d != want {
			t.Errorf("ListProblemSteps() before correction =\n%swant\n%s", d, want)
		}

		// A correction at the stale level of 收集 replaces both copies.
		w, err := s.BeginUpload(upload(saima.DatasetProblemSteps))
		if err != nil {
			t.Fatal(err)
		}
		if err := w.Write(ctx, &saima.Batch{ProblemSteps: []saima.ProblemStep{
			{ProblemID: "P1", Step: "收集", Level: 1, Date: *date("2026-03-03"), Note: "更正"},
		}}); err != nil {
			t.Fatal(err)
		}
		if n, err := w.CommitCounting(ctx, nil); err != nil {
			t.Fatal(err)
		} else if n != 2 {
			t.Errorf("CommitCounting() = %d, want the 2 copies of 收集", n)
		}

		got, err = s.ListProblemSteps(ctx)
		if err != nil {
			t.Fatal(err)
		}
		want = "P1 收集 1 2026-03-03 []\n" +
			"P1 升级 2 2026-03-04 []\n" +
			"P1 分析研判 2 2026-03-06 [1]\n" +
			"P1 升级 3 2026-03-07 []\n"
		if d := describeSteps(got); d != want {
			t.Errorf("ListProblemSteps() after correction =\n%swant\n%s", d, want)
		}

		rows, err := s.Engine().Query(ctx, "SELECT count() FROM "+s.Database()+".problem_steps WHERE step = '收集'")
		if err != nil {
			t.Fatal(err)
		}
		defer rows.Close()
		var n uint64
		if !rows.Next() || rows.Scan(&n) != nil || n != 3 {
			t.Errorf("stored rows of 收集 = %d, want all 3 versions kept", n)
		}
	})
}

func TestListLeaderReports(t *testing.T) {
	chtest.ForEachEngine(t, func(t *testing.T, s *clickhouse.Store) {
		ctx := context.Background()
		rep := saima.LeaderReport{ProjectCode: "NB-1", Leader: "李副市长", Unit: "市民政局",
			Half: saima.HalfYear{Year: 2026, Half: 1}, Results: "上线", Submitted: *date("2026-07-05")}
		writeBatch(t, s, &saima.Batch{Upload: upload(saima.DatasetLeaderReports),
			LeaderReports: []saima.LeaderReport{rep}})
		rep.ConfirmedBy, rep.Confirmed = "leader-office", date("2026-07-10")
		writeBatch(t, s, &saima.Batch{Upload: upload(saima.DatasetLeaderReports),
			LeaderReports: []saima.LeaderReport{rep}})

		got, err := s.ListLeaderReports(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if len(got) != 1 {
			t.Fatalf("ListLeaderReports() = %d reports, want 1", len(got))
		}
		g := got[0]
		if g.Half.String() != "2026H1" || g.ConfirmedBy != "leader-office" || g.Confirmed == nil ||
			g.Confirmed.String() != "2026-07-10" {
			t.Errorf("ListLeaderReports()[0] = %+v, want 2026H1 confirmed on 2026-07-10", g)
		}
	})
}

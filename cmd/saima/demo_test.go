package main

import (
	"context"
	"encoding/csv"
	"os"
	"path/filepath"
	"reflect"
	"regexp"
	"strings"
	"testing"
	"time"

	"saima"
	"saima/ingest/demo"
	"saima/web"
)

// TestShiftedClock checks that the clock of saima demo --today shows that
// day in Beijing, keeps the real time of day and runs on.
func TestShiftedClock(t *testing.T) {
	today := saima.NewDate(2026, 2, 20)
	clock := shiftedClock(today)

	now, wall := clock(), time.Now()
	if got := saima.DateOf(now); got != today {
		t.Errorf("date of the shifted clock = %s, want %s", got, today)
	}
	if shift := now.Sub(wall).Round(time.Minute); shift%(24*time.Hour) != 0 {
		t.Errorf("shifted clock is %s off the real clock, want whole days", shift)
	}
	if later := clock(); !later.After(now) {
		t.Errorf("shifted clock read %s after %s, want it to run on", later, now)
	}
}

// TestDemoAgainAfterPublishing checks what a second demo run prints when
// the office has published the quarter that the first run left a draft:
// the draft it computes again does not replace the published version on
// the pages, so the output says the quarter is published.
func TestDemoAgainAfterPublishing(t *testing.T) {
	e := newTestEnv(t)
	first := e.mustRun("demo", "--no-serve", "--today", "2026-11-20", "--out", t.TempDir())
	if !strings.Contains(first, "2026Q4 为草稿") {
		t.Fatalf("first demo run = %q, want 2026Q4 为草稿", first)
	}
	e.mustRun("publish", "2026Q4", "--by", "office")

	out := e.mustRun("demo", "--no-serve", "--today", "2026-11-20", "--out", t.TempDir())
	// The summary line follows one line per imported file.
	i := strings.Index(out, "演示数据已载入")
	if i < 0 {
		t.Fatalf("second demo run prints no 演示数据已载入 line:\n%s", out)
	}
	again, _, _ := strings.Cut(out[i:], "\n")
	if strings.Contains(again, "2026Q4 为草稿") {
		t.Errorf("summary after publishing 2026Q4 = %q, still says 2026Q4 为草稿", again)
	}
	if !strings.Contains(again, "2026Q4 已发布 v1") {
		t.Errorf("summary after publishing 2026Q4 = %q, want 2026Q4 已发布 v1", again)
	}
}

// TestDemoAgainKeepsAccounts checks that a second demo run leaves the demo
// accounts' API tokens working. An account whose password was changed gets
// the documented password back, still with its token, and the output notes both.
func TestDemoAgainKeepsAccounts(t *testing.T) {
	forEachEngine(t, func(t *testing.T, e *testEnv) {
		e.mustRun("demo", "--no-serve", "--today", "2026-11-20", "--out", t.TempDir())
		token := strings.TrimSpace(e.mustRun("account", "token", "--name", "haishu"))
		e.mustRun("account", "passwd", "--name", "leader")

		out := e.mustRun("demo", "--no-serve", "--today", "2026-11-20", "--out", t.TempDir())
		st := e.openStore(t)
		acct, ok, err := st.FindAccountByTokenHash(t.Context(), web.HashToken(token))
		if err != nil || !ok || acct.Name != "haishu" {
			t.Errorf("token of haishu after a second demo run finds %q, %v, %v; want haishu", acct.Name, ok, err)
		}
		if !strings.Contains(out, "haishu") || !strings.Contains(out, "令牌保留") {
			t.Errorf("second demo run prints no note that haishu keeps its token: …%s", tail(out))
		}
		if strings.Contains(out, "haishu-demo-token") {
			t.Errorf("second demo run prints the demo token, which saima account token replaced: …%s", tail(out))
		}
		if !strings.Contains(out, "leader") || !strings.Contains(out, "已重设为演示密码") {
			t.Errorf("second demo run prints no note that leader's password was reset: …%s", tail(out))
		}
		leader, _, err := st.GetAccount(t.Context(), "leader")
		if err != nil || !web.PasswordMatches(leader.PasswordHash, "leader-demo") {
			t.Errorf("leader after a second demo run: password leader-demo does not match (%v)", err)
		}
	})
}

// TestDemoOtherDayLeavesData checks that a demo run for another day on a
// folder that holds the demo city of the first day imports nothing and
// prints what to do, because the city it generates differs.
func TestDemoOtherDayLeavesData(t *testing.T) {
	forEachEngine(t, func(t *testing.T, e *testEnv) {
		e.mustRun("demo", "--no-serve", "--today", "2026-11-20", "--out", t.TempDir())
		st := e.openStore(t)
		before, err := st.ListProjects(t.Context())
		if err != nil {
			t.Fatal(err)
		}

		code, out, errOut := e.run("demo", "--no-serve", "--today", "2026-10-20", "--out", t.TempDir())
		if code == 0 {
			t.Fatalf("demo for another day exited 0, want a failure: …%s", tail(out))
		}
		for _, want := range []string{"没有导入任何文件", "bin/saima demo --today 2026-10-20 --"} {
			if !strings.Contains(errOut, want) {
				t.Errorf("demo for another day prints …%q, want it to contain %q", tail(errOut), want)
			}
		}
		if strings.Contains(out, "已导入") {
			t.Errorf("demo for another day imported files: …%s", tail(out))
		}
		after, err := st.ListProjects(t.Context())
		if err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(after, before) {
			t.Errorf("projects changed after a refused demo run: %d before, %d after", len(before), len(after))
		}
	})
}

// tail returns the last 400 bytes of s, for failure messages.
func tail(s string) string { return s[max(0, len(s)-400):] }

// setWallClock makes the demo command's real clock start at now and run
// on, for the rest of the test.
func setWallClock(t *testing.T, now time.Time) {
	old, start := wallClock, time.Now()
	wallClock = func() time.Time { return now.Add(time.Since(start)) }
	t.Cleanup(func() { wallClock = old })
}

// TestDemoNextDayReusesCity checks make demo on a later day: with no
// --today, a folder that holds the demo city of an earlier day keeps that
// city. The run imports the same bytes again, so the projects file counts
// as a duplicate, keeps what a user added, runs on that day's clock and
// says which day the demo shows and how to get today's. An explicit
// --today for the new day is still refused.
func TestDemoNextDayReusesCity(t *testing.T) {
	forEachEngine(t, func(t *testing.T, e *testEnv) {
		out := t.TempDir()
		setWallClock(t, time.Date(2026, 11, 20, 10, 0, 0, 0, saima.Beijing))
		e.mustRun("demo", "--no-serve", "--out", out)
		token := strings.TrimSpace(e.mustRun("account", "token", "--name", "haishu"))
		st := e.openStore(t)
		before, err := st.ListProjects(t.Context())
		if err != nil {
			t.Fatal(err)
		}

		setWallClock(t, time.Date(2026, 11, 21, 9, 0, 0, 0, saima.Beijing))
		got := e.mustRun("demo", "--no-serve", "--out", out)
		t.Logf("next day's demo prints:\n%s", got)
		for _, want := range []string{"按 2026-11-20 生成的演示城市", "实际今天是 2026-11-21", "bin/saima demo --"} {
			if !strings.Contains(got, want) {
				t.Errorf("demo on the next day prints no %q: …%s", want, tail(got))
			}
		}
		after, err := st.ListProjects(t.Context())
		if err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(after, before) {
			t.Errorf("projects changed on the next day's demo: %d before, %d after", len(before), len(after))
		}
		ups, err := st.ListUploads(t.Context(), saima.UploadFilter{Limit: 100})
		if err != nil {
			t.Fatal(err)
		}
		var projects []saima.Upload
		for _, up := range ups {
			if up.Dataset == saima.DatasetProjects && up.Uploader == "demo" {
				projects = append(projects, up)
			}
		}
		if len(projects) != 2 || projects[0].DuplicateOf == "" && projects[1].DuplicateOf == "" {
			t.Errorf("demo imports of the project ledger after two days = %+v, want two, one a duplicate of the other", projects)
		}
		for _, up := range projects {
			if d := saima.DateOf(up.At); d != saima.NewDate(2026, 11, 20) {
				t.Errorf("demo imported the project ledger on %s, want the clock of the stored day 2026-11-20", d)
			}
		}
		acct, ok, err := st.FindAccountByTokenHash(t.Context(), web.HashToken(token))
		if err != nil || !ok || acct.Name != "haishu" {
			t.Errorf("token of haishu after the next day's demo finds %q, %v, %v; want haishu", acct.Name, ok, err)
		}

		code, _, errOut := e.run("demo", "--no-serve", "--today", "2026-11-21", "--out", out)
		if code == 0 || !strings.Contains(errOut, "没有导入任何文件") {
			t.Errorf("demo --today 2026-11-21 over the city of 2026-11-20 exited %d: …%s", code, tail(errOut))
		}
	})
}

// TestDemoNextDayOtherSeedRefused checks that make demo on a later day does
// not take the stored city for its own when another --seed made it: the
// run imports nothing and names a new folder for today's city.
func TestDemoNextDayOtherSeedRefused(t *testing.T) {
	forEachEngine(t, func(t *testing.T, e *testEnv) {
		setWallClock(t, time.Date(2026, 11, 20, 10, 0, 0, 0, saima.Beijing))
		e.mustRun("demo", "--no-serve", "--seed", "7", "--out", t.TempDir())

		setWallClock(t, time.Date(2026, 11, 21, 9, 0, 0, 0, saima.Beijing))
		code, out, errOut := e.run("demo", "--no-serve", "--out", t.TempDir())
		if code == 0 {
			t.Fatalf("demo of seed 2026 over the city of seed 7 exited 0: …%s", tail(out))
		}
		for _, want := range []string{"没有导入任何文件", "bin/saima demo --today 2026-11-21 --"} {
			if !strings.Contains(errOut, want) {
				t.Errorf("demo of seed 2026 over the city of seed 7 prints …%q, want it to contain %q", tail(errOut), want)
			}
		}
		if strings.Contains(out, "已导入") || strings.Contains(out, "沿用") {
			t.Errorf("demo of seed 2026 over the city of seed 7 imported files: …%s", tail(out))
		}
	})
}

// TestDemoTodayRange checks that demo -h names the days --today accepts.
// A --today that is no date, or no calendar day, gets a Chinese message
// with the value, the form and that range, as a day outside it does.
func TestDemoTodayRange(t *testing.T) {
	e := newTestEnv(t)
	first, last := demo.FirstToday.String(), demo.LastToday.String()
	if _, out, errOut := e.run("demo", "-h"); !strings.Contains(out+errOut, "范围 "+first+" 到 "+last) {
		t.Errorf("demo -h lacks the range from %s to %s:\n%s", first, last, out+errOut)
	}

	for _, value := range []string{"2027-02-29", "20261231", "2026/12/31"} {
		t.Run(value, func(t *testing.T) {
			code, _, errOut := e.run("demo", "--no-serve", "--today", value, "--out", t.TempDir())
			if code != 2 {
				t.Errorf("demo --today %s exited %d, want 2", value, code)
			}
			for _, want := range []string{"--today", "“" + value + "”", "YYYY-MM-DD", first, last} {
				if !strings.Contains(errOut, want) {
					t.Errorf("demo --today %s error lacks %q: %s", value, want, errOut)
				}
			}
			if strings.Contains(errOut, "parse") {
				t.Errorf("demo --today %s error is Go's parse error: %s", value, errOut)
			}
		})
	}
}

// TestDemoLaterTodayThenRealClock checks a folder loaded by demo --today
// weeks after the real date. Its data versions are real commit times, so
// score on the real clock finds the demo's data, and a milestone that
// import changes afterwards replaces the demo's row.
func TestDemoLaterTodayThenRealClock(t *testing.T) {
	forEachEngine(t, func(t *testing.T, e *testEnv) {
		realDay := saima.DateOf(time.Now())
		out := t.TempDir()
		e.mustRun("demo", "--no-serve", "--today", realDay.AddDays(46).String(), "--out", out)

		ended := saima.Quarter(realDay.Year, (int(realDay.Month)-1)/3+1).Prev()
		if got := e.mustRun("score", "--dry-run", ended.String()); !strings.Contains(got, "宁波市海曙区") {
			t.Errorf("score --dry-run %s after the demo = %q, want a ranking", ended, got)
		}

		header, row := doneMilestone(t, filepath.Join(out, "04_milestones.csv"), realDay.AddDays(-2))
		actual := parseTestDate(t, row[3]).AddDays(-1)
		row[3] = actual.String()
		fix := filepath.Join(t.TempDir(), "milestone-fix.csv")
		if err := os.WriteFile(fix, []byte(strings.Join(header, ",")+"\n"+strings.Join(row, ",")+"\n"), 0o600); err != nil {
			t.Fatal(err)
		}
		e.mustRun("import", fix)

		ms, err := e.openStore(t).ListMilestones(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range ms {
			if m.ProjectCode == row[0] && m.Name == row[1] && (m.Actual == nil || *m.Actual != actual) {
				t.Errorf("%s %s after the import = %v, want done on %s", row[0], row[1], m.Actual, actual)
			}
		}
	})
}

// doneMilestone returns the header of the milestones file at path and its
// first row done before the day before.
func doneMilestone(t *testing.T, path string, before saima.Date) (header, row []string) {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	rows, err := csv.NewReader(f).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range rows[1:] {
		if r[3] != "" && parseTestDate(t, r[3]).Before(before) {
			return rows[0], r
		}
	}
	t.Fatalf("%s has no milestone done before %s", path, before)
	return nil, nil
}

func parseTestDate(t *testing.T, s string) saima.Date {
	t.Helper()
	d, err := saima.ParseDate(s)
	if err != nil {
		t.Fatal(err)
	}
	return d
}

// TestDemoTimesOnOneClock runs explain and publish on the folder of a demo
// made with --today. Each line that gives a result's publication time and
// its 数据截至 gives both on one clock: the demo's day for the demo's own
// publication, today for one that the command makes.
func TestDemoTimesOnOneClock(t *testing.T) {
	e := newTestEnv(t)
	e.mustRun("demo", "--no-serve", "--today", "2026-11-20", "--out", t.TempDir())
	demoDay, today := "2026-11-20", saima.DateOf(time.Now()).String()

	out := e.mustRun("explain", "2026Q3", "宁波市海曙区")
	published, asOf := recordDays(t, out)
	if published != demoDay || asOf != demoDay {
		t.Errorf("explain of the demo's 2026Q3: 发布 %s, 数据截至 %s; want both %s:\n%s", published, asOf, demoDay, out)
	}
	if want := "来源数据（截至 " + demoDay; !strings.Contains(out, want) {
		t.Errorf("explain of the demo's 2026Q3 lacks %q:\n%s", want, out)
	}

	out = e.mustRun("publish", "2026Q3", "--by", "改革办")
	if published, asOf := recordDays(t, out); published != today || asOf != today {
		t.Errorf("publish: 发布 %s, 数据截至 %s; want both %s:\n%s", published, asOf, today, out)
	}
	out = e.mustRun("explain", "2026Q3", "宁波市海曙区")
	if published, asOf := recordDays(t, out); published != today || asOf != today {
		t.Errorf("explain of v2: 发布 %s, 数据截至 %s; want both %s:\n%s", published, asOf, today, out)
	}
}

// recordDays returns the days of the first 发布 time and of the 数据截至
// time beside it in out.
func recordDays(t *testing.T, out string) (published, asOf string) {
	t.Helper()
	m := recordLineRE.FindStringSubmatch(out)
	if m == nil {
		t.Fatalf("output has no line with 发布 and 数据截至:\n%s", out)
	}
	return m[1], m[2]
}

var recordLineRE = regexp.MustCompile(`于 (\d{4}-\d{2}-\d{2}) [\d:]+ 发布；数据截至 (\d{4}-\d{2}-\d{2}) `)

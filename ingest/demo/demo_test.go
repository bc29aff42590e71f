package demo_test

import (
	"bytes"
	"encoding/csv"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"saima"
	"saima/ingest/demo"
)

var today = saima.NewDate(2026, time.November, 20)

// generate writes the demo city for seed and day into a temporary folder.
func generate(tb testing.TB, seed int64, day saima.Date) []demo.File {
	tb.Helper()
	files, err := demo.Generate(tb.TempDir(), demo.Options{Seed: seed, Today: day})
	if err != nil {
		tb.Fatalf("Generate(seed %d, %s) error: %v", seed, day, err)
	}
	return files
}

// record is one data row keyed by its header names.
type record map[string]string

// readRecords reads a generated CSV file with encoding/csv and checks that
// every row has as many fields as the header.
func readRecords(tb testing.TB, path string) []record {
	tb.Helper()
	f, err := os.Open(path)
	if err != nil {
		tb.Fatal(err)
	}
	defer f.Close()
	rows, err := csv.NewReader(f).ReadAll()
	if err != nil {
		tb.Fatalf("read %s: %v", filepath.Base(path), err)
	}
	if len(rows) < 2 {
		tb.Fatalf("%s has %d rows, want a header and data", filepath.Base(path), len(rows))
	}
	records := make([]record, 0, len(rows)-1)
	for _, row := range rows[1:] {
		r := record{}
		for i, name := range rows[0] {
			r[name] = row[i]
		}
		records = append(records, r)
	}
	return records
}

// dataset returns the records of the generated file of the given dataset.
func dataset(tb testing.TB, files []demo.File, name string) []record {
	tb.Helper()
	for _, f := range files {
		if f.Dataset == name {
			return readRecords(tb, f.Path)
		}
	}
	tb.Fatalf("no %s file among %v", name, files)
	return nil
}

func parseDate(tb testing.TB, s string) saima.Date {
	tb.Helper()
	d, err := saima.ParseDate(s)
	if err != nil {
		tb.Fatal(err)
	}
	return d
}

func TestGenerateSameSeedSameBytes(t *testing.T) {
	first := generate(t, 42, today)
	second := generate(t, 42, today)
	other := generate(t, 43, today)
	differs := false
	for i := range first {
		a, b, c := readFile(t, first[i].Path), readFile(t, second[i].Path), readFile(t, other[i].Path)
		if !bytes.Equal(a, b) {
			t.Errorf("%s differs between two runs with seed 42, want identical bytes", filepath.Base(first[i].Path))
		}
		differs = differs || !bytes.Equal(a, c)
	}
	if !differs {
		t.Error("seeds 42 and 43 gave identical files, want a different city")
	}
}

func readFile(tb testing.TB, path string) []byte {
	tb.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		tb.Fatal(err)
	}
	return b
}

func TestGenerateFilesInImportOrder(t *testing.T) {
	files := generate(t, 1, today)
	want := []string{
		saima.DatasetUnits, saima.DatasetProjects, saima.DatasetStages, saima.DatasetMilestones,
		saima.DatasetProgress, saima.DatasetAssessments, saima.DatasetProblems,
		saima.DatasetLists, saima.DatasetListDone, saima.DatasetProblemSteps, saima.DatasetLeaderReports,
	}
	var got []string
	for _, f := range files {
		got = append(got, f.Dataset)
		if n := len(readRecords(t, f.Path)); n != f.Rows {
			t.Errorf("%s: File.Rows = %d, want %d data rows", f.Dataset, f.Rows, n)
		}
		if b := readFile(t, f.Path); !utf8.Valid(b) || bytes.HasPrefix(b, []byte("\uFEFF")) {
			t.Errorf("%s is not UTF-8 without a byte order mark", f.Dataset)
		}
	}
	if !slices.Equal(got, want) {
		t.Errorf("datasets = %v, want %v", got, want)
	}
}

func TestGenerateRejectsToday(t *testing.T) {
	tests := []struct {
		name string
		day  saima.Date
	}{
		{"Zero", saima.Date{}},
		{"NoSuchDay", saima.NewDate(2026, time.February, 30)},
		{"TooEarly", saima.NewDate(2025, time.August, 31)},
		{"TooLate", demo.LastToday.AddDays(1)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := demo.Generate(t.TempDir(), demo.Options{Seed: 1, Today: tt.day})
			if kind := saima.ErrorKind(err); kind != saima.KindInvalid {
				t.Errorf("Generate(Today %s) error kind = %v (%v), want invalid", tt.day, kind, err)
			}
		})
	}
}

// TestGenerateAcceptsLaterYears checks that the demo runs on days past the
// end of 2027, so that make demo, which defaults to the real date, keeps
// working: a new year, a leap day and the last day of the range.
func TestGenerateAcceptsLaterYears(t *testing.T) {
	for _, day := range []saima.Date{
		saima.NewDate(2028, time.January, 1),
		saima.NewDate(2028, time.February, 29),
		demo.LastToday,
	} {
		t.Run(day.String(), func(t *testing.T) {
			generate(t, 1, day)
		})
	}
}

// TestGenerateDatesInLedgerRange checks the reason for demo.LastToday: on
// that day, every date the demo writes is one the ledger accepts. On both
// days tried, no date lies more than demo.MaxPlanAhead days after Today.
func TestGenerateDatesInLedgerRange(t *testing.T) {
	dateRE := regexp.MustCompile(`^\d{4}-\d{2}-\d{2}$`)
	for _, day := range []saima.Date{today, demo.LastToday} {
		for seed := int64(1); seed <= 5; seed++ {
			latest := day
			for _, f := range generate(t, seed, day) {
				for _, r := range readRecords(t, f.Path) {
					for _, v := range r {
						if d := parseOptionalDate(v, dateRE); d.After(latest) {
							latest = d
						}
					}
				}
			}
			if !latest.InLedgerRange() {
				t.Errorf("seed %d on %s writes %s, outside the ledger's dates", seed, day, latest)
			}
			if limit := day.AddDays(demo.MaxPlanAhead); latest.After(limit) {
				t.Errorf("seed %d on %s writes %s, after %s", seed, day, latest, limit)
			}
		}
	}
}

// parseOptionalDate returns the date v holds, or the zero Date when v is
// not a date.
func parseOptionalDate(v string, dateRE *regexp.Regexp) saima.Date {
	if !dateRE.MatchString(v) {
		return saima.Date{}
	}
	d, err := saima.ParseDate(v)
	if err != nil {
		return saima.Date{}
	}
	return d
}

// checkDays lists the Todays the content checks run on: the range limits,
// a quarter's first day and a typical day.
var checkDays = []saima.Date{
	saima.NewDate(2025, time.September, 1),
	saima.NewDate(2026, time.January, 1),
	today,
	saima.NewDate(2027, time.December, 31),
	saima.NewDate(2028, time.February, 29),
}

func TestGenerateCounts(t *testing.T) {
	for _, day := range checkDays {
		t.Run(day.String(), func(t *testing.T) {
			files := generate(t, 7, day)
			counts := map[string][2]int{ // dataset: minimum and maximum rows
				saima.DatasetUnits:    {31, 31},
				saima.DatasetProjects: {140, 160},
				saima.DatasetProblems: {55, 65},
			}
			for _, f := range files {
				limits, ok := counts[f.Dataset]
				if ok && (f.Rows < limits[0] || f.Rows > limits[1]) {
					t.Errorf("%s rows = %d, want %d to %d", f.Dataset, f.Rows, limits[0], limits[1])
				}
			}
		})
	}
}

func TestGenerateUnits(t *testing.T) {
	units := dataset(t, generate(t, 1, today), saima.DatasetUnits)
	kinds := map[string]int{}
	names := map[string]bool{}
	for _, u := range units {
		kinds[u["单位类别"]]++
		names[u["单位"]] = true
	}
	want := map[string]int{saima.KindDistrict: 10, saima.KindDepartment: 20, saima.KindCity: 1}
	for kind, n := range want {
		if kinds[kind] != n {
			t.Errorf("units of kind %s = %d, want %d", kind, kinds[kind], n)
		}
	}
	for _, name := range []string{"宁波市海曙区", "余姚市", "象山县", "市大数据局", "市城管局", "宁波市（本级）"} {
		if !names[name] {
			t.Errorf("roster lacks %s", name)
		}
	}
}

func TestGenerateCoversStagesAndSystems(t *testing.T) {
	for _, day := range checkDays {
		t.Run(day.String(), func(t *testing.T) {
			files := generate(t, 3, day)
			projects := dataset(t, files, saima.DatasetProjects)
			stages := dataset(t, files, saima.DatasetStages)

			systems := map[string]bool{}
			for _, p := range projects {
				systems[p["所属系统"]] = true
			}
			for _, s := range saima.Systems {
				if !systems[s] {
					t.Errorf("no project in system %s", s)
				}
			}

			latest := latestStages(stages)
			seen := map[string]int{}
			for _, s := range latest {
				seen[s]++
			}
			for _, s := range saima.Stages {
				if seen[s] == 0 {
					t.Errorf("no project is at stage %s", s)
				}
			}
			if len(latest) != len(projects) {
				t.Errorf("projects with stage events = %d, want all %d", len(latest), len(projects))
			}
		})
	}
}

// latestStages returns each project's last stage event.
func latestStages(stages []record) map[string]string {
	latest := map[string]string{}
	for _, s := range stages {
		latest[s["项目编号"]] = s["阶段"]
	}
	return latest
}

func TestGenerateStageOrder(t *testing.T) {
	for _, day := range checkDays {
		t.Run(day.String(), func(t *testing.T) {
			stages := dataset(t, generate(t, 5, day), saima.DatasetStages)
			previous := map[string]record{}
			for _, s := range stages {
				code := s["项目编号"]
				date := parseDate(t, s["日期"])
				if date.After(day) {
					t.Errorf("%s %s on %s, want on or before Today %s", code, s["阶段"], date, day)
				}
				prev, ok := previous[code]
				previous[code] = s
				if !ok {
					if s["阶段"] != "预报" {
						t.Errorf("%s starts at stage %s, want 预报", code, s["阶段"])
					}
					continue
				}
				// A change (变更) leads back to 论证; TestGenerateFollowsLifecycle
				// checks that sequence.
				if s["阶段"] != saima.StageChange && stageIndex(s["阶段"]) <= stageIndex(prev["阶段"]) {
					t.Errorf("%s: stage %s follows %s, want stages in lifecycle order", code, s["阶段"], prev["阶段"])
				}
				if date.Before(parseDate(t, prev["日期"])) {
					t.Errorf("%s: %s on %s is before %s on %s, want dates in stage order", code, s["阶段"], date, prev["阶段"], prev["日期"])
				}
			}
		})
	}
}

func stageIndex(s string) int { return slices.Index(saima.Stages, s) }

func TestGenerateProjectDates(t *testing.T) {
	files := generate(t, 11, today)
	latest := latestStages(dataset(t, files, saima.DatasetStages))
	for _, p := range dataset(t, files, saima.DatasetProjects) {
		code := p["项目编号"]
		started := stageIndex(latest[code]) >= stageIndex("实施") && latest[code] != "退出"
		if started != (p["开始日期"] != "") {
			t.Errorf("%s at stage %s has start date %q, want one exactly when started", code, latest[code], p["开始日期"])
		}
		if p["开始日期"] != "" && !parseDate(t, p["开始日期"]).Before(parseDate(t, p["计划完成日期"])) {
			t.Errorf("%s starts %s, want before its due date %s", code, p["开始日期"], p["计划完成日期"])
		}
		if (p["是否领导领衔"] == "是") != (p["领衔领导"] != "") {
			t.Errorf("%s: 是否领导领衔 %s with 领衔领导 %q, want a leader exactly when 是", code, p["是否领导领衔"], p["领衔领导"])
		}
	}
}

// TestGenerateAccountUnitLeadsReport checks, for several seeds, that the
// demo account's unit runs a leader-led project, so the account has a
// half-year report of its own to file.
func TestGenerateAccountUnitLeadsReport(t *testing.T) {
	for _, seed := range []int64{1, 7, 11, 20261120} {
		files := generate(t, seed, today)
		led := slices.ContainsFunc(dataset(t, files, saima.DatasetProjects), func(p record) bool {
			return p["责任单位"] == demo.AccountUnit && p["是否领导领衔"] == "是"
		})
		if !led {
			t.Errorf("seed %d: %s runs no leader-led project", seed, demo.AccountUnit)
		}
	}
}

// TestGenerateAccountUnitIsPartner checks that the demo account's unit is a
// 协同单位 of some other unit's project, with an open milestone of its own
// there, so the account can try uploading a partner's milestone.
func TestGenerateAccountUnitIsPartner(t *testing.T) {
	for _, seed := range []int64{1, 7, 11, 20261120} {
		for _, day := range checkDays {
			files := generate(t, seed, day)
			partnerOf := map[string]bool{}
			for _, p := range dataset(t, files, saima.DatasetProjects) {
				if slices.Contains(strings.Split(p["协同单位"], "、"), demo.AccountUnit) {
					partnerOf[p["项目编号"]] = true
				}
			}
			open := slices.ContainsFunc(dataset(t, files, saima.DatasetMilestones), func(m record) bool {
				return partnerOf[m["项目编号"]] && m["责任单位"] == demo.AccountUnit && m["实际完成日期"] == ""
			})
			if !open {
				t.Errorf("seed %d on %s: %s is 协同单位 of %d projects with no open milestone of its own there",
					seed, day, demo.AccountUnit, len(partnerOf))
			}
		}
	}
}

func TestGenerateMilestones(t *testing.T) {
	for _, day := range checkDays {
		t.Run(day.String(), func(t *testing.T) {
			files := generate(t, 9, day)
			latest := latestStages(dataset(t, files, saima.DatasetStages))
			perProject := map[string]int{}
			late, overdueOpen := 0, 0
			for _, m := range dataset(t, files, saima.DatasetMilestones) {
				perProject[m["项目编号"]]++
				checkMilestone(t, m, day)
				planned := parseDate(t, m["计划完成日期"])
				switch {
				case m["实际完成日期"] != "" && planned.DaysUntil(parseDate(t, m["实际完成日期"])) > 0:
					late++
				case m["实际完成日期"] == "" && planned.Before(day):
					overdueOpen++
				}
			}
			for code, stage := range latest {
				implemented := slices.Contains([]string{"实施", "评估", "完成"}, stage)
				if n := perProject[code]; implemented && (n < 3 || n > 6) || !implemented && n != 0 {
					t.Errorf("%s at stage %s has %d milestones, want 3 to 6 once implemented", code, stage, n)
				}
			}
			if late == 0 || overdueOpen == 0 {
				t.Errorf("late milestones = %d, overdue open = %d, want some of each", late, overdueOpen)
			}
		})
	}
}

func checkMilestone(tb testing.TB, m record, day saima.Date) {
	tb.Helper()
	done := m["实际完成日期"] != ""
	if done != (m["状态"] == "已完成") {
		tb.Errorf("%s %s: status %s with actual date %q, want a date exactly when 已完成", m["项目编号"], m["里程碑"], m["状态"], m["实际完成日期"])
	}
	if done && parseDate(tb, m["实际完成日期"]).After(day) {
		tb.Errorf("%s %s done on %s, want on or before Today %s", m["项目编号"], m["里程碑"], m["实际完成日期"], day)
	}
	if m["责任单位"] == "" {
		tb.Errorf("%s %s has no 责任单位, want the responsible unit", m["项目编号"], m["里程碑"])
	}
}

var percentPattern = regexp.MustCompile(`^(100|[1-9]?[0-9])%$`)

func TestGenerateProgress(t *testing.T) {
	for _, day := range checkDays {
		t.Run(day.String(), func(t *testing.T) {
			progress := dataset(t, generate(t, 13, day), saima.DatasetProgress)
			periods := map[string]bool{}
			keys := map[string]bool{}
			rates := map[string]int{}
			long := 0
			for _, r := range progress {
				periods[r["填报期间"]] = true
				key := r["单位"] + "/" + r["项目编号"] + "/" + r["填报期间"]
				if keys[key] {
					t.Errorf("duplicate progress key %s", key)
				}
				keys[key] = true
				checkRate(t, r, rates)
				if filed := parseDate(t, r["填报日期"]); filed.After(day) {
					t.Errorf("%s filed on %s, after Today %s", key, filed, day)
				}
				if utf8.RuneCountInString(r["进展情况"]) >= 200 {
					long++
				}
			}
			checkPeriods(t, periods, day)
			if long < 3 {
				t.Errorf("progress narratives of 200+ characters = %d, want at least 3", long)
			}
		})
	}
}

// checkRate checks that a completion rate reads as whole percent points and
// never falls from one quarter to the next. The map rates keeps each
// project's last rate.
func checkRate(tb testing.TB, r record, rates map[string]int) {
	tb.Helper()
	if !percentPattern.MatchString(r["完成率"]) {
		tb.Errorf("%s %s: 完成率 %q, want a percent such as 85%%", r["项目编号"], r["填报期间"], r["完成率"])
		return
	}
	rate, _ := strconv.Atoi(r["完成率"][:len(r["完成率"])-1])
	if prev, ok := rates[r["项目编号"]]; ok && rate < prev {
		tb.Errorf("%s %s: 完成率 fell from %d%% to %d%%, want no fall", r["项目编号"], r["填报期间"], prev, rate)
	}
	rates[r["项目编号"]] = rate
}

// checkPeriods checks that progress covers every quarter from 2025Q1 to the
// quarter containing day, and no other period.
func checkPeriods(tb testing.TB, periods map[string]bool, day saima.Date) {
	tb.Helper()
	last := saima.Quarter(day.Year, (int(day.Month)-1)/3+1)
	n := 0
	for q := saima.Quarter(2025, 1); q != last.Next(); q = q.Next() {
		n++
		if !periods[q.String()] {
			tb.Errorf("no progress reports for %s", q)
		}
	}
	if len(periods) != n {
		tb.Errorf("progress periods = %d, want %d (2025Q1 to %s)", len(periods), n, last)
	}
}

func TestGenerateAssessments(t *testing.T) {
	files := generate(t, 17, today)
	units := len(dataset(t, files, saima.DatasetUnits))
	perUnitQuarter := map[string]int{}
	modes := map[string]bool{}
	for _, a := range dataset(t, files, saima.DatasetAssessments) {
		modes[a["考评方式"]] = true
		points, err := strconv.ParseFloat(a["得分"], 64)
		if err != nil || points < 0 || points > 100 || a["满分"] != "100" {
			t.Errorf("%s %s: 得分 %q of 满分 %q, want 0 to 100 of 100", a["被考评单位"], a["指标"], a["得分"], a["满分"])
		}
		if a["考评人"] == "" {
			t.Errorf("%s %s %s has no 考评人, want an evaluator", a["被考评单位"], a["指标"], a["考评期间"])
		}
		if period, err := saima.ParsePeriod(a["考评期间"]); err == nil && period.Kind == saima.PeriodQuarter {
			perUnitQuarter[a["被考评单位"]+"/"+a["考评期间"]]++
		}
	}
	for key, n := range perUnitQuarter {
		if n < 3 || n > 4 {
			t.Errorf("%s has %d indicators, want 3 or 4", key, n)
		}
	}
	if want := units * 8; len(perUnitQuarter) != want { // 2025Q1 to 2026Q4
		t.Errorf("unit quarters scored = %d, want %d", len(perUnitQuarter), want)
	}
	for _, mode := range []string{"线上日常", "线下年终", "综合评估", "专项评估"} {
		if !modes[mode] {
			t.Errorf("no assessment in mode %s", mode)
		}
	}
}

// TestGenerateRankingsMove checks that units' quarterly assessment totals
// spread out and that the order changes from quarter to quarter.
func TestGenerateRankingsMove(t *testing.T) {
	assessments := dataset(t, generate(t, 19, today), saima.DatasetAssessments)
	totals := map[string]map[string]float64{} // period: unit: points
	var units []string
	for _, a := range assessments {
		if a["指标"] == "群众满意度" || a["考评方式"] == "线下年终" {
			continue // compare quarters on the indicators scored every quarter
		}
		if totals[a["考评期间"]] == nil {
			totals[a["考评期间"]] = map[string]float64{}
		}
		points, _ := strconv.ParseFloat(a["得分"], 64)
		totals[a["考评期间"]][a["被考评单位"]] += points
		if !slices.Contains(units, a["被考评单位"]) {
			units = append(units, a["被考评单位"])
		}
	}

	changed := 0
	var previous []string
	for q := saima.Quarter(2025, 1); q != saima.Quarter(2027, 1); q = q.Next() {
		order := rankUnits(units, totals[q.String()])
		best, worst := totals[q.String()][order[0]], totals[q.String()][order[len(order)-1]]
		if best-worst < 20 {
			t.Errorf("%s: totals span %.1f to %.1f, want a spread of at least 20 points", q, worst, best)
		}
		if previous != nil && !slices.Equal(order, previous) {
			changed++
		}
		previous = order
	}
	if changed < 5 {
		t.Errorf("ranking changed in %d of 7 quarter steps, want at least 5", changed)
	}
}

func rankUnits(units []string, totals map[string]float64) []string {
	order := slices.Clone(units)
	slices.SortStableFunc(order, func(a, b string) int {
		switch {
		case totals[a] > totals[b]:
			return -1
		case totals[a] < totals[b]:
			return 1
		}
		return 0
	})
	return order
}

func TestGenerateProblems(t *testing.T) {
	files := generate(t, 23, today)
	roster := map[string]bool{}
	for _, u := range dataset(t, files, saima.DatasetUnits) {
		roster[u["单位"]] = true
	}
	closed, ids := 0, map[string]bool{}
	for _, p := range dataset(t, files, saima.DatasetProblems) {
		if ids[p["问题编号"]] {
			t.Errorf("duplicate 问题编号 %s", p["问题编号"])
		}
		ids[p["问题编号"]] = true
		if !roster[p["单位"]] {
			t.Errorf("%s: unit %s, want a roster unit", p["问题编号"], p["单位"])
		}
		if !slices.Contains(saima.LoopStages, p["环节"]) || !slices.Contains([]string{"1", "2", "3"}, p["层级"]) {
			t.Errorf("%s: 环节 %q 层级 %q, want a loop stage and a level from 1 to 3", p["问题编号"], p["环节"], p["层级"])
		}
		opened := parseDate(t, p["发现日期"])
		if (p["环节"] == "已办结") != (p["办结日期"] != "") {
			t.Errorf("%s: 环节 %s with 办结日期 %q, want a date exactly when 已办结", p["问题编号"], p["环节"], p["办结日期"])
		}
		if p["办结日期"] != "" {
			closed++
			if c := parseDate(t, p["办结日期"]); c.Before(opened) || c.After(today) {
				t.Errorf("%s: opened %s, closed %s, want closed between opening and Today", p["问题编号"], opened, c)
			}
		}
	}
	if closed == 0 || closed == len(ids) {
		t.Errorf("closed problems = %d of %d, want some but not all", closed, len(ids))
	}
}

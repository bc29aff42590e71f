package clickhouse_test

import (
	"context"
	"fmt"
	"reflect"
	"slices"
	"strings"
	"testing"

	"saima"
	"saima/clickhouse"
	"saima/clickhouse/chtest"
)

// keyModes are the ways an UploadWriter can find its rows at commit. It
// selects them by its keys in one part or two keys to a part, by its key
// hashes alone, or by scanning each table. With at most one key hash per
// part, it takes its keys for a table of one key and scans the others.
var keyModes = []struct {
	name  string
	limit func(w *clickhouse.UploadWriter)
}{
	{"keys", func(*clickhouse.UploadWriter) {}},
	{"two keys per part", func(w *clickhouse.UploadWriter) { w.LimitKeys(1000, 2, 1000) }},
	{"hashes", func(w *clickhouse.UploadWriter) { w.LimitKeys(0, 1, 1000) }},
	{"one hash at most", func(w *clickhouse.UploadWriter) { w.LimitKeys(1000, 1000, 1) }},
	{"scan", func(w *clickhouse.UploadWriter) { w.LimitKeys(0, 1, 0) }},
}

// milestone returns a milestone of project code named 上线, planned in
// 2026Q1, whose status names the upload tag that wrote it.
func milestone(code, tag string) saima.Milestone {
	return saima.Milestone{ProjectCode: code, Name: "上线", Unit: "慈溪市",
		Planned: saima.NewDate(2026, 3, 31), Status: tag}
}

// ledgerHistory builds uploads of milestones on one store and checks
// what they record. Uploads are named by tag.
type ledgerHistory struct {
	t     *testing.T
	s     *clickhouse.Store
	limit func(w *clickhouse.UploadWriter)
	ids   map[string]string // upload id by tag
}

// begin starts the upload tag.
func (h *ledgerHistory) begin(tag string) *clickhouse.UploadWriter {
	h.t.Helper()
	up := upload(saima.DatasetMilestones)
	w, err := h.s.BeginUpload(up)
	if err != nil {
		h.t.Fatal(err)
	}
	h.limit(w)
	h.ids[tag] = up.ID
	return w
}

// write writes milestones of the codes to w, tagged tag.
func (h *ledgerHistory) write(w *clickhouse.UploadWriter, tag string, codes ...string) {
	h.t.Helper()
	b := &saima.Batch{}
	for _, c := range codes {
		b.Milestones = append(b.Milestones, milestone(c, tag))
	}
	if err := w.Write(context.Background(), b); err != nil {
		h.t.Fatal(err)
	}
}

// commit commits w, the upload tag, and checks that it replaced want
// current records.
func (h *ledgerHistory) commit(w *clickhouse.UploadWriter, tag string, want int) {
	h.t.Helper()
	n, err := w.CommitCounting(context.Background(), nil)
	if err != nil {
		h.t.Fatal(err)
	}
	if n != want {
		h.t.Errorf("upload %s: CommitCounting = %d, want %d", tag, n, want)
	}
}

// upload writes and commits the upload tag of codes, which replaces want
// current records.
func (h *ledgerHistory) upload(tag string, want int, codes ...string) {
	h.t.Helper()
	w := h.begin(tag)
	h.write(w, tag, codes...)
	h.commit(w, tag, want)
}

// superseded returns, by the tag of the upload that recorded them, the
// entries of the superseded list of milestones, each as code@tag of the
// row it names, sorted.
func (h *ledgerHistory) superseded() map[string][]string {
	h.t.Helper()
	tags := map[string]string{}
	for tag, id := range h.ids {
		tags[id] = tag
	}
	type row struct {
		hash, version uint64
	}
	names := map[row]string{}
	h.scan("SELECT key_hash, version, project_code, upload_id FROM {db}.milestones", func(scan func(...any) error) {
		var r row
		var code, id string
		if err := scan(&r.hash, &r.version, &code, &id); err != nil {
			h.t.Fatal(err)
		}
		names[r] = code + "@" + tags[id]
	})
	out := map[string][]string{}
	h.scan("SELECT key_hash, version, upload_id FROM {db}.milestones_superseded", func(scan func(...any) error) {
		var r row
		var id string
		if err := scan(&r.hash, &r.version, &id); err != nil {
			h.t.Fatal(err)
		}
		out[tags[id]] = append(out[tags[id]], names[r])
	})
	for _, entries := range out {
		slices.Sort(entries)
	}
	return out
}

// current returns the current milestones as code@tag, sorted.
func (h *ledgerHistory) current() []string {
	h.t.Helper()
	ms, err := h.s.ListMilestones(context.Background())
	if err != nil {
		h.t.Fatal(err)
	}
	var out []string
	for _, m := range ms {
		out = append(out, m.ProjectCode+"@"+m.Status)
	}
	slices.Sort(out)
	return out
}

func (h *ledgerHistory) scan(query string, row func(scan func(...any) error)) {
	h.t.Helper()
	rows, err := h.s.Engine().Query(context.Background(), strings.ReplaceAll(query, "{db}", h.s.Database()))
	if err != nil {
		h.t.Fatal(err)
	}
	defer rows.Close()
	for rows.Next() {
		row(rows.Scan)
	}
	if err := rows.Err(); err != nil {
		h.t.Fatal(err)
	}
}

// check compares the superseded entries and the current milestones with
// the wanted ones, and the milestone tally with the rows.
func (h *ledgerHistory) check(superseded map[string][]string, current []string) {
	h.t.Helper()
	if got := h.superseded(); !reflect.DeepEqual(got, superseded) {
		h.t.Errorf("superseded entries by upload\n%v\nwant\n%v", got, superseded)
	}
	if got := h.current(); !reflect.DeepEqual(got, current) {
		h.t.Errorf("current milestones = %v, want %v", got, current)
	}
	tally, rows, err := h.s.MilestoneFactsBySource(context.Background(), saima.Quarter(2026, 1))
	if err != nil {
		h.t.Fatal(err)
	}
	if !reflect.DeepEqual(tally, rows) {
		h.t.Errorf("facts from the tally\n%v\nwant those from the rows\n%v", tally, rows)
	}
}

// forEachKeyMode runs f on each engine for each key mode, each time on
// a fresh database.
func forEachKeyMode(t *testing.T, f func(h *ledgerHistory)) {
	for _, engine := range chtest.Engines {
		t.Run(engine, func(t *testing.T) {
			for _, mode := range keyModes {
				t.Run(mode.name, func(t *testing.T) {
					f(&ledgerHistory{t: t, s: chtest.StoreOn(t, engine), limit: mode.limit, ids: map[string]string{}})
				})
			}
		})
	}
}

// TestCommitKeyTwiceInUpload checks an upload that writes one key twice,
// once in each of two batches, over a stored version: the stored version
// is superseded once and both new rows are current.
func TestCommitKeyTwiceInUpload(t *testing.T) {
	forEachKeyMode(t, func(h *ledgerHistory) {
		h.upload("first", 0, "P1", "P2")
		w := h.begin("second")
		h.write(w, "second", "P1", "P3")
		h.write(w, "second", "P1")
		h.commit(w, "second", 1)
		h.check(map[string][]string{"second": {"P1@first"}},
			[]string{"P1@second", "P1@second", "P2@first", "P3@second"})

		// A third upload of P1 supersedes both rows of the second.
		h.upload("third", 2, "P1")
		h.check(map[string][]string{"second": {"P1@first"}, "third": {"P1@second", "P1@second"}},
			[]string{"P1@third", "P2@first", "P3@second"})
	})
}

// TestCommitReplacesSeveralVersions checks an upload whose keys are
// current in three older uploads: it supersedes each key's current
// version and none that an older upload superseded before.
func TestCommitReplacesSeveralVersions(t *testing.T) {
	forEachKeyMode(t, func(h *ledgerHistory) {
		h.upload("first", 0, "P1", "P2", "P3")
		h.upload("second", 2, "P2", "P3")
		h.upload("third", 1, "P3")
		h.upload("fourth", 3, "P1", "P2", "P3", "P4")
		h.check(map[string][]string{
			"second": {"P2@first", "P3@first"},
			"third":  {"P3@second"},
			"fourth": {"P1@first", "P2@second", "P3@third"},
		}, []string{"P1@fourth", "P2@fourth", "P3@fourth", "P4@fourth"})
	})
}

// TestCommitNewerUploadFirst checks two uploads of one key that commit in
// the opposite order to the one they started in: the one that started
// later keeps the key, and the earlier one supersedes its own row when it
// commits.
func TestCommitNewerUploadFirst(t *testing.T) {
	forEachKeyMode(t, func(h *ledgerHistory) {
		h.upload("stored", 0, "P1", "P2")
		older := h.begin("older")
		newer := h.begin("newer")
		h.write(older, "older", "P1", "P3")
		h.write(newer, "newer", "P1", "P4")
		h.commit(newer, "newer", 1)
		// The older upload's P1 is overtaken by the newer one's, which
		// stays current, so it replaced nothing.
		h.commit(older, "older", 0)
		h.check(map[string][]string{"newer": {"P1@stored"}, "older": {"P1@older"}},
			[]string{"P1@newer", "P2@stored", "P3@older", "P4@newer"})
	})
}

// TestCommitReadsUploadKeysOnly checks that the commit of a small upload,
// with its count of replaced records, reads the granules of its keys, not the whole ledger. On a
// ledger of a million milestones they select fewer marks (granules of
// 8 192 rows) than one read of the milestones table would. The same
// upload committed by scanning selects more, which shows that the count
// includes the reads of a commit.
func TestCommitReadsUploadKeysOnly(t *testing.T) {
	const ledgerRows = 1_000_000
	modes := []struct {
		name  string
		limit func(w *clickhouse.UploadWriter)
		scan  bool
	}{
		{"keys", func(*clickhouse.UploadWriter) {}, false},
		{"scan", func(w *clickhouse.UploadWriter) { w.LimitKeys(0, 1, 0) }, true},
	}
	for _, engine := range chtest.Engines {
		for _, mode := range modes {
			t.Run(engine+"/"+mode.name, func(t *testing.T) {
				ctx := context.Background()
				s := chtest.StoreOn(t, engine)
				h := &ledgerHistory{t: t, s: s, limit: func(*clickhouse.UploadWriter) {}, ids: map[string]string{}}
				ledger := h.begin("ledger")
				err := s.Engine().Exec(ctx, "INSERT INTO "+s.Database()+".milestones "+
					"(project_code, name, unit, planned, status, upload_id, version) "+
					"SELECT concat('P', toString(number)), '上线', '慈溪市', toDate('2026-03-31'), 'ledger', ?, ? "+
					"FROM numbers(?)", h.ids["ledger"], ledger.Version(), uint64(ledgerRows))
				if err != nil {
					t.Fatal(err)
				}
				ledger.Wrote("milestones")
				h.commit(ledger, "ledger", 0)
				tableMarks := h.count("SELECT sum(marks) FROM system.parts WHERE database = '{db}' " +
					"AND table = 'milestones' AND active")

				h.limit = mode.limit
				w := h.begin("small")
				h.write(w, "small", "P17", "P500000", "P999999", "新项目1", "新项目2")
				before := h.count("SELECT value FROM system.events WHERE event = 'SelectedMarks'")
				h.commit(w, "small", 3)
				marks := h.count("SELECT value FROM system.events WHERE event = 'SelectedMarks'") - before
				t.Logf("the commit selected %d marks; the milestones table has %d", marks, tableMarks)
				if !mode.scan && marks >= tableMarks {
					t.Errorf("the commit selected %d marks, want fewer than the %d of the milestones table",
						marks, tableMarks)
				}
				if mode.scan && marks < tableMarks {
					t.Errorf("scanning selected %d marks, want at least the %d of the milestones table", marks, tableMarks)
				}
			})
		}
	}
}

// count returns the number that query, with {db} for the database,
// returns.
func (h *ledgerHistory) count(query string) uint64 {
	h.t.Helper()
	var n uint64
	h.scan(query, func(scan func(...any) error) {
		if err := scan(&n); err != nil {
			h.t.Fatal(err)
		}
	})
	return n
}

// TestRandomHistoryKeepsLatest runs a random history of uploads that find
// their rows in each of the ways of keyModes. As of every step, the
// current milestones must be the latest visible version of each key. At
// the end, committed uploads must list every superseded row once.
func TestRandomHistoryKeepsLatest(t *testing.T) {
	chtest.ForEachEngine(t, func(t *testing.T, s *clickhouse.Store) {
		ctx := context.Background()
		versions := tallyLedger(t, s, 7, 16)
		h := &ledgerHistory{t: t, s: s}

		type row struct {
			key, values   string
			hash, version uint64
		}
		var rows []row
		h.scan("SELECT project_code, name, toString(planned), ifNull(toString(actual), 'NULL'), key_hash, version "+
			"FROM {db}.milestones", func(scan func(...any) error) {
			var code, name, planned, actual string
			var r row
			if err := scan(&code, &name, &planned, &actual, &r.hash, &r.version); err != nil {
				t.Fatal(err)
			}
			r.key, r.values = code+"/"+name, code+"/"+name+" "+planned+" "+actual
			rows = append(rows, r)
		})
		committed := map[uint64]uint64{} // commit version by version of an ok upload
		h.scan("SELECT version, committed FROM {db}.uploads WHERE outcome = 'ok'", func(scan func(...any) error) {
			var v, c uint64
			if err := scan(&v, &c); err != nil {
				t.Fatal(err)
			}
			committed[v] = c
		})

		for i, asOf := range versions {
			latest := map[string]uint64{}
			for _, r := range rows {
				if c, ok := committed[r.version]; ok && c <= asOf {
					latest[r.key] = max(latest[r.key], r.version)
				}
			}
			var want []string
			for _, r := range rows {
				if latest[r.key] == r.version {
					want = append(want, r.values)
				}
			}
			ms, err := s.AsOf(asOf).ListMilestones(ctx)
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, m := range ms {
				actual := "NULL"
				if m.Actual != nil {
					actual = m.Actual.String()
				}
				got = append(got, m.ProjectCode+"/"+m.Name+" "+m.Planned.String()+" "+actual)
			}
			slices.Sort(got)
			slices.Sort(want)
			if !slices.Equal(got, want) {
				t.Errorf("as of step %d: current milestones\n%v\nwant the latest visible versions\n%v", i, got, want)
			}
		}

		// Rows that share key and version are the repeats of a key in one
		// upload: a committed upload lists either none or all of them.
		type pair struct{ hash, version uint64 }
		copies := map[pair]int{}
		for _, r := range rows {
			copies[pair{r.hash, r.version}]++
		}
		listed := map[pair]int{}
		h.scan("SELECT key_hash, version FROM {db}.milestones_superseded WHERE upload_id GLOBAL IN "+
			"(SELECT id FROM {db}.uploads WHERE outcome = 'ok')", func(scan func(...any) error) {
			var p pair
			if err := scan(&p.hash, &p.version); err != nil {
				t.Fatal(err)
			}
			listed[p]++
		})
		if len(listed) == 0 {
			t.Fatal("no superseded entries at all, the test proves nothing")
		}
		for p, n := range listed {
			if n != copies[p] {
				t.Errorf("version %d of key hash %d: listed %d times by committed uploads, want %d",
					p.version, p.hash, n, copies[p])
			}
		}
	})
}

// TestCommitOddKeys checks that an upload finds its keys when they hold
// escaped bytes or text like the store's query tokens, in every data
// table: sent again, the batch replaces every row it stored before, once.
func TestCommitOddKeys(t *testing.T) {
	for _, engine := range chtest.Engines {
		for _, mode := range keyModes {
			t.Run(engine+"/"+mode.name, func(t *testing.T) {
				ctx := context.Background()
				s := chtest.StoreOn(t, engine)
				b := clickhouse.KeyBatch()
				h := &ledgerHistory{t: t, s: s, limit: mode.limit, ids: map[string]string{}}
				for i, want := range []int{0, b.Len(), b.Len()} {
					w := h.begin(fmt.Sprint(i))
					if err := w.Write(ctx, b); err != nil {
						t.Fatal(err)
					}
					h.commit(w, fmt.Sprint(i), want)
				}
				entries := h.count("SELECT sum(n) FROM (" + supersededCounts + ")")
				if want := uint64(2 * b.Len()); entries != want {
					t.Errorf("superseded entries = %d, want %d", entries, want)
				}
			})
		}
	}
}

// supersededCounts counts the entries of every superseded list.
var supersededCounts = func() string {
	var parts []string
	for _, table := range []string{"units", "projects", "stage_events", "milestones", "progress", "assessments",
		"problems", "list_items", "list_done", "problem_steps", "leader_reports"} {
		parts = append(parts, "SELECT count() AS n FROM {db}."+table+"_superseded")
	}
	return strings.Join(parts, " UNION ALL ")
}()

// TestKeyColumnsLeadOrderBy checks that the key columns by which an
// upload finds its rows are those that lead each data table's ORDER BY,
// before version, on each engine.
func TestKeyColumnsLeadOrderBy(t *testing.T) {
	chtest.ForEachEngine(t, func(t *testing.T, s *clickhouse.Store) {
		h := &ledgerHistory{t: t, s: s}
		got := map[string]string{}
		h.scan("SELECT name, sorting_key FROM system.tables WHERE database = '{db}'", func(scan func(...any) error) {
			var name, key string
			if err := scan(&name, &key); err != nil {
				t.Fatal(err)
			}
			got[name] = key
		})
		keys := clickhouse.KeyColumns()
		for table, columns := range keys {
			if want := strings.Join(columns, ", ") + ", version"; got[table] != want {
				t.Errorf("ORDER BY of %s = (%s), want (%s)", table, got[table], want)
			}
		}
		for name := range got {
			if table, ok := strings.CutSuffix(name, "_superseded"); ok && keys[table] == nil {
				t.Errorf("data table %s has a superseded list but no key columns", table)
			}
		}
	})
}

// TestCommitReplacesOtherValues checks that a progress report replaces
// the stored one of its key when every column outside the key differs.
func TestCommitReplacesOtherValues(t *testing.T) {
	forEachKeyMode(t, func(h *ledgerHistory) {
		report := saima.ProgressReport{Unit: "宁波市北仑区", ProjectCode: "NB-2026-017", ProjectName: "旧名称",
			Period: saima.Quarter(2026, 3), Percent: pct("40"), Progress: "旧"}
		for i, want := range []int{0, 1} {
			w := h.begin(fmt.Sprint(i))
			if err := w.Write(context.Background(), &saima.Batch{Progress: []saima.ProgressReport{report}}); err != nil {
				h.t.Fatal(err)
			}
			h.commit(w, fmt.Sprint(i), want)
			report.ProjectName, report.Percent, report.Progress = "新名称", pct("60"), "新"
		}
		got, err := h.s.ListProgress(context.Background(), saima.Quarter(2026, 3))
		if err != nil {
			h.t.Fatal(err)
		}
		if len(got) != 1 || got[0].ProjectName != "新名称" {
			h.t.Errorf("current progress reports = %+v, want the one named 新名称 alone", got)
		}
	})
}

// TestCommitManyEntries checks an upload that supersedes more rows than
// one tally statement lists: the tally still matches the rows.
func TestCommitManyEntries(t *testing.T) {
	chtest.ForEachEngine(t, func(t *testing.T, s *clickhouse.Store) {
		h := &ledgerHistory{t: t, s: s, limit: func(w *clickhouse.UploadWriter) { w.LimitKeys(2000, 2000, 2000) },
			ids: map[string]string{}}
		var codes []string
		for i := range 1500 {
			codes = append(codes, fmt.Sprintf("P%04d", i))
		}
		h.upload("first", 0, codes...)
		h.upload("second", len(codes), codes...)
		if n := h.count("SELECT count() FROM {db}.milestones_superseded"); n != uint64(len(codes)) {
			t.Errorf("superseded entries = %d, want %d", n, len(codes))
		}
		tally, rows, err := s.MilestoneFactsBySource(context.Background(), saima.Quarter(2026, 1))
		if err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(tally, rows) {
			t.Errorf("facts from the tally\n%v\nwant those from the rows\n%v", tally, rows)
		}
	})
}

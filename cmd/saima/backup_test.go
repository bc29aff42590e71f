package main

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"syscall"
	"testing"

	"saima/clickhouse"
	"saima/clickhouse/chtest"
)

// newRestoreTarget returns an environment like e's, on the same engine,
// with a database of its own that does not exist yet.
func newRestoreTarget(e *testEnv) *testEnv {
	var b [6]byte
	rand.Read(b[:])
	env := map[string]string{}
	for k, v := range e.env {
		env[k] = v
	}
	env["SAIMA_DATABASE"] = "restored_" + hex.EncodeToString(b[:])
	return &testEnv{t: e.t, env: env}
}

// tableDigests returns, for every table of the manifest, the row count
// and the sum of the rows' hashes in database, which is the same for
// equal sets of rows in any order.
func tableDigests(t *testing.T, st *clickhouse.Store, database string, m *clickhouse.Manifest) map[string]string {
	t.Helper()
	digests := map[string]string{}
	for _, tb := range m.Tables {
		var cols []string
		for _, c := range tb.Columns {
			cols = append(cols, "ifNull(toString("+c.Name+"), '<NULL>')")
		}
		rows, err := st.Engine().Query(context.Background(),
			"SELECT toString(count()), toString(sum(cityHash64("+strings.Join(cols, ", ")+"))) FROM "+database+"."+tb.Name)
		if err != nil {
			t.Fatalf("digest of %s.%s: %v", database, tb.Name, err)
		}
		var n, sum string
		for rows.Next() {
			if err := rows.Scan(&n, &sum); err != nil {
				t.Fatal(err)
			}
		}
		rows.Close()
		digests[tb.Name] = n + " rows, hash sum " + sum
	}
	return digests
}

func pdfText(t *testing.T, e *testEnv, period string) string {
	t.Helper()
	pdf := filepath.Join(t.TempDir(), period+".pdf")
	e.mustRun("report", "-o", pdf, period)
	text, err := exec.Command("pdftotext", "-layout", pdf, "-").Output()
	if err != nil {
		t.Fatalf("pdftotext %s: %v", pdf, err)
	}
	// The minute the report was drawn differs between two runs that
	// straddle a minute, so it is left out of the comparison.
	return generatedAt.ReplaceAllString(string(text), "生成时间：（略）")
}

// generatedAt matches the time a report was drawn, on its first page.
var generatedAt = regexp.MustCompile(`生成时间：\d{4}-\d{2}-\d{2} \d{2}:\d{2}`)

func requirePDFToText(t *testing.T) {
	t.Helper()
	if _, err := exec.LookPath("pdftotext"); err != nil {
		if os.Getenv("CI") != "" {
			t.Fatal("pdftotext is missing; install poppler-utils")
		}
		t.Skip("pdftotext is missing; install poppler-utils")
	}
}

func TestBackupRestoreRoundTrip(t *testing.T) {
	requirePDFToText(t)
	forEachEngine(t, func(t *testing.T, e *testEnv) {
		e.mustRun("demo", "--no-serve", "--today", "2026-11-20", "--out", t.TempDir())
		dir := filepath.Join(t.TempDir(), "backup")
		out := e.mustRun("backup", "-o", dir)
		assertContains(t, "backup output", out, "备份已写入 "+dir, "张表", "数据库结构版本")

		target := newRestoreTarget(e)
		out = target.mustRun("restore", dir)
		assertContains(t, "restore output", out, "已从 "+dir+" 恢复到数据库 "+target.env["SAIMA_DATABASE"])

		m, err := clickhouse.ReadBackup(dir)
		if err != nil {
			t.Fatal(err)
		}
		if m.SchemaVersion != clickhouse.LatestSchemaVersion() {
			t.Errorf("manifest schema version = %d, want %d", m.SchemaVersion, clickhouse.LatestSchemaVersion())
		}
		st := e.openStore(t)
		source := tableDigests(t, st, e.env["SAIMA_DATABASE"], m)
		restored := tableDigests(t, st, target.env["SAIMA_DATABASE"], m)
		for _, tb := range m.Tables {
			if source[tb.Name] != restored[tb.Name] {
				t.Errorf("table %s: source %s, restored %s", tb.Name, source[tb.Name], restored[tb.Name])
			}
		}
		for _, name := range []string{"units", "projects", "progress", "uploads", "accounts", "evaluations", "scores"} {
			if strings.HasPrefix(source[name], "0 rows") || source[name] == "" {
				t.Errorf("table %s of the demo is empty or missing (%q), so the round trip proves nothing for it", name, source[name])
			}
		}

		for _, args := range [][]string{
			{"score", "2026Q3"},
			{"explain", "2026Q3", "宁波市海曙区"},
			{"uploads", "--limit", "1000"},
		} {
			if got, want := target.mustRun(args...), e.mustRun(args...); got != want {
				t.Errorf("saima %s on the restored database differs:\n%s\nwant:\n%s", strings.Join(args, " "), got, want)
			}
		}
		if got, want := pdfText(t, target, "2026Q3"), pdfText(t, e, "2026Q3"); got != want {
			t.Errorf("2026Q3 report text on the restored database differs:\n%s\nwant:\n%s", got, want)
		}
	})
}

// TestRestoreIntoFreshDataFolder restores the embedded engine's backup
// in a second process, into a data folder that does not exist yet, as on
// a new machine.
func TestRestoreIntoFreshDataFolder(t *testing.T) {
	requirePDFToText(t)
	e := newTestEnv(t)
	e.mustRun("demo", "--no-serve", "--today", "2026-11-20", "--out", t.TempDir())
	dir := filepath.Join(t.TempDir(), "backup")
	e.mustRun("backup", "-o", dir)

	fresh := filepath.Join(t.TempDir(), "data-new")
	pdf := filepath.Join(t.TempDir(), "restored.pdf")
	child := exec.Command(os.Args[0], "-test.run=^$")
	child.Env = os.Environ()
	for k, v := range e.env {
		child.Env = append(child.Env, k+"="+v)
	}
	restore := exec.Command(child.Path, child.Args[1:]...)
	restore.Env = append(child.Env, "SAIMA_TEST_RUN=restore --data-dir "+fresh+" "+dir)
	if out, err := restore.CombinedOutput(); err != nil {
		t.Fatalf("restore into %s: %v\n%s", fresh, err, out)
	}
	report := exec.Command(child.Path, child.Args[1:]...)
	report.Env = append(child.Env, "SAIMA_TEST_RUN=report --data-dir "+fresh+" -o "+pdf+" 2026Q3")
	if out, err := report.CombinedOutput(); err != nil {
		t.Fatalf("report on %s: %v\n%s", fresh, err, out)
	}
	text, err := exec.Command("pdftotext", "-layout", pdf, "-").Output()
	if err != nil {
		t.Fatal(err)
	}
	got := generatedAt.ReplaceAllString(string(text), "生成时间：（略）")
	if want := pdfText(t, e, "2026Q3"); got != want {
		t.Errorf("2026Q3 report text from the fresh data folder differs:\n%s\nwant:\n%s", got, want)
	}
}

// copyBackup copies the backup folder src to a new folder and returns it.
func copyBackup(t *testing.T, src string) string {
	t.Helper()
	dst := filepath.Join(t.TempDir(), "copy")
	if err := os.CopyFS(dst, os.DirFS(src)); err != nil {
		t.Fatal(err)
	}
	return dst
}

func TestRestoreRejectsDamagedBackup(t *testing.T) {
	forEachEngine(t, func(t *testing.T, e *testEnv) {
		e.mustRun("demo", "--no-serve", "--today", "2026-11-20", "--out", t.TempDir())
		dir := filepath.Join(t.TempDir(), "backup")
		e.mustRun("backup", "-o", dir)
		st := e.openStore(t)

		cases := []struct {
			name   string
			damage func(t *testing.T, dir string)
			want   []string
		}{
			{"truncated data file", func(t *testing.T, dir string) {
				path := filepath.Join(dir, "progress.native")
				info, err := os.Stat(path)
				if err != nil {
					t.Fatal(err)
				}
				if err := os.Truncate(path, info.Size()/2); err != nil {
					t.Fatal(err)
				}
			}, []string{"progress.native", "被截断", "没有恢复任何数据"}},
			{"changed byte", func(t *testing.T, dir string) {
				path := filepath.Join(dir, "scores.native")
				b, err := os.ReadFile(path)
				if err != nil {
					t.Fatal(err)
				}
				b[len(b)/2] ^= 0x01
				if err := os.WriteFile(path, b, 0o640); err != nil {
					t.Fatal(err)
				}
			}, []string{"scores.native", "SHA-256", "没有恢复任何数据"}},
			{"missing data file", func(t *testing.T, dir string) {
				if err := os.Remove(filepath.Join(dir, "units.native")); err != nil {
					t.Fatal(err)
				}
			}, []string{"units.native", "缺少", "没有恢复任何数据"}},
			{"truncated manifest", func(t *testing.T, dir string) {
				if err := os.Truncate(filepath.Join(dir, clickhouse.ManifestFile), 100); err != nil {
					t.Fatal(err)
				}
			}, []string{clickhouse.ManifestFile, "已损坏", "没有恢复任何数据"}},
			{"newer schema", func(t *testing.T, dir string) {
				editManifest(t, dir, func(m *clickhouse.Manifest) { m.SchemaVersion = 9999 })
			}, []string{"来自更新的 saima", "9999", "升级"}},
			{"column name with SQL", func(t *testing.T, dir string) {
				editManifest(t, dir, func(m *clickhouse.Manifest) { m.Tables[0].Columns[0].Name = "x) FROM system.one; --" })
			}, []string{"无效", "没有恢复任何数据"}},
		}
		for _, tt := range cases {
			t.Run(tt.name, func(t *testing.T) {
				damaged := copyBackup(t, dir)
				tt.damage(t, damaged)
				target := newRestoreTarget(e)
				code, out, errOut := target.run("restore", damaged)
				if code != 1 {
					t.Fatalf("restore of a backup with a %s exited %d, want 1\nstdout:\n%s\nstderr:\n%s", tt.name, code, out, errOut)
				}
				assertContains(t, "restore error", errOut, tt.want...)
				n, err := countDatabases(st, target.env["SAIMA_DATABASE"])
				if err != nil {
					t.Fatal(err)
				}
				if n != 0 {
					t.Errorf("restore of a backup with a %s created database %s", tt.name, target.env["SAIMA_DATABASE"])
				}
			})
		}
	})
}

func editManifest(t *testing.T, dir string, edit func(m *clickhouse.Manifest)) {
	t.Helper()
	path := filepath.Join(dir, clickhouse.ManifestFile)
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var m clickhouse.Manifest
	if err := json.Unmarshal(b, &m); err != nil {
		t.Fatal(err)
	}
	edit(&m)
	if b, err = json.Marshal(m); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, b, 0o640); err != nil {
		t.Fatal(err)
	}
}

func countDatabases(st *clickhouse.Store, name string) (int, error) {
	rows, err := st.Engine().Query(context.Background(), "SELECT name FROM system.databases WHERE name = ?", name)
	if err != nil {
		return 0, err
	}
	defer rows.Close()
	n := 0
	for rows.Next() {
		n++
	}
	return n, rows.Err()
}

func TestBackupAndRestoreRefusals(t *testing.T) {
	forEachEngine(t, func(t *testing.T, e *testEnv) {
		e.mustRun("demo", "--no-serve", "--today", "2026-11-20", "--out", t.TempDir())
		dir := filepath.Join(t.TempDir(), "backup")
		e.mustRun("backup", "-o", dir)

		code, _, errOut := e.run("backup", "-o", dir)
		if code != 1 {
			t.Errorf("backup into an existing folder exited %d, want 1", code)
		}
		assertContains(t, "backup into an existing folder", errOut, dir, "已存在", "换一个不存在的目录名")

		before := e.mustRun("uploads", "--limit", "1000")
		code, _, errOut = e.run("restore", dir)
		if code != 1 {
			t.Errorf("restore into the source database exited %d, want 1", code)
		}
		assertContains(t, "restore into a non-empty database", errOut, "不是空的", "没有写入任何数据", "--data-dir", "--database")
		if after := e.mustRun("uploads", "--limit", "1000"); after != before {
			t.Errorf("a refused restore changed the upload log:\n%s\nwas:\n%s", after, before)
		}

		if e.env["SAIMA_ENGINE"] != "server" {
			return
		}
		// Nothing listens on port 1 of the loopback address.
		other := filepath.Join(t.TempDir(), "backup")
		code, _, errOut = e.run("backup", "--ch-http-addr", "127.0.0.1:1", "-o", other)
		if code != 1 {
			t.Errorf("backup over a closed HTTP port exited %d, want 1", code)
		}
		assertContains(t, "backup over a closed HTTP port", errOut, "HTTP 接口 127.0.0.1:1", "--ch-http-addr")
		if entries, err := os.ReadDir(filepath.Dir(other)); err != nil || len(entries) > 0 {
			t.Errorf("backup over a closed HTTP port left %v (%v)", entries, err)
		}
	})
}

// TestBackupRefusesNoData checks that a backup of a data folder that does
// not exist, or of a database without a row, fails and writes no folder,
// since either is almost always a mistyped --data-dir or --database.
func TestBackupRefusesNoData(t *testing.T) {
	forEachEngine(t, func(t *testing.T, e *testEnv) {
		dir := filepath.Join(t.TempDir(), "backup")
		code, _, errOut := e.run("backup", "-o", dir)
		if code != 1 {
			t.Errorf("backup of an empty database exited %d, want 1", code)
		}
		assertContains(t, "backup of an empty database", errOut, "没有任何数据", "未写入备份", "--data-dir", "--database")
		if _, err := os.Stat(dir); !os.IsNotExist(err) {
			t.Errorf("backup of an empty database left %s (%v)", dir, err)
		}
		e.mustRun("demo", "--no-serve", "--today", "2026-11-20", "--out", t.TempDir())
		orphan := filepath.Join(t.TempDir(), "no-such-parent", "backup")
		code, _, errOut = e.run("backup", "-o", orphan)
		if code != 1 {
			t.Errorf("backup into a missing parent folder exited %d, want 1", code)
		}
		assertContains(t, "backup into a missing parent folder", errOut, filepath.Dir(orphan), "不存在", "什么也没有写入", "mkdir -p")
		if e.env["SAIMA_ENGINE"] == "server" {
			return
		}

		missing := filepath.Join(t.TempDir(), "no-such-data")
		code, _, errOut = e.run("backup", "--data-dir", missing, "-o", dir)
		if code != 1 {
			t.Errorf("backup of a missing data folder exited %d, want 1", code)
		}
		assertContains(t, "backup of a missing data folder", errOut, missing, "不存在", "--data-dir")
		for _, path := range []string{dir, missing} {
			if _, err := os.Stat(path); !os.IsNotExist(err) {
				t.Errorf("backup of a missing data folder left %s (%v)", path, err)
			}
		}
	})
}

// mountSmallDisk mounts a tmpfs of size bytes on a new folder and returns
// the folder. It skips t unless the test runs as root, which mounting needs.
func mountSmallDisk(t *testing.T, size int) string {
	t.Helper()
	if os.Geteuid() != 0 {
		t.Skip("mounting a small tmpfs to fill up needs root")
	}
	dir := filepath.Join(t.TempDir(), "small")
	if err := os.Mkdir(dir, 0o750); err != nil {
		t.Fatal(err)
	}
	if err := syscall.Mount("tmpfs", dir, "tmpfs", 0, "size="+strconv.Itoa(size)); err != nil {
		t.Skipf("mount a tmpfs on %s: %v", dir, err)
	}
	// A lazy unmount, because chDB 26.5 keeps open the INTO OUTFILE file
	// that it failed to write, deleted or not, until the process exits.
	t.Cleanup(func() {
		if err := syscall.Unmount(dir, syscall.MNT_DETACH); err != nil {
			t.Errorf("unmount %s: %v", dir, err)
		}
	})
	return dir
}

func TestBackupDiskFull(t *testing.T) {
	forEachEngine(t, func(t *testing.T, e *testEnv) {
		e.mustRun("demo", "--no-serve", "--today", "2026-11-20", "--out", t.TempDir())
		// The demo's backup takes about 850 kB, so it stops part-way
		// through a table, after the first files.
		small := mountSmallDisk(t, 64<<10)
		dir := filepath.Join(small, "backup")
		code, out, errOut := e.run("backup", "-o", dir)
		if code != 1 {
			t.Fatalf("backup onto a full disk exited %d, want 1\nstdout:\n%s\nstderr:\n%s", code, out, errOut)
		}
		assertContains(t, "backup onto a full disk", errOut, "磁盘空间不足", dir, "未完成的部分已删除")
		left, err := os.ReadDir(small)
		if err != nil {
			t.Fatal(err)
		}
		if len(left) > 0 {
			t.Errorf("backup onto a full disk left %d entries, such as %s", len(left), left[0].Name())
		}
	})
}

// TestRestoreAcrossEngines restores a backup of the embedded engine onto
// a ClickHouse server, as when a city moves from one machine to a server,
// and the server's backup of it back into the embedded engine.
func TestRestoreAcrossEngines(t *testing.T) {
	embedded := newTestEnv(t)
	server := newRestoreTarget(embedded)
	srv := chtest.StartServer(t)
	server.env["SAIMA_ENGINE"] = "server"
	server.env["SAIMA_CH_ADDR"] = srv.Addr
	server.env["SAIMA_CH_HTTP_ADDR"] = srv.HTTPAddr
	server.env["SAIMA_CH_USER"] = chtest.ServerUser
	server.env["SAIMA_CH_PASSWORD"] = chtest.ServerPassword

	embedded.mustRun("demo", "--no-serve", "--today", "2026-11-20", "--out", t.TempDir())
	dir := filepath.Join(t.TempDir(), "backup")
	embedded.mustRun("backup", "-o", dir)
	server.mustRun("restore", dir)
	back := filepath.Join(t.TempDir(), "backup-of-server")
	server.mustRun("backup", "-o", back)
	again := newRestoreTarget(embedded)
	again.mustRun("restore", back)

	for _, args := range [][]string{
		{"score", "2026Q3"},
		{"explain", "2026Q3", "宁波市海曙区"},
	} {
		want := embedded.mustRun(args...)
		if got := server.mustRun(args...); got != want {
			t.Errorf("saima %s on the server differs:\n%s\nwant:\n%s", strings.Join(args, " "), got, want)
		}
		if got := again.mustRun(args...); got != want {
			t.Errorf("saima %s after the round trip through the server differs:\n%s\nwant:\n%s",
				strings.Join(args, " "), got, want)
		}
	}
}

// TestRestoreIgnoresManifestTypes restores a backup whose manifest gives
// a column the type String DEFAULT file(…), with a data file that lacks
// the column. The manifest has no checksum of its own, so a forger who
// changes the data files can change it too. Restore must read the columns
// with the target's types, not run an expression from the manifest that
// reads a file of the restoring machine into the database.
func TestRestoreIgnoresManifestTypes(t *testing.T) {
	e := newTestEnv(t)
	units := filepath.Join(t.TempDir(), "units.csv")
	if err := os.WriteFile(units, []byte("单位,单位类别\n宁波市海曙区,区县（市）\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	e.mustRun("import", units)
	dir := filepath.Join(t.TempDir(), "backup")
	e.mustRun("backup", "-o", dir)

	secret := filepath.Join(t.TempDir(), "secret.txt")
	if err := os.WriteFile(secret, []byte("SECRET-OF-THE-RESTORING-MACHINE"), 0o600); err != nil {
		t.Fatal(err)
	}
	crafted := copyBackup(t, dir)
	// Rewrite units.native without the column track, so that a DEFAULT of
	// that column would fill it.
	st := e.openStore(t)
	native := filepath.Join(crafted, "units.native")
	if err := os.Remove(native); err != nil {
		t.Fatal(err)
	}
	var kept []string
	m, err := clickhouse.ReadBackup(dir)
	if err != nil {
		t.Fatal(err)
	}
	for _, tb := range m.Tables {
		if tb.Name != "units" {
			continue
		}
		for _, c := range tb.Columns {
			if c.Name != "track" {
				kept = append(kept, c.Name)
			}
		}
	}
	if err := st.Engine().Exec(context.Background(), "SELECT "+strings.Join(kept, ", ")+" FROM "+
		e.env["SAIMA_DATABASE"]+".units INTO OUTFILE ? FORMAT Native", native); err != nil {
		t.Fatal(err)
	}
	body, err := os.ReadFile(native)
	if err != nil {
		t.Fatal(err)
	}
	sum := sha256.Sum256(body)
	editManifest(t, crafted, func(m *clickhouse.Manifest) {
		for i := range m.Tables {
			tb := &m.Tables[i]
			if tb.Name != "units" {
				continue
			}
			tb.Bytes, tb.SHA256 = int64(len(body)), hex.EncodeToString(sum[:])
			for j := range tb.Columns {
				if tb.Columns[j].Name == "track" {
					tb.Columns[j].Type = "String DEFAULT file('" + secret + "', 'RawBLOB')"
				}
			}
		}
	})

	target := newRestoreTarget(e)
	target.run("restore", crafted)
	rows, err := st.Engine().Query(context.Background(),
		"SELECT name FROM system.databases WHERE name = ?", target.env["SAIMA_DATABASE"])
	if err != nil {
		t.Fatal(err)
	}
	exists := rows.Next()
	rows.Close()
	if !exists {
		return
	}
	rows, err = st.Engine().Query(context.Background(),
		"SELECT track FROM "+target.env["SAIMA_DATABASE"]+".units")
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	for rows.Next() {
		var track string
		if err := rows.Scan(&track); err != nil {
			t.Fatal(err)
		}
		if strings.Contains(track, "SECRET") {
			t.Errorf("restore read %s into units.track through the manifest's column type: %q", secret, track)
		}
	}
}

// TestBackupFilesOwnerOnly checks that every file of a backup is readable
// by its owner only, as the README promises. The accounts' password and
// token hashes are in accounts.native, so the folder's mode alone is not
// enough: files copied out of it into another folder keep their own modes.
func TestBackupFilesOwnerOnly(t *testing.T) {
	forEachEngine(t, func(t *testing.T, e *testEnv) {
		units := filepath.Join(t.TempDir(), "units.csv")
		if err := os.WriteFile(units, []byte("单位,单位类别\n宁波市海曙区,区县（市）\n"), 0o600); err != nil {
			t.Fatal(err)
		}
		e.mustRun("import", units)
		dir := filepath.Join(t.TempDir(), "backup")
		e.mustRun("backup", "-o", dir)
		info, err := os.Stat(dir)
		if err != nil {
			t.Fatal(err)
		}
		if mode := info.Mode().Perm(); mode&0o077 != 0 {
			t.Errorf("backup folder %s has mode %v, want no access for group and others", dir, mode)
		}
		entries, err := os.ReadDir(dir)
		if err != nil {
			t.Fatal(err)
		}
		for _, entry := range entries {
			info, err := entry.Info()
			if err != nil {
				t.Fatal(err)
			}
			if mode := info.Mode().Perm(); mode&0o077 != 0 {
				t.Errorf("backup file %s has mode %v, want no access for group and others", entry.Name(), mode)
			}
		}
	})
}

// TestRestoreFailsPartWay restores backups whose data file of a late
// table fails to load although the manifest matches it: one cut short,
// one holding another table's rows. The restore must leave the target
// empty, with no staging table left, and a second restore of a good
// backup into the same database must work without any clean-up.
func TestRestoreFailsPartWay(t *testing.T) {
	forEachEngine(t, func(t *testing.T, e *testEnv) {
		units := filepath.Join(t.TempDir(), "units.csv")
		body := "单位,单位类别\n宁波市海曙区,区县（市）\n宁波市江北区,区县（市）\n宁波市大数据局,市直部门\n"
		if err := os.WriteFile(units, []byte(body), 0o600); err != nil {
			t.Fatal(err)
		}
		e.mustRun("import", units)
		dir := filepath.Join(t.TempDir(), "backup")
		e.mustRun("backup", "-o", dir)
		m, err := clickhouse.ReadBackup(dir)
		if err != nil {
			t.Fatal(err)
		}
		var filled []string
		for _, tb := range m.Tables {
			if tb.Rows > 0 {
				filled = append(filled, tb.Name)
			}
		}
		if len(filled) < 2 {
			t.Fatalf("backup has rows in %v only, want two tables or more so one loads before the failure", filled)
		}
		late := filled[len(filled)-1]
		st := e.openStore(t)
		source := tableDigests(t, st, e.env["SAIMA_DATABASE"], m)

		cases := []struct {
			name   string
			damage func(t *testing.T, dir string)
			advice []string // the operator's next step, as the message gives it
		}{
			{"cut file", func(t *testing.T, dir string) {
				path := filepath.Join(dir, late+".native")
				b, err := os.ReadFile(path)
				if err != nil {
					t.Fatal(err)
				}
				rewriteData(t, dir, late, b[:len(b)/2])
			}, []string{"saima restore"}},
			{"type error", func(t *testing.T, dir string) {
				b, err := os.ReadFile(filepath.Join(dir, filled[0]+".native"))
				if err != nil {
					t.Fatal(err)
				}
				rewriteData(t, dir, late, b)
			}, []string{"saima restore"}},
			// A manifest that claims a row more than the file holds fails
			// the same way on every run, so the message requests another
			// backup rather than a rerun.
			{"row count", func(t *testing.T, dir string) {
				editManifest(t, dir, func(m *clickhouse.Manifest) {
					for i := range m.Tables {
						if m.Tables[i].Name == late {
							m.Tables[i].Rows++
						}
					}
				})
			}, []string{"备份清单记载", "备份文件与清单不符", "请改用另一份完好的备份"}},
		}
		for _, tt := range cases {
			t.Run(tt.name, func(t *testing.T) {
				damaged := copyBackup(t, dir)
				tt.damage(t, damaged)
				target := newRestoreTarget(e)
				target.t = t
				code, out, errOut := target.run("restore", damaged)
				if code != 1 {
					t.Fatalf("restore with a bad %s exited %d, want 1\nstdout:\n%s\nstderr:\n%s", late, code, out, errOut)
				}
				assertContains(t, "restore error", errOut, append([]string{late, "已撤销", "仍是空的"}, tt.advice...)...)
				if strings.Contains(errOut, "rows after loading") {
					t.Errorf("restore error is in English:\n%s", errOut)
				}
				database := target.env["SAIMA_DATABASE"]
				for name, digest := range tableDigests(t, st, database, m) {
					if !strings.HasPrefix(digest, "0 rows") {
						t.Errorf("table %s after the failed restore has %s, want 0 rows", name, digest)
					}
				}
				if left := chtest.RestoreLeftovers(t, st.Engine(), database); len(left) > 0 {
					t.Errorf("failed restore left the tables %v", left)
				}

				target.mustRun("restore", dir)
				restored := tableDigests(t, st, database, m)
				for _, tb := range m.Tables {
					if source[tb.Name] != restored[tb.Name] {
						t.Errorf("table %s after the second restore: %s, want %s", tb.Name, restored[tb.Name], source[tb.Name])
					}
				}
			})
		}
	})
}

// rewriteData replaces the data file of table in the backup at dir with
// body and records its new size and SHA-256 in the manifest, so that the
// damage passes ReadBackup and shows only while loading.
func rewriteData(t *testing.T, dir, table string, body []byte) {
	t.Helper()
	if err := os.WriteFile(filepath.Join(dir, table+".native"), body, 0o600); err != nil {
		t.Fatal(err)
	}
	sum := sha256.Sum256(body)
	editManifest(t, dir, func(m *clickhouse.Manifest) {
		for i := range m.Tables {
			if m.Tables[i].Name == table {
				m.Tables[i].Bytes, m.Tables[i].SHA256 = int64(len(body)), hex.EncodeToString(sum[:])
			}
		}
	})
}

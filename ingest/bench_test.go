package ingest_test

import (
	"bufio"
	"bytes"
	"cmp"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"saima"
	"saima/clickhouse/chtest"
	"saima/ingest"
)

// benchUnits are the units of the benchmark files, all on benchRoster.
var benchUnits = []string{"宁波市海曙区", "宁波市江北区", "宁波市鄞州区", "宁波市镇海区", "宁波市北仑区",
	"余姚市", "慈溪市", "宁海县", "象山县", "市大数据局"}

var benchRoster = func() []saima.Unit {
	units := make([]saima.Unit, len(benchUnits))
	for i, name := range benchUnits {
		units[i] = saima.Unit{Name: name, Kind: saima.KindDistrict, Track: saima.KindDistrict}
	}
	return units
}()

// Narratives of the benchmark rows, as long as the demo city's.
var benchProgress = []string{
	"完成需求调研和方案设计，已进入系统开发阶段，接口联调完成百分之六十，计划下月上线试运行",
	"完成数据归集与治理，打通公安、人社、医保等八个部门的数据共享通道，正在开展场景测试",
	"驾驶舱一期上线运行，累计接入指标一百二十项，二期开发按计划推进，组织开展两轮用户培训",
}

var benchProblems = []string{"无", "跨部门数据共享接口响应偏慢，已协调市大数据局优化", "部分区县试点数据质量不高，正在组织核对"}

// writeBenchCSV writes a progress file of rows rows, each with its own
// record key, and returns its size in bytes.
func writeBenchCSV(tb testing.TB, w io.Writer, rows int) int64 {
	tb.Helper()
	bw := bufio.NewWriterSize(w, 1<<20)
	n, _ := bw.WriteString("单位,项目编号,项目名称,填报期间,完成率,填报日期,进展情况,存在问题\n")
	total := int64(n) + writeBenchRows(tb, bw, 0, rows)
	if err := bw.Flush(); err != nil {
		tb.Fatal(err)
	}
	return total
}

// writeBenchRows writes rows from to to (not included) and returns their
// size in bytes.
func writeBenchRows(tb testing.TB, w io.Writer, from, to int) int64 {
	tb.Helper()
	var total int64
	for i := from; i < to; i++ {
		n, err := fmt.Fprintf(w, "%s,NB-%08d,数字化改革重点应用场景%d,2026Q3,%d%%,2026-09-30,%s,%s\n",
			benchUnits[i%len(benchUnits)], i, i%997, i%101, benchProgress[i%3], benchProblems[i%3])
		if err != nil {
			tb.Fatal(err)
		}
		total += int64(n)
	}
	return total
}

func benchCSV(tb testing.TB, rows int) []byte {
	tb.Helper()
	var buf bytes.Buffer
	writeBenchCSV(tb, &buf, rows)
	return buf.Bytes()
}

func reportRows(b *testing.B, rows int) {
	b.ReportMetric(float64(rows*b.N)/b.Elapsed().Seconds(), "rows/s")
}

// BenchmarkParseCSV reads and checks 100 000 progress rows, without
// storing them.
func BenchmarkParseCSV(b *testing.B) {
	const rows = 100_000
	data := benchCSV(b, rows)
	b.SetBytes(int64(len(data)))
	for b.Loop() {
		res, err := ingest.Parse(bytes.NewReader(data), ingest.Options{Roster: benchRoster, Today: saima.NewDate(2026, 10, 15)})
		if err != nil || !res.OK() || res.Rows != rows {
			b.Fatalf("Parse() = %v rows, %v, %q", res.Rows, err, res.Errors)
		}
	}
	reportRows(b, rows)
}

// BenchmarkImportCSV imports 100 000 progress rows into the embedded
// engine through the service, in chunks, as saima import does.
func BenchmarkImportCSV(b *testing.B) {
	const rows = 100_000
	data := benchCSV(b, rows)
	svc := benchService(b)
	b.SetBytes(int64(len(data)))
	for b.Loop() {
		// A blank line more each time makes the bytes differ, so that no
		// upload is a duplicate of another; blank lines add no rows.
		data = append(data, '\n')
		rep, err := svc.Import(b.Context(), ingest.Request{FileName: "bench.csv", Body: bytes.NewReader(data), Uploader: "bench"})
		if err != nil || rep.Imported != rows {
			b.Fatalf("Import() = %+v, %v", rep, err)
		}
	}
	reportRows(b, rows)
}

// benchService returns a service over a fresh embedded store that holds
// benchRoster.
func benchService(tb testing.TB) *ingest.Service {
	tb.Helper()
	return benchServiceOn(tb, "embedded")
}

// benchServiceOn is benchService on the named engine; see
// chtest.StoreOn.
func benchServiceOn(tb testing.TB, engine string) *ingest.Service {
	tb.Helper()
	store := chtest.StoreOn(tb, engine)
	err := store.WriteBatch(tb.Context(), &saima.Batch{
		Upload: saima.Upload{ID: "roster", Dataset: saima.DatasetUnits, At: time.Now().Add(-time.Hour)},
		Units:  benchRoster,
	})
	if err != nil {
		tb.Fatal(err)
	}
	n := 0
	return &ingest.Service{Store: ingest.Adapt(store), Log: slog.New(slog.DiscardHandler),
		Now:   func() time.Time { return time.Date(2026, 10, 15, 10, 0, 0, 0, saima.Beijing) },
		NewID: func() string { n++; return fmt.Sprintf("bench-%d", n) }}
}

// benchXLSX writes the rows of a progress file into a workbook with
// excelize's stream writer, with 完成率 as a percent-formatted number.
func benchXLSX(tb testing.TB, rows int) []byte {
	tb.Helper()
	f := excelize.NewFile()
	defer f.Close()
	sw, err := f.NewStreamWriter("Sheet1")
	if err != nil {
		tb.Fatal(err)
	}
	percent, err := f.NewStyle(&excelize.Style{NumFmt: 9})
	if err != nil {
		tb.Fatal(err)
	}

	header := []any{"单位", "项目编号", "项目名称", "填报期间", "完成率", "填报日期", "进展情况", "存在问题"}
	if err := sw.SetRow("A1", header); err != nil {
		tb.Fatal(err)
	}
	for i := range rows {
		cell, _ := excelize.CoordinatesToCellName(1, i+2)
		row := []any{benchUnits[i%len(benchUnits)], fmt.Sprintf("NB-%08d", i), fmt.Sprintf("数字化改革重点应用场景%d", i%997),
			"2026Q3", excelize.Cell{StyleID: percent, Value: float64(i%101) / 100}, "2026-09-30",
			benchProgress[i%3], benchProblems[i%3]}
		if err := sw.SetRow(cell, row); err != nil {
			tb.Fatal(err)
		}
	}
	if err := sw.Flush(); err != nil {
		tb.Fatal(err)
	}

	var buf bytes.Buffer
	if _, err := f.WriteTo(&buf); err != nil {
		tb.Fatal(err)
	}
	return buf.Bytes()
}

// BenchmarkParseXLSX reads and checks a workbook of 50 000 progress rows.
func BenchmarkParseXLSX(b *testing.B) {
	const rows = 50_000
	data := benchXLSX(b, rows)
	b.SetBytes(int64(len(data)))
	for b.Loop() {
		res, err := ingest.Parse(bytes.NewReader(data), ingest.Options{Roster: benchRoster, Today: saima.NewDate(2026, 10, 15)})
		if err != nil || !res.OK() || res.Rows != rows {
			b.Fatalf("Parse() = %v rows, %v, %q", res.Rows, err, res.Errors)
		}
	}
	reportRows(b, rows)
}

// BenchmarkExcelizeRows reads the same workbook with excelize's Rows
// iterator and nothing else: the floor for reading XLSX in Go.
func BenchmarkExcelizeRows(b *testing.B) {
	const rows = 50_000
	data := benchXLSX(b, rows)
	b.SetBytes(int64(len(data)))
	for b.Loop() {
		f, err := excelize.OpenReader(bytes.NewReader(data))
		if err != nil {
			b.Fatal(err)
		}
		it, err := f.Rows("Sheet1")
		if err != nil {
			b.Fatal(err)
		}
		n := 0
		for it.Next() {
			if _, err := it.Columns(); err != nil {
				b.Fatal(err)
			}
			n++
		}
		it.Close()
		f.Close()
		if n != rows+1 {
			b.Fatalf("read %d rows, want %d", n, rows+1)
		}
	}
	reportRows(b, rows)
}

// bigFileEnv names the file that TestImportPeakRSSChild imports; the
// benchmark sets it for the child process only. childModeEnv set to
// "clickhouse" makes the child read the file with chDB's own CSV parser
// instead of importing it.
const (
	bigFileEnv   = "SAIMA_BENCH_IMPORT_FILE"
	childModeEnv = "SAIMA_BENCH_CHILD_MODE"
)

// BenchmarkImportPeakRSS imports a generated progress file of
// SAIMA_BENCH_BIG_MB megabytes (1024 for the 1 GB run) in a child process
// and reports the child's peak resident memory (VmHWM). The child samples
// its memory every 100 ms, so the benchmark also reports the anonymous and
// file-backed parts of the largest resident set seen (RssAnon and
// RssFile). The file-backed part is mostly the pages of libchdb.so. It
// reports the peak of the Go heap in use, and the peak of the memory that
// the Go runtime holds from the system.
// SAIMA_BENCH_ENGINE=server imports into a clickhouse-server process
// instead of the embedded engine, so that the child's memory is saima's
// alone. SAIMA_BENCH_CHUNK_RECORDS sets Limits.ChunkRecords, for weighing
// memory against the number of parts. It skips unless SAIMA_BENCH_BIG_MB
// is set, because the file takes minutes to import.
func BenchmarkImportPeakRSS(b *testing.B) { benchPeakRSS(b, "import") }

// BenchmarkClickHouseCSVPeakRSS is the yardstick for BenchmarkImportPeakRSS.
// A child process starts the embedded engine as saima does, with the same
// settings. chDB then reads the same file with its own CSV parser
// (INSERT … SELECT FROM file(…, CSVWithNames)) into a MergeTree table of
// the file's columns. No saima code reads a row. SAIMA_BENCH_CH_SETTINGS
// adds a SETTINGS clause to that INSERT, such as
// "max_threads=1, max_insert_block_size=8192", to find chDB's own least
// memory. It skips unless SAIMA_BENCH_BIG_MB is set.
func BenchmarkClickHouseCSVPeakRSS(b *testing.B) { benchPeakRSS(b, "clickhouse") }

// benchPeakRSS writes the big file and runs TestImportPeakRSSChild in
// mode on it, once per iteration, reporting what the child measured.
func benchPeakRSS(b *testing.B, mode string) {
	mb, _ := strconv.Atoi(os.Getenv("SAIMA_BENCH_BIG_MB"))
	if mb <= 0 {
		b.Skip("set SAIMA_BENCH_BIG_MB, such as 1024, to import a generated file of that size")
	}
	path := filepath.Join(b.TempDir(), "big.csv")
	f, err := os.Create(path)
	if err != nil {
		b.Fatal(err)
	}
	rows, size := writeBenchCSVBytes(b, f, int64(mb)<<20)
	if err := f.Close(); err != nil {
		b.Fatal(err)
	}

	for b.Loop() {
		cmd := exec.Command(os.Args[0], "-test.run=^TestImportPeakRSSChild$", "-test.v", "-test.timeout=1h")
		cmd.Env = append(os.Environ(), bigFileEnv+"="+path, childModeEnv+"="+mode)
		out, err := cmd.CombinedOutput()
		if err != nil {
			b.Fatalf("child: %v\n%s", err, out)
		}
		m := childResult.FindStringSubmatch(string(out))
		if m == nil {
			b.Fatalf("child printed no result:\n%s", out)
		}
		imported, _ := strconv.Atoi(m[1])
		if imported != rows {
			b.Fatalf("child imported %d rows, want %d", imported, rows)
		}
		secs, _ := strconv.ParseFloat(m[2], 64)
		b.ReportMetric(float64(size)/(1<<20), "file-MB")
		b.ReportMetric(float64(imported)/secs, "rows/s")
		for i, unit := range []string{"peak-RSS-MB", "RssAnon-MB", "RssFile-MB", "peak-Go-heap-MB", "peak-Go-sys-MB"} {
			v, _ := strconv.Atoi(m[3+i])
			b.ReportMetric(float64(v), unit)
		}
	}
}

// writeBenchCSVBytes writes benchmark rows until the file has at least
// size bytes and returns the rows and bytes written.
func writeBenchCSVBytes(tb testing.TB, w io.Writer, size int64) (int, int64) {
	tb.Helper()
	const batch = 10_000
	bw := bufio.NewWriterSize(w, 1<<20)
	n, _ := bw.WriteString("单位,项目编号,项目名称,填报期间,完成率,填报日期,进展情况,存在问题\n")
	rows, total := 0, int64(n)
	for total < size {
		total += writeBenchRows(tb, bw, rows, rows+batch)
		rows += batch
	}
	if err := bw.Flush(); err != nil {
		tb.Fatal(err)
	}
	return rows, total
}

var childResult = regexp.MustCompile(`imported (\d+) rows in ([0-9.]+) s, VmHWM (\d+) MB, ` +
	`RssAnon (\d+) MB, RssFile (\d+) MB, Go heap (\d+) MB, Go sys (\d+) MB`)

// TestImportPeakRSSChild is the child process of BenchmarkImportPeakRSS;
// it skips unless the benchmark started it.
func TestImportPeakRSSChild(t *testing.T) {
	path := os.Getenv(bigFileEnv)
	if path == "" {
		t.Skip("run by BenchmarkImportPeakRSS only")
	}
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if os.Getenv(childModeEnv) == "clickhouse" {
		f.Close()
		clickhouseCSVChild(t, path)
		return
	}
	svc := benchServiceOn(t, cmp.Or(os.Getenv("SAIMA_BENCH_ENGINE"), "embedded"))
	if n, err := strconv.Atoi(os.Getenv("SAIMA_BENCH_CHUNK_RECORDS")); err == nil {
		svc.Limits.ChunkRecords = n
	}

	peak := sampleMemory(t)
	start := time.Now()
	rep, err := svc.Import(t.Context(), ingest.Request{FileName: "big.csv", Body: f, Uploader: "bench"})
	elapsed := time.Since(start)
	m := peak()
	if err != nil {
		t.Fatalf("Import() error = %v (%q)", err, rep.Errors)
	}
	printChildResult(t, rep.Imported, elapsed, m)
}

// benchCSVColumns are the columns of the benchmark file, as the file
// table function takes them.
const benchCSVColumns = "`单位` String, `项目编号` String, `项目名称` String, `填报期间` String, " +
	"`完成率` String, `填报日期` Date, `进展情况` String, `存在问题` String"

// clickhouseCSVChild is the child of BenchmarkClickHouseCSVPeakRSS: chDB
// reads path with its own CSV parser into a MergeTree table.
func clickhouseCSVChild(t *testing.T, path string) {
	e := chtest.Embedded(t)
	table := chtest.NewDatabase(t, e) + ".progress_csv"
	err := e.Exec(t.Context(), "CREATE TABLE "+table+" ("+benchCSVColumns+") ENGINE = MergeTree ORDER BY (`单位`, `项目编号`)")
	if err != nil {
		t.Fatal(err)
	}

	peak := sampleMemory(t)
	start := time.Now()
	query := "INSERT INTO " + table + " SELECT * FROM file(?, 'CSVWithNames', ?)"
	if s := os.Getenv("SAIMA_BENCH_CH_SETTINGS"); s != "" {
		query += " SETTINGS " + s
	}
	err = e.Exec(t.Context(), query, path, benchCSVColumns)
	elapsed := time.Since(start)
	m := peak()
	if err != nil {
		t.Fatal(err)
	}
	rows, err := e.Query(t.Context(), "SELECT count() FROM "+table)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var n uint64
	for rows.Next() {
		if err := rows.Scan(&n); err != nil {
			t.Fatal(err)
		}
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	printChildResult(t, int(n), elapsed, m)
}

// printChildResult prints the line that benchPeakRSS reads.
func printChildResult(t *testing.T, rows int, elapsed time.Duration, m memoryPeak) {
	status := readStatus(t)
	fmt.Printf("imported %d rows in %.1f s, VmHWM %d MB, RssAnon %d MB, RssFile %d MB, Go heap %d MB, Go sys %d MB\n",
		rows, elapsed.Seconds(), status["VmHWM"]>>20, m.anon>>20, m.file>>20, m.heap>>20, m.goSys>>20)
}

// memoryPeak is the peaks that sampleMemory recorded, in bytes. anon and
// file are the two parts of the largest resident set. heap is the Go heap
// in use, and goSys the memory that the Go runtime holds from the system
// and has not returned to it.
type memoryPeak struct {
	anon, file, heap, goSys uint64
}

// sampleMemory samples the process's memory every 100 ms until the
// returned function is called, which returns the peaks.
func sampleMemory(tb testing.TB) func() memoryPeak {
	tb.Helper()
	var peak memoryPeak
	done := make(chan struct{})
	stopped := make(chan struct{})
	go func() {
		defer close(stopped)
		var ms runtime.MemStats
		tick := time.NewTicker(100 * time.Millisecond)
		defer tick.Stop()
		for {
			runtime.ReadMemStats(&ms)
			peak.heap = max(peak.heap, ms.HeapInuse)
			peak.goSys = max(peak.goSys, ms.Sys-ms.HeapReleased)
			if st, err := parseStatus(); err == nil && st["RssAnon"]+st["RssFile"] > peak.anon+peak.file {
				peak.anon, peak.file = st["RssAnon"], st["RssFile"]
			}
			select {
			case <-done:
				return
			case <-tick.C:
			}
		}
	}()
	return func() memoryPeak { close(done); <-stopped; return peak }
}

// readStatus returns the memory fields of /proc/self/status in bytes.
func readStatus(tb testing.TB) map[string]uint64 {
	tb.Helper()
	st, err := parseStatus()
	if err != nil {
		tb.Fatal(err)
	}
	return st
}

// parseStatus reads the fields of /proc/self/status that are given in
// kB, such as VmHWM, RssAnon and RssFile, and returns them in bytes.
func parseStatus() (map[string]uint64, error) {
	b, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return nil, err
	}
	st := map[string]uint64{}
	for line := range strings.Lines(string(b)) {
		name, rest, ok := strings.Cut(line, ":")
		num, isKB := strings.CutSuffix(strings.TrimSpace(rest), " kB")
		if !ok || !isKB {
			continue
		}
		if n, err := strconv.ParseUint(num, 10, 64); err == nil {
			st[name] = n << 10
		}
	}
	if _, ok := st["VmHWM"]; !ok {
		return nil, fmt.Errorf("no VmHWM in /proc/self/status:\n%s", b)
	}
	return st, nil
}

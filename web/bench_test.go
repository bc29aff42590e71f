package web

import (
	"bufio"
	"bytes"
	"context"
	"encoding/csv"
	"errors"
	"flag"
	"fmt"
	"io"
	"math"
	"mime/multipart"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/gofiber/fiber/v2"

	"saima"
	"saima/clickhouse"
	"saima/clickhouse/chtest"
)

// benchRows is the size of the benchmark file: 100 000 progress rows of
// about 300 bytes, 29 MB.
const benchRows = 100_000

var benchUnits = []string{"宁波市海曙区", "宁波市江北区", "宁波市鄞州区", "宁波市镇海区", "宁波市北仑区",
	"余姚市", "慈溪市", "宁海县", "象山县", "市大数据局"}

var benchProgress = []string{
	"完成需求调研和方案设计，已进入系统开发阶段，接口联调完成百分之六十，计划下月上线试运行",
	"完成数据归集与治理，打通公安、人社、医保等八个部门的数据共享通道，正在开展场景测试",
	"驾驶舱一期上线运行，累计接入指标一百二十项，二期开发按计划推进，组织开展两轮用户培训",
}

var benchProblems = []string{"无", "跨部门数据共享接口响应偏慢，已协调市大数据局优化", "部分区县试点数据质量不高，正在组织核对"}

// writeBenchFile writes the benchmark's progress file to a temporary
// folder and returns its path and size. It is the file of ingest's
// benchmarks.
func writeBenchFile(tb testing.TB) (string, int64) {
	tb.Helper()
	path := filepath.Join(tb.TempDir(), "progress.csv")
	f, err := os.Create(path)
	if err != nil {
		tb.Fatal(err)
	}
	bw := bufio.NewWriter(f)
	bw.WriteString("单位,项目编号,项目名称,填报期间,完成率,填报日期,进展情况,存在问题\n")
	for i := range benchRows {
		fmt.Fprintf(bw, "%s,NB-%08d,数字化改革重点应用场景%d,2026Q3,%d%%,2026-09-30,%s,%s\n",
			benchUnits[i%len(benchUnits)], i, i%997, i%101, benchProgress[i%3], benchProblems[i%3])
	}
	if err := bw.Flush(); err != nil {
		tb.Fatal(err)
	}
	if err := f.Close(); err != nil {
		tb.Fatal(err)
	}
	fi, err := os.Stat(path)
	if err != nil {
		tb.Fatal(err)
	}
	return path, fi.Size()
}

func reportRows(b *testing.B, rows int) {
	b.ReportMetric(float64(rows*b.N)/b.Elapsed().Seconds(), "rows/s")
}

// cpuMeter adds up the CPU time, user and system, that the whole process
// spends while the benchmark timer runs: Go's threads and chDB's alike.
// On a machine shared with other work, CPU time moves less than elapsed
// time, and it shows how much of the machine a path needs.
type cpuMeter struct {
	from  time.Duration
	total time.Duration
}

func processCPU(tb testing.TB) time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		tb.Fatal(err)
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

func (m *cpuMeter) start(tb testing.TB) { m.from = processCPU(tb) }

func (m *cpuMeter) stop(tb testing.TB) { m.total += processCPU(tb) - m.from }

// report adds the CPU seconds per run as the metric cpu-s/op.
func (m *cpuMeter) report(b *testing.B) {
	b.ReportMetric(m.total.Seconds()/float64(b.N), "cpu-s/op")
}

// BenchmarkUploadCSVOverHTTP posts the benchmark file to POST /api/uploads
// over a loopback TCP connection, as the office, into the embedded engine:
// multipart parsing, hashing, checking every row and writing it in
// chunks.
func BenchmarkUploadCSVOverHTTP(b *testing.B) {
	path, size := writeBenchFile(b)
	env := newTestEnv(b, func(c *Config) {
		c.BodyLimit = 256 << 20
		c.ReadTimeout, c.WriteTimeout = 10*time.Minute, 10*time.Minute
	})
	writeBenchRoster(b, env)
	base := serve(b, env.server)
	office := env.as(b, "office")

	b.SetBytes(size)
	n := 0
	var cpu cpuMeter
	for b.Loop() {
		// Blank lines make each upload's bytes differ, so that no upload
		// is a duplicate of another; they add no rows. Building the form
		// is the client's work, so the timer stops for it.
		b.StopTimer()
		n++
		body, contentType := multipartFile(b, path, n)
		b.StartTimer()
		cpu.start(b)
		req, err := http.NewRequest(http.MethodPost, base+"/api/uploads", bytes.NewReader(body))
		if err != nil {
			b.Fatal(err)
		}
		req.Header.Set("Content-Type", contentType)
		req.Header.Set(csrfHeader, office.csrf)
		req.AddCookie(&http.Cookie{Name: sessionCookie, Value: office.session})
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			b.Fatal(err)
		}
		reply, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != http.StatusCreated {
			b.Fatalf("POST /api/uploads status = %d: %s", resp.StatusCode, reply)
		}
		cpu.stop(b)
	}
	reportRows(b, benchRows)
	cpu.report(b)
}

func writeBenchRoster(tb testing.TB, env *testEnv) {
	tb.Helper()
	units := make([]saima.Unit, len(benchUnits))
	for i, name := range benchUnits {
		units[i] = saima.Unit{Name: name, Kind: saima.KindDistrict, Track: saima.KindDistrict}
	}
	err := env.store.WriteBatch(context.Background(), &saima.Batch{
		Upload: saima.Upload{ID: "bench-roster", Dataset: saima.DatasetUnits, At: testNow.Add(-time.Hour)},
		Units:  units,
	})
	if err != nil {
		tb.Fatal(err)
	}
}

// multipartFile returns the body of a form that uploads path, followed by
// blank lines, as file.
func multipartFile(tb testing.TB, path string, blankLines int) ([]byte, string) {
	tb.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		tb.Fatal(err)
	}
	var body bytes.Buffer
	w := multipart.NewWriter(&body)
	w.WriteField("dataset", saima.DatasetProgress)
	part, err := w.CreateFormFile("file", filepath.Base(path))
	if err != nil {
		tb.Fatal(err)
	}
	part.Write(data)
	part.Write(bytes.Repeat([]byte("\n"), blankLines))
	if err := w.Close(); err != nil {
		tb.Fatal(err)
	}
	return body.Bytes(), w.FormDataContentType()
}

// benchCSVColumns are the columns of the benchmark file, as the file
// table function and benchCSVTable take them.
const benchCSVColumns = "`单位` String, `项目编号` String, `项目名称` String, `填报期间` String, " +
	"`完成率` String, `填报日期` Date, `进展情况` String, `存在问题` String"

// benchCSVTable returns the embedded engine and a new MergeTree table of
// the benchmark file's columns, for the yardsticks of the CSV import.
func benchCSVTable(b *testing.B) (clickhouse.Engine, string) {
	e := chtest.Embedded(b)
	table := chtest.NewDatabase(b, e) + ".progress_csv"
	err := e.Exec(context.Background(), "CREATE TABLE "+table+" ("+benchCSVColumns+") "+
		"ENGINE = MergeTree ORDER BY (`单位`, `项目编号`)")
	if err != nil {
		b.Fatal(err)
	}
	return e, table
}

// BenchmarkClickHouseCSV reads the same file with ClickHouse's own CSV
// parser in the embedded engine, into a MergeTree table of the file's
// columns: the yardstick for BenchmarkUploadCSVOverHTTP.
func BenchmarkClickHouseCSV(b *testing.B) {
	path, size := writeBenchFile(b)
	e, table := benchCSVTable(b)
	ctx := context.Background()

	b.SetBytes(size)
	var cpu cpuMeter
	for b.Loop() {
		cpu.start(b)
		err := e.Exec(ctx, "INSERT INTO "+table+" SELECT * FROM file(?, 'CSVWithNames', ?)", path, benchCSVColumns)
		if err != nil {
			b.Fatal(err)
		}
		cpu.stop(b)
	}
	reportRows(b, benchRows)
	cpu.report(b)
}

// BenchmarkNaiveCSVPath reads the file with encoding/csv and inserts the
// rows into chDB in batches of 20 000, each as TabSeparated text in a
// staging file. It checks, normalises and hashes nothing and commits
// nothing. It is a yardstick for the goal of half ClickHouse's rate, not
// a way to import.
func BenchmarkNaiveCSVPath(b *testing.B) {
	path, size := writeBenchFile(b)
	e, table := benchCSVTable(b)
	ctx := context.Background()
	staging := filepath.Join(b.TempDir(), "batch.tsv")
	escape := strings.NewReplacer("\\", "\\\\", "\t", "\\t", "\n", "\\n")
	insert := func(batch [][]string) {
		f, err := os.Create(staging)
		if err != nil {
			b.Fatal(err)
		}
		w := bufio.NewWriterSize(f, 256<<10)
		for _, rec := range batch {
			for i, cell := range rec {
				if i > 0 {
					w.WriteByte('\t')
				}
				escape.WriteString(w, cell)
			}
			w.WriteByte('\n')
		}
		if err := errors.Join(w.Flush(), f.Close()); err != nil {
			b.Fatal(err)
		}
		err = e.Exec(ctx, "INSERT INTO "+table+" SELECT * FROM file(?, 'TabSeparated', ?)", staging, benchCSVColumns)
		if err != nil {
			b.Fatal(err)
		}
	}

	b.SetBytes(size)
	var cpu cpuMeter
	for b.Loop() {
		cpu.start(b)
		f, err := os.Open(path)
		if err != nil {
			b.Fatal(err)
		}
		r := csv.NewReader(bufio.NewReader(f))
		if _, err := r.Read(); err != nil { // the header
			b.Fatal(err)
		}
		var batch [][]string
		for {
			rec, err := r.Read()
			if err == io.EOF {
				break
			} else if err != nil {
				b.Fatal(err)
			}
			if batch = append(batch, rec); len(batch) == 20_000 {
				insert(batch)
				batch = batch[:0]
			}
		}
		if len(batch) > 0 {
			insert(batch)
		}
		f.Close()
		cpu.stop(b)
	}
	reportRows(b, benchRows)
	cpu.report(b)
}

// loadDuration is how long each run of BenchmarkLeaderboardLoad drives
// one server.
var loadDuration = flag.Duration("load.duration", 10*time.Second,
	"duration of each load run of BenchmarkLeaderboardLoad")

// loadClients is the number of concurrent clients of the load generator,
// each a goroutine that sends its next request when the last one is read.
const loadClients = 100

// BenchmarkLeaderboardLoad drives the leaderboard of the demo city, signed
// in as the office, and Fiber serving a static file of the same size, each
// with loadClients concurrent clients for -load.duration over loopback
// TCP. The leaderboard runs twice: at / (the newest quarter, a draft) and
// at the last published quarter. It reports requests per second and the
// 50th and 99th percentile latency. ns/op has no meaning here and is
// reported as 0. Run it with -benchtime=1x, as scripts/bench-web.sh does.
func BenchmarkLeaderboardLoad(b *testing.B) {
	// The cache as `saima serve` sets it by default.
	env, published := newDemoEnv(b, func(c *Config) { c.CacheTTL = 2 * time.Second })
	base := serve(b, env.server)
	cookie := &http.Cookie{Name: sessionCookie, Value: env.as(b, "office").session}
	page := fetchPage(b, base+"/", cookie)
	static := serveStaticFile(b, page)
	b.Logf("leaderboard page: %d bytes", len(page))

	targets := []struct {
		name   string
		url    string
		cookie *http.Cookie
	}{
		{"static", static, nil},
		{"leaderboard", base + "/", cookie},
		{"leaderboard-published", base + "/leaderboard?period=" + published.String(), cookie},
	}
	for _, tt := range targets {
		b.Run(tt.name, func(b *testing.B) {
			var r loadResult
			for b.Loop() {
				r = runLoad(b, tt.url, tt.cookie, loadClients, *loadDuration)
			}
			b.ReportMetric(0, "ns/op")
			b.ReportMetric(r.perSecond(), "req/s")
			b.ReportMetric(msOf(r.percentile(0.50)), "p50-ms")
			b.ReportMetric(msOf(r.percentile(0.99)), "p99-ms")
		})
	}
}

// fetchPage returns the body of a GET of url, failing unless it is 200.
func fetchPage(tb testing.TB, url string, cookie *http.Cookie) []byte {
	tb.Helper()
	req, err := http.NewRequest(http.MethodGet, url, nil)
	if err != nil {
		tb.Fatal(err)
	}
	if cookie != nil {
		req.AddCookie(cookie)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		tb.Fatal(err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		tb.Fatal(err)
	}
	if resp.StatusCode != http.StatusOK {
		tb.Fatalf("GET %s status = %d, want 200", url, resp.StatusCode)
	}
	return body
}

// serveStaticFile writes content to a file and serves it with Fiber's
// static handler on a loopback port until the benchmark ends. It returns
// the file's URL.
func serveStaticFile(tb testing.TB, content []byte) string {
	tb.Helper()
	dir := tb.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "page.html"), content, 0o644); err != nil {
		tb.Fatal(err)
	}
	app := fiber.New(fiber.Config{DisableStartupMessage: true})
	app.Static("/", dir)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		tb.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- app.Listener(ln) }()
	tb.Cleanup(func() {
		if err := app.Shutdown(); err != nil {
			tb.Errorf("shut down static server: %v", err)
		}
		<-done
	})
	return "http://" + ln.Addr().String() + "/page.html"
}

// loadResult is what one load run measured.
type loadResult struct {
	elapsed   time.Duration
	latencies []time.Duration // of every successful request, sorted
}

func (r loadResult) perSecond() float64 {
	return float64(len(r.latencies)) / r.elapsed.Seconds()
}

// percentile returns the latency that the fraction p of requests did not
// exceed, by the nearest-rank method.
func (r loadResult) percentile(p float64) time.Duration {
	if len(r.latencies) == 0 {
		return 0
	}
	i := int(math.Ceil(p*float64(len(r.latencies)))) - 1
	return r.latencies[max(i, 0)]
}

func msOf(d time.Duration) float64 { return float64(d) / float64(time.Millisecond) }

// runLoad sends GET url with cookie from clients goroutines for d, each
// over its own keep-alive connection, and fails tb on any error or
// status other than 200.
func runLoad(tb testing.TB, url string, cookie *http.Cookie, clients int, d time.Duration) loadResult {
	tb.Helper()
	transport := &http.Transport{MaxIdleConnsPerHost: clients, DisableCompression: true}
	defer transport.CloseIdleConnections()
	client := &http.Client{Transport: transport, Timeout: 30 * time.Second}

	results := make(chan clientResult, clients)
	start := time.Now()
	deadline := start.Add(d)
	for range clients {
		go func() { results <- driveClient(client, url, cookie, deadline) }()
	}
	var r loadResult
	var errs []error
	for range clients {
		cr := <-results
		r.latencies = append(r.latencies, cr.latencies...)
		if cr.err != nil {
			errs = append(errs, cr.err)
		}
	}
	r.elapsed = time.Since(start)
	if err := errors.Join(errs...); err != nil {
		tb.Fatalf("load %s: %v", url, err)
	}
	slices.Sort(r.latencies)
	return r
}

type clientResult struct {
	latencies []time.Duration
	err       error
}

// driveClient sends requests one after another until deadline and stops
// at the first failure.
func driveClient(client *http.Client, url string, cookie *http.Cookie, deadline time.Time) clientResult {
	var cr clientResult
	for time.Now().Before(deadline) {
		req, err := http.NewRequest(http.MethodGet, url, nil)
		if err != nil {
			cr.err = err
			return cr
		}
		if cookie != nil {
			req.AddCookie(cookie)
		}
		sent := time.Now()
		resp, err := client.Do(req)
		if err != nil {
			cr.err = err
			return cr
		}
		_, err = io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		if err == nil && resp.StatusCode != http.StatusOK {
			err = fmt.Errorf("status %d", resp.StatusCode)
		}
		if err != nil {
			cr.err = err
			return cr
		}
		cr.latencies = append(cr.latencies, time.Since(sent))
	}
	return cr
}

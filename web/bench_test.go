package web

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"io"
	"mime/multipart"
	"net/http"
	"os"
	"path/filepath"
	"testing"
	"time"

	"saima"
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
	body, contentType := multipartFile(b, path)

	b.SetBytes(size)
	for b.Loop() {
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
	}
	reportRows(b, benchRows)
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

// multipartFile returns the body of a form that uploads path as file.
func multipartFile(tb testing.TB, path string) ([]byte, string) {
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
	if err := w.Close(); err != nil {
		tb.Fatal(err)
	}
	return body.Bytes(), w.FormDataContentType()
}

// BenchmarkClickHouseCSV reads the same file with ClickHouse's own CSV
// parser in the embedded engine, into a MergeTree table of the file's
// columns: the yardstick for BenchmarkUploadCSVOverHTTP.
func BenchmarkClickHouseCSV(b *testing.B) {
	path, size := writeBenchFile(b)
	e := chtest.Embedded(b)
	db := chtest.NewDatabase(b, e)
	ctx := context.Background()
	const columns = "`单位` String, `项目编号` String, `项目名称` String, `填报期间` String, " +
		"`完成率` String, `填报日期` Date, `进展情况` String, `存在问题` String"
	err := e.Exec(ctx, "CREATE TABLE "+db+".progress_csv ("+columns+") ENGINE = MergeTree ORDER BY (`单位`, `项目编号`)")
	if err != nil {
		b.Fatal(err)
	}

	b.SetBytes(size)
	for b.Loop() {
		err := e.Exec(ctx, "INSERT INTO "+db+".progress_csv SELECT * FROM file(?, 'CSVWithNames', ?)", path, columns)
		if err != nil {
			b.Fatal(err)
		}
	}
	reportRows(b, benchRows)
}

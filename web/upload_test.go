package web

import (
	"bufio"
	"context"
	"encoding/json"
	"html"
	"io"
	"net"
	"net/http"
	"regexp"
	"strings"
	"testing"

	"golang.org/x/text/encoding/simplifiedchinese"

	"saima"
)

const progressHeader = "单位,项目编号,项目名称,填报期间,完成率,填报日期,进展情况,存在问题\n"

// goodProgress is a valid progress file whose free text contains injection
// names, which must come back as text.
var goodProgress = progressHeader +
	"宁波市海曙区,NB-2026-001,城市大脑驾驶舱,2026年第三季度,90%,2026-09-30,\"" + imgName + "\",\"" + funcName + "\"\n"

// badProgress has a percent out of range and a unit not on the roster.
var badProgress = progressHeader +
	"宁波市海曙区,NB-2026-001,城市大脑驾驶舱,2026年第三季度,135%,2026-09-30,进展,无\n" +
	"\"" + imgName + "区\",NB-2026-002,一件事集成办,2026年第三季度,50%,2026-09-30,进展,无\n"

func TestUploadAPI(t *testing.T) {
	tests := []struct {
		name         string
		target       string
		file         string
		status       int
		wantOutcome  string
		wantErrors   int
		wantImported int    // records written, or that a dry run would write
		wantPercent  string // NB-2026-001's percent in the ledger afterwards
	}{
		{"import", "/api/uploads", goodProgress, http.StatusCreated, saima.OutcomeOK, 0, 1, "90"},
		{"dry run writes nothing", "/api/uploads?dry_run=1", goodProgress, http.StatusOK, "", 0, 1, "85.5"},
		{"rejected file", "/api/uploads", badProgress, http.StatusUnprocessableEntity, saima.OutcomeRejected, 2, 0, "85.5"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			env := newSeededEnv(t)
			req := multipartRequest(t, tt.target, "进度.csv", []byte(tt.file), map[string]string{"dataset": saima.DatasetProgress})
			resp, body := env.do(t, req)
			if resp.StatusCode != tt.status {
				t.Fatalf("POST %s status = %d, want %d; body:\n%s", tt.target, resp.StatusCode, tt.status, body)
			}
			assertNoRawInjection(t, tt.target, body)

			var got uploadJSON
			if err := json.Unmarshal([]byte(body), &got); err != nil {
				t.Fatalf("decode: %v\n%s", err, body)
			}
			if len(got.Errors) != tt.wantErrors {
				t.Errorf("len(errors) = %d, want %d: %+v", len(got.Errors), tt.wantErrors, got.Errors)
			}
			if got.DryRun != strings.Contains(tt.target, "dry_run=1") {
				t.Errorf("dry_run = %v for %s", got.DryRun, tt.target)
			}
			if got.Imported != tt.wantImported {
				t.Errorf("imported = %d, want %d", got.Imported, tt.wantImported)
			}
			if tt.wantOutcome != "" && (got.Upload == nil || got.Upload.Outcome != tt.wantOutcome) {
				t.Errorf("upload = %+v, want outcome %s", got.Upload, tt.wantOutcome)
			}
			for _, is := range got.Errors {
				if is.File != "进度.csv" || is.Row < 2 || is.Column == "" || is.Reason == "" || is.Fix == "" || is.Message == "" {
					t.Errorf("error %+v lacks file, row, column, reason, fix or message", is)
				}
			}
			if tt.wantErrors > 0 && (got.Error == nil || got.Error.Kind != "invalid" || got.Error.Message == "") {
				t.Errorf("error = %+v, want kind invalid with a message", got.Error)
			}
			assertLedgerPercent(t, env, "NB-2026-001", tt.wantPercent)
		})
	}
}

func assertLedgerPercent(tb testing.TB, env *testEnv, code, want string) {
	tb.Helper()
	entries, err := env.store.ListLedger(context.Background(), saima.LedgerFilter{Search: code, AsOf: saima.DateOf(testNow)})
	if err != nil {
		tb.Fatalf("list ledger: %v", err)
	}
	if len(entries) != 1 {
		tb.Fatalf("ledger has %d entries for %s, want 1", len(entries), code)
	}
	if got := entries[0].LatestPercent.Decimal.String(); got != want {
		tb.Errorf("latest percent of %s = %s, want %s", code, got, want)
	}
}

func TestUploadPage(t *testing.T) {
	env := newSeededEnv(t)
	tests := []struct {
		name   string
		file   string
		dryRun bool
		status int
		want   []string
		absent []string
	}{
		{"accepted", goodProgress, false, http.StatusCreated, []string{"上传成功", "写入记录", "进度.csv"}, []string{"可导入记录"}},
		{"dry run", goodProgress, true, http.StatusOK, []string{"预检通过（未写入）", "可导入记录"}, []string{"写入记录"}},
		{"rejected", badProgress, false, http.StatusUnprocessableEntity, []string{"上传未通过", "135%", imgName + "区"}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			fields := map[string]string{"dataset": saima.DatasetProgress}
			if tt.dryRun {
				fields["dry_run"] = "1"
			}
			req := multipartRequest(t, "/upload", "进度.csv", []byte(tt.file), fields)
			resp, body := env.do(t, req)
			if resp.StatusCode != tt.status {
				t.Fatalf("POST /upload status = %d, want %d; body:\n%s", resp.StatusCode, tt.status, body)
			}
			text := html.UnescapeString(body)
			for _, w := range tt.want {
				if !strings.Contains(text, w) {
					t.Errorf("POST /upload page lacks %q", w)
				}
			}
			for _, w := range tt.absent {
				if strings.Contains(text, w) {
					t.Errorf("POST /upload page shows %q", w)
				}
			}
			assertNoRawInjection(t, "/upload", body)
		})
	}
}

// TestUploadPageRepeat uploads the same bytes twice through the form: the
// second result names the first upload's file and time.
func TestUploadPageRepeat(t *testing.T) {
	env := newSeededEnv(t)
	for i, want := range []int{http.StatusCreated, http.StatusCreated} {
		req := multipartRequest(t, "/upload", "进度.csv", []byte(goodProgress), map[string]string{"dataset": saima.DatasetProgress})
		resp, body := env.do(t, req)
		if resp.StatusCode != want {
			t.Fatalf("POST /upload %d status = %d, want %d; body:\n%s", i+1, resp.StatusCode, want, body)
		}
		text := html.UnescapeString(body)
		if i == 0 {
			if strings.Contains(text, "重复上传") {
				t.Errorf("first upload shows 重复上传")
			}
			continue
		}
		if !strings.Contains(text, "重复上传") || !strings.Contains(text, "（进度.csv，") || !strings.Contains(text, "）完全相同") {
			t.Errorf("second upload page lacks the earlier upload's file and time:\n%s", text)
		}
		if !regexp.MustCompile(`其中替换已有记录</dt><dd>[1-9][0-9]*（原记录保留在历史版本中）`).MatchString(text) {
			t.Errorf("second upload page lacks how many stored records it replaced:\n%s", text)
		}
	}
}

// sendRaw sends head, then whatever body writes, over a TCP connection to
// a server with a body limit of 1 MB, and returns the reply. A request
// over the limit goes through TCP because fasthttp rejects it before any
// handler runs, and app.Test reports that as an error of its own instead
// of the 413 a client gets. body runs beside the read of the reply, since
// the server may reply and close before it has read everything.
func sendRaw(t *testing.T, head string, body func(io.Writer)) (*http.Response, []byte) {
	t.Helper()
	env := newTestEnv(t, func(c *Config) { c.BodyLimit = 1 << 20 })
	base := serve(t, env.server)
	conn, err := net.Dial("tcp", strings.TrimPrefix(base, "http://"))
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	head = strings.Replace(head, "\r\n", "\r\nHost: "+strings.TrimPrefix(base, "http://")+"\r\n", 1)
	if _, err := io.WriteString(conn, head); err != nil {
		t.Fatal(err)
	}
	if body != nil {
		go body(conn)
	}
	resp, err := http.ReadResponse(bufio.NewReader(conn), nil)
	if err != nil {
		t.Fatalf("read reply: %v", err)
	}
	defer resp.Body.Close()
	reply, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp, reply
}

// TestUploadBodyLimit sends only the headers of a 2 MB upload: the server
// replies as soon as it reads the length.
func TestUploadBodyLimit(t *testing.T) {
	resp, body := sendRaw(t, "POST /api/uploads HTTP/1.1\r\n"+
		"Content-Type: multipart/form-data; boundary=x\r\nContent-Length: 2097152\r\n\r\n", nil)
	if resp.StatusCode != http.StatusRequestEntityTooLarge {
		t.Fatalf("POST 2 MB status = %d, want 413; body:\n%s", resp.StatusCode, body)
	}
	if !strings.Contains(string(body), "上传内容有 2.0 MB，超过 1 MB 的上限") {
		t.Errorf("413 body lacks the request's size and the limit: %s", body)
	}
}

// TestUploadBodyLimitChunked sends a chunked body over the limit, as a
// program may. The server stops reading before it has the path, so the
// 413 comes back as JSON with the limit.
func TestUploadBodyLimitChunked(t *testing.T) {
	resp, body := sendRaw(t, "POST /api/uploads HTTP/1.1\r\n"+
		"Content-Type: multipart/form-data; boundary=x\r\nTransfer-Encoding: chunked\r\n\r\n",
		func(w io.Writer) {
			chunk := "10000\r\n" + strings.Repeat("a", 1<<16) + "\r\n"
			for range 40 {
				if _, err := io.WriteString(w, chunk); err != nil {
					return // the server has replied and closed the connection
				}
			}
			io.WriteString(w, "0\r\n\r\n")
		})
	if resp.StatusCode != http.StatusRequestEntityTooLarge || !strings.HasPrefix(resp.Header.Get("Content-Type"), "application/json") {
		t.Fatalf("status = %d, Content-Type = %q, want 413 JSON; body:\n%s", resp.StatusCode, resp.Header.Get("Content-Type"), body)
	}
	if !strings.Contains(string(body), "上传内容超过 1 MB 的上限") {
		t.Errorf("413 body lacks the limit: %s", body)
	}
}

func TestUploadUnitAccount(t *testing.T) {
	other := progressHeader + "市大数据局,NB-2026-002,一件事集成办,2026年第三季度,50%,2026-09-30,进展,无\n"
	tests := []struct {
		name        string
		by          func(*testEnv) *client
		file        string
		status      int
		wantPercent string // NB-2026-001's percent in the ledger afterwards
	}{
		{"own rows by session", func(env *testEnv) *client { return env.as(t, "haishu") }, goodProgress, http.StatusCreated, "90"},
		{"own rows by token", (*testEnv).withToken, goodProgress, http.StatusCreated, "90"},
		{"another unit's rows by session", func(env *testEnv) *client { return env.as(t, "haishu") }, other, http.StatusForbidden, "85.5"},
		{"another unit's rows by token", (*testEnv).withToken, other, http.StatusForbidden, "85.5"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			env := newSeededEnv(t)
			req := multipartRequest(t, "/api/uploads", "进度.csv", []byte(tt.file), map[string]string{"dataset": saima.DatasetProgress})
			resp, body := tt.by(env).do(t, req)
			if resp.StatusCode != tt.status {
				t.Fatalf("POST as haishu status = %d, want %d; body:\n%s", resp.StatusCode, tt.status, body)
			}
			var got uploadJSON
			if err := json.Unmarshal([]byte(body), &got); err != nil {
				t.Fatalf("decode: %v", err)
			}
			if got.Upload == nil || got.Upload.Uploader != "haishu" || got.Upload.Unit != "宁波市海曙区" {
				t.Errorf("upload = %+v, want uploader haishu of 宁波市海曙区", got.Upload)
			}
			if tt.status == http.StatusForbidden {
				// The reply names the row, its column and its value.
				if len(got.Errors) != 1 || got.Errors[0].Row != 2 || got.Errors[0].Column != "单位" || got.Errors[0].Value != "市大数据局" {
					t.Errorf("errors = %+v, want row 2's 单位 市大数据局", got.Errors)
				}
			}
			assertLedgerPercent(t, env, "NB-2026-001", tt.wantPercent)
			assertProgressPercent(t, env, "市大数据局", "NB-2026-002", "40")
		})
	}
}

// assertProgressPercent fails unless unit's 2026Q3 progress report on
// project code has the percent want.
func assertProgressPercent(tb testing.TB, env *testEnv, unit, code, want string) {
	tb.Helper()
	reports, err := env.store.ListProgress(context.Background(), saima.Quarter(2026, 3))
	if err != nil {
		tb.Fatalf("list progress: %v", err)
	}
	for _, r := range reports {
		if r.Unit == unit && r.ProjectCode == code {
			if got := r.Percent.Decimal.String(); got != want {
				tb.Errorf("2026Q3 percent of %s on %s = %s, want %s", unit, code, got, want)
			}
			return
		}
	}
	tb.Errorf("no 2026Q3 progress of %s on %s", unit, code)
}

// A unit's account is offered only the datasets it may upload; the office
// is offered all of them.
func TestUploadPageDatasetsByRole(t *testing.T) {
	env := newSeededEnv(t)
	for _, tt := range []struct {
		account string
		offered bool
	}{{"office", true}, {"haishu", false}} {
		_, body := env.as(t, tt.account).get(t, "/upload")
		if !strings.Contains(body, `<option value="progress"`) {
			t.Errorf("%s's upload form lacks progress", tt.account)
		}
		for _, d := range []string{saima.DatasetUnits, saima.DatasetAssessments, saima.DatasetStages} {
			got := strings.Contains(body, `<option value="`+d+`"`)
			if got != tt.offered {
				t.Errorf("%s's upload form offers %s: %v, want %v", tt.account, d, got, tt.offered)
			}
			if got := strings.Contains(body, `/templates/`+d+`.xlsx`); got != tt.offered {
				t.Errorf("%s's upload page links the %s template: %v, want %v", tt.account, d, got, tt.offered)
			}
		}
	}
}

// The API takes the encoding names the command line takes, gbk included,
// in any case.
func TestUploadEncodingAliases(t *testing.T) {
	env := newSeededEnv(t)
	gbk, err := simplifiedchinese.GBK.NewEncoder().Bytes([]byte(goodProgress))
	if err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{"gbk", "GB18030", "gb2312"} {
		req := multipartRequest(t, "/api/uploads?dry_run=1", "进度.csv", gbk, map[string]string{"encoding": name})
		if resp, body := env.do(t, req); resp.StatusCode != http.StatusOK {
			t.Errorf("encoding %s: status %d, want 200; body:\n%s", name, resp.StatusCode, body)
		}
	}
	req := multipartRequest(t, "/api/uploads", "进度.csv", gbk, map[string]string{"encoding": "big5"})
	if resp, body := env.do(t, req); resp.StatusCode != http.StatusBadRequest || !strings.Contains(body, "gbk") {
		t.Errorf("encoding big5: status %d, want 400 naming gbk; body:\n%s", resp.StatusCode, body)
	}
}

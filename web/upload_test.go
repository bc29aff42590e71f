package web

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"html"
	"io"
	"net"
	"net/http"
	"reflect"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/shopspring/decimal"
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
			// A dry run is not recorded, so its reply has no upload ID,
			// for which /uploads/{id} would return 404.
			if got.DryRun && (got.Upload == nil || got.Upload.ID != "" || strings.Contains(body, `"id"`)) {
				t.Errorf("dry run reply carries an upload ID or no upload: %s", body)
			}
			if !got.DryRun && (got.Upload == nil || got.Upload.ID == "") {
				t.Errorf("upload reply lacks the upload ID: %s", body)
			}
			// A preview counts no replaced records, so its reply must not
			// carry a count that reads as none.
			if got.DryRun && strings.Contains(body, `"replaced"`) {
				t.Errorf("dry run reply carries a replaced count: %s", body)
			}
			if !got.DryRun && !strings.Contains(body, `"replaced":`) {
				t.Errorf("upload reply lacks the replaced count: %s", body)
			}
			if got.Imported != tt.wantImported {
				t.Errorf("imported = %d, want %d", got.Imported, tt.wantImported)
			}
			// written counts what reached the database: none in a dry run.
			wantWritten := tt.wantImported
			if got.DryRun {
				wantWritten = 0
			}
			if !strings.Contains(body, fmt.Sprintf(`"written":%d`, wantWritten)) {
				t.Errorf("reply lacks \"written\":%d: %s", wantWritten, body)
			}
			if got.Upload != nil && got.Upload.Imported != got.Imported {
				t.Errorf("upload.imported = %d, imported = %d; want the same count", got.Upload.Imported, got.Imported)
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
		{"accepted", goodProgress, false, http.StatusCreated, []string{"上传成功", "写入记录", "进度.csv", "上传编号", `href="/uploads/`}, []string{"可导入记录"}},
		{"dry run", goodProgress, true, http.StatusOK, []string{"预检通过（未写入）", "可导入记录"}, []string{"写入记录", "上传编号"}},
		{"rejected", badProgress, false, http.StatusUnprocessableEntity, []string{"上传未通过", "135%", imgName + "区", `href="/uploads/`}, nil},
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
	return sendRawTo(t, serve(t, env.server), head, body)
}

// sendRawTo is sendRaw to the server at base.
func sendRawTo(t *testing.T, base, head string, body func(io.Writer)) (*http.Response, []byte) {
	t.Helper()
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
			if got.DatasetName != "进度填报" {
				t.Errorf("dataset_name = %q, want 进度填报", got.DatasetName)
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

// seedOwned writes records of 市大数据局 for the datasets that the seed
// data lacks: a leader-led project, which 宁波市海曙区 leads, an
// assessment, a problem with a step, and a list item marked done.
func seedOwned(tb testing.TB, env *testEnv) {
	tb.Helper()
	const unit = "市大数据局"
	writeWorkflowBatch(tb, env.store, "owned-projects", saima.DatasetProjects, &saima.Batch{Projects: []saima.Project{
		{Code: "NB-2026-009", Name: "领衔项目", Unit: unit, LeadUnit: "宁波市海曙区", LeaderLed: true, Leader: "王市长"}}})
	writeWorkflowBatch(tb, env.store, "owned-assessments", saima.DatasetAssessments, &saima.Batch{Assessments: []saima.Assessment{
		{Unit: unit, Indicator: "开工率", Score: decimal.NewFromInt(30), Mode: "线下年终", Period: saima.Quarter(2026, 3)}}})
	writeWorkflowBatch(tb, env.store, "owned-problems", saima.DatasetProblems, &saima.Batch{Problems: []saima.ProblemItem{
		{ID: "WT-9", Unit: unit, Stage: "收集", Opened: day("2026-09-01")}}})
	writeWorkflowBatch(tb, env.store, "owned-steps", saima.DatasetProblemSteps, &saima.Batch{ProblemSteps: []saima.ProblemStep{
		{ProblemID: "WT-9", Step: "收集", Level: 1, Date: day("2026-09-01")}}})
	writeWorkflowBatch(tb, env.store, "owned-lists", saima.DatasetLists, &saima.Batch{ListItems: []saima.ListItem{
		{List: "重大需求", ID: "XQ-9", Name: "数据共享", Unit: unit, Deadline: day("2026-12-31")}}})
	writeWorkflowBatch(tb, env.store, "owned-done", saima.DatasetListDone, &saima.Batch{ListDone: []saima.ListDone{
		{List: "重大需求", ItemID: "XQ-9", Unit: unit, Date: day("2026-10-01")}}})
	writeWorkflowBatch(tb, env.store, "owned-leaders", saima.DatasetLeaderReports, &saima.Batch{LeaderReports: []saima.LeaderReport{
		{ProjectCode: "NB-2026-009", Half: saima.HalfYear{Year: 2026, Half: 1}, Leader: "王市长", Unit: unit,
			Results: "上线", Submitted: day("2026-07-08")}}})
}

// ownedRecords is every stored record of the datasets whose records have
// a unit.
type ownedRecords struct {
	Projects      []saima.Project
	Stages        []saima.StageEvent
	Milestones    []saima.Milestone
	Assessments   []saima.Assessment
	Problems      []saima.ProblemItem
	ProblemSteps  []saima.ProblemStep
	ListItems     []saima.ListItem
	ListDone      []saima.ListDone
	LeaderReports []saima.LeaderReport
}

func readOwned(tb testing.TB, env *testEnv) ownedRecords {
	tb.Helper()
	ctx := context.Background()
	var o ownedRecords
	var err error
	check := func(what string) {
		if err != nil {
			tb.Fatalf("list %s: %v", what, err)
		}
	}
	o.Projects, err = env.store.ListProjects(ctx)
	check("projects")
	o.Stages, err = env.store.ListStageEvents(ctx)
	check("stages")
	o.Milestones, err = env.store.ListMilestones(ctx)
	check("milestones")
	o.Assessments, err = env.store.ListAssessments(ctx, saima.Quarter(2026, 3))
	check("assessments")
	o.Problems, err = env.store.ListProblems(ctx)
	check("problems")
	o.ProblemSteps, err = env.store.ListProblemSteps(ctx)
	check("problem steps")
	o.ListItems, err = env.store.ListListItems(ctx)
	check("list items")
	o.ListDone, err = env.store.ListListDone(ctx)
	check("list done")
	o.LeaderReports, err = env.store.ListLeaderReports(ctx)
	check("leader reports")
	return o
}

// A unit's token that uploads a file giving another unit's records to its
// own unit gets 403, and nothing is written. A row error names the row,
// the column, the value and the unit that owns the record.
func TestUploadUnitTakeover(t *testing.T) {
	tests := []struct {
		dataset, file string
		column, value string // the error's column and value; "" for an office-only dataset
	}{
		{saima.DatasetProblems, "问题编号,单位,发现日期\nWT-9,宁波市海曙区,2026-09-01\n", "问题编号", "WT-9"},
		{saima.DatasetLeaderReports, "项目编号,半年度,牵头单位,成果,报送日期\nNB-2026-009,2026上半年,宁波市海曙区,上线,2026-07-08\n",
			"项目编号", "NB-2026-009"},
		{saima.DatasetListDone, "清单名称,事项编号,责任单位,完成日期\n重大需求,XQ-9,宁波市海曙区,2026-10-02\n", "事项编号", "XQ-9"},
		{saima.DatasetMilestones, "项目编号,里程碑,计划完成日期,责任单位\nNB-2026-002,方案评审,2027-03-31,宁波市海曙区\n",
			"项目编号", "NB-2026-002"},
		{saima.DatasetLists, "清单名称,事项编号,事项名称,责任单位,完成时限\n重大需求,XQ-9,数据共享,宁波市海曙区,2026-12-31\n", "", ""},
		{saima.DatasetProjects, "项目编号,项目名称,责任单位\nNB-2026-002,一件事集成办,宁波市海曙区\n", "", ""},
		{saima.DatasetStages, "项目编号,阶段,日期\nNB-2026-002,决策,2026-07-01\n", "", ""},
		{saima.DatasetProblemSteps, "问题编号,环节,日期\nWT-9,梳理归类,2026-09-05\n", "", ""},
		{saima.DatasetAssessments, "被考评单位,指标,得分,考评方式,考评期间\n宁波市海曙区,开工率,30,线下年终,2026Q3\n", "", ""},
	}
	for _, tt := range tests {
		t.Run(tt.dataset, func(t *testing.T) {
			env := newSeededEnv(t)
			seedOwned(t, env)
			before := readOwned(t, env)
			req := multipartRequest(t, "/api/uploads", "u.csv", []byte(tt.file), map[string]string{"dataset": tt.dataset})
			resp, body := env.withToken().do(t, req)
			if resp.StatusCode != http.StatusForbidden {
				t.Fatalf("POST as haishu's token status = %d, want 403; body:\n%s", resp.StatusCode, body)
			}
			var got uploadJSON
			if err := json.Unmarshal([]byte(body), &got); err != nil {
				t.Fatalf("decode: %v\n%s", err, body)
			}
			if got.Upload == nil || got.Upload.Outcome != saima.OutcomeRejected || got.Imported != 0 {
				t.Errorf("upload = %+v, imported = %d, want rejected with nothing imported", got.Upload, got.Imported)
			}
			if len(got.Errors) != 1 {
				t.Fatalf("errors = %+v, want one", got.Errors)
			}
			is := got.Errors[0]
			if tt.column == "" {
				if is.Row != 0 || !strings.Contains(is.Message, "请由改革办上传") {
					t.Errorf("error = %+v, want one for the whole file that leaves the dataset to the office", is)
				}
			} else if is.Row != 2 || is.Column != tt.column || is.Value != tt.value ||
				!strings.Contains(is.Reason, "“市大数据局”") || !strings.Contains(is.Fix, "改革办") {
				t.Errorf("error = %+v, want row 2's %s %s, owned by 市大数据局, with the office in the fix", is, tt.column, tt.value)
			}
			if after := readOwned(t, env); !reflect.DeepEqual(after, before) {
				t.Errorf("stored records changed:\n%+v\nwant\n%+v", after, before)
			}
		})
	}
}

// The office moves another unit's record to 宁波市海曙区 through the same
// API, with a warning that names both units.
func TestUploadOfficeMoves(t *testing.T) {
	tests := []struct {
		dataset, file string
		unit          func(ownedRecords) string // the moved record's unit afterwards
	}{
		{saima.DatasetProjects, "项目编号,项目名称,责任单位\nNB-2026-002,一件事集成办,宁波市海曙区\n", func(o ownedRecords) string {
			return o.Projects[slices.IndexFunc(o.Projects, func(p saima.Project) bool { return p.Code == "NB-2026-002" })].Unit
		}},
		{saima.DatasetProblems, "问题编号,单位,发现日期\nWT-9,宁波市海曙区,2026-09-01\n", func(o ownedRecords) string {
			return o.Problems[0].Unit
		}},
		{saima.DatasetLeaderReports, "项目编号,半年度,牵头单位,成果,报送日期\nNB-2026-009,2026上半年,宁波市海曙区,上线,2026-07-08\n",
			func(o ownedRecords) string { return o.LeaderReports[0].Unit }},
		{saima.DatasetLists, "清单名称,事项编号,事项名称,责任单位,完成时限\n重大需求,XQ-9,数据共享,宁波市海曙区,2026-12-31\n",
			func(o ownedRecords) string { return o.ListItems[0].Unit }},
	}
	env := newSeededEnv(t)
	seedOwned(t, env)
	for _, tt := range tests {
		t.Run(tt.dataset, func(t *testing.T) {
			req := multipartRequest(t, "/api/uploads", "o.csv", []byte(tt.file), map[string]string{"dataset": tt.dataset})
			resp, body := env.do(t, req)
			if resp.StatusCode != http.StatusCreated {
				t.Fatalf("POST as the office status = %d, want 201; body:\n%s", resp.StatusCode, body)
			}
			var got uploadJSON
			if err := json.Unmarshal([]byte(body), &got); err != nil {
				t.Fatalf("decode: %v\n%s", err, body)
			}
			// The files carry only the key columns, so they also get the
			// warning about blanked columns, which this test leaves aside.
			moves := slices.DeleteFunc(slices.Clone(got.Warnings), func(w issueJSON) bool {
				return strings.Contains(w.Reason, "列，导入后每条记录的这几项都为空")
			})
			if len(moves) != 1 || !strings.Contains(moves[0].Reason, "（市大数据局 → 宁波市海曙区）") {
				t.Errorf("warnings = %+v, want one that names 市大数据局 → 宁波市海曙区", got.Warnings)
			}
			if unit := tt.unit(readOwned(t, env)); unit != "宁波市海曙区" {
				t.Errorf("stored unit = %q, want 宁波市海曙区", unit)
			}
		})
	}
}

package web

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"saima"
)

func jsonRequest(target, body string) *http.Request {
	req := httptest.NewRequest(http.MethodPost, target, strings.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	return req
}

func TestBatchAPI(t *testing.T) {
	good := `[{"单位": "宁波市海曙区", "项目编号": "NB-2026-001", "填报期间": "2026年第三季度", "完成率": "90%",
		"进展情况": "` + strings.ReplaceAll(imgName, `"`, `\"`) + `"}]`
	english := `[{"unit": "海曙", "project_code": "NB-2026-001", "period": "2026Q3", "percent": 95, "report_date": "2026-09-30"}]`
	bad := `[{"单位": "宁波市海曙区", "项目编号": "NB-2026-001", "填报期间": "2026Q3", "完成率": "90%"},
		{"单位": "宁波市海曙区", "项目编号": "NB-2026-009", "填报期间": "2026Q3", "完成率": "135%"}]`
	other := `[{"单位": "市大数据局", "项目编号": "NB-2026-002", "填报期间": "2026Q3", "完成率": "50%"}]`
	office := func(env *testEnv) *client { return env.as(t, "office") }
	tests := []struct {
		name        string
		by          func(*testEnv) *client
		target      string
		body        string
		status      int
		wantErrors  []string
		wantPercent string // NB-2026-001's percent in the ledger afterwards
	}{
		{"Chinese keys", office, "/api/batches/progress", good, http.StatusCreated, nil, "90"},
		{"English keys by token", (*testEnv).withToken, "/api/batches/progress", english, http.StatusCreated, nil, "95"},
		{"dry run", office, "/api/batches/progress?dry_run=1", good, http.StatusOK, nil, "85.5"},
		{"bad row", office, "/api/batches/progress", bad, http.StatusUnprocessableEntity,
			[]string{"progress.json 第2行“完成率”列的值“135%”超出0–100%范围，请改为0–100之间的数后重新上传"}, "85.5"},
		{"another unit's rows", (*testEnv).withToken, "/api/batches/progress", other, http.StatusForbidden,
			[]string{"progress.json 第1行“单位”列的值“市大数据局”不是本单位（宁波市海曙区），单位账号只能上传本单位的数据，" +
				"请删除这一行后重新上传，其他单位的数据由该单位或改革办上传"}, "85.5"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			env := newSeededEnv(t)
			resp, body := tt.by(env).do(t, jsonRequest(tt.target, tt.body))
			if resp.StatusCode != tt.status {
				t.Fatalf("POST %s status = %d, want %d; body:\n%s", tt.target, resp.StatusCode, tt.status, body)
			}
			assertNoRawInjection(t, tt.target, body)
			var got uploadJSON
			if err := json.Unmarshal([]byte(body), &got); err != nil {
				t.Fatalf("decode: %v\n%s", err, body)
			}
			var messages []string
			for _, is := range got.Errors {
				messages = append(messages, is.Message)
			}
			if strings.Join(messages, "\n") != strings.Join(tt.wantErrors, "\n") {
				t.Errorf("errors = %q, want %q", messages, tt.wantErrors)
			}
			if got.Dataset != saima.DatasetProgress {
				t.Errorf("dataset = %q, want progress", got.Dataset)
			}
			assertLedgerPercent(t, env, "NB-2026-001", tt.wantPercent)
		})
	}
}

func TestBatchAPIBadRequest(t *testing.T) {
	env := newSeededEnv(t)
	tests := []struct {
		name, target, body string
		status             int
		want               string
	}{
		{"unknown dataset", "/api/batches/budgets", `[]`, http.StatusNotFound, "没有名为“budgets”的数据类型"},
		{"not an array", "/api/batches/progress", `{"单位": "宁波市海曙区"}`, http.StatusBadRequest, "请求体应是JSON对象数组"},
		{"CSV body", "/api/batches/progress", "单位,项目编号\n", http.StatusBadRequest, "请求体应是JSON对象数组"},
		{"broken JSON", "/api/batches/progress", `[{"单位": }]`, http.StatusUnprocessableEntity, "JSON格式错误"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			resp, body := env.as(t, "office").do(t, jsonRequest(tt.target, tt.body))
			if resp.StatusCode != tt.status || !strings.Contains(body, tt.want) {
				t.Errorf("POST %s status = %d, body %s, want %d with %q", tt.target, resp.StatusCode, body, tt.status, tt.want)
			}
		})
	}
	if resp, _ := env.as(t, "leader").do(t, jsonRequest("/api/batches/progress", `[]`)); resp.StatusCode != http.StatusForbidden {
		t.Errorf("POST as leader status = %d, want 403", resp.StatusCode)
	}
}

// TestBatchAPIBodyLimit sends only the headers of an oversized batch over
// TCP, as TestUploadBodyLimit does. The 413 must name the limit and what
// to do.
func TestBatchAPIBodyLimit(t *testing.T) {
	env := newTestEnv(t, func(c *Config) { c.BodyLimit = 1 << 20 })
	resp, body := sendRawTo(t, serve(t, env.server), "POST /api/batches/progress HTTP/1.1\r\n"+
		"Content-Type: application/json\r\nContent-Length: 2097152\r\n\r\n", nil)
	const want = "上传内容有 2.0 MB，超过 1 MB 的上限，请拆分文件后分批上传，或请改革办在服务器上用 saima import 命令导入"
	if resp.StatusCode != http.StatusRequestEntityTooLarge || !strings.Contains(string(body), want) {
		t.Errorf("POST 2 MB batch = %d %s, want 413 with %q", resp.StatusCode, body, want)
	}
}

package web

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"saima"
)

// postProgress uploads text as a progress file through the API as cl and
// returns the reply, which must have the status want.
func postProgress(t *testing.T, cl *client, text string, want int) uploadJSON {
	t.Helper()
	req := multipartRequest(t, "/api/uploads", "进度.csv", []byte(text), map[string]string{"dataset": saima.DatasetProgress})
	resp, body := cl.do(t, req)
	if resp.StatusCode != want {
		t.Fatalf("POST /api/uploads status = %d, want %d; body:\n%.500s", resp.StatusCode, want, body)
	}
	var got uploadJSON
	if err := json.Unmarshal([]byte(body), &got); err != nil {
		t.Fatalf("decode: %v", err)
	}
	if got.Upload == nil || got.Upload.ID == "" {
		t.Fatalf("reply names no upload: %.500s", body)
	}
	return got
}

// TestUploadErrorsPage rejects a file with 10 000 errors and opens its
// error list again from the audit log: the listed errors, the count of
// the rest, and only for the unit's own accounts, the office and leaders.
func TestUploadErrorsPage(t *testing.T) {
	env := newSeededEnv(t)
	var b strings.Builder
	b.WriteString(progressHeader)
	for i := range 10000 {
		fmt.Fprintf(&b, "宁波市海曙区,NB-2026-001,项目,2026年第三季度,%d%%,2026-09-30,进展,无\n", 200+i)
	}
	own := postProgress(t, env.as(t, "haishu"), b.String(), http.StatusUnprocessableEntity)
	office := postProgress(t, env.as(t, "office"), progressHeader+"宁波市海曙区,NB-2026-001,项目,2026Q3,300%,2026-09-30,进展,无\n",
		http.StatusUnprocessableEntity)
	page := "/uploads/" + own.Upload.ID

	_, list := env.as(t, "haishu").get(t, "/uploads")
	if !strings.Contains(list, `href="`+page+`"`) {
		t.Errorf("/uploads as haishu has no link to %s", page)
	}

	resp, body := env.as(t, "haishu").get(t, page)
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("GET %s as haishu status = %d, want 200; body:\n%.500s", page, resp.StatusCode, body)
	}
	errorList, _, _ := strings.Cut(body[strings.Index(body, `class="issues errors"`)+1:], "</ol>")
	if n := strings.Count(errorList, `<li class="issue">`); n != 100 {
		t.Errorf("%s lists %d errors, want 100", page, n)
	}
	for _, want := range []string{own.Errors[0].Message, own.Errors[99].Message, "另有 9900 处错误未列出", "进度.csv"} {
		if !strings.Contains(body, want) {
			t.Errorf("%s lacks %q", page, want)
		}
	}
	if len(body) > 200_000 {
		t.Errorf("%s is %d bytes, want a page that stays small", page, len(body))
	}

	for _, tt := range []struct {
		name, account, target string
		want                  int
	}{
		{"office's upload as unit", "haishu", "/uploads/" + office.Upload.ID, http.StatusForbidden},
		{"unit's upload as leader", "leader", page, http.StatusOK},
		{"unit's upload as office", "office", page, http.StatusOK},
		{"unknown upload", "office", "/uploads/no-such-upload", http.StatusNotFound},
	} {
		t.Run(tt.name, func(t *testing.T) {
			resp, body := env.as(t, tt.account).get(t, tt.target)
			if resp.StatusCode != tt.want {
				t.Errorf("GET %s as %s status = %d, want %d; body:\n%.300s", tt.target, tt.account, resp.StatusCode, tt.want, body)
			}
			if resp.StatusCode == http.StatusForbidden {
				checkDenial(t, resp, body, tt.target)
			}
		})
	}
}

// TestUploadWarningsPage opens a rejected upload with over 100 warnings and an
// imported one with a warning from the audit log: each page lists the
// warnings' text, with the count of those beyond the list.
func TestUploadWarningsPage(t *testing.T) {
	env := newSeededEnv(t)
	var b strings.Builder
	b.WriteString(progressHeader)
	for i := range 150 {
		fmt.Fprintf(&b, "宁波市海曙区,NB-2026-001,项目,2026-%02d,/,2026-09-30,进展,无\n", i%12+1)
	}
	b.WriteString("宁波市海曙区,NB-2026-001,项目,2026Q3,300%,2026-09-30,进展,无\n")
	rejected := postProgress(t, env.as(t, "haishu"), b.String(), http.StatusUnprocessableEntity)
	imported := postProgress(t, env.as(t, "haishu"),
		progressHeader+"宁波市海曙区,NB-2026-001,项目,2026Q3,/,2026-09-30,进展,无\n", http.StatusCreated)

	for _, tt := range []struct {
		name   string
		reply  uploadJSON
		listed int
	}{
		{"Rejected", rejected, 100},
		{"Imported", imported, 1},
	} {
		t.Run(tt.name, func(t *testing.T) {
			if len(tt.reply.Warnings) != tt.listed {
				t.Fatalf("reply lists %d warnings, want %d", len(tt.reply.Warnings), tt.listed)
			}
			if tt.listed == 100 && tt.reply.WarningsOmitted == 0 {
				t.Fatal("reply counts no warnings beyond the list, want some")
			}
			page := "/uploads/" + tt.reply.Upload.ID
			resp, body := env.as(t, "haishu").get(t, page)
			if resp.StatusCode != http.StatusOK {
				t.Fatalf("GET %s status = %d, want 200; body:\n%.500s", page, resp.StatusCode, body)
			}
			if !strings.Contains(body, "警告清单") {
				t.Errorf("%s has no 警告清单", page)
			}
			for _, w := range []issueJSON{tt.reply.Warnings[0], tt.reply.Warnings[tt.listed-1]} {
				if !strings.Contains(body, w.Message) {
					t.Errorf("%s lacks the warning %q", page, w.Message)
				}
			}
			omitted := fmt.Sprintf("另有 %d 处警告未列出", tt.reply.WarningsOmitted)
			if tt.reply.WarningsOmitted > 0 && !strings.Contains(body, omitted) {
				t.Errorf("%s lacks %q", page, omitted)
			}
		})
	}
}

// TestUploadsUnitFilter checks that the upload log's unit filter reads a
// roster alias as its unit, and rejects a name off the roster instead of
// listing nothing as if the unit had never uploaded.
func TestUploadsUnitFilter(t *testing.T) {
	env := newSeededEnv(t)
	seedUploadAudit(t, env.store)
	office := env.as(t, "office")
	resp, body := office.get(t, "/uploads?unit="+url.QueryEscape("海曙"))
	if resp.StatusCode != http.StatusOK || !strings.Contains(body, "共 1 次上传") {
		t.Errorf("/uploads?unit=海曙 = %d, want haishu's one upload:\n%s", resp.StatusCode, body)
	}
	resp, body = office.get(t, "/uploads?unit="+url.QueryEscape("宁波市不存在区"))
	if resp.StatusCode != http.StatusBadRequest || !strings.Contains(body, "单位（参数 unit）的值“宁波市不存在区”无效") {
		t.Errorf("/uploads?unit=宁波市不存在区 = %d, want 400 naming the value:\n%s", resp.StatusCode, body)
	}
}

// The audit log heads its dataset column 数据类型, the term of the upload
// form, its result and the error for a header that cannot be detected.
func TestUploadsDatasetColumnName(t *testing.T) {
	env := newSeededEnv(t)
	for _, page := range []string{"/upload", "/uploads"} {
		resp, body := env.as(t, "office").get(t, page)
		if resp.StatusCode != http.StatusOK {
			t.Fatalf("GET %s status = %d, want 200", page, resp.StatusCode)
		}
		if !strings.Contains(body, "数据类型") {
			t.Errorf("%s lacks the term 数据类型", page)
		}
		if strings.Contains(body, "数据集") {
			t.Errorf("%s uses 数据集 for what the other pages call 数据类型", page)
		}
	}
}

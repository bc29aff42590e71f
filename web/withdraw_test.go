package web

import (
	"html"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
)

// TestWithdrawRejectionsAgree posts list-mark and stage withdrawals that
// are rejected for their content, such as a filler reason, a blank one or
// a record that has no mark or is not the latest. Both forms must reply
// 422 with the same page shape. The error sits in a role="alert" block
// that starts 未撤销, also when the client asks for JSON, because neither
// form route replies in JSON.
func TestWithdrawRejectionsAgree(t *testing.T) {
	env := newSeededEnv(t)
	seedLists(t, env.store)
	seedMistakenExit(t, env.store)
	office := env.as(t, "office")

	post := func(target string, fields map[string]string, accept string) (*http.Response, string) {
		form := url.Values{}
		for k, v := range fields {
			form.Set(k, v)
		}
		req := httptest.NewRequest(http.MethodPost, target, strings.NewReader(form.Encode()))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		if accept != "" {
			req.Header.Set("Accept", accept)
		}
		return office.do(t, req)
	}
	list := func(item, reason string) map[string]string {
		return map[string]string{"list": "重大需求", "item_id": item, "reason": reason, "return": "/lists?status=done"}
	}
	stage := func(round, reason string) map[string]string {
		return map[string]string{"stage": "退出", "round": round, "reason": reason}
	}
	stageTarget := projectURL("WX-1") + "/stages/withdraw"

	tests := []struct {
		name      string
		listForm  map[string]string
		stageForm map[string]string
		want      string
	}{
		{"ErrFillerReason", list("XQ-1", "无"), stage("1", "无"), "撤销理由“无”没有写明原因"},
		{"ErrNoReason", list("XQ-1", " "), stage("1", " "), "请填写撤销理由"},
		{"ErrNothingToWithdraw", list("XQ-2", "误标注"), stage("2", "误登记"), "未撤销："},
	}
	for _, tt := range tests {
		for _, accept := range []string{"", "application/json"} {
			t.Run(tt.name+"/accept="+accept, func(t *testing.T) {
				listResp, listBody := post("/lists/withdraw", tt.listForm, accept)
				stageResp, stageBody := post(stageTarget, tt.stageForm, accept)
				for _, r := range []struct {
					form string
					resp *http.Response
					body string
				}{{"list mark", listResp, listBody}, {"stage", stageResp, stageBody}} {
					if r.resp.StatusCode != http.StatusUnprocessableEntity {
						t.Errorf("rejected %s withdrawal status = %d, want 422", r.form, r.resp.StatusCode)
					}
					text := html.UnescapeString(r.body)
					if !strings.Contains(text, `role="alert"`) || !strings.Contains(text, "<p>未撤销：") {
						t.Errorf("rejected %s withdrawal page lacks the role=alert block with 未撤销：", r.form)
					}
					if !strings.Contains(text, tt.want) {
						t.Errorf("rejected %s withdrawal page lacks %q", r.form, tt.want)
					}
				}
				listType, stageType := listResp.Header.Get("Content-Type"), stageResp.Header.Get("Content-Type")
				if listType != stageType {
					t.Errorf("Content-Type: list mark withdrawal %q, stage withdrawal %q, want the same", listType, stageType)
				}
			})
		}
	}
}

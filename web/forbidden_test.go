package web

import (
	"html"
	"net/http"
	"strings"
	"testing"
)

// TestFormsRejectForbidden posts a right-to-left override (U+202E) or a
// bell (U+0007) in the free text of every form that stores text. Each
// form must reject it, name the field, the code point and the fix, and
// store nothing.
func TestFormsRejectForbidden(t *testing.T) {
	env := newSeededEnv(t)
	seedLists(t, env.store)
	seedMistakenExit(t, env.store)
	office := env.as(t, "office")
	const bad = "误登记\u202E本项目"

	tests := []struct {
		name   string
		post   func() (*http.Response, string)
		status int
		field  string
	}{
		{"StageOpinion", func() (*http.Response, string) {
			return postStageForm(t, office, "NB-2026-001", map[string]string{
				"stage": "变更", "date": "2026-10-01", "decided_by": "市委改革办",
				"change_item": "建设周期", "change_reason": "调整", "opinion": bad})
		}, http.StatusUnprocessableEntity, "意见"},
		{"StageDecidedBy", func() (*http.Response, string) {
			return postStageForm(t, office, "NB-2026-001", map[string]string{
				"stage": "变更", "date": "2026-10-01", "decided_by": "市委\x07改革办",
				"change_item": "建设周期", "change_reason": "调整"})
		}, http.StatusUnprocessableEntity, "决策主体"},
		{"StageWithdrawReason", func() (*http.Response, string) {
			return postForm(t, office, projectURL("WX-1")+"/stages/withdraw",
				map[string]string{"stage": "退出", "round": "1", "reason": bad})
		}, http.StatusUnprocessableEntity, "撤销理由"},
		{"ListDoneNote", func() (*http.Response, string) {
			return postForm(t, office, "/lists/done",
				map[string]string{"list": "重大需求", "item_id": "XQ-2", "note": bad})
		}, http.StatusUnprocessableEntity, "完成情况"},
		{"ListWithdrawReason", func() (*http.Response, string) {
			return postForm(t, office, "/lists/withdraw",
				map[string]string{"list": "重大需求", "item_id": "XQ-1", "reason": bad, "return": "/lists?status=done"})
		}, http.StatusUnprocessableEntity, "撤销理由"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			resp, body := tt.post()
			if resp.StatusCode != tt.status {
				t.Fatalf("POST status = %d, want %d:\n%s", resp.StatusCode, tt.status, body)
			}
			text := html.UnescapeString(body)
			code := "U+202E"
			if tt.name == "StageDecidedBy" {
				code = "U+0007"
			}
			for _, want := range []string{"“" + tt.field + "”栏", code, "[" + code + "]", "请删除这个字符", "重新保存"} {
				if !strings.Contains(text, want) {
					t.Errorf("POST page lacks %q", want)
				}
			}
		})
	}

	// Nothing was stored: the item is still unmarked, the exit still
	// there, and the stage form recorded no change.
	if _, body := office.get(t, "/projects/NB-2026-001"); strings.Contains(body, "建设周期") {
		t.Errorf("project page shows the rejected change")
	}
	if _, body := office.get(t, projectURL("WX-1")); !strings.Contains(body, "撤销 2026-09-01 的“退出”（第 1 轮）记录") {
		t.Errorf("project WX-1 lost its exit after a rejected withdrawal")
	}
}

// TestPublishNoteRejectsForbidden checks that a publication's note with a
// control character is rejected with the field, the code point and the
// fix, and publishes nothing.
func TestPublishNoteRejectsForbidden(t *testing.T) {
	env := newEvaluationEnv(t)
	resp, body := env.publish(t, "office", `{"note": "第一版\u202e"}`)
	if resp.StatusCode != http.StatusBadRequest {
		t.Fatalf("publish with U+202E in the note = %d, want 400:\n%s", resp.StatusCode, body)
	}
	text := html.UnescapeString(body)
	for _, want := range []string{"“发布说明”栏", "U+202E", "请删除这个字符"} {
		if !strings.Contains(text, want) {
			t.Errorf("publish error lacks %q:\n%s", want, text)
		}
	}
	if resp, body := env.publish(t, "office", `{"note": "第一版"}`); resp.StatusCode != http.StatusCreated {
		t.Errorf("publish after the rejected one = %d, want 201:\n%s", resp.StatusCode, body)
	} else if !strings.Contains(body, `"version":1`) {
		t.Errorf("publish after the rejected one = %s, want version 1", body)
	}
}

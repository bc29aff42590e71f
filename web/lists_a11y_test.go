package web

import (
	"net/http"
	"regexp"
	"strings"
	"testing"
)

// TestListMarkErrorTiedToField sends a mark that is rejected. The form
// shown again must mark its date field invalid and describe it with the
// message, which a screen reader then reads with the field. Each row's
// buttons must be described by their item.
func TestListMarkErrorTiedToField(t *testing.T) {
	env := newSeededEnv(t)
	seedLists(t, env.store)
	resp, body := postForm(t, env.as(t, "office"), "/lists/done",
		map[string]string{"list": "重大需求", "item_id": "XQ-2", "date": "2026-10-14"})
	if resp.StatusCode != http.StatusUnprocessableEntity {
		t.Fatalf("POST /lists/done before XQ-2 was recorded status = %d, want 422", resp.StatusCode)
	}

	errorID := regexp.MustCompile(`<p class="form-error" id="([^"]+)"`).FindStringSubmatch(body)
	if errorID == nil {
		t.Fatalf("the form's message has no id:\n%s", body)
	}
	date := regexp.MustCompile(`<input type="date" name="date"[^>]*>`).FindAllString(body, -1)
	var tied []string
	for _, in := range date {
		if strings.Contains(in, errorID[1]) {
			tied = append(tied, in)
		}
	}
	if len(tied) != 1 {
		t.Fatalf("%d date fields are described by the message %s, want 1: %q", len(tied), errorID[1], tied)
	}
	if !strings.Contains(tied[0], `aria-invalid="true"`) {
		t.Errorf("the rejected date field %s is not marked aria-invalid", tied[0])
	}
	if !strings.Contains(tied[0], "autofocus") {
		t.Errorf("the rejected date field %s does not take the focus", tied[0])
	}

	buttons := regexp.MustCompile(`<button type="submit"[^>]*>标注完成</button>`).FindAllString(body, -1)
	if len(buttons) == 0 {
		t.Fatal("the page has no 标注完成 button")
	}
	for _, b := range buttons {
		if !strings.Contains(b, `aria-describedby="`) {
			t.Errorf("button %s does not name its item", b)
		}
	}
}

// TestStageFormErrorTiedToField sends the stage form with an invalid date
// and checks that the form shown again marks that field, and only that
// one, invalid and describes it with the error list.
func TestStageFormErrorTiedToField(t *testing.T) {
	env := newSeededEnv(t)
	resp, body := postStageForm(t, env.as(t, "office"), "NB-2026-001",
		map[string]string{"stage": "评估", "date": "2026-13-45", "decided_by": "市委改革办"})
	if resp.StatusCode != http.StatusUnprocessableEntity {
		t.Fatalf("POST a stage dated 2026-13-45 status = %d, want 422", resp.StatusCode)
	}
	if !strings.Contains(body, `<div class="errors" role="alert" id="stage-errors">`) {
		t.Errorf("the error list has no id stage-errors")
	}
	field := func(name string) string {
		in := regexp.MustCompile(`<input type="[a-z]+" name="` + name + `"[^>]*>`).FindString(body)
		if in == "" {
			t.Fatalf("the form has no field %s", name)
		}
		return in
	}
	date := field("date")
	if !strings.Contains(date, `aria-invalid="true"`) || !strings.Contains(date, `aria-describedby="stage-errors"`) {
		t.Errorf("the date field %s is not marked invalid and described by the errors", date)
	}
	if other := field("decided_by"); strings.Contains(other, "aria-invalid") {
		t.Errorf("the valid field %s is marked invalid", other)
	}
}

// TestLoginErrorDescribesFields signs in with a wrong password. The form
// shown again focuses the password field, and both fields must be
// described by the message: a screen reader does not always read an alert
// that is already on the page when it loads.
func TestLoginErrorDescribesFields(t *testing.T) {
	env := newTestEnv(t, nil)
	nonce, token := env.loginForm(t)
	resp, body := env.send(t, loginRequest(nonce, token, "office", "wrong-password", "/"))
	if resp.StatusCode != http.StatusUnauthorized {
		t.Fatalf("POST /login with a wrong password status = %d, want 401", resp.StatusCode)
	}
	if !strings.Contains(body, `<p class="message" role="alert" id="login-error">`) {
		t.Errorf("the login message has no id login-error")
	}
	for _, name := range []string{"name", "password"} {
		in := regexp.MustCompile(`<input type="[a-z]+" name="` + name + `"[^>]*>`).FindString(body)
		if !strings.Contains(in, `aria-describedby="login-error"`) {
			t.Errorf("the %s field %q is not described by the message", name, in)
		}
	}
}

package web

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"saima"
)

// TestBrowserPublishConfirm publishes a quarter that is still running from
// the leaderboard in Chromium. dashboard.js shows a confirmation first: a
// cancel sends nothing, and an accept publishes and shows the new version.
// The test replaces window.confirm to reply in place of the person.
func TestBrowserPublishConfirm(t *testing.T) {
	requireChromium(t)
	env := newEvaluationEnv(t)
	env.clock.Advance(time.Date(2026, 6, 15, 9, 0, 0, 0, saima.Beijing).Sub(env.clock.Now()))
	b := newBrowser(t, serve(t, env.server))
	b.login(t, "office", testAccounts["office"].password, "/leaderboard?period=2026Q2")

	// submit replies to the confirmation with answer, submits the form and
	// returns the confirmation's question and the text of the page after it.
	submit := func(answer string) (question, text string) {
		t.Helper()
		ctx, cancel := context.WithTimeout(b.ctx, 30*time.Second)
		defer cancel()
		script := `window.confirm = function (m) { sessionStorage.setItem('asked', m); return ` + answer + `; }; true`
		if _, err := chromedp.Run(ctx, chromedp.Evaluate[bool](script)); err != nil {
			t.Fatalf("replace confirm: %v", err)
		}
		if err := chromedp.Do(ctx, chromedp.Click(`form.publish button[type="submit"]`)); err != nil {
			t.Fatalf("click publish: %v (browser problems: %q)", err, b.problems())
		}
		time.Sleep(time.Second) // a submitted form loads the leaderboard again
		if err := chromedp.Do(ctx, chromedp.WaitVisible(`p.meta`)); err != nil {
			t.Fatalf("wait for the leaderboard: %v", err)
		}
		question, err := chromedp.Run(ctx, chromedp.Evaluate[string](`sessionStorage.getItem('asked') || ''`))
		if err != nil {
			t.Fatalf("read the question: %v", err)
		}
		text, err = chromedp.Run(ctx, chromedp.Evaluate[string](`document.querySelector('main').innerText`))
		if err != nil {
			t.Fatalf("read the page: %v", err)
		}
		return question, text
	}

	question, text := submit("false")
	if !strings.Contains(question, "本期到 2026-06-30 才结束") {
		t.Errorf("confirmation = %q, want it to say the quarter runs to 2026-06-30", question)
	}
	if strings.Contains(text, "已发布 v1") {
		t.Errorf("cancelling the confirmation still published:\n%s", text)
	}
	if _, text = submit("true"); !strings.Contains(text, "已发布 v1。") || !strings.Contains(text, "本期结果：已发布 v1") {
		t.Errorf("accepting the confirmation did not publish v1:\n%s", text)
	}
	for _, problem := range b.problems() {
		t.Error(problem)
	}
}

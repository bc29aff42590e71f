package web

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// TestBrowserWithdrawExit withdraws a mistaken exit in Chromium: the form
// on the project page needs a reason, and once sent the page shows the
// project back at 预报.
func TestBrowserWithdrawExit(t *testing.T) {
	requireChromium(t)
	env := newSeededEnv(t)
	seedMistakenExit(t, env.store)
	b := newBrowser(t, serve(t, env.server))
	page := projectURL("WX-1")
	state := b.login(t, "office", testAccounts["office"].password, page)
	if !strings.Contains(state.Text, "撤销 2026-09-01 的“退出”（第 1 轮）记录") {
		t.Fatalf("project page lacks the withdrawal form:\n%s", state.Text)
	}

	ctx, cancel := context.WithTimeout(b.ctx, 60*time.Second)
	defer cancel()
	err := chromedp.Do(ctx,
		chromedp.SendKeys(`form.stage-withdraw input[name="reason"]`, "误将退出决定登记在本项目"),
		chromedp.Click(`form.stage-withdraw button[type="submit"]`),
		chromedp.WaitVisible(`section.notice`),
	)
	if err != nil {
		t.Fatalf("send the withdrawal form: %v (browser problems: %q)", err, b.problems())
	}
	state = b.read(ctx, t, page)
	for _, want := range []string{"已撤销最近一条阶段记录", "预报，自 2026-02-01 起"} {
		if !strings.Contains(state.Text, want) {
			t.Errorf("page after the withdrawal lacks %q:\n%s", want, state.Text)
		}
	}
	if strings.Contains(state.Text, "通报批评") {
		t.Errorf("page after the withdrawal still shows the exit:\n%s", state.Text)
	}
	for _, problem := range b.problems() {
		t.Error(problem)
	}
}

package web

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/chromedp"
)

// watchUpload records every text the upload page's progress line shows,
// in window.uploadStates, from the moment it runs.
const watchUpload = `(() => {
	window.uploadStates = [];
	const state = document.querySelector('section.upload-progress .job-state');
	new MutationObserver(() => window.uploadStates.push(state.textContent))
		.observe(state, {childList: true, characterData: true, subtree: true});
	return true;
})()`

// uploadTrace is what a test reads after an upload through upload.js.
type uploadTrace struct {
	States    []string `json:"states"`
	Resources []string `json:"resources"` // paths the page requested
	Text      string   `json:"text"`
}

const readUploadTrace = `(() => ({
	states: window.uploadStates,
	resources: performance.getEntriesByType('resource').map(r => new URL(r.name).pathname),
	text: document.body.innerText,
}))()`

// uploadWithScript opens /upload, sends file through the form, as a
// preview when dryRun is set, and waits until upload.js has drawn the
// result.
func (b *browser) uploadWithScript(tb testing.TB, file, dataset string, dryRun bool) uploadTrace {
	tb.Helper()
	ctx, cancel := context.WithTimeout(b.ctx, 90*time.Second)
	defer cancel()
	err := chromedp.Do(ctx, chromedp.Navigate("http://"+b.host+"/upload"), chromedp.WaitReady("body"))
	if err == nil {
		_, err = chromedp.Run(ctx, chromedp.Evaluate[bool](watchUpload))
	}
	if err == nil && dryRun {
		err = chromedp.Do(ctx, chromedp.Click(`input[name="dry_run"]`))
	}
	if err == nil {
		err = chromedp.Do(ctx,
			chromedp.SetUploadFiles(`input[name="file"]`, []string{file}),
			chromedp.SetValue(`select[name="dataset"]`, dataset),
			chromedp.Click(`form.upload button[type="submit"]`),
			chromedp.WaitReady("section.result"),
		)
	}
	if err != nil {
		tb.Fatalf("upload %s: %v (browser problems: %q)", file, err, b.problems())
	}
	trace, err := chromedp.Run(ctx, chromedp.Evaluate[uploadTrace](readUploadTrace))
	if err != nil {
		tb.Fatalf("read upload trace: %v", err)
	}
	return trace
}

// TestBrowserUploadProgress uploads through the form in Chromium, where
// upload.js sends the file to the jobs API, shows the progress and draws
// the result without reloading the page.
func TestBrowserUploadProgress(t *testing.T) {
	requireChromium(t)
	env := newSeededEnv(t)
	b := newBrowser(t, serve(t, env.server))
	b.login(t, "office", testAccounts["office"].password, "/upload")

	var csv strings.Builder
	csv.WriteString(progressHeader)
	const rows = 20_000
	for i := range rows {
		fmt.Fprintf(&csv, "宁波市海曙区,NB-P-%05d,项目%d,2026年第三季度,%d%%,2026-09-30,按计划推进,无\n", i, i, i%101)
	}
	file := filepath.Join(t.TempDir(), "进度.csv")
	if err := os.WriteFile(file, []byte(csv.String()), 0o600); err != nil {
		t.Fatal(err)
	}

	b.reset()
	trace := b.uploadWithScript(t, file, "progress", false)
	for _, w := range []string{"上传成功", "写入记录", "20000", "进度.csv", "上传编号"} {
		if !strings.Contains(trace.Text, w) {
			t.Errorf("page text lacks %q:\n%s", w, trace.Text)
		}
	}
	if len(trace.States) == 0 || !strings.HasPrefix(trace.States[0], "正在上传：") ||
		!slices.Contains(trace.States, "上传完成，服务器正在读取文件…") {
		t.Errorf("progress states = %q, want the upload percent and then the server's reading", trace.States)
	}
	if !slices.Contains(trace.Resources, "/api/uploads/jobs") ||
		!slices.ContainsFunc(trace.Resources, func(p string) bool { return strings.HasPrefix(p, "/api/uploads/jobs/") }) {
		t.Errorf("requests = %q, want the jobs API and its status", trace.Resources)
	}
	for _, problem := range b.problems() {
		t.Error(problem)
	}
}

// TestBrowserUploadTooLarge checks that upload.js refuses a file above the
// body limit before sending it, with the server's own message.
func TestBrowserUploadTooLarge(t *testing.T) {
	requireChromium(t)
	env := newTestEnv(t, func(c *Config) { c.BodyLimit = 1 << 20 })
	b := newBrowser(t, serve(t, env.server))
	b.login(t, "office", testAccounts["office"].password, "/upload")

	file := filepath.Join(t.TempDir(), "big.csv")
	if err := os.WriteFile(file, []byte(progressHeader+strings.Repeat("x", 2<<20)), 0o600); err != nil {
		t.Fatal(err)
	}
	b.reset()
	trace := b.uploadWithScript(t, file, "progress", false)
	if want := "文件“big.csv”有 2.0 MB，上传内容超过 1 MB 的上限，请拆分文件后分批上传，或请改革办在服务器上用 saima import 命令导入"; !strings.Contains(trace.Text, want) {
		t.Errorf("page text lacks %q:\n%s", want, trace.Text)
	}
	if slices.ContainsFunc(trace.Resources, func(p string) bool { return strings.HasPrefix(p, "/api/uploads") }) {
		t.Errorf("requests = %q, want nothing sent", trace.Resources)
	}
	for _, problem := range b.problems() {
		t.Error(problem)
	}
}

// TestBrowserUploadDryRun checks that upload.js labels a preview's count
// as records that would import, not as records written.
func TestBrowserUploadDryRun(t *testing.T) {
	requireChromium(t)
	env := newSeededEnv(t)
	b := newBrowser(t, serve(t, env.server))
	b.login(t, "office", testAccounts["office"].password, "/upload")

	file := filepath.Join(t.TempDir(), "进度.csv")
	if err := os.WriteFile(file, []byte(goodProgress), 0o600); err != nil {
		t.Fatal(err)
	}
	b.reset()
	trace := b.uploadWithScript(t, file, "progress", true)
	for _, w := range []string{"预检通过（未写入）", "可导入记录"} {
		if !strings.Contains(trace.Text, w) {
			t.Errorf("page text lacks %q:\n%s", w, trace.Text)
		}
	}
	if strings.Contains(trace.Text, "写入记录") {
		t.Errorf("preview's page text names records written:\n%s", trace.Text)
	}
	for _, problem := range b.problems() {
		t.Error(problem)
	}
}

// TestBrowserUploadOfficeOnlyNamed uploads the project ledger as a unit,
// whose form does not offer it: the refusal names the dataset in Chinese,
// as the page without JavaScript does, not by its ID.
func TestBrowserUploadOfficeOnlyNamed(t *testing.T) {
	requireChromium(t)
	env := newSeededEnv(t)
	b := newBrowser(t, serve(t, env.server))
	b.login(t, "haishu", testAccounts["haishu"].password, "/upload")

	file := filepath.Join(t.TempDir(), "台账.csv")
	if err := os.WriteFile(file, []byte("项目编号,项目名称,责任单位\nNB-2026-002,一件事集成办,宁波市海曙区\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	b.reset()
	trace := b.uploadWithScript(t, file, "", false)
	if !strings.Contains(trace.Text, "上传未通过") || !strings.Contains(trace.Text, "项目台账") {
		t.Errorf("page text lacks the refusal naming 项目台账:\n%s", trace.Text)
	}
	if strings.Contains(trace.Text, "projects") {
		t.Errorf("page text names the dataset by its ID:\n%s", trace.Text)
	}
}

// TestBrowserUploadRejectedWithoutScript sends a wrong file through the
// form with JavaScript off, as some intranet browsers run. The result
// comes on a new page, so its title must name the outcome, which a
// screen reader reads first, and the page must open at the result.
func TestBrowserUploadRejectedWithoutScript(t *testing.T) {
	requireChromium(t)
	env := newSeededEnv(t)
	b := newBrowser(t, serve(t, env.server))
	b.login(t, "office", testAccounts["office"].password, "/upload")

	file := filepath.Join(t.TempDir(), "进度.csv")
	if err := os.WriteFile(file, []byte(badProgress), 0o600); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(b.ctx, 90*time.Second)
	defer cancel()
	_, err := chromedp.Call(ctx, emulation.SetScriptExecutionDisabled, emulation.SetScriptExecutionDisabledParams{Value: true})
	if err != nil {
		t.Fatalf("turn JavaScript off: %v", err)
	}
	text := b.submitUpload(t, file, "progress").Text
	if !strings.Contains(text, "135%") {
		t.Errorf("result page lacks the error about 135%%:\n%s", text)
	}

	title, err := chromedp.Run(ctx, chromedp.Title())
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(title, "上传未通过（2 处错误）") {
		t.Errorf("title after a rejected upload = %q, want it to begin with 上传未通过（2 处错误）", title)
	}
	if loc := b.location(ctx, t); !strings.HasSuffix(loc, "/upload#result") {
		t.Errorf("page after the upload is at %s, want /upload#result", loc)
	}
}

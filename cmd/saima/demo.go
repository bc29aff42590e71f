package main

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"net"
	"os"
	"regexp"
	"slices"
	"time"

	"saima"
	"saima/clickhouse"
	"saima/ingest"
	"saima/ingest/demo"
	"saima/scoring"
	"saima/web"
)

func demoCommand(a *app, ef *envFlags) func(context.Context, []string) error {
	var sf serveFlags
	sf.register(ef)
	var (
		seed    int
		today   string
		out     string
		noServe bool
	)
	ef.integer(&seed, "seed", "SAIMA_DEMO_SEED", 2026, "演示城市的随机种子：种子相同，生成的文件相同")
	ef.str(&today, "today", "SAIMA_DEMO_TODAY", "", "演示数据截至的日期，写 YYYY-MM-DD，范围 "+
		demo.FirstToday.String()+" 到 "+demo.LastToday.String()+"（默认：已存的演示城市的日期，"+
		"没有时为北京时间今天）；导入、打分和服务都按调到这一天的时钟运行")
	ef.str(&out, "out", "SAIMA_DEMO_OUT", "demo-out", "写入演示 CSV 文件的文件夹")
	ef.boolean(&noServe, "no-serve", "SAIMA_DEMO_NO_SERVE", "导入演示城市并打分后退出，不启动服务")
	ef.fs.Usage = func() {
		writeHelp(ef.fs, "用法：saima demo [选项]\n"+
			"\n"+
			"生成一个演示城市（宁波的十个区县、约二十个市级部门、约 150 个项目），\n"+
			"写成各单位会上传的 CSV 文件，按正常导入流程导入，给每个季度打分，创建\n"+
			"三个演示账号（office、leader 和单位账号 haishu，密码都是 <账号名>-demo），\n"+
			"然后启动看板服务。")
	}
	return func(ctx context.Context, args []string) error {
		day := saima.DateOf(wallClock())
		if today != "" {
			d, err := parseDemoToday(today)
			if err != nil {
				return err
			}
			day = d
		}
		var ln net.Listener
		if !noServe {
			var err error
			if ln, err = listen(sf.addr, a.demoAddrHint()); err != nil {
				return err
			}
			defer ln.Close()
		}
		if err := a.loadDemo(ctx, int64(seed), day, today == "", out); err != nil {
			return err
		}
		if err := a.saveDemoAccounts(ctx); err != nil {
			return err
		}
		if noServe {
			return nil
		}
		return a.serve(ctx, sf, ln)
	}
}

// demoAddrHint returns how the user gives the demo another address, with a
// %s for the address: the ADDR variable of make demo when make runs it,
// and else the flag. GNU make sets MAKELEVEL for the commands it runs.
func (a *app) demoAddrHint() string {
	if a.getenv("MAKELEVEL") != "" {
		return "make demo ADDR=%s"
	}
	return "bin/saima demo --addr %s（或环境变量 SAIMA_ADDR）"
}

// parseDemoToday parses the value of --today. The range is checked where
// the city is generated, so a day outside it gets that message.
func parseDemoToday(value string) (saima.Date, error) {
	d, err := saima.ParseDate(value)
	if err == nil {
		return d, nil
	}
	why := "不是 YYYY-MM-DD 格式"
	if isoDateRE.MatchString(value) {
		why = "是 YYYY-MM-DD 格式，但日历上没有这一天"
	}
	return saima.Date{}, usagef("--today 的值“%s”%s。请写成 YYYY-MM-DD 格式的日期，如 2026-11-20，"+
		"并在 %s 至 %s 之间", value, why, demo.FirstToday, demo.LastToday)
}

// isoDateRE matches the form YYYY-MM-DD, whether or not the day exists.
var isoDateRE = regexp.MustCompile(`^\d{4}-\d{2}-\d{2}$`)

// shiftedClock returns a clock that runs with the real one, shifted by
// whole days so that its Beijing date is today at the moment of the call.
// The demo's imports, scoring and server then go by that date.
func shiftedClock(today saima.Date) func() time.Time {
	offset := today.Time().Sub(saima.DateOf(wallClock()).Time())
	return func() time.Time { return wallClock().Add(offset) }
}

// wallClock is the real clock that saima demo shifts. Tests set it to
// run the demo on a day of their choosing.
var wallClock = time.Now

// loadDemo generates the demo city of today with seed into dir, imports it,
// scores it and sets the app's clock to today. When today is only the
// default (the real date, no --today), a store that holds the city of
// another day keeps it. loadDemo then loads that day's city and sets the
// clock to that day, so that make demo works again on later days.
func (a *app) loadDemo(ctx context.Context, seed int64, today saima.Date, byDefault bool, dir string) error {
	if err := checkAssets(a.engineAssets()...); err != nil {
		return err
	}
	// Check the rule set before generating anything, so a broken file
	// fails fast with its path.
	if _, _, err := a.configuredRules().read(); err != nil {
		return err
	}
	if err := os.MkdirAll(dir, 0o750); err != nil {
		return err
	}
	st, err := a.openStore(ctx)
	if err != nil {
		return err
	}
	day := today
	if byDefault {
		if day, err = storedDemoDay(ctx, st, today); err != nil {
			return err
		}
	}
	files, err := demo.Generate(dir, demo.Options{Seed: seed, Today: day})
	if err != nil {
		return fmt.Errorf("generate demo city: %w", err)
	}
	err = a.checkDemoCity(ctx, st, files, day)
	if err != nil && day != today {
		// The stored city is not the one that its day and this seed
		// give, so reject the run as for today, with today's files in dir.
		a.log.Info("stored demo city is not that of its day", "day", day.String(), "err", err)
		day = today
		if files, err = demo.Generate(dir, demo.Options{Seed: seed, Today: day}); err != nil {
			return fmt.Errorf("generate demo city: %w", err)
		}
		err = a.checkDemoCity(ctx, st, files, day)
	}
	if err != nil {
		return err
	}
	a.clock = shiftedClock(day)
	if day != today {
		a.printKeptDemoDay(day, today)
	}

	evals, err := a.evaluations(ctx, true)
	if err != nil {
		return err
	}
	report := func(f demo.File, rep *ingest.Report, err error) { printReport(a, f.Path, rep, false, err) }
	draft, err := demo.Load(ctx, files, a.importer(st), evals, day, report)
	if err != nil {
		return err
	}
	current := saima.Quarter(day.Year, (int(day.Month)-1)/3+1)
	a.log.Info("demo scored", "published_from", demo.FirstQuarter.String(), "published_to", current.Prev().String(),
		"draft", draft.String(), "data_until", day.String())
	status, err := draftStatus(ctx, evals, draft, current)
	if err != nil {
		return err
	}
	fmt.Fprintf(a.stdout, "演示数据已载入：%d 个文件，%s 至 %s 已发布，%s\n",
		len(files), demo.FirstQuarter, current.Prev(), status)
	return nil
}

// storedDemoDay returns the day of the demo city that st holds, or today
// when st holds none. That is the date, on the clock of the run that
// loaded it, of the latest demo import of the project ledger, because
// saima demo imports on a clock set to the city's day.
//
// NOTE: a run whose ledger import passes midnight on the real clock records
// the next day, so the next run finds no matching city and is rejected.
func storedDemoDay(ctx context.Context, st *clickhouse.Store, today saima.Date) (saima.Date, error) {
	prev, found, err := st.FindLatestUpload(ctx, saima.DatasetProjects, demo.Uploader)
	if err != nil || !found {
		return today, err
	}
	return saima.DateOf(prev.At), nil
}

// printKeptDemoDay prints to the user that the demo shows the stored city of
// day, not today's, and how to get today's.
func (a *app) printKeptDemoDay(day, today saima.Date) {
	kind, place, fresh := a.demoPlace(today)
	fmt.Fprintf(a.stdout, "%s %s 中已有按 %s 生成的演示城市，本次沿用它：重新导入同样的文件，"+
		"导入、评分和服务都按 %s 的时钟运行（实际今天是 %s）。"+
		"要看按今天生成的演示城市，请换一个新的%s，如 bin/saima demo %s；"+
		"或者停止 saima、删除%s %s 后再运行，这会一并删除其中上传的数据\n",
		kind, place, day, day, today, kind, fresh, kind, place)
}

// demoPlace returns what the demo's messages call the store (数据目录 or
// 数据库), its name, and the option naming a fresh one for the city of day.
func (a *app) demoPlace(day saima.Date) (kind, place, fresh string) {
	suffix := day.Time().Format("20060102")
	if a.cfg.Engine == "server" {
		return "数据库", a.cfg.Database, fmt.Sprintf("--database %s_%s", a.cfg.Database, suffix)
	}
	return "数据目录", a.cfg.DataDir, fmt.Sprintf("--data-dir %s-%s", a.cfg.DataDir, suffix)
}

// checkDemoCity returns an error of kind [saima.KindConflict] when the
// store holds a demo city other than the one in files, before anything is
// imported. The generator plans the city back from the day it runs up to,
// so another day gives other owners and stage dates. Imported over the
// stored city, the stages file would break the lifecycle rules after the
// roster and the projects were already replaced. Comparing the project
// ledger with that of the latest demo import distinguishes the cities.
func (a *app) checkDemoCity(ctx context.Context, st *clickhouse.Store, files []demo.File, today saima.Date) error {
	i := slices.IndexFunc(files, func(f demo.File) bool { return f.Dataset == saima.DatasetProjects })
	if i < 0 {
		return nil
	}
	prev, found, err := st.FindLatestUpload(ctx, saima.DatasetProjects, demo.Uploader)
	if err != nil || !found {
		return err
	}
	body, err := os.ReadFile(files[i].Path)
	if err != nil {
		return fmt.Errorf("read demo file: %w", err)
	}
	sum := sha256.Sum256(body)
	if hex.EncodeToString(sum[:]) == prev.SHA256 {
		return nil
	}

	kind, place, fresh := a.demoPlace(today)
	return saima.Errorf(saima.KindConflict, "%s %s 中已有另一天（或另一个 --seed）生成的演示城市。"+
		"演示城市随日期而变，按 %s 生成的城市里项目的单位和阶段日期都不同，导入会与已有的阶段记录冲突，"+
		"所以没有导入任何文件，数据保持原样。请换一个新的%s再运行，如 bin/saima demo --today %s %s；"+
		"或者停止 saima、删除%s %s 后再运行", kind, place, today, kind, today, fresh, kind, place)
}

// draftStatus returns how the demo's summary states the quarter it left a
// draft of. A run on a store where the office has since published that
// quarter computes a new draft, but the pages show the published version
// over it, so the summary names that version.
func draftStatus(ctx context.Context, evals *scoring.Service, draft, current saima.Period) (string, error) {
	if draft.IsZero() {
		return current.String() + " 尚无数据，未评分", nil
	}
	evs, err := evals.Evaluations(ctx, draft)
	if err != nil {
		return "", err
	}
	for i := len(evs) - 1; i >= 0; i-- {
		if evs[i].Published() {
			return fmt.Sprintf("%s %s（本次又计算了一份草稿，页面仍显示已发布的版本）", draft, evs[i].Label()), nil
		}
	}
	return draft.String() + " 为草稿", nil
}

// demoToken is haishu's API token in the demo. Like the demo passwords it
// is public, so that a new user can send the README's curl examples to the
// running demo. It has the form of web.NewToken's tokens: 43 characters
// of URL-safe base64 for 32 bytes.
const demoToken = "haishu-demo-token-public-for-the-demo-only0"

// demoAccounts are the accounts the demo creates, with their passwords
// and, for the unit account, its API token.
var demoAccounts = []struct {
	account  saima.Account
	password string
	token    string
}{
	{saima.Account{Name: "office", Role: saima.RoleOffice, DisplayName: "演示·改革办"}, "office-demo", ""},
	{saima.Account{Name: "leader", Role: saima.RoleLeader, DisplayName: "演示·市领导"}, "leader-demo", ""},
	{saima.Account{Name: "haishu", Role: saima.RoleUnit, Unit: demo.AccountUnit, DisplayName: "演示·海曙区"}, "haishu-demo",
		demoToken},
}

// saveDemoAccounts makes sure the demo accounts exist with their
// documented passwords and tokens, and prints them. An account that
// already matches is left alone, so its sessions and API token go on
// working. One whose password, role, unit or state was changed gets a new
// version with the documented ones, which keeps its token. A token that
// saima account token made stays too, in place of the demo's.
func (a *app) saveDemoAccounts(ctx context.Context) error {
	st, err := a.openStore(ctx)
	if err != nil {
		return err
	}
	fmt.Fprintln(a.stdout, "演示账号（密码和 API 令牌公开，仅供演示，请勿用于正式环境）：")
	for _, d := range demoAccounts {
		saved, err := saveDemoAccount(ctx, st, d.account, d.password, d.token)
		if err != nil {
			return err
		}
		token := ""
		if saved.demoToken {
			token = " API 令牌 " + d.token
		}
		fmt.Fprintf(a.stdout, "  %-8s 密码 %-12s %s%s%s\n", d.account.Name, d.password, accountRole(d.account), token,
			saved.note)
	}
	return nil
}

// savedDemoAccount is the result of saveDemoAccount for one account.
type savedDemoAccount struct {
	note      string // printed beside the account, such as （已有账号）
	demoToken bool   // the account's API token is the demo token
}

// saveDemoAccount writes want with password unless the stored account
// already matches it. A unit account gets token as its API token unless
// it has one.
func saveDemoAccount(ctx context.Context, st *clickhouse.Store, want saima.Account, password, token string) (
	savedDemoAccount, error) {
	old, found, err := st.GetAccount(ctx, want.Name)
	if err != nil {
		return savedDemoAccount{}, err
	}
	tokenHash := old.TokenHash
	if tokenHash == "" && token != "" {
		tokenHash = web.HashToken(token)
	}
	saved := savedDemoAccount{demoToken: token != "" && tokenHash == web.HashToken(token)}
	same := found && old.Role == want.Role && old.Unit == want.Unit && !old.Disabled &&
		web.PasswordMatches(old.PasswordHash, password)
	if same && tokenHash == old.TokenHash {
		saved.note = existingNote(old.TokenHash, saved.demoToken)
		return saved, nil
	}

	acct := want
	acct.PasswordHash = old.PasswordHash
	if !same {
		if acct.PasswordHash, err = web.HashPassword(password); err != nil {
			return savedDemoAccount{}, err
		}
	}
	acct.TokenHash = tokenHash
	acct.ChangedAt, acct.ChangedBy = time.Now(), "demo"
	if err := st.SaveAccount(ctx, acct); err != nil {
		return savedDemoAccount{}, fmt.Errorf("save demo account %s: %w", acct.Name, err)
	}
	switch {
	case !found:
	case same:
		saved.note = "（已有账号，加上了演示 API 令牌）"
	case old.TokenHash != "":
		saved.note = "（已重设为演示密码，API 令牌保留）"
	default:
		saved.note = "（已重设为演示密码）"
	}
	return saved, nil
}

// existingNote returns the note beside a demo account that existed with
// its documented password: whether it kept an API token, and whether that
// is the demo token or one that saima account token made.
func existingNote(tokenHash string, demoToken bool) string {
	switch {
	case tokenHash == "":
		return "（已有账号）"
	case demoToken:
		return "（已有账号，API 令牌保留）"
	}
	return "（已有账号，API 令牌保留，是用 saima account token 生成的那个）"
}

package main

import (
	"bufio"
	"context"
	"crypto/rand"
	"encoding/base64"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"saima"
	"saima/clickhouse"
	"saima/ingest"
	"saima/web"
)

const accountUsage = `用法：saima account <子命令> [选项]

创建和修改登录看板的账号。

子命令：
  add --name N --role R [--unit U] [--display-name D] [--password-stdin]
        创建账号；角色写 office（改革办）、leader（领导）或 unit（单位），
        单位账号要写它的单位，用单位名单里的名称或别名
  passwd --name N [--password-stdin]
        设置新密码，该账号已登录的会话随之结束
  token --name N
        为单位账号生成新的 API 令牌并只显示这一次；原来的令牌失效
  disable --name N, enable --name N
        禁止或允许账号登录和使用 API 令牌；disable 同时永久结束该账号的
        会话，enable 让原来的 API 令牌重新可用（令牌泄露时请用 token 换掉）
  list
        列出所有账号

不加 --password-stdin 时，add 和 passwd 生成一个密码并只显示这一次。加上它，
就从标准输入的第一行读密码：至少 8 个字符、最多 72 字节，不能全是空格，
不能是同一个字符重复，不能是最常见的密码（12345678、password 等），也不能
与账号名相同（不分大小写）。`

// accountFlags are the options of the account subcommands.
type accountFlags struct {
	name          string
	role          string
	unit          string
	displayName   string
	passwordStdin bool
}

func accountCommand(a *app, ef *envFlags) func(context.Context, []string) error {
	var f accountFlags
	ef.fs.StringVar(&f.name, "name", "", "账号名：小写字母、数字、'.'、'_' 或 '-'")
	ef.fs.StringVar(&f.role, "role", "", "新账号的角色：office、leader 或 unit")
	ef.fs.StringVar(&f.unit, "unit", "", "新单位账号所属的单位，写单位名单里的名称或别名")
	ef.fs.StringVar(&f.displayName, "display-name", "",
		"显示在账号名旁边的名称，如 海曙区数改专班，不能含制表符或换行")
	ef.fs.BoolVar(&f.passwordStdin, "password-stdin", false,
		"从标准输入的第一行读密码，而不是生成一个")
	ef.fs.Usage = func() {
		writeHelp(ef.fs, accountUsage)
	}
	return func(ctx context.Context, args []string) error {
		if len(args) == 0 {
			ef.fs.Usage()
			return usagef("请写出子命令：add（添加账号）、passwd（改密码）、token（换令牌）、disable（停用）、enable（启用）或 list（列出账号）")
		}
		// The options follow the subcommand, so they are parsed now.
		rest, err := parseQuietly(ef.fs, args[1:])
		if err != nil {
			if errors.Is(err, flag.ErrHelp) {
				ef.fs.Usage()
				return nil
			}
			return usagef("%s", flagMessage(ef.fs, err))
		}
		if len(rest) > 0 {
			return usagef("多余的参数 %q：子命令之后只能写选项，如 --name office", rest)
		}
		a.log = a.cfg.logger(a.stderr)
		return a.runAccount(ctx, args[0], f)
	}
}

func (a *app) runAccount(ctx context.Context, sub string, f accountFlags) error {
	switch sub {
	case "add":
		return a.addAccount(ctx, f)
	case "passwd":
		return a.changeAccount(ctx, f.name, a.setPassword(f.passwordStdin))
	case "token":
		return a.changeAccount(ctx, f.name, a.setToken)
	case "disable", "enable":
		disable := sub == "disable"
		return a.changeAccount(ctx, f.name, func(acct *saima.Account) error {
			acct.Disabled = disable
			return nil
		})
	case "list":
		return a.listAccounts(ctx)
	}
	return usagef("没有子命令“%s”；可用的子命令是 add、passwd、token、disable、enable 和 list", sub)
}

// addAccount creates the account f describes and prints its password when
// it generated one.
func (a *app) addAccount(ctx context.Context, f accountFlags) error {
	if f.name == "" || f.role == "" {
		return usagef("saima account add 需要 --name（账号名）和 --role（office、leader 或 unit）")
	}
	role, err := saima.ParseRole(f.role)
	if err != nil {
		return err
	}
	acct := saima.Account{Name: f.name, Role: role, Unit: f.unit, DisplayName: f.displayName}
	if err := acct.Validate(); err != nil {
		return err
	}
	if err := saima.CheckDisplayName(acct.DisplayName); err != nil {
		return err
	}
	password, generated, err := a.readPassword(f.passwordStdin)
	if err != nil {
		return err
	}
	if err := saima.CheckPassword(acct.Name, password); err != nil {
		return err
	}

	st, err := a.accountStore(ctx)
	if err != nil {
		return err
	}
	if _, found, err := st.GetAccount(ctx, f.name); err != nil || found {
		if err != nil {
			return err
		}
		return saima.Errorf(saima.KindConflict, "账号 %s 已存在；重设密码请用 saima account passwd", f.name)
	}
	if role == saima.RoleUnit {
		if acct.Unit, err = rosterName(ctx, st, f.unit); err != nil {
			return err
		}
	}
	if acct.PasswordHash, err = web.HashPassword(password); err != nil {
		return err
	}
	if err := a.saveAccount(ctx, st, acct); err != nil {
		return err
	}
	fmt.Fprintf(a.stdout, "已创建账号 %s（%s）\n", acct.Name, accountRole(acct))
	a.printPassword(password, generated)
	return nil
}

// rosterName returns the roster's name of the unit called name, an alias
// or a short form, as the importer reads unit cells, because uploads
// compare the account's unit with the roster's spelling on every row.
func rosterName(ctx context.Context, st *clickhouse.Store, name string) (string, error) {
	units, err := st.ListUnits(ctx)
	if err != nil {
		return "", err
	}
	if roster, ok := ingest.ResolveUnit(units, name); ok {
		return roster, nil
	}
	return "", saima.Errorf(saima.KindInvalid, "单位名单中没有“%s”；请先导入单位名单，或检查 --unit 的单位名称", name)
}

// changeAccount applies change to the newest version of the account name
// and saves the result as a new version.
func (a *app) changeAccount(ctx context.Context, name string, change func(*saima.Account) error) error {
	if name == "" {
		return usagef("请用 --name 写出账号名")
	}
	st, err := a.accountStore(ctx)
	if err != nil {
		return err
	}
	acct, found, err := st.GetAccount(ctx, name)
	if err != nil {
		return err
	}
	if !found {
		return saima.Errorf(saima.KindNotFound, "没有名为 %s 的账号；用 saima account list 查看全部账号", name)
	}
	if err := change(&acct); err != nil {
		return err
	}
	if err := a.saveAccount(ctx, st, acct); err != nil {
		return err
	}
	fmt.Fprintf(a.stderr, "已更新账号 %s（%s）\n", acct.Name, accountState(acct))
	return nil
}

// setPassword returns a change that gives an account a new password and
// prints the password when it generated one.
func (a *app) setPassword(fromStdin bool) func(*saima.Account) error {
	return func(acct *saima.Account) error {
		password, generated, err := a.readPassword(fromStdin)
		if err != nil {
			return err
		}
		if err := saima.CheckPassword(acct.Name, password); err != nil {
			return err
		}
		if acct.PasswordHash, err = web.HashPassword(password); err != nil {
			return err
		}
		a.printPassword(password, generated)
		return nil
	}
}

// setToken gives a unit account a new API token and prints it alone on
// standard output, so that a script can capture it.
func (a *app) setToken(acct *saima.Account) error {
	if acct.Role != saima.RoleUnit {
		return saima.Errorf(saima.KindInvalid, "只有单位账号可以使用 API 令牌，%s 是%s账号", acct.Name, acct.Role.Label())
	}
	if acct.Disabled {
		return saima.Errorf(saima.KindConflict, "账号 %s 已停用；请先用 saima account enable 启用", acct.Name)
	}
	token, hash := web.NewToken()
	acct.TokenHash = hash
	fmt.Fprintf(a.stderr, "%s 的新 API 令牌如下，只显示这一次，旧令牌随即失效。请求时放在 Authorization: Bearer 之后：\n", acct.Name)
	fmt.Fprintln(a.stdout, token)
	return nil
}

func (a *app) saveAccount(ctx context.Context, st *clickhouse.Store, acct saima.Account) error {
	acct.ChangedAt = time.Now()
	acct.ChangedBy = "cli"
	if user := a.getenv("USER"); user != "" {
		acct.ChangedBy = "cli:" + user
	}
	if err := st.SaveAccount(ctx, acct); err != nil {
		return err
	}
	a.log.Info("account saved", "account", acct.Name, "role", string(acct.Role), "changed_by", acct.ChangedBy)
	return nil
}

// listAccounts prints every account as a table. Hashes are never printed.
func (a *app) listAccounts(ctx context.Context) error {
	st, err := a.accountStore(ctx)
	if err != nil {
		return err
	}
	accounts, err := st.ListAccounts(ctx)
	if err != nil {
		return err
	}
	w := newTable(a.stdout)
	fmt.Fprintln(w, "用户名\t角色\t单位\t显示名称\tAPI令牌\t状态\t修改时间\t修改人")
	for _, acct := range accounts {
		token := "无"
		if acct.TokenHash != "" {
			token = "有"
		}
		fmt.Fprintf(w, "%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n", acct.Name, acct.Role.Label(), dash(acct.Unit),
			dash(acct.DisplayName), token, accountState(acct),
			acct.ChangedAt.In(saima.Beijing).Format("2006-01-02 15:04"), acct.ChangedBy)
	}
	return w.Flush()
}

func (a *app) accountStore(ctx context.Context) (*clickhouse.Store, error) {
	if err := checkAssets(a.engineAssets()...); err != nil {
		return nil, err
	}
	return a.openStore(ctx)
}

// readPassword reads the first line of standard input, or generates a
// password of 16 characters when fromStdin is false.
func (a *app) readPassword(fromStdin bool) (password string, generated bool, err error) {
	if !fromStdin {
		var b [12]byte
		rand.Read(b[:]) // crypto/rand.Read never returns an error since Go 1.24
		return base64.RawURLEncoding.EncodeToString(b[:]), true, nil
	}
	line, err := bufio.NewReader(os.Stdin).ReadString('\n')
	if err != nil && !errors.Is(err, io.EOF) {
		return "", false, fmt.Errorf("read password from standard input: %w", err)
	}
	password = strings.TrimRight(line, "\r\n")
	if password == "" {
		return "", false, saima.Errorf(saima.KindInvalid, "标准输入的第一行为空：请输入密码")
	}
	return password, false, nil
}

func (a *app) printPassword(password string, generated bool) {
	if generated {
		fmt.Fprintf(a.stdout, "密码：%s\n（只显示这一次，请安全地交给账号使用人，并提醒其妥善保管）\n", password)
	}
}

// accountRole describes an account's role, with the unit of a unit
// account.
func accountRole(acct saima.Account) string {
	if acct.Unit != "" {
		return acct.Role.Label() + "：" + acct.Unit
	}
	return acct.Role.Label()
}

func accountState(acct saima.Account) string {
	if acct.Disabled {
		return "已停用"
	}
	return "正常"
}

func dash(s string) string {
	if s == "" {
		return "—"
	}
	return s
}

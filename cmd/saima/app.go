package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"maps"
	"slices"
	"strings"
	"time"

	"saima"
	"saima/clickhouse"
)

const usage = `saima 在 ClickHouse 里保存改革办的项目一本账，并给承担项目的单位赛马排名。

用法：
  saima <命令> [选项] [参数]

命令：
  serve               通过 HTTP 提供看板、上传接口和 PDF 报告
  import FILE...      把 CSV、XLSX 或 JSON 文件导入一本账
  score PERIOD...     给季度（如 2026Q3）打分并保存排名
  report PERIOD       生成季度考评报告（PDF）
  report --annual YEAR
                      生成年度盘点报告（PDF）
  template DATASET    生成某类数据的 XLSX 上传模板，如 progress（进度填报）
  demo                生成演示城市，导入、打分并启动服务
  account SUBCOMMAND  创建和修改登录账号及单位的 API 令牌
  publish PERIOD      发布并冻结某季度的考评结果，作为它的下一个版本
  diff PERIOD A B     逐个单位比较某季度已发布的版本 A 和 B
  explain PERIOD UNIT 列出某单位结果的各项得分来源和原始数据行
  assessments PERIOD  汇总各单位某期的考评打分并排名
  override PERIOD UNIT
                      人工调整某单位的得分并记下调整人和理由，或撤回调整
  whatif PERIOD FILE  用另一套规则给某季度的现有数据排名，列出名次变化
  rules validate FILE 检查规则集文件，列出每个问题
  uploads             列出上传日志：谁在何时上传了哪个文件，结果如何
  backup -o FOLDER    把所有表和库结构版本备份到一个新文件夹
  restore FOLDER      检查备份文件夹，并把它载入空数据库
  version             显示 saima、Go 和 chDB 库的版本（也可写 saima --version）

运行 "saima <命令> -h" 或 "saima help <命令>" 查看命令的说明和它用到的选项。
选项说明里写了环境变量（SAIMA_…）的，也可以用该环境变量设置。
`

// Run runs the command line args and returns the process exit code: 0 on
// success, 1 on failure, 2 on a usage error.
func Run(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) int {
	if len(args) == 0 || args[0] == "help" || args[0] == "-h" || args[0] == "--help" {
		if len(args) > 1 && args[0] == "help" {
			return helpCommand(args[1], getenv, stdout, stderr)
		}
		fmt.Fprint(stdout, usage)
		return 0
	}
	if args[0] == "--version" || args[0] == "-version" {
		args = append([]string{"version"}, args[1:]...)
	}
	if _, ok := commands[args[0]]; !ok {
		hint := ""
		if strings.HasPrefix(args[0], "-") {
			hint = "；选项要写在命令之后，例如 saima score --rules my.yaml 2026Q3"
		}
		fmt.Fprintf(stderr, "saima: 没有命令“%s”%s\n\n%s", args[0], hint, usage)
		return 2
	}

	// Everything printed may hold what units uploaded, so control
	// characters reach the terminal only as escapes (see termSafe).
	stdout, stderr = newTermSafe(stdout), newTermSafe(stderr)
	a, fs, ef, run := newCommand(args[0], getenv, stdout, stderr)
	rest, err := parseQuietly(fs, args[1:])
	if errors.Is(err, flag.ErrHelp) {
		fs.Usage()
		return 0
	}
	if err != nil {
		fmt.Fprintf(stderr, "%s: %s\n", fs.Name(), flagMessage(fs, err))
		return 2
	}
	if err := errors.Join(ef.errs...); err != nil {
		fmt.Fprintf(stderr, "saima: %v\n", err)
		return 2
	}
	a.log = a.cfg.logger(stderr)

	err = run(ctx, rest)
	a.close()
	if err != nil {
		a.report(err)
		if errors.Is(err, errUsage) {
			return 2
		}
		return 1
	}
	return 0
}

// newCommand sets up the command name, which must be one of commands: its
// app, its flags with the shared options it uses, and its run function.
func newCommand(name string, getenv func(string) string, stdout, stderr io.Writer) (
	*app, *flag.FlagSet, *envFlags, func(context.Context, []string) error) {
	a := &app{getenv: getenv, stdout: stdout, stderr: stderr}
	fs := flag.NewFlagSet("saima "+name, flag.ContinueOnError)
	fs.SetOutput(stderr)
	ef := &envFlags{fs: fs, getenv: getenv}
	a.cfg.register(ef, commandOptions[name])
	return a, fs, ef, commands[name](a, ef)
}

// helpCommand prints the help of the command name to stdout, as
// `saima name -h` does, for `saima help name`.
func helpCommand(name string, getenv func(string) string, stdout, stderr io.Writer) int {
	if name == "help" {
		fmt.Fprint(stdout, usage)
		return 0
	}
	if _, ok := commands[name]; !ok {
		names := slices.Sorted(maps.Keys(commands))
		fmt.Fprintf(stderr, "saima help: 没有命令“%s”；可用的命令是 %s\n", name, strings.Join(names, "、"))
		return 2
	}
	stdout = newTermSafe(stdout)
	_, fs, _, _ := newCommand(name, getenv, stdout, newTermSafe(stderr))
	fs.SetOutput(stdout)
	fs.Usage()
	return 0
}

// parseInterspersed parses the flags in args wherever they stand, as in
// `saima report --annual 2026 -o annual.pdf`, and returns the other
// arguments in order. The flag package alone stops at the first argument.
// Everything after "--" is an argument.
func parseInterspersed(fs *flag.FlagSet, args []string) ([]string, error) {
	var positional []string
	for len(args) > 0 {
		if err := fs.Parse(args); err != nil {
			return nil, err
		}
		rest := fs.Args()
		if consumed := len(args) - len(rest); consumed > 0 && args[consumed-1] == "--" {
			return append(positional, rest...), nil
		}
		if len(rest) == 0 {
			break
		}
		positional = append(positional, rest[0])
		args = rest[1:]
	}
	return positional, nil
}

var errUsage = errors.New("usage")

// usageMessage is a usage error whose message is shown as it is, so that it
// can be written in Chinese without the English "usage:" prefix. It
// matches errUsage, so the command exits 2.
type usageMessage struct{ msg string }

func (e *usageMessage) Error() string        { return e.msg }
func (e *usageMessage) Is(target error) bool { return target == errUsage }

// usagef returns a usage error with the formatted message.
func usagef(format string, args ...any) error {
	return &usageMessage{fmt.Sprintf(format, args...)}
}

// command registers a subcommand's own flags and returns the function that
// runs it with the remaining arguments.
type command func(a *app, ef *envFlags) func(ctx context.Context, args []string) error

var commands = map[string]command{
	"serve":  serveCommand,
	"import": importCommand,
	"score":  scoreCommand,
	"report": reportCommand,
	"demo":   demoCommand,

	"account": accountCommand,

	"publish": publishCommand,
	"diff":    diffCommand,
	"explain": explainCommand,

	"assessments": assessmentsCommand,
	"override":    overrideCommand,
	"whatif":      whatifCommand,
	"rules":       rulesCommand,

	"template": templateCommand,
	"uploads":  uploadsCommand,

	"backup":  backupCommand,
	"restore": restoreCommand,

	"version": versionCommand,
}

// commandOptions are the shared options that each command uses; its -h
// lists only those.
var commandOptions = map[string]optionGroup{
	"serve":  optAll,
	"import": optDatabase | optRules | optUploads | optLog,
	"score":  optDatabase | optRules | optLog,
	"report": optDatabase | optRules | optPDF | optLog,
	"demo":   optAll,

	"account": optDatabase | optLog,

	"publish": optDatabase | optRules | optLog,
	"diff":    optDatabase | optLog,
	"explain": optDatabase | optLog,

	"assessments": optDatabase | optLog,
	"override":    optDatabase | optLog,
	"whatif":      optDatabase | optRules | optLog,
	"rules":       0,

	"template": optDatabase | optRules | optLog,
	"uploads":  optDatabase | optLog,

	"backup":  optDatabase | optLog,
	"restore": optDatabase | optLog,

	"version": 0,
}

// app is one run of the command line: its settings and what it opened.
type app struct {
	cfg    config
	getenv func(string) string
	stdout io.Writer
	stderr io.Writer
	log    *slog.Logger
	store  *clickhouse.Store

	// clock is the clock that the commands, the store and the web server
	// use. Nil means time.Now, and saima demo --today shifts it by whole
	// days.
	clock func() time.Time
}

// now returns the time on the app's clock.
func (a *app) now() time.Time {
	if a.clock == nil {
		return time.Now()
	}
	return a.clock()
}

// openStore opens the configured engine and database, once.
func (a *app) openStore(ctx context.Context) (*clickhouse.Store, error) {
	if a.store != nil {
		return a.store, nil
	}
	var st *clickhouse.Store
	var err error
	switch a.cfg.Engine {
	case "embedded":
		st, err = a.openEmbeddedStore(ctx)
	case "server":
		st, err = a.openServerStore(ctx)
	default:
		return nil, usagef("--engine 只能是 embedded（内嵌引擎）或 server（ClickHouse 服务器），不能是“%s”", a.cfg.Engine)
	}
	if err != nil {
		return nil, err
	}
	a.store = st.WithClock(a.now)
	return a.store, nil
}

func (a *app) openEmbeddedStore(ctx context.Context) (*clickhouse.Store, error) {
	if a.cfg.Server.Cluster != "" {
		return nil, usagef("--ch-cluster 只能与 --engine server 一起使用")
	}
	e, err := clickhouse.OpenEmbedded(clickhouse.EmbeddedConfig{
		Library: a.cfg.ChDBLib,
		DataDir: a.cfg.DataDir,
	}, a.log)
	if locked, ok := errors.AsType[*clickhouse.LockedError](err); ok {
		return nil, saima.Wrap(saima.KindConflict, lockedMessage(a.cfg.DataDir, locked.PID), err)
	}
	if err != nil {
		return nil, saima.Wrap(saima.KindUnavailable, "无法启动内嵌数据库", err)
	}
	st, err := clickhouse.NewStore(ctx, e, a.cfg.Database, a.log)
	if err != nil {
		e.Close()
		return nil, err
	}
	return st, nil
}

// lockedMessage returns the message for a data folder that another
// process, pid when it is not 0, runs the embedded engine on.
func lockedMessage(dir string, pid int) string {
	who := "另一个 saima 进程"
	if pid > 0 {
		who = fmt.Sprintf("另一个 saima 进程（进程号 %d）", pid)
	}
	return fmt.Sprintf("数据目录 %s 正由%s使用，内嵌数据库一次只能由一个进程打开。"+
		"请先停止那个进程（在运行它的终端按 Ctrl-C）再运行；或者换一个数据目录："+
		"用 --data-dir %s-2，或者环境变量 SAIMA_DATA_DIR（如 SAIMA_DATA_DIR=%s-2 make demo）", dir, who, dir, dir)
}

func (a *app) close() {
	if a.store != nil {
		a.store.Close()
	}
}

// report prints err for the person at the terminal: the user message and,
// for errors that are not the user's, the cause.
func (a *app) report(err error) {
	var se *saima.Error
	switch {
	case errors.As(err, &se) && se.Kind != saima.KindInternal:
		fmt.Fprintf(a.stderr, "saima: %s\n", se.Message)
		if se.Err != nil {
			// A joined error has a line per problem: indent them all
			// under the cause, so none reads as a message of its own.
			cause := strings.ReplaceAll(se.Err.Error(), "\n", "\n        ")
			fmt.Fprintf(a.stderr, "  原因: %s\n", cause)
		}
	default:
		fmt.Fprintf(a.stderr, "saima: %v\n", err)
	}
}

func splitList(s string) []string {
	var out []string
	for _, p := range strings.Split(s, ",") {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, p)
		}
	}
	return out
}

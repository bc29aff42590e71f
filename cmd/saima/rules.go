package main

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"

	"saima"
	"saima/scoring"
)

func rulesCommand(a *app, ef *envFlags) func(context.Context, []string) error {
	ef.fs.Usage = func() {
		writeHelp(ef.fs, "用法：saima rules validate FILE\n"+
			"\n"+
			"检查打分规则集文件，列出每个问题及其行号和 YAML 路径，以及加起来不等于\n"+
			"100 的权重。文件无效时退出码为 1。不读数据库，也没有选项。")
	}
	return func(ctx context.Context, args []string) error {
		args, err := parseInterspersed(ef.fs, args)
		if err != nil || len(args) != 2 || args[0] != "validate" {
			return usageError(ef.fs, err, "rules 只有 validate 一个子命令：saima rules validate 文件")
		}
		return a.validateRules(args[1])
	}
}

func (a *app) validateRules(path string) error {
	data, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		return saima.Errorf(saima.KindNotFound, "无法读取规则集文件 %s：文件不存在，请检查路径和文件名", path)
	}
	if err != nil {
		return saima.Wrap(saima.KindInvalid, "无法读取规则集文件 "+path, err)
	}
	rs, err := scoring.ParseRuleSet(data)
	if err == nil {
		if err := rs.LedgerInputs(); err != nil {
			fmt.Fprintf(a.stdout, "%s：规则集格式有效，但不能用于台账评分：%s\n", path, saima.ErrorMessage(err))
			return saima.Errorf(saima.KindInvalid, "规则集 %s 用到了台账不提供的输入项，saima score 和 publish 会拒绝它", path)
		}
		fmt.Fprintf(a.stdout, "%s：规则集“%s”有效，%d 个赛道、%d 个指标，版本 %s\n",
			path, rs.Name, len(rs.Tracks), len(rs.Indicators), rs.Version)
		for _, note := range rs.WeightNotes() {
			fmt.Fprintf(a.stdout, "%s：提示：%s；如果不是有意为之，请改正权重\n", path, note)
		}
		return nil
	}
	problems := ruleProblems(err)
	for _, p := range problems {
		fmt.Fprintf(a.stdout, "%s：%v\n", path, p)
	}
	return saima.Errorf(saima.KindInvalid, "规则集 %s 有 %d 处错误，均已列出", path, len(problems))
}

// ruleProblems returns the problems that ParseRuleSet joined into err, or
// err itself when it joins none.
func ruleProblems(err error) []error {
	var joined interface{ Unwrap() []error }
	if errors.As(err, &joined) {
		return joined.Unwrap()
	}
	return []error{err}
}

// ruleFile is a rule-set file that a command reads, named in messages by
// its role, with the advice for when it is missing.
type ruleFile struct {
	path string
	role string // such as "由 --rules 配置的规则集文件"
	hint string // advice for when the file cannot be read
}

// configuredRules returns the rule-set file of --rules (or SAIMA_RULES).
func (a *app) configuredRules() ruleFile {
	return ruleFile{path: a.cfg.Rules, role: "由 --rules 配置的规则集文件",
		hint: "请用 --rules（或环境变量 SAIMA_RULES）指明规则集文件；默认的 rulesets/2026.yaml " +
			"是相对路径，只在 saima 代码仓库的根目录下运行时才能找到"}
}

// read reads and parses the file. Both failures are of kind
// saima.KindInvalid: a missing file names the folder a relative path was
// looked up in, and an invalid one its role and every problem.
func (f ruleFile) read() ([]byte, *scoring.RuleSet, error) {
	data, err := os.ReadFile(f.path)
	if err != nil {
		return nil, nil, saima.Wrap(saima.KindInvalid,
			fmt.Sprintf("无法读取%s %s%s：%s", f.role, f.path, lookedUpAt(f.path), f.hint), err)
	}
	rs, err := scoring.ParseRuleSet(data)
	if err != nil {
		problems := ruleProblems(err)
		return nil, nil, saima.Wrap(saima.KindInvalid,
			fmt.Sprintf("%s %s 有 %d 处错误，请改正后重试（saima rules validate %s 逐条列出）",
				f.role, f.path, len(problems), f.path), errors.Join(problems...))
	}
	return data, rs, nil
}

// lookedUpAt returns, for a relative path, where it was looked up, such as
// （按当前目录查找，即 /srv/rulesets/2026.yaml）, and "" for an absolute one.
func lookedUpAt(path string) string {
	if filepath.IsAbs(path) {
		return ""
	}
	abs, err := filepath.Abs(path)
	if err != nil {
		return ""
	}
	return "（相对路径，按当前目录查找，即 " + abs + "）"
}

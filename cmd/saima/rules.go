package main

import (
	"context"
	"errors"
	"fmt"
	"os"

	"saima"
	"saima/scoring"
)

func rulesCommand(a *app, ef *envFlags) func(context.Context, []string) error {
	ef.fs.Usage = func() {
		fmt.Fprintln(ef.fs.Output(), "Usage: saima rules validate FILE\n\n"+
			"Checks a scoring rule-set file and prints every problem with its line and\n"+
			"YAML path. Exits 1 when the file is invalid. Reads no database.\n\nOptions:")
		ef.fs.PrintDefaults()
	}
	return func(ctx context.Context, args []string) error {
		args, err := parseInterspersed(ef.fs, args)
		if err != nil || len(args) != 2 || args[0] != "validate" {
			return usageError(ef.fs, err, "the only subcommand is validate: saima rules validate FILE")
		}
		return a.validateRules(args[1])
	}
}

func (a *app) validateRules(path string) error {
	data, err := os.ReadFile(path)
	if err != nil {
		return saima.Wrap(saima.KindInvalid, "无法读取规则集文件 "+path, err)
	}
	rs, err := scoring.ParseRuleSet(data)
	if err == nil {
		fmt.Fprintf(a.stdout, "%s：规则集“%s”有效，%d 个赛道、%d 个指标，版本 %s\n",
			path, rs.Name, len(rs.Tracks), len(rs.Indicators), rs.Version)
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

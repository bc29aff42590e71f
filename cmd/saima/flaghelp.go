package main

import (
	"flag"
	"fmt"
	"github.com/agnivade/levenshtein"
	"io"
	"regexp"
	"strings"
)

// valueKinds are the Chinese names of the value kinds that
// flag.UnquoteUsage returns, as -h shows them after an option.
var valueKinds = map[string]string{
	"string":   "文本",
	"int":      "整数",
	"uint":     "整数",
	"duration": "时长",
	"float":    "数值",
}

// printOptions prints the options of fs in Chinese, in the flag
// package's order, for a command's -h: each as --name and the kind of its
// value, then its help text and its default when that is not the zero
// value.
func printOptions(fs *flag.FlagSet) {
	w := fs.Output()
	fs.VisitAll(func(f *flag.Flag) {
		kind, usage := flag.UnquoteUsage(f)
		if k, ok := valueKinds[kind]; ok {
			kind = k
		}
		fmt.Fprintf(w, "  --%s", f.Name)
		if kind != "" {
			fmt.Fprintf(w, " %s", kind)
		}
		fmt.Fprintf(w, "\n        %s", usage)
		if !isZeroDefault(f.DefValue) {
			fmt.Fprintf(w, "（默认 %s）", f.DefValue)
		}
		fmt.Fprintln(w)
	})
}

func isZeroDefault(v string) bool {
	return v == "" || v == "0" || v == "false" || v == "0s"
}

// writeHelp prints a command's help: text, then "选项：" and the options
// of fs when it has any.
func writeHelp(fs *flag.FlagSet, text string) {
	fmt.Fprintln(fs.Output(), text)
	count := 0
	fs.VisitAll(func(*flag.Flag) { count++ })
	if count == 0 {
		return
	}
	fmt.Fprintln(fs.Output(), "\n选项：")
	printOptions(fs)
}

// The messages of the flag package's parse errors (Go 1.26's
// flag.FlagSet.parseOne), which flagMessage turns into Chinese.
var (
	unknownFlagError  = regexp.MustCompile(`^flag provided but not defined: -+(.*)$`)
	missingValueError = regexp.MustCompile(`^flag needs an argument: -+(.*)$`)
	invalidBoolError  = regexp.MustCompile(`^invalid boolean value "(.*)" for -+([^:]*): `)
	invalidValueError = regexp.MustCompile(`^invalid value "(.*)" for flag -+([^:]*): `)
	badSyntaxError    = regexp.MustCompile(`^bad flag syntax: (.*)$`)
)

// flagMessage returns a Chinese message for err, an error that
// fs.Parse returned: which option or argument, which value, and what
// to type instead. An error it does not recognise comes back in the
// flag package's English after a Chinese lead.
func flagMessage(fs *flag.FlagSet, err error) string {
	msg := err.Error()
	help := fmt.Sprintf("。运行 %s -h 可以查看这个命令的全部选项", fs.Name())
	if m := unknownFlagError.FindStringSubmatch(msg); m != nil {
		if near := nearestFlag(fs, m[1]); near != "" {
			return fmt.Sprintf("没有选项 --%s，是不是要写 --%s%s", m[1], near, help)
		}
		return fmt.Sprintf("没有选项 --%s%s", m[1], help)
	}
	if m := missingValueError.FindStringSubmatch(msg); m != nil {
		return fmt.Sprintf("选项 --%s 后面缺少值：%s", m[1], valueHint(fs, m[1]))
	}
	if m := invalidBoolError.FindStringSubmatch(msg); m != nil {
		return fmt.Sprintf("选项 --%s 的值“%s”无效：只能写 true 或 false，如 --%s=false；只写 --%s 表示 true",
			m[2], m[1], m[2], m[2])
	}
	if m := invalidValueError.FindStringSubmatch(msg); m != nil {
		return fmt.Sprintf("选项 --%s 的值“%s”无效：%s", m[2], m[1], valueHint(fs, m[2]))
	}
	if m := badSyntaxError.FindStringSubmatch(msg); m != nil {
		return fmt.Sprintf("“%s”不是有效的选项写法：选项写作 --名称 值 或 --名称=值%s", m[1], help)
	}
	return "选项有误：" + msg + help
}

// valueHint returns what to type as the value of the option name of fs,
// with an example built from its default when it has one.
func valueHint(fs *flag.FlagSet, name string) string {
	f := fs.Lookup(name)
	if f == nil {
		return "请写上它的值"
	}
	kind, _ := flag.UnquoteUsage(f)
	example := f.DefValue
	switch kind {
	case "int", "uint":
		if isZeroDefault(example) {
			example = "10"
		}
		return fmt.Sprintf("要写一个整数，如 --%s %s", name, example)
	case "duration":
		if isZeroDefault(example) {
			example = "30s"
		}
		return fmt.Sprintf("要写一个时长，即数字加单位 s（秒）、m（分）或 h（时），如 --%s %s", name, example)
	}
	if example == "" {
		return fmt.Sprintf("请在 --%s 后面写上值，含空格的值加引号", name)
	}
	return fmt.Sprintf("请在 --%s 后面写上值，如 --%s %s", name, name, example)
}

// nearestFlag returns the option of fs whose name is closest to name, by
// edit distance, when it is at most two edits away, else "".
func nearestFlag(fs *flag.FlagSet, name string) string {
	best, bestDistance := "", 3
	fs.VisitAll(func(f *flag.Flag) {
		if d := levenshtein.ComputeDistance(strings.ToLower(name), f.Name); d < bestDistance {
			best, bestDistance = f.Name, d
		}
	})
	return best
}

// parseQuietly parses args as parseInterspersed does, with the flag
// package's own English messages and usage sent nowhere, so that Run can
// print its Chinese ones instead.
func parseQuietly(fs *flag.FlagSet, args []string) ([]string, error) {
	out := fs.Output()
	fs.SetOutput(io.Discard)
	defer fs.SetOutput(out)
	return parseInterspersed(fs, args)
}

package main

import (
	"maps"
	"slices"
	"strings"
	"testing"
)

// `saima help X` prints what `saima X -h` prints, on standard output, and
// an unknown X is a usage error that names the commands.
func TestHelpNamesCommand(t *testing.T) {
	e := newTestEnv(t)
	for _, name := range slices.Sorted(maps.Keys(commands)) {
		code, out, errOut := e.run("help", name)
		if code != 0 || errOut != "" {
			t.Errorf("saima help %s exited %d with stderr %q, want 0 and none", name, code, errOut)
		}
		_, _, want := e.run(name, "-h")
		if out != want {
			t.Errorf("saima help %s printed\n%s\nwant what saima %s -h prints:\n%s", name, out, name, want)
		}
	}
	code, out, errOut := e.run("help", "help")
	if code != 0 || !strings.Contains(out, "saima help") {
		t.Errorf("saima help help exited %d with stdout %q, want 0 and the command list", code, out)
	}
	code, out, errOut = e.run("help", "nosuch")
	if code != 2 || out != "" {
		t.Errorf("saima help nosuch exited %d with stdout %q, want 2 and none", code, out)
	}
	assertContains(t, "saima help nosuch", errOut, "没有命令“nosuch”", "import", "uploads", "whatif")
}

// Each command's -h lists the shared options it uses and no others.
func TestHelpListsUsedOptions(t *testing.T) {
	e := newTestEnv(t)
	for _, tt := range []struct {
		cmd       string
		want, not []string
	}{
		{"rules", nil, []string{"-ch-addr", "-data-dir", "-echarts", "-font-bold", "-max-rows", "-chunk-rows", "-rules", "选项："}},
		{"score", []string{"-data-dir", "-ch-addr", "-rules", "-log-level"}, []string{"-echarts", "-font-bold", "-font-regular", "-max-rows", "-max-xlsx-mb", "-max-text-chars", "-city"}},
		{"uploads", []string{"-data-dir", "-id"}, []string{"-echarts", "-font-bold", "-max-rows", "-rules"}},
		{"template", []string{"-data-dir", "-o"}, []string{"-echarts", "-font-regular", "-max-xlsx-mb"}},
		{"backup", []string{"-data-dir"}, []string{"-echarts", "-font-bold", "-max-text-chars", "-rules"}},
		{"restore", []string{"-data-dir"}, []string{"-echarts", "-font-bold", "-max-rows"}},
		{"whatif", []string{"-rules"}, []string{"-echarts", "-font-bold", "-max-rows"}},
		{"explain", []string{"-data-dir"}, []string{"-echarts", "-font-bold", "-max-rows", "-rules"}},
		{"report", []string{"-font-bold", "-font-regular", "-city", "-rules"}, []string{"-echarts", "-max-rows", "-max-xlsx-mb"}},
		{"import", []string{"-max-rows", "-max-xlsx-mb", "-max-text-chars", "-chunk-rows"}, []string{"-echarts", "-font-bold", "-city"}},
		{"serve", []string{"-echarts", "-font-bold", "-max-rows", "-rules", "-city", "-data-dir"}, nil},
	} {
		code, _, errOut := e.run(tt.cmd, "-h")
		if code != 0 {
			t.Errorf("saima %s -h exited %d", tt.cmd, code)
		}
		assertContains(t, tt.cmd+" -h", errOut, tt.want...)
		for _, s := range tt.not {
			if strings.Contains(errOut, "  -"+s+" ") || strings.Contains(errOut, "  -"+s+"\n") || s == "选项：" && strings.Contains(errOut, s) {
				t.Errorf("saima %s -h lists %s, which it does not use:\n%s", tt.cmd, s, errOut)
			}
		}
	}

	_, _, out := e.run("template", "-h")
	assertContains(t, "template -h", out, "list_done", "清单完成标注", "problem_steps", "leader_reports", "lists", "11")
	_, _, out = e.run("uploads", "-h")
	assertContains(t, "uploads -h", out, "含其他单位的行", "无法读取", "中文名")
}

// Every help text is Chinese: the command list and each command's -h,
// with the options' help and defaults, keep no English headings.
func TestHelpInChinese(t *testing.T) {
	e := newTestEnv(t)
	_, out, _ := e.run("help")
	assertContains(t, "saima help", out, "用法：", "命令：", "saima <命令> -h")
	for _, name := range slices.Sorted(maps.Keys(commands)) {
		_, _, help := e.run(name, "-h")
		assertContains(t, name+" -h", help, "用法：saima "+name)
		for _, english := range []string{"Usage:", "Options:", "(env ", "(default", "Subcommands:"} {
			if strings.Contains(help, english) {
				t.Errorf("saima %s -h contains %q:\n%s", name, english, help)
			}
		}
	}
	_, _, help := e.run("serve", "-h")
	assertContains(t, "serve -h", help, "  --ch-pool 整数\n", "（环境变量 SAIMA_CH_POOL）（默认 10）",
		"  --read-timeout 时长\n", "  --secure-cookies\n")
}

// Errors of the flag package come in Chinese, naming the option and the
// value and what to type, with exit code 2 and no English or usage.
func TestFlagErrorsInChinese(t *testing.T) {
	e := newTestEnv(t)
	tests := []struct {
		name string
		args []string
		want []string
	}{
		{"UnknownFlag", []string{"score", "--nope", "2026Q3"},
			[]string{"saima score: 没有选项 --nope", "saima score -h"}},
		{"MisspelledFlag", []string{"score", "--dryrun", "2026Q3"},
			[]string{"没有选项 --dryrun，是不是要写 --dry-run"}},
		{"MissingValue", []string{"serve", "--addr"},
			[]string{"选项 --addr 后面缺少值", "--addr 127.0.0.1:8080"}},
		{"InvalidInteger", []string{"uploads", "--limit", "二十"},
			[]string{"选项 --limit 的值“二十”无效", "整数", "--limit 200"}},
		{"InvalidDuration", []string{"serve", "--read-timeout", "5"},
			[]string{"选项 --read-timeout 的值“5”无效", "时长", "--read-timeout 1m0s"}},
		{"InvalidBoolean", []string{"serve", "--ch-tls=maybe"},
			[]string{"选项 --ch-tls 的值“maybe”无效", "true 或 false"}},
		{"BadSyntax", []string{"score", "---x", "2026Q3"},
			[]string{"“---x”不是有效的选项写法", "--名称=值"}},
		{"AccountSubcommand", []string{"account", "list", "--nmae", "x"},
			[]string{"没有选项 --nmae，是不是要写 --name"}},
		{"ReceivedNotDate", []string{"import", "--received", "2026/01/08", "x.csv"},
			[]string{"--received 的值“2026/01/08”不是日期", "--received 2025-07-10"}},
		{"EnvironmentInteger", []string{"score", "--ch-pool", "5", "2026Q3"}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if tt.want == nil {
				e.env["SAIMA_CH_POOL"] = "十"
				defer delete(e.env, "SAIMA_CH_POOL")
				tt.want = []string{"环境变量 SAIMA_CH_POOL 的值“十”无效", "SAIMA_CH_POOL=10"}
			}
			code, out, errOut := e.run(tt.args...)
			if code != 2 || out != "" {
				t.Errorf("saima %s exited %d with stdout %q, want 2 and none", strings.Join(tt.args, " "), code, out)
			}
			assertContains(t, strings.Join(tt.args, " "), errOut, tt.want...)
			for _, english := range []string{"flag provided", "needs an argument", "invalid value", "invalid boolean",
				"bad flag syntax", "Usage", "用法："} {
				if strings.Contains(errOut, english) {
					t.Errorf("saima %s printed %q:\n%s", strings.Join(tt.args, " "), english, errOut)
				}
			}
		})
	}
}

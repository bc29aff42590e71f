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
		{"rules", nil, []string{"-ch-addr", "-data-dir", "-echarts", "-font-bold", "-max-rows", "-chunk-rows", "-rules", "Options:"}},
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
			if strings.Contains(errOut, "  "+s+" ") || strings.Contains(errOut, "  "+s+"\n") || s == "Options:" && strings.Contains(errOut, s) {
				t.Errorf("saima %s -h lists %s, which it does not use:\n%s", tt.cmd, s, errOut)
			}
		}
	}

	_, _, out := e.run("template", "-h")
	assertContains(t, "template -h", out, "list_done", "清单完成标注", "problem_steps", "leader_reports", "lists", "11")
	_, _, out = e.run("uploads", "-h")
	assertContains(t, "uploads -h", out, "rows of another unit", "could not be read", "Chinese name")
}

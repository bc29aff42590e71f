package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// Each command that writes a file with -o names the path it was given
// and the fix when the folder is missing or the path is a folder, never
// its own temporary file.
func TestOutputPathErrors(t *testing.T) {
	e := newTestEnv(t)
	saveScores(t, e, map[string]map[string]float64{"2026Q1": {"宁波市海曙区": 80}})
	tmp := t.TempDir()
	missing := filepath.Join(tmp, "没有的目录")
	tests := []struct {
		name string
		args []string
		want string
	}{
		{"TemplateFolderMissing", []string{"template", "-o", filepath.Join(missing, "p.xlsx"), "progress"},
			"目录 " + missing + " 不存在"},
		{"ReportFolderMissing", []string{"report", "--annual", "-o", filepath.Join(missing, "a.pdf"), "2026"},
			"目录 " + missing + " 不存在"},
		{"TemplatePathIsFolder", []string{"template", "-o", tmp, "progress"},
			"无法写入 " + tmp + "：这是一个已有的目录"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, _, stderr := e.run(tt.args...)
			if code == 0 {
				t.Fatalf("saima %s exited 0, want a failure", strings.Join(tt.args, " "))
			}
			if !strings.Contains(stderr, tt.want) {
				t.Errorf("stderr = %q, want %q", stderr, tt.want)
			}
			if strings.Contains(stderr, ".saima-") {
				t.Errorf("stderr = %q, want no temporary file named", stderr)
			}
		})
	}
	if entries, _ := os.ReadDir(tmp); len(entries) != 0 {
		t.Errorf("%s holds %d entries after the failures, want none", tmp, len(entries))
	}
}

package main

import (
	"bytes"
	"errors"
	"strings"
	"testing"

	"saima"
	"saima/ingest"
)

// A file without errors whose write fails must not be reported as
// imported.
func TestPrintReportWriteFailed(t *testing.T) {
	var stdout, stderr bytes.Buffer
	a := &app{stdout: &stdout, stderr: &stderr}
	rep := &ingest.Report{Dataset: saima.DatasetProgress, Rows: 6}
	printReport(a, "进度.csv", rep, false, errors.New("write batch: insert failed"))
	if strings.Contains(stdout.String(), "已导入") {
		t.Errorf("stdout = %q, want no 已导入 after a failed write", stdout.String())
	}
	if !strings.Contains(stdout.String(), "导入失败，整个文件未导入") {
		t.Errorf("stdout = %q, want 导入失败，整个文件未导入", stdout.String())
	}

	stdout.Reset()
	rep.Imported = 6
	printReport(a, "进度.csv", rep, false, nil)
	if !strings.Contains(stdout.String(), "已导入 6 条“进度填报”记录") {
		t.Errorf("stdout = %q, want 已导入 6 条“进度填报”记录", stdout.String())
	}
}

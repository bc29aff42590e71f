package ingest

import (
	"fmt"
	"strings"
	"testing"

	"saima"
)

// TestOutageErrorUnknownOutcome wants the reply to an upload whose commit
// could not be confirmed to send the user to the audit log, not to say
// that nothing was imported.
func TestOutageErrorUnknownOutcome(t *testing.T) {
	cause := saima.Wrap(saima.KindUnavailable, "数据库没有确认写入是否完成，读回核实也没有成功",
		fmt.Errorf("%w: code 319", saima.ErrOutcomeUnknown))
	rep := &Report{Upload: saima.Upload{ID: "u-unknown"}}
	msg := saima.ErrorMessage(outageError("进度.csv", rep, cause))
	for _, want := range []string{"进度.csv", "导入结果未知", "/uploads", "u-unknown"} {
		if !strings.Contains(msg, want) {
			t.Errorf("message %q lacks %q", msg, want)
		}
	}
	if strings.Contains(msg, "均未导入") {
		t.Errorf("message %q says nothing was imported, though the outcome is unknown", msg)
	}
}

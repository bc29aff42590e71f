package ingest_test

import (
	"testing"

	"saima/ingest"
)

// A reason typed only to get past a required field, such as 无理由, 111 or
// xx, is unwritten. A short real reason is not.
func TestUnwrittenReasons(t *testing.T) {
	for _, s := range []string{"", "无", "——", "N/A", "不详", "无理由", "【无原因】", "111", "xx", "abc", "12", "。。。", "啊啊啊"} {
		if !ingest.Unwritten(s) {
			t.Errorf("Unwritten(%q) = false, want true", s)
		}
	}
	for _, s := range []string{"误登记", "重复", "错标", "登记错项目", "ABCD公司撤回", "无需问责，需求已由省级统建应用覆盖"} {
		if ingest.Unwritten(s) {
			t.Errorf("Unwritten(%q) = true, want false", s)
		}
	}
}

package ingest

import "testing"

func TestNormalize(t *testing.T) {
	tests := []struct {
		in                         string
		trimmed, normal, compacted string
	}{
		{"  a b  ", "a b", "a b", "ab"},
		{"\u00a0宁波市江北区\u00a0", "宁波市江北区", "宁波市江北区", "宁波市江北区"},
		{"\u3000市大数据局\u3000", "市大数据局", "市大数据局", "市大数据局"},
		{"单\u3000\u3000位", "单\u3000\u3000位", "单  位", "单位"},
		{"\ufeff单位", "单位", "单位", "单位"},
		{"\u200b项目编号\t", "项目编号", "项目编号", "项目编号"},
		{"ＮＢ－２０２６－０１７", "ＮＢ－２０２６－０１７", "NB-2026-017", "NB-2026-017"},
		{"８５．５％", "８５．５％", "85.5%", "85.5%"},
		{"宁波市（本级）", "宁波市（本级）", "宁波市(本级)", "宁波市(本级)"},
		{"预计１１月上线\r\n", "预计１１月上线", "预计11月上线", "预计11月上线"},
		{"𠮷岙", "𠮷岙", "𠮷岙", "𠮷岙"},
	}
	for _, tt := range tests {
		if got := trimText(tt.in); got != tt.trimmed {
			t.Errorf("trimText(%q) = %q, want %q", tt.in, got, tt.trimmed)
		}
		if got := normalize(tt.in); got != tt.normal {
			t.Errorf("normalize(%q) = %q, want %q", tt.in, got, tt.normal)
		}
		if got := compact(tt.in); got != tt.compacted {
			t.Errorf("compact(%q) = %q, want %q", tt.in, got, tt.compacted)
		}
	}
}

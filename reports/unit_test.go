package reports

import (
	"io"
	"strings"
	"testing"

	"saima"
)

func TestQuarterlyForUnit(t *testing.T) {
	q := hardQuarterly(t)
	tests := []struct {
		unit, track string
		trackSize   int
	}{
		{"宁海县", saima.KindDistrict, 2},
		{"市财政局", saima.KindDepartment, 3},
		{"吉𠮷镇堃喆赟龑👍", saima.KindDepartment, 3},
	}
	for _, tt := range tests {
		t.Run(tt.unit, func(t *testing.T) {
			one, ok := q.ForUnit(tt.unit)
			if !ok {
				t.Fatalf("ForUnit(%q) found no section", tt.unit)
			}
			if len(one.Units) != 1 || one.Units[0].Score.Unit != tt.unit {
				t.Errorf("ForUnit(%q) units = %d, want the unit's own section only", tt.unit, len(one.Units))
			}
			if len(one.Tracks) != 1 || one.Tracks[0].Track != tt.track || len(one.Tracks[0].Scores) != tt.trackSize {
				t.Errorf("ForUnit(%q) tracks = %+v, want the whole %s ranking", tt.unit, one.Tracks, tt.track)
			}
			if one.Scope != tt.unit || one.Period != q.Period || one.Title != q.Title {
				t.Errorf("ForUnit(%q) = scope %q, period %v, title %q", tt.unit, one.Scope, one.Period, one.Title)
			}
		})
	}
	if len(q.Units) != 5 || q.Scope != "" {
		t.Errorf("ForUnit changed the city report: %d units, scope %q", len(q.Units), q.Scope)
	}
	if _, ok := q.ForUnit("不存在的单位"); ok {
		t.Errorf("ForUnit(unknown unit) = true, want false")
	}
}

func TestQuarterlyForUnitPDF(t *testing.T) {
	q := hardQuarterly(t)
	q.Unranked = []saima.Unit{{Name: "宁波前湾新区", Kind: saima.KindOther, Track: saima.TrackUnranked,
		UnrankedReason: "新设功能区，2027年起参评"}}
	one, _ := q.ForUnit("市财政局")
	path, _ := renderPDF(t, one)
	text := popplerText(t, path)
	plain := strings.Join(strings.Fields(text), "")
	for _, want := range []string{"2026年第三季度　市财政局", "市直部门赛道排名", "市大数据局", "91.3", "75.6"} {
		if !strings.Contains(plain, strings.Join(strings.Fields(want), "")) {
			t.Errorf("unit PDF text lacks %q", want)
		}
	}
	if strings.Contains(plain, "宁海县") {
		t.Errorf("unit PDF of 市财政局 names 宁海县, a unit of another track")
	}
	// The cover counts the units that the report ranks: the 3 of its
	// track, not the one unit whose section it has.
	if !strings.Contains(plain, "赛道：市直部门，参评单位：3个") || strings.Contains(plain, "参评单位：1个") {
		t.Errorf("unit PDF cover does not count the 3 units of the 市直部门 ranking:\n%s", text)
	}
	if strings.Contains(plain, "宁波前湾新区") {
		t.Errorf("unit PDF of 市财政局 lists 宁波前湾新区, which the city's ranking left out")
	}
	checkFooters(t, text)
}

func TestUnitFileName(t *testing.T) {
	tests := []struct {
		n, total   int
		unit, want string
	}{
		{3, 31, "宁波市海曙区", "03-宁波市海曙区.pdf"},
		{12, 31, "</script><script>alert(1)</script>", "12-__script__script_alert(1)__script_.pdf"},
		{1, 31, `a\b:c*d?e"f|g` + "\n", "01-a_b_c_d_e_f_g.pdf"},
		{2, 31, "吉𠮷镇", "02-吉𠮷镇.pdf"},
		// A right-to-left override shows the rest of the name reversed,
		// so that 01-\u202eexe.局.pdf would read 01-fdp.局.exe.
		{1, 31, "\u202eexe.局", "01-_exe.局.pdf"},
		{6, 31, "宁波\u2066市\u200b", "06-宁波_市_.pdf"},
		{4, 31, "  ", "04-单位.pdf"},
		{5, 31, strings.Repeat("长", 70), "05-" + strings.Repeat("长", 60) + ".pdf"},
		{1, 5, "宁海县", "01-宁海县.pdf"},
		// With 100 units or more the numbers get as many digits as the
		// last one, so that sorting the names by text keeps report order.
		{7, 240, "宁海县", "007-宁海县.pdf"},
		{240, 240, "宁海县", "240-宁海县.pdf"},
	}
	for _, tt := range tests {
		if got := UnitFileName(tt.n, tt.total, tt.unit); got != tt.want {
			t.Errorf("UnitFileName(%d, %d, %q) = %q, want %q", tt.n, tt.total, tt.unit, got, tt.want)
		}
	}
}

func BenchmarkWriteUnitQuarterly(b *testing.B) {
	fonts := testFonts(b)
	report, _ := hardQuarterly(b).ForUnit("市财政局")
	for b.Loop() {
		if err := WriteQuarterly(io.Discard, report, fonts, nil); err != nil {
			b.Fatal(err)
		}
	}
}

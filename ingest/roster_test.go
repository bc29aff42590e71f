package ingest

import (
	"github.com/agnivade/levenshtein"
	"testing"

	"saima"
)

// caseLikeRoster is the case files' roster in the shape of saima.Unit.
var caseLikeRoster = []saima.Unit{
	{Name: "宁波市海曙区", Kind: saima.KindDistrict},
	{Name: "宁波市江北区", Kind: saima.KindDistrict},
	{Name: "宁波市鄞州区", Kind: saima.KindDistrict},
	{Name: "宁波市奉化区", Kind: saima.KindDistrict},
	{Name: "余姚市", Kind: saima.KindDistrict},
	{Name: "慈溪市", Kind: saima.KindDistrict},
	{Name: "宁海县", Kind: saima.KindDistrict},
	{Name: "象山县", Kind: saima.KindDistrict},
	{Name: "市大数据局", Kind: saima.KindDepartment, Aliases: []string{"大数据局", "数据局"}},
	{Name: "市发改委", Kind: saima.KindDepartment},
	{Name: "宁波市（本级）", Kind: saima.KindCity},
}

func TestRosterResolve(t *testing.T) {
	r := newRoster(caseLikeRoster)
	tests := []struct {
		in, want string // want "" when the name is unknown
	}{
		{"宁波市海曙区", "宁波市海曙区"},
		{"海曙区", "宁波市海曙区"},
		{"海曙", "宁波市海曙区"},
		{" 宁波市 海曙区\u00a0", "宁波市海曙区"},
		{"余姚市", "余姚市"},
		{"余姚", "余姚市"},
		{"宁波市余姚市", "余姚市"},
		{"宁波余姚市", "余姚市"},
		{"宁波市宁海县", "宁海县"},
		{"宁波江北区", "宁波市江北区"},
		{"宁波鄞州", "宁波市鄞州区"},
		{"奉化市", "宁波市奉化区"},
		{"宁波市奉化市", "宁波市奉化区"},
		{"宁波大数据局", "市大数据局"},
		{"宁波(本级)", "宁波市（本级）"},
		{"宁海县", "宁海县"},
		{"宁海", "宁海县"},
		{"象山", "象山县"},
		{"市大数据局", "市大数据局"},
		{"宁波市大数据局", "市大数据局"},
		{"大数据局", "市大数据局"},
		{"数据局", "市大数据局"},
		{"宁波市发改委", "市发改委"},
		{"宁波市（本级）", "宁波市（本级）"},
		{"宁波市(本级)", "宁波市（本级）"},
		{"宁波市本级", "宁波市（本级）"},
		{"市本级", "宁波市（本级）"},
		{"宁波市鄞洲区", ""},
		{"江东区", ""},
		{"宁波", ""},
		{"宁波市", ""},
		{"鄞县", ""},
		{"", ""},
	}
	for _, tt := range tests {
		got, ok := r.resolve(tt.in)
		if ok != (tt.want != "") || got != tt.want {
			t.Errorf("resolve(%q) = %q, %v, want %q", tt.in, got, ok, tt.want)
		}
	}
}

func TestRosterShortFormClash(t *testing.T) {
	// Two counties that differ only in their suffix share the short form
	// 东阳, which must then resolve to neither.
	r := newRoster([]saima.Unit{
		{Name: "东阳县", Kind: saima.KindDistrict},
		{Name: "东阳市", Kind: saima.KindDistrict},
		{Name: "西湖区", Kind: saima.KindDistrict, Aliases: []string{"东阳"}},
	})
	if got, ok := r.resolve("东阳"); !ok || got != "西湖区" {
		t.Errorf("resolve(东阳) = %q, %v, want the alias owner 西湖区", got, ok)
	}
	r = newRoster([]saima.Unit{{Name: "东阳县", Kind: saima.KindDistrict}, {Name: "东阳市", Kind: saima.KindDistrict}})
	if got, ok := r.resolve("东阳"); ok {
		t.Errorf("resolve(东阳) = %q, want no match for a short form shared by two units", got)
	}
}

func TestRosterNameBeatsAlias(t *testing.T) {
	// A unit's own name resolves to it whatever the order of the roster,
	// even when another unit lists that name as an alias.
	haishu := saima.Unit{Name: "宁波市海曙区", Kind: saima.KindDistrict}
	newer := saima.Unit{Name: "宁波市海曙新区", Kind: saima.KindDistrict, Aliases: []string{"宁波市海曙区"}}
	for _, units := range [][]saima.Unit{{haishu, newer}, {newer, haishu}} {
		r := newRoster(units)
		if got, ok := r.resolve("宁波市海曙区"); !ok || got != "宁波市海曙区" {
			t.Errorf("roster %s, %s: resolve(宁波市海曙区) = %q, %v, want 宁波市海曙区",
				units[0].Name, units[1].Name, got, ok)
		}
	}
}

func TestRosterSharedAlias(t *testing.T) {
	// An alias that two units list names neither, in either order.
	a := saima.Unit{Name: "市甲局", Kind: saima.KindDepartment, Aliases: []string{"共用名"}}
	b := saima.Unit{Name: "市乙局", Kind: saima.KindDepartment, Aliases: []string{"共 用名"}}
	for _, units := range [][]saima.Unit{{a, b}, {b, a}} {
		r := newRoster(units)
		if got, ok := r.resolve("共用名"); ok {
			t.Errorf("roster %s, %s: resolve(共用名) = %q, want no match", units[0].Name, units[1].Name, got)
		}
		if got, ok := r.resolve("市乙局"); !ok || got != "市乙局" {
			t.Errorf("roster %s, %s: resolve(市乙局) = %q, %v, want 市乙局", units[0].Name, units[1].Name, got, ok)
		}
	}
}

func TestRosterClosest(t *testing.T) {
	r := newRoster(caseLikeRoster)
	tests := []struct {
		in, want string
	}{
		{"宁波市鄞洲区", "宁波市鄞州区"},
		{"宁波市海署区", "宁波市海曙区"},
		{"市大数据局<img src=x onerror=alert(1)>", "市大数据局"},
		{"慈溪市人民政府", "慈溪市"},
		{"__f__function(){alert(1)}__f__", ""},
		{"杭州市西湖区", ""},
		// 余姚区 resolves to 余姚市, but a district of another city is no
		// typo of it.
		{"余杭区", ""},
	}
	for _, tt := range tests {
		if got := r.closest(tt.in); got != tt.want {
			t.Errorf("closest(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestEditDistance(t *testing.T) {
	tests := []struct {
		a, b string
		want int
	}{
		{"", "", 0},
		{"鄞洲", "鄞州", 1},
		{"宁波市鄞洲区", "宁波市鄞州区", 1},
		{"海曙", "宁波市海曙区", 4},
		{"𠮷岙", "吉岙", 1},
		{"abc", "", 3},
	}
	for _, tt := range tests {
		if got := levenshtein.ComputeDistance(tt.a, tt.b); got != tt.want {
			t.Errorf("levenshtein.ComputeDistance(%q, %q) = %d, want %d", tt.a, tt.b, got, tt.want)
		}
	}
}

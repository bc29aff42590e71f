package saima_test

import (
	"testing"

	"saima"
)

// A roster name wins over another unit's alias of the same spelling, and
// an alias finds its unit.
func TestFindUnit(t *testing.T) {
	units := []saima.Unit{
		{Name: "宁波市海曙区", Aliases: []string{"海曙", "市大数据局"}},
		{Name: "市大数据局"},
	}
	for _, tt := range []struct{ name, want string }{
		{"宁波市海曙区", "宁波市海曙区"},
		{"海曙", "宁波市海曙区"},
		{"市大数据局", "市大数据局"},
		{"宁波", ""},
	} {
		u, ok := saima.FindUnit(units, tt.name)
		if ok != (tt.want != "") || u.Name != tt.want {
			t.Errorf("FindUnit(%q) = %q, %v, want %q", tt.name, u.Name, ok, tt.want)
		}
	}
}

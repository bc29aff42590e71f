package web

import (
	"html"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"saima"
)

func TestChoose(t *testing.T) {
	tests := []struct {
		name     string
		items    any
		selected any
		want     []dropOption
	}{
		{"strings", []string{"实施", "评估"}, "评估",
			[]dropOption{{"实施", "实施", false}, {"评估", "评估", true}}},
		{"units by name", []saima.Unit{{Name: "宁波市海曙区"}, {Name: "宁波市江北区"}}, "宁波市海曙区",
			[]dropOption{{"宁波市海曙区", "宁波市海曙区", true}, {"宁波市江北区", "宁波市江北区", false}}},
		{"levels by number", []levelChoice{{1, "牵头单位"}, {2, "改革办"}}, 2,
			[]dropOption{{"1", "牵头单位", false}, {"2", "改革办", true}}},
		{"datasets by ID", []datasetChoice{{"progress", "进度填报"}}, "",
			[]dropOption{{"progress", "进度填报", false}}},
		{"nothing to offer", []string(nil), "x", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d, err := choose("标签", "f", "全部", tt.selected, tt.items)
			if err != nil {
				t.Fatal(err)
			}
			if d.Label != "标签" || d.Name != "f" || d.Empty != "全部" {
				t.Errorf("choose = %+v, want label 标签, name f, empty 全部", d)
			}
			if len(d.Options) != len(tt.want) {
				t.Fatalf("options = %+v, want %+v", d.Options, tt.want)
			}
			for i := range tt.want {
				if d.Options[i] != tt.want[i] {
					t.Errorf("option %d = %+v, want %+v", i, d.Options[i], tt.want[i])
				}
			}
		})
	}
	if _, err := choose("标签", "f", "全部", "", []int{1}); err == nil {
		t.Error("choose of []int succeeded, want an error naming the list's type")
	}
}

// TestFilterFormsKeepChoice checks that each filter form shows the choices
// of the query as selected, and only those.
func TestFilterFormsKeepChoice(t *testing.T) {
	env := newDashboardEnv(t)
	q := url.QueryEscape
	tests := []struct {
		target   string
		selected []string // name=value of each select that must keep its choice
		others   int      // selected options outside drop-downs, such as the leaderboard's period
	}{
		{"/ledger?unit=" + q("宁波市江北区") + "&system=" + q("整体智治") + "&stage=" + q("实施"),
			[]string{"unit=宁波市江北区", "system=整体智治", "stage=实施"}, 0},
		{"/problems?level=3&stage=" + q("分办落实") + "&unit=" + q(imgName) + "&category=" + q("数据共享"),
			[]string{"level=3", "stage=分办落实", "unit=" + imgName, "category=数据共享"}, 0},
		{"/milestones?period=2026Q2&unit=" + q("宁波市江北区"), []string{"unit=宁波市江北区"}, 0},
		{"/leaderboard?period=2026Q3&track=" + q(saima.KindDistrict), []string{"track=" + saima.KindDistrict}, 1},
		{"/lists?list=" + q(saima.ListNames[0]), []string{"list=" + saima.ListNames[0]}, 0},
		{"/upload", nil, 0},
	}
	for _, tt := range tests {
		resp, body := env.get(t, tt.target)
		if resp.StatusCode != http.StatusOK {
			t.Fatalf("GET %s status = %d, want 200; body:\n%s", tt.target, resp.StatusCode, body)
		}
		assertNoRawInjection(t, tt.target, body)
		if n, want := strings.Count(body, " selected>"), len(tt.selected)+tt.others; n != want {
			t.Errorf("GET %s: %d selected options, want %d", tt.target, n, want)
		}
		for _, sel := range tt.selected {
			name, value, _ := strings.Cut(sel, "=")
			start := strings.Index(body, `<select name="`+name+`">`)
			if start < 0 {
				t.Errorf("GET %s: no select named %s", tt.target, name)
				continue
			}
			box := html.UnescapeString(body[start : start+strings.Index(body[start:], "</select>")])
			if !strings.Contains(box, `<option value="">`) {
				t.Errorf("GET %s: select %s lacks its empty choice", tt.target, name)
			}
			if !strings.Contains(box, `<option value="`+value+`" selected>`) {
				t.Errorf("GET %s: select %s does not keep %q selected:\n%s", tt.target, name, value, box)
			}
		}
	}
}

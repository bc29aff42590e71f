package demo

import (
	"strconv"
	"strings"

	"saima"
)

// unitPlan is a unit of the demo city with its hidden strength, which decides
// how punctual its milestones are and how well it scores.
type unitPlan struct {
	saima.Unit
	prefix string  // project name prefix of a district, such as 海曙区
	themes []theme // scenario applications it may run
	base   float64 // overall strength in [0, 1]
	form   []float64
}

// formIn returns u's strength in quarter i of the city's quarters, clamped to
// the last quarter.
func (u *unitPlan) formIn(i int) float64 {
	return u.form[min(max(i, 0), len(u.form)-1)]
}

// planUnits builds the roster: districts and counties, city departments, and
// the city itself. Each unit's strength drifts from quarter to quarter so
// that rankings change.
func planUnits(g *rng, quarters int) []*unitPlan {
	var units []*unitPlan
	for _, d := range districts {
		u := &unitPlan{Unit: saima.Unit{Name: d.name, Code: d.code, Aliases: d.aliases,
			Kind: saima.KindDistrict, Track: saima.KindDistrict}, prefix: d.short, themes: districtThemes}
		units = append(units, u)
	}
	for _, d := range append(append([]department(nil), departments...), cityLevel) {
		kind := saima.KindDepartment
		if d.name == cityLevel.name {
			kind = saima.KindCity
		}
		u := &unitPlan{Unit: saima.Unit{Name: d.name, Code: d.code, Aliases: d.aliases,
			Kind: kind, Track: kind}, themes: d.themes}
		units = append(units, u)
	}

	for _, u := range units {
		u.base = g.uniform(0.1, 0.95)
		u.form = driftForm(g, u.base, quarters)
	}
	return units
}

// driftForm returns a random walk of n strengths that starts near base.
func driftForm(g *rng, base float64, n int) []float64 {
	form := make([]float64, n)
	x := base
	for i := range form {
		x = clamp(x+g.normal(0.08), 0.02, 0.98)
		form[i] = x
		x += (base - x) * 0.3 // pull back towards the unit's usual level
	}
	return form
}

var unitHeader = []string{"序号", "单位", "单位类别", "单位代码", "别名", "赛道"}

func unitRows(units []*unitPlan) [][]string {
	rows := make([][]string, 0, len(units))
	for i, u := range units {
		rows = append(rows, []string{
			strconv.Itoa(i + 1), u.Name, u.Kind, u.Code, strings.Join(u.Aliases, "、"), u.Track,
		})
	}
	return rows
}

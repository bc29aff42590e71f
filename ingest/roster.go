package ingest

import (
	"github.com/agnivade/levenshtein"
	"strings"

	"saima"
)

// roster resolves the unit names that units write to the roster's spelling.
// Every spelling is looked up in its compact form (NFKC, no whitespace), so
// 宁波市（本级） and 宁波市(本级) are one key.
type roster struct {
	names []string          // roster spellings, in roster order
	index map[string]string // compact spelling -> roster spelling

	// variants maps the spellings of variantForms that index lacks. They
	// resolve as index does, but closest leaves them out, because forms
	// such as 余姚区 would make 余杭区 of another city look like a typo of
	// 余姚市.
	variants map[string]string
}

// newRoster indexes units by name, by alias and by the usual short forms:
// 宁波市海曙区 is also 海曙区 and 海曙, 余姚市 is also 余姚, 市大数据局 is also
// 宁波市大数据局 and 宁波市（本级） is also 宁波市本级 and 市本级. A unit's
// own name always resolves to it, even when another unit lists it as an
// alias, and names win over aliases, which win over short forms. An alias
// or short form shared by two units is dropped, because it names neither
// for sure. Roster uploads reject such aliases, but a roster stored
// before that check may still hold them.
func newRoster(units []saima.Unit) *roster {
	r := &roster{index: map[string]string{}, variants: map[string]string{}}
	city := cityPrefix(units)
	aliases, short, variants := newSpellings(), newSpellings(), newSpellings()
	for _, u := range units {
		r.names = append(r.names, u.Name)
		r.index[compact(u.Name)] = u.Name
		for _, a := range u.Aliases {
			if k := compact(a); k != "" {
				aliases.claim(k, u.Name)
			}
		}
		for _, s := range shortForms(u, city) {
			short.claim(compact(s), u.Name)
		}
		for _, s := range variantForms(u, city) {
			variants.claim(compact(s), u.Name)
		}
	}

	for _, sp := range []spellings{aliases, short} {
		for k, name := range sp.owner {
			if _, indexed := r.index[k]; !indexed && !sp.shared[k] {
				r.index[k] = name
			}
		}
	}
	for k, name := range variants.owner {
		if _, indexed := r.index[k]; !indexed && !variants.shared[k] {
			r.variants[k] = name
		}
	}
	return r
}

// spellings are the compact spellings of one kind, aliases or short
// forms, with the unit that claims each and those that two units claim.
type spellings struct {
	owner  map[string]string
	shared map[string]bool
}

func newSpellings() spellings {
	return spellings{owner: map[string]string{}, shared: map[string]bool{}}
}

func (sp spellings) claim(k, unit string) {
	if prev, ok := sp.owner[k]; ok && prev != unit {
		sp.shared[k] = true
	}
	sp.owner[k] = unit
}

// ResolveUnit returns the roster spelling of the unit that name names, as
// the importer reads a unit cell: by the name, an alias or a short form
// such as 北仑区 or 北仑 for 宁波市北仑区. It is false when no unit, or
// more than one, goes by name.
func ResolveUnit(units []saima.Unit, name string) (string, bool) {
	return newRoster(units).resolve(name)
}

// empty reports whether the roster has no units, so no name can resolve.
func (r *roster) empty() bool { return len(r.names) == 0 }

// resolve returns the roster spelling of name, or false when name is not
// on the roster.
func (r *roster) resolve(name string) (string, bool) {
	k := compact(name)
	if u, ok := r.index[k]; ok {
		return u, true
	}
	u, ok := r.variants[k]
	return u, ok
}

// closest returns the roster name that name most likely means: a roster
// name contained in it (the longest one), or else the one at the smallest
// edit distance, counted in runes. It returns "" when nothing is close
// enough to be a useful suggestion.
func (r *roster) closest(name string) string {
	key := compact(name)
	best, bestLen := "", 0
	for k, u := range r.index {
		n := len(k)
		if n < len("市局") || !strings.Contains(key, k) {
			continue
		}
		if n > bestLen || n == bestLen && u < best {
			best, bestLen = u, n
		}
	}
	if best != "" {
		return best
	}

	bestDist := -1
	for k, u := range r.index {
		d := levenshtein.ComputeDistance(key, k)
		if bestDist < 0 || d < bestDist || d == bestDist && u < best {
			best, bestDist = u, d
		}
	}
	if bestDist < 0 || bestDist > max(1, len([]rune(key))/2) {
		return ""
	}
	return best
}

// RosterCity returns the city that units belong to, such as 杭州市, read
// as cityPrefix reads it, or "" when the roster does not show one.
func RosterCity(units []saima.Unit) string { return cityPrefix(units) }

// cityPrefix returns the city that prefixes district names, such as 宁波市,
// taken from the city unit (宁波市（本级）) or else from the most common
// "…市" prefix of district names.
func cityPrefix(units []saima.Unit) string {
	for _, u := range units {
		if u.Kind == saima.KindCity {
			name := compact(u.Name)
			if i := strings.Index(name, "市"); i > 0 {
				return name[:i+len("市")]
			}
		}
	}
	counts := map[string]int{}
	best := ""
	for _, u := range units {
		name := compact(u.Name)
		i := strings.Index(name, "市")
		if i <= 0 || i+len("市") == len(name) {
			continue
		}
		p := name[:i+len("市")]
		counts[p]++
		if counts[p] > counts[best] {
			best = p
		}
	}
	if counts[best] < 2 {
		return ""
	}
	return best
}

// shortForms returns the other spellings people use for u.
func shortForms(u saima.Unit, city string) []string {
	name := compact(u.Name)
	var out []string
	if city != "" && strings.HasPrefix(name, city) && len(name) > len(city) {
		rest := strings.TrimPrefix(name, city)
		out = append(out, rest)
		if strings.HasPrefix(rest, "(本级)") || rest == "本级" {
			out = append(out, city+"本级", "市本级")
		}
	}
	if city != "" && strings.HasPrefix(name, "市") {
		out = append(out, city+strings.TrimPrefix(name, "市"))
	}
	if u.Kind == saima.KindDistrict {
		out = append(out, districtStems(districtBase(name, city))...)
	}
	return out
}

// districtBase returns a district or county name without the city before
// it: 海曙区 for 宁波市海曙区.
func districtBase(name, city string) string {
	if city != "" && strings.HasPrefix(name, city) && len(name) > len(city) {
		return strings.TrimPrefix(name, city)
	}
	return name
}

// districtStems returns base without its suffix 区, 县 or 市, when two
// characters or more are left: 海曙 for 海曙区.
func districtStems(base string) []string {
	var stems []string
	for _, suffix := range []string{"区", "县", "市"} {
		if stem := strings.TrimSuffix(base, suffix); stem != base && len([]rune(stem)) >= 2 {
			stems = append(stems, stem)
		}
	}
	return stems
}

// variantForms returns the spellings of u that an address or a former
// name gives, besides those of shortForms. The city may be written
// without its 市 (宁波江北区, 宁波大数据局). A district or county may have
// another suffix of 区, 县 and 市, as in a former name such as 奉化市 for
// 奉化区. The stem alone reads as the unit already, so a suffix added to
// it is no more ambiguous. The name may also follow the city, as
// addresses write a county (宁波市宁海县, 宁波鄞州).
func variantForms(u saima.Unit, city string) []string {
	if city == "" {
		return nil
	}
	name := compact(u.Name)
	cities := []string{city}
	if stem := strings.TrimSuffix(city, "市"); stem != city && len([]rune(stem)) >= 2 {
		cities = append(cities, stem)
	}

	var out []string
	for _, c := range cities[1:] {
		if rest, ok := strings.CutPrefix(name, city); ok && rest != "" {
			out = append(out, c+rest)
		}
		if rest, ok := strings.CutPrefix(name, "市"); ok {
			out = append(out, c+rest)
		}
	}
	if u.Kind != saima.KindDistrict {
		return out
	}
	base := districtBase(name, city)
	local := []string{base}
	for _, stem := range districtStems(base) {
		local = append(local, stem, stem+"区", stem+"县", stem+"市")
	}
	out = append(out, local[1:]...)
	for _, c := range cities {
		for _, s := range local {
			out = append(out, c+s)
		}
	}
	return out
}

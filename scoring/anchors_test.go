package scoring

import (
	"encoding/csv"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"saima"
)

// anchorDir returns the folder of published scoring cases, found by
// walking up from the working directory to shared/data/anchors. It skips
// the test when no such folder exists.
func anchorDir(tb testing.TB) string {
	tb.Helper()
	dir, err := os.Getwd()
	if err != nil {
		tb.Fatal(err)
	}
	for {
		candidate := filepath.Join(dir, "shared", "data", "anchors")
		if info, err := os.Stat(candidate); err == nil && info.IsDir() {
			return candidate
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			tb.Skip("shared/data/anchors not found above the working directory; skipping the published cases")
		}
		dir = parent
	}
}

// readTable reads a CSV file of the anchors as rows of named cells.
func readTable(tb testing.TB, name string) []map[string]string {
	tb.Helper()
	f, err := os.Open(filepath.Join(anchorDir(tb), name))
	if err != nil {
		tb.Fatal(err)
	}
	defer f.Close()
	records, err := csv.NewReader(f).ReadAll()
	if err != nil {
		tb.Fatalf("read %s: %v", name, err)
	}
	var rows []map[string]string
	for _, rec := range records[1:] {
		row := map[string]string{}
		for i, h := range records[0] {
			row[h] = rec[i]
		}
		rows = append(rows, row)
	}
	return rows
}

func number(tb testing.TB, s string) float64 {
	tb.Helper()
	v, err := strconv.ParseFloat(strings.TrimSpace(s), 64)
	if err != nil {
		tb.Fatalf("parse number %q: %v", s, err)
	}
	return v
}

// near reports whether got is within tol of want, relative to want when
// |want| > 1, because the anchors give about 12 significant digits.
func near(got, want, tol float64) bool {
	return math.Abs(got-want) <= tol*max(1, math.Abs(want))
}

// unitTrack is the one track anchor cases run in.
const unitTrack = "t"

// evaluateAnchor parses rules, evaluates records in one track and returns
// the results by unit.
func evaluateAnchor(tb testing.TB, rules string, records []Record) map[string]Result {
	tb.Helper()
	rs := mustParse(tb, rules)
	units := make([]saima.Unit, len(records))
	for i, r := range records {
		units[i] = saima.Unit{Name: r.Unit, Track: unitTrack}
	}
	results, err := EvaluateRecords(rs, q3, units, records, nil)
	if err != nil {
		tb.Fatalf("EvaluateRecords: %v", err)
	}
	out := map[string]Result{}
	for _, r := range results {
		out[r.Unit] = r
	}
	return out
}

// wideRecords turns a table with a unit column into records whose values
// are the other columns.
func wideRecords(tb testing.TB, rows []map[string]string, unitCol string, cols []string) []Record {
	tb.Helper()
	var out []Record
	for _, row := range rows {
		r := Record{Unit: row[unitCol], Values: map[string]float64{}}
		for _, c := range cols {
			if row[c] != "" {
				r.Values[c] = number(tb, row[c])
			}
		}
		out = append(out, r)
	}
	return out
}

type metaRow struct {
	code, parent string
	level        int
	direction    float64
	weight       float64
}

// treeRules writes a rule set for an indicator tree: every leaf uses
// normalise, every inner node aggregate, and the top node is the root.
func treeRules(meta []metaRow, normalise, aggregate string) string {
	var b strings.Builder
	fmt.Fprintf(&b, "name: anchor\naggregate: %s\ntracks: [{name: %s}]\ninputs: [", aggregate, unitTrack)
	var groups, leaves []string
	top := 0
	for _, m := range meta {
		top = max(top, m.level)
	}
	for _, m := range meta {
		parent := m.parent
		if m.level == top-1 {
			parent = ""
		}
		switch {
		case m.level == 1:
			b.WriteString(m.code + ", ")
			dir := "higher"
			if m.direction < 0 {
				dir = "lower"
			}
			leaves = append(leaves, fmt.Sprintf("  - {id: %s, name: %s, source: %s, parent: %q, weight: %v, direction: %s, normalise: %s}\n",
				strings.ToLower(m.code), m.code, m.code, strings.ToLower(parent), m.weight, dir, normalise))
		case m.level < top:
			groups = append(groups, fmt.Sprintf("  - {id: %s, name: %s, parent: %q, weight: %v, aggregate: %s}\n",
				strings.ToLower(m.code), m.code, strings.ToLower(parent), m.weight, aggregate))
		}
	}
	b.WriteString("]\n")
	if len(groups) > 0 {
		b.WriteString("groups:\n" + strings.Join(groups, ""))
	}
	b.WriteString("indicators:\n" + strings.Join(leaves, ""))
	return b.String()
}

func readMeta(tb testing.TB, name string) []metaRow {
	tb.Helper()
	var out []metaRow
	for _, row := range readTable(tb, name) {
		m := metaRow{code: row["iCode"], parent: row["Parent"], level: 1, direction: number(tb, row["Direction"]), weight: number(tb, row["Weight"])}
		if row["Level"] != "" {
			m.level = int(number(tb, row["Level"]))
		}
		out = append(out, m)
	}
	return out
}

var smallCodes = []string{"LPI", "Flights", "CO2", "Tariff"}

func TestAnchorSmallNormalisers(t *testing.T) {
	meta := readMeta(t, "coinr_small_meta.csv")
	input := readTable(t, "coinr_small_input.csv")
	methods := map[string]struct {
		n     Normaliser
		scale float64 // expected = score × scale
	}{
		"minmax_0_100":     {Normaliser{Method: NormMinMax, Range: []float64{0, 100}}, 1},
		"minmax_1_100":     {Normaliser{Method: NormMinMax, Range: []float64{1, 100}}, 1},
		"zscore_sample_sd": {Normaliser{Method: NormZScore, SD: 1}, 1},
		"rank_min_ties":    {Normaliser{Method: NormRank}, 1},
		"prank":            {Normaliser{Method: NormPercentile}, 0.01},
		"borda":            {Normaliser{Method: NormBorda}, 1},
		"dist2max":         {Normaliser{Method: NormMinMax, Range: []float64{0, 1}}, 1},
	}
	got := map[string]float64{} // method/unit/indicator
	for name, m := range methods {
		for _, im := range meta {
			var values []float64
			for _, row := range input {
				values = append(values, number(t, row[im.code]))
			}
			dir := HigherIsBetter
			if im.direction < 0 {
				dir = LowerIsBetter
			}
			for i, s := range m.n.Apply(values, dir) {
				got[name+"/"+input[i]["uCode"]+"/"+im.code] = s * m.scale
			}
		}
	}

	expected := readTable(t, "coinr_small_expected_normalised_long.csv")
	if len(expected) != 7*8*4 {
		t.Fatalf("%d expected values, want 224", len(expected))
	}
	for _, row := range expected {
		key := row["method"] + "/" + row["uCode"] + "/" + row["iCode"]
		g, ok := got[key]
		if want := number(t, row["value"]); !ok || !near(g, want, 1e-9) {
			t.Errorf("%s = %.12g, want %.12g", key, g, want)
		}
	}
}

func TestAnchorSmallAggregates(t *testing.T) {
	meta := readMeta(t, "coinr_small_meta.csv")
	records := wideRecords(t, readTable(t, "coinr_small_input.csv"), "uCode", smallCodes)
	equal := make([]metaRow, len(meta))
	copy(equal, meta)
	for i := range equal {
		equal[i].weight = 1
	}
	cases := []struct {
		column, rankColumn string
		meta               []metaRow
		normalise, agg     string
	}{
		{"arith_equal", "arith_equal_rank", equal, "{method: minmax}", AggArithmetic},
		{"arith_weighted", "arith_weighted_rank", meta, "{method: minmax}", AggArithmetic},
		{"geo_weighted_on_1_100", "geo_weighted_rank", meta, "{method: minmax, range: [1, 100]}", AggGeometric},
		{"harm_weighted_on_1_100", "", meta, "{method: minmax, range: [1, 100]}", AggHarmonic},
		{"borda_sum", "borda_rank", equal, "{method: borda}", AggSum},
	}
	expected := readTable(t, "coinr_small_expected_aggregates.csv")
	for _, c := range cases {
		t.Run(c.column, func(t *testing.T) {
			got := evaluateAnchor(t, treeRules(c.meta, c.normalise, c.agg), records)
			for _, row := range expected {
				r := got[row["uCode"]]
				if want := number(t, row[c.column]); !near(r.Value, want, 1e-9) {
					t.Errorf("%s %s = %.12g, want %.12g", c.column, r.Unit, r.Value, want)
				}
				if c.rankColumn == "" {
					continue
				}
				if want := int(number(t, row[c.rankColumn])); r.Rank != want {
					t.Errorf("%s rank of %s = %d, want %d", c.column, r.Unit, r.Rank, want)
				}
			}
		})
	}
}

func TestAnchorASEM(t *testing.T) {
	meta := readMeta(t, "coinr_asem_meta.csv")
	input := readTable(t, "coinr_asem_treated_input.csv")
	var codes []string
	for _, m := range meta {
		if m.level == 1 {
			codes = append(codes, m.code)
		}
	}
	records := wideRecords(t, input, "uCode", codes)
	cases := []struct {
		name, file, normalise, agg string
	}{
		{"Arithmetic", "coinr_asem_expected_aggregates.csv", "{method: minmax}", AggArithmetic},
		{"Geometric", "coinr_asem_expected_aggregates_geomean.csv", "{method: minmax, range: [1, 100]}", AggGeometric},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got := evaluateAnchor(t, treeRules(meta, c.normalise, c.agg), records)
			expected := readTable(t, c.file)
			if len(got) != 51 || len(expected) != 51 {
				t.Fatalf("%d results and %d expected rows, want 51 each", len(got), len(expected))
			}
			checkASEM(t, got, expected)
		})
	}
}

// checkASEM compares the index, every group and every rank column that the
// expected table has.
func checkASEM(t *testing.T, got map[string]Result, expected []map[string]string) {
	t.Helper()
	groupRanks := map[string]map[string]int{}
	for col := range expected[0] {
		code, isRank := strings.CutSuffix(col, "_rank")
		if !isRank || code == "Index" {
			continue
		}
		var units []string
		var values []float64
		for u, r := range got {
			units = append(units, u)
			values = append(values, r.Groups[strings.ToLower(code)])
		}
		groupRanks[code] = map[string]int{}
		for i, rank := range competitionRanks(values) {
			groupRanks[code][units[i]] = rank
		}
	}

	for _, row := range expected {
		r := got[row["uCode"]]
		for col, cell := range row {
			code, isRank := strings.CutSuffix(col, "_rank")
			switch {
			case col == "uCode":
			case col == "Index":
				if want := number(t, cell); !near(r.Value, want, 1e-9) {
					t.Errorf("Index of %s = %.12g, want %.12g", r.Unit, r.Value, want)
				}
			case col == "Index_rank":
				if want := int(number(t, cell)); r.Rank != want {
					t.Errorf("Index rank of %s = %d, want %d", r.Unit, r.Rank, want)
				}
			case isRank:
				if want := int(number(t, cell)); groupRanks[code][r.Unit] != want {
					t.Errorf("%s rank of %s = %d, want %d", code, r.Unit, groupRanks[code][r.Unit], want)
				}
			default:
				if want, g := number(t, cell), r.Groups[strings.ToLower(col)]; !near(g, want, 1e-9) {
					t.Errorf("%s of %s = %.12g, want %.12g", col, r.Unit, g, want)
				}
			}
		}
	}
}

func TestAnchorEntropy(t *testing.T) {
	cols := []string{"C1", "C2", "C3", "C4", "C5"}
	records := wideRecords(t, readTable(t, "entropy_elsayed2017_input.csv"), "alt", cols)
	var b strings.Builder
	fmt.Fprintf(&b, "name: entropy\nweighting: entropy\ntracks: [{name: %s}]\ninputs: [C1, C2, C3, C4, C5]\nindicators:\n", unitTrack)
	for _, c := range cols {
		fmt.Fprintf(&b, "  - {id: %s, name: %s, source: %s, normalise: {method: none}}\n", strings.ToLower(c), c, c)
	}
	got := evaluateAnchor(t, b.String(), records)["A1"].Contributions

	for i, row := range readTable(t, "entropy_elsayed2017_expected_weights.csv") {
		w := got[i].Weight
		if want := number(t, row["computed_weight"]); !near(w, want, 1e-9) {
			t.Errorf("weight of %s = %.12g, want %.12g", row["criterion"], w, want)
		}
		if want := number(t, row["expected_weight_published"]); math.Abs(w-want) > 5e-7 {
			t.Errorf("weight of %s = %.6f, want the published %.6f", row["criterion"], w, want)
		}
	}
}

func TestAnchorTOPSIS(t *testing.T) {
	input := readTable(t, "topsis_cases_input.csv")
	criteria := readTable(t, "topsis_cases_criteria.csv")
	for _, want := range groupRows(readTable(t, "topsis_cases_expected.csv"), "case", "normalisation") {
		caseName, norm := want[0]["case"], want[0]["normalisation"]
		t.Run(caseName+"/"+norm, func(t *testing.T) {
			rules, cols := topsisRules(criteria, caseName, norm)
			var rows []map[string]string
			for _, row := range input {
				if row["case"] == caseName {
					rows = append(rows, row)
				}
			}
			got := evaluateAnchor(t, rules, wideRecords(t, rows, "alt", cols))
			for _, row := range want {
				r := got[row["alt"]]
				if w := number(t, row["computed_score"]); !near(r.Value/100, w, 1e-9) {
					t.Errorf("closeness of %s = %.12g, want %.12g", r.Unit, r.Value/100, w)
				}
				if row["published_score"] != "" {
					if w := number(t, row["published_score"]); math.Abs(r.Value/100-w) > 5e-4 {
						t.Errorf("closeness of %s = %.4f, want the published %s", r.Unit, r.Value/100, row["published_score"])
					}
				}
				if w := int(number(t, row["computed_rank"])); r.Rank != w {
					t.Errorf("rank of %s = %d, want %d", r.Unit, r.Rank, w)
				}
			}
		})
	}
}

func topsisRules(criteria []map[string]string, caseName, norm string) (string, []string) {
	normalise := "{method: vector}"
	if norm == "minmax" {
		normalise = "{method: minmax, range: [0, 1]}"
	}
	var b strings.Builder
	var leaves strings.Builder
	var cols []string
	for _, c := range criteria {
		if c["case"] != caseName {
			continue
		}
		cols = append(cols, c["criterion"])
		dir := "higher"
		if c["type"] == "-1" {
			dir = "lower"
		}
		fmt.Fprintf(&leaves, "  - {id: %s, name: %s, source: %s, weight: %s, direction: %s, normalise: %s}\n",
			c["criterion"], c["criterion"], c["criterion"], c["weight"], dir, normalise)
	}
	fmt.Fprintf(&b, "name: topsis\naggregate: topsis\ntracks: [{name: %s}]\ninputs: [%s]\nindicators:\n%s",
		unitTrack, strings.Join(cols, ", "), leaves.String())
	return b.String(), cols
}

// groupRows splits rows into runs that share the values of keys, in order.
func groupRows(rows []map[string]string, keys ...string) [][]map[string]string {
	var out [][]map[string]string
	key := func(r map[string]string) string {
		var parts []string
		for _, k := range keys {
			parts = append(parts, r[k])
		}
		return strings.Join(parts, "\x00")
	}
	for i, r := range rows {
		if i == 0 || key(r) != key(rows[i-1]) {
			out = append(out, nil)
		}
		out[len(out)-1] = append(out[len(out)-1], r)
	}
	return out
}

func ahpMatrix(tb testing.TB) ([]string, [][]float64) {
	tb.Helper()
	var names []string
	var matrix [][]float64
	for _, row := range readTable(tb, "ahp_saaty2008_drinks_matrix.csv") {
		names = append(names, row["row"])
	}
	for _, row := range readTable(tb, "ahp_saaty2008_drinks_matrix.csv") {
		var r []float64
		for _, n := range names {
			r = append(r, number(tb, row[n]))
		}
		matrix = append(matrix, r)
	}
	return names, matrix
}

func TestAnchorAHP(t *testing.T) {
	names, matrix := ahpMatrix(t)
	consistency := map[string]float64{}
	for _, row := range readTable(t, "ahp_saaty2008_drinks_expected_consistency.csv") {
		consistency[row["quantity"]] = number(t, row["value"])
	}

	res, err := AHPWeights(matrix, RISaaty1980)
	if err != nil {
		t.Fatalf("AHPWeights: %v", err)
	}
	for i, row := range readTable(t, "ahp_saaty2008_drinks_expected_weights.csv") {
		if row["element"] != names[i] {
			t.Fatalf("weights row %d is %s, want %s", i, row["element"], names[i])
		}
		if want := number(t, row["computed_weight_eigen"]); !near(res.Weights[i], want, 1e-9) {
			t.Errorf("weight of %s = %.12g, want %.12g", names[i], res.Weights[i], want)
		}
		if want := number(t, row["published_weight_eigen_3dp"]); math.Abs(res.Weights[i]-want) > 5e-4 {
			t.Errorf("weight of %s = %.3f, want the published %.3f", names[i], res.Weights[i], want)
		}
	}
	checks := []struct {
		name      string
		got, want float64
	}{
		{"lambda_max", res.LambdaMax, consistency["lambda_max"]},
		{"CI", res.CI, consistency["CI"]},
		{"CR_saaty1980", res.CR, consistency["CR_saaty1980"]},
	}
	for table, key := range map[string]string{RISaaty2005: "CR_saaty2005_published_0.022", RIDoneganDodd: "CR_dd_published_0.0235"} {
		other, err := AHPWeights(matrix, table)
		if err != nil {
			t.Fatalf("AHPWeights(%s): %v", table, err)
		}
		checks = append(checks, struct {
			name      string
			got, want float64
		}{key, other.CR, consistency[key]})
	}
	for _, c := range checks {
		if !near(c.got, c.want, 1e-8) {
			t.Errorf("%s = %.12g, want %.12g", c.name, c.got, c.want)
		}
	}
	if math.Abs(res.CR-0.022) > 5e-4 {
		t.Errorf("CR = %.4f, want the published 0.022", res.CR)
	}
}

func TestAnchorRandomIndexTables(t *testing.T) {
	for _, row := range readTable(t, "ahp_random_index_tables.csv") {
		n := int(number(t, row["n"]))
		for table, col := range map[string]string{RISaaty1980: "RI_saaty1980", RISaaty2005: "RI_saaty2005", RIDoneganDodd: "RI_donegan_dodd1991"} {
			got, err := RandomIndex(table, n)
			if want := number(t, row[col]); err != nil || got != want {
				t.Errorf("RandomIndex(%s, %d) = %v, %v; want %v", table, n, got, err, want)
			}
		}
	}
}

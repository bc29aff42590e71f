package clickhouse

import (
	"fmt"
	"strings"
)

// parseFloatLists parses comma-separated number lists that must each hold n
// values.
func parseFloatLists(n int, lists ...string) ([][]float64, error) {
	out := make([][]float64, len(lists))
	for i, l := range lists {
		vals := []float64{}
		if l != "" {
			for _, p := range strings.Split(l, ",") {
				f, err := parseFloat(p)
				if err != nil {
					return nil, err
				}
				vals = append(vals, f)
			}
		}
		if len(vals) != n {
			return nil, fmt.Errorf("array has %d values, want %d", len(vals), n)
		}
		out[i] = vals
	}
	return out, nil
}

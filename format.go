package saima

import "github.com/shopspring/decimal"

// roundFixed rounds through the shortest decimal that reads back as v, so
// that 84.45 rounds to 84.5 as a person expects, although the nearest binary
// double is slightly below 84.45.
func roundFixed(v float64, places int32) string {
	return decimal.NewFromFloat(v).Round(places).StringFixed(places)
}

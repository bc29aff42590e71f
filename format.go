package saima

import "github.com/shopspring/decimal"

// roundFixed rounds through the shortest decimal that reads back as v, so
// that 84.45 rounds to 84.5 as a person expects, although the nearest binary
// double is slightly below 84.45. It first rounds to 9 places, the precision
// at which scoring treats two composites as tied, so that arithmetic noise
// such as 51.24999999999999 for 51.25 also rounds up.
func roundFixed(v float64, places int32) string {
	return decimal.NewFromFloat(v).Round(9).Round(places).StringFixed(places)
}

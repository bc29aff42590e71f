package saima

import (
	"strconv"

	"github.com/shopspring/decimal"
)

// excelDigits is how many significant digits Excel keeps of a number.
const excelDigits = 15

// ExcelDecimal returns the finite v rounded to Excel's 15 significant
// digits, as Excel shows a number stored as a double: 80.800000000000011,
// the double of 20.1+60.7, is 80.8.
func ExcelDecimal(v float64) decimal.Decimal {
	// FormatFloat writes an exponent for large and small values, which
	// NewFromString reads.
	d, _ := decimal.NewFromString(strconv.FormatFloat(v, 'g', excelDigits, 64))
	return d
}

// roundFixed rounds through the shortest decimal that reads back as v, so
// that 84.45 rounds to 84.5 as a person expects, although the nearest binary
// double is slightly below 84.45. It first rounds to 9 places, the precision
// at which scoring treats two composites as tied, so that arithmetic noise
// such as 51.24999999999999 for 51.25 also rounds up.
func roundFixed(v float64, places int32) string {
	return decimal.NewFromFloat(v).Round(9).Round(places).StringFixed(places)
}

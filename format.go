package saima

import (
	"math"
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

// FormatNumber formats a number that a message quotes, such as a weight
// or an override and its bound. It writes two decimal places, as the
// indicator tables do, unless the number needs more, and then all the
// digits it has. It never writes an exponent, because %g turns 1e9 into
// 1e+09 and 0.00001 into 1e-05. Like [ExcelDecimal] it keeps 15
// significant digits, which drops float noise such as that of 0.7+0.4.
// NaN and infinities are written as strconv writes them.
func FormatNumber(v float64) string {
	if math.IsNaN(v) || math.IsInf(v, 0) {
		return strconv.FormatFloat(v, 'g', -1, 64)
	}
	d := ExcelDecimal(v)
	if d.Equal(d.Round(2)) {
		return d.StringFixed(2)
	}
	return d.String()
}

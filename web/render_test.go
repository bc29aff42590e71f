package web

import (
	"testing"

	"github.com/shopspring/decimal"
)

func TestFormatPercentAsStored(t *testing.T) {
	tests := []struct {
		in   decimal.NullDecimal
		want string
	}{
		{decimal.NullDecimal{}, "未填报"},
		{decimal.NewNullDecimal(decimal.RequireFromString("40.885")), "40.885%"},
		{decimal.NewNullDecimal(decimal.RequireFromString("40.88")), "40.88%"},
		{decimal.NewNullDecimal(decimal.RequireFromString("33.3333")), "33.3333%"},
		{decimal.NewNullDecimal(decimal.RequireFromString("100.00")), "100%"},
		{decimal.NewNullDecimal(decimal.Zero), "0%"},
	}
	for _, tt := range tests {
		if got := formatPercent(tt.in); got != tt.want {
			t.Errorf("formatPercent(%v) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

// A budget keeps its digits in the ledger workbook: a number cell when a
// double holds it exactly at 15 digits, its text when not.
func TestExactNumber(t *testing.T) {
	if got, ok := exactNumber(decimal.RequireFromString("120.5")).(number); !ok || got.value != 120.5 {
		t.Errorf("exactNumber(120.5) = %#v, want the number cell 120.5", got)
	}
	if got := exactNumber(decimal.RequireFromString("99999999999999.9999")); got != "99999999999999.9999" {
		t.Errorf("exactNumber(99999999999999.9999) = %#v, want the text 99999999999999.9999", got)
	}
}

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

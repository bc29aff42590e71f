package saima

import (
	"errors"
	"fmt"
	"math"
	"testing"
)

func TestFormatScores(t *testing.T) {
	tests := []struct {
		v         float64
		composite string
		indicator string
	}{
		{84.45, "84.5", "84.45"},
		{84.449999, "84.4", "84.45"},
		{100, "100.0", "100.00"},
		{0, "0.0", "0.00"},
		{2.675, "2.7", "2.68"},
		{1.0 / 3, "0.3", "0.33"},
		{51.24999999999999, "51.3", "51.25"},
		{(51.25 - 0) / (100 - 0) * 100, "51.3", "51.25"},
	}
	for _, tt := range tests {
		if got := FormatComposite(tt.v); got != tt.composite {
			t.Errorf("FormatComposite(%v) = %s, want %s", tt.v, got, tt.composite)
		}
		if got := FormatIndicator(tt.v); got != tt.indicator {
			t.Errorf("FormatIndicator(%v) = %s, want %s", tt.v, got, tt.indicator)
		}
	}
}

func TestFormatTotal(t *testing.T) {
	tests := []struct {
		v    float64
		want string
	}{
		{97.14724689165186, "97.1472"},
		{66.0, "66.0000"},
		{12.34565, "12.3457"},
	}
	for _, tt := range tests {
		if got := FormatTotal(tt.v); got != tt.want {
			t.Errorf("FormatTotal(%v) = %s, want %s", tt.v, got, tt.want)
		}
	}
}

func TestFormatNumber(t *testing.T) {
	tests := []struct {
		v    float64
		want string
	}{
		{100, "100.00"},
		{1e9, "1000000000.00"},
		{855, "855.00"},
		{100.01, "100.01"},
		{-5, "-5.00"},
		{0.35, "0.35"},
		{0.125, "0.125"},
		{-1e-7, "-0.0000001"},
		{1.5e-12, "0.0000000000015"},
		{0.7 + 0.4, "1.10"},
		{100.00000000000001, "100.00"},
		{math.Inf(1), "+Inf"},
		{math.NaN(), "NaN"},
	}
	for _, tt := range tests {
		if got := FormatNumber(tt.v); got != tt.want {
			t.Errorf("FormatNumber(%v) = %s, want %s", tt.v, got, tt.want)
		}
	}
}

func TestErrorKinds(t *testing.T) {
	cause := errors.New("dial tcp 127.0.0.1:9000: connection refused")
	err := fmt.Errorf("list units: %w", Wrap(KindUnavailable, "数据库暂时无法访问", cause))
	if ErrorKind(err) != KindUnavailable {
		t.Errorf("ErrorKind = %v, want unavailable", ErrorKind(err))
	}
	if ErrorMessage(err) != "数据库暂时无法访问" {
		t.Errorf("ErrorMessage = %q, want the user message only", ErrorMessage(err))
	}
	if !errors.Is(err, cause) {
		t.Error("the cause is not in the chain")
	}
	plain := errors.New("secret internal detail")
	if ErrorKind(plain) != KindInternal || ErrorMessage(plain) == plain.Error() {
		t.Errorf("an unclassified error must be internal with a generic message, got %v %q", ErrorKind(plain), ErrorMessage(plain))
	}
	if Wrap(KindInvalid, "x", nil) != nil {
		t.Error("Wrap of nil must be nil")
	}
}

func TestExcelDecimal(t *testing.T) {
	tests := []struct {
		in   float64
		want string
	}{
		{80.800000000000011, "80.8"},
		{0.86699999999999999, "0.867"},
		{330203198001011234, "330203198001011000"},
		{0.00012345678901234567, "0.000123456789012346"},
		{-5, "-5"},
	}
	for _, tt := range tests {
		if got := ExcelDecimal(tt.in).String(); got != tt.want {
			t.Errorf("ExcelDecimal(%v) = %s, want %s", tt.in, got, tt.want)
		}
	}
}

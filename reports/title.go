package reports

import (
	"context"
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"

	"saima"
	"saima/ingest"
)

// DefaultCity is the city that the reports' titles name when the caller
// names none: 宁波市, the demo's.
const DefaultCity = "宁波市"

// MaxCityChars is the most characters of a city's name, which keeps the
// title on one line of the cover and of every page header.
const MaxCityChars = 12

// The reports' titles after the city's name.
const (
	quarterlyTitle = "数字化改革赛马考评季度报告"
	annualTitle    = "数字化改革赛马年度考评报告"
	ledgerTitle    = "数字化改革项目台账"
)

// QuarterlyTitle returns the title of city's quarterly report, such as
// 杭州市数字化改革赛马考评季度报告. An empty city means DefaultCity.
func QuarterlyTitle(city string) string { return cityOrDefault(city) + quarterlyTitle }

// AnnualTitle returns the title of city's annual report. An empty city
// means DefaultCity.
func AnnualTitle(city string) string { return cityOrDefault(city) + annualTitle }

// LedgerTitle returns the title of city's ledger PDF. An empty city means
// DefaultCity.
func LedgerTitle(city string) string { return cityOrDefault(city) + ledgerTitle }

// RosterCity returns city, a city read from the roster, when it can head
// a title (see CheckCity), or else DefaultCity.
func RosterCity(city string) string {
	if city != "" && CheckCity(city) == nil {
		return city
	}
	return DefaultCity
}

// UnitLister is a source of the roster, such as clickhouse.Store.
type UnitLister interface {
	ListUnits(ctx context.Context) ([]saima.Unit, error)
}

// TitleCity returns the city that the reports' titles name: configured
// when it is set, else the roster's city (ingest.RosterCity) when
// RosterCity accepts it, else DefaultCity. The roster is read only when
// configured is empty. When the roster cannot be read, TitleCity returns
// DefaultCity with the error, for the caller to log.
func TitleCity(ctx context.Context, configured string, roster UnitLister) (string, error) {
	if configured != "" {
		return configured, nil
	}
	units, err := roster.ListUnits(ctx)
	if err != nil {
		return DefaultCity, fmt.Errorf("read the roster for the reports' city: %w", err)
	}
	return RosterCity(ingest.RosterCity(units)), nil
}

func cityOrDefault(city string) string {
	if city == "" {
		return DefaultCity
	}
	return city
}

// CheckCity returns an error when city cannot head a title: longer than
// MaxCityChars, or with spaces around it or control characters in it.
// An empty city is valid and means DefaultCity.
func CheckCity(city string) error {
	if n := utf8.RuneCountInString(city); n > MaxCityChars {
		return fmt.Errorf("城市名“%s”有 %d 个字，最多 %d 个", city, n, MaxCityChars)
	}
	if strings.TrimSpace(city) != city || strings.ContainsFunc(city, unicode.IsControl) {
		return fmt.Errorf("城市名 %q 的前后有空格，或其中有控制字符，请删去", city)
	}
	return nil
}

package saima

import (
	"errors"
	"fmt"
	"regexp"
	"strconv"
	"time"
)

// Beijing is the time zone of every date and time in the ledger. Dates
// written without a zone are Beijing dates and are never converted.
var Beijing = mustLoadBeijing()

func mustLoadBeijing() *time.Location {
	loc, err := time.LoadLocation("Asia/Shanghai")
	if err != nil {
		// Without tzdata on the host, China has had a fixed +08:00 offset
		// since 1992, which covers every date the ledger holds.
		return time.FixedZone("CST", 8*60*60)
	}
	return loc
}

// Date is a calendar day without a time or zone, as ClickHouse's Date type.
// The zero value is not a valid date; use a *Date or [NullDate] for a date
// that may be missing.
type Date struct {
	Year  int
	Month time.Month
	Day   int
}

// NewDate returns the date y-m-d. It does not normalise: use [ParseDate] or
// [Date.Valid] to check user input.
func NewDate(y int, m time.Month, d int) Date { return Date{y, m, d} }

// DateOf returns the Beijing calendar day of t.
func DateOf(t time.Time) Date {
	y, m, d := t.In(Beijing).Date()
	return Date{y, m, d}
}

// ParseDate parses an ISO date such as 2026-09-30.
func ParseDate(s string) (Date, error) {
	t, err := time.Parse(time.DateOnly, s)
	if err != nil {
		return Date{}, fmt.Errorf("parse date %q: %w", s, err)
	}
	return DateOf(time.Date(t.Year(), t.Month(), t.Day(), 12, 0, 0, 0, Beijing)), nil
}

// The dates that the ledger accepts, from FirstDate to LastDate. A
// reform project's dates fall in this century, so a date outside it is a
// typo, such as 1900-01-01 from an Excel date cell holding 1. ClickHouse's
// Date type holds only 1970-01-01 to 2149-06-06, and would clamp any other
// date into that range without an error.
var (
	FirstDate = Date{2000, time.January, 1}
	LastDate  = Date{2099, time.December, 31}
)

// InLedgerRange reports whether d is from [FirstDate] to [LastDate].
func (d Date) InLedgerRange() bool { return !d.Before(FirstDate) && !d.After(LastDate) }

// ErrPeriodOutOfRange marks a period that a user typed outside the
// ledger's years, from FirstDate.Year to LastDate.Year. No upload takes
// such a period, so no page or command has data for it.
var ErrPeriodOutOfRange = errors.New("period outside the ledger's years")

// LedgerYearsHint is the fix for a period outside the ledger's years,
// such as 0001Q1, in messages to users.
var LedgerYearsHint = fmt.Sprintf("年份应在%d年至%d年之间", FirstDate.Year, LastDate.Year)

// Valid reports whether d names a day that exists in the calendar.
func (d Date) Valid() bool {
	if d.Year < 1 || d.Month < 1 || d.Month > 12 || d.Day < 1 {
		return false
	}
	t := time.Date(d.Year, d.Month, d.Day, 0, 0, 0, 0, time.UTC)
	return t.Day() == d.Day && t.Month() == d.Month
}

// IsZero reports whether d is the zero Date.
func (d Date) IsZero() bool { return d == Date{} }

// Time returns midnight of d in Beijing.
func (d Date) Time() time.Time { return time.Date(d.Year, d.Month, d.Day, 0, 0, 0, 0, Beijing) }

// String formats d as 2026-09-30.
func (d Date) String() string { return fmt.Sprintf("%04d-%02d-%02d", d.Year, int(d.Month), d.Day) }

// Before reports whether d is an earlier day than e.
func (d Date) Before(e Date) bool { return d.Compare(e) < 0 }

// After reports whether d is a later day than e.
func (d Date) After(e Date) bool { return d.Compare(e) > 0 }

// Compare returns -1, 0 or +1 as d is before, equal to or after e.
func (d Date) Compare(e Date) int {
	switch {
	case d.Year != e.Year:
		return sign(d.Year - e.Year)
	case d.Month != e.Month:
		return sign(int(d.Month - e.Month))
	default:
		return sign(d.Day - e.Day)
	}
}

// DaysUntil returns the number of days from d to e, negative when e is
// before d.
func (d Date) DaysUntil(e Date) int {
	a := time.Date(d.Year, d.Month, d.Day, 0, 0, 0, 0, time.UTC)
	b := time.Date(e.Year, e.Month, e.Day, 0, 0, 0, 0, time.UTC)
	return int(b.Sub(a).Hours() / 24)
}

// AddDays returns the date n days after d.
func (d Date) AddDays(n int) Date {
	t := time.Date(d.Year, d.Month, d.Day+n, 0, 0, 0, 0, time.UTC)
	return Date{t.Year(), t.Month(), t.Day()}
}

func (d Date) MarshalText() ([]byte, error) { return []byte(d.String()), nil }

func (d *Date) UnmarshalText(b []byte) error {
	v, err := ParseDate(string(b))
	if err != nil {
		return err
	}
	*d = v
	return nil
}

func sign(n int) int {
	switch {
	case n < 0:
		return -1
	case n > 0:
		return 1
	}
	return 0
}

// PeriodKind is the length of a reporting period.
type PeriodKind int

// Period lengths. A zero Period has kind PeriodNone.
const (
	PeriodNone PeriodKind = iota
	PeriodMonth
	PeriodQuarter
	PeriodYear
)

// Period is a reporting period: a month (2026-09), a quarter (2026Q3) or a
// year (2026). Months count within their quarter.
type Period struct {
	Kind  PeriodKind
	Year  int
	Index int // month 1–12 or quarter 1–4; 0 for a year
}

var (
	quarterRE = regexp.MustCompile(`^(\d{4})Q([1-4])$`)
	monthRE   = regexp.MustCompile(`^(\d{4})-(\d{2})$`)
	yearRE    = regexp.MustCompile(`^(\d{4})$`)
)

// ParsePeriod parses the canonical spellings 2026Q3, 2026-09 and 2026.
// The ingest package accepts the Chinese spellings and maps them to these.
func ParsePeriod(s string) (Period, error) {
	if m := quarterRE.FindStringSubmatch(s); m != nil {
		return Quarter(atoi(m[1]), atoi(m[2])), nil
	}
	if m := monthRE.FindStringSubmatch(s); m != nil {
		month := atoi(m[2])
		if month >= 1 && month <= 12 {
			return Month(atoi(m[1]), month), nil
		}
	}
	if m := yearRE.FindStringSubmatch(s); m != nil {
		return Year(atoi(m[1])), nil
	}
	return Period{}, fmt.Errorf("invalid period %q: want a quarter such as 2026Q3, a month such as 2026-09 or a year such as 2026", s)
}

func atoi(s string) int {
	n, _ := strconv.Atoi(s)
	return n
}

// Quarter returns quarter q (1–4) of year y.
func Quarter(y, q int) Period { return Period{PeriodQuarter, y, q} }

// Month returns month m (1–12) of year y.
func Month(y, m int) Period { return Period{PeriodMonth, y, m} }

// Year returns the year y as a period.
func Year(y int) Period { return Period{PeriodYear, y, 0} }

// IsZero reports whether p is the zero Period.
func (p Period) IsZero() bool { return p.Kind == PeriodNone }

// String formats p canonically: 2026Q3, 2026-09 or 2026.
func (p Period) String() string {
	switch p.Kind {
	case PeriodQuarter:
		return fmt.Sprintf("%04dQ%d", p.Year, p.Index)
	case PeriodMonth:
		return fmt.Sprintf("%04d-%02d", p.Year, p.Index)
	case PeriodYear:
		return fmt.Sprintf("%04d", p.Year)
	}
	return ""
}

// Label formats p for Chinese readers: 2026年第三季度, 2026年9月 or 2026年度.
func (p Period) Label() string {
	switch p.Kind {
	case PeriodQuarter:
		return fmt.Sprintf("%d年第%s季度", p.Year, [...]string{"", "一", "二", "三", "四"}[p.Index])
	case PeriodMonth:
		return fmt.Sprintf("%d年%d月", p.Year, p.Index)
	case PeriodYear:
		return fmt.Sprintf("%d年度", p.Year)
	}
	return ""
}

// InLedgerRange reports whether every day of p is from [FirstDate] to
// [LastDate].
func (p Period) InLedgerRange() bool { return p.Start().InLedgerRange() && p.End().InLedgerRange() }

// Quarter returns the quarter that contains p. A year has no quarter and
// returns the zero Period.
func (p Period) Quarter() Period {
	switch p.Kind {
	case PeriodQuarter:
		return p
	case PeriodMonth:
		return Quarter(p.Year, (p.Index-1)/3+1)
	}
	return Period{}
}

// Start returns the first day of p.
func (p Period) Start() Date {
	switch p.Kind {
	case PeriodQuarter:
		return Date{p.Year, time.Month(3*(p.Index-1) + 1), 1}
	case PeriodMonth:
		return Date{p.Year, time.Month(p.Index), 1}
	}
	return Date{p.Year, time.January, 1}
}

// End returns the last day of p.
func (p Period) End() Date {
	var next Period
	switch p.Kind {
	case PeriodQuarter:
		next = p.Next()
	case PeriodMonth:
		next = p.Next()
	default:
		next = Year(p.Year + 1)
	}
	return next.Start().AddDays(-1)
}

// Contains reports whether day d falls within p.
func (p Period) Contains(d Date) bool {
	return !d.Before(p.Start()) && !d.After(p.End())
}

// Prev returns the period of the same kind just before p.
func (p Period) Prev() Period { return p.shift(-1) }

// JudgingDay returns the day p's milestones are judged on at moment at:
// the day after p's end once p has ended, else the Beijing day of at. A
// milestone planned in p before that day is due, and overdue unless done
// before it. Scores, explanations and reports all use this day.
func (p Period) JudgingDay(at time.Time) Date {
	day := p.End().AddDays(1)
	if today := DateOf(at); today.Before(day) {
		day = today
	}
	return day
}

// Next returns the period of the same kind just after p.
func (p Period) Next() Period { return p.shift(1) }

func (p Period) shift(n int) Period {
	switch p.Kind {
	case PeriodQuarter:
		i := p.Year*4 + p.Index - 1 + n
		return Quarter(i/4, i%4+1)
	case PeriodMonth:
		i := p.Year*12 + p.Index - 1 + n
		return Month(i/12, i%12+1)
	case PeriodYear:
		return Year(p.Year + n)
	}
	return p
}

func (p Period) MarshalText() ([]byte, error) { return []byte(p.String()), nil }

func (p *Period) UnmarshalText(b []byte) error {
	v, err := ParsePeriod(string(b))
	if err != nil {
		return err
	}
	*p = v
	return nil
}

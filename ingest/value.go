package ingest

import (
	"errors"
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/shopspring/decimal"

	"saima"
)

// problem is the reason a cell value was rejected. The reason reads on
// from “某列的值“…””, and the fix is what the unit should write instead.
type problem struct {
	reason string
	fix    string
}

var (
	problemNotDate = &problem{
		reason: "不是可识别的日期",
		fix:    "请按2026-09-30、2026/9/30或2026年9月30日的格式填写",
	}
	problemNoSuchDate = &problem{
		reason: "不是真实存在的日期",
		fix:    "请填写日历上存在的日期，如2026-09-30",
	}
	problemBadZone = &problem{
		reason: "带有不存在的时区（时差最多14小时，分钟最多59）",
		fix:    "北京时间请写+08:00，或者只写日期，如2026-09-30",
	}
	problemDateOutOfRange = &problem{
		reason: "不在" + saima.FirstDate.String() + "至" + saima.LastDate.String() + "之间，可能是笔误",
		fix:    "请核对年份后重新填写",
	}
	problemPeriodOutOfRange = &problem{
		reason: fmt.Sprintf("不在%d年至%d年之间，可能是笔误", saima.FirstDate.Year, saima.LastDate.Year),
		fix:    "请核对年份后重新填写",
	}
	problemNoSuchMonth = &problem{
		reason: "不是真实存在的月份",
		fix:    "请填写1至12月之间的月份，如2026-09、2026年9月或2026年九月",
	}
	problemNotPeriod = &problem{
		reason: "不是可识别的期间",
		fix:    "季度请写2026Q3或2026年第三季度，月份请写2026-09或2026年9月，年度请写2026年度",
	}
	problemNotNumber = &problem{
		reason: "不是数字",
		fix:    "请填写数字，如85或85.5",
	}
	// problemPercentInNumber is a percent in a column of plain numbers,
	// such as a 得分 cell that a spreadsheet formats as a percent.
	problemPercentInNumber = &problem{
		reason: "带有%，本列填写数值，不是百分数",
		fix:    "请填写数值，如85或85.5；如果单元格设置成了百分比格式，请改为常规或数值格式后重新填写",
	}
	problemTooManyPlaces = &problem{
		reason: fmt.Sprintf("小数超过%d位；数据库只保存%d位小数，多出的位数会丢失", storedPlaces, storedPlaces),
		fix:    fmt.Sprintf("请四舍五入到%d位小数后重新上传（Excel 中可用 =ROUND(单元格,%d)）", storedPlaces, storedPlaces),
	}
	problemTooLarge = &problem{
		reason: fmt.Sprintf("数值过大：整数部分最多%d位", maxIntegerDigits),
		fix:    "请检查是否填错了列（例如把身份证号或以元为单位的金额填进了本列），改正后重新上传",
	}
	problemScientific = &problem{
		reason: "是用科学计数法写的数，本列只收普通写法的数",
		fix:    "请写成普通的数，如85、1234.5或0.0001；在Excel中可把单元格设为“数值”格式后重新保存",
	}
	problemPercentNotNumber = &problem{
		reason: "不是数字",
		fix:    "请填写数字或百分数，如85或85%；未填报请留空",
	}
	problemPercentRange = &problem{
		reason: "超出0–100%范围",
		fix:    "请改为0–100之间的数后重新上传",
	}
)

var (
	dateNumericRE = regexp.MustCompile(`^(\d{4})([-/.])(\d{1,2})([-/.])(\d{1,2})$`)
	// dateChineseRE also takes a two-digit year, 26年9月30日, which
	// LibreOffice's Chinese locale shows and writes to CSV for every date
	// typed as 2026年9月30日. It can only mean 20yy, the century that
	// every date of the ledger lies in. The 日 may be missing, as in
	// 2026年9月30, which clerks type. A month alone has no number after
	// its 月, so the reading is not ambiguous.
	dateChineseRE = regexp.MustCompile(`^(\d{4}|\d{2})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*[日号]?$`)
	dateCompactRE = regexp.MustCompile(`^(\d{4})(\d{2})(\d{2})$`)
	farYearRE     = regexp.MustCompile(`^\d{5,}-\d{1,2}-\d{1,2}$`)
	// timeOfDayRE matches 17:45, 17:45:00 or 17:45:00.5, optionally
	// followed by a zone: Z, +08:00 or +0800.
	// timeChineseRE matches a time written with Chinese units, 17时45分,
	// 17点45分 or 17时45分30秒, as Excel's Chinese time formats show it.
	timeChineseRE = regexp.MustCompile(`^(\d{1,2})[时点](\d{2})分(?:(\d{2})秒)?$`)
	timeOfDayRE   = regexp.MustCompile(`^(\d{1,2}):(\d{2})(?::(\d{2})(?:\.\d+)?)?(?:(Z)|([+-])(\d{2}):?(\d{2}))?$`)
)

// parseDate reads a date cell that has been normalised. It accepts
// 2026-9-30, 2026-09-30, 2026/9/30, 2026.09.30, 2026年9月30日, 20260930 and
// 二〇二六年九月三十日, optionally followed by a weekday (星期三) and a time
// of day (17:45, 17:45:00, 17时45分 or 下午 5:45). A time with a
// zone, as in 2026-09-30T17:45:00+08:00 or 2026/9/30 17:45Z, is converted
// to Beijing first, in every spelling. A time without a zone is already
// Beijing time and is dropped.
func parseDate(s string) (saima.Date, *problem) {
	if farYearRE.MatchString(s) {
		// Such as 29279-01-24, the date of a serial number far too large.
		return saima.Date{}, problemDateOutOfRange
	}
	d, prob := parseAnyDate(s)
	if prob == nil && !d.InLedgerRange() {
		return saima.Date{}, problemDateOutOfRange
	}
	return d, prob
}

// parseAnyDate is parseDate without the range check. A day that does not
// exist is problemNoSuchDate in every spelling, with or without a time.
// A weekday written after the day, as Excel's and WPS's long date formats
// show it (2026年9月30日星期三), must be the date's own weekday.
func parseAnyDate(s string) (saima.Date, *problem) {
	if d, ok := isoDate(s); ok {
		if !d.Valid() {
			return saima.Date{}, problemNoSuchDate
		}
		return d, nil
	}

	s, weekday, hasWeekday := cutWeekday(s)
	day, clock := splitDateTime(s)
	date, prob := parseDay(day)
	if prob == nil && hasWeekday && date.Time().Weekday() != weekday {
		return saima.Date{}, problemWrongWeekday(date, weekday)
	}
	if prob != nil || clock == "" {
		return date, prob
	}
	return atTime(date, clock)
}

// weekdayRE matches a weekday as Chinese date formats write it: 星期三,
// 周三 or 礼拜三, optionally in brackets, with 日 or 天 for Sunday.
var weekdayRE = regexp.MustCompile(`\s*\(?(?:星期|周|礼拜)([一二三四五六日天])\)?\s*`)

// chineseWeekdays maps the numeral of a weekday to its time.Weekday.
var chineseWeekdays = map[string]time.Weekday{"一": time.Monday, "二": time.Tuesday, "三": time.Wednesday,
	"四": time.Thursday, "五": time.Friday, "六": time.Saturday, "日": time.Sunday, "天": time.Sunday}

// cutWeekday removes the one weekday that follows the day in the
// normalised date cell s and returns the rest, joined by a space where
// a time follows, and the weekday. A weekday at the start of s is not
// cut, so that 星期三 alone stays no date.
func cutWeekday(s string) (rest string, weekday time.Weekday, ok bool) {
	loc := weekdayRE.FindStringSubmatchIndex(s)
	if loc == nil || loc[0] == 0 || weekdayRE.MatchString(s[loc[1]:]) {
		return s, 0, false
	}
	weekday = chineseWeekdays[s[loc[2]:loc[3]]]
	before, after := s[:loc[0]], s[loc[1]:]
	if after == "" {
		return before, weekday, true
	}
	return before + " " + after, weekday, true
}

// problemWrongWeekday is the error on a date whose written weekday is not
// its own, which means either the day or the weekday was mistyped.
func problemWrongWeekday(date saima.Date, written time.Weekday) *problem {
	return &problem{
		reason: fmt.Sprintf("写的是%s，但%s是%s，日期和星期必有一处写错", weekdayName(written), date, weekdayName(date.Time().Weekday())),
		fix:    "请核对日期后重新填写；可以只写日期，如2026-09-30",
	}
}

// weekdayName returns the Chinese name of d, such as 星期三.
func weekdayName(d time.Weekday) string {
	return "星期" + [...]string{"日", "一", "二", "三", "四", "五", "六"}[d]
}

// parseDay reads the day of a date cell without its time: 2026-9-30,
// 2026/9/30, 2026.09.30, 2026年9月30日 (or 26年9月30日) or 20260930.
func parseDay(day string) (saima.Date, *problem) {
	var y, m, d string
	if g := dateNumericRE.FindStringSubmatch(day); g != nil && g[2] == g[4] {
		y, m, d = g[1], g[3], g[5]
	} else if g := dateChineseRE.FindStringSubmatch(day); g != nil {
		y, m, d = g[1], g[2], g[3]
		if len(y) == 2 {
			y = "20" + y
		}
	} else if g := dateCompactRE.FindStringSubmatch(day); g != nil {
		y, m, d = g[1], g[2], g[3]
	} else if date, ok := chineseNumeralDate(day); ok {
		y, m, d = strconv.Itoa(date.Year), strconv.Itoa(int(date.Month)), strconv.Itoa(date.Day)
	} else {
		return saima.Date{}, problemNotDate
	}

	date := saima.NewDate(atoi(y), time.Month(atoi(m)), atoi(d))
	if !date.Valid() {
		return saima.Date{}, problemNoSuchDate
	}
	return date, nil
}

// dateNumeralRE matches a date in Chinese numerals, 二〇二六年九月三十日,
// as Excel's and WPS's Chinese date format [DBNum1] shows it and a CSV
// export writes it.
var dateNumeralRE = regexp.MustCompile(`^([〇零一二三四五六七八九]{4})年([一二三四五六七八九十]{1,3})月([一二三四五六七八九十]{1,3})[日号]$`)

// chineseNumeralDate reads a day written in Chinese numerals. The date it
// returns may not exist, as 二〇二六年九月三十一日 does not.
func chineseNumeralDate(day string) (saima.Date, bool) {
	g := dateNumeralRE.FindStringSubmatch(day)
	if g == nil {
		return saima.Date{}, false
	}
	year := 0
	for _, r := range g[1] {
		year = year*10 + chineseDigits[r]
	}
	month, ok1 := chineseNumber(g[2])
	d, ok2 := chineseNumber(g[3])
	return saima.Date{Year: year, Month: time.Month(month), Day: d}, ok1 && ok2
}

// shortYear reports whether the normalised date cell s is written with a
// two-digit year, as 26年9月30日 is, which parseDate reads as 20yy.
func shortYear(s string) bool {
	day, _ := splitDateTime(s)
	g := dateChineseRE.FindStringSubmatch(day)
	return g != nil && len(g[1]) == 2
}

// isoDate reads the most common spelling, 2026-09-30, without the regular
// expressions and time parsing of parseDate, which cost about a tenth of
// the time to read a row. The date may not exist.
func isoDate(s string) (saima.Date, bool) {
	if len(s) != 10 || s[4] != '-' || s[7] != '-' {
		return saima.Date{}, false
	}
	y, ok1 := digits(s[0:4])
	m, ok2 := digits(s[5:7])
	d, ok3 := digits(s[8:10])
	return saima.NewDate(y, time.Month(m), d), ok1 && ok2 && ok3
}

// digits reads s as a decimal number of ASCII digits only.
func digits(s string) (int, bool) {
	n := 0
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return 0, false
		}
		n = n*10 + int(s[i]-'0')
	}
	return n, true
}

// splitDateTime splits "2026-09-30 17:45" or "2026-09-30T17:45" into the
// day and the time of day. The Chinese spelling may contain spaces between
// its parts, so it is split only after the closing 日 or 号.
func splitDateTime(s string) (day, clock string) {
	if i := strings.IndexAny(s, "日号"); i >= 0 {
		end := i + len("日")
		return s[:end], trimText(s[end:])
	}
	if i := strings.IndexFunc(s, func(r rune) bool { return r == 'T' || isSpace(r) }); i >= 0 {
		return s[:i], trimText(s[i+1:])
	}
	return s, ""
}

// atTime returns the Beijing day of the time of day clock on date. A
// time without a zone is Beijing time already, and date is returned as
// it is. A zone offset must lie within ±14:00, the range of the world's
// time zones, with minutes up to 59; time.Parse would take +08:60 or
// +24:00.
func atTime(date saima.Date, clock string) (saima.Date, *problem) {
	clock, half := cutHalfDay(clock)
	if c := timeChineseRE.FindStringSubmatch(clock); c != nil {
		clock = c[1] + ":" + c[2]
		if c[3] != "" {
			clock += ":" + c[3]
		}
	}
	g := timeOfDayRE.FindStringSubmatch(clock)
	if g == nil {
		return saima.Date{}, problemNotDate
	}
	hour, minute, second := atoi(g[1]), atoi(g[2]), atoi(g[3])
	if half != "" {
		if hour < 1 || hour > 12 {
			return saima.Date{}, problemNotDate
		}
		hour %= 12
		if half == "pm" {
			hour += 12
		}
	}
	if hour > 23 || minute > 59 || second > 59 {
		return saima.Date{}, problemNotDate
	}
	if g[4] == "" && g[5] == "" {
		return date, nil
	}

	zoneHours, zoneMinutes := atoi(g[6]), atoi(g[7])
	if zoneMinutes > 59 || zoneHours*60+zoneMinutes > 14*60 {
		return saima.Date{}, problemBadZone
	}
	offset := (zoneHours*60 + zoneMinutes) * 60
	if g[5] == "-" {
		offset = -offset
	}
	zone := time.FixedZone("", offset)
	t := time.Date(date.Year, date.Month, date.Day, hour, minute, second, 0, zone)
	return saima.DateOf(t), nil
}

// cutHalfDay removes the 上午 or 下午 that Excel's and WPS's Chinese
// date-time formats put before a 12-hour time (下午 5:45), or the AM or
// PM after it, and returns the time and "am" or "pm". It returns "" when
// clock has no such mark.
func cutHalfDay(clock string) (rest, half string) {
	for mark, h := range map[string]string{"上午": "am", "下午": "pm"} {
		if after, ok := strings.CutPrefix(clock, mark); ok {
			return trimText(after), h
		}
	}
	upper := strings.ToUpper(clock)
	for _, h := range []string{"am", "pm"} {
		if before, ok := strings.CutSuffix(upper, strings.ToUpper(h)); ok {
			return trimText(clock[:len(before)]), h
		}
	}
	return clock, ""
}

var (
	periodQuarterRE = regexp.MustCompile(`^(\d{4})(?:-|年)?Q([1-4])$`)
	periodQuarterCN = regexp.MustCompile(`^(\d{4})(?:年度?)?第?([一二三四1-4])季度?$`)
	// periodMonthsRE matches the three months of a quarter, 2026年7-9月 or
	// 2026年7月至9月, which parsePeriod reads as that quarter.
	periodMonthsRE = regexp.MustCompile(`^(\d{4})年(\d{1,2})月?[-~—–至到](\d{1,2})月份?$`)
	periodMonthRE  = regexp.MustCompile(`^(\d{4})[-/.](\d{1,2})$`)
	periodMonthCN  = regexp.MustCompile(`^(\d{4})年(\d{1,2}|[零〇一二三四五六七八九十]{1,3})月份?$`)
	// periodMonthPacked reads 202609, which a finance or HR system
	// exports for a month.
	periodMonthPacked = regexp.MustCompile(`^(\d{4})(\d{2})$`)
	periodYearRE      = regexp.MustCompile(`^(\d{4})(?:年度?)?$`)

	// periodDotJanuaryRE matches 2026.1, which may be January or October:
	// a spreadsheet keeps 2026.10 typed into a number cell as the number
	// 2026.1, and shows and exports it so.
	periodDotJanuaryRE = regexp.MustCompile(`^(\d{4})\.1$`)
)

// problemDotJanuary is the error on a period such as 2026.1 of year.
func problemDotJanuary(year string) *problem {
	return &problem{
		reason: fmt.Sprintf("无法确定是%s年1月还是%s年10月：表格把输入的%s.10当作数字%s.1保存和显示", year, year, year, year),
		fix:    fmt.Sprintf("请写成%s-01或%s-10（也可写%s年1月或%s年10月），或先把这一列设为文本格式再输入，然后重新上传", year, year, year, year),
	}
}

var chineseQuarter = map[string]int{"一": 1, "二": 2, "三": 3, "四": 4}

// chineseDigits are the values of the Chinese numerals for 0 to 9.
var chineseDigits = map[rune]int{'零': 0, '〇': 0, '一': 1, '二': 2, '三': 3, '四': 4, '五': 5, '六': 6,
	'七': 7, '八': 8, '九': 9}

// chineseNumber reads a whole number from 0 to 99 written in Chinese
// numerals, as a month is: 九, 十, 十二, 二十 or 二十三. It rejects
// digits and spellings that no one writes, such as 一十二 or 十十.
func chineseNumber(s string) (int, bool) {
	r := []rune(s)
	tens, ones := 0, ""
	switch {
	case len(r) == 0:
		return 0, false
	case len(r) == 1 && r[0] != '十':
		n, ok := chineseDigits[r[0]]
		return n, ok
	case r[0] == '十':
		tens, ones = 1, string(r[1:])
	case len(r) >= 2 && r[1] == '十':
		n, ok := chineseDigits[r[0]]
		if !ok || n < 2 {
			return 0, false
		}
		tens, ones = n, string(r[2:])
	default:
		return 0, false
	}
	if ones == "" {
		return tens * 10, true
	}
	or := []rune(ones)
	n, ok := chineseDigits[or[0]]
	if len(or) != 1 || !ok || n == 0 {
		return 0, false
	}
	return tens*10 + n, true
}

// ErrNoSuchMonth marks a month outside 1 to 12 that [ParsePeriod] read,
// such as 2026-13 or 2026年零月.
var ErrNoSuchMonth = errors.New("month outside 1 to 12")

// ParsePeriod reads a period as an upload's 填报期间 cell may give it, for
// query parameters and command arguments: 2026Q3, 2026年第三季度, 2026-09,
// 2026年9月, 2026年九月, 2026 or 2026年度, full-width forms included. It
// rejects a period outside the ledger's years, as an upload does, with an
// error that wraps [saima.ErrPeriodOutOfRange], and a month outside 1 to
// 12 with one that wraps [ErrNoSuchMonth].
func ParsePeriod(s string) (saima.Period, error) {
	p, prob := parsePeriod(s)
	switch {
	case prob == problemNoSuchMonth:
		return saima.Period{}, saima.Wrap(saima.KindInvalid, fmt.Sprintf("“%s”%s，%s", s, prob.reason, prob.fix),
			ErrNoSuchMonth)
	case prob != nil:
		return saima.Period{}, saima.Errorf(saima.KindInvalid, "“%s”%s，%s", s, prob.reason, prob.fix)
	case !p.InLedgerRange():
		prob = problemPeriodOutOfRange
		return saima.Period{}, saima.Wrap(saima.KindInvalid, fmt.Sprintf("“%s”%s，%s", s, prob.reason, prob.fix),
			saima.ErrPeriodOutOfRange)
	}
	return p, nil
}

// parsePeriod reads a 填报期间 or 考评期间 cell: a quarter (2026Q3,
// 2026年第三季度), a month (2026-09, 2026年9月) or a year (2026, 2026年度).
// Whitespace inside the cell is ignored.
func parsePeriod(s string) (saima.Period, *problem) {
	// The canonical 2026Q3 skips the regular expressions.
	if len(s) == 6 && s[4] == 'Q' && s[5] >= '1' && s[5] <= '4' {
		if y, ok := digits(s[:4]); ok {
			return saima.Quarter(y, int(s[5]-'0')), nil
		}
	}
	s = strings.ToUpper(compact(s))
	if g := periodQuarterRE.FindStringSubmatch(s); g != nil {
		return saima.Quarter(atoi(g[1]), atoi(g[2])), nil
	}
	if g := periodQuarterCN.FindStringSubmatch(s); g != nil && strings.Contains(s, "季") {
		q, ok := chineseQuarter[g[2]]
		if !ok {
			q = atoi(g[2])
		}
		return saima.Quarter(atoi(g[1]), q), nil
	}
	if g := periodMonthsRE.FindStringSubmatch(s); g != nil {
		first, last := atoi(g[2]), atoi(g[3])
		if first%3 != 1 || last != first+2 {
			return saima.Period{}, problemNotPeriod
		}
		return saima.Quarter(atoi(g[1]), (first+2)/3), nil
	}
	if g := periodDotJanuaryRE.FindStringSubmatch(s); g != nil {
		return saima.Period{}, problemDotJanuary(g[1])
	}
	for _, re := range []*regexp.Regexp{periodMonthRE, periodMonthCN, periodMonthPacked} {
		if g := re.FindStringSubmatch(s); g != nil {
			m, ok := chineseNumber(g[2])
			if !ok {
				m, ok = digits(g[2])
			}
			switch {
			case !ok:
				return saima.Period{}, problemNotPeriod
			case m < 1 || m > 12:
				return saima.Period{}, problemNoSuchMonth
			}
			return saima.Month(atoi(g[1]), m), nil
		}
	}
	if g := periodYearRE.FindStringSubmatch(s); g != nil {
		return saima.Year(atoi(g[1])), nil
	}
	return saima.Period{}, problemNotPeriod
}

var (
	plainNumberRE   = regexp.MustCompile(`^[+-]?(?:\d+\.?\d*|\.\d+)$`)
	groupedNumberRE = regexp.MustCompile(`^[+-]?\d{1,3}(?:,\d{3})+(?:\.\d+)?$`)
)

// parseDecimal reads a number written in decimal notation, such as 85,
// -2, 99.50 or 1,234.5 (commas only as thousands separators). Whitespace is
// ignored. Exponents, currency signs and units are rejected. The value
// keeps the digits as written, so 100.00 stays 100.00.
func parseDecimal(s string) (decimal.Decimal, bool) {
	s = compact(s)
	if !plainNumber(s) {
		// Word and WPS type the minus sign U+2212, which NFKC keeps.
		s = strings.Replace(s, "\u2212", "-", 1)
		if groupedNumberRE.MatchString(s) {
			s = strings.ReplaceAll(s, ",", "")
		}
		if !plainNumberRE.MatchString(s) {
			return decimal.Decimal{}, false
		}
	}
	d, err := decimal.NewFromString(strings.TrimPrefix(s, "+"))
	return d, err == nil
}

// scientificRE matches a number in scientific notation, such as 8.5e1,
// 1E+17 or 1e-7.
var scientificRE = regexp.MustCompile(`^[+-]?(?:\d+\.?\d*|\.\d+)[eE][+-]?\d+$`)

// scientificProblem returns the problem of a number cell written in
// scientific notation, which parseDecimal rejects: that its value cannot
// be stored when so, and otherwise that it must be written plainly. It
// returns nil for any other text. An exponent beyond ±40 is judged by its
// sign, without building the number's digits.
func scientificProblem(s string) *problem {
	s = compact(s)
	if !scientificRE.MatchString(s) {
		return nil
	}
	mant, exp, _ := strings.Cut(strings.ToLower(s), "e")
	if strings.Trim(mant, "+-0.") == "" {
		return problemScientific
	}
	e, err := strconv.Atoi(exp)
	switch {
	case err != nil && strings.HasPrefix(exp, "-"), err == nil && e < -40:
		return problemTooManyPlaces
	case err != nil, e > 40:
		return problemTooLarge
	}
	d, err := decimal.NewFromString(strings.TrimPrefix(s, "+"))
	if err != nil {
		return problemScientific
	}
	if prob := checkStored(d); prob != nil {
		return prob
	}
	return problemScientific
}

// plainNumber reports whether s matches plainNumberRE, without the regular
// expression: an optional sign, then digits with an optional decimal point
// and more digits, or a point and digits.
func plainNumber(s string) bool {
	if s != "" && (s[0] == '+' || s[0] == '-') {
		s = s[1:]
	}
	intDigits := countDigits(s)
	s = s[intDigits:]
	if s == "" {
		return intDigits > 0
	}
	if s[0] != '.' {
		return false
	}
	fracDigits := countDigits(s[1:])
	return len(s) == 1+fracDigits && intDigits+fracDigits > 0
}

// countDigits returns how many ASCII digits s starts with.
func countDigits(s string) int {
	n := 0
	for n < len(s) && s[n] >= '0' && s[n] <= '9' {
		n++
	}
	return n
}

// isPlaceholder reports whether cell s is a placeholder, written to say
// "not filled in", such as 完成率 "/" or 实际完成日期 "—". A placeholder is
// 未填报, or a cell of dashes and slashes only, whatever dash it uses and
// with spaces anywhere: "-", "——", "— —", "//", "－－". They read as
// missing, with a warning, because they may also hide a forgotten value.
// 未填报 is how saima's own pages and workbooks show a missing 完成率, so a
// clerk who edits an export keeps it.
//
// s is NFKC-normalised, as normalize and compact return it, so full-width
// forms are already ASCII. The loop stops at the first other rune, so a
// cell of text, checked in every row, costs a rune or two.
func isPlaceholder(s string) bool {
	if s == "未填报" {
		return true
	}
	marks := false
	for _, r := range s {
		switch {
		case r == '-' || r == '/' || r == '\u2212' || (r >= '\u2010' && r <= '\u2015'):
			marks = true
		case isSpace(r):
		default:
			return false
		}
	}
	return marks
}

// percentForm is the way a percent cell was written.
type percentForm int

const (
	percentMissing     percentForm = iota // blank: missing, without a warning
	percentPlaceholder                    // "/" and the like: missing, with a warning
	percentSign                           // 85% or ８５％: the value is the percent
	percentBare                           // a plain number: scale decided by the column
)

// percentCell is one percent cell as read, before the column-wide scale rule.
type percentCell struct {
	form  percentForm
	value decimal.Decimal // the number as written, without the % sign
}

// readPercent reads a cell of a percent column. A bare number in (0, 1] is
// returned as written, because its scale depends on the rest of the column;
// see resolvePercents. Values outside 0–100 and text are rejected.
func readPercent(raw string) (percentCell, *problem) {
	s := compact(raw)
	switch {
	case s == "":
		return percentCell{form: percentMissing}, nil
	case isPlaceholder(s):
		return percentCell{form: percentPlaceholder}, nil
	}

	form := percentBare
	if strings.HasSuffix(s, "%") {
		form, s = percentSign, strings.TrimSuffix(s, "%")
	}
	v, ok := parseDecimal(s)
	if !ok && scientificRE.MatchString(s) {
		return percentCell{}, problemScientific
	}
	if !ok {
		return percentCell{}, problemPercentNotNumber
	}
	if v.IsNegative() || v.GreaterThan(hundred) {
		return percentCell{}, problemPercentRange
	}
	return percentCell{form: form, value: v}, nil
}

var hundred = decimal.NewFromInt(100)

// Every decimal column of the ledger is Decimal(18, 4): 4 places after
// the point and 14 before it.
const (
	storedPlaces     = 4
	maxIntegerDigits = 18 - storedPlaces
)

// integerLimit is the least value too large for a Decimal(18, 4) column.
var integerLimit = decimal.New(1, maxIntegerDigits)

// checkStored returns the problem of a number that a Decimal(18, 4) column
// cannot hold: a fifth nonzero place, or 15 integer digits or more. Zeros
// after the fourth place lose nothing, so 85.50000 passes.
func checkStored(d decimal.Decimal) *problem {
	switch {
	case d.Abs().GreaterThanOrEqual(integerLimit):
		return problemTooLarge
	case tooManyPlaces(d):
		return problemTooManyPlaces
	}
	return nil
}

// tooManyPlaces reports whether d has a nonzero digit after the fourth
// place. Most numbers are written with four places or fewer, which the
// exponent shows without rounding.
func tooManyPlaces(d decimal.Decimal) bool {
	return d.Exponent() < -storedPlaces && !d.Round(storedPlaces).Equal(d)
}

// ambiguous reports whether c is a bare number in (0, 1], which may be a
// fraction (0.85 for 85%) or a small percent (0.85%).
func (c percentCell) ambiguous() bool {
	return c.form == percentBare && c.value.IsPositive() && c.value.LessThanOrEqual(decimal.NewFromInt(1))
}

// aboveOne reports whether c is a bare number above 1, which proves that
// the column is written in percent points.
func (c percentCell) aboveOne() bool {
	return c.form == percentBare && c.value.GreaterThan(decimal.NewFromInt(1))
}

// percent returns the value in percent points, multiplying an ambiguous
// bare number by 100 when the column is in fraction form.
func (c percentCell) percent(fractionColumn bool) decimal.NullDecimal {
	switch {
	case c.form == percentMissing || c.form == percentPlaceholder:
		return decimal.NullDecimal{}
	case fractionColumn && c.ambiguous():
		return decimal.NewNullDecimal(c.value.Shift(2))
	}
	return decimal.NewNullDecimal(c.value)
}

// parseBool reads a yes/no cell such as 是否领导领衔.
func parseBool(s string) (bool, bool) {
	switch strings.ToUpper(compact(s)) {
	case "是", "Y", "YES", "TRUE", "1", "√":
		return true, true
	case "否", "N", "NO", "FALSE", "0", "×":
		return false, true
	}
	return false, false
}

func atoi(s string) int {
	n, _ := strconv.Atoi(s)
	return n
}

package saima

import (
	"fmt"
	"strconv"
	"strings"
	"time"
)

// Datasets of the ledger's workflows beyond the project ledger.
const (
	DatasetLists         = "lists"          // 清单事项
	DatasetListDone      = "list_done"      // 清单完成标注
	DatasetProblemSteps  = "problem_steps"  // 问题闭环环节
	DatasetLeaderReports = "leader_reports" // 领衔事项半年报告
)

// ListNames are the city's work lists (清单).
var ListNames = []string{"重大需求", "场景应用", "重大改革", "专项清单", "制度建设"}

// ListItem is one item of a city work list. The record key is (List, ID).
type ListItem struct {
	List     string // one of ListNames
	ID       string // 事项编号, unique within its list
	Name     string
	Unit     string // the responsible unit (责任单位), a roster name
	Goal     string // the stage goal (阶段目标)
	Deadline Date   // 完成时限
	Field    string // 领域, free text

	// Issued is the day the item was put on its list (下达日期), such as
	// the day the list was issued. It is nil when the upload left it empty.
	Issued *Date

	// Recorded is the day the item was first stored: the day of the
	// first successful upload that wrote it. The store fills it in, and
	// it stays zero for an item read from a file.
	Recorded Date

	// Exit is the exit day (退出) of the project whose code is the item's
	// ID, as the demo and the ledger's lists number a project's items. It
	// is nil when no such project exited. The store fills it in.
	Exit *Date
}

// ClosedByExit reports whether the exit of the item's project closed it
// (see [ClosedByExit]). done is the day it was done, nil while it is open.
func (it ListItem) ClosedByExit(done *Date) bool { return ClosedByExit(it.Deadline, done, it.Exit) }

// Start returns the first day on which the item may have been done: its
// 下达日期, or, without one, the day it was first recorded, because
// nothing is done before it is put on a list. issued is true when day is
// the 下达日期. ok is false when the item has neither, as when it was
// read from a file.
func (it ListItem) Start() (day Date, issued, ok bool) {
	switch {
	case it.Issued != nil:
		return *it.Issued, true, true
	case it.Recorded != Date{}:
		return it.Recorded, false, true
	}
	return Date{}, false, false
}

// ListDone records that a list item was done: who marked it and when. The
// record key is (List, ItemID), so marking an item again replaces the
// earlier record.
type ListDone struct {
	List   string
	ItemID string
	Unit   string // the item's responsible unit, for the owner check of unit uploads
	Date   Date   // the day it was done
	By     string // who marked it; readers fill in the uploading account when it is empty
	Note   string // 完成情况, or for a withdrawal its reason
	// Withdrawn marks a withdrawal of the item's mark (撤销标注), written
	// on the day of Date by By. Readers of the current marks never return
	// one: the item is open again until it is marked anew.
	Withdrawn bool
}

// EscalationLevels are the three levels (层级) at which a problem is
// handled, numbered 1 to 3 in both the problem list (问题清单) and the
// problem loop (问题闭环环节). A problem starts at 1, the lead unit of its
// "1+5" system, and each escalation (升级) moves it up a level. City
// leaders, the principal leaders included, are level 3. The loop's steps
// are [LoopStages], not levels.
var EscalationLevels = []string{"牵头单位", "改革办", "市领导"}

// StepEscalate is the problem step that moves a problem to a higher level
// of [EscalationLevels]. It is not one of [LoopStages].
const StepEscalate = "升级"

// ProblemStep is a dated step of a problem on its way through the loop:
// one of [LoopStages], or [StepEscalate]. The record key is (ProblemID,
// Step, Level).
type ProblemStep struct {
	ProblemID string
	Step      string // one of LoopStages or StepEscalate
	Level     int    // index into EscalationLevels plus 1: 1 for 牵头单位 … 3 for 市领导
	Date      Date
	Handler   string // who handled the step (办理单位)
	Note      string

	// StaleLevels are the levels of other stored copies of this loop
	// stage, which saima wrote beside it before a stage was recorded once
	// per problem. Those copies no longer count: the store returns only
	// the copy of the latest upload, the higher level on a tie. A
	// correction at this level or at one of StaleLevels replaces them all.
	// Empty for an escalation, and for a step read from a file.
	StaleLevels []int

	// Row is the row of the uploaded file the step was read from, for
	// error messages; 0 when it came from the store.
	Row int
}

// LevelName returns the name of s.Level, or "" when it is out of range.
func (s ProblemStep) LevelName() string {
	if s.Level < 1 || s.Level > len(EscalationLevels) {
		return ""
	}
	return EscalationLevels[s.Level-1]
}

// HalfYear is a half of a calendar year: Half 1 is January to June, Half
// 2 July to December. The zero value is no half year.
type HalfYear struct {
	Year int
	Half int
}

// ParseHalfYear reads 2026H1, 2026-H2, 2026上半年 or 2026下半年. The year
// is any four digits: whether it lies in the ledger's years is the
// caller's check.
func ParseHalfYear(s string) (HalfYear, error) {
	t := strings.TrimSuffix(strings.TrimSpace(s), "年")
	var y, rest string
	switch {
	case strings.HasSuffix(t, "上半"):
		y, rest = strings.TrimSuffix(t, "上半"), "1"
	case strings.HasSuffix(t, "下半"):
		y, rest = strings.TrimSuffix(t, "下半"), "2"
	default:
		y, rest, _ = strings.Cut(strings.ToUpper(t), "H")
	}
	y = strings.TrimSuffix(strings.TrimSuffix(y, "-"), "年")
	year, err1 := strconv.Atoi(y)
	half, err2 := strconv.Atoi(rest)
	digits := len(y) == 4 && strings.Trim(y, "0123456789") == ""
	if err1 != nil || err2 != nil || !digits || half < 1 || half > 2 {
		return HalfYear{}, fmt.Errorf("invalid half year %q: use a form like 2026H1 or 2026上半年", s)
	}
	return HalfYear{year, half}, nil
}

// HalfYearOf returns the half year that contains d.
func HalfYearOf(d Date) HalfYear {
	if d.Month <= 6 {
		return HalfYear{d.Year, 1}
	}
	return HalfYear{d.Year, 2}
}

// IsZero reports whether h is the zero half year.
func (h HalfYear) IsZero() bool { return h == HalfYear{} }

// String returns h as 2026H1.
func (h HalfYear) String() string { return fmt.Sprintf("%04dH%d", h.Year, h.Half) }

// Label returns h in Chinese, as 2026年上半年.
func (h HalfYear) Label() string {
	if h.Half == 1 {
		return fmt.Sprintf("%d年上半年", h.Year)
	}
	return fmt.Sprintf("%d年下半年", h.Year)
}

// Start returns the first day of h.
func (h HalfYear) Start() Date { return NewDate(h.Year, time.Month(1+6*(h.Half-1)), 1) }

// End returns the last day of h.
func (h HalfYear) End() Date {
	if h.Half == 1 {
		return NewDate(h.Year, 6, 30)
	}
	return NewDate(h.Year, 12, 31)
}

// Next returns the half year after h.
func (h HalfYear) Next() HalfYear {
	if h.Half == 1 {
		return HalfYear{h.Year, 2}
	}
	return HalfYear{h.Year + 1, 1}
}

// LeaderReportGraceDays is how many days after the end of a half year a
// leader-led item's report may arrive before it counts as overdue.
const LeaderReportGraceDays = 15

// LeaderReportDue returns the last day on which the leader-led report of
// half year h may arrive, which is h's last day plus
// [LeaderReportGraceDays]. A report still missing after that day is
// overdue.
func LeaderReportDue(h HalfYear) Date { return h.End().AddDays(LeaderReportGraceDays) }

// LeaderReport is the half-year report on a leader-led project (领导领衔),
// uploaded by its lead unit and confirmed by the leader's office. The
// record key is (ProjectCode, Half). A confirmation is a new version of the
// same record with Confirmed set.
type LeaderReport struct {
	ProjectCode string
	Leader      string // the leading city leader, as the project ledger names them
	Unit        string // the lead unit that reports
	Half        HalfYear
	Results     string // 成果
	Problems    string // 问题
	NextSteps   string // 下步计划
	Submitted   Date   // 报送日期, as the unit stated it

	// Received is the Beijing day saima first received the report: the
	// day of its first upload, or the day the office stated for an import
	// of old history. Nil for a report stored before saima recorded it.
	Received *Date

	ConfirmedBy string // the account of the leader's office that confirmed it; empty until confirmed
	Confirmed   *Date  // the day it was confirmed; nil until confirmed
}

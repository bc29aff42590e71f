package saima

import (
	"cmp"
	"slices"

	"github.com/shopspring/decimal"
)

// Unit kinds. A unit's kind decides its default horse-race track.
const (
	KindDistrict   = "区县（市）" // districts and counties
	KindDepartment = "市直部门"  // city departments
	KindCity       = "市本级"   // the city government itself
	KindOther      = "其他"
)

// KindOrder lists the unit kinds in the order that rankings show the
// tracks named after them.
var KindOrder = []string{KindDistrict, KindDepartment, KindCity, KindOther}

// CompareTracks orders tracks as rankings show them: the tracks of
// KindOrder first, in that order, then every other track. It returns 0
// for two other tracks, so a stable sort keeps their order.
func CompareTracks(a, b string) int {
	return cmp.Compare(trackPosition(a), trackPosition(b))
}

func trackPosition(track string) int {
	if i := slices.Index(KindOrder, track); i >= 0 {
		return i
	}
	return len(KindOrder)
}

// TrackUnranked is the track (赛道) of a unit that the office keeps on the
// roster but out of the ranking on purpose, such as a new functional zone
// of kind 其他. Scoring runs leave such a unit out without an error, and
// the leaderboard lists it as not ranked with its UnrankedReason.
const TrackUnranked = "不参与排名"

// Unit is a body that runs projects and is ranked: a district or county, a
// city department, or the city itself. Name is the roster's spelling and the
// key every other record uses.
type Unit struct {
	Name    string
	Code    string   // optional short code from the roster
	Aliases []string // other spellings that normalise to Name, such as 海曙 for 宁波市海曙区
	Kind    string   // one of the Kind constants
	Track   string   // the horse-race track it is ranked in, or TrackUnranked; defaults to Kind

	// UnrankedReason is why the unit is not ranked (不参与排名原因). The
	// roster import requires it when Track is TrackUnranked and rejects
	// it otherwise.
	UnrankedReason string

	// UnrankedNoData marks a unit that a scoring run left out because it
	// had no value for any indicator, not because the roster keeps it out.
	UnrankedNoData bool
}

// Ranked reports whether u takes part in the ranking: its track is not
// [TrackUnranked].
func (u Unit) Ranked() bool { return u.Track != TrackUnranked }

// FindUnit looks name up in units, first as a roster name and then as an
// alias.
func FindUnit(units []Unit, name string) (Unit, bool) {
	for _, u := range units {
		if u.Name == name {
			return u, true
		}
	}
	for _, u := range units {
		if slices.Contains(u.Aliases, name) {
			return u, true
		}
	}
	return Unit{}, false
}

// The "1+5" systems a project belongs to.
var Systems = []string{"整体智治", "数字政府", "数字经济", "数字社会", "数字法治", "公共数据平台"}

// SystemAliases maps the systems' official names, as the province's
// documents and many units' ledgers spell them, to their names in Systems.
var SystemAliases = map[string]string{
	"党建统领整体智治系统":   "整体智治",
	"党建统领整体智治":     "整体智治",
	"整体智治系统":       "整体智治",
	"数字政府系统":       "数字政府",
	"数字经济系统":       "数字经济",
	"数字社会系统":       "数字社会",
	"数字法治系统":       "数字法治",
	"一体化智能化公共数据平台": "公共数据平台",
}

// Lifecycle stages in order, then the two ends of a project.
var Stages = []string{"预报", "初审", "审核", "论证", "决策", "实施", "评估", "退出", "完成"}

// Project is one multi-span scenario application in the ledger.
type Project struct {
	Code      string
	Name      string
	Unit      string   // responsible unit (责任单位)
	LeadUnit  string   // lead unit of its system (牵头单位)
	Partners  []string // cooperating units (协同单位), other than Unit and LeadUnit
	System    string   // one of Systems
	Scope     string   // 省定先行示范, 全市性 or 区县试点
	Type      string   // 增量开发 or 迭代升级
	Batch     string   // 继续推进, 启动实施 or 谋划设计
	Lists     []string // lists it is on, such as 重大需求 or 场景应用
	LeaderLed bool     // led by a city leader (领导领衔)
	Leader    string
	Budget    decimal.NullDecimal // in 万元; missing when not reported
	StartDate *Date
	DueDate   *Date
}

// StageChange is the stage event kind that records a change of a project's
// goal or period (变更). It is not a stage of [Stages]: after it the project
// must be argued (论证) again, in the next round.
const StageChange = "变更"

// StageEvent records that a project entered a lifecycle stage, or, with
// Stage [StageChange], that its goal or period changed.
type StageEvent struct {
	ProjectCode string
	Stage       string // one of Stages, or StageChange
	Date        Date
	DecidedBy   string // the deciding body, such as 改革办 or 改革委
	Opinion     string

	// Round numbers the passes through a stage: 1 for the first, 2 for
	// the re-argument (论证) after the first change and the stages after
	// it, and so on. A change's own round is the number of the change.
	// Zero is read as 1.
	Round int

	Documents      string // referenced documents (文件) as written, such as 甬改办〔2026〕3号、会议纪要
	ChangeItem     string // what changed (变更事项); StageChange only
	ChangeReason   string // why (变更原因); StageChange only, and required there
	Accountability string // accountability noted on exit (问责情况); required for 退出

	// Withdrawn marks the withdrawal (撤销) of the record of the same
	// project, stage and round, with the reason in Opinion. Readers of
	// the stage history never return one: the record it supersedes is
	// gone from the history, which stays stored.
	Withdrawn bool

	// Row is the row of the uploaded file the event was read from, for
	// error messages; 0 when it came from the store or a form.
	Row int
}

// RoundOrOne returns e.Round, or 1 when it is unset.
func (e StageEvent) RoundOrOne() int { return max(e.Round, 1) }

// Milestone is a timed target of a project. Actual is nil until it is done.
type Milestone struct {
	ProjectCode string
	Name        string
	Unit        string // responsible unit; empty means the project's unit
	Planned     Date
	Actual      *Date
	Status      string // 未开始, 进行中 or 已完成, as the unit reported it

	// Exit is the day its project exited (退出), nil while the project
	// has not exited. The store fills it in; it is nil for a milestone
	// read from a file.
	Exit *Date
}

// DaysLate returns how many days after its planned date m was done, or, when
// m is not done, how many days it is overdue on day asOf. Zero or less means
// on time. The days of an open milestone of an exited project stop at the
// day after the exit.
func (m Milestone) DaysLate(asOf Date) int {
	if m.Actual != nil {
		return m.Planned.DaysUntil(*m.Actual)
	}
	return m.Planned.DaysUntil(lateUntil(asOf, m.Exit))
}

// ClosedByExit reports whether m's project exit closed it (see
// [ClosedByExit]).
func (m Milestone) ClosedByExit() bool { return ClosedByExit(m.Planned, m.Actual, m.Exit) }

// DueBy reports whether m was due before day asOf, so that it counts in an
// on-time rate judged on asOf. A milestone closed by its project's exit is
// never due.
func (m Milestone) DueBy(asOf Date) bool { return m.Planned.Before(asOf) && !m.ClosedByExit() }

// Overdue reports whether m counts as overdue on day asOf: due before it,
// and done late or not done.
func (m Milestone) Overdue(asOf Date) bool { return m.DueBy(asOf) && m.DaysLate(asOf) > 0 }

// ProgressReport is a unit's report on one project for one period. Percent is
// the completion rate in percent points (0–100) and is missing when the unit
// left it blank.
type ProgressReport struct {
	Unit        string
	ProjectCode string
	ProjectName string
	Period      Period
	Percent     decimal.NullDecimal
	ReportDate  *Date
	Progress    string // 进展情况, stored exactly as written
	Problems    string // 存在问题, stored exactly as written
}

// ProgressGraceDays is how many days after a quarter's last day its
// progress reports keep arriving: units report on a quarter once it has
// ended. During these days the reminders still list the quarter's missing
// reports, pages without a period open on it rather than on the new
// quarter's draft, and the annual report leaves that draft out. It is the
// grace that leader-led half-year reports get ([LeaderReportGraceDays]).
const ProgressGraceDays = 15

// ReportingQuarter returns the quarter that ended before today's quarter
// and true while today is at most [ProgressGraceDays] after its last day,
// such as 2026Q4 from 2027-01-01 to 2027-01-15.
func ReportingQuarter(today Date) (Period, bool) {
	prev := Month(today.Year, int(today.Month)).Quarter().Prev()
	return prev, !today.After(prev.End().AddDays(ProgressGraceDays))
}

// Assessment is one score given to a unit on one indicator. Mode is the
// evaluation mode as written, such as 线上日常 or 线下年终, which combines
// online/offline with daily/year-end.
type Assessment struct {
	Unit        string
	ProjectCode string // optional: the project evaluated
	Indicator   string
	Score       decimal.Decimal
	FullMarks   decimal.NullDecimal
	Mode        string
	Period      Period
	Evaluator   string
}

// Problem-loop stages (环节), in order. They are the four steps a problem
// goes through and then 已办结 when it is closed. The levels at which a
// problem is handled are [EscalationLevels].
var LoopStages = []string{"收集", "梳理归类", "分析研判", "分办落实", "已办结"}

// ProblemItem is an entry on the problem list (问题清单).
type ProblemItem struct {
	ID          string
	Unit        string
	ProjectCode string
	Source      string // 自查, 群众反映 or 在线扫描
	Category    string
	Stage       string // one of LoopStages
	Level       int    // level in EscalationLevels, 1–3; 0 when not given
	Opened      Date
	Closed      *Date
	Summary     string

	// Row is the row of the uploaded file the item was read from, for
	// messages; 0 when it came from the store.
	Row int
}

// LedgerEntry is one project as the ledger page shows it: the project, its
// lifecycle stage, and the state of its milestones.
type LedgerEntry struct {
	Project
	Stage          string // latest lifecycle stage; empty when none is recorded
	StageDate      *Date  // when it entered Stage
	Milestones     int
	MilestonesDone int
	Overdue        []Milestone // not done and past their planned date, or done late
	LatestPercent  decimal.NullDecimal
	LatestPeriod   Period
}

// LedgerFilter selects ledger entries. Zero fields match everything.
type LedgerFilter struct {
	Unit        string
	System      string
	Stage       string // the stage the entry counts under (see CountedStage), so 论证 also selects a 变更
	Batch       string
	OverdueOnly bool
	Search      string // substring of the project code or name
	AsOf        Date   // the day overdue is judged on; zero means today in Beijing
}

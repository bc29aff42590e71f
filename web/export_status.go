package web

import (
	"fmt"
	"strings"
	"time"

	"github.com/xuri/excelize/v2"

	"saima"
	"saima/reports"
	"saima/scoring"
)

// rankingStatus is a ranking workbook's statement of whether its result
// is final, worded as the leaderboard words it. A forwarded file has no
// page around it to tell the reader.
type rankingStatus struct {
	// Cell is the status on every unit row: 已发布 v2, or 未发布（草稿）.
	Cell string
	// Title is the workbook's title property, such as
	// 2026年第四季度赛马排名（未发布，草稿）.
	Title string
	// Lines go below the unit rows and into the description property.
	Lines []string
}

// newRankingStatus describes st, the result of period, as exported at now.
func newRankingStatus(period saima.Period, st *scoring.Standing, now time.Time) rankingStatus {
	ev := st.Evaluation
	var rs rankingStatus
	line := "本期结果："
	if ev != nil && ev.Published() {
		rs.Cell = ev.Label()
		rs.Title = period.Label() + "赛马排名（" + ev.Label() + "）"
		line += ev.Label() + "（" + ev.PublishedAt.In(saima.Beijing).Format("2006-01-02 15:04") + " 发布）"
	} else {
		rs.Cell = "未发布（草稿）"
		rs.Title = period.Label() + "赛马排名（未发布，草稿）"
		line += "未发布（草稿，正式发布前可能变化）"
	}
	if asOf := dataAsOf(ev, now); asOf != "" {
		line += "，" + asOf
	}
	rs.Lines = append(rs.Lines, line)

	switch running, readEarly := partialDays(period, st, now); {
	case !running.IsZero():
		rs.Lines = append(rs.Lines,
			fmt.Sprintf("本期到 %s 才结束，以上结果只含目前已上传的数据，不是期末结果。", running))
	case !readEarly.IsZero():
		rs.Lines = append(rs.Lines, fmt.Sprintf("本期已于 %s 结束，但这一版本读取的是 %s 已上传的数据，"+
			"不是期末结果；请改革办按全部数据重新发布。", period.End(), readEarly))
	}
	rs.Lines = append(rs.Lines, "导出时间："+now.In(saima.Beijing).Format("2006-01-02 15:04")+"（北京时间）")
	return rs
}

// partialDays returns the period's last day while the period runs at now.
// After the period it returns, as readEarly, the day st read the ledger
// when that day was on or before the period's end. Both are zero for a
// result read after the period ended.
func partialDays(period saima.Period, st *scoring.Standing, now time.Time) (running, readEarly saima.Date) {
	if end, ok := runningUntil(period, now); ok {
		return end, saima.Date{}
	}
	if day, ok := reports.PartialOn(reports.RankingOf(st, now).ReadAt, period); ok {
		return saima.Date{}, day
	}
	return saima.Date{}, saima.Date{}
}

// write adds the status lines to sh after an empty row.
func (rs rankingStatus) write(sh *sheet) error {
	sh.row++
	for _, line := range rs.Lines {
		if err := sh.add(line); err != nil {
			return err
		}
	}
	return nil
}

// setWorkbookProps sets the document properties that Excel's 信息 pane
// and file managers show. Without them a workbook carries the creation
// date of excelize's built-in template, 2006-09-16. The times are written
// in UTC with a Z, the form that excelize's SetDocProps documents.
func setWorkbookProps(f *excelize.File, title, status string, lines []string, now time.Time) error {
	stamp := now.UTC().Format(time.RFC3339)
	err := f.SetDocProps(&excelize.DocProperties{
		Title:          title,
		ContentStatus:  status,
		Description:    strings.Join(lines, "\n"),
		Creator:        "saima",
		LastModifiedBy: "saima",
		Created:        stamp,
		Modified:       stamp,
		Language:       "zh-CN",
	})
	if err != nil {
		return fmt.Errorf("set workbook properties: %w", err)
	}
	return nil
}

package reports

import (
	"fmt"
	"strings"

	"github.com/samber/lo"

	"saima"
)

// summarize writes the narrative paragraph of a unit's section: its score,
// rank and movement, its best and worst indicators, and counts of its
// progress reports and overdue milestones as of asOf.
func summarize(sec UnitSection, track TrackRanking, asOf saima.Date) string {
	var b strings.Builder
	s := sec.Score
	composite := saima.FormatComposite(s.Value) + "分"
	if sec.Computed != nil {
		composite += "（经人工调整，计算值" + saima.FormatComposite(sec.Computed.Value) + "分）"
	}
	fmt.Fprintf(&b, "%s在%s综合得分%s，在%d个参评单位中%s，%s。",
		s.Unit, trackLabel(track.Track), composite,
		len(track.Scores), rankPhrase(s, track), movementPhrase(s))
	b.WriteString(indicatorSentences(s.Contributions))
	b.WriteString(workloadSentence(sec, asOf))
	return b.String()
}

// trackName returns the track's name, or a stand-in for scores that carry
// none.
func trackName(track string) string {
	if track == "" {
		return "未分赛道"
	}
	return track
}

// trackLabel returns the track's name followed by 赛道, as in 区县（市）赛道,
// without doubling a 赛道 the name already ends with.
func trackLabel(track string) string {
	name := trackName(track)
	if strings.HasSuffix(name, "赛道") {
		return name
	}
	return name + "赛道"
}

// rankPhrase returns 排名第N, or 并列第N when another unit shares the rank.
func rankPhrase(s saima.Score, track TrackRanking) string {
	tied := lo.CountBy(track.Scores, func(o saima.Score) bool { return o.Rank == s.Rank })
	if tied > 1 {
		return fmt.Sprintf("并列第%d", s.Rank)
	}
	return fmt.Sprintf("排名第%d", s.Rank)
}

func movementPhrase(s saima.Score) string {
	switch mv := s.Movement(); {
	case s.PrevRank == 0:
		return "上期未参与排名"
	case mv > 0:
		return fmt.Sprintf("较上期上升%d名", mv)
	case mv < 0:
		return fmt.Sprintf("较上期下降%d名", -mv)
	}
	return "名次与上期持平"
}

// movementLabel is the short form of the movement for tables: ↑2, ↓1, — or
// 新 for a unit that was not ranked in the previous period.
func movementLabel(s saima.Score) string {
	switch mv := s.Movement(); {
	case s.PrevRank == 0:
		return "新"
	case mv > 0:
		return fmt.Sprintf("↑%d", mv)
	case mv < 0:
		return fmt.Sprintf("↓%d", -mv)
	}
	return "—"
}

// indicatorSentences names the best and worst measured indicators, the
// indicators whose score was imputed for lack of data and those left out
// of the composite for lack of data.
func indicatorSentences(contribs []saima.Contribution) string {
	var measured []saima.Contribution
	var missing, leftOut []string
	for _, c := range contribs {
		switch {
		case c.LeftOut():
			leftOut = append(leftOut, "“"+indicatorName(c)+"”")
		case c.Missing:
			missing = append(missing, "“"+indicatorName(c)+"”")
		default:
			measured = append(measured, c)
		}
	}

	var b strings.Builder
	switch {
	case len(measured) == 1:
		c := measured[0]
		fmt.Fprintf(&b, "有数据的指标仅“%s”一项，得分%s分。", indicatorName(c), saima.FormatIndicator(c.Score))
	case len(measured) > 1:
		b.WriteString(bestWorstSentence(measured))
	}
	if len(missing) > 0 {
		fmt.Fprintf(&b, "%s本期无数据，按规则补值计分。", strings.Join(missing, "、"))
	}
	if len(leftOut) > 0 {
		fmt.Fprintf(&b, "%s本期无数据，不计分。", strings.Join(leftOut, "、"))
	}
	return b.String()
}

// bestWorstSentence compares two or more measured indicators. Ties go to the
// indicator listed first in the rule set.
func bestWorstSentence(measured []saima.Contribution) string {
	best, worst := measured[0], measured[0]
	for _, c := range measured[1:] {
		if c.Score > best.Score {
			best = c
		}
		if c.Score < worst.Score {
			worst = c
		}
	}

	bestText, worstText := saima.FormatIndicator(best.Score), saima.FormatIndicator(worst.Score)
	if bestText == worstText {
		return fmt.Sprintf("各项指标得分均为%s分。", bestText)
	}
	return fmt.Sprintf("分项指标中，“%s”得分最高（%s分），“%s”得分最低（%s分）。",
		indicatorName(best), bestText, indicatorName(worst), worstText)
}

func indicatorName(c saima.Contribution) string {
	if c.Name != "" {
		return c.Name
	}
	return c.Indicator
}

// workloadSentence counts the unit's progress reports and overdue
// milestones on day asOf. A milestone done late by then counts as done
// late, not as overdue, and one done after it as still overdue.
func workloadSentence(sec UnitSection, asOf saima.Date) string {
	reports := "本期未填报项目进展"
	if n := len(sec.Projects); n > 0 {
		reports = fmt.Sprintf("本期填报项目进展%d条", n)
	}

	open, late := 0, 0
	for _, m := range sec.Overdue {
		switch {
		case daysLateOn(m, asOf) <= 0:
		case doneBy(m, asOf):
			late++
		default:
			open++
		}
	}
	milestones := "无逾期里程碑"
	switch {
	case open > 0 && late > 0:
		milestones = fmt.Sprintf("%d个里程碑逾期未完成，%d个逾期后完成", open, late)
	case open > 0:
		milestones = fmt.Sprintf("%d个里程碑逾期未完成", open)
	case late > 0:
		milestones = fmt.Sprintf("%d个里程碑逾期后完成", late)
	}
	return reports + "，" + milestones + "。"
}

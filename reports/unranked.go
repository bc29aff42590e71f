package reports

import "saima"

// unranked draws the units that the ranking left out on purpose, with
// their reasons, so that no unit of the roster drops out of the report
// unseen. fromRoster marks a list that comes from the current roster
// instead of the ranking's run. It draws nothing when units is empty.
func (d *document) unranked(units []saima.Unit, fromRoster bool) {
	if len(units) == 0 {
		return
	}
	d.heading("不参与排名的单位", 0, 25)
	if fromRoster {
		d.paragraph("注：本期结果保存时尚未记录当时不参与排名的单位，下表按当前单位名单列出，"+
			"可能与计算本期结果时的名单不同。", "", sizeBody, "L")
	} else {
		d.paragraph("计算本期结果时，下列单位未计入任何赛道的排名：单位名单中它们的赛道为“不参与排名”，或者它们本期没有任何可计分的数据，原因见表中。",
			"", sizeSmall, "L")
	}
	d.pdf.Ln(1)
	d.table(unrankedTable(units))
	d.pdf.Ln(6)
}

// unrankedTable lists units with their 单位类别 and 不参与排名原因.
func unrankedTable(units []saima.Unit) table {
	tb := table{columns: []column{{"单位", 50, "L"}, {"单位类别", 30, "L"}, {"原因", 94, "L"}}}
	for _, u := range units {
		tb.rows = append(tb.rows, []string{u.Name, u.Kind, u.UnrankedReason})
	}
	return tb
}

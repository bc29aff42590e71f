package web

import (
	"fmt"
	"net/url"

	"github.com/gofiber/fiber/v2"

	"saima"
	"saima/reports"
)

// unitPage is the data of unit.html.
type unitPage struct {
	Unit   saima.Unit
	Scores []saima.Score // every scored period, newest first
	Latest *saima.Score  // nil when the unit was never scored
	Charts []chart       // composite trend, then rank trend
	Detail *unitDetail   // radar, projects and overdue milestones

	Reminders *reminders // the unit's missing reports and milestones due soon

	// LedgerLinks is whether the viewer may open the ledger pages: office
	// and leader accounts may, unit accounts may not.
	LedgerLinks bool
}

func (s *Server) handleUnit(c *fiber.Ctx) error {
	name, err := url.PathUnescape(c.Params("name"))
	if err != nil {
		return invalidParam("单位", c.Params("name"), "地址中的单位名称编码有误")
	}
	unit, err := s.findUnit(c, name)
	if err != nil {
		return err
	}
	scores, err := s.store.ListUnitScores(c.UserContext(), unit.Name)
	if err != nil {
		return fmt.Errorf("list unit scores: %w", err)
	}

	page := unitPage{Unit: unit}
	if len(scores) > 0 {
		page.Latest = &scores[latestBegun(scores, saima.DateOf(s.now()))]
		if page.Charts, err = unitCharts(unit.Name, scores); err != nil {
			return err
		}
	}
	for i := len(scores) - 1; i >= 0; i-- {
		page.Scores = append(page.Scores, scores[i])
	}
	if page.Detail, err = s.unitDetail(c.UserContext(), unit, page.Latest, saima.DateOf(s.now())); err != nil {
		return err
	}
	if page.Reminders, err = s.loadReminders(c.UserContext(), unit.Name, DefaultReminderDays); err != nil {
		return err
	}
	viewer, err := s.identity(c)
	if err != nil {
		return err
	}
	page.LedgerLinks = viewer != nil && viewer.account.Role != saima.RoleUnit
	return s.render(c, "unit.html", unit.Name, "leaderboard", page)
}

// findUnit looks name up in the roster, by name or alias.
func (s *Server) findUnit(c *fiber.Ctx, name string) (saima.Unit, error) {
	units, err := s.store.ListUnits(c.UserContext())
	if err != nil {
		return saima.Unit{}, fmt.Errorf("list units: %w", err)
	}
	for _, u := range units {
		if u.Name == name {
			return u, nil
		}
	}
	for _, u := range units {
		for _, alias := range u.Aliases {
			if alias == name {
				return u, nil
			}
		}
	}
	return saima.Unit{}, saima.Errorf(saima.KindNotFound, "单位名单中没有“%s”", name)
}

// unitCharts builds the composite and rank trend lines over the quarters
// the unit was scored in. Scores of months or years are left out so that
// the axis stays one step per quarter.
func unitCharts(unit string, scores []saima.Score) ([]chart, error) {
	var periods, links []string
	var composite, rank []*float64
	for _, sc := range scores {
		if sc.Period.Kind != saima.PeriodQuarter {
			continue
		}
		periods = append(periods, sc.Period.String())
		links = append(links, pageURL("/leaderboard", "period", sc.Period.String(), "track", sc.Track))
		value, place := sc.Value, float64(sc.Rank)
		composite = append(composite, &value)
		rank = append(rank, &place)
	}

	specs := []struct {
		id, title, series string
		values            []*float64
		places            int32 // decimals, as the page's tables show them
		rankAxis          bool
	}{
		{"chart-composite", unit + "综合得分趋势", "综合得分", composite, 1, false},
		{"chart-rank", unit + "赛道名次趋势", "名次", rank, 0, true},
	}
	var charts []chart
	for _, sp := range specs {
		series := []reports.Series{{Name: sp.series, Values: sp.values}}
		option, err := reports.TrendOption(sp.title, periods, series, sp.places)
		if err == nil {
			option, err = reports.AddLinks(option, 0, links)
		}
		if err != nil {
			return nil, fmt.Errorf("trend option: %w", err)
		}
		ch, err := newChart(sp.id, option, 0)
		if err != nil {
			return nil, fmt.Errorf("trend option: %w", err)
		}
		ch.RankAxis = sp.rankAxis
		charts = append(charts, ch)
	}
	return charts, nil
}

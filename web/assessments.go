package web

import (
	"fmt"

	"github.com/gofiber/fiber/v2"

	"saima"
)

// assessmentsPage is the data of assessments.html: each unit's sum of
// 得分 over the assessment records of a period, ranked.
type assessmentsPage struct {
	Period saima.Period
	Totals []saima.AssessmentTotal
}

// assessmentTotalJSON is one unit's total as /api/assessments/totals
// returns it. The total is a decimal string, exact as summed.
type assessmentTotalJSON struct {
	Unit    string `json:"unit"`
	Total   string `json:"total"`
	Records int    `json:"records"`
	Rank    int    `json:"rank"`
}

// assessmentTotals reads the period parameter and returns the period's
// totals. Without one it takes the current quarter, scored or not,
// because assessment records arrive before any run. In the grace days of
// a quarter that the office has not published (see freshQuarter), it
// takes the quarter that has just ended, as the leaderboard does.
func (s *Server) assessmentTotals(c *fiber.Ctx) (saima.Period, []saima.AssessmentTotal, error) {
	period, inGrace, err := s.freshQuarter(c.UserContext())
	if err != nil {
		return period, nil, err
	}
	if inGrace {
		period = period.Prev()
	}
	if param := c.Query("period"); param != "" {
		p, err := periodParam("period", param)
		if err != nil {
			return period, nil, err
		}
		period = p
	}
	records, err := s.store.ListAssessments(c.UserContext(), period)
	if err != nil {
		return period, nil, fmt.Errorf("list assessments: %w", err)
	}
	return period, saima.AssessmentTotals(records, period), nil
}

func (s *Server) handleAssessments(c *fiber.Ctx) error {
	period, totals, err := s.assessmentTotals(c)
	if err != nil {
		return err
	}
	return s.render(c, "assessments.html", period.Label()+"考评得分汇总", "leaderboard",
		assessmentsPage{Period: period, Totals: totals})
}

func (s *Server) handleAssessmentsAPI(c *fiber.Ctx) error {
	period, totals, err := s.assessmentTotals(c)
	if err != nil {
		return err
	}
	out := make([]assessmentTotalJSON, len(totals))
	for i, t := range totals {
		out[i] = assessmentTotalJSON{Unit: t.Unit, Total: t.Total.String(), Records: t.Records, Rank: t.Rank}
	}
	return c.JSON(fiber.Map{"period": period, "totals": out})
}

package web

import (
	"bytes"
	"context"
	"fmt"
	"slices"

	"github.com/gofiber/fiber/v2"

	"saima"
	"saima/reports"
)

// handleAnnualPDF builds the annual stocktake report of a year under
// Config.AnnualRule (reports.DefaultAnnualRule when nil) and sends it as a
// download.
func (s *Server) handleAnnualPDF(c *fiber.Ctx) error {
	year, err := yearParam("year", c.Params("year"))
	if err != nil {
		return err
	}

	scored, err := s.scorePeriods(c.UserContext())
	if err != nil {
		return fmt.Errorf("list score periods: %w", err)
	}
	fresh, inGrace, err := s.freshQuarter(c.UserContext())
	if err != nil {
		return err
	}
	counted := func(p saima.Period) bool {
		return p.Kind == saima.PeriodQuarter && p.Year == year && !(inGrace && p == fresh)
	}
	if !slices.ContainsFunc(scored, counted) {
		if inGrace && slices.Contains(scored, fresh) && fresh.Year == year {
			return saima.Errorf(saima.KindNotFound, "%s刚开始（%s），其草稿只含开始几天上传的数据，%s起计入年度报告；"+
				"在此之前%d年度没有可计入的季度得分", fresh.Label(), fresh.Start(),
				fresh.Start().AddDays(saima.ProgressGraceDays), year)
		}
		return s.noScores(c, saima.Year(year))
	}
	quarters := func(ctx context.Context, q saima.Period) (reports.QuarterRanking, error) {
		if inGrace && q == fresh {
			return reports.QuarterRanking{Withheld: true}, nil
		}
		return s.shownRanking(ctx, q)
	}
	a, err := reports.BuildAnnualFrom(c.UserContext(), s.store, year, s.annualRule(), s.now(), quarters)
	if err != nil {
		return fmt.Errorf("build annual report: %w", err)
	}
	a.Title = reports.AnnualTitle(s.city(c.UserContext()))
	var buf bytes.Buffer
	if err := reports.WriteAnnual(&buf, a, s.fonts, s.log); err != nil {
		return fmt.Errorf("write annual report: %w", err)
	}
	return sendPDF(c, buf.Bytes(), fmt.Sprintf("数字化改革赛马年度考评报告-%d.pdf", year),
		fmt.Sprintf("saima-annual-%d.pdf", year))
}

// handleLedgerPDF sends the projects that match the ledger page's filter
// as a PDF.
func (s *Server) handleLedgerPDF(c *fiber.Ctx) error {
	f, err := s.ledgerFilter(c)
	if err != nil {
		return err
	}
	entries, err := s.store.ListLedger(c.UserContext(), f)
	if err != nil {
		return fmt.Errorf("list ledger: %w", err)
	}

	l := &reports.Ledger{
		Title: reports.LedgerTitle(s.city(c.UserContext())), Filter: filterWords(f), AsOf: f.AsOf,
		GeneratedAt: s.now(), Entries: entries,
	}
	var buf bytes.Buffer
	if err := reports.WriteLedger(&buf, l, s.fonts, s.log); err != nil {
		return fmt.Errorf("write ledger report: %w", err)
	}
	day := f.AsOf.String()
	return sendPDF(c, buf.Bytes(), "项目台账-"+day+".pdf", "saima-ledger-"+day+".pdf")
}

// filterWords describes the ledger filter for the PDF's title block.
func filterWords(f saima.LedgerFilter) []string {
	var words []string
	for _, part := range []struct{ label, value string }{
		{"责任单位", f.Unit}, {"所属系统", f.System}, {"所处阶段", f.Stage}, {"批次", f.Batch}, {"搜索", f.Search},
	} {
		if part.value != "" {
			words = append(words, part.label+"："+part.value)
		}
	}
	if f.OverdueOnly {
		words = append(words, "仅含有逾期里程碑的项目")
	}
	return words
}

// sendPDF replies with a PDF to be saved as name, or asciiName by clients
// that cannot read the UTF-8 form.
func sendPDF(c *fiber.Ctx, pdf []byte, name, asciiName string) error {
	c.Set(fiber.HeaderContentType, "application/pdf")
	c.Set(fiber.HeaderContentDisposition, contentDisposition(name, asciiName))
	c.Set(fiber.HeaderCacheControl, "no-store")
	return c.Send(pdf)
}

func (s *Server) annualRule() reports.AnnualRule {
	if s.cfg.AnnualRule != nil {
		return *s.cfg.AnnualRule
	}
	return reports.DefaultAnnualRule()
}

// city returns the city that the PDF reports' titles name (see
// reports.TitleCity).
func (s *Server) city(ctx context.Context) string {
	city, err := reports.TitleCity(ctx, s.cfg.City, s.store)
	if err != nil {
		s.log.Warn("report titles name the default city", "err", err)
	}
	return city
}

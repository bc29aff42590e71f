package web

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"

	"saima"
	"saima/reports"
	"saima/scoring"
)

// handleQuarterlyPDF builds the quarterly report and sends it as a
// download. The whole PDF is built in memory before the first byte goes
// out, so a failure half-way still gets a proper error reply.
func (s *Server) handleQuarterlyPDF(c *fiber.Ctx) error {
	param := routeParam(c, "period")
	period, err := periodParamOf("period", param, "应为季度，如 2026Q3")
	if err != nil {
		return err
	}
	if period.Kind != saima.PeriodQuarter {
		return invalidParam("period", param, "应为季度，如 2026Q3")
	}

	r, err := s.shownRanking(c.UserContext(), period)
	if err != nil {
		return err
	}
	if len(r.Scores) == 0 {
		return s.noScores(c, period)
	}
	q, err := reports.BuildQuarterlyRanking(c.UserContext(), s.reportSource(r), period, s.now(), s.withLedger(r))
	if err != nil {
		return fmt.Errorf("build quarterly report: %w", err)
	}
	q.Title = reports.QuarterlyTitle(s.city(c.UserContext()))
	var buf bytes.Buffer
	if err := reports.WriteQuarterly(&buf, q, s.fonts, s.log); err != nil {
		return fmt.Errorf("write quarterly report: %w", err)
	}

	c.Set(fiber.HeaderContentType, "application/pdf")
	c.Set(fiber.HeaderContentDisposition, contentDisposition(pdfFileName(period), "saima-quarterly-"+period.String()+".pdf"))
	c.Set(fiber.HeaderCacheControl, "no-store")
	return c.Send(buf.Bytes())
}

// noScores returns the reply to a report of period, which has no scores,
// worded for the viewer. A period that has not begun gets its own message,
// and so does one without any data to score, which scoring would reject.
// Only the office runs saima on the server, so only the office's message
// names the command that scores the period. Leaders and units are asked to
// contact the office.
func (s *Server) noScores(c *fiber.Ctx, period saima.Period) error {
	if err := notBegun(period, s.now(), "，也就没有报告"); err != nil {
		return err
	}
	missing := period.Label() + "尚无考评得分"
	if period.Kind == saima.PeriodYear {
		missing = period.Label() + "各季度均无考评得分"
	}
	office, err := s.viewerIsOffice(c)
	if err != nil {
		return err
	}
	if why := s.withoutData(c.UserContext(), period, office); why != "" {
		return saima.Errorf(saima.KindNotFound, "%s：%s", missing, why)
	}
	if office {
		return saima.Errorf(saima.KindNotFound, "%s：请先在服务器上%s，再生成报告", missing, scoreStep(period, s.now()))
	}
	return saima.Errorf(saima.KindNotFound, "%s，暂时不能生成报告；改革办计算得分后即可下载，如有疑问请联系改革办", missing)
}

// noRun returns the reply to a ranking of period, which has no scoring
// run, worded for the viewer as noScores words it: the office gets the
// steps to score and publish the period, and others whom to ask.
func (s *Server) noRun(c *fiber.Ctx, period saima.Period) error {
	if err := notBegun(period, s.now(), ""); err != nil {
		return err
	}
	office, err := s.viewerIsOffice(c)
	if err != nil {
		return err
	}
	if why := s.withoutData(c.UserContext(), period, office); why != "" {
		return saima.Errorf(saima.KindNotFound, "%s暂无考评结果：%s", period.Label(), why)
	}
	if office {
		return saima.Errorf(saima.KindNotFound, "%s暂无考评结果：请先在服务器上%s，再在排行榜上核对并发布",
			period.Label(), scoreStep(period, s.now()))
	}
	return saima.Errorf(saima.KindNotFound, "%s暂无考评结果：改革办计算并发布后即可查看，如有疑问请联系改革办",
		period.Label())
}

// notBegun returns the not-found error for a period that begins after now,
// with suffix after its text, and nil for one that has begun.
func notBegun(period saima.Period, now time.Time, suffix string) error {
	if start := period.Start(); start.After(saima.DateOf(now)) {
		return saima.Errorf(saima.KindNotFound, "%s尚未开始（%s 开始），还没有考评结果%s",
			period.Label(), start, suffix)
	}
	return nil
}

// viewerIsOffice reports whether the request comes from an office account.
func (s *Server) viewerIsOffice(c *fiber.Ctx) (bool, error) {
	who, err := s.identity(c)
	if err != nil {
		return false, err
	}
	return who != nil && who.account.Role == saima.RoleOffice, nil
}

// scoreStep returns the step that scores period on the server: saima
// score with the period, or with each quarter of a year that has begun by
// now. The embedded engine allows one process per data folder, so the
// step includes stopping saima serve first.
func scoreStep(period saima.Period, now time.Time) string {
	args := []string{period.String()}
	if period.Kind == saima.PeriodYear {
		args = args[:0]
		for q := saima.Quarter(period.Year, 1); q.Year == period.Year; q = q.Next() {
			if !q.Start().After(saima.DateOf(now)) {
				args = append(args, q.String())
			}
		}
	}
	return "运行 saima score " + strings.Join(args, " ") + " 计算得分（用内嵌引擎时先停止 saima serve，算完再启动）"
}

// withoutData returns why period cannot be scored for lack of data, or ""
// when a dry run under the server's rule set finds data in some quarter of
// it. A year is checked quarter by quarter, up to today. It also
// returns "" when the server has no rule set, or the dry run fails for
// another reason, such as a track that the rule set lacks, so that the
// caller keeps its advice to score the period. The office's message
// advises importing the data and scoring. Other viewers can do neither,
// so theirs advises asking the office.
func (s *Server) withoutData(ctx context.Context, period saima.Period, office bool) string {
	svc, ok := s.evaluations()
	if !ok || len(s.rules) == 0 {
		return ""
	}
	svc.Rules = s.rules
	today := saima.DateOf(s.now())
	quarters := []saima.Period{period}
	if period.Kind == saima.PeriodYear {
		quarters = nil
		for i := 1; i <= 4 && !saima.Quarter(period.Year, i).Start().After(today); i++ {
			quarters = append(quarters, saima.Quarter(period.Year, i))
		}
	}
	var why string
	for _, q := range quarters {
		_, err := svc.Evaluate(ctx, q)
		if !errors.Is(err, scoring.ErrNoData) {
			return ""
		}
		why = err.Error()
		if fact, ok := scoring.NoDataFact(err); ok && !office {
			why = fact + "；" + askOffice
		}
	}
	if period.Kind == saima.PeriodYear && why != "" {
		why = period.Label() + "已开始的各季度都没有任何单位有可计分的数据，计分会被拒绝；"
		if office {
			why += "请先导入该年的里程碑、进度填报或考评打分，再计算季度得分"
		} else {
			why += askOffice
		}
	}
	return why
}

// askOffice is the advice for a leader or unit on a period without data,
// which only the office's imports and scoring can change.
const askOffice = "各单位上传数据、改革办计算后即可查看，如有疑问请联系改革办"

// pdfFileName is the Chinese file name the browser saves the report as.
func pdfFileName(p saima.Period) string {
	return "数字化改革赛马考评季度报告-" + p.String() + ".pdf"
}

// contentDisposition returns an attachment header carrying name in the
// UTF-8 filename* form of RFC 6266 and RFC 8187, plus an ASCII filename
// for clients that do not read that form.
func contentDisposition(name, asciiName string) string {
	return fmt.Sprintf(`attachment; filename="%s"; filename*=UTF-8''%s`, asciiName, encodeExtValue(name))
}

// encodeExtValue percent-encodes every byte of s that RFC 8187 does not
// allow unencoded in an ext-value (its attr-char set).
func encodeExtValue(s string) string {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		ch := s[i]
		if isAttrChar(ch) {
			b.WriteByte(ch)
			continue
		}
		fmt.Fprintf(&b, "%%%02X", ch)
	}
	return b.String()
}

func isAttrChar(ch byte) bool {
	switch {
	case 'a' <= ch && ch <= 'z', 'A' <= ch && ch <= 'Z', '0' <= ch && ch <= '9':
		return true
	}
	return strings.IndexByte("!#$&+-.^_`|~", ch) >= 0
}

// shownScores returns period's ranking as the leaderboard shows it: the
// latest published evaluation (or the latest run) with manual overrides
// applied, ordered by track and rank, so that the PDFs match the page.
func (s *Server) shownScores(ctx context.Context, period saima.Period) ([]saima.Score, error) {
	r, err := s.shownRanking(ctx, period)
	return r.Scores, err
}

// shownRanking is shownScores with the ranking's status, for the annual
// report.
func (s *Server) shownRanking(ctx context.Context, period saima.Period) (reports.QuarterRanking, error) {
	st, err := s.standing(ctx, period)
	if saima.ErrorKind(err) == saima.KindNotFound {
		return reports.QuarterRanking{}, nil // the report builder names the command to run first
	}
	if err != nil {
		return reports.QuarterRanking{}, err
	}
	return reports.RankingOf(st, s.now()), nil
}

// reportSource returns the ledger as the ranking r read it, for the
// quarterly PDF: as of its evaluation's data version when it has one.
// withLedger returns r with the store as its Ledger, so that a report's
// workflow chapter reads the ledger as it is now, while its ranking rows
// are read as of r's data version.
func (s *Server) withLedger(r reports.QuarterRanking) reports.QuarterRanking {
	if ledger, ok := s.store.(reports.WorkflowSource); ok {
		r.Ledger = ledger
	}
	return r
}

func (s *Server) reportSource(r reports.QuarterRanking) reports.Source {
	if r.DataAsOf == 0 || s.sourceAt == nil {
		return s.store
	}
	return s.sourceAt(r.DataAsOf)
}

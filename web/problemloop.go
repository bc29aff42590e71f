package web

import (
	"context"
	"fmt"
	"slices"
	"strconv"

	"github.com/gofiber/fiber/v2"

	"saima"
)

// loopStore is the part of the store that /problems/loop reads beyond
// [Store]. clickhouse.Store implements it.
type loopStore interface {
	ListProblemSteps(ctx context.Context) ([]saima.ProblemStep, error)
}

// problemLoopPage is the data of problemloop.html.
type problemLoopPage struct {
	Stats     []saima.LoopLevelStats
	Loops     []loopRow // escalated or open problems, highest level first
	Pager     pager
	PageLoops []loopRow // the part of Loops on the page shown
	Level     int       // the level filter; 0 for all
}

// loopsPerPage is the number of problems a page of /problems/loop lists.
const loopsPerPage = 200

// LevelName returns the name of the level filter, or "" for all levels.
func (p problemLoopPage) LevelName() string { return saima.ProblemStep{Level: p.Level}.LevelName() }

// loopRow is a problem as /problems/loop lists it.
type loopRow struct {
	saima.ProblemLoop
	OpenDays int // days since it was opened; meaningful while it is open
}

func (s *Server) handleProblemLoop(c *fiber.Ctx) error {
	var page problemLoopPage
	if v := c.Query("level"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > len(saima.EscalationLevels) {
			return invalidParam("level", v, levelRange())
		}
		page.Level = n
	}
	loops, err := s.problemLoops(c.UserContext())
	if err != nil {
		return err
	}
	page.Stats = saima.LoopStatsByLevel(loops)
	today := saima.DateOf(s.now())
	for _, l := range followedLoops(loops, page.Level) {
		page.Loops = append(page.Loops, loopRow{ProblemLoop: l, OpenDays: l.Opened.DaysUntil(today)})
	}
	if page.Pager, err = newPager(c, len(page.Loops), loopsPerPage); err != nil {
		return err
	}
	page.PageLoops = pageOf(page.Loops, page.Pager)
	return s.render(c, "problemloop.html", "问题闭环", "problemloop", page)
}

// problemLoops reads the problem list and its steps and joins them.
func (s *Server) problemLoops(ctx context.Context) ([]saima.ProblemLoop, error) {
	ls, ok := s.store.(loopStore)
	if !ok {
		return nil, saima.Errorf(saima.KindUnavailable, "当前数据库不支持问题闭环功能")
	}
	problems, err := s.store.ListProblems(ctx)
	if err != nil {
		return nil, fmt.Errorf("list problems: %w", err)
	}
	steps, err := ls.ListProblemSteps(ctx)
	if err != nil {
		return nil, fmt.Errorf("list problem steps: %w", err)
	}
	return saima.BuildProblemLoops(problems, steps), nil
}

// followedLoops returns the problems the office follows: the escalated
// ones and the open ones, at level (every level when 0), highest level
// first and then oldest first.
func followedLoops(loops []saima.ProblemLoop, level int) []saima.ProblemLoop {
	var out []saima.ProblemLoop
	for _, l := range loops {
		if (l.Level > 1 || !l.Done) && (level == 0 || l.Level == level) {
			out = append(out, l)
		}
	}
	slices.SortStableFunc(out, func(a, b saima.ProblemLoop) int {
		if a.Level != b.Level {
			return b.Level - a.Level
		}
		return a.Opened.Compare(b.Opened)
	})
	return out
}

package web

import (
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/gofiber/fiber/v2"

	"saima"
	"saima/reports"
)

// closedStage is the last stage of the problem loop: the item is closed.
var closedStage = saima.LoopStages[len(saima.LoopStages)-1]

// problemFilter selects items of the problem list. Zero fields match
// everything.
type problemFilter struct {
	Stage    string // one of saima.LoopStages
	Level    int    // a level of saima.EscalationLevels, 1–3
	Unit     string
	Category string
	Open     bool // only items not in closedStage
}

// matches reports whether p passes every field of f, or every field but
// the stage and level when base is set.
func (f problemFilter) matches(p saima.ProblemItem, base bool) bool {
	switch {
	case f.Unit != "" && p.Unit != f.Unit:
	case f.Category != "" && p.Category != f.Category:
	case f.Open && p.Stage == closedStage:
	case base:
		return true
	case f.Stage != "" && p.Stage != f.Stage:
	case f.Level != 0 && p.Level != f.Level:
	default:
		return true
	}
	return false
}

// url returns the problem page with f's unit, category and open flag and
// the given stage and level (0 for any).
func (f problemFilter) url(stage string, level int) string {
	levelText, open := "", ""
	if level != 0 {
		levelText = strconv.Itoa(level)
	}
	if f.Open {
		open = "1"
	}
	return pageURL("/problems", "stage", stage, "level", levelText, "unit", f.Unit,
		"category", f.Category, "open", open)
}

// problemsPage is the data of problems.html.
type problemsPage struct {
	Filter     problemFilter
	AsOf       saima.Date
	Stages     []string
	Levels     []levelChoice
	Units      []string
	Categories []string
	Matrix     []matrixRow  // one per loop stage, then the totals
	Items      []problemRow // the items that match the filter, of every page
	Total      int          // items that match the filter
	Chart      *chart       // nil when no item matches the unit, category and open filters
	Pager      pager
	PageItems  []problemRow // the items of the page shown
}

// problemsPerPage is the most problems one page of /problems lists.
const problemsPerPage = 200

type levelChoice struct {
	Value int
	Name  string
}

// matrixRow counts one loop stage's items per level.
type matrixRow struct {
	Stage string // empty for the totals row
	Cells []matrixCell
	Total matrixCell
}

type matrixCell struct {
	Count int
	Link  string
}

// problemRow is one item as the table shows it.
type problemRow struct {
	saima.ProblemItem
	LevelName string
	Days      int // days open until it closed or, when open, until the page's day
}

// TopLevel reports whether the item is at the top level, which the table
// marks.
func (r problemRow) TopLevel() bool { return r.Level == len(saima.EscalationLevels) }

func (s *Server) handleProblems(c *fiber.Ctx) error {
	f, err := problemFilterOf(c)
	if err != nil {
		return err
	}
	if f.Unit, err = s.unitParam(c, f.Unit); err != nil {
		return err
	}
	ctx := c.UserContext()
	items, err := s.store.ListProblems(ctx)
	if err != nil {
		return fmt.Errorf("list problems: %w", err)
	}
	units, err := s.store.ListUnits(ctx)
	if err != nil {
		return fmt.Errorf("list units: %w", err)
	}

	page := problemsPage{Filter: f, AsOf: saima.DateOf(s.now()), Stages: saima.LoopStages}
	for i, name := range saima.EscalationLevels {
		page.Levels = append(page.Levels, levelChoice{i + 1, name})
	}
	page.Units, page.Categories = problemChoices(items, units)
	page.Matrix = problemMatrix(items, f)
	page.Items = problemRows(items, f, page.AsOf)
	page.Total = len(page.Items)
	if page.Pager, err = newPager(c, page.Total, problemsPerPage); err != nil {
		return err
	}
	page.PageItems = pageOf(page.Items, page.Pager)
	if page.Matrix[len(page.Matrix)-1].Total.Count > 0 {
		ch, err := problemChart("chart-problems", items, f.Unit, f.Category, f.Open)
		if err != nil {
			return err
		}
		page.Chart = &ch
	}
	return s.render(c, "problems.html", "问题清单", "problems", page)
}

// problemFilterOf reads and checks the filter in the query string.
func problemFilterOf(c *fiber.Ctx) (problemFilter, error) {
	f := problemFilter{Stage: c.Query("stage"), Unit: c.Query("unit"), Category: c.Query("category")}
	if f.Stage != "" && !slices.Contains(saima.LoopStages, f.Stage) {
		return f, invalidParam("stage", f.Stage, "可选值为"+strings.Join(saima.LoopStages, "、"))
	}
	if level := c.Query("level"); level != "" {
		n, err := strconv.Atoi(level)
		if err != nil || n < 1 || n > len(saima.EscalationLevels) {
			return f, invalidParam("level", level, levelRange())
		}
		f.Level = n
	}
	switch open := c.Query("open"); open {
	case "", "0", "false":
	case "1", "true", "on":
		f.Open = true
	default:
		return f, invalidParam("open", open, "应为 1 或 0")
	}
	return f, nil
}

// numberedLevels returns the levels of saima.EscalationLevels with their
// numbers, as 1 牵头单位.
func numberedLevels() []string {
	levels := make([]string, len(saima.EscalationLevels))
	for i, name := range saima.EscalationLevels {
		levels[i] = fmt.Sprintf("%d %s", i+1, name)
	}
	return levels
}

// levelRange returns the message for an invalid level parameter of the
// problem pages, naming the valid numbers and their levels.
func levelRange() string {
	return fmt.Sprintf("应为1至%d之间的层级编号（%s）", len(saima.EscalationLevels),
		strings.Join(numberedLevels(), "、"))
}

// problemTermsNote returns the footnote of the problem pages that
// explains the loop's steps (环节) and levels (层级).
func problemTermsNote() string {
	steps := saima.LoopStages[:len(saima.LoopStages)-1]
	return fmt.Sprintf("环节是问题在闭环中的步骤：%s，办结后为%s。"+
		"层级是办理问题的层级，共%d级：%s，每次升级上移一级。",
		strings.Join(steps, " → "), closedStage, len(saima.EscalationLevels),
		strings.Join(numberedLevels(), " → "))
}

// problemChoices returns the units and categories the filter offers: the
// roster and every unit named on the list, and every category on it.
func problemChoices(items []saima.ProblemItem, roster []saima.Unit) (units, categories []string) {
	for _, u := range roster {
		units = append(units, u.Name)
	}
	for _, p := range items {
		if p.Unit != "" && !slices.Contains(units, p.Unit) {
			units = append(units, p.Unit)
		}
		if p.Category != "" && !slices.Contains(categories, p.Category) {
			categories = append(categories, p.Category)
		}
	}
	slices.Sort(categories)
	return rosterOrder(units, roster), categories
}

// problemMatrix counts the items that pass f's unit, category and open
// filters per loop stage and level, and adds a totals row. Each count
// links to the list of its items.
func problemMatrix(items []saima.ProblemItem, f problemFilter) []matrixRow {
	stages := append(slices.Clone(saima.LoopStages), "")
	rows := make([]matrixRow, len(stages))
	for i, st := range stages {
		rows[i] = matrixRow{Stage: st, Cells: make([]matrixCell, len(saima.EscalationLevels)),
			Total: matrixCell{Link: f.url(st, 0)}}
		for j := range saima.EscalationLevels {
			rows[i].Cells[j].Link = f.url(st, j+1)
		}
	}

	totals := &rows[len(rows)-1]
	for _, p := range items {
		if !f.matches(p, true) {
			continue
		}
		i := slices.Index(saima.LoopStages, p.Stage)
		totals.Total.Count++
		if p.Level >= 1 && p.Level <= len(saima.EscalationLevels) {
			totals.Cells[p.Level-1].Count++
		}
		if i < 0 {
			continue
		}
		rows[i].Total.Count++
		if p.Level >= 1 && p.Level <= len(saima.EscalationLevels) {
			rows[i].Cells[p.Level-1].Count++
		}
	}
	return rows
}

// problemRows returns the items that pass every field of f, with how long
// each has been open.
func problemRows(items []saima.ProblemItem, f problemFilter, asOf saima.Date) []problemRow {
	var out []problemRow
	for _, p := range items {
		if !f.matches(p, false) {
			continue
		}
		end := asOf
		if p.Closed != nil {
			end = *p.Closed
		}
		out = append(out, problemRow{ProblemItem: p, LevelName: levelName(p.Level), Days: p.Opened.DaysUntil(end)})
	}
	return out
}

// problemChart stacks the items of each loop stage by level,
// over the items of unit and category (all when empty), only open ones
// when open is set. Each segment links to its items.
func problemChart(id string, items []saima.ProblemItem, unit, category string, open bool) (chart, error) {
	f := problemFilter{Unit: unit, Category: category, Open: open}
	stacks := make([]reports.Stack, len(saima.EscalationLevels))
	for j, name := range saima.EscalationLevels {
		stacks[j] = reports.Stack{Name: name, Values: make([]float64, len(saima.LoopStages)),
			Links: make([]string, len(saima.LoopStages))}
		for i, st := range saima.LoopStages {
			stacks[j].Links[i] = f.url(st, j+1)
		}
	}
	for _, p := range items {
		i := slices.Index(saima.LoopStages, p.Stage)
		if i < 0 || p.Level < 1 || p.Level > len(saima.EscalationLevels) || !f.matches(p, true) {
			continue
		}
		stacks[p.Level-1].Values[i]++
	}

	option, err := reports.StackedBarOption("问题清单：闭环环节与办理层级", saima.LoopStages, stacks)
	if err != nil {
		return chart{}, fmt.Errorf("problem chart option: %w", err)
	}
	return newChart(id, option, 0)
}

// Package demo generates a realistic demo city for saima. The city has a
// roster of Ningbo's districts, counties and city departments, and a ledger
// of about 150 digital-reform projects with their lifecycle stages and
// milestones. Quarterly progress reports, assessments and a problem list run
// up to a given day. The package writes them as the CSV files that units and
// the office upload, so the demo goes through the same import path and
// validation as real data.
//
// Generation is deterministic: the same [Options] give the same bytes.
// Nothing in the output draws a validation warning: milestones marked done
// carry their dates, percentages carry %, and no actual date is after Today.
package demo

import (
	"encoding/csv"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"saima"
)

// origin is the first day of the demo's history. The first progress and
// assessment period is its quarter.
var origin = saima.NewDate(2025, time.January, 1)

// MaxPlanAhead is the most days after Today that a generated date lies.
// The furthest is the due date of a project under way, and of its last
// milestone: up to 480 days after a start at least 10 days before Today.
const MaxPlanAhead = 470

// The range of Today. FirstToday leaves eight months after the origin, so
// that every lifecycle stage has room to happen. LastToday is the last day
// whose plans, up to MaxPlanAhead days ahead, still end by
// [saima.LastDate], the ledger's last date. A later Today is no problem of
// the data: the demo only takes longer, because it scores every quarter
// from the origin's on.
var (
	FirstToday = saima.NewDate(2025, time.September, 1)
	LastToday  = saima.LastDate.AddDays(-MaxPlanAhead)
)

// Options controls generation.
type Options struct {
	// Seed selects the city. The same seed and Today give identical bytes.
	//
	// NOTE: another Today gives another city, not the same city cut at
	// another day, because the plan is drawn back from Today: owners,
	// project codes and stage dates all move. saima demo therefore does
	// not load one city over another, and without --today it loads the
	// stored city's day again (see loadDemo in cmd/saima).
	Seed int64
	// Today is the day the data is generated up to, such as 2026-11-20. No
	// actual date in the output is after it, and progress and assessments run
	// to its quarter. It must be from FirstToday to LastToday.
	Today saima.Date
}

// File is one CSV file that Generate wrote.
type File struct {
	Dataset string // one of the saima.Dataset constants
	Path    string
	Rows    int // data rows, not counting the header
}

// city is the generated content before it is written.
type city struct {
	today    saima.Date
	quarters []saima.Period // from the origin's quarter to Today's
	units    []*unitPlan
	projects []*projectPlan
}

// table is the content of one CSV file.
type table struct {
	dataset, fileName string
	header            []string
	rows              [][]string
}

// Generate writes the demo city's CSV files into dir, creating it if needed,
// and returns them in import order: units, projects, stages, milestones,
// progress, assessments, problems, then the workflow files: list items,
// done marks, problem steps and leader-led half-year reports. Files of the same names are replaced.
// An invalid or out-of-range Today is a saima.KindInvalid error.
func Generate(dir string, opts Options) ([]File, error) {
	if err := opts.validate(); err != nil {
		return nil, err
	}
	tables := newCity(opts).tables(opts.Seed)

	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, fmt.Errorf("create demo folder: %w", err)
	}
	files := make([]File, 0, len(tables))
	for _, t := range tables {
		path := filepath.Join(dir, t.fileName)
		if err := writeCSV(path, t.header, t.rows); err != nil {
			return nil, err
		}
		files = append(files, File{Dataset: t.dataset, Path: path, Rows: len(t.rows)})
	}
	return files, nil
}

func (o Options) validate() error {
	if !o.Today.Valid() || o.Today.Before(FirstToday) || o.Today.After(LastToday) {
		return saima.Errorf(saima.KindInvalid, "演示数据的截止日期“%s”无效，请使用%s至%s之间的日期",
			o.Today, FirstToday, LastToday)
	}
	return nil
}

// newCity plans the units, the projects with their histories and the
// milestones. The tables that follow from them are drawn in tables.
func newCity(opts Options) *city {
	c := &city{today: opts.Today}
	last := saima.Quarter(opts.Today.Year, (int(opts.Today.Month)-1)/3+1)
	for q := saima.Quarter(origin.Year, 1); q != last.Next(); q = q.Next() {
		c.quarters = append(c.quarters, q)
	}

	c.units = planUnits(newRNG(opts.Seed, streamUnits), len(c.quarters))
	c.projects = planProjects(newRNG(opts.Seed, streamProjects), c.units, c.today)
	planMilestones(newRNG(opts.Seed, streamMilestones), c.projects, c.today)
	showPartner(c.projects, AccountUnit)
	planChanges(newRNG(opts.Seed, streamChanges), c.projects, c.today)
	return c
}

func (c *city) tables(seed int64) []table {
	problems := planProblems(newRNG(seed, streamProblems), c)
	lists := planLists(newRNG(seed, streamLists), c)
	return []table{
		{saima.DatasetUnits, "01_units.csv", unitHeader, unitRows(c.units)},
		{saima.DatasetProjects, "02_projects.csv", projectHeader, projectRows(c.projects)},
		{saima.DatasetStages, "03_stages.csv", stageHeader, stageRows(c.projects)},
		{saima.DatasetMilestones, "04_milestones.csv", milestoneHeader, milestoneRows(c.projects)},
		{saima.DatasetProgress, "05_progress.csv", progressHeader, progressRows(newRNG(seed, streamProgress), c)},
		{saima.DatasetAssessments, "06_assessments.csv", assessmentHeader,
			assessmentRows(newRNG(seed, streamAssessments), c)},
		{saima.DatasetProblems, "07_problems.csv", problemHeader, problemRows(problems)},
		{saima.DatasetLists, "08_lists.csv", listHeader, listRows(lists)},
		{saima.DatasetListDone, "09_list_done.csv", listDoneHeader, listDoneRows(lists)},
		{saima.DatasetProblemSteps, "10_problem_steps.csv", problemStepHeader,
			problemStepRows(newRNG(seed, streamProblemSteps), problems, c.today)},
		{saima.DatasetLeaderReports, "11_leader_reports.csv", leaderReportHeader,
			leaderReportRows(newRNG(seed, streamLeaderReports), c)},
	}
}

// writeCSV writes a UTF-8 CSV file without a byte order mark, header first.
func writeCSV(path string, header []string, rows [][]string) error {
	f, err := os.Create(path)
	if err != nil {
		return fmt.Errorf("create %s: %w", filepath.Base(path), err)
	}
	w := csv.NewWriter(f)
	if err := w.Write(header); err != nil {
		f.Close()
		return fmt.Errorf("write %s: %w", filepath.Base(path), err)
	}
	if err := w.WriteAll(rows); err != nil {
		f.Close()
		return fmt.Errorf("write %s: %w", filepath.Base(path), err)
	}
	if err := f.Close(); err != nil {
		return fmt.Errorf("close %s: %w", filepath.Base(path), err)
	}
	return nil
}

package clickhouse

import (
	"context"

	"saima"
)

const problemFields = "id, unit, project_code, source, category, stage, level, opened, closed, summary"

// ListProblems returns the current version of every item on the problem
// list (问题清单), newest first by the day it was opened, then by ID. The
// list holds hundreds to thousands of items, so the dashboards filter and
// count it in Go.
func (s *Store) ListProblems(ctx context.Context) ([]saima.ProblemItem, error) {
	q := "SELECT * FROM (" + latest("problems", problemFields) + ") ORDER BY opened DESC, id"
	rows, err := s.query(ctx, q)
	if err != nil {
		return nil, err
	}
	var out []saima.ProblemItem
	err = scanAll(rows, func() error {
		var p saima.ProblemItem
		var level uint8
		err := rows.Scan(&p.ID, &p.Unit, &p.ProjectCode, &p.Source, &p.Category, &p.Stage, &level,
			&p.Opened, &p.Closed, &p.Summary)
		p.Level = int(level)
		out = append(out, p)
		return err
	})
	return out, err
}

package clickhouse

import (
	"context"

	"saima"
)

var leaderReportColumns = []string{"project_code", "half", "leader", "unit", "results", "problems",
	"next_steps", "submitted", "confirmed_by", "confirmed", "received", "upload_id", "version"}

func leaderReportRows(reps []saima.LeaderReport, id string, v uint64) [][]any {
	out := make([][]any, len(reps))
	for i, r := range reps {
		out[i] = []any{r.ProjectCode, r.Half.String(), r.Leader, r.Unit, r.Results, r.Problems,
			r.NextSteps, r.Submitted, r.ConfirmedBy, r.Confirmed, r.Received, id, v}
	}
	return out
}

// ListLeaderReports returns every half-year report of a leader-led
// project, each in its latest version, by project and half year.
func (s *Store) ListLeaderReports(ctx context.Context) ([]saima.LeaderReport, error) {
	const fields = "project_code, half, leader, unit, results, problems, next_steps, submitted, " +
		"confirmed_by, confirmed, received"
	q := "SELECT " + fields + " FROM (" + latest("leader_reports", fields) +
		") ORDER BY project_code, half"
	rows, err := s.query(ctx, q)
	if err != nil {
		return nil, err
	}
	var out []saima.LeaderReport
	err = scanAll(rows, func() error {
		var r saima.LeaderReport
		var half string
		err := rows.Scan(&r.ProjectCode, &half, &r.Leader, &r.Unit, &r.Results, &r.Problems,
			&r.NextSteps, &r.Submitted, &r.ConfirmedBy, &r.Confirmed, &r.Received)
		if err == nil {
			r.Half, err = saima.ParseHalfYear(half)
		}
		out = append(out, r)
		return err
	})
	return out, err
}

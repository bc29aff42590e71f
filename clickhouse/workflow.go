package clickhouse

import (
	"cmp"
	"context"
	"slices"

	"saima"
)

const stageHistoryFields = "project_code, stage, date, decided_by, opinion, toUInt32(round), documents, " +
	"change_item, change_reason, accountability"

// ListStageHistory returns the stage events of the projects codes, or of
// every project when codes is empty, with the decision columns, by
// project and then in the order of [saima.CompareStageEvents]: by date,
// and on one day by lifecycle. Each (project, stage, round) appears once,
// in its latest version.
func (s *Store) ListStageHistory(ctx context.Context, codes ...string) ([]saima.StageEvent, error) {
	where, args := "1", []any{}
	if len(codes) > 0 {
		where, args = "has(?, project_code)", []any{codes}
	}
	q := "SELECT " + stageHistoryFields + " FROM (" +
		latest("stage_events", "project_code, stage, date, decided_by, opinion, round, documents, "+
			"change_item, change_reason, accountability") +
		" AND withdrawn = 0) WHERE " + where + " ORDER BY project_code, date, round, stage"
	rows, err := s.query(ctx, q, args...)
	if err != nil {
		return nil, err
	}
	var out []saima.StageEvent
	err = scanAll(rows, func() error {
		var e saima.StageEvent
		var round uint32
		err := rows.Scan(&e.ProjectCode, &e.Stage, &e.Date, &e.DecidedBy, &e.Opinion, &round,
			&e.Documents, &e.ChangeItem, &e.ChangeReason, &e.Accountability)
		e.Round = int(round)
		out = append(out, e)
		return err
	})
	if err != nil {
		return nil, err
	}

	// The ORDER BY sorts a day's events by stage name, which puts 决策
	// before 论证 and 变更 before 实施. Sorting again here keeps the
	// lifecycle order in one place, saima.CompareStageEvents.
	slices.SortStableFunc(out, func(a, b saima.StageEvent) int {
		return cmp.Or(cmp.Compare(a.ProjectCode, b.ProjectCode), saima.CompareStageEvents(a, b))
	})
	return out, nil
}

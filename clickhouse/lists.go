package clickhouse

import (
	"context"

	"saima"
)

var listItemColumns = []string{"list", "item_id", "name", "unit", "goal", "deadline", "field",
	"upload_id", "version"}

func listItemRows(items []saima.ListItem, id string, v uint64) [][]any {
	out := make([][]any, len(items))
	for i, it := range items {
		out[i] = []any{it.List, it.ID, it.Name, it.Unit, it.Goal, it.Deadline, it.Field, id, v}
	}
	return out
}

var listDoneColumns = []string{"list", "item_id", "unit", "date", "marked_by", "note", "upload_id", "version"}

func listDoneRows(done []saima.ListDone, id string, v uint64) [][]any {
	out := make([][]any, len(done))
	for i, d := range done {
		out[i] = []any{d.List, d.ItemID, d.Unit, d.Date, d.By, d.Note, id, v}
	}
	return out
}

// ListListItems returns every item of the city's work lists, by list,
// deadline and item ID.
func (s *Store) ListListItems(ctx context.Context) ([]saima.ListItem, error) {
	q := "SELECT list, item_id, name, unit, goal, deadline, field FROM (" +
		latest("list_items", "list, item_id, name, unit, goal, deadline, field") +
		") ORDER BY list, deadline, item_id"
	rows, err := s.query(ctx, q)
	if err != nil {
		return nil, err
	}
	var out []saima.ListItem
	err = scanAll(rows, func() error {
		var it saima.ListItem
		err := rows.Scan(&it.List, &it.ID, &it.Name, &it.Unit, &it.Goal, &it.Deadline, &it.Field)
		out = append(out, it)
		return err
	})
	return out, err
}

// ListListDone returns every done mark, by list and item ID. A mark
// uploaded without a name (标注人) gets the account that uploaded it.
func (s *Store) ListListDone(ctx context.Context) ([]saima.ListDone, error) {
	q := "SELECT d.list, d.item_id, d.unit, d.date, if(d.marked_by != '', d.marked_by, u.uploader), d.note FROM (" +
		latest("list_done", "list, item_id, unit, date, marked_by, note, upload_id") +
		") AS d GLOBAL ANY LEFT JOIN (SELECT id AS upload_id, any(uploader) AS uploader FROM {db}.uploads " +
		"WHERE outcome = 'ok' GROUP BY id) AS u USING (upload_id) ORDER BY d.list, d.item_id"
	rows, err := s.query(ctx, q)
	if err != nil {
		return nil, err
	}
	var out []saima.ListDone
	err = scanAll(rows, func() error {
		var d saima.ListDone
		err := rows.Scan(&d.List, &d.ItemID, &d.Unit, &d.Date, &d.By, &d.Note)
		out = append(out, d)
		return err
	})
	return out, err
}

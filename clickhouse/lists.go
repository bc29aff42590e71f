package clickhouse

import (
	"context"

	"saima"
)

var listItemColumns = []string{"list", "item_id", "name", "unit", "goal", "deadline", "field", "issued",
	"upload_id", "version"}

func listItemRows(items []saima.ListItem, id string, v uint64) [][]any {
	out := make([][]any, len(items))
	for i, it := range items {
		out[i] = []any{it.List, it.ID, it.Name, it.Unit, it.Goal, it.Deadline, it.Field, it.Issued, id, v}
	}
	return out
}

var listDoneColumns = []string{"list", "item_id", "unit", "date", "marked_by", "note", "withdrawn", "upload_id",
	"version"}

func listDoneRows(done []saima.ListDone, id string, v uint64) [][]any {
	out := make([][]any, len(done))
	for i, d := range done {
		out[i] = []any{d.List, d.ItemID, d.Unit, d.Date, d.By, d.Note, boolByte(d.Withdrawn), id, v}
	}
	return out
}

// ListListItems returns every item of the city's work lists, by list,
// deadline and item ID. An item whose ID is the code of an exited project
// gets that project's exit day as its Exit. Recorded is the day, in Beijing, of the first
// successful upload that wrote the item, which stays when later uploads
// correct it. It is the upload's time, not the version, because versions
// follow the real clock while uploads follow saima's, which the demo sets
// to another day.
func (s *Store) ListListItems(ctx context.Context) ([]saima.ListItem, error) {
	q := "SELECT i.list, i.item_id, i.name, i.unit, i.goal, i.deadline, i.field, i.issued, r.recorded FROM (" +
		latest("list_items", "list, item_id, name, unit, goal, deadline, field, issued, key_hash") +
		") AS i GLOBAL ANY LEFT JOIN (" + listItemsRecorded + ") AS r USING (key_hash) " +
		"ORDER BY i.list, i.deadline, i.item_id"
	rows, err := s.query(ctx, q)
	if err != nil {
		return nil, err
	}
	var out []saima.ListItem
	err = scanAll(rows, func() error {
		var it saima.ListItem
		err := rows.Scan(&it.List, &it.ID, &it.Name, &it.Unit, &it.Goal, &it.Deadline, &it.Field, &it.Issued,
			&it.Recorded)
		out = append(out, it)
		return err
	})
	if err != nil {
		return nil, err
	}
	exits, err := s.ListExitDays(ctx)
	for i := range out {
		if d, ok := exits[out[i].ID]; ok {
			out[i].Exit = &d
		}
	}
	return out, err
}

// listItemsRecorded is a query for the day each list item was first
// recorded, by key_hash: the earliest day of a successful upload that
// wrote a version of it. The inner join is ALL, because chDB 26.5 keeps
// one row per left key in an ANY INNER JOIN, which would drop all but one
// item of each upload.
const listItemsRecorded = "SELECT key_hash, min(day) AS recorded FROM (" +
	"SELECT key_hash, upload_id FROM {db}.list_items WHERE {visible}) AS v GLOBAL ALL INNER JOIN (" +
	"SELECT id AS upload_id, toDate(min(at)) AS day FROM {db}.uploads WHERE outcome = 'ok' GROUP BY id) AS u " +
	"USING (upload_id) GROUP BY key_hash"

// ListListDone returns every done mark in effect, by list and item ID. A
// mark uploaded without a name (标注人) gets the account that uploaded it.
// An item whose latest row is a withdrawal has none.
func (s *Store) ListListDone(ctx context.Context) ([]saima.ListDone, error) {
	q := "SELECT d.list, d.item_id, d.unit, d.date, if(d.marked_by != '', d.marked_by, u.uploader), d.note FROM (" +
		latest("list_done", "list, item_id, unit, date, marked_by, note, upload_id, withdrawn") +
		" AND withdrawn = 0) AS d GLOBAL ANY LEFT JOIN (SELECT id AS upload_id, any(uploader) AS uploader FROM {db}.uploads " +
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

package main

import (
	"context"
	"fmt"

	"saima"
	"saima/clickhouse"
)

// rosterUnit returns the roster name of the unit that name names, by its
// roster name or one of its aliases, as the web pages and the API look a
// unit up. A name that is neither comes back unchanged, so that the
// command's own check names it in its message.
func rosterUnit(ctx context.Context, st *clickhouse.Store, name string) (string, error) {
	units, err := st.ListUnits(ctx)
	if err != nil {
		return "", fmt.Errorf("list units: %w", err)
	}
	if u, ok := saima.FindUnit(units, name); ok {
		return u.Name, nil
	}
	return name, nil
}

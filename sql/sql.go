// Package sql embeds saima's ClickHouse schema: numbered files applied in
// order at start-up and recorded in the schema_migrations table.
//
// Every statement must run on both engines saima supports, chDB 26.5 and
// ClickHouse server 18.16, so the files use nothing newer than 18.16. The
// text {db} stands for the database name, which the adapter substitutes
// after checking that it is a plain identifier.
package sql

import "embed"

// Migrations holds the schema files, named NNNN_description.sql.
//
//go:embed *.sql
var Migrations embed.FS

// Package saima holds the vocabulary of the reform office's project ledger
// (一本账) and its horse race (赛马): units, projects, milestones, progress
// reports, assessments, uploads and computed scores, plus the error kinds
// that every layer shares.
//
// The package imports neither the HTTP framework nor the database driver.
// Packages at the edges depend on it:
//
//   - ingest parses and validates what units upload.
//   - scoring turns a quarter's ledger into a ranking.
//   - reports draws charts and writes PDF reports.
//   - clickhouse stores everything in ClickHouse (chDB or a server).
//   - web serves the dashboards and the upload API.
package saima

#!/usr/bin/env bash
# Runs the dashboard and report benchmarks that docs/benchmarks.md records
# under "Dashboards and reports": the leaderboard under 100 concurrent
# clients next to a static file of the same size, and the annual PDF next
# to bare gofpdf. LOAD_DURATION sets each load run's length (default 10s).
# Needs `npm ci` (chDB, ECharts, fonts) and pdftotext (poppler-utils).
set -euo pipefail

cd "$(dirname "$0")/.."
duration="${LOAD_DURATION:-10s}"

echo "machine: $(nproc) CPUs, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//')"
go test ./web -run '^$' -bench '^BenchmarkLeaderboardLoad$' -benchtime=1x \
	-load.duration="$duration" -timeout 30m
go test ./reports -run '^$' -bench '^BenchmarkAnnualReport$' -benchmem -timeout 30m

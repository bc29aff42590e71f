#!/usr/bin/env bash
# Runs the ingest benchmarks that docs/benchmarks.md records under
# "Ingest". It measures CSV rows/s end to end over HTTP into the embedded
# engine, next to ClickHouse's own CSV parser in chDB, and XLSX rows/s next
# to a bare excelize streaming read. Then it measures the peak memory of
# importing a generated file of BIG_MB megabytes (default 1024), in a
# child test process on each engine and through `saima import` under
# /usr/bin/time -v.
#
# Needs `npm ci` (chDB) and, for the server engine, clickhouse-server on
# PATH. The big file and the data folder go in a temporary folder that is
# removed at the end.
set -euo pipefail

cd "$(dirname "$0")/.."
big_mb="${BIG_MB:-1024}"
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT

echo "machine: $(nproc) CPUs, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//')"
# Other work on a shared machine moves these numbers, so record the load.
echo "load: $(uptime)"

echo "== CSV over HTTP, ClickHouse's parser and a naive path; XLSX and excelize"
go test ./web -run '^$' -bench '^Benchmark(UploadCSVOverHTTP|ClickHouseCSV|NaiveCSVPath)$' -benchtime 3x -timeout 30m
go test ./ingest -run '^$' -bench '^Benchmark(ParseCSV|ImportCSV|ParseXLSX|ExcelizeRows)$' -benchtime 3x -timeout 30m

echo "load: $(uptime)"
echo "== peak memory of a ${big_mb} MB import in a child process"
SAIMA_BENCH_BIG_MB="$big_mb" go test ./ingest -run '^$' -bench '^BenchmarkImportPeakRSS$' -benchtime 1x -timeout 60m
if command -v clickhouse-server >/dev/null; then
	SAIMA_BENCH_ENGINE=server SAIMA_BENCH_BIG_MB="$big_mb" \
		go test ./ingest -run '^$' -bench '^BenchmarkImportPeakRSS$' -benchtime 1x -timeout 60m
fi

echo "== saima import of a ${big_mb} MB file under /usr/bin/time -v (embedded engine)"
go build -o "$tmp/saima" ./cmd/saima
export SAIMA_DATA_DIR="$tmp/data" SAIMA_DATABASE=bench SAIMA_LOG_LEVEL=warn
export SAIMA_CHDB_LIB="$PWD/node_modules/@chdb/lib-linux-x64-gnu/libchdb.so"
units="宁波市海曙区 宁波市江北区 宁波市鄞州区 宁波市镇海区 宁波市北仑区 余姚市 慈溪市 宁海县 象山县 市大数据局"
{
	echo "单位,单位类别"
	for u in $units; do echo "$u,区县（市）"; done
} >"$tmp/roster.csv"
"$tmp/saima" import "$tmp/roster.csv" >/dev/null

# The rows of ingest's writeBenchCSV: about 250 bytes each, every key new.
LC_ALL=C awk -v size=$((big_mb * 1024 * 1024)) -v units="$units" 'BEGIN {
	n = split(units, u, " ")
	p[0] = "完成需求调研和方案设计，已进入系统开发阶段，接口联调完成百分之六十，计划下月上线试运行"
	p[1] = "完成数据归集与治理，打通公安、人社、医保等八个部门的数据共享通道，正在开展场景测试"
	p[2] = "驾驶舱一期上线运行，累计接入指标一百二十项，二期开发按计划推进，组织开展两轮用户培训"
	q[0] = "无"; q[1] = "跨部门数据共享接口响应偏慢，已协调市大数据局优化"; q[2] = "部分区县试点数据质量不高，正在组织核对"
	line = "单位,项目编号,项目名称,填报期间,完成率,填报日期,进展情况,存在问题"
	print line; total = length(line) + 1
	for (i = 0; total < size; i++) {
		line = sprintf("%s,NB-%08d,数字化改革重点应用场景%d,2026Q3,%d%%,2026-09-30,%s,%s",
			u[i % n + 1], i, i % 997, i % 101, p[i % 3], q[i % 3])
		print line; total += length(line) + 1
	}
}' >"$tmp/big.csv"
ls -l "$tmp/big.csv" | awk '{printf "file: %.0f MB\n", $5 / 1048576}'
LC_ALL=C /usr/bin/time -v "$tmp/saima" import --dataset progress "$tmp/big.csv" 2>&1 |
	grep -E '已导入|Elapsed|Maximum resident'

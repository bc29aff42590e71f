#!/usr/bin/env bash
# Installs the Debian packages that saima's tests drive, when missing:
# Chromium for the browser tests, poppler-utils (pdftotext, pdftoppm) for the
# PDF tests, clickhouse-server for the server-engine tests, zookeeper
# (with a headless Java runtime) for the replicated-cluster tests and gcc
# for the race detector.
set -euo pipefail

need=()
command -v chromium >/dev/null 2>&1 || need+=(chromium)
command -v pdftotext >/dev/null 2>&1 || need+=(poppler-utils)
[ -x /usr/sbin/clickhouse-server ] || command -v clickhouse-server >/dev/null 2>&1 || need+=(clickhouse-server)
# Debian's zookeeper package puts its jars in /usr/share/java and runs on
# any Java runtime, which it does not always pull in by itself.
[ -e /usr/share/java/zookeeper.jar ] || need+=(zookeeper)
command -v java >/dev/null 2>&1 || need+=(default-jre-headless)
# gcc, because the race detector (go test -race) needs cgo.
command -v gcc >/dev/null 2>&1 || need+=(gcc libc6-dev)
# A CJK font, so that browser screenshots show Chinese text instead of boxes.
[ -e /usr/share/fonts/truetype/wqy/wqy-microhei.ttc ] || need+=(fonts-wqy-microhei)

if [ ${#need[@]} -eq 0 ]; then
	exit 0
fi
if [ "$(id -u)" -ne 0 ]; then
	echo "install-test-deps: need root to install ${need[*]}; run: sudo apt-get install -y ${need[*]}" >&2
	exit 1
fi
echo "install-test-deps: installing ${need[*]}"
export DEBIAN_FRONTEND=noninteractive
apt-get update -q
apt-get install -y -q --no-install-recommends "${need[@]}"

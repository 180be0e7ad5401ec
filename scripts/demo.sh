#!/usr/bin/env bash
# The outflux demo: installs what is missing, builds the jar if needed, then starts two real
# InfluxDBs on loopback (edge + central, auth on), an outflux server and client, writes
# Telegraf-like lines (to the edge InfluxDB and to the spool, like Telegraf's dual write) and
# prints the point counts at the end. Stops everything it started on exit or Ctrl-C.
# Usage: scripts/demo.sh [--seconds N] [--rate LINES_PER_SECOND] [--dir DIR] [--tls]
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
if [[ ! -f target/outflux.jar ]]; then
  echo "demo: building target/outflux.jar ..." >&2
  mvn -B package -DskipTests
fi
exec java ${JAVA_OPTS:-} -cp target/outflux.jar io.outflux.demo.Demo "$@"

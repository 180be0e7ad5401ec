#!/usr/bin/env bash
# The outflux demo from a source checkout: installs what is missing, builds the jar if needed, then
# runs 'outflux demo': two real InfluxDBs on loopback (edge + central, auth on), an outflux server
# and client, Telegraf-like lines written to the edge InfluxDB and the spool (Telegraf's dual
# write), and the point counts at the end. Stops everything it started on exit or Ctrl-C.
# Usage: scripts/demo.sh [--seconds N] [--rate LINES_PER_SECOND] [--dir DIR] [--tls]
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
if [[ ! -f target/outflux.jar ]]; then
  echo "demo: building target/outflux.jar ..." >&2
  mvn -B package -DskipTests
fi
OUTFLUX_DEMO_BUILT=1 exec bin/outflux demo "$@"

#!/usr/bin/env bash
# End-to-end backlog sync benchmark (not a test): N Telegraf-like lines (default 1,000,000, ~180 B
# each) already in the spool, synced by a client JVM through a server JVM into a fresh database of a
# private influxd 1.x, compared in the same run with writing the same lines straight into the same
# influxd with 4 concurrent curl POSTs of 5,000 lines. Prints both rates and the ratio (target >= 90%).
# Usage: bench/e2e-sync.sh [LINES]
set -euo pipefail
cd "$(dirname "$0")/.."
[[ -f target/outflux.jar ]] || mvn -B -o package -DskipTests >/dev/null
cp_file=target/bench-classpath.txt
mvn -B -o -q test-compile dependency:build-classpath -Dmdep.outputFile="$cp_file" >/dev/null
exec java -Doutflux.jar=target/outflux.jar -cp "target/test-classes:target/classes:$(cat "$cp_file")" \
  io.outflux.bench.E2eSyncBenchmark "$@"

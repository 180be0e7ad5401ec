#!/usr/bin/env bash
# Streaming latency benchmark (not a test): a real influxd (started on a free loopback port), an
# outflux server and a streaming client in one JVM; lines appended to the spool at a steady rate;
# prints p50/p90/p99/max of the delay from append to acknowledged (= stored in InfluxDB, and the
# client's checkpoint covers the line). A first phase times the same small writes straight into
# InfluxDB, so the result can be read against what InfluxDB alone takes on this machine right now.
# Usage: bench/streaming-latency.sh [--rate 2000] [--seconds 20] [--warmup 5] [--poll 5ms]
#                                   [--appends-per-second 200] [--gzip] [--no-baseline]
# Environment: BENCH_JAVA_OPTS extra JVM options.
set -euo pipefail
cd "$(dirname "$0")/.."
mvn -B -o -q test-compile >&2
cp_file=target/bench-classpath.txt
if [[ ! -s $cp_file || pom.xml -nt $cp_file ]]; then
  mvn -B -o -q dependency:build-classpath -Dmdep.includeScope=test -Dmdep.outputFile="$cp_file" >&2
fi
exec "${JAVA:-java}" ${BENCH_JAVA_OPTS:-} -Xmx256m -cp "target/classes:target/test-classes:$(cat "$cp_file")" \
  io.outflux.bench.StreamingLatencyBenchmark "$@"

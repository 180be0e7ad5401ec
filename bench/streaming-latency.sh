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
. "$(dirname "$0")/lib.sh"
bench_build
bench_load before
BENCH_JAVA_OPTS="-Xmx256m ${BENCH_JAVA_OPTS:-}" bench_java io.outflux.bench.StreamingLatencyBenchmark "$@"
bench_load after

#!/usr/bin/env bash
# Streaming latency benchmark (not a test): a real influxd (started on a free loopback port), an
# outflux server and a streaming client in one JVM; lines appended to the spool at a steady rate;
# prints p50/p90/p99/max of the delay from append to acknowledged (= stored in InfluxDB, and the
# client's checkpoint covers the line). A first phase times the same small writes straight into
# InfluxDB, so the result can be read against what InfluxDB alone takes on this machine right now.
# Runs twice: quiet, then busy (a second, CPU-bound process spinning on one core beside it);
# targets at 2,000 lines/s: p99 < 50 ms quiet, < 100 ms busy.
# Usage: bench/streaming-latency.sh [--quiet-only|--busy-only] [--rate 2000] [--seconds 20] [--warmup 5]
#                                   [--poll 5ms] [--appends-per-second 200] [--gzip] [--no-baseline]
# Environment: BENCH_JAVA_OPTS extra JVM options.   (run it under flock /tmp/outflux-heavy.lock)
set -euo pipefail
. "$(dirname "$0")/lib.sh"
bench_build
phases=(quiet busy)
args=()
for a in "$@"; do
  case $a in
    --quiet-only) phases=(quiet) ;;
    --busy-only) phases=(busy) ;;
    *) args+=("$a") ;;
  esac
done
busy_pid=""
stop_busy() { if [[ -n $busy_pid ]]; then kill "$busy_pid" 2>/dev/null || true; wait "$busy_pid" 2>/dev/null || true; busy_pid=""; fi; }
trap stop_busy EXIT
for phase in "${phases[@]}"; do
  if [[ $phase == busy ]]; then
    # the second process: one core's worth of pure CPU, as another service on the same box would be
    bash -c 'while :; do :; done' &
    busy_pid=$!
  fi
  echo "== $phase"
  bench_load "before ($phase)"
  BENCH_JAVA_OPTS="-Xmx256m ${BENCH_JAVA_OPTS:-}" bench_java io.outflux.bench.StreamingLatencyBenchmark "${args[@]}"
  bench_load "after ($phase)"
  stop_busy
done

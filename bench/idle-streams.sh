#!/usr/bin/env bash
# Idle streaming clients on one server node (not a test): a real influxd, an outflux server JVM from
# target/outflux.jar, and N WebSocket streams opened from a load-generator JVM, held idle; prints
# the server's RSS before and after. Target: 1,000 idle streams in under 512 MB.
# Usage: bench/idle-streams.sh [--clients 1000] [--hold 10] [--server-opts "-Xmx256m"]
set -euo pipefail
. "$(dirname "$0")/lib.sh"
bench_build
bench_load before
BENCH_JAVA_OPTS="-Xmx512m ${BENCH_JAVA_OPTS:-}" bench_java io.outflux.bench.IdleStreamsBenchmark "$@"
bench_load after

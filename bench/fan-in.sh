#!/usr/bin/env bash
# Fan-in benchmark (not a test): CLIENTS clients on loopback (one Vert.x each in one load JVM, own
# spools; a third each interval, size and streaming), each appended to at RATE lines/s, into one
# server JVM and then two (half the clients list each first), all writing to one private influxd.
# Prints aggregate lines/s stored against the best direct write of the same run, p50/p99
# append-to-ack over all clients and the servers' CPU per line.
# Usage: bench/fan-in.sh [--clients 200] [--rate 250] [--seconds 30] [--warmup 10]
#        (run it under flock /tmp/outflux-heavy.lock)
set -euo pipefail
. "$(dirname "$0")/lib.sh"
bench_build
bench_load before
BENCH_JAVA_OPTS="-Xmx2g -Xss512k ${BENCH_JAVA_OPTS:-}" bench_java io.outflux.bench.FanInBenchmark "$@"
bench_load after
